/* summary: libFuzzer target: bounded IPv4 fragment reassembly (RFC 791 s3.2, RFC 815) from a
 * fragment script. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/ipfrag.h"

/*
 * Input: a sequence of fragments, each [ctl][off_hi][off_lo][len][len bytes].
 * ctl bits 0-1: which of four datagrams (source/id) the piece belongs to;
 * bit 2: MF; bit 3: the piece was cut by snaplen (half of it captured);
 * bits 4-7: packet time step (0-11: +n ms; 12: +2 s; 13: one second back;
 * 14: +40 s, past the timeout; 15: same time, then ipfrag_expire).
 * The offset field is 13 bits in units of 8 bytes, as on the wire.
 * Every completed datagram is read in full; table bounds are checked after
 * every piece.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIM_DGMS  4
#define LIM_FRAGS 16
#define LIM_BYTES 20000

static void check(bool ok)
{
	if (!ok)
		abort();
}

static nbt_time step_time(nbt_time ts, unsigned code, struct ipfrag_table *t)
{
	if (code < 12)
		return ts + (nbt_time)code * NBT_NS_PER_MS;
	if (code == 12)
		return ts + 2 * NBT_NS_PER_SEC;
	if (code == 13)
		return ts - NBT_NS_PER_SEC;
	if (code == 14)
		return ts + 40 * NBT_NS_PER_SEC;
	ipfrag_expire(t, ts);
	return ts;
}

static void check_done(const struct cur *out)
{
	check(out->err == CUR_OK && out->off == 0);
	check(out->cap <= out->wire && out->wire <= 65535);
	unsigned sum = 0;
	for (size_t i = 0; i < out->cap; i++)
		sum += out->p[i];
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nbt_stats st;
	memset(&st, 0, sizeof st);
	struct ipfrag_limits lim = {.max_datagrams = LIM_DGMS,
	                            .max_frags_per_dgm = LIM_FRAGS,
	                            .max_total_bytes = LIM_BYTES,
	                            .timeout = 30 * NBT_NS_PER_SEC};
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	nbt_time ts = 1000 * NBT_NS_PER_SEC;
	size_t pos = 0;
	while (size - pos >= 4) {
		uint8_t ctl = data[pos];
		uint32_t off = ((uint32_t)(data[pos + 1] & 0x1f) << 8 | data[pos + 2]) * 8;
		size_t len = data[pos + 3];
		pos += 4;
		if (len > size - pos)
			len = size - pos;
		ts = step_time(ts, ctl >> 4, t);
		struct ipfrag_piece pc = {.src = 0x0a000002u + (ctl & 1),
		                          .dst = 0x0a000001u,
		                          .id = (uint16_t)(0x100 + (ctl & 2)),
		                          .proto = 17,
		                          .offset = off,
		                          .more = ctl & 4,
		                          .ts = ts};
		uint8_t *b = malloc(len ? len : 1);
		check(b != NULL);
		memcpy(b, data + pos, len);
		pos += len;
		struct cur payload, out;
		size_t cap = ctl & 8 ? len / 2 : len;
		cur_init(&payload, b, cap, len);
		enum reasm_status r = ipfrag_add(t, &pc, payload, &out);
		if (r == NBT_DONE)
			check_done(&out);
		free(b); /* the table must have copied what it keeps */
		check(ipfrag_pending(t) <= LIM_DGMS);
		check(ipfrag_held_bytes(t) <= LIM_BYTES);
	}
	ipfrag_free(t);
	return 0;
}
