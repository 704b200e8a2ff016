/*
 * test_rov_batch.c - rov_check_batch() gives, byte for byte, what
 * rov_check() gives for every route: on random sets (nested prefixes,
 * AS0, short maxLengths, one dense bucket that takes the search tree),
 * and on the real 2025-07-20 snapshot with millions of random and
 * VRP-derived routes, edge lengths (/0, /32, /128), AS0 and no origin
 * (AS_SET), in batches of every size from 1 to past the window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/addr.h"
#include "rpki/rov.h"
#include "builders.h"

struct routes {
	struct prefix	*p;
	const struct prefix **pp;
	bool		*has_origin;
	uint32_t	*origin;
	size_t		 n, cap;
	struct rov_result *want, *got;
};

static void
routes_init(struct routes *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->p = calloc(cap, sizeof(*r->p));
	r->pp = calloc(cap, sizeof(*r->pp));
	r->has_origin = calloc(cap, sizeof(*r->has_origin));
	r->origin = calloc(cap, sizeof(*r->origin));
	r->want = calloc(cap, sizeof(*r->want));
	r->got = calloc(cap, sizeof(*r->got));
	assert_true(r->p && r->pp && r->has_origin && r->origin && r->want &&
	    r->got);
}

static void
routes_free(struct routes *r)
{
	free(r->p);
	free(r->pp);
	free(r->has_origin);
	free(r->origin);
	free(r->want);
	free(r->got);
}

/* Add a route; the origin: mostly one of `asns`, some AS0, some none. */
static void
add(struct routes *r, const struct prefix *p, uint32_t asn)
{
	if (r->n == r->cap)
		return;
	r->p[r->n] = *p;
	r->pp[r->n] = &r->p[r->n];
	switch (b_rnd(10)) {
	case 0:
		r->has_origin[r->n] = false;	/* AS_SET or empty path */
		r->origin[r->n] = 0;
		break;
	case 1:
		r->has_origin[r->n] = true;
		r->origin[r->n] = 0;		/* AS0 as the origin */
		break;
	case 2:
		r->has_origin[r->n] = true;
		r->origin[r->n] = b_asn_pool[b_rnd(B_NPOOL)];
		break;
	default:
		r->has_origin[r->n] = true;
		r->origin[r->n] = asn;
	}
	r->n++;
}

/* A route near prefix v: itself, shorter, longer, a bit flipped. */
static void
add_near(struct routes *r, const struct prefix *v, uint32_t asn)
{
	unsigned max = addr_maxlen(v->family);
	int len = (int)v->len + (int)b_rnd(14) - 4;
	struct prefix p = *v;

	if (len < 0)
		len = 0;
	if (len > (int)max)
		len = (int)max;
	if ((unsigned)len > p.len)
		b_randomise(&p, p.len, (unsigned)len);
	else {
		p.len = (uint8_t)len;
		prefix_mask(&p);
	}
	if (b_rnd(5) == 0 && p.len > 0)
		p.a[b_rnd(p.len) / 8] ^= (uint8_t)(0x80 >> b_rnd(8));
	prefix_mask(&p);
	add(r, &p, asn);
}

/* Random routes of both families, every length including 0 and max;
 * IPv6 mostly in 2000::/3, where the index's buckets are. */
static void
add_random(struct routes *r, uint32_t asn)
{
	struct prefix p;
	unsigned max;

	memset(&p, 0, sizeof(p));
	p.family = b_rnd(2) ? ADDR_V6 : ADDR_V4;
	max = addr_maxlen(p.family);
	if (p.family == ADDR_V6 && b_rnd(4) != 0) {
		p.a[0] = 0x20;
		b_randomise(&p, 3, 3 + b_rnd(max - 3 + 1));
	} else
		b_randomise(&p, 0, b_rnd(4) == 0 ? (b_rnd(2) ? 0 : max) :
		    b_rnd(max + 1));
	add(r, &p, asn);
}

/* Edge lengths: /0, /1 and the family's full length. */
static void
add_edges(struct routes *r, const struct prefix *v, uint32_t asn)
{
	static const unsigned lens[] = { 0, 1, 32, 128 };
	struct prefix p;
	unsigned k;

	for (k = 0; k < 4; k++) {
		if (lens[k] > addr_maxlen(v->family))
			continue;
		p = *v;
		if (lens[k] > p.len)
			b_randomise(&p, p.len, lens[k]);
		else {
			p.len = (uint8_t)lens[k];
			prefix_mask(&p);
		}
		add(r, &p, asn);
	}
}

/*
 * rov_check() on each route, then rov_check_batch() over the routes in
 * runs of `batch` (the last run shorter): the results must be equal byte
 * for byte (both arrays zeroed first, so unused vrps[] slots compare).
 */
