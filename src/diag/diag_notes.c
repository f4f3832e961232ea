/* summary: notes: the warnings and information that do not stop a boot (retransmissions, big
 * TFTP blocks, several DHCP servers, option 66 as a name, a slow stage, the root-folder
 * fallback, optional probes not found, NFS errors once the root is in use; PI-NETBOOT.md s3). */
#include <stdio.h>

#include <string.h>

#include "diag_priv.h"
#include "nbt/proto/stp.h"
#include "nbt/fmt.h"
#include "nbt/tftp.h"

void diag_note_root_folder(struct diag_ctx *x)
{
	const struct client_file *first;
	if (!x->pi || !x->any_served || !diag_prefix_missing(x, &first))
		return;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_USING_ROOT_FOLDER, DIAG_SEV_INFO, CLIENT_ST_TFTP_FW);
	diag_summary(f,
	             "%s was not found, so the Pi fell back to the TFTP root and was served from "
	             "there: using root folder, not %s",
	             first->name, x->c->prefix_str);
	diag_hint(f, "fine as it is; to give this Pi its own files, create <tftp-root>/%s",
	          x->c->prefix_str);
	diag_evidence(f, first->error);
	diag_evidence(f, x->last_done->done);
}

void diag_note_optional(struct diag_ctx *x)
{
	char names[DIAG_TEXT_MAX / 2] = "";
	size_t used = 0;
	unsigned n = 0, listed = 0;
	struct client_mark seen[DIAG_EVIDENCE_MAX]; /* each file's own "not found", in order */
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *f = &x->a->files[i];
		if (f->state != CLIENT_FILE_ERROR || f->err_code != TFTP_ERR_NOTFOUND ||
		    !client_file_optional(f->name))
			continue;
		if (n < DIAG_EVIDENCE_MAX)
			seen[n] = f->error;
		n++;
		/* Whole names only: one that does not fit ends the list ("and N more"). */
		if (listed < n - 1)
			continue;
		int w =
		    snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", f->name);
		if (w > 0 && (size_t)w < sizeof(names) - used - sizeof(" and 9999 more")) {
			used += (size_t)w;
			listed++;
		} else {
			names[used] = '\0';
		}
	}
	if (listed < n)
		snprintf(names + used, sizeof(names) - used, " and %u more", n - listed);
	/* None missing: no finding, and the writers below skip a NULL one. */
	struct diag_finding *f =
	    n ? diag_add(x, DIAG_CODE_OPTIONAL_FILE_MISSING, DIAG_SEV_INFO, CLIENT_ST_TFTP_FW)
	      : NULL;
	if (client_model_is_pi(x->c->model))
		diag_summary(f,
		             "not found, which is normal (optional probes: signatures, recovery "
		             "and EEPROM updates, overlay map): %s",
		             names);
	else
		diag_summary(f,
		             "not found, which is normal (the loader tries its configuration names "
		             "from the most specific to the most general and takes the first one "
		             "found): %s",
		             names);
	for (unsigned i = 0; i < n && i < DIAG_EVIDENCE_MAX; i++)
		diag_evidence(f, seen[i]);
}

