/* summary: arp dissector's public event type (placeholder until the arp dissector lands). */
#ifndef NBT_ARP_H
#define NBT_ARP_H

#include <stdint.h>

struct ev_arp {
	uint32_t placeholder;
};

#endif
