/* summary: libpcap capture sources: create/set/activate for live, nanosecond offline reads, stdin.
 */
#include "nbt/capture.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nbt/decode.h"
#include "nbt/decompress.h"
#include "nbt/filter.h"
#include "nbt/savefile.h"
#include "nbt/xalloc.h"

/* The kernel ring a live capture gets: 8 MiB dropped half the frames of a 1 GB capture
 * replayed at full speed into a veth, 128 MiB none (bench/live); -B changes it. */
#define CAPTURE_BUFFER_DEFAULT (128 << 20)
/* A live read returns at least this often with nothing captured, so the caller can refresh
 * its display and notice signals even when libpcap cannot be woken. */
#define CAPTURE_TIMEOUT_MS 250

struct nbt_capture {
	pcap_t *pc;
	bool live;
	bool nano; /* timestamps in nanoseconds */
	int dlt;
	char warning[PCAP_ERRBUF_SIZE];
	bool ended; /* end of input seen; end_err says how */
	enum capture_err end_err;
	char end_msg[PCAP_ERRBUF_SIZE];
	volatile sig_atomic_t broken; /* capture_break was called (from a signal handler) */
	bool netboot;                 /* the default filter is in effect: it may be widened */
	bool vlan;                    /* ... in its 802.1Q form (Ethernet links) */
	struct filter_widen widen;
	char filter[FILTER_EXPR_MAX]; /* the filter in effect, "" for none */
	struct savefile *save;        /* -w FILE, or NULL */
	struct dz *dz; /* the decoder of a compressed (or unseekable) input, or NULL */
};

static void capture_seterr(char errbuf[NBT_ERRBUF_SIZE], const char *fmt, const char *a,
                           const char *b)
{
	snprintf(errbuf, NBT_ERRBUF_SIZE, fmt, a, b);
}

static pcap_t *capture_open_file(struct nbt_capture *c, const char *path, enum capture_err *err,
                                 char *errbuf)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		*err = errno == ENOENT   ? CAPERR_NO_FILE
		       : errno == EACCES ? CAPERR_PERM
		                         : CAPERR_OTHER;
		capture_seterr(errbuf, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = CAPERR_NOT_CAPTURE;
		capture_seterr(errbuf, "%s: %s", path,
		               "is a folder, not a capture file: name one of the captures in it");
		if (fp != stdin)
			fclose(fp);
		return NULL;
	}
	int ch = getc(fp);
	if (ch == EOF) {
		*err = CAPERR_NOT_CAPTURE;
		capture_seterr(errbuf, "%s: %s", path, "empty input, not a capture file");
		if (fp != stdin)
			fclose(fp);
		return NULL;
	}
	ungetc(ch, fp);
	char pe[PCAP_ERRBUF_SIZE] = "";
	/* A compressed capture (boot.pcap.gz, .xz, .zst, or such a stream on stdin) is read
	 * through its decoder; every other input as it is, by libpcap itself. */
	FILE *in = dz_maybe((uint8_t)ch) ? dz_open(fp, fp != stdin, &c->dz, pe, sizeof pe) : fp;
	if (!in) {
		*err = CAPERR_OTHER;
		capture_seterr(errbuf, "%s: %s", path, pe);
		if (fp != stdin)
			fclose(fp);
		return NULL;
	}
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!pc) {
		const char *why = dz_failure(c->dz);
		*err = strstr(pe, "truncated") || why ? CAPERR_TRUNCATED : CAPERR_NOT_CAPTURE;
		if (why)
			capture_seterr(errbuf, "%s: %s", path, why);
		else if (c->dz && dz_kind_of(c->dz) != DZ_PLAIN)
			snprintf(
			    errbuf, NBT_ERRBUF_SIZE,
			    "%s: %s-compressed, but what it holds is not a pcap or pcapng capture "
			    "(%s)",
			    path, dz_kind_name(dz_kind_of(c->dz)), pe);
		else if (isprint(ch) || isspace(ch))
			/* saved tcpdump output, a log, a hex dump */
			capture_seterr(
			    errbuf,
			    "%s: not a pcap or pcapng capture: it starts like a text file "
			    "(%s); printed tcpdump output cannot be read back, capture with "
			    "tcpdump -w FILE",
			    path, pe);
		else
			capture_seterr(errbuf, "%s: not a pcap or pcapng capture (%s)", path, pe);
		if (in != stdin)
			fclose(in);
		c->dz = NULL;
	}
	return pc;
}

