/*
 * test_route_batch.c - routes kept past their bgp_sink callback
 * (rovmon/route_batch.c): every entry reads what the callback saw after
 * the decoder's buffers are overwritten (message, AS path, communities,
 * frame); the routes of one UPDATE share one copy of its data while each
 * keeps its own attributes (MP_REACH's next hop differs from NEXT_HOP's);
 * another UPDATE gets its own copy even when the decoder reused its
 * buffers; withdrawals get no lookup; a full batch, a full arena and an
 * UPDATE larger than any batch refuse the route and keep nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bgp/bgp.h"
#include "rovmon/route_batch.h"

/* What the decoder would hand over, in buffers it reuses. */
struct upd {
	uint8_t		msg[64];
	struct bgp_as_segment seg[2];
	uint32_t	asns[4];
	uint8_t		comm[8];
	uint8_t		lcomm[12];
	struct packet	pkt;
	struct bgp_msg_ctx ctx;
	struct bgp_attrs at;
};

static void
upd_fill(struct upd *u, uint64_t seq, uint32_t origin)
{
	static const uint8_t frame[4] = { 1, 2, 3, 4 };

	memset(u, 0, sizeof(*u));
	memset(u->msg, (int)(seq & 0xff), sizeof(u->msg));
	u->seg[0] = (struct bgp_as_segment){ AS_SEQUENCE, 3, 0 };
	u->seg[1] = (struct bgp_as_segment){ AS_SET, 1, 3 };
	u->asns[0] = 64500;
	u->asns[1] = 64501;
	u->asns[2] = origin;
	u->asns[3] = 64999;
	memset(u->comm, 0xc0, sizeof(u->comm));
	memset(u->lcomm, 0x1c, sizeof(u->lcomm));
	u->pkt.num = 1000 + seq;
	u->pkt.ts.tv_sec = 1700000000;
	u->pkt.data = frame;
	u->pkt.caplen = sizeof(frame);
	u->pkt.wirelen = 1514;
	u->ctx.peer_as = 64500;
	u->ctx.session_id = 7;
	u->ctx.pkt = &u->pkt;
	u->ctx.msg = u->msg;
	u->ctx.msg_len = sizeof(u->msg);
	u->ctx.msg_seq = seq;
	u->at.aspath = (struct bgp_aspath){ u->seg, 2, u->asns, 4 };
	u->at.origin_kind = ORIGIN_AS_SEQ;
	u->at.origin_as = origin;
	u->at.next_hop.family = ADDR_V4;
	u->at.next_hop.a[0] = 192;
	u->at.communities = u->comm;
	u->at.ncommunities = 2;
	u->at.large_communities = u->lcomm;
	u->at.nlarge_communities = 1;
}

static void
route_fill(struct bgp_route *r, enum bgp_route_event ev, uint8_t x)
{
	memset(r, 0, sizeof(*r));
	r->event = ev;
	r->afi = AFI_IPV4;
	r->safi = SAFI_UNICAST;
	r->prefix.family = ADDR_V4;
	r->prefix.a[0] = 10;
	r->prefix.a[1] = x;
	r->prefix.len = 16;
}

/* e holds what upd_fill(seq, origin) and route_fill(x) made. */
static void
check_entry(const struct route_batch_entry *e, uint64_t seq, uint32_t origin,
    uint8_t x)
{
	struct upd want;
	struct bgp_route r;

	upd_fill(&want, seq, origin);
	route_fill(&r, e->r.event, x);
	assert_memory_equal(&e->r, &r, sizeof(r));
	assert_true(e->has_at);
	assert_int_equal(e->ctx.msg_seq, seq);
	assert_int_equal(e->ctx.msg_len, sizeof(want.msg));
	assert_memory_equal(e->ctx.msg, want.msg, sizeof(want.msg));
	assert_non_null(e->ctx.pkt);
	assert_int_equal(e->ctx.pkt->num, want.pkt.num);
	assert_int_equal(e->ctx.pkt->wirelen, want.pkt.wirelen);
	assert_null(e->ctx.pkt->data);	/* the frame's bytes are not kept */
	assert_int_equal(e->at.origin_as, origin);
	assert_int_equal(e->at.aspath.nseg, 2);
	assert_memory_equal(e->at.aspath.seg, want.seg, sizeof(want.seg));
	assert_int_equal(e->at.aspath.nasn, 4);
	assert_memory_equal(e->at.aspath.asns, want.asns, sizeof(want.asns));
	assert_memory_equal(e->at.communities, want.comm, sizeof(want.comm));
	assert_memory_equal(e->at.large_communities, want.lcomm,
	    sizeof(want.lcomm));
}

