/* summary: escapes packet-derived text for people: control bytes, backslash and invalid UTF-8
 * as \xNN (like --dump), printable UTF-8 kept, long strings cut with their full length. */
#include "nbt/textesc.h"

#include <string.h>

size_t textesc_utf8_len(const unsigned char *p, size_t left)
{
	unsigned char b = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte (RFC 3629 s4) */
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

/* True for a sequence that is a control character: C0, DEL, or C1 (U+0080..U+009F, C2 80..9F). */
static int textesc_is_control(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

size_t textesc_str(char *dst, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	if (!size)
		return 0;
	size_t show = len > TEXTESC_SHOW_MAX ? TEXTESC_SHOW_MAX : len;
	for (size_t i = 0; i < show;) {
		size_t n = textesc_utf8_len(p + i, len - i);
		int raw = n && !textesc_is_control(p + i, n) && p[i] != '\\';
		size_t need = raw ? n : 4 * (n ? n : 1);
		if (o + need + 1 > size)
			break;
		if (raw) {
			memcpy(dst + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		for (size_t k = 0; k < (n ? n : 1); k++, i++) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[p[i] >> 4];
			dst[o++] = hex[p[i] & 15];
		}
	}
	if (show < len) {
		int w = snprintf(dst + o, size - o, "\u2026[%zu bytes]", len);
		if (w > 0)
			o += (size_t)w < size - o ? (size_t)w : size - o - 1;
	}
	dst[o] = '\0';
	return o;
}

void textesc_fputs(FILE *out, const char *s)
{
	char buf[TEXTESC_BUF_MAX];
	textesc_str(buf, sizeof(buf), s);
	fputs(buf, out);
}

void textesc_line(FILE *out, const char *head, const char *s, const char *tail)
{
	fputs(head, out);
	textesc_fputs(out, s);
	fputs(tail, out);
	fputc('\n', out);
}
