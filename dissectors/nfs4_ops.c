/* summary: NFSv4 operation tables: names (RFC 7530 s16, RFC 8881 s18, RFC 7862 s15) and the
 * fixed sizes of arguments and results that let the decoder step over ops it does not read. */
#include <stddef.h>

#include "nbt/proto/rpc.h"
#include "nfs4_ops.h"
#include "rpc_prog.h"

static const char *const nfs4_names[] = {
    [OP_ACCESS] = "ACCESS",
    [OP_CLOSE] = "CLOSE",
    [OP_COMMIT] = "COMMIT",
    [OP_CREATE] = "CREATE",
    [OP_DELEGPURGE] = "DELEGPURGE",
    [OP_DELEGRETURN] = "DELEGRETURN",
    [OP_GETATTR] = "GETATTR",
    [OP_GETFH] = "GETFH",
    [OP_LINK] = "LINK",
    [OP_LOCK] = "LOCK",
    [OP_LOCKT] = "LOCKT",
    [OP_LOCKU] = "LOCKU",
    [OP_LOOKUP] = "LOOKUP",
    [OP_LOOKUPP] = "LOOKUPP",
    [OP_NVERIFY] = "NVERIFY",
    [OP_OPEN] = "OPEN",
    [OP_OPENATTR] = "OPENATTR",
    [OP_OPEN_CONFIRM] = "OPEN_CONFIRM",
    [OP_OPEN_DOWNGRADE] = "OPEN_DOWNGRADE",
    [OP_PUTFH] = "PUTFH",
    [OP_PUTPUBFH] = "PUTPUBFH",
    [OP_PUTROOTFH] = "PUTROOTFH",
    [OP_READ] = "READ",
    [OP_READDIR] = "READDIR",
    [OP_READLINK] = "READLINK",
    [OP_REMOVE] = "REMOVE",
    [OP_RENAME] = "RENAME",
    [OP_RENEW] = "RENEW",
    [OP_RESTOREFH] = "RESTOREFH",
    [OP_SAVEFH] = "SAVEFH",
    [OP_SECINFO] = "SECINFO",
    [OP_SETATTR] = "SETATTR",
    [OP_SETCLIENTID] = "SETCLIENTID",
    [OP_SETCLIENTID_CONFIRM] = "SETCLIENTID_CONFIRM",
    [OP_VERIFY] = "VERIFY",
    [OP_WRITE] = "WRITE",
    [OP_RELEASE_LOCKOWNER] = "RELEASE_LOCKOWNER",
    [OP_BACKCHANNEL_CTL] = "BACKCHANNEL_CTL",
    [OP_BIND_CONN_TO_SESSION] = "BIND_CONN_TO_SESSION",
    [OP_EXCHANGE_ID] = "EXCHANGE_ID",
    [OP_CREATE_SESSION] = "CREATE_SESSION",
    [OP_DESTROY_SESSION] = "DESTROY_SESSION",
    [OP_FREE_STATEID] = "FREE_STATEID",
    [OP_GET_DIR_DELEGATION] = "GET_DIR_DELEGATION",
    [OP_GETDEVICEINFO] = "GETDEVICEINFO",
    [OP_GETDEVICELIST] = "GETDEVICELIST",
    [OP_LAYOUTCOMMIT] = "LAYOUTCOMMIT",
    [OP_LAYOUTGET] = "LAYOUTGET",
    [OP_LAYOUTRETURN] = "LAYOUTRETURN",
    [OP_SECINFO_NO_NAME] = "SECINFO_NO_NAME",
    [OP_SEQUENCE] = "SEQUENCE",
    [OP_SET_SSV] = "SET_SSV",
    [OP_TEST_STATEID] = "TEST_STATEID",
    [OP_WANT_DELEGATION] = "WANT_DELEGATION",
    [OP_DESTROY_CLIENTID] = "DESTROY_CLIENTID",
    [OP_RECLAIM_COMPLETE] = "RECLAIM_COMPLETE",
    [OP_ALLOCATE] = "ALLOCATE",
    [OP_COPY] = "COPY",
    [OP_COPY_NOTIFY] = "COPY_NOTIFY",
    [OP_DEALLOCATE] = "DEALLOCATE",
    [OP_IO_ADVISE] = "IO_ADVISE",
    [OP_LAYOUTERROR] = "LAYOUTERROR",
    [OP_LAYOUTSTATS] = "LAYOUTSTATS",
    [OP_OFFLOAD_CANCEL] = "OFFLOAD_CANCEL",
    [OP_OFFLOAD_STATUS] = "OFFLOAD_STATUS",
    [OP_READ_PLUS] = "READ_PLUS",
    [OP_SEEK] = "SEEK",
    [OP_WRITE_SAME] = "WRITE_SAME",
    [OP_CLONE] = "CLONE",
};

