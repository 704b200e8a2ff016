/*
 * rov.c - the ROV index: RFC 6811 route origin validation in memory.
 *
 * What it stores
 * --------------
 * The index is built over one finished vrp_set and owns it.  The set's
 * VRPs stay where they are (set->v, sorted by family, address, length,
 * maxLength, ASN); a lookup computes the addresses of the deciding ones
 * for the result but never reads them.  Per address family the index
 * keeps one record per *distinct prefix* of the set, in the same order,
 * and in the record everything a lookup needs of it:
 *
 *	IPv4, 16 bytes (four to a cache line):
 *	  addr, len	the prefix;
 *	  parent	the nearest less specific prefix of the set that
 *			covers this one, or NO_NODE;
 *	  asn, maxlen	of the prefix's first VRP, set->v[first];
 *	  first		that VRP's index; "more" says whether the prefix
 *			has other VRPs: set->v[first + 1 .. next record's
 *			first), whose ASN and maxLength are in vd[];
 *	IPv6, 32 bytes (two to a line): the same, with the address as two
 *	  64-bit words and the number of VRPs instead of "more".
 *
 * parent, len, first and maxlen share 32-bit words (24 + 8 bits), which
 * bounds a family at 2^24 - 1 distinct prefixes (VRP_MAX_COUNT is 2^24).
 * The parent links make a forest that is the set's prefix tree with the
 * prefixes that carry no VRP compressed away (a path-compressed trie
 * stored in preorder, which is simply the sort order).
 *
 * A family's search keys (IPv4: address << 8 | length, whose integer
 * order is the set's; IPv6: the top 64 address bits) are also kept in an
 * array of their own, 8 to a cache line, with a static B+tree over it
 * (struct rov_tree) for the big buckets.
 *
 * In front of the records, per family, a jump table: for each bucket b
 * (IPv4: the top 18 address bits; IPv6: bits 3..20 inside 2000::/3, and
 * one bucket each for ::/3, 4000::/2 and 8000::/1), jump[b].first is
 * the first record whose address falls in bucket b or later, and
 * jump[b].cover the deepest record outside the bucket that covers all of
 * it (NO_NODE if none).  2 MiB per family: it stays in cache.
 *
 * How a lookup works
 * ------------------
 * Let P be the last prefix of the set that sorts <= the route R (by
 * address, then length).  Every prefix Q that covers R sorts <= R, so
 * Q <= P <= R in the order; P's address lies inside Q's range, so Q
 * covers P too.  Hence the prefixes covering R are exactly the covering
 * ones among P and P's ancestors, and once one ancestor covers R all
 * further ancestors do.  rov_check() therefore
 *	1. finds P: jump[] on R's bucket, then a branch-free binary search
 *	   of the bucket's keys (up to 32 of them), or the B+tree, one line
 *	   per level, for a bigger bucket; IPv6 steps back over the records
 *	   that tie on the top 64 bits; when no record of the bucket sorts
 *	   <= R,
 *	   it starts from jump[b].cover instead, the deepest prefix of the
 *	   set before the bucket that covers all of it: every bucket is an
 *	   aligned block, so each prefix before it that covers R covers the
 *	   whole bucket, and the deepest of those covers R first;
 *	2. follows parent links past the prefixes that do not cover R
 *	   (P's more specific siblings' line: at most one per length);
 *	3. follows the remaining parent links, most specific first, and
 *	   applies RFC 6811 to the VRPs of each.
 * Routes arrive in no useful order, so each lookup pays its cache
 * misses one after the other: the jump entry (often cached), a line of
 * the bucket's keys, then one line per record on P's chain.  A route
 * under one ROA costs about two misses; a route in a bucket with no ROA
 * costs the jump entry alone.  On the 2025 snapshot and the full-table
 * capture's 1.1M routes in their order (bench_rov -r), a lookup misses a
 * simulated 48 KiB L1 2.3 times and an 8 MiB L3 0.39 times.
 *
 * Invariants (checked or established by rov_index_build)
 *	- the set is sorted (vrp_set_finish()); build finishes it if not;
 *	- prefixes have no host bits set (vrp.h); keys are masked anyway;
 *	- rec[i].parent < i, and rec[parent].len < rec[i].len;
 *	- a parent chain has at most 33 (IPv4) or 129 (IPv6) links;
 *	- the index is immutable after build: rov_check() only reads, so
 *	  any number of threads may share one index.
 *
 * Cost
 *	build	O(n) over the sorted set, one pass for the records, a stack
 *		of at most 129 entries for the parents, one pass for jump[].
 *	lookup	O(log b + W + c): b the bucket size (IPv4: 29 prefixes,
 *		weighted by use, in the 2025 data; IPv6 buckets reach
 *		10k: its space is clumpy, and the tree takes those), W the
 *		chain length (bounded by the prefix length), c the covering
 *		VRPs.  No allocation.
 *	memory	per distinct prefix 24 bytes (IPv4) or 40 bytes (IPv6)
 *		with its key, per VRP 8 bytes, 2 x 2 MiB of jump tables,
 *		the tree's inner nodes (1/8 of the keys), all in one mapping
 *		in 2 MiB pages; plus the set itself (32 bytes per VRP).  The
 *		2025-07-20 snapshot (723,521 VRPs): about 52 MiB with the
 *		set, as rov_index_memory() reports.
 *
 * RFC 6811 section 2, with RFC 6483 section 4 / RFC 7607 for AS0: a VRP
 * covers R when its prefix covers R; it matches when it covers R, its ASN
 * is R's origin, R's length <= its maxLength, R has an origin (not an
 * AS_SET) and the ASN is not 0.  The INVALID reason is decided in this
 * order: "as0" (every covering VRP is AS0), "length" (a covering non-AS0
 * VRP has the origin but a shorter maxLength), "as_set" (the route has no
 * origin), else "as".
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rov.h"

#define NO_NODE		0xffffffu	/* 24 bits */
#define NODE_MAX	(NO_NODE - 1)	/* records per family, at most */
#define JUMP4_BITS	18
#define JUMP6_BITS	18
#define JUMP4_SIZE	(1u << JUMP4_BITS)
#define JUMP6_SIZE	((1u << JUMP6_BITS) + 3)	/* + ::/3, 4000::/2,
						 * 8000::/1 */
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)
#define MORE4		0x80u		/* rec4.fm: more VRPs follow */

