/* summary: the --json report ("netboot-trace/1"): capture, clients with verdict, stall, findings,
 * attempts, timeline, DHCP (RFC 2131/2132/4578), TFTP (RFC 1350/2347-2349), NFS root (RFC
 * 1833/1813/7530), anomalies and errors; built from the diagnosis engine only. */
#include <inttypes.h>
#include <string.h>

#include "nbt/report_json.h"
#include "nbt/fmt.h"

#define RJ_ADD(obj, key, val) json_object_object_add((obj), (key), (val))

static json_object *rj_u64(uint64_t v)
{
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static json_object *rj_ip(uint32_t ip)
{
	return json_object_new_string(fmt_ipv4(ip).s);
}

static json_object *rj_ip_or_null(uint32_t ip)
{
	return ip ? rj_ip(ip) : NULL;
}

static json_object *rj_time(nbt_time ts)
{
	char b[RJSON_TIME_MAX];
	rjson_time(b, ts);
	return json_object_new_string(b);
}

static json_object *rj_mac(const uint8_t m[6])
{
	return json_object_new_string(fmt_mac(m).s);
}

static json_object *rj_str_or_null(const char *s)
{
	return s && s[0] ? rjson_str(s) : NULL;
}

/* {"frame": N, "time": "..."} or null when not seen. */
static json_object *rj_mark(struct client_mark m)
{
	if (!m.frame)
		return NULL;
	json_object *o = json_object_new_object();
	RJ_ADD(o, "frame", rj_u64(m.frame));
	RJ_ADD(o, "time", rj_time(m.ts));
	return o;
}

static json_object *rj_span(const struct client_span *s)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "count", json_object_new_int64(s->count));
	RJ_ADD(o, "first", rj_mark(s->first));
	RJ_ADD(o, "last", rj_mark(s->last));
	return o;
}

static json_object *rj_finding(const struct diag_finding *f)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "code", json_object_new_string(diag_code_name(f->code)));
	RJ_ADD(o, "detail", f->detail ? json_object_new_string(f->detail) : NULL);
	RJ_ADD(o, "severity", json_object_new_string(diag_severity_name(f->sev)));
	RJ_ADD(o, "stage",
	       f->stage < CLIENT_ST__COUNT ? json_object_new_string(client_stage_name(f->stage))
	                                   : NULL);
	RJ_ADD(o, "summary", rjson_str(f->summary));
	RJ_ADD(o, "hint", rj_str_or_null(f->hint));
	json_object *fr = json_object_new_array();
	for (uint8_t i = 0; i < f->nevidence; i++)
		json_object_array_add(fr, rj_u64(f->evidence[i].frame));
	RJ_ADD(o, "frames", fr);
	return o;
}

/* Every finding but the primary one. */
static json_object *rj_findings(const struct diag_result *r)
{
	json_object *a = json_object_new_array();
	for (uint8_t i = 0; i < r->n; i++)
		if ((int)i != r->primary)
			json_object_array_add(a, rj_finding(&r->f[i]));
	return a;
}

