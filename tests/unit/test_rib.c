/*
 * test_rib.c - route state: new/same/changed routes, withdrawals, ADD-PATH,
 * sessions and directions, session down, revalidation against two VRP
 * sets, ASPA re-verification against two ASPA sets, roles, OTC and
 * leaks kept per route, AS path interning, random churn against an array oracle, and a
 * 1M-route table that prints its memory per route.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "state/rib.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "state/route_event.h"
#include "rpki/vrp.h"
#include "builders.h"

/* An UPDATE's context and attributes, built from a few numbers. */
struct fix {
	struct bgp_msg_ctx	 ctx;
	struct bgp_attrs	 at;
	struct path_fix		 pf;
	struct bgp_route	 r;
};

/* Session id, sender "10.9.0.<sender>" port 179 or an ephemeral one. */
static void
fix_ctx(struct fix *f, uint64_t id, unsigned sender, uint32_t peer_as)
{
	memset(&f->ctx, 0, sizeof(f->ctx));
	f->ctx.session_id = id;
	assert_int_equal(ipaddr_parse(sender == 1 ? "10.9.0.1" : "10.9.0.2",
	    &f->ctx.src_addr), 0);
	assert_int_equal(ipaddr_parse(sender == 1 ? "10.9.0.2" : "10.9.0.1",
	    &f->ctx.dst_addr), 0);
	f->ctx.src_port = sender == 1 ? 179 : 40000;
	f->ctx.dst_port = sender == 1 ? 40000 : 179;
	f->ctx.peer_as = peer_as;
}

/* AS_SEQUENCE of n ASNs (origin the last), or with set != 0 a trailing
 * AS_SET {set}. */
static void
fix_path(struct fix *f, const uint32_t *asns, unsigned n, uint32_t set,
    const char *nh)
{
	memset(&f->at, 0, sizeof(f->at));
	b_path(&f->pf, asns, n, &set, set != 0 ? 1 : 0);
	f->at.aspath = f->pf.path;
	f->at.origin_kind = set != 0 ? ORIGIN_AS_SET : ORIGIN_AS_SEQ;
	f->at.origin_as = set != 0 ? 0 : asns[n - 1];
	assert_int_equal(ipaddr_parse(nh, &f->at.next_hop), 0);
}

static void
fix_route(struct fix *f, const char *p, bool has_pid, uint32_t pid)
{
	memset(&f->r, 0, sizeof(f->r));
	f->r.prefix = b_prefix(p);
	f->r.has_path_id = has_pid;
	f->r.path_id = pid;
}

static struct rov_result
res_of(enum rov_state st, enum rov_reason why)
{
	struct rov_result res;

	memset(&res, 0, sizeof(res));
	res.state = st;
	res.reason = why;
	return res;
}

static enum rib_change
announce(struct rib *rib, struct fix *f, const struct rov_result *res,
    struct route_event *ev, struct rib_route **rt)
{
	struct route_verdict v;

	memset(&v, 0, sizeof(v));
	v.rpki = res;
	v.generation = 1;
	return rib_announce(rib, &f->ctx, &f->at, &f->r, &v, ev, rt);
}

static void
test_changes(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct rib_route *rt;
	struct rov_result valid = res_of(ROV_VALID, ROV_REASON_NONE);
	struct rov_result inval = res_of(ROV_INVALID, ROV_REASON_AS);
	const uint32_t p1[] = { 65001, 3356, 64500 };
	const uint32_t p2[] = { 65001, 174, 64500 };
	const uint32_t p3[] = { 65001, 174, 64501 };

	(void)state;
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 7, 1, 65001);
	fix_path(&f, p1, 3, 0, "10.9.0.1");
	fix_route(&f, "192.0.2.0/24", false, 0);

	assert_int_equal(announce(rib, &f, &valid, &ev, &rt), RIB_NEW);
	assert_non_null(rt);
	assert_int_equal(ev.kind, RTEV_ANNOUNCE);
	assert_false(ev.has_prev);
	assert_true(ev.has_rpki);
	assert_int_equal(ev.rpki.state, ROV_VALID);
	assert_int_equal(ev.origin_as, 64500);
	assert_int_equal(ev.peer_as, 65001);
	assert_int_equal(ev.session_id, 7);
	assert_int_equal(ev.aspath->nasn, 3);
	assert_int_equal(ev.aspath->asns[1], 3356);
	assert_true(prefix_eq(&ev.prefix, &f.r.prefix));
	assert_int_equal(rib_count(rib), 1);
	assert_int_equal(rib_count_by_state(rib, ROV_VALID), 1);

	assert_int_equal(announce(rib, &f, &valid, &ev, &rt), RIB_SAME);
	assert_true(ev.has_prev);
	assert_int_equal(ev.prev_state, ROV_VALID);

	/* path only, then next hop only */
	fix_path(&f, p2, 3, 0, "10.9.0.1");
	assert_int_equal(announce(rib, &f, &valid, &ev, &rt),
	    RIB_PATH_CHANGED);
	assert_int_equal(ev.aspath->asns[1], 174);
	fix_path(&f, p2, 3, 0, "10.9.0.3");
	assert_int_equal(announce(rib, &f, &valid, &ev, &rt),
	    RIB_PATH_CHANGED);
	assert_int_equal(rib_paths(rib), 1);

	/* origin change */
	fix_path(&f, p3, 3, 0, "10.9.0.3");
	assert_int_equal(announce(rib, &f, &valid, &ev, &rt), RIB_CHANGED);
	assert_int_equal(ev.prev_origin_as, 64500);
	assert_int_equal(ev.origin_as, 64501);

	/* state change; the caller marks the alert */
	assert_int_equal(announce(rib, &f, &inval, &ev, &rt), RIB_CHANGED);
	assert_int_equal(ev.prev_state, ROV_VALID);
	assert_int_equal(ev.rpki.state, ROV_INVALID);
	assert_int_equal(rib_count_by_state(rib, ROV_INVALID), 1);
	assert_int_equal(rib_count_by_state(rib, ROV_VALID), 0);
	assert_false(rib_alerted(rt));
	rib_set_alerted(rib, rt, true);
	assert_int_equal(announce(rib, &f, &inval, &ev, &rt), RIB_SAME);
	assert_true(rib_alerted(rt));

	/* back to VALID: the caller sees the alerted route resolve */
	assert_int_equal(announce(rib, &f, &valid, &ev, &rt), RIB_CHANGED);
	assert_true(rib_alerted(rt) && ev.has_prev &&
	    ev.prev_state != ROV_VALID && ev.rpki.state == ROV_VALID);

	/* origin AS_SET, and no VRPs */
	fix_path(&f, p3, 3, 64999, "10.9.0.3");
	assert_int_equal(announce(rib, &f, NULL, &ev, &rt), RIB_CHANGED);
	assert_false(ev.has_rpki);
	assert_int_equal(ev.origin_kind, ORIGIN_AS_SET);
	assert_int_equal(ev.aspath->nseg, 2);
	assert_int_equal(rib_count_by_state(rib, ROV_NOT_FOUND), 1);
	rib_free(rib);
}

