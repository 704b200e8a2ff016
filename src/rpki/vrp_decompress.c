/*
 * vrp_decompress.c - gzip (zlib) and bzip2 (libbz2) VRP documents into
 * memory (vrp_decompress.h).
 *
 * One driver, two codecs: the driver owns the output buffer (first
 * sized for VRP JSON's ratio, grown by doubling up to VRP_MAX_BYTES),
 * the loop, the check that what follows a finished member is another
 * member, and the one log line on failure; a codec only wraps its
 * library's init, step, restart and end.
 */
#include <bzlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/log.h"
#include "rpki/vrp.h"
#include "rpki/vrp_decompress.h"

/* A codec's stream: the library's own state. */
union dec_stream {
	z_stream	 z;
	bz_stream	 b;
};

struct dec_codec {
	const char	*magic;		/* what starts another member */
	size_t		 magic_len;
	const char	*garbage;	/* message: not another member */
	/* 0 or -1; the input is in[0..len), len <= UINT32_MAX */
	int		(*init)(union dec_stream *, const uint8_t *in,
			    size_t len);
	/*
	 * Decompress into out[0..avail): *left gets the output room left.
	 * true at the end of a member; an error sets *err.
	 */
	bool		(*step)(union dec_stream *, uint8_t *out, size_t avail,
			    size_t *left, const char **err);
	/* The input not consumed yet. */
	const uint8_t	*(*rest)(const union dec_stream *, size_t *len);
	/* Start the next member; NULL, or what went wrong. */
	const char	*(*restart)(union dec_stream *);
	void		(*end)(union dec_stream *);
};

/* ---- gzip ---- */

static int
gz_init(union dec_stream *s, const uint8_t *in, size_t len)
{
	if (inflateInit2(&s->z, 15 + 16) != Z_OK)
		return -1;
	s->z.next_in = (Bytef *)(uintptr_t)in;
	s->z.avail_in = (uInt)len;
	return 0;
}

static bool
gz_step(union dec_stream *s, uint8_t *out, size_t avail, size_t *left,
    const char **err)
{
	int rc;

	s->z.next_out = out;
	s->z.avail_out = (uInt)avail;
	rc = inflate(&s->z, Z_NO_FLUSH);
	*left = s->z.avail_out;
	if (rc == Z_STREAM_END)
		return true;
	if (rc == Z_BUF_ERROR && s->z.avail_in == 0)
		*err = "truncated gzip data";
	else if (rc != Z_OK && rc != Z_BUF_ERROR)
		*err = s->z.msg != NULL ? s->z.msg : "gzip error";
	return false;
}

static const uint8_t *
gz_rest(const union dec_stream *s, size_t *len)
{
	*len = s->z.avail_in;
	return s->z.next_in;
}

static const char *
gz_restart(union dec_stream *s)
{
	inflateReset(&s->z);
	return NULL;
}

static void
gz_end(union dec_stream *s)
{
	inflateEnd(&s->z);
}

static const struct dec_codec gzip_codec = {
	"\x1f\x8b", 2, "garbage after the gzip data",
	gz_init, gz_step, gz_rest, gz_restart, gz_end,
};

/* ---- bzip2 ---- */

static int
bz_init(union dec_stream *s, const uint8_t *in, size_t len)
{
	if (BZ2_bzDecompressInit(&s->b, 0, 0) != BZ_OK)
		return -1;
	s->b.next_in = (char *)(uintptr_t)in;
	s->b.avail_in = (unsigned)len;
	return 0;
}

static bool
bz_step(union dec_stream *s, uint8_t *out, size_t avail, size_t *left,
    const char **err)
{
	int rc;

	s->b.next_out = (char *)out;
	s->b.avail_out = (unsigned)avail;
	rc = BZ2_bzDecompress(&s->b);
	*left = s->b.avail_out;
	if (rc == BZ_STREAM_END)
		return true;
	if (rc == BZ_OK && s->b.avail_in == 0 && s->b.avail_out > 0)
		*err = "truncated bzip2 data";
	else if (rc != BZ_OK)
		*err = "corrupt bzip2 data";
	return false;
}

