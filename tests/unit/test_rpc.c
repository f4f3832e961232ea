/* summary: unit tests of the ONC RPC (RFC 5531), portmap (RFC 1833), MOUNT/NFSv3 (RFC 1813), NFSv4
 * (RFC 8881) dissectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/flow.h"
#include "nbt/pipeline.h"
#include "nbt/rpc.h"

#define CLI     0x0a000002u /* 10.0.0.2 */
#define SRV     0x0a000001u /* 10.0.0.1 */
#define MAX_EVS 128

struct fixture {
	struct pipeline *p;
	struct nbt_event ev[MAX_EVS];
	size_t nev;
	size_t nanom[ANOM__COUNT];
};

static void collect(void *arg, const struct nbt_event *ev)
{
	struct fixture *fx = arg;
	if (ev->type == EV_ANOMALY && ev->u.anomaly.kind < ANOM__COUNT)
		fx->nanom[ev->u.anomaly.kind]++;
	if (fx->nev < MAX_EVS)
		fx->ev[fx->nev++] = *ev;
}

static int setup(void **state)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof(fx));
	fx.p = pipeline_new(NULL, collect, &fx);
	assert_non_null(fx.p);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	pipeline_free(fx->p);
	return 0;
}

/* ---- XDR message builder ---- */

struct xdr {
	uint8_t b[4096];
	size_t n;
};

static void put32(struct xdr *x, uint32_t v)
{
	x->b[x->n++] = (uint8_t)(v >> 24);
	x->b[x->n++] = (uint8_t)(v >> 16);
	x->b[x->n++] = (uint8_t)(v >> 8);
	x->b[x->n++] = (uint8_t)v;
}

static void put64(struct xdr *x, uint64_t v)
{
	put32(x, (uint32_t)(v >> 32));
	put32(x, (uint32_t)v);
}

static void putbytes(struct xdr *x, const void *p, size_t len)
{
	put32(x, (uint32_t)len);
	memcpy(x->b + x->n, p, len);
	x->n += len;
	while (x->n & 3)
		x->b[x->n++] = 0;
}

static void putstr(struct xdr *x, const char *s)
{
	putbytes(x, s, strlen(s));
}

static void putzero(struct xdr *x, size_t len)
{
	memset(x->b + x->n, 0, len);
	x->n += len;
}

/* CALL header with AUTH_SYS (uid 0, gid 0, machine "pi4") and AUTH_NONE verifier. */
static void call_hdr(struct xdr *x, uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	put32(x, xid);
	put32(x, 0);
	put32(x, 2);
	put32(x, prog);
	put32(x, vers);
	put32(x, proc);
	put32(x, 1);  /* AUTH_SYS */
	put32(x, 24); /* stamp + "pi4" (4) + uid + gid + 0 gids */
	put32(x, 0x1234);
	putstr(x, "pi4");
	put32(x, 0);
	put32(x, 0);
	put32(x, 0);
	put32(x, 0); /* verf AUTH_NONE */
	put32(x, 0);
}

/* Accepted SUCCESS reply header. */
static void reply_hdr(struct xdr *x, uint32_t xid, uint32_t accept_stat)
{
	put32(x, xid);
	put32(x, 1);
	put32(x, 0);
	put32(x, 0);
	put32(x, 0);
	put32(x, accept_stat);
}

static enum dis_status run(struct fixture *fx, bool from_cli, uint8_t proto, uint16_t srv_port,
                           const struct xdr *x)
{
	struct nbt_pkt pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.l4proto = proto;
	pkt.ts = 1000 * NBT_NS_PER_SEC;
	pkt.src_ip = from_cli ? CLI : SRV;
	pkt.dst_ip = from_cli ? SRV : CLI;
	pkt.sport = from_cli ? 800 : srv_port;
	pkt.dport = from_cli ? srv_port : 800;
	return pipeline_dissect(fx->p, &dis_rpc, &pkt, x->b, x->n);
}

static const struct ev_rpc *last_rpc(struct fixture *fx)
{
	for (size_t i = fx->nev; i > 0; i--)
		if (fx->ev[i - 1].type == EV_RPC)
			return &fx->ev[i - 1].u.rpc;
	fail_msg("no rpc event");
	return NULL;
}

static size_t count_rpc(const struct fixture *fx)
{
	size_t n = 0;
	for (size_t i = 0; i < fx->nev; i++)
		n += fx->ev[i].type == EV_RPC;
	return n;
}

