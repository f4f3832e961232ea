/* summary: capture-wide findings (diag_capture()): truncation, time going backwards, kernel
 * drops, too many clients, tables at their caps, bad checksums, oversize frames, IPv6 boots and
 * the machines left out of the report (PI-NETBOOT.md s6). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag_priv.h"
#include "nbt/fmt.h"

/* Bad checksums (PI-NETBOOT.md s6): a host whose every packet is bad yet answered is one whose
 * NIC fills the checksum in after the capture saw the packet (offload), not a broken wire. */
static void diag_checksums(struct diag_ctx *x)
{
	const struct client_capture *cap = x->cap;
	if (!cap->bad_checksums)
		return;
	struct diag_finding *f =
	    diag_add(x, DIAG_CODE_CAPTURE_CHECKSUM_OFFLOAD, DIAG_SEV_CAPTURE, CLIENT_ST__COUNT);
	const struct client_cksum_host *off = NULL;
	for (uint32_t i = 0; i < cap->ncksum && !off; i++)
		if (!cap->cksum[i].good && cap->cksum[i].answered)
			off = &cap->cksum[i];
	if (off) {
		diag_summary(f,
		             "packets from %s carry bad checksums but were answered: checksum "
		             "offload on the capturing host, not a network fault",
		             fmt_ipv4(off->ip).s);
		diag_hint(
		    f, "nothing to fix; to capture correct checksums: ethtool -K <iface> tx off");
		diag_evidence(f, off->first);
		return;
	}
	const struct client_cksum_host *h = cap->ncksum ? &cap->cksum[0] : NULL;
	diag_summary(f,
	             "%" PRIu64
	             " packets carry bad checksums (first from %s): possible corruption on "
	             "the wire, or checksum offload on the capturing host",
	             cap->bad_checksums, fmt_ipv4(h ? h->ip : 0).s);
	diag_hint(
	    f, "capture on another host, or with offload off (ethtool -K <iface> tx off rx off)");
	if (h)
		diag_evidence(f, h->first);
}

/* A finding about the whole capture when `n` things were counted, with its fixed hint; NULL
 * when none were (or the findings are full).  The caller writes the summary. */
static struct diag_finding *diag_counted(struct diag_ctx *x, uint64_t n, enum diag_code code,
                                         enum diag_severity sev, const char *hint)
{
	struct diag_finding *f = n ? diag_add(x, code, sev, CLIENT_ST__COUNT) : NULL;
	diag_hint(f, "%s", hint);
	return f;
}

static void diag_oversize(struct diag_ctx *x)
{
	struct diag_finding *f = diag_counted(
	    x, x->cap->oversize, DIAG_CODE_CAPTURE_OVERSIZE_FRAMES, DIAG_SEV_CAPTURE,
	    "nothing to fix; to see wire frames: ethtool -K <iface> gro off tso off gso off");
	diag_summary(f,
	             "%" PRIu64
	             " frames are larger than the Ethernet MTU: GRO/TSO on the capturing "
	             "host merged segments, the wire carried smaller ones",
	             x->cap->oversize);
	diag_evidence(f, x->cap->first_oversize);
}

/* Machines that used DHCP with no sign of a network boot: laptops and phones on the same
 * segment.  They are left out of the report; say how many, so none seems lost. */
static void diag_other_clients(struct diag_ctx *x)
{
	struct diag_finding *f =
	    diag_counted(x, x->cap->other_clients, DIAG_CODE_OTHER_DHCP_CLIENTS, DIAG_SEV_INFO,
	                 "nothing to do; to see one anyway, name it with --client MAC");
	diag_summary(f,
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
	    diag_counted(x, st ? st->ipv6_boot : 0, DIAG_CODE_CAPTURE_IPV6_BOOT, DIAG_SEV_CAPTURE,
	                 "read the IPv6 boot with tshark -Y 'dhcpv6 || tftp', or boot the machine "
	                 "over IPv4 to analyse it here");
	if (!f) /* also when the pipeline's counters are not at hand (st NULL) */
		return;
	diag_summary(f,
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
	    {.a = ANOM_CAP_FLOWS, .what = "flows evicted"},
	    {.a = ANOM_CAP_EXPECT, .what = "expected TFTP/RPC ports forgotten"},
	    {.a = ANOM_CAP_FRAGS, .what = "fragmented datagrams dropped"},
	    {.a = ANOM_CAP_TCP_OOO, .what = "TCP holes given up"},
	    {.a = ANOM_CAP_RPC_XIDS, .what = "RPC calls forgotten unanswered"},
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
	if (!len ||
	    !(f = diag_add(x, DIAG_CODE_CAPTURE_TABLE_FULL, DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)))
		return;
	diag_summary(
	    f, "tables reached their caps (%s): some conversations are only partly followed", list);
	diag_hint(f, "read only the machines in question: end the command with a filter such as "
	             "'ether host <mac>', or capture for a shorter time");
}

void diag_capture(const struct client_capture *cap, struct diag_result *r)
{
	struct diag_ctx x = {.cap = cap, .r = r};
	struct diag_finding *f;
	memset(r, 0, sizeof(*r));
	r->primary = -1;
	if (cap->truncated && (f = diag_add(&x, DIAG_CODE_CAPTURE_TRUNCATED, DIAG_SEV_CAPTURE,
	                                    CLIENT_ST__COUNT)) != NULL) {
		diag_summary(f,
		             "%" PRIu64
		             " packets were cut by the capture's snaplen: their later fields "
		             "are unknown, not wrong",
		             cap->truncated);
		diag_hint(f, "capture with tcpdump -s 0 (full packets)");
		diag_evidence(f, cap->first_truncated);
	}
	if (cap->backwards && (f = diag_add(&x, DIAG_CODE_CAPTURE_TIME_BACKWARDS, DIAG_SEV_CAPTURE,
	                                    CLIENT_ST__COUNT))) {
		diag_summary(f,
		             "%" PRIu64 " packets have a timestamp earlier than the one before: "
		             "durations near them are unreliable",
		             cap->backwards);
		diag_evidence(f, cap->first_backwards);
	}
	if (cap->has_drops && cap->dropped &&
	    (f = diag_add(&x, DIAG_CODE_CAPTURE_DROPS, DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)) != NULL)
		diag_summary(f,
		             "the kernel dropped %" PRIu64
		             " packets: a missing reply may just be a dropped one",
		             cap->dropped);
	if (cap->clients_dropped && (f = diag_add(&x, DIAG_CODE_CAPTURE_TOO_MANY_CLIENTS,
	                                          DIAG_SEV_CAPTURE, CLIENT_ST__COUNT)) != NULL)
		diag_summary(f,
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
