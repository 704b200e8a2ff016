/*
 * vrp_parse_aspa.c - ASPA objects in the JSON VRP documents: each record
 * type-checked, range-checked by aspa_list_add(), bad ones counted and
 * the first VRP_LOG_RECORDS logged with where they are, like bad VRPs.
 *
 * The layouts (docs/vrps.md, "ASPA objects"), the top-level member
 * named first:
 *   "aspas": [{"customer_asid": 945, "expires": 1753070425,
 *              "providers": [13213, 150369]}, ...]
 *       rpki-client 8.5 and later;
 *   "aspas": [{"customer": "AS1234", "providers": ["AS1", "AS2"],
 *              "ta": "ripe"}, ...]
 *       Routinator (json, jsonext: no "ta", a "source" member ignored);
 *   "provider_authorizations": {"ipv4": [rpki-client records],
 *                               "ipv6": [...]}
 *       rpki-client 8.0 to 8.4 (and StayRTR's test files): one record
 *       per customer and address family; both are loaded, the index
 *       unions them;
 *   "provider_authorizations": [rpki-client records whose providers are
 *       {"asid": N, "afi_limit": "ipv4"}]
 *       the first ASPA output (rpki-client 7.x/8.0): the ASN is taken,
 *       the AFI limit dropped.
 * AFI limits are dropped because the ASPA profile no longer has them
 * (draft-ietf-sidrops-aspa-profile-16 and later: one provider set for
 * both families), and the verification draft asks for one set per
 * customer: a provider limited to one family is a provider for both
 * here, which can only turn an "invalid" into "valid", never hide a
 * provider that is listed.
 *
 * The ASPA arrays are small (100 objects in the real 2025 snapshot,
 * 13,294 in the 2023 test repository), so they are read by jansson as
 * a whole, unlike the "roas" array (vrp_parse_json.c).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/vrp_parse_internal.h"

/* One bad ASPA record: counted always, logged the first few times. */
static void ROVMON_PRINTF(2, 3)
aspa_bad(struct vrp_parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->set->aspa.rejected++ >= VRP_LOG_RECORDS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s record %zu: %s", p->name, p->aspa_where,
	    p->aspa_index, msg);
}

/* An ASN member: a JSON integer or an "ASn"/"n" string; 0 or -1. */
static int
json_asn(const json_t *j, uint32_t *asn)
{
	uint64_t v;

	if (json_is_integer(j)) {
		if (json_integer_value(j) < 0 ||
		    json_integer_value(j) > (json_int_t)UINT32_MAX)
			return -1;
		*asn = (uint32_t)json_integer_value(j);
		return 0;
	}
	if (json_is_string(j) && vrp_asn_parse(json_string_value(j),
	    json_string_length(j), &v) == 0) {
		*asn = (uint32_t)v;
		return 0;
	}
	return -1;
}

/* One element of "providers"; 0 or -1 (logged). */
static int
provider(struct vrp_parser *p, const json_t *e, size_t i, uint32_t *asn)
{
	const json_t *afi;
	const char *a;

	if (json_is_object(e)) {
		/* {"asid": N, "afi_limit": "ipv4"}: rpki-client 7.x/8.0 */
		afi = json_object_get(e, "afi_limit");
		if (afi != NULL && (!json_is_string(afi) ||
		    ((a = json_string_value(afi)), strcmp(a, "ipv4") != 0 &&
		    strcmp(a, "ipv6") != 0))) {
			aspa_bad(p, "provider %zu: afi_limit is not \"ipv4\" "
			    "or \"ipv6\"", i);
			return -1;
		}
		e = json_object_get(e, "asid");
		if (e == NULL) {
			aspa_bad(p, "provider %zu: an object without \"asid\"",
			    i);
			return -1;
		}
	}
	if (json_asn(e, asn) == -1) {
		aspa_bad(p, "provider %zu is not an AS number (0..4294967295, "
		    "\"ASn\" or {\"asid\": n})", i);
		return -1;
	}
	return 0;
}

/* The customer: "customer_asid" (rpki-client) or "customer" (Routinator). */
static int
customer(struct vrp_parser *p, const json_t *o, uint32_t *asn)
{
	const json_t *a = json_object_get(o, "customer_asid");
	const json_t *b = json_object_get(o, "customer");

	if (a != NULL && b != NULL) {
		aspa_bad(p, "both \"customer_asid\" and \"customer\"");
		return -1;
	}
	if (a == NULL && b == NULL) {
		aspa_bad(p, "customer missing (\"customer_asid\" or "
		    "\"customer\")");
		return -1;
	}
	if (json_asn(a != NULL ? a : b, asn) == -1) {
		aspa_bad(p, "customer is not an AS number (0..4294967295 or "
		    "\"ASn\")");
		return -1;
	}
	return 0;
}

