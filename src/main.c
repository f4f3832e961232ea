/* summary: netboot-trace command line: options, wiring of capture -> pipeline -> outputs. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/capture.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/dump.h"
#include "nbt/exitcodes.h"
#include "nbt/hosts.h"
#include "nbt/pipeline.h"
#include "nbt/summary.h"
#include "nbt/xalloc.h"

#define FILTER_MAX 4096

struct options {
	struct capture_opts cap;
	long count; /* stop after this many frames; 0: all */
	bool dump;
	bool stats;
	bool summary;
	const char *hosts; /* --hosts FILE */
	struct diag_opts diag;
};

struct run {
	struct pipeline *pipe;
	struct client_table *clients;
	const struct options *opt;
	long frames;
};

static volatile sig_atomic_t main_stop;
static struct nbt_capture *main_capture;

static void main_on_signal(int sig)
{
	(void)sig;
	main_stop = 1;
	if (main_capture)
		capture_break(main_capture);
}

static void main_usage(FILE *out)
{
	fputs("Usage: netboot-trace [-i IFACE | -r FILE|-] [options] [filter expression]\n"
	      "Follow network-booting machines (DHCP, TFTP, NFS root) in a capture.\n"
	      "\n"
	      "  -i IFACE        capture live on IFACE\n"
	      "  -r FILE         read a pcap or pcapng file; '-' reads a stream on stdin\n"
	      "  -c COUNT        stop after COUNT frames\n"
	      "      --dump      print one line per decoded event (key=value)\n"
	      "      --stats     print frame and protocol counters at the end\n"
	      "      --summary   print the boot report at the end (the default when neither\n"
	      "                  --dump nor --stats is given)\n"
	      "      --hosts FILE  name clients from FILE: lines 'NAME SERIAL MAC' (serial\n"
	      "                  and/or MAC, any order; '#' comments)\n"
	      "      --timeout NAME=SEC[,...]  stage timeouts in packet time: dhcp (45),\n"
	      "                  dhcp-request (4), tftp-file (30), kernel-dhcp (60), nfs (30)\n"
	      "  -h, --help      show this help\n"
	      "      --version   show the version\n"
	      "\n"
	      "A trailing filter expression (pcap-filter(7) syntax) limits what is read.\n",
	      out);
}

static int main_exit_for(enum capture_err e)
{
	static const int codes[] = {
	    [CAPERR_NONE] = NBT_EXIT_OK,           [CAPERR_NO_FILE] = NBT_EXIT_NO_FILE,
	    [CAPERR_PERM] = NBT_EXIT_PERM,         [CAPERR_NOT_CAPTURE] = NBT_EXIT_NOT_CAPTURE,
	    [CAPERR_NO_IFACE] = NBT_EXIT_NO_IFACE, [CAPERR_LINK] = NBT_EXIT_LINK,
	    [CAPERR_FILTER] = NBT_EXIT_FILTER,     [CAPERR_TRUNCATED] = NBT_EXIT_TRUNCATED,
	    [CAPERR_OTHER] = NBT_EXIT_CAPTURE,
	};
	return (unsigned)e < sizeof(codes) / sizeof(codes[0]) ? codes[e] : NBT_EXIT_CAPTURE;
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

enum { OPT_VERSION = 256, OPT_DUMP, OPT_STATS, OPT_SUMMARY, OPT_HOSTS, OPT_TIMEOUT };

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
	    {NULL, 0, NULL, 0},
	};
	int ch;
	char *end;
	char derr[DIAG_ERR_MAX];
	diag_defaults(&o->diag);
	while ((ch = getopt_long(argc, argv, "+i:r:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o->cap.iface = optarg;
			break;
		case 'r':
			o->cap.file = optarg;
			break;
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count <= 0) {
				fprintf(stderr,
				        "netboot-trace: -c needs a positive count, not '%s'\n",
				        optarg);
				return NBT_EXIT_USAGE;
			}
			break;
		case 'h':
			main_usage(stdout);
			exit(NBT_EXIT_OK);
		case OPT_VERSION:
			printf("netboot-trace %s\n", NBT_VERSION);
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
		case OPT_TIMEOUT:
			if (!diag_set_timeouts(&o->diag, optarg, derr)) {
				fprintf(stderr, "netboot-trace: --timeout: %s\n", derr);
				return NBT_EXIT_USAGE;
			}
			break;
		default:
			main_usage(stderr);
			return NBT_EXIT_USAGE;
		}
	}
	if (o->cap.iface && o->cap.file) {
		fputs("netboot-trace: use either -i or -r, not both\n", stderr);
		return NBT_EXIT_USAGE;
	}
	if (!o->cap.iface && !o->cap.file) {
		fputs("netboot-trace: say where to read from: -i IFACE or -r FILE (or -r - for "
		      "stdin)\n",
		      stderr);
		return NBT_EXIT_USAGE;
	}
	if (!main_join_filter(argc - optind, argv + optind, filter, FILTER_MAX)) {
		fputs("netboot-trace: filter expression too long\n", stderr);
		return NBT_EXIT_USAGE;
	}
	o->cap.filter = filter;
	if (!o->dump && !o->stats && !o->summary)
		o->summary = true;
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
}

