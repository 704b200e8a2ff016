/*
 * zread.c - files read through gzip or bzip2 when their magic says so
 * (zread.h).
 *
 * Two buffers: `in` holds what was read from the file (ZREAD_IN bytes a
 * read(2)), `out` what was decompressed from it, handed out in place.
 * `out` starts at ZREAD_OUT bytes, large enough that a record reader
 * refills it a few hundred times for a 100 MB table dump, and grows
 * only for a single request larger than it.  A plain file skips `in`
 * (after the few bytes read to tell its kind) and is read straight into
 * `out`.
 *
 * Members and streams: gzip (RFC 1952 2.2) and bzip2 files may be
 * concatenations; when one member ends, what follows must be the next
 * member's magic, or the end of the file.  Anything else is reported
 * (zread_error()) after the data before it was handed out, as are a
 * stream that ends mid-member (a truncated download) and one that
 * does not decompress.  vrp_decompress.c does the same for whole VRP
 * documents in memory, where it also caps the size; it keeps its own
 * driver: it must not stream a document it then refuses whole.
 */
#include <sys/stat.h>

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/zread.h"

#define ZREAD_IN	(256 * 1024)
/* What is handed out; it grows for a longer record.  Small enough to
 * stay in L2 while the records are read where they lie, as the pcap
 * reader's buffer (capture_file.c): with 1 MiB an MRT full table took
 * 108.6/120.0 ms, with 128 KiB 104.6/108.7 (perf stat -r 8, busy). */
#define ZREAD_OUT	(128 * 1024)

struct zread {
	int		 fd;
	enum zread_kind	 kind;
	uint8_t		*in;		/* compressed bytes read */
	size_t		 in_pos, in_len;
	bool		 in_eof;
	uint8_t		*out;		/* decompressed bytes */
	size_t		 out_pos, out_len, out_cap;
	z_stream	 zs;
	bz_stream	 bs;
	bool		 dec_live;	/* zs or bs initialised */
	bool		 member_done;	/* between members/streams */
	bool		 end;		/* no more output */
	uint64_t	 offset;	/* bytes consumed */
	uint64_t	 raw_off, raw_size;
	char		 err[160];	/* why the data ended early */
};

static void
set_err(struct zread *z, const char *fmt, const char *what)
{
	snprintf(z->err, sizeof(z->err), fmt, what);
	z->end = true;
}

/* Read more of the file into `in`: bytes read, 0 at its end, -1 error. */
static ssize_t
in_refill(struct zread *z)
{
	ssize_t n;

	if (z->in_pos > 0) {
		memmove(z->in, z->in + z->in_pos, z->in_len - z->in_pos);
		z->in_len -= z->in_pos;
		z->in_pos = 0;
	}
	if (z->in_eof || z->in_len == ZREAD_IN)
		return 0;
	do
		n = read(z->fd, z->in + z->in_len, ZREAD_IN - z->in_len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		set_err(z, "read error: %s", strerror(errno));
		return -1;
	}
	if (n == 0)
		z->in_eof = true;
	z->in_len += (size_t)n;
	z->raw_off += (uint64_t)n;
	return n;
}

/* At least n bytes in `in` unless the file ends first: how many. */
static size_t
in_have(struct zread *z, size_t n)
{
	while (z->in_len - z->in_pos < n && !z->in_eof && !z->end)
		if (in_refill(z) <= 0)
			break;
	return z->in_len - z->in_pos;
}

static bool
in_starts(struct zread *z, const char *magic, size_t n)
{
	return in_have(z, n) >= n && memcmp(z->in + z->in_pos, magic, n) == 0;
}

static bool
is_bzip2(struct zread *z)
{
	/* "BZh" and the block size, '1' to '9' */
	return in_starts(z, "BZh", 3) && in_have(z, 4) >= 4 &&
	    z->in[z->in_pos + 3] >= '1' && z->in[z->in_pos + 3] <= '9';
}

/* A new member begins (or, at the file's end, none): false then. */
static bool
next_member(struct zread *z)
{
	const char *name = z->kind == ZREAD_GZIP ? "gzip" : "bzip2";

	if (in_have(z, 1) == 0) {
		z->end = true;		/* where the file ends: clean */
		return false;
	}
	if (z->kind == ZREAD_GZIP && in_starts(z, "\x1f\x8b", 2)) {
		if (inflateReset(&z->zs) != Z_OK) {
			set_err(z, "%s: cannot restart the decoder", name);
			return false;
		}
	} else if (z->kind == ZREAD_BZIP2 && is_bzip2(z)) {
		if (BZ2_bzDecompressInit(&z->bs, 0, 0) != BZ_OK) {
			set_err(z, "%s: cannot restart the decoder", name);
			return false;
		}
		z->dec_live = true;
	} else {
		set_err(z, "%s: trailing bytes after the compressed data "
		    "(not another member)", name);
		return false;
	}
	z->member_done = false;
	return true;
}

