/*
 * alerting.h - route state, rules and sinks glued into one stage:
 *
 *   validated route -> rib (changes only) -> rules -> alert -> sinks
 *
 * Alerts fire on changes: a new route, an origin, RPKI state, ASPA
 * verdict or leak change, a change caused by new VRPs or ASPAs
 * (revalidation), or the first verdict of a route stored before any VRPs
 * were loaded.  With the default rules that is every INVALID and
 * NOT_FOUND route, every ASPA invalid one and every OTC leak, once per
 * route per session (docs/rules.md, "Default rules").  A route that
 * alerted gets a "resolved" event when it is withdrawn, becomes VALID
 * with no ASPA invalid and no leak (or stops matching any rule), or its
 * session goes down.  Repeating a route with the same origin and
 * verdicts alerts nothing.
 */
#ifndef ROVMON_ALERTING_H
#define ROVMON_ALERTING_H

#include <sys/time.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sensor_event.h"
#include "bgp/bgp.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "rpki/rtr_audit.h"
#include "state/route_event.h"

struct alerting;
struct rib;
struct sinks;

struct alerting_config {
	const char	*rules;		/* rule file (required) */
	const char	*classification; /* NULL: beside the rules */
	const char	*sensor;	/* name put in every alert */
	const char	**sinks;	/* sink specs (sink.h); nsinks */
	size_t		 nsinks;
	unsigned	 min_priority;	/* default for sinks, 0 = each type's */
	bool		 offline;	/* reading a file: network sinks wait
					 * for room instead of dropping */
	long		 stale_time;	/* seconds a session that went down
					 * keeps its routes for a new session
					 * between the same speakers, and
					 * that session's End-of-RIB wait
					 * (--stale-time); 0: resolved at
					 * once, no session events */
};

/* NULL with the error logged (bad rule file, bad sink spec). */
struct alerting	*alerting_new(const struct alerting_config *);
void		 alerting_free(struct alerting *);	/* NULL ok; flushes */

/* One route event from the decoder with its verdicts (v may be NULL for
 * a withdrawal, or when nothing was judged). */
void		 alerting_route(struct alerting *, const struct bgp_msg_ctx *,
		    const struct bgp_attrs *, const struct bgp_route *,
		    const struct route_verdict *v);
/* rib_prefetch() and rib_prefetch_tuple() of an announcement
 * alerting_route() will get soon. */
uint32_t	 alerting_prefetch(const struct alerting *,
		    const struct bgp_attrs *, const struct prefix *);
void		 alerting_prefetch_tuple(const struct alerting *, uint32_t);
/* The TCP session of ctx->session_id ended: resolve its alerted routes. */
void		 alerting_session_down(struct alerting *,
		    const struct bgp_msg_ctx *);
/*
 * A session event (bgp_sink.session) with stale_time > 0, a flap handled
 * like graceful restart (docs/alerts.md, "Session flaps"): NOTIFICATION
 * or TCP close: the session is held (rib_hold()), one session-down
 * event; a new session between the same speakers, both OPENs seen,
 * adopts the held routes as stale at its first UPDATE (alerting_route()
 * or End-of-RIB), one session-up event; End-of-RIB: that sender's
 * stale routes of that family are resolved (reason "stale").  With
 * stale_time 0, a NOTIFICATION or close is alerting_session_down().
 */
void		 alerting_session(struct alerting *, const struct bgp_msg_ctx *,
		    const struct bgp_session_info *);
/* Time passed (capture time with -r, wall time with -i): held sessions
 * whose hold ran out are gone (session-gone, their routes resolved),
 * stale routes whose End-of-RIB did not come are resolved. */
void		 alerting_tick(struct alerting *, const struct timeval *now);
/* The end of an offline read (-r): every session still held is gone
 * and every stale route resolved, as if the time ran out (last: the
 * last packet's time, may be NULL). */
void		 alerting_finish(struct alerting *, const struct timeval *last);
/* A new VRP (and ASPA) set is in use: re-validate every stored route
 * (aidx NULL: no ASPA data). */
