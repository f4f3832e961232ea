/* summary: the CI outcome of a run: which clients count (--client), the stage that counts as
 * success (--expect), how many clients must be seen (--expect-clients), and the exit code. */
#ifndef NBT_OUTCOME_H
#define NBT_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>

#include "nbt/capture.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"

/* The stage a client must reach for the run to succeed, strongest first (0: the default). */
enum outcome_expect {
	OUTCOME_EXPECT_BOOTED = 0, /* verdict booted */
	OUTCOME_EXPECT_KERNEL,     /* the kernel runs: its own DHCP was seen */
	OUTCOME_EXPECT_TFTP,       /* a TFTP file was served completely */
	OUTCOME_EXPECT_DHCP,       /* the firmware (or PXE ROM) DHCP got an ACK */
};

struct outcome_opts {
	enum outcome_expect expect;
	long expect_clients; /* fail when fewer clients were seen; 0: no minimum */
	const char *client;  /* --client MAC|serial|name, or NULL for every client */
};

/*
 * What one report judges with: the client table, the options and one instant, the same for every
 * output of the run (text, JSON, events, exit code), so they cannot disagree. For a file the
 * instant is its last frame's time; outputs_finish() builds the view once.
 */
struct outcome_view {
	struct client_table *t;
	const struct client_capture *cap;
	const struct diag_opts *d;
	const struct outcome_opts *o;
	nbt_time now;
};

/* One client's verdict as every report shows it (diagnosis of its latest attempt). */
struct outcome_client {
	const struct client *c;
	const struct client_attempt *last; /* NULL: no boot traffic yet */
	struct diag_result r;
	bool met; /* reached the expected stage */
};

bool outcome_parse_expect(const char *s, enum outcome_expect *e);
const char *outcome_expect_name(enum outcome_expect e);
/* True if `sel` names this client by MAC (any case, ':' or '-'), serial or name; with no `sel`,
 * true for every client that shows signs of a network boot (struct client's netboot). */
bool outcome_selected(const struct client *c, const char *sel);
/* The clients `sel` selects, in table order: *i starts at 0; NULL after the last. */
const struct client *outcome_next(struct client_table *t, const char *sel, size_t *i);
/* The view of a finished capture: judged at its last frame. */
struct outcome_view outcome_view_at_end(struct client_table *t, const struct diag_opts *d,
                                        const struct outcome_opts *o);
/* The clients the view's selection (--client) takes, in table order: *i starts at 0. */
const struct client *outcome_view_next(const struct outcome_view *v, size_t *i);
/* Diagnoses c's latest attempt at the view's instant and judges it against --expect. */
void outcome_judge(const struct outcome_view *v, const struct client *c,
                   struct outcome_client *out);
/* One attempt of c (the report lists every attempt), at the view's instant. */
void outcome_judge_attempt(const struct outcome_view *v, const struct client *c,
                           const struct client_attempt *a, struct diag_result *r);
/*
 * The exit code for the analysed capture: NBT_EXIT_OK when every selected client met the
 * expectation and enough were seen, NBT_EXIT_FAIL otherwise.  *nselected gets the count.
 */
int outcome_exit(const struct outcome_view *v, size_t *nselected);
/* A stable name for the kind of a capture error ("no-file", "truncated", ...), NULL for none. */
const char *outcome_error_kind(enum capture_err e);

#endif
