/* summary: generic scrolling list panel for the UI: title line, visible window, selection or
 * scroll position, navigation keys, dirty flag (redraw only what changed). */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "nbt/textesc.h"

#include "ui_priv.h"

void panel_text(int y, int x, int w, const char *s, int attr)
{
	if (x + w > COLS) /* never past the right edge: curses would wrap onto the next line */
		w = COLS - x;
	if (w <= 0 || x < 0 || y < 0 || y >= LINES)
		return;
	attrset(attr);
	move(y, x);
	/* The report's escaping (textesc); the screen runs without a locale, so the bytes of
	 * non-ASCII UTF-8 are shown as \xNN too rather than as curses' M- notation. */
	char esc[TEXTESC_BUF_MAX];
	textesc_str(esc, sizeof esc, s ? s : "");
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)esc; *p && n < w; p++) {
		if (*p < 0x80) {
			addch((chtype)*p);
			n++;
			continue;
		}
		char hx[5];
		snprintf(hx, sizeof hx, "\\x%02x", *p);
		for (int k = 0; k < 4 && n < w; k++, n++)
			addch((chtype)(unsigned char)hx[k]);
	}
	for (; n < w; n++)
		addch(' ');
	attrset(A_NORMAL);
}

void panel_move(struct panel *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h < 1 ? 1 : h;
	p->w = w < 1 ? 1 : w;
	p->dirty = true;
	panel_set_count(p, p->count);
}

/* Rows visible under the title line. */
static int panel_rows(const struct panel *p)
{
	return p->h > 1 ? p->h - 1 : 0;
}

/* Keeps selected and scroll inside the list and the selection on screen. */
static void panel_clamp(struct panel *p)
{
	int rows = panel_rows(p);
	if (p->selected >= p->count)
		p->selected = p->count - 1;
	if (p->selected < 0)
		p->selected = 0;
	int max_scroll = p->count - rows;
	if (max_scroll < 0)
		max_scroll = 0;
	if (p->has_cursor) {
		if (p->selected < p->scroll)
			p->scroll = p->selected;
		if (rows > 0 && p->selected >= p->scroll + rows)
			p->scroll = p->selected - rows + 1;
	}
	if (p->scroll > max_scroll)
		p->scroll = max_scroll;
	if (p->scroll < 0)
		p->scroll = 0;
}

void panel_set_count(struct panel *p, int count)
{
	if (count != p->count)
		p->dirty = true;
	p->count = count < 0 ? 0 : count;
	panel_clamp(p);
}

void panel_draw(struct panel *p)
{
	if (!p->dirty || p->h <= 0)
		return;
	char title[UI_LINE_MAX + 64];
	snprintf(title, sizeof(title), " %.60s%s", p->title, p->title_extra);
	panel_text(p->y, p->x, p->w, title, crt_attr(p->focused ? UI_C_TITLE_FOCUS : UI_C_TITLE));
	int rows = panel_rows(p);
	for (int i = 0; i < rows; i++) {
		int row = p->scroll + i;
		int y = p->y + 1 + i;
		if (row < p->count)
			p->draw_row(p->ctx, p, row, y, p->has_cursor && row == p->selected);
		else
			panel_text(y, p->x, p->w, "", A_NORMAL);
	}
	p->dirty = false;
}

/* Moves the cursor (list) or the view (text panes) by delta rows. */
static void panel_step(struct panel *p, int delta)
{
	if (p->has_cursor)
		p->selected += delta;
	else
		p->scroll += delta;
}

unsigned panel_on_key(struct panel *p, int key)
{
	int before_sel = p->selected, before_scroll = p->scroll;
	int page = panel_rows(p) > 1 ? panel_rows(p) - 1 : 1;
	switch (key) {
	case KEY_UP:
	case 'k':
		panel_step(p, -1);
		break;
	case KEY_DOWN:
	case 'j':
		panel_step(p, 1);
		break;
	case KEY_PPAGE:
		panel_step(p, -page);
		break;
	case KEY_NPAGE:
	case ' ':
		panel_step(p, page);
		break;
	case KEY_HOME:
	case 'g':
		p->selected = 0;
		p->scroll = 0;
		break;
	case KEY_END:
	case 'G':
		p->selected = p->count - 1;
		p->scroll = p->count;
		break;
	default:
		return UI_OK;
	}
	panel_clamp(p);
	if (p->selected == before_sel && p->scroll == before_scroll)
		return UI_OK;
	p->dirty = true;
	return UI_REDRAW;
}
