/* summary: a bounded set of 64-bit keys that counts distinct things (open addressing, grows to a
 * cap). */
#ifndef NBT_KEYSET_H
#define NBT_KEYSET_H

#include <stdbool.h>
#include <stdint.h>

/* Zero-initialised is an empty set of cap 0 (refuses every key); keyset_init sets the cap. */
struct keyset {
	uint64_t *slot; /* key + 1, 0: empty */
	uint32_t size;  /* slots, a power of two; at most twice the keys held */
	uint32_t n, max;
	bool full; /* a new key came when max were held: n is then a lower bound */
};

/* At most max distinct keys (no more than 2^30) are held. */
void keyset_init(struct keyset *s, uint32_t max);
/* Adds key (UINT64_MAX excluded); true when it was new and kept. */
bool keyset_add(struct keyset *s, uint64_t key);
void keyset_free(struct keyset *s);

#endif
