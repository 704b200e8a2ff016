/*
 * test_bgp_update.c - UPDATE decoding: routes, MP, ADD-PATH, AS4 merge,
 * origins, prefix lengths, End-of-RIB, and the inference dry run.  Bodies
 * are built byte by byte (builders.h); test_bgp_update_7606.c has the
 * RFC 7606 cases and the truncation of every length.
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
static const struct bgp_decode_opts as2opts = { .as4 = false };

/* ---- announcements and withdrawals ---- */

static void
test_ipv4_announce(void **state)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, u, v = { .n = 0 };
	const char *why = "x";

	(void)state;
	b_std_attrs(&a);
	b_u32(&v, 100);
	b_attr(&a, 0x80, 4, v.b, 4);			/* MED 100 */
	v.n = 0;
	b_u32(&v, 0xfde90001);
	b_u32(&v, 0xfde90002);
	b_attr(&a, 0xc0, 8, v.b, 8);			/* 2 communities */
	v.n = 0;
	b_u32(&v, 65001);
	b_u32(&v, 1);
	b_u32(&v, 2);
	b_attr(&a, 0xc0, 32, v.b, 12);			/* 1 large */
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "192.0.2.0/24", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, &why), BGP_UPD_OK);
	assert_null(why);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].ev, BGP_ROUTE_ANNOUNCE);
	assert_string_equal(recs[0].pfx, "10.0.0.0/8");
	assert_string_equal(recs[1].pfx, "192.0.2.0/24");
	assert_int_equal(recs[0].afi, AFI_IPV4);
	assert_int_equal(recs[0].safi, SAFI_UNICAST);
	assert_false(recs[0].has_path_id);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SEQ);
	assert_int_equal(recs[0].origin_as, 65002);
	assert_string_equal(recs[0].nh, "192.0.2.1");
	assert_int_equal(recs[0].nasn, 2);
	assert_int_equal(recs[0].asns[0], 65001);
	assert_int_equal(recs[0].ncomm, 2);
	assert_int_equal(recs[0].nlarge, 1);
	assert_int_equal(recs[0].med, 100);
	assert_int_equal(stats.bgp_announce, 2);
	assert_int_equal(stats.bgp_malformed, 0);
}

