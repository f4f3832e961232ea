/* summary: the finding codes as an enum, and their catalogue: name, kind, plain meaning and the
 * usual fix (--codes, README), all made from the one registry include/nbt/diag_codes.def. */
#ifndef NBT_DIAG_CODES_H
#define NBT_DIAG_CODES_H

#include <stdio.h>

/* Findings carry the enum; the string is looked up only when an output prints it. */
enum diag_code {
#define DIAG_CODE_DEF(id, name, kind, meaning, hint) id,
#include "nbt/diag_codes.def"
#undef DIAG_CODE_DEF
	DIAG_CODE__COUNT
};

struct diag_code_info {
	enum diag_code id;
	const char *code; /* what every output prints: "tftp-file-not-found", ... */
	const char *kind; /* "stall", "warning", "info", "capture" */
	const char *meaning;
	const char *hint; /* the default hint, or NULL */
};

/* Indexed by enum diag_code, in registry (and --codes) order. */
extern const struct diag_code_info diag_codes[DIAG_CODE__COUNT];

/* The code string of a finding ("?" out of range). */
const char *diag_code_name(enum diag_code c);
/* The catalogue entry named `code`, or NULL. */
const struct diag_code_info *diag_code_find(const char *code);
/* The hint the report prints for a code when the evidence adds nothing more specific, or NULL. */
const char *diag_hint_for(enum diag_code c);
/* One line per code: code, kind, meaning, hint, tab-separated (--codes). */
void diag_codes_print(FILE *out);

#endif
