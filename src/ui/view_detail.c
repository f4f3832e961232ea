/* summary: the detail view of the selected client: the diagnosis (verdict, finding summary,
 * evidence frames, hint), identity, and the DHCP offer as the client saw it (RFC 2132 options
 * 43, 66, 67, siaddr; RFC 2131) next to what a Pi or PXE client needs (PI-NETBOOT.md s2). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nbt/fmt.h"
#include "ui_priv.h"

static void view_dt_finding(struct ui *u, const struct diag_finding *f, nbt_time t0, int w)
{
	static const enum ui_color sev_color[] = {UI_C_NORMAL, UI_C_PROGRESS, UI_C_STALL,
	                                          UI_C_UNKNOWN, UI_C_PROGRESS};
	char buf[UI_LINE_MAX], hint[DIAG_TEXT_MAX + 8], rel[32];
	enum ui_color c = (unsigned)f->sev < 5 ? sev_color[f->sev] : UI_C_NORMAL;
	ui_line_add(u->dl, &u->ndl, c, "%s %s%s%s%s (%s)", diag_severity_name(f->sev),
	            diag_code_name(f->code), f->detail ? " [" : "", f->detail ? f->detail : "",
	            f->detail ? "]" : "",
	            f->stage < CLIENT_ST__COUNT ? client_stage_name(f->stage) : "capture");
	ui_line_wrap(u->dl, &u->ndl, UI_C_NORMAL, 2, w, f->summary);
	if (f->hint[0]) {
		snprintf(hint, sizeof(hint), "hint: %s", f->hint);
		ui_line_wrap(u->dl, &u->ndl, UI_C_DONE, 2, w, hint);
	}
	if (f->nevidence) {
		int n = snprintf(buf, sizeof(buf), "  evidence frames:");
		for (uint8_t i = 0; i < f->nevidence && n > 0 && (size_t)n < sizeof(buf); i++) {
			ui_fmt_rel(rel, sizeof(rel), f->evidence[i].ts, t0);
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s #%" PRIu64 " %s",
			              i ? "," : "", f->evidence[i].frame, rel);
		}
		ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "%s", buf);
	}
}

static void view_dt_identity(struct ui *u, const struct client *c)
{
	char ip[24];
	ui_fmt_ip(ip, sizeof(ip), c->ip);
	ui_line_add(u->dl, &u->ndl, UI_C_TITLE, "Client");
	if (c->has_mac)
		ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "  mac %s  %s", fmt_mac(c->mac).s,
		            c->name);
	ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "  model %s  ip %s", client_model_name(c->model),
	            c->ip ? ip : "-");
	if (c->has_serial || c->prefix != CLIENT_PREFIX_UNKNOWN)
		ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "  serial %s%08x  tftp prefix %s %s",
		            c->has_serial ? "" : "? ", c->has_serial ? c->serial : 0u,
		            client_prefix_name(c->prefix), c->prefix_str);
}

static bool view_is_pi(const struct client *c)
{
	return client_model_is_pi(c->model) || (c->has_mac && client_is_pi_oui(c->mac));
}

/* Option 43 as the Pi judged it: the boot ROM only takes offers carrying "Raspberry Pi Boot". */
static void view_dt_opt43(const struct client_dhcp *d, bool pi, char *buf, size_t size)
{
	if (!d->offer.count)
		snprintf(buf, size, "no offer seen");
	else if (d->cut)
		snprintf(buf, size, "cut by the snaplen");
	else if (pi && d->first_usable_offer.frame)
		snprintf(buf, size, "Raspberry Pi Boot #%" PRIu64, d->first_usable_offer.frame);
	else if (pi && d->first_bad_offer.frame)
		snprintf(buf, size, "MISSING #%" PRIu64, d->first_bad_offer.frame);
	else
		snprintf(buf, size, "-");
}

