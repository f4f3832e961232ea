/* summary: spanning tree BPDUs (IEEE 802.1D s9.3): a switch that holds new ports back, and when
 * it announced a topology change (a port that just started forwarding). */
#include <string.h>

#include "nbt/cursor.h"
#include "nbt/proto/stp.h"
#include "nbt/stp.h"

/* The BPDU after the LLC header (nbt/proto/stp.h); a TCN, or a config/RST BPDU whose flags say
 * TC, marks a topology change. Only facts of the first BPDUs are kept, so a flood costs a
 * counter. */
bool stp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct stp_seen *s)
{
	uint16_t proto = cur_be16(c);
	uint8_t version = cur_u8(c);
	uint8_t type = cur_u8(c);
	if (!cur_ok(c) || proto != 0)
		return false;
	bool tc = type == STP_TYPE_TCN;
	bool timers = false;
	uint16_t fwd = 0;
	if (type == STP_TYPE_CONFIG || type == STP_TYPE_RST) {
		uint8_t flags = cur_u8(c);
		cur_skip(c, STP_BPDU_FWD_DELAY - 5); /* root, cost, bridge, port, ages, hello */
		fwd = cur_be16(c);
		if (!cur_ok(c))
			return false;
		tc = flags & STP_FLAG_TC;
		timers = true;
	} else if (type != STP_TYPE_TCN) {
		return false;
	}
	if (!s->bpdus++) {
		s->frame = pkt->frame;
		s->ts = pkt->ts;
		memcpy(s->bridge, pkt->src_mac, sizeof s->bridge);
	}
	if (timers && !s->have_timers) {
		s->have_timers = true;
		s->version = version;
		s->fwd_delay_ms = (uint32_t)fwd * 1000u / STP_TIMER_UNIT;
	}
	/* A change starts at a TC after a BPDU without it; a capture that begins during one has
	 * not seen it start (the TC lasts max age + forward delay, 35 s by default). */
	if (tc && !s->in_change && (s->bpdus > 1 || type == STP_TYPE_TCN)) {
		if (s->changes < STP_TC_KEPT)
			s->change[s->changes] = (struct stp_change){pkt->frame, pkt->ts};
		s->changes++;
	}
	s->in_change = tc;
	return true;
}
