/*
 * rov.c - the ROV index: RFC 6811 route origin validation in memory.
 * This file builds the index; rov_check.c looks routes up in it.
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

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "rpki/rov_internal.h"

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

/* The IPv4 search key: address, then length. */
static inline uint64_t
key4(const struct rov_rec4 *r)
{
	return (uint64_t)r->addr << 8 | rlen(r->pl);
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