static void view_dt_offer(struct ui *u, const struct client *c, const struct client_attempt *a)
{
	const struct client_dhcp *d = &a->fw;
	bool pi = view_is_pi(c);
	char o43[64], o66[CLIENT_TEXT_MAX], sia[24], yia[24], srv[24];
	view_dt_opt43(d, pi, o43, sizeof(o43));
	if (d->has_opt66 && d->opt66_is_ip)
		ui_fmt_ip(o66, sizeof(o66), d->opt66_ip);
	else
		snprintf(o66, sizeof(o66), "%s", d->has_opt66 ? d->opt66 : "-");
	ui_fmt_ip(sia, sizeof(sia), d->siaddr);
	ui_fmt_ip(yia, sizeof(yia), d->yiaddr);
	ui_fmt_ip(srv, sizeof(srv), d->offer_server);
	ui_line_add(u->dl, &u->ndl, UI_C_TITLE, "DHCP offer as the client saw it   | %s needs",
	            pi ? "a Pi" : "PXE");
	ui_line_add(
	    u->dl, &u->ndl, pi && strncmp(o43, "MISSING", 7) == 0 ? UI_C_STALL : UI_C_NORMAL,
	    "  43 vendor  %-22.22s| %s", o43, pi ? "\"Raspberry Pi Boot\" PXE menu" : "nothing");
	bool no_server = !d->has_opt66 && !d->siaddr && d->offer.count;
	ui_line_add(u->dl, &u->ndl, no_server ? UI_C_STALL : UI_C_NORMAL,
	            "  66 tftp    %-22.22s| %s", o66, "TFTP server (66 or siaddr)");
	ui_line_add(u->dl, &u->ndl, no_server ? UI_C_STALL : UI_C_NORMAL,
	            "  siaddr     %-22.22s| %s", d->siaddr ? sia : "0.0.0.0",
	            "TFTP server if no 66");
	ui_line_add(u->dl, &u->ndl, !pi && !d->has_bootfile ? UI_C_STALL : UI_C_NORMAL,
	            "  67 file    %-22.22s| %s", d->has_bootfile ? d->bootfile : "-",
	            pi ? "not used (fixed names)" : "the boot program");
	ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "  yiaddr     %-22.22s| from %s",
	            d->yiaddr ? yia : "-", d->offer_server ? srv : "-");
	if (d->nservers > 1)
		ui_line_add(u->dl, &u->ndl, UI_C_PROGRESS, "  %u DHCP servers answered",
		            d->nservers);
	const struct client_dhcp *k = &a->kernel;
	if (k->discover.count || k->offer.count) {
		ui_fmt_ip(yia, sizeof(yia), k->yiaddr);
		ui_line_add(u->dl, &u->ndl, UI_C_TITLE, "Kernel DHCP");
		ui_line_add(u->dl, &u->ndl, UI_C_NORMAL, "  yiaddr %s  root-path (17) %s",
		            k->yiaddr ? yia : "-", k->root_path[0] ? k->root_path : "-");
	}
}

void view_detail_build(struct ui *u, const struct ui_row *r)
{
	u->ndl = 0;
	int w = u->detail.w - 1;
	const struct client_attempt *a = r ? client_last_attempt(r->c) : NULL;
	if (!r) {
		ui_line_add(u->dl, &u->ndl, UI_C_DIM, "no client selected");
		panel_set_count(&u->detail, u->ndl);
		return;
	}
	const struct diag_result *d = &u->sel_diag;
	nbt_time t0 = client_table_capture(u->o.clients)->first.ts;
	if (a) {
		ui_line_add(u->dl, &u->ndl, UI_C_TITLE, "Diagnosis: %s",
		            diag_state_name(diag_state_of(d)));
		if (d->primary >= 0)
			view_dt_finding(u, &d->f[d->primary], t0, w);
		else if (d->verdict == DIAG_IN_PROGRESS && d->waiting) {
			char age[32];
			ui_fmt_age(age, sizeof(age), diag_waited(d));
			ui_line_add(u->dl, &u->ndl, UI_C_NORMAL,
			            "waiting: %s, %s, nothing wrong yet",
			            client_stage_name(d->wait_stage), age);
		} else if (d->verdict == DIAG_BOOTED)
			ui_line_add(u->dl, &u->ndl, UI_C_DONE, "booted: no stall found");
		else if (d->verdict == DIAG_HANDED_OVER)
			ui_line_add(u->dl, &u->ndl, UI_C_NORMAL,
			            "boot program loaded; the rest is not visible here");
		for (uint8_t i = 0; i < d->n; i++)
			if ((int)i != d->primary)
				view_dt_finding(u, &d->f[i], t0, w);
	}
	view_dt_identity(u, r->c);
	if (a)
		view_dt_offer(u, r->c, a);
	panel_set_count(&u->detail, u->ndl);
}
