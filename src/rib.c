/*
 * rib.c - Adj-RIB-In per session and direction: route updates in, route
 * changes out.
 *
 * Layout.  Sessions live in an open-addressing table keyed by session_id.
 * Each session has two directions (the first sender seen is dir[0]);
 * each direction owns one route table:
 *
 *   r[]     a dense array of struct rib_route (40 bytes), kept dense by
 *           moving the last route into a removed one's place, so that
 *           revalidation and session-down are plain array walks;
 *   slot[]  an open-addressing index of uint32 (route index + 1, 0 =
 *           empty), linear probing, deletion by backward shift (no
 *           tombstones, so no degradation under churn), at most 3/4
 *           full.  Each route caches its key hash, so growing the index
 *           never rehashes keys and a probe compares keys only on a hash
 *           match.
 *
 * Both arrays grow by doubling; nothing is allocated per route beyond
 * them.  The AS path and next hop of a route are interned together as
 * one refcounted struct rib_attr (hash-consed, chained hash table):
 * real tables share a few hundred thousand paths among a million routes,
 * so a route holds one pointer instead of its path.
 *
 * Cost per route for a full table (1M routes, one direction): 40 bytes
 * of route + 4/load of index (8.4 at 1M routes in 2^21 slots) + the
 * shared attrs, about 60 bytes with 50k distinct paths (test_rib's
 * stress test prints the figure).
 *
 * Pointers into r[] (struct rib_route * handles) move when a route is
 * removed or the array grows: they are valid until the next call that
 * changes the RIB.  The attr of a withdrawn route is kept until the next
 * such call, so the event's ev->aspath stays readable meanwhile.
 */
#include <stdlib.h>
#include <string.h>

#include "rib.h"
#include "stats.h"

/* One interned AS path + next hop.  Owned by the rib's attr table. */
struct rib_attr {
	struct rib_attr	*next;		/* hash chain */
	uint32_t	 hash;
	uint32_t	 refcnt;	/* routes pointing here */
	struct ipaddr	 nh;
	struct bgp_aspath path;		/* seg/asns point into the tail */
	struct bgp_as_segment seg[];	/* path.nseg, then path.nasn ASNs */
};

/* 40 bytes: keep it so (see the top comment). */
struct rib_route {
	uint8_t		 a[16];		/* prefix address, host bits zero */
	struct rib_attr	*attr;		/* one reference */
	uint32_t	 path_id;	/* 0 without ADD-PATH */
	uint32_t	 origin_as;	/* 0 unless kind SEQ or PEER */
	uint32_t	 hash;		/* of the key */
	uint8_t		 family;
	uint8_t		 len;
	uint8_t		 kind:3;	/* enum bgp_origin_kind */
	uint8_t		 state:2;	/* enum rov_state */
	uint8_t		 reason:3;	/* enum rov_reason */
	uint8_t		 alerted:1;
	uint8_t		 has_path_id:1;
	uint8_t		 has_rpki:1;	/* judged against some VRP set */
};

struct rib_table {
	struct rib_route *r;		/* n used of cap */
	uint32_t	*slot;		/* mask + 1 entries */
	uint32_t	 n, cap, mask;
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

struct rib {
	struct rib_sess	**sess;		/* open addressing, smask + 1 */
	size_t		 smask, nsess;
	struct rib_attr	**atab;		/* chains, amask + 1 buckets */
	size_t		 amask, nattr;
	struct rib_attr	*deferred;	/* released at the next change */
	size_t		 nroutes;
	size_t		 nstate[3];	/* by enum rov_state */
	size_t		 mem;		/* bytes allocated */
};

#define RIB_SESS_INIT	16
#define RIB_ATTR_INIT	256
#define RIB_ROUTE_INIT	16

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

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

/* ---- interned AS path + next hop ---------------------------------- */

static size_t
attr_size(const struct bgp_aspath *path)
{
	return sizeof(struct rib_attr) + path->nseg *
	    sizeof(struct bgp_as_segment) + path->nasn * sizeof(uint32_t);
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
attr_hash(const struct bgp_aspath *path, const struct ipaddr *nh)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ path->nseg;
	uint32_t i, j, n;

	for (i = 0; i < path->nseg; i++) {
		n = seg_count(path, i);
		h = mix64(h ^ ((uint64_t)path->seg[i].type << 16 | n));
		for (j = 0; j < n; j++)
			h = (h ^ path->asns[path->seg[i].start + j]) *
			    0x100000001b3ULL;
	}
	h ^= (uint64_t)nh->family << 56;
	if (nh->family != 0)
		h ^= (uint64_t)nh->a[0] << 24 | (uint64_t)nh->a[1] << 16 |
		    (uint64_t)nh->a[2] << 8 | nh->a[3] |
		    (uint64_t)nh->a[15] << 32 | (uint64_t)nh->a[14] << 40;
	return (uint32_t)mix64(h);
}

static bool
nh_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->family != y->family)
		return false;
	if (x->family == 0)
		return true;
	return memcmp(x->a, y->a, x->family == ADDR_V4 ? 4 : 16) == 0;
}