void diag_note_tftp(struct diag_ctx *x)
{
	uint32_t retrans = 0, dups = 0, big = 0, oacks = 0;
	const struct client_file *worst = NULL, *bigf = NULL, *oack = NULL;
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *f = &x->a->files[i];
		/* A transfer that did not finish has its stall; one that did may still be wrong. */
		if (f->oack_repeats &&
		    (f->state == CLIENT_FILE_DONE || f->state == CLIENT_FILE_PROBED) && !oacks++)
			oack = f;
		if (f->state != CLIENT_FILE_DONE)
			continue; /* an unfinished transfer's retries belong to its stall */
		retrans += f->retrans;
		dups += f->dup_acks;
		if (f->retrans && (!worst || f->retrans > worst->retrans))
			worst = f;
		/* 1468 + 4 (TFTP) + 8 (UDP) + 20 (IPv4) = 1500: more needs IP fragments. */
		if (f->blksize > 1468 && !big++)
			bigf = f;
	}
	struct diag_finding *f;
	if (retrans || dups) {
		f = diag_add(x, DIAG_CODE_TFTP_RETRANSMITS, DIAG_SEV_WARNING, CLIENT_ST_TFTP_FW);
		if (f) {
			diag_summary(
			    f,
			    "%u DATA retransmissions and %u duplicate ACKs (most on %s): packets "
			    "were lost or late, the transfers recovered",
			    retrans, dups, worst ? worst->name : "ACKs");
			diag_hint(
			    f,
			    "check cabling, switch ports and Wi-Fi bridges between the client and "
			    "the TFTP server");
			if (worst)
				diag_evidence(f, worst->last_pkt);
		}
	}
	if (oack && (f = diag_add(x, DIAG_CODE_TFTP_OACK_REPEATED, DIAG_SEV_WARNING,
	                          oack->stage)) != NULL) {
		double gap = diag_secs(oack->oack_again.ts - oack->oack_first.ts);
		char more[48] = "";
		if (oacks > 1)
			diag_text(more, sizeof(more), " (and for %u more files)", oacks - 1);
		diag_summary(f,
		             "the server sent its OACK for %s again %.1f s after the first, before "
		             "the client's ACK 0 came%s",
		             oack->name, gap, more);
		diag_hint(f,
		          "%sa server that waits longer before it sends a packet again avoids it "
		          "(tftpd-hpa: --retransmit 2000000 in TFTP_OPTIONS)",
		          x->c->model == CLIENT_MODEL_PI3 || x->c->model == CLIENT_MODEL_PI
		              ? "Pi 2/3 firmware has loaded a file wrongly after a repeated OACK "
		                "(raspberrypi/firmware#1041: a fixup.dat that does not match "
		                "start.elf leaves 128 MB of memory); keep bootcode.bin, start.elf "
		                "and fixup.dat current; "
		              : "");
		diag_evidence(f, oack->oack_first);
		diag_evidence(f, oack->oack_again);
	}
	if (bigf && (f = diag_add(x, DIAG_CODE_TFTP_BLKSIZE_FRAGMENTS, DIAG_SEV_WARNING,
	                          CLIENT_ST_TFTP_FW)) != NULL) {
		diag_summary(
		    f,
		    "blksize %u for %s makes every DATA packet larger than a 1500-byte MTU, so "
		    "it travels as IP fragments",
		    bigf->blksize, bigf->name);
		diag_hint(f, "dnsmasq: tftp-mtu=1500 caps the block size");
		diag_evidence(f, bigf->first_rrq);
	}
}

/*
 * The client sent its RRQs (or, with none, its first ARP after DHCP) to an address the offer did
 * not name: a TFTP_IP in the Pi 4 EEPROM config, an option 66 it read wrongly, or an off-subnet
 * server the Pi ARPs for directly instead of through its router (PI-NETBOOT.md s3).
 */
static void diag_note_unexpected_server(struct diag_ctx *x, const struct client_dhcp *d)
{
	const struct client_attempt *a = x->a;
	uint32_t named[3] = {d->opt66_is_ip ? d->opt66_ip : 0, d->siaddr,
	                     d->has_opt150 ? d->opt150_ip : 0};
	uint32_t asked = 0;
	struct client_mark at = {0, 0};
	for (uint32_t i = 0; i < a->nfiles && !asked; i++)
		if (a->files[i].rrqs && a->files[i].stage == CLIENT_ST_TFTP_FW) {
			asked = a->files[i].server;
			at = a->files[i].first_rrq;
		}
	int later = diag_arp_after(a, d->first_usable_offer.frame);
	if (!asked && !a->kernel.discover.count && later >= 0) {
		asked = a->arp_target[later];
		at = a->arp_first[later];
	}
	if (!asked || !d->first_usable_offer.frame || (!named[0] && !named[1] && !named[2]))
		return;
	for (int i = 0; i < 3; i++)
		if (asked == named[i])
			return;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_TFTP_SERVER_UNEXPECTED, DIAG_SEV_WARNING, CLIENT_ST_TFTP_FW);
	if (!f)
		return;
	char names[96];
	diag_text(names, sizeof(names), "%s%s%s%s", named[0] ? "option 66 " : "",
	          named[0] ? fmt_ipv4(named[0]).s : "", named[1] ? " / next-server " : "",
	          named[1] ? fmt_ipv4(named[1]).s : "");
	bool off = d->subnet && d->yiaddr && (asked & d->subnet) != (d->yiaddr & d->subnet);
	int ia = diag_arp(a, asked);
	diag_summary(f, "%s turned to %s for its files, but the offer named %s%s",
	             diag_who(x, CLIENT_ST_TFTP_FW), fmt_ipv4(asked).s, names,
	             off && ia >= 0 ? ": it is off the client's subnet and the client asked ARP "
	                              "for it directly instead of its router"
	                            : "");
	diag_hint(f, off ? "put the TFTP server on the Pi's own subnet (the firmware does not "
	                   "route), or answer its ARP there (a proxy ARP on the router)"
	                 : "check TFTP_IP in the bootloader config (rpi-eeprom-config) and that "
	                   "option 66 is a plain dotted address");
	diag_evidence(f, d->first_usable_offer);
	diag_evidence(f, at);
}

