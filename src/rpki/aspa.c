/*
 * aspa.c - the ASPA hop index and AS path verification
 * (draft-ietf-sidrops-aspa-verification-28; docs/aspa.md says which
 * revision, what it decides and the two points the issue settles).
 *
 * What the index stores
 * ---------------------
 * One slot per customer AS in an open-addressing hash table (linear
 * probing, load factor <= 1/2, power-of-two size, murmur3's fmix64 of the
 * ASN as the hash), and for each customer the sorted, duplicate-free
 * union of the provider sets of all its records (a customer may hold one
 * ASPA per trust anchor: the draft's U-SPAS, section 5.3) as a run in
 * one shared pool:
 *
 *	slot:  customer | first | n      12 bytes, customer 0 = empty
 *	pool:  providers of customer c at pool[first .. first + n)
 *
 * and a 65,536-bit filter of the customers (one bit per customer's
 * multiplicative hash; 8 KiB): a hop from an AS whose bit is clear has
 * no attestation without a probe of the table.
 *
 * Customer AS 0 is never stored (aspa_list_add refuses it, build skips
 * it), which is what lets 0 mark an empty slot.  Provider AS 0 is
 * stored (an "AS0 ASPA" says the customer has no provider; `rovctl aspa
 * show` prints it) but never authorises: hop(c, 0) is "not provider+"
 * for a customer with an ASPA, as the draft's section 4 requires ("an
 * unexpected presence of AS 0 has no influence").
 *
 * Cost
 * ----
 * A hop lookup is one hash probe (expected 1.5 slots at load 1/2, in one
 * cache line) and a scan of the customer's run: linear up to
 * ASPA_LINEAR runs, a binary search beyond (the 2025-07-20 snapshot's
 * 100 ASPAs have 1 to 55 providers, median 3).  Building is
 * O(records log records + providers log providers).  docs/aspa.md has
 * the measured throughput and why not a hash of (customer, provider)
 * pairs.
 *
 * Invariants: the index is immutable once built and owns its arrays; it
 * keeps no pointer into the aspa_list it was built from.
 *
 * Verification allocates nothing.  The COMPRESSED_AS_PATH of the draft
 * (consecutive duplicates removed, AS(1) the origin, AS(N) the
 * neighbour's) is copied onto the stack once (struct cpath, up to
 * ASPA_PATH_FAST ASNs), and each position's slot is looked up once, all
 * of them before any hop is judged: the table lines are prefetched
 * together (their misses overlap instead of following one another), the
 * filter spares the probe for ASes without ASPA, and one lookup serves
 * the hop that starts there in either ramp.  A longer path is walked in
 * place by pathwalk below (the same answers, one lookup per hop).
 */
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "rpki/aspa.h"

#define ASPA_LINEAR	16	/* runs up to this are scanned linearly */
#define ASPA_PATH_FAST	256	/* paths up to this are copied out */

struct aspa_slot {
	uint32_t	 customer;	/* 0: empty */
	uint32_t	 first;		/* into pool */
	uint32_t	 n;
};

/* A filter of the customers: bit FILTER_BIT(asn) is set for each.  8 KiB
 * that stay in L1: with few customers (today's real sets) most hops
 * start at an AS without ASPA, answered here without a hash probe. */
#define FILTER_BITS	16
#define FILTER_BIT(asn)	((uint32_t)((asn) * 0x9e3779b1u) >> (32 - FILTER_BITS))

struct aspa_index {
	uint64_t	 filter[(1u << FILTER_BITS) / 64];
	struct aspa_slot *slot;
	size_t		 mask;		/* slots - 1 */
	size_t		 ncust;
	uint32_t	*pool;
	size_t		 npool;
};

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static inline bool
in_filter(const struct aspa_index *ix, uint32_t asn)
{
	uint32_t b = FILTER_BIT(asn);

	return (ix->filter[b / 64] >> (b % 64) & 1) != 0;
}

