/* summary: the text boot report: one block per client (sorted by MAC) with verdict and timeline. */
#ifndef NBT_SUMMARY_H
#define NBT_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/outcome.h"

/*
 * Prints the report; times are relative to the capture's first frame and
 * "now" is its last frame, so the same capture always prints the same text.
 */
void summary_print(FILE *out, struct client_table *t, const struct diag_opts *o);
/* The same for the clients the view selects (--client; see outcome_selected), judged at the
 * view's instant, with ANSI colours on the verdicts and severities when `color`. */
void summary_print_view(FILE *out, const struct outcome_view *v, bool color);

#endif
