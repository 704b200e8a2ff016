/*
 * rov.c - the ROV index: RFC 6811 route origin validation in memory.
 *
 * What it stores
 * --------------
 * The index is built over one finished vrp_set and owns it.  The set's
 * VRPs stay where they are (set->v, sorted by family, address, length,
 * maxLength, ASN) and are never read by a lookup; the index adds vd[j],
 * the ASN and maxLength of set->v[j] (8 bytes instead of 32), and per
 * address family one entry per *distinct prefix* of the set, in the same
 * order:
 *
 *	key[i]		the search key of prefix i.  IPv4: addr << 8 | len,
 *			so that comparing two keys as integers is exactly
 *			the set's order.  IPv6: the top 64 address bits;
 *			lo[i] and len[i] hold the rest of the order.
 *	node[i].first	set->v index of the first VRP of prefix i; the
 *			VRPs of prefix i are [node[i].first, node[i+1].first)
 *			(node[n].first closes the last range).
 *	node[i].parent	the nearest less specific prefix of the set that
 *			covers prefix i, or NO_NODE.
 *	node[i].vd	a copy of vd[node[i].first]: most prefixes have
 *			one VRP, and their lookups then read no vd[].
 *	jump[b]		the first i whose top JUMP_BITS address bits are
 *			>= b (jump[1 << JUMP_BITS] = n): a one-step radix
 *			index in front of the binary search.
 *
 * The parent links make a forest that is the set's prefix tree with the
 * prefixes that carry no VRP compressed away (a path-compressed trie
 * stored in preorder, which is simply the sort order).
 *
 * How a lookup works
 * ------------------
 * Let P be the last prefix of the set that sorts <= the route R (by
 * address, then length).  Every prefix Q that covers R sorts <= R, so
 * Q <= P <= R in the order; P's address lies inside Q's range, so Q
 * covers P too.  Hence the prefixes covering R are exactly the covering
 * ones among P and P's ancestors, and once one ancestor covers R all
 * further ancestors do.  rov_check() therefore
 *	1. finds P: jump[] on the top 20 bits, then a branch-free binary
 *	   search inside that bucket (P is the bucket's predecessor when
 *	   the bucket holds nothing <= R);
 *	2. follows parent links past the prefixes that do not cover R
 *	   (P's more specific siblings' line: at most one per length);
 *	3. follows the remaining parent links, most specific first, and
 *	   applies RFC 6811 to the VRPs of each.
 *
 * Invariants (checked or established by rov_index_build)
 *	- the set is sorted (vrp_set_finish()); build finishes it if not;
 *	- prefixes have no host bits set (vrp.h); keys are masked anyway;
 *	- node[i].parent < i, and node[parent].len < node[i].len;
 *	- a parent chain has at most 33 (IPv4) or 129 (IPv6) links;
 *	- the index is immutable after build: rov_check() only reads, so
 *	  any number of threads may share one index.
 *
 * Cost
 *	build	O(n) over the sorted set, one pass for the keys, a stack
 *		of at most 129 entries for the parents, one pass for jump[].
 *	lookup	O(log b + W + c): b the bucket size (63 IPv4 prefixes at
 *		most in the 2025 data, 4 on average; IPv6 buckets reach
 *		16k because the used space is clumpy), W the chain length
 *		(bounded by the prefix length), c the covering VRPs.  No
 *		allocation.  A lookup typically touches one jump[] entry,
 *		one or two lines of keys and one node: a few cache misses,
 *		which is what its time is made of.
 *	memory	per distinct prefix 24 bytes (IPv4) or 33 bytes (IPv6),
 *		per VRP 8 bytes, 2 x 4 MiB of jump tables, all in one
 *		mapping in 2 MiB pages; plus the set itself (32 bytes per
 *		VRP).  The 2025-07-20 snapshot (723,521 VRPs): about 54 MiB
 *		with the set, as rov_index_memory() reports.
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

#define NO_NODE		UINT32_MAX
#define JUMP_BITS	20
#define JUMP_SIZE	(1u << JUMP_BITS)
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

/* What a lookup needs of a VRP, so that it never reads set->v. */
struct rov_vd {
	uint32_t	 asn;
	uint8_t		 maxlen;
};

/*
 * One distinct prefix.  Most prefixes have one VRP: its ASN and
 * maxLength are copied here so that such lookups read no VRP array.
 */
struct rov_node {
	uint32_t	 first;		/* first VRP in set->v */
	uint32_t	 parent;	/* covering node or NO_NODE */
	struct rov_vd	 vd;		/* of VRP `first` */
};

/* One address family's part of the index. */
struct rov_af {
	uint32_t	 n;		/* distinct prefixes */
	uint64_t	*key;		/* n sort keys (see above) */
	uint64_t	*lo;		/* IPv6: low 64 address bits */
	uint8_t		*len;		/* IPv6: prefix lengths */
	struct rov_node	*node;		/* n + 1 */
	uint32_t	*jump;		/* JUMP_SIZE + 1 */
};

