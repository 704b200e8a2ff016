/*
 * bench_aspa.c - ASPA hop index and path verification figures on real AS
 * paths.
 *
 *	build/bench_aspa [-j] [-n ROUNDS] VRPFILE PATHS
 *
 * VRPFILE is loaded with vrp_load() (its "aspas" are the real ASPA
 * set); PATHS holds one AS path per line as bgpdump -m prints them
 * (field 7), e.g. every route of a full table in the order the speaker
 * sent it.  Two ASPA sets are measured:
 *   real   the file's ASPAs (100 in the 2025-07-20 snapshot: most hops of
 *          2015 paths are unattested and a walk stops early);
 *   dense  every AS of the paths holds an ASPA listing every AS seen just
 *          before it in some path, so every hop is "provider+" and both
 *          procedures walk every path to its end: the worst case on
 *          real paths;
 *   large  synthetic: a million customers and a million paths of 2 to 6
 *          of them (large_sets() below): an index past the caches.
 * For each: the index build time, hop lookups per second (every adjacent
 * pair of every path, in file order) one at a time (aspa_index_hop())
 * and batched (aspa_index_hop_batch() on all of them), the same with a
 * hash of (customer, provider) pairs (the alternative design), and
 * aspa_verify() calls per second for the upstream (role customer) and
 * downstream (role provider) procedures, one at a time and batched
 * (aspa_verify_batch()), each the best of ROUNDS (default 5) passes.
 * Every batched and pair-hash answer is checked against the one-at-a-time
 * one (exit 3 if one differs).
 * Numbers are reported, never asserted; -j prints one JSON object
 * (tests/bench.py reads it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/log.h"
#include "rpki/aspa.h"
#include "rpki/vrp.h"
#include "rpki/vrp_load.h"

struct paths {
	struct bgp_aspath *p;
	size_t		 n, cap;
	struct bgp_as_segment *seg;
	size_t		 nseg, capseg;
	uint32_t	*asn;
	size_t		 nasn, capasn;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
grow(void *a, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return a;
	*cap = need * 2 + 16;
	if ((a = realloc(a, *cap * size)) == NULL) {
		perror("realloc");
		exit(3);
	}
	return a;
}

/* One bgpdump path: ASNs, "{a,b}" sets; segments stored as offsets
 * (fixed up to pointers once everything is read). */
static void
add_line(struct paths *ps, const char *s)
{
	uint8_t type = AS_SEQUENCE;
	bool open = false;
	struct bgp_aspath *p;

	ps->p = grow(ps->p, &ps->cap, ps->n + 1, sizeof(*ps->p));
	p = &ps->p[ps->n++];
	memset(p, 0, sizeof(*p));
	p->seg = (void *)(uintptr_t)ps->nseg;	/* offsets for now */
	p->asns = (void *)(uintptr_t)ps->nasn;
	while (*s != '\0' && *s != '\n') {
		char *end;
		unsigned long a;

		if (*s == '{' || *s == '}') {
			type = *s == '{' ? AS_SET : AS_SEQUENCE;
			open = false;
			s++;
			continue;
		}
		if (*s == ' ' || *s == ',') {
			s++;
			continue;
		}
		a = strtoul(s, &end, 10);
		if (end == s) {
			s++;
			continue;
		}
		s = end;
		if (!open) {
			ps->seg = grow(ps->seg, &ps->capseg, ps->nseg + 1,
			    sizeof(*ps->seg));
			ps->seg[ps->nseg].type = type;
			ps->seg[ps->nseg].start = p->nasn;
			ps->seg[ps->nseg].count = 0;
			ps->nseg++;
			p->nseg++;
			open = true;
		}
		ps->asn = grow(ps->asn, &ps->capasn, ps->nasn + 1,
		    sizeof(*ps->asn));
		ps->asn[ps->nasn++] = (uint32_t)a;
		ps->seg[ps->nseg - 1].count++;
		p->nasn++;
	}
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

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The dense set: customer = an AS, providers = the ASes just before it
 * (upstream) in some path, from the sorted distinct adjacencies. */
static void
dense_list(const struct paths *ps, struct aspa_list *l)
{
	uint64_t *pair = NULL;
	size_t np = 0, cap = 0, i, j;

	for (i = 0; i < ps->n; i++) {
		const struct bgp_aspath *p = &ps->p[i];

		for (j = 1; j < p->nasn; j++)
			if (p->asns[j] != p->asns[j - 1]) {
				pair = grow(pair, &cap, np + 1, sizeof(*pair));
				pair[np++] = (uint64_t)p->asns[j] << 32 |
				    p->asns[j - 1];
			}
	}
	qsort(pair, np, sizeof(*pair), cmp_u64);
	memset(l, 0, sizeof(*l));
	l->r = calloc(np + 1, sizeof(*l->r));
	l->pool = calloc(np + 1, sizeof(*l->pool));
	if (l->r == NULL || l->pool == NULL) {
		perror("calloc");
		exit(3);
	}
	for (i = 0; i < np; i++) {
		uint32_t c = (uint32_t)(pair[i] >> 32);

		if (i > 0 && pair[i] == pair[i - 1])
			continue;
		if (l->n == 0 || l->r[l->n - 1].customer != c) {
			l->r[l->n].customer = c;
			l->r[l->n].first = (uint32_t)l->npool;
			l->n++;
		}
		l->pool[l->npool++] = (uint32_t)pair[i];
		l->r[l->n - 1].nproviders++;
	}
	free(pair);
}

/*
 * The alternative the index's essay weighs (src/rpki/aspa.c): one
 * open-addressing hash of (customer, provider) pairs, with (customer, 0)
 * marking "has an ASPA" (AS 0 never authorises, so the pair is free).
 * A "provider+" answer is one probe; the others take two.  Measured on
 * the same hops, for docs/aspa.md.
 */
struct pairs {
	uint64_t	*key;	/* 0: empty (customer 0 is never stored) */
	size_t		 mask;
};

static void
pairs_put(struct pairs *t, uint64_t k)
{
	size_t i = (size_t)hash_fmix64(k) & t->mask;

	while (t->key[i] != 0 && t->key[i] != k)
		i = (i + 1) & t->mask;
	t->key[i] = k;
}

static bool
pairs_has(const struct pairs *t, uint64_t k)
{
	size_t i = (size_t)hash_fmix64(k) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		if (t->key[i] == k)
			return true;
		if (t->key[i] == 0)
			return false;
	}
}

