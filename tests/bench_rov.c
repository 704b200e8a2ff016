/*
 * bench_rov.c - ROV index figures on a real VRP file.
 *
 *	build/bench_rov FILE [LOOKUPS]
 *
 * Loads FILE with vrp_load_file(), builds the index, and prints the load
 * and build times, the index memory (rov_index_memory, which includes the
 * set) and the peak RSS, then lookups per second on one thread for
 * several route mixes drawn up front: routes derived from VRPs (the VRP
 * prefix or a more specific one, up to two bits past maxLength, origin
 * the VRP's ASN or another VRP's) and random routes (IPv4 /8../32
 * anywhere, IPv6 /19../64 inside 2000::/3).  Numbers are reported, never
 * asserted; each rate is the best of 5 rounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "addr.h"
#include "log.h"
#include "rov.h"
#include "vrp.h"

#define NROUTES	(1u << 20)	/* distinct routes per mix */

struct route {
	struct prefix	p;
	uint32_t	origin;
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Set bits [from, len) of p at random and make len its length. */
static void
fill(struct prefix *p, unsigned from, unsigned len)
{
	unsigned b;

	for (b = from; b < len; b++)
		if (rng() & 1)
			p->a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	p->len = (uint8_t)len;
	prefix_mask(p);
}

/* A route derived from a random VRP of the family [lo, hi). */
static void
derived(const struct vrp_set *set, size_t lo, size_t hi, struct route *r)
{
	const struct vrp *v = &set->v[lo + rng() % (hi - lo)];
	unsigned max = addr_maxlen(v->prefix.family);
	unsigned len = v->prefix.len + (unsigned)(rng() %
	    (v->maxlen - v->prefix.len + 3));

	r->p = v->prefix;
	fill(&r->p, v->prefix.len, len > max ? max : len);
	r->origin = rng() % 4 ? v->asn :
	    set->v[lo + rng() % (hi - lo)].asn;
}

static void
random_route(const struct vrp_set *set, uint8_t fam, struct route *r)
{
	memset(&r->p, 0, sizeof(r->p));
	r->p.family = fam;
	if (fam == ADDR_V4)
		fill(&r->p, 0, 8 + (unsigned)(rng() % 25));
	else {
		r->p.a[0] = 0x20;
		fill(&r->p, 3, 19 + (unsigned)(rng() % 46));
	}
	r->origin = set->v[rng() % set->n].asn;
}

/*
 * Run `lookups` checks over routes[] in ROUNDS rounds; the best round's
 * lookups per second (the machine is shared: the best round is the one
 * least disturbed by other work).
 */
#define ROUNDS	5

static double
run(const struct rov_index *ri, const struct route *routes, size_t lookups,
    unsigned long counts[3])
{
	struct rov_result res;
	double t0, t, best = 0;
	size_t i, per = lookups / ROUNDS + 1;
	unsigned round;

	for (round = 0; round < ROUNDS; round++) {
		t0 = now();
		for (i = 0; i < per; i++) {
			const struct route *r =
			    &routes[(round * per + i) & (NROUTES - 1)];

			rov_check(ri, &r->p, true, r->origin, &res);
			counts[res.state]++;
		}
		t = now() - t0;
		if (per / (t > 0 ? t : 1e-9) > best)
			best = per / (t > 0 ? t : 1e-9);
	}
	return best;
}

int
main(int argc, char *argv[])
{
	static const char *mixes[] = {
		"mixed (60% v4, 40% v6; half derived)", "IPv4 derived",
		"IPv4 random", "IPv6 derived", "IPv6 random",
	};
	static const unsigned fixed[] = { 0, 0, 3, 6, 8 };
	struct vrp_set *set;
	struct rov_index *ri;
	struct route *routes;
	struct rusage ru;
	unsigned long counts[3];
	size_t n4, i, lookups = 20u * 1000 * 1000;
	double t0, tload, tbuild, rate, total;
	unsigned m, kind;

	log_init("bench_rov");
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_rov FILE [LOOKUPS]\n");
		return 2;
	}
	if (argc == 3)
		lookups = strtoul(argv[2], NULL, 10);
	t0 = now();
	if ((set = vrp_load_file(argv[1])) == NULL)
		return 1;
	tload = now() - t0;
	t0 = now();
	if ((ri = rov_index_build(set)) == NULL) {
		fprintf(stderr, "bench_rov: rov_index_build failed\n");
		vrp_set_free(set);
		return 1;
	}
	tbuild = now() - t0;
	set = NULL;
	getrusage(RUSAGE_SELF, &ru);
	{
		const struct vrp_set *s = rov_index_set(ri);

		for (n4 = 0; n4 < s->n; n4++)
			if (s->v[n4].prefix.family != ADDR_V4)
				break;
		printf("vrps: %zu (%zu IPv4, %zu IPv6)\n", s->n, n4,
		    s->n - n4);
		printf("load (read + parse): %8.1f ms\n", tload * 1e3);
		printf("index build:         %8.1f ms\n", tbuild * 1e3);
		printf("index memory:        %8.1f MiB (with the set; "
		    "%.1f B per VRP)\n", rov_index_memory(ri) / 1048576.0,
		    (double)rov_index_memory(ri) / (s->n ? s->n : 1));
		printf("peak RSS after load: %8.1f MiB\n", ru.ru_maxrss / 1024.0);
		if (n4 == 0 || n4 == s->n) {
			fprintf(stderr, "bench_rov: need both families\n");
			rov_index_free(ri);
			return 1;
		}

		if ((routes = calloc(NROUTES, sizeof(*routes))) == NULL) {
			rov_index_free(ri);
			return 1;
		}
		for (m = 0; m < sizeof(mixes) / sizeof(mixes[0]); m++) {
			for (i = 0; i < NROUTES; i++) {
				/* kind 0-2 IPv4 derived, 3-5 IPv4 random,
				 * 6-7 IPv6 derived, 8-9 IPv6 random */
				kind = m == 0 ? (unsigned)(rng() % 10) :
				    fixed[m];
				if (kind <= 2)
					derived(s, 0, n4, &routes[i]);
				else if (kind <= 5)
					random_route(s, ADDR_V4, &routes[i]);
				else if (kind <= 7)
					derived(s, n4, s->n, &routes[i]);
				else
					random_route(s, ADDR_V6, &routes[i]);
			}
			memset(counts, 0, sizeof(counts));
			run(ri, routes, NROUTES, counts);	/* warm up */
			memset(counts, 0, sizeof(counts));
			rate = run(ri, routes, lookups, counts);
			total = counts[0] + counts[1] + counts[2];
			printf("%-38s %6.2f M lookups/s  (valid %4.1f%%, "
			    "invalid %4.1f%%, not-found %4.1f%%)\n", mixes[m],
			    rate / 1e6, 100.0 * counts[ROV_VALID] / total,
			    100.0 * counts[ROV_INVALID] / total,
			    100.0 * counts[ROV_NOT_FOUND] / total);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS at end:     %8.1f MiB\n", ru.ru_maxrss / 1024.0);
	free(routes);
	rov_index_free(ri);
	return 0;
}
