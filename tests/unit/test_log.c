/*
 * test_log.c - diagnostics go to stderr, or, once switched, to syslog(3)
 * with the right ident, facility, options and priorities, and no longer
 * to stderr.
 *
 * openlog() and syslog() are replaced by the definitions below: the
 * executable's own symbols take precedence over libc's, so log.c's calls
 * land here and are recorded in a file (shared with forked children, for
 * fatal(), which exits).
 */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/log.h"

static FILE *rec;		/* "pri|message" lines */
static int opened;		/* openlog() calls */
static char open_ident[64];
static int open_option, open_facility;

void
openlog(const char *ident, int option, int facility)
{
	opened++;
	snprintf(open_ident, sizeof(open_ident), "%s", ident);
	open_option = option;
	open_facility = facility;
}

static void
record(int pri, const char *fmt, va_list ap)
{
	fprintf(rec, "%d|", pri);
	vfprintf(rec, fmt, ap);
	fputc('\n', rec);
	fflush(rec);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(pri, fmt, ap);
	va_end(ap);
}

/* What syslog() becomes when log.c is built with _FORTIFY_SOURCE. */
void __syslog_chk(int, int, const char *, ...);
void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	record(pri, fmt, ap);
	va_end(ap);
}

static char *
slurp(FILE *fp)
{
	static char buf[4096];
	size_t n;

	fflush(fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	return buf;
}

static void
test_stderr_then_syslog(void **state)
{
	FILE *err;
	int saved;

	(void)state;
	assert_non_null(rec = tmpfile());
	assert_non_null(err = tmpfile());
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(dup2(fileno(err), STDERR_FILENO) != -1);

	log_init("rovmon-test");
	log_verbose = 2;
	assert_int_equal(log_get_dest(), LOG_TO_STDERR);
	log_warnx("to stderr %d", 1);

	/* Opened early (before a chroot), not used yet. */
	log_syslog_open();
	log_syslog_open();
	assert_int_equal(opened, 1);
	assert_string_equal(open_ident, "rovmon-test");
	assert_int_equal(open_option, LOG_PID | LOG_NDELAY);
	assert_int_equal(open_facility, LOG_DAEMON);
	log_warnx("still stderr");

	log_set_dest(LOG_TO_SYSLOG);
	assert_int_equal(opened, 1);
	assert_int_equal(log_get_dest(), LOG_TO_SYSLOG);
	log_warnx("warnx %s", "x");
	errno = ENOENT;
	log_warn("warn");
	log_info("info");
	log_debug("debug");
	log_verbose = 0;
	log_info("not shown");
	log_set_dest(LOG_TO_STDERR);
	log_warnx("back");

	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) != -1);
	close(saved);
	assert_string_equal(slurp(err), "rovmon-test: to stderr 1\n"
	    "rovmon-test: still stderr\nrovmon-test: back\n");
	assert_string_equal(slurp(rec), "4|warnx x\n"
	    "4|warn: No such file or directory\n6|info\n7|debug\n");
	fclose(err);
	fclose(rec);
	rec = NULL;
}

static void
test_fatal_is_crit(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	assert_non_null(rec = tmpfile());
	if ((pid = fork()) == 0) {
		log_set_dest(LOG_TO_SYSLOG);
		fatalx("cannot go on: %d", 42);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_string_equal(slurp(rec), "2|cannot go on: 42\n");
	fclose(rec);
	rec = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stderr_then_syslog),
		cmocka_unit_test(test_fatal_is_crit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
