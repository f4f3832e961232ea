/* summary: unit tests for TCP stream reassembly into ONC RPC records (RFC 5531 s11 record marking).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/tcpreasm.h"
#include "nbt/tcpstream.h"

/* The pipeline owns one of these; here the streams share this one. */
static struct nbt_budget budget = NBT_BUDGET_DEFAULT;

#define MAX_RECS   512
#define STREAM_MAX (2u << 20)

struct rec_log {
	size_t n;
	size_t wire[MAX_RECS], cap[MAX_RECS];
	uint32_t xid[MAX_RECS];
	uint64_t hash[MAX_RECS]; /* FNV-1a of the captured bytes */
};

/* The byte stream one direction carries, and where each record's body starts in it. */
struct stream_img {
	uint8_t *b;
	size_t len;
	size_t nrec;
	size_t body_off[MAX_RECS], body_len[MAX_RECS];
};

static struct rec_log logbuf;
static struct stream_img img;

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void on_record(void *arg, struct cur *rec)
{
	struct rec_log *lg = arg;
	assert_true(lg->n < MAX_RECS);
	lg->wire[lg->n] = rec->wire;
	lg->cap[lg->n] = rec->cap;
	struct cur c = *rec;
	const uint8_t *all = rec->cap ? cur_take(&c, rec->cap) : NULL;
	lg->hash[lg->n] = all ? fnv(all, rec->cap) : 0;
	c = *rec;
	lg->xid[lg->n] = cur_be32(&c);
	lg->n++;
}

static int setup(void **state)
{
	(void)state;
	memset(&logbuf, 0, sizeof(logbuf));
	img.b = calloc(1, STREAM_MAX);
	img.len = img.nrec = 0;
	return img.b ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(img.b);
	img.b = NULL;
	return 0;
}

static void put32(uint32_t v)
{
	assert_true(img.len + 4 <= STREAM_MAX);
	img.b[img.len++] = (uint8_t)(v >> 24);
	img.b[img.len++] = (uint8_t)(v >> 16);
	img.b[img.len++] = (uint8_t)(v >> 8);
	img.b[img.len++] = (uint8_t)v;
}

static void put_filler(size_t n, uint32_t seed)
{
	assert_true(img.len + n <= STREAM_MAX);
	for (size_t i = 0; i < n; i++)
		img.b[img.len++] = (uint8_t)((i * 131u + seed * 17u + 1u) & 0x7f); /* never 0x80 */
}

/*
 * Appends one RPC CALL record (xid, CALL, rpcvers 2, filler) of body length
 * `len`, cut into fragments of at most `frag` bytes (0: one fragment).
 */
static void add_call_frags(uint32_t xid, size_t len, size_t frag)
{
	assert_true(len >= 12 && img.nrec < MAX_RECS);
	uint8_t body[12];
	size_t start = img.len;
	body[0] = (uint8_t)(xid >> 24);
	body[1] = (uint8_t)(xid >> 16);
	body[2] = (uint8_t)(xid >> 8);
	body[3] = (uint8_t)xid;
	memset(body + 4, 0, 8);
	body[11] = 2;
	uint8_t *tmp = malloc(len);
	assert_non_null(tmp);
	memcpy(tmp, body, 12);
	for (size_t i = 12; i < len; i++)
		tmp[i] = (uint8_t)((i * 131u + xid * 17u + 1u) & 0x7f);
	size_t done = 0;
	if (frag == 0)
		frag = len;
	while (done < len) {
		size_t k = len - done < frag ? len - done : frag;
		put32((uint32_t)k | (done + k == len ? 0x80000000u : 0));
		assert_true(img.len + k <= STREAM_MAX);
		memcpy(img.b + img.len, tmp + done, k);
		img.len += k;
		done += k;
	}
	free(tmp);
	img.body_off[img.nrec] = start; /* first mark; bodies are checked via expect_hash */
	img.body_len[img.nrec] = len;
	img.nrec++;
}

