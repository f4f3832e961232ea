/* summary: runs the report sinks (text, JSON, NDJSON events, per-client pcap) over one diagnosis
 * and turns the verdicts into the CI exit code (0 met, 1 failed, 2 error). */
#include "nbt/outputs.h"

#include <errno.h>
#include <string.h>

#include "nbt/exitcodes.h"
#include "nbt/pcapout.h"
#include "nbt/summary.h"

static FILE *outputs_fopen(const char *path, const char *what)
{
	if (strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "netboot-trace: error (output): %s %s: %s\n", what, path,
		        strerror(errno));
	return f;
}

bool outputs_open(struct outputs *o)
{
	if (o->json && !(o->json_f = outputs_fopen(o->json, "--json")))
		return false;
	if (o->events && !(o->ev.out = outputs_fopen(o->events, "--events")))
		return false;
	o->ev.client = o->out.client;
	return true;
}

void outputs_attach(struct outputs *o, struct client_table *t)
{
	if (o->ev.out)
		client_table_set_log(t, events_on_log, &o->ev);
}

/* -w FILE --client X: the selected client's frames, by a second pass over the file. */
static bool outputs_write_client(const struct outputs *o, struct client_table *t,
                                 const char *infile, const char *filter)
{
	size_t first = 0;
	const struct client *c = outcome_next(t, o->out.client, &first);
	char err[NBT_ERRBUF_SIZE];
	uint64_t n;
	if (!c) {
		fprintf(stderr,
		        "netboot-trace: error (no-client): -w: no client %s in the capture\n",
		        o->out.client);
		return false;
	}
	if (!pcapout_client(infile, filter, o->wfile, c, &n, err)) {
		fprintf(stderr, "netboot-trace: error (output): %s\n", err);
		return false;
	}
	return true;
}

int outputs_finish(struct outputs *o, struct client_table *t, const struct diag_opts *d,
                   const struct rjson_run *run, const char *infile, const char *filter)
{
	size_t n;
	int rc = o->judged ? outcome_exit(t, d, &o->out, &n) : NBT_EXIT_OK;
	if (run->error_kind)
		rc = NBT_EXIT_ERROR;
	if (o->wfile && infile && !outputs_write_client(o, t, infile, filter))
		rc = NBT_EXIT_ERROR;
	if (o->summary)
		summary_print_sel(stdout, t, d, o->out.client, o->color);
	if (o->json_f) {
		struct rjson_run r = *run;
		r.exit_code = rc;
		rjson_report(o->json_f, t, d, &o->out, &r);
		fflush(o->json_f);
	}
	if (o->ev.out)
		events_finish(&o->ev, t, d, &o->out, run->error_kind, run->error_msg);
	return rc;
}

void outputs_close(struct outputs *o)
{
	if (o->json_f && o->json_f != stdout)
		fclose(o->json_f);
	if (o->ev.out && o->ev.out != stdout)
		fclose(o->ev.out);
	o->json_f = o->ev.out = NULL;
}
