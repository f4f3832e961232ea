/* summary: one direction of a TCP connection as in-order bytes and gaps (RFC 9293 sequence
 * space, a bounded out-of-order window), handed to a framing layer's sink. */
#include "nbt/tcpstream.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/xalloc.h"

#define OOO_MASK  (TCPSTREAM_OOO_MAX - 1u)
#define OOO_WORDS (TCPSTREAM_OOO_MAX / 64u)

_Static_assert((TCPSTREAM_OOO_MAX & (TCPSTREAM_OOO_MAX - 1u)) == 0, "OOO ring must be 2^n");
_Static_assert(TCPSTREAM_OOO_MAX % 64u == 0, "OOO bitmap is in 64-bit words");

/*
 * Out-of-order bytes, indexed by seq mod TCPSTREAM_OOO_MAX.  Everything held
 * lies in [next, next + TCPSTREAM_OOO_MAX), so the index is unambiguous.
 * `have` marks held bytes; `lost` marks those the capture never had (snaplen).
 */
struct tcp_ooo {
	uint8_t data[TCPSTREAM_OOO_MAX];
	uint64_t have[OOO_WORDS];
	uint64_t lost[OOO_WORDS];
};

/*
 * Windows come from the pipeline's budget (struct nbt_budget: at most ooo_windows_max held by all
 * streams at once); an empty window is given back at the end of each call, and one given-back
 * window is kept for the next stream that needs one (have/lost all clear): a flow with an
 * occasional reordered segment would otherwise map and zero ~320 KiB each time.
 */
static struct tcp_ooo *ooo_take(struct nbt_budget *b)
{
	struct tcp_ooo *o = b->ooo_spare;
	b->ooo_spare = NULL;
	if (!o)
		o = xcalloc(1, sizeof(*o));
	b->ooo_windows++;
	return o;
}

/* Gives a window back; its have/lost bitmaps must be all clear. */
static void ooo_give(struct nbt_budget *b, struct tcp_ooo *o)
{
	b->ooo_windows--;
	if (!b->ooo_spare)
		b->ooo_spare = o;
	else
		free(o);
}

void budget_release(struct nbt_budget *b)
{
	free(b->ooo_spare);
	b->ooo_spare = NULL;
}

struct tcpstream {
	struct nbt_stats *stats;
	struct nbt_budget *budget;
	struct tcpstream_sink sink;
	bool started, have_isn;
	uint32_t isn;
	uint32_t next; /* sequence number of the next in-order byte */
	struct tcp_ooo *ooo;
	size_t ooo_bytes;
};

static void tcp_count(struct tcpstream *s, enum nbt_anomaly a)
{
	if (s->stats)
		s->stats->anomalies[a]++;
}

/* a - b in sequence space (RFC 9293 s3.4), without implementation-defined casts. */
static int64_t seq_diff(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;
	return d < 0x80000000u ? (int64_t)d : (int64_t)d - 0x100000000LL;
}

struct tcpstream *tcpstream_new(struct nbt_stats *stats, struct nbt_budget *budget,
                                const struct tcpstream_sink *sink)
{
	struct tcpstream *s = xcalloc(1, sizeof(*s));
	s->stats = stats;
	s->budget = budget;
	s->sink = *sink;
	return s;
}

static void ooo_clear(struct tcpstream *s);

void tcpstream_free(struct tcpstream *s)
{
	if (!s)
		return;
	if (s->ooo) {
		ooo_clear(s);
		ooo_give(s->budget, s->ooo);
	}
	free(s);
}

static bool bit_get(const uint64_t *map, size_t i)
{
	return (map[i / 64] >> (i % 64)) & 1u;
}

/*
 * Walks the ring positions [first, first + n) a 64-bit word at a time: each
 * step gives the word, the mask of its bits in the range and how far into the
 * range the word's part begins.  The ring is a whole number of words, so no
 * word straddles the wrap; whole-word steps keep a segment of tens of KiB to
 * a few hundred operations instead of one per byte.
 */
struct bit_span {
	size_t pos, left, len; /* next ring position (unmasked), bytes still to walk, of len */
	size_t word, at;       /* out: word index, distance of its first bit from the start */
	unsigned shift;        /* out: bit of the word where the part begins */
	uint64_t mask;         /* out: the part's bits */
};

static struct bit_span span_of(size_t first, size_t n)
{
	return (struct bit_span){.pos = first, .left = n, .len = n};
}

