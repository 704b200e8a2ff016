/*
 * test_bgp_update.c - UPDATE decoding: routes, MP, ADD-PATH, AS4 merge,
 * End-of-RIB, every RFC 7606 case, truncation at every length, and the
 * inference dry run.  Bodies are built byte by byte.
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

/* ---- a recording sink ---- */

struct rec {
	enum bgp_route_event ev;
	char		pfx[PREFIX_STRLEN];
	uint16_t	afi;
	uint8_t		safi;
	bool		has_path_id;
	uint32_t	path_id;
	bool		taw;
	enum bgp_origin_kind kind;
	uint32_t	origin_as;
	char		nh[IPADDR_STRLEN], nh_ll[IPADDR_STRLEN];
	uint32_t	ncomm, nlarge, nasn, nseg;
	uint32_t	asns[16];
	uint8_t		segtype[8];
	uint8_t		origin;
	uint32_t	med, aggregator_as;
	bool		atomic;
};

static struct rec recs[64];
static int nrec;

static void
rec_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *a,
    const struct bgp_route *r)
{
	struct rec *x;
	uint32_t i;

	(void)arg;
	(void)ctx;
	assert_true(nrec < 64);
	x = &recs[nrec++];
	memset(x, 0, sizeof(*x));
	x->ev = r->event;
	prefix_fmt(&r->prefix, x->pfx, sizeof(x->pfx));
	x->afi = r->afi;
	x->safi = r->safi;
	x->has_path_id = r->has_path_id;
	x->path_id = r->path_id;
	x->taw = r->treat_as_withdraw;
	x->kind = a->origin_kind;
	x->origin_as = a->origin_as;
	ipaddr_fmt(&a->next_hop, x->nh, sizeof(x->nh));
	ipaddr_fmt(&a->next_hop_ll, x->nh_ll, sizeof(x->nh_ll));
	x->ncomm = a->ncommunities;
	x->nlarge = a->nlarge_communities;
	x->nasn = a->aspath.nasn;
	x->nseg = a->aspath.nseg;
	for (i = 0; i < a->aspath.nasn && i < 16; i++)
		x->asns[i] = a->aspath.asns[i];
	for (i = 0; i < a->aspath.nseg && i < 8; i++)
		x->segtype[i] = a->aspath.seg[i].type;
	x->origin = a->origin;
	x->med = a->med;
	x->aggregator_as = a->aggregator_as;
	x->atomic = a->atomic_aggregate;
}

static const struct bgp_sink sink = { rec_route, NULL, NULL };
static struct bgp_update_scratch *sc;

static int
setup(void **state)
{
	(void)state;
	sc = bgp_update_scratch_new();
	nrec = 0;
	stats_reset();
	return sc == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	bgp_update_scratch_free(sc);
	sc = NULL;
	return 0;
}

static const struct bgp_decode_opts as4opts = { .as4 = true };
static const struct bgp_decode_opts as2opts = { .as4 = false };

/*
 * Decode from an exactly sized heap copy, so that ASan catches any read
 * past the end.
 */