void diag_note_dhcp(struct diag_ctx *x)
{
	const struct client_dhcp *d = &x->a->fw;
	struct diag_finding *f;
	if (d->nservers > 1 && (f = diag_add(x, DIAG_CODE_SEVERAL_DHCP_SERVERS, DIAG_SEV_WARNING,
	                                     CLIENT_ST_FW_DHCP)) != NULL) {
		diag_summary(f,
		             "%u DHCP servers answered (%s and %s%s): the client may take "
		             "the wrong one",
		             d->nservers, fmt_ipv4(d->servers[0]).s, fmt_ipv4(d->servers[1]).s,
		             d->nservers > 2 ? ", ..." : "");
		diag_hint(f,
		          "keep one DHCP server per segment, or make the others proxyDHCP / ignore "
		          "this MAC (dnsmasq dhcp-host=MAC,ignore)");
		diag_evidence(f, d->server_first[0]);
		diag_evidence(f, d->server_first[1]);
	}
	/* Not again as a note when the stall already says it. */
	const struct diag_finding *pf = x->r->primary >= 0 ? &x->r->f[x->r->primary] : NULL;
	bool said = pf && pf->detail && strcmp(pf->detail, "option66-is-name") == 0;
	if (d->has_opt66 && !d->opt66_is_ip && !said &&
	    !diag_primary_is(x->r, DIAG_CODE_OFFER_MISSING_TFTP_SERVER) &&
	    (f = diag_add(x, DIAG_CODE_OPTION66_IS_NAME, DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP)) !=
	        NULL) {
		diag_summary(f, "option 66 is the name '%s'; a Pi does not resolve names there",
		             d->opt66);
		diag_hint(f, "dnsmasq: dhcp-option=66,\"<server IP>\"");
		diag_evidence(f, d->first_usable_offer);
	}
	/* A disagreement the client survived: which one it used tells the two apart. */
	if (d->opt66_is_ip && d->siaddr && d->opt66_ip != d->siaddr &&
	    !diag_primary_is(x->r, DIAG_CODE_TFTP_SERVER_CONFLICT) &&
	    (f = diag_add(x, DIAG_CODE_TFTP_SERVER_CONFLICT, DIAG_SEV_WARNING,
	                  CLIENT_ST_FW_DHCP)) != NULL) {
		uint32_t used = x->last ? x->last->server : 0;
		/* Without an RRQ its ARP tells which one it went for. */
		int i66 = diag_arp(x->a, d->opt66_ip), isi = diag_arp(x->a, d->siaddr);
		bool by_arp = !used && (i66 >= 0) != (isi >= 0);
		if (by_arp)
			used = i66 >= 0 ? d->opt66_ip : d->siaddr;
		diag_summary(f, "option 66 says %s but next-server says %s; the client %s %s",
		             fmt_ipv4(d->opt66_ip).s, fmt_ipv4(d->siaddr).s,
		             by_arp ? "asked ARP for" : "used",
		             used == d->opt66_ip ? "option 66"
		             : used == d->siaddr ? "next-server"
		                                 : "neither (no RRQ or ARP for either seen)");
		diag_default_hint(f);
		diag_evidence(f, d->first_usable_offer);
		if (by_arp)
			diag_evidence(f, x->a->arp_first[i66 >= 0 ? i66 : isi]);
	}
	diag_note_unexpected_server(x, d);
	/* dnsmasq pings an address before it offers it (dnsmasq(8), --no-ping): the server's ARP
	 * for the offered address, then an offer seconds late. Harmless unless it meets the
	 * client's own retry time. */
	if (d->offer_probes && d->offer_delay >= DIAG_SEC(2) &&
	    (f = diag_add(x, DIAG_CODE_DHCP_OFFER_DELAYED, DIAG_SEV_INFO, CLIENT_ST_FW_DHCP)) !=
	        NULL) {
		diag_summary(f,
		             "the first offer came %.1f s after the DISCOVER; meanwhile %u ARP "
		             "requests asked for %s, the address offered: the DHCP server was "
		             "checking with a ping that it is free",
		             diag_secs(d->offer_delay), d->offer_probes, fmt_ipv4(d->yiaddr).s);
		diag_hint(
		    f, "normal for dnsmasq (it waits up to 3 s for an answer); to offer at once: "
		       "dnsmasq no-ping");
		diag_evidence(f, d->offer_asked);
		diag_evidence(f, d->offer_probe);
		diag_evidence(f, d->offer.first);
	}
	/* Slow: more than half the DHCP timeout (at least 10 s), yet the ACK came. */
	nbt_time end = d->ack.count ? d->ack.last.ts : 0;
	nbt_time slow = x->o->t.dhcp / 2 > DIAG_SEC(10) ? x->o->t.dhcp / 2 : DIAG_SEC(10);
	if (end && d->discover.count && end - d->discover.first.ts > slow &&
	    (f = diag_add(x, DIAG_CODE_SLOW_STAGE, DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP)) != NULL) {
		diag_summary(
		    f,
		    "firmware DHCP took %.1f s from the first DISCOVER to the ACK (%u DISCOVERs)",
		    diag_secs(end - d->discover.first.ts), d->discover.count);
		diag_evidence(f, d->discover.first);
		diag_evidence(f, d->ack.last);
	}
}

