/*
 * rib_internal.h - what the files of the RIB share, and nobody else sees:
 * the route, table, session, prefix and tuple structs, struct rib itself,
 * the allocator (rib_alloc.c), the shared prefixes (rib_prefix.c), the
 * interned tuples (rib_tuple.c) and the route tables (rib_table.c) used by
 * the API in rib.c.  The layout and its cost
 * are described atop src/state/rib.c.
 */
#ifndef ROVMON_RIB_INTERNAL_H
#define ROVMON_RIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"
#include "state/rib.h"


/*
 * One interned AS path + next hop + origin + OTC.  Owned by the rib's
 * tuple table.  The tail holds, in order: the segments if there are two
 * or more (one segment is described by seg0 and nasn), the ASNs, the
 * next hop's 4 or 16 address bytes, then the OTC (RFC 9234) if the
 * route has one: routes without OTC, nearly all, pay nothing for it.
 */
struct rib_tuple {
	union {
		struct {
			uint32_t refcnt;	/* routes pointing here */
			uint32_t origin_as;	/* 0 unless kind SEQ/PEER */
		};
		struct rib_tuple *next_free;	/* on a free list */
	};
	uint32_t	 id;		/* slab << SLAB_SHIFT | offset / 8 */
	uint32_t	 nasn;		/* ASNs in the tail */
	uint16_t	 nseg;
	uint8_t		 kind;		/* enum bgp_origin_kind */
	uint8_t		 seg0;		/* type of the only segment */
	uint8_t		 nhfam;		/* next hop family, 0 = none */
	uint8_t		 cls;		/* size class */
	uint8_t		 has_otc;	/* the OTC follows the next hop */
	uint8_t		 router_rpki;	/* enum bgp_router_rpki (RFC 8097) */
	uint32_t	 tail[];
};

/*
 * 16 bytes: keep it so (see the comment atop src/state/rib.c).  The
 * prefix is the shared table's (rib_prefix.c), the tuple the tuple
 * table's, both by 32-bit id; the length and family are copied into the
 * bits so that filters and End-of-RIB sweeps read no prefix.
 */
struct rib_route {
	uint32_t	 pfx;		/* prefix id, one reference */
	uint32_t	 tuple;		/* tuple id, one reference */
	uint32_t	 path_id;	/* 0 without ADD-PATH */
	unsigned	 len:8;		/* the prefix's */
	unsigned	 v6:1;		/* the prefix's family is ADDR_V6 */
	unsigned	 has_path_id:1;
	unsigned	 aspa:2;	/* RIB_ASPA_* */
	unsigned	 aspa_reason:3;	/* enum aspa_reason */
	unsigned	 leak:2;	/* enum bgp_leak */
	unsigned	 state:2;	/* enum rov_state */
	unsigned	 reason:3;	/* enum rov_reason */
	unsigned	 alerted:1;
	unsigned	 has_rpki:1;	/* judged against some VRP set */
	unsigned	 stale:1;	/* adopted after a flap, not yet
					 * re-announced (rib_hold.c) */
};

/*
 * An open-addressing index of tagged uint32 slots (rib_index.c), the
 * route tables' and the prefix tables': nslot slots, linear probing that
 * wraps at nslot, deletion by backward shift (no tombstones), at most 3/4
 * full.  A slot is
 *
 *	tag << bits | value	(0 < value <= mask = 2^bits - 1; 0 = empty)
 *
 * with the tag the low 32 - bits bits of the entry's hash, the home
 * slot the high 32 bits scaled to nslot.  nslot is 2^k or 3 * 2^(k-1)
 * (at least 32: a multiple of 16 slots, one cache line), growing by 3/2
 * then 4/3, so that a grown index is 1/2 to 3/4 full rather than
 * doubling's 3/8 to 3/4: a full table's 577k IPv4 routes (or prefixes)
 * fit 786,432 slots, 3 MiB, instead of 2^20, 4 MiB.  bits is the fewest
 * that hold nslot - 1, so any value under 3/4 nslot fits.
 */
struct rib_index {
	uint32_t	*slot;		/* nslot, or NULL */
	uint32_t	 nslot, mask;
	unsigned	 bits;
};

/*
 * The shared prefix table of one family (rib_prefix.c).  An entry is a
 * uint32 word, the length << 24 | the refcnt (routes naming it, at most
 * RIB_PFX_MAXREF; the word 0: free, and the next free index follows in
 * the address bytes), then the address: 8 bytes for IPv4, 20 for IPv6.
 * A prefix id is its index << 1 | (family is IPv6); index 0 is never
 * used, so id 0 is none.
 */
