/* summary: the NFS root stall rules: portmap (RFC 1833), MOUNT (RFC 1813 appendix I), NFSv3/v4
 * (RFC 1813, 7530) after the kernel's DHCP, until the root is in use (PI-NETBOOT.md s4). */
#include <inttypes.h>
#include <string.h>

#include "diag_priv.h"
#include "nbt/fmt.h"
#include "nbt/proto/rpc.h"

static void diag_nfs_fail(struct diag_ctx *x, const struct client_rpc *s)
{
	enum diag_code code = DIAG_CODE_NFS_ERROR;
	struct diag_finding *f;
	uint32_t st = s->nfs_status;
	if (s->v4 && (st == NFS4ERR_ACCESS || st == NFS4ERR_PERM || st == NFS4ERR_WRONGSEC))
		code = DIAG_CODE_NFS_MOUNT_DENIED;
	else if (s->v4 && (st == NFS4ERR_NOENT || st == NFS4ERR_NOTDIR))
		code = DIAG_CODE_NFS_MOUNT_NOT_FOUND;
	f = diag_stall(x, code, CLIENT_ST_MOUNT, s->nfs_fail.ts, 0, DIAG_PROVEN);
	diag_summary(f,
	             "the NFSv%u server %s answered status %u (operation %u)%s%s before the root "
	             "was usable",
	             s->nfs_vers, fmt_ipv4(s->server).s, st, s->nfs_fail_op,
	             s->nfs_path[0] ? " on " : "", s->nfs_path);
	diag_evidence(f, s->nfs_fail);
}

/* A refusal of the version asked (client_rpc.c): the kernel's nfsroot default vers=2 against a
 * server without NFSv2 is the common case (PI-NETBOOT.md s4). */
static void diag_nfs_version(struct diag_ctx *x, const struct client_rpc *s)
{
	struct diag_finding *f = diag_stall(x, DIAG_CODE_NFS_VERSION_MISMATCH, CLIENT_ST_MOUNT,
	                                    s->vers_fail.ts, 0, DIAG_PROVEN);
	if (!f)
		return;
	bool mount = s->vers_prog == RPC_PROG_MOUNT;
	/* MOUNT v1 serves NFSv2 (RFC 1094 appendix A), v3 NFSv3 (RFC 1813 appendix I). */
	uint32_t nfs = mount ? (s->vers_asked < 3 ? 2 : 3) : s->vers_asked;
	char asked[48];
	diag_text(asked, sizeof(asked), "%s v%u%s", mount ? "MOUNT" : "NFS", s->vers_asked,
	          mount ? (nfs == 2 ? " (the NFSv2 mount protocol)" : "") : "");
	if (s->vers_stat == CLIENT_VERS_BY_PORTMAP)
		diag_summary(f,
		             "the client asked portmap on %s for %s and it is not registered (port "
		             "0): the client mounts with NFSv%u, which this server does not offer",
		             fmt_ipv4(s->server).s, asked, nfs);
	else if (s->vers_stat == RPC_PROG_MISMATCH)
		diag_summary(
		    f,
		    "the client asked for %s and %s answered PROG_MISMATCH: it has versions "
		    "%u to %u only",
		    asked, fmt_ipv4(s->server).s, s->vers_lo, s->vers_hi);
	else
		diag_summary(f, "the client asked for %s and %s refused it (RPC %s)", asked,
		             fmt_ipv4(s->server).s,
		             s->vers_stat == RPC_PROG_UNAVAIL ? "PROG_UNAVAIL" : "PROC_UNAVAIL");
	if (nfs == 2)
		diag_hint(
		    f,
		    "a kernel built with NFSv2 mounts its root with it unless told otherwise: "
		    "add vers=3 to nfsroot= in cmdline.txt (nfsroot=%s:%s,vers=3), or enable NFSv2 "
		    "on the server (nfs.conf [nfsd] vers2=y)",
		    fmt_ipv4(s->server).s, s->mnt_path[0] ? s->mnt_path : "/path");
	else if (s->vers_stat == RPC_PROG_MISMATCH && s->vers_lo <= s->vers_hi)
		diag_hint(f,
		          "mount with a version the server has: vers=%u in nfsroot= (cmdline.txt)",
		          s->vers_hi);
	if (s->vers_call.frame)
		diag_evidence(f, s->vers_call);
	diag_evidence(f, s->vers_fail);
}

