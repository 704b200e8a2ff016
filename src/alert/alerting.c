/*
 * alerting.c - the stage that decides which route events become alerts.
 *
 * The RIB says what changed; rules decide which changes matter; each
 * firing rule gives one alert, built once and handed to every sink.  A
 * route's "alerted" flag (kept in the RIB) remembers whether a rule fired
 * for its current state, which is what "resolved" needs: only a route
 * that alerted is ever resolved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "alert/alerting.h"
#include "alert/alerting_internal.h"
#include "base/log.h"
#include "state/rib.h"
#include "state/rib_save.h"
#include "alert/rules.h"
#include "alert/sink.h"
#include "base/stats.h"

/* rules_fire_fn: one alert per firing rule. */
static void
fire(void *arg, const struct rule *r, const struct route_event *ev)
{
	struct alerting *al = arg;
	struct alert a;

	alert_init(&a, rule_alert(r), ev, al->cfg.sensor,
	    ev->pkt != NULL ? ev->pkt->num : 0);
	sinks_emit(al->sinks, &a);
}

static unsigned
judge(struct alerting *al, const struct route_event *ev, unsigned *held)
{
	return rules_eval_held(al->rules, ev, fire, al, held);
}

/* Nothing left to alert about: RPKI VALID, not ASPA invalid, no leak. */
static bool
clean(const struct route_event *ev)
{
	return ev->has_rpki && ev->rpki.state == ROV_VALID &&
	    !(ev->has_aspa && ev->aspa.state == ASPA_INVALID) &&
	    ev->leak == BGP_LEAK_NONE;
}

/*
 * A changed route: alert on its new state; if it had alerted and no rule
 * matches it any more (it became VALID, say), it is resolved.  A rule
 * held back only because the event brings no news of the verdict it
 * asks about (an ASPA change on a NOT_FOUND route, for the NOT_FOUND
 * rule) still matches: the route stays alerted, unresolved.
 */
static void
changed(struct alerting *al, struct route_event *ev, struct rib_route *rt,
    bool alerted)
{
	unsigned n, held = 0;

	if (alerted && clean(ev)) {
		ev->kind = RTEV_RESOLVED;
		ev->resolve_why = RESOLVE_VALID;
		judge(al, ev, NULL);
		rib_set_alerted(al->rib, rt, false);
		return;
	}
	n = judge(al, ev, &held);
	if (n == 0 && alerted && held == 0) {
		ev->kind = RTEV_RESOLVED;
		ev->resolve_why = RESOLVE_VALID;
		judge(al, ev, NULL);
	}
	rib_set_alerted(al->rib, rt, n > 0 || (alerted && held > 0));
}

uint32_t
alerting_prefetch(const struct alerting *al, const struct bgp_attrs *at,
    const struct prefix *p)
{
	return rib_prefetch(al->rib, at, p);
}

void
alerting_prefetch_tuple(const struct alerting *al, uint32_t hash)
{
	rib_prefetch_tuple(al->rib, hash);
}

void
alerting_route(struct alerting *al, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v)
{
	struct route_event ev;
	struct rib_route *rt = NULL;
	bool alerted = false;

	/* the first UPDATE of a session that may adopt a held one */
	if (al->npend > 0)
		alerting_flap_adopt(al, ctx);
	/* rib_withdraw() and rib_announce() fill all of ev */
	if (r->event == BGP_ROUTE_WITHDRAW) {
		if (!rib_withdraw(al->rib, ctx, r, &ev, &alerted))
			return;		/* never announced: nothing to say */
		ev.kind = RTEV_WITHDRAW;
		judge(al, &ev, NULL);
		if (alerted) {
			ev.kind = RTEV_RESOLVED;
			ev.resolve_why = RESOLVE_WITHDRAWN;
			judge(al, &ev, NULL);
		}
		return;
	}
	switch (rib_announce(al->rib, ctx, at, r, v, &ev, &rt)) {
	case RIB_NEW:
	case RIB_CHANGED:
		ev.kind = RTEV_ANNOUNCE;
		changed(al, &ev, rt, rib_alerted(rt));
		break;
	default:
		break;		/* same origin and state, or path only */
	}
}