static enum bgp_update_result
decode(const struct buf *u, const struct bgp_decode_opts *o, const char **why)
{
	uint8_t *copy = malloc(u->n > 0 ? u->n : 1);
	enum bgp_update_result r;

	assert_non_null(copy);
	memcpy(copy, u->b, u->n);
	nrec = 0;
	r = bgp_update_decode(copy, u->n, o, sc, NULL, &sink, why);
	free(copy);
	return r;
}

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
	assert_int_equal(decode(&u, &as4opts, &why), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	assert_string_equal(recs[0].nh, "203.0.113.9");
	assert_int_equal(recs[0].afi, AFI_IPV4);

	a.n = 0;
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV4, SAFI_UNICAST, "2001:db8::7", NULL, &r);
	b_update(&u, NULL, &a, NULL);
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_SESSION_RESET);
	assert_int_equal(nrec, 0);

	/* ADD-PATH for IPv6 only: the IPv4 fields have no path id. */
	o.addpath_v4u = false;
	w.n = n.n = 0;
	b_pfx(&w, "10.2.0.0/16", -1);
	b_pfx(&n, "10.3.0.0/16", -1);
	b_update(&u, &w, &a, &n);
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(recs[0].aggregator_as, 100);

	/* AGGREGATOR AS_TRANS + AS4_AGGREGATOR: both used. */
	ag.n = 0;
	b_u16(&ag, AS_TRANS);
	b_u32(&ag, 0xc0000201);
	b_u32(&ag4, 196610);
	b_u32(&ag4, 0xc0000201);
	build_as2(&u, &p, &p4, &ag, &ag4);
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, 196609);
	assert_int_equal(recs[0].aggregator_as, 196610);

	/* AS4_PATH longer than AS_PATH: ignored. */
	p4.n = 0;
	b_seg(&p4, AS_SEQUENCE, 4, 4, 1u, 2u, 196608u, 196609u);
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(recs[0].nasn, 3);

	/* Malformed AS4_PATH: attribute discard, AS_PATH used. */
	p4.n = 0;
	b_seg(&p4, AS_SEQUENCE, 4, 2, 196608u, 196609u);
	p4.n--;
	build_as2(&u, &p, &p4, NULL, NULL);
	assert_int_equal(decode(&u, &as2opts, &why), BGP_UPD_ATTR_DISCARD);
	assert_non_null(why);
	assert_int_equal(nrec, 1);
	assert_int_equal(recs[0].ev, BGP_ROUTE_ANNOUNCE);
	assert_int_equal(recs[0].origin_as, AS_TRANS);
	assert_int_equal(stats.bgp_attr_discard, 1);

	/* AS4_AGGREGATOR of the wrong length: attribute discard. */
	ag4.n = 6;
	build_as2(&u, &p, NULL, &ag, &ag4);
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_ATTR_DISCARD);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as2opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SET);
	assert_int_equal(recs[0].origin_as, 0);

	/* Only a confederation segment: "none" too. */
	p.n = 0;
	b_seg(&p, AS_CONFED_SET, 2, 2, 65001u, 65002u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_CONFED);

	/* Confed then sequence: the sequence decides. */
	p.n = 0;
	b_seg(&p, AS_CONFED_SEQUENCE, 2, 1, 65001u);
	b_seg(&p, AS_SEQUENCE, 2, 2, 10u, 11u);
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_SEQ);
	assert_int_equal(recs[0].origin_as, 11);

	/* Empty AS_PATH: the peer's AS, or none when unknown. */
	p.n = 0;
	build_as2(&u, &p, NULL, NULL, NULL);
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
	assert_int_equal(recs[0].kind, ORIGIN_AS_PEER);
	assert_int_equal(recs[0].origin_as, 64512);
	o.peer_as = 0;
	assert_int_equal(decode(&u, &o, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_eor, 1);

	b_mp_unreach(&a, AFI_IPV6, SAFI_UNICAST, NULL);
	b_update(&u, NULL, &a, NULL);
	assert_true(bgp_update_is_eor(u.b, u.n, &afi, &safi));
	assert_int_equal(afi, AFI_IPV6);
	assert_int_equal(safi, SAFI_UNICAST);
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 0);
	assert_int_equal(stats.bgp_eor, 2);
	assert_true(bgp_update_parses(u.b, u.n, &as4opts));

	/* Not EOR: another attribute as well. */
	b_origin(&a, 0);
	b_update(&u, NULL, &a, NULL);
	assert_false(bgp_update_is_eor(u.b, u.n, NULL, NULL));
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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

/* ---- RFC 7606 ---- */

/* Standard announce of 10.0.0.0/8 + 10.1.0.0/16 with one extra attr. */
static void
build_extra(struct buf *u, unsigned flags, unsigned code, const void *v,
    size_t len)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };

	b_std_attrs(&a);
	b_attr(&a, flags, code, v, len);
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "10.1.0.0/16", -1);
	b_update(u, &w, &a, &n);
}

static const char *taw_why;	/* the rule expect_taw() saw */

