/* summary: boot diagnosis core: runs the stage rules over an attempt in boot order, keeps the
 * findings (evidence, default hints from the registry) and the verdict; the rules themselves
 * are in diag_dhcp.c, diag_tftp.c, diag_kernel.c, diag_nfs.c, diag_notes.c, diag_cannot_tell.c
 * and diag_capture.c (PI-NETBOOT.md s5-6). */
#include "nbt/diagnose.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag_priv.h"
#include "nbt/fmt.h"
#include "nbt/names.h"

/* ---- findings ---- */

struct diag_finding *diag_add(struct diag_ctx *x, enum diag_code code, enum diag_severity sev,
                              enum client_stage st)
{
	struct diag_result *r = x->r;
	if (r->n >= DIAG_FINDINGS_MAX)
		return NULL;
	struct diag_finding *f = &r->f[r->n++];
	/* Its head and empty texts: a result is built per judged client, and its texts are most
	 * of its size. */
	memset(f, 0, offsetof(struct diag_finding, summary));
	f->summary[0] = f->hint[0] = '\0';
	f->nevidence = 0;
	f->code = code;
	f->sev = sev;
	f->stage = st;
	return f;
}

void diag_text(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, size, fmt, ap);
	va_end(ap);
}

void diag_write(struct diag_finding *f, enum diag_field which, const char *fmt, ...)
{
	if (!f)
		return;
	bool hint = which == DIAG_FIELD_HINT;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(hint ? f->hint : f->summary, hint ? sizeof(f->hint) : sizeof(f->summary), fmt,
	          ap);
	va_end(ap);
}

void diag_evidence(struct diag_finding *f, struct client_mark m)
{
	if (!f || !m.frame || f->nevidence >= DIAG_EVIDENCE_MAX)
		return;
	for (uint8_t i = 0; i < f->nevidence; i++)
		if (f->evidence[i].frame == m.frame)
			return;
	f->evidence[f->nevidence++] = m;
}

struct diag_finding *diag_stall(struct diag_ctx *x, enum diag_code code, enum client_stage st,
                                nbt_time since, nbt_time timeout, enum diag_proof proof)
{
	struct diag_result *r = x->r;
	r->deadline = since + timeout;
	bool stalled = proof == DIAG_PROVEN || x->now >= r->deadline;
	if (!stalled && proof == DIAG_WAITING) {
		r->verdict = DIAG_IN_PROGRESS;
		r->waiting = true;
		r->wait_stage = st;
		r->wait_since = since;
		r->wait_code = code;
		return NULL;
	}
	struct diag_finding *f = diag_add(x, code, stalled ? DIAG_SEV_STALL : DIAG_SEV_SUSPECT, st);
	if (!f)
		return NULL;
	r->primary = (int)(f - r->f);
	r->verdict = stalled ? DIAG_STALLED : DIAG_IN_PROGRESS;
	return f;
}

enum diag_proof diag_proof_of_sends(const struct diag_ctx *x, uint32_t sends, nbt_time first,
                                    nbt_time answer)
{
	nbt_time waited = x->now - first;
	if (sends >= DIAG_SENDS_PROOF && waited >= 2 * answer)
		return DIAG_PROVEN;
	if (sends >= DIAG_SENDS_SUSPECT && waited >= answer)
		return DIAG_SUSPECT;
	return DIAG_WAITING;
}

void diag_default_hint(struct diag_finding *f)
{
	const char *hint = f ? diag_hint_for(f->code) : NULL;
	if (hint && !f->hint[0])
		diag_hint(f, "%s", hint);
}

const struct diag_finding *diag_find(const struct diag_result *r, enum diag_code code)
{
	for (uint8_t i = 0; i < r->n; i++)
		if (r->f[i].code == code)
			return &r->f[i];
	return NULL;
}

bool diag_primary_is(const struct diag_result *r, enum diag_code code)
{
	return r->primary >= 0 && r->f[r->primary].code == code;
}

/* ---- facts ---- */

