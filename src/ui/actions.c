/* summary: the UI key bindings: a key -> action table returning reaction bits (redraw, resize,
 * quit, pause), the filter line editor, and the dispatch order (view, global keys, panel). */
#include <curses.h>
#include <string.h>

#include "ui_priv.h"

typedef unsigned (*action_fn)(struct ui *u, int key);

static unsigned action_quit(struct ui *u, int key)
{
	(void)u;
	(void)key;
	return UI_QUIT;
}

static unsigned action_help(struct ui *u, int key)
{
	(void)key;
	u->help = true;
	return UI_REDRAW;
}

static unsigned action_focus(struct ui *u, int key)
{
	int step = key == KEY_BTAB ? UI_FOCUS__COUNT - 1 : 1;
	u->focus = (enum ui_focus)(((int)u->focus + step) % UI_FOCUS__COUNT);
	u->all_dirty = true;
	return UI_REDRAW;
}

static unsigned action_filter(struct ui *u, int key)
{
	(void)key;
	u->filtering = true;
	u->all_dirty = true;
	return UI_REDRAW;
}

static unsigned action_sort(struct ui *u, int key)
{
	(void)key;
	u->sort_by_name = !u->sort_by_name;
	u->data_dirty = true;
	return UI_REDRAW;
}

static unsigned action_pause(struct ui *u, int key)
{
	(void)key;
	u->paused = !u->paused;
	u->all_dirty = true;
	return UI_REDRAW | UI_PAUSE;
}

static unsigned action_clear(struct ui *u, int key)
{
	(void)key;
	view_clients_hide_finished(u);
	u->data_dirty = true;
	return UI_REDRAW;
}

static unsigned action_resize(struct ui *u, int key)
{
	(void)key;
	(void)u;
	return UI_RESIZE | UI_REDRAW;
}

static unsigned action_refresh(struct ui *u, int key)
{
	(void)key;
	clearok(curscr, TRUE);
	u->all_dirty = true;
	return UI_REDRAW;
}

static const action_fn actions_keys[KEY_MAX] = {
    ['q'] = action_quit,          ['Q'] = action_quit,        [KEY_F(10)] = action_quit,
    ['?'] = action_help,          ['h'] = action_help,        [KEY_F(1)] = action_help,
    ['\t'] = action_focus,        [KEY_BTAB] = action_focus,  ['\r'] = action_focus,
    ['\n'] = action_focus,        [KEY_ENTER] = action_focus, ['/'] = action_filter,
    ['s'] = action_sort,          ['p'] = action_pause,       ['c'] = action_clear,
    [KEY_RESIZE] = action_resize, [12] = action_refresh, /* Ctrl-L */
};

/* The filter line: printable keys append, Backspace deletes, Enter keeps, Esc clears. */
static unsigned actions_filter_key(struct ui *u, int key)
{
	if (key == 27 || key == 7) { /* Esc, Ctrl-G */
		u->filter[0] = '\0';
		u->filter_len = 0;
		u->filtering = false;
	} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		u->filtering = false;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (u->filter_len)
			u->filter[--u->filter_len] = '\0';
	} else if (key >= ' ' && key < 127 && u->filter_len + 1 < sizeof(u->filter)) {
		u->filter[u->filter_len++] = (char)key;
		u->filter[u->filter_len] = '\0';
	} else {
		return key == KEY_RESIZE ? UI_RESIZE | UI_REDRAW : UI_OK;
	}
	u->has_sel = false; /* the first match gets selected */
	u->data_dirty = true;
	u->all_dirty = true;
	return UI_REDRAW;
}

static struct panel *actions_focused(struct ui *u)
{
	switch (u->focus) {
	case UI_FOCUS_TIMELINE:
		return &u->timeline;
	case UI_FOCUS_DETAIL:
		return &u->detail;
	default:
		return &u->list;
	}
}

unsigned actions_on_key(struct ui *u, int key)
{
	if (u->filtering)
		return actions_filter_key(u, key);
	if (u->help) { /* any key closes the help screen; a resize is still a resize */
		u->help = false;
		u->all_dirty = true;
		return key == KEY_RESIZE ? UI_RESIZE | UI_REDRAW : UI_REDRAW;
	}
	if (key >= 0 && key < KEY_MAX && actions_keys[key])
		return actions_keys[key](u, key);
	struct panel *p = actions_focused(u);
	unsigned r = panel_on_key(p, key);
	if (r && p == &u->list && u->nrows) {
		memcpy(u->sel_key, u->rows[u->list.selected].key, sizeof(u->sel_key));
		u->has_sel = true;
		u->data_dirty = true; /* the timeline and detail follow the selection */
		u->timeline.scroll = u->detail.scroll = 0;
	}
	return r;
}
