/* summary: unit tests of the default capture filter: compiled by libpcap on dead handles, matched
 * with pcap_offline_filter against hand-built netboot frames (kept) and LAN chatter (dropped). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "nbt/filter.h"
#include "nbt/pipeline.h"

#define SRV_IP   0x0a630001u /* 10.99.0.1 */
#define CLI_IP   0x0a63007au /* 10.99.0.122 */
#define OTHER_IP 0x0a630063u

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

struct frame {
	uint8_t b[1600];
	size_t len;
};

/* Ethernet (optionally 802.1Q VLAN 10) + IPv4 header; returns the L4 offset. */
static size_t eth_ip(struct frame *f, bool vlan, uint8_t proto, uint32_t src, uint32_t dst,
                     uint16_t frag)
{
	memset(f, 0, sizeof(*f));
	memset(f->b, 0xff, 6);
	f->b[6] = 0x02;
	size_t o = 12;
	if (vlan) {
		put16(f->b + o, 0x8100);
		put16(f->b + o + 2, 10);
		o += 4;
	}
	put16(f->b + o, 0x0800);
	o += 2;
	f->b[o] = 0x45;
	put16(f->b + o + 6, frag);
	f->b[o + 8] = 64;
	f->b[o + 9] = proto;
	put32(f->b + o + 12, src);
	put32(f->b + o + 16, dst);
	return o + 20;
}

/* Fixes the IPv4 total length once the frame length is known. */
static void ip_len(struct frame *f, size_t l4, size_t end)
{
	put16(f->b + l4 - 20 + 2, (uint32_t)(end - (l4 - 20)));
	f->len = end;
}

static void udp(struct frame *f, bool vlan, uint32_t src, uint16_t sport, uint32_t dst,
                uint16_t dport, const uint8_t *pl, size_t n)
{
	size_t o = eth_ip(f, vlan, 17, src, dst, 0);
	put16(f->b + o, sport);
	put16(f->b + o + 2, dport);
	put16(f->b + o + 4, (uint32_t)(8 + n));
	memcpy(f->b + o + 8, pl, n);
	ip_len(f, o, o + 8 + n);
}

/* TCP with a 32-byte header (timestamps option), as Linux sends. */
static void tcp(struct frame *f, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                uint8_t flags, const uint8_t *pl, size_t n)
{
	size_t o = eth_ip(f, false, 6, src, dst, 0x4000);
	put16(f->b + o, sport);
	put16(f->b + o + 2, dport);
	f->b[o + 12] = 8 << 4;
	f->b[o + 13] = flags;
	f->b[o + 20] = 1;
	f->b[o + 21] = 1;
	f->b[o + 22] = 8;
	f->b[o + 23] = 10;
	if (n)
		memcpy(f->b + o + 32, pl, n);
	ip_len(f, o, o + 32 + n);
}

struct filt {
	pcap_t *dead;
	struct bpf_program prog;
};

static void compile(struct filt *ft, int dlt, const char *expr)
{
	ft->dead = pcap_open_dead(dlt, 262144);
	assert_non_null(ft->dead);
	int rc = pcap_compile(ft->dead, &ft->prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc != 0)
		fail_msg("pcap_compile: %s", pcap_geterr(ft->dead));
}

static void release(struct filt *ft)
{
	pcap_freecode(&ft->prog);
	pcap_close(ft->dead);
}

static bool keeps(const struct filt *ft, const struct frame *f)
{
	struct pcap_pkthdr h = {.caplen = (bpf_u_int32)f->len, .len = (bpf_u_int32)f->len};
	return pcap_offline_filter(&ft->prog, &h, f->b) != 0;
}

/* ONC RPC CALL header (RFC 5531 s9): xid, CALL, rpcvers 2, prog, vers, proc, AUTH_NONE x2. */
static size_t rpc_call(uint8_t *p, uint32_t prog, uint32_t proc)
{
	memset(p, 0, 40);
	put32(p, 0x1234);
	put32(p + 8, 2);
	put32(p + 12, prog);
	put32(p + 16, 3);
	put32(p + 20, proc);
	return 40;
}

