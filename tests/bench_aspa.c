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
 *          procedures walk every path to its end: the worst case.
 * For each: the index build time, hop lookups per second (every adjacent
 * pair of every path, in file order), the same with a hash of
 * (customer, provider) pairs (the alternative design, checked to give
 * the same answers), and aspa_verify() calls per second
 * for the upstream (role customer) and downstream (role provider)
 * procedures, each the best of ROUNDS (default 5) passes over all paths.
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
	double	 hops_per_s, pair_hops_per_s, up_per_s, down_per_s;
	size_t	 hops;
	size_t	 verdicts[2][3];	/* [procedure][state] */
};

static void
measure(const struct aspa_list *l, const struct paths *ps, int rounds,
    struct figures *f)
{
	struct aspa_index *ix;
	double t, best;
	size_t i, j, sink = 0;
	int r, k;

	memset(f, 0, sizeof(*f));
	t = now();
	if ((ix = aspa_index_build(l)) == NULL) {
		fprintf(stderr, "aspa_index_build failed\n");
		exit(3);
	}
	f->build_s = now() - t;
	f->customers = aspa_index_customers(ix);
	for (i = 0; i < ps->n; i++)
		f->hops += ps->p[i].nasn > 0 ? ps->p[i].nasn - 1 : 0;
	for (best = 1e9, r = 0; r < rounds; r++) {
		t = now();
		for (i = 0; i < ps->n; i++) {
			const struct bgp_aspath *p = &ps->p[i];

			for (j = 1; j < p->nasn; j++)
				sink += aspa_index_hop(ix, p->asns[j],
				    p->asns[j - 1]);
		}
		t = now() - t;
		best = t < best ? t : best;
	}
	f->hops_per_s = f->hops / best;
	{
		struct pairs pt;

		pairs_build(l, &pt);
		for (i = 0; i < ps->n; i++) {	/* same answers */
			const struct bgp_aspath *p = &ps->p[i];

			for (j = 1; j < p->nasn; j++)
				if (pairs_hop(&pt, p->asns[j], p->asns[j - 1]) !=
				    aspa_index_hop(ix, p->asns[j],
				    p->asns[j - 1])) {
					fprintf(stderr, "pair hash differs\n");
					exit(3);
				}
		}
		for (best = 1e9, r = 0; r < rounds; r++) {
			t = now();
			for (i = 0; i < ps->n; i++) {
				const struct bgp_aspath *p = &ps->p[i];

				for (j = 1; j < p->nasn; j++)
					sink += pairs_hop(&pt, p->asns[j],
					    p->asns[j - 1]);
			}
			t = now() - t;
			best = t < best ? t : best;
		}
		f->pair_hops_per_s = f->hops / best;
		free(pt.key);
	}
	for (k = 0; k < 2; k++) {
		enum bgp_role role = k == 0 ? BGP_ROLE_CUSTOMER :
		    BGP_ROLE_PROVIDER;

		for (best = 1e9, r = 0; r < rounds; r++) {
			t = now();
			for (i = 0; i < ps->n; i++) {
				const struct bgp_aspath *p = &ps->p[i];
				struct aspa_result res;

				aspa_verify(ix, p, p->nasn > 0 ? p->asns[0] : 0,
				    role, &res);
				if (r == 0)
					f->verdicts[k][res.state]++;
				sink += res.state;
			}
			t = now() - t;
			best = t < best ? t : best;
		}
		if (k == 0)
			f->up_per_s = ps->n / best;
		else
			f->down_per_s = ps->n / best;
	}
	if (sink == 42)	/* keep the loops */
		fputc(' ', stderr);
	aspa_index_free(ix);
}

static void
print_fig(const char *name, const struct figures *f, int json, int last)
{
	if (json) {
		printf("\"%s\": {\"customers\": %zu, \"build_s\": %.6f, "
		    "\"hops\": %zu, \"hops_per_s\": %.0f, "
		    "\"pair_hash_hops_per_s\": %.0f, \"upstream_per_s\": "
		    "%.0f, \"downstream_per_s\": %.0f, \"upstream\": "
		    "{\"valid\": %zu, \"invalid\": %zu, \"unknown\": %zu}, "
		    "\"downstream\": {\"valid\": %zu, \"invalid\": %zu, "
		    "\"unknown\": %zu}}%s", name, f->customers, f->build_s,
		    f->hops, f->hops_per_s, f->pair_hops_per_s, f->up_per_s,
		    f->down_per_s,
		    f->verdicts[0][ASPA_VALID], f->verdicts[0][ASPA_INVALID],
		    f->verdicts[0][ASPA_UNKNOWN], f->verdicts[1][ASPA_VALID],
		    f->verdicts[1][ASPA_INVALID], f->verdicts[1][ASPA_UNKNOWN],
		    last ? "" : ", ");
		return;
	}
	printf("%-6s %9zu customers, index built in %.3f ms\n", name,
	    f->customers, f->build_s * 1e3);
	printf("       hop lookups        %12.0f /s (%.1f ns each); a "
	    "(customer, provider) pair hash: %.0f /s (%.1f ns)\n",
	    f->hops_per_s, 1e9 / f->hops_per_s, f->pair_hops_per_s,
	    1e9 / f->pair_hops_per_s);
	printf("       verify upstream    %12.0f paths/s (%.1f ns each): "
	    "%zu valid, %zu invalid, %zu unknown\n", f->up_per_s,
	    1e9 / f->up_per_s, f->verdicts[0][ASPA_VALID],
	    f->verdicts[0][ASPA_INVALID], f->verdicts[0][ASPA_UNKNOWN]);
	printf("       verify downstream  %12.0f paths/s (%.1f ns each): "
	    "%zu valid, %zu invalid, %zu unknown\n", f->down_per_s,
	    1e9 / f->down_per_s, f->verdicts[1][ASPA_VALID],
	    f->verdicts[1][ASPA_INVALID], f->verdicts[1][ASPA_UNKNOWN]);
}

int
main(int argc, char **argv)
{
	struct paths ps;
	struct vrp_set *set;
	struct aspa_list dense;
	struct figures real, dn;
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
	if (json)
		printf("{\"paths\": %zu, \"asns\": %zu, ", ps.n, ps.nasn);
	else
		printf("%zu AS paths, %zu ASNs, %zu hops\n", ps.n, ps.nasn,
		    real.hops);
	print_fig("real", &real, json, 0);
	print_fig("dense", &dn, json, 1);
	if (json)
		printf("}\n");
	free(dense.r);
	free(dense.pool);
	vrp_set_free(set);
	free(ps.p);
	free(ps.seg);
	free(ps.asn);
	return 0;
usage:
	fprintf(stderr, "usage: bench_aspa [-j] [-n ROUNDS] VRPFILE PATHS\n");
	return 2;
}
