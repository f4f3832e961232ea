/* summary: Internet checksums (RFC 1071 sum, RFC 791 IPv4 header, RFC 768 UDP, RFC 793 TCP)
 * over cursor bytes, to tell offloaded (never filled in) checksums from wire corruption. */
#include "nbt/checksum.h"

#include <netinet/in.h>
#include <string.h>

/* The one's complement sum of the bytes as native 16-bit words, folded to 16 bits. The sum does
 * not depend on the byte order (RFC 1071 s2(B)): eight bytes are added as two 32-bit halves
 * (2^16 = 1 mod 0xffff, so the fold gives the same result), and a zeroed tail pads an odd byte
 * on the side a big-endian word would put it. */
static uint32_t sum_native(const uint8_t *b, size_t n)
{
	uint64_t s = 0, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		s += (w & 0xffffffffu) + (w >> 32);
	}
	if (i < n) {
		w = 0;
		memcpy(&w, b + i, n - i);
		s += (w & 0xffffffffu) + (w >> 32);
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/* sum plus the big-endian 16-bit words of b[0..n), folded to 16 bits. */
static uint32_t checksum_fold(uint32_t sum, const uint8_t *b, size_t n)
{
	uint32_t w = n ? sum_native(b, n) : 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = (w >> 8 | w << 8) & 0xffff; /* the big-endian words' sum */
#endif
	uint64_t s = (uint64_t)sum + w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

bool checksum_add(uint32_t *sum, struct cur c)
{
	size_t n = cur_wire_left(&c);
	if (cur_left(&c) < n)
		return false; /* cut by the snaplen: the sum cannot be known */
	const uint8_t *b = cur_take(&c, n);
	if (!b && n)
		return false;
	*sum = checksum_fold(*sum, b, n);
	return true;
}

/* The checksum field at `at` of a block the caller summed: zero means never filled in. */
static bool field_zero(const uint8_t *b, size_t at)
{
	return b[at] == 0 && b[at + 1] == 0;
}

enum checksum_result checksum_ipv4(struct cur hdr)
{
	size_t n = cur_wire_left(&hdr);
	const uint8_t *b = n >= 20 && cur_left(&hdr) >= n ? cur_take(&hdr, n) : NULL;
	if (!b)
		return CHECKSUM_UNKNOWN;
	/* A zero field is one never filled in (hand-built packets, some offload paths): a computed
	 * one is zero only if the other words sum to exactly 0xffff. */
	if (field_zero(b, 10))
		return CHECKSUM_NONE;
	return checksum_fold(0, b, n) == 0xffff ? CHECKSUM_OK : CHECKSUM_BAD;
}

enum checksum_result checksum_l4(struct cur seg, uint8_t proto, uint32_t src, uint32_t dst)
{
	size_t len = cur_wire_left(&seg), have = cur_left(&seg);
	size_t ck_at = proto == IPPROTO_UDP ? 6 : 16;
	const uint8_t *b = have >= ck_at + 2 ? cur_take(&seg, have < len ? have : len) : NULL;
	if (!b || len < ck_at + 2)
		return CHECKSUM_UNKNOWN;
	if (proto == IPPROTO_UDP) {
		/* The UDP length (RFC 768) bounds the sum; bytes past it are not the datagram's. */
		size_t ulen = (size_t)b[4] << 8 | b[5];
		if (ulen < 8 || ulen > len)
			return CHECKSUM_UNKNOWN;
		len = ulen;
	}
	if (len > 0xffff || have < len)
		return CHECKSUM_UNKNOWN; /* cut by the snaplen: the sum cannot be known */
	if (proto == IPPROTO_UDP && field_zero(b, 6))
		return CHECKSUM_NONE;
	/* Pseudo-header: source, destination, zero + protocol, segment length. */
	uint32_t sum =
	    (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint32_t)len;
	return checksum_fold(sum, b, len) == 0xffff ? CHECKSUM_OK : CHECKSUM_BAD;
}
