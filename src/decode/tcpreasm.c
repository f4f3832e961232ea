/* summary: ONC RPC record marking (RFC 5531 s11) over a TCP byte stream (tcpstream.c): records
 * are collected from in-order bytes, cut at gaps, and resynchronised when a mark is lost. */
#include "nbt/tcpreasm.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/tcpstream.h"
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
/* A prefix buffer larger than this is freed once its record is delivered: bulk flows
 * (64 KiB NFS READ replies) take one malloc per record, idle flows hold little. */
#define PREFIX_KEEP_MAX 2048u
enum rec_state {
	REC_SYNC, /* looking for a plausible record mark */
	REC_HDR,  /* collecting a 4-byte record mark */
	REC_BODY, /* inside a fragment body */
};

struct tcp_stream {
	struct nbt_stats *stats;
	struct nbt_budget *budget;
	struct tcpstream *bytes; /* the TCP direction the records are framed in */

	enum rec_state st;
	uint8_t hdr[REC_SYNC_LEN]; /* mark bytes (REC_HDR) or the scan carry (REC_SYNC) */
	size_t hdr_have;
	uint32_t frag_left; /* body bytes left in the current fragment */
	bool last;          /* the current fragment ends the record */
	size_t rec_len;     /* body bytes of the record so far (all fragments) */
	size_t rec_cap;     /* of which kept in prefix[] */
	uint8_t *prefix;    /* prefix_size bytes, grown as a record needs */
	size_t prefix_size; /* at most TCPREASM_PREFIX_MAX */

	/* per tcpreasm_add / tcpreasm_ack call */
	tcp_record_fn fn;
	void *arg;
	unsigned delivered, bad;
};

static void tcp_count(struct tcp_stream *s, enum nbt_anomaly a)
{
	if (s->stats)
		s->stats->anomalies[a]++;
}

/* Gives a stream's record buffer back to the shared budget. */
static void rec_release(struct tcp_stream *s)
{
	s->budget->rec_bytes -= s->prefix_size;
	free(s->prefix);
	s->prefix = NULL;
	s->prefix_size = 0;
}

/* ---- record marking ---------------------------------------------------------------------- */

static void rec_data(struct tcp_stream *s, const uint8_t *p, size_t n);
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
 * the budget's rec_bytes_max; past it a record keeps what it has (readers see it cut, CUR_TRUNC).
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
	size_t held = s->budget->rec_bytes - s->prefix_size, max = s->budget->rec_bytes_max;
	if (held + want > max) {
		want = need; /* no slack past the budget */
		if (held + want > max)
			return s->prefix_size;
	}
	s->prefix = xrealloc(s->prefix, want);
	s->budget->rec_bytes += want - s->prefix_size;
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

/* ---- the byte stream's sink ------------------------------------------------------------- */

static void rec_on_data(void *arg, const uint8_t *p, size_t n)
{
	rec_data(arg, p, n);
}

static void rec_on_missing(void *arg, size_t n)
{
	rec_missing(arg, n);
}

/* A new connection starts at a record mark; a capture begun mid-flow may start anywhere
 * inside a record, so the framer looks for a plausible mark first. */
static void rec_on_restart(void *arg, bool mid_flow)
{
	rec_reset(arg, mid_flow ? REC_SYNC : REC_HDR);
}

struct tcp_stream *tcpreasm_new(struct nbt_stats *stats, struct nbt_budget *budget)
{
	struct tcp_stream *s = xcalloc(1, sizeof(*s));
	s->stats = stats;
	s->budget = budget;
	s->st = REC_SYNC;
	const struct tcpstream_sink sink = {rec_on_data, rec_on_missing, rec_on_restart, s};
	s->bytes = tcpstream_new(stats, budget, &sink);
	return s;
}

void tcpreasm_free(struct tcp_stream *s)
{
	if (!s)
		return;
	tcpstream_free(s->bytes);
	rec_release(s);
	free(s);
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
	if (!cur_ok(&seg) || wire > TCPSTREAM_SEG_MAX) {
		tcp_count(s, ANOM_INVALID);
		return TCPREC_BAD;
	}
	const uint8_t *p = cap ? cur_take(&seg, cap) : NULL;
	call_begin(s, on_record, arg);
	tcpstream_add(s->bytes, seq, syn, p, cap, wire);
	return call_end(s);
}

enum tcp_rec_status tcpreasm_ack(struct tcp_stream *s, uint32_t ack, tcp_record_fn on_record,
                                 void *arg)
{
	if (!s)
		return TCPREC_MORE;
	call_begin(s, on_record, arg);
	tcpstream_ack(s->bytes, ack);
	return call_end(s);
}
