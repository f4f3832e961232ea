/* summary: what the capture's spanning tree BPDUs say: a managed switch on the segment, its
 * forward delay, and when it announced that a port had just started forwarding. */
#ifndef NBT_STP_H
#define NBT_STP_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/pkt.h"

#define STP_TC_KEPT 16 /* topology changes remembered (the first ones of the capture) */

/* A topology change: the first BPDU with the TC flag (or a TCN) after one without. */
struct stp_change {
	uint64_t frame;
	nbt_time ts;
};

struct stp_seen {
	uint64_t bpdus, frame; /* how many, and the first one */
	nbt_time ts;
	uint8_t bridge[6]; /* the first BPDU's sender */
	uint8_t version;   /* STP_VERSION_* of the first config or RST BPDU */
	uint32_t fwd_delay_ms;
	uint32_t changes; /* topology changes seen; the first STP_TC_KEPT kept */
	struct stp_change change[STP_TC_KEPT];
	bool in_change; /* the last BPDU carried the TC flag */
	bool have_timers;
};

struct cur;
/* Reads one BPDU (the cursor after the LLC header) into *s; false when it is no BPDU. */
bool stp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct stp_seen *s);

#endif