/* customer's home slot: where its probe starts. */
static inline size_t
home_slot(const struct aspa_index *ix, uint32_t customer)
{
	return (size_t)hash_fmix64(customer) & ix->mask;
}

/* The probe from slot i on: customer's slot, NULL at an empty one. */
static inline const struct aspa_slot *
probe_from(const struct aspa_index *ix, uint32_t customer, size_t i)
{
	for (;;) {
		const struct aspa_slot *s = &ix->slot[i];

		if (s->customer == customer)
			return s->customer != 0 ? s : NULL;
		if (s->customer == 0)
			return NULL;
		i = (i + 1) & ix->mask;
	}
}

static const struct aspa_slot *
find_slot(const struct aspa_index *ix, uint32_t customer)
{
	if (ix == NULL || customer == 0 || !in_filter(ix, customer))
		return NULL;
	return probe_from(ix, customer, home_slot(ix, customer));
}

static void
put_slot(struct aspa_index *ix, uint32_t customer, uint32_t first,
    uint32_t n)
{
	size_t i = (size_t)hash_fmix64(customer) & ix->mask;

	while (ix->slot[i].customer != 0)
		i = (i + 1) & ix->mask;
	ix->slot[i].customer = customer;
	ix->slot[i].first = first;
	ix->slot[i].n = n;
	ix->filter[FILTER_BIT(customer) / 64] |= (uint64_t)1 <<
	    (FILTER_BIT(customer) % 64);
}

/* A record aspa_list_add would have taken (customer not 0, providers)
 * whose provider run lies inside the pool: a list built by aspa_list_add
 * always qualifies; this guards hand-built lists, whose other records
 * are ignored (an empty one does not make its customer "attested"). */
static bool
record_ok(const struct aspa_list *l, const struct aspa_record *r)
{
	return r->customer != 0 && r->nproviders > 0 &&
	    r->first <= l->npool && r->nproviders <= l->npool - r->first;
}

struct aspa_index *
aspa_index_build(const struct aspa_list *l)
{
	struct aspa_index *ix;
	uint64_t *order = NULL;	/* customer << 32 | record index */
	size_t n = l != NULL ? l->n : 0, i, j, k, slots;
	size_t ncust = 0, npool = 0;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return NULL;
	if (n > UINT32_MAX ||
	    (n > 0 && (order = malloc(n * sizeof(*order))) == NULL))
		goto fail;
	for (i = j = 0; i < n; i++)
		if (record_ok(l, &l->r[i])) {
			order[j++] = (uint64_t)l->r[i].customer << 32 | i;
			npool += l->r[i].nproviders;
		}
	n = j;
	if (n > 0)
		qsort(order, n, sizeof(*order), cmp_u64);
	for (i = 0; i < n; i++)
		if (i == 0 || order[i] >> 32 != order[i - 1] >> 32)
			ncust++;
	for (slots = 16; slots < 2 * ncust; slots *= 2)
		;
	ix->mask = slots - 1;
	if ((ix->slot = calloc(slots, sizeof(*ix->slot))) == NULL)
		goto fail;
	/* one spare so that an empty pool is not NULL either */
	if (npool >= UINT32_MAX ||
	    (ix->pool = malloc((npool + 1) * sizeof(*ix->pool))) == NULL)
		goto fail;
	/* One run per customer: append all its records' providers, sort,
	 * drop duplicates (the union across trust anchors). */
	for (i = 0; i < n; i = j) {
		uint32_t c = (uint32_t)(order[i] >> 32);
		size_t start = ix->npool, m;

		for (j = i; j < n && order[j] >> 32 == c; j++) {
			const struct aspa_record *r =
			    &l->r[(uint32_t)order[j]];

			memcpy(ix->pool + ix->npool, l->pool + r->first,
			    r->nproviders * sizeof(*ix->pool));
			ix->npool += r->nproviders;
		}
		m = ix->npool - start;
		if (m > 1)
			qsort(ix->pool + start, m, sizeof(*ix->pool), cmp_u32);
		for (k = 1, m = m > 0 ? 1 : 0; k < ix->npool - start; k++)
			if (ix->pool[start + k] != ix->pool[start + m - 1])
				ix->pool[start + m++] = ix->pool[start + k];
		ix->npool = start + m;
		put_slot(ix, c, (uint32_t)start, (uint32_t)m);
		ix->ncust++;
	}
	free(order);
	return ix;
fail:
	free(order);
	aspa_index_free(ix);
	return NULL;
}

