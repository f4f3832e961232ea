/* summary: --dump fields of arp events (placeholder until the arp dissector lands). */
#include "nbt/dump.h"

void dump_arp(FILE *out, const struct nbt_event *ev)
{
	(void)out;
	(void)ev;
}
