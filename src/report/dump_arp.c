/* summary: --dump fields of ARP (RFC 826) events. */
#include "nbt/dump.h"

void dump_arp(FILE *out, const struct nbt_event *ev)
{
	const struct ev_arp *a = &ev->u.arp;
	const char *op = a->op == ARP_OP_REQUEST ? "request"
	                 : a->op == ARP_OP_REPLY ? "reply"
	                                         : NULL;
	if (op)
		fprintf(out, " op=%s", op);
	else
		dump_uint(out, "op", a->op);
	dump_mac(out, "sha", a->sha);
	dump_ip(out, "spa", a->spa);
	dump_mac(out, "tha", a->tha);
	dump_ip(out, "tpa", a->tpa);
	if (a->gratuitous)
		fputs(" gratuitous=1", out);
	if (a->probe)
		fputs(" probe=1", out);
}