static void
test_copies_outlive_the_callback(void **state)
{
	struct route_batch *b;
	struct upd u;
	struct bgp_route r;

	(void)state;
	assert_non_null(b = route_batch_new());
	/* UPDATE 1: a withdrawal, an IPv4 route, an MP_REACH route whose
	 * next hop the decoder swaps in between */
	upd_fill(&u, 1, 65001);
	route_fill(&r, BGP_ROUTE_WITHDRAW, 1);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 2);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	u.at.next_hop.a[0] = 172;
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 3);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	/* UPDATE 2 in the same buffers, as the decoder reuses them */
	upd_fill(&u, 2, 65002);
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 4);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	memset(&u, 0xee, sizeof(u));	/* the callback is over */

	assert_int_equal(b->n, 4);
	check_entry(&b->ent[0], 1, 65001, 1);
	check_entry(&b->ent[1], 1, 65001, 2);
	check_entry(&b->ent[2], 1, 65001, 3);
	check_entry(&b->ent[3], 2, 65002, 4);
	/* per route: the attributes as they were at its callback */
	assert_int_equal(b->ent[1].at.next_hop.a[0], 192);
	assert_int_equal(b->ent[2].at.next_hop.a[0], 172);
	/* per UPDATE: one copy of what the routes point to */
	assert_ptr_equal(b->ent[1].ctx.msg, b->ent[2].ctx.msg);
	assert_ptr_equal(b->ent[1].at.aspath.asns, b->ent[2].at.aspath.asns);
	assert_ptr_not_equal(b->ent[2].ctx.msg, b->ent[3].ctx.msg);
	/* the lookups: announcements only, in order */
	assert_int_equal(b->ent[0].rov, -1);
	assert_int_equal(b->nrov, 3);
	assert_int_equal(b->ent[1].rov, 0);
	assert_int_equal(b->ent[3].rov, 2);
	assert_ptr_equal(b->rov_pfx[2], &b->ent[3].r.prefix);
	assert_ptr_equal(b->rov_at[1], &b->ent[2].at);
	assert_int_equal(b->rov_at[2]->origin_as, 65002);

	route_batch_clear(b);
	assert_int_equal(b->n, 0);
	assert_int_equal(b->nrov, 0);
	route_batch_free(b);
	route_batch_free(NULL);
}

/* A context from no session (msg_seq 0) is never taken for the last. */
static void
test_seq_zero_not_shared(void **state)
{
	struct route_batch *b;
	struct upd u;
	struct bgp_route r;

	(void)state;
	assert_non_null(b = route_batch_new());
	upd_fill(&u, 0, 65001);
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 1);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	u.asns[2] = 65009;
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 2);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	assert_int_equal(b->ent[0].at.aspath.asns[2], 65001);
	assert_int_equal(b->ent[1].at.aspath.asns[2], 65009);
	route_batch_free(b);
}

static void
test_full(void **state)
{
	struct route_batch *b;
	struct upd u;
	struct bgp_route r;
	size_t i;

	(void)state;
	assert_non_null(b = route_batch_new());
	for (i = 0; i < ROUTE_BATCH_MAX; i++) {
		upd_fill(&u, i + 1, 65001);
		route_fill(&r, BGP_ROUTE_ANNOUNCE, (uint8_t)i);
		assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	}
	upd_fill(&u, 1000, 65001);
	assert_false(route_batch_add(b, &u.ctx, &u.at, &r));
	assert_int_equal(b->n, ROUTE_BATCH_MAX);
	route_batch_clear(b);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));
	check_entry(&b->ent[0], 1000, 65001, (uint8_t)(ROUTE_BATCH_MAX - 1));
	route_batch_free(b);
}

/* Extended messages (RFC 8654): 65,535 bytes of UPDATE, and a path of
 * 10,000 ASNs: the arena holds two; one with an impossible path is
 * larger than any batch. */
static void
test_arena(void **state)
{
	struct route_batch *b;
	struct upd u;
	struct bgp_route r;
	uint8_t *big = calloc(1, 65535);
	uint32_t *asns = calloc(300000, sizeof(*asns));
	uint64_t seq = 1;
	size_t kept;

	(void)state;
	assert_non_null(big);
	assert_non_null(asns);
	assert_non_null(b = route_batch_new());
	route_fill(&r, BGP_ROUTE_ANNOUNCE, 1);
	for (;;) {
		upd_fill(&u, seq++, 65001);
		u.ctx.msg = big;
		u.ctx.msg_len = 65535;
		u.at.aspath.asns = asns;
		u.at.aspath.nasn = 10000;
		if (!route_batch_add(b, &u.ctx, &u.at, &r))
			break;
		assert_true(b->used <= ROUTE_BATCH_ARENA);
	}
	kept = b->n;
	/* frame, message, segments, ASNs, communities, each 8-aligned */
	assert_int_equal(kept, ROUTE_BATCH_ARENA / (48 + 65536 + 16 + 40000 +
	    8 + 16));
	assert_int_equal(kept, 2);
	/* the refused route left nothing behind */
	assert_int_equal(b->nrov, kept);
	route_batch_clear(b);
	assert_true(route_batch_add(b, &u.ctx, &u.at, &r));

	route_batch_clear(b);
	u.at.aspath.nasn = 300000;
	assert_false(route_batch_add(b, &u.ctx, &u.at, &r));
	assert_int_equal(b->n, 0);
	route_batch_free(b);
	free(big);
	free(asns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copies_outlive_the_callback),
		cmocka_unit_test(test_seq_zero_not_shared),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