static void
test_ipv4_withdraw(void **state)
{
	struct buf w = { .n = 0 }, u;

	(void)state;
	b_pfx(&w, "10.1.0.0/16", -1);
	b_pfx(&w, "0.0.0.0/0", -1);
	b_update(&u, &w, NULL, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_string_equal(recs[0].pfx, "10.1.0.0/16");
	assert_string_equal(recs[1].pfx, "0.0.0.0/0");
	assert_int_equal(stats.bgp_withdraw, 2);
	assert_false(bgp_update_is_eor(u.b, u.n, NULL, NULL));
}

/* Order: IPv4 withdrawn, MP_UNREACH, IPv4 NLRI, MP_REACH. */
static void
test_order_and_mp(void **state)
{
	struct buf a = { .n = 0 }, w = { .n = 0 }, n = { .n = 0 };
	struct buf r6 = { .n = 0 }, w6 = { .n = 0 }, u;

	(void)state;
	b_pfx(&r6, "2001:db8::/32", -1);
	b_pfx(&r6, "2001:db8:1::/48", -1);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_pfx(&w6, "2001:db8:2::/48", -1);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &w6);
	b_std_attrs(&a);
	b_pfx(&w, "10.9.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, &w, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 5);
	assert_int_equal(recs[0].ev, BGP_ROUTE_WITHDRAW);
	assert_string_equal(recs[0].pfx, "10.9.0.0/16");
	assert_int_equal(recs[1].ev, BGP_ROUTE_WITHDRAW);
	assert_string_equal(recs[1].pfx, "2001:db8:2::/48");
	assert_int_equal(recs[1].afi, AFI_IPV6);
	assert_int_equal(recs[2].ev, BGP_ROUTE_ANNOUNCE);
	assert_string_equal(recs[2].pfx, "10.0.0.0/8");
	assert_string_equal(recs[2].nh, "192.0.2.1");
	assert_string_equal(recs[3].pfx, "2001:db8::/32");
	assert_string_equal(recs[3].nh, "2001:db8::1");
	assert_string_equal(recs[3].nh_ll, "?");
	assert_int_equal(recs[3].afi, AFI_IPV6);
	assert_int_equal(recs[3].kind, ORIGIN_AS_SEQ);
	assert_int_equal(recs[3].origin_as, 65002);
	assert_string_equal(recs[4].pfx, "2001:db8:1::/48");
	assert_int_equal(stats.bgp_announce, 3);
	assert_int_equal(stats.bgp_withdraw, 2);
}

static void
test_mp_reach_nh32(void **state)
{
	struct buf a = { .n = 0 }, r6 = { .n = 0 }, u;
	struct buf p = { .n = 0 };

	(void)state;
	b_pfx(&r6, "::/0", -1);
	b_pfx(&r6, "2001:db8::1/128", -1);
	b_origin(&a, 2);
	b_seg(&p, AS_SEQUENCE, 4, 1, 4200000000u);
	b_attr(&a, 0x50, 2, p.b, p.n);		/* extended length flag */
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", "fe80::1", &r6);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 2);
	assert_string_equal(recs[0].pfx, "::/0");
	assert_string_equal(recs[1].pfx, "2001:db8::1/128");
	assert_string_equal(recs[0].nh, "2001:db8::1");
	assert_string_equal(recs[0].nh_ll, "fe80::1");
	assert_int_equal(recs[0].origin_as, 4200000000u);
	assert_int_equal(recs[0].origin, 2);
}

/* IPv4 NLRI in MP_REACH, with an IPv4 and with an IPv6 next hop. */
static void
test_mp_reach_v4(void **state)
{
	struct buf a = { .n = 0 }, r = { .n = 0 }, u;

	(void)state;
	b_pfx(&r, "198.51.100.0/24", -1);
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV4, SAFI_UNICAST, "203.0.113.9", NULL, &r);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_string_equal(recs[0].nh, "203.0.113.9");
	assert_int_equal(recs[0].afi, AFI_IPV4);

	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV4, SAFI_UNICAST, "2001:db8::7", NULL, &r);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_string_equal(recs[0].nh, "2001:db8::7");	/* RFC 8950 */
}

static void
test_mp_unreach_only(void **state)
{
	struct buf a = { .n = 0 }, w6 = { .n = 0 }, u;
	uint16_t afi;
	uint8_t safi;

	(void)state;
	b_pfx(&w6, "2001:db8:3::/48", -1);
	b_pfx(&w6, "2001:db8:4::/47", -1);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &w6);
	b_update(&u, NULL, &a, NULL);
	assert_false(bgp_update_is_eor(u.b, u.n, &afi, &safi));
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 2);
	assert_int_equal(recs[1].ev, BGP_ROUTE_WITHDRAW);
	assert_string_equal(recs[1].pfx, "2001:db8:4::/47");
	assert_int_equal(stats.bgp_withdraw, 2);
}

/* ---- ADD-PATH (RFC 7911) ---- */

static void
test_addpath(void **state)
{
	struct buf a = { .n = 0 }, w = { .n = 0 }, n = { .n = 0 };
	struct buf r6 = { .n = 0 }, w6 = { .n = 0 }, u;
	struct bgp_decode_opts o = { .as4 = true, .addpath_v4u = true,
	    .addpath_v6u = true };

	(void)state;
	b_pfx(&w, "10.2.0.0/16", 7);
	b_pfx(&n, "10.3.0.0/16", 1);
	b_pfx(&n, "10.3.0.0/16", 2);
	b_pfx(&r6, "2001:db8::/32", 0x01020304);
	b_pfx(&w6, "2001:db8:9::/48", 9);
	b_std_attrs(&a);
	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, &w6);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_update(&u, &w, &a, &n);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 5);
	assert_true(recs[0].has_path_id);
	assert_int_equal(recs[0].path_id, 7);
	assert_int_equal(recs[1].path_id, 9);
	assert_int_equal(recs[2].path_id, 1);
	assert_int_equal(recs[3].path_id, 2);
	assert_string_equal(recs[3].pfx, "10.3.0.0/16");
	assert_int_equal(recs[4].path_id, 0x01020304);
	assert_string_equal(recs[4].pfx, "2001:db8::/32");
	assert_true(bgp_update_parses(u.b, u.n, &o));
	/* Without ADD-PATH the same bytes do not parse: session reset. */
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));
	assert_int_equal(update_decode(&u, &as4opts, NULL),
	    BGP_UPD_SESSION_RESET);
	assert_int_equal(nrec, 0);

	/* ADD-PATH for IPv6 only: the IPv4 fields have no path id. */
	o.addpath_v4u = false;
	w.n = n.n = 0;
	b_pfx(&w, "10.2.0.0/16", -1);
	b_pfx(&n, "10.3.0.0/16", -1);
	b_update(&u, &w, &a, &n);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 4);
	assert_false(recs[0].has_path_id);
	assert_true(recs[1].has_path_id);
	assert_false(recs[2].has_path_id);
	assert_true(recs[3].has_path_id);
}

