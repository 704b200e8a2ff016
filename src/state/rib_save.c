/*
 * rib_save.c - the RIB as the body of a checkpoint (docs/state.md, "The
 * body"): every tuple, then every session with its two directions and
 * their routes, big-endian, in an order that depends only on the RIB's
 * contents, so that a loaded RIB saves to the same bytes (rib_save.h).
 *
 * The tuples are numbered in the order the route walk first meets them
 * (sessions by ascending id, direction 0 then 1, each table's dense
 * array in order); a route names its tuple by that number.  The walk
 * writes the routes into one buffer and each tuple, on its first use,
 * into another; the tuple buffer, then the routes, make the body.  A
 * small open-addressing map from a tuple's 32-bit id to its number is
 * the only other memory (8 bytes a slot, two slots a tuple).
 *
 * Cost, for the full-table capture's 1.1M routes and 199k tuples: about
 * 15 bytes a route and 45 a tuple, written in one pass (docs/state.md
 * has the measured time).
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "state/rib_internal.h"
#include "state/rib_save.h"

/* ---- a growing buffer ----------------------------------------------- */

/*
 * The buffers are anonymous mappings advised into 2 MiB pages and grown
 * with mremap (no copy): the snapshot of a full table writes ~22 MB into
 * fresh memory, and with 4 KiB pages its page faults cost more than the
 * serialization itself (61 ms against 15, under a hypervisor).
 */
#define BLOB_STEP	((size_t)2 << 20)

static int
blob_reserve(struct rib_blob *b, size_t n)
{
	size_t ncap;
	void *np;

	if (b->p != NULL && b->cap - b->len >= n)
		return 0;
	ncap = b->cap + b->cap / 2;
	if (ncap < b->len + n)
		ncap = b->len + n;
	ncap = (ncap + BLOB_STEP - 1) & ~(BLOB_STEP - 1);
	if (b->p == NULL)
		np = rib_map_big(ncap);
	else if ((np = mremap(b->p, b->cap, ncap, MREMAP_MAYMOVE)) ==
	    MAP_FAILED)
		np = NULL;
	if (np == NULL)
		return -1;
	b->p = np;
	b->cap = ncap;
	return 0;
}

/* The put_* helpers assume blob_reserve() made room. */
static inline void
put_u8(struct rib_blob *b, unsigned v)
{
	b->p[b->len++] = (uint8_t)v;
}

static inline void
put_u16(struct rib_blob *b, unsigned v)
{
	b->p[b->len++] = (uint8_t)(v >> 8);
	b->p[b->len++] = (uint8_t)v;
}

static inline void
put_u32(struct rib_blob *b, uint32_t v)
{
	b->p[b->len++] = (uint8_t)(v >> 24);
	b->p[b->len++] = (uint8_t)(v >> 16);
	b->p[b->len++] = (uint8_t)(v >> 8);
	b->p[b->len++] = (uint8_t)v;
}

static inline void
put_u64(struct rib_blob *b, uint64_t v)
{
	put_u32(b, (uint32_t)(v >> 32));
	put_u32(b, (uint32_t)v);
}

