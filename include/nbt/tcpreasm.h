/* summary: ONC RPC records (RFC 5531 s11 record marking) framed in one direction of a TCP
 * connection, whose bytes and gaps come from a tcpstream (nbt/tcpstream.h). */
#ifndef NBT_TCPREASM_H
#define NBT_TCPREASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/budget.h"
#include "nbt/cursor.h"

#define NBT_RPC_MAX_RECORD  (1u << 20)  /* larger records are NBT_BAD */
#define TCPREASM_PREFIX_MAX (64u << 10) /* bytes of a record kept for dissection */

enum tcp_rec_status { TCPREC_MORE = 0, TCPREC_DONE, TCPREC_BAD };

/*
 * Called once per complete record (the body: fragments concatenated, marks
 * removed).  The cursor's wire length is the record's full length; at most
 * TCPREASM_PREFIX_MAX bytes are captured, so readers past that see CUR_TRUNC
 * (bulk READ/WRITE data is skipped, not copied).  cap is also cut at the first
 * byte the capture never had (snaplen, or a hole declared lost).  The bytes
 * are valid only during the call.  An empty record (a lone zero-length last
 * fragment) is not delivered.
 */
typedef void (*tcp_record_fn)(void *arg, struct cur *record);

struct tcp_stream; /* opaque, one per direction: a tcpstream and its record framer */

/* Never returns NULL (out of memory aborts through xalloc). The budget (the pipeline's) counts
 * the record buffers and out-of-order windows of every stream. */
struct tcp_stream *tcpreasm_new(struct nbt_stats *stats, struct nbt_budget *budget);
void tcpreasm_free(struct tcp_stream *s);
/*
 * Adds one segment.  seq: the TCP header's sequence number; with syn set the
 * SYN takes that number and any payload starts at seq + 1.  seg: the TCP
 * payload (cap < wire when snaplen cut it).  In-order data is consumed at once;
 * data ahead of a hole waits in a window of TCPSTREAM_OOO_MAX bytes; bytes
 * already delivered are dropped (partial overlaps trimmed).  A segment beyond
 * the window counts ANOM_CAP_TCP_OOO and the first hole is declared lost
 * (ANOM_TCP_GAP): a hole inside a record body only cuts that record's cap, a
 * hole over a record mark resynchronises on the next plausible record
 * (mark with the last bit and 12..NBT_RPC_MAX_RECORD bytes, then xid and a
 * CALL with rpcvers 2 or a REPLY with reply_stat 0/1).  A stream whose first
 * segment has no SYN starts in that resync mode (capture began mid-flow); a SYN
 * with a new ISN restarts the stream.  A record above NBT_RPC_MAX_RECORD counts
 * ANOM_RECORD_TOO_BIG and resynchronises.  Returns TCPREC_BAD if this segment
 * hit a too-big record or the cursor had failed (ANOM_INVALID), else
 * TCPREC_DONE if it completed at least one record, else TCPREC_MORE.
 */
enum tcp_rec_status tcpreasm_add(struct tcp_stream *s, uint32_t seq, bool syn, struct cur seg,
                                 tcp_record_fn on_record, void *arg);
/*
 * The peer acknowledged every byte before `ack` (call it with each segment's
 * ACK number, on the stream of the opposite direction).  A capture sees data
 * before the ACK that covers it, so bytes still missing below `ack` were lost
 * by the capture: they are declared lost at once (ANOM_TCP_GAP, same handling
 * as a window overflow) and the data held after them is delivered, instead of
 * waiting for TCPSTREAM_OOO_MAX bytes.  Records completed here go to on_record,
 * so its arg must describe this stream's direction, not the ACK's segment.  An
 * ACK one past all data with nothing held is taken for a FIN's and ignored.
 * Returns as tcpreasm_add does.
 */
enum tcp_rec_status tcpreasm_ack(struct tcp_stream *s, uint32_t ack, tcp_record_fn on_record,
                                 void *arg);

#endif
