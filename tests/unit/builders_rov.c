/*
 * builders_rov.c - ROV indexes for the tests (builders.h): from text
 * lines, random sets, the shared real snapshots; its own object so that
 * only the tests that build one link the RPKI code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "builders.h"
#include "rpki/rov.h"
#include "rpki/vrp.h"
#include "rpki/vrp_load.h"

struct rov_index *
b_rov_index(const char *const *lines)
{
	struct vrp_set *set;
	struct rov_index *ri;
	struct prefix p;
	char ps[64];
	unsigned maxlen;
	unsigned long asn;
	const char *why;

	assert_non_null(set = vrp_set_new());
	for (; *lines != NULL; lines++) {
		assert_int_equal(sscanf(*lines, "%63s %u %lu", ps, &maxlen,
		    &asn), 3);
		p = b_prefix(ps);
		assert_int_equal(vrp_set_add(set, &p, maxlen, asn, "test", 0,
		    &why), 0);
	}
	vrp_set_finish(set);
	assert_non_null(ri = rov_index_build(set));
	return ri;
}

/* ---- random sets ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

void
b_rng_seed(uint64_t seed)
{
	rng_state = seed != 0 ? seed : 1;	/* xorshift never leaves 0 */
}

uint64_t
b_rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

unsigned
b_rnd(unsigned n)
{
	return (unsigned)(b_rng() % n);
}

void
b_randomise(struct prefix *p, unsigned from, unsigned len)
{
	unsigned b;

	for (b = from; b < len; b++) {
		if (b_rnd(2))
			p->a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		else
			p->a[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	}
	p->len = (uint8_t)len;
	prefix_mask(p);
}

const uint32_t b_asn_pool[B_NPOOL] = {
	0, 1, 2, 3, 13335, 64500, 64501, 4200000000u, 4294967294u,
};

void
b_random_roots(struct b_roots *r, unsigned n)
{
	unsigned f, i;

	assert_true(n >= 1 && n <= B_MAXROOTS);
	memset(r, 0, sizeof(*r));
	r->n = n;
	for (f = 0; f < 2; f++)
		for (i = 0; i < n; i++) {
			struct prefix *p = &r->p[f][i];

			p->family = f ? ADDR_V6 : ADDR_V4;
			if (f) {
				p->a[0] = 0x20;
				b_randomise(p, 3, 3 + b_rnd(38));
			} else
				b_randomise(p, 0, b_rnd(17));
		}
}

struct prefix
b_random_prefix(uint8_t fam, const struct b_roots *r)
{
	unsigned max = addr_maxlen(fam), len;
	struct prefix p;

	if (b_rnd(10) == 0) {
		memset(&p, 0, sizeof(p));
		p.family = fam;
		b_randomise(&p, 0, b_rnd(max + 1));
		return p;
	}
	p = r->p[fam == ADDR_V6][b_rnd(r->n)];
	len = p.len + b_rnd(max - p.len + 1);
	if (b_rnd(2))	/* bias towards short extensions: more nesting */
		len = p.len + b_rnd((len - p.len) / 2 + 1);
	b_randomise(&p, p.len, len);
	return p;
}

struct rov_index *
b_random_rov_index(const struct b_roots *r, unsigned nvrps, bool dense)
{
	struct prefix p, bucket;
	struct vrp_set *set;
	struct rov_index *ri;
	unsigned i, maxlen;

	memset(&bucket, 0, sizeof(bucket));
	bucket.family = ADDR_V4;
	b_randomise(&bucket, 0, 18);
	assert_non_null(set = vrp_set_new());
	for (i = 0; i < nvrps + (dense ? 200 : 0); i++) {
		if (i >= nvrps) {	/* the dense bucket */
			p = bucket;
			b_randomise(&p, 18, 19 + b_rnd(14));
		} else
			p = b_random_prefix(b_rnd(3) == 0 ? ADDR_V6 : ADDR_V4,
			    r);
		maxlen = p.len + b_rnd(addr_maxlen(p.family) - p.len + 1);
		if (b_rnd(3) == 0) {	/* short maxLengths: "length" */
			maxlen = p.len + b_rnd(3);
			if (maxlen > addr_maxlen(p.family))
				maxlen = addr_maxlen(p.family);
		}
		assert_int_equal(vrp_set_add(set, &p, maxlen,
		    b_asn_pool[b_rnd(B_NPOOL)], "t", 0, NULL), 0);
	}
	vrp_set_finish(set);
	assert_non_null(ri = rov_index_build(set));
	return ri;
}

struct vrp_set *
b_real_vrps(const char *file)
{
	const char *shared = getenv("SHARED");
	struct vrp_set *set;
	char path[1024];

	snprintf(path, sizeof(path), "%s/vrps/rpki-client-9.x-2025-07-20/%s",
	    shared != NULL ? shared : "../shared/data", file);
	if (access(path, R_OK) != 0)
		return NULL;
	if ((set = vrp_load_file(path)) == NULL)
		fail_msg("%s: vrp_load_file failed", path);
	return set;
}
