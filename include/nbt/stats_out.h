/* summary: --stats, the frame and protocol counters of a run and its anomalies, one per line. */
#ifndef NBT_STATS_OUT_H
#define NBT_STATS_OUT_H

#include <stdio.h>

#include "nbt/anomaly.h"

/* "frames N", "bytes N", ... then "anomaly KIND N" for each anomaly that occurred. */
void stats_print(FILE *out, const struct nbt_stats *s);

#endif
