/* summary: client engine core: the client table (by MAC, by IP, IP bindings), boot attempts,
 * stage spans and timelines, and the event dispatch to client_{dhcp,tftp,rpc,link,capture}.c. */
#include "nbt/client.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_priv.h"
#include "pxe.h"
#include "nbt/hosts.h"
#include "nbt/xalloc.h"
#include "nbt/names.h"
#include "pi.h"

struct client_binding {
	uint32_t ip;
	uint8_t mac[6];
	uint32_t hnext; /* next binding (index + 1) in the same hash chain, 0: none */
};

/* Each enum's names, long (reports) and short (the screen's narrow columns), side by side. */
static const struct name_pair client_models[] = {
    [CLIENT_MODEL_UNKNOWN] = {"unknown", "?"},
    [CLIENT_MODEL_PI] = {"Raspberry Pi", "Pi"},
    [CLIENT_MODEL_PI3] = {"Raspberry Pi 3", "Pi3"},
    [CLIENT_MODEL_PI4] = {"Raspberry Pi 4", "Pi4"},
    [CLIENT_MODEL_PI5] = {"Raspberry Pi 5", "Pi5"},
    [CLIENT_MODEL_IPXE] = {"iPXE", "iPXE"},
    [CLIENT_MODEL_PXE] = {"PXE (BIOS)", "PXE"},
    [CLIENT_MODEL_PXE_EFI] = {"PXE (UEFI)", "PXE-EFI"},
    [CLIENT_MODEL_UBOOT] = {"U-Boot", "U-Boot"},
};

static const struct name_pair client_file_states[] = {
    [CLIENT_FILE_REQUESTED] = {"requested", "requested"},
    [CLIENT_FILE_PROBED] = {"probed", "probed"},
    [CLIENT_FILE_XFER] = {"transferring", "transfer"},
    [CLIENT_FILE_DONE] = {"done", "done"},
    [CLIENT_FILE_ERROR] = {"error", "ERROR"},
};

const char *client_model_name(enum client_model m)
{
	return NAMES_GET(client_models, m, false, "unknown");
}

bool client_model_is_pi(enum client_model m)
{
	return m == CLIENT_MODEL_PI || m == CLIENT_MODEL_PI3 || m == CLIENT_MODEL_PI4 ||
	       m == CLIENT_MODEL_PI5;
}

const char *client_model_short(enum client_model m)
{
	return NAMES_GET(client_models, m, true, "?");
}

const char *client_file_state_name(enum client_file_state s)
{
	return NAMES_GET(client_file_states, s, false, "error");
}

const char *client_file_state_short(enum client_file_state s)
{
	return NAMES_GET(client_file_states, s, true, "?");
}

const char *client_stage_name(enum client_stage s)
{
	static const char *const names[] = {
	    [CLIENT_ST_FW_DHCP] = "firmware-dhcp",
	    [CLIENT_ST_TFTP_FW] = "tftp-firmware",
	    [CLIENT_ST_TFTP_KERNEL] = "tftp-kernel",
	    [CLIENT_ST_KERNEL_DHCP] = "kernel-dhcp",
	    [CLIENT_ST_PORTMAP] = "portmap",
	    [CLIENT_ST_MOUNT] = "mount",
	    [CLIENT_ST_NFS] = "nfs-root",
	};
	return (unsigned)s < CLIENT_ST__COUNT ? names[s] : "?";
}

const char *client_prefix_name(enum client_prefix p)
{
	static const char *const names[] = {
	    [CLIENT_PREFIX_UNKNOWN] = "unknown", [CLIENT_PREFIX_ROOT] = "root",
	    [CLIENT_PREFIX_SERIAL] = "serial",   [CLIENT_PREFIX_CUSTOM] = "custom",
	    [CLIENT_PREFIX_MAC] = "mac",
	};
	return (unsigned)p < sizeof(names) / sizeof(names[0]) ? names[p] : "unknown";
}

/* The public names of the Raspberry Pi knowledge, which lives in pi.c. */

bool client_is_pi_oui(const uint8_t mac[6])
{
	return pi_is_oui(mac);
}

enum client_stage client_file_stage(const char *name)
{
	return pi_file_stage(name);
}

bool client_file_optional(const char *name)
{
	return pi_file_optional(name) || pxe_file_optional(name);
}

bool client_file_chain_end(const char *name)
{
	return pxe_file_chain_end(name);
}

bool client_file_loader_config(const char *name)
{
	return pxe_file_is_config(name);
}

