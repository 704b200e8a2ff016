/*
 * rib_prefix.c - the shared prefix table: every prefix stored in any
 * session's routes, once, named by a 32-bit id and counted by the routes
 * that name it.  A route server's 50 peers that all announce a full
 * table hold each prefix once, not 50 times: a route keeps the id
 * (struct rib_route, rib_internal.h), and the per-session index compares
 * ids, so a probe never reads a prefix.
 *
 * One table per family (struct rib_ptab), so that an IPv4 prefix costs
 * a 12-byte entry and an IPv6 one 24; the id is the entry's index << 1
 * | (IPv6), index 0 unused (id 0 is none).  Each table is laid out as a
 * route table (rib_table.c): a dense array of entries by index, grown by
 * 1/8 in 2 MiB steps once mapped, and an open-addressing index of tagged
 * uint32 slots (tag << bits | index, linear probing, backward-shift
 * deletion, at most 3/4 full).  Freed indexes go on a free list threaded
 * through their entries and are given again first, so the largest index
 * in use never passes the most prefixes ever held: under 3/4 of the
 * index, which is what lets a slot keep index and tag in 32 bits.  When
 * a family's last prefix goes, its arrays go (an emptied RIB returns to
 * its first size).
 *
 * Cost: the entry plus 4/load of index: ~20 bytes an IPv4 prefix and
 * ~32 an IPv6 one with a full table's, paid once however many sessions
 * hold it.
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
entry_ref(uint8_t *e)
{
	return (uint32_t *)(void *)e;
}

static uint64_t
entry_hash(const uint8_t *e, unsigned v6)
{
	struct prefix p;

	memset(&p, 0, sizeof(p));
	p.family = v6 ? ADDR_V6 : ADDR_V4;
	p.len = e[4];
	memcpy(p.a, e + RIB_PFX_ADDR, v6 ? 16 : 4);
	return rib_pfx_hash(&p);
}

static inline uint32_t
ptab_home(const struct rib_ptab *t, uint64_t h)
{
	return (uint32_t)(h >> (64 - t->bits));
}

static inline uint32_t
ptab_tag(const struct rib_ptab *t, uint64_t h)
{
	return (uint32_t)(h >> (32 - t->bits)) & ~t->mask;
}

static bool
entry_is(const uint8_t *e, const struct prefix *p, unsigned v6)
{
	return e[4] == p->len &&
	    memcmp(e + RIB_PFX_ADDR, p->a, v6 ? 16 : 4) == 0;
}

/* The index of p (hash h) in t, or 0; *pos is its slot or the empty one
 * ending the probe. */
static uint32_t
ptab_find(const struct rib_ptab *t, const struct prefix *p, uint64_t h,
    uint32_t *pos)
{
	unsigned v6 = fam_v6(p->family);
	uint32_t i, v, tag;

	*pos = 0;
	if (t->slot == NULL)
		return 0;
	tag = ptab_tag(t, h);
	for (i = ptab_home(t, h); (v = t->slot[i]) != 0; i = (i + 1) & t->mask)
		if ((v & ~t->mask) == tag &&
		    entry_is(entry(t, v6, v & t->mask), p, v6)) {
			*pos = i;
			return v & t->mask;
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

	if (t->slot != NULL)
		__builtin_prefetch(&t->slot[ptab_home(t, h)]);
}

/*
 * Double t's index (or make the first) and place every live entry,
 * walking the entries in order.  The new slots are scattered: each
 * entry's slot is asked for REHASH_AHEAD entries before it is written,
 * so that the misses overlap (as rib_table.c's tab_grow_index(); without
 * it the growth was 8% of a full table's store time).
 */
#define REHASH_AHEAD	16

static void
ptab_place(struct rib_ptab *t, uint64_t h, uint32_t idx)
{
	uint32_t i;

	for (i = ptab_home(t, h); t->slot[i] != 0; i = (i + 1) & t->mask)
		;
	t->slot[i] = ptab_tag(t, h) | idx;
}

static int
ptab_grow_index(struct rib *rib, struct rib_ptab *t, unsigned v6)
{
	uint64_t ahead[REHASH_AHEAD];
	uint32_t aidx[REHASH_AHEAD];
	uint32_t *old = t->slot, omask = t->mask, idx, n = 0, k;
	unsigned nbits;
	uint8_t *e;

	nbits = old == NULL ? RIB_SLOT_BITS : t->bits + 1;
	if (nbits > RIB_SLOT_MAXBITS)
		return -1;
	if ((t->slot = rib_big_alloc(rib, ((size_t)1 << nbits) *
	    sizeof(*t->slot))) == NULL) {
		t->slot = old;
		return -1;
	}
	t->bits = nbits;
	t->mask = (uint32_t)(((uint64_t)1 << nbits) - 1);
	for (idx = 1; idx <= t->high; idx++) {
		e = entry(t, v6, idx);
		if (*entry_ref(e) == 0)
			continue;
		k = n++ % REHASH_AHEAD;
		if (n > REHASH_AHEAD)
			ptab_place(t, ahead[k], aidx[k]);
		ahead[k] = entry_hash(e, v6);
		aidx[k] = idx;
		__builtin_prefetch(&t->slot[ptab_home(t, ahead[k])], 1);
	}
	for (k = n > REHASH_AHEAD ? n - REHASH_AHEAD : 0; k < n; k++)
		ptab_place(t, ahead[k % REHASH_AHEAD], aidx[k % REHASH_AHEAD]);
	if (old != NULL)
		rib_big_free(rib, old, ((size_t)omask + 1) * sizeof(*old));
	return 0;
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
	uint32_t idx, pos, *ref;
	uint8_t *e;

	if ((idx = ptab_find(t, p, h, &pos)) != 0) {
		ref = entry_ref(entry(t, v6, idx));
		if (*ref == UINT32_MAX)
			return 0;
		(*ref)++;
		return idx << 1 | v6;
	}
	if (t->slot == NULL || ((uint64_t)t->n + 1) * 4 >
	    ((uint64_t)t->mask + 1) * 3) {
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
	*entry_ref(e) = 1;
	e[4] = p->len;
	memcpy(e + RIB_PFX_ADDR, p->a, v6 ? 16 : 4);
	t->slot[pos] = ptab_tag(t, h) | idx;
	t->n++;
	return idx << 1 | v6;
}

static void
ptab_release(struct rib *rib, struct rib_ptab *t, unsigned v6)
{
	if (t->slot != NULL)
		rib_big_free(rib, t->slot, ((size_t)t->mask + 1) *
		    sizeof(*t->slot));
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
	uint32_t idx = id >> 1, i, j, v, home, m = t->mask;
	uint8_t *e = entry(t, v6, idx);

	if (--*entry_ref(e) > 0)
		return;
	/* backward-shift deletion, as rib_tab_remove() */
	for (i = ptab_home(t, entry_hash(e, v6)); (t->slot[i] & m) != idx;
	    i = (i + 1) & m)
		;
	for (j = (i + 1) & m; (v = t->slot[j]) != 0; j = (j + 1) & m) {
		home = ptab_home(t, entry_hash(entry(t, v6, v & m), v6));
		if (((j - home) & m) >= ((j - i) & m)) {
			t->slot[i] = v;
			i = j;
		}
	}
	t->slot[i] = 0;
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
	p->len = e[4];
	memcpy(p->a, e + RIB_PFX_ADDR, v6 ? 16 : 4);
}
