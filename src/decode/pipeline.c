/* summary: per-frame pipeline: link -> IPv4 (+fragments) -> UDP/TCP -> flow -> dissector -> events.
 */
#include "nbt/pipeline.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/checksum.h"
#include "nbt/decode.h"
#include "nbt/tcpreasm.h"
#include "nbt/xalloc.h"

#define FRAG_EXPIRE_EVERY 256 /* frames between fragment-timeout sweeps */

struct pipeline {
	int dlt;
	nbt_event_fn on_event;
	void *arg;
	struct nbt_stats stats;
	struct flow_table *flows;
	struct nbt_budget
	    budget; /* what all flows hold together (TCP windows, records, RPC slots) */
	struct ipfrag_table *frags;
	uint64_t frame;
	nbt_time last_ts;
	pipeline_port_fn port_fn;       /* learned server ports, for the live capture filter */
	uint64_t dis_ports[65536 / 64]; /* ports some dissector claims: fast rejection */
	void *port_arg;
	/* The current packet's IPv4 header, for the checks of claimed packets only. */
	struct cur iph;
	bool iph_checkable; /* whole, not cut by the snaplen, not reassembled, no lying length */
	uint16_t ip_total_len;
};

/* The context a dissector is handed: the public part (its services) first. */
struct pipe_ctx {
	struct dis_ctx base;
	struct pipeline *p;
	const struct nbt_pkt *pkt;
	struct flow *flow;
	const struct dissector *dis;
};

/* ---- the services dissectors see (struct dis_ops, nbt/dissect.h) ---- */

static struct pipe_ctx *pipe_ctx_of(struct dis_ctx *ctx)
{
	return (struct pipe_ctx *)ctx; /* base is the first member */
}

static void pipe_emit(struct dis_ctx *dctx, struct nbt_event *ev)
{
	struct pipe_ctx *ctx = pipe_ctx_of(dctx);
	const struct nbt_pkt *pkt = ctx->pkt;
	ev->frame = pkt->frame;
	ev->ts = pkt->ts;
	ev->has_mac = pkt->has_mac;
	ev->has_dst_mac = pkt->has_dst_mac;
	memcpy(ev->src_mac, pkt->src_mac, 6);
	memcpy(ev->dst_mac, pkt->dst_mac, 6);
	ev->src_ip = pkt->src_ip;
	ev->dst_ip = pkt->dst_ip;
	ev->sport = pkt->sport;
	ev->dport = pkt->dport;
	ev->l4proto = pkt->l4proto;
	ctx->p->stats.events++;
	if (ctx->p->on_event)
		ctx->p->on_event(ctx->p->arg, ev);
}

static void pipe_expect(struct dis_ctx *dctx, const struct flow_expect *e, const void *seed,
                        size_t seed_len)
{
	struct pipe_ctx *ctx = pipe_ctx_of(dctx);
	flow_expect_add(ctx->p->flows, e, ctx->pkt->ts, seed, seed_len);
	if (e->srv_port && ctx->p->port_fn)
		ctx->p->port_fn(ctx->p->port_arg, e->l4proto, e->srv_ip, e->srv_port);
}

static void *pipe_flow_state(struct dis_ctx *dctx)
{
	struct pipe_ctx *ctx = pipe_ctx_of(dctx);
	return ctx->flow ? ctx->flow->state : NULL;
}

static struct nbt_budget *pipe_budget(struct dis_ctx *dctx)
{
	return &pipe_ctx_of(dctx)->p->budget;
}

static struct nbt_stats *pipe_stats(struct dis_ctx *dctx)
{
	return &pipe_ctx_of(dctx)->p->stats;
}

static const struct dissector *pipe_flow_dissector(struct dis_ctx *dctx, uint8_t l4proto,
                                                   uint32_t sip, uint16_t sport, uint32_t dip,
                                                   uint16_t dport)
{
	struct flow *f = flow_find(pipe_ctx_of(dctx)->p->flows, l4proto, sip, sport, dip, dport);
	return f ? f->dis : NULL;
}

static const struct dis_ops pipe_ops = {
    .emit = pipe_emit,
    .expect = pipe_expect,
    .flow_state = pipe_flow_state,
    .budget = pipe_budget,
    .stats = pipe_stats,
    .flow_dissector = pipe_flow_dissector,
};

void pipeline_set_port_hook(struct pipeline *p, pipeline_port_fn fn, void *arg)
{
	p->port_fn = fn;
	p->port_arg = arg;
}