void client_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- table, bindings ---- */

static size_t client_pow2_above(size_t n)
{
	size_t p = 64;
	while (p < 2 * n)
		p *= 2;
	return p;
}

struct client_table *client_table_new_max(size_t max_clients)
{
	if (max_clients < 1)
		max_clients = 1;
	if (max_clients > CLIENT_MAX_LIMIT)
		max_clients = CLIENT_MAX_LIMIT;
	struct client_table *t = xcalloc(1, sizeof(*t));
	t->max = max_clients;
	t->cap.clients_max = max_clients;
	t->c = xcalloc(max_clients, sizeof(*t->c));
	/* Two IP bindings per client (firmware and kernel DHCP may differ), at least the default.
	 */
	t->bind_max = 2 * max_clients > CLIENT_BINDINGS_MAX ? 2 * max_clients : CLIENT_BINDINGS_MAX;
	t->bind = xcalloc(t->bind_max, sizeof(*t->bind));
	size_t hs = client_pow2_above(max_clients), bs = client_pow2_above(t->bind_max);
	t->hash_mask = hs - 1;
	t->bind_mask = bs - 1;
	t->by_mac = xcalloc(hs, sizeof(*t->by_mac));
	t->by_ip = xcalloc(hs, sizeof(*t->by_ip));
	t->bind_head = xcalloc(bs, sizeof(*t->bind_head));
	keyset_init(&t->not_kept, CLIENT_NOT_KEPT_MAX);
	return t;
}

struct client_table *client_table_new(void)
{
	return client_table_new_max(CLIENT_MAX);
}

size_t client_table_max(const struct client_table *t)
{
	return t->max;
}

static void client_free(struct client *c)
{
	for (uint32_t i = 0; i < c->nattempts; i++)
		free(c->attempts[i]);
	free(c);
}

void client_table_free(struct client_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		client_free(t->c[i]);
	free(t->c);
	free(t->bind);
	free(t->by_mac);
	free(t->by_ip);
	free(t->bind_head);
	keyset_free(&t->not_kept);
	free(t);
}

void client_table_set_hosts(struct client_table *t, const struct hosts *h)
{
	t->hosts = h;
}

void client_table_set_log(struct client_table *t, client_log_fn fn, void *arg)
{
	t->log_fn = fn;
	t->log_arg = arg;
}

void client_table_tick(struct client_table *t, uint64_t frame, nbt_time ts)
{
	ts = nbt_time_clamp(ts);
	if (!t->cap.first.frame)
		t->cap.first = (struct client_mark){frame, ts};
	if (ts >= t->cap.last.ts || !t->cap.last.frame)
		t->cap.last = (struct client_mark){frame, ts};
	else
		t->cap.last.frame = frame;
}

void client_table_set_drops(struct client_table *t, uint64_t dropped)
{
	t->cap.has_drops = true;
	t->cap.dropped = dropped;
}

void client_table_watch_stats(struct client_table *t, const struct nbt_stats *pipe)
{
	t->cap.pipe = pipe;
}

void client_table_fold_stats(const struct client_table *t, struct nbt_stats *s)
{
	s->anomalies[ANOM_CAP_CLIENTS] += t->cap.clients_dropped;
	s->anomalies[ANOM_CAP_EVENTS] += t->cap.timeline_dropped;
}

const struct client_capture *client_table_capture(const struct client_table *t)
{
	return &t->cap;
}

static uint32_t client_hash_u32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	return x ^ (x >> 16);
}

