/* summary: per-direction TCP reassembly (RFC 9293 sequence space) into ONC RPC records (RFC 5531
 * s11). */
#include "nbt/tcpreasm.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/xalloc.h"

/* RFC 5531 s11: 4-byte record mark, high bit = last fragment, low 31 bits = length. */
#define REC_LAST_BIT 0x80000000u
#define REC_LEN_MASK 0x7fffffffu
#define REC_MARK_LEN 4u
/* Resync window: mark + xid + msg_type + (rpcvers for a CALL | reply_stat for a REPLY). */
#define REC_SYNC_LEN  16u
#define REC_MIN_BODY  12u
#define RPC_MSG_CALL  0u
#define RPC_MSG_REPLY 1u
#define RPC_VERS      2u
/* Larger "segments" (GRO/TSO captures reach 256 KiB) are fine; past this seq arithmetic breaks. */
#define TCPREASM_SEG_MAX (1u << 30)
#define OOO_MASK         (TCPREASM_OOO_MAX - 1u)
/* A prefix buffer larger than this is freed once its record is delivered: bulk flows
 * (64 KiB NFS READ replies) take one malloc per record, idle flows hold little. */
#define PREFIX_KEEP_MAX 2048u
/* Every stream's record buffers together (bytes); 512 NFS READ replies of 64 KiB in flight at
 * once, far more than a boot has, and a bound on what crafted record marks can cost. */
#define REC_BYTES_BUDGET (32u << 20)
static size_t rec_bytes;
#define OOO_WORDS (TCPREASM_OOO_MAX / 64u)

_Static_assert((TCPREASM_OOO_MAX & (TCPREASM_OOO_MAX - 1u)) == 0, "OOO ring must be 2^n");
_Static_assert(TCPREASM_OOO_MAX % 64u == 0, "OOO bitmap is in 64-bit words");

/*
 * Out-of-order bytes, indexed by seq mod TCPREASM_OOO_MAX.  Everything held
 * lies in [next, next + TCPREASM_OOO_MAX), so the index is unambiguous.
 * `have` marks held bytes; `lost` marks those the capture never had (snaplen).
 */
struct tcp_ooo {
	uint8_t data[TCPREASM_OOO_MAX];
	uint64_t have[OOO_WORDS];
	uint64_t lost[OOO_WORDS];
};

/*
 * Windows held at once by all streams (the process reassembles on one thread).  Each is ~320
 * KiB, so without this cap a capture of many NFS/TCP flows that each leave one hole would hold
 * two per flow table entry (tens of GB).  A stream that finds none free treats data past its
 * hole as past its window (ANOM_CAP_TCP_OOO, the hole declared lost); an empty window is given
 * back at the end of each call.
 */
#define OOO_WINDOWS_MAX 128u
static size_t ooo_windows;
/* One given-back window kept for the next stream that needs one (have/lost all clear): a
 * flow with an occasional reordered segment would otherwise map and zero ~320 KiB each time. */
static struct tcp_ooo *ooo_spare;

static struct tcp_ooo *ooo_take(void)
{
	struct tcp_ooo *o = ooo_spare;
	ooo_spare = NULL;
	if (!o)
		o = xcalloc(1, sizeof(*o));
	ooo_windows++;
	return o;
}

/* Gives a window back; its have/lost bitmaps must be all clear. */
static void ooo_give(struct tcp_ooo *o)
{
	ooo_windows--;
	if (!ooo_spare)
		ooo_spare = o;
	else
		free(o);
}

enum rec_state {
	REC_SYNC, /* looking for a plausible record mark */
	REC_HDR,  /* collecting a 4-byte record mark */
	REC_BODY, /* inside a fragment body */
};

struct tcp_stream {
	struct nbt_stats *stats;
	bool started, have_isn;
	uint32_t isn;
	uint32_t next; /* sequence number of the next in-order byte */
	struct tcp_ooo *ooo;
	size_t ooo_bytes;