static void add_call(uint32_t xid, size_t len)
{
	add_call_frags(xid, len, 0);
}

/* Hash of the first `cap` body bytes of record r (marks between fragments skipped). */
static uint64_t expect_hash(size_t r, size_t cap)
{
	uint8_t *tmp = malloc(cap ? cap : 1);
	assert_non_null(tmp);
	size_t at = img.body_off[r], got = 0;
	while (got < cap) {
		uint32_t mark = (uint32_t)img.b[at] << 24 | (uint32_t)img.b[at + 1] << 16 |
		                (uint32_t)img.b[at + 2] << 8 | img.b[at + 3];
		size_t k = mark & 0x7fffffffu;
		at += 4;
		size_t use = k < cap - got ? k : cap - got;
		memcpy(tmp + got, img.b + at, use);
		got += use;
		at += k;
	}
	uint64_t h = fnv(tmp, cap);
	free(tmp);
	return h;
}

static void assert_record(size_t i, size_t r, size_t cap)
{
	assert_true(i < logbuf.n);
	assert_int_equal(logbuf.wire[i], img.body_len[r]);
	assert_int_equal(logbuf.cap[i], cap);
	assert_true(logbuf.hash[i] == expect_hash(r, cap));
}

/* Feeds stream bytes [off, off+len) as one segment; the SYN took isn. */
static enum tcp_rec_status feed(struct tcp_stream *s, uint32_t isn, size_t off, size_t len)
{
	struct cur c;
	cur_init(&c, img.b + off, len, len);
	return tcpreasm_add(s, isn + 1u + (uint32_t)off, false, c, on_record, &logbuf);
}

static struct tcp_stream *open_stream(struct nbt_stats *st, uint32_t isn)
{
	struct tcp_stream *s = tcpreasm_new(st, &budget);
	struct cur c;
	cur_init(&c, NULL, 0, 0);
	assert_int_equal(tcpreasm_add(s, isn, true, c, on_record, &logbuf), TCPREC_MORE);
	return s;
}

static void reset_log(void)
{
	memset(&logbuf, 0, sizeof(logbuf));
	img.len = img.nrec = 0;
}

static void test_header_split(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(0x1111, 40);
	struct tcp_stream *s = open_stream(&st, 1000);
	assert_int_equal(feed(s, 1000, 0, 1), TCPREC_MORE);
	assert_int_equal(feed(s, 1000, 1, 2), TCPREC_MORE);
	assert_int_equal(feed(s, 1000, 3, 1), TCPREC_MORE);
	assert_int_equal(logbuf.n, 0);
	assert_int_equal(feed(s, 1000, 4, 40), TCPREC_DONE);
	assert_int_equal(logbuf.n, 1);
	assert_record(0, 0, 40);
	assert_int_equal(logbuf.xid[0], 0x1111);
	tcpreasm_free(s);
}

static void test_body_split_and_two_in_one(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 40);
	add_call(2, 12);
	add_call(3, 100);
	struct tcp_stream *s = open_stream(&st, 5);
	assert_int_equal(feed(s, 5, 0, 10), TCPREC_MORE);
	assert_int_equal(feed(s, 5, 10, 20), TCPREC_MORE);
	/* end of record 1, all of record 2, the start of record 3 */
	assert_int_equal(feed(s, 5, 30, 40), TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	assert_int_equal(feed(s, 5, 70, img.len - 70), TCPREC_DONE);
	assert_int_equal(logbuf.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_record(i, i, img.body_len[i]);
		assert_int_equal(logbuf.xid[i], i + 1);
	}
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 0);
	tcpreasm_free(s);
}

