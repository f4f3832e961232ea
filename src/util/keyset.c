/* summary: a bounded set of 64-bit keys that counts distinct things (open addressing, grows to a
 * cap). */
#include "nbt/keyset.h"

#include <stdlib.h>

#include "nbt/xalloc.h"

#define KEYSET_MIN_SLOTS 64u

/* Past this many keys the slot count (twice the keys) would not fit 32 bits. */
#define KEYSET_MAX_KEYS (1u << 30)

void keyset_init(struct keyset *s, uint32_t max)
{
	*s = (struct keyset){.max = max < KEYSET_MAX_KEYS ? max : KEYSET_MAX_KEYS};
}

void keyset_free(struct keyset *s)
{
	free(s->slot);
	*s = (struct keyset){.max = s->max};
}

/* Fibonacci hashing: in key * 2^64/phi each key bit reaches every higher bit of the product;
 * bits 32 and up pick the slot, so neighbouring keys (MACs of one vendor differ only in their
 * low bytes) spread out. */
static uint32_t keyset_home(uint64_t key, uint32_t size)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15u) >> 32) & (size - 1);
}

/* The slot holding key + 1, or the empty one where it would go. */
static uint64_t *keyset_slot(const struct keyset *s, uint64_t stored)
{
	uint32_t i = keyset_home(stored, s->size);
	while (s->slot[i] && s->slot[i] != stored)
		i = (i + 1) & (s->size - 1);
	return &s->slot[i];
}

/* Doubles the slots (or makes the first ones) and puts every key back. */
static void keyset_grow(struct keyset *s)
{
	uint64_t *old = s->slot;
	uint32_t old_size = s->size;
	s->size = old_size ? old_size * 2 : KEYSET_MIN_SLOTS;
	s->slot = xcalloc(s->size, sizeof(*s->slot));
	for (uint32_t i = 0; i < old_size; i++)
		if (old[i])
			*keyset_slot(s, old[i]) = old[i];
	free(old);
}

bool keyset_add(struct keyset *s, uint64_t key)
{
	if (key == UINT64_MAX)
		return false;
	uint64_t stored = key + 1;
	if (s->size) {
		uint64_t *p = keyset_slot(s, stored);
		if (*p)
			return false;
	}
	if (s->n >= s->max) {
		s->full = true;
		return false;
	}
	/* Kept at most half full, so a probe ends soon and an empty slot always exists. */
	if ((uint64_t)(s->n + 1) * 2 > s->size)
		keyset_grow(s);
	*keyset_slot(s, stored) = stored;
	s->n++;
	return true;
}