/* What a lookup needs of a VRP past a prefix's first one. */
struct rov_vd {
	uint32_t	 asn;
	uint8_t		 maxlen;
};

struct rov_rec4 {
	uint32_t	 addr;		/* host order, host bits zero */
	uint32_t	 pl;		/* parent << 8 | len */
	uint32_t	 asn;		/* of VRP first */
	uint32_t	 fm;		/* first << 8 | MORE4 | maxlen */
};

struct rov_rec6 {
	uint64_t	 hi, lo;	/* host order, host bits zero */
	uint32_t	 pl;		/* parent << 8 | len */
	uint32_t	 asn;		/* of VRP first */
	uint32_t	 fm;		/* first << 8 | maxlen */
	uint32_t	 nvrp;		/* VRPs of the prefix, >= 1 */
};

_Static_assert(sizeof(struct rov_rec4) == 16, "rov_rec4 size");
_Static_assert(sizeof(struct rov_rec6) == 32, "rov_rec6 size");

struct rov_jump {
	uint32_t	 first;		/* first record in this bucket or later */
	uint32_t	 cover;		/* covers the whole bucket, or NO_NODE */
};

/*
 * A static B+tree over a family's sorted search keys (IPv4: address << 8
 * | length; IPv6: the top 64 address bits), one 64-byte line per node:
 * the leaves are the keys themselves, 8 to a line (padded with
 * UINT64_MAX); an inner node holds the first key of its children 1..8
 * (it has up to 9).  The levels are stored root first.
 */
#define TREE_B		8
#define TREE_FAN	(TREE_B + 1)
#define TREE_MAXH	16

struct rov_tree {
	const uint64_t	*key;		/* the leaves: nleaf * TREE_B */
	uint64_t	*node;		/* inner levels, root first */
	uint32_t	 off[TREE_MAXH];	/* node index of each level's first,
					 * level 1 = above the leaves */
	uint32_t	 count[TREE_MAXH];	/* nodes per level; [0] leaves */
	unsigned	 height;	/* inner levels */
	uint32_t	 n;		/* keys */
};

