/* summary: bounded IPv4 fragment reassembly (RFC 791 s3.2, hole check after RFC 815), packet-time
 * timeouts. */
#include "nbt/ipfrag.h"

#include <stdlib.h>
#include <string.h>

#include "nbt/xalloc.h"

/* RFC 791: Total Length is 16 bits, so no payload byte can sit at or past 65535. */
#define IPFRAG_MAX_END 65535u
/* Fragment offsets are 13 bits of 8-byte units: at most 8192 distinct pieces. */
#define IPFRAG_MAX_PIECES 8192u
#define IPFRAG_MIN_BUF    1024u
#define IPFRAG_NONE       UINT32_MAX

/* One fragment kept for a datagram; the list is sorted by `off` and never overlaps. */
struct ipfrag_frag {
	uint32_t off;  /* first payload byte within the datagram */
	uint32_t len;  /* wire length */
	uint32_t cap;  /* captured bytes (<= len; fewer when snaplen cut the frame) */
	uint32_t boff; /* where the captured bytes sit in the datagram's buffer */
};

/* A datagram being reassembled: a slot of the table, chained in a hash bucket and an age list. */
struct ipfrag_dgm {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	bool used;
	bool have_total;   /* the last fragment (MF=0) was seen */
	uint32_t total;    /* payload length, once have_total */
	uint32_t received; /* wire bytes covered by fragments (they never overlap) */
	nbt_time born;     /* packet time of the first fragment: the timeout runs from here */
	uint32_t hnext;    /* hash chain, or free list when unused */
	uint32_t older, newer;
	struct ipfrag_frag *frags; /* kept with the slot for reuse; grows up to max_frags_per_dgm */
	uint32_t nfrags, frag_room;
	uint8_t *buf; /* captured bytes in arrival order; freed with the datagram */
	uint32_t buf_len, buf_room;
};

struct ipfrag_table {
	struct ipfrag_limits lim;
	struct nbt_stats *stats;
	struct ipfrag_dgm *slots; /* lim.max_datagrams */
	uint32_t *buckets;
	uint32_t bucket_mask;
	uint32_t oldest, newest;
	uint32_t free_head;
	size_t pending;
	size_t held;   /* sum of buf_room over live datagrams, <= lim.max_total_bytes */
	uint8_t *out;  /* IPFRAG_MAX_END bytes: the last reassembled datagram (from the first) */
	nbt_time now;  /* the expiry clock (ipfrag_clock) */
	nbt_time leap; /* a time far ahead of now seen once, believed when a second frame agrees */
	bool has_now, has_leap;
};

/*
 * How far one frame may move the expiry clock ahead on its own. A single far-future timestamp
 * (a corrupt pcap record, a clock step on the capturing host) must not age out every train in
 * reassembly: a longer jump is believed only when a second frame lands near it. Below the
 * 30 s timeout, so an outlier alone expires nothing that was still arriving.
 */
#define IPFRAG_LEAP_MAX (5 * NBT_NS_PER_SEC)

/* Advances the expiry clock to ts, never back (a far-past outlier cannot move it either). */
static nbt_time ipfrag_clock(struct ipfrag_table *t, nbt_time ts)
{
	if (!t->has_now || (ts > t->now && ts - t->now <= IPFRAG_LEAP_MAX)) {
		t->now = ts;
		t->has_now = true;
		t->has_leap = false;
	} else if (ts > t->now) {
		nbt_time d = ts > t->leap ? ts - t->leap : t->leap - ts;
		if (t->has_leap &&
		    d <= IPFRAG_LEAP_MAX) { /* confirmed: the capture really jumped */
			t->now = ts;
			t->has_leap = false;
		} else {
			t->leap = ts;
			t->has_leap = true;
		}
	}
	return t->now;
}

static void ipfrag_count(struct ipfrag_table *t, enum nbt_anomaly a)
{
	if (t->stats)
		t->stats->anomalies[a]++;
}

static uint32_t ipfrag_hash(uint32_t src, uint32_t dst, uint16_t id, uint8_t proto)
{
	uint32_t h = src * 0x9e3779b1u;
	h ^= dst + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)id << 8 | proto) * 0x85ebca6bu;
	h ^= h >> 15;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 13);
}

static uint32_t *ipfrag_bucket(struct ipfrag_table *t, const struct ipfrag_dgm *d)
{
	return &t->buckets[ipfrag_hash(d->src, d->dst, d->id, d->proto) & t->bucket_mask];
}

