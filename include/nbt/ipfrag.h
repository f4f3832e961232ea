/* summary: bounded IPv4 fragment reassembly (RFC 791 s3.2, RFC 815), timeouts by packet time. */
#ifndef NBT_IPFRAG_H
#define NBT_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/anomaly.h"
#include "nbt/cursor.h"
#include "nbt/pkt.h"

enum reasm_status { NBT_MORE = 0, NBT_DONE, NBT_BAD };

struct ipfrag_limits {
	size_t max_datagrams;     /* datagrams being reassembled at once */
	size_t max_frags_per_dgm; /* fragments kept for one datagram */
	size_t max_total_bytes;   /* payload bytes held across all datagrams */
	nbt_time timeout;         /* packet-time age after which a datagram is dropped */
};

#define IPFRAG_DEFAULT_LIMITS                                                                      \
	{                                                                                          \
		.max_datagrams = 1024, .max_frags_per_dgm = 64, .max_total_bytes = 4u << 20,       \
		.timeout = 30 * NBT_NS_PER_SEC                                                     \
	}

/* Key and placement of one fragment, from the IPv4 header. */
struct ipfrag_piece {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint32_t offset; /* bytes: fragment offset field * 8 */
	bool more;       /* MF flag */
	nbt_time ts;
};

struct ipfrag_table;

/*
 * lim NULL means IPFRAG_DEFAULT_LIMITS; a limit of 0 is raised to 1 (timeout:
 * the default).  Never returns NULL (out of memory aborts through xalloc).
 */
struct ipfrag_table *ipfrag_new(const struct ipfrag_limits *lim, struct nbt_stats *stats);
void ipfrag_free(struct ipfrag_table *t);
/*
 * Adds one fragment's payload.  NBT_DONE: *out views the whole datagram payload
 * (valid until the next call); a piece that was cut by snaplen leaves *out with
 * cap < wire so readers past it see CUR_TRUNC.  NBT_MORE: kept, waiting.
 * NBT_BAD: dropped (overlap, cap, bad offset); the reason is counted in stats.
 * Exact duplicate fragments are ignored; overlaps with different ranges drop the
 * whole datagram, as Linux does since 4.19.  `payload` is the fragment's IP
 * payload (already trimmed to the IP total length); offset + length past 65535,
 * an empty payload, or an MF=1 piece whose length is not a multiple of 8 is
 * NBT_BAD + ANOM_INVALID (the datagram, if any, is kept).  A last fragment that
 * contradicts the known length drops the datagram (ANOM_INVALID).  Oldest
 * datagrams are evicted (ANOM_CAP_FRAGS) when the table or byte cap is full.
 * Expired datagrams are dropped lazily here, by piece->ts.  stats->ip_frags is
 * left to the caller; stats->ip_reassembled is counted here.
 */
enum reasm_status ipfrag_add(struct ipfrag_table *t, const struct ipfrag_piece *piece,
                             struct cur payload, struct cur *out);
/* Drops datagrams older than the timeout at packet time `now` (ANOM_FRAG_TIMEOUT each); a lone
 * far-future `now` is not believed until a later call or fragment agrees with it. */
void ipfrag_expire(struct ipfrag_table *t, nbt_time now);
/* Datagrams waiting for more fragments (<= max_datagrams). */
size_t ipfrag_pending(const struct ipfrag_table *t);
/* Buffer bytes held for waiting datagrams (<= max_total_bytes). */
size_t ipfrag_held_bytes(const struct ipfrag_table *t);

#endif
