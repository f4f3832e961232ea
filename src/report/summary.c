/* summary: text boot report: per-client identity, verdict, findings, stages and timeline. */
#include "nbt/summary.h"
#include "nbt/fmt.h"

#include "nbt/outcome.h"
#include "nbt/textesc.h"

#include <inttypes.h>
#include <string.h>

struct summary_ctx {
	FILE *out;
	nbt_time t0;
	bool color; /* ANSI SGR colours (ECMA-48 s8.3.117) for a terminal */
};

/* Starts a colour for a verdict or severity name (no-op without colours). */
static void summary_color_on(const struct summary_ctx *s, const char *what)
{
	static const struct {
		const char *name, *sgr;
	} map[] = {
	    {"booted", "1;32"},      {"stalled", "1;31"}, {"stall", "1;31"},
	    {"in-progress", "1;33"}, {"suspect", "33"},   {"unknown", "1;35"},
	    {"handed-over", "36"},   {"warning", "33"},   {"capture", "35"},
	};
	if (!s->color)
		return;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, what) == 0)
			fprintf(s->out, "\033[%sm", map[i].sgr);
}

static void summary_color_off(const struct summary_ctx *s)
{
	if (s->color)
		fputs("\033[0m", s->out);
}

static void summary_rel(const struct summary_ctx *s, nbt_time ts)
{
	nbt_time d = ts - s->t0;
	const char *sign = d < 0 ? "-" : "+";
	if (d < 0)
		d = -d;
	fprintf(s->out, "%s%" PRId64 ".%03" PRId64 "s", sign, (int64_t)(d / NBT_NS_PER_SEC),
	        (int64_t)((d % NBT_NS_PER_SEC) / NBT_NS_PER_MS));
}

static void summary_mark(const struct summary_ctx *s, struct client_mark m)
{
	fprintf(s->out, "#%" PRIu64 " ", m.frame);
	summary_rel(s, m.ts);
}

static void summary_finding(const struct summary_ctx *s, const struct diag_finding *f,
                            const char *indent)
{
	FILE *out = s->out;
	fputs(indent, out);
	summary_color_on(s, diag_severity_name(f->sev));
	fprintf(out, "%s %s%s%s%s", diag_severity_name(f->sev), diag_code_name(f->code),
	        f->detail ? " [" : "", f->detail ? f->detail : "", f->detail ? "]" : "");
	summary_color_off(s);
	if (f->stage < CLIENT_ST__COUNT) /* capture-wide findings belong to no stage */
		fprintf(out, " (%s)", client_stage_name(f->stage));
	fputc('\n', out);
	fputs(indent, out);
	textesc_line(out, "  ", f->summary, "");
	if (f->hint[0]) {
		fputs(indent, out);
		textesc_line(out, "  hint: ", f->hint, "");
	}
	if (f->nevidence) {
		fprintf(out, "%s  evidence:", indent);
		for (uint8_t i = 0; i < f->nevidence; i++) {
			fputs(i ? ", " : " ", out);
			summary_mark(s, f->evidence[i]);
		}
		fputc('\n', out);
	}
}

static void summary_identity(const struct summary_ctx *s, const struct client *c)
{
	FILE *out = s->out;
	if (c->has_mac)
		fprintf(out, "client %s", fmt_mac(c->mac).s);
	else
		fprintf(out, "client ip %s (MAC not seen)", fmt_ipv4(c->ip).s);
	textesc_line(out, c->name[0] ? "  " : "", c->name, "");
	fprintf(out, "  model    %s", client_model_name(c->model));
	if (c->board_rev)
		fprintf(out, " (board revision 0x%06x)", c->board_rev);
	fputc('\n', out);
	if (c->has_serial)
		fprintf(out, "  serial   %08x (%s)\n", c->serial,
		        c->serial_from_folder ? "from the TFTP folder" : "from option 97");
	/* TFTP_PREFIX is the Pi bootloader's setting: other loaders have no such notion. */
	if (c->prefix != CLIENT_PREFIX_UNKNOWN && client_model_is_pi(c->model)) {
		fprintf(out, "  tftp     prefix %s%s", client_prefix_name(c->prefix),
		        c->prefix_str[0] ? " " : "");
		textesc_line(out, "", c->prefix_str, "");
	}
	if (c->ip)
		fprintf(out, "  ip       %s\n", fmt_ipv4(c->ip).s);
}

static void summary_verdict(const struct summary_ctx *s, const struct diag_result *r,
                            const char *indent)
{
	FILE *out = s->out;
	const struct diag_finding *p = r->primary >= 0 ? &r->f[r->primary] : NULL;
	fprintf(out, "%sverdict  ", indent);
	summary_color_on(s, diag_verdict_name(r->verdict));
	fputs(diag_verdict_name(r->verdict), out);
	summary_color_off(s);
	if (p)
		fprintf(out, " %s%s%s%s", diag_code_name(p->code), p->detail ? " [" : "",
		        p->detail ? p->detail : "", p->detail ? "]" : "");
	if (r->verdict == DIAG_IN_PROGRESS && p) {
		fputs(" suspect: a stall at ", out);
		summary_rel(s, r->deadline);
		fputs(" unless it is answered", out);
	} else if (r->verdict == DIAG_IN_PROGRESS && r->waiting) {
		nbt_time waited = diag_waited(r);
		fprintf(out, " waiting in %s for %" PRId64 ".%03" PRId64 " s",
		        client_stage_name(r->wait_stage), (int64_t)(waited / NBT_NS_PER_SEC),
		        (int64_t)((waited % NBT_NS_PER_SEC) / NBT_NS_PER_MS));
		if (r->deadline > r->wait_since) {
			fputs(" (a stall at ", out);
			summary_rel(s, r->deadline);
			fputs(" if it stays silent)", out);
		}
	}
	fputc('\n', out);
}

