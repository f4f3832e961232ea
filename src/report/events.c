/* summary: --events NDJSON stream (one RFC 8259 object per line, RFC 3339 timestamps): the
 * engine's timeline entries and each client's state changes as they happen, then the verdicts. */
#include "nbt/events_out.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/fmt.h"
#include "nbt/report_json.h"
#include "nbt/xalloc.h"

#define EV_ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static json_object *events_mac(const struct client *c)
{
	if (!c || !c->has_mac)
		return NULL;
	return json_object_new_string(fmt_mac(c->mac).s);
}

static json_object *events_ip(uint32_t ip)
{
	return json_object_new_string(fmt_ipv4(ip).s);
}

/* The common head of every line: timestamp, event_type, client, its --hosts name, frame. */
static json_object *events_head(nbt_time ts, const char *type, const struct client *c,
                                uint64_t frame)
{
	char t[RJSON_TIME_MAX];
	rjson_time(t, ts);
	json_object *o = json_object_new_object();
	EV_ADD(o, "timestamp", json_object_new_string(t));
	EV_ADD(o, "event_type", json_object_new_string(type));
	EV_ADD(o, "client", events_mac(c));
	EV_ADD(o, "name", c && c->name[0] ? rjson_str(c->name) : NULL);
	EV_ADD(o, "frame", json_object_new_int64(frame > INT64_MAX ? INT64_MAX : (int64_t)frame));
	return o;
}

static void events_emit(FILE *out, json_object *o)
{
	rjson_write(out, o, false);
	fflush(out);
	json_object_put(o);
}

static const char *events_rpc_type(const struct ev_rpc *r)
{
	switch (r->kind) {
	case RPC_KIND_PORTMAP:
		return r->is_reply ? "portmap-reply" : "portmap-call";
	case RPC_KIND_MOUNT:
		return r->is_reply ? "mount-reply" : "mount-call";
	case RPC_KIND_NFS3:
	case RPC_KIND_NFS4:
		return r->is_reply ? "nfs-reply" : "nfs-call";
	case RPC_KIND_NONE:
		break;
	}
	return r->is_reply ? "rpc-reply" : "rpc-call";
}

static const char *events_tftp_type(const struct ev_tftp *p)
{
	switch (p->opcode) {
	case TFTP_OP_RRQ:
		return "tftp-request";
	case TFTP_OP_WRQ:
		return "tftp-write-request";
	case TFTP_OP_DATA:
		return p->finished ? "tftp-complete" : "tftp-data";
	case TFTP_OP_ACK:
		return "tftp-ack";
	case TFTP_OP_OACK:
		return "tftp-oack";
	case TFTP_OP_ERROR:
		return p->early_terminate ? "tftp-probe-end" : "tftp-error";
	default:
		return "tftp-other";
	}
}

const char *events_type(const struct nbt_event *ev, char buf[32])
{
	switch (ev->type) {
	case EV_DHCP:
		snprintf(buf, 32, "dhcp-%s", dhcp_type_name(ev->u.dhcp.msg_type));
		return buf;
	case EV_TFTP:
		return events_tftp_type(&ev->u.tftp);
	case EV_ARP:
		return ev->u.arp.op == ARP_OP_REQUEST ? "arp-request"
		       : ev->u.arp.op == ARP_OP_REPLY ? "arp-reply"
		                                      : "arp-other";
	case EV_ICMP:
		return "icmp-unreachable";
	case EV_RPC:
		return events_rpc_type(&ev->u.rpc);
	case EV_ANOMALY:
		return "anomaly";
	case EV_TCP:
		return ev->u.tcp.kind == TCPW_RST   ? "tcp-reset"
		       : ev->u.tcp.kind == TCPW_SYN ? "tcp-syn-again"
		                                    : "tcp-retransmit";
	default:
		return "other";
	}
}

/* ---- state lines: a client's verdict as it changes ---- */

static uint32_t events_sig(const struct client_attempt *a, const struct diag_result *r)
{
	uint32_t code = r->primary >= 0 ? (uint32_t)r->f[r->primary].code + 1 : 0;
	return (uint32_t)diag_state_of(r) | code << 3 | (a ? a->number : 0) << 11;
}

static struct events_seen *events_slot(struct events_out *eo, const struct client *c)
{
	if (2 * (eo->nseen + 1) > eo->cap) {
		struct events_seen *old = eo->seen;
		size_t ocap = eo->cap;
		eo->cap = ocap ? 2 * ocap : 64;
		eo->seen = xcalloc(eo->cap, sizeof(*eo->seen));
		eo->nseen = 0;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].c) {
				struct events_seen *s = events_slot(eo, old[i].c);
				s->sig = old[i].sig;
			}
		free(old);
	}
	size_t mask = eo->cap - 1, i = ((uintptr_t)c >> 4) * 0x9e3779b97f4a7c15ull >> 7 & mask;
	while (eo->seen[i].c && eo->seen[i].c != c)
		i = (i + 1) & mask;
	if (!eo->seen[i].c) {
		eo->seen[i].c = c;
		eo->nseen++;
	}
	return &eo->seen[i];
}

