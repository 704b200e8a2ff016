/*
 * test_bgp_update_7606.c - UPDATE error handling: every RFC 7606 case
 * (treat-as-withdraw, attribute discard, session reset), unrecognized
 * well-known attributes (RFC 4271 6.3), the OTC attribute (RFC 9234 5),
 * unsupported AFI/SAFI, and truncation at every length.  Bodies are
 * built byte by byte (builders.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/bgp_update.h"
#include "base/stats.h"
#include "builders.h"

static const struct bgp_decode_opts as4opts = { .as4 = true };

/* ---- RFC 7606 ---- */

/* Standard announce of 10.0.0.0/8 + 10.1.0.0/16 with one extra attr. */
static void
build_extra(struct buf *u, unsigned flags, unsigned code, const void *v,
    size_t len)
{
	struct buf a = { .n = 0 };

	b_std_attrs(&a);
	b_attr(&a, flags, code, v, len);
	b_std_update(u, &a);
}

static const char *taw_why;	/* the rule expect_taw() saw */

/* Expect TREAT_AS_WITHDRAW: all three prefixes emitted as withdrawals. */
static void
expect_taw(const struct buf *u, const struct bgp_decode_opts *o)
{
	const char *why = NULL;
	uint64_t taw = stats.bgp_treat_as_withdraw;
	int i;

	assert_int_equal(update_decode(u, o, &why), BGP_UPD_TREAT_AS_WITHDRAW);
	assert_non_null(why);
	taw_why = why;
	assert_int_equal(stats.bgp_treat_as_withdraw, taw + 1);
	assert_int_equal(nrec, 3);
	for (i = 0; i < nrec; i++)
		assert_int_equal(recs[i].ev, BGP_ROUTE_WITHDRAW);
	assert_false(recs[0].taw);	/* a real withdrawal */
	assert_true(recs[1].taw);
	assert_true(recs[2].taw);
	assert_string_equal(recs[0].pfx, "10.7.0.0/16");
	assert_string_equal(recs[1].pfx, "10.0.0.0/8");
	assert_string_equal(recs[2].pfx, "10.1.0.0/16");
}

static void
expect_discard(const struct buf *u, const struct bgp_decode_opts *o)
{
	const char *why = NULL;

	assert_int_equal(update_decode(u, o, &why), BGP_UPD_ATTR_DISCARD);
	assert_non_null(why);
	assert_int_equal(nrec, 3);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_int_equal(recs[1].ev, BGP_ROUTE_ANNOUNCE);
	assert_int_equal(recs[2].ev, BGP_ROUTE_ANNOUNCE);
}

static void
expect_reset(const struct buf *u, const struct bgp_decode_opts *o)
{
	const char *why = NULL;
	uint64_t rs = stats.bgp_session_reset, mal = stats.bgp_malformed;

	assert_int_equal(update_decode(u, o, &why), BGP_UPD_SESSION_RESET);
	assert_non_null(why);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_session_reset, rs + 1);
	assert_int_equal(stats.bgp_malformed, mal + 1);
}

/* Replace attribute `code` of the standard set by flags/value. */
static void
build_std_variant(struct buf *u, unsigned code, unsigned flags,
    const void *v, size_t len)
{
	struct buf a = { .n = 0 }, p = { .n = 0 };
	struct ipaddr nh;

	b_seg(&p, AS_SEQUENCE, 4, 2, 65001u, 65002u);
	(void)ipaddr_parse("192.0.2.1", &nh);
	if (code == 1)
		b_attr(&a, flags, 1, v, len);
	else
		b_origin(&a, 0);
	if (code == 2)
		b_attr(&a, flags, 2, v, len);
	else
		b_attr(&a, 0x40, 2, p.b, p.n);
	if (code == 3)
		b_attr(&a, flags, 3, v, len);
	else
		b_attr(&a, 0x40, 3, nh.a, 4);
	b_std_update(u, &a);
}