struct rov_index {
	struct vrp_set	*set;		/* owned */
	struct rov_vd	*vd;		/* set->n, parallel to set->v */
	struct rov_rec4	*r4;		/* n4 + 1 (a sentinel) */
	struct rov_rec6	*r6;		/* n6 */
	uint64_t	*k4, *k6;	/* search keys, padded to TREE_B */
	struct rov_tree	 t4, t6;
	struct rov_jump	*j4;		/* JUMP4_SIZE + 1 */
	struct rov_jump	*j6;		/* JUMP6_SIZE + 1 */
	uint32_t	 n4, n6;
	uint8_t		*arena;		/* one mapping for all arrays */
	size_t		 size;
};

/* Network-order bytes to a host integer. */
static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The top `len` bits of a 64-bit word set (len 0..64). */
static inline uint64_t
mask64(unsigned len)
{
	return len == 0 ? 0 : ~(uint64_t)0 << (64 - len);
}

static inline uint32_t
mask32(unsigned len)
{
	return len == 0 ? 0 : ~(uint32_t)0 << (32 - len);
}

/* A prefix as (hi, lo) words, host bits cleared. */
static void
prefix_words(const struct prefix *p, uint64_t *hi, uint64_t *lo)
{
	if (p->family == ADDR_V4) {
		*hi = be32(p->a) & mask32(p->len);
		*lo = 0;
		return;
	}
	*hi = be64(p->a) & mask64(p->len > 64 ? 64 : p->len);
	*lo = be64(p->a + 8) & mask64(p->len > 64 ? p->len - 64u : 0);
}

/* The order of the set on (family, address, length). */
static int
vrp_prefix_cmp(const struct vrp *x, const struct vrp *y)
{
	int c;

	if (x->prefix.family != y->prefix.family)
		return x->prefix.family < y->prefix.family ? -1 : 1;
	if ((c = memcmp(x->prefix.a, y->prefix.a, sizeof(x->prefix.a))) != 0)
		return c;
	if (x->prefix.len != y->prefix.len)
		return x->prefix.len < y->prefix.len ? -1 : 1;
	return 0;
}

static bool
set_sorted(const struct vrp_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct prefix *p = &set->v[i].prefix;

		if ((p->family != ADDR_V4 && p->family != ADDR_V6) ||
		    p->len > addr_maxlen(p->family))
			return false;
		if (i > 0 && vrp_prefix_cmp(&set->v[i - 1], &set->v[i]) > 0)
			return false;
	}
	return true;
}

/* ---- records ------------------------------------------------------- */

static inline unsigned
rlen(uint32_t pl)
{
	return pl & 0xff;
}

static inline uint32_t
rparent(uint32_t pl)
{
	return pl >> 8;
}

/* The IPv4 search key: address, then length. */
static inline uint64_t
key4(const struct rov_rec4 *r)
{
	return (uint64_t)r->addr << 8 | rlen(r->pl);
}

/* True if record r covers the route (addr, len). */
static inline bool
covers4(const struct rov_rec4 *r, uint32_t addr, unsigned len)
{
	unsigned l = rlen(r->pl);

	return l <= len && ((r->addr ^ addr) & mask32(l)) == 0;
}

static inline bool
covers6(const struct rov_rec6 *r, uint64_t hi, uint64_t lo, unsigned len)
{
	unsigned l = rlen(r->pl);

	if (l > len)
		return false;
	if (l <= 64)
		return ((r->hi ^ hi) & mask64(l)) == 0;
	return r->hi == hi && ((r->lo ^ lo) & mask64(l - 64)) == 0;
}

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

/* The bucket of an address. */
static inline uint32_t
bucket4(uint32_t addr)
{
	return addr >> (32 - JUMP4_BITS);
}

/*
 * IPv6: ::/3 is bucket 0, 2000::/3 (all of today's unicast) is cut in
 * 2^JUMP6_BITS buckets, then one bucket each for 4000::/2 and 8000::/1:
 * monotone in the address, and every bucket an aligned block.
 */
static inline uint32_t
bucket6(uint64_t hi)
{
	unsigned top = (unsigned)(hi >> 61);

	if (top == 0)
		return 0;
	if (top == 1)
		return 1 + (uint32_t)((hi >> (61 - JUMP6_BITS)) &
		    ((1u << JUMP6_BITS) - 1));
	return top < 4 ? JUMP6_SIZE - 2 : JUMP6_SIZE - 1;
}

