/*
 * rib.c - Adj-RIB-In per session and direction: route updates in, route
 * changes out.
 *
 * Layout.  Sessions live in an open-addressing table keyed by session_id.
 * Each session has two directions (the first sender seen is dir[0]);
 * each direction owns one route table:
 *
 *   r[]     a dense array of struct rib_route (32 bytes), kept dense by
 *           moving the last route into a removed one's place, so that
 *           revalidation and session-down are plain array walks;
 *   slot[]  an open-addressing index of 2^bits uint32 slots, linear
 *           probing, deletion by backward shift (no tombstones, so no
 *           degradation under churn), at most 3/4 full.
 *
 * A key's 64-bit hash h gives its home slot, the top `bits` bits of h,
 * and a tag, the next 32 - bits bits of h, which the slot keeps in its
 * high bits above the route index + 1 (0 = empty):
 *
 *	slot = tag << bits | (index + 1)	(index + 1 < 2^bits)
 *
 * A probe compares tags and reads a route only on a tag match (a false
 * match once in 2^(32 - bits) probes), so an insert touches one line of
 * slot[] and the end of r[], not the routes it probes past.  Routes do
 * not cache their hash: growing the index walks r[] in order and hashes
 * each key again (a few ns, against the miss a cached hash would cost to
 * read), and backward-shift deletion hashes the few routes it moves.
 *
 * Memory.  Large arrays (2 MiB and up) are anonymous mappings advised
 * into 2 MiB pages (a full table's lookups jump around tens of MiB; with
 * 4 KiB pages nearly every one would also miss the TLB, twice as costly
 * under a hypervisor).  r[] grows by 1/8 in whole 2 MiB steps once
 * mapped (mremap: no copy), so a full table carries at most 1/8 spare;
 * slot[] doubles.  The AS path, next hop and origin of a route are
 * interned together as one refcounted struct rib_attr (hash-consed):
 * real tables share a few hundred thousand of them among a million
 * routes, so a route holds one pointer.  Attrs are carved from slabs in
 * size classes (free lists per class; the slabs go back when the last
 * attr does) and named by a 32-bit id; the table that finds them is open
 * addressing over (hash, id) slots, with a direct-mapped cache of recent
 * lookups in front (see ACACHE_SIZE).  Nothing is allocated per route or
 * per path: a new path costs a slab slot, a new route a slot of the
 * arrays.  rib_memory() counts the arrays, slabs and tables.
 *
 * Cost per route for the full-table capture (1.1M routes, 199k distinct
 * paths, two directions): 32 bytes of route, 1/8 spare at most, + 4/load
 * of index (7.3 at 577k routes in 2^20 slots) + about 52 bytes per path
 * and 4/load of its slot, shared by 5.6 routes: 56.4 bytes in all
 * (rib_memory(); test_rib prints its synthetic figure).
 *
 * Pointers into r[] (struct rib_route * handles) move when a route is
 * removed or the array grows: they are valid until the next call that
 * changes the RIB.  An event's ev->aspath points into a scratch path in
 * struct rib that refers to the route's attr; the attr of a withdrawn
 * route is kept until the next such call, so it stays readable meanwhile.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "rib.h"
#include "stats.h"

/*
 * One interned AS path + next hop + origin.  Owned by the rib's attr
 * table.  The tail holds, in order: the segments if there are two or
 * more (one segment is described by seg0 and nasn), the ASNs, then the
 * next hop's 4 or 16 address bytes.
 */
struct rib_attr {
	union {
		struct {
			uint32_t refcnt;	/* routes pointing here */
			uint32_t origin_as;	/* 0 unless kind SEQ/PEER */
		};
		struct rib_attr *next_free;	/* on a free list */
	};
	uint32_t	 id;		/* slab << SLAB_SHIFT | offset / 8 */
	uint32_t	 nasn;		/* ASNs in the tail */
	uint16_t	 nseg;
	uint8_t		 kind;		/* enum bgp_origin_kind */
	uint8_t		 seg0;		/* type of the only segment */
	uint8_t		 nhfam;		/* next hop family, 0 = none */
	uint8_t		 cls;		/* size class */
	uint8_t		 pad[2];
	uint32_t	 tail[];
};

/* 32 bytes: keep it so (see the top comment). */
struct rib_route {
	uint8_t		 a[16];		/* prefix address, host bits zero */
	struct rib_attr	*attr;		/* one reference */
	uint32_t	 path_id;	/* 0 without ADD-PATH */
	uint8_t		 family;
	uint8_t		 len;
	uint8_t		 has_path_id;
	uint8_t		 state:2;	/* enum rov_state */
	uint8_t		 reason:3;	/* enum rov_reason */
	uint8_t		 alerted:1;
	uint8_t		 has_rpki:1;	/* judged against some VRP set */
};

_Static_assert(sizeof(struct rib_route) == 32, "struct rib_route grew");
_Static_assert(sizeof(struct bgp_as_segment) == 8, "segment size");

struct rib_table {
	struct rib_route *r;		/* n used of cap */
	uint32_t	*slot;		/* mask + 1 entries */
	uint32_t	 n, cap, mask;
	unsigned	 bits;		/* mask = 2^bits - 1 */
};

struct rib_dir {
	bool		 used;
	struct ipaddr	 src, dst;
	uint16_t	 sport, dport;
	uint32_t	 peer_as;
	struct rib_table t;
};

struct rib_sess {
	uint64_t	 id;
	struct rib_dir	 dir[2];
};

/* One slot of the attr table: the hash is kept here so that a probe
 * reads an attr only when the hash matches. */
struct rib_aslot {
	uint32_t	 hash;
	uint32_t	 id;		/* 0 = empty */
};

/* A slab of attrs: this header, then the carved attrs. */
struct rib_slab {
	size_t		 size;
	size_t		 pad;
};

/*
 * Attr sizes are rounded to a class: 8-byte steps up to 256 bytes (paths
 * of up to 56 ASNs), then powers of two up to 512 KiB (the largest path
 * an UPDATE can carry fits).  A slab holds at most 2 MiB, so an attr is
 * named by 32 bits: its slab's number and its offset / 8 in the slab.
 */