static void test_many_segments_and_prefix(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(7, 10000);
	add_call(8, TCPREASM_PREFIX_MAX + 40000); /* an NFS READ reply-sized record */
	add_call(9, TCPREASM_PREFIX_MAX);
	struct tcp_stream *s = open_stream(&st, 77);
	size_t off = 0;
	while (off < img.len) {
		size_t k = img.len - off < 1448 ? img.len - off : 1448;
		feed(s, 77, off, k);
		off += k;
	}
	assert_int_equal(logbuf.n, 3);
	assert_record(0, 0, 10000);
	assert_record(1, 1, TCPREASM_PREFIX_MAX); /* wire = full length, cap = prefix */
	assert_int_equal(logbuf.wire[1], TCPREASM_PREFIX_MAX + 40000);
	assert_record(2, 2, TCPREASM_PREFIX_MAX);
	tcpreasm_free(s);
}

static void test_multi_fragment(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call_frags(0x42, 50, 20); /* fragments 20 + 20 + 10, last bit on the third */
	size_t first_len = img.len;
	/* a record with a zero-length non-last fragment in the middle */
	img.body_off[img.nrec] = img.len;
	img.body_len[img.nrec] = 16;
	img.nrec++;
	put32(8);
	put32(0x43);
	put32(0);
	put32(0); /* zero-length fragment, not last */
	put32(0x80000008u);
	put32(2);
	put_filler(4, 3);
	/* an empty record (zero-length last fragment on its own) is dropped silently */
	put32(0x80000000u);
	add_call(0x44, 12);
	struct tcp_stream *s = open_stream(&st, 0);
	assert_int_equal(feed(s, 0, 0, 30), TCPREC_MORE); /* mark 1, body 20, mark 2, 2 bytes */
	assert_int_equal(logbuf.n, 0);
	assert_int_equal(feed(s, 0, 30, first_len - 30), TCPREC_DONE);
	assert_int_equal(logbuf.n, 1);
	assert_record(0, 0, 50);
	assert_int_equal(logbuf.xid[0], 0x42);
	assert_int_equal(feed(s, 0, first_len, img.len - first_len), TCPREC_DONE);
	assert_int_equal(logbuf.n, 3);
	assert_int_equal(logbuf.wire[1], 16);
	assert_int_equal(logbuf.xid[1], 0x43);
	assert_record(1, 1, 16);
	assert_int_equal(logbuf.xid[2], 0x44);
	for (int i = 0; i < ANOM__COUNT; i++)
		assert_int_equal(st.anomalies[i], 0);
	tcpreasm_free(s);
}

static void test_out_of_order(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 300);
	add_call(2, 200);
	struct tcp_stream *s = open_stream(&st, 9000);
	/* segments [200, 400) then [400, end) then [0, 200) */
	assert_int_equal(feed(s, 9000, 200, 200), TCPREC_MORE);
	assert_int_equal(feed(s, 9000, 400, img.len - 400), TCPREC_MORE);
	assert_int_equal(logbuf.n, 0);
	assert_int_equal(feed(s, 9000, 0, 200), TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	assert_record(0, 0, 300);
	assert_record(1, 1, 200);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 0);
	tcpreasm_free(s);
}

static void test_retransmit_and_overlap(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 100);
	add_call(2, 100);
	struct tcp_stream *s = open_stream(&st, 1);
	assert_int_equal(feed(s, 1, 0, 60), TCPREC_MORE);
	assert_int_equal(feed(s, 1, 0, 60), TCPREC_MORE);  /* exact retransmission */
	assert_int_equal(feed(s, 1, 10, 20), TCPREC_MORE); /* older bytes inside */
	assert_int_equal(feed(s, 1, 40, 70), TCPREC_DONE); /* overlaps 20 delivered bytes */
	assert_int_equal(logbuf.n, 1);
	/* out of order, then a segment overlapping both delivered and held bytes */
	assert_int_equal(feed(s, 1, 180, img.len - 180), TCPREC_MORE);
	assert_int_equal(feed(s, 1, 100, 100), TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	assert_record(0, 0, 100);
	assert_record(1, 1, 100);
	/* retransmission after everything: nothing new */
	assert_int_equal(feed(s, 1, 0, img.len), TCPREC_MORE);
	assert_int_equal(logbuf.n, 2);

	/* bytes [180, 200) were held, then delivered in order: they must be forgotten, or
	 * they would come back when the ring index comes round again, 2^18 bytes later */
	size_t from = img.len;
	while (img.len < TCPSTREAM_OOO_MAX + 2000)
		add_call((uint32_t)img.nrec + 1, 1000);
	size_t cut = 190 + TCPSTREAM_OOO_MAX;
	feed(s, 1, from, cut - from);
	feed(s, 1, cut, img.len - cut);
	assert_int_equal(logbuf.n, img.nrec);
	for (size_t i = 2; i < img.nrec; i++)
		assert_record(i, i, 1000);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 0);
	tcpreasm_free(s);
}

