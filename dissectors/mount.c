/* summary: MOUNT v1/v3 (RFC 1094 appendix A, RFC 1813 appendix I): MNT path, status, file handle.
 */
#include <string.h>

#include "nbt/rpc.h"
#include "nbt/proto/rpc.h"
#include "rpc_prog.h"

static const char *const mount_names[] = {"NULL",    "MNT",    "DUMP",      "UMNT",
                                          "UMNTALL", "EXPORT", "EXPORTALL", "PATHCONF"};

const char *mount_proc_name(uint32_t vers, uint32_t proc)
{
	/* EXPORTALL exists in v1/v2 only, PATHCONF in v2 only. */
	uint32_t last = vers == 3 ? MNT_EXPORT : vers == 2 ? 7 : 6;
	return proc <= last ? mount_names[proc] : NULL;
}

static void mount_set_path(struct rpc_mount *m, struct rpc_saved *sv, const struct span *s)
{
	bool cut = false;
	m->path_len = (uint16_t)rpc_copy_str(m->path, sizeof(m->path), s, &cut);
	m->path_cut = cut;
	cut = false;
	sv->path_len = (uint8_t)rpc_copy_str(sv->path, sizeof(sv->path), s, &cut);
	sv->path_cut = cut;
}

void mount_call(struct cur *c, struct rpc_body *b)
{
	b->ev->kind = RPC_KIND_MOUNT;
	if (b->ev->proc != MNT_MNT && b->ev->proc != MNT_UMNT)
		return;
	/* dirpath: string<MNTPATHLEN> */
	struct span s = cur_xdr_opaque(c, MNT_PATH_MAX);
	if (cur_ok(c))
		mount_set_path(&b->ev->u.mnt, b->saved, &s);
}

/* MNT reply: v3 mountres3 (status, fhandle3<64>, auth_flavors<>); v1 fhstatus (fhandle[32]). */
static void mount_mnt_reply(struct cur *c, struct rpc_mount *m, uint32_t vers)
{
	m->status = cur_xdr_u32(c);
	m->has_status = cur_ok(c);
	if (m->status != 0)
		return;
	struct span fh =
	    vers == 3 ? cur_xdr_opaque(c, MNT_FH3_MAX) : cur_xdr_fixed(c, MNT_FH1_SIZE);
	if (!cur_ok(c))
		return;
	if (fh.len)
		memcpy(m->fh, fh.p, fh.len);
	m->fh_len = (uint8_t)fh.len;
	if (vers != 3)
		return;
	uint32_t n = cur_xdr_u32(c);
	if (n > MNT_FLAVORS_MAX) {
		cur_fail(c, CUR_INVALID, "MOUNT auth flavor list too long");
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t f = cur_xdr_u32(c);
		if (i == 0)
			m->flavor0 = f;
	}
	if (cur_ok(c))
		m->nflavors = (uint8_t)n;
}

/* exports (RFC 1813 I.5.5): dir + groups list per node; mountlist (I.5.3): host + dir. */
static void mount_list_reply(struct cur *c, struct rpc_mount *m, bool exports)
{
	uint32_t walked = 0;
	while (cur_xdr_bool(c) && cur_ok(c)) {
		if (exports) {
			cur_xdr_opaque(c, MNT_PATH_MAX);
			while (cur_xdr_bool(c) && cur_ok(c) && ++walked < MNT_LIST_MAX)
				cur_xdr_opaque(c, MNT_NAME_MAX);
		} else {
			cur_xdr_opaque(c, MNT_NAME_MAX);
			cur_xdr_opaque(c, MNT_PATH_MAX);
		}
		m->nentries++;
		if (++walked >= MNT_LIST_MAX) {
			cur_fail(c, CUR_INVALID, "MOUNT list too long");
			return;
		}
	}
}

void mount_reply(struct cur *c, struct rpc_body *b)
{
	struct rpc_mount *m = &b->ev->u.mnt;
	b->ev->kind = RPC_KIND_MOUNT;
	if (b->saved->path_len) {
		memcpy(m->path, b->saved->path, b->saved->path_len);
		m->path[b->saved->path_len] = '\0';
		m->path_len = b->saved->path_len;
		m->path_cut = b->saved->path_cut;
	}
	switch (b->ev->proc) {
	case MNT_MNT:
		mount_mnt_reply(c, m, b->ev->vers);
		break;
	case MNT_DUMP:
		mount_list_reply(c, m, false);
		break;
	case MNT_EXPORT:
		mount_list_reply(c, m, true);
		break;
	default:
		break;
	}
}
