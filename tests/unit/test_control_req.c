/*
 * test_control_req.c - the control socket's request parser
 * (rovmon/control_req.h): every verb and option, and each refusal with
 * its exact message: unknown words, repeated options, bad values, bytes
 * that are not printable ASCII (NUL included), too many or too long
 * words, a request over CONTROL_REQ_MAX bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/addr.h"
#include "rovmon/control_req.h"

static int
parse(const char *s, struct control_req *r, char *err, size_t errlen)
{
	return control_req_parse(s, strlen(s), r, err, errlen);
}

static void
ok(const char *s, struct control_req *r)
{
	char err[256] = "";

	if (parse(s, r, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
}

static void
bad(const char *s, const char *want)
{
	struct control_req r;
	char err[256] = "";

	assert_int_equal(parse(s, &r, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
test_verbs(void **state)
{
	struct control_req r;

	(void)state;
	ok("show summary\n", &r);
	assert_int_equal(r.verb, CONTROL_SHOW_SUMMARY);
	ok("show sessions", &r);		/* EOF may end it */
	assert_int_equal(r.verb, CONTROL_SHOW_SESSIONS);
	ok("  reload \r\n", &r);
	assert_int_equal(r.verb, CONTROL_RELOAD);
	ok("stats\n", &r);
	assert_int_equal(r.verb, CONTROL_STATS);
	ok("show\troutes\n", &r);
	assert_int_equal(r.verb, CONTROL_SHOW_ROUTES);
	assert_false(r.filter.has_state || r.filter.has_prefix ||
	    r.filter.has_origin || r.filter.has_peer || r.filter.longer);
	assert_int_equal(r.limit, 0);
	assert_string_equal(control_verb_name(CONTROL_SHOW_ROUTES),
	    "show routes");
}

static void
test_routes(void **state)
{
	struct control_req r;
	struct prefix p = { 0 };
	struct ipaddr a;

	(void)state;
	ok("show routes state invalid prefix 192.0.2.0/23 longer origin "
	    "AS64500 peer 2001:db8::1 limit 10\n", &r);
	assert_true(r.filter.has_state);
	assert_int_equal(r.filter.state, ROV_INVALID);
	assert_true(r.filter.has_prefix && r.filter.longer);
	assert_int_equal(prefix_parse("192.0.2.0/23", &p, NULL), 0);
	assert_true(prefix_eq(&p, &r.filter.prefix));
	assert_true(r.filter.has_origin);
	assert_int_equal(r.filter.origin, 64500);
	assert_int_equal(ipaddr_parse("2001:db8::1", &a), 0);
	assert_true(r.filter.has_peer && ipaddr_eq(&a, &r.filter.peer));
	assert_int_equal(r.limit, 10);
	ok("show routes state not-found origin 4294967295\n", &r);
	assert_int_equal(r.filter.state, ROV_NOT_FOUND);
	assert_int_equal(r.filter.origin, 4294967295u);
	ok("show routes state valid limit 100000000", &r);
	assert_int_equal(r.filter.state, ROV_VALID);
	assert_int_equal(r.limit, 100000000);
}

static void
test_refusals(void **state)
{
	char big[CONTROL_REQ_MAX + 2];
	char nul[] = "show summary\0x\n";
	struct control_req r;
	char err[256];

	(void)state;
	bad("", "empty request (show summary|sessions|routes, reload, stats)");
	bad(" \n", "empty request (show summary|sessions|routes, reload, "
	    "stats)");
	bad("halt\n", "halt: unknown command (show summary|sessions|routes, "
	    "reload, stats)");
	bad("show\n", "show: needs summary, sessions or routes");
	bad("show bgp\n", "show bgp: unknown (summary, sessions, routes)");
	bad("show summary now\n", "show summary: takes no words (got 'now')");
	bad("reload now\n", "reload: takes no words (got 'now')");
	bad("show routes state bogus\n", "state bogus: not invalid, valid or "
	    "not-found");
	bad("show routes state\n", "state: needs a value");
	bad("show routes state valid state invalid\n", "state: given twice");
	bad("show routes prefix 192.0.2.1/24\n", "prefix 192.0.2.1/24: host "
	    "bits set");
	bad("show routes prefix 192.0.2.0/33\n", "prefix 192.0.2.0/33: not a "
	    "prefix (192.0.2.0/24, 2001:db8::/32)");
	bad("show routes longer\n", "longer: needs a prefix");
	bad("show routes prefix 10.0.0.0/8 longer longer\n",
	    "longer: given twice");
	bad("show routes origin 4294967296\n", "origin 4294967296: not an AS "
	    "number from 0 to 4294967295");
	bad("show routes origin -1\n", "origin -1: not an AS number from 0 "
	    "to 4294967295");
	bad("show routes origin AS\n", "origin AS: not an AS number from 0 "
	    "to 4294967295");
	bad("show routes peer 300.1.1.1\n", "peer 300.1.1.1: not an IPv4 or "
	    "IPv6 address");
	bad("show routes limit 0\n", "limit 0: not a number from 1 to "
	    "100000000");
	bad("show routes limit 100000001\n", "limit 100000001: not a number "
	    "from 1 to 100000000");
	bad("show routes sort prefix\n", "sort: unknown word (state, prefix, "
	    "longer, origin, peer, limit)");
	bad("show routes \"x\n", "\"x: unknown word (state, prefix, longer, "
	    "origin, peer, limit)");
	bad("show r\xc3\xa9sum\xc3\xa9\n", "byte 0xc3 at offset 6: a request is "
	    "one line of printable ASCII words");
	bad("show summary\nshow sessions\n", "byte 0x0a at offset 12: a request "
	    "is one line of printable ASCII words");
	bad("a b c d e f g h i j k l m n o p q\n", "more than 16 words");
	bad("show routes prefix "
	    "1111111111111111111111111111111111111111111111111111111111111111\n",
	    "word 4 longer than 63 bytes");
	/* NUL bytes inside: refused, not a shorter string */
	assert_int_equal(control_req_parse(nul, sizeof(nul) - 1, &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "byte 0x00 at offset 12: a request is one "
	    "line of printable ASCII words");
	memset(big, 'a', sizeof(big));
	assert_int_equal(control_req_parse(big, sizeof(big), &r, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "request longer than 1024 bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verbs),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
