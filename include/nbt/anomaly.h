/* summary: kinds of malformed input and caps reached, counted and reported, never fatal. */
#ifndef NBT_ANOMALY_H
#define NBT_ANOMALY_H

#include <stdint.h>

#include "nbt/pkt.h"
#include "nbt/stp.h"

enum nbt_anomaly {
	ANOM_TRUNCATED = 0,  /* data past the capture's snaplen */
	ANOM_INVALID,        /* a length or field that lies */
	ANOM_FRAG_OVERLAP,   /* IPv4 fragments overlapping with different ranges */
	ANOM_FRAG_TIMEOUT,   /* a datagram never completed */
	ANOM_TCP_GAP,        /* bytes missing from a TCP stream; records resynchronised */
	ANOM_RECORD_TOO_BIG, /* RPC record above NBT_RPC_MAX_RECORD */
	ANOM_CAP_FLOWS,      /* flow table full: oldest flow evicted */
	ANOM_CAP_FRAGS,      /* fragment table or per-datagram cap reached */
	ANOM_CAP_TCP_OOO,    /* TCP memory budget: out-of-order window full, or record buffers */
	ANOM_CAP_RPC_XIDS,   /* outstanding RPC calls per flow cap reached */
	ANOM_CAP_EXPECT,     /* expectation table full */
	ANOM_CAP_CLIENTS,    /* client table full */
	ANOM_CAP_EVENTS,     /* per-client timeline full */
	ANOM_TIME_BACKWARDS, /* a packet timestamp earlier than the previous one */
	ANOM_UNKNOWN_LINK,   /* a frame whose encapsulation is not decoded */
	ANOM__COUNT,
	/* Capture facts past the counted list (PI-NETBOOT.md s6): the pipeline emits them per
	 * packet for the boot report; nbt_stats counts them apart. */
	ANOM_CHECKSUM = ANOM__COUNT, /* IPv4/UDP checksum wrong (offload or corruption) */
	ANOM_OVERSIZE,               /* frame larger than the Ethernet MTU (GRO/TSO) */
	ANOM__ALL
};

/* Stable lower-case names used in reports ("truncated", "cap-flows", ...). */
const char *anomaly_name(enum nbt_anomaly a);

struct nbt_stats {
	uint64_t frames, bytes;
	uint64_t arp, ipv4, ipv6, other_l3;
	uint64_t ip_frags, ip_reassembled;
	uint64_t udp, tcp, icmp;
	uint64_t dissected; /* L4 payloads a dissector accepted */
	uint64_t events;
	uint64_t anomalies[ANOM__COUNT];
	uint64_t bad_checksums, oversize_frames; /* ANOM_CHECKSUM, ANOM_OVERSIZE */
	/* DHCPv6 / TFTP-over-IPv6 packets (decode_ipv6_boot), not followed; the first one. */
	uint64_t ipv6_boot, ipv6_boot_frame;
	nbt_time ipv6_boot_ts;
	struct stp_seen stp; /* spanning tree BPDUs (stp_dissect) */
};

#endif