static void
test_7606_wellknown(void **state)
{
	struct buf u, p = { .n = 0 };
	uint8_t v[8] = { 0 }, three = 3;

	(void)state;
	/* sanity: the unmodified variant is OK */
	build_std_variant(&u, 0, 0, NULL, 0);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	/* 3(c) flags: ORIGIN marked optional */
	build_std_variant(&u, 1, 0xc0, v, 1);
	expect_taw(&u, &as4opts);
	/* 7.1 ORIGIN length 2, undefined value */
	build_std_variant(&u, 1, 0x40, v, 2);
	expect_taw(&u, &as4opts);
	build_std_variant(&u, 1, 0x40, &three, 1);
	expect_taw(&u, &as4opts);
	/* 7.3 NEXT_HOP length 5; flags 0x00 (non-transitive) */
	build_std_variant(&u, 3, 0x40, v, 5);
	expect_taw(&u, &as4opts);
	build_std_variant(&u, 3, 0x00, v, 4);
	expect_taw(&u, &as4opts);
	/* 7.4 MED length 3, 7.5 LOCAL_PREF length 2 */
	build_extra(&u, 0x80, 4, v, 3);
	expect_taw(&u, &as4opts);
	build_extra(&u, 0x40, 5, v, 2);
	expect_taw(&u, &as4opts);
	/* 7.2 AS_PATH: overrun, zero count, bad type, trailing octet */
	b_seg(&p, AS_SEQUENCE, 4, 2, 1u, 2u);
	build_std_variant(&u, 2, 0x40, p.b, p.n - 1);
	expect_taw(&u, &as4opts);
	p.n = 0;
	b_u8(&p, AS_SEQUENCE);
	b_u8(&p, 0);
	build_std_variant(&u, 2, 0x40, p.b, p.n);
	expect_taw(&u, &as4opts);
	p.n = 0;
	b_seg(&p, 5, 4, 1, 1u);
	build_std_variant(&u, 2, 0x40, p.b, p.n);
	expect_taw(&u, &as4opts);
	p.n = 0;
	b_seg(&p, AS_SEQUENCE, 4, 1, 1u);
	b_u8(&p, AS_SEQUENCE);
	build_std_variant(&u, 2, 0x40, p.b, p.n);
	expect_taw(&u, &as4opts);
	/* A 2-octet path decoded as 4-octet does not fit: treat-as-withdraw */
	p.n = 0;
	b_seg(&p, AS_SEQUENCE, 2, 3, 1u, 2u, 3u);
	build_std_variant(&u, 2, 0x40, p.b, p.n);
	expect_taw(&u, &as4opts);
	assert_int_equal(stats.bgp_malformed, stats.bgp_treat_as_withdraw);
}

static void
test_7606_optional(void **state)
{
	struct buf u;
	uint8_t v[16] = { 0 };

	(void)state;
	/* 7.6 ATOMIC_AGGREGATE length 1: attribute discard */
	build_extra(&u, 0x40, 6, v, 1);
	expect_discard(&u, &as4opts);
	build_extra(&u, 0x40, 6, v, 0);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_true(recs[1].atomic);
	/* 7.7 AGGREGATOR 6 octets on a 4-octet session, 7 octets */
	build_extra(&u, 0xc0, 7, v, 6);
	expect_discard(&u, &as4opts);
	build_extra(&u, 0xc0, 7, v, 7);
	expect_discard(&u, &as4opts);
	build_extra(&u, 0xc0, 7, v, 8);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	/* 7.8 COMMUNITIES length 5 or 0 */
	build_extra(&u, 0xc0, 8, v, 5);
	expect_taw(&u, &as4opts);
	build_extra(&u, 0xc0, 8, v, 0);
	expect_taw(&u, &as4opts);
	/* RFC 8092 6: LARGE_COMMUNITY length 13 */
	build_extra(&u, 0xc0, 32, v, 13);
	expect_taw(&u, &as4opts);
	/* 3(c): COMMUNITIES marked well-known */
	build_extra(&u, 0x40, 8, v, 4);
	expect_taw(&u, &as4opts);
	/* Unknown attribute, extended length, partial: skipped */
	build_extra(&u, 0xf0, 99, v, 16);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 3);
	assert_int_equal(stats.bgp_malformed,
	    stats.bgp_treat_as_withdraw + stats.bgp_attr_discard);
}