void
aspa_index_free(struct aspa_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->slot);
	free(ix->pool);
	free(ix);
}

size_t
aspa_index_customers(const struct aspa_index *ix)
{
	return ix != NULL ? ix->ncust : 0;
}

const uint32_t *
aspa_index_providers(const struct aspa_index *ix, uint32_t customer,
    size_t *n)
{
	const struct aspa_slot *s = find_slot(ix, customer);

	*n = s != NULL ? s->n : 0;
	return s != NULL && s->n > 0 ? ix->pool + s->first : NULL;
}

/* The hop function for a customer whose slot is known (NULL: it has no
 * ASPA). */
static inline enum aspa_hop
slot_hop(const struct aspa_index *ix, const struct aspa_slot *s,
    uint32_t provider)
{
	const uint32_t *p;
	size_t lo, hi;

	if (s == NULL)
		return ASPA_HOP_NO_ATTESTATION;
	if (provider == 0)	/* AS 0 never authorises (section 4) */
		return ASPA_HOP_NOT_PROVIDER;
	p = ix->pool + s->first;
	if (s->n <= ASPA_LINEAR) {
		for (lo = 0; lo < s->n; lo++)
			if (p[lo] >= provider)
				return p[lo] == provider ? ASPA_HOP_PROVIDER :
				    ASPA_HOP_NOT_PROVIDER;
		return ASPA_HOP_NOT_PROVIDER;
	}
	for (lo = 0, hi = s->n; lo < hi; ) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid] < provider)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && p[lo] == provider ? ASPA_HOP_PROVIDER :
	    ASPA_HOP_NOT_PROVIDER;
}

/* The provider authorization function, authorized(customer, provider)
 * of the draft's section 5.3. */
enum aspa_hop
aspa_index_hop(const struct aspa_index *ix, uint32_t customer,
    uint32_t provider)
{
	return slot_hop(ix, find_slot(ix, customer), provider);
}

/*
 * The COMPRESSED_AS_PATH walked in place, in either direction; only
 * used once every segment is known to be an AS_SEQUENCE.  next() gives
 * the next ASN that differs from the previous one, false at the end.
 */
struct pathwalk {
	const struct bgp_aspath *p;
	bool		 from_origin;
	uint32_t	 seg;		/* segments still to visit */
	uint32_t	 pos;		/* ASNs left in the current one */
	uint32_t	 last;
	bool		 have_last;
};

static void
walk_init(struct pathwalk *w, const struct bgp_aspath *p, bool from_origin)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->from_origin = from_origin;
	w->seg = p->nseg;
}

static bool
walk_next(struct pathwalk *w, uint32_t *asn)
{
	for (;;) {
		const struct bgp_as_segment *s;
		uint32_t a;

		while (w->pos == 0) {
			if (w->seg == 0)
				return false;
			w->seg--;
			s = &w->p->seg[w->from_origin ? w->seg :
			    w->p->nseg - 1 - w->seg];
			w->pos = s->count;
		}
		s = &w->p->seg[w->from_origin ? w->seg :
		    w->p->nseg - 1 - w->seg];
		w->pos--;
		a = w->p->asns[s->start + (w->from_origin ? w->pos :
		    (uint32_t)s->count - 1 - w->pos)];
		if (w->have_last && a == w->last)
			continue;
		w->last = a;
		w->have_last = true;
		*asn = a;
		return true;
	}
}

/* N, the length of the COMPRESSED_AS_PATH. */
static uint32_t
path_len(const struct bgp_aspath *p)
{
	struct pathwalk w;
	uint32_t a, n = 0;

	walk_init(&w, p, true);
	while (walk_next(&w, &a))
		n++;
	return n;
}