static bool span_next(struct bit_span *sp)
{
	if (sp->left == 0)
		return false;
	size_t i = sp->pos & OOO_MASK, k = 64 - i % 64;
	if (k > sp->left)
		k = sp->left;
	sp->word = i / 64;
	sp->shift = (unsigned)(i % 64);
	sp->mask = (k == 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1u) << sp->shift;
	sp->at = sp->len - sp->left;
	sp->pos = i + k;
	sp->left -= k;
	return true;
}

static size_t bits_count(uint64_t w)
{
	return (size_t)__builtin_popcountll(w);
}

static unsigned bits_low(uint64_t w) /* w != 0 */
{
	return (unsigned)__builtin_ctzll(w);
}

static void ooo_clear(struct tcpstream *s)
{
	if (s->ooo && s->ooo_bytes) {
		memset(s->ooo->have, 0, sizeof(s->ooo->have));
		memset(s->ooo->lost, 0, sizeof(s->ooo->lost));
	}
	s->ooo_bytes = 0;
}

/* Forgets held bytes at ring positions [first, first + n) (n < TCPSTREAM_OOO_MAX). */
static void ooo_release(struct tcpstream *s, size_t first, size_t n)
{
	struct tcp_ooo *o = s->ooo;
	struct bit_span sp = span_of(first, n);
	while (s->ooo_bytes > 0 && span_next(&sp)) {
		s->ooo_bytes -= bits_count(o->have[sp.word] & sp.mask);
		o->have[sp.word] &= ~sp.mask;
		o->lost[sp.word] &= ~sp.mask;
	}
}

/*
 * Holds bytes [next + d, next + d + wire) of which the first cap are in p.
 * The invariant lost ⊆ have holds throughout.  The first copy of a byte wins,
 * except that real bytes replace ones the capture lost (snaplen).
 */
static void ooo_store(struct tcpstream *s, size_t d, const uint8_t *p, size_t cap, size_t wire)
{
	struct tcp_ooo *o = s->ooo;
	size_t first = (size_t)s->next + d;
	struct bit_span sp = span_of(first, cap);
	while (span_next(&sp)) {
		uint64_t have = o->have[sp.word], lost = o->lost[sp.word];
		uint64_t take = sp.mask & (~have | lost);
		s->ooo_bytes += bits_count(sp.mask & ~have);
		o->have[sp.word] = have | sp.mask;
		o->lost[sp.word] = lost & ~sp.mask;
		uint8_t *dst = o->data + sp.word * 64; /* dst[b] holds the byte of bit b */
		if (take == sp.mask) {
			memcpy(dst + sp.shift, p + sp.at, bits_count(take));
			continue;
		}
		for (; take; take &= take - 1u) {
			unsigned b = bits_low(take);
			dst[b] = p[sp.at + (b - sp.shift)];
		}
	}
	sp = span_of(first + cap, wire - cap);
	while (span_next(&sp)) {
		uint64_t fresh = sp.mask & ~o->have[sp.word];
		s->ooo_bytes += bits_count(fresh);
		o->have[sp.word] |= fresh;
		o->lost[sp.word] |= fresh;
	}
}

/* Forgets held bytes that in-order data [next, next + n) just superseded. */
static void ooo_forget(struct tcpstream *s, size_t n)
{
	if (s->ooo_bytes == 0)
		return;
	if (n >= TCPSTREAM_OOO_MAX) {
		ooo_clear(s);
		return;
	}
	ooo_release(s, s->next, n);
}

/* Distance from next to the first held byte (ooo_bytes > 0), or `limit` (at most
 * TCPSTREAM_OOO_MAX) when none lies closer. */
static size_t ooo_first(const struct tcpstream *s, size_t limit)
{
	struct bit_span sp = span_of(s->next, limit);
	while (span_next(&sp)) {
		uint64_t h = s->ooo->have[sp.word] & sp.mask;
		if (h)
			return sp.at + bits_low(h) - sp.shift;
	}
	return limit;
}

/* Length of the run at ring position i (held) whose bytes are all lost or all real, up to
 * the end of the ring (the caller's loop continues from position 0). */
static size_t ooo_run(const struct tcpstream *s, size_t i, bool lost)
{
	struct bit_span sp = span_of(i, TCPSTREAM_OOO_MAX - i);
	while (span_next(&sp)) {
		uint64_t l = s->ooo->lost[sp.word];
		uint64_t same = s->ooo->have[sp.word] & (lost ? l : ~l) & sp.mask;
		if (same != sp.mask)
			return sp.at + bits_low(~same & sp.mask) - sp.shift;
	}
	return sp.len;
}

