/* summary: unit tests of the TFTP dissector (RFC 1350, 2347-2349, 7440) on hand-built payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/pipeline.h"
#include "nbt/tftp.h"

#define CLI_IP   0x0a000002u /* 10.0.0.2 */
#define SRV_IP   0x0a000001u /* 10.0.0.1 */
#define CLI_PORT 2000
#define SRV_TID  40000
#define MAX_EVS  16

struct sink {
	struct nbt_event ev[MAX_EVS];
	size_t n;
};

struct fixture {
	struct pipeline *p;
	struct sink sink;
	nbt_time now;
};

static void collect(void *arg, const struct nbt_event *ev)
{
	struct sink *s = arg;
	if (s->n < MAX_EVS)
		s->ev[s->n++] = *ev;
}

static int setup(void **state)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof fx);
	fx.p = pipeline_new(NULL, collect, &fx.sink);
	fx.now = 1000 * NBT_NS_PER_SEC;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	pipeline_free(fx->p);
	return 0;
}

/* Runs one UDP payload from (sip, sport) to (dip, dport); the collected events restart. */
static enum dis_status run(struct fixture *fx, uint32_t sip, uint16_t sport, uint32_t dip,
                           uint16_t dport, const void *payload, size_t len)
{
	struct nbt_pkt pkt = {.ts = fx->now,
	                      .src_ip = sip,
	                      .dst_ip = dip,
	                      .sport = sport,
	                      .dport = dport,
	                      .l4proto = 17};
	fx->now += NBT_NS_PER_MS;
	fx->sink.n = 0;
	return pipeline_dissect(fx->p, &dis_tftp, &pkt, payload, len);
}

static enum dis_status from_client(struct fixture *fx, uint16_t dport, const void *b, size_t n)
{
	return run(fx, CLI_IP, CLI_PORT, SRV_IP, dport, b, n);
}

static enum dis_status from_server(struct fixture *fx, const void *b, size_t n)
{
	return run(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, b, n);
}

/* The single EV_TFTP event of the last run (fails the test if there is none or several). */
static const struct ev_tftp *tftp_ev(struct fixture *fx)
{
	const struct ev_tftp *t = NULL;
	for (size_t i = 0; i < fx->sink.n; i++)
		if (fx->sink.ev[i].type == EV_TFTP) {
			assert_null(t);
			t = &fx->sink.ev[i].u.tftp;
		}
	assert_non_null(t);
	return t;
}

static size_t count_type(struct fixture *fx, enum nbt_ev_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < fx->sink.n; i++)
		n += fx->sink.ev[i].type == type;
	return n;
}

/* A DATA packet of `len` payload bytes for `block`. */
static size_t make_data(uint8_t *buf, uint16_t block, size_t len)
{
	buf[0] = 0;
	buf[1] = 3;
	buf[2] = (uint8_t)(block >> 8);
	buf[3] = (uint8_t)block;
	memset(buf + 4, 0xa5, len);
	return len + 4;
}

static size_t make_ack(uint8_t *buf, uint16_t block)
{
	buf[0] = 0;
	buf[1] = 4;
	buf[2] = (uint8_t)(block >> 8);
	buf[3] = (uint8_t)block;
	return 4;
}

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static const char rrq_pi[] = "\0\001"
                             "38c128c0/start4.elf\0octet\0tsize\0000\0blksize\0001468\0";
static const char oack_1468[] = "\0\006tsize\000123456\0blksize\0001468\0";

static void test_rrq_fields_and_expectation(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(from_client(fx, 69, LIT(rrq_pi)), DIS_OK);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_RRQ);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	assert_string_equal(t->mode, "octet");
	assert_int_equal(t->dir, TFTP_DIR_CLIENT);
	assert_false(t->malformed);
	assert_int_equal(t->nopts, 2);
	assert_string_equal(t->opt[0].name, "tsize");
	assert_string_equal(t->opt[0].value, "0");
	assert_string_equal(t->opt[1].name, "blksize");
	assert_int_equal(t->opts.have, TFTP_HAVE_TSIZE | TFTP_HAVE_BLKSIZE);
	assert_int_equal(t->opts.blksize, 1468);
	assert_int_equal(t->opts.tsize, 0);
	assert_int_equal(t->session, fx->sink.ev[0].frame);
	assert_true(t->session > 0);
	/* RFC 1350 s4: the server answers from a new TID; one expectation waits for it. */
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), 1);
}

