/* summary: hand-built event scripts for the client engine and diagnosis tests (no pcaps). */
#ifndef NBT_TEST_CLIENT_SCRIPT_H
#define NBT_TEST_CLIENT_SCRIPT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/event.h"

#define IP4(a, b, c, d)                                                                            \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define SRV   IP4(10, 99, 0, 1)
#define CLI   IP4(10, 99, 0, 122)
#define PI3_X 0x26f30339u

/* One script: a table and a running frame counter; times are seconds from 0. */
struct sc {
	struct client_table *t;
	uint64_t frame;
	struct diag_opts o;
	struct diag_result r;
};

static const uint8_t MAC_PI4[6] = {0xdc, 0xa6, 0x32, 0x79, 0x26, 0xdf};
static const uint8_t MAC_PI3A[6] = {0xb8, 0x27, 0xeb, 0x00, 0x00, 0x01};
static const uint8_t MAC_PI3B[6] = {0xb8, 0x27, 0xeb, 0x00, 0x00, 0x02};
static const uint8_t MAC_PI3C[6] = {0xb8, 0x27, 0xeb, 0x00, 0x00, 0x03};
static const uint8_t MAC_PC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t MAC_SRV[6] = {0x7a, 0x2c, 0x95, 0x70, 0x3c, 0xea};

static uint32_t sc_blk = 1024; /* blksize in force in the TFTP events below */
static uint32_t sc_dhcp_srv = SRV;
static uint16_t sc_dhcp_flags;
static uint32_t sc_dhcp_relay; /* giaddr of the replies below (0: none); the relay sends them */
static uint32_t sc_dhcp_mask;  /* option 1 of the replies below (0: none) */
static uint8_t sc_dhcp_opt43;  /* bytes of an option 43 without the Pi menu (0: none) */
static const char *sc_dhcp_bootfile;      /* option 67 of the replies below (NULL: none) */
/* DHCP_F_* of the replies built below */ /* server id of the replies built below */

static inline struct sc *sc_new(void)
{
	struct sc *s = calloc(1, sizeof(*s));
	s->t = client_table_new();
	diag_defaults(&s->o);
	return s;
}

static inline void sc_free(struct sc *s)
{
	client_table_free(s->t);
	free(s);
}

static inline nbt_time sc_ns(double sec)
{
	return (nbt_time)(sec * 1e9 + 0.5);
}

/* Feeds one event at time `sec`; returns its frame number. */
static inline uint64_t sc_feed(struct sc *s, struct nbt_event *ev, double sec)
{
	ev->frame = ++s->frame;
	ev->ts = sc_ns(sec);
	client_table_tick(s->t, ev->frame, ev->ts);
	client_on_event(s->t, ev);
	return ev->frame;
}

/* Advances the capture clock with a frame that carries no event. */
static inline void sc_idle(struct sc *s, double sec)
{
	client_table_tick(s->t, ++s->frame, sc_ns(sec));
}

static inline void sc_str(struct dhcp_str *d, const char *s)
{
	d->len = (uint16_t)strlen(s);
	memcpy(d->s, s, d->len + 1u);
}

static inline struct nbt_event *sc_ev(enum nbt_ev_type type)
{
	static struct nbt_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	return &ev;
}

/* SC_KERNEL: Linux ip=dhcp (asks for the root path, 17); SC_LAPTOP: a desktop's DHCP;
 * SC_LOADER: a boot loader asking for a TFTP server and boot file (66, 67). */
enum sc_kind {
	SC_PI4,
	SC_PI3,
	SC_PXE,
	SC_IPXE,
	SC_KERNEL,
	SC_KLIBC,
	SC_LAPTOP,
	SC_LOADER,
	SC_UBOOT
};

