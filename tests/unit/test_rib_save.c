/*
 * test_rib_save.c - the checkpoint (rib_save.c, rib_load.c, checkpoint.c):
 * a RIB of two sessions, both directions, IPv4 and IPv6, ADD-PATH, AS
 * sets, OTC, RFC 8097 stamps, every RPKI, ASPA and leak state and the
 * alerted flag saved and loaded exactly (each route compared field by
 * field through rib_withdraw(), and the loaded RIB saves to the same
 * bytes), held sessions and stale routes, every refusal reason of the
 * body.  The file around it: test_checkpoint.c.
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
#include "bgp/bgp_role.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "state/rib.h"
#include "state/rib_save.h"
#include "state/route_event.h"
#include "builders.h"

/* One route of the fixture: what is announced, and its verdicts. */
struct spec {
	uint64_t	 sess;
	unsigned	 sender;	/* 1 or 2 */
	const char	*prefix;
	bool		 has_pid;
	uint32_t	 pid;
	uint32_t	 asns[4];
	unsigned	 nasn;
	uint32_t	 set;		/* trailing AS_SET {set}, 0 none */
	const char	*nh;
	bool		 has_otc;
	uint32_t	 otc;
	uint8_t		 router_rpki;
	int		 state;		/* -1: no VRPs */
	enum rov_reason	 reason;
	int		 aspa;		/* -1: none */
	enum aspa_reason aspa_reason;
	enum bgp_leak	 leak;
	bool		 alerted;
};

static const struct spec specs[] = {
	{ 7, 1, "192.0.2.0/24", false, 0, { 65001, 3356, 64500 }, 3, 0,
	  "10.9.0.1", false, 0, 0, ROV_VALID, ROV_REASON_NONE, ASPA_VALID,
	  ASPA_REASON_NONE, BGP_LEAK_NONE, false },
	{ 7, 1, "198.51.100.0/25", false, 0, { 65001, 174, 64501 }, 3, 0,
	  "10.9.0.1", false, 0, BGP_RRPKI_VALID, ROV_INVALID, ROV_REASON_AS,
	  ASPA_INVALID, ASPA_REASON_HOP, BGP_LEAK_NONE, true },
	{ 7, 1, "203.0.113.0/24", true, 9, { 65001, 64502 }, 2, 64999,
	  "10.9.0.1", true, 65001, 0, ROV_INVALID, ROV_REASON_AS_SET, -1,
	  ASPA_REASON_NONE, BGP_LEAK_OTC_FROM_CUSTOMER, true },
	{ 7, 1, "203.0.113.0/24", true, 10, { 65001, 64502 }, 2, 64999,
	  "10.9.0.1", true, 65001, 0, ROV_INVALID, ROV_REASON_AS_SET, -1,
	  ASPA_REASON_NONE, BGP_LEAK_OTC_FROM_CUSTOMER, false },
	{ 7, 2, "2001:db8::/32", false, 0, { 65002, 3356, 64500 }, 3, 0,
	  "2001:db8::1", false, 0, BGP_RRPKI_INVALID, ROV_NOT_FOUND,
	  ROV_REASON_NONE, ASPA_UNKNOWN, ASPA_REASON_NONE, BGP_LEAK_NONE,
	  true },
	{ 7, 2, "10.0.0.0/8", false, 0, { 65002 }, 1, 0, "10.9.0.2", false,
	  0, 0, -1, ROV_REASON_NONE, -1, ASPA_REASON_NONE, BGP_LEAK_NONE,
	  false },
	{ 3, 1, "192.0.2.0/24", false, 0, { 65001, 3356, 64500 }, 3, 0,
	  "10.9.0.1", false, 0, 0, ROV_INVALID, ROV_REASON_LENGTH, -1,
	  ASPA_REASON_NONE, BGP_LEAK_NONE, true },
	{ 3, 1, "0.0.0.0/0", false, 0, { 0 }, 0, 0, "10.9.0.1", false, 0, 0,
	  ROV_NOT_FOUND, ROV_REASON_NONE, -1, ASPA_REASON_NONE,
	  BGP_LEAK_NONE, false },
};
#define NSPECS	(sizeof(specs) / sizeof(specs[0]))

