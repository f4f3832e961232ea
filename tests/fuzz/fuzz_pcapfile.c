/* summary: libFuzzer target: a whole pcap/pcapng file read by capture_open/capture_dispatch into
 * the pipeline. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "nbt/capture.h"

/*
 * The input is the file.  It is written to a memfd (no disk I/O) and opened by
 * path (/proc/self/fd/N) exactly as `netboot-trace -r FILE` opens a file, then
 * read in batches of frames, each going through the whole pipeline.  Frames
 * are capped so that a file of many tiny records cannot time out.
 */
#define FZ_MAX_FRAMES 20000

static int fz_fd = -1;
static char fz_path[64];

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

static void fz_frame(void *arg, nbt_time ts, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	pipeline_frame(arg, ts, data, caplen, wirelen);
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
	struct pipeline *p = fz_pipeline();
	if (pipeline_set_link(p, capture_link(c))) {
		int total = 0;
		for (;;) {
			int got = capture_dispatch(c, 256, fz_frame, p, &err, errbuf);
			if (got < 0 || (got == 0 && !capture_is_live(c)))
				break;
			total += got;
			if (total >= FZ_MAX_FRAMES)
				break;
		}
	}
	pipeline_free(p);
	capture_close(c);
	return 0;
}
