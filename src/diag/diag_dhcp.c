/* summary: the DHCP stall rules: one DISCOVER/OFFER/REQUEST/ACK exchange (RFC 2131 s3.1), the
 * firmware's or the kernel's, and what the Pi needs in the offer (PI-NETBOOT.md s2, s5). */
#include "diag_priv.h"
#include "nbt/fmt.h"

/* DISCOVER/OFFER/REQUEST/ACK of one exchange (RFC 2131 s3.1); true if it named the stall. */
bool diag_dhcp(struct diag_ctx *x, const struct client_dhcp *d, enum client_stage st)
{
	struct diag_finding *f;
	const char *who = diag_who(x, st);
	if (d->nak.count && d->nak.last.frame >= d->request.last.frame) {
		f = diag_stall(x, DIAG_CODE_DHCP_NAK, st, d->nak.last.ts, 0, DIAG_PROVEN);
		if (f) {
			diag_summary(
			    f, "the DHCP server refused %s's REQUEST with a NAK, so it starts over",
			    who);
			diag_evidence(f, d->request.last);
			diag_evidence(f, d->nak.first);
		}
		return true;
	}
	/* A REQUEST means an offer came (RFC 2131 s3.1): with none in the capture, the REQUEST
	 * rule below judges it, and the capture is blamed for the missing direction. */
	if (!d->offer.count && d->discover.count && !d->request.count) {
		/* The client's own DISCOVERs, unanswered, are the proof (diag_proof_of_sends). */
		f = diag_stall(x, DIAG_CODE_NO_DHCP_OFFER, st, d->discover.first.ts, x->o->t.dhcp,
		               diag_proof_of_sends(x, d->discover.count, d->discover.first.ts,
		                                   DIAG_ANSWER_OFFER));
		if (f) {
			diag_summary(
			    f,
			    "%s sent %u DISCOVER%s over %.1f s and no DHCP server offered an "
			    "address",
			    who, d->discover.count, d->discover.count == 1 ? "" : "s",
			    diag_secs(d->discover.last.ts - d->discover.first.ts));
			diag_evidence(f, d->discover.first);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->offer.count && !d->first_usable_offer.frame && !d->request.count && !d->ack.count) {
		/* The Pi ignores the offer and asks again; two more DISCOVERs settle it. Until then
		 * the offer that lacks option 43 is the suspect. */
		f = diag_stall(x, DIAG_CODE_OFFER_MISSING_PXE_OPTION43, st, d->discover.first.ts,
		               x->o->t.dhcp,
		               d->discover_after_bad >= 2 ? DIAG_PROVEN : DIAG_SUSPECT);
		if (f) {
			char o43[64] = "no option 43 'Raspberry Pi Boot'";
			if (d->bad_opt43_len)
				diag_text(
				    o43, sizeof(o43),
				    "an option 43 (%u bytes) without the 'Raspberry Pi Boot' menu",
				    (unsigned)d->bad_opt43_len);
			diag_summary(
			    f,
			    "the offer from %s has %s, so the Pi ignores it and keeps asking "
			    "(%u DISCOVERs after it)",
			    fmt_ipv4(d->servers[0]).s, o43, d->discover_after_bad);
			diag_evidence(f, d->first_bad_offer);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->request.count && !d->ack.count) {
		f = diag_stall(x, DIAG_CODE_NO_DHCP_ACK, st, d->request.last.ts,
		               x->o->t.dhcp_request,
		               diag_proof_of_sends(x, d->request.count, d->request.first.ts,
		                                   DIAG_ANSWER_FAST));
		if (f) {
			diag_summary(f, "%s sent %u REQUEST%s and no DHCP server acknowledged %s",
			             who, d->request.count, d->request.count == 1 ? "" : "s",
			             d->request.count == 1 ? "it" : "them");
			diag_evidence(f, d->request.first);
			diag_evidence(f, d->request.last);
		}
		return true;
	}
	if (d->first_usable_offer.frame && d->relay && !d->request.count && !d->ack.count &&
	    d->discover_after_usable) {
		/* It asks again after a relayed offer it should take: two more DISCOVERs prove it
		 * ignores offers through a relay (PI-NETBOOT.md s2). */
		f = diag_stall(x, DIAG_CODE_OFFER_VIA_RELAY_IGNORED, st, d->first_usable_offer.ts,
		               x->o->t.dhcp,
		               d->discover_after_usable >= 2 ? DIAG_PROVEN : DIAG_SUSPECT);
		if (f) {
			diag_summary(
			    f,
			    "every usable offer came from %s via the DHCP relay %s (giaddr), "
			    "and %s kept asking (%u DISCOVERs after the first): it does not "
			    "take offers through a relay",
			    fmt_ipv4(d->offer_server).s, fmt_ipv4(d->relay).s, who,
			    d->discover_after_usable);
			diag_hint(
			    f,
			    "answer DHCP on the Pi's own segment: a DHCP server there, or a "
			    "proxyDHCP beside the router (dnsmasq: dhcp-range=%s,proxy with "
			    "pxe-service=0,\"Raspberry Pi Boot\"), instead of the relay %s; or "
			    "update the bootloader (rpi-eeprom-update)",
			    fmt_ipv4(d->relay & (d->subnet ? d->subnet : 0xffffff00u)).s,
			    fmt_ipv4(d->relay_src).s);
			diag_evidence(f, d->first_usable_offer);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->first_usable_offer.frame && !d->request.count && !d->ack.count &&
	    d->discover_after_usable) {
		/* Usable offers, and the client asks again as if none came. On a Pi 3 this is the
		 * network bug its maintainers describe: a reply held back until another broadcast
		 * arrives (PI-NETBOOT.md s2). */
		bool pi3 = x->c->model == CLIENT_MODEL_PI3;
		f = diag_stall(x, DIAG_CODE_OFFERS_IGNORED, st, d->first_usable_offer.ts,
		               x->o->t.dhcp,
		               d->discover_after_usable >= 2 ? DIAG_PROVEN : DIAG_SUSPECT);
		if (f) {
			bool spaces = pi3 && !d->menu_spaced;
			diag_summary(
			    f,
			    "%s got a usable offer from %s (with 'Raspberry Pi Boot') and kept "
			    "sending DISCOVERs (%u after it)%s%s",
			    who, fmt_ipv4(d->offer_server).s, d->discover_after_usable,
			    pi3 ? ": likely the Pi 3 network bug that holds a reply back until "
			          "another broadcast arrives"
			        : "",
			    spaces ? ", or a Pi 3 ROM that matches the menu text only when "
			             "three spaces follow it"
			           : "");
			if (pi3)
				diag_hint(
				    f,
				    "a broadcast on the segment wakes it: the "
				    "maintainers' workaround is a broadcast ping "
				    "during the boot (ping -b BROADCAST-ADDRESS)%s; or "
				    "boot with the newest bootcode.bin on an SD card",
				    spaces ? "; and give the menu text its three spaces: dnsmasq "
				             "pxe-service=0,\"Raspberry Pi Boot   \""
				           : "");
			diag_evidence(f, d->first_usable_offer);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->first_usable_offer.frame && !d->request.count && !d->ack.count) {
		/* An offer the client may still take: waiting, until its REQUEST is overdue. */
		f = diag_stall(x, DIAG_CODE_NO_DHCP_ACK, st, d->offer.last.ts, x->o->t.dhcp_request,
		               DIAG_WAITING);
		if (f) {
			diag_summary(f, "%s got an offer but has not sent a REQUEST for it", who);
			diag_evidence(f, d->first_usable_offer);
		}
		return true;
	}
	return false;
}

/* A Pi 3's bootcode.bin DHCP (its second firmware phase) that no file request followed yet. */
bool diag_rule_bootcode_dhcp(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_dhcp *d = &a->bootcode;
	if (!d->discover.count || x->kdhcp || x->rpc_any)
		return false;
	for (uint32_t i = 0; i < a->nfiles; i++)
		if (a->files[i].last_rrq.frame > d->discover.first.frame)
			return false;
	/* Like the boot ROM it takes an OFFER without a REQUEST: start.elf should follow. */
	if (d->first_usable_offer.frame && !d->discover_after_usable) {
		struct diag_finding *f =
		    diag_stall(x, DIAG_CODE_NO_TFTP_REQUEST, CLIENT_ST_TFTP_FW,
		               d->first_usable_offer.ts, x->o->t.tftp_file, DIAG_WAITING);
		if (f) {
			diag_summary(f, "bootcode.bin got its DHCP offer and has not asked for "
			                "start.elf yet");
			diag_evidence(f, d->first_usable_offer);
		}
		return true;
	}
	return diag_dhcp(x, d, CLIENT_ST_FW_DHCP);
}

/* The firmware's exchange, until anything later (an RRQ, the kernel, RPC) shows it done. */
bool diag_rule_fw_dhcp(struct diag_ctx *x)
{
	const struct client_dhcp *d = &x->a->fw;
	if (x->fw_done || (!d->discover.count && !d->request.count && !d->offer.count))
		return false;
	return diag_dhcp(x, d, CLIENT_ST_FW_DHCP);
}
