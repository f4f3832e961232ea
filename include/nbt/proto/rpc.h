/* summary: ONC RPC wire constants (RFC 5531), portmap/rpcbind (RFC 1833), MOUNT/NFS (RFC 1813,
 * 7530, 8881). */
#ifndef NBT_RPC_PROTO_H
#define NBT_RPC_PROTO_H

/* RFC 5531 s9: msg_type, reply_stat, accept_stat, reject_stat. */
#define RPC_CALL          0
#define RPC_REPLY         1
#define RPC_VERSION       2
#define RPC_MSG_ACCEPTED  0
#define RPC_MSG_DENIED    1
#define RPC_SUCCESS       0
#define RPC_PROG_UNAVAIL  1
#define RPC_PROG_MISMATCH 2
#define RPC_PROC_UNAVAIL  3
#define RPC_GARBAGE_ARGS  4
#define RPC_SYSTEM_ERR    5
#define RPC_RPC_MISMATCH  0
#define RPC_AUTH_ERROR    1

/* RFC 5531 s8.2 and the IANA registry: auth flavours. */
#define RPC_AUTH_NONE     0
#define RPC_AUTH_SYS      1
#define RPC_AUTH_SHORT    2
#define RPC_AUTH_DH       3
#define RPC_AUTH_KERB4    4
#define RPC_AUTH_RSA      5
#define RPC_RPCSEC_GSS    6
#define RPC_AUTH_TLS      7
#define RPC_AUTH_BODY_MAX 400 /* RFC 5531 s8.2: opaque body<400> */
#define RPC_GSS_DATA      0   /* RFC 2203 s5: rpc_gss_proc_t RPCSEC_GSS_DATA */
#define RPC_GSS_SVC_NONE  1

/* Program numbers (RFC 5531 appendix / IANA). */
#define RPC_PROG_PORTMAP 100000
#define RPC_PROG_NFS     100003
#define RPC_PROG_MOUNT   100005

/* Well-known ports: portmap/rpcbind (RFC 1833 s3), NFS (RFC 1813 s1; RFC 7530 s3.1 makes it
 * the only port NFSv4 needs). MOUNT has none: it is found through portmap. */
#define RPC_PORT_PORTMAP 111
#define RPC_PORT_NFS     2049

/* RFC 1833 s3 (portmap v2) and s2 (rpcbind v3/v4) procedures. */
#define PMAP_NULL        0
#define PMAP_SET         1
#define PMAP_UNSET       2
#define PMAP_GETPORT     3 /* rpcbind: GETADDR */
#define PMAP_DUMP        4
#define PMAP_CALLIT      5
#define RPCB_GETVERSADDR 9
#define PMAP_DUMP_MAX    4096 /* DUMP entries counted before giving up */

/* RFC 1813 appendix I: MOUNT procedures and mountstat3. */
#define MNT_NULL        0
#define MNT_MNT         1
#define MNT_DUMP        2
#define MNT_UMNT        3
#define MNT_UMNTALL     4
#define MNT_EXPORT      5
#define MNT_PATH_MAX    1024 /* MNTPATHLEN */
#define MNT_NAME_MAX    255  /* MNTNAMLEN */
#define MNT_FH3_MAX     64   /* FHSIZE3 */
#define MNT_FH1_SIZE    32   /* FHSIZE (v1) */
#define MNT_LIST_MAX    4096 /* EXPORT/DUMP entries walked */
#define MNT_FLAVORS_MAX 64

/* RFC 1813 s5.1.5: mountstat3 values used here. */
#define MNT3_OK       0
#define MNT3ERR_NOENT 2
#define MNT3ERR_ACCES 13

/* RFC 1813 s5.1.5: the mountstat3 of a root path that names a file, not a folder. */
#define MNT3ERR_NOTDIR 20

/* RFC 1813 s3: NFSv3 procedures (NFSv2 differs, RFC 1094 s2.2). */
#define NFS3_NULL       0 /* s3.3.0: does nothing, a ping */
#define NFS3_GETATTR    1
#define NFS3_SETATTR    2
#define NFS3_LOOKUP     3
#define NFS3_ACCESS     4
#define NFS3_READ       6
#define NFS3_WRITE      7
#define NFS3_CREATE     8
#define NFS3_MKDIR      9
#define NFS3_SYMLINK    10
#define NFS3_MKNOD      11
#define NFS3_REMOVE     12
#define NFS3_RMDIR      13
#define NFS3_FH_MAX     64 /* NFS3_FHSIZE */
#define NFS3_FATTR_SIZE 84 /* fattr3: 21 XDR words */
#define NFS3_WCC_PRE    24 /* wcc_attr: size + mtime + ctime */
#define NFS3_NAME_MAX   1024
#define NFS2_FH_SIZE    32

/* RFC 1813 s2.6: nfsstat3 values used here (NFSv2's nfsstat agrees, RFC 1094 s2.3.1). */
#define NFS3_OK       0
#define NFS3ERR_PERM  1
#define NFS3ERR_NOENT 2

/* NFSv4 (RFC 7530 s16, RFC 8881 s18, RFC 7862 s15): COMPOUND limits. */
#define NFS_V4             4 /* RFC 7531: the version of program 100003 that is NFSv4 */
#define NFS4_NULL          0 /* RFC 7530 s15.1 */
#define NFS4_COMPOUND      1
#define NFS4_FH_MAX        128 /* NFS4_FHSIZE */
#define NFS4_OPAQUE_MAX    1024
#define NFS4_BITMAP_MAX    16   /* bitmap4 words accepted */
#define NFS4_STR_MAX       4096 /* components, tags, netids */
#define NFS4_ARRAY_MAX     256  /* secinfo, stateid, gss handle arrays */
#define NFS4_OPS_LIMIT     4096 /* ops walked before calling the compound absurd */
#define NFS4_STATEID       16
#define NFS4_VERIFIER      8
#define NFS4_SESSIONID     16
#define NFS4_OK            0
#define NFS4ERR_PERM       1 /* RFC 7530 s13.1 */
#define NFS4ERR_NOENT      2
#define NFS4ERR_ACCESS     13
#define NFS4ERR_NOTDIR     20
#define NFS4ERR_DENIED     10010
#define NFS4ERR_WRONGSEC   10016
#define NFS4ERR_CLID_INUSE 10017

/* NFSv4 operation numbers used here (RFC 7530 s16, RFC 8881 s18: nfs_opnum4). */
#define NFS4_OP_LOOKUP    15
#define NFS4_OP_PUTFH     22
#define NFS4_OP_PUTROOTFH 24
#define NFS4_OP_READ      25
#define NFS4_OP_READDIR   26

#endif
