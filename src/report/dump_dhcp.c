/* summary: --dump fields of dhcp events (placeholder until the dhcp dissector lands). */
#include "nbt/dump.h"

void dump_dhcp(FILE *out, const struct nbt_event *ev)
{
	(void)out;
	(void)ev;
}
