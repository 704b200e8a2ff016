/*
 * rib_table.c - one direction's route table: a dense array of 16-byte
 * routes and an open-addressing index of tagged uint32 slots (struct
 * rib_index, grown by rib_index.c: linear probing, backward-shift
 * deletion, at most 3/4 full).  The slot format and the growth policy:
 * the comments atop src/state/rib.c and above struct rib_index.
 */
#include <string.h>

#include "state/rib_internal.h"

/* ---- route tables -------------------------------------------------- */

/*
 * The prefix id and the path id are all of a key: a probe, an index
 * growth and a deletion hash and compare routes without reading their
 * prefixes.
 */
static uint64_t
key_hash(uint32_t pfx, bool has_path_id, uint32_t path_id)
{
	return hash_fmix64(hash_word64((uint64_t)pfx << 1 | has_path_id,
	    path_id));
}

/* The hash of the key's group: its prefix id's block (rib_tab_home()). */
static uint64_t
group_hash(uint32_t pfx, bool has_path_id, uint32_t path_id)
{
	return hash_fmix64(hash_word64(((uint64_t)(pfx >> 5) << 1 |
	    (pfx & 1)) << 1 | has_path_id, path_id));
}

static uint32_t
route_home(const struct rib_table *t, const struct rib_route *rt)
{
	return rib_tab_home(t, group_hash(rt->pfx, rt->has_path_id,
	    rt->path_id), rt->pfx);
}

void
rib_key_make(struct rib_key *k, uint32_t pfx, const struct bgp_route *r)
{
	memset(k, 0, sizeof(*k));
	k->pfx = pfx;
	k->len = r->prefix.len;
	k->v6 = r->prefix.family == ADDR_V6;
	k->has_path_id = r->has_path_id;
	k->path_id = r->has_path_id ? r->path_id : 0;
	k->hash = key_hash(pfx, k->has_path_id, k->path_id);
	k->ghash = group_hash(pfx, k->has_path_id, k->path_id);
}

static uint64_t
route_hash(const struct rib_route *rt)
{
	return key_hash(rt->pfx, rt->has_path_id, rt->path_id);
}

static bool
key_eq(const struct rib_key *k, const struct rib_route *rt)
{
	return rt->pfx == k->pfx && rt->path_id == k->path_id &&
	    rt->has_path_id == k->has_path_id;
}


/* The key's route, or NULL; *pos is its slot, or the empty one ending
 * the probe.  The route itself is the answer, rather than a flag, so no
 * caller goes back to t->ix.slot, which is NULL in an empty table. */
struct rib_route *
rib_tab_find(const struct rib_table *t, const struct rib_key *k, uint32_t *pos)
{
	const struct rib_index *ix = &t->ix;
	uint32_t i, v, tag;

	*pos = 0;
	if (ix->slot == NULL)
		return NULL;
	tag = rib_ix_tag(ix, k->hash);
	for (i = rib_tab_home(t, k->ghash, k->pfx); (v = ix->slot[i]) != 0;
	    i = rib_ix_next(ix, i))
		if ((v & ~ix->mask) == tag &&
		    key_eq(k, &t->r[(v & ix->mask) - 1])) {
			*pos = i;
			return &t->r[(v & ix->mask) - 1];
		}
	*pos = i;
	return NULL;
}

/* rib_ix_grow()'s walk of r[] in order: each route's key hashed again. */
struct tab_walk {
	const struct rib_table *t;
	uint32_t i;
};

static bool
tab_next(void *arg, const struct rib_index *ix, uint32_t *home, uint32_t *v)
{
	struct tab_walk *w = arg;
	const struct rib_route *rt;

	if (w->i == w->t->n)
		return false;
	rt = &w->t->r[w->i++];
	*home = route_home(w->t, rt);
	*v = rib_ix_tag(ix, route_hash(rt)) | w->i;
	return true;
}

static int
tab_grow_index(struct rib *rib, struct rib_table *t)
{
	struct tab_walk w = { t, 0 };

	return rib_ix_grow(rib, &t->ix, tab_next, &w);
}

/* Room for more routes: doubling while small, then 1/8 more in whole
 * 2 MiB steps (mapped: no copy, at most 1/8 spare). */
static int
tab_grow_routes(struct rib *rib, struct rib_table *t)
{
	struct rib_route *nr;
	size_t from = (size_t)t->cap * sizeof(*nr), to;

	if (t->cap == 0)
		to = RIB_ROUTE_INIT * sizeof(*nr);
	else if (from * 2 < BIG)
		to = from * 2;
	else {
		to = from + (from / 8 > BIG ? from / 8 : BIG);
		to = (to + BIG - 1) & ~(BIG - 1);
	}
	if (to / sizeof(*nr) > UINT32_MAX / 2 ||
	    (nr = rib_big_grow(rib, t->r, from, to)) == NULL)
		return -1;
	t->r = nr;
	t->cap = (uint32_t)(to / sizeof(*nr));
	return 0;
}

/* Append the key's route (fields past the key left zero); NULL on ENOMEM.
 * pos is the slot rib_tab_find() gave, recomputed if the index grows. */
