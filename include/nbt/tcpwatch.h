/* summary: what the TCP layer of an RPC connection says about the server (RFC 9293 s3.5,
 * s3.8.1): connection attempts unanswered or refused, calls acknowledged but not answered, and
 * data sent again; one small event for each, so that NFS silence gets a cause. */
#ifndef NBT_TCPWATCH_H
#define NBT_TCPWATCH_H

#include <stdbool.h>
#include <stdint.h>

enum tcpw_kind {
	TCPW_SYN = 1, /* a connection attempt (SYN without ACK) */
	TCPW_SYNACK,  /* its answer */
	TCPW_RST,     /* a reset: refused, or the connection torn down */
	TCPW_ACKED,   /* a bare ACK covering all the data the other side had sent: received */
	TCPW_RETRANS, /* data at or below what this side had already sent */
};

struct ev_tcp {
	uint8_t kind; /* enum tcpw_kind */
};

/* Per direction of a connection: the end of the data it sent and whether the other side has
 * acknowledged it yet. */
struct tcpwatch {
	uint32_t end;
	bool seen, unacked;
	bool opener; /* sent the SYN: the client; its bare ACKs of replies say nothing */
};

struct tcp_hdr;

/*
 * Looks at one segment of direction d (w[d] its sender's state, w[!d] the receiver's) and
 * returns the event kind it is worth, 0 for none: most segments of a healthy connection (data
 * in order, ACKs that arrive with a reply) are worth nothing.
 */
enum tcpw_kind tcpwatch_segment(struct tcpwatch w[2], unsigned d, const struct tcp_hdr *th,
                                uint32_t payload_len);

#endif