/* A client DHCP message: firmware (Pi 4 with option 97, Pi 3, PXE ROM) or kernel. */
static inline uint64_t sc_dhcp_req(struct sc *s, double sec, const uint8_t mac[6], uint8_t type,
                                   uint32_t xid, enum sc_kind k)
{
	struct nbt_event *ev = sc_ev(EV_DHCP);
	struct ev_dhcp *d = &ev->u.dhcp;
	ev->has_mac = true;
	memcpy(ev->src_mac, mac, 6);
	ev->dst_ip = 0xffffffffu;
	d->op = 1;
	d->htype = 1;
	d->hlen = 6;
	d->chaddr_len = 6;
	memcpy(d->chaddr, mac, 6);
	d->xid = xid;
	d->msg_type = type;
	if (k == SC_PI4 || k == SC_PI3 || k == SC_PXE || k == SC_IPXE) {
		sc_str(&d->vendor, "PXEClient:Arch:00000:UNDI:002001");
		d->has_arch = true;
	}
	if (k == SC_PI4) {
		d->pi97 = DHCP_PI97_RPI;
		memcpy(d->fourcc, "RPi4", 5);
		d->board_rev = 0x00c03111;
		d->serial = 0x38c128c0;
	} else if (k == SC_PI3) {
		d->pi97 = DHCP_PI97_LEGACY;
		d->serial = 0x1000000u | mac[5];
	} else if (k == SC_IPXE) {
		d->present[175 >> 3] |= (uint8_t)(1u << (175 & 7));
	} else if (k == SC_KLIBC) {
		sc_str(&d->vendor, "Linux ipconfig");
	} else if (k == SC_UBOOT) {
		sc_str(&d->vendor, "U-Boot.armv8"); /* the lab's qemu_arm64 U-Boot */
		d->has_arch = true;
		d->arch = 22;
	} else if (k == SC_KERNEL || k == SC_LAPTOP) {
		/* PI-NETBOOT.md s1: the kernel's list; a laptop's (dhclient-like) lacks 17. */
		static const uint8_t kernel[] = {1, 3, 6, 12, 15, 17, 26, 40, 42};
		static const uint8_t laptop[] = {1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42};
		d->prl_len = k == SC_KERNEL ? sizeof kernel : sizeof laptop;
		memcpy(d->prl, k == SC_KERNEL ? kernel : laptop, d->prl_len);
	} else if (k == SC_LOADER) {
		static const uint8_t loader[] = {1, 3, 66, 67};
		d->prl_len = sizeof loader;
		memcpy(d->prl, loader, sizeof loader);
	}
	return sc_feed(s, ev, sec);
}

/* A server reply; opt66 may be NULL; rpi says whether option 43 names "Raspberry Pi Boot". */
static inline uint64_t sc_dhcp_rep(struct sc *s, double sec, const uint8_t mac[6], uint8_t type,
                                   uint32_t xid, uint32_t yiaddr, uint32_t siaddr,
                                   const char *opt66, bool rpi)
{
	struct nbt_event *ev = sc_ev(EV_DHCP);
	struct ev_dhcp *d = &ev->u.dhcp;
	ev->has_mac = true;
	memcpy(ev->src_mac, MAC_SRV, 6);
	memcpy(ev->dst_mac, mac, 6);
	ev->src_ip = sc_dhcp_relay ? sc_dhcp_relay : sc_dhcp_srv;
	ev->dst_ip = yiaddr;
	d->giaddr = sc_dhcp_relay;
	d->has_subnet = sc_dhcp_mask != 0;
	d->subnet = sc_dhcp_mask;
	d->op = 2;
	d->htype = 1;
	d->hlen = 6;
	d->chaddr_len = 6;
	memcpy(d->chaddr, mac, 6);
	d->xid = xid;
	d->msg_type = type;
	d->yiaddr = type == 6 ? 0 : yiaddr;
	d->siaddr = siaddr;
	d->has_server_id = true;
	d->server_id = sc_dhcp_srv;
	d->flags_nbt = sc_dhcp_flags;
	if (opt66)
		sc_str(&d->tftp_name, opt66);
	if (sc_dhcp_bootfile)
		sc_str(&d->bootfile, sc_dhcp_bootfile);
	d->rpi_boot = rpi;
	d->has_opt43 = rpi || sc_dhcp_opt43;
	d->opt43_len = rpi ? 0 : sc_dhcp_opt43;
	return sc_feed(s, ev, sec);
}

/* A full firmware DORA for a Pi 4 at `sec`, option 66 = 10.99.0.1. */
static inline void sc_pi4_dora(struct sc *s, double sec, uint32_t ip)
{
	sc_dhcp_req(s, sec, MAC_PI4, 1, 0x1234, SC_PI4);
	sc_dhcp_rep(s, sec + 0.01, MAC_PI4, 2, 0x1234, ip, SRV, "10.99.0.1", true);
	sc_dhcp_req(s, sec + 0.02, MAC_PI4, 3, 0x1234, SC_PI4);
	sc_dhcp_rep(s, sec + 0.03, MAC_PI4, 5, 0x1234, ip, SRV, "10.99.0.1", true);
}

