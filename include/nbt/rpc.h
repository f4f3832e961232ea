/* summary: rpc dissector's public event type (placeholder until the rpc dissector lands). */
#ifndef NBT_RPC_H
#define NBT_RPC_H

#include <stdint.h>

struct ev_rpc {
	uint32_t placeholder;
};

#endif
