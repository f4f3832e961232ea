/* summary: the UI screen manager: layout of the status bar, client list, timeline and detail
 * panes from LINES/COLS (side by side from 120 columns), function bar, help screen, shared
 * formatting of times and wrapped text lines. */
#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nbt/fmt.h"
#include "ui_priv.h"

void ui_fmt_rel(char *buf, size_t size, nbt_time ts, nbt_time t0)
{
	nbt_time d = ts - t0;
	const char *sign = d < 0 ? "-" : "+";
	if (d < 0)
		d = -d;
	snprintf(buf, size, "%s%" PRId64 ".%03" PRId64 "s", sign, (int64_t)(d / NBT_NS_PER_SEC),
	         (int64_t)((d % NBT_NS_PER_SEC) / NBT_NS_PER_MS));
}

void ui_fmt_age(char *buf, size_t size, nbt_time d)
{
	if (d < 0)
		d = 0;
	int64_t ms = (int64_t)(d / NBT_NS_PER_MS);
	if (ms < 1000)
		snprintf(buf, size, "%" PRId64 "ms", ms);
	else if (ms < 100000)
		snprintf(buf, size, "%" PRId64 ".%" PRId64 "s", ms / 1000, (ms % 1000) / 100);
	else if (ms < 6000000)
		snprintf(buf, size, "%" PRId64 "m", ms / 60000);
	else
		snprintf(buf, size, "%" PRId64 "h", ms / 3600000);
}

void ui_fmt_ip(char *buf, size_t size, uint32_t ip)
{
	snprintf(buf, size, "%s", fmt_ipv4(ip).s);
}

bool ui_line_add(struct ui_line *lines, int *n, enum ui_color c, const char *fmt, ...)
{
	if (*n >= UI_LINES_MAX)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lines[*n].s, sizeof(lines[*n].s), fmt, ap);
	va_end(ap);
	lines[*n].color = c;
	(*n)++;
	return true;
}

void ui_line_wrap(struct ui_line *lines, int *n, enum ui_color c, int indent, int width,
                  const char *text)
{
	int room = width - indent;
	if (room < 10)
		room = 10;
	size_t len = strlen(text);
	size_t pos = 0;
	while (pos < len) {
		size_t take = len - pos;
		if (take > (size_t)room) {
			take = (size_t)room;
			size_t sp = take;
			while (sp > 0 && text[pos + sp] != ' ')
				sp--;
			if (sp > 0)
				take = sp;
		}
		if (!ui_line_add(lines, n, c, "%*s%.*s", indent, "", (int)take, text + pos))
			return;
		pos += take;
		while (pos < len && text[pos] == ' ')
			pos++;
	}
}

void view_lines_draw_row(void *ctx, const struct panel *p, int row, int y, bool selected)
{
	const struct ui_line *lines = ctx;
	int attr = lines[row].color == UI_C_TITLE ? (int)A_BOLD : crt_attr(lines[row].color);
	(void)selected;
	panel_text(y, p->x, p->w, lines[row].s, attr);
}

/* Status bar (top line) and function bar (bottom line). */
static void screen_bars(struct ui *u)
{
	const struct client_capture *cap = client_table_capture(u->o.clients);
	char line[UI_LINE_MAX], rel[32];
	ui_fmt_rel(rel, sizeof(rel), u->now, cap->first.ts);
	const char *src = strrchr(u->o.source, '/') ? strrchr(u->o.source, '/') + 1 : u->o.source;
	snprintf(line, sizeof(line),
	         " %s %.24s | pkts %" PRIu64 " drops %" PRIu64 " | clients %zu | %s%s%s%s",
	         u->o.live               ? "live"
	         : strcmp(src, "-") == 0 ? "pipe"
	                                 : "file",
	         strcmp(src, "-") == 0 ? "stdin" : src, cap->last.frame, u->drops,
	         client_count(u->o.clients) - (size_t)cap->other_clients,
	         cap->last.frame ? rel : "-", u->paused ? " | PAUSED" : "", u->note[0] ? " | " : "",
	         u->note);
	panel_text(0, 0, COLS, line, crt_attr(UI_C_BAR));
	if (u->filtering)
		snprintf(line, sizeof(line), " Filter: %s_   (Enter apply, Esc clear)", u->filter);
	else
		snprintf(line, sizeof(line),
		         " F1/? Help  Tab Focus  / Filter%s%s  s Sort:%s  p %s  c Clear  q Quit",
		         u->filter[0] ? "=" : "", u->filter, u->sort_by_name ? "name" : "state",
		         u->paused ? "Resume" : "Pause");
	panel_text(LINES - 1, 0, COLS, line, crt_attr(UI_C_BAR));
}

