/* summary: the interactive event loop: poll() over the capture descriptor, the keyboard and
 * timers; budgeted capture_dispatch; at most 10 redraws a second; live clock; paced replay. */
#include "nbt/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nbt/xalloc.h"

struct loop {
	struct nbt_capture *cap;
	struct ui *ui;
	const struct loop_opts *o;
	capture_frame_fn fn;
	void *arg;
	enum capture_err *err;
	char *errbuf;
	long frames;
	bool ended, any;
	nbt_time last_ts, last_wall; /* the newest frame's time, and the wall clock then */
	nbt_time paused_wall;        /* when the pause began (0: not paused) */
	nbt_time last_draw, last_tick;
	nbt_time drawn_now; /* the packet-time "now" of the last screen drawn */
	/* replay: the next frame waits in a copy until its time comes */
	uint8_t *pend;
	uint32_t pend_caplen, pend_wirelen;
	nbt_time pend_ts, replay_pkt0, replay_wall0;
	bool has_pend, replay_started;
};

static nbt_time loop_wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (nbt_time)t.tv_sec * NBT_NS_PER_SEC + t.tv_nsec;
}

static void loop_feed(struct loop *l, nbt_time ts, const uint8_t *data, uint32_t caplen,
                      uint32_t wirelen)
{
	l->fn(l->arg, ts, data, caplen, wirelen);
	l->frames++;
	l->last_ts = ts;
	l->last_wall = loop_wall();
	l->any = true;
	ui_data_changed(l->ui);
}

static void loop_on_frame(void *arg, nbt_time ts, const uint8_t *data, uint32_t caplen,
                          uint32_t wirelen)
{
	struct loop *l = arg;
	if (!l->pend) {
		loop_feed(l, ts, data, caplen, wirelen);
		return;
	}
	uint32_t n = caplen < CAPTURE_SNAPLEN ? caplen : CAPTURE_SNAPLEN;
	memcpy(l->pend, data, n);
	l->pend_caplen = n;
	l->pend_wirelen = wirelen;
	l->pend_ts = ts;
	l->has_pend = true;
}

/* Reads up to budget frames; notes the end of the input (or the -c count) for the status bar. */
static int loop_read(struct loop *l, int budget)
{
	enum capture_err e = CAPERR_NONE;
	char eb[NBT_ERRBUF_SIZE];
	int n =
	    capture_read_batch(l->cap, budget, l->o->count, l->frames, loop_on_frame, l, &e, eb);
	bool counted = capture_count_reached(l->o->count, l->frames);
	if (n < 0 || counted) {
		l->ended = true;
		char note[128];
		if (e != CAPERR_NONE) {
			*l->err = e;
			snprintf(l->errbuf, NBT_ERRBUF_SIZE, "%s", eb);
			snprintf(note, sizeof(note), "capture error: %.100s", eb);
		} else {
			snprintf(note, sizeof(note), "%s", counted ? "stopped (-c)" : "EOF");
		}
		ui_set_note(l->ui, note);
	}
	return n;
}

/* Packet-time "now": live and stream sources run on with the wall clock between frames;
 * a replay follows its own clock; a file read at once stops at its last frame. */
static nbt_time loop_now(const struct loop *l, nbt_time wall)
{
	if (!l->any)
		return 0;
	if (l->paused_wall)
		wall = l->paused_wall;
	if ((l->o->live || l->o->stream) && !l->ended)
		return l->last_ts + (wall - l->last_wall);
	if (l->pend && l->replay_started && !l->ended) {
		nbt_time t =
		    l->replay_pkt0 + (nbt_time)((double)(wall - l->replay_wall0) * l->o->replay);
		return t > l->last_ts ? t : l->last_ts;
	}
	return l->last_ts;
}

/* Replay: hands over the frames whose time has come; returns ms until the next one (-1: none). */
static int loop_replay(struct loop *l, nbt_time wall)
{
	for (int i = 0; i < CAPTURE_BATCH; i++) {
		if (!l->has_pend && (l->ended || loop_read(l, 1) <= 0))
			return l->ended ? -1 : 0;
		if (!l->replay_started) {
			l->replay_started = true;
			l->replay_pkt0 = l->pend_ts;
			l->replay_wall0 = wall;
		}
		nbt_time due = l->replay_wall0 +
		               (nbt_time)((double)(l->pend_ts - l->replay_pkt0) / l->o->replay);
		if (due > wall) {
			nbt_time ms = (due - wall) / NBT_NS_PER_MS + 1;
			return ms > LOOP_TICK_MS ? LOOP_TICK_MS : (int)ms;
		}
		l->has_pend = false;
		loop_feed(l, l->pend_ts, l->pend, l->pend_caplen, l->pend_wirelen);
	}
	return 0;
}

/* Live or stream: reads what is ready now, at most CAPTURE_BATCH frames. */
static void loop_read_ready(struct loop *l, int fd)
{
	if (l->o->live) {
		loop_read(l, CAPTURE_BATCH);
		return;
	}
	/* A stream blocks in libpcap for a whole frame: one frame per readable check. */
	for (int i = 0; i < CAPTURE_BATCH && !l->ended; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (i && poll(&p, 1, 0) <= 0)
			break;
		loop_read(l, 1);
	}
}