/* expires and ta, both optional. */
static int
optional(struct vrp_parser *p, const json_t *o, int64_t *expires,
    uint8_t *ta)
{
	const json_t *e = json_object_get(o, "expires");
	const json_t *t = json_object_get(o, "ta");
	const char *why;
	int tai;

	*expires = 0;
	if (e != NULL) {
		if (!json_is_integer(e) || json_integer_value(e) < 0) {
			aspa_bad(p, "expires is not a non-negative integer");
			return -1;
		}
		*expires = json_integer_value(e);
	}
	*ta = ASPA_TA_NONE;
	if (t == NULL)
		return 0;
	if (!json_is_string(t) || json_string_length(t) > VRP_TA_NAMELEN ||
	    strlen(json_string_value(t)) != json_string_length(t)) {
		aspa_bad(p, "ta is not a string of at most %d bytes without "
		    "NUL", VRP_TA_NAMELEN);
		return -1;
	}
	if (json_string_length(t) == 0)
		return 0;
	if ((tai = vrp_set_ta(p->set, json_string_value(t), &why)) == -1) {
		aspa_bad(p, "%s", why);
		return -1;
	}
	*ta = (uint8_t)tai;
	return 0;
}

/* One ASPA record: checked, added, or counted as bad. */
static void
record(struct vrp_parser *p, const json_t *o, uint32_t *buf)
{
	const json_t *prov;
	const char *why;
	uint32_t cust;
	int64_t expires;
	size_t i, n;
	uint8_t ta;

	if (!json_is_object(o)) {
		aspa_bad(p, "not a JSON object");
		return;
	}
	if (customer(p, o, &cust) == -1 || optional(p, o, &expires, &ta) == -1)
		return;
	prov = json_object_get(o, "providers");
	if (!json_is_array(prov)) {
		aspa_bad(p, "AS%u: providers %s", cust, prov == NULL ?
		    "missing" : "is not an array");
		return;
	}
	if ((n = json_array_size(prov)) > ASPA_MAX_PROVIDERS) {
		aspa_bad(p, "AS%u: more than %d providers", cust,
		    ASPA_MAX_PROVIDERS);
		return;
	}
	for (i = 0; i < n; i++) {
		if (provider(p, json_array_get(prov, i), i, &buf[i]) == -1)
			return;
		/* draft-ietf-sidrops-aspa-profile section 3: the customer
		 * MUST NOT be among its providers (rpki-client refuses such
		 * an object, so a file holding one was not made by it). */
		if (buf[i] == cust) {
			aspa_bad(p, "AS%u is listed as its own provider", cust);
			return;
		}
	}
	if (aspa_list_add(&p->set->aspa, cust, buf, n, expires, ta, &why)
	    == -1)
		aspa_bad(p, "AS%u: %s", cust, why);
}

/* One array of ASPA records; where names it in messages. */
static void
records(struct vrp_parser *p, const char *where, const json_t *a,
    uint32_t *buf)
{
	size_t i;

	if (!json_is_array(a)) {
		log_warnx("%s: \"%s\" is not an array: its ASPA objects are "
		    "not loaded", p->name, where);
		p->set->aspa.rejected++;
		return;
	}
	snprintf(p->aspa_where, sizeof(p->aspa_where), "%s", where);
	for (i = 0; i < json_array_size(a); i++) {
		p->set->aspa_records++;
		p->aspa_index = i + 1;
		record(p, json_array_get(a, i), buf);
	}
}

void
vrp_aspa_json(struct vrp_parser *p, const char *member, json_t *j)
{
	const char *afi;
	json_t *v;
	char where[64];
	uint32_t *buf;		/* one record's providers */

	if ((buf = reallocarray(NULL, ASPA_MAX_PROVIDERS, sizeof(*buf))) ==
	    NULL) {
		log_warn("%s: ASPA objects not loaded", p->name);
		p->set->aspa.rejected++;
		return;
	}
	if (strcmp(member, "aspas") == 0 || !json_is_object(j)) {
		records(p, member, j, buf);
		free(buf);
		return;
	}
	/* provider_authorizations: {"ipv4": [...], "ipv6": [...]} */
	json_object_foreach(j, afi, v) {
		snprintf(where, sizeof(where), "%s.%.16s", member, afi);
		if (strcmp(afi, "ipv4") != 0 && strcmp(afi, "ipv6") != 0) {
			log_warnx("%s: \"%s\": not ipv4 or ipv6, ignored",
			    p->name, where);
			continue;
		}
		records(p, where, v, buf);
	}
	free(buf);
}
