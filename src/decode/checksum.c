/* summary: Internet checksums (RFC 1071 sum, RFC 791 IPv4 header, RFC 768 UDP, RFC 793 TCP)
 * over cursor bytes, to tell offloaded (never filled in) checksums from wire corruption. */
#include "nbt/checksum.h"

#include <netinet/in.h>

bool checksum_add(uint32_t *sum, struct cur c)
{
	size_t n = cur_wire_left(&c);
	if (cur_left(&c) < n)
		return false; /* cut by the snaplen: the sum cannot be known */
	const uint8_t *b = cur_take(&c, n);
	if (!b && n)
		return false;
	uint64_t s = *sum;
	size_t i = 0;
	/* Big-endian 16-bit words; an odd last byte is padded with a zero (RFC 1071 s4.1). */
	for (; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	*sum = (uint32_t)s;
	return true;
}

enum checksum_result checksum_ipv4(struct cur hdr)
{
	uint32_t sum = 0;
	if (cur_wire_left(&hdr) < 20 || !checksum_add(&sum, hdr))
		return CHECKSUM_UNKNOWN;
	/* A zero field is one never filled in (hand-built packets, some offload paths): a computed
	 * one is zero only if the other words sum to exactly 0xffff. */
	if (cur_peek(&hdr, 10) == 0 && cur_peek(&hdr, 11) == 0)
		return CHECKSUM_NONE;
	return sum == 0xffff ? CHECKSUM_OK : CHECKSUM_BAD;
}

enum checksum_result checksum_l4(struct cur seg, uint8_t proto, uint32_t src, uint32_t dst)
{
	size_t len = cur_wire_left(&seg);
	if (proto == IPPROTO_UDP && len >= 8) {
		/* The UDP length (RFC 768) bounds the sum; bytes past it are not the datagram's. */
		size_t ulen = (size_t)cur_peek(&seg, 4) << 8 | (size_t)cur_peek(&seg, 5);
		if (ulen < 8 || ulen > len || cur_peek(&seg, 5) < 0)
			return CHECKSUM_UNKNOWN;
		struct cur whole = seg;
		seg = cur_sub(&whole, ulen);
		len = ulen;
	}
	size_t ck_at = proto == IPPROTO_UDP ? 6 : 16;
	if (len < ck_at + 2 || len > 0xffff || cur_left(&seg) < len)
		return CHECKSUM_UNKNOWN;
	if (proto == IPPROTO_UDP && cur_peek(&seg, 6) == 0 && cur_peek(&seg, 7) == 0)
		return CHECKSUM_NONE;
	/* Pseudo-header: source, destination, zero + protocol, segment length. */
	uint32_t sum =
	    (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint32_t)len;
	if (!checksum_add(&sum, seg))
		return CHECKSUM_UNKNOWN;
	return sum == 0xffff ? CHECKSUM_OK : CHECKSUM_BAD;
}
