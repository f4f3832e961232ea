/* summary: CI outcome: client selection (--client), expected stage (--expect), exit code; the
 * verdicts come from the diagnosis engine (diagnose.c), never recomputed here. */
#include "nbt/outcome.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/exitcodes.h"
#include "nbt/hosts.h"

static const char *const outcome_expect_names[] = {
    [OUTCOME_EXPECT_DHCP] = "dhcp",
    [OUTCOME_EXPECT_TFTP] = "tftp",
    [OUTCOME_EXPECT_KERNEL] = "kernel",
    [OUTCOME_EXPECT_BOOTED] = "booted",
};

bool outcome_parse_expect(const char *s, enum outcome_expect *e)
{
	for (size_t i = 0; i < sizeof(outcome_expect_names) / sizeof(outcome_expect_names[0]); i++)
		if (strcmp(s, outcome_expect_names[i]) == 0) {
			*e = (enum outcome_expect)i;
			return true;
		}
	return false;
}

const char *outcome_expect_name(enum outcome_expect e)
{
	return (unsigned)e <= OUTCOME_EXPECT_DHCP ? outcome_expect_names[e] : "?";
}

bool outcome_selected(const struct client *c, const char *sel)
{
	uint8_t mac[6];
	uint32_t serial;
	if (!sel)
		return c->netboot; /* a machine with no sign of a network boot only when named */
	if (c->name[0] && strcmp(c->name, sel) == 0)
		return true;
	/* The --hosts inventory's own rules: one MAC syntax, one serial syntax everywhere. */
	if (hosts_parse_mac(sel, mac))
		return c->has_mac && memcmp(mac, c->mac, 6) == 0;
	return hosts_parse_serial(sel, &serial) && c->has_serial && c->serial == serial;
}

const struct client *outcome_next(struct client_table *t, const char *sel, size_t *i)
{
	while (*i < client_count(t)) {
		const struct client *c = client_get(t, (*i)++);
		if (outcome_selected(c, sel))
			return c;
	}
	return NULL;
}

/* Each expectation includes the weaker ones: a booted client met all of them. */
static bool outcome_met(const struct client_attempt *a, const struct diag_result *r,
                        enum outcome_expect e)
{
	if (r->verdict == DIAG_BOOTED)
		return true;
	switch (e) {
	case OUTCOME_EXPECT_DHCP:
		if (a->fw.ack.count || r->reached >= CLIENT_ST_TFTP_FW)
			return true;
		/* fall through */
	case OUTCOME_EXPECT_TFTP:
		if (client_attempt_served(a))
			return true;
		/* fall through */
	case OUTCOME_EXPECT_KERNEL:
		/* handed-over: the boot program loaded, nothing later is on the wire */
		return r->verdict != DIAG_HANDED_OVER && r->reached >= CLIENT_ST_KERNEL_DHCP;
	case OUTCOME_EXPECT_BOOTED:
		break;
	}
	return false;
}

struct outcome_view outcome_view_at_end(struct client_table *t, const struct diag_opts *d,
                                        const struct outcome_opts *o)
{
	const struct client_capture *cap = client_table_capture(t);
	return (struct outcome_view){.t = t, .cap = cap, .d = d, .o = o, .now = cap->last.ts};
}

const struct client *outcome_view_next(const struct outcome_view *v, size_t *i)
{
	return outcome_next(v->t, v->o->client, i);
}

void outcome_judge_attempt(const struct outcome_view *v, const struct client *c,
                           const struct client_attempt *a, struct diag_result *r)
{
	diag_attempt(c, a, v->cap, v->d, v->now, r);
}

void outcome_judge(const struct outcome_view *v, const struct client *c, struct outcome_client *out)
{
	memset(out, 0, sizeof(*out));
	out->c = c;
	out->last = client_last_attempt(c);
	out->r.primary = -1;
	if (!out->last) {
		out->r.verdict = DIAG_IN_PROGRESS;
		return;
	}
	diag_client(c, v->cap, v->d, v->now, &out->r);
	out->met = outcome_met(out->last, &out->r, v->o->expect);
}

int outcome_exit(const struct outcome_view *v, size_t *nselected)
{
	const struct outcome_opts *o = v->o;
	size_t n = 0;
	bool ok = true;
	const struct client *c;
	for (size_t i = 0; (c = outcome_view_next(v, &i));) {
		struct outcome_client oc;
		outcome_judge(v, c, &oc);
		n++;
		ok = ok && oc.met;
	}
	*nselected = n;
	/* A named client that is not in the capture did not boot. */
	if ((o->client && n == 0) || (o->expect_clients > 0 && n < (size_t)o->expect_clients))
		ok = false;
	return ok ? NBT_EXIT_OK : NBT_EXIT_FAIL;
}

const char *outcome_error_kind(enum capture_err e)
{
	switch (e) {
	case CAPERR_NONE:
		return NULL;
	case CAPERR_NO_FILE:
		return "no-file";
	case CAPERR_PERM:
		return "permission";
	case CAPERR_NOT_CAPTURE:
		return "not-a-capture";
	case CAPERR_NO_IFACE:
		return "no-interface";
	case CAPERR_LINK:
		return "link-type";
	case CAPERR_FILTER:
		return "filter";
	case CAPERR_TRUNCATED:
		return "truncated";
	case CAPERR_NO_DATA:
		return "no-data";
	case CAPERR_OTHER:
		break;
	}
	return "capture";
}
