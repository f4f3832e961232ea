/* summary: netboot-trace command line: options, wiring of capture -> pipeline -> outputs. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nbt/capture.h"
#include "nbt/client.h"
#include "nbt/decode.h"
#include "nbt/diag_codes.h"
#include "nbt/diagnose.h"
#include "nbt/dump.h"
#include "nbt/exitcodes.h"
#include "nbt/filter.h"
#include "nbt/hosts.h"
#include "nbt/loop.h"
#include "nbt/outputs.h"
#include "nbt/pipeline.h"
#include "nbt/privdrop.h"
#include "nbt/stats_out.h"
#include "nbt/summary.h"
#include "nbt/textesc.h"
#include "nbt/ui.h"
#include "nbt/xalloc.h"

#define FILTER_MAX 4096

struct options {
	struct capture_opts cap;
	long count; /* stop after this many frames; 0: all */
	bool dump;
	bool stats;
	bool summary;
	const char *hosts; /* --hosts FILE */
	long max_clients;  /* --max-clients N; 0: CLIENT_MAX */
	struct diag_opts diag;
	struct outputs rep; /* --json, --events, -w, --expect*, --client, colours */
	bool no_color, judged_opts;
	bool ui, no_ui; /* the interactive UI (src/ui): a terminal and no explicit output */
	double replay;  /* --replay[=N] in the UI */

	const char *save;  /* -w FILE without --client: the raw frames as captured */
	const char *user;  /* -Z USER once the capture is open (NULL: nobody if root, live) */
	bool print_filter; /* --print-filter */
	bool list_ifaces;  /* -D */
};

struct run {
	struct pipeline *pipe;
	struct client_table *clients;
	const struct options *opt;
	struct outputs *rep; /* the options' outputs: the live state lines write to them */
	long frames;
	/* Live and stream sources: packet time runs on with the wall clock after the last frame
	 * (as on the screen), so the reports judge at the instant the capture stopped. */
	bool clocked;
	nbt_time last_ts, last_wall, last_tick;
	nbt_time stopped_at; /* the UI's last screen */
	enum capture_err err;
	char errbuf[NBT_ERRBUF_SIZE];
};

static volatile sig_atomic_t main_stop;

static nbt_time main_wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (nbt_time)t.tv_sec * NBT_NS_PER_SEC + t.tv_nsec;
}
static struct nbt_capture *main_capture;

static void main_on_signal(int sig)
{
	(void)sig;
	main_stop = 1;
	if (main_capture)
		capture_break(main_capture);
}

/* A line on stderr: "netboot-trace: " head msg tail; msg may quote an argument, a path or packet
 * text, so it is escaped (textesc), head and tail are the program's own words. */
static void main_say(const char *head, const char *msg, const char *tail)
{
	fputs("netboot-trace: ", stderr);
	textesc_line(stderr, head, msg, tail);
}

static void main_error(const char *kind, const char *msg, const char *tail)
{
	char head[64];
	snprintf(head, sizeof head, "error (%s): ", kind);
	main_say(head, msg, tail);
}