/* ---- the search tree ---------------------------------------------- */

/* Level sizes for n keys; returns the inner nodes in all. */
static size_t
tree_shape(struct rov_tree *t, uint32_t n)
{
	size_t inner = 0;
	unsigned h;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->count[0] = n == 0 ? 1 : (n + TREE_B - 1) / TREE_B;
	for (h = 0; t->count[h] > 1; h++) {
		t->count[h + 1] = (t->count[h] + TREE_FAN - 1) / TREE_FAN;
		inner += t->count[h + 1];
	}
	t->height = h;
	return inner;
}

/* Fill the inner levels from the leaves (key[], padded). */
static void
tree_build(struct rov_tree *t, const uint64_t *key, uint64_t *node)
{
	uint64_t span = TREE_B;	/* keys under one node of the level */
	uint32_t k, m, off = 0;
	unsigned l;

	t->key = key;
	t->node = node;
	for (l = t->height; l >= 1; l--) {
		t->off[l] = off;
		off += t->count[l];
	}
	for (l = 1; l <= t->height; l++) {
		for (k = 0; k < t->count[l]; k++)
			for (m = 1; m <= TREE_B; m++) {
				uint64_t first = ((uint64_t)k * TREE_FAN + m) *
				    span;

				node[((size_t)t->off[l] + k) * TREE_B + m - 1] =
				    first < t->n ? key[first] : UINT64_MAX;
			}
		span *= TREE_FAN;
	}
}

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

/* ---- build --------------------------------------------------------- */

/* Distinct prefixes in set->v[from, to). */
static size_t
count_prefixes(const struct vrp_set *set, size_t from, size_t to)
{
	size_t j, n = 0;

	for (j = from; j < to; j++)
		if (j == from || vrp_prefix_cmp(&set->v[j - 1], &set->v[j]) != 0)
			n++;
	return n;
}

/* Carve `size` bytes, 64-byte aligned, from the arena at *off. */
static void *
carve(struct rov_index *ri, size_t *off, size_t size)
{
	void *p = ri->arena + *off;

	*off += (size + 63) & ~(size_t)63;
	return p;
}

static size_t
align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

/* Fill the IPv4 records from set->v[0, to). */
static void
build4(struct rov_index *ri, size_t to)
{
	const struct vrp_set *set = ri->set;
	struct rov_rec4 *r = ri->r4;
	uint32_t stack[33], depth = 0, i = 0, top, addr;
	size_t j;

	for (j = 0; j < to; j++) {
		const struct prefix *p = &set->v[j].prefix;

		if (j > 0 && vrp_prefix_cmp(&set->v[j - 1], &set->v[j]) == 0) {
			r[i - 1].fm |= MORE4;
			continue;
		}
		addr = be32(p->a) & mask32(p->len);
		while (depth > 0) {
			top = stack[depth - 1];
			if (covers4(&r[top], addr, p->len))
				break;
			depth--;
		}
		r[i].addr = addr;
		r[i].pl = (depth > 0 ? stack[depth - 1] : NO_NODE) << 8 |
		    p->len;
		r[i].asn = set->v[j].asn;
		r[i].fm = (uint32_t)j << 8 | set->v[j].maxlen;
		/* Equal prefixes were merged, so lengths strictly grow
		 * along the stack: at most 33 entries. */
		stack[depth++] = i++;
	}
	/* the sentinel closes the last prefix's VRP range */
	r[i].addr = UINT32_MAX;
	r[i].pl = NO_NODE << 8 | 0xff;
	r[i].fm = (uint32_t)to << 8;
}

