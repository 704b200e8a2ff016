/*
 * test_bgp_role.c - BGP roles and the Only-to-Customer rules, RFC 9234
 * sections 4 and 5: every wire value, every role pair of Table 2, every
 * ingress rule for every sender role, and the egress duties of section 5
 * judged at the other end's ingress as rovmon does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bgp/bgp.h"
#include "bgp/bgp_role.h"

#define AS_X	64500u	/* the sender */
#define AS_Y	64501u	/* someone else */

static const enum bgp_role all_roles[] = {
	BGP_ROLE_UNKNOWN, BGP_ROLE_PROVIDER, BGP_ROLE_RS, BGP_ROLE_RS_CLIENT,
	BGP_ROLE_CUSTOMER, BGP_ROLE_PEER,
};
#define NALL	(sizeof(all_roles) / sizeof(all_roles[0]))

/* Section 4.1, Table 1. */
static void
test_from_wire(void **state)
{
	unsigned v;

	(void)state;
	assert_int_equal(bgp_role_from_wire(0), BGP_ROLE_PROVIDER);
	assert_int_equal(bgp_role_from_wire(1), BGP_ROLE_RS);
	assert_int_equal(bgp_role_from_wire(2), BGP_ROLE_RS_CLIENT);
	assert_int_equal(bgp_role_from_wire(3), BGP_ROLE_CUSTOMER);
	assert_int_equal(bgp_role_from_wire(4), BGP_ROLE_PEER);
	/* Unassigned values, and the parser's 0xff (bad length). */
	for (v = 5; v <= 255; v++)
		assert_int_equal(bgp_role_from_wire((uint8_t)v),
		    BGP_ROLE_UNKNOWN);
}

/* Section 4.2, Table 2: the five allowed pairs, both ways round. */
static void
test_counterpart(void **state)
{
	(void)state;
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_PROVIDER),
	    BGP_ROLE_CUSTOMER);
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_CUSTOMER),
	    BGP_ROLE_PROVIDER);
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_RS),
	    BGP_ROLE_RS_CLIENT);
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_RS_CLIENT),
	    BGP_ROLE_RS);
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_PEER), BGP_ROLE_PEER);
	assert_int_equal(bgp_role_counterpart(BGP_ROLE_UNKNOWN),
	    BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_counterpart((enum bgp_role)99),
	    BGP_ROLE_UNKNOWN);
}

/*
 * Every (local, remote) pair of known roles: exactly the five of Table 2
 * correspond, the other twenty are a Role Mismatch (section 4.2), and
 * the counterpart is an involution.
 */
