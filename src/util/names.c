/* summary: the one bounds-checked look-up of every long/short name table (nbt/names.h). */
#include "nbt/names.h"

const char *names_get(const struct name_pair *t, size_t n, unsigned i, bool short_form,
                      const char *dflt)
{
	if (i >= n)
		return dflt;
	const char *s = short_form ? t[i].shrt : t[i].name;
	return s ? s : dflt;
}