	enum rec_state st;
	uint8_t hdr[REC_SYNC_LEN]; /* mark bytes (REC_HDR) or the scan carry (REC_SYNC) */
	size_t hdr_have;
	uint32_t frag_left; /* body bytes left in the current fragment */
	bool last;          /* the current fragment ends the record */
	size_t rec_len;     /* body bytes of the record so far (all fragments) */
	size_t rec_cap;     /* of which kept in prefix[] */
	uint8_t *prefix;    /* prefix_size bytes, grown as a record needs */
	size_t prefix_size; /* at most TCPREASM_PREFIX_MAX */

	/* per tcpreasm_add call */
	tcp_record_fn fn;
	void *arg;
	unsigned delivered, bad;
};

static void tcp_count(struct tcp_stream *s, enum nbt_anomaly a)
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

struct tcp_stream *tcpreasm_new(struct nbt_stats *stats)
{
	struct tcp_stream *s = xcalloc(1, sizeof(*s));
	s->stats = stats;
	s->st = REC_SYNC;
	return s;
}

static void ooo_clear(struct tcp_stream *s);

/* Gives a stream's record buffer back to the shared budget. */
static void rec_release(struct tcp_stream *s)
{
	rec_bytes -= s->prefix_size;
	free(s->prefix);
	s->prefix = NULL;
	s->prefix_size = 0;
}

void tcpreasm_free(struct tcp_stream *s)
{
	if (!s)
		return;
	if (s->ooo) {
		ooo_clear(s);
		ooo_give(s->ooo);
	}
	rec_release(s);
	free(s);
}

/* ---- record marking ---------------------------------------------------------------------- */

static void rec_data(struct tcp_stream *s, const uint8_t *p, size_t n);

static void rec_reset(struct tcp_stream *s, enum rec_state st)
{
	s->st = st;
	s->hdr_have = 0;
	s->frag_left = 0;
	s->last = false;
	s->rec_len = s->rec_cap = 0;
}

static void rec_deliver(struct tcp_stream *s)
{
	struct cur c;
	cur_init(&c, s->prefix, s->rec_cap, s->rec_len);
	s->delivered++;
	if (s->fn)
		s->fn(s->arg, &c);
	if (s->prefix_size > PREFIX_KEEP_MAX)
		rec_release(s);
}

/*
 * Room for `need` kept bytes (need <= TCPREASM_PREFIX_MAX): the buffer doubles with the bytes
 * that really arrived, never with what a record mark announces (a mark costs 4 bytes to send:
 * 65,536 flows each announcing 64 KiB must not reserve 8 GiB). All record buffers share
 * REC_BYTES_BUDGET; past it a record keeps what it has (readers see it cut, CUR_TRUNC).
 * Returns the room there is, at least the bytes already kept.
 */
static size_t rec_room(struct tcp_stream *s, size_t need)
{
	if (need <= s->prefix_size)
		return need;
	size_t want = s->prefix_size ? 2 * s->prefix_size : 256;
	if (want < need)
		want = need;
	if (want > TCPREASM_PREFIX_MAX)
		want = TCPREASM_PREFIX_MAX;
	if (rec_bytes - s->prefix_size + want > REC_BYTES_BUDGET) {
		want = need; /* no slack past the budget */
		if (rec_bytes - s->prefix_size + want > REC_BYTES_BUDGET)
			return s->prefix_size;
	}
	s->prefix = xrealloc(s->prefix, want);
	rec_bytes += want - s->prefix_size;
	s->prefix_size = want;
	return want;
}

/*
 * End of a fragment body.  An empty record (a lone zero-length last fragment)
 * carries no RPC message, so it is dropped silently rather than delivered.
 */
static void rec_frag_end(struct tcp_stream *s)
{
	if (!s->last) {
		s->st = REC_HDR;
		s->hdr_have = 0;
		return;
	}
	if (s->rec_len > 0)
		rec_deliver(s);
	rec_reset(s, REC_HDR);
}

