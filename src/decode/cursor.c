/* summary: out-of-line parts of the bounds-checked cursor: sub-views and XDR (RFC 4506). */
#include "nbt/cursor.h"

#include <string.h>

void cur_init(struct cur *c, const uint8_t *p, size_t caplen, size_t wirelen)
{
	c->p = p;
	c->cap = caplen;
	c->wire = wirelen < caplen ? caplen : wirelen;
	c->off = 0;
	c->err = p || caplen == 0 ? CUR_OK : CUR_INVALID;
	c->why = c->err ? "null buffer" : NULL;
}

void cur_fail(struct cur *c, enum cur_err err, const char *why)
{
	if (c->err != CUR_OK)
		return;
	c->err = err == CUR_OK ? CUR_INVALID : err;
	c->why = why;
}

uint64_t cur_be64(struct cur *c)
{
	if (!cur_need(c, 8))
		return 0; /* all or nothing: a failed read neither moves nor returns half a value */
	uint64_t hi = cur_be32(c);
	return hi << 32 | cur_be32(c);
}

const uint8_t *cur_take(struct cur *c, size_t n)
{
	if (!cur_need(c, n))
		return NULL;
	const uint8_t *b = c->p + c->off;
	c->off += n;
	return b;
}

bool cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *b = cur_take(c, n);
	if (!b)
		return false;
	if (n)
		memcpy(dst, b, n);
	return true;
}

void cur_skip(struct cur *c, size_t n)
{
	/* Skipping uncaptured bytes is fine as long as the wire has them. */
	if (c->err != CUR_OK)
		return;
	if (n > c->wire - c->off) {
		cur_fail(c, CUR_INVALID, "skip past end of data");
		return;
	}
	c->off += n;
}

bool cur_find(const struct cur *c, uint8_t b, size_t *at)
{
	if (c->err != CUR_OK || c->off >= c->cap)
		return false;
	const uint8_t *hit = memchr(c->p + c->off, b, c->cap - c->off);
	if (!hit)
		return false;
	*at = (size_t)(hit - (c->p + c->off));
	return true;
}

struct cur cur_sub(struct cur *c, size_t n)
{
	struct cur s = {.p = c->p, .err = CUR_OK};
	if (c->err != CUR_OK) {
		s.err = c->err;
		s.why = c->why;
		return s;
	}
	if (n > c->wire - c->off) {
		cur_fail(c, CUR_INVALID, "sub-length past end of data");
		s.err = c->err;
		s.why = c->why;
		return s;
	}
	size_t have = c->off < c->cap ? c->cap - c->off : 0;
	s.p = c->p + (c->off < c->cap ? c->off : c->cap);
	s.cap = have < n ? have : n;
	s.wire = n;
	c->off += n;
	return s;
}

struct cur cur_rest(struct cur *c)
{
	return cur_sub(c, cur_wire_left(c));
}

void cur_trim(struct cur *c, size_t n)
{
	if (c->err != CUR_OK)
		return;
	if (n > c->wire - c->off) {
		cur_fail(c, CUR_INVALID, "trim past end of data");
		return;
	}
	c->wire = c->off + n;
	if (c->cap > c->wire)
		c->cap = c->wire;
}

uint32_t cur_xdr_u32(struct cur *c)
{
	return cur_be32(c);
}

uint64_t cur_xdr_u64(struct cur *c)
{
	return cur_be64(c);
}

bool cur_xdr_bool(struct cur *c)
{
	uint32_t v = cur_be32(c);
	if (v > 1)
		cur_fail(c, CUR_INVALID, "XDR bool not 0 or 1");
	return v == 1;
}

struct span cur_xdr_fixed(struct cur *c, size_t n)
{
	struct span s = {NULL, 0};
	size_t pad = (4 - (n & 3)) & 3;
	if (n > SIZE_MAX - pad) {
		cur_fail(c, CUR_INVALID, "XDR length overflows");
		return s;
	}
	const uint8_t *b = cur_take(c, n);
	if (!b)
		return s;
	cur_skip(c, pad);
	if (!cur_ok(c))
		return s;
	s.p = b;
	s.len = n;
	return s;
}

void cur_xdr_pad(struct cur *c, size_t n)
{
	cur_skip(c, (4 - (n & 3)) & 3);
}

void cur_xdr_skip(struct cur *c, size_t max, const char *why)
{
	uint32_t len = cur_xdr_u32(c);
	if (len > max)
		cur_fail(c, CUR_INVALID, why);
	cur_skip(c, len);
	cur_xdr_pad(c, len);
}

struct span cur_xdr_opaque(struct cur *c, size_t max)
{
	uint32_t n = cur_be32(c);
	if (!cur_ok(c))
		return (struct span){NULL, 0};
	if (n > max) {
		cur_fail(c, CUR_INVALID, "XDR length above limit");
		return (struct span){NULL, 0};
	}
	return cur_xdr_fixed(c, n);
}