static void test_ooo_overflow_resyncs(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 40);
	size_t lost_at = img.len;
	add_call(2, 1000); /* this record's segment is never seen */
	size_t lost_end = img.len;
	uint32_t xid = 3;
	while (img.len - lost_end < TCPSTREAM_OOO_MAX + 4000)
		add_call(xid++, 996);
	struct tcp_stream *s = open_stream(&st, 123);
	assert_int_equal(feed(s, 123, 0, lost_at), TCPREC_DONE);
	size_t off = lost_end;
	while (off < img.len) {
		size_t k = img.len - off < 1000 ? img.len - off : 1000;
		feed(s, 123, off, k);
		off += k;
	}
	assert_int_equal(st.anomalies[ANOM_CAP_TCP_OOO], 1);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 1);
	/* record 1, then everything after the lost record 2, found again by resync */
	assert_int_equal(logbuf.n, img.nrec - 1);
	assert_int_equal(logbuf.xid[0], 1);
	for (size_t i = 1; i < logbuf.n; i++) {
		assert_int_equal(logbuf.xid[i], i + 2);
		assert_record(i, i + 1, 996);
	}
	tcpreasm_free(s);
}

static void test_ooo_overflow_hole_in_body(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 200000); /* mark at 0, body [4, 200004) */
	add_call(2, 40);
	add_call(3, 5000); /* a hole inside the kept prefix */
	size_t r3 = img.body_off[2];
	add_call(4, 40);
	while (img.len < r3 + TCPSTREAM_OOO_MAX + 8000)
		add_call(5, 10000);
	struct tcp_stream *s = open_stream(&st, 0xfffff000u);
	/* record 1 minus body bytes [100004, 101004) which are lost (beyond the kept prefix) */
	feed(s, 0xfffff000u, 0, 100004);
	size_t off = 101004;
	while (off < r3 + 1004) {
		size_t k = r3 + 1004 - off < 1000 ? r3 + 1004 - off : 1000;
		feed(s, 0xfffff000u, off, k);
		off += k;
	}
	/* the window overflows: the first hole is declared lost, record 1 completes */
	off = r3 + 2004; /* record 3 loses its body bytes [1000, 2000) */
	while (off < img.len) {
		size_t k = img.len - off < 1000 ? img.len - off : 1000;
		feed(s, 0xfffff000u, off, k);
		off += k;
	}
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 2);
	assert_true(st.anomalies[ANOM_CAP_TCP_OOO] >= 1);
	assert_int_equal(logbuf.n, img.nrec);
	assert_record(0, 0, TCPREASM_PREFIX_MAX); /* the hole lies past the prefix */
	assert_record(1, 1, 40);
	assert_record(2, 2, 1000); /* cap stops at the hole, wire stays 5000 */
	assert_record(3, 3, 40);
	assert_int_equal(logbuf.xid[4], 5);
	tcpreasm_free(s);
}