static void
test_withdraw(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct rib_route *rt;
	struct rov_result inval = res_of(ROV_INVALID, ROV_REASON_LENGTH);
	const uint32_t p1[] = { 65001, 3356, 64500 };
	bool alerted = true;

	(void)state;
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 1, 1, 65001);
	fix_path(&f, p1, 3, 0, "10.9.0.1");
	fix_route(&f, "2001:db8::/32", false, 0);

	/* nothing stored yet: absent, even for an unknown session */
	assert_false(rib_withdraw(rib, &f.ctx, &f.r, &ev, &alerted));
	assert_false(alerted);
	assert_int_equal(ev.kind, RTEV_WITHDRAW);
	assert_false(ev.has_prev);

	assert_int_equal(announce(rib, &f, &inval, &ev, &rt), RIB_NEW);
	rib_set_alerted(rib, rt, true);
	assert_int_equal(rib_paths(rib), 1);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, &alerted));
	assert_true(alerted);
	assert_int_equal(ev.kind, RTEV_WITHDRAW);
	assert_int_equal(ev.origin_as, 64500);
	assert_int_equal(ev.rpki.state, ROV_INVALID);
	assert_int_equal(ev.rpki.reason, ROV_REASON_LENGTH);
	/* the path is readable until the next call */
	assert_non_null(ev.aspath);
	assert_int_equal(ev.aspath->nasn, 3);
	assert_int_equal(ev.aspath->asns[2], 64500);
	assert_int_equal(rib_count(rib), 0);
	assert_int_equal(rib_count_by_state(rib, ROV_INVALID), 0);

	assert_false(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	assert_int_equal(rib_paths(rib), 0);
	rib_free(rib);
}

static void
test_keys(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	const uint32_t p1[] = { 65001, 64500 };

	(void)state;
	assert_non_null(rib = rib_new());
	fix_path(&f, p1, 2, 0, "10.9.0.1");

	/* ADD-PATH: path ids 1 and 2 are two routes; no path id a third */
	fix_ctx(&f, 1, 1, 65001);
	fix_route(&f, "198.51.100.0/24", true, 1);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	assert_true(ev.has_path_id);
	assert_int_equal(ev.path_id, 1);
	fix_route(&f, "198.51.100.0/24", true, 2);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	fix_route(&f, "198.51.100.0/24", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	/* another length of the same address */
	fix_route(&f, "198.51.100.0/23", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	/* the other direction of the session */
	fix_ctx(&f, 1, 2, 65002);
	fix_route(&f, "198.51.100.0/24", true, 1);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	/* another session */
	fix_ctx(&f, 2, 1, 65001);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	assert_int_equal(rib_count(rib), 6);
	assert_int_equal(rib_sessions(rib), 2);
	assert_int_equal(rib_paths(rib), 1);

	/* withdrawing path id 1 in session 1 direction 1 leaves the rest */
	fix_ctx(&f, 1, 1, 65001);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	assert_false(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	fix_route(&f, "198.51.100.0/24", true, 2);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_SAME);
	fix_ctx(&f, 1, 2, 65002);
	fix_route(&f, "198.51.100.0/24", true, 1);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_SAME);
	assert_int_equal(ev.peer_as, 65002);
	fix_ctx(&f, 2, 1, 65001);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_SAME);
	assert_int_equal(rib_count(rib), 5);
	rib_free(rib);
}

struct seen {
	size_t	 n, alerted, up, down;
	uint64_t last_session;
	struct route_event ev[8];
};

static void
record(void *arg, struct route_event *ev, struct rib_route *rt, bool alerted)
{
	struct seen *s = arg;

	assert_non_null(rt);
	if (s->n < 8)
		s->ev[s->n] = *ev;
	s->n++;
	s->alerted += alerted;
	if (ev->src_port == 179)
		s->down++;
	else
		s->up++;
	s->last_session = ev->session_id;
}

static void
test_session_down(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct rib_route *rt;
	struct seen seen;
	struct timeval ts = { 1000, 5 };
	const uint32_t p1[] = { 65001, 64500 };
	char buf[64];
	int i;

	(void)state;
	assert_non_null(rib = rib_new());
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "10.%d.0.0/16", i);
		fix_route(&f, buf, false, 0);
		fix_ctx(&f, 1, 1 + i % 2, 65001 + i % 2);
		assert_int_equal(announce(rib, &f, NULL, &ev, &rt), RIB_NEW);
		if (i % 10 == 0)
			rib_set_alerted(rib, rt, true);
		fix_ctx(&f, 2, 1, 65001);
		assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	}
	assert_int_equal(rib_count(rib), 200);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_session_down(rib, 1, &ts, record, &seen), 100);
	assert_int_equal(seen.n, 100);
	assert_int_equal(seen.alerted, 10);
	assert_int_equal(seen.up, 50);
	assert_int_equal(seen.down, 50);
	assert_int_equal(seen.last_session, 1);
	assert_int_equal(seen.ev[0].kind, RTEV_RESOLVED);
	assert_int_equal(seen.ev[0].resolve_why, RESOLVE_SESSION_DOWN);
	assert_int_equal(seen.ev[0].ts.tv_sec, 1000);
	assert_non_null(seen.ev[0].aspath);
	assert_true(seen.ev[0].peer_as == 65001 || seen.ev[0].peer_as == 65002);
	assert_int_equal(rib_count(rib), 100);
	assert_int_equal(rib_sessions(rib), 1);
	assert_int_equal(rib_session_down(rib, 1, &ts, record, &seen), 0);
	assert_int_equal(rib_session_down(rib, 2, NULL, NULL, NULL), 100);
	assert_int_equal(rib_count(rib), 0);
	assert_int_equal(rib_paths(rib), 0);
	assert_int_equal(rib_sessions(rib), 0);
	rib_free(rib);
}