static void test_getport_expect(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x11, 100000, 2, 3);
	put32(&x, 100005); /* MOUNT */
	put32(&x, 3);
	put32(&x, 17);
	put32(&x, 0);
	assert_int_equal(run(fx, true, 17, 111, &x), DIS_OK);
	const struct ev_rpc *r = last_rpc(fx);
	assert_false(r->is_reply);
	assert_int_equal(r->kind, RPC_KIND_PORTMAP);
	assert_string_equal(r->proc_name, "GETPORT");
	assert_int_equal(r->auth_flavor, 1);
	assert_string_equal(r->machine, "pi4");
	assert_int_equal(r->u.pmap.prog, 100005);
	assert_int_equal(r->u.pmap.prot, 17);

	size_t before = flow_expect_count(pipeline_flows(fx->p));
	x.n = 0;
	reply_hdr(&x, 0x11, 0);
	put32(&x, 635);
	assert_int_equal(run(fx, false, 17, 111, &x), DIS_OK);
	r = last_rpc(fx);
	assert_true(r->is_reply);
	assert_true(r->matched);
	assert_int_equal(r->call_frame, 1);
	assert_int_equal(r->proc, 3);
	assert_int_equal(r->u.pmap.prog, 100005);
	assert_true(r->u.pmap.has_port);
	assert_int_equal(r->u.pmap.port, 635);
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), before + 1);

	/* the client's next datagram to port 635 is claimed by the expectation */
	struct nbt_pkt pkt = {.l4proto = 17,
	                      .src_ip = CLI,
	                      .dst_ip = SRV,
	                      .sport = 900,
	                      .dport = 635,
	                      .ts = 1001 * NBT_NS_PER_SEC};
	uint8_t seed[DIS_SEED_MAX];
	size_t seed_len = 0;
	assert_ptr_equal(flow_expect_take(pipeline_flows(fx->p), &pkt, seed, &seed_len), &dis_rpc);
}

static void test_getport_unregistered(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x12, 100000, 2, 3);
	put32(&x, 100003);
	put32(&x, 3);
	put32(&x, 6);
	put32(&x, 0);
	run(fx, true, 17, 111, &x);
	size_t before = flow_expect_count(pipeline_flows(fx->p));
	x.n = 0;
	reply_hdr(&x, 0x12, 0);
	put32(&x, 0); /* not registered */
	run(fx, false, 17, 111, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_true(r->u.pmap.has_port);
	assert_int_equal(r->u.pmap.port, 0);
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), before);
}

static void test_rpcbind_getaddr(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x13, 100000, 3, 3);
	put32(&x, 100005);
	put32(&x, 3);
	putstr(&x, "tcp");
	putstr(&x, "");
	putstr(&x, "");
	run(fx, true, 17, 111, &x);
	x.n = 0;
	reply_hdr(&x, 0x13, 0);
	putstr(&x, "10.0.0.7.4.24"); /* port 4*256+24 = 1048 */
	run(fx, false, 17, 111, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->u.pmap.prot, 6);
	assert_int_equal(r->u.pmap.port, 1048);
	assert_int_equal(r->u.pmap.addr, 0x0a000007u);
}

static void mnt_call(struct fixture *fx, uint32_t xid, const char *path)
{
	struct xdr x = {.n = 0};
	call_hdr(&x, xid, 100005, 3, 1);
	putstr(&x, path);
	assert_int_equal(run(fx, true, 17, 635, &x), DIS_OK);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->kind, RPC_KIND_MOUNT);
	assert_string_equal(r->u.mnt.path, path);
}

static void test_mnt_ok(void **state)
{
	struct fixture *fx = *state;
	mnt_call(fx, 0x21, "/srv/nfs/pi4");
	struct xdr x = {.n = 0};
	reply_hdr(&x, 0x21, 0);
	put32(&x, 0);
	uint8_t fh[28];
	for (size_t i = 0; i < sizeof(fh); i++)
		fh[i] = (uint8_t)(0xa0 + i);
	putbytes(&x, fh, sizeof(fh));
	put32(&x, 2);
	put32(&x, 1);
	put32(&x, 390003);
	assert_int_equal(run(fx, false, 17, 635, &x), DIS_OK);
	const struct ev_rpc *r = last_rpc(fx);
	assert_true(r->matched);
	assert_string_equal(r->proc_name, "MNT");
	assert_true(r->u.mnt.has_status);
	assert_int_equal(r->u.mnt.status, 0);
	assert_string_equal(r->u.mnt.path, "/srv/nfs/pi4"); /* carried over from the call */
	assert_int_equal(r->u.mnt.fh_len, 28);
	assert_memory_equal(r->u.mnt.fh, fh, 28);
	assert_int_equal(r->u.mnt.nflavors, 2);
	assert_int_equal(r->u.mnt.flavor0, 1);
	assert_false(r->body_bad);
}

