/*
 * rov_check.c - the ROV lookup: rov_check() over an index built by
 * rov.c (how a lookup works, and why it is correct: the essay atop
 * src/rpki/rov.c), and the names of states and reasons.  It only reads the
 * index, so any number of threads may share one.
 */
#include <string.h>

#include "rpki/rov_internal.h"

/* IPv6 order on (hi, lo, len): r <= route? */
static inline bool
le6(const struct rov_rec6 *r, uint64_t hi, uint64_t lo, unsigned len)
{
	if (r->hi != hi)
		return r->hi < hi;
	if (r->lo != lo)
		return r->lo < lo;
	return rlen(r->pl) <= len;
}

/* ---- the search tree ---------------------------------------------- */

/* How many of the 8 keys at p are <= rk. */
static inline uint32_t
tree_rank(const uint64_t *p, uint64_t rk)
{
	uint32_t c = 0, m;

	for (m = 0; m < TREE_B; m++)
		c += p[m] <= rk;
	return c;
}

/* The index of the last key <= rk, or NO_NODE.  One line per level;
 * the top levels stay in cache. */
static inline uint32_t
tree_search(const struct rov_tree *t, uint64_t rk)
{
	uint32_t k = 0, c;
	unsigned l;

	if (t->n == 0)
		return NO_NODE;
	for (l = t->height; l >= 1; l--) {
		c = tree_rank(&t->node[((size_t)t->off[l] + k) * TREE_B], rk);
		k = k * TREE_FAN + c;
		if (k >= t->count[l - 1])	/* rk beyond the padding */
			k = t->count[l - 1] - 1;
	}
	c = tree_rank(&t->key[(size_t)k * TREE_B], rk);
	if (c == 0)
		return NO_NODE;	/* only in leaf 0: every key is > rk */
	k = k * TREE_B + c - 1;
	return k < t->n ? k : t->n - 1;
}

/*
 * The last key <= rk in the bucket [lo, hi), or NO_NODE: a branch-free
 * binary search for small buckets (a line or two of keys), the tree for
 * big ones (IPv6 space is clumpy: thousands of prefixes under one /21).
 */
#define BUCKET_SMALL	32

static inline uint32_t
bucket_search(const struct rov_tree *t, uint64_t rk, uint32_t lo,
    uint32_t hi)
{
	const uint64_t *key = t->key;
	uint32_t base = lo, n = hi - lo, half, i;

	if (n > BUCKET_SMALL) {
		i = tree_search(t, rk);
		return i != NO_NODE && i >= lo ? i : NO_NODE;
	}
	if (n == 0 || key[lo] > rk)
		return NO_NODE;
	while (n > 1) {
		half = n / 2;
		base = key[base + half] <= rk ? base + half : base;
		n -= half;
	}
	return base;
}

/* ---- lookup -------------------------------------------------------- */

/* The RFC 6811 tally over the covering VRPs, most specific first. */
struct tally {
	const struct vrp *match[ROV_MAX_DECIDING];
	unsigned	 nmatch;
	bool		 non_as0, short_len;
};

static inline void
tally_vrp(struct tally *t, struct rov_result *res, const struct vrp *v,
    uint32_t asn, unsigned maxlen, bool has_origin, uint32_t origin,
    unsigned len)
{
	if (res->ncovering < ROV_MAX_DECIDING)
		res->vrps[res->ncovering] = v;
	res->ncovering++;
	if (asn == 0)
		return;
	t->non_as0 = true;
	if (!has_origin || asn != origin)
		return;
	if (len <= maxlen) {
		if (t->nmatch < ROV_MAX_DECIDING)
			t->match[t->nmatch] = v;
		t->nmatch++;
	} else
		t->short_len = true;
}

/* Step 3 for IPv4 from the covering record i. */
static void
walk4(const struct rov_index *ri, uint32_t i, unsigned len,
    bool has_origin, uint32_t origin, struct rov_result *res,
    struct tally *t)
{
	const struct vrp *v = ri->set->v;
	const struct rov_rec4 *r;
	uint32_t j, first, end;

