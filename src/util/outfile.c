/* summary: safe output files for --json, --events and -w: O_NOFOLLOW, never the input, never a
 * device, atomic replacement where a cut file would mislead, checked writes and close. */
#include "nbt/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nbt/textesc.h"
#include "nbt/xalloc.h"

void outfile_guard_input(struct outfile_guard *g, const char *input)
{
	struct stat st;
	g->has_input = input && strcmp(input, "-") != 0 && stat(input, &st) == 0;
	if (g->has_input) {
		g->dev = st.st_dev;
		g->ino = st.st_ino;
	}
}

static bool outfile_fail(char err[OUTFILE_ERR_MAX], const char *what, const char *path,
                         const char *why)
{
	char p[TEXTESC_BUF_MAX];
	textesc_str(p, sizeof p, path);
	snprintf(err, OUTFILE_ERR_MAX, "%s %s: %s", what, p, why);
	return false;
}

/* What lstat says of an existing path that makes it unfit as an output, or NULL. */
static const char *outfile_unfit(const struct stat *st, const struct outfile_guard *g)
{
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link; refusing to write through it (give the real path)";
	if (g && g->has_input && st->st_dev == g->dev && st->st_ino == g->ino)
		return "is the capture being read; refusing to overwrite it (choose another name)";
	/* A pipe or a character device (/dev/null, a terminal) takes a stream and holds no data;
	 * a block device or a folder is never an output. */
	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode) && !S_ISCHR(st->st_mode))
		return "is not a regular file, a pipe or a character device; refusing to write to "
		       "it";
	return NULL;
}

bool outfile_check(const char *path, const char *what, const struct outfile_guard *g,
                   char err[OUTFILE_ERR_MAX])
{
	struct stat st;
	const char *why;
	if (strcmp(path, "-") == 0 || lstat(path, &st) != 0 ||
	    (why = outfile_unfit(&st, g)) == NULL)
		return true;
	return outfile_fail(err, what, path, why);
}

/* A temporary file beside path ("dir/.name.XXXXXX"), so rename() stays in one file system. */
static int outfile_mktemp(const char *path, char **tmp)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 16;
	char *t = xmalloc(n);
	snprintf(t, n, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
	int fd = mkstemp(t);
	if (fd < 0) {
		free(t);
		return -1;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0644 & ~um); /* mkstemp makes 0600; the report is as readable as a new file */
	*tmp = t;
	return fd;
}

bool outfile_open(struct outfile *o, const char *path, const char *what, bool atomic,
                  const struct outfile_guard *g, char err[OUTFILE_ERR_MAX])
{
	*o = (struct outfile){.path = path, .what = what};
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
		return true;
	}
	struct stat st;
	const char *why;
	bool exists = lstat(path, &st) == 0;
	if (exists && (why = outfile_unfit(&st, g)) != NULL)
		return outfile_fail(err, what, path, why);
	int fd;
	bool stream = exists && !S_ISREG(st.st_mode); /* a pipe or a device: written as it goes */
	if (atomic && !stream)
		fd = outfile_mktemp(path, &o->tmp);
	else
		fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return outfile_fail(err, what, path,
		                    errno == ELOOP
		                        ? "is a symbolic link; refusing to write through it"
		                        : strerror(errno));
	/* The path could have been swapped between lstat and open: check what was opened, and
	 * empty a regular file only then (O_TRUNC at open would have cut it before the check). */
	struct stat fst;
	why = NULL;
	if (!o->tmp && fstat(fd, &fst) != 0)
		why = strerror(errno);
	else if (!o->tmp && (why = outfile_unfit(&fst, g)) == NULL && S_ISREG(fst.st_mode) &&
	         ftruncate(fd, 0) != 0)
		why = strerror(errno);
	if (why) {
		close(fd);
		return outfile_fail(err, what, path, why);
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		int e = errno;
		close(fd);
		if (o->tmp) {
			unlink(o->tmp);
			free(o->tmp);
			o->tmp = NULL;
		}
		return outfile_fail(err, what, path, strerror(e));
	}
	return true;
}

bool outfile_close(struct outfile *o, bool ok, char err[OUTFILE_ERR_MAX])
{
	if (!o->f)
		return true;
	bool wrote = fflush(o->f) == 0 && !ferror(o->f);
	int e = errno;
	if (o->f == stdout)
		clearerr(stdout);
	else if (fclose(o->f) != 0 && wrote) {
		wrote = false;
		e = errno;
	}
	o->f = NULL;
	if (o->tmp) {
		if (!(ok && wrote && rename(o->tmp, o->path) == 0)) {
			if (ok && wrote) { /* the rename failed */
				e = errno;
				wrote = false;
			}
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
	}
	if (!wrote)
		return outfile_fail(err, o->what, o->path,
		                    e ? strerror(e) : "write error (the file is not complete)");
	return true;
}

bool outfile_same(const char *a, const char *b)
{
	if (!a || !b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return false;
	if (strcmp(a, b) == 0)
		return true;
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