/*
 * One ramp, measured from one end (section 5.4): hop(A(i), A(i+1)) for
 * i = 1, 2, ... walking from the origin (the up-ramp), or
 * hop(A(j), A(j-1)) for j = N, N-1, ... walking from the neighbour (the
 * down-ramp; its lengths are N - j + 1, the count from that end).  max
 * is that count at the first "not provider+" hop, min at the first hop
 * that is not "provider+", both N when there is none; the two hops'
 * customer and provider ASNs are kept.  The walk stops at the first
 * "not provider+": nothing beyond it can matter.
 */
struct ramp {
	uint32_t	 max, min;
	uint32_t	 max_c, max_p;	/* the "not provider+" hop */
	uint32_t	 min_c, min_p;	/* the first hop not "provider+" */
	enum aspa_hop	 min_hop;
};

static void
ramp_measure(const struct aspa_index *ix, const struct bgp_aspath *p,
    bool from_origin, uint32_t n, struct ramp *r)
{
	struct pathwalk w;
	uint32_t cur, next, i = 1;

	memset(r, 0, sizeof(*r));
	r->max = r->min = n;
	walk_init(&w, p, from_origin);
	if (!walk_next(&w, &cur))
		return;
	for (; walk_next(&w, &next); i++, cur = next) {
		enum aspa_hop h = aspa_index_hop(ix, cur, next);

		if (h == ASPA_HOP_PROVIDER)
			continue;
		if (r->min == n) {
			r->min = i;
			r->min_c = cur;
			r->min_p = next;
			r->min_hop = h;
		}
		if (h == ASPA_HOP_NOT_PROVIDER) {
			r->max = i;
			r->max_c = cur;
			r->max_p = next;
			return;
		}
	}
}

/* The most recently added AS, when the path starts with a sequence. */
static bool
first_asn(const struct bgp_aspath *p, uint32_t *asn)
{
	uint32_t i;

	for (i = 0; i < p->nseg; i++) {
		if (p->seg[i].count == 0)
			continue;
		if (p->seg[i].type != AS_SEQUENCE)
			return false;
		*asn = p->asns[p->seg[i].start];
		return true;
	}
	return false;
}

static void
set_result(struct aspa_result *res, enum aspa_state st,
    enum aspa_reason why, uint32_t c, uint32_t p)
{
	res->state = st;
	res->reason = why;
	res->hop_customer = c;
	res->hop_provider = p;
}

/* Upstream (section 5.5): only an up-ramp may exist (max_down_ramp
 * and min_down_ramp are 0), so max_up_ramp < N iff some hop is "not
 * provider+" and min_up_ramp < N iff some hop is not "provider+": one
 * walk from the origin, stopping at the first "not provider+", and N
 * never needs counting. */
static void
verify_upstream(const struct aspa_index *ix, const struct bgp_aspath *p,
    struct aspa_result *res)
{
	struct pathwalk w;
	uint32_t cur, next, min_c = 0, min_p = 0;
	bool have_min = false;

	set_result(res, ASPA_VALID, ASPA_REASON_NONE, 0, 0);
	walk_init(&w, p, true);
	if (!walk_next(&w, &cur))
		return;
	for (; walk_next(&w, &next); cur = next) {
		enum aspa_hop h = aspa_index_hop(ix, cur, next);

		if (h == ASPA_HOP_NOT_PROVIDER) {
			set_result(res, ASPA_INVALID, ASPA_REASON_HOP, cur,
			    next);
			return;
		}
		if (h == ASPA_HOP_NO_ATTESTATION && !have_min) {
			have_min = true;
			min_c = cur;
			min_p = next;
		}
	}
	if (have_min)
		set_result(res, ASPA_UNKNOWN, ASPA_REASON_NONE, min_c, min_p);
}

