/*
 * test_vrp_redis_url.c - Redis URLs (vrp_redis_url.c): what redis://,
 * unix:// and redis-sentinel:// parse into, and each mistake's message
 * naming the part of the URL (docs/redis.md, "URLs").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rpki/vrp_redis.h"

static void
test_plain(void **state)
{
	struct vrp_redis_url u;
	char err[160];

	(void)state;
	assert_int_equal(vrp_redis_url_parse("redis://u:p%23w@[::1]:7000/3",
	    &u, err, sizeof(err)), 0);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 7000);
	assert_string_equal(u.user, "u");
	assert_string_equal(u.password, "p#w");
	assert_int_equal(u.db, 3);
	assert_null(u.master);
	assert_int_equal(u.nsentinels, 0);
	vrp_redis_url_clear(&u);
	assert_int_equal(vrp_redis_url_parse("unix:///run/r.sock?db=2", &u,
	    err, sizeof(err)), 0);
	assert_string_equal(u.path, "/run/r.sock");
	assert_int_equal(u.db, 2);
	assert_null(u.master);
	vrp_redis_url_clear(&u);
}

static void
test_sentinel(void **state)
{
	struct vrp_redis_url u;
	char err[160];

	(void)state;
	assert_int_equal(vrp_redis_url_parse("redis-sentinel://:s3cr%23t@"
	    "10.0.0.1,10.0.0.2:26380,[2001:db8::3]:26381/my-master.1/4", &u,
	    err, sizeof(err)), 0);
	assert_null(u.host);
	assert_null(u.path);
	assert_null(u.user);
	assert_string_equal(u.password, "s3cr#t");
	assert_string_equal(u.master, "my-master.1");
	assert_int_equal(u.db, 4);
	assert_int_equal(u.nsentinels, 3);
	assert_string_equal(u.sentinel[0].host, "10.0.0.1");
	assert_int_equal(u.sentinel[0].port, VRP_REDIS_SENTINEL_PORT);
	assert_string_equal(u.sentinel[1].host, "10.0.0.2");
	assert_int_equal(u.sentinel[1].port, 26380);
	assert_string_equal(u.sentinel[2].host, "2001:db8::3");
	assert_int_equal(u.sentinel[2].port, 26381);
	vrp_redis_url_clear(&u);
	/* No db: 0; a trailing '/' is no db either. */
	assert_int_equal(vrp_redis_url_parse("redis-sentinel://s/tm/", &u,
	    err, sizeof(err)), 0);
	assert_int_equal(u.db, 0);
	assert_int_equal(u.nsentinels, 1);
	vrp_redis_url_clear(&u);
}

static void
test_sentinel_bad(void **state)
{
	static const struct {
		const char	*url, *err;
	} bad[] = {
		{ "redis-sentinel://h:0/m", "sentinel 1: port must be 1..65535" },
		{ "redis-sentinel://h,h:65536/m",
		    "sentinel 2: port must be 1..65535" },
		{ "redis-sentinel://h,,h/m", "sentinel 2: missing host" },
		{ "redis-sentinel://h,[::1/m",
		    "sentinel 2: unterminated '[' in host" },
		{ "redis-sentinel://h,[::1]x/m", "sentinel 2: junk after host" },
		{ "redis-sentinel://h", "missing /MASTERNAME after the sentinels" },
		{ "redis-sentinel://h//m",
		    "missing /MASTERNAME after the sentinels" },
		{ "redis-sentinel://h/m*", "master name: character 2 must be a "
		    "letter, digit, '.', '_', ':' or '-'" },
		{ "redis-sentinel://h/m/1x",
		    "db (after the master name) must be a number" },
		{ "redis-sentinel://h/m?db=1", "redis-sentinel:// URLs take no "
		    "query; use /MASTERNAME/DB" },
		{ "redis-sentinel://pw@h/m",
		    "user info needs ':password' before '@'" },
		{ "redis-sentinel://h,h,h,h,h,h,h,h,h,h,h,h,h,h,h,h,h/m",
		    "more than 16 sentinels" },
		{ "sentinel://h/m", "expected redis://, unix://, redis+unix:// "
		    "or redis-sentinel://" },
	};
	struct vrp_redis_url u;
	char err[160], name[80], url[120];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(vrp_redis_url_parse(bad[i].url, &u, err,
		    sizeof(err)), -1);
		assert_string_equal(err, bad[i].err);
		/* cleared: nothing left to free */
		assert_null(u.master);
		assert_int_equal(u.nsentinels, 0);
	}
	/* 65 characters of master name are too many, 64 fine */
	memset(name, 'a', 65);
	name[65] = '\0';
	snprintf(url, sizeof(url), "redis-sentinel://h/%s", name);
	assert_int_equal(vrp_redis_url_parse(url, &u, err, sizeof(err)), -1);
	assert_string_equal(err, "master name longer than 64 characters");
	name[64] = '\0';
	snprintf(url, sizeof(url), "redis-sentinel://h/%s", name);
	assert_int_equal(vrp_redis_url_parse(url, &u, err, sizeof(err)), 0);
	assert_int_equal(strlen(u.master), 64);
	vrp_redis_url_clear(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_sentinel),
		cmocka_unit_test(test_sentinel_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
