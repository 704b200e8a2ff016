/*
 * rules_filter.c - event_filter state, and keeping it across a reload.
 *
 * event_filter.  Per rule, a table keyed by what is tracked (nothing,
 * the sending peer's address, or the prefix) of {window start, count},
 * times from ev->ts only, so replays of a capture are deterministic.
 * The table is capped (FILTER_MAX_TRACK); when full, expired windows are
 * dropped and, if it is still full, new keys share one overflow entry
 * (they are then limited together, never more often than configured).
 * A reload keeps this state for rules that did not change (see
 * rules_take_state()): otherwise each SIGHUP would let another `count'
 * alerts through per tracked key.  Every alert or log event a filter
 * holds back is counted, per rule and in stats.alert_event_filtered.
 */
#include <stdlib.h>
#include <string.h>

#include "alert/rules_internal.h"

static uint32_t
key_hash(const uint8_t *k)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 18; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static struct filter_ent *
tab_slot(struct filter_ent *tab, size_t cap, const uint8_t *key)
{
	size_t i = key_hash(key) & (cap - 1);

	while (tab[i].used && memcmp(tab[i].key, key, 18) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Rehash into cap slots, dropping windows that ended before now. */
static int
tab_rehash(struct event_filter *ef, size_t cap, int64_t now)
{
	struct filter_ent *nt, *e;
	int64_t win = (int64_t)ef->seconds * 1000000;
	size_t i;

	if ((nt = calloc(cap, sizeof(*nt))) == NULL)
		return -1;
	ef->used = 0;
	/* the first call has no table yet (tab NULL, cap 0) */
	for (i = 0; ef->tab != NULL && i < ef->cap; i++) {
		if (!ef->tab[i].used || now - ef->tab[i].start >= win)
			continue;
		e = tab_slot(nt, cap, ef->tab[i].key);
		*e = ef->tab[i];
		ef->used++;
	}
	free(ef->tab);
	ef->tab = nt;
	ef->cap = cap;
	return 0;
}

static struct filter_ent *
filter_entry(struct event_filter *ef, const struct route_event *ev,
    int64_t now)
{
	struct filter_ent *e;
	uint8_t key[18];

	memset(key, 0, sizeof(key));
	if (ef->track == TRACK_RULE)
		return &ef->overflow;
	if (ef->track == TRACK_PEER) {
		key[0] = ev->src_addr.family;
		memcpy(key + 2, ev->src_addr.a, 16);
	} else {
		key[0] = ev->prefix.family;
		key[1] = ev->prefix.len;
		memcpy(key + 2, ev->prefix.a, 16);
	}
	if (ef->tab == NULL && tab_rehash(ef, FILTER_MIN_TRACK, now) == -1)
		return &ef->overflow;
	e = tab_slot(ef->tab, ef->cap, key);
	if (e->used)
		return e;
	if ((ef->used + 1) * 4 > ef->cap * 3) {
		/* at the cap, sweep at most once a second of capture time */
		if (ef->cap >= FILTER_MAX_TRACK && now - ef->last_purge <
		    1000000 && now >= ef->last_purge)
			return &ef->overflow;
		ef->last_purge = now;
		if (tab_rehash(ef, ef->cap < FILTER_MAX_TRACK ? ef->cap * 2 :
		    ef->cap, now) == -1 || (ef->used + 1) * 4 > ef->cap * 3)
			return &ef->overflow;
		e = tab_slot(ef->tab, ef->cap, key);
	}
	memcpy(e->key, key, sizeof(key));
	e->used = true;
	e->count = 0;
	e->start = now;
	ef->used++;
	return e;
}

/* Snort semantics: limit = the first count per window; threshold =
 * every count-th; both = once per window, at the count-th. */
bool
rules_filter_allow(struct event_filter *ef, const struct route_event *ev)
{
	int64_t now = (int64_t)ev->ts.tv_sec * 1000000 + ev->ts.tv_usec;
	int64_t win = (int64_t)ef->seconds * 1000000;
	struct filter_ent *e = filter_entry(ef, ev, now);

	if (!e->used || now - e->start >= win) {
		e->used = true;
		e->start = now;
		e->count = 0;
	}
	e->count++;
	switch (ef->type) {
	case FT_LIMIT:
		return e->count <= ef->count;
	case FT_THRESHOLD:
		if (e->count < ef->count)
			return false;
		e->count = 0;
		return true;
	case FT_BOTH:
	default:
		return e->count == ef->count;
	}
}

/* ---- reload ---- */

/* The same rule, filtered the same way: its counts still mean the same. */
static bool
filter_same(const struct rule *x, const struct rule *y)
{
	return x->has_filter && y->has_filter && x->gid == y->gid &&
	    x->sid == y->sid && x->rev == y->rev &&
	    x->ef.track == y->ef.track && x->ef.type == y->ef.type &&
	    x->ef.count == y->ef.count && x->ef.seconds == y->ef.seconds;
}

/* The rules of rs in (gid, sid) order; NULL on ENOMEM.  Caller frees. */
static struct rule **
by_sid(struct ruleset *rs)
{
	struct rule **v;
	unsigned i;

	if ((v = calloc(rs->n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < rs->n; i++)
		v[i] = &rs->rules[i];
	qsort(v, rs->n, sizeof(*v), rules_sid_cmp);
	return v;
}

/*
 * Both sets are walked in (gid, sid) order, so a reload of 100,000 rules
 * costs two sorts, not n * n lookups.  sids are unique in a loaded set,
 * so each rule meets at most one counterpart.
 */
int
rules_take_state(struct ruleset *to, struct ruleset *from)
{
	struct rule **a = NULL, **b = NULL;
	unsigned i = 0, j = 0;
	int n = 0;

	if (to == NULL || from == NULL || to->n == 0 || from->n == 0)
		return 0;
	if ((a = by_sid(to)) == NULL || (b = by_sid(from)) == NULL) {
		free(a);
		return -1;
	}
	while (i < to->n && j < from->n) {
		if (a[i]->gid != b[j]->gid || a[i]->sid != b[j]->sid) {
			if (a[i]->gid < b[j]->gid || (a[i]->gid == b[j]->gid &&
			    a[i]->sid < b[j]->sid))
				i++;
			else
				j++;
			continue;
		}
		if (filter_same(a[i], b[j])) {
			/* the parameters are equal: the whole struct moves */
			free(a[i]->ef.tab);
			a[i]->ef = b[j]->ef;
			b[j]->ef.tab = NULL;
			b[j]->ef.cap = b[j]->ef.used = 0;
			n++;
		}
		i++;
		j++;
	}
	free(a);
	free(b);
	return n;
}
