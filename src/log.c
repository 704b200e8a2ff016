/* log.c - stderr diagnostics; see log.h for the convention. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int log_verbose;
static const char *progname = "rovmon";

void
log_init(const char *name)
{
	if (name != NULL)
		progname = name;
}

static void
vlog(const char *fmt, va_list ap, const char *errstr)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
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
	vlog(fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(fmt, ap, e);
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, NULL);
	va_end(ap);
	exit(3);
}
