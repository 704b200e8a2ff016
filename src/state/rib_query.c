/*
 * rib_query.c - filtered, resumable walks of the stored routes
 * (rib_query.h), for the control socket's `show routes' and the counts
 * of `show summary' and `show sessions' (docs/control.md).
 *
 * A walk enters every table (each session direction's routes) when it
 * starts, at position 0, with a struct rib_walk_pos registered with the
 * table (rib_internal.h): routes in front of the position were visited,
 * those behind it not.  The RIB may change between two calls of
 * rib_query_step(): rib_table.c keeps the split true on removals
 * (rib_tab_remove()) and tells the walk when a table goes away (a session
 * removed: rib_tab_drop()), and routes are only ever appended, behind
 * every position.  A table is found again from the position itself, so
 * the session table may grow and a flapped session may be adopted under a
 * new id (rib_hold.c) meanwhile.  So a route stored for the whole walk is
 * handed out exactly once; the promises are in rib_query.h.
 *
 * Cost: a step visits at most its budget of routes, a filter test each
 * (a few ns: fields of the 16-byte route and its tuple); a walk holds 32
 * bytes per table, and each removal in a table with walks moves at most
 * one route per walk there (RIB_WALKS_MAX).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "state/rib.h"
#include "state/rib_internal.h"
#include "state/rib_query.h"

/* A walk's place in one table, and which direction of its session the
 * table is (so that the session is found from the table itself). */
struct qpos {
	struct rib_walk_pos	 w;
	int			 dir;
};

struct rib_query {
	struct rib		*rib;
	struct rib_query_filter	 f;
	struct qpos		*pos;		/* one per table at the start */
	size_t			 npos;
	size_t			 k;		/* the table walked now */
	uint64_t		 visited;
	struct bgp_aspath	 path;		/* ev.aspath of the callback */
	struct bgp_as_segment	 seg;
};

struct rib_query *
rib_query_new(struct rib *rib, const struct rib_query_filter *f)
{
	struct rib_query *q;
	struct rib_sess *s;
	size_t i;
	int d;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->rib = rib;
	q->f = *f;
	if (rib->nsess > 0 &&
	    (q->pos = calloc(rib->nsess * 2, sizeof(*q->pos))) == NULL) {
		free(q);
		return NULL;
	}
	/*
	 * Every table is entered now, at position 0: from here on its
	 * removals keep the walk's split, whatever happens to the session
	 * table (growth, a flapped session adopted under a new id).
	 */
	for (i = 0; i <= rib->smask && q->npos < rib->nsess * 2; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		for (d = 0; d < 2; d++)
			if (rib_tab_walk_enter(&s->dir[d].t,
			    &q->pos[q->npos].w)) {
				q->pos[q->npos++].dir = d;
			} else {	/* RIB_WALKS_MAX walks there already */
				rib_query_free(q);
				return NULL;
			}
	}
	return q;
}

void
rib_query_free(struct rib_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->npos; i++)
		rib_tab_walk_leave(&q->pos[i].w);
	free(q->pos);
	free(q);
}

uint64_t
rib_query_visited(const struct rib_query *q)
{
	return q->visited;
}

bool
rib_query_match(const struct rib_query_filter *f, const struct route_event *ev)
{
	if (f->has_state && ev->rpki.state != f->state)
		return false;
	if (f->has_origin && (ev->origin_as != f->origin ||
	    !bgp_origin_known(ev->origin_kind)))
		return false;
	if (f->has_peer && !ipaddr_eq(&f->peer, &ev->src_addr))
		return false;
	if (f->has_prefix && !(f->longer ? prefix_covers(&f->prefix,
	    &ev->prefix) : prefix_eq(&f->prefix, &ev->prefix)))
		return false;
	return true;
}

