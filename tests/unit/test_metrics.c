/*
 * test_metrics.c - the Prometheus text of a known snapshot, line for
 * line (rovmon/metrics_render.c); the exposition's structure (one HELP
 * and TYPE per family, before its samples, every series once, counters
 * in _total); the fold of senders to the bound; ADDR:PORT parsing; and,
 * with a RIB of 1M routes over 200 senders, what the packet thread
 * spends on a snapshot (printed: no timed assertion).  The HTTP side is
 * tested end to end (tests/e2e/93-metrics.sh) with Debian's prometheus.
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

#include <netinet/in.h>

#include "base/addr.h"
#include "base/version.h"
#include "bgp/bgp.h"
#include "rovmon/metrics.h"
#include "rpki/rov.h"
#include "state/rib.h"
#include "state/route_event.h"
#include "builders.h"

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

#define assert_line(text, line) do {					\
	if (!has_line((text), (line)))					\
		fail_msg("missing line: %s", (line));			\
} while (0)

static struct metrics_session
sess(const char *peer, const char *local, uint32_t as, uint64_t v,
    uint64_t inv, uint64_t nf)
{
	struct metrics_session s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(ipaddr_parse(peer, &s.peer), 0);
	assert_int_equal(ipaddr_parse(local, &s.local), 0);
	s.peer_as = as;
	s.rpki[ROV_VALID] = v;
	s.rpki[ROV_INVALID] = inv;
	s.rpki[ROV_NOT_FOUND] = nf;
	s.routes = v + inv + nf;
	return s;
}

/*
 * The structure promtool also checks, here for every change: each
 * sample's family was announced by "# HELP" then "# TYPE" (each once),
 * no series twice, counters (and only they) end in _total.
 */
static void
check_structure(const char *text)
{
	char fam[128] = "", type[16] = "", name[128];
	char *copy, *line, *save = NULL, *seen = NULL;
	size_t nseen = 0, i, n;

	assert_non_null(copy = strdup(text));
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			n = strcspn(line + 7, " ");
			assert_true(n < sizeof(fam));
			assert_false(strncmp(fam, line + 7, n) == 0 &&
			    fam[n] == '\0');
			memcpy(fam, line + 7, n);
			fam[n] = '\0';
			type[0] = '\0';
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			n = strlen(fam);
			assert_int_equal(strncmp(line + 7, fam, n), 0);
			assert_int_equal(line[7 + n], ' ');
			assert_string_equal(type, "");
			snprintf(type, sizeof(type), "%s", line + 8 + n);
			assert_true(strcmp(type, "counter") == 0 ||
			    strcmp(type, "gauge") == 0);
			n = strlen(fam);
			assert_int_equal(strcmp(type, "counter") == 0,
			    n > 6 && strcmp(fam + n - 6, "_total") == 0);
			continue;
		}
		assert_true(line[0] != '#');
		n = strcspn(line, "{ ");
		assert_true(n < sizeof(name));
		memcpy(name, line, n);
		name[n] = '\0';
		assert_string_equal(name, fam);
		assert_string_not_equal(type, "");
		/* the series: the line up to its value */
		n = (size_t)(strrchr(line, ' ') - line);
		for (i = 0; i < nseen; i++)
			if (strlen(seen + i * 512) == n &&
			    strncmp(seen + i * 512, line, n) == 0)
				fail_msg("series twice: %s", line);
		assert_non_null(seen = realloc(seen, (nseen + 1) * 512));
		assert_true(n < 512);
		memcpy(seen + nseen * 512, line, n);
		seen[nseen * 512 + n] = '\0';
		nseen++;
	}
	free(seen);
	free(copy);
}