/*
 * The COMPRESSED_AS_PATH copied out, a[1] the origin and a[n] the
 * neighbour's AS, with each position's slot found up front (s[i], NULL
 * when a[i] has no ASPA).  Every hop of either ramp starts at a[i] as
 * the customer, so one lookup per position serves both ramps; and with
 * all the slot indexes known first, their cache lines are fetched
 * together (prefetch) rather than one dependent miss per hop, which is
 * what a large index costs (docs/aspa.md, "Cost").
 */
struct cpath {
	uint32_t		 n;
	uint32_t		 a[ASPA_PATH_FAST + 1];
	const struct aspa_slot	*s[ASPA_PATH_FAST + 1];
	size_t			 h[ASPA_PATH_FAST + 1];	/* home slots */
};

/* Copy the compressed path of an all-sequence path into c; false when
 * it is longer than ASPA_PATH_FAST (then walked in place). */
static bool
cpath_fill(struct cpath *c, const struct bgp_aspath *p)
{
	uint32_t i, k, n = 0, last = 0;
	bool have = false;

	for (i = p->nseg; i-- > 0; ) {
		const struct bgp_as_segment *sg = &p->seg[i];

		for (k = sg->count; k-- > 0; ) {
			uint32_t a = p->asns[sg->start + k];

			if (have && a == last)
				continue;
			if (n == ASPA_PATH_FAST)
				return false;
			c->a[++n] = last = a;
			have = true;
		}
	}
	c->n = n;
	return true;
}

/* First half of cpath_slots(): each position's home slot, its cache
 * line asked for. */
static void
cpath_prefetch(const struct aspa_index *ix, struct cpath *c)
{
	uint32_t i;

	if (ix == NULL || ix->ncust == 0)
		return;
	for (i = 1; i <= c->n; i++) {
		if (!in_filter(ix, c->a[i])) {
			c->h[i] = SIZE_MAX;	/* no ASPA */
			continue;
		}
		c->h[i] = home_slot(ix, c->a[i]);
		__builtin_prefetch(&ix->slot[c->h[i]]);
	}
}

/* Second half: the probes, each run's providers asked for in turn. */
static void
cpath_resolve(const struct aspa_index *ix, struct cpath *c)
{
	uint32_t i;

	if (ix == NULL || ix->ncust == 0) {
		for (i = 1; i <= c->n; i++)
			c->s[i] = NULL;
		return;
	}
	for (i = 1; i <= c->n; i++) {
		c->s[i] = c->h[i] == SIZE_MAX ? NULL :
		    probe_from(ix, c->a[i], c->h[i]);
		if (c->s[i] != NULL)
			__builtin_prefetch(ix->pool + c->s[i]->first);
	}
}

static void
cpath_slots(const struct aspa_index *ix, struct cpath *c)
{
	cpath_prefetch(ix, c);
	cpath_resolve(ix, c);
}

/* ramp_measure() on a cpath. */
static void
ramp_measure_arr(const struct aspa_index *ix, const struct cpath *c,
    bool from_origin, struct ramp *r)
{
	uint32_t i, n = c->n;

	memset(r, 0, sizeof(*r));
	r->max = r->min = n;
	for (i = 1; i < n; i++) {
		uint32_t ci = from_origin ? i : n - i + 1;
		uint32_t pi = from_origin ? i + 1 : n - i;
		enum aspa_hop h = slot_hop(ix, c->s[ci], c->a[pi]);

		if (h == ASPA_HOP_PROVIDER)
			continue;
		if (r->min == n) {
			r->min = i;
			r->min_c = c->a[ci];
			r->min_p = c->a[pi];
			r->min_hop = h;
		}
		if (h == ASPA_HOP_NOT_PROVIDER) {
			r->max = i;
			r->max_c = c->a[ci];
			r->max_p = c->a[pi];
			return;
		}
	}
}

/* verify_upstream() on a cpath. */
static void
upstream_arr(const struct aspa_index *ix, const struct cpath *c,
    struct aspa_result *res)
{
	uint32_t i, min_i = 0;