	for (; i != NO_NODE; i = rparent(r->pl)) {
		r = &ri->r4[i];
		first = r->fm >> 8;
		tally_vrp(t, res, &v[first], r->asn, r->fm & 0x7f, has_origin,
		    origin, len);
		if ((r->fm & MORE4) == 0)
			continue;
		end = ri->r4[i + 1].fm >> 8;
		for (j = first + 1; j < end; j++)
			tally_vrp(t, res, &v[j], ri->vd[j].asn,
			    ri->vd[j].maxlen, has_origin, origin, len);
	}
}

static void
walk6(const struct rov_index *ri, uint32_t i, unsigned len,
    bool has_origin, uint32_t origin, struct rov_result *res,
    struct tally *t)
{
	const struct vrp *v = ri->set->v;
	const struct rov_rec6 *r;
	uint32_t j, first;

	for (; i != NO_NODE; i = rparent(r->pl)) {
		r = &ri->r6[i];
		first = r->fm >> 8;
		tally_vrp(t, res, &v[first], r->asn, r->fm & 0xff, has_origin,
		    origin, len);
		for (j = first + 1; j < first + r->nvrp; j++)
			tally_vrp(t, res, &v[j], ri->vd[j].asn,
			    ri->vd[j].maxlen, has_origin, origin, len);
	}
}

/* The verdict from the tally of a route some record covers. */
static void
decide(const struct tally *t, bool has_origin, struct rov_result *res)
{
	unsigned k;

	if (t->nmatch > 0) {
		res->state = ROV_VALID;
		res->nvrps = t->nmatch < ROV_MAX_DECIDING ? t->nmatch :
		    ROV_MAX_DECIDING;
		for (k = 0; k < res->nvrps; k++)
			res->vrps[k] = t->match[k];
		return;
	}
	res->state = ROV_INVALID;
	res->nvrps = res->ncovering < ROV_MAX_DECIDING ? res->ncovering :
	    ROV_MAX_DECIDING;
	if (!t->non_as0)
		res->reason = ROV_REASON_AS0;
	else if (t->short_len)
		res->reason = ROV_REASON_LENGTH;
	else if (!has_origin)
		res->reason = ROV_REASON_AS_SET;
	else
		res->reason = ROV_REASON_AS;
}

void
rov_check(const struct rov_index *ri, const struct prefix *p,
    bool has_origin, uint32_t origin, struct rov_result *res)
{
	const struct rov_jump *jp;
	struct tally t;
	uint64_t rhi, rlo;
	uint32_t i, addr, b;
	unsigned len = p->len;

	res->state = ROV_NOT_FOUND;
	res->reason = ROV_REASON_NONE;
	res->nvrps = 0;
	res->ncovering = 0;
	if (ri == NULL || (p->family != ADDR_V4 && p->family != ADDR_V6) ||
	    len > addr_maxlen(p->family))
		return;
	t.nmatch = 0;
	t.non_as0 = t.short_len = false;

	/* 1, 2: the most specific covering record; 3: the VRPs. */
	if (p->family == ADDR_V4) {
		addr = be32(p->a) & mask32(len);
		jp = &ri->j4[bucket4(addr)];
		/* the bucket's first records and its cover are likely
		 * what the walk reads: fetch them while the keys come */
		__builtin_prefetch(&ri->r4[jp[0].first]);
		if (jp[0].cover != NO_NODE)
			__builtin_prefetch(&ri->r4[jp[0].cover]);
		i = bucket_search(&ri->t4, (uint64_t)addr << 8 | len,
		    jp[0].first, jp[1].first);
		if (i == NO_NODE)
			i = jp[0].cover;
		while (i != NO_NODE && !covers4(&ri->r4[i], addr, len))
			i = rparent(ri->r4[i].pl);
		if (i == NO_NODE)
			return;
		walk4(ri, i, len, has_origin, origin, res, &t);
	} else {
		prefix_words(p, &rhi, &rlo);
		b = bucket6(rhi);
		jp = &ri->j6[b];
		if (jp[0].cover != NO_NODE)
			__builtin_prefetch(&ri->r6[jp[0].cover]);
		i = bucket_search(&ri->t6, rhi, jp[0].first, jp[1].first);
		/* the tree orders on the top 64 bits: step back over the
		 * records that tie on them and sort after the route */
		while (i != NO_NODE && i >= jp[0].first &&
		    ri->r6[i].hi == rhi && !le6(&ri->r6[i], rhi, rlo, len))
			i = i > 0 ? i - 1 : NO_NODE;
		if (i == NO_NODE || i < jp[0].first)
			i = jp[0].cover;
		while (i != NO_NODE && !covers6(&ri->r6[i], rhi, rlo, len))
			i = rparent(ri->r6[i].pl);
		if (i == NO_NODE)
			return;
		walk6(ri, i, len, has_origin, origin, res, &t);
	}

	/* The deciding VRPs are printed next (route log, alerts): start
	 * fetching the first one now, the rest of the path runs meanwhile. */
	if (res->ncovering > 0)	/* always, past a covering record */
		__builtin_prefetch(t.nmatch > 0 ? t.match[0] : res->vrps[0]);
	decide(&t, has_origin, res);
}

