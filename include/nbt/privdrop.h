/* summary: -Z USER: give up root once the capture is open, as tcpdump does. */
#ifndef NBT_PRIVDROP_H
#define NBT_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

#define PRIVDROP_DEFAULT_USER "nobody"

/*
 * Switches the process to `user` (its uid, primary gid and supplementary groups) for good.
 * user NULL means the default: "nobody" when running as root, nothing otherwise.  "root" (or
 * uid 0) keeps root.  Without root, asking for another user than the current one fails.
 * Returns false with errbuf filled on failure; *dropped_to says who we are now (or NULL if
 * nothing changed).
 */
bool privdrop_to(const char *user, const char **dropped_to, char *errbuf, size_t errsize);

#endif
