/* summary: reading the DHCP options a dissected message kept (struct ev_dhcp: a presence bitmap
 * and the raw option bytes, RFC 2132 s2 TLVs already checked by the dissector). */
#include "nbt/dhcp.h"

bool dhcp_has(const struct ev_dhcp *d, uint8_t code)
{
	return (d->present[code >> 3] >> (code & 7)) & 1;
}

const uint8_t *dhcp_option(const struct ev_dhcp *d, uint8_t code, uint8_t *len)
{
	size_t off = 0;
	while (off + 2 <= d->raw_len) {
		uint8_t n = d->raw[off + 1];
		if (d->raw[off] == code) {
			*len = n;
			return d->raw + off + 2;
		}
		off += 2u + n;
	}
	*len = 0;
	return NULL;
}
