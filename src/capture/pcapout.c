/* summary: one client's frames to a new pcap (-w --client): a second pass that matches Ethernet
 * MACs, IPv4 addresses (RFC 791), ARP (RFC 826) and DHCP chaddr (RFC 2131 s2). */
#include "nbt/pcapout.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

#include "nbt/cursor.h"
#include "nbt/decode.h"
#include "nbt/filter.h"
#include "nbt/proto/dhcp.h"

#define PCAPOUT_IPS_MAX (2 * CLIENT_ATTEMPTS_MAX + 1)

struct pcapout_who {
	bool has_mac;
	uint8_t mac[6];
	uint32_t ip[PCAPOUT_IPS_MAX];
	size_t nip;
};

static void pcapout_add_ip(struct pcapout_who *w, uint32_t ip)
{
	if (!ip || ip == 0xffffffffu || w->nip >= PCAPOUT_IPS_MAX)
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

/* RFC 826 packet for Ethernet/IPv4: sha, spa, tha, tpa. */
static bool pcapout_arp(const struct pcapout_who *w, struct cur *c)
{
	uint8_t sha[6], tha[6];
	cur_skip(c, 8); /* htype, ptype, hlen, plen, op */
	cur_copy(c, sha, 6);
	uint32_t spa = cur_be32(c);
	cur_copy(c, tha, 6);
	uint32_t tpa = cur_be32(c);
	if (!cur_ok(c))
		return false;
	return pcapout_is_mac(w, sha) || pcapout_is_mac(w, tha) || pcapout_has_ip(w, spa) ||
	       pcapout_has_ip(w, tpa);
}

static bool pcapout_bootp_port(uint16_t port)
{
	return port == DHCP_PORT_SERVER || port == DHCP_PORT_CLIENT || port == DHCP_PORT_PXE;
}

/* A BOOTP message on 67/68/4011 whose chaddr (offset 28) is the client's. */
static bool pcapout_dhcp(const struct pcapout_who *w, struct cur *ipc)
{
	struct nbt_pkt pkt = {0};
	struct cur payload;
	bool lies;
	if (decode_udp(ipc, &pkt, &payload, &lies) != DECODE_OK)
		return false;
	bool bootp = pcapout_bootp_port(pkt.sport) || pcapout_bootp_port(pkt.dport);
	uint8_t chaddr[6];
	if (!bootp)
		return false;
	cur_skip(&payload, 28);
	return cur_copy(&payload, chaddr, 6) && pcapout_is_mac(w, chaddr);
}

static bool pcapout_match(const struct pcapout_who *w, int dlt, const uint8_t *data,
                          uint32_t caplen, uint32_t wirelen)
{
	struct cur c;
	struct nbt_pkt pkt = {0};
	cur_init(&c, data, caplen, wirelen);
	if (decode_link(dlt, &c, &pkt) != DECODE_OK)
		return false;
	if (pkt.has_mac && (pcapout_is_mac(w, pkt.src_mac) || pcapout_is_mac(w, pkt.dst_mac)))
		return true;
	if (pkt.ethertype == ETHERTYPE_ARP)
		return pcapout_arp(w, &c);
	if (pkt.ethertype != ETHERTYPE_IPV4)
		return false;
	struct ipv4_hdr ip;
	struct cur ipc;
	if (decode_ipv4(&c, &ip, &ipc) != DECODE_OK)
		return false;
	if (pcapout_has_ip(w, ip.src) || pcapout_has_ip(w, ip.dst))
		return true;
	return ip.proto == 17 && ip.frag_offset == 0 && pcapout_dhcp(w, &ipc);
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
	struct pcap_pkthdr *h;
	const u_char *data;
	int dlt = pcap_datalink(p), rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (pcapout_match(&w, dlt, data, h->caplen, h->len)) {
			pcap_dump((u_char *)d, h, data);
			(*written)++;
		}
	}
	/* The dumper is the FILE itself (libpcap's pcap_dump_file): the caller closes it. */
	bool ok = pcap_dump_flush(d) == 0;
	if (!ok)
		snprintf(errbuf, NBT_ERRBUF_SIZE, "-w: write error: %s", strerror(errno));
	pcap_close(p);
	return ok;
}
