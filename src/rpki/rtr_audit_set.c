/*
 * rtr_audit_set.c - a router's RPKI data as its cache sent it over RTR,
 * and its difference with rovmon's reference.
 *
 * The VRP set is keyed by (prefix, maxLength, ASN), as RTR announces and
 * withdraws them (RFC 8210 section 5.6: the same triple is one record,
 * whatever trust anchor it came from): an open-addressing table with
 * linear probing and backward-shift deletion, so a long session of
 * announce/withdraw leaves no tombstones.  ASPAs are keyed by customer
 * (and, in draft 8210bis-10's layout, the address family).
 *
 * The difference is a merge of two sorted lists: the router's VRPs
 * sorted into the reference's order (vrp_cmp: family, address, length,
 * maxLength, ASN; the reference's duplicates already collapsed), so it
 * costs O(n log n) once per End of Data or reference change, not per PDU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/log.h"
#include "rpki/rtr_audit_internal.h"
#include "rpki/vrp.h"

/* ---- VRPs ---- */

static uint64_t
rvrp_hash(const struct rvrp *v)
{
	uint64_t h, w0, w1;

	memcpy(&w0, v->a, 8);
	memcpy(&w1, v->a + 8, 8);
	h = hash_word64(0x9e3779b97f4a7c15ull, w0);
	h = hash_word64(h, w1);
	h = hash_word64(h, ((uint64_t)v->family << 48) |
	    ((uint64_t)v->len << 40) | ((uint64_t)v->maxlen << 32) | v->asn);
	return hash_fmix64(h);
}

static bool
rvrp_eq(const struct rvrp *x, const struct rvrp *y)
{
	return x->family == y->family && x->len == y->len &&
	    x->maxlen == y->maxlen && x->asn == y->asn &&
	    memcmp(x->a, y->a, 16) == 0;
}

static int
vset_grow(struct vset *s)
{
	struct rvrp *nt, *e;
	size_t ncap = s->cap == 0 ? 1024 : s->cap * 2, i, j;

	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		e = &s->t[i];
		if (!e->used)
			continue;
		for (j = rvrp_hash(e) & (ncap - 1); nt[j].used;
		    j = (j + 1) & (ncap - 1))
			;
		nt[j] = *e;
	}
	free(s->t);
	s->t = nt;
	s->cap = ncap;
	return 0;
}

int
vset_add(struct vset *s, const struct rvrp *v)
{
	size_t i;

	if ((s->n + 1) * 4 > s->cap * 3 && vset_grow(s) == -1)
		return -1;
	for (i = rvrp_hash(v) & (s->cap - 1); s->t[i].used;
	    i = (i + 1) & (s->cap - 1))
		if (rvrp_eq(&s->t[i], v))
			return 0;
	s->t[i] = *v;
	s->t[i].used = 1;
	s->n++;
	return 1;
}

bool
vset_del(struct vset *s, const struct rvrp *v)
{
	size_t i, j, k, mask = s->cap - 1;

	if (s->cap == 0)
		return false;
	for (i = rvrp_hash(v) & mask; s->t[i].used; i = (i + 1) & mask)
		if (rvrp_eq(&s->t[i], v))
			break;
	if (!s->t[i].used)
		return false;
	/* backward shift: pull later entries of the probe run into the
	 * hole when their home slot is not between the hole and them */
	for (j = i;;) {
		s->t[i].used = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (!s->t[j].used)
				goto done;
			k = rvrp_hash(&s->t[j]) & mask;
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		s->t[i] = s->t[j];
		i = j;
	}
done:
	s->n--;
	return true;
}

void
vset_clear(struct vset *s)
{
	if (s->cap > 0)
		memset(s->t, 0, s->cap * sizeof(*s->t));
	s->n = 0;
}

void
vset_free(struct vset *s)
{
	free(s->t);
	memset(s, 0, sizeof(*s));
}

void
rvrp_fmt(const struct rvrp *v, char *buf, size_t len)
{
	struct prefix p;
	char pb[PREFIX_STRLEN];

	p.family = v->family;
	p.len = v->len;
	memcpy(p.a, v->a, 16);
	snprintf(buf, len, "%s-%u AS%u", prefix_fmt(&p, pb, sizeof(pb)),
	    v->maxlen, v->asn);
}

/* ---- ASPAs ---- */

static uint64_t
aspa_hash(uint32_t customer, uint8_t afi)
{
	return hash_fmix64(((uint64_t)afi << 32) | customer);
}

static int
aset_grow(struct aset *s)
{
	struct raspa *nt, *e;
	size_t ncap = s->cap == 0 ? 64 : s->cap * 2, i, j;

	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		e = &s->t[i];
		if (!e->used)
			continue;
		for (j = aspa_hash(e->customer, e->afi) & (ncap - 1);
		    nt[j].used; j = (j + 1) & (ncap - 1))
			;
		nt[j] = *e;
	}
	free(s->t);
	s->t = nt;
	s->cap = ncap;
	return 0;
}