static bool diag_rule_mount(struct diag_ctx *x)
{
	const struct client_rpc *s = &x->a->rpc;
	struct diag_finding *f;
	if (s->vers_fail.frame && !s->root_in_use.frame) {
		diag_nfs_version(x, s);
		return true;
	}
	if (s->pmap_zero.frame && !s->root_in_use.frame) {
		f = diag_stall(x, DIAG_CODE_NFS_PORTMAP_FAILED, CLIENT_ST_PORTMAP, s->pmap_zero.ts,
		               0, DIAG_PROVEN);
		if (f) {
			diag_summary(f, "portmap on %s says program %u is not registered (port 0)",
			             fmt_ipv4(s->server).s, s->pmap_zero_prog);
			diag_evidence(f, s->pmap_zero);
		}
		return true;
	}
	if (s->pmap_call.count && !s->pmap_reply.count && !s->mnt_call.count &&
	    !s->nfs_reply.count && !s->other.count) {
		f = diag_stall(x, DIAG_CODE_NFS_PORTMAP_FAILED, CLIENT_ST_PORTMAP,
		               s->pmap_call.first.ts, x->o->t.nfs,
		               diag_proof_of_sends(x, s->pmap_call.count, s->pmap_call.first.ts,
		                                   DIAG_ANSWER_FAST));
		if (f) {
			diag_summary(f, "%u portmap GETPORT calls to %s and no reply",
			             s->pmap_call.count, fmt_ipv4(s->server).s);
			diag_evidence(f, s->pmap_call.first);
		}
		return true;
	}
	if (s->mnt_fail.frame && !s->root_in_use.frame) {
		enum diag_code code =
		    s->mnt_status == MNT3ERR_ACCES ? DIAG_CODE_NFS_MOUNT_DENIED
		    : (s->mnt_status == MNT3ERR_NOENT || s->mnt_status == MNT3ERR_NOTDIR)
		        ? DIAG_CODE_NFS_MOUNT_NOT_FOUND
		        : DIAG_CODE_NFS_ERROR;
		f = diag_stall(x, code, CLIENT_ST_MOUNT, s->mnt_fail.ts, 0, DIAG_PROVEN);
		if (f) {
			diag_summary(
			    f, "the MOUNT of %s on %s was refused with status %u%s",
			    s->mnt_path[0] ? s->mnt_path : "(path not seen)", fmt_ipv4(s->server).s,
			    s->mnt_status,
			    s->mnt_status == MNT3ERR_ACCES
			        ? " (access denied: this client may not mount it, or the "
			          "path is not exported, which nfs-ganesha also answers with 13)"
			    : s->mnt_status == MNT3ERR_NOENT ? " (no such path)"
			                                     : "");
			diag_hint(f,
			          "check that %s is exported (exportfs -v / showmount -e %s) and "
			          "that the export allows this client, e.g. /etc/exports '%s "
			          "10.0.0.0/24(rw,no_root_squash)', then exportfs -ra",
			          s->mnt_path[0] ? s->mnt_path : "the nfsroot= path",
			          fmt_ipv4(s->server).s,
			          s->mnt_path[0] ? s->mnt_path : "/srv/nfs/pi");
			diag_evidence(f, s->mnt_call.last);
			diag_evidence(f, s->mnt_fail);
		}
		return true;
	}
	if (s->nfs_fail.frame && !s->root_in_use.frame) {
		diag_nfs_fail(x, s);
		return true;
	}
	return false;
}

/*
 * TCP connection attempts to an RPC port that nothing answered (SYNs sent again, no SYN-ACK: a
 * firewall that drops, or no host there) or that the server refused (a reset: nothing listens
 * on that port) (PI-NETBOOT.md s4).
 */
