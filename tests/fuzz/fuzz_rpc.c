/* summary: libFuzzer target: the ONC RPC dissector (RFC 5531; portmap, MOUNT, NFSv2/3/4) over UDP
 * datagrams and TCP records. */
#include <netinet/in.h>

#include "fuzz_common.h"
#include "nbt/rpc.h"
#include "nbt/tcpreasm.h"

/* The pipeline owns one of these; here the streams share this one. */
static struct nbt_budget budget = NBT_BUDGET_DEFAULT;

/*
 * Input: [mode][chunk (FZ_SEP chunk)...].  Chunks alternate client -> server
 * (calls) and server -> client (replies) on one flow, so xid matching and the
 * per-flow call table run.  mode bit 0 clear: each chunk is one UDP datagram.
 * Bit 0 set: each chunk is a TCP segment of its direction's byte stream
 * (RFC 5531 s11 record marks included), reassembled by tcpreasm; every
 * record is then dissected.  Bits 1-2 pick the server port (111, 2049, 635,
 * 20048).
 */
struct fz_rpc {
	struct pipeline *p;
	struct nbt_pkt tmpl[2]; /* [0] call direction, [1] reply direction */
	bool from_srv;
};

static void fz_rpc_dissect(struct fz_rpc *r, const uint8_t *b, size_t len)
{
	struct nbt_pkt pkt = r->tmpl[r->from_srv];
	pkt.caplen = pkt.wirelen = (uint32_t)len;
	pipeline_dissect(r->p, &dis_rpc, &pkt, b, len);
}

static void fz_rpc_record(void *arg, struct cur *record)
{
	struct fz_rpc *r = arg;
	/* Only the captured prefix can be handed on; copy it so ASan bounds it exactly. */
	size_t n = cur_left(record);
	uint8_t *b = fz_dup(record->p + record->off, n);
	fz_rpc_dissect(r, b, n);
	free(b);
}

static void fz_rpc_tmpl(struct fz_rpc *r, uint8_t l4, uint16_t srv_port)
{
	uint32_t cli = fz_ip(10, 0, 0, 2), srv = fz_ip(10, 0, 0, 1);
	r->tmpl[0] = fz_pkt(l4, cli, 800, srv, srv_port, NBT_NS_PER_SEC, 0);
	r->tmpl[1] = fz_pkt(l4, srv, srv_port, cli, 800, NBT_NS_PER_SEC, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[4] = {111, 2049, 635, 20048};
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	bool tcp = mode & 1;
	struct fz_chunk ch[FZ_MAX_CHUNKS];
	size_t n = fz_split(data + 1, size - 1, ch);
	struct fz_rpc r = {.p = fz_pipeline()};
	fz_rpc_tmpl(&r, tcp ? IPPROTO_TCP : IPPROTO_UDP, ports[(mode >> 1) & 3]);
	struct nbt_stats st = {0};
	struct tcp_stream *s[2] = {NULL, NULL};
	uint32_t seq[2] = {1000, 50000};
	for (size_t i = 0; i < n; i++) {
		r.from_srv = i & 1;
		r.tmpl[0].ts = r.tmpl[1].ts = NBT_NS_PER_SEC + (nbt_time)i * NBT_NS_PER_MS;
		if (!tcp) {
			fz_rpc_dissect(&r, ch[i].p, ch[i].len);
			continue;
		}
		int d = r.from_srv;
		bool syn = !s[d];
		if (!s[d])
			s[d] = tcpreasm_new(&st, &budget);
		struct cur seg;
		cur_init(&seg, ch[i].p, ch[i].len, ch[i].len);
		tcpreasm_add(s[d], seq[d], syn, seg, fz_rpc_record, &r);
		seq[d] += (uint32_t)ch[i].len + (syn ? 1 : 0);
	}
	tcpreasm_free(s[0]);
	tcpreasm_free(s[1]);
	pipeline_free(r.p);
	fz_chunks_free(ch, n);
	return 0;
}
