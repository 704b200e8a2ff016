/*
 * alerting_flap.c - a session flap is not an alert storm (docs/alerts.md,
 * "Session flaps"): the session events of alerting (alerting.h,
 * alerting_session()) on the RIB's held sessions (state/rib_hold.c).
 *
 *   NOTIFICATION / TCP close -> rib_hold()   one session-down event
 *   both OPENs, then the first UPDATE -> rib_adopt()   one session-up
 *   End-of-RIB -> rib_eor()   the sender's stale routes of that family
 *   time (alerting_tick(), alerting_finish()) -> rib_hold_expire()
 *       session-gone events, the routes resolved
 *
 * Only routes that had alerted give "resolved" alerts (alerting_on_down()),
 * as at session-down.
 */
#include <stdio.h>
#include <string.h>

#include "alert/alerting_internal.h"
#include "base/sensor_event.h"
#include "bgp/bgp_open.h"

/* The packet's time, or the wall clock's. */
static struct timeval
ctx_time(const struct bgp_msg_ctx *ctx)
{
	struct timeval ts = { 0, 0 };

	if (ctx->pkt != NULL)
		ts = ctx->pkt->ts;
	else
		gettimeofday(&ts, NULL);
	return ts;
}

/* Strings the fields of one session event point to. */
struct sess_text {
	char	 a[IPADDR_STRLEN], b[IPADDR_STRLEN];
	char	 subject[2 * IPADDR_STRLEN + 16];
	char	 text[512];
};

/*
 * The event's common part: whom it is about (endpoint e of sp first:
 * the NOTIFICATION's sender, the OPEN's), the session id.
 */
static void
sess_event(struct sensor_event *sev, struct sess_text *tx,
    enum sensor_event_type type, const struct timeval *ts,
    const struct rib_speakers *sp, int e, uint64_t id)
{
	sensor_event_init(sev, type, ts);
	ipaddr_fmt(&sp->addr[e], tx->a, sizeof(tx->a));
	ipaddr_fmt(&sp->addr[1 - e], tx->b, sizeof(tx->b));
	snprintf(tx->subject, sizeof(tx->subject), "session %s-%s", tx->a,
	    tx->b);
	sev->addr = sp->addr[e];
	sev->port = sp->port[e];
	sev->subject = tx->subject;
	sev->text = tx->text;
	sensor_event_uint(sev, "as", sp->as[e]);
	sensor_event_str(sev, "peer_addr", tx->b);
	sensor_event_uint(sev, "peer_port", sp->port[1 - e]);
	sensor_event_uint(sev, "peer_as", sp->as[1 - e]);
	sensor_event_uint(sev, "session_id", id);
	/* a BMP view's session has the endpoints of the wire's */
	if (sp->view != BGP_VIEW_WIRE)
		sensor_event_str(sev, "view", bgp_view_name(sp->view));
}

/* sp's endpoint that sent from addr:port (0 if neither did). */
static int
sp_end(const struct rib_speakers *sp, const struct ipaddr *addr,
    uint16_t port)
{
	return ipaddr_eq(&sp->addr[1], addr) && sp->port[1] == port ? 1 : 0;
}

