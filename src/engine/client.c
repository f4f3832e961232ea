/* summary: client engine: events -> per-MAC clients, IP bindings, boot attempts and stage
 * timelines (RFC 2131/2132/4578 DHCP, RFC 1350/2347-2349 TFTP, RFC 1833/1813/7530 NFS root). */
#include "nbt/client.h"

#include <ctype.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nbt/hosts.h"
#include "nbt/keyset.h"
#include "nbt/xalloc.h"

#define PI3_XID 0x26f30339u /* every Pi 3 boot ROM uses it (PI-NETBOOT.md s1) */

#define DHCP_DISCOVER 1
#define DHCP_OFFER    2
#define DHCP_REQUEST  3
#define DHCP_DECLINE  4
#define DHCP_ACK      5
#define DHCP_NAK      6
#define DHCP_RELEASE  7

#define PROG_PORTMAP 100000u /* RFC 1833 */
#define PROG_NFS     100003u /* RFC 1813 / 7530 */
#define PROG_MOUNT   100005u /* RFC 1813 appendix I */

/* NFSv4 operation numbers (RFC 7530 s16, RFC 8881 s18). */
#define NFS4_OP_LOOKUP    15
#define NFS4_OP_PUTFH     22
#define NFS4_OP_PUTROOTFH 24
#define NFS4_OP_READ      25
#define NFS4_OP_READDIR   26
#define NFS_ERR_NOENT     2

struct client_binding {
	uint32_t ip;
	uint8_t mac[6];
	uint32_t hnext; /* next binding (index + 1) in the same hash chain, 0: none */
};

/* Hash indexes (power of two, at least twice their tables): lookups stay O(1) with
 * thousands of clients. Clients are never removed, so the MAC and IP-only indexes are
 * open-addressed without deletion; bindings are overwritten in ring order, so chained. */

struct client_table {
	struct client **c; /* max of them */
	size_t n, max;
	bool sorted;
	struct client_binding *bind; /* ring of bind_max */
	size_t nbind, bind_next, bind_max;
	struct client **by_mac; /* clients with a MAC */
	struct client **by_ip;  /* clients known by IP only (non-zero) */
	size_t hash_mask;       /* of both */
	uint32_t *bind_head;    /* binding index + 1, 0: none */
	size_t bind_mask;
	const struct hosts *hosts;
	struct client_capture cap;
	uint32_t attempt_seq;
	client_log_fn log_fn;
	void *log_arg;
	struct keyset not_kept; /* machines past the cap, by MAC or IP: counted, not followed */
};

static const uint8_t client_pi_ouis[][3] = {
    {0xb8, 0x27, 0xeb}, {0xdc, 0xa6, 0x32}, {0xe4, 0x5f, 0x01},
    {0x28, 0xcd, 0xc1}, {0xd8, 0x3a, 0xdd}, {0x2c, 0xcf, 0x67},
};

bool client_is_pi_oui(const uint8_t mac[6])
{
	for (size_t i = 0; i < sizeof(client_pi_ouis) / sizeof(client_pi_ouis[0]); i++)
		if (memcmp(mac, client_pi_ouis[i], 3) == 0)
			return true;
	return false;
}

const char *client_model_name(enum client_model m)
{
	static const char *const names[] = {
	    [CLIENT_MODEL_UNKNOWN] = "unknown",    [CLIENT_MODEL_PI] = "Raspberry Pi",
	    [CLIENT_MODEL_PI3] = "Raspberry Pi 3", [CLIENT_MODEL_PI4] = "Raspberry Pi 4",
	    [CLIENT_MODEL_PI5] = "Raspberry Pi 5", [CLIENT_MODEL_IPXE] = "iPXE",
	    [CLIENT_MODEL_PXE] = "PXE (BIOS)",     [CLIENT_MODEL_PXE_EFI] = "PXE (UEFI)",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "unknown";
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

/* ---- file names ---- */

static const char *client_basename(const char *name)
{
	const char *s = strrchr(name, '/');
	return s ? s + 1 : name;
}

static bool client_starts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != prefix[i])
			return false;
	return true;
}

static bool client_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && client_starts(s + n - m, suffix);
}

enum client_stage client_file_stage(const char *name)
{
	const char *b = client_basename(name);
	if (strstr(name, "overlays/") || client_ends(b, ".dtb") || client_ends(b, ".dtbo"))
		return CLIENT_ST_TFTP_KERNEL;
	if ((client_starts(b, "kernel") && client_ends(b, ".img")) || client_starts(b, "vmlinuz") ||
	    client_starts(b, "zimage") || strcmp(b, "Image") == 0 || client_starts(b, "initrd") ||
	    client_starts(b, "initramfs") || client_starts(b, "cmdline.txt"))
		return CLIENT_ST_TFTP_KERNEL;
	return CLIENT_ST_TFTP_FW;
}

bool client_file_optional(const char *name)
{
	static const char *const optional[] = {"bootsig.bin",  "recovery.bin", "recovery.elf",
	                                       "pieeprom.",    "vl805.",       "autoboot.txt",
	                                       "bootcode.sig", "recovery.sig", "overlay_map.dtb"};
	const char *b = client_basename(name);
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (client_starts(b, optional[i]))
			return true;
	return false;
}

/* Copies a string, cut to the buffer (a NUL always ends it). */
static void client_copy(char *dst, size_t size, const char *src)
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

