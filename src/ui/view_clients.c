/* summary: the client list view: one row per client with model, IP, stage bar (DHCP FW KERNEL
 * K-DHCP MOUNT NFS), verdict, stall code and time since its last packet; sorting, filter, hiding.
 * Every verdict comes from diag_attempt (PI-NETBOOT.md s5): nothing is re-derived here. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nbt/outcome.h"
#include "nbt/fmt.h"
#include "ui_priv.h"
#include "nbt/xalloc.h"

/* Which stage-bar segment a boot stage belongs to (portmap counts as MOUNT). */
static int view_seg_of(enum client_stage st)
{
	static const int seg[CLIENT_ST__COUNT] = {0, 1, 2, 3, 4, 4, 5};
	return (unsigned)st < CLIENT_ST__COUNT ? seg[st] : -1;
}

static void view_segments(struct ui_row *row, const struct client_attempt *a,
                          const struct diag_result *r)
{
	bool has[UI_SEGS] = {false};
	int cur = view_seg_of(r->reached);
	for (int st = 0; st < CLIENT_ST__COUNT; st++)
		if (a->stage[st].count) {
			int s = view_seg_of((enum client_stage)st);
			has[s] = true;
			if (s > cur)
				cur = s;
		}
	if (cur < 0)
		cur = 0;
	for (int s = 0; s < UI_SEGS; s++)
		row->seg[s] = s < cur && has[s] ? UI_SEG_DONE : UI_SEG_NONE;
	const struct diag_finding *p = r->primary >= 0 ? &r->f[r->primary] : NULL;
	switch (r->verdict) {
	case DIAG_BOOTED:
	case DIAG_HANDED_OVER: /* what the wire shows is done; the rest is out of sight */
		row->seg[cur] = UI_SEG_DONE;
		break;
	case DIAG_STALLED: {
		int at = p && p->stage < CLIENT_ST__COUNT ? view_seg_of(p->stage) : cur;
		row->seg[cur] = has[cur] ? UI_SEG_DONE : UI_SEG_NONE;
		row->seg[at] = UI_SEG_STALL;
		break;
	}
	case DIAG_UNKNOWN:
		row->seg[cur] = UI_SEG_UNKNOWN;
		break;
	default:
		row->seg[cur] = UI_SEG_PROGRESS;
		break;
	}
}

static void view_key(const struct client *c, uint8_t key[7])
{
	memset(key, 0, 7);
	if (c->has_mac) {
		memcpy(key, c->mac, 6);
		key[6] = 1;
	} else {
		key[0] = (uint8_t)(c->ip >> 24);
		key[1] = (uint8_t)(c->ip >> 16);
		key[2] = (uint8_t)(c->ip >> 8);
		key[3] = (uint8_t)c->ip;
		key[6] = 2;
	}
}

static void view_label(const struct client *c, char *buf, size_t size)
{
	if (c->name[0])
		snprintf(buf, size, "%s", c->name);
	else if (c->has_mac)
		snprintf(buf, size, "%s", fmt_mac(c->mac).s);
	else
		snprintf(buf, size, "%s", fmt_ipv4(c->ip).s);
}

static const char *view_verdict_short(const struct ui_row *r)
{
	if (!r->has_attempt)
		return "-";
	return diag_state_short(r->state);
}

static int view_rank(const struct ui_row *r)
{
	if (!r->has_attempt)
		return 4;
	static const int rank[] = {
	    [DIAG_STATE_STALLED] = 0, [DIAG_STATE_UNKNOWN] = 1,     [DIAG_STATE_SUSPECT] = 2,
	    [DIAG_STATE_WAITING] = 3, [DIAG_STATE_HANDED_OVER] = 4, [DIAG_STATE_BOOTED] = 5};
	return (unsigned)r->state <= DIAG_STATE_HANDED_OVER ? rank[r->state] : 6;
}

static int view_cmp_state(const void *pa, const void *pb)
{
	const struct ui_row *a = pa, *b = pb;
	int d = view_rank(a) - view_rank(b);
	return d ? d : memcmp(a->key, b->key, sizeof(a->key));
}

static int view_cmp_name(const void *pa, const void *pb)
{
	const struct ui_row *a = pa, *b = pb;
	char la[CLIENT_NAME_MAX], lb[CLIENT_NAME_MAX];
	view_label(a->c, la, sizeof(la));
	view_label(b->c, lb, sizeof(lb));
	int d = strcasecmp(la, lb);
	return d ? d : memcmp(a->key, b->key, sizeof(a->key));
}

