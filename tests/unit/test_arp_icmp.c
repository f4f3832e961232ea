/* summary: unit tests of the ARP (RFC 826, 5227), ICMP (RFC 792, 1191) and spanning tree BPDU
 * (IEEE 802.1D s9.3) dissectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/dlt.h>

#include "nbt/pipeline.h"

#define MAX_EVS 8

static const uint8_t cli_mac[6] = {0xdc, 0xa6, 0x32, 0x01, 0x02, 0x03};
static const uint8_t srv_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[6] = {0};
#define CLI_IP 0x0a000002u
#define SRV_IP 0x0a000001u

struct fixture {
	struct pipeline *p;
	struct nbt_event ev[MAX_EVS];
	size_t n;
	uint8_t frame[256];
	size_t len;
};

static void collect(void *arg, const struct nbt_event *ev)
{
	struct fixture *fx = arg;
	if (fx->n < MAX_EVS)
		fx->ev[fx->n++] = *ev;
}

static int setup(void **state)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof fx);
	fx.p = pipeline_new(NULL, collect, &fx);
	assert_true(pipeline_set_link(fx.p, DLT_EN10MB));
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	pipeline_free(fx->p);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Starts an Ethernet frame; returns the offset of its payload. */
static size_t eth(struct fixture *fx, const uint8_t *src, const uint8_t *dst, uint16_t type)
{
	memset(fx->frame, 0, sizeof fx->frame);
	memcpy(fx->frame, dst, 6);
	memcpy(fx->frame + 6, src, 6);
	put16(fx->frame + 12, type);
	return 14;
}

/* An IPv4 header (no options) at p for `payload` bytes; returns its length. */
static size_t ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t payload,
                   uint16_t frag)
{
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + payload));
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	return 20;
}

static void send_frame(struct fixture *fx, size_t caplen, size_t wirelen)
{
	fx->n = 0;
	pipeline_frame(fx->p, 0, fx->frame, (uint32_t)caplen, (uint32_t)wirelen);
}

static void arp_frame(struct fixture *fx, uint16_t hrd, uint16_t op, const uint8_t *sha,
                      uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	size_t o = eth(fx, sha, op == 1 ? bcast : tha, 0x0806);
	put16(fx->frame + o, hrd);
	put16(fx->frame + o + 2, 0x0800);
	fx->frame[o + 4] = 6;
	fx->frame[o + 5] = 4;
	put16(fx->frame + o + 6, op);
	memcpy(fx->frame + o + 8, sha, 6);
	put32(fx->frame + o + 14, spa);
	memcpy(fx->frame + o + 18, tha, 6);
	put32(fx->frame + o + 24, tpa);
	fx->len = 60; /* minimum Ethernet frame: 42 bytes of ARP plus padding */
}

static const struct nbt_event *only(struct fixture *fx, enum nbt_ev_type type)
{
	const struct nbt_event *e = NULL;
	for (size_t i = 0; i < fx->n; i++)
		if (fx->ev[i].type == type) {
			assert_null(e);
			e = &fx->ev[i];
		}
	assert_non_null(e);
	return e;
}

static size_t count(struct fixture *fx, enum nbt_ev_type type)
{
	size_t k = 0;
	for (size_t i = 0; i < fx->n; i++)
		k += fx->ev[i].type == type;
	return k;
}

static void test_arp_request_reply(void **state)
{
	struct fixture *fx = *state;
	arp_frame(fx, 1, 1, cli_mac, CLI_IP, zero_mac, SRV_IP);
	send_frame(fx, fx->len, fx->len);
	const struct ev_arp *a = &only(fx, EV_ARP)->u.arp;
	assert_int_equal(a->op, ARP_OP_REQUEST);
	assert_memory_equal(a->sha, cli_mac, 6);
	assert_memory_equal(a->tha, zero_mac, 6);
	assert_int_equal(a->spa, CLI_IP);
	assert_int_equal(a->tpa, SRV_IP);
	assert_false(a->gratuitous);
	assert_false(a->probe);

	arp_frame(fx, 1, 2, srv_mac, SRV_IP, cli_mac, CLI_IP);
	send_frame(fx, fx->len, fx->len);
	a = &only(fx, EV_ARP)->u.arp;
	assert_int_equal(a->op, ARP_OP_REPLY);
	assert_memory_equal(a->sha, srv_mac, 6);
	assert_memory_equal(a->tha, cli_mac, 6);
	assert_int_equal(a->spa, SRV_IP);
	assert_int_equal(a->tpa, CLI_IP);
}

