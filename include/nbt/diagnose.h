/* summary: boot diagnosis: pure, table-driven rules turning a client's attempt into a verdict and
 * findings with evidence and hints (PI-NETBOOT.md s5-6, RFC 2131/1350/1813/7530). */
#ifndef NBT_DIAGNOSE_H
#define NBT_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/client.h"
#include "nbt/diag_codes.h"
#include "nbt/pkt.h"

#define DIAG_EVIDENCE_MAX 8
#define DIAG_FINDINGS_MAX 16
#define DIAG_TEXT_MAX     640
#define DIAG_ERR_MAX      128

enum diag_verdict {
	DIAG_IN_PROGRESS = 0, /* waiting in a stage, or suspect: nothing proves a stall yet */
	DIAG_BOOTED,          /* reached the NFS root */
	DIAG_STALLED,         /* stopped: the primary finding says where and why */
	DIAG_UNKNOWN,         /* cannot tell, because the capture does not show enough */
	/* A PXE client loaded its boot program (iPXE, pxelinux, GRUB) and nothing after it is on
	 * this wire (HTTP, iSCSI, a disk, another segment): followed that far, not "booted". */
	DIAG_HANDED_OVER,
};

enum diag_severity {
	DIAG_SEV_INFO = 0,
	DIAG_SEV_WARNING,
	DIAG_SEV_STALL,
	DIAG_SEV_CAPTURE, /* about the capture, not the boot (PI-NETBOOT.md s6) */
	DIAG_SEV_SUSPECT, /* the evidence points at this stall but does not prove it yet (verdict
	                   * in-progress): proof comes with the client's next retries or the timeout
	                   */
};

struct diag_finding {
	enum diag_code code; /* printed through diag_code_name(): "tftp-file-not-found", ... */
	enum diag_severity sev;
	const char *detail; /* e.g. "serial-folder-missing", or NULL */
	enum client_stage stage;
	char summary[DIAG_TEXT_MAX];
	char hint[DIAG_TEXT_MAX];
	struct client_mark evidence[DIAG_EVIDENCE_MAX];
	uint8_t nevidence;
};

/* Per-stage timeouts in packet time (ns); defaults are what the Pi bootloader waits. */
struct diag_timeouts {
	nbt_time dhcp;         /* DHCP_TIMEOUT: no usable offer (45 s) */
	nbt_time dhcp_request; /* DHCP_REQ_TIMEOUT: REQUEST without reply (4 s) */
	nbt_time tftp_file;    /* TFTP_FILE_TIMEOUT: no RRQ / reply / next block (30 s) */
	nbt_time kernel_dhcp;  /* last file served -> kernel DHCP (60 s) */
	nbt_time nfs;          /* kernel DHCP -> NFS, and an RPC call -> its reply (30 s) */
};

struct diag_opts {
	struct diag_timeouts t;
};

struct diag_result {
	enum diag_verdict verdict;
	enum client_stage reached; /* furthest stage with traffic */
	int primary;               /* index in f[] of the finding behind the verdict, -1 if none */
	/* in-progress: when silence makes the stage a stall (the stage's timeout, the fallback
	 * when no retries prove anything) */
	nbt_time deadline;
	/* in-progress with nothing wrong yet (no primary finding): the stage the client is in and
	 * since when it waits there */
	bool waiting;
	enum client_stage wait_stage;
	nbt_time wait_since;
	enum diag_code wait_code; /* the stall the wait would become (not shown while waiting) */
	nbt_time at;              /* the instant it was judged at */
	struct diag_finding f[DIAG_FINDINGS_MAX];
	uint8_t n;
};

void diag_defaults(struct diag_opts *o);
/* "dhcp=12,tftp-file=3,..." (seconds, names dhcp, dhcp-request, tftp-file, kernel-dhcp, nfs). */
bool diag_set_timeouts(struct diag_opts *o, const char *spec, char err[DIAG_ERR_MAX]);

/* Diagnoses one attempt at packet time `now` (offline: the capture's last packet). */
void diag_attempt(const struct client *c, const struct client_attempt *a,
                  const struct client_capture *cap, const struct diag_opts *o, nbt_time now,
                  struct diag_result *r);
/*
 * A client's verdict: its latest attempt, judged with the attempt before it. A client that failed
 * an attempt and, having started over, is held up at the same point with the same cause has
 * given up on it twice: that is proof (its restart is a retry), stalled now, whatever the
 * timeout. (A restart that then goes past that point is a recovery, judged on its own.)
 */
void diag_client(const struct client *c, const struct client_capture *cap,
                 const struct diag_opts *o, nbt_time now, struct diag_result *r);
/* Capture-wide findings (truncation, drops, time going backwards). */
void diag_capture(const struct client_capture *cap, struct diag_result *r);

const char *diag_verdict_name(enum diag_verdict v);

/*
 * What a person reads first: the verdict, with in-progress split in two. "waiting": nothing is
 * wrong yet, the client is simply in a stage (no code); "suspect": the evidence points at a
 * stall (the primary finding) that retries or the timeout will prove.
 */
enum diag_state {
	DIAG_STATE_WAITING = 0,
	DIAG_STATE_SUSPECT,
	DIAG_STATE_BOOTED,
	DIAG_STATE_STALLED,
	DIAG_STATE_UNKNOWN,
	DIAG_STATE_HANDED_OVER,
};
enum diag_state diag_state_of(const struct diag_result *r);
/* How long a waiting client has waited at the instant of the judgement (0 if not waiting). */
nbt_time diag_waited(const struct diag_result *r);
/* "waiting", "suspect", "booted", "stalled", "unknown"; short (the screen): "STALLED". */
const char *diag_state_name(enum diag_state s);
const char *diag_state_short(enum diag_state s);
const char *diag_severity_name(enum diag_severity s);

#endif
