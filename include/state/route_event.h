/*
 * route_event.h - one route event after validation and route state: what
 * rules match against and what alerts are built from.
 *
 *   bgp_update -> validator -> rib (changes only) -> rules -> alert -> sinks
 *
 * Built once per event by the RIB (rib_announce(), rib_withdraw(),
 * rib_session_down(), rib_revalidate() in rib.h) and handed to
 * alerting.c, which matches it against the rules; every field is valid
 * for the duration of the callbacks that receive it (pointers are not
 * owned: copy to keep).
 */
#ifndef ROVMON_ROUTE_EVENT_H
#define ROVMON_ROUTE_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_role.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"

enum route_event_kind {
	RTEV_ANNOUNCE,		/* new route, or its origin/state changed */
	RTEV_WITHDRAW,		/* withdrawn (or treat-as-withdraw) */
	RTEV_REVALIDATE,	/* state changed because the VRPs changed */
	RTEV_RESOLVED,		/* a route that had alerted is withdrawn,
				 * became VALID, or its session went down */
};

/* Why a resolved event happened. */
enum route_resolve_why {
	RESOLVE_NONE = 0,
	RESOLVE_WITHDRAWN,
	RESOLVE_VALID,		/* re-announced or re-validated as VALID */
	RESOLVE_SESSION_DOWN,	/* NOTIFICATION, FIN/RST, idle timeout
				 * (with --stale-time 0) */
	RESOLVE_STALE,		/* not re-announced after a session flap
				 * (End-of-RIB, or its wait ran out) */
	RESOLVE_SESSION_GONE,	/* held session never came back */
};

/*
 * A route's verdicts, for ev->unchanged: those an announce or revalidate
 * event brings no news of.  A new route brings news of all; a changed
 * one of those that changed (ROV: the origin or the RPKI state, or a
 * first verdict; ASPA: the state, or a first verdict; the leak).  A rule
 * that asks about a verdict matches only an event with news of it
 * (docs/rules.md, "Once per route").  Zero, as in a zeroed event, is
 * news of everything.
 */
#define RTEV_VERDICT_RPKI	0x01
#define RTEV_VERDICT_ASPA	0x02
#define RTEV_VERDICT_LEAK	0x04
#define RTEV_VERDICT_ALL	0x07

/*
 * What the route callback (rovmon_loop.c) judged of one announcement:
 * ROV, the RFC 9234 OTC check and ASPA.  Handed to the route log and,
 * through alerting, to the RIB, which keeps it.
 */
struct route_verdict {
	const struct rov_result	*rpki;	/* NULL: no VRP set loaded */
	uint64_t		 generation;	/* of the VRP (and ASPA) set */
	enum bgp_leak		 leak;	/* bgp_otc_check() */
	bool			 has_aspa;	/* false: no ASPA data, the
					 * sender's role or AS unknown */
	struct aspa_result	 aspa;
};

/* The leak check of an announcement (bgp_otc_check() on the sender's
 * role and AS and the route's OTC); the rest of v zeroed. */
void	route_verdict_init(struct route_verdict *v,
	    const struct bgp_msg_ctx *, const struct bgp_attrs *);

struct route_event {
	enum route_event_kind	 kind;
	enum route_resolve_why	 resolve_why;
	struct timeval		 ts;	/* packet time; for revalidation the
					 * time of the VRP swap */
	/* the session and direction (sender = src) */
	uint64_t		 session_id;
	struct ipaddr		 src_addr, dst_addr;
	uint16_t		 src_port, dst_port;
	uint32_t		 peer_as;	/* 0 unknown */
	uint8_t			 view;	/* enum bgp_view: WIRE but for the
					 * RIB views of a BMP feed */
	/* the route */
	struct prefix		 prefix;
	bool			 has_path_id;
	uint32_t		 path_id;
	enum bgp_origin_kind	 origin_kind;
	uint32_t		 origin_as;	/* for ORIGIN_AS_SEQ / _PEER */
	const struct bgp_aspath	*aspath;	/* NULL for withdrawals */
	struct ipaddr		 next_hop;	/* family 0 if none */
	/* validation: has_rpki false when no VRP set is loaded */
	bool			 has_rpki;
	struct rov_result	 rpki;
	uint64_t		 vrp_generation;
	bool			 has_prev;	/* the route was in the RIB */
	enum rov_state		 prev_state;
	uint32_t		 prev_origin_as;
	uint8_t			 unchanged;	/* RTEV_VERDICT_* without
						 * news (announce, revalidate) */
	/* RFC 9234: the sender's role towards the receiver (per session
	 * direction), the route's OTC and the OTC rule it breaks */
	enum bgp_role		 sender_role;
	enum bgp_role_source	 role_source;
	bool			 has_otc;
	uint32_t		 otc;
	enum bgp_leak		 leak;
	/* RFC 8097: the state the router stamped on the route (enum
	 * bgp_router_rpki; NONE when it did not), kept in the RIB */
	uint8_t			 router_rpki;
	/* ASPA: has_aspa false when there is no ASPA data or the sender's
	 * role is unknown; for events built from a stored route
	 * (withdraw, resolved) the deciding hop is not kept (0, 0) */
	bool			 has_aspa;
	struct aspa_result	 aspa;
	bool			 has_prev_aspa;	/* the stored route had one */
	enum aspa_state		 prev_aspa_state;
	enum bgp_leak		 prev_leak;
	/* the packet and BGP message that caused it; NULL for revalidation
	 * and session-down events */
	const struct packet	*pkt;
	const uint8_t		*msg;
	uint32_t		 msg_len;
	uint64_t		 msg_seq;	/* bgp_msg_ctx's: 0 unknown */
};

const char	*route_event_kind_name(enum route_event_kind);
				/* "announce", "withdraw", "revalidate", "resolved" */

#endif /* ROVMON_ROUTE_EVENT_H */
