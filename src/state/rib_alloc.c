/*
 * rib_alloc.c - the RIB's memory: every byte it holds is counted in
 * rib->mem (rib_memory()); arrays of 2 MiB and more are anonymous
 * mappings advised into 2 MiB pages and grown with mremap; tuples are
 * carved from slabs in size classes, with a free list per class, and the
 * slabs go back whole when the last tuple does.  Why: the comment atop
 * src/state/rib.c.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "state/rib_internal.h"

void *
rib_alloc(struct rib *rib, size_t n)
{
	void *p;

	if ((p = calloc(1, n)) != NULL)
		rib->mem += n;
	return p;
}

void
rib_dealloc(struct rib *rib, void *p, size_t n)
{
	if (p == NULL)
		return;
	rib->mem -= n;
	free(p);
}

/* Zeroed memory in 2 MiB pages where the kernel gives them (also the
 * checkpoint's buffers, rib_save.c); free with munmap(). */
void *
rib_map_big(size_t n)
{
	void *p;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}

/* A zeroed array: calloc'd, or mapped when BIG or larger. */
void *
rib_big_alloc(struct rib *rib, size_t n)
{
	void *p;

	if (n < BIG)
		return rib_alloc(rib, n);
	if ((p = rib_map_big(n)) != NULL)
		rib->mem += n;
	return p;
}

void
rib_big_free(struct rib *rib, void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n < BIG) {
		rib_dealloc(rib, p, n);
		return;
	}
	munmap(p, n);
	rib->mem -= n;
}

/*
 * Resize the array p of `from` bytes to `to` (> from), keeping its
 * contents (the new part is not zeroed).  Small arrays are realloc'd;
 * large ones are mappings, grown with mremap where there is one (the
 * kernel moves page tables, not bytes).
 */
void *
rib_big_grow(struct rib *rib, void *p, size_t from, size_t to)
{
	void *np;

	if (to < BIG) {
		if ((np = realloc(p, to)) != NULL)
			rib->mem += to - from;
		return np;
	}
#ifdef MREMAP_MAYMOVE
	if (from >= BIG) {
		if ((np = mremap(p, from, to, MREMAP_MAYMOVE)) == MAP_FAILED)
			return NULL;
#ifdef MADV_HUGEPAGE
		(void)madvise(np, to, MADV_HUGEPAGE);
#endif
		rib->mem += to - from;
		return np;
	}
#endif
	if ((np = rib_map_big(to)) == NULL)
		return NULL;
	if (from > 0)
		memcpy(np, p, from);
	rib->mem += to;
	if (from >= BIG) {
		munmap(p, from);
		rib->mem -= from;
	} else
		rib_dealloc(rib, p, from);
	return np;
}

/* ---- tuple slabs --------------------------------------------------- */

/* The size class of a tuple of n bytes, and the class's size. */
static unsigned
tuple_class(size_t n, size_t *bytes)
{
	unsigned c;

	if (n <= TUPLE_SMALL * TUPLE_UNIT) {
		c = (unsigned)((n + TUPLE_UNIT - 1) / TUPLE_UNIT);
		*bytes = c * TUPLE_UNIT;
		return c;
	}
	for (c = TUPLE_SMALL + 1, *bytes = 512; *bytes < n; c++)
		*bytes *= 2;
	return c;
}

/* Every tuple is gone: give the slabs back (a RIB emptied by its sessions
 * going down returns to its first size). */
void
rib_slabs_release(struct rib *rib)
{
	size_t i;

	for (i = 0; i < rib->nslab; i++)
		rib_big_free(rib, rib->slab[i], rib->slab[i]->size);
	rib_dealloc(rib, rib->slab, rib->slabcap * sizeof(*rib->slab));
	rib->slab = NULL;
	rib->nslab = rib->slabcap = 0;
	rib->carve = 0;
	memset(rib->tfree, 0, sizeof(rib->tfree));
	rib_dealloc(rib, rib->tcache, TCACHE_SIZE * sizeof(*rib->tcache));
	rib->tcache = NULL;
}

/* A new slab with room for `need` bytes; -1 on ENOMEM. */
static int
slab_add(struct rib *rib, size_t need)
{
	struct rib_slab **ns, *s;
	size_t size, ncap;

	if (rib->nslab == SLAB_MAX)
		return -1;
	if (rib->nslab == rib->slabcap) {
		ncap = rib->slabcap == 0 ? 8 : rib->slabcap * 2;
		if ((ns = rib_alloc(rib, ncap * sizeof(*ns))) == NULL)
			return -1;
		if (rib->nslab > 0)
			memcpy(ns, rib->slab, rib->nslab * sizeof(*ns));
		rib_dealloc(rib, rib->slab, rib->slabcap * sizeof(*ns));
		rib->slab = ns;
		rib->slabcap = ncap;
	}
	/* Slabs double from 16 KiB to 2 MiB: small RIBs stay small. */
	size = rib->nslab == 0 ? SLAB_MIN : rib->slab[rib->nslab - 1]->size * 2;
	while (size < need + sizeof(*s))
		size *= 2;
	if (size > BIG)
		size = BIG;
	if ((s = rib_big_alloc(rib, size)) == NULL)
		return -1;
	s->size = size;
	rib->slab[rib->nslab++] = s;
	rib->carve = sizeof(*s);
	return 0;
}

/* A zeroed tuple of at least n bytes with its id and class set; NULL on
 * ENOMEM.  The rest of the newest slab is lost when a new one starts:
 * a fraction of a class, against 2 MiB. */
struct rib_tuple *
rib_tuple_alloc(struct rib *rib, size_t n)
{
	struct rib_tuple *a;
	struct rib_slab *s;
	size_t bytes;
	unsigned c;

	c = tuple_class(n, &bytes);
	if ((a = rib->tfree[c]) != NULL) {
		uint32_t id = a->id;

		rib->tfree[c] = a->next_free;
		memset(a, 0, bytes);
		a->id = id;
		a->cls = (uint8_t)c;
		return a;
	}
	if (rib->nslab == 0 ||
	    rib->slab[rib->nslab - 1]->size - rib->carve < bytes) {
		if (slab_add(rib, bytes) == -1)
			return NULL;
	}
	s = rib->slab[rib->nslab - 1];
	a = (struct rib_tuple *)(void *)((uint8_t *)s + rib->carve);
	memset(a, 0, bytes);
	a->id = (uint32_t)((rib->nslab - 1) << SLAB_SHIFT |
	    rib->carve / TUPLE_UNIT);
	a->cls = (uint8_t)c;
	rib->carve += bytes;
	return a;
}

/* Give a tuple's memory back to its size class. */
void
rib_tuple_free(struct rib *rib, struct rib_tuple *a)
{
	a->next_free = rib->tfree[a->cls];
	rib->tfree[a->cls] = a;
}
