/* summary: one direction of a TCP connection as in-order bytes and gaps (RFC 9293 sequence
 * space, a bounded out-of-order window), handed to a framing layer (ONC RPC records today). */
#ifndef NBT_TCPSTREAM_H
#define NBT_TCPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/budget.h"

#define TCPSTREAM_OOO_MAX (256u << 10) /* out-of-order bytes buffered per direction */
/* Larger "segments" (GRO/TSO captures reach 256 KiB) are fine; past this seq arithmetic breaks. */
#define TCPSTREAM_SEG_MAX (1u << 30)

/*
 * What a stream hands on, in stream order: captured bytes (valid only during the call), runs
 * of bytes the capture does not have (snaplen, or a hole declared lost: ANOM_TCP_GAP), and a
 * restart: `mid_flow` when the first segment seen had no SYN (the first byte may be anywhere
 * inside the framing's unit), else a SYN that began a new connection on the same ports.
 */
struct tcpstream_sink {
	void (*data)(void *arg, const uint8_t *p, size_t n);
	void (*missing)(void *arg, size_t n);
	void (*restart)(void *arg, bool mid_flow);
	void *arg;
};

struct tcpstream; /* opaque */

/* Never returns NULL (out of memory aborts through xalloc). */
struct tcpstream *tcpstream_new(struct nbt_stats *stats, struct nbt_budget *budget,
                                const struct tcpstream_sink *sink);
void tcpstream_free(struct tcpstream *s);
/*
 * One segment: seq is the TCP header's sequence number (with syn the SYN takes it and data
 * starts at seq + 1); `wire` payload bytes of which the first `cap` are in p (p may be NULL
 * when cap is 0). In-order bytes go to the sink at once; bytes ahead of a hole wait in a window
 * of TCPSTREAM_OOO_MAX (while the budget has one); bytes already delivered are dropped
 * (overlaps trimmed). A segment past the window counts ANOM_CAP_TCP_OOO and the first hole is
 * declared lost. wire must be at most TCPSTREAM_SEG_MAX.
 */
void tcpstream_add(struct tcpstream *s, uint32_t seq, bool syn, const uint8_t *p, size_t cap,
                   size_t wire);
/*
 * The peer acknowledged every byte before `ack` (the ACK number of a segment going the other
 * way). A capture point sees data before the ACK that covers it, so bytes still missing below
 * it were lost by the capture and will never come: they are declared lost now, not when the
 * window fills. An ACK one past everything with nothing held is most likely a FIN's: ignored.
 */
void tcpstream_ack(struct tcpstream *s, uint32_t ack);
#endif
