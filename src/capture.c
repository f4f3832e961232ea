/* summary: libpcap capture sources: create/set/activate for live, nanosecond offline reads, stdin.
 */
#include "nbt/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbt/decode.h"
#include "nbt/xalloc.h"

#define CAPTURE_BUFFER_DEFAULT (8 << 20)

struct nbt_capture {
	pcap_t *pc;
	bool live;
	bool nano; /* timestamps in nanoseconds */
	int dlt;
	char warning[PCAP_ERRBUF_SIZE];
	bool ended; /* end of input seen; end_err says how */
	enum capture_err end_err;
	char end_msg[PCAP_ERRBUF_SIZE];
};

static void capture_seterr(char errbuf[NBT_ERRBUF_SIZE], const char *fmt, const char *a,
                           const char *b)
{
	snprintf(errbuf, NBT_ERRBUF_SIZE, fmt, a, b);
}

static pcap_t *capture_open_file(const char *path, enum capture_err *err, char *errbuf)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		*err = errno == ENOENT   ? CAPERR_NO_FILE
		       : errno == EACCES ? CAPERR_PERM
		                         : CAPERR_OTHER;
		capture_seterr(errbuf, "%s: %s", path, strerror(errno));
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
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!pc) {
		*err = strstr(pe, "truncated") ? CAPERR_TRUNCATED : CAPERR_NOT_CAPTURE;
		capture_seterr(errbuf, "%s: not a pcap or pcapng capture (%s)", path, pe);
		if (fp != stdin)
			fclose(fp);
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
	struct bpf_program prog;
	if (pcap_compile(c->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		*err = CAPERR_FILTER;
		capture_seterr(errbuf, "bad filter expression '%s': %s", filter,
		               pcap_geterr(c->pc));
		return false;
	}
	int rc = pcap_setfilter(c->pc, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		*err = CAPERR_FILTER;
		capture_seterr(errbuf, "cannot set filter '%s': %s", filter, pcap_geterr(c->pc));
		return false;
	}
	return true;
}

struct nbt_capture *capture_open(const struct capture_opts *o, enum capture_err *err,
                                 char errbuf[NBT_ERRBUF_SIZE])
{
	*err = CAPERR_NONE;
	errbuf[0] = '\0';
	struct nbt_capture *c = xcalloc(1, sizeof(*c));
	c->live = o->iface != NULL;
	c->pc = c->live ? capture_open_live(o, c, err, errbuf)
	                : capture_open_file(o->file ? o->file : "-", err, errbuf);
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
	if (o->filter && *o->filter && !capture_set_filter(c, o->filter, err, errbuf))
		goto fail;
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

int capture_fd(const struct nbt_capture *c)
{
	return pcap_get_selectable_fd(c->pc);
}

bool capture_is_live(const struct nbt_capture *c)
{
	return c->live;
}

/* pcapng's 64-bit timestamps can name any second: out-of-range times are pinned
 * (see nbt_time_clamp) instead of overflowing. */
static nbt_time capture_time(const struct timeval *tv, bool nano)
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
			nbt_time ts = capture_time(&h->ts, c->nano);
			fn(arg, ts, data, h->caplen, h->len);
			n++;
			continue;
		}
		if (rc == 0) /* live: timeout, or non-blocking with nothing ready */
			return n;
		/* End of input or an error: remembered, and reported once the frames
		 * read so far have been handed over. */
		c->ended = true;
		if (rc != PCAP_ERROR_BREAK) {
			const char *msg = pcap_geterr(c->pc);
			c->end_err = strstr(msg, "truncated") ? CAPERR_TRUNCATED : CAPERR_OTHER;
			snprintf(c->end_msg, sizeof(c->end_msg), "%s", msg);
		}
	}
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

void capture_break(struct nbt_capture *c)
{
	pcap_breakloop(c->pc);
}

void capture_close(struct nbt_capture *c)
{
	if (!c)
		return;
	if (c->pc)
		pcap_close(c->pc);
	free(c);
}