static void client_bind(struct client_table *t, uint32_t ip, const uint8_t mac[6])
{
	if (!ip || ip == 0xffffffffu)
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

static struct client *client_by_mac(struct client_table *t, const uint8_t mac[6])
{
	return *client_mac_slot(t, mac);
}

static struct client *client_by_ip(struct client_table *t, uint32_t ip)
{
	if (!ip)
		return NULL;
	const struct client_binding *b = client_binding_of(t, ip);
	if (b)
		return client_by_mac(t, b->mac);
	return *client_ip_slot(t, ip);
}

static void client_name(struct client_table *t, struct client *c)
{
	const struct hosts_entry *e =
	    hosts_find(t->hosts, c->has_mac ? c->mac : NULL, c->has_serial, c->serial);
	if (e)
		client_copy(c->name, sizeof(c->name), e->name);
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

/* The client showed a sign of a network boot (struct client's netboot). */
static void client_netboot(struct client_table *t, struct client *c)
{
	if (c->netboot)
		return;
	c->netboot = true;
	t->cap.other_clients--;
}

/* A new client, by MAC (mac != NULL) or by IP only; NULL when the table is full. */
static struct client *client_add(struct client_table *t, const uint8_t *mac, uint32_t ip)
{
	if (t->n >= t->max) {
		client_not_kept(t, mac, ip);
		return NULL;
	}
	struct client *c = xcalloc(1, sizeof(*c));
	if (mac) {
		memcpy(c->mac, mac, 6);
		c->has_mac = true;
		if (client_is_pi_oui(mac))
			c->model = CLIENT_MODEL_PI;
	}
	c->ip = ip;
	client_name(t, c);
	t->cap.other_clients++;
	if (c->model == CLIENT_MODEL_PI)
		client_netboot(t, c);
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

static struct client_attempt *client_new_attempt(struct client_table *t, struct client *c)
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

/* The current attempt; a first event that is not firmware DHCP means the capture began late. */
static struct client_attempt *client_attempt(struct client_table *t, struct client *c)
{
	if (c->nattempts)
		return c->attempts[c->nattempts - 1];
	struct client_attempt *a = client_new_attempt(t, c);
	a->mid_boot = true;
	return a;
}

static void client_mark_set(struct client_mark *m, const struct nbt_event *ev)
{
	m->frame = ev->frame;
	m->ts = ev->ts;
}

static void client_span_add(struct client_span *s, const struct nbt_event *ev)
{
	if (!s->count)
		client_mark_set(&s->first, ev);
	client_mark_set(&s->last, ev);
	s->count++;
}

static void client_touch(struct client_attempt *a, enum client_stage st, const struct nbt_event *ev)
{
	client_span_add(&a->stage[st], ev);
	if (!a->first.frame)
		client_mark_set(&a->first, ev);
	client_mark_set(&a->last, ev);
}

__attribute__((format(printf, 5, 6))) static void
client_log(struct client_table *t, struct client_attempt *a, enum client_stage st,
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

#define IPF(ip) ((ip) >> 24) & 0xffu, ((ip) >> 16) & 0xffu, ((ip) >> 8) & 0xffu, (ip)&0xffu
#define IPFMT   "%u.%u.%u.%u"

/* ---- DHCP (RFC 2131): identity, model, firmware vs kernel, attempts ---- */

/* Board revision code, new style (bit 23): bits 4-11 are the board type. */
static enum client_model client_model_from_rev(uint32_t rev)
{
	if (!(rev & 0x800000u))
		return CLIENT_MODEL_PI;
	switch ((rev >> 4) & 0xffu) {
	case 0x08:
	case 0x0a:
	case 0x0d:
	case 0x0e:
	case 0x10:
		return CLIENT_MODEL_PI3;
	case 0x11:
	case 0x13:
	case 0x14:
		return CLIENT_MODEL_PI4;
	case 0x17:
	case 0x18:
		return CLIENT_MODEL_PI5;
	default:
		return CLIENT_MODEL_PI;
	}
}

static bool client_memfind(const uint8_t *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(p + i, needle, n) == 0)
			return true;
	return false;
}

static bool client_vendor_is(const struct dhcp_str *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s->len >= n && memcmp(s->s, prefix, n) == 0;
}

/* Refines the model: a specific model is never replaced by a vaguer guess. */
static void client_set_model(struct client *c, enum client_model m)
{
	if (m == CLIENT_MODEL_UNKNOWN || c->model == m)
		return;
	bool vague = c->model == CLIENT_MODEL_UNKNOWN || c->model == CLIENT_MODEL_PI ||
	             (m == CLIENT_MODEL_IPXE && c->model != CLIENT_MODEL_PI3 &&
	              c->model != CLIENT_MODEL_PI4 && c->model != CLIENT_MODEL_PI5);
	if (vague)
		c->model = m;
}

/* Model and serial from a firmware request (PI-NETBOOT.md s1 table, option 97 layouts). */
static void client_identify(struct client_table *t, struct client *c, const struct ev_dhcp *d)
{
	enum client_model m = CLIENT_MODEL_UNKNOWN;
	bool pi_oui = c->has_mac && client_is_pi_oui(c->mac);
	uint8_t len;
	const uint8_t *uc = dhcp_option(d, 77, &len);
	bool ipxe = dhcp_has(d, 175) || (uc && client_memfind(uc, len, "iPXE"));
	/* A UUID of zeros (QEMU) reads like the legacy layout with serial 0: not a Pi. */
	bool pi97 = (d->pi97 == DHCP_PI97_RPI || d->pi97 == DHCP_PI97_LEGACY) && !ipxe &&
	            (d->serial != 0 || pi_oui);
	if (pi97 && d->pi97 == DHCP_PI97_RPI) {
		m = client_model_from_rev(d->board_rev);
		if (m == CLIENT_MODEL_PI && strcmp(d->fourcc, "RPi4") == 0)
			m = CLIENT_MODEL_PI4;
		else if (m == CLIENT_MODEL_PI && strcmp(d->fourcc, "RPi5") == 0)
			m = CLIENT_MODEL_PI5;
		c->board_rev = d->board_rev;
	} else if (pi97) {
		m = (d->xid == PI3_XID || (pi_oui && c->mac[0] == 0xb8)) ? CLIENT_MODEL_PI3
		                                                         : CLIENT_MODEL_PI;
	} else if (d->xid == PI3_XID && client_vendor_is(&d->vendor, "PXEClient")) {
		m = CLIENT_MODEL_PI3;
	} else if (pi_oui) {
		m = c->mac[0] == 0xb8 ? CLIENT_MODEL_PI3 : CLIENT_MODEL_PI;
	} else if (client_vendor_is(&d->vendor, "PXEClient") || ipxe) {
		if (ipxe)
			m = CLIENT_MODEL_IPXE;
		else if (d->has_arch && d->arch >= 6)
			m = CLIENT_MODEL_PXE_EFI;
		else
			m = CLIENT_MODEL_PXE;
	}
	client_set_model(c, m);
	if (pi97 && (!c->has_serial || c->serial_from_folder)) {
		c->serial = d->serial;
		c->has_serial = true;
		c->serial_from_folder = false;
		if (!c->name[0])
			client_name(t, c);
	}
}

static bool client_is_pi(const struct client *c)
{
	return c->model == CLIENT_MODEL_PI || c->model == CLIENT_MODEL_PI3 ||
	       c->model == CLIENT_MODEL_PI4 || c->model == CLIENT_MODEL_PI5;
}

/* Firmware (boot ROM / EEPROM / PXE ROM) DHCP, told from the kernel's by its fingerprint. */
static bool client_dhcp_is_firmware(const struct ev_dhcp *d)
{
	return client_vendor_is(&d->vendor, "PXEClient") || d->has_arch || d->has_ndi ||
	       d->pi97 == DHCP_PI97_RPI || d->pi97 == DHCP_PI97_LEGACY;
}

#define CLIENT_OPT_ROOT_PATH   17 /* RFC 2132 s3.19 */
#define CLIENT_OPT_TFTP_SERVER 66 /* s9.4 */
#define CLIENT_OPT_BOOTFILE    67 /* s9.5 */

/* A DHCP of some boot that is not a PXE ROM's: a kernel or initramfs asking for the root path
 * (Linux ip=dhcp does), a boot loader asking for a TFTP server or boot file (U-Boot), klibc's
 * ipconfig.  Laptops and phones ask for none of these. */
static bool client_dhcp_asks_boot(const struct ev_dhcp *d)
{
	return memchr(d->prl, CLIENT_OPT_ROOT_PATH, d->prl_len) != NULL ||
	       memchr(d->prl, CLIENT_OPT_TFTP_SERVER, d->prl_len) != NULL ||
	       memchr(d->prl, CLIENT_OPT_BOOTFILE, d->prl_len) != NULL ||
	       client_vendor_is(&d->vendor, "Linux ipconfig") ||
	       client_vendor_is(&d->vendor, "U-Boot");
}

static bool client_dhcp_cut(const struct ev_dhcp *d)
{
	return (d->flags_nbt & DHCP_F_PARTIAL) ||
	       (d->msg_type == 0 && (d->flags_nbt & DHCP_F_NO_END));
}

static bool client_attempt_served(const struct client_attempt *a)
{
	for (uint32_t i = 0; i < a->nfiles; i++)
		if (a->files[i].state == CLIENT_FILE_DONE)
			return true;
	return false;
}

static void client_dhcp_server(struct client_dhcp *dh, uint32_t server, const struct nbt_event *ev)
{
	for (uint8_t i = 0; i < dh->nservers; i++)
		if (dh->servers[i] == server)
			return;
	if (dh->nservers < CLIENT_SERVERS_MAX) {
		client_mark_set(&dh->server_first[dh->nservers], ev);
		dh->servers[dh->nservers++] = server;
	}
}

/* Where the client should fetch files: option 66/150 and next-server from an offer or ACK. */
static void client_dhcp_boot_params(struct client_dhcp *dh, const struct ev_dhcp *d)
{
	if (d->siaddr)
		dh->siaddr = d->siaddr;
	if (d->tftp_name.len) {
		unsigned a, b, x, y;
		char tail;
		dh->has_opt66 = true;
		snprintf(dh->opt66, sizeof(dh->opt66), "%.*s", (int)d->tftp_name.len,
		         d->tftp_name.s);
		dh->opt66_is_ip = sscanf(dh->opt66, "%u.%u.%u.%u%c", &a, &b, &x, &y, &tail) == 4 &&
		                  a < 256 && b < 256 && x < 256 && y < 256;
		if (dh->opt66_is_ip)
			dh->opt66_ip = a << 24 | b << 16 | x << 8 | y;
	}
	if (d->has_tftp_addr) {
		dh->has_opt150 = true;
		dh->opt150_ip = d->tftp_addr;
	}
	if (d->bootfile.len || d->file_len) {
		dh->has_bootfile = true;
		if (d->bootfile.len)
			snprintf(dh->bootfile, sizeof(dh->bootfile), "%.*s", (int)d->bootfile.len,
			         d->bootfile.s);
		else
			client_copy(dh->bootfile, sizeof(dh->bootfile), d->file);
	}
	if (d->root_path.len)
		snprintf(dh->root_path, sizeof(dh->root_path), "%.*s", (int)d->root_path.len,
		         d->root_path.s);
}

static void client_dhcp_request(struct client_table *t, struct client *c,
                                const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	bool cut = client_dhcp_cut(d);
	struct client_attempt *a = c->nattempts ? c->attempts[c->nattempts - 1] : NULL;
	bool fw = client_dhcp_is_firmware(d);
	if (cut) /* no options to go by: after files were served it is the kernel's */
		fw = !(a && (client_attempt_served(a) || a->kernel.discover.count));
	else
		client_identify(t, c, d);
	if (fw || client_dhcp_asks_boot(d))
		client_netboot(t, c);
	uint8_t mt = d->msg_type ? d->msg_type : DHCP_DISCOVER;
	if (fw && mt == DHCP_DISCOVER && (!a || a->fw_progress)) {
		a = client_new_attempt(t, c);
	} else if (!a) {
		a = client_new_attempt(t, c);
		a->mid_boot = !fw || mt != DHCP_DISCOVER;
	}
	struct client_dhcp *dh = fw ? &a->fw : &a->kernel;
	enum client_stage st = fw ? CLIENT_ST_FW_DHCP : CLIENT_ST_KERNEL_DHCP;
	dh->cut |= cut;
	dh->xid = d->xid;
	if (mt == DHCP_DISCOVER) {
		client_span_add(&dh->discover, ev);
		if (dh->first_bad_offer.frame)
			dh->discover_after_bad++;
	} else if (mt == DHCP_REQUEST) {
		client_span_add(&dh->request, ev);
		if (fw)
			a->fw_progress = true;
	}
	if (d->ciaddr)
		client_bind(t, d->ciaddr, c->mac);
	client_touch(a, st, ev);
	t->cap.from_clients++;
	client_log(t, a, st, ev, "%s %s xid 0x%08x%s", fw ? "firmware" : "kernel",
	           cut ? "request (cut)" : dhcp_type_name(d->msg_type), d->xid,
	           d->vendor.len ? "" : " (no option 60)");
}

/* Which exchange a reply belongs to: the request with its xid, else the one under way. */
static struct client_dhcp *client_dhcp_for_reply(struct client_attempt *a, uint32_t xid, bool *fw)
{
	bool kernel_active = a->kernel.discover.count || a->kernel.request.count;
	*fw = !(kernel_active && (a->kernel.xid == xid || a->fw.xid != xid));
	return *fw ? &a->fw : &a->kernel;
}

static void client_dhcp_reply(struct client_table *t, struct client *c, const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	struct client_attempt *a = client_attempt(t, c);
	bool fw;
	struct client_dhcp *dh = client_dhcp_for_reply(a, d->xid, &fw);
	enum client_stage st = fw ? CLIENT_ST_FW_DHCP : CLIENT_ST_KERNEL_DHCP;
	uint32_t server = d->has_server_id ? d->server_id : ev->src_ip;
	bool cut = client_dhcp_cut(d);
	uint8_t mt = d->msg_type;
	dh->cut |= cut;
	if (cut) /* type unknown: the first reply counts as the offer, later ones as the ACK */
		mt = dh->offer.count ? DHCP_ACK : DHCP_OFFER;
	if (mt == DHCP_OFFER) {
		client_span_add(&dh->offer, ev);
		/* A proxyDHCP answering beside the address server is a normal set-up, not a
		 * second server competing for the client (PI-NETBOOT.md s2). */
		if (!(d->flags_nbt & DHCP_F_PROXY))
			client_dhcp_server(dh, server, ev);
		/* A Pi takes only an offer naming "Raspberry Pi Boot" (PI-NETBOOT.md s2). */
		bool usable = cut || !fw || !client_is_pi(c) || d->rpi_boot;
		if (usable && !dh->first_usable_offer.frame) {
			client_mark_set(&dh->first_usable_offer, ev);
			dh->offer_server = server;
			client_dhcp_boot_params(dh, d);
		} else if (!usable && !dh->first_bad_offer.frame) {
			client_mark_set(&dh->first_bad_offer, ev);
		}
	} else if (mt == DHCP_ACK) {
		client_span_add(&dh->ack, ev);
		client_dhcp_boot_params(dh, d);
		if (fw)
			a->fw_progress = true;
	} else if (mt == DHCP_NAK) {
		client_span_add(&dh->nak, ev);
		if (fw)
			a->fw_progress = true;
	}
	if ((mt == DHCP_OFFER || mt == DHCP_ACK) && d->yiaddr) {
		dh->yiaddr = d->yiaddr;
		client_bind(t, d->yiaddr, c->mac);
		if (mt == DHCP_ACK)
			c->ip = d->yiaddr;
	}
	client_touch(a, st, ev);
	t->cap.towards_clients++;
	client_log(t, a, st, ev, "%s from " IPFMT " yiaddr " IPFMT "%s",
	           cut ? "reply (cut)" : dhcp_type_name(mt), IPF(server), IPF(d->yiaddr),
	           mt == DHCP_OFFER && fw && !cut && client_is_pi(c)
	               ? (d->rpi_boot ? " with Raspberry Pi Boot" : " without Raspberry Pi Boot")
	               : "");
}

static void client_on_dhcp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_dhcp *d = &ev->u.dhcp;
	if (d->htype != 1 || d->hlen != 6 || d->chaddr_len < 6)
		return; /* only Ethernet clients can be keyed by MAC */
	struct client *c = client_by_mac(t, d->chaddr);
	if (!c)
		c = client_add(t, d->chaddr, 0);
	if (!c)
		return;
	c->events++;
	t->sorted = false;
	if (d->op == 1)
		client_dhcp_request(t, c, ev);
	else if (d->op == 2)
		client_dhcp_reply(t, c, ev);
}

/* ---- TFTP (RFC 1350, 2347-2349): files, prefix mode, serial folder ---- */

static bool client_is_serial_dir(const char *s, size_t n, uint32_t *serial)
{
	uint32_t v = 0;
	if (n != 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= '0' && ch <= '9')
			v = v * 16u + (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16u + (uint32_t)(ch - 'a' + 10);
		else
			return false; /* the firmware prints lower case (PI-NETBOOT.md s1) */
	}
	*serial = v;
	return true;
}

/* TFTP_PREFIX mode and the serial from the first folder the client asks for (PI-NETBOOT.md s3). */
static void client_learn_prefix(struct client_table *t, struct client *c, const char *name)
{
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;
	uint32_t serial;
	char kebab[18];
	if (!slash) {
		if (c->prefix == CLIENT_PREFIX_UNKNOWN)
			c->prefix = CLIENT_PREFIX_ROOT;
		return;
	}
	if ((c->prefix != CLIENT_PREFIX_UNKNOWN && c->prefix != CLIENT_PREFIX_ROOT) || n == 0 ||
	    (n == 8 && strncmp(name, "overlays", 8) == 0))
		return;
	snprintf(kebab, sizeof(kebab), "%02x-%02x-%02x-%02x-%02x-%02x", c->mac[0], c->mac[1],
	         c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
	if (c->has_mac && n == 17 && strncasecmp(name, kebab, 17) == 0) {
		c->prefix = CLIENT_PREFIX_MAC;
	} else if (client_is_serial_dir(name, n, &serial) &&
	           (!c->has_serial || c->serial == serial)) {
		c->prefix = CLIENT_PREFIX_SERIAL;
		if (!c->has_serial) {
			c->has_serial = true;
			c->serial = serial;
			c->serial_from_folder = true;
			if (!c->name[0])
				client_name(t, c);
		}
	} else {
		c->prefix = CLIENT_PREFIX_CUSTOM;
	}
	snprintf(c->prefix_str, sizeof(c->prefix_str), "%.*s/", (int)(n < 60 ? n : 60), name);
}

static void client_model_from_file(struct client *c, const char *name)
{
	const char *b = client_basename(name);
	if (c->model != CLIENT_MODEL_PI &&
	    !(c->model == CLIENT_MODEL_UNKNOWN && c->has_mac && client_is_pi_oui(c->mac)))
		return;
	if (client_starts(b, "start4") || client_starts(b, "fixup4") || strstr(b, "bcm2711"))
		c->model = CLIENT_MODEL_PI4;
	else if (strstr(b, "2712"))
		c->model = CLIENT_MODEL_PI5;
	else if (strcmp(b, "bootcode.bin") == 0)
		c->model = CLIENT_MODEL_PI3;
}

static struct client_file *client_file(struct client_attempt *a, const char *name)
{
	for (uint32_t i = 0; i < a->nfiles; i++)
		if (strcmp(a->files[i].name, name) == 0)
			return &a->files[i];
	if (a->nfiles == CLIENT_FILES_MAX) {
		a->files_dropped++;
		return NULL;
	}
	struct client_file *f = &a->files[a->nfiles++];
	client_copy(f->name, sizeof(f->name), name);
	f->stage = client_file_stage(name);
	return f;
}

/* The client's end of a TFTP packet: the RRQ sender. */
static struct client *client_for_tftp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	bool from_client =
	    p->dir == TFTP_DIR_CLIENT ||
	    (p->dir == TFTP_DIR_UNKNOWN && (p->opcode == TFTP_OP_RRQ || p->opcode == TFTP_OP_ACK));
	uint32_t ip = from_client ? ev->src_ip : ev->dst_ip;
	struct client *c = client_by_ip(t, ip);
	if (c)
		return c;
	if (ev->has_mac) {
		const uint8_t *mac = from_client ? ev->src_mac : ev->dst_mac;
		if ((c = client_by_mac(t, mac)) == NULL)
			c = client_add(t, mac, ip);
		if (c)
			client_bind(t, ip, mac);
		return c;
	}
	return client_add(t, NULL, ip);
}

static void client_tftp_rrq(struct client_table *t, struct client *c, struct client_attempt *a,
                            struct client_file *f, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (!f->rrqs)
		client_mark_set(&f->first_rrq, ev);
	client_mark_set(&f->last_rrq, ev);
	f->rrqs++;
	f->server = ev->dst_ip;
	if (f->state != CLIENT_FILE_XFER)
		f->state = CLIENT_FILE_REQUESTED;
	if (p->opts.have & TFTP_HAVE_BLKSIZE)
		f->blksize = p->opts.blksize;
	a->fw_progress = true;
	client_learn_prefix(t, c, p->file);
	client_model_from_file(c, p->file);
	client_log(t, a, f->stage, ev, "RRQ %s to " IPFMT "%s%s", p->file, IPF(ev->dst_ip),
	           (p->opts.have & TFTP_HAVE_TSIZE) ? " tsize" : "", f->rrqs > 1 ? " (again)" : "");
}

static void client_tftp_error(struct client_table *t, struct client_attempt *a,
                              struct client_file *f, const struct nbt_event *ev, bool from_client)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (p->early_terminate) {
		/* A tsize probe ended by the client (PI-NETBOOT.md s3): not a failure. */
		f->state = CLIENT_FILE_PROBED;
		client_log(t, a, f->stage, ev, "tsize probe of %s ended (%" PRIu64 " bytes)",
		           f->name, f->tsize);
		return;
	}
	f->state = CLIENT_FILE_ERROR;
	f->err_code = p->err_code;
	f->err_by_client = from_client;
	client_copy(f->err_msg, sizeof(f->err_msg), p->err_msg);
	client_mark_set(&f->error, ev);
	client_log(t, a, f->stage, ev, "ERROR %u for %s from the %s: \"%s\"", p->err_code, f->name,
	           from_client ? "client" : "server", f->err_msg);
}

static void client_tftp_data(struct client_table *t, struct client_attempt *a,
                             struct client_file *f, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (p->retransmit)
		f->retrans++;
	f->last_block = p->block_seq;
	f->bytes = p->bytes;
	if (f->state == CLIENT_FILE_DONE && !p->finished)
		f->state = CLIENT_FILE_XFER; /* fetched again */
	if (f->state == CLIENT_FILE_DONE)
		return;
	f->state = CLIENT_FILE_XFER;
	if (p->finished) {
		f->state = CLIENT_FILE_DONE;
		client_mark_set(&f->done, ev);
		client_log(t, a, f->stage, ev, "got %s (%" PRIu64 " bytes, %u blocks)", f->name,
		           f->bytes, (unsigned)f->last_block);
	}
}

/* Replies that come from another address than the one the RRQ went to, and whether the client
 * took them (sent its ACK or ERROR there). */
static void client_tftp_source(struct client_table *t, struct client_attempt *a,
                               struct client_file *f, const struct nbt_event *ev, bool from_client)
{
	if (from_client) {
		if (f->other_src && ev->dst_ip == f->other_src && ev->u.tftp.opcode != TFTP_OP_RRQ)
			f->other_answered = true;
		return;
	}
	if (!f->server || ev->src_ip == f->server)
		return;
	if (!f->other_pkts) {
		f->other_src = ev->src_ip;
		client_mark_set(&f->other_first, ev);
		client_log(t, a, f->stage, ev,
		           "reply for %s from " IPFMT ", not " IPFMT " where the RRQ went", f->name,
		           IPF(ev->src_ip), IPF(f->server));
	}
	f->other_pkts++;
}

static void client_on_tftp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	struct client *c = client_for_tftp(t, ev);
	if (!c)
		return;
	c->events++;
	client_netboot(t, c);
	struct client_attempt *a = client_attempt(t, c);
	bool from_client =
	    p->dir == TFTP_DIR_CLIENT ||
	    (p->dir == TFTP_DIR_UNKNOWN && (p->opcode == TFTP_OP_RRQ || p->opcode == TFTP_OP_ACK));
	struct client_file *f = p->file[0] ? client_file(a, p->file) : NULL;
	enum client_stage st = f ? f->stage : CLIENT_ST_TFTP_FW;
	client_touch(a, st, ev);
	if (from_client) {
		t->cap.from_clients++;
		if (p->opcode == TFTP_OP_ACK)
			a->tftp_client_acks++;
	} else {
		t->cap.towards_clients++;
		a->tftp_server_pkts++;
	}
	if (!f)
		return;
	client_tftp_source(t, a, f, ev, from_client);
	client_mark_set(&f->last_pkt, ev);
	f->last_dir = from_client ? TFTP_DIR_CLIENT : TFTP_DIR_SERVER;
	f->order = ++a->seq;
	if (!from_client)
		f->server_pkts++;
	if (p->has_tsize) {
		f->has_tsize = true;
		f->tsize = p->tsize;
	}
	if (p->blksize && !p->blksize_guessed)
		f->blksize = p->blksize;
	if (p->dup_acks > f->dup_acks)
		f->dup_acks = p->dup_acks;
	switch (p->opcode) {
	case TFTP_OP_RRQ:
		client_tftp_rrq(t, c, a, f, ev);
		break;
	case TFTP_OP_DATA:
		client_tftp_data(t, a, f, ev);
		break;
	case TFTP_OP_ERROR:
		client_tftp_error(t, a, f, ev, from_client);
		break;
	case TFTP_OP_ACK:
		if (from_client && p->block_seq > f->last_acked)
			f->last_acked = p->block_seq;
		break;
	default:
		break;
	}
}

