/*
 * route_log.h - the route event log: one JSON object per line per route
 * (docs/route-log.md).  Formatted directly into a buffer, not through
 * jansson: it is on the per-prefix hot path, and field order must be
 * stable for golden-file tests.  The route facts come from route_json.h.
 */
#ifndef ROVMON_ROUTE_LOG_H
#define ROVMON_ROUTE_LOG_H

#include <stdio.h>

#include "bgp/bgp.h"
#include "state/route_event.h"

struct route_log;

/*
 * Open path for appending ("-" = stdout), O_APPEND, created 0640 less
 * the umask.  An existing file is never truncated.  NULL with an error
 * logged on failure.
 */
struct route_log *route_log_open(const char *path);
/*
 * Log rotation (SIGHUP): open the path again (O_APPEND, never truncated)
 * and switch to it after flushing what is buffered into the old file, so
 * no line is lost or written twice.  On failure keep writing to the old
 * file, warn once (again only after a reopen has worked), return -1.
 * 0 when reopened, or for stdout ("-") and NULL, which have nothing to
 * reopen.
 */
int	route_log_reopen(struct route_log *);
/* Push buffered lines to the file (live captures call it when idle). */
void	route_log_flush(struct route_log *);
/* Flush and close; 0, or -1 if a write failed.  NULL ok. */
int	route_log_close(struct route_log *);

/*
 * One route event.  Announcements get the "rpki" object when v->rpki is
 * set (NULL: no VRP set loaded), with the generation that judged it,
 * and the route-leak fields (peer_role, role_source, otc from ctx and at;
 * aspa and leak from v; v NULL: no verdict at all, aspa and leak null).
 */
void	route_log_write(struct route_log *, const struct bgp_msg_ctx *,
	    const struct bgp_attrs *, const struct bgp_route *,
	    const struct route_verdict *v);
/*
 * The output stage (--threads 2 and more, rovmon/output.h) takes over
 * route_log_write() and route_log_flush() with a divert, as it does the
 * alert sinks' (sinks_divert()): they queue a copy for its thread, which
 * calls the _direct forms, what they do without a divert.  The other
 * calls stay direct: their caller makes sure that thread is idle first.
 * d NULL: no divert.  So the callers never choose between the two.
 */
struct route_log_divert {
	void	(*write)(void *arg, const struct bgp_msg_ctx *,
		    const struct bgp_attrs *, const struct bgp_route *,
		    const struct route_verdict *);
	void	(*flush)(void *arg);
	void	*arg;
};
void	route_log_divert(struct route_log *, const struct route_log_divert *d);
void	route_log_write_direct(struct route_log *, const struct bgp_msg_ctx *,
	    const struct bgp_attrs *, const struct bgp_route *,
	    const struct route_verdict *v);
void	route_log_flush_direct(struct route_log *);
/* bgp_sink.route callback without validation (the leak check only);
 * arg is the route_log. */
void	route_log_route(void *arg, const struct bgp_msg_ctx *,
	    const struct bgp_attrs *, const struct bgp_route *);

#endif /* ROVMON_ROUTE_LOG_H */
