/*
 * vrp.c - the VRP set: checks on ingest, trust anchor names, sort and
 * dedupe, staleness.
 *
 * Invariants of a finished set (what rov.c builds on):
 *   - every entry passed the checks in vrp_set_add(): prefix length <=
 *     maxLength <= 32/128, host bits clear, ASN in 0..4294967295 (AS0
 *     kept), ta < nta;
 *   - v[] is sorted by (family, address, length, maxlen, asn), IPv4
 *     first, and no two entries share (prefix, maxlen, asn): duplicates
 *     are collapsed into the one with the latest expiry;
 *   - n <= VRP_MAX_COUNT.
 * Parsers (vrp_parse_record.c) feed vrp_set_add() one record at a time
 * and vrp_parse() calls vrp_set_finish() once at the end.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "rpki/vrp.h"

struct vrp_set *
vrp_set_new(void)
{
	return calloc(1, sizeof(struct vrp_set));
}

void
vrp_set_free(struct vrp_set *set)
{
	unsigned i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nta; i++)
		free(set->ta[i]);
	free(set->source);
	free(set->v);
	aspa_list_free(&set->aspa);
	free(set);
}

/*
 * Index of the trust anchor name, adding it when new.  The last name is
 * checked first: real files come grouped by TA.  -1 when the table is
 * full, the name too long, or memory ran out.
 */
