/* summary: ICMP (RFC 792) error event: unreachable / time exceeded and the flow it quotes. */
#ifndef NBT_ICMP_H
#define NBT_ICMP_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 792 message types that quote an IP header (the ones emitted). */
enum icmp_type {
	ICMP_T_UNREACH = 3,
	ICMP_T_TIME_EXCEEDED = 11,
};

/* RFC 792 / RFC 1122 s3.2.2.1 destination unreachable codes. */
enum icmp_unreach_code {
	ICMP_UNREACH_NET = 0,
	ICMP_UNREACH_HOST = 1,
	ICMP_UNREACH_PROTOCOL = 2,
	ICMP_UNREACH_PORT = 3,
	ICMP_UNREACH_NEEDFRAG = 4,
	ICMP_UNREACH_SRCFAIL = 5,
	ICMP_UNREACH_NET_UNKNOWN = 6,
	ICMP_UNREACH_HOST_UNKNOWN = 7,
	ICMP_UNREACH_ISOLATED = 8,
	ICMP_UNREACH_NET_PROHIB = 9,
	ICMP_UNREACH_HOST_PROHIB = 10,
	ICMP_UNREACH_TOS_NET = 11,
	ICMP_UNREACH_TOS_HOST = 12,
	ICMP_UNREACH_FILTER_PROHIB = 13, /* RFC 1812 s5.2.7.1 */
	ICMP_UNREACH_HOST_PRECEDENCE = 14,
	ICMP_UNREACH_PRECEDENCE_CUTOFF = 15,
};

/*
 * A destination unreachable (3) or time exceeded (11) message.  Other ICMP
 * types are not emitted: icmp_dissect() returns DIS_NOT_MINE for them.
 * The quoted datagram is the one that failed, as its sender sent it:
 * q_src:q_sport -> q_dst:q_dport.
 */
struct ev_icmp {
	uint8_t type, code;
	uint16_t mtu;          /* next-hop MTU for unreachable/need-frag (RFC 1191), else 0 */
	uint8_t q_proto;       /* quoted IP protocol */
	uint32_t q_src, q_dst; /* quoted IPv4 addresses, host byte order */
	uint16_t q_sport, q_dport;
	bool q_has_ports; /* UDP/TCP first-fragment ports were quoted */
	/* Dissector owning the quoted flow ("tftp"), else the quoted destination port's
	 * well-known owner; a static string, or NULL. */
	const char *owner;
};

/* Short static name of a type/code pair: "port-unreachable", "ttl-exceeded", ... */
const char *icmp_code_name(uint8_t type, uint8_t code);

#endif