static void test_record_too_big(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 20);
	size_t bad_at = img.len;
	put32(0x7fffffffu); /* not last, 2^31 - 1 bytes */
	put_filler(30, 9);
	add_call(2, 20);
	size_t second_bad = img.len;
	put32((uint32_t)NBT_RPC_MAX_RECORD + 1u);
	add_call(3, 20);
	struct tcp_stream *s = open_stream(&st, 50);
	assert_int_equal(feed(s, 50, 0, bad_at), TCPREC_DONE);
	assert_int_equal(feed(s, 50, bad_at, 10), TCPREC_BAD);
	assert_int_equal(st.anomalies[ANOM_RECORD_TOO_BIG], 1);
	assert_int_equal(feed(s, 50, bad_at + 10, second_bad - bad_at - 10), TCPREC_DONE);
	assert_int_equal(feed(s, 50, second_bad, img.len - second_bad), TCPREC_BAD);
	assert_int_equal(st.anomalies[ANOM_RECORD_TOO_BIG], 2);
	assert_int_equal(logbuf.n, 3);
	assert_int_equal(logbuf.xid[1], 2);
	assert_int_equal(logbuf.xid[2], 3);
	assert_record(2, 2, 20);

	/* several fragments adding up past the limit */
	reset_log();
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 2; i++) {
		put32(NBT_RPC_MAX_RECORD / 2 + 8);
		put_filler(NBT_RPC_MAX_RECORD / 2 + 8, 1);
	}
	tcpreasm_free(s);
	s = open_stream(&st, 50);
	assert_int_equal(feed(s, 50, 0, img.len), TCPREC_BAD);
	assert_int_equal(st.anomalies[ANOM_RECORD_TOO_BIG], 1);
	assert_int_equal(logbuf.n, 0);
	tcpreasm_free(s);
}

static void test_midstream_start(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 100);
	size_t r2 = img.len;
	/* a REPLY: xid, REPLY, MSG_ACCEPTED, null verifier, SUCCESS */
	img.body_off[img.nrec] = img.len;
	img.body_len[img.nrec] = 24;
	img.nrec++;
	put32(0x80000000u | 24);
	put32(2);
	put32(1);
	put32(0);
	put32(0);
	put32(0);
	put32(0);
	add_call(3, 60);
	struct tcp_stream *s = tcpreasm_new(&st, &budget);
	/* no SYN; the capture starts in the middle of record 1; the 16-byte window that
	 * finds record 2 straddles the segment boundary (the carry path) */
	struct cur c;
	cur_init(&c, img.b + 50, r2 + 7 - 50, r2 + 7 - 50);
	assert_int_equal(tcpreasm_add(s, 5000, false, c, on_record, &logbuf), TCPREC_MORE);
	cur_init(&c, img.b + r2 + 7, img.len - r2 - 7, img.len - r2 - 7);
	assert_int_equal(
	    tcpreasm_add(s, 5000 + (uint32_t)(r2 + 7 - 50), false, c, on_record, &logbuf),
	    TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	assert_int_equal(logbuf.xid[0], 2);
	assert_record(0, 1, 24);
	assert_int_equal(logbuf.xid[1], 3);
	assert_record(1, 2, 60);
	tcpreasm_free(s);

	/* a mid-stream start exactly on a record boundary loses nothing */
	reset_log();
	add_call(10, 30);
	add_call(11, 30);
	s = tcpreasm_new(&st, &budget);
	cur_init(&c, img.b, img.len, img.len);
	assert_int_equal(tcpreasm_add(s, 77, false, c, on_record, &logbuf), TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	tcpreasm_free(s);

	/* near misses are not taken for a record: rpcvers 3, msg_type 7, reply_stat 2,
	 * length 8, no last bit, length above the maximum */
	reset_log();
	static const uint32_t fakes[][4] = {
	    {0x80000020u, 1, 0, 3}, {0x80000020u, 1, 7, 2}, {0x80000020u, 1, 1, 2},
	    {0x80000008u, 1, 0, 2}, {0x00000020u, 1, 0, 2}, {0x80100001u, 1, 0, 2},
	};
	put_filler(3, 1);
	for (size_t i = 0; i < sizeof(fakes) / sizeof(fakes[0]); i++) {
		for (size_t k = 0; k < 4; k++)
			put32(fakes[i][k]);
		put_filler(5, (uint32_t)i);
	}
	add_call(0x99, 40);
	s = tcpreasm_new(&st, &budget);
	cur_init(&c, img.b, img.len, img.len);
	assert_int_equal(tcpreasm_add(s, 1, false, c, on_record, &logbuf), TCPREC_DONE);
	assert_int_equal(logbuf.n, 1);
	assert_int_equal(logbuf.xid[0], 0x99);
	assert_record(0, 0, 40);
	tcpreasm_free(s);

	/* garbage only: nothing delivered, nothing crashes, byte by byte */
	reset_log();
	put_filler(5000, 4);
	s = tcpreasm_new(&st, &budget);
	for (size_t i = 0; i < img.len; i++) {
		cur_init(&c, img.b + i, 1, 1);
		tcpreasm_add(s, 1 + (uint32_t)i, false, c, on_record, &logbuf);
	}
	assert_int_equal(logbuf.n, 0);
	tcpreasm_free(s);
}

static void test_seq_wraparound(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	for (uint32_t x = 1; x <= 6; x++)
		add_call(x, 500);
	uint32_t isn = 0xffffffffu - 1000u;
	struct tcp_stream *s = open_stream(&st, isn);
	/* in order across 2^32, then out of order across it */
	assert_int_equal(feed(s, isn, 0, 900), TCPREC_DONE);
	assert_int_equal(feed(s, isn, 1500, img.len - 1500), TCPREC_MORE);
	assert_int_equal(feed(s, isn, 900, 600), TCPREC_DONE);
	assert_int_equal(logbuf.n, 6);
	for (size_t i = 0; i < 6; i++)
		assert_record(i, i, 500);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 0);
	tcpreasm_free(s);
}

