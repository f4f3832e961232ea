/* summary: what the diagnosis files share: the rule context, the findings helpers, and each
 * stage's rules (include/nbt/diagnose.h is the public side, include/nbt/diag_codes.def the
 * codes). */
#ifndef NBT_DIAG_PRIV_H
#define NBT_DIAG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nbt/diag_codes.h"
#include "nbt/diagnose.h"

#define DIAG_SEC(s) ((nbt_time)(s)*NBT_NS_PER_SEC)
/* A span of packet time in seconds, for the texts. */
static inline double diag_secs(nbt_time t)
{
	return (double)t / (double)NBT_NS_PER_SEC;
}

/* Why a port-69 filter explains missing TFTP replies: a stall's "cannot tell" and the note
 * that stands without a stall say the same. */
#define DIAG_FILTER_WHY                                                                            \
	"the client asked for TFTP files and went on as if it got them, yet no TFTP reply is in "  \
	"the capture: TFTP data comes from a new port, so a filter on port 69 alone keeps the "    \
	"RRQs and drops every DATA (and a filter like that drops NFS too)"

/* What a rule sees: the attempt, the clock, and facts computed once (diag_capture() fills only
 * cap and r). */
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

/* ---- findings (diagnose.c) ---- */

/* A new finding, zeroed but for code, severity and stage; NULL when the result is full. */
struct diag_finding *diag_add(struct diag_ctx *x, enum diag_code code, enum diag_severity sev,
                              enum client_stage st);
/*
 * What the packets say about a stall a rule has found (PI-NETBOOT.md s5, docs/ARCHITECTURE.md):
 *  - PROVEN: a refusal or an error, or the client's (or the server's) own retries went
 *    unanswered: stalled now, whatever the timeout;
 *  - SUSPECT: evidence points at it (one retry unanswered, an offer the Pi will ignore) but is
 *    not proof yet: in-progress with the finding as the suspect;
 *  - WAITING: nothing is wrong yet, the stage has simply not happened: in-progress, waiting in
 *    the stage, and no finding is kept.
 * A SUSPECT or WAITING stage whose silence outlasts `timeout` from `since` is stalled too: the
 * fallback for a capture that shows no retries at all.
 */
enum diag_proof { DIAG_WAITING = 0, DIAG_SUSPECT, DIAG_PROVEN };

/*
 * `sends` of one request unanswered, the first at `first`: what the client's own retries prove
 * (PI-NETBOOT.md s5). Clients resend after a second or more (iPXE after 1 s, then 2, 4; RFC 2131
 * s4.1 4 s then 8; a Pi 4/5 EEPROM DHCP_REQ_TIMEOUT 4 s; the Pi 3 boot ROM five DHCP requests in
 * a row, raspberrypi/firmware#941). `answer` is how long a healthy server may take: a second
 * send unanswered that long makes the stall suspect, a third unanswered twice that long proves
 * it. ARP, TFTP and RPC servers answer in milliseconds (DIAG_ANSWER_FAST); a DHCP server's first
 * offer can take seconds: dnsmasq pings the address first (dnsmasq(8) --no-ping), and in
 * captures/ipxe-pxe-boot.pcap its offer comes 3.04 s after the first DISCOVER.
 */
#define DIAG_SENDS_SUSPECT 2u
#define DIAG_SENDS_PROOF   3u
#define DIAG_ANSWER_FAST   DIAG_SEC(1)
#define DIAG_ANSWER_OFFER  DIAG_SEC(3)
enum diag_proof diag_proof_of_sends(const struct diag_ctx *x, uint32_t sends, nbt_time first,
                                    nbt_time answer);
/* An RPC call younger than this is in flight, not unanswered: Linux's RPC client resends a UDP
 * call after timeo (0.7 s by default, nfs(5)), and over TCP the server answers in milliseconds. */
#define DIAG_RPC_PATIENCE DIAG_SEC(1)

/* Names the stall behind the verdict (NULL when only waiting, or when the result is full). */
struct diag_finding *diag_stall(struct diag_ctx *x, enum diag_code code, enum client_stage st,
                                nbt_time since, nbt_time timeout, enum diag_proof proof);
/* printf into a buffer, cut to its size. */
__attribute__((format(printf, 3, 4))) void diag_text(char *dst, size_t size, const char *fmt, ...);

/* Writes a finding's summary or hint printf-style; nothing when f is NULL (the result was full),
 * so a rule need not test what diag_add() or diag_stall() returned before writing. */