/* ---- pipeline ---- */

struct pipeline *pipeline_new(const struct pipeline_limits *lim, nbt_event_fn on_event, void *arg)
{
	static const struct pipeline_limits defaults = {FLOW_DEFAULT_LIMITS, IPFRAG_DEFAULT_LIMITS};
	if (!lim)
		lim = &defaults;
	struct pipeline *p = xcalloc(1, sizeof(*p));
	p->dlt = -1;
	p->on_event = on_event;
	p->arg = arg;
	p->budget = (struct nbt_budget)NBT_BUDGET_DEFAULT;
	for (const struct dissector *const *d = nbt_dissectors; *d; d++)
		for (int i = 0; i < 4 && (*d)->ports[i]; i++)
			p->dis_ports[(*d)->ports[i] / 64] |= (uint64_t)1 << ((*d)->ports[i] % 64);
	p->flows = flow_table_new(&lim->flows, &p->stats);
	p->frags = ipfrag_new(&lim->frags, &p->stats);
	return p;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	flow_table_free(p->flows);
	ipfrag_free(p->frags);
	budget_release(&p->budget);
	free(p);
}

bool pipeline_set_link(struct pipeline *p, int dlt)
{
	if (!link_supported(dlt))
		return false;
	p->dlt = dlt;
	return true;
}

const struct nbt_stats *pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}

struct flow_table *pipeline_flows(struct pipeline *p)
{
	return p->flows;
}

static void pipeline_anomaly(struct pipeline *p, const struct nbt_pkt *pkt, enum decode_status st,
                             const char *proto, const char *why)
{
	struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt};
	if (st == DECODE_TRUNC)
		dis_anomaly(&ctx.base, ANOM_TRUNCATED, proto, "header cut by snaplen");
	else
		dis_anomaly(&ctx.base, ANOM_INVALID, proto, why);
}

static bool dis_has_port(const struct dissector *d, uint16_t port)
{
	for (int i = 0; i < 4 && d->ports[i]; i++)
		if (d->ports[i] == port)
			return true;
	return false;
}

/* Who owns a new flow: an expectation, then the destination port, then the
 * source port, then heuristics.  *to_port: claimed by its destination port. */
static const struct dissector *pipeline_classify(struct pipeline *p, const struct nbt_pkt *pkt,
                                                 const struct cur *payload, uint8_t *seed,
                                                 size_t *seed_len, bool *to_port)
{
	*to_port = false;
	const struct dissector *d = flow_expect_take(p->flows, pkt, seed, seed_len);
	if (d)
		return d;
	bool any = (p->dis_ports[pkt->dport / 64] >> (pkt->dport % 64) & 1) ||
	           (p->dis_ports[pkt->sport / 64] >> (pkt->sport % 64) & 1);
	for (int pass = 0; any && pass < 2; pass++)
		for (const struct dissector *const *it = nbt_dissectors; *it; it++) {
			d = *it;
			if (d->l4proto && d->l4proto != pkt->l4proto)
				continue;
			if (dis_has_port(d, pass ? pkt->sport : pkt->dport)) {
				*to_port = !pass;
				return d;
			}
		}
	if (!cur_left(payload))
		return NULL;
	for (const struct dissector *const *it = nbt_dissectors; *it; it++) {
		d = *it;
		if (d->probe && (!d->l4proto || d->l4proto == pkt->l4proto) &&
		    d->probe(payload, pkt))
			return d;
	}
	return NULL;
}

/* The packet's flow, created when new; NULL with *dis set: a request dissected flowless. */
static struct flow *pipeline_flow(struct pipeline *p, struct nbt_pkt *pkt,
                                  const struct cur *probe_view, const struct dissector **dis)
{
	struct flow *f = flow_lookup(p->flows, pkt);
	*dis = f ? f->dis : NULL;
	if (f)
		return f;
	uint8_t seed[DIS_SEED_MAX];
	size_t seed_len = 0;
	bool to_port;
	const struct dissector *d =
	    pipeline_classify(p, pkt, probe_view, seed, &seed_len, &to_port);
	*dis = d;
	if (!d || (to_port && d->requests_flowless))
		return NULL;
	return flow_create(p->flows, pkt, d, seed, seed_len);
}

