/* summary: what the client engine's files share: the table, lookups, attempts, the timeline and
 * each protocol's event handler (include/nbt/client.h is the public side). */
#ifndef NBT_CLIENT_PRIV_H
#define NBT_CLIENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/client.h"
#include "nbt/keyset.h"

struct client_binding;

/* Hash indexes (power of two, at least twice their tables): lookups stay O(1) with
 * thousands of clients. Clients are never removed, so the MAC and IP-only indexes are
 * open-addressed without deletion; bindings are overwritten in ring order, so chained. */
#define CLIENT_PROBE_RING 32

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
	/* The last ARP requests by non-clients (a DHCP server checking an address before it offers
	 * it, dnsmasq's ping): a ring, read when an OFFER names one of the targets. */
	struct client_probe {
		uint32_t tpa;
		struct client_mark at;
	} probe[CLIENT_PROBE_RING];
	uint32_t probe_next;
};

/* ---- client.c: the table, attempts, stages, timeline ---- */

/* Copies a string, cut to the buffer (a NUL always ends it). */
void client_copy(char *dst, size_t size, const char *src);

struct client *client_find_by_mac(struct client_table *t, const uint8_t mac[6]);
/* Through the IP bindings first, then the clients known by IP only; NULL for ip 0. */
struct client *client_find_by_ip(struct client_table *t, uint32_t ip);
/* A new client, by MAC (mac != NULL) or by IP only; NULL when the table is full. */
struct client *client_add(struct client_table *t, const uint8_t *mac, uint32_t ip);
/* ip (not 0 or broadcast) belongs to mac from now on. */
void client_bind(struct client_table *t, uint32_t ip, const uint8_t mac[6]);
/* The client showed a sign of a network boot (struct client's netboot). */
void client_set_netboot(struct client_table *t, struct client *c);
/* The Pi serial, from option 97 or from a TFTP folder; names the client if it has no name. */
void client_set_serial(struct client_table *t, struct client *c, uint32_t serial, bool from_folder);

struct client_attempt *client_new_attempt(struct client_table *t, struct client *c);
/* A TFTP or ONC RPC packet of c, a sign of a network boot: counted, and the attempt it belongs
 * to (client_current_attempt); NULL when c is NULL (the packet is nobody's). */
struct client_attempt *client_note_boot_event(struct client_table *t, struct client *c);
/* The latest attempt, or NULL. */
struct client_attempt *client_latest_attempt(struct client *c);
/* The latest attempt; a first event that is not firmware DHCP means the capture began late. */
struct client_attempt *client_current_attempt(struct client_table *t, struct client *c);

void client_mark_set(struct client_mark *m, const struct nbt_event *ev);
void client_span_add(struct client_span *s, const struct nbt_event *ev);
/* The event belongs to stage st of the attempt. */
void client_touch(struct client_attempt *a, enum client_stage st, const struct nbt_event *ev);
/* A timeline line (and the --events callback), counted when the timeline is full. */
__attribute__((format(printf, 5, 6))) void
client_log(struct client_table *t, struct client_attempt *a, enum client_stage st,
           const struct nbt_event *ev, const char *fmt, ...);

/* ---- one handler per event type (client_on_event's table) ---- */

void client_dhcp_on_event(struct client_table *t, const struct nbt_event *ev); /* EV_DHCP */
void client_tftp_on_event(struct client_table *t, const struct nbt_event *ev); /* EV_TFTP */
void client_rpc_on_event(struct client_table *t, const struct nbt_event *ev);  /* EV_RPC */
void client_rpc_on_tcp(struct client_table *t, const struct nbt_event *ev);    /* EV_TCP */
void client_link_on_arp(struct client_table *t, const struct nbt_event *ev);   /* EV_ARP */
void client_link_on_icmp(struct client_table *t, const struct nbt_event *ev);  /* EV_ICMP */
/* The client's frame `what` ("RRQ") to an address but not to its MAC: noted and logged. */
void client_link_check_dst(struct client_table *t, struct client_attempt *a,
                           const struct nbt_event *ev, const char *what);
void client_capture_on_anomaly(struct client_table *t, const struct nbt_event *ev); /* EV_ANOMALY */

/* client_capture.c: the answers to senders of bad checksums, seen in every other event. */
void client_capture_track_cksum(struct client_capture *cap, const struct nbt_event *ev);

/* client_dhcp.c: option 60 starts with prefix. */
bool client_dhcp_vendor_is(const struct ev_dhcp *d, const char *prefix);

#endif
