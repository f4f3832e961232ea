/* summary: the timeline view of the selected client's latest attempt: stages with start and
 * duration, TFTP files with a tsize progress bar and retransmissions (RFC 1350/2349), RPC/NFS
 * calls (RFC 1813/7530), then every event with its time, gap and the stall marked. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define VIEW_BAR 10

static bool view_is_evidence(const struct diag_finding *f, uint64_t frame)
{
	for (uint8_t i = 0; f && i < f->nevidence; i++)
		if (f->evidence[i].frame == frame)
			return true;
	return false;
}

static void view_tl_stages(struct ui *u, const struct client_attempt *a,
                           const struct diag_finding *stall, nbt_time t0)
{
	char start[32], dur[32];
	ui_line_add(u->tl, &u->ntl, UI_C_TITLE, "Stages");
	for (int st = 0; st < CLIENT_ST__COUNT; st++) {
		const struct client_span *sp = &a->stage[st];
		bool here = stall && stall->stage == (enum client_stage)st;
		bool proven = here && stall->sev != DIAG_SEV_SUSPECT;
		if (!sp->count && !here)
			continue;
		ui_fmt_rel(start, sizeof(start), sp->first.ts, t0);
		ui_fmt_age(dur, sizeof(dur), sp->last.ts - sp->first.ts);
		if (!sp->count)
			snprintf(start, sizeof(start), "-");
		ui_line_add(u->tl, &u->ntl,
		            proven ? UI_C_STALL
		            : here ? UI_C_PROGRESS
		                   : UI_C_DONE,
		            "  %-14s %9s  took %-6s %4u events%s",
		            client_stage_name((enum client_stage)st), start, sp->count ? dur : "-",
		            sp->count,
		            proven ? "  <-- stall"
		            : here ? "  <-- suspect"
		                   : "");
	}
}

static void view_tl_bar(char bar[VIEW_BAR + 3], const struct client_file *f)
{
	int fill = 0;
	if (f->state == CLIENT_FILE_DONE)
		fill = VIEW_BAR;
	else if (f->has_tsize && f->tsize > 0)
		fill = (int)(f->bytes >= f->tsize ? VIEW_BAR : f->bytes * VIEW_BAR / f->tsize);
	bar[0] = '[';
	for (int i = 0; i < VIEW_BAR; i++)
		bar[1 + i] = i < fill ? '#' : '.';
	bar[VIEW_BAR + 1] = ']';
	bar[VIEW_BAR + 2] = '\0';
}

static void view_tl_files(struct ui *u, const struct client_attempt *a)
{
	static const enum ui_color colors[] = {UI_C_PROGRESS, UI_C_DONE, UI_C_PROGRESS, UI_C_DONE,
	                                       UI_C_STALL};
	if (!a->nfiles)
		return;
	ui_line_add(u->tl, &u->ntl, UI_C_TITLE, "TFTP files");
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct client_file *f = &a->files[i];
		char bar[VIEW_BAR + 3], size[48], extra[CLIENT_TEXT_MAX + 32] = "";
		view_tl_bar(bar, f);
		if (f->has_tsize)
			snprintf(size, sizeof(size), "%" PRIu64 "/%" PRIu64, f->bytes, f->tsize);
		else
			snprintf(size, sizeof(size), "%" PRIu64 "/?", f->bytes);
		if (f->state == CLIENT_FILE_ERROR)
			snprintf(extra, sizeof(extra), " %u \"%s\"", f->err_code, f->err_msg);
		unsigned st = (unsigned)f->state < 5 ? (unsigned)f->state : 0;
		bool optional = st == CLIENT_FILE_ERROR && client_file_optional(f->name);
		ui_line_add(u->tl, &u->ntl, optional ? UI_C_DIM : colors[st],
		            "  %-28s %s %-11s %-9s rrq %u retr %u%s", f->name, bar, size,
		            client_file_state_short((enum client_file_state)st), f->rrqs,
		            f->retrans + f->dup_acks, extra);
	}
	if (a->files_dropped)
		ui_line_add(u->tl, &u->ntl, UI_C_DIM, "  (%u more files not kept)",
		            a->files_dropped);
}

static void view_tl_rpc(struct ui *u, const struct client_attempt *a)
{
	const struct client_rpc *r = &a->rpc;
	if (!r->pmap_call.count && !r->mnt_call.count && !r->nfs_call.count)
		return;
	ui_line_add(u->tl, &u->ntl, UI_C_TITLE, "RPC (calls/replies)");
	ui_line_add(u->tl, &u->ntl, UI_C_NORMAL,
	            "  portmap %u/%u  mount %u/%u%s  NFSv%u %u/%u  errors %u  unanswered %u",
	            r->pmap_call.count, r->pmap_reply.count, r->mnt_call.count, r->mnt_reply.count,
	            r->mnt_fail.frame ? " (refused)" : "",
	            r->nfs_vers ? r->nfs_vers : (r->v4 ? 4 : 3), r->nfs_call.count,
	            r->nfs_reply.count, r->nfs_errors, r->unanswered_count);
}

static void view_tl_events(struct ui *u, const struct client_attempt *a,
                           const struct diag_finding *stall, nbt_time t0)
{
	char rel[32], gap[32];
	int last_mark = -1;
	/* A suspect is marked in the warning colour: only a proven stall is painted red. */
	enum ui_color mark_color =
	    stall && stall->sev == DIAG_SEV_SUSPECT ? UI_C_PROGRESS : UI_C_STALL;
	ui_line_add(u->tl, &u->ntl, UI_C_TITLE, "Events (time, gap, frame, stage)");
	for (uint32_t i = 0; i < a->ntimeline; i++) {
		const struct client_entry *e = &a->timeline[i];
		bool mark = view_is_evidence(stall, e->frame);
		ui_fmt_rel(rel, sizeof(rel), e->ts, t0);
		ui_fmt_age(gap, sizeof(gap), i ? e->ts - a->timeline[i - 1].ts : 0);
		if (mark) {
			last_mark = u->ntl;
			if (u->tl_stall_line < 0)
				u->tl_stall_line = u->ntl;
		}
		ui_line_add(u->tl, &u->ntl, mark ? mark_color : UI_C_NORMAL,
		            "%s%9s %6s #%-6" PRIu64 " %-13s %s", mark ? "!" : " ", rel, gap,
		            e->frame, client_stage_name(e->stage), e->text);
	}
	if (a->timeline_dropped)
		ui_line_add(u->tl, &u->ntl, UI_C_DIM, "  (%u more entries not kept)",
		            a->timeline_dropped);
	if (!stall)
		return;
	const char *what = stall->sev == DIAG_SEV_SUSPECT ? "suspect" : "STALL";
	int at = last_mark >= 0 ? last_mark + 1 : u->ntl;
	if (u->ntl >= UI_LINES_MAX)
		return;
	if (at < u->ntl)
		memmove(&u->tl[at + 1], &u->tl[at], sizeof(u->tl[0]) * (size_t)(u->ntl - at));
	u->ntl++;
	snprintf(u->tl[at].s, sizeof(u->tl[at].s), "^^^ %s here: %s (%s)", what,
	         diag_code_name(stall->code),
	         stall->stage < CLIENT_ST__COUNT ? client_stage_name(stall->stage) : "capture");
	u->tl[at].color = mark_color;
	if (u->tl_stall_line < 0)
		u->tl_stall_line = at;
}

