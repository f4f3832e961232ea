/* summary: libFuzzer target: each ONC RPC program decoder on its own (portmap RFC 1833, MOUNT and
 * NFSv3 RFC 1813, NFSv4 RFC 7530/8881), a call's arguments then its reply's results. */
#include <netinet/in.h>

#include "fuzz_common.h"
#include "rpc_prog.h"

/*
 * Input: [sel][vers][proc][call body (FZ_SEP reply body)].  sel % 3 picks the program
 * (portmap 100000, MOUNT 100005, NFS 100003: vers 2/3 go to the NFSv3 decoder, 4 to NFSv4);
 * sel bit 7: there is no call, the first body is a reply decoded against an empty saved
 * context.  The
 * bodies are what follows the RPC header (RFC 5531 s9), so the fuzzer spends no time on
 * record marks, credentials or xid matching (fuzz_rpc covers those); the call's saved
 * context (portmap query, MOUNT path) reaches the reply as it does in rpc.c.
 */
static const uint32_t fz_progs[3] = {100000, 100005, 100003};

struct fz_rpcprog {
	const struct rpc_program *prog;
	uint32_t vers, proc;
	bool reply;
	struct rpc_saved saved;
};
static struct fz_rpcprog fz;

static enum dis_status fz_dissect(struct cur *c, const struct nbt_pkt *pkt, struct dis_ctx *ctx)
{
	struct nbt_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_RPC;
	struct ev_rpc *r = &ev.u.rpc;
	r->is_reply = fz.reply;
	r->matched = fz.reply;
	r->transport = IPPROTO_UDP;
	r->prog = fz.prog->prog;
	r->vers = fz.vers;
	r->proc = fz.proc;
	r->proc_name = fz.prog->proc_name(fz.vers, fz.proc);
	struct rpc_body b = {.ev = r, .saved = &fz.saved, .ctx = ctx, .pkt = pkt};
	if (fz.reply)
		fz.prog->reply(c, &b);
	else
		fz.prog->call(c, &b);
	if (!cur_ok(c)) {
		r->body_bad = true;
		r->body_trunc = c->err == CUR_TRUNC;
	}
	dis_emit(ctx, &ev);
	return cur_ok(c) ? DIS_OK : dis_cursor_fail(ctx, c, "rpc");
}

static const struct dissector fz_dis = {
    .name = "rpc",
    .l4proto = IPPROTO_UDP,
    .dissect = fz_dissect,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	memset(&fz, 0, sizeof fz);
	fz.prog = rpc_program_find(fz_progs[data[0] % 3]);
	if (!fz.prog)
		abort(); /* the table of rpc.c lost a program */
	bool skip_call = data[0] & 0x80;
	fz.vers = data[1];
	fz.proc = data[2];
	struct fz_chunk ch[FZ_MAX_CHUNKS];
	size_t n = fz_split(data + 3, size - 3, ch);
	struct pipeline *p = fz_pipeline();
	uint32_t cli = fz_ip(10, 0, 0, 2), srv = fz_ip(10, 0, 0, 1);
	for (size_t i = 0; i < n && i < (skip_call ? 1u : 2u); i++) {
		fz.reply = skip_call || i == 1;
		nbt_time ts = (nbt_time)(i + 1) * NBT_NS_PER_SEC;
		struct nbt_pkt pkt = fz.reply
		                         ? fz_pkt(IPPROTO_UDP, srv, 2049, cli, 800, ts, ch[i].len)
		                         : fz_pkt(IPPROTO_UDP, cli, 800, srv, 2049, ts, ch[i].len);
		pipeline_dissect(p, &fz_dis, &pkt, ch[i].p, ch[i].len);
	}
	pipeline_free(p);
	fz_chunks_free(ch, n);
	return 0;
}