#define ATTR_UNIT	8
#define ATTR_SMALL	32		/* classes 1..32: 8..256 bytes */
#define ATTR_CLASSES	(ATTR_SMALL + 11)	/* then 512 B .. 512 KiB */
#define SLAB_SHIFT	18		/* 2 MiB / 8 */
#define SLAB_MAX	((size_t)1 << (32 - SLAB_SHIFT))

/*
 * The attr cache: a direct-mapped table of recent lookups, (hash, id) by
 * the hash's low bits, 512 KiB, made when the RIB holds ACACHE_MIN attrs
 * (a smaller table is itself this small).  Paths recur (transit ASes):
 * on the full-table capture it answers 63% of the lookups, sparing the
 * table's cache miss; the routes of one UPDATE, which share their
 * attrs, always hit.  An entry is dropped with its attr.
 */
#define ACACHE_SIZE	((size_t)1 << 16)
#define ACACHE_MIN	8192

struct rib {
	struct rib_sess	**sess;		/* open addressing, smask + 1 */
	size_t		 smask, nsess;
	struct rib_aslot *atab;		/* open addressing, amask + 1 */
	size_t		 amask, nattr;
	struct rib_attr	*deferred;	/* released at the next change */
	struct rib_aslot *acache;	/* ACACHE_SIZE recent lookups */
	struct rib_attr	*afree[ATTR_CLASSES + 1];	/* by class */
	struct rib_slab	**slab;		/* nslab of slabcap */
	size_t		 nslab, slabcap;
	size_t		 carve;		/* offset of the free room */
	size_t		 nroutes;
	size_t		 nstate[3];	/* by enum rov_state */
	size_t		 mem;		/* bytes allocated */
	/* the path an event points to (ev->aspath) */
	struct bgp_aspath evpath;
	struct bgp_as_segment evseg;
};

#define RIB_SESS_INIT	16
#define RIB_ATTR_INIT	256
#define RIB_ROUTE_INIT	16
#define RIB_SLOT_BITS	5		/* a new table's index: 32 slots */
#define RIB_SLOT_MAXBITS 31		/* the tag needs the 32nd bit */
#define BIG		((size_t)2 << 20)	/* mapped in 2 MiB pages */
#define SLAB_MIN	((size_t)16 << 10)

/* ---- memory -------------------------------------------------------- */

static void *
rib_alloc(struct rib *rib, size_t n)
{
	void *p;

	if ((p = calloc(1, n)) != NULL)
		rib->mem += n;
	return p;
}

static void
rib_dealloc(struct rib *rib, void *p, size_t n)
{
	if (p == NULL)
		return;
	rib->mem -= n;
	free(p);
}

/* Zeroed memory in 2 MiB pages where the kernel gives them. */
static void *
map_big(size_t n)
{
	void *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}

/* A zeroed array: calloc'd, or mapped when BIG or larger. */
static void *
big_alloc(struct rib *rib, size_t n)
{
	void *p;

	if (n < BIG)
		return rib_alloc(rib, n);
	if ((p = map_big(n)) != NULL)
		rib->mem += n;
	return p;
}

static void
big_free(struct rib *rib, void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n < BIG) {
		rib_dealloc(rib, p, n);
		return;
	}
	munmap(p, n);
	rib->mem -= n;
}

/*
 * Resize the array p of `from` bytes to `to` (> from), keeping its
 * contents (the new part is not zeroed).  Small arrays are realloc'd;
 * large ones are mappings, grown with mremap where there is one (the
 * kernel moves page tables, not bytes).
 */
static void *
big_grow(struct rib *rib, void *p, size_t from, size_t to)
{
	void *np;

	if (to < BIG) {
		if ((np = realloc(p, to)) != NULL)
			rib->mem += to - from;
		return np;
	}
#ifdef MREMAP_MAYMOVE
	if (from >= BIG) {
		if ((np = mremap(p, from, to, MREMAP_MAYMOVE)) == MAP_FAILED)
			return NULL;
#ifdef MADV_HUGEPAGE
		(void)madvise(np, to, MADV_HUGEPAGE);
#endif
		rib->mem += to - from;
		return np;
	}
#endif
	if ((np = map_big(to)) == NULL)
		return NULL;
	if (from > 0)
		memcpy(np, p, from);
	rib->mem += to;
	if (from >= BIG) {
		munmap(p, from);
		rib->mem -= from;
	} else
		rib_dealloc(rib, p, from);
	return np;
}

/* ---- interned AS path + next hop + origin --------------------------- */

static struct bgp_as_segment *
attr_segs(struct rib_attr *a)
{
	return (struct bgp_as_segment *)(void *)a->tail;
}

static uint32_t *
attr_asns(struct rib_attr *a)
{
	return a->tail + (a->nseg > 1 ? a->nseg * 2u : 0);
}

static uint8_t *
attr_nh(struct rib_attr *a)
{
	return (uint8_t *)(attr_asns(a) + a->nasn);
}

static size_t
nh_len(uint8_t family)
{
	return family == ADDR_V4 ? 4 : family == ADDR_V6 ? 16 : 0;
}

/* The size class of an attr of n bytes, and the class's size. */
static unsigned
attr_class(size_t n, size_t *bytes)
{
	unsigned c;

	if (n <= ATTR_SMALL * ATTR_UNIT) {
		c = (unsigned)((n + ATTR_UNIT - 1) / ATTR_UNIT);
		*bytes = c * ATTR_UNIT;
		return c;
	}
	for (c = ATTR_SMALL + 1, *bytes = 512; *bytes < n; c++)
		*bytes *= 2;
	return c;
}

