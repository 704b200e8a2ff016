/*
 * test_summary.c - the end-of-run report, exact text, on a small
 * constructed run: one session whose view numbers its endpoints the
 * other way round from the first route's sender, four announcements
 * (valid, invalid with its VRP, not-found, not judged), a withdrawal, a
 * NOTIFICATION with data and the TCP close; then the limits: INVALID
 * routes past SUMMARY_MAX_INVALID are counted in "and K more".
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
#include "bgp/bgp_open.h"
#include "rpki/rov.h"
#include "base/stats.h"
#include "rovmon/summary.h"
#include "rpki/vrp.h"

static void
v4(struct ipaddr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	memset(a, 0, sizeof(*a));
	a->family = ADDR_V4;
	a->a[0] = x;
	a->a[1] = y;
	a->a[2] = z;
	a->a[3] = w;
}

static void
pfx(struct prefix *p, uint8_t x, uint8_t y, uint8_t z, uint8_t len)
{
	memset(p, 0, sizeof(*p));
	p->family = ADDR_V4;
	p->a[0] = x;
	p->a[1] = y;
	p->a[2] = z;
	p->len = len;
}

/* 192.0.2.1:179 (AS64500) sends routes to 192.0.2.2:40000 (AS64501). */
static void
ctx_init(struct bgp_msg_ctx *c, bool from_a)
{
	memset(c, 0, sizeof(*c));
	v4(from_a ? &c->src_addr : &c->dst_addr, 192, 0, 2, 1);
	v4(from_a ? &c->dst_addr : &c->src_addr, 192, 0, 2, 2);
	c->src_port = from_a ? 179 : 40000;
	c->dst_port = from_a ? 40000 : 179;
	c->session_id = 7;
}

static char *
report(const struct summary *s, const struct rovmon_stats *st)
{
	struct summary_run run;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	memset(&run, 0, sizeof(run));
	run.source = "test.pcap";
	run.validating = true;
	run.seconds = -1;	/* no wall time: the text is exact */
	assert_int_equal(summary_print(s, fp, st, &run), 0);
	fclose(fp);
	return buf;
}

static const char want_report[] =
"test.pcap: 40 packets, 4 route announcements, 1 withdrawals\n"
"\n"
"BGP sessions: 1\n"
"  #  speaker          AS       role      capabilities (from its OPEN)\n"
"  7  192.0.2.1:179    AS64500  provider  as4 ipv4-unicast ipv6-unicast\n"
"     192.0.2.2:40000  AS64501  customer  as4 ipv4-unicast add-path(ipv4-unicast send/receive) role(customer) route-refresh\n"
"     OPENs seen; --role 192.0.2.1=peer overridden by the OPENs; closed by NOTIFICATION 6/2 (Cease: Administrative Shutdown) from 192.0.2.2:40000\n"
"\n"
"Messages by sender\n"
"  #  speaker          OPEN  UPDATE  NOTIFICATION  KEEPALIVE  ROUTE-REFRESH  gaps\n"
"  7  192.0.2.1:179       1   1,234             0          2              0     0\n"
"     192.0.2.2:40000     1       0             1          2              0     3\n"
"\n"
"Announcements by RPKI state, by sender\n"
"  #  speaker          valid  invalid  not-found  unverified  withdrawn\n"
"  7  192.0.2.1:179        1        1          1           1          1\n"
"     192.0.2.2:40000      0        0          0           0          0\n"
"     total                1        1          1           1          1\n"
"\n"
"NOTIFICATIONs: 1\n"
"  #  from             to             code/subcode                           data\n"
"  7  192.0.2.2:40000  192.0.2.1:179  6/2 Cease: Administrative Shutdown  5 bytes\n"
"\n"
"INVALID announcements\n"
"  #  prefix           origin   reason  from           AS path                      VRPs that decided (prefix-maxLength AS)\n"
"  7  198.51.100.0/24  AS64496  as      192.0.2.1:179  64500 {64510,64511} (65001)  198.51.100.0/22-24 AS64999 and 1 more\n"
"\n"
"Capture and streams\n"
"  packets read                      40  4,000 bytes\n"
"  TCP sessions                       1  0 picked up without a SYN\n"
"  BGP messages                   1,240  0 UPDATEs malformed\n"
"  reassembly gaps                    3  1,500 bytes lost\n"
"  resyncs                            3  10 bytes skipped to find a marker\n"
"  frames cut by snapshot length      0  0 payload bytes lost\n"
"  messages cut short                 1  by a gap or the end of the capture\n";

