/*
 * bench_rov.c - ROV index figures on a real VRP file.
 *
 *	build/bench_rov [-j] [-n ROUNDS] [-r ROUTES] FILE [LOOKUPS]
 *
 * Loads FILE with vrp_load_file() (read, decompress if .gz/.bz2, parse,
 * check) and builds the index from it, ROUNDS times (default 1), and
 * prints the best load time, the best build time and the best of their
 * sums (the issue 6 target: "build from the rpki-client JSON in <= 1 s
 * including parsing"), the index memory (rov_index_memory, which
 * includes the set) and the peak RSS after the first load and build
 * (which includes what parsing held at its peak).  Then lookups per
 * second on one thread for several route mixes drawn up front: routes
 * derived from VRPs (the VRP prefix or a more specific one, up to two
 * bits past maxLength, origin the VRP's ASN or another VRP's) and random
 * routes (IPv4 /8../32 anywhere, IPv6 /19../64 inside 2000::/3).
 * LOOKUPS 0 skips the lookups.  Each mix is looked up one route at a
 * time (rov_check) and in batches of 8, 16, 32 and 64 routes
 * (rov_check_batch: the lookups of a batch interleaved, their misses
 * overlapped).  Numbers are reported, never asserted; each rate is the
 * best of 5 rounds.  -j prints one JSON object instead
 * of the table (tests/bench.py reads it).
 *
 * -r ROUTES replaces the mixes with real routes, one "PREFIX ORIGIN" per
 * line (ORIGIN "-" for none), looked up in file order, e.g. a full table
 * in the order a speaker sent it.  Two rates: "stream", the lookups
 * issued back to back (the CPU overlaps the misses of consecutive
 * lookups, as a batch would), and "dependent", each lookup waiting for
 * the previous one's answer (what the packet path sees: a route's
 * lookup is separated from the next by its decoding and storing, so its
 * misses are paid one after the other), and "batched", rov_check_batch
 * over runs of 32 routes of the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "rpki/vrp_load.h"

#define NROUTES	(1u << 20)	/* distinct routes per mix */
#define BATCH_MAX	64

struct route {
	struct prefix	p;
	uint32_t	origin;
	bool		has_origin;
};

/* The routes as rov_check_batch() takes them. */
struct columns {
	const struct prefix **p;
	bool		*has_origin;
	uint32_t	*origin;
};

static const unsigned batch_sizes[] = { 8, 16, 32, 64 };
#define NBATCH	(sizeof(batch_sizes) / sizeof(batch_sizes[0]))

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
	r->has_origin = true;
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
	r->has_origin = true;
}

/*
 * Run `lookups` checks over routes[] in ROUNDS rounds; the best round's
 * lookups per second (the machine is shared: the best round is the one
 * least disturbed by other work).
 */
#ifndef ROUNDS
#define ROUNDS	5
#endif

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

			rov_check(ri, &r->p, r->has_origin, r->origin, &res);
			counts[res.state]++;
		}
		t = now() - t0;
		if (per / (t > 0 ? t : 1e-9) > best)
			best = per / (t > 0 ? t : 1e-9);
	}
	return best;
}

static int
columns_make(struct columns *c, const struct route *routes, size_t n)
{
	size_t i;

	c->p = calloc(n, sizeof(*c->p));
	c->has_origin = calloc(n, sizeof(*c->has_origin));
	c->origin = calloc(n, sizeof(*c->origin));
	if (c->p == NULL || c->has_origin == NULL || c->origin == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		c->p[i] = &routes[i].p;
		c->has_origin[i] = routes[i].has_origin;
		c->origin[i] = routes[i].origin;
	}
	return 0;
}

static void
columns_free(struct columns *c)
{
	free(c->p);
	free(c->has_origin);
	free(c->origin);
}

/*
 * run() with rov_check_batch() over runs of `batch` routes of the n in
 * c (n a multiple of BATCH_MAX).
 */