static void
test_revalidate(void **state)
{
	static const char *const va[] = { "10.0.0.0/16 24 1",
	    "10.1.0.0/16 24 2", NULL };
	/* the ROA mistake: 10.1/16 maxLength 16; a ROA for 10.2/16 */
	static const char *const vb[] = { "10.0.0.0/16 24 1",
	    "10.1.0.0/16 16 2", "10.2.0.0/16 24 5", NULL };
	struct rov_index *ia, *ib;
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct seen seen;
	const uint32_t o1[] = { 65001, 1 }, o2[] = { 65001, 2 };
	const uint32_t o3[] = { 65001, 3 };
	struct timeval ts = { 2000, 0 };

	(void)state;
	ia = b_rov_index(va);
	ib = b_rov_index(vb);
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 1, 1, 65001);
	fix_path(&f, o1, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.0.0/24", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	fix_path(&f, o2, 2, 0, "10.9.0.1");
	fix_route(&f, "10.1.0.0/24", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	fix_path(&f, o1, 2, 7, "10.9.0.1");	/* ends in AS_SET */
	fix_route(&f, "10.2.0.0/24", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	fix_path(&f, o3, 2, 0, "10.9.0.1");
	fix_route(&f, "192.168.0.0/16", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);

	/* first set: the two covered routes become VALID; the two others
	 * are judged for the first time, NOT_FOUND, and reported too (a
	 * sensor that got its VRPs after the routes alerts them) */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_revalidate(rib, ia, NULL, 10, &ts, record, &seen), 4);
	assert_int_equal(seen.n, 4);
	assert_int_equal(rib_count_by_state(rib, ROV_VALID), 2);
	assert_int_equal(rib_count_by_state(rib, ROV_NOT_FOUND), 2);
	for (size_t i = 0; i < 4; i++) {
		char buf[PREFIX_STRLEN];

		assert_int_equal(seen.ev[i].kind, RTEV_REVALIDATE);
		assert_int_equal(seen.ev[i].prev_state, ROV_NOT_FOUND);
		assert_int_equal(seen.ev[i].vrp_generation, 10);
		assert_int_equal(seen.ev[i].ts.tv_sec, 2000);
		assert_int_equal(seen.ev[i].peer_as, 65001);
		assert_true(seen.ev[i].has_rpki);
		prefix_fmt(&seen.ev[i].prefix, buf, sizeof(buf));
		if (strcmp(buf, "10.2.0.0/24") == 0 ||
		    strcmp(buf, "192.168.0.0/16") == 0) {
			assert_int_equal(seen.ev[i].rpki.state, ROV_NOT_FOUND);
			assert_int_equal(seen.ev[i].rpki.nvrps, 0);
			continue;
		}
		assert_int_equal(seen.ev[i].rpki.state, ROV_VALID);
		assert_int_equal(seen.ev[i].vrp_generation, 10);
		assert_int_equal(seen.ev[i].ts.tv_sec, 2000);
		assert_int_equal(seen.ev[i].peer_as, 65001);
		assert_true(seen.ev[i].has_rpki);
		assert_true(seen.ev[i].rpki.nvrps >= 1);
	}

	/* second set: 10.1/24 VALID -> INVALID (length), the AS_SET route
	 * NOT_FOUND -> INVALID (as_set); 10.0/24 unchanged */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_revalidate(rib, ib, NULL, 11, &ts, record, &seen), 2);
	assert_int_equal(seen.n, 2);
	for (size_t i = 0; i < 2; i++) {
		char buf[PREFIX_STRLEN];

		prefix_fmt(&seen.ev[i].prefix, buf, sizeof(buf));
		assert_int_equal(seen.ev[i].rpki.state, ROV_INVALID);
		if (strcmp(buf, "10.1.0.0/24") == 0) {
			assert_int_equal(seen.ev[i].prev_state, ROV_VALID);
			assert_int_equal(seen.ev[i].rpki.reason,
			    ROV_REASON_LENGTH);
			assert_int_equal(seen.ev[i].origin_as, 2);
		} else {
			assert_string_equal(buf, "10.2.0.0/24");
			assert_int_equal(seen.ev[i].prev_state, ROV_NOT_FOUND);
			assert_int_equal(seen.ev[i].rpki.reason,
			    ROV_REASON_AS_SET);
			assert_int_equal(seen.ev[i].origin_kind, ORIGIN_AS_SET);
		}
	}
	assert_int_equal(rib_count_by_state(rib, ROV_INVALID), 2);
	assert_int_equal(rib_count_by_state(rib, ROV_VALID), 1);
	assert_true(rib_check_tallies(rib));
	/* same set again: nothing */
	assert_int_equal(rib_revalidate(rib, ib, NULL, 12, &ts, record, &seen), 0);
	assert_int_equal(seen.n, 2);
	/* back to the first: the two INVALID ones change back */
	assert_int_equal(rib_revalidate(rib, ia, NULL, 13, &ts, NULL, NULL), 2);
	/* VRPs gone: no state kept, no events */
	assert_int_equal(rib_revalidate(rib, NULL, NULL, 14, &ts, record, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(rib_count_by_state(rib, ROV_NOT_FOUND), 4);
	assert_true(rib_check_tallies(rib));
	/* VRPs back: every route gets a verdict again, all four reported */
	assert_int_equal(rib_revalidate(rib, ia, NULL, 15, &ts, NULL, NULL), 4);
	assert_int_equal(rib_revalidate(rib, ia, NULL, 16, &ts, NULL, NULL), 0);
	rib_free(rib);
	rov_index_free(ia);
	rov_index_free(ib);
}

/* An ASPA index from "customer provider provider ..." lines. */
static struct aspa_index *
mkaspa(const char *const *lines)
{
	struct aspa_list l;
	struct aspa_index *ai;
	uint32_t v[8];
	const char *why, *p;
	char *e;
	size_t n;

	memset(&l, 0, sizeof(l));
	for (; *lines != NULL; lines++) {
		for (n = 0, p = *lines; *p != '\0' && n < 8; p = e, n++)
			v[n] = (uint32_t)strtoul(p, &e, 10);
		assert_int_equal(aspa_list_add(&l, v[0], v + 1, n - 1, 0, 0,
		    &why), 0);
	}
	assert_non_null(ai = aspa_index_build(&l));
	aspa_list_free(&l);
	return ai;
}

/* Announce f judged as rovmon_loop.c does: ROV, the OTC check, ASPA. */
static enum rib_change
announce_judged(struct rib *rib, struct fix *f, const struct rov_index *ri,
    const struct aspa_index *ai, struct route_event *ev)
{
	struct route_verdict v;
	struct rov_result res;

	route_verdict_init(&v, &f->ctx, &f->at);
	rov_check(ri, &f->r.prefix, true, f->at.origin_as, &res);
	v.rpki = &res;
	v.generation = 1;
	if (ai != NULL)
		v.has_aspa = aspa_verify(ai, &f->at.aspath, f->ctx.peer_as,
		    f->ctx.sender_role, &v.aspa);
	return rib_announce(rib, &f->ctx, &f->at, &f->r, &v, ev, NULL);
}

/*
 * A new ASPA set flips exactly the routes whose verdict changes: one
 * customer's provider set changes (64500: 65001 -> 65002), another
 * customer gets its first ASPA (64501).  Routes of a session with no
 * known role get no verdict and no event.
 */
static void
test_aspa_reverify(void **state)
{
	static const char *const vr[] = { "10.0.0.0/8 24 64500", NULL };
	static const char *const aa[] = { "64500 65001", NULL };
	static const char *const ab[] = { "64500 65002", "64501 65001", NULL };
	const uint32_t p1[] = { 65001, 64500 }, p2[] = { 65001, 64501 };
	const uint32_t p3[] = { 65001, 64502 };
	struct rov_index *ri;
	struct aspa_index *ia, *ib;
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct seen seen;
	struct timeval ts = { 3000, 0 };
	struct rib_counts cnt;
	char buf[PREFIX_STRLEN];
	size_t i;

	(void)state;
	ri = b_rov_index(vr);
	ia = mkaspa(aa);
	ib = mkaspa(ab);
	assert_non_null(rib = rib_new());
	/* session 1: 65001 is our customer (it sent its role in OPEN) */
	fix_ctx(&f, 1, 1, 65001);
	f.ctx.sender_role = BGP_ROLE_CUSTOMER;
	f.ctx.role_source = BGP_ROLE_SRC_OPEN;
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_int_equal(announce_judged(rib, &f, ri, ia, &ev), RIB_NEW);
	assert_true(ev.has_aspa);
	assert_int_equal(ev.aspa.state, ASPA_VALID);
	assert_int_equal(ev.aspa.procedure, ASPA_UPSTREAM);
	assert_int_equal(ev.sender_role, BGP_ROLE_CUSTOMER);
	assert_int_equal(ev.role_source, BGP_ROLE_SRC_OPEN);
	assert_int_equal(ev.unchanged, 0);
	fix_path(&f, p2, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.2.0/24", false, 0);
	assert_int_equal(announce_judged(rib, &f, ri, ia, &ev), RIB_NEW);
	assert_int_equal(ev.aspa.state, ASPA_UNKNOWN);
	fix_path(&f, p3, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.3.0/24", false, 0);
	assert_int_equal(announce_judged(rib, &f, ri, ia, &ev), RIB_NEW);
	assert_int_equal(ev.aspa.state, ASPA_UNKNOWN);
	/* session 2: no role known: no ASPA verdict */
	fix_ctx(&f, 2, 1, 65001);
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_int_equal(announce_judged(rib, &f, ri, ib, &ev), RIB_NEW);
	assert_false(ev.has_aspa);

	/* the same ASPA set: nothing changes */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_revalidate(rib, ri, ia, 2, &ts, record, &seen), 0);
	/* the new set: 10.0.1/24 valid -> invalid, 10.0.2/24 unknown ->
	 * valid; 10.0.3/24 stays unknown, session 2's route has no role */
	assert_int_equal(rib_revalidate(rib, ri, ib, 3, &ts, record, &seen), 2);
	assert_int_equal(seen.n, 2);
	/* by ASPA state: 10.0.1 invalid, 10.0.2 valid, 10.0.3 unknown,
	 * session 2's route none */
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.aspa[ASPA_VALID], 1);
	assert_int_equal(cnt.aspa[ASPA_INVALID], 1);
	assert_int_equal(cnt.aspa[ASPA_UNKNOWN], 1);
	assert_int_equal(cnt.aspa_none, 1);
	assert_true(rib_check_tallies(rib));
	for (i = 0; i < 2; i++) {
		assert_int_equal(seen.ev[i].kind, RTEV_REVALIDATE);
		assert_int_equal(seen.ev[i].session_id, 1);
		/* news of ASPA only: ROV rules stay quiet */
		assert_int_equal(seen.ev[i].unchanged,
		    RTEV_VERDICT_RPKI | RTEV_VERDICT_LEAK);
		assert_true(seen.ev[i].has_aspa);
		assert_true(seen.ev[i].has_prev_aspa);
		assert_int_equal(seen.ev[i].sender_role, BGP_ROLE_CUSTOMER);
		assert_int_equal(seen.ev[i].rpki.state,
		    seen.ev[i].prev_state);
		prefix_fmt(&seen.ev[i].prefix, buf, sizeof(buf));
		if (strcmp(buf, "10.0.1.0/24") == 0) {
			assert_int_equal(seen.ev[i].prev_aspa_state,
			    ASPA_VALID);
			assert_int_equal(seen.ev[i].aspa.state, ASPA_INVALID);
			assert_int_equal(seen.ev[i].aspa.reason,
			    ASPA_REASON_HOP);
			assert_int_equal(seen.ev[i].aspa.hop_customer, 64500);
			assert_int_equal(seen.ev[i].aspa.hop_provider, 65001);
		} else {
			assert_string_equal(buf, "10.0.2.0/24");
			assert_int_equal(seen.ev[i].prev_aspa_state,
			    ASPA_UNKNOWN);
			assert_int_equal(seen.ev[i].aspa.state, ASPA_VALID);
		}
	}
	/* again: nothing; back to the first set: the same two flip back */
	assert_int_equal(rib_revalidate(rib, ri, ib, 4, &ts, NULL, NULL), 0);
	assert_int_equal(rib_revalidate(rib, ri, ia, 5, &ts, NULL, NULL), 2);
	/* ASPA data gone: verdicts dropped quietly; back: first verdicts
	 * of the three routes with a role are news */
	assert_int_equal(rib_revalidate(rib, ri, NULL, 6, &ts, NULL, NULL), 0);
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.aspa_none, 4);
	assert_int_equal(rib_revalidate(rib, ri, ia, 7, &ts, NULL, NULL), 3);
	assert_true(rib_check_tallies(rib));

	/* a withdrawal reports the stored verdict (no deciding hop) */
	assert_int_equal(rib_revalidate(rib, ri, ib, 8, &ts, NULL, NULL), 2);
	fix_ctx(&f, 1, 1, 65001);
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	assert_true(ev.has_aspa);
	assert_int_equal(ev.aspa.state, ASPA_INVALID);
	assert_int_equal(ev.aspa.reason, ASPA_REASON_HOP);
	assert_int_equal(ev.aspa.procedure, ASPA_UPSTREAM);
	assert_int_equal(ev.aspa.hop_customer, 0);
	assert_int_equal(ev.sender_role, BGP_ROLE_CUSTOMER);
	rib_free(rib);
	rov_index_free(ri);
	aspa_index_free(ia);
	aspa_index_free(ib);
}

/*
 * OTC is part of the interned tuple (a route with it and one without
 * share no tuple); the leak is kept per route and its change is news,
 * an OTC change alone is not.
 */
static void
test_otc_leak(void **state)
{
	const uint32_t p1[] = { 65001, 64500 };
	struct rib_counts cnt;
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct route_verdict v;
	bool alerted;

	(void)state;
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 1, 1, 65001);
	f.ctx.sender_role = BGP_ROLE_PEER;
	f.ctx.role_source = BGP_ROLE_SRC_CONFIG;
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.1.0/24", false, 0);
	route_verdict_init(&v, &f.ctx, &f.at);
	assert_int_equal(rib_announce(rib, &f.ctx, &f.at, &f.r, &v, &ev, NULL),
	    RIB_NEW);
	assert_false(ev.has_otc);
	assert_int_equal(ev.leak, BGP_LEAK_NONE);
	/* the peer's own AS as OTC: allowed; same verdicts, new tuple */
	f.at.has_otc = true;
	f.at.otc = 65001;
	route_verdict_init(&v, &f.ctx, &f.at);
	assert_int_equal(v.leak, BGP_LEAK_NONE);
	assert_int_equal(rib_announce(rib, &f.ctx, &f.at, &f.r, &v, &ev, NULL),
	    RIB_PATH_CHANGED);
	assert_true(ev.has_otc);
	assert_int_equal(ev.otc, 65001);
	/* another AS's OTC from a peer: a leak (RFC 9234 section 5) */
	f.at.otc = 64999;
	route_verdict_init(&v, &f.ctx, &f.at);
	assert_int_equal(v.leak, BGP_LEAK_OTC_FROM_PEER);
	assert_int_equal(rib_announce(rib, &f.ctx, &f.at, &f.r, &v, &ev, NULL),
	    RIB_CHANGED);
	assert_int_equal(ev.unchanged, RTEV_VERDICT_RPKI | RTEV_VERDICT_ASPA);
	assert_int_equal(ev.leak, BGP_LEAK_OTC_FROM_PEER);
	assert_int_equal(ev.prev_leak, BGP_LEAK_NONE);
	assert_int_equal(ev.otc, 64999);
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.leak[BGP_LEAK_OTC_FROM_PEER], 1);
	assert_int_equal(cnt.leak[BGP_LEAK_NONE], 0);
	assert_int_equal(cnt.aspa_none, 1);
	/* the same route from another prefix without OTC: two tuples */
	f.at.has_otc = false;
	fix_route(&f, "10.0.2.0/24", false, 0);
	route_verdict_init(&v, &f.ctx, &f.at);
	assert_int_equal(rib_announce(rib, &f.ctx, &f.at, &f.r, &v, &ev, NULL),
	    RIB_NEW);
	assert_int_equal(rib_paths(rib), 2);
	/* withdrawing reports the stored OTC and leak */
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, &alerted));
	assert_true(ev.has_otc);
	assert_int_equal(ev.otc, 64999);
	assert_int_equal(ev.leak, BGP_LEAK_OTC_FROM_PEER);
	assert_int_equal(ev.sender_role, BGP_ROLE_PEER);
	assert_int_equal(ev.role_source, BGP_ROLE_SRC_CONFIG);
	assert_false(ev.has_aspa);
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.leak[BGP_LEAK_OTC_FROM_PEER], 0);
	assert_int_equal(cnt.leak[BGP_LEAK_NONE], 1);
	assert_int_equal(rib_session_down(rib, 1, NULL, NULL, NULL), 1);
	assert_int_equal(rib_paths(rib), 0);
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.leak[BGP_LEAK_NONE], 0);
	assert_int_equal(cnt.aspa_none, 0);
	rib_free(rib);
}

