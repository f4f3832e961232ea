/* summary: libFuzzer target: the cursor API driven by an op script, checked against a model of its
 * contract. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/cursor.h"

/*
 * Input layout: [script length L][wire extra E][L script bytes][data...].
 * The data is copied into an exactly-sized heap block (ASan catches any read
 * past the captured bytes); the root cursor spans cap = data length and
 * wire = cap + E * 3, so reads between cap and wire must be CUR_TRUNC.
 * Each op is checked against an independent model of cursor.h's contract:
 * position, error kind, stickiness and the values read.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK_MAX 8

struct model {
	const uint8_t *p;
	size_t cap, wire, off;
	enum cur_err err;
};

struct slot {
	struct cur c;
	struct model m;
};

struct script {
	const uint8_t *s;
	size_t len, pos;
};

static uint8_t script_byte(struct script *sc)
{
	return sc->pos < sc->len ? sc->s[sc->pos++] : 0;
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* The contract of cur_need, written out independently. */
static bool model_need(struct model *m, size_t n)
{
	if (m->err != CUR_OK)
		return false;
	if (n > m->wire - m->off) {
		m->err = CUR_INVALID;
		return false;
	}
	if (m->off > m->cap || n > m->cap - m->off) {
		m->err = CUR_TRUNC;
		return false;
	}
	return true;
}

static uint64_t model_read(struct model *m, size_t n, bool le)
{
	if (!model_need(m, n))
		return 0;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		size_t k = le ? n - 1 - i : i;
		v = v << 8 | m->p[m->off + k];
	}
	m->off += n;
	return v;
}

static void model_skip(struct model *m, size_t n)
{
	if (m->err != CUR_OK)
		return;
	if (n > m->wire - m->off)
		m->err = CUR_INVALID;
	else
		m->off += n;
}

static void same_state(const struct cur *c, const struct model *m)
{
	check(c->err == m->err);
	check((c->err != CUR_OK) == (c->why != NULL));
	check(c->off == m->off && c->cap == m->cap && c->wire == m->wire && c->p == m->p);
	check(c->cap <= c->wire && c->off <= c->wire);
	check(cur_ok(c) == (m->err == CUR_OK));
	size_t left = m->err == CUR_OK && m->off < m->cap ? m->cap - m->off : 0;
	check(cur_left(c) == left);
	check(cur_wire_left(c) == (m->err == CUR_OK ? m->wire - m->off : 0));
}

/* Lengths: mostly small, sometimes exactly at or just past the edges. */
static size_t script_len(struct script *sc, const struct model *m)
{
	uint8_t a = script_byte(sc);
	size_t wl = m->wire - m->off, cl = m->off < m->cap ? m->cap - m->off : 0;
	switch (a) {
	case 250:
		return wl;
	case 251:
		return wl + 1;
	case 252:
		return SIZE_MAX;
	case 253:
		return cl;
	case 254:
		return cl + 1;
	case 255:
		return (size_t)script_byte(sc) << 8 | script_byte(sc);
	default:
		return a;
	}
}

static void op_fixed_reads(struct cur *c, struct model *m, uint8_t op)
{
	static const size_t widths[] = {1, 2, 4, 2, 4, 8, 8, 4};
	uint64_t got = 0;
	switch (op) {
	case 0:
		got = cur_u8(c);
		break;
	case 1:
		got = cur_be16(c);
		break;
	case 2:
		got = cur_be32(c);
		break;
	case 3:
		got = cur_le16(c);
		break;
	case 4:
		got = cur_le32(c);
		break;
	case 5:
		got = cur_be64(c);
		break;
	case 6:
		got = cur_xdr_u64(c);
		break;
	default:
		got = cur_xdr_u32(c);
		break;
	}
	uint64_t want = model_read(m, widths[op], op == 3 || op == 4);
	check(got == want);
}

static void op_take(struct cur *c, struct model *m, size_t n, bool copy)
{
	uint8_t buf[600];
	if (copy && n > sizeof buf)
		n = sizeof buf;
	bool ok = model_need(m, n);
	if (copy) {
		check(cur_copy(c, buf, n) == ok);
		if (ok)
			check(n == 0 || memcmp(buf, m->p + m->off, n) == 0);
	} else {
		const uint8_t *t = cur_take(c, n);
		check((t != NULL) == ok);
		if (ok)
			check(t == m->p + m->off);
	}
	if (ok)
		m->off += n;
}

static void op_xdr_fixed(struct cur *c, struct model *m, size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;
	struct span s = cur_xdr_fixed(c, n);
	const uint8_t *at = m->p + m->off;
	if (n > SIZE_MAX - pad) {
		if (m->err == CUR_OK)
			m->err = CUR_INVALID;
	} else if (model_need(m, n)) {
		m->off += n;
		model_skip(m, pad);
	}
	check((s.p != NULL) == (m->err == CUR_OK));
	if (s.p)
		check(s.p == at && s.len == n);
}

