/* summary: ONC RPC client logic (RFC 5531): portmap GETPORT (RFC 1833), MOUNT (RFC 1813 s5),
 * NFSv3 (RFC 1813) and NFSv4 (RFC 7530) calls and replies up to the root in use. */
#include <string.h>

#include "client_priv.h"
#include "nbt/fmt.h"
#include "nbt/proto/rpc.h"

/* MSG_DENIED, or accepted with an error (RFC 5531 s9): the program never saw the call. */
static bool client_rpc_refused(const struct ev_rpc *r)
{
	return r->reply_stat != RPC_MSG_ACCEPTED || r->accept_stat != RPC_SUCCESS;
}

/* MOUNT v1 goes with NFSv2 (RFC 1094 appendix A), MOUNT v3 with NFSv3. A Linux kernel built
 * with NFSv2 mounts nfsroot= with it unless cmdline.txt says vers= (fs/nfs/nfsroot.c,
 * NFS_DEF_OPTIONS "vers=2,tcp,..." under CONFIG_NFS_V2). */
static bool client_rpc_is_v2(uint32_t prog, uint32_t vers)
{
	return (prog == RPC_PROG_MOUNT && vers == 1) || (prog == RPC_PROG_NFS && vers == 2);
}

static void client_rpc_vers_note(struct client_rpc *s, const struct nbt_event *ev, uint32_t prog,
                                 uint32_t vers, uint32_t stat)
{
	if (s->vers_fail.frame)
		return;
	client_mark_set(&s->vers_fail, ev);
	s->vers_call.frame = ev->u.rpc.call_frame;
	s->vers_call.ts = ev->u.rpc.call_ts;
	s->vers_prog = prog;
	s->vers_asked = vers;
	s->vers_stat = stat;
	s->vers_lo = ev->u.rpc.mismatch_lo;
	s->vers_hi = ev->u.rpc.mismatch_hi;
}

/*
 * The server has no such version of the program (RFC 5531 s9): PROG_MISMATCH, with the lowest
 * and highest versions it has; PROG_UNAVAIL; or, for the NFSv2-era MOUNT v1, PROC_UNAVAIL (what
 * nfs-ganesha answers: MOUNT v1 is registered but has no procedures). Logged; true if so.
 */
static bool client_rpc_version_refused(struct client_table *t, struct client_attempt *a,
                                       enum client_stage st, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	if (r->reply_stat != RPC_MSG_ACCEPTED || !r->matched ||
	    !(r->accept_stat == RPC_PROG_MISMATCH || r->accept_stat == RPC_PROG_UNAVAIL ||
	      (r->accept_stat == RPC_PROC_UNAVAIL && client_rpc_is_v2(r->prog, r->vers))))
		return false;
	client_rpc_vers_note(&a->rpc, ev, r->prog, r->vers, r->accept_stat);
	const char *prog = r->prog == RPC_PROG_MOUNT ? "MOUNT" : "NFS";
	if (r->accept_stat == RPC_PROG_MISMATCH)
		client_log(t, a, st, ev, "%s v%u refused: the server has versions %u to %u", prog,
		           r->vers, r->mismatch_lo, r->mismatch_hi);
	else
		client_log(t, a, st, ev, "%s v%u refused: %s", prog, r->vers,
		           r->accept_stat == RPC_PROG_UNAVAIL
		               ? "no such program on the server"
		               : "the server has no procedures for it");
	return true;
}

/* A MOUNT/NFS reply whose status the snaplen cut off: neither success nor failure.  True for
 * the first of the attempt. */
static bool client_rpc_cut(struct client_rpc *s, const struct nbt_event *ev)
{
	if (s->cut_replies++)
		return false;
	client_mark_set(&s->cut_first, ev);
	return true;
}

static bool client_rpc_nfs4_has(const struct rpc_nfs4 *n, uint32_t op)
{
	for (uint8_t i = 0; i < n->nrec; i++)
		if (n->op[i] == op)
			return true;
	return false;
}

