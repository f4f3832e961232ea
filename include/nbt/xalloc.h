/* summary: allocation that never returns NULL: out of memory restores the terminal and aborts. */
#ifndef NBT_XALLOC_H
#define NBT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Called before abort() on out-of-memory (the UI sets it to restore the terminal). */
void xalloc_set_oom_hook(void (*hook)(void));

#endif