static struct rib_attr *
attr_of(const struct rib *rib, uint32_t id)
{
	return (struct rib_attr *)(void *)((uint8_t *)rib->slab[id >>
	    SLAB_SHIFT] + (size_t)(id & ((1u << SLAB_SHIFT) - 1)) * ATTR_UNIT);
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

static bool
kind_has_origin(unsigned kind)
{
	return kind == ORIGIN_AS_SEQ || kind == ORIGIN_AS_PEER;
}

/* What an announcement interns: its path, next hop and origin. */
struct attr_key {
	const struct bgp_aspath	*path;
	const uint8_t		*nh;		/* nh_len(nhfam) bytes */
	uint32_t		 origin_as;
	uint8_t			 kind;
	uint8_t			 nhfam;		/* 0 unless v4 or v6 */
	uint32_t		 hash;
};

static uint32_t
attr_hash(const struct attr_key *k)
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
		    (uint64_t)k->nh[nh_len(k->nhfam) - 1] << 32 |
		    (uint64_t)k->nh[nh_len(k->nhfam) - 2] << 40;
	return (uint32_t)hash_fmix64(h);
}

static void
attr_key_make(struct attr_key *k, const struct bgp_attrs *at)
{
	k->path = &at->aspath;
	k->nh = at->next_hop.a;
	k->kind = (uint8_t)at->origin_kind;
	k->origin_as = kind_has_origin(k->kind) ? at->origin_as : 0;
	k->nhfam = (uint8_t)(nh_len(at->next_hop.family) != 0 ?
	    at->next_hop.family : 0);
	k->hash = attr_hash(k);
}

/* The path of a stored attr, as the decoder would give it.  seg is the
 * room for the one-segment case. */
static void
attr_path(struct rib_attr *a, struct bgp_aspath *path,
    struct bgp_as_segment *seg)
{
	path->nseg = a->nseg;
	path->nasn = a->nasn;
	path->asns = attr_asns(a);
	/* Test path->nseg, not a->nseg: the analyzer (clang 14) does not
	 * carry a range across the uint16_t -> uint32_t copy, and would
	 * walk past the one-element seg in attr_hash(). */
	if (path->nseg > 1)
		path->seg = attr_segs(a);
	else {
		seg->type = a->seg0;
		seg->count = (uint16_t)a->nasn;
		seg->start = 0;
		path->seg = seg;
	}
}

