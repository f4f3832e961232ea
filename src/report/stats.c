/* summary: --stats: frame and protocol counters (counted as tshark counts them, so the two can be
 * compared line by line) and each anomaly that occurred. */
#include "nbt/stats_out.h"

#include <inttypes.h>

void stats_print(FILE *out, const struct nbt_stats *s)
{
	fprintf(out,
	        "frames %" PRIu64 "\nbytes %" PRIu64 "\narp %" PRIu64 "\nipv4 %" PRIu64
	        "\nipv6 %" PRIu64 "\nother %" PRIu64 "\nip-fragments %" PRIu64
	        "\nip-reassembled %" PRIu64 "\nudp %" PRIu64 "\ntcp %" PRIu64 "\nicmp %" PRIu64
	        "\ndissected %" PRIu64 "\nevents %" PRIu64 "\nipv6-boot %" PRIu64 "\n",
	        s->frames, s->bytes, s->arp, s->ipv4, s->ipv6, s->other_l3, s->ip_frags,
	        s->ip_reassembled, s->udp, s->tcp, s->icmp, s->dissected, s->events, s->ipv6_boot);
	for (int a = 0; a < ANOM__COUNT; a++)
		if (s->anomalies[a])
			fprintf(out, "anomaly %s %" PRIu64 "\n", anomaly_name((enum nbt_anomaly)a),
			        s->anomalies[a]);
}
