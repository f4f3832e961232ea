/* summary: the interactive ncurses front end (htop-like): client list, timeline, detail, help. */
#ifndef NBT_UI_H
#define NBT_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/pkt.h"

#define UI_ERR_MAX 256

/* What the loop wants after a key or a tick (bits). */
enum ui_reaction {
	UI_OK = 0,
	UI_REDRAW = 1 << 0, /* something on screen changed */
	UI_RESIZE = 1 << 1, /* the terminal size changed: lay out again */
	UI_QUIT = 1 << 2,
	UI_PAUSE = 1 << 3, /* the pause state was toggled */
};

struct ui_opts {
	const char *source; /* interface or file name for the status bar */
	bool live;          /* -i: packet time also advances with the wall clock */
	bool tty_keys;      /* stdin is the capture: read keys from /dev/tty */
	bool no_color;      /* NO_COLOR set (or forced) */
	const struct diag_opts *diag;
	struct client_table *clients;
	const struct nbt_stats *stats;
};

struct ui;

/*
 * True when the UI should run: stdout (and the key source) is a terminal.  Call it before
 * capture_open; with stdin as the capture it also makes stdin unbuffered so poll() on it sees
 * every byte libpcap has not read yet.
 */
bool ui_prepare(bool stdin_capture);
/* Enters curses mode (terminal restored by ui_close, at exit and on fatal signals). */
struct ui *ui_open(const struct ui_opts *o, char err[UI_ERR_MAX]);
void ui_close(struct ui *u);
/* Descriptor the keys come from, for poll(). */
int ui_key_fd(const struct ui *u);
/* Reads every pending key; returns enum ui_reaction bits. */
unsigned ui_keys(struct ui *u);
/* New frames were fed to the client table: lists must be rebuilt on the next draw. */
void ui_data_changed(struct ui *u);
void ui_set_drops(struct ui *u, uint64_t drops);
/* Note for the status bar, e.g. "end of file" or a capture error. */
void ui_set_note(struct ui *u, const char *note);
/* Redraws what is dirty; `now` is the packet-time "now" the diagnosis uses. */
void ui_draw(struct ui *u, nbt_time now);
bool ui_paused(const struct ui *u);
bool ui_dirty(const struct ui *u);
/* Set by SIGINT/SIGTERM/SIGHUP while curses runs; the loop then quits cleanly. */
bool ui_interrupted(void);

#endif