static void client_rpc_portmap(struct client_table *t, struct client_attempt *a,
                               const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_rpc *s = &a->rpc;
	const struct rpc_portmap *pm = &r->u.pmap;
	client_touch(a, CLIENT_ST_PORTMAP, ev);
	if (!r->is_reply) {
		client_span_add(&s->pmap_call, ev);
		if (r->kind == RPC_KIND_PORTMAP && pm->has_query)
			client_log(t, a, CLIENT_ST_PORTMAP, ev, "portmap %s prog %u v%u",
			           r->proc_name ? r->proc_name : "call", pm->prog, pm->vers);
		return;
	}
	client_span_add(&s->pmap_reply, ev);
	if (r->kind == RPC_KIND_PORTMAP && pm->has_port) {
		/* Port 0: the program is not registered (RFC 1833 s3.2, PMAPPROC_GETPORT). */
		if (pm->port == 0 && !s->pmap_zero.frame) {
			client_mark_set(&s->pmap_zero, ev);
			s->pmap_zero_prog = pm->prog;
		}
		/* Not registered in the version an NFSv2 mount needs: a version mismatch. */
		if (pm->port == 0 && client_rpc_is_v2(pm->prog, pm->vers))
			client_rpc_vers_note(s, ev, pm->prog, pm->vers, CLIENT_VERS_BY_PORTMAP);
		client_log(t, a, CLIENT_ST_PORTMAP, ev, "portmap reply: prog %u at port %u",
		           pm->prog, pm->port);
	}
}

static void client_rpc_mount(struct client_table *t, struct client_attempt *a,
                             const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	client_touch(a, CLIENT_ST_MOUNT, ev);
	if (r->proc != MNT_MNT) /* NULL/UMNT/EXPORT are not the mount itself */
		return;
	struct client_rpc *s = &a->rpc;
	const struct rpc_mount *m = &r->u.mnt;
	if (!r->is_reply) {
		client_span_add(&s->mnt_call, ev);
		if (r->kind == RPC_KIND_MOUNT && m->path_len)
			client_copy(s->mnt_path, sizeof(s->mnt_path), m->path);
		client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT %s v%u", s->mnt_path, r->vers);
		return;
	}
	client_span_add(&s->mnt_reply, ev);
	if (client_rpc_version_refused(t, a, CLIENT_ST_MOUNT, ev))
		return;
	bool rejected = client_rpc_refused(r);
	if (!rejected && (r->kind != RPC_KIND_MOUNT || !m->has_status)) {
		client_rpc_cut(s, ev);
		client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT reply %s (status not captured)",
		           s->mnt_path);
		return;
	}
	/* A refusal by RPC reads as the server refusing the mount. */
	uint32_t status = rejected
	                      ? MNT3ERR_ACCES
	                      : (r->kind == RPC_KIND_MOUNT && m->has_status ? m->status : MNT3_OK);
	if (status != MNT3_OK && !s->mnt_fail.frame) {
		client_mark_set(&s->mnt_fail, ev);
		s->mnt_status = status;
	}
	client_log(t, a, CLIENT_ST_MOUNT, ev, "MNT reply %s%s (status %u)", s->mnt_path,
	           rejected ? " rejected by RPC" : "", status);
}

static void client_rpc_nfs_fail(struct client_rpc *s, const struct nbt_event *ev, uint32_t status,
                                uint32_t op, const char *path)
{
	s->nfs_errors++;
	if (s->nfs_fail.frame)
		return;
	client_mark_set(&s->nfs_fail, ev);
	s->nfs_status = status;
	s->nfs_vers = ev->u.rpc.vers;
	s->nfs_fail_op = op;
	client_copy(s->nfs_path, sizeof(s->nfs_path), path);
}

/* An NFSv4 mount is a COMPOUND of PUTROOTFH + LOOKUP (RFC 7530 s16): until the root is in
 * use NFSv4 is the mount stage. */
