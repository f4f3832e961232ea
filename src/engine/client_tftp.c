/* summary: TFTP client logic (RFC 1350, RFC 2347-2349): the files of an attempt, RRQs, DATA,
 * ERRORs and tsize probes, replies from another address; the Pi's folders through pi.c. */
#include <inttypes.h>
#include <string.h>

#include "client_priv.h"
#include "nbt/fmt.h"
#include "pi.h"

/* The attempt's record of a file name (retries, probes and transfers merged); NULL when the
 * attempt has no room for another name. */
static uint32_t client_tftp_name_hash(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static struct client_file *client_tftp_file(struct client_attempt *a, const char *name)
{
	uint32_t h = client_tftp_name_hash(name);
	uint64_t *word = &a->file_bloom[(h >> 6) & 3], bit = 1ull << (h & 63);
	if (*word & bit)
		for (uint32_t i = 0; i < a->nfiles; i++)
			if (a->file_hash[i] == h && strcmp(a->files[i].name, name) == 0)
				return &a->files[i];
	if (a->nfiles == CLIENT_FILES_MAX) {
		a->files_dropped++;
		return NULL;
	}
	*word |= bit;
	a->file_hash[a->nfiles] = h;
	struct client_file *f = &a->files[a->nfiles++];
	client_copy(f->name, sizeof(f->name), name);
	f->stage = pi_file_stage(name);
	return f;
}

/* The client sends RRQs and ACKs (RFC 1350 s4), so a packet of a session not seen from its
 * start is told by its opcode. */
static bool client_tftp_from_client(const struct ev_tftp *p)
{
	return p->dir == TFTP_DIR_CLIENT ||
	       (p->dir == TFTP_DIR_UNKNOWN &&
	        (p->opcode == TFTP_OP_RRQ || p->opcode == TFTP_OP_ACK));
}

/* The client's end of a TFTP packet: the RRQ sender. */
static struct client *client_tftp_client(struct client_table *t, const struct nbt_event *ev,
                                         bool from_client)
{
	uint32_t ip = from_client ? ev->src_ip : ev->dst_ip;
	struct client *c = client_find_by_ip(t, ip);
	if (c)
		return c;
	if (ev->has_mac) {
		const uint8_t *mac = from_client ? ev->src_mac : ev->dst_mac;
		if ((c = client_find_by_mac(t, mac)) == NULL)
			c = client_add(t, mac, ip);
		if (c)
			client_bind(t, ip, mac);
		return c;
	}
	return client_add(t, NULL, ip);
}

static void client_tftp_rrq(struct client_table *t, struct client *c, struct client_attempt *a,
                            struct client_file *f, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (!f->rrqs)
		client_mark_set(&f->first_rrq, ev);
	client_mark_set(&f->last_rrq, ev);
	f->rrqs++;
	f->server = ev->dst_ip;
	if (f->state != CLIENT_FILE_XFER)
		f->state = CLIENT_FILE_REQUESTED;
	if (p->opts.have & TFTP_HAVE_BLKSIZE)
		f->blksize = p->opts.blksize;
	a->fw_progress = true;
	pi_learn_prefix(t, c, p->file);
	pi_model_from_file(c, p->file);
	client_log(t, a, f->stage, ev, "RRQ %s to %s%s%s", p->file, fmt_ipv4(ev->dst_ip).s,
	           (p->opts.have & TFTP_HAVE_TSIZE) ? " tsize" : "", f->rrqs > 1 ? " (again)" : "");
}

static void client_tftp_error(struct client_table *t, struct client_attempt *a,
                              struct client_file *f, const struct nbt_event *ev, bool from_client)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (p->early_terminate) {
		/* A tsize probe ended by the client (PI-NETBOOT.md s3): not a failure. */
		f->state = CLIENT_FILE_PROBED;
		f->probes++;
		client_log(t, a, f->stage, ev, "tsize probe of %s ended (%" PRIu64 " bytes)",
		           f->name, f->tsize);
		return;
	}
	f->state = CLIENT_FILE_ERROR;
	f->err_code = p->err_code;
	f->err_by_client = from_client;
	client_copy(f->err_msg, sizeof(f->err_msg), p->err_msg);
	client_mark_set(&f->error, ev);
	client_log(t, a, f->stage, ev, "ERROR %u for %s from the %s: \"%s\"", p->err_code, f->name,
	           from_client ? "client" : "server", f->err_msg);
}

static void client_tftp_data(struct client_table *t, struct client_attempt *a,
                             struct client_file *f, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	if (p->retransmit)
		f->retrans++;
	if (f->ack_ahead.frame && p->block_seq < f->ahead_block)
		f->ahead_repeats++;
	f->data_sends = f->data_sends && p->block_seq == f->last_block ? f->data_sends + 1 : 1;
	client_mark_set(&f->last_data, ev);
	f->last_block = p->block_seq;
	f->bytes = p->bytes;
	if (f->state == CLIENT_FILE_DONE && !p->finished)
		f->state = CLIENT_FILE_XFER; /* fetched again */
	if (f->state == CLIENT_FILE_DONE)
		return;
	f->state = CLIENT_FILE_XFER;
	/* A DATA shorter than the block size ends the transfer (RFC 1350 s6). */
	if (p->finished) {
		f->state = CLIENT_FILE_DONE;
		client_mark_set(&f->done, ev);
		client_log(t, a, f->stage, ev, "got %s (%" PRIu64 " bytes, %u blocks)", f->name,
		           f->bytes, (unsigned)f->last_block);
	}
}

