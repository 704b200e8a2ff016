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
/* bgp_sink.route callback without validation (the leak check only);
 * arg is the route_log. */
void	route_log_route(void *arg, const struct bgp_msg_ctx *,
	    const struct bgp_attrs *, const struct bgp_route *);

#endif /* ROVMON_ROUTE_LOG_H */