enum diag_field { DIAG_FIELD_SUMMARY, DIAG_FIELD_HINT };
__attribute__((format(printf, 3, 4))) void diag_write(struct diag_finding *f, enum diag_field which,
                                                      const char *fmt, ...);
#define diag_summary(f, ...) diag_write((f), DIAG_FIELD_SUMMARY, __VA_ARGS__)
#define diag_hint(f, ...)    diag_write((f), DIAG_FIELD_HINT, __VA_ARGS__)
/* Adds an evidence frame once; ignores frame 0 and a NULL finding. */
void diag_evidence(struct diag_finding *f, struct client_mark m);
/* The registry's hint, unless the rule wrote a more specific one. */
void diag_default_hint(struct diag_finding *f);
const struct diag_finding *diag_find(const struct diag_result *r, enum diag_code code);
/* The primary finding has this code (false without a primary). */
bool diag_primary_is(const struct diag_result *r, enum diag_code code);

/* ---- facts the stage rules share (diagnose.c) ---- */

/* "the kernel", "the Pi" or "the client": who sent what a stage's summary talks about. */
const char *diag_who(const struct diag_ctx *x, enum client_stage st);
/* The attempt's ARP target entry for ip (arp_target[]), or -1. */
int diag_arp(const struct client_attempt *a, uint32_t ip);
/* The first ARP target the client asked for after `frame`, or -1. */
int diag_arp_after(const struct client_attempt *a, uint64_t frame);
/* The client's frames for `server` (0: any) went to a MAC no host has (client-arp-failed). */
bool diag_wrong_mac(struct diag_ctx *x, enum client_stage st, uint32_t server,
                    struct client_mark after);
/* That, an ICMP unreachable after `after`, or ARP for `server` unanswered: names `code` the
 * stall (client-arp-failed for the first). */
bool diag_unreachable(struct diag_ctx *x, enum client_stage st, uint32_t server,
                      enum diag_code code, struct client_mark after);

/* ---- stall rules, in boot order: true when the rule decided the verdict ---- */

/* One DHCP exchange, firmware or kernel (diag_dhcp.c). */
bool diag_dhcp(struct diag_ctx *x, const struct client_dhcp *d, enum client_stage st);
bool diag_rule_fw_dhcp(struct diag_ctx *x);
bool diag_rule_bootcode_dhcp(struct diag_ctx *x);
/* DHCP done, no RRQ yet; then the files (diag_tftp.c). */
bool diag_rule_tftp_start(struct diag_ctx *x);
bool diag_rule_tftp_files(struct diag_ctx *x);
/* Every RRQ under the client's prefix folder was not found; *first is the earliest. */
bool diag_prefix_missing(const struct diag_ctx *x, const struct client_file **first);
/* After the files: the kernel's DHCP, or a PXE boot program (diag_kernel.c). */
bool diag_rule_kernel(struct diag_ctx *x);
/* portmap, MOUNT, NFS (diag_nfs.c). */
bool diag_rule_nfs(struct diag_ctx *x);

/* ---- what the capture cannot show (diag_cannot_tell.c) ---- */

/* Turns the primary stall into cannot-tell and adds `capture_code` saying `because`. */
void diag_cannot_tell(struct diag_ctx *x, enum diag_code capture_code, const char *because);
/* RRQs but no TFTP reply at all while the client went on as if it got them: a port filter. */
bool diag_filtered(const struct diag_ctx *x);
/* The boot went past a stage whose unicast the capture lacks (a router's switched ports). */
bool diag_unicast_blind(const struct diag_ctx *x, char *why, size_t size);
/* A wait for traffic the capture may simply not hold (a filter that drops it): the wait is
 * suspect, so diag_blind() can say "cannot tell" instead of "waiting". */
enum diag_proof diag_proof_of_silence(const struct diag_ctx *x);
/* After the stall rules: a stall the capture itself may explain becomes cannot-tell. */
void diag_blind(struct diag_ctx *x);
void diag_note_filter(struct diag_ctx *x);
void diag_note_unicast_blind(struct diag_ctx *x);
void diag_note_mid_boot(struct diag_ctx *x);

/* ---- notes: warnings and information that do not stop a boot (diag_notes.c) ---- */

void diag_note_root_folder(struct diag_ctx *x);
void diag_note_optional(struct diag_ctx *x);
void diag_note_dhcp(struct diag_ctx *x);
void diag_note_tftp(struct diag_ctx *x);
void diag_note_nfs(struct diag_ctx *x);
void diag_note_spanning_tree(struct diag_ctx *x);

#endif
