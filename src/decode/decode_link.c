/* summary: link-layer decoding: Ethernet (802.1Q/QinQ), Linux cooked v1/v2, raw IP, BSD NULL/LOOP.
 */
#include "nbt/decode.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "nbt/proto/stp.h"

#define ETHERTYPE_VLAN   0x8100 /* IEEE 802.1Q */
#define ETHERTYPE_QINQ   0x88a8 /* IEEE 802.1ad service tag */
#define ETHERTYPE_QINQ_X 0x9100 /* pre-standard QinQ */
#define VLAN_MAX_TAGS    8      /* deeper stacks are invalid here */
#define ARPHRD_ETHER     1
#define BSD_AF_INET      2 /* AF_INET on every BSD and Linux */

bool link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

const char *link_name(int dlt, char buf[32])
{
	const char *n = pcap_datalink_val_to_name(dlt);
	if (n)
		return n;
	snprintf(buf, 32, "DLT %d", dlt);
	return buf;
}

static bool is_vlan_type(uint16_t t)
{
	return t == ETHERTYPE_VLAN || t == ETHERTYPE_QINQ || t == ETHERTYPE_QINQ_X;
}

/* 802.1Q tags: TCI (PCP 3 bits, DEI 1, VID 12) then the inner ethertype. */
static enum decode_status decode_vlan_tags(struct cur *c, struct nbt_pkt *pkt, uint16_t type)
{
	int tags = 0;
	while (is_vlan_type(type)) {
		if (++tags > VLAN_MAX_TAGS)
			return DECODE_INVALID;
		uint16_t tci = cur_be16(c);
		type = cur_be16(c);
		if (!cur_ok(c))
			return decode_status_of(c);
		if (pkt->nvlan < 2)
			pkt->vlan[pkt->nvlan++] = tci & 0x0fff;
	}
	pkt->ethertype = type;
	return DECODE_OK;
}

/* Ethernet II: dst(6) src(6) type(2); a type below 0x0600 is an 802.3 length (LLC). */
static enum decode_status decode_ether(struct cur *c, struct nbt_pkt *pkt)
{
	cur_copy(c, pkt->dst_mac, 6);
	cur_copy(c, pkt->src_mac, 6);
	uint16_t type = cur_be16(c);
	if (!cur_ok(c))
		return decode_status_of(c);
	pkt->has_mac = pkt->has_dst_mac = true;
	if (type < 0x0600) {
		/* IEEE 802.3 length, then LLC (802.2): DSAP, SSAP, control. Only the spanning
		 * tree's is read (a switch that holds new ports back, PI-NETBOOT.md s6). */
		uint8_t dsap = cur_u8(c), ssap = cur_u8(c), ctl = cur_u8(c);
		if (!cur_ok(c) || dsap != STP_LLC_SAP || ssap != STP_LLC_SAP || ctl != STP_LLC_UI)
			return DECODE_SKIP;
		pkt->ethertype = ETHERTYPE_LLC_STP;
		return DECODE_OK;
	}
	return decode_vlan_tags(c, pkt, type);
}

/* What both Linux cooked headers end with: the sender's link address, which is a
 * MAC only for Ethernet devices, then the protocol (maybe a VLAN tag). */
static enum decode_status decode_cooked_tail(struct cur *c, struct nbt_pkt *pkt, uint16_t hatype,
                                             uint16_t alen, const uint8_t *addr, uint16_t proto)
{
	if (!cur_ok(c))
		return decode_status_of(c);
	if (hatype == ARPHRD_ETHER && alen == 6) {
		memcpy(pkt->src_mac, addr, 6);
		pkt->has_mac = true;
	}
	return decode_vlan_tags(c, pkt, proto);
}

/* Linux cooked v1: pkttype(2) arphrd(2) addrlen(2) addr(8) protocol(2). */
static enum decode_status decode_sll(struct cur *c, struct nbt_pkt *pkt)
{
	cur_skip(c, 2);
	uint16_t hatype = cur_be16(c);
	uint16_t alen = cur_be16(c);
	const uint8_t *addr = cur_take(c, 8);
	uint16_t proto = cur_be16(c);
	return decode_cooked_tail(c, pkt, hatype, alen, addr, proto);
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8). */
static enum decode_status decode_sll2(struct cur *c, struct nbt_pkt *pkt)
{
	uint16_t proto = cur_be16(c);
	cur_skip(c, 6);
	uint16_t hatype = cur_be16(c);
	cur_skip(c, 1);
	uint8_t alen = cur_u8(c);
	const uint8_t *addr = cur_take(c, 8);
	return decode_cooked_tail(c, pkt, hatype, alen, addr, proto);
}

/* Raw IP: the version nibble says which. */
static enum decode_status decode_raw(struct cur *c, struct nbt_pkt *pkt)
{
	int b = cur_peek(c, 0);
	if (b < 0)
		return DECODE_TRUNC;
	pkt->ethertype = (b >> 4) == 4 ? ETHERTYPE_IPV4 : (b >> 4) == 6 ? ETHERTYPE_IPV6 : 0;
	return pkt->ethertype ? DECODE_OK : DECODE_SKIP;
}

/* BSD loopback: a 4-byte address family, host order of the writer (NULL) or
 * network order (LOOP); AF_INET is 2 everywhere, so both orders are accepted. */
static enum decode_status decode_null(struct cur *c, struct nbt_pkt *pkt)
{
	uint32_t fam = cur_be32(c);
	if (!cur_ok(c))
		return decode_status_of(c);
	if (fam == BSD_AF_INET || fam == (uint32_t)BSD_AF_INET << 24) {
		pkt->ethertype = ETHERTYPE_IPV4;
		return DECODE_OK;
	}
	return DECODE_SKIP;
}

enum decode_status decode_link(int dlt, struct cur *c, struct nbt_pkt *pkt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return decode_ether(c, pkt);
	case DLT_LINUX_SLL:
		return decode_sll(c, pkt);
	case DLT_LINUX_SLL2:
		return decode_sll2(c, pkt);
	case DLT_RAW:
	case DLT_IPV4:
		return decode_raw(c, pkt);
	case DLT_NULL:
	case DLT_LOOP:
		return decode_null(c, pkt);
	default:
		return DECODE_SKIP;
	}
}
