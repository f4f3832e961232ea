/* summary: runs the report sinks (text, JSON, NDJSON events, per-client pcap) over one diagnosis
 * and turns the verdicts into the CI exit code (0 met, 1 failed, 2 error). */
#include "nbt/outputs.h"

#include "nbt/exitcodes.h"
#include "nbt/pcapout.h"
#include "nbt/summary.h"
#include "nbt/textesc.h"

static void outputs_error(const char *msg)
{
	textesc_line(stderr, "netboot-trace: error (output): ", msg, "");
}

/* Two options naming one file would interleave two formats in it: refuse before writing. */
static bool outputs_distinct(const char *const paths[], const char *const names[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++)
			if (paths[i] && paths[k] && outfile_same(paths[i], paths[k])) {
				char head[96];
				snprintf(head, sizeof head,
				         "netboot-trace: error (output): %s and %s both name ",
				         names[i], names[k]);
				textesc_line(stderr, head, paths[i], "; give each its own file");
				return false;
			}
	return true;
}

bool outputs_open(struct outputs *o, const char *input, const char *save)
{
	char err[OUTFILE_ERR_MAX];
	const char *paths[] = {o->json, o->events, o->wfile ? o->wfile : save};
	const char *names[] = {"--json", "--events", "-w"};
	if (!outputs_distinct(paths, names, 3))
		return false;
	outfile_guard_input(&o->guard, input);
	if (o->wfile && !outfile_check(o->wfile, "-w", &o->guard, err)) {
		outputs_error(err);
		return false;
	}
	if (o->json) {
		if (!outfile_open(&o->json_file, o->json, "--json", !o->in_place, &o->guard, err)) {
			outputs_error(err);
			return false;
		}
		o->json_f = o->json_file.f;
	}
	if (o->events) {
		if (!outfile_open(&o->ev_file, o->events, "--events", false, &o->guard, err)) {
			outputs_error(err);
			outfile_close(&o->json_file, false, err);
			o->json_f = NULL;
			return false;
		}
		o->ev.out = o->ev_file.f;
	}
	o->ev.client = o->out.client;
	return true;
}

void outputs_attach(struct outputs *o, struct client_table *t, const struct diag_opts *d)
{
	if (!o->ev.out)
		return;
	client_table_set_log(t, events_on_log, &o->ev);
	if (o->judged)
		events_watch(&o->ev, t, d);
}

void outputs_tick(struct outputs *o, nbt_time now)
{
	events_tick(&o->ev, now);
}

/* -w FILE --client X: the selected client's frames, by a second pass over the file. */
static bool outputs_write_client(const struct outputs *o, struct client_table *t,
                                 const char *infile, const char *filter)
{
	size_t first = 0;
	const struct client *c = outcome_next(t, o->out.client, &first);
	char err[NBT_ERRBUF_SIZE];
	uint64_t n;
	char ferr[OUTFILE_ERR_MAX];
	struct outfile f;
	if (!c) {
		textesc_line(stderr, "netboot-trace: error (no-client): -w: no client ",
		             o->out.client, " in the capture");
		return false;
	}
	if (!outfile_open(&f, o->wfile, "-w", true, &o->guard, ferr)) {
		outputs_error(ferr);
		return false;
	}
	bool ok = pcapout_client(infile, filter, f.f, c, &n, err);
	if (!ok)
		outputs_error(err);
	if (!outfile_close(&f, ok, ferr) && ok) {
		outputs_error(ferr);
		ok = false;
	}
	return ok;
}

int outputs_finish(struct outputs *o, struct client_table *t, const struct diag_opts *d,
                   const struct rjson_run *run, const char *infile, const char *filter)
{
	/* Every output below judges through this one view: the same options, the same instant
	 * (the last frame's for a file; when the capture stopped, for a live one). */
	struct outcome_view v = outcome_view_at_end(t, d, &o->out);
	if (run->judged_at)
		v.now = run->judged_at;
	size_t n;
	int rc = o->judged ? outcome_exit(&v, &n) : NBT_EXIT_OK;
	if (run->error_kind)
		rc = NBT_EXIT_ERROR;
	if (o->wfile && infile && !outputs_write_client(o, t, infile, filter))
		rc = NBT_EXIT_ERROR;
	if (o->summary)
		summary_print_view(stdout, &v, o->color);
	if (o->json_f) {
		struct rjson_run r = *run;
		r.exit_code = rc;
		rjson_report(o->json_f, &v, &r);
	}
	if (o->ev.out)
		events_finish(&o->ev, &v, run->error_kind, run->error_msg);
	return rc;
}

bool outputs_close(struct outputs *o)
{
	char err[OUTFILE_ERR_MAX];
	bool ok = true;
	if (!outfile_close(&o->json_file, true, err)) {
		outputs_error(err);
		ok = false;
	}
	if (!outfile_close(&o->ev_file, true, err)) {
		outputs_error(err);
		ok = false;
	}
	events_free(&o->ev);
	o->json_f = o->ev.out = NULL;
	return ok;
}