static enum capture_err capture_activate_err(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return CAPERR_NO_IFACE;
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return CAPERR_PERM;
	default:
		return CAPERR_OTHER;
	}
}

static pcap_t *capture_open_live(const struct capture_opts *o, struct nbt_capture *c,
                                 enum capture_err *err, char *errbuf)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(o->iface, pe);
	if (!pc) {
		*err = CAPERR_OTHER;
		capture_seterr(errbuf, "%s: %s", o->iface, pe);
		return NULL;
	}
	pcap_set_snaplen(pc, o->snaplen > 0 ? o->snaplen : CAPTURE_SNAPLEN);
	pcap_set_promisc(pc, 1);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_buffer_size(pc, o->buffer_size > 0 ? o->buffer_size : CAPTURE_BUFFER_DEFAULT);
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	pcap_set_timeout(pc, CAPTURE_TIMEOUT_MS);
	int rc = pcap_activate(pc);
	if (rc < 0) {
		*err = capture_activate_err(rc);
		const char *why = rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface"
		                  : *err == CAPERR_PERM ? "permission denied (run as root or "
		                                          "grant CAP_NET_RAW)"
		                                        : pcap_geterr(pc);
		capture_seterr(errbuf, "%s: %s", o->iface, why);
		pcap_close(pc);
		return NULL;
	}
	if (rc > 0) /* a warning: the capture works, but say what is off */
		snprintf(c->warning, sizeof(c->warning), "%s: %s", o->iface,
		         rc == PCAP_WARNING_PROMISC_NOTSUP ? "promiscuous mode not supported"
		                                           : pcap_geterr(pc));
	return pc;
}

static bool capture_set_filter(struct nbt_capture *c, const char *filter, enum capture_err *err,
                               char *errbuf)
{
	bool compiled;
	if (!filter_apply(c->pc, filter, &compiled)) {
		*err = CAPERR_FILTER;
		capture_seterr(errbuf,
		               compiled ? "cannot set filter '%s': %s"
		                        : "bad filter expression '%s': %s",
		               filter, pcap_geterr(c->pc));
		return false;
	}
	snprintf(c->filter, sizeof(c->filter), "%s", filter);
	return true;
}

/* The default filter, in its 802.1Q form where the link type has tags (pcap refuses "vlan"
 * on Linux cooked and raw IP links). */
static bool capture_set_default_filter(struct nbt_capture *c, enum capture_err *err, char *errbuf)
{
	c->netboot = true;
	filter_widen_init(&c->widen);
	c->vlan = c->dlt == DLT_EN10MB;
	if (c->vlan && capture_set_filter(c, filter_default(true), err, errbuf))
		return true;
	c->vlan = false;
	*err = CAPERR_NONE;
	return capture_set_filter(c, filter_default(false), err, errbuf);
}

struct nbt_capture *capture_open(const struct capture_opts *o, enum capture_err *err,
                                 char errbuf[NBT_ERRBUF_SIZE])
{
	*err = CAPERR_NONE;
	errbuf[0] = '\0';
	struct nbt_capture *c = xcalloc(1, sizeof(*c));
	c->live = o->iface != NULL;
	c->pc = c->live ? capture_open_live(o, c, err, errbuf)
	                : capture_open_file(c, o->file ? o->file : "-", err, errbuf);
	if (!c->pc)
		goto fail;
	c->nano = pcap_get_tstamp_precision(c->pc) == PCAP_TSTAMP_PRECISION_NANO;
	c->dlt = pcap_datalink(c->pc);
	if (!link_supported(c->dlt)) {
		char nb[32];
		*err = CAPERR_LINK;
		snprintf(errbuf, NBT_ERRBUF_SIZE,
		         "link type %s (%d) is not supported: netboot-trace reads Ethernet, "
		         "Linux cooked (v1/v2), raw IP and BSD loopback captures",
		         link_name(c->dlt, nb), c->dlt);
		goto fail;
	}
	if (o->filter && *o->filter) {
		if (!capture_set_filter(c, o->filter, err, errbuf))
			goto fail;
	} else if (c->live && o->netboot_filter && !capture_set_default_filter(c, err, errbuf)) {
		goto fail;
	}
	return c;
fail:
	capture_close(c);
	return NULL;
}

