/*
 * test_config.c - the configuration file: lines to "--name=value"
 * arguments, comments and white space, every error with its file:line,
 * refused names, and an overlong line.
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rovmon/config.h"

static const struct option opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "vrps", required_argument, NULL, 1 },
	{ "alert-sink", required_argument, NULL, 2 },
	{ "filter", required_argument, NULL, 3 },
	{ "daemon", no_argument, NULL, 'D' },
	{ "config", required_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};
static const char *const deny[] = { "config", NULL };
static char err[512];

/* Parse text as the file "t.conf"; returns config_parse()'s result. */
static int
parse(const char *text, struct config_args *ca)
{
	FILE *fp;
	int rc;

	err[0] = '\0';
	fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	assert_non_null(fp);
	rc = config_parse(fp, "t.conf", opts, deny, ca, err, sizeof(err));
	fclose(fp);
	return rc;
}

static void
test_options(void **state)
{
	struct config_args ca = { NULL, 0 };

	(void)state;
	assert_int_equal(parse(
	    "# rovmon\n"
	    "\n"
	    "interface eth1\n"
	    "  vrps   /etc/rovmon/vrps.json   # trailing comment\n"
	    "alert-sink syslog:daemon\n"
	    "alert-sink stdout\n"
	    "filter tcp port 179 and host 192.0.2.1\n"
	    "daemon\n"
	    "\tinterface\teth2", &ca), 0);
	assert_int_equal(ca.argc, 7);
	assert_string_equal(ca.argv[0], "--interface=eth1");
	assert_string_equal(ca.argv[1], "--vrps=/etc/rovmon/vrps.json");
	assert_string_equal(ca.argv[2], "--alert-sink=syslog:daemon");
	assert_string_equal(ca.argv[3], "--alert-sink=stdout");
	assert_string_equal(ca.argv[4], "--filter=tcp port 179 and host 192.0.2.1");
	assert_string_equal(ca.argv[5], "--daemon");
	assert_string_equal(ca.argv[6], "--interface=eth2");
	assert_null(ca.argv[7]);
	config_args_free(&ca);
	assert_null(ca.argv);
	assert_int_equal(ca.argc, 0);
	config_args_free(&ca);
	config_args_free(NULL);
}

static void
test_empty(void **state)
{
	struct config_args ca = { NULL, 0 };

	(void)state;
	assert_int_equal(parse("", &ca), 0);
	assert_int_equal(parse("# nothing\n   \n\t# more\n", &ca), 0);
	assert_int_equal(ca.argc, 0);
	config_args_free(&ca);
}

static void
expect_error(const char *text, const char *msg)
{
	struct config_args ca = { NULL, 0 };

	assert_int_equal(parse(text, &ca), -1);
	assert_string_equal(err, msg);
	config_args_free(&ca);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("interface eth0\n# x\nbogus 1\n",
	    "t.conf:3: unknown option 'bogus'");
	expect_error("Interface eth0\n", "t.conf:1: unknown option 'Interface'");
	expect_error("--interface eth0\n",
	    "t.conf:1: unknown option '--interface'");
	expect_error("\n\nconfig other.conf\n",
	    "t.conf:3: unknown option 'config'");
	expect_error("vrps\n", "t.conf:1: option 'vrps' needs a value");
	expect_error("vrps   # a comment is no value\n",
	    "t.conf:1: option 'vrps' needs a value");
	expect_error("daemon yes\n", "t.conf:1: option 'daemon' takes no value");
}

static void
test_long_line(void **state)
{
	struct config_args ca = { NULL, 0 };
	char *text;
	size_t n = CONFIG_LINE_MAX * 3;

	(void)state;
	text = malloc(n + 64);
	assert_non_null(text);
	strcpy(text, "interface eth0\nfilter ");
	memset(text + strlen(text), 'x', n);
	strcpy(text + 22 + n, "\ninterface eth1\n");
	assert_int_equal(parse(text, &ca), -1);
	assert_non_null(strstr(err, "t.conf:2: line longer than"));
	config_args_free(&ca);
	free(text);
}

static void
test_load(void **state)
{
	struct config_args ca = { NULL, 0 };
	char path[] = "/tmp/rovmon-test-config-XXXXXX";
	FILE *fp;
	int fd;

	(void)state;
	assert_int_equal(config_load("/nonexistent/rovmon.conf", opts, deny,
	    &ca, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "/nonexistent/rovmon.conf: No such file or directory");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("interface eth0\nbad\n", fp);
	fclose(fp);
	assert_int_equal(config_load(path, opts, deny, &ca, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, ":2: unknown option 'bad'"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	config_args_free(&ca);
	remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