static void test_arp_gratuitous_and_probe(void **state)
{
	struct fixture *fx = *state;
	arp_frame(fx, 1, 1, cli_mac, CLI_IP, zero_mac, CLI_IP);
	send_frame(fx, fx->len, fx->len);
	assert_true(only(fx, EV_ARP)->u.arp.gratuitous);
	assert_false(only(fx, EV_ARP)->u.arp.probe);
	/* RFC 5227 probe: sender IP 0 asking for the address it wants. */
	arp_frame(fx, 1, 1, cli_mac, 0, zero_mac, CLI_IP);
	send_frame(fx, fx->len, fx->len);
	assert_true(only(fx, EV_ARP)->u.arp.probe);
	assert_false(only(fx, EV_ARP)->u.arp.gratuitous);
}

static void test_arp_other_hardware(void **state)
{
	struct fixture *fx = *state;
	arp_frame(fx, 6, 1, cli_mac, CLI_IP, zero_mac, SRV_IP); /* IEEE 802 */
	send_frame(fx, fx->len, fx->len);
	assert_int_equal(count(fx, EV_ARP), 0);
	assert_int_equal(count(fx, EV_ANOMALY), 0);
	assert_int_equal(pipeline_stats(fx->p)->arp, 1);
}

static void test_arp_short(void **state)
{
	struct fixture *fx = *state;
	arp_frame(fx, 1, 1, cli_mac, CLI_IP, zero_mac, SRV_IP);
	/* snaplen 30: the header is there, the addresses are not */
	send_frame(fx, 30, fx->len);
	assert_int_equal(count(fx, EV_ARP), 0);
	assert_int_equal(only(fx, EV_ANOMALY)->u.anomaly.kind, ANOM_TRUNCATED);
	/* a frame that really ends inside the addresses */
	send_frame(fx, 30, 30);
	assert_int_equal(count(fx, EV_ARP), 0);
	assert_int_equal(only(fx, EV_ANOMALY)->u.anomaly.kind, ANOM_INVALID);
}

/* An RRQ frame from the client, so the flow table knows the TFTP flow. */
static void send_rrq(struct fixture *fx, uint16_t sport)
{
	static const uint8_t rrq[] = "\0\001start4.elf\0octet";
	size_t o = eth(fx, cli_mac, srv_mac, 0x0800);
	size_t ul = 8 + sizeof rrq;
	o += ipv4(fx->frame + o, CLI_IP, SRV_IP, 17, ul, 0);
	put16(fx->frame + o, sport);
	put16(fx->frame + o + 2, 69);
	put16(fx->frame + o + 4, (uint16_t)ul);
	memcpy(fx->frame + o + 8, rrq, sizeof rrq);
	fx->len = o + ul;
	send_frame(fx, fx->len, fx->len);
	assert_int_equal(count(fx, EV_TFTP), 1);
}

/* ICMP type/code quoting (src:sport -> dst:dport, proto) with `quote` bytes after its IP header. */
static void send_icmp(struct fixture *fx, uint8_t type, uint8_t code, uint16_t mtu, uint8_t proto,
                      uint32_t qsrc, uint16_t qsport, uint32_t qdst, uint16_t qdport, size_t quote,
                      uint16_t qfrag)
{
	size_t o = eth(fx, srv_mac, cli_mac, 0x0800);
	size_t icmp_len = 8 + 20 + quote;
	o += ipv4(fx->frame + o, SRV_IP, CLI_IP, 1, icmp_len, 0);
	fx->frame[o] = type;
	fx->frame[o + 1] = code;
	put16(fx->frame + o + 6, mtu);
	size_t q = o + 8;
	q += ipv4(fx->frame + q, qsrc, qdst, proto, 100, qfrag);
	if (quote >= 4) {
		put16(fx->frame + q, qsport);
		put16(fx->frame + q + 2, qdport);
	}
	fx->len = o + icmp_len;
	send_frame(fx, fx->len, fx->len);
}