/*
 * RFC 4271 6.3 "Unrecognized Well-known Attribute": a type code with no
 * row in the attribute table and the Optional bit clear makes the UPDATE
 * treat-as-withdraw, IPv4 NLRI and MP_REACH alike, counted in
 * bgp_unknown_wellknown; the well-known codes and unknown optional
 * attributes never do.
 */
static void
expect_unknown_wk(const struct buf *u)
{
	uint64_t wk = stats.bgp_unknown_wellknown;
	uint64_t mal = stats.bgp_malformed;

	expect_taw(u, &as4opts);
	assert_string_equal(taw_why,
	    "RFC 4271 6.3: unrecognized well-known attribute");
	assert_int_equal(stats.bgp_unknown_wellknown, wk + 1);
	assert_int_equal(stats.bgp_malformed, mal + 1);
}

static void
test_7606_unknown_wellknown(void **state)
{
	static const unsigned unknown[] = { 0, 11, 19, 40, 99, 128, 250, 251,
	    255 };
	static const unsigned wellknown[] = { 1, 2, 3, 5, 6 };
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, r6 = { .n = 0 };
	uint8_t v[16] = { 0 };
	uint64_t wk;
	size_t i;
	unsigned code, fl;

	(void)state;
	/* Type 250 flagged well-known transitive, type 251 with no flags */
	build_extra(&u, 0x40, 250, v, 4);
	expect_unknown_wk(&u);
	build_extra(&u, 0x00, 251, v, 0);
	expect_unknown_wk(&u);
	/* Partial and extended length change nothing: O is clear */
	build_extra(&u, 0x70, 99, v, 16);
	expect_unknown_wk(&u);
	/* Unassigned, reserved and optional-by-IANA codes sent O clear */
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		build_extra(&u, 0x40, unknown[i], v, 4);
		expect_unknown_wk(&u);
	}
	assert_int_equal(stats.bgp_unknown_wellknown, 3 + 9);
	assert_int_equal(stats.bgp_malformed, stats.bgp_treat_as_withdraw);

	/* Unknown optional attributes, any T/P/E bits: skipped */
	wk = stats.bgp_unknown_wellknown;
	for (fl = 0x80; fl <= 0xf0; fl += 0x10) {
		build_extra(&u, fl, 250, v, 4);
		assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
		assert_int_equal(nrec, 3);
		assert_int_equal(recs[1].ev, BGP_ROUTE_ANNOUNCE);
	}
	/* No code with the Optional bit set is ever unknown well-known */
	for (code = 0; code < 256; code++) {
		build_extra(&u, 0xc0, code, v, 4);
		(void)update_decode(&u, &as4opts, NULL);
	}
	/* Nor is a well-known code (a duplicate here, or a valid one) */
	for (i = 0; i < sizeof(wellknown) / sizeof(wellknown[0]); i++) {
		build_extra(&u, 0x40, wellknown[i], v, 4);
		(void)update_decode(&u, &as4opts, NULL);
	}
	assert_int_equal(stats.bgp_unknown_wellknown, wk);

	/* MP_REACH NLRI is withdrawn too, with the IPv4 NLRI */
	b_pfx(&r6, "2001:db8::/32", -1);
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_attr(&a, 0x40, 250, v, 4);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_true(recs[0].taw);
	assert_string_equal(recs[0].pfx, "10.0.0.0/8");
	assert_int_equal(recs[1].ev, BGP_ROUTE_WITHDRAW);
	assert_true(recs[1].taw);
	assert_int_equal(recs[1].afi, AFI_IPV6);
	assert_string_equal(recs[1].pfx, "2001:db8::/32");
	assert_int_equal(stats.bgp_unknown_wellknown, wk + 1);
	/* MP_REACH alone (the usual IPv6 UPDATE) */
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_true(recs[0].taw);
	assert_string_equal(recs[0].pfx, "2001:db8::/32");
	assert_int_equal(stats.bgp_unknown_wellknown, wk + 2);

	/* A session reset wins (3(h)) and is not counted as withdrawn */
	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "192.0.2.1", NULL, &r6);
	b_attr(&a, 0x40, 250, v, 4);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);
	assert_int_equal(stats.bgp_unknown_wellknown, wk + 2);
}

