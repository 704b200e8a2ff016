/*
 * rovctl.h - what rovctl's files share (rovctl.c: options, main and the
 * shared helpers; rovctl_query.c: validate and vrp show; rovctl_gen.c:
 * vrp load, status and watch on Redis generations; rovctl_aspa.c: aspa
 * show): the
 * exit codes, the options, the stop flag and the commands.  Not part of
 * the library.
 */
#ifndef ROVMON_ROVCTL_H
#define ROVMON_ROVCTL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct vrp_set;

/*
 * Exit codes (also in usage(), rovctl(8) and docs/redis.md).  2 is a
 * usage error, as for rovmon, so that a mistyped prefix can never read as
 * an answer; "not found" is 5.
 */
#define EX_VALID	0	/* validate: valid; others: success */
#define EX_INVALID	1
#define EX_USAGE	2	/* usage: one line, rovctl_usage_error() */
#define EX_ERROR	3	/* other error */
#define EX_UNAVAIL	4	/* VRP source or Redis unavailable/refused */
#define EX_NOTFOUND	5	/* validate: not found; show: no VRP */

/* The options of every command; strings point into argv. */
struct rovctl_opts {
	const char	*from, *redis, *ns, *vrps, *prefix, *asn;
	const char	*role, *neighbor;	/* validate-path */
	const char	*control, *state, *origin, *peer;	/* show */
	unsigned long	 interval, count, chunk, limit;
	int		 json, quick, longer, limit_set;
};

/* Set by SIGINT/SIGTERM, and by vrp watch after --count generations. */
extern volatile sig_atomic_t rovctl_stop;

/* A usage error: one line naming the culprit and where help is; EX_USAGE. */
int		 rovctl_usage_error(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* --redis, else $ROVMON_REDIS, else VRP_REDIS_DEFAULT_URL. */
const char	*rovctl_redis_url(const struct rovctl_opts *);
/* UTC ISO 8601, or "unknown" for t <= 0; returns buf. */
const char	*rovctl_fmt_time(int64_t t, char *buf, size_t len);
/* One compact JSON line on stdout; takes j (NULL: say so). */
void		 rovctl_json_out(json_t *j);
/* rovctl_query.c: an AS number (asplain, asdot, "AS" prefix); 0, or -1
 * and the reason in err. */
int		 rovctl_parse_asn(const char *text, uint32_t *asn, char *err,
		    size_t errlen);
/* The VRP set (with its ASPA objects) from file (a path or URL), else
 * the current generation in Redis, saying which on stderr when neither
 * was named; 0 (*set the caller's, *gen 0 for a file) or the exit code. */
int		 rovctl_get_set(const struct rovctl_opts *, const char *file,
		    struct vrp_set **set, uint64_t *gen);

/* The commands: each returns the exit code. */
int	rovctl_cmd_validate(const struct rovctl_opts *, int argc, char **argv);
int	rovctl_cmd_show(const struct rovctl_opts *);
int	rovctl_cmd_status(const struct rovctl_opts *);
int	rovctl_cmd_load(const struct rovctl_opts *);
int	rovctl_cmd_watch(const struct rovctl_opts *);
int	rovctl_cmd_aspa_show(const struct rovctl_opts *, int argc, char **argv);
/* rovctl_control.c: show summary|sessions|routes, reload, stats on
 * rovmon's control socket (docs/control.md); sub is show's word. */
int	rovctl_cmd_control(const struct rovctl_opts *, const char *cmd,
	    const char *sub);
/* rovctl_path.c */
int	rovctl_cmd_validate_path(const struct rovctl_opts *, int argc,
	    char **argv);

#endif /* ROVMON_ROVCTL_H */