/* NOTIFICATION or TCP close: hold the session, one session-down event. */
static void
flap_down(struct alerting *al, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct timeval ts = ctx_time(ctx);
	struct rib_hold_info info;
	struct sensor_event sev;
	struct sess_text tx;
	const char *why;
	ssize_t n;
	size_t resolved = 0;
	bool notif = si->event == BGP_SESS_NOTIFICATION;

	n = rib_hold(al->rib, ctx->session_id, ts.tv_sec,
	    ts.tv_sec + al->cfg.stale_time, &info);
	if (n == 0 && info.session_id == 0)
		return;		/* not stored, or held already */
	if (n == -1) {
		/* RIB_HOLD_MAX held: this one goes at once, as without
		 * holding */
		memset(&info, 0, sizeof(info));
		info.sp.addr[0] = ctx->src_addr;
		info.sp.addr[1] = ctx->dst_addr;
		info.sp.port[0] = ctx->src_port;
		info.sp.port[1] = ctx->dst_port;
		info.sp.view = ctx->view;
		resolved = rib_session_down(al->rib, ctx->session_id, &ts,
		    alerting_on_down, al);
		n = 0;
	}
	why = notif ? bgp_notification_name(si->code, si->subcode) :
	    si->reason != NULL ? si->reason : "TCP close";
	sess_event(&sev, &tx, SEV_SESSION_DOWN, &ts, &info.sp,
	    sp_end(&info.sp, &ctx->src_addr, ctx->src_port), ctx->session_id);
	sev.pkt_num = ctx->pkt != NULL ? ctx->pkt->num : 0;
	sensor_event_str(&sev, "reason", notif ? "notification" : "tcp");
	if (notif) {
		sensor_event_uint(&sev, "code", si->code);
		sensor_event_uint(&sev, "subcode", si->subcode);
		sensor_event_str(&sev, "notification", why);
	} else
		sensor_event_str(&sev, "close", why);
	sensor_event_uint(&sev, "routes_held", (uint64_t)n);
	sensor_event_uint(&sev, "routes_stale", info.stale);
	sensor_event_uint(&sev, "routes_resolved", resolved);
	sensor_event_uint(&sev, "stale_time", (uint64_t)al->cfg.stale_time);
	if (notif)
		snprintf(tx.text, sizeof(tx.text), "%s down (NOTIFICATION %s "
		    "from %s): %zd routes held for %ld s", tx.subject, why,
		    tx.a, n, al->cfg.stale_time);
	else
		snprintf(tx.text, sizeof(tx.text), "%s down (%s): %zd routes "
		    "held for %ld s", tx.subject, why, n, al->cfg.stale_time);
	alerting_event(al, &sev);
}

/*
 * An OPEN: when both ends' OPENs are seen and some session is held, the
 * session may be the return of one; it adopts it at its first UPDATE
 * (alerting_flap_adopt()), not now: a connection that a speaker resets right
 * after the OPENs (one still in its idle hold, a collision) is no
 * return, and its close says nothing either.
 */
static void
flap_open(struct alerting *al, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	const struct bgp_session_view *v = si->view;
	struct flap_pending *p = NULL;
	unsigned i;

	if (v == NULL || v->open[0] == NULL || v->open[1] == NULL ||
	    !v->open[0]->seen || !v->open[1]->seen ||
	    rib_held_sessions(al->rib) == 0)
		return;
	for (i = 0; i < al->npend; i++)
		if (al->pend[i].id == ctx->session_id)
			p = &al->pend[i];
	if (p == NULL) {
		if (al->npend == FLAP_PENDING) {
			memmove(&al->pend[0], &al->pend[1],
			    (FLAP_PENDING - 1) * sizeof(al->pend[0]));
			al->npend--;
		}
		p = &al->pend[al->npend++];
	}
	memset(p, 0, sizeof(*p));
	p->id = ctx->session_id;
	for (i = 0; i < 2; i++) {
		p->sp.addr[i] = v->addr[i];
		p->sp.port[i] = v->port[i];
		p->sp.as[i] = v->open[i]->as;
	}
}

/* Forget a pending session (it closed); its index, or -1. */
static int
flap_forget(struct alerting *al, uint64_t id)
{
	unsigned i;

	for (i = 0; i < al->npend; i++)
		if (al->pend[i].id == id) {
			memmove(&al->pend[i], &al->pend[i + 1],
			    (al->npend - i - 1) * sizeof(al->pend[0]));
			al->npend--;
			return (int)i;
		}
	return -1;
}

