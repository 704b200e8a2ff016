/*
 * rib.c - Adj-RIB-In per session and direction: route updates in, route
 * changes out.  This file holds the sessions, their directions, the route
 * events and the API; the route tables are in rib_table.c, the shared
 * prefixes in rib_prefix.c, the interned path tuples in rib_tuple.c, the
 * memory they come from in rib_alloc.c, and what these files share in
 * include/state/rib_internal.h.
 *
 * Layout.  Sessions live in an open-addressing table keyed by session_id.
 * Each session has two directions (the first sender seen is dir[0]);
 * each direction owns one route table:
 *
 *   r[]     a dense array of struct rib_route (16 bytes: a prefix id, a
 *           tuple id, the ADD-PATH id, the verdict and flag bits), kept
 *           dense by moving the last route into a removed one's place, so
 *           that revalidation and session-down are plain array walks;
 *   ix      an open-addressing index of uint32 slots (struct rib_index,
 *           rib_index.c), linear probing, deletion by backward shift (no
 *           tombstones, so no degradation under churn), at most 3/4 full.
 *
 * What the sessions share is held once for all of them: each prefix in
 * the shared prefix table (rib_prefix.c, one per family, refcounted, a
 * 32-bit id), each AS path + next hop + origin + OTC as an interned tuple
 * (below).  A route names both by id, so a route server's 50 peers that
 * announce the same table pay for its prefixes and paths once, and each
 * peer's route costs its 16 bytes and its index slot.
 *
 * A route's key is its prefix id and path id: the index never reads a
 * prefix.  The key's 64-bit hash h gives a tag, its low 32 - bits bits,
 * which the slot keeps in its high bits above the route index + 1 (0 =
 * empty):
 *
 *	slot = tag << bits | (index + 1)	(index + 1 < 2^bits)
 *
 * and the home slot is the id's place in a 16-slot line that the hash of
 * the id's block of 16 picks (rib_tab_home(): ids follow the order
 * prefixes first arrived, so a table announced in that order fills one
 * line per 16 routes).  A probe compares tags and reads a route only on
 * a tag match (a false match once in 2^(32 - bits) probes), so an insert
 * touches one line of slot[] and the end of r[], not the routes it
 * probes past.  Routes do not cache their hash: growing the index walks
 * r[] in order and hashes each key again (a few ns), and backward-shift
 * deletion hashes the few routes it moves.
 *
 * Memory.  Large arrays (2 MiB and up) are anonymous mappings advised
 * into 2 MiB pages (a full table's lookups jump around tens of MiB; with
 * 4 KiB pages nearly every one would also miss the TLB, twice as costly
 * under a hypervisor).  r[] and the prefix arrays grow by 1/8 in whole
 * 2 MiB steps once mapped (mremap: no copy), so a full table carries at
 * most 1/8 spare (or the 2 MiB step); the indexes (route, prefix and
 * tuple) grow by 3/2 then 4/3, so they are 1/2 to 3/4 full.  The AS path, next hop and origin
 * of a route are interned together as one refcounted struct rib_tuple
 * (hash-consed): real tables share a few hundred thousand of them among
 * a million routes.  Tuples are carved from slabs in size classes (free
 * lists per class; the slabs go back when the last tuple does) and named
 * by a 32-bit id, which is what a route keeps; the table that finds them
 * is open addressing over (hash, id) slots, with a direct-mapped cache of
 * recent lookups in front (see TCACHE_SIZE in rib_internal.h).  Nothing
 * is allocated per route or per path: a new path costs a slab slot, a
 * new route or prefix a slot of the arrays.  rib_memory() counts the
 * arrays, slabs and tables.
 *
 * Cost per route (rib_memory(); docs/performance.md has the runs).  The
 * route-server capture (50 peers x the full table, 55.7 M routes): 16
 * bytes of route, + 4/load of index (5.6: each table's 577k or 537k
 * routes in 786,432 slots), + up to 1/8 spare, + the prefixes and tuples
 * held once for all 100 tables (~0.5 + 0.3): 25.2 bytes (27.2 with
 * doubling indexes and 12/24-byte prefix entries, 41.7 with the 32-byte
 * route that held its own prefix).  One full table (1.1 M routes, 199k
 * distinct paths, two directions): 16 + 5.6 of route and index, + 8 or
 * 20 bytes of prefix entry and 4/load of its index (19.4 on average:
 * nobody shares them), + about 63 bytes of slab per path and 8/load of
 * its slot, shared by 5.6 routes, + the spare of the arrays: 61.6 bytes
 * (70.1 before the index and entry sizes above, 56.9 before the shared
 * prefixes).  Issue 14 added nothing: a route's ASPA state and reason and
 * its RFC 9234 leak live in its bits, the sender's role is per
 * direction, and the OTC is interned with the path, in the tuple's tail
 * only when the route has one.
 *
 * Re-verification.  ASPA depends on the path (the tuple), the neighbour's
 * AS and the sender's role (the direction's, as rovmon_loop.c judged the
 * announcement): rib_revalidate() verifies each stored route again with a
 * new ASPA index, as rov_check() does with a new ROV index, and reports
 * the routes whose verdict changed, saying which verdicts did
 * (ev->unchanged).
 *
 * Pointers into r[] (struct rib_route * handles) move when a route is
 * removed or the array grows: they are valid until the next call that
 * changes the RIB.  An event's ev->aspath points into a scratch path in
 * struct rib that refers to the route's tuple; the tuple of a withdrawn
 * route is kept until the next such call, so it stays readable meanwhile.
 */
