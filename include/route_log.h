/*
 * route_log.h - the route event log: one JSON object per line per route
 * (docs/route-log.md).  Formatted directly into a buffer, not through
 * jansson: it is on the per-prefix hot path, and field order must be
 * stable for golden-file tests.
 */
#ifndef ROVMON_ROUTE_LOG_H
#define ROVMON_ROUTE_LOG_H

#include <stdio.h>

#include "bgp.h"

struct route_log;

/*
 * Open path for appending ("-" = stdout).  An existing file is never
 * truncated.  NULL with an error logged on failure.
 */
struct route_log *route_log_open(const char *path);
/* Flush and close; 0, or -1 if a write failed.  NULL ok. */
int	route_log_close(struct route_log *);

/* bgp_sink.route callback; arg is the struct route_log. */
void	route_log_route(void *arg, const struct bgp_msg_ctx *,
	    const struct bgp_attrs *, const struct bgp_route *);

/*
 * Helpers shared with other JSON writers: append to buf at *off,
 * bounded by cap (output is cut, never overrun).
 */
void	json_put_ts(char *buf, size_t cap, size_t *off, const struct timeval *);
void	json_put_aspath(char *buf, size_t cap, size_t *off,
	    const struct bgp_aspath *);

#endif /* ROVMON_ROUTE_LOG_H */