struct rov_index {
	struct vrp_set	*set;		/* owned */
	struct rov_vd	*vd;		/* set->n, parallel to set->v */
	struct rov_af	 v4, v6;
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

/* True if node i (of family af) covers the route (rhi, rlo, rlen). */
static inline bool
node_covers4(const struct rov_af *af, uint32_t i, uint64_t rhi,
    unsigned rlen)
{
	unsigned len = af->key[i] & 0xff;
	uint32_t addr = (uint32_t)(af->key[i] >> 8);

	return len <= rlen && ((addr ^ (uint32_t)rhi) & mask32(len)) == 0;
}

static inline bool
node_covers6(const struct rov_af *af, uint32_t i, uint64_t rhi,
    uint64_t rlo, unsigned rlen)
{
	unsigned len = af->len[i];

	if (len > rlen)
		return false;
	if (len <= 64)
		return ((af->key[i] ^ rhi) & mask64(len)) == 0;
	return af->key[i] == rhi && ((af->lo[i] ^ rlo) & mask64(len - 64)) == 0;
}

/* Distinct prefixes in set->v[from, to). */
static uint32_t
count_prefixes(const struct vrp_set *set, size_t from, size_t to)
{
	uint32_t n = 0;
	size_t j;

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
af_bytes(uint32_t n, bool v6)
{
	size_t b = 0;

	b += ((size_t)n * sizeof(uint64_t) + 63) & ~(size_t)63;
	b += ((size_t)(n + 1) * sizeof(struct rov_node) + 63) & ~(size_t)63;
	b += ((JUMP_SIZE + 1) * sizeof(uint32_t) + 63) & ~(size_t)63;
	if (v6) {
		b += ((size_t)n * sizeof(uint64_t) + 63) & ~(size_t)63;
		b += ((size_t)n + 63) & ~(size_t)63;
	}
	return b;
}

/* Fill one family's arrays from set->v[from, to). */
static void
af_build(struct rov_index *ri, struct rov_af *af, size_t *off, size_t from,
    size_t to, bool v6)
{
	const struct vrp_set *set = ri->set;
	uint32_t stack[129], depth = 0, n = af->n, i, b;
	uint64_t hi, lo;
	size_t j;

	af->key = carve(ri, off, (size_t)n * sizeof(*af->key));
	af->node = carve(ri, off, (size_t)(n + 1) * sizeof(*af->node));
	af->jump = carve(ri, off, (JUMP_SIZE + 1) * sizeof(*af->jump));
	if (v6) {
		af->lo = carve(ri, off, (size_t)n * sizeof(*af->lo));
		af->len = carve(ri, off, n);
	}

	/* Keys and VRP ranges; parents from a stack of open ancestors. */
	for (i = 0, j = from; j < to; j++) {
		const struct prefix *p = &set->v[j].prefix;

		ri->vd[j].asn = set->v[j].asn;
		ri->vd[j].maxlen = set->v[j].maxlen;
		if (j != from && vrp_prefix_cmp(&set->v[j - 1], &set->v[j]) == 0)
			continue;
		prefix_words(p, &hi, &lo);
		if (v6) {
			af->key[i] = hi;
			af->lo[i] = lo;
			af->len[i] = p->len;
		} else
			af->key[i] = hi << 8 | p->len;
		af->node[i].first = (uint32_t)j;
		af->node[i].vd = ri->vd[j];
		while (depth > 0) {
			uint32_t top = stack[depth - 1];

			if (v6 ? node_covers6(af, top, hi, lo, p->len) :
			    node_covers4(af, top, hi, p->len))
				break;
			depth--;
		}
		af->node[i].parent = depth > 0 ? stack[depth - 1] : NO_NODE;
		/* Equal prefixes were merged, so lengths strictly grow
		 * along the stack: at most 33 / 129 entries. */
		stack[depth++] = i;
		i++;
	}
	af->node[n].first = (uint32_t)to;

	/* jump[b]: first node whose top JUMP_BITS bits are >= b. */
	for (b = 0, i = 0; b <= JUMP_SIZE; b++) {
		while (i < n && (v6 ? af->key[i] >> (64 - JUMP_BITS) :
		    af->key[i] >> (40 - JUMP_BITS)) < b)
			i++;
		af->jump[b] = i;
	}
}

struct rov_index *
rov_index_build(struct vrp_set *set)
{
	struct rov_index *ri;
	size_t split, off = 0;

	if (set == NULL || set->n >= UINT32_MAX)
		return NULL;
	if (!set_sorted(set)) {
		vrp_set_finish(set);
		if (!set_sorted(set)) {
			log_warnx("rov: VRP set is not in prefix order");
			return NULL;
		}
	}
	if ((ri = calloc(1, sizeof(*ri))) == NULL)
		return NULL;
	ri->set = set;
	for (split = 0; split < set->n; split++)
		if (set->v[split].prefix.family != ADDR_V4)
			break;
	ri->v4.n = count_prefixes(set, 0, split);
	ri->v6.n = count_prefixes(set, split, set->n);

	/*
	 * One mapping for everything, in 2 MiB pages where the kernel
	 * gives them (MADV_HUGEPAGE): lookups jump around tens of MiB,
	 * and with 4 KiB pages nearly every access would also miss the
	 * TLB (twice as costly under a hypervisor).
	 */
	ri->size = (set->n * sizeof(struct rov_vd) + 63) & ~(size_t)63;
	ri->size += af_bytes(ri->v4.n, false) + af_bytes(ri->v6.n, true);
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
	ri->vd = carve(ri, &off, set->n * sizeof(struct rov_vd));
	af_build(ri, &ri->v4, &off, 0, split, false);
	af_build(ri, &ri->v6, &off, split, set->n, true);
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

/*
 * The last node in [lo, hi) whose key is <= the route's, or lo - 1 (the
 * bucket's predecessor, NO_NODE when lo is 0).  Branch-free halving so
 * that the loads of consecutive lookups can overlap.
 */
static inline uint32_t
search4(const struct rov_af *af, uint64_t rk, uint32_t lo, uint32_t hi)
{
	const uint64_t *key = af->key;
	uint32_t base = lo, n = hi - lo, half;

	if (n == 0 || key[lo] > rk)
		return lo - 1;
	while (n > 1) {
		half = n / 2;
		base = key[base + half] <= rk ? base + half : base;
		n -= half;
	}
	return base;
}

/* IPv6: order on (key, lo, len); lo and len are read only on ties. */
static inline bool
le6(const struct rov_af *af, uint32_t i, uint64_t rhi, uint64_t rlo,
    unsigned rlen)
{
	if (af->key[i] != rhi)
		return af->key[i] < rhi;
	if (af->lo[i] != rlo)
		return af->lo[i] < rlo;
	return af->len[i] <= rlen;
}

static inline uint32_t
search6(const struct rov_af *af, uint64_t rhi, uint64_t rlo, unsigned rlen,
    uint32_t lo, uint32_t hi)
{
	uint32_t base = lo, n = hi - lo, half;

	if (n == 0 || !le6(af, lo, rhi, rlo, rlen))
		return lo - 1;
	while (n > 1) {
		half = n / 2;
		base = le6(af, base + half, rhi, rlo, rlen) ? base + half : base;
		n -= half;
	}
	return base;
}

void
rov_check(const struct rov_index *ri, const struct prefix *p,
    bool has_origin, uint32_t origin, struct rov_result *res)
{
	const struct vrp *match[ROV_MAX_DECIDING];
	const struct rov_af *af;
	const struct rov_vd *vd;
	const struct vrp *v;
	uint64_t rhi, rlo;
	uint32_t i, j, end;
	unsigned nmatch = 0, rlen = p->len, k;
	bool non_as0 = false, short_len = false;

	res->state = ROV_NOT_FOUND;
	res->reason = ROV_REASON_NONE;
	res->nvrps = 0;
	res->ncovering = 0;
	if (ri == NULL || (p->family != ADDR_V4 && p->family != ADDR_V6) ||
	    rlen > addr_maxlen(p->family))
		return;

	/* 1, 2: the most specific covering node. */
	prefix_words(p, &rhi, &rlo);
	if (p->family == ADDR_V4) {
		af = &ri->v4;
		j = (uint32_t)(rhi >> (32 - JUMP_BITS));
		i = search4(af, rhi << 8 | rlen, af->jump[j], af->jump[j + 1]);
		while (i != NO_NODE && !node_covers4(af, i, rhi, rlen))
			i = af->node[i].parent;
	} else {
		af = &ri->v6;
		j = (uint32_t)(rhi >> (64 - JUMP_BITS));
		i = search6(af, rhi, rlo, rlen, af->jump[j], af->jump[j + 1]);
		while (i != NO_NODE && !node_covers6(af, i, rhi, rlo, rlen))
			i = af->node[i].parent;
	}
	if (i == NO_NODE)
		return;

	/* 3: every covering VRP, the most specific prefix first. */
	for (; i != NO_NODE; i = af->node[i].parent) {
		const struct rov_node *nd = &af->node[i];

		end = af->node[i + 1].first;
		for (j = nd->first; j < end; j++) {
			vd = j == nd->first ? &nd->vd : &ri->vd[j];
			v = &ri->set->v[j];	/* address only, not read */
			if (res->ncovering < ROV_MAX_DECIDING)
				res->vrps[res->ncovering] = v;
			res->ncovering++;
			if (vd->asn == 0)
				continue;
			non_as0 = true;
			if (!has_origin || vd->asn != origin)
				continue;
			if (rlen <= vd->maxlen) {
				if (nmatch < ROV_MAX_DECIDING)
					match[nmatch] = v;
				nmatch++;
			} else
				short_len = true;
		}
	}

	if (nmatch > 0) {
		res->state = ROV_VALID;
		res->nvrps = nmatch < ROV_MAX_DECIDING ? nmatch :
		    ROV_MAX_DECIDING;
		for (k = 0; k < res->nvrps; k++)
			res->vrps[k] = match[k];
		return;
	}
	res->state = ROV_INVALID;
	res->nvrps = res->ncovering < ROV_MAX_DECIDING ? res->ncovering :
	    ROV_MAX_DECIDING;
	if (!non_as0)
		res->reason = ROV_REASON_AS0;
	else if (short_len)
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
