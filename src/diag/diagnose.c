/* summary: boot diagnosis rules: stall codes, warnings and capture findings per attempt
 * (PI-NETBOOT.md s5-6; RFC 2131 DHCP, RFC 1350/2347 TFTP, RFC 1833/1813/7530 NFS). */
#include "nbt/diagnose.h"
#include "nbt/diag_codes.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/tftp.h"

#define SEC(s) ((nbt_time)(s)*NBT_NS_PER_SEC)

#define IPF(ip) ((ip) >> 24) & 0xffu, ((ip) >> 16) & 0xffu, ((ip) >> 8) & 0xffu, (ip)&0xffu
#define IPFMT   "%u.%u.%u.%u"

#define MNT_ERR_NOENT    2  /* MNT3ERR_NOENT (RFC 1813 s5.1.5) */
#define MNT_ERR_ACCES    13 /* MNT3ERR_ACCES */
#define MNT_ERR_NOTDIR   20 /* MNT3ERR_NOTDIR */
#define NFS4ERR_PERM     1  /* RFC 7530 s13.1 */
#define NFS4ERR_NOENT    2
#define NFS4ERR_ACCESS   13
#define NFS4ERR_NOTDIR   20
#define NFS4ERR_WRONGSEC 10016

/* What a rule sees: the attempt, the clock, and facts computed once. */
struct diag_ctx {
	const struct client *c;
	const struct client_attempt *a;
	const struct client_capture *cap;
	const struct diag_opts *o;
	nbt_time now;
	struct diag_result *r;
	bool pi, pxe, has_rrq, any_served, kernel_served, kdhcp, rpc_any, fw_done;
	uint32_t distinct_rrq;
	const struct client_file *last; /* the file with the latest activity */
	const struct client_file *last_done;
	uint32_t tftp_server; /* where the client should go: 66 (IP), 150, else siaddr */
};

static void diag_cannot_tell(struct diag_ctx *x, const char *capture_code, const char *because);

#define DIAG_FILTER_WHY                                                                            \
	"the client asked for TFTP files and went on as if it got them, yet no TFTP reply is in "  \
	"the capture: TFTP data comes from a new port, so a filter on port 69 alone keeps the "    \
	"RRQs and drops every DATA (and a filter like that drops NFS too)"

/* ---- findings ---- */

static struct diag_finding *diag_add(struct diag_ctx *x, const char *code, enum diag_severity sev,
                                     enum client_stage st)
{
	struct diag_result *r = x->r;
	if (r->n >= DIAG_FINDINGS_MAX)
		return NULL;
	struct diag_finding *f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	f->sev = sev;
	f->stage = st;
	return f;
}

__attribute__((format(printf, 3, 4))) static void diag_text(char *dst, size_t size, const char *fmt,
                                                            ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, size, fmt, ap);
	va_end(ap);
}

static void diag_evidence(struct diag_finding *f, struct client_mark m)
{
	if (!f || !m.frame || f->nevidence >= DIAG_EVIDENCE_MAX)
		return;
	for (uint8_t i = 0; i < f->nevidence; i++)
		if (f->evidence[i].frame == m.frame)
			return;
	f->evidence[f->nevidence++] = m;
}

/* Names the stall behind the verdict; `since` + `timeout` is when it becomes final. */
static struct diag_finding *diag_stall(struct diag_ctx *x, const char *code, enum client_stage st,
                                       nbt_time since, nbt_time timeout)
{
	struct diag_finding *f = diag_add(x, code, DIAG_SEV_STALL, st);
	if (!f)
		return NULL;
	x->r->primary = (int)(f - x->r->f);
	x->r->deadline = since + timeout;
	x->r->verdict = x->now >= x->r->deadline ? DIAG_STALLED : DIAG_IN_PROGRESS;
	if (x->r->verdict == DIAG_IN_PROGRESS)
		f->sev = DIAG_SEV_PENDING;
	return f;
}

/* ---- facts ---- */

static bool diag_is_pi(enum client_model m)
{
	return m == CLIENT_MODEL_PI || m == CLIENT_MODEL_PI3 || m == CLIENT_MODEL_PI4 ||
	       m == CLIENT_MODEL_PI5;
}

static void diag_facts(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	x->pi = diag_is_pi(x->c->model);
	x->pxe = !x->pi;
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct client_file *f = &a->files[i];
		x->has_rrq |= f->rrqs > 0;
		x->distinct_rrq += f->rrqs > 0;
		if (f->state == CLIENT_FILE_DONE) {
			x->any_served = true;
			x->kernel_served |= f->stage == CLIENT_ST_TFTP_KERNEL;
			if (!x->last_done || f->done.frame > x->last_done->done.frame)
				x->last_done = f;
		}
		if (!x->last || f->order > x->last->order)
			x->last = f;
	}
	x->kdhcp = a->kernel.discover.count || a->kernel.request.count || a->kernel.ack.count;
	x->rpc_any = a->rpc.pmap_call.count || a->rpc.mnt_call.count || a->rpc.nfs_call.count ||
	             a->rpc.nfs_reply.count || a->rpc.other.count;
	/* The Pi 3 ROM sends no REQUEST: a usable OFFER completes its DHCP (PI-NETBOOT.md s1). */
	x->fw_done = a->fw.ack.count || x->has_rrq || x->kdhcp || x->rpc_any ||
	             (a->fw.first_usable_offer.frame && x->c->model == CLIENT_MODEL_PI3);
	const struct client_dhcp *d = &a->fw;
	x->tftp_server = d->opt66_is_ip ? d->opt66_ip : d->has_opt150 ? d->opt150_ip : d->siaddr;
}

/* ---- hints: what to change on the usual servers, by code ---- */

