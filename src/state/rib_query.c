/*
 * rib_query.c - filtered, resumable walks of the stored routes
 * (rib_query.h), for the control socket's `show routes' and the counts
 * of `show summary' and `show sessions' (docs/control.md).
 *
 * A walk keeps the ids of the sessions stored when it started and, in
 * the table it is in, a struct rib_walk_pos (rib_internal.h) registered
 * with the table: routes in front of the position were visited, those
 * behind it not.  The RIB may change between two calls of
 * rib_query_step(): rib_table.c keeps the split true on removals
 * (rib_tab_remove()) and unregisters the walk when the table goes away
 * (a session down: rib_tab_drop()), and routes are only ever appended,
 * behind every position.  So a route stored for the whole walk is
 * handed out exactly once; the promises are in rib_query.h.
 *
 * Cost: a step visits at most its budget of routes, a filter test each
 * (a few ns: fields of the 32-byte route and its tuple), plus one
 * lookup of the next session (a scan of the session table) per session.
 */
#include <stdlib.h>
#include <string.h>

#include "state/rib.h"
#include "state/rib_internal.h"
#include "state/rib_query.h"

struct rib_query {
	struct rib		*rib;
	struct rib_query_filter	 f;
	uint64_t		*ids;		/* sessions at the start */
	size_t			 nids;
	size_t			 si;		/* the session walked now */
	int			 dir;		/* and its direction */
	bool			 in;		/* pos is in (si, dir)'s table */
	struct rib_walk_pos	 pos;
	uint64_t		 visited;
	struct bgp_aspath	 path;		/* ev.aspath of the callback */
	struct bgp_as_segment	 seg;
};

struct rib_query *
rib_query_new(struct rib *rib, const struct rib_query_filter *f)
{
	struct rib_query *q;
	size_t i;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->rib = rib;
	q->f = *f;
	if (rib->nsess > 0 &&
	    (q->ids = calloc(rib->nsess, sizeof(*q->ids))) == NULL) {
		free(q);
		return NULL;
	}
	for (i = 0; i <= rib->smask && q->nids < rib->nsess; i++)
		if (rib->sess[i] != NULL)
			q->ids[q->nids++] = rib->sess[i]->id;
	return q;
}

void
rib_query_free(struct rib_query *q)
{
	if (q == NULL)
		return;
	rib_tab_walk_leave(&q->pos);
	free(q->ids);
	free(q);
}

uint64_t
rib_query_visited(const struct rib_query *q)
{
	return q->visited;
}

/* A session by id, or NULL when it went down meanwhile. */
static struct rib_sess *
find_sess(const struct rib *rib, uint64_t id)
{
	size_t i;

	for (i = 0; i <= rib->smask; i++)
		if (rib->sess[i] != NULL && rib->sess[i]->id == id)
			return rib->sess[i];
	return NULL;
}

bool
rib_query_match(const struct rib_query_filter *f, const struct route_event *ev)
{
	if (f->has_state && ev->rpki.state != f->state)
		return false;
	if (f->has_origin && (ev->origin_as != f->origin ||
	    (ev->origin_kind != ORIGIN_AS_SEQ &&
	    ev->origin_kind != ORIGIN_AS_PEER)))
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
	struct rib_tuple *a = rt->tuple;

	memset(ev, 0, sizeof(*ev));
	ev->kind = RTEV_ANNOUNCE;
	ev->session_id = id;
	ev->src_addr = d->src;
	ev->dst_addr = d->dst;
	ev->src_port = d->sport;
	ev->dst_port = d->dport;
	ev->peer_as = d->peer_as;
	ev->sender_role = d->role;
	ev->role_source = d->role_source;
	ev->prefix.family = rt->family;
	ev->prefix.len = rt->len;
	memcpy(ev->prefix.a, rt->a, 16);
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
quick_reject(const struct rib_query_filter *f, const struct rib_route *rt)
{
	if (f->has_state && rt->state != f->state)
		return true;
	if (f->has_origin && rt->tuple->origin_as != f->origin)
		return true;
	if (f->has_prefix && (rt->family != f->prefix.family ||
	    (f->longer ? rt->len < f->prefix.len : rt->len != f->prefix.len)))
		return true;
	return false;
}

/* Move to the next table to walk; false when none is left. */
static bool
next_table(struct rib_query *q)
{
	struct rib_sess *s;

	while (q->si < q->nids) {
		if (!q->in && (s = find_sess(q->rib, q->ids[q->si])) != NULL &&
		    s->dir[q->dir].used && s->dir[q->dir].t.n > 0) {
			if (!rib_tab_walk_enter(&s->dir[q->dir].t, &q->pos))
				return false;	/* crowded: try later */
			q->in = true;
			return true;
		}
		if (q->in && q->pos.t != NULL)
			return true;
		/* this table is done, or went away */
		rib_tab_walk_leave(&q->pos);
		q->in = false;
		if (++q->dir == 2) {
			q->dir = 0;
			q->si++;
		}
	}
	return false;
}

enum rib_query_status
rib_query_step(struct rib_query *q, size_t budget, rib_query_cb *cb, void *arg)
{
	struct route_event ev;
	struct rib_table *t;
	struct rib_route *rt;
	struct rib_sess *s;

	while (budget > 0) {
		if (!next_table(q))
			return q->si < q->nids ? RIB_QUERY_MORE : RIB_QUERY_DONE;
		t = q->pos.t;
		s = find_sess(q->rib, q->ids[q->si]);
		while (budget > 0 && q->pos.j < t->n) {
			rt = &t->r[q->pos.j];
			budget--;
			if (!quick_reject(&q->f, rt)) {
				fill_event(q, q->ids[q->si], &s->dir[q->dir],
				    rt, &ev);
				if (rib_query_match(&q->f, &ev) &&
				    !cb(arg, &ev, rt->alerted))
					return RIB_QUERY_PAUSED;
			}
			q->pos.j++;
			q->visited++;
		}
		if (q->pos.j >= t->n) {		/* this table is walked */
			rib_tab_walk_leave(&q->pos);
			q->in = false;
			if (++q->dir == 2) {
				q->dir = 0;
				q->si++;
			}
		}
	}
	return q->si < q->nids ? RIB_QUERY_MORE : RIB_QUERY_DONE;
}