/* ---- ONC RPC (RFC 5531): portmap, MOUNT, NFSv3, NFSv4 ---- */

static bool client_nfs4_has(const struct rpc_nfs4 *n, uint32_t op)
{
	for (uint8_t i = 0; i < n->nrec; i++)
		if (n->op[i] == op)
			return true;
	return false;
}

static void client_rpc_portmap(struct client_table *t, struct client_attempt *a,
                               const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_rpc *s = &a->rpc;
	const struct rpc_portmap *pm = &r->u.pmap;
	client_touch(a, CLIENT_ST_PORTMAP, ev);
	if (!r->is_reply) {
		client_span_add(&s->pmap_call, ev);
		if (r->kind == RPC_KIND_PORTMAP && pm->has_query)
			client_log(t, a, CLIENT_ST_PORTMAP, ev, "portmap %s prog %u v%u",
			           r->proc_name ? r->proc_name : "call", pm->prog, pm->vers);
		return;
	}
	client_span_add(&s->pmap_reply, ev);
	if (r->kind == RPC_KIND_PORTMAP && pm->has_port) {
		if (pm->port == 0 && !s->pmap_zero.frame) {
			client_mark_set(&s->pmap_zero, ev);
			s->pmap_zero_prog = pm->prog;
		}
		client_log(t, a, CLIENT_ST_PORTMAP, ev, "portmap reply: prog %u at port %u",
		           pm->prog, pm->port);
	}
}