const char *capture_warning(const struct nbt_capture *c)
{
	return c->warning[0] ? c->warning : NULL;
}

int capture_link(const struct nbt_capture *c)
{
	return c->dlt;
}

bool capture_wait(const struct nbt_capture *c, int ms)
{
	int fd = capture_fd(c);
	if (fd < 0)
		return true;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) > 0;
}

int capture_fd(const struct nbt_capture *c)
{
	/* Through a decoder, libpcap reads a stdio stream that has no descriptor: wait on the one
	 * below it. */
	return c->dz ? dz_fd(c->dz) : pcap_get_selectable_fd(c->pc);
}

bool capture_is_live(const struct nbt_capture *c)
{
	return c->live;
}

nbt_time capture_time(const struct timeval *tv, bool nano)
{
	const int64_t max_sec = NBT_TIME_MAX / NBT_NS_PER_SEC;
	int64_t sec = (int64_t)tv->tv_sec;
	int64_t sub = (int64_t)tv->tv_usec * (nano ? 1 : 1000);
	if (sec > max_sec)
		return NBT_TIME_MAX;
	if (sec < -max_sec)
		return -NBT_TIME_MAX;
	return nbt_time_clamp(sec * NBT_NS_PER_SEC + sub);
}

int capture_dispatch(struct nbt_capture *c, int budget, capture_frame_fn fn, void *arg,
                     enum capture_err *err, char errbuf[NBT_ERRBUF_SIZE])
{
	*err = CAPERR_NONE;
	int n = 0;
	while (!c->ended && (budget <= 0 || n < budget)) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(c->pc, &h, &data);
		if (rc == 1) {
			savefile_write(c->save, h, data);
			nbt_time ts = capture_time(&h->ts, c->nano);
			fn(arg, ts, data, h->caplen, h->len);
			n++;
			continue;
		}
		if (rc == 0) { /* live: timeout, or non-blocking with nothing ready */
			savefile_flush(c->save);
			return n;
		}
		/* End of input or an error: remembered, and reported once the frames
		 * read so far have been handed over.  A read that a signal interrupted
		 * (a stream on stdin, stopped with Ctrl-C) is a clean stop. */
		c->ended = true;
		if (rc != PCAP_ERROR_BREAK && !c->broken) {
			/* A compressed file cut short or corrupt: the decoder says which. */
			const char *msg =
			    dz_failure(c->dz) ? dz_failure(c->dz) : pcap_geterr(c->pc);
			c->end_err = strstr(msg, "truncated") || dz_failure(c->dz)
			                 ? CAPERR_TRUNCATED
			                 : CAPERR_OTHER;
			snprintf(c->end_msg, sizeof(c->end_msg), "%s", msg);
		}
	}
	savefile_flush(c->save);
	if (n > 0 || !c->ended)
		return n;
	*err = c->end_err;
	snprintf(errbuf, NBT_ERRBUF_SIZE, "%s", c->end_msg);
	return -1;
}

bool capture_drops(struct nbt_capture *c, uint64_t *received, uint64_t *dropped)
{
	struct pcap_stat st;
	if (!c->live || pcap_stats(c->pc, &st) < 0)
		return false;
	*received = st.ps_recv;
	*dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
	return true;
}