/* Case-insensitive substring test for the filter (strcasestr is a GNU extension). */
static bool view_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return n == 0;
}

/* A hidden ("c"lear) client comes back once it sends anything new. */
static bool view_hidden(struct ui *u, const struct ui_row *r)
{
	for (int i = 0; i < u->nhidden; i++) {
		if (memcmp(u->hidden[i].key, r->key, 7) != 0)
			continue;
		if (u->hidden[i].events == r->c->events)
			return true;
		u->nhidden--;
		u->hidden[i] = u->hidden[u->nhidden];
		return false;
	}
	return false;
}

static bool view_fill_row(struct ui *u, const struct client *c, const struct client_capture *cap,
                          struct ui_row *row)
{
	memset(row, 0, sizeof(*row));
	row->c = c;
	view_key(c, row->key);
	row->code = "";
	const struct client_attempt *a = client_last_attempt(c);
	struct diag_result *r = &u->sel_diag; /* scratch: rebuilt for the selection afterwards */
	if (a) {
		row->has_attempt = true;
		diag_client(c, cap, u->o.diag, u->now, r);
		row->verdict = r->verdict;
		row->state = diag_state_of(r);
		/* A client only waiting shows the stage it waits in, never a stall code. */
		if (r->primary >= 0)
			row->code = diag_code_name(r->f[r->primary].code);
		else if (row->state == DIAG_STATE_WAITING)
			row->code = client_stage_name(r->wait_stage);
		row->last = a->last.ts;
		view_segments(row, a, r);
	}
	char label[CLIENT_NAME_MAX];
	view_label(c, label, sizeof(label));
	snprintf(row->text, sizeof(row->text), "%s %s %s %s %08x %s %s", label, fmt_mac(c->mac).s,
	         fmt_ipv4(c->ip).s, client_model_name(c->model), c->has_serial ? c->serial : 0,
	         view_verdict_short(row), row->code);
	if (view_hidden(u, row))
		return false;
	return !u->filter[0] || view_contains(row->text, u->filter);
}

void view_clients_rebuild(struct ui *u)
{
	struct client_table *t = u->o.clients;
	const struct client_capture *cap = client_table_capture(t);
	size_t n = client_count(t);
	if ((size_t)u->rows_cap < n) { /* doubled: a live capture adds clients one by one */
		u->rows_cap = (size_t)u->rows_cap * 2 > n ? u->rows_cap * 2 : (int)n;
		u->rows = xrealloc(u->rows, (size_t)u->rows_cap * sizeof(*u->rows));
	}
	u->nrows = 0;
	/* The machines the reports show (outcome_next: those with signs of a network boot). */
	const struct client *c;
	for (size_t i = 0; (c = outcome_next(t, NULL, &i));)
		if (view_fill_row(u, c, cap, &u->rows[u->nrows]))
			u->nrows++;
	if (u->nrows > 1) /* rows is NULL until the first client */
		qsort(u->rows, (size_t)u->nrows, sizeof(u->rows[0]),
		      u->sort_by_name ? view_cmp_name : view_cmp_state);
	int sel = 0;
	for (int i = 0; u->has_sel && i < u->nrows; i++)
		if (memcmp(u->rows[i].key, u->sel_key, 7) == 0)
			sel = i;
	u->list.selected = sel;
	panel_set_count(&u->list, u->nrows);
	/* The selection sticks to a client only once the user moved it: until then it is the
	 * top row (the first stalled client), also while a file is still being read. */
	if (u->nrows)
		memcpy(u->sel_key, u->rows[u->list.selected].key, 7);
	u->list.dirty = true;
}

const struct ui_row *view_clients_selected(const struct ui *u)
{
	if (u->list.selected < 0 || u->list.selected >= u->nrows)
		return NULL;
	return &u->rows[u->list.selected];
}

void view_clients_hide_finished(struct ui *u)
{
	if (u->hidden_cap < u->nhidden + u->nrows) {
		u->hidden_cap = u->hidden_cap * 2 > u->nhidden + u->nrows ? u->hidden_cap * 2
		                                                          : u->nhidden + u->nrows;
		u->hidden = xrealloc(u->hidden, (size_t)u->hidden_cap * sizeof(*u->hidden));
	}
	for (int i = 0; i < u->nrows; i++) {
		const struct ui_row *r = &u->rows[i];
		if (!r->has_attempt || r->verdict == DIAG_IN_PROGRESS)
			continue;
		memcpy(u->hidden[u->nhidden].key, r->key, 7);
		u->hidden[u->nhidden].events = r->c->events;
		u->nhidden++;
	}
	u->has_sel = false;
}

