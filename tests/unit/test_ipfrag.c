/* summary: unit tests for IPv4 fragment reassembly (RFC 791 s3.2, RFC 815): order, overlap, caps,
 * timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/ipfrag.h"

#define SRC 0x0a000001u
#define DST 0x0a000002u
#define T0  (1700000000LL * NBT_NS_PER_SEC)

static uint8_t pat[65536];

static int setup_pattern(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7u + (i >> 8) + 3u);
	return 0;
}

/* Adds bytes [off, off+len) of the pattern as one fragment, `cap` of them captured. */
static enum reasm_status add_cap(struct ipfrag_table *t, uint16_t id, uint32_t off, size_t len,
                                 size_t cap, bool more, nbt_time ts, struct cur *out)
{
	struct ipfrag_piece pc = {
	    .src = SRC, .dst = DST, .id = id, .proto = 17, .offset = off, .more = more, .ts = ts};
	struct cur pl;
	cur_init(&pl, pat + off, cap, len);
	return ipfrag_add(t, &pc, pl, out);
}

static enum reasm_status add(struct ipfrag_table *t, uint16_t id, uint32_t off, size_t len,
                             bool more, struct cur *out)
{
	return add_cap(t, id, off, len, len, more, T0, out);
}

static void assert_payload(struct cur *out, size_t total)
{
	assert_int_equal(out->wire, total);
	assert_int_equal(out->cap, total);
	const uint8_t *b = cur_take(out, total);
	assert_non_null(b);
	assert_memory_equal(b, pat, total);
}

static uint64_t anomalies(const struct nbt_stats *st)
{
	uint64_t n = 0;
	for (int i = 0; i < ANOM__COUNT; i++)
		n += st->anomalies[i];
	return n;
}

static void test_in_order(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	assert_int_equal(add(t, 1, 0, 1480, true, &out), NBT_MORE);
	assert_int_equal(add(t, 1, 1480, 1480, true, &out), NBT_MORE);
	assert_int_equal(ipfrag_pending(t), 1);
	assert_int_equal(add(t, 1, 2960, 100, false, &out), NBT_DONE);
	assert_payload(&out, 3060);
	assert_int_equal(st.ip_reassembled, 1);
	assert_int_equal(ipfrag_pending(t), 0);
	assert_int_equal(ipfrag_held_bytes(t), 0);
	assert_int_equal(anomalies(&st), 0);
	ipfrag_free(t);
}

static void test_reversed(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	assert_int_equal(add(t, 7, 2000, 5, false, &out), NBT_MORE);
	for (uint32_t off = 1000; off > 0; off -= 1000)
		assert_int_equal(add(t, 7, off, 1000, true, &out), NBT_MORE);
	assert_int_equal(add(t, 7, 0, 1000, true, &out), NBT_DONE);
	assert_payload(&out, 2005);
	assert_int_equal(st.ip_reassembled, 1);
	assert_int_equal(anomalies(&st), 0);
	ipfrag_free(t);
}

static void test_shuffled(void **state)
{
	(void)state;
	/* 12 pieces of 64 bytes + a short last one, in a fixed scrambled order */
	static const int order[] = {5, 12, 0, 9, 3, 11, 7, 1, 10, 2, 8, 6, 4};
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	/* a second datagram interleaved must not disturb the first */
	assert_int_equal(add(t, 99, 64, 64, true, &out), NBT_MORE);
	for (size_t k = 0; k < 13; k++) {
		uint32_t off = (uint32_t)order[k] * 64u;
		bool last = order[k] == 12;
		enum reasm_status r = add(t, 42, off, last ? 13 : 64, !last, &out);
		assert_int_equal(r, k == 12 ? NBT_DONE : NBT_MORE);
	}
	assert_payload(&out, 12 * 64 + 13);
	assert_int_equal(ipfrag_pending(t), 1);
	assert_int_equal(add(t, 99, 0, 64, true, &out), NBT_MORE);
	assert_int_equal(add(t, 99, 128, 1, false, &out), NBT_DONE);
	assert_payload(&out, 129);
	assert_int_equal(st.ip_reassembled, 2);
	ipfrag_free(t);
}

