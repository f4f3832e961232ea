/* summary: the one text form of IPv4 and MAC addresses that every stage and output uses. */
#include "nbt/fmt.h"

#include <stdio.h>

struct fmt_ipv4 fmt_ipv4(uint32_t ip)
{
	struct fmt_ipv4 f;
	snprintf(f.s, sizeof f.s, "%u.%u.%u.%u", ip >> 24 & 0xffu, ip >> 16 & 0xffu,
	         ip >> 8 & 0xffu, ip & 0xffu);
	return f;
}

struct fmt_mac fmt_mac(const uint8_t mac[6])
{
	struct fmt_mac f;
	snprintf(f.s, sizeof f.s, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
	         mac[4], mac[5]);
	return f;
}