/* Accepted RPC REPLY, AUTH_NONE verifier, SUCCESS, one result word. */
static size_t rpc_reply(uint8_t *p)
{
	memset(p, 0, 28);
	put32(p, 0x1234);
	put32(p + 4, 1);
	put32(p + 24, 0);
	return 28;
}

static void keeps_netboot(const struct filt *ft, bool vlan)
{
	struct frame f;
	uint8_t pl[128] = {0};
	/* DHCP DISCOVER 68 -> 67, proxyDHCP 4011, a TFTP RRQ to 69 */
	udp(&f, vlan, 0, 68, 0xffffffffu, 67, pl, 64);
	assert_true(keeps(ft, &f));
	udp(&f, vlan, CLI_IP, 68, SRV_IP, 4011, pl, 64);
	assert_true(keeps(ft, &f));
	memcpy(pl, "\0\1start4.elf\0octet\0", 19);
	udp(&f, vlan, CLI_IP, 49152, SRV_IP, 69, pl, 19);
	assert_true(keeps(ft, &f));
	/* TFTP on the server's new port: DATA (516), ACK, ERROR, OACK */
	memset(pl, 0, sizeof pl);
	put16(pl, 3);
	put16(pl + 2, 7);
	udp(&f, vlan, SRV_IP, 40653, CLI_IP, 53320, pl, 100);
	assert_true(keeps(ft, &f));
	put16(pl, 4);
	udp(&f, vlan, CLI_IP, 53320, SRV_IP, 40653, pl, 4);
	assert_true(keeps(ft, &f));
	memcpy(pl, "\0\5\0\1not found\0", 15);
	udp(&f, vlan, SRV_IP, 40653, CLI_IP, 53320, pl, 15);
	assert_true(keeps(ft, &f));
	memcpy(pl, "\0\6tsize\0009000\0", 14);
	udp(&f, vlan, SRV_IP, 40653, CLI_IP, 53320, pl, 14);
	assert_true(keeps(ft, &f));
	/* portmap GETPORT, MOUNT on an unannounced port over UDP (call and reply) */
	udp(&f, vlan, CLI_IP, 900, SRV_IP, 111, pl, rpc_call(pl, 100000, 3));
	assert_true(keeps(ft, &f));
	udp(&f, vlan, CLI_IP, 901, SRV_IP, 20048, pl, rpc_call(pl, 100005, 1));
	assert_true(keeps(ft, &f));
	udp(&f, vlan, SRV_IP, 20048, CLI_IP, 901, pl, rpc_reply(pl));
	assert_true(keeps(ft, &f));
	/* an IP fragment of anything, an ICMP port unreachable, ARP */
	size_t o = eth_ip(&f, vlan, 17, SRV_IP, CLI_IP, 0x0005);
	ip_len(&f, o, o + 100);
	assert_true(keeps(ft, &f));
	o = eth_ip(&f, vlan, 1, CLI_IP, SRV_IP, 0);
	f.b[o] = 3;
	f.b[o + 1] = 3;
	ip_len(&f, o, o + 36);
	assert_true(keeps(ft, &f));
	memset(&f, 0, sizeof f);
	memset(f.b, 0xff, 6);
	o = 12;
	if (vlan) {
		put16(f.b + o, 0x8100);
		o += 4;
	}
	put16(f.b + o, 0x0806);
	f.len = o + 2 + 28;
	assert_true(keeps(ft, &f));
}

static void test_default_keeps_netboot(void **state)
{
	(void)state;
	struct filt ft;
	compile(&ft, DLT_EN10MB, filter_default(true));
	keeps_netboot(&ft, false);
	keeps_netboot(&ft, true);
	release(&ft);
	compile(&ft, DLT_EN10MB, filter_default(false));
	keeps_netboot(&ft, false);
	release(&ft);
}