static inline void
put_bytes(struct rib_blob *b, const void *p, size_t n)
{
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
rib_blob_free(struct rib_blob *b)
{
	if (b == NULL)
		return;
	if (b->p != NULL)
		munmap(b->p, b->cap);
	memset(b, 0, sizeof(*b));
}

/* ---- tuple numbers -------------------------------------------------- */

/* Keyed by the tuple's id, which the route holds. */
struct tmap_slot {
	uint32_t	 id;		/* 0 = empty */
	uint32_t	 num;		/* its number in the body */
};

struct tmap {
	struct tmap_slot *s;
	size_t		 mask;
	uint32_t	 next;		/* the next number to give */
	/* the last tuple's: the routes of one UPDATE are neighbours in
	 * their table and share it, so most lookups stop here */
	uint32_t	 last;
	uint32_t	 last_num;
};

static inline size_t
tmap_home(const struct tmap *m, uint32_t id)
{
	return hash_fmix64(id) & m->mask;
}

/* The slot of tuple id: its number, or the empty slot where it goes. */
static struct tmap_slot *
tmap_find(struct tmap *m, uint32_t id)
{
	size_t i;

	for (i = tmap_home(m, id);
	    m->s[i].id != 0 && m->s[i].id != id; i = (i + 1) & m->mask)
		;
	return &m->s[i];
}

/* ---- the body -------------------------------------------------------- */

#define TMAP_AHEAD	16

static int
put_tuple(struct rib_blob *b, struct rib_tuple *a)
{
	const struct bgp_as_segment *segs = rib_tuple_segs(a);
	size_t nh = rib_nh_len(a->nhfam);
	uint32_t i;

	if (blob_reserve(b, 10 + (size_t)a->nseg * 3 + (size_t)a->nasn * 4 +
	    nh + 4) == -1)
		return -1;
	put_u8(b, a->kind);
	put_u8(b, a->nhfam);
	put_u8(b, a->has_otc ? 1 : 0);
	put_u8(b, a->router_rpki);
	put_u32(b, a->origin_as);
	put_u16(b, a->nseg);
	if (a->nseg == 1) {
		put_u8(b, a->seg0);
		put_u16(b, a->nasn);
	} else
		for (i = 0; i < a->nseg; i++) {
			put_u8(b, segs[i].type);
			put_u16(b, segs[i].count);
		}
	for (i = 0; i < a->nasn; i++)
		put_u32(b, rib_tuple_asns(a)[i]);
	if (nh != 0)
		put_bytes(b, rib_tuple_nh(a), nh);
	if (a->has_otc)
		put_u32(b, rib_tuple_otc(a));
	return 0;
}

static void
put_addr(struct rib_blob *b, const struct ipaddr *a, uint8_t family)
{
	put_bytes(b, a->a, family == ADDR_V4 ? 4 : 16);
}

/* One route: two bytes of flags and verdicts, the prefix, the tuple. */
static int
put_route(const struct rib *rib, struct rib_blob *rb, struct rib_blob *tb,
    struct tmap *m, const struct rib_route *rt)
{
	struct tmap_slot *sl;
	uint32_t num;

	if (rt->tuple == m->last)
		num = m->last_num;
	else {
		sl = tmap_find(m, rt->tuple);
		if (sl->id == 0) {
			sl->id = rt->tuple;
			sl->num = m->next++;
			if (put_tuple(tb, rib_tuple_at(rib, rt->tuple)) == -1)
				return -1;
		}
		num = sl->num;
		m->last = rt->tuple;
		m->last_num = num;
	}
	if (blob_reserve(rb, 4 + 4 + 16 + 4) == -1)
		return -1;
	put_u8(rb, rt->state | rt->reason << 2 | rt->has_rpki << 5 |
	    rt->alerted << 6 | rt->has_path_id << 7);
	put_u8(rb, rt->aspa | rt->aspa_reason << 2 | rt->leak << 5 |
	    rt->v6 << 7);
	put_u8(rb, rt->stale);	/* b2 */
	put_u8(rb, rt->len);
	if (rt->has_path_id)
		put_u32(rb, rt->path_id);
	put_bytes(rb, rib_pfx_addr(rib, rt->pfx), (rt->len + 7u) / 8);
	put_u32(rb, num);
	return 0;
}

static int
put_dir(const struct rib *rib, struct rib_blob *rb, struct rib_blob *tb,
    struct tmap *m, const struct rib_dir *d)
{
	uint32_t i;

	if (blob_reserve(rb, 1 + 1 + 32 + 4 + 8 + 2 + 4) == -1)
		return -1;
	put_u8(rb, d->used);
	if (!d->used)
		return 0;
	put_u8(rb, d->src.family);
	put_addr(rb, &d->src, d->src.family);
	put_addr(rb, &d->dst, d->src.family);
	put_u16(rb, d->sport);
	put_u16(rb, d->dport);
	put_u32(rb, d->peer_as);
	put_u32(rb, d->local_as);
	put_u8(rb, d->role);
	put_u8(rb, d->role_source);
	put_u32(rb, d->t.n);
	/*
	 * The map is a few MiB and its slots are read at random: each
	 * would be a cache miss, and so would each route's prefix in the
	 * shared table.  The tuple and prefix ids are in the routes, read
	 * in order, so ask for both of a route TMAP_AHEAD on (the snapshot
	 * of a full table: 50 ms without, see docs/state.md).
	 */
	for (i = 0; i < d->t.n; i++) {
		if (i + TMAP_AHEAD < d->t.n) {
			__builtin_prefetch(&m->s[tmap_home(m,
			    d->t.r[i + TMAP_AHEAD].tuple)]);
			__builtin_prefetch(rib_pfx_addr(rib, d->t.r[i +
			    TMAP_AHEAD].pfx));
		}
		if (put_route(rib, rb, tb, m, &d->t.r[i]) == -1)
			return -1;
	}
	return 0;
}

static int
sess_cmp(const void *x, const void *y)
{
	const struct rib_sess *a = *(const struct rib_sess * const *)x;
	const struct rib_sess *b = *(const struct rib_sess * const *)y;

	return a->id < b->id ? -1 : a->id > b->id;
}

uint64_t
rib_session_id_max(const struct rib *rib)
{
	uint64_t max = 0;
	size_t i;

	for (i = 0; i <= rib->smask; i++)
		if (rib->sess[i] != NULL && rib->sess[i]->id > max)
			max = rib->sess[i]->id;
	return max;
}

/* What one snapshot needs besides its output, kept for the next: the
 * routes' buffer and the tuple map, already faulted in. */
struct rib_saver {
	struct rib_blob	 rb;
	struct tmap_slot *map;
	size_t		 mapcap;	/* slots */
};

struct rib_saver *
rib_saver_new(void)
{
	return calloc(1, sizeof(struct rib_saver));
}

void
rib_saver_free(struct rib_saver *sv)
{
	if (sv == NULL)
		return;
	rib_blob_free(&sv->rb);
	if (sv->map != NULL)
		munmap(sv->map, sv->mapcap * sizeof(*sv->map));
	free(sv);
}

/* A map of at least 2 slots a tuple, emptied. */
static int
saver_map(struct rib_saver *sv, size_t ntuple, struct tmap *m)
{
	size_t cap = 16;

	while (cap < ntuple * 2)
		cap *= 2;
	if (cap > sv->mapcap) {
		if (sv->map != NULL)
			munmap(sv->map, sv->mapcap * sizeof(*sv->map));
		sv->mapcap = 0;
		if ((sv->map = rib_map_big(cap * sizeof(*sv->map))) == NULL)
			return -1;
		sv->mapcap = cap;
	} else
		memset(sv->map, 0, cap * sizeof(*sv->map));
	memset(m, 0, sizeof(*m));
	m->s = sv->map;
	m->mask = cap - 1;
	return 0;
}

int
rib_save_with(struct rib_saver *sv, const struct rib *rib,
    struct rib_blob *out)
{
	struct rib_blob *rb = &sv->rb;
	struct rib_sess **ss = NULL;
	struct tmap m;
	size_t i, n = 0;
	int rc = -1;

	/* out's mapping, if it has one, is written over */
	out->len = 0;
	rb->len = 0;
	if (saver_map(sv, rib->ntuple, &m) == -1 ||
	    (ss = calloc(rib->nsess + 1, sizeof(*ss))) == NULL)
		goto done;
	for (i = 0; i <= rib->smask; i++)
		if (rib->sess[i] != NULL)
			ss[n++] = rib->sess[i];
	qsort(ss, n, sizeof(*ss), sess_cmp);
	/* room for the tuple count; the routes ~15 bytes each */
	if (blob_reserve(out, 4 + rib->ntuple * 48) == -1 ||
	    blob_reserve(rb, 4 + n * 16 + rib->nroutes * 15) == -1)
		goto done;
	out->len = 4;
	put_u32(rb, (uint32_t)n);
	for (i = 0; i < n; i++) {
		if (blob_reserve(rb, 8 + 1 + 16) == -1)
			goto done;
		put_u64(rb, ss[i]->id);
		put_u8(rb, ss[i]->held);
		put_u64(rb, (uint64_t)ss[i]->since);
		put_u64(rb, (uint64_t)ss[i]->deadline);
		if (put_dir(rib, rb, out, &m, &ss[i]->dir[0]) == -1 ||
		    put_dir(rib, rb, out, &m, &ss[i]->dir[1]) == -1)
			goto done;
	}
	if (blob_reserve(out, rb->len) == -1)
		goto done;
	put_bytes(out, rb->p, rb->len);
	out->p[0] = (uint8_t)(m.next >> 24);
	out->p[1] = (uint8_t)(m.next >> 16);
	out->p[2] = (uint8_t)(m.next >> 8);
	out->p[3] = (uint8_t)m.next;
	out->sessions = n;
	out->routes = rib->nroutes;
	out->tuples = m.next;
	rc = 0;
 done:
	if (rc == -1)
		rib_blob_free(out);
	free(ss);
	return rc;
}

int
rib_save(const struct rib *rib, struct rib_blob *out)
{
	struct rib_saver *sv;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((sv = rib_saver_new()) == NULL)
		return -1;
	rc = rib_save_with(sv, rib, out);
	rib_saver_free(sv);
	return rc;
}