static void test_overlap(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	assert_int_equal(add(t, 3, 0, 16, true, &out), NBT_MORE);
	assert_int_equal(add(t, 3, 24, 8, false, &out), NBT_MORE);
	/* [8, 24) overlaps [0, 16) with a different range: the whole datagram goes */
	assert_int_equal(add(t, 3, 8, 16, true, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_FRAG_OVERLAP], 1);
	assert_int_equal(ipfrag_pending(t), 0);
	assert_int_equal(ipfrag_held_bytes(t), 0);
	/* the missing piece alone starts a new datagram, it does not complete the old one */
	assert_int_equal(add(t, 3, 16, 8, true, &out), NBT_MORE);
	assert_int_equal(st.ip_reassembled, 0);

	/* same start, longer range: also an overlap */
	assert_int_equal(add(t, 4, 0, 8, true, &out), NBT_MORE);
	assert_int_equal(add(t, 4, 0, 16, true, &out), NBT_BAD);
	/* a piece inside another one */
	assert_int_equal(add(t, 5, 0, 32, true, &out), NBT_MORE);
	assert_int_equal(add(t, 5, 8, 8, true, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_FRAG_OVERLAP], 3);
	ipfrag_free(t);
}

static void test_duplicate(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	assert_int_equal(add(t, 9, 0, 16, true, &out), NBT_MORE);
	size_t held = ipfrag_held_bytes(t);
	/* same range, different bytes: ignored, the first copy stays */
	struct ipfrag_piece pc = {
	    .src = SRC, .dst = DST, .id = 9, .proto = 17, .more = true, .ts = T0};
	static const uint8_t junk[16] = {0xde, 0xad};
	struct cur pl;
	cur_init(&pl, junk, 16, 16);
	assert_int_equal(ipfrag_add(t, &pc, pl, &out), NBT_MORE);
	assert_int_equal(ipfrag_held_bytes(t), held);
	assert_int_equal(add(t, 9, 16, 4, false, &out), NBT_DONE);
	assert_payload(&out, 20);
	/* a duplicate of the last piece after completion starts over (nothing to match) */
	assert_int_equal(add(t, 9, 16, 4, false, &out), NBT_MORE);
	assert_int_equal(anomalies(&st), 0);
	ipfrag_free(t);
}

static void test_missing_times_out(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_limits lim = IPFRAG_DEFAULT_LIMITS;
	lim.timeout = 5 * NBT_NS_PER_SEC;
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	struct cur out;
	assert_int_equal(add_cap(t, 1, 0, 8, 8, true, T0, &out), NBT_MORE);
	assert_int_equal(add_cap(t, 1, 16, 8, 8, false, T0 + NBT_NS_PER_SEC, &out), NBT_MORE);
	assert_int_equal(add_cap(t, 2, 0, 8, 8, true, T0 + 3 * NBT_NS_PER_SEC, &out), NBT_MORE);
	ipfrag_expire(t, T0 + 4 * NBT_NS_PER_SEC);
	assert_int_equal(ipfrag_pending(t), 2);
	assert_int_equal(st.anomalies[ANOM_FRAG_TIMEOUT], 0);
	/* the timeout runs from the first fragment, by packet time */
	ipfrag_expire(t, T0 + 6 * NBT_NS_PER_SEC);
	assert_int_equal(ipfrag_pending(t), 1);
	assert_int_equal(st.anomalies[ANOM_FRAG_TIMEOUT], 1);
	/* the late piece of datagram 1 cannot complete it any more */
	assert_int_equal(add_cap(t, 1, 8, 8, 8, true, T0 + 6 * NBT_NS_PER_SEC, &out), NBT_MORE);
	assert_int_equal(st.ip_reassembled, 0);
	/* lazy expiry on add: datagram 2 (born T0+3s) is gone once a packet at T0+9s arrives */
	assert_int_equal(add_cap(t, 3, 0, 8, 8, true, T0 + 9 * NBT_NS_PER_SEC, &out), NBT_MORE);
	assert_int_equal(st.anomalies[ANOM_FRAG_TIMEOUT], 2);
	assert_int_equal(ipfrag_pending(t), 2); /* the new datagram 1 (born T0+6s) and 3 */
	/* a packet time going backwards expires nothing */
	ipfrag_expire(t, T0);
	assert_int_equal(ipfrag_pending(t), 2);
	/* one far-future time alone (a corrupt record) expires nothing still arriving ... */
	ipfrag_expire(t, INT64_MAX);
	assert_int_equal(ipfrag_pending(t), 2);
	/* ... a second frame near it confirms the jump (a capture resumed much later) */
	ipfrag_expire(t, INT64_MAX - NBT_NS_PER_SEC);
	assert_int_equal(ipfrag_pending(t), 0);
	assert_int_equal(st.anomalies[ANOM_FRAG_TIMEOUT], 4);
	ipfrag_free(t);
}

