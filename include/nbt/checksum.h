/* summary: Internet checksums of captured packets (RFC 1071 sum, RFC 791 IPv4 header, RFC 768
 * UDP, RFC 793 TCP), read through the cursor. */
#ifndef NBT_CHECKSUM_H
#define NBT_CHECKSUM_H

#include <stdbool.h>
#include <stdint.h>

#include "nbt/cursor.h"

enum checksum_result {
	CHECKSUM_OK = 0,
	CHECKSUM_BAD,
	CHECKSUM_NONE,    /* checksum 0: the sender computed none (RFC 768 for UDP) */
	CHECKSUM_UNKNOWN, /* bytes missing (snaplen) or malformed: not checked */
};

/* One's complement sum (RFC 1071) of all captured bytes of `c`, added to `sum`; false if the
 * cursor does not hold all its wire bytes. */
bool checksum_add(uint32_t *sum, struct cur c);
/* The IPv4 header `hdr` (exactly the header, options included) sums to 0xffff; a zero
 * checksum field is CHECKSUM_NONE (never filled in). */
enum checksum_result checksum_ipv4(struct cur hdr);
/* UDP or TCP segment `seg` (header + data, as long as the IP payload) with its pseudo-header
 * (RFC 768, RFC 793 s3.1); addresses in host byte order. */
enum checksum_result checksum_l4(struct cur seg, uint8_t proto, uint32_t src, uint32_t dst);

#endif