/*
 * RFC 9234 section 5: Only-to-Customer, type 35, optional transitive,
 * 4 octets.  "If the length is not 4, the OTC Attribute is malformed":
 * treat-as-withdraw.  Flags other than optional transitive: RFC 7606
 * 3(c), treat-as-withdraw as for every other attribute.  A second OTC:
 * 3(g), the first is used.
 */
static void
test_otc(void **state)
{
	static const size_t badlen[] = { 0, 1, 3, 5, 8, 255 };
	static const unsigned badflags[] = { 0x00, 0x40, 0x80, 0xa0, 0x50 };
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, r6 = { .n = 0 };
	uint8_t v[256] = { 0xfb, 0xf4, 0x00, 0x01 };	/* 4227072001 */
	uint8_t v2[4] = { 0, 0, 0xfd, 0xe9 };		/* 65001 */
	const char *why = NULL;
	size_t i;

	(void)state;
	/* Absent: has_otc false */
	build_extra(&u, 0xc0, 8, v2, 4);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 3);
	assert_false(recs[1].has_otc);
	assert_int_equal(recs[1].otc, 0);
	/* Present: the value on every announced route, a 4-octet AS; the
	 * Partial and Extended Length bits change nothing */
	build_extra(&u, 0xc0, 35, v, 4);
	assert_int_equal(update_decode(&u, &as4opts, &why), BGP_UPD_OK);
	assert_null(why);
	assert_int_equal(nrec, 3);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	for (i = 1; i < 3; i++) {
		assert_int_equal(recs[i].ev, BGP_ROUTE_ANNOUNCE);
		assert_true(recs[i].has_otc);
		assert_int_equal(recs[i].otc, 4227072001u);
	}
	build_extra(&u, 0xe0, 35, v2, 4);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_true(recs[2].has_otc);
	assert_int_equal(recs[2].otc, 65001);
	build_extra(&u, 0xd0, 35, v2, 4);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_true(recs[2].has_otc);
	assert_int_equal(recs[2].otc, 65001);
	/* OTC 0 is an OTC */
	build_extra(&u, 0xc0, 35, v + 252, 4);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_true(recs[1].has_otc);
	assert_int_equal(recs[1].otc, 0);
	/* Malformed length: treat-as-withdraw, the rule named */
	for (i = 0; i < sizeof(badlen) / sizeof(badlen[0]); i++) {
		build_extra(&u, badlen[i] > 255 ? 0xd0 : 0xc0, 35, v,
		    badlen[i]);
		expect_taw(&u, &as4opts);
		assert_string_equal(taw_why, "RFC 9234 5: OTC length is not 4");
	}
	/* Wrong Optional/Transitive bits */
	for (i = 0; i < sizeof(badflags) / sizeof(badflags[0]); i++) {
		build_extra(&u, badflags[i], 35, v, 4);
		expect_taw(&u, &as4opts);
		assert_string_equal(taw_why,
		    "RFC 7606 3(c): attribute flags conflict with type");
	}
	assert_int_equal(stats.bgp_unknown_wellknown, 0);
	/* Duplicate: attribute discard, the first one kept */
	a.n = 0;
	b_std_attrs(&a);
	b_attr(&a, 0xc0, 35, v2, 4);
	b_attr(&a, 0xc0, 35, v, 4);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, &why), BGP_UPD_ATTR_DISCARD);
	assert_string_equal(why,
	    "RFC 7606 3(g): duplicate attribute, all but the first discarded");
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_ANNOUNCE);
	assert_true(recs[0].has_otc);
	assert_int_equal(recs[0].otc, 65001);
	/* A malformed second one is not looked at (3(g) first) */
	a.n = 0;
	b_std_attrs(&a);
	b_attr(&a, 0xc0, 35, v2, 4);
	b_attr(&a, 0xc0, 35, v, 3);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_ATTR_DISCARD);
	assert_int_equal(recs[0].otc, 65001);
	/* MP_REACH routes carry it too, and are withdrawn with a bad one */
	b_pfx(&r6, "2001:db8::/32", -1);
	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_attr(&a, 0xc0, 35, v2, 4);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].afi, AFI_IPV6);
	assert_true(recs[0].has_otc);
	assert_int_equal(recs[0].otc, 65001);
	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_attr(&a, 0xc0, 35, v2, 2);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, &why),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_string_equal(why, "RFC 9234 5: OTC length is not 4");
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_true(recs[0].taw);
	assert_false(recs[0].has_otc);
	/* 3(h): an attribute discard elsewhere does not weaken it */
	a.n = 0;
	b_std_attrs(&a);
	b_attr(&a, 0x40, 6, v, 1);		/* ATOMIC_AGGREGATE, bad len */
	b_attr(&a, 0xc0, 35, v, 5);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, &why),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_string_equal(why, "RFC 9234 5: OTC length is not 4");
	assert_int_equal(stats.bgp_malformed,
	    stats.bgp_treat_as_withdraw + stats.bgp_attr_discard);
}