bool capture_set_nonblock(struct nbt_capture *c, char errbuf[NBT_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	if (!c->live)
		return true;
	if (pcap_setnonblock(c->pc, 1, pe) < 0) {
		snprintf(errbuf, NBT_ERRBUF_SIZE, "cannot make the capture non-blocking: %s", pe);
		return false;
	}
	return true;
}

void capture_break(struct nbt_capture *c)
{
	c->broken = 1;
	pcap_breakloop(c->pc);
}

const char *capture_filter(const struct nbt_capture *c)
{
	return c->filter[0] ? c->filter : NULL;
}

int capture_widen(struct nbt_capture *c, uint8_t l4proto, uint32_t srv_ip, uint16_t port,
                  char errbuf[NBT_ERRBUF_SIZE])
{
	if (!c->live || !c->netboot || !filter_widen_add(&c->widen, l4proto, srv_ip, port))
		return 0;
	static char expr[FILTER_EXPR_MAX];
	enum capture_err err;
	if (!filter_widen_expr(&c->widen, expr, sizeof(expr), c->vlan) ||
	    !capture_set_filter(c, expr, &err, errbuf)) {
		if (!expr[0])
			snprintf(errbuf, NBT_ERRBUF_SIZE, "widened capture filter too long");
		c->widen.n--; /* keep the filter that works */
		return -1;
	}
	return 1;
}

bool capture_save(struct nbt_capture *c, const char *path, const struct outfile_guard *g,
                  char errbuf[NBT_ERRBUF_SIZE])
{
	if (c->save)
		return true;
	c->save = savefile_open(c->pc, path, g, errbuf, NBT_ERRBUF_SIZE);
	return c->save != NULL;
}

bool capture_save_finish(struct nbt_capture *c, char errbuf[NBT_ERRBUF_SIZE])
{
	bool ok = savefile_close(c->save, errbuf, NBT_ERRBUF_SIZE);
	c->save = NULL;
	return ok;
}

/* The flags tcpdump -D shows, from pcap_if_t.flags. */
static void capture_if_flags(FILE *out, bpf_u_int32 f)
{
	const char *sep = " [";
	static const struct {
		bpf_u_int32 bit;
		const char *name;
	} names[] = {{PCAP_IF_UP, "Up"},
	             {PCAP_IF_RUNNING, "Running"},
	             {PCAP_IF_WIRELESS, "Wireless"},
	             {PCAP_IF_LOOPBACK, "Loopback"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = ", ";
		}
	if (!(f & PCAP_IF_LOOPBACK)) {
		bpf_u_int32 st = f & PCAP_IF_CONNECTION_STATUS;
		const char *s = st == PCAP_IF_CONNECTION_STATUS_CONNECTED        ? "Connected"
		                : st == PCAP_IF_CONNECTION_STATUS_DISCONNECTED   ? "Disconnected"
		                : st == PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE ? NULL
		                                                                 : "Unknown";
		if (s) {
			fprintf(out, "%s%s", sep, s);
			sep = ", ";
		}
	}
	fputs(sep[0] == ',' ? "]" : " [none]", out);
}

int capture_list_interfaces(FILE *out, char errbuf[NBT_ERRBUF_SIZE])
{
	pcap_if_t *all = NULL;
	char pe[PCAP_ERRBUF_SIZE] = "";
	if (pcap_findalldevs(&all, pe) < 0) {
		snprintf(errbuf, NBT_ERRBUF_SIZE, "cannot list interfaces: %s", pe);
		return -1;
	}
	int n = 0;
	for (const pcap_if_t *d = all; d; d = d->next) {
		fprintf(out, "%d.%s", ++n, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		capture_if_flags(out, d->flags);
		fputc('\n', out);
	}
	pcap_freealldevs(all);
	if (n == 0)
		snprintf(errbuf, NBT_ERRBUF_SIZE,
		         "no interfaces to capture on (need root or "
		         "CAP_NET_RAW?)");
	return n;
}

void capture_close(struct nbt_capture *c)
{
	if (!c)
		return;
	char ignored[NBT_ERRBUF_SIZE];
	capture_save_finish(c, ignored);
	if (c->pc)
		pcap_close(c->pc);
	free(c);
}

bool capture_count_reached(long count, long seen)
{
	return count && seen >= count;
}

int capture_read_batch(struct nbt_capture *c, int budget, long count, long seen,
                       capture_frame_fn fn, void *arg, enum capture_err *err,
                       char errbuf[NBT_ERRBUF_SIZE])
{
	if (capture_count_reached(count, seen))
		return -1;
	if (count && count - seen < budget)
		budget = (int)(count - seen);
	return capture_dispatch(c, budget, fn, arg, err, errbuf);
}
