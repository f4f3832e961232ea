/* summary: what the capture cannot show (PI-NETBOOT.md s6): a stall the capture itself may
 * explain (snaplen, one direction, a port-69 filter, a capture point blind to unicast) becomes
 * cannot-tell, never blamed on the client; and the per-attempt capture notes (filtered TFTP,
 * unicast unseen, a capture started mid-boot). */
#include <inttypes.h>

#include "diag_priv.h"
#include "nbt/fmt.h"

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

/*
 * The boot went past a stage whose unicast the capture does not hold: the kernel sent its DHCP,
 * so the firmware files were loaded, yet the attempt has no TFTP at all, and ARP requests for
 * the server are in the capture but none of its (unicast) replies. What a router whose LAN
 * ports are switched in hardware records: broadcasts and its own traffic only (firmware#941: a
 * capture lacking replies the boot proves were sent; #764: a dump taken on the router). Writes
 * the reason into why.
 */
bool diag_unicast_blind(const struct diag_ctx *x, char *why, size_t size)
{
	const struct client_attempt *a = x->a;
	if (!a->fw.ack.count || !a->kernel.discover.count || a->nfiles || a->tftp_server_pkts ||
	    x->rpc_any)
		return false;
	for (int i = 0; i < a->narp; i++)
		if (a->arp_answer[i].frame)
			return false; /* a unicast ARP reply is visible: not this blind spot */
	int k = diag_arp_after(a, a->fw.ack.last.frame);
	uint32_t srv = k >= 0 ? a->arp_target[k] : x->tftp_server;
	diag_text(why, size,
	          "this capture point does not see the unicast traffic between the client and "
	          "%s: the kernel's DHCP (frame %" PRIu64 ") means the firmware files were "
	          "loaded, yet no TFTP and no ARP reply is in the capture, only broadcasts and "
	          "the DHCP server's replies",
	          fmt_ipv4(srv).s, a->kernel.discover.first.frame);
	return true;
}

/* The blind spot's hint names this client and its server; its evidence is the ARP request the
 * reply of which is missing and the kernel's DHCP that proves the files were loaded. */
static void diag_blind_detail(struct diag_ctx *x, struct diag_finding *f)
{
	int k = diag_arp_after(x->a, x->a->fw.ack.last.frame);
	diag_hint(
	    f,
	    "capture where the unicast passes: on the boot server%s%s itself (tcpdump -i eth0 "
	    "-s 0 -w boot.pcap ether host %s) or on a mirrored switch port; a router whose "
	    "LAN ports are switched in hardware sees only broadcasts and its own traffic",
	    k >= 0 ? " " : "", k >= 0 ? fmt_ipv4(x->a->arp_target[k]).s : "", fmt_mac(x->c->mac).s);
	if (k >= 0)
		diag_evidence(f, x->a->arp_first[k]);
	diag_evidence(f, x->a->kernel.discover.first);
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
	char why[DIAG_TEXT_MAX];
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
	} else if ((tftp || missing || p->code == DIAG_CODE_NO_TFTP_REQUEST ||
	            p->code == DIAG_CODE_TFTP_SERVER_UNREACHABLE ||
	            p->code == DIAG_CODE_NFS_SERVER_UNREACHABLE) &&
	           diag_unicast_blind(x, why, sizeof(why))) {
		diag_cannot_tell(x, DIAG_CODE_CAPTURE_UNICAST_BLIND, why);
		diag_blind_detail(x, &x->r->f[x->r->primary]);
		diag_blind_detail(x, &x->r->f[x->r->n - 1]);
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

/* Said even while no stall is judged yet: the stages after the blind spot cannot be seen. */
void diag_note_unicast_blind(struct diag_ctx *x)
{
	char why[DIAG_TEXT_MAX];
	struct diag_result *r = x->r;
	if (diag_find(r, DIAG_CODE_CAPTURE_UNICAST_BLIND) ||
	    !diag_unicast_blind(x, why, sizeof(why)))
		return;
	/* Waiting for traffic this capture point cannot show (portmap after the kernel's DHCP):
	 * the stall the wait would become is unknown now, not in a timeout's time. */
	if (r->verdict == DIAG_IN_PROGRESS && r->primary < 0 && r->waiting &&
	    r->deadline > r->wait_since && r->wait_stage > CLIENT_ST_FW_DHCP) {
		struct diag_finding *p = diag_add(x, r->wait_code, DIAG_SEV_STALL, r->wait_stage);
		if (p) {
			r->primary = (int)(p - r->f);
			r->waiting = false;
			diag_cannot_tell(x, DIAG_CODE_CAPTURE_UNICAST_BLIND, why);
			diag_blind_detail(x, p);
			diag_blind_detail(x, &r->f[r->n - 1]);
			return;
		}
	}
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_CAPTURE_UNICAST_BLIND, DIAG_SEV_CAPTURE, CLIENT_ST_TFTP_FW);
	diag_summary(f, "%s", why);
	diag_blind_detail(x, f);
}

/* Only the first attempt can start mid-boot: a later one begins with its own DHCP. */
void diag_note_mid_boot(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	if (!a->mid_boot || a->number != 1)
		return;
	/* The stage of its first frame: a capture cut into NFS may hold a later portmap call. */
	enum client_stage st = CLIENT_ST_FW_DHCP;
	for (int i = 0; i < CLIENT_ST__COUNT; i++)
		if (a->stage[i].count &&
		    (!a->stage[st].count || a->stage[i].first.frame < a->stage[st].first.frame))
			st = (enum client_stage)i;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_CAPTURE_STARTED_MID_BOOT, DIAG_SEV_CAPTURE, st);
	diag_summary(f,
	             "the capture starts in the middle of this boot (first seen: %s): the stages "
	             "before it cannot be judged",
	             client_stage_name(st));
	diag_evidence(f, a->first);
}
