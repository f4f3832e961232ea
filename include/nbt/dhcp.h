/* summary: dhcp dissector's public event type (placeholder until the dhcp dissector lands). */
#ifndef NBT_DHCP_H
#define NBT_DHCP_H

#include <stdint.h>

struct ev_dhcp {
	uint32_t placeholder;
};

#endif
