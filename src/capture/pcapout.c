/* summary: one client's frames to a new pcap (-w --client): a second pass through the same decoders
 * and dissectors, keeping frames addressed to the client (its MAC, the IPv4 addresses the first
 * pass learned) and the ARP and DHCP messages that name it. */
#include "nbt/pcapout.h"

#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <string.h>

#include "nbt/cursor.h"
#include "nbt/decode.h"
#include "nbt/filter.h"
#include "nbt/pipeline.h"

#define PCAPOUT_IPS_MAX (2 * CLIENT_ATTEMPTS_MAX + 1)

struct pcapout_who {
	bool has_mac;
	uint8_t mac[6];
	uint32_t ip[PCAPOUT_IPS_MAX];
	size_t nip;
};

static void pcapout_add_ip(struct pcapout_who *w, uint32_t ip)
{
	if (!ip || ip == INADDR_BROADCAST || w->nip >= PCAPOUT_IPS_MAX)
		return;
	for (size_t i = 0; i < w->nip; i++)
		if (w->ip[i] == ip)
			return;
	w->ip[w->nip++] = ip;
}

static bool pcapout_has_ip(const struct pcapout_who *w, uint32_t ip)
{
	for (size_t i = 0; i < w->nip; i++)
		if (w->ip[i] == ip)
			return true;
	return false;
}

static bool pcapout_is_mac(const struct pcapout_who *w, const uint8_t *m)
{
	return w->has_mac && m && memcmp(w->mac, m, 6) == 0;
}

/* What the dissectors said about the frame: ARP names the client by hardware or protocol
 * address (RFC 826), DHCP by chaddr (RFC 2131 s2) even in a reply broadcast by the server. */
struct pcapout_pass {
	const struct pcapout_who *w;
	bool match;
};

static void pcapout_on_event(void *arg, const struct nbt_event *ev)
{
	struct pcapout_pass *ps = arg;
	const struct pcapout_who *w = ps->w;
	if (ev->type == EV_ARP) {
		const struct ev_arp *a = &ev->u.arp;
		ps->match |= pcapout_is_mac(w, a->sha) || pcapout_is_mac(w, a->tha) ||
		             pcapout_has_ip(w, a->spa) || pcapout_has_ip(w, a->tpa);
	} else if (ev->type == EV_DHCP) {
		const struct ev_dhcp *d = &ev->u.dhcp;
		ps->match |= d->chaddr_len >= 6 && pcapout_is_mac(w, d->chaddr);
	}
}

/* The frame's own addresses: Ethernet source or destination, IPv4 source or destination. */
static bool pcapout_addressed(const struct pcapout_who *w, int dlt, const uint8_t *data,
                              uint32_t caplen, uint32_t wirelen)
{
	struct cur c;
	struct nbt_pkt pkt = {0};
	cur_init(&c, data, caplen, wirelen);
	if (decode_link(dlt, &c, &pkt) != DECODE_OK)
		return false;
	if (pkt.has_mac && (pcapout_is_mac(w, pkt.src_mac) || pcapout_is_mac(w, pkt.dst_mac)))
		return true;
	struct ipv4_hdr ip;
	struct cur ipc;
	return pkt.ethertype == ETHERTYPE_IPV4 && decode_ipv4(&c, &ip, &ipc) == DECODE_OK &&
	       (pcapout_has_ip(w, ip.src) || pcapout_has_ip(w, ip.dst));
}

static void pcapout_who_of(const struct client *c, struct pcapout_who *w)
{
	memset(w, 0, sizeof(*w));
	w->has_mac = c->has_mac;
	memcpy(w->mac, c->mac, 6);
	pcapout_add_ip(w, c->ip);
	for (uint32_t i = 0; i < c->nattempts; i++) {
		pcapout_add_ip(w, c->attempts[i]->fw.yiaddr);
		pcapout_add_ip(w, c->attempts[i]->kernel.yiaddr);
	}
}

static bool pcapout_filter(pcap_t *p, const char *filter, char errbuf[NBT_ERRBUF_SIZE])
{
	bool compiled;
	if (!filter || !filter[0] || filter_apply(p, filter, &compiled))
		return true;
	snprintf(errbuf, NBT_ERRBUF_SIZE, "-w: %s", pcap_geterr(p));
	return false;
}

bool pcapout_client(const char *infile, const char *filter, FILE *out, const struct client *c,
                    uint64_t *written, char errbuf[NBT_ERRBUF_SIZE])
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcapout_who w;
	pcapout_who_of(c, &w);
	*written = 0;
	pcap_t *p =
	    pcap_open_offline_with_tstamp_precision(infile, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!p) {
		snprintf(errbuf, NBT_ERRBUF_SIZE, "-w: %s", perr);
		return false;
	}
	if (!pcapout_filter(p, filter, errbuf)) {
		pcap_close(p);
		return false;
	}
	pcap_dumper_t *d = pcap_dump_fopen(p, out);
	if (!d) {
		snprintf(errbuf, NBT_ERRBUF_SIZE, "-w: %s", pcap_geterr(p));
		pcap_close(p);
		return false;
	}
	/* The second pass runs the same decoders and dissectors as the first (a DHCP reply in IP
	 * fragments, an ARP behind a VLAN tag are matched as the analysis saw them). */
	struct pcapout_pass ps = {.w = &w};
	struct pipeline *pl = pipeline_new(NULL, pcapout_on_event, &ps);
	struct pcap_pkthdr *h;
	const u_char *data;
	int dlt = pcap_datalink(p), rc;
	pipeline_set_link(pl, dlt);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		ps.match = pcapout_addressed(&w, dlt, data, h->caplen, h->len);
		pipeline_frame(pl, capture_time(&h->ts, true), data, h->caplen, h->len);
		if (ps.match) {
			pcap_dump((u_char *)d, h, data);
			(*written)++;
		}
	}
	pipeline_free(pl);
	/* The dumper is the FILE itself (libpcap's pcap_dump_file): the caller closes it. */
	bool ok = pcap_dump_flush(d) == 0;
	if (!ok)
		snprintf(errbuf, NBT_ERRBUF_SIZE, "-w: write error: %s", strerror(errno));
	pcap_close(p);
	return ok;
}