static void test_icmp_port_unreachable_tftp(void **state)
{
	struct fixture *fx = *state;
	send_rrq(fx, 49152);
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 49152, SRV_IP, 69, 8, 0);
	const struct nbt_event *e = only(fx, EV_ICMP);
	const struct ev_icmp *ic = &e->u.icmp;
	assert_int_equal(ic->type, ICMP_T_UNREACH);
	assert_int_equal(ic->code, ICMP_UNREACH_PORT);
	assert_string_equal(icmp_code_name(ic->type, ic->code), "port-unreachable");
	assert_int_equal(ic->q_proto, 17);
	assert_int_equal(ic->q_src, CLI_IP);
	assert_int_equal(ic->q_dst, SRV_IP);
	assert_true(ic->q_has_ports);
	assert_int_equal(ic->q_sport, 49152);
	assert_int_equal(ic->q_dport, 69);
	assert_non_null(ic->owner);
	assert_string_equal(ic->owner, "tftp");
	assert_int_equal(e->src_ip, SRV_IP);
}

/* The server's DATA from its TID bounced by the client: the expected flow is TFTP's too. */
static void test_icmp_unreachable_for_tid_flow(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t data[] = {0, 3, 0, 1, 'x'};
	send_rrq(fx, 49160);
	size_t o = eth(fx, srv_mac, cli_mac, 0x0800);
	o += ipv4(fx->frame + o, SRV_IP, CLI_IP, 17, 8 + sizeof data, 0);
	put16(fx->frame + o, 51000);
	put16(fx->frame + o + 2, 49160);
	put16(fx->frame + o + 4, 8 + sizeof data);
	memcpy(fx->frame + o + 8, data, sizeof data);
	fx->len = o + 8 + sizeof data;
	send_frame(fx, 60, 60);
	assert_int_equal(count(fx, EV_TFTP), 1);
	send_icmp(fx, 3, 3, 0, 17, SRV_IP, 51000, CLI_IP, 49160, 8, 0);
	assert_string_equal(only(fx, EV_ICMP)->u.icmp.owner, "tftp");
}

static void test_icmp_unknown_flow_and_tcp(void **state)
{
	struct fixture *fx = *state;
	send_icmp(fx, 3, 1, 0, 17, CLI_IP, 40000, SRV_IP, 7777, 8, 0);
	const struct ev_icmp *ic = &only(fx, EV_ICMP)->u.icmp;
	assert_int_equal(ic->code, ICMP_UNREACH_HOST);
	assert_null(ic->owner);
	assert_int_equal(ic->q_dport, 7777);

	send_icmp(fx, 11, 0, 0, 6, CLI_IP, 800, SRV_IP, 2049, 8, 0);
	ic = &only(fx, EV_ICMP)->u.icmp;
	assert_int_equal(ic->type, ICMP_T_TIME_EXCEEDED);
	assert_string_equal(icmp_code_name(ic->type, ic->code), "ttl-exceeded");
	assert_int_equal(ic->q_proto, 6);
	assert_true(ic->q_has_ports);
	assert_int_equal(ic->q_sport, 800);
	assert_int_equal(ic->q_dport, 2049);
}

static void test_icmp_need_frag_and_short_quotes(void **state)
{
	struct fixture *fx = *state;
	send_icmp(fx, 3, 4, 1400, 17, CLI_IP, 40000, SRV_IP, 69, 8, 0);
	assert_int_equal(only(fx, EV_ICMP)->u.icmp.mtu, 1400);
	/* Only the IP header quoted: no ports, still an event. */
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 40000, SRV_IP, 69, 0, 0);
	const struct ev_icmp *ic = &only(fx, EV_ICMP)->u.icmp;
	assert_false(ic->q_has_ports);
	assert_null(ic->owner);
	assert_int_equal(ic->q_dst, SRV_IP);
	/* A later fragment carries no UDP header: the bytes after the IP header are not ports. */
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 40000, SRV_IP, 69, 8, 185);
	assert_false(only(fx, EV_ICMP)->u.icmp.q_has_ports);
}

