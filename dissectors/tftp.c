/* summary: TFTP dissector (RFC 1350, options RFC 2347/2348/2349/7440) following the server TID. */
#include <stddef.h>
#include <string.h>

#include "nbt/dissect.h"
#include "nbt/tftp.h"
#include "nbt/proto/tftp.h"

#define TFTP_SEED_MAGIC 0x74667470u /* "tftp" */

/*
 * The session context carried from the RRQ/WRQ to the flow the server
 * answers from (its new TID, RFC 1350 s4).  dis_expect() copies it to the
 * start of the new flow's state, so it must stay the first member of
 * struct tftp_flow.
 */
struct tftp_seed {
	uint32_t magic;   /* TFTP_SEED_MAGIC: guards against a foreign seed */
	uint64_t session; /* frame number of the RRQ/WRQ */
	uint32_t cli_ip, srv_ip;
	uint16_t cli_port;
	bool seeded; /* false: the capture began mid-transfer */
	bool write;
	bool file_cut;
	char file[TFTP_FILE_MAX];
	char mode[TFTP_MODE_MAX];
	struct tftp_opts req;
};
_Static_assert(sizeof(struct tftp_seed) <= DIS_SEED_MAX, "TFTP seed above DIS_SEED_MAX");

/* Per-flow state (zeroed by the flow table, or seeded from the request). */
struct tftp_flow {
	struct tftp_seed s;
	struct tftp_opts neg; /* what the OACK acknowledged */
	bool oack_seen;
	bool neg_cut; /* the OACK was cut by the capture: neg may lack options */
	bool any_data, any_ack;
	bool finished;
	bool errored;
	uint64_t data_hi; /* highest running DATA block */
	uint64_t ack_hi;  /* highest running ACK block */
	uint32_t max_data_len;
	uint64_t bytes;
	uint32_t data_count, data_retrans, dup_acks;
	uint16_t err_code;
	uint8_t last_op; /* previous packet of this flow, and who sent it */
	uint32_t last_ip;
	uint16_t last_port;
	/* Set once an unseeded flow was wiped; past any seed, so no seed can fake it. */
	bool unseeded;
};
_Static_assert(offsetof(struct tftp_flow, unseeded) >= DIS_SEED_MAX, "seed may reach unseeded");

/* One packet being dissected. */
struct tftp_pkt {
	struct dis_ctx *ctx;
	const struct nbt_pkt *pkt;
	struct tftp_flow *fs;
	struct ev_tftp *t;
	enum dis_status status;
	bool blank; /* fs was just wiped: a request need not wipe it again */
};

/* Reports a malformed packet once per reason; the event still goes out, marked. */
static void tftp_bad(struct tftp_pkt *tp, enum nbt_anomaly kind, const char *why)
{
	dis_anomaly(tp->ctx, kind, "tftp", why);
	tp->t->malformed = true;
	if (kind == ANOM_TRUNCATED)
		tp->t->truncated = true;
	if (tp->status == DIS_OK)
		tp->status = kind == ANOM_TRUNCATED ? DIS_TRUNC : DIS_INVALID;
}

enum tftp_str { TSTR_OK, TSTR_TRUNC, TSTR_NONUL };

/*
 * A NUL-terminated string (RFC 1350 s5).  Without a NUL in the captured bytes,
 * `s` gets what was there and the cursor is consumed: TSTR_TRUNC if the snaplen
 * cut the packet, TSTR_NONUL if the packet really ends without one.
 */
static enum tftp_str tftp_span(struct cur *c, struct span *s)
{
	size_t n;
	if (cur_find(c, 0, &n)) {
		s->p = cur_take(c, n + 1);
		s->len = n;
		return TSTR_OK;
	}
	bool trunc = cur_wire_left(c) > cur_left(c);
	s->len = cur_left(c);
	s->p = cur_take(c, s->len);
	cur_skip(c, cur_wire_left(c));
	return trunc ? TSTR_TRUNC : TSTR_NONUL;
}

/* Copies a span into a fixed buffer, always NUL-terminated; true if it had to cut. */
static bool tftp_copy(char *dst, size_t cap, struct span s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	return n < s.len;
}

/* Option names are case-insensitive (RFC 2347 s2); ASCII only, no locale. */
static bool tftp_name_is(struct span s, const char *lit)
{
	size_t i = 0;
	for (; i < s.len && lit[i]; i++) {
		uint8_t ch = s.p[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch != (uint8_t)lit[i])
			return false;
	}
	return i == s.len && lit[i] == '\0';
}