static void main_usage(FILE *out)
{
	fputs("Usage: netboot-trace [-i IFACE | -r FILE|-] [options] [filter expression]\n"
	      "Follow network-booting machines (DHCP, TFTP, NFS root) in a capture.\n"
	      "\n"
	      "  -i IFACE        capture live on IFACE\n"
	      "  -r FILE         read a pcap or pcapng file, plain or gzip/xz/zstd-compressed "
	      "(known by its\n"
	      "                  first bytes, not its name); '-' reads a stream on stdin\n"
	      "  -D              list the interfaces -i can capture on\n"
	      "  -Z USER         run as USER once the capture is open (default for -i when\n"
	      "                  started as root: nobody; -Z root stays root)\n"
	      "      --print-filter  print the default live capture filter and exit (for\n"
	      "                  tcpdump on a router; with -i any: without 802.1Q terms)\n"
	      "  -B KIB          live capture buffer in KiB (default 131072: 128 MiB)\n"
	      "  -c COUNT        stop after COUNT frames\n"
	      "      --dump      print one line per decoded event (key=value)\n"
	      "      --stats     print frame and protocol counters at the end\n"
	      "      --summary   print the boot report at the end (the default when neither\n"
	      "                  --dump nor --stats is given)\n"
	      "      --hosts FILE  name clients from FILE: lines 'NAME SERIAL MAC' (serial\n"
	      "                  and/or MAC, any order; '#' comments)\n"
	      "      --timeout NAME=SEC[,...]  stage timeouts in packet time: dhcp (45),\n"
	      "                  dhcp-request (4), tftp-file (30), kernel-dhcp (60), nfs (30)\n"
	      "      --max-clients N  follow up to N clients (default 256; memory grows with\n"
	      "                  the clients seen, ~100 KB each)\n"
	      "      --json FILE|-    write the report as one JSON document (netboot-trace/1)\n"
	      "      --events FILE|-  write one JSON line per boot event as it happens (NDJSON)\n"
	      "      --expect STAGE   booted (default), kernel, tftp or dhcp: the stage every\n"
	      "                  client must reach for exit code 0\n"
	      "      --expect-clients N  exit 1 when fewer than N clients were seen\n"
	      "      --client MAC|SERIAL|NAME  report and judge only this machine\n"
	      "  -w FILE         save the raw frames read (live: as captured) to a pcap,\n"
	      "                  replacing FILE;\n"
	      "                  with --client: only that client's frames (needs -r FILE)\n"
	      "      --no-color  no colours in the report (also when NO_COLOR is set)\n"
	      "      --no-ui     no interactive screen even on a terminal (the UI is the\n"
	      "                  default when stdout is a terminal and no output is chosen)\n"
	      "      --replay[=N]  UI on a file: play it at its recorded pace (N times faster)\n"
	      "      --codes     list every finding code: kind, meaning, usual fix\n"
	      "  -h, --help      show this help\n"
	      "      --version   show the version\n"
	      "\n"
	      "A trailing filter expression (pcap-filter(7) syntax) limits what is read.\n"
	      "Live (-i), without one, the default filter of --print-filter is used and\n"
	      "widened to each RPC port a portmap reply names; an expression given replaces\n"
	      "the default entirely (it is neither combined with it nor widened).\n"
	      "Exit status: 0 every client reached the expected stage, 1 a client stalled or\n"
	      "did not get there, 2 bad usage or input.\n",
	      out);
}

/* Joins the trailing arguments into one filter expression, as tcpdump does. */
static bool main_join_filter(int argc, char **argv, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < argc; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= size - used)
			return false;
		used += (size_t)n;
	}
	return true;
}

enum {
	OPT_VERSION = 256,
	OPT_DUMP,
	OPT_STATS,
	OPT_SUMMARY,
	OPT_HOSTS,
	OPT_TIMEOUT,
	OPT_JSON,
	OPT_EVENTS,
	OPT_EXPECT,
	OPT_EXPECT_CLIENTS,
	OPT_CLIENT,
	OPT_NO_COLOR,
	OPT_NO_UI,
	OPT_REPLAY,
	OPT_PRINT_FILTER,
	OPT_MAX_CLIENTS,
	OPT_CODES,
};

/* The report and CI options (outputs.h); false for an option that is not one of them. */
static bool report_option(int ch, const char *arg, struct options *o)
{
	char *end;
	switch (ch) {
	case OPT_JSON:
		o->rep.json = arg;
		return true;
	case OPT_EVENTS:
		o->rep.events = arg;
		return true;
	case OPT_NO_COLOR:
		o->no_color = true;
		return true;
	case OPT_CLIENT:
		o->rep.out.client = arg;
		o->judged_opts = true;
		return true;
	case OPT_EXPECT:
		if (!outcome_parse_expect(arg, &o->rep.out.expect)) {
			fprintf(stderr,
			        "netboot-trace: --expect needs booted, kernel, tftp or dhcp, "
			        "not '%s'\n",
			        arg);
			exit(NBT_EXIT_ERROR);
		}
		o->judged_opts = true;
		return true;
	case OPT_EXPECT_CLIENTS:
		o->rep.out.expect_clients = strtol(arg, &end, 10);
		if (*end || end == arg || o->rep.out.expect_clients < 0) {
			main_say("--expect-clients needs a count, not '", arg, "'");
			exit(NBT_EXIT_ERROR);
		}
		o->judged_opts = true;
		return true;
	default:
		return false;
	}
}