static const struct diag_hint {
	const char *code;
	const char *hint;
} diag_hints[] = {
    {"no-dhcp-offer", "start a DHCP server on this segment (dnsmasq: dhcp-range=...), or a relay "
                      "if it is on another subnet; check that UDP 67/68 are not filtered"},
    {"offer-missing-pxe-option43",
     "dnsmasq: pxe-service=0,\"Raspberry Pi Boot\" (or dhcp-option=43,\"Raspberry Pi Boot\"); ISC "
     "dhcpd: vendor-encapsulated-options with PXE sub-option 9 \"Raspberry Pi Boot\""},
    {"offer-missing-tftp-server",
     "dnsmasq: enable-tftp + tftp-root=..., and dhcp-option=66,\"<server IP>\" (an IP, not a "
     "name) or dhcp-boot=,,<server IP> for next-server"},
    {"tftp-server-conflict", "make option 66 and next-server (dnsmasq dhcp-boot=,,IP / ISC "
                             "next-server) name the same TFTP server"},
    {"no-dhcp-ack", "the server offered but did not confirm: check the dnsmasq log for the "
                    "REQUEST, dhcp-authoritative, and a second DHCP server on the segment"},
    {"dhcp-nak", "check the reservation for this MAC (dnsmasq dhcp-host=MAC,IP) and that only one "
                 "DHCP server is authoritative for the subnet"},
    {"no-tftp-request", "give the boot file name: dnsmasq dhcp-boot=<file> (option 67 / file); for "
                        "a Pi check TFTP_IP in the EEPROM config"},
    {"tftp-server-unreachable",
     "make sure the TFTP server address is on this segment and up (dnsmasq enable-tftp, or "
     "tftpd-hpa listening on UDP 69: ss -ulpn | grep :69), and not firewalled"},
    {"tftp-no-response",
     "check the TFTP server runs and answers (dnsmasq enable-tftp / "
     "in.tftpd), and that the firewall lets UDP 69 and the reply ports through"},
    {"tftp-reply-wrong-source",
     "find what changes the replies' source address: a NAT rule on the server or router (nft "
     "list ruleset), or a multi-homed TFTP server (tftpd-hpa: TFTP_ADDRESS=\"<asked IP>:69\"); "
     "or point option 66 / next-server at the address that answers"},
    {"tftp-file-not-found", "put the file under the TFTP root (dnsmasq tftp-root=, tftpd-hpa "
                            "TFTP_DIRECTORY in /etc/default/tftpd-hpa)"},
    {"tftp-error", "read the server's error text; check file permissions (world-readable) and "
                   "the TFTP server's log"},
    {"tftp-stalled", "look for packet loss or an MTU problem (a smaller blksize, e.g. dnsmasq "
                     "tftp-mtu=1400), and at the side that went silent"},
    {"no-kernel-dhcp", "check cmdline.txt has ip=dhcp and root=/dev/nfs nfsroot=..., and that "
                       "the kernel and .dtb match the board; use netconsole or a serial console"},
    {"no-nfs-traffic", "check nfsroot=SERVER:/path in cmdline.txt (or DHCP option 17) and that "
                       "the kernel has NFS root support"},
    {"nfs-server-unreachable", "check the NFS server address in nfsroot= and that it is up and "
                               "not firewalled (111, 2049, mountd)"},
    {"nfs-portmap-failed", "start rpcbind and the NFS server (systemctl status rpcbind "
                           "nfs-server; rpcinfo -p SERVER)"},
    {"nfs-mount-denied", "add the client to the export: /etc/exports '/srv/nfs/pi "
                         "10.0.0.0/24(rw,no_root_squash)' then exportfs -ra"},
    {"nfs-mount-not-found", "the path in nfsroot= is not exported: compare it with exportfs -v "
                            "(or showmount -e SERVER)"},
    {"nfs-no-response", "check nfs-server is running and that TCP/UDP 2049 (and mountd's port) "
                        "are open"},
    {"nfs-error", "see the NFS status in the evidence; check the export's permissions and "
                  "no_root_squash for a root filesystem"},
};

const char *diag_hint_for(const char *code)
{
	for (size_t i = 0; i < sizeof(diag_hints) / sizeof(diag_hints[0]); i++)
		if (strcmp(diag_hints[i].code, code) == 0)
			return diag_hints[i].hint;
	return NULL;
}

static void diag_default_hint(struct diag_finding *f)
{
	if (!f || f->hint[0])
		return;
	for (size_t i = 0; i < sizeof(diag_hints) / sizeof(diag_hints[0]); i++)
		if (strcmp(diag_hints[i].code, f->code) == 0) {
			diag_text(f->hint, sizeof(f->hint), "%s", diag_hints[i].hint);
			return;
		}
}

/* ---- stall rules, one per stage, in boot order ---- */

static const char *diag_who(const struct diag_ctx *x, enum client_stage st)
{
	if (st == CLIENT_ST_KERNEL_DHCP)
		return "the kernel";
	return x->pi ? "the Pi" : "the client";
}

/* DISCOVER/OFFER/REQUEST/ACK of one exchange (RFC 2131 s3.1); true if it named the stall. */
static bool diag_dhcp(struct diag_ctx *x, const struct client_dhcp *d, enum client_stage st)
{
	struct diag_finding *f;
	const char *who = diag_who(x, st);
	if (d->nak.count && d->nak.last.frame >= d->request.last.frame) {
		f = diag_stall(x, "dhcp-nak", st, d->nak.last.ts, 0);
		if (f) {
			diag_text(
			    f->summary, sizeof(f->summary),
			    "the DHCP server refused %s's REQUEST with a NAK, so it starts over",
			    who);
			diag_evidence(f, d->request.last);
			diag_evidence(f, d->nak.first);
		}
		return true;
	}
	if (!d->offer.count && d->discover.count) {
		f = diag_stall(x, "no-dhcp-offer", st, d->discover.first.ts, x->o->t.dhcp);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%s sent %u DISCOVERs over %.1f s and no DHCP server offered an "
			          "address",
			          who, d->discover.count,
			          (double)(d->discover.last.ts - d->discover.first.ts) / 1e9);
			diag_evidence(f, d->discover.first);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->offer.count && !d->first_usable_offer.frame && !d->request.count && !d->ack.count) {
		/* The Pi ignores the offer and asks again; two more DISCOVERs settle it. */
		nbt_time to = d->discover_after_bad >= 2 ? 0 : x->o->t.dhcp;
		nbt_time since =
		    d->discover_after_bad >= 2 ? d->discover.last.ts : d->discover.first.ts;
		f = diag_stall(x, "offer-missing-pxe-option43", st, since, to);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "the offer from " IPFMT
			          " has no option 43 'Raspberry Pi Boot', so "
			          "the Pi ignores it and keeps asking (%u DISCOVERs after it)",
			          IPF(d->servers[0]), d->discover_after_bad);
			diag_evidence(f, d->first_bad_offer);
			diag_evidence(f, d->discover.last);
		}
		return true;
	}
	if (d->request.count && !d->ack.count) {
		f = diag_stall(x, "no-dhcp-ack", st, d->request.last.ts, x->o->t.dhcp_request);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%s sent %u REQUESTs and no DHCP server acknowledged them", who,
			          d->request.count);
			diag_evidence(f, d->request.first);
			diag_evidence(f, d->request.last);
		}
		return true;
	}
	if (d->first_usable_offer.frame && !d->request.count && !d->ack.count) {
		f = diag_stall(x, "no-dhcp-ack", st, d->offer.last.ts, x->o->t.dhcp_request);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%s got an offer but has not sent a REQUEST for it", who);
			diag_evidence(f, d->first_usable_offer);
		}
		return true;
	}
	return false;
}

static bool diag_rule_fw_dhcp(struct diag_ctx *x)
{
	const struct client_dhcp *d = &x->a->fw;
	if (x->fw_done || (!d->discover.count && !d->request.count && !d->offer.count))
		return false;
	return diag_dhcp(x, d, CLIENT_ST_FW_DHCP);
}

/* The ARP target entry for ip, or -1. */
static int diag_arp(const struct client_attempt *a, uint32_t ip)
{
	for (int i = 0; i < a->narp; i++)
		if (a->arp_target[i] == ip)
			return i;
	return -1;
}

static bool diag_unreachable(struct diag_ctx *x, enum client_stage st, uint32_t server,
                             const char *code, struct client_mark after)
{
	const struct client_attempt *a = x->a;
	struct diag_finding *f;
	if (a->icmp.frame && a->icmp.frame > after.frame) {
		f = diag_stall(x, code, st, a->icmp.ts, 0);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "" IPFMT " answered with ICMP unreachable (code %u) for port %u: "
			          "nothing listens there or a firewall rejects it",
			          IPF(a->icmp_from), a->icmp_code, a->icmp_port);
			diag_evidence(f, a->icmp);
		}
		return true;
	}
	int i = server ? diag_arp(a, server) : -1;
	if (i >= 0 && !a->arp_answer[i].frame && a->arp_first[i].frame > after.frame) {
		f = diag_stall(x, code, st, a->arp_first[i].ts, x->o->t.tftp_file);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%s asked %u times by ARP who has " IPFMT " and nobody answered: "
			          "the server is not on this segment or is down",
			          diag_who(x, st), a->arp_count[i], IPF(server));
			diag_evidence(f, a->arp_first[i]);
		}
		return true;
	}
	return false;
}