static void client_rpc_mount(struct client_table *t, struct client_attempt *a,
                             const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_rpc *s = &a->rpc;
	const struct rpc_mount *m = &r->u.mnt;
	client_touch(a, CLIENT_ST_MOUNT, ev);
	if (r->proc != 1) /* MOUNTPROC3_MNT; NULL/UMNT/EXPORT are not the mount itself */
		return;
	if (!r->is_reply) {
		client_span_add(&s->mnt_call, ev);
		if (r->kind == RPC_KIND_MOUNT && m->path_len)
			client_copy(s->mnt_path, sizeof(s->mnt_path), m->path);
		client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT %s v%u", s->mnt_path, r->vers);
		return;
	}
	client_span_add(&s->mnt_reply, ev);
	bool rejected = r->reply_stat != 0 || r->accept_stat != 0;
	if (!rejected && (r->kind != RPC_KIND_MOUNT || !m->has_status)) {
		/* The snaplen cut the reply before its status: neither success nor failure. */
		if (!s->cut_replies++)
			client_mark_set(&s->cut_first, ev);
		client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT reply %s (status not captured)",
		           s->mnt_path);
		return;
	}
	uint32_t status =
	    rejected ? 13u : (r->kind == RPC_KIND_MOUNT && m->has_status ? m->status : 0);
	if (status && !s->mnt_fail.frame) {
		client_mark_set(&s->mnt_fail, ev);
		s->mnt_status = status;
	}
	client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT reply %s%s (status %u)", s->mnt_path,
	           rejected ? " rejected by RPC" : "", status);
}