struct fix {
	struct bgp_msg_ctx	 ctx;
	struct bgp_attrs	 at;
	struct path_fix		 pf;
	struct bgp_route	 r;
};

static void
fix_of(struct fix *f, const struct spec *s)
{
	memset(f, 0, sizeof(*f));
	f->ctx.session_id = s->sess;
	assert_int_equal(ipaddr_parse(s->sender == 1 ? "10.9.0.1" :
	    "10.9.0.2", &f->ctx.src_addr), 0);
	assert_int_equal(ipaddr_parse(s->sender == 1 ? "10.9.0.2" :
	    "10.9.0.1", &f->ctx.dst_addr), 0);
	f->ctx.src_port = s->sender == 1 ? 179 : 40000;
	f->ctx.dst_port = s->sender == 1 ? 40000 : 179;
	f->ctx.peer_as = s->sender == 1 ? 65001 : 65002;
	f->ctx.sender_role = s->sender == 1 ? BGP_ROLE_CUSTOMER :
	    BGP_ROLE_PROVIDER;
	f->ctx.role_source = BGP_ROLE_SRC_OPEN;
	b_path(&f->pf, s->asns, s->nasn, &s->set, s->set != 0 ? 1 : 0);
	f->at.aspath = f->pf.path;
	f->at.origin_kind = s->set != 0 ? ORIGIN_AS_SET : s->nasn > 0 ?
	    ORIGIN_AS_SEQ : ORIGIN_AS_NONE;
	f->at.origin_as = s->set == 0 && s->nasn > 0 ? s->asns[s->nasn - 1] :
	    0;
	assert_int_equal(ipaddr_parse(s->nh, &f->at.next_hop), 0);
	f->at.has_otc = s->has_otc;
	f->at.otc = s->otc;
	f->at.router_rpki = s->router_rpki;
	f->r.prefix = b_prefix(s->prefix);
	f->r.has_path_id = s->has_pid;
	f->r.path_id = s->pid;
}

static struct rib *
fixture(void)
{
	struct rib *rib;
	struct fix f;
	struct route_verdict v;
	struct rov_result res;
	struct route_event ev;
	struct rib_route *rt;
	size_t i;

	assert_non_null(rib = rib_new());
	for (i = 0; i < NSPECS; i++) {
		fix_of(&f, &specs[i]);
		memset(&v, 0, sizeof(v));
		memset(&res, 0, sizeof(res));
		if (specs[i].state >= 0) {
			res.state = (enum rov_state)specs[i].state;
			res.reason = specs[i].reason;
			v.rpki = &res;
		}
		if (specs[i].aspa >= 0) {
			v.has_aspa = true;
			v.aspa.state = (enum aspa_state)specs[i].aspa;
			v.aspa.reason = specs[i].aspa_reason;
		}
		v.leak = specs[i].leak;
		assert_int_equal(rib_announce(rib, &f.ctx, &f.at, &f.r, &v, &ev,
		    &rt), RIB_NEW);
		rib_set_alerted(rib, rt, specs[i].alerted);
	}
	return rib;
}

static void
save(const struct rib *rib, struct rib_blob *b)
{
	assert_int_equal(rib_save(rib, b), 0);
}

/* The route of spec s withdrawn from rib: its event and flag. */
static void
take(struct rib *rib, const struct spec *s, struct route_event *ev,
    bool *alerted)
{
	struct fix f;

	fix_of(&f, s);
	assert_true(rib_withdraw(rib, &f.ctx, &f.r, ev, alerted));
}

