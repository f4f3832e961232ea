/* summary: --dump fields of ICMP (RFC 792) unreachable / time exceeded events. */
#include "nbt/dump.h"

void dump_icmp(FILE *out, const struct nbt_event *ev)
{
	const struct ev_icmp *ic = &ev->u.icmp;
	dump_uint(out, "type", ic->type);
	dump_uint(out, "code", ic->code);
	fprintf(out, " what=%s", icmp_code_name(ic->type, ic->code));
	dump_ip(out, "src", ev->src_ip);
	dump_ip(out, "dst", ev->dst_ip);
	if (ic->mtu)
		dump_uint(out, "mtu", ic->mtu);
	dump_uint(out, "q_proto", ic->q_proto);
	dump_ip(out, "q_src", ic->q_src);
	dump_ip(out, "q_dst", ic->q_dst);
	if (ic->q_has_ports) {
		dump_uint(out, "q_sport", ic->q_sport);
		dump_uint(out, "q_dport", ic->q_dport);
	}
	if (ic->owner)
		dump_cstr(out, "owner", ic->owner);
}