	set_result(res, ASPA_VALID, ASPA_REASON_NONE, 0, 0);
	for (i = 1; i < c->n; i++) {
		enum aspa_hop h = slot_hop(ix, c->s[i], c->a[i + 1]);

		if (h == ASPA_HOP_NOT_PROVIDER) {
			set_result(res, ASPA_INVALID, ASPA_REASON_HOP, c->a[i],
			    c->a[i + 1]);
			return;
		}
		if (h == ASPA_HOP_NO_ATTESTATION && min_i == 0)
			min_i = i;
	}
	if (min_i != 0)
		set_result(res, ASPA_UNKNOWN, ASPA_REASON_NONE, c->a[min_i],
		    c->a[min_i + 1]);
}

/* The verdict from the two ramps (section 5.6). */
static void
downstream_decide(const struct ramp *up, const struct ramp *down,
    uint32_t n, struct aspa_result *res)
{
	if (up->max + down->max < n)
		/* then up.max < n: the up-ramp's "not provider+" hop */
		set_result(res, ASPA_INVALID, ASPA_REASON_HOP, up->max_c,
		    up->max_p);
	else if (up->min + down->min < n) {
		/* A hop without attestation ends a minimum ramp short: the
		 * up-ramp's if it stops at one, else the down-ramp's (which
		 * then does: were both minimums at "not provider+" hops,
		 * they would equal the maximums). */
		if (up->min < n && up->min_hop == ASPA_HOP_NO_ATTESTATION)
			set_result(res, ASPA_UNKNOWN, ASPA_REASON_NONE,
			    up->min_c, up->min_p);
		else
			set_result(res, ASPA_UNKNOWN, ASPA_REASON_NONE,
			    down->min_c, down->min_p);
	} else
		set_result(res, ASPA_VALID, ASPA_REASON_NONE, 0, 0);
}

/* Steps 4 to 6 on a cpath whose slots are resolved. */
static void
verify_arr(const struct aspa_index *ix, const struct cpath *c,
    enum aspa_procedure proc, struct aspa_result *res)
{
	struct ramp up, down;

	if (proc == ASPA_UPSTREAM) {
		upstream_arr(ix, c, res);
		return;
	}
	ramp_measure_arr(ix, c, true, &up);
	ramp_measure_arr(ix, c, false, &down);
	downstream_decide(&up, &down, c->n, res);
}

/* Downstream (section 5.6) on a path too long for a cpath: walked in
 * place, three times. */
static void
verify_downstream(const struct aspa_index *ix, const struct bgp_aspath *p,
    struct aspa_result *res)
{
	struct ramp up, down;
	uint32_t n = path_len(p);

	ramp_measure(ix, p, true, n, &up);
	ramp_measure(ix, p, false, n, &down);
	downstream_decide(&up, &down, n, res);
}

/*
 * Steps 1 to 3 (section 5.5 / 5.6) and the procedure: true when they
 * decided *res (or, with *res untouched, that no procedure applies:
 * *applies false); false when the hops must decide.
 */
static bool
verify_pre(const struct bgp_aspath *path, uint32_t neighbor_as,
    enum bgp_role sender_role, struct aspa_result *res, bool *applies)
{
	uint32_t i, first;

