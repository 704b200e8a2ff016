/*
 * bench_reval.c - re-validation of a route-server-size RIB after a VRP
 * change (issue 17: "55 M stored routes: <= 2 s, alerts included").
 *
 *	build/bench_reval [-j] [-n ROUNDS] [-s SESSIONS] VRPS_A VRPS_B ROUTES
 *	    [VRPS_C]
 *
 * ROUTES is a route log (rovmon --routes, e.g. of the full-table
 * capture); its announcements are stored through the public RIB API
 * (rib_announce(), judged against VRPS_A with rov_check() as the packet
 * path does) once per session: SESSIONS peers (default 50), each with
 * the log's sessions under ids of its own, so 50 x the full table's
 * 1,114,866 routes = 55.7 M stored routes.  Then rib_revalidate()
 * against VRPS_B, then back against VRPS_A, ROUNDS times each (default
 * 2): every pass walks every stored route and flips the same routes.
 * Its callback does what rovmon's does for a changed route up to the
 * sink: alert_init() and alert_format_json() of the alert line into a
 * buffer, so the time includes the alerts.  VRPS_C, if given, is a
 * second change measured the same way (A -> C, C -> A), e.g. a snapshot
 * years apart that flips many routes: the cost of the alerts.
 * Reported: the routes, the store time, and per pass the wall seconds,
 * the process CPU seconds (all threads: on a busy machine the wall time
 * includes waits for a core), routes/s and the routes changed and alert
 * bytes; the best pass of each direction.  Numbers are reported, never
 * asserted.  -j prints one JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alert/alert.h"
#include "base/addr.h"
#include "base/log.h"
#include "bgp/bgp.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "rpki/vrp_load.h"
#include "state/rib.h"
#include "state/route_event.h"

#define MAXSEG	64

/* One announcement of the log: its AS path in the shared pools. */
struct lroute {
	struct bgp_route r;
	struct ipaddr	 src, dst, nh;
	uint16_t	 sport, dport;
	uint32_t	 peer_as;
	uint8_t		 kind;		/* enum bgp_origin_kind */
	uint32_t	 origin_as;
	uint32_t	 seg0, nseg;	/* into segs[] */
	uint32_t	 asn0, nasn;	/* into asns[] */
	uint8_t		 sess;		/* which of the log's sessions */
};

static struct lroute *routes;
static size_t nroutes, caproutes;
static struct bgp_as_segment *segs;
static size_t nsegs, capsegs;
static uint32_t *asns;
static size_t nasns, capasns;

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	void *np;

	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 65536;
	if ((np = realloc(p, *cap * size)) == NULL) {
		fprintf(stderr, "bench_reval: out of memory\n");
		exit(1);
	}
	return np;
}

static void
put_asn(json_t *v)
{
	asns = grow(asns, &capasns, nasns + 1, sizeof(*asns));
	asns[nasns++] = (uint32_t)json_integer_value(v);
}

/* The log's as_path: numbers a sequence, [..] a set, {..} a confed. */
static int
parse_path(json_t *path, struct lroute *lr)
{
	json_t *e, *x, *inner;
	size_t i, j;
	uint8_t type;
	const char *key;

	lr->seg0 = (uint32_t)nsegs;
	lr->asn0 = (uint32_t)nasns;
	json_array_foreach(path, i, e) {
		inner = NULL;
		if (json_is_integer(e))
			type = AS_SEQUENCE;
		else if (json_is_array(e)) {
			type = AS_SET;
			inner = e;
		} else if (json_is_object(e)) {
			type = AS_CONFED_SET;
			json_object_foreach(e, key, x) {
				inner = x;
				if (strcmp(key, "confed_seq") == 0)
					type = AS_CONFED_SEQUENCE;
			}
		} else
			return -1;
		if (nsegs == lr->seg0 || type != AS_SEQUENCE ||
		    segs[nsegs - 1].type != AS_SEQUENCE) {
			segs = grow(segs, &capsegs, nsegs + 1, sizeof(*segs));
			segs[nsegs].type = type;
			segs[nsegs].count = 0;
			segs[nsegs].start = (uint32_t)(nasns - lr->asn0);
			nsegs++;
		}
		if (inner == NULL) {
			put_asn(e);
			segs[nsegs - 1].count++;
		} else
			json_array_foreach(inner, j, x) {
				put_asn(x);
				segs[nsegs - 1].count++;
			}
	}
	lr->nseg = (uint32_t)(nsegs - lr->seg0);
	lr->nasn = (uint32_t)(nasns - lr->asn0);
	return lr->nseg > MAXSEG ? -1 : 0;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* The announcements of route log `path`; the log's sessions (by
 * sender) numbered in order of appearance. */