/*
 * RFC 8097: the router's stamp is part of the interned tuple (kept in the
 * tuple's spare byte, so a route costs no more); a changed stamp is news
 * of the ROV verdict, the same one is not; a revalidation and a withdrawal
 * report the stored stamp.
 */
static void
test_router_stamp(void **state)
{
	/* a ROA for another AS: both stored routes turn INVALID */
	static const char *const va[] = { "10.0.0.0/16 24 64999", NULL };
	const uint32_t p1[] = { 65001, 64500 };
	struct rov_index *ia;
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct rov_result valid = res_of(ROV_VALID, ROV_REASON_NONE);
	struct seen seen;
	struct timeval ts = { 3000, 0 };
	bool alerted;

	(void)state;
	ia = b_rov_index(va);
	assert_non_null(rib = rib_new());
	fix_ctx(&f, 1, 1, 65001);
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	f.at.router_rpki = BGP_RRPKI_INVALID;
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &valid, &ev, NULL), RIB_NEW);
	assert_int_equal(ev.router_rpki, BGP_RRPKI_INVALID);
	/* the same stamp again: nothing new */
	assert_int_equal(announce(rib, &f, &valid, &ev, NULL), RIB_SAME);
	assert_int_equal(ev.unchanged, RTEV_VERDICT_ALL);
	/* the router now agrees: news of the ROV verdict only, a new tuple */
	f.at.router_rpki = BGP_RRPKI_VALID;
	assert_int_equal(announce(rib, &f, &valid, &ev, NULL), RIB_CHANGED);
	assert_int_equal(ev.unchanged, RTEV_VERDICT_ASPA | RTEV_VERDICT_LEAK);
	assert_int_equal(ev.router_rpki, BGP_RRPKI_VALID);
	/* the same path without a stamp on another prefix: two tuples */
	f.at.router_rpki = BGP_RRPKI_NONE;
	fix_route(&f, "10.0.2.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &valid, &ev, NULL), RIB_NEW);
	assert_int_equal(ev.router_rpki, BGP_RRPKI_NONE);
	assert_int_equal(rib_paths(rib), 2);
	/* a revalidation carries each route's stored stamp */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_revalidate(rib, ia, NULL, 2, &ts, record, &seen),
	    2);
	assert_int_equal(seen.n, 2);
	for (size_t i = 0; i < 2; i++) {
		char buf[PREFIX_STRLEN];

		prefix_fmt(&seen.ev[i].prefix, buf, sizeof(buf));
		assert_int_equal(seen.ev[i].rpki.state, ROV_INVALID);
		assert_int_equal(seen.ev[i].router_rpki,
		    strcmp(buf, "10.0.1.0/24") == 0 ? BGP_RRPKI_VALID :
		    BGP_RRPKI_NONE);
	}
	/* withdrawing reports it too */
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, &alerted));
	assert_int_equal(ev.router_rpki, BGP_RRPKI_VALID);
	rib_free(rib);
	rov_index_free(ia);
}

