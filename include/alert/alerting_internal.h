/*
 * alerting_internal.h - what the files of the alerting stage share, and
 * nobody else sees: struct alerting (alerting.c) and the session-flap
 * half of it (alerting_flap.c).
 */
#ifndef ROVMON_ALERTING_INTERNAL_H
#define ROVMON_ALERTING_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "alert/alerting.h"
#include "state/rib.h"

struct ruleset;
struct sinks;

/*
 * New sessions waiting for their first UPDATE to adopt a held session: a
 * few at once (a restarting speaker's connection attempts); past that
 * the oldest is forgotten (it then starts empty, its held session goes
 * after --stale-time).
 */
#define FLAP_PENDING	16

struct alerting {
	struct alerting_config	 cfg;
	struct rib		*rib;
	struct ruleset		*rules;
	struct sinks		*sinks;
	struct timeval		 now;	/* of the expiry under way */
	/* new sessions between known speakers, both OPENs seen, that
	 * adopt a held session at their first UPDATE (alerting_flap_adopt()) */
	struct flap_pending {
		uint64_t		 id;
		struct rib_speakers	 sp;
	}			 pend[FLAP_PENDING];
	unsigned		 npend;
};

/* rib_event_cb: a route of a session that went (session-down, stale,
 * session-gone): "resolved" if it had alerted. */
void	alerting_on_down(void *arg, struct route_event *ev,
	    struct rib_route *rt, bool alerted);
/* The first UPDATE of a session that may adopt a held one
 * (alerting_flap.c). */
void	alerting_flap_adopt(struct alerting *, const struct bgp_msg_ctx *);

#endif /* ROVMON_ALERTING_INTERNAL_H */