#include <stdlib.h>
#include <string.h>

#include "state/rib.h"
#include "state/rib_internal.h"
#include "base/stats.h"

/* Drop the withdrawn route's tuple kept for the last event. */
void
rib_settle(struct rib *rib)
{
	rib_tuple_put(rib, rib->deferred);
	rib->deferred = NULL;
}

/* ---- sessions ------------------------------------------------------ */

static uint32_t
sess_pos(const struct rib *rib, uint64_t id, bool *found)
{
	size_t i;

	*found = false;
	for (i = hash_fmix64(id) & rib->smask; rib->sess[i] != NULL;
	    i = (i + 1) & rib->smask)
		if (rib->sess[i]->id == id) {
			*found = true;
			break;
		}
	return (uint32_t)i;
}

static int
sess_grow(struct rib *rib)
{
	struct rib_sess **ns;
	size_t i, j, nmask = rib->smask * 2 + 1;

	if ((ns = rib_alloc(rib, (nmask + 1) * sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i <= rib->smask; i++) {
		if (rib->sess[i] == NULL)
			continue;
		for (j = hash_fmix64(rib->sess[i]->id) & nmask; ns[j] != NULL;
		    j = (j + 1) & nmask)
			;
		ns[j] = rib->sess[i];
	}
	rib_dealloc(rib, rib->sess, (rib->smask + 1) * sizeof(*ns));
	rib->sess = ns;
	rib->smask = nmask;
	return 0;
}

struct rib_sess *
rib_sess_find(const struct rib *rib, uint64_t id)
{
	bool found;
	uint32_t i;

	i = sess_pos(rib, id, &found);
	return found ? rib->sess[i] : NULL;
}

/* Put s (its id set, not in the table) into the table. */
int
rib_sess_link(struct rib *rib, struct rib_sess *s)
{
	bool found;
	uint32_t i;

	if ((rib->nsess + 1) * 4 > (rib->smask + 1) * 3 &&
	    sess_grow(rib) == -1)
		return -1;
	i = sess_pos(rib, s->id, &found);
	if (found)
		return -1;
	rib->sess[i] = s;
	rib->nsess++;
	return 0;
}

static struct rib_sess *
sess_create(struct rib *rib, uint64_t id)
{
	struct rib_sess *s;

	if ((s = rib_sess_find(rib, id)) != NULL)
		return s;
	if ((s = rib_alloc(rib, sizeof(*s))) == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->id = id;
	if (rib_sess_link(rib, s) == -1) {
		rib_dealloc(rib, s, sizeof(*s));
		return NULL;
	}
	return s;
}

/* Take s out of the table (backward-shift deletion, as in
 * rib_tab_remove()); s itself stays. */
void
rib_sess_unlink(struct rib *rib, struct rib_sess *s)
{
	bool found;
	size_t i, j, home, m = rib->smask;

	i = sess_pos(rib, s->id, &found);
	if (!found)
		return;
	for (j = (i + 1) & m; rib->sess[j] != NULL; j = (j + 1) & m) {
		home = hash_fmix64(rib->sess[j]->id) & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			rib->sess[i] = rib->sess[j];
			i = j;
		}
	}
	rib->sess[i] = NULL;
	rib->nsess--;
}

void
rib_sess_remove(struct rib *rib, struct rib_sess *s)
{
	rib_sess_unlink(rib, s);
	if (s->held)
		rib->nheld--;
	rib->nstale -= (size_t)s->dir[0].nstale + s->dir[1].nstale;
	rib_tab_clear(rib, &s->dir[0].t);
	rib_tab_clear(rib, &s->dir[1].t);
	rib_dealloc(rib, s, sizeof(*s));
}

static bool
dir_is(const struct rib_dir *d, const struct bgp_msg_ctx *ctx)
{
	return d->used && d->sport == ctx->src_port &&
	    ipaddr_eq(&d->src, &ctx->src_addr);
}

/* The direction ctx's sender uses; a new one is set up when create. */
static struct rib_dir *
dir_find(struct rib_sess *s, const struct bgp_msg_ctx *ctx, bool create)
{
	struct rib_dir *d;

	if (dir_is(&s->dir[0], ctx))
		return &s->dir[0];
	if (dir_is(&s->dir[1], ctx))
		return &s->dir[1];
	if (!create)
		return NULL;
	d = !s->dir[0].used ? &s->dir[0] : &s->dir[1];
	/* A third sender on one TCP session cannot happen; if ids are ever
	 * reused, the newest sender takes over dir[1]. */
	d->used = true;
	d->src = ctx->src_addr;
	d->dst = ctx->dst_addr;
	d->sport = ctx->src_port;
	d->dport = ctx->dst_port;
	d->view = ctx->view;
	return d;
}

/* ---- events -------------------------------------------------------- */

static void
ev_dir(struct route_event *ev, uint64_t id, const struct rib_dir *d)
{
	ev->session_id = id;
	ev->src_addr = d->src;
	ev->dst_addr = d->dst;
	ev->src_port = d->sport;
	ev->dst_port = d->dport;
	ev->peer_as = d->peer_as;
	ev->view = d->view;
	ev->sender_role = d->role;
	ev->role_source = d->role_source;
}

/* The procedure follows from the sender's role (aspa.h). */
static enum aspa_procedure
aspa_proc(unsigned role)
{
	return role == BGP_ROLE_PROVIDER ? ASPA_DOWNSTREAM : ASPA_UPSTREAM;
}

/* A route's stored ASPA verdict (the deciding hop is not kept). */
static void
ev_aspa(struct route_event *ev, const struct rib_route *rt, unsigned role)
{
	ev->has_aspa = rt->aspa != RIB_ASPA_NONE;
	memset(&ev->aspa, 0, sizeof(ev->aspa));
	if (!ev->has_aspa)
		return;
	ev->aspa.state = (enum aspa_state)(rt->aspa - 1);
	ev->aspa.reason = rt->aspa_reason;
	ev->aspa.procedure = aspa_proc(role);
}

/* The previous verdicts of a stored route, before they change. */
static void
ev_prev(const struct rib *rib, struct route_event *ev,
    const struct rib_route *rt)
{
	ev->has_prev = true;
	ev->prev_state = rt->state;
	ev->prev_origin_as = rib_tuple_at(rib, rt->tuple)->origin_as;
	ev->has_prev_aspa = rt->aspa != RIB_ASPA_NONE;
	ev->prev_aspa_state = ev->has_prev_aspa ?
	    (enum aspa_state)(rt->aspa - 1) : ASPA_UNKNOWN;
	ev->prev_leak = rt->leak;
}

/* The route's fields; ev->aspath is the rib's scratch path, which refers
 * to the route's tuple. */
static void
ev_route(struct rib *rib, struct route_event *ev, const struct rib_route *rt)
{
	struct rib_tuple *a = rib_tuple_at(rib, rt->tuple);

	rib_pfx_prefix(rib, rt->pfx, &ev->prefix);
	ev->has_path_id = rt->has_path_id;
	ev->path_id = rt->path_id;
	ev->origin_kind = a->kind;
	ev->origin_as = a->origin_as;
	rib_tuple_path(a, &rib->evpath, &rib->evseg);
	ev->aspath = &rib->evpath;
	memset(&ev->next_hop, 0, sizeof(ev->next_hop));
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
}

void
rib_ev_resolved(struct rib *rib, struct route_event *ev, uint64_t id,
    const struct rib_dir *d, const struct rib_route *rt,
    enum route_resolve_why why, const struct timeval *ts)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = RTEV_RESOLVED;
	ev->resolve_why = why;
	if (ts != NULL)
		ev->ts = *ts;
	ev_dir(ev, id, d);
	ev_route(rib, ev, rt);
	ev_aspa(ev, rt, d->role);
	ev_prev(rib, ev, rt);
}

static void
ev_ctx(struct route_event *ev, const struct bgp_msg_ctx *ctx,
    const struct bgp_route *r)
{
	memset(ev, 0, sizeof(*ev));
	ev->session_id = ctx->session_id;
	ev->src_addr = ctx->src_addr;
	ev->dst_addr = ctx->dst_addr;
	ev->src_port = ctx->src_port;
	ev->dst_port = ctx->dst_port;
	ev->peer_as = ctx->peer_as;
	ev->view = ctx->view;
	ev->sender_role = ctx->sender_role;
	ev->role_source = ctx->role_source;
	if (ctx->pkt != NULL)
		ev->ts = ctx->pkt->ts;
	ev->pkt = ctx->pkt;
	ev->msg = ctx->msg;
	ev->msg_len = ctx->msg_len;
	ev->msg_seq = ctx->msg_seq;
	ev->prefix = r->prefix;
	ev->has_path_id = r->has_path_id;
	ev->path_id = r->has_path_id ? r->path_id : 0;
}

/* ---- the API ------------------------------------------------------- */

struct rib *
rib_new(void)
{
	struct rib *rib;

	if ((rib = calloc(1, sizeof(*rib))) == NULL)
		return NULL;
	rib->mem = sizeof(*rib);
	rib->smask = RIB_SESS_INIT - 1;
	rib->tnslot = RIB_TUPLE_INIT;
	rib->sess = rib_alloc(rib, RIB_SESS_INIT * sizeof(*rib->sess));
	rib->ttab = rib_alloc(rib, RIB_TUPLE_INIT * sizeof(*rib->ttab));
	if (rib->sess == NULL || rib->ttab == NULL) {
		rib_free(rib);
		return NULL;
	}
	return rib;
}

void
rib_free(struct rib *rib)
{
	size_t i;

	if (rib == NULL)
		return;
	/* Everything goes: the arrays and slabs whole, no tuple one by one. */
	for (i = 0; rib->sess != NULL && i <= rib->smask; i++)
		if (rib->sess[i] != NULL) {
			rib_tab_drop(rib, &rib->sess[i]->dir[0].t);
			rib_tab_drop(rib, &rib->sess[i]->dir[1].t);
			free(rib->sess[i]);
		}
	rib_slabs_release(rib);
	rib_pfx_release(rib);
	free(rib->sess);
	if (rib->ttab != NULL)
		rib_big_free(rib, rib->ttab, rib->tnslot *
		    sizeof(*rib->ttab));
	free(rib);
}

/*
 * Store the verdicts of an announcement in rt; returns those it has news
 * of (RTEV_VERDICT_* bits): all for a new route (old NULL), else ROV when
 * the origin (tuple a against the route's old one), the router's RFC 8097
 * stamp (kept in the tuple) or the state changed,
 * ASPA when its verdict did, the leak when it did.
 */
static uint8_t
route_set(struct rib *rib, struct rib_dir *d, struct rib_route *rt,
    const struct rib_tuple *old, const struct rib_tuple *a,
    const struct route_verdict *v)
{
	const struct rov_result *res = v != NULL ? v->rpki : NULL;
	unsigned state, reason, aspa, leak;
	uint8_t news = 0;

	state = res != NULL ? res->state : ROV_NOT_FOUND;
	reason = res != NULL ? res->reason : ROV_REASON_NONE;
	aspa = v != NULL && v->has_aspa ? v->aspa.state + 1u : RIB_ASPA_NONE;
	leak = v != NULL ? v->leak : BGP_LEAK_NONE;
	if (old == NULL)
		news = RTEV_VERDICT_ALL;
	else {
		/* the router's RFC 8097 stamp is news of the ROV verdict:
		 * router_rpki: rules compare the two */
		if (old->kind != a->kind || old->origin_as != a->origin_as ||
		    old->router_rpki != a->router_rpki || rt->state != state)
			news |= RTEV_VERDICT_RPKI;
		if (rt->aspa != aspa)
			news |= RTEV_VERDICT_ASPA;
		if (rt->leak != leak)
			news |= RTEV_VERDICT_LEAK;
	}
	if (old != NULL)
		rib_tally(rib, d, rt, -1);
	rt->state = state;
	rt->reason = reason;
	rt->has_rpki = res != NULL;
	rt->aspa = aspa;
	rt->aspa_reason = aspa != RIB_ASPA_NONE ? v->aspa.reason : 0;
	rt->leak = leak;
	rib_tally(rib, d, rt, 1);
	return news;
}

uint32_t
rib_prefetch(const struct rib *rib, const struct bgp_attrs *at,
    const struct prefix *p)
{
	struct rib_tuple_key tk;

	rib_pfx_prefetch(rib, p, rib_pfx_hash(p));
	rib_tuple_key_make(&tk, at);
	/* rib_tuple_get() looks in its cache first, then the table */
	if (rib->tcache != NULL)
		__builtin_prefetch(&rib->tcache[tk.hash & (TCACHE_SIZE - 1)]);
	__builtin_prefetch(&rib->ttab[rib_tuple_home(rib, tk.hash)]);
	return tk.hash;
}

void
rib_prefetch_tuple(const struct rib *rib, uint32_t hash)
{
	const struct rib_tslot *sl = NULL;

	if (rib->tcache != NULL)
		sl = &rib->tcache[hash & (TCACHE_SIZE - 1)];
	if (sl == NULL || sl->id == 0 || sl->hash != hash)
		sl = &rib->ttab[rib_tuple_home(rib, hash)];
	if (sl->id != 0 && sl->hash == hash)
		__builtin_prefetch(rib_tuple_at(rib, sl->id));
}

enum rib_change
rib_announce(struct rib *rib, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v, struct route_event *ev,
    struct rib_route **rtp)
{
	struct rib_sess *s;
	struct rib_dir *d;
	struct rib_route *rt;
	struct rib_tuple *a, *old;
	struct rib_key k;
	struct rib_tuple_key tk;
	enum rib_change ch;
	uint64_t ph;
	uint32_t pos, pid;
	uint8_t news;

	rib_settle(rib);
	if (rtp != NULL)
		*rtp = NULL;
	if (rib->nheld > 0)
		rib_hold_try_resume(rib, ctx);
	s = sess_create(rib, ctx->session_id);
	/*
	 * The prefix's slot, the path's slot and then the route's slot are
	 * independent cache misses on a big table: ask for the first two,
	 * then fill the event while they come.
	 */
	d = s != NULL ? dir_find(s, ctx, true) : NULL;
	ph = rib_pfx_hash(&r->prefix);
	rib_pfx_prefetch(rib, &r->prefix, ph);
	rib_tuple_key_make(&tk, at);
	__builtin_prefetch(&rib->ttab[rib_tuple_home(rib, tk.hash)]);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_ANNOUNCE;
	if (d == NULL)
		goto nomem;
	if ((pid = rib_pfx_get(rib, &r->prefix, ph)) == 0)
		goto nomem;
	rib_key_make(&k, pid, r);
	if (d->t.ix.slot != NULL)
		__builtin_prefetch(&d->t.ix.slot[rib_tab_home(&d->t, k.ghash,
		    k.pfx)]);
	if (ctx->peer_as != 0)
		d->peer_as = ctx->peer_as;
	else	/* picked up mid-stream: the AS stored before, if any
		 * (a session resumed after rovmon's restart) */
		ev->peer_as = d->peer_as;
	if (ctx->local_as != 0)
		d->local_as = ctx->local_as;
	d->role = (uint8_t)ctx->sender_role;
	d->role_source = (uint8_t)ctx->role_source;
	if ((a = rib_tuple_get(rib, &tk)) == NULL) {
		rib_pfx_put(rib, pid);
		goto nomem;
	}
	if ((rt = rib_tab_find(&d->t, &k, &pos)) != NULL) {
		/* stored: the route holds its prefix already */
		rib_pfx_put(rib, pid);
		if (rt->stale) {
			/* re-announced after a flap: current again; what
			 * follows compares it with its state before */
			rt->stale = 0;
			d->nstale--;
			rib->nstale--;
		}
		old = rib_tuple_at(rib, rt->tuple);
		ev_prev(rib, ev, rt);
		news = route_set(rib, d, rt, old, a, v);
		if (news != 0)
			ch = RIB_CHANGED;
		else
			ch = old != a ? RIB_PATH_CHANGED : RIB_SAME;
		rib_tuple_put(rib, old);
	} else {
		if ((rt = rib_tab_insert(rib, &d->t, &k, pos)) == NULL) {
			rib_tuple_put(rib, a);
			rib_pfx_put(rib, pid);
			goto nomem;
		}
		rib->nroutes++;
		news = route_set(rib, d, rt, NULL, a, v);
		ch = RIB_NEW;
	}
	rt->tuple = a->id;
	ev_route(rib, ev, rt);
	ev->unchanged = RTEV_VERDICT_ALL & ~news;
	if (v != NULL && v->rpki != NULL)
		ev->rpki = *v->rpki;
	if (v != NULL && v->has_aspa) {
		ev->has_aspa = true;
		ev->aspa = v->aspa;	/* with the deciding hop */
	}
	ev->vrp_generation = v != NULL ? v->generation : 0;
	if (rtp != NULL)
		*rtp = rt;
	switch (ch) {
	case RIB_NEW:
		STAT_INC(rib_new);
		break;
	case RIB_CHANGED:
		STAT_INC(rib_changed);
		break;
	case RIB_PATH_CHANGED:
		STAT_INC(rib_path_changed);
		break;
	default:
		STAT_INC(rib_same);
		break;
	}
	return ch;
nomem:
	STAT_INC(rib_nomem);
	return RIB_ERROR;
}

bool
rib_withdraw(struct rib *rib, const struct bgp_msg_ctx *ctx,
    const struct bgp_route *r, struct route_event *ev, bool *alerted)
{
	struct rib_sess *s;
	struct rib_dir *d = NULL;
	struct rib_route *rt = NULL;
	struct rib_key k;
	uint32_t pos, pid;

	rib_settle(rib);
	ev_ctx(ev, ctx, r);
	ev->kind = RTEV_WITHDRAW;
	if (alerted != NULL)
		*alerted = false;
	if (rib->nheld > 0)
		rib_hold_try_resume(rib, ctx);
	if ((s = rib_sess_find(rib, ctx->session_id)) != NULL &&
	    (d = dir_find(s, ctx, false)) != NULL &&
	    (pid = rib_pfx_find(rib, &r->prefix,
	    rib_pfx_hash(&r->prefix))) != 0) {
		rib_key_make(&k, pid, r);
		rt = rib_tab_find(&d->t, &k, &pos);
	}
	if (rt == NULL) {
		STAT_INC(rib_withdraw_absent);
		return false;
	}
	ev_route(rib, ev, rt);
	ev_aspa(ev, rt, d->role);
	ev->sender_role = d->role;
	ev->role_source = d->role_source;
	if (ev->peer_as == 0)	/* mid-stream: the AS stored before */
		ev->peer_as = d->peer_as;
	ev->prev_state = rt->state;
	ev->prev_origin_as = rib_tuple_at(rib, rt->tuple)->origin_as;
	if (alerted != NULL)
		*alerted = rt->alerted;
	/* ev->aspath points into the tuple: keep it until the next call */
	rib->deferred = rib_tuple_at(rib, rt->tuple);
	rib_pfx_put(rib, rt->pfx);
	if (rt->stale) {
		d->nstale--;
		rib->nstale--;
	}
	rib_tally(rib, d, rt, -1);
	rib->nroutes--;
	rib_tab_remove(&d->t, (uint32_t)(rt - d->t.r));
	STAT_INC(rib_withdrawn);
	return true;
}

void
rib_set_alerted(struct rib *rib, struct rib_route *rt, bool on)
{
	(void)rib;
	if (rt != NULL)
		rt->alerted = on;
}

bool
rib_alerted(const struct rib_route *rt)
{
	return rt != NULL && rt->alerted;
}

size_t
rib_session_down(struct rib *rib, uint64_t session_id,
    const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	struct route_event ev;
	struct rib_sess *s;
	struct rib_dir *d;
	size_t n = 0;
	uint32_t i;
	int k;

	rib_settle(rib);
	if ((s = rib_sess_find(rib, session_id)) == NULL)
		return 0;
	for (k = 0; k < 2 && cb != NULL; k++) {
		d = &s->dir[k];
		for (i = 0; i < d->t.n; i++) {
			rib_ev_resolved(rib, &ev, session_id, d, &d->t.r[i],
			    RESOLVE_SESSION_DOWN, ts);
			cb(arg, &ev, &d->t.r[i], d->t.r[i].alerted);
		}
	}
	n = (size_t)s->dir[0].t.n + s->dir[1].t.n;
	STAT_ADD(rib_session_down, n);
	rib_sess_remove(rib, s);
	return n;
}

/* The ASPA verdict of a stored route of d (RIB_ASPA_*), into *res. */
static unsigned
route_aspa(struct rib *rib, const struct rib_dir *d, struct rib_route *rt,
    const struct aspa_index *aidx, struct aspa_result *res)
{
	if (aidx == NULL || d->peer_as == 0 || d->role == BGP_ROLE_UNKNOWN)
		return RIB_ASPA_NONE;
	rib_tuple_path(rib_tuple_at(rib, rt->tuple), &rib->evpath,
	    &rib->evseg);
	if (!aspa_verify(aidx, &rib->evpath, d->peer_as, d->role, res))
		return RIB_ASPA_NONE;
	return res->state + 1u;
}

/*
 * Judge one stored route again with its new ROV verdict (res->state and
 * res->reason only); returns the verdicts it has news of (RTEV_VERDICT_*
 * bits): ROV when the state changed or is a first verdict, ASPA
 * likewise.
 */
static uint8_t
reval_route(struct rib *rib, struct rib_dir *d, struct rib_route *rt,
    const struct rov_result *res, const struct aspa_index *aidx,
    struct aspa_result *ares)
{
	unsigned aspa;
	uint8_t news = 0;

	/*
	 * A route stored with no VRPs counts as NOT_FOUND but was never
	 * judged: its first verdict is news even when it is NOT_FOUND,
	 * or a sensor that got its VRPs after the routes would never
	 * alert the routes no ROA covers.  The same holds for ASPA.
	 */
	if (res->state != rt->state || !rt->has_rpki)
		news |= RTEV_VERDICT_RPKI;
	rib_tally(rib, d, rt, -1);
	rt->has_rpki = 1;
	rt->state = res->state;
	rt->reason = res->reason;
	aspa = route_aspa(rib, d, rt, aidx, ares);
	if (aspa != RIB_ASPA_NONE && aspa != rt->aspa)
		news |= RTEV_VERDICT_ASPA;
	rt->aspa = aspa;
	rt->aspa_reason = aspa != RIB_ASPA_NONE ? ares->reason : 0;
	rib_tally(rib, d, rt, 1);
	return news;
}

/* Revalidate one direction's routes; returns the number changed. */
static size_t
reval_dir(struct rib *rib, const struct rib_reval_memo *mm, uint64_t id,
    struct rib_dir *d, const struct rov_index *idx,
    const struct aspa_index *aidx, uint64_t gen, const struct timeval *ts,
    rib_event_cb *cb, void *arg)
{
	struct route_event ev;
	struct rov_result res;
	struct aspa_result ares;
	struct rib_route *rt;
	struct rib_route prev;
	size_t n = 0;
	uint32_t i, k;
	uint8_t news, v[RIB_REVAL_CHUNK];

	for (i = 0; i < d->t.n; i++) {
		rt = &d->t.r[i];
		/* the verdicts of a chunk ahead, in a batch (rib_reval.c):
		 * the callback only marks routes, so they stay the routes' */
		k = i % RIB_REVAL_CHUNK;
		if (k == 0 && idx != NULL)
			rib_reval_verdicts(rib, mm, &d->t, i, d->t.n - i <
			    RIB_REVAL_CHUNK ? d->t.n : i + RIB_REVAL_CHUNK,
			    idx, v);
		if (idx == NULL) {
			rib_tally(rib, d, rt, -1);
			rt->has_rpki = 0;
			rt->state = ROV_NOT_FOUND;
			rt->reason = ROV_REASON_NONE;
			rt->aspa = RIB_ASPA_NONE;
			rt->aspa_reason = 0;
			rib_tally(rib, d, rt, 1);
			continue;
		}
		prev = *rt;
		res.state = v[k] & 3;
		res.reason = v[k] >> 2;
		if ((news = reval_route(rib, d, rt, &res, aidx, &ares)) == 0)
			continue;
		n++;
		if (cb == NULL)
			continue;
		rib_route_rov(rib, rt, idx, &res);	/* the deciding VRPs */
		memset(&ev, 0, sizeof(ev));
		ev.kind = RTEV_REVALIDATE;
		if (ts != NULL)
			ev.ts = *ts;
		ev_dir(&ev, id, d);
		ev_prev(rib, &ev, &prev);
		ev_route(rib, &ev, rt);
		ev.unchanged = RTEV_VERDICT_ALL & ~news;
		ev.rpki = res;
		ev.vrp_generation = gen;
		if (rt->aspa != RIB_ASPA_NONE) {
			ev.has_aspa = true;
			ev.aspa = ares;	/* with the deciding hop */
		}
		cb(arg, &ev, rt, rt->alerted);
	}
	return n;
}

size_t
rib_revalidate(struct rib *rib, const struct rov_index *idx,
    const struct aspa_index *aidx, uint64_t gen, const struct timeval *ts,
    rib_event_cb *cb, void *arg)
{
	struct rib_reval_memo mm;
	struct rib_sess *s;
	size_t i, n = 0;

	rib_settle(rib);
	(void)rib_reval_memo_init(rib, &mm);	/* none: only slower */
	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		n += reval_dir(rib, &mm, s->id, &s->dir[0], idx, aidx, gen, ts,
		    cb, arg);
		n += reval_dir(rib, &mm, s->id, &s->dir[1], idx, aidx, gen, ts,
		    cb, arg);
	}
	rib_reval_memo_free(&mm);
	STAT_ADD(rib_revalidated, n);
	return n;
}

size_t
rib_count(const struct rib *rib)
{
	return rib->nroutes;
}

size_t
rib_count_by_state(const struct rib *rib, enum rov_state st)
{
	if ((unsigned)st > ROV_INVALID)
		return 0;
	return rib->nstate[st];
}

size_t
rib_sessions(const struct rib *rib)
{
	return rib->nsess;
}

size_t
rib_paths(const struct rib *rib)
{
	return rib->ntuple;
}

size_t
rib_memory(const struct rib *rib)
{
	return rib->mem;
}


/* A session by id, made when absent (rib_load.c).  NULL: no memory. */
struct rib_sess *
rib_sess_make(struct rib *rib, uint64_t id)
{
	return sess_create(rib, id);
}