static void test_mnt_acces(void **state)
{
	struct fixture *fx = *state;
	mnt_call(fx, 0x22, "/srv/nfs/other");
	struct xdr x = {.n = 0};
	reply_hdr(&x, 0x22, 0);
	put32(&x, 13); /* MNT3ERR_ACCES */
	run(fx, false, 17, 635, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->u.mnt.status, 13);
	assert_int_equal(r->u.mnt.fh_len, 0);
	assert_string_equal(r->u.mnt.path, "/srv/nfs/other");
}

static void test_nfs3_read(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x31, 100003, 3, 6);
	putbytes(&x, "0123456789abcdef0123456789abcdef", 32);
	put64(&x, 8192);
	put32(&x, 100);
	run(fx, true, 17, 2049, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_true(r->u.nfs3.has_io);
	assert_int_equal(r->u.nfs3.offset, 8192);
	assert_int_equal(r->u.nfs3.count, 100);

	x.n = 0;
	reply_hdr(&x, 0x31, 0);
	put32(&x, 0); /* NFS3_OK */
	put32(&x, 1); /* post_op_attr follows: fattr3 of 84 bytes, filled with 0xff */
	memset(x.b + x.n, 0xff, 84);
	x.n += 84;
	put32(&x, 77); /* count */
	put32(&x, 1);  /* eof */
	put32(&x, 77); /* data<> */
	putzero(&x, 80);
	assert_int_equal(run(fx, false, 17, 2049, &x), DIS_OK);
	r = last_rpc(fx);
	assert_string_equal(r->proc_name, "READ");
	assert_true(r->u.nfs3.has_status);
	assert_int_equal(r->u.nfs3.status, 0);
	assert_true(r->u.nfs3.has_io);
	assert_int_equal(r->u.nfs3.count, 77);
	assert_true(r->u.nfs3.eof);
	assert_false(r->body_bad);
}

static void test_nfs3_lookup_noent(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x32, 100003, 3, 3);
	putbytes(&x, "fhfhfhfh", 8);
	putstr(&x, "cmdline.txt");
	run(fx, true, 6, 2049, &x);
	assert_string_equal(last_rpc(fx)->u.nfs3.name, "cmdline.txt");
	x.n = 0;
	reply_hdr(&x, 0x32, 0);
	put32(&x, 2); /* NFS3ERR_NOENT */
	put32(&x, 0); /* dir post_op_attr absent */
	run(fx, false, 6, 2049, &x);
	assert_int_equal(last_rpc(fx)->u.nfs3.status, 2);
	assert_int_equal(last_rpc(fx)->transport, 6);
}

static void test_nfs4_compound(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x41, 100003, 4, 1);
	putstr(&x, "mount");
	put32(&x, 1); /* minorversion */
	put32(&x, 5);
	put32(&x, 53); /* SEQUENCE: sessionid, seq, slot, highest, cachethis */
	putzero(&x, 32);
	put32(&x, 24); /* PUTROOTFH */
	put32(&x, 15); /* LOOKUP srv */
	putstr(&x, "srv");
	put32(&x, 15); /* LOOKUP pi4 */
	putstr(&x, "pi4");
	put32(&x, 10); /* GETFH */
	run(fx, true, 6, 2049, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->kind, RPC_KIND_NFS4);
	assert_string_equal(r->u.nfs4.tag, "mount");
	assert_int_equal(r->u.nfs4.minor, 1);
	assert_int_equal(r->u.nfs4.nops, 5);
	assert_int_equal(r->u.nfs4.nrec, 5);
	assert_int_equal(r->u.nfs4.ndecoded, 5);
	assert_int_equal(r->u.nfs4.op[0], 53);
	assert_int_equal(r->u.nfs4.op[4], 10);
	assert_string_equal(r->u.nfs4.path, "/srv/pi4");
	assert_false(r->u.nfs4.stopped);

	x.n = 0;
	reply_hdr(&x, 0x41, 0);
	put32(&x, 2); /* NFS4ERR_NOENT */
	putstr(&x, "mount");
	put32(&x, 4);
	put32(&x, 53);
	put32(&x, 0);
	putzero(&x, 36);
	put32(&x, 24);
	put32(&x, 0);
	put32(&x, 15);
	put32(&x, 0);
	put32(&x, 15);
	put32(&x, 2);
	run(fx, false, 6, 2049, &x);
	r = last_rpc(fx);
	assert_true(r->matched);
	assert_int_equal(r->u.nfs4.status, 2);
	assert_int_equal(r->u.nfs4.nrec, 4);
	assert_int_equal(r->u.nfs4.op[3], 15);
	assert_int_equal(r->u.nfs4.op_status[2], 0);
	assert_int_equal(r->u.nfs4.op_status[3], 2);
	assert_string_equal(r->u.nfs4.path, "/srv/pi4");
	assert_false(r->body_bad);
}

