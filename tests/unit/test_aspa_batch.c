/*
 * test_aspa_batch.c - aspa_index_hop_batch() and aspa_verify_batch()
 * give, field for field, what aspa_index_hop() and aspa_verify() give
 * one at a time: on the real AS paths of two full tables from the shared
 * MRT data (bgpdump's expected outputs: the 2015 table the benchmark
 * replays and a 2010 RIB dump, 1.2 M paths), against the 100 real ASPAs
 * of the 2025-07-20 rpki-client snapshot, a dense set made from the
 * paths' own adjacencies (every AS attested, some providers left out),
 * and a random set with long provider runs (binary search) and AS 0;
 * plus hand-made paths for what real tables lack (long paths walked in
 * place, empty paths, AS_SETs, confederations, every role, neighbour
 * mismatches); in batches of many sizes, past the groups of aspa.c.
 * Without the shared data the synthetic parts still run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "bgp/bgp_aspath_text.h"
#include "rpki/aspa.h"
#include "rpki/vrp.h"
#include "rpki/vrp_load.h"

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* Many paths in three growing arrays; segments and ASNs are kept as
 * offsets until fixup() makes them pointers. */
struct paths {
	struct bgp_aspath *p;
	size_t		 n, cap;
	struct bgp_as_segment *seg;
	size_t		 nseg, capseg;
	uint32_t	*asn;
	size_t		 nasn, capasn;
};

static void *
grow(void *a, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return a;
	*cap = need * 2 + 64;
	a = realloc(a, *cap * size);
	assert_non_null(a);
	return a;
}

static void
add_path(struct paths *ps, const struct bgp_aspath *src)
{
	struct bgp_aspath *p;
	uint32_t i;

	ps->p = grow(ps->p, &ps->cap, ps->n + 1, sizeof(*ps->p));
	ps->seg = grow(ps->seg, &ps->capseg, ps->nseg + src->nseg,
	    sizeof(*ps->seg));
	ps->asn = grow(ps->asn, &ps->capasn, ps->nasn + src->nasn,
	    sizeof(*ps->asn));
	p = &ps->p[ps->n++];
	p->seg = (const void *)(uintptr_t)ps->nseg;
	p->asns = (const void *)(uintptr_t)ps->nasn;
	p->nseg = src->nseg;
	p->nasn = src->nasn;
	for (i = 0; i < src->nseg; i++)
		ps->seg[ps->nseg++] = src->seg[i];
	for (i = 0; i < src->nasn; i++)
		ps->asn[ps->nasn++] = src->asns[i];
}