static void rec_start_frag(struct tcp_stream *s, uint32_t mark)
{
	uint32_t len = mark & REC_LEN_MASK;
	s->hdr_have = 0;
	if (len > NBT_RPC_MAX_RECORD - s->rec_len) {
		/* The mark is garbage or hostile: its length cannot be trusted to skip by. */
		tcp_count(s, ANOM_RECORD_TOO_BIG);
		s->bad++;
		rec_reset(s, REC_SYNC);
		return;
	}
	s->frag_left = len;
	s->last = (mark & REC_LAST_BIT) != 0;
	s->st = REC_BODY;
	if (len == 0)
		rec_frag_end(s);
}

static size_t rec_hdr(struct tcp_stream *s, const uint8_t *p, size_t n)
{
	size_t k = REC_MARK_LEN - s->hdr_have;
	if (k > n)
		k = n;
	memcpy(s->hdr + s->hdr_have, p, k);
	s->hdr_have += k;
	if (s->hdr_have == REC_MARK_LEN) {
		struct cur c;
		cur_init(&c, s->hdr, REC_MARK_LEN, REC_MARK_LEN);
		rec_start_frag(s, cur_be32(&c));
	}
	return k;
}

/* The kept prefix stays contiguous: once a byte is missing or the prefix is full, keep no more. */
static bool rec_keeping(const struct tcp_stream *s)
{
	return s->rec_cap == s->rec_len && s->rec_cap < TCPREASM_PREFIX_MAX;
}

/* A whole single-fragment record in one piece of in-order data is dissected where it lies. */
static bool rec_in_place(struct tcp_stream *s, const uint8_t *p, size_t n)
{
	if (s->rec_len != 0 || !s->last || n < s->frag_left || s->frag_left == 0)
		return false;
	size_t len = s->frag_left;
	struct cur c;
	cur_init(&c, p, len < TCPREASM_PREFIX_MAX ? len : TCPREASM_PREFIX_MAX, len);
	s->delivered++;
	if (s->fn)
		s->fn(s->arg, &c);
	rec_reset(s, REC_HDR);
	return true;
}

static size_t rec_body(struct tcp_stream *s, const uint8_t *p, size_t n)
{
	size_t k = n < s->frag_left ? n : s->frag_left;
	if (rec_in_place(s, p, n))
		return k;
	if (k > 0 && rec_keeping(s)) {
		size_t keep = TCPREASM_PREFIX_MAX - s->rec_cap;
		if (keep > k)
			keep = k;
		size_t room = rec_room(s, s->rec_cap + keep) - s->rec_cap;
		if (room < keep) { /* the budget: this record keeps no more */
			tcp_count(s, ANOM_CAP_TCP_OOO);
			keep = room;
		}
		memcpy(s->prefix + s->rec_cap, p, keep);
		s->rec_cap += keep;
	}
	s->rec_len += k;
	s->frag_left -= (uint32_t)k;
	if (s->frag_left == 0)
		rec_frag_end(s);
	return k;
}

/* A record mark followed by the start of an RPC CALL (rpcvers 2) or REPLY (reply_stat 0/1). */
static bool rec_plausible(const uint8_t *w)
{
	struct cur c;
	cur_init(&c, w, REC_SYNC_LEN, REC_SYNC_LEN);
	uint32_t mark = cur_be32(&c);
	uint32_t len = mark & REC_LEN_MASK;
	if (!(mark & REC_LAST_BIT) || len < REC_MIN_BODY || len > NBT_RPC_MAX_RECORD)
		return false;
	cur_skip(&c, 4); /* xid */
	uint32_t type = cur_be32(&c);
	uint32_t word = cur_be32(&c);
	if (type == RPC_MSG_CALL)
		return word == RPC_VERS;
	return type == RPC_MSG_REPLY && word <= 1;
}

/*
 * Resync: tests every start position of the carried bytes plus p.  On a hit
 * the state becomes REC_HDR and the return value is where the mark starts in
 * p (0 when it started in the carry, which is then replayed).  Otherwise the
 * last 15 bytes are carried to the next call.
 */
