/* summary: --dump fields of icmp events (placeholder until the icmp dissector lands). */
#include "nbt/dump.h"

void dump_icmp(FILE *out, const struct nbt_event *ev)
{
	(void)out;
	(void)ev;
}
