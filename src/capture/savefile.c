/* summary: -w FILE: the raw frames of a live capture written to a pcap file as they are
 * analysed (libpcap savefile format, nanosecond timestamps when the capture has them). */
#include "nbt/savefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/xalloc.h"

struct savefile {
	struct outfile file;
	pcap_dumper_t *d;
	uint64_t written;
	bool failed; /* a write error: reported once at close */
};

struct savefile *savefile_open(pcap_t *pc, const char *path, const struct outfile_guard *g,
                               char *errbuf, size_t errsize)
{
	char err[OUTFILE_ERR_MAX];
	struct savefile *sf = xcalloc(1, sizeof(*sf));
	if (!outfile_open(&sf->file, path, "-w", false, g, err)) {
		snprintf(errbuf, errsize, "%s", err);
		free(sf);
		return NULL;
	}
	sf->d = pcap_dump_fopen(pc, sf->file.f);
	if (!sf->d) {
		snprintf(errbuf, errsize, "-w: %s", pcap_geterr(pc));
		outfile_close(&sf->file, false, err);
		free(sf);
		return NULL;
	}
	return sf;
}

void savefile_write(struct savefile *sf, const struct pcap_pkthdr *h, const uint8_t *data)
{
	if (!sf || sf->failed)
		return;
	pcap_dump((u_char *)sf->d, h, data);
	sf->written++;
}

/* Makes what was written so far readable by another program (tail -f style use, or a
 * capture ended by a signal): called after every batch of frames. */
void savefile_flush(struct savefile *sf)
{
	if (sf && !sf->failed && pcap_dump_flush(sf->d) < 0)
		sf->failed = true;
}

uint64_t savefile_count(const struct savefile *sf)
{
	return sf ? sf->written : 0;
}

bool savefile_close(struct savefile *sf, char *errbuf, size_t errsize)
{
	if (!sf)
		return true;
	bool ok = !sf->failed && pcap_dump_flush(sf->d) == 0;
	int e = errno;
	char err[OUTFILE_ERR_MAX];
	/* libpcap's dumper is the FILE itself (pcap_dump_file returns it): outfile_close closes
	 * it once, and checks that close, which pcap_dump_close would not report. */
	if (!ok)
		snprintf(errbuf, errsize, "-w: error writing the capture file: %s", strerror(e));
	if (!outfile_close(&sf->file, ok, err) && ok) {
		snprintf(errbuf, errsize, "%s", err);
		ok = false;
	}
	free(sf);
	return ok;
}