static void
build6(struct rov_index *ri, size_t from, size_t to)
{
	const struct vrp_set *set = ri->set;
	struct rov_rec6 *r = ri->r6;
	uint32_t stack[129], depth = 0, i = 0, top;
	uint64_t hi, lo;
	size_t j;

	for (j = from; j < to; j++) {
		const struct prefix *p = &set->v[j].prefix;

		if (j > from &&
		    vrp_prefix_cmp(&set->v[j - 1], &set->v[j]) == 0) {
			r[i - 1].nvrp++;
			continue;
		}
		prefix_words(p, &hi, &lo);
		while (depth > 0) {
			top = stack[depth - 1];
			if (covers6(&r[top], hi, lo, p->len))
				break;
			depth--;
		}
		r[i].hi = hi;
		r[i].lo = lo;
		r[i].pl = (depth > 0 ? stack[depth - 1] : NO_NODE) << 8 |
		    p->len;
		r[i].asn = set->v[j].asn;
		r[i].fm = (uint32_t)j << 8 | set->v[j].maxlen;
		r[i].nvrp = 1;
		stack[depth++] = i++;
	}
}

/*
 * jump[b].first: the first record in bucket b or later; jump[b].cover:
 * the deepest record before the bucket covering both its ends, found
 * from the bucket's predecessor up its parent chain.
 */
static void
jump4(struct rov_index *ri)
{
	const struct rov_rec4 *r = ri->r4;
	uint32_t b, i = 0, c, lo, hi;

	for (b = 0; b <= JUMP4_SIZE; b++) {
		while (i < ri->n4 && bucket4(r[i].addr) < b)
			i++;
		ri->j4[b].first = i;
		if (b == JUMP4_SIZE)
			break;
		lo = b << (32 - JUMP4_BITS);
		hi = lo | ~mask32(JUMP4_BITS);
		for (c = i > 0 ? i - 1 : NO_NODE; c != NO_NODE &&
		    !(covers4(&r[c], lo, 32) && covers4(&r[c], hi, 32));
		    c = rparent(r[c].pl))
			;
		ri->j4[b].cover = c;
	}
}

/* The first and last address of IPv6 bucket b, as (hi, lo) words. */
static void
bucket6_ends(uint32_t b, uint64_t *h0, uint64_t *h1)
{
	if (b == 0) {
		*h0 = 0;
		*h1 = ((uint64_t)1 << 61) - 1;
	} else if (b == JUMP6_SIZE - 2) {
		*h0 = (uint64_t)2 << 61;
		*h1 = ((uint64_t)4 << 61) - 1;
	} else if (b == JUMP6_SIZE - 1) {
		*h0 = (uint64_t)4 << 61;
		*h1 = UINT64_MAX;
	} else {
		*h0 = (uint64_t)1 << 61 | (uint64_t)(b - 1) << (61 - JUMP6_BITS);
		*h1 = *h0 | (((uint64_t)1 << (61 - JUMP6_BITS)) - 1);
	}
}

static void
jump6(struct rov_index *ri)
{
	const struct rov_rec6 *r = ri->r6;
	uint32_t b, i = 0, c;
	uint64_t h0, h1;

	for (b = 0; b <= JUMP6_SIZE; b++) {
		while (i < ri->n6 && bucket6(r[i].hi) < b)
			i++;
		ri->j6[b].first = i;
		if (b == JUMP6_SIZE)
			break;
		bucket6_ends(b, &h0, &h1);
		for (c = i > 0 ? i - 1 : NO_NODE; c != NO_NODE &&
		    !(covers6(&r[c], h0, 0, 128) &&
		    covers6(&r[c], h1, UINT64_MAX, 128));
		    c = rparent(r[c].pl))
			;
		ri->j6[b].cover = c;
	}
}

