/* summary: unit tests for link-layer decoding: every supported DLT, VLAN stacks, truncation;
 * IPv6 boot traffic recognised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "nbt/decode.h"

/* A minimal IPv4 header (20 bytes, UDP, 10.0.0.1 -> 10.0.0.2) placed after each link header. */
static const uint8_t ipv4_hdr[20] = {0x45, 0, 0,  20, 0, 1, 0,  0, 64, 17,
                                     0,    0, 10, 0,  0, 1, 10, 0, 0,  2};

static size_t build(uint8_t *buf, const uint8_t *link, size_t linklen)
{
	if (linklen)
		memcpy(buf, link, linklen);
	memcpy(buf + linklen, ipv4_hdr, sizeof(ipv4_hdr));
	return linklen + sizeof(ipv4_hdr);
}

/* Decodes buf with dlt and checks that the cursor then sits on the IPv4 header. */
static struct nbt_pkt decode_ok(int dlt, const uint8_t *buf, size_t len)
{
	struct nbt_pkt pkt = {0};
	struct cur c;
	cur_init(&c, buf, len, len);
	assert_int_equal(decode_link(dlt, &c, &pkt), DECODE_OK);
	assert_int_equal(pkt.ethertype, ETHERTYPE_IPV4);
	assert_int_equal(cur_left(&c), sizeof(ipv4_hdr));
	assert_int_equal(cur_peek(&c, 0), 0x45);
	return pkt;
}

static void test_ethernet(void **state)
{
	(void)state;
	static const uint8_t eth[14] = {1, 2, 3, 4, 5, 6, 0xdc, 0xa6, 0x32, 1, 2, 3, 0x08, 0x00};
	uint8_t buf[64];
	struct nbt_pkt pkt = decode_ok(DLT_EN10MB, buf, build(buf, eth, sizeof(eth)));
	static const uint8_t src[6] = {0xdc, 0xa6, 0x32, 1, 2, 3};
	assert_true(pkt.has_mac);
	assert_memory_equal(pkt.src_mac, src, 6);
	assert_int_equal(pkt.dst_mac[5], 6);
	assert_int_equal(pkt.nvlan, 0);
}

static void test_vlan_and_qinq(void **state)
{
	(void)state;
	static const uint8_t q[18] = {
	    1,  2,  3,  4,    5,    6,    7,    8,    9,
	    10, 11, 12, 0x81, 0x00, 0x20, 0x0a, 0x08, 0x00}; /* PCP 1, VID 10 */
	static const uint8_t qinq[22] = {1,    2,    3,    4,    5,    6,    7,    8,
	                                 9,    10,   11,   12,   0x88, 0xa8, 0x00, 0x64,
	                                 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00};
	uint8_t buf[64];
	struct nbt_pkt pkt = decode_ok(DLT_EN10MB, buf, build(buf, q, sizeof(q)));
	assert_int_equal(pkt.nvlan, 1);
	assert_int_equal(pkt.vlan[0], 10);
	pkt = decode_ok(DLT_EN10MB, buf, build(buf, qinq, sizeof(qinq)));
	assert_int_equal(pkt.nvlan, 2);
	assert_int_equal(pkt.vlan[0], 100);
	assert_int_equal(pkt.vlan[1], 10);
}

static void test_vlan_too_deep(void **state)
{
	(void)state;
	uint8_t buf[128] = {0};
	size_t n = 12;
	for (int i = 0; i < 12; i++) { /* twelve stacked tags: more than VLAN_MAX_TAGS */
		buf[n++] = 0x81;
		buf[n++] = 0x00;
		buf[n++] = 0;
		buf[n++] = 1;
	}
	buf[n++] = 0x08;
	buf[n++] = 0x00;
	struct nbt_pkt pkt = {0};
	struct cur c;
	cur_init(&c, buf, n, n);
	assert_int_equal(decode_link(DLT_EN10MB, &c, &pkt), DECODE_INVALID);
}

