/*
 * validator.h - the validation stage between BGP decoding and outputs.
 *
 * Holds the current ROV index and ASPA index and where they came from (a
 * file or URL given with --vrps, or the current generation in Redis with
 * --redis: one set holds both), validates each announced route's origin
 * (RFC 6811, rov.h) and verifies its AS path (ASPA, aspa.h).
 *
 * Swaps never pause capture: a new VRP set is loaded and its index built
 * off the packet path (the Redis watcher thread), then its ROV and ASPA
 * indexes are handed over together through one atomic pointer; the packet
 * thread adopts both between two packets in validator_poll().  Until a first set is loaded, routes are not judged
 * (no "rpki" object).
 */
#ifndef ROVMON_VALIDATOR_H
#define ROVMON_VALIDATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/sensor_event.h"
#include "bgp/bgp.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"

struct validator;
struct vrp_redis_status;
struct rtr_status;

/* NULL on allocation failure.  Free with validator_free(). */
struct validator *validator_new(void);
void		 validator_free(struct validator *);	/* NULL ok; stops the
							 * Redis watcher */
/*
 * Load a VRP file or http(s) URL now (startup); 0, or -1 with the error
 * logged and the current set (if any) kept.
 */
int		 validator_load(struct validator *, const char *source);
/*
 * Reload a file or URL in a background thread (SIGHUP); the new set is
 * adopted by validator_poll() when complete, and a failed load keeps the
 * current one.  -1 if a reload is already running or cannot start.
 */
int		 validator_reload(struct validator *, const char *source);
/*
 * Use Redis: load the current generation now and start the watcher that
 * swaps in every new generation.  The watcher keeps running, with
 * backoff, while Redis is down; with `required` (a capture file, -T) a
 * failed first load starts no watcher, so the one line that says why
 * stays the only one.
 */
enum validator_redis {
	VALIDATOR_REDIS_OK	= 0,
	/* No VRP set now (Redis down, generation refused) or no watcher:
	 * the caller decides whether to go on without VRPs. */
	VALIDATOR_REDIS_NO_SET	= -1,
	VALIDATOR_REDIS_BAD_URL	= -2	/* unusable URL: a setup error */
};
enum validator_redis validator_redis(struct validator *, const char *url,
		    const char *ns, bool required);
/*
 * Use an RTR cache (rtr://HOST:PORT, rtr+unix:///path; rpki/rtr.h):
 * fetch everything now (a Reset Query to End of Data, at most
 * RTR_SYNC_TIMEOUT s), then run the session in its own thread, each End
 * of Data's set adopted by validator_poll() like a reload.  Return
 * values and `required` as for validator_redis(); SIGHUP's
 * validator_reload() asks for a Serial Query now.
 */
enum validator_redis validator_rtr(struct validator *, const char *url,
		    bool required);
/*
 * Raise sensor events through fn (rovmon/ gives alerting_event_fn): an
 * rtr-expired event each time the RTR data expires, from
 * validator_poll().  Without it, the expiry is logged and counted only.
 */
void		 validator_set_events(struct validator *, sensor_event_fn,
		    void *arg);
/* The RTR session's state (any thread); false when not from RTR. */
bool		 validator_rtr_status(const struct validator *,
		    struct rtr_status *st);
/*
 * Packet thread: adopt a set the watcher has prepared (true if swapped),
 * and validator_update_stats().
 */
bool		 validator_poll(struct validator *);
/*
 * Packet thread: copy the count of new VRP sets refused so far (failed
 * --vrps loads and SIGHUP reloads, Redis generations refused for their
 * content, each once, indexes that could not be built) into
 * stats.vrp_load_failed, and count the expired ASPA objects now
 * (stats.aspa_expired; a scan of the records: once per statistics line),
 * and the RTR session's state (stats.vrp_rtr_*).
 */
void		 validator_update_stats(const struct validator *);
bool		 validator_ready(const struct validator *);

/* Validate one announced route; false when no VRP set is loaded yet. */
bool		 validator_check(const struct validator *,
		    const struct bgp_attrs *, const struct bgp_route *,
		    struct rov_result *);
/*
 * validator_check() of n announced routes at once, out[k] for route
 * (at[k], p[k]) (rov_check_batch(): the lookups' cache misses overlap),
 * counted alike; false, nothing written, when no VRP set is loaded yet.
 */
bool		 validator_check_batch(const struct validator *,
		    const struct bgp_attrs *const *at,
		    const struct prefix *const *p, size_t n,
		    struct rov_result *out);
/* The index in use (NULL before the first load); packet thread only. */
const struct rov_index *validator_index(const struct validator *);
/* The ASPA index in use: NULL when no ASPA data was loaded (none yet, or
 * the set in use had no ASPA objects); packet thread only. */
const struct aspa_index *validator_aspa_index(const struct validator *);
/*
 * Verify an AS path received from a neighbour (its AS and its role
 * relative to the receiver) with aspa_verify() against the index in use,
 * counting the result (stats aspa_valid/invalid/unknown).  false, and
 * *res untouched, when no ASPA data is loaded or the role is unknown.
 */
bool		 validator_aspa(const struct validator *,
		    const struct bgp_aspath *, uint32_t neighbor_as,
		    enum bgp_role sender_role, struct aspa_result *);
/* Count one verdict in the stats (validator_aspa() does; a caller that
 * reuses a verdict for the same path counts it with this). */
void		 validator_aspa_count(const struct aspa_result *);
/* Generation of the set in use: Redis's, or a counter of local loads. */
uint64_t	 validator_generation(const struct validator *);
/* The Redis watcher's state (vrp_redis_status(); any thread); false,
 * and *st untouched, when the VRPs do not come from Redis. */
bool		 validator_redis_status(const struct validator *,
		    struct vrp_redis_status *st);

#endif /* ROVMON_VALIDATOR_H */