struct rib_ptab {
	uint8_t		*e;		/* entries by index, cap of them */
	struct rib_index ix;		/* tag | index */
	uint32_t	 cap, high, free, n;
};

#define RIB_PFX_ADDR	4		/* the address's offset in an entry */
#define RIB_PFX_MAXREF	0xffffffu	/* 24 bits: the length has the rest */

/* A route's ASPA verdict in two bits: none, or enum aspa_state + 1. */
#define RIB_ASPA_NONE	0

_Static_assert(sizeof(struct rib_route) == 16, "struct rib_route grew");
_Static_assert(sizeof(struct bgp_as_segment) == 8, "segment size");

/*
 * Where an active walk (rib_query.c) is in one table: routes r[0..j-1]
 * visited, r[j..n-1] not yet.  rib_tab_remove() keeps that split true;
 * rib_tab_drop() sets t to NULL (the table went away).
 */
struct rib_walk_pos {
	struct rib_walk_pos *next;	/* the table's other walks */
	struct rib_table *t;		/* NULL: not in a table */
	uint32_t	 j;
};

struct rib_table {
	struct rib_route *r;		/* n used of cap */
	struct rib_index ix;		/* tag | route index + 1 */
	uint32_t	 n, cap;
	struct rib_walk_pos *walks;	/* active walks, usually none */
};

/* At most this many walks in one table at a time (rib_query_step()
 * waits for a free place): bounds the work of one removal. */
#define RIB_WALKS_MAX	32

struct rib_dir {
	bool		 used;
	struct ipaddr	 src, dst;
	uint16_t	 sport, dport;
	uint32_t	 peer_as;
	uint32_t	 local_as;	/* the receiver's, when known */
	uint32_t	 nstale;	/* routes with rt->stale */
	/* the sender's RFC 9234 role, for the events and ASPA: the
	 * procedure, and re-verification when the ASPA set changes */
	uint8_t		 role;		/* enum bgp_role */
	uint8_t		 role_source;	/* enum bgp_role_source */
	uint8_t		 view;		/* enum bgp_view (BMP) */
	uint32_t	 nstate[3];	/* its routes by enum rov_state
					 * (rib_tally()) */
	struct rib_table t;
};

struct rib_sess {
	uint64_t	 id;
	struct rib_dir	 dir[2];
	/* rib_hold.c: held (down, its routes kept) until deadline; not
	 * held with a deadline: adopted, its stale routes resolved then
	 * unless an End-of-RIB sweeps them first */
	bool		 held;
	int64_t		 since;		/* when held */
	int64_t		 deadline;	/* 0 none */
};

/* One slot of the tuple table: the hash is kept here so that a probe
 * reads a tuple only when the hash matches. */
struct rib_tslot {
	uint32_t	 hash;
	uint32_t	 id;		/* 0 = empty */
};

/* A slab of tuples: this header, then the carved tuples. */
struct rib_slab {
	size_t		 size;
	size_t		 pad;
};

/*
 * Tuple sizes are rounded to a class: 8-byte steps up to 256 bytes (paths
 * of up to 56 ASNs), then powers of two up to 512 KiB (the largest path
 * an UPDATE can carry fits).  A slab holds at most 2 MiB, so a tuple is
 * named by 32 bits: its slab's number and its offset / 8 in the slab.
 */
#define TUPLE_UNIT	8
#define TUPLE_SMALL	32		/* classes 1..32: 8..256 bytes */
#define TUPLE_CLASSES	(TUPLE_SMALL + 11)	/* then 512 B .. 512 KiB */
#define SLAB_SHIFT	18		/* 2 MiB / 8 */
#define SLAB_MAX	((size_t)1 << (32 - SLAB_SHIFT))

/*
 * The tuple cache: a direct-mapped table of recent lookups, (hash, id) by
 * the hash's low bits, 512 KiB, made when the RIB holds TCACHE_MIN tuples
 * (a smaller table is itself this small).  Paths recur (transit ASes):
 * on the full-table capture it answers 63% of the lookups, sparing the
 * table's cache miss; the routes of one UPDATE, which share their
 * tuples, always hit.  An entry is dropped with its tuple.
 */
#define TCACHE_SIZE	((size_t)1 << 16)
#define TCACHE_MIN	8192