/*
 * Read more input when the decoder has used all of it.  At the file's
 * end the decoder is still called: it may hold output back.  False on a
 * read error (reported).
 */
static bool
dec_input(struct zread *z)
{
	if (z->in_pos == z->in_len)
		(void)in_refill(z);
	return !z->end;
}

/* No output and no input left, mid-member: the file was cut. */
static void
dec_starved(struct zread *z)
{
	if (!z->member_done && !z->end && z->in_pos == z->in_len && z->in_eof)
		set_err(z, "%s stream truncated (the file ends mid-stream)",
		    z->kind == ZREAD_GZIP ? "gzip" : "bzip2");
}

/* Decompress into dst[0..room): bytes made, 0 at the end of the data. */
static size_t
gz_produce(struct zread *z, uint8_t *dst, size_t room)
{
	size_t made;
	int rc;

	for (;;) {
		if (z->end)
			return 0;
		if (z->member_done && !next_member(z))
			return 0;
		if (!dec_input(z))
			return 0;
		/* zlib's API is not const-correct; next_in is only read */
		z->zs.next_in = z->in + z->in_pos;
		z->zs.avail_in = (uInt)(z->in_len - z->in_pos);
		z->zs.next_out = dst;
		z->zs.avail_out = (uInt)(room > UINT32_MAX ? UINT32_MAX : room);
		rc = inflate(&z->zs, Z_NO_FLUSH);
		z->in_pos = (size_t)(z->zs.next_in - z->in);
		made = (size_t)(z->zs.next_out - dst);
		if (rc == Z_STREAM_END)
			z->member_done = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			set_err(z, "gzip stream corrupt (%s)", z->zs.msg != NULL ?
			    z->zs.msg : "data error");
		if (made > 0)
			return made;
		dec_starved(z);
	}
}

static size_t
bz_produce(struct zread *z, uint8_t *dst, size_t room)
{
	size_t made;
	int rc;

	for (;;) {
		if (z->end)
			return 0;
		if (z->member_done && !next_member(z))
			return 0;
		if (!dec_input(z))
			return 0;
		z->bs.next_in = (char *)(z->in + z->in_pos);
		z->bs.avail_in = (unsigned)(z->in_len - z->in_pos);
		z->bs.next_out = (char *)dst;
		z->bs.avail_out = (unsigned)(room > UINT32_MAX ? UINT32_MAX :
		    room);
		rc = BZ2_bzDecompress(&z->bs);
		z->in_pos = (size_t)((uint8_t *)z->bs.next_in - z->in);
		made = (size_t)((uint8_t *)z->bs.next_out - dst);
		if (rc == BZ_STREAM_END) {
			BZ2_bzDecompressEnd(&z->bs);
			z->dec_live = false;
			z->member_done = true;
		} else if (rc != BZ_OK)
			set_err(z, "bzip2 stream corrupt (%s)",
			    rc == BZ_MEM_ERROR ? "out of memory" :
			    rc == BZ_DATA_ERROR_MAGIC ? "bad magic" :
			    "data error");
		if (made > 0)
			return made;
		dec_starved(z);
	}
}

static size_t
plain_produce(struct zread *z, uint8_t *dst, size_t room)
{
	size_t n;
	ssize_t r;

	if (z->end)
		return 0;
	if (z->in_pos < z->in_len) {	/* the bytes read to tell the kind */
		n = z->in_len - z->in_pos;
		if (n > room)
			n = room;
		memcpy(dst, z->in + z->in_pos, n);
		z->in_pos += n;
		return n;
	}
	do
		r = read(z->fd, dst, room);
	while (r == -1 && errno == EINTR);
	if (r == -1) {
		set_err(z, "read error: %s", strerror(errno));
		return 0;
	}
	if (r == 0)
		z->end = true;
	z->raw_off += (uint64_t)r;
	return (size_t)r;
}