int
vrp_set_ta(struct vrp_set *set, const char *ta, const char **why)
{
	size_t len;
	unsigned i;

	if (ta == NULL)
		ta = "";
	len = strlen(ta);
	if (len > VRP_TA_NAMELEN) {
		*why = "trust anchor name too long";
		return -1;
	}
	if (set->ta_last < set->nta && strcmp(set->ta[set->ta_last], ta) == 0)
		return (int)set->ta_last;
	for (i = 0; i < set->nta; i++) {
		if (strcmp(set->ta[i], ta) == 0) {
			set->ta_last = i;
			return (int)i;
		}
	}
	if (set->nta >= VRP_TA_MAX) {
		*why = "too many trust anchors";
		return -1;
	}
	if ((set->ta[set->nta] = strdup(ta)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	set->ta_last = set->nta;
	return (int)set->nta++;
}

/*
 * Ask for transparent huge pages on a large buffer about to be filled.
 * A full table touches ~100 MB; with 4 KiB pages the page faults cost
 * more than the parsing on some virtual machines (measured: reading the
 * 75 MB rpki-client file took 0.45 s, 0.03 s with this).  Only a hint.
 */
void
vrp_mem_hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = (uintptr_t)p, pg = 4096, start, end;

	if (len < 4 * 1024 * 1024)
		return;
	start = (a + pg - 1) & ~(pg - 1);
	end = (a + len) & ~(pg - 1);
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

int
vrp_set_reserve(struct vrp_set *set, size_t ncap)
{
	struct vrp *nv;

	if (ncap > VRP_MAX_COUNT)
		ncap = VRP_MAX_COUNT;
	if (ncap <= set->cap)
		return 0;
	if ((nv = reallocarray(set->v, ncap, sizeof(*nv))) == NULL)
		return -1;
	set->v = nv;
	set->cap = ncap;
	vrp_mem_hint(set->v + set->n, (ncap - set->n) * sizeof(*nv));
	return 0;
}

static int
vrp_grow(struct vrp_set *set)
{
	if (set->n < set->cap)
		return 0;
	if (set->n >= VRP_MAX_COUNT)
		return -1;
	return vrp_set_reserve(set, set->cap == 0 ? 1024 : set->cap * 2);
}

int
vrp_set_add(struct vrp_set *set, const struct prefix *prefix,
    unsigned maxlen, uint64_t asn, const char *ta, int64_t expires,
    const char **why)
{
	struct vrp *v;
	struct prefix p;
	const char *dummy;
	int tai;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	p = *prefix;
	if (p.family != ADDR_V4 && p.family != ADDR_V6) {
		*why = "unknown address family";
		return -1;
	}
	if (p.len > addr_maxlen(p.family)) {
		*why = "prefix length too long";
		return -1;
	}
	if (maxlen < p.len) {
		*why = "maxLength shorter than the prefix length";
		return -1;
	}
	if (maxlen > addr_maxlen(p.family)) {
		*why = p.family == ADDR_V4 ? "maxLength longer than 32" :
		    "maxLength longer than 128";
		return -1;
	}
	if (asn > UINT32_MAX) {
		*why = "ASN out of range 0..4294967295";
		return -1;
	}
	if (expires < 0) {
		*why = "expires before 1970";
		return -1;
	}
	if (set->n >= VRP_MAX_COUNT) {
		*why = "too many VRPs";
		return -1;
	}
	if ((tai = vrp_set_ta(set, ta, why)) == -1)
		return -1;
	if (vrp_grow(set) == -1) {
		*why = "out of memory";
		return -1;
	}
	if (prefix_mask(&p))
		set->normalised++;
	v = &set->v[set->n++];
	memset(v, 0, sizeof(*v));
	v->prefix = p;
	v->maxlen = (uint8_t)maxlen;
	v->ta = (uint8_t)tai;
	v->asn = (uint32_t)asn;
	v->expires = expires;
	return 0;
}

/* The order rov.c relies on: family, address, length, maxlen, asn. */
int
vrp_cmp(const struct vrp *a, const struct vrp *b)
{
	int r;

	if (a->prefix.family != b->prefix.family)
		return a->prefix.family < b->prefix.family ? -1 : 1;
	if ((r = memcmp(a->prefix.a, b->prefix.a, sizeof(a->prefix.a))) != 0)
		return r < 0 ? -1 : 1;
	if (a->prefix.len != b->prefix.len)
		return a->prefix.len < b->prefix.len ? -1 : 1;
	if (a->maxlen != b->maxlen)
		return a->maxlen < b->maxlen ? -1 : 1;
	if (a->asn != b->asn)
		return a->asn < b->asn ? -1 : 1;
	return 0;
}

static int
vrp_qcmp(const void *a, const void *b)
{
	return vrp_cmp(a, b);
}

/*
 * Validators write their output sorted, though not always in our order
 * (rpki-client puts longer prefixes first at one address), so an
 * insertion sort finishes in about n steps without qsort's temporary
 * copy of the array.  It gives up after 8n moves and leaves the rest to
 * qsort, so hostile input costs no more than qsort plus 8n.
 */
static void
vrp_sort(struct vrp *v, size_t n)
{
	size_t i, j, budget = 8 * n;
	struct vrp t;

	for (i = 1; i < n; i++) {
		if (vrp_cmp(&v[i - 1], &v[i]) <= 0)
			continue;
		t = v[i];
		for (j = i; j > 0 && vrp_cmp(&v[j - 1], &t) > 0; j--) {
			v[j] = v[j - 1];
			if (budget-- == 0) {
				v[j - 1] = t;
				qsort(v, n, sizeof(*v), vrp_qcmp);
				return;
			}
		}
		v[j] = t;
	}
}

void
vrp_set_finish(struct vrp_set *set)
{
	size_t i, out;

	vrp_sort(set->v, set->n);

	/* Collapse duplicates, keeping the latest expiry (and its TA). */
	out = 0;
	for (i = 0; i < set->n; i++) {
		if (out > 0 && vrp_cmp(&set->v[out - 1], &set->v[i]) == 0) {
			if (set->v[i].expires > set->v[out - 1].expires)
				set->v[out - 1] = set->v[i];
			set->duplicates++;
			continue;
		}
		set->v[out++] = set->v[i];
	}
	set->n = out;

	set->nv4 = set->nv6 = 0;
	set->oldest_expiry = 0;
	for (i = 0; i < set->n; i++) {
		if (set->v[i].prefix.family == ADDR_V4)
			set->nv4++;
		else
			set->nv6++;
		if (set->v[i].expires != 0 && (set->oldest_expiry == 0 ||
		    set->v[i].expires < set->oldest_expiry))
			set->oldest_expiry = set->v[i].expires;
	}
}

size_t
vrp_set_expired(const struct vrp_set *set, int64_t now)
{
	size_t i, n = 0;

	if (set == NULL)
		return 0;
	for (i = 0; i < set->n; i++)
		if (set->v[i].expires != 0 && set->v[i].expires < now)
			n++;
	return n;
}

/* As vrp_set_warn_stale(), for the ASPA objects of the set. */
static void
warn_stale_aspa(const struct vrp_set *set, int64_t now)
{
	char when[32];
	struct tm tm;
	time_t t;
	size_t n;

	if (set == NULL || (n = aspa_list_expired(&set->aspa, now)) == 0)
		return;
	t = (time_t)set->aspa.oldest_expiry;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(when, "?");
	log_warnx("%s: ASPA set is stale: %zu of %zu ASPA objects expired, "
	    "oldest expiry %s", set->source != NULL ? set->source : "ASPAs",
	    n, set->aspa.n, when);
}

/*
 * One line per load when expired VRPs are present: rovmon keeps them
 * (see docs/vrps.md), so this is how an operator learns that the
 * validator feeding it has stopped.
 */
void
vrp_set_warn_stale(const struct vrp_set *set, int64_t now)
{
	char when[32];
	struct tm tm;
	time_t t;
	size_t n;

	if (set == NULL)
		return;
	if ((n = vrp_set_expired(set, now)) > 0) {
		t = (time_t)set->oldest_expiry;
		if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when),
		    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			strcpy(when, "?");
		log_warnx("%s: VRP set is stale: %zu of %zu VRPs expired, "
		    "oldest expiry %s", set->source != NULL ? set->source :
		    "VRPs", n, set->n, when);
	}
	warn_stale_aspa(set, now);
}

