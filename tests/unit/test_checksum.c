/* summary: unit tests for the Internet checksums (RFC 1071 sum, RFC 791 IPv4 header, RFC 768
 * UDP, RFC 793 TCP) on frames of the lab capture pi4-clean-nfs3.pcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "nbt/checksum.h"

/* IPv4 headers + UDP/TCP of frames 12 (TFTP OACK from the server), 16 (TFTP ACK from the
 * Pi) and 127 (a TCP ACK to the NFS server), Ethernet header left out; tshark shows every
 * checksum as correct. */
static const uint8_t oack[] = {0x45, 0x00, 0x00, 0x36, 0xb9, 0x4f, 0x00, 0x00, 0x40, 0x11, 0xac,
                               0x27, 0x0a, 0x63, 0x00, 0x01, 0x0a, 0x63, 0x00, 0x7a, 0xd9, 0x6a,
                               0x9a, 0x0a, 0x00, 0x22, 0x28, 0x83, 0x00, 0x06, 0x62, 0x6c, 0x6b,
                               0x73, 0x69, 0x7a, 0x65, 0x00, 0x31, 0x30, 0x32, 0x34, 0x00, 0x74,
                               0x73, 0x69, 0x7a, 0x65, 0x00, 0x39, 0x30, 0x30, 0x30, 0x00};
static const uint8_t ack[] = {0x45, 0x00, 0x00, 0x20, 0x01, 0x79, 0x40, 0x00, 0x40, 0x11, 0x24,
                              0x14, 0x0a, 0x63, 0x00, 0x7a, 0x0a, 0x63, 0x00, 0x01, 0xc6, 0x79,
                              0x81, 0x87, 0x00, 0x0c, 0xa2, 0x90, 0x00, 0x04, 0x00, 0x00};
static const uint8_t tcp_ack[] = {0x45, 0x00, 0x00, 0x34, 0xdd, 0xf1, 0x40, 0x00, 0x40, 0x06, 0x47,
                                  0x92, 0x0a, 0x63, 0x00, 0x7a, 0x0a, 0x63, 0x00, 0x01, 0x02, 0xe2,
                                  0x00, 0x6f, 0xa1, 0x38, 0x5d, 0xec, 0xe9, 0x6f, 0x12, 0x9b, 0x80,
                                  0x10, 0x00, 0x3f, 0x36, 0x94, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a,
                                  0x5e, 0xd6, 0xf8, 0xad, 0x4e, 0xc8, 0x85, 0xdc};

#define SERVER 0x0a630001u /* 10.99.0.1 */
#define PI     0x0a63007au /* 10.99.0.122 */

static struct cur view(const uint8_t *p, size_t from, size_t cap, size_t wire)
{
	struct cur c;
	cur_init(&c, p + from, cap, wire);
	return c;
}

static enum checksum_result l4(const uint8_t *pkt, size_t len, uint8_t proto, uint32_t s,
                               uint32_t d)
{
	return checksum_l4(view(pkt, 20, len - 20, len - 20), proto, s, d);
}

static void test_good_frames(void **state)
{
	(void)state;
	assert_int_equal(checksum_ipv4(view(oack, 0, 20, 20)), CHECKSUM_OK);
	assert_int_equal(checksum_ipv4(view(ack, 0, 20, 20)), CHECKSUM_OK);
	assert_int_equal(checksum_ipv4(view(tcp_ack, 0, 20, 20)), CHECKSUM_OK);
	assert_int_equal(l4(oack, sizeof(oack), IPPROTO_UDP, SERVER, PI), CHECKSUM_OK);
	assert_int_equal(l4(ack, sizeof(ack), IPPROTO_UDP, PI, SERVER), CHECKSUM_OK);
	assert_int_equal(l4(tcp_ack, sizeof(tcp_ack), IPPROTO_TCP, PI, SERVER), CHECKSUM_OK);
	/* The pseudo-header counts: the same bytes from another address do not check. */
	assert_int_equal(l4(ack, sizeof(ack), IPPROTO_UDP, PI + 1, SERVER), CHECKSUM_BAD);
}

