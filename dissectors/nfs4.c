/* summary: NFSv4.0/4.1/4.2 COMPOUND (RFC 7530 s16, RFC 8881 s18, RFC 7862 s15): op lists and
 * statuses. */
#include <string.h>

#include "nbt/rpc.h"
#include "nbt/proto/rpc.h"
#include "nfs4_ops.h"
#include "rpc_prog.h"

#define NFS4_ATTR_MAX (1u << 20) /* attrlist4 bytes: a record holds at most 1 MiB */

/* ---- XDR skippers: sizes only, bytes past the capture are skipped, never read ---- */

static void x_opaque(struct cur *c, uint32_t max)
{
	cur_xdr_skip(c, max, "NFSv4 opaque above limit");
}

static void x_bitmap(struct cur *c)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > NFS4_BITMAP_MAX)
		cur_fail(c, CUR_INVALID, "NFSv4 bitmap too long");
	cur_skip(c, (size_t)n * 4);
}

/* fattr4: bitmap4 + attrlist4 opaque (RFC 7530 s3.3.8). */
static void x_fattr(struct cur *c)
{
	x_bitmap(c);
	x_opaque(c, NFS4_ATTR_MAX);
}

/* lock_owner4 / open_owner4: clientid + owner<NFS4_OPAQUE_LIMIT>. */
static void x_owner(struct cur *c)
{
	cur_skip(c, 8);
	x_opaque(c, NFS4_OPAQUE_MAX);
}

/* Counted array of fixed-size elements. */
static void x_array(struct cur *c, uint32_t max, size_t elem)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > max)
		cur_fail(c, CUR_INVALID, "NFSv4 array too long");
	cur_skip(c, (size_t)n * elem);
}

/* authsys_parms (RFC 5531 appendix A), inside callback_sec_parms4. */
static void x_authsys(struct cur *c)
{
	cur_skip(c, 4);
	x_opaque(c, 255);
	cur_skip(c, 8);
	x_array(c, 16, 4);
}

/* callback_sec_parms4<> (RFC 8881 s18.36): flavor-discriminated union. */
static bool x_cb_sec(struct cur *c)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > NFS4_ARRAY_MAX)
		cur_fail(c, CUR_INVALID, "NFSv4 array too long");
	for (uint32_t i = 0; i < n && cur_ok(c); i++) {
		uint32_t flavor = cur_xdr_u32(c);
		if (flavor == RPC_AUTH_SYS) {
			x_authsys(c);
		} else if (flavor == RPC_RPCSEC_GSS) {
			cur_skip(c, 4);
			x_opaque(c, NFS4_OPAQUE_MAX);
			x_opaque(c, NFS4_OPAQUE_MAX);
		} else if (flavor != RPC_AUTH_NONE) {
			return false;
		}
	}
	return true;
}

/* channel_attrs4 (RFC 8881 s18.36): six counts and rdma_ird<1>. */
static void x_channel_attrs(struct cur *c)
{
	cur_skip(c, 24);
	x_array(c, 1, 4);
}

/* state_protect_ops4: two bitmaps. */
static void x_sp_ops(struct cur *c)
{
	x_bitmap(c);
	x_bitmap(c);
}

/* nfs_impl_id4<1>: domain, name, nfstime4. */
static void x_impl_id(struct cur *c)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > 1)
		cur_fail(c, CUR_INVALID, "NFSv4 impl_id array above 1");
	for (uint32_t i = 0; i < n && cur_ok(c); i++) {
		x_opaque(c, NFS4_STR_MAX);
		x_opaque(c, NFS4_STR_MAX);
		cur_skip(c, 12);
	}
}

/* Array of opaques (sec_oid4<>, gsshandle4_t<>). */
static void x_opaque_array(struct cur *c)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > NFS4_ARRAY_MAX)
		cur_fail(c, CUR_INVALID, "NFSv4 array too long");
	for (uint32_t i = 0; i < n && cur_ok(c); i++)
		x_opaque(c, NFS4_OPAQUE_MAX);
}

/* EXCHANGE_ID4args (RFC 8881 s18.35.1). */
static bool x_exchange_id_args(struct cur *c)
{
	cur_skip(c, NFS4_VERIFIER);
	x_opaque(c, NFS4_OPAQUE_MAX);
	cur_skip(c, 4); /* flags */
	uint32_t how = cur_xdr_u32(c);
	if (how == 1) {
		x_sp_ops(c);
	} else if (how == 2) {
		x_sp_ops(c);
		x_opaque_array(c);
		x_opaque_array(c);
		cur_skip(c, 8);
	} else if (how != 0) {
		return false;
	}
	x_impl_id(c);
	return true;
}

