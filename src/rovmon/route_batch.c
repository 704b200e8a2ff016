/*
 * route_batch.c - routes kept past their bgp_sink callback
 * (route_batch.h).
 *
 * The decoder's promise is that a route's attributes, context and bytes
 * hold only during the callback (bgp_update.h): the AS path lives in the
 * direction's scratch, the communities and ctx->msg in the message (the
 * frame, or the framer's buffer when the message spans frames), ctx->pkt
 * may be a frame the reassembly rebuilt on its stack.  So everything an
 * entry points to is copied into the batch's arena; once per UPDATE,
 * keyed by ctx->msg_seq, since all routes of one UPDATE share it (the
 * decoder fills the path and reads the communities before it emits the
 * first route, and changes neither until the last).  What is copied per
 * route, the structs themselves, is what the decoder may change between
 * the routes of one UPDATE (MP_REACH's next hop replaces NEXT_HOP).
 */
#include <stdlib.h>
#include <string.h>

#include "rovmon/route_batch.h"

static size_t
r8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct route_batch *
route_batch_new(void)
{
	struct route_batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->arena = malloc(ROUTE_BATCH_ARENA)) == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void
route_batch_free(struct route_batch *b)
{
	if (b == NULL)
		return;
	free(b->arena);
	free(b);
}

void
route_batch_clear(struct route_batch *b)
{
	b->n = 0;
	b->nrov = 0;
	b->used = 0;
	b->seq = 0;
}

/* n bytes of arena, already known to fit; NULL for n == 0. */
static void *
carve(struct route_batch *b, const void *src, size_t n)
{
	void *p;

	if (n == 0)
		return NULL;
	p = b->arena + b->used;
	memcpy(p, src, n);
	b->used += r8(n);
	return p;
}

/* The bytes an UPDATE's shared data takes in the arena. */
static size_t
update_bytes(const struct bgp_msg_ctx *ctx, const struct bgp_attrs *at)
{
	size_t n = r8(sizeof(struct packet));

	if (ctx->msg != NULL)
		n += r8(ctx->msg_len);
	if (at != NULL) {
		n += r8(at->aspath.nseg * sizeof(*at->aspath.seg));
		n += r8(at->aspath.nasn * sizeof(*at->aspath.asns));
		n += r8(at->ncommunities * 4);
		n += r8(at->nlarge_communities * 12);
	}
	return n;
}

/* Copy what the routes of this UPDATE point to; false if it does not fit. */
static bool
copy_update(struct route_batch *b, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at)
{
	struct packet pkt;

	if (update_bytes(ctx, at) > ROUTE_BATCH_ARENA - b->used)
		return false;
	b->pkt = NULL;
	if (ctx->pkt != NULL) {
		pkt = *ctx->pkt;
		pkt.data = NULL;	/* the frame's bytes are not kept */
		pkt.caplen = 0;
		b->pkt = carve(b, &pkt, sizeof(pkt));
	}
	b->msg = ctx->msg != NULL ? carve(b, ctx->msg, ctx->msg_len) : NULL;
	b->seg = NULL;
	b->asns = NULL;
	b->comm = b->lcomm = NULL;
	if (at != NULL) {
		b->seg = carve(b, at->aspath.seg,
		    at->aspath.nseg * sizeof(*at->aspath.seg));
		b->asns = carve(b, at->aspath.asns,
		    at->aspath.nasn * sizeof(*at->aspath.asns));
		b->comm = carve(b, at->communities, at->ncommunities * 4);
		b->lcomm = carve(b, at->large_communities,
		    at->nlarge_communities * 12);
	}
	b->seq = ctx->msg_seq;
	return true;
}

bool
route_batch_add(struct route_batch *b, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r)
{
	struct route_batch_entry *e;

	if (b->n == ROUTE_BATCH_MAX)
		return false;
	/* msg_seq 0: a context from no session, never shared */
	if ((b->n == 0 || ctx->msg_seq == 0 || ctx->msg_seq != b->seq) &&
	    !copy_update(b, ctx, at))
		return false;
	e = &b->ent[b->n++];
	e->ctx = *ctx;
	e->ctx.pkt = b->pkt;
	e->ctx.msg = b->msg;
	e->has_at = at != NULL;
	if (at != NULL) {
		e->at = *at;
		e->at.aspath.seg = b->seg;
		e->at.aspath.asns = b->asns;
		e->at.communities = b->comm;
		e->at.large_communities = b->lcomm;
	}
	e->r = *r;
	e->rov = -1;
	if (at != NULL && r->event == BGP_ROUTE_ANNOUNCE) {
		e->rov = (int)b->nrov;
		b->rov_at[b->nrov] = &e->at;
		b->rov_pfx[b->nrov] = &e->r.prefix;
		b->nrov++;
	}
	return true;
}
