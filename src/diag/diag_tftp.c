/* summary: the TFTP stall rules: DHCP done but no request, then the files the client asked for
 * (RFC 1350, RFC 2347-2349 options; the Pi's <serial>/ folder and root fallback, PI-NETBOOT.md
 * s3). */
#include <inttypes.h>
#include <string.h>

#include "diag_priv.h"
#include "nbt/fmt.h"
#include "nbt/proto/tftp.h"
#include "nbt/tftp.h"

/*
 * Option 66 was a host name, which the Pi does not resolve (PI-NETBOOT.md s2), so the server it
 * could not reach is its fallback (next-server, which dnsmasq fills with its own address):
 * the stall's real cause, said first with the fix for the usual DHCP servers.
 */
static void diag_opt66_name_cause(struct diag_ctx *x, uint32_t used)
{
	const struct client_dhcp *d = &x->a->fw;
	if (x->r->primary < 0 || !d->has_opt66 || d->opt66_is_ip || !x->pi)
		return;
	struct diag_finding *p = &x->r->f[x->r->primary];
	char was[DIAG_TEXT_MAX];
	diag_text(was, sizeof(was), "%s", p->summary);
	p->detail = "option66-is-name";
	diag_summary(p,
	             "option 66 is the host name '%s', which the Pi does not resolve, so it asked "
	             "%s (%s) instead: %s",
	             d->opt66, fmt_ipv4(used).s, used == d->siaddr ? "next-server" : "its fallback",
	             was);
	diag_hint(p,
	          "give the TFTP server as an IP address: dnsmasq dhcp-option=66,\"IP\" (or "
	          "dhcp-boot=,,IP); ISC dhcpd: next-server IP and option tftp-server-name \"IP\"; "
	          "OpenWrt: dhcp_option '66,IP'; Windows DHCP: option 066 = IP");
	diag_evidence(p, d->first_usable_offer);
}

/* DHCP is done and no RRQ came: the server cannot be reached, the offer named no server to
 * ask, or (PXE) no boot file to ask for. */
bool diag_rule_tftp_start(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_dhcp *d = &a->fw;
	struct diag_finding *f;
	if (!x->fw_done || x->has_rrq || x->kdhcp || x->rpc_any)
		return false;
	struct client_mark since = d->ack.count ? d->ack.last : d->first_usable_offer;
	/* The server the client looks for by ARP, when it is not the one the offer named (its
	 * TFTP_IP, an off-subnet server: tftp-server-unexpected says which). */
	uint32_t sought = x->tftp_server;
	int later = diag_arp_after(a, since.frame);
	if (diag_arp(a, sought) < 0 && later >= 0)
		sought = a->arp_target[later];
	if (diag_unreachable(x, CLIENT_ST_TFTP_FW, sought, DIAG_CODE_TFTP_SERVER_UNREACHABLE,
	                     (struct client_mark){0, 0})) {
		diag_opt66_name_cause(x, sought);
		return true;
	}
	if (!x->tftp_server && !(x->pxe && d->has_bootfile && d->offer_server)) {
		f = diag_stall(x, DIAG_CODE_OFFER_MISSING_TFTP_SERVER, CLIENT_ST_TFTP_FW, since.ts,
		               0, DIAG_PROVEN);
		if (f) {
			if (d->has_opt66)
				diag_summary(
				    f,
				    "option 66 is the name '%s', which the Pi does not resolve, "
				    "and siaddr is 0.0.0.0: it has no TFTP server to ask",
				    d->opt66);
			else
				diag_summary(f,
				             "the offer names no TFTP server (no option 66, siaddr "
				             "0.0.0.0), so %s never asks for a file",
				             diag_who(x, CLIENT_ST_TFTP_FW));
			diag_evidence(f, d->first_usable_offer);
			diag_evidence(f, d->ack.last);
		}
		return true;
	}
	/* A PXE client with no boot file has nothing to ask for; anyone else may still ask. */
	f = diag_stall(x, DIAG_CODE_NO_TFTP_REQUEST, CLIENT_ST_TFTP_FW, since.ts, x->o->t.tftp_file,
	               x->pxe && !d->has_bootfile ? DIAG_PROVEN : DIAG_WAITING);
	if (f) {
		if (x->pxe && !d->has_bootfile)
			diag_summary(
			    f, "DHCP completed but the offer has no boot file name (option 67 / "
			       "file), so the PXE client has nothing to ask for");
		else
			diag_summary(
			    f, "DHCP completed (TFTP server %s) but %s never asked for a file",
			    fmt_ipv4(x->tftp_server).s, diag_who(x, CLIENT_ST_TFTP_FW));
		diag_evidence(f, since);
	}
	return true;
}