static void
test_render(void **state)
{
	struct metrics_session ss[2], other;
	struct metrics_sink sinks[2];
	struct metrics_snapshot ms;
	char *text;
	size_t len;

	(void)state;
	memset(&ms, 0, sizeof(ms));
	ms.st.packets = 1234;
	ms.st.bytes = 99999;
	ms.st.pcap_drop = 7;
	ms.st.pcap_ifdrop = 2;
	ms.st.bgp_open = 2;
	ms.st.bgp_update = 300;
	ms.st.bgp_keepalive = 40;
	ms.st.bgp_announce = 1000;
	ms.st.bgp_withdraw = 10;
	ms.st.rpki_invalid = 55;
	ms.st.alerts = 66;
	ms.st.reasm_gaps = 3;
	ms.st.vrp_count = 500000;
	ms.st.vrp_generation = 12;
	ms.st.vrp_loaded = 1700000000;
	ms.st.vrp_generated = 1699999000;
	ms.st.vrp_swaps = 4;
	ms.st.vrp_load_failed = 1;
	ms.st.vrp_rtr_connected = 1;
	ms.st.vrp_rtr_updates = 9;
	ms.now = 1700000100;
	ms.start = 1699990000;
	ms.snapshot_seconds = 0.000125;
	ms.rtr = true;
	ms.has_rib = true;
	ms.rib.routes = 100;
	ms.rib.rpki[ROV_VALID] = 60;
	ms.rib.rpki[ROV_INVALID] = 25;
	ms.rib.rpki[ROV_NOT_FOUND] = 15;
	ms.rib.aspa[ASPA_INVALID] = 4;
	ms.rib.aspa_none = 96;
	ms.rib.leak[BGP_LEAK_OTC_FROM_PEER] = 2;
	ms.rib.sessions = 3;
	ms.rib.bytes = 65536;
	ms.tcp_sessions = 3;
	ms.held_sessions = 1;
	ms.held_routes = 40;
	ms.stale_routes = 7;
	ms.st.rib_held = 2;
	ss[0] = sess("192.0.2.1", "192.0.2.2", 64500, 50, 20, 10);
	ss[1] = sess("2001:db8::1", "2001:db8::2", 0, 5, 5, 0);
	other = sess("0.0.0.0", "0.0.0.0", 0, 5, 0, 5);
	ms.sess = ss;
	ms.nsess = 2;
	ms.other = other;
	ms.nother = 1;
	memset(sinks, 0, sizeof(sinks));
	sinks[0].type = "file";
	sinks[0].c.emitted = 66;
	sinks[0].c.written = 65;
	sinks[0].c.write_errors = 1;
	sinks[1].type = "webhook";
	sinks[1].network = true;
	sinks[1].c.emitted = 66;
	sinks[1].c.filtered = 6;
	sinks[1].c.sent = 50;
	sinks[1].c.queue_drops = 10;
	sinks[1].c.queue_len = 3;
	sinks[1].c.queue_cap = 1024;
	ms.sinks = sinks;
	ms.nsinks = 2;
	assert_non_null(text = metrics_render(&ms, &len));
	assert_int_equal(strlen(text), len);
	assert_int_equal(text[len - 1], '\n');
	check_structure(text);
	/* exact lines: families from the statistics */
	assert_line(text, "# HELP rovmon_packets_total Frames read from the "
	    "capture.");
	assert_line(text, "# TYPE rovmon_packets_total counter");
	assert_line(text, "rovmon_packets_total 1234");
	assert_line(text, "rovmon_capture_bytes_total 99999");
	assert_line(text, "rovmon_pcap_dropped_packets_total 7");
	assert_line(text, "rovmon_pcap_interface_dropped_packets_total 2");
	assert_line(text, "rovmon_bgp_messages_total{type=\"open\"} 2");
	assert_line(text, "rovmon_bgp_messages_total{type=\"update\"} 300");
	assert_line(text, "rovmon_bgp_messages_total{type=\"keepalive\"} 40");
	assert_line(text, "rovmon_bgp_messages_total{type=\"unknown\"} 0");
	assert_line(text, "rovmon_bgp_routes_announced_total 1000");
	assert_line(text, "rovmon_bgp_routes_withdrawn_total 10");
	assert_line(text, "rovmon_rpki_verdicts_total{rpki_state=\"invalid\"} "
	    "55");
	assert_line(text, "rovmon_alerts_total 66");
	assert_line(text, "rovmon_reasm_gaps_total 3");
	assert_line(text, "rovmon_vrps 500000");
	assert_line(text, "rovmon_vrp_generation 12");
	assert_line(text, "rovmon_vrp_swaps_total 4");
	assert_line(text, "rovmon_vrp_load_failures_total 1");
	assert_line(text, "rovmon_rtr_connected 1");
	assert_line(text, "rovmon_rtr_expired 0");
	assert_line(text, "rovmon_rtr_updates_total 9");
	/* the VRP set's times: age from the build time when known */
	assert_line(text, "rovmon_vrp_loaded_timestamp_seconds 1700000000");
	assert_line(text, "rovmon_vrp_generated_timestamp_seconds 1699999000");
	assert_line(text, "rovmon_vrp_set_age_seconds 1100");
	/* the RIB */
	assert_line(text, "# TYPE rovmon_routes gauge");
	assert_line(text, "rovmon_routes{rpki_state=\"valid\"} 60");
	assert_line(text, "rovmon_routes{rpki_state=\"invalid\"} 25");
	assert_line(text, "rovmon_routes{rpki_state=\"not-found\"} 15");
	assert_line(text, "rovmon_routes_aspa{aspa_state=\"invalid\"} 4");
	assert_line(text, "rovmon_routes_aspa{aspa_state=\"none\"} 96");
	assert_line(text, "rovmon_routes_leak{leak=\"otc-from-peer\"} 2");
	assert_line(text, "rovmon_rib_sessions 3");
	assert_line(text, "rovmon_rib_memory_bytes 65536");
	assert_line(text, "rovmon_rib_held_sessions 1");
	assert_line(text, "rovmon_rib_held_routes 40");
	assert_line(text, "rovmon_rib_stale_routes 7");
	assert_line(text, "rovmon_rib_sessions_held_total 2");
	assert_line(text, "rovmon_tcp_sessions 3");
	/* senders, and the rest under peer="other" */
	assert_line(text, "rovmon_session_routes{peer=\"192.0.2.1\","
	    "peer_as=\"64500\",local=\"192.0.2.2\",rpki_state=\"invalid\"} 20");
	assert_line(text, "rovmon_session_routes{peer=\"2001:db8::1\","
	    "peer_as=\"0\",local=\"2001:db8::2\",rpki_state=\"valid\"} 5");
	assert_line(text, "rovmon_session_routes{peer=\"other\","
	    "rpki_state=\"not-found\"} 5");
	assert_line(text, "rovmon_session_routes_folded 1");
	/* sinks */
	assert_line(text, "rovmon_sink_alerts_offered_total{sink=\"0\","
	    "type=\"file\"} 66");
	assert_line(text, "rovmon_sink_alerts_delivered_total{sink=\"0\","
	    "type=\"file\"} 65");
	assert_line(text, "rovmon_sink_alerts_delivered_total{sink=\"1\","
	    "type=\"webhook\"} 50");
	assert_line(text, "rovmon_sink_alerts_dropped_total{sink=\"0\","
	    "type=\"file\",reason=\"write_error\"} 1");
	assert_line(text, "rovmon_sink_alerts_dropped_total{sink=\"1\","
	    "type=\"webhook\",reason=\"queue_full\"} 10");
	assert_line(text, "rovmon_sink_alerts_filtered_total{sink=\"1\","
	    "type=\"webhook\"} 6");
	assert_line(text, "rovmon_sink_queue_length{sink=\"1\","
	    "type=\"webhook\"} 3");
	assert_line(text, "rovmon_sink_queue_capacity{sink=\"1\","
	    "type=\"webhook\"} 1024");
	assert_null(strstr(text, "rovmon_sink_queue_length{sink=\"0\""));
	/* the process */
	assert_line(text, "rovmon_build_info{version=\"" ROVMON_VERSION
	    "\"} 1");
	assert_line(text, "rovmon_start_time_seconds 1699990000");
	assert_line(text, "rovmon_snapshot_duration_seconds 0.000125");
	assert_line(text, "rovmon_snapshot_timestamp_seconds 1700000100");
	free(text);

	/* no RTR source, no VRP set, no RIB: those families are absent */
	ms.rtr = false;
	ms.has_rib = false;
	ms.st.vrp_loaded = 0;
	ms.nsinks = 0;
	assert_non_null(text = metrics_render(&ms, &len));
	check_structure(text);
	assert_null(strstr(text, "rovmon_rtr_"));
	assert_null(strstr(text, "rovmon_routes"));
	assert_null(strstr(text, "rovmon_session_routes"));
	assert_null(strstr(text, "rovmon_vrp_set_age_seconds"));
	assert_line(text, "# TYPE rovmon_sink_queue_length gauge");
	assert_null(strstr(text, "rovmon_sink_queue_length{"));
	free(text);
}

