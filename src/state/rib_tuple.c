/*
 * rib_tuple.c - interned tuples: the AS path, next hop, origin and OTC
 * (RFC 9234) of a route, hash-consed into one refcounted struct rib_tuple that the routes
 * sharing them point to (a full table shares a few hundred thousand among
 * a million routes).  Owns the tuple table (open addressing over (hash,
 * id) slots, backward-shift deletion) and the direct-mapped cache of
 * recent lookups in front of it.  Not to be confused with bgp_attr.c,
 * which decodes path attributes from the wire.
 */
#include <string.h>

#include "state/rib_internal.h"

static struct rib_tuple *
tuple_of(const struct rib *rib, uint32_t id)
{
	return rib_tuple_at(rib, id);
}

/* Segments whose ASNs lie outside the decoder's array count as empty. */
static uint16_t
seg_count(const struct bgp_aspath *path, uint32_t i)
{
	const struct bgp_as_segment *s = &path->seg[i];

	if (s->start > path->nasn || s->count > path->nasn - s->start)
		return 0;
	return s->count;
}

static uint32_t
tuple_hash(const struct rib_tuple_key *k)
{
	const struct bgp_aspath *path = k->path;
	uint64_t h;
	uint32_t i, j, n;

	h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)path->nseg << 40 |
	    (uint64_t)k->kind << 32 | k->origin_as);
	for (i = 0; i < path->nseg; i++) {
		n = seg_count(path, i);
		h = hash_fmix64(h ^ ((uint64_t)path->seg[i].type << 16 | n));
		for (j = 0; j < n; j++)
			h = (h ^ path->asns[path->seg[i].start + j]) *
			    0x100000001b3ULL;
	}
	h ^= (uint64_t)k->nhfam << 56;
	if (k->nhfam != 0)
		h ^= (uint64_t)k->nh[0] << 24 | (uint64_t)k->nh[1] << 16 |
		    (uint64_t)k->nh[2] << 8 | k->nh[3] |
		    (uint64_t)k->nh[rib_nh_len(k->nhfam) - 1] << 32 |
		    (uint64_t)k->nh[rib_nh_len(k->nhfam) - 2] << 40;
	if (k->has_otc)
		h = hash_fmix64(h ^ ((uint64_t)1 << 63 | k->otc));
	/* mixed in only when present: the hash of other tuples stays */
	if (k->router_rpki != 0)
		h = hash_fmix64(h ^ ((uint64_t)1 << 62 | k->router_rpki));
	return (uint32_t)hash_fmix64(h);
}

void
rib_tuple_key_make(struct rib_tuple_key *k, const struct bgp_attrs *at)
{
	k->path = &at->aspath;
	k->nh = at->next_hop.a;
	k->kind = (uint8_t)at->origin_kind;
	k->origin_as = bgp_origin_known(k->kind) ? at->origin_as : 0;
	k->nhfam = (uint8_t)(rib_nh_len(at->next_hop.family) != 0 ?
	    at->next_hop.family : 0);
	k->has_otc = at->has_otc;
	k->otc = at->has_otc ? at->otc : 0;
	k->router_rpki = at->router_rpki;
	k->hash = tuple_hash(k);
}

/* The path of a stored tuple, as the decoder would give it.  seg is the
 * room for the one-segment case. */
void
rib_tuple_path(struct rib_tuple *a, struct bgp_aspath *path,
    struct bgp_as_segment *seg)
{
	path->nseg = a->nseg;
	path->nasn = a->nasn;
	path->asns = rib_tuple_asns(a);
	/* Test path->nseg, not a->nseg: the analyzer (clang 14) does not
	 * carry a range across the uint16_t -> uint32_t copy, and would
	 * walk past the one-element seg in tuple_hash(). */
	if (path->nseg > 1)
		path->seg = rib_tuple_segs(a);
	else {
		seg->type = a->seg0;
		seg->count = (uint16_t)a->nasn;
		seg->start = 0;
		path->seg = seg;
	}
}