/* The server's OACK, and the same OACK again before the client's ACK 0 (RFC 2347 s3: the client
 * answers it with ACK 0; the server repeats it when that is late): raspberrypi/firmware#1041. */
static void client_tftp_oack(struct client_table *t, struct client_attempt *a,
                             struct client_file *f, const struct nbt_event *ev)
{
	if (!ev->u.tftp.retransmit) {
		client_mark_set(&f->oack_last, ev);
		return;
	}
	if (!f->oack_repeats++) {
		f->oack_first = f->oack_last;
		client_mark_set(&f->oack_again, ev);
		client_log(t, a, f->stage, ev, "OACK for %s sent again", f->name);
	}
}

/* Replies that come from another address than the one the RRQ went to, and whether the client
 * took them (sent its ACK or ERROR there): a multi-homed server answering from the wrong
 * address is ignored by the client (PI-NETBOOT.md s3). */
static void client_tftp_source(struct client_table *t, struct client_attempt *a,
                               struct client_file *f, const struct nbt_event *ev, bool from_client)
{
	if (from_client) {
		if (f->other_src && ev->dst_ip == f->other_src && ev->u.tftp.opcode != TFTP_OP_RRQ)
			f->other_answered = true;
		return;
	}
	if (!f->server || ev->src_ip == f->server)
		return;
	if (!f->other_pkts) {
		f->other_src = ev->src_ip;
		client_mark_set(&f->other_first, ev);
		client_log(t, a, f->stage, ev, "reply for %s from %s, not %s where the RRQ went",
		           f->name, fmt_ipv4(ev->src_ip).s, fmt_ipv4(f->server).s);
	}
	f->other_pkts++;
}

void client_tftp_on_event(struct client_table *t, const struct nbt_event *ev)
{
	const struct ev_tftp *p = &ev->u.tftp;
	bool from_client = client_tftp_from_client(p);
	struct client *c = client_tftp_client(t, ev, from_client);
	struct client_attempt *a = client_note_boot_event(t, c);
	if (!a)
		return;
	struct client_file *f = p->file[0] ? client_tftp_file(a, p->file) : NULL;
	enum client_stage st = f ? f->stage : CLIENT_ST_TFTP_FW;
	client_touch(a, st, ev);
	if (from_client) {
		t->cap.from_clients++;
		client_link_check_dst(t, a, ev, p->opcode == TFTP_OP_RRQ ? "RRQ" : "TFTP packet");
		if (p->opcode == TFTP_OP_ACK)
			a->tftp_client_acks++;
	} else {
		t->cap.towards_clients++;
		a->tftp_server_pkts++;
	}
	if (!f)
		return;
	client_tftp_source(t, a, f, ev, from_client);
	client_mark_set(&f->last_pkt, ev);
	uint8_t dir = from_client ? TFTP_DIR_CLIENT : TFTP_DIR_SERVER;
	bool again = f->last_dir == dir && f->last_op == p->opcode && f->last_seq == p->block_seq;
	f->tail_sends = again ? f->tail_sends + 1 : 1;
	if (!again)
		f->tail_first = f->last_pkt;
	f->last_op = p->opcode;
	f->last_seq = p->block_seq;
	f->last_dir = dir;
	f->order = ++a->seq;
	if (!from_client)
		f->server_pkts++;
	if (p->has_tsize) {
		f->has_tsize = true;
		f->tsize = p->tsize;
	}
	if (p->blksize && !p->blksize_guessed)
		f->blksize = p->blksize;
	if (p->dup_acks > f->dup_acks)
		f->dup_acks = p->dup_acks;
	switch (p->opcode) {
	case TFTP_OP_RRQ:
		client_tftp_rrq(t, c, a, f, ev);
		break;
	case TFTP_OP_DATA:
		client_tftp_data(t, a, f, ev);
		break;
	case TFTP_OP_ERROR:
		client_tftp_error(t, a, f, ev, from_client);
		break;
	case TFTP_OP_ACK:
		if (from_client && p->block_seq > f->last_acked)
			f->last_acked = p->block_seq;
		if (from_client && p->ack_ahead && !f->ack_ahead.frame) {
			client_mark_set(&f->ack_ahead, ev);
			f->ahead_block = p->block_seq;
			client_log(t, a, f->stage, ev, "ACK of block %" PRIu64 " of %s, never sent",
			           p->block_seq, f->name);
		}
		break;
	case TFTP_OP_OACK:
		client_tftp_oack(t, a, f, ev);
		break;
	default:
		break;
	}
}

bool client_attempt_served(const struct client_attempt *a)
{
	for (uint32_t i = 0; i < a->nfiles; i++)
		if (a->files[i].state == CLIENT_FILE_DONE)
			return true;
	return false;
}
