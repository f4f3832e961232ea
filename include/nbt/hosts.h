/* summary: the --hosts inventory: names for clients by Pi serial and/or MAC address. */
#ifndef NBT_HOSTS_H
#define NBT_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HOSTS_MAX      1024
#define HOSTS_NAME_MAX 64
#define HOSTS_ERR_MAX  256

struct hosts_entry {
	char name[HOSTS_NAME_MAX];
	bool has_serial, has_mac;
	uint32_t serial;
	uint8_t mac[6];
	unsigned line;
};

struct hosts {
	struct hosts_entry e[HOSTS_MAX];
	size_t n;
};

/*
 * Parses an inventory: one host a line, "NAME SERIAL MAC" with serial (8 hex digits) and/or
 * MAC (aa:bb:cc:dd:ee:ff or aa-bb-...) in any order; '#' starts a comment; blank lines are
 * skipped.  Returns false on the first bad line with "LINE: why" in err.
 */
bool hosts_parse(struct hosts *h, FILE *in, char err[HOSTS_ERR_MAX]);
/* hosts_parse on a file; err also names the file. */
bool hosts_load(struct hosts *h, const char *path, char err[HOSTS_ERR_MAX]);
/* The entry for this MAC (preferred) or serial, or NULL. */
const struct hosts_entry *hosts_find(const struct hosts *h, const uint8_t *mac, bool has_serial,
                                     uint32_t serial);
/* Parses "aa:bb:cc:dd:ee:ff" or with '-' separators (any case); false if malformed. */
bool hosts_parse_mac(const char *s, uint8_t mac[6]);
/* Parses a Pi serial as printed in TFTP folder names: exactly 8 hex digits (any case), e.g.
 * "38c128c0"; false if malformed. */
bool hosts_parse_serial(const char *s, uint32_t *serial);

#endif