/* Option names are case-insensitive (RFC 2347 s2). */
static void test_option_names_case(void **state)
{
	struct fixture *fx = *state;
	static const char rrq[] = "\0\001f\0netascii\0BlkSize\0001024\0WINDOWSIZE\0004\0";
	assert_int_equal(from_client(fx, 69, LIT(rrq)), DIS_OK);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->opts.have, TFTP_HAVE_BLKSIZE | TFTP_HAVE_WINDOWSIZE);
	assert_int_equal(t->opts.blksize, 1024);
	assert_int_equal(t->opts.windowsize, 4);
}

/* The server's flow inherits the session; blksize 1468 from the OACK decides the end. */
static void test_session_follow_and_finish(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	from_client(fx, 69, LIT(rrq_pi));
	uint64_t session = tftp_ev(fx)->session;

	assert_int_equal(from_server(fx, LIT(oack_1468)), DIS_OK);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_OACK);
	assert_int_equal(t->session, session);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	assert_int_equal(t->dir, TFTP_DIR_SERVER);
	assert_int_equal(t->blksize, 1468);
	assert_true(t->has_tsize);
	assert_int_equal(t->tsize, 123456);
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), 0);

	from_client(fx, SRV_TID, buf, make_ack(buf, 0));
	t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_ACK);
	assert_int_equal(t->dir, TFTP_DIR_CLIENT);
	assert_int_equal(t->session, session);

	/* A full 1468-byte block is not the last one, although it is above 512. */
	from_server(fx, buf, make_data(buf, 1, 1468));
	t = tftp_ev(fx);
	assert_int_equal(t->block, 1);
	assert_int_equal(t->block_seq, 1);
	assert_int_equal(t->data_len, 1468);
	assert_false(t->finished);
	assert_false(t->retransmit);
	assert_string_equal(t->file, "38c128c0/start4.elf");

	from_server(fx, buf, make_data(buf, 2, 1000));
	t = tftp_ev(fx);
	assert_true(t->finished);
	assert_int_equal(t->bytes, 2468);
	assert_int_equal(t->data_count, 2);
	assert_int_equal(t->session, session);
}

/* Without an OACK (server ignored the options) the block size stays 512 (RFC 2347 s2). */
static void test_no_oack_means_512(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	from_client(fx, 69, LIT(rrq_pi));
	from_server(fx, buf, make_data(buf, 1, 512));
	assert_false(tftp_ev(fx)->finished);
	assert_int_equal(tftp_ev(fx)->blksize, 512);
	from_server(fx, buf, make_data(buf, 2, 511));
	assert_true(tftp_ev(fx)->finished);
}

/* A transfer of a multiple of blksize ends with a 0-byte DATA (RFC 1350 s6). */
static void test_zero_byte_final_block(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[600];
	static const char rrq[] = "\0\001kernel8.img\0octet\0";
	from_client(fx, 69, LIT(rrq));
	from_server(fx, buf, make_data(buf, 1, 512));
	assert_false(tftp_ev(fx)->finished);
	from_server(fx, buf, make_data(buf, 2, 0));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->finished);
	assert_int_equal(t->data_len, 0);
	assert_int_equal(t->bytes, 512);
}

/* The Pi's tsize probe: OACK, then ERROR 0 from the client. */
static void test_tsize_probe_early_terminate(void **state)
{
	struct fixture *fx = *state;
	static const char err0[] = "\0\005\0\0Early terminate\0";
	from_client(fx, 69, LIT(rrq_pi));
	from_server(fx, LIT(oack_1468));
	assert_int_equal(from_client(fx, SRV_TID, LIT(err0)), DIS_OK);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_ERROR);
	assert_int_equal(t->err_code, 0);
	assert_string_equal(t->err_msg, "Early terminate");
	assert_true(t->early_terminate);
	assert_false(t->malformed);
	assert_int_equal(t->tsize, 123456);
	assert_string_equal(t->file, "38c128c0/start4.elf");
}

/* ERROR 0 after data has flowed, or from the server, is not a probe. */
static void test_error0_not_probe(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	static const char err0[] = "\0\005\0\0stop\0";
	from_client(fx, 69, LIT(rrq_pi));
	from_server(fx, LIT(oack_1468));
	from_client(fx, SRV_TID, buf, make_ack(buf, 0));
	from_server(fx, buf, make_data(buf, 1, 1468));
	from_client(fx, SRV_TID, LIT(err0));
	assert_false(tftp_ev(fx)->early_terminate);

	/* Second session, new TID: the server itself sends ERROR 0 after its OACK. */
	from_client(fx, 69, LIT(rrq_pi));
	run(fx, SRV_IP, SRV_TID + 1, CLI_IP, CLI_PORT, LIT(oack_1468));
	run(fx, SRV_IP, SRV_TID + 1, CLI_IP, CLI_PORT, LIT(err0));
	assert_false(tftp_ev(fx)->early_terminate);
}