static bool diag_nfs_connect(struct diag_ctx *x)
{
	const struct client_rpc *s = &x->a->rpc;
	struct diag_finding *f;
	if (!s->tcp_syn.count) /* SYNs no SYN-ACK has answered (client_rpc_on_tcp) */
		return false;
	bool refused = s->tcp_rst.frame > s->tcp_syn.first.frame;
	f = diag_stall(x, DIAG_CODE_NFS_SERVER_UNREACHABLE, client_rpc_port_stage(s->tcp_syn_port),
	               refused ? s->tcp_rst.ts : s->tcp_syn.first.ts, x->o->t.nfs,
	               refused ? DIAG_PROVEN
	                       : diag_proof_of_sends(x, s->tcp_syn.count, s->tcp_syn.first.ts,
	                                             DIAG_ANSWER_FAST));
	if (!f)
		return true;
	f->detail = refused ? "connection-refused" : "no-tcp-answer";
	if (refused) {
		diag_summary(f,
		             "%s refused the TCP connection to port %u with a reset: nothing "
		             "listens there",
		             fmt_ipv4(s->tcp_syn_ip).s, s->tcp_syn_port);
		diag_hint(f,
		          "start the NFS server (systemctl start nfs-server or nfs-ganesha) and "
		          "check that it listens on that port: ss -tlnp | grep %u",
		          s->tcp_syn_port);
		diag_evidence(f, s->tcp_rst);
	} else {
		diag_summary(f,
		             "the client tried %u times to open a TCP connection to %s port %u and "
		             "got no answer at all (no SYN-ACK, no reset): a firewall drops it, or "
		             "no host is there",
		             s->tcp_syn.count, fmt_ipv4(s->tcp_syn_ip).s, s->tcp_syn_port);
		diag_hint(f,
		          "open TCP %u on the server's firewall (nft list ruleset, ufw status, "
		          "firewall-cmd --list-all: NFS needs 2049, rpcbind 111 and mountd's port)",
		          s->tcp_syn_port);
	}
	diag_evidence(f, s->tcp_syn.first);
	diag_evidence(f, s->tcp_syn.last);
	return true;
}

/* Kernel DHCP done, no RPC at all: unreachable server, or nothing tried (s5 #14). */
static bool diag_nfs_start(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	struct diag_finding *f;
	if (!a->kernel.ack.count)
		return false;
	if (diag_unreachable(x, CLIENT_ST_PORTMAP, 0, DIAG_CODE_NFS_SERVER_UNREACHABLE,
	                     a->kernel.ack.last))
		return true;
	for (int i = 0; i < a->narp; i++)
		if (!a->arp_answer[i].frame && a->arp_first[i].frame > a->kernel.ack.last.frame) {
			f = diag_stall(x, DIAG_CODE_NFS_SERVER_UNREACHABLE, CLIENT_ST_PORTMAP,
			               a->arp_first[i].ts, x->o->t.nfs,
			               diag_proof_of_sends(x, a->arp_count[i], a->arp_first[i].ts,
			                                   DIAG_ANSWER_FAST));
			if (f) {
				diag_summary(f,
				             "the kernel asked by ARP for %s %u times and "
				             "nobody answered",
				             fmt_ipv4(a->arp_target[i]).s, a->arp_count[i]);
				diag_evidence(f, a->arp_first[i]);
			}
			return true;
		}
	if (diag_nfs_connect(x))
		return true;
	f = diag_stall(x, DIAG_CODE_NO_NFS_TRAFFIC, CLIENT_ST_PORTMAP, a->kernel.ack.last.ts,
	               x->o->t.nfs, diag_proof_of_silence(x));
	if (f) {
		diag_summary(
		    f, "the kernel got its address by DHCP but never contacted an NFS server");
		diag_evidence(f, a->kernel.ack.last);
	}
	return true;
}

/*
 * Calls with no reply, told apart by their TCP: acknowledged by the server (its host has them:
 * the RPC service hangs), sent again with no acknowledgement (the server went away or a
 * firewall drops them), or neither seen (UDP, or too early to tell). Every call is cited.
 */
static void diag_nfs_silence(struct diag_ctx *x, struct diag_finding *f)
{
	const struct client_rpc *s = &x->a->rpc;
	char why[DIAG_TEXT_MAX] = "";
	struct client_mark proof = {0, 0}; /* the TCP segment that tells which */
	if (s->tcp_acked.frame > s->unanswered[0].frame) {
		f->detail = "server-hung";
		proof = s->tcp_acked;
		diag_text(why, sizeof(why),
		          ": the server's TCP acknowledged %s (frame %" PRIu64
		          "), so its host is up "
		          "and has the call%s, but its NFS service never answered",
		          s->unanswered_count == 1 ? "it" : "them", s->tcp_acked.frame,
		          s->unanswered_count == 1 ? "" : "s");
		diag_hint(
		    f, "the NFS server hangs: look at its log and restart it (systemctl restart "
		       "nfs-server, or nfs-ganesha); a server in its grace period after a restart "
		       "answers once the period is over");
	} else if (s->tcp_retrans.count && s->tcp_retrans.last.frame > s->unanswered[0].frame) {
		f->detail = "no-tcp-ack";
		proof = s->tcp_retrans.last;
		diag_text(
		    why, sizeof(why),
		    ": the client sent %s again %u time%s and TCP never acknowledged it, so "
		    "the calls do not reach the server (it went down, or a firewall drops them)",
		    s->unanswered_count == 1 ? "it" : "them", s->tcp_retrans.count,
		    s->tcp_retrans.count == 1 ? "" : "s");
		diag_hint(f, "check that the server is up and that nothing between drops TCP 2049 "
		             "and mountd's port (ping it; nft list ruleset, ufw status on it)");
	}
	if (s->tcp_gave_up.frame > s->unanswered[0].frame)
		diag_text(why + strlen(why), sizeof(why) - strlen(why),
		          "; the client gave up and reset its connection (frame %" PRIu64 ")",
		          s->tcp_gave_up.frame);
	diag_summary(f, "%u RPC call%s to %s since the last reply, none answered%s",
	             s->unanswered_count, s->unanswered_count == 1 ? "" : "s",
	             fmt_ipv4(s->server).s, why);
	/* The TCP proof first: with many calls the evidence list is full before its end. */
	diag_evidence(f, proof);
	if (s->tcp_gave_up.frame > s->unanswered[0].frame)
		diag_evidence(f, s->tcp_gave_up);
	uint32_t n =
	    s->unanswered_count < CLIENT_RPC_CITED ? s->unanswered_count : CLIENT_RPC_CITED;
	for (uint32_t i = 0; i < n; i++)
		diag_evidence(f, s->unanswered[i]);
}

