/* summary: compressed capture files and streams (gzip, xz, zstd), known by their magic bytes and
 * read through their decoder as if plain. */
#ifndef NBT_DECOMPRESS_H
#define NBT_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum dz_kind { DZ_PLAIN = 0, DZ_GZIP, DZ_XZ, DZ_ZSTD };

struct dz;

/* Whether an input whose first byte is this may be compressed: no pcap or pcapng magic starts
 * like a gzip, xz or zstd one, so plain captures never go through a decoder. */
bool dz_maybe(uint8_t first);
/* The format the first bytes of an input show. */
enum dz_kind dz_sniff(const uint8_t *head, size_t n);
/* "gzip", "xz", "zstd" or "plain". */
const char *dz_kind_name(enum dz_kind k);

/*
 * The stream to read `in` as a capture from: `in` itself for a plain file that can seek back to
 * its start, else a stdio stream through the decoder (or, plain but unseekable like a pipe, one
 * that gives back the bytes sniffed first). Reads `in` with fread: a compressed stream is
 * decoded a buffer (64 KiB) at a time. Closing it closes `in` when close_in. *dz is its
 * decoder, NULL for `in` itself, valid until the stream is closed. NULL with err filled when a
 * decoder cannot start.
 */
FILE *dz_open(FILE *in, bool close_in, struct dz **dz, char *err, size_t errlen);
enum dz_kind dz_kind_of(const struct dz *d);
/* The descriptor the decoder reads, to wait on. */
int dz_fd(const struct dz *d);
/* Why the decoder stopped before the end ("the gzip data is corrupt (...)"), or NULL. */
const char *dz_failure(const struct dz *d);

#endif
