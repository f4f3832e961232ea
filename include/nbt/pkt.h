/* summary: the parsed context of one packet, passed down the layers (never raw header pointers). */
#ifndef NBT_PKT_H
#define NBT_PKT_H

#include <stdbool.h>
#include <stdint.h>

struct flow;

/* Nanoseconds since the Unix epoch; packet time, never wall clock. */
typedef int64_t nbt_time;
#define NBT_NS_PER_SEC 1000000000LL
#define NBT_NS_PER_MS  1000000LL

/*
 * Packet times are kept within +-2^62 ns (years 1824..2116) so that the sum of a
 * time and a timeout, or the difference of two times, can never overflow.
 * Captures can claim any 64-bit time (pcapng); those are pinned to the range.
 */
#define NBT_TIME_MAX ((1LL << 62) - (1LL << 40))

static inline nbt_time nbt_time_clamp(nbt_time t)
{
	return t > NBT_TIME_MAX ? NBT_TIME_MAX : t < -NBT_TIME_MAX ? -NBT_TIME_MAX : t;
}

struct nbt_pkt {
	uint64_t frame; /* 1-based frame number in the capture */
	nbt_time ts;
	uint32_t caplen, wirelen;
	uint16_t vlan[2]; /* outer first; 802.1Q and QinQ */
	uint8_t nvlan;
	bool has_mac;     /* src_mac is known */
	bool has_dst_mac; /* dst_mac too (Ethernet; a cooked header carries the sender's only) */
	uint8_t src_mac[6], dst_mac[6];
	uint16_t ethertype;
	uint32_t src_ip, dst_ip; /* IPv4, host byte order */
	uint8_t ip_ttl;
	bool reassembled; /* payload came from IPv4 fragment reassembly */
	uint8_t l4proto;  /* IPPROTO_UDP / IPPROTO_TCP / IPPROTO_ICMP, 0 if none */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	struct flow *flow; /* set by the flow lookup */
	uint8_t dir;       /* 0: from the flow's first sender, 1: towards it */
};

#endif