/* The folder part of a file name ("38c128c0/"), or "" at the root. */
static void diag_folder(const char *name, char *out, size_t size)
{
	const char *s = strrchr(name, '/');
	size_t n = s ? (size_t)(s - name) + 1 : 0;
	diag_text(out, size, "%.*s", (int)(n < size ? n : size - 1), name);
}

static bool diag_in_prefix(const struct client *c, const char *name)
{
	size_t n = strlen(c->prefix_str);
	return n && strncmp(name, c->prefix_str, n) == 0;
}

/* Every RRQ under the prefix folder was not found and nothing under it was served. */
bool diag_prefix_missing(const struct diag_ctx *x, const struct client_file **first)
{
	const struct client *c = x->c;
	bool missing = false;
	*first = NULL;
	if (c->prefix != CLIENT_PREFIX_SERIAL && c->prefix != CLIENT_PREFIX_CUSTOM &&
	    c->prefix != CLIENT_PREFIX_MAC)
		return false;
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *f = &x->a->files[i];
		if (!diag_in_prefix(c, f->name))
			continue;
		if (f->state == CLIENT_FILE_DONE || f->state == CLIENT_FILE_PROBED ||
		    f->state == CLIENT_FILE_XFER)
			return false;
		if (f->state == CLIENT_FILE_ERROR && f->err_code == TFTP_ERR_NOTFOUND) {
			missing = true;
			if (!*first || f->error.frame < (*first)->error.frame)
				*first = f;
		}
	}
	return missing;
}

/* RRQs and no TFTP reply at all: the server is unreachable or silent; when option 66 and
 * next-server disagree, the client most likely asked the one that is not a TFTP server. */
static bool diag_tftp_silent(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_dhcp *d = &a->fw;
	const struct client_file *l = x->last;
	struct diag_finding *f;
	if (diag_unreachable(x, CLIENT_ST_TFTP_FW, l->server, DIAG_CODE_TFTP_SERVER_UNREACHABLE,
	                     (struct client_mark){0, 0})) {
		diag_opt66_name_cause(x, l->server);
		return true;
	}
	bool conflict = d->opt66_is_ip && d->siaddr && d->opt66_ip != d->siaddr;
	/* The client's retransmitted RRQs, unanswered, are the proof. */
	f = diag_stall(x, conflict ? DIAG_CODE_TFTP_SERVER_CONFLICT : DIAG_CODE_TFTP_NO_RESPONSE,
	               l->stage, l->last_rrq.ts, x->o->t.tftp_file,
	               diag_proof_of_sends(x, l->rrqs, l->first_rrq.ts, DIAG_ANSWER_FAST));
	if (conflict)
		diag_summary(f,
		             "option 66 says %s but next-server (siaddr) says %s; the "
		             "client asked %s for %s %u times and got no answer",
		             fmt_ipv4(d->opt66_ip).s, fmt_ipv4(d->siaddr).s, fmt_ipv4(l->server).s,
		             l->name, l->rrqs);
	else
		diag_summary(f, "%s asked %s for %s %u times and the TFTP server never answered",
		             diag_who(x, l->stage), fmt_ipv4(l->server).s, l->name, l->rrqs);
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->last_rrq);
	diag_opt66_name_cause(x, l->server);
	return true;
}

/* The trailing bytes of a file name that no real name ends in: C0 controls, DEL, and bytes never
 * valid in UTF-8 (0xC0, 0xC1, 0xF5-0xFF), e.g. the 0xFF an old PXE ROM appends when it reads
 * option 67 past its length (PI-NETBOOT.md s3). */
static size_t diag_junk_tail(const char *name)
{
	size_t n = strlen(name), k = 0;
	while (k < n) {
		uint8_t b = (uint8_t)name[n - 1 - k];
		if (!(b < 0x20 || b == 0x7f || b == 0xc0 || b == 0xc1 || b >= 0xf5))
			break;
		k++;
	}
	return k;
}

