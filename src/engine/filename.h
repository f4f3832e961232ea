/* summary: TFTP file-name tests the loader knowledge shares (pi.c, pxe.c): base name and
 * case-insensitive prefix/suffix, as TFTP servers on FAT-style trees match names. */
#ifndef NBT_ENGINE_FILENAME_H
#define NBT_ENGINE_FILENAME_H

#include <stdbool.h>

/* The part after the last '/'. */
const char *filename_base(const char *name);
/* Case-insensitive prefix and suffix tests; prefix and suffix are lower case. */
bool filename_starts(const char *s, const char *prefix);
bool filename_ends(const char *s, const char *suffix);

#endif