static void
test_7606_duplicates(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, r6 = { .n = 0 };
	uint8_t egp = 1;
	const char *why;

	(void)state;
	/* 3(g): a second ORIGIN is discarded, the first one used */
	build_extra(&u, 0x40, 1, &egp, 1);
	expect_discard(&u, &as4opts);
	assert_int_equal(recs[1].origin, 0);
	/* 3(g): MP_REACH twice: session reset */
	b_pfx(&r6, "2001:db8::/32", -1);
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	expect_reset(&u, &as4opts);
	/* MP_UNREACH twice as well */
	a.n = 0;
	b_std_attrs(&a);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &r6);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &r6);
	b_update(&u, NULL, &a, &n);
	expect_reset(&u, &as4opts);
	/* 3(h): discard + treat-as-withdraw -> treat-as-withdraw */
	a.n = 0;
	b_std_attrs(&a);
	b_attr(&a, 0x40, 6, &egp, 1);
	b_attr(&a, 0xc0, 8, &egp, 1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, &why),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
}

static void
test_7606_missing(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };
	struct buf p = { .n = 0 }, r6 = { .n = 0 };

	(void)state;
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "10.1.0.0/16", -1);
	b_seg(&p, AS_SEQUENCE, 4, 1, 65001u);
	/* 3(d): no ORIGIN */
	b_attr(&a, 0x40, 2, p.b, p.n);
	b_nexthop(&a, "192.0.2.1");
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	/* no AS_PATH */
	a.n = 0;
	b_origin(&a, 0);
	b_nexthop(&a, "192.0.2.1");
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	assert_int_equal(recs[0].kind, ORIGIN_AS_NONE);
	/* no NEXT_HOP with IPv4 NLRI */
	a.n = 0;
	b_origin(&a, 0);
	b_attr(&a, 0x40, 2, p.b, p.n);
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	/* ... but not needed with MP_REACH only */
	b_pfx(&r6, "2001:db8::/32", -1);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	/* Withdrawals only need no attributes at all */
	b_update(&u, &w, NULL, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
}

