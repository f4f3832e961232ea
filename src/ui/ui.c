/* summary: the UI's public face for main and the loop: open/close, keys, data changes, draw. */
#include <curses.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_priv.h"
#include "nbt/xalloc.h"

bool ui_prepare(bool stdin_capture)
{
	if (!isatty(STDOUT_FILENO))
		return false;
	if (!stdin_capture)
		return isatty(STDIN_FILENO) != 0;
	int fd = open("/dev/tty", O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return false;
	close(fd);
	/* libpcap reads the stream through stdio: unbuffered, no frame can sit in a stdio
	 * buffer while poll() says the descriptor has nothing. */
	setvbuf(stdin, NULL, _IONBF, 0);
	return true;
}

struct ui *ui_open(const struct ui_opts *o, char err[UI_ERR_MAX])
{
	const char *nc = getenv("NO_COLOR");
	bool no_color = o->no_color || (nc && *nc);
	if (!crt_init(o->tty_keys, no_color, err))
		return NULL;
	struct ui *u = xcalloc(1, sizeof(*u));
	u->o = *o;
	u->list = (struct panel){
	    .title = "", .has_cursor = true, .draw_row = view_clients_draw_row, .ctx = u};
	u->timeline =
	    (struct panel){.title = "Timeline", .draw_row = view_lines_draw_row, .ctx = u->tl};
	u->detail =
	    (struct panel){.title = "Detail", .draw_row = view_lines_draw_row, .ctx = u->dl};
	u->data_dirty = true;
	u->tl_stall_line = -1;
	screen_layout(u);
	return u;
}

void ui_close(struct ui *u)
{
	crt_done();
	free(u->rows);
	free(u->hidden);
	free(u);
}

int ui_key_fd(const struct ui *u)
{
	(void)u;
	return crt_key_fd();
}

unsigned ui_keys(struct ui *u)
{
	unsigned r = UI_OK;
	int key;
	while ((key = getch()) != ERR) {
		r |= actions_on_key(u, key);
		if (r & UI_RESIZE) {
			screen_layout(u);
			u->data_dirty = true; /* wrapped text depends on the width */
		}
		if (r & UI_QUIT)
			break;
	}
	if (r & UI_REDRAW)
		u->all_dirty = u->all_dirty || (r & UI_RESIZE);
	return r;
}

void ui_data_changed(struct ui *u)
{
	u->data_dirty = true;
}

void ui_set_drops(struct ui *u, uint64_t drops)
{
	if (drops != u->drops)
		u->data_dirty = true;
	u->drops = drops;
}

void ui_set_note(struct ui *u, const char *note)
{
	snprintf(u->note, sizeof(u->note), "%s", note ? note : "");
	u->all_dirty = true;
}

bool ui_paused(const struct ui *u)
{
	return u->paused;
}

bool ui_dirty(const struct ui *u)
{
	return u->data_dirty || u->all_dirty || u->list.dirty || u->timeline.dirty ||
	       u->detail.dirty;
}

/* Rows, then the selected client's diagnosis, timeline and detail lines. */
static void ui_rebuild(struct ui *u)
{
	int before = u->nrows;
	view_clients_rebuild(u);
	if (u->nrows != before)
		screen_layout(u);
	const struct ui_row *sel = view_clients_selected(u);
	const struct client_attempt *a = sel ? client_last_attempt(sel->c) : NULL;
	memset(&u->sel_diag, 0, sizeof(u->sel_diag));
	u->sel_diag.primary = -1;
	if (a)
		diag_client(sel->c, client_table_capture(u->o.clients), u->o.diag, u->now,
		            &u->sel_diag);
	view_timeline_build(u, sel);
	view_detail_build(u, sel);
	u->list.dirty = u->timeline.dirty = u->detail.dirty = true;
	u->data_dirty = false;
}

void ui_draw(struct ui *u, nbt_time now)
{
	if (now != u->now)
		u->data_dirty = true;
	u->now = now;
	if (u->data_dirty)
		ui_rebuild(u);
	screen_draw(u);
}