static void test_file_not_found(void **state)
{
	struct fixture *fx = *state;
	static const char err1[] = "\0\005\0\001File not found\0";
	from_client(fx, 69, LIT(rrq_pi));
	from_server(fx, LIT(err1));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->err_code, TFTP_ERR_NOTFOUND);
	assert_string_equal(t->err_msg, "File not found");
	assert_false(t->early_terminate);
	assert_string_equal(t->file, "38c128c0/start4.elf");
}

/* Block numbers wrap after 65535; the running number keeps increasing. */
static void test_block_wrap(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[600];
	static const char rrq[] = "\0\001big.img\0octet\0";
	static const uint16_t wire[] = {65534, 65535, 0, 1, 2};
	static const uint64_t seq[] = {65534, 65535, 65536, 65537, 65538};
	from_client(fx, 69, LIT(rrq));
	from_client(fx, SRV_TID, buf,
	            make_ack(buf, 0)); /* early ACK 0 must not anchor later ACKs */
	for (size_t i = 0; i < 5; i++) {
		from_server(fx, buf, make_data(buf, wire[i], 512));
		const struct ev_tftp *t = tftp_ev(fx);
		assert_int_equal(t->block, wire[i]);
		assert_int_equal(t->block_seq, seq[i]);
		assert_false(t->retransmit);
	}
	/* A late copy of block 65535 is a retransmission, not block 131071. */
	from_server(fx, buf, make_data(buf, 65535, 512));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->block_seq, 65535);
	assert_true(t->retransmit);
	assert_int_equal(t->data_retrans, 1);
	assert_int_equal(t->bytes, 5 * 512);
	/* ACKs unwrap against the DATA seen, even after an early ACK 0 (windowsize). */
	from_client(fx, SRV_TID, buf, make_ack(buf, 2));
	assert_int_equal(tftp_ev(fx)->block_seq, 65538);
	assert_false(tftp_ev(fx)->retransmit);
	from_client(fx, SRV_TID, buf, make_ack(buf, 1));
	assert_int_equal(tftp_ev(fx)->block_seq, 65537);
	assert_true(tftp_ev(fx)->retransmit);
}

static void test_retransmissions(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[600];
	static const char rrq[] = "\0\001cmdline.txt\0octet\0";
	from_client(fx, 69, LIT(rrq));
	from_server(fx, buf, make_data(buf, 1, 512));
	from_server(fx, buf, make_data(buf, 1, 512));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->retransmit);
	assert_int_equal(t->data_retrans, 1);
	assert_int_equal(t->data_count, 2);
	assert_int_equal(t->bytes, 512);
	from_client(fx, SRV_TID, buf, make_ack(buf, 1));
	assert_false(tftp_ev(fx)->retransmit);
	from_client(fx, SRV_TID, buf, make_ack(buf, 1));
	t = tftp_ev(fx);
	assert_true(t->retransmit);
	assert_int_equal(t->dup_acks, 1);
}

/* The same OACK sent again before ACK 0 is a retransmission (raspberrypi/firmware#1041); the
 * first one of a session is not. */
static void test_oack_repeated(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	from_client(fx, 69, LIT(rrq_pi));
	from_server(fx, LIT(oack_1468));
	assert_false(tftp_ev(fx)->retransmit);
	from_server(fx, LIT(oack_1468));
	assert_int_equal(tftp_ev(fx)->opcode, TFTP_OP_OACK);
	assert_true(tftp_ev(fx)->retransmit);
	from_client(fx, SRV_TID, buf, make_ack(buf, 0));
	assert_false(tftp_ev(fx)->ack_ahead);
	/* A new session (new RRQ, new TID) starts over. */
	from_client(fx, 69, LIT(rrq_pi));
	run(fx, SRV_IP, SRV_TID + 1, CLI_IP, CLI_PORT, LIT(oack_1468));
	assert_false(tftp_ev(fx)->retransmit);
}

/* An ACK of a block the server has not sent (start4.elf took a repeated block for the next,
 * raspberrypi/firmware#1631); an ACK of one it has sent, or of 0 before any DATA, is not. */