struct rib {
	struct rib_sess	**sess;		/* open addressing, smask + 1 */
	size_t		 smask, nsess;
	struct rib_tslot *ttab;		/* open addressing, tnslot */
	size_t		 tnslot, ntuple;
	struct rib_tuple *deferred;	/* released at the next change */
	struct rib_tslot *tcache;	/* TCACHE_SIZE recent lookups */
	struct rib_tuple *tfree[TUPLE_CLASSES + 1];	/* by class */
	struct rib_slab	**slab;		/* nslab of slabcap */
	size_t		 nslab, slabcap;
	size_t		 carve;		/* offset of the free room */
	size_t		 nroutes;
	size_t		 nstate[3];	/* by enum rov_state */
	size_t		 naspa[4];	/* by rib_route.aspa (RIB_ASPA_*) */
	size_t		 nleak[4];	/* by enum bgp_leak */
	size_t		 nheld;		/* sessions held */
	size_t		 nstale;	/* routes with rt->stale */
	int64_t		 hold_next;	/* earliest deadline, 0 none */
	/* the last unknown session id that resumed nothing: its further
	 * messages (withdrawals of routes never stored) skip the scan
	 * until another session is held */
	uint64_t	 noresume_id;
	bool		 noresume;
	struct rib_ptab	 ptab[2];	/* shared prefixes: IPv4, IPv6 */
	size_t		 mem;		/* bytes allocated */
	/* the path an event points to (ev->aspath) */
	struct bgp_aspath evpath;
	struct bgp_as_segment evseg;
};

/*
 * Count a route's verdicts in (sign 1) or out (sign -1) of the tallies
 * the gauges read (rib_counts(), rib_dirs()): before a route's state,
 * ASPA verdict or leak changes, out; after, in.  O(1), so the counts by
 * state, overall and per direction, never need a walk.  d NULL: the
 * direction's own tally is not kept (its table is going away).
 */
static inline void
rib_tally(struct rib *rib, struct rib_dir *d, const struct rib_route *rt,
    int sign)
{
	rib->nstate[rt->state] += (size_t)(ptrdiff_t)sign;
	rib->naspa[rt->aspa] += (size_t)(ptrdiff_t)sign;
	rib->nleak[rt->leak] += (size_t)(ptrdiff_t)sign;
	if (d != NULL)
		d->nstate[rt->state] += (uint32_t)sign;
}

#define RIB_SESS_INIT	16
#define RIB_TUPLE_INIT	256
#define RIB_ROUTE_INIT	16
#define RIB_SLOT_INIT	32		/* a new index's slots */
#define RIB_SLOT_MAXBITS 31		/* the tag needs the 32nd bit */
#define BIG		((size_t)2 << 20)	/* mapped in 2 MiB pages */
#define SLAB_MIN	((size_t)16 << 10)

static inline struct bgp_as_segment *
rib_tuple_segs(struct rib_tuple *a)
{
	return (struct bgp_as_segment *)(void *)a->tail;
}

static inline uint32_t *
rib_tuple_asns(struct rib_tuple *a)
{
	return a->tail + (a->nseg > 1 ? a->nseg * 2u : 0);
}

static inline uint8_t *
rib_tuple_nh(struct rib_tuple *a)
{
	return (uint8_t *)(rib_tuple_asns(a) + a->nasn);
}

static inline size_t
rib_nh_len(uint8_t family)
{
	return family == ADDR_V4 ? 4 : family == ADDR_V6 ? 16 : 0;
}

/* The OTC of a tuple that has one (a->has_otc); the tail is 4-aligned
 * after the 0, 4 or 16 next hop bytes. */
static inline uint32_t
rib_tuple_otc(struct rib_tuple *a)
{
	return *(const uint32_t *)(const void *)(rib_tuple_nh(a) +
	    rib_nh_len(a->nhfam));
}

/* What an announcement interns: its path, next hop and origin. */
struct rib_tuple_key {
	const struct bgp_aspath	*path;
	const uint8_t		*nh;		/* rib_nh_len(nhfam) bytes */
	uint32_t		 origin_as;
	uint8_t			 kind;
	uint8_t			 nhfam;		/* 0 unless v4 or v6 */
	bool			 has_otc;
	uint32_t		 otc;
	uint8_t			 router_rpki;
	uint32_t		 hash;
};

/* A route's key in its table: its prefix's id and its path id; the
 * hash of the whole key (the slot's tag) and of its group (the home
 * slot, rib_tab_home()). */
struct rib_key {
	uint32_t	 pfx;
	uint32_t	 path_id;
	uint8_t		 has_path_id;
	uint8_t		 len, v6;	/* copied into the route */
	uint64_t	 hash, ghash;
};

/*
 * The home slot of a route: prefix ids are given in the order prefixes
 * first arrive, so the 16 ids of a block (id >> 5, the family bit kept)
 * are a run of one table's announcements; their homes are the 16 slots
 * of one cache line, where the block's group hash g puts them, at the
 * id's place in the block.  A session that announces in the order the
 * first one did (a route server's peers sending the same table; any
 * table's first announcements) then fills one index line per 16
 * routes instead of missing the cache on each, and the index stays a
 * hash table for any other order.  The tag is the whole key's hash.
 */