/* The route event of stored route rt (the fields rib.c's events carry). */
static void
fill_event(struct rib_query *q, uint64_t id, const struct rib_dir *d,
    const struct rib_route *rt, struct route_event *ev)
{
	struct rib_tuple *a = rib_tuple_at(q->rib, rt->tuple);

	memset(ev, 0, sizeof(*ev));
	ev->kind = RTEV_ANNOUNCE;
	ev->session_id = id;
	ev->src_addr = d->src;
	ev->dst_addr = d->dst;
	ev->src_port = d->sport;
	ev->dst_port = d->dport;
	ev->peer_as = d->peer_as;
	ev->view = d->view;
	ev->sender_role = d->role;
	ev->role_source = d->role_source;
	rib_pfx_prefix(q->rib, rt->pfx, &ev->prefix);
	ev->has_path_id = rt->has_path_id;
	ev->path_id = rt->path_id;
	ev->origin_kind = a->kind;
	ev->origin_as = a->origin_as;
	rib_tuple_path(a, &q->path, &q->seg);
	ev->aspath = &q->path;
	ev->next_hop.family = a->nhfam;
	if (a->nhfam != 0)
		memcpy(ev->next_hop.a, rib_tuple_nh(a), rib_nh_len(a->nhfam));
	ev->has_rpki = rt->has_rpki;
	ev->rpki.state = rt->state;
	ev->rpki.reason = rt->reason;
	ev->has_otc = a->has_otc;
	ev->otc = a->has_otc ? rib_tuple_otc(a) : 0;
	ev->router_rpki = a->router_rpki;
	ev->leak = rt->leak;
	ev->has_aspa = rt->aspa != RIB_ASPA_NONE;
	if (ev->has_aspa) {
		ev->aspa.state = (enum aspa_state)(rt->aspa - 1);
		ev->aspa.reason = rt->aspa_reason;
		ev->aspa.procedure = d->role == BGP_ROLE_PROVIDER ?
		    ASPA_DOWNSTREAM : ASPA_UPSTREAM;
	}
}

/*
 * Cheap tests on the stored route before an event is built: the state,
 * the origin, the prefix's family and length.
 */
static bool
quick_reject(const struct rib *rib, const struct rib_query_filter *f,
    const struct rib_route *rt)
{
	if (f->has_state && rt->state != f->state)
		return true;
	if (f->has_origin && rib_tuple_at(rib, rt->tuple)->origin_as !=
	    f->origin)
		return true;
	if (f->has_prefix && (rib_route_family(rt) != f->prefix.family ||
	    (f->longer ? rt->len < f->prefix.len : rt->len != f->prefix.len)))
		return true;
	return false;
}

/* The direction and session a walked table belongs to (struct rib_dir's
 * t, in struct rib_sess's dir[]), found from the table itself: a session
 * adopted under a new id (rib_hold.c) keeps its tables. */
static struct rib_dir *
dir_of(const struct qpos *p, struct rib_sess **sp)
{
	struct rib_dir *d = (struct rib_dir *)(void *)((char *)p->w.t -
	    offsetof(struct rib_dir, t));

	*sp = (struct rib_sess *)(void *)((char *)(d - p->dir) -
	    offsetof(struct rib_sess, dir));
	return d;
}

enum rib_query_status
rib_query_step(struct rib_query *q, size_t budget, rib_query_cb *cb, void *arg)
{
	struct route_event ev;
	struct rib_walk_pos *w;
	struct qpos *p;
	struct rib_route *rt;
	struct rib_sess *s;
	struct rib_dir *d;

	while (budget > 0 && q->k < q->npos) {
		p = &q->pos[q->k];
		w = &p->w;
		if (w->t == NULL || w->j >= w->t->n) {
			/* walked, or gone with its session */
			rib_tab_walk_leave(w);
			q->k++;
			continue;
		}
		d = dir_of(p, &s);
		while (budget > 0 && w->j < w->t->n) {
			rt = &w->t->r[w->j];
			budget--;
			if (!quick_reject(q->rib, &q->f, rt)) {
				fill_event(q, s->id, d, rt, &ev);
				if (rib_query_match(&q->f, &ev) &&
				    !cb(arg, &ev, rt->alerted))
					return RIB_QUERY_PAUSED;
			}
			w->j++;
			q->visited++;
		}
	}
	return q->k < q->npos ? RIB_QUERY_MORE : RIB_QUERY_DONE;
}