/* A capture fact (not a malformed packet): counted apart from the anomalies list. */
static void pipeline_fact(struct pipeline *p, const struct nbt_pkt *pkt, enum nbt_anomaly kind,
                          const char *proto, const char *why)
{
	struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt};
	struct nbt_event ev = {.type = EV_ANOMALY};
	if (kind == ANOM_CHECKSUM)
		p->stats.bad_checksums++;
	else
		p->stats.oversize_frames++;
	ev.u.anomaly.kind = kind;
	ev.u.anomaly.proto = proto;
	ev.u.anomaly.why = why;
	dis_emit(&ctx.base, &ev);
}

/*
 * Checks of packets a dissector claimed (never of unrelated traffic: cost): checksums
 * (RFC 791, RFC 768; offload on the capturing host leaves them unfilled) and frames larger
 * than the Ethernet MTU (GRO/TSO on the capturing host).  `seg` is the whole UDP datagram,
 * or NULL for TCP (its checksum is not verified: it would sum every NFS byte).
 */
static void pipeline_check(struct pipeline *p, const struct nbt_pkt *pkt, const struct cur *seg)
{
	static const uint8_t zero[6];
	bool big = false;
	/* Ethernet: 1500 + 14 (+ 4 per 802.1Q tag); Linux loopback (all-zero MACs, DLT_NULL,
	 * DLT_LOOP) has a 64 KiB MTU, so its large frames are normal. */
	if (p->dlt == DLT_EN10MB)
		big = pkt->wirelen > 1514u + 4u * pkt->nvlan &&
		      (memcmp(pkt->src_mac, zero, 6) != 0 || memcmp(pkt->dst_mac, zero, 6) != 0);
	else if (p->dlt != DLT_NULL && p->dlt != DLT_LOOP)
		big = p->ip_total_len > 1500; /* cooked and raw IP: no link header to count */
	if (big)
		pipeline_fact(p, pkt, ANOM_OVERSIZE, "capture", "frame larger than the MTU");
	if (!p->iph_checkable || pkt->caplen < pkt->wirelen || pkt->reassembled)
		return;
	if (checksum_ipv4(p->iph) == CHECKSUM_BAD)
		pipeline_fact(p, pkt, ANOM_CHECKSUM, "ipv4", "bad header checksum");
	else if (seg && checksum_l4(*seg, pkt->l4proto, pkt->src_ip, pkt->dst_ip) == CHECKSUM_BAD)
		pipeline_fact(p, pkt, ANOM_CHECKSUM, "udp", "bad checksum");
}

/* f is NULL for a request dissected without a flow (dissector.requests_flowless). */
static void pipeline_run(struct pipeline *p, struct nbt_pkt *pkt, const struct dissector *dis,
                         struct flow *f, struct cur *c)
{
	struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt, .flow = f, .dis = dis};
	if (dis->dissect(c, pkt, &ctx.base) != DIS_NOT_MINE)
		p->stats.dissected++;
}

static void pipeline_udp(struct pipeline *p, struct nbt_pkt *pkt, struct cur *c)
{
	struct cur payload;
	struct cur seg = *c;
	bool len_lies;
	enum decode_status st = decode_udp(c, pkt, &payload, &len_lies);
	if (st != DECODE_OK && len_lies)
		p->stats.udp++; /* the header was there; its length field is nonsense */
	if (st != DECODE_OK) {
		pipeline_anomaly(p, pkt, st, "udp", "bad header");
		return;
	}
	p->stats.udp++;
	if (len_lies)
		pipeline_anomaly(p, pkt, DECODE_INVALID, "udp", "length past the IP payload");
	const struct dissector *dis;
	struct flow *f = pipeline_flow(p, pkt, &payload, &dis);
	if (!dis)
		return;
	pkt->flow = f;
	pipeline_check(p, pkt, len_lies ? NULL : &seg);
	pipeline_run(p, pkt, dis, f, &payload);
}

struct record_arg {
	struct pipeline *p;
	struct nbt_pkt *pkt;
	struct flow *f;
};

static void pipeline_record(void *arg, struct cur *record)
{
	struct record_arg *ra = arg;
	pipeline_run(ra->p, ra->pkt, ra->f->dis, ra->f, record);
}