/* rib_event_cb for session-down: resolve what had alerted. */
void
alerting_on_down(void *arg, struct route_event *ev, struct rib_route *rt,
    bool alerted)
{
	(void)rt;
	if (alerted)
		judge(arg, ev, NULL);
}

void
alerting_session_down(struct alerting *al, const struct bgp_msg_ctx *ctx)
{
	struct timeval ts = { 0, 0 };

	if (ctx->pkt != NULL)
		ts = ctx->pkt->ts;
	else
		gettimeofday(&ts, NULL);
	rib_session_down(al->rib, ctx->session_id, &ts, alerting_on_down, al);
}

/* rib_event_cb for revalidation: a state changed with no packet. */
static void
on_revalidate(void *arg, struct route_event *ev, struct rib_route *rt,
    bool alerted)
{
	changed(arg, ev, rt, alerted);
}

void
alerting_revalidate(struct alerting *al, const struct rov_index *idx,
    const struct aspa_index *aidx, uint64_t gen, const struct timeval *now)
{
	size_t n;

	n = rib_revalidate(al->rib, idx, aidx, gen, now, on_revalidate, al);
	log_info("VRP generation %llu: %zu stored routes changed state "
	    "or got their first verdict",
	    (unsigned long long)gen, n);
}

/* rules_fire_event_fn: one alert per firing rule. */
static void
fire_event(void *arg, const struct rule *r, const struct sensor_event *ev)
{
	struct alerting *al = arg;
	struct alert a;

	alert_init_event(&a, rule_alert(r), ev, al->cfg.sensor);
	sinks_emit(al->sinks, &a);
}

void
alerting_event(struct alerting *al, const struct sensor_event *ev)
{
	if (al == NULL)
		return;
	STAT_INC(sensor_events);
	rules_eval_event(al->rules, ev, fire_event, al);
}

void
alerting_event_fn(void *arg, const struct sensor_event *ev)
{
	alerting_event(arg, ev);
}

void
alerting_misjudged_fn(void *arg, const struct rov_index *router,
    const struct rov_index *ref, struct rtr_misjudged *out)
{
	struct alerting *al = arg;

	rib_misjudged(al->rib, router, ref, out);
}

void
alerting_reload(struct alerting *al)
{
	struct ruleset *rs;
	int kept;

	if ((rs = rules_load(al->cfg.rules, al->cfg.classification)) == NULL)
		log_warnx("%s: rules not reloaded; the %u current rules stay",
		    al->cfg.rules, rules_count(al->rules));
	else {
		/* unchanged rules keep their event_filter counts, or every
		 * SIGHUP would let another `count' alerts through */
		if ((kept = rules_take_state(rs, al->rules)) == -1)
			log_warnx("%s: event_filter state not kept: out of "
			    "memory", al->cfg.rules);
		/* the alerts of the old rules point at them (rule_alert()):
		 * none may still wait in the output stage (alerting.h) */
		rules_free(al->rules);
		al->rules = rs;
		log_info("%s: %u rules loaded, %d kept their event_filter "
		    "state", al->cfg.rules, rules_count(rs), kept < 0 ? 0 :
		    kept);
	}
	sinks_reopen(al->sinks);
}