static void
test_report(void **state)
{
	struct summary_config cfg = { .report = true };
	struct summary *s = summary_new(&cfg);
	struct rovmon_stats st;
	struct bgp_msg_ctx ctx;
	struct bgp_session_view view;
	struct bgp_session_info si;
	struct bgp_open oa, ob;
	struct bgp_attrs at;
	struct bgp_route r;
	struct rov_result res;
	struct vrp vrp;
	static const uint32_t asns[] = { 64500, 64510, 64511, 65001, 64496 };
	static const struct bgp_as_segment seg[] = {
		{ AS_SEQUENCE, 1, 0 }, { AS_SET, 2, 1 },
		{ AS_CONFED_SEQUENCE, 1, 3 },
	};
	char *text;

	(void)state;
	assert_non_null(s);
	/* The OPENs: endpoint 0 of the view is 192.0.2.2:40000. */
	memset(&oa, 0, sizeof(oa));
	oa.seen = oa.caps_ok = true;
	oa.as = 64501;
	oa.cap_as4 = oa.cap_rr = oa.cap_role = true;
	oa.role = 3;
	oa.nmp = 1;
	oa.mp[0].afi = AFI_IPV4;
	oa.mp[0].safi = SAFI_UNICAST;
	oa.naddpath = 1;
	oa.addpath[0] = oa.mp[0];
	oa.addpath[0].flags = BGP_ADDPATH_SEND | BGP_ADDPATH_RECV;
	memset(&ob, 0, sizeof(ob));
	ob.seen = ob.caps_ok = true;
	ob.as = 64500;
	ob.cap_as4 = true;
	ob.nmp = 2;
	ob.mp[0].afi = AFI_IPV4;
	ob.mp[0].safi = SAFI_UNICAST;
	ob.mp[1].afi = AFI_IPV6;
	ob.mp[1].safi = SAFI_UNICAST;
	memset(&view, 0, sizeof(view));
	v4(&view.addr[0], 192, 0, 2, 2);
	view.port[0] = 40000;
	v4(&view.addr[1], 192, 0, 2, 1);
	view.port[1] = 179;
	view.open[0] = &oa;
	view.open[1] = &ob;
	/* RFC 9234 roles from 192.0.2.2's OPEN; --role disagreed. */
	view.role[0] = BGP_ROLE_CUSTOMER;
	view.role[1] = BGP_ROLE_PROVIDER;
	view.role_src = BGP_ROLE_SRC_OPEN;
	view.role_cfg[1] = BGP_ROLE_PEER;

	/* A route first: the summary meets the session through it. */
	memset(&at, 0, sizeof(at));
	at.aspath.seg = seg;
	at.aspath.nseg = 3;
	at.aspath.asns = asns;
	at.aspath.nasn = 4;
	at.origin_kind = ORIGIN_AS_SEQ;
	at.origin_as = 64496;
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_ANNOUNCE;
	pfx(&r.prefix, 198, 51, 100, 24);
	memset(&res, 0, sizeof(res));
	ctx_init(&ctx, true);
	res.state = ROV_VALID;
	summary_route(s, &ctx, &at, &r, &res);
	memset(&vrp, 0, sizeof(vrp));
	pfx(&vrp.prefix, 198, 51, 100, 22);
	vrp.maxlen = 24;
	vrp.asn = 64999;
	res.state = ROV_INVALID;
	res.reason = ROV_REASON_AS;
	res.vrps[0] = &vrp;
	res.nvrps = 1;
	res.ncovering = 2;
	summary_route(s, &ctx, &at, &r, &res);
	memset(&res, 0, sizeof(res));
	res.state = ROV_NOT_FOUND;
	summary_route(s, &ctx, &at, &r, &res);
	summary_route(s, &ctx, &at, &r, NULL);
	r.event = BGP_ROUTE_WITHDRAW;
	summary_route(s, &ctx, &at, &r, NULL);

	/* OPENs, then a NOTIFICATION of 26 bytes (5 of data), then FIN. */
	view.msgs[0][BGP_OPEN] = view.msgs[1][BGP_OPEN] = 1;
	view.msgs[0][BGP_KEEPALIVE] = view.msgs[1][BGP_KEEPALIVE] = 2;
	view.msgs[1][BGP_UPDATE] = 1234;
	view.msgs[0][BGP_NOTIFICATION] = 1;
	view.gaps[0] = 3;
	view.gap_bytes[0] = 1500;
	memset(&si, 0, sizeof(si));
	si.view = &view;
	si.event = BGP_SESS_OPEN;
	ctx_init(&ctx, false);
	summary_session(s, &ctx, &si);
	si.event = BGP_SESS_NOTIFICATION;
	si.code = 6;
	si.subcode = 2;
	ctx.msg_len = BGP_HEADER_LEN + 2 + 5;
	summary_session(s, &ctx, &si);
	si.event = BGP_SESS_DOWN;
	si.reason = "TCP FIN";
	ctx_init(&ctx, true);
	summary_session(s, &ctx, &si);

	/* Totals come from the counters, as rovmon's stages keep them. */
	memset(&st, 0, sizeof(st));
	st.packets = 40;
	st.bytes = 4000;
	st.sessions = 1;
	st.bgp_messages = 1240;
	st.bgp_announce = 4;
	st.bgp_withdraw = 1;
	st.rpki_valid = st.rpki_invalid = st.rpki_not_found = 1;
	st.reasm_gaps = 3;
	st.reasm_gap_bytes = 1500;
	st.bgp_resyncs = 3;
	st.bgp_resync_skipped = 10;
	st.bgp_msg_across_gap = 1;
	text = report(s, &st);
	if (strcmp(text, want_report) != 0)
		fprintf(stderr, "got:\n%s", text);
	assert_string_equal(text, want_report);
	free(text);
	summary_free(s);
}

