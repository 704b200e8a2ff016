/*
 * rib_walk.c - read-only questions about every stored route, for the
 * passive RTR audit: which routes would a router, with the VRP set its
 * RTR session gave it, judge unlike rovmon's reference
 * (rib_misjudged(); rpki/rtr_audit.h, docs/rtr.md "Audit").
 *
 * Both verdicts are computed here with rov_check() (not the stored
 * state), so the answer does not depend on whether the RIB was already
 * re-validated against a reference that just changed.  O(routes) with
 * two trie lookups each; run at a router's End of Data only when its set
 * differs from the reference, and on reference changes.
 */
#include <stdio.h>
#include <string.h>

#include "base/addr.h"
#include "state/rib.h"
#include "state/rib_internal.h"

static void
judge_dir(const struct rib *rib, const struct rib_dir *d, const struct rov_index *router,
    const struct rov_index *ref, struct rtr_misjudged *out)
{
	const struct rib_route *rt;
	const struct rib_tuple *t;
	struct rov_result a, b;
	struct prefix p;
	char pb[PREFIX_STRLEN], peer[IPADDR_STRLEN];
	bool has_origin;
	uint32_t i, origin;

	for (i = 0; i < d->t.n; i++) {
		rt = &d->t.r[i];
		t = rib_tuple_at(rib, rt->tuple);
		rib_pfx_prefix(rib, rt->pfx, &p);
		has_origin = bgp_origin_known(t->kind);
		origin = has_origin ? t->origin_as : 0;
		rov_check(ref, &p, has_origin, origin, &a);
		rov_check(router, &p, has_origin, origin, &b);
		if (a.state == b.state)
			continue;
		out->routes++;
		if (a.state == ROV_INVALID)
			out->invalid_accepted++;
		else if (a.state == ROV_VALID && b.state == ROV_INVALID)
			out->valid_rejected++;
		if (out->nexamples < RTR_AUDIT_EXAMPLES)
			snprintf(out->examples[out->nexamples++],
			    RTR_AUDIT_EXAMPLE_LEN, "%s AS%u from %s: %s, "
			    "router %s", prefix_fmt(&p, pb, sizeof(pb)), origin,
			    ipaddr_fmt(&d->src, peer, sizeof(peer)),
			    rov_state_name(a.state), rov_state_name(b.state));
	}
}

void
rib_misjudged(const struct rib *rib, const struct rov_index *router,
    const struct rov_index *ref, struct rtr_misjudged *out)
{
	const struct rib_sess *s;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (router == NULL || ref == NULL)
		return;
	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		judge_dir(rib, &s->dir[0], router, ref, out);
		judge_dir(rib, &s->dir[1], router, ref, out);
	}
}
