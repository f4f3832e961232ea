/* summary: --dump fields of rpc events (placeholder until the rpc dissector lands). */
#include "nbt/dump.h"

void dump_rpc(FILE *out, const struct nbt_event *ev)
{
	(void)out;
	(void)ev;
}