/* EXCHANGE_ID4resok (RFC 8881 s18.35.2). */
static bool x_exchange_id_res(struct cur *c)
{
	cur_skip(c, 16); /* clientid, sequenceid, flags */
	uint32_t how = cur_xdr_u32(c);
	if (how == 1) {
		x_sp_ops(c);
	} else if (how == 2) {
		x_sp_ops(c);
		cur_skip(c, 16);
		x_opaque_array(c);
	} else if (how != 0) {
		return false;
	}
	cur_skip(c, 8); /* server_owner4 minor_id */
	x_opaque(c, NFS4_OPAQUE_MAX);
	x_opaque(c, NFS4_OPAQUE_MAX); /* server_scope */
	x_impl_id(c);
	return true;
}

/* Appends "/name" to the recorded path (LOOKUP, OPEN by name). */
static void nfs4_path_add(struct rpc_nfs4 *n, const struct span *s)
{
	if (!s->p && s->len)
		return;
	size_t room = sizeof(n->path) - 1 - n->path_len;
	if (room < 1 + s->len) {
		n->path_cut = true;
		return;
	}
	n->path[n->path_len++] = '/';
	if (s->len)
		memcpy(n->path + n->path_len, s->p, s->len);
	n->path_len = (uint16_t)(n->path_len + s->len);
	n->path[n->path_len] = '\0';
}

static void x_component(struct cur *c, struct rpc_nfs4 *n)
{
	if (!n) {
		x_opaque(c, NFS4_STR_MAX);
		return;
	}
	/* component4 is a utf8str_cs; the captured bytes are needed to record it */
	uint32_t len = cur_xdr_u32(c);
	if (len > NFS4_STR_MAX) {
		cur_fail(c, CUR_INVALID, "NFSv4 component above limit");
		return;
	}
	struct span s = cur_xdr_fixed(c, len);
	if (cur_ok(c))
		nfs4_path_add(n, &s);
}

/* OPEN4args (RFC 7530 s16.16.1, RFC 8881 s18.16.1): owner, openflag4, open_claim4. */
static bool x_open_args(struct cur *c, struct rpc_nfs4 *n)
{
	cur_skip(c, 12); /* seqid, share_access, share_deny */
	x_owner(c);
	if (cur_xdr_u32(c) == 1) { /* OPEN4_CREATE: createhow4 */
		uint32_t mode = cur_xdr_u32(c);
		if (mode == 0 || mode == 1) {
			x_fattr(c);
		} else if (mode == 2) {
			cur_skip(c, NFS4_VERIFIER);
		} else if (mode == 3) {
			cur_skip(c, NFS4_VERIFIER);
			x_fattr(c);
		} else {
			return false;
		}
	}
	switch (cur_xdr_u32(c)) {
	case 0: /* CLAIM_NULL */
	case 3: /* CLAIM_DELEGATE_PREV */
		x_component(c, n);
		return true;
	case 1: /* CLAIM_PREVIOUS: delegation type */
		cur_skip(c, 4);
		return true;
	case 2: /* CLAIM_DELEGATE_CUR */
		cur_skip(c, NFS4_STATEID);
		x_component(c, n);
		return true;
	case 4: /* CLAIM_FH */
	case 6: /* CLAIM_DELEG_PREV_FH */
		return true;
	case 5: /* CLAIM_DELEG_CUR_FH */
		cur_skip(c, NFS4_STATEID);
		return true;
	default:
		return false;
	}
}

/* CREATE4args: createtype4 (NF4LNK linkdata, NF4BLK/NF4CHR specdata), name, attrs. */
static void x_create_args(struct cur *c)
{
	uint32_t type = cur_xdr_u32(c);
	if (type == 5)
		x_opaque(c, NFS4_STR_MAX);
	else if (type == 3 || type == 4)
		cur_skip(c, 8);
	x_component(c, NULL);
	x_fattr(c);
}

/* LOCK4args: type, reclaim, offset, length, locker4 (new or existing lock owner). */
static void x_lock_args(struct cur *c)
{
	cur_skip(c, 24);
	if (cur_xdr_bool(c)) {
		cur_skip(c, 4 + NFS4_STATEID + 4);
		x_owner(c);
	} else {
		cur_skip(c, NFS4_STATEID + 4);
	}
}

