/*
 * test_bgp_session_role.c - the RFC 9234 roles of a session
 * (bgp_session_role.c): from either OPEN or both, every pair of Table 2
 * and every mismatch, differing Role capabilities in one OPEN, malformed
 * ones, --role for speakers without the capability and mid-stream
 * sessions, the OPENs winning over --role with the disagreement counted
 * once, NOTIFICATION 2/11.  Each route's bgp_msg_ctx.sender_role and
 * role_source and each session event's view are checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgp/bgp_role.h"
#include "bgp/bgp_session.h"
#include "base/stats.h"
#include "builders.h"

#define MAXEV	16
#define NOROLE	0xfe	/* open_msg(): no Role capability */

struct ev {
	int		 kind;		/* 'r' route, 's' session */
	uint16_t	 src_port;
	enum bgp_role	 sender_role;
	enum bgp_role_source role_source;
	/* session events: the view */
	enum bgp_role	 role[2], role_cfg[2];
	enum bgp_role_source role_src;
	bool		 mismatch;
};

static struct ev evs[MAXEV];
static int nev;

static void
rec_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *a,
    const struct bgp_route *r)
{
	struct ev *e;

	(void)arg;
	(void)a;
	(void)r;
	assert_true(nev < MAXEV);
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 'r';
	e->src_port = ctx->src_port;
	e->sender_role = ctx->sender_role;
	e->role_source = ctx->role_source;
}

static void
rec_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct ev *e;

	(void)arg;
	/* a direction picked up mid-stream (test_bgp_session.c checks
	 * that event): the roles are told by the others */
	if (si->event == BGP_SESS_MIDSTREAM)
		return;
	assert_true(nev < MAXEV);
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 's';
	e->src_port = ctx->src_port;
	e->sender_role = ctx->sender_role;
	e->role_source = ctx->role_source;
	assert_non_null(si->view);
	memcpy(e->role, si->view->role, sizeof(e->role));
	memcpy(e->role_cfg, si->view->role_cfg, sizeof(e->role_cfg));
	e->role_src = si->view->role_src;
	e->mismatch = si->view->role_mismatch;
}

static const struct bgp_sink sink = { rec_route, rec_session, NULL, NULL };

/* A = 192.0.2.1:40000 (direction 0), B = 192.0.2.2:179 (direction 1). */
static struct bgp_session *
new_session(const char *a_addr, const char *b_addr)
{
	struct flow_endpoint a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(ipaddr_parse(a_addr, &a.addr), 0);
	assert_int_equal(ipaddr_parse(b_addr, &b.addr), 0);
	a.port = 40000;
	b.port = 179;
	nev = 0;
	return bgp_session_new(&a, &b, &sink);
}

static int
setup(void **state)
{
	(void)state;
	stats_reset();
	bgp_session_role_config_clear();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	bgp_session_role_config_clear();
	return 0;
}

static void
hdr(uint8_t *b, size_t len, uint8_t type)
{
	memset(b, 0xff, 16);
	b[16] = (uint8_t)(len >> 8);
	b[17] = (uint8_t)len;
	b[18] = type;
}

static void
feed(struct bgp_session *s, int dir, const uint8_t *p, size_t n)
{
	struct packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.num = 1;
	bgp_session_data(s, dir, p, n, &pkt);
}

/*
 * OPEN from AS as with the 4-octet AS capability and, unless role is
 * NOROLE, a Role capability of value role; extra capabilities after it.
 */
static void
send_open(struct bgp_session *s, int dir, uint16_t as, unsigned role,
    const uint8_t *extra, uint8_t nextra)
{
	uint8_t caps[64], b[128];
	uint8_t n = 0;
	size_t len;

	caps[n++] = 65;
	caps[n++] = 4;
	caps[n++] = 0;
	caps[n++] = 0;
	caps[n++] = (uint8_t)(as >> 8);
	caps[n++] = (uint8_t)as;
	if (role != NOROLE) {
		caps[n++] = 9;
		caps[n++] = 1;
		caps[n++] = (uint8_t)role;
	}
	assert_true(n + nextra <= sizeof(caps));
	if (nextra > 0)
		memcpy(caps + n, extra, nextra);
	n = (uint8_t)(n + nextra);
	len = 19 + b_open_caps(b + 19, as, (uint8_t)as, caps, n);
	hdr(b, len, BGP_OPEN);
	feed(s, dir, b, len);
}