static bool
tuple_eq(struct rib_tuple *a, const struct rib_tuple_key *k)
{
	const struct bgp_aspath *path = k->path;
	const struct bgp_as_segment *s;
	const uint32_t *asns;
	uint32_t i, n, off = 0;

	if (a->kind != k->kind || a->origin_as != k->origin_as ||
	    a->nhfam != k->nhfam || a->nseg != path->nseg ||
	    a->has_otc != k->has_otc || a->router_rpki != k->router_rpki ||
	    (k->has_otc && rib_tuple_otc(a) != k->otc))
		return false;
	asns = rib_tuple_asns(a);
	if (path->nseg == 1) {
		n = seg_count(path, 0);
		if (a->seg0 != path->seg[0].type || a->nasn != n ||
		    (n != 0 && memcmp(asns, &path->asns[path->seg[0].start],
		    n * sizeof(uint32_t)) != 0))
			return false;
	} else {
		s = rib_tuple_segs(a);
		for (i = 0; i < path->nseg; i++) {
			n = seg_count(path, i);
			if (s[i].type != path->seg[i].type || s[i].count != n)
				return false;
			if (n != 0 && memcmp(&asns[off],
			    &path->asns[path->seg[i].start],
			    n * sizeof(uint32_t)) != 0)
				return false;
			off += n;
		}
	}
	return k->nhfam == 0 ||
	    memcmp(rib_tuple_nh(a), k->nh, rib_nh_len(k->nhfam)) == 0;
}

/* The slot of k's tuple (*found), or the empty one ending the probe. */
static size_t
tuple_find(const struct rib *rib, const struct rib_tuple_key *k, bool *found)
{
	const struct rib_tslot *sl;
	size_t i;

	*found = false;
	for (i = rib_tuple_home(rib, k->hash); (sl = &rib->ttab[i])->id != 0;
	    i = i + 1 == rib->tnslot ? 0 : i + 1)
		if (sl->hash == k->hash && tuple_eq(tuple_of(rib, sl->id), k)) {
			*found = true;
			break;
		}
	return i;
}

/* The table grows by 3/2 then 4/3, as the route and prefix indexes
 * (rib_ix_grow()): 198,970 tuples of a full table fit 393,216 slots
 * (3 MiB) rather than 2^19 (4 MiB). */
static int
tuple_grow(struct rib *rib)
{
	struct rib_tslot *nt, *ot = rib->ttab;
	size_t i, j, on = rib->tnslot, nn = (size_t)rib_ix_grown(on);

	if ((nt = rib_big_alloc(rib, nn * sizeof(*nt))) == NULL)
		return -1;
	rib->ttab = nt;
	rib->tnslot = nn;
	for (i = 0; i < on; i++) {
		if (ot[i].id == 0)
			continue;
		for (j = rib_tuple_home(rib, ot[i].hash); nt[j].id != 0;
		    j = j + 1 == nn ? 0 : j + 1)
			;
		nt[j] = ot[i];
	}
	rib_big_free(rib, ot, on * sizeof(*nt));
	return 0;
}