static void test_ack_ahead(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[600];
	static const char rrq[] = "\0\001kernel8.img\0octet\0";
	from_client(fx, 69, LIT(rrq));
	from_client(fx, SRV_TID, buf, make_ack(buf, 0));
	assert_false(tftp_ev(fx)->ack_ahead);
	for (uint16_t b = 1; b <= 10; b++) {
		from_server(fx, buf, make_data(buf, b, 512));
		if (b < 10) {
			from_client(fx, SRV_TID, buf, make_ack(buf, b));
			assert_false(tftp_ev(fx)->ack_ahead);
		}
	}
	from_server(fx, buf, make_data(buf, 10, 512)); /* the server's repeat of block 10 */
	assert_true(tftp_ev(fx)->retransmit);
	from_client(fx, SRV_TID, buf, make_ack(buf, 11));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->ack_ahead);
	assert_int_equal(t->block_seq, 11);
	from_server(fx, buf, make_data(buf, 10, 512));
	assert_int_equal(tftp_ev(fx)->block_seq, 10); /* still the repeat, not block 65546 */
}

/* WRQ: the client sends DATA to the server's TID after ACK 0. */
static void test_wrq(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[600];
	static const char wrq[] = "\0\002log.txt\0netascii\0tsize\000700\0";
	from_client(fx, 69, LIT(wrq));
	assert_true(tftp_ev(fx)->write);
	from_server(fx, buf, make_ack(buf, 0));
	assert_true(tftp_ev(fx)->write);
	from_client(fx, SRV_TID, buf, make_data(buf, 1, 512));
	from_client(fx, SRV_TID, buf, make_data(buf, 2, 188));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->finished);
	assert_int_equal(t->dir, TFTP_DIR_CLIENT);
	assert_true(t->has_tsize);
	assert_int_equal(t->tsize, 700);
	assert_string_equal(t->file, "log.txt");
}

/* Mid-transfer capture: no RRQ, session 0, the block size is guessed from what is seen. */
static void test_unseeded_flow(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	from_server(fx, buf, make_data(buf, 300, 1468));
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->session, 0);
	assert_string_equal(t->file, "");
	assert_int_equal(t->dir, TFTP_DIR_UNKNOWN);
	assert_int_equal(t->block_seq, 300);
	assert_false(t->finished);
	assert_true(t->blksize_guessed);
	from_server(fx, buf, make_data(buf, 301, 1468));
	assert_false(tftp_ev(fx)->finished);
	from_server(fx, buf, make_data(buf, 302, 900));
	assert_true(tftp_ev(fx)->finished);
}

static void assert_anomaly(struct fixture *fx, enum nbt_anomaly kind)
{
	for (size_t i = 0; i < fx->sink.n; i++)
		if (fx->sink.ev[i].type == EV_ANOMALY && fx->sink.ev[i].u.anomaly.kind == kind) {
			assert_string_equal(fx->sink.ev[i].u.anomaly.proto, "tftp");
			return;
		}
	fail_msg("no anomaly of kind %d", (int)kind);
}

static void test_malformed_rrq(void **state)
{
	struct fixture *fx = *state;
	static const char no_nul[] = "\0\001start4.elf";
	assert_int_equal(from_client(fx, 69, LIT(no_nul)), DIS_INVALID);
	assert_anomaly(fx, ANOM_INVALID);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->malformed);
	assert_string_equal(t->file, "start4.elf");
	assert_string_equal(t->mode, "");

	static const char mode_no_nul[] = "\0\001start4.elf\0oct";
	assert_int_equal(from_client(fx, 69, LIT(mode_no_nul)), DIS_INVALID);
	assert_anomaly(fx, ANOM_INVALID);
	t = tftp_ev(fx);
	assert_string_equal(t->file, "start4.elf");
	assert_string_equal(t->mode, "oct");

	static const char binary[] = "\0\001boot\0binary\0";
	assert_int_equal(from_client(fx, 69, LIT(binary)), DIS_INVALID);
	assert_anomaly(fx, ANOM_INVALID);
	t = tftp_ev(fx);
	assert_true(t->malformed);
	assert_string_equal(t->mode, "binary");
	static const char octet_caps[] = "\0\001boot\0OCTET\0";
	assert_int_equal(from_client(fx, 69, LIT(octet_caps)), DIS_OK);
	assert_false(tftp_ev(fx)->malformed);
	static const char nofile[] = "\0\001\0octet\0";
	assert_int_equal(from_client(fx, 69, LIT(nofile)), DIS_INVALID);
	assert_true(tftp_ev(fx)->malformed);

	static const char empty[] = "\0\001";
	assert_int_equal(from_client(fx, 69, LIT(empty)), DIS_INVALID);
	assert_true(tftp_ev(fx)->malformed);

	static const char one[] = "\0";
	assert_int_equal(from_client(fx, 69, LIT(one)), DIS_INVALID);
	assert_int_equal(count_type(fx, EV_TFTP), 0);
	assert_int_equal(count_type(fx, EV_ANOMALY), 1);
}