static void
pairs_build(const struct aspa_list *l, struct pairs *t)
{
	size_t i, k, n = 16;

	while (n < 2 * (l->npool + l->n))
		n *= 2;
	t->mask = n - 1;
	if ((t->key = calloc(n, sizeof(*t->key))) == NULL) {
		perror("calloc");
		exit(3);
	}
	for (i = 0; i < l->n; i++) {
		uint64_t c = (uint64_t)l->r[i].customer << 32;

		if (c == 0)
			continue;
		pairs_put(t, c);
		for (k = 0; k < l->r[i].nproviders; k++)
			if (l->pool[l->r[i].first + k] != 0)
				pairs_put(t, c | l->pool[l->r[i].first + k]);
	}
}

static enum aspa_hop
pairs_hop(const struct pairs *t, uint32_t c, uint32_t p)
{
	uint64_t k = (uint64_t)c << 32;

	if (c == 0)
		return ASPA_HOP_NO_ATTESTATION;
	if (p != 0 && pairs_has(t, k | p))
		return ASPA_HOP_PROVIDER;
	return pairs_has(t, k) ? ASPA_HOP_NOT_PROVIDER :
	    ASPA_HOP_NO_ATTESTATION;
}

struct figures {
	double	 build_s;
	size_t	 customers;
	double	 hops_per_s, hops_batched_per_s, pair_hops_per_s;
	double	 up_per_s, down_per_s, up_batched_per_s, down_batched_per_s;
	size_t	 hops;
	size_t	 verdicts[2][3];	/* [procedure][state] */
};

/* Every hop of every path, in file order: customer[k] -> provider[k]. */
struct hops {
	uint32_t	*customer, *provider;
	enum aspa_hop	*out;
	size_t		 n;
};

static void
hops_of(const struct paths *ps, struct hops *h)
{
	size_t i, j, n = 0;

	for (i = 0; i < ps->n; i++)
		n += ps->p[i].nasn > 0 ? ps->p[i].nasn - 1 : 0;
	h->customer = malloc((n + 1) * sizeof(*h->customer));
	h->provider = malloc((n + 1) * sizeof(*h->provider));
	h->out = malloc((n + 1) * sizeof(*h->out));
	if (h->customer == NULL || h->provider == NULL || h->out == NULL) {
		perror("malloc");
		exit(3);
	}
	for (h->n = 0, i = 0; i < ps->n; i++) {
		const struct bgp_aspath *p = &ps->p[i];

		for (j = 1; j < p->nasn; j++) {
			h->customer[h->n] = p->asns[j];
			h->provider[h->n++] = p->asns[j - 1];
		}
	}
}

static void
hops_free(struct hops *h)
{
	free(h->customer);
	free(h->provider);
	free(h->out);
}