void		 alerting_revalidate(struct alerting *, const struct rov_index *,
		    const struct aspa_index *aidx, uint64_t gen,
		    const struct timeval *now);
/*
 * A sensor event (base/sensor_event.h: not one route, e.g. a router's
 * RTR set drifting, rovmon's RTR data expired): matched against the
 * rules that name its type (`event:rtr-expired;`), an alert for each
 * that fires.  Packet thread; ev and its strings need live only for the
 * call.  Its signature is a sensor_event_fn, so a producer takes
 * (alerting_event_fn, alerting) without including this header.
 */
void		 alerting_event(struct alerting *, const struct sensor_event *ev);
void		 alerting_event_fn(void *alerting, const struct sensor_event *ev);
/* The stored routes a router with the VRP set `router' judges unlike
 * `ref' (rib_misjudged()); its signature is an rtr_misjudge_fn. */
void		 alerting_misjudged_fn(void *alerting,
		    const struct rov_index *router, const struct rov_index *ref,
		    struct rtr_misjudged *out);
/* SIGHUP: reload the rules (the old ones stay if the file is bad; rules
 * with the same gid:sid:rev and event_filter keep their event_filter
 * counts) and reopen the file sinks.  The old rules are freed, and an
 * alert points at its rule (alert.h): the caller first empties the
 * output stage's queue of alerts (output_sync(), rovmon_loop.c). */
void		 alerting_reload(struct alerting *);
/*
 * Replace the RIB with one loaded from a checkpoint's body (rib_load())
 * and hold each restored session for `hold' seconds from now
 * (rib_hold_restored(): its flow resumes it, a new session between its
 * speakers adopts it, else it goes with session-gone); 0, or -1 with
 * why, the RIB as it was.  At start, before any route.
 */
int		 alerting_restore(struct alerting *, const uint8_t *body,
		    size_t len, const struct timeval *now, long hold,
		    char *why, size_t whylen);
/*
 * The session of ctx, if the RIB does not know its id, resumes a held
 * session with its exact 4-tuple (rib_resume(): one restored from a
 * checkpoint whose TCP connection went on).  Route events do it on their
 * own (rib_announce(), rib_withdraw()); a session event that may come
 * first (its NOTIFICATION, its close, an End-of-RIB) calls this.
 */
void		 alerting_resume(struct alerting *, const struct bgp_msg_ctx *);
/*
 * A route of a session read mid-stream (ctx->peer_as 0): resume the held
 * session of its 4-tuple (alerting_resume()) and fill what ctx does not
 * know from what the RIB stored of its sender before rovmon's restart
 * (rib_sender(): its AS, the receiver's, its role), so that it is judged
 * as before (ASPA needs the neighbour's AS, the OTC check its role).
 * true if ctx was changed.
 */
bool		 alerting_sender(struct alerting *, struct bgp_msg_ctx *ctx);
/* Write out the alert lines gathered by file sinks (sinks_drain). */
void		 alerting_drain(struct alerting *);
/* At the end of the run: deliver or give up what the sinks hold, then
 * the number of alerts lost for good (0: none) and, in why, where and
 * why ("SPEC (reason)", sinks_lost()).  NULL ok (0). */
uint64_t	 alerting_lost(struct alerting *, char *why, size_t len);
/* What the metrics and the checkpoint read (packet thread only,
 * rovmon/metrics.c, rovmon/rovmon_state.c): the stored routes and the
 * sinks.  Owned by the alerting stage. */
const struct rib *alerting_rib(const struct alerting *);
struct sinks	*alerting_sinks(const struct alerting *);
/* The same RIB for the control socket's walks, which register in its
 * tables (state/rib_query.h): packet thread only. */
struct rib	*alerting_rib_walk(struct alerting *);
/* Set the route-state gauges of the statistics (stats.h) to now, and add
 * the network sinks' counts (sinks_update_stats()).  Packet thread. */
void		 alerting_update_stats(const struct alerting *);

#endif /* ROVMON_ALERTING_H */
