/*
 * bench_bounds.c - the machine's physical bounds that issue 17's targets
 * run into, measured on this machine by make bench (tests/bench.py turns
 * them into a bound per target; docs/performance.md, "Measured bounds").
 *
 *   bench_bounds [-j] [-s MIB,MIB,...] [-k K,K,...] [-n LOADS]
 *                [-w MB] [-d DIR] [-r FILE]
 * (defaults: sizes 0.5,16,52,75,1024 MiB; K 1,2,4,8,16,32; 2,000,000
 * loads a run; 949 MB written; /var/tmp)
 *
 * What it measures, and why each one:
 *  - dependent random access ("pointer chasing"): a random cyclic
 *    permutation of 64-byte nodes over a working set of S MiB, each
 *    load's address the previous load's result, so no two misses
 *    overlap: ns per dependent load.  The sizes that matter are the
 *    VRP index (~52 MiB), one full table's route state (~75 MB), a
 *    route server's (GBs), and L2/L3-sized sets for scale.  A ROV lookup
 *    on a covered route is about two such misses (src/rpki/rov.c), a
 *    route stored one or two more.
 *  - memory-level parallelism: K independent chains through the same
 *    set advanced in lockstep (the loads of one step do not depend on
 *    each other), misses per second in total.  This is what batching
 *    routes can at best reach: the rate stops growing once the core's
 *    miss buffers are full.
 *  - both with the set on 4 KiB pages and with MADV_HUGEPAGE (what
 *    rovmon's index and route arenas ask for: rov.c, rib_alloc.c): a TLB
 *    miss is a page walk of its own.
 *  - sequential bandwidth: memcpy and memset of 256 MiB.
 *  - write(2) of 1 MiB blocks, W MB in all (default 949: the full
 *    table's alert file), to /dev/null (the syscall alone) and to a new
 *    file in DIR (default /var/tmp: the copy into the page cache and the
 *    page allocation, the cost rovmon's output thread pays; no fsync,
 *    as rovmon does none; the file is removed).
 *  - read(2) of FILE in 1 MiB blocks, what `cat` does (the capture,
 *    already in the page cache: decode only can at best match it).
 * Each figure is the best of three runs (the machine is shared).
 * Nothing here is asserted: it measures and prints (text, or one JSON
 * object with -j).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NODE_BYTES	64	/* one cache line */
#define MAX_SIZES	16
#define MAX_CHAINS	16
#define MAX_K		64
#define ROUNDS		3
#define BLOCK		(1u << 20)

struct node {
	struct node	*next;
	char		 pad[NODE_BYTES - sizeof(struct node *)];
};

static volatile uintptr_t sink;	/* keeps the chased loads alive */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	/* xorshift64*: any fixed permutation would do, this one is cheap */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* A working set of n nodes on 4 KiB pages or on huge pages (the caller
 * munmaps n * NODE_BYTES bytes). */
static struct node *
set_alloc(size_t n, int huge)
{
	size_t bytes = n * NODE_BYTES;
	void *p;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
	(void)madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#else
	(void)huge;
#endif
	return p;
}

/* Links the n nodes into one random cycle; order[] (n entries) gets the
 * cycle's order so that chains can start evenly spaced along it. */
static void
set_link(struct node *s, size_t n, uint32_t *order)
{
	size_t i, j;
	uint32_t t;

	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (i = n - 1; i > 0; i--) {
		j = rng() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		s[order[i]].next = &s[order[(i + 1) % n]];
}

/* k chains in lockstep, loads in all; seconds. */
static double
chase(struct node *s, size_t n, const uint32_t *order, unsigned k,
    size_t loads)
{
	struct node *cur[MAX_K];
	size_t steps = loads / k, i;
	unsigned j;
	uintptr_t acc = 0;
	double t0;

	for (j = 0; j < k; j++)
		cur[j] = &s[order[(size_t)j * (n / k)]];
	t0 = now();
	for (i = 0; i < steps; i++)
		for (j = 0; j < k; j++)
			cur[j] = cur[j]->next;
	t0 = now() - t0;
	for (j = 0; j < k; j++)
		acc += (uintptr_t)cur[j];
	sink = acc;
	return t0;
}

struct chase_result {
	double	 mib;
	int	 huge;
	double	 ns_dependent;		/* k = 1 */
	double	 rate[MAX_CHAINS];	/* loads/s with ks[i] chains */
};

static int
measure_set(double mib, int huge, const unsigned *ks, unsigned nk,
    size_t loads, struct chase_result *r)
{
	size_t n = (size_t)(mib * 1048576.0) / NODE_BYTES, done;
	struct node *s;
	uint32_t *order;
	unsigned i, round;
	double t, best;

	if (n < 2 * MAX_K)
		n = 2 * MAX_K;
	if ((s = set_alloc(n, huge)) == NULL)
		return -1;
	if ((order = malloc(n * sizeof(*order))) == NULL) {
		munmap(s, n * NODE_BYTES);
		return -1;
	}
	set_link(s, n, order);
	r->mib = mib;
	r->huge = huge;
	/* set_link() touched every page; a lap of a cache-sized set
	 * (loads is well over one) warms the cache in the first round */
	for (i = 0; i < nk; i++) {
		best = 1e30;
		for (round = 0; round < ROUNDS; round++) {
			t = chase(s, n, order, ks[i], loads);
			if (t < best)
				best = t;
		}
		done = loads / ks[i] * ks[i];	/* whole steps of k loads */
		r->rate[i] = (double)done / best;
		if (ks[i] == 1)
			r->ns_dependent = best * 1e9 / (double)loads;
	}
	free(order);
	munmap(s, n * NODE_BYTES);
	return 0;
}

/* memcpy and memset of bytes, GB/s (1e9), best of ROUNDS. */
static int
bandwidth(size_t bytes, double *copy, double *set)
{
	char *a, *b;
	unsigned round;
	double t;

	a = malloc(bytes);
	b = malloc(bytes);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return -1;
	}
	memset(a, 1, bytes);
	memset(b, 2, bytes);
	*copy = *set = 0;
	for (round = 0; round < ROUNDS; round++) {
		t = now();
		memcpy(b, a, bytes);
		t = now() - t;
		sink = (uintptr_t)b[bytes / 2];
		if (bytes / t / 1e9 > *copy)
			*copy = bytes / t / 1e9;
		t = now();
		memset(a, (int)round + 3, bytes);
		t = now() - t;
		sink = (uintptr_t)a[bytes / 3];
		if (bytes / t / 1e9 > *set)
			*set = bytes / t / 1e9;
	}
	free(a);
	free(b);
	return 0;
}

