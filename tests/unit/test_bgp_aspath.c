/*
 * test_bgp_aspath.c - AS_PATH/AS4_PATH decoding, the RFC 6793 4.2.3
 * merge, path length counting and origin derivation (RFC 6811 2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/bgp_aspath.h"

struct buf {
	uint8_t		b[70000];
	size_t		n;
};

static struct buf wire;

static void
put8(struct buf *b, unsigned v)
{
	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (uint8_t)v;
}

static void
put_asn(struct buf *b, int w, uint32_t v)
{
	if (w == 4) {
		put8(b, v >> 24);
		put8(b, v >> 16);
	}
	put8(b, v >> 8);
	put8(b, v);
}

/* Append a segment: type, count n, then n ASNs of width w. */
static void
seg(struct buf *b, unsigned type, int w, int n, ...)
{
	va_list ap;
	int i;

	put8(b, type);
	put8(b, (unsigned)n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		put_asn(b, w, va_arg(ap, uint32_t));
	va_end(ap);
}

/* Decode wire into b (asserting the result code rv). */
static void
decode(struct bgp_aspath_buf *b, const struct buf *w, bool as4, bool drop,
    int rv)
{
	struct cursor c;
	const char *why = NULL;

	cursor_init(&c, w->b, w->n);
	assert_int_equal(bgp_aspath_decode(b, &c, as4, drop, &why), rv);
	if (rv == ASPATH_MALFORMED)
		assert_non_null(why);
	assert_int_equal(bgp_aspath_check(&c, as4, NULL),
	    rv == ASPATH_OK ? 0 : -1);
}

static char
seg_open(uint8_t type)
{
	return type == AS_SET ? '{' : type == AS_CONFED_SEQUENCE ? '(' : '[';
}

static char
seg_close(uint8_t type)
{
	return type == AS_SET ? '}' : type == AS_CONFED_SEQUENCE ? ')' : ']';
}

/*
 * Compare b's segments with a text form: AS_SEQUENCE bare, AS_SET {..},
 * AS_CONFED_SEQUENCE (..), AS_CONFED_SET [..]; check the invariants.
 */
static void
expect_path(const struct bgp_aspath_buf *b, const char *want)
{
	char got[512];
	size_t off = 0;
	uint32_t i, j;

	got[0] = '\0';
	for (i = 0; i < b->nseg; i++) {
		const struct bgp_as_segment *s = &b->seg[i];
		bool set = s->type != AS_SEQUENCE;

		if (off > 0)
			got[off++] = ' ';
		if (set)
			got[off++] = seg_open(s->type);
		for (j = 0; j < s->count; j++)
			off += (size_t)snprintf(got + off, sizeof(got) - off,
			    "%s%u", j > 0 ? " " : "", b->asns[s->start + j]);
		if (set)
			got[off++] = seg_close(s->type);
		got[off] = '\0';
		assert_true(off < sizeof(got) - 16);
	}
	assert_string_equal(got, want);
	for (i = 0, j = 0; i < b->nseg; i++) {
		assert_int_equal(b->seg[i].start, j);
		assert_true(b->seg[i].count >= 1);
		j += b->seg[i].count;
	}
	assert_int_equal(j, b->nasn);
}

static void
test_decode_inflate(void **state)
{
	struct bgp_aspath_buf b = { 0 };

	(void)state;
	wire.n = 0;
	seg(&wire, AS_SEQUENCE, 2, 3, 100u, 65535u, 23456u);
	seg(&wire, AS_SET, 2, 2, 1u, 2u);
	decode(&b, &wire, false, false, ASPATH_OK);
	expect_path(&b, "100 65535 23456 {1 2}");
	assert_int_equal(bgp_aspath_length(&b), 4);

	wire.n = 0;
	seg(&wire, AS_CONFED_SEQUENCE, 4, 2, 65001u, 65002u);
	seg(&wire, AS_SEQUENCE, 4, 2, 4200000000u, 7u);
	seg(&wire, AS_CONFED_SET, 4, 1, 65003u);
	decode(&b, &wire, true, false, ASPATH_OK);
	expect_path(&b, "(65001 65002) 4200000000 7 [65003]");
	assert_int_equal(bgp_aspath_length(&b), 2);	/* confeds count 0 */
	/* drop_confed (AS4_PATH, RFC 6793 6) */
	decode(&b, &wire, true, true, ASPATH_OK);
	expect_path(&b, "4200000000 7");

	wire.n = 0;
	decode(&b, &wire, true, false, ASPATH_OK);	/* empty path */
	assert_int_equal(b.nseg, 0);
	bgp_aspath_buf_free(&b);
	bgp_aspath_buf_free(NULL);
}

static void
test_decode_malformed(void **state)
{
	struct bgp_aspath_buf b = { 0 };
	bool as0;
	struct cursor c;

	(void)state;
	wire.n = 0;
	seg(&wire, AS_SEQUENCE, 4, 2, 1u, 2u);
	wire.n--;					/* overrun */
	decode(&b, &wire, true, false, ASPATH_MALFORMED);
	wire.n = 0;
	put8(&wire, AS_SEQUENCE);
	put8(&wire, 0);					/* zero count */
	decode(&b, &wire, true, false, ASPATH_MALFORMED);
	wire.n = 0;
	seg(&wire, 0, 2, 1, 1u);			/* type 0 */
	decode(&b, &wire, false, false, ASPATH_MALFORMED);
	wire.n = 0;
	seg(&wire, 5, 2, 1, 1u);			/* type 5 */
	decode(&b, &wire, false, false, ASPATH_MALFORMED);
	wire.n = 0;
	seg(&wire, AS_SEQUENCE, 2, 1, 1u);
	put8(&wire, AS_SEQUENCE);			/* trailing octet */
	decode(&b, &wire, false, false, ASPATH_MALFORMED);

	/* check() reports AS 0 */
	wire.n = 0;
	seg(&wire, AS_SEQUENCE, 2, 2, 5u, 0u);
	cursor_init(&c, wire.b, wire.n);
	assert_int_equal(bgp_aspath_check(&c, false, &as0), 0);
	assert_true(as0);
	assert_int_equal(bgp_aspath_check(&c, true, &as0), -1);
	bgp_aspath_buf_free(&b);
}

/* Merge helper: AS_PATH (2-octet wire p2) + AS4_PATH (4-octet p4). */
static void
merge(const struct buf *p2, const struct buf *p4, const char *want)
{
	struct bgp_aspath_buf b = { 0 }, b4 = { 0 };

	decode(&b, p2, false, false, ASPATH_OK);
	decode(&b4, p4, true, true, ASPATH_OK);
	assert_int_equal(bgp_aspath_merge_as4(&b, &b4), ASPATH_OK);
	expect_path(&b, want);
	bgp_aspath_buf_free(&b);
	bgp_aspath_buf_free(&b4);
}

static void
test_merge(void **state)
{
	static struct buf p2, p4;

	(void)state;
	/* RFC 6793 example shape: 2 leading ASNs kept */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 4, 1u, 2u, 23456u, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 2, 70000u, 70001u);
	merge(&p2, &p4, "1 2 70000 70001");

	/* equal lengths: AS4_PATH replaces everything */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 2, 23456u, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 2, 70000u, 70001u);
	merge(&p2, &p4, "70000 70001");

	/* AS4_PATH longer: ignored */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 1, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 2, 70000u, 70001u);
	merge(&p2, &p4, "23456");

	/* AS_SET counts 1: AS_PATH {1 2 3} 23456 (len 2) + AS4 70000 */
	p2.n = p4.n = 0;
	seg(&p2, AS_SET, 2, 3, 1u, 2u, 3u);
	seg(&p2, AS_SEQUENCE, 2, 1, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 1, 70000u);
	merge(&p2, &p4, "{1 2 3} 70000");

	/* AS4_PATH ending in an AS_SET */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 3, 9u, 23456u, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 1, 70000u);
	seg(&p4, AS_SET, 4, 2, 70001u, 70002u);
	merge(&p2, &p4, "9 70000 {70001 70002}");

	/* leading confed kept even when nothing else is */
	p2.n = p4.n = 0;
	seg(&p2, AS_CONFED_SEQUENCE, 2, 2, 65001u, 65002u);
	seg(&p2, AS_SEQUENCE, 2, 1, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 1, 70000u);
	merge(&p2, &p4, "(65001 65002) 70000");

	/* confed adjacent to a cut sequence is kept, and compacted */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 3, 5u, 6u, 7u);
	seg(&p2, AS_CONFED_SET, 2, 1, 65009u);
	seg(&p2, AS_SEQUENCE, 2, 1, 23456u);
	seg(&p4, AS_SEQUENCE, 4, 3, 70000u, 70001u, 70002u);
	merge(&p2, &p4, "5 [65009] 70000 70001 70002");

	/* confed segments inside AS4_PATH are dropped (RFC 6793 6) */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 2, 5u, 23456u);
	seg(&p4, AS_CONFED_SEQUENCE, 4, 1, 65001u);
	seg(&p4, AS_SEQUENCE, 4, 1, 70000u);
	merge(&p2, &p4, "5 70000");

	/* empty AS4_PATH: AS_PATH unchanged */
	p2.n = p4.n = 0;
	seg(&p2, AS_SEQUENCE, 2, 2, 5u, 6u);
	merge(&p2, &p4, "5 6");
}