static bool diag_rule_tftp_start(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_dhcp *d = &a->fw;
	struct diag_finding *f;
	if (!x->fw_done || x->has_rrq || x->kdhcp || x->rpc_any)
		return false;
	struct client_mark since = d->ack.count ? d->ack.last : d->first_usable_offer;
	if (diag_unreachable(x, CLIENT_ST_TFTP_FW, x->tftp_server, "tftp-server-unreachable",
	                     (struct client_mark){0, 0}))
		return true;
	if (!x->tftp_server && !(x->pxe && d->has_bootfile && d->offer_server)) {
		f = diag_stall(x, "offer-missing-tftp-server", CLIENT_ST_TFTP_FW, since.ts, 0);
		if (f) {
			if (d->has_opt66)
				diag_text(
				    f->summary, sizeof(f->summary),
				    "option 66 is the name '%s', which the Pi does not resolve, "
				    "and siaddr is 0.0.0.0: it has no TFTP server to ask",
				    d->opt66);
			else
				diag_text(f->summary, sizeof(f->summary),
				          "the offer names no TFTP server (no option 66, siaddr "
				          "0.0.0.0), so %s never asks for a file",
				          diag_who(x, CLIENT_ST_TFTP_FW));
			diag_evidence(f, d->first_usable_offer);
			diag_evidence(f, d->ack.last);
		}
		return true;
	}
	f = diag_stall(x, "no-tftp-request", CLIENT_ST_TFTP_FW, since.ts,
	               x->pxe && !d->has_bootfile ? 0 : x->o->t.tftp_file);
	if (f) {
		if (x->pxe && !d->has_bootfile)
			diag_text(f->summary, sizeof(f->summary),
			          "DHCP completed but the offer has no boot file name (option 67 / "
			          "file), so the PXE client has nothing to ask for");
		else
			diag_text(f->summary, sizeof(f->summary),
			          "DHCP completed (TFTP server " IPFMT
			          ") but %s never asked for a file",
			          IPF(x->tftp_server), diag_who(x, CLIENT_ST_TFTP_FW));
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
static bool diag_prefix_missing(const struct diag_ctx *x, const struct client_file **first)
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

static bool diag_tftp_silent(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_dhcp *d = &a->fw;
	const struct client_file *l = x->last;
	struct diag_finding *f;
	if (diag_unreachable(x, CLIENT_ST_TFTP_FW, l->server, "tftp-server-unreachable",
	                     (struct client_mark){0, 0}))
		return true;
	bool conflict = d->opt66_is_ip && d->siaddr && d->opt66_ip != d->siaddr;
	f = diag_stall(x, conflict ? "tftp-server-conflict" : "tftp-no-response", l->stage,
	               l->last_rrq.ts, x->o->t.tftp_file);
	if (!f)
		return true;
	if (conflict)
		diag_text(f->summary, sizeof(f->summary),
		          "option 66 says " IPFMT " but next-server (siaddr) says " IPFMT "; the "
		          "client asked " IPFMT " for %s %u times and got no answer",
		          IPF(d->opt66_ip), IPF(d->siaddr), IPF(l->server), l->name, l->rrqs);
	else
		diag_text(f->summary, sizeof(f->summary),
		          "%s asked " IPFMT " for %s %u times and the TFTP server never answered",
		          diag_who(x, l->stage), IPF(l->server), l->name, l->rrqs);
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->last_rrq);
	return true;
}

static void diag_file_error(struct diag_ctx *x, const struct client_file *l)
{
	char dir[TFTP_FILE_MAX];
	struct diag_finding *f;
	diag_folder(l->name, dir, sizeof(dir));
	if (l->err_code == TFTP_ERR_NOTFOUND && !l->err_by_client) {
		f = diag_stall(x, "tftp-file-not-found", l->stage, l->error.ts, 0);
		if (!f)
			return;
		diag_text(
		    f->summary, sizeof(f->summary),
		    "%s asked for %s and the server answered \"%s\"; nothing was served after "
		    "it",
		    diag_who(x, l->stage), l->name, l->err_msg);
		diag_text(
		    f->hint, sizeof(f->hint),
		    "put %s in <tftp-root>/%s (dnsmasq tftp-root=, tftpd-hpa TFTP_DIRECTORY); "
		    "names are case-sensitive",
		    l->name + strlen(dir), dir);
	} else {
		f = diag_stall(x, "tftp-error", l->stage, l->error.ts, 0);
		if (!f)
			return;
		diag_text(f->summary, sizeof(f->summary),
		          "the transfer of %s ended with %s ERROR %u \"%s\"", l->name,
		          l->err_by_client ? "the client's" : "the server's", l->err_code,
		          l->err_msg);
	}
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->error);
}

static void diag_file_stalled(struct diag_ctx *x, const struct client_file *l)
{
	struct diag_finding *f =
	    diag_stall(x, "tftp-stalled", l->stage, l->last_pkt.ts, x->o->t.tftp_file);
	if (!f)
		return;
	char pct[48] = "";
	if (l->has_tsize && l->tsize)
		diag_text(pct, sizeof(pct), " of %" PRIu64 " (%.0f%%)", l->tsize,
		          100.0 * (double)l->bytes / (double)l->tsize);
	const char *silent =
	    l->last_dir == TFTP_DIR_SERVER
	        ? "the client stopped acknowledging (the server's DATA was the last word)"
	        : "the server stopped sending (the client's ACK was the last word)";
	diag_text(f->summary, sizeof(f->summary),
	          "the transfer of %s stopped at block %" PRIu64 " (last acknowledged: %" PRIu64
	          "), %" PRIu64 " bytes%s: %s",
	          l->name, l->last_block, l->last_acked, l->bytes, pct, silent);
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->last_pkt);
}

/* RFC 1350 s4: a reply is known by its address and port; one from another address than the
 * RRQ went to belongs to no transfer the client knows, so it asks again and again. */
static void diag_wrong_source(struct diag_ctx *x, const struct client_file *l)
{
	/* From the client's last RRQ: the server's retransmissions of ignored replies are no
	 * progress. */
	struct diag_finding *f =
	    diag_stall(x, "tftp-reply-wrong-source", l->stage, l->last_rrq.ts, x->o->t.tftp_file);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "%s asked " IPFMT " for %s (%u RRQs) and the answers came from " IPFMT
	          " (%u packets), which the client ignores: a TFTP reply must come from the "
	          "address asked",
	          diag_who(x, l->stage), IPF(l->server), l->name, l->rrqs, IPF(l->other_src),
	          l->other_pkts);
	diag_text(f->hint, sizeof(f->hint),
	          "find what changes the replies' source address: a NAT rule on the server or "
	          "router (nft list ruleset), or a multi-homed TFTP server (tftpd-hpa: "
	          "TFTP_ADDRESS=\"" IPFMT ":69\"); or point option 66 / next-server at " IPFMT,
	          IPF(l->server), IPF(l->other_src));
	diag_evidence(f, l->first_rrq);
	diag_evidence(f, l->other_first);
	diag_evidence(f, l->last_rrq);
}