static bool
attr_eq(struct rib_attr *a, const struct attr_key *k)
{
	const struct bgp_aspath *path = k->path;
	const struct bgp_as_segment *s;
	const uint32_t *asns;
	uint32_t i, n, off = 0;

	if (a->kind != k->kind || a->origin_as != k->origin_as ||
	    a->nhfam != k->nhfam || a->nseg != path->nseg)
		return false;
	asns = attr_asns(a);
	if (path->nseg == 1) {
		n = seg_count(path, 0);
		if (a->seg0 != path->seg[0].type || a->nasn != n ||
		    (n != 0 && memcmp(asns, &path->asns[path->seg[0].start],
		    n * sizeof(uint32_t)) != 0))
			return false;
	} else {
		s = attr_segs(a);
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
	return k->nhfam == 0 || memcmp(attr_nh(a), k->nh, nh_len(k->nhfam)) == 0;
}

/* Every attr is gone: give the slabs back (a RIB emptied by its sessions
 * going down returns to its first size). */
static void
slabs_release(struct rib *rib)
{
	size_t i;

	for (i = 0; i < rib->nslab; i++)
		big_free(rib, rib->slab[i], rib->slab[i]->size);
	rib_dealloc(rib, rib->slab, rib->slabcap * sizeof(*rib->slab));
	rib->slab = NULL;
	rib->nslab = rib->slabcap = 0;
	rib->carve = 0;
	memset(rib->afree, 0, sizeof(rib->afree));
	rib_dealloc(rib, rib->acache, ACACHE_SIZE * sizeof(*rib->acache));
	rib->acache = NULL;
}

/* A new slab with room for `need` bytes; -1 on ENOMEM. */
static int
slab_add(struct rib *rib, size_t need)
{
	struct rib_slab **ns, *s;
	size_t size, ncap;

	if (rib->nslab == SLAB_MAX)
		return -1;
	if (rib->nslab == rib->slabcap) {
		ncap = rib->slabcap == 0 ? 8 : rib->slabcap * 2;
		if ((ns = rib_alloc(rib, ncap * sizeof(*ns))) == NULL)
			return -1;
		if (rib->nslab > 0)
			memcpy(ns, rib->slab, rib->nslab * sizeof(*ns));
		rib_dealloc(rib, rib->slab, rib->slabcap * sizeof(*ns));
		rib->slab = ns;
		rib->slabcap = ncap;
	}
	/* Slabs double from 16 KiB to 2 MiB: small RIBs stay small. */
	size = rib->nslab == 0 ? SLAB_MIN : rib->slab[rib->nslab - 1]->size * 2;
	while (size < need + sizeof(*s))
		size *= 2;
	if (size > BIG)
		size = BIG;
	if ((s = big_alloc(rib, size)) == NULL)
		return -1;
	s->size = size;
	rib->slab[rib->nslab++] = s;
	rib->carve = sizeof(*s);
	return 0;
}

/* A zeroed attr of at least n bytes with its id and class set; NULL on
 * ENOMEM.  The rest of the newest slab is lost when a new one starts:
 * a fraction of a class, against 2 MiB. */
static struct rib_attr *
attr_alloc(struct rib *rib, size_t n)
{
	struct rib_attr *a;
	struct rib_slab *s;
	size_t bytes;
	unsigned c;

	c = attr_class(n, &bytes);
	if ((a = rib->afree[c]) != NULL) {
		uint32_t id = a->id;

		rib->afree[c] = a->next_free;
		memset(a, 0, bytes);
		a->id = id;
		a->cls = (uint8_t)c;
		return a;
	}
	if (rib->nslab == 0 ||
	    rib->slab[rib->nslab - 1]->size - rib->carve < bytes) {
		if (slab_add(rib, bytes) == -1)
			return NULL;
	}
	s = rib->slab[rib->nslab - 1];
	a = (struct rib_attr *)(void *)((uint8_t *)s + rib->carve);
	memset(a, 0, bytes);
	a->id = (uint32_t)((rib->nslab - 1) << SLAB_SHIFT |
	    rib->carve / ATTR_UNIT);
	a->cls = (uint8_t)c;
	rib->carve += bytes;
	return a;
}

/* Give an attr's memory back to its size class. */
static void
attr_free(struct rib *rib, struct rib_attr *a)
{
	a->next_free = rib->afree[a->cls];
	rib->afree[a->cls] = a;
}

/* The slot of k's attr (*found), or the empty one ending the probe. */
static size_t
attr_find(const struct rib *rib, const struct attr_key *k, bool *found)
{
	const struct rib_aslot *sl;
	size_t i;

	*found = false;
	for (i = k->hash & rib->amask; (sl = &rib->atab[i])->id != 0;
	    i = (i + 1) & rib->amask)
		if (sl->hash == k->hash && attr_eq(attr_of(rib, sl->id), k)) {
			*found = true;
			break;
		}
	return i;
}

static int
attr_grow(struct rib *rib)
{
	struct rib_aslot *nt;
	size_t i, j, nmask = rib->amask * 2 + 1;

	if ((nt = big_alloc(rib, (nmask + 1) * sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i <= rib->amask; i++) {
		if (rib->atab[i].id == 0)
			continue;
		for (j = rib->atab[i].hash & nmask; nt[j].id != 0;
		    j = (j + 1) & nmask)
			;
		nt[j] = rib->atab[i];
	}
	big_free(rib, rib->atab, (rib->amask + 1) * sizeof(*nt));
	rib->atab = nt;
	rib->amask = nmask;
	return 0;
}

/* A new reference to the interned copy of k; NULL on ENOMEM. */
static struct rib_attr *
attr_get(struct rib *rib, const struct attr_key *k)
{
	const struct bgp_aspath *path = k->path;
	struct rib_attr *a;
	struct bgp_as_segment *segs;
	uint32_t i, n, nasn = 0, *asns;
	size_t pos;
	bool found;
	struct rib_aslot *c = NULL;

	if (rib->acache == NULL && rib->nattr >= ACACHE_MIN)
		rib->acache = rib_alloc(rib, ACACHE_SIZE * sizeof(*c));
	if (rib->acache != NULL) {
		c = &rib->acache[k->hash & (ACACHE_SIZE - 1)];
		if (c->id != 0 && c->hash == k->hash &&
		    attr_eq(a = attr_of(rib, c->id), k)) {
			a->refcnt++;
			return a;
		}
	}
	pos = attr_find(rib, k, &found);
	if (found) {
		a = attr_of(rib, rib->atab[pos].id);
		a->refcnt++;
		if (c != NULL)
			*c = rib->atab[pos];
		return a;
	}
	/* at most 3/4 full */
	if ((rib->nattr + 1) * 4 > (rib->amask + 1) * 3) {
		if (attr_grow(rib) == -1)
			return NULL;
		pos = attr_find(rib, k, &found);
	}
	for (i = 0; i < path->nseg; i++)
		nasn += seg_count(path, i);
	if (path->nseg > UINT16_MAX ||
	    (a = attr_alloc(rib, sizeof(*a) + (path->nseg > 1 ?
	    path->nseg * sizeof(*segs) : 0) + nasn * sizeof(*asns) +
	    nh_len(k->nhfam))) == NULL)
		return NULL;
	a->refcnt = 1;
	a->origin_as = k->origin_as;
	a->kind = k->kind;
	a->nhfam = k->nhfam;
	a->nseg = (uint16_t)path->nseg;
	a->nasn = nasn;
	if (path->nseg == 1)
		a->seg0 = path->seg[0].type;
	segs = attr_segs(a);
	asns = attr_asns(a);
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
		memcpy(attr_nh(a), k->nh, nh_len(k->nhfam));
	rib->atab[pos].hash = k->hash;
	rib->atab[pos].id = a->id;
	rib->nattr++;
	if (c != NULL)
		*c = rib->atab[pos];
	return a;
}

/*
 * Remove a's slot: backward-shift deletion, as in tab_remove().  The
 * attr does not keep its hash (the slot does): it is hashed again here,
 * once in its life.
 */
static void
attr_unlink(struct rib *rib, struct rib_attr *a)
{
	struct bgp_aspath path;
	struct bgp_as_segment seg;
	struct attr_key k;
	size_t i, j, home, m = rib->amask;
	uint32_t h;

	memset(&k, 0, sizeof(k));	/* the hash is computed, not read */
	attr_path(a, &path, &seg);
	k.path = &path;
	k.nh = attr_nh(a);
	k.kind = a->kind;
	k.origin_as = a->origin_as;
	k.nhfam = a->nhfam;
	h = attr_hash(&k);
	if (rib->acache != NULL && rib->acache[h & (ACACHE_SIZE - 1)].id == a->id)
		rib->acache[h & (ACACHE_SIZE - 1)].id = 0;
	for (i = h & m; rib->atab[i].id != a->id; i = (i + 1) & m)
		;
	for (j = (i + 1) & m; rib->atab[j].id != 0; j = (j + 1) & m) {
		home = rib->atab[j].hash & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			rib->atab[i] = rib->atab[j];
			i = j;
		}
	}
	rib->atab[i].id = 0;
	rib->atab[i].hash = 0;
}

static void
attr_put(struct rib *rib, struct rib_attr *a)
{
	if (a == NULL || --a->refcnt > 0)
		return;
	attr_unlink(rib, a);
	rib->nattr--;
	attr_free(rib, a);
	if (rib->nattr == 0)
		slabs_release(rib);
}

/* Drop the withdrawn route's attr kept for the last event. */
static void
rib_settle(struct rib *rib)
{
	attr_put(rib, rib->deferred);
	rib->deferred = NULL;
}

/* ---- route tables -------------------------------------------------- */

struct rib_key {
	uint8_t		 a[16];
	uint8_t		 family, len;
	uint8_t		 has_path_id;
	uint32_t	 path_id;
	uint64_t	 hash;
};

static uint64_t
key_hash(const uint8_t a[16], uint8_t family, uint8_t len, bool has_path_id,
    uint32_t path_id)
{
	uint64_t w0, w1;

	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	return hash_fmix64(w0 ^ hash_fmix64(w1 ^ ((uint64_t)family << 48 |
	    (uint64_t)len << 40 | (uint64_t)has_path_id << 32 | path_id)));
}

static void
key_make(struct rib_key *k, const struct bgp_route *r)
{
	memset(k, 0, sizeof(*k));
	k->family = r->prefix.family;
	k->len = r->prefix.len;
	memcpy(k->a, r->prefix.a, k->family == ADDR_V4 ? 4 : 16);
	k->has_path_id = r->has_path_id;
	k->path_id = r->has_path_id ? r->path_id : 0;
	k->hash = key_hash(k->a, k->family, k->len, k->has_path_id,
	    k->path_id);
}

static uint64_t
route_hash(const struct rib_route *rt)
{
	return key_hash(rt->a, rt->family, rt->len, rt->has_path_id,
	    rt->path_id);
}

static bool
key_eq(const struct rib_key *k, const struct rib_route *rt)
{
	return rt->family == k->family && rt->len == k->len &&
	    rt->path_id == k->path_id && rt->has_path_id == k->has_path_id &&
	    memcmp(rt->a, k->a, 16) == 0;
}

/* The home slot of hash h, and the tag kept above the index bits. */
static inline uint32_t
slot_home(const struct rib_table *t, uint64_t h)
{
	return (uint32_t)(h >> (64 - t->bits));
}

static inline uint32_t
slot_tag(const struct rib_table *t, uint64_t h)
{
	return (uint32_t)(h >> (32 - t->bits)) & ~t->mask;
}

/* The key's route, or NULL; *pos is its slot, or the empty one ending
 * the probe.  The route itself is the answer, rather than a flag, so no
 * caller goes back to t->slot, which is NULL in an empty table. */
static struct rib_route *
tab_find(const struct rib_table *t, const struct rib_key *k, uint32_t *pos)
{
	uint32_t i, v, tag;

	*pos = 0;
	if (t->slot == NULL)
		return NULL;
	tag = slot_tag(t, k->hash);
	for (i = slot_home(t, k->hash); (v = t->slot[i]) != 0;
	    i = (i + 1) & t->mask)
		if ((v & ~t->mask) == tag &&
		    key_eq(k, &t->r[(v & t->mask) - 1])) {
			*pos = i;
			return &t->r[(v & t->mask) - 1];
		}
	*pos = i;
	return NULL;
}


/* Put route index idx (hash h) into the first free slot from its home. */
static void
tab_place(struct rib_table *t, uint64_t h, uint32_t idx)
{
	uint32_t i;

	for (i = slot_home(t, h); t->slot[i] != 0; i = (i + 1) & t->mask)
		;
	t->slot[i] = slot_tag(t, h) | (idx + 1);
}

/*
 * Double the index (or make the first one) and re-place every route,
 * walking r[] in order.  The new slots are scattered: each route's slot
 * is asked for REHASH_AHEAD routes before it is written, so that the
 * misses overlap instead of queueing.
 */
#define REHASH_AHEAD	16

static int
tab_grow_index(struct rib *rib, struct rib_table *t)
{
	uint64_t ahead[REHASH_AHEAD], h;
	uint32_t *old = t->slot, omask = t->mask, i;
	unsigned nbits;

	nbits = old == NULL ? RIB_SLOT_BITS : t->bits + 1;
	if (nbits > RIB_SLOT_MAXBITS)
		return -1;
	if ((t->slot = big_alloc(rib, ((size_t)1 << nbits) *
	    sizeof(*t->slot))) == NULL) {
		t->slot = old;
		return -1;
	}
	t->bits = nbits;
	t->mask = (uint32_t)(((uint64_t)1 << nbits) - 1);
	for (i = 0; i < t->n + REHASH_AHEAD; i++) {
		if (i >= REHASH_AHEAD)
			tab_place(t, ahead[i % REHASH_AHEAD], i - REHASH_AHEAD);
		if (i < t->n) {
			h = route_hash(&t->r[i]);
			__builtin_prefetch(&t->slot[slot_home(t, h)], 1);
			ahead[i % REHASH_AHEAD] = h;
		}
	}
	if (old != NULL)
		big_free(rib, old, ((size_t)omask + 1) * sizeof(*old));
	return 0;
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
	    (nr = big_grow(rib, t->r, from, to)) == NULL)
		return -1;
	t->r = nr;
	t->cap = (uint32_t)(to / sizeof(*nr));
	return 0;
}

/* Append the key's route (fields past the key left zero); NULL on ENOMEM.
 * pos is the slot tab_find() gave, recomputed if the index grows. */
static struct rib_route *
tab_insert(struct rib *rib, struct rib_table *t, const struct rib_key *k,
    uint32_t pos)
{
	struct rib_route *rt;

	if (t->n == t->cap && tab_grow_routes(rib, t) == -1)
		return NULL;
	if (t->slot == NULL || ((uint64_t)t->n + 1) * 4 >
	    ((uint64_t)t->mask + 1) * 3) {
		if (tab_grow_index(rib, t) == -1)
			return NULL;
		(void)tab_find(t, k, &pos);
	}
	rt = &t->r[t->n];
	memset(rt, 0, sizeof(*rt));
	memcpy(rt->a, k->a, 16);
	rt->family = k->family;
	rt->len = k->len;
	rt->has_path_id = k->has_path_id;
	rt->path_id = k->path_id;
	t->slot[pos] = slot_tag(t, k->hash) | ++t->n;
	return rt;
}

/* The slot holding route index idx. */
static uint32_t
tab_slot_of(const struct rib_table *t, uint32_t idx)
{
	uint32_t i;

	for (i = slot_home(t, route_hash(&t->r[idx]));
	    (t->slot[i] & t->mask) != idx + 1; i = (i + 1) & t->mask)
		;
	return i;
}

/*
 * Remove route idx (its attr already dealt with).  Backward-shift
 * deletion: later entries of the probe run move up unless that would put
 * them before their home slot.  The last route then fills the hole.
 */
static void
tab_remove(struct rib_table *t, uint32_t idx)
{
	uint32_t i, j, home, last, v;

	i = tab_slot_of(t, idx);
	for (j = (i + 1) & t->mask; (v = t->slot[j]) != 0;
	    j = (j + 1) & t->mask) {
		home = slot_home(t, route_hash(&t->r[(v & t->mask) - 1]));
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = v;
			i = j;
		}
	}
	t->slot[i] = 0;
	last = t->n - 1;
	if (idx != last) {
		j = tab_slot_of(t, last);
		t->slot[j] = (t->slot[j] & ~t->mask) | (idx + 1);
		t->r[idx] = t->r[last];
	}
	t->n--;
}

