/*
 * fuzz_vrp.c - VRP documents (vrp_parse: rpki-client, Routinator,
 * StayRTR/GoRTR JSON, bare JSON arrays, CSV; gzip and bzip2 by magic
 * bytes), then the ROV index built from what was accepted.
 *
 * Input: the document's bytes.  When a set comes back, two properties
 * are checked (abort on failure, so libFuzzer reports them):
 *   - the set is sorted by vrp_cmp() without duplicates, every entry
 *     within its family's limits (len <= maxlen <= 32/128, host bits 0);
 *   - every VRP (up to 256) validates its own prefix and ASN as VALID,
 *     unless its ASN is 0 (RFC 6483 section 4: AS0 never matches);
 *   - the ASPA records (the "aspas" and "provider_authorizations"
 *     arrays, vrp_parse_aspa.c) keep aspa_list.c's invariants: customer
 *     not 0 and not among its own 1..ASPA_MAX_PROVIDERS providers, the
 *     providers within the pool, a known trust anchor or none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "rpki/rov.h"
#include "rpki/vrp_load.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

static void
check_aspa(const struct vrp_set *set)
{
	const struct aspa_list *l = &set->aspa;
	size_t i, j;

	if (l->n + l->rejected < set->aspa_records) {
		fprintf(stderr, "fuzz_vrp: ASPA records lost uncounted\n");
		abort();
	}
	for (i = 0; i < l->n; i++) {
		const struct aspa_record *r = &l->r[i];

		if (r->customer == 0 || r->nproviders == 0 ||
		    r->nproviders > ASPA_MAX_PROVIDERS ||
		    (size_t)r->first + r->nproviders > l->npool ||
		    r->expires < 0 ||
		    (r->ta != ASPA_TA_NONE && r->ta >= set->nta)) {
			fprintf(stderr, "fuzz_vrp: ASPA record %zu breaks the "
			    "list's invariants\n", i);
			abort();
		}
		for (j = 0; j < r->nproviders; j++)
			if (l->pool[r->first + j] == r->customer) {
				fprintf(stderr, "fuzz_vrp: ASPA record %zu: "
				    "customer among its providers\n", i);
				abort();
			}
	}
	(void)aspa_list_customers(l);
	(void)aspa_list_expired(l, 1700000000);
}

static void
check_set(const struct vrp_set *set)
{
	struct prefix p;
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct vrp *v = &set->v[i];

		p = v->prefix;
		if ((v->prefix.family != ADDR_V4 && v->prefix.family != ADDR_V6) ||
		    v->prefix.len > v->maxlen ||
		    v->maxlen > addr_maxlen(v->prefix.family) ||
		    prefix_mask(&p) || v->ta >= set->nta ||
		    (i > 0 && vrp_cmp(&set->v[i - 1], v) >= 0)) {
			fprintf(stderr, "fuzz_vrp: entry %zu breaks the set's "
			    "invariants\n", i);
			abort();
		}
	}
	if (set->nv4 + set->nv6 != set->n) {
		fprintf(stderr, "fuzz_vrp: nv4 + nv6 != n\n");
		abort();
	}
	check_aspa(set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrp_set *set;
	struct rov_index *idx;
	struct rov_result res;
	const struct vrp_set *s;
	char buf[PREFIX_STRLEN];
	uint8_t *copy;
	size_t i;

	/* An exact-size copy: vrp_parse must not need a NUL after it. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(copy, data, size);
	set = vrp_parse("fuzz", copy, size);
	free(copy);
	if (set == NULL)
		return 0;
	check_set(set);
	(void)vrp_set_expired(set, 1700000000);
	vrp_set_warn_stale(set, 1700000000);
	if ((idx = rov_index_build(set)) == NULL) {	/* owns set now */
		fprintf(stderr, "fuzz_vrp: rov_index_build failed\n");
		abort();
	}
	s = rov_index_set(idx);
	(void)rov_index_memory(idx);
	for (i = 0; i < s->n && i < 256; i++) {
		const struct vrp *v = &s->v[i];

		prefix_fmt(&v->prefix, buf, sizeof(buf));
		rov_check(idx, &v->prefix, true, v->asn, &res);
		if (v->asn != 0 && res.state != ROV_VALID) {
			fprintf(stderr, "fuzz_vrp: %s AS%u maxlen %u is not "
			    "VALID against its own VRP (state %s)\n", buf,
			    v->asn, v->maxlen, rov_state_name(res.state));
			abort();
		}
		rov_check(idx, &v->prefix, false, 0, &res);
		if (res.state != ROV_INVALID) {
			fprintf(stderr, "fuzz_vrp: %s with no origin is not "
			    "INVALID\n", buf);
			abort();
		}
	}
	rov_index_free(idx);
	return 0;
}