/* The batched path inputs: pointers, neighbours, one role for all. */
struct batch_in {
	const struct bgp_aspath **p;
	uint32_t	*neighbor;
	enum bgp_role	*role;
	struct aspa_result *res;
	bool		*applies;
};

static void
batch_in_of(const struct paths *ps, struct batch_in *b)
{
	size_t i, n = ps->n + 1;

	b->p = malloc(n * sizeof(*b->p));
	b->neighbor = malloc(n * sizeof(*b->neighbor));
	b->role = malloc(n * sizeof(*b->role));
	b->res = malloc(n * sizeof(*b->res));
	b->applies = malloc(n * sizeof(*b->applies));
	if (b->p == NULL || b->neighbor == NULL || b->role == NULL ||
	    b->res == NULL || b->applies == NULL) {
		perror("malloc");
		exit(3);
	}
	for (i = 0; i < ps->n; i++) {
		b->p[i] = &ps->p[i];
		b->neighbor[i] = ps->p[i].nasn > 0 ? ps->p[i].asns[0] : 0;
	}
}

static void
batch_in_free(struct batch_in *b)
{
	free(b->p);
	free(b->neighbor);
	free(b->role);
	free(b->res);
	free(b->applies);
}

static void
measure_pairs(const struct aspa_list *l, const struct aspa_index *ix,
    const struct hops *h, int rounds, struct figures *f)
{
	struct pairs pt;
	double t, best;
	size_t i, sink = 0;
	int r;

	pairs_build(l, &pt);
	for (i = 0; i < h->n; i++)	/* same answers */
		if (pairs_hop(&pt, h->customer[i], h->provider[i]) !=
		    aspa_index_hop(ix, h->customer[i], h->provider[i])) {
			fprintf(stderr, "pair hash differs\n");
			exit(3);
		}
	for (best = 1e9, r = 0; r < rounds; r++) {
		t = now();
		for (i = 0; i < h->n; i++)
			sink += pairs_hop(&pt, h->customer[i], h->provider[i]);
		t = now() - t;
		best = t < best ? t : best;
	}
	f->pair_hops_per_s = h->n / best;
	free(pt.key);
	if (sink == 42)	/* keep the loop */
		fputc(' ', stderr);
}

/* Hop lookups one at a time and batched (the same answers, checked). */
static void
measure_hops(const struct aspa_index *ix, const struct hops *h, int rounds,
    struct figures *f)
{
	double t, best;
	size_t i, sink = 0;
	int r;

	for (best = 1e9, r = 0; r < rounds; r++) {
		t = now();
		for (i = 0; i < h->n; i++)
			sink += aspa_index_hop(ix, h->customer[i],
			    h->provider[i]);
		t = now() - t;
		best = t < best ? t : best;
	}
	f->hops_per_s = h->n / best;
	for (best = 1e9, r = 0; r < rounds; r++) {
		t = now();
		aspa_index_hop_batch(ix, h->customer, h->provider, h->n,
		    h->out);
		t = now() - t;
		best = t < best ? t : best;
	}
	f->hops_batched_per_s = h->n / best;
	for (i = 0; i < h->n; i++)
		if (h->out[i] != aspa_index_hop(ix, h->customer[i],
		    h->provider[i])) {
			fprintf(stderr, "batched hop %zu differs\n", i);
			exit(3);
		}
	if (sink == 42)	/* keep the loop */
		fputc(' ', stderr);
}

/* aspa_verify() per path, then aspa_verify_batch() on all of them. */
static void
measure_verify(const struct aspa_index *ix, const struct paths *ps,
    struct batch_in *b, int rounds, int k, struct figures *f)
{
	enum bgp_role role = k == 0 ? BGP_ROLE_CUSTOMER : BGP_ROLE_PROVIDER;
	struct aspa_result res;
	double t, best, bbest;
	size_t i, sink = 0;
	int r;