static void test_sll_v1_v2(void **state)
{
	(void)state;
	static const uint8_t sll[16] = {0, 0, 0, 1, 0, 6, 0xb8, 0x27, 0xeb, 1, 2, 3, 0, 0, 0x08, 0};
	static const uint8_t sll2[20] = {0x08, 0, 0,    0,    0,    0, 0, 2, 0, 1,
	                                 0,    6, 0xb8, 0x27, 0xeb, 9, 8, 7, 0, 0};
	uint8_t buf[64];
	struct nbt_pkt pkt = decode_ok(DLT_LINUX_SLL, buf, build(buf, sll, sizeof(sll)));
	assert_true(pkt.has_mac);
	assert_int_equal(pkt.src_mac[0], 0xb8);
	assert_int_equal(pkt.src_mac[5], 3);
	pkt = decode_ok(DLT_LINUX_SLL2, buf, build(buf, sll2, sizeof(sll2)));
	assert_true(pkt.has_mac);
	assert_int_equal(pkt.src_mac[5], 7);
}

static void test_raw_null_loop(void **state)
{
	(void)state;
	static const uint8_t null_le[4] = {2, 0, 0, 0}, null_be[4] = {0, 0, 0, 2};
	uint8_t buf[64];
	struct nbt_pkt pkt = decode_ok(DLT_RAW, buf, build(buf, NULL, 0));
	assert_false(pkt.has_mac);
	decode_ok(DLT_NULL, buf, build(buf, null_le, 4));
	decode_ok(DLT_NULL, buf, build(buf, null_be, 4));
	decode_ok(DLT_LOOP, buf, build(buf, null_be, 4));
	/* AF_INET6 (e.g. 24 or 30) is not IPv4: skipped, not an error. */
	static const uint8_t inet6[4] = {24, 0, 0, 0};
	struct cur c;
	size_t n = build(buf, inet6, 4);
	cur_init(&c, buf, n, n);
	pkt = (struct nbt_pkt){0};
	assert_int_equal(decode_link(DLT_NULL, &c, &pkt), DECODE_SKIP);
}

static void test_truncated_and_unknown(void **state)
{
	(void)state;
	static const uint8_t eth[14] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00};
	struct nbt_pkt pkt = {0};
	struct cur c;
	cur_init(&c, eth, 10, 60); /* snaplen 10 of a 60-byte frame */
	assert_int_equal(decode_link(DLT_EN10MB, &c, &pkt), DECODE_TRUNC);
	cur_init(&c, eth, 10, 10); /* a frame that is really 10 bytes long */
	assert_int_equal(decode_link(DLT_EN10MB, &c, &pkt), DECODE_INVALID);
	cur_init(&c, eth, sizeof(eth), sizeof(eth));
	assert_int_equal(decode_link(DLT_IEEE802_11, &c, &pkt), DECODE_SKIP);
	assert_false(link_supported(DLT_IEEE802_11));
	assert_true(link_supported(DLT_LINUX_SLL2));
	char nb[32];
	assert_string_equal(link_name(DLT_IEEE802_11, nb), "IEEE802_11");
}

static void test_ipv4_lengths(void **state)
{
	(void)state;
	uint8_t pkt[40] = {
	    0x46, 0, 0, 28, 0, 1, 0x20, 0x01, 64, 17, 0, 0, 10,
	    0,    0, 1, 10, 0, 0, 2,    1,    1,  1,  1}; /* ihl 6: 4 option bytes; MF, offset 8 */
	struct ipv4_hdr ip;
	struct cur c, payload;
	cur_init(&c, pkt, sizeof(pkt), sizeof(pkt)); /* 12 bytes of Ethernet padding at the end */
	assert_int_equal(decode_ipv4(&c, &ip, &payload), DECODE_OK);
	assert_int_equal(ip.ihl, 24);
	assert_true(ip.more_frags);
	assert_int_equal(ip.frag_offset, 8);
	assert_int_equal(cur_wire_left(&payload), 4); /* padding trimmed */
	assert_false(ip.len_lies);
	pkt[3] = 200; /* total length past the frame: clamped and flagged */
	cur_init(&c, pkt, sizeof(pkt), sizeof(pkt));
	assert_int_equal(decode_ipv4(&c, &ip, &payload), DECODE_OK);
	assert_true(ip.len_lies);
	assert_int_equal(cur_wire_left(&payload), 16);
	pkt[0] = 0x44; /* header length 16 < 20 */
	cur_init(&c, pkt, sizeof(pkt), sizeof(pkt));
	assert_int_equal(decode_ipv4(&c, &ip, &payload), DECODE_INVALID);
}

