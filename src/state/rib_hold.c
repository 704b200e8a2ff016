/*
 * rib_hold.c - a session flap handled like BGP graceful restart (RFC
 * 4724): held sessions, stale routes, End-of-RIB sweeps (rib.h, "Held
 * sessions").
 *
 * Why.  A full-table session that resets would otherwise resolve every
 * alerted route at the reset and alert every one again when it comes
 * back: hundreds of thousands of lines for one flap.  A router doing
 * graceful restart keeps the peer's routes as stale across the restart
 * and drops only those the peer does not announce again before its
 * End-of-RIB; so does rovmon, whether or not the routers negotiated it,
 * since the monitor only wants to know what changed.
 *
 * States of a session (struct rib_sess, in the RIB's session table
 * under its id throughout):
 *
 *   up --rib_hold()--> held --rib_adopt(new id)--> up, routes stale
 *         (deadline:       |                        (deadline: the
 *          hold end)       |                         End-of-RIB wait)
 *                          +--rib_resume(new id)--> up, as it was
 *                          +--deadline--> removed, every route resolved
 *                                         (session-gone)
 *   up with stale routes --End-of-RIB (per direction and family)-->
 *         those stale routes resolved (stale); the deadline: all of them
 *
 * Invariants: rib->nheld counts sessions with s->held; d->nstale and
 * rib->nstale count routes with rt->stale; rib->hold_next is at most the
 * earliest deadline of any session (0: none), so that rib_hold_expire()
 * costs one comparison until something is due, and a full scan of the
 * session table (sessions, not routes) when it is.
 *
 * Memory.  Holding frees nothing for the hold time; a stream of sessions
 * that come and go (a flap every second) reuses the one held session of
 * its speakers each time (adoption moves it, nothing is copied), and
 * RIB_HOLD_MAX caps the sessions held at once: past it the caller
 * resolves at once, as without holding.
 */
#include <string.h>

#include "state/rib.h"
#include "state/rib_internal.h"
#include "base/stats.h"

/* The speakers of a stored session, from its directions. */
static void
sess_speakers(const struct rib_sess *s, struct rib_speakers *sp)
{
	const struct rib_dir *d = s->dir[0].used ? &s->dir[0] : &s->dir[1];
	const struct rib_dir *o = d == &s->dir[0] ? &s->dir[1] : NULL;

	memset(sp, 0, sizeof(*sp));
	sp->addr[0] = d->src;
	sp->addr[1] = d->dst;
	sp->port[0] = d->sport;
	sp->port[1] = d->dport;
	sp->as[0] = d->peer_as;
	sp->view = d->view;
	sp->as[1] = o != NULL && o->used && o->peer_as != 0 ? o->peer_as :
	    d->local_as;
	if (sp->as[0] == 0 && o != NULL && o->used)
		sp->as[0] = o->local_as;
}

static bool
as_agree(uint32_t a, uint32_t b)
{
	return a == 0 || b == 0 || a == b;
}

/*
 * Does held session h (its speakers) match sp, with h's endpoint 0 as
 * sp's endpoint i?  exact: the ports too.
 */
static bool
sp_match_as(const struct rib_speakers *h, const struct rib_speakers *sp,
    int i, bool exact)
{
	if (h->view != sp->view || !ipaddr_eq(&h->addr[0], &sp->addr[i]) ||
	    !ipaddr_eq(&h->addr[1], &sp->addr[1 - i]))
		return false;
	if (exact)
		return h->port[0] == sp->port[i] && h->port[1] == sp->port[1 - i];
	return as_agree(h->as[0], sp->as[i]) && as_agree(h->as[1], sp->as[1 - i]);
}

/* sp's endpoint that h's endpoint 0 is, or -1. */
static int
sp_match(const struct rib_speakers *h, const struct rib_speakers *sp,
    bool exact)
{
	if (sp_match_as(h, sp, 0, exact))
		return 0;
	if (sp_match_as(h, sp, 1, exact))
		return 1;
	return -1;
}