/* Expect TREAT_AS_WITHDRAW: all three prefixes emitted as withdrawals. */
static void
expect_taw(const struct buf *u, const struct bgp_decode_opts *o)
{
	const char *why = NULL;
	uint64_t taw = stats.bgp_treat_as_withdraw;
	int i;

	assert_int_equal(decode(u, o, &why), BGP_UPD_TREAT_AS_WITHDRAW);
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

	assert_int_equal(decode(u, o, &why), BGP_UPD_ATTR_DISCARD);
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

	assert_int_equal(decode(u, o, &why), BGP_UPD_SESSION_RESET);
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
	struct buf a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };
	struct buf p = { .n = 0 };
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
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "10.1.0.0/16", -1);
	b_update(u, &w, &a, &n);
}

static void
test_7606_wellknown(void **state)
{
	struct buf u, p = { .n = 0 };
	uint8_t v[8] = { 0 }, three = 3;

	(void)state;
	/* sanity: the unmodified variant is OK */
	build_std_variant(&u, 0, 0, NULL, 0);
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_true(recs[1].atomic);
	/* 7.7 AGGREGATOR 6 octets on a 4-octet session, 7 octets */
	build_extra(&u, 0xc0, 7, v, 6);
	expect_discard(&u, &as4opts);
	build_extra(&u, 0xc0, 7, v, 7);
	expect_discard(&u, &as4opts);
	build_extra(&u, 0xc0, 7, v, 8);
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	static const unsigned unknown[] = { 0, 11, 19, 35, 99, 128, 250, 251,
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
		assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
		assert_int_equal(nrec, 3);
		assert_int_equal(recs[1].ev, BGP_ROUTE_ANNOUNCE);
	}
	/* No code with the Optional bit set is ever unknown well-known */
	for (code = 0; code < 256; code++) {
		build_extra(&u, 0xc0, code, v, 4);
		(void)decode(&u, &as4opts, NULL);
	}
	/* Nor is a well-known code (a duplicate here, or a valid one) */
	for (i = 0; i < sizeof(wellknown) / sizeof(wellknown[0]); i++) {
		build_extra(&u, 0x40, wellknown[i], v, 4);
		(void)decode(&u, &as4opts, NULL);
	}
	assert_int_equal(stats.bgp_unknown_wellknown, wk);

	/* MP_REACH NLRI is withdrawn too, with the IPv4 NLRI */
	b_pfx(&r6, "2001:db8::/32", -1);
	b_std_attrs(&a);
	b_mp_reach(&a, AFI_IPV6, SAFI_UNICAST, "2001:db8::1", NULL, &r6);
	b_attr(&a, 0x40, 250, v, 4);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_update(&u, NULL, &a, &n);
	assert_int_equal(decode(&u, &as4opts, NULL),
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
	assert_int_equal(decode(&u, &as4opts, NULL),
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
	assert_int_equal(decode(&u, &as4opts, &why),
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 1);
	/* Withdrawals only need no attributes at all */
	b_update(&u, &w, NULL, NULL);
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL),
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &as4opts, NULL), BGP_UPD_OK);
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
	assert_int_equal(decode(&u, &opts[0], NULL), BGP_UPD_OK);
	assert_int_equal(nrec, 5);
	for (i = 0; i < 4; i++) {
		for (len = 0; len <= u.n; len++) {
			t = u;
			t.n = len;
			(void)decode(&t, &opts[i], NULL);
			(void)bgp_update_parses(u.b, len, &opts[i]);
			(void)bgp_update_is_eor(u.b, len, NULL, NULL);
		}
	}
	/* Flip every byte too: still no crash. */
	for (len = 0; len < u.n; len++) {
		t = u;
		t.b[len] ^= 0xff;
		(void)decode(&t, &opts[0], NULL);
		(void)bgp_update_parses(t.b, t.n, &opts[0]);
	}
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
	build_std_variant(&u, 0, 0, NULL, 0);
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
		cmocka_unit_test_setup_teardown(test_ipv4_announce, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_withdraw, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_order_and_mp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mp_reach_nh32, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mp_reach_v4, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mp_unreach_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_addpath, setup, teardown),
		cmocka_unit_test_setup_teardown(test_as4_merge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_as4_on_as4_session, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_confed_merge, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_origin_kinds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prefix_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_eor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_7606_wellknown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_optional, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_unknown_wellknown,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_7606_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_nlri, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_7606_mp_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_afi, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parses_as_width, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parses_addpath, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
