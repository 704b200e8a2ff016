/*
 * rules.c - the Snort-flavoured rule language: the index and evaluation,
 * and the accessors.  Loading: rules_load.c (files), rules_parse.c (one
 * rule), rules_class.c (classifications); event_filter: rules_filter.c.
 *
 * Matching.  What a rule asks of the RPKI result is one 16-bit set of
 * (state, reason) pairs plus a bit for "no VRPs loaded", so rpki options
 * combine by union and matching is one AND; the ASPA verdict, the leak
 * and the sender's role are sets of the same kind (rules_leak.c).  After
 * loading, the rules are indexed by (event kind, RPKI state, ASPA state
 * x leak): 4 x 4 x 8 lists of rule pointers, pass rules first, each part
 * in file order.  rules_eval() walks one list, so an ASPA or leak rule
 * costs nothing to a route it cannot match.  Prefix, ASN and peer lists
 * are scanned linearly: watch lists are short.
 *
 * Once per route.  A rule that asks about a verdict (rpki, aspa, leak
 * other than any) matches an announce or revalidate event only when the
 * event brings news of that verdict (ev->unchanged): a NOT_FOUND route
 * whose ASPA verdict changes is not reported NOT_FOUND again.  Such a
 * rule is "held", and a held rule still counts as matching for
 * resolution (rules_eval_held()), as does a rule for the other kind of
 * change (announce, revalidate) that matches the route's verdicts.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules_internal.h"
#include "base/stats.h"

/* ---- the index ---- */

static bool
rule_in_bucket(const struct rule *r, unsigned k, unsigned b, unsigned lb)
{
	if (!(r->kinds & KIND_BIT(k)))
		return false;
	if (!rules_leak_in_bucket(r, lb))
		return false;
	if (b == 0)
		return (r->rpki & RPKI_NONE_BIT) != 0;
	return (r->rpki & RPKI_STATE(b - 1)) != 0;
}

/* One list of the index: pass rules first, each part in file order. */
static int
build_list(struct ruleset *rs, unsigned k, unsigned b, unsigned lb)
{
	struct rule **v;
	unsigned i, pass, n;

	for (n = 0, i = 0; i < rs->n; i++)
		n += rule_in_bucket(&rs->rules[i], k, b, lb);
	if (n == 0)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	rs->idx[k][b][lb] = v;
	for (n = 0, pass = 0; pass < 2; pass++)
		for (i = 0; i < rs->n; i++)
			if (rule_in_bucket(&rs->rules[i], k, b, lb) &&
			    (rs->rules[i].action == RULE_PASS) == (pass == 0))
				v[n++] = &rs->rules[i];
	rs->nidx[k][b][lb] = n;
	return 0;
}

int
rules_build_index(struct ruleset *rs)
{
	unsigned k, b, lb;

	for (k = 0; k < NKIND; k++)
		for (b = 0; b < NBUCKET; b++)
			for (lb = 0; lb < NLBUCKET; lb++)
				if (build_list(rs, k, b, lb) == -1)
					return -1;
	return 0;
}

/* ---- evaluation ---- */

static bool
as_in(const struct aslist *l, uint32_t as)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == as)
			return true;
	return false;
}

static bool
pfx_match(const struct rprefix *rp, const struct prefix *p)
{
	switch (rp->how) {
	case PFX_ORLONGER:
		return prefix_covers(&rp->p, p);
	case PFX_LONGER:
		return p->len > rp->p.len && prefix_covers(&rp->p, p);
	case PFX_EXACT:
	default:
		return prefix_eq(&rp->p, p);
	}
}