static void client_nfs_fail(struct client_rpc *s, const struct nbt_event *ev, uint32_t status,
                            uint32_t op, const char *path)
{
	s->nfs_errors++;
	if (s->nfs_fail.frame)
		return;
	client_mark_set(&s->nfs_fail, ev);
	s->nfs_status = status;
	s->nfs_vers = ev->u.rpc.vers;
	s->nfs_fail_op = op;
	client_copy(s->nfs_path, sizeof(s->nfs_path), path);
}

static void client_rpc_nfs(struct client_table *t, struct client_attempt *a,
                           const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_rpc *s = &a->rpc;
	bool v4 = r->vers == 4;
	const struct rpc_nfs4 *n4 = &r->u.nfs4;
	s->v4 |= v4;
	enum client_stage st = (v4 && !s->root_in_use.frame) ? CLIENT_ST_MOUNT : CLIENT_ST_NFS;
	if (!r->is_reply) {
		if (!s->nfs_call.count)
			client_log(t, a, st, ev, "first NFSv%u call %s", r->vers,
			           r->proc_name ? r->proc_name : "");
		client_span_add(&s->nfs_call, ev);
		client_touch(a, st, ev);
		if (v4 && r->kind == RPC_KIND_NFS4 && !s->v4_root_logged &&
		    client_nfs4_has(n4, NFS4_OP_PUTROOTFH) && n4->path_len) {
			s->v4_root_logged = true;
			client_log(t, a, st, ev, "NFSv4 PUTROOTFH + LOOKUP %s", n4->path);
		}
		return;
	}
	client_span_add(&s->nfs_reply, ev);
	bool ok, use;
	uint32_t status, op = r->proc;
	if (v4 && r->kind == RPC_KIND_NFS4) {
		status = r->reply_stat || r->accept_stat ? 1 : n4->status;
		for (uint8_t i = 0; status && i < n4->nrec && i < n4->ndecoded; i++)
			if (n4->op_status[i]) {
				op = n4->op[i];
				break;
			}
		use = client_nfs4_has(n4, NFS4_OP_LOOKUP) || client_nfs4_has(n4, NFS4_OP_PUTFH) ||
		      client_nfs4_has(n4, NFS4_OP_READ) || client_nfs4_has(n4, NFS4_OP_READDIR);
	} else {
		status =
		    r->reply_stat || r->accept_stat
		        ? 1
		        : (r->kind == RPC_KIND_NFS3 && r->u.nfs3.has_status ? r->u.nfs3.status : 0);
		use = r->proc != 0;
	}
	bool unknown = !r->reply_stat && !r->accept_stat && r->proc != 0 &&
	               (v4 ? (r->kind != RPC_KIND_NFS4 || (r->body_trunc && !n4->nrec))
	                   : (r->kind != RPC_KIND_NFS3 || !r->u.nfs3.has_status));
	if (unknown) {
		if (!s->cut_replies++ && (client_mark_set(&s->cut_first, ev), true))
			client_log(t, a, st, ev, "NFSv%u %s reply: status not captured", r->vers,
			           r->proc_name ? r->proc_name : "");
		client_touch(a, st, ev);
		return;
	}
	ok = status == 0;
	if (ok && use && !s->root_in_use.frame) {
		client_mark_set(&s->root_in_use, ev);
		st = CLIENT_ST_NFS;
		client_log(t, a, st, ev, "NFSv%u root in use (%s ok)", r->vers,
		           r->proc_name ? r->proc_name : "call");
	} else if (!ok && !(s->root_in_use.frame && status == NFS_ERR_NOENT)) {
		const char *path = v4 ? n4->path : r->u.nfs3.name;
		if (!s->nfs_fail.frame)
			client_log(t, a, st, ev, "NFSv%u %s error %u%s%s", r->vers,
			           r->proc_name ? r->proc_name : "reply", status,
			           path[0] ? " on " : "", path);
		client_nfs_fail(s, ev, status, op, path);
	}
	client_touch(a, st, ev);
}