/* Judges c at `now` and writes a "state" line if its state, code or attempt changed. */
static void events_state(struct events_out *eo, const struct client *c, nbt_time now,
                         uint64_t frame)
{
	const struct client_attempt *a = client_last_attempt(c);
	if (!a)
		return;
	struct diag_result r;
	diag_client(c, client_table_capture(eo->t), eo->diag, now, &r);
	struct events_seen *s = events_slot(eo, c);
	uint32_t sig = events_sig(a, &r);
	if (s->sig == sig)
		return;
	s->sig = sig;
	const struct diag_finding *p = r.primary >= 0 ? &r.f[r.primary] : NULL;
	json_object *o = events_head(now, "state", c, frame);
	EV_ADD(o, "attempt", json_object_new_int64(a->number));
	EV_ADD(o, "state", json_object_new_string(diag_state_name(diag_state_of(&r))));
	EV_ADD(o, "verdict", json_object_new_string(diag_verdict_name(r.verdict)));
	EV_ADD(o, "stage",
	       json_object_new_string(client_stage_name(r.waiting && !p ? r.wait_stage
	                                                : p             ? p->stage
	                                                                : r.reached)));
	EV_ADD(o, "code", p ? json_object_new_string(diag_code_name(p->code)) : NULL);
	EV_ADD(o, "text", p ? rjson_str(p->summary) : NULL);
	events_emit(eo->out, o);
}

void events_watch(struct events_out *eo, struct client_table *t, const struct diag_opts *d)
{
	eo->t = t;
	eo->diag = d;
}

void events_tick(struct events_out *eo, nbt_time now)
{
	if (!eo->out || !eo->t)
		return;
	const struct client *c;
	const struct client_capture *cap = client_table_capture(eo->t);
	for (size_t i = 0; (c = outcome_next(eo->t, eo->client, &i));)
		events_state(eo, c, now, cap->last.frame);
}

void events_free(struct events_out *eo)
{
	free(eo->seen);
	eo->seen = NULL;
	eo->nseen = eo->cap = 0;
}

void events_on_log(void *arg, const struct client *c, const struct client_attempt *a,
                   const struct client_entry *e, const struct nbt_event *ev)
{
	struct events_out *eo = arg;
	char b[32];
	if (c && !outcome_selected(c, eo->client))
		return;
	json_object *o = events_head(e->ts, events_type(ev, b), c, e->frame);
	EV_ADD(o, "attempt", json_object_new_int64(a->number));
	EV_ADD(o, "stage", json_object_new_string(client_stage_name(e->stage)));
	EV_ADD(o, "src_ip", ev->src_ip ? events_ip(ev->src_ip) : NULL);
	EV_ADD(o, "dst_ip", ev->dst_ip ? events_ip(ev->dst_ip) : NULL);
	if (ev->type == EV_TFTP)
		EV_ADD(o, "file", rjson_str(ev->u.tftp.file));
	if (ev->type == EV_DHCP)
		EV_ADD(o, "xid", json_object_new_int64(ev->u.dhcp.xid));
	EV_ADD(o, "text", rjson_str(e->text));
	events_emit(eo->out, o);
	if (c && eo->t)
		events_state(eo, c, e->ts, e->frame);
}

void events_finish(struct events_out *eo, const struct outcome_view *v, const char *error_kind,
                   const char *error_msg)
{
	const struct client_capture *cap = v->cap;
	const struct client *c;
	events_tick(eo, v->now); /* the state lines end where the verdicts are taken */
	for (size_t i = 0; (c = outcome_view_next(v, &i));) {
		struct outcome_client oc;
		outcome_judge(v, c, &oc);
		const struct diag_finding *p = oc.r.primary >= 0 ? &oc.r.f[oc.r.primary] : NULL;
		json_object *o = events_head(cap->last.ts, "verdict", c, cap->last.frame);
		EV_ADD(o, "verdict", json_object_new_string(diag_verdict_name(oc.r.verdict)));
		EV_ADD(o, "state", json_object_new_string(diag_state_name(diag_state_of(&oc.r))));
		EV_ADD(o, "stage",
		       oc.last ? json_object_new_string(client_stage_name(oc.r.reached)) : NULL);
		EV_ADD(o, "code", p ? json_object_new_string(diag_code_name(p->code)) : NULL);
		EV_ADD(o, "text", p ? rjson_str(p->summary) : NULL);
		EV_ADD(o, "expected_stage_reached", json_object_new_boolean(oc.met));
		events_emit(eo->out, o);
	}
	if (error_kind) {
		json_object *o = events_head(cap->last.ts, "error", NULL, cap->last.frame);
		EV_ADD(o, "kind", json_object_new_string(error_kind));
		EV_ADD(o, "text", rjson_str(error_msg ? error_msg : ""));
		events_emit(eo->out, o);
	}
}
