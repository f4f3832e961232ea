/* summary: the flow table's expiry of idle TCP connections (packet time, one per new flow). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "nbt/flow.h"

static struct nbt_pkt pkt_at(uint8_t proto, uint16_t sport, nbt_time ts)
{
	return (struct nbt_pkt){.l4proto = proto,
	                        .src_ip = 0x0a000002,
	                        .dst_ip = 0x0a000001,
	                        .sport = sport,
	                        .dport = 2049,
	                        .ts = ts};
}

static void test_idle_tcp_flow_leaves(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct flow_limits lim = FLOW_DEFAULT_LIMITS;
	struct flow_table *ft = flow_table_new(&lim, &st);
	struct nbt_pkt a = pkt_at(IPPROTO_TCP, 800, 0);
	assert_non_null(flow_create(ft, &a, NULL, NULL, 0));
	/* still within the idle time: kept */
	struct nbt_pkt b = pkt_at(IPPROTO_TCP, 801, FLOW_TCP_IDLE);
	assert_non_null(flow_create(ft, &b, NULL, NULL, 0));
	assert_int_equal(flow_count(ft), 2);
	/* past it (for the first): the new flow pushes it out, and only it */
	struct nbt_pkt c = pkt_at(IPPROTO_TCP, 802, FLOW_TCP_IDLE + 1);
	assert_non_null(flow_create(ft, &c, NULL, NULL, 0));
	assert_int_equal(flow_count(ft), 2);
	assert_null(flow_find(ft, IPPROTO_TCP, a.src_ip, 800, a.dst_ip, 2049));
	assert_non_null(flow_find(ft, IPPROTO_TCP, b.src_ip, 801, b.dst_ip, 2049));
	assert_int_equal(st.anomalies[ANOM_CAP_FLOWS], 0); /* an expiry, not the table's cap */
	flow_table_free(ft);
}

static void test_idle_udp_flow_stays(void **state)
{
	(void)state;
	struct nbt_stats st = {0};
	struct flow_limits lim = FLOW_DEFAULT_LIMITS;
	struct flow_table *ft = flow_table_new(&lim, &st);
	struct nbt_pkt a = pkt_at(IPPROTO_UDP, 800, 0);
	assert_non_null(flow_create(ft, &a, NULL, NULL, 0));
	struct nbt_pkt b = pkt_at(IPPROTO_UDP, 801, 10 * FLOW_TCP_IDLE);
	assert_non_null(flow_create(ft, &b, NULL, NULL, 0));
	assert_int_equal(flow_count(ft), 2);
	flow_table_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_idle_tcp_flow_leaves),
	    cmocka_unit_test(test_idle_udp_flow_stays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