/* Paths are shared and freed with their last route. */
static void
test_interning(void **state)
{
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	uint32_t path[3] = { 65001, 0, 64500 };
	char buf[64];
	size_t mem0;
	int i;

	(void)state;
	assert_non_null(rib = rib_new());
	mem0 = rib_memory(rib);
	fix_ctx(&f, 1, 1, 65001);
	for (i = 0; i < 300; i++) {
		path[1] = 100 + i % 3;
		fix_path(&f, path, 3, 0, "10.9.0.1");
		snprintf(buf, sizeof(buf), "172.%d.%d.0/24", 16 + i / 256,
		    i % 256);
		fix_route(&f, buf, false, 0);
		assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	}
	assert_int_equal(rib_paths(rib), 3);
	assert_true(rib_memory(rib) > mem0);
	/* move every route to one path: two paths die */
	path[1] = 100;
	fix_path(&f, path, 3, 0, "10.9.0.1");
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "172.%d.%d.0/24", 16 + i / 256,
		    i % 256);
		fix_route(&f, buf, false, 0);
		assert_int_equal(announce(rib, &f, NULL, &ev, NULL),
		    i % 3 == 0 ? RIB_SAME : RIB_PATH_CHANGED);
	}
	assert_int_equal(rib_paths(rib), 1);
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "172.%d.%d.0/24", 16 + i / 256,
		    i % 256);
		fix_route(&f, buf, false, 0);
		assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	}
	assert_int_equal(rib_paths(rib), 1);	/* held for the last event */
	assert_int_equal(rib_session_down(rib, 1, NULL, NULL, NULL), 0);
	assert_int_equal(rib_paths(rib), 0);
	assert_int_equal(rib_sessions(rib), 0);
	assert_int_equal(rib_memory(rib), mem0);
	rib_free(rib);
}