static void diag_facts(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	x->pi = client_model_is_pi(x->c->model);
	x->pxe = !x->pi;
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct client_file *f = &a->files[i];
		x->has_rrq |= f->rrqs > 0;
		x->distinct_rrq += f->rrqs > 0;
		if (f->state == CLIENT_FILE_DONE) {
			x->any_served = true;
			x->kernel_served |= f->stage == CLIENT_ST_TFTP_KERNEL;
			if (!x->last_done || f->done.frame > x->last_done->done.frame)
				x->last_done = f;
		}
		if (!x->last || f->order > x->last->order)
			x->last = f;
	}
	x->kdhcp = a->kernel.discover.count || a->kernel.request.count || a->kernel.ack.count;
	x->rpc_any = a->rpc.pmap_call.count || a->rpc.mnt_call.count || a->rpc.nfs_call.count ||
	             a->rpc.nfs_reply.count || a->rpc.other.count;
	/* The Pi 3 ROM sends no REQUEST: a usable OFFER completes its DHCP (PI-NETBOOT.md s1). */
	x->fw_done = a->fw.ack.count || x->has_rrq || x->kdhcp || x->rpc_any ||
	             (a->fw.first_usable_offer.frame && x->c->model == CLIENT_MODEL_PI3);
	const struct client_dhcp *d = &a->fw;
	x->tftp_server = d->opt66_is_ip ? d->opt66_ip : d->has_opt150 ? d->opt150_ip : d->siaddr;
}

/* ---- shared by the stage rules ---- */

const char *diag_who(const struct diag_ctx *x, enum client_stage st)
{
	if (st == CLIENT_ST_KERNEL_DHCP)
		return "the kernel";
	return x->pi ? "the Pi" : "the client";
}

int diag_arp(const struct client_attempt *a, uint32_t ip)
{
	for (int i = 0; i < a->narp; i++)
		if (a->arp_target[i] == ip)
			return i;
	return -1;
}

int diag_arp_after(const struct client_attempt *a, uint64_t frame)
{
	for (int i = 0; i < a->narp; i++)
		if (a->arp_first[i].frame > frame)
			return i;
	return -1;
}

bool diag_wrong_mac(struct diag_ctx *x, enum client_stage st, uint32_t server,
                    struct client_mark after)
{
	const struct client_attempt *a = x->a;
	if (!a->badmac_count || a->badmac_first.frame <= after.frame ||
	    (server && a->badmac_ip != server))
		return false;
	/* No host takes a frame to a MAC that is not its own: sent is proof enough. */
	struct diag_finding *f =
	    diag_stall(x, DIAG_CODE_CLIENT_ARP_FAILED, st, a->badmac_first.ts, 0, DIAG_PROVEN);
	if (!f)
		return true;
	int i = diag_arp(a, a->badmac_ip);
	bool answered = i >= 0 && a->arp_answer[i].frame;
	char why[DIAG_TEXT_MAX];
	if (answered)
		diag_text(why, sizeof(why),
		          "although %s's ARP reply said %s: the client did not take the reply",
		          fmt_ipv4(a->badmac_ip).s, fmt_mac(a->arp_mac[i]).s);
	else if (i >= 0)
		diag_text(why, sizeof(why), "after %u ARP requests for it that got no reply",
		          a->arp_count[i]);
	else
		diag_text(why, sizeof(why), "with no ARP request for it in the capture");
	diag_summary(f,
	             "%s sent %u frames for %s to MAC %s, which no host has, %s; the server never "
	             "receives them, so its silence is not the server's fault",
	             diag_who(x, st), a->badmac_count, fmt_ipv4(a->badmac_ip).s,
	             fmt_mac(a->badmac).s, why);
	if (answered)
		diag_hint(f, "the client's ARP failed although the server answered: update the "
		             "bootloader (Pi 4/5: rpi-eeprom-update; Pi 3: a newer bootcode.bin on "
		             "an SD card) and check for a switch or bridge that mangles ARP");
	if (i >= 0)
		diag_evidence(f, a->arp_first[i]);
	if (answered)
		diag_evidence(f, a->arp_answer[i]);
	diag_evidence(f, a->badmac_first);
	if (a->badmac_last.frame != a->badmac_first.frame)
		diag_evidence(f, a->badmac_last);
	return true;
}