/* Which sinks run, and whether the verdicts set the exit code. */
static bool report_check(struct options *o)
{
	struct outputs *r = &o->rep;
	bool json_out = r->json && strcmp(r->json, "-") == 0;
	bool events_out = r->events && strcmp(r->events, "-") == 0;
	if (json_out && events_out) {
		fputs("netboot-trace: --json - and --events - cannot both use stdout\n", stderr);
		return false;
	}
	if (r->wfile && (!r->out.client || o->cap.iface || strcmp(o->cap.file, "-") == 0)) {
		fputs("netboot-trace: -w FILE needs --client X and -r FILE (it reads the file "
		      "twice)\n",
		      stderr);
		return false;
	}
	if (!o->dump && !o->stats && !o->summary && !json_out && !events_out)
		o->summary = true;
	r->summary = o->summary;
	r->judged = o->summary || r->json || r->events || o->judged_opts;
	const char *nc = getenv("NO_COLOR");
	r->color = !o->no_color && !(nc && nc[0]) && isatty(STDOUT_FILENO);
	return true;
}

/* -D and --print-filter: print and exit without a capture. */
static int main_print_only(const struct options *o, int argc, char **argv)
{
	char errbuf[NBT_ERRBUF_SIZE], expr[FILTER_MAX];
	if (o->list_ifaces) {
		if (capture_list_interfaces(stdout, errbuf) > 0)
			return NBT_EXIT_OK;
		main_say("", errbuf, "");
		return NBT_EXIT_ERROR;
	}
	/* The user's own expression if given (what -i would use), else the default; pcap
	 * knows no "vlan" on the cooked links of -i any. */
	if (!main_join_filter(argc, argv, expr, sizeof expr))
		return NBT_EXIT_ERROR;
	bool vlan = !(o->cap.iface && strcmp(o->cap.iface, "any") == 0);
	puts(expr[0] ? expr : filter_default(vlan));
	return NBT_EXIT_OK;
}

static int main_parse(int argc, char **argv, struct options *o, char *filter)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"dump", no_argument, NULL, OPT_DUMP},
	    {"stats", no_argument, NULL, OPT_STATS},
	    {"summary", no_argument, NULL, OPT_SUMMARY},
	    {"hosts", required_argument, NULL, OPT_HOSTS},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
	    {"json", required_argument, NULL, OPT_JSON},
	    {"events", required_argument, NULL, OPT_EVENTS},
	    {"expect", required_argument, NULL, OPT_EXPECT},
	    {"expect-clients", required_argument, NULL, OPT_EXPECT_CLIENTS},
	    {"client", required_argument, NULL, OPT_CLIENT},
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},
	    {"no-ui", no_argument, NULL, OPT_NO_UI},
	    {"replay", optional_argument, NULL, OPT_REPLAY},
	    {"print-filter", no_argument, NULL, OPT_PRINT_FILTER},
	    {"codes", no_argument, NULL, OPT_CODES},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	char *end;
	char derr[DIAG_ERR_MAX];
	diag_defaults(&o->diag);
	while ((ch = getopt_long(argc, argv, "+i:r:c:w:hDZ:B:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o->cap.iface = optarg;
			break;
		case 'r':
			o->cap.file = optarg;
			break;
		case 'w':
			o->rep.wfile = optarg;
			break;
		case 'B': {
			/* KiB, as tcpdump -B; the kernel may grant less. */
			long kib = strtol(optarg, &end, 10);
			if (*end || kib <= 0 || kib > 4L * 1024 * 1024) {
				fprintf(
				    stderr,
				    "netboot-trace: -B needs a buffer size in KiB (1 to 4194304), "
				    "not '%s'\n",
				    optarg);
				return NBT_EXIT_ERROR;
			}
			o->cap.buffer_size = (int)(kib * 1024);
			break;
		}
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count <= 0) {
				fprintf(stderr,
				        "netboot-trace: -c needs a positive count, not '%s'\n",
				        optarg);
				return NBT_EXIT_ERROR;
			}
			break;
		case 'h':
			main_usage(stdout);
			exit(NBT_EXIT_OK);
		case OPT_VERSION:
			printf("netboot-trace %s\n", NBT_VERSION);
			exit(NBT_EXIT_OK);
		case OPT_CODES:
			diag_codes_print(stdout);
			exit(NBT_EXIT_OK);
		case OPT_DUMP:
			o->dump = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_HOSTS:
			o->hosts = optarg;
			break;
		case OPT_MAX_CLIENTS: {
			char *mend;
			o->max_clients = strtol(optarg, &mend, 10);
			if (*mend || o->max_clients <= 0 || o->max_clients > CLIENT_MAX_LIMIT) {
				char head[64];
				snprintf(head, sizeof head, "--max-clients: 1..%d, not '",
				         CLIENT_MAX_LIMIT);
				main_say(head, optarg, "'");
				return NBT_EXIT_ERROR;
			}
			break;
		}
		case OPT_TIMEOUT:
			if (!diag_set_timeouts(&o->diag, optarg, derr)) {
				main_say("--timeout: ", derr, "");
				return NBT_EXIT_ERROR;
			}
			break;
		case 'D':
			o->list_ifaces = true;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_PRINT_FILTER:
			o->print_filter = true;
			break;
		case OPT_NO_UI:
			o->no_ui = true;
			break;
		case OPT_REPLAY:
			o->replay = optarg ? strtod(optarg, &end) : 1.0;
			if ((optarg && *end) || !(o->replay > 0 && o->replay <= 1e6)) {
				fprintf(stderr, "netboot-trace: --replay=N needs a speed > 0\n");
				return NBT_EXIT_ERROR;
			}
			break;
		default:
			if (report_option(ch, optarg, o))
				break;
			main_usage(stderr);
			return NBT_EXIT_ERROR;
		}
	}
	if (o->list_ifaces || o->print_filter)
		exit(main_print_only(o, argc - optind, argv + optind));
	if (o->cap.iface && o->cap.file) {
		fputs("netboot-trace: use either -i or -r, not both\n", stderr);
		return NBT_EXIT_ERROR;
	}
	if (!o->cap.iface && !o->cap.file) {
		fputs("netboot-trace: say where to read from: -i IFACE or -r FILE (or -r - for "
		      "stdin)\n",
		      stderr);
		return NBT_EXIT_ERROR;
	}
	if (!main_join_filter(argc - optind, argv + optind, filter, FILTER_MAX)) {
		fputs("netboot-trace: filter expression too long\n", stderr);
		return NBT_EXIT_ERROR;
	}
	o->cap.filter = filter;
	o->cap.netboot_filter = true; /* live without a filter: the default one (filter.h) */
	if (o->rep.wfile && !o->rep.out.client) { /* -w alone: the raw capture (capture.h) */
		o->save = o->rep.wfile;
		o->rep.wfile = NULL;
	}
	/* The UI only when nothing else was asked to go to the terminal (--json FILE is fine). */
	o->ui = !o->no_ui && !o->dump && !o->stats && !o->summary && !o->rep.wfile &&
	        !(o->rep.json && strcmp(o->rep.json, "-") == 0) &&
	        !(o->rep.events && strcmp(o->rep.events, "-") == 0) && isatty(STDOUT_FILENO);
	if (!report_check(o))
		return NBT_EXIT_ERROR;
	return NBT_EXIT_OK;
}

