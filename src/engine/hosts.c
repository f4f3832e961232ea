/* summary: the --hosts inventory parser ("running-lion 38c128c0 DC:A6:32:79:26:DF" lines). */
#include "nbt/hosts.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#define HOSTS_LINE_MAX 512

static int hosts_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool hosts_parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return false;
	char sep = s[2];
	if (sep != ':' && sep != '-')
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hosts_hexval(s[i * 3]), lo = hosts_hexval(s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != sep))
			return false;
		mac[i] = (uint8_t)(hi * 16 + lo);
	}
	return true;
}

/* The Pi serial as printed in TFTP folder names: 8 hex digits (PI-NETBOOT.md s1). */
bool hosts_parse_serial(const char *s, uint32_t *serial)
{
	if (strlen(s) != 8)
		return false;
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		int d = hosts_hexval(s[i]);
		if (d < 0)
			return false;
		v = v * 16u + (uint32_t)d;
	}
	*serial = v;
	return true;
}

/* One non-blank line already stripped of its comment; returns NULL or why it is bad. */
static const char *hosts_parse_line(char *line, struct hosts_entry *e)
{
	char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
	memset(e, 0, sizeof(*e));
	if (strlen(tok) >= HOSTS_NAME_MAX)
		return "name too long";
	if (hosts_parse_mac(tok, e->mac) || hosts_parse_serial(tok, &e->serial))
		return "the line must start with a name, then a serial and/or MAC";
	strcpy(e->name, tok);
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		uint8_t mac[6];
		uint32_t serial;
		if (hosts_parse_mac(tok, mac)) {
			if (e->has_mac)
				return "two MAC addresses";
			memcpy(e->mac, mac, 6);
			e->has_mac = true;
		} else if (hosts_parse_serial(tok, &serial)) {
			if (e->has_serial)
				return "two serials";
			e->serial = serial;
			e->has_serial = true;
		} else {
			return "not a serial (8 hex digits) or a MAC (aa:bb:cc:dd:ee:ff)";
		}
	}
	if (!e->has_mac && !e->has_serial)
		return "a name needs a serial or a MAC";
	return NULL;
}

bool hosts_parse(struct hosts *h, FILE *in, char err[HOSTS_ERR_MAX])
{
	char line[HOSTS_LINE_MAX];
	unsigned lineno = 0;
	h->n = 0;
	err[0] = '\0';
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			snprintf(err, HOSTS_ERR_MAX, "line %u: longer than %d characters", lineno,
			         HOSTS_LINE_MAX - 2);
			return false;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		if (h->n >= HOSTS_MAX) {
			snprintf(err, HOSTS_ERR_MAX, "line %u: more than %d hosts", lineno,
			         HOSTS_MAX);
			return false;
		}
		struct hosts_entry *e = &h->e[h->n];
		const char *why = hosts_parse_line(line, e);
		if (why) {
			snprintf(err, HOSTS_ERR_MAX, "line %u: %s", lineno, why);
			return false;
		}
		e->line = lineno;
		h->n++;
	}
	return true;
}

bool hosts_load(struct hosts *h, const char *path, char err[HOSTS_ERR_MAX])
{
	char why[HOSTS_ERR_MAX];
	FILE *in = fopen(path, "r");
	if (!in) {
		snprintf(err, HOSTS_ERR_MAX, "%s: %s", path, strerror(errno));
		return false;
	}
	bool ok = hosts_parse(h, in, why);
	fclose(in);
	if (!ok)
		snprintf(err, HOSTS_ERR_MAX, "%.120s: %.120s", path, why);
	return ok;
}

const struct hosts_entry *hosts_find(const struct hosts *h, const uint8_t *mac, bool has_serial,
                                     uint32_t serial)
{
	if (!h)
		return NULL;
	for (size_t i = 0; mac && i < h->n; i++)
		if (h->e[i].has_mac && memcmp(h->e[i].mac, mac, 6) == 0)
			return &h->e[i];
	for (size_t i = 0; has_serial && i < h->n; i++)
		if (h->e[i].has_serial && h->e[i].serial == serial)
			return &h->e[i];
	return NULL;
}
