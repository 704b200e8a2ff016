/*
 * test_bgp_open.c - OPEN and capability parsing (RFC 4271 4.2, RFC 5492,
 * RFC 9072) including hostile lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bgp/bgp_open.h"
#include "builders.h"

static void
test_fixed_fields(void **state)
{
	uint8_t b[64];
	struct bgp_open o;
	size_t n = b_open_body(b, 65001, 1, NULL, 0);

	(void)state;
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.seen);
	assert_true(o.caps_ok);
	assert_int_equal(o.version, 4);
	assert_int_equal(o.my_as, 65001);
	assert_int_equal(o.as, 65001);
	assert_int_equal(o.hold_time, 90);
	assert_int_equal(o.router_id, 0x0a000001);
	assert_int_equal(o.ncaps, 0);
	assert_null(o.why);
	/* Shorter than the fixed part: nothing known. */
	assert_int_equal(bgp_open_parse(b, 9, &o), -1);
	assert_false(o.seen);
	assert_int_equal(bgp_open_parse(NULL, 0, &o), -1);
}

static void
test_caps_all(void **state)
{
	static const uint8_t caps[] = {
		1, 4, 0, 1, 0, 1,		/* MP IPv4 unicast */
		1, 4, 0, 2, 0, 1,		/* MP IPv6 unicast */
		2, 0,				/* route refresh */
		128, 0,				/* old Cisco route refresh */
		65, 4, 0xfa, 0x56, 0xea, 0x00,	/* AS4 4200000000 */
		69, 8, 0, 1, 1, 3, 0, 2, 1, 1,	/* ADD-PATH v4 both, v6 recv */
		6, 0,				/* extended message */
		64, 6, 0x80, 0x78, 0, 1, 1, 0x80, /* GR R, 120 s, v4 F */
		70, 0,				/* enhanced route refresh */
		73, 7, 3, 'r', 't', 'r', 2, 'e', 'x', /* FQDN */
		71, 0,				/* LLGR: unknown to us */
	};
	uint8_t b[128];
	struct bgp_open o;
	size_t n = b_open_caps(b, 23456, 1, caps, sizeof(caps));

	(void)state;
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.caps_ok);
	assert_int_equal(o.ncaps, 11);
	assert_true(o.cap_mp);
	assert_int_equal(o.nmp, 2);
	assert_int_equal(o.mp[1].afi, 2);
	assert_int_equal(o.mp[1].safi, 1);
	assert_true(o.cap_rr);
	assert_true(o.cap_rr_old);
	assert_true(o.cap_as4);
	assert_int_equal(o.my_as, 23456);
	assert_int_equal(o.as, 4200000000u);
	assert_true(o.cap_addpath);
	assert_int_equal(o.naddpath, 2);
	assert_int_equal(bgp_open_addpath(&o, 1, 1), 3);
	assert_int_equal(bgp_open_addpath(&o, 2, 1), BGP_ADDPATH_RECV);
	assert_int_equal(bgp_open_addpath(&o, 1, 2), 0);
	assert_true(o.cap_extmsg);
	assert_true(o.cap_gr);
	assert_int_equal(o.gr_flags, 8);
	assert_int_equal(o.gr_time, 120);
	assert_int_equal(o.ngr, 1);
	assert_int_equal(o.gr[0].flags, 0x80);
	assert_true(o.cap_err);
	assert_true(o.cap_fqdn);
	assert_string_equal(o.fqdn_host, "rtr");
	assert_string_equal(o.fqdn_domain, "ex");
	assert_int_equal(o.nunknown, 1);
	assert_int_equal(o.unknown[0], 71);
}

