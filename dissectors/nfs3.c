/* summary: NFSv3 (RFC 1813) and NFSv2 (RFC 1094) procedures: status, names, READ/WRITE sizes. */
#include "nbt/rpc.h"
#include "nbt/proto/rpc.h"
#include "rpc_prog.h"

#define NFS2_READ     6
#define NFS2_WRITE    8
#define NFS2_FATTR    68  /* fattr: 17 XDR words */
#define NFS2_NAME_MAX 255 /* MAXNAMLEN */
#define NFS3_PROCS    22
#define NFS2_PROCS    18

static const char *const nfs3_names[NFS3_PROCS] = {
    "NULL",    "GETATTR",     "SETATTR", "LOOKUP", "ACCESS",   "READLINK", "READ",   "WRITE",
    "CREATE",  "MKDIR",       "SYMLINK", "MKNOD",  "REMOVE",   "RMDIR",    "RENAME", "LINK",
    "READDIR", "READDIRPLUS", "FSSTAT",  "FSINFO", "PATHCONF", "COMMIT",
};

static const char *const nfs2_names[NFS2_PROCS] = {
    "NULL",   "GETATTR", "SETATTR", "ROOT", "LOOKUP",  "READLINK", "READ",  "WRITECACHE", "WRITE",
    "CREATE", "REMOVE",  "RENAME",  "LINK", "SYMLINK", "MKDIR",    "RMDIR", "READDIR",    "STATFS",
};

const char *nfs3_proc_name(uint32_t vers, uint32_t proc)
{
	if (vers == 3 && proc < NFS3_PROCS)
		return nfs3_names[proc];
	if (vers == 2 && proc < NFS2_PROCS)
		return nfs2_names[proc];
	return NULL;
}

static void nfs3_set_name(struct rpc_nfs3 *n, const struct span *s)
{
	n->name_len = (uint16_t)rpc_copy_str(n->name, sizeof(n->name), s, NULL);
}

/* Procedures whose arguments start with diropargs3 {dir fh, name} (RFC 1813 s3.3). */
static bool nfs3_has_dirop(uint32_t proc)
{
	return proc == NFS3_LOOKUP || (proc >= NFS3_CREATE && proc <= NFS3_RMDIR) || proc == 14;
}

static void nfs3_call_v3(struct cur *c, struct rpc_nfs3 *n, uint32_t proc)
{
	cur_xdr_opaque(c, NFS3_FH_MAX); /* nfs_fh3 object or dir */
	if (proc == 15)                 /* LINK: file fh, then diropargs3 link */
		cur_xdr_opaque(c, NFS3_FH_MAX);
	if (nfs3_has_dirop(proc) || proc == 15) {
		struct span s = cur_xdr_opaque(c, NFS3_NAME_MAX);
		if (cur_ok(c))
			nfs3_set_name(n, &s);
	} else if (proc == NFS3_READ || proc == NFS3_WRITE) {
		n->offset = cur_xdr_u64(c);
		n->count = cur_xdr_u32(c);
		n->has_io = cur_ok(c);
	}
}

/* NFSv2 (RFC 1094 s2.2): fhandle is fixed 32 bytes, offsets 32-bit. */
static void nfs3_call_v2(struct cur *c, struct rpc_nfs3 *n, uint32_t proc)
{
	cur_xdr_fixed(c, NFS2_FH_SIZE);
	if (proc == 4 || proc == 9 || proc == 10 || proc == 14 || proc == 15) {
		struct span s = cur_xdr_opaque(c, NFS2_NAME_MAX);
		if (cur_ok(c))
			nfs3_set_name(n, &s);
	} else if (proc == NFS2_READ) {
		n->offset = cur_xdr_u32(c);
		n->count = cur_xdr_u32(c);
		n->has_io = cur_ok(c);
	} else if (proc == NFS2_WRITE) {
		cur_xdr_u32(c); /* beginoffset */
		n->offset = cur_xdr_u32(c);
		cur_xdr_u32(c); /* totalcount */
		n->count = cur_xdr_u32(c);
		n->has_io = cur_ok(c);
	}
}

void nfs3_call(struct cur *c, struct rpc_body *b)
{
	struct rpc_nfs3 *n = &b->ev->u.nfs3;
	b->ev->kind = RPC_KIND_NFS3;
	if (b->ev->proc == 0)
		return;
	if (b->ev->vers == 3)
		nfs3_call_v3(c, n, b->ev->proc);
	else
		nfs3_call_v2(c, n, b->ev->proc);
	/* WRITE data follows; it is not needed and may lie beyond the capture, so it is not read.
	 */
}

/* post_op_attr (RFC 1813 s2.6): bool attributes_follow + fattr3. */
static void nfs3_skip_post_op(struct cur *c)
{
	if (cur_xdr_bool(c))
		cur_skip(c, NFS3_FATTR_SIZE);
}

/* wcc_data (RFC 1813 s2.6): pre_op_attr (bool + wcc_attr) then post_op_attr. */
static void nfs3_skip_wcc(struct cur *c)
{
	if (cur_xdr_bool(c))
		cur_skip(c, NFS3_WCC_PRE);
	nfs3_skip_post_op(c);
}

/* Opaque data whose bytes are not needed: skipped, allowed past the capture but not the wire. */
static void nfs3_skip_opaque(struct cur *c)
{
	cur_xdr_skip(c, UINT32_MAX, NULL); /* no limit: a u32 length can never pass it */
}

static void nfs3_reply_v3(struct cur *c, struct rpc_nfs3 *n, uint32_t proc)
{
	if (proc == NFS3_READ) {
		/* READ3res: status, post_op_attr, [count, eof, data<>] */
		nfs3_skip_post_op(c);
		if (n->status != 0)
			return;
		n->count = cur_xdr_u32(c);
		n->eof = cur_xdr_bool(c);
		n->has_io = cur_ok(c);
		nfs3_skip_opaque(c);
	} else if (proc == NFS3_WRITE) {
		/* WRITE3res: status, wcc_data, [count, committed, writeverf3] */
		nfs3_skip_wcc(c);
		if (n->status != 0)
			return;
		n->count = cur_xdr_u32(c);
		cur_xdr_u32(c);
		cur_skip(c, 8);
		n->has_io = cur_ok(c);
	}
}

void nfs3_reply(struct cur *c, struct rpc_body *b)
{
	struct rpc_nfs3 *n = &b->ev->u.nfs3;
	uint32_t proc = b->ev->proc;
	b->ev->kind = RPC_KIND_NFS3;
	/* Every result starts with the status except NULL, and v2 ROOT/WRITECACHE (void). */
	if (proc == 0 || (b->ev->vers == 2 && (proc == 3 || proc == 7)))
		return;
	n->status = cur_xdr_u32(c);
	n->has_status = cur_ok(c);
	if (b->ev->vers == 3) {
		nfs3_reply_v3(c, n, proc);
	} else if (proc == NFS2_READ && n->status == 0) {
		/* readres: fattr, data<> */
		cur_skip(c, NFS2_FATTR);
		n->count = cur_xdr_u32(c);
		n->has_io = cur_ok(c);
		cur_skip(c, n->count);
		cur_xdr_pad(c, n->count);
	}
}
