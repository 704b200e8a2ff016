/*
 * rib_prefix.c - the shared prefix table: every prefix stored in any
 * session's routes, once, named by a 32-bit id and counted by the routes
 * that name it.  A route server's 50 peers that all announce a full
 * table hold each prefix once, not 50 times: a route keeps the id
 * (struct rib_route, rib_internal.h), and the per-session index compares
 * ids, so a probe never reads a prefix.
 *
 * One table per family (struct rib_ptab), so that an IPv4 prefix costs
 * an 8-byte entry and an IPv6 one 20 (a word of length << 24 | refcnt,
 * then the address); the id is the entry's index << 1 | (IPv6), index 0
 * unused (id 0 is none).  Each table is laid out as a route table
 * (rib_table.c): a dense array of entries by index, grown by 1/8 in 2 MiB
 * steps once mapped, and the tagged uint32 index that the route tables
 * use too (struct rib_index, rib_index.c: tag << bits | index, linear
 * probing, backward-shift deletion, at most 3/4 full, grown by 3/2 and
 * 4/3).  Freed indexes go on a free list threaded through their entries
 * and are given again first, so the largest index in use never passes
 * the most prefixes ever held: under 3/4 of the index, which is what lets
 * a slot keep index and tag in 32 bits.  When a family's last prefix
 * goes, its arrays go (an emptied RIB returns to its first size).
 *
 * Cost: the entry plus 4/load of index (load 1/2 to 3/4): ~14 bytes an
 * IPv4 prefix and ~26 an IPv6 one with a full table's (577,704 and
 * 537,162 prefixes in 786,432 slots each), paid once however many
 * sessions hold it.  The refcnt's 24 bits cap the routes naming one
 * prefix at 16,777,215 (the next one is refused, as on ENOMEM): the
 * length took the padding the 12- and 24-byte entries carried.
 */
#include <string.h>

#include "state/rib_internal.h"

uint64_t
rib_pfx_hash(const struct prefix *p)
{
	uint64_t w0 = 0, w1 = 0;
	uint32_t a4;

	/* an IPv4 prefix's other 12 bytes are not looked at */
	if (p->family == ADDR_V6) {
		memcpy(&w0, p->a, 8);
		memcpy(&w1, p->a + 8, 8);
	} else {
		memcpy(&a4, p->a, 4);
		w0 = a4;
	}
	return hash_fmix64(w0 ^ hash_fmix64(w1 ^ ((uint64_t)p->family << 48 |
	    (uint64_t)p->len << 40)));
}

static inline unsigned
fam_v6(uint8_t family)
{
	return family == ADDR_V6;
}

static inline uint8_t *
entry(const struct rib_ptab *t, unsigned v6, uint32_t idx)
{
	return t->e + (size_t)idx * rib_pfx_esize(v6);
}

static inline uint32_t *
entry_word(uint8_t *e)
{
	return (uint32_t *)(void *)e;
}

static inline uint32_t
entry_refcnt(const uint8_t *e)
{
	return *(const uint32_t *)(const void *)e & RIB_PFX_MAXREF;
}

static inline uint8_t
entry_len(const uint8_t *e)
{
	return (uint8_t)(*(const uint32_t *)(const void *)e >> 24);
}

static uint64_t
entry_hash(const uint8_t *e, unsigned v6)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = v6 ? ADDR_V6 : ADDR_V4;
	p.len = entry_len(e);
	memcpy(p.a, e + RIB_PFX_ADDR, v6 ? 16 : 4);
	return rib_pfx_hash(&p);
}

static bool
entry_is(const uint8_t *e, const struct prefix *p, unsigned v6)
{
	return entry_len(e) == p->len &&
	    memcmp(e + RIB_PFX_ADDR, p->a, v6 ? 16 : 4) == 0;
}

/* The index of p (hash h) in t, or 0; *pos is its slot or the empty one
 * ending the probe. */
static uint32_t
ptab_find(const struct rib_ptab *t, const struct prefix *p, uint64_t h,
    uint32_t *pos)
{
	const struct rib_index *ix = &t->ix;
	unsigned v6 = fam_v6(p->family);
	uint32_t i, v, tag;

	*pos = 0;
	if (ix->slot == NULL)
		return 0;
	tag = rib_ix_tag(ix, h);
	for (i = rib_ix_home(ix, h); (v = ix->slot[i]) != 0;
	    i = rib_ix_next(ix, i))
		if ((v & ~ix->mask) == tag &&
		    entry_is(entry(t, v6, v & ix->mask), p, v6)) {
			*pos = i;
			return v & ix->mask;
		}
	*pos = i;
	return 0;
}

uint32_t
rib_pfx_find(const struct rib *rib, const struct prefix *p, uint64_t h)
{
	unsigned v6 = fam_v6(p->family);
	uint32_t pos, idx;

	idx = ptab_find(&rib->ptab[v6], p, h, &pos);
	return idx != 0 ? idx << 1 | v6 : 0;
}

void
rib_pfx_prefetch(const struct rib *rib, const struct prefix *p, uint64_t h)
{
	const struct rib_ptab *t = &rib->ptab[fam_v6(p->family)];

	if (t->ix.slot != NULL)
		__builtin_prefetch(&t->ix.slot[rib_ix_home(&t->ix, h)]);
}

/* rib_ix_grow()'s walk of the entries in index order, the free ones
 * skipped: each prefix hashed again. */
struct ptab_walk {
	const struct rib_ptab *t;
	unsigned v6;
	uint32_t idx;
};

