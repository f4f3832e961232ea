/* summary: the decode pipeline: frame -> link -> IPv4 (+reassembly) -> UDP/TCP (+records) ->
 * dissector -> events. */
#ifndef NBT_PIPELINE_H
#define NBT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/dissect.h"
#include "nbt/event.h"
#include "nbt/flow.h"
#include "nbt/ipfrag.h"
#include "nbt/pkt.h"

struct pipeline_limits {
	struct flow_limits flows;
	struct ipfrag_limits frags;
};

struct pipeline;

/* Every event goes to on_event(arg, ev) as it is produced. */
struct pipeline *pipeline_new(const struct pipeline_limits *lim, nbt_event_fn on_event, void *arg);
void pipeline_free(struct pipeline *p);
/* Sets the capture's link type; returns false if it is not one we decode. */
bool pipeline_set_link(struct pipeline *p, int dlt);
/* One captured frame; frame numbers count from 1 in call order. */
void pipeline_frame(struct pipeline *p, nbt_time ts, const uint8_t *data, uint32_t caplen,
                    uint32_t wirelen);
const struct nbt_stats *pipeline_stats(const struct pipeline *p);
/*
 * Called for every expectation of a fixed server port (a MOUNT port learned from a portmap
 * GETPORT reply), so a live capture can widen its filter to it.  srv_ip 0 means any host.
 */
typedef void (*pipeline_port_fn)(void *arg, uint8_t l4proto, uint32_t srv_ip, uint16_t srv_port);
void pipeline_set_port_hook(struct pipeline *p, pipeline_port_fn fn, void *arg);
struct flow_table *pipeline_flows(struct pipeline *p);

/*
 * For dissector tests: runs one L4 payload through `dis` as if it arrived in
 * `pkt` (addresses, ports, l4proto and ts filled in by the caller), with a
 * flow created or found for its 5-tuple, so flow state and expectations work
 * across calls.  Returns the dissector's status.
 */
enum dis_status pipeline_dissect(struct pipeline *p, const struct dissector *dis,
                                 struct nbt_pkt *pkt, const uint8_t *payload, size_t len);

#endif