	for (best = 1e9, r = 0; r < rounds; r++) {
		t = now();
		for (i = 0; i < ps->n; i++) {
			const struct bgp_aspath *p = &ps->p[i];

			aspa_verify(ix, p, p->nasn > 0 ? p->asns[0] : 0,
			    role, &res);
			if (r == 0)
				f->verdicts[k][res.state]++;
			sink += res.state;
		}
		t = now() - t;
		best = t < best ? t : best;
	}
	for (i = 0; i < ps->n; i++)
		b->role[i] = role;
	for (bbest = 1e9, r = 0; r < rounds; r++) {
		t = now();
		aspa_verify_batch(ix, b->p, ps->n, b->neighbor, b->role,
		    b->res, b->applies);
		t = now() - t;
		bbest = t < bbest ? t : bbest;
	}
	for (i = 0; i < ps->n; i++) {	/* same answers */
		memset(&res, 0, sizeof(res));
		aspa_verify(ix, &ps->p[i], b->neighbor[i], role, &res);
		if (!b->applies[i] || memcmp(&res, &b->res[i],
		    sizeof(res)) != 0) {
			fprintf(stderr, "batched verify %zu differs\n", i);
			exit(3);
		}
	}
	if (k == 0) {
		f->up_per_s = ps->n / best;
		f->up_batched_per_s = ps->n / bbest;
	} else {
		f->down_per_s = ps->n / best;
		f->down_batched_per_s = ps->n / bbest;
	}
	if (sink == 42)	/* keep the loop */
		fputc(' ', stderr);
}

static void
measure(const struct aspa_list *l, const struct paths *ps, int rounds,
    struct figures *f)
{
	struct aspa_index *ix;
	struct hops h;
	struct batch_in b;
	double t;
	int k;

	memset(f, 0, sizeof(*f));
	t = now();
	if ((ix = aspa_index_build(l)) == NULL) {
		fprintf(stderr, "aspa_index_build failed\n");
		exit(3);
	}
	f->build_s = now() - t;
	f->customers = aspa_index_customers(ix);
	hops_of(ps, &h);
	f->hops = h.n;
	measure_hops(ix, &h, rounds, f);
	measure_pairs(l, ix, &h, rounds, f);
	hops_free(&h);
	batch_in_of(ps, &b);
	for (k = 0; k < 2; k++)
		measure_verify(ix, ps, &b, rounds, k, f);
	batch_in_free(&b);
	aspa_index_free(ix);
}

static void
print_fig(const char *name, const struct figures *f, int json, int last)
{
	if (json) {
		printf("\"%s\": {\"customers\": %zu, \"build_s\": %.6f, "
		    "\"hops\": %zu, \"hops_per_s\": %.0f, "
		    "\"hops_batched_per_s\": %.0f, "
		    "\"pair_hash_hops_per_s\": %.0f, \"upstream_per_s\": "
		    "%.0f, \"downstream_per_s\": %.0f, "
		    "\"upstream_batched_per_s\": %.0f, "
		    "\"downstream_batched_per_s\": %.0f, \"upstream\": "
		    "{\"valid\": %zu, \"invalid\": %zu, \"unknown\": %zu}, "
		    "\"downstream\": {\"valid\": %zu, \"invalid\": %zu, "
		    "\"unknown\": %zu}}%s", name, f->customers, f->build_s,
		    f->hops, f->hops_per_s, f->hops_batched_per_s,
		    f->pair_hops_per_s, f->up_per_s, f->down_per_s,
		    f->up_batched_per_s, f->down_batched_per_s,
		    f->verdicts[0][ASPA_VALID], f->verdicts[0][ASPA_INVALID],
		    f->verdicts[0][ASPA_UNKNOWN], f->verdicts[1][ASPA_VALID],
		    f->verdicts[1][ASPA_INVALID], f->verdicts[1][ASPA_UNKNOWN],
		    last ? "" : ", ");
		return;
	}
	printf("%-6s %9zu customers, index built in %.3f ms, %zu hops\n",
	    name, f->customers, f->build_s * 1e3, f->hops);
	printf("       hop lookups        %12.0f /s (%.1f ns each); batched "
	    "%.0f /s (%.1f ns); a (customer, provider) pair hash: %.0f /s "
	    "(%.1f ns)\n", f->hops_per_s, 1e9 / f->hops_per_s,
	    f->hops_batched_per_s, 1e9 / f->hops_batched_per_s,
	    f->pair_hops_per_s, 1e9 / f->pair_hops_per_s);
	printf("       verify upstream    %12.0f paths/s (%.1f ns each), "
	    "batched %.0f /s: %zu valid, %zu invalid, %zu unknown\n",
	    f->up_per_s, 1e9 / f->up_per_s, f->up_batched_per_s,
	    f->verdicts[0][ASPA_VALID], f->verdicts[0][ASPA_INVALID],
	    f->verdicts[0][ASPA_UNKNOWN]);
	printf("       verify downstream  %12.0f paths/s (%.1f ns each), "
	    "batched %.0f /s: %zu valid, %zu invalid, %zu unknown\n",
	    f->down_per_s, 1e9 / f->down_per_s, f->down_batched_per_s,
	    f->verdicts[1][ASPA_VALID], f->verdicts[1][ASPA_INVALID],
	    f->verdicts[1][ASPA_UNKNOWN]);
}

