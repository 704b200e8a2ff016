/*
 * test_vrp_validator.c - the validator's count of refused VRP sets
 * (stats.vrp_load_failed, docs/hostile-input.md G5): every --vrps load
 * and SIGHUP reload that fails counts once, a good one does not, the set
 * in use stays, and the packet thread's validator_poll() is what copies
 * the count into the stats.  The Redis side (a generation refused for
 * its content counts once) needs a server: tests/e2e/98-faults.sh.
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
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(good);
	unlink(junk);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup_loads),
		cmocka_unit_test(test_reloads),
	};

	log_init("rovmon");
	return cmocka_run_group_tests(tests, setup, teardown);
}
