/* summary: flow table: hashed 5-tuples, LRU eviction at a cap, expectations for dynamic ports. */
#include "nbt/flow.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/tcpreasm.h"
#include "nbt/xalloc.h"

#define FLOW_BUCKETS 16384u /* power of two */
/* Counting filter over the expectations' client addresses: a packet whose two addresses
 * are both absent (and no expectation leaves the client address open) matches none, so
 * traffic unrelated to booting skips the expectation scan. Power of two. */
#define EXPECT_FILTER 8192u

struct expect_slot {
	struct flow_expect e;
	nbt_time expires;
	size_t seed_len;
	uint8_t seed[DIS_SEED_MAX];
	bool used;
};

struct flow_table {
	struct flow_limits lim;
	struct nbt_stats *stats;
	struct flow *buckets[FLOW_BUCKETS];
	struct flow *lru_head, *lru_tail; /* head: most recent */
	size_t count;
	struct expect_slot *expect;
	size_t nexpect;
	size_t expect_hi;        /* slots at and past this index are all unused */
	size_t expect_wild;      /* used slots with neither address set */
	uint32_t *expect_filter; /* used slots per hashed key address */
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
	ft->expect_filter = xcalloc(EXPECT_FILTER, sizeof(*ft->expect_filter));
	return ft;
}

/* ---- expectation filter ---- */

/* An expectation matches a packet only if its client address (else its server address) is
 * one of the packet's two addresses, in either orientation. */
static uint32_t expect_key(const struct flow_expect *e)
{
	return e->cli_ip ? e->cli_ip : e->srv_ip;
}

static uint32_t *expect_bucket(struct flow_table *ft, uint32_t ip)
{
	return &ft->expect_filter[(ip * 0x9e3779b1u) >> 19 & (EXPECT_FILTER - 1)];
}

static void expect_index(struct flow_table *ft, const struct expect_slot *s, bool add)
{
	uint32_t key = expect_key(&s->e);
	size_t *wild = &ft->expect_wild;
	uint32_t *b = key ? expect_bucket(ft, key) : NULL;
	if (add) {
		if (b)
			(*b)++;
		else
			(*wild)++;
	} else {
		if (b)
			(*b)--;
		else
			(*wild)--;
	}
}

static void expect_release(struct flow_table *ft, struct expect_slot *s)
{
	expect_index(ft, s, false);
	s->used = false;
	ft->nexpect--;
}

static bool expect_maybe(struct flow_table *ft, const struct nbt_pkt *pkt)
{
	return ft->expect_wild || *expect_bucket(ft, pkt->src_ip) ||
	       *expect_bucket(ft, pkt->dst_ip);
}

static void flow_destroy(struct flow *f)
{
	for (int i = 0; i < 2; i++)
		tcpreasm_free(f->tcp[i]);
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
	free(ft->expect);
	free(ft->expect_filter);
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
	struct flow **pp = &ft->buckets[f->hash & (FLOW_BUCKETS - 1)];
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
	for (struct flow *f = ft->buckets[h & (FLOW_BUCKETS - 1)]; f; f = f->hnext) {
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

struct flow *flow_create(struct flow_table *ft, struct nbt_pkt *pkt, const struct dissector *dis)
{
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
	if (dis && dis->flow_state_size)
		f->state = xcalloc(1, dis->flow_state_size);
	f->hash = flow_hash(f->l4proto, f->ip[0], f->port[0], f->ip[1], f->port[1]);
	f->hnext = ft->buckets[f->hash & (FLOW_BUCKETS - 1)];
	ft->buckets[f->hash & (FLOW_BUCKETS - 1)] = f;
	lru_push(ft, f);
	ft->count++;
	pkt->dir = 0;
	return f;
}

bool flow_expect_add(struct flow_table *ft, const struct flow_expect *e, nbt_time now,
                     const void *seed, size_t seed_len)
{
	struct expect_slot *slot = NULL, *oldest = NULL;
	/* Past expect_hi every slot is free: the first of them is the answer if none before is. */
	for (size_t i = 0; i < ft->lim.max_expect; i++) {
		struct expect_slot *s = &ft->expect[i];
		if (i >= ft->expect_hi) {
			if (!slot)
				slot = s;
			break;
		}
		if (s->used && s->expires < now)
			expect_release(ft, s); /* expired: reuse */
		/* The same expectation again (a retransmitted RRQ) refreshes it. */
		if (s->used && s->e.l4proto == e->l4proto && s->e.cli_ip == e->cli_ip &&
		    s->e.srv_ip == e->srv_ip && s->e.cli_port == e->cli_port &&
		    s->e.srv_port == e->srv_port && s->e.dis == e->dis) {
			slot = s;
			break;
		}
		if (!s->used && !slot)
			slot = s;
		if (s->used && (!oldest || s->expires < oldest->expires))
			oldest = s;
	}
	if (!slot) {
		/* Full: the expectation closest to expiry makes room. */
		ft->stats->anomalies[ANOM_CAP_EXPECT]++;
		if (!oldest)
			return false;
		slot = oldest;
	}
	if (!slot->used)
		ft->nexpect++;
	else
		expect_index(ft, slot, false);
	slot->used = true;
	slot->e = *e;
	expect_index(ft, slot, true);
	if ((size_t)(slot - ft->expect) >= ft->expect_hi)
		ft->expect_hi = (size_t)(slot - ft->expect) + 1;
	slot->expires = now + e->ttl;
	if (seed_len > DIS_SEED_MAX)
		seed_len = DIS_SEED_MAX;
	slot->seed_len = seed ? seed_len : 0;
	if (slot->seed_len)
		memcpy(slot->seed, seed, slot->seed_len);
	return true;
}

static bool expect_side(const struct flow_expect *e, uint32_t cip, uint16_t cport, uint32_t sip,
                        uint16_t sport)
{
	return (!e->cli_ip || e->cli_ip == cip) && (!e->cli_port || e->cli_port == cport) &&
	       (!e->srv_ip || e->srv_ip == sip) && (!e->srv_port || e->srv_port == sport);
}

const struct dissector *flow_expect_take(struct flow_table *ft, const struct nbt_pkt *pkt,
                                         uint8_t seed[DIS_SEED_MAX], size_t *seed_len)
{
	*seed_len = 0;
	if (!ft->nexpect || !expect_maybe(ft, pkt))
		return NULL;
	for (size_t i = 0; i < ft->expect_hi; i++) {
		struct expect_slot *s = &ft->expect[i];
		if (!s->used)
			continue;
		if (s->expires < pkt->ts) {
			expect_release(ft, s);
			continue;
		}
		if (s->e.l4proto && s->e.l4proto != pkt->l4proto)
			continue;
		if (!expect_side(&s->e, pkt->src_ip, pkt->sport, pkt->dst_ip, pkt->dport) &&
		    !expect_side(&s->e, pkt->dst_ip, pkt->dport, pkt->src_ip, pkt->sport))
			continue;
		memcpy(seed, s->seed, s->seed_len);
		*seed_len = s->seed_len;
		const struct dissector *dis = s->e.dis;
		/* A port-specific expectation (a mountd port from GETPORT) serves every
		 * flow to that port until it expires; TFTP's any-port one is for the
		 * single reply flow and is consumed. */
		if (!s->e.srv_port)
			expect_release(ft, s);
		return dis;
	}
	return NULL;
}

size_t flow_count(const struct flow_table *ft)
{
	return ft->count;
}

size_t flow_expect_count(const struct flow_table *ft)
{
	return ft->nexpect;
}
