/*
 * test_rib_query.c - the RIB's resumable, filtered walks (rib_query.h):
 * each filter against a hand-built table, and the sliced walk's promise
 * under random churn between slices (withdrawals, new routes, a session
 * going down, several walks at once, callbacks that pause): every route
 * stored for the whole walk is handed out exactly once, and no route
 * twice unless it was withdrawn and announced again meanwhile.  The oracle is an array of
 * flags per route.
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
#include "bgp/bgp.h"
#include "state/rib.h"
#include "state/rib_query.h"
#include "state/route_event.h"
#include "builders.h"

struct fix {
	struct bgp_msg_ctx	 ctx;
	struct bgp_attrs	 at;
	struct path_fix		 pf;
	struct bgp_route	 r;
};

/* Session id, sender 10.9.<id>.1 (dir 0) or 10.9.<id>.2 (dir 1). */
static void
fix_ctx(struct fix *f, uint64_t id, int dir)
{
	char a[32], b[32];

	memset(&f->ctx, 0, sizeof(f->ctx));
	f->ctx.session_id = id;
	snprintf(a, sizeof(a), "10.9.%u.%d", (unsigned)id, dir + 1);
	snprintf(b, sizeof(b), "10.9.%u.%d", (unsigned)id, 2 - dir);
	assert_int_equal(ipaddr_parse(a, &f->ctx.src_addr), 0);
	assert_int_equal(ipaddr_parse(b, &f->ctx.dst_addr), 0);
	f->ctx.src_port = dir == 0 ? 179 : 40000;
	f->ctx.dst_port = dir == 0 ? 40000 : 179;
	f->ctx.peer_as = 65000 + (uint32_t)dir;
}

static void
fix_route(struct fix *f, const char *p, uint32_t origin)
{
	const uint32_t path[] = { 65001, 3356, origin };

	memset(&f->at, 0, sizeof(f->at));
	b_path(&f->pf, path, 3, NULL, 0);
	f->at.aspath = f->pf.path;
	f->at.origin_kind = ORIGIN_AS_SEQ;
	f->at.origin_as = origin;
	memset(&f->r, 0, sizeof(f->r));
	f->r.prefix = b_prefix(p);
}

static void
announce(struct rib *rib, struct fix *f, enum rov_state st)
{
	struct route_verdict v;
	struct rov_result res;
	struct route_event ev;

	memset(&res, 0, sizeof(res));
	res.state = st;
	res.reason = st == ROV_INVALID ? ROV_REASON_AS : ROV_REASON_NONE;
	memset(&v, 0, sizeof(v));
	v.rpki = &res;
	v.generation = 1;
	assert_true(rib_announce(rib, &f->ctx, &f->at, &f->r, &v, &ev, NULL) >=
	    RIB_SAME);
}

/* ---- filters ----------------------------------------------------------- */

struct got {
	char	 p[64][PREFIX_STRLEN + 16];
	size_t	 n;
};

