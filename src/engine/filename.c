/* summary: TFTP file-name tests shared by the loader knowledge (base name, prefix, suffix). */
#include "filename.h"

#include <ctype.h>
#include <string.h>

const char *filename_base(const char *name)
{
	const char *s = strrchr(name, '/');
	return s ? s + 1 : name;
}

bool filename_starts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != prefix[i])
			return false;
	return true;
}

bool filename_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && filename_starts(s + n - m, suffix);
}