static void test_default_keeps_rpc_over_tcp(void **state)
{
	(void)state;
	struct filt ft;
	compile(&ft, DLT_EN10MB, filter_default(true));
	struct frame f;
	uint8_t pl[64];
	/* record mark (last fragment, length) then the call: MOUNT on its own port */
	size_t n = rpc_call(pl + 4, 100005, 1);
	put32(pl, 0x80000000u | (uint32_t)n);
	tcp(&f, CLI_IP, 739, SRV_IP, 20048, 0x18, pl, n + 4);
	assert_true(keeps(&ft, &f));
	n = rpc_reply(pl + 4);
	put32(pl, 0x80000000u | (uint32_t)n);
	tcp(&f, SRV_IP, 20048, CLI_IP, 739, 0x18, pl, n + 4);
	assert_true(keeps(&ft, &f));
	/* NFS and portmap by port, also segments without payload */
	tcp(&f, CLI_IP, 800, SRV_IP, 2049, 0x10, NULL, 0);
	assert_true(keeps(&ft, &f));
	tcp(&f, CLI_IP, 800, SRV_IP, 111, 0x02, NULL, 0);
	assert_true(keeps(&ft, &f));
	/* the handshake to mountd is not kept until the port is learned ... */
	tcp(&f, CLI_IP, 739, SRV_IP, 20048, 0x02, NULL, 0);
	assert_false(keeps(&ft, &f));
	release(&ft);
	/* ... and is once GETPORT named it */
	struct filter_widen w;
	filter_widen_init(&w);
	assert_true(filter_widen_add(&w, 6, SRV_IP, 20048));
	char expr[FILTER_EXPR_MAX];
	assert_true(filter_widen_expr(&w, expr, sizeof expr, true));
	compile(&ft, DLT_EN10MB, expr);
	assert_true(keeps(&ft, &f));
	keeps_netboot(&ft, true);
	/* only that host's port, only TCP */
	tcp(&f, CLI_IP, 739, OTHER_IP, 20048, 0x02, NULL, 0);
	assert_false(keeps(&ft, &f));
	release(&ft);
}