static bool
collect(void *arg, const struct route_event *ev, bool alerted)
{
	struct got *g = arg;
	char pb[PREFIX_STRLEN], ab[IPADDR_STRLEN];

	(void)alerted;
	assert_true(g->n < 64);
	snprintf(g->p[g->n++], sizeof(g->p[0]), "%s %u %s %s",
	    prefix_fmt(&ev->prefix, pb, sizeof(pb)), ev->origin_as,
	    rov_state_name(ev->rpki.state),
	    ipaddr_fmt(&ev->src_addr, ab, sizeof(ab)));
	return true;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The routes the filter gives, sorted, joined by "; ". */
static const char *
run(struct rib *rib, const struct rib_query_filter *f)
{
	static char out[4096];
	struct rib_query *q;
	struct got g;
	size_t i;

	memset(&g, 0, sizeof(g));
	assert_non_null(q = rib_query_new(rib, f));
	/* a budget of 1: the walk resumes after every route */
	while (rib_query_step(q, 1, collect, &g) != RIB_QUERY_DONE)
		;
	rib_query_free(q);
	qsort(g.p, g.n, sizeof(g.p[0]), cmp_str);
	out[0] = '\0';
	for (i = 0; i < g.n; i++) {
		if (i > 0)
			strcat(out, "; ");
		strcat(out, g.p[i]);
	}
	return out;
}

static void
test_filters(void **state)
{
	struct rib *rib;
	struct fix f;
	struct rib_query_filter q;

	(void)state;
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 1, 0);
	fix_route(&f, "192.0.2.0/24", 64500);
	announce(rib, &f, ROV_VALID);
	fix_route(&f, "192.0.2.128/25", 64501);
	announce(rib, &f, ROV_INVALID);
	fix_route(&f, "198.51.100.0/24", 64502);
	announce(rib, &f, ROV_NOT_FOUND);
	fix_ctx(&f, 1, 1);
	fix_route(&f, "192.0.2.0/23", 64501);
	announce(rib, &f, ROV_INVALID);
	fix_ctx(&f, 2, 0);
	fix_route(&f, "2001:db8::/32", 64500);
	announce(rib, &f, ROV_INVALID);
	fix_route(&f, "192.0.2.0/24", 64500);
	announce(rib, &f, ROV_VALID);

	memset(&q, 0, sizeof(q));
	assert_string_equal(run(rib, &q), "192.0.2.0/23 64501 invalid 10.9.1.2; "
	    "192.0.2.0/24 64500 valid 10.9.1.1; "
	    "192.0.2.0/24 64500 valid 10.9.2.1; "
	    "192.0.2.128/25 64501 invalid 10.9.1.1; "
	    "198.51.100.0/24 64502 not-found 10.9.1.1; "
	    "2001:db8::/32 64500 invalid 10.9.2.1");
	q.has_state = true;
	q.state = ROV_INVALID;
	assert_string_equal(run(rib, &q), "192.0.2.0/23 64501 invalid 10.9.1.2; "
	    "192.0.2.128/25 64501 invalid 10.9.1.1; "
	    "2001:db8::/32 64500 invalid 10.9.2.1");
	q.state = ROV_NOT_FOUND;
	assert_string_equal(run(rib, &q),
	    "198.51.100.0/24 64502 not-found 10.9.1.1");
	memset(&q, 0, sizeof(q));
	q.has_prefix = true;
	q.prefix = b_prefix("192.0.2.0/24");
	assert_string_equal(run(rib, &q), "192.0.2.0/24 64500 valid 10.9.1.1; "
	    "192.0.2.0/24 64500 valid 10.9.2.1");
	q.longer = true;	/* the /24 and its /25; not the /23 */
	assert_string_equal(run(rib, &q), "192.0.2.0/24 64500 valid 10.9.1.1; "
	    "192.0.2.0/24 64500 valid 10.9.2.1; "
	    "192.0.2.128/25 64501 invalid 10.9.1.1");
	q.prefix = b_prefix("2001:db8::/16");
	assert_string_equal(run(rib, &q), "2001:db8::/32 64500 invalid 10.9.2.1");
	memset(&q, 0, sizeof(q));
	q.has_origin = true;
	q.origin = 64501;
	assert_string_equal(run(rib, &q), "192.0.2.0/23 64501 invalid 10.9.1.2; "
	    "192.0.2.128/25 64501 invalid 10.9.1.1");
	q.has_peer = true;
	assert_int_equal(ipaddr_parse("10.9.1.2", &q.peer), 0);
	assert_string_equal(run(rib, &q), "192.0.2.0/23 64501 invalid 10.9.1.2");
	q.has_state = true;
	q.state = ROV_VALID;
	assert_string_equal(run(rib, &q), "");
	rib_free(rib);
}

/* ---- churn between slices ---------------------------------------------- */

#define NR	3000		/* routes per direction, 4 directions */
#define NW	3		/* walks at once */