/* The same packet seen from the other side (for records the peer's ACK completes). */
static struct nbt_pkt pkt_reversed(const struct nbt_pkt *pkt)
{
	struct nbt_pkt r = *pkt;
	r.src_ip = pkt->dst_ip;
	r.dst_ip = pkt->src_ip;
	r.sport = pkt->dport;
	r.dport = pkt->sport;
	memcpy(r.src_mac, pkt->dst_mac, 6);
	memcpy(r.dst_mac, pkt->src_mac, 6);
	r.dir = (uint8_t)(pkt->dir ^ 1);
	/* Cooked captures carry only the sender's MAC: none is known for the peer. */
	static const uint8_t zero[6];
	r.has_mac = pkt->has_mac && memcmp(pkt->dst_mac, zero, 6) != 0;
	r.has_dst_mac = pkt->has_mac;
	return r;
}

/* The probe of an RPC-over-TCP flow looks past the 4-byte record mark. */
static struct cur tcp_probe_view(const struct cur *payload)
{
	struct cur v = *payload;
	int b0 = cur_peek(&v, 0);
	if (b0 >= 0 && (b0 & 0x80))
		cur_skip(&v, 4);
	return v;
}

static void pipeline_tcp(struct pipeline *p, struct nbt_pkt *pkt, struct cur *c)
{
	struct cur payload;
	struct tcp_hdr th;
	enum decode_status st = decode_tcp(c, pkt, &th, &payload);
	if (st != DECODE_OK && th.header_ok)
		p->stats.tcp++; /* counted as tshark does: the header is there */
	if (st != DECODE_OK) {
		pipeline_anomaly(p, pkt, st, "tcp", "bad header length");
		return;
	}
	p->stats.tcp++;
	struct cur view = tcp_probe_view(&payload);
	const struct dissector *dis;
	struct flow *f = pipeline_flow(p, pkt, &view, &dis);
	if (!f)
		return; /* nothing claims it, or a flowless request (UDP dissectors only) */
	pkt->flow = f;
	pipeline_check(p, pkt, NULL);
	if (!f->dis->tcp_records) {
		if (cur_wire_left(&payload))
			pipeline_run(p, pkt, dis, f, &payload);
		return;
	}
	/* What the TCP itself says of the server (nbt/tcpwatch.h), before the records. */
	enum tcpw_kind k =
	    tcpwatch_segment(f->tw, pkt->dir, &th, (uint32_t)cur_wire_left(&payload));
	if (k) {
		struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt, .flow = f};
		struct nbt_event ev = {.type = EV_TCP, .u.tcp.kind = (uint8_t)k};
		pipe_emit(&ctx.base, &ev);
	}
	/* The capture point sees data before the ACK that covers it: bytes the peer
	 * acknowledges that we never saw were lost by the capture, and the other
	 * direction's records can go on past the hole at once. */
	if ((th.flags & TCP_ACK) && f->tcp[!pkt->dir]) {
		struct nbt_pkt rev = pkt_reversed(pkt);
		struct record_arg rra = {p, &rev, f};
		tcpreasm_ack(f->tcp[!pkt->dir], th.ack, pipeline_record, &rra);
	}
	if (!f->tcp[pkt->dir])
		f->tcp[pkt->dir] = tcpreasm_new(&p->stats, &p->budget);
	struct record_arg ra = {p, pkt, f};
	tcpreasm_add(f->tcp[pkt->dir], th.seq, th.flags & TCP_SYN, payload, pipeline_record, &ra);
	/* RFC 9293 s3.6: no data follows a FIN in its direction, none at all after a RST. A record
	 * still open then never completes: its buffer goes back to the shared budget now rather
	 * than when the flow table evicts the flow (a retransmission starts a fresh stream). */
	if (th.flags & (TCP_FIN | TCP_RST)) {
		for (int d = 0; d < 2; d++)
			if (d == pkt->dir || (th.flags & TCP_RST)) {
				tcpreasm_free(f->tcp[d]);
				f->tcp[d] = NULL;
			}
	}
}

static void pipeline_icmp(struct pipeline *p, struct nbt_pkt *pkt, struct cur *c)
{
	p->stats.icmp++;
	struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt};
	icmp_dissect(c, pkt, &ctx.base);
}