static void test_nfs4_unknown_op_stops(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x42, 100003, 4, 1);
	putstr(&x, "");
	put32(&x, 0);
	put32(&x, 3);
	put32(&x, 24);
	put32(&x, 9999); /* not an op: its arguments cannot be sized */
	put32(&x, 10);
	run(fx, true, 6, 2049, &x);
	const struct ev_rpc *r = last_rpc(fx);
	assert_true(r->u.nfs4.stopped);
	assert_int_equal(r->u.nfs4.nrec, 2);
	assert_int_equal(r->u.nfs4.ndecoded, 1);
	assert_false(r->body_bad);
}

static void test_nfs4_huge_opcount(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x43, 100003, 4, 1);
	putstr(&x, "");
	put32(&x, 0);
	put32(&x, 0xffffffffu);
	for (int i = 0; i < 100; i++)
		put32(&x, 24); /* PUTROOTFH, no arguments */
	enum dis_status st = run(fx, true, 6, 2049, &x);
	assert_int_equal(st, DIS_INVALID);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->u.nfs4.nops, 0xffffffffu);
	assert_int_equal(r->u.nfs4.nrec, 64); /* recording is capped */
	assert_true(r->body_bad);
	assert_false(r->body_trunc);
	assert_int_equal(fx->nanom[ANOM_INVALID], 1);
}

static void test_xdr_string_past_end(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x51, 100005, 3, 1);
	put32(&x, 1000); /* dirpath says 1000 bytes, 4 follow */
	put32(&x, 0x2f737276);
	assert_int_equal(run(fx, true, 17, 635, &x), DIS_INVALID);
	const struct ev_rpc *r = last_rpc(fx); /* the header is still reported */
	assert_true(r->body_bad);
	assert_int_equal(r->u.mnt.path_len, 0);
	assert_int_equal(fx->nanom[ANOM_INVALID], 1);

	/* an NFSv3 LOOKUP name whose length cannot be padded to 32 bits */
	x.n = 0;
	call_hdr(&x, 0x52, 100003, 3, 3);
	putbytes(&x, "fh", 2);
	put32(&x, 0xfffffffeu);
	put32(&x, 0);
	assert_int_equal(run(fx, true, 17, 2049, &x), DIS_INVALID);
	assert_true(last_rpc(fx)->body_bad);
}

static void test_read_reply_length_lies(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x53, 100003, 3, 6);
	putbytes(&x, "fh", 2);
	put64(&x, 0);
	put32(&x, 4096);
	run(fx, true, 17, 2049, &x);
	x.n = 0;
	reply_hdr(&x, 0x53, 0);
	put32(&x, 0);
	put32(&x, 0);          /* no attributes */
	put32(&x, 4096);       /* count */
	put32(&x, 0);          /* eof */
	put32(&x, 0x7fffffff); /* data length lies */
	putzero(&x, 16);
	assert_int_equal(run(fx, false, 17, 2049, &x), DIS_INVALID);
	const struct ev_rpc *r = last_rpc(fx);
	assert_true(r->matched);
	assert_int_equal(r->u.nfs3.count, 4096);
	assert_true(r->body_bad);
}

