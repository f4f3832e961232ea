/* summary: the one escaping rule for human-readable output (report, summary, UI, stderr):
 * packet text is shown as data, never as terminal control or a forged report line. */
#ifndef NBT_TEXTESC_H
#define NBT_TEXTESC_H

#include <stddef.h>
#include <stdio.h>

/*
 * Longest run of a string shown before it is cut with a visible "…" and the full length
 * ("…[812 bytes]"); above DIAG_TEXT_MAX, so a finding's own text is never cut.
 */
#define TEXTESC_SHOW_MAX 400
/* Room for an escaped string of TEXTESC_SHOW_MAX input bytes (4 output bytes each) and its tail. */
#define TEXTESC_BUF_MAX (4 * TEXTESC_SHOW_MAX + 32)

/*
 * Writes s escaped into dst (always NUL-terminated): C0 controls, DEL, C1 controls
 * (U+0080..U+009F), backslash and bytes that are not well-formed UTF-8 (RFC 3629) become
 * "\xNN"; printable UTF-8 stays as it is. Past TEXTESC_SHOW_MAX input bytes the rest is cut
 * with "…[N bytes]". Returns the output length.
 */
size_t textesc_str(char *dst, size_t size, const char *s);
/* The same rule, written to a stream. */
void textesc_fputs(FILE *out, const char *s);
/* One line: head and tail as they are (the program's words), s escaped between them. */
void textesc_line(FILE *out, const char *head, const char *s, const char *tail);
/* Length of the well-formed UTF-8 sequence at p (1 for ASCII), 0 if it is not one. */
size_t textesc_utf8_len(const unsigned char *p, size_t left);

#endif