void view_timeline_build(struct ui *u, const struct ui_row *r)
{
	u->ntl = 0;
	u->tl_stall_line = -1;
	u->timeline.title_extra[0] = '\0';
	const struct client_attempt *a = r ? client_last_attempt(r->c) : NULL;
	if (!a) {
		ui_line_add(u->tl, &u->ntl, UI_C_DIM, r ? "no boot traffic yet" : "no client");
		panel_set_count(&u->timeline, u->ntl);
		return;
	}
	const struct client_capture *cap = client_table_capture(u->o.clients);
	const struct diag_result *d = &u->sel_diag;
	const struct diag_finding *stall = NULL;
	if (d->primary >= 0 && (d->verdict == DIAG_STALLED || d->verdict == DIAG_IN_PROGRESS))
		stall = &d->f[d->primary];
	/* Each segment's state after its name: + done, > in progress, X stalled, ? unknown. */
	static const char mark[] = {'.', '+', '>', 'X', '?'};
	char *t = u->timeline.title_extra;
	snprintf(t, sizeof(u->timeline.title_extra),
	         " - attempt %u of %u   DHCP%c FW%c KERNEL%c K-DHCP%c MOUNT%c NFS%c", a->number,
	         r->c->nattempts + r->c->attempts_dropped, mark[r->seg[0]], mark[r->seg[1]],
	         mark[r->seg[2]], mark[r->seg[3]], mark[r->seg[4]], mark[r->seg[5]]);
	view_tl_stages(u, a, stall, cap->first.ts);
	view_tl_files(u, a);
	view_tl_rpc(u, a);
	view_tl_events(u, a, stall, cap->first.ts);
	panel_set_count(&u->timeline, u->ntl);
}
