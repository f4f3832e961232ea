/* summary: the dissector interface and the context a dissector may touch (emit, expect, state). */
#ifndef NBT_DISSECT_H
#define NBT_DISSECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/budget.h"
#include "nbt/cursor.h"
#include "nbt/event.h"
#include "nbt/pkt.h"

enum dis_status { DIS_OK, DIS_TRUNC, DIS_INVALID, DIS_NOT_MINE };

struct dis_ctx;
struct dissector;
struct flow_expect;

/*
 * What a dissector may ask of whatever runs it (src/decode/pipeline.c): the services behind
 * dis_emit(), dis_expect() and the rest below. Dissectors reach the pipeline only through this
 * table, so the dissector stage links against no pipeline code.
 */
struct dis_ops {
	void (*emit)(struct dis_ctx *ctx, struct nbt_event *ev);
	void (*expect)(struct dis_ctx *ctx, const struct flow_expect *e, const void *seed,
	               size_t seed_len);
	void *(*flow_state)(struct dis_ctx *ctx);
	struct nbt_budget *(*budget)(struct dis_ctx *ctx);
	struct nbt_stats *(*stats)(struct dis_ctx *ctx);
	/* The dissector of an existing flow, or NULL. */
	const struct dissector *(*flow_dissector)(struct dis_ctx *ctx, uint8_t l4proto,
	                                          uint32_t sip, uint16_t sport, uint32_t dip,
	                                          uint16_t dport);
};

/* A dissector's view of its context: the services; the runner's own state follows. */
struct dis_ctx {
	const struct dis_ops *ops;
};

struct dissector {
	const char *name;  /* "tftp" */
	uint8_t l4proto;   /* IPPROTO_UDP / IPPROTO_TCP, or 0 for both */
	uint16_t ports[4]; /* well-known ports, 0-terminated */
	/* Optional heuristic for flows no port or expectation claims. */
	bool (*probe)(const struct cur *payload, const struct nbt_pkt *pkt);
	/* One UDP datagram, or (tcp_records) one RPC record reassembled from TCP. */
	enum dis_status (*dissect)(struct cur *payload, const struct nbt_pkt *pkt,
	                           struct dis_ctx *ctx);
	size_t flow_state_size; /* zeroed per flow, freed with the flow */
	/* Optional: frees what the state points to (the state itself is the flow table's). */
	void (*flow_state_free)(void *state);
	bool tcp_records; /* over TCP, deliver ONC RPC records (RFC 5531 s11) */
	/* A datagram to a well-known port that no flow or expectation claims is a request whose
	 * answer comes on a new flow (TFTP: the server replies from a new port, RFC 1350 s4; the
	 * dissector registers the expectation): it is dissected without a flow of its own, so a
	 * client cycling through source ports cannot fill the flow table with one-packet flows. */
	bool requests_flowless;
};

/* An expected flow, e.g. TFTP data from the server's new port (RFC 1350 s4). */
struct flow_expect {
	uint8_t l4proto;
	uint32_t cli_ip, srv_ip;     /* 0: any */
	uint16_t cli_port, srv_port; /* 0: any */
	const struct dissector *dis;
	nbt_time ttl; /* from the current packet's time */
};

#define DIS_SEED_MAX 256

/* Fills the event's packet fields (frame, time, addresses) and hands it on. */
void dis_emit(struct dis_ctx *ctx, struct nbt_event *ev);
/* Registers an expectation; `seed` (at most DIS_SEED_MAX bytes) is copied to the start
 * of the matching flow's state, so a dissector can carry context (a file name) over. */
void dis_expect(struct dis_ctx *ctx, const struct flow_expect *e, const void *seed,
                size_t seed_len);
/* What all flows of this pipeline hold together: a dissector's flow state that grows (RPC
 * call slots) counts itself against it. */
struct nbt_budget *dis_budget(struct dis_ctx *ctx);
/* This flow's zeroed per-dissector state (flow_state_size bytes), or NULL. */
void *dis_flow_state(struct dis_ctx *ctx);
/* Counts an anomaly and emits an EV_ANOMALY event. */
void dis_anomaly(struct dis_ctx *ctx, enum nbt_anomaly kind, const char *proto, const char *why);
/* Name of the dissector that owns an existing flow (for ICMP errors quoting it), or NULL. */
const char *dis_flow_owner(struct dis_ctx *ctx, uint8_t l4proto, uint32_t sip, uint16_t sport,
                           uint32_t dip, uint16_t dport);
/* Maps a failed cursor to an anomaly (TRUNC -> truncated, INVALID -> invalid). */
enum dis_status dis_cursor_fail(struct dis_ctx *ctx, const struct cur *c, const char *proto);

/* Dissectors reached by link or IP protocol rather than by port. */
enum dis_status arp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx);
enum dis_status icmp_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx);

/* dissectors/registry.c: the port-dispatched dissectors, NULL-terminated. */
extern const struct dissector *const nbt_dissectors[];

#endif
