/*
 * rib_count.c - the RIB's tallies as the gauges read them: routes by RPKI
 * state, by ASPA verdict and by leak, overall (rib_counts()) and for each
 * direction, one sender's Adj-RIB-In (rib_dirs()); and rib_check_tallies(),
 * the walk that recounts them from the routes, for the tests.
 *
 * The tallies are kept by rib_tally() (rib_internal.h) at every change of
 * a route's verdicts, O(1) each, so that reading them costs nothing per
 * route: rib_counts() is O(1), rib_dirs() O(sessions).  The metrics
 * endpoint (docs/metrics.md) reads them once a second on the packet
 * thread; a walk of a million routes there would cost milliseconds.
 */
#include <string.h>

#include "state/rib.h"
#include "state/rib_internal.h"

void
rib_counts(const struct rib *rib, struct rib_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->routes = rib->nroutes;
	memcpy(c->rpki, rib->nstate, sizeof(c->rpki));
	c->aspa_none = rib->naspa[RIB_ASPA_NONE];
	c->aspa[ASPA_VALID] = rib->naspa[ASPA_VALID + 1];
	c->aspa[ASPA_INVALID] = rib->naspa[ASPA_INVALID + 1];
	c->aspa[ASPA_UNKNOWN] = rib->naspa[ASPA_UNKNOWN + 1];
	memcpy(c->leak, rib->nleak, sizeof(c->leak));
	c->sessions = rib->nsess;
	c->bytes = rib->mem;
}

size_t
rib_dirs(const struct rib *rib, rib_dir_cb *cb, void *arg)
{
	struct rib_dir_info di;
	const struct rib_sess *s;
	const struct rib_dir *d;
	size_t i, n = 0;
	int k;

	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		for (k = 0; k < 2; k++) {
			d = &s->dir[k];
			if (!d->used || d->t.n == 0)
				continue;
			memset(&di, 0, sizeof(di));
			di.session_id = s->id;
			di.src = d->src;
			di.dst = d->dst;
			di.sport = d->sport;
			di.dport = d->dport;
			di.peer_as = d->peer_as;
			di.routes = d->t.n;
			di.rpki[ROV_NOT_FOUND] = d->nstate[ROV_NOT_FOUND];
			di.rpki[ROV_VALID] = d->nstate[ROV_VALID];
			di.rpki[ROV_INVALID] = d->nstate[ROV_INVALID];
			di.held = s->held;
			di.stale = d->nstale;
			n++;
			if (cb != NULL)
				cb(arg, &di);
		}
	}
	return n;
}

bool
rib_check_tallies(const struct rib *rib)
{
	size_t st[3] = { 0 }, as[4] = { 0 }, lk[4] = { 0 }, n = 0;
	uint32_t ds[3];
	const struct rib_sess *s;
	const struct rib_dir *d;
	size_t i;
	uint32_t j;
	int k;

	for (i = 0; i <= rib->smask; i++) {
		if ((s = rib->sess[i]) == NULL)
			continue;
		for (k = 0; k < 2; k++) {
			d = &s->dir[k];
			memset(ds, 0, sizeof(ds));
			for (j = 0; j < d->t.n; j++) {
				ds[d->t.r[j].state]++;
				st[d->t.r[j].state]++;
				as[d->t.r[j].aspa]++;
				lk[d->t.r[j].leak]++;
				n++;
			}
			if (memcmp(ds, d->nstate, sizeof(ds)) != 0)
				return false;
		}
	}
	return n == rib->nroutes && memcmp(st, rib->nstate, sizeof(st)) == 0 &&
	    memcmp(as, rib->naspa, sizeof(as)) == 0 &&
	    memcmp(lk, rib->nleak, sizeof(lk)) == 0;
}
