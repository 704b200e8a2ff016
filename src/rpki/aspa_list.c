/*
 * aspa_list.c - the ASPA records of one VRP source, as loaded
 * (rpki/aspa.h): appended one at a time by the parsers
 * (vrp_parse_json.c) and the Redis reader (vrp_redis_read.c), freed
 * with the vrp_set that holds them.
 *
 * Invariants of a list (what aspa_index_build() in aspa.c relies on):
 *   - every record has customer != 0 and 1..ASPA_MAX_PROVIDERS
 *     providers, expires >= 0;
 *   - r[i].first + r[i].nproviders <= npool: a record's providers are
 *     pool[first .. first + nproviders - 1], copied in as given (order
 *     and duplicates kept; the index sorts and unions them);
 *   - n <= ASPA_MAX_RECORDS and npool <= ASPA_MAX_POOL;
 *   - oldest_expiry is min(expires) over the records with expires != 0.
 * Provider AS0 is kept: in an ASPA it says "this customer has no
 * provider" (draft-ietf-sidrops-aspa-profile), and the verification
 * treats it like any other provider that can never appear in a path.
 * Records are not merged here: a customer with records from two trust
 * anchors keeps both, so that `rovctl aspa show` can say where each
 * provider came from; the union is the index's job.
 */
#include <stdlib.h>
#include <string.h>

#include "rpki/aspa.h"

/* Grow an array of `size`-byte elements to hold `need`; 0 or -1. */
static int
grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap == 0 ? first : *cap;
	while (ncap < need)
		ncap *= 2;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int
aspa_list_add(struct aspa_list *l, uint32_t customer,
    const uint32_t *providers, size_t nproviders, int64_t expires,
    uint8_t ta, const char **why)
{
	struct aspa_record *r;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (customer == 0) {
		*why = "customer AS0";
		return -1;
	}
	if (nproviders == 0) {
		*why = "no providers";
		return -1;
	}
	if (nproviders > ASPA_MAX_PROVIDERS) {
		*why = "more than 16384 providers";
		return -1;
	}
	if (expires < 0) {
		*why = "expires before 1970";
		return -1;
	}
	if (l->n >= ASPA_MAX_RECORDS) {
		*why = "too many ASPA records";
		return -1;
	}
	if (l->npool + nproviders > ASPA_MAX_POOL) {
		*why = "too many providers in all ASPA records";
		return -1;
	}
	if (grow((void **)&l->r, &l->cap, l->n + 1, sizeof(*l->r), 64) == -1 ||
	    grow((void **)&l->pool, &l->cappool, l->npool + nproviders,
	    sizeof(*l->pool), 256) == -1) {
		*why = "out of memory";
		return -1;
	}
	r = &l->r[l->n++];
	memset(r, 0, sizeof(*r));
	r->customer = customer;
	r->nproviders = (uint32_t)nproviders;
	r->first = (uint32_t)l->npool;
	r->expires = expires;
	r->ta = ta;
	memcpy(l->pool + l->npool, providers, nproviders * sizeof(*providers));
	l->npool += nproviders;
	if (expires != 0 && (l->oldest_expiry == 0 ||
	    expires < l->oldest_expiry))
		l->oldest_expiry = expires;
	return 0;
}

void
aspa_list_free(struct aspa_list *l)
{
	if (l == NULL)
		return;
	free(l->r);
	free(l->pool);
	memset(l, 0, sizeof(*l));
}

size_t
aspa_list_expired(const struct aspa_list *l, int64_t now)
{
	size_t i, n = 0;

	if (l == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (l->r[i].expires != 0 && l->r[i].expires < now)
			n++;
	return n;
}

static int
asn_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
aspa_list_customers(const struct aspa_list *l)
{
	uint32_t *c;
	size_t i, n = 0;

	if (l == NULL || l->n == 0)
		return 0;
	if ((c = reallocarray(NULL, l->n, sizeof(*c))) == NULL)
		return l->n;	/* an upper bound beats no answer */
	for (i = 0; i < l->n; i++)
		c[i] = l->r[i].customer;
	qsort(c, l->n, sizeof(*c), asn_cmp);
	for (i = 0; i < l->n; i++)
		if (i == 0 || c[i] != c[i - 1])
			n++;
	free(c);
	return n;
}

