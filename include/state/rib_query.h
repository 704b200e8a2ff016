/*
 * rib_query.h - filtered, resumable walks of the stored Adj-RIB-In, for
 * the control socket (rovctl show routes; docs/control.md).  A walk
 * visits at most a given number of stored routes per call, so that the
 * packet thread, which owns the RIB, answers a query over a full table in
 * slices between packets, and the RIB may change between two slices.
 *
 * What a sliced walk promises (the RIB changes between slices):
 *   - a route stored for the whole walk, from its start to its end, is
 *     handed out exactly once, with its state at the slice that visits
 *     it;
 *   - a route withdrawn before its slice is not handed out; one
 *     announced after the walk started may or may not be;
 *   - only the tables (session directions) present when the walk
 *     started are walked; a session that flaps and is adopted by its
 *     successor (rib_hold.c) keeps its tables, and they are walked.
 * It is not a snapshot: two routes may be reported as they were at
 * different moments.  rib_table.c keeps the first promise when it
 * removes a route under an active walk (rib_tab_remove(): the routes
 * already visited stay in front of the walk's position, the others
 * behind it); rib_tab_drop() tells the walks of a table that goes away.
 *
 * The walk runs in the thread that owns the RIB; a walk must be freed
 * (rib_query_free()) before the RIB is.
 */
#ifndef ROVMON_RIB_QUERY_H
#define ROVMON_RIB_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "rpki/rov.h"
#include "state/rib.h"
#include "state/route_event.h"

/* Which routes: each has_* that is set must match. */
struct rib_query_filter {
	bool		 has_state;
	enum rov_state	 state;		/* routes stored without VRPs count
					 * as NOT_FOUND, as in the counts */
	bool		 has_prefix;
	struct prefix	 prefix;	/* host bits zero */
	bool		 longer;	/* the prefix and its more-specifics,
					 * else exactly the prefix */
	bool		 has_origin;
	uint32_t	 origin;	/* routes whose origin is this AS */
	bool		 has_peer;
	struct ipaddr	 peer;		/* routes the speaker at this address
					 * sent (the sender, src) */
};

struct rib_query;

enum rib_query_status {
	RIB_QUERY_MORE,		/* the budget ran out: call again */
	RIB_QUERY_PAUSED,	/* the callback said "no room": call again
				 * (the refused route is offered again) */
	RIB_QUERY_DONE,		/* every route walked */
};

/*
 * One matching route as a route event (kind RTEV_ANNOUNCE, the session,
 * direction and route fields, the stored verdicts; rpki.nvrps 0: the
 * caller looks the deciding VRPs up; ev->aspath valid for the call).
 * alerted: a rule fired for the route in its current state.  Return true
 * when the route was taken, false to pause the walk before it.
 */
typedef bool	 rib_query_cb(void *arg, const struct route_event *ev,
		    bool alerted);

/* Start a walk over the tables stored now.  NULL on ENOMEM, or when
 * RIB_WALKS_MAX walks are running. */
struct rib_query *rib_query_new(struct rib *, const struct rib_query_filter *);
/* Visit at most budget stored routes (matching or not). */
enum rib_query_status rib_query_step(struct rib_query *, size_t budget,
		    rib_query_cb *cb, void *arg);
/* Routes visited so far (matching or not). */
uint64_t	 rib_query_visited(const struct rib_query *);
void		 rib_query_free(struct rib_query *);	/* NULL ok */

/* Does the route of ev pass the filter?  (Also used by the tests.) */
bool		 rib_query_match(const struct rib_query_filter *,
		    const struct route_event *ev);

#endif /* ROVMON_RIB_QUERY_H */