static void
hold_next_lower(struct rib *rib, int64_t deadline)
{
	if (deadline != 0 && (rib->hold_next == 0 || deadline < rib->hold_next))
		rib->hold_next = deadline;
}

static void
info_fill(struct rib_hold_info *info, const struct rib_sess *s)
{
	if (info == NULL)
		return;
	memset(info, 0, sizeof(*info));
	info->session_id = s->id;
	sess_speakers(s, &info->sp);
	info->routes = (size_t)s->dir[0].t.n + s->dir[1].t.n;
	info->stale = (size_t)s->dir[0].nstale + s->dir[1].nstale;
	info->since = s->since;
}

ssize_t
rib_hold(struct rib *rib, uint64_t session_id, int64_t now, int64_t until,
    struct rib_hold_info *info)
{
	struct rib_sess *s;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if ((s = rib_sess_find(rib, session_id)) == NULL || s->held)
		return 0;
	if (rib->nheld >= RIB_HOLD_MAX)
		return -1;
	s->held = true;
	rib->noresume = false;	/* it may be resumed */
	s->since = now;
	s->deadline = until > 0 ? until : 1;
	rib->nheld++;
	hold_next_lower(rib, s->deadline);
	info_fill(info, s);
	STAT_INC(rib_held);
	return (ssize_t)((size_t)s->dir[0].t.n + s->dir[1].t.n);
}

/* The held session that best matches sp: the latest held. */
static struct rib_sess *
held_find(const struct rib *rib, const struct rib_speakers *sp, bool exact,
    int *endp)
{
	struct rib_sess *s, *best = NULL;
	struct rib_speakers h;
	size_t i;
	int e;

	*endp = -1;
	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL || !s->held)
			continue;
		sess_speakers(s, &h);
		if ((e = sp_match(&h, sp, exact)) == -1)
			continue;
		if (best == NULL || s->since > best->since) {
			best = s;
			*endp = e;
		}
	}
	return best;
}

/*
 * Move held session s to new_id; its endpoint 0 is sp's endpoint e.  The
 * directions take sp's ports (a direction's src is endpoint 0 for the
 * first used direction, 1 for the other), and the AS numbers sp knows.
 */
static int
sess_move(struct rib *rib, struct rib_sess *s, uint64_t new_id,
    const struct rib_speakers *sp, int e)
{
	struct rib_dir *d;
	int k, i;

	rib_sess_unlink(rib, s);
	s->id = new_id;
	if (rib_sess_link(rib, s) == -1) {
		/* cannot happen (one out, one in: the table needs no room),
		 * but if it did, the session goes with its routes */
		rib_sess_remove(rib, s);
		return -1;
	}
	for (k = 0; k < 2; k++) {
		d = &s->dir[k];
		if (!d->used)
			continue;
		i = ipaddr_eq(&d->src, &sp->addr[e]) ? e : 1 - e;
		d->sport = sp->port[i];
		d->dport = sp->port[1 - i];
		if (sp->as[i] != 0)
			d->peer_as = sp->as[i];
		if (sp->as[1 - i] != 0)
			d->local_as = sp->as[1 - i];
	}
	s->held = false;
	rib->nheld--;
	return 0;
}

size_t
rib_adopt(struct rib *rib, uint64_t new_id, const struct rib_speakers *sp,
    int64_t eor_until, struct rib_hold_info *info)
{
	struct rib_sess *s;
	struct rib_hold_info hi;
	uint32_t i;
	int e, k;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (rib->nheld == 0 || rib_sess_find(rib, new_id) != NULL)
		return 0;
	if ((s = held_find(rib, sp, false, &e)) == NULL)
		return 0;
	info_fill(&hi, s);
	if (sess_move(rib, s, new_id, sp, e) == -1)
		return 0;
	/* every route stale until re-announced (RFC 4724 4.2) */
	for (k = 0; k < 2; k++)
		for (i = 0; i < s->dir[k].t.n; i++)
			if (!s->dir[k].t.r[i].stale) {
				s->dir[k].t.r[i].stale = 1;
				s->dir[k].nstale++;
				rib->nstale++;
			}
	s->since = 0;
	s->deadline = s->dir[0].nstale + s->dir[1].nstale > 0 ?
	    (eor_until > 0 ? eor_until : 1) : 0;
	hold_next_lower(rib, s->deadline);
	hi.new_id = new_id;
	hi.stale = (size_t)s->dir[0].nstale + s->dir[1].nstale;
	if (info != NULL)
		*info = hi;
	STAT_INC(rib_adopted);
	return hi.routes;
}

