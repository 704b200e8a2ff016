/*
 * test_stats.c - the statistics line: one JSON object on one line, every
 * counter under its name, the VRP set's ages, the "redis" object only when
 * given, and error text escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "base/stats.h"

/* The line written for live, parsed; the caller frees it. */
static json_t *
write_and_parse(const struct stats_live *live)
{
	char buf[16384];
	json_error_t err;
	json_t *j;
	FILE *fp;
	size_t n;

	assert_non_null(fp = tmpfile());
	stats_write_json(fp, live);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* One line, ending in a newline, and nothing else. */
	assert_true(n > 2);
	assert_int_equal(buf[n - 1], '\n');
	assert_null(memchr(buf, '\n', n - 1));
	j = json_loads(buf, 0, &err);
	if (j == NULL)
		fail_msg("not JSON: %s: %s", err.text, buf);
	assert_true(json_is_object(j));
	return j;
}

static json_int_t
int_of(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_integer(v))
		fail_msg("\"%s\" is not an integer", k);
	return json_integer_value(v);
}

static void
test_counters_unchanged(void **state)
{
	struct stats_live live = { .now = 1000, .redis = NULL };
	json_t *j;

	(void)state;
	stats_reset();
	STAT_ADD(packets, 12);
	STAT_INC(route_events);
	j = write_and_parse(&live);
	/* Every counter is there, under its name, in a fixed order. */
#define CHECK_FIELD(name) assert_non_null(json_object_get(j, #name));
	ROVMON_STATS(CHECK_FIELD)
#undef CHECK_FIELD
	assert_int_equal(int_of(j, "packets"), 12);
	assert_int_equal(int_of(j, "route_events"), 1);
	/* No VRP set: ages unknown, and no Redis object without Redis. */
	assert_true(json_is_null(json_object_get(j, "vrp_age")));
	assert_true(json_is_null(json_object_get(j, "vrp_data_age")));
	assert_null(json_object_get(j, "redis"));
	json_decref(j);
}

static void
test_vrp_ages(void **state)
{
	struct stats_live live = { .now = 1700000600, .redis = NULL };
	json_t *j;

	(void)state;
	stats_reset();
	stats.vrp_loaded = 1700000000;
	stats.vrp_generated = 1699990000;
	j = write_and_parse(&live);
	assert_int_equal(int_of(j, "vrp_loaded"), 1700000000);
	assert_int_equal(int_of(j, "vrp_generated"), 1699990000);
	assert_int_equal(int_of(j, "vrp_age"), 600);
	assert_int_equal(int_of(j, "vrp_data_age"), 10600);
	/* A set without ASPA objects: their ages are unknown. */
	assert_true(json_is_null(json_object_get(j, "aspa_age")));
	assert_true(json_is_null(json_object_get(j, "aspa_data_age")));
	/* when the line was written */
	assert_int_equal(int_of(j, "time"), 1700000600);
	assert_string_equal(json_string_value(json_object_get(j, "timestamp")),
	    "2023-11-14T22:23:20Z");
	json_decref(j);

	/* With ASPA objects: the same load and build time as the VRPs. */
	stats.aspa_loaded = 1700000000;
	j = write_and_parse(&live);
	assert_int_equal(int_of(j, "aspa_age"), 600);
	assert_int_equal(int_of(j, "aspa_data_age"), 10600);
	json_decref(j);
	stats.aspa_loaded = 0;

	/* A source without a build time (CSV): the data age is unknown. */
	stats.vrp_generated = 0;
	j = write_and_parse(&live);
	assert_int_equal(int_of(j, "vrp_age"), 600);
	assert_true(json_is_null(json_object_get(j, "vrp_data_age")));
	json_decref(j);

	/* Loaded "in the future" (another host's clock): 0, never negative. */
	stats.vrp_loaded = 1700000900;
	j = write_and_parse(&live);
	assert_int_equal(int_of(j, "vrp_age"), 0);
	json_decref(j);
}

static void
test_redis_object(void **state)
{
	struct stats_redis r;
	struct stats_live live = { .now = 1700000600, .redis = &r };
	const json_t *o;
	json_t *j;

	(void)state;
	stats_reset();
	memset(&r, 0, sizeof(r));
	r.connected = true;
	r.generation = 7;
	r.last_contact = 1700000590;
	j = write_and_parse(&live);
	o = json_object_get(j, "redis");
	assert_true(json_is_object(o));
	assert_true(json_is_true(json_object_get(o, "connected")));
	assert_int_equal(int_of(o, "generation"), 7);
	assert_int_equal(int_of(o, "last_contact"), 1700000590);
	assert_true(json_is_null(json_object_get(o, "last_error")));
	assert_int_equal(int_of(o, "retries"), 0);
	json_decref(j);

	/* Down, never reached: nulls; an error with characters to escape. */
	memset(&r, 0, sizeof(r));
	snprintf(r.last_error, sizeof(r.last_error),
	    "unix:///x \"sock\"\\: Connection refused\n\t\x01\xc3\xa9");
	r.retries = 3;
	j = write_and_parse(&live);
	o = json_object_get(j, "redis");
	assert_true(json_is_false(json_object_get(o, "connected")));
	assert_true(json_is_null(json_object_get(o, "generation")));
	assert_true(json_is_null(json_object_get(o, "last_contact")));
	assert_string_equal(json_string_value(json_object_get(o, "last_error")),
	    "unix:///x \"sock\"\\: Connection refused\n\t\x01??");
	assert_int_equal(int_of(o, "retries"), 3);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_unchanged),
		cmocka_unit_test(test_vrp_ages),
		cmocka_unit_test(test_redis_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