	*applies = true;
	switch (sender_role) {
	case BGP_ROLE_PROVIDER:
		res->procedure = ASPA_DOWNSTREAM;
		break;
	case BGP_ROLE_CUSTOMER:
	case BGP_ROLE_PEER:
	case BGP_ROLE_RS:
	case BGP_ROLE_RS_CLIENT:
		res->procedure = ASPA_UPSTREAM;
		break;
	case BGP_ROLE_UNKNOWN:
	default:
		*applies = false;
		return true;
	}
	/* Step 1: an empty AS_PATH is invalid. */
	for (i = 0; i < path->nseg && path->seg[i].count == 0; i++)
		;
	if (i == path->nseg) {
		set_result(res, ASPA_INVALID, ASPA_REASON_EMPTY, 0, 0);
		return true;
	}
	/* Step 2: the neighbour-AS check, except at an RS-client receiving
	 * from a route server (a transparent RS does not prepend its AS);
	 * neighbor_as 0 means the neighbour's AS is not known.  A path
	 * that starts with a set or confederation segment has no "most
	 * recently added AS": step 3 decides it. */
	if (neighbor_as != 0 && sender_role != BGP_ROLE_RS &&
	    first_asn(path, &first) && first != neighbor_as) {
		set_result(res, ASPA_INVALID, ASPA_REASON_NEIGHBOR, 0, 0);
		return true;
	}
	/* Step 3: AS_SET (and, decided here, a confederation segment,
	 * which has no place in a path received over eBGP) is invalid. */
	for (i = 0; i < path->nseg; i++)
		if (path->seg[i].count > 0 &&
		    path->seg[i].type != AS_SEQUENCE) {
			set_result(res, ASPA_INVALID, ASPA_REASON_AS_SET, 0, 0);
			return true;
		}
	return false;
}

/* Steps 4 to 6 on the path itself. */
static void
verify_hops(const struct aspa_index *ix, const struct bgp_aspath *path,
    struct cpath *c, struct aspa_result *res)
{
	if (cpath_fill(c, path)) {
		cpath_slots(ix, c);
		verify_arr(ix, c, res->procedure, res);
	} else if (res->procedure == ASPA_UPSTREAM)
		verify_upstream(ix, path, res);
	else
		verify_downstream(ix, path, res);
}

bool
aspa_verify(const struct aspa_index *ix, const struct bgp_aspath *path,
    uint32_t neighbor_as, enum bgp_role sender_role,
    struct aspa_result *res)
{
	struct cpath c;
	bool applies;

	if (verify_pre(path, neighbor_as, sender_role, res, &applies))
		return applies;
	verify_hops(ix, path, &c, res);
	return true;
}

/* ---- batched lookups ---------------------------------------------- */

/*
 * Every lookup here has the same two dependent reads, the customer's
 * slot and then its provider run, so rather than rov_check_batch()'s
 * state machines the batches run the stages in lockstep over many
 * lookups, each stage asking for what the next one reads:
 *
 *  - aspa_index_hop_batch() is software-pipelined: at step i hop i's
 *    home slot is asked for, hop i - D is probed (its slot line has had
 *    D steps to arrive) and its run asked for, and hop i - 2D is judged;
 *    D slot lines and D runs are in flight at every step.
 *  - aspa_verify_batch() is group prefetching (Chen et al., ICDE 2004):
 *    a group of paths has all its positions' slots asked for, then all
 *    probed, then each path judged.
 *
 * The stages are the code aspa_verify() runs (cpath_prefetch(),
 * cpath_resolve(), probe_from(), slot_hop()), so the answers are the
 * same: tests/unit/test_aspa_batch.c compares them on every hop and
 * path of two real tables and on dense and random synthetic sets.  What
 * it buys is in docs/aspa.md ("Cost"): nothing on an index that stays
 * in cache (today's real sets), 2x and more on one past the caches.
 */

/* D: the hops in flight (rov_check.c's ROV_WINDOW is 16 for the same
 * reason); D = 8 and lockstep groups of 16 and 32 measured within the
 * noise of it on bench_aspa's large set, groups of 8 slower
 * (docs/performance.md, "Batched ASPA hop lookups"). */
#ifndef ASPA_HOP_GROUP
#define ASPA_HOP_GROUP	16
#endif

/* Stage one of hop k: its home slot asked for (SIZE_MAX: no ASPA). */
static inline size_t
hop_fetch(const struct aspa_index *ix, uint32_t c)
{
	size_t h;

	if (c == 0 || !in_filter(ix, c))
		return SIZE_MAX;
	h = home_slot(ix, c);
	__builtin_prefetch(&ix->slot[h]);
	return h;
}

/* Stage two: the probe, the run asked for. */
static inline const struct aspa_slot *
hop_probe(const struct aspa_index *ix, uint32_t c, size_t h)
{
	const struct aspa_slot *s;

	if (h == SIZE_MAX)
		return NULL;
	if ((s = probe_from(ix, c, h)) != NULL)
		__builtin_prefetch(ix->pool + s->first);
	return s;
}