static int
read_log(const char *path, unsigned *nsess)
{
	static char line[1 << 20];
	char senders[8][64];
	json_error_t err;
	json_t *o, *pid;
	struct lroute *lr;
	const char *kind, *nh;
	FILE *fp;
	unsigned s;

	*nsess = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "\"event\":\"announce\"") == NULL)
			continue;
		if ((o = json_loads(line, 0, &err)) == NULL)
			continue;
		routes = grow(routes, &caproutes, nroutes + 1, sizeof(*routes));
		lr = &routes[nroutes];
		memset(lr, 0, sizeof(*lr));
		lr->r.event = BGP_ROUTE_ANNOUNCE;
		if (prefix_parse(jstr(o, "prefix"), &lr->r.prefix, NULL) != 0 ||
		    ipaddr_parse(jstr(o, "src_addr"), &lr->src) != 0 ||
		    ipaddr_parse(jstr(o, "dst_addr"), &lr->dst) != 0 ||
		    parse_path(json_object_get(o, "as_path"), lr) != 0) {
			json_decref(o);
			continue;
		}
		lr->r.afi = (uint16_t)json_integer_value(json_object_get(o, "afi"));
		lr->r.safi = (uint8_t)json_integer_value(json_object_get(o, "safi"));
		if ((pid = json_object_get(o, "path_id")) != NULL &&
		    json_is_integer(pid)) {
			lr->r.has_path_id = true;
			lr->r.path_id = (uint32_t)json_integer_value(pid);
		}
		nh = jstr(o, "next_hop");
		if (*nh != '\0')
			(void)ipaddr_parse(nh, &lr->nh);
		lr->sport = (uint16_t)json_integer_value(json_object_get(o,
		    "src_port"));
		lr->dport = (uint16_t)json_integer_value(json_object_get(o,
		    "dst_port"));
		lr->peer_as = (uint32_t)json_integer_value(json_object_get(o,
		    "peer_as"));
		kind = jstr(o, "origin_kind");
		lr->kind = strcmp(kind, "seq") == 0 ? ORIGIN_AS_SEQ :
		    strcmp(kind, "peer") == 0 ? ORIGIN_AS_PEER :
		    strcmp(kind, "set") == 0 ? ORIGIN_AS_SET :
		    strcmp(kind, "confed") == 0 ? ORIGIN_AS_CONFED :
		    ORIGIN_AS_NONE;
		lr->origin_as = (uint32_t)json_integer_value(json_object_get(o,
		    "origin_as"));
		for (s = 0; s < *nsess; s++)
			if (strcmp(senders[s], jstr(o, "src_addr")) == 0)
				break;
		if (s == *nsess && s < 8)
			snprintf(senders[(*nsess)++], sizeof(senders[0]), "%s",
			    jstr(o, "src_addr"));
		lr->sess = (uint8_t)(s < 8 ? s : 7);
		json_decref(o);
		nroutes++;
	}
	fclose(fp);
	return nroutes > 0 ? 0 : -1;
}

