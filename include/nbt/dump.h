/* summary: the --dump text format, one line per event: "FRAME PROTO key=value ...". */
#ifndef NBT_DUMP_H
#define NBT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nbt/event.h"

/*
 * Line shape (stable; tests parse it): frame number, protocol name, then
 * space-separated key=value fields.  Strings are quoted; bytes outside
 * printable ASCII, '"' and '\\' are written as \xNN so a line is always one
 * line of ASCII.  Hex blobs are bare lower-case hex.  IPv4 dotted, MAC
 * lower-case colon-separated.
 */
void dump_event(FILE *out, const struct nbt_event *ev);

/* Field writers shared by the per-protocol dumpers (each writes " key=value"). */
void dump_str(FILE *out, const char *key, const char *s, size_t len);
void dump_cstr(FILE *out, const char *key, const char *s);
void dump_hex(FILE *out, const char *key, const uint8_t *p, size_t len);
void dump_ip(FILE *out, const char *key, uint32_t ip);
void dump_mac(FILE *out, const char *key, const uint8_t mac[6]);
void dump_uint(FILE *out, const char *key, uint64_t v);
void dump_xint(FILE *out, const char *key, uint64_t v); /* 0x%x */

/* Per-protocol dumpers, each in src/report/dump_<proto>.c. */
void dump_arp(FILE *out, const struct nbt_event *ev);
void dump_icmp(FILE *out, const struct nbt_event *ev);
void dump_dhcp(FILE *out, const struct nbt_event *ev);
void dump_tftp(FILE *out, const struct nbt_event *ev);
void dump_rpc(FILE *out, const struct nbt_event *ev);

#endif
