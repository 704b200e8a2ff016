/* test_addr.c - prefixes and addresses: parse, mask, format, cover. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/addr.h"

static void
test_prefix_roundtrip(void **state)
{
	static const char *ok[] = {
		"0.0.0.0/0", "192.0.2.0/24", "192.0.2.1/32", "10.0.0.0/8",
		"::/0", "2001:db8::/32", "2001:db8::1/128", "fe80::/10",
	};
	struct prefix p;
	char buf[PREFIX_STRLEN];
	bool hb;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(prefix_parse(ok[i], &p, &hb), 0);
		assert_false(hb);
		assert_string_equal(prefix_fmt(&p, buf, sizeof(buf)), ok[i]);
	}
}

static void
test_prefix_host_bits(void **state)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];
	bool hb;

	(void)state;
	assert_int_equal(prefix_parse("192.0.2.77/24", &p, &hb), 0);
	assert_true(hb);
	assert_string_equal(prefix_fmt(&p, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(prefix_parse("2001:db8:ffff::/33", &p, &hb), 0);
	assert_true(hb);
	assert_string_equal(prefix_fmt(&p, buf, sizeof(buf)), "2001:db8:8000::/33");
}

static void
test_prefix_bad(void **state)
{
	static const char *bad[] = {
		"192.0.2.0", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/", "/24",
		"2001:db8::/129", "300.0.0.0/8", "192.0.2.0/24x", "", "x/1",
		"192.0.2.0/ 24",
	};
	struct prefix p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(prefix_parse(bad[i], &p, NULL), -1);
}

static void
test_prefix_covers(void **state)
{
	struct prefix a, b;

	(void)state;
	prefix_parse("10.0.0.0/8", &a, NULL);
	prefix_parse("10.1.0.0/16", &b, NULL);
	assert_true(prefix_covers(&a, &b));
	assert_false(prefix_covers(&b, &a));
	assert_true(prefix_covers(&a, &a));
	prefix_parse("11.0.0.0/16", &b, NULL);
	assert_false(prefix_covers(&a, &b));
	prefix_parse("0.0.0.0/0", &a, NULL);
	assert_true(prefix_covers(&a, &b));
	prefix_parse("::/0", &a, NULL);
	assert_false(prefix_covers(&a, &b));	/* family differs */
	prefix_parse("2001:db8::/31", &a, NULL);
	prefix_parse("2001:db9::/32", &b, NULL);
	assert_true(prefix_covers(&a, &b));
	prefix_parse("2001:dba::/32", &b, NULL);
	assert_false(prefix_covers(&a, &b));
}

static void
test_ipaddr(void **state)
{
	struct ipaddr x, y;
	char buf[IPADDR_STRLEN];

	(void)state;
	assert_int_equal(ipaddr_parse("192.0.2.1", &x), 0);
	assert_int_equal(x.family, ADDR_V4);
	assert_string_equal(ipaddr_fmt(&x, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(ipaddr_parse("2001:DB8::0:1", &y), 0);
	assert_string_equal(ipaddr_fmt(&y, buf, sizeof(buf)), "2001:db8::1");
	assert_false(ipaddr_eq(&x, &y));
	assert_true(ipaddr_cmp(&x, &y) < 0);
	assert_int_equal(ipaddr_parse("192.0.2", &x), -1);
}

/* Typed input: each mistake its own message, host bits with the fix. */
static void
test_prefix_strict(void **state)
{
	static const struct { const char *in, *err; } bad[] = {
		{ "192.0.2.1/24", "192.0.2.1/24: host bits set (did you mean "
		    "192.0.2.0/24?)" },
		{ "2001:db8::1/64", "2001:db8::1/64: host bits set (did you "
		    "mean 2001:db8::/64?)" },
		{ "192.0.2.0/33", "192.0.2.0/33: bad length: an IPv4 prefix is "
		    "/0 to /32" },
		{ "::/129", "::/129: bad length: an IPv6 prefix is /0 to /128" },
		{ "192.0.2.0", "192.0.2.0: not a prefix: no /LENGTH (as in "
		    "192.0.2.0/24 or 2001:db8::/32)" },
		{ "/24", "/24: not a prefix: no IPv4 or IPv6 address before the "
		    "'/'" },
		{ "192.0.2/24", "192.0.2/24: not a prefix: no IPv4 or IPv6 "
		    "address before the '/'" },
		{ "192.0.2.0/", "192.0.2.0/: not a prefix: the length after the "
		    "'/' is not a number" },
		{ "192.0.2.0/-1", "192.0.2.0/-1: not a prefix: the length after "
		    "the '/' is not a number" },
		{ "192.0.2.0/24x", "192.0.2.0/24x: not a prefix: the length "
		    "after the '/' is not a number" },
	};
	struct prefix p;
	char err[256], buf[PREFIX_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(prefix_parse_strict(bad[i].in, &p, err,
		    sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
	}
	assert_int_equal(prefix_parse_strict("192.0.2.0/24", &p, err,
	    sizeof(err)), 0);
	assert_string_equal(prefix_fmt(&p, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(prefix_parse_strict("0.0.0.0/0", &p, err,
	    sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_roundtrip),
		cmocka_unit_test(test_prefix_host_bits),
		cmocka_unit_test(test_prefix_bad),
		cmocka_unit_test(test_prefix_covers),
		cmocka_unit_test(test_ipaddr),
		cmocka_unit_test(test_prefix_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
