/*
 * test_route_json.c - the route-fact vocabulary shared by the route log
 * and alerts: the AS path and rpki object in both documented dialects
 * (docs/route-log.md, docs/alerts.md), the two time stamp forms, their
 * per-thread cache under two threads, the verdict text, and cuts.
 *
 * tsan: yes (the time stamp cache under two threads)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "state/route_json.h"

#define CAP	1024

/* 65001 64510 {64500 64501} (65010 65011) [65020], and an empty segment
 * that is left out. */
static const uint32_t asns[] = { 65001, 64510, 64500, 64501, 65010, 65011,
    65020 };
static const struct bgp_as_segment segs[] = {
	{ AS_SEQUENCE, 2, 0 }, { AS_SET, 2, 2 }, { AS_SEQUENCE, 0, 4 },
	{ AS_CONFED_SEQUENCE, 2, 4 }, { AS_CONFED_SET, 1, 6 },
};
static const struct bgp_aspath path = { segs, 5, asns, 7 };

static void
test_aspath_dialects(void **state)
{
	char buf[CAP];
	size_t off = 0;

	(void)state;
	route_json_aspath(buf, CAP, &off, &path, ROUTE_JSON_LOG);
	buf[off] = '\0';
	assert_string_equal(buf, "[65001,64510,[64500,64501],"
	    "{\"confed_seq\":[65010,65011]},{\"confed_set\":[65020]}]");
	off = 0;
	route_json_aspath(buf, CAP, &off, &path, ROUTE_JSON_ALERT);
	buf[off] = '\0';
	assert_string_equal(buf,
	    "[65001,64510,[64500,64501],[65010,65011],[65020]]");
}

static void
test_rpki_dialects(void **state)
{
	struct vrp v;
	struct rov_result r;
	char buf[CAP];
	size_t off = 0;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(prefix_parse("192.0.2.0/23", &v.prefix, NULL), 0);
	v.maxlen = 24;
	v.asn = 64511;
	memset(&r, 0, sizeof(r));
	r.state = ROV_INVALID;
	r.reason = ROV_REASON_AS;
	r.vrps[0] = &v;
	r.nvrps = 1;
	r.ncovering = 1;
	route_json_rpki(buf, CAP, &off, &r, 3, ROUTE_JSON_LOG);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"rpki\":{\"state\":\"invalid\","
	    "\"reason\":\"as\",\"generation\":3,\"vrps\":[{\"prefix\":"
	    "\"192.0.2.0/23\",\"max_length\":24,\"asn\":64511}],"
	    "\"covering\":1}");
	off = 0;
	route_json_rpki(buf, CAP, &off, &r, 3, ROUTE_JSON_ALERT);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"rpki\":{\"state\":\"invalid\","
	    "\"reason\":\"as\",\"vrps\":[{\"prefix\":\"192.0.2.0/23\","
	    "\"max_length\":24,\"asn\":64511}],\"covering\":1,"
	    "\"generation\":3}");
	route_json_vrps_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, " (VRP 192.0.2.0/23 max_length 24 AS64511)");
	r.ncovering = 4;
	route_json_vrps_text(&r, buf, 20);
	assert_string_equal(buf, " (VRP 192.0.2.0/23 ");	/* cut, 19 */
	r.state = ROV_NOT_FOUND;
	route_json_vrps_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, " (no covering ROA)");
}

static void
test_origin_and_cut(void **state)
{
	struct ipaddr nh;
	char buf[CAP];
	size_t off = 0;

	(void)state;
	memset(&nh, 0, sizeof(nh));
	route_json_origin_path(buf, CAP, &off, ORIGIN_AS_SET, 0, NULL, &nh,
	    ROUTE_JSON_ALERT);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"origin_as\":null,\"origin_kind\":\"set\","
	    "\"as_path\":null,\"next_hop\":null");
	/* a cut is marked: *off = cap + 1 */
	off = 0;
	route_json_aspath(buf, 10, &off, &path, ROUTE_JSON_LOG);
	assert_int_equal(off, 11);
}

struct ts_case {
	struct timeval	 tv;
	const char	*iso, *snort;
	int		 bad;
};