static bool
attr_eq(const struct rib_attr *at, const struct bgp_aspath *path,
    const struct ipaddr *nh)
{
	uint32_t i, n, off = 0;

	if (!nh_eq(&at->nh, nh) || at->path.nseg != path->nseg)
		return false;
	for (i = 0; i < path->nseg; i++) {
		n = seg_count(path, i);
		if (at->seg[i].type != path->seg[i].type ||
		    at->seg[i].count != n)
			return false;
		if (n != 0 && memcmp(&at->path.asns[off],
		    &path->asns[path->seg[i].start], n * sizeof(uint32_t)) != 0)
			return false;
		off += n;
	}
	return true;
}

static int
attr_grow(struct rib *rib)
{
	struct rib_attr **nt, *a, *next;
	size_t i, nmask = rib->amask * 2 + 1;

	if ((nt = rib_alloc(rib, (nmask + 1) * sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i <= rib->amask; i++)
		for (a = rib->atab[i]; a != NULL; a = next) {
			next = a->next;
			a->next = nt[a->hash & nmask];
			nt[a->hash & nmask] = a;
		}
	rib_dealloc(rib, rib->atab, (rib->amask + 1) * sizeof(*nt));
	rib->atab = nt;
	rib->amask = nmask;
	return 0;
}

/* A new reference to the interned copy of (path, nh); NULL on ENOMEM. */
static struct rib_attr *
attr_get(struct rib *rib, const struct bgp_aspath *path,
    const struct ipaddr *nh)
{
	struct rib_attr *a;
	uint32_t h, i, n, nasn = 0;
	uint32_t *asns;

	h = attr_hash(path, nh);
	for (a = rib->atab[h & rib->amask]; a != NULL; a = a->next)
		if (a->hash == h && attr_eq(a, path, nh)) {
			a->refcnt++;
			return a;
		}
	if (rib->nattr >= rib->amask + 1 && attr_grow(rib) == -1)
		return NULL;
	for (i = 0; i < path->nseg; i++)
		nasn += seg_count(path, i);
	if ((a = rib_alloc(rib, sizeof(*a) + path->nseg * sizeof(a->seg[0]) +
	    nasn * sizeof(uint32_t))) == NULL)
		return NULL;
	asns = (uint32_t *)(void *)&a->seg[path->nseg];
	for (i = 0; i < path->nseg; i++) {
		n = seg_count(path, i);
		a->seg[i].type = path->seg[i].type;
		a->seg[i].count = n;
		a->seg[i].start = a->path.nasn;
		if (n != 0)
			memcpy(&asns[a->path.nasn],
			    &path->asns[path->seg[i].start], n * sizeof(*asns));
		a->path.nasn += n;
	}
	a->path.seg = a->seg;
	a->path.nseg = path->nseg;
	a->path.asns = asns;
	a->hash = h;
	a->refcnt = 1;
	a->nh = *nh;
	if (nh->family == ADDR_V4)
		memset(&a->nh.a[4], 0, 12);
	else if (nh->family == 0)
		memset(a->nh.a, 0, sizeof(a->nh.a));
	a->next = rib->atab[h & rib->amask];
	rib->atab[h & rib->amask] = a;
	rib->nattr++;
	return a;
}

static void
attr_put(struct rib *rib, struct rib_attr *a)
{
	struct rib_attr **pp;

	if (a == NULL || --a->refcnt > 0)
		return;
	for (pp = &rib->atab[a->hash & rib->amask]; *pp != a; pp = &(*pp)->next)
		;
	*pp = a->next;
	rib->nattr--;
	rib_dealloc(rib, a, attr_size(&a->path));
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
	bool		 has_path_id;
	uint32_t	 path_id;
	uint32_t	 hash;
};

static void
key_make(struct rib_key *k, const struct bgp_route *r)
{
	uint64_t w0, w1;

	memset(k, 0, sizeof(*k));
	k->family = r->prefix.family;
	k->len = r->prefix.len;
	memcpy(k->a, r->prefix.a, k->family == ADDR_V4 ? 4 : 16);
	k->has_path_id = r->has_path_id;
	k->path_id = r->has_path_id ? r->path_id : 0;
	memcpy(&w0, k->a, 8);
	memcpy(&w1, k->a + 8, 8);
	k->hash = (uint32_t)mix64(w0 ^ mix64(w1 ^ ((uint64_t)k->family << 48 |
	    (uint64_t)k->len << 40 | (uint64_t)k->has_path_id << 32 |
	    k->path_id)));
}

static bool
key_eq(const struct rib_key *k, const struct rib_route *rt)
{
	return rt->hash == k->hash && rt->family == k->family &&
	    rt->len == k->len && rt->path_id == k->path_id &&
	    rt->has_path_id == k->has_path_id &&
	    memcmp(rt->a, k->a, 16) == 0;
}

/* Slot position holding the key (*found), or the empty one ending the
 * probe. */
static uint32_t
tab_find(const struct rib_table *t, const struct rib_key *k, bool *found)
{
	uint32_t i, v;

	*found = false;
	if (t->slot == NULL)
		return 0;
	for (i = k->hash & t->mask; (v = t->slot[i]) != 0;
	    i = (i + 1) & t->mask)
		if (key_eq(k, &t->r[v - 1])) {
			*found = true;
			break;
		}
	return i;
}

static int
tab_grow_index(struct rib *rib, struct rib_table *t)
{
	uint32_t *ns, nmask, i, j;

	nmask = t->slot == NULL ? RIB_ROUTE_INIT * 2 - 1 : t->mask * 2 + 1;
	if ((ns = rib_alloc(rib, ((size_t)nmask + 1) * sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		for (j = t->r[i].hash & nmask; ns[j] != 0; j = (j + 1) & nmask)
			;
		ns[j] = i + 1;
	}
	if (t->slot != NULL)
		rib_dealloc(rib, t->slot, ((size_t)t->mask + 1) * sizeof(*ns));
	t->slot = ns;
	t->mask = nmask;
	return 0;
}

static int
tab_grow_routes(struct rib *rib, struct rib_table *t)
{
	struct rib_route *nr;
	uint32_t ncap;

	if (t->cap > UINT32_MAX / 4)
		return -1;
	ncap = t->cap == 0 ? RIB_ROUTE_INIT : t->cap * 2;
	if ((nr = realloc(t->r, (size_t)ncap * sizeof(*nr))) == NULL)
		return -1;
	rib->mem += (size_t)(ncap - t->cap) * sizeof(*nr);
	t->r = nr;
	t->cap = ncap;
	return 0;
}

/* Append the key's route (fields past the key left zero); NULL on ENOMEM.
 * pos is tab_find()'s answer, recomputed if the index grows. */
static struct rib_route *
tab_insert(struct rib *rib, struct rib_table *t, const struct rib_key *k,
    uint32_t pos)
{
	struct rib_route *rt;
	bool found;

	if (t->n == t->cap && tab_grow_routes(rib, t) == -1)
		return NULL;
	if (t->slot == NULL || ((uint64_t)t->n + 1) * 4 >
	    ((uint64_t)t->mask + 1) * 3) {
		if (tab_grow_index(rib, t) == -1)
			return NULL;
		pos = tab_find(t, k, &found);
	}
	rt = &t->r[t->n];
	memset(rt, 0, sizeof(*rt));
	memcpy(rt->a, k->a, 16);
	rt->family = k->family;
	rt->len = k->len;
	rt->has_path_id = k->has_path_id;
	rt->path_id = k->path_id;
	rt->hash = k->hash;
	t->slot[pos] = ++t->n;
	return rt;
}

/* The slot holding route index idx. */
static uint32_t
tab_slot_of(const struct rib_table *t, uint32_t idx)
{
	uint32_t i;

	for (i = t->r[idx].hash & t->mask; t->slot[i] != idx + 1;
	    i = (i + 1) & t->mask)
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
	uint32_t i, j, home, last;

	i = tab_slot_of(t, idx);
	for (j = (i + 1) & t->mask; t->slot[j] != 0; j = (j + 1) & t->mask) {
		home = t->r[t->slot[j] - 1].hash & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i] = 0;
	last = t->n - 1;
	if (idx != last) {
		t->slot[tab_slot_of(t, last)] = idx + 1;
		t->r[idx] = t->r[last];
	}
	t->n--;
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
	if (t->slot != NULL)
		rib_dealloc(rib, t->slot, ((size_t)t->mask + 1) *
		    sizeof(*t->slot));
	if (t->r != NULL)
		rib_dealloc(rib, t->r, (size_t)t->cap * sizeof(*t->r));
	memset(t, 0, sizeof(*t));
}

/* ---- sessions ------------------------------------------------------ */

static uint32_t
sess_pos(const struct rib *rib, uint64_t id, bool *found)
{
	size_t i;

	*found = false;
	for (i = mix64(id) & rib->smask; rib->sess[i] != NULL;
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
		for (j = mix64(rib->sess[i]->id) & nmask; ns[j] != NULL;
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
		home = mix64(rib->sess[j]->id) & m;
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

static void
ev_route(struct route_event *ev, const struct rib_route *rt)
{
	ev->prefix.family = rt->family;
	ev->prefix.len = rt->len;
	memcpy(ev->prefix.a, rt->a, 16);
	ev->has_path_id = rt->has_path_id;
	ev->path_id = rt->path_id;
	ev->origin_kind = rt->kind;
	ev->origin_as = rt->origin_as;
	ev->aspath = &rt->attr->path;
	ev->next_hop = rt->attr->nh;
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

static bool
kind_has_origin(unsigned kind)
{
	return kind == ORIGIN_AS_SEQ || kind == ORIGIN_AS_PEER;
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
	rib_settle(rib);
	for (i = 0; rib->sess != NULL && i <= rib->smask; i++)
		if (rib->sess[i] != NULL) {
			tab_clear(rib, &rib->sess[i]->dir[0].t);
			tab_clear(rib, &rib->sess[i]->dir[1].t);
			free(rib->sess[i]);
		}
	free(rib->sess);
	free(rib->atab);	/* empty now: every attr had a route */
	free(rib);
}

/* Store the attributes of an announcement in rt; returns whether the
 * origin or the state changed. */
static bool
route_set(struct rib *rib, struct rib_route *rt, const struct bgp_attrs *at,
    const struct rov_result *res)
{
	unsigned kind = at->origin_kind, state, reason;
	uint32_t as = kind_has_origin(kind) ? at->origin_as : 0;
	bool changed;

	state = res != NULL ? res->state : ROV_NOT_FOUND;
	reason = res != NULL ? res->reason : ROV_REASON_NONE;
	changed = rt->kind != kind || rt->origin_as != as ||
	    rt->state != state;
	rib->nstate[rt->state]--;
	rib->nstate[state]++;
	rt->kind = kind;
	rt->origin_as = as;
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
	enum rib_change ch;
	uint32_t pos;
	bool found, changed;

	rib_settle(rib);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_ANNOUNCE;
	if (rtp != NULL)
		*rtp = NULL;
	if ((s = sess_create(rib, ctx->session_id)) == NULL)
		goto nomem;
	d = dir_find(s, ctx, true);
	if (ctx->peer_as != 0)
		d->peer_as = ctx->peer_as;
	if ((a = attr_get(rib, &at->aspath, &at->next_hop)) == NULL)
		goto nomem;
	key_make(&k, r);
	pos = tab_find(&d->t, &k, &found);
	if (found) {
		rt = &d->t.r[d->t.slot[pos] - 1];
		ev->has_prev = true;
		ev->prev_state = rt->state;
		ev->prev_origin_as = rt->origin_as;
		changed = route_set(rib, rt, at, res);
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
		route_set(rib, rt, at, res);
		ch = RIB_NEW;
	}
	rt->attr = a;
	ev_route(ev, rt);
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
	struct rib_route *rt;
	struct rib_key k;
	uint32_t pos = 0, idx;
	bool found = false;

	rib_settle(rib);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_WITHDRAW;
	if (alerted != NULL)
		*alerted = false;
	if ((s = sess_lookup(rib, ctx->session_id)) != NULL &&
	    (d = dir_find(s, ctx, false)) != NULL) {
		key_make(&k, r);
		pos = tab_find(&d->t, &k, &found);
	}
	if (!found) {
		STAT_INC(rib_withdraw_absent);
		return false;
	}
	idx = d->t.slot[pos] - 1;
	rt = &d->t.r[idx];
	ev_route(ev, rt);
	ev->prev_state = rt->state;
	ev->prev_origin_as = rt->origin_as;
	if (alerted != NULL)
		*alerted = rt->alerted;
	/* ev->aspath points into the attr: keep it until the next call */
	rib->deferred = rt->attr;
	rib->nstate[rt->state]--;
	rib->nroutes--;
	tab_remove(&d->t, idx);
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
			ev_route(&ev, &d->t.r[i]);
			ev.has_prev = true;
			ev.prev_state = d->t.r[i].state;
			ev.prev_origin_as = d->t.r[i].origin_as;
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

	memset(&p, 0, sizeof(p));
	for (i = 0; i < d->t.n; i++) {
		rt = &d->t.r[i];
		old = rt->state;
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
		rov_check(idx, &p, kind_has_origin(rt->kind), rt->origin_as,
		    &res);
		rt->has_rpki = 1;
		rt->state = res.state;
		rt->reason = res.reason;
		rib->nstate[res.state]++;
		if (res.state == old)
			continue;
		n++;
		if (cb == NULL)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.kind = RTEV_REVALIDATE;
		if (ts != NULL)
			ev.ts = *ts;
		ev_dir(&ev, id, d);
		ev_route(&ev, rt);
		ev.rpki = res;
		ev.vrp_generation = gen;
		ev.has_prev = true;
		ev.prev_state = old;
		ev.prev_origin_as = rt->origin_as;
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
