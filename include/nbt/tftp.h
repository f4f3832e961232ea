/* summary: tftp dissector's public event type (placeholder until the tftp dissector lands). */
#ifndef NBT_TFTP_H
#define NBT_TFTP_H

#include <stdint.h>

struct ev_tftp {
	uint32_t placeholder;
};

#endif