static void test_per_datagram_cap(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_limits lim = IPFRAG_DEFAULT_LIMITS;
	lim.max_frags_per_dgm = 4;
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	struct cur out;
	for (uint32_t k = 0; k < 4; k++)
		assert_int_equal(add(t, 1, k * 8, 8, true, &out), NBT_MORE);
	/* a duplicate does not count against the cap */
	assert_int_equal(add(t, 1, 0, 8, true, &out), NBT_MORE);
	assert_int_equal(add(t, 1, 32, 8, true, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], 1);
	assert_int_equal(ipfrag_pending(t), 0);
	/* exactly at the cap completes */
	for (uint32_t k = 0; k < 3; k++)
		assert_int_equal(add(t, 2, k * 8, 8, true, &out), NBT_MORE);
	assert_int_equal(add(t, 2, 24, 3, false, &out), NBT_DONE);
	assert_payload(&out, 27);
	ipfrag_free(t);
}

static void test_table_cap_evicts_oldest(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_limits lim = IPFRAG_DEFAULT_LIMITS;
	lim.max_datagrams = 3;
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	struct cur out;
	for (uint16_t id = 1; id <= 3; id++)
		assert_int_equal(add(t, id, 0, 8, true, &out), NBT_MORE);
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], 0);
	assert_int_equal(add(t, 4, 0, 8, true, &out), NBT_MORE);
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], 1);
	assert_int_equal(ipfrag_pending(t), 3);
	/* id 2 survived and completes */
	assert_int_equal(add(t, 2, 8, 1, false, &out), NBT_DONE);
	assert_payload(&out, 9);
	/* id 1 was evicted: its last piece alone does not complete */
	assert_int_equal(add(t, 1, 8, 1, false, &out), NBT_MORE);
	assert_int_equal(ipfrag_pending(t), 3);
	assert_int_equal(add(t, 4, 8, 1, false, &out), NBT_DONE);
	assert_int_equal(add(t, 3, 8, 1, false, &out), NBT_DONE);
	assert_int_equal(st.ip_reassembled, 3);
	ipfrag_free(t);
}

static void test_total_bytes_cap(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_limits lim = IPFRAG_DEFAULT_LIMITS;
	lim.max_total_bytes = 6000;
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	struct cur out;
	/* each datagram holds 2000 bytes: the fourth forces the oldest out */
	for (uint16_t id = 1; id <= 4; id++) {
		assert_int_equal(add(t, id, 0, 2000, true, &out), NBT_MORE);
		assert_true(ipfrag_held_bytes(t) <= lim.max_total_bytes);
	}
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], 1);
	assert_int_equal(ipfrag_pending(t), 3);
	assert_int_equal(add(t, 1, 2000, 8, false, &out), NBT_MORE); /* id 1 was the victim */
	assert_true(ipfrag_held_bytes(t) <= lim.max_total_bytes);
	ipfrag_free(t);

	/* one datagram larger than the whole cap is dropped, not held */
	memset(&st, 0, sizeof(st));
	lim.max_total_bytes = 3000;
	t = ipfrag_new(&lim, &st);
	assert_int_equal(add(t, 1, 0, 1480, true, &out), NBT_MORE);
	assert_int_equal(add(t, 1, 1480, 1480, true, &out), NBT_MORE);
	assert_int_equal(add(t, 1, 2960, 1480, false, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], 1);
	assert_int_equal(ipfrag_pending(t), 0);
	assert_int_equal(ipfrag_held_bytes(t), 0);
	ipfrag_free(t);
}