bool
rib_resume(struct rib *rib, uint64_t new_id, const struct rib_speakers *sp,
    struct rib_hold_info *info)
{
	struct rib_sess *s;
	struct rib_hold_info hi;
	int e;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (rib->nheld == 0 || rib_sess_find(rib, new_id) != NULL)
		return false;
	if ((s = held_find(rib, sp, true, &e)) == NULL)
		return false;
	info_fill(&hi, s);
	if (sess_move(rib, s, new_id, sp, e) == -1)
		return false;
	/* stale routes of an earlier adoption keep their End-of-RIB wait,
	 * which the hold's deadline stood in for: give it again */
	s->deadline = s->dir[0].nstale + s->dir[1].nstale > 0 ?
	    s->deadline : 0;
	s->since = 0;
	hi.new_id = new_id;
	if (info != NULL)
		*info = hi;
	STAT_INC(rib_resumed);
	return true;
}

void
rib_speakers_of(struct rib_speakers *sp, const struct bgp_msg_ctx *ctx)
{
	memset(sp, 0, sizeof(*sp));
	sp->addr[0] = ctx->src_addr;
	sp->addr[1] = ctx->dst_addr;
	sp->port[0] = ctx->src_port;
	sp->port[1] = ctx->dst_port;
	sp->as[0] = ctx->peer_as;
	sp->as[1] = ctx->local_as;
	sp->view = ctx->view;
}

void
rib_hold_try_resume(struct rib *rib, const struct bgp_msg_ctx *ctx)
{
	struct rib_speakers sp;

	if ((rib->noresume && rib->noresume_id == ctx->session_id) ||
	    rib_sess_find(rib, ctx->session_id) != NULL)
		return;
	rib_speakers_of(&sp, ctx);
	if (!rib_resume(rib, ctx->session_id, &sp, NULL)) {
		/* one scan per unknown session, not one per message */
		rib->noresume_id = ctx->session_id;
		rib->noresume = true;
	}
}

/* AFI/SAFI to the family of the stored routes; 0: none stored. */
static uint8_t
eor_family(uint16_t afi, uint8_t safi)
{
	if (safi != SAFI_UNICAST)
		return 0;
	return afi == AFI_IPV4 ? ADDR_V4 : afi == AFI_IPV6 ? ADDR_V6 : 0;
}

/*
 * Resolve direction d's stale routes (of family fam; 0 all): cb for
 * each, then remove it.  Returns how many.
 */
static size_t
sweep_dir(struct rib *rib, uint64_t id, struct rib_dir *d, uint8_t fam,
    const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	struct route_event ev;
	struct rib_route *rt;
	size_t n = 0;
	uint32_t i = 0;

	while (i < d->t.n && d->nstale > 0) {
		rt = &d->t.r[i];
		if (!rt->stale || (fam != 0 && rib_route_family(rt) != fam)) {
			i++;
			continue;
		}
		if (cb != NULL) {
			rib_ev_resolved(rib, &ev, id, d, rt, RESOLVE_STALE, ts);
			cb(arg, &ev, rt, rt->alerted);
		}
		d->nstale--;
		rib->nstale--;
		rib_tally(rib, d, rt, -1);
		rib->nroutes--;
		rib_tuple_put(rib, rib_tuple_at(rib, rt->tuple));
		rib_pfx_put(rib, rt->pfx);
		/* the last route moves into slot i: look at i again */
		rib_tab_remove(&d->t, i);
		n++;
	}
	return n;
}

