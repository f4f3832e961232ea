/* summary: libFuzzer target: the ARP (RFC 826/5227) and ICMP error (RFC 792) dissectors, through
 * whole frames. */
#include <pcap/dlt.h>

#include "fuzz_common.h"

/*
 * arp_dissect and icmp_dissect are reached by ethertype / IP protocol, so the
 * input body is wrapped in a well-formed Ethernet (+ IPv4) header and fed to
 * pipeline_frame.  Input: [mode][body].  mode bit 0 clear: ARP (ethertype
 * 0x0806); set: ICMP (IPv4 protocol 1), after a TFTP request frame that creates
 * a flow an ICMP error may quote (10.0.0.2:2000 -> 10.0.0.1:69, UDP).
 * Bit 1: the frame's wire length is 64 bytes longer than captured (snaplen cut).
 * Bit 2: the body is also sent inside a VLAN tag.
 */
#define FZ_FRAME_MAX 2048

static size_t put_eth(uint8_t *b, uint16_t type, bool vlan)
{
	static const uint8_t macs[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2};
	memcpy(b, macs, 12);
	size_t o = 12;
	if (vlan) {
		b[o++] = 0x81, b[o++] = 0x00, b[o++] = 0x00, b[o++] = 0x07;
	}
	b[o++] = (uint8_t)(type >> 8);
	b[o++] = (uint8_t)type;
	return o;
}

/* RFC 791 header, no options, checksum left 0 (not verified by the decoder). */
static size_t put_ipv4(uint8_t *b, uint8_t proto, uint32_t src, uint32_t dst, size_t payload)
{
	size_t tot = 20 + payload;
	uint8_t h[20] = {0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0x12, 0x34, 0, 0, 64, proto};
	for (int i = 0; i < 4; i++) {
		h[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		h[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	memcpy(b, h, 20);
	return 20;
}

static void send_frame(struct pipeline *p, const uint8_t *b, size_t len, uint32_t extra)
{
	uint8_t *f = fz_dup(b, len);
	pipeline_frame(p, NBT_NS_PER_SEC, f, (uint32_t)len, (uint32_t)len + extra);
	free(f);
}

static void tftp_request(struct pipeline *p)
{
	/* UDP 2000 -> 69 (length filled below), RRQ "bootcode.bin" octet (RFC 1350 s5). */
	static const uint8_t rrq[] = {0x07, 0xd0, 0,   69,  0,   0,   0,   0,   0,   1,
	                              'b',  'o',  'o', 't', 'c', 'o', 'd', 'e', '.', 'b',
	                              'i',  'n',  0,   'o', 'c', 't', 'e', 't', 0};
	uint8_t b[128];
	size_t o = put_eth(b, 0x0800, false);
	o += put_ipv4(b + o, 17, fz_ip(10, 0, 0, 2), fz_ip(10, 0, 0, 1), sizeof rrq);
	memcpy(b + o, rrq, sizeof rrq);
	b[o + 5] = (uint8_t)sizeof rrq;
	send_frame(p, b, o + sizeof rrq, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FZ_FRAME_MAX - 64)
		return 0;
	uint8_t mode = data[0];
	data++, size--;
	uint8_t b[FZ_FRAME_MAX];
	struct pipeline *p = fz_pipeline();
	pipeline_set_link(p, DLT_EN10MB);
	uint32_t extra = mode & 2 ? 64 : 0;
	for (int vlan = 0; vlan <= ((mode >> 2) & 1); vlan++) {
		size_t o;
		if (mode & 1) {
			tftp_request(p);
			o = put_eth(b, 0x0800, vlan);
			o += put_ipv4(b + o, 1, fz_ip(10, 0, 0, 1), fz_ip(10, 0, 0, 2),
			              size + extra);
		} else {
			o = put_eth(b, 0x0806, vlan);
		}
		memcpy(b + o, data, size);
		send_frame(p, b, o + size, extra);
	}
	pipeline_free(p);
	return 0;
}
