/*
 * test_rib_hold.c - held sessions (rib_hold.c): a flap where the new
 * session re-announces some routes unchanged, changes one and drops
 * others (End-of-RIB sweeps per family and direction, exact events);
 * directions matched by address when the new session's endpoints come
 * in the other order; AS numbers that differ refuse adoption; the exact
 * 4-tuple resumes (no stale routes); hold time and End-of-RIB wait
 * expiry with their reasons; the end of an offline read (now 0); many
 * flaps of one session keep one session and bounded memory; the cap.
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
#include "rpki/rov.h"
#include "state/route_event.h"
#include "builders.h"

#define MAXEV	64

struct seen {
	size_t			 n;
	struct route_event	 ev[MAXEV];
	char			 pfx[MAXEV][PREFIX_STRLEN];
	bool			 alerted[MAXEV];
	size_t			 nhold, ngone;
	struct rib_hold_info	 hold[8];
};

static void
record(void *arg, struct route_event *ev, struct rib_route *rt, bool alerted)
{
	struct seen *s = arg;

	(void)rt;
	assert_true(s->n < MAXEV);
	s->ev[s->n] = *ev;
	s->ev[s->n].aspath = NULL;
	prefix_fmt(&ev->prefix, s->pfx[s->n], sizeof(s->pfx[0]));
	s->alerted[s->n] = alerted;
	s->n++;
}

static void
record_hold(void *arg, const struct rib_hold_info *info, bool gone)
{
	struct seen *s = arg;

	assert_true(s->nhold < 8);
	s->hold[s->nhold++] = *info;
	if (gone)
		s->ngone++;
}

/* Session id, the speakers 10.9.0.1 (AS 65001, port 179) and 10.9.0.2
 * (AS 65002, port `port'); sender 1 or 2. */
static void
ctx_of(struct bgp_msg_ctx *c, uint64_t id, unsigned sender, uint16_t port)
{
	memset(c, 0, sizeof(*c));
	c->session_id = id;
	assert_int_equal(ipaddr_parse(sender == 1 ? "10.9.0.1" : "10.9.0.2",
	    &c->src_addr), 0);
	assert_int_equal(ipaddr_parse(sender == 1 ? "10.9.0.2" : "10.9.0.1",
	    &c->dst_addr), 0);
	c->src_port = sender == 1 ? 179 : port;
	c->dst_port = sender == 1 ? port : 179;
	c->peer_as = sender == 1 ? 65001 : 65002;
	c->local_as = sender == 1 ? 65002 : 65001;
}

/* The speakers of a session as its OPEN shows them; swap: endpoint 0 is
 * the one on the ephemeral port. */
static void
sp_of(struct rib_speakers *sp, uint16_t port, bool swap, uint32_t as1)
{
	int a = swap ? 1 : 0;

	memset(sp, 0, sizeof(*sp));
	assert_int_equal(ipaddr_parse("10.9.0.1", &sp->addr[a]), 0);
	assert_int_equal(ipaddr_parse("10.9.0.2", &sp->addr[1 - a]), 0);
	sp->port[a] = 179;
	sp->port[1 - a] = port;
	sp->as[a] = as1;
	sp->as[1 - a] = 65002;
}

static enum rib_change
ann(struct rib *rib, const struct bgp_msg_ctx *c, const char *pfx,
    uint32_t origin, enum rov_state st, bool alert)
{
	struct bgp_attrs at;
	struct path_fix pf;
	struct bgp_route r;
	struct route_verdict v;
	struct rov_result res;
	struct route_event ev;
	struct rib_route *rt;
	uint32_t asns[2] = { c->peer_as, origin };
	enum rib_change ch;

	memset(&at, 0, sizeof(at));
	b_path(&pf, asns, 2, NULL, 0);
	at.aspath = pf.path;
	at.origin_kind = ORIGIN_AS_SEQ;
	at.origin_as = origin;
	memset(&r, 0, sizeof(r));
	r.prefix = b_prefix(pfx);
	memset(&res, 0, sizeof(res));
	res.state = st;
	res.reason = st == ROV_INVALID ? ROV_REASON_AS : ROV_REASON_NONE;
	memset(&v, 0, sizeof(v));
	v.rpki = &res;
	ch = rib_announce(rib, c, &at, &r, &v, &ev, &rt);
	if (alert)
		rib_set_alerted(rib, rt, true);
	return ch;
}

static const char *
why_name(const struct route_event *ev)
{
	return ev->resolve_why == RESOLVE_STALE ? "stale" :
	    ev->resolve_why == RESOLVE_SESSION_GONE ? "gone" :
	    ev->resolve_why == RESOLVE_SESSION_DOWN ? "down" : "?";
}

