/* summary: the report sinks of a run (text summary, --json, --events, -w --client) and the
 * exit code they share: every sink reads the same diagnosis. */
#ifndef NBT_OUTPUTS_H
#define NBT_OUTPUTS_H

#include <stdbool.h>
#include <stdio.h>

#include "nbt/capture.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/events_out.h"
#include "nbt/outcome.h"
#include "nbt/outfile.h"
#include "nbt/report_json.h"

struct outputs {
	const char *json, *events, *wfile; /* NULL: not asked for; "-": stdout */
	bool summary, color;
	bool judged; /* exit code from the verdicts */
	struct outcome_opts out;
	struct events_out ev;
	FILE *json_f;
	struct outfile json_file, ev_file;
	struct outfile_guard guard; /* the capture being read: never an output */
	/* Written in place, not through a temporary file: the run drops root (-Z, or a live
	 * capture) after opening, and could not rename into a folder only root may write. */
	bool in_place;
};

/*
 * Opens the --json/--events files (so a bad path fails before reading) under the outfile rules;
 * input is the capture file (NULL when live), save the raw -w file (NULL if none): two outputs
 * naming one file, or an output naming the input, are refused. false: message printed.
 */
bool outputs_open(struct outputs *o, const char *input, const char *save);
/* Hooks the event stream into the engine (and, when verdicts are judged, its state lines). */
void outputs_attach(struct outputs *o, struct client_table *t, const struct diag_opts *d);
/* Live and stream sources, about once a second: packet time advanced by the wall clock, so a
 * client gone silent gets its state line without waiting for a packet. */
void outputs_tick(struct outputs *o, nbt_time now);
/*
 * At the end: writes every sink and returns the exit code: NBT_EXIT_ERROR when err_kind is set
 * (a capture error; what was read is still reported), else the verdicts' code when judged.
 */
int outputs_finish(struct outputs *o, struct client_table *t, const struct diag_opts *d,
                   const struct rjson_run *run, const char *infile, const char *filter);
/* Closes the files (the --json put in place only now); false, message printed, on a write error. */
bool outputs_close(struct outputs *o);

#endif