int
alerting_restore(struct alerting *al, const uint8_t *body, size_t len,
    const struct timeval *now, long hold, char *why, size_t whylen)
{
	struct rib *rib;

	if ((rib = rib_new()) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (rib_load(rib, body, len, why, whylen) == -1) {
		rib_free(rib);
		return -1;
	}
	rib_free(al->rib);
	al->rib = rib;
	/* down as far as rovmon knows, until their flows are seen again */
	rib_hold_restored(rib, now->tv_sec, now->tv_sec + hold, now, alerting_on_down,
	    al);
	return 0;
}

void
alerting_resume(struct alerting *al, const struct bgp_msg_ctx *ctx)
{
	struct rib_speakers sp;

	if (rib_held_sessions(al->rib) == 0)
		return;
	rib_speakers_of(&sp, ctx);
	(void)rib_resume(al->rib, ctx->session_id, &sp, NULL);
}

bool
alerting_sender(struct alerting *al, struct bgp_msg_ctx *ctx)
{
	struct rib_sender rs;
	bool changed = false;

	alerting_resume(al, ctx);
	if (!rib_sender(al->rib, ctx, &rs))
		return false;
	if (ctx->peer_as == 0 && rs.peer_as != 0) {
		ctx->peer_as = rs.peer_as;
		changed = true;
	}
	if (ctx->local_as == 0 && rs.local_as != 0) {
		ctx->local_as = rs.local_as;
		changed = true;
	}
	if (ctx->sender_role == BGP_ROLE_UNKNOWN &&
	    rs.role != BGP_ROLE_UNKNOWN) {
		ctx->sender_role = (enum bgp_role)rs.role;
		ctx->role_source = (enum bgp_role_source)rs.role_source;
		changed = true;
	}
	return changed;
}

void
alerting_drain(struct alerting *al)
{
	sinks_drain(al->sinks);
}

uint64_t
alerting_lost(struct alerting *al, char *why, size_t len)
{
	if (al == NULL) {
		if (why != NULL && len > 0)
			*why = '\0';
		return 0;
	}
	return sinks_lost(al->sinks, why, len);
}

const struct rib *
alerting_rib(const struct alerting *al)
{
	return al->rib;
}

struct rib *
alerting_rib_walk(struct alerting *al)
{
	return al->rib;
}

struct sinks *
alerting_sinks(const struct alerting *al)
{
	return al->sinks;
}

void
alerting_update_stats(const struct alerting *al)
{
	stats.routes_stored = rib_count(al->rib);
	stats.routes_valid = rib_count_by_state(al->rib, ROV_VALID);
	stats.routes_invalid = rib_count_by_state(al->rib, ROV_INVALID);
	stats.routes_not_found = rib_count_by_state(al->rib, ROV_NOT_FOUND);
	stats.rib_sessions = rib_sessions(al->rib);
	stats.rib_held_sessions = rib_held_sessions(al->rib);
	stats.rib_held_routes = rib_held_routes(al->rib);
	stats.rib_stale_routes = rib_stale_routes(al->rib);
	stats.rib_bytes = rib_memory(al->rib);
	sinks_update_stats(al->sinks);	/* the network sinks' totals */
}

struct alerting *
alerting_new(const struct alerting_config *cfg)
{
	struct alerting *al;
	size_t i;

	if ((al = calloc(1, sizeof(*al))) == NULL) {
		log_warn("alerting");
		return NULL;
	}
	al->cfg = *cfg;
	if ((al->rib = rib_new()) == NULL || (al->sinks = sinks_new()) == NULL) {
		log_warn("alerting");
		goto fail;
	}
	if ((al->rules = rules_load(cfg->rules, cfg->classification)) == NULL)
		goto fail;
	sinks_set_min_priority(al->sinks, cfg->min_priority);
	sinks_set_block(al->sinks, cfg->offline);
	for (i = 0; i < cfg->nsinks; i++)
		if (sinks_add(al->sinks, cfg->sinks[i]) == -1)
			goto fail;
	return al;
fail:
	alerting_free(al);
	return NULL;
}

void
alerting_free(struct alerting *al)
{
	if (al == NULL)
		return;
	sinks_free(al->sinks);
	rules_free(al->rules);
	rib_free(al->rib);
	free(al);
}
