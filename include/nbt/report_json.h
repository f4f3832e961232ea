/* summary: JSON outputs (RFC 8259): the --json report document ("netboot-trace/1", documented in
 * docs/json-schema.md and docs/netboot-trace.schema.json) and the string/time helpers that the
 * --events stream shares. */
#ifndef NBT_REPORT_JSON_H
#define NBT_REPORT_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nbt/anomaly.h"
#include "nbt/client.h"
#include "nbt/diagnose.h"
#include "nbt/outcome.h"
#include "nbt/pkt.h"

#define RJSON_SCHEMA   "netboot-trace/1"
#define RJSON_TIME_MAX 40

/* What main knows about the capture and the run. */
struct rjson_run {
	nbt_time judged_at;    /* the instant of every verdict; 0: the capture's last frame */
	const char *source;    /* file name, "-" (stdin) or the interface */
	bool live;             /* -i */
	const char *link_type; /* "EN10MB", ... or NULL when the capture did not open */
	const struct nbt_stats *stats; /* NULL when the capture did not open */
	const char *error_kind; /* NULL: no error; else outcome_error_kind()/"usage"/"hosts" */
	const char *error_msg;
	bool stopped; /* a signal ended the read of a file before its end */
	int exit_code;
};

/*
 * A JSON string of `s` that is valid UTF-8 whatever the bytes: each byte that is not part of a
 * well-formed UTF-8 sequence (RFC 3629 s3-4) becomes the character U+0080..U+00FF of the same
 * value, as if it were Latin-1.  Strings longer than 1024 bytes are cut.
 */
json_object *rjson_str(const char *s);
/* "2026-01-02T03:04:05.123456Z" (RFC 3339, UTC, microseconds). */
void rjson_time(char buf[RJSON_TIME_MAX], nbt_time ts);
/* Writes one value: pretty (the report) or on one line (the event stream), '/' not escaped. */
void rjson_write(FILE *out, json_object *o, bool pretty);

/*
 * A pretty object written in pieces, byte for byte what rjson_write would make of the whole,
 * so that a long array member (the clients) is never held in memory at once: the head's
 * members, then the array, one element at a time, then the tail's members.  Head and tail
 * must have members; every call consumes (puts) the object it is given.
 */
struct rjson_stream {
	FILE *out;
	size_t items;
};
void rjson_stream_open(struct rjson_stream *s, FILE *out, json_object *head, const char *array);
void rjson_stream_item(struct rjson_stream *s, json_object *item);
void rjson_stream_close(struct rjson_stream *s, json_object *tail);

/* The whole report: capture info, every selected client, capture findings, anomalies, errors. */
void rjson_report(FILE *out, const struct outcome_view *v, const struct rjson_run *run);

#endif
