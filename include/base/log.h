/*
 * log.h - one error convention for all of rovmon.
 *
 * Functions return 0 on success and -1 on failure (or a named enum where a
 * caller must tell failures apart), predicates return bool, constructors
 * return NULL on failure.  Diagnostics are one line each:
 *   log_warn   - message plus strerror(errno)
 *   log_warnx  - message only
 *   log_info / log_debug - chatter, shown with -v / -vv
 *   fatal/fatalx - startup/config problems or broken invariants only;
 *                  never for anything a packet can cause.
 *
 * They go to stderr ("progname: message"), or, once log_set_dest() has
 * chosen syslog (a detached daemon, -D, whose stderr is /dev/null; or
 * --syslog), to syslog(3): ident progname, facility LOG_DAEMON, LOG_PID;
 * warnings at LOG_WARNING, info LOG_INFO, debug LOG_DEBUG, fatal LOG_CRIT.
 * Any thread may log; the destination is switched atomically.
 */
#ifndef ROVMON_LOG_H
#define ROVMON_LOG_H

#include <stdarg.h>

#define ROVMON_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern int log_verbose;		/* 0 quiet, 1 info, 2 debug */

enum log_dest {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
};

/* name is kept, not copied: a string constant or argv[0]. */
void log_init(const char *progname);
/*
 * Connect to the syslog daemon now (openlog with LOG_NDELAY), without
 * sending anything there yet: a chroot made later hides /dev/log, the
 * connection made before survives it.  Idempotent.
 */
void log_syslog_open(void);
/* Where diagnostics go from now on (syslog is opened if need be). */
void log_set_dest(enum log_dest);
enum log_dest log_get_dest(void);

void log_warn(const char *, ...) ROVMON_PRINTF(1, 2);
void log_warnx(const char *, ...) ROVMON_PRINTF(1, 2);
void log_info(const char *, ...) ROVMON_PRINTF(1, 2);
void log_debug(const char *, ...) ROVMON_PRINTF(1, 2);
/* The attribute as well as _Noreturn: cppcheck knows only the former. */
_Noreturn void fatal(const char *, ...) ROVMON_PRINTF(1, 2)
    __attribute__((noreturn));
_Noreturn void fatalx(const char *, ...) ROVMON_PRINTF(1, 2)
    __attribute__((noreturn));

#endif /* ROVMON_LOG_H */
