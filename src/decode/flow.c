/* summary: flow table: hashed 5-tuples, LRU eviction at a cap, expectations for dynamic ports. */
#include "nbt/flow.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/tcpreasm.h"
#include "nbt/xalloc.h"

/* Buckets: a power of two at least the flow cap (chains stay short), within these bounds;
 * a small cap (tests, fuzzing) does not pay for zeroing half a megabyte of heads. */
#define FLOW_BUCKETS_MIN 64u
#define FLOW_BUCKETS_MAX 65536u

/*
 * Expectations live in slots (the lowest free one is taken, the lowest matching one wins, as
 * a plain scan would do) and are indexed twice, so neither adding nor taking one scans them
 * all: by key endpoint (expect_key: a packet can match only slots keyed by one of its six
 * endpoint keys) and by the whole tuple (a retransmitted RRQ refreshes its expectation).
 * An age list gives the oldest for eviction when the table is full. Chains hold slot
 * index + 1; 0 ends them.
 */
struct expect_slot {
	struct flow_expect e;
	nbt_time expires;
	uint32_t seed_len; /* the seed itself is in seeds[] at the same index */
	bool used;
	uint32_t knext, dnext; /* key and tuple chains */
	uint32_t older, newer; /* the age list (by add or refresh): the oldest is evicted */
};

struct flow_table {
	struct flow_limits lim;
	struct nbt_stats *stats;
	struct flow **buckets;
	uint32_t bucket_mask;
	struct flow *lru_head, *lru_tail; /* head: most recent */
	size_t count;
	struct expect_slot *expect;
	/* Seeds apart from the slots: the chains a packet walks stay a few cache lines long, and a
	 * seed (up to DIS_SEED_MAX bytes) is touched only when an expectation is added or taken. */
	uint8_t (*seeds)[DIS_SEED_MAX];
	size_t nexpect;
	size_t expect_hi;   /* slots at and past this index are all unused */
	size_t expect_wild; /* used slots naming no address and no port: not indexed by key */
	/* Used slots by the kind of their key (EKEY_* >> 62): a packet skips the kinds none has,
	 * e.g. the address and port keys while every expectation is a TFTP reply's (address, port).
	 */
	size_t expect_kind[4];
	uint32_t age_old, age_new; /* ends of the age list (slot index + 1; 0: empty) */
	uint32_t *key_head, *dup_head;
	uint32_t expect_mask; /* of both heads */
	/* Every slot below free_lo is used, none of them expiring before exp_floor: the search
	 * for the lowest free (or expired) slot starts at free_lo while exp_floor is ahead. */
	size_t free_lo;
	nbt_time exp_floor;
};