static uint32_t client_hash_mac(const uint8_t mac[6])
{
	uint32_t lo =
	    (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
	return client_hash_u32(lo ^ ((uint32_t)mac[0] << 8 | mac[1]) * 0x9e3779b1u);
}

/* The binding of ip (at most one per address), or NULL. */
static struct client_binding *client_binding_of(struct client_table *t, uint32_t ip)
{
	for (uint32_t i = t->bind_head[client_hash_u32(ip) & t->bind_mask]; i;
	     i = t->bind[i - 1].hnext)
		if (t->bind[i - 1].ip == ip)
			return &t->bind[i - 1];
	return NULL;
}

static void client_bind_unlink(struct client_table *t, size_t idx)
{
	uint32_t *pp = &t->bind_head[client_hash_u32(t->bind[idx].ip) & t->bind_mask];
	while (*pp && *pp != idx + 1)
		pp = &t->bind[*pp - 1].hnext;
	if (*pp)
		*pp = t->bind[idx].hnext;
}

void client_bind(struct client_table *t, uint32_t ip, const uint8_t mac[6])
{
	if (!ip || ip == INADDR_BROADCAST)
		return;
	struct client_binding *old = client_binding_of(t, ip);
	if (old) {
		memcpy(old->mac, mac, 6);
		return;
	}
	if (t->nbind == t->bind_max)
		client_bind_unlink(t, t->bind_next); /* the ring overwrites the oldest */
	struct client_binding *b = &t->bind[t->bind_next];
	b->ip = ip;
	memcpy(b->mac, mac, 6);
	uint32_t *head = &t->bind_head[client_hash_u32(ip) & t->bind_mask];
	b->hnext = *head;
	*head = (uint32_t)t->bind_next + 1;
	t->bind_next = (t->bind_next + 1) % t->bind_max;
	if (t->nbind < t->bind_max)
		t->nbind++;
}

/* The slot of mac in by_mac: its client, or the empty slot where it would go. */
static struct client **client_mac_slot(struct client_table *t, const uint8_t mac[6])
{
	uint32_t h = client_hash_mac(mac);
	for (;; h++) {
		struct client **slot = &t->by_mac[h & t->hash_mask];
		if (!*slot || memcmp((*slot)->mac, mac, 6) == 0)
			return slot;
	}
}

static struct client **client_ip_slot(struct client_table *t, uint32_t ip)
{
	uint32_t h = client_hash_u32(ip);
	for (;; h++) {
		struct client **slot = &t->by_ip[h & t->hash_mask];
		if (!*slot || (*slot)->ip == ip)
			return slot;
	}
}

struct client *client_find_by_mac(struct client_table *t, const uint8_t mac[6])
{
	return *client_mac_slot(t, mac);
}

struct client *client_find_by_ip(struct client_table *t, uint32_t ip)
{
	if (!ip)
		return NULL;
	const struct client_binding *b = client_binding_of(t, ip);
	if (b)
		return client_find_by_mac(t, b->mac);
	return *client_ip_slot(t, ip);
}

static void client_name_from_hosts(struct client_table *t, struct client *c)
{
	const struct hosts_entry *e =
	    hosts_find(t->hosts, c->has_mac ? c->mac : NULL, c->has_serial, c->serial);
	if (e)
		client_copy(c->name, sizeof(c->name), e->name);
}

void client_set_serial(struct client_table *t, struct client *c, uint32_t serial, bool from_folder)
{
	c->serial = serial;
	c->has_serial = true;
	c->serial_from_folder = from_folder;
	if (!c->name[0])
		client_name_from_hosts(t, c);
}

/* An event of a machine the full table cannot follow: counted, and the machine once by its MAC
 * (or its IP when it has no MAC; tagged apart so the two never collide). */
static void client_not_kept(struct client_table *t, const uint8_t *mac, uint32_t ip)
{
	t->cap.clients_dropped++;
	uint64_t key = 0;
	if (mac)
		for (int i = 0; i < 6; i++)
			key = key << 8 | mac[i];
	else if (ip)
		key = 1ull << 48 | ip;
	else
		return;
	if (keyset_add(&t->not_kept, key))
		t->cap.machines_dropped++;
	t->cap.machines_dropped_more = t->not_kept.full;
}

void client_set_netboot(struct client_table *t, struct client *c)
{
	if (c->netboot)
		return;
	c->netboot = true;
	t->cap.other_clients--;
}

struct client *client_add(struct client_table *t, const uint8_t *mac, uint32_t ip)
{
	if (t->n >= t->max) {
		client_not_kept(t, mac, ip);
		return NULL;
	}
	struct client *c = xcalloc(1, sizeof(*c));
	if (mac) {
		memcpy(c->mac, mac, 6);
		c->has_mac = true;
		if (pi_is_oui(mac))
			c->model = CLIENT_MODEL_PI;
	}
	c->ip = ip;
	client_name_from_hosts(t, c);
	t->cap.other_clients++;
	if (c->model == CLIENT_MODEL_PI)
		client_set_netboot(t, c);
	/* Callers looked first, so the slot is empty; if not, the first client keeps it. */
	struct client **slot = mac ? client_mac_slot(t, mac) : ip ? client_ip_slot(t, ip) : NULL;
	if (slot && !*slot)
		*slot = c;
	t->c[t->n++] = c;
	t->sorted = false;
	return c;
}

static int client_cmp(const void *a, const void *b)
{
	const struct client *x = *(const struct client *const *)a;
	const struct client *y = *(const struct client *const *)b;
	if (x->has_mac != y->has_mac)
		return x->has_mac ? -1 : 1;
	int r = memcmp(x->mac, y->mac, 6);
	if (r)
		return r;
	return x->ip < y->ip ? -1 : x->ip > y->ip;
}

size_t client_count(const struct client_table *t)
{
	return t->n;
}

const struct client *client_get(struct client_table *t, size_t i)
{
	if (!t->sorted) {
		qsort(t->c, t->n, sizeof(t->c[0]), client_cmp);
		t->sorted = true;
	}
	return i < t->n ? t->c[i] : NULL;
}

const struct client_attempt *client_last_attempt(const struct client *c)
{
	return c->nattempts ? c->attempts[c->nattempts - 1] : NULL;
}

/* ---- attempts, stages, timeline ---- */

struct client_attempt *client_new_attempt(struct client_table *t, struct client *c)
{
	if (c->nattempts == CLIENT_ATTEMPTS_MAX) {
		free(c->attempts[0]);
		memmove(c->attempts, c->attempts + 1,
		        sizeof(c->attempts[0]) * (CLIENT_ATTEMPTS_MAX - 1));
		c->nattempts--;
		c->attempts_dropped++;
	}
	struct client_attempt *a = xcalloc(1, sizeof(*a));
	a->number = c->nattempts + c->attempts_dropped + 1;
	a->client = c;
	c->attempts[c->nattempts++] = a;
	t->attempt_seq++;
	return a;
}

struct client_attempt *client_latest_attempt(struct client *c)
{
	return c->nattempts ? c->attempts[c->nattempts - 1] : NULL;
}

struct client_attempt *client_current_attempt(struct client_table *t, struct client *c)
{
	struct client_attempt *a = client_latest_attempt(c);
	if (a)
		return a;
	a = client_new_attempt(t, c);
	a->mid_boot = true;
	return a;
}

struct client_attempt *client_note_boot_event(struct client_table *t, struct client *c)
{
	if (!c)
		return NULL;
	c->events++;
	client_set_netboot(t, c);
	return client_current_attempt(t, c);
}

void client_mark_set(struct client_mark *m, const struct nbt_event *ev)
{
	m->frame = ev->frame;
	m->ts = ev->ts;
}

void client_span_add(struct client_span *s, const struct nbt_event *ev)
{
	if (!s->count)
		client_mark_set(&s->first, ev);
	client_mark_set(&s->last, ev);
	s->count++;
}

void client_touch(struct client_attempt *a, enum client_stage st, const struct nbt_event *ev)
{
	client_span_add(&a->stage[st], ev);
	if (!a->first.frame)
		client_mark_set(&a->first, ev);
	client_mark_set(&a->last, ev);
}

void client_log(struct client_table *t, struct client_attempt *a, enum client_stage st,
                const struct nbt_event *ev, const char *fmt, ...)
{
	struct client_entry e = {.frame = ev->frame, .ts = ev->ts, .stage = st};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	if (t->log_fn)
		t->log_fn(t->log_arg, a->client, a, &e, ev);
	if (a->ntimeline >= CLIENT_TIMELINE_MAX) {
		a->timeline_dropped++;
		t->cap.timeline_dropped++;
		return;
	}
	a->timeline[a->ntimeline++] = e;
}

/* ---- events ---- */

/* Each protocol's client logic, by event type; NULL: the type tells nothing about clients. */
static void (*const client_handlers[EV__COUNT])(struct client_table *t,
                                                const struct nbt_event *ev) = {
    [EV_ARP] = client_link_on_arp,    [EV_ICMP] = client_link_on_icmp,
    [EV_DHCP] = client_dhcp_on_event, [EV_TFTP] = client_tftp_on_event,
    [EV_RPC] = client_rpc_on_event,   [EV_ANOMALY] = client_capture_on_anomaly,
    [EV_TCP] = client_rpc_on_tcp,
};

void client_on_event(struct client_table *t, const struct nbt_event *ev)
{
	if (t->cap.ncksum && ev->type != EV_ANOMALY)
		client_capture_track_cksum(&t->cap, ev);
	if ((unsigned)ev->type < EV__COUNT && client_handlers[ev->type])
		client_handlers[ev->type](t, ev);
	/* The Ethernet source of a known client's IP packets binds that IP to it. */
	if (ev->has_mac && ev->src_ip && ev->type != EV_ARP && client_find_by_mac(t, ev->src_mac))
		client_bind(t, ev->src_ip, ev->src_mac);
}