static void client_rpc_nfs(struct client_table *t, struct client_attempt *a,
                           const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_rpc *s = &a->rpc;
	bool v4 = r->vers == NFS_V4;
	const struct rpc_nfs4 *n4 = &r->u.nfs4;
	s->v4 |= v4;
	enum client_stage st = (v4 && !s->root_in_use.frame) ? CLIENT_ST_MOUNT : CLIENT_ST_NFS;
	if (!r->is_reply) {
		if (!s->nfs_call.count)
			client_log(t, a, st, ev, "first NFSv%u call %s", r->vers,
			           r->proc_name ? r->proc_name : "");
		client_span_add(&s->nfs_call, ev);
		client_touch(a, st, ev);
		if (v4 && r->kind == RPC_KIND_NFS4 && !s->v4_root_logged &&
		    client_rpc_nfs4_has(n4, NFS4_OP_PUTROOTFH) && n4->path_len) {
			s->v4_root_logged = true;
			client_log(t, a, st, ev, "NFSv4 PUTROOTFH + LOOKUP %s", n4->path);
		}
		return;
	}
	client_span_add(&s->nfs_reply, ev);
	if (client_rpc_version_refused(t, a, st, ev)) {
		client_touch(a, st, ev);
		return;
	}
	bool refused = client_rpc_refused(r);
	bool null_proc = r->proc == (v4 ? NFS4_NULL : NFS3_NULL); /* a ping: says nothing */
	uint32_t nfs_ok = v4 ? NFS4_OK : NFS3_OK;
	/* A refusal by RPC reads as status PERM (1 in NFSv3 and NFSv4 alike). */
	uint32_t status, op = r->proc, status_refused = v4 ? NFS4ERR_PERM : NFS3ERR_PERM;
	bool use;
	if (v4 && r->kind == RPC_KIND_NFS4) {
		status = refused ? status_refused : n4->status;
		/* A COMPOUND stops at its first failing op (RFC 7530 s15.2): that op failed. */
		for (uint8_t i = 0; status != NFS4_OK && i < n4->nrec && i < n4->ndecoded; i++)
			if (n4->op_status[i] != NFS4_OK) {
				op = n4->op[i];
				break;
			}
		use = client_rpc_nfs4_has(n4, NFS4_OP_LOOKUP) ||
		      client_rpc_nfs4_has(n4, NFS4_OP_PUTFH) ||
		      client_rpc_nfs4_has(n4, NFS4_OP_READ) ||
		      client_rpc_nfs4_has(n4, NFS4_OP_READDIR);
	} else {
		status = refused
		             ? status_refused
		             : (r->kind == RPC_KIND_NFS3 && r->u.nfs3.has_status ? r->u.nfs3.status
		                                                                 : NFS3_OK);
		use = !null_proc;
	}
	bool unknown = !refused && !null_proc &&
	               (v4 ? (r->kind != RPC_KIND_NFS4 || (r->body_trunc && !n4->nrec))
	                   : (r->kind != RPC_KIND_NFS3 || !r->u.nfs3.has_status));
	if (unknown) {
		if (client_rpc_cut(s, ev))
			client_log(t, a, st, ev, "NFSv%u %s reply: status not captured", r->vers,
			           r->proc_name ? r->proc_name : "");
		client_touch(a, st, ev);
		return;
	}
	bool ok = status == nfs_ok;
	/* NOENT while the root is in use is a lookup of a file that is not there: normal. */
	uint32_t noent = v4 ? NFS4ERR_NOENT : NFS3ERR_NOENT;
	if (ok && use && !s->root_in_use.frame) {
		client_mark_set(&s->root_in_use, ev);
		st = CLIENT_ST_NFS;
		client_log(t, a, st, ev, "NFSv%u root in use (%s ok)", r->vers,
		           r->proc_name ? r->proc_name : "call");
	} else if (!ok && !(s->root_in_use.frame && status == noent)) {
		const char *path = v4 ? n4->path : r->u.nfs3.name;
		if (!s->nfs_fail.frame)
			client_log(t, a, st, ev, "NFSv%u %s error %u%s%s", r->vers,
			           r->proc_name ? r->proc_name : "reply", status,
			           path[0] ? " on " : "", path);
		client_rpc_nfs_fail(s, ev, status, op, path);
	}
	client_touch(a, st, ev);
}

/* The client's end of an RPC: the caller. */
static struct client *client_rpc_client(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	uint32_t ip = r->is_reply ? ev->dst_ip : ev->src_ip;
	struct client *c = client_find_by_ip(t, ip);
	if (c || !ip)
		return c;
	if (ev->has_mac && !r->is_reply && (c = client_find_by_mac(t, ev->src_mac)) != NULL) {
		client_bind(t, ip, ev->src_mac);
		return c;
	}
	/* A Raspberry Pi calling portmap/MOUNT/NFS in a capture that began after its DHCP: a Pi
	 * whose boot is under way (its NFS root in use), reported with what the capture shows
	 * (the attempt starts mid-boot). Any other machine's NFS is not a sign of a boot. */
	if (ev->has_mac && !r->is_reply && client_is_pi_oui(ev->src_mac) &&
	    (c = client_add(t, ev->src_mac, ip)) != NULL) {
		client_bind(t, ip, ev->src_mac);
		return c;
	}
	return NULL; /* NFS of a machine whose boot was not seen: not a booting client */
}