static void
test_every_pair(void **state)
{
	static const struct {
		enum bgp_role a, b;
	} ok[] = {
		{BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER},
		{BGP_ROLE_CUSTOMER, BGP_ROLE_PROVIDER},
		{BGP_ROLE_RS, BGP_ROLE_RS_CLIENT},
		{BGP_ROLE_RS_CLIENT, BGP_ROLE_RS},
		{BGP_ROLE_PEER, BGP_ROLE_PEER},
	};
	size_t i, j, k;
	unsigned nok = 0, nbad = 0;
	bool want;

	(void)state;
	for (i = 1; i < NALL; i++) {
		for (j = 1; j < NALL; j++) {
			want = false;
			for (k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
				if (ok[k].a == all_roles[i] &&
				    ok[k].b == all_roles[j])
					want = true;
			assert_int_equal(bgp_role_counterpart(all_roles[i]) ==
			    all_roles[j], want);
			if (want)
				nok++;
			else
				nbad++;
		}
		assert_int_equal(bgp_role_counterpart(bgp_role_counterpart(
		    all_roles[i])), all_roles[i]);
	}
	assert_int_equal(nok, 5);
	assert_int_equal(nbad, 20);
}

static void
test_names(void **state)
{
	size_t i;

	(void)state;
	assert_null(bgp_role_text(BGP_ROLE_UNKNOWN));
	assert_string_equal(bgp_role_text(BGP_ROLE_PROVIDER), "provider");
	assert_string_equal(bgp_role_text(BGP_ROLE_RS), "rs");
	assert_string_equal(bgp_role_text(BGP_ROLE_RS_CLIENT), "rs-client");
	assert_string_equal(bgp_role_text(BGP_ROLE_CUSTOMER), "customer");
	assert_string_equal(bgp_role_text(BGP_ROLE_PEER), "peer");
	assert_null(bgp_role_text((enum bgp_role)6));
	/* Parse is the inverse of the names. */
	for (i = 1; i < NALL; i++)
		assert_int_equal(bgp_role_parse(bgp_role_text(all_roles[i])),
		    all_roles[i]);
	assert_int_equal(bgp_role_parse(NULL), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse(""), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse("Provider"), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse("rs-clients"), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse("unknown"), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse("3"), BGP_ROLE_UNKNOWN);

	assert_null(bgp_role_source_name(BGP_ROLE_SRC_NONE));
	assert_string_equal(bgp_role_source_name(BGP_ROLE_SRC_OPEN), "open");
	assert_string_equal(bgp_role_source_name(BGP_ROLE_SRC_CONFIG),
	    "config");

	assert_null(bgp_leak_name(BGP_LEAK_NONE));
	assert_string_equal(bgp_leak_name(BGP_LEAK_OTC_FROM_CUSTOMER),
	    "otc-from-customer");
	assert_string_equal(bgp_leak_name(BGP_LEAK_OTC_FROM_RS_CLIENT),
	    "otc-from-rs-client");
	assert_string_equal(bgp_leak_name(BGP_LEAK_OTC_FROM_PEER),
	    "otc-from-peer");
}

/*
 * Section 5 ingress, the full table: for every sender role, a route
 * without OTC, with OTC equal to the sender's AS, and with another OTC.
 * Columns: the leak, then the OTC the route has after ingress.
 */
static void
test_ingress_table(void **state)
{
	static const struct {
		enum bgp_role role;
		enum bgp_leak none, own, other;
		uint32_t ing_none, ing_own, ing_other;
	} t[] = {
		/* Rule 3: no OTC from a provider, peer or RS gets the
		 * sender's AS; OTC from a provider or RS is no leak. */
		{BGP_ROLE_PROVIDER, BGP_LEAK_NONE, BGP_LEAK_NONE,
		    BGP_LEAK_NONE, AS_X, AS_X, AS_Y},
		{BGP_ROLE_RS, BGP_LEAK_NONE, BGP_LEAK_NONE, BGP_LEAK_NONE,
		    AS_X, AS_X, AS_Y},
		/* Rule 2: from a peer, only OTC = the peer's AS. */
		{BGP_ROLE_PEER, BGP_LEAK_NONE, BGP_LEAK_NONE,
		    BGP_LEAK_OTC_FROM_PEER, AS_X, AS_X, AS_Y},
		/* Rule 1: any OTC from a customer or RS-client. */
		{BGP_ROLE_CUSTOMER, BGP_LEAK_NONE,
		    BGP_LEAK_OTC_FROM_CUSTOMER, BGP_LEAK_OTC_FROM_CUSTOMER,
		    0, AS_X, AS_Y},
		{BGP_ROLE_RS_CLIENT, BGP_LEAK_NONE,
		    BGP_LEAK_OTC_FROM_RS_CLIENT, BGP_LEAK_OTC_FROM_RS_CLIENT,
		    0, AS_X, AS_Y},
		/* Unknown role: nothing is judged, nothing added. */
		{BGP_ROLE_UNKNOWN, BGP_LEAK_NONE, BGP_LEAK_NONE,
		    BGP_LEAK_NONE, 0, AS_X, AS_Y},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* Without OTC the value field is ignored. */
		assert_int_equal(bgp_otc_check(t[i].role, false, 0, AS_X),
		    t[i].none);
		assert_int_equal(bgp_otc_check(t[i].role, false, AS_Y, AS_X),
		    t[i].none);
		assert_int_equal(bgp_otc_check(t[i].role, true, AS_X, AS_X),
		    t[i].own);
		assert_int_equal(bgp_otc_check(t[i].role, true, AS_Y, AS_X),
		    t[i].other);
		assert_int_equal(bgp_otc_ingress(t[i].role, false, 0, AS_X),
		    t[i].ing_none);
		assert_int_equal(bgp_otc_ingress(t[i].role, true, AS_X, AS_X),
		    t[i].ing_own);
		assert_int_equal(bgp_otc_ingress(t[i].role, true, AS_Y, AS_X),
		    t[i].ing_other);
	}
}

/*
 * Edge values: OTC 0 is still an OTC (its presence, not its value,
 * makes rule 1 fire); a peer whose AS is unknown (0: no OPEN seen)
 * cannot be judged by rule 2 and gets no OTC by rule 3; 4-octet ASNs.
 */
static void
test_ingress_edges(void **state)
{
	(void)state;
	assert_int_equal(bgp_otc_check(BGP_ROLE_CUSTOMER, true, 0, AS_X),
	    BGP_LEAK_OTC_FROM_CUSTOMER);
	assert_int_equal(bgp_otc_check(BGP_ROLE_RS_CLIENT, true, 0, 0),
	    BGP_LEAK_OTC_FROM_RS_CLIENT);
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, 0, AS_X),
	    BGP_LEAK_OTC_FROM_PEER);
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, AS_Y, 0),
	    BGP_LEAK_NONE);
	assert_int_equal(bgp_otc_ingress(BGP_ROLE_PEER, false, 0, 0), 0);
	assert_int_equal(bgp_otc_ingress(BGP_ROLE_PROVIDER, false, 0, 0), 0);
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, 4200000000u,
	    4200000000u), BGP_LEAK_NONE);
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, 4200000001u,
	    4200000000u), BGP_LEAK_OTC_FROM_PEER);
	/* A 2-octet-looking AS in a 4-octet OTC is compared as a number. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, 23456,
	    4200000000u), BGP_LEAK_OTC_FROM_PEER);
	assert_int_equal(bgp_otc_ingress(BGP_ROLE_RS, false, 0,
	    4200000000u), 4200000000u);
	/* Out-of-range enum values judge nothing. */
	assert_int_equal(bgp_otc_check((enum bgp_role)42, true, 1, 2),
	    BGP_LEAK_NONE);
	assert_int_equal(bgp_otc_ingress((enum bgp_role)42, false, 0, 2), 0);
}