/* The first UPDATE of a pending session: adopt, one session-up event. */
void
alerting_flap_adopt(struct alerting *al, const struct bgp_msg_ctx *ctx)
{
	struct timeval ts = ctx_time(ctx);
	struct rib_speakers sp;
	struct rib_hold_info info;
	struct sensor_event sev;
	struct sess_text tx;
	unsigned i;

	for (i = 0; i < al->npend && al->pend[i].id != ctx->session_id; i++)
		;
	if (i == al->npend)
		return;
	sp = al->pend[i].sp;
	flap_forget(al, ctx->session_id);
	rib_adopt(al->rib, ctx->session_id, &sp, ts.tv_sec +
	    al->cfg.stale_time, &info);
	if (info.new_id == 0)
		return;
	sess_event(&sev, &tx, SEV_SESSION_UP, &ts, &sp,
	    sp_end(&sp, &ctx->src_addr, ctx->src_port), ctx->session_id);
	sev.pkt_num = ctx->pkt != NULL ? ctx->pkt->num : 0;
	sensor_event_uint(&sev, "previous_session_id", info.session_id);
	sensor_event_uint(&sev, "routes_held", info.routes);
	sensor_event_int(&sev, "down_seconds", ts.tv_sec - info.since);
	sensor_event_uint(&sev, "stale_time", (uint64_t)al->cfg.stale_time);
	snprintf(tx.text, sizeof(tx.text), "%s up again after %lld s: %zu "
	    "routes stale until End-of-RIB", tx.subject,
	    (long long)(ts.tv_sec - info.since), info.routes);
	alerting_event(al, &sev);
}

/* rib_hold_cb: a held session whose hold ran out: session-gone. */
static void
on_gone(void *arg, const struct rib_hold_info *info, bool gone)
{
	struct alerting *al = arg;
	struct sensor_event sev;
	struct sess_text tx;

	if (!gone)
		return;		/* End-of-RIB wait: only the routes say it */
	sess_event(&sev, &tx, SEV_SESSION_GONE, &al->now, &info->sp, 0,
	    info->session_id);
	sensor_event_uint(&sev, "routes_resolved", info->routes);
	sensor_event_int(&sev, "held_seconds", al->now.tv_sec - info->since);
	snprintf(tx.text, sizeof(tx.text), "%s not back after %lld s: %zu "
	    "routes resolved", tx.subject,
	    (long long)(al->now.tv_sec - info->since), info->routes);
	alerting_event(al, &sev);
}

void
alerting_session(struct alerting *al, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct timeval ts;

	switch (si->event) {
	case BGP_SESS_NOTIFICATION:
	case BGP_SESS_DOWN:
		if (al->cfg.stale_time <= 0)
			alerting_session_down(al, ctx);
		else {
			if (al->npend > 0)
				flap_forget(al, ctx->session_id);
			flap_down(al, ctx, si);
		}
		break;
	case BGP_SESS_OPEN:
		if (al->cfg.stale_time > 0)
			flap_open(al, ctx, si);
		break;
	case BGP_SESS_EOR:
		if (al->npend > 0)
			alerting_flap_adopt(al, ctx);
		ts = ctx_time(ctx);
		rib_eor(al->rib, ctx, si->afi, si->safi, &ts, alerting_on_down, al);
		break;
	default:
		break;
	}
}

void
alerting_tick(struct alerting *al, const struct timeval *now)
{
	if (al == NULL || rib_held_sessions(al->rib) +
	    rib_stale_routes(al->rib) == 0)
		return;
	al->now = *now;
	rib_hold_expire(al->rib, now->tv_sec, now, on_gone, alerting_on_down, al);
}

void
alerting_finish(struct alerting *al, const struct timeval *last)
{
	if (al == NULL)
		return;
	if (last != NULL)
		al->now = *last;
	else
		gettimeofday(&al->now, NULL);
	al->npend = 0;		/* no UPDATE will come */
	rib_hold_expire(al->rib, 0, &al->now, on_gone, alerting_on_down, al);
}
