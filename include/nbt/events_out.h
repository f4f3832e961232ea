/* summary: the --events stream: NDJSON (one JSON object per line, flushed per line), one line
 * per boot-relevant event as the engine logs it, then one verdict line per client. */
#ifndef NBT_EVENTS_OUT_H
#define NBT_EVENTS_OUT_H

#include <stdio.h>

#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/event.h"
#include "nbt/outcome.h"

/* The state line last written for one client (a client's state changes a handful of times). */
struct events_seen {
	const struct client *c;
	uint32_t sig; /* state, code and attempt of that line */
};

struct events_out {
	FILE *out;
	const char *client; /* --client selector, NULL for all */
	/* Set by events_watch: a "state" line is written when a client's state changes. */
	struct client_table *t;
	const struct diag_opts *diag;
	struct events_seen *seen; /* open addressing by client, grown at half full */
	size_t nseen, cap;
};

/* From now on, judge a client after each of its events and write a "state" line when its state
 * (waiting, suspect, booted, stalled, unknown), code or attempt changed. */
void events_watch(struct events_out *eo, struct client_table *t, const struct diag_opts *d);
/* Live: judges every selected client at `now` (idle time counts: a Pi gone silent becomes
 * stalled without a packet) and writes the state lines that changed. */
void events_tick(struct events_out *eo, nbt_time now);
void events_free(struct events_out *eo);

/* A client_log_fn: arg is a struct events_out. */
void events_on_log(void *arg, const struct client *c, const struct client_attempt *a,
                   const struct client_entry *e, const struct nbt_event *ev);
/* The stable event_type of the event behind a timeline entry ("dhcp-offer", "tftp-request"...). */
const char *events_type(const struct nbt_event *ev, char buf[32]);
/* At the end: a "verdict" line per selected client and an "error" line if error_kind is set. */
void events_finish(struct events_out *eo, const struct outcome_view *v, const char *error_kind,
                   const char *error_msg);

#endif