static void main_on_event(void *arg, const struct nbt_event *ev)
{
	const struct run *r = arg;
	if (r->opt->dump)
		dump_event(stdout, ev);
	client_on_event(r->clients, ev);
}

static void main_on_frame(void *arg, nbt_time ts, const uint8_t *data, uint32_t caplen,
                          uint32_t wirelen)
{
	struct run *r = arg;
	client_table_tick(r->clients, (uint64_t)r->frames + 1, ts);
	pipeline_frame(r->pipe, ts, data, caplen, wirelen);
	r->frames++;
	/* Per frame, not per batch: a batch blocked in a stalled stream returns only when the
	 * signal comes, and the silence since its last frame is what the report must count. */
	if (r->clocked) {
		r->last_ts = ts;
		r->last_wall = main_wall();
	}
}

/* Packet time now: the last frame's, advanced by the wall clock since it arrived. */
static nbt_time main_now(const struct run *r)
{
	return r->frames ? r->last_ts + (main_wall() - r->last_wall) : 0;
}

/* About once a second: the --events state lines of clients whose state changed with time. */
static void main_tick(struct run *r)
{
	nbt_time wall = main_wall();
	if (!r->clocked || !r->frames || wall - r->last_tick < NBT_NS_PER_SEC)
		return;
	r->last_tick = wall;
	outputs_tick(r->rep, main_now(r));
}

static void main_on_tick(void *arg, nbt_time now)
{
	struct run *r = arg;
	outputs_tick(r->rep, now);
}

