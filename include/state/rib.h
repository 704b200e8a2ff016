/*
 * rib.h - route state per BGP session and direction (an Adj-RIB-In per
 * sender), so that route updates become route CHANGES.
 *
 *   bgp_update -> validator -> rib (changes only) -> rules -> alert
 *
 * A route is keyed by (session, direction, prefix, path_id); direction is
 * the sender (src address and port of the UPDATE).  Each stored route
 * keeps its origin, its RPKI state and reason, its ASPA state and reason,
 * the RFC 9234 leak it is, an interned (hash-consed, refcounted) AS path
 * + next hop + OTC, and the caller's "alerted" flag; each direction the
 * sender's AS and role, with which ASPA is verified again when the ASPA
 * set changes.
 * The layout and its memory cost: the comment atop src/state/rib.c.
 *
 * Pointers handed out (struct rib_route *, ev->aspath) stay valid until the
 * next call that changes the RIB (announce, withdraw, session_down,
 * revalidate, free); inside a callback, until the callback returns.
 */
#ifndef ROVMON_RIB_H
#define ROVMON_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>

#include "bgp/bgp.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "rpki/rtr_audit.h"
#include "state/route_event.h"

struct rib;
struct rib_route;	/* one stored route; a handle, see above */

enum rib_change {
	RIB_ERROR = -1,		/* allocation failed; nothing stored */
	RIB_SAME = 0,		/* same origin, same verdicts: do not
				 * alert again (path/next hop also the
				 * same) */
	RIB_NEW,		/* the route was not stored */
	RIB_CHANGED,		/* origin AS (or its kind), RPKI state,
				 * ASPA verdict or leak changed:
				 * alert-worthy (ev->unchanged says
				 * which did not) */
	RIB_PATH_CHANGED,	/* same origin and verdicts, only the AS
				 * path, next hop or OTC changed: not
				 * alert-worthy */
};

/*
 * Called for each route by rib_session_down() (ev->kind RTEV_RESOLVED,
 * RESOLVE_SESSION_DOWN; rt about to be freed), rib_eor() and
 * rib_hold_expire() (RESOLVE_STALE, RESOLVE_SESSION_GONE; likewise) and for each changed route
 * by rib_revalidate() (RTEV_REVALIDATE; rt stays, rib_set_alerted() may
 * be called on it).  alerted: the route's flag before the call.
 * The callback must not call other rib functions.
 */
typedef void	 rib_event_cb(void *arg, struct route_event *ev,
		    struct rib_route *rt, bool alerted);

/* NULL on allocation failure.  Free with rib_free(). */
struct rib	*rib_new(void);
void		 rib_free(struct rib *);		/* NULL ok */

/*
 * Store or update an announced route and fill *ev (RTEV_ANNOUNCE, the
 * session/route fields, has_prev/prev_state/prev_origin_as and the
 * previous ASPA state and leak, ev->unchanged, ev->rpki copied from v->rpki
 * (NULL = no VRP set loaded: has_rpki false), the ASPA verdict and leak
 * from v; v NULL = none of them).  The direction remembers ctx's sender
 * role and AS.  *rtp (may be NULL) gets the stored route's handle, NULL
 * on RIB_ERROR.  A route that had alerted and is now VALID:
 * rib_alerted(*rtp) && ev->has_prev && ev->prev_state != ROV_VALID &&
 * res->state == VALID; the caller emits "resolved" and clears the flag.
 */
enum rib_change	 rib_announce(struct rib *, const struct bgp_msg_ctx *,
		    const struct bgp_attrs *, const struct bgp_route *,
		    const struct route_verdict *v, struct route_event *ev,
		    struct rib_route **rtp);
/* Ask for the first cache lines rib_announce() will read for this
 * announcement (its prefix's slot, its path's slots): called for a
 * batch of routes before their lookups, their misses overlap.  Reads
 * nothing but the index bases; changes nothing.  Returns the path's
 * hash for rib_prefetch_tuple(), which asks, once those slots have
 * come, for the stored path they name (a second pass over the batch). */
uint32_t	 rib_prefetch(const struct rib *, const struct bgp_attrs *,
		    const struct prefix *);
void		 rib_prefetch_tuple(const struct rib *, uint32_t hash);
/*
 * Remove a withdrawn route.  true if it was stored: *ev is then filled
 * (RTEV_WITHDRAW, the stored origin, path, state) and *alerted (may be
 * NULL) gets its flag.  false: nothing stored, *ev only has the
 * session/route fields.
 */
bool		 rib_withdraw(struct rib *, const struct bgp_msg_ctx *,
		    const struct bgp_route *, struct route_event *ev,
		    bool *alerted);
/* The caller's mark: a rule fired for the route in its current state. */
void		 rib_set_alerted(struct rib *, struct rib_route *, bool);
bool		 rib_alerted(const struct rib_route *);
/* Remove every route of the session (both directions), calling cb (may
 * be NULL) for each; forget the session.  Returns the routes removed. */
