/* summary: ICMP dissector (RFC 792, 1191, 1812): unreachable, time exceeded, the quoted flow. */
#include <netinet/in.h>
#include <stddef.h>

#include "nbt/dissect.h"
#include "nbt/icmp.h"

/*
 * The quoted datagram (RFC 792: "Internet Header + 64 bits of Original Data
 * Datagram"; RFC 1812 s4.3.2.3 allows more).  Only the part that is present is
 * decoded: an IPv4 header of IHL*4 bytes, then the first 4 bytes of UDP/TCP
 * (the ports) when this was the datagram's first fragment.
 */
static bool icmp_quoted(struct cur *c, struct ev_icmp *ic)
{
	uint8_t vihl = cur_u8(c);
	if (!cur_ok(c) || vihl >> 4 != 4 || (vihl & 0x0f) < 5)
		return false;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	cur_skip(c, 5); /* tos 1, total length 2, id 2 */
	uint16_t frag = cur_be16(c);
	cur_skip(c, 1); /* ttl */
	ic->q_proto = cur_u8(c);
	cur_skip(c, 2); /* header checksum */
	ic->q_src = cur_be32(c);
	ic->q_dst = cur_be32(c);
	cur_skip(c, ihl - 20); /* IP options */
	if (!cur_ok(c))
		return false;
	/* Fragment offset (low 13 bits) non-zero: no transport header here. */
	if ((frag & 0x1fff) != 0 || (ic->q_proto != IPPROTO_UDP && ic->q_proto != IPPROTO_TCP))
		return true;
	if (cur_left(c) < 4)
		return true; /* router quoted less than it should: ports unknown */
	ic->q_sport = cur_be16(c);
	ic->q_dport = cur_be16(c);
	ic->q_has_ports = cur_ok(c);
	return true;
}

enum dis_status icmp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct nbt_event ev = {.type = EV_ICMP};
	struct ev_icmp *ic = &ev.u.icmp;
	(void)pkt;

	/* type 1 | code 1 | checksum 2 | rest-of-header 4 | quoted datagram */
	ic->type = cur_u8(c);
	ic->code = cur_u8(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "icmp");
	if (ic->type != ICMP_T_UNREACH && ic->type != ICMP_T_TIME_EXCEEDED)
		return DIS_NOT_MINE; /* echo, redirect, ...: not part of a boot */
	cur_skip(c, 4);              /* checksum, unused */
	uint16_t mtu = cur_be16(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "icmp");
	if (ic->type == ICMP_T_UNREACH && ic->code == ICMP_UNREACH_NEEDFRAG)
		ic->mtu = mtu; /* RFC 1191 s4 */

	struct cur q = cur_rest(c);
	if (!icmp_quoted(&q, ic)) {
		dis_anomaly(ctx, q.err == CUR_TRUNC ? ANOM_TRUNCATED : ANOM_INVALID, "icmp",
		            "quoted datagram is not a whole IPv4 header");
		return q.err == CUR_TRUNC ? DIS_TRUNC : DIS_INVALID;
	}
	/* The quoted flow's dissector, else the quoted destination port's owner. */
	if (ic->q_has_ports)
		ic->owner = dis_flow_owner(ctx, ic->q_proto, ic->q_src, ic->q_sport, ic->q_dst,
		                           ic->q_dport);
	dis_emit(ctx, &ev);
	return DIS_OK;
}
