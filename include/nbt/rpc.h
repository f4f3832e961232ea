/* summary: ONC RPC event (RFC 5531) with portmap (RFC 1833), MOUNT/NFSv3 (RFC 1813), NFSv4 (RFC
 * 7530/8881). */
#ifndef NBT_RPC_H
#define NBT_RPC_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/pkt.h"

#define RPC_MACHINE_MAX  64  /* AUTH_SYS machine name kept (RFC 5531 allows 255) */
#define RPC_PATH_MAX     256 /* MOUNT dirpath / NFSv4 LOOKUP path kept (MNTPATHLEN is 1024) */
#define RPC_NAME_MAX     128 /* NFSv3 file name kept */
#define RPC_FH_MAX       64  /* NFSv3 FHSIZE3 */
#define RPC_TAG_MAX      32  /* NFSv4 COMPOUND tag kept */
#define RPC_NFS4_OPS_MAX 64  /* NFSv4 ops recorded per COMPOUND */

/* Which program-specific part of the event is filled. */
enum rpc_kind {
	RPC_KIND_NONE = 0, /* unknown program, unmatched reply, or body not decoded */
	RPC_KIND_PORTMAP,
	RPC_KIND_MOUNT,
	RPC_KIND_NFS3, /* NFSv2 and NFSv3 */
	RPC_KIND_NFS4,
};

struct rpc_portmap {
	uint32_t prog, vers, prot; /* the query (GETPORT mapping / GETADDR rpcb) */
	bool has_query;
	bool has_port;   /* reply carried a port (GETPORT, or a parsed GETADDR uaddr) */
	uint32_t port;   /* 0: not registered */
	uint32_t addr;   /* GETADDR universal address host part, 0 if none */
	uint32_t nmaps;  /* DUMP reply entries */
	uint32_t result; /* SET/UNSET reply boolean */
};

struct rpc_mount {
	char path[RPC_PATH_MAX]; /* MNT/UMNT dirpath; replies copy it from the call */
	uint16_t path_len;
	bool path_cut;   /* longer than RPC_PATH_MAX */
	bool has_status; /* MNT reply */
	uint32_t status; /* mountstat3 (MNT3_OK 0, MNT3ERR_ACCES 13, ...) */
	uint8_t fh[RPC_FH_MAX];
	uint8_t fh_len;
	uint8_t nflavors;  /* MNT v3 reply auth flavors */
	uint32_t flavor0;  /* first of them */
	uint32_t nentries; /* EXPORT / DUMP reply entries */
};

struct rpc_nfs3 {
	bool has_status;
	uint32_t status;         /* nfsstat3 (NFSv2 nfsstat for vers 2) */
	char name[RPC_NAME_MAX]; /* LOOKUP/CREATE/REMOVE/... name in the call */
	uint16_t name_len;
	bool has_io; /* READ/WRITE call offset+count, reply count(+eof) */
	uint64_t offset;
	uint32_t count;
	bool eof;
};

struct rpc_nfs4 {
	char tag[RPC_TAG_MAX];
	uint8_t tag_len;
	uint32_t minor;
	uint32_t status;  /* reply: COMPOUND status (nfsstat4) */
	uint32_t nops;    /* declared op count */
	uint8_t nrec;     /* ops recorded in op[] (<= RPC_NFS4_OPS_MAX) */
	uint8_t ndecoded; /* ops whose arguments/results were walked */
	bool stopped;     /* an op could not be sized: the rest was not decoded */
	uint32_t op[RPC_NFS4_OPS_MAX];
	uint32_t op_status[RPC_NFS4_OPS_MAX]; /* replies */
	char path[RPC_PATH_MAX]; /* LOOKUP components joined by '/'; replies copy the call's */
	uint16_t path_len;
	bool path_cut;
};

struct ev_rpc {
	uint32_t xid;
	bool is_reply;
	bool matched;              /* reply: its call was seen on this flow */
	uint8_t transport;         /* 17 UDP, 6 TCP */
	uint32_t prog, vers, proc; /* replies: from the matched call */
	const char *proc_name;     /* static string, NULL if unknown */
	uint64_t call_frame;       /* reply: frame of the matched call */
	nbt_time call_ts;
	/* call: credential (RFC 5531 s8-9, appendix A) */
	bool cred_cut;        /* the capture ends inside cred/verf: auth fields unknown */
	uint32_t auth_flavor; /* AUTH_NONE 0, AUTH_SYS 1, RPCSEC_GSS 6 */
	uint32_t uid, gid;
	char machine[RPC_MACHINE_MAX];
	uint8_t machine_len;
	/* reply (RFC 5531 s9) */
	uint32_t reply_stat;  /* MSG_ACCEPTED 0, MSG_DENIED 1 */
	uint32_t accept_stat; /* SUCCESS 0 ... SYSTEM_ERR 5 */
	uint32_t reject_stat; /* RPC_MISMATCH 0, AUTH_ERROR 1 */
	uint32_t auth_stat;
	uint32_t mismatch_lo, mismatch_hi;
	/* program part */
	enum rpc_kind kind;
	bool body_bad;   /* program part ran past the data; what was parsed is kept */
	bool body_trunc; /* ... because the capture (snaplen, 64 KiB record prefix) ends */
	union {
		struct rpc_portmap pmap;
		struct rpc_mount mnt;
		struct rpc_nfs3 nfs3;
		struct rpc_nfs4 nfs4;
	} u;
};

struct dissector;
extern const struct dissector dis_rpc;

#endif