/* ---- batched lookup ------------------------------------------------ */

/*
 * rov_check_batch() runs rov_check()'s lookups as small state machines,
 * up to ROV_WINDOW of them interleaved (AMAC, "asynchronous memory
 * access chaining", Kocberber et al., VLDB 2015).  A step reads only
 * what the previous step of the same lookup prefetched and ends by
 * prefetching what its next step reads (the jump entry, the bucket's
 * key lines or one tree node, a record, the extra VRPs of a record);
 * meanwhile the loop steps the other lookups of the window, so up to
 * ROV_WINDOW misses are in flight instead of one.  A finished lookup
 * gives its place to the next route of the batch.  Each step is the
 * matching part of rov_check() above, in the same order, so the results
 * are the same (tests/unit/test_rov.c compares them on millions of
 * routes).  Unlike rov_check() it does not prefetch the deciding VRP:
 * a batch's caller reads few of them (revalidation: those of the routes
 * that changed).
 */
/* Lookups in flight: Zen 4 tracks about two dozen L1 misses at once,
 * and the hardware prefetcher takes some; 8, 12, 24 and 32 measured no
 * better (bench_rov, a bench build with -DROV_WINDOW=N). */
#ifndef ROV_WINDOW
#define ROV_WINDOW	16
#endif

enum lk_step {
	LK_JUMP,	/* the jump entries were prefetched */
	LK_KEYS,	/* the bucket's keys (a small bucket) */
	LK_TREE,	/* one inner node of the tree */
	LK_LEAF,	/* a leaf of the tree */
	LK_TIE,		/* IPv6: a record that may tie on the top bits */
	LK_FIND,	/* a record that may not cover the route (step 2) */
	LK_WALK,	/* a covering record (step 3) */
	LK_MORE,	/* its VRPs past the first */
	LK_DONE,
};

struct lk {
	uint64_t	 hi, lo;	/* the route; IPv4: hi = address */
	uint64_t	 rk;		/* its search key */
	const struct rov_tree *tree;
	struct rov_result *res;
	uint32_t	 i;		/* record, tree node, or bucket */
	uint32_t	 first, end;	/* the bucket's records */
	uint32_t	 cover;
	uint32_t	 origin;
	unsigned	 len, level;
	bool		 v6, has_origin;
	enum lk_step	 step;
	struct tally	 t;
};

static inline void
prefetch_lines(const void *from, const void *to)
{
	const char *p = (const char *)((uintptr_t)from & ~(uintptr_t)63);

	for (; p <= (const char *)to; p += 64)
		__builtin_prefetch(p);
}

