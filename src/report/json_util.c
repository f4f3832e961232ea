/* summary: JSON helpers (RFC 8259, RFC 3629 UTF-8, RFC 3339 times) shared by the --json report
 * and the --events stream. */
#include <string.h>
#include <time.h>

#include "nbt/report_json.h"
#include "nbt/textesc.h"

#define RJSON_STR_MAX 1024

json_object *rjson_str(const char *s)
{
	char buf[2 * RJSON_STR_MAX + 4];
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, RJSON_STR_MAX), o = 0;
	for (size_t i = 0; i < len;) {
		size_t n = textesc_utf8_len(p + i, len - i);
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

/*
 * Writes n bytes of json-c's text with the controls it leaves raw escaped: DEL and the C1
 * controls (UTF-8 C2 80..C2 9F) become \u007f and \u0080..\u009f (RFC 8259 s7 allows any
 * character escaped). Outside strings the text is ASCII, so these bytes are always in one.
 */
static void rjson_put(FILE *out, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t from = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned ch;
		if (p[i] == 0x7f)
			ch = 0x7f;
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] < 0xa0)
			ch = p[i + 1];
		else
			continue;
		fwrite(t + from, 1, i - from, out);
		fprintf(out, "\\u%04x", ch);
		i += ch == 0x7f ? 0 : 1;
		from = i + 1;
	}
	fwrite(t + from, 1, n - from, out);
}

static void rjson_puts(FILE *out, const char *t)
{
	rjson_put(out, t, strlen(t));
}

void rjson_write(FILE *out, json_object *o, bool pretty)
{
	rjson_puts(out, rjson_text(o, pretty));
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
	rjson_put(out, t, n >= 2 ? n - 2 : n);
	fprintf(out, ",\n  \"%s\": [", array);
	json_object_put(head);
}

void rjson_stream_item(struct rjson_stream *s, json_object *item)
{
	fputs(s->items++ ? ",\n" RJSON_ITEM_INDENT : "\n" RJSON_ITEM_INDENT, s->out);
	const char *t = rjson_text(item, true);
	for (const char *nl; (nl = strchr(t, '\n')) != NULL; t = nl + 1) {
		rjson_put(s->out, t, (size_t)(nl - t) + 1);
		fputs(RJSON_ITEM_INDENT, s->out);
	}
	rjson_puts(s->out, t);
	json_object_put(item);
}

void rjson_stream_close(struct rjson_stream *s, json_object *tail)
{
	const char *t = rjson_text(tail, true); /* "{\n  ...\n}", tail has members */
	fputs("\n  ],\n", s->out);
	rjson_puts(s->out, strlen(t) >= 2 ? t + 2 : t);
	fputc('\n', s->out);
	json_object_put(tail);
}