/*
 * Section 5 egress, seen from the monitor.  Router R (AS 65001) sends
 * routes; rovmon applies the ingress check at R's neighbour with R's
 * role towards it.  Each case names the egress rule.
 */
#define AS_R	65001u
#define AS_Z	65009u	/* whoever set an earlier OTC */
static void
test_egress_judged_at_ingress(void **state)
{
	(void)state;
	/* Egress rule 1: towards a customer, R adds OTC = R; the customer
	 * hears it from its provider: fine, either way. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_PROVIDER, true, AS_R, AS_R),
	    BGP_LEAK_NONE);
	assert_int_equal(bgp_otc_check(BGP_ROLE_PROVIDER, true, AS_Z, AS_R),
	    BGP_LEAK_NONE);
	/* Towards a peer R adds OTC = R: fine. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, AS_R, AS_R),
	    BGP_LEAK_NONE);
	/* Egress rule 2: a route already carrying OTC (set by Z) must not
	 * go to a peer ... */
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true, AS_Z, AS_R),
	    BGP_LEAK_OTC_FROM_PEER);
	/* ... nor to a provider (R is its customer) ... */
	assert_int_equal(bgp_otc_check(BGP_ROLE_CUSTOMER, true, AS_Z, AS_R),
	    BGP_LEAK_OTC_FROM_CUSTOMER);
	/* ... nor to a route server (R is its RS-client). */
	assert_int_equal(bgp_otc_check(BGP_ROLE_RS_CLIENT, true, AS_Z, AS_R),
	    BGP_LEAK_OTC_FROM_RS_CLIENT);
	/* R's own OTC towards a provider is just as wrong (R added it
	 * where rule 1 does not allow it). */
	assert_int_equal(bgp_otc_check(BGP_ROLE_CUSTOMER, true, AS_R, AS_R),
	    BGP_LEAK_OTC_FROM_CUSTOMER);
	/* An RS adds its OTC towards its RS-clients (rule 1, "when the
	 * sender is an RS"): no check applies at the client. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_RS, true, AS_R, AS_R),
	    BGP_LEAK_NONE);
	/* A route without OTC is never a leak, whatever R's role. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_CUSTOMER, false, 0, AS_R),
	    BGP_LEAK_NONE);
	assert_int_equal(bgp_otc_check(BGP_ROLE_RS_CLIENT, false, 0, AS_R),
	    BGP_LEAK_NONE);
	/* The classic leak: R learnt a route from provider P (OTC = P on
	 * ingress, rule 3) and passes it to provider Q. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_CUSTOMER, true,
	    bgp_otc_ingress(BGP_ROLE_PROVIDER, false, 0, AS_Z), AS_R),
	    BGP_LEAK_OTC_FROM_CUSTOMER);
	/* Peer-to-peer leak: R learnt from peer Z (OTC = Z), passes it to
	 * peer Y. */
	assert_int_equal(bgp_otc_check(BGP_ROLE_PEER, true,
	    bgp_otc_ingress(BGP_ROLE_PEER, false, 0, AS_Z), AS_R),
	    BGP_LEAK_OTC_FROM_PEER);
	/* A route R learnt from a customer (no OTC added) may go anywhere. */
	assert_int_equal(bgp_otc_ingress(BGP_ROLE_CUSTOMER, false, 0, AS_Z),
	    0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_wire),
		cmocka_unit_test(test_counterpart),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ingress_table),
		cmocka_unit_test(test_ingress_edges),
		cmocka_unit_test(test_egress_judged_at_ingress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
