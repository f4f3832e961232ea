/* summary: icmp dissector's public event type (placeholder until the icmp dissector lands). */
#ifndef NBT_ICMP_H
#define NBT_ICMP_H

#include <stdint.h>

struct ev_icmp {
	uint32_t placeholder;
};

#endif
