/* summary: -w FILE: raw frames of a live capture saved as a pcap file while they are analysed. */
#ifndef NBT_SAVEFILE_H
#define NBT_SAVEFILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/outfile.h"

struct savefile;

/*
 * Creates or replaces path (outfile rules: never the input g, never through a symlink) with
 * pc's link type and snaplen; NULL and errbuf on failure.
 */
struct savefile *savefile_open(pcap_t *pc, const char *path, const struct outfile_guard *g,
                               char *errbuf, size_t errsize);
void savefile_write(struct savefile *sf, const struct pcap_pkthdr *h, const uint8_t *data);
void savefile_flush(struct savefile *sf);
uint64_t savefile_count(const struct savefile *sf);
/* Flushes and closes; false (errbuf filled) if any write failed. NULL is fine. */
bool savefile_close(struct savefile *sf, char *errbuf, size_t errsize);

#endif