void
aspa_index_hop_batch(const struct aspa_index *ix, const uint32_t *customer,
    const uint32_t *provider, size_t n, enum aspa_hop *out)
{
	const struct aspa_slot *s[2 * ASPA_HOP_GROUP];
	size_t h[2 * ASPA_HOP_GROUP], i, d = ASPA_HOP_GROUP;

	if (ix == NULL || ix->ncust == 0) {
		for (i = 0; i < n; i++)
			out[i] = ASPA_HOP_NO_ATTESTATION;
		return;
	}
	/* Hop i is fetched at step i, probed at step i + d, judged at
	 * step i + 2d: d slot lines and d runs in flight at every step. */
	for (i = 0; i < n + 2 * d; i++) {
		if (i < n)
			h[i % (2 * d)] = hop_fetch(ix, customer[i]);
		if (i >= d && i - d < n)
			s[(i - d) % (2 * d)] = hop_probe(ix, customer[i - d],
			    h[(i - d) % (2 * d)]);
		if (i >= 2 * d && i - 2 * d < n)
			out[i - 2 * d] = slot_hop(ix, s[(i - 2 * d) % (2 * d)],
			    provider[i - 2 * d]);
	}
}

/* Paths in a group: a cpath is 5 KiB (ASPA_PATH_FAST positions), so
 * 8 of them (41 KiB of stack) hold 30-40 positions of a full table's
 * paths (4-5 ASes each after prepends), in the range the hop groups
 * above take. */
#ifndef ASPA_PATH_GROUP
#define ASPA_PATH_GROUP	8
#endif

void
aspa_verify_batch(const struct aspa_index *ix,
    const struct bgp_aspath *const *path, size_t n,
    const uint32_t *neighbor_as, const enum bgp_role *sender_role,
    struct aspa_result *res, bool *applies)
{
	struct cpath c[ASPA_PATH_GROUP];
	bool hops[ASPA_PATH_GROUP] = { false };	/* cppcheck cannot see
						 * the first loop set them */
	size_t base, k, m;

	for (base = 0; base < n; base += m) {
		m = n - base < ASPA_PATH_GROUP ? n - base : ASPA_PATH_GROUP;
		/* steps 1 to 3 decide some; a long path is walked at once */
		for (k = 0; k < m; k++) {
			size_t j = base + k;

			hops[k] = false;
			if (verify_pre(path[j], neighbor_as[j],
			    sender_role[j], &res[j], &applies[j]))
				continue;
			if (!cpath_fill(&c[k], path[j])) {
				verify_hops(ix, path[j], &c[k], &res[j]);
				continue;
			}
			hops[k] = true;
			cpath_prefetch(ix, &c[k]);
		}
		for (k = 0; k < m; k++)
			if (hops[k])
				cpath_resolve(ix, &c[k]);
		for (k = 0; k < m; k++)
			if (hops[k])
				verify_arr(ix, &c[k], res[base + k].procedure,
				    &res[base + k]);
	}
}

const char *
aspa_state_name(enum aspa_state s)
{
	switch (s) {
	case ASPA_VALID:
		return "valid";
	case ASPA_INVALID:
		return "invalid";
	case ASPA_UNKNOWN:
		return "unknown";
	}
	return "?";
}

const char *
aspa_procedure_name(enum aspa_procedure p)
{
	return p == ASPA_DOWNSTREAM ? "downstream" : "upstream";
}

const char *
aspa_reason_name(enum aspa_reason r)
{
	switch (r) {
	case ASPA_REASON_NONE:
		return NULL;
	case ASPA_REASON_AS_SET:
		return "as_set";
	case ASPA_REASON_NEIGHBOR:
		return "neighbor";
	case ASPA_REASON_HOP:
		return "hop";
	case ASPA_REASON_EMPTY:
		return "empty";
	}
	return NULL;
}
