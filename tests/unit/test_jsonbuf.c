/*
 * test_jsonbuf.c - the bounded appends: cuts and the overflow mark;
 * numbers; addresses and prefixes byte for byte as inet_ntop(3) and
 * prefix_fmt() write them, on crafted zero-run patterns and a million
 * random addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "base/addr.h"
#include "base/jsonbuf.h"

static void
test_cut(void **state)
{
	char buf[8];
	size_t off = 0;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	jb_puts(buf, 6, &off, "abcd");
	assert_int_equal(off, 4);
	jb_puts(buf, 6, &off, "efg");	/* 2 fit */
	assert_int_equal(off, 7);	/* cap + 1: cut */
	assert_memory_equal(buf, "abcdef", 6);
	assert_int_equal(buf[6], 'x');
	jb_puts(buf, 6, &off, "h");
	assert_int_equal(off, 7);
	jb_putu(buf, 6, &off, 12);
	assert_int_equal(off, 7);
	assert_int_equal(buf[6], 'x');
}

static void
test_numbers(void **state)
{
	static const uint64_t v[] = { 0, 1, 9, 10, 99, 100, 101, 999, 1000,
	    65535, 4294967295u, 4294967296u, 18446744073709551615u };
	char buf[64], want[32];
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		off = 0;
		jb_putu(buf, sizeof(buf), &off, v[i]);
		buf[off] = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		assert_string_equal(buf, want);
	}
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void);

/*
 * jw_u64() counts digits from the bit length for 32-bit values: every
 * power of ten and its neighbours, every power of two and its
 * neighbours, and random values of every width, against snprintf.
 */
static void
check_u64(uint64_t v)
{
	char buf[JW_U64_MAX + 1], want[32];
	size_t off = 0;
	char *end;

	end = jw_u64(buf, v);
	*end = '\0';
	snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	assert_string_equal(buf, want);
	jb_putu(buf, sizeof(buf), &off, v);
	buf[off] = '\0';
	assert_string_equal(buf, want);
}

static void
test_number_edges(void **state)
{
	uint64_t p, r;
	int i, k;

	(void)state;
	for (p = 1, i = 0; i < 20; i++, p *= 10) {
		check_u64(p - 1);
		check_u64(p);
		check_u64(p + 1);
	}
	for (i = 0; i < 64; i++) {
		check_u64(((uint64_t)1 << i) - 1);
		check_u64((uint64_t)1 << i);
		check_u64(((uint64_t)1 << i) + 1);
	}
	check_u64(UINT64_MAX);
	for (k = 0; k < 200000; k++) {
		r = rng();
		check_u64(r >> (r & 63));
	}
}

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* One address both ways, and as a prefix of every few lengths. */
static void
same(const struct ipaddr *ip)
{
	char buf[128], want[128], t[64];
	struct prefix p;
	size_t off = 0;

	jb_put_ipaddr(buf, sizeof(buf), &off, ip);
	buf[off] = '\0';
	if (ip->family == 0)
		strcpy(want, "?");
	else
		assert_non_null(inet_ntop(ip->family == ADDR_V6 ? AF_INET6 :
		    AF_INET, ip->a, want, sizeof(want)));
	assert_string_equal(buf, want);
	assert_string_equal(buf, ipaddr_fmt(ip, t, sizeof(t)));

	if (ip->family == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.family = ip->family;
	memcpy(p.a, ip->a, 16);
	p.len = (uint8_t)(rng() % (addr_maxlen(p.family) + 1));
	off = 0;
	jb_put_prefix(buf, sizeof(buf), &off, &p);
	buf[off] = '\0';
	assert_string_equal(buf, prefix_fmt(&p, t, sizeof(t)));
}

/* Every pattern of zero and non-zero words, with special words mixed
 * in: the "::" choice and the embedded-IPv4 forms. */
static void
test_addr_patterns(void **state)
{
	static const uint16_t fill[] = { 1, 0xffff, 0x10, 0x100, 0x1000,
	    0xabcd, 0x0001 };
	struct ipaddr ip;
	unsigned mask, i, k;

	(void)state;
	memset(&ip, 0, sizeof(ip));
	same(&ip);			/* family 0: "?" */
	for (k = 0; k < sizeof(fill) / sizeof(fill[0]); k++)
		for (mask = 0; mask < 256; mask++) {
			memset(&ip, 0, sizeof(ip));
			ip.family = ADDR_V6;
			for (i = 0; i < 8; i++)
				if (mask & (1u << i)) {
					uint16_t w = i == 5 ? fill[k] :
					    (uint16_t)(fill[(k + i) %
					    (sizeof(fill) / sizeof(fill[0]))]);

					ip.a[2 * i] = (uint8_t)(w >> 8);
					ip.a[2 * i + 1] = (uint8_t)w;
				}
			same(&ip);
		}
	/* IPv4, every byte width */
	ip.family = ADDR_V4;
	for (i = 0; i < 256; i++) {
		memset(ip.a, 0, sizeof(ip.a));
		ip.a[0] = (uint8_t)i;
		ip.a[1] = (uint8_t)(255 - i);
		ip.a[2] = (uint8_t)(i * 7);
		ip.a[3] = (uint8_t)(i / 3);
		same(&ip);
	}
}

static void
test_addr_random(void **state)
{
	struct ipaddr ip;
	unsigned i, j;
	uint64_t r;

	(void)state;
	for (i = 0; i < 1000000; i++) {
		memset(&ip, 0, sizeof(ip));
		ip.family = i % 3 == 0 ? ADDR_V4 : ADDR_V6;
		for (j = 0; j < 16; j += 8) {
			r = rng();
			memcpy(&ip.a[j], &r, 8);
		}
		/* zero words are what matters: make many */
		r = rng();
		for (j = 0; j < 8; j++)
			if (r >> (j * 3) & 1 || (r >> 40 & 3) == 0) {
				ip.a[2 * j] = 0;
				ip.a[2 * j + 1] = (r >> (j + 24) & 1) ? 0 :
				    ip.a[2 * j + 1];
			}
		if (ip.family == ADDR_V4)
			memset(&ip.a[4], 0, 12);
		same(&ip);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_edges),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_addr_patterns),
		cmocka_unit_test(test_addr_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
