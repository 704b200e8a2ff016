/* filetype.c - what a file that is not a capture is (filetype.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "base/cursor.h"
#include "capture/filetype.h"

/* RFC 6396 4 (and RFC 8050 for the subtypes past 6): the MRT types. */
static const char *
mrt_type_name(uint16_t type)
{
	switch (type) {
	case 5: return "BGP (deprecated)";
	case 12: return "TABLE_DUMP";
	case 13: return "TABLE_DUMP_V2";
	case 16: return "BGP4MP";
	case 17: return "BGP4MP_ET";
	case 32: return "ISIS";
	case 33: return "ISIS_ET";
	case 48: return "OSPFv3";
	case 49: return "OSPFv3_ET";
	default: return NULL;
	}
}

/* Larger than any record of a real dump (a full RIB entry is a few KiB;
 * BGP messages are at most 64 KiB, RFC 8654). */
#define MRT_LEN_MAX	(1u << 24)

/* One MRT common header at c; its type name, or NULL. */
static const char *
mrt_header(struct cursor *c)
{
	uint32_t ts, len;
	uint16_t type, subtype;
	const char *name;

	if (cursor_get_u32(c, &ts) == -1 || cursor_get_u16(c, &type) == -1 ||
	    cursor_get_u16(c, &subtype) == -1 || cursor_get_u32(c, &len) == -1)
		return NULL;
	/* Subtypes are small: AFIs for TABLE_DUMP, 0..12 elsewhere. */
	if ((name = mrt_type_name(type)) == NULL || subtype > 64 ||
	    len == 0 || len > MRT_LEN_MAX)
		return NULL;
	/* A second record must follow where this one ends, if in view. */
	if (cursor_skip(c, len) == -1)
		return name;
	if (cursor_left(c) < 12)
		return name;
	return mrt_header(c) != NULL ? name : NULL;
}

static const char *
mrt_type(const uint8_t *head, size_t len)
{
	struct cursor c;

	cursor_init(&c, head, len);
	return mrt_header(&c);
}

bool
filetype_is_mrt(const uint8_t *head, size_t len)
{
	return mrt_type(head, len) != NULL;
}

/* The head starts with the len bytes of magic. */
static bool
starts(const uint8_t *head, size_t len, const uint8_t *magic, size_t mlen)
{
	return len >= mlen && memcmp(head, magic, mlen) == 0;
}

bool
filetype_is_capture(const uint8_t *p, size_t len)
{
	static const uint8_t magics[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0x0a, 0x0d, 0x0d, 0x0a },	/* pcapng section header */
	};
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (starts(p, len, magics[i], 4))
			return true;
	return false;
}

/* Inflate the start of a gzip member into out; the bytes made. */
static size_t
gunzip_head(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	z_stream z;
	size_t n;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return 0;
	/* zlib's API is not const-correct; inflate() only reads next_in. */
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	z.next_out = out;
	z.avail_out = (uInt)outlen;
	(void)inflate(&z, Z_SYNC_FLUSH);	/* a partial head is expected */
	n = outlen - z.avail_out;
	inflateEnd(&z);
	return n;
}

const char *
filetype_explain(const uint8_t *head, size_t len, const char *name,
    char *buf, size_t buflen)
{
	static const struct {
		const uint8_t	magic[6];
		size_t		len;
		const char	*what, *cat;
	} zips[] = {
		{ { 'B', 'Z', 'h' }, 3, "a bzip2", "bzcat" },
		{ { 0xfd, '7', 'z', 'X', 'Z', 0 }, 6, "an xz", "xzcat" },
		{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, "a zstd", "zstdcat" },
	};
	static const uint8_t gzip[] = { 0x1f, 0x8b, 8 };	/* deflate */
	uint8_t inner[1024];
	const char *mrt;
	size_t i, n;

	if ((mrt = mrt_type(head, len)) != NULL) {
		snprintf(buf, buflen, "an MRT file (RFC 6396, %s records), not "
		    "a packet capture: rovmon reads pcap and pcapng; MRT dumps "
		    "are read by bgpdump or bgpreader", mrt);
		return buf;
	}
	if (starts(head, len, gzip, sizeof(gzip))) {
		n = gunzip_head(head, len, inner, sizeof(inner));
		if ((mrt = mrt_type(inner, n)) != NULL)
			snprintf(buf, buflen, "a gzip-compressed MRT file (RFC "
			    "6396, %s records), not a packet capture: rovmon "
			    "reads pcap and pcapng; MRT dumps are read by bgpdump "
			    "or bgpreader", mrt);
		else if (filetype_is_capture(inner, n))
			snprintf(buf, buflen, "a gzip-compressed capture: "
			    "decompress it on the way in: zcat %s | rovmon -r -",
			    name);
		else
			snprintf(buf, buflen, "a gzip-compressed file: if it "
			    "holds a capture, decompress it on the way in: zcat "
			    "%s | rovmon -r -", name);
		return buf;
	}
	for (i = 0; i < sizeof(zips) / sizeof(zips[0]); i++)
		if (starts(head, len, zips[i].magic, zips[i].len)) {
			snprintf(buf, buflen, "%s-compressed file: if it holds "
			    "a capture, decompress it on the way in: %s %s | "
			    "rovmon -r -", zips[i].what, zips[i].cat, name);
			return buf;
		}
	return NULL;
}