void client_rpc_on_event(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	struct client_attempt *a = client_note_boot_event(t, client_rpc_client(t, ev));
	if (!a)
		return;
	struct client_rpc *s = &a->rpc;
	if (r->is_reply) {
		t->cap.towards_clients++;
		s->unanswered_count = 0;
	} else {
		t->cap.from_clients++;
		s->server = ev->dst_ip;
		client_link_check_dst(t, a, ev, "RPC call");
		if (s->unanswered_count < CLIENT_RPC_CITED)
			client_mark_set(&s->unanswered[s->unanswered_count], ev);
		s->unanswered_count++;
	}
	if (r->prog == RPC_PROG_PORTMAP)
		client_rpc_portmap(t, a, ev);
	else if (r->prog == RPC_PROG_MOUNT)
		client_rpc_mount(t, a, ev);
	else if (r->prog == RPC_PROG_NFS)
		client_rpc_nfs(t, a, ev);
	else {
		if (!s->other.count)
			client_log(t, a, CLIENT_ST_NFS, ev, "RPC %s of unknown program (prog %u)",
			           r->is_reply ? "reply" : "call", r->prog);
		client_span_add(&s->other, ev);
		client_touch(a, CLIENT_ST_NFS, ev);
	}
}

enum client_stage client_rpc_port_stage(uint16_t port)
{
	return port == RPC_PORT_PORTMAP ? CLIENT_ST_PORTMAP
	       : port == RPC_PORT_NFS   ? CLIENT_ST_NFS
	                                : CLIENT_ST_MOUNT;
}

void client_rpc_on_tcp(struct client_table *t, const struct nbt_event *ev)
{
	enum tcpw_kind k = ev->u.tcp.kind;
	/* The client is the sender of SYNs and of data sent again; the receiver of the server's
	 * SYN-ACK, reset and bare ACK. */
	bool from_client = k == TCPW_SYN || k == TCPW_RETRANS;
	struct client *c = client_find_by_ip(t, from_client ? ev->src_ip : ev->dst_ip);
	/* A reset from the client itself: it gave its connection up. */
	if (!c && k == TCPW_RST && (c = client_find_by_ip(t, ev->src_ip)) != NULL)
		from_client = true;
	struct client_attempt *a = c ? client_current_attempt(t, c) : NULL;
	if (!a)
		return;
	struct client_rpc *s = &a->rpc;
	uint32_t srv = from_client ? ev->dst_ip : ev->src_ip;
	uint16_t port = from_client ? ev->dport : ev->sport;
	enum client_stage st = client_rpc_port_stage(port);
	switch (k) {
	case TCPW_SYN:
		/* The SYNs still unanswered, to one server port: a new port or server starts over.
		 */
		if (s->tcp_syn.count && (s->tcp_syn_ip != srv || s->tcp_syn_port != port))
			memset(&s->tcp_syn, 0, sizeof(s->tcp_syn));
		s->tcp_syn_ip = srv;
		s->tcp_syn_port = port;
		client_span_add(&s->tcp_syn, ev);
		if (s->tcp_syn.count == 2)
			client_log(t, a, st, ev, "TCP SYN to %s port %u again: no answer yet",
			           fmt_ipv4(srv).s, port);
		if (s->tcp_syn.count >= 2)
			client_touch(a, st, ev);
		break;
	case TCPW_SYNACK:
		memset(&s->tcp_syn, 0, sizeof(s->tcp_syn)); /* answered */
		break;
	case TCPW_RST:
		/* A client closing with a reset is common (libnfs does): a reset says something
		 * only when it refuses a connection or drops calls still waiting for their reply.
		 */
		if (!s->unanswered_count && !s->tcp_syn.count)
			break;
		if (from_client) {
			client_log(t, a, st, ev,
			           "the client reset its TCP connection to %s port %u: "
			           "it gave up waiting",
			           fmt_ipv4(srv).s, port);
			client_mark_set(&s->tcp_gave_up, ev);
			client_touch(a, st, ev);
			break;
		}
		client_log(t, a, st, ev, "TCP reset from %s port %u", fmt_ipv4(srv).s, port);
		client_mark_set(&s->tcp_rst, ev);
		client_touch(a, st, ev);
		break;
	case TCPW_ACKED:
		/* Only while calls wait for their reply: then the server's host has them. */
		if (s->unanswered_count)
			client_mark_set(&s->tcp_acked, ev);
		break;
	case TCPW_RETRANS:
		if (!s->tcp_retrans.count)
			client_log(t, a, st, ev, "TCP data to %s port %u sent again",
			           fmt_ipv4(srv).s, port);
		client_span_add(&s->tcp_retrans, ev);
		client_touch(a, st, ev);
		break;
	}
}