/* CREATE_SESSION4args (RFC 8881 s18.36.1). */
static bool x_create_session_args(struct cur *c)
{
	cur_skip(c, 16); /* clientid, sequence, flags */
	x_channel_attrs(c);
	x_channel_attrs(c);
	cur_skip(c, 4); /* cb_program */
	return x_cb_sec(c);
}

/* Walks one op's arguments; false when it cannot be sized (the rest is not decoded). */
static bool nfs4_arg(struct cur *c, uint32_t op, struct rpc_nfs4 *n)
{
	int fixed = nfs4_arg_fixed(op);
	if (fixed >= 0) {
		cur_skip(c, (size_t)fixed);
		return true;
	}
	switch (op) {
	case OP_CREATE:
		x_create_args(c);
		return true;
	case OP_GETATTR:
		x_bitmap(c);
		return true;
	case OP_LINK:
	case OP_REMOVE:
	case OP_SECINFO:
		x_component(c, NULL);
		return true;
	case OP_RENAME:
		x_component(c, NULL);
		x_component(c, NULL);
		return true;
	case OP_LOOKUP:
		x_component(c, n);
		return true;
	case OP_LOCK:
		x_lock_args(c);
		return true;
	case OP_LOCKT: /* type, offset, length, owner */
		cur_skip(c, 20);
		x_owner(c);
		return true;
	case OP_RELEASE_LOCKOWNER:
		x_owner(c);
		return true;
	case OP_NVERIFY:
	case OP_VERIFY:
		x_fattr(c);
		return true;
	case OP_OPEN:
		return x_open_args(c, n);
	case OP_PUTFH:
		x_opaque(c, NFS4_FH_MAX);
		return true;
	case OP_READDIR: /* cookie, cookieverf, dircount, maxcount, attr_request */
		cur_skip(c, 24);
		x_bitmap(c);
		return true;
	case OP_SETATTR:
		cur_skip(c, NFS4_STATEID);
		x_fattr(c);
		return true;
	case OP_SETCLIENTID: /* nfs_client_id4, cb_client4 {program, netid, addr}, ident */
		cur_skip(c, NFS4_VERIFIER);
		x_opaque(c, NFS4_OPAQUE_MAX);
		cur_skip(c, 4);
		x_opaque(c, NFS4_STR_MAX);
		x_opaque(c, NFS4_STR_MAX);
		cur_skip(c, 4);
		return true;
	case OP_WRITE: /* stateid, offset, stable, data<> (skipped, may be past the capture) */
		cur_skip(c, NFS4_STATEID + 12);
		x_opaque(c, NFS4_ATTR_MAX);
		return true;
	case OP_BACKCHANNEL_CTL:
		cur_skip(c, 4);
		return x_cb_sec(c);
	case OP_EXCHANGE_ID:
		return x_exchange_id_args(c);
	case OP_CREATE_SESSION:
		return x_create_session_args(c);
	case OP_GET_DIR_DELEGATION:
		cur_skip(c, 4);
		x_bitmap(c);
		cur_skip(c, 24);
		x_bitmap(c);
		x_bitmap(c);
		return true;
	case OP_GETDEVICEINFO:
		cur_skip(c, 24);
		x_bitmap(c);
		return true;
	case OP_LAYOUTCOMMIT: /* offset, length, reclaim, stateid, newoffset4, time, update */
		cur_skip(c, 20 + NFS4_STATEID);
		if (cur_xdr_bool(c))
			cur_skip(c, 8);
		if (cur_xdr_bool(c))
			cur_skip(c, 12);
		cur_skip(c, 4);
		x_opaque(c, NFS4_ATTR_MAX);
		return true;
	case OP_LAYOUTRETURN: /* reclaim, type, iomode, layoutreturn4 */
		cur_skip(c, 12);
		if (cur_xdr_u32(c) == 1) {
			cur_skip(c, 16 + NFS4_STATEID);
			x_opaque(c, NFS4_ATTR_MAX);
		}
		return true;
	case OP_SET_SSV:
		x_opaque(c, NFS4_OPAQUE_MAX);
		x_opaque(c, NFS4_OPAQUE_MAX);
		return true;
	case OP_TEST_STATEID:
		x_array(c, NFS4_ARRAY_MAX, NFS4_STATEID);
		return true;
	case OP_IO_ADVISE:
		cur_skip(c, NFS4_STATEID + 16);
		x_bitmap(c);
		return true;
	default:
		return false;
	}
}