/* ---- AS paths ---- */

static void
build_as2(struct buf *u, const struct buf *aspath, const struct buf *as4path,
    const struct buf *aggr, const struct buf *as4aggr)
{
	struct buf a = { .n = 0 }, n = { .n = 0 };

	b_origin(&a, 0);
	b_attr(&a, 0x40, 2, aspath->b, aspath->n);
	b_nexthop(&a, "192.0.2.1");
	if (aggr)
		b_attr(&a, 0xc0, 7, aggr->b, aggr->n);
	if (as4path)
		b_attr(&a, 0xc0, 17, as4path->b, as4path->n);
	if (as4aggr)
		b_attr(&a, 0xc0, 18, as4aggr->b, as4aggr->n);
	b_pfx(&n, "203.0.113.0/24", -1);
	b_update(u, NULL, &a, &n);
}

/*
 * RFC 6793 4.2.3: AS_PATH (2-octet) 100 AS_TRANS AS_TRANS, AS4_PATH
 * 196608 196609 -> 100 196608 196609, origin 196609.
 */
static void
test_as4_merge(void **state)
{
	struct buf p = { .n = 0 }, p4 = { .n = 0 }, ag = { .n = 0 };
	struct buf ag4 = { .n = 0 }, u;
	const char *why;

	(void)state;
	b_seg(&p, AS_SEQUENCE, 2, 3, 100u, 23456u, 23456u);
	b_seg(&p4, AS_SEQUENCE, 4, 2, 196608u, 196609u);
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(update_decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SEQ);
	assert_int_equal(recs[0].origin_as, 196609);
	assert_int_equal(recs[0].nasn, 3);
	assert_int_equal(recs[0].nseg, 1);
	assert_int_equal(recs[0].asns[0], 100);
	assert_int_equal(recs[0].asns[1], 196608);

	/* The same bytes on a 4-octet session: AS4_PATH is discarded, and
	 * the AS_PATH does not parse as 4-octet -> treat-as-withdraw. */
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));
	assert_true(bgp_update_parses(u.b, u.n, &as2opts));

	/* AGGREGATOR with a real 2-octet AS: AS4_* ignored (4.2.3). */
	b_u16(&ag, 100);
	b_u32(&ag, 0xc0000201);
	build_as2(&u, &p, &p4, &ag, NULL);
	assert_int_equal(update_decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(recs[0].aggregator_as, 100);

	/* AGGREGATOR AS_TRANS + AS4_AGGREGATOR: both used. */
	ag.n = 0;
	b_u16(&ag, AS_TRANS);
	b_u32(&ag, 0xc0000201);
	b_u32(&ag4, 196610);
	b_u32(&ag4, 0xc0000201);
	build_as2(&u, &p, &p4, &ag, &ag4);
	assert_int_equal(update_decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, 196609);
	assert_int_equal(recs[0].aggregator_as, 196610);

	/* AS4_PATH longer than AS_PATH: ignored. */
	p4.n = 0;
	b_seg(&p4, AS_SEQUENCE, 4, 4, 1u, 2u, 196608u, 196609u);
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(update_decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(recs[0].nasn, 3);

	/* Malformed AS4_PATH: attribute discard, AS_PATH used. */
	p4.n = 0;
	b_seg(&p4, AS_SEQUENCE, 4, 2, 196608u, 196609u);
	p4.n--;
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(update_decode(&u, &as2opts, &why),
	    BGP_UPD_ATTR_DISCARD);
	assert_non_null(why);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_ANNOUNCE);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(stats.bgp_attr_discard, 1);

	/* AS4_AGGREGATOR of the wrong length: attribute discard. */
	ag4.n = 6;
	build_as2(&u, &p, NULL, &ag, &ag4);
	assert_int_equal(update_decode(&u, &as2opts, NULL),
	    BGP_UPD_ATTR_DISCARD);
	assert_int_equal(recs[0].aggregator_as, AS_TRANS);
}

