/* summary: compressed captures (gzip, xz, zstd) read as a plain stream: known by their magic
 * bytes, decoded through a stdio cookie so that libpcap reads them like any capture file. */
#define _GNU_SOURCE /* fopencookie (glibc) */
#include "nbt/decompress.h"

#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "nbt/xalloc.h"

#define DZ_IN_MAX  (64 * 1024)
#define DZ_MAGIC   6 /* the longest magic (xz) */
#define DZ_ERR_MAX 160

/* The magic bytes of each format: RFC 1952 s2.3.1 (gzip), the .xz file format s2.1.1.1, RFC
 * 8878 s3.1.1 (zstd frame). */
static const struct {
	enum dz_kind kind;
	uint8_t len;
	uint8_t magic[DZ_MAGIC];
} dz_magic[] = {
    {DZ_GZIP, 2, {0x1f, 0x8b}},
    {DZ_XZ, 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
    {DZ_ZSTD, 4, {0x28, 0xb5, 0x2f, 0xfd}},
};

struct dz {
	FILE *in;
	int fd; /* in's descriptor, to wait on */
	bool close_in;
	enum dz_kind kind;
	uint8_t buf[DZ_IN_MAX];
	size_t have, pos; /* buf[pos..have) is input not yet given to the decoder */
	bool in_eof, done;
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	size_t zs_hint; /* ZSTD_decompressStream's last answer: 0 once a frame is complete */
	char err[DZ_ERR_MAX];
};

const char *dz_kind_name(enum dz_kind k)
{
	return k == DZ_GZIP ? "gzip" : k == DZ_XZ ? "xz" : k == DZ_ZSTD ? "zstd" : "plain";
}

bool dz_maybe(uint8_t first)
{
	for (size_t i = 0; i < sizeof dz_magic / sizeof dz_magic[0]; i++)
		if (first == dz_magic[i].magic[0])
			return true;
	return false;
}

enum dz_kind dz_sniff(const uint8_t *head, size_t n)
{
	for (size_t i = 0; i < sizeof dz_magic / sizeof dz_magic[0]; i++)
		if (n >= dz_magic[i].len && memcmp(head, dz_magic[i].magic, dz_magic[i].len) == 0)
			return dz_magic[i].kind;
	return DZ_PLAIN;
}

/* More input into buf when it is used up: 1, 0 at the end, -1 on a read error (errno says which,
 * EINTR when a signal stopped a stream: the reader reports it as for a plain stream). */
static int dz_fill(struct dz *d)
{
	if (d->pos < d->have)
		return 1;
	if (d->in_eof)
		return 0;
	d->have = fread(d->buf, 1, sizeof d->buf, d->in);
	d->pos = 0;
	if (d->have == 0 && ferror(d->in)) {
		clearerr(d->in);
		return -1;
	}
	d->in_eof = d->have == 0;
	return d->have > 0;
}

/* Decodes into out; returns the bytes written, 0 at the end, -1 (d->err) on corrupt data. */
static ssize_t dz_gzip(struct dz *d, char *out, size_t size)
{
	d->z.next_out = (Bytef *)out;
	d->z.avail_out = (uInt)size;
	while (d->z.avail_out == size && !d->done) {
		int more = dz_fill(d);
		if (more < 0)
			return -1;
		if (!more) {
			snprintf(d->err, sizeof d->err, "the gzip data ends early");
			return -1;
		}
		d->z.next_in = d->buf + d->pos;
		d->z.avail_in = (uInt)(d->have - d->pos);
		int rc = inflate(&d->z, Z_NO_FLUSH);
		d->pos = d->have - d->z.avail_in;
		if (rc == Z_STREAM_END) {
			/* RFC 1952 s2.2: members may follow one another (cat a.gz b.gz). */
			if (dz_fill(d) > 0 &&
			    dz_sniff(d->buf + d->pos, d->have - d->pos) == DZ_GZIP)
				inflateReset(&d->z);
			else
				d->done = true;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(d->err, sizeof d->err, "the gzip data is corrupt (%s)",
			         d->z.msg ? d->z.msg : "inflate failed");
			return -1;
		}
	}
	return (ssize_t)(size - d->z.avail_out);
}

static ssize_t dz_xz(struct dz *d, char *out, size_t size)
{
	d->x.next_out = (uint8_t *)out;
	d->x.avail_out = size;
	while (d->x.avail_out == size && !d->done) {
		int more = dz_fill(d);
		if (more < 0)
			return -1;
		d->x.next_in = d->buf + d->pos;
		d->x.avail_in = d->have - d->pos;
		lzma_ret rc = lzma_code(&d->x, more ? LZMA_RUN : LZMA_FINISH);
		d->pos = d->have - d->x.avail_in;
		if (rc == LZMA_STREAM_END) {
			d->done = true;
		} else if (rc != LZMA_OK) {
			snprintf(d->err, sizeof d->err, "the xz data is %s",
			         rc == LZMA_BUF_ERROR ? "cut short" : "corrupt");
			return -1;
		}
	}
	return (ssize_t)(size - d->x.avail_out);
}

static ssize_t dz_zstd(struct dz *d, char *out, size_t size)
{
	ZSTD_outBuffer o = {out, size, 0};
	while (o.pos == 0 && !d->done) {
		int more = dz_fill(d);
		if (more < 0)
			return -1;
		if (!more) {
			if (d->zs_hint) {
				snprintf(d->err, sizeof d->err, "the zstd data ends early");
				return -1;
			}
			d->done = true;
			break;
		}
		ZSTD_inBuffer i = {d->buf, d->have, d->pos};
		d->zs_hint = ZSTD_decompressStream(d->zs, &o, &i);
		d->pos = i.pos;
		if (ZSTD_isError(d->zs_hint)) {
			snprintf(d->err, sizeof d->err, "the zstd data is corrupt (%s)",
			         ZSTD_getErrorName(d->zs_hint));
			return -1;
		}
	}
	return (ssize_t)o.pos;
}

static ssize_t dz_read(void *cookie, char *out, size_t size)
{
	struct dz *d = cookie;
	if (size == 0 || (d->done && d->kind != DZ_PLAIN))
		return 0;
	ssize_t n;
	switch (d->kind) {
	case DZ_GZIP:
		n = dz_gzip(d, out, size);
		break;
	case DZ_XZ:
		n = dz_xz(d, out, size);
		break;
	case DZ_ZSTD:
		n = dz_zstd(d, out, size);
		break;
	default: { /* the bytes sniffed, then the rest of a stream that cannot seek back */
		int more = dz_fill(d);
		if (more <= 0)
			return more;
		n = (ssize_t)(d->have - d->pos < size ? d->have - d->pos : size);
		memcpy(out, d->buf + d->pos, (size_t)n);
		d->pos += (size_t)n;
		break;
	}
	}
	if (n < 0 && d->err[0])
		errno = EIO; /* corrupt data; a failed read keeps its own errno */
	return n;
}

static int dz_close(void *cookie)
{
	struct dz *d = cookie;
	if (d->kind == DZ_GZIP)
		inflateEnd(&d->z);
	else if (d->kind == DZ_XZ)
		lzma_end(&d->x);
	else if (d->kind == DZ_ZSTD)
		ZSTD_freeDStream(d->zs);
	int rc = d->close_in ? fclose(d->in) : 0;
	free(d);
	return rc;
}

FILE *dz_open(FILE *in, bool close_in, struct dz **dzp, char *err, size_t errlen)
{
	struct dz *d = xcalloc(1, sizeof *d);
	*dzp = NULL;
	d->in = in;
	d->close_in = close_in;
	d->fd = fileno(in);
	d->have = fread(d->buf, 1, DZ_MAGIC, in);
	d->in_eof = d->have < DZ_MAGIC;
	d->kind = dz_sniff(d->buf, d->have);
	/* A file that can seek: a plain one is read directly, a compressed one again from its
	 * start; a stream gives its sniffed bytes first. */
	if (fseek(in, 0, SEEK_SET) == 0) {
		if (d->kind == DZ_PLAIN) {
			free(d);
			return in;
		}
		d->have = 0;
		d->in_eof = false;
	}
	bool ok = true;
	if (d->kind == DZ_GZIP)
		ok = inflateInit2(&d->z, 15 + 16) == Z_OK; /* 16: a gzip header, RFC 1952 */
	else if (d->kind == DZ_XZ)
		ok = lzma_stream_decoder(&d->x, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
	else if (d->kind == DZ_ZSTD)
		ok = (d->zs = ZSTD_createDStream()) != NULL && (d->zs_hint = 1);
	cookie_io_functions_t io = {.read = dz_read, .close = dz_close};
	FILE *f = ok ? fopencookie(d, "rb", io) : NULL;
	if (!f) {
		snprintf(err, errlen, "cannot start the %s decoder", dz_kind_name(d->kind));
		d->close_in = false;
		dz_close(d);
		return NULL;
	}
	*dzp = d;
	return f;
}

int dz_fd(const struct dz *d)
{
	return d->fd;
}

enum dz_kind dz_kind_of(const struct dz *d)
{
	return d ? d->kind : DZ_PLAIN;
}

const char *dz_failure(const struct dz *d)
{
	return d && d->err[0] ? d->err : NULL;
}
