/* summary: ONC RPC v2 (RFC 5531) header, auth (AUTH_SYS, RPCSEC_GSS RFC 2203), per-flow xid
 * matching. */
#include <stddef.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/dissect.h"
#include "nbt/rpc.h"
#include "nbt/xalloc.h"
#include "nbt/proto/rpc.h"
#include "rpc_prog.h"

#define RPC_XIDS     64 /* outstanding calls remembered per flow, at most */
#define RPC_XIDS_MIN 8  /* slots a flow starts with; it doubles while calls are outstanding */
/* Slots past the first RPC_XIDS_MIN of each flow are counted, all flows together, in the
 * pipeline's budget (rpc_spare_used, at most NBT_BUDGET_RPC_SPARE: see nbt/budget.h). */
#define RPC_MACHINE_CAP 255 /* RFC 5531 appendix A: machinename<255> */
#define RPC_GIDS_MAX    16  /* RFC 5531 appendix A: gids<16> */

/* One remembered call: replies carry only the xid (RFC 5531 s9). */
struct rpc_pending {
	uint32_t xid, prog, vers, proc;
	uint64_t frame;
	nbt_time ts;
	bool used, answered, body; /* body: the reply's results can be decoded */
	bool flavor_cut; /* the snaplen hid the call's flavour: the reply's verf decides */
	uint8_t dir;     /* direction of the call within the flow */
	struct rpc_saved saved;
};

/* A ring of the flow's latest calls; `next` is the slot to overwrite next, the oldest. */
struct rpc_flow {
	struct rpc_pending *p; /* cap slots, NULL until the first call */
	uint32_t cap, next;
	struct nbt_budget *budget; /* where the slots past RPC_XIDS_MIN are counted */
};

static const char *nfs_proc_name(uint32_t vers, uint32_t proc)
{
	return vers == 4 ? nfs4_proc_name(vers, proc) : nfs3_proc_name(vers, proc);
}

/* NFS shares one program number across versions (RFC 1813 vs RFC 7530 s16.1). */
static void nfs_call(struct cur *c, struct rpc_body *b)
{
	if (b->ev->vers == 4)
		nfs4_call(c, b);
	else if (b->ev->vers == 2 || b->ev->vers == 3)
		nfs3_call(c, b);
}

static void nfs_reply(struct cur *c, struct rpc_body *b)
{
	if (b->ev->vers == 4)
		nfs4_reply(c, b);
	else if (b->ev->vers == 2 || b->ev->vers == 3)
		nfs3_reply(c, b);
}

static const struct rpc_program rpc_programs[] = {
    {RPC_PROG_PORTMAP, "portmap", portmap_call, portmap_reply, portmap_proc_name},
    {RPC_PROG_NFS, "nfs", nfs_call, nfs_reply, nfs_proc_name},
    {RPC_PROG_MOUNT, "mount", mount_call, mount_reply, mount_proc_name},
};

const struct rpc_program *rpc_program_find(uint32_t prog)
{
	for (size_t i = 0; i < sizeof(rpc_programs) / sizeof(rpc_programs[0]); i++)
		if (rpc_programs[i].prog == prog)
			return &rpc_programs[i];
	return NULL;
}

size_t rpc_copy_str(char *dst, size_t dstsz, const struct span *s, bool *cut)
{
	size_t n = s->len < dstsz - 1 ? s->len : dstsz - 1;
	if (n && s->p)
		memcpy(dst, s->p, n);
	else
		n = 0;
	dst[n] = '\0';
	if (cut && s->len > n)
		*cut = true;
	return n;
}

static bool rpc_flavor_known(uint32_t f)
{
	return f == RPC_AUTH_NONE || f == RPC_AUTH_SYS || f == RPC_AUTH_SHORT || f == RPC_AUTH_DH ||
	       f == RPC_RPCSEC_GSS || f == RPC_AUTH_TLS;
}

/* AUTH_SYS body (RFC 5531 appendix A): stamp, machinename<255>, uid, gid, gids<16>. */
static void rpc_auth_sys(struct cur *b, struct ev_rpc *r)
{
	cur_xdr_u32(b); /* stamp */
	struct span m = cur_xdr_opaque(b, RPC_MACHINE_CAP);
	r->uid = cur_xdr_u32(b);
	r->gid = cur_xdr_u32(b);
	uint32_t ngids = cur_xdr_u32(b);
	if (ngids > RPC_GIDS_MAX)
		cur_fail(b, CUR_INVALID, "AUTH_SYS gids above 16");
	cur_skip(b, (size_t)ngids * 4);
	if (cur_ok(b))
		r->machine_len = (uint8_t)rpc_copy_str(r->machine, sizeof(r->machine), &m, NULL);
}

