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
 * Routes of many sessions share their prefix (the shared prefix table)
 * and mostly their origin: a memo by prefix id of the last (origin,
 * verdict) seen in this revalidation answers those without a lookup
 * (a route server's peers announcing the same table: one lookup per
 * prefix instead of one per peer).  A verdict depends only on the
 * prefix, the origin and the index, so the memo changes no answer.
 *
 * One thread does it: a second one splitting each chunk's lookups cost
 * as much CPU and more wall time on the shared 2-core machine
 * (docs/performance.md, "Re-validation"); the lookups only read the
 * routes and the index, so a split stays possible.
 */
#include <stdlib.h>
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
	rov_check(idx, &p, bgp_origin_known(a->kind), a->origin_as, res);
}

int
rib_reval_memo_init(const struct rib *rib, struct rib_reval_memo *mm)
{
	unsigned f;

	for (f = 0; f < 2; f++) {
		mm->n[f] = rib->ptab[f].cap;
		mm->m[f] = mm->n[f] == 0 ? NULL : calloc(mm->n[f],
		    sizeof(*mm->m[f]));
		if (mm->n[f] != 0 && mm->m[f] == NULL) {
			rib_reval_memo_free(mm);
			return -1;
		}
	}
	return 0;
}

void
rib_reval_memo_free(struct rib_reval_memo *mm)
{
	free(mm->m[0]);
	free(mm->m[1]);
	mm->m[0] = mm->m[1] = NULL;
	mm->n[0] = mm->n[1] = 0;
}

/* The memo entry of prefix id, or NULL (no memo). */
static inline uint64_t *
memo_slot(const struct rib_reval_memo *mm, uint32_t pfx)
{
	uint32_t f = pfx & 1, i = pfx >> 1;

	return mm != NULL && mm->m[f] != NULL && i < mm->n[f] ?
	    &mm->m[f][i] : NULL;
}

/* The routes whose verdict the memo did not know, looked up at once. */
struct reval_batch {
	struct prefix	 p[REVAL_BATCH];
	const struct prefix *pp[REVAL_BATCH];
	bool		 has_origin[REVAL_BATCH];
	uint32_t	 origin[REVAL_BATCH];
	uint32_t	 at[REVAL_BATCH];	/* into v[] */
	uint64_t	*slot[REVAL_BATCH];	/* memo entries, or NULL */
	uint64_t	 key[REVAL_BATCH];
	struct rov_result res[REVAL_BATCH];
	unsigned	 n;
};

static void
batch_flush(const struct rov_index *idx, struct reval_batch *b, uint8_t *v)
{
	unsigned k;
	uint8_t vb;

	rov_check_batch(idx, b->pp, b->n, b->has_origin, b->origin, b->res);
	for (k = 0; k < b->n; k++) {
		vb = (uint8_t)(b->res[k].state | b->res[k].reason << 2);
		v[b->at[k]] = vb;
		if (b->slot[k] != NULL)
			*b->slot[k] = b->key[k] | vb;
	}
	b->n = 0;
}

#define REVAL_AHEAD	8	/* routes whose tuple and memo entry are
				 * fetched ahead */

/*
 * Kept out of line: with link-time optimisation gcc inlines it into
 * rib.c's reval_dir(), and the merged loop ran a re-validation pass
 * 1.5x slower (bench_reval, 11 M routes: 0.32-0.37 s against
 * 0.19-0.24 s built with LTO= or with this attribute).
 */
__attribute__((noinline)) void
rib_reval_verdicts(const struct rib *rib, const struct rib_reval_memo *mm,
    const struct rib_table *t, uint32_t from, uint32_t to,
    const struct rov_index *idx, uint8_t *v)
{
	struct reval_batch b;
	const struct rib_tuple *a;
	const struct rib_route *rt;
	uint64_t key, *slot;
	uint32_t i;
	unsigned k;

	b.n = 0;
	for (i = from; i < to; i++) {
		if (i + REVAL_AHEAD < to) {
			rt = &t->r[i + REVAL_AHEAD];
			__builtin_prefetch(rib_tuple_at(rib, rt->tuple));
			if ((slot = memo_slot(mm, rt->pfx)) != NULL)
				__builtin_prefetch(slot);
		}
		rt = &t->r[i];
		a = rib_tuple_at(rib, rt->tuple);
		/* entry: origin << 32 | has_origin << 9 | 1 << 8 | verdict */
		key = (uint64_t)a->origin_as << 32 |
		    (bgp_origin_known(a->kind) ? 1u << 9 : 0) | 1u << 8;
		slot = memo_slot(mm, rt->pfx);
		if (slot != NULL && (*slot & ~(uint64_t)0xff) == key) {
			v[i - from] = (uint8_t)*slot;
			continue;
		}
		k = b.n++;
		route_prefix(rib, rt, &b.p[k]);
		b.pp[k] = &b.p[k];
		b.has_origin[k] = bgp_origin_known(a->kind);
		b.origin[k] = a->origin_as;
		b.at[k] = i - from;
		b.slot[k] = slot;
		b.key[k] = key;
		if (b.n == REVAL_BATCH)
			batch_flush(idx, &b, v);
	}
	if (b.n > 0)
		batch_flush(idx, &b, v);
}
