/* summary: private interface between the ONC RPC core (RFC 5531) and its program decoders. */
#ifndef NBT_RPC_PROG_H
#define NBT_RPC_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/cursor.h"
#include "nbt/dissect.h"
#include "nbt/rpc.h"

#define RPC_SAVED_PATH 112 /* MOUNT path / NFSv4 LOOKUP path remembered per call */

/* Small per-call context kept in the xid table, since replies carry no prog/proc. */
struct rpc_saved {
	uint32_t prog, vers, prot; /* portmap query */
	bool has_query;
	uint8_t path_len;
	bool path_cut;
	char path[RPC_SAVED_PATH];
};

/* What a program decoder gets: the event to fill, the call's saved context, the packet. */
struct rpc_body {
	struct ev_rpc *ev;
	struct rpc_saved *saved; /* call: to fill; reply: the matched call's */
	struct dis_ctx *ctx;
	const struct nbt_pkt *pkt;
};

/* Decoders read the arguments/results at the cursor; rpc.c checks the cursor afterwards. */
typedef void (*rpc_body_fn)(struct cur *c, struct rpc_body *b);
typedef const char *(*rpc_name_fn)(uint32_t vers, uint32_t proc);

struct rpc_program {
	uint32_t prog;
	const char *name;
	rpc_body_fn call, reply;
	rpc_name_fn proc_name;
};

/* Looks a program up in the table of rpc.c, NULL if unknown. */
const struct rpc_program *rpc_program_find(uint32_t prog);
/* Copies a (possibly non-NUL-terminated) span into dst, NUL-terminated; returns bytes kept. */
size_t rpc_copy_str(char *dst, size_t dstsz, const struct span *s, bool *cut);

void portmap_call(struct cur *c, struct rpc_body *b);
void portmap_reply(struct cur *c, struct rpc_body *b);
const char *portmap_proc_name(uint32_t vers, uint32_t proc);
void mount_call(struct cur *c, struct rpc_body *b);
void mount_reply(struct cur *c, struct rpc_body *b);
const char *mount_proc_name(uint32_t vers, uint32_t proc);
void nfs3_call(struct cur *c, struct rpc_body *b);
void nfs3_reply(struct cur *c, struct rpc_body *b);
const char *nfs3_proc_name(uint32_t vers, uint32_t proc);
void nfs4_call(struct cur *c, struct rpc_body *b);
void nfs4_reply(struct cur *c, struct rpc_body *b);
const char *nfs4_proc_name(uint32_t vers, uint32_t proc);
/* NFSv4 op name (RFC 7530 s16, 8881 s18, 7862 s15), NULL if unknown. */
const char *nfs4_op_name(uint32_t op);

#endif