static void ipfrag_unlink(struct ipfrag_table *t, uint32_t i)
{
	struct ipfrag_dgm *d = &t->slots[i];
	uint32_t *link = ipfrag_bucket(t, d);
	while (*link != i)
		link = &t->slots[*link].hnext;
	*link = d->hnext;

	if (d->older != IPFRAG_NONE)
		t->slots[d->older].newer = d->newer;
	else
		t->oldest = d->newer;
	if (d->newer != IPFRAG_NONE)
		t->slots[d->newer].older = d->older;
	else
		t->newest = d->older;
}

/* Forgets a datagram; its fragment array stays with the slot, its byte buffer is freed. */
static void ipfrag_release(struct ipfrag_table *t, uint32_t i)
{
	struct ipfrag_dgm *d = &t->slots[i];
	ipfrag_unlink(t, i);
	t->held -= d->buf_room;
	free(d->buf);
	d->buf = NULL;
	d->buf_len = d->buf_room = 0;
	d->nfrags = 0;
	d->used = false;
	d->hnext = t->free_head;
	t->free_head = i;
	t->pending--;
}

static void ipfrag_drop(struct ipfrag_table *t, uint32_t i, enum nbt_anomaly why)
{
	ipfrag_count(t, why);
	ipfrag_release(t, i);
}

struct ipfrag_table *ipfrag_new(const struct ipfrag_limits *lim, struct nbt_stats *stats)
{
	static const struct ipfrag_limits defaults = IPFRAG_DEFAULT_LIMITS;
	struct ipfrag_table *t = xcalloc(1, sizeof(*t));
	t->lim = lim ? *lim : defaults;
	if (t->lim.max_datagrams == 0)
		t->lim.max_datagrams = 1;
	if (t->lim.max_datagrams > (1u << 20))
		t->lim.max_datagrams = 1u << 20;
	if (t->lim.max_frags_per_dgm == 0)
		t->lim.max_frags_per_dgm = 1;
	if (t->lim.max_frags_per_dgm > IPFRAG_MAX_PIECES)
		t->lim.max_frags_per_dgm = IPFRAG_MAX_PIECES;
	if (t->lim.timeout <= 0)
		t->lim.timeout = defaults.timeout;
	t->stats = stats;

	size_t n = t->lim.max_datagrams, nb = 1;
	while (nb < n)
		nb <<= 1;
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->buckets = xmalloc(nb * sizeof(*t->buckets));
	memset(t->buckets, 0xff, nb * sizeof(*t->buckets)); /* all IPFRAG_NONE */
	t->bucket_mask = (uint32_t)(nb - 1);
	for (size_t i = 0; i < n; i++)
		t->slots[i].hnext = i + 1 < n ? (uint32_t)(i + 1) : IPFRAG_NONE;
	t->free_head = 0;
	t->oldest = t->newest = IPFRAG_NONE;
	return t;
}

void ipfrag_free(struct ipfrag_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->lim.max_datagrams; i++) {
		free(t->slots[i].frags);
		free(t->slots[i].buf);
	}
	free(t->slots);
	free(t->buckets);
	free(t->out);
	free(t);
}

size_t ipfrag_pending(const struct ipfrag_table *t)
{
	return t ? t->pending : 0;
}

size_t ipfrag_held_bytes(const struct ipfrag_table *t)
{
	return t ? t->held : 0;
}

static bool ipfrag_expired(const struct ipfrag_table *t, const struct ipfrag_dgm *d, nbt_time now)
{
	/* Unsigned difference: exact when now > born, whatever the magnitudes. */
	return now > d->born && (uint64_t)now - (uint64_t)d->born > (uint64_t)t->lim.timeout;
}

void ipfrag_expire(struct ipfrag_table *t, nbt_time now)
{
	if (!t)
		return;
	now = ipfrag_clock(t, now);
	for (uint32_t i = t->oldest; i != IPFRAG_NONE;) {
		uint32_t newer = t->slots[i].newer;
		if (ipfrag_expired(t, &t->slots[i], now))
			ipfrag_drop(t, i, ANOM_FRAG_TIMEOUT);
		i = newer;
	}
}

/* The cheap variant run on every add: only the front of the age list. */
static void ipfrag_expire_front(struct ipfrag_table *t, nbt_time now)
{
	while (t->oldest != IPFRAG_NONE && ipfrag_expired(t, &t->slots[t->oldest], now))
		ipfrag_drop(t, t->oldest, ANOM_FRAG_TIMEOUT);
}