bool diag_unreachable(struct diag_ctx *x, enum client_stage st, uint32_t server,
                      enum diag_code code, struct client_mark after)
{
	const struct client_attempt *a = x->a;
	struct diag_finding *f;
	if (diag_wrong_mac(x, st, server, after))
		return true;
	if (a->icmp.frame && a->icmp.frame > after.frame) {
		f = diag_stall(x, code, st, a->icmp.ts, 0, DIAG_PROVEN);
		if (f) {
			diag_summary(f,
			             "%s answered with ICMP unreachable (code %u) for port %u: "
			             "nothing listens there or a firewall rejects it",
			             fmt_ipv4(a->icmp_from).s, a->icmp_code, a->icmp_port);
			diag_evidence(f, a->icmp);
		}
		return true;
	}
	int i = server ? diag_arp(a, server) : -1;
	if (i >= 0 && !a->arp_answer[i].frame && a->arp_first[i].frame > after.frame) {
		/* Its own ARP requests, repeated and unanswered, are the proof. */
		f = diag_stall(
		    x, code, st, a->arp_first[i].ts, x->o->t.tftp_file,
		    diag_proof_of_sends(x, a->arp_count[i], a->arp_first[i].ts, DIAG_ANSWER_FAST));
		if (f) {
			diag_summary(f,
			             "%s asked %u times by ARP who has %s and nobody answered: "
			             "the server is not on this segment or is down",
			             diag_who(x, st), a->arp_count[i], fmt_ipv4(server).s);
			diag_evidence(f, a->arp_first[i]);
		}
		return true;
	}
	return false;
}

/* ---- the rules, in the order they run ---- */

struct diag_rule {
	const char *name;
	bool (*apply)(struct diag_ctx *x); /* true: the verdict is decided */
};

/* In boot order: the first rule that decides names the verdict. */
static const struct diag_rule diag_stall_rules[] = {
    {"firmware-dhcp", diag_rule_fw_dhcp}, {"bootcode-dhcp", diag_rule_bootcode_dhcp},
    {"tftp-start", diag_rule_tftp_start}, {"tftp-files", diag_rule_tftp_files},
    {"kernel", diag_rule_kernel},         {"nfs", diag_rule_nfs},
};

/* After the verdict: what does not stop a boot, and what the capture itself shows. */
static void (*const diag_note_rules[])(struct diag_ctx *) = {
    diag_note_mid_boot,    diag_note_filter,   diag_note_unicast_blind,
    diag_note_root_folder, diag_note_optional, diag_note_dhcp,
    diag_note_tftp,        diag_note_nfs,      diag_note_spanning_tree,
};

/* ---- public ---- */

void diag_defaults(struct diag_opts *o)
{
	o->t.dhcp = DIAG_SEC(45);
	o->t.dhcp_request = DIAG_SEC(4);
	o->t.tftp_file = DIAG_SEC(30);
	o->t.kernel_dhcp = DIAG_SEC(60);
	o->t.nfs = DIAG_SEC(30);
}