/* The kernel's DORA (udhcpc: no option 60). */
static inline void sc_kernel_dora(struct sc *s, double sec, const uint8_t mac[6], uint32_t ip)
{
	sc_dhcp_req(s, sec, mac, 1, 0x777, SC_KERNEL);
	sc_dhcp_rep(s, sec + 0.01, mac, 2, 0x777, ip, 0, NULL, false);
	sc_dhcp_req(s, sec + 0.02, mac, 3, 0x777, SC_KERNEL);
	sc_dhcp_rep(s, sec + 0.03, mac, 5, 0x777, ip, 0, NULL, false);
}

/* TFTP packets; `cli` is the client IP, `from_client` picks the direction. No MACs: the
 * engine must map them through its IP bindings. */
static inline struct nbt_event *sc_tftp(uint8_t op, uint32_t cli, const char *file,
                                        bool from_client)
{
	struct nbt_event *ev = sc_ev(EV_TFTP);
	struct ev_tftp *t = &ev->u.tftp;
	ev->src_ip = from_client ? cli : SRV;
	ev->dst_ip = from_client ? SRV : cli;
	t->opcode = op;
	t->dir = from_client ? TFTP_DIR_CLIENT : TFTP_DIR_SERVER;
	snprintf(t->file, sizeof(t->file), "%s", file);
	t->blksize = sc_blk;
	return ev;
}

static inline uint64_t sc_rrq(struct sc *s, double sec, uint32_t cli, const char *file)
{
	struct nbt_event *ev = sc_tftp(1, cli, file, true);
	ev->u.tftp.opts.have = TFTP_HAVE_TSIZE | TFTP_HAVE_BLKSIZE;
	ev->u.tftp.opts.blksize = 1024;
	return sc_feed(s, ev, sec);
}

static inline uint64_t sc_err(struct sc *s, double sec, uint32_t cli, const char *file,
                              uint16_t code, const char *msg, bool from_client, bool probe)
{
	struct nbt_event *ev = sc_tftp(5, cli, file, from_client);
	ev->u.tftp.err_code = code;
	snprintf(ev->u.tftp.err_msg, sizeof(ev->u.tftp.err_msg), "%s", msg);
	ev->u.tftp.early_terminate = probe;
	return sc_feed(s, ev, sec);
}

static inline uint64_t sc_oack(struct sc *s, double sec, uint32_t cli, const char *file,
                               uint64_t tsize)
{
	struct nbt_event *ev = sc_tftp(6, cli, file, false);
	ev->u.tftp.has_tsize = true;
	ev->u.tftp.tsize = tsize;
	return sc_feed(s, ev, sec);
}

/* DATA block `blk` (1-based) of a `size`-byte file, then the client's ACK. */
static inline uint64_t sc_data(struct sc *s, double sec, uint32_t cli, const char *file,
                               uint64_t blk, uint64_t size, bool ack)
{
	struct nbt_event *ev = sc_tftp(3, cli, file, false);
	struct ev_tftp *t = &ev->u.tftp;
	uint64_t full = size / 1024 + 1;
	t->block = (uint16_t)blk;
	t->block_seq = blk;
	t->bytes = blk * 1024 > size ? size : blk * 1024;
	t->data_len = (uint32_t)(blk == full ? size % 1024 : 1024);
	t->finished = blk == full;
	t->has_tsize = true;
	t->tsize = size;
	uint64_t fr = sc_feed(s, ev, sec);
	if (ack) {
		ev = sc_tftp(4, cli, file, true);
		ev->u.tftp.block = (uint16_t)blk;
		ev->u.tftp.block_seq = blk;
		sc_feed(s, ev, sec + 0.0001);
	}
	return fr;
}

/* A whole file: probe (OACK + ERROR 0) when `probe`, then RRQ, OACK, all blocks. */
static inline void sc_file(struct sc *s, double sec, uint32_t cli, const char *file, uint64_t size)
{
	sc_rrq(s, sec, cli, file);
	sc_oack(s, sec + 0.001, cli, file, size);
	sc_feed(s, sc_tftp(4, cli, file, true), sec + 0.002);
	for (uint64_t b = 1; b <= size / 1024 + 1; b++)
		sc_data(s, sec + 0.002 + (double)b * 0.0001, cli, file, b, size, true);
}