static bool
rule_match(const struct rule *r, const struct route_event *ev)
{
	bool has_origin = bgp_origin_known(ev->origin_kind);
	struct prefix src;
	unsigned i;

	if (ev->has_rpki) {
		if (!(r->rpki & RPKI_BIT(ev->rpki.state, ev->rpki.reason)))
			return false;
	} else if (!(r->rpki & RPKI_NONE_BIT))
		return false;
	if (!rules_leak_match(r, ev) || !rules_router_match(r, ev))
		return false;
	if (r->family != 0 && r->family != ev->prefix.family)
		return false;
	if (r->peer_as.n > 0 && !as_in(&r->peer_as, ev->peer_as))
		return false;
	if (r->origin.n > 0 && (!has_origin || !as_in(&r->origin,
	    ev->origin_as)))
		return false;
	if (r->not_origin.n > 0 && has_origin && as_in(&r->not_origin,
	    ev->origin_as))
		return false;
	if (r->npeer_addr > 0) {
		src.family = ev->src_addr.family;
		src.len = (uint8_t)addr_maxlen(src.family);
		memcpy(src.a, ev->src_addr.a, sizeof(src.a));
		for (i = 0; i < r->npeer_addr; i++)
			if (prefix_covers(&r->peer_addr[i], &src))
				break;
		if (i == r->npeer_addr)
			return false;
	}
	if (r->npfx > 0) {
		for (i = 0; i < r->npfx; i++)
			if (pfx_match(&r->pfx[i], &ev->prefix))
				break;
		if (i == r->npfx)
			return false;
	}
	return true;
}

/* A rule that asks about verdicts the event brings no news of. */
static bool
rule_held(const struct rule *r, const struct route_event *ev)
{
	if (ev->kind != RTEV_ANNOUNCE && ev->kind != RTEV_REVALIDATE)
		return false;
	return r->asks != 0 && (r->asks & ~ev->unchanged) == 0;
}

/*
 * For resolution: the alert and log rules of the other kind of change
 * (announce for a revalidate event, and the reverse) that match the
 * route's verdicts now.  A route that alerted as a leak on its
 * announcement (an announce-only rule) and whose ASPA state then
 * changes by revalidation still matches that rule: it is not resolved.
 */
static unsigned
held_other_kind(const struct ruleset *rs, const struct route_event *ev,
    unsigned b, unsigned lb)
{
	unsigned k, i, n = 0;
	const struct rule *r;

	if (ev->kind == RTEV_ANNOUNCE)
		k = RTEV_REVALIDATE;
	else if (ev->kind == RTEV_REVALIDATE)
		k = RTEV_ANNOUNCE;
	else
		return 0;
	for (i = 0; i < rs->nidx[k][b][lb]; i++) {
		r = rs->idx[k][b][lb][i];
		if (r->action != RULE_PASS && !(r->kinds & KIND_BIT(ev->kind)) &&
		    rule_match(r, ev))
			n++;
	}
	return n;
}

unsigned
rules_eval(struct ruleset *rs, const struct route_event *ev,
    rules_fire_fn fire, void *arg)
{
	return rules_eval_held(rs, ev, fire, arg, NULL);
}

unsigned
rules_eval_held(struct ruleset *rs, const struct route_event *ev,
    rules_fire_fn fire, void *arg, unsigned *held)
{
	struct rule **v, *r;
	unsigned i, n, b, lb, fired = 0;

	if (held != NULL)
		*held = 0;
	if ((unsigned)ev->kind >= NKIND)
		return 0;
	b = ev->has_rpki ? (unsigned)ev->rpki.state + 1 : 0;
	if (b >= NBUCKET)
		return 0;
	lb = rules_leak_bucket(ev);
	v = rs->idx[ev->kind][b][lb];
	n = rs->nidx[ev->kind][b][lb];
	for (i = 0; i < n; i++) {
		r = v[i];
		if (!rule_match(r, ev))
			continue;
		if (rule_held(r, ev)) {
			if (held != NULL && r->action != RULE_PASS)
				(*held)++;
			continue;
		}
		r->matches++;
		if (r->has_filter && !rules_filter_allow(&r->ef, ev)) {
			/* an alert that would have been: count it, or a
			 * rate-limited rule hides how much it held back */
			if (r->action != RULE_PASS) {
				r->suppressed++;
				STAT_INC(alert_event_filtered);
			}
			continue;
		}
		if (r->action == RULE_PASS)
			return 0;
		fire(arg, r, ev);
		fired++;
	}
	if (held != NULL && fired == 0)
		*held += held_other_kind(rs, ev, b, lb);
	return fired;
}

