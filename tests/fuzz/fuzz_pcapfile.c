/* summary: libFuzzer target: a whole pcap/pcapng file read by capture_open/capture_dispatch into
 * the pipeline. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "nbt/capture.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/summary.h"

/*
 * The input is the file.  It is written to a memfd (no disk I/O) and opened by
 * path (/proc/self/fd/N) exactly as `netboot-trace -r FILE` opens a file, then
 * read in batches of frames, each going through the whole pipeline; events
 * go to the dump writer (into /dev/null) and to the client table, and the boot
 * report is printed (into /dev/null) at the end, as `netboot-trace -r FILE
 * --dump --summary` does.  Frames are capped so that a file of many tiny
 * records cannot time out.
 */
#define FZ_MAX_FRAMES 20000

static int fz_fd = -1;
static char fz_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	fz_fd = memfd_create("nbt-fuzz-pcap", 0);
	if (fz_fd < 0)
		abort();
	snprintf(fz_path, sizeof fz_path, "/proc/self/fd/%d", fz_fd);
	return 0;
}

struct fz_run {
	struct pipeline *p;
	struct client_table *clients;
	uint64_t frames;
};

static void fz_event(void *arg, const struct nbt_event *ev)
{
	struct fz_run *r = arg;
	fz_sink(NULL, ev);
	client_on_event(r->clients, ev);
}

static void fz_frame(void *arg, nbt_time ts, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct fz_run *r = arg;
	client_table_tick(r->clients, ++r->frames, ts);
	pipeline_frame(r->p, ts, data, caplen, wirelen);
}

static bool fz_write_all(const uint8_t *data, size_t size)
{
	if (ftruncate(fz_fd, 0) != 0 || lseek(fz_fd, 0, SEEK_SET) != 0)
		return false;
	while (size) {
		ssize_t w = write(fz_fd, data, size);
		if (w <= 0)
			return false;
		data += w;
		size -= (size_t)w;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fz_write_all(data, size))
		abort();
	struct capture_opts o = {.file = fz_path};
	enum capture_err err = CAPERR_NONE;
	char errbuf[NBT_ERRBUF_SIZE];
	struct nbt_capture *c = capture_open(&o, &err, errbuf);
	if (!c) {
		if (err == CAPERR_NONE || !memchr(errbuf, 0, sizeof errbuf))
			abort(); /* a failure always says why */
		return 0;
	}
	struct pipeline_limits lim = {
	    .flows = {.max_flows = 64, .max_expect = 16},
	    .frags = {.max_datagrams = 8,
	              .max_frags_per_dgm = 64,
	              .max_total_bytes = 1u << 18,
	              .timeout = 30 * NBT_NS_PER_SEC},
	};
	struct fz_run r = {.clients = client_table_new()};
	r.p = pipeline_new(&lim, fz_event, &r);
	if (pipeline_set_link(r.p, capture_link(c))) {
		int total = 0;
		for (;;) {
			int got = capture_dispatch(c, 256, fz_frame, &r, &err, errbuf);
			if (got < 0 || (got == 0 && !capture_is_live(c)))
				break;
			total += got;
			if (total >= FZ_MAX_FRAMES)
				break;
		}
	}
	struct diag_opts dopt;
	diag_defaults(&dopt);
	summary_print(fz_null, r.clients, &dopt);
	pipeline_free(r.p);
	client_table_free(r.clients);
	capture_close(c);
	return 0;
}
