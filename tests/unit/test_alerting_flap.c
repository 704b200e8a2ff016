/*
 * test_alerting_flap.c - the session-flap half of alerting
 * (alerting_flap.c) with the default rules and a file sink, the exact
 * alert lines in order: a NOTIFICATION and the TCP close after it are
 * one session-down; a connection reset after one OPEN raises nothing; a
 * new session with both OPENs adopts at its first UPDATE (session-up),
 * an unchanged route is silent, a changed one alerts, End-of-RIB
 * resolves the one not announced again ("stale"); down again and never
 * back: session-gone after --stale-time, on the caller's clock, and every
 * alerted route resolved ("session-gone"); --stale-time 0 is the old
 * behaviour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alert/alerting.h"
#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "capture/packet.h"
#include "rpki/rov.h"
#include "state/route_event.h"
#include "builders.h"

struct lab {
	char			 dir[64], path[96], spec[112];
	struct alerting		*al;
	struct packet		 pkt;
	struct bgp_open		 open[2];	/* A (AS 65001), B (65002) */
	struct bgp_session_view	 view;
};

static void
lab_new(struct lab *l, long stale)
{
	struct alerting_config c;
	const char *specs[1];

	memset(l, 0, sizeof(*l));
	snprintf(l->dir, sizeof(l->dir), "/tmp/rovmon-flap.XXXXXX");
	assert_non_null(mkdtemp(l->dir));
	snprintf(l->path, sizeof(l->path), "%s/a.json", l->dir);
	snprintf(l->spec, sizeof(l->spec), "file:%s", l->path);
	specs[0] = l->spec;
	memset(&c, 0, sizeof(c));
	c.rules = "rules/rovmon.rules";
	c.sensor = "t";
	c.sinks = specs;
	c.nsinks = 1;
	c.offline = true;
	c.stale_time = stale;
	assert_non_null(l->al = alerting_new(&c));
	l->open[0].seen = l->open[1].seen = true;
	l->open[0].as = 65001;
	l->open[1].as = 65002;
}

static void
lab_free(struct lab *l)
{
	alerting_free(l->al);
	unlink(l->path);
	rmdir(l->dir);
}

/* Session id, A (10.9.0.1:179) or B (10.9.0.2:port) sending, at time t. */
static void
ctx_of(struct lab *l, struct bgp_msg_ctx *c, uint64_t id, int from_b,
    uint16_t port, time_t t)
{
	memset(c, 0, sizeof(*c));
	c->session_id = id;
	assert_int_equal(ipaddr_parse(from_b ? "10.9.0.2" : "10.9.0.1",
	    &c->src_addr), 0);
	assert_int_equal(ipaddr_parse(from_b ? "10.9.0.1" : "10.9.0.2",
	    &c->dst_addr), 0);
	c->src_port = from_b ? port : 179;
	c->dst_port = from_b ? 179 : port;
	c->peer_as = from_b ? 65002 : 65001;
	c->local_as = from_b ? 65001 : 65002;
	l->pkt.num++;
	l->pkt.ts.tv_sec = t;
	c->pkt = &l->pkt;
	/* the view: endpoint 0 is B (it connects), endpoint 1 is A */
	l->view.addr[0] = from_b ? c->src_addr : c->dst_addr;
	l->view.addr[1] = from_b ? c->dst_addr : c->src_addr;
	l->view.port[0] = port;
	l->view.port[1] = 179;
}

static void
sess(struct lab *l, uint64_t id, int from_b, uint16_t port, time_t t,
    enum bgp_session_event e, int opens)
{
	struct bgp_msg_ctx c;
	struct bgp_session_info si;

	ctx_of(l, &c, id, from_b, port, t);
	/* opens: 1 = only B's OPEN seen, 2 = both */
	l->view.open[0] = opens >= 1 ? &l->open[1] : NULL;
	l->view.open[1] = opens >= 2 ? &l->open[0] : NULL;
	memset(&si, 0, sizeof(si));
	si.event = e;
	si.view = &l->view;
	if (e == BGP_SESS_NOTIFICATION) {
		si.code = 6;
		si.subcode = 4;		/* Cease: Administrative Reset */
	}
	if (e == BGP_SESS_DOWN)
		si.reason = "TCP FIN";
	if (e == BGP_SESS_EOR) {
		si.afi = AFI_IPV4;
		si.safi = SAFI_UNICAST;
	}
	alerting_session(l->al, &c, &si);
}