/* Decimal ASCII value (RFC 2347 s2: "ASCII string of a number"); false if not one. */
static bool tftp_number(struct span s, uint64_t *v)
{
	uint64_t x = 0;
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		uint8_t ch = s.p[i];
		if (ch < '0' || ch > '9')
			return false;
		if (x > (UINT64_MAX - (uint64_t)(ch - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(ch - '0');
	}
	*v = x;
	return true;
}

static const struct tftp_optdef {
	const char *name;
	uint8_t bit;
	uint64_t min, max;
	const char *bad;
} tftp_optdefs[] = {
    {"blksize", TFTP_HAVE_BLKSIZE, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX,
     "blksize option not a number in 8..65464 (RFC 2348)"},
    {"timeout", TFTP_HAVE_TIMEOUT, TFTP_TIMEOUT_MIN, TFTP_TIMEOUT_MAX,
     "timeout option not a number in 1..255 (RFC 2349)"},
    {"tsize", TFTP_HAVE_TSIZE, 0, UINT64_MAX, "tsize option not a number (RFC 2349)"},
    {"windowsize", TFTP_HAVE_WINDOWSIZE, TFTP_WINDOW_MIN, TFTP_WINDOW_MAX,
     "windowsize option not a number in 1..65535 (RFC 7440)"},
};

/* Applies one known option to `o`; unknown options are only kept raw. */
static void tftp_option(struct tftp_pkt *tp, struct span name, struct span val, struct tftp_opts *o)
{
	for (size_t i = 0; i < sizeof tftp_optdefs / sizeof tftp_optdefs[0]; i++) {
		const struct tftp_optdef *d = &tftp_optdefs[i];
		if (!tftp_name_is(name, d->name))
			continue;
		uint64_t v = 0;
		if (!tftp_number(val, &v) || v < d->min || v > d->max) {
			tftp_bad(tp, ANOM_INVALID, d->bad);
			return;
		}
		o->have |= d->bit;
		if (d->bit == TFTP_HAVE_BLKSIZE)
			o->blksize = (uint32_t)v;
		else if (d->bit == TFTP_HAVE_TIMEOUT)
			o->timeout = (uint8_t)v;
		else if (d->bit == TFTP_HAVE_TSIZE)
			o->tsize = v;
		else
			o->windowsize = (uint16_t)v;
		return;
	}
}

/*
 * Wire bytes left when only NUL padding remains (some clients pad requests), counted once so
 * that a packet of many empty options is not rescanned per option; 0 if the tail was not
 * captured (nothing can be said of it).
 */
static size_t tftp_padding_tail(const struct cur *c)
{
	size_t left = cur_left(c);
	if (cur_wire_left(c) != left)
		return 0;
	while (left > 0 && cur_peek(c, left - 1) == 0)
		left--;
	return cur_left(c) - left;
}

/* RFC 2347 s2: "opt1 0 value1 0 ..." up to the end of the packet. */
static void tftp_options(struct tftp_pkt *tp, struct cur *c, struct tftp_opts *o)
{
	struct ev_tftp *t = tp->t;
	size_t padding = tftp_padding_tail(c);
	while (cur_wire_left(c) > padding) {
		struct span name = {NULL, 0}, val = {NULL, 0};
		enum tftp_str r = tftp_span(c, &name);
		if (r == TSTR_OK && cur_wire_left(c) == 0) {
			/* A name without its value is no option: reported, not kept. */
			tftp_bad(tp, ANOM_INVALID,
			         "option without a value (odd number of strings)");
			return;
		}
		if (r == TSTR_OK)
			r = tftp_span(c, &val);
		if (r == TSTR_TRUNC) {
			/* A cut name or value is no value at all ("blksize" "1" of "1024"). */
			tftp_bad(tp, ANOM_TRUNCATED, "options cut by the capture");
			return;
		}
		if (t->nopts < TFTP_OPTS_MAX) {
			tftp_copy(t->opt[t->nopts].name, TFTP_OPTNAME_MAX, name);
			tftp_copy(t->opt[t->nopts].value, TFTP_OPTVAL_MAX, val);
			t->nopts++;
		} else {
			t->opts_cut = true;
		}
		if (r == TSTR_NONUL) {
			if (!t->malformed)
				tftp_bad(tp, ANOM_INVALID, "option not NUL-terminated");
			return;
		}
		tftp_option(tp, name, val, o);
	}
}

/* A well-formed request: a file name, one of RFC 1350's modes, then options. */
static void tftp_request_check(struct tftp_pkt *tp, struct span file, struct span mode,
                               struct cur *c)
{
	if (file.len == 0)
		tftp_bad(tp, ANOM_INVALID, "request with an empty file name");
	if (!tftp_name_is(mode, "octet") && !tftp_name_is(mode, "netascii") &&
	    !tftp_name_is(mode, "mail"))
		tftp_bad(tp, ANOM_INVALID,
		         "request mode not netascii, octet or mail (RFC 1350 s5)");
	tftp_options(tp, c, &tp->t->opts);
}

/* RRQ/WRQ: the session starts here, and so does the expectation for the server's TID. */
static void tftp_request(struct tftp_pkt *tp, struct cur *c, uint16_t op)
{
	struct ev_tftp *t = tp->t;
	struct tftp_flow *fs = tp->fs;
	struct span file = {NULL, 0}, mode = {NULL, 0};

	enum tftp_str rf = tftp_span(c, &file), r = rf;
	if (r == TSTR_OK)
		r = tftp_span(c, &mode);
	/* Strings the snaplen cut are left empty: a prefix of a name is not the name. */
	if (rf != TSTR_TRUNC)
		t->file_cut = tftp_copy(t->file, sizeof t->file, file);
	if (r != TSTR_TRUNC)
		tftp_copy(t->mode, sizeof t->mode, mode);
	if (r == TSTR_TRUNC)
		tftp_bad(tp, ANOM_TRUNCATED, "request cut by the capture");
	else if (r == TSTR_NONUL)
		tftp_bad(tp, ANOM_INVALID, "request file name or mode not NUL-terminated");
	else
		tftp_request_check(tp, file, mode, c);

	/* A new request restarts this flow's session (a retry may reuse the port). */
	if (!tp->blank)
		memset(fs, 0, sizeof *fs);
	fs->s.magic = TFTP_SEED_MAGIC;
	fs->s.session = tp->pkt->frame;
	fs->s.cli_ip = tp->pkt->src_ip;
	fs->s.srv_ip = tp->pkt->dst_ip;
	fs->s.cli_port = tp->pkt->sport;
	fs->s.seeded = true;
	fs->s.write = op == TFTP_OP_WRQ;
	fs->s.file_cut = t->file_cut;
	memcpy(fs->s.file, t->file, sizeof fs->s.file);
	memcpy(fs->s.mode, t->mode, sizeof fs->s.mode);
	fs->s.req = t->opts;

	/* The server answers from a new port (its TID, RFC 1350 s4) and, when it is multi-homed
	 * and misconfigured, from another address, which the client must reject: any address is
	 * followed so that the report can say so. */
	struct flow_expect e = {
	    .l4proto = TFTP_IPPROTO_UDP,
	    .cli_ip = tp->pkt->src_ip,
	    .srv_ip = 0,
	    .cli_port = tp->pkt->sport,
	    .srv_port = 0,
	    .dis = &dis_tftp,
	    .ttl = TFTP_EXPECT_TTL_SEC * NBT_NS_PER_SEC,
	};
	dis_expect(tp->ctx, &e, &fs->s, sizeof fs->s);
}

/*
 * Block numbers are 16 bits and wrap (after 65535 to 0 or 1, by
 * implementation); the running number is the one nearest the highest seen.
 */
static uint64_t tftp_unwrap(uint64_t hi, uint16_t block)
{
	uint64_t cand = (hi & ~(uint64_t)0xffff) | block;
	if (cand + 0x8000 < hi)
		cand += 0x10000;
	else if (cand > hi + 0x8000 && cand >= 0x10000)
		cand -= 0x10000;
	return cand;
}

/* The transfer's furthest point, DATA or ACK: the reference for unwrapping either. */
static uint64_t tftp_progress(const struct tftp_flow *fs)
{
	uint64_t d = fs->any_data ? fs->data_hi : 0, a = fs->any_ack ? fs->ack_hi : 0;
	return d > a ? d : a;
}

/* Block size in force: the OACK's, else RFC 1350's 512; unknown session: largest seen. */
static uint32_t tftp_blksize(const struct tftp_flow *fs, bool *guessed)
{
	*guessed = false;
	if (fs->oack_seen && (fs->neg.have & TFTP_HAVE_BLKSIZE))
		return fs->neg.blksize;
	/* An OACK cut by the capture may have acknowledged a blksize we could not read. */
	if ((fs->s.seeded || fs->oack_seen) && !(fs->oack_seen && fs->neg_cut))
		return TFTP_BLKSIZE_DEFAULT;
	*guessed = true;
	return fs->max_data_len > TFTP_BLKSIZE_DEFAULT ? fs->max_data_len : TFTP_BLKSIZE_DEFAULT;
}

static void tftp_data(struct tftp_pkt *tp, struct cur *c)
{
	struct tftp_flow *fs = tp->fs;
	struct ev_tftp *t = tp->t;
	t->block = cur_be16(c);
	if (!cur_ok(c))
		return;
	/* The length comes from the wire (UDP length), so a short snaplen does not fake an end. */
	size_t len = cur_wire_left(c);
	t->data_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	t->block_seq = tftp_unwrap(tftp_progress(fs), t->block);
	t->retransmit = fs->any_data && t->block_seq <= fs->data_hi;

	bool guessed;
	if (t->data_len < tftp_blksize(fs, &guessed))
		fs->finished = true; /* RFC 1350 s6: a short block ends the transfer */
	fs->data_count++;
	if (t->retransmit) {
		fs->data_retrans++;
	} else {
		fs->data_hi = t->block_seq;
		fs->bytes += t->data_len;
	}
	fs->any_data = true;
	if (t->data_len > fs->max_data_len)
		fs->max_data_len = t->data_len;
}

static void tftp_ack(struct tftp_pkt *tp, struct cur *c)
{
	struct tftp_flow *fs = tp->fs;
	struct ev_tftp *t = tp->t;
	t->block = cur_be16(c);
	if (!cur_ok(c))
		return;
	t->block_seq = tftp_unwrap(tftp_progress(fs), t->block);
	t->retransmit = fs->any_ack && t->block_seq <= fs->ack_hi;
	/* A client acknowledging a block the server has not sent: it counted a repeated DATA as
	 * the next one (a known start4.elf bug), or the capture missed that DATA. */
	t->ack_ahead = fs->any_data && t->block_seq > fs->data_hi;
	if (t->retransmit)
		fs->dup_acks++;
	else
		fs->ack_hi = t->block_seq;
	fs->any_ack = true;
}

static void tftp_error(struct tftp_pkt *tp, struct cur *c)
{
	struct tftp_flow *fs = tp->fs;
	struct ev_tftp *t = tp->t;
	t->err_code = cur_be16(c);
	if (!cur_ok(c))
		return;
	struct span msg = {NULL, 0};
	enum tftp_str r = tftp_span(c, &msg);
	tftp_copy(t->err_msg, sizeof t->err_msg, msg);
	if (r == TSTR_TRUNC)
		tftp_bad(tp, ANOM_TRUNCATED, "error message cut by the capture");
	else if (r == TSTR_NONUL)
		tftp_bad(tp, ANOM_INVALID, "error message not NUL-terminated");
	/*
	 * A client that asked for tsize reads the size from the OACK and may end
	 * the transfer with ERROR 0 at once (Raspberry Pi firmware, PXE ROMs):
	 * a probe, not a failure.  "Right after": the previous packet of this flow
	 * was the OACK, sent by the other side.
	 */
	t->early_terminate = t->err_code == TFTP_ERR_UNDEF && fs->last_op == TFTP_OP_OACK &&
	                     (fs->last_ip != tp->pkt->src_ip || fs->last_port != tp->pkt->sport);
	fs->errored = !t->early_terminate;
	fs->err_code = t->err_code;
}

static void tftp_oack(struct tftp_pkt *tp, struct cur *c)
{
	struct tftp_flow *fs = tp->fs;
	if (cur_wire_left(c) == 0)
		tftp_bad(tp, ANOM_INVALID, "OACK without options (RFC 2347)");
	tftp_options(tp, c, &tp->t->opts);
	fs->neg = tp->t->opts;
	fs->neg_cut = tp->t->truncated;
	tp->t->retransmit = fs->oack_seen; /* the server timed out waiting for ACK 0 */
	fs->oack_seen = true;
}

/* Copies the session context and counters into the event. */
static void tftp_fill_session(const struct tftp_flow *fs, const struct nbt_pkt *pkt,
                              struct ev_tftp *t)
{
	const struct tftp_seed *s = &fs->s;
	t->session = s->session;
	t->write = s->write;
	if (s->seeded)
		t->dir = pkt->src_ip == s->cli_ip && pkt->sport == s->cli_port ? TFTP_DIR_CLIENT
		                                                               : TFTP_DIR_SERVER;
	if (t->opcode != TFTP_OP_RRQ && t->opcode != TFTP_OP_WRQ) {
		memcpy(t->file, s->file, sizeof t->file);
		memcpy(t->mode, s->mode, sizeof t->mode);
		t->file_cut = s->file_cut;
	}
	t->bytes = fs->bytes;
	t->data_count = fs->data_count;
	t->data_retrans = fs->data_retrans;
	t->dup_acks = fs->dup_acks;
	t->blksize = tftp_blksize(fs, &t->blksize_guessed);
	t->finished = fs->finished;
	if (fs->oack_seen && (fs->neg.have & TFTP_HAVE_TSIZE)) {
		t->has_tsize = true;
		t->tsize = fs->neg.tsize;
	} else if (s->write && (s->req.have & TFTP_HAVE_TSIZE)) {
		t->has_tsize = true; /* WRQ: the client states the size (RFC 2349 s4) */
		t->tsize = s->req.tsize;
	}
}

static enum dis_status tftp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct tftp_flow scratch;
	struct tftp_flow *fs = dis_flow_state(ctx);
	struct nbt_event ev;
	/* Only the header and this union member's head: DATA/ACK come at line rate, the union is
	 * ~4 KB. */
	memset(&ev, 0, offsetof(struct nbt_event, u) + EV_TFTP_ZEROED);
	ev.u.tftp.err_msg[0] = '\0';
	ev.type = EV_TFTP;
	bool blank = false;
	if (!fs) {
		/* A request dissected without a flow (dissector.requests_flowless). */
		fs = &scratch;
		fs->s.magic = 0;
		fs->unseeded = false;
	}
	/* Another dissector's expectation for TFTP (DHCP's next-server) may carry no seed or a
	 * foreign one: start from an unknown session then. */
	if (fs->s.magic != TFTP_SEED_MAGIC && !fs->unseeded) {
		memset(fs, 0, sizeof *fs);
		fs->unseeded = true;
		blank = true;
	}
	struct tftp_pkt tp = {.ctx = ctx, .pkt = pkt, .fs = fs, .t = &ev.u.tftp, .blank = blank};

	uint16_t op = cur_be16(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "tftp");
	if (op < TFTP_OP_RRQ || op > TFTP_OP_OACK) {
		dis_anomaly(ctx, ANOM_INVALID, "tftp", "unknown TFTP opcode");
		return DIS_INVALID;
	}
	tp.t->opcode = (uint8_t)op;
	if (op == TFTP_OP_RRQ || op == TFTP_OP_WRQ)
		tftp_request(&tp, c, op);
	else if (op == TFTP_OP_DATA)
		tftp_data(&tp, c);
	else if (op == TFTP_OP_ACK)
		tftp_ack(&tp, c);
	else if (op == TFTP_OP_ERROR)
		tftp_error(&tp, c);
	else
		tftp_oack(&tp, c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "tftp"); /* DATA/ACK/ERROR shorter than 4 bytes */

	tftp_fill_session(fs, pkt, tp.t);
	fs->last_op = (uint8_t)op;
	fs->last_ip = pkt->src_ip;
	fs->last_port = pkt->sport;
	dis_emit(ctx, &ev);
	return tp.status;
}

/* How many NUL-terminated strings fill the rest of `c` exactly; 0 if they do not. */
static size_t tftp_probe_strings(struct cur *c)
{
	size_t n = 0;
	while (cur_wire_left(c) > 0) {
		struct span s;
		if (tftp_span(c, &s) != TSTR_OK)
			return 0;
		n++;
	}
	return n;
}

/*
 * Flows nobody expected (the capture began after the RRQ, or the expectation
 * expired): DATA/ACK/ERROR/OACK between two ephemeral ports, with sizes that
 * RFC 1350/2348 allow.  Conservative on purpose: ACK exactly 4 bytes, DATA at
 * most 4 + 65464 bytes, ERROR a known code and a message ending in its only NUL.
 */
static bool tftp_probe(const struct cur *payload, const struct nbt_pkt *pkt)
{
	if (pkt->l4proto != TFTP_IPPROTO_UDP || pkt->sport < 1024 || pkt->dport < 1024)
		return false;
	struct cur c = *payload;
	uint16_t op = cur_be16(&c);
	if (!cur_ok(&c))
		return false;
	size_t left = cur_wire_left(&c);
	switch (op) {
	case TFTP_OP_DATA:
		return left >= 2 && left <= 2 + TFTP_BLKSIZE_MAX;
	case TFTP_OP_ACK:
		return left == 2;
	case TFTP_OP_ERROR:
		return cur_be16(&c) <= TFTP_ERR_OPTIONS && cur_ok(&c) &&
		       tftp_probe_strings(&c) == 1;
	case TFTP_OP_OACK: {
		size_t n = tftp_probe_strings(&c);
		return n > 0 && n % 2 == 0;
	}
	default:
		return false;
	}
}

const struct dissector dis_tftp = {
    .name = "tftp",
    .l4proto = TFTP_IPPROTO_UDP,
    .ports = {TFTP_PORT, 0},
    .probe = tftp_probe,
    .dissect = tftp_dissect,
    .flow_state_size = sizeof(struct tftp_flow),
    .requests_flowless = true,
};