/* The record i of the lookup's family. */
static inline const void *
lk_rec(const struct rov_index *ri, const struct lk *l, uint32_t i)
{
	return l->v6 ? (const void *)&ri->r6[i] : (const void *)&ri->r4[i];
}

/* Go on from record i (or NO_NODE) at `step`, fetching it. */
static inline void
lk_goto(const struct rov_index *ri, struct lk *l, uint32_t i,
    enum lk_step step)
{
	l->i = i;
	if (i == NO_NODE) {
		l->step = LK_DONE;	/* nothing covers: NOT_FOUND */
		return;
	}
	__builtin_prefetch(lk_rec(ri, l, i));
	l->step = step;
}

/* Start lookup of p: rov_check()'s checks, then fetch the jump entry. */
static void
lk_start(const struct rov_index *ri, struct lk *l, const struct prefix *p,
    bool has_origin, uint32_t origin, struct rov_result *res)
{
	const struct rov_jump *jp;

	res->state = ROV_NOT_FOUND;
	res->reason = ROV_REASON_NONE;
	res->nvrps = 0;
	res->ncovering = 0;
	l->res = res;
	l->step = LK_DONE;
	if (ri == NULL || (p->family != ADDR_V4 && p->family != ADDR_V6) ||
	    p->len > addr_maxlen(p->family))
		return;
	l->len = p->len;
	l->has_origin = has_origin;
	l->origin = origin;
	l->t.nmatch = 0;
	l->t.non_as0 = l->t.short_len = false;
	l->v6 = p->family == ADDR_V6;
	if (!l->v6) {
		l->hi = be32(p->a) & mask32(p->len);
		l->lo = 0;
		l->rk = l->hi << 8 | p->len;
		l->tree = &ri->t4;
		l->i = bucket4((uint32_t)l->hi);
		jp = &ri->j4[l->i];
	} else {
		prefix_words(p, &l->hi, &l->lo);
		l->rk = l->hi;
		l->tree = &ri->t6;
		l->i = bucket6(l->hi);
		jp = &ri->j6[l->i];
	}
	prefetch_lines(jp, jp + 1);
	l->step = LK_JUMP;
}

/* The bucket search found i (NO_NODE: no record of the bucket <= R). */
static void
lk_found(const struct rov_index *ri, struct lk *l, uint32_t i)
{
	if (i == NO_NODE)
		lk_goto(ri, l, l->cover, LK_FIND);
	else
		lk_goto(ri, l, i, l->v6 ? LK_TIE : LK_FIND);
}

static void
lk_jump(const struct rov_index *ri, struct lk *l)
{
	const struct rov_jump *jp = l->v6 ? &ri->j6[l->i] : &ri->j4[l->i];
	const struct rov_tree *t = l->tree;

	l->first = jp[0].first;
	l->end = jp[1].first;
	l->cover = jp[0].cover;
	if (l->end - l->first > BUCKET_SMALL) {
		/* tree_search(), one level per step */
		l->i = 0;
		l->level = t->height;
		if (l->level == 0) {
			__builtin_prefetch(t->key);
			l->step = LK_LEAF;
		} else {
			__builtin_prefetch(&t->node[(size_t)t->off[l->level] *
			    TREE_B]);
			l->step = LK_TREE;
		}
		return;
	}
	if (l->end == l->first) {
		lk_found(ri, l, NO_NODE);
		return;
	}
	prefetch_lines(&t->key[l->first], &t->key[l->end - 1]);
	/* as in rov_check(): the records the walk likely reads */
	if (!l->v6)
		__builtin_prefetch(&ri->r4[l->first]);
	if (l->cover != NO_NODE)
		__builtin_prefetch(lk_rec(ri, l, l->cover));
	l->step = LK_KEYS;
}