static inline uint32_t
rib_tab_home(const struct rib_table *t, uint64_t g, uint32_t pfx)
{
	return (uint32_t)(((g >> 32) * (t->ix.nslot >> 4)) >> 32) << 4 |
	    (pfx >> 1 & 15u);
}

/* rib_index.c: the tagged uint32 index (struct rib_index). */
static inline uint32_t
rib_ix_home(const struct rib_index *ix, uint64_t h)
{
	return (uint32_t)(((h >> 32) * ix->nslot) >> 32);
}

static inline uint32_t
rib_ix_tag(const struct rib_index *ix, uint64_t h)
{
	return (uint32_t)h << ix->bits;
}

static inline uint32_t
rib_ix_next(const struct rib_index *ix, uint32_t i)
{
	return i + 1 == ix->nslot ? 0 : i + 1;
}

/* How far slot j is from slot i, going forward (wrapping). */
static inline uint32_t
rib_ix_dist(const struct rib_index *ix, uint32_t i, uint32_t j)
{
	return j >= i ? j - i : j + ix->nslot - i;
}

/* The slots of the index after one of nslot: 3/2 of a power of two, or
 * the next power of two (the tuple table grows the same way). */
static inline uint64_t
rib_ix_grown(uint64_t nslot)
{
	return (nslot & (nslot - 1)) == 0 ? nslot / 2 * 3 : nslot / 3 * 4;
}

/* The home of a tuple of hash h in the tuple table (its high bits scaled
 * to tnslot, as rib_ix_home()). */
static inline size_t
rib_tuple_home(const struct rib *rib, uint32_t h)
{
	return (size_t)(((uint64_t)h * rib->tnslot) >> 32);
}

/* Whether n entries leave room for one more (or there is no index). */
static inline bool
rib_ix_full(const struct rib_index *ix, uint32_t n)
{
	return ix->slot == NULL ||
	    ((uint64_t)n + 1) * 4 > (uint64_t)ix->nslot * 3;
}

/*
 * Grow ix to its next size (or make the first) and place every entry
 * again.  next() gives the entries one by one, each as its home slot and
 * its slot value (tag | value) in the new ix, and false after the last.
 * -1 (ix unchanged) when there is no memory or the index is at its
 * largest.
 */
typedef bool	(*rib_ix_next_fn)(void *arg, const struct rib_index *ix,
		    uint32_t *home, uint32_t *v);
int	 rib_ix_grow(struct rib *, struct rib_index *, rib_ix_next_fn,
	    void *arg);
void	 rib_ix_free(struct rib *, struct rib_index *);

/* rib.c: the session table and route events, for rib_hold.c; drop the
 * withdrawn route's tuple kept for the last event. */
void	 rib_settle(struct rib *);
struct rib_sess *rib_sess_find(const struct rib *, uint64_t id);
void	 rib_sess_unlink(struct rib *, struct rib_sess *);	/* from the
	    table only */
int	 rib_sess_link(struct rib *, struct rib_sess *);	/* s->id set */
void	 rib_sess_remove(struct rib *, struct rib_sess *);	/* and free */
/* A resolved event of stored route rt of direction d (why, at ts). */
void	 rib_ev_resolved(struct rib *, struct route_event *, uint64_t id,
	    const struct rib_dir *, const struct rib_route *,
	    enum route_resolve_why, const struct timeval *ts);
/* rib_hold.c: resume a held session with ctx's exact 4-tuple (called
 * for an id the table does not have). */
void	 rib_hold_try_resume(struct rib *, const struct bgp_msg_ctx *);
/* rib_alloc.c: zeroed anonymous memory advised into 2 MiB pages; NULL on
 * failure; munmap() it. */
void	*rib_map_big(size_t n);

/* rib_alloc.c: counted memory (rib->mem), large arrays in 2 MiB pages,
 * tuple slabs by size class. */
void	*rib_alloc(struct rib *, size_t);
void	 rib_dealloc(struct rib *, void *, size_t);
void	*rib_big_alloc(struct rib *, size_t);
void	 rib_big_free(struct rib *, void *, size_t);
void	*rib_big_grow(struct rib *, void *, size_t, size_t);
void	 rib_slabs_release(struct rib *);
struct rib_tuple *rib_tuple_alloc(struct rib *, size_t);
void	 rib_tuple_free(struct rib *, struct rib_tuple *);

