/*
 * log.h - one error convention for all of rovmon.
 *
 * Functions return 0 on success and -1 on failure (or a named enum where a
 * caller must tell failures apart), predicates return bool, constructors
 * return NULL on failure.  Diagnostics go to stderr as one line each:
 *   log_warn   - message plus strerror(errno)
 *   log_warnx  - message only
 *   log_info / log_debug - chatter, shown with -v / -vv
 *   fatal/fatalx - startup/config problems or broken invariants only;
 *                  never for anything a packet can cause.
 */
#ifndef ROVMON_LOG_H
#define ROVMON_LOG_H

#include <stdarg.h>

#define ROVMON_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern int log_verbose;		/* 0 quiet, 1 info, 2 debug */

void log_init(const char *progname);
void log_warn(const char *, ...) ROVMON_PRINTF(1, 2);
void log_warnx(const char *, ...) ROVMON_PRINTF(1, 2);
void log_info(const char *, ...) ROVMON_PRINTF(1, 2);
void log_debug(const char *, ...) ROVMON_PRINTF(1, 2);
_Noreturn void fatal(const char *, ...) ROVMON_PRINTF(1, 2);
_Noreturn void fatalx(const char *, ...) ROVMON_PRINTF(1, 2);

#endif /* ROVMON_LOG_H */
