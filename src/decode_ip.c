/* summary: IPv4 header decoding (RFC 791 s3.1): options skipped, total length trims padding. */
#include "nbt/decode.h"

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