/* rib_tuple.c: interning (hash-consing) of path + next hop + origin. */
void	 rib_tuple_key_make(struct rib_tuple_key *, const struct bgp_attrs *);
void	 rib_tuple_path(struct rib_tuple *, struct bgp_aspath *,
	    struct bgp_as_segment *);
struct rib_tuple *rib_tuple_get(struct rib *, const struct rib_tuple_key *);
void	 rib_tuple_put(struct rib *, struct rib_tuple *);

/* rib.c: the session of id, made when absent (for rib_load.c). */
struct rib_sess *rib_sess_make(struct rib *, uint64_t id);

/* rib_prefix.c: the shared prefix table.  The hash of p; the id of p
 * (0: not stored); a new reference to p's id, stored if need be (0 on
 * ENOMEM); drop one; the prefix of an id; free the table. */
uint64_t rib_pfx_hash(const struct prefix *);
void	 rib_pfx_prefetch(const struct rib *, const struct prefix *,
	    uint64_t h);
uint32_t rib_pfx_find(const struct rib *, const struct prefix *, uint64_t h);
uint32_t rib_pfx_get(struct rib *, const struct prefix *, uint64_t h);
void	 rib_pfx_put(struct rib *, uint32_t id);
void	 rib_pfx_prefix(const struct rib *, uint32_t id, struct prefix *);
void	 rib_pfx_release(struct rib *);

/* The size of an entry of prefix table v6 (0 or 1), and the address
 * bytes of prefix id (host bits zero). */
static inline size_t
rib_pfx_esize(unsigned v6)
{
	return RIB_PFX_ADDR + (v6 ? 16 : 4);
}

static inline const uint8_t *
rib_pfx_addr(const struct rib *rib, uint32_t id)
{
	return rib->ptab[id & 1].e + (size_t)(id >> 1) * rib_pfx_esize(id & 1) +
	    RIB_PFX_ADDR;
}

static inline uint8_t
rib_route_family(const struct rib_route *rt)
{
	return rt->v6 ? ADDR_V6 : ADDR_V4;
}

/* A stored tuple by its id (slab << SLAB_SHIFT | offset / 8). */
static inline struct rib_tuple *
rib_tuple_at(const struct rib *rib, uint32_t id)
{
	return (struct rib_tuple *)(void *)((uint8_t *)rib->slab[id >>
	    SLAB_SHIFT] + (size_t)(id & ((1u << SLAB_SHIFT) - 1)) * TUPLE_UNIT);
}

/* rib_table.c: one direction's routes, a dense array and its index.
 * The key of route r whose prefix has id pfx. */
void	 rib_key_make(struct rib_key *, uint32_t pfx, const struct bgp_route *);
struct rib_route *rib_tab_find(const struct rib_table *, const struct rib_key *,
	    uint32_t *);
struct rib_route *rib_tab_insert(struct rib *, struct rib_table *,
	    const struct rib_key *, uint32_t);
void	 rib_tab_remove(struct rib_table *, uint32_t);
void	 rib_tab_drop(struct rib *, struct rib_table *);
void	 rib_tab_clear(struct rib *, struct rib_table *);
/* rib_table.c: a walk enters or leaves a table (struct rib_walk_pos). */
bool	 rib_tab_walk_enter(struct rib_table *, struct rib_walk_pos *);
void	 rib_tab_walk_leave(struct rib_walk_pos *);

/*
 * Revalidation's lookups (rib_reval.c).  rib_reval_verdicts(): the ROV
 * verdicts of t->r[from, to) (at most RIB_REVAL_CHUNK routes) against
 * idx, as v[k] = state | reason << 2 for route from + k; the routes are
 * only read.  rib_route_rov(): one
 * route's full result (rov_check()).
 */
#define RIB_REVAL_CHUNK	65536
/* The verdicts known by prefix id during one rib_revalidate(): per
 * family, origin << 32 | has_origin << 9 | 1 << 8 | verdict, 0 none.
 * init: 0, or -1 (no memory: m NULL, the lookups done without it). */
struct rib_reval_memo {
	uint64_t	*m[2];
	uint32_t	 n[2];
};
int	rib_reval_memo_init(const struct rib *, struct rib_reval_memo *);
void	rib_reval_memo_free(struct rib_reval_memo *);
void	rib_reval_verdicts(const struct rib *, const struct rib_reval_memo *,
	    const struct rib_table *t, uint32_t from, uint32_t to,
	    const struct rov_index *idx, uint8_t *v);
void	rib_route_rov(const struct rib *, const struct rib_route *rt,
	    const struct rov_index *idx, struct rov_result *res);

#endif /* ROVMON_RIB_INTERNAL_H */
