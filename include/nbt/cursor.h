/* summary: bounds-checked byte cursor, the only way packet bytes are read (sticky errors). */
#ifndef NBT_CURSOR_H
#define NBT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A cursor spans `wire` bytes, of which only the first `cap` were captured.
 * Reading past `cap` but inside `wire` is CUR_TRUNC (snaplen cut the packet);
 * asking for more than `wire` holds is CUR_INVALID (a length field lied).
 * After the first failure every getter returns 0 and nothing advances.
 * `off` counts wire bytes consumed; it never exceeds `wire`.
 */
enum cur_err { CUR_OK = 0, CUR_TRUNC, CUR_INVALID };

struct cur {
	const uint8_t *p;
	size_t cap;
	size_t wire;
	size_t off;
	enum cur_err err;
	const char *why; /* first failure reason, static string */
};

struct span {
	const uint8_t *p;
	size_t len;
};

void cur_init(struct cur *c, const uint8_t *p, size_t caplen, size_t wirelen);
void cur_fail(struct cur *c, enum cur_err err, const char *why);

/* Checks that n more bytes can be read; fails the cursor (and returns false) if not. */
static inline bool cur_need(struct cur *c, size_t n)
{
	if (c->err != CUR_OK)
		return false;
	if (n > c->wire - c->off) {
		cur_fail(c, CUR_INVALID, "length past end of data");
		return false;
	}
	if (c->off > c->cap || n > c->cap - c->off) {
		cur_fail(c, CUR_TRUNC, "captured data ends early");
		return false;
	}
	return true;
}

static inline bool cur_ok(const struct cur *c)
{
	return c->err == CUR_OK;
}

/* Captured bytes still readable. */
static inline size_t cur_left(const struct cur *c)
{
	if (c->err != CUR_OK || c->off >= c->cap)
		return 0;
	return c->cap - c->off;
}

/* Bytes the wire says remain (captured or not). */
static inline size_t cur_wire_left(const struct cur *c)
{
	return c->err != CUR_OK ? 0 : c->wire - c->off;
}

static inline uint8_t cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t cur_be16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	const uint8_t *b = c->p + c->off;
	c->off += 2;
	return (uint16_t)((unsigned)b[0] << 8 | b[1]);
}

static inline uint32_t cur_be32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	const uint8_t *b = c->p + c->off;
	c->off += 4;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint16_t cur_le16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	const uint8_t *b = c->p + c->off;
	c->off += 2;
	return (uint16_t)((unsigned)b[1] << 8 | b[0]);
}

static inline uint32_t cur_le32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	const uint8_t *b = c->p + c->off;
	c->off += 4;
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

uint64_t cur_be64(struct cur *c);
/* Borrows n bytes (pointer into the packet) or returns NULL and fails. */
const uint8_t *cur_take(struct cur *c, size_t n);
bool cur_copy(struct cur *c, void *dst, size_t n);
void cur_skip(struct cur *c, size_t n);
/* Peeks at the byte `ahead` bytes on without advancing; -1 if not captured (no failure). */
static inline int cur_peek(const struct cur *c, size_t ahead)
{
	if (c->err != CUR_OK || c->off >= c->cap || ahead >= c->cap - c->off)
		return -1;
	return c->p[c->off + ahead];
}
/* Distance from the position to the first captured byte equal to b, without advancing
 * (a C string's terminator, say); false if no captured byte is b or the cursor failed. */
bool cur_find(const struct cur *c, uint8_t b, size_t *at);
/*
 * Child view of the next n wire bytes; the parent advances by n.  A child
 * whose bytes were only partly captured reports CUR_TRUNC on reads past them.
 */
struct cur cur_sub(struct cur *c, size_t n);
/* Child view of everything left; the parent is consumed. */
struct cur cur_rest(struct cur *c);
/* Shrinks the wire length to n (e.g. IP total length trims Ethernet padding). */
void cur_trim(struct cur *c, size_t n);

/* XDR (RFC 4506) helpers: 4-byte big-endian units, opaque data padded to 4. */
uint32_t cur_xdr_u32(struct cur *c);
uint64_t cur_xdr_u64(struct cur *c);
bool cur_xdr_bool(struct cur *c);
/* Variable-length opaque/string: rejects a declared length above max as CUR_INVALID. */
struct span cur_xdr_opaque(struct cur *c, size_t max);
/* Fixed-length opaque of n bytes (padded to 4). */
struct span cur_xdr_fixed(struct cur *c, size_t n);
/* Skips the pad after n bytes of opaque data (RFC 4506 s4.10: to a multiple of 4 bytes). */
void cur_xdr_pad(struct cur *c, size_t n);
/* Skips a variable-length opaque whose bytes are not needed: they may lie past the capture
 * (never read), not past the wire; a declared length above max fails CUR_INVALID with `why`. */
void cur_xdr_skip(struct cur *c, size_t max, const char *why);

#endif