static void main_print_stats(FILE *out, const struct nbt_stats *s)
{
	fprintf(out,
	        "frames %" PRIu64 "\nbytes %" PRIu64 "\narp %" PRIu64 "\nipv4 %" PRIu64
	        "\nipv6 %" PRIu64 "\nother %" PRIu64 "\nip-fragments %" PRIu64
	        "\nip-reassembled %" PRIu64 "\nudp %" PRIu64 "\ntcp %" PRIu64 "\nicmp %" PRIu64
	        "\ndissected %" PRIu64 "\nevents %" PRIu64 "\n",
	        s->frames, s->bytes, s->arp, s->ipv4, s->ipv6, s->other_l3, s->ip_frags,
	        s->ip_reassembled, s->udp, s->tcp, s->icmp, s->dissected, s->events);
	for (int a = 0; a < ANOM__COUNT; a++)
		if (s->anomalies[a])
			fprintf(out, "anomaly %s %" PRIu64 "\n", anomaly_name((enum nbt_anomaly)a),
			        s->anomalies[a]);
}

static int main_read(struct nbt_capture *cap, struct run *r)
{
	enum capture_err err = CAPERR_NONE;
	char errbuf[NBT_ERRBUF_SIZE];
	while (!main_stop) {
		int budget = 512;
		if (r->opt->count && r->opt->count - r->frames < budget)
			budget = (int)(r->opt->count - r->frames);
		int n = capture_dispatch(cap, budget, main_on_frame, r, &err, errbuf);
		if (n < 0)
			break;
		if (r->opt->count && r->frames >= r->opt->count)
			break;
	}
	if (err == CAPERR_NONE)
		return NBT_EXIT_OK;
	fprintf(stderr, "netboot-trace: %s%s\n", errbuf,
	        err == CAPERR_TRUNCATED ? " (the frames before it were analysed)" : "");
	return main_exit_for(err);
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
		fprintf(stderr, "netboot-trace: --hosts %s\n", herr);
		return NBT_EXIT_USAGE;
	}

	enum capture_err err;
	char errbuf[NBT_ERRBUF_SIZE];
	struct nbt_capture *cap = capture_open(&opt.cap, &err, errbuf);
	if (!cap) {
		fprintf(stderr, "netboot-trace: %s\n", errbuf);
		return main_exit_for(err);
	}
	if (capture_warning(cap))
		fprintf(stderr, "netboot-trace: warning: %s\n", capture_warning(cap));
	/* A live or piped source is watched as it happens: hand each line on at once. */
	if (capture_is_live(cap) || strcmp(opt.cap.file, "-") == 0)
		setvbuf(stdout, NULL, _IOLBF, 0);
	main_capture = cap;
	signal(SIGINT, main_on_signal);
	signal(SIGTERM, main_on_signal);

	struct run r = {.opt = &opt};
	r.clients = client_table_new();
	client_table_set_hosts(r.clients, opt.hosts ? &hosts : NULL);
	r.pipe = pipeline_new(NULL, main_on_event, &r);
	pipeline_set_link(r.pipe, capture_link(cap));
	rc = main_read(cap, &r);
	if (opt.stats)
		main_print_stats(stdout, pipeline_stats(r.pipe));
	uint64_t received, dropped;
	if (capture_is_live(cap) && capture_drops(cap, &received, &dropped))
		client_table_set_drops(r.clients, dropped);
	if (opt.summary)
		summary_print(stdout, r.clients, &opt.diag);
	fflush(stdout);
	pipeline_free(r.pipe);
	client_table_free(r.clients);
	main_capture = NULL;
	capture_close(cap);
	return rc;
}