/* write(2) of total bytes in BLOCK blocks to path (created, then
 * removed unless it is a device); seconds, best of ROUNDS. */
static double
write_cost(const char *path, size_t total, int remove_after)
{
	char *buf;
	size_t done;
	unsigned round;
	double t, best = -1;
	ssize_t w;
	int fd;

	if ((buf = malloc(BLOCK)) == NULL)
		return -1;
	memset(buf, '{', BLOCK);
	for (round = 0; round < ROUNDS; round++) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1) {
			fprintf(stderr, "bench_bounds: %s: %s\n", path,
			    strerror(errno));
			best = -1;
			break;
		}
		t = now();
		for (done = 0; done < total; done += (size_t)w) {
			w = write(fd, buf, total - done < BLOCK ?
			    total - done : BLOCK);
			if (w <= 0)
				break;
		}
		t = now() - t;
		close(fd);
		if (remove_after)
			unlink(path);
		if (done < total) {
			fprintf(stderr, "bench_bounds: short write to %s\n",
			    path);
			best = -1;
			break;
		}
		if (best < 0 || t < best)
			best = t;
	}
	free(buf);
	return best;
}

/* read(2) of the whole file in BLOCK blocks, what cat(1) does; seconds,
 * best of ROUNDS (the first read warms the page cache); bytes read. */
static double
read_cost(const char *path, size_t *bytes)
{
	char *buf;
	unsigned round;
	double t, best = -1;
	ssize_t r;
	int fd;

	if ((buf = malloc(BLOCK)) == NULL)
		return -1;
	for (round = 0; round <= ROUNDS; round++) {
		if ((fd = open(path, O_RDONLY)) == -1) {
			fprintf(stderr, "bench_bounds: %s: %s\n", path,
			    strerror(errno));
			best = -1;
			break;
		}
		*bytes = 0;
		t = now();
		while ((r = read(fd, buf, BLOCK)) > 0)
			*bytes += (size_t)r;
		t = now() - t;
		close(fd);
		if (round > 0 && (best < 0 || t < best))
			best = t;
	}
	free(buf);
	return best;
}

static unsigned
parse_list(const char *arg, double *out, unsigned max)
{
	char *end;
	unsigned n = 0;

	while (*arg != '\0' && n < max) {
		out[n] = strtod(arg, &end);
		if (end == arg || out[n] <= 0)
			return 0;
		n++;
		arg = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0')
			return 0;
	}
	return n;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_bounds [-j] [-s MIB,...] [-k K,...] "
	    "[-n LOADS] [-w MB] [-d DIR] [-r FILE]\n");
	exit(2);
}