/* bucket_search()'s small case. */
static void
lk_keys(const struct rov_index *ri, struct lk *l)
{
	const uint64_t *key = l->tree->key;
	uint32_t base = l->first, n = l->end - l->first, half;

	if (key[base] > l->rk) {
		lk_found(ri, l, NO_NODE);
		return;
	}
	while (n > 1) {
		half = n / 2;
		base = key[base + half] <= l->rk ? base + half : base;
		n -= half;
	}
	lk_found(ri, l, base);
}

/* tree_search(), one inner level. */
static void
lk_tree(struct lk *l)
{
	const struct rov_tree *t = l->tree;
	uint32_t c, k = l->i;

	c = tree_rank(&t->node[((size_t)t->off[l->level] + k) * TREE_B],
	    l->rk);
	k = k * TREE_FAN + c;
	if (k >= t->count[l->level - 1])
		k = t->count[l->level - 1] - 1;
	l->i = k;
	if (--l->level >= 1) {
		__builtin_prefetch(&t->node[((size_t)t->off[l->level] + k) *
		    TREE_B]);
		return;
	}
	__builtin_prefetch(&t->key[(size_t)k * TREE_B]);
	l->step = LK_LEAF;
}

/* tree_search()'s leaf, then bucket_search()'s check. */
static void
lk_leaf(const struct rov_index *ri, struct lk *l)
{
	const struct rov_tree *t = l->tree;
	uint32_t c, k = l->i, i;

	c = tree_rank(&t->key[(size_t)k * TREE_B], l->rk);
	if (c == 0)
		i = NO_NODE;
	else {
		i = k * TREE_B + c - 1;
		if (i >= t->n)
			i = t->n - 1;
	}
	lk_found(ri, l, i != NO_NODE && i >= l->first ? i : NO_NODE);
}

/* IPv6: step back over the records that tie on the top 64 bits.  True
 * when l->i is the record to go on from, already here. */
static bool
lk_tie(const struct rov_index *ri, struct lk *l)
{
	uint32_t i = l->i;

	if (i >= l->first && ri->r6[i].hi == l->hi &&
	    !le6(&ri->r6[i], l->hi, l->lo, l->len)) {
		i = i > 0 ? i - 1 : NO_NODE;
		if (i == NO_NODE || i < l->first)
			lk_goto(ri, l, l->cover, LK_FIND);
		else
			lk_goto(ri, l, i, LK_TIE);
		return false;
	}
	l->step = LK_FIND;
	return true;
}

/* Step 2: past the records that do not cover R.  True: i covers. */
static bool
lk_find(const struct rov_index *ri, struct lk *l)
{
	uint32_t i = l->i;
	bool cov;

	if (l->v6)
		cov = covers6(&ri->r6[i], l->hi, l->lo, l->len);
	else
		cov = covers4(&ri->r4[i], (uint32_t)l->hi, l->len);
	if (cov) {
		l->step = LK_WALK;
		return true;
	}
	lk_goto(ri, l, rparent(l->v6 ? ri->r6[i].pl : ri->r4[i].pl),
	    LK_FIND);
	return false;
}

/* Step 3, walk4()/walk6() one record at a time: its first VRP; the
 * others (vd[]) in their own step. */
static void
lk_walk(const struct rov_index *ri, struct lk *l)
{
	const struct vrp *v = ri->set->v;
	uint32_t i = l->i, first, pl;
	bool more;

	if (l->v6) {
		const struct rov_rec6 *r = &ri->r6[i];

		first = r->fm >> 8;
		tally_vrp(&l->t, l->res, &v[first], r->asn, r->fm & 0xff,
		    l->has_origin, l->origin, l->len);
		more = r->nvrp > 1;
		pl = r->pl;
	} else {
		const struct rov_rec4 *r = &ri->r4[i];

		first = r->fm >> 8;
		tally_vrp(&l->t, l->res, &v[first], r->asn, r->fm & 0x7f,
		    l->has_origin, l->origin, l->len);
		more = (r->fm & MORE4) != 0;
		pl = r->pl;
		if (more)
			__builtin_prefetch(&ri->r4[i + 1]);
	}
	if (more) {
		__builtin_prefetch(&ri->vd[first + 1]);
		l->step = LK_MORE;
		return;
	}
	if (rparent(pl) == NO_NODE)
		l->step = LK_DONE;
	else
		lk_goto(ri, l, rparent(pl), LK_WALK);
}