/* RFC 9234 BGP Role: one octet; another length is kept as "malformed". */
static void
test_role(void **state)
{
	static const uint8_t good[] = { 9, 1, 3 }, bad[] = { 9, 2, 3, 0 };
	static const uint8_t same[] = { 9, 1, 3, 9, 1, 3 };
	static const uint8_t differ[] = { 9, 1, 3, 2, 0, 9, 1, 4 };
	static const uint8_t bad_then_good[] = { 9, 2, 3, 0, 9, 1, 3 };
	uint8_t b[64];
	struct bgp_open o;
	size_t n;

	(void)state;
	n = b_open_caps(b, 64500, 1, good, sizeof(good));
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.caps_ok);
	assert_true(o.cap_role);
	assert_int_equal(o.role, 3);
	assert_string_equal(bgp_role_name(o.role), "customer");
	assert_int_equal(o.nunknown, 0);
	n = b_open_caps(b, 64500, 1, bad, sizeof(bad));
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.caps_ok);
	assert_true(o.cap_role);
	assert_string_equal(bgp_role_name(o.role), "malformed");
	assert_false(o.role_conflict);
	assert_string_equal(bgp_role_name(7), "unknown");
	/* RFC 9234 4.2: identical copies are one capability ... */
	n = b_open_caps(b, 64500, 1, same, sizeof(same));
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.cap_role);
	assert_int_equal(o.role, 3);
	assert_false(o.role_conflict);
	/* ... copies that differ are a Role Mismatch; the first is kept */
	n = b_open_caps(b, 64500, 1, differ, sizeof(differ));
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.caps_ok);
	assert_int_equal(o.role, 3);
	assert_true(o.role_conflict);
	n = b_open_caps(b, 64500, 1, bad_then_good, sizeof(bad_then_good));
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_int_equal(o.role, BGP_ROLE_BAD);
	assert_true(o.role_conflict);
	assert_int_equal(o.ncaps, 2);
}

/* Without capability 65 the 2-octet field is the AS, even AS_TRANS. */
static void
test_as_trans_without_as4(void **state)
{
	static const uint8_t caps[] = { 2, 0 };
	uint8_t b[64];
	struct bgp_open o;
	size_t n = b_open_caps(b, 23456, 1, caps, sizeof(caps));

	(void)state;
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_false(o.cap_as4);
	assert_int_equal(o.as, 23456);
}

static void
expect_bad_caps(const uint8_t *caps, uint8_t clen)
{
	uint8_t b[300];
	struct bgp_open o;
	size_t n = b_open_caps(b, 65001, 1, caps, clen);

	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.seen);
	assert_false(o.caps_ok);
	assert_non_null(o.why);
	assert_int_equal(o.as, 65001);
}

static void
test_caps_malformed(void **state)
{
	static const uint8_t mp3[] = { 1, 3, 0, 1, 1 };
	static const uint8_t as4_2[] = { 65, 2, 0, 1 };
	static const uint8_t ap0[] = { 69, 4, 0, 1, 1, 0 };
	static const uint8_t ap5[] = { 69, 5, 0, 1, 1, 1, 0 };
	static const uint8_t rr1[] = { 2, 1, 0 };
	static const uint8_t gr1[] = { 64, 1, 0 };
	static const uint8_t gr5[] = { 64, 5, 0, 0, 0, 1, 1 };
	static const uint8_t fqdn[] = { 73, 3, 5, 'a', 'b' };
	static const uint8_t hdr[] = { 2, 0, 65 };

	(void)state;
	expect_bad_caps(mp3, sizeof(mp3));
	expect_bad_caps(as4_2, sizeof(as4_2));
	expect_bad_caps(ap0, sizeof(ap0));
	expect_bad_caps(ap5, sizeof(ap5));
	expect_bad_caps(rr1, sizeof(rr1));
	expect_bad_caps(gr1, sizeof(gr1));
	expect_bad_caps(gr5, sizeof(gr5));
	expect_bad_caps(fqdn, sizeof(fqdn));
	expect_bad_caps(hdr, sizeof(hdr));
}

/* A capability longer than its parameter: earlier ones stay, rest skipped. */
static void
test_cap_beyond_param(void **state)
{
	static const uint8_t params[] = {
		2, 8, 65, 4, 0, 0, 0xfd, 0xe9, 6, 9,	/* ext cap len 9 */
		2, 2, 2, 0,				/* never reached */
	};
	uint8_t b[64];
	struct bgp_open o;
	size_t n = b_open_body(b, 23456, 1, params, sizeof(params));

	(void)state;
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_false(o.caps_ok);
	assert_true(o.cap_as4);
	assert_int_equal(o.as, 65001);
	assert_false(o.cap_extmsg);
	assert_false(o.cap_rr);
}

