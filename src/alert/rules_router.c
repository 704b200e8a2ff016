/*
 * rules_router.c - the rule option about the validation state a router
 * stamped on a route (RFC 8097 extended community; docs/rules.md):
 *
 *   router_rpki:invalid;           the stamp: valid, not-found, invalid,
 *   router_rpki:absent;            absent (no stamp) or present (any)
 *   router_rpki:disagree;          the stamp differs from rovmon's own
 *   router_rpki:agree;             ROV verdict / equals it
 *
 * States combine by union; agree/disagree AND with them.  agree and
 * disagree need both a stamp and a verdict of rovmon's (a VRP set
 * loaded): a route without either matches neither.  A rule with this
 * option asks about the ROV verdict (ev->unchanged), and a changed stamp
 * is news of it (rib.c), so it fires once per route and change.
 */
#include <string.h>

#include "alert/rules_internal.h"

int
rules_opt_router_rpki(struct loader *ld, struct rule *r, char *v)
{
	static const char *states[] = { "absent", "valid", "not-found",
	    "invalid" };
	unsigned s;
	enum rrpki_cmp cmp;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "present") == 0) {
			r->router_rpki |= RRPKI_BIT(BGP_RRPKI_VALID) |
			    RRPKI_BIT(BGP_RRPKI_NOT_FOUND) |
			    RRPKI_BIT(BGP_RRPKI_INVALID);
			continue;
		}
		if (strcmp(it, "agree") == 0 || strcmp(it, "disagree") == 0) {
			cmp = it[0] == 'a' ? RRPKI_CMP_AGREE :
			    RRPKI_CMP_DISAGREE;
			if (r->router_cmp != RRPKI_CMP_ANY &&
			    r->router_cmp != cmp)
				return rules_lerr(ld, it, "expected agree or "
				    "disagree, got both");
			r->router_cmp = cmp;
			continue;
		}
		for (s = 0; s < 4 && strcmp(it, states[s]) != 0; s++)
			;
		if (s == 4)
			return rules_lerr(ld, it, "expected router RPKI state "
			    "valid, not-found, invalid, absent or present, or "
			    "agree or disagree, got '%.40s'", it);
		r->router_rpki |= (uint8_t)RRPKI_BIT(s);
	}
	return 0;
}

/* The ROV state a stamp names; the stamp is not NONE. */
static enum rov_state
stamp_state(unsigned s)
{
	return s == BGP_RRPKI_VALID ? ROV_VALID :
	    s == BGP_RRPKI_INVALID ? ROV_INVALID : ROV_NOT_FOUND;
}

bool
rules_router_match(const struct rule *r, const struct route_event *ev)
{
	unsigned s = ev->router_rpki;

	if (s > BGP_RRPKI_INVALID)
		return false;
	if (r->router_rpki != 0 && !(r->router_rpki & RRPKI_BIT(s)))
		return false;
	if (r->router_cmp == RRPKI_CMP_ANY)
		return true;
	if (s == BGP_RRPKI_NONE || !ev->has_rpki)
		return false;
	return (stamp_state(s) == ev->rpki.state) ==
	    (r->router_cmp == RRPKI_CMP_AGREE);
}