/* A name with junk at its end: the sentence that says so, naming the bytes. */
static void diag_junk_text(const struct diag_ctx *x, const char *name, char *out, size_t size)
{
	size_t k = diag_junk_tail(name), n = strlen(name);
	out[0] = '\0';
	if (!k)
		return;
	char bytes[40] = "";
	for (size_t i = 0; i < k && i < 6; i++)
		snprintf(bytes + strlen(bytes), sizeof(bytes) - strlen(bytes), "%s0x%02X",
		         i ? " " : "", (unsigned)(uint8_t)name[n - k + i]);
	const struct client_dhcp *d = &x->a->fw;
	bool from67 = d->has_bootfile && strlen(d->bootfile) == n - k &&
	              strncmp(d->bootfile, name, n - k) == 0;
	diag_text(out, size, "; the name ends in byte%s %s, which no file name on the server has%s",
	          k > 1 ? "s" : "", bytes,
	          from67 ? ": the client read the offer's boot file name past its end" : "");
}

/* The 16-bit block number after 65535 is 0 (the usual rollover) or 1 (some servers, or
 * tftpd-hpa's "rollover" option): a file of more blocks needs both sides to roll it over. */
static bool diag_at_rollover(uint64_t acked)
{
	return acked && (acked & 0xffff) == 0xffff;
}

/* The block size of a transfer: the one it asked for or was acknowledged, else RFC 1350's. */
static uint32_t diag_blksize(const struct client_file *l)
{
	return l->blksize ? l->blksize : TFTP_BLKSIZE_DEFAULT;
}

/* The largest file a transfer that does not roll over can carry at this block size. */
static uint64_t diag_rollover_limit(const struct client_file *l)
{
	return 65535ull * diag_blksize(l);
}

/* The server sent the block after 65535 (as 0, or as 1) and the client never acknowledged it. */
static bool diag_next_unacked(const struct client_file *l)
{
	return l->last_block > l->last_acked && l->last_block - l->last_acked <= 2;
}

/* The server ended or left the transfer where the block number wraps. */
static void diag_server_no_rollover(struct diag_finding *f, const struct client_file *l)
{
	f->detail = "server-no-rollover";
	diag_hint(f,
	          "the file needs more than 65535 blocks of %u bytes: use a TFTP server that rolls "
	          "the block number over (dnsmasq, tftpd-hpa), or a larger blksize, or keep the "
	          "file under %" PRIu64 " bytes",
	          diag_blksize(l), diag_rollover_limit(l));
}

/* How many configuration probes were missed before l, the end of a loader's probe chain
 * (pxelinux.cfg/default, grub.cfg); 0 when l is no such end. */
static unsigned diag_chain_probes(const struct diag_ctx *x, const struct client_file *l)
{
	unsigned n = 0;
	char dir[TFTP_FILE_MAX], gdir[TFTP_FILE_MAX];
	if (!client_file_chain_end(l->name))
		return 0;
	diag_folder(l->name, dir, sizeof(dir));
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *g = &x->a->files[i];
		if (g == l || g->state != CLIENT_FILE_ERROR || g->err_code != TFTP_ERR_NOTFOUND ||
		    g->error.frame > l->error.frame || !client_file_optional(g->name))
			continue;
		diag_folder(g->name, gdir, sizeof(gdir));
		n += strcmp(dir, gdir) == 0; /* the chain's own folder: not boot.scr.uimg */
	}
	return n;
}

/* The server's "file not found" for a file the boot needs names the file and its folder;
 * any other ERROR (or the client's own) is tftp-error with its text. */
