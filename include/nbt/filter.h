/* summary: the default capture filter (pcap-filter(7)) for netboot traffic and its widening to
 * RPC ports learned from portmap GETPORT (RFC 1833). */
#ifndef NBT_FILTER_H
#define NBT_FILTER_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FILTER_WIDEN_MAX 16   /* learned ports kept; later ones are counted, not added */
#define FILTER_EXPR_MAX  8192 /* room for the default filter plus every learned port */

/*
 * The default capture filter: narrow enough for a busy LAN bridge, complete for a network
 * boot (ARP; DHCP 67/68/4011; TFTP on 69 and, by opcode and lengths, on the server's
 * ephemeral ports; portmap 111; NFS 2049; ONC RPC calls to portmap/MOUNT/NFS and RPC replies
 * on any port, so a mountd port needs no state; IP fragments; ICMP unreachable).  With
 * `vlan` the same terms are repeated for 802.1Q-tagged frames: only for link types where pcap
 * knows "vlan" (Ethernet); `-i any` and raw IP need vlan = false.  The tagged text is what
 * --print-filter prints, for tcpdump on a router's bridge.
 */
const char *filter_default(bool vlan);

/* The one compile-and-set of a filter on a pcap handle: the compiled program is freed on every
 * path.  False when it fails; *compiled says at which step (pcap_geterr(pc) says why). */
bool filter_apply(pcap_t *pc, const char *expr, bool *compiled);

struct filter_port {
	uint8_t l4proto; /* 6 TCP, 17 UDP */
	uint32_t srv_ip; /* 0: any host */
	uint16_t port;
};

/* The default filter plus the server ports learned while capturing. */
struct filter_widen {
	struct filter_port ports[FILTER_WIDEN_MAX];
	size_t n;
	uint64_t refused; /* ports not added because the table was full */
};

void filter_widen_init(struct filter_widen *w);
/* Adds a server port; true when the filter changed (new, and not already in the default). */
bool filter_widen_add(struct filter_widen *w, uint8_t l4proto, uint32_t srv_ip, uint16_t port);
/* Writes the default filter widened by the learned ports (w may be NULL); false if it does
 * not fit in size bytes. */
bool filter_widen_expr(const struct filter_widen *w, char *buf, size_t size, bool vlan);

#endif