static struct raspa *
aset_find(const struct aset *s, uint32_t customer, uint8_t afi)
{
	size_t i;

	if (s->cap == 0)
		return NULL;
	for (i = aspa_hash(customer, afi) & (s->cap - 1); s->t[i].used;
	    i = (i + 1) & (s->cap - 1))
		if (s->t[i].customer == customer && s->t[i].afi == afi)
			return &s->t[i];
	return NULL;
}

static int
u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

int
aset_put(struct aset *s, uint32_t customer, uint8_t afi,
    const uint32_t *prov, uint32_t n)
{
	struct raspa *e;
	uint32_t *copy = NULL;
	size_t i;

	if (n > 0) {
		if ((copy = calloc(n, sizeof(*copy))) == NULL)
			return -1;
		memcpy(copy, prov, n * sizeof(*copy));
		qsort(copy, n, sizeof(*copy), u32_cmp);
	}
	if ((e = aset_find(s, customer, afi)) != NULL) {
		free(e->prov);
		e->prov = copy;
		e->n = n;
		return 0;
	}
	if ((s->n + 1) * 4 > s->cap * 3 && aset_grow(s) == -1) {
		free(copy);
		return -1;
	}
	for (i = aspa_hash(customer, afi) & (s->cap - 1); s->t[i].used;
	    i = (i + 1) & (s->cap - 1))
		;
	e = &s->t[i];
	e->used = 1;
	e->customer = customer;
	e->afi = afi;
	e->prov = copy;
	e->n = n;
	s->n++;
	return 0;
}

/* Few ASPAs: deletion rebuilds the table rather than shifting. */
bool
aset_del(struct aset *s, uint32_t customer, uint8_t afi)
{
	struct aset ns;
	struct raspa *e;
	size_t i;

	if ((e = aset_find(s, customer, afi)) == NULL)
		return false;
	free(e->prov);
	e->prov = NULL;
	e->used = 0;
	memset(&ns, 0, sizeof(ns));
	for (i = 0; i < s->cap; i++) {
		if (!s->t[i].used)
			continue;
		if (aset_put(&ns, s->t[i].customer, s->t[i].afi,
		    s->t[i].prov, s->t[i].n) == -1) {
			/* keep the old table, minus the hole's probe
			 * guarantee: mark the slot as a lone used entry */
			aset_free(&ns);
			e->used = 1;
			e->n = 0;
			return true;
		}
	}
	aset_free(s);
	*s = ns;
	return true;
}

void
aset_clear(struct aset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->t[i].prov);
	if (s->cap > 0)
		memset(s->t, 0, s->cap * sizeof(*s->t));
	s->n = 0;
}

void
aset_free(struct aset *s)
{
	aset_clear(s);
	free(s->t);
	memset(s, 0, sizeof(*s));
}

/* The entry of its customer with the lowest family: a customer with
 * entries for both families (draft -10 layout) counts once. */
static bool
first_of_customer(const struct aset *s, const struct raspa *e)
{
	unsigned afi;

	for (afi = 0; afi < e->afi; afi++)
		if (aset_find(s, e->customer, (uint8_t)afi) != NULL)
			return false;
	return true;
}

size_t
aset_customers(const struct aset *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->cap; i++)
		if (s->t[i].used && first_of_customer(s, &s->t[i]))
			n++;
	return n;
}

/* ---- the difference ---- */

static int
rvrp_vrp_cmp(const void *x, const void *y)
{
	return vrp_cmp(x, y);
}

static void
to_vrp(const struct rvrp *r, struct vrp *v)
{
	memset(v, 0, sizeof(*v));
	v->prefix.family = r->family;
	v->prefix.len = r->len;
	memcpy(v->prefix.a, r->a, 16);
	v->maxlen = r->maxlen;
	v->asn = r->asn;
}

static void
from_vrp(const struct vrp *v, struct rvrp *r)
{
	memset(r, 0, sizeof(*r));
	r->family = v->prefix.family;
	r->len = v->prefix.len;
	memcpy(r->a, v->prefix.a, 16);
	r->maxlen = v->maxlen;
	r->asn = v->asn;
}