/* ONC RPC: prog/proc with an optional kind-specific tweak by the caller. */
static inline struct nbt_event *sc_rpc(uint32_t cli, uint32_t prog, uint32_t vers, uint32_t proc,
                                       bool reply)
{
	struct nbt_event *ev = sc_ev(EV_RPC);
	struct ev_rpc *r = &ev->u.rpc;
	ev->src_ip = reply ? SRV : cli;
	ev->dst_ip = reply ? cli : SRV;
	r->is_reply = reply;
	r->matched = reply;
	r->prog = prog;
	r->vers = vers;
	r->proc = proc;
	r->kind = prog == 100000   ? RPC_KIND_PORTMAP
	          : prog == 100005 ? RPC_KIND_MOUNT
	          : vers == 4      ? RPC_KIND_NFS4
	                           : RPC_KIND_NFS3;
	return ev;
}

/* What an RPC connection's TCP said (nbt/tcpwatch.h), client cli <-> SRV:port; from_client
 * picks the sender. */
static inline uint64_t sc_tcp(struct sc *s, double sec, uint32_t cli, uint16_t port,
                              enum tcpw_kind k, bool from_client)
{
	struct nbt_event *ev = sc_ev(EV_TCP);
	ev->src_ip = from_client ? cli : SRV;
	ev->dst_ip = from_client ? SRV : cli;
	ev->sport = from_client ? 812 : port;
	ev->dport = from_client ? port : 812;
	ev->l4proto = 6;
	ev->u.tcp.kind = (uint8_t)k;
	return sc_feed(s, ev, sec);
}

static inline void sc_getport(struct sc *s, double sec, uint32_t cli, uint32_t prog, uint32_t port)
{
	struct nbt_event *ev = sc_rpc(cli, 100000, 2, 3, false);
	ev->u.rpc.u.pmap.prog = prog;
	ev->u.rpc.u.pmap.has_query = true;
	sc_feed(s, ev, sec);
	ev = sc_rpc(cli, 100000, 2, 3, true);
	ev->u.rpc.u.pmap.prog = prog;
	ev->u.rpc.u.pmap.has_query = true;
	ev->u.rpc.u.pmap.has_port = true;
	ev->u.rpc.u.pmap.port = port;
	sc_feed(s, ev, sec + 0.001);
}

static inline uint64_t sc_mnt(struct sc *s, double sec, uint32_t cli, const char *path,
                              int status /* -1: no reply */)
{
	struct nbt_event *ev = sc_rpc(cli, 100005, 3, 1, false);
	snprintf(ev->u.rpc.u.mnt.path, sizeof(ev->u.rpc.u.mnt.path), "%s", path);
	ev->u.rpc.u.mnt.path_len = (uint16_t)strlen(path);
	uint64_t fr = sc_feed(s, ev, sec);
	if (status < 0)
		return fr;
	ev = sc_rpc(cli, 100005, 3, 1, true);
	snprintf(ev->u.rpc.u.mnt.path, sizeof(ev->u.rpc.u.mnt.path), "%s", path);
	ev->u.rpc.u.mnt.has_status = true;
	ev->u.rpc.u.mnt.status = (uint32_t)status;
	return sc_feed(s, ev, sec + 0.001);
}

/* NFSv3 call + reply (status -1: no reply). */
static inline uint64_t sc_nfs3(struct sc *s, double sec, uint32_t cli, uint32_t proc, int status)
{
	uint64_t fr = sc_feed(s, sc_rpc(cli, 100003, 3, proc, false), sec);
	if (status < 0)
		return fr;
	struct nbt_event *ev = sc_rpc(cli, 100003, 3, proc, true);
	ev->u.rpc.u.nfs3.has_status = true;
	ev->u.rpc.u.nfs3.status = (uint32_t)status;
	return sc_feed(s, ev, sec + 0.001);
}

/* NFSv4 COMPOUND PUTROOTFH + LOOKUP path (+ GETFH); `fail` is the LOOKUP status. */
static inline uint64_t sc_nfs4_lookup(struct sc *s, double sec, uint32_t cli, const char *path,
                                      uint32_t fail)
{
	struct nbt_event *ev = sc_rpc(cli, 100003, 4, 1, false);
	struct rpc_nfs4 *n = &ev->u.rpc.u.nfs4;
	n->nrec = n->ndecoded = 3;
	n->op[0] = 24;
	n->op[1] = 15;
	n->op[2] = 10;
	snprintf(n->path, sizeof(n->path), "%s", path);
	sc_feed(s, ev, sec);
	ev = sc_rpc(cli, 100003, 4, 1, true);
	n = &ev->u.rpc.u.nfs4;
	n->nrec = n->ndecoded = fail ? 2 : 3;
	n->op[0] = 24;
	n->op[1] = 15;
	n->op[2] = 10;
	n->op_status[1] = fail;
	n->status = fail;
	snprintf(n->path, sizeof(n->path), "%s", path);
	return sc_feed(s, ev, sec + 0.001);
}

