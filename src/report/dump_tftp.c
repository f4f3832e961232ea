/* summary: --dump fields of TFTP (RFC 1350, 2347-2349, 7440) events. */
#include "nbt/dump.h"

#include <string.h>

static const char *const dump_tftp_dirs[] = {"?", "client", "server"};

/* Options as on the wire, "name=value,name=value", one quoted field. */
static void dump_tftp_opts(FILE *out, const struct ev_tftp *t)
{
	char buf[TFTP_OPTS_MAX * (TFTP_OPTNAME_MAX + TFTP_OPTVAL_MAX + 2) + 8];
	size_t n = 0;
	for (unsigned i = 0; i < t->nopts && i < TFTP_OPTS_MAX; i++) {
		int w = snprintf(buf + n, sizeof buf - n, "%s%s=%s", i ? "," : "", t->opt[i].name,
		                 t->opt[i].value);
		if (w < 0 || (size_t)w >= sizeof buf - n)
			break;
		n += (size_t)w;
	}
	if (t->opts_cut && n + 4 < sizeof buf) {
		memcpy(buf + n, ",...", 4);
		n += 4;
	}
	dump_str(out, "opts", buf, n);
}

void dump_tftp(FILE *out, const struct nbt_event *ev)
{
	const struct ev_tftp *t = &ev->u.tftp;
	fprintf(out, " op=%s", tftp_opcode_name(t->opcode));
	dump_uint(out, "sport", ev->sport);
	dump_uint(out, "dport", ev->dport);
	dump_uint(out, "session", t->session);
	fprintf(out, " dir=%s", t->dir < 3 ? dump_tftp_dirs[t->dir] : "?");
	dump_cstr(out, "file", t->file);
	if (t->file_cut)
		fputs(" file_cut=1", out);
	dump_cstr(out, "mode", t->mode);
	if (t->opcode == TFTP_OP_DATA || t->opcode == TFTP_OP_ACK) {
		dump_uint(out, "block", t->block);
		dump_uint(out, "seq", t->block_seq);
	}
	if (t->opcode == TFTP_OP_DATA)
		dump_uint(out, "len", t->data_len);
	if (t->retransmit)
		fputs(" retransmit=1", out);
	if (t->nopts)
		dump_tftp_opts(out, t);
	if (t->opcode == TFTP_OP_ERROR) {
		dump_uint(out, "error", t->err_code);
		dump_cstr(out, "msg", t->err_msg);
		if (t->early_terminate)
			fputs(" early_terminate=1", out);
	}
	if (t->malformed)
		fputs(" malformed=1", out);
	if (t->truncated)
		fputs(" truncated=1", out);
	dump_uint(out, "bytes", t->bytes);
	dump_uint(out, "blksize", t->blksize);
	if (t->blksize_guessed)
		fputs(" blksize_guessed=1", out);
	if (t->has_tsize)
		dump_uint(out, "tsize", t->tsize);
	if (t->data_retrans || t->dup_acks) {
		dump_uint(out, "data_retrans", t->data_retrans);
		dump_uint(out, "dup_acks", t->dup_acks);
	}
	if (t->finished)
		fputs(" finished=1", out);
}
