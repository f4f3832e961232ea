/* summary: UI internals shared by the src/ui modules: terminal (crt), panels, layout, views,
 * actions. */
#ifndef NBT_UI_PRIV_H
#define NBT_UI_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/ui.h"

#define UI_SEGS       6   /* stage bar: DHCP FW KERNEL K-DHCP MOUNT NFS */
#define UI_LINE_MAX   512 /* one timeline/detail line */
#define UI_LINES_MAX  600 /* lines in the timeline or detail pane */
#define UI_FILTER_MAX 48

/* Colour pairs (crt_attr maps them to A_* attributes when colour is off). */
enum ui_color {
	UI_C_NORMAL = 0,
	UI_C_DONE,
	UI_C_PROGRESS,
	UI_C_STALL,
	UI_C_UNKNOWN,
	UI_C_TITLE,
	UI_C_TITLE_FOCUS,
	UI_C_SELECT,
	UI_C_BAR,
	UI_C_DIM,
	UI_C__COUNT
};

enum ui_seg_state { UI_SEG_NONE = 0, UI_SEG_DONE, UI_SEG_PROGRESS, UI_SEG_STALL, UI_SEG_UNKNOWN };

/* crt.c: terminal set-up and teardown. */
bool crt_init(bool tty_keys, bool no_color, char err[UI_ERR_MAX]);
void crt_done(void);
int crt_key_fd(void);
int crt_attr(enum ui_color c);
bool crt_has_color(void);
bool crt_interrupted(void);

/* panel.c: a scrolling list of `count` rows drawn by a callback. */
struct panel;
typedef void (*panel_row_fn)(void *ctx, const struct panel *p, int row, int y, bool selected);
struct panel {
	const char *title;
	int y, x, h, w; /* including the title line */
	int count, selected, scroll;
	bool focused, dirty, has_cursor; /* no cursor: arrows scroll the text */
	panel_row_fn draw_row;
	void *ctx;
	char title_extra[UI_LINE_MAX];
};
void panel_move(struct panel *p, int y, int x, int h, int w);
void panel_set_count(struct panel *p, int count);
void panel_draw(struct panel *p);
/* Navigation keys (arrows, jk, PgUp/PgDn, Home/End); returns UI_REDRAW if it moved. */
unsigned panel_on_key(struct panel *p, int key);
/* Writes at most w cells of s at (y, x) padded with blanks. */
void panel_text(int y, int x, int w, const char *s, int attr);

/* One client list row (the diagnosis result reduced to what the list shows). */
struct ui_row {
	const struct client *c;
	uint8_t key[7]; /* MAC (or IP) + kind: keeps the selection across re-sorts */
	enum diag_verdict verdict;
	enum diag_state state;
	bool has_attempt;
	const char *code;
	enum ui_seg_state seg[UI_SEGS];
	nbt_time last;
	char text[160]; /* what the filter matches */
};

enum ui_focus { UI_FOCUS_LIST = 0, UI_FOCUS_TIMELINE, UI_FOCUS_DETAIL, UI_FOCUS__COUNT };

struct ui_line {
	char s[UI_LINE_MAX];
	enum ui_color color;
};

struct ui {
	struct ui_opts o;
	struct panel list, timeline, detail;
	enum ui_focus focus;
	bool help, paused, data_dirty, all_dirty, sort_by_name;
	bool filtering; /* typing the filter */
	char filter[UI_FILTER_MAX];
	size_t filter_len;
	struct ui_row *rows; /* grown to the clients shown (--max-clients at most) */
	int nrows, rows_cap;
	uint8_t sel_key[7];
	bool has_sel;
	/* "c" hides finished clients until they send again: their keys and event counts */
	struct ui_hidden {
		uint8_t key[7];
		uint64_t events;
	} * hidden;
	int nhidden, hidden_cap;
	struct diag_result sel_diag; /* the selected client's latest attempt */
	struct ui_line tl[UI_LINES_MAX], dl[UI_LINES_MAX];
	int ntl, ndl;
	int tl_stall_line; /* first line marked as the stall, -1 if none */
	nbt_time now;
	uint64_t drops;
	char note[128];
};

/* screen.c */
void screen_layout(struct ui *u);
void screen_draw(struct ui *u);
void screen_help(void);
/* views */
void view_clients_rebuild(struct ui *u);
void view_clients_draw_row(void *ctx, const struct panel *p, int row, int y, bool selected);
const struct ui_row *view_clients_selected(const struct ui *u);
void view_clients_hide_finished(struct ui *u);
void view_timeline_build(struct ui *u, const struct ui_row *r);
void view_detail_build(struct ui *u, const struct ui_row *r);
void view_lines_draw_row(void *ctx, const struct panel *p, int row, int y, bool selected);
/* Relative time "+3.052s" (from the capture's first frame) into buf. */
void ui_fmt_rel(char *buf, size_t size, nbt_time ts, nbt_time t0);
void ui_fmt_age(char *buf, size_t size, nbt_time d);
void ui_fmt_ip(char *buf, size_t size, uint32_t ip);
/* Appends one line (cut at UI_LINE_MAX) to a pane; false when the pane is full. */
bool ui_line_add(struct ui_line *lines, int *n, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Appends text word-wrapped to width, continuation lines indented by indent blanks. */
void ui_line_wrap(struct ui_line *lines, int *n, enum ui_color c, int indent, int width,
                  const char *text);
void view_clients_header(const struct ui *u, char *buf, size_t size);
/* actions.c */
unsigned actions_on_key(struct ui *u, int key);

#endif