ssize_t
zread_fill(struct zread *z, size_t want, const uint8_t **p)
{
	size_t ncap, n;
	uint8_t *nb;

	if (z->out_len - z->out_pos < want) {
		if (z->out_cap - z->out_pos < want) {
			/* move the rest to the front; grow if still short */
			memmove(z->out, z->out + z->out_pos,
			    z->out_len - z->out_pos);
			z->out_len -= z->out_pos;
			z->out_pos = 0;
		}
		if (want > z->out_cap) {
			for (ncap = z->out_cap; ncap < want; ncap *= 2)
				;
			if ((nb = realloc(z->out, ncap)) == NULL)
				return -1;
			z->out = nb;
			z->out_cap = ncap;
		}
		while (z->out_len - z->out_pos < want) {
			n = z->kind == ZREAD_GZIP ?
			    gz_produce(z, z->out + z->out_len,
			    z->out_cap - z->out_len) : z->kind == ZREAD_BZIP2 ?
			    bz_produce(z, z->out + z->out_len,
			    z->out_cap - z->out_len) :
			    plain_produce(z, z->out + z->out_len,
			    z->out_cap - z->out_len);
			if (n == 0)
				break;
			z->out_len += n;
		}
	}
	*p = z->out + z->out_pos;
	n = z->out_len - z->out_pos;
	return (ssize_t)(n < want ? n : want);
}

void
zread_consume(struct zread *z, size_t n)
{
	if (n > z->out_len - z->out_pos)
		n = z->out_len - z->out_pos;
	z->out_pos += n;
	z->offset += n;
}

ssize_t
zread_read(struct zread *z, void *buf, size_t n)
{
	const uint8_t *p;
	size_t have = z->out_len - z->out_pos;
	ssize_t got;

	if (n == 0)
		return 0;
	if (have == 0 && (got = zread_fill(z, 1, &p)) <= 0)
		return got;
	have = z->out_len - z->out_pos;
	if (n > have)
		n = have;
	memcpy(buf, z->out + z->out_pos, n);
	zread_consume(z, n);
	return (ssize_t)n;
}

struct zread *
zread_fdopen(int fd)
{
	struct zread *z;
	struct stat st;
	int saved;

	if ((z = calloc(1, sizeof(*z))) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	z->fd = fd;
	if ((z->in = malloc(ZREAD_IN)) == NULL ||
	    (z->out = malloc(ZREAD_OUT)) == NULL)
		goto nomem;
	z->out_cap = ZREAD_OUT;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		z->raw_size = (uint64_t)st.st_size;
	/* the kind from the magic: gzip's ID1 ID2 CM=8, bzip2's BZh1-9 */
	if (in_starts(z, "\x1f\x8b\x08", 3)) {
		if (inflateInit2(&z->zs, 16 + MAX_WBITS) != Z_OK)
			goto nomem;
		z->kind = ZREAD_GZIP;
		z->dec_live = true;
	} else if (is_bzip2(z)) {
		if (BZ2_bzDecompressInit(&z->bs, 0, 0) != BZ_OK)
			goto nomem;
		z->kind = ZREAD_BZIP2;
		z->dec_live = true;
	}
	if (z->err[0] != '\0' && z->in_len == 0) {
		/* not one byte could be read: an open that failed */
		errno = EIO;
		zread_close(z);
		return NULL;
	}
	return z;
nomem:
	zread_close(z);
	errno = ENOMEM;
	return NULL;
}

struct zread *
zread_open(const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	return zread_fdopen(fd);
}

void
zread_close(struct zread *z)
{
	if (z == NULL)
		return;
	if (z->dec_live && z->kind == ZREAD_GZIP)
		inflateEnd(&z->zs);
	else if (z->dec_live && z->kind == ZREAD_BZIP2)
		BZ2_bzDecompressEnd(&z->bs);
	close(z->fd);
	free(z->in);
	free(z->out);
	free(z);
}

enum zread_kind
zread_kind(const struct zread *z)
{
	return z->kind;
}

const char *
zread_kind_name(const struct zread *z)
{
	return z->kind == ZREAD_GZIP ? "gzip" : z->kind == ZREAD_BZIP2 ?
	    "bzip2" : NULL;
}

uint64_t
zread_offset(const struct zread *z)
{
	return z->offset;
}

uint64_t
zread_raw_offset(const struct zread *z)
{
	return z->raw_off;
}

uint64_t
zread_raw_size(const struct zread *z)
{
	return z->raw_size;
}

const char *
zread_error(const struct zread *z)
{
	return z->err[0] != '\0' ? z->err : NULL;
}