const char *nfs4_op_name(uint32_t op)
{
	if (op == OP_ILLEGAL)
		return "ILLEGAL";
	if (op < sizeof(nfs4_names) / sizeof(nfs4_names[0]))
		return nfs4_names[op];
	return NULL;
}

const char *nfs4_proc_name(uint32_t vers, uint32_t proc)
{
	(void)vers;
	return proc == 0 ? "NULL" : proc == NFS4_COMPOUND ? "COMPOUND" : NULL;
}

/* Fixed-size arguments, in bytes; -1 if the op needs a custom walk or is unknown. */
int nfs4_arg_fixed(uint32_t op)
{
	switch (op) {
	case OP_GETFH:
	case OP_LOOKUPP:
	case OP_PUTPUBFH:
	case OP_PUTROOTFH:
	case OP_READLINK:
	case OP_RESTOREFH:
	case OP_SAVEFH:
	case OP_ILLEGAL:
		return 0;
	case OP_ACCESS:
	case OP_OPENATTR:
	case OP_SECINFO_NO_NAME:
	case OP_RECLAIM_COMPLETE:
		return 4;
	case OP_DELEGPURGE:
	case OP_RENEW:
	case OP_DESTROY_CLIENTID:
		return 8;
	case OP_COMMIT:
		return 12;
	case OP_DELEGRETURN:
	case OP_DESTROY_SESSION:
	case OP_FREE_STATEID:
	case OP_OFFLOAD_CANCEL:
	case OP_OFFLOAD_STATUS:
	case OP_SETCLIENTID_CONFIRM:
		return 16;
	case OP_CLOSE:
	case OP_OPEN_CONFIRM:
		return 20;
	case OP_BIND_CONN_TO_SESSION:
	case OP_GETDEVICELIST:
		return 24;
	case OP_OPEN_DOWNGRADE:
	case OP_READ:
	case OP_READ_PLUS:
	case OP_SEEK:
		return 28;
	case OP_SEQUENCE: /* sessionid, seq, slot, highest slot, cachethis */
	case OP_ALLOCATE:
	case OP_DEALLOCATE:
		return 32;
	case OP_LOCKU:
		return 40;
	case OP_LAYOUTGET:
	case OP_CLONE:
		return 56;
	default:
		return -1;
	}
}

/* Fixed-size results of a successful op, in bytes; -1 for a custom walk or unknown op. */
int nfs4_res_fixed(uint32_t op)
{
	switch (op) {
	case OP_DELEGPURGE:
	case OP_DELEGRETURN:
	case OP_LOOKUP:
	case OP_LOOKUPP:
	case OP_NVERIFY:
	case OP_OPENATTR:
	case OP_PUTFH:
	case OP_PUTPUBFH:
	case OP_PUTROOTFH:
	case OP_RENEW:
	case OP_RESTOREFH:
	case OP_SAVEFH:
	case OP_SETCLIENTID_CONFIRM:
	case OP_VERIFY:
	case OP_RELEASE_LOCKOWNER:
	case OP_BACKCHANNEL_CTL:
	case OP_DESTROY_SESSION:
	case OP_FREE_STATEID:
	case OP_DESTROY_CLIENTID:
	case OP_RECLAIM_COMPLETE:
	case OP_ALLOCATE:
	case OP_DEALLOCATE:
	case OP_OFFLOAD_CANCEL:
	case OP_CLONE:
	case OP_LOCKT:
	case OP_ILLEGAL:
		return 0;
	case OP_ACCESS:
	case OP_COMMIT:
		return 8;
	case OP_SEEK:
		return 12;
	case OP_CLOSE:
	case OP_LOCK:
	case OP_LOCKU:
	case OP_OPEN_CONFIRM:
	case OP_OPEN_DOWNGRADE:
	case OP_WRITE:
	case OP_SETCLIENTID:
		return 16;
	case OP_LINK:
	case OP_REMOVE:
		return 20; /* change_info4 */
	case OP_BIND_CONN_TO_SESSION:
		return 24;
	case OP_SEQUENCE: /* sessionid, sequenceid, slotid, highest, target highest, flags */
		return 36;
	case OP_RENAME:
		return 40;
	default:
		return -1;
	}
}
