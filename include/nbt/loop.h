/* summary: the interactive event loop: poll() over the capture, the keyboard and timers, with a
 * dispatch budget so packet bursts cannot starve the UI, and paced replay of offline files. */
#ifndef NBT_LOOP_H
#define NBT_LOOP_H

#include <stdbool.h>

#include "nbt/capture.h"
#include "nbt/ui.h"

#define LOOP_REDRAW_MS 100  /* at most 10 redraws a second for new packets */
#define LOOP_TICK_MS   1000 /* live clock: ages and timeouts move on once a second */

struct loop_opts {
	long count;    /* stop reading after this many frames (0: all) */
	double replay; /* offline file: 0 reads it all at once; N plays it N times its pace */
	bool live;     /* -i: a live interface (non-blocking reads, kernel drop counter) */
	bool stream;   /* -r -: a stream on stdin */
	/* Called on the clock tick of a live or stream source with the packet-time "now" the screen
	 * shows (the --events state lines of a client gone silent); may be NULL. */
	void (*on_tick)(void *arg, nbt_time now);
	void *tick_arg;
	/* Gets the "now" of the last screen when the loop ends: the reports judge at that instant,
	 * so the --json written after `q` says what the screen said. May be NULL. */
	nbt_time *stopped_at;
};

/*
 * Feeds frames to fn(arg, ...) and runs the UI until the user quits or a signal asks to stop.
 * Live and stream sources advance packet time by the wall clock between frames (the "now" the
 * diagnosis uses, so a silent stage becomes a stall when its timeout passes); offline files use
 * their own last frame time only, so the result stays deterministic. On a capture error *err and
 * errbuf say why (the UI keeps showing what was read). Returns the number of frames read.
 */
long loop_run(struct nbt_capture *cap, struct ui *ui, const struct loop_opts *o,
              capture_frame_fn fn, void *arg, enum capture_err *err, char errbuf[NBT_ERRBUF_SIZE]);

#endif
