/* summary: portmap v2 and rpcbind v3/v4 (RFC 1833): GETPORT/GETADDR queries, DUMP, expectations. */
#include <string.h>

#include "nbt/dissect.h"
#include "nbt/rpc.h"
#include "nbt/proto/rpc.h"
#include "rpc_prog.h"

#define RPCB_STR_MAX   255 /* netid, uaddr, owner: no RFC limit; anything longer is not real */
#define PMAP_EXPECT_S  60
#define PMAP_PROTO_TCP 6
#define PMAP_PROTO_UDP 17

static const char *const pmap_v2_names[] = {"NULL", "SET", "UNSET", "GETPORT", "DUMP", "CALLIT"};
static const char *const rpcb_names[] = {
    "NULL",        "SET",         "UNSET",       "GETADDR",  "DUMP",        "CALLIT",  "GETTIME",
    "UADDR2TADDR", "TADDR2UADDR", "GETVERSADDR", "INDIRECT", "GETADDRLIST", "GETSTAT",
};

const char *portmap_proc_name(uint32_t vers, uint32_t proc)
{
	if (vers == 2 && proc < sizeof(pmap_v2_names) / sizeof(pmap_v2_names[0]))
		return pmap_v2_names[proc];
	if (vers == 3 && proc <= 8)
		return proc == 5 ? "CALLIT" : rpcb_names[proc];
	if (vers == 4 && proc < sizeof(rpcb_names) / sizeof(rpcb_names[0]))
		return proc == 5 ? "BCAST" : rpcb_names[proc];
	return NULL;
}

/* rpcbind netids (RFC 1833 s2.1 / RFC 5665): "udp", "tcp", "udp6", "tcp6". */
static uint32_t rpcb_netid_proto(const struct span *s)
{
	if (s->len >= 3 && s->p && memcmp(s->p, "udp", 3) == 0)
		return PMAP_PROTO_UDP;
	if (s->len >= 3 && s->p && memcmp(s->p, "tcp", 3) == 0)
		return PMAP_PROTO_TCP;
	return 0;
}

/* struct rpcb (RFC 1833 s2.1): prog, vers, netid, addr, owner. */
static void rpcb_read(struct cur *c, struct rpc_portmap *m)
{
	m->prog = cur_xdr_u32(c);
	m->vers = cur_xdr_u32(c);
	struct span netid = cur_xdr_opaque(c, RPCB_STR_MAX);
	cur_xdr_opaque(c, RPCB_STR_MAX); /* r_addr */
	cur_xdr_opaque(c, RPCB_STR_MAX); /* r_owner */
	m->prot = rpcb_netid_proto(&netid);
	m->has_query = true;
}

/* struct mapping (RFC 1833 s3.1): prog, vers, prot, port. */
static void pmap_mapping(struct cur *c, struct rpc_portmap *m)
{
	m->prog = cur_xdr_u32(c);
	m->vers = cur_xdr_u32(c);
	m->prot = cur_xdr_u32(c);
	cur_xdr_u32(c); /* port: ignored in GETPORT */
	m->has_query = true;
}

void portmap_call(struct cur *c, struct rpc_body *b)
{
	struct rpc_portmap *m = &b->ev->u.pmap;
	uint32_t proc = b->ev->proc;
	b->ev->kind = RPC_KIND_PORTMAP;
	if (proc == PMAP_NULL || proc == PMAP_DUMP)
		return;
	if (b->ev->vers == 2 && proc >= PMAP_SET && proc <= PMAP_GETPORT) {
		pmap_mapping(c, m);
	} else if (b->ev->vers == 2 && proc == PMAP_CALLIT) {
		m->prog = cur_xdr_u32(c);
		m->vers = cur_xdr_u32(c);
		m->has_query = true;
	} else if ((b->ev->vers == 3 || b->ev->vers == 4) &&
	           (proc == PMAP_SET || proc == PMAP_UNSET || proc == PMAP_GETPORT ||
	            proc == RPCB_GETVERSADDR)) {
		rpcb_read(c, m);
	}
	if (m->has_query && cur_ok(c)) {
		b->saved->prog = m->prog;
		b->saved->vers = m->vers;
		b->saved->prot = m->prot;
		b->saved->has_query = true;
	}
}

static bool uaddr_num(const uint8_t *p, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	if (len == 0 || len > 3)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(p[i] - '0');
	}
	if (v > 255)
		return false;
	*out = v;
	return true;
}

