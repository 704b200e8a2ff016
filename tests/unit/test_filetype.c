/*
 * test_filetype.c - files that are not captures, named by their first
 * bytes: MRT by its header layout (RFC 6396 2), compressed files by their
 * magic, gzip also by what it holds.  Inputs are built here from the
 * specifications, byte by byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "capture/filetype.h"

/* One MRT record: timestamp, type, subtype, length, then len bytes. */
static size_t
mrt_record(uint8_t *p, uint16_t type, uint16_t subtype, uint32_t len)
{
	static const uint8_t ts[4] = { 0x65, 0x53, 0xf1, 0x00 };

	memcpy(p, ts, 4);
	p[4] = (uint8_t)(type >> 8);
	p[5] = (uint8_t)type;
	p[6] = (uint8_t)(subtype >> 8);
	p[7] = (uint8_t)subtype;
	p[8] = (uint8_t)(len >> 24);
	p[9] = (uint8_t)(len >> 16);
	p[10] = (uint8_t)(len >> 8);
	p[11] = (uint8_t)len;
	memset(p + 12, 0xab, len);
	return 12 + len;
}

static const char *
explain(const uint8_t *p, size_t n, char *buf, size_t len)
{
	return filetype_explain(p, n, "F", buf, len);
}

static void
test_mrt(void **state)
{
	static const uint16_t types[] = { 12, 13, 16, 17, 32, 33, 48, 49 };
	uint8_t b[256];
	char buf[512];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = mrt_record(b, types[i], 1, 20);
		n += mrt_record(b + n, types[i], 1, 8);
		assert_non_null(explain(b, n, buf, sizeof(buf)));
		assert_non_null(strstr(buf, "an MRT file (RFC 6396, "));
	}
	n = mrt_record(b, 13, 2, 20);
	explain(b, n, buf, sizeof(buf));
	assert_string_equal(buf, "an MRT file (RFC 6396, TABLE_DUMP_V2 "
	    "records), not a packet capture: rovmon reads pcap and pcapng; "
	    "MRT dumps are read by bgpdump or bgpreader");
	/* Not MRT: an unknown type, a huge subtype, length 0, a record
	 * followed by something that is not one, a short header. */
	n = mrt_record(b, 14, 1, 20);
	assert_null(explain(b, n, buf, sizeof(buf)));
	n = mrt_record(b, 16, 4000, 20);
	assert_null(explain(b, n, buf, sizeof(buf)));
	n = mrt_record(b, 16, 4, 0);
	assert_null(explain(b, n, buf, sizeof(buf)));
	n = mrt_record(b, 16, 4, 20);
	n += mrt_record(b + n, 99, 4, 20);
	assert_null(explain(b, n, buf, sizeof(buf)));
	n = mrt_record(b, 16, 4, 20);
	assert_null(explain(b, 11, buf, sizeof(buf)));
	assert_null(explain(b, 0, buf, sizeof(buf)));
}

/* gzip (RFC 1952) of in, through zlib's gzip wrapper. */
static size_t
gzip(const uint8_t *in, size_t n, uint8_t *out, size_t outlen)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)outlen;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = outlen - z.avail_out;
	deflateEnd(&z);
	return n;
}

static void
test_compressed(void **state)
{
	static const uint8_t pcap[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4 };
	static const uint8_t text[] = "hello, world\n";
	static const uint8_t bz[] = { 'B', 'Z', 'h', '9', 0x31, 0x41 };
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4 };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x24 };
	uint8_t b[256], z[512];
	char buf[512];
	size_t n;

	(void)state;
	n = gzip(pcap, sizeof(pcap), z, sizeof(z));
	assert_non_null(explain(z, n, buf, sizeof(buf)));
	assert_string_equal(buf, "a gzip-compressed capture: decompress it on "
	    "the way in: zcat F | rovmon -r -");
	n = mrt_record(b, 16, 4, 30);
	n = gzip(b, n, z, sizeof(z));
	explain(z, n, buf, sizeof(buf));
	assert_non_null(strstr(buf, "a gzip-compressed MRT file (RFC 6396, "
	    "BGP4MP records)"));
	n = gzip(text, sizeof(text), z, sizeof(z));
	explain(z, n, buf, sizeof(buf));
	assert_string_equal(buf, "a gzip-compressed file: if it holds a "
	    "capture, decompress it on the way in: zcat F | rovmon -r -");
	/* A truncated gzip head still says gzip. */
	assert_non_null(explain(z, 3, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "a gzip-compressed file"));
	explain(bz, sizeof(bz), buf, sizeof(buf));
	assert_non_null(strstr(buf, "a bzip2-compressed file: "));
	assert_non_null(strstr(buf, "bzcat F | rovmon -r -"));
	explain(xz, sizeof(xz), buf, sizeof(buf));
	assert_non_null(strstr(buf, "an xz-compressed file: "));
	explain(zst, sizeof(zst), buf, sizeof(buf));
	assert_non_null(strstr(buf, "a zstd-compressed file: "));
	/* Captures and text are not explained (libpcap's word stands). */
	assert_null(explain(pcap, sizeof(pcap), buf, sizeof(buf)));
	assert_null(explain(text, sizeof(text), buf, sizeof(buf)));
	assert_null(explain(bz, 2, buf, sizeof(buf)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrt),
		cmocka_unit_test(test_compressed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