static bool
ptab_next(void *arg, const struct rib_index *ix, uint32_t *home, uint32_t *v)
{
	struct ptab_walk *w = arg;
	const uint8_t *e;
	uint64_t h;

	for (; w->idx < w->t->high; w->idx++) {
		e = entry(w->t, w->v6, w->idx + 1);
		if (entry_refcnt(e) == 0)
			continue;
		h = entry_hash(e, w->v6);
		*home = rib_ix_home(ix, h);
		*v = rib_ix_tag(ix, h) | ++w->idx;
		return true;
	}
	return false;
}

static int
ptab_grow_index(struct rib *rib, struct rib_ptab *t, unsigned v6)
{
	struct ptab_walk w = { t, v6, 0 };

	return rib_ix_grow(rib, &t->ix, ptab_next, &w);
}

/* Room for index high + 1: doubling while small, then 1/8 more in whole
 * 2 MiB steps (as a route table's r[]). */
static int
ptab_grow_entries(struct rib *rib, struct rib_ptab *t, unsigned v6)
{
	size_t es = rib_pfx_esize(v6), from = (size_t)t->cap * es, to;
	uint8_t *ne;

	if (t->cap == 0)
		to = RIB_ROUTE_INIT * es;
	else if (from * 2 < BIG)
		to = from * 2;
	else {
		to = from + (from / 8 > BIG ? from / 8 : BIG);
		to = (to + BIG - 1) & ~(BIG - 1);
	}
	if (to / es > UINT32_MAX / 4 ||
	    (ne = rib_big_grow(rib, t->e, from, to)) == NULL)
		return -1;
	t->e = ne;
	t->cap = (uint32_t)(to / es);
	return 0;
}

uint32_t
rib_pfx_get(struct rib *rib, const struct prefix *p, uint64_t h)
{
	unsigned v6 = fam_v6(p->family);
	struct rib_ptab *t = &rib->ptab[v6];
	uint32_t idx, pos, *w;
	uint8_t *e;

	if ((idx = ptab_find(t, p, h, &pos)) != 0) {
		w = entry_word(entry(t, v6, idx));
		if ((*w & RIB_PFX_MAXREF) == RIB_PFX_MAXREF)
			return 0;
		(*w)++;
		return idx << 1 | v6;
	}
	if (rib_ix_full(&t->ix, t->n)) {
		if (ptab_grow_index(rib, t, v6) == -1)
			return 0;
		(void)ptab_find(t, p, h, &pos);
	}
	if (t->free != 0) {
		idx = t->free;
		memcpy(&t->free, entry(t, v6, idx) + RIB_PFX_ADDR,
		    sizeof(t->free));
	} else {
		if (t->high + 1 >= t->cap &&
		    ptab_grow_entries(rib, t, v6) == -1)
			return 0;
		idx = ++t->high;
	}
	e = entry(t, v6, idx);
	memset(e, 0, rib_pfx_esize(v6));
	*entry_word(e) = (uint32_t)p->len << 24 | 1;
	memcpy(e + RIB_PFX_ADDR, p->a, v6 ? 16 : 4);
	t->ix.slot[pos] = rib_ix_tag(&t->ix, h) | idx;
	t->n++;
	return idx << 1 | v6;
}

static void
ptab_release(struct rib *rib, struct rib_ptab *t, unsigned v6)
{
	rib_ix_free(rib, &t->ix);
	if (t->e != NULL)
		rib_big_free(rib, t->e, (size_t)t->cap * rib_pfx_esize(v6));
	memset(t, 0, sizeof(*t));
}

void
rib_pfx_release(struct rib *rib)
{
	ptab_release(rib, &rib->ptab[0], 0);
	ptab_release(rib, &rib->ptab[1], 1);
}

void
rib_pfx_put(struct rib *rib, uint32_t id)
{
	unsigned v6 = id & 1;
	struct rib_ptab *t = &rib->ptab[v6];
	struct rib_index *ix = &t->ix;
	uint32_t idx = id >> 1, i, j, v, home, m = ix->mask;
	uint8_t *e = entry(t, v6, idx);

	if ((--*entry_word(e) & RIB_PFX_MAXREF) > 0)
		return;
	/* backward-shift deletion, as rib_tab_remove() */
	for (i = rib_ix_home(ix, entry_hash(e, v6)); (ix->slot[i] & m) != idx;
	    i = rib_ix_next(ix, i))
		;
	for (j = rib_ix_next(ix, i); (v = ix->slot[j]) != 0;
	    j = rib_ix_next(ix, j)) {
		home = rib_ix_home(ix, entry_hash(entry(t, v6, v & m), v6));
		if (rib_ix_dist(ix, home, j) >= rib_ix_dist(ix, i, j)) {
			ix->slot[i] = v;
			i = j;
		}
	}
	ix->slot[i] = 0;
	*entry_word(e) = 0;
	memcpy(e + RIB_PFX_ADDR, &t->free, sizeof(t->free));
	t->free = idx;
	if (--t->n == 0)
		ptab_release(rib, t, v6);
}

void
rib_pfx_prefix(const struct rib *rib, uint32_t id, struct prefix *p)
{
	unsigned v6 = id & 1;
	const uint8_t *e = entry(&rib->ptab[v6], v6, id >> 1);

	memset(p, 0, sizeof(*p));
	p->family = v6 ? ADDR_V6 : ADDR_V4;
	p->len = entry_len(e);
	memcpy(p->a, e + RIB_PFX_ADDR, v6 ? 16 : 4);
}