static uint32_t ipfrag_find(struct ipfrag_table *t, const struct ipfrag_piece *pc)
{
	uint32_t i = t->buckets[ipfrag_hash(pc->src, pc->dst, pc->id, pc->proto) & t->bucket_mask];
	for (; i != IPFRAG_NONE; i = t->slots[i].hnext) {
		const struct ipfrag_dgm *d = &t->slots[i];
		if (d->src == pc->src && d->dst == pc->dst && d->id == pc->id &&
		    d->proto == pc->proto)
			return i;
	}
	return IPFRAG_NONE;
}

static uint32_t ipfrag_create(struct ipfrag_table *t, const struct ipfrag_piece *pc)
{
	if (t->free_head == IPFRAG_NONE)
		ipfrag_drop(t, t->oldest, ANOM_CAP_FRAGS); /* table full: the oldest goes */
	uint32_t i = t->free_head;
	struct ipfrag_dgm *d = &t->slots[i];
	t->free_head = d->hnext;
	d->src = pc->src;
	d->dst = pc->dst;
	d->id = pc->id;
	d->proto = pc->proto;
	d->used = true;
	d->have_total = false;
	d->total = d->received = 0;
	d->born = pc->ts;
	uint32_t *bucket = ipfrag_bucket(t, d);
	d->hnext = *bucket;
	*bucket = i;
	d->older = t->newest;
	d->newer = IPFRAG_NONE;
	if (t->newest != IPFRAG_NONE)
		t->slots[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
	t->pending++;
	return i;
}

/* Evicts the oldest datagrams other than `keep` until `grow` more buffer bytes fit the cap. */
static bool ipfrag_make_room(struct ipfrag_table *t, uint32_t keep, size_t grow)
{
	while (grow > t->lim.max_total_bytes || t->held > t->lim.max_total_bytes - grow) {
		uint32_t victim = t->oldest;
		if (victim == keep)
			victim = t->slots[victim].newer;
		if (victim == IPFRAG_NONE)
			return false;
		ipfrag_drop(t, victim, ANOM_CAP_FRAGS);
	}
	return true;
}

/* Makes room for `extra` captured bytes in datagram i (buffer doubles, at most 64 KiB). */
static bool ipfrag_reserve(struct ipfrag_table *t, uint32_t i, uint32_t extra)
{
	struct ipfrag_dgm *d = &t->slots[i];
	uint32_t need = d->buf_len + extra; /* <= 65535: fragments never overlap */
	if (need <= d->buf_room)
		return true;
	uint32_t room = d->buf_room < IPFRAG_MIN_BUF ? IPFRAG_MIN_BUF : d->buf_room * 2;
	if (room > IPFRAG_MAX_END)
		room = IPFRAG_MAX_END;
	if (room < need || t->held + (room - d->buf_room) > t->lim.max_total_bytes)
		room = need;
	if (!ipfrag_make_room(t, i, room - d->buf_room))
		return false;
	d->buf = xrealloc(d->buf, room);
	t->held += room - d->buf_room;
	d->buf_room = room;
	return true;
}

/*
 * Index where fragment f belongs in d's sorted list.  Sets *dup when an
 * existing fragment has exactly the same range; returns IPFRAG_NONE when f
 * overlaps another range.
 */
static uint32_t ipfrag_slot(const struct ipfrag_dgm *d, const struct ipfrag_frag *f, bool *dup)
{
	uint32_t lo = 0, hi = d->nfrags;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (d->frags[mid].off < f->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	*dup = false;
	if (lo < d->nfrags && d->frags[lo].off == f->off && d->frags[lo].len == f->len) {
		*dup = true;
		return lo;
	}
	if (lo > 0 && d->frags[lo - 1].off + d->frags[lo - 1].len > f->off)
		return IPFRAG_NONE;
	if (lo < d->nfrags && d->frags[lo].off < f->off + f->len)
		return IPFRAG_NONE;
	return lo;
}

/* RFC 791: only the MF=0 fragment fixes the length; nothing may lie past it. */
static bool ipfrag_total_ok(const struct ipfrag_dgm *d, uint32_t end, bool more)
{
	if (more)
		return !d->have_total || end <= d->total;
	if (d->have_total && d->total != end)
		return false;
	if (d->nfrags > 0) {
		const struct ipfrag_frag *last = &d->frags[d->nfrags - 1];
		if (last->off + last->len > end)
			return false;
	}
	return true;
}

/*
 * Copies the complete datagram into t->out.  The cursor's cap stops at the
 * first byte snaplen did not capture; its wire is the full payload length.
 * The buffer comes with the first reassembly: most captures have no fragments.
 */
static void ipfrag_assemble(struct ipfrag_table *t, const struct ipfrag_dgm *d, struct cur *out)
{
	size_t prefix = 0;
	if (!t->out)
		t->out = xmalloc(IPFRAG_MAX_END);
	for (uint32_t k = 0; k < d->nfrags; k++) {
		const struct ipfrag_frag *f = &d->frags[k];
		if (f->off != prefix)
			break; /* cannot happen for a complete list; kept as a guard */
		if (f->cap)
			memcpy(t->out + f->off, d->buf + f->boff, f->cap);
		prefix = f->off + f->cap;
		if (f->cap < f->len)
			break;
	}
	cur_init(out, t->out, prefix, d->total);
}

/* Stores f (its captured bytes at `bytes`) in datagram i; NBT_MORE, or NBT_BAD if dropped. */
static enum reasm_status ipfrag_store(struct ipfrag_table *t, uint32_t i, struct ipfrag_frag *f,
                                      const uint8_t *bytes, bool more)
{
	struct ipfrag_dgm *d = &t->slots[i];
	bool dup;
	if (!ipfrag_total_ok(d, f->off + f->len, more)) {
		ipfrag_drop(t, i, ANOM_INVALID);
		return NBT_BAD;
	}
	uint32_t at = ipfrag_slot(d, f, &dup);
	if (at == IPFRAG_NONE) {
		ipfrag_drop(t, i, ANOM_FRAG_OVERLAP);
		return NBT_BAD;
	}
	if (!more) {
		d->have_total = true;
		d->total = f->off + f->len;
	}
	if (dup)
		return NBT_MORE; /* same range again: a retransmission or a looped copy */
	if (d->nfrags >= t->lim.max_frags_per_dgm || !ipfrag_reserve(t, i, f->cap)) {
		ipfrag_drop(t, i, ANOM_CAP_FRAGS);
		return NBT_BAD;
	}
	if (d->nfrags == d->frag_room) {
		uint32_t room = d->frag_room ? d->frag_room * 2 : 4;
		if (room > t->lim.max_frags_per_dgm)
			room = (uint32_t)t->lim.max_frags_per_dgm;
		d->frags = xrealloc(d->frags, room * sizeof(*d->frags));
		d->frag_room = room;
	}
	f->boff = d->buf_len;
	if (f->cap)
		memcpy(d->buf + d->buf_len, bytes, f->cap);
	d->buf_len += f->cap;
	memmove(&d->frags[at + 1], &d->frags[at], (d->nfrags - at) * sizeof(*d->frags));
	d->frags[at] = *f;
	d->nfrags++;
	d->received += f->len;
	return NBT_MORE;
}

enum reasm_status ipfrag_add(struct ipfrag_table *t, const struct ipfrag_piece *piece,
                             struct cur payload, struct cur *out)
{
	if (!t || !piece || !out)
		return NBT_BAD;
	cur_init(out, NULL, 0, 0);
	size_t wire = cur_wire_left(&payload), cap = cur_left(&payload);
	/* RFC 791: every fragment but the last carries a multiple of 8 bytes. */
	if (!cur_ok(&payload) || wire == 0 || piece->offset > IPFRAG_MAX_END ||
	    wire > IPFRAG_MAX_END - piece->offset || (piece->more && (wire & 7))) {
		ipfrag_count(t, ANOM_INVALID);
		return NBT_BAD;
	}
	const uint8_t *bytes = cap ? cur_take(&payload, cap) : NULL;
	struct ipfrag_frag f = {.off = piece->offset, .len = (uint32_t)wire, .cap = (uint32_t)cap};

	ipfrag_expire_front(t, ipfrag_clock(t, piece->ts));
	uint32_t i = ipfrag_find(t, piece);
	if (i == IPFRAG_NONE)
		i = ipfrag_create(t, piece);
	enum reasm_status st = ipfrag_store(t, i, &f, bytes, piece->more);
	if (st != NBT_MORE)
		return st;

	/* Hole check (RFC 815): ranges are disjoint and inside [0, total), so full coverage
	 * is exactly "covered bytes == total". */
	struct ipfrag_dgm *d = &t->slots[i];
	if (!d->have_total || d->received != d->total)
		return NBT_MORE;
	ipfrag_assemble(t, d, out);
	ipfrag_release(t, i);
	if (t->stats)
		t->stats->ip_reassembled++;
	return NBT_DONE;
}