/* A long file name is cut to the buffer, flagged, and still NUL-terminated. */
static void test_long_file_name(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[400];
	buf[0] = 0;
	buf[1] = 1;
	memset(buf + 2, 'a', 300);
	buf[302] = 0;
	memcpy(buf + 303, "octet", 6);
	assert_int_equal(from_client(fx, 69, buf, 309), DIS_OK);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->file_cut);
	assert_int_equal(strlen(t->file), TFTP_FILE_MAX - 1);
	assert_string_equal(t->mode, "octet");
}

static void test_oack_odd_strings(void **state)
{
	struct fixture *fx = *state;
	static const char odd[] = "\0\006blksize\0001468\0tsize\0";
	from_client(fx, 69, LIT(rrq_pi));
	assert_int_equal(from_server(fx, LIT(odd)), DIS_INVALID);
	assert_anomaly(fx, ANOM_INVALID);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->malformed);
	/* The well-formed pair before the odd string still counts; the dangling name does not. */
	assert_int_equal(t->nopts, 1);
	assert_string_equal(t->opt[0].name, "blksize");
	assert_int_equal(t->opts.have, TFTP_HAVE_BLKSIZE);
	assert_int_equal(t->blksize, 1468);
}

static void test_bad_blksize_values(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {"abc", "0", "70000", "7", "65465", "", "-1", "12a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t buf[64];
		size_t n = 0;
		memcpy(buf, "\0\006blksize", 9);
		n = 10; /* includes the name's NUL */
		buf[9] = 0;
		size_t vl = strlen(bad[i]);
		memcpy(buf + n, bad[i], vl + 1);
		n += vl + 1;
		from_client(fx, 69, LIT(rrq_pi));
		assert_int_equal(from_server(fx, buf, n), DIS_INVALID);
		assert_anomaly(fx, ANOM_INVALID);
		const struct ev_tftp *t = tftp_ev(fx);
		assert_true(t->malformed);
		assert_false(t->opts.have & TFTP_HAVE_BLKSIZE);
		assert_int_equal(t->blksize, 512);
		assert_string_equal(t->opt[0].value, bad[i]);
	}
	/* The bounds themselves are valid (RFC 2348: 8..65464). */
	static const char lo[] = "\0\006blksize\0008\0";
	static const char hi[] = "\0\006blksize\00065464\0";
	from_client(fx, 69, LIT(rrq_pi));
	assert_int_equal(from_server(fx, LIT(lo)), DIS_OK);
	assert_int_equal(tftp_ev(fx)->blksize, 8);
	from_client(fx, 69, LIT(rrq_pi));
	assert_int_equal(from_server(fx, LIT(hi)), DIS_OK);
	assert_int_equal(tftp_ev(fx)->blksize, 65464);
	/* windowsize 0 and timeout 256 are out of range too. */
	static const char ws0[] = "\0\001f\0octet\0windowsize\0000\0timeout\000256\0";
	assert_int_equal(from_client(fx, 69, LIT(ws0)), DIS_INVALID);
	assert_int_equal(tftp_ev(fx)->opts.have, 0);
	assert_int_equal(count_type(fx, EV_ANOMALY), 2);
}

static void test_error_without_nul(void **state)
{
	struct fixture *fx = *state;
	static const char err[] = "\0\005\0\002Access violation";
	from_client(fx, 69, LIT(rrq_pi));
	assert_int_equal(from_server(fx, LIT(err)), DIS_INVALID);
	assert_anomaly(fx, ANOM_INVALID);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->malformed);
	assert_int_equal(t->err_code, 2);
	assert_string_equal(t->err_msg, "Access violation");
}