/* rib_dir_cb: sum the held directions and the stale routes. */
static void
dirs_sum(void *arg, const struct rib_dir_info *di)
{
	size_t *sum = arg;

	sum[0] += di->held;
	sum[1] += di->stale;
}

/* A flap with EOR: unchanged routes silent, a changed one RIB_CHANGED, the
 * rest resolved as stale per family and direction. */
static void
test_flap_eor(void **state)
{
	struct rib *rib;
	struct bgp_msg_ctx c1, c2;
	struct rib_speakers sp;
	struct rib_hold_info info;
	struct seen *s = calloc(1, sizeof(*s));
	struct timeval ts = { 1000, 0 };
	size_t sum[2];

	(void)state;
	assert_non_null(s);
	assert_non_null(rib = rib_new());
	ctx_of(&c1, 1, 1, 40000);
	ctx_of(&c2, 1, 2, 40000);
	assert_int_equal(ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, true), RIB_NEW);
	assert_int_equal(ann(rib, &c1, "198.51.100.0/24", 64500, ROV_NOT_FOUND, true), RIB_NEW);
	assert_int_equal(ann(rib, &c1, "203.0.113.0/24", 64501, ROV_VALID, false), RIB_NEW);
	assert_int_equal(ann(rib, &c1, "2001:db8::/32", 64500, ROV_INVALID, true), RIB_NEW);
	assert_int_equal(ann(rib, &c2, "192.0.2.128/25", 64600, ROV_NOT_FOUND, true), RIB_NEW);

	/* down: held, nothing resolved */
	assert_int_equal(rib_hold(rib, 1, 100, 220, &info), 5);
	assert_int_equal(info.routes, 5);
	assert_int_equal(info.stale, 0);
	assert_int_equal(info.sp.as[0], 65001);
	assert_int_equal(info.sp.as[1], 65002);
	assert_int_equal(rib_hold(rib, 1, 101, 221, NULL), 0);	/* again */
	assert_true(rib_is_held(rib, 1));
	assert_int_equal(rib_held_sessions(rib), 1);
	assert_int_equal(rib_held_routes(rib), 5);
	assert_int_equal(rib_count(rib), 5);
	memset(sum, 0, sizeof(sum));
	assert_int_equal(rib_dirs(rib, dirs_sum, sum), 2);
	assert_int_equal(sum[0], 2);
	assert_int_equal(sum[1], 0);
	assert_int_equal(rib_hold_expire(rib, 219, &ts, record_hold, record, s), 0);
	assert_int_equal(s->n, 0);

	/* back, endpoints the other way round, new port: adopted, stale */
	sp_of(&sp, 40100, true, 65001);
	assert_int_equal(rib_adopt(rib, 2, &sp, 400, &info), 5);
	assert_int_equal(info.session_id, 1);
	assert_int_equal(info.new_id, 2);
	assert_int_equal(info.stale, 5);
	assert_false(rib_is_held(rib, 2));
	assert_int_equal(rib_held_sessions(rib), 0);
	assert_int_equal(rib_stale_routes(rib), 5);
	assert_int_equal(rib_sessions(rib), 1);
	memset(sum, 0, sizeof(sum));
	assert_int_equal(rib_dirs(rib, dirs_sum, sum), 2);
	assert_int_equal(sum[0], 0);
	assert_int_equal(sum[1], 5);

	ctx_of(&c1, 2, 1, 40100);
	ctx_of(&c2, 2, 2, 40100);
	/* unchanged: RIB_SAME, alerted flag kept; changed origin */
	assert_int_equal(ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, false), RIB_SAME);
	assert_int_equal(ann(rib, &c1, "203.0.113.0/24", 64502, ROV_INVALID, false), RIB_CHANGED);
	assert_int_equal(ann(rib, &c2, "192.0.2.128/25", 64600, ROV_NOT_FOUND, false), RIB_SAME);
	assert_int_equal(rib_stale_routes(rib), 2);

	/* EOR of the other direction, and of IPv6: nothing of IPv4 from 1 */
	assert_int_equal(rib_eor(rib, &c2, AFI_IPV4, SAFI_UNICAST, &ts, record, s), 0);
	assert_int_equal(rib_eor(rib, &c1, AFI_IPV6, SAFI_UNICAST, &ts, record, s), 1);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->pfx[0], "2001:db8::/32");
	assert_int_equal(s->ev[0].kind, RTEV_RESOLVED);
	assert_string_equal(why_name(&s->ev[0]), "stale");
	assert_int_equal(s->ev[0].session_id, 2);
	assert_int_equal(s->ev[0].src_port, 179);
	assert_int_equal(s->ev[0].dst_port, 40100);
	assert_true(s->alerted[0]);
	assert_int_equal(rib_eor(rib, &c1, AFI_IPV4, 2, &ts, record, s), 0);
	assert_int_equal(rib_eor(rib, &c1, AFI_IPV4, SAFI_UNICAST, &ts, record, s), 1);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->pfx[1], "198.51.100.0/24");
	assert_int_equal(s->ev[1].origin_as, 64500);
	assert_int_equal(s->ev[1].prev_state, ROV_NOT_FOUND);
	assert_int_equal(rib_stale_routes(rib), 0);
	assert_int_equal(rib_count(rib), 3);
	assert_true(rib_check_tallies(rib));
	/* nothing left to expire */
	assert_int_equal(rib_hold_expire(rib, 500, &ts, record_hold, record, s), 0);
	assert_int_equal(s->nhold, 0);
	rib_free(rib);
	free(s);
}

