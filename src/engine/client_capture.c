/* summary: capture-wide facts from events (PI-NETBOOT.md s6): anomalies by kind, senders of
 * bad checksums and whether their peers still answered them (checksum offload). */
#include <netinet/in.h>

#include "client_priv.h"

/* A packet with a bad checksum: counted per sender in a bounded table. */
static void client_capture_bad_checksum(struct client_capture *cap, const struct nbt_event *ev)
{
	cap->bad_checksums++;
	struct client_cksum_host *h = NULL;
	for (uint32_t i = 0; i < cap->ncksum && !h; i++)
		if (cap->cksum[i].ip == ev->src_ip)
			h = &cap->cksum[i];
	if (!h && cap->ncksum < CLIENT_CKSUM_HOSTS) {
		h = &cap->cksum[cap->ncksum++];
		h->ip = ev->src_ip;
		client_mark_set(&h->first, ev);
	}
	if (!h) {
		cap->cksum_untracked++;
		return;
	}
	if (h->last_bad != ev->frame)
		h->bad++;
	h->last_bad = ev->frame;
}

/* Other packets of (or answers to) the senders of bad checksums.  The checksum anomaly of a
 * frame comes before the frame's other events, so a UDP frame not marked bad was a good one
 * (TCP checksums are not verified: those frames tell nothing). */
void client_capture_track_cksum(struct client_capture *cap, const struct nbt_event *ev)
{
	for (uint32_t i = 0; i < cap->ncksum; i++) {
		struct client_cksum_host *h = &cap->cksum[i];
		if (ev->src_ip == h->ip) {
			if (ev->l4proto != IPPROTO_UDP || ev->frame == h->last_bad ||
			    ev->frame == h->last_good)
				continue;
			h->good++;
			h->last_good = ev->frame;
		} else if (ev->dst_ip == h->ip) {
			h->answered++;
		}
	}
}

void client_capture_on_anomaly(struct client_table *t, const struct nbt_event *ev)
{
	switch (ev->u.anomaly.kind) {
	case ANOM_CHECKSUM:
		client_capture_bad_checksum(&t->cap, ev);
		break;
	case ANOM_OVERSIZE:
		if (!t->cap.oversize++)
			client_mark_set(&t->cap.first_oversize, ev);
		break;
	case ANOM_TRUNCATED:
		if (!t->cap.truncated++)
			client_mark_set(&t->cap.first_truncated, ev);
		break;
	case ANOM_INVALID:
		t->cap.invalid++;
		break;
	case ANOM_TIME_BACKWARDS:
		if (!t->cap.backwards++)
			client_mark_set(&t->cap.first_backwards, ev);
		break;
	default:
		t->cap.other_anomalies++;
		break;
	}
}