/* A announces pfx with origin `origin' (INVALID unless 64500). */
static void
ann(struct lab *l, uint64_t id, uint16_t port, time_t t, const char *pfx,
    uint32_t origin)
{
	struct bgp_msg_ctx c;
	struct bgp_attrs at;
	struct path_fix pf;
	struct bgp_route r;
	struct route_verdict v;
	struct rov_result res;
	uint32_t asns[2] = { 65001, origin };

	ctx_of(l, &c, id, 0, port, t);
	memset(&at, 0, sizeof(at));
	b_path(&pf, asns, 2, NULL, 0);
	at.aspath = pf.path;
	at.origin_kind = ORIGIN_AS_SEQ;
	at.origin_as = origin;
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_ANNOUNCE;
	r.prefix = b_prefix(pfx);
	memset(&res, 0, sizeof(res));
	res.state = origin == 64500 ? ROV_VALID : ROV_INVALID;
	res.reason = origin == 64500 ? ROV_REASON_NONE : ROV_REASON_AS;
	route_verdict_init(&v, &c, &at);
	v.rpki = &res;
	v.generation = 1;
	alerting_route(l->al, &c, &at, &r, &v);
}

/* The alert lines so far, each as "SID WHAT PREFIX": WHAT is the
 * route event (+ "/reason") or the sensor event's type; PREFIX "-". */
static char *
lines(struct lab *l)
{
	static char out[4096];
	char line[8192], what[64], pfx[64];
	const char *p, *q;
	size_t off = 0;
	FILE *fp;
	unsigned sid;

	alerting_drain(l->al);
	out[0] = '\0';
	if ((fp = fopen(l->path, "r")) == NULL)
		return out;
	while (fgets(line, sizeof(line), fp) != NULL) {
		assert_non_null(p = strstr(line, "\"sid\":"));
		sid = (unsigned)strtoul(p + 6, NULL, 10);
		snprintf(pfx, sizeof(pfx), "-");
		if ((p = strstr(line, "\"event\":{\"type\":\"")) != NULL) {
			p += 17;
			q = strchr(p, '"');
			snprintf(what, sizeof(what), "%.*s", (int)(q - p), p);
		} else {
			assert_non_null(p = strstr(line, "\"bgp\":{\"event\":\""));
			p += 16;
			q = strchr(p, '"');
			snprintf(what, sizeof(what), "%.*s", (int)(q - p), p);
			if ((p = strstr(line, "\"resolve_reason\":\"")) != NULL) {
				p += 18;
				q = strchr(p, '"');
				snprintf(what + strlen(what), sizeof(what) -
				    strlen(what), "/%.*s", (int)(q - p), p);
			}
			assert_non_null(p = strstr(line, "\"prefix\":\""));
			p += 10;
			q = strchr(p, '"');
			snprintf(pfx, sizeof(pfx), "%.*s", (int)(q - p), p);
		}
		off += (size_t)snprintf(out + off, sizeof(out) - off,
		    "%u %s %s\n", sid, what, pfx);
	}
	fclose(fp);
	return out;
}

