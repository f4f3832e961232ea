/* summary: libFuzzer target: the TFTP dissector (RFC 1350/2347-2349/7440), single packets and whole
 * sessions. */
#include <netinet/in.h>

#include "fuzz_common.h"
#include "nbt/tftp.h"

/*
 * Input: [mode][datagram (FZ_SEP datagram)...].
 * mode bit 0 clear: each datagram alone, client -> server port 69.
 * mode bit 0 set: a session: the first datagram goes client:2000 -> server:69
 * (a request that seeds the expectation), then datagrams alternate
 * server:TID -> client:2000 and client:2000 -> server:TID, so the
 * expectation, the per-flow session state and block tracking all run.
 * Bit 1: every fifth server datagram comes from a stray TID, every seventh from another
 * address than the request went to (a multi-homed server).
 * Bits 2-3: time between datagrams (10 ms, 1 s, 30 s, 200 s: past the
 * expectation's lifetime).  Bits 4-7 vary the server's TID.
 */
static const nbt_time fz_steps[4] = {10 * NBT_NS_PER_MS, NBT_NS_PER_SEC, 30 * NBT_NS_PER_SEC,
                                     200 * NBT_NS_PER_SEC};

static void fz_tftp_one(struct pipeline *p, const struct fz_chunk *c, nbt_time ts, bool from_srv,
                        uint32_t srv, uint16_t srv_port)
{
	uint32_t cli = fz_ip(10, 0, 0, 2);
	struct nbt_pkt pkt = from_srv ? fz_pkt(IPPROTO_UDP, srv, srv_port, cli, 2000, ts, c->len)
	                              : fz_pkt(IPPROTO_UDP, cli, 2000, srv, srv_port, ts, c->len);
	pipeline_dissect(p, &dis_tftp, &pkt, c->p, c->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	struct fz_chunk ch[FZ_MAX_CHUNKS];
	size_t n = fz_split(data + 1, size - 1, ch);
	struct pipeline *p = fz_pipeline();
	nbt_time step = fz_steps[(mode >> 2) & 3];
	uint16_t tid = (uint16_t)(3000 + (mode >> 4));
	for (size_t i = 0; i < n; i++) {
		nbt_time ts = NBT_NS_PER_SEC + (nbt_time)i * step;
		if (!(mode & 1) || i == 0) {
			fz_tftp_one(p, &ch[i], ts, false, fz_ip(10, 0, 0, 1), 69);
			continue;
		}
		bool from_srv = i & 1;
		uint16_t port = tid;
		uint32_t srv = fz_ip(10, 0, 0, 1);
		if (from_srv && (mode & 2) && i % 5 == 3)
			port = (uint16_t)(tid + 1);
		if (from_srv && (mode & 2) && i % 7 == 5)
			srv = fz_ip(10, 0, 0, 3);
		fz_tftp_one(p, &ch[i], ts, from_srv, srv, port);
	}
	pipeline_free(p);
	fz_chunks_free(ch, n);
	return 0;
}