static void test_default_drops_chatter(void **state)
{
	(void)state;
	struct filt ft;
	compile(&ft, DLT_EN10MB, filter_default(true));
	struct frame f;
	uint8_t pl[128] = {0};
	/* DNS query (id 3, 1 question) and response */
	memcpy(pl, "\0\3\1\0\0\1\0\0\0\0\0\0\7example\3com\0\0\1\0\1", 29);
	udp(&f, false, CLI_IP, 40000, SRV_IP, 53, pl, 29);
	assert_false(keeps(&ft, &f));
	pl[2] = 0x81;
	pl[7] = 1;
	udp(&f, false, SRV_IP, 53, CLI_IP, 40000, pl, 45);
	assert_false(keeps(&ft, &f));
	/* mDNS announcement: 0 questions, 1 answer (an RPC-reply look-alike at offset 4) */
	static const uint8_t mdns[] = {0,   0,   0x84, 0,   0,   0,   0,   1,   0,   0,   0,   0,
	                               13,  'n', 'b',  't', 'l', 'a', 'b', '-', 'r', 'o', 'u', 't',
	                               'e', 'r', 5,    'l', 'o', 'c', 'a', 'l', 0,   0,   1,   0x80,
	                               1,   0,   0,    0,   120, 0,   4,   10,  99,  0,   1};
	udp(&f, false, SRV_IP, 5353, 0xe00000fbu, 5353, mdns, sizeof mdns);
	assert_false(keeps(&ft, &f));
	udp(&f, true, SRV_IP, 5353, 0xe00000fbu, 5353, mdns, sizeof mdns);
	assert_false(keeps(&ft, &f));
	/* HTTP: handshake, GET, an ACK; HTTPS; SSH */
	tcp(&f, CLI_IP, 45000, OTHER_IP, 80, 0x02, NULL, 0);
	assert_false(keeps(&ft, &f));
	tcp(&f, CLI_IP, 45000, OTHER_IP, 80, 0x18, (const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18);
	assert_false(keeps(&ft, &f));
	tcp(&f, OTHER_IP, 443, CLI_IP, 45001, 0x10, NULL, 0);
	assert_false(keeps(&ft, &f));
	tcp(&f, OTHER_IP, 22, CLI_IP, 45002, 0x18, pl, 48);
	assert_false(keeps(&ft, &f));
	/* SSDP, ICMP echo, a TFTP look-alike from a privileged port */
	udp(&f, false, CLI_IP, 50000, 0xeffffffau, 1900, (const uint8_t *)"M-SEARCH * HTTP/1.1\r\n",
	    21);
	assert_false(keeps(&ft, &f));
	size_t o = eth_ip(&f, false, 1, CLI_IP, SRV_IP, 0);
	f.b[o] = 8;
	ip_len(&f, o, o + 64);
	assert_false(keeps(&ft, &f));
	put16(pl, 3);
	udp(&f, false, SRV_IP, 123, CLI_IP, 50000, pl, 48);
	assert_false(keeps(&ft, &f));
	/* a TFTP ACK must be exactly 4 bytes */
	put16(pl, 4);
	udp(&f, false, SRV_IP, 40000, CLI_IP, 50000, pl, 20);
	assert_false(keeps(&ft, &f));
	/* IPv6 */
	memset(&f, 0, sizeof f);
	put16(f.b + 12, 0x86dd);
	f.len = 14 + 40 + 8;
	assert_false(keeps(&ft, &f));
	release(&ft);
}

/* The untagged form compiles for the link types a live capture can have besides Ethernet. */
static void test_default_other_links(void **state)
{
	(void)state;
	static const int dlts[] = {DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_EN10MB};
	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
		struct filt ft;
		compile(&ft, dlts[i], filter_default(false));
		release(&ft);
	}
}

static void test_widen_table(void **state)
{
	(void)state;
	struct filter_widen w;
	filter_widen_init(&w);
	/* ports the default keeps, or nonsense, change nothing */
	assert_false(filter_widen_add(&w, 17, SRV_IP, 2049));
	assert_false(filter_widen_add(&w, 6, SRV_IP, 111));
	assert_false(filter_widen_add(&w, 17, SRV_IP, 69));
	assert_false(filter_widen_add(&w, 1, SRV_IP, 1000));
	assert_false(filter_widen_add(&w, 6, SRV_IP, 0));
	assert_true(filter_widen_add(&w, 6, SRV_IP, 69)); /* TCP 69 is not TFTP */
	assert_true(filter_widen_add(&w, 17, SRV_IP, 20048));
	assert_false(filter_widen_add(&w, 17, SRV_IP, 20048));
	assert_true(filter_widen_add(&w, 17, 0, 30000));
	assert_false(filter_widen_add(&w, 17, OTHER_IP, 30000)); /* any host covers it */
	for (uint16_t p = 0; w.n < FILTER_WIDEN_MAX; p++)
		assert_true(filter_widen_add(&w, 6, SRV_IP, (uint16_t)(40000 + p)));
	assert_false(filter_widen_add(&w, 6, SRV_IP, 50000));
	assert_int_equal(w.refused, 1);
	char expr[FILTER_EXPR_MAX];
	assert_true(filter_widen_expr(&w, expr, sizeof expr, true));
	assert_non_null(strstr(expr, "(host 10.99.0.1 and udp port 20048)"));
	assert_non_null(strstr(expr, "(udp port 30000)"));
	/* every learned port sits before the first "vlan" and again after it */
	const char *v = strstr(expr, "vlan");
	assert_non_null(v);
	assert_true(strstr(expr, "udp port 20048") < v);
	assert_non_null(strstr(v, "udp port 20048"));
	struct filt ft;
	compile(&ft, DLT_EN10MB, expr);
	release(&ft);
	/* too small a buffer is refused, not cut */
	char small[64];
	assert_false(filter_widen_expr(&w, small, sizeof small, false));
	assert_string_equal(small, "");
}