/* An IPv6 + UDP datagram sport -> dport carrying msg[0..n); returns its length. */
static size_t ipv6_udp(uint8_t *b, uint16_t sport, uint16_t dport, const uint8_t *msg, size_t n)
{
	memset(b, 0, 48);
	b[0] = 0x60;
	b[4] = (uint8_t)((8 + n) >> 8);
	b[5] = (uint8_t)(8 + n);
	b[6] = 17; /* next header: UDP */
	b[7] = 64;
	b[40] = (uint8_t)(sport >> 8);
	b[41] = (uint8_t)sport;
	b[42] = (uint8_t)(dport >> 8);
	b[43] = (uint8_t)dport;
	b[44] = (uint8_t)((8 + n) >> 8);
	b[45] = (uint8_t)(8 + n);
	memcpy(b + 48, msg, n);
	return 48 + n;
}

static bool ipv6_boot(const uint8_t *b, size_t caplen, size_t len)
{
	struct cur c;
	cur_init(&c, b, caplen, len);
	return decode_ipv6_boot(&c);
}

/* RFC 8415 s8 messages: Solicit (1) with an option request (6) for 23, 24 or for 59 (boot
 * file URL, RFC 5970); an Advertise (2) with option 61 (client architecture); a relay. */
static void test_ipv6_boot(void **state)
{
	(void)state;
	static const uint8_t plain[] = {1, 0xaa, 0xbb, 0xcc, 0, 6, 0, 4, 0, 23, 0, 24};
	static const uint8_t asks[] = {1,    0xaa, 0xbb, 0xcc, 0, 1, 0,  2, 0xde,
	                               0xad, 0,    6,    0,    4, 0, 23, 0, 59};
	static const uint8_t arch[] = {2, 1, 2, 3, 0, 61, 0, 2, 0, 11};
	static const uint8_t relay[] = {12, 0, 0, 61, 0, 2, 0, 11};
	static const uint8_t rrq[] = {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0};
	uint8_t b[128];
	size_t n = ipv6_udp(b, 546, 547, plain, sizeof plain);
	assert_false(ipv6_boot(b, n, n)); /* a desktop's DHCPv6: not a boot */
	n = ipv6_udp(b, 546, 547, asks, sizeof asks);
	assert_true(ipv6_boot(b, n, n));
	assert_false(ipv6_boot(b, n - 1, n)); /* cut before the 59: cannot tell, so no */
	b[6] = 0;                             /* a hop-by-hop header first: not looked into */
	assert_false(ipv6_boot(b, n, n));
	n = ipv6_udp(b, 547, 546, arch, sizeof arch);
	assert_true(ipv6_boot(b, n, n));
	n = ipv6_udp(b, 547, 547, relay, sizeof relay);
	assert_false(ipv6_boot(b, n, n));
	n = ipv6_udp(b, 50000, 69, rrq, sizeof rrq);
	assert_true(ipv6_boot(b, n, n));
	assert_false(ipv6_boot(b, 42, n)); /* ports cut off */
	b[0] = 0x45;                       /* not IPv6 */
	assert_false(ipv6_boot(b, n, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ethernet),      cmocka_unit_test(test_vlan_and_qinq),
	    cmocka_unit_test(test_vlan_too_deep), cmocka_unit_test(test_sll_v1_v2),
	    cmocka_unit_test(test_raw_null_loop), cmocka_unit_test(test_truncated_and_unknown),
	    cmocka_unit_test(test_ipv4_lengths),  cmocka_unit_test(test_ipv6_boot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