/* Direction-independent hash: the two endpoints are ordered before mixing. */
static uint32_t flow_hash(uint8_t proto, uint32_t a, uint16_t ap, uint32_t b, uint16_t bp)
{
	uint64_t x = ((uint64_t)a << 16 | ap), y = ((uint64_t)b << 16 | bp);
	if (x > y) {
		uint64_t t = x;
		x = y;
		y = t;
	}
	uint64_t h = (x * 0x9e3779b97f4a7c15ull) ^ (y + 0x632be59bd9b4e019ull + proto);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

struct flow_table *flow_table_new(const struct flow_limits *lim, struct nbt_stats *stats)
{
	struct flow_table *ft = xcalloc(1, sizeof(*ft));
	ft->lim = *lim;
	ft->stats = stats;
	ft->expect = xcalloc(lim->max_expect ? lim->max_expect : 1, sizeof(*ft->expect));
	ft->seeds = xcalloc(lim->max_expect ? lim->max_expect : 1, sizeof(*ft->seeds));
	size_t heads = 64;
	while (heads < 2 * lim->max_expect)
		heads *= 2;
	ft->expect_mask = (uint32_t)(heads - 1);
	ft->key_head = xcalloc(heads, sizeof(*ft->key_head));
	ft->dup_head = xcalloc(heads, sizeof(*ft->dup_head));
	ft->exp_floor = INT64_MAX;
	size_t nb = FLOW_BUCKETS_MIN;
	while (nb < FLOW_BUCKETS_MAX && (lim->max_flows == 0 || nb < lim->max_flows))
		nb *= 2;
	ft->buckets = xcalloc(nb, sizeof(*ft->buckets));
	ft->bucket_mask = (uint32_t)(nb - 1);
	return ft;
}

/* ---- expectation indexes ---- */

static uint32_t mix32(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ull;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dull;
	return (uint32_t)(x ^ (x >> 33));
}

/* Endpoint keys, tagged so that an address, a port and an (address, port) never collide. */
#define EKEY_BOTH (1ull << 62)
#define EKEY_IP   (2ull << 62)
#define EKEY_PORT (3ull << 62)

static uint64_t ekey_both(uint32_t ip, uint16_t port)
{
	return EKEY_BOTH | (uint64_t)ip << 16 | port;
}

/*
 * The most specific endpoint an expectation names: (address, port) of one side (a TFTP
 * reply's client, a mountd port from GETPORT), else an address, else a port; 0 for none.
 * Many RRQs from one client, or from 0.0.0.0 before it has an address, then fall in chains
 * of their own instead of one that every packet of that client (or every packet) walks.
 */
static uint64_t expect_key(const struct flow_expect *e)
{
	if (e->cli_ip && e->cli_port)
		return ekey_both(e->cli_ip, e->cli_port);
	if (e->srv_ip && e->srv_port)
		return ekey_both(e->srv_ip, e->srv_port);
	if (e->cli_ip || e->srv_ip)
		return EKEY_IP | (e->cli_ip ? e->cli_ip : e->srv_ip);
	if (e->cli_port || e->srv_port)
		return EKEY_PORT | (e->cli_port ? e->cli_port : e->srv_port);
	return 0;
}

static uint32_t *expect_key_head(struct flow_table *ft, uint64_t key)
{
	return &ft->key_head[mix32(key) & ft->expect_mask];
}

static bool expect_same(const struct flow_expect *a, const struct flow_expect *b)
{
	return a->l4proto == b->l4proto && a->cli_ip == b->cli_ip && a->srv_ip == b->srv_ip &&
	       a->cli_port == b->cli_port && a->srv_port == b->srv_port && a->dis == b->dis;
}

static uint32_t *expect_dup_head(struct flow_table *ft, const struct flow_expect *e)
{
	uint64_t x = (uint64_t)e->cli_ip << 32 | e->srv_ip;
	uint64_t y = (uint64_t)e->cli_port << 24 | (uint64_t)e->srv_port << 8 | e->l4proto;
	return &ft->dup_head[mix32(x ^ mix32(y ^ (uintptr_t)e->dis)) & ft->expect_mask];
}

static void chain_unlink(struct flow_table *ft, uint32_t *pp, uint32_t id, bool key)
{
	while (*pp && *pp != id)
		pp = key ? &ft->expect[*pp - 1].knext : &ft->expect[*pp - 1].dnext;
	if (*pp)
		*pp = key ? ft->expect[id - 1].knext : ft->expect[id - 1].dnext;
}

static void expect_link(struct flow_table *ft, struct expect_slot *s)
{
	uint32_t id = (uint32_t)(s - ft->expect) + 1;
	uint64_t key = expect_key(&s->e);
	if (key) {
		uint32_t *kh = expect_key_head(ft, key);
		s->knext = *kh;
		*kh = id;
		ft->expect_kind[key >> 62]++;
	} else {
		ft->expect_wild++;
	}
	uint32_t *dh = expect_dup_head(ft, &s->e);
	s->dnext = *dh;
	*dh = id;
}

static void expect_unlink(struct flow_table *ft, struct expect_slot *s)
{
	uint32_t id = (uint32_t)(s - ft->expect) + 1;
	uint64_t key = expect_key(&s->e);
	if (key) {
		chain_unlink(ft, expect_key_head(ft, key), id, true);
		ft->expect_kind[key >> 62]--;
	} else
		ft->expect_wild--;
	chain_unlink(ft, expect_dup_head(ft, &s->e), id, false);
	/* off the age list */
	if (s->older)
		ft->expect[s->older - 1].newer = s->newer;
	else
		ft->age_old = s->newer;
	if (s->newer)
		ft->expect[s->newer - 1].older = s->older;
	else
		ft->age_new = s->older;
	s->older = s->newer = 0;
}

/* Puts a linked slot at the young end of the age list. */
static void expect_age_push(struct flow_table *ft, struct expect_slot *s)
{
	uint32_t id = (uint32_t)(s - ft->expect) + 1;
	s->older = ft->age_new;
	s->newer = 0;
	if (ft->age_new)
		ft->expect[ft->age_new - 1].newer = id;
	else
		ft->age_old = id;
	ft->age_new = id;
}

static void expect_release(struct flow_table *ft, struct expect_slot *s)
{
	expect_unlink(ft, s);
	s->used = false;
	ft->nexpect--;
	if ((size_t)(s - ft->expect) < ft->free_lo)
		ft->free_lo = (size_t)(s - ft->expect);
}

static void flow_destroy(struct flow *f)
{
	for (int i = 0; i < 2; i++)
		tcpreasm_free(f->tcp[i]);
	if (f->state && f->dis && f->dis->flow_state_free)
		f->dis->flow_state_free(f->state);
	free(f->state);
	free(f);
}

void flow_table_free(struct flow_table *ft)
{
	if (!ft)
		return;
	struct flow *f = ft->lru_head;
	while (f) {
		struct flow *n = f->lru_next;
		flow_destroy(f);
		f = n;
	}
	free(ft->buckets);
	free(ft->expect);
	free(ft->seeds);
	free(ft->key_head);
	free(ft->dup_head);
	free(ft);
}

static void lru_unlink(struct flow_table *ft, struct flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		ft->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		ft->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_push(struct flow_table *ft, struct flow *f)
{
	f->lru_next = ft->lru_head;
	f->lru_prev = NULL;
	if (ft->lru_head)
		ft->lru_head->lru_prev = f;
	ft->lru_head = f;
	if (!ft->lru_tail)
		ft->lru_tail = f;
}

static void flow_remove(struct flow_table *ft, struct flow *f)
{
	struct flow **pp = &ft->buckets[f->hash & ft->bucket_mask];
	while (*pp && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = f->hnext;
	lru_unlink(ft, f);
	ft->count--;
	flow_destroy(f);
}

static struct flow *flow_match(struct flow_table *ft, uint8_t proto, uint32_t sip, uint16_t sport,
                               uint32_t dip, uint16_t dport, uint8_t *dir)
{
	uint32_t h = flow_hash(proto, sip, sport, dip, dport);
	for (struct flow *f = ft->buckets[h & ft->bucket_mask]; f; f = f->hnext) {
		if (f->hash != h || f->l4proto != proto)
			continue;
		if (f->ip[0] == sip && f->port[0] == sport && f->ip[1] == dip &&
		    f->port[1] == dport) {
			*dir = 0;
			return f;
		}
		if (f->ip[1] == sip && f->port[1] == sport && f->ip[0] == dip &&
		    f->port[0] == dport) {
			*dir = 1;
			return f;
		}
	}
	return NULL;
}

struct flow *flow_lookup(struct flow_table *ft, struct nbt_pkt *pkt)
{
	uint8_t dir = 0;
	struct flow *f =
	    flow_match(ft, pkt->l4proto, pkt->src_ip, pkt->sport, pkt->dst_ip, pkt->dport, &dir);
	if (f) {
		pkt->dir = dir;
		f->last_ts = pkt->ts;
		if (ft->lru_head != f) {
			lru_unlink(ft, f);
			lru_push(ft, f);
		}
	}
	return f;
}

struct flow *flow_find(struct flow_table *ft, uint8_t l4proto, uint32_t sip, uint16_t sport,
                       uint32_t dip, uint16_t dport)
{
	uint8_t dir;
	return flow_match(ft, l4proto, sip, sport, dip, dport, &dir);
}

struct flow *flow_create(struct flow_table *ft, struct nbt_pkt *pkt, const struct dissector *dis,
                         const void *seed, size_t seed_len)
{
	/* A TCP connection idle for FLOW_TCP_IDLE of packet time at the LRU tail leaves, with its
	 * record buffers: one per new flow, so O(1), and a lone outlier timestamp costs at most
	 * one flow (a connection that resumes later is simply followed again). */
	struct flow *old = ft->lru_tail;
	if (old && old->l4proto == IPPROTO_TCP && pkt->ts > old->last_ts &&
	    pkt->ts - old->last_ts > FLOW_TCP_IDLE)
		flow_remove(ft, old);
	if (ft->lim.max_flows && ft->count >= ft->lim.max_flows && ft->lru_tail) {
		ft->stats->anomalies[ANOM_CAP_FLOWS]++;
		flow_remove(ft, ft->lru_tail);
	}
	struct flow *f = xcalloc(1, sizeof(*f));
	f->l4proto = pkt->l4proto;
	f->ip[0] = pkt->src_ip;
	f->ip[1] = pkt->dst_ip;
	f->port[0] = pkt->sport;
	f->port[1] = pkt->dport;
	f->dis = dis;
	f->first_frame = pkt->frame;
	f->first_ts = f->last_ts = pkt->ts;
	if (dis && dis->flow_state_size) {
		f->state = xcalloc(1, dis->flow_state_size);
		/* An expectation's seed (a TFTP session's file name) starts the state. */
		if (seed_len)
			memcpy(f->state, seed,
			       seed_len < dis->flow_state_size ? seed_len : dis->flow_state_size);
	}
	f->hash = flow_hash(f->l4proto, f->ip[0], f->port[0], f->ip[1], f->port[1]);
	f->hnext = ft->buckets[f->hash & ft->bucket_mask];
	ft->buckets[f->hash & ft->bucket_mask] = f;
	lru_push(ft, f);
	ft->count++;
	pkt->dir = 0;
	return f;
}

/* The live slot holding the same expectation, if any (expired ones are freed on the way). */
static struct expect_slot *expect_find_same(struct flow_table *ft, const struct flow_expect *e,
                                            nbt_time now)
{
	for (uint32_t id = *expect_dup_head(ft, e), next; id; id = next) {
		struct expect_slot *s = &ft->expect[id - 1];
		next = s->dnext;
		if (s->expires < now)
			expect_release(ft, s);
		else if (expect_same(&s->e, e))
			return s;
	}
	return NULL;
}

/* The lowest slot free (or expired) at `now`; NULL when every slot holds a live one. */
static struct expect_slot *expect_free_slot(struct flow_table *ft, nbt_time now)
{
	bool from_lo = ft->exp_floor >= now;
	size_t i = from_lo ? ft->free_lo : 0;
	nbt_time floor = from_lo ? ft->exp_floor : INT64_MAX;
	for (; i < ft->lim.max_expect; i++) {
		struct expect_slot *s = &ft->expect[i];
		if (s->used && s->expires < now)
			expect_release(ft, s);
		if (!s->used)
			break;
		if (s->expires < floor)
			floor = s->expires;
	}
	/* Slots [0, i) are used and live; the caller fills slot i and lowers the floor. */
	ft->free_lo = i < ft->lim.max_expect ? i + 1 : i;
	ft->exp_floor = floor;
	return i < ft->lim.max_expect ? &ft->expect[i] : NULL;
}

bool flow_expect_add(struct flow_table *ft, const struct flow_expect *e, nbt_time now,
                     const void *seed, size_t seed_len)
{
	/* The same expectation again (a retransmitted RRQ) refreshes it. */
	struct expect_slot *slot = expect_find_same(ft, e, now);
	if (!slot)
		slot = expect_free_slot(ft, now);
	if (!slot) {
		/* Full: the oldest expectation makes room (O(1), whatever the table holds). */
		ft->stats->anomalies[ANOM_CAP_EXPECT]++;
		if (!ft->age_old)
			return false;
		slot = &ft->expect[ft->age_old - 1];
	}
	if (!slot->used)
		ft->nexpect++;
	else
		expect_unlink(ft, slot);
	slot->used = true;
	slot->e = *e;
	expect_link(ft, slot);
	expect_age_push(ft, slot);
	if ((size_t)(slot - ft->expect) >= ft->expect_hi)
		ft->expect_hi = (size_t)(slot - ft->expect) + 1;
	slot->expires = now + e->ttl;
	if ((size_t)(slot - ft->expect) < ft->free_lo && slot->expires < ft->exp_floor)
		ft->exp_floor = slot->expires;
	if (seed_len > DIS_SEED_MAX)
		seed_len = DIS_SEED_MAX;
	slot->seed_len = seed ? (uint32_t)seed_len : 0;
	if (slot->seed_len)
		memcpy(ft->seeds[slot - ft->expect], seed, slot->seed_len);
	return true;
}

static bool expect_side(const struct flow_expect *e, uint32_t cip, uint16_t cport, uint32_t sip,
                        uint16_t sport)
{
	return (!e->cli_ip || e->cli_ip == cip) && (!e->cli_port || e->cli_port == cport) &&
	       (!e->srv_ip || e->srv_ip == sip) && (!e->srv_port || e->srv_port == sport);
}

static bool expect_matches(const struct expect_slot *s, const struct nbt_pkt *pkt)
{
	if (s->e.l4proto && s->e.l4proto != pkt->l4proto)
		return false;
	return expect_side(&s->e, pkt->src_ip, pkt->sport, pkt->dst_ip, pkt->dport) ||
	       expect_side(&s->e, pkt->dst_ip, pkt->dport, pkt->src_ip, pkt->sport);
}

/* Lowest live matching slot on one key chain, below *best (expired ones freed on the way). */
static void expect_scan_chain(struct flow_table *ft, const uint32_t *head,
                              const struct nbt_pkt *pkt, struct expect_slot **best)
{
	for (uint32_t id = *head, next; id; id = next) {
		struct expect_slot *s = &ft->expect[id - 1];
		next = s->knext;
		if (s->expires < pkt->ts)
			expect_release(ft, s);
		else if ((!*best || s < *best) && expect_matches(s, pkt))
			*best = s;
	}
}

/* The lowest live slot that matches pkt, or NULL. */
static struct expect_slot *expect_lookup(struct flow_table *ft, const struct nbt_pkt *pkt)
{
	struct expect_slot *best = NULL;
	if (ft->expect_wild) {
		/* Some expectation names no address: every slot is a candidate. */
		for (size_t i = 0; i < ft->expect_hi; i++) {
			struct expect_slot *s = &ft->expect[i];
			if (!s->used)
				continue;
			if (s->expires < pkt->ts)
				expect_release(ft, s);
			else if (expect_matches(s, pkt))
				return s;
		}
		return NULL;
	}
	/* The packet's six endpoint keys; a chain shared by two of them is walked once. */
	const uint64_t keys[6] = {ekey_both(pkt->src_ip, pkt->sport),
	                          ekey_both(pkt->dst_ip, pkt->dport),
	                          EKEY_IP | pkt->src_ip,
	                          EKEY_IP | pkt->dst_ip,
	                          EKEY_PORT | pkt->sport,
	                          EKEY_PORT | pkt->dport};
	const uint32_t *heads[6];
	for (int k = 0; k < 6; k++) {
		heads[k] = NULL;
		if (!ft->expect_kind[keys[k] >> 62])
			continue;
		heads[k] = expect_key_head(ft, keys[k]);
		bool seen = false;
		for (int j = 0; j < k; j++)
			seen = seen || heads[j] == heads[k];
		if (!seen)
			expect_scan_chain(ft, heads[k], pkt, &best);
	}
	return best;
}

const struct dissector *flow_expect_take(struct flow_table *ft, const struct nbt_pkt *pkt,
                                         uint8_t seed[DIS_SEED_MAX], size_t *seed_len)
{
	*seed_len = 0;
	if (!ft->nexpect)
		return NULL;
	struct expect_slot *s = expect_lookup(ft, pkt);
	if (!s)
		return NULL;
	memcpy(seed, ft->seeds[s - ft->expect], s->seed_len);
	*seed_len = s->seed_len;
	const struct dissector *dis = s->e.dis;
	/* A port-specific expectation (a mountd port from GETPORT) serves every
	 * flow to that port until it expires; TFTP's any-port one is for the
	 * single reply flow and is consumed. */
	if (!s->e.srv_port)
		expect_release(ft, s);
	return dis;
}

size_t flow_count(const struct flow_table *ft)
{
	return ft->count;
}

size_t flow_expect_count(const struct flow_table *ft)
{
	return ft->nexpect;
}
