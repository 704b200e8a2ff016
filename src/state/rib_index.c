/*
 * rib_index.c - growing the tagged uint32 index (struct rib_index,
 * rib_internal.h) that the route tables (rib_table.c) and the prefix
 * tables (rib_prefix.c) find their entries through.  The slot format,
 * probing and sizes: the comment above struct rib_index.
 */
#include <string.h>

#include "state/rib_internal.h"

/*
 * The new slots are scattered: each entry's home is asked for
 * REHASH_AHEAD entries before the entry is placed, so that the misses
 * overlap instead of queueing (without it a prefix table's growth was 8%
 * of a full table's store time).
 */
#define REHASH_AHEAD	16

static void
ix_place(struct rib_index *ix, uint32_t home, uint32_t v)
{
	uint32_t i;

	for (i = home; ix->slot[i] != 0; i = rib_ix_next(ix, i))
		;
	ix->slot[i] = v;
}

int
rib_ix_grow(struct rib *rib, struct rib_index *ix, rib_ix_next_fn next,
    void *arg)
{
	struct rib_index old = *ix;
	uint32_t home[REHASH_AHEAD], v[REHASH_AHEAD], n, k;
	uint64_t ns;
	unsigned bits;

	if (old.slot == NULL)
		ns = RIB_SLOT_INIT;
	else
		ns = rib_ix_grown(old.nslot);
	for (bits = 1; ((uint64_t)1 << bits) < ns; bits++)
		;
	if (bits > RIB_SLOT_MAXBITS)
		return -1;
	if ((ix->slot = rib_big_alloc(rib, ns * sizeof(*ix->slot))) == NULL) {
		ix->slot = old.slot;
		return -1;
	}
	ix->nslot = (uint32_t)ns;
	ix->bits = bits;
	ix->mask = (uint32_t)(((uint64_t)1 << bits) - 1);
	/* entry n goes into the ring where entry n - REHASH_AHEAD was,
	 * which is placed first */
	for (n = 0;; n++) {
		k = n % REHASH_AHEAD;
		if (n >= REHASH_AHEAD)
			ix_place(ix, home[k], v[k]);
		if (!next(arg, ix, &home[k], &v[k]))
			break;
		__builtin_prefetch(&ix->slot[home[k]], 1);
	}
	for (k = n >= REHASH_AHEAD ? n - REHASH_AHEAD + 1 : 0; k < n; k++)
		ix_place(ix, home[k % REHASH_AHEAD], v[k % REHASH_AHEAD]);
	rib_ix_free(rib, &old);
	return 0;
}

void
rib_ix_free(struct rib *rib, struct rib_index *ix)
{
	if (ix->slot != NULL)
		rib_big_free(rib, ix->slot, (size_t)ix->nslot *
		    sizeof(*ix->slot));
	memset(ix, 0, sizeof(*ix));
}