static size_t rec_scan(struct tcp_stream *s, const uint8_t *p, size_t n)
{
	size_t c = s->hdr_have;
	if (c > 0) {
		uint8_t w[2 * REC_SYNC_LEN];
		size_t take = n < REC_SYNC_LEN ? n : REC_SYNC_LEN;
		memcpy(w, s->hdr, c);
		memcpy(w + c, p, take);
		for (size_t j = 0; j < c && j + REC_SYNC_LEN <= c + take; j++) {
			if (rec_plausible(w + j)) {
				rec_reset(s, REC_HDR);
				rec_data(s, w + j,
				         c - j); /* < 16 bytes: mark + part of a body >= 12 */
				return 0;
			}
		}
	}
	for (size_t i = 0; i + REC_SYNC_LEN <= n; i++) {
		if (rec_plausible(p + i)) {
			rec_reset(s, REC_HDR);
			return i;
		}
	}
	size_t total = c + n, keep = REC_SYNC_LEN - 1;
	if (keep > total)
		keep = total;
	if (n >= keep) {
		memcpy(s->hdr, p + n - keep, keep);
	} else {
		memmove(s->hdr, s->hdr + (c - (keep - n)), keep - n);
		memcpy(s->hdr + (keep - n), p, n);
	}
	s->hdr_have = keep;
	return n;
}

/* Feeds captured in-order stream bytes to the record parser. */
static void rec_data(struct tcp_stream *s, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t used;
		switch (s->st) {
		case REC_SYNC:
			used = rec_scan(s, p, n);
			break;
		case REC_HDR:
			used = rec_hdr(s, p, n);
			break;
		default:
			used = rec_body(s, p, n);
			break;
		}
		p += used;
		n -= used;
	}
}

/*
 * n in-order bytes the capture does not have (snaplen, or a hole declared
 * lost).  Inside a body the record stays in step (its cap stops at the hole);
 * a missing record mark loses the framing, so the parser resynchronises.
 */
static void rec_missing(struct tcp_stream *s, size_t n)
{
	while (n > 0) {
		if (s->st != REC_BODY) {
			rec_reset(s, REC_SYNC); /* a carry cannot bridge the hole either */
			return;
		}
		size_t k = n < s->frag_left ? n : s->frag_left;
		s->rec_len += k; /* rec_cap stays behind: the prefix ends here */
		s->frag_left -= (uint32_t)k;
		n -= k;
		if (s->frag_left == 0)
			rec_frag_end(s);
	}
}

/* ---- sequence space and the out-of-order window ------------------------------------------ */

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

static void ooo_clear(struct tcp_stream *s)
{
	if (s->ooo && s->ooo_bytes) {
		memset(s->ooo->have, 0, sizeof(s->ooo->have));
		memset(s->ooo->lost, 0, sizeof(s->ooo->lost));
	}
	s->ooo_bytes = 0;
}

/* Forgets held bytes at ring positions [first, first + n) (n < TCPREASM_OOO_MAX). */
static void ooo_release(struct tcp_stream *s, size_t first, size_t n)
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
static void ooo_store(struct tcp_stream *s, size_t d, const uint8_t *p, size_t cap, size_t wire)
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
static void ooo_forget(struct tcp_stream *s, size_t n)
{
	if (s->ooo_bytes == 0)
		return;
	if (n >= TCPREASM_OOO_MAX) {
		ooo_clear(s);
		return;
	}
	ooo_release(s, s->next, n);
}

/* Distance from next to the first held byte (ooo_bytes > 0), or `limit` (at most
 * TCPREASM_OOO_MAX) when none lies closer. */
static size_t ooo_first(const struct tcp_stream *s, size_t limit)
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
static size_t ooo_run(const struct tcp_stream *s, size_t i, bool lost)
{
	struct bit_span sp = span_of(i, TCPREASM_OOO_MAX - i);
	while (span_next(&sp)) {
		uint64_t l = s->ooo->lost[sp.word];
		uint64_t same = s->ooo->have[sp.word] & (lost ? l : ~l) & sp.mask;
		if (same != sp.mask)
			return sp.at + bits_low(~same & sp.mask) - sp.shift;
	}
	return sp.len;
}

static void stream_deliver(struct tcp_stream *s, const uint8_t *p, size_t cap, size_t wire)
{
	ooo_forget(s, wire);
	s->next += (uint32_t)wire;
	rec_data(s, p, cap);
	rec_missing(s, wire - cap);
}