/* One UPDATE announcing 10.0.0.0/8 (and withdrawing 10.7.0.0/16). */
static void
send_update(struct bgp_session *s, int dir)
{
	struct buf u = { .n = 0 };
	uint8_t b[256];

	b_std_update(&u, NULL);
	memcpy(b + 19, u.b, u.n);
	hdr(b, 19 + u.n, BGP_UPDATE);
	feed(s, dir, b, 19 + u.n);
}

static void
send_notification(struct bgp_session *s, int dir, uint8_t code,
    uint8_t sub)
{
	uint8_t b[21];

	hdr(b, 21, BGP_NOTIFICATION);
	b[19] = code;
	b[20] = sub;
	feed(s, dir, b, sizeof(b));
}

/* The roles routes from A and from B carry, and their source. */
static void
expect_routes(struct bgp_session *s, enum bgp_role a, enum bgp_role b,
    enum bgp_role_source src)
{
	int i;

	nev = 0;
	send_update(s, 0);
	send_update(s, 1);
	/* Three routes each (b_std_update): one withdrawal, two
	 * announcements; the role is the sender's for all of them. */
	assert_int_equal(nev, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(evs[i].kind, 'r');
		assert_int_equal(evs[i].src_port, i < 3 ? 40000 : 179);
		assert_int_equal(evs[i].sender_role, i < 3 ? a : b);
		assert_int_equal(evs[i].role_source,
		    (i < 3 ? a : b) == BGP_ROLE_UNKNOWN ? BGP_ROLE_SRC_NONE :
		    src);
	}
}

static void
config(const char *addr, enum bgp_role r)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(addr, &a), 0);
	assert_int_equal(bgp_session_role_config(&a, r), 0);
}

/* Wire value -> enum, for the loops. */
static enum bgp_role
w2r(unsigned v)
{
	return bgp_role_from_wire((uint8_t)v);
}

/* RFC 9234 4.2: all 25 pairs of advertised roles. */
static void
test_both_opens_every_pair(void **state)
{
	struct bgp_session *s;
	unsigned ra, rb, nmis = 0;
	bool ok;

	(void)state;
	for (ra = 0; ra <= 4; ra++) {
		for (rb = 0; rb <= 4; rb++) {
			s = new_session("192.0.2.1", "192.0.2.2");
			send_open(s, 0, 65001, ra, NULL, 0);
			send_open(s, 1, 65002, rb, NULL, 0);
			ok = bgp_role_counterpart(w2r(ra)) == w2r(rb);
			/* The second OPEN's event carries the view. */
			assert_int_equal(evs[1].kind, 's');
			assert_int_equal(evs[1].mismatch, !ok);
			if (ok) {
				assert_int_equal(evs[1].role[0], w2r(ra));
				assert_int_equal(evs[1].role[1], w2r(rb));
				assert_int_equal(evs[1].role_src,
				    BGP_ROLE_SRC_OPEN);
				assert_int_equal(evs[1].sender_role, w2r(rb));
				expect_routes(s, w2r(ra), w2r(rb),
				    BGP_ROLE_SRC_OPEN);
			} else {
				nmis++;
				assert_int_equal(evs[1].role[0],
				    BGP_ROLE_UNKNOWN);
				assert_int_equal(evs[1].role_src,
				    BGP_ROLE_SRC_NONE);
				expect_routes(s, BGP_ROLE_UNKNOWN,
				    BGP_ROLE_UNKNOWN, BGP_ROLE_SRC_NONE);
			}
			/* Counted once per session, however many OPENs. */
			send_open(s, 1, 65002, rb, NULL, 0);
			assert_int_equal(stats.bgp_role_mismatch, nmis);
			bgp_session_free(s);
		}
	}
	assert_int_equal(nmis, 20);
	assert_int_equal(stats.bgp_role_config_disagree, 0);
	assert_int_equal(stats.bgp_role_malformed, 0);
}