static void
test_origin(void **state)
{
	struct bgp_aspath_buf b = { 0 };
	struct bgp_aspath v;
	enum bgp_origin_kind k;
	uint32_t as;

	(void)state;
	wire.n = 0;
	decode(&b, &wire, true, false, ASPATH_OK);
	bgp_aspath_view(&b, &v);
	bgp_aspath_origin(&v, 64500, &k, &as);
	assert_int_equal(k, ORIGIN_AS_PEER);
	assert_int_equal(as, 64500);
	bgp_aspath_origin(&v, 0, &k, &as);
	assert_int_equal(k, ORIGIN_AS_NONE);
	assert_int_equal(as, 0);

	seg(&wire, AS_SEQUENCE, 4, 2, 1u, 4200000001u);
	decode(&b, &wire, true, false, ASPATH_OK);
	bgp_aspath_view(&b, &v);
	bgp_aspath_origin(&v, 64500, &k, &as);
	assert_int_equal(k, ORIGIN_AS_SEQ);
	assert_int_equal(as, 4200000001u);

	seg(&wire, AS_SET, 4, 1, 9u);
	decode(&b, &wire, true, false, ASPATH_OK);
	bgp_aspath_view(&b, &v);
	bgp_aspath_origin(&v, 64500, &k, &as);
	assert_int_equal(k, ORIGIN_AS_SET);
	assert_int_equal(as, 0);

	wire.n = 0;
	seg(&wire, AS_CONFED_SEQUENCE, 4, 1, 65001u);
	decode(&b, &wire, true, false, ASPATH_OK);
	bgp_aspath_view(&b, &v);
	bgp_aspath_origin(&v, 64500, &k, &as);
	assert_int_equal(k, ORIGIN_AS_CONFED);
	bgp_aspath_buf_free(&b);
}

/* A long path grows the buffers once; later decodes reuse them. */
static void
test_growth(void **state)
{
	struct bgp_aspath_buf b = { 0 };
	const uint32_t *asns;
	int i, j;

	(void)state;
	wire.n = 0;
	for (i = 0; i < 120; i++) {
		put8(&wire, AS_SEQUENCE);
		put8(&wire, 255);
		for (j = 0; j < 255; j++)
			put_asn(&wire, 2, (uint32_t)(i * 255 + j + 1) & 0xffff);
	}
	decode(&b, &wire, false, false, ASPATH_OK);
	assert_int_equal(b.nseg, 120);
	assert_int_equal(b.nasn, 120 * 255);
	assert_int_equal(bgp_aspath_length(&b), 120 * 255);
	asns = b.asns;
	decode(&b, &wire, false, false, ASPATH_OK);
	assert_ptr_equal(b.asns, asns);
	bgp_aspath_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_inflate),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