static void stream_deliver(struct tcpstream *s, const uint8_t *p, size_t cap, size_t wire)
{
	ooo_forget(s, wire);
	s->next += (uint32_t)wire;
	if (cap)
		s->sink.data(s->sink.arg, p, cap);
	if (wire > cap)
		s->sink.missing(s->sink.arg, wire - cap);
}

/* Delivers held bytes that have become in order. */
static void stream_drain(struct tcpstream *s)
{
	while (s->ooo_bytes > 0) {
		size_t i = s->next & OOO_MASK;
		if (!bit_get(s->ooo->have, i))
			return;
		bool lost = bit_get(s->ooo->lost, i);
		size_t run = ooo_run(s, i, lost);
		ooo_release(s, i, run);
		s->next += (uint32_t)run;
		if (lost)
			s->sink.missing(s->sink.arg, run);
		else
			s->sink.data(s->sink.arg, s->ooo->data + i, run);
	}
}

/*
 * The window cannot take a segment d bytes ahead: the first hole is declared
 * lost (up to the first held byte, or to the segment), then held data drains.
 */
static void stream_skip_hole(struct tcpstream *s, size_t d)
{
	size_t hole = d;
	if (s->ooo_bytes > 0)
		hole = ooo_first(s, d < TCPSTREAM_OOO_MAX ? d : TCPSTREAM_OOO_MAX);
	tcp_count(s, ANOM_TCP_GAP);
	s->next += (uint32_t)hole;
	if (hole)
		s->sink.missing(s->sink.arg, hole);
	stream_drain(s);
}

static void stream_segment(struct tcpstream *s, uint32_t seq, const uint8_t *p, size_t cap,
                           size_t wire)
{
	bool counted = false;
	while (wire > 0) {
		int64_t d = seq_diff(seq, s->next);
		if (d < 0) {
			/* Already delivered: a retransmission; keep only what is new. */
			size_t old = (size_t)-d;
			if (old >= wire)
				return;
			size_t skip = old < cap ? old : cap;
			if (skip) /* p is NULL when nothing was captured */
				p += skip;
			cap -= skip;
			wire -= old;
			seq = s->next;
			continue;
		}
		if (d == 0) {
			stream_deliver(s, p, cap, wire);
			stream_drain(s);
			return;
		}
		if ((size_t)d + wire <= TCPSTREAM_OOO_MAX &&
		    (s->ooo || s->budget->ooo_windows < s->budget->ooo_windows_max)) {
			if (!s->ooo)
				s->ooo = ooo_take(s->budget);
			ooo_store(s, (size_t)d, p, cap, wire);
			return;
		}
		if (!counted) {
			tcp_count(s, ANOM_CAP_TCP_OOO);
			counted = true;
		}
		stream_skip_hole(s, (size_t)d);
	}
}

/*
 * A SYN starts the stream (its number takes one, RFC 9293 s3.4).  A repeat of
 * the same SYN changes nothing; an old SYN seen after its data is ignored; a
 * different one is a new connection on the same ports, so the stream restarts.
 */
static void stream_syn(struct tcpstream *s, uint32_t seq)
{
	if (s->have_isn && seq == s->isn)
		return;
	if (s->started && !s->have_isn && seq_diff(seq + 1u, s->next) <= 0)
		return;
	ooo_clear(s);
	s->sink.restart(s->sink.arg, false);
	s->started = true;
	s->have_isn = true;
	s->isn = seq;
	s->next = seq + 1u;
}

/* End of a call: an empty window goes back to the budget (have/lost are all clear). */
static void stream_settle(struct tcpstream *s)
{
	if (s->ooo && s->ooo_bytes == 0) {
		ooo_give(s->budget, s->ooo);
		s->ooo = NULL;
	}
}

void tcpstream_add(struct tcpstream *s, uint32_t seq, bool syn, const uint8_t *p, size_t cap,
                   size_t wire)
{
	uint32_t data_seq = seq;
	if (syn) {
		stream_syn(s, seq);
		data_seq = seq + 1u;
	} else if (!s->started) {
		s->started = true;
		s->next = seq;
		s->sink.restart(s->sink.arg, true);
	}
	stream_segment(s, data_seq, p, cap, wire);
	stream_settle(s);
}

void tcpstream_ack(struct tcpstream *s, uint32_t ack)
{
	if (!s->started)
		return;
	int64_t d = seq_diff(ack, s->next);
	if (d <= 0 || d > TCPSTREAM_SEG_MAX || (d == 1 && s->ooo_bytes == 0))
		return;
	while ((d = seq_diff(ack, s->next)) > 0)
		stream_skip_hole(s, (size_t)d);
	stream_settle(s);
}