bool diag_set_timeouts(struct diag_opts *o, const char *spec, char err[DIAG_ERR_MAX])
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
	    {"dhcp", offsetof(struct diag_timeouts, dhcp)},
	    {"dhcp-request", offsetof(struct diag_timeouts, dhcp_request)},
	    {"tftp-file", offsetof(struct diag_timeouts, tftp_file)},
	    {"kernel-dhcp", offsetof(struct diag_timeouts, kernel_dhcp)},
	    {"nfs", offsetof(struct diag_timeouts, nfs)},
	};
	const char *p = spec;
	while (*p) {
		size_t n = strcspn(p, "=,");
		size_t i = 0;
		while (i < sizeof(names) / sizeof(names[0]) &&
		       !(strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0))
			i++;
		if (i == sizeof(names) / sizeof(names[0]) || p[n] != '=') {
			diag_text(err, DIAG_ERR_MAX,
			          "unknown timeout '%.*s' (dhcp, dhcp-request, "
			          "tftp-file, kernel-dhcp, nfs)",
			          (int)(n < 32 ? n : 32), p);
			return false;
		}
		char *end;
		double s = strtod(p + n + 1, &end);
		if (end == p + n + 1 || s < 0 || s > 86400 || (*end && *end != ',')) {
			diag_text(err, DIAG_ERR_MAX, "timeout %s needs seconds (0-86400)",
			          names[i].name);
			return false;
		}
		nbt_time v = (nbt_time)(s * 1e9);
		memcpy((char *)&o->t + names[i].off, &v, sizeof(v));
		p = *end ? end + 1 : end;
	}
	return true;
}

void diag_attempt(const struct client *c, const struct client_attempt *a,
                  const struct client_capture *cap, const struct diag_opts *o, nbt_time now,
                  struct diag_result *r)
{
	struct diag_ctx x = {.c = c, .a = a, .cap = cap, .o = o, .now = now, .r = r};
	memset(r, 0, offsetof(struct diag_result, f)); /* f[] is filled by diag_add() */
	r->n = 0;
	r->primary = -1;
	r->verdict = DIAG_IN_PROGRESS;
	r->at = now;
	for (int st = CLIENT_ST__COUNT - 1; st >= 0; st--)
		if (a->stage[st].count) {
			r->reached = (enum client_stage)st;
			break;
		}
	diag_facts(&x);
	for (size_t i = 0; i < sizeof(diag_stall_rules) / sizeof(diag_stall_rules[0]); i++)
		if (diag_stall_rules[i].apply(&x))
			break;
	if (r->primary >= 0) {
		diag_default_hint(&r->f[r->primary]);
		diag_blind(&x);
	} else if (r->verdict == DIAG_IN_PROGRESS && !r->waiting) {
		/* No rule spoke (a stage just begun): waiting where the traffic is. */
		r->waiting = true;
		r->wait_stage = r->reached;
		r->wait_since = a->last.ts;
	}
	for (size_t i = 0; i < sizeof(diag_note_rules) / sizeof(diag_note_rules[0]); i++)
		diag_note_rules[i](&x);
}

/* The code an in-progress attempt is held up by, and since when: its suspect, or the stall its
 * wait would become. */
static bool diag_held_by(const struct diag_result *r, enum diag_code *code, enum client_stage *st,
                         nbt_time *since)
{
	if (r->verdict != DIAG_IN_PROGRESS)
		return false;
	if (r->primary >= 0) {
		*code = r->f[r->primary].code;
		*st = r->f[r->primary].stage;
		*since = 0; /* a suspect has already waited a healthy server's answer time */
		return true;
	}
	if (!r->waiting || r->deadline <= r->wait_since)
		return false; /* waiting where no rule spoke: nothing to compare */
	*code = r->wait_code;
	*st = r->wait_stage;
	*since = r->wait_since;
	return true;
}