static const uint8_t *
bz_rest(const union dec_stream *s, size_t *len)
{
	*len = s->b.avail_in;
	return (const uint8_t *)s->b.next_in;
}

/* pbzip2 writes whole streams one after another: a new decoder each. */
static const char *
bz_restart(union dec_stream *s)
{
	char *in = s->b.next_in;
	unsigned len = s->b.avail_in;

	BZ2_bzDecompressEnd(&s->b);
	if (BZ2_bzDecompressInit(&s->b, 0, 0) != BZ_OK)
		return "bzip2 error";
	s->b.next_in = in;
	s->b.avail_in = len;
	return NULL;
}

static void
bz_end(union dec_stream *s)
{
	BZ2_bzDecompressEnd(&s->b);
}

static const struct dec_codec bzip2_codec = {
	"BZh", 3, "garbage after the bzip2 data",
	bz_init, bz_step, bz_rest, bz_restart, bz_end,
};

/* ---- the driver ---- */

static int
out_grow(uint8_t **out, size_t *cap, size_t used)
{
	uint8_t *n;
	size_t ncap;

	if (used < *cap)
		return 0;
	if (*cap >= VRP_MAX_BYTES)
		return -1;
	ncap = *cap * 2;
	if (ncap > VRP_MAX_BYTES)
		ncap = VRP_MAX_BYTES;
	if ((n = realloc(*out, ncap)) == NULL)
		return -1;
	*out = n;
	*cap = ncap;
	vrp_mem_hint(n + used, ncap - used);
	return 0;
}

/*
 * All members of in[0..len) with codec c; -1 logged.  VRP JSON shrinks
 * about 26:1 (bzip2) to 32:1 (gzip): the first buffer is sized for that,
 * since untouched pages cost nothing and realloc copies do.
 */
static int
dec_run(const char *name, const struct dec_codec *c, const uint8_t *in,
    size_t len, uint8_t **out, size_t *outlen)
{
	union dec_stream s;
	size_t cap = len < 2048 ? 65536 : len * 32, used = 0, left, restlen;
	const uint8_t *rest;
	const char *err = NULL;

	if (len > UINT32_MAX) {
		log_warnx("%s: compressed data too large", name);
		return -1;
	}
	if (cap > VRP_MAX_BYTES)
		cap = VRP_MAX_BYTES;
	if ((*out = malloc(cap)) == NULL) {
		log_warn("%s", name);
		return -1;
	}
	vrp_mem_hint(*out, cap);
	memset(&s, 0, sizeof(s));
	if (c->init(&s, in, len) == -1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	while (err == NULL) {
		if (out_grow(out, &cap, used) == -1) {
			err = "larger than the size cap when decompressed";
			break;
		}
		if (!c->step(&s, *out + used, cap - used, &left, &err)) {
			used = cap - left;
			continue;
		}
		used = cap - left;
		rest = c->rest(&s, &restlen);
		if (restlen == 0)
			break;
		if (restlen < c->magic_len ||
		    memcmp(rest, c->magic, c->magic_len) != 0)
			err = c->garbage;
		else
			err = c->restart(&s);
	}
	c->end(&s);
	if (err != NULL) {
		log_warnx("%s: %s", name, err);
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = used;
	return 0;
}

enum vrp_decompress_result
vrp_decompress(const char *name, const uint8_t *buf, size_t len,
    uint8_t **out, size_t *outlen)
{
	const struct dec_codec *c = NULL;

	*out = NULL;
	*outlen = 0;
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		c = &gzip_codec;
	else if (len >= 4 && memcmp(buf, "BZh", 3) == 0 && buf[3] >= '1' &&
	    buf[3] <= '9')
		c = &bzip2_codec;
	if (c == NULL)
		return VRP_DECOMPRESS_PLAIN;
	if (dec_run(name, c, buf, len, out, outlen) == -1)
		return VRP_DECOMPRESS_ERROR;
	return VRP_DECOMPRESS_DONE;
}