/* Store every route of the log once per peer, judged against ri. */
static int
store(struct rib *rib, const struct rov_index *ri, unsigned sessions,
    unsigned nsess)
{
	struct bgp_as_segment sg[MAXSEG];
	struct bgp_msg_ctx ctx;
	struct bgp_attrs at;
	struct route_verdict v;
	struct route_event ev;
	struct rov_result res;
	const struct lroute *lr;
	unsigned s, k;
	size_t i;

	for (s = 0; s < sessions; s++)
		for (i = 0; i < nroutes; i++) {
			lr = &routes[i];
			memset(&ctx, 0, sizeof(ctx));
			ctx.session_id = (uint64_t)s * nsess + lr->sess + 1;
			ctx.src_addr = lr->src;
			ctx.dst_addr = lr->dst;
			/* peer s's own address, as in rsscale_gen.py */
			if (lr->src.family == ADDR_V4) {
				ctx.src_addr.a[2] = (uint8_t)(s >> 8);
				ctx.src_addr.a[3] = (uint8_t)s;
			} else {
				ctx.src_addr.a[14] = (uint8_t)(s >> 8);
				ctx.src_addr.a[15] = (uint8_t)s;
			}
			ctx.src_port = lr->sport;
			ctx.dst_port = lr->dport;
			ctx.peer_as = lr->peer_as;
			memset(&at, 0, sizeof(at));
			for (k = 0; k < lr->nseg; k++)
				sg[k] = segs[lr->seg0 + k];
			at.aspath.seg = sg;
			at.aspath.nseg = lr->nseg;
			at.aspath.asns = &asns[lr->asn0];
			at.aspath.nasn = lr->nasn;
			at.origin_kind = lr->kind;
			at.origin_as = lr->origin_as;
			at.next_hop = lr->nh;
			route_verdict_init(&v, &ctx, &at);
			rov_check(ri, &lr->r.prefix, lr->kind == ORIGIN_AS_SEQ ||
			    lr->kind == ORIGIN_AS_PEER, lr->origin_as, &res);
			v.rpki = &res;
			v.generation = 1;
			if (rib_announce(rib, &ctx, &at, &lr->r, &v, &ev,
			    NULL) == RIB_ERROR) {
				fprintf(stderr, "bench_reval: rib_announce "
				    "failed at %zu routes\n", rib_count(rib));
				return -1;
			}
		}
	return 0;
}

/* The alert lines of the changed routes, formatted into a ring. */
struct alerts {
	struct alert_rule *rule;
	char	*buf;
	size_t	 cap, off;
	size_t	 lines, bytes;
};

static void
on_change(void *arg, struct route_event *ev, struct rib_route *rt,
    bool alerted)
{
	struct alerts *al = arg;
	struct alert a;
	int n;

	(void)rt;
	(void)alerted;
	alert_init(&a, al->rule, ev, "bench", 0);
	if (al->cap - al->off < ALERT_JSON_MAX)
		al->off = 0;
	if ((n = alert_format_json(&a, al->buf + al->off,
	    al->cap - al->off)) < 0)
		return;
	al->off += (size_t)n;
	al->bytes += (size_t)n;
	al->lines++;
}

static struct rov_index *
load(const char *path, struct aspa_index **aip)
{
	struct vrp_set *set;
	struct rov_index *ri;

	if ((set = vrp_load_file(path)) == NULL)
		return NULL;
	if ((ri = rov_index_build(set)) == NULL) {
		vrp_set_free(set);
		return NULL;
	}
	*aip = aspa_index_build(&rov_index_set(ri)->aspa);
	return ri;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_reval [-j] [-n ROUNDS] [-s SESSIONS] "
	    "VRPS_A VRPS_B ROUTES\n");
	exit(2);
}

/* The best of `rounds` passes each way between a and b. */
struct way {
	double	 wall, cpu;	/* the best pass (least wall) */
	size_t	 changed, lines, bytes;
};

static void
passes(struct rib *rib, struct rov_index *ia, struct aspa_index *aa,
    struct rov_index *ib, struct aspa_index *ab, const char *names,
    unsigned rounds, struct alerts *al, bool json, struct way w[2])
{
	struct timeval ts = { 1753004000, 0 };
	static uint64_t gen = 2;
	double t0, c0, t, c;
	size_t nch;
	unsigned r, dir;

	memset(w, 0, 2 * sizeof(*w));
	for (r = 0; r < 2 * rounds; r++) {
		dir = r % 2;
		al->lines = al->bytes = 0;
		t0 = now();
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		nch = rib_revalidate(rib, dir == 0 ? ib : ia,
		    dir == 0 ? ab : aa, gen++, &ts, on_change, al);
		t = now() - t0;
		c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (!json)
			printf("%s pass %u: %.3f s (CPU %.3f s), %.1f M "
			    "routes/s, %zu changed, %zu alert lines (%zu "
			    "bytes)\n", dir == 0 ? names : names + 4, r + 1,
			    t, c, rib_count(rib) / t / 1e6, nch, al->lines,
			    al->bytes);
		if (w[dir].wall == 0 || t < w[dir].wall) {
			w[dir].wall = t;
			w[dir].cpu = c;
		}
		w[dir].changed = nch;
		w[dir].lines = al->lines;
		w[dir].bytes = al->bytes;
	}
}