static void
test_fold(void **state)
{
	struct metrics_session s[6], other;
	size_t n, nother;
	char buf[IPADDR_STRLEN];

	(void)state;
	s[0] = sess("10.0.0.5", "10.0.0.9", 5, 1, 0, 0);
	s[1] = sess("10.0.0.1", "10.0.0.9", 1, 100, 10, 0);
	s[2] = sess("10.0.0.3", "10.0.0.9", 3, 0, 3, 0);
	/* a second session between the same two, same AS: one series */
	s[3] = sess("10.0.0.3", "10.0.0.9", 3, 50, 0, 0);
	s[4] = sess("10.0.0.4", "10.0.0.9", 4, 2, 2, 2);
	s[5] = sess("10.0.0.2", "10.0.0.9", 2, 20, 0, 0);
	/* five distinct senders, three kept: 10.0.0.1 (110 routes),
	 * 10.0.0.3 (53), 10.0.0.2 (20); 10.0.0.4 (6) and .5 (1) folded */
	n = metrics_fold_sessions(s, 6, 3, &other, &nother);
	assert_int_equal(n, 3);
	assert_int_equal(nother, 2);
	ipaddr_fmt(&s[0].peer, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1");
	ipaddr_fmt(&s[1].peer, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
	ipaddr_fmt(&s[2].peer, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.3");
	assert_int_equal(s[2].routes, 53);
	assert_int_equal(s[2].rpki[ROV_VALID], 50);
	assert_int_equal(s[2].rpki[ROV_INVALID], 3);
	assert_int_equal(other.routes, 7);
	assert_int_equal(other.rpki[ROV_VALID], 3);
	assert_int_equal(other.rpki[ROV_INVALID], 2);
	assert_int_equal(other.rpki[ROV_NOT_FOUND], 2);
	/* under the bound: all kept, sorted, nothing folded */
	s[0] = sess("10.0.0.8", "10.0.0.9", 8, 1, 0, 0);
	s[1] = sess("10.0.0.7", "10.0.0.9", 7, 1, 0, 0);
	assert_int_equal(metrics_fold_sessions(s, 2, 64, &other, &nother), 2);
	assert_int_equal(nother, 0);
	assert_int_equal(other.routes, 0);
	ipaddr_fmt(&s[0].peer, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.7");
	/* bound 0: everything summed */
	assert_int_equal(metrics_fold_sessions(s, 2, 0, &other, &nother), 0);
	assert_int_equal(nother, 2);
	assert_int_equal(other.routes, 2);
	assert_int_equal(metrics_fold_sessions(s, 0, 4, &other, &nother), 0);
}

static void
test_parse_addr(void **state)
{
	static const char *const bad[] = { "9105", "127.0.0.1", "127.0.0.1:",
	    "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80", "localhost:80",
	    "::1:9105", "[::1:9105", "[127.0.0.1]:80", "1.2.3.4.5:80",
	    "[::1]:9x", "", ":", NULL };
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	char err[128];
	size_t i;

	(void)state;
	assert_int_equal(metrics_parse_addr("127.0.0.1:9105", &ss, &sl, err,
	    sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 9105);
	assert_int_equal(sl, sizeof(*s4));
	assert_int_equal(metrics_parse_addr("[::1]:80", &ss, &sl, err,
	    sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 80);
	assert_int_equal(metrics_parse_addr(":9105", &ss, &sl, err,
	    sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(metrics_parse_addr("0.0.0.0:0", &ss, &sl, err,
	    sizeof(err)), 0);
	for (i = 0; bad[i] != NULL; i++)
		if (metrics_parse_addr(bad[i], &ss, &sl, err,
		    sizeof(err)) != -1)
			fail_msg("accepted: '%s'", bad[i]);
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
add_dir(void *arg, const struct rib_dir_info *di)
{
	struct metrics_session **p = arg;
	struct metrics_session *s = (*p)++;

	memset(s, 0, sizeof(*s));
	s->peer = di->src;
	s->local = di->dst;
	s->peer_as = di->peer_as;
	s->routes = di->routes;
	memcpy(s->rpki, di->rpki, sizeof(s->rpki));
}

/*
 * The packet thread's cost of one snapshot with 1M routes stored from
 * 200 senders (metrics.c's steps: rib_counts, rib_dirs, the fold to 64,
 * the rendering): printed, and the counts checked against the routes
 * announced.
 */
static void
test_snapshot_cost(void **state)
{
	enum { NROUTES = 1000000, NSESS = 200 };
	struct metrics_session *sess, *p, other;
	struct metrics_snapshot ms;
	struct bgp_msg_ctx ctx;
	struct bgp_attrs at;
	struct bgp_route r;
	struct route_event ev;
	struct route_verdict v;
	struct rov_result res;
	struct path_fix pf;
	struct rib *rib;
	uint32_t path[3] = { 65001, 3356, 0 }, x;
	size_t len, ninv = 0;
	double t0, t1;
	unsigned i, k;
	char *text;

	(void)state;
	assert_non_null(rib = rib_new());
	memset(&r, 0, sizeof(r));
	r.prefix.family = ADDR_V4;
	r.prefix.len = 24;
	for (i = 0; i < NROUTES; i++) {
		k = i % NSESS;
		memset(&ctx, 0, sizeof(ctx));
		ctx.session_id = k + 1;
		ctx.src_addr.family = ADDR_V4;
		ctx.src_addr.a[0] = 10;
		ctx.src_addr.a[2] = (uint8_t)(k >> 8);
		ctx.src_addr.a[3] = (uint8_t)k;
		ctx.dst_addr.family = ADDR_V4;
		ctx.dst_addr.a[0] = 192;
		ctx.src_port = 179;
		ctx.dst_port = 40000;
		ctx.peer_as = 64512 + k;
		x = (i * 2654435761u) & 0xffffff;
		r.prefix.a[0] = (uint8_t)(x >> 16);
		r.prefix.a[1] = (uint8_t)(x >> 8);
		r.prefix.a[2] = (uint8_t)x;
		path[2] = 100 + i % 500;
		memset(&at, 0, sizeof(at));
		b_path(&pf, path, 3, NULL, 0);
		at.aspath = pf.path;
		at.origin_kind = ORIGIN_AS_SEQ;
		at.origin_as = path[2];
		memset(&res, 0, sizeof(res));
		res.state = (enum rov_state)(i % 3);
		ninv += res.state == ROV_INVALID;
		memset(&v, 0, sizeof(v));
		v.rpki = &res;
		assert_int_equal(rib_announce(rib, &ctx, &at, &r, &v, &ev, NULL),
		    RIB_NEW);
	}
	assert_non_null(sess = calloc(2 * NSESS, sizeof(*sess)));
	t0 = now();
	memset(&ms, 0, sizeof(ms));
	rib_counts(rib, &ms.rib);
	ms.has_rib = true;
	p = sess;
	assert_int_equal(rib_dirs(rib, add_dir, &p), NSESS);
	ms.nsess = metrics_fold_sessions(sess, (size_t)(p - sess),
	    METRICS_SESSIONS_DEFAULT, &other, &ms.nother);
	ms.sess = sess;
	ms.other = other;
	assert_non_null(text = metrics_render(&ms, &len));
	t1 = now();
	printf("metrics: snapshot of %u routes from %u senders (%zu shown, "
	    "%zu folded) in %.3f ms, %zu bytes of text\n", NROUTES, NSESS,
	    ms.nsess, ms.nother, (t1 - t0) * 1e3, len);
	assert_int_equal(ms.rib.routes, NROUTES);
	assert_int_equal(ms.rib.rpki[ROV_INVALID], ninv);
	assert_int_equal(ms.nsess, METRICS_SESSIONS_DEFAULT);
	assert_int_equal(ms.nother, NSESS - METRICS_SESSIONS_DEFAULT);
	assert_int_equal(other.routes + ms.nsess * (NROUTES / NSESS), NROUTES);
	check_structure(text);
	free(text);
	free(sess);
	rib_free(rib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_snapshot_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