static void pipeline_ipv4(struct pipeline *p, struct nbt_pkt *pkt, struct cur *c)
{
	struct ipv4_hdr ip;
	struct cur payload;
	p->stats.ipv4++; /* by ethertype, as tshark counts, whatever the header holds */
	struct cur hdr = *c;
	enum decode_status st = decode_ipv4(c, &ip, &payload);
	if (st != DECODE_OK) {
		pipeline_anomaly(p, pkt, st, "ipv4", "bad version or header length");
		return;
	}
	p->iph = cur_sub(&hdr, ip.ihl);
	p->iph_checkable = !ip.len_lies && cur_ok(&p->iph);
	p->ip_total_len = ip.total_len;
	if (ip.len_lies)
		pipeline_anomaly(p, pkt, DECODE_INVALID, "ipv4", "total length past the frame");
	pkt->src_ip = ip.src;
	pkt->dst_ip = ip.dst;
	pkt->ip_ttl = ip.ttl;
	pkt->l4proto = ip.proto;
	if (ip.more_frags || ip.frag_offset) {
		p->stats.ip_frags++;
		struct ipfrag_piece piece = {.src = ip.src,
		                             .dst = ip.dst,
		                             .id = ip.id,
		                             .proto = ip.proto,
		                             .offset = ip.frag_offset,
		                             .more = ip.more_frags,
		                             .ts = pkt->ts};
		struct cur whole;
		if (ipfrag_add(p->frags, &piece, payload, &whole) != NBT_DONE)
			return;
		payload = whole;
		pkt->reassembled = true;
	}
	switch (ip.proto) {
	case IPPROTO_UDP:
		pipeline_udp(p, pkt, &payload);
		break;
	case IPPROTO_TCP:
		pipeline_tcp(p, pkt, &payload);
		break;
	case IPPROTO_ICMP:
		pipeline_icmp(p, pkt, &payload);
		break;
	default:
		break;
	}
}

void pipeline_frame(struct pipeline *p, nbt_time ts, const uint8_t *data, uint32_t caplen,
                    uint32_t wirelen)
{
	ts = nbt_time_clamp(ts); /* callers other than capture.c (fuzzers, tests) may pass any */
	struct nbt_pkt pkt = {.frame = ++p->frame, .ts = ts, .caplen = caplen, .wirelen = wirelen};
	p->stats.frames++;
	p->stats.bytes += wirelen;
	if (ts < p->last_ts) {
		struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = &pkt};
		dis_anomaly(&ctx.base, ANOM_TIME_BACKWARDS, "capture",
		            "timestamp earlier than before");
	} else {
		p->last_ts = ts;
	}
	if (p->frame % FRAG_EXPIRE_EVERY == 0) /* this frame's own time: ipfrag weighs outliers */
		ipfrag_expire(p->frags, ts);
	struct cur c;
	cur_init(&c, data, caplen, wirelen);
	enum decode_status st = decode_link(p->dlt, &c, &pkt);
	if (st == DECODE_TRUNC || st == DECODE_INVALID) {
		pipeline_anomaly(p, &pkt, st, "link", "bad link header");
		return;
	}
	if (st == DECODE_SKIP) {
		p->stats.other_l3++;
		return;
	}
	switch (pkt.ethertype) {
	case ETHERTYPE_IPV4:
		pipeline_ipv4(p, &pkt, &c);
		break;
	case ETHERTYPE_ARP: {
		p->stats.arp++;
		struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = &pkt};
		arp_dissect(&c, &pkt, &ctx.base);
		break;
	}
	case ETHERTYPE_LLC_STP:
		if (!stp_dissect(&c, &pkt, &p->stats.stp))
			p->stats.other_l3++;
		break;
	case ETHERTYPE_IPV6:
		p->stats.ipv6++;
		if (decode_ipv6_boot(&c) && !p->stats.ipv6_boot++) {
			p->stats.ipv6_boot_frame = pkt.frame;
			p->stats.ipv6_boot_ts = pkt.ts;
		}
		break;
	default:
		p->stats.other_l3++;
		break;
	}
}

enum dis_status pipeline_dissect(struct pipeline *p, const struct dissector *dis,
                                 struct nbt_pkt *pkt, const uint8_t *payload, size_t len)
{
	pkt->ts = nbt_time_clamp(pkt->ts);
	pkt->frame = ++p->frame;
	struct flow *f = flow_lookup(p->flows, pkt);
	if (!f || f->dis != dis) {
		uint8_t seed[DIS_SEED_MAX];
		size_t seed_len = 0;
		const struct dissector *exp = flow_expect_take(p->flows, pkt, seed, &seed_len);
		f = flow_create(p->flows, pkt, dis, seed, exp == dis ? seed_len : 0);
	}
	pkt->flow = f;
	struct cur c;
	cur_init(&c, payload, len, len);
	struct pipe_ctx ctx = {.base.ops = &pipe_ops, .p = p, .pkt = pkt, .flow = f, .dis = dis};
	return dis->dissect(&c, pkt, &ctx.base);
}