/* The router's VRPs as struct vrp, sorted; NULL (n 0 ok) on ENOMEM. */
static struct vrp *
sorted_vrps(const struct vset *s, size_t *n)
{
	struct vrp *v;
	size_t i, k = 0;

	*n = s->n;
	if ((v = calloc(s->n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < s->cap; i++)
		if (s->t[i].used)
			to_vrp(&s->t[i], &v[k++]);
	qsort(v, k, sizeof(*v), rvrp_vrp_cmp);
	return v;
}

static void
example(char ex[][RTR_AUDIT_EXAMPLE_LEN], size_t *nex, const struct vrp *v)
{
	struct rvrp r;

	if (*nex >= RTR_AUDIT_EXAMPLES)
		return;
	from_vrp(v, &r);
	rvrp_fmt(&r, ex[(*nex)++], RTR_AUDIT_EXAMPLE_LEN);
}

/* Providers of customer in the router's set, both families merged
 * (sorted, unique) into buf; the count. */
static size_t
router_providers(const struct aset *s, uint32_t customer, uint32_t **buf,
    bool *found)
{
	const struct raspa *e;
	uint32_t *v = NULL, *nv;
	size_t n = 0, i, k;
	unsigned afi;

	*found = false;
	for (afi = 0; afi < 4; afi++) {
		if ((e = aset_find(s, customer, (uint8_t)afi)) == NULL)
			continue;
		*found = true;
		if ((nv = realloc(v, (n + e->n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		memcpy(v + n, e->prov, e->n * sizeof(*v));
		n += e->n;
	}
	if (n > 0) {
		qsort(v, n, sizeof(*v), u32_cmp);
		for (k = 1, i = 1; i < n; i++)
			if (v[i] != v[k - 1])
				v[k++] = v[i];
		n = k;
	}
	*buf = v;
	return n;
}

static bool
same_providers(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	uint32_t *s;
	size_t i, k;
	bool same;

	if (nb == 0)
		return na == 0;
	if ((s = calloc(nb, sizeof(*s))) == NULL)
		return false;
	memcpy(s, b, nb * sizeof(*s));
	qsort(s, nb, sizeof(*s), u32_cmp);
	for (k = 1, i = 1; i < nb; i++)
		if (s[i] != s[k - 1])
			s[k++] = s[i];
	same = k == na && memcmp(a, s, na * sizeof(*s)) == 0;
	free(s);
	return same;
}

static void
diff_aspa(const struct aset *as, const struct rov_index *ref,
    const struct aspa_index *aref, struct rtr_diff *d)
{
	const struct vrp_set *rs = rov_index_set(ref);
	const uint32_t *rp;
	uint32_t *mine, *seen;
	size_t i, nr, nm, nseen = 0;
	bool found;

	/* the router's customers against the reference */
	for (i = 0; i < as->cap; i++) {
		if (!as->t[i].used || !first_of_customer(as, &as->t[i]))
			continue;
		nm = router_providers(as, as->t[i].customer, &mine, &found);
		rp = aspa_index_providers(aref, as->t[i].customer, &nr);
		if (rp == NULL)
			d->aspa_extra++;
		else if (!same_providers(mine, nm, rp, nr))
			d->aspa_differ++;
		free(mine);
	}
	/* the reference's customers the router lacks (records may repeat
	 * a customer: count each once) */
	if (rs == NULL || rs->aspa.n == 0)
		return;
	if ((seen = calloc(rs->aspa.n, sizeof(*seen))) == NULL)
		return;
	for (i = 0; i < rs->aspa.n; i++)
		seen[nseen++] = rs->aspa.r[i].customer;
	qsort(seen, nseen, sizeof(*seen), u32_cmp);
	for (i = 0; i < nseen; i++) {
		if (i > 0 && seen[i] == seen[i - 1])
			continue;
		if (aset_find(as, seen[i], 0) == NULL &&
		    aset_find(as, seen[i], 1) == NULL)
			d->aspa_lacks++;
	}
	free(seen);
}

int
rtr_diff_compute(const struct vset *vs, const struct aset *as,
    const struct rov_index *ref, const struct aspa_index *aref,
    struct rtr_diff *d)
{
	const struct vrp_set *rs = rov_index_set(ref);
	struct vrp *mine;
	size_t n, i = 0, j = 0;
	int c;

	memset(d, 0, sizeof(*d));
	if ((mine = sorted_vrps(vs, &n)) == NULL)
		return -1;
	while (i < n || (rs != NULL && j < rs->n)) {
		if (i == n)
			c = 1;
		else if (rs == NULL || j == rs->n)
			c = -1;
		else
			c = vrp_cmp(&mine[i], &rs->v[j]);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			d->extra++;
			example(d->extra_ex, &d->nextra_ex, &mine[i++]);
		} else {
			d->lacks++;
			example(d->lacks_ex, &d->nlacks_ex, &rs->v[j++]);
		}
	}
	free(mine);
	if (aref != NULL)
		diff_aspa(as, ref, aref, d);
	return 0;
}

struct rov_index *
rtr_vset_index(const struct vset *vs)
{
	struct vrp_set *set;
	struct prefix p;
	const char *why;
	size_t i;

	if ((set = vrp_set_new()) == NULL)
		return NULL;
	if (vrp_set_reserve(set, vs->n) == -1)
		goto fail;
	for (i = 0; i < vs->cap; i++) {
		if (!vs->t[i].used)
			continue;
		p.family = vs->t[i].family;
		p.len = vs->t[i].len;
		memcpy(p.a, vs->t[i].a, 16);
		if (vrp_set_add(set, &p, vs->t[i].maxlen, vs->t[i].asn, "rtr",
		    0, &why) == -1)
			log_debug("rtr audit: VRP not indexed: %s", why);
	}
	return rov_index_build(set);
fail:
	vrp_set_free(set);
	return NULL;
}