/*
 * The large set: LARGE_CUSTOMERS random ASNs, each with 1 to 8
 * providers among them, and LARGE_PATHS paths of 2 to 6 of them climbing
 * from the origin through a provider (7 in 8 hops) or any of them.  Its
 * index (~40 MB) is far past the caches, so every lookup in hash order
 * misses: the case a batch is for (the real table's paths repeat a few
 * thousand transit ASes, whose lines stay cached).
 */
#define LARGE_CUSTOMERS	1000000
#define LARGE_PATHS	1000000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void
large_sets(struct aspa_list *l, struct paths *ps)
{
	uint32_t *cust, *pidx, pv[8];
	size_t i, k, np, len;

	memset(l, 0, sizeof(*l));
	memset(ps, 0, sizeof(*ps));
	/* customer i's providers: cust[pidx[8 * i + k]], k < its count */
	cust = malloc(LARGE_CUSTOMERS * sizeof(*cust));
	pidx = malloc(8 * LARGE_CUSTOMERS * sizeof(*pidx));
	if (cust == NULL || pidx == NULL) {
		perror("malloc");
		exit(3);
	}
	for (i = 0; i < LARGE_CUSTOMERS; i++)	/* distinct, not 0 */
		cust[i] = (uint32_t)(i * 2654435761u % 4294967291u) + 1;
	for (i = 0; i < LARGE_CUSTOMERS; i++) {
		const char *why;

		for (np = 1 + rnd(8), k = 0; k < np; k++) {
			pidx[8 * i + k] = rnd(LARGE_CUSTOMERS);
			pv[k] = cust[pidx[8 * i + k]];
		}
		if (aspa_list_add(l, cust[i], pv, np, 0, ASPA_TA_NONE,
		    &why) != 0) {
			fprintf(stderr, "aspa_list_add: %s\n", why);
			exit(3);
		}
	}
	for (i = 0; i < LARGE_PATHS; i++) {
		uint32_t at = rnd(LARGE_CUSTOMERS), chain[6];
		char line[128];
		int off = 0;

		for (len = 2 + rnd(5), k = 0; k < len; k++) {
			chain[k] = cust[at];
			at = rnd(8) != 0 ? pidx[8 * at +
			    rnd(l->r[at].nproviders)] : rnd(LARGE_CUSTOMERS);
		}
		/* neighbour first, origin last, as bgpdump prints them */
		for (k = len; k-- > 0; )
			off += snprintf(line + off, sizeof(line) - (size_t)off,
			    "%u ", chain[k]);
		add_line(ps, line);
	}
	fixup(ps);
	free(cust);
	free(pidx);
}

int
main(int argc, char **argv)
{
	struct paths ps, lps;
	struct vrp_set *set;
	struct aspa_list dense, large;
	struct figures real, dn, lg;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int ch, json = 0, rounds = 5;

	log_init("bench_aspa");
	while ((ch = getopt(argc, argv, "jn:")) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'n': rounds = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind != 2 || rounds < 1)
		goto usage;
	if ((set = vrp_load(argv[optind])) == NULL)
		return 4;
	memset(&ps, 0, sizeof(ps));
	if ((f = fopen(argv[optind + 1], "r")) == NULL) {
		perror(argv[optind + 1]);
		return 3;
	}
	while (getline(&line, &cap, f) != -1)
		add_line(&ps, line);
	fclose(f);
	free(line);
	fixup(&ps);
	dense_list(&ps, &dense);
	measure(&set->aspa, &ps, rounds, &real);
	measure(&dense, &ps, rounds, &dn);
	large_sets(&large, &lps);
	measure(&large, &lps, rounds, &lg);
	if (json)
		printf("{\"paths\": %zu, \"asns\": %zu, ", ps.n, ps.nasn);
	else
		printf("%zu AS paths, %zu ASNs, %zu hops\n", ps.n, ps.nasn,
		    real.hops);
	print_fig("real", &real, json, 0);
	print_fig("dense", &dn, json, 0);
	if (!json)
		printf("%zu synthetic paths, %zu ASNs\n", lps.n, lps.nasn);
	print_fig("large", &lg, json, 1);
	if (json)
		printf("}\n");
	free(dense.r);
	free(dense.pool);
	aspa_list_free(&large);
	free(lps.p);
	free(lps.seg);
	free(lps.asn);
	vrp_set_free(set);
	free(ps.p);
	free(ps.seg);
	free(ps.asn);
	return 0;
usage:
	fprintf(stderr, "usage: bench_aspa [-j] [-n ROUNDS] VRPFILE PATHS\n");
	return 2;
}