/*
 * Credential: flavor + opaque body<400>.  Returns false when the program
 * arguments cannot be read as plain XDR (RPCSEC_GSS control messages or
 * integrity/privacy services wrap them, RFC 2203 s5.3.2).
 */
static bool rpc_cred(struct cur *c, struct ev_rpc *r, struct dis_ctx *ctx)
{
	r->auth_flavor = cur_xdr_u32(c);
	uint32_t len = cur_xdr_u32(c);
	if (len > RPC_AUTH_BODY_MAX)
		cur_fail(c, CUR_INVALID, "RPC credential above 400 bytes");
	struct cur b = cur_sub(c, len);
	cur_xdr_pad(c, len);
	if (!cur_ok(c))
		return false;
	if (!rpc_flavor_known(r->auth_flavor))
		dis_anomaly(ctx, ANOM_INVALID, "rpc", "unknown auth flavour");
	if (r->auth_flavor == RPC_AUTH_SYS) {
		rpc_auth_sys(&b, r);
		/* Cut by the snaplen: the verifier behind it is cut too, and reported so. */
		if (b.err == CUR_INVALID)
			dis_anomaly(ctx, ANOM_INVALID, "rpc", "AUTH_SYS credential malformed");
	} else if (r->auth_flavor == RPC_RPCSEC_GSS) {
		/* rpc_gss_cred_vers_1_t: version, gss_proc, seq_num, service, handle */
		cur_xdr_u32(&b);
		uint32_t gss_proc = cur_xdr_u32(&b);
		cur_xdr_u32(&b);
		uint32_t service = cur_xdr_u32(&b);
		return cur_ok(&b) && gss_proc == RPC_GSS_DATA && service == RPC_GSS_SVC_NONE;
	}
	return true;
}

/* Verifier: flavor + opaque body<400>, skipped; returns the flavour. */
static uint32_t rpc_verf(struct cur *c)
{
	uint32_t flavor = cur_xdr_u32(c);
	cur_xdr_skip(c, RPC_AUTH_BODY_MAX, "RPC verifier above 400 bytes");
	return flavor;
}

static struct rpc_pending *rpc_find(struct rpc_flow *f, uint32_t xid, uint8_t dir)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->cap; i++)
		if (f->p[i].used && f->p[i].xid == xid && f->p[i].dir == dir)
			return &f->p[i];
	return NULL;
}

/*
 * Doubles the ring (or makes the first one, which takes no spare slots, so it always can),
 * oldest call first so that `next` stays the oldest; leaves it as it is when the flow or all
 * flows together are at their cap.
 */
static void rpc_grow(struct rpc_flow *f, struct nbt_budget *b)
{
	uint32_t cap = f->cap ? 2 * f->cap : RPC_XIDS_MIN;
	size_t spare = cap - (f->cap > RPC_XIDS_MIN ? f->cap : RPC_XIDS_MIN);
	if (cap > RPC_XIDS || b->rpc_spare_used + spare > b->rpc_spare_max)
		return;
	struct rpc_pending *p = xcalloc(cap, sizeof(*p));
	for (uint32_t i = 0; i < f->cap; i++)
		p[i] = f->p[(f->next + i) % f->cap];
	free(f->p);
	b->rpc_spare_used += spare;
	f->budget = b;
	f->p = p;
	f->next = f->cap;
	f->cap = cap;
}

static void rpc_flow_free(void *state)
{
	struct rpc_flow *f = state;
	if (f->cap > RPC_XIDS_MIN)
		f->budget->rpc_spare_used -= f->cap - RPC_XIDS_MIN;
	free(f->p);
}

/*
 * Slot for a call: a retransmission reuses its slot; otherwise the oldest is replaced, unless
 * it is still waiting for its reply and the ring can grow.
 */
static struct rpc_pending *rpc_slot(struct rpc_flow *f, uint32_t xid, uint8_t dir,
                                    struct dis_ctx *ctx)
{
	struct rpc_pending *p = rpc_find(f, xid, dir);
	if (p)
		return p;
	if (!f->cap || (f->p[f->next].used && !f->p[f->next].answered))
		rpc_grow(f, dis_budget(ctx));
	p = &f->p[f->next];
	f->next = (f->next + 1) % f->cap;
	if (p->used && !p->answered)
		dis_anomaly(ctx, ANOM_CAP_RPC_XIDS, "rpc", "outstanding call forgotten");
	return p;
}

