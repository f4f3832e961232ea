/* summary: an enum's long and short names side by side, and the one bounds-checked look-up every
 * name table uses (a value from a packet or a newer enum never indexes past a table). */
#ifndef NBT_NAMES_H
#define NBT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct name_pair {
	const char *name; /* reports, JSON, events */
	const char *shrt; /* the screen's narrow columns */
};

/* t[i].name, or t[i].shrt when `short_form`; `dflt` when i is past the table or unnamed. */
const char *names_get(const struct name_pair *t, size_t n, unsigned i, bool short_form,
                      const char *dflt);
#define NAMES_GET(t, i, short_form, dflt)                                                          \
	names_get((t), sizeof(t) / sizeof((t)[0]), (unsigned)(i), (short_form), (dflt))

#endif