static bool diag_rule_tftp_files(struct diag_ctx *x)
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
		f = diag_stall(x, "tftp-file-not-found", first->stage, first->error.ts, 0);
		if (f) {
			f->detail = "serial-folder-missing";
			diag_text(f->summary, sizeof(f->summary),
			          "the Pi asked for %s and nothing under %s exists on the server "
			          "(the root fallback found nothing either)",
			          first->name, x->c->prefix_str);
			diag_text(
			    f->hint, sizeof(f->hint),
			    "create <tftp-root>/%s with the boot files; the Pi asks for the serial "
			    "in lower case, 8 hex digits (check TFTP_PREFIX in the EEPROM config)",
			    x->c->prefix_str);
			diag_evidence(f, first->first_rrq);
			diag_evidence(f, first->error);
			diag_evidence(f, l->last_pkt);
		}
		return true;
	}
	switch (l->state) {
	case CLIENT_FILE_DONE:
	case CLIENT_FILE_PROBED:
		return false;
	case CLIENT_FILE_ERROR:
		if (l->err_code == TFTP_ERR_NOTFOUND && client_file_optional(l->name))
			return false;
		diag_file_error(x, l);
		return true;
	case CLIENT_FILE_XFER:
		diag_file_stalled(x, l);
		return true;
	case CLIENT_FILE_REQUESTED:
	default:
		if (l->server_pkts)
			diag_file_stalled(x, l);
		else
			diag_tftp_silent(x);
		return true;
	}
}

static bool diag_rule_kernel(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	struct diag_finding *f;
	if (x->rpc_any)
		return false;
	if (x->kdhcp)
		return diag_dhcp(x, &a->kernel, CLIENT_ST_KERNEL_DHCP);
	if (!x->any_served)
		return false;
	if (x->pxe && !x->kernel_served) {
		/* A PXE boot program was loaded: what it does next is not on this wire. */
		x->r->verdict = DIAG_BOOTED;
		f = diag_add(x, "boot-program-loaded", DIAG_SEV_INFO, CLIENT_ST_TFTP_FW);
		const struct client_file *boot = NULL;
		unsigned served = 0;
		for (uint32_t i = 0; i < a->nfiles; i++) {
			const struct client_file *g = &a->files[i];
			if (g->state != CLIENT_FILE_DONE)
				continue;
			served++;
			if (!boot || g->done.frame < boot->done.frame)
				boot = g;
		}
		if (f && boot) {
			diag_text(
			    f->summary, sizeof(f->summary),
			    "the boot file %s%s was served (%u file%s in all); netboot-trace "
			    "cannot follow the boot program past TFTP without a kernel DHCP or NFS",
			    boot->name,
			    strcmp(boot->name, a->fw.bootfile) == 0 ? " named in option 67" : "",
			    served, served == 1 ? "" : "s");
			diag_evidence(f, boot->done);
			diag_evidence(f, x->last_done->done);
		}
		return true;
	}
	nbt_time since = x->last->last_pkt.ts;
	f = diag_stall(x, "no-kernel-dhcp", CLIENT_ST_KERNEL_DHCP, since,
	               x->kernel_served ? x->o->t.kernel_dhcp : x->o->t.tftp_file);
	if (f) {
		if (x->kernel_served)
			diag_text(f->summary, sizeof(f->summary),
			          "the firmware and kernel files were served (last: %s), then the "
			          "kernel sent no DHCP: it did not start, or has no ip=dhcp",
			          x->last_done->name);
		else
			diag_text(f->summary, sizeof(f->summary),
			          "the firmware files were served (last: %s) but %s asked for no "
			          "kernel file",
			          x->last_done->name, diag_who(x, CLIENT_ST_TFTP_FW));
		diag_evidence(f, x->last_done->done);
	}
	return true;
}

static void diag_nfs_fail(struct diag_ctx *x, const struct client_rpc *s)
{
	const char *code = "nfs-error";
	struct diag_finding *f;
	uint32_t st = s->nfs_status;
	if (s->v4 && (st == NFS4ERR_ACCESS || st == NFS4ERR_PERM || st == NFS4ERR_WRONGSEC))
		code = "nfs-mount-denied";
	else if (s->v4 && (st == NFS4ERR_NOENT || st == NFS4ERR_NOTDIR))
		code = "nfs-mount-not-found";
	f = diag_stall(x, code, CLIENT_ST_MOUNT, s->nfs_fail.ts, 0);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "the NFSv%u server " IPFMT
	          " answered status %u (operation %u)%s%s before the root "
	          "was usable",
	          s->nfs_vers, IPF(s->server), st, s->nfs_fail_op, s->nfs_path[0] ? " on " : "",
	          s->nfs_path);
	diag_evidence(f, s->nfs_fail);
}

static bool diag_rule_mount(struct diag_ctx *x)
{
	const struct client_rpc *s = &x->a->rpc;
	struct diag_finding *f;
	if (s->pmap_zero.frame && !s->root_in_use.frame) {
		f = diag_stall(x, "nfs-portmap-failed", CLIENT_ST_PORTMAP, s->pmap_zero.ts, 0);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "portmap on " IPFMT " says program %u is not registered (port 0)",
			          IPF(s->server), s->pmap_zero_prog);
			diag_evidence(f, s->pmap_zero);
		}
		return true;
	}
	if (s->pmap_call.count && !s->pmap_reply.count && !s->mnt_call.count &&
	    !s->nfs_reply.count && !s->other.count) {
		f = diag_stall(x, "nfs-portmap-failed", CLIENT_ST_PORTMAP, s->pmap_call.first.ts,
		               x->o->t.nfs);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%u portmap GETPORT calls to " IPFMT " and no reply",
			          s->pmap_call.count, IPF(s->server));
			diag_evidence(f, s->pmap_call.first);
		}
		return true;
	}
	if (s->mnt_fail.frame && !s->root_in_use.frame) {
		const char *code =
		    s->mnt_status == MNT_ERR_ACCES ? "nfs-mount-denied"
		    : (s->mnt_status == MNT_ERR_NOENT || s->mnt_status == MNT_ERR_NOTDIR)
		        ? "nfs-mount-not-found"
		        : "nfs-error";
		f = diag_stall(x, code, CLIENT_ST_MOUNT, s->mnt_fail.ts, 0);
		if (f) {
			diag_text(
			    f->summary, sizeof(f->summary),
			    "the MOUNT of %s on " IPFMT " was refused with status %u%s",
			    s->mnt_path[0] ? s->mnt_path : "(path not seen)", IPF(s->server),
			    s->mnt_status,
			    s->mnt_status == MNT_ERR_ACCES
			        ? " (access denied: this client may not mount it, or the "
			          "path is not exported, which nfs-ganesha also answers with 13)"
			    : s->mnt_status == MNT_ERR_NOENT ? " (no such path)"
			                                     : "");
			diag_text(f->hint, sizeof(f->hint),
			          "check that %s is exported (exportfs -v / showmount -e " IPFMT
			          ") and that the export allows this client, e.g. /etc/exports '%s "
			          "10.0.0.0/24(rw,no_root_squash)', then exportfs -ra",
			          s->mnt_path[0] ? s->mnt_path : "the nfsroot= path",
			          IPF(s->server), s->mnt_path[0] ? s->mnt_path : "/srv/nfs/pi");
			diag_evidence(f, s->mnt_call.last);
			diag_evidence(f, s->mnt_fail);
		}
		return true;
	}
	if (s->nfs_fail.frame && !s->root_in_use.frame) {
		diag_nfs_fail(x, s);
		return true;
	}
	return false;
}

