/* summary: --dump fields of tftp events (placeholder until the tftp dissector lands). */
#include "nbt/dump.h"

void dump_tftp(FILE *out, const struct nbt_event *ev)
{
	(void)out;
	(void)ev;
}