/* ---- the lab's captures: the filter keeps every packet that makes an event ---- */

static void count_event(void *arg, const struct nbt_event *ev)
{
	uint64_t *n = arg;
	if ((unsigned)ev->type < EV__COUNT)
		n[ev->type]++;
}

/* Runs one capture through the pipeline, all of it or only what `prog` keeps. */
static uint64_t run_capture(const char *path, const struct bpf_program *prog, uint64_t n[EV__COUNT])
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!pc)
		fail_msg("%s: %s", path, pe);
	struct pipeline *p = pipeline_new(NULL, count_event, n);
	assert_true(pipeline_set_link(p, pcap_datalink(pc)));
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t kept = 0;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		if (prog && !pcap_offline_filter(prog, h, data))
			continue;
		kept++;
		nbt_time ts = (nbt_time)h->ts.tv_sec * NBT_NS_PER_SEC + h->ts.tv_usec;
		pipeline_frame(p, ts, data, h->caplen, h->len);
	}
	pipeline_free(p);
	pcap_close(pc);
	return kept;
}

static void check_capture(const char *path, uint64_t *dropped)
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, pe);
	if (!pc)
		fail_msg("%s: %s", path, pe);
	int dlt = pcap_datalink(pc);
	pcap_close(pc);
	struct filt ft;
	compile(&ft, dlt, filter_default(dlt == DLT_EN10MB));
	uint64_t all[EV__COUNT] = {0}, some[EV__COUNT] = {0};
	uint64_t nall = run_capture(path, NULL, all);
	uint64_t nsome = run_capture(path, &ft.prog, some);
	release(&ft);
	static const enum nbt_ev_type kinds[] = {EV_ARP, EV_ICMP, EV_DHCP, EV_TFTP, EV_RPC};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (all[kinds[i]] != some[kinds[i]])
			fail_msg("%s: event type %d: %llu unfiltered, %llu through the filter",
			         path, kinds[i], (unsigned long long)all[kinds[i]],
			         (unsigned long long)some[kinds[i]]);
	print_message("%-48s %4llu of %4llu frames kept, events equal\n", strrchr(path, '/') + 1,
	              (unsigned long long)nsome, (unsigned long long)nall);
	*dropped += nall - nsome;
}

static void test_lab_captures_keep_events(void **state)
{
	(void)state;
	/* The source tree from this file's path (CMake passes absolute paths). */
	char dir[4096];
	const char *me = __FILE__, *cut = strstr(me, "tests/unit/test_filter.c");
	if (!cut || (size_t)(cut - me) + 16 > sizeof dir)
		skip();
	snprintf(dir, sizeof dir, "%.*scaptures", (int)(cut - me), me);
	DIR *d = opendir(dir);
	if (!d)
		skip();
	size_t n = 0;
	uint64_t dropped = 0;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (!(len > 5 && strcmp(e->d_name + len - 5, ".pcap") == 0) &&
		    !(len > 7 && strcmp(e->d_name + len - 7, ".pcapng") == 0))
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		check_capture(path, &dropped);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
	/* pings, IPv6 router solicitations, TCP handshakes to mountd are left out */
	assert_true(dropped > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_keeps_netboot),
	    cmocka_unit_test(test_default_keeps_rpc_over_tcp),
	    cmocka_unit_test(test_default_drops_chatter),
	    cmocka_unit_test(test_default_other_links),
	    cmocka_unit_test(test_widen_table),
	    cmocka_unit_test(test_lab_captures_keep_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
