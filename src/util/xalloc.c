/* summary: checked allocation; out of memory is fatal after the OOM hook runs. */
#include "nbt/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*xalloc_oom_hook)(void);

void xalloc_set_oom_hook(void (*hook)(void))
{
	xalloc_oom_hook = hook;
}

static void xalloc_fail(void)
{
	if (xalloc_oom_hook)
		xalloc_oom_hook();
	fputs("netboot-trace: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		xalloc_fail();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		xalloc_fail();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		xalloc_fail();
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);
	memcpy(d, s, n);
	return d;
}
