/* summary: ARP dissector (RFC 826) for Ethernet/IPv4, with RFC 5227 probe/announce flags. */
#include <stddef.h>
#include <string.h>

#include "nbt/arp.h"
#include "nbt/dissect.h"

/*
 * RFC 826 packet layout (Ethernet/IPv4 sizes):
 *   ar$hrd 2 | ar$pro 2 | ar$hln 1 | ar$pln 1 | ar$op 2 |
 *   ar$sha 6 | ar$spa 4 | ar$tha 6 | ar$tpa 4          = 28 bytes
 * Anything after that (Ethernet padding) is ignored.
 */
#define ARP_HRD_ETHER 1
#define ARP_PRO_IPV4  0x0800
#define ARP_HLN_ETHER 6
#define ARP_PLN_IPV4  4

enum dis_status arp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct nbt_event ev;
	memset(&ev, 0, offsetof(struct nbt_event, u) + sizeof ev.u.arp); /* not the whole union */
	ev.type = EV_ARP;
	struct ev_arp *a = &ev.u.arp;
	(void)pkt;

	uint16_t hrd = cur_be16(c);
	uint16_t pro = cur_be16(c);
	uint8_t hln = cur_u8(c);
	uint8_t pln = cur_u8(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "arp");
	/* Other link or network types (IEEE 802, ATM, IPv6-less oddities) are not ours. */
	if (hrd != ARP_HRD_ETHER || pro != ARP_PRO_IPV4 || hln != ARP_HLN_ETHER ||
	    pln != ARP_PLN_IPV4)
		return DIS_NOT_MINE;

	a->op = cur_be16(c);
	cur_copy(c, a->sha, sizeof a->sha);
	a->spa = cur_be32(c);
	cur_copy(c, a->tha, sizeof a->tha);
	a->tpa = cur_be32(c);
	if (!cur_ok(c))
		return dis_cursor_fail(ctx, c, "arp");

	/* RFC 5227 s2.1.1: a probe has sender IP 0; s3: an announcement has spa == tpa. */
	a->probe = a->op == ARP_OP_REQUEST && a->spa == 0;
	a->gratuitous = a->spa != 0 && a->spa == a->tpa;
	dis_emit(ctx, &ev);
	return DIS_OK;
}