/* LOCK4denied: offset, length, type, lock_owner4. */
static void x_lock_denied(struct cur *c)
{
	cur_skip(c, 20);
	x_owner(c);
}

/* nfsace4: type, flag, mask, who. */
static void x_ace(struct cur *c)
{
	cur_skip(c, 12);
	x_opaque(c, NFS4_STR_MAX);
}

/* open_delegation4 (RFC 7530 s16.16.2, RFC 8881 s18.16.2). */
static bool x_delegation(struct cur *c)
{
	switch (cur_xdr_u32(c)) {
	case 0: /* OPEN_DELEGATE_NONE */
		return true;
	case 1: /* READ: stateid, recall, permissions */
		cur_skip(c, NFS4_STATEID + 4);
		x_ace(c);
		return true;
	case 2: { /* WRITE: stateid, recall, space_limit, permissions */
		cur_skip(c, NFS4_STATEID + 4);
		uint32_t limitby = cur_xdr_u32(c);
		if (limitby != 1 && limitby != 2)
			return false;
		cur_skip(c, 8);
		x_ace(c);
		return true;
	}
	case 3: { /* NONE_EXT: why, then a bool for CONTENTION(4)/RESOURCE(5) */
		uint32_t why = cur_xdr_u32(c);
		if (why == 4 || why == 5)
			cur_skip(c, 4);
		return true;
	}
	default:
		return false;
	}
}

/* secinfo4<> (RFC 7530 s16.31.2): flavor, plus oid/qop/service for RPCSEC_GSS. */
static void x_secinfo(struct cur *c)
{
	uint32_t n = cur_xdr_u32(c);
	if (n > NFS4_ARRAY_MAX)
		cur_fail(c, CUR_INVALID, "NFSv4 array too long");
	for (uint32_t i = 0; i < n && cur_ok(c); i++) {
		if (cur_xdr_u32(c) == RPC_RPCSEC_GSS) {
			x_opaque(c, NFS4_OPAQUE_MAX);
			cur_skip(c, 8);
		}
	}
}

/* READDIR4resok: cookieverf, entry4 list (cookie, name, fattr4), eof. */
static void x_readdir_res(struct cur *c)
{
	cur_skip(c, NFS4_VERIFIER);
	while (cur_xdr_bool(c) && cur_ok(c)) {
		cur_skip(c, 8);
		x_component(c, NULL);
		x_fattr(c);
	}
	cur_skip(c, 4);
}

/* Results of a successful op with a variable size. */
static bool nfs4_res_ok(struct cur *c, uint32_t op)
{
	switch (op) {
	case OP_CREATE:
		cur_skip(c, 20);
		x_bitmap(c);
		return true;
	case OP_GETATTR:
		x_fattr(c);
		return true;
	case OP_GETFH:
		x_opaque(c, NFS4_FH_MAX);
		return true;
	case OP_OPEN: /* stateid, cinfo, rflags, attrset, delegation */
		cur_skip(c, NFS4_STATEID + 24);
		x_bitmap(c);
		return x_delegation(c);
	case OP_READ: /* eof, data<> skipped */
		cur_skip(c, 4);
		x_opaque(c, NFS4_ATTR_MAX);
		return true;
	case OP_READDIR:
		x_readdir_res(c);
		return true;
	case OP_READLINK:
	case OP_SET_SSV:
		x_opaque(c, NFS4_STR_MAX);
		return true;
	case OP_SECINFO:
	case OP_SECINFO_NO_NAME:
		x_secinfo(c);
		return true;
	case OP_EXCHANGE_ID:
		return x_exchange_id_res(c);
	case OP_CREATE_SESSION: /* sessionid, sequence, flags, fore and back channel attrs */
		cur_skip(c, NFS4_SESSIONID + 8);
		x_channel_attrs(c);
		x_channel_attrs(c);
		return true;
	case OP_LAYOUTCOMMIT:
		if (cur_xdr_bool(c))
			cur_skip(c, 8);
		return true;
	case OP_LAYOUTRETURN:
		if (cur_xdr_bool(c))
			cur_skip(c, NFS4_STATEID);
		return true;
	case OP_TEST_STATEID:
		x_array(c, NFS4_ARRAY_MAX, 4);
		return true;
	case OP_IO_ADVISE:
		x_bitmap(c);
		return true;
	case OP_OFFLOAD_STATUS:
		cur_skip(c, 8);
		x_array(c, 1, 4);
		return true;
	default:
		return false;
	}
}