static json_object *rj_dhcp(const struct client_dhcp *d)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "xid",
	       d->discover.count || d->request.count ? json_object_new_int64(d->xid) : NULL);
	RJ_ADD(o, "discover", rj_span(&d->discover));
	RJ_ADD(o, "offer", rj_span(&d->offer));
	RJ_ADD(o, "request", rj_span(&d->request));
	RJ_ADD(o, "ack", rj_span(&d->ack));
	RJ_ADD(o, "nak", rj_span(&d->nak));
	RJ_ADD(o, "first_usable_offer", rj_mark(d->first_usable_offer));
	RJ_ADD(o, "first_offer_without_pi_option43", rj_mark(d->first_bad_offer));
	RJ_ADD(o, "discovers_after_bad_offer", json_object_new_int64(d->discover_after_bad));
	RJ_ADD(o, "cut_by_snaplen", json_object_new_boolean(d->cut));
	json_object *sv = json_object_new_array();
	for (uint8_t i = 0; i < d->nservers && i < CLIENT_SERVERS_MAX; i++) {
		json_object *s = json_object_new_object();
		RJ_ADD(s, "server", rj_ip(d->servers[i]));
		RJ_ADD(s, "first_offer", rj_mark(d->server_first[i]));
		json_object_array_add(sv, s);
	}
	RJ_ADD(o, "servers", sv);
	json_object *of = json_object_new_object();
	RJ_ADD(of, "server", rj_ip_or_null(d->offer_server));
	RJ_ADD(of, "yiaddr", rj_ip_or_null(d->yiaddr));
	RJ_ADD(of, "siaddr", rj_ip_or_null(d->siaddr));
	RJ_ADD(of, "option66", d->has_opt66 ? rjson_str(d->opt66) : NULL);
	RJ_ADD(of, "option150", d->has_opt150 ? rj_ip(d->opt150_ip) : NULL);
	RJ_ADD(of, "bootfile", d->has_bootfile ? rjson_str(d->bootfile) : NULL);
	RJ_ADD(of, "root_path", rj_str_or_null(d->root_path));
	RJ_ADD(o, "offered", of);
	return o;
}

static json_object *rj_file(const struct client_file *f)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "name", rjson_str(f->name));
	RJ_ADD(o, "stage", json_object_new_string(client_stage_name(f->stage)));
	RJ_ADD(o, "status", json_object_new_string(client_file_state_name(f->state)));
	RJ_ADD(o, "server", rj_ip_or_null(f->server));
	RJ_ADD(o, "requests", json_object_new_int64(f->rrqs));
	RJ_ADD(o, "tsize", f->has_tsize ? rj_u64(f->tsize) : NULL);
	RJ_ADD(o, "bytes", rj_u64(f->bytes));
	RJ_ADD(o, "blocks", rj_u64(f->last_block));
	RJ_ADD(o, "blksize", f->blksize ? json_object_new_int64(f->blksize) : NULL);
	RJ_ADD(o, "retransmits", json_object_new_int64(f->retrans));
	RJ_ADD(o, "duplicate_acks", json_object_new_int64(f->dup_acks));
	RJ_ADD(o, "first_request", rj_mark(f->first_rrq));
	RJ_ADD(o, "done", rj_mark(f->done));
	json_object *e = NULL;
	if (f->error.frame) {
		e = json_object_new_object();
		RJ_ADD(e, "code", json_object_new_int64(f->err_code));
		RJ_ADD(e, "message", rjson_str(f->err_msg));
		RJ_ADD(e, "by_client", json_object_new_boolean(f->err_by_client));
		RJ_ADD(e, "frame", rj_u64(f->error.frame));
	}
	RJ_ADD(o, "error", e);
	return o;
}

static json_object *rj_nfs(const struct client_rpc *r)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "server", rj_ip_or_null(r->server));
	RJ_ADD(o, "version", r->nfs_vers ? json_object_new_int64(r->nfs_vers) : NULL);
	json_object *pm = json_object_new_object();
	RJ_ADD(pm, "calls", rj_span(&r->pmap_call));
	RJ_ADD(pm, "replies", rj_span(&r->pmap_reply));
	RJ_ADD(pm, "port_zero", rj_mark(r->pmap_zero));
	RJ_ADD(pm, "port_zero_program",
	       r->pmap_zero.frame ? json_object_new_int64(r->pmap_zero_prog) : NULL);
	RJ_ADD(o, "portmap", pm);
	json_object *mn = json_object_new_object();
	RJ_ADD(mn, "path", rj_str_or_null(r->mnt_path));
	RJ_ADD(mn, "calls", rj_span(&r->mnt_call));
	RJ_ADD(mn, "replies", rj_span(&r->mnt_reply));
	RJ_ADD(mn, "failed", rj_mark(r->mnt_fail));
	RJ_ADD(mn, "status", r->mnt_fail.frame ? json_object_new_int64(r->mnt_status) : NULL);
	RJ_ADD(o, "mount", mn);
	json_object *nf = json_object_new_object();
	RJ_ADD(nf, "calls", rj_span(&r->nfs_call));
	RJ_ADD(nf, "replies", rj_span(&r->nfs_reply));
	RJ_ADD(nf, "errors", json_object_new_int64(r->nfs_errors));
	RJ_ADD(nf, "root_in_use", rj_mark(r->root_in_use));
	json_object *fail = NULL;
	if (r->nfs_fail.frame) {
		fail = json_object_new_object();
		RJ_ADD(fail, "frame", rj_u64(r->nfs_fail.frame));
		RJ_ADD(fail, "status", json_object_new_int64(r->nfs_status));
		RJ_ADD(fail, "path", rj_str_or_null(r->nfs_path));
	}
	RJ_ADD(nf, "first_failure", fail);
	RJ_ADD(o, "nfs", nf);
	RJ_ADD(o, "unanswered_calls", json_object_new_int64(r->unanswered_count));
	RJ_ADD(o, "replies_cut_by_snaplen", json_object_new_int64(r->cut_replies));
	return o;
}

