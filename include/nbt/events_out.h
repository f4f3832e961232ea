/* summary: the --events stream: NDJSON (one JSON object per line, flushed per line), one line
 * per boot-relevant event as the engine logs it, then one verdict line per client. */
#ifndef NBT_EVENTS_OUT_H
#define NBT_EVENTS_OUT_H

#include <stdio.h>

#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/event.h"
#include "nbt/outcome.h"

struct events_out {
	FILE *out;
	const char *client; /* --client selector, NULL for all */
};

/* A client_log_fn: arg is a struct events_out. */
void events_on_log(void *arg, const struct client *c, const struct client_attempt *a,
                   const struct client_entry *e, const struct nbt_event *ev);
/* The stable event_type of the event behind a timeline entry ("dhcp-offer", "tftp-request"...). */
const char *events_type(const struct nbt_event *ev, char buf[32]);
/* At the end: a "verdict" line per selected client and an "error" line if error_kind is set. */
void events_finish(struct events_out *eo, const struct outcome_view *v, const char *error_kind,
                   const char *error_msg);

#endif
