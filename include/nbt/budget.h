/* summary: what all the flows of one pipeline hold together (TCP windows, RPC record bytes, RPC
 * call slots), owned by the pipeline and reached through it, so that two pipelines (or a test)
 * never share a count and every cap is counted against one place. */
#ifndef NBT_BUDGET_H
#define NBT_BUDGET_H

#include <stddef.h>

struct tcp_ooo;

struct nbt_budget {
	/* Out-of-order windows held by all TCP byte streams (each ~320 KiB; tcpstream.c). */
	size_t ooo_windows, ooo_windows_max;
	struct tcp_ooo *ooo_spare; /* one given-back window kept for the next stream */
	/* Bytes of ONC RPC record buffers held by all streams (tcpreasm.c). */
	size_t rec_bytes, rec_bytes_max;
	/* RPC call slots past each flow's first ring, held by all flows (dissectors/rpc.c). */
	size_t rpc_spare_used, rpc_spare_max;
};

/* Windows (each ~320 KiB): a capture of many NFS/TCP flows that each leave one hole would
 * otherwise hold two per flow table entry (tens of GB). A stream that finds none free treats data
 * past its hole as past its window (ANOM_CAP_TCP_OOO, the hole declared lost). */
#define NBT_BUDGET_OOO_WINDOWS 128u
/* Record bytes: 512 NFS READ replies of 64 KiB in flight at once, far more than a boot has, and
 * a bound on what crafted record marks can cost. */
#define NBT_BUDGET_REC_BYTES (32u << 20)
/* Spare RPC slots (~170 bytes each): with the flow cap this bounds the xid tables (65536 flows
 * x 8 slots + this = ~130 MB at worst, not 65536 x 64 = 700 MB); a flow that finds no room
 * forgets its oldest call instead. */
#define NBT_BUDGET_RPC_SPARE 262144u

#define NBT_BUDGET_DEFAULT                                                                         \
	{                                                                                          \
		.ooo_windows_max = NBT_BUDGET_OOO_WINDOWS, .rec_bytes_max = NBT_BUDGET_REC_BYTES,  \
		.rpc_spare_max = NBT_BUDGET_RPC_SPARE,                                             \
	}

/* Frees what the budget itself keeps (the spare window). */
void budget_release(struct nbt_budget *b);

#endif
