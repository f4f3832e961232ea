/* summary: what the capture cannot show (PI-NETBOOT.md s6): a stall the capture itself may
 * explain (snaplen, one direction, a port-69 filter) becomes cannot-tell, never blamed on the
 * client; and the per-attempt capture notes (filtered TFTP, a capture started mid-boot). */
#include "diag_priv.h"

/* The stall stays the primary finding, as cannot-tell, so the report still names the stage and
 * what it looked like. */
void diag_cannot_tell(struct diag_ctx *x, enum diag_code capture_code, const char *because)
{
	struct diag_result *r = x->r;
	struct diag_finding *p = &r->f[r->primary];
	char was[DIAG_TEXT_MAX];
	diag_text(was, sizeof(was), "%s", diag_code_name(p->code));
	p->code = DIAG_CODE_CANNOT_TELL;
	p->sev = DIAG_SEV_CAPTURE;
	p->detail = NULL;
	diag_summary(p, "cannot tell (it looks like %s), because %s", was, because);
	diag_hint(p, "capture again on the server or router interface, with no port filter and a "
	             "full snaplen: tcpdump -i br-lan -s 0 -w boot.pcap");
	r->verdict = DIAG_UNKNOWN;
	struct diag_finding *f = diag_add(x, capture_code, DIAG_SEV_CAPTURE, p->stage);
	if (f) {
		diag_summary(f, "%s", because);
		for (uint8_t i = 0; i < p->nevidence; i++)
			diag_evidence(f, p->evidence[i]);
	}
}

/* RRQs in the capture but no TFTP reply at all, while the client went on as if it got them (a
 * second file, its own ACKs, the kernel, NFS): a capture filter, not a silent server. */
bool diag_filtered(const struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	return x->has_rrq && !a->tftp_server_pkts &&
	       (x->distinct_rrq >= 2 || a->tftp_client_acks || x->kdhcp || x->rpc_any);
}

enum diag_proof diag_proof_of_silence(const struct diag_ctx *x)
{
	return diag_filtered(x) ? DIAG_SUSPECT : DIAG_WAITING;
}

/* When what a stall rests on is what the capture cannot show (DHCP options cut by the snaplen,
 * replies of one direction only, a filter on port 69), the verdict is unknown: the client is
 * not blamed for the capture. */
void diag_blind(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	if (x->r->primary < 0)
		return;
	const struct diag_finding *p = &x->r->f[x->r->primary];
	bool dhcp_stage = p->stage == CLIENT_ST_FW_DHCP || p->stage == CLIENT_ST_KERNEL_DHCP;
	const struct client_dhcp *d = p->stage == CLIENT_ST_KERNEL_DHCP ? &a->kernel : &a->fw;
	bool tftp =
	    p->code == DIAG_CODE_TFTP_NO_RESPONSE || p->code == DIAG_CODE_TFTP_SERVER_CONFLICT;
	/* Stalls that only say "nothing more was seen": a filter explains them too. */
	bool missing = p->code == DIAG_CODE_NO_KERNEL_DHCP || p->code == DIAG_CODE_NO_NFS_TRAFFIC;
	if ((dhcp_stage || p->code == DIAG_CODE_OFFER_MISSING_TFTP_SERVER) && d->cut)
		diag_cannot_tell(x, DIAG_CODE_CAPTURE_TRUNCATED,
		                 "the DHCP messages were cut by the capture's snaplen, so their "
		                 "options cannot be read");
	else if (dhcp_stage && d->request.count && !d->offer.count && !d->ack.count &&
	         d->discover.count)
		diag_cannot_tell(
		    x, DIAG_CODE_CAPTURE_ONE_DIRECTION,
		    "the client sent REQUESTs, which follow an OFFER, but no reply to it "
		    "is in the capture: only one direction seems visible");
	else if ((tftp || missing) && diag_filtered(x)) {
		diag_cannot_tell(x, DIAG_CODE_CAPTURE_FILTER_PORT_69, DIAG_FILTER_WHY);
		struct diag_finding *f = &x->r->f[x->r->n - 1];
		if (x->last && f->code == DIAG_CODE_CAPTURE_FILTER_PORT_69)
			diag_evidence(f, x->last->first_rrq);
	} else if (p->code == DIAG_CODE_NFS_NO_RESPONSE && !a->rpc.pmap_reply.count &&
	           !a->rpc.mnt_reply.count && !a->rpc.nfs_reply.count &&
	           (a->rpc.nfs_call.count && (a->rpc.mnt_call.count || a->rpc.pmap_call.count)))
		diag_cannot_tell(x, DIAG_CODE_CAPTURE_ONE_DIRECTION,
		                 "the client moved on from portmap/MOUNT to NFS calls, which needs "
		                 "replies, but no RPC reply is in the capture");
}

/* The capture kept RRQs but no TFTP reply at all, while the client acted on replies. */
void diag_note_filter(struct diag_ctx *x)
{
	if (!diag_filtered(x) || diag_find(x->r, DIAG_CODE_CAPTURE_FILTER_PORT_69))
		return;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_CAPTURE_FILTER_PORT_69, DIAG_SEV_CAPTURE, CLIENT_ST_TFTP_FW);
	diag_summary(f, "%s", DIAG_FILTER_WHY);
	diag_hint(f, "capture without a port filter: tcpdump -i br-lan -s 0 -w boot.pcap");
	diag_evidence(f, x->last ? x->last->first_rrq : x->a->first);
}

/* Only the first attempt can start mid-boot: a later one begins with its own DHCP. */
void diag_note_mid_boot(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	if (!a->mid_boot || a->number != 1)
		return;
	enum client_stage st = CLIENT_ST_FW_DHCP;
	while (st < CLIENT_ST_NFS && !a->stage[st].count)
		st++;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_CAPTURE_STARTED_MID_BOOT, DIAG_SEV_CAPTURE, st);
	diag_summary(f,
	             "the capture starts in the middle of this boot (first seen: %s): the stages "
	             "before it cannot be judged",
	             client_stage_name(st));
	diag_evidence(f, a->first);
}
