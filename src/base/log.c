/*
 * log.c - diagnostics to stderr or syslog(3); see log.h for the convention.
 *
 * The destination is an atomic because the Redis watcher and the network
 * sinks log from their own threads while the main thread switches to
 * syslog when the daemon has detached.  glibc's syslog() is thread-safe
 * and reconnects by itself when the syslog daemon restarts (except inside
 * a chroot without /dev/log: docs/deployment.md).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/log.h"

int log_verbose;
static const char *progname = "rovmon";
static atomic_int dest = LOG_TO_STDERR;
static atomic_bool syslog_opened;

void
log_init(const char *name)
{
	if (name != NULL)
		progname = name;
}

void
log_syslog_open(void)
{
	if (atomic_exchange(&syslog_opened, true))
		return;
	openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_dest(enum log_dest d)
{
	if (d == LOG_TO_SYSLOG)
		log_syslog_open();
	atomic_store(&dest, (int)d);
}

enum log_dest
log_get_dest(void)
{
	return (enum log_dest)atomic_load(&dest);
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *errstr)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (atomic_load(&dest) == LOG_TO_SYSLOG) {
		if (errstr != NULL)
			syslog(pri, "%s: %s", buf, errstr);
		else
			syslog(pri, "%s", buf);
		return;
	}
	if (errstr != NULL)
		fprintf(stderr, "%s: %s: %s\n", progname, buf, errstr);
	else
		fprintf(stderr, "%s: %s\n", progname, buf);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(3);
}
