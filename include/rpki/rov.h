/*
 * rov.h - RFC 6811 route origin validation against an in-memory index.
 *
 *   rov_check(index, prefix, origin) -> state + reason + deciding VRPs
 *
 * A route is
 *   NOT_FOUND  when no VRP covers its prefix;
 *   VALID      when some covering VRP has the route's origin AS (not AS0)
 *              and a maxLength >= the prefix length;
 *   INVALID    otherwise: covered, but no VRP matches.  The reason says
 *              why: "as" (no covering VRP has this origin), "length" (one
 *              has the origin but its maxLength is shorter), "as0" (only
 *              AS0 VRPs cover it), "as_set" (the origin is an AS_SET or
 *              unknown, which can never match: RFC 6811 section 2).
 *              When several apply, the first in the order as0, length,
 *              as_set, as is given.
 * The index is immutable once built: a new VRP set means a new index,
 * swapped in whole between packets (validator.h, validator_poll()).
 */
#ifndef ROVMON_ROV_H
#define ROVMON_ROV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "rpki/vrp.h"

enum rov_state {
	ROV_NOT_FOUND = 0,
	ROV_VALID,
	ROV_INVALID,
};

enum rov_reason {
	ROV_REASON_NONE = 0,	/* VALID or NOT_FOUND */
	ROV_REASON_AS,
	ROV_REASON_LENGTH,
	ROV_REASON_AS0,
	ROV_REASON_AS_SET,
};

#define ROV_MAX_DECIDING 8	/* VRPs reported per result */

struct rov_result {
	enum rov_state	 state;
	enum rov_reason	 reason;
	/* The VRPs that decided it: for VALID the matching one(s); for
	 * INVALID the covering ones (up to ROV_MAX_DECIDING, the most
	 * specific first); pointers into the index's set. */
	const struct vrp *vrps[ROV_MAX_DECIDING];
	unsigned	 nvrps;
	unsigned	 ncovering;	/* all covering VRPs, may exceed nvrps */
};

struct rov_index;

/* Build from a finished set (an unfinished one is finished first); the
 * index keeps (owns) the set.  NULL on allocation failure or a set that
 * is not in vrp_cmp() order (the set is then still the caller's).
 * The structure, its invariants and costs: the essay atop src/rpki/rov.c. */
struct rov_index *rov_index_build(struct vrp_set *);
void		 rov_index_free(struct rov_index *);	/* NULL ok; frees set */
const struct vrp_set *rov_index_set(const struct rov_index *);
/* Bytes held: the index arrays plus the set it owns. */
size_t		 rov_index_memory(const struct rov_index *);

/* has_origin false = the origin is an AS_SET or unknown.  Never
 * allocates; any number of threads may check against one index. */
void		 rov_check(const struct rov_index *, const struct prefix *,
		    bool has_origin, uint32_t origin, struct rov_result *);

/*
 * The same lookups for n routes at once, out[k] the result of
 * rov_check(idx, p[k], has_origin[k], origin[k]), identical to it: the
 * lookups run interleaved so that their cache misses overlap (about 2-4
 * per route, otherwise paid one after the other; rov_check.c).  Worth
 * it from about 8 routes; any n works.  Never allocates; thread-safe as
 * rov_check().
 */
void		 rov_check_batch(const struct rov_index *,
		    const struct prefix *const *p, size_t n,
		    const bool *has_origin, const uint32_t *origin,
		    struct rov_result *out);

const char	*rov_state_name(enum rov_state);	/* "valid", "invalid", "not-found" */
const char	*rov_reason_name(enum rov_reason);	/* "as", "length", ... or NULL */

#endif /* ROVMON_ROV_H */
