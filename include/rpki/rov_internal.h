/*
 * rov_internal.h - what the ROV index's two files share: the record,
 * jump and tree layouts, struct rov_index, and the small inline helpers
 * both the build (rov.c) and the lookup (rov_check.c) use.  The layout,
 * its invariants and its cost: the essay atop src/rpki/rov.c.
 */
#ifndef ROVMON_ROV_INTERNAL_H
#define ROVMON_ROV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpki/rov.h"

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
static inline uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline uint32_t
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
static inline void
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

#endif /* ROVMON_ROV_INTERNAL_H */