static void
test_round_trip(void **state)
{
	struct rib *a, *b;
	struct rib_blob s1, s2;
	struct route_event ea, eb;
	bool fa, fb;
	char why[256] = "";
	size_t i;
	unsigned k;

	(void)state;
	a = fixture();
	save(a, &s1);
	assert_int_equal(s1.sessions, 2);
	assert_int_equal(s1.routes, NSPECS);
	assert_int_equal(s1.tuples, rib_paths(a));
	assert_non_null(b = rib_new());
	if (rib_load(b, s1.p, s1.len, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	assert_int_equal(rib_count(b), NSPECS);
	assert_int_equal(rib_sessions(b), 2);
	assert_int_equal(rib_paths(b), rib_paths(a));
	for (k = ROV_NOT_FOUND; k <= ROV_INVALID; k++)
		assert_int_equal(rib_count_by_state(b, (enum rov_state)k),
		    rib_count_by_state(a, (enum rov_state)k));
	/* canonical: the loaded RIB saves to the same bytes */
	save(b, &s2);
	assert_int_equal(s2.len, s1.len);
	assert_memory_equal(s2.p, s1.p, s1.len);
	rib_blob_free(&s2);
	/* every route exactly: origin, path, next hop, verdicts, flag */
	for (i = 0; i < NSPECS; i++) {
		take(a, &specs[i], &ea, &fa);
		take(b, &specs[i], &eb, &fb);
		assert_int_equal(fb, specs[i].alerted);
		assert_int_equal(fa, fb);
		assert_int_equal(eb.session_id, specs[i].sess);
		assert_true(ipaddr_eq(&ea.src_addr, &eb.src_addr));
		assert_true(ipaddr_eq(&ea.dst_addr, &eb.dst_addr));
		assert_int_equal(ea.src_port, eb.src_port);
		assert_int_equal(ea.dst_port, eb.dst_port);
		assert_int_equal(eb.peer_as, ea.peer_as);
		assert_int_equal(eb.sender_role, ea.sender_role);
		assert_int_equal(eb.role_source, ea.role_source);
		assert_memory_equal(&eb.prefix, &ea.prefix, sizeof(ea.prefix));
		assert_int_equal(eb.has_path_id, specs[i].has_pid);
		assert_int_equal(eb.path_id, specs[i].pid);
		assert_int_equal(eb.origin_kind, ea.origin_kind);
		assert_int_equal(eb.origin_as, ea.origin_as);
		assert_int_equal(eb.aspath->nseg, ea.aspath->nseg);
		assert_int_equal(eb.aspath->nasn, ea.aspath->nasn);
		assert_int_equal(eb.aspath->nasn, specs[i].nasn +
		    (specs[i].set != 0));
		if (ea.aspath->nasn > 0)
			assert_memory_equal(eb.aspath->asns, ea.aspath->asns,
			    ea.aspath->nasn * sizeof(uint32_t));
		assert_memory_equal(&eb.next_hop, &ea.next_hop,
		    sizeof(ea.next_hop));
		assert_int_equal(eb.has_rpki, specs[i].state >= 0);
		assert_int_equal(eb.rpki.state, specs[i].state < 0 ?
		    ROV_NOT_FOUND : specs[i].state);
		assert_int_equal(eb.rpki.reason, specs[i].reason);
		assert_int_equal(eb.has_aspa, specs[i].aspa >= 0);
		if (specs[i].aspa >= 0) {
			assert_int_equal(eb.aspa.state, specs[i].aspa);
			assert_int_equal(eb.aspa.reason, specs[i].aspa_reason);
		}
		assert_int_equal(eb.leak, specs[i].leak);
		assert_int_equal(eb.has_otc, specs[i].has_otc);
		assert_int_equal(eb.otc, specs[i].otc);
		assert_int_equal(eb.router_rpki, specs[i].router_rpki);
	}
	assert_int_equal(rib_count(b), 0);
	rib_blob_free(&s1);
	rib_free(a);
	rib_free(b);
}

/*
 * Held sessions and stale routes (rib_hold.c) saved and loaded: session
 * 3 held, session 7 held and adopted by 9 (its routes stale, one made
 * current again); the loaded RIB expires and resumes as the original.
 */
static void
test_held_round_trip(void **state)
{
	struct rib *a, *b;
	struct rib_blob s1, s2;
	struct rib_speakers sp;
	struct route_event ev;
	struct rib_route *rt;
	struct route_verdict v;
	struct timeval ts = { 1000, 0 };
	struct fix f;
	char why[256] = "";
	bool alerted;

	(void)state;
	a = fixture();
	assert_int_equal(rib_hold(a, 3, 100, 220, NULL), 2);
	assert_int_equal(rib_hold(a, 7, 100, 220, NULL), 6);
	memset(&sp, 0, sizeof(sp));
	assert_int_equal(ipaddr_parse("10.9.0.2", &sp.addr[0]), 0);
	assert_int_equal(ipaddr_parse("10.9.0.1", &sp.addr[1]), 0);
	sp.port[0] = 40001;
	sp.port[1] = 179;
	sp.as[0] = 65002;
	sp.as[1] = 65001;
	assert_int_equal(rib_adopt(a, 9, &sp, 400, NULL), 6);
	assert_int_equal(rib_stale_routes(a), 6);
	/* one re-announced unchanged: current again */
	fix_of(&f, &specs[0]);
	f.ctx.session_id = 9;
	f.ctx.dst_port = 40001;
	memset(&v, 0, sizeof(v));
	{
		struct rov_result res;

		memset(&res, 0, sizeof(res));
		res.state = ROV_VALID;
		v.rpki = &res;
		v.has_aspa = true;
		v.aspa.state = ASPA_VALID;
		assert_int_equal(rib_announce(a, &f.ctx, &f.at, &f.r, &v, &ev,
		    &rt), RIB_SAME);
	}
	assert_int_equal(rib_stale_routes(a), 5);

	save(a, &s1);
	assert_non_null(b = rib_new());
	if (rib_load(b, s1.p, s1.len, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	save(b, &s2);
	assert_int_equal(s2.len, s1.len);
	assert_memory_equal(s2.p, s1.p, s1.len);
	rib_blob_free(&s2);
	assert_int_equal(rib_held_sessions(b), 1);
	assert_true(rib_is_held(b, 3));
	assert_false(rib_is_held(b, 9));
	assert_int_equal(rib_stale_routes(b), 5);
	assert_int_equal(rib_held_routes(b), 2);
	/* both expire alike: nothing before 220, session 3 then, the
	 * stale routes of 9 at 400 */
	assert_int_equal(rib_hold_expire(a, 219, &ts, NULL, NULL, NULL), 0);
	assert_int_equal(rib_hold_expire(b, 219, &ts, NULL, NULL, NULL), 0);
	assert_int_equal(rib_hold_expire(b, 220, &ts, NULL, NULL, NULL), 2);
	assert_int_equal(rib_hold_expire(a, 220, &ts, NULL, NULL, NULL), 2);
	assert_int_equal(rib_hold_expire(b, 400, &ts, NULL, NULL, NULL), 5);
	assert_int_equal(rib_hold_expire(a, 400, &ts, NULL, NULL, NULL), 5);
	assert_int_equal(rib_count(b), 1);
	assert_int_equal(rib_count(a), 1);

	/* after a restart: every session held; the same 4-tuple resumes */
	rib_free(b);
	assert_non_null(b = rib_new());
	assert_int_equal(rib_load(b, s1.p, s1.len, why, sizeof(why)), 0);
	assert_int_equal(rib_hold_restored(b, 500, 620, &ts, NULL, NULL), 1);
	assert_int_equal(rib_held_sessions(b), 2);
	assert_true(rib_is_held(b, 9));
	fix_of(&f, &specs[1]);
	f.ctx.session_id = 100;		/* the new process's id */
	f.ctx.dst_port = 40001;
	assert_true(rib_withdraw(b, &f.ctx, &f.r, &ev, &alerted));
	assert_true(alerted);		/* raised before the restart */
	assert_int_equal(ev.session_id, 100);
	assert_int_equal(rib_held_sessions(b), 1);
	rib_blob_free(&s1);
	rib_free(a);
	rib_free(b);
}

/* An empty RIB: 8 bytes, and they load. */
static void
test_empty(void **state)
{
	struct rib *a, *b;
	struct rib_blob s;
	char why[256];

	(void)state;
	assert_non_null(a = rib_new());
	save(a, &s);
	assert_int_equal(s.len, 8);
	assert_non_null(b = rib_new());
	assert_int_equal(rib_load(b, s.p, s.len, why, sizeof(why)), 0);
	assert_int_equal(rib_sessions(b), 0);
	rib_blob_free(&s);
	rib_free(a);
	rib_free(b);
}

/* ---- body refusals ---------------------------------------------------- */

static unsigned tuple_step = 1;	/* 0: every tuple the same */

/* A hand-made body: one tuple (path 65001 64500, next hop 10.9.0.1), one
 * session (id), direction 0 with the routes given (b0, prefix /len
 * bytes, tuple number), direction 1 unused. */
static void
body_min(struct buf *b, uint32_t ntuple, uint64_t id, unsigned nroutes,
    const uint8_t *b0, const uint8_t *len, const uint8_t (*pfx)[4],
    const uint32_t *tnum)
{
	unsigned i, t;

	memset(b, 0, sizeof(*b));
	b_u32(b, ntuple);
	for (t = 0; t < ntuple; t++) {
		b_u8(b, ORIGIN_AS_SEQ);
		b_u8(b, ADDR_V4);
		b_u8(b, 0);
		b_u8(b, 0);
		b_u32(b, 64500 + t * tuple_step);
		b_u16(b, 1);
		b_u8(b, AS_SEQUENCE);
		b_u16(b, 2);
		b_u32(b, 65001);
		b_u32(b, 64500 + t * tuple_step);
		b_bytes(b, "\x0a\x09\x00\x01", 4);
	}
	b_u32(b, 1);			/* sessions */
	b_u32(b, (uint32_t)(id >> 32));
	b_u32(b, (uint32_t)id);
	b_u8(b, 0);			/* held */
	b_u32(b, 0); b_u32(b, 0);	/* since */
	b_u32(b, 0); b_u32(b, 0);	/* deadline */
	b_u8(b, 1);			/* direction 0 used */
	b_u8(b, ADDR_V4);
	b_bytes(b, "\x0a\x09\x00\x01", 4);
	b_bytes(b, "\x0a\x09\x00\x02", 4);
	b_u16(b, 179);
	b_u16(b, 40000);
	b_u32(b, 65001);		/* peer AS */
	b_u32(b, 0);			/* local AS */
	b_u8(b, BGP_ROLE_UNKNOWN);
	b_u8(b, BGP_ROLE_SRC_NONE);
	b_u32(b, nroutes);
	for (i = 0; i < nroutes; i++) {
		b_u8(b, b0[i]);
		b_u8(b, 0);
		b_u8(b, 0);
		b_u8(b, len[i]);
		b_bytes(b, pfx[i], (len[i] + 7u) / 8);
		b_u32(b, tnum[i]);
	}
	b_u8(b, 0);			/* direction 1 unused */
}

static void
expect_refused(const struct buf *b, const char *want)
{
	struct rib *rib;
	char why[256] = "";

	assert_non_null(rib = rib_new());
	if (rib_load(rib, b->b, b->n, why, sizeof(why)) == 0)
		fail_msg("loaded, expected \"%s\"", want);
	if (strstr(why, want) == NULL)
		fail_msg("refused with \"%s\", expected \"%s\"", why, want);
	rib_free(rib);
}

static void
test_body_refusals(void **state)
{
	static const uint8_t pfx[3][4] = { { 192, 0, 2, 0 },
	    { 198, 51, 101, 0 }, { 192, 0, 2, 1 } };
	uint8_t b0[3] = { 0x20 | ROV_INVALID | ROV_REASON_AS << 2, 0x20, 0x20 };
	uint8_t len[3] = { 24, 24, 24 };
	uint32_t tn[3] = { 0, 1, 0 };
	struct rib *rib;
	struct buf b;
	char why[256] = "";

	(void)state;
	/* the well-formed one loads */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	assert_non_null(rib = rib_new());
	if (rib_load(rib, b.b, b.n, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	assert_int_equal(rib_count(rib), 2);
	assert_int_equal(rib_count_by_state(rib, ROV_INVALID), 1);
	rib_free(rib);

	/* truncated anywhere */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b.n -= 1;
	expect_refused(&b, "truncated");
	b.n = 3;
	expect_refused(&b, "truncated: tuple count");
	/* bytes after the last session */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b_u8(&b, 0);
	expect_refused(&b, "bytes after the last session");
	/* a tuple never used */
	body_min(&b, 2, 5, 1, b0, len, pfx, tn);
	expect_refused(&b, "tuple 1 never used");
	/* tuples out of first-use order */
	tn[0] = 1;
	tn[1] = 0;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	expect_refused(&b, "tuple 1 of 2 (0 used so far)");
	tn[0] = 0;
	tn[1] = 1;
	/* host bits set */
	len[1] = 23;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	expect_refused(&b, "host bits set in a /23");
	len[1] = 24;
	/* a route twice */
	{
		static const uint8_t same[2][4] = { { 192, 0, 2, 0 },
		    { 192, 0, 2, 0 } };

		body_min(&b, 2, 5, 2, b0, len, same, tn);
		expect_refused(&b, "route repeated");
	}
	/* an RPKI state out of range, and a verdict without VRPs */
	b0[1] = 0x20 | 3;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	expect_refused(&b, "RPKI state 3");
	b0[1] = ROV_INVALID;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	expect_refused(&b, "without a verdict");
	b0[1] = 0x20;
	/* a prefix length beyond the family */
	len[1] = 33;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	expect_refused(&b, "prefix length 33");
	len[1] = 24;
	/* the same tuple twice */
	tuple_step = 0;
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	tuple_step = 1;
	expect_refused(&b, "tuple 1 repeats an earlier one");
	/* session ids count from 1 and leave room above them */
	body_min(&b, 2, 0, 2, b0, len, pfx, tn);
	expect_refused(&b, "session id 0 at body offset");
	body_min(&b, 2, (uint64_t)1 << 63, 2, b0, len, pfx, tn);
	expect_refused(&b, "session id 9223372036854775808");
	/* held without a deadline; since without being held */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b.b[4 + 2 * 25 + 4 + 8] = 1;
	expect_refused(&b, "session 5: held 1 since 0 deadline 0");
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b.b[4 + 2 * 25 + 4 + 8 + 8] = 1;
	expect_refused(&b, "session 5: held 0 since 1 deadline 0");
	/* an origin kind out of range */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b.b[4] = 9;
	expect_refused(&b, "tuple 0: origin kind 9");
	/* a segment type out of range */
	body_min(&b, 2, 5, 2, b0, len, pfx, tn);
	b.b[4 + 10] = 7;
	expect_refused(&b, "segment type 7");
}

/* Two sessions in descending order. */
static void
test_body_session_order(void **state)
{
	struct rib *a, *b;
	struct rib_blob s;
	char why[256] = "";
	size_t off;

	(void)state;
	a = fixture();
	save(a, &s);
	/* the first session's id (3) is right after the tuples: find the
	 * second's (7) by its 8-byte id and swap the two ids' low bytes */
	for (off = 0; off + 8 <= s.len; off++)
		if (memcmp(s.p + off, "\0\0\0\0\0\0\0\x03", 8) == 0)
			break;
	assert_true(off + 8 <= s.len);
	s.p[off + 7] = 9;	/* 9 then 7: out of order */
	assert_non_null(b = rib_new());
	assert_int_equal(rib_load(b, s.p, s.len, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "session 7 after 9"));
	rib_blob_free(&s);
	rib_free(a);
	rib_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_held_round_trip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_body_refusals),
		cmocka_unit_test(test_body_session_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