/* One side's role decides the other's, whichever side it is. */
static void
test_one_open_decides(void **state)
{
	struct bgp_session *s;
	unsigned r;

	(void)state;
	for (r = 0; r <= 4; r++) {
		/* A advertises, B's OPEN has no Role capability */
		s = new_session("192.0.2.1", "192.0.2.2");
		send_open(s, 0, 65001, r, NULL, 0);
		assert_int_equal(evs[0].role[0], w2r(r));
		assert_int_equal(evs[0].role[1],
		    bgp_role_counterpart(w2r(r)));
		assert_int_equal(evs[0].sender_role, w2r(r));
		assert_int_equal(evs[0].role_source, BGP_ROLE_SRC_OPEN);
		send_open(s, 1, 65002, NOROLE, NULL, 0);
		expect_routes(s, w2r(r), bgp_role_counterpart(w2r(r)),
		    BGP_ROLE_SRC_OPEN);
		bgp_session_free(s);
		/* only B's OPEN seen at all */
		s = new_session("192.0.2.1", "192.0.2.2");
		send_open(s, 1, 65002, r, NULL, 0);
		expect_routes(s, bgp_role_counterpart(w2r(r)), w2r(r),
		    BGP_ROLE_SRC_OPEN);
		bgp_session_free(s);
	}
	/* Neither says: unknown */
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, NOROLE, NULL, 0);
	send_open(s, 1, 65002, NOROLE, NULL, 0);
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	bgp_session_free(s);
	assert_int_equal(stats.bgp_role_mismatch, 0);
}

/*
 * 4.2: Role capabilities of different values in one OPEN are a Role
 * Mismatch, even when the other side says nothing; identical copies are
 * one capability.
 */
static void
test_conflicting_capabilities(void **state)
{
	static const uint8_t other[] = { 9, 1, 4 }, same[] = { 9, 1, 3 };
	struct bgp_session *s;

	(void)state;
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 3, other, sizeof(other));
	assert_true(evs[0].mismatch);
	assert_int_equal(stats.bgp_role_mismatch, 1);
	send_open(s, 1, 65002, NOROLE, NULL, 0);
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	assert_int_equal(stats.bgp_role_mismatch, 1);
	bgp_session_free(s);

	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 3, same, sizeof(same));
	assert_false(evs[0].mismatch);
	expect_routes(s, BGP_ROLE_CUSTOMER, BGP_ROLE_PROVIDER,
	    BGP_ROLE_SRC_OPEN);
	assert_int_equal(stats.bgp_role_mismatch, 1);
	bgp_session_free(s);
}

/*
 * 4.1: a Role capability of a length other than 1, or an unassigned
 * value, claims nothing: the other side's role decides, and the OPEN is
 * counted in bgp_role_malformed.
 */
static void
test_malformed_role(void **state)
{
	static const uint8_t len2[] = { 9, 2, 3, 0 }, len0[] = { 9, 0 };
	struct bgp_session *s;

	(void)state;
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, NOROLE, len2, sizeof(len2));
	assert_int_equal(stats.bgp_role_malformed, 1);
	assert_int_equal(evs[0].role[0], BGP_ROLE_UNKNOWN);
	send_open(s, 1, 65002, 0, NULL, 0);	/* B: provider */
	expect_routes(s, BGP_ROLE_CUSTOMER, BGP_ROLE_PROVIDER,
	    BGP_ROLE_SRC_OPEN);
	bgp_session_free(s);

	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 7, NULL, 0);	/* unassigned */
	send_open(s, 1, 65002, NOROLE, len0, sizeof(len0));
	assert_int_equal(stats.bgp_role_malformed, 3);
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	assert_int_equal(stats.bgp_role_mismatch, 0);
	bgp_session_free(s);
}

/*
 * --role for speakers that send no capability, and for sessions picked
 * up mid-stream: the configured role and its counterpart, source
 * "config"; nothing configured: unknown.
 */
