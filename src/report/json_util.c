/* summary: JSON helpers (RFC 8259, RFC 3629 UTF-8, RFC 3339 times) shared by the --json report
 * and the --events stream. */
#include <string.h>
#include <time.h>

#include "nbt/report_json.h"

#define RJSON_STR_MAX 1024

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 s4 table), 0 if it is not one. */
static size_t rjson_utf8_len(const unsigned char *p, size_t left)
{
	unsigned char b = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		if (b == 0xe0)
			lo = 0xa0; /* no overlong forms */
		if (b == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		if (b == 0xf0)
			lo = 0x90;
		if (b == 0xf4)
			hi = 0x8f; /* nothing past U+10FFFF */
	} else
		return 0;
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

json_object *rjson_str(const char *s)
{
	char buf[2 * RJSON_STR_MAX + 4];
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, RJSON_STR_MAX), o = 0;
	for (size_t i = 0; i < len;) {
		size_t n = rjson_utf8_len(p + i, len - i);
		if (n) {
			memcpy(buf + o, p + i, n);
			o += n;
			i += n;
		} else { /* the byte as U+0080..U+00FF, two bytes in UTF-8 */
			buf[o++] = (char)(0xc0 | p[i] >> 6);
			buf[o++] = (char)(0x80 | (p[i] & 0x3f));
			i++;
		}
	}
	return json_object_new_string_len(buf, (int)o);
}

void rjson_time(char buf[RJSON_TIME_MAX], nbt_time ts)
{
	int64_t sec = ts / NBT_NS_PER_SEC, ns = ts % NBT_NS_PER_SEC;
	if (ns < 0) {
		ns += NBT_NS_PER_SEC;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, RJSON_TIME_MAX, "1970-01-01T00:00:00.000000Z");
		return;
	}
	char day[32];
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, RJSON_TIME_MAX, "%s.%06ldZ", day, (long)(ns / 1000));
}

static const char *rjson_text(json_object *o, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	flags |=
	    pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
	return json_object_to_json_string_ext(o, flags);
}

void rjson_write(FILE *out, json_object *o, bool pretty)
{
	fputs(rjson_text(o, pretty), out);
	fputc('\n', out);
}

/*
 * json-c's pretty form indents a value nested at depth d by 2d more spaces on every line after
 * its first, and strings never hold a raw newline (they are escaped), so a value written on
 * its own and re-indented reads exactly as it would inside the whole document.
 */
#define RJSON_ITEM_INDENT "    " /* an element of an array that is a member of the root */

void rjson_stream_open(struct rjson_stream *s, FILE *out, json_object *head, const char *array)
{
	s->out = out;
	s->items = 0;
	const char *t = rjson_text(head, true); /* "{\n  ...\n}", head has members */
	size_t n = strlen(t);
	fwrite(t, 1, n >= 2 ? n - 2 : n, out);
	fprintf(out, ",\n  \"%s\": [", array);
	json_object_put(head);
}

void rjson_stream_item(struct rjson_stream *s, json_object *item)
{
	fputs(s->items++ ? ",\n" RJSON_ITEM_INDENT : "\n" RJSON_ITEM_INDENT, s->out);
	const char *t = rjson_text(item, true);
	for (const char *nl; (nl = strchr(t, '\n')) != NULL; t = nl + 1) {
		fwrite(t, 1, (size_t)(nl - t) + 1, s->out);
		fputs(RJSON_ITEM_INDENT, s->out);
	}
	fputs(t, s->out);
	json_object_put(item);
}

void rjson_stream_close(struct rjson_stream *s, json_object *tail)
{
	const char *t = rjson_text(tail, true); /* "{\n  ...\n}", tail has members */
	fprintf(s->out, "\n  ],\n%s\n", strlen(t) >= 2 ? t + 2 : t);
	json_object_put(tail);
}
