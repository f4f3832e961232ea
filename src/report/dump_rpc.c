/* summary: --dump fields of ONC RPC events (RFC 5531): portmap, MOUNT, NFSv3 and NFSv4 parts. */
#include "nbt/dump.h"

static void dump_u32_list(FILE *out, const char *key, const uint32_t *v, size_t n)
{
	fprintf(out, " %s=", key);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u", i ? "," : "", v[i]);
}

static void dump_rpc_pmap(FILE *out, const struct rpc_portmap *m)
{
	if (m->has_query) {
		dump_uint(out, "pmap_prog", m->prog);
		dump_uint(out, "pmap_vers", m->vers);
		dump_uint(out, "pmap_prot", m->prot);
	}
	if (m->has_port)
		dump_uint(out, "port", m->port);
	if (m->addr)
		dump_ip(out, "addr", m->addr);
	if (m->nmaps)
		dump_uint(out, "maps", m->nmaps);
}

static void dump_rpc_mount(FILE *out, const struct rpc_mount *m)
{
	if (m->path_len || m->path_cut)
		dump_str(out, "path", m->path, m->path_len);
	if (m->path_cut)
		dump_uint(out, "path_cut", 1);
	if (m->has_status)
		dump_uint(out, "mount_status", m->status);
	if (m->fh_len)
		dump_hex(out, "fh", m->fh, m->fh_len);
	if (m->nflavors) {
		dump_uint(out, "flavors", m->nflavors);
		dump_uint(out, "flavor", m->flavor0);
	}
	if (m->nentries)
		dump_uint(out, "entries", m->nentries);
}

static void dump_rpc_nfs3(FILE *out, const struct rpc_nfs3 *n)
{
	if (n->has_status)
		dump_uint(out, "nfs_status", n->status);
	if (n->name_len)
		dump_str(out, "name", n->name, n->name_len);
	if (n->has_io) {
		dump_uint(out, "offset", n->offset);
		dump_uint(out, "count", n->count);
		dump_uint(out, "eof", n->eof);
	}
}

static void dump_rpc_nfs4(FILE *out, const struct ev_rpc *r)
{
	const struct rpc_nfs4 *n = &r->u.nfs4;
	if (r->proc != 1) /* only COMPOUND has a body */
		return;
	if (r->is_reply)
		dump_uint(out, "nfs_status", n->status);
	dump_str(out, "tag", n->tag, n->tag_len);
	if (!r->is_reply)
		dump_uint(out, "minor", n->minor);
	dump_uint(out, "nops", n->nops);
	dump_u32_list(out, "ops", n->op, n->nrec);
	if (r->is_reply)
		dump_u32_list(out, "op_status", n->op_status, n->nrec);
	if (n->nrec < n->nops)
		dump_uint(out, "ops_cut", 1);
	if (n->stopped)
		dump_uint(out, "decoded", n->ndecoded);
	if (n->path_len || n->path_cut)
		dump_str(out, "lookup", n->path, n->path_len);
}

static void dump_rpc_head(FILE *out, const struct ev_rpc *r)
{
	dump_xint(out, "xid", r->xid);
	dump_cstr(out, "msg", r->is_reply ? "reply" : "call");
	dump_cstr(out, "via", r->transport == 6 ? "tcp" : r->transport == 17 ? "udp" : "?");
	if (r->is_reply) {
		dump_uint(out, "matched", r->matched);
		if (r->matched)
			dump_uint(out, "call_frame", r->call_frame);
	}
	if (!r->is_reply || r->matched) {
		dump_uint(out, "prog", r->prog);
		dump_uint(out, "vers", r->vers);
		dump_uint(out, "proc", r->proc);
		if (r->proc_name)
			dump_cstr(out, "proc_name", r->proc_name);
	}
}

void dump_rpc(FILE *out, const struct nbt_event *ev)
{
	const struct ev_rpc *r = &ev->u.rpc;
	dump_rpc_head(out, r);
	if (!r->is_reply && r->cred_cut) {
		fputs(" cred=truncated", out);
	} else if (!r->is_reply) {
		dump_uint(out, "auth", r->auth_flavor);
		if (r->auth_flavor == 1) {
			dump_uint(out, "uid", r->uid);
			dump_uint(out, "gid", r->gid);
			dump_str(out, "machine", r->machine, r->machine_len);
		}
	} else {
		dump_uint(out, "reply_stat", r->reply_stat);
		if (r->reply_stat == 0)
			dump_uint(out, "accept_stat", r->accept_stat);
		else
			dump_uint(out, "reject_stat", r->reject_stat);
		if (r->reply_stat == 1 && r->reject_stat == 1)
			dump_uint(out, "auth_stat", r->auth_stat);
		if ((r->reply_stat == 0 && r->accept_stat == 2) ||
		    (r->reply_stat == 1 && r->reject_stat == 0)) {
			dump_uint(out, "low", r->mismatch_lo);
			dump_uint(out, "high", r->mismatch_hi);
		}
	}
	switch (r->kind) {
	case RPC_KIND_PORTMAP:
		dump_rpc_pmap(out, &r->u.pmap);
		break;
	case RPC_KIND_MOUNT:
		dump_rpc_mount(out, &r->u.mnt);
		break;
	case RPC_KIND_NFS3:
		dump_rpc_nfs3(out, &r->u.nfs3);
		break;
	case RPC_KIND_NFS4:
		dump_rpc_nfs4(out, r);
		break;
	default:
		break;
	}
	if (r->body_bad)
		dump_cstr(out, "body", r->body_trunc ? "truncated" : "invalid");
}
