/* summary: the catalogue of finding codes (PI-NETBOOT.md s5-6), generated from the registry
 * include/nbt/diag_codes.def: the names outputs print, --codes, and the default hints. */
#include "nbt/diag_codes.h"

#include <string.h>

/* Designated indexes: a row can only sit at its own enum value. */
const struct diag_code_info diag_codes[DIAG_CODE__COUNT] = {
#define DIAG_CODE_DEF(id, name, kind, meaning, hint) [id] = {id, name, kind, meaning, hint},
#include "nbt/diag_codes.def"
#undef DIAG_CODE_DEF
};

const char *diag_code_name(enum diag_code c)
{
	return (unsigned)c < DIAG_CODE__COUNT ? diag_codes[c].code : "?";
}

const struct diag_code_info *diag_code_find(const char *code)
{
	for (unsigned i = 0; i < DIAG_CODE__COUNT; i++)
		if (strcmp(diag_codes[i].code, code) == 0)
			return &diag_codes[i];
	return NULL;
}

const char *diag_hint_for(enum diag_code c)
{
	return (unsigned)c < DIAG_CODE__COUNT ? diag_codes[c].hint : NULL;
}

void diag_codes_print(FILE *out)
{
	for (unsigned i = 0; i < DIAG_CODE__COUNT; i++) {
		const char *hint = diag_codes[i].hint;
		fprintf(out, "%s\t%s\t%s\t%s\n", diag_codes[i].code, diag_codes[i].kind,
		        diag_codes[i].meaning, hint ? hint : "");
	}
}