static void
test_config_roles(void **state)
{
	struct bgp_session *s;

	(void)state;
	/* Mid-stream, nothing configured */
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	bgp_session_free(s);
	/* Mid-stream, A configured */
	config("192.0.2.1", BGP_ROLE_RS_CLIENT);
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_RS_CLIENT, BGP_ROLE_RS,
	    BGP_ROLE_SRC_CONFIG);
	bgp_session_free(s);
	/* The same address again replaces; B's side configured */
	config("192.0.2.1", BGP_ROLE_UNKNOWN);
	config("192.0.2.2", BGP_ROLE_CUSTOMER);
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER,
	    BGP_ROLE_SRC_CONFIG);
	/* OPENs without the capability change nothing */
	nev = 0;
	send_open(s, 0, 65001, NOROLE, NULL, 0);
	send_open(s, 1, 65002, NOROLE, NULL, 0);
	assert_int_equal(evs[1].role[0], BGP_ROLE_PROVIDER);
	assert_int_equal(evs[1].role_cfg[1], BGP_ROLE_CUSTOMER);
	assert_int_equal(evs[1].role_cfg[0], BGP_ROLE_UNKNOWN);
	assert_int_equal(evs[1].role_src, BGP_ROLE_SRC_CONFIG);
	expect_routes(s, BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER,
	    BGP_ROLE_SRC_CONFIG);
	bgp_session_free(s);
	/* Both ends configured as a pair */
	config("192.0.2.1", BGP_ROLE_PROVIDER);
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER,
	    BGP_ROLE_SRC_CONFIG);
	bgp_session_free(s);
	/* Both ends configured, not a pair: unknown */
	config("192.0.2.1", BGP_ROLE_PEER);
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	bgp_session_free(s);
	/* IPv6 addresses; another session of the same speaker */
	bgp_session_role_config_clear();
	config("2001:db8::1", BGP_ROLE_PEER);
	s = new_session("2001:db8::1", "2001:db8::2");
	expect_routes(s, BGP_ROLE_PEER, BGP_ROLE_PEER, BGP_ROLE_SRC_CONFIG);
	bgp_session_free(s);
	s = new_session("2001:db8::9", "2001:db8::1");
	expect_routes(s, BGP_ROLE_PEER, BGP_ROLE_PEER, BGP_ROLE_SRC_CONFIG);
	bgp_session_free(s);
	s = new_session("2001:db8::9", "2001:db8::2");
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	bgp_session_free(s);
	assert_int_equal(stats.bgp_role_config_disagree, 0);
	assert_int_equal(stats.bgp_role_mismatch, 0);
}

/*
 * The wire wins over --role where both exist; a disagreement is
 * counted once per session.
 */
static void
test_config_vs_wire(void **state)
{
	struct bgp_session *s;

	(void)state;
	/* Agreement: source open, nothing counted */
	config("192.0.2.1", BGP_ROLE_CUSTOMER);
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 3, NULL, 0);
	expect_routes(s, BGP_ROLE_CUSTOMER, BGP_ROLE_PROVIDER,
	    BGP_ROLE_SRC_OPEN);
	assert_int_equal(stats.bgp_role_config_disagree, 0);
	bgp_session_free(s);
	/* A's own OPEN says peer, --role says customer */
	s = new_session("192.0.2.1", "192.0.2.2");
	expect_routes(s, BGP_ROLE_CUSTOMER, BGP_ROLE_PROVIDER,
	    BGP_ROLE_SRC_CONFIG);
	send_open(s, 0, 65001, 4, NULL, 0);
	assert_int_equal(stats.bgp_role_config_disagree, 1);
	send_open(s, 1, 65002, 4, NULL, 0);
	expect_routes(s, BGP_ROLE_PEER, BGP_ROLE_PEER, BGP_ROLE_SRC_OPEN);
	assert_int_equal(stats.bgp_role_config_disagree, 1);
	bgp_session_free(s);
	/* B's OPEN decides A's role, against --role for A */
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 1, 65002, 1, NULL, 0);	/* B: rs */
	expect_routes(s, BGP_ROLE_RS_CLIENT, BGP_ROLE_RS, BGP_ROLE_SRC_OPEN);
	assert_int_equal(stats.bgp_role_config_disagree, 2);
	bgp_session_free(s);
	/* A mismatch on the wire outranks --role: unknown */
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 3, NULL, 0);
	send_open(s, 1, 65002, 3, NULL, 0);
	expect_routes(s, BGP_ROLE_UNKNOWN, BGP_ROLE_UNKNOWN,
	    BGP_ROLE_SRC_NONE);
	assert_int_equal(stats.bgp_role_mismatch, 1);
	assert_int_equal(stats.bgp_role_config_disagree, 2);
	bgp_session_free(s);
}

/* 4.2: NOTIFICATION OPEN Message Error / Role Mismatch seen. */
static void
test_notification(void **state)
{
	struct bgp_session *s;

	(void)state;
	s = new_session("192.0.2.1", "192.0.2.2");
	send_open(s, 0, 65001, 3, NULL, 0);
	send_notification(s, 1, 2, 10);
	assert_int_equal(stats.bgp_role_mismatch_notification, 0);
	send_notification(s, 1, 2, 11);
	assert_int_equal(stats.bgp_role_mismatch_notification, 1);
	assert_string_equal(bgp_notification_name(2, 11),
	    "OPEN Message Error: Role Mismatch");
	send_notification(s, 0, 3, 11);
	assert_int_equal(stats.bgp_role_mismatch_notification, 1);
	bgp_session_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_both_opens_every_pair,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_open_decides, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_conflicting_capabilities,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_roles, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_vs_wire, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_notification, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