static void test_short_packets(void **state)
{
	struct fixture *fx = *state;
	static const char data3[] = "\0\003\0";
	static const char ack2[] = "\0\004";
	static const char op9[] = "\0\011\0\001";
	assert_int_equal(from_server(fx, LIT(data3)), DIS_INVALID);
	assert_int_equal(count_type(fx, EV_TFTP), 0);
	assert_int_equal(count_type(fx, EV_ANOMALY), 1);
	assert_int_equal(from_server(fx, LIT(ack2)), DIS_INVALID);
	assert_int_equal(count_type(fx, EV_TFTP), 0);
	assert_int_equal(from_server(fx, LIT(op9)), DIS_INVALID);
	assert_int_equal(count_type(fx, EV_TFTP), 0);
	assert_int_equal(from_server(fx, NULL, 0), DIS_INVALID);
}

static bool probe(uint16_t sport, uint16_t dport, const void *b, size_t n)
{
	struct nbt_pkt pkt = {.sport = sport, .dport = dport, .l4proto = 17};
	struct cur c;
	cur_init(&c, b, n, n);
	bool r = dis_tftp.probe(&c, &pkt);
	assert_int_equal(c.off, 0); /* the probe reads a copy */
	return r;
}

static void test_probe(void **state)
{
	(void)state;
	uint8_t buf[70000];
	assert_true(probe(40000, 2000, buf, make_ack(buf, 7)));
	assert_true(probe(40000, 2000, buf, make_data(buf, 7, 512)));
	assert_true(probe(40000, 2000, buf, make_data(buf, 7, 0)));
	assert_true(probe(40000, 2000, buf, make_data(buf, 7, 65464)));
	assert_false(probe(40000, 2000, buf, make_data(buf, 7, 65465)));
	/* Well-known ports are left to their own dissectors (DNS id 3 looks like DATA). */
	assert_false(probe(53, 40000, buf, make_data(buf, 7, 30)));
	assert_false(probe(40000, 53, buf, make_ack(buf, 7)));
	static const char ack5[] = "\0\004\0\001\0";
	assert_false(probe(40000, 2000, LIT(ack5)));
	static const char err_ok[] = "\0\005\0\001File not found\0";
	static const char err_nonul[] = "\0\005\0\001File not found";
	static const char err_two[] = "\0\005\0\001File\0found\0";
	static const char err_code[] = "\0\005\0\011oops\0";
	assert_true(probe(40000, 2000, LIT(err_ok)));
	assert_false(probe(40000, 2000, LIT(err_nonul)));
	assert_false(probe(40000, 2000, LIT(err_two)));
	assert_false(probe(40000, 2000, LIT(err_code)));
	static const char oack_odd[] = "\0\006blksize\0001468\0tsize\0";
	assert_true(probe(40000, 2000, LIT(oack_1468)));
	assert_false(probe(40000, 2000, LIT(oack_odd)));
	static const char rrq[] = "\0\001f\0octet\0";
	assert_false(probe(40000, 2000, LIT(rrq))); /* requests go to port 69 */
	assert_false(probe(40000, 2000, "\0", 1));
}

/* Through the whole pipeline: an Ethernet/IPv4/UDP frame of which only `caplen` bytes were kept. */
static void send_udp_frame(struct fixture *fx, uint32_t sip, uint16_t sport, uint32_t dip,
                           uint16_t dport, const uint8_t *payload, size_t len, size_t caplen)
{
	static uint8_t fr[14 + 20 + 8 + 1600];
	memset(fr, 0, sizeof fr);
	fr[12] = 0x08; /* IPv4 */
	uint8_t *ip = fr + 14, *udp = ip + 20;
	size_t ul = 8 + len;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + ul) >> 8);
	ip[3] = (uint8_t)(20 + ul);
	ip[8] = 64;
	ip[9] = 17;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(sip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dip >> (24 - 8 * i));
	}
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ul >> 8);
	udp[5] = (uint8_t)ul;
	memcpy(udp + 8, payload, len);
	fx->sink.n = 0;
	pipeline_frame(fx->p, fx->now, fr, (uint32_t)caplen, (uint32_t)(42 + len));
	fx->now += NBT_NS_PER_MS;
}

/* A short snaplen must not fake the end of a transfer, nor a malformed DATA. */
static void test_snaplen_cut(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	send_udp_frame(fx, CLI_IP, CLI_PORT, SRV_IP, 69, LIT(rrq_pi), 42 + sizeof rrq_pi - 1);
	assert_int_equal(tftp_ev(fx)->opts.blksize, 1468);
	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, LIT(oack_1468), 200);
	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, buf, make_data(buf, 1, 1468), 96);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->data_len, 1468);
	assert_false(t->finished);
	assert_false(t->malformed);
	assert_int_equal(t->session, 1);
	/* A request cut inside its file name: truncated, not invalid; no prefix as a name. */
	send_udp_frame(fx, CLI_IP, CLI_PORT + 1, SRV_IP, 69, LIT(rrq_pi), 42 + 8);
	t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_RRQ);
	assert_true(t->malformed);
	assert_true(t->truncated);
	assert_string_equal(t->file, "");
	assert_string_equal(t->mode, "");
	assert_int_equal(t->nopts, 0);
	assert_anomaly(fx, ANOM_TRUNCATED);
}