static void
compare_batch(const struct rov_index *ri, struct routes *r, size_t batch)
{
	char buf[PREFIX_STRLEN];
	size_t i, k;

	memset(r->want, 0, r->n * sizeof(*r->want));
	memset(r->got, 0, r->n * sizeof(*r->got));
	for (i = 0; i < r->n; i++)
		rov_check(ri, &r->p[i], r->has_origin[i], r->origin[i],
		    &r->want[i]);
	for (i = 0; i < r->n; i += k) {
		k = r->n - i < batch ? r->n - i : batch;
		rov_check_batch(ri, &r->pp[i], k, &r->has_origin[i],
		    &r->origin[i], &r->got[i]);
	}
	for (i = 0; i < r->n; i++)
		if (memcmp(&r->want[i], &r->got[i], sizeof(r->want[i])) != 0)
			fail_msg("%s origin %s%u, batch %zu: got %s/%d/%u/%u, "
			    "rov_check %s/%d/%u/%u",
			    prefix_fmt(&r->p[i], buf, sizeof(buf)),
			    r->has_origin[i] ? "AS" : "none ", r->origin[i],
			    batch, rov_state_name(r->got[i].state),
			    r->got[i].reason, r->got[i].ncovering,
			    r->got[i].nvrps, rov_state_name(r->want[i].state),
			    r->want[i].reason, r->want[i].ncovering,
			    r->want[i].nvrps);
}

static const size_t batches[] = { 1, 2, 7, 8, 16, 17, 31, 64, 1000 };
#define NBATCHES (sizeof(batches) / sizeof(batches[0]))

/* Counts of the outcomes, so that the test shows it reached each. */
static void
tally(const struct routes *r, unsigned seen[3])
{
	size_t i;

	for (i = 0; i < r->n; i++)
		seen[r->want[i].state]++;
}

static void
test_random_sets(void **state)
{
	struct routes r;
	struct b_roots roots;
	struct rov_index *ri;
	const struct vrp_set *s;
	unsigned c, seen[3] = { 0, 0, 0 };
	size_t i, b;

	(void)state;
	b_rng_seed(0x2545f4914f6cdd1dull);
	routes_init(&r, 4000);
	for (c = 0; c < 400; c++) {
		b_random_roots(&roots, 4);
		ri = b_random_rov_index(&roots,
		    1 + b_rnd(c % 8 == 0 ? 3000 : 150), c % 4 == 0);
		s = rov_index_set(ri);
		r.n = 0;
		while (r.n < r.cap) {
			const struct vrp *v = &s->v[b_rnd((unsigned)s->n)];

			switch (b_rnd(8)) {
			case 0:
				add_random(&r, v->asn);
				break;
			case 1:
				add_edges(&r, &v->prefix, v->asn);
				break;
			default:
				add_near(&r, &v->prefix, v->asn);
			}
		}
		for (b = 0; b < NBATCHES; b++)
			compare_batch(ri, &r, batches[b]);
		tally(&r, seen);
		rov_index_free(ri);
	}
	/* no index: every route NOT_FOUND, as rov_check() says */
	for (i = 0; i < 100; i++)
		add_random(&r, 1);
	compare_batch(NULL, &r, 16);
	print_message("random sets: %u not-found, %u valid, %u invalid\n",
	    seen[ROV_NOT_FOUND], seen[ROV_VALID], seen[ROV_INVALID]);
	for (c = 0; c < 3; c++)
		assert_true(seen[c] > 10000);
	routes_free(&r);
}

/* The real snapshot: 3 M routes, a third random, two thirds derived. */
static void
test_real_snapshot(void **state)
{
	struct vrp_set *set;
	struct rov_index *ri;
	const struct vrp_set *s;
	struct routes r;
	unsigned seen[3] = { 0, 0, 0 }, c;
	size_t b;

	(void)state;
	set = b_real_vrps("rpkiclient_summary_20250720T093135Z.json.bz2");
	if (set == NULL) {
		printf("SKIP-PART: test_real_snapshot: no rpki-client "
		    "snapshot in $SHARED/vrps/\n");
		skip();
		return;
	}
	assert_non_null(ri = rov_index_build(set));
	s = rov_index_set(ri);
	routes_init(&r, 1000000);
	for (c = 0; c < 3; c++) {
		r.n = 0;
		while (r.n < r.cap) {
			const struct vrp *v = &s->v[b_rnd((unsigned)s->n)];

			switch (b_rnd(12)) {
			case 0: case 1: case 2: case 3:
				add_random(&r, v->asn);
				break;
			case 4:
				add_edges(&r, &v->prefix, v->asn);
				break;
			default:
				add_near(&r, &v->prefix, v->asn);
			}
		}
		for (b = c; b < NBATCHES; b += 3)
			compare_batch(ri, &r, batches[b]);
		tally(&r, seen);
	}
	print_message("real snapshot: %u not-found, %u valid, %u invalid\n",
	    seen[ROV_NOT_FOUND], seen[ROV_VALID], seen[ROV_INVALID]);
	for (c = 0; c < 3; c++)
		assert_true(seen[c] > 100000);
	routes_free(&r);
	rov_index_free(ri);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_sets),
		cmocka_unit_test(test_real_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