/* AS4 attributes on a 4-octet session are ignored, even malformed. */
static void
test_as4_on_as4_session(void **state)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, p4 = { .n = 0 }, u;

	(void)state;
	b_std_attrs(&a);
	b_seg(&p4, AS_SEQUENCE, 4, 1, 7u);
	b_attr(&a, 0xc0, 17, p4.b, p4.n - 1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, 65002);
}

static void
test_confed_merge(void **state)
{
	struct buf p = { .n = 0 }, p4 = { .n = 0 }, u;

	(void)state;
	/* [confed_seq 65010] [seq 100 AS_TRANS] + AS4_PATH [seq 200000] */
	b_seg(&p, AS_CONFED_SEQUENCE, 2, 1, 65010u);
	b_seg(&p, AS_SEQUENCE, 2, 2, 100u, 23456u);
	b_seg(&p4, AS_SEQUENCE, 4, 1, 200000u);
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(update_decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].nseg, 2);
	assert_int_equal(recs[0].segtype[0], AS_CONFED_SEQUENCE);
	assert_int_equal(recs[0].nasn, 3);
	assert_int_equal(recs[0].asns[0], 65010);
	assert_int_equal(recs[0].asns[1], 100);
	assert_int_equal(recs[0].asns[2], 200000);
	assert_int_equal(recs[0].origin_as, 200000);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SEQ);
}

static void
test_origin_kinds(void **state)
{
	struct buf p = { .n = 0 }, u;
	struct bgp_decode_opts o = { .as4 = false, .peer_as = 64512 };

	(void)state;
	/* AS_SET last: "none". */
	b_seg(&p, AS_SEQUENCE, 2, 1, 10u);
	b_seg(&p, AS_SET, 2, 2, 20u, 30u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SET);
	assert_int_equal(recs[0].origin_as, 0);

	/* Only a confederation segment: "none" too. */
	p.n = 0;
	b_seg(&p, AS_CONFED_SET, 2, 2, 65001u, 65002u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_CONFED);

	/* Confed then sequence: the sequence decides. */
	p.n = 0;
	b_seg(&p, AS_CONFED_SEQUENCE, 2, 1, 65001u);
	b_seg(&p, AS_SEQUENCE, 2, 2, 10u, 11u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SEQ);
	assert_int_equal(recs[0].origin_as, 11);

	/* Empty AS_PATH: the peer's AS, or none when unknown. */
	p.n = 0;
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_PEER);
	assert_int_equal(recs[0].origin_as, 64512);
	o.peer_as = 0;
	assert_int_equal(update_decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_NONE);
}

/* ---- prefixes ---- */

static void
test_prefix_lengths(void **state)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, r6 = { .n = 0 }, u;

	(void)state;
	b_pfx(&n, "0.0.0.0/0", -1);
	b_pfx(&n, "192.0.2.255/32", -1);
	b_u8(&n, 9);			/* 10.255/9 -> 10.128.0.0/9 */
	b_u8(&n, 10);
	b_u8(&n, 0xff);
	b_u8(&n, 30);			/* 192.0.2.7/30 -> 192.0.2.4/30 */
	b_u8(&n, 192);
	b_u8(&n, 0);
	b_u8(&n, 2);
	b_u8(&n, 7);
	b_pfx(&r6, "2001:db8::ffff/128", -1);
	b_u8(&r6, 33);			/* 2001:db8:ff00::/33 -> ...:8000:: */
	b_u16(&r6, 0x2001);
	b_u16(&r6, 0x0db8);
	b_u8(&r6, 0xff);
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 6);
	assert_string_equal(recs[0].pfx, "0.0.0.0/0");
	assert_string_equal(recs[1].pfx, "192.0.2.255/32");
	assert_string_equal(recs[2].pfx, "10.128.0.0/9");
	assert_string_equal(recs[3].pfx, "192.0.2.4/30");
	assert_string_equal(recs[4].pfx, "2001:db8::ffff/128");
	assert_string_equal(recs[5].pfx, "2001:db8:8000::/33");
}