/* A new reference to the interned copy of k; NULL on ENOMEM. */
struct rib_tuple *
rib_tuple_get(struct rib *rib, const struct rib_tuple_key *k)
{
	const struct bgp_aspath *path = k->path;
	struct rib_tuple *a;
	struct bgp_as_segment *segs;
	uint32_t i, n, nasn = 0, *asns;
	size_t pos;
	bool found;
	struct rib_tslot *c = NULL;

	if (rib->tcache == NULL && rib->ntuple >= TCACHE_MIN)
		rib->tcache = rib_alloc(rib, TCACHE_SIZE * sizeof(*c));
	if (rib->tcache != NULL) {
		c = &rib->tcache[k->hash & (TCACHE_SIZE - 1)];
		if (c->id != 0 && c->hash == k->hash &&
		    tuple_eq(a = tuple_of(rib, c->id), k)) {
			a->refcnt++;
			return a;
		}
	}
	pos = tuple_find(rib, k, &found);
	if (found) {
		a = tuple_of(rib, rib->ttab[pos].id);
		a->refcnt++;
		if (c != NULL)
			*c = rib->ttab[pos];
		return a;
	}
	/* at most 3/4 full */
	if ((rib->ntuple + 1) * 4 > rib->tnslot * 3) {
		if (tuple_grow(rib) == -1)
			return NULL;
		pos = tuple_find(rib, k, &found);
	}
	for (i = 0; i < path->nseg; i++)
		nasn += seg_count(path, i);
	if (path->nseg > UINT16_MAX ||
	    (a = rib_tuple_alloc(rib, sizeof(*a) + (path->nseg > 1 ?
	    path->nseg * sizeof(*segs) : 0) + nasn * sizeof(*asns) +
	    rib_nh_len(k->nhfam) + (k->has_otc ? sizeof(k->otc) : 0))) ==
	    NULL)
		return NULL;
	a->refcnt = 1;
	a->origin_as = k->origin_as;
	a->kind = k->kind;
	a->nhfam = k->nhfam;
	a->has_otc = k->has_otc;
	a->router_rpki = k->router_rpki;
	a->nseg = (uint16_t)path->nseg;
	a->nasn = nasn;
	if (path->nseg == 1)
		a->seg0 = path->seg[0].type;
	segs = rib_tuple_segs(a);
	asns = rib_tuple_asns(a);
	for (nasn = 0, i = 0; i < path->nseg; i++) {
		n = seg_count(path, i);
		if (path->nseg > 1) {
			segs[i].type = path->seg[i].type;
			segs[i].count = (uint16_t)n;
			segs[i].start = nasn;
		}
		if (n != 0)
			memcpy(&asns[nasn], &path->asns[path->seg[i].start],
			    n * sizeof(*asns));
		nasn += n;
	}
	if (k->nhfam != 0)
		memcpy(rib_tuple_nh(a), k->nh, rib_nh_len(k->nhfam));
	if (k->has_otc)
		memcpy(rib_tuple_nh(a) + rib_nh_len(k->nhfam), &k->otc,
		    sizeof(k->otc));
	rib->ttab[pos].hash = k->hash;
	rib->ttab[pos].id = a->id;
	rib->ntuple++;
	if (c != NULL)
		*c = rib->ttab[pos];
	return a;
}

/*
 * Remove a's slot: backward-shift deletion, as in rib_tab_remove().  The
 * tuple does not keep its hash (the slot does): it is hashed again here,
 * once in its life.
 */
static void
tuple_unlink(struct rib *rib, struct rib_tuple *a)
{
	struct bgp_aspath path;
	struct bgp_as_segment seg;
	struct rib_tuple_key k;
	size_t i, j, home, n = rib->tnslot;
	uint32_t h;

	memset(&k, 0, sizeof(k));	/* the hash is computed, not read */
	rib_tuple_path(a, &path, &seg);
	k.path = &path;
	k.nh = rib_tuple_nh(a);
	k.kind = a->kind;
	k.origin_as = a->origin_as;
	k.nhfam = a->nhfam;
	k.has_otc = a->has_otc;
	k.otc = a->has_otc ? rib_tuple_otc(a) : 0;
	k.router_rpki = a->router_rpki;
	h = tuple_hash(&k);
	if (rib->tcache != NULL &&
	    rib->tcache[h & (TCACHE_SIZE - 1)].id == a->id)
		rib->tcache[h & (TCACHE_SIZE - 1)].id = 0;
	for (i = rib_tuple_home(rib, h); rib->ttab[i].id != a->id;
	    i = i + 1 == n ? 0 : i + 1)
		;
	for (j = i + 1 == n ? 0 : i + 1; rib->ttab[j].id != 0;
	    j = j + 1 == n ? 0 : j + 1) {
		home = rib_tuple_home(rib, rib->ttab[j].hash);
		/* j is as far from its home as from i (wrapping), or further */
		if ((j >= home ? j - home : j + n - home) >=
		    (j >= i ? j - i : j + n - i)) {
			rib->ttab[i] = rib->ttab[j];
			i = j;
		}
	}
	rib->ttab[i].id = 0;
	rib->ttab[i].hash = 0;
}

void
rib_tuple_put(struct rib *rib, struct rib_tuple *a)
{
	if (a == NULL || --a->refcnt > 0)
		return;
	tuple_unlink(rib, a);
	rib->ntuple--;
	rib_tuple_free(rib, a);
	if (rib->ntuple == 0)
		rib_slabs_release(rib);
}