static void
print_way(const char *key, const struct way *w, size_t nr)
{
	printf("\"%s\":{\"best_s\":%.4f,\"cpu_s\":%.4f,"
	    "\"routes_per_s\":%.0f,\"changed\":%zu,\"alert_lines\":%zu,"
	    "\"alert_bytes\":%zu}", key, w->wall, w->cpu, nr / w->wall,
	    w->changed, w->lines, w->bytes);
}

int
main(int argc, char *argv[])
{
	struct rov_index *ia, *ib, *ic = NULL;
	struct aspa_index *aa, *ab, *ac = NULL;
	struct rib *rib;
	struct alerts al;
	struct rusage ru;
	struct way wb[2], wc[2];
	double t0, tstore;
	unsigned sessions = 50, rounds = 2, nsess;
	bool json = false;
	int ch;

	log_init("bench_reval");
	while ((ch = getopt(argc, argv, "jn:s:")) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'n':
			rounds = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			sessions = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4 || rounds < 1 || sessions < 1 ||
	    sessions > 65535)
		usage();
	if ((ia = load(argv[0], &aa)) == NULL ||
	    (ib = load(argv[1], &ab)) == NULL ||
	    (argc == 4 && (ic = load(argv[3], &ac)) == NULL))
		return 1;
	if (read_log(argv[2], &nsess) != 0) {
		fprintf(stderr, "bench_reval: %s: no announcements\n", argv[2]);
		return 1;
	}
	if ((rib = rib_new()) == NULL)
		return 1;
	t0 = now();
	if (store(rib, ia, sessions, nsess) != 0)
		return 1;
	tstore = now() - t0;
	al.cap = (size_t)4 << 20;
	al.off = al.lines = al.bytes = 0;
	/* rules/rovmon.rules' sid 1000002 ("invalid by origin") */
	al.rule = alert_rule_new(1, 1000002, 1, 1, "RPKI: route origin "
	    "INVALID (origin AS not authorised)", "bgp-hijack",
	    "Possible BGP hijack", "alert");
	if (al.rule == NULL || (al.buf = malloc(al.cap)) == NULL)
		return 1;
	if (!json)
		printf("%zu routes stored (%zu of the log x %u peers, %u "
		    "sessions each) in %.1f s, %zu bytes of RIB\n",
		    rib_count(rib), nroutes, sessions, nsess, tstore,
		    rib_memory(rib));
	/* A -> B, B -> A, ...: each pass flips the same routes. */
	passes(rib, ia, aa, ib, ab, "A>B\0B>A", rounds, &al, json, wb);
	if (ic != NULL)
		passes(rib, ia, aa, ic, ac, "A>C\0C>A", rounds, &al, json,
		    wc);
	getrusage(RUSAGE_SELF, &ru);
	if (json) {
		printf("{\"routes\":%zu,\"log_routes\":%zu,\"peers\":%u,"
		    "\"sessions_per_peer\":%u,\"store_s\":%.3f,"
		    "\"rib_bytes\":%zu,\"rounds\":%u,", rib_count(rib),
		    nroutes, sessions, nsess, tstore, rib_memory(rib), rounds);
		print_way("a_to_b", &wb[0], rib_count(rib));
		printf(",");
		print_way("b_to_a", &wb[1], rib_count(rib));
		if (ic != NULL) {
			printf(",");
			print_way("a_to_c", &wc[0], rib_count(rib));
			printf(",");
			print_way("c_to_a", &wc[1], rib_count(rib));
		}
		printf(",\"peak_rss_kib\":%ld}\n", ru.ru_maxrss);
	} else
		printf("best: A -> B %.3f s (%.1f M routes/s), B -> A %.3f s "
		    "(%.1f M routes/s); peak RSS %.1f MiB\n", wb[0].wall,
		    rib_count(rib) / wb[0].wall / 1e6, wb[1].wall,
		    rib_count(rib) / wb[1].wall / 1e6, ru.ru_maxrss / 1024.0);
	free(al.buf);
	alert_rule_free(al.rule);
	rib_free(rib);
	aspa_index_free(aa);
	aspa_index_free(ab);
	aspa_index_free(ac);
	rov_index_free(ia);
	rov_index_free(ib);
	rov_index_free(ic);
	return 0;
}