static void test_bad_credentials(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	/* credential length 0xffffffff: no RPC event, one anomaly */
	put32(&x, 0x61);
	put32(&x, 0);
	put32(&x, 2);
	put32(&x, 100003);
	put32(&x, 3);
	put32(&x, 17);
	put32(&x, 1);
	put32(&x, 0xffffffffu);
	putzero(&x, 32);
	assert_int_equal(run(fx, true, 17, 2049, &x), DIS_INVALID);
	assert_int_equal(count_rpc(fx), 0);
	assert_int_equal(fx->nanom[ANOM_INVALID], 1);

	/* unknown flavour 99 with an 8-byte body: reported, and decoding goes on */
	x.n = 0;
	put32(&x, 0x62);
	put32(&x, 0);
	put32(&x, 2);
	put32(&x, 100005);
	put32(&x, 3);
	put32(&x, 1);
	put32(&x, 99);
	putbytes(&x, "12345678", 8);
	put32(&x, 0);
	put32(&x, 0);
	putstr(&x, "/export");
	assert_int_equal(run(fx, true, 17, 635, &x), DIS_OK);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->auth_flavor, 99);
	assert_string_equal(r->u.mnt.path, "/export");
	assert_int_equal(fx->nanom[ANOM_INVALID], 2);
}

static void test_denied_and_unknown_prog(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x71, 100024, 1, 2); /* status monitor: not in the table */
	assert_int_equal(run(fx, true, 17, 111, &x), DIS_OK);
	const struct ev_rpc *r = last_rpc(fx);
	assert_int_equal(r->prog, 100024);
	assert_int_equal(r->kind, RPC_KIND_NONE);
	assert_null(r->proc_name);
	x.n = 0;
	put32(&x, 0x71);
	put32(&x, 1);
	put32(&x, 1); /* MSG_DENIED */
	put32(&x, 1); /* AUTH_ERROR */
	put32(&x, 5); /* AUTH_TOOWEAK */
	assert_int_equal(run(fx, false, 17, 111, &x), DIS_OK);
	r = last_rpc(fx);
	assert_true(r->matched);
	assert_int_equal(r->prog, 100024);
	assert_int_equal(r->reply_stat, 1);
	assert_int_equal(r->reject_stat, 1);
	assert_int_equal(r->auth_stat, 5);
}

static void test_xid_table_cap(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	for (uint32_t i = 0; i < 70; i++) {
		x.n = 0;
		call_hdr(&x, 0x1000 + i, 100003, 3, 0);
		run(fx, true, 17, 2049, &x);
	}
	assert_int_equal(fx->nanom[ANOM_CAP_RPC_XIDS], 6);
	/* the newest calls still match, the oldest were forgotten */
	x.n = 0;
	reply_hdr(&x, 0x1000 + 69, 0);
	run(fx, false, 17, 2049, &x);
	assert_true(last_rpc(fx)->matched);
	x.n = 0;
	reply_hdr(&x, 0x1000, 0);
	run(fx, false, 17, 2049, &x);
	assert_false(last_rpc(fx)->matched);
	/* the table grew 8 -> 64 keeping age order: exactly the six oldest went */
	x.n = 0;
	reply_hdr(&x, 0x1000 + 5, 0);
	run(fx, false, 17, 2049, &x);
	assert_false(last_rpc(fx)->matched);
	x.n = 0;
	reply_hdr(&x, 0x1000 + 6, 0);
	run(fx, false, 17, 2049, &x);
	assert_true(last_rpc(fx)->matched);
}

/* Calls answered in turn never fill the table: nothing is forgotten over many of them, and a
 * late duplicate of a recent reply still finds its call. */
static void test_xid_answered_calls(void **state)
{
	struct fixture *fx = *state;
	struct xdr x = {.n = 0};
	for (uint32_t i = 0; i < 200; i++) {
		x.n = 0;
		call_hdr(&x, 0x2000 + i, 100003, 3, 0);
		run(fx, true, 17, 2049, &x);
		x.n = 0;
		reply_hdr(&x, 0x2000 + i, 0);
		run(fx, false, 17, 2049, &x);
		assert_true(last_rpc(fx)->matched);
	}
	assert_int_equal(fx->nanom[ANOM_CAP_RPC_XIDS], 0);
	x.n = 0;
	reply_hdr(&x, 0x2000 + 199 - 4, 0);
	run(fx, false, 17, 2049, &x);
	assert_true(last_rpc(fx)->matched);
}