static int main_read(struct nbt_capture *cap, struct run *r)
{
	enum capture_err err = CAPERR_NONE;
	char *errbuf = r->errbuf;
	/* Live, a silent network must not hold the clock: wait for data at most a second. */
	bool wait = capture_is_live(cap) && capture_set_nonblock(cap, errbuf);
	while (!main_stop) {
		if (wait && !capture_wait(cap, 1000)) {
			main_tick(r);
			continue;
		}
		int n = capture_read_batch(cap, CAPTURE_BATCH, r->opt->count, r->frames,
		                           main_on_frame, r, &err, errbuf);
		if (n < 0 || capture_count_reached(r->opt->count, r->frames))
			break;
		main_tick(r);
	}
	if (err == CAPERR_NONE)
		return NBT_EXIT_OK;
	main_error(outcome_error_kind(err), errbuf,
	           err == CAPERR_TRUNCATED ? " (the frames before it were analysed)" : "");
	r->err = err;
	return NBT_EXIT_ERROR;
}

/* The interactive UI (src/ui, src/ui/loop.c); the outputs (--json) are written after it. */
static int main_ui(struct nbt_capture *cap, struct run *r)
{
	const struct options *o = r->opt;
	bool stream = !o->cap.iface && strcmp(o->cap.file, "-") == 0;
	struct ui_opts uo = {.source = o->cap.iface ? o->cap.iface : o->cap.file,
	                     .live = o->cap.iface != NULL,
	                     .tty_keys = stream,
	                     .no_color = o->no_color,
	                     .diag = &o->diag,
	                     .clients = r->clients,
	                     .stats = pipeline_stats(r->pipe)};
	struct loop_opts lo = {.count = o->count,
	                       .replay = o->replay,
	                       .live = uo.live,
	                       .stream = stream,
	                       .on_tick = main_on_tick,
	                       .tick_arg = r,
	                       .stopped_at = &r->stopped_at};
	char uerr[UI_ERR_MAX];
	struct ui *ui = ui_open(&uo, uerr);
	if (!ui) {
		fprintf(stderr, "netboot-trace: %s (try --no-ui)\n", uerr);
		return NBT_EXIT_ERROR;
	}
	enum capture_err err;
	loop_run(cap, ui, &lo, main_on_frame, r, &err, r->errbuf);
	ui_close(ui);
	if (err == CAPERR_NONE)
		return NBT_EXIT_OK;
	main_error(outcome_error_kind(err), r->errbuf, "");
	r->err = err;
	return NBT_EXIT_ERROR;
}

/* A port learned from portmap: the live default filter follows it (capture_widen). */
static void main_on_port(void *arg, uint8_t l4proto, uint32_t srv_ip, uint16_t port)
{
	static bool warned;
	char errbuf[NBT_ERRBUF_SIZE];
	if (capture_widen(arg, l4proto, srv_ip, port, errbuf) < 0 && !warned) {
		warned = true;
		fprintf(stderr, "netboot-trace: warning: cannot widen the capture filter: %s\n",
		        errbuf);
	}
}

/*
 * Once the capture is open: -w FILE, then -Z (the default drops
 * root for a live capture, as tcpdump does; the open socket keeps capturing, and filters can
 * still be set on it).
 */
static bool main_live_setup(const struct options *o, struct nbt_capture *cap, const char **kind,
                            char errbuf[NBT_ERRBUF_SIZE])
{
	*kind = "output";
	if (o->save && !capture_save(cap, o->save, &o->rep.guard, errbuf))
		return false;
	const char *now;
	*kind = outcome_error_kind(CAPERR_PERM);
	return !((o->user || capture_is_live(cap)) &&
	         !privdrop_to(o->user, &now, errbuf, NBT_ERRBUF_SIZE));
}

/* SIGINT/SIGTERM without SA_RESTART, before the capture opens: a signal while a stream's
 * header is still awaited ends the wait, and the report says no data came. */
