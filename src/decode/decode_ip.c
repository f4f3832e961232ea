/* summary: IPv4 header decoding (RFC 791 s3.1): options skipped, total length trims padding;
 * IPv6 boot traffic recognised, not decoded. */
#include "nbt/decode.h"
#include "nbt/proto/tftp.h"

enum decode_status decode_ipv4(struct cur *c, struct ipv4_hdr *ip, struct cur *payload)
{
	uint8_t vihl = cur_u8(c);
	ip->tos = cur_u8(c);
	ip->total_len = cur_be16(c);
	ip->id = cur_be16(c);
	uint16_t frag = cur_be16(c);
	ip->ttl = cur_u8(c);
	ip->proto = cur_u8(c);
	cur_skip(c, 2); /* header checksum: offload makes it unreliable in captures */
	ip->src = cur_be32(c);
	ip->dst = cur_be32(c);
	if (!cur_ok(c))
		return decode_status_of(c);
	if (vihl >> 4 != 4)
		return DECODE_INVALID;
	ip->ihl = (uint8_t)((vihl & 0x0f) * 4);
	if (ip->ihl < 20)
		return DECODE_INVALID;
	ip->dont_frag = frag & 0x4000;
	ip->more_frags = frag & 0x2000;
	ip->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
	cur_skip(c, (size_t)ip->ihl - 20); /* options */
	if (!cur_ok(c))
		return decode_status_of(c);
	/*
	 * Total length 0 appears on GSO/TSO super-packets captured on the sending
	 * host (the NIC fills it in); the frame then carries the whole payload.
	 */
	size_t body;
	if (ip->total_len) {
		if (ip->total_len < ip->ihl)
			return DECODE_INVALID;
		body = (size_t)ip->total_len - ip->ihl;
	} else {
		body = cur_wire_left(c);
	}
	ip->len_lies = body > cur_wire_left(c);
	if (ip->len_lies) {
		/* The frame is shorter than the IP length says (a snaplen cut would show
		 * as cap < wire instead): decode what is there, as the receiver would
		 * not, but tshark does; the caller counts the lie. */
		body = cur_wire_left(c);
	}
	*payload = cur_sub(c, body);
	return cur_ok(payload) ? DECODE_OK : decode_status_of(payload);
}

#define IPV6_HDR_LEN       40 /* RFC 8200 s3: fixed header, next header at byte 6 */
#define IPV6_NH_UDP        17
#define DHCPV6_CLIENT      546
#define DHCPV6_SERVER      547
#define DHCPV6_RELAY_FORW  12 /* RFC 8415 s7.3: relay messages have another header */
#define DHCPV6_OPT_BOOT_LO 59 /* RFC 5970 s3: OPTION_BOOTFILE_URL, _PARAM, */
#define DHCPV6_OPT_BOOT_HI 62 /* OPTION_CLIENT_ARCH_TYPE, OPTION_NII */
#define DHCPV6_OPT_ORO     6  /* RFC 8415 s21.7: the options a client asks for */

/* An option request list (16-bit codes) that asks for a boot file URL or its parameters. */
static bool dhcpv6_asks_boot(struct cur oro)
{
	while (cur_wire_left(&oro) >= 2) {
		uint16_t code = cur_be16(&oro);
		if (!cur_ok(&oro))
			return false;
		if (code == DHCPV6_OPT_BOOT_LO || code == DHCPV6_OPT_BOOT_LO + 1)
			return true;
	}
	return false;
}

/* A client/server DHCPv6 message (RFC 8415 s8: type, 3-byte transaction id, options of
 * 16-bit code and length) that carries a network-boot option or asks for a boot file. */
static bool dhcpv6_is_boot(struct cur m)
{
	uint8_t type = cur_u8(&m);
	cur_skip(&m, 3);
	if (!cur_ok(&m) || type == 0 || type >= DHCPV6_RELAY_FORW)
		return false;
	while (cur_wire_left(&m) >= 4) {
		uint16_t code = cur_be16(&m), len = cur_be16(&m);
		if (!cur_ok(&m))
			return false;
		if (code >= DHCPV6_OPT_BOOT_LO && code <= DHCPV6_OPT_BOOT_HI)
			return true;
		struct cur opt = cur_sub(&m, len);
		if (code == DHCPV6_OPT_ORO && cur_ok(&m) && dhcpv6_asks_boot(opt))
			return true;
	}
	return false;
}

bool decode_ipv6_boot(const struct cur *c)
{
	struct cur h = *c;
	uint8_t ver = cur_u8(&h);
	cur_skip(&h, 5);
	uint8_t next = cur_u8(&h);
	cur_skip(&h, IPV6_HDR_LEN - 7);
	uint16_t sport = cur_be16(&h), dport = cur_be16(&h), ulen = cur_be16(&h);
	cur_skip(&h, 2);
	if (!cur_ok(&h) || ver >> 4 != 6 || next != IPV6_NH_UDP || ulen < 8)
		return false;
	if (dport == TFTP_PORT)
		return true;
	if (sport != DHCPV6_CLIENT && sport != DHCPV6_SERVER && dport != DHCPV6_CLIENT &&
	    dport != DHCPV6_SERVER)
		return false;
	struct cur m = cur_sub(&h, ulen - 8u);
	return cur_ok(&h) && dhcpv6_is_boot(m);
}