static inline uint64_t sc_arp(struct sc *s, double sec, const uint8_t mac[6], uint32_t spa,
                              uint32_t tpa, bool reply)
{
	struct nbt_event *ev = sc_ev(EV_ARP);
	ev->has_mac = true;
	ev->u.arp.op = reply ? 2 : 1;
	memcpy(reply ? ev->u.arp.tha : ev->u.arp.sha, mac, 6);
	if (reply)
		memcpy(ev->u.arp.sha, MAC_SRV, 6);
	ev->u.arp.spa = spa;
	ev->u.arp.tpa = tpa;
	return sc_feed(s, ev, sec);
}

/* ICMP port unreachable from `from` about a UDP datagram from `qsrc` to `qdst`:`port`. */
static inline uint64_t sc_unreach(struct sc *s, double sec, uint32_t from, uint32_t qsrc,
                                  uint32_t qdst, uint16_t port)
{
	struct nbt_event *ev = sc_ev(EV_ICMP);
	ev->src_ip = from;
	ev->dst_ip = qsrc;
	ev->u.icmp.type = 3;
	ev->u.icmp.code = 3;
	ev->u.icmp.q_proto = 17;
	ev->u.icmp.q_src = qsrc;
	ev->u.icmp.q_dst = qdst;
	ev->u.icmp.q_dport = port;
	ev->u.icmp.q_sport = 1234;
	ev->u.icmp.q_has_ports = true;
	return sc_feed(s, ev, sec);
}

/* The server refuses the client's datagram to `port`. */
static inline uint64_t sc_icmp(struct sc *s, double sec, uint32_t cli, uint16_t port)
{
	return sc_unreach(s, sec, SRV, cli, SRV, port);
}

static inline const struct client *sc_client(struct sc *s, const uint8_t mac[6])
{
	for (size_t i = 0; i < client_count(s->t); i++) {
		const struct client *c = client_get(s->t, i);
		if (c->has_mac && memcmp(c->mac, mac, 6) == 0)
			return c;
	}
	return NULL;
}

/* Diagnoses the client's latest attempt at the capture's last frame time. */
static inline const struct diag_result *sc_diag(struct sc *s, const uint8_t mac[6])
{
	const struct client *c = sc_client(s, mac);
	if (!c || !client_last_attempt(c))
		return NULL;
	diag_client(c, client_table_capture(s->t), &s->o, client_table_capture(s->t)->last.ts,
	            &s->r);
	return &s->r;
}

/* The primary finding's code, DIAG_CODE__COUNT when there is none. */
static inline enum diag_code sc_code(const struct diag_result *r)
{
	return r && r->primary >= 0 ? r->f[r->primary].code : DIAG_CODE__COUNT;
}

/* Asserts the primary finding's code; a failure names both codes (cmocka would print numbers). */
#define sc_assert_code(r, want)                                                                    \
	do {                                                                                       \
		enum diag_code sc_got_ = sc_code(r);                                               \
		if (sc_got_ != (want))                                                             \
			fail_msg("primary code %s, expected %s",                                   \
			         sc_got_ == DIAG_CODE__COUNT ? "(none)" : diag_code_name(sc_got_), \
			         diag_code_name(want));                                            \
	} while (0)

static inline const struct diag_finding *sc_find(const struct diag_result *r, enum diag_code code)
{
	for (uint8_t i = 0; r && i < r->n; i++)
		if (r->f[i].code == code)
			return &r->f[i];
	return NULL;
}

static inline const char *sc_sum(const struct diag_finding *f)
{
	return f ? f->summary : "";
}

static inline bool sc_has_frame(const struct diag_finding *f, uint64_t frame)
{
	for (uint8_t i = 0; f && i < f->nevidence; i++)
		if (f->evidence[i].frame == frame)
			return true;
	return false;
}

/* Firmware files of a healthy Pi 4 boot under the serial folder, from `sec`. */
static inline void sc_pi4_files(struct sc *s, double sec, uint32_t ip, const char *dir)
{
	static const char *const fw[] = {"config.txt",  "start4.elf",          "fixup4.dat",
	                                 "cmdline.txt", "bcm2711-rpi-4-b.dtb", "kernel8.img"};
	char name[128];
	for (size_t i = 0; i < sizeof(fw) / sizeof(fw[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", dir, fw[i]);
		sc_file(s, sec + (double)i * 0.1, ip, name, 3000 + i * 700);
	}
}

#endif