/* Walks one op's results; false when they cannot be sized. */
static bool nfs4_res(struct cur *c, uint32_t op, uint32_t status)
{
	if (op == OP_SETATTR) { /* SETATTR4res carries attrsset whatever the status */
		x_bitmap(c);
		return true;
	}
	if (status != NFS4_OK) {
		if (status == NFS4ERR_DENIED && (op == OP_LOCK || op == OP_LOCKT))
			x_lock_denied(c);
		else if (status == NFS4ERR_CLID_INUSE && op == OP_SETCLIENTID) {
			x_opaque(c, NFS4_STR_MAX);
			x_opaque(c, NFS4_STR_MAX);
		}
		return true; /* other failed ops have void results */
	}
	int fixed = nfs4_res_fixed(op);
	if (fixed >= 0) {
		cur_skip(c, (size_t)fixed);
		return true;
	}
	return nfs4_res_ok(c, op);
}

static void nfs4_tag(struct cur *c, struct rpc_nfs4 *n)
{
	uint32_t len = cur_xdr_u32(c);
	if (len > NFS4_STR_MAX) {
		cur_fail(c, CUR_INVALID, "NFSv4 tag above limit");
		return;
	}
	struct span s = cur_xdr_fixed(c, len);
	if (cur_ok(c))
		n->tag_len = (uint8_t)rpc_copy_str(n->tag, sizeof(n->tag), &s, NULL);
}

/* The declared op count cannot exceed what the record holds (each op is >= 4 bytes). */
static bool nfs4_more(struct cur *c, struct rpc_nfs4 *n, uint32_t i)
{
	if (i >= n->nops || !cur_ok(c))
		return false;
	if (cur_wire_left(c) < 4) {
		cur_fail(c, CUR_INVALID, "COMPOUND op count past end of data");
		return false;
	}
	if (i >= NFS4_OPS_LIMIT) {
		cur_fail(c, CUR_INVALID, "COMPOUND op count above limit");
		return false;
	}
	return true;
}

/* COMPOUND4args (RFC 7530 s16.2.1): tag, minorversion, argarray<>. */
void nfs4_call(struct cur *c, struct rpc_body *b)
{
	struct rpc_nfs4 *n = &b->ev->u.nfs4;
	b->ev->kind = RPC_KIND_NFS4;
	if (b->ev->proc != NFS4_COMPOUND)
		return;
	nfs4_tag(c, n);
	n->minor = cur_xdr_u32(c);
	n->nops = cur_xdr_u32(c);
	for (uint32_t i = 0; nfs4_more(c, n, i); i++) {
		uint32_t op = cur_xdr_u32(c);
		if (!cur_ok(c))
			break;
		if (n->nrec < RPC_NFS4_OPS_MAX)
			n->op[n->nrec++] = op;
		if (!nfs4_arg(c, op, n)) {
			n->stopped = true;
			break;
		}
		if (cur_ok(c) && n->ndecoded < 255)
			n->ndecoded++;
	}
	struct span p = {(const uint8_t *)n->path, n->path_len};
	bool cut = false;
	b->saved->path_len =
	    (uint8_t)rpc_copy_str(b->saved->path, sizeof(b->saved->path), &p, &cut);
	b->saved->path_cut = cut || n->path_cut;
}

/* COMPOUND4res (RFC 7530 s16.2.2): status, tag, resarray<> of (op, status, result). */
void nfs4_reply(struct cur *c, struct rpc_body *b)
{
	struct rpc_nfs4 *n = &b->ev->u.nfs4;
	b->ev->kind = RPC_KIND_NFS4;
	if (b->saved->path_len) {
		memcpy(n->path, b->saved->path, b->saved->path_len);
		n->path_len = b->saved->path_len;
		n->path[n->path_len] = '\0';
		n->path_cut = b->saved->path_cut;
	}
	if (b->ev->proc != NFS4_COMPOUND)
		return;
	n->status = cur_xdr_u32(c);
	nfs4_tag(c, n);
	n->nops = cur_xdr_u32(c);
	for (uint32_t i = 0; nfs4_more(c, n, i); i++) {
		uint32_t op = cur_xdr_u32(c);
		uint32_t st = cur_xdr_u32(c);
		if (!cur_ok(c))
			break;
		if (n->nrec < RPC_NFS4_OPS_MAX) {
			n->op[n->nrec] = op;
			n->op_status[n->nrec++] = st;
		}
		if (!nfs4_res(c, op, st)) {
			n->stopped = true;
			break;
		}
		if (cur_ok(c) && n->ndecoded < 255)
			n->ndecoded++;
	}
}
