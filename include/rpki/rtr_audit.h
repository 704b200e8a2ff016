/*
 * rtr_audit.h - the passive RTR audit (--rtr-audit): routers' RPKI-to-
 * Router sessions decoded off the mirror, each router's VRP and ASPA set
 * rebuilt as its cache sent it, and compared with rovmon's reference
 * (its own VRP source).  docs/rtr.md, "Audit".
 *
 *   reasm (flows on the RTR ports, capture/reasm_dispatch.h)
 *       -> rtr_audit_reasm_ops -> PDUs (rtr_pdu.h) -> per-router set
 *       -> compared with the reference -> sensor events (rtr-drift, ...)
 *
 * A router is keyed by its address (the RTR client's: the endpoint not
 * on an RTR port); its sessions, one after the other, update one set.
 * A set is "complete" once a Cache Response that answers a Reset Query
 * ended with End of Data on a session decoded from its start; until
 * then (picked up mid-stream, after a gap or a malformed PDU) it is
 * "partial" and never compared: a partial set would report drift that
 * is only rovmon's blind spot.
 *
 * Which stored routes the router judges unlike the reference needs the
 * RIB (state/, above rpki/): rovmon/ gives a misjudge callback that walks
 * it (rib_misjudged(), state/rib_walk.c).  Packet thread only.
 */
#ifndef ROVMON_RTR_AUDIT_H
#define ROVMON_RTR_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "base/sensor_event.h"
#include "capture/reasm.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"

#define RTR_AUDIT_DEFAULT_PORT1	323	/* RFC 8210 section 9 (rpki-rtr) */
#define RTR_AUDIT_DEFAULT_PORT2	8282	/* stayrtr, gortr, Routinator */
#define RTR_AUDIT_MAX_PORTS	8
#define RTR_AUDIT_EXAMPLES	5	/* examples kept per difference */
#define RTR_AUDIT_EXAMPLE_LEN	72

/* What the RIB walk found: stored routes judged unlike the reference. */
struct rtr_misjudged {
	size_t	 routes;		/* judged differently */
	size_t	 invalid_accepted;	/* reference INVALID, router not:
					 * the headline */
	size_t	 valid_rejected;	/* reference VALID, router INVALID */
	size_t	 nexamples;
	char	 examples[RTR_AUDIT_EXAMPLES][RTR_AUDIT_EXAMPLE_LEN];
};

/* Walk the stored routes, judging each with router (and ref): fill *out.
 * rovmon/ wires state/'s rib_misjudged(). */
typedef void	(*rtr_misjudge_fn)(void *arg, const struct rov_index *router,
		    const struct rov_index *ref, struct rtr_misjudged *out);

struct rtr_audit_config {
	uint16_t	 ports[RTR_AUDIT_MAX_PORTS];	/* the caches' */
	size_t		 nports;
	uint32_t	 stale_secs;	/* no End of Data for longer: stale;
					 * 0 = twice the refresh interval
					 * of the last End of Data (v1+), or
					 * 7200 (v0) */
	sensor_event_fn	 event;		/* NULL: no events */
	void		*event_arg;
	rtr_misjudge_fn	 misjudge;	/* NULL: no route comparison */
	void		*misjudge_arg;
};

struct rtr_audit;

/* NULL on allocation failure. */
struct rtr_audit *rtr_audit_new(const struct rtr_audit_config *);
void		 rtr_audit_free(struct rtr_audit *);	/* NULL ok */

/* The reasm ops of RTR flows; arg = the struct rtr_audit. */
extern const struct reasm_ops rtr_audit_reasm_ops;

/*
 * The reference changed (or is first known): compare every complete
 * router with it and raise what changed.  The index stays the caller's;
 * it must stay valid until the next call (the validator's current one).
 * ref NULL: no reference, nothing compared.
 */
void		 rtr_audit_reference(struct rtr_audit *,
		    const struct rov_index *ref, const struct aspa_index *aref,
		    const struct timeval *now);
/* The clock moved (a packet, or idle): stale checks. */
void		 rtr_audit_tick(struct rtr_audit *, const struct timeval *now);
/*
 * The statistics' "rtr_audit" member: a JSON array, one object per
 * router (docs/rtr.md, "Audit"), into buf; its length, or 0 when it
 * does not fit (buf then holds "[]").  now: Unix time for the ages.
 */
size_t		 rtr_audit_json(const struct rtr_audit *, int64_t now,
		    char *buf, size_t cap);
size_t		 rtr_audit_routers(const struct rtr_audit *);

#endif /* ROVMON_RTR_AUDIT_H */