/* No EOR: the wait runs out; the session that never comes back is gone;
 * different AS numbers do not adopt; now 0 expires all. */
static void
test_expiry(void **state)
{
	struct rib *rib;
	struct bgp_msg_ctx c1;
	struct rib_speakers sp;
	struct seen *s = calloc(1, sizeof(*s));
	struct timeval ts = { 2000, 0 };

	(void)state;
	assert_non_null(s);
	assert_non_null(rib = rib_new());
	ctx_of(&c1, 1, 1, 40000);
	ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, true);
	ann(rib, &c1, "198.51.100.0/24", 64500, ROV_NOT_FOUND, false);
	assert_int_equal(rib_hold(rib, 1, 100, 220, NULL), 2);
	sp_of(&sp, 40100, false, 65009);	/* another AS on that address */
	assert_int_equal(rib_adopt(rib, 2, &sp, 400, NULL), 0);
	sp_of(&sp, 40100, false, 0);		/* AS not known: adopted */
	assert_int_equal(rib_adopt(rib, 2, &sp, 400, NULL), 2);
	ctx_of(&c1, 2, 1, 40100);
	assert_int_equal(ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, false), RIB_SAME);
	assert_int_equal(rib_hold_expire(rib, 399, &ts, record_hold, record, s), 0);
	assert_int_equal(rib_hold_expire(rib, 400, &ts, record_hold, record, s), 1);
	assert_int_equal(s->nhold, 1);
	assert_int_equal(s->ngone, 0);
	assert_int_equal(s->hold[0].stale, 1);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->pfx[0], "198.51.100.0/24");
	assert_string_equal(why_name(&s->ev[0]), "stale");
	assert_false(s->alerted[0]);

	/* down again, never back: gone at its deadline */
	assert_int_equal(rib_hold(rib, 2, 500, 620, NULL), 1);
	assert_int_equal(rib_hold_expire(rib, 619, &ts, record_hold, record, s), 0);
	assert_int_equal(rib_hold_expire(rib, 620, &ts, record_hold, record, s), 1);
	assert_int_equal(s->ngone, 1);
	assert_int_equal(s->hold[1].session_id, 2);
	assert_int_equal(s->hold[1].since, 500);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->pfx[1], "192.0.2.0/24");
	assert_string_equal(why_name(&s->ev[1]), "gone");
	assert_true(s->alerted[1]);
	assert_true(rib_check_tallies(rib));
	assert_int_equal(rib_sessions(rib), 0);
	assert_int_equal(rib_count(rib), 0);

	/* the end of a read: now 0 expires whatever is held */
	ctx_of(&c1, 3, 1, 40200);
	ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, true);
	assert_int_equal(rib_hold(rib, 3, 700, 100000, NULL), 1);
	assert_int_equal(rib_hold_expire(rib, 0, &ts, record_hold, record, s), 1);
	assert_int_equal(s->ngone, 2);
	assert_int_equal(rib_held_sessions(rib), 0);
	assert_int_equal(rib_count(rib), 0);
	rib_free(rib);
	free(s);
}

/* The exact 4-tuple resumes as it was: no stale route, no EOR needed; a
 * first message of the new id does it by itself. */