/* Kernel DHCP done, no RPC at all: unreachable server, or nothing tried (s5 #14). */
static bool diag_nfs_start(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	struct diag_finding *f;
	if (!a->kernel.ack.count)
		return false;
	if (diag_unreachable(x, CLIENT_ST_PORTMAP, 0, "nfs-server-unreachable", a->kernel.ack.last))
		return true;
	for (int i = 0; i < a->narp; i++)
		if (!a->arp_answer[i].frame && a->arp_first[i].frame > a->kernel.ack.last.frame) {
			f = diag_stall(x, "nfs-server-unreachable", CLIENT_ST_PORTMAP,
			               a->arp_first[i].ts, x->o->t.nfs);
			if (f) {
				diag_text(f->summary, sizeof(f->summary),
				          "the kernel asked by ARP for " IPFMT " %u times and "
				          "nobody answered",
				          IPF(a->arp_target[i]), a->arp_count[i]);
				diag_evidence(f, a->arp_first[i]);
			}
			return true;
		}
	f = diag_stall(x, "no-nfs-traffic", CLIENT_ST_PORTMAP, a->kernel.ack.last.ts, x->o->t.nfs);
	if (f) {
		diag_text(f->summary, sizeof(f->summary),
		          "the kernel got its address by DHCP but never contacted an NFS server");
		diag_evidence(f, a->kernel.ack.last);
	}
	return true;
}

static bool diag_rule_nfs(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	const struct client_rpc *s = &a->rpc;
	struct diag_finding *f;
	if (!x->rpc_any)
		return diag_nfs_start(x);
	if (diag_rule_mount(x))
		return true;
	if (s->unanswered_count &&
	    (!s->root_in_use.frame || x->now - s->unanswered.ts >= x->o->t.nfs)) {
		f = diag_stall(x, "nfs-no-response",
		               s->root_in_use.frame ? CLIENT_ST_NFS : CLIENT_ST_MOUNT,
		               s->unanswered.ts, x->o->t.nfs);
		if (f) {
			diag_text(f->summary, sizeof(f->summary),
			          "%u RPC calls to " IPFMT " since the last reply, none answered",
			          s->unanswered_count, IPF(s->server));
			diag_evidence(f, s->unanswered);
		}
		return true;
	}
	if (!s->root_in_use.frame && (s->other.count || s->cut_replies)) {
		char why[DIAG_TEXT_MAX];
		if (s->cut_replies)
			diag_text(
			    why, sizeof(why),
			    "%u MOUNT/NFS replies from " IPFMT " were cut by the capture's "
			    "snaplen before their status: the RPC layer accepted them, whether "
			    "the mount worked is not in the capture",
			    s->cut_replies, IPF(s->server));
		else
			diag_text(why, sizeof(why),
			          "%u RPC messages between the client and " IPFMT " could not be "
			          "matched to a program (their calls were cut or not captured)",
			          s->other.count,
			          IPF(s->server ? s->server : x->a->kernel.offer_server));
		if (diag_stall(x, "nfs-no-response", CLIENT_ST_NFS, a->last.ts, 0)) {
			diag_evidence(&x->r->f[x->r->primary],
			              s->cut_replies ? s->cut_first : s->other.first);
			diag_cannot_tell(
			    x, x->cap->truncated ? "capture-truncated" : "capture-rpc-unmatched",
			    why);
		}
		return true;
	}
	if (!s->root_in_use.frame) {
		f = diag_stall(x, "nfs-no-response", CLIENT_ST_MOUNT, a->last.ts, x->o->t.nfs);
		if (f)
			diag_text(
			    f->summary, sizeof(f->summary),
			    "the NFS root was not used yet: the last RPC exchange ended at frame "
			    "%" PRIu64,
			    a->last.frame);
		return true;
	}
	x->r->verdict = DIAG_BOOTED;
	return true;
}

struct diag_rule {
	const char *name;
	bool (*apply)(struct diag_ctx *x); /* true: the verdict is decided */
};

/* In boot order: the first rule that decides names the verdict. */
static const struct diag_rule diag_stall_rules[] = {
    {"firmware-dhcp", diag_rule_fw_dhcp},
    {"tftp-start", diag_rule_tftp_start},
    {"tftp-files", diag_rule_tftp_files},
    {"kernel", diag_rule_kernel},
    {"nfs", diag_rule_nfs},
};

/* ---- notes: warnings and information that do not stop a boot ---- */

static void diag_note_root_folder(struct diag_ctx *x)
{
	const struct client_file *first;
	if (!x->pi || !x->any_served || !diag_prefix_missing(x, &first))
		return;
	struct diag_finding *f = diag_add(x, "using-root-folder", DIAG_SEV_INFO, CLIENT_ST_TFTP_FW);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "%s was not found, so the Pi fell back to the TFTP root and was served from "
	          "there: using root folder, not %s",
	          first->name, x->c->prefix_str);
	diag_text(f->hint, sizeof(f->hint),
	          "fine as it is; to give this Pi its own files, create <tftp-root>/%s",
	          x->c->prefix_str);
	diag_evidence(f, first->error);
	diag_evidence(f, x->last_done->done);
}

static void diag_note_optional(struct diag_ctx *x)
{
	char names[DIAG_TEXT_MAX / 2] = "";
	size_t used = 0;
	unsigned n = 0;
	struct client_mark first = {0, 0};
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *f = &x->a->files[i];
		if (f->state != CLIENT_FILE_ERROR || f->err_code != TFTP_ERR_NOTFOUND ||
		    !client_file_optional(f->name))
			continue;
		if (!n++)
			first = f->error;
		int w =
		    snprintf(names + used, sizeof(names) - used, "%s%s", used ? ", " : "", f->name);
		if (w > 0 && (size_t)w < sizeof(names) - used)
			used += (size_t)w;
	}
	if (!n)
		return;
	struct diag_finding *f =
	    diag_add(x, "optional-file-missing", DIAG_SEV_INFO, CLIENT_ST_TFTP_FW);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "not found, which is normal (optional probes: signatures, recovery and "
	          "EEPROM updates, overlay map): %s",
	          names);
	diag_evidence(f, first);
}

static void diag_note_tftp(struct diag_ctx *x)
{
	uint32_t retrans = 0, dups = 0, big = 0;
	const struct client_file *worst = NULL, *bigf = NULL;
	for (uint32_t i = 0; i < x->a->nfiles; i++) {
		const struct client_file *f = &x->a->files[i];
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
		f = diag_add(x, "tftp-retransmits", DIAG_SEV_WARNING, CLIENT_ST_TFTP_FW);
		if (f) {
			diag_text(
			    f->summary, sizeof(f->summary),
			    "%u DATA retransmissions and %u duplicate ACKs (most on %s): packets "
			    "were lost or late, the transfers recovered",
			    retrans, dups, worst ? worst->name : "ACKs");
			diag_text(
			    f->hint, sizeof(f->hint),
			    "check cabling, switch ports and Wi-Fi bridges between the client and "
			    "the TFTP server");
			if (worst)
				diag_evidence(f, worst->last_pkt);
		}
	}
	if (bigf && (f = diag_add(x, "tftp-blksize-fragments", DIAG_SEV_WARNING,
	                          CLIENT_ST_TFTP_FW)) != NULL) {
		diag_text(
		    f->summary, sizeof(f->summary),
		    "blksize %u for %s makes every DATA packet larger than a 1500-byte MTU, so "
		    "it travels as IP fragments",
		    bigf->blksize, bigf->name);
		diag_text(f->hint, sizeof(f->hint), "dnsmasq: tftp-mtu=1500 caps the block size");
		diag_evidence(f, bigf->first_rrq);
	}
}