static double
run_batch(const struct rov_index *ri, const struct columns *c, size_t n,
    size_t lookups, unsigned batch, unsigned long counts[3])
{
	struct rov_result res[BATCH_MAX];
	double t0, t, best = 0;
	size_t done, at;
	unsigned round, k;

	for (round = 0; round < ROUNDS; round++) {
		memset(counts, 0, 3 * sizeof(*counts));
		t0 = now();
		at = (size_t)round * (lookups / ROUNDS) % n;
		for (done = 0; done < lookups / ROUNDS + 1; done += batch) {
			if (at + batch > n)
				at = 0;
			rov_check_batch(ri, &c->p[at], batch,
			    &c->has_origin[at], &c->origin[at], res);
			for (k = 0; k < batch; k++)
				counts[res[k].state]++;
			at += batch;
		}
		t = now() - t0;
		if (done / (t > 0 ? t : 1e-9) > best)
			best = done / (t > 0 ? t : 1e-9);
	}
	return best;
}

/* Best of `rounds` loads and builds of `path`; the last index is kept. */
struct build_times {
	double	load, build, total;	/* best of each, seconds */
	long	rss_kib;		/* peak RSS after the first round */
};

static struct rov_index *
load_and_build(const char *path, unsigned rounds, struct build_times *bt)
{
	struct vrp_set *set;
	struct rov_index *ri = NULL;
	struct rusage ru;
	double t0, tload, tbuild;
	unsigned round;

	bt->load = bt->build = bt->total = -1;
	for (round = 0; round < rounds; round++) {
		rov_index_free(ri);
		ri = NULL;
		t0 = now();
		if ((set = vrp_load_file(path)) == NULL)
			return NULL;
		tload = now() - t0;
		t0 = now();
		if ((ri = rov_index_build(set)) == NULL) {
			fprintf(stderr, "bench_rov: rov_index_build failed\n");
			vrp_set_free(set);
			return NULL;
		}
		tbuild = now() - t0;
		if (bt->load < 0 || tload < bt->load)
			bt->load = tload;
		if (bt->build < 0 || tbuild < bt->build)
			bt->build = tbuild;
		if (bt->total < 0 || tload + tbuild < bt->total)
			bt->total = tload + tbuild;
		if (round == 0) {
			getrusage(RUSAGE_SELF, &ru);
			bt->rss_kib = ru.ru_maxrss;
		}
	}
	return ri;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_rov [-j] [-n ROUNDS] [-r ROUTES] FILE "
	    "[LOOKUPS]\n");
	exit(2);
}

/* The routes of a -r file; *np gets their number.  NULL on error. */
static struct route *
read_routes(const char *path, size_t *np)
{
	struct route *rv = NULL, *nr;
	char line[256], pfx[128], org[32];
	size_t n = 0, cap = 0;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return NULL;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%127s %31s", pfx, org) != 2)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nr = realloc(rv, cap * sizeof(*rv))) == NULL)
				break;
			rv = nr;
		}
		if (prefix_parse(pfx, &rv[n].p, NULL) != 0)
			continue;
		rv[n].origin = strcmp(org, "-") == 0 ? 0 :
		    (uint32_t)strtoul(org, NULL, 10);
		rv[n].has_origin = strcmp(org, "-") != 0;
		n++;
	}
	fclose(fp);
	*np = n;
	return rv;
}

/*
 * Best of ROUNDS passes over routes[0, n): lookups per second, issued
 * back to back, or (dependent) each one's address depending on the
 * previous answer.
 */