static struct client *client_for_rpc(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	uint32_t ip = r->is_reply ? ev->dst_ip : ev->src_ip;
	struct client *c = client_by_ip(t, ip);
	if (c || !ip)
		return c;
	if (ev->has_mac && !r->is_reply && (c = client_by_mac(t, ev->src_mac)) != NULL) {
		client_bind(t, ip, ev->src_mac);
		return c;
	}
	return NULL; /* NFS of a machine whose boot was not seen: not a booting client */
}

static void client_on_rpc(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client *c = client_for_rpc(t, ev);
	if (!c)
		return;
	c->events++;
	client_netboot(t, c);
	struct client_attempt *a = client_attempt(t, c);
	struct client_rpc *s = &a->rpc;
	if (r->is_reply) {
		t->cap.towards_clients++;
		s->unanswered_count = 0;
	} else {
		t->cap.from_clients++;
		s->server = ev->dst_ip;
		if (!s->unanswered_count++)
			client_mark_set(&s->unanswered, ev);
	}
	if (r->prog == PROG_PORTMAP)
		client_rpc_portmap(t, a, ev);
	else if (r->prog == PROG_MOUNT)
		client_rpc_mount(t, a, ev);
	else if (r->prog == PROG_NFS)
		client_rpc_nfs(t, a, ev);
	else {
		if (!s->other.count)
			client_log(t, a, CLIENT_ST_NFS, ev, "RPC %s of unknown program (prog %u)",
			           r->is_reply ? "reply" : "call", r->prog);
		client_span_add(&s->other, ev);
		client_touch(a, CLIENT_ST_NFS, ev);
	}
}

