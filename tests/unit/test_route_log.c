/* test_route_log.c - exact JSON lines for announce and withdraw events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "route_log.h"

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
"\"origin_kind\":\"set\",\"as_path\":[65001,4200000000,[64500,64501]],\"next_hop\":\"10.0.0.1\"}\n"
"{\"event\":\"announce\",\"ts\":\"2024-05-01T12:00:00.001234Z\",\"pkt_num\":42,"
"\"src_addr\":\"10.0.0.1\",\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"
"\"peer_as\":65001,\"afi\":1,\"safi\":1,\"prefix\":\"192.0.2.0/24\",\"path_id\":7,\"origin_as\":64501,"
"\"origin_kind\":\"seq\",\"as_path\":[65001,4200000000,64500,64501],\"next_hop\":\"10.0.0.1\","
"\"inferred\":[\"as4\",\"no-addpath\"]}\n"
"{\"event\":\"withdraw\",\"ts\":\"2024-05-01T12:00:00.001234Z\",\"pkt_num\":42,"
"\"src_addr\":\"10.0.0.1\",\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"
"\"peer_as\":null,\"afi\":2,\"safi\":1,\"prefix\":\"2001:db8::/32\",\"treat_as_withdraw\":true}\n");
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_announce_and_withdraw),
		cmocka_unit_test(test_append_never_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