size_t
rib_eor(struct rib *rib, const struct bgp_msg_ctx *ctx, uint16_t afi,
    uint8_t safi, const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	struct rib_sess *s;
	struct rib_dir *d = NULL;
	uint8_t fam;
	size_t n;
	int k;

	if (rib->nstale == 0 || (fam = eor_family(afi, safi)) == 0 ||
	    (s = rib_sess_find(rib, ctx->session_id)) == NULL || s->held)
		return 0;
	for (k = 0; k < 2; k++)
		if (s->dir[k].used && s->dir[k].sport == ctx->src_port &&
		    ipaddr_eq(&s->dir[k].src, &ctx->src_addr))
			d = &s->dir[k];
	if (d == NULL || d->nstale == 0)
		return 0;
	rib_settle(rib);
	n = sweep_dir(rib, s->id, d, fam, ts, cb, arg);
	if (s->dir[0].nstale + s->dir[1].nstale == 0)
		s->deadline = 0;
	STAT_ADD(rib_stale_resolved, n);
	return n;
}

/* One session whose deadline came; returns the routes resolved. */
static size_t
expire_one(struct rib *rib, struct rib_sess *s, const struct timeval *ts,
    rib_hold_cb *hcb, rib_event_cb *cb, void *arg, bool *removed)
{
	struct rib_hold_info info;
	struct route_event ev;
	struct rib_dir *d;
	size_t n;
	uint32_t i;
	int k;

	info_fill(&info, s);
	*removed = s->held;
	if (s->held) {
		if (hcb != NULL)
			hcb(arg, &info, true);
		for (k = 0; k < 2 && cb != NULL; k++) {
			d = &s->dir[k];
			for (i = 0; i < d->t.n; i++) {
				rib_ev_resolved(rib, &ev, s->id, d, &d->t.r[i],
				    RESOLVE_SESSION_GONE, ts);
				cb(arg, &ev, &d->t.r[i], d->t.r[i].alerted);
			}
		}
		n = info.routes;
		STAT_ADD(rib_gone_resolved, n);
		rib_sess_remove(rib, s);
		return n;
	}
	if (hcb != NULL)
		hcb(arg, &info, false);
	n = sweep_dir(rib, s->id, &s->dir[0], 0, ts, cb, arg) +
	    sweep_dir(rib, s->id, &s->dir[1], 0, ts, cb, arg);
	s->deadline = 0;
	STAT_ADD(rib_stale_resolved, n);
	return n;
}

size_t
rib_hold_expire(struct rib *rib, int64_t now, const struct timeval *ts,
    rib_hold_cb *hcb, rib_event_cb *cb, void *arg)
{
	struct rib_sess *s;
	int64_t next = 0;
	size_t i, n = 0;
	bool removed;

	if (rib->hold_next == 0 || (now != 0 && now < rib->hold_next))
		return 0;
	rib_settle(rib);
	/*
	 * A removal shifts a later session of the probe run back into slot
	 * i: look at slot i again.  One that wrapped around to the end may
	 * be seen twice; it is no longer due the second time.
	 */
	for (i = 0; i <= rib->smask; ) {
		s = rib->sess[i];
		if (s == NULL || s->deadline == 0) {
			i++;
			continue;
		}
		if (now != 0 && s->deadline > now) {
			if (next == 0 || s->deadline < next)
				next = s->deadline;
			i++;
			continue;
		}
		n += expire_one(rib, s, ts, hcb, cb, arg, &removed);
		if (!removed)
			i++;
	}
	rib->hold_next = next;
	return n;
}

size_t
rib_held_sessions(const struct rib *rib)
{
	return rib->nheld;
}

size_t
rib_held_routes(const struct rib *rib)
{
	const struct rib_sess *s;
	size_t i, n = 0;

	if (rib->nheld == 0)
		return 0;
	for (i = 0; i <= rib->smask; i++)
		if ((s = rib->sess[i]) != NULL && s->held)
			n += (size_t)s->dir[0].t.n + s->dir[1].t.n;
	return n;
}

size_t
rib_stale_routes(const struct rib *rib)
{
	return rib->nstale;
}

bool
rib_is_held(const struct rib *rib, uint64_t session_id)
{
	const struct rib_sess *s = rib_sess_find(rib, session_id);

	return s != NULL && s->held;
}