bool diag_rule_nfs(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_rpc *s = &a->rpc;
	struct diag_finding *f;
	if (!x->rpc_any)
		return diag_nfs_start(x);
	if (diag_rule_mount(x))
		return true;
	if (s->unanswered_count && !s->root_in_use.frame &&
	    diag_wrong_mac(x, CLIENT_ST_MOUNT, s->server, (struct client_mark){0, 0}))
		return true;
	if (s->unanswered_count &&
	    (!s->root_in_use.frame || x->now - s->unanswered[0].ts >= x->o->t.nfs)) {
		/* Calls in flight are normal (NFS pipelines them): unanswered calls make the server
		 * suspect, not proven; the nfs timeout (a Linux client's own patience) decides, or
		 * the client itself resetting its connection with them unanswered (it gave up). */
		bool gave_up = s->tcp_gave_up.frame > s->unanswered[0].frame;
		f = diag_stall(x, DIAG_CODE_NFS_NO_RESPONSE,
		               s->root_in_use.frame ? CLIENT_ST_NFS : CLIENT_ST_MOUNT,
		               s->unanswered[0].ts, x->o->t.nfs,
		               gave_up                                             ? DIAG_PROVEN
		               : x->now - s->unanswered[0].ts >= DIAG_RPC_PATIENCE ? DIAG_SUSPECT
		                                                                   : DIAG_WAITING);
		if (f)
			diag_nfs_silence(x, f);
		return true;
	}
	if (!s->root_in_use.frame && diag_nfs_connect(x))
		return true;
	if (!s->root_in_use.frame && (s->other.count || s->cut_replies)) {
		char why[DIAG_TEXT_MAX];
		if (s->cut_replies)
			diag_text(
			    why, sizeof(why),
			    "%u MOUNT/NFS replies from %s were cut by the capture's "
			    "snaplen before their status: the RPC layer accepted them, whether "
			    "the mount worked is not in the capture",
			    s->cut_replies, fmt_ipv4(s->server).s);
		else
			diag_text(why, sizeof(why),
			          "%u RPC messages between the client and %s could not be "
			          "matched to a program (their calls were cut or not captured)",
			          s->other.count,
			          fmt_ipv4(s->server ? s->server : x->a->kernel.offer_server).s);
		if (diag_stall(x, DIAG_CODE_NFS_NO_RESPONSE, CLIENT_ST_NFS, a->last.ts, 0,
		               DIAG_PROVEN)) {
			diag_evidence(&x->r->f[x->r->primary],
			              s->cut_replies ? s->cut_first : s->other.first);
			diag_cannot_tell(x,
			                 x->cap->truncated ? DIAG_CODE_CAPTURE_TRUNCATED
			                                   : DIAG_CODE_CAPTURE_RPC_UNMATCHED,
			                 why);
		}
		return true;
	}
	if (!s->root_in_use.frame) {
		f = diag_stall(x, DIAG_CODE_NFS_NO_RESPONSE, CLIENT_ST_MOUNT, a->last.ts,
		               x->o->t.nfs, DIAG_WAITING);
		if (f)
			diag_summary(
			    f,
			    "the NFS root was not used yet: the last RPC exchange ended at frame "
			    "%" PRIu64,
			    a->last.frame);
		return true;
	}
	x->r->verdict = DIAG_BOOTED;
	return true;
}
