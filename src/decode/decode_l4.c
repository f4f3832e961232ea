/* summary: UDP (RFC 768) and TCP (RFC 793/9293) header decoding into the packet context. */
#include "nbt/decode.h"

enum decode_status decode_udp(struct cur *c, struct nbt_pkt *pkt, struct cur *payload,
                              bool *len_lies)
{
	*len_lies = false;
	pkt->sport = cur_be16(c);
	pkt->dport = cur_be16(c);
	uint16_t len = cur_be16(c);
	cur_skip(c, 2); /* checksum */
	if (!cur_ok(c))
		return decode_status_of(c);
	/* Length 0 is legal only for UDP GSO super-packets (RFC 2675 jumbograms aside):
	 * take what the IP layer gave. */
	size_t body = len ? (size_t)len : 8 + cur_wire_left(c);
	if (body < 8) {
		*len_lies = true;
		return DECODE_INVALID;
	}
	if (body - 8 > cur_wire_left(c)) {
		*len_lies = true;
		body = 8 + cur_wire_left(c);
	}
	*payload = cur_sub(c, body - 8);
	return cur_ok(payload) ? DECODE_OK : decode_status_of(payload);
}

enum decode_status decode_tcp(struct cur *c, struct nbt_pkt *pkt, struct tcp_hdr *tcp,
                              struct cur *payload)
{
	tcp->header_ok = false;
	pkt->sport = cur_be16(c);
	pkt->dport = cur_be16(c);
	tcp->seq = cur_be32(c);
	tcp->ack = cur_be32(c);
	uint8_t off = cur_u8(c);
	tcp->flags = cur_u8(c);
	tcp->window = cur_be16(c);
	cur_skip(c, 4); /* checksum, urgent pointer */
	if (!cur_ok(c))
		return decode_status_of(c);
	size_t hlen = (size_t)(off >> 4) * 4;
	tcp->header_ok = true; /* the fixed part is there, whatever follows */
	if (hlen < 20)
		return DECODE_INVALID;
	cur_skip(c, hlen - 20); /* options */
	if (!cur_ok(c))
		return decode_status_of(c);
	pkt->tcp_flags = tcp->flags;
	*payload = cur_rest(c);
	return DECODE_OK;
}
