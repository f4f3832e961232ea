/* summary: the TCP facts of an RPC connection that explain a silent NFS server (nbt/tcpwatch.h). */
#include "nbt/tcpwatch.h"

#include "nbt/decode.h"

/* Sequence numbers compare modulo 2^32 (RFC 9293 s3.4). */
static bool seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

enum tcpw_kind tcpwatch_segment(struct tcpwatch w[2], unsigned d, const struct tcp_hdr *th,
                                uint32_t payload_len)
{
	struct tcpwatch *me = &w[d & 1], *peer = &w[!(d & 1)];
	if (th->flags & TCP_RST)
		return TCPW_RST;
	if (th->flags & TCP_SYN) {
		/* The SYN takes one sequence number; data starts after it. */
		me->end = th->seq + 1;
		me->seen = true;
		me->unacked = false;
		me->opener = !(th->flags & TCP_ACK);
		return th->flags & TCP_ACK ? TCPW_SYNACK : TCPW_SYN;
	}
	enum tcpw_kind k = 0;
	if ((th->flags & TCP_ACK) && peer->unacked && peer->seen && seq_leq(peer->end, th->ack)) {
		peer->unacked = false;
		/* A bare ACK from the server: the call arrived and no answer came with it. An
		 * answer carrying the ACK (a reply record) is the normal case, and the client
		 * acknowledging replies (bulk READs) says nothing of the server: both worth
		 * nothing. */
		if (!payload_len && !me->opener)
			k = TCPW_ACKED;
	}
	if (payload_len) {
		uint32_t end = th->seq + payload_len;
		if (me->seen && seq_leq(end, me->end))
			return TCPW_RETRANS;
		me->end = end;
		me->seen = true;
		me->unacked = true;
	}
	return k;
}
