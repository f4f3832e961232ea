/* summary: ARP (RFC 826) and ICMP (RFC 792) client logic: whom the client looks for and whether
 * they answer, IP bindings from ARP, unreachables for the client's TFTP or NFS packets. */
#include <string.h>

#include "client_priv.h"
#include "nbt/fmt.h"
#include "nbt/proto/tftp.h"

/* Before the kernel's DHCP ACK the firmware ARPs for its TFTP server; after it, the kernel
 * for its NFS server. */
static enum client_stage client_link_stage(const struct client_attempt *a)
{
	return a->kernel.ack.count ? CLIENT_ST_PORTMAP : CLIENT_ST_TFTP_FW;
}

static void client_link_arp_request(struct client_table *t, struct client *c,
                                    const struct nbt_event *ev)
{
	const struct ev_arp *p = &ev->u.arp;
	if (p->spa)
		client_bind(t, p->spa, p->sha);
	/* Probes and announcements (RFC 5227) look for nobody. */
	struct client_attempt *a = client_latest_attempt(c);
	if (p->probe || p->gratuitous || !p->tpa || !a)
		return;
	uint8_t i = 0;
	while (i < a->narp && a->arp_target[i] != p->tpa)
		i++;
	if (i == a->narp) {
		if (a->narp == CLIENT_ARP_MAX)
			return;
		a->arp_target[a->narp++] = p->tpa;
		client_mark_set(&a->arp_first[i], ev);
		client_log(t, a, client_link_stage(a), ev, "ARP who has %s", fmt_ipv4(p->tpa).s);
	}
	a->arp_count[i]++;
	client_touch(a, client_link_stage(a), ev);
}

static void client_link_arp_reply(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_arp *p = &ev->u.arp;
	struct client *c;
	if ((c = client_find_by_mac(t, p->sha)) != NULL && p->spa)
		client_bind(t, p->spa, p->sha);
	struct client_attempt *a;
	if ((c = client_find_by_mac(t, p->tha)) == NULL || (a = client_latest_attempt(c)) == NULL)
		return;
	for (uint8_t i = 0; i < a->narp; i++)
		if (a->arp_target[i] == p->spa && !a->arp_answer[i].frame) {
			client_mark_set(&a->arp_answer[i], ev);
			memcpy(a->arp_mac[i], p->sha, 6);
			client_log(t, a, client_link_stage(a), ev, "ARP reply: %s is at %s",
			           fmt_ipv4(p->spa).s, fmt_mac(p->sha).s);
		}
	t->cap.towards_clients++;
}

/*
 * A bootloader whose ARP failed still sends its frames: to 00:00:00:00:00:00, the empty
 * neighbour entry, or to aa:aa:aa:aa:aa:aa (PI-NETBOOT.md s3); no host takes them. A frame to
 * another MAC than the one ARP returned for that address is as lost (unless a router forwards
 * it, which a frame to an address on the client's own segment never needs).
 */
void client_link_check_dst(struct client_table *t, struct client_attempt *a,
                           const struct nbt_event *ev, const char *what)
{
	static const uint8_t zero[6], aa[6] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
	/* Linux loopback frames carry zeros for both MACs: no link there to fail. */
	if (!ev->has_dst_mac || memcmp(ev->src_mac, zero, 6) == 0)
		return;
	const uint8_t *arp = NULL;
	bool asked = false;
	for (uint8_t i = 0; i < a->narp; i++)
		if (a->arp_target[i] == ev->dst_ip) {
			asked = true;
			arp = a->arp_answer[i].frame ? a->arp_mac[i] : NULL;
		}
	bool bogus = memcmp(ev->dst_mac, zero, 6) == 0 || memcmp(ev->dst_mac, aa, 6) == 0;
	if (!bogus && !(arp && memcmp(ev->dst_mac, arp, 6) != 0 && !(ev->dst_mac[0] & 1)))
		return;
	if (!a->badmac_count++) {
		client_mark_set(&a->badmac_first, ev);
		a->badmac_ip = ev->dst_ip;
		memcpy(a->badmac, ev->dst_mac, 6);
		client_log(t, a, client_link_stage(a), ev, "%s for %s sent to MAC %s%s%s", what,
		           fmt_ipv4(ev->dst_ip).s, fmt_mac(ev->dst_mac).s,
		           arp     ? ", not to the MAC its ARP reply gave: "
		           : asked ? " (its ARP got no reply)"
		                   : "",
		           arp ? fmt_mac(arp).s : "");
	}
	client_mark_set(&a->badmac_last, ev);
}

void client_link_on_arp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_arp *p = &ev->u.arp;
	struct client *c;
	if (p->op == ARP_OP_REQUEST && (c = client_find_by_mac(t, p->sha)) != NULL) {
		client_link_arp_request(t, c, ev);
	} else if (p->op == ARP_OP_REQUEST && p->tpa) {
		struct client_probe *pr = &t->probe[t->probe_next++ % CLIENT_PROBE_RING];
		pr->tpa = p->tpa;
		client_mark_set(&pr->at, ev);
	} else if (p->op == ARP_OP_REPLY)
		client_link_arp_reply(t, ev);
}

void client_link_on_icmp(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_icmp *p = &ev->u.icmp;
	struct client *c = client_find_by_ip(t, p->q_src);
	struct client_attempt *a = c ? client_latest_attempt(c) : NULL;
	if (!a && p->type == ICMP_T_UNREACH && ev->src_ip == p->q_dst &&
	    (c = client_find_by_ip(t, p->q_dst)) != NULL &&
	    (a = client_latest_attempt(c)) != NULL) {
		/* From the client itself, about a packet sent to it (RFC 792: the quoted datagram's
		 * destination is the sender of the ICMP). */
		if (!a->icmp_own.frame)
			client_mark_set(&a->icmp_own, ev);
		a->icmp_own_count++;
		client_log(t, a, CLIENT_ST_TFTP_FW, ev, "ICMP %s from the client for its port %u",
		           icmp_code_name(p->type, p->code), p->q_dport);
		t->cap.from_clients++;
		return;
	}
	if (!a || p->type != ICMP_T_UNREACH)
		return;
	if (!a->icmp.frame) {
		client_mark_set(&a->icmp, ev);
		a->icmp_code = p->code;
		a->icmp_port = p->q_has_ports ? p->q_dport : 0;
		a->icmp_from = ev->src_ip;
	}
	enum client_stage st =
	    p->q_dport == TFTP_PORT || (p->owner && strcmp(p->owner, "tftp") == 0)
	        ? CLIENT_ST_TFTP_FW
	        : CLIENT_ST_MOUNT;
	/* Before any TFTP and the kernel's DHCP ACK only the firmware talks: the packet was its. */
	if (a->stage[CLIENT_ST_TFTP_FW].count == 0 && st == CLIENT_ST_MOUNT && !a->kernel.ack.count)
		st = CLIENT_ST_TFTP_FW;
	client_log(t, a, st, ev, "ICMP %s from %s for %s:%u", icmp_code_name(p->type, p->code),
	           fmt_ipv4(ev->src_ip).s, fmt_ipv4(p->q_dst).s, p->q_dport);
	t->cap.towards_clients++;
}
