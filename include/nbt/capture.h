/* summary: capture sources: live interface, offline pcap/pcapng file, or a stream on stdin. */
#ifndef NBT_CAPTURE_H
#define NBT_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "nbt/pkt.h"
#include "nbt/outfile.h"

#define NBT_ERRBUF_SIZE 512
#define CAPTURE_SNAPLEN 262144

/* Why a capture could not be opened or read; main maps each to an exit code. */
enum capture_err {
	CAPERR_NONE = 0,
	CAPERR_NO_FILE,     /* no such file */
	CAPERR_PERM,        /* permission denied (file or interface) */
	CAPERR_NOT_CAPTURE, /* not a pcap/pcapng file, or an empty one */
	CAPERR_NO_IFACE,    /* no such interface */
	CAPERR_LINK,        /* link type not decoded */
	CAPERR_FILTER,      /* filter expression does not compile */
	CAPERR_TRUNCATED,   /* file ends in the middle of a packet */
	CAPERR_NO_DATA,     /* a signal came before the capture's header was complete */
	CAPERR_OTHER,
};

struct capture_opts {
	const char *iface; /* live capture */
	const char *file;  /* offline; "-" is stdin */
	const char *filter;
	int snaplen;
	int buffer_size; /* bytes, live only */
	/* Live only: with no filter given, capture through filter_default() (see filter.h)
	 * and let capture_widen() add the ports learned later. */
	bool netboot_filter;
};

struct nbt_capture;

/* A frame handed to the consumer; data is valid only during the call. */
typedef void (*capture_frame_fn)(void *arg, nbt_time ts, const uint8_t *data, uint32_t caplen,
                                 uint32_t wirelen);

struct nbt_capture *capture_open(const struct capture_opts *o, enum capture_err *err,
                                 char errbuf[NBT_ERRBUF_SIZE]);
/* Warnings from pcap_activate (positive results), or NULL. */
const char *capture_warning(const struct nbt_capture *c);
int capture_link(const struct nbt_capture *c);
/* Selectable descriptor for poll() (live and stdin), -1 if none. */
int capture_fd(const struct nbt_capture *c);
/* Waits up to ms for the capture to have data (poll on its descriptor); true when it has, or
 * when it has no descriptor to wait on. A signal ends the wait early (false). */
bool capture_wait(const struct nbt_capture *c, int ms);
bool capture_is_live(const struct nbt_capture *c);
/*
 * Reads up to `budget` frames (<= 0: no limit) and hands each to fn.  Returns
 * the number read, 0 when a live capture has nothing now, or -1 at the end:
 * then *err is CAPERR_NONE for a clean end of file, or why it stopped
 * (CAPERR_TRUNCATED for a file cut mid-packet) with errbuf filled.
 */
int capture_dispatch(struct nbt_capture *c, int budget, capture_frame_fn fn, void *arg,
                     enum capture_err *err, char errbuf[NBT_ERRBUF_SIZE]);
/* A libpcap timestamp (tv_usec in ns when `nano`) in packet time. pcapng's 64-bit timestamps
 * can name any second: out-of-range times are pinned (see nbt_time_clamp), never overflowed. */
nbt_time capture_time(const struct timeval *tv, bool nano);
/* Frames a batch reads at most, between looks at the keyboard, signals and the clock. */
#define CAPTURE_BATCH 512
/*
 * The read loop's one step, for the UI and the headless run alike: capture_dispatch of up to
 * `budget` frames that never passes `-c COUNT` (count 0: no limit; `seen` frames already read).
 * Returns as capture_dispatch does, and -1 without reading once `seen` reached the count.
 */
int capture_read_batch(struct nbt_capture *c, int budget, long count, long seen,
                       capture_frame_fn fn, void *arg, enum capture_err *err,
                       char errbuf[NBT_ERRBUF_SIZE]);
/* True when -c COUNT frames were read (count 0: never). */
bool capture_count_reached(long count, long seen);
/* The filter in effect (the user's, or the default widened so far), or NULL for none. */
const char *capture_filter(const struct nbt_capture *c);
/*
 * Widens a live capture's default filter to a server port learned while capturing (the
 * MOUNT port from a portmap GETPORT reply): recompiled and set again with pcap_setfilter,
 * which works on the open socket also after privileges were dropped.  Returns 1 when the
 * filter changed, 0 when there was nothing to do (a user filter, a file, a known port, the
 * table full), -1 with errbuf filled when the new filter could not be set.
 */
int capture_widen(struct nbt_capture *c, uint8_t l4proto, uint32_t srv_ip, uint16_t port,
                  char errbuf[NBT_ERRBUF_SIZE]);
/* -w FILE: every frame read from now on is also written to path (pcap, raw). */
bool capture_save(struct nbt_capture *c, const char *path, const struct outfile_guard *g,
                  char errbuf[NBT_ERRBUF_SIZE]);
/* Closes the -w file; false with errbuf filled if writing it failed.  Idempotent. */
bool capture_save_finish(struct nbt_capture *c, char errbuf[NBT_ERRBUF_SIZE]);
/* -D: the interfaces a live capture can open, numbered like tcpdump -D; -1 on error. */
int capture_list_interfaces(FILE *out, char errbuf[NBT_ERRBUF_SIZE]);
/* Kernel drop counters of a live capture (false if unavailable). */
bool capture_drops(struct nbt_capture *c, uint64_t *received, uint64_t *dropped);
/* Makes a blocking capture_dispatch return early (signal-safe). */
void capture_break(struct nbt_capture *c);
/* Live only: reads return at once when nothing is buffered, for a poll() loop over
 * capture_fd() (a blocking read would wait inside libpcap for the next packet). */
bool capture_set_nonblock(struct nbt_capture *c, char errbuf[NBT_ERRBUF_SIZE]);
void capture_close(struct nbt_capture *c);

#endif