static void
add_text(struct paths *ps, struct bgp_aspath_text *t, const char *s)
{
	char err[128];

	if (bgp_aspath_text_parse(t, s, strlen(s), err, sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
	add_path(ps, &t->path);
}

static void
fixup(struct paths *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		ps->p[i].seg = ps->seg + (uintptr_t)ps->p[i].seg;
		ps->p[i].asns = ps->asn + (uintptr_t)ps->p[i].asns;
	}
}

static void
paths_free(struct paths *ps)
{
	free(ps->p);
	free(ps->seg);
	free(ps->asn);
	memset(ps, 0, sizeof(*ps));
}

static const char *
shared_dir(void)
{
	const char *s = getenv("SHARED");

	return s != NULL ? s : "../shared/data";
}

/* The AS paths (field 7) of the announcements of a bgpdump -m text,
 * gzip-compressed; false when the file is not there. */
static bool
read_mrt_text(struct paths *ps, const char *file)
{
	struct bgp_aspath_text *t;
	char path[1024], line[8192];
	gzFile f;

	snprintf(path, sizeof(path), "%s/mrt/bgpdump-test_expect/%s",
	    shared_dir(), file);
	if ((f = gzopen(path, "rb")) == NULL)
		return false;
	assert_non_null(t = malloc(sizeof(*t)));
	while (gzgets(f, line, sizeof(line)) != NULL) {
		char *fld[8], *s = line;
		int i;

		for (i = 0; i < 8 && s != NULL; i++) {
			fld[i] = s;
			if ((s = strchr(s, '|')) != NULL)
				*s++ = '\0';
		}
		if (i < 8 || (strcmp(fld[2], "A") != 0 &&
		    strcmp(fld[2], "B") != 0))
			continue;
		add_text(ps, t, fld[6]);
	}
	gzclose(f);
	free(t);
	return true;
}

/* Paths real tables lack: prepends, long paths (past the 256 ASNs that
 * aspa.c copies out), sets, confederations, empty; their ASNs drawn from
 * the paths already there (or small numbers). */
static void
add_odd_paths(struct paths *ps)
{
	struct bgp_aspath_text *t;
	char s[16384];
	size_t i, k, len, off;
	size_t nasn = ps->nasn;

	assert_non_null(t = malloc(sizeof(*t)));
	for (i = 0; i < 3000; i++) {
		len = 1 + rnd(i % 10 == 0 ? 400 : 8);
		for (off = 0, k = 0; k < len; k++) {
			uint32_t a = nasn > 0 && rnd(4) != 0 ?
			    ps->asn[rnd((uint32_t)nasn)] : 1 + rnd(50);
			const char *fmt;

			/* long paths stay sequences: a set would decide them
			 * before any hop */
			switch (len > 256 ? 3 : rnd(60)) {
			case 0:
				fmt = "{%u} ";		/* AS_SET */
				break;
			case 1:
				fmt = "(%u) ";		/* confederation */
				break;
			case 2:
				fmt = "%u %u ";		/* a prepend */
				break;
			default:
				fmt = "%u ";
			}
			off += (size_t)snprintf(s + off, sizeof(s) - off, fmt,
			    a, a);
		}
		add_text(ps, t, s);
	}
	add_text(ps, t, "");	/* empty */
	free(t);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The dense set: each AS of the paths lists the ASes seen just before
 * it (its upstreams) in some path, but 1 in 7 of them is left out (a
 * "not provider+" hop) and 1 in 10 ASes has no ASPA. */
static void
dense_list(const struct paths *ps, struct aspa_list *l)
{
	uint64_t *pair = NULL;
	uint32_t *pv;
	size_t np = 0, cap = 0, i, j;

	for (i = 0; i < ps->n; i++) {
		const struct bgp_aspath *p = &ps->p[i];

		for (j = 1; j < p->nasn; j++)
			if (p->asns[j] != p->asns[j - 1] && p->asns[j] != 0) {
				pair = grow(pair, &cap, np + 1, sizeof(*pair));
				pair[np++] = (uint64_t)p->asns[j] << 32 |
				    p->asns[j - 1];
			}
	}
	qsort(pair, np, sizeof(*pair), cmp_u64);
	assert_non_null(pv = malloc(ASPA_MAX_PROVIDERS * sizeof(*pv)));
	memset(l, 0, sizeof(*l));
	for (i = 0; i < np; i = j) {
		uint32_t c = (uint32_t)(pair[i] >> 32);
		size_t n = 0;
		const char *why;

		for (j = i; j < np && pair[j] >> 32 == c; j++)
			if (n < ASPA_MAX_PROVIDERS && rnd(7) != 0)
				pv[n++] = (uint32_t)pair[j];
		if (n > 0 && c % 10 != 0)
			assert_int_equal(aspa_list_add(l, c, pv, n, 0,
			    ASPA_TA_NONE, &why), 0);
	}
	free(pv);
	free(pair);
}

/* A random set over ASNs 1..RND_ASNS: half of them customers, with 1 to
 * 3 providers mostly, 40 to 100 (binary search) for 1 in 8, and AS 0
 * among them now and then. */
#define RND_ASNS	3000

static void
random_list(struct aspa_list *l)
{
	uint32_t pv[100], c;
	size_t n, k;
	const char *why;

	memset(l, 0, sizeof(*l));
	for (c = 1; c <= RND_ASNS; c++) {
		if (rnd(2) == 0)
			continue;
		n = rnd(8) == 0 ? 40 + rnd(61) : 1 + rnd(3);
		for (k = 0; k < n; k++)
			pv[k] = rnd(30) == 0 ? 0 : 1 + rnd(RND_ASNS);
		assert_int_equal(aspa_list_add(l, c, pv, n, 0, ASPA_TA_NONE,
		    &why), 0);
	}
}

/* Random paths over the random set's ASNs, 1 to 12 long, climbing from
 * the origin through one of its providers 3 times in 4 (so that every
 * verdict comes up), then the odd ones of add_odd_paths(). */
static void
random_paths(struct paths *ps, const struct aspa_list *l)
{
	struct bgp_aspath_text *t;
	int32_t rec[RND_ASNS + 1];
	uint32_t chain[12], a;
	char s[256];
	size_t i, k, len, off;

	for (a = 0; a <= RND_ASNS; a++)
		rec[a] = -1;
	for (i = 0; i < l->n; i++)
		rec[l->r[i].customer] = (int32_t)i;
	assert_non_null(t = malloc(sizeof(*t)));
	for (i = 0; i < 200000; i++) {
		a = 1 + rnd(RND_ASNS);
		for (len = 1 + rnd(12), k = 0; k < len; k++) {
			const struct aspa_record *r;

			chain[k] = a;
			if (rec[a] < 0 || rnd(4) == 0 ||
			    (r = &l->r[rec[a]], a = l->pool[r->first +
			    rnd(r->nproviders)]) == 0)
				a = 1 + rnd(RND_ASNS);
		}
		/* neighbour first, origin last */
		for (off = 0, k = len; k-- > 0; )
			off += (size_t)snprintf(s + off, sizeof(s) - off, "%u ",
			    chain[k]);
		add_text(ps, t, s);
		if (i % 4000 == 0)
			add_text(ps, t, "");	/* empty */
	}
	free(t);
	add_odd_paths(ps);
}

/* Batch sizes, used in turn: 1, below, at and past the groups. */
static const size_t sizes[] = {
	1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 100, 1000, 65536,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

struct tally {
	size_t	 hop[3];		/* enum aspa_hop */
	size_t	 state[3];		/* enum aspa_state, where it applies */
	size_t	 reason[5];		/* enum aspa_reason */
	size_t	 not_applied, hops, verdicts;
};

/* Every hop of every path (customer the AS nearer the origin) and as
 * many random pairs, batched in runs of every size of sizes[]. */
static void
compare_hops(const struct aspa_index *ix, const struct paths *ps,
    struct tally *t)
{
	uint32_t *cu, *pr;
	enum aspa_hop *out;
	size_t n = 0, i, j, at, z = 0, m;

	for (i = 0; i < ps->n; i++)
		n += ps->p[i].nasn > 0 ? 2 * (ps->p[i].nasn - 1) : 0;
	cu = malloc((n + 1) * sizeof(*cu));
	pr = malloc((n + 1) * sizeof(*pr));
	out = malloc((n + 1) * sizeof(*out));
	assert_true(cu != NULL && pr != NULL && out != NULL);
	for (n = 0, i = 0; i < ps->n; i++) {
		const struct bgp_aspath *p = &ps->p[i];

		for (j = 1; j < p->nasn; j++) {
			cu[n] = p->asns[j];
			pr[n++] = p->asns[j - 1];
			/* and a random pair of ASes seen */
			cu[n] = ps->asn[rnd((uint32_t)ps->nasn)];
			pr[n++] = rnd(50) == 0 ? 0 :
			    ps->asn[rnd((uint32_t)ps->nasn)];
		}
	}
	for (at = 0; at < n; at += m) {
		m = sizes[z++ % NSIZES];
		if (m > n - at)
			m = n - at;
		aspa_index_hop_batch(ix, cu + at, pr + at, m, out + at);
	}
	for (i = 0; i < n; i++) {
		enum aspa_hop want = aspa_index_hop(ix, cu[i], pr[i]);

		if (out[i] != want)
			fail_msg("hop %zu (AS%u -> AS%u): batched %d, one at a "
			    "time %d", i, cu[i], pr[i], out[i], want);
		t->hop[want]++;
	}
	t->hops += n;
	free(cu);
	free(pr);
	free(out);
}

/* The sentinel both results start from: a field not written stays. */
#define UNTOUCHED	0xa5

/* Every path under every role, neighbour its first AS (or another AS,
 * or 0), verified in batches of every size of sizes[]. */
static void
compare_verify(const struct aspa_index *ix, const struct paths *ps,
    struct tally *t)
{
	static const enum bgp_role roles[] = {
		BGP_ROLE_UNKNOWN, BGP_ROLE_PROVIDER, BGP_ROLE_RS,
		BGP_ROLE_RS_CLIENT, BGP_ROLE_CUSTOMER, BGP_ROLE_PEER,
	};
	const struct bgp_aspath **pp;
	uint32_t *nb;
	enum bgp_role *rl;
	struct aspa_result *res, one;
	bool *ap;
	size_t n = ps->n, i, at, z = 0, m;

	pp = malloc((n + 1) * sizeof(*pp));
	nb = malloc((n + 1) * sizeof(*nb));
	rl = malloc((n + 1) * sizeof(*rl));
	res = malloc((n + 1) * sizeof(*res));
	ap = malloc((n + 1) * sizeof(*ap));
	assert_true(pp != NULL && nb != NULL && rl != NULL && res != NULL &&
	    ap != NULL);
	for (i = 0; i < n; i++) {
		const struct bgp_aspath *p = &ps->p[i];
		uint32_t r = rnd(10);

		pp[i] = p;
		rl[i] = roles[rnd(sizeof(roles) / sizeof(roles[0]))];
		nb[i] = r < 7 && p->nasn > 0 ? p->asns[0] : r < 8 ?
		    ps->asn[rnd((uint32_t)ps->nasn)] : 0;
	}
	memset(res, UNTOUCHED, (n + 1) * sizeof(*res));
	memset(ap, UNTOUCHED, (n + 1) * sizeof(*ap));
	for (at = 0; at < n; at += m) {
		m = sizes[z++ % NSIZES];
		if (m > n - at)
			m = n - at;
		aspa_verify_batch(ix, pp + at, m, nb + at, rl + at, res + at,
		    ap + at);
	}
	for (i = 0; i < n; i++) {
		bool want;

		memset(&one, UNTOUCHED, sizeof(one));
		want = aspa_verify(ix, pp[i], nb[i], rl[i], &one);
		if (ap[i] != want || memcmp(&res[i], &one, sizeof(one)) != 0)
			fail_msg("path %zu (role %d, neighbour AS%u): batched "
			    "%d %d/%d/%d AS%u->AS%u, one at a time %d "
			    "%d/%d/%d AS%u->AS%u", i, rl[i], nb[i], ap[i],
			    res[i].state, res[i].procedure, res[i].reason,
			    res[i].hop_customer, res[i].hop_provider, want,
			    one.state, one.procedure, one.reason,
			    one.hop_customer, one.hop_provider);
		if (!want) {
			t->not_applied++;
			continue;
		}
		t->state[one.state]++;
		t->reason[one.reason]++;
	}
	t->verdicts += n;
	free(pp);
	free(nb);
	free(rl);
	free(res);
	free(ap);
}

static void
compare_all(const char *name, const struct aspa_list *l,
    const struct paths *ps, bool every_outcome)
{
	struct aspa_index *ix;
	struct tally t;
	size_t k;

	memset(&t, 0, sizeof(t));
	assert_non_null(ix = aspa_index_build(l));
	compare_hops(ix, ps, &t);
	compare_verify(ix, ps, &t);
	print_message("%s: %zu customers; %zu hops: %zu no attestation, %zu "
	    "provider+, %zu not provider+; %zu paths: %zu valid, %zu "
	    "invalid, %zu unknown, %zu no procedure\n", name,
	    aspa_index_customers(ix), t.hops, t.hop[ASPA_HOP_NO_ATTESTATION],
	    t.hop[ASPA_HOP_PROVIDER], t.hop[ASPA_HOP_NOT_PROVIDER],
	    t.verdicts, t.state[ASPA_VALID], t.state[ASPA_INVALID],
	    t.state[ASPA_UNKNOWN], t.not_applied);
	/* the inputs reached every answer the batches could get wrong */
	if (every_outcome) {
		for (k = 0; k < 3; k++) {
			assert_true(t.hop[k] > 1000);
			assert_true(t.state[k] > 1000);
		}
		for (k = 0; k < 5; k++)
			assert_true(t.reason[k] > 0);
		assert_true(t.not_applied > 1000);
	}
	aspa_index_free(ix);
	/* no index: every hop unattested, as one at a time says */
	if (every_outcome) {
		memset(&t, 0, sizeof(t));
		compare_hops(NULL, ps, &t);
		compare_verify(NULL, ps, &t);
	}
}

/* Synthetic: the random set on random paths. */
static void
test_random(void **state)
{
	struct aspa_list l;
	struct paths ps;

	(void)state;
	memset(&ps, 0, sizeof(ps));
	random_list(&l);
	random_paths(&ps, &l);
	fixup(&ps);
	compare_all("random set, random paths", &l, &ps, true);
	aspa_list_free(&l);
	paths_free(&ps);
}

/* Real paths (two full tables) with the real ASPAs and the dense set. */
static void
test_real(void **state)
{
	struct vrp_set *set;
	struct aspa_list dense;
	struct paths ps;
	char path[1024];

	(void)state;
	memset(&ps, 0, sizeof(ps));
	snprintf(path, sizeof(path), "%s/vrps/rpki-client-9.x-2025-07-20/"
	    "rpkiclient_summary_20250720T093135Z.json.bz2", shared_dir());
	if (access(path, R_OK) != 0 ||
	    !read_mrt_text(&ps, "updates.et-header.2015.gz.bgp.gz") ||
	    !read_mrt_text(&ps, "bview.20100701.0759.gz.bgp.gz")) {
		/* tests/run.sh counts this line as a skipped part. */
		printf("SKIP-PART: test_real: no rpki-client snapshot or MRT "
		    "texts in $SHARED\n");
		paths_free(&ps);
		skip();
		return;
	}
	assert_true(ps.n > 1000000);
	add_odd_paths(&ps);
	fixup(&ps);
	assert_non_null(set = vrp_load_file(path));
	assert_int_equal(set->aspa.n, 100);
	compare_all("real ASPAs, real paths", &set->aspa, &ps, false);
	vrp_set_free(set);
	dense_list(&ps, &dense);
	compare_all("dense set, real paths", &dense, &ps, true);
	aspa_list_free(&dense);
	paths_free(&ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