static void
test_resume(void **state)
{
	struct rib *rib;
	struct bgp_msg_ctx c1, c2;
	struct rib_speakers sp;
	struct route_event ev;
	struct bgp_route r;
	bool alerted;

	(void)state;
	assert_non_null(rib = rib_new());
	ctx_of(&c1, 1, 1, 40000);
	ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, true);
	ann(rib, &c1, "198.51.100.0/24", 64500, ROV_INVALID, true);
	assert_int_equal(rib_hold(rib, 1, 100, 220, NULL), 2);
	sp_of(&sp, 40001, false, 65001);		/* another port */
	assert_false(rib_resume(rib, 5, &sp, NULL));
	sp_of(&sp, 40000, true, 65001);
	assert_true(rib_resume(rib, 5, &sp, NULL));
	assert_int_equal(rib_stale_routes(rib), 0);
	assert_int_equal(rib_held_sessions(rib), 0);
	ctx_of(&c1, 5, 1, 40000);
	assert_int_equal(ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, false), RIB_SAME);

	/* held again; withdrawals of an unknown session on another port
	 * resume nothing (and scan once); then a withdrawal under a new id
	 * with the same 4-tuple finds the route (rib_withdraw() resumes by
	 * itself) */
	assert_int_equal(rib_hold(rib, 5, 300, 420, NULL), 2);
	ctx_of(&c2, 7, 1, 40009);
	memset(&r, 0, sizeof(r));
	r.prefix = b_prefix("198.51.100.0/24");
	assert_false(rib_withdraw(rib, &c2, &r, &ev, &alerted));
	assert_false(rib_withdraw(rib, &c2, &r, &ev, &alerted));
	assert_true(rib_is_held(rib, 5));
	ctx_of(&c2, 6, 1, 40000);
	memset(&r, 0, sizeof(r));
	r.prefix = b_prefix("198.51.100.0/24");
	assert_true(rib_withdraw(rib, &c2, &r, &ev, &alerted));
	assert_true(alerted);
	assert_int_equal(ev.session_id, 6);
	assert_int_equal(rib_count(rib), 1);
	assert_int_equal(rib_sessions(rib), 1);
	assert_int_equal(rib_held_sessions(rib), 0);
	assert_true(rib_check_tallies(rib));
	rib_free(rib);
}

/* A session flapping every "second" 1000 times: one session, memory as
 * after the first; the cap on held sessions. */
static void
test_flapping(void **state)
{
	struct rib *rib;
	struct bgp_msg_ctx c1;
	struct rib_speakers sp;
	char pfx[32];
	size_t mem = 0;
	uint64_t id;
	int i;

	(void)state;
	assert_non_null(rib = rib_new());
	for (id = 1; id <= 1000; id++) {
		ctx_of(&c1, id, 1, (uint16_t)(40000 + id));
		if (id > 1) {
			sp_of(&sp, (uint16_t)(40000 + id), false, 65001);
			assert_int_equal(rib_adopt(rib, id, &sp, (int64_t)id + 120,
			    NULL), 100);
		}
		for (i = 0; i < 100; i++) {
			snprintf(pfx, sizeof(pfx), "10.%d.%d.0/24", i / 256, i % 256);
			assert_true(ann(rib, &c1, pfx, 64500, ROV_INVALID,
			    id == 1) == (id == 1 ? RIB_NEW : RIB_SAME));
		}
		assert_int_equal(rib_stale_routes(rib), 0);
		assert_int_equal(rib_hold(rib, id, (int64_t)id, (int64_t)id + 120,
		    NULL), 100);
		if (id == 2)
			mem = rib_memory(rib);
	}
	assert_int_equal(rib_memory(rib), mem);
	assert_int_equal(rib_sessions(rib), 1);
	assert_int_equal(rib_count(rib), 100);
	rib_free(rib);

	/* the cap: RIB_HOLD_MAX held, the next refused */
	assert_non_null(rib = rib_new());
	for (id = 1; id <= RIB_HOLD_MAX + 1; id++) {
		ctx_of(&c1, id, 1, (uint16_t)(1000 + id));
		c1.src_addr.a[3] = (uint8_t)id;
		c1.src_addr.a[2] = (uint8_t)(id >> 8);
		ann(rib, &c1, "192.0.2.0/24", 64500, ROV_INVALID, true);
		assert_int_equal(rib_hold(rib, id, 1, 100, NULL),
		    id <= RIB_HOLD_MAX ? 1 : -1);
	}
	assert_int_equal(rib_held_sessions(rib), RIB_HOLD_MAX);
	assert_int_equal(rib_hold_expire(rib, 100, NULL, NULL, NULL, NULL),
	    RIB_HOLD_MAX);
	assert_int_equal(rib_held_sessions(rib), 0);
	assert_int_equal(rib_sessions(rib), 1);
	rib_free(rib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flap_eor),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_flapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