size_t		 rib_session_down(struct rib *, uint64_t session_id,
		    const struct timeval *ts, rib_event_cb *cb, void *arg);
/*
 * Held sessions: a session flap handled like BGP graceful restart (RFC
 * 4724), src/state/rib_hold.c.  A session that goes down is held: its
 * routes stay stored, keyed by its two speakers (their addresses, and
 * their AS numbers when known), until a new session between the same
 * speakers adopts them (rib_adopt(): they become stale; a re-announcement
 * makes a route current again, as rib_announce() reports it: RIB_SAME for
 * an unchanged one) or the hold time runs out (rib_hold_expire()).  A
 * new connection with the same 4-tuple as a held session (rovmon's own
 * restart: the TCP session never reset) resumes it as it was: current
 * routes, no End-of-RIB expected (rib_resume(), done by rib_announce()
 * and rib_withdraw() on their own for the first message of an unknown
 * session id).  Held sessions stay in the RIB under their old id: the
 * counts, rib_revalidate() and rib_misjudged() include their routes.
 *
 * Times are seconds on the caller's clock (capture time for -r, wall time
 * for -i); 0 is never a deadline.
 *
 * The checkpoint (item 3 of issue 16) builds a held session with the
 * route API: rib_announce() each route under a session id of its own
 * with the saved ctx (addresses, ports, peer AS, role), rib_set_alerted()
 * as saved, then rib_hold() that id.
 */

/* The two ends of a session: endpoint i sends from addr[i]:port[i]; as[i]
 * is its AS number (0 unknown).  Order does not matter. */
struct rib_speakers {
	struct ipaddr	 addr[2];
	uint16_t	 port[2];
	uint32_t	 as[2];
	uint8_t		 view;	/* enum bgp_view: a BMP view's session is
				 * never another view's */
};
/* The speakers of ctx's session: endpoint 0 its sender. */
void		 rib_speakers_of(struct rib_speakers *,
		    const struct bgp_msg_ctx *ctx);

/* What rib_hold(), rib_adopt() and the expiry say of one session. */
struct rib_hold_info {
	uint64_t	 session_id;	/* the held (old) id */
	uint64_t	 new_id;	/* the adopting id (adopt) */
	struct rib_speakers sp;		/* from its directions (ports: the
					 * old session's) */
	size_t		 routes;	/* held / adopted / resolved */
	size_t		 stale;		/* of those, stale (adopt: all;
					 * hold: not re-announced since an
					 * earlier adoption) */
	int64_t		 since;		/* when it was held */
};

/* Called once per session by rib_hold_expire() (gone: a held session
 * whose hold time ran out; else an adopted one whose End-of-RIB did not
 * come), before its routes' rib_event_cb calls. */
typedef void	 rib_hold_cb(void *arg, const struct rib_hold_info *,
		    bool gone);

/* Held sessions at most; rib_hold() refuses more (returns -1: resolve
 * that one at once with rib_session_down()). */
#define RIB_HOLD_MAX	4096

/*
 * The session went down (NOTIFICATION, FIN/RST, timeout): keep its
 * routes until `until' (a time > 0).  Returns the routes held (0 for a
 * session the RIB does not know, or one already held: nothing happens)
 * and fills *info (may be NULL); -1 when RIB_HOLD_MAX sessions are held.
 */
ssize_t		 rib_hold(struct rib *, uint64_t session_id, int64_t now,
		    int64_t until, struct rib_hold_info *info);
/*
 * A new BGP session (its OPEN seen) between sp's two speakers: adopt the
 * held session of the same speakers (addresses equal, AS numbers equal
 * where both are known; the latest held if several) under new_id: its
 * routes become stale, its directions take sp's ports (matched by
 * sender address, not by order).  Stale routes that no End-of-RIB sweeps
 * are resolved at `eor_until' (rib_hold_expire()).  Returns the routes
 * adopted and fills *info (may be NULL); 0 when none was held or new_id
 * is stored already: nothing happens.
 */
size_t		 rib_adopt(struct rib *, uint64_t new_id,
		    const struct rib_speakers *sp, int64_t eor_until,
		    struct rib_hold_info *info);
/*
 * A connection with the exact 4-tuple of a held session (the flow of
 * ctx, either direction): resume it under new_id as it was (routes
 * current, stale ones stay stale).  true if one was resumed.
 */
bool		 rib_resume(struct rib *, uint64_t new_id,
		    const struct rib_speakers *sp, struct rib_hold_info *info);
/*
 * End-of-RIB (RFC 4724 2) from ctx's sender for afi/safi: resolve that
 * direction's stale routes of that family (cb as for session-down, with
 * RESOLVE_STALE).  Returns the routes resolved.
 */
