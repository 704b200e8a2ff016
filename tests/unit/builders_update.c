/*
 * builders_update.c - the UPDATE decoder under a recording sink, for the
 * tests of src/bgp/bgp_update.c (builders.h); its own object so that only
 * they link the decoder through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/stats.h"
#include "builders.h"

struct rec recs[UPDATE_MAXREC];
int nrec;

static void
rec_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *a,
    const struct bgp_route *r)
{
	struct rec *x;
	uint32_t i;

	(void)arg;
	(void)ctx;
	assert_true(nrec < UPDATE_MAXREC);
	x = &recs[nrec++];
	memset(x, 0, sizeof(*x));
	x->ev = r->event;
	prefix_fmt(&r->prefix, x->pfx, sizeof(x->pfx));
	x->afi = r->afi;
	x->safi = r->safi;
	x->has_path_id = r->has_path_id;
	x->path_id = r->path_id;
	x->taw = r->treat_as_withdraw;
	x->kind = a->origin_kind;
	x->origin_as = a->origin_as;
	ipaddr_fmt(&a->next_hop, x->nh, sizeof(x->nh));
	ipaddr_fmt(&a->next_hop_ll, x->nh_ll, sizeof(x->nh_ll));
	x->ncomm = a->ncommunities;
	x->nlarge = a->nlarge_communities;
	x->nasn = a->aspath.nasn;
	x->nseg = a->aspath.nseg;
	for (i = 0; i < a->aspath.nasn && i < 16; i++)
		x->asns[i] = a->aspath.asns[i];
	for (i = 0; i < a->aspath.nseg && i < 8; i++)
		x->segtype[i] = a->aspath.seg[i].type;
	x->origin = a->origin;
	x->med = a->med;
	x->aggregator_as = a->aggregator_as;
	x->atomic = a->atomic_aggregate;
	x->has_otc = a->has_otc;
	x->router_rpki = a->router_rpki;
	x->otc = a->otc;
}

static const struct bgp_sink sink = { rec_route, NULL, NULL, NULL };
static struct bgp_update_scratch *sc;

int
update_setup(void **state)
{
	(void)state;
	sc = bgp_update_scratch_new();
	nrec = 0;
	stats_reset();
	return sc == NULL ? -1 : 0;
}

int
update_teardown(void **state)
{
	(void)state;
	bgp_update_scratch_free(sc);
	sc = NULL;
	return 0;
}

/* From an exactly sized heap copy, so that ASan sees any over-read. */
enum bgp_update_result
update_decode(const struct buf *u, const struct bgp_decode_opts *o,
    const char **why)
{
	uint8_t *copy = malloc(u->n > 0 ? u->n : 1);
	enum bgp_update_result r;

	assert_non_null(copy);
	memcpy(copy, u->b, u->n);
	nrec = 0;
	r = bgp_update_decode(copy, u->n, o, sc, NULL, &sink, why);
	free(copy);
	return r;
}

