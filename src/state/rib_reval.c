/*
 * rib_reval.c - the ROV verdicts of stored routes for rib_revalidate()
 * (rib.c), which applies them in table order and calls back for the
 * routes that changed.
 *
 * A table's routes are looked up REVAL_BATCH at a time with
 * rov_check_batch(): their cache misses overlap, where one lookup at a
 * time pays each route's 2-4 misses one after the other.  Only the
 * verdict comes back, one byte a route (state | reason << 2); a route
 * that changed is looked up again, alone, for the deciding VRPs of its
 * event (rib_route_rov()): after a VRP change they are few.
 *
 * One thread does it: a second one splitting each chunk's lookups cost
 * as much CPU and more wall time on the shared 2-core machine
 * (docs/performance.md, "Re-validation"); the lookups only read the
 * routes and the index, so a split stays possible.
 */
#include <string.h>

#include "state/rib_internal.h"

#define REVAL_BATCH	64

static void
route_prefix(const struct rib *rib, const struct rib_route *rt,
    struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = rib_route_family(rt);
	p->len = (uint8_t)rt->len;
	memcpy(p->a, rib_pfx_addr(rib, rt->pfx), rt->v6 ? 16 : 4);
}

void
rib_route_rov(const struct rib *rib, const struct rib_route *rt,
    const struct rov_index *idx, struct rov_result *res)
{
	const struct rib_tuple *a = rib_tuple_at(rib, rt->tuple);
	struct prefix p;

	route_prefix(rib, rt, &p);
	rov_check(idx, &p, rib_kind_has_origin(a->kind), a->origin_as, res);
}

void
rib_reval_verdicts(const struct rib *rib, const struct rib_table *t,
    uint32_t from, uint32_t to, const struct rov_index *idx, uint8_t *v)
{
	struct prefix p[REVAL_BATCH];
	const struct prefix *pp[REVAL_BATCH];
	bool has_origin[REVAL_BATCH];
	uint32_t origin[REVAL_BATCH];
	struct rov_result res[REVAL_BATCH];
	const struct rib_tuple *a;
	const struct rib_route *rt;
	uint32_t i, k, n;

	for (i = from; i < to; i += n) {
		n = to - i < REVAL_BATCH ? to - i : REVAL_BATCH;
		for (k = 0; k < n; k++) {	/* shared, not all in cache */
			__builtin_prefetch(rib_pfx_addr(rib, t->r[i + k].pfx));
			__builtin_prefetch(rib_tuple_at(rib, t->r[i + k].tuple));
		}
		for (k = 0; k < n; k++) {
			rt = &t->r[i + k];
			a = rib_tuple_at(rib, rt->tuple);
			route_prefix(rib, rt, &p[k]);
			pp[k] = &p[k];
			has_origin[k] = rib_kind_has_origin(a->kind);
			origin[k] = a->origin_as;
		}
		rov_check_batch(idx, pp, n, has_origin, origin, res);
		for (k = 0; k < n; k++)
			v[i - from + k] = (uint8_t)(res[k].state |
			    res[k].reason << 2);
	}
}