struct seen {
	uint8_t	 *count;	/* times handed out, by route number */
	unsigned  refuse;	/* pause every refuse-th offer, 0 never */
	unsigned  offers;
};

/* Route number k: session k / (2 NR) + 1, direction, 10.x.y.0/24. */
static void
route_k(struct fix *f, unsigned k)
{
	char p[32];

	fix_ctx(f, k / (2 * NR) + 1, (int)(k / NR % 2));
	snprintf(p, sizeof(p), "10.%u.%u.0/24", k / 256 % 256, k % 256);
	fix_route(f, p, 64500 + k % 7);
}

static unsigned
k_of(const struct route_event *ev)
{
	unsigned dir = ev->src_port == 179 ? 0 : 1;

	return (unsigned)(ev->session_id - 1) * 2 * NR + dir * NR +
	    (ev->prefix.a[1] * 256u + ev->prefix.a[2]) % NR;
}

static bool
count_cb(void *arg, const struct route_event *ev, bool alerted)
{
	struct seen *s = arg;

	(void)alerted;
	if (s->refuse != 0 && ++s->offers % s->refuse == 0)
		return false;		/* "no room": offered again */
	s->count[k_of(ev)]++;
	return true;
}

static void
test_churn(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct rib_query_filter all;
	struct rib_query *q[NW];
	struct seen s[NW];
	enum rib_query_status st[NW];
	uint8_t present[4 * NR], always[4 * NR], gone[4 * NR];
	unsigned k, i, w, round, ndone, n, down = 0;

	(void)state;
	srand(16);
	assert_non_null(rib = rib_new());
	memset(present, 0, sizeof(present));
	for (k = 0; k < 4 * NR; k++)
		if (rand() % 4 != 0) {
			route_k(&f, k);
			announce(rib, &f, (enum rov_state)(k % 3));
			present[k] = 1;
		}
	memcpy(always, present, sizeof(always));
	memset(gone, 0, sizeof(gone));
	memset(&all, 0, sizeof(all));
	for (w = 0; w < NW; w++) {
		assert_non_null(q[w] = rib_query_new(rib, &all));
		assert_non_null(s[w].count = calloc(4 * NR, 1));
		s[w].refuse = w == 1 ? 5 : 0;
		s[w].offers = 0;
		st[w] = RIB_QUERY_MORE;
	}
	for (round = 0, ndone = 0; ndone < NW; round++) {
		/* each walk a slice of a different size */
		for (w = 0, ndone = 0; w < NW; w++) {
			if (st[w] != RIB_QUERY_DONE)
				st[w] = rib_query_step(q[w], 17 + w * 40,
				    count_cb, &s[w]);
			ndone += st[w] == RIB_QUERY_DONE;
		}
		/* churn: withdraw some, announce some (new or again) */
		for (i = 0; i < 40; i++) {
			k = (unsigned)rand() % (4 * NR);
			route_k(&f, k);
			if (present[k] && rand() % 2 == 0) {
				assert_true(rib_withdraw(rib, &f.ctx, &f.r,
				    &ev, NULL));
				present[k] = 0;
				always[k] = 0;
				gone[k] = 1;
			} else if (!present[k]) {
				announce(rib, &f, ROV_INVALID);
				present[k] = 1;
			}
		}
		/* once, a session goes down in the middle of the walks */
		if (round == 40) {
			n = (unsigned)rib_session_down(rib, 2, NULL, NULL, NULL);
			assert_true(n > 0);
			for (k = 2 * NR; k < 4 * NR; k++)
				present[k] = always[k] = 0;
			down = 1;
		}
		assert_true(round < 100000);
	}
	assert_int_equal(down, 1);
	for (w = 0; w < NW; w++) {
		for (k = 0; k < 4 * NR; k++) {
			/* never twice unless withdrawn and announced
			 * again (then it is another route); stored
			 * throughout: exactly once */
			if (!gone[k] && s[w].count[k] > 1)
				fail_msg("walk %u: route %u handed out %u "
				    "times", w, k, s[w].count[k]);
			if (always[k] && s[w].count[k] != 1)
				fail_msg("walk %u: route %u stored throughout, "
				    "handed out %u times", w, k, s[w].count[k]);
		}
		rib_query_free(q[w]);
		free(s[w].count);
	}
	rib_free(rib);
}