static void diag_file_error(struct diag_ctx *x, const struct client_file *l)
{
	char dir[TFTP_FILE_MAX];
	struct diag_finding *f;
	diag_folder(l->name, dir, sizeof(dir));
	if (l->err_code == TFTP_ERR_NOTFOUND && !l->err_by_client) {
		char junk[DIAG_TEXT_MAX];
		diag_junk_text(x, l->name, junk, sizeof(junk));
		f = diag_stall(x, DIAG_CODE_TFTP_FILE_NOT_FOUND, l->stage, l->error.ts, 0,
		               DIAG_PROVEN);
		diag_summary(f,
		             "%s asked for %s and the server answered \"%s\"; nothing was "
		             "served after it%s",
		             diag_who(x, l->stage), l->name, l->err_msg, junk);
		unsigned probes = diag_chain_probes(x, l);
		if (probes && !junk[0]) {
			f->detail = "probe-chain-empty";
			diag_summary(
			    f,
			    "%s tried %u configuration names and found none: the last, %s, "
			    "was answered \"%s\" too, so it has nothing to boot",
			    diag_who(x, l->stage), probes + 1, l->name, l->err_msg);
			diag_hint(
			    f,
			    "create <tftp-root>/%s (for every machine) or one of the more "
			    "specific names it tried for this one (see optional-file-missing)",
			    l->name);
		} else if (junk[0])
			diag_hint(
			    f,
			    "send the boot file name so that the client finds its end: option 67 "
			    "with a NUL after the name, or the BOOTP file field (ISC dhcpd, "
			    "dnsmasq dhcp-boot=), or give the file on the server that name too");
		else
			diag_hint(f,
			          "put %s in <tftp-root>/%s (dnsmasq tftp-root=, tftpd-hpa "
			          "TFTP_DIRECTORY); names are case-sensitive",
			          l->name + strlen(dir), dir);
	} else {
		f = diag_stall(x, DIAG_CODE_TFTP_ERROR, l->stage, l->error.ts, 0, DIAG_PROVEN);
		if (l->err_by_client || !diag_at_rollover(l->last_acked)) {
			diag_summary(f, "the transfer of %s ended with %s ERROR %u \"%s\"", l->name,
			             l->err_by_client ? "the client's" : "the server's",
			             l->err_code, l->err_msg);
		} else {
			diag_summary(f,
			             "the transfer of %s ended with the server's ERROR %u \"%s\" "
			             "right after block 65535: it does not roll the 16-bit block "
			             "number over",
			             l->name, l->err_code, l->err_msg);
			diag_server_no_rollover(f, l);
		}
	}
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->error);
}

/* The client acknowledged a block the server never sent, and the server then sent an earlier
 * one again: the two sides will never agree again. */
static bool diag_acked_unsent(const struct client_file *l)
{
	return l->ack_ahead.frame && l->ahead_repeats && l->last_block < l->ahead_block;
}

/* The client acknowledged block 65535 and the server sent the next one (block 0, or 1) and
 * then again, DIAG_SENDS_PROOF times, unacknowledged: however long the client keeps re-sending
 * its ACK of 65535, the two sides no longer agree. */
static bool diag_past_rollover_refused(const struct client_file *l)
{
	return diag_at_rollover(l->last_acked) && diag_next_unacked(l) &&
	       l->data_sends >= DIAG_SENDS_PROOF;
}

/*
 * What the packets of a stopped transfer say beyond "stopped", with the proof it gives:
 * - the client acknowledged a block the server never sent, and the server then sent an earlier
 *   one again: start4.elf took a repeated block for the next (raspberrypi/firmware#1631) and
 *   the two sides will never agree again;
 * - the client acknowledged block 65535 and not the one after (its counter does not roll over,
 *   the Pi 5 bootloader before 2025-09-23, raspberrypi/rpi-eeprom#720), or the server stopped
 *   there (it does not).
 * Writes the finding's summary and hint and returns true, or returns false.
 */
static bool diag_stall_cause(struct diag_ctx *x, struct diag_finding *f,
                             const struct client_file *l)
{
	if (diag_acked_unsent(l)) {
		f->detail = "client-acked-unsent-block";
		diag_summary(f,
		             "%s acknowledged block %" PRIu64
		             " of %s, which the server never sent, "
		             "when the server sent block %" PRIu64 " again; the server went on "
		             "resending block %" PRIu64 " (%u time%s after) and the transfer never "
		             "moved on",
		             diag_who(x, l->stage), l->ahead_block, l->name, l->ahead_block - 1,
		             l->last_block, l->ahead_repeats, l->ahead_repeats > 1 ? "s" : "");
		diag_hint(
		    f,
		    "%s takes a block sent twice for the next one (a known start4.elf bug, "
		    "raspberrypi/firmware#1631): update the firmware files on the TFTP server "
		    "(start4.elf, fixup4.dat) and the bootloader (rpi-eeprom-update); a server "
		    "that waits longer before sending a block again avoids the trigger "
		    "(tftpd-hpa: --retransmit 2000000 in TFTP_OPTIONS)",
		    x->pi ? "the Pi's firmware" : "the client's TFTP");
		diag_evidence(f, l->ack_ahead);
		return true;
	}
	if (!diag_at_rollover(l->last_acked))
		return false;
	unsigned wire = (unsigned)(l->last_block & 0xffff);
	if (diag_next_unacked(l)) {
		f->detail = "no-block-rollover";
		diag_summary(f,
		             "the transfer of %s stopped where the 16-bit block number wraps: the "
		             "client acknowledged block 65535 (%" PRIu64 " bytes) and never the "
		             "block %u the server sent next (%u times)%s",
		             l->name, diag_rollover_limit(l), wire, l->data_sends,
		             wire == 1 ? ": the server rolls over to 1, the client expects 0" : "");
		diag_evidence(f, l->last_data);
		if (wire == 1)
			diag_hint(f,
			          "make the server roll the block number over to 0, the usual way "
			          "(tftpd-hpa does unless the client asks for rollover=1)");
		else
			diag_hint(
			    f,
			    "the client does not roll its block counter over (the Pi 5 "
			    "bootloader does since 2025-09-23, raspberrypi/rpi-eeprom#720): "
			    "update it (rpi-eeprom-update), or keep the file under %" PRIu64
			    " bytes (65535 blocks of %u: compress the initramfs, use a larger "
			    "blksize or HTTP boot)",
			    diag_rollover_limit(l), diag_blksize(l));
		return true;
	}
	if (l->last_block == l->last_acked) {
		diag_summary(
		    f,
		    "the transfer of %s stopped after block 65535 (%" PRIu64 " bytes): the "
		    "client acknowledged it and the server sent nothing more, so it does not "
		    "roll the 16-bit block number over",
		    l->name, diag_rollover_limit(l));
		diag_server_no_rollover(f, l);
		return true;
	}
	return false;
}

