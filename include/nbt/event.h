/* summary: typed events that dissectors emit; strings are copied, never pointers into packets. */
#ifndef NBT_EVENT_H
#define NBT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/arp.h"
#include "nbt/dhcp.h"
#include "nbt/icmp.h"
#include "nbt/pkt.h"
#include "nbt/rpc.h"
#include "nbt/tcpwatch.h"
#include "nbt/tftp.h"

enum nbt_ev_type {
	EV_NONE = 0,
	EV_ARP,     /* u.arp */
	EV_ICMP,    /* u.icmp: destination unreachable quoting a flow */
	EV_DHCP,    /* u.dhcp: one DHCP/BOOTP message */
	EV_TFTP,    /* u.tftp: one TFTP packet with its session */
	EV_RPC,     /* u.rpc: one ONC RPC call or reply (portmap, MOUNT, NFS) */
	EV_ANOMALY, /* u.anomaly */
	EV_TCP,     /* u.tcp: an RPC connection's TCP says something of the server */
	EV__COUNT
};

struct ev_anomaly {
	enum nbt_anomaly kind;
	const char *proto; /* static string: "ipv4", "dhcp", ... */
	const char *why;   /* static string */
};

struct nbt_event {
	enum nbt_ev_type type;
	/* Filled from the packet by dis_emit(); dissectors fill only `type` and `u`. */
	uint64_t frame;
	nbt_time ts;
	bool has_mac, has_dst_mac; /* as in struct nbt_pkt */
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t sport, dport;
	uint8_t l4proto;
	union {
		struct ev_arp arp;
		struct ev_icmp icmp;
		struct ev_dhcp dhcp;
		struct ev_tftp tftp;
		struct ev_rpc rpc;
		struct ev_anomaly anomaly;
		struct ev_tcp tcp;
	} u;
};

/* Receives every event the pipeline produces, in packet order. */
typedef void (*nbt_event_fn)(void *arg, const struct nbt_event *ev);

#endif
