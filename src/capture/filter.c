/* summary: the default capture filter for netboot traffic (DHCP RFC 2131/4578, TFTP RFC 1350,
 * ONC RPC RFC 5531, portmap RFC 1833, MOUNT/NFS RFC 1813) and its widening to learned ports. */
#include "nbt/filter.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nbt/fmt.h"
#include "nbt/proto/dhcp.h"
#include "nbt/proto/rpc.h"
#include "nbt/proto/tftp.h"

/*
 * Classic BPF ends the whole program with "reject" when a load runs past the captured bytes,
 * even if a later "or" branch would have matched.  So the terms that only look at headers
 * come first and the ones that read into payloads come last, shortest read first: a short
 * datagram on port 67 is accepted before any payload term can abort on it.
 */
static const char filter_headers[] =
    "arp"
    /* spanning tree BPDUs (LLC SAP 0x42): a switch that holds new ports back */
    " or stp"
    /* IP fragments: MF set or a fragment offset (an NFS READ over UDP, a big DHCP) */
    " or (ip[6:2] & 0x3fff != 0)"
    /* ICMP destination unreachable: port 69 closed, host unreachable */
    " or (icmp and icmp[0] = 3)"
    /* DHCP server/client, PXE proxyDHCP, TFTP requests, portmap, NFS; DHCPv6 (only counted:
     * the report says when a machine boots over IPv6) */
    " or (udp and (port 67 or port 68 or port 4011 or port 69 or port 111 or port 2049 or"
    " port 546 or port 547))"
    " or (tcp and (port 111 or port 2049))";

/*
 * TFTP after the request moves to the server's new port (RFC 1350 s4): recognised by the
 * opcode in the first two payload bytes (udp[8:2]) with a UDP length that fits it, between
 * two unprivileged ports.  DATA = 2+2+data (>= 12 with the 8-byte UDP header), ACK = exactly
 * 12, ERROR = 2+2+message+NUL (>= 13), OACK = options (RFC 2347).
 */
static const char filter_tftp[] =
    " or (udp and udp[0:2] > 1023 and udp[2:2] > 1023 and"
    " ((udp[8:2] = 3 and udp[4:2] >= 12) or (udp[8:2] = 4 and udp[4:2] = 12) or"
    " (udp[8:2] = 5 and udp[4:2] >= 13) or (udp[8:2] = 6 and udp[4:2] >= 12)))";

/*
 * ONC RPC on a port nobody told us about (mountd's, from GETPORT), RFC 5531 s9: a CALL
 * (mtype 0, rpcvers 2) to portmap 100000, NFS 100003 or MOUNT 100005; a REPLY (mtype 1) with
 * reply_stat 0/1 and a small verifier flavor / reject_stat.  Over UDP the message starts at
 * udp[8]; over TCP after the header (data offset tcp[12] >> 4 words) and the 4-byte record
 * mark whose top bit says "last fragment" (s11).
 */
static const char filter_rpc[] =
    " or (udp and ((udp[12:4] = 0 and udp[16:4] = 2 and"
    " (udp[20:4] = 100000 or udp[20:4] = 100003 or udp[20:4] = 100005)) or"
    " (udp[12:4] = 1 and udp[16:4] <= 1 and udp[20:4] <= 6)))"
    " or (tcp and (tcp[(tcp[12] & 0xf0) >> 2] & 0x80 != 0) and"
    " ((tcp[((tcp[12] & 0xf0) >> 2) + 8:4] = 0 and tcp[((tcp[12] & 0xf0) >> 2) + 12:4] = 2"
    " and (tcp[((tcp[12] & 0xf0) >> 2) + 16:4] = 100000"
    " or tcp[((tcp[12] & 0xf0) >> 2) + 16:4] = 100003"
    " or tcp[((tcp[12] & 0xf0) >> 2) + 16:4] = 100005)) or"
    " (tcp[((tcp[12] & 0xf0) >> 2) + 8:4] = 1 and tcp[((tcp[12] & 0xf0) >> 2) + 12:4] <= 1"
    " and tcp[((tcp[12] & 0xf0) >> 2) + 16:4] <= 6)))";

