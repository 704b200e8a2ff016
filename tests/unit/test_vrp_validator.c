/*
 * test_vrp_validator.c - the validator's count of refused VRP sets
 * (stats.vrp_load_failed, docs/hostile-input.md G5): every --vrps load
 * and SIGHUP reload that fails counts once, a good one does not, the set
 * in use stays, and the packet thread's validator_poll() is what copies
 * the count into the stats.  The Redis side (a generation refused for
 * its content counts once) needs a server: tests/e2e/98-faults.sh.
 * And the ASPA index: built from the same set as the ROV index, adopted
 * in the same swap, absent when the set has no ASPA objects, with its
 * stats (aspa_count, aspa_customers, aspa_expired, aspa_loaded).
 *
 * tsan: yes (the SIGHUP reloader thread)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/stats.h"
#include "rpki/validator.h"

static char good[] = "/tmp/rovmon-test-vrp-good.XXXXXX";
static char junk[] = "/tmp/rovmon-test-vrp-junk.XXXXXX";
static char aspa1[] = "/tmp/rovmon-test-vrp-aspa1.XXXXXX";
static char aspa2[] = "/tmp/rovmon-test-vrp-aspa2.XXXXXX";

static void
write_tmp(char *path, const char *text)
{
	int fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
setup(void **state)
{
	(void)state;
	write_tmp(good, "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS64500,10.1.0.0/16,24,ta\nAS64501,10.2.0.0/16,16,ta\n");
	write_tmp(junk, "<html>not a VRP file</html>\n");
	/* AS64500 names AS64510 its provider (and an expired record of
	 * another TA AS64511); then only AS64520. */
	write_tmp(aspa1, "{\"roas\": [{\"asn\": 64500, \"prefix\": "
	    "\"10.1.0.0/16\", \"maxLength\": 24, \"ta\": \"ta\"}], "
	    "\"aspas\": [{\"customer_asid\": 64500, \"expires\": 4102444800, "
	    "\"providers\": [64510]}, {\"customer\": \"AS64500\", "
	    "\"providers\": [\"AS64511\"], \"ta\": \"other\", \"expires\": 1}, "
	    "{\"customer_asid\": 64510, \"providers\": [0]}]}");
	write_tmp(aspa2, "{\"roas\": [{\"asn\": 64500, \"prefix\": "
	    "\"10.1.0.0/16\", \"maxLength\": 24, \"ta\": \"ta\"}], "
	    "\"aspas\": [{\"customer_asid\": 64500, \"providers\": "
	    "[64520]}]}");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(good);
	unlink(junk);
	unlink(aspa1);
	unlink(aspa2);
	return 0;
}

/* A SIGHUP that comes while the last reload is still finishing waits. */
static void
reload(struct validator *v, const char *path)
{
	int i;

	for (i = 0; i < 1000 && validator_reload(v, path) == -1; i++)
		usleep(5000);
	assert_true(i < 1000);
}

/* The packet thread's view: poll until the count is `want`. */
static void
wait_failed(struct validator *v, uint64_t want)
{
	int i;

	for (i = 0; i < 1000; i++) {
		assert_false(validator_poll(v));	/* nothing to adopt */
		if (stats.vrp_load_failed == want)
			return;
		usleep(5000);
	}
	fail_msg("vrp_load_failed %llu, want %llu",
	    (unsigned long long)stats.vrp_load_failed,
	    (unsigned long long)want);
}

static void
wait_swap(struct validator *v)
{
	int i;

	for (i = 0; i < 1000 && !validator_poll(v); i++)
		usleep(5000);
	assert_true(i < 1000);
}

static void
test_startup_loads(void **state)
{
	struct validator *v;

	(void)state;
	stats_reset();
	assert_non_null(v = validator_new());
	assert_int_equal(validator_load(v, "/nonexistent/vrps.json"), -1);
	assert_int_equal(validator_load(v, junk), -1);
	validator_update_stats(v);
	assert_int_equal(stats.vrp_load_failed, 2);
	assert_false(validator_ready(v));
	assert_int_equal(validator_load(v, good), 0);
	validator_update_stats(v);
	assert_int_equal(stats.vrp_load_failed, 2);
	assert_int_equal(stats.vrp_count, 2);
	assert_int_equal(validator_generation(v), 1);
	validator_free(v);
}

