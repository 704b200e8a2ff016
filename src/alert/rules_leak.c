/*
 * rules_leak.c - the rule options about route leaks (docs/rules.md):
 *
 *   aspa:invalid;              the ASPA verdict: valid, invalid, unknown,
 *   aspa:invalid,downstream;   none (no verdict) or any; a procedure
 *                              (upstream, downstream) narrows the states
 *   leak:any;                  an RFC 9234 section 5 rule broken: any,
 *   leak:otc-from-peer;        none, or the rules by name
 *   peer_role:customer,peer;   the sender's role (unknown for none known)
 *   otc:present; otc:absent;   the route's OTC attribute, or its value
 *   otc:64500,64501;
 *
 * Each condition is a small bit set (rules_internal.h) matched with one
 * AND, like rpki:, and the ASPA and leak sets are a level of the rule
 * index (rules.c), so a ruleset full of ASPA rules costs a route without
 * an ASPA verdict nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "alert/rules_internal.h"

/* ---- options ---- */

int
rules_opt_aspa(struct loader *ld, struct rule *r, char *v)
{
	static const char *states[] = { "valid", "invalid", "unknown" };
	unsigned s, states_set = 0, procs = 0, mask = 0;
	bool none = false;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "any") == 0) {
			states_set = 0x7;
			none = true;
			continue;
		}
		if (strcmp(it, "none") == 0) {
			none = true;
			continue;
		}
		if (strcmp(it, "upstream") == 0) {
			procs |= 1u << ASPA_UPSTREAM;
			continue;
		}
		if (strcmp(it, "downstream") == 0) {
			procs |= 1u << ASPA_DOWNSTREAM;
			continue;
		}
		for (s = 0; s < 3 && strcmp(it, states[s]) != 0; s++)
			;
		if (s == 3)
			return rules_lerr(ld, it, "expected ASPA state valid, "
			    "invalid, unknown, none or any, or a procedure "
			    "upstream or downstream, got '%.40s'", it);
		states_set |= 1u << s;
	}
	if (procs == 0)
		procs = 0x3;
	/* a procedure alone: every state by that procedure */
	if (states_set == 0 && !none)
		states_set = 0x7;
	for (s = 0; s < 3; s++) {
		if (!(states_set & (1u << s)))
			continue;
		if (procs & (1u << ASPA_UPSTREAM))
			mask |= ASPA_BIT(s, ASPA_UPSTREAM);
		if (procs & (1u << ASPA_DOWNSTREAM))
			mask |= ASPA_BIT(s, ASPA_DOWNSTREAM);
	}
	if (none)
		mask |= ASPA_NONE_BIT;
	r->aspa = (uint8_t)mask;
	return 0;
}

int
rules_opt_leak(struct loader *ld, struct rule *r, char *v)
{
	static const enum bgp_leak rules[] = { BGP_LEAK_OTC_FROM_CUSTOMER,
	    BGP_LEAK_OTC_FROM_RS_CLIENT, BGP_LEAK_OTC_FROM_PEER };
	unsigned i, mask = 0;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "any") == 0) {
			mask |= LEAK_ANY;
			continue;
		}
		if (strcmp(it, "none") == 0) {
			mask |= LEAK_BIT(BGP_LEAK_NONE);
			continue;
		}
		for (i = 0; i < 3 && strcmp(it, bgp_leak_name(rules[i])) != 0;
		    i++)
			;
		if (i == 3)
			return rules_lerr(ld, it, "expected leak any, none, "
			    "otc-from-customer, otc-from-rs-client or "
			    "otc-from-peer, got '%.40s'", it);
		mask |= LEAK_BIT(rules[i]);
	}
	r->leak = (uint8_t)mask;
	return 0;
}

int
rules_opt_role(struct loader *ld, struct rule *r, char *v)
{
	enum bgp_role role;
	unsigned mask = 0;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "unknown") == 0)
			role = BGP_ROLE_UNKNOWN;
		else if ((role = bgp_role_parse(it)) == BGP_ROLE_UNKNOWN)
			return rules_lerr(ld, it, "expected role provider, "
			    "customer, peer, rs, rs-client or unknown, "
			    "got '%.40s'", it);
		mask |= ROLE_BIT(role);
	}
	r->role = (uint8_t)mask;
	return 0;
}

int
rules_opt_otc(struct loader *ld, struct rule *r, char *v)
{
	uint32_t as, *nv;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "present") == 0 || strcmp(it, "absent") == 0) {
			if (r->otc_how != OTC_ANY)
				return rules_lerr(ld, it, "expected one of "
				    "present, absent or OTC values, got "
				    "'%.40s' too", it);
			r->otc_how = it[0] == 'p' ? OTC_PRESENT : OTC_ABSENT;
			continue;
		}
		if (r->otc_how != OTC_ANY && r->otc_how != OTC_VALUE)
			return rules_lerr(ld, it, "expected one of present, "
			    "absent or OTC values, got '%.40s' too", it);
		if (rules_num_opt(ld, it, "OTC value", 1, UINT32_MAX,
		    &as) == -1)
			return -1;
		if ((nv = reallocarray(r->otc.v, r->otc.n + 1,
		    sizeof(*nv))) == NULL)
			return rules_lerr(ld, NULL,
			    "expected memory, got ENOMEM");
		r->otc.v = nv;
		r->otc.v[r->otc.n++] = as;
		r->otc_how = OTC_VALUE;
	}
	return 0;
}

/* ---- matching ---- */

/* The event's bucket of the index's second level: ASPA x leak. */
unsigned
rules_leak_bucket(const struct route_event *ev)
{
	unsigned a = ev->has_aspa ? (unsigned)ev->aspa.state + 1 : 0;

	if (a > 3)
		a = 0;
	return a * 2 + (ev->leak != BGP_LEAK_NONE);
}

bool
rules_leak_in_bucket(const struct rule *r, unsigned b)
{
	unsigned a = b / 2;

	if (a == 0 ? !(r->aspa & ASPA_NONE_BIT) :
	    !(r->aspa & ASPA_STATE(a - 1)))
		return false;
	return (b & 1) ? (r->leak & LEAK_ANY) != 0 :
	    (r->leak & LEAK_BIT(BGP_LEAK_NONE)) != 0;
}

bool
rules_leak_match(const struct rule *r, const struct route_event *ev)
{
	unsigned i;

	if (ev->has_aspa) {
		if ((unsigned)ev->aspa.state > ASPA_UNKNOWN ||
		    (unsigned)ev->aspa.procedure > ASPA_DOWNSTREAM ||
		    !(r->aspa & ASPA_BIT(ev->aspa.state, ev->aspa.procedure)))
			return false;
	} else if (!(r->aspa & ASPA_NONE_BIT))
		return false;
	if ((unsigned)ev->leak > BGP_LEAK_OTC_FROM_PEER ||
	    !(r->leak & LEAK_BIT(ev->leak)))
		return false;
	if ((unsigned)ev->sender_role > BGP_ROLE_PEER ||
	    !(r->role & ROLE_BIT(ev->sender_role)))
		return false;
	switch (r->otc_how) {
	case OTC_PRESENT:
		return ev->has_otc;
	case OTC_ABSENT:
		return !ev->has_otc;
	case OTC_VALUE:
		if (!ev->has_otc)
			return false;
		for (i = 0; i < r->otc.n; i++)
			if (r->otc.v[i] == ev->otc)
				return true;
		return false;
	case OTC_ANY:
	default:
		return true;
	}
}