static json_object *rj_timeline(const struct client_attempt *a)
{
	json_object *tl = json_object_new_array();
	for (uint32_t i = 0; i < a->ntimeline; i++) {
		const struct client_entry *e = &a->timeline[i];
		json_object *o = json_object_new_object();
		RJ_ADD(o, "time", rj_time(e->ts));
		RJ_ADD(o, "frame", rj_u64(e->frame));
		RJ_ADD(o, "stage", json_object_new_string(client_stage_name(e->stage)));
		RJ_ADD(o, "event", rjson_str(e->text));
		json_object_array_add(tl, o);
	}
	return tl;
}

static json_object *rj_attempt(const struct client_attempt *a, const struct diag_result *r)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "number", json_object_new_int64(a->number));
	RJ_ADD(o, "first", rj_mark(a->first));
	RJ_ADD(o, "last", rj_mark(a->last));
	RJ_ADD(o, "verdict", json_object_new_string(diag_verdict_name(r->verdict)));
	RJ_ADD(o, "reached", json_object_new_string(client_stage_name(r->reached)));
	RJ_ADD(o, "primary", r->primary >= 0 ? rj_finding(&r->f[r->primary]) : NULL);
	RJ_ADD(o, "capture_began_mid_boot", json_object_new_boolean(a->mid_boot));
	json_object *st = json_object_new_array();
	for (int s = 0; s < CLIENT_ST__COUNT; s++) {
		if (!a->stage[s].count)
			continue;
		json_object *so = rj_span(&a->stage[s]);
		RJ_ADD(so, "stage",
		       json_object_new_string(client_stage_name((enum client_stage)s)));
		json_object_array_add(st, so);
	}
	RJ_ADD(o, "stages", st);
	RJ_ADD(o, "dhcp_firmware", rj_dhcp(&a->fw));
	RJ_ADD(o, "dhcp_kernel", rj_dhcp(&a->kernel));
	json_object *files = json_object_new_array();
	for (uint32_t i = 0; i < a->nfiles && i < CLIENT_FILES_MAX; i++)
		json_object_array_add(files, rj_file(&a->files[i]));
	RJ_ADD(o, "tftp_files", files);
	RJ_ADD(o, "tftp_files_not_kept", json_object_new_int64(a->files_dropped));
	RJ_ADD(o, "nfs", rj_nfs(&a->rpc));
	RJ_ADD(o, "timeline", rj_timeline(a));
	RJ_ADD(o, "timeline_not_kept", json_object_new_int64(a->timeline_dropped));
	return o;
}

/* Every address the client was seen with: its current one and each attempt's leases. */
static json_object *rj_ips(const struct client *c)
{
	uint32_t ips[2 * CLIENT_ATTEMPTS_MAX + 1];
	size_t n = 0;
	if (c->ip)
		ips[n++] = c->ip;
	for (uint32_t i = 0; i < c->nattempts; i++) {
		uint32_t cand[2] = {c->attempts[i]->fw.yiaddr, c->attempts[i]->kernel.yiaddr};
		for (int k = 0; k < 2; k++) {
			bool dup = !cand[k];
			for (size_t j = 0; j < n && !dup; j++)
				dup = ips[j] == cand[k];
			if (!dup)
				ips[n++] = cand[k];
		}
	}
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, rj_ip(ips[i]));
	return a;
}