static double
run_file(const struct rov_index *ri, const struct route *routes, size_t n,
    bool dependent, unsigned long counts[3])
{
	struct rov_result res;
	double t0, t, best = 0;
	size_t i, k;
	unsigned round, dep = 0;

	for (round = 0; round < ROUNDS; round++) {
		memset(counts, 0, 3 * sizeof(*counts));
		t0 = now();
		for (i = 0; i < n; i++) {
			/* dep is 0, but the CPU cannot know it before the
			 * previous lookup is done */
			k = dependent ? i + (dep & 0x10) : i;
			rov_check(ri, &routes[k].p, routes[k].has_origin,
			    routes[k].origin, &res);
			counts[res.state]++;
			dep = res.ncovering > 1000000 ? 0x10 : 0;
		}
		t = now() - t0;
		if (n / (t > 0 ? t : 1e-9) > best)
			best = n / (t > 0 ? t : 1e-9);
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
	static const char *keys[] = {
		"mixed", "ipv4_derived", "ipv4_random", "ipv6_derived",
		"ipv6_random",
	};
	static const unsigned fixed[] = { 0, 0, 3, 6, 8 };
	const struct vrp_set *s;
	struct rov_index *ri;
	struct route *routes = NULL;
	struct build_times bt;
	struct rusage ru;
	struct columns cols;
	unsigned long counts[3], bcounts[3];
	size_t n4, i, lookups = 20u * 1000 * 1000;
	double rate, brate[NBATCH], total;
	unsigned m, kind, rounds = 1, b;
	int ch;
	bool json = false;
	const char *rfile = NULL;

	log_init("bench_rov");
	while ((ch = getopt(argc, argv, "jn:r:")) != -1) {
		switch (ch) {
		case 'r':
			rfile = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'n':
			rounds = (unsigned)strtoul(optarg, NULL, 10);
			if (rounds < 1 || rounds > 100)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	if (argc == 2)
		lookups = strtoul(argv[1], NULL, 10);
	if ((ri = load_and_build(argv[0], rounds, &bt)) == NULL)
		return 1;
	s = rov_index_set(ri);
	for (n4 = 0; n4 < s->n; n4++)
		if (s->v[n4].prefix.family != ADDR_V4)
			break;
	if (json)
		printf("{\"rounds\":%u,\"vrps\":%zu,"
		    "\"vrps_ipv4\":%zu,\"vrps_ipv6\":%zu,\"load_s\":%.6f,"
		    "\"build_s\":%.6f,\"load_build_s\":%.6f,"
		    "\"index_bytes\":%zu,\"index_bytes_per_vrp\":%.1f,"
		    "\"peak_rss_after_build_kib\":%ld,\"lookups_per_s\":{",
		    rounds, s->n, n4, s->n - n4, bt.load, bt.build,
		    bt.total, rov_index_memory(ri),
		    (double)rov_index_memory(ri) / (s->n ? s->n : 1),
		    bt.rss_kib);
	else {
		printf("vrps: %zu (%zu IPv4, %zu IPv6)\n", s->n, n4,
		    s->n - n4);
		printf("load (read + parse): %8.1f ms (best of %u)\n",
		    bt.load * 1e3, rounds);
		printf("index build:         %8.1f ms\n", bt.build * 1e3);
		printf("load + build:        %8.1f ms\n", bt.total * 1e3);
		printf("index memory:        %8.1f MiB (with the set; "
		    "%.1f B per VRP)\n", rov_index_memory(ri) / 1048576.0,
		    (double)rov_index_memory(ri) / (s->n ? s->n : 1));
		printf("peak RSS after load: %8.1f MiB\n", bt.rss_kib / 1024.0);
	}
	if (rfile != NULL) {
		size_t nr, nb;
		double rs, rd, rb;

		if ((routes = read_routes(rfile, &nr)) == NULL || nr == 0) {
			rov_index_free(ri);
			return 1;
		}
		run_file(ri, routes, nr, false, counts);	/* warm up */
		rs = run_file(ri, routes, nr, false, counts);
		rd = run_file(ri, routes, nr, true, counts);
		total = counts[0] + counts[1] + counts[2];
		nb = nr - nr % BATCH_MAX;
		if (nb == 0 || columns_make(&cols, routes, nb) != 0) {
			rov_index_free(ri);
			return 1;
		}
		rb = run_batch(ri, &cols, nb, nb * ROUNDS, 32, bcounts);
		columns_free(&cols);
		if (json)
			printf("\"routes\":{\"file\":\"%s\",\"n\":%zu,"
			    "\"stream\":%.0f,\"dependent\":%.0f,"
			    "\"batched32\":%.0f,"
			    "\"valid\":%.4f,\"invalid\":%.4f,"
			    "\"not_found\":%.4f}", rfile, nr, rs, rd, rb,
			    counts[ROV_VALID] / total,
			    counts[ROV_INVALID] / total,
			    counts[ROV_NOT_FOUND] / total);
		else
			printf("%s: %zu routes in file order: %.2f M lookups/s "
			    "streamed, %.2f M/s dependent, %.2f M/s batched "
			    "by 32 (valid %.1f%%, invalid %.1f%%, not-found "
			    "%.1f%%)\n", rfile, nr, rs / 1e6, rd / 1e6, rb / 1e6,
			    100.0 * counts[ROV_VALID] / total,
			    100.0 * counts[ROV_INVALID] / total,
			    100.0 * counts[ROV_NOT_FOUND] / total);
		lookups = 0;
	}
	if (lookups > 0 && (n4 == 0 || n4 == s->n)) {
		fprintf(stderr, "bench_rov: need both families\n");
		rov_index_free(ri);
		return 1;
	}
	if (lookups > 0 &&
	    (routes = calloc(NROUTES, sizeof(*routes))) == NULL) {
		rov_index_free(ri);
		return 1;
	}
	for (m = 0; lookups > 0 && m < sizeof(mixes) / sizeof(mixes[0]); m++) {
		for (i = 0; i < NROUTES; i++) {
			/* kind 0-2 IPv4 derived, 3-5 IPv4 random,
			 * 6-7 IPv6 derived, 8-9 IPv6 random */
			kind = m == 0 ? (unsigned)(rng() % 10) : fixed[m];
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
		if (columns_make(&cols, routes, NROUTES) != 0) {
			rov_index_free(ri);
			return 1;
		}
		for (b = 0; b < NBATCH; b++) {
			brate[b] = run_batch(ri, &cols, NROUTES, lookups,
			    batch_sizes[b], bcounts);
			/* the same lookups give the same tallies */
			if (bcounts[ROV_VALID] == 0 && counts[ROV_VALID] > 0)
				fprintf(stderr, "bench_rov: batch %u found "
				    "nothing valid\n", batch_sizes[b]);
		}
		columns_free(&cols);
		if (json) {
			printf("%s\"%s\":{\"rate\":%.0f,\"valid\":%.4f,"
			    "\"invalid\":%.4f,\"not_found\":%.4f,"
			    "\"batched\":{",
			    m ? "," : "", keys[m], rate,
			    (double)counts[ROV_VALID] / total,
			    (double)counts[ROV_INVALID] / total,
			    (double)counts[ROV_NOT_FOUND] / total);
			for (b = 0; b < NBATCH; b++)
				printf("%s\"%u\":%.0f", b ? "," : "",
				    batch_sizes[b], brate[b]);
			printf("}}");
		} else {
			printf("%-38s %6.2f M lookups/s  (valid %4.1f%%, "
			    "invalid %4.1f%%, not-found %4.1f%%)\n", mixes[m],
			    rate / 1e6, 100.0 * counts[ROV_VALID] / total,
			    100.0 * counts[ROV_INVALID] / total,
			    100.0 * counts[ROV_NOT_FOUND] / total);
			printf("%-38s", "  batched by 8/16/32/64:");
			for (b = 0; b < NBATCH; b++)
				printf(" %6.2f", brate[b] / 1e6);
			printf(" M lookups/s\n");
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	if (json)
		printf("},\"peak_rss_end_kib\":%ld}\n", ru.ru_maxrss);
	else
		printf("peak RSS at end:     %8.1f MiB\n", ru.ru_maxrss / 1024.0);
	free(routes);
	rov_index_free(ri);
	return 0;
}