/* ---- End-of-RIB (RFC 4724) ---- */

static void
test_eor(void **state)
{
	struct buf a = { .n = 0 }, u;
	uint16_t afi = 0;
	uint8_t safi = 0;

	(void)state;
	b_update(&u, NULL, NULL, NULL);
	assert_int_equal(u.n, 4);
	assert_true(bgp_update_is_eor(u.b, u.n, &afi, &safi));
	assert_int_equal(afi, AFI_IPV4);
	assert_int_equal(safi, SAFI_UNICAST);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_eor, 1);

	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, NULL);
	b_update(&u, NULL, &a, NULL);
	assert_true(bgp_update_is_eor(u.b, u.n, &afi, &safi));
	assert_int_equal(afi, AFI_IPV6);
	assert_int_equal(safi, SAFI_UNICAST);
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_eor, 2);
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));

	/* Not EOR: another attribute as well. */
	b_origin(&a, 0);
	b_update(&u, NULL, &a, NULL);
	assert_false(bgp_update_is_eor(u.b, u.n, NULL, NULL));
	assert_int_equal(update_decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(stats.bgp_eor, 2);
	/* The longest EOR: MP_UNREACH_NLRI with an extended length. */
	a.n = 0;
	b_attr(&a, 0x90, 15, "\x00\x02\x01", 3);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(u.n, 11);
	assert_true(bgp_update_is_eor(u.b, u.n, &afi, &safi));
	assert_int_equal(afi, AFI_IPV6);
	/* One octet more is never EOR, here an empty unknown attribute. */
	b_attr(&a, 0xc0, 99, "", 0);
	b_update(&u, NULL, &a, NULL);
	assert_false(bgp_update_is_eor(u.b, u.n, NULL, NULL));
	/* Nor is an MP_UNREACH_NLRI with a prefix in it. */
	a.n = 0;
	b_attr(&a, 0x80, 15, "\x00\x02\x01\x00", 4);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(u.n, 11);
	assert_false(bgp_update_is_eor(u.b, u.n, NULL, NULL));
	/* Truncated bodies are not EOR. */
	assert_false(bgp_update_is_eor(u.b, 3, NULL, NULL));
	assert_false(bgp_update_is_eor(NULL, 0, NULL, NULL));
}

/* ---- inference dry run ---- */

static void
b_aspath_raw(struct buf *p, const char *bytes, size_t n)
{
	p->n = 0;
	b_bytes(p, bytes, n);
}