static void diag_note_dhcp(struct diag_ctx *x)
{
	const struct client_dhcp *d = &x->a->fw;
	struct diag_finding *f;
	if (d->nservers > 1 && (f = diag_add(x, "several-dhcp-servers", DIAG_SEV_WARNING,
	                                     CLIENT_ST_FW_DHCP)) != NULL) {
		diag_text(f->summary, sizeof(f->summary),
		          "%u DHCP servers answered (" IPFMT " and " IPFMT
		          "%s): the client may take "
		          "the wrong one",
		          d->nservers, IPF(d->servers[0]), IPF(d->servers[1]),
		          d->nservers > 2 ? ", ..." : "");
		diag_text(f->hint, sizeof(f->hint),
		          "keep one DHCP server per segment, or make the others proxyDHCP / ignore "
		          "this MAC (dnsmasq dhcp-host=MAC,ignore)");
		diag_evidence(f, d->server_first[0]);
		diag_evidence(f, d->server_first[1]);
	}
	const char *code = x->r->primary >= 0 ? x->r->f[x->r->primary].code : "";
	if (d->has_opt66 && !d->opt66_is_ip && strcmp(code, "offer-missing-tftp-server") != 0 &&
	    (f = diag_add(x, "option66-is-name", DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP)) != NULL) {
		diag_text(f->summary, sizeof(f->summary),
		          "option 66 is the name '%s'; a Pi does not resolve names there",
		          d->opt66);
		diag_text(f->hint, sizeof(f->hint), "dnsmasq: dhcp-option=66,\"<server IP>\"");
		diag_evidence(f, d->first_usable_offer);
	}
	if (d->opt66_is_ip && d->siaddr && d->opt66_ip != d->siaddr &&
	    strcmp(code, "tftp-server-conflict") != 0 &&
	    (f = diag_add(x, "tftp-server-conflict", DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP)) !=
	        NULL) {
		uint32_t used = x->last ? x->last->server : 0;
		diag_text(f->summary, sizeof(f->summary),
		          "option 66 says " IPFMT " but next-server says " IPFMT
		          "; the client used "
		          "%s",
		          IPF(d->opt66_ip), IPF(d->siaddr),
		          used == d->opt66_ip ? "option 66"
		          : used == d->siaddr ? "next-server"
		                              : "neither (no RRQ seen)");
		diag_default_hint(f);
		diag_evidence(f, d->first_usable_offer);
	}
	nbt_time end = d->ack.count ? d->ack.last.ts : 0;
	nbt_time slow = x->o->t.dhcp / 2 > SEC(10) ? x->o->t.dhcp / 2 : SEC(10);
	if (end && d->discover.count && end - d->discover.first.ts > slow &&
	    (f = diag_add(x, "slow-stage", DIAG_SEV_WARNING, CLIENT_ST_FW_DHCP)) != NULL) {
		diag_text(
		    f->summary, sizeof(f->summary),
		    "firmware DHCP took %.1f s from the first DISCOVER to the ACK (%u DISCOVERs)",
		    (double)(end - d->discover.first.ts) / 1e9, d->discover.count);
		diag_evidence(f, d->discover.first);
		diag_evidence(f, d->ack.last);
	}
}

static void diag_note_nfs(struct diag_ctx *x)
{
	const struct client_rpc *s = &x->a->rpc;
	struct diag_finding *f;
	if (!s->root_in_use.frame || !s->nfs_errors || x->r->verdict != DIAG_BOOTED)
		return;
	if ((f = diag_add(x, "nfs-error", DIAG_SEV_WARNING, CLIENT_ST_NFS)) != NULL) {
		diag_text(f->summary, sizeof(f->summary),
		          "%u NFS error replies while the root was in use (first: status %u%s%s)",
		          s->nfs_errors, s->nfs_status, s->nfs_path[0] ? " on " : "", s->nfs_path);
		diag_default_hint(f);
		diag_evidence(f, s->nfs_fail);
	}
}

/* ---- what the capture cannot show (PI-NETBOOT.md s6): never blame the client for it ---- */

static void diag_cannot_tell(struct diag_ctx *x, const char *capture_code, const char *because)
{
	struct diag_result *r = x->r;
	struct diag_finding *p = &r->f[r->primary];
	char was[DIAG_TEXT_MAX];
	diag_text(was, sizeof(was), "%s", p->code);
	p->code = "cannot-tell";
	p->sev = DIAG_SEV_CAPTURE;
	p->detail = NULL;
	diag_text(p->summary, sizeof(p->summary), "cannot tell (it looks like %s), because %s", was,
	          because);
	diag_text(p->hint, sizeof(p->hint),
	          "capture again on the server or router interface, with no port filter and a "
	          "full snaplen: tcpdump -i br-lan -s 0 -w boot.pcap");
	r->verdict = DIAG_UNKNOWN;
	struct diag_finding *f = diag_add(x, capture_code, DIAG_SEV_CAPTURE, p->stage);
	if (f) {
		diag_text(f->summary, sizeof(f->summary), "%s", because);
		for (uint8_t i = 0; i < p->nevidence; i++)
			diag_evidence(f, p->evidence[i]);
	}
}

static bool diag_filtered(const struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	return x->has_rrq && !a->tftp_server_pkts &&
	       (x->distinct_rrq >= 2 || a->tftp_client_acks || x->kdhcp || x->rpc_any);
}

static const struct diag_finding *diag_find(const struct diag_result *r, const char *code)
{
	for (uint8_t i = 0; i < r->n; i++)
		if (strcmp(r->f[i].code, code) == 0)
			return &r->f[i];
	return NULL;
}

static void diag_blind(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	if (x->r->primary < 0)
		return;
	const struct diag_finding *p = &x->r->f[x->r->primary];
	bool dhcp_stage = p->stage == CLIENT_ST_FW_DHCP || p->stage == CLIENT_ST_KERNEL_DHCP;
	const struct client_dhcp *d = p->stage == CLIENT_ST_KERNEL_DHCP ? &a->kernel : &a->fw;
	bool tftp = strcmp(p->code, "tftp-no-response") == 0 ||
	            strcmp(p->code, "tftp-server-conflict") == 0;
	/* Stalls that only say "nothing more was seen": a filter explains them too. */
	bool missing =
	    strcmp(p->code, "no-kernel-dhcp") == 0 || strcmp(p->code, "no-nfs-traffic") == 0;
	if ((dhcp_stage || strcmp(p->code, "offer-missing-tftp-server") == 0) && d->cut)
		diag_cannot_tell(x, "capture-truncated",
		                 "the DHCP messages were cut by the capture's snaplen, so their "
		                 "options cannot be read");
	else if (dhcp_stage && d->request.count && !d->offer.count && !d->ack.count &&
	         d->discover.count)
		diag_cannot_tell(
		    x, "capture-one-direction",
		    "the client sent REQUESTs, which follow an OFFER, but no reply to it "
		    "is in the capture: only one direction seems visible");
	else if ((tftp || missing) && diag_filtered(x)) {
		diag_cannot_tell(x, "capture-filter-port-69", DIAG_FILTER_WHY);
		struct diag_finding *f = &x->r->f[x->r->n - 1];
		if (x->last && strcmp(f->code, "capture-filter-port-69") == 0)
			diag_evidence(f, x->last->first_rrq);
	} else if (strcmp(p->code, "nfs-no-response") == 0 && !a->rpc.pmap_reply.count &&
	           !a->rpc.mnt_reply.count && !a->rpc.nfs_reply.count &&
	           (a->rpc.nfs_call.count && (a->rpc.mnt_call.count || a->rpc.pmap_call.count)))
		diag_cannot_tell(x, "capture-one-direction",
		                 "the client moved on from portmap/MOUNT to NFS calls, which needs "
		                 "replies, but no RPC reply is in the capture");
}

