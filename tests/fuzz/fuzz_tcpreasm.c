/* summary: libFuzzer target: TCP reassembly into ONC RPC records (RFC 793 sequence space, RFC 5531
 * s11) from a segment script. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/tcpreasm.h"

/* The pipeline owns one of these; here the streams share this one. */
static struct nbt_budget budget = NBT_BUDGET_DEFAULT;

/*
 * Input: a sequence of segments, each [ctl][a][b][len][len bytes].
 * ctl bit 0: direction (two streams, one per direction); bit 1: SYN;
 * bit 2: after the segment, tcpreasm_ack on the other direction's stream
 * with that stream's highest sequence seen + (int8)b;
 * bits 3-4: sequence number: in order / +(int8)a / +(int8)a * 1024 / a wild
 * jump of a<<24 | b<<16; bits 5-6: bytes on the wire past the captured ones
 * (none / len / b * 256 / 70000, past the kept record prefix).
 * Every delivered record is read in full and its bounds checked.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void on_record(void *arg, struct cur *rec)
{
	unsigned *count = arg;
	(*count)++;
	check(rec->err == CUR_OK && rec->off == 0);
	check(rec->cap <= rec->wire);
	check(rec->wire > 0 && rec->wire <= NBT_RPC_MAX_RECORD);
	check(rec->cap <= TCPREASM_PREFIX_MAX);
	unsigned sum = 0;
	for (size_t i = 0; i < rec->cap; i++)
		sum += rec->p[i];
	(void)sum;
}

static uint32_t next_seq(uint8_t ctl, uint8_t a, uint8_t b, uint32_t next)
{
	switch ((ctl >> 3) & 3) {
	case 0:
		return next;
	case 1:
		return next + (uint32_t)(int32_t)(int8_t)a;
	case 2:
		return next + (uint32_t)((int32_t)(int8_t)a * 1024);
	default:
		return next + ((uint32_t)a << 24 | (uint32_t)b << 16);
	}
}

static size_t wire_extra(uint8_t ctl, uint8_t b, size_t len)
{
	switch ((ctl >> 5) & 3) {
	case 0:
		return 0;
	case 1:
		return len;
	case 2:
		return (size_t)b * 256;
	default:
		return 70000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nbt_stats st;
	memset(&st, 0, sizeof st);
	struct tcp_stream *s[2] = {tcpreasm_new(&st, &budget), tcpreasm_new(&st, &budget)};
	uint32_t next[2] = {1000, 0x7ffffff0u}; /* the second wraps soon */
	unsigned records = 0;
	size_t pos = 0;
	while (size - pos >= 4) {
		uint8_t ctl = data[pos], a = data[pos + 1], b = data[pos + 2];
		size_t len = data[pos + 3];
		pos += 4;
		if (len > size - pos)
			len = size - pos;
		int d = ctl & 1;
		bool syn = ctl & 2;
		uint32_t seq = next_seq(ctl, a, b, next[d]);
		size_t wire = len + wire_extra(ctl, b, len);
		uint8_t *buf = malloc(len ? len : 1);
		check(buf != NULL);
		memcpy(buf, data + pos, len);
		pos += len;
		struct cur seg;
		cur_init(&seg, buf, len, wire);
		tcpreasm_add(s[d], seq, syn, seg, on_record, &records);
		free(buf); /* anything kept must have been copied */
		uint32_t end = seq + (uint32_t)wire + (syn ? 1u : 0u);
		if ((int32_t)(end - next[d]) > 0)
			next[d] = end;
		if (ctl & 4)
			tcpreasm_ack(s[!d], next[!d] + (uint32_t)(int32_t)(int8_t)b, on_record,
			             &records);
	}
	tcpreasm_free(s[0]);
	tcpreasm_free(s[1]);
	return 0;
}