static void
test_reloads(void **state)
{
	struct validator *v;

	(void)state;
	stats_reset();
	assert_non_null(v = validator_new());
	assert_int_equal(validator_load(v, good), 0);
	assert_false(validator_poll(v));
	assert_int_equal(stats.vrp_load_failed, 0);

	/* Each failed reload counts once; the set in use stays. */
	reload(v, junk);
	wait_failed(v, 1);
	reload(v, "/nonexistent/vrps.json");
	wait_failed(v, 2);
	assert_int_equal(validator_generation(v), 1);
	assert_int_equal(stats.vrp_count, 2);
	assert_int_equal(stats.vrp_swaps, 1);

	/* A good reload is adopted and not counted. */
	reload(v, good);
	wait_swap(v);
	assert_int_equal(validator_generation(v), 2);
	assert_int_equal(stats.vrp_swaps, 2);
	assert_int_equal(stats.vrp_load_failed, 2);

	/* And a failure after it counts on from there. */
	reload(v, junk);
	wait_failed(v, 3);
	assert_int_equal(validator_generation(v), 2);
	validator_free(v);
}

/* "64510 64500" received from AS64510, a customer of the receiver. */
static bool
verify(struct validator *v, enum bgp_role role, struct aspa_result *res)
{
	static const uint32_t asns[] = { 64510, 64500 };
	static const struct bgp_as_segment seg = { AS_SEQUENCE, 2, 0 };
	struct bgp_aspath p = { &seg, 1, asns, 2 };

	return validator_aspa(v, &p, 64510, role, res);
}

static void
test_aspa(void **state)
{
	struct validator *v;
	struct aspa_result res;
	size_t n;

	(void)state;
	stats_reset();
	assert_non_null(v = validator_new());
	/* Before any set and with a set without ASPAs: no ASPA data. */
	assert_null(validator_aspa_index(v));
	assert_false(verify(v, BGP_ROLE_CUSTOMER, &res));
	assert_int_equal(validator_load(v, good), 0);
	assert_null(validator_aspa_index(v));
	assert_false(verify(v, BGP_ROLE_CUSTOMER, &res));
	assert_int_equal(stats.aspa_count, 0);
	assert_int_equal(stats.aspa_loaded, 0);

	/* A set with ASPAs: both indexes from it, one swap. */
	reload(v, aspa1);
	wait_swap(v);
	assert_non_null(validator_index(v));
	assert_non_null(validator_aspa_index(v));
	assert_int_equal(stats.aspa_count, 3);
	assert_int_equal(stats.aspa_customers, 2);
	assert_int_equal(stats.aspa_expired, 1);	/* used all the same */
	assert_true(stats.aspa_loaded != 0);
	assert_true(aspa_index_providers(validator_aspa_index(v), 64500, &n)
	    != NULL);
	assert_int_equal(n, 2);			/* the union of the two */
	assert_true(verify(v, BGP_ROLE_CUSTOMER, &res));
	assert_int_equal(res.state, ASPA_VALID);
	assert_int_equal(res.procedure, ASPA_UPSTREAM);
	assert_false(verify(v, BGP_ROLE_UNKNOWN, &res));
	assert_int_equal(stats.aspa_valid, 1);

	/* One customer's provider set changes: the verdict follows. */
	reload(v, aspa2);
	wait_swap(v);
	assert_int_equal(stats.aspa_count, 1);
	assert_int_equal(stats.aspa_expired, 0);
	assert_true(verify(v, BGP_ROLE_CUSTOMER, &res));
	assert_int_equal(res.state, ASPA_INVALID);
	assert_int_equal(res.hop_customer, 64500);
	assert_int_equal(res.hop_provider, 64510);
	assert_int_equal(stats.aspa_invalid, 1);

	/* VRPs without ASPAs again: the ASPA index goes in the same swap. */
	reload(v, good);
	wait_swap(v);
	assert_int_equal(validator_generation(v), 4);
	assert_null(validator_aspa_index(v));
	assert_false(verify(v, BGP_ROLE_CUSTOMER, &res));
	assert_int_equal(stats.aspa_count, 0);
	assert_int_equal(stats.aspa_customers, 0);
	assert_int_equal(stats.aspa_loaded, 0);
	validator_free(v);
}