static void
print_json(const struct chase_result *cr, unsigned ncr, const unsigned *ks,
    unsigned nk, size_t loads, double copy, double set, size_t wbytes,
    double wnull, double wfile, const char *dir, const char *rfile,
    size_t rbytes, double rtime)
{
	unsigned i, j;

	printf("{\"node_bytes\":%d,\"loads\":%zu,\"rounds\":%d,\"chains\":[",
	    NODE_BYTES, loads, ROUNDS);
	for (j = 0; j < nk; j++)
		printf("%s%u", j ? "," : "", ks[j]);
	printf("],\"chase\":[");
	for (i = 0; i < ncr; i++) {
		printf("%s{\"mib\":%.1f,\"pages\":\"%s\",\"ns_dependent\":%.2f,"
		    "\"loads_per_s\":{", i ? "," : "", cr[i].mib,
		    cr[i].huge ? "huge" : "4k", cr[i].ns_dependent);
		for (j = 0; j < nk; j++)
			printf("%s\"%u\":%.0f", j ? "," : "", ks[j],
			    cr[i].rate[j]);
		printf("}}");
	}
	printf("],\"memcpy_gb_s\":%.2f,\"memset_gb_s\":%.2f,"
	    "\"write\":{\"bytes\":%zu,\"block\":%u,\"dev_null_s\":%.6f,"
	    "\"file_s\":%.4f,\"dir\":\"%s\"}", copy, set, wbytes, BLOCK,
	    wnull, wfile, dir);
	if (rfile != NULL)
		printf(",\"read\":{\"file\":\"%s\",\"bytes\":%zu,\"s\":%.4f}",
		    rfile, rbytes, rtime);
	printf("}\n");
}

int
main(int argc, char **argv)
{
	double sizes[MAX_SIZES] = { 0.5, 16, 52, 75, 1024 };
	double kd[MAX_CHAINS];
	unsigned ks[MAX_CHAINS] = { 1, 2, 4, 8, 16, 32 };
	unsigned nsizes = 5, nk = 6, i, j, huge;
	struct chase_result cr[2 * MAX_SIZES];
	unsigned ncr = 0;
	size_t loads = 2000000, wbytes = 949000000, rbytes = 0;
	const char *dir = "/var/tmp", *rfile = NULL;
	char wpath[4096];
	double copy, set, wnull, wfile, rtime = -1;
	int c, json = 0;

	while ((c = getopt(argc, argv, "js:k:n:w:d:r:")) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 's':
			if ((nsizes = parse_list(optarg, sizes, MAX_SIZES)) == 0)
				usage();
			break;
		case 'k':
			if ((nk = parse_list(optarg, kd, MAX_CHAINS)) == 0)
				usage();
			for (i = 0; i < nk; i++) {
				ks[i] = (unsigned)kd[i];
				if (ks[i] < 1 || ks[i] > MAX_K)
					usage();
			}
			break;
		case 'n':
			loads = strtoull(optarg, NULL, 10);
			if (loads < 1000)
				usage();
			break;
		case 'w':
			wbytes = (size_t)(strtod(optarg, NULL) * 1e6);
			if (wbytes < BLOCK)
				usage();
			break;
		case 'd':
			dir = optarg;
			break;
		case 'r':
			rfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	for (i = 0; i < nsizes; i++)
		for (huge = 0; huge < 2; huge++) {
			if (measure_set(sizes[i], (int)huge, ks, nk, loads,
			    &cr[ncr]) != 0) {
				fprintf(stderr, "bench_bounds: no memory for "
				    "%.1f MiB\n", sizes[i]);
				return 1;
			}
			ncr++;
		}
	if (bandwidth(256u << 20, &copy, &set) != 0) {
		fprintf(stderr, "bench_bounds: no memory for the copy\n");
		return 1;
	}
	wnull = write_cost("/dev/null", wbytes, 0);
	snprintf(wpath, sizeof(wpath), "%s/bench_bounds.%ld", dir,
	    (long)getpid());
	wfile = write_cost(wpath, wbytes, 1);
	if (rfile != NULL && (rtime = read_cost(rfile, &rbytes)) < 0)
		return 1;
	if (wnull < 0 || wfile < 0)
		return 1;
	if (json) {
		print_json(cr, ncr, ks, nk, loads, copy, set, wbytes, wnull,
		    wfile, dir, rfile, rbytes, rtime);
		return 0;
	}
	printf("dependent loads over a random cycle of %d-byte nodes, "
	    "best of %d; loads/s with K chains in flight:\n", NODE_BYTES,
	    ROUNDS);
	printf("  %9s %5s %10s", "set", "pages", "ns/miss");
	for (j = 0; j < nk; j++)
		printf("   K=%-3u M/s", ks[j]);
	printf("\n");
	for (i = 0; i < ncr; i++) {
		printf("  %5.1f MiB %5s %10.1f", cr[i].mib,
		    cr[i].huge ? "huge" : "4k", cr[i].ns_dependent);
		for (j = 0; j < nk; j++)
			printf(" %12.1f", cr[i].rate[j] / 1e6);
		printf("\n");
	}
	printf("memcpy %.2f GB/s, memset %.2f GB/s (256 MiB)\n", copy, set);
	printf("write(2) of %zu bytes in 1 MiB blocks: /dev/null %.2f ms, "
	    "a new file in %s %.1f ms (%.2f GB/s)\n", wbytes, wnull * 1e3,
	    dir, wfile * 1e3, wbytes / wfile / 1e9);
	if (rfile != NULL)
		printf("read(2) of %s, %zu bytes: %.1f ms (%.2f GB/s)\n", rfile,
		    rbytes, rtime * 1e3, rbytes / rtime / 1e9);
	return 0;
}
