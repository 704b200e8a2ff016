/*
 * test_route_log.c - exact JSON lines for announce and withdraw events;
 * appending; reopening for log rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "state/route_log.h"
#include "base/stats.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static char *
slurp_fp(FILE *fp)
{
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(buf);
	fflush(fp);
	rewind(fp);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	return buf;
}

static void
fill_ctx(struct bgp_msg_ctx *ctx, struct packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->num = 42;
	pkt->ts.tv_sec = 1714564800;	/* 2024-05-01T12:00:00Z */
	pkt->ts.tv_usec = 1234;
	memset(ctx, 0, sizeof(*ctx));
	ipaddr_parse("10.0.0.1", &ctx->src_addr);
	ipaddr_parse("10.0.0.2", &ctx->dst_addr);
	ctx->src_port = 179;
	ctx->dst_port = 40312;
	ctx->peer_as = 65001;
	ctx->pkt = pkt;
}

static void
test_announce_and_withdraw(void **state)
{
	char path[] = "/tmp/rovmon-test-routelog-XXXXXX";
	struct bgp_as_segment seg[2] = {
		{ AS_SEQUENCE, 2, 0 }, { AS_SET, 2, 2 },
	};
	uint32_t asns[] = { 65001, 4200000000u, 64500, 64501 };
	struct bgp_attrs at;
	struct bgp_msg_ctx ctx;
	struct packet pkt;
	struct bgp_route r;
	struct route_log *rl;
	char *got;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_non_null(rl = route_log_open(path));
	fill_ctx(&ctx, &pkt);
	memset(&at, 0, sizeof(at));
	at.aspath.seg = seg;
	at.aspath.nseg = 2;
	at.aspath.asns = asns;
	at.aspath.nasn = 4;
	at.origin_kind = ORIGIN_AS_SET;
	ipaddr_parse("10.0.0.1", &at.next_hop);
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_ANNOUNCE;
	r.afi = AFI_IPV4;
	r.safi = SAFI_UNICAST;
	prefix_parse("192.0.2.0/24", &r.prefix, NULL);
	route_log_route(rl, &ctx, &at, &r);

	seg[1].type = AS_SEQUENCE;
	at.origin_kind = ORIGIN_AS_SEQ;
	at.origin_as = 64501;
	at.inferred = BGP_INFER_AS4 | BGP_INFER_NOADDPATH;
	r.has_path_id = true;
	r.path_id = 7;
	route_log_route(rl, &ctx, &at, &r);

	r.event = BGP_ROUTE_WITHDRAW;
	r.treat_as_withdraw = true;
	r.has_path_id = false;
	at.inferred = 0;
	ctx.peer_as = 0;
	prefix_parse("2001:db8::/32", &r.prefix, NULL);
	r.afi = AFI_IPV6;
	route_log_route(rl, &ctx, &at, &r);
	assert_int_equal(route_log_close(rl), 0);

	got = slurp(path);
	assert_string_equal(got,
"{\"event\":\"announce\",\"ts\":\"2024-05-01T12:00:00.001234Z\",\"pkt_num\":42,"
"\"src_addr\":\"10.0.0.1\",\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"
"\"peer_as\":65001,\"afi\":1,\"safi\":1,\"prefix\":\"192.0.2.0/24\",\"origin_as\":null,"
"\"origin_kind\":\"set\",\"as_path\":[65001,4200000000,[64500,64501]],\"next_hop\":\"10.0.0.1\","
"\"peer_role\":null,\"role_source\":null,\"otc\":null,\"router_rpki_state\":null,\"aspa\":null,\"leak\":null}\n"
"{\"event\":\"announce\",\"ts\":\"2024-05-01T12:00:00.001234Z\",\"pkt_num\":42,"
"\"src_addr\":\"10.0.0.1\",\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"
"\"peer_as\":65001,\"afi\":1,\"safi\":1,\"prefix\":\"192.0.2.0/24\",\"path_id\":7,\"origin_as\":64501,"
"\"origin_kind\":\"seq\",\"as_path\":[65001,4200000000,64500,64501],\"next_hop\":\"10.0.0.1\","
"\"peer_role\":null,\"role_source\":null,\"otc\":null,\"router_rpki_state\":null,\"aspa\":null,\"leak\":null,"
"\"inferred\":[\"as4\",\"no-addpath\"]}\n"
"{\"event\":\"withdraw\",\"ts\":\"2024-05-01T12:00:00.001234Z\",\"pkt_num\":42,"
"\"src_addr\":\"10.0.0.1\",\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"
"\"peer_as\":null,\"afi\":2,\"safi\":1,\"prefix\":\"2001:db8::/32\",\"treat_as_withdraw\":true}\n");
	free(got);
	unlink(path);
}

/*
 * A BMP view's routes say it after peer_as; the wire's never do, also
 * right after a view's line with the same endpoints (the cached session
 * text is keyed by the view too).
 */