static void diag_file_stalled(struct diag_ctx *x, const struct client_file *l)
{
	/* The side that spoke last resending the same packet (the server its DATA, the client its
	 * ACK) with no answer proves it, and so does the client's host refusing the server's DATA
	 * (its transfer socket is closed: it gave up), or the two sides disagreeing on the block
	 * for good; a transfer merely quiet is waiting. */
	bool gave_up = x->a->icmp_own.frame > l->first_rrq.frame;
	struct diag_finding *f = diag_stall(
	    x, DIAG_CODE_TFTP_STALLED, l->stage, l->last_pkt.ts, x->o->t.tftp_file,
	    gave_up || diag_acked_unsent(l) || diag_past_rollover_refused(l)
	        ? DIAG_PROVEN
	        : diag_proof_of_sends(x, l->tail_sends, l->tail_first.ts, DIAG_ANSWER_FAST));
	diag_evidence(f, l->first_rrq);
	if (f && !diag_stall_cause(x, f, l)) {
		char pct[48] = "";
		if (l->has_tsize && l->tsize)
			diag_text(pct, sizeof(pct), " of %" PRIu64 " (%.0f%%)", l->tsize,
			          100.0 * (double)l->bytes / (double)l->tsize);
		const char *silent =
		    gave_up ? "the client gave the transfer up (its host answers the server's DATA "
		              "with ICMP port unreachable)"
		    : l->last_dir == TFTP_DIR_SERVER
		        ? "the client stopped acknowledging (the server's DATA was the last word)"
		        : "the server stopped sending (the client's ACK was the last word)";
		diag_summary(f,
		             "the transfer of %s stopped at block %" PRIu64
		             " (last acknowledged: %" PRIu64 "), %" PRIu64 " bytes%s: %s",
		             l->name, l->last_block, l->last_acked, l->bytes, pct, silent);
	}
	diag_evidence(f, l->last_pkt);
	if (gave_up)
		diag_evidence(f, x->a->icmp_own);
}

/*
 * The client asked for a file's size (RRQ with tsize, answered by OACK, ended with ERROR 0
 * "Early terminate", PI-NETBOOT.md s3) again and again and never read it: a Pi 4 does so twice
 * for start4.elf on a healthy boot, a loop goes on every 2 s (raspberrypi/rpi-eeprom#74).
 */
#define DIAG_PROBE_LOOP 4u

static bool diag_probe_loop(struct diag_ctx *x, const struct client_file *l)
{
	if (l->state != CLIENT_FILE_PROBED || l->probes < DIAG_PROBE_LOOP || l->bytes)
		return false;
	struct diag_finding *f =
	    diag_stall(x, DIAG_CODE_TFTP_PROBE_LOOP, l->stage, l->last_pkt.ts, 0, DIAG_PROVEN);
	diag_summary(f,
	             "%s asked for the size of %s %u times in %.0f s (the server answered %" PRIu64
	             " bytes each time, the client ended it with \"Early terminate\") and never "
	             "went on to read the file",
	             diag_who(x, l->stage), l->name, l->probes,
	             diag_secs(l->last_pkt.ts - l->first_rrq.ts), l->tsize);
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->last_rrq);
	diag_evidence(f, l->last_pkt);
	return true;
}

