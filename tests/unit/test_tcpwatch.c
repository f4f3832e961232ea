/* summary: tcpwatch: which segments of an RPC connection say something of the server (SYNs,
 * answers, resets, calls acknowledged without a reply, data sent again), seq wrap included. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nbt/decode.h"
#include "nbt/tcpwatch.h"

static enum tcpw_kind seg(struct tcpwatch w[2], unsigned d, uint8_t flags, uint32_t seq,
                          uint32_t ack, uint32_t len)
{
	struct tcp_hdr th = {.seq = seq, .ack = ack, .flags = flags};
	return tcpwatch_segment(w, d, &th, len);
}

/* A healthy call: handshake, the call, its reply carrying the ACK: only the handshake speaks. */
static void test_healthy_call(void **state)
{
	(void)state;
	struct tcpwatch w[2] = {0};
	assert_int_equal(seg(w, 0, TCP_SYN, 100, 0, 0), TCPW_SYN);
	assert_int_equal(seg(w, 1, TCP_SYN | TCP_ACK, 500, 101, 0), TCPW_SYNACK);
	assert_int_equal(seg(w, 0, TCP_ACK, 101, 501, 0), 0);
	assert_int_equal(seg(w, 0, TCP_ACK, 101, 501, 60), 0);  /* the call */
	assert_int_equal(seg(w, 1, TCP_ACK, 501, 161, 100), 0); /* its reply, with the ACK */
	assert_int_equal(seg(w, 0, TCP_ACK, 161, 601, 0), 0);   /* the client acknowledging it */
}

/* The hung server: its host acknowledges the call with a bare ACK, once. */
static void test_call_acked_without_reply(void **state)
{
	(void)state;
	struct tcpwatch w[2] = {0};
	seg(w, 0, TCP_SYN, 100, 0, 0);
	seg(w, 1, TCP_SYN | TCP_ACK, 500, 101, 0);
	assert_int_equal(seg(w, 0, TCP_ACK, 101, 501, 44), 0);
	assert_int_equal(seg(w, 1, TCP_ACK, 501, 120, 0), 0); /* part of it: not all acknowledged */
	assert_int_equal(seg(w, 1, TCP_ACK, 501, 145, 0), TCPW_ACKED);
	assert_int_equal(seg(w, 1, TCP_ACK, 501, 145, 0), 0); /* the same ACK again */
}

/* Data sent again, across the 2^32 wrap; a reset always speaks. */
static void test_retransmit_and_reset(void **state)
{
	(void)state;
	struct tcpwatch w[2] = {0};
	seg(w, 0, TCP_SYN, 0xfffffff0u, 0, 0);
	assert_int_equal(seg(w, 0, TCP_ACK, 0xfffffff1u, 0, 40), 0); /* ends past the wrap */
	assert_int_equal(seg(w, 0, TCP_ACK, 0xfffffff1u, 0, 40), TCPW_RETRANS);
	assert_int_equal(seg(w, 0, TCP_ACK, 0x19u, 0, 10), 0);   /* new data after the wrap */
	assert_int_equal(seg(w, 0, TCP_SYN, 7, 0, 0), TCPW_SYN); /* a SYN again: new connection */
	assert_int_equal(seg(w, 1, TCP_RST | TCP_ACK, 0, 8, 0), TCPW_RST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_call),
	    cmocka_unit_test(test_call_acked_without_reply),
	    cmocka_unit_test(test_retransmit_and_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