static void rj_identity(json_object *o, const struct client *c)
{
	char b[16];
	RJ_ADD(o, "mac", c->has_mac ? rj_mac(c->mac) : NULL);
	RJ_ADD(o, "ip", rj_ip_or_null(c->ip));
	RJ_ADD(o, "ips", rj_ips(c));
	RJ_ADD(o, "name", rj_str_or_null(c->name));
	RJ_ADD(o, "model", json_object_new_string(client_model_name(c->model)));
	snprintf(b, sizeof(b), "0x%06x", c->board_rev);
	RJ_ADD(o, "board_revision", c->board_rev ? json_object_new_string(b) : NULL);
	snprintf(b, sizeof(b), "%08x", c->serial);
	RJ_ADD(o, "serial", c->has_serial ? json_object_new_string(b) : NULL);
	RJ_ADD(o, "serial_source",
	       c->has_serial
	           ? json_object_new_string(c->serial_from_folder ? "tftp-folder" : "option-97")
	           : NULL);
	json_object *p = json_object_new_object();
	RJ_ADD(p, "mode", json_object_new_string(client_prefix_name(c->prefix)));
	RJ_ADD(p, "prefix", rj_str_or_null(c->prefix_str));
	RJ_ADD(o, "tftp_prefix", p);
}

/* The stage an in-progress client waits in with nothing wrong yet, since when, and how long. */
static json_object *rj_waiting(const struct diag_result *r)
{
	json_object *o = json_object_new_object();
	nbt_time waited = diag_waited(r);
	RJ_ADD(o, "stage", json_object_new_string(client_stage_name(r->wait_stage)));
	RJ_ADD(o, "since", rj_time(r->wait_since));
	char b[32]; /* milliseconds, written as such: json-c would print a double to 17 digits */
	snprintf(b, sizeof b, "%" PRId64 ".%03" PRId64, (int64_t)(waited / NBT_NS_PER_SEC),
	         (int64_t)((waited % NBT_NS_PER_SEC) / NBT_NS_PER_MS));
	RJ_ADD(o, "seconds", json_object_new_double_s((double)waited / 1e9, b));
	return o;
}

static json_object *rj_client(const struct outcome_view *v, const struct client *c)
{
	struct outcome_client oc;
	outcome_judge(v, c, &oc);
	const struct diag_result *r = &oc.r;
	const struct diag_finding *p = r->primary >= 0 ? &r->f[r->primary] : NULL;
	json_object *o = json_object_new_object();
	rj_identity(o, c);
	RJ_ADD(o, "verdict", json_object_new_string(diag_verdict_name(r->verdict)));
	RJ_ADD(o, "expected_stage_reached", json_object_new_boolean(oc.met));
	RJ_ADD(o, "current_stage",
	       oc.last ? json_object_new_string(client_stage_name(r->reached)) : NULL);
	RJ_ADD(o, "state", json_object_new_string(diag_state_name(diag_state_of(r))));
	RJ_ADD(o, "stall", p && r->verdict == DIAG_STALLED ? rj_finding(p) : NULL);
	/* in-progress: the stall the evidence points at (not proven yet), or the stage waited in;
	 * either way when silence makes it a stall. Unknown: why it is not known. */
	RJ_ADD(o, "suspect", p && r->verdict == DIAG_IN_PROGRESS ? rj_finding(p) : NULL);
	RJ_ADD(o, "waiting", r->verdict == DIAG_IN_PROGRESS && !p ? rj_waiting(r) : NULL);
	RJ_ADD(o, "deadline",
	       r->verdict == DIAG_IN_PROGRESS && r->deadline > r->wait_since && (p || r->waiting)
	           ? rj_time(r->deadline)
	           : NULL);
	RJ_ADD(o, "cause_unknown", p && r->verdict == DIAG_UNKNOWN ? rj_finding(p) : NULL);
	RJ_ADD(o, "findings", rj_findings(r));
	RJ_ADD(o, "attempts_total", json_object_new_int64(c->nattempts + c->attempts_dropped));
	RJ_ADD(o, "attempts_not_kept", json_object_new_int64(c->attempts_dropped));
	json_object *at = json_object_new_array();
	for (uint32_t i = 0; i < c->nattempts; i++) {
		struct diag_result ar;
		outcome_judge_attempt(v, c, c->attempts[i], &ar);
		json_object_array_add(at, rj_attempt(c->attempts[i], &ar));
	}
	RJ_ADD(o, "attempts", at);
	return o;
}