/* RFC 1350 s4: a reply is known by its address and port; one from another address than the
 * RRQ went to belongs to no transfer the client knows, so it asks again and again. */
static void diag_wrong_source(struct diag_ctx *x, const struct client_file *l)
{
	/* From the client's last RRQ: the server's retransmissions of ignored replies are no
	 * progress. */
	struct diag_finding *f =
	    diag_stall(x, DIAG_CODE_TFTP_REPLY_WRONG_SOURCE, l->stage, l->last_rrq.ts,
	               x->o->t.tftp_file, l->rrqs >= DIAG_SENDS_PROOF ? DIAG_PROVEN : DIAG_SUSPECT);
	diag_summary(f,
	             "%s asked %s for %s (%u RRQs) and the answers came from %s (%u packets), "
	             "which the client ignores: a TFTP reply must come from the address asked",
	             diag_who(x, l->stage), fmt_ipv4(l->server).s, l->name, l->rrqs,
	             fmt_ipv4(l->other_src).s, l->other_pkts);
	diag_hint(f,
	          "find what changes the replies' source address: a NAT rule on the server or "
	          "router (nft list ruleset), or a multi-homed TFTP server (tftpd-hpa: "
	          "TFTP_ADDRESS=\"%s:69\"); or point option 66 / next-server at %s",
	          fmt_ipv4(l->server).s, fmt_ipv4(l->other_src).s);
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->other_first);
	diag_evidence(f, l->last_rrq);
}

/* RRQs were sent and the kernel has not taken over: judge the TFTP server's answers. A Pi
 * whose whole <serial>/ folder is missing names the folder, not the first file. */
bool diag_rule_tftp_files(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_file *l = x->last, *first;
	struct diag_finding *f;
	if (!x->has_rrq || x->kdhcp || x->rpc_any || !l)
		return false;
	if (!a->tftp_server_pkts)
		return diag_tftp_silent(x);
	if (l->other_pkts && !l->other_answered && l->state != CLIENT_FILE_DONE &&
	    l->state != CLIENT_FILE_PROBED) {
		diag_wrong_source(x, l);
		return true;
	}
	if (x->pi && !x->any_served && diag_prefix_missing(x, &first) &&
	    (l->state == CLIENT_FILE_ERROR || x->now - l->last_pkt.ts >= x->o->t.tftp_file)) {
		/* A Pi 4/5 that finds its first file missing in the folder asks again at the TFTP
		 * root (PI-NETBOOT.md s3): that is the documented way, so until the root fails too
		 * the Pi is only waiting for its next request. */
		bool fell_back = !diag_in_prefix(x->c, l->name);
		f = diag_stall(x, DIAG_CODE_TFTP_FILE_NOT_FOUND, first->stage, first->error.ts,
		               x->o->t.tftp_file, fell_back ? DIAG_PROVEN : DIAG_WAITING);
		if (f) {
			f->detail = "serial-folder-missing";
			diag_summary(
			    f,
			    "the Pi asked for %s and nothing under %s exists on the server "
			    "(the root fallback found nothing either)",
			    first->name, x->c->prefix_str);
			diag_hint(
			    f,
			    "create <tftp-root>/%s with the boot files; the Pi asks for the serial "
			    "in lower case, 8 hex digits (check TFTP_PREFIX in the EEPROM config)",
			    x->c->prefix_str);
			diag_evidence(f, first->first_rrq);
			diag_evidence(f, first->error);
			diag_evidence(f, l->last_pkt);
		}
		return true;
	}
	/* The latest file says where the boot is: served, failed, stopped mid-transfer, or asked
	 * for and never answered. */
	if (diag_probe_loop(x, l))
		return true;
	if (l->state == CLIENT_FILE_DONE || l->state == CLIENT_FILE_PROBED)
		return false;
	if (l->state == CLIENT_FILE_ERROR) {
		if (l->err_code == TFTP_ERR_NOTFOUND && client_file_optional(l->name))
			return false; /* a probe the boot goes on without */
		diag_file_error(x, l);
	} else if (l->state == CLIENT_FILE_XFER || l->server_pkts)
		diag_file_stalled(x, l);
	else
		diag_tftp_silent(x);
	return true;
}