static void op_xdr_opaque(struct cur *c, struct model *m, size_t max)
{
	struct model pre = *m;
	uint32_t n = (uint32_t)model_read(&pre, 4, false);
	struct span s = cur_xdr_opaque(c, max);
	if (pre.err != CUR_OK || n > max) {
		if (pre.err == CUR_OK)
			pre.err = CUR_INVALID;
		*m = pre;
		check(s.p == NULL && s.len == 0);
		return;
	}
	*m = pre;
	size_t pad = (4 - (n & 3)) & 3;
	const uint8_t *at = m->p + m->off;
	if (model_need(m, n)) {
		m->off += n;
		model_skip(m, pad);
	}
	check((s.p != NULL) == (m->err == CUR_OK));
	if (s.p)
		check(s.p == at && s.len == n);
}

/* cur_sub / cur_rest: the child's model, per the header's contract. */
static struct model model_sub(struct model *m, size_t n)
{
	struct model s = {.p = m->p, .err = m->err};
	if (m->err != CUR_OK)
		return s;
	if (n > m->wire - m->off) {
		m->err = s.err = CUR_INVALID;
		return s;
	}
	size_t have = m->off < m->cap ? m->cap - m->off : 0;
	s.p = m->p + (m->off < m->cap ? m->off : m->cap);
	s.cap = have < n ? have : n;
	s.wire = n;
	m->off += n;
	return s;
}

static void op_trim(struct cur *c, struct model *m, size_t n)
{
	cur_trim(c, n);
	if (m->err != CUR_OK)
		return;
	if (n > m->wire - m->off) {
		m->err = CUR_INVALID;
		return;
	}
	m->wire = m->off + n;
	if (m->cap > m->wire)
		m->cap = m->wire;
}

static void op_peek(struct cur *c, struct model *m, size_t ahead)
{
	int got = cur_peek(c, ahead);
	int want = -1;
	if (m->err == CUR_OK && m->off < m->cap && ahead < m->cap - m->off)
		want = m->p[m->off + ahead];
	check(got == want);
	/* cur_find of the byte value `ahead`: the model scans byte by byte */
	uint8_t b = (uint8_t)ahead;
	size_t at = SIZE_MAX, k = 0;
	bool found = cur_find(c, b, &at);
	while (m->err == CUR_OK && m->off + k < m->cap && m->p[m->off + k] != b)
		k++;
	bool want_found = m->err == CUR_OK && m->off + k < m->cap;
	check(found == want_found && (!found || at == k));
}

static void op_bool(struct cur *c, struct model *m)
{
	bool got = cur_xdr_bool(c);
	uint32_t v = (uint32_t)model_read(m, 4, false);
	if (m->err == CUR_OK && v > 1)
		m->err = CUR_INVALID;
	check(got == (v == 1));
}

/* Runs one op on the top slot; returns the new stack depth. */
static int run_op(struct slot *st, int depth, struct script *sc)
{
	struct slot *t = &st[depth - 1];
	struct cur *c = &t->c;
	struct model *m = &t->m;
	struct model before = *m;
	struct cur cbefore = *c;
	uint8_t op = script_byte(sc) % 19;
	if (op <= 7) {
		op_fixed_reads(c, m, op);
	} else if (op == 8 || op == 9) {
		op_take(c, m, script_len(sc, m), op == 9);
	} else if (op == 10) {
		size_t n = script_len(sc, m);
		cur_skip(c, n);
		model_skip(m, n);
	} else if (op == 11) {
		op_peek(c, m, script_len(sc, m));
	} else if (op == 12 || op == 13) {
		size_t n = op == 12 ? script_len(sc, m) : (m->err ? 0 : m->wire - m->off);
		struct cur child = op == 12 ? cur_sub(c, n) : cur_rest(c);
		struct model cm = model_sub(m, n);
		int at = depth < STACK_MAX ? depth++ : depth - 1;
		same_state(c, m);
		st[at].c = child;
		st[at].m = cm;
		same_state(&st[at].c, &st[at].m);
		return depth;
	} else if (op == 14) {
		op_trim(c, m, script_len(sc, m));
	} else if (op == 15) {
		op_bool(c, m);
	} else if (op == 16) {
		op_xdr_opaque(c, m, script_len(sc, m));
	} else if (op == 17) {
		op_xdr_fixed(c, m, script_len(sc, m));
	} else {
		uint8_t e = script_byte(sc) % 3;
		cur_fail(c, (enum cur_err)e, "fuzz");
		if (m->err == CUR_OK)
			m->err = e == CUR_OK ? CUR_INVALID : (enum cur_err)e;
		if (depth > 1 && (e & 1))
			depth--; /* and pop back to the parent */
	}
	same_state(c, m);
	/* Sticky errors: a failed cursor never moves or changes. */
	if (before.err != CUR_OK)
		check(memcmp(&cbefore, c, sizeof cbefore) == 0);
	return depth;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t slen = data[0];
	size_t extra = (size_t)data[1] * 3;
	data += 2;
	size -= 2;
	if (slen > size)
		slen = size;
	struct script sc = {.s = data, .len = slen, .pos = 0};
	size_t dlen = size - slen;
	uint8_t *buf = malloc(dlen ? dlen : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + slen, dlen);

	struct slot st[STACK_MAX];
	memset(st, 0, sizeof st);
	cur_init(&st[0].c, buf, dlen, dlen + extra);
	st[0].m = (struct model){.p = buf, .cap = dlen, .wire = dlen + extra, .err = CUR_OK};
	same_state(&st[0].c, &st[0].m);
	int depth = 1;
	while (sc.pos < sc.len)
		depth = run_op(st, depth, &sc);
	free(buf);
	return 0;
}