static void test_snaplen_truncated_segments(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 3000);
	add_call(2, 50);
	struct tcp_stream *s = open_stream(&st, 10);
	struct cur c;
	/* 1448-byte segments captured to 200 bytes: headers survive, bodies are cut */
	cur_init(&c, img.b, 200, 1448);
	assert_int_equal(tcpreasm_add(s, 11, false, c, on_record, &logbuf), TCPREC_MORE);
	cur_init(&c, img.b + 1448, 200, 1448);
	assert_int_equal(tcpreasm_add(s, 11 + 1448, false, c, on_record, &logbuf), TCPREC_MORE);
	size_t off = 2896;
	cur_init(&c, img.b + off, img.len - off, img.len - off);
	assert_int_equal(tcpreasm_add(s, 11 + (uint32_t)off, false, c, on_record, &logbuf),
	                 TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	assert_record(0, 0, 196); /* cap stops at the first uncaptured byte */
	assert_int_equal(logbuf.wire[0], 3000);
	assert_record(1, 1, 50);
	tcpreasm_free(s);
}

static void test_syn_handling(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 20);
	struct tcp_stream *s = open_stream(&st, 400);
	/* a retransmitted SYN changes nothing */
	struct cur c;
	cur_init(&c, NULL, 0, 0);
	assert_int_equal(tcpreasm_add(s, 400, true, c, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(feed(s, 400, 0, 10), TCPREC_MORE);
	assert_int_equal(tcpreasm_add(s, 400, true, c, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(feed(s, 400, 10, img.len - 10), TCPREC_DONE);
	assert_int_equal(logbuf.n, 1);
	/* a new SYN with another ISN: a new connection, in sync from its first byte */
	assert_int_equal(tcpreasm_add(s, 90000, true, c, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(feed(s, 90000, 0, img.len), TCPREC_DONE);
	assert_int_equal(logbuf.n, 2);
	/* a SYN carrying data: its payload starts at seq + 1 */
	cur_init(&c, img.b, img.len, img.len);
	assert_int_equal(tcpreasm_add(s, 3, true, c, on_record, &logbuf), TCPREC_DONE);
	assert_int_equal(logbuf.n, 3);
	assert_record(2, 0, 20);
	/* a failed cursor is refused */
	cur_init(&c, NULL, 4, 4);
	assert_int_equal(tcpreasm_add(s, 3, false, c, on_record, &logbuf), TCPREC_BAD);
	tcpreasm_free(s);
}

static void test_ack_declares_capture_loss(void **state)
{
	(void)state;
	reset_log();
	struct nbt_stats st = {0};
	add_call(1, 3000);
	add_call(2, 100);
	add_call(3, 2000);
	size_t r3 = img.body_off[2];
	uint32_t isn = 0x7ffffff0u;
	struct tcp_stream *s = open_stream(&st, isn);
	uint32_t base = isn + 1u;
	/* an ACK before any data: nothing to do */
	assert_int_equal(tcpreasm_ack(s, base, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(feed(s, isn, 0, 1448), TCPREC_MORE);
	/* [1448, 2896) never reaches the capture; the rest of record 1 and record 2 wait */
	assert_int_equal(feed(s, isn, 2896, r3 - 2896), TCPREC_MORE);
	assert_int_equal(logbuf.n, 0);
	/* an ACK inside what was seen changes nothing */
	assert_int_equal(tcpreasm_ack(s, base + 1000u, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 0);
	/* the receiver acknowledges past the hole: it was lost by the capture */
	assert_int_equal(tcpreasm_ack(s, base + (uint32_t)r3, on_record, &logbuf), TCPREC_DONE);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 1);
	assert_int_equal(logbuf.n, 2);
	assert_record(0, 0, 1444); /* mark + 1444 body bytes were seen before the hole */
	assert_int_equal(logbuf.wire[0], 3000);
	assert_record(1, 1, 100);
	/* record 3: its tail is lost at the end of the capture, then acknowledged */
	assert_int_equal(feed(s, isn, r3, 1004), TCPREC_MORE);
	assert_int_equal(tcpreasm_ack(s, base + (uint32_t)img.len, on_record, &logbuf),
	                 TCPREC_DONE);
	assert_int_equal(logbuf.n, 3);
	assert_record(2, 2, 1000);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 2);
	/* one past everything, nothing held: a FIN's ACK, not a loss */
	assert_int_equal(tcpreasm_ack(s, base + (uint32_t)img.len + 1u, on_record, &logbuf),
	                 TCPREC_MORE);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 2);
	/* an absurd ACK (half the sequence space away) is ignored */
	assert_int_equal(tcpreasm_ack(s, base + 0x70000000u, on_record, &logbuf), TCPREC_MORE);
	assert_int_equal(st.anomalies[ANOM_TCP_GAP], 2);
	assert_int_equal(tcpreasm_ack(NULL, 1, on_record, &logbuf), TCPREC_MORE);
	tcpreasm_free(s);

	/* a stream not yet started ignores ACKs */
	s = tcpreasm_new(&st, &budget);
	assert_int_equal(tcpreasm_ack(s, 12345, on_record, &logbuf), TCPREC_MORE);
	tcpreasm_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_split),
	    cmocka_unit_test(test_body_split_and_two_in_one),
	    cmocka_unit_test(test_many_segments_and_prefix),
	    cmocka_unit_test(test_multi_fragment),
	    cmocka_unit_test(test_out_of_order),
	    cmocka_unit_test(test_retransmit_and_overlap),
	    cmocka_unit_test(test_ooo_overflow_resyncs),
	    cmocka_unit_test(test_ooo_overflow_hole_in_body),
	    cmocka_unit_test(test_record_too_big),
	    cmocka_unit_test(test_midstream_start),
	    cmocka_unit_test(test_seq_wraparound),
	    cmocka_unit_test(test_snaplen_truncated_segments),
	    cmocka_unit_test(test_syn_handling),
	    cmocka_unit_test(test_ack_declares_capture_loss),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