/* Every single flipped bit is caught, in the header, the payload and the checksum itself. */
static void test_flipped_bit(void **state)
{
	(void)state;
	uint8_t b[sizeof(oack)];
	for (size_t bit = 0; bit < sizeof(oack) * 8; bit++) {
		memcpy(b, oack, sizeof(b));
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		size_t byte = bit / 8;
		if (byte < 20) {
			assert_int_equal(checksum_ipv4(view(b, 0, 20, 20)), CHECKSUM_BAD);
		} else if (byte == 24 || byte == 25) {
			/* the UDP length: no longer the datagram's, or another sum */
			assert_int_not_equal(l4(b, sizeof(b), IPPROTO_UDP, SERVER, PI),
			                     CHECKSUM_OK);
		} else {
			assert_int_equal(l4(b, sizeof(b), IPPROTO_UDP, SERVER, PI), CHECKSUM_BAD);
		}
	}
}

static void test_not_checked(void **state)
{
	(void)state;
	uint8_t b[sizeof(ack)];
	memcpy(b, ack, sizeof(b));
	b[26] = b[27] = 0; /* RFC 768: zero means the sender computed none */
	assert_int_equal(l4(b, sizeof(b), IPPROTO_UDP, PI, SERVER), CHECKSUM_NONE);
	b[10] = b[11] = 0; /* an IPv4 header checksum never filled in (hand-built packets) */
	assert_int_equal(checksum_ipv4(view(b, 0, 20, 20)), CHECKSUM_NONE);
	memcpy(b, ack, sizeof(b));
	/* cut by the snaplen: unknown, not bad */
	assert_int_equal(checksum_l4(view(ack, 20, 10, 12), IPPROTO_UDP, PI, SERVER),
	                 CHECKSUM_UNKNOWN);
	assert_int_equal(checksum_ipv4(view(ack, 0, 19, 20)), CHECKSUM_UNKNOWN);
	/* a UDP length past the data, or below the header */
	memcpy(b, ack, sizeof(b));
	b[25] = 13;
	assert_int_equal(l4(b, sizeof(b), IPPROTO_UDP, PI, SERVER), CHECKSUM_UNKNOWN);
	b[25] = 7;
	assert_int_equal(l4(b, sizeof(b), IPPROTO_UDP, PI, SERVER), CHECKSUM_UNKNOWN);
	/* bytes past the UDP length (Ethernet padding left in) are not summed */
	uint8_t padded[sizeof(ack) + 3];
	memcpy(padded, ack, sizeof(ack));
	memset(padded + sizeof(ack), 0xa5, 3);
	assert_int_equal(l4(padded, sizeof(padded), IPPROTO_UDP, PI, SERVER), CHECKSUM_OK);
	assert_int_equal(checksum_l4(view(tcp_ack, 20, 10, 10), IPPROTO_TCP, PI, SERVER),
	                 CHECKSUM_UNKNOWN);
}

static void test_sum(void **state)
{
	(void)state;
	/* RFC 1071 s3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (carries folded). */
	static const uint8_t rfc[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint32_t sum = 0;
	assert_true(checksum_add(&sum, view(rfc, 0, 8, 8)));
	assert_int_equal(sum, 0xddf2);
	/* an odd last byte is the high half of a word */
	sum = 0;
	assert_true(checksum_add(&sum, view(rfc, 0, 3, 3)));
	assert_int_equal(sum, 0x0001 + 0xf200);
	sum = 0;
	assert_false(checksum_add(&sum, view(rfc, 0, 4, 8)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_frames),
	    cmocka_unit_test(test_flipped_bit),
	    cmocka_unit_test(test_not_checked),
	    cmocka_unit_test(test_sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