static bool loop_reading_fd(const struct loop *l)
{
	return (l->o->live || l->o->stream) && !l->ended && !l->paused_wall;
}

/* Pause and resume: a replay's clock is shifted by the time spent paused. */
static void loop_pause(struct loop *l, nbt_time wall)
{
	if (ui_paused(l->ui)) {
		l->paused_wall = wall;
		return;
	}
	if (l->paused_wall && l->replay_started)
		l->replay_wall0 += wall - l->paused_wall;
	if (l->paused_wall && l->any)
		l->last_wall += wall - l->paused_wall;
	l->paused_wall = 0;
}

/* Draws when keys changed something, or at most every LOOP_REDRAW_MS for new data, or on the
 * clock tick; returns the ms until a pending redraw is due (-1: none). */
static int loop_maybe_draw(struct loop *l, nbt_time wall, bool keys)
{
	bool clock = (l->o->live || l->o->stream || l->pend) && !l->ended && !l->paused_wall;
	bool tick = clock && wall - l->last_tick >= LOOP_TICK_MS * NBT_NS_PER_MS;
	bool due = wall - l->last_draw >= LOOP_REDRAW_MS * NBT_NS_PER_MS;
	if (keys || tick || (ui_dirty(l->ui) && due)) {
		l->drawn_now = loop_now(l, wall);
		ui_draw(l->ui, l->drawn_now);
		l->last_draw = wall;
		if (tick)
			l->last_tick = wall;
		if (tick && l->o->on_tick)
			l->o->on_tick(l->o->tick_arg, loop_now(l, wall));
	}
	int wait = -1;
	if (ui_dirty(l->ui))
		wait = LOOP_REDRAW_MS - (int)((wall - l->last_draw) / NBT_NS_PER_MS);
	if (clock) {
		int t = LOOP_TICK_MS - (int)((wall - l->last_tick) / NBT_NS_PER_MS);
		wait = wait < 0 || t < wait ? t : wait;
	}
	return wait < 0 ? -1 : wait;
}

static int loop_min_wait(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* One pass: read or replay, draw, then sleep in poll() until a key, a frame or a timer. */
static bool loop_once(struct loop *l, bool *keys_changed)
{
	nbt_time wall = loop_wall();
	int wait = -1;
	if (l->pend && !l->paused_wall)
		wait = loop_replay(l, wall);
	else if (!l->o->live && !l->o->stream && !l->ended && !l->paused_wall) {
		loop_read(l, CAPTURE_BATCH); /* a file: no descriptor to wait on */
		wait = 0;
	}
	if (l->o->live && !l->ended) {
		uint64_t recv, drops;
		if (capture_drops(l->cap, &recv, &drops))
			ui_set_drops(l->ui, drops);
	}
	wait = loop_min_wait(wait, loop_maybe_draw(l, loop_wall(), *keys_changed));
	*keys_changed = false;
	struct pollfd p[2] = {{.fd = ui_key_fd(l->ui), .events = POLLIN}, {.fd = -1}};
	int cfd = capture_fd(l->cap);
	if (loop_reading_fd(l) && cfd >= 0)
		p[1] = (struct pollfd){.fd = cfd, .events = POLLIN};
	int rc = poll(p, 2, wait);
	if (rc < 0 && errno != EINTR)
		return false;
	if (ui_interrupted())
		return false;
	if (rc > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
		loop_read_ready(l, cfd);
	if (ui_interrupted()) /* it may have come while a stream's read blocked mid-frame */
		return false;
	unsigned r = ui_keys(l->ui);
	if (r & UI_QUIT)
		return false;
	if (r & UI_PAUSE)
		loop_pause(l, loop_wall());
	if (r)
		*keys_changed = true;
	return true;
}

long loop_run(struct nbt_capture *cap, struct ui *ui, const struct loop_opts *o,
              capture_frame_fn fn, void *arg, enum capture_err *err, char errbuf[NBT_ERRBUF_SIZE])
{
	/* The loop polls the capture's descriptor itself: a live read must not block. */
	if (o->live && !capture_set_nonblock(cap, errbuf)) {
		*err = CAPERR_OTHER;
		return 0;
	}
	struct loop l = {
	    .cap = cap, .ui = ui, .o = o, .fn = fn, .arg = arg, .err = err, .errbuf = errbuf};
	*err = CAPERR_NONE;
	errbuf[0] = '\0';
	if (o->replay > 0 && !o->live && !o->stream)
		l.pend = xmalloc(CAPTURE_SNAPLEN);
	bool keys = true;
	while (loop_once(&l, &keys))
		;
	if (o->stopped_at) /* the instant of the last screen the user saw */
		*o->stopped_at = l.drawn_now ? l.drawn_now : loop_now(&l, loop_wall());
	free(l.pend);
	return l.frames;
}