static void
lk_more(const struct rov_index *ri, struct lk *l)
{
	const struct vrp *v = ri->set->v;
	uint32_t i = l->i, j, first, end, pl;

	if (l->v6) {
		first = ri->r6[i].fm >> 8;
		end = first + ri->r6[i].nvrp;
		pl = ri->r6[i].pl;
	} else {
		first = ri->r4[i].fm >> 8;
		end = ri->r4[i + 1].fm >> 8;
		pl = ri->r4[i].pl;
	}
	for (j = first + 1; j < end; j++)
		tally_vrp(&l->t, l->res, &v[j], ri->vd[j].asn,
		    ri->vd[j].maxlen, l->has_origin, l->origin, l->len);
	if (rparent(pl) == NO_NODE)
		l->step = LK_DONE;
	else
		lk_goto(ri, l, rparent(pl), LK_WALK);
}

/* One step of lookup l; true when it is done. */
static bool
lk_step(const struct rov_index *ri, struct lk *l)
{
	switch (l->step) {
	case LK_JUMP:
		lk_jump(ri, l);
		break;
	case LK_KEYS:
		lk_keys(ri, l);
		break;
	case LK_TREE:
		lk_tree(l);
		break;
	case LK_LEAF:
		lk_leaf(ri, l);
		break;
	case LK_TIE:
		/* the record is here once the ties are passed: on at once */
		if (lk_tie(ri, l) && lk_find(ri, l))
			lk_walk(ri, l);
		break;
	case LK_FIND:
		if (lk_find(ri, l))
			lk_walk(ri, l);	/* the same record, here */
		break;
	case LK_WALK:
		lk_walk(ri, l);
		break;
	case LK_MORE:
		lk_more(ri, l);
		break;
	case LK_DONE:
		break;
	}
	return l->step == LK_DONE;
}

void
rov_check_batch(const struct rov_index *ri, const struct prefix *const *p,
    size_t n, const bool *has_origin, const uint32_t *origin,
    struct rov_result *out)
{
	struct lk win[ROV_WINDOW];
	size_t next = 0;
	unsigned live = 0, s;

	/* Fill the window; a lookup that ends at its start (a bad
	 * prefix, no index) leaves its place to the next. */
	for (; live < ROV_WINDOW && next < n; next++) {
		lk_start(ri, &win[live], p[next], has_origin[next],
		    origin[next], &out[next]);
		if (win[live].step != LK_DONE)
			live++;
	}
	while (live > 0) {
		for (s = 0; s < live; s++) {
			if (!lk_step(ri, &win[s]))
				continue;
			if (win[s].res->ncovering > 0)
				decide(&win[s].t, win[s].has_origin,
				    win[s].res);
			/* its place: the next route, else the window's
			 * last lookup (stepped in the next round) */
			for (;;) {
				if (next == n) {
					win[s] = win[--live];
					break;
				}
				lk_start(ri, &win[s], p[next],
				    has_origin[next], origin[next],
				    &out[next]);
				next++;
				if (win[s].step != LK_DONE)
					break;
			}
		}
	}
}

const char *
rov_state_name(enum rov_state s)
{
	switch (s) {
	case ROV_VALID:
		return "valid";
	case ROV_INVALID:
		return "invalid";
	case ROV_NOT_FOUND:
	default:
		return "not-found";
	}
}

const char *
rov_reason_name(enum rov_reason r)
{
	switch (r) {
	case ROV_REASON_AS:
		return "as";
	case ROV_REASON_LENGTH:
		return "length";
	case ROV_REASON_AS0:
		return "as0";
	case ROV_REASON_AS_SET:
		return "as_set";
	case ROV_REASON_NONE:
	default:
		return NULL;
	}
}