/*
 * Universal address (RFC 5665 s5.2.3.3): "h1.h2.h3.h4.p1.p2" for IPv4; IPv6
 * forms also end in ".p1.p2".  Returns false if no port can be read.
 */
static bool uaddr_parse(const struct span *s, uint32_t *ip, uint32_t *port)
{
	uint32_t f[6];
	size_t nf = 0, start = 0, end = s->len;
	size_t dots[6];
	size_t nd = 0;
	for (size_t i = s->len; i > 0 && nd < 6; i--)
		if (s->p[i - 1] == '.')
			dots[nd++] = i - 1;
	if (nd < 2)
		return false;
	/* the last two fields are the port */
	if (!uaddr_num(s->p + dots[0] + 1, end - dots[0] - 1, &f[1]) ||
	    !uaddr_num(s->p + dots[1] + 1, dots[0] - dots[1] - 1, &f[0]))
		return false;
	*port = f[0] << 8 | f[1];
	*ip = 0;
	if (nd != 5)
		return true;
	for (size_t i = 0; i < 4; i++) {
		size_t from = i == 0 ? start : dots[5 - i] + 1;
		size_t to = dots[4 - i];
		if (!uaddr_num(s->p + from, to - from, &f[nf]))
			return true;
		nf++;
	}
	*ip = f[0] << 24 | f[1] << 16 | f[2] << 8 | f[3];
	return true;
}

/* A service registered at a port: decode the traffic the caller sends there next. */
static void pmap_expect(struct rpc_body *b, const struct rpc_portmap *m)
{
	if (!m->port || m->port > 0xffff ||
	    (m->prot != PMAP_PROTO_UDP && m->prot != PMAP_PROTO_TCP))
		return;
	struct flow_expect e = {
	    .l4proto = (uint8_t)m->prot,
	    .cli_ip = b->pkt->dst_ip,
	    .srv_ip = m->addr ? m->addr : b->pkt->src_ip,
	    .cli_port = 0,
	    .srv_port = (uint16_t)m->port,
	    .dis = &dis_rpc,
	    .ttl = PMAP_EXPECT_S * NBT_NS_PER_SEC,
	};
	dis_expect(b->ctx, &e, NULL, 0);
}

/* pmaplist (RFC 1833 s3.1) / rpcblist (s2.1): value-follows linked lists. */
static void pmap_dump_reply(struct cur *c, struct rpc_portmap *m, uint32_t vers)
{
	while (cur_xdr_bool(c) && cur_ok(c)) {
		if (vers == 2)
			cur_skip(c, 16);
		else {
			struct rpc_portmap tmp;
			rpcb_read(c, &tmp);
		}
		if (++m->nmaps >= PMAP_DUMP_MAX) {
			cur_fail(c, CUR_INVALID, "portmap DUMP list too long");
			return;
		}
	}
}

void portmap_reply(struct cur *c, struct rpc_body *b)
{
	struct rpc_portmap *m = &b->ev->u.pmap;
	uint32_t proc = b->ev->proc, vers = b->ev->vers;
	b->ev->kind = RPC_KIND_PORTMAP;
	if (b->saved->has_query) {
		m->prog = b->saved->prog;
		m->vers = b->saved->vers;
		m->prot = b->saved->prot;
		m->has_query = true;
	}
	if (proc == PMAP_SET || proc == PMAP_UNSET) {
		m->result = cur_xdr_u32(c);
	} else if (proc == PMAP_DUMP) {
		pmap_dump_reply(c, m, vers);
	} else if (vers == 2 && (proc == PMAP_GETPORT || proc == PMAP_CALLIT)) {
		m->port = cur_xdr_u32(c);
		m->has_port = cur_ok(c);
		if (proc == PMAP_GETPORT && m->has_port)
			pmap_expect(b, m);
	} else if (vers >= 3 && (proc == PMAP_GETPORT || proc == RPCB_GETVERSADDR)) {
		struct span ua = cur_xdr_opaque(c, RPCB_STR_MAX);
		/* an empty uaddr means "not registered" (RFC 1833 s2.2.1) */
		if (cur_ok(c) && (ua.len == 0 || uaddr_parse(&ua, &m->addr, &m->port))) {
			m->has_port = true;
			pmap_expect(b, m);
		}
	}
}