/* Errors once the root is mounted (a missing optional file, a permission) do not undo a boot. */
void diag_note_nfs(struct diag_ctx *x)
{
	const struct client_rpc *s = &x->a->rpc;
	struct diag_finding *f;
	if (!s->root_in_use.frame || !s->nfs_errors || x->r->verdict != DIAG_BOOTED)
		return;
	if ((f = diag_add(x, DIAG_CODE_NFS_ERROR, DIAG_SEV_WARNING, CLIENT_ST_NFS)) != NULL) {
		diag_summary(
		    f, "%u NFS error replies while the root was in use (first: status %u%s%s)",
		    s->nfs_errors, s->nfs_status, s->nfs_path[0] ? " on " : "", s->nfs_path);
		diag_default_hint(f);
		diag_evidence(f, s->nfs_fail);
	}
}

/*
 * A switch running spanning tree holds a port that has just come up for twice its forward delay
 * (802.1D listening, then learning: 30 s by default) and then announces a topology change in its
 * BPDUs. An attempt whose first frame follows such an announcement within a retry's time likely
 * lost its first requests to it: a Pi 3 boot ROM sends its DISCOVER five times and gives up,
 * sooner than a port comes up (raspberrypi/firmware#934, piserver#103; PI-NETBOOT.md s6).
 */
#define DIAG_STP_BEFORE DIAG_SEC(5) /* the client's next DISCOVER after the port forwards */
#define DIAG_STP_AFTER  DIAG_SEC(1) /* the BPDU's hello may come just after that frame */

void diag_note_spanning_tree(struct diag_ctx *x)
{
	const struct nbt_stats *st = x->cap->pipe;
	if (!st || !st->stp.changes || x->a->mid_boot)
		return;
	const struct stp_seen *s = &st->stp;
	nbt_time first = x->a->first.ts;
	const struct stp_change *hit = NULL;
	for (uint32_t i = 0; i < s->changes && i < STP_TC_KEPT && !hit; i++)
		if (s->change[i].ts <= first + DIAG_STP_AFTER &&
		    first - s->change[i].ts <= DIAG_STP_BEFORE)
			hit = &s->change[i];
	if (!hit)
		return;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_SWITCH_SPANNING_TREE, DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP);
	char timers[64] = "";
	if (s->have_timers)
		diag_text(timers, sizeof(timers), ", forward delay %.0f s: a new port waits %.0f s",
		          s->fwd_delay_ms / 1000.0, 2 * s->fwd_delay_ms / 1000.0);
	double lead = diag_secs(first - hit->ts);
	diag_summary(f,
	             "a switch on the way runs spanning tree (%s BPDUs from %s%s) and announced a "
	             "topology change %.1f s %s this client's first frame: its port had likely "
	             "just started forwarding, and its first requests were lost while it waited",
	             s->version == STP_VERSION_STP ? "802.1D" : "rapid or multiple",
	             fmt_mac(s->bridge).s, timers, lead < 0 ? -lead : lead,
	             lead < 0 ? "after" : "before");
	diag_evidence(f, (struct client_mark){s->frame, s->ts});
	diag_evidence(f, (struct client_mark){hit->frame, hit->ts});
	diag_evidence(f, x->a->first);
}