static void
test_view(void **state)
{
	char path[] = "/tmp/rovmon-test-routelog-XXXXXX";
	static const uint8_t views[] = { BGP_VIEW_WIRE, BGP_VIEW_ADJ_IN_POST,
	    BGP_VIEW_LOC_RIB, BGP_VIEW_WIRE };
	struct bgp_attrs at;
	struct bgp_msg_ctx ctx;
	struct packet pkt;
	struct bgp_route r;
	struct route_log *rl;
	char *got;
	size_t i;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_non_null(rl = route_log_open(path));
	fill_ctx(&ctx, &pkt);
	memset(&at, 0, sizeof(at));
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_WITHDRAW;
	r.afi = AFI_IPV4;
	r.safi = SAFI_UNICAST;
	prefix_parse("192.0.2.0/24", &r.prefix, NULL);
	for (i = 0; i < sizeof(views); i++) {
		ctx.view = views[i];
		route_log_route(rl, &ctx, &at, &r);
	}
	assert_int_equal(route_log_close(rl), 0);
	got = slurp(path);
#define VLINE(v) "{\"event\":\"withdraw\",\"ts\":\"2024-05-01T12:00:00.001234Z\"," \
	"\"pkt_num\":42,\"src_addr\":\"10.0.0.1\",\"src_port\":179," \
	"\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,\"peer_as\":65001" v \
	",\"afi\":1,\"safi\":1,\"prefix\":\"192.0.2.0/24\"}\n"
	assert_string_equal(got, VLINE("") VLINE(",\"view\":\"adj-rib-in-post\"")
	    VLINE(",\"view\":\"loc-rib\"") VLINE(""));
#undef VLINE
	free(got);
	unlink(path);
}

static void
test_append_never_truncates(void **state)
{
	char path[] = "/tmp/rovmon-test-routelog-XXXXXX";
	struct route_log *rl;
	char *got;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, "old line\n", 9), 9);
	close(fd);
	assert_non_null(rl = route_log_open(path));
	assert_int_equal(route_log_close(rl), 0);
	got = slurp(path);
	assert_string_equal(got, "old line\n");
	free(got);
	unlink(path);
}

/* Lines in s, and the sum of their pkt_num values. */
static size_t
count_lines(const char *s, uint64_t *pkt_sum)
{
	const char *p;
	size_t n = 0;

	for (p = s; (p = strstr(p, "\"pkt_num\":")) != NULL; p++) {
		*pkt_sum += strtoull(p + 10, NULL, 10);
		n++;
	}
	return n;
}

static void
write_withdrawals(struct route_log *rl, uint64_t from, uint64_t to)
{
	struct bgp_msg_ctx ctx;
	struct packet pkt;
	struct bgp_route r;

	fill_ctx(&ctx, &pkt);
	memset(&r, 0, sizeof(r));
	r.event = BGP_ROUTE_WITHDRAW;
	r.afi = AFI_IPV4;
	r.safi = SAFI_UNICAST;
	prefix_parse("192.0.2.0/24", &r.prefix, NULL);
	for (; from <= to; from++) {
		pkt.num = from;
		route_log_route(rl, &ctx, NULL, &r);
	}
}

/*
 * logrotate's way: rename, then SIGHUP.  Lines buffered before the reopen
 * end in the old file, later ones in the new; none lost or doubled.  A
 * reopen that fails keeps the old file, warns once, and a later one works.
 */
static void
test_reopen_after_rename(void **state)
{
	char dir[] = "/tmp/rovmon-test-rotate-XXXXXX";
	char path[64], old[64], *got;
	uint64_t sum = 0;
	struct route_log *rl;
	FILE *err;
	int saved;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/routes.jsonl", dir);
	snprintf(old, sizeof(old), "%s/routes.jsonl.1", dir);
	stats_reset();
	assert_non_null(rl = route_log_open(path));
	write_withdrawals(rl, 1, 100);		/* still in the stdio buffer */
	assert_int_equal(rename(path, old), 0);
	write_withdrawals(rl, 101, 150);	/* before SIGHUP: old file */
	assert_int_equal(route_log_reopen(rl), 0);
	assert_int_equal(stats.route_reopens, 1);
	write_withdrawals(rl, 151, 200);

	/* Rotated again, and the path is then a directory: reopening
	 * fails, twice, with one warning. */
	snprintf(old, sizeof(old), "%s/routes.jsonl.2", dir);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_non_null(err = tmpfile());
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(dup2(fileno(err), STDERR_FILENO) != -1);
	assert_int_equal(route_log_reopen(rl), -1);
	write_withdrawals(rl, 201, 210);	/* goes on in .2 */
	assert_int_equal(route_log_reopen(rl), -1);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(route_log_reopen(rl), 0);	/* "reopened" */
	write_withdrawals(rl, 211, 220);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) != -1);
	close(saved);
	got = slurp_fp(err);
	fclose(err);
	assert_non_null(strstr(got, "cannot reopen the route log"));
	assert_null(strstr(strstr(got, "cannot reopen") + 1, "cannot reopen"));
	assert_non_null(strstr(got, "route log reopened"));
	free(got);
	assert_int_equal(stats.route_reopens, 2);
	assert_int_equal(route_log_close(rl), 0);

	snprintf(old, sizeof(old), "%s/routes.jsonl.1", dir);
	got = slurp(old);
	assert_int_equal(count_lines(got, &sum), 150);
	assert_int_equal(sum, 150 * 151 / 2);
	free(got);
	snprintf(old, sizeof(old), "%s/routes.jsonl.2", dir);
	got = slurp(old);
	sum = 0;
	assert_int_equal(count_lines(got, &sum), 60);
	assert_int_equal(sum, 210 * 211 / 2 - 150 * 151 / 2);
	free(got);
	got = slurp(path);
	sum = 0;
	assert_int_equal(count_lines(got, &sum), 10);
	assert_int_equal(sum, 220 * 221 / 2 - 210 * 211 / 2);
	free(got);
	unlink(path);
	unlink(old);
	snprintf(old, sizeof(old), "%s/routes.jsonl.1", dir);
	unlink(old);
	rmdir(dir);

	/* stdout has nothing to reopen. */
	assert_non_null(rl = route_log_open("-"));
	assert_int_equal(route_log_reopen(rl), 0);
	assert_int_equal(route_log_close(rl), 0);
	assert_int_equal(route_log_reopen(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_announce_and_withdraw),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_append_never_truncates),
		cmocka_unit_test(test_reopen_after_rename),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