/*
 * Requests hold no flow of their own (dissector.requests_flowless): 100 RRQs from 100 source
 * ports leave 100 expectations and no flow, and each reply still carries its request's session,
 * from the server's new port (RFC 1350 s4) or, from a server that answers from port 69, too.
 */
static void test_requests_hold_no_flow(void **state)
{
	struct fixture *fx = *state;
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	uint64_t session[100];
	for (uint16_t i = 0; i < 100; i++) {
		send_udp_frame(fx, CLI_IP, (uint16_t)(CLI_PORT + i), SRV_IP, 69, LIT(rrq_pi),
		               42 + sizeof rrq_pi - 1);
		session[i] = tftp_ev(fx)->session;
		assert_int_equal(tftp_ev(fx)->opcode, TFTP_OP_RRQ);
	}
	assert_int_equal(flow_count(pipeline_flows(fx->p)), 0);
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), 100);

	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT + 50, LIT(oack_1468), 200);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->session, session[50]);
	assert_int_equal(t->dir, TFTP_DIR_SERVER);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	send_udp_frame(fx, SRV_IP, 69, CLI_IP, CLI_PORT + 51, LIT(oack_1468), 200);
	t = tftp_ev(fx);
	assert_int_equal(t->session, session[51]);
	assert_int_equal(t->dir, TFTP_DIR_SERVER);
	assert_int_equal(flow_count(pipeline_flows(fx->p)), 2);
	assert_int_equal(flow_expect_count(pipeline_flows(fx->p)), 98);

	/* The same request again on a port whose reply flow exists restarts that session there. */
	send_udp_frame(fx, CLI_IP, CLI_PORT + 51, SRV_IP, 69, LIT(rrq_pi), 42 + sizeof rrq_pi - 1);
	t = tftp_ev(fx);
	assert_true(t->session > session[99]);
	assert_int_equal(flow_count(pipeline_flows(fx->p)), 2);
}

/*
 * The snaplen cuts the blksize value "1468" after its "1": the option is not
 * "blksize=1", it is unknown.  What came before it (file, mode, tsize) is kept,
 * and the session still follows the server's new TID.
 */
static void test_snaplen_cut_option_value(void **state)
{
	struct fixture *fx = *state;
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	uint64_t trunc0 = pipeline_stats(fx->p)->anomalies[ANOM_TRUNCATED];
	size_t wire = sizeof rrq_pi - 1, keep = wire - 4; /* ..."blksize\0" "1" | "468\0" */
	assert_int_equal(rrq_pi[keep - 1], '1');
	send_udp_frame(fx, CLI_IP, CLI_PORT, SRV_IP, 69, LIT(rrq_pi), 42 + keep);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_RRQ);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	assert_false(t->file_cut);
	assert_string_equal(t->mode, "octet");
	assert_true(t->truncated);
	assert_true(t->malformed);
	assert_int_equal(t->nopts, 1);
	assert_string_equal(t->opt[0].name, "tsize");
	assert_string_equal(t->opt[0].value, "0");
	assert_true(t->opts.have & TFTP_HAVE_TSIZE);
	assert_false(t->opts.have & TFTP_HAVE_BLKSIZE);
	assert_int_equal(t->opts.blksize, 0);
	uint64_t session = t->session;
	assert_anomaly(fx, ANOM_TRUNCATED);
	assert_int_equal(pipeline_stats(fx->p)->anomalies[ANOM_TRUNCATED], trunc0 + 1);

	/* The server answers from its new TID: the expectation from the RRQ claims it. */
	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, LIT(oack_1468),
	               42 + sizeof oack_1468 - 1);
	t = tftp_ev(fx);
	assert_int_equal(t->opcode, TFTP_OP_OACK);
	assert_int_equal(t->session, session);
	assert_int_equal(t->dir, TFTP_DIR_SERVER);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	assert_false(t->truncated);
	assert_int_equal(t->blksize, 1468);

	/* A request cut inside its mode: the file name is certain, the mode is not. */
	send_udp_frame(fx, CLI_IP, CLI_PORT + 1, SRV_IP, 69, LIT(rrq_pi), 42 + 2 + 20 + 3);
	t = tftp_ev(fx);
	assert_string_equal(t->file, "38c128c0/start4.elf");
	assert_string_equal(t->mode, "");
	assert_true(t->truncated);
	assert_int_equal(t->nopts, 0);
	assert_int_equal(t->opts.have, 0);
}