/* Free a table's arrays (its routes' attrs are the caller's business). */
static void
tab_drop(struct rib *rib, struct rib_table *t)
{
	if (t->slot != NULL)
		big_free(rib, t->slot, ((size_t)t->mask + 1) *
		    sizeof(*t->slot));
	if (t->r != NULL)
		big_free(rib, t->r, (size_t)t->cap * sizeof(*t->r));
	memset(t, 0, sizeof(*t));
}

static void
tab_clear(struct rib *rib, struct rib_table *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		rib->nstate[t->r[i].state]--;
		attr_put(rib, t->r[i].attr);
	}
	rib->nroutes -= t->n;
	tab_drop(rib, t);
}
/* ---- sessions ------------------------------------------------------ */

static uint32_t
sess_pos(const struct rib *rib, uint64_t id, bool *found)
{
	size_t i;

	*found = false;
	for (i = hash_fmix64(id) & rib->smask; rib->sess[i] != NULL;
	    i = (i + 1) & rib->smask)
		if (rib->sess[i]->id == id) {
			*found = true;
			break;
		}
	return (uint32_t)i;
}

static int
sess_grow(struct rib *rib)
{
	struct rib_sess **ns;
	size_t i, j, nmask = rib->smask * 2 + 1;

	if ((ns = rib_alloc(rib, (nmask + 1) * sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i <= rib->smask; i++) {
		if (rib->sess[i] == NULL)
			continue;
		for (j = hash_fmix64(rib->sess[i]->id) & nmask; ns[j] != NULL;
		    j = (j + 1) & nmask)
			;
		ns[j] = rib->sess[i];
	}
	rib_dealloc(rib, rib->sess, (rib->smask + 1) * sizeof(*ns));
	rib->sess = ns;
	rib->smask = nmask;
	return 0;
}

static struct rib_sess *
sess_lookup(const struct rib *rib, uint64_t id)
{
	bool found;
	uint32_t i;

	i = sess_pos(rib, id, &found);
	return found ? rib->sess[i] : NULL;
}

static struct rib_sess *
sess_create(struct rib *rib, uint64_t id)
{
	struct rib_sess *s;
	bool found;
	uint32_t i;

	if ((rib->nsess + 1) * 4 > (rib->smask + 1) * 3 &&
	    sess_grow(rib) == -1)
		return NULL;
	i = sess_pos(rib, id, &found);
	if (found)
		return rib->sess[i];
	if ((s = rib_alloc(rib, sizeof(*s))) == NULL)
		return NULL;
	s->id = id;
	rib->sess[i] = s;
	rib->nsess++;
	return s;
}

/* Backward-shift deletion, as in tab_remove(). */
static void
sess_remove(struct rib *rib, struct rib_sess *s)
{
	bool found;
	size_t i, j, home, m = rib->smask;

	i = sess_pos(rib, s->id, &found);
	for (j = (i + 1) & m; rib->sess[j] != NULL; j = (j + 1) & m) {
		home = hash_fmix64(rib->sess[j]->id) & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			rib->sess[i] = rib->sess[j];
			i = j;
		}
	}
	rib->sess[i] = NULL;
	rib->nsess--;
	tab_clear(rib, &s->dir[0].t);
	tab_clear(rib, &s->dir[1].t);
	rib_dealloc(rib, s, sizeof(*s));
}

static bool
dir_is(const struct rib_dir *d, const struct bgp_msg_ctx *ctx)
{
	return d->used && d->sport == ctx->src_port &&
	    ipaddr_eq(&d->src, &ctx->src_addr);
}

/* The direction ctx's sender uses; a new one is set up when create. */
static struct rib_dir *
dir_find(struct rib_sess *s, const struct bgp_msg_ctx *ctx, bool create)
{
	struct rib_dir *d;

	if (dir_is(&s->dir[0], ctx))
		return &s->dir[0];
	if (dir_is(&s->dir[1], ctx))
		return &s->dir[1];
	if (!create)
		return NULL;
	d = !s->dir[0].used ? &s->dir[0] : &s->dir[1];
	/* A third sender on one TCP session cannot happen; if ids are ever
	 * reused, the newest sender takes over dir[1]. */
	d->used = true;
	d->src = ctx->src_addr;
	d->dst = ctx->dst_addr;
	d->sport = ctx->src_port;
	d->dport = ctx->dst_port;
	return d;
}

/* ---- events -------------------------------------------------------- */

static void
ev_dir(struct route_event *ev, uint64_t id, const struct rib_dir *d)
{
	ev->session_id = id;
	ev->src_addr = d->src;
	ev->dst_addr = d->dst;
	ev->src_port = d->sport;
	ev->dst_port = d->dport;
	ev->peer_as = d->peer_as;
}

/* The route's fields; ev->aspath is the rib's scratch path, which refers
 * to the route's attr. */
static void
ev_route(struct rib *rib, struct route_event *ev, const struct rib_route *rt)
{
	struct rib_attr *a = rt->attr;

	ev->prefix.family = rt->family;
	ev->prefix.len = rt->len;
	memcpy(ev->prefix.a, rt->a, 16);
	ev->has_path_id = rt->has_path_id;
	ev->path_id = rt->path_id;
	ev->origin_kind = a->kind;
	ev->origin_as = a->origin_as;
	attr_path(a, &rib->evpath, &rib->evseg);
	ev->aspath = &rib->evpath;
	memset(&ev->next_hop, 0, sizeof(ev->next_hop));
	ev->next_hop.family = a->nhfam;
	if (a->nhfam != 0)
		memcpy(ev->next_hop.a, attr_nh(a), nh_len(a->nhfam));
	ev->has_rpki = rt->has_rpki;
	ev->rpki.state = rt->state;
	ev->rpki.reason = rt->reason;
}

static void
ev_ctx(struct route_event *ev, const struct bgp_msg_ctx *ctx,
    const struct bgp_route *r)
{
	memset(ev, 0, sizeof(*ev));
	ev->session_id = ctx->session_id;
	ev->src_addr = ctx->src_addr;
	ev->dst_addr = ctx->dst_addr;
	ev->src_port = ctx->src_port;
	ev->dst_port = ctx->dst_port;
	ev->peer_as = ctx->peer_as;
	if (ctx->pkt != NULL)
		ev->ts = ctx->pkt->ts;
	ev->pkt = ctx->pkt;
	ev->msg = ctx->msg;
	ev->msg_len = ctx->msg_len;
	ev->prefix = r->prefix;
	ev->has_path_id = r->has_path_id;
	ev->path_id = r->has_path_id ? r->path_id : 0;
}

/* ---- the API ------------------------------------------------------- */

struct rib *
rib_new(void)
{
	struct rib *rib;

	if ((rib = calloc(1, sizeof(*rib))) == NULL)
		return NULL;
	rib->mem = sizeof(*rib);
	rib->smask = RIB_SESS_INIT - 1;
	rib->amask = RIB_ATTR_INIT - 1;
	rib->sess = rib_alloc(rib, RIB_SESS_INIT * sizeof(*rib->sess));
	rib->atab = rib_alloc(rib, RIB_ATTR_INIT * sizeof(*rib->atab));
	if (rib->sess == NULL || rib->atab == NULL) {
		rib_free(rib);
		return NULL;
	}
	return rib;
}

void
rib_free(struct rib *rib)
{
	size_t i;

	if (rib == NULL)
		return;
	/* Everything goes: the arrays and slabs whole, no attr one by one. */
	for (i = 0; rib->sess != NULL && i <= rib->smask; i++)
		if (rib->sess[i] != NULL) {
			tab_drop(rib, &rib->sess[i]->dir[0].t);
			tab_drop(rib, &rib->sess[i]->dir[1].t);
			free(rib->sess[i]);
		}
	slabs_release(rib);
	free(rib->sess);
	if (rib->atab != NULL)
		big_free(rib, rib->atab, (rib->amask + 1) * sizeof(*rib->atab));
	free(rib);
}

/* Store the verdict of an announcement in rt; returns whether the
 * origin (attr a against the route's old one) or the state changed. */
static bool
route_set(struct rib *rib, struct rib_route *rt, const struct rib_attr *old,
    const struct rib_attr *a, const struct rov_result *res)
{
	unsigned state, reason;
	bool changed;

	state = res != NULL ? res->state : ROV_NOT_FOUND;
	reason = res != NULL ? res->reason : ROV_REASON_NONE;
	changed = old == NULL || old->kind != a->kind ||
	    old->origin_as != a->origin_as || rt->state != state;
	rib->nstate[rt->state]--;
	rib->nstate[state]++;
	rt->state = state;
	rt->reason = reason;
	rt->has_rpki = res != NULL;
	return changed;
}

enum rib_change
rib_announce(struct rib *rib, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct rov_result *res, uint64_t vrp_gen, struct route_event *ev,
    struct rib_route **rtp)
{
	struct rib_sess *s;
	struct rib_dir *d;
	struct rib_route *rt;
	struct rib_attr *a;
	struct rib_key k;
	struct attr_key ak;
	enum rib_change ch;
	uint32_t pos;
	bool changed;

	rib_settle(rib);
	if (rtp != NULL)
		*rtp = NULL;
	s = sess_create(rib, ctx->session_id);
	/*
	 * The route's slot and the path's slot are two independent cache
	 * misses on a big table: ask for both, then fill the event while
	 * they come.
	 */
	d = s != NULL ? dir_find(s, ctx, true) : NULL;
	key_make(&k, r);
	if (d != NULL && d->t.slot != NULL)
		__builtin_prefetch(&d->t.slot[slot_home(&d->t, k.hash)]);
	attr_key_make(&ak, at);
	__builtin_prefetch(&rib->atab[ak.hash & rib->amask]);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_ANNOUNCE;
	if (d == NULL)
		goto nomem;
	if (ctx->peer_as != 0)
		d->peer_as = ctx->peer_as;
	if ((a = attr_get(rib, &ak)) == NULL)
		goto nomem;
	if ((rt = tab_find(&d->t, &k, &pos)) != NULL) {
		ev->has_prev = true;
		ev->prev_state = rt->state;
		ev->prev_origin_as = rt->attr->origin_as;
		changed = route_set(rib, rt, rt->attr, a, res);
		if (changed)
			ch = RIB_CHANGED;
		else
			ch = rt->attr != a ? RIB_PATH_CHANGED : RIB_SAME;
		attr_put(rib, rt->attr);
	} else {
		if ((rt = tab_insert(rib, &d->t, &k, pos)) == NULL) {
			attr_put(rib, a);
			goto nomem;
		}
		rib->nroutes++;
		rib->nstate[ROV_NOT_FOUND]++;
		route_set(rib, rt, NULL, a, res);
		ch = RIB_NEW;
	}
	rt->attr = a;
	ev_route(rib, ev, rt);
	if (res != NULL)
		ev->rpki = *res;
	ev->vrp_generation = vrp_gen;
	if (rtp != NULL)
		*rtp = rt;
	switch (ch) {
	case RIB_NEW:
		STAT_INC(rib_new);
		break;
	case RIB_CHANGED:
		STAT_INC(rib_changed);
		break;
	case RIB_PATH_CHANGED:
		STAT_INC(rib_path_changed);
		break;
	default:
		STAT_INC(rib_same);
		break;
	}
	return ch;
nomem:
	STAT_INC(rib_nomem);
	return RIB_ERROR;
}

bool
rib_withdraw(struct rib *rib, const struct bgp_msg_ctx *ctx,
    const struct bgp_route *r, struct route_event *ev, bool *alerted)
{
	struct rib_sess *s;
	struct rib_dir *d = NULL;
	struct rib_route *rt = NULL;
	struct rib_key k;
	uint32_t pos;

	rib_settle(rib);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_WITHDRAW;
	if (alerted != NULL)
		*alerted = false;
	if ((s = sess_lookup(rib, ctx->session_id)) != NULL &&
	    (d = dir_find(s, ctx, false)) != NULL) {
		key_make(&k, r);
		rt = tab_find(&d->t, &k, &pos);
	}
	if (rt == NULL) {
		STAT_INC(rib_withdraw_absent);
		return false;
	}
	ev_route(rib, ev, rt);
	ev->prev_state = rt->state;
	ev->prev_origin_as = rt->attr->origin_as;
	if (alerted != NULL)
		*alerted = rt->alerted;
	/* ev->aspath points into the attr: keep it until the next call */
	rib->deferred = rt->attr;
	rib->nstate[rt->state]--;
	rib->nroutes--;
	tab_remove(&d->t, (uint32_t)(rt - d->t.r));
	STAT_INC(rib_withdrawn);
	return true;
}

void
rib_set_alerted(struct rib *rib, struct rib_route *rt, bool on)
{
	(void)rib;
	if (rt != NULL)
		rt->alerted = on;
}

bool
rib_alerted(const struct rib_route *rt)
{
	return rt != NULL && rt->alerted;
}

size_t
rib_session_down(struct rib *rib, uint64_t session_id,
    const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	struct route_event ev;
	struct rib_sess *s;
	struct rib_dir *d;
	size_t n = 0;
	uint32_t i;
	int k;

	rib_settle(rib);
	if ((s = sess_lookup(rib, session_id)) == NULL)
		return 0;
	for (k = 0; k < 2 && cb != NULL; k++) {
		d = &s->dir[k];
		for (i = 0; i < d->t.n; i++) {
			memset(&ev, 0, sizeof(ev));
			ev.kind = RTEV_RESOLVED;
			ev.resolve_why = RESOLVE_SESSION_DOWN;
			if (ts != NULL)
				ev.ts = *ts;
			ev_dir(&ev, session_id, d);
			ev_route(rib, &ev, &d->t.r[i]);
			ev.has_prev = true;
			ev.prev_state = d->t.r[i].state;
			ev.prev_origin_as = d->t.r[i].attr->origin_as;
			cb(arg, &ev, &d->t.r[i], d->t.r[i].alerted);
		}
	}
	n = (size_t)s->dir[0].t.n + s->dir[1].t.n;
	STAT_ADD(rib_session_down, n);
	sess_remove(rib, s);
	return n;
}

/* Revalidate one direction's routes; returns the number changed. */
static size_t
reval_dir(struct rib *rib, uint64_t id, struct rib_dir *d,
    const struct rov_index *idx, uint64_t gen, const struct timeval *ts,
    rib_event_cb *cb, void *arg)
{
	struct route_event ev;
	struct rov_result res;
	struct rib_route *rt;
	struct prefix p;
	size_t n = 0;
	uint32_t i;
	unsigned old;
	bool judged;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < d->t.n; i++) {
		rt = &d->t.r[i];
		old = rt->state;
		judged = rt->has_rpki;
		rib->nstate[old]--;
		if (idx == NULL) {
			rt->has_rpki = 0;
			rt->state = ROV_NOT_FOUND;
			rt->reason = ROV_REASON_NONE;
			rib->nstate[ROV_NOT_FOUND]++;
			continue;
		}
		p.family = rt->family;
		p.len = rt->len;
		memcpy(p.a, rt->a, 16);
		rov_check(idx, &p, kind_has_origin(rt->attr->kind),
		    rt->attr->origin_as, &res);
		rt->has_rpki = 1;
		rt->state = res.state;
		rt->reason = res.reason;
		rib->nstate[res.state]++;
		/*
		 * A route stored with no VRPs counts as NOT_FOUND but was never
		 * judged: its first verdict is news even when it is NOT_FOUND,
		 * or a sensor that got its VRPs after the routes would never
		 * alert the routes no ROA covers.
		 */
		if (res.state == old && judged)
			continue;
		n++;
		if (cb == NULL)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.kind = RTEV_REVALIDATE;
		if (ts != NULL)
			ev.ts = *ts;
		ev_dir(&ev, id, d);
		ev_route(rib, &ev, rt);
		ev.rpki = res;
		ev.vrp_generation = gen;
		ev.has_prev = true;
		ev.prev_state = old;
		ev.prev_origin_as = rt->attr->origin_as;
		cb(arg, &ev, rt, rt->alerted);
	}
	return n;
}
size_t
rib_revalidate(struct rib *rib, const struct rov_index *idx, uint64_t gen,
    const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	struct rib_sess *s;
	size_t i, n = 0;

	rib_settle(rib);
	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		n += reval_dir(rib, s->id, &s->dir[0], idx, gen, ts, cb, arg);
		n += reval_dir(rib, s->id, &s->dir[1], idx, gen, ts, cb, arg);
	}
	STAT_ADD(rib_revalidated, n);
	return n;
}

size_t
rib_count(const struct rib *rib)
{
	return rib->nroutes;
}

size_t
rib_count_by_state(const struct rib *rib, enum rov_state st)
{
	if ((unsigned)st > ROV_INVALID)
		return 0;
	return rib->nstate[st];
}

size_t
rib_sessions(const struct rib *rib)
{
	return rib->nsess;
}

size_t
rib_paths(const struct rib *rib)
{
	return rib->nattr;
}

size_t
rib_memory(const struct rib *rib)
{
	return rib->mem;
}