/* Delivers held bytes that have become in order. */
static void stream_drain(struct tcp_stream *s)
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
			rec_missing(s, run);
		else
			rec_data(s, s->ooo->data + i, run);
	}
}

/*
 * The window cannot take a segment d bytes ahead: the first hole is declared
 * lost (up to the first held byte, or to the segment), then held data drains.
 */
static void stream_skip_hole(struct tcp_stream *s, size_t d)
{
	size_t hole = d;
	if (s->ooo_bytes > 0)
		hole = ooo_first(s, d < TCPREASM_OOO_MAX ? d : TCPREASM_OOO_MAX);
	tcp_count(s, ANOM_TCP_GAP);
	s->next += (uint32_t)hole;
	rec_missing(s, hole);
	stream_drain(s);
}

static void stream_segment(struct tcp_stream *s, uint32_t seq, const uint8_t *p, size_t cap,
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
		if ((size_t)d + wire <= TCPREASM_OOO_MAX &&
		    (s->ooo || ooo_windows < OOO_WINDOWS_MAX)) {
			if (!s->ooo)
				s->ooo = ooo_take();
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
static void stream_syn(struct tcp_stream *s, uint32_t seq)
{
	if (s->have_isn && seq == s->isn)
		return;
	if (s->started && !s->have_isn && seq_diff(seq + 1u, s->next) <= 0)
		return;
	ooo_clear(s);
	rec_reset(s, REC_HDR);
	s->started = true;
	s->have_isn = true;
	s->isn = seq;
	s->next = seq + 1u;
}

static void call_begin(struct tcp_stream *s, tcp_record_fn on_record, void *arg)
{
	s->fn = on_record;
	s->arg = arg;
	s->delivered = s->bad = 0;
}

static enum tcp_rec_status call_end(struct tcp_stream *s)
{
	s->fn = NULL;
	s->arg = NULL;
	if (s->ooo && s->ooo_bytes == 0) { /* have/lost are all clear: nothing to keep */
		ooo_give(s->ooo);
		s->ooo = NULL;
	}
	if (s->bad)
		return TCPREC_BAD;
	return s->delivered ? TCPREC_DONE : TCPREC_MORE;
}

enum tcp_rec_status tcpreasm_add(struct tcp_stream *s, uint32_t seq, bool syn, struct cur seg,
                                 tcp_record_fn on_record, void *arg)
{
	if (!s)
		return TCPREC_BAD;
	size_t wire = cur_wire_left(&seg), cap = cur_left(&seg);
	if (!cur_ok(&seg) || wire > TCPREASM_SEG_MAX) {
		tcp_count(s, ANOM_INVALID);
		return TCPREC_BAD;
	}
	const uint8_t *p = cap ? cur_take(&seg, cap) : NULL;
	call_begin(s, on_record, arg);

	uint32_t data_seq = seq;
	if (syn) {
		stream_syn(s, seq);
		data_seq = seq + 1u;
	} else if (!s->started) {
		/* Capture began mid-flow: the first byte may be anywhere inside a record. */
		s->started = true;
		s->next = seq;
		rec_reset(s, REC_SYNC);
	}
	stream_segment(s, data_seq, p, cap, wire);
	return call_end(s);
}

/*
 * A capture point sees data before the ACK that covers it, so bytes the peer
 * acknowledged that are still missing here were dropped by the capture and
 * will never come: declare them lost now rather than when the window fills.
 * An ACK one past everything with nothing held is most likely a FIN's: ignored.
 */
enum tcp_rec_status tcpreasm_ack(struct tcp_stream *s, uint32_t ack, tcp_record_fn on_record,
                                 void *arg)
{
	if (!s || !s->started)
		return TCPREC_MORE;
	int64_t d = seq_diff(ack, s->next);
	if (d <= 0 || d > TCPREASM_SEG_MAX || (d == 1 && s->ooo_bytes == 0))
		return TCPREC_MORE;
	call_begin(s, on_record, arg);
	while ((d = seq_diff(ack, s->next)) > 0)
		stream_skip_hole(s, (size_t)d);
	return call_end(s);
}
