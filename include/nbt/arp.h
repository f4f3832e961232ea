/* summary: ARP (RFC 826) event: Ethernet/IPv4 request or reply, gratuitous and probe flags. */
#ifndef NBT_ARP_H
#define NBT_ARP_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 826 operation codes (the only two RFC 826 defines; others are emitted as-is). */
enum arp_op {
	ARP_OP_REQUEST = 1,
	ARP_OP_REPLY = 2,
};

/*
 * One ARP packet for hardware type Ethernet (1) and protocol IPv4 (0x0800).
 * Other hardware/protocol combinations are not emitted: arp_dissect() returns
 * DIS_NOT_MINE for them so the caller counts them as undissected.
 */
struct ev_arp {
	uint16_t op;            /* ARP_OP_* or whatever the wire said */
	uint8_t sha[6], tha[6]; /* sender / target hardware address */
	uint32_t spa, tpa;      /* sender / target IPv4, host byte order */
	bool gratuitous;        /* spa == tpa and spa != 0: an announcement (RFC 5227 s3) */
	bool probe;             /* request with spa 0: address conflict probe (RFC 5227 s2.1.1) */
};

#endif
