/*
 * rovctl_aspa.c - rovctl aspa show ASN (rovctl.h): the provider set of
 * one customer AS as rovmon verifies with it (the union over all of the
 * customer's ASPA objects, draft-ietf-sidrops-aspa-verification section
 * 5), and each ASPA object it came from (trust anchor, expiry, its
 * providers), from --from/--vrps FILE|URL or the current generation in
 * Redis.  Exit codes as for validate (rovctl.h): 0 found, 5 no ASPA
 * for that customer, 4 source unavailable, 2 usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "rovctl/rovctl.h"
#include "rpki/aspa.h"
#include "rpki/vrp.h"

static int
asn_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted union of customer's providers into *out (the caller frees
 * it); the count, or -1 when memory ran out. */
static long
provider_union(const struct aspa_list *l, uint32_t customer, uint32_t **out)
{
	const struct aspa_record *r;
	uint32_t *u = NULL, *nu;
	size_t i, n = 0, k;

	for (i = 0; i < l->n; i++) {
		r = &l->r[i];
		if (r->customer != customer)
			continue;
		if ((nu = reallocarray(u, n + r->nproviders, sizeof(*u))) ==
		    NULL) {
			free(u);
			return -1;
		}
		u = nu;
		memcpy(u + n, l->pool + r->first, r->nproviders * sizeof(*u));
		n += r->nproviders;
	}
	if (n > 0)
		qsort(u, n, sizeof(*u), asn_cmp);
	for (i = k = 0; i < n; i++)
		if (k == 0 || u[k - 1] != u[i])
			u[k++] = u[i];
	*out = u;
	return (long)k;
}

static const char *
ta_name(const struct vrp_set *set, const struct aspa_record *r)
{
	if (r->ta == ASPA_TA_NONE || r->ta >= set->nta)
		return NULL;
	return set->ta[r->ta];
}

static json_t *
asn_array(const uint32_t *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

/* {"customer_as", "providers", "records": [...], "data"} */
static json_t *
show_json(const struct vrp_set *set, uint64_t gen, uint32_t customer,
    const uint32_t *u, size_t nu)
{
	const struct aspa_list *l = &set->aspa;
	const struct aspa_record *r;
	json_t *recs = json_array();
	size_t i;

	for (i = 0; recs != NULL && i < l->n; i++) {
		r = &l->r[i];
		if (r->customer != customer)
			continue;
		json_array_append_new(recs, json_pack("{s:s?, s:o, s:o}",
		    "ta", ta_name(set, r), "expires", r->expires > 0 ?
		    json_integer((json_int_t)r->expires) : json_null(),
		    "providers", asn_array(l->pool + r->first,
		    r->nproviders)));
	}
	return json_pack("{s:I, s:o, s:o, s:{s:s?, s:I}}", "customer_as",
	    (json_int_t)customer, "providers", asn_array(u, nu), "records",
	    recs, "data", "source", set->source, "generation",
	    (json_int_t)gen);
}

static void
show_text(const struct vrp_set *set, uint32_t customer, const uint32_t *u,
    size_t nu)
{
	const struct aspa_list *l = &set->aspa;
	const struct aspa_record *r;
	const char *ta;
	char t[32];
	size_t i, j, nrec = 0;

	for (i = 0; i < l->n; i++)
		nrec += l->r[i].customer == customer;
	printf("AS%u: %zu provider%s (union of %zu ASPA object%s):", customer,
	    nu, nu == 1 ? "" : "s", nrec, nrec == 1 ? "" : "s");
	for (i = 0; i < nu; i++)
		printf(" AS%u", u[i]);
	putchar('\n');
	for (i = 0; i < l->n; i++) {
		r = &l->r[i];
		if (r->customer != customer)
			continue;
		ta = ta_name(set, r);
		printf("  ta %s, expires %s:", ta != NULL ? ta : "-",
		    rovctl_fmt_time(r->expires, t, sizeof(t)));
		for (j = 0; j < r->nproviders; j++)
			printf(" AS%u", l->pool[r->first + j]);
		putchar('\n');
	}
}

int
rovctl_cmd_aspa_show(const struct rovctl_opts *o, int argc, char **argv)
{
	struct vrp_set *set;
	uint32_t customer, *u = NULL;
	uint64_t gen;
	char err[256];
	const char *file;
	long nu;
	int rv;

	if (argc != 1)
		return rovctl_usage_error("aspa show needs one customer ASN, "
		    "got %d arguments", argc);
	if (rovctl_parse_asn(argv[0], &customer, err, sizeof(err)) == -1)
		return rovctl_usage_error("%s", err);
	if (o->from != NULL && o->vrps != NULL)
		return rovctl_usage_error("--from and --vrps: choose one");
	file = o->from != NULL ? o->from : o->vrps;
	if ((rv = rovctl_get_set(o, file, &set, &gen)) != 0)
		return rv;
	if ((nu = provider_union(&set->aspa, customer, &u)) == -1) {
		log_warnx("out of memory");
		vrp_set_free(set);
		return EX_ERROR;
	}
	if (nu == 0) {
		/* An answer on stdout; why there is none on stderr. */
		if (o->json)
			rovctl_json_out(show_json(set, gen, customer, u, 0));
		else
			printf("no ASPA for AS%u\n", customer);
		if (set->aspa.n == 0)
			log_warnx("%s holds no ASPA objects at all",
			    set->source != NULL ? set->source : "the source");
		rv = EX_NOTFOUND;
	} else if (o->json)
		rovctl_json_out(show_json(set, gen, customer, u, (size_t)nu));
	else
		show_text(set, customer, u, (size_t)nu);
	free(u);
	vrp_set_free(set);
	return rv;
}