static void summary_stages(const struct summary_ctx *s, const struct client_attempt *a)
{
	FILE *out = s->out;
	fputs("    stages\n", out);
	for (int st = 0; st < CLIENT_ST__COUNT; st++) {
		const struct client_span *sp = &a->stage[st];
		if (!sp->count)
			continue;
		fprintf(out, "      %-14s ", client_stage_name((enum client_stage)st));
		summary_mark(s, sp->first);
		fputs(" .. ", out);
		summary_mark(s, sp->last);
		fprintf(out, " (%u events)\n", sp->count);
	}
}

static void summary_timeline(const struct summary_ctx *s, const struct client_attempt *a)
{
	FILE *out = s->out;
	fputs("    timeline\n", out);
	for (uint32_t i = 0; i < a->ntimeline; i++) {
		const struct client_entry *e = &a->timeline[i];
		fputs("      ", out);
		summary_rel(s, e->ts);
		fprintf(out, " #%-6" PRIu64 " %-14s ", e->frame, client_stage_name(e->stage));
		textesc_line(out, "", e->text, "");
	}
	if (a->timeline_dropped)
		fprintf(out, "      (%u more entries not kept)\n", a->timeline_dropped);
}

/* `next`: the attempt that followed it, or NULL. One that was still waiting, with nothing
 * wrong, when the client began again (U-Boot's distro boot runs one DHCP per boot method) ended
 * there: its wait is no news. */
static void summary_attempt(const struct summary_ctx *s, const struct client_attempt *a,
                            const struct client_attempt *next, const struct diag_result *r)
{
	FILE *out = s->out;
	fprintf(out, "  attempt %u: ", a->number);
	summary_mark(s, a->first);
	fputs(" .. ", out);
	summary_mark(s, a->last);
	fputc('\n', out);
	if (next && r->verdict == DIAG_IN_PROGRESS && r->waiting && r->primary < 0) {
		fprintf(out,
		        "    verdict  in-progress in %s when the client started over (attempt %u, ",
		        client_stage_name(r->wait_stage), next->number);
		summary_rel(s, next->first.ts);
		fputs(")\n", out);
	} else {
		summary_verdict(s, r, "    ");
	}
	summary_stages(s, a);
	summary_timeline(s, a);
}

static void summary_client(const struct summary_ctx *s, const struct outcome_view *v,
                           const struct client *c)
{
	FILE *out = s->out;
	struct outcome_client oc;
	summary_identity(s, c);
	outcome_judge(v, c, &oc);
	const struct client_attempt *last = oc.last;
	const struct diag_result *r = &oc.r;
	if (!last) {
		fputs("  verdict  in-progress (no boot traffic yet)\n\n", out);
		return;
	}
	summary_verdict(s, r, "  ");
	fprintf(out, "  attempts %u%s\n", c->nattempts + c->attempts_dropped,
	        c->attempts_dropped ? " (the oldest not kept)" : "");
	if (r->primary >= 0)
		summary_finding(s, &r->f[r->primary], "  ");
	for (uint8_t i = 0; i < r->n; i++)
		if ((int)i != r->primary)
			summary_finding(s, &r->f[i], "  ");
	for (uint32_t i = 0; i < c->nattempts; i++) {
		const struct client_attempt *a = c->attempts[i];
		struct diag_result ar;
		outcome_judge_attempt(v, c, a, &ar);
		summary_attempt(s, a, i + 1 < c->nattempts ? c->attempts[i + 1] : NULL, &ar);
		if (a != last && ar.primary >= 0)
			summary_finding(s, &ar.f[ar.primary], "    ");
	}
	fputc('\n', out);
}

void summary_print(FILE *out, struct client_table *t, const struct diag_opts *o)
{
	const struct outcome_opts all = {0};
	struct outcome_view v = outcome_view_at_end(t, o, &all);
	summary_print_view(out, &v, false);
}

void summary_print_view(FILE *out, const struct outcome_view *v, bool color)
{
	const struct client_capture *cap = v->cap;
	struct summary_ctx s = {.out = out, .t0 = cap->first.ts, .color = color};
	size_t n = 0;
	const struct client *c;
	for (size_t i = 0; outcome_view_next(v, &i);)
		n++;
	fprintf(out, "netboot-trace boot report: %zu client%s, frames 1-%" PRIu64 ", ", n,
	        n == 1 ? "" : "s", cap->last.frame);
	summary_rel(&s, cap->last.ts);
	fputs(" long\n\n", out);
	for (size_t i = 0; (c = outcome_view_next(v, &i));)
		summary_client(&s, v, c);
	struct diag_result r;
	diag_capture(cap, &r);
	if (r.n) {
		fputs("capture\n", out);
		for (uint8_t i = 0; i < r.n; i++)
			summary_finding(&s, &r.f[i], "  ");
	}
}
