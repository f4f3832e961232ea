/* summary: the --dump text sink: one key=value line per event, for tests and debugging. */
#include "nbt/dump.h"
#include "nbt/fmt.h"

#include <inttypes.h>

void dump_str(FILE *out, const char *key, const char *s, size_t len)
{
	fprintf(out, " %s=\"", key);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

void dump_cstr(FILE *out, const char *key, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	dump_str(out, key, s, n);
}

void dump_hex(FILE *out, const char *key, const uint8_t *p, size_t len)
{
	fprintf(out, " %s=", key);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%02x", p[i]);
}

void dump_ip(FILE *out, const char *key, uint32_t ip)
{
	fprintf(out, " %s=%s", key, fmt_ipv4(ip).s);
}

void dump_mac(FILE *out, const char *key, const uint8_t mac[6])
{
	fprintf(out, " %s=%s", key, fmt_mac(mac).s);
}

void dump_uint(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, " %s=%" PRIu64, key, v);
}

void dump_xint(FILE *out, const char *key, uint64_t v)
{
	fprintf(out, " %s=0x%" PRIx64, key, v);
}

static void dump_anomaly(FILE *out, const struct nbt_event *ev)
{
	const struct ev_anomaly *a = &ev->u.anomaly;
	fprintf(out, " kind=%s", anomaly_name(a->kind));
	dump_cstr(out, "in", a->proto ? a->proto : "?");
	dump_cstr(out, "why", a->why ? a->why : "?");
}

static void dump_tcp(FILE *out, const struct nbt_event *ev)
{
	static const char *const kinds[] = {[TCPW_SYN] = "syn",
	                                    [TCPW_SYNACK] = "synack",
	                                    [TCPW_RST] = "rst",
	                                    [TCPW_ACKED] = "acked",
	                                    [TCPW_RETRANS] = "retrans"};
	unsigned k = ev->u.tcp.kind;
	fprintf(out, " %s", k < sizeof(kinds) / sizeof(kinds[0]) && kinds[k] ? kinds[k] : "?");
}

static const struct {
	const char *name;
	void (*fn)(FILE *, const struct nbt_event *);
} dump_table[EV__COUNT] = {
    [EV_ARP] = {"arp", dump_arp},    [EV_ICMP] = {"icmp", dump_icmp},
    [EV_DHCP] = {"dhcp", dump_dhcp}, [EV_TFTP] = {"tftp", dump_tftp},
    [EV_RPC] = {"rpc", dump_rpc},    [EV_ANOMALY] = {"anomaly", dump_anomaly},
    [EV_TCP] = {"tcp", dump_tcp},
};

void dump_event(FILE *out, const struct nbt_event *ev)
{
	if ((unsigned)ev->type >= EV__COUNT || !dump_table[ev->type].fn)
		return;
	fprintf(out, "%" PRIu64 " %s", ev->frame, dump_table[ev->type].name);
	dump_table[ev->type].fn(out, ev);
	fputc('\n', out);
}