static void main_signals(void)
{
	struct sigaction sa = {.sa_handler = main_on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The capture did not open: the JSON report and the event stream still say why. Exit 2. */
static int main_report_failed(struct options *opt, const char *kind, const char *msg)
{
	struct client_table *t = client_table_new();
	struct rjson_run run = {.source = opt->cap.iface ? opt->cap.iface : opt->cap.file,
	                        .live = opt->cap.iface != NULL,
	                        .error_kind = kind,
	                        .error_msg = msg};
	opt->rep.summary = false;
	opt->rep.wfile = NULL;
	outputs_finish(&opt->rep, t, &opt->diag, &run, NULL, NULL);
	outputs_close(&opt->rep);
	client_table_free(t);
	return NBT_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	struct options opt = {0};
	char filter[FILTER_MAX];
	int rc = main_parse(argc, argv, &opt, filter);
	if (rc != NBT_EXIT_OK)
		return rc;

	static struct hosts hosts;
	char herr[HOSTS_ERR_MAX];
	if (opt.hosts && !hosts_load(&hosts, opt.hosts, herr)) {
		main_say("--hosts ", herr, "");
		return NBT_EXIT_ERROR;
	}

	enum capture_err err;
	char errbuf[NBT_ERRBUF_SIZE];
	opt.rep.in_place = opt.cap.iface || opt.user;
	if (!outputs_open(&opt.rep, opt.cap.iface ? NULL : opt.cap.file, opt.save))
		return NBT_EXIT_ERROR;
	main_signals();
	if (opt.ui) /* also: keys from /dev/tty when stdin carries the capture */
		opt.ui = ui_prepare(!opt.cap.iface && strcmp(opt.cap.file, "-") == 0);
	if (opt.ui)
		opt.rep.summary = false; /* the screen was the report */
	struct nbt_capture *cap = capture_open(&opt.cap, &err, errbuf);
	if (!cap && main_stop) {
		err = CAPERR_NO_DATA;
		snprintf(
		    errbuf, sizeof errbuf,
		    "no capture data received: stopped by a signal before the capture's header "
		    "was complete");
	}
	if (!cap) {
		main_error(outcome_error_kind(err), errbuf, "");
		return main_report_failed(&opt, outcome_error_kind(err), errbuf);
	}
	if (capture_warning(cap))
		main_say("warning: ", capture_warning(cap), "");
	/* A live or piped source is watched as it happens: hand each line on at once. */
	if (capture_is_live(cap) || strcmp(opt.cap.file, "-") == 0)
		setvbuf(stdout, NULL, _IOLBF, 0);
	main_capture = cap;
	const char *kind;
	if (!main_live_setup(&opt, cap, &kind, errbuf)) {
		main_error(kind, errbuf, "");
		capture_close(cap);
		return main_report_failed(&opt, kind, errbuf);
	}

	struct run r = {.opt = &opt, .rep = &opt.rep};
	r.clocked = opt.cap.iface || strcmp(opt.cap.file, "-") == 0;
	r.clients = client_table_new_max(opt.max_clients ? (size_t)opt.max_clients : CLIENT_MAX);
	client_table_set_hosts(r.clients, opt.hosts ? &hosts : NULL);
	outputs_attach(&opt.rep, r.clients, &opt.diag);
	r.pipe = pipeline_new(NULL, main_on_event, &r);
	client_table_watch_stats(r.clients, pipeline_stats(r.pipe));
	pipeline_set_link(r.pipe, capture_link(cap));
	pipeline_set_port_hook(r.pipe, main_on_port, cap);
	rc = opt.ui ? main_ui(cap, &r) : main_read(cap, &r);
	struct nbt_stats stats = *pipeline_stats(r.pipe);
	client_table_fold_stats(r.clients, &stats);
	if (opt.stats)
		stats_print(stdout, &stats);
	uint64_t received, dropped;
	if (capture_is_live(cap) && capture_drops(cap, &received, &dropped))
		client_table_set_drops(r.clients, dropped);
	char link[32];
	struct rjson_run run = {
	    .source = opt.cap.iface ? opt.cap.iface : opt.cap.file,
	    .live = opt.cap.iface != NULL,
	    .link_type = link_name(capture_link(cap), link),
	    .stats = &stats,
	    .error_kind = outcome_error_kind(r.err),
	    .error_msg = r.errbuf,
	    .stopped = main_stop && !opt.cap.iface && strcmp(opt.cap.file, "-") != 0,
	    /* One clock: the screen's last instant, or when a live capture (or a stream cut by a
	     * signal) stopped; a file, or a stream read to its end, stops at its last frame. */
	    .judged_at = opt.ui                                      ? r.stopped_at
	                 : r.clocked && (opt.cap.iface || main_stop) ? main_now(&r)
	                                                             : 0,
	};
	int orc = outputs_finish(&opt.rep, r.clients, &opt.diag, &run,
	                         opt.cap.iface ? NULL : opt.cap.file, opt.cap.filter);
	if (rc == NBT_EXIT_OK)
		rc = orc;
	if (!outputs_close(&opt.rep))
		rc = NBT_EXIT_ERROR;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		main_error("output", "cannot write the report to standard output", "");
		rc = NBT_EXIT_ERROR;
	}
	pipeline_free(r.pipe);
	client_table_free(r.clients);
	main_capture = NULL;
	if (!capture_save_finish(cap, errbuf)) {
		main_error("output", errbuf, "");
		rc = NBT_EXIT_ERROR;
	}
	capture_close(cap);
	return rc;
}