static void
test_7606_lengths(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };

	(void)state;
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "10.1.0.0/16", -1);
	/* RFC 7606 4: last attribute overruns the attribute block */
	b_std_attrs(&a);
	b_u8(&a, 0xc0);
	b_u8(&a, 8);
	b_u8(&a, 8);
	b_u32(&a, 1);
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	/* RFC 7606 4: two stray octets after the last attribute */
	a.n = 0;
	b_std_attrs(&a);
	b_u8(&a, 0x40);
	b_u8(&a, 99);
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	/* ... and the extended-length header cut short */
	a.n -= 2;
	b_u8(&a, 0x50);
	b_u8(&a, 99);
	b_u8(&a, 0);
	b_update(&u, &w, &a, &n);
	expect_taw(&u, &as4opts);
	/* MP_REACH overrunning: its NLRI cannot be located (3(j)) */
	a.n = 0;
	b_std_attrs(&a);
	b_u8(&a, 0x80);
	b_u8(&a, 14);
	b_u8(&a, 30);
	b_u16(&a, 2);
	b_update(&u, &w, &a, &n);
	expect_reset(&u, &as4opts);
	/* Withdrawn Routes Length beyond the body */
	b_update(&u, &w, NULL, NULL);
	u.b[1] = 40;
	expect_reset(&u, &as4opts);
	/* Total Path Attribute Length beyond the body */
	a.n = 0;
	b_std_attrs(&a);
	b_update(&u, NULL, &a, NULL);
	u.b[3]++;
	expect_reset(&u, &as4opts);
	/* Bodies shorter than the two length fields */
	u.n = 3;
	expect_reset(&u, &as4opts);
	u.n = 0;
	expect_reset(&u, &as4opts);
}

static void
test_7606_nlri(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, r6 = { .n = 0 };

	(void)state;
	/* 5.3: NLRI length 33, NLRI cut, withdrawn length 33 */
	a.n = 0;
	b_std_attrs(&a);
	n.n = 0;
	b_u8(&n, 33);
	b_u32(&n, 0x0a000000);
	b_u8(&n, 0);
	b_update(&u, NULL, &a, &n);
	expect_reset(&u, &as4opts);
	n.n = 0;
	b_pfx(&n, "10.0.0.0/8", -1);
	b_u8(&n, 24);
	b_u16(&n, 0x0a01);
	b_update(&u, NULL, &a, &n);
	expect_reset(&u, &as4opts);
	b_update(&u, &n, NULL, NULL);
	expect_reset(&u, &as4opts);

	/* MP_REACH: /129, bad next hop length, too short */
	b_u8(&r6, 129);
	b_bytes(&r6, "0123456789abcdefg", 17);
	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);
	r6.n = 0;
	b_pfx(&r6, "2001:db8::/32", -1);
	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "192.0.2.1", NULL, &r6);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);		/* 7.11: v4 next hop, AFI 2 */
	a.n = 0;
	b_std_attrs(&a);
	b_attr(&a, 0x80, 14, "\0\2\1\20", 4);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);
	/* MP_UNREACH with a cut prefix, and shorter than AFI/SAFI */
	a.n = 0;
	r6.n = 0;
	b_u8(&r6, 64);
	b_u32(&r6, 0x20010db8);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &r6);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);
	a.n = 0;
	b_attr(&a, 0x80, 15, "\0\2", 2);
	b_update(&u, NULL, &a, NULL);
	expect_reset(&u, &as4opts);
}

/* MP_REACH flags wrong: treat-as-withdraw, the MP NLRI is withdrawn. */
static void
test_7606_mp_flags(void **state)
{
	struct buf u, a = { .n = 0 }, r6 = { .n = 0 }, v = { .n = 0 };

	(void)state;
	b_std_attrs(&a);
	b_u16(&v, AFI_IPV6);
	b_u8(&v, SAFI_UNICAST);
	b_u8(&v, 16);
	b_bytes(&v, "0123456789abcdef", 16);
	b_u8(&v, 0);
	b_pfx(&r6, "2001:db8::/32", -1);
	b_bytes(&v, r6.b, r6.n);
	b_attr(&a, 0xc0, 14, v.b, v.n);		/* transitive: wrong */
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL),
	    BGP_UPD_TREAT_AS_WITHDRAW);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_true(recs[0].taw);
	assert_string_equal(recs[0].pfx, "2001:db8::/32");
}

