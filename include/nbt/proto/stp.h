/* summary: spanning tree BPDU wire constants (IEEE 802.1D-2004 s9.3, 802.1Q-2018 s14 for RST and
 * MST BPDUs), as a capture on a switched segment holds them. */
#ifndef NBT_STP_PROTO_H
#define NBT_STP_PROTO_H

/*
 * A BPDU travels in an 802.3 frame (a length, not an EtherType) to 01:80:c2:00:00:00, behind an
 * LLC header DSAP 0x42, SSAP 0x42, control 0x03 (UI). Then, all fields big-endian:
 *   protocol id 2 (0) | version 1 | type 1 | flags 1 | root id 8 | root path cost 4 |
 *   bridge id 8 | port id 2 | message age 2 | max age 2 | hello time 2 | forward delay 2
 * (a TCN BPDU ends after its type). The four timers count 1/256 s.
 */
#define STP_LLC_SAP        0x42
#define STP_LLC_UI         0x03
#define STP_VERSION_STP    0 /* 802.1D: ports wait 2 x forward delay (listening, learning) */
#define STP_VERSION_RSTP   2 /* rapid: an edge port forwards at once */
#define STP_VERSION_MSTP   3
#define STP_TYPE_CONFIG    0x00
#define STP_TYPE_RST       0x02 /* RST and MST BPDUs */
#define STP_TYPE_TCN       0x80 /* topology change notification: no fields after the type */
#define STP_FLAG_TC        0x01 /* topology change: a port just started forwarding */
#define STP_TIMER_UNIT     256  /* timer ticks per second */
#define STP_BPDU_FWD_DELAY 33   /* offset of forward delay from the start of the BPDU */

#endif
