/* summary: bounded 5-tuple flow table with LRU eviction, per-flow dissector state and expectations.
 */
#ifndef NBT_FLOW_H
#define NBT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/dissect.h"
#include "nbt/pkt.h"
#include "nbt/tcpwatch.h"

struct tcp_stream;

struct flow {
	/* What a lookup compares, first: a chain walk touches one cache line per flow. */
	uint32_t hash;
	uint8_t l4proto;
	uint16_t port[2];
	uint32_t ip[2]; /* [0]: the first sender seen */
	struct flow *hnext;
	const struct dissector *dis;
	void *state; /* dis->flow_state_size bytes, zeroed */
	struct tcp_stream *tcp[2];
	struct tcpwatch tw[2]; /* RPC over TCP: what the TCP layer says of the server */
	uint64_t first_frame;
	nbt_time first_ts, last_ts;
	struct flow *lru_prev, *lru_next;
};

struct flow_limits {
	size_t max_flows;
	size_t max_expect;
};

#define FLOW_DEFAULT_LIMITS                                                                        \
	{                                                                                          \
		.max_flows = 65536, .max_expect = 4096                                             \
	}

/*
 * Packet time after which a silent TCP connection is forgotten: twice the 5 minutes after which
 * the Linux RPC client itself closes an idle transport (net/sunrpc/xprtsock.c, XS_IDLE_DISC_TO).
 */
#define FLOW_TCP_IDLE ((nbt_time)600 * NBT_NS_PER_SEC)

struct flow_table;

struct flow_table *flow_table_new(const struct flow_limits *lim, struct nbt_stats *stats);
void flow_table_free(struct flow_table *ft);
/* Finds the flow of this packet's 5-tuple (either direction); sets pkt->dir. */
struct flow *flow_lookup(struct flow_table *ft, struct nbt_pkt *pkt);
/* Same, from explicit endpoints, without touching the LRU order. */
struct flow *flow_find(struct flow_table *ft, uint8_t l4proto, uint32_t sip, uint16_t sport,
                       uint32_t dip, uint16_t dport);
/* Creates the flow for pkt (pkt's source becomes side 0) owned by dis, its state starting
 * with seed (seed_len 0: none). Evicts the least recently used flow when full. */
struct flow *flow_create(struct flow_table *ft, struct nbt_pkt *pkt, const struct dissector *dis,
                         const void *seed, size_t seed_len);
/* Registers an expectation; returns false (and counts) when the table is full. */
bool flow_expect_add(struct flow_table *ft, const struct flow_expect *e, nbt_time now,
                     const void *seed, size_t seed_len);
/* Consumes the expectation matching pkt, if any: returns its dissector and copies
 * its seed to *seed (up to DIS_SEED_MAX bytes), *seed_len its length. */
const struct dissector *flow_expect_take(struct flow_table *ft, const struct nbt_pkt *pkt,
                                         uint8_t seed[DIS_SEED_MAX], size_t *seed_len);
size_t flow_count(const struct flow_table *ft);
size_t flow_expect_count(const struct flow_table *ft);

#endif
