/* summary: libFuzzer target: the DHCP/BOOTP dissector (RFC 2131/2132) on its own via
 * pipeline_dissect. */
#include <netinet/in.h>

#include "fuzz_common.h"
#include "nbt/dhcp.h"

/*
 * Input: [mode][datagram (FZ_SEP datagram)...].  The mode byte picks the
 * direction (client 68 -> server 67, server -> client, PXE 4011, relay 67 -> 67);
 * every datagram then goes through the dissector in one pipeline, so the
 * dump of every event and any per-pipeline state are exercised too.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[4][2] = {{68, 67}, {67, 68}, {68, 4011}, {67, 67}};
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	struct fz_chunk ch[FZ_MAX_CHUNKS];
	size_t n = fz_split(data + 1, size - 1, ch);
	struct pipeline *p = fz_pipeline();
	for (size_t i = 0; i < n; i++) {
		bool reply = (mode & 4) && (i & 1);
		const uint16_t *pp = ports[mode & 3];
		struct nbt_pkt pkt =
		    fz_pkt(IPPROTO_UDP, reply ? fz_ip(10, 0, 0, 1) : 0, reply ? pp[1] : pp[0],
		           fz_ip(255, 255, 255, 255), reply ? pp[0] : pp[1],
		           (nbt_time)(i + 1) * NBT_NS_PER_SEC, ch[i].len);
		pkt.src_mac[5] = reply ? 1 : 2; /* the client's MAC, though it has no address yet */
		memset(pkt.dst_mac, 0xff, sizeof pkt.dst_mac);
		pipeline_dissect(p, &dis_dhcp, &pkt, ch[i].p, ch[i].len);
	}
	pipeline_free(p);
	fz_chunks_free(ch, n);
	return 0;
}
