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

void
rov_check(const struct rov_index *ri, const struct prefix *p,
    bool has_origin, uint32_t origin, struct rov_result *res)
{
	const struct rov_jump *jp;
	struct tally t;
	uint64_t rhi, rlo;
	uint32_t i, addr, b;
	unsigned len = p->len, k;

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
	if (t.nmatch > 0) {
		res->state = ROV_VALID;
		res->nvrps = t.nmatch < ROV_MAX_DECIDING ? t.nmatch :
		    ROV_MAX_DECIDING;
		for (k = 0; k < res->nvrps; k++)
			res->vrps[k] = t.match[k];
		return;
	}
	res->state = ROV_INVALID;
	res->nvrps = res->ncovering < ROV_MAX_DECIDING ? res->ncovering :
	    ROV_MAX_DECIDING;
	if (!t.non_as0)
		res->reason = ROV_REASON_AS0;
	else if (t.short_len)
		res->reason = ROV_REASON_LENGTH;
	else if (!has_origin)
		res->reason = ROV_REASON_AS_SET;
	else
		res->reason = ROV_REASON_AS;
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