/* ---- ARP and ICMP ---- */

static void client_on_arp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_arp *p = &ev->u.arp;
	struct client *c;
	if (p->op == ARP_OP_REQUEST && (c = client_by_mac(t, p->sha)) != NULL) {
		if (p->spa)
			client_bind(t, p->spa, p->sha);
		if (p->probe || p->gratuitous || !p->tpa || !c->nattempts)
			return;
		struct client_attempt *a = c->attempts[c->nattempts - 1];
		uint8_t i = 0;
		while (i < a->narp && a->arp_target[i] != p->tpa)
			i++;
		if (i == a->narp) {
			if (a->narp == CLIENT_ARP_MAX)
				return;
			a->arp_target[a->narp++] = p->tpa;
			client_mark_set(&a->arp_first[i], ev);
			enum client_stage st =
			    a->kernel.ack.count ? CLIENT_ST_PORTMAP : CLIENT_ST_TFTP_FW;
			client_log(t, a, st, ev, "ARP who has " IPFMT, IPF(p->tpa));
		}
		a->arp_count[i]++;
		client_touch(a, a->kernel.ack.count ? CLIENT_ST_PORTMAP : CLIENT_ST_TFTP_FW, ev);
	} else if (p->op == ARP_OP_REPLY) {
		if ((c = client_by_mac(t, p->sha)) != NULL && p->spa)
			client_bind(t, p->spa, p->sha);
		if ((c = client_by_mac(t, p->tha)) == NULL || !c->nattempts)
			return;
		struct client_attempt *a = c->attempts[c->nattempts - 1];
		for (uint8_t i = 0; i < a->narp; i++)
			if (a->arp_target[i] == p->spa && !a->arp_answer[i].frame) {
				client_mark_set(&a->arp_answer[i], ev);
				client_log(
				    t, a,
				    a->kernel.ack.count ? CLIENT_ST_PORTMAP : CLIENT_ST_TFTP_FW, ev,
				    "ARP reply: " IPFMT " is at %02x:%02x:%02x:%02x:%02x:%02x",
				    IPF(p->spa), p->sha[0], p->sha[1], p->sha[2], p->sha[3],
				    p->sha[4], p->sha[5]);
			}
		t->cap.towards_clients++;
	}
}

