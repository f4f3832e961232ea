/* summary: shared helpers for the libFuzzer targets: event sink that dumps every event, input
 * splitting. */
#ifndef NBT_FUZZ_COMMON_H
#define NBT_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/dump.h"
#include "nbt/event.h"
#include "nbt/pipeline.h"

/*
 * Multi-packet inputs are split at this 4-byte separator (tests/fuzz/run.sh
 * builds seeds with it); it is rare in real payloads.
 */
#define FZ_SEP     "\xf7NB\xf7"
#define FZ_SEP_LEN 4

/* Upper bounds that keep one input fast (no per-input time-outs). */
#define FZ_MAX_CHUNKS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *fz_null;

/* Opens the event sink's /dev/null once, on the first event. */
static inline void fz_init(void)
{
	if (!fz_null)
		fz_null = fopen("/dev/null", "w");
	if (!fz_null)
		abort();
}

/* Events go through the real --dump writer into /dev/null, so every field of
 * every event is read (and the dump code is fuzzed too). */
static inline void fz_sink(void *arg, const struct nbt_event *ev)
{
	(void)arg;
	if ((unsigned)ev->type >= EV__COUNT)
		abort();
	fz_init();
	dump_event(fz_null, ev);
}

/* Small caps, so that eviction and cap paths are reached by small inputs. */
static inline struct pipeline *fz_pipeline(void)
{
	struct pipeline_limits lim = {
	    .flows = {.max_flows = 16, .max_expect = 8},
	    .frags = {.max_datagrams = 4,
	              .max_frags_per_dgm = 16,
	              .max_total_bytes = 16384,
	              .timeout = 5 * NBT_NS_PER_SEC},
	};
	return pipeline_new(&lim, fz_sink, NULL);
}

/*
 * Splits data at FZ_SEP into at most FZ_MAX_CHUNKS chunks (the last one takes
 * the rest).  Each chunk is copied into its own exactly-sized heap block so
 * that AddressSanitizer sees any read past its end.  Returns the count; free
 * with fz_chunks_free.
 */
struct fz_chunk {
	uint8_t *p;
	size_t len;
};

/* First FZ_SEP in data, or NULL (memcmp, so libFuzzer's compare hooks see the separator). */
static inline const uint8_t *fz_find_sep(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + FZ_SEP_LEN <= size; i++)
		if (data[i] == (uint8_t)FZ_SEP[0] && memcmp(data + i, FZ_SEP, FZ_SEP_LEN) == 0)
			return data + i;
	return NULL;
}

static inline size_t fz_split(const uint8_t *data, size_t size, struct fz_chunk *out)
{
	size_t n = 0;
	while (n < FZ_MAX_CHUNKS) {
		const uint8_t *sep = NULL;
		if (n + 1 < FZ_MAX_CHUNKS)
			sep = fz_find_sep(data, size);
		size_t len = sep ? (size_t)(sep - data) : size;
		out[n].p = malloc(len ? len : 1);
		if (!out[n].p)
			abort();
		if (len)
			memcpy(out[n].p, data, len);
		out[n].len = len;
		n++;
		if (!sep)
			break;
		data = sep + FZ_SEP_LEN;
		size -= len + FZ_SEP_LEN;
	}
	return n;
}

static inline void fz_chunks_free(struct fz_chunk *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].p);
}

/* A copy of data in its own heap block of exactly size bytes. */
static inline uint8_t *fz_dup(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

static inline uint32_t fz_ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

/* Reads every captured byte of a cursor (ASan checks the whole range). */
/* A packet as the link and IP decoders would hand it to a dissector: Ethernet, IPv4 from
 * src:sport to dst:dport, MACs 02:00:00:00:00:<the address's last byte>, len bytes at ts. */
static inline struct nbt_pkt fz_pkt(uint8_t l4proto, uint32_t src, uint16_t sport, uint32_t dst,
                                    uint16_t dport, nbt_time ts, size_t len)
{
	struct nbt_pkt k = {
	    .ts = ts,
	    .caplen = (uint32_t)len,
	    .wirelen = (uint32_t)len,
	    .has_mac = true,
	    .src_mac = {2, 0, 0, 0, 0, (uint8_t)src},
	    .dst_mac = {2, 0, 0, 0, 0, (uint8_t)dst},
	    .ethertype = 0x0800,
	    .src_ip = src,
	    .dst_ip = dst,
	    .ip_ttl = 64,
	    .l4proto = l4proto,
	    .sport = sport,
	    .dport = dport,
	};
	return k;
}

static inline unsigned fz_touch(const struct cur *c)
{
	unsigned sum = 0;
	if (!c->p)
		return 0;
	for (size_t i = 0; i < c->cap; i++)
		sum += c->p[i];
	return sum;
}

#endif
