/* summary: arp (placeholder until the arp dissector lands). */
#include "nbt/dissect.h"

enum dis_status arp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	(void)c;
	(void)pkt;
	(void)ctx;
	return DIS_NOT_MINE;
}