bool filter_apply(pcap_t *pc, const char *expr, bool *compiled)
{
	struct bpf_program prog;
	*compiled = pcap_compile(pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!*compiled)
		return false;
	int rc = pcap_setfilter(pc, &prog);
	pcap_freecode(&prog);
	return rc == 0;
}

void filter_widen_init(struct filter_widen *w)
{
	memset(w, 0, sizeof(*w));
}

/* Ports the default filter already keeps for both protocols. */
static bool filter_port_known(uint8_t l4proto, uint16_t port)
{
	if (port == RPC_PORT_PORTMAP || port == RPC_PORT_NFS)
		return true;
	return l4proto == IPPROTO_UDP && (port == DHCP_PORT_SERVER || port == DHCP_PORT_CLIENT ||
	                                  port == TFTP_PORT || port == DHCP_PORT_PXE);
}

bool filter_widen_add(struct filter_widen *w, uint8_t l4proto, uint32_t srv_ip, uint16_t port)
{
	if (!port || (l4proto != 6 && l4proto != 17) || filter_port_known(l4proto, port))
		return false;
	for (size_t i = 0; i < w->n; i++) {
		const struct filter_port *p = &w->ports[i];
		if (p->l4proto == l4proto && p->port == port &&
		    (p->srv_ip == 0 || p->srv_ip == srv_ip))
			return false;
	}
	if (w->n >= FILTER_WIDEN_MAX) {
		w->refused++;
		return false;
	}
	w->ports[w->n++] = (struct filter_port){.l4proto = l4proto, .srv_ip = srv_ip, .port = port};
	return true;
}

struct filter_buf {
	char *p;
	size_t size, used;
	bool ok;
};

__attribute__((format(printf, 2, 3))) static void filter_put(struct filter_buf *b, const char *fmt,
                                                             ...)
{
	if (!b->ok)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->used, b->size - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->used) {
		b->ok = false;
		return;
	}
	b->used += (size_t)n;
}

/* The terms without 802.1Q: headers, learned ports, then the payload heuristics. */
static void filter_core(struct filter_buf *b, const struct filter_widen *w)
{
	filter_put(b, "%s", filter_headers);
	for (size_t i = 0; w && i < w->n; i++) {
		const struct filter_port *p = &w->ports[i];
		const char *proto = p->l4proto == IPPROTO_TCP ? "tcp" : "udp";
		if (p->srv_ip)
			filter_put(b, " or (host %s and %s port %u)", fmt_ipv4(p->srv_ip).s, proto,
			           p->port);
		else
			filter_put(b, " or (%s port %u)", proto, p->port);
	}
	filter_put(b, "%s%s", filter_tftp, filter_rpc);
}

bool filter_widen_expr(const struct filter_widen *w, char *buf, size_t size, bool vlan)
{
	struct filter_buf b = {.p = buf, .size = size, .ok = size > 0};
	if (!b.ok)
		return false;
	buf[0] = '\0';
	/* The first "vlan" shifts every later offset by the tag (pcap-filter(7)), so the
	 * untagged copy comes first and the tagged copy last. */
	if (vlan)
		filter_put(&b, "(");
	filter_core(&b, w);
	if (vlan) {
		filter_put(&b, ") or (vlan and (");
		filter_core(&b, w);
		filter_put(&b, "))");
	}
	if (!b.ok)
		buf[0] = '\0';
	return b.ok;
}

const char *filter_default(bool vlan)
{
	static char plain[FILTER_EXPR_MAX], tagged[FILTER_EXPR_MAX];
	char *buf = vlan ? tagged : plain;
	if (!buf[0])
		filter_widen_expr(NULL, buf, FILTER_EXPR_MAX, vlan);
	return buf;
}