static enum dis_status rpc_finish(struct cur *c, struct nbt_event *ev, struct dis_ctx *ctx)
{
	enum dis_status st = DIS_OK;
	if (!cur_ok(c)) {
		ev->u.rpc.body_bad = true;
		ev->u.rpc.body_trunc = c->err == CUR_TRUNC;
	}
	dis_emit(ctx, ev);
	if (!cur_ok(c))
		st = dis_cursor_fail(ctx, c, "rpc");
	return st;
}

/* Forgets what a cut credential left behind: a prefix of it is no credential. */
static void rpc_call_cred_cut(struct ev_rpc *r)
{
	r->cred_cut = true;
	r->uid = 0;
	r->gid = 0;
	r->machine_len = 0;
	r->machine[0] = '\0';
}

/* CALL body (RFC 5531 s9): rpcvers, prog, vers, proc, cred, verf, then arguments. */
static enum dis_status rpc_call(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx,
                                struct nbt_event *ev)
{
	struct ev_rpc *r = &ev->u.rpc;
	uint32_t rpcvers = cur_xdr_u32(c);
	r->prog = cur_xdr_u32(c);
	r->vers = cur_xdr_u32(c);
	r->proc = cur_xdr_u32(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "rpc"); /* not even the header: nothing to report */
	if (rpcvers != RPC_VERSION) {
		dis_anomaly(ctx, ANOM_INVALID, "rpc", "RPC version not 2");
		return DIS_INVALID;
	}
	bool flavor_seen = cur_left(c) >= 4;
	bool plain = rpc_cred(c, r, ctx);
	rpc_verf(c);
	/* replies: results are plain XDR unless RPCSEC_GSS wraps them (RFC 2203 s5.3.2) */
	bool reply_plain = plain, flavor_cut = false;
	if (c->err == CUR_TRUNC) {
		/*
		 * The snaplen cut the credential or verifier: the header is certain,
		 * so the call is reported and remembered for its reply; auth is not.
		 */
		rpc_call_cred_cut(r);
		reply_plain = flavor_seen && r->auth_flavor != RPC_RPCSEC_GSS;
		flavor_cut = !flavor_seen;
	} else if (!cur_ok(c)) {
		return dis_cursor_fail(ctx, c, "rpc");
	}

	const struct rpc_program *prog = rpc_program_find(r->prog);
	struct rpc_saved saved;
	memset(&saved, 0, sizeof(saved));
	if (prog) {
		r->proc_name = prog->proc_name(r->vers, r->proc);
		if (plain && cur_ok(c)) {
			struct rpc_body b = {.ev = r, .saved = &saved, .ctx = ctx, .pkt = pkt};
			prog->call(c, &b);
		}
	}
	struct rpc_flow *f = dis_flow_state(ctx);
	if (f) {
		struct rpc_pending *p = rpc_slot(f, r->xid, pkt->dir, ctx);
		*p = (struct rpc_pending){.xid = r->xid,
		                          .prog = r->prog,
		                          .vers = r->vers,
		                          .proc = r->proc,
		                          .frame = pkt->frame,
		                          .ts = pkt->ts,
		                          .used = true,
		                          .body = reply_plain,
		                          .flavor_cut = flavor_cut,
		                          .dir = pkt->dir,
		                          .saved = saved};
	}
	return rpc_finish(c, ev, ctx);
}

/*
 * reply_body (RFC 5531 s9): accepted (verf + accept_stat) or denied (reject_stat).
 * Returns the verifier's flavour (RPCSEC_GSS replies carry an RPCSEC_GSS verifier).
 */
static uint32_t rpc_reply_head(struct cur *c, struct ev_rpc *r)
{
	uint32_t verf = RPC_AUTH_NONE;
	r->reply_stat = cur_xdr_u32(c);
	if (r->reply_stat == RPC_MSG_ACCEPTED) {
		verf = rpc_verf(c);
		r->accept_stat = cur_xdr_u32(c);
		if (r->accept_stat == RPC_PROG_MISMATCH) {
			r->mismatch_lo = cur_xdr_u32(c);
			r->mismatch_hi = cur_xdr_u32(c);
		}
	} else if (r->reply_stat == RPC_MSG_DENIED) {
		r->reject_stat = cur_xdr_u32(c);
		if (r->reject_stat == RPC_RPC_MISMATCH) {
			r->mismatch_lo = cur_xdr_u32(c);
			r->mismatch_hi = cur_xdr_u32(c);
		} else if (r->reject_stat == RPC_AUTH_ERROR) {
			r->auth_stat = cur_xdr_u32(c);
		} else {
			cur_fail(c, CUR_INVALID, "unknown reject_stat");
		}
	} else {
		cur_fail(c, CUR_INVALID, "unknown reply_stat");
	}
	return verf;
}