static void
test_unsupported_afi(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, v = { .n = 0 };
	struct buf r = { .n = 0 };

	(void)state;
	/* L2VPN EVPN (25/70) with junk after the header: skipped */
	b_std_attrs(&a);
	b_u16(&v, 25);
	b_u8(&v, 70);
	b_u8(&v, 4);
	b_u32(&v, 0xc0000201);
	b_u8(&v, 0);
	b_bytes(&v, "\x02\x21junk", 6);
	b_attr(&a, 0x90, 14, v.b, v.n);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_string_equal(recs[0].pfx, "10.0.0.0/8");
	assert_int_equal(stats.bgp_unsupported_afi, 1);
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));
	/* IPv4 multicast: counted, not emitted */
	a.n = 0;
	b_std_attrs(&a);
	b_pfx(&r, "224.1.0.0/16", -1);
	b_mp_reach(&a, AFI_IPV4, SAFI_MULTICAST, "192.0.2.1", NULL, &r);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_unsupported_afi, 2);
}

/* ---- robustness ---- */

/* Every prefix of a valid body: never crash, never read past the end. */
static void
test_truncation(void **state)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };
	struct buf r6 = { .n = 0 }, w6 = { .n = 0 }, p4 = { .n = 0 };
	struct buf p = { .n = 0 }, u, t;
	struct bgp_decode_opts opts[4] = {
		{ .as4 = false }, { .as4 = true },
		{ .as4 = false, .addpath_v4u = true, .addpath_v6u = true },
		{ .as4 = true, .addpath_v4u = true },
	};
	size_t len;
	int i;

	(void)state;
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "192.0.2.0/25", -1);
	b_pfx(&r6, "2001:db8::/32", -1);
	b_pfx(&w6, "2001:db8:9::/48", -1);
	b_origin(&a, 0);
	b_seg(&p, AS_CONFED_SEQUENCE, 2, 1, 65010u);
	b_seg(&p, AS_SEQUENCE, 2, 3, 100u, 23456u, 23456u);
	b_seg(&p, AS_SET, 2, 2, 7u, 8u);
	b_attr(&a, 0x50, 2, p.b, p.n);
	b_nexthop(&a, "192.0.2.1");
	b_seg(&p4, AS_SEQUENCE, 4, 2, 196608u, 196609u);
	b_attr(&a, 0xc0, 17, p4.b, p4.n);
	b_attr(&a, 0xc0, 8, "\1\2\3\4\5\6\7\10", 8);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &w6);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", "fe80::1", &r6);
	b_update(&u, &w, &a, &n);
	assert_int_equal(update_decode(&u, &opts[0], NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 5);
	for (i = 0; i < 4; i++) {
		for (len = 0; len <= u.n; len++) {
			t = u;
			t.n = len;
			(void)update_decode(&t, &opts[i], NULL);
			(void)bgp_update_parses(u.b, len, &opts[i]);
			(void)bgp_update_is_eor(u.b, len, NULL, NULL);
		}
	}
	/* Flip every byte too: still no crash. */
	for (len = 0; len < u.n; len++) {
		t = u;
		t.b[len] ^= 0xff;
		(void)update_decode(&t, &opts[0], NULL);
		(void)bgp_update_parses(t.b, t.n, &opts[0]);
	}
}

/*
 * RFC 8097: the Origin Validation State extended community, type 0x43
 * (non-transitive opaque), sub-type 0x00, the state in the last octet.
 * Absent, each state, a state RFC 8097 does not define (ignored), other
 * extended communities around it, several (the least favourable wins),
 * and a malformed attribute (RFC 7606 7.14, treat-as-withdraw).
 */
static void
ovs(uint8_t *p, uint8_t type, uint8_t sub, uint8_t state)
{
	memset(p, 0, 8);
	p[0] = type;
	p[1] = sub;
	p[7] = state;
}