/* The capture kept RRQs but no TFTP reply at all, while the client acted on replies. */
static void diag_note_filter(struct diag_ctx *x)
{
	if (!diag_filtered(x) || diag_find(x->r, "capture-filter-port-69"))
		return;
	struct diag_finding *f =
	    diag_add(x, "capture-filter-port-69", DIAG_SEV_CAPTURE, CLIENT_ST_TFTP_FW);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary), "%s", DIAG_FILTER_WHY);
	diag_text(f->hint, sizeof(f->hint),
	          "capture without a port filter: tcpdump -i br-lan -s 0 -w boot.pcap");
	diag_evidence(f, x->last ? x->last->first_rrq : x->a->first);
}

static void diag_note_mid_boot(struct diag_ctx *x)
{
	const struct client_attempt *a = x->a;
	if (!a->mid_boot || a->number != 1)
		return;
	enum client_stage st = CLIENT_ST_FW_DHCP;
	while (st < CLIENT_ST_NFS && !a->stage[st].count)
		st++;
	struct diag_finding *f = diag_add(x, "capture-started-mid-boot", DIAG_SEV_CAPTURE, st);
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "the capture starts in the middle of this boot (first seen: %s): the stages "
	          "before it cannot be judged",
	          client_stage_name(st));
	diag_evidence(f, a->first);
}

static void (*const diag_note_rules[])(struct diag_ctx *) = {
    diag_note_mid_boot, diag_note_filter, diag_note_root_folder, diag_note_optional,
    diag_note_dhcp,     diag_note_tftp,   diag_note_nfs,
};

/* ---- public ---- */

void diag_defaults(struct diag_opts *o)
{
	o->t.dhcp = SEC(45);
	o->t.dhcp_request = SEC(4);
	o->t.tftp_file = SEC(30);
	o->t.kernel_dhcp = SEC(60);
	o->t.nfs = SEC(30);
}

bool diag_set_timeouts(struct diag_opts *o, const char *spec, char err[DIAG_ERR_MAX])
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
	    {"dhcp", offsetof(struct diag_timeouts, dhcp)},
	    {"dhcp-request", offsetof(struct diag_timeouts, dhcp_request)},
	    {"tftp-file", offsetof(struct diag_timeouts, tftp_file)},
	    {"kernel-dhcp", offsetof(struct diag_timeouts, kernel_dhcp)},
	    {"nfs", offsetof(struct diag_timeouts, nfs)},
	};
	const char *p = spec;
	while (*p) {
		size_t n = strcspn(p, "=,");
		size_t i = 0;
		while (i < sizeof(names) / sizeof(names[0]) &&
		       !(strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0))
			i++;
		if (i == sizeof(names) / sizeof(names[0]) || p[n] != '=') {
			diag_text(err, DIAG_ERR_MAX,
			          "unknown timeout '%.*s' (dhcp, dhcp-request, "
			          "tftp-file, kernel-dhcp, nfs)",
			          (int)(n < 32 ? n : 32), p);
			return false;
		}
		char *end;
		double s = strtod(p + n + 1, &end);
		if (end == p + n + 1 || s < 0 || s > 86400 || (*end && *end != ',')) {
			diag_text(err, DIAG_ERR_MAX, "timeout %s needs seconds (0-86400)",
			          names[i].name);
			return false;
		}
		nbt_time v = (nbt_time)(s * 1e9);
		memcpy((char *)&o->t + names[i].off, &v, sizeof(v));
		p = *end ? end + 1 : end;
	}
	return true;
}

void diag_attempt(const struct client *c, const struct client_attempt *a,
                  const struct client_capture *cap, const struct diag_opts *o, nbt_time now,
                  struct diag_result *r)
{
	struct diag_ctx x = {.c = c, .a = a, .cap = cap, .o = o, .now = now, .r = r};
	memset(r, 0, sizeof(*r));
	r->primary = -1;
	r->verdict = DIAG_IN_PROGRESS;
	for (int st = CLIENT_ST__COUNT - 1; st >= 0; st--)
		if (a->stage[st].count) {
			r->reached = (enum client_stage)st;
			break;
		}
	diag_facts(&x);
	for (size_t i = 0; i < sizeof(diag_stall_rules) / sizeof(diag_stall_rules[0]); i++)
		if (diag_stall_rules[i].apply(&x))
			break;
	if (r->primary >= 0) {
		diag_default_hint(&r->f[r->primary]);
		diag_blind(&x);
	}
	for (size_t i = 0; i < sizeof(diag_note_rules) / sizeof(diag_note_rules[0]); i++)
		diag_note_rules[i](&x);
}

/* Bad checksums (PI-NETBOOT.md s6): a host whose every packet is bad yet answered is one whose
 * NIC fills the checksum in after the capture saw the packet (offload), not a broken wire. */
static void diag_checksums(struct diag_ctx *x)
{
	const struct client_capture *cap = x->cap;
	if (!cap->bad_checksums)
		return;
	struct diag_finding *f =
	    diag_add(x, "capture-checksum-offload", DIAG_SEV_CAPTURE, CLIENT_ST__COUNT);
	if (!f)
		return;
	const struct client_cksum_host *off = NULL;
	for (uint32_t i = 0; i < cap->ncksum && !off; i++)
		if (!cap->cksum[i].good && cap->cksum[i].answered)
			off = &cap->cksum[i];
	if (off) {
		diag_text(f->summary, sizeof(f->summary),
		          "packets from " IPFMT " carry bad checksums but were answered: checksum "
		          "offload on the capturing host, not a network fault",
		          IPF(off->ip));
		diag_text(
		    f->hint, sizeof(f->hint),
		    "nothing to fix; to capture correct checksums: ethtool -K <iface> tx off");
		diag_evidence(f, off->first);
		return;
	}
	const struct client_cksum_host *h = cap->ncksum ? &cap->cksum[0] : NULL;
	diag_text(f->summary, sizeof(f->summary),
	          "%" PRIu64 " packets carry bad checksums (first from " IPFMT
	          "): possible corruption on the wire, or checksum offload on the capturing host",
	          cap->bad_checksums, IPF(h ? h->ip : 0));
	diag_text(
	    f->hint, sizeof(f->hint),
	    "capture on another host, or with offload off (ethtool -K <iface> tx off rx off)");
	if (h)
		diag_evidence(f, h->first);
}

/* A finding about the whole capture when `n` things were counted, with its fixed hint; NULL
 * when none were (or the findings are full).  The caller writes the summary. */