void diag_client(const struct client *c, const struct client_capture *cap,
                 const struct diag_opts *o, nbt_time now, struct diag_result *r)
{
	const struct client_attempt *a = client_last_attempt(c);
	diag_attempt(c, a, cap, o, now, r);
	enum diag_code code;
	enum client_stage st;
	nbt_time since;
	if (c->nattempts < 2 || !diag_held_by(r, &code, &st, &since))
		return;
	/* The attempts before this one that stalled the same way, the latest first. */
	struct diag_result pr, latest;
	uint32_t same = 0;
	for (uint32_t i = c->nattempts - 1; i-- > 0;) {
		diag_attempt(c, c->attempts[i], cap, o, now, &pr);
		if (pr.verdict != DIAG_STALLED || pr.primary < 0 || pr.f[pr.primary].code != code ||
		    pr.f[pr.primary].stage != st)
			break;
		if (!same++)
			latest = pr;
	}
	/* After one such attempt, this one is proof once a healthy server's answer time has gone
	 * by unanswered here too; after two, at once. */
	nbt_time answer = code == DIAG_CODE_NO_DHCP_OFFER ? DIAG_ANSWER_OFFER : DIAG_ANSWER_FAST;
	if (!same || (same == 1 && now - since < answer))
		return;
	const struct diag_finding *pf = &latest.f[latest.primary];
	struct diag_finding *f;
	if (r->primary >= 0) {
		f = &r->f[r->primary];
	} else {
		struct diag_ctx x = {.c = c, .a = a, .cap = cap, .o = o, .now = now, .r = r};
		if (!(f = diag_add(&x, code, DIAG_SEV_STALL, st)))
			return;
		r->primary = (int)(f - r->f);
	}
	char was[DIAG_TEXT_MAX];
	diag_text(was, sizeof(was), "%s", f->summary[0] ? f->summary : pf->summary);
	f->sev = DIAG_SEV_STALL;
	diag_summary(f,
	             "%s; %u attempt%s before ended the same way and the client started over, "
	             "so it is failing again",
	             was, same, same == 1 ? "" : "s");
	if (!f->hint[0])
		diag_text(f->hint, sizeof(f->hint), "%s", pf->hint);
	for (uint8_t i = 0; i < pf->nevidence; i++)
		diag_evidence(f, pf->evidence[i]);
	r->verdict = DIAG_STALLED;
	r->waiting = false;
}

/* The verdict's names (the screen shows the state instead, diag_state_short). */
static const struct name_pair diag_verdicts[] = {
    [DIAG_IN_PROGRESS] = {"in-progress", NULL}, [DIAG_BOOTED] = {"booted", NULL},
    [DIAG_STALLED] = {"stalled", NULL},         [DIAG_UNKNOWN] = {"unknown", NULL},
    [DIAG_HANDED_OVER] = {"handed-over", NULL},
};

const char *diag_verdict_name(enum diag_verdict v)
{
	return NAMES_GET(diag_verdicts, v, false, "?");
}

static const struct name_pair diag_states[] = {
    [DIAG_STATE_WAITING] = {"waiting", "waiting"},
    [DIAG_STATE_SUSPECT] = {"suspect", "suspect"},
    [DIAG_STATE_BOOTED] = {"booted", "booted"},
    [DIAG_STATE_STALLED] = {"stalled", "STALLED"},
    [DIAG_STATE_UNKNOWN] = {"unknown", "unknown"},
    [DIAG_STATE_HANDED_OVER] = {"handed-over", "handed"},
};

enum diag_state diag_state_of(const struct diag_result *r)
{
	switch (r->verdict) {
	case DIAG_BOOTED:
		return DIAG_STATE_BOOTED;
	case DIAG_STALLED:
		return DIAG_STATE_STALLED;
	case DIAG_UNKNOWN:
		return DIAG_STATE_UNKNOWN;
	case DIAG_HANDED_OVER:
		return DIAG_STATE_HANDED_OVER;
	case DIAG_IN_PROGRESS:
		break;
	}
	return r->primary >= 0 ? DIAG_STATE_SUSPECT : DIAG_STATE_WAITING;
}

nbt_time diag_waited(const struct diag_result *r)
{
	return r->waiting && r->at > r->wait_since ? r->at - r->wait_since : 0;
}

const char *diag_state_name(enum diag_state s)
{
	return NAMES_GET(diag_states, s, false, "?");
}

const char *diag_state_short(enum diag_state s)
{
	return NAMES_GET(diag_states, s, true, "?");
}

const char *diag_severity_name(enum diag_severity s)
{
	static const char *const names[] = {[DIAG_SEV_INFO] = "info",
	                                    [DIAG_SEV_WARNING] = "warning",
	                                    [DIAG_SEV_STALL] = "stall",
	                                    [DIAG_SEV_CAPTURE] = "capture",
	                                    [DIAG_SEV_SUSPECT] = "suspect"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