/* Formats its own times many times over: with a cache shared between
 * threads the other thread's second would show up. */
static void *
ts_worker(void *arg)
{
	struct ts_case *c = arg;
	char buf[64];
	size_t off;
	int i;

	for (i = 0; i < 20000; i++) {
		off = 0;
		route_json_ts(buf, sizeof(buf), &off, &c->tv,
		    (i & 1) ? ROUTE_JSON_TS_SNORT : ROUTE_JSON_TS_ISO);
		buf[off] = '\0';
		if (strcmp(buf, (i & 1) ? c->snort : c->iso) != 0)
			c->bad++;
	}
	return NULL;
}

static void
test_ts_threads(void **state)
{
	struct ts_case c[2] = {
		{ { 1714564800, 123456 }, "2024-05-01T12:00:00.123456Z",
		    "24/05/01-12:00:00.123456", 0 },
		{ { 946684799, 7 }, "1999-12-31T23:59:59.000007Z",
		    "99/12/31-23:59:59.000007", 0 },
	};
	pthread_t t[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ts_worker,
		    &c[i]), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(c[i].bad, 0);
	}
}

/* The route-leak fields: all null, then every one set. */
static void
test_leak_fields(void **state)
{
	struct route_json_leak l;
	struct aspa_result a;
	char buf[CAP];
	size_t off = 0;

	(void)state;
	memset(&l, 0, sizeof(l));
	route_json_leak(buf, CAP, &off, &l);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"peer_role\":null,\"role_source\":null,"
	    "\"otc\":null,\"router_rpki_state\":null,\"aspa\":null,"
	    "\"leak\":null");
	memset(&a, 0, sizeof(a));
	a.state = ASPA_INVALID;
	a.procedure = ASPA_DOWNSTREAM;
	a.reason = ASPA_REASON_HOP;
	a.hop_customer = 64500;
	a.hop_provider = 4200000000u;
	l.role = BGP_ROLE_CUSTOMER;
	l.role_source = BGP_ROLE_SRC_OPEN;
	l.has_otc = true;
	l.otc = 64999;
	l.router_rpki = BGP_RRPKI_NOT_FOUND;
	l.leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	l.peer_as = 65001;
	l.aspa = &a;
	off = 0;
	route_json_leak(buf, CAP, &off, &l);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"peer_role\":\"customer\","
	    "\"role_source\":\"open\",\"otc\":64999,"
	    "\"router_rpki_state\":\"not-found\",\"aspa\":{\"state\":"
	    "\"invalid\",\"procedure\":\"downstream\",\"reason\":\"hop\","
	    "\"hop\":{\"customer\":64500,\"provider\":4200000000}},"
	    "\"leak\":{\"rule\":\"otc-from-customer\",\"rfc\":"
	    "\"9234 section 5\",\"otc\":64999,\"peer_as\":65001}");
	/* valid: no reason, no hop; a peer with no AS known; rs-client */
	a.state = ASPA_VALID;
	a.procedure = ASPA_UPSTREAM;
	a.reason = ASPA_REASON_NONE;
	a.hop_customer = a.hop_provider = 0;
	l.role = BGP_ROLE_RS_CLIENT;
	l.role_source = BGP_ROLE_SRC_CONFIG;
	l.leak = BGP_LEAK_OTC_FROM_RS_CLIENT;
	l.peer_as = 0;
	l.router_rpki = BGP_RRPKI_INVALID;
	off = 0;
	route_json_leak(buf, CAP, &off, &l);
	buf[off] = '\0';
	assert_string_equal(buf, ",\"peer_role\":\"rs-client\","
	    "\"role_source\":\"config\",\"otc\":64999,"
	    "\"router_rpki_state\":\"invalid\",\"aspa\":{\"state\":"
	    "\"valid\",\"procedure\":\"upstream\",\"reason\":null,"
	    "\"hop\":null},\"leak\":{\"rule\":\"otc-from-rs-client\","
	    "\"rfc\":\"9234 section 5\",\"otc\":64999,\"peer_as\":null}");
}

/* A name's length as the unchecked writers' bounds assume it. */
static void
check_name(const char *name)
{
	if (name != NULL)
		assert_true(strlen(name) <= JW_NAME_MAX);
}