/* ---- sensor events ---- */

static bool
event_match(const struct rule *r, const struct sensor_event *ev)
{
	struct prefix a;
	unsigned i;

	if (!(r->sensor_types & (1u << (unsigned)ev->type)))
		return false;
	if (r->npeer_addr == 0)
		return true;
	if (ev->addr.family == 0)
		return false;
	a.family = ev->addr.family;
	a.len = (uint8_t)addr_maxlen(a.family);
	memcpy(a.a, ev->addr.a, sizeof(a.a));
	for (i = 0; i < r->npeer_addr; i++)
		if (prefix_covers(&r->peer_addr[i], &a))
			return true;
	return false;
}

/* Sensor-event rules are few: a linear walk, pass rules first. */
unsigned
rules_eval_event(struct ruleset *rs, const struct sensor_event *ev,
    rules_fire_event_fn fire, void *arg)
{
	struct route_event fe;
	struct rule *r;
	unsigned i, pass, fired = 0;

	if ((unsigned)ev->type >= SEV_COUNT)
		return 0;
	/* what event_filter reads: the time and the "peer" */
	memset(&fe, 0, sizeof(fe));
	fe.ts = ev->ts;
	fe.src_addr = ev->addr;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < rs->n; i++) {
			r = &rs->rules[i];
			if ((r->action == RULE_PASS) != (pass == 0) ||
			    !event_match(r, ev))
				continue;
			r->matches++;
			if (r->has_filter && !rules_filter_allow(&r->ef, &fe)) {
				if (r->action != RULE_PASS) {
					r->suppressed++;
					STAT_INC(alert_event_filtered);
				}
				continue;
			}
			if (r->action == RULE_PASS)
				return 0;
			fire(arg, r, ev);
			fired++;
		}
	return fired;
}

/* ---- accessors ---- */

unsigned
rules_count(const struct ruleset *rs)
{
	return rs == NULL ? 0 : rs->n;
}

const struct rule *
rules_rule(const struct ruleset *rs, unsigned i)
{
	return i < rs->n ? &rs->rules[i] : NULL;
}

const struct rule *
rules_find(const struct ruleset *rs, uint32_t gid, uint32_t sid)
{
	unsigned i;

	for (i = 0; i < rs->n; i++)
		if (rs->rules[i].gid == gid && rs->rules[i].sid == sid)
			return &rs->rules[i];
	return NULL;
}

const char *
rule_action_name(enum rule_action a)
{
	switch (a) {
	case RULE_LOG:
		return "log";
	case RULE_PASS:
		return "pass";
	case RULE_ALERT:
	default:
		return "alert";
	}
}

enum rule_action rule_action(const struct rule *r) { return r->action; }
uint32_t rule_gid(const struct rule *r) { return r->gid; }
uint32_t rule_sid(const struct rule *r) { return r->sid; }
uint32_t rule_rev(const struct rule *r) { return r->rev; }
const char *rule_msg(const struct rule *r) { return r->msg; }
unsigned rule_priority(const struct rule *r) { return r->priority; }
const struct alert_rule *rule_alert(const struct rule *r) { return r->alert; }
const char *rule_file(const struct rule *r) { return r->file; }
unsigned rule_line(const struct rule *r) { return r->line; }
uint64_t rule_matches(const struct rule *r) { return r->matches; }
uint64_t rule_suppressed(const struct rule *r) { return r->suppressed; }

const char *
rule_classtype(const struct rule *r)
{
	return r->cls != NULL ? r->cls->name : NULL;
}

const char *
rule_class_desc(const struct rule *r)
{
	return r->cls != NULL ? r->cls->desc : NULL;
}