/* ---- whole frames, for captures the snaplen cut (caplen < wire length) ---- */

/* Ethernet + IPv4 + UDP/TCP frame around `x`, of which only `cap_payload` bytes were captured. */
static void send_frame(struct fixture *fx, bool from_cli, uint8_t proto, uint16_t srv_port,
                       uint32_t seq, const struct xdr *x, size_t cap_payload)
{
	static uint8_t fr[14 + 20 + 20 + 4096];
	static nbt_time now = 2000 * NBT_NS_PER_SEC;
	memset(fr, 0, sizeof(fr));
	fr[12] = 0x08; /* IPv4 */
	uint8_t *ip = fr + 14, *l4 = ip + 20;
	size_t l4hdr = proto == 6 ? 20 : 8, tot = 20 + l4hdr + x->n;
	uint32_t sip = from_cli ? CLI : SRV, dip = from_cli ? SRV : CLI;
	uint16_t sport = from_cli ? 800 : srv_port, dport = from_cli ? srv_port : 800;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = proto;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(sip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dip >> (24 - 8 * i));
	}
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	if (proto == 6) {
		for (int i = 0; i < 4; i++)
			l4[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		l4[12] = 0x50;
		l4[13] = 0x18; /* PSH, ACK */
		l4[14] = 0xff;
	} else {
		l4[4] = (uint8_t)((8 + x->n) >> 8);
		l4[5] = (uint8_t)(8 + x->n);
	}
	memcpy(l4 + l4hdr, x->b, x->n);
	now += NBT_NS_PER_MS;
	pipeline_frame(fx->p, now, fr, (uint32_t)(14 + 20 + l4hdr + cap_payload),
	               (uint32_t)(14 + tot));
}

static const struct ev_rpc *rpc_of_frame(struct fixture *fx, size_t from)
{
	const struct ev_rpc *r = NULL;
	for (size_t i = from; i < fx->nev; i++)
		if (fx->ev[i].type == EV_RPC) {
			assert_null(r);
			r = &fx->ev[i].u.rpc;
		}
	return r;
}

/*
 * The snaplen keeps the call header (xid .. proc) but cuts the credential: the
 * call is reported with what is certain, flagged, and remembered, so its reply
 * still names the program.  Over UDP to portmap, then over TCP (record mark).
 */
static void test_call_cut_after_header(void **state)
{
	struct fixture *fx = *state;
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x51, 100000, 2, 3);
	put32(&x, 100005);
	put32(&x, 3);
	put32(&x, 6);
	put32(&x, 0);
	size_t n0 = fx->nev;
	send_frame(fx, true, 17, 111, 0, &x, 24 + 2); /* header + half the flavour */
	const struct ev_rpc *r = rpc_of_frame(fx, n0);
	assert_non_null(r);
	assert_false(r->is_reply);
	assert_int_equal(r->xid, 0x51);
	assert_int_equal(r->prog, 100000);
	assert_int_equal(r->vers, 2);
	assert_int_equal(r->proc, 3);
	assert_string_equal(r->proc_name, "GETPORT");
	assert_true(r->cred_cut);
	assert_true(r->body_trunc);
	assert_int_equal(r->machine_len, 0);
	assert_int_equal(r->kind, RPC_KIND_NONE); /* no arguments were read */
	assert_int_equal(fx->nanom[ANOM_TRUNCATED], 1);
	assert_int_equal(fx->nanom[ANOM_INVALID], 0);

	/* The reply (complete) is matched to it. */
	x.n = 0;
	reply_hdr(&x, 0x51, 0);
	put32(&x, 20048);
	n0 = fx->nev;
	send_frame(fx, false, 17, 111, 0, &x, x.n);
	r = rpc_of_frame(fx, n0);
	assert_non_null(r);
	assert_true(r->is_reply);
	assert_true(r->matched);
	assert_int_equal(r->prog, 100000);
	assert_int_equal(r->proc, 3);
	assert_false(r->body_bad);

	/* Cut inside AUTH_SYS (machine name): still truncated, not an invalid credential. */
	x.n = 0;
	call_hdr(&x, 0x52, 100000, 2, 0);
	n0 = fx->nev;
	send_frame(fx, true, 17, 111, 0, &x, 24 + 8 + 6);
	r = rpc_of_frame(fx, n0);
	assert_non_null(r);
	assert_int_equal(r->auth_flavor, 1);
	assert_true(r->cred_cut);
	assert_string_equal(r->machine, "");
	assert_int_equal(fx->nanom[ANOM_INVALID], 0);

	/* TCP: a record whose segment was cut after the header. */
	x.n = 0;
	put32(&x, 0);
	call_hdr(&x, 0x53, 100005, 3, 1);
	putstr(&x, "/srv/nfs/pi4");
	x.b[0] = 0x80;
	x.b[3] = (uint8_t)(x.n - 4);
	n0 = fx->nev;
	send_frame(fx, true, 6, 2049, 1000, &x, 4 + 24);
	r = rpc_of_frame(fx, n0);
	assert_non_null(r);
	assert_int_equal(r->transport, 6);
	assert_int_equal(r->xid, 0x53);
	assert_int_equal(r->prog, 100005);
	assert_int_equal(r->proc, 1);
	assert_true(r->body_trunc);
	x.n = 0;
	put32(&x, 0x80000000u | 28);
	reply_hdr(&x, 0x53, 0);
	put32(&x, 13); /* MNT3ERR_ACCES */
	n0 = fx->nev;
	send_frame(fx, false, 6, 2049, 5000, &x, x.n);
	r = rpc_of_frame(fx, n0);
	assert_non_null(r);
	assert_true(r->matched);
	assert_int_equal(r->prog, 100005);
	assert_int_equal(r->proc, 1);
	assert_true(r->u.mnt.has_status);
	assert_int_equal(r->u.mnt.status, 13);
}