struct rib_route *
rib_tab_insert(struct rib *rib, struct rib_table *t, const struct rib_key *k,
    uint32_t pos)
{
	struct rib_route *rt;

	if (t->n == t->cap && tab_grow_routes(rib, t) == -1)
		return NULL;
	if (rib_ix_full(&t->ix, t->n)) {
		if (tab_grow_index(rib, t) == -1)
			return NULL;
		(void)rib_tab_find(t, k, &pos);
	}
	rt = &t->r[t->n];
	memset(rt, 0, sizeof(*rt));
	rt->pfx = k->pfx;
	rt->len = k->len;
	rt->v6 = k->v6;
	rt->has_path_id = k->has_path_id;
	rt->path_id = k->path_id;
	t->ix.slot[pos] = rib_ix_tag(&t->ix, k->hash) | ++t->n;
	return rt;
}

/* The slot holding route index idx. */
static uint32_t
tab_slot_of(const struct rib_table *t, uint32_t idx)
{
	uint32_t i;

	for (i = route_home(t, &t->r[idx]);
	    (t->ix.slot[i] & t->ix.mask) != idx + 1; i = rib_ix_next(&t->ix, i))
		;
	return i;
}

/* Route from takes the place of route to (whose slot is gone). */
static void
tab_move(struct rib_table *t, uint32_t from, uint32_t to)
{
	uint32_t j = tab_slot_of(t, from);

	t->ix.slot[j] = (t->ix.slot[j] & ~t->ix.mask) | (to + 1);
	t->r[to] = t->r[from];
}

/*
 * A hole at idx under active walks (rib_query.c): before the last route
 * fills it, each walk whose visited part [0, j) holds the hole gives up
 * its last visited route to fill the hole (j - 1 becomes the hole, j one
 * less), in ascending order of j, so that a visited route never moves
 * behind a walk's position and an unvisited one never in front of it.
 * Every move is from above idx to at or above it.  Returns the hole the
 * last route fills.
 */
static uint32_t
tab_fill_walks(struct rib_table *t, uint32_t idx)
{
	struct rib_walk_pos *w[RIB_WALKS_MAX], *x;
	uint32_t hole = idx;
	size_t n = 0, i, k;

	for (x = t->walks; x != NULL && n < RIB_WALKS_MAX; x = x->next)
		if (x->j > idx) {
			/* insertion sort by j: a handful at most */
			for (k = n++; k > 0 && w[k - 1]->j > x->j; k--)
				w[k] = w[k - 1];
			w[k] = x;
		}
	for (i = 0; i < n; i++) {
		if (w[i]->j - 1 > hole) {
			tab_move(t, w[i]->j - 1, hole);
			hole = w[i]->j - 1;
		}
		w[i]->j--;
	}
	return hole;
}

/*
 * Remove route idx (its tuple and prefix already dealt with).  Backward-shift
 * deletion: later entries of the probe run move up unless that would put
 * them before their home slot.  The last route then fills the hole (with
 * walks active, after tab_fill_walks() moved it).
 */
void
rib_tab_remove(struct rib_table *t, uint32_t idx)
{
	struct rib_index *ix = &t->ix;
	uint32_t i, j, home, last, v, hole;

	i = tab_slot_of(t, idx);
	for (j = rib_ix_next(ix, i); (v = ix->slot[j]) != 0;
	    j = rib_ix_next(ix, j)) {
		home = route_home(t, &t->r[(v & ix->mask) - 1]);
		if (rib_ix_dist(ix, home, j) >= rib_ix_dist(ix, i, j)) {
			ix->slot[i] = v;
			i = j;
		}
	}
	ix->slot[i] = 0;
	hole = t->walks != NULL ? tab_fill_walks(t, idx) : idx;
	last = t->n - 1;
	if (hole != last)
		tab_move(t, last, hole);
	t->n--;
}

bool
rib_tab_walk_enter(struct rib_table *t, struct rib_walk_pos *w)
{
	struct rib_walk_pos *x;
	size_t n = 0;

	for (x = t->walks; x != NULL; x = x->next)
		n++;
	if (n == RIB_WALKS_MAX)
		return false;
	w->t = t;
	w->j = 0;
	w->next = t->walks;
	t->walks = w;
	return true;
}

void
rib_tab_walk_leave(struct rib_walk_pos *w)
{
	struct rib_walk_pos **pp;

	if (w->t == NULL)
		return;
	for (pp = &w->t->walks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->t = NULL;
	w->next = NULL;
}

/* Free a table's arrays (its routes' tuples and prefixes are the caller's
 * business). */
void
rib_tab_drop(struct rib *rib, struct rib_table *t)
{
	struct rib_walk_pos *w, *next;

	for (w = t->walks; w != NULL; w = next) {	/* the table goes */
		next = w->next;
		w->t = NULL;
		w->next = NULL;
	}
	rib_ix_free(rib, &t->ix);
	if (t->r != NULL)
		rib_big_free(rib, t->r, (size_t)t->cap * sizeof(*t->r));
	memset(t, 0, sizeof(*t));
}

void
rib_tab_clear(struct rib *rib, struct rib_table *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		rib_tally(rib, NULL, &t->r[i], -1);
		rib_tuple_put(rib, rib_tuple_at(rib, t->r[i].tuple));
		rib_pfx_put(rib, t->r[i].pfx);
	}
	rib->nroutes -= t->n;
	rib_tab_drop(rib, t);
}
