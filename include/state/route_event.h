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
	RESOLVE_SESSION_DOWN,	/* NOTIFICATION, FIN/RST, idle timeout */
};

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
	/* the packet and BGP message that caused it; NULL for revalidation
	 * and session-down events */
	const struct packet	*pkt;
	const uint8_t		*msg;
	uint32_t		 msg_len;
};

const char	*route_event_kind_name(enum route_event_kind);
				/* "announce", "withdraw", "revalidate", "resolved" */

#endif /* ROVMON_ROUTE_EVENT_H */