static void
test_parses_as_width(void **state)
{
	struct buf u, p = { .n = 0 }, p4 = { .n = 0 };
	struct bgp_update_probe pr;

	(void)state;
	/* 2-octet path of 3 ASNs: parses only as 2-octet */
	b_seg(&p, AS_SEQUENCE, 2, 3, 100u, 200u, 300u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_true(bgp_update_parses(u.b, u.n, &as2opts));
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));
	/* 4-octet path: parses only as 4-octet */
	b_std_update(&u, NULL);
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));
	assert_false(bgp_update_parses(u.b, u.n, &as2opts));
	assert_int_equal(stats.bgp_announce, 0);	/* emits nothing */

	/* 02 01 02 01 00 05: 4-octet (2, 1, [0x02010005]); as 2-octet
	 * (2, 1, [0x0201]) is followed by segment type 0. */
	b_aspath_raw(&p, "\x02\x01\x02\x01\x00\x05", 6);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));
	assert_false(bgp_update_parses(u.b, u.n, &as2opts));

	/* 02 01 00 00 02 01 02 03: 2-octet (2, 1, [0]) (2, 1, [0x0203]),
	 * which holds AS 0; as 4-octet the second header overruns. */
	b_aspath_raw(&p, "\x02\x01\x00\x00\x02\x01\x02\x03", 8);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_true(bgp_update_probe(u.b, u.n, &as2opts, &pr));
	assert_true(pr.has_aspath);
	assert_true(pr.aspath_has_as0);
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));

	/*
	 * Ambiguous: 02 02 00 64 00 c8 02 01 01 2c is 4-octet
	 * (2, 2, [0x006400c8, 0x0201012c]) and 2-octet
	 * (2, 2, [100, 200]) (2, 1, [300]).  Both parse, no AS 0 either
	 * way: the AS4_PATH hint decides (present -> 2-octet).
	 */
	b_aspath_raw(&p, "\x02\x02\x00\x64\x00\xc8\x02\x01\x01\x2c", 10);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_true(bgp_update_probe(u.b, u.n, &as2opts, &pr));
	assert_false(pr.aspath_has_as0);
	assert_false(pr.has_as4path);
	assert_true(bgp_update_probe(u.b, u.n, &as4opts, &pr));
	assert_false(pr.aspath_has_as0);
	b_seg(&p4, AS_SEQUENCE, 4, 1, 70000u);
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_true(bgp_update_probe(u.b, u.n, &as4opts, &pr));
	assert_true(pr.has_as4path);

	/* An empty AS_PATH says nothing about the width. */
	p.n = 0;
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_true(bgp_update_parses(u.b, u.n, &as2opts));
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));
	assert_int_equal(stats.bgp_malformed, 0);
}

static void
test_parses_addpath(void **state)
{
	struct buf u, a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };
	struct bgp_update_probe pr;
	struct bgp_decode_opts ap = { .as4 = true, .addpath_v4u = true };

	(void)state;
	b_std_attrs(&a);
	b_pfx(&n, "10.0.0.0/8", 1);
	b_update(&u, NULL, &a, &n);
	assert_true(bgp_update_probe(u.b, u.n, &ap, &pr));
	assert_int_equal(pr.nprefix, 1);
	assert_int_equal(pr.odd_prefixes, 0);
	/* 00 00 00 01 08 0a without ADD-PATH: /0 /0 /0 /1 then /10 cut */
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));
	/* Plain NLRI with ADD-PATH expected: 08 0a is not a path id */
	n.n = 0;
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_false(bgp_update_parses(u.b, u.n, &ap));
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));
	/* Withdrawn routes are checked too */
	b_pfx(&w, "10.0.0.0/8", 5);
	b_update(&u, &w, NULL, NULL);
	assert_true(bgp_update_parses(u.b, u.n, &ap));
	assert_false(bgp_update_parses(u.b, u.n, &as4opts));
	/*
	 * Path id 0 + /0 = 00 00 00 00 00 parses both ways; without
	 * ADD-PATH it is five default routes, the odd_prefixes hint.
	 */
	n.n = 0;
	b_pfx(&n, "0.0.0.0/0", 0);
	b_update(&u, NULL, &a, &n);
	assert_true(bgp_update_probe(u.b, u.n, &ap, &pr));
	assert_int_equal(pr.nprefix, 1);
	assert_int_equal(pr.odd_prefixes, 1);
	assert_true(bgp_update_probe(u.b, u.n, &as4opts, &pr));
	assert_int_equal(pr.nprefix, 5);
	assert_int_equal(pr.odd_prefixes, 5);
	assert_int_equal(stats.bgp_malformed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		UPDATE_TEST(test_ipv4_announce),
		UPDATE_TEST(test_ipv4_withdraw),
		UPDATE_TEST(test_order_and_mp),
		UPDATE_TEST(test_mp_reach_nh32),
		UPDATE_TEST(test_mp_reach_v4),
		UPDATE_TEST(test_mp_unreach_only),
		UPDATE_TEST(test_addpath),
		UPDATE_TEST(test_as4_merge),
		UPDATE_TEST(test_as4_on_as4_session),
		UPDATE_TEST(test_confed_merge),
		UPDATE_TEST(test_origin_kinds),
		UPDATE_TEST(test_prefix_lengths),
		UPDATE_TEST(test_eor),
		UPDATE_TEST(test_parses_as_width),
		UPDATE_TEST(test_parses_addpath),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
