/* summary: TFTP wire constants (RFC 1350, RFC 2347, RFC 2348, RFC 2349, RFC 7440). */
#ifndef NBT_TFTP_PROTO_H
#define NBT_TFTP_PROTO_H

/*
 * RFC 1350 s5 packet layouts (2-byte big-endian fields, NUL-terminated strings):
 *   RRQ/WRQ  | 01/02 | filename 0 | mode 0 | [opt 0 value 0]...   (RFC 2347)
 *   DATA     | 03    | block 2    | data 0..blksize
 *   ACK      | 04    | block 2
 *   ERROR    | 05    | code 2     | message 0
 *   OACK     | 06    | opt 0 value 0 ...                          (RFC 2347)
 */
#define TFTP_PORT        69
#define TFTP_IPPROTO_UDP 17
#define TFTP_HDR_LEN     4 /* opcode + block (DATA/ACK) or code (ERROR) */

#define TFTP_BLKSIZE_DEFAULT 512u   /* RFC 1350 */
#define TFTP_BLKSIZE_MIN     8u     /* RFC 2348 */
#define TFTP_BLKSIZE_MAX     65464u /* RFC 2348 */
#define TFTP_TIMEOUT_MIN     1u     /* RFC 2349 s2 */
#define TFTP_TIMEOUT_MAX     255u
#define TFTP_WINDOW_MIN      1u /* RFC 7440 s3 */
#define TFTP_WINDOW_MAX      65535u

/* An expectation for the server's new TID (RFC 1350 s4) lives this long in packet time. */
#define TFTP_EXPECT_TTL_SEC 10

#endif
