/* summary: link, IPv4 and UDP/TCP header decoding into struct nbt_pkt (RFC 791, 768, 793). */
#ifndef NBT_DECODE_H
#define NBT_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/cursor.h"
#include "nbt/pkt.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_IPV6 0x86dd
/* Not an EtherType: what decode_link() sets for an 802.3 frame (a length below 0x0600) whose
 * LLC header is the spanning tree's (nbt/proto/stp.h); the cursor is then at the BPDU. */
#define ETHERTYPE_LLC_STP 0x0042

enum decode_status { DECODE_OK = 0, DECODE_SKIP, DECODE_TRUNC, DECODE_INVALID };

/* The decode status of a failed cursor: cut by the snaplen, or a length that lies. */
static inline enum decode_status decode_status_of(const struct cur *c)
{
	return c->err == CUR_TRUNC ? DECODE_TRUNC : DECODE_INVALID;
}

/* pcap link types (DLT_*) netboot-trace decodes. */
bool link_supported(int dlt);
/* A printable name for any DLT ("EN10MB", "LINUX_SLL2", or "DLT 147"). */
const char *link_name(int dlt, char buf[32]);
/* Strips the link header (and any 802.1Q/QinQ tags); sets pkt MACs, VLANs, ethertype.
 * On DECODE_OK the cursor is at the network-layer header. */
enum decode_status decode_link(int dlt, struct cur *c, struct nbt_pkt *pkt);

struct ipv4_hdr {
	uint8_t ihl, tos, ttl, proto;
	uint16_t total_len, id;
	bool more_frags, dont_frag;
	uint32_t frag_offset; /* bytes */
	uint32_t src, dst;
	bool len_lies; /* total length runs past the frame; payload clamped */
};

/* Parses an IPv4 header; on DECODE_OK *payload views the IP payload (trimmed to the
 * total length, so Ethernet padding is gone). */
enum decode_status decode_ipv4(struct cur *c, struct ipv4_hdr *ip, struct cur *payload);

/*
 * True for boot traffic over IPv6, which netboot-trace counts but does not follow: UDP right
 * after the fixed header (RFC 8200 s3) to TFTP port 69, or a DHCPv6 message (ports 546/547)
 * with a network-boot option (RFC 5970: boot file URL or parameters, client architecture,
 * network interface id) or asking for a boot file URL.  `c` is at the IPv6 header; read only.
 */
bool decode_ipv6_boot(const struct cur *c);

struct tcp_hdr {
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	bool header_ok; /* the 20-byte fixed header was read (even if its length lies) */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* *len_lies: the UDP length runs past the IP payload, which is then used as is. */
enum decode_status decode_udp(struct cur *c, struct nbt_pkt *pkt, struct cur *payload,
                              bool *len_lies);
enum decode_status decode_tcp(struct cur *c, struct nbt_pkt *pkt, struct tcp_hdr *tcp,
                              struct cur *payload);

#endif