void screen_layout(struct ui *u)
{
	int rows = LINES - 2; /* between the status and function bars */
	int list_h = u->nrows + 1;
	int max_list = rows / 3 > 4 ? rows / 3 : 4;
	if (list_h > max_list)
		list_h = max_list;
	if (list_h < 3)
		list_h = 3;
	panel_move(&u->list, 1, 0, list_h, COLS);
	int rest = rows - list_h;
	if (COLS >= 120) {
		int tw = COLS * 11 / 20;
		panel_move(&u->timeline, 1 + list_h, 0, rest, tw);
		panel_move(&u->detail, 1 + list_h, tw + 1, rest, COLS - tw - 1);
	} else {
		int th = rest - rest * 2 / 5;
		panel_move(&u->timeline, 1 + list_h, 0, th, COLS);
		panel_move(&u->detail, 1 + list_h + th, 0, rest - th, COLS);
	}
	u->all_dirty = true;
}

static const char *const screen_help_text[] = {
    "netboot-trace: where each network boot stalled",
    "",
    "  Up/Down j/k   move (list: select a client; panes: scroll)",
    "  PgUp/PgDn     page        Home/End g/G   first / last",
    "  Tab / Enter   next pane (list -> timeline -> detail)",
    "  /             filter clients (MAC, name, IP, model, code); Esc clears",
    "  s             sort: stalled first / by name",
    "  p             pause / resume reading the capture",
    "  c             clear finished clients (back when they send again)",
    "  ? / F1        this help        q / F10   quit",
    "",
    "Stage bar  D=firmware DHCP  F=TFTP firmware  K=TFTP kernel  k=kernel DHCP",
    "           M=portmap/MOUNT  N=NFS root",
    "           letter: done   >: in progress   X: stalled   ?: unknown   .: not reached",
    "",
    "Live captures: packet time runs on with the wall clock between packets, so a",
    "stage with no reply turns into a stall when its timeout passes (--timeout).",
    "",
    "Press any key to return.",
};

void screen_help(void)
{
	erase();
	int n = (int)(sizeof(screen_help_text) / sizeof(screen_help_text[0]));
	for (int i = 0; i < n && i + 1 < LINES; i++)
		panel_text(i + 1, 1, COLS - 1, screen_help_text[i], i == 0 ? A_BOLD : A_NORMAL);
	panel_text(0, 0, COLS, " Help", crt_attr(UI_C_BAR));
}

void screen_draw(struct ui *u)
{
	if (u->help) {
		screen_help();
		refresh();
		return;
	}
	if (u->all_dirty) {
		erase();
		u->list.dirty = u->timeline.dirty = u->detail.dirty = true;
	}
	u->list.focused = u->focus == UI_FOCUS_LIST;
	u->timeline.focused = u->focus == UI_FOCUS_TIMELINE;
	u->detail.focused = u->focus == UI_FOCUS_DETAIL;
	view_clients_header(u, u->list.title_extra, sizeof(u->list.title_extra));
	screen_bars(u);
	panel_draw(&u->list);
	panel_draw(&u->timeline);
	panel_draw(&u->detail);
	if (COLS >= 120) /* the vertical rule between timeline and detail */
		for (int y = u->detail.y; y < u->detail.y + u->detail.h; y++)
			mvaddch(y, u->detail.x - 1, '|');
	u->all_dirty = false;
	refresh();
}