static struct diag_finding *diag_counted(struct diag_ctx *x, uint64_t n, const char *code,
                                         enum diag_severity sev, const char *hint)
{
	struct diag_finding *f = n ? diag_add(x, code, sev, CLIENT_ST__COUNT) : NULL;
	if (f)
		diag_text(f->hint, sizeof(f->hint), "%s", hint);
	return f;
}

static void diag_oversize(struct diag_ctx *x)
{
	struct diag_finding *f = diag_counted(
	    x, x->cap->oversize, "capture-oversize-frames", DIAG_SEV_CAPTURE,
	    "nothing to fix; to see wire frames: ethtool -K <iface> gro off tso off gso off");
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "%" PRIu64 " frames are larger than the Ethernet MTU: GRO/TSO on the capturing "
	          "host merged segments, the wire carried smaller ones",
	          x->cap->oversize);
	diag_evidence(f, x->cap->first_oversize);
}

/* Machines that used DHCP with no sign of a network boot: laptops and phones on the same
 * segment.  They are left out of the report; say how many, so none seems lost. */
static void diag_other_clients(struct diag_ctx *x)
{
	struct diag_finding *f =
	    diag_counted(x, x->cap->other_clients, "other-dhcp-clients", DIAG_SEV_INFO,
	                 "nothing to do; to see one anyway, name it with --client MAC");
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "%" PRIu64 " machine%s used DHCP with no sign of a network boot (no PXE or Pi "
	          "options, no root path or boot file asked for, no TFTP or NFS): left out of "
	          "this report",
	          x->cap->other_clients, x->cap->other_clients == 1 ? "" : "s");
}

/* UEFI PXE over IPv6, or a Pi 4/5 with the (experimental) IPv6 netboot of its bootloader,
 * boots with DHCPv6 and TFTP over IPv6, which this report does not follow: say so rather than
 * show no client at all. */
static void diag_ipv6(struct diag_ctx *x)
{
	const struct nbt_stats *st = x->cap->pipe;
	struct diag_finding *f =
	    diag_counted(x, st ? st->ipv6_boot : 0, "capture-ipv6-boot", DIAG_SEV_CAPTURE,
	                 "read the IPv6 boot with tshark -Y 'dhcpv6 || tftp', or boot the machine "
	                 "over IPv4 to analyse it here");
	if (!f)
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "%" PRIu64 " DHCPv6 network-boot or TFTP-over-IPv6 packets: netboot-trace "
	          "follows IPv4 boots only, so a machine booting over IPv6 (UEFI PXE, or a Pi "
	          "with the bootloader's experimental IPv6 netboot) is not in this report",
	          st->ipv6_boot);
	diag_evidence(f, (struct client_mark){st->ipv6_boot_frame, st->ipv6_boot_ts});
}

/*
 * The pipeline's tables at their caps (flows, fragments, expectations, TCP windows, RPC xids):
 * what was let go is named, since the report then misses part of some conversations.
 */
static void diag_caps(struct diag_ctx *x)
{
	static const struct {
		enum nbt_anomaly a;
		const char *what;
	} caps[] = {
	    {ANOM_CAP_FLOWS, "flows evicted"},
	    {ANOM_CAP_EXPECT, "expected TFTP/RPC ports forgotten"},
	    {ANOM_CAP_FRAGS, "fragmented datagrams dropped"},
	    {ANOM_CAP_TCP_OOO, "TCP holes given up"},
	    {ANOM_CAP_RPC_XIDS, "RPC calls forgotten unanswered"},
	};
	const struct nbt_stats *st = x->cap->pipe;
	char list[DIAG_TEXT_MAX] = "";
	size_t len = 0;
	for (size_t i = 0; st && i < sizeof(caps) / sizeof(caps[0]); i++) {
		uint64_t n = st->anomalies[caps[i].a];
		if (n && len < sizeof(list)) {
			int k = snprintf(list + len, sizeof(list) - len, "%s%" PRIu64 " %s",
			                 len ? ", " : "", n, caps[i].what);
			len += k > 0 ? (size_t)k : 0;
		}
	}
	struct diag_finding *f;
	if (!len || !(f = diag_add(x, "capture-table-full", DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)))
		return;
	diag_text(f->summary, sizeof(f->summary),
	          "tables reached their caps (%s): some conversations are only partly followed",
	          list);
	diag_text(f->hint, sizeof(f->hint),
	          "read only the machines in question: end the command with a filter such as "
	          "'ether host <mac>', or capture for a shorter time");
}

void diag_capture(const struct client_capture *cap, struct diag_result *r)
{
	struct diag_ctx x = {.cap = cap, .r = r};
	struct diag_finding *f;
	memset(r, 0, sizeof(*r));
	r->primary = -1;
	if (cap->truncated &&
	    (f = diag_add(&x, "capture-truncated", DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)) != NULL) {
		diag_text(f->summary, sizeof(f->summary),
		          "%" PRIu64
		          " packets were cut by the capture's snaplen: their later fields "
		          "are unknown, not wrong",
		          cap->truncated);
		diag_text(f->hint, sizeof(f->hint), "capture with tcpdump -s 0 (full packets)");
		diag_evidence(f, cap->first_truncated);
	}
	if (cap->backwards &&
	    (f = diag_add(&x, "capture-time-backwards", DIAG_SEV_CAPTURE, CLIENT_ST__COUNT))) {
		diag_text(f->summary, sizeof(f->summary),
		          "%" PRIu64 " packets have a timestamp earlier than the one before: "
		          "durations near them are unreliable",
		          cap->backwards);
		diag_evidence(f, cap->first_backwards);
	}
	if (cap->has_drops && cap->dropped &&
	    (f = diag_add(&x, "capture-drops", DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)) != NULL)
		diag_text(f->summary, sizeof(f->summary),
		          "the kernel dropped %" PRIu64 " packets: a missing reply may just be a "
		          "dropped one",
		          cap->dropped);
	if (cap->clients_dropped && (f = diag_add(&x, "capture-too-many-clients", DIAG_SEV_CAPTURE,
	                                          CLIENT_ST__COUNT)) != NULL)
		diag_text(f->summary, sizeof(f->summary),
		          "%s%" PRIu64 " more machine%s past the table's %" PRIu64
		          " (--max-clients) were not followed (%" PRIu64 " events)",
		          cap->machines_dropped_more ? "at least " : "", cap->machines_dropped,
		          cap->machines_dropped == 1 ? "" : "s", cap->clients_max,
		          cap->clients_dropped);
	diag_caps(&x);
	diag_checksums(&x);
	diag_oversize(&x);
	diag_ipv6(&x);
	diag_other_clients(&x);
}

const char *diag_verdict_name(enum diag_verdict v)
{
	static const char *const names[] = {[DIAG_IN_PROGRESS] = "in-progress",
	                                    [DIAG_BOOTED] = "booted",
	                                    [DIAG_STALLED] = "stalled",
	                                    [DIAG_UNKNOWN] = "unknown"};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

const char *diag_severity_name(enum diag_severity s)
{
	static const char *const names[] = {[DIAG_SEV_INFO] = "info",
	                                    [DIAG_SEV_WARNING] = "warning",
	                                    [DIAG_SEV_STALL] = "stall",
	                                    [DIAG_SEV_CAPTURE] = "capture",
	                                    [DIAG_SEV_PENDING] = "pending"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