static enum dis_status rpc_reply(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx,
                                 struct nbt_event *ev)
{
	struct ev_rpc *r = &ev->u.rpc;
	r->is_reply = true;
	uint32_t verf = rpc_reply_head(c, r);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "rpc");

	struct rpc_pending *p = rpc_find(dis_flow_state(ctx), r->xid, (uint8_t)!pkt->dir);
	if (!p)
		return rpc_finish(c, ev, ctx);
	p->answered = true;
	r->matched = true;
	r->prog = p->prog;
	r->vers = p->vers;
	r->proc = p->proc;
	r->call_frame = p->frame;
	r->call_ts = p->ts;
	const struct rpc_program *prog = rpc_program_find(r->prog);
	if (prog) {
		r->proc_name = prog->proc_name(r->vers, r->proc);
		bool plain = p->body || (p->flavor_cut && verf != RPC_RPCSEC_GSS);
		if (plain && r->reply_stat == RPC_MSG_ACCEPTED && r->accept_stat == RPC_SUCCESS) {
			struct rpc_body b = {.ev = r, .saved = &p->saved, .ctx = ctx, .pkt = pkt};
			prog->reply(c, &b);
		}
	}
	return rpc_finish(c, ev, ctx);
}

static enum dis_status rpc_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct nbt_event ev;
	memset(&ev, 0, offsetof(struct nbt_event, u) + sizeof ev.u.rpc); /* not the whole union */
	ev.type = EV_RPC;
	ev.u.rpc.transport = pkt->l4proto;
	ev.u.rpc.xid = cur_xdr_u32(c);
	uint32_t mtype = cur_xdr_u32(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "rpc");
	if (mtype == RPC_CALL)
		return rpc_call(c, pkt, ctx, &ev);
	if (mtype == RPC_REPLY)
		return rpc_reply(c, pkt, ctx, &ev);
	dis_anomaly(ctx, ANOM_INVALID, "rpc", "msg_type neither CALL nor REPLY");
	return DIS_INVALID;
}

/* A CALL we would decode: rpcvers 2, a program of the table, a sane credential. */
static bool rpc_probe_call(struct cur c)
{
	cur_xdr_u32(&c); /* xid */
	uint32_t mtype = cur_xdr_u32(&c);
	/* Fast rejection: most traffic that reaches a probe is not a CALL at all. */
	if (!cur_ok(&c) || mtype != RPC_CALL)
		return false;
	uint32_t rpcvers = cur_xdr_u32(&c);
	if (rpcvers != RPC_VERSION)
		return false;
	uint32_t prog = cur_xdr_u32(&c);
	uint32_t vers = cur_xdr_u32(&c);
	cur_xdr_u32(&c); /* proc */
	if (!cur_ok(&c) || mtype != RPC_CALL || rpcvers != RPC_VERSION)
		return false;
	if (!rpc_program_find(prog) || vers == 0 || vers > 4)
		return false;
	/* cred and verf are at least 8 bytes each on the wire (RFC 5531 s8.2) */
	if (cur_wire_left(&c) < 16)
		return false;
	uint32_t flavor = cur_xdr_u32(&c);
	uint32_t len = cur_xdr_u32(&c);
	if (c.err == CUR_TRUNC)
		return true; /* the snaplen cut the credential; the header above decides */
	return cur_ok(&c) && rpc_flavor_known(flavor) && len <= RPC_AUTH_BODY_MAX;
}

/*
 * Heuristic for dynamic ports (mountd without a GETPORT seen).  Only calls are
 * claimed: a reply on a flow never seen cannot be tied to a program.  Over TCP
 * the payload may start with a record mark (RFC 5531 s11: last-fragment bit).
 */
static bool rpc_probe(const struct cur *payload, const struct nbt_pkt *pkt)
{
	struct cur c = *payload;
	if (rpc_probe_call(c))
		return true;
	if (pkt->l4proto != IPPROTO_TCP)
		return false;
	uint32_t mark = cur_be32(&c);
	return cur_ok(&c) && (mark & 0x80000000u) && (mark & 0x7fffffffu) >= 40 &&
	       rpc_probe_call(c);
}

const struct dissector dis_rpc = {
    .name = "rpc",
    .l4proto = 0,
    .ports = {RPC_PORT_PORTMAP, RPC_PORT_NFS, 0},
    .probe = rpc_probe,
    .dissect = rpc_dissect,
    .flow_state_size = sizeof(struct rpc_flow),
    .flow_state_free = rpc_flow_free,
    .tcp_records = true,
};