static void test_icmp_malformed_and_other_types(void **state)
{
	struct fixture *fx = *state;
	/* echo request: not emitted, not an anomaly */
	send_icmp(fx, 8, 0, 0, 17, CLI_IP, 1, SRV_IP, 2, 8, 0);
	assert_int_equal(count(fx, EV_ICMP), 0);
	assert_int_equal(count(fx, EV_ANOMALY), 0);
	/* quoted header is not IPv4 */
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 1, SRV_IP, 2, 8, 0);
	fx->frame[14 + 20 + 8] = 0x65;
	send_frame(fx, fx->len, fx->len);
	assert_int_equal(count(fx, EV_ICMP), 0);
	assert_int_equal(only(fx, EV_ANOMALY)->u.anomaly.kind, ANOM_INVALID);
	assert_string_equal(only(fx, EV_ANOMALY)->u.anomaly.proto, "icmp");
	/* quoted IP header cut by the snaplen */
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 1, SRV_IP, 2, 8, 0);
	send_frame(fx, 14 + 20 + 8 + 12, fx->len);
	assert_int_equal(count(fx, EV_ICMP), 0);
	assert_int_equal(only(fx, EV_ANOMALY)->u.anomaly.kind, ANOM_TRUNCATED);
	/* quoted IHL claiming options that are not there */
	send_icmp(fx, 3, 3, 0, 17, CLI_IP, 1, SRV_IP, 2, 0, 0);
	fx->frame[14 + 20 + 8] = 0x4f;
	send_frame(fx, fx->len, fx->len);
	assert_int_equal(count(fx, EV_ICMP), 0);
	assert_int_equal(count(fx, EV_ANOMALY), 1);
}

/* An 802.3 frame to the bridge group address with LLC 42/42/03 and a BPDU: version, type, flags
 * (config/RST: forward delay `fwd` seconds), padded to 60 bytes. */
static void bpdu_frame(struct fixture *fx, uint8_t version, uint8_t type, uint8_t flags,
                       uint16_t fwd)
{
	static const uint8_t group[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
	size_t o = eth(fx, srv_mac, group, type == 0x80 ? 7 : 38); /* an 802.3 length */
	uint8_t *b = fx->frame + o;
	b[0] = b[1] = 0x42;
	b[2] = 0x03;
	b[5] = version;
	b[6] = type;
	b[7] = flags;
	put16(b + 3 + 33, (uint16_t)(fwd * 256));
	send_frame(fx, 60, 60);
}

/* The switch's facts from its first BPDUs; a topology change counted when the TC flag starts,
 * not for each BPDU that carries it; a TCN is one too; an LLC frame of another SAP is not STP. */
static void test_stp_bpdus(void **state)
{
	struct fixture *fx = *state;
	const struct nbt_stats *st = pipeline_stats(fx->p);
	bpdu_frame(fx, 0, 0x00, 0x01, 15); /* the capture began during a change: not its start */
	assert_int_equal(st->stp.changes, 0);
	bpdu_frame(fx, 0, 0x00, 0, 15);
	assert_int_equal(st->stp.bpdus, 2);
	assert_int_equal(st->stp.version, 0);
	assert_int_equal(st->stp.fwd_delay_ms, 15000);
	assert_memory_equal(st->stp.bridge, srv_mac, 6);
	assert_int_equal(st->stp.changes, 0);
	bpdu_frame(fx, 0, 0x00, 0x01, 15);
	bpdu_frame(fx, 0, 0x00, 0x01, 15);
	assert_int_equal(st->stp.changes, 1);
	assert_int_equal(st->stp.change[0].frame, 3);
	bpdu_frame(fx, 0, 0x00, 0, 15);
	bpdu_frame(fx, 0, 0x80, 0, 0); /* a TCN */
	assert_int_equal(st->stp.changes, 2);
	assert_int_equal(st->stp.bpdus, 6);
	uint64_t other = st->other_l3;
	bpdu_frame(fx, 2, 0x7f, 0, 0); /* no BPDU type */
	assert_int_equal(st->stp.bpdus, 6);
	fx->frame[14] = 0xaa; /* SNAP, not the spanning tree's SAP */
	send_frame(fx, 60, 60);
	assert_int_equal(st->other_l3, other + 2);
	/* Cut short by the snaplen: not counted, never read past the bytes. */
	bpdu_frame(fx, 0, 0x00, 0x01, 15);
	send_frame(fx, 30, 60);
	assert_int_equal(st->stp.bpdus, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_arp_request_reply, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arp_gratuitous_and_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arp_other_hardware, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arp_short, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_port_unreachable_tftp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_unreachable_for_tid_flow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_unknown_flow_and_tcp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_need_frag_and_short_quotes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_icmp_malformed_and_other_types, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stp_bpdus, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