/* 25 INVALID routes: 20 listed, "and 5 more"; no sessions past the cap. */
static void
test_invalid_limit(void **state)
{
	struct summary_config cfg = { .report = true };
	struct summary *s = summary_new(&cfg);
	struct rovmon_stats st;
	struct bgp_msg_ctx ctx;
	struct bgp_attrs at;
	struct bgp_route r;
	struct rov_result res;
	char *text;
	unsigned i;

	(void)state;
	assert_non_null(s);
	memset(&at, 0, sizeof(at));
	at.origin_kind = ORIGIN_AS_SET;
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_ANNOUNCE;
	memset(&res, 0, sizeof(res));
	res.state = ROV_INVALID;
	res.reason = ROV_REASON_AS_SET;
	ctx_init(&ctx, true);
	for (i = 0; i < 25; i++) {
		pfx(&r.prefix, 10, (uint8_t)i, 0, 24);
		summary_route(s, &ctx, &at, &r, &res);
	}
	memset(&st, 0, sizeof(st));
	st.rpki_invalid = 25;
	st.bgp_announce = 25;
	text = report(s, &st);
	assert_non_null(strstr(text, "\nINVALID announcements (the first 20 of "
	    "25)\n"));
	assert_non_null(strstr(text, "\n  7  10.19.0.0/24  none (set)  as_set  "
	    "192.0.2.1:179  (empty)  -\n"));
	assert_null(strstr(text, "10.20.0.0/24"));
	/* Routes but no session event: nothing known of the OPENs. */
	assert_non_null(strstr(text, "\n     picked up mid-stream: no OPEN seen, "
	    "no message from 192.0.2.2:40000; up when the capture ended\n"));
	assert_non_null(strstr(text, "\n  and 5 more (--routes FILE logs every "
	    "one)\n"));
	free(text);
	summary_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_invalid_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