struct rov_index *
rov_index_build(struct vrp_set *set)
{
	struct rov_index *ri;
	uint64_t *t4, *t6;
	size_t split, off = 0, n4, n6, j, in4, in6;

	if (set == NULL || set->n >= UINT32_MAX)
		return NULL;
	if (!set_sorted(set)) {
		vrp_set_finish(set);
		if (!set_sorted(set)) {
			log_warnx("rov: VRP set is not in prefix order");
			return NULL;
		}
	}
	for (split = 0; split < set->n; split++)
		if (set->v[split].prefix.family != ADDR_V4)
			break;
	n4 = count_prefixes(set, 0, split);
	n6 = count_prefixes(set, split, set->n);
	if (n4 > NODE_MAX || n6 > NODE_MAX || set->n > NODE_MAX) {
		log_warnx("rov: %zu VRPs: more than the index holds", set->n);
		return NULL;
	}
	if ((ri = calloc(1, sizeof(*ri))) == NULL)
		return NULL;
	ri->set = set;
	ri->n4 = (uint32_t)n4;
	ri->n6 = (uint32_t)n6;
	in4 = tree_shape(&ri->t4, ri->n4);
	in6 = tree_shape(&ri->t6, ri->n6);

	/*
	 * One mapping for everything, in 2 MiB pages where the kernel
	 * gives them (MADV_HUGEPAGE): lookups jump around tens of MiB,
	 * and with 4 KiB pages nearly every access would also miss the
	 * TLB (twice as costly under a hypervisor).
	 */
	ri->size = align64(set->n * sizeof(struct rov_vd)) +
	    align64((n4 + 1) * sizeof(struct rov_rec4)) +
	    align64(n6 * sizeof(struct rov_rec6)) +
	    align64((JUMP4_SIZE + 1) * sizeof(struct rov_jump)) +
	    align64((JUMP6_SIZE + 1) * sizeof(struct rov_jump)) +
	    align64((size_t)ri->t4.count[0] * TREE_B * sizeof(uint64_t)) +
	    align64((size_t)ri->t6.count[0] * TREE_B * sizeof(uint64_t)) +
	    align64(in4 * TREE_B * sizeof(uint64_t)) +
	    align64(in6 * TREE_B * sizeof(uint64_t));
	ri->size = (ri->size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	ri->arena = mmap(NULL, ri->size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ri->arena == MAP_FAILED) {
		free(ri);
		return NULL;
	}
#ifdef MADV_HUGEPAGE
	(void)madvise(ri->arena, ri->size, MADV_HUGEPAGE);
#endif
	ri->j4 = carve(ri, &off, (JUMP4_SIZE + 1) * sizeof(*ri->j4));
	ri->j6 = carve(ri, &off, (JUMP6_SIZE + 1) * sizeof(*ri->j6));
	t4 = carve(ri, &off, in4 * TREE_B * sizeof(uint64_t));
	t6 = carve(ri, &off, in6 * TREE_B * sizeof(uint64_t));
	ri->k4 = carve(ri, &off, (size_t)ri->t4.count[0] * TREE_B *
	    sizeof(uint64_t));
	ri->k6 = carve(ri, &off, (size_t)ri->t6.count[0] * TREE_B *
	    sizeof(uint64_t));
	ri->r4 = carve(ri, &off, (n4 + 1) * sizeof(*ri->r4));
	ri->r6 = carve(ri, &off, n6 * sizeof(*ri->r6));
	ri->vd = carve(ri, &off, set->n * sizeof(*ri->vd));
	for (j = 0; j < set->n; j++) {
		ri->vd[j].asn = set->v[j].asn;
		ri->vd[j].maxlen = set->v[j].maxlen;
	}
	build4(ri, split);
	build6(ri, split, set->n);
	for (j = 0; j < (size_t)ri->t4.count[0] * TREE_B; j++)
		ri->k4[j] = j < n4 ? key4(&ri->r4[j]) : UINT64_MAX;
	for (j = 0; j < (size_t)ri->t6.count[0] * TREE_B; j++)
		ri->k6[j] = j < n6 ? ri->r6[j].hi : UINT64_MAX;
	tree_build(&ri->t4, ri->k4, t4);
	tree_build(&ri->t6, ri->k6, t6);
	jump4(ri);
	jump6(ri);
	return ri;
}

void
rov_index_free(struct rov_index *ri)
{
	if (ri == NULL)
		return;
	munmap(ri->arena, ri->size);
	vrp_set_free(ri->set);
	free(ri);
}

const struct vrp_set *
rov_index_set(const struct rov_index *ri)
{
	return ri->set;
}

size_t
rov_index_memory(const struct rov_index *ri)
{
	const struct vrp_set *set;
	size_t bytes, i;

	if (ri == NULL)
		return 0;
	set = ri->set;
	bytes = sizeof(*ri) + ri->size + sizeof(*set) + set->cap * sizeof(struct vrp);
	for (i = 0; i < set->nta && i < VRP_TA_MAX; i++)
		if (set->ta[i] != NULL)
			bytes += strlen(set->ta[i]) + 1;
	if (set->source != NULL)
		bytes += strlen(set->source) + 1;
	return bytes;
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
