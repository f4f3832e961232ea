/* summary: TFTP event (RFC 1350, options RFC 2347/2348/2349/7440) with its session context. */
#ifndef NBT_TFTP_H
#define NBT_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 1350 s5 and RFC 2347 (OACK) opcodes. */
enum tftp_opcode {
	TFTP_OP_RRQ = 1,
	TFTP_OP_WRQ = 2,
	TFTP_OP_DATA = 3,
	TFTP_OP_ACK = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK = 6,
};

/* RFC 1350 appendix error codes, plus RFC 2347's option negotiation refusal. */
enum tftp_error {
	TFTP_ERR_UNDEF = 0,
	TFTP_ERR_NOTFOUND = 1,
	TFTP_ERR_ACCESS = 2,
	TFTP_ERR_DISKFULL = 3,
	TFTP_ERR_ILLEGAL_OP = 4,
	TFTP_ERR_BAD_TID = 5,
	TFTP_ERR_EXISTS = 6,
	TFTP_ERR_NO_USER = 7,
	TFTP_ERR_OPTIONS = 8,
};

/* Who sent the packet, when the session (RRQ/WRQ) was seen. */
enum tftp_dir {
	TFTP_DIR_UNKNOWN = 0,
	TFTP_DIR_CLIENT,
	TFTP_DIR_SERVER,
};

#define TFTP_FILE_MAX    128 /* longer names are cut (file_cut) */
#define TFTP_MODE_MAX    16
#define TFTP_ERRMSG_MAX  128
#define TFTP_OPTS_MAX    8 /* options kept per packet; more are counted (opts_cut) */
#define TFTP_OPTNAME_MAX 16
#define TFTP_OPTVAL_MAX  24

/* Bits of tftp_opts.have. */
#define TFTP_HAVE_BLKSIZE    0x01u /* RFC 2348 */
#define TFTP_HAVE_TIMEOUT    0x02u /* RFC 2349 */
#define TFTP_HAVE_TSIZE      0x04u /* RFC 2349 */
#define TFTP_HAVE_WINDOWSIZE 0x08u /* RFC 7440 */

/* The options this tool understands, already range-checked (invalid ones are left out). */
struct tftp_opts {
	uint64_t tsize;
	uint32_t blksize;
	uint16_t windowsize;
	uint8_t timeout;
	uint8_t have; /* TFTP_HAVE_* */
};

/* One option as it was on the wire (cut to the buffer sizes). */
struct tftp_opt {
	char name[TFTP_OPTNAME_MAX];
	char value[TFTP_OPTVAL_MAX];
};

/*
 * One TFTP packet.  `session` groups the packets of one transfer: it is the
 * frame number of the RRQ/WRQ that started it (0 when the capture began
 * mid-transfer).  The session fields describe the transfer after this packet.
 */
struct ev_tftp {
	uint8_t opcode; /* enum tftp_opcode, or the wire value */
	uint8_t dir;    /* enum tftp_dir */
	bool write;     /* the session is a WRQ (client sends DATA) */
	bool malformed; /* an anomaly was reported for this packet */
	/*
	 * The capture (snaplen) cut the packet: a string that runs into the end of
	 * the captured bytes is left out (file, mode, options), never kept as a
	 * value; only an ERROR message keeps its captured prefix.
	 */
	bool truncated;
	uint64_t session;
	char file[TFTP_FILE_MAX]; /* RRQ/WRQ: from the packet; others: from the session */
	bool file_cut;
	char mode[TFTP_MODE_MAX];

	uint16_t block;     /* DATA/ACK: wire block number */
	uint64_t block_seq; /* running block number, keeps counting past 65535 */
	uint32_t data_len;  /* DATA payload length from the wire (not the snaplen) */
	bool retransmit;    /* DATA for a block already seen, a duplicate ACK, an OACK again */
	bool ack_ahead;     /* ACK of a block past every DATA seen (raspberrypi/firmware#1631) */

	struct tftp_opts opts; /* requested (RRQ/WRQ) or acknowledged (OACK) */
	uint8_t nopts;
	bool opts_cut;

	uint16_t err_code;    /* ERROR */
	bool early_terminate; /* ERROR 0 by the client right after an OACK: a tsize probe */

	/* Session state after this packet. */
	uint64_t bytes;      /* new DATA payload bytes */
	uint32_t data_count; /* DATA packets, retransmissions included */
	uint32_t data_retrans;
	uint32_t dup_acks;
	uint32_t blksize;     /* in force: OACK's, else 512 */
	bool blksize_guessed; /* no RRQ/OACK seen: the largest DATA so far, at least 512 */
	bool has_tsize;
	uint64_t tsize; /* OACK's, else the request's */
	bool finished;  /* a DATA shorter than blksize was seen */

	/* The tail is not zeroed per packet (a DATA/ACK at line rate would clear 450 bytes for
	 * nothing): opt[] holds nopts entries, err_msg is a string (always NUL-terminated). */
	struct tftp_opt opt[TFTP_OPTS_MAX];
	char err_msg[TFTP_ERRMSG_MAX];
};
#define EV_TFTP_ZEROED offsetof(struct ev_tftp, opt)

/* Static names for reports: "RRQ", "DATA", ...; "File not found", ... */
const char *tftp_opcode_name(unsigned op);
const char *tftp_error_name(unsigned code);

struct dissector;
extern const struct dissector dis_tftp;

#endif