/* Column layout for a width: the IP and serial columns only when they fit. */
struct view_cols {
	bool ip, serial;
	int code;
};

static struct view_cols view_cols_for(int w)
{
	struct view_cols k = {.ip = w >= 76, .serial = w >= 110};
	k.code = w - (1 + 18 + 8 + 7 + 8 + 7) - (k.ip ? 16 : 0) - (k.serial ? 9 : 0);
	if (k.code < 0)
		k.code = 0;
	return k;
}

void view_clients_header(const struct ui *u, char *buf, size_t size)
{
	struct view_cols k = view_cols_for(u->list.w);
	snprintf(buf, size, "%-17s %-7s %s%s%-6s %-7s %-*s %6s", "CLIENT", "MODEL",
	         k.serial ? "SERIAL   " : "", k.ip ? "IP              " : "", "STAGES", "VERDICT",
	         k.code, "CODE", "LAST");
}

static enum ui_color view_seg_color(enum ui_seg_state s)
{
	static const enum ui_color c[] = {UI_C_DIM, UI_C_DONE, UI_C_PROGRESS, UI_C_STALL,
	                                  UI_C_UNKNOWN};
	return c[s];
}

static enum ui_color view_verdict_color(const struct ui_row *r)
{
	if (!r->has_attempt)
		return UI_C_NORMAL;
	/* Waiting is neutral; suspect is the warning colour, distinct from a stall's red. */
	static const enum ui_color c[] = {
	    [DIAG_STATE_WAITING] = UI_C_NORMAL,  [DIAG_STATE_SUSPECT] = UI_C_PROGRESS,
	    [DIAG_STATE_BOOTED] = UI_C_DONE,     [DIAG_STATE_STALLED] = UI_C_STALL,
	    [DIAG_STATE_UNKNOWN] = UI_C_UNKNOWN, [DIAG_STATE_HANDED_OVER] = UI_C_NORMAL};
	return (unsigned)r->state <= DIAG_STATE_HANDED_OVER ? c[r->state] : UI_C_NORMAL;
}

void view_clients_draw_row(void *ctx, const struct panel *p, int i, int y, bool selected)
{
	struct ui *u = ctx;
	const struct ui_row *r = &u->rows[i];
	const struct client *c = r->c;
	struct view_cols k = view_cols_for(p->w);
	int sel = selected ? crt_attr(UI_C_SELECT) : 0;
	char buf[UI_LINE_MAX], label[CLIENT_NAME_MAX], serial[16] = "", ip[24] = "";
	view_label(c, label, sizeof(label));
	if (k.serial && c->has_serial)
		snprintf(serial, sizeof(serial), "%08x ", c->serial);
	else if (k.serial)
		snprintf(serial, sizeof(serial), "%-8s ", "-");
	if (k.ip)
		snprintf(ip, sizeof(ip), "%s", c->ip ? fmt_ipv4(c->ip).s : "-");
	snprintf(buf, sizeof(buf), " %-17.17s %-7s %s%-*s", label, client_model_short(c->model),
	         serial, k.ip ? 16 : 0, ip);
	int x = p->x;
	int len = (int)strlen(buf);
	panel_text(y, x, len, buf, sel);
	x += len;
	static const char letters[UI_SEGS] = {'D', 'F', 'K', 'k', 'M', 'N'};
	static const char marks[] = {'.', 0, '>', 'X', '?'};
	for (int s = 0; s < UI_SEGS; s++) {
		char ch[2] = {r->seg[s] == UI_SEG_DONE ? letters[s] : marks[r->seg[s]], 0};
		if (!r->has_attempt)
			ch[0] = ' ';
		panel_text(y, x++, 1, ch, crt_attr(view_seg_color(r->seg[s])) | sel);
	}
	panel_text(y, x++, 1, " ", sel);
	panel_text(y, x, 8, view_verdict_short(r), crt_attr(view_verdict_color(r)) | sel);
	x += 8;
	char age[16] = "-";
	if (r->has_attempt)
		ui_fmt_age(age, sizeof(age), u->now - r->last);
	snprintf(buf, sizeof(buf), "%-*.*s %6s", k.code, k.code, r->code, age);
	panel_text(y, x, p->x + p->w - x, buf, sel);
}