static json_object *rj_capture(const struct client_capture *cap, const struct rjson_run *run)
{
	json_object *o = json_object_new_object();
	RJ_ADD(o, "source", rjson_str(run->source ? run->source : ""));
	RJ_ADD(o, "live", json_object_new_boolean(run->live));
	RJ_ADD(o, "link_type", run->link_type ? json_object_new_string(run->link_type) : NULL);
	RJ_ADD(o, "packets", rj_u64(run->stats ? run->stats->frames : 0));
	RJ_ADD(o, "bytes", rj_u64(run->stats ? run->stats->bytes : 0));
	RJ_ADD(o, "first", rj_mark(cap->first));
	RJ_ADD(o, "last", rj_mark(cap->last));
	RJ_ADD(o, "dropped", cap->has_drops ? rj_u64(cap->dropped) : NULL);
	RJ_ADD(o, "clients_not_kept", rj_u64(cap->machines_dropped));
	RJ_ADD(o, "client_events_not_kept", rj_u64(cap->clients_dropped));
	if (run->stopped) /* only then: the report covers the frames read before the signal */
		RJ_ADD(o, "stopped", json_object_new_string("signal"));
	return o;
}

static json_object *rj_anomalies(const struct rjson_run *run)
{
	json_object *o = json_object_new_object();
	for (int a = 0; a < ANOM__COUNT; a++)
		RJ_ADD(o, anomaly_name((enum nbt_anomaly)a),
		       rj_u64(run->stats ? run->stats->anomalies[a] : 0));
	return o;
}

void rjson_report(FILE *out, const struct outcome_view *v, const struct rjson_run *run)
{
	const struct client_capture *cap = v->cap;
	const struct outcome_opts *oo = v->o;
	json_object *root = json_object_new_object();
	RJ_ADD(root, "schema", json_object_new_string(RJSON_SCHEMA));
	RJ_ADD(root, "capture", rj_capture(cap, run));
	json_object *sel = json_object_new_object();
	RJ_ADD(sel, "expect", json_object_new_string(outcome_expect_name(oo->expect)));
	RJ_ADD(sel, "expect_clients", json_object_new_int64(oo->expect_clients));
	RJ_ADD(sel, "client", oo->client ? rjson_str(oo->client) : NULL);
	RJ_ADD(root, "selection", sel);
	RJ_ADD(root, "exit_code", json_object_new_int(run->exit_code));
	/* Clients are written one by one: a capture of thousands stays within a client's memory. */
	struct rjson_stream js;
	rjson_stream_open(&js, out, root, "clients");
	const struct client *c;
	for (size_t i = 0; (c = outcome_view_next(v, &i));)
		rjson_stream_item(&js, rj_client(v, c));
	json_object *tail = json_object_new_object();
	struct diag_result r;
	diag_capture(cap, &r);
	json_object *cf = json_object_new_array();
	for (uint8_t i = 0; i < r.n; i++)
		json_object_array_add(cf, rj_finding(&r.f[i]));
	RJ_ADD(tail, "capture_findings", cf);
	RJ_ADD(tail, "anomalies", rj_anomalies(run));
	json_object *errs = json_object_new_array();
	if (run->error_kind) {
		json_object *e = json_object_new_object();
		RJ_ADD(e, "kind", json_object_new_string(run->error_kind));
		RJ_ADD(e, "message", rjson_str(run->error_msg ? run->error_msg : ""));
		json_object_array_add(errs, e);
	}
	RJ_ADD(tail, "errors", errs);
	rjson_stream_close(&js, tail);
}