/* Random announce/withdraw churn against an array: exercises probing,
 * backward-shift deletion and the move of the last route. */
/* rib_dirs(): one entry per sender with routes, its counts by state. */
struct dirs_seen {
	struct rib_dir_info d[4];
	size_t n;
};

static void
dirs_record(void *arg, const struct rib_dir_info *di)
{
	struct dirs_seen *s = arg;

	assert_true(s->n < 4);
	s->d[s->n++] = *di;
}

static void
test_dirs(void **state)
{
	const uint32_t p1[] = { 65001, 64500 };
	struct rov_result inv = res_of(ROV_INVALID, ROV_REASON_AS);
	struct rov_result val = res_of(ROV_VALID, ROV_REASON_NONE);
	struct dirs_seen seen;
	struct rib_counts cnt;
	struct route_event ev;
	struct rib *rib;
	struct fix f;
	size_t i;

	(void)state;
	assert_non_null(rib = rib_new());
	/* session 1: sender 1 (AS 65001) 2 invalid + 1 valid; sender 2
	 * (AS 65002) 1 not judged; session 2: sender 1, 1 valid */
	fix_ctx(&f, 1, 1, 65001);
	fix_path(&f, p1, 2, 0, "10.9.0.1");
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &inv, &ev, NULL), RIB_NEW);
	fix_route(&f, "10.0.2.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &inv, &ev, NULL), RIB_NEW);
	fix_route(&f, "10.0.3.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &val, &ev, NULL), RIB_NEW);
	fix_ctx(&f, 1, 2, 65002);
	fix_route(&f, "10.0.4.0/24", false, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	fix_ctx(&f, 2, 1, 65001);
	fix_route(&f, "10.0.5.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &val, &ev, NULL), RIB_NEW);
	/* one invalid becomes valid: both tallies move */
	fix_ctx(&f, 1, 1, 65001);
	fix_route(&f, "10.0.2.0/24", false, 0);
	assert_int_equal(announce(rib, &f, &val, &ev, NULL), RIB_CHANGED);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_dirs(rib, dirs_record, &seen), 3);
	assert_int_equal(seen.n, 3);
	for (i = 0; i < seen.n; i++) {
		const struct rib_dir_info *d = &seen.d[i];

		if (d->session_id == 1 && d->peer_as == 65001) {
			assert_int_equal(d->routes, 3);
			assert_int_equal(d->rpki[ROV_INVALID], 1);
			assert_int_equal(d->rpki[ROV_VALID], 2);
			assert_int_equal(d->sport, 179);
		} else if (d->session_id == 1) {
			assert_int_equal(d->peer_as, 65002);
			assert_int_equal(d->routes, 1);
			assert_int_equal(d->rpki[ROV_NOT_FOUND], 1);
			assert_int_equal(d->sport, 40000);
		} else {
			assert_int_equal(d->session_id, 2);
			assert_int_equal(d->routes, 1);
			assert_int_equal(d->rpki[ROV_VALID], 1);
		}
	}
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.routes, 5);
	assert_int_equal(cnt.rpki[ROV_INVALID], 1);
	assert_int_equal(cnt.rpki[ROV_VALID], 3);
	assert_int_equal(cnt.rpki[ROV_NOT_FOUND], 1);
	assert_int_equal(cnt.rpki[ROV_INVALID],
	    rib_count_by_state(rib, ROV_INVALID));
	assert_int_equal(cnt.sessions, 2);
	assert_true(rib_check_tallies(rib));
	/* a withdrawal and a session down */
	fix_route(&f, "10.0.1.0/24", false, 0);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	assert_int_equal(rib_session_down(rib, 2, NULL, NULL, NULL), 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(rib_dirs(rib, dirs_record, &seen), 2);
	rib_counts(rib, &cnt);
	assert_int_equal(cnt.rpki[ROV_INVALID], 0);
	assert_int_equal(cnt.rpki[ROV_VALID], 2);
	assert_true(rib_check_tallies(rib));
	rib_free(rib);
}

static void
test_churn(void **state)
{
	enum { NPFX = 700, NKEY = 2 * NPFX * 2 };
	static uint32_t oracle[NKEY];	/* origin AS, 0 = absent */
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	uint32_t path[2] = { 65001, 0 };
	struct rov_result res;
	char buf[64];
	size_t n = 0;
	unsigned i, k, dir, p, pid;
	bool present;

	(void)state;
	srandom(4);
	memset(oracle, 0, sizeof(oracle));
	assert_non_null(rib = rib_new());
	for (i = 0; i < 300000; i++) {
		k = (unsigned)random() % NKEY;
		dir = k / (NPFX * 2);
		p = k / 2 % NPFX;
		pid = k % 2;
		fix_ctx(&f, 9, 1 + dir, 65001);
		snprintf(buf, sizeof(buf), "10.%u.%u.0/24", p / 256, p % 256);
		fix_route(&f, buf, true, pid);
		if (random() % 3 == 0) {
			present = rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL);
			assert_int_equal(present, oracle[k] != 0);
			if (present) {
				assert_int_equal(ev.origin_as, oracle[k]);
				n--;
			}
			oracle[k] = 0;
			continue;
		}
		path[1] = 1 + (unsigned)random() % 4;
		fix_path(&f, path, 2, 0, "10.9.0.1");
		/* the state follows the origin, so an unchanged origin is
		 * RIB_SAME; the tallies follow every move */
		res = res_of((enum rov_state)(path[1] % 3), ROV_REASON_NONE);
		assert_int_equal(announce(rib, &f, &res, &ev, NULL),
		    oracle[k] == 0 ? RIB_NEW : oracle[k] == path[1] ?
		    RIB_SAME : RIB_CHANGED);
		if (i % 4096 == 0)
			assert_true(rib_check_tallies(rib));
		n += oracle[k] == 0;
		oracle[k] = path[1];
		assert_int_equal(rib_count(rib), n);
	}
	assert_true(rib_paths(rib) <= 4);
	assert_true(rib_check_tallies(rib));
	assert_int_equal(rib_dirs(rib, NULL, NULL), 2);
	assert_int_equal(rib_session_down(rib, 9, NULL, NULL, NULL), n);
	assert_true(rib_check_tallies(rib));
	assert_int_equal(rib_paths(rib), 0);
	rib_free(rib);
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Route-server scale, small: NSESS sessions announce the same NPFX
 * prefixes (half IPv4, half IPv6; the first half of the sessions in the
 * order the first one did, the others in another order).  The prefixes
 * are held once (rib_prefix.c): the memory per route stays at most 32
 * bytes, which a 32-byte route with its own prefix could not.  A
 * session's withdrawals leave the others' routes alone, events carry the
 * right prefix, and the RIB returns to its first size when all go.
 */
static void
shared_route(struct fix *f, unsigned i)
{
	unsigned x = i / 2 * 2654435761u;

	memset(&f->r, 0, sizeof(f->r));
	if (i % 2 == 0) {
		f->r.prefix.family = ADDR_V4;
		f->r.prefix.len = 24;
		f->r.prefix.a[0] = (uint8_t)(x >> 24 | 1);
		f->r.prefix.a[1] = (uint8_t)(x >> 16);
		f->r.prefix.a[2] = (uint8_t)(x >> 8);
	} else {
		f->r.prefix.family = ADDR_V6;
		f->r.prefix.len = 48;
		f->r.prefix.a[0] = 0x20;
		f->r.prefix.a[1] = 0x01;
		f->r.prefix.a[2] = (uint8_t)(x >> 24);
		f->r.prefix.a[3] = (uint8_t)(x >> 16);
		f->r.prefix.a[4] = (uint8_t)(x >> 8);
		f->r.prefix.a[5] = (uint8_t)x;
	}
}

static void
test_shared_prefixes(void **state)
{
	/* NPFX just under a power of two: each session's r[] is nearly
	 * full (a small array doubles: up to 1/2 of it spare), so the
	 * figure is the cost of a route, not of the growth step */
	enum { NSESS = 20, NPFX = 64000 };
	uint32_t path[3] = { 65001, 0, 0 };
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	struct prefix want;
	size_t mem0, per;
	unsigned s, i, k;

	(void)state;
	assert_non_null(rib = rib_new());
	mem0 = rib_memory(rib);
	for (s = 1; s <= NSESS; s++) {
		fix_ctx(&f, s, 1, 65001);
		for (k = 0; k < NPFX; k++) {
			/* the second half: another order (7919 is prime) */
			i = s <= NSESS / 2 ? k : (k * 7919u) % NPFX;
			path[1] = 100 + i % 97;
			path[2] = 64500 + i % 13;
			fix_path(&f, path, 3, 0, "10.9.0.1");
			shared_route(&f, i);
			assert_int_equal(announce(rib, &f, NULL, &ev, NULL),
			    RIB_NEW);
			assert_true(prefix_eq(&ev.prefix, &f.r.prefix));
		}
	}
	assert_int_equal(rib_count(rib), NSESS * NPFX);
	per = (rib_memory(rib) - mem0) / (NSESS * NPFX);
	printf("rib: %d sessions x %d prefixes, %zu bytes per route\n",
	    NSESS, NPFX, per);
	assert_true(per <= 32);
	assert_true(rib_check_tallies(rib));
	/* session 5 withdraws the even ones; the others keep theirs */
	fix_ctx(&f, 5, 1, 65001);
	for (i = 0; i < NPFX; i += 2) {
		shared_route(&f, i);
		want = f.r.prefix;
		assert_true(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
		assert_true(prefix_eq(&ev.prefix, &want));
		assert_int_equal(ev.origin_as, 64500 + i % 13);
		assert_false(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	}
	assert_int_equal(rib_count(rib), NSESS * NPFX - NPFX / 2);
	for (s = 1; s <= NSESS; s += NSESS - 1) {	/* 1 and NSESS */
		fix_ctx(&f, s, 1, 65001);
		for (i = 0; i < NPFX; i += 2) {
			path[1] = 100 + i % 97;
			path[2] = 64500 + i % 13;
			fix_path(&f, path, 3, 0, "10.9.0.1");
			shared_route(&f, i);
			assert_int_equal(announce(rib, &f, NULL, &ev, NULL),
			    RIB_SAME);
		}
	}
	/* a prefix no session holds is withdrawn from none */
	fix_route(&f, "198.51.100.0/24", false, 0);
	assert_false(rib_withdraw(rib, &f.ctx, &f.r, &ev, NULL));
	/* back in session 5: new again */
	fix_ctx(&f, 5, 1, 65001);
	path[1] = 100;
	path[2] = 64500;
	fix_path(&f, path, 3, 0, "10.9.0.1");
	shared_route(&f, 0);
	assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	/* every route judged for the first time: all reported (half of
	 * the sessions' r[] are not in prefix id order) */
	{
		static const char *const v[] = { "0.0.0.0/1 24 64500",
		    "2001::/16 48 64501", NULL };
		struct rov_index *ri = b_rov_index(v);
		double t0 = now();

		assert_int_equal(rib_revalidate(rib, ri, NULL, 1, NULL, NULL,
		    NULL), NSESS * NPFX - NPFX / 2 + 1);
		printf("rib: revalidated %d routes in %.3f s\n", NSESS * NPFX - NPFX / 2 + 1,
		    now() - t0);
		assert_true(rib_check_tallies(rib));
		rov_index_free(ri);
	}
	for (s = 1; s <= NSESS; s++)
		(void)rib_session_down(rib, s, NULL, NULL, NULL);
	assert_int_equal(rib_count(rib), 0);
	assert_int_equal(rib_sessions(rib), 0);
	rib_free(rib);
}

/*
 * A full-size table: 1M distinct IPv4 prefixes from one peer, 50k
 * distinct paths of 3-6 ASNs.  Prints bytes per route (the counted
 * allocations, not malloc's overhead) and the revalidation time; asserts
 * only the memory target, which does not depend on timing.
 */
static void
test_full_table(void **state)
{
	enum { NROUTES = 1000000, NPATHS = 50000 };
	static const char *const v[] = { "0.0.0.0/1 24 101", "128.0.0.0/2 24 4",
	    NULL };
	struct rov_index *ri;
	struct rib *rib;
	struct fix f;
	struct route_event ev;
	uint32_t path[8], x, pi;
	size_t mem0;
	double t0, t1;
	unsigned i, j, n;

	(void)state;
	ri = b_rov_index(v);
	assert_non_null(rib = rib_new());
	mem0 = rib_memory(rib);
	fix_ctx(&f, 1, 1, 65001);
	memset(&f.r, 0, sizeof(f.r));
	f.r.prefix.family = ADDR_V4;
	for (i = 0; i < NROUTES; i++) {
		/* a bijection of i on 24 bits: distinct /24s */
		x = (i * 2654435761u) & 0xffffff;
		f.r.prefix.len = 24;
		f.r.prefix.a[0] = (uint8_t)(x >> 16);
		f.r.prefix.a[1] = (uint8_t)(x >> 8);
		f.r.prefix.a[2] = (uint8_t)x;
		pi = (i * 7919u) % NPATHS;
		n = 3 + pi % 4;
		path[0] = 65001;
		path[1] = 1000 + pi;	/* makes the path distinct */
		for (j = 2; j < n; j++)
			path[j] = 100 + (pi * (j + 3)) % 1000 + j * 1000;
		path[n - 1] = 100 + pi % 200;	/* origins 100..299 */
		fix_path(&f, path, n, 0, "10.9.0.1");
		assert_int_equal(announce(rib, &f, NULL, &ev, NULL), RIB_NEW);
	}
	assert_int_equal(rib_count(rib), NROUTES);
	printf("rib: %u routes, %zu paths, %zu bytes (%.1f per route)\n",
	    NROUTES, rib_paths(rib), rib_memory(rib) - mem0,
	    (double)(rib_memory(rib) - mem0) / NROUTES);
	assert_true(rib_memory(rib) - mem0 <= (size_t)64 * NROUTES);
	t0 = now();
	n = (unsigned)rib_revalidate(rib, ri, NULL, 1, NULL, NULL, NULL);
	t1 = now();
	printf("rib: revalidated %u routes in %.3f s, %u reported, "
	    "%zu valid, %zu invalid\n", NROUTES, t1 - t0, n,
	    rib_count_by_state(rib, ROV_VALID),
	    rib_count_by_state(rib, ROV_INVALID));
	/* stored without VRPs: every route gets its first verdict */
	assert_int_equal(n, NROUTES);
	assert_true(rib_check_tallies(rib));
	assert_int_equal(rib_revalidate(rib, ri, NULL, 2, NULL, NULL, NULL), 0);
	rib_free(rib);
	rov_index_free(ri);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_withdraw),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_session_down),
		cmocka_unit_test(test_revalidate),
		cmocka_unit_test(test_aspa_reverify),
		cmocka_unit_test(test_otc_leak),
		cmocka_unit_test(test_router_stamp),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_shared_prefixes),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