static void
test_rfc8097(void **state)
{
	struct buf u;
	uint8_t v[32];
	unsigned s;

	(void)state;
	/* absent: no extended communities, then others only */
	build_extra(&u, 0xc0, 8, "\xfd\xe9\x00\x01", 4);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_NONE);
	ovs(v, 0x00, 0x02, 0);			/* a route target */
	ovs(v + 8, 0x03, 0x00, 2);		/* transitive opaque, sub 0 */
	ovs(v + 16, 0x43, 0x01, 2);		/* other sub-type */
	build_extra(&u, 0xc0, 16, v, 24);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_NONE);
	/* each state, on every announced route; the reserved octets are
	 * ignored.  The attribute is optional transitive (RFC 4360 2); the
	 * community's own type says non-transitive (0x40 clear) */
	for (s = 0; s < 3; s++) {
		ovs(v, 0x43, 0x00, (uint8_t)s);
		v[3] = 0xff;
		build_extra(&u, 0xc0, 16, v, 8);
		assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
		assert_int_equal(nrec, 3);
		assert_int_equal(recs[1].router_rpki, s + 1);
		assert_int_equal(recs[2].router_rpki, s + 1);
		assert_string_equal(bgp_router_rpki_name(
		    (enum bgp_router_rpki)(s + 1)),
		    s == 0 ? "valid" : s == 1 ? "not-found" : "invalid");
	}
	/* the attribute's flags wrong: RFC 7606 3(c), no state */
	build_extra(&u, 0x80, 16, v, 8);
	expect_taw(&u, &as4opts);
	assert_null(bgp_router_rpki_name(BGP_RRPKI_NONE));
	/* a state RFC 8097 does not define: that community is ignored */
	ovs(v, 0x43, 0x00, 3);
	build_extra(&u, 0xc0, 16, v, 8);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_NONE);
	ovs(v + 8, 0x43, 0x00, 0);
	build_extra(&u, 0xc0, 16, v, 16);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_VALID);
	/* several: the same state twice; differing: the least favourable,
	 * in either order */
	ovs(v, 0x43, 0x00, 0);
	ovs(v + 8, 0x43, 0x00, 0);
	build_extra(&u, 0xc0, 16, v, 16);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_VALID);
	ovs(v + 8, 0x43, 0x00, 2);
	build_extra(&u, 0xc0, 16, v, 16);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_INVALID);
	ovs(v, 0x43, 0x00, 1);
	ovs(v + 8, 0x43, 0x00, 0);
	ovs(v + 16, 0x43, 0x00, 2);
	ovs(v + 24, 0x43, 0x00, 0);
	build_extra(&u, 0xc0, 16, v, 32);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_INVALID);
	ovs(v, 0x43, 0x00, 1);
	ovs(v + 8, 0x43, 0x00, 0);
	build_extra(&u, 0xc0, 16, v, 16);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[1].router_rpki, BGP_RRPKI_NOT_FOUND);
	/* malformed: a length not a multiple of 8, the state not read */
	ovs(v, 0x43, 0x00, 2);
	build_extra(&u, 0xc0, 16, v, 7);
	expect_taw(&u, &as4opts);
	assert_string_equal(taw_why, "RFC 7606 7.14: EXTENDED_COMMUNITIES "
	    "length is not a non-zero multiple of 8");
	build_extra(&u, 0xc0, 16, v, 9);
	expect_taw(&u, &as4opts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		UPDATE_TEST(test_7606_wellknown),
		UPDATE_TEST(test_7606_optional),
		UPDATE_TEST(test_7606_unknown_wellknown),
		UPDATE_TEST(test_7606_duplicates),
		UPDATE_TEST(test_otc),
		UPDATE_TEST(test_rfc8097),
		UPDATE_TEST(test_7606_missing),
		UPDATE_TEST(test_7606_lengths),
		UPDATE_TEST(test_7606_nlri),
		UPDATE_TEST(test_7606_mp_flags),
		UPDATE_TEST(test_unsupported_afi),
		UPDATE_TEST(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