/*
 * validator_check_batch() answers and counts as validator_check() does,
 * route by route (valid, invalid by AS and by length, not found, an
 * AS_SET origin, the peer's AS for an empty path), and says false with
 * no set loaded.
 */
static void
test_check_batch(void **state)
{
	static const struct {
		uint8_t b1, b2, len;
		enum bgp_origin_kind kind;
		uint32_t origin;
	} rt[] = {
		{ 1, 0, 16, ORIGIN_AS_SEQ, 64500 },
		{ 1, 5, 24, ORIGIN_AS_SEQ, 64501 },
		{ 2, 3, 24, ORIGIN_AS_SEQ, 64501 },
		{ 9, 0, 16, ORIGIN_AS_SEQ, 64500 },
		{ 1, 0, 16, ORIGIN_AS_SET, 64500 },
		{ 2, 0, 16, ORIGIN_AS_PEER, 64501 },
	};
	enum { N = sizeof(rt) / sizeof(rt[0]) };
	struct bgp_attrs at[N];
	struct bgp_route r[N];
	const struct bgp_attrs *atp[N];
	const struct prefix *pp[N];
	struct rov_result one, many[N];
	uint64_t counts[3];
	struct validator *v;
	size_t i;

	(void)state;
	stats_reset();
	memset(at, 0, sizeof(at));
	memset(r, 0, sizeof(r));
	for (i = 0; i < N; i++) {
		at[i].origin_kind = rt[i].kind;
		at[i].origin_as = rt[i].origin;
		r[i].event = BGP_ROUTE_ANNOUNCE;
		r[i].prefix.family = ADDR_V4;
		r[i].prefix.a[0] = 10;
		r[i].prefix.a[1] = rt[i].b1;
		r[i].prefix.a[2] = rt[i].b2;
		r[i].prefix.len = rt[i].len;
		atp[i] = &at[i];
		pp[i] = &r[i].prefix;
	}
	assert_non_null(v = validator_new());
	assert_false(validator_check_batch(v, atp, pp, N, many));
	assert_int_equal(validator_load(v, good), 0);
	assert_true(validator_check_batch(v, atp, pp, N, many));
	counts[0] = stats.rpki_valid;
	counts[1] = stats.rpki_invalid;
	counts[2] = stats.rpki_not_found;
	assert_int_equal(counts[0], 2);
	assert_int_equal(counts[1], 3);
	assert_int_equal(counts[2], 1);
	for (i = 0; i < N; i++) {
		memset(&one, 0, sizeof(one));
		assert_true(validator_check(v, &at[i], &r[i], &one));
		assert_int_equal(many[i].state, one.state);
		assert_int_equal(many[i].reason, one.reason);
		assert_int_equal(many[i].nvrps, one.nvrps);
		assert_int_equal(many[i].ncovering, one.ncovering);
		assert_memory_equal(many[i].vrps, one.vrps,
		    one.nvrps * sizeof(one.vrps[0]));
	}
	assert_int_equal(stats.rpki_valid, 2 * counts[0]);
	assert_int_equal(stats.rpki_invalid, 2 * counts[1]);
	assert_int_equal(stats.rpki_not_found, 2 * counts[2]);
	validator_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup_loads),
		cmocka_unit_test(test_reloads),
		cmocka_unit_test(test_aspa),
		cmocka_unit_test(test_check_batch),
	};

	log_init("rovmon");
	return cmocka_run_group_tests(tests, setup, teardown);
}