/*
 * The unchecked writers stay within their ROUTE_JSON_*_MAX at their
 * largest (the route log and the alert size their lines by them): every
 * name of every enum value (out-of-range ones included), 8 IPv6 VRPs of
 * the longest text, the largest numbers.
 */
static void
test_bounds(void **state)
{
	static const uint32_t big[] = { 4294967295u, 4294967295u };
	static const struct bgp_as_segment cseg[] = {
		{ AS_CONFED_SEQUENCE, 1, 0 }, { AS_CONFED_SET, 1, 1 },
	};
	const struct bgp_aspath cpath = { cseg, 2, big, 2 };
	struct route_json_leak l;
	struct aspa_result a;
	struct rov_result r;
	struct vrp v[ROV_MAX_DECIDING];
	struct ipaddr ip;
	struct prefix pf;
	char buf[4096], *end;
	int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		check_name(bgp_router_rpki_name((enum bgp_router_rpki)i));
		check_name(bgp_origin_kind_name((enum bgp_origin_kind)i));
		check_name(bgp_role_text((enum bgp_role)i));
		check_name(bgp_role_source_name((enum bgp_role_source)i));
		check_name(bgp_leak_name((enum bgp_leak)i));
		check_name(aspa_state_name((enum aspa_state)i));
		check_name(aspa_procedure_name((enum aspa_procedure)i));
		check_name(aspa_reason_name((enum aspa_reason)i));
		check_name(rov_state_name((enum rov_state)i));
		check_name(rov_reason_name((enum rov_reason)i));
	}
	assert_int_equal(ipaddr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1",
	    &ip), 0);
	assert_int_equal(prefix_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:"
	    "fff0/128", &pf, NULL), 0);
	end = rjw_addr(buf, &ip);
	assert_true(end - buf <= ROUTE_JSON_ADDR_MAX);
	end = rjw_endpoints(buf, &ip, 65535, &ip, 65535);
	assert_true(end - buf <= ROUTE_JSON_ENDPOINTS_MAX);
	end = rjw_prefix(buf, &pf, true, 4294967295u);
	assert_true(end - buf <= ROUTE_JSON_PREFIX_MAX);
	end = rjw_origin_path(buf, ORIGIN_AS_SEQ, 4294967295u, &cpath, &ip,
	    ROUTE_JSON_LOG);
	assert_true((size_t)(end - buf) <= ROUTE_JSON_ORIGIN_MAX +
	    route_json_aspath_max(&cpath));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < ROV_MAX_DECIDING; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].prefix = pf;
		v[i].maxlen = 128;
		v[i].asn = 4294967295u;
		r.vrps[i] = &v[i];
	}
	r.nvrps = ROV_MAX_DECIDING;
	r.ncovering = 4294967295u;
	r.state = ROV_INVALID;
	r.reason = ROV_REASON_LENGTH;
	end = rjw_rpki(buf, &r, UINT64_MAX, ROUTE_JSON_LOG);
	assert_true(end - buf <= ROUTE_JSON_RPKI_MAX);
	memset(&a, 0, sizeof(a));
	a.state = ASPA_INVALID;
	a.procedure = ASPA_DOWNSTREAM;
	a.reason = ASPA_REASON_NEIGHBOR;
	a.hop_customer = a.hop_provider = 4294967295u;
	memset(&l, 0, sizeof(l));
	l.role = BGP_ROLE_RS_CLIENT;
	l.role_source = BGP_ROLE_SRC_CONFIG;
	l.has_otc = true;
	l.otc = 4294967295u;
	l.router_rpki = BGP_RRPKI_NOT_FOUND;
	l.leak = BGP_LEAK_OTC_FROM_RS_CLIENT;
	l.peer_as = 4294967295u;
	l.aspa = &a;
	end = rjw_leak(buf, &l);
	assert_true(end - buf <= ROUTE_JSON_LEAK_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aspath_dialects),
		cmocka_unit_test(test_rpki_dialects),
		cmocka_unit_test(test_origin_and_cut),
		cmocka_unit_test(test_ts_threads),
		cmocka_unit_test(test_leak_fields),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