/* Cut inside the header itself: nothing is certain, so only the anomaly goes out. */
static void test_call_cut_in_header(void **state)
{
	struct fixture *fx = *state;
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x61, 100003, 3, 6);
	send_frame(fx, true, 17, 2049, 0, &x, 18); /* xid, type, rpcvers, half of prog */
	assert_int_equal(count_rpc(fx), 0);
	assert_int_equal(fx->nanom[ANOM_TRUNCATED], 1);
	x.n = 0;
	reply_hdr(&x, 0x61, 0);
	send_frame(fx, false, 17, 2049, 0, &x, x.n);
	assert_false(last_rpc(fx)->matched); /* the cut call was not remembered */
}

static void test_probe(void **state)
{
	(void)state;
	struct xdr x = {.n = 0};
	call_hdr(&x, 0x81, 100005, 3, 1);
	putstr(&x, "/x");
	struct nbt_pkt pkt = {.l4proto = 17};
	struct cur c;
	cur_init(&c, x.b, x.n, x.n);
	assert_true(dis_rpc.probe(&c, &pkt));
	x.n = 0;
	call_hdr(&x, 0x81, 100024, 1, 1); /* a program outside the table */
	cur_init(&c, x.b, x.n, x.n);
	assert_false(dis_rpc.probe(&c, &pkt));
	x.n = 0;
	reply_hdr(&x, 0x81, 0); /* replies are never claimed by the heuristic */
	cur_init(&c, x.b, x.n, x.n);
	assert_false(dis_rpc.probe(&c, &pkt));
	cur_init(&c, x.b, 6, 6);
	assert_false(dis_rpc.probe(&c, &pkt));
	/* a MOUNT call on a dynamic port whose credential the snaplen cut */
	x.n = 0;
	call_hdr(&x, 0x82, 100005, 3, 1);
	cur_init(&c, x.b, 26, x.n);
	assert_true(dis_rpc.probe(&c, &pkt));
	/* ... but a wire length with no room for cred and verf is no call */
	cur_init(&c, x.b, 24, 30);
	assert_false(dis_rpc.probe(&c, &pkt));
	/* ... nor is a cut header of a program outside the table */
	x.n = 0;
	call_hdr(&x, 0x83, 100024, 1, 1);
	cur_init(&c, x.b, 26, x.n);
	assert_false(dis_rpc.probe(&c, &pkt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_getport_expect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_getport_unregistered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rpcbind_getaddr, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mnt_ok, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mnt_acces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nfs3_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nfs3_lookup_noent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nfs4_compound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nfs4_unknown_op_stops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nfs4_huge_opcount, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xdr_string_past_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_reply_length_lies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_credentials, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_denied_and_unknown_prog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xid_answered_calls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xid_table_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_call_cut_after_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_call_cut_in_header, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
