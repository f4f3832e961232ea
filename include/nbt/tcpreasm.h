/* summary: per-direction TCP stream reassembly into ONC RPC records (RFC 5531 s11 record marking). */
#ifndef NBT_TCPREASM_H
#define NBT_TCPREASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/cursor.h"

#define NBT_RPC_MAX_RECORD (1u << 20) /* larger records are NBT_BAD */
#define TCPREASM_PREFIX_MAX (64u << 10) /* bytes of a record kept for dissection */
#define TCPREASM_OOO_MAX (256u << 10)   /* out-of-order bytes buffered per direction */

enum tcp_rec_status { TCPREC_MORE = 0, TCPREC_DONE, TCPREC_BAD };

/*
 * Called once per complete record.  The cursor's wire length is the record's
 * full length; at most TCPREASM_PREFIX_MAX bytes are captured, so readers past
 * that see CUR_TRUNC (bulk READ/WRITE data is skipped, not copied).
 */
typedef void (*tcp_record_fn)(void *arg, struct cur *record);

struct tcp_stream; /* opaque, one per direction */

struct tcp_stream *tcpreasm_new(struct nbt_stats *stats);
void tcpreasm_free(struct tcp_stream *s);
/*
 * Adds one segment (seq: TCP sequence number of its first payload byte; syn:
 * the SYN flag, whose sequence number takes one).  In-order data is consumed at
 * once; data ahead of a hole waits in a bounded window; data already seen is
 * dropped.  A hole that can never be filled (window full) resynchronises on the
 * next plausible record header and counts ANOM_TCP_GAP.  Records that start
 * before the first segment seen are found the same way (capture started mid-flow).
 */
enum tcp_rec_status tcpreasm_add(struct tcp_stream *s, uint32_t seq, bool syn, struct cur seg,
				 tcp_record_fn on_record, void *arg);

#endif
