/* summary: the catalogue of finding codes: kind, plain meaning and the usual fix (--codes, README).
 */
#ifndef NBT_DIAG_CODES_H
#define NBT_DIAG_CODES_H

#include <stdio.h>

struct diag_code_info {
	const char *code;
	const char *kind; /* "stall", "warning", "info", "capture" */
	const char *meaning;
};

extern const struct diag_code_info diag_codes[];
extern const unsigned diag_ncodes;

/* The catalogue entry of a code, or NULL. */
const struct diag_code_info *diag_code_find(const char *code);
/* The hint the report prints for a code when the evidence adds nothing more specific. */
const char *diag_hint_for(const char *code);
/* One line per code: code, kind, meaning, hint, tab-separated (--codes). */
void diag_codes_print(FILE *out);

#endif
