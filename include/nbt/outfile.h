/* summary: output files that never destroy data: no symlink followed, never the input, never a
 * device, replaced only when complete (temporary file + rename), every write error reported. */
#ifndef NBT_OUTFILE_H
#define NBT_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "nbt/textesc.h"

#define OUTFILE_ERR_MAX (TEXTESC_BUF_MAX + 256) /* the escaped path and why */

/* What an output must never be: the capture being read (by device and inode). */
struct outfile_guard {
	bool has_input;
	dev_t dev;
	ino_t ino;
};

struct outfile {
	FILE *f;
	const char *path; /* as given; "-" is standard output */
	const char *what; /* the option, for messages: "--json" */
	char *tmp;        /* the temporary file renamed to path at close, or NULL */
};

/* Notes the input file (a path; "-" and live interfaces have none). */
void outfile_guard_input(struct outfile_guard *g, const char *input);
/*
 * Opens path for writing. Refused (false, err set): a symbolic link at path, the input file,
 * anything but a regular file, a FIFO or a character device (/dev/null, a terminal). atomic: the
 * data goes to a temporary file in the same folder, put in place by outfile_close only when
 * complete, so a failed run leaves what was there. New files get mode 0644 (less the umask).
 */
bool outfile_open(struct outfile *o, const char *path, const char *what, bool atomic,
                  const struct outfile_guard *g, char err[OUTFILE_ERR_MAX]);
/* The checks of outfile_open on an existing path, without opening it (an output written later). */
bool outfile_check(const char *path, const char *what, const struct outfile_guard *g,
                   char err[OUTFILE_ERR_MAX]);
/*
 * Flushes and closes; ok=false (the run failed) drops a temporary file instead of putting it
 * in place. Returns false, err set, when a write failed (a full disk, an I/O error).
 */
bool outfile_close(struct outfile *o, bool ok, char err[OUTFILE_ERR_MAX]);
/* True when two output paths name the same file (the same string, or the same inode). */
bool outfile_same(const char *a, const char *b);

#endif
