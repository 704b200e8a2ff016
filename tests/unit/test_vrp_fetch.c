/*
 * test_vrp_fetch.c - vrp_fetch_url() against the local HTTP server of
 * tests/e2e/60-vrp-http.sh, whose base URL is in $VRP_TEST_URL.  Without
 * it (plain unit test runs) every test skips.
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
#include "rpki/vrp_load.h"
#include "builders.h"

/* What the code under test wrote to stderr, kept in the test log too. */
static const char *
cap_end(void)
{
	const char *log = stderr_capture_end();

	fputs(log, stderr);
	return log;
}

static const char *
url(const char *path, char *buf, size_t size)
{
	const char *base = getenv("VRP_TEST_URL");

	if (base == NULL || *base == '\0') {
		/* Not a part left out: tests/run.sh does not count it. */
		printf("SKIP-ELSEWHERE: %s: needs VRP_TEST_URL, run by "
		    "tests/e2e/60-vrp-http.sh\n", path);
		skip();
	}
	snprintf(buf, size, "%s%s", base, path);
	return buf;
}

/* Fetch and expect an error whose message contains `msg`. */
static void
fetch_error(const char *path, const char *msg)
{
	struct vrp_fetch st = { NULL, NULL, 2 };
	struct vrp_set *set = (struct vrp_set *)1;
	char u[256];
	const char *log;

	url(path, u, sizeof(u));
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_ERROR);
	log = cap_end();
	assert_null(set);
	assert_null(st.etag);
	if (strstr(log, u) == NULL || strstr(log, msg) == NULL)
		fail_msg("%s: want \"%s\" in \"%s\"", path, msg, log);
	vrp_fetch_clear(&st);
}

static void
test_conditional_get(void **state)
{
	struct vrp_fetch st = { NULL, NULL, 2 };
	struct vrp_set *set;
	char u[256];

	(void)state;
	url("/vrps.json", u, sizeof(u));
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_NEW);
	(void)cap_end();
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	assert_string_equal(set->source, u);
	assert_non_null(st.etag);
	assert_string_equal(st.etag, "\"v1\"");
	assert_non_null(st.last_modified);
	vrp_set_free(set);

	/* The same again: 304. */
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_UNCHANGED);
	assert_null(set);
	assert_string_equal(st.etag, "\"v1\"");

	/* An error keeps the state (and the caller its set). */
	url("/error", u, sizeof(u));
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_ERROR);
	(void)cap_end();
	assert_string_equal(st.etag, "\"v1\"");

	/* Only Last-Modified known: If-Modified-Since gives 304 too. */
	free(st.etag);
	st.etag = NULL;
	url("/vrps.json", u, sizeof(u));
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_UNCHANGED);
	vrp_fetch_clear(&st);
	assert_null(st.last_modified);
	vrp_fetch_clear(NULL);
}

static void
test_gzip_and_redirect(void **state)
{
	struct vrp_fetch st = { NULL, NULL, 2 };
	struct vrp_set *set;
	char u[256];

	(void)state;
	url("/gzip", u, sizeof(u));
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url(u, &st, &set), VRP_FETCH_NEW);
	(void)cap_end();
	assert_int_equal(set->n, 2);
	vrp_set_free(set);
	vrp_fetch_clear(&st);

	/* A compressed file served as is. */
	url("/vrps.json.bz2", u, sizeof(u));
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url(u, NULL, &set), VRP_FETCH_NEW);
	(void)cap_end();
	assert_int_equal(set->n, 2);
	vrp_set_free(set);

	url("/redirect", u, sizeof(u));
	stderr_capture_start();
	set = vrp_load(u);
	(void)cap_end();
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	vrp_set_free(set);
}

static void
test_errors(void **state)
{
	(void)state;
	fetch_error("/error", "HTTP status 500");
	fetch_error("/missing", "HTTP status 404");
	fetch_error("/garbage", "not a VRP file");
	fetch_error("/truncated", "transfer closed");
	fetch_error("/truncated-json", "malformed JSON");
	fetch_error("/loop", "redirect");
	fetch_error("/empty", "empty");
	fetch_error("/slow", "imed out");
}

static void
test_unreachable(void **state)
{
	struct vrp_set *set;
	const char *log;

	(void)state;
	if (getenv("VRP_TEST_URL") == NULL) {
		printf("SKIP-ELSEWHERE: test_unreachable: run by "
		    "tests/e2e/60-vrp-http.sh\n");
		skip();
	}
	stderr_capture_start();
	assert_int_equal(vrp_fetch_url("http://127.0.0.1:1/vrps.json", NULL,
	    &set), VRP_FETCH_ERROR);
	assert_int_equal(vrp_fetch_url("ftp://127.0.0.1/vrps.json", NULL,
	    &set), VRP_FETCH_ERROR);
	log = cap_end();
	assert_non_null(strstr(log, "http://127.0.0.1:1/vrps.json: "));
	assert_non_null(strstr(log, "ftp://127.0.0.1/vrps.json: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conditional_get),
		cmocka_unit_test(test_gzip_and_redirect),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unreachable),
	};

	log_init("rovmon");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
