/* summary: -w FILE: the raw frames of a live capture written to a pcap file as they are
 * analysed (libpcap savefile format, nanosecond timestamps when the capture has them). */
#include "nbt/savefile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/xalloc.h"

struct savefile {
	pcap_dumper_t *d;
	uint64_t written;
	bool failed; /* a write error: reported once at close */
};

struct savefile *savefile_open(pcap_t *pc, const char *path, char *errbuf, size_t errsize)
{
	pcap_dumper_t *d = pcap_dump_open(pc, path);
	if (!d) {
		snprintf(errbuf, errsize, "-w %s: %s", path, pcap_geterr(pc));
		return NULL;
	}
	struct savefile *sf = xcalloc(1, sizeof(*sf));
	sf->d = d;
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
	FILE *fp = pcap_dump_file(sf->d);
	if (fp && ferror(fp))
		ok = false;
	if (!ok)
		snprintf(errbuf, errsize, "-w: error writing the capture file: %s",
		         strerror(errno));
	pcap_dump_close(sf->d);
	free(sf);
	return ok;
}