/* An OACK cut before its blksize: the block size in force is unknown, not RFC 1350's 512. */
static void test_snaplen_cut_oack(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[1600];
	assert_true(pipeline_set_link(fx->p, 1 /* DLT_EN10MB */));
	send_udp_frame(fx, CLI_IP, CLI_PORT, SRV_IP, 69, LIT(rrq_pi), 42 + sizeof rrq_pi - 1);
	/* "\0\6tsize\0" "123456\0" "blk" | "size\0" "1468\0" */
	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, LIT(oack_1468), 42 + 2 + 13 + 3);
	const struct ev_tftp *t = tftp_ev(fx);
	assert_true(t->truncated);
	assert_int_equal(t->nopts, 1);
	assert_true(t->has_tsize);
	assert_int_equal(t->tsize, 123456);
	/* 1000 bytes is short of 1468 but not of the unknown size: only a guess can say. */
	send_udp_frame(fx, SRV_IP, SRV_TID, CLI_IP, CLI_PORT, buf, make_data(buf, 1, 1000),
	               42 + 1004);
	t = tftp_ev(fx);
	assert_true(t->blksize_guessed);
	assert_false(t->truncated);
}

/* Every event's strings stay NUL-terminated inside their buffers. */
static void assert_strings_bounded(const struct ev_tftp *t)
{
	assert_true(memchr(t->file, 0, sizeof t->file) != NULL);
	assert_true(memchr(t->mode, 0, sizeof t->mode) != NULL);
	assert_true(memchr(t->err_msg, 0, sizeof t->err_msg) != NULL);
	assert_true(t->nopts <= TFTP_OPTS_MAX);
	for (unsigned i = 0; i < t->nopts; i++) {
		assert_true(memchr(t->opt[i].name, 0, TFTP_OPTNAME_MAX) != NULL);
		assert_true(memchr(t->opt[i].value, 0, TFTP_OPTVAL_MAX) != NULL);
	}
}

/* Hostile input: random payloads with valid opcodes, few distinct bytes so NULs and digits
 * are common; run under ASan/UBSan this finds reads past the buffer. */
static void test_random_payloads(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t alphabet[] = {0,   0,   0,   '1', '4', '6', '8',  'b',  'l',
	                                   'k', 's', 'i', 'z', 'e', 't', 0xff, 0x80, '='};
	uint8_t buf[700];
	uint32_t x = 12345;
	for (int iter = 0; iter < 20000; iter++) {
		x = x * 1103515245u + 12345u;
		size_t len = (x >> 8) % sizeof buf;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = alphabet[(x >> 16) % sizeof alphabet];
		}
		if (len >= 2) {
			buf[0] = 0;
			buf[1] = (uint8_t)(1 + (x >> 24) % 7);
		}
		uint16_t sport = (x & 1) ? CLI_PORT : SRV_TID;
		enum dis_status st =
		    run(fx, sport == CLI_PORT ? CLI_IP : SRV_IP, sport,
		        sport == CLI_PORT ? SRV_IP : CLI_IP,
		        (x & 2) ? 69 : (sport == CLI_PORT ? SRV_TID : CLI_PORT), buf, len);
		assert_true(st == DIS_OK || st == DIS_INVALID || st == DIS_TRUNC);
		for (size_t i = 0; i < fx->sink.n; i++)
			if (fx->sink.ev[i].type == EV_TFTP)
				assert_strings_bounded(&fx->sink.ev[i].u.tftp);
		if (st == DIS_OK)
			assert_int_equal(count_type(fx, EV_ANOMALY), 0);
		probe(40000, 2000, buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rrq_fields_and_expectation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_option_names_case, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_follow_and_finish, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_oack_means_512, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_byte_final_block, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tsize_probe_early_terminate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error0_not_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_not_found, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_block_wrap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retransmissions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrq, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unseeded_flow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_rrq, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_file_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oack_odd_strings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_blksize_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_without_nul, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_packets, setup, teardown),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test_setup_teardown(test_random_payloads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snaplen_cut, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_requests_hold_no_flow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snaplen_cut_option_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snaplen_cut_oack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_oack_repeated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ack_ahead, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