static void test_bad_offsets(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	/* the largest offset the 13-bit field allows, 8 bytes: ends at 65536 */
	assert_int_equal(add(t, 1, 65528, 8, false, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_INVALID], 1);
	/* an offset past 65535 (a caller bug or a lie), and a length that would wrap */
	struct ipfrag_piece pc = {.src = SRC, .dst = DST, .id = 1, .proto = 17, .offset = 70000};
	struct cur pl;
	cur_init(&pl, pat, 8, 8);
	assert_int_equal(ipfrag_add(t, &pc, pl, &out), NBT_BAD);
	pc.offset = 8;
	cur_init(&pl, pat, 16, SIZE_MAX);
	assert_int_equal(ipfrag_add(t, &pc, pl, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_INVALID], 3);
	/* ending exactly at 65535 is allowed */
	assert_int_equal(add(t, 1, 65528, 7, false, &out), NBT_MORE);
	/* MF=1 with a length that is not a multiple of 8 */
	assert_int_equal(add(t, 1, 0, 12, true, &out), NBT_BAD);
	/* an empty payload */
	assert_int_equal(add(t, 1, 0, 0, true, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_INVALID], 5);
	assert_int_equal(ipfrag_pending(t), 1); /* the datagram itself is kept */
	/* a second "last" fragment that disagrees on the length drops the datagram */
	assert_int_equal(add(t, 1, 0, 16, false, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_INVALID], 6);
	assert_int_equal(ipfrag_pending(t), 0);
	/* an MF=1 piece past the known end also drops it */
	assert_int_equal(add(t, 2, 16, 4, false, &out), NBT_MORE);
	assert_int_equal(add(t, 2, 16, 8, true, &out), NBT_BAD);
	assert_int_equal(st.anomalies[ANOM_INVALID], 7);
	/* a failed payload cursor */
	struct cur bad;
	cur_init(&bad, NULL, 4, 4);
	pc.offset = 0;
	assert_int_equal(ipfrag_add(t, &pc, bad, &out), NBT_BAD);
	assert_int_equal(ipfrag_add(NULL, &pc, pl, &out), NBT_BAD);
	ipfrag_free(t);
}

static void test_truncated_piece(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_table *t = ipfrag_new(NULL, &st);
	struct cur out;
	assert_int_equal(add_cap(t, 5, 16, 8, 8, false, T0, &out), NBT_MORE);
	assert_int_equal(add_cap(t, 5, 8, 8, 3, true, T0, &out), NBT_MORE); /* snaplen cut it */
	assert_int_equal(add_cap(t, 5, 0, 8, 8, true, T0, &out), NBT_DONE);
	assert_int_equal(out.wire, 24);
	assert_int_equal(out.cap, 11);
	const uint8_t *b = cur_take(&out, 11);
	assert_non_null(b);
	assert_memory_equal(b, pat, 11);
	assert_int_equal(cur_u8(&out), 0);
	assert_int_equal(out.err, CUR_TRUNC);
	assert_int_equal(st.ip_reassembled, 1);

	/* nothing of the first piece captured: cap 0, still complete */
	assert_int_equal(add_cap(t, 6, 0, 8, 0, true, T0, &out), NBT_MORE);
	assert_int_equal(add_cap(t, 6, 8, 8, 8, false, T0, &out), NBT_DONE);
	assert_int_equal(out.cap, 0);
	assert_int_equal(out.wire, 16);
	cur_skip(&out, 16);
	assert_true(cur_ok(&out));
	ipfrag_free(t);
}

static void test_flood(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct ipfrag_limits lim = IPFRAG_DEFAULT_LIMITS;
	struct ipfrag_table *t = ipfrag_new(&lim, &st);
	struct cur out;
	const uint32_t n = 1u << 20;
	for (uint32_t k = 0; k < n; k++) {
		struct ipfrag_piece pc = {.src = SRC + (k >> 16),
		                          .dst = DST,
		                          .id = (uint16_t)k,
		                          .proto = 17,
		                          .offset = (k % 8) * 1480u,
		                          .more = true,
		                          .ts = T0 + (nbt_time)k};
		struct cur pl;
		cur_init(&pl, pat, 1480, 1480);
		assert_int_equal(ipfrag_add(t, &pc, pl, &out), NBT_MORE);
		if ((k & 1023) == 0) {
			assert_true(ipfrag_pending(t) <= lim.max_datagrams);
			assert_true(ipfrag_held_bytes(t) <= lim.max_total_bytes);
		}
	}
	assert_int_equal(ipfrag_pending(t), lim.max_datagrams);
	assert_true(ipfrag_held_bytes(t) <= lim.max_total_bytes);
	/* every datagram past the cap evicted one, whichever cap bit first */
	assert_int_equal(st.anomalies[ANOM_CAP_FRAGS], n - lim.max_datagrams);
	assert_int_equal(st.ip_reassembled, 0);
	ipfrag_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),         cmocka_unit_test(test_reversed),
	    cmocka_unit_test(test_shuffled),         cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_duplicate),        cmocka_unit_test(test_missing_times_out),
	    cmocka_unit_test(test_per_datagram_cap), cmocka_unit_test(test_table_cap_evicts_oldest),
	    cmocka_unit_test(test_total_bytes_cap),  cmocka_unit_test(test_bad_offsets),
	    cmocka_unit_test(test_truncated_piece),  cmocka_unit_test(test_flood),
	};
	return cmocka_run_group_tests(tests, setup_pattern, NULL);
}