static void
test_params_beyond_message(void **state)
{
	static const uint8_t params[] = { 2, 2, 2, 0 };
	uint8_t b[64];
	struct bgp_open o;
	size_t n = b_open_body(b, 65001, 1, params, sizeof(params));

	(void)state;
	/* Opt Parm Len says 4; give 3. */
	assert_int_equal(bgp_open_parse(b, n - 1, &o), 0);
	assert_true(o.seen);
	assert_false(o.caps_ok);
	/* A parameter length beyond Opt Parm Len. */
	b[11] = 3;
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_false(o.caps_ok);
	/* Trailing bytes after the parameters are noted, caps still fine. */
	b[11] = 2;
	b[9] = 4;
	assert_int_equal(bgp_open_parse(b, n + 1, &o), 0);
	assert_true(o.caps_ok);
	assert_non_null(o.why);
}

/* RFC 9072: 255, type 255, 2-octet length; parameters with 2-octet lengths. */
static void
test_rfc9072(void **state)
{
	uint8_t b[600];
	struct bgp_open o;
	size_t n = 0, i;

	(void)state;
	n = b_open_body(b, 23456, 1, NULL, 0);
	b[9] = 255;
	b[n++] = 255;
	b[n++] = 0x01;		/* ext length 3 + 300 = 303 */
	b[n++] = 0x2f;
	b[n++] = 2;		/* capabilities, 2-octet length 300 */
	b[n++] = 0x01;
	b[n++] = 0x2c;
	b[n++] = 65;
	b[n++] = 4;
	b[n++] = 0;
	b[n++] = 1;
	b[n++] = 0;
	b[n++] = 1;		/* AS4 65537 */
	for (i = 0; i < 147; i++) {	/* 147 x route refresh = 294 */
		b[n++] = 2;
		b[n++] = 0;
	}
	assert_int_equal(bgp_open_parse(b, n, &o), 0);
	assert_true(o.ext_opt_len);
	assert_true(o.caps_ok);
	assert_int_equal(o.as, 65537);
	assert_int_equal(o.ncaps, 148);
	assert_true(o.cap_rr);
	/* Truncated: the extended length claims more than there is. */
	assert_int_equal(bgp_open_parse(b, n - 1, &o), 0);
	assert_false(o.caps_ok);
	/* Truncated inside the extended length field itself. */
	assert_int_equal(bgp_open_parse(b, 12, &o), 0);
	assert_false(o.caps_ok);
}

/* Every truncation and every single-byte corruption: no crash (ASan). */
static void
test_hostile(void **state)
{
	static const uint8_t caps[] = {
		1, 4, 0, 1, 0, 1, 65, 4, 0, 0, 0xfd, 0xe9,
		69, 4, 0, 1, 1, 3, 64, 6, 0x80, 0x78, 0, 1, 1, 0x80,
		73, 7, 3, 'r', 't', 'r', 2, 'e', 'x',
	};
	uint8_t b[128], c[128];
	struct bgp_open o;
	size_t n = b_open_caps(b, 65001, 1, caps, sizeof(caps)), i, j;

	(void)state;
	for (i = 0; i <= n; i++) {
		uint8_t *t = test_malloc(i + 1);

		memcpy(t, b, i);
		(void)bgp_open_parse(t, i, &o);
		test_free(t);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < 256; j += 17) {
			memcpy(c, b, n);
			c[i] = (uint8_t)j;
			(void)bgp_open_parse(c, n, &o);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_fields),
		cmocka_unit_test(test_caps_all),
		cmocka_unit_test(test_as_trans_without_as4),
		cmocka_unit_test(test_role),
		cmocka_unit_test(test_caps_malformed),
		cmocka_unit_test(test_cap_beyond_param),
		cmocka_unit_test(test_params_beyond_message),
		cmocka_unit_test(test_rfc9072),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