static void
test_flap(void **state)
{
	struct lab l;
	struct timeval now;

	(void)state;
	lab_new(&l, 60);
	/* session 1: up, three INVALID routes */
	sess(&l, 1, 1, 40001, 10, BGP_SESS_OPEN, 1);
	sess(&l, 1, 0, 40001, 10, BGP_SESS_OPEN, 2);
	ann(&l, 1, 40001, 11, "192.0.2.0/24", 64501);
	ann(&l, 1, 40001, 11, "198.51.100.0/24", 64501);
	ann(&l, 1, 40001, 11, "203.0.113.0/24", 64501);
	/* B resets it: NOTIFICATION, then TCP: one alert */
	sess(&l, 1, 1, 40001, 100, BGP_SESS_NOTIFICATION, 2);
	sess(&l, 1, 0, 40001, 100, BGP_SESS_DOWN, 2);
	/* B tries while A idles: its OPEN, A's reset: nothing */
	sess(&l, 2, 1, 40002, 101, BGP_SESS_OPEN, 1);
	sess(&l, 2, 0, 40002, 101, BGP_SESS_DOWN, 1);
	/* session 3: both OPENs (nothing yet), then A's table again */
	sess(&l, 3, 1, 40003, 102, BGP_SESS_OPEN, 1);
	sess(&l, 3, 0, 40003, 102, BGP_SESS_OPEN, 2);
	assert_string_equal(lines(&l),
	    "1000001 announce 192.0.2.0/24\n"
	    "1000001 announce 198.51.100.0/24\n"
	    "1000001 announce 203.0.113.0/24\n"
	    "1000108 session-down -\n");
	ann(&l, 3, 40003, 103, "192.0.2.0/24", 64501);		/* same */
	ann(&l, 3, 40003, 103, "198.51.100.0/24", 64502);	/* changed */
	sess(&l, 3, 0, 40003, 103, BGP_SESS_EOR, 2);
	assert_string_equal(lines(&l),
	    "1000001 announce 192.0.2.0/24\n"
	    "1000001 announce 198.51.100.0/24\n"
	    "1000001 announce 203.0.113.0/24\n"
	    "1000108 session-down -\n"
	    "1000109 session-up -\n"
	    "1000001 announce 198.51.100.0/24\n"
	    "1000007 resolved/stale 203.0.113.0/24\n");
	/* down again, never back: gone at 200 + 60, not before */
	sess(&l, 3, 0, 40003, 200, BGP_SESS_DOWN, 2);
	now.tv_sec = 259;
	now.tv_usec = 0;
	alerting_tick(l.al, &now);
	now.tv_sec = 260;
	alerting_tick(l.al, &now);
	assert_string_equal(strstr(lines(&l), "1000108 session-down -\n"
	    "1000109"),
	    "1000108 session-down -\n"
	    "1000109 session-up -\n"
	    "1000001 announce 198.51.100.0/24\n"
	    "1000007 resolved/stale 203.0.113.0/24\n"
	    "1000108 session-down -\n"
	    "1000110 session-gone -\n"
	    "1000007 resolved/session-gone 192.0.2.0/24\n"
	    "1000007 resolved/session-gone 198.51.100.0/24\n");
	lab_free(&l);
}

/* The end of a read: what is held is gone, whatever its deadline. */
static void
test_finish(void **state)
{
	struct lab l;
	struct timeval last = { 150, 0 };

	(void)state;
	lab_new(&l, 3600);
	ann(&l, 1, 40001, 11, "192.0.2.0/24", 64501);
	ann(&l, 1, 40001, 11, "198.51.100.0/24", 64500);	/* VALID */
	sess(&l, 1, 0, 40001, 100, BGP_SESS_DOWN, 0);
	alerting_finish(l.al, &last);
	assert_string_equal(lines(&l),
	    "1000001 announce 192.0.2.0/24\n"
	    "1000108 session-down -\n"
	    "1000110 session-gone -\n"
	    "1000007 resolved/session-gone 192.0.2.0/24\n");
	lab_free(&l);
}

/* --stale-time 0: resolved at the NOTIFICATION, no session alert, and a
 * new session starts empty. */
static void
test_stale_zero(void **state)
{
	struct lab l;

	(void)state;
	lab_new(&l, 0);
	sess(&l, 1, 1, 40001, 10, BGP_SESS_OPEN, 2);
	ann(&l, 1, 40001, 11, "192.0.2.0/24", 64501);
	sess(&l, 1, 1, 40001, 100, BGP_SESS_NOTIFICATION, 2);
	sess(&l, 1, 0, 40001, 100, BGP_SESS_DOWN, 2);
	sess(&l, 3, 1, 40003, 102, BGP_SESS_OPEN, 2);
	ann(&l, 3, 40003, 103, "192.0.2.0/24", 64501);
	assert_string_equal(lines(&l),
	    "1000001 announce 192.0.2.0/24\n"
	    "1000007 resolved/session-down 192.0.2.0/24\n"
	    "1000001 announce 192.0.2.0/24\n");
	lab_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flap),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_stale_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