static void client_on_icmp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_icmp *p = &ev->u.icmp;
	struct client *c = client_by_ip(t, p->q_src);
	if (!c || p->type != ICMP_T_UNREACH || !c->nattempts)
		return;
	struct client_attempt *a = c->attempts[c->nattempts - 1];
	if (!a->icmp.frame) {
		client_mark_set(&a->icmp, ev);
		a->icmp_code = p->code;
		a->icmp_port = p->q_has_ports ? p->q_dport : 0;
		a->icmp_from = ev->src_ip;
	}
	enum client_stage st = p->q_dport == 69 || (p->owner && strcmp(p->owner, "tftp") == 0)
	                           ? CLIENT_ST_TFTP_FW
	                           : CLIENT_ST_MOUNT;
	if (a->stage[CLIENT_ST_TFTP_FW].count == 0 && st == CLIENT_ST_MOUNT && !a->kernel.ack.count)
		st = CLIENT_ST_TFTP_FW;
	client_log(t, a, st, ev, "ICMP %s from " IPFMT " for " IPFMT ":%u",
	           icmp_code_name(p->type, p->code), IPF(ev->src_ip), IPF(p->q_dst), p->q_dport);
	t->cap.towards_clients++;
}

/* A packet with a bad checksum: counted per sender in a bounded table. */
static void client_on_bad_checksum(struct client_capture *cap, const struct nbt_event *ev)
{
	cap->bad_checksums++;
	struct client_cksum_host *h = NULL;
	for (uint32_t i = 0; i < cap->ncksum && !h; i++)
		if (cap->cksum[i].ip == ev->src_ip)
			h = &cap->cksum[i];
	if (!h && cap->ncksum < CLIENT_CKSUM_HOSTS) {
		h = &cap->cksum[cap->ncksum++];
		h->ip = ev->src_ip;
		client_mark_set(&h->first, ev);
	}
	if (!h) {
		cap->cksum_untracked++;
		return;
	}
	if (h->last_bad != ev->frame)
		h->bad++;
	h->last_bad = ev->frame;
}

/* Other packets of (or answers to) the senders of bad checksums.  The checksum anomaly of a
 * frame comes before the frame's other events, so a UDP frame not marked bad was a good one
 * (TCP checksums are not verified: those frames tell nothing). */
static void client_cksum_track(struct client_capture *cap, const struct nbt_event *ev)
{
	for (uint32_t i = 0; i < cap->ncksum; i++) {
		struct client_cksum_host *h = &cap->cksum[i];
		if (ev->src_ip == h->ip) {
			if (ev->l4proto != IPPROTO_UDP || ev->frame == h->last_bad ||
			    ev->frame == h->last_good)
				continue;
			h->good++;
			h->last_good = ev->frame;
		} else if (ev->dst_ip == h->ip) {
			h->answered++;
		}
	}
}

static void client_on_anomaly(struct client_table *t, const struct nbt_event *ev)
{
	switch (ev->u.anomaly.kind) {
	case ANOM_CHECKSUM:
		client_on_bad_checksum(&t->cap, ev);
		break;
	case ANOM_OVERSIZE:
		if (!t->cap.oversize++)
			client_mark_set(&t->cap.first_oversize, ev);
		break;
	case ANOM_TRUNCATED:
		if (!t->cap.truncated++)
			client_mark_set(&t->cap.first_truncated, ev);
		break;
	case ANOM_INVALID:
		t->cap.invalid++;
		break;
	case ANOM_TIME_BACKWARDS:
		if (!t->cap.backwards++)
			client_mark_set(&t->cap.first_backwards, ev);
		break;
	default:
		t->cap.other_anomalies++;
		break;
	}
}

void client_on_event(struct client_table *t, const struct nbt_event *ev)
{
	if (t->cap.ncksum && ev->type != EV_ANOMALY)
		client_cksum_track(&t->cap, ev);
	switch (ev->type) {
	case EV_DHCP:
		client_on_dhcp(t, ev);
		break;
	case EV_TFTP:
		client_on_tftp(t, ev);
		break;
	case EV_RPC:
		client_on_rpc(t, ev);
		break;
	case EV_ARP:
		client_on_arp(t, ev);
		break;
	case EV_ICMP:
		client_on_icmp(t, ev);
		break;
	case EV_ANOMALY:
		client_on_anomaly(t, ev);
		break;
	default:
		break;
	}
	/* The Ethernet source of a known client's IP packets binds that IP to it. */
	if (ev->has_mac && ev->src_ip && ev->type != EV_ARP && client_by_mac(t, ev->src_mac))
		client_bind(t, ev->src_ip, ev->src_mac);
}