size_t		 rib_eor(struct rib *, const struct bgp_msg_ctx *ctx,
		    uint16_t afi, uint8_t safi, const struct timeval *ts,
		    rib_event_cb *cb, void *arg);
/*
 * Time passed to now: held sessions whose hold ran out are removed with
 * every route (RESOLVE_SESSION_GONE); adopted ones whose End-of-RIB wait
 * ran out lose their stale routes (RESOLVE_STALE).  now 0: all of them,
 * whatever their deadline (the end of an offline read).  hcb and cb may
 * be NULL.  Cheap when nothing is due.  Returns the routes resolved.
 */
size_t		 rib_hold_expire(struct rib *, int64_t now,
		    const struct timeval *ts, rib_hold_cb *hcb,
		    rib_event_cb *cb, void *arg);
/* Sessions held now, the routes they hold, routes stale in adopted
 * sessions (stats, the control socket, metrics). */
size_t		 rib_held_sessions(const struct rib *);
size_t		 rib_held_routes(const struct rib *);
size_t		 rib_stale_routes(const struct rib *);
/* Whether session_id is held (down, waiting). */
bool		 rib_is_held(const struct rib *, uint64_t session_id);

/*
 * Re-check every stored route against idx (origin given when its kind is
 * ORIGIN_AS_SEQ or _PEER) and its path against aidx (with its
 * direction's sender AS and role; aidx NULL: no ASPA data, no ASPA
 * verdicts) and, for each whose RPKI state or ASPA verdict changed or
 * that is judged for the first time (stored without VRPs: its
 * prev_state is NOT_FOUND, and it is reported even when it stays
 * NOT_FOUND; likewise a first ASPA verdict), store the new verdicts and
 * call cb (RTEV_REVALIDATE, ev->unchanged the verdicts that did not, prev_state
 * and prev_aspa_state the old ones).  idx NULL: the VRPs are gone;
 * routes keep no RPKI or ASPA state, no callbacks.  Returns the number
 * of routes reported.
 */
size_t		 rib_revalidate(struct rib *, const struct rov_index *idx,
		    const struct aspa_index *aidx, uint64_t gen,
		    const struct timeval *ts, rib_event_cb *cb, void *arg);

/*
 * The stored routes a router with the VRP set `router' judges unlike the
 * reference `ref' (rov_check() with each): counts and a few examples
 * (rib_walk.c, for the passive RTR audit).  Either NULL: all zero.
 */
void		 rib_misjudged(const struct rib *, const struct rov_index *router,
		    const struct rov_index *ref, struct rtr_misjudged *out);
size_t		 rib_count(const struct rib *);
/* Routes stored without VRPs count as ROV_NOT_FOUND. */
size_t		 rib_count_by_state(const struct rib *, enum rov_state);
size_t		 rib_sessions(const struct rib *);

/*
 * The tallies (rib_count.c), O(1): routes by RPKI state (stored without
 * VRPs: ROV_NOT_FOUND), by ASPA verdict (aspa_none: no verdict) and by
 * enum bgp_leak (BGP_LEAK_NONE included).  rpki[ROV_INVALID] is
 * rib_count_by_state(ROV_INVALID): the number docs/metrics.md gives as
 * the invalid-routes gauge.
 */
struct rib_counts {
	size_t		 routes;
	size_t		 rpki[3];	/* by enum rov_state */
	size_t		 aspa_none;
	size_t		 aspa[3];	/* by enum aspa_state */
	size_t		 leak[4];	/* by enum bgp_leak */
	size_t		 sessions;	/* rib_sessions() */
	size_t		 bytes;		/* rib_memory() */
};
void		 rib_counts(const struct rib *, struct rib_counts *);

/* One direction (one sender's Adj-RIB-In) with routes, for rib_dirs(). */
struct rib_dir_info {
	uint64_t	 session_id;
	struct ipaddr	 src, dst;	/* the sender, the receiver */
	uint16_t	 sport, dport;
	uint32_t	 peer_as;	/* the sender's AS, 0 unknown */
	size_t		 routes;
	size_t		 rpki[3];	/* by enum rov_state */
	bool		 held;		/* its session is down, held
					 * (rib_hold()) */
	size_t		 stale;		/* routes stale since a flap */
};
typedef void	 rib_dir_cb(void *arg, const struct rib_dir_info *);
/* cb (may be NULL) for each direction holding routes, in no order;
 * returns their number.  O(sessions), no route is read. */
size_t		 rib_dirs(const struct rib *, rib_dir_cb *cb, void *arg);
/* Tests: recount every route; true when the tallies agree. */
bool		 rib_check_tallies(const struct rib *);
size_t		 rib_paths(const struct rib *);	/* interned paths */
size_t		 rib_memory(const struct rib *);	/* bytes held */

#endif /* ROVMON_RIB_H */