/* A session that goes down is held, then adopted by a new session of the
 * same speakers (rib_hold.c) under a new id, in the middle of a walk:
 * every route is still handed out exactly once, the later ones under the
 * new id. */
static uint64_t adopt_ids[2];

static bool
adopt_cb(void *arg, const struct route_event *ev, bool alerted)
{
	struct seen *s = arg;

	(void)alerted;
	s->count[k_of(ev) % (2 * NR)]++;
	adopt_ids[ev->session_id == 99 ? 1 : 0]++;
	return true;
}

static void
test_adopt(void **state)
{
	struct rib *rib;
	struct fix f;
	struct rib_query_filter all;
	struct rib_query *q;
	struct rib_speakers sp;
	struct rib_hold_info info;
	struct seen s;
	unsigned k;

	(void)state;
	assert_non_null(rib = rib_new());
	for (k = 0; k < 2 * NR; k++) {		/* session 1, both ends */
		route_k(&f, k);
		f.ctx.peer_as = 0;
		announce(rib, &f, ROV_VALID);
	}
	memset(&all, 0, sizeof(all));
	memset(&s, 0, sizeof(s));
	assert_non_null(s.count = calloc(4 * NR, 1));
	adopt_ids[0] = adopt_ids[1] = 0;
	assert_non_null(q = rib_query_new(rib, &all));
	assert_int_equal(rib_query_step(q, 1000, adopt_cb, &s), RIB_QUERY_MORE);
	assert_true(rib_hold(rib, 1, 100, 200, &info) == 2 * NR);
	memset(&sp, 0, sizeof(sp));
	assert_int_equal(ipaddr_parse("10.9.1.1", &sp.addr[0]), 0);
	assert_int_equal(ipaddr_parse("10.9.1.2", &sp.addr[1]), 0);
	sp.port[0] = 179;
	sp.port[1] = 40000;
	assert_int_equal(rib_adopt(rib, 99, &sp, 300, &info), 2 * NR);
	while (rib_query_step(q, 777, adopt_cb, &s) != RIB_QUERY_DONE)
		;
	for (k = 0; k < 2 * NR; k++)
		if (s.count[k] != 1)
			fail_msg("route %u handed out %u times", k, s.count[k]);
	assert_int_equal(adopt_ids[0], 1000);	/* before the flap */
	assert_int_equal(adopt_ids[1], 2 * NR - 1000);
	rib_query_free(q);
	free(s.count);
	rib_free(rib);
}

/* A walk freed half way leaves the table as it was. */
static void
test_free_midway(void **state)
{
	struct rib *rib;
	struct fix f;
	struct rib_query_filter all;
	struct rib_query *q;
	struct seen s;
	struct route_event ev;
	unsigned k;

	(void)state;
	assert_non_null(rib = rib_new());
	for (k = 0; k < 200; k++) {
		route_k(&f, k);
		announce(rib, &f, ROV_VALID);
	}
	memset(&all, 0, sizeof(all));
	memset(&s, 0, sizeof(s));
	assert_non_null(s.count = calloc(4 * NR, 1));
	assert_non_null(q = rib_query_new(rib, &all));
	assert_int_equal(rib_query_step(q, 50, count_cb, &s), RIB_QUERY_MORE);
	assert_int_equal(rib_query_visited(q), 50);
	rib_query_free(q);
	for (k = 0; k < 200; k++) {
		route_k(&f, k);
		assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	}
	assert_int_equal(rib_count(rib), 0);
	free(s.count);
	rib_free(rib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_adopt),
		cmocka_unit_test(test_free_midway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
