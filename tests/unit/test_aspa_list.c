/*
 * test_aspa_list.c - ASPA objects as loaded: aspa_list_add()'s checks,
 * every JSON layout (rpki-client 9.x "aspas", Routinator, rpki-client
 * 8.x "provider_authorizations" per AFI, the first layout with
 * {"asid", "afi_limit"} providers), every rejection reason and its
 * message, expiry; the real ASPAs of the rpki-client 2025 snapshot (an
 * excerpt in tests/vrps/, the whole files when $SHARED is present).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "rpki/aspa.h"
#include "rpki/vrp_load.h"

#include "builders.h"

#define VRPDIR	"tests/vrps/"

static struct vrp_set *
parse_str(const char *doc, const char **log)
{
	struct vrp_set *set;

	stderr_capture_start();
	set = vrp_parse("t", (const uint8_t *)doc, strlen(doc));
	*log = stderr_capture_end();
	return set;
}

static struct vrp_set *
load_quiet(const char *path)
{
	struct vrp_set *set;

	stderr_capture_start();
	set = vrp_load(path);
	(void)stderr_capture_end();
	return set;
}

/* The first record of customer, or NULL. */
static const struct aspa_record *
rec_of(const struct aspa_list *l, uint32_t customer)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->r[i].customer == customer)
			return &l->r[i];
	return NULL;
}

/* Its providers as "a,b,c". */
static const char *
prov_str(const struct aspa_list *l, const struct aspa_record *r)
{
	static char buf[4096];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nproviders; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%u",
		    i ? "," : "", l->pool[r->first + i]);
	return buf;
}

static const char *
ta_name(const struct vrp_set *set, const struct aspa_record *r)
{
	if (r->ta == ASPA_TA_NONE)
		return "-";
	assert_true(r->ta < set->nta);
	return set->ta[r->ta];
}

/* ---- aspa_list ---- */

static void
test_list_add(void **state)
{
	static uint32_t many[ASPA_MAX_PROVIDERS + 1];
	struct aspa_list l;
	const uint32_t p[] = { 3, 1, 2, 1 }, zero[] = { 0 };
	const char *why;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(aspa_list_add(&l, 0, p, 1, 0, 0, &why), -1);
	assert_string_equal(why, "customer AS0");
	assert_int_equal(aspa_list_add(&l, 65000, p, 0, 0, 0, &why), -1);
	assert_string_equal(why, "no providers");
	assert_int_equal(aspa_list_add(&l, 65000, many, ASPA_MAX_PROVIDERS + 1,
	    0, 0, &why), -1);
	assert_string_equal(why, "more than 16384 providers");
	assert_int_equal(aspa_list_add(&l, 65000, p, 1, -1, 0, &why), -1);
	assert_string_equal(why, "expires before 1970");
	assert_int_equal(l.n, 0);

	/* Order and duplicates kept: the index sorts and unions. */
	assert_int_equal(aspa_list_add(&l, 65000, p, 4, 2000, 1, &why), 0);
	assert_null(why);
	assert_int_equal(aspa_list_add(&l, 65001, zero, 1, 1000, 0, NULL), 0);
	assert_int_equal(aspa_list_add(&l, 65000, p, 2, 0, 2, NULL), 0);
	assert_int_equal(aspa_list_add(&l, 65002, many, ASPA_MAX_PROVIDERS,
	    3000, 0, NULL), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.npool, 4 + 1 + 2 + ASPA_MAX_PROVIDERS);
	assert_string_equal(prov_str(&l, &l.r[0]), "3,1,2,1");
	assert_string_equal(prov_str(&l, &l.r[1]), "0");
	assert_string_equal(prov_str(&l, &l.r[2]), "3,1");
	assert_int_equal(l.r[0].ta, 1);
	assert_int_equal(l.r[2].ta, 2);
	assert_int_equal(l.oldest_expiry, 1000);
	assert_int_equal(aspa_list_customers(&l), 3);
	assert_int_equal(aspa_list_expired(&l, 1000), 0);
	assert_int_equal(aspa_list_expired(&l, 1001), 1);
	assert_int_equal(aspa_list_expired(&l, 5000), 3);	/* not "0" */
	aspa_list_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.r);
	aspa_list_free(&l);
	aspa_list_free(NULL);
	assert_int_equal(aspa_list_customers(NULL), 0);
	assert_int_equal(aspa_list_expired(NULL, 1), 0);
}

/* ---- layouts ---- */

static const char roa[] =
    "\"roas\": [{\"asn\": 13335, \"prefix\": \"1.0.0.0/24\", "
    "\"maxLength\": 24, \"ta\": \"apnic\", \"expires\": 1753453058}]";

static void
test_rpki_client(void **state)
{
	char doc[1024];
	const struct aspa_record *r;
	struct vrp_set *set;
	const char *log;

	(void)state;
	snprintf(doc, sizeof(doc), "{\"metadata\": {\"buildtime\": "
	    "\"2025-07-20T09:31:33Z\", \"aspas\": 2}, %s, \"aspas\": ["
	    "{\"customer_asid\": 945, \"expires\": 1753070425, \"providers\": "
	    "[13213, 150369]}, {\"customer_asid\": 39002, \"expires\": "
	    "1753068347, \"providers\": [0]}]}", roa);
	set = parse_str(doc, &log);
	assert_non_null(set);
	assert_int_equal(set->n, 1);
	assert_int_equal(set->aspa.n, 2);
	assert_int_equal(set->aspa_records, 2);
	assert_int_equal(set->aspa.rejected, 0);
	assert_non_null(r = rec_of(&set->aspa, 945));
	assert_string_equal(prov_str(&set->aspa, r), "13213,150369");
	assert_int_equal(r->expires, 1753070425);
	assert_string_equal(ta_name(set, r), "-");
	assert_non_null(r = rec_of(&set->aspa, 39002));
	assert_string_equal(prov_str(&set->aspa, r), "0");
	assert_int_equal(set->aspa.oldest_expiry, 1753068347);
	/* No trust anchor name was added for the ASPAs. */
	assert_int_equal(set->nta, 1);
	assert_null(strstr(log, "rejected"));
	vrp_set_free(set);
}

static void
test_routinator(void **state)
{
	static const char *files[] = {
		VRPDIR "routinator-111.json", VRPDIR "routinator-111.jsonext",
	};
	const struct aspa_record *r;
	struct vrp_set *set;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		set = load_quiet(files[i]);
		assert_non_null(set);
		assert_int_equal(set->aspa.n, 2);
		assert_int_equal(set->aspa.rejected, 0);
		assert_int_equal(aspa_list_customers(&set->aspa), 1);
		r = &set->aspa.r[1];
		assert_int_equal(r->customer, 1234);
		assert_string_equal(prov_str(&set->aspa, r), "1,2,3,4");
		assert_int_equal(r->expires, 0);
		assert_int_equal(set->aspa.oldest_expiry, 0);
		/* json has "ta": "N/A", jsonext a "source" instead. */
		assert_string_equal(ta_name(set, r), i == 0 ? "N/A" : "-");
		vrp_set_free(set);
	}
	/* CSV renderings of the same data carry no ASPA. */
	set = load_quiet(VRPDIR "routinator-111.csv");
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 0);
	assert_int_equal(set->aspa_records, 0);
	vrp_set_free(set);
}

/* rpki-client 8.x: "provider_authorizations": {"ipv4": [..], "ipv6": [..]} */
static void
test_old_layouts(void **state)
{
	char doc[1024];
	const struct aspa_record *r;
	struct vrp_set *set;
	const char *log;

	(void)state;
	set = load_quiet(VRPDIR "stayrtr-test.rpki.json");
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 4);
	assert_int_equal(aspa_list_customers(&set->aspa), 2);
	assert_int_equal(set->aspa.r[0].customer, 15562);	/* ipv4 first */
	assert_string_equal(prov_str(&set->aspa, &set->aspa.r[0]),
	    "2914,8283,51088,206238");
	assert_int_equal(set->aspa.r[3].customer, 15562);
	assert_string_equal(prov_str(&set->aspa, &set->aspa.r[1]),
	    "1299,6939,7480,32097,50058,61138");
	vrp_set_free(set);

	/* The first layout: providers as {"asid", "afi_limit"}. */
	snprintf(doc, sizeof(doc), "{%s, \"provider_authorizations\": "
	    "[{\"customer_asid\": 64496, \"expires\": 1660000000, "
	    "\"providers\": [{\"asid\": 64497}, {\"asid\": 64498, "
	    "\"afi_limit\": \"ipv4\"}, {\"asid\": 64499, \"afi_limit\": "
	    "\"ipv6\"}]}]}", roa);
	set = parse_str(doc, &log);
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 1);
	assert_non_null(r = rec_of(&set->aspa, 64496));
	assert_string_equal(prov_str(&set->aspa, r), "64497,64498,64499");
	/* Expired ASPAs are used, and said in one line of their own. */
	stderr_capture_start();
	vrp_set_warn_stale(set, 1660000001);
	log = stderr_capture_end();
	assert_string_equal(log, "rovmon: t: ASPA set is stale: 1 of 1 ASPA "
	    "objects expired, oldest expiry 2022-08-08T23:06:40Z\n");
	vrp_set_free(set);
}

/* Each bad record: skipped, counted, logged with where and why. */
static void
test_rejections(void **state)
{
	static const struct {
		const char	*rec;
		const char	*msg;
	} bad[] = {
		{ "7", "not a JSON object" },
		{ "{\"providers\": [1]}", "customer missing" },
		{ "{\"customer_asid\": 1, \"customer\": \"AS1\", \"providers\": "
		    "[2]}", "both \"customer_asid\" and \"customer\"" },
		{ "{\"customer_asid\": -1, \"providers\": [2]}",
		    "customer is not an AS number" },
		{ "{\"customer\": \"ASX\", \"providers\": [2]}",
		    "customer is not an AS number" },
		{ "{\"customer_asid\": 0, \"providers\": [2]}",
		    "AS0: customer AS0" },
		{ "{\"customer_asid\": 5}", "AS5: providers missing" },
		{ "{\"customer_asid\": 5, \"providers\": 6}",
		    "AS5: providers is not an array" },
		{ "{\"customer_asid\": 5, \"providers\": []}",
		    "AS5: no providers" },
		{ "{\"customer_asid\": 5, \"providers\": [6, 4294967296]}",
		    "provider 1 is not an AS number" },
		{ "{\"customer_asid\": 5, \"providers\": [\"6\", null]}",
		    "provider 1 is not an AS number" },
		{ "{\"customer_asid\": 5, \"providers\": [{\"afi_limit\": "
		    "\"ipv4\"}]}", "provider 0: an object without \"asid\"" },
		{ "{\"customer_asid\": 5, \"providers\": [{\"asid\": 6, "
		    "\"afi_limit\": \"ipv5\"}]}",
		    "provider 0: afi_limit is not \"ipv4\" or \"ipv6\"" },
		{ "{\"customer_asid\": 5, \"providers\": [6, 5]}",
		    "AS5 is listed as its own provider" },
		{ "{\"customer_asid\": 5, \"expires\": -3, \"providers\": [6]}",
		    "expires is not a non-negative integer" },
		{ "{\"customer_asid\": 5, \"expires\": \"soon\", \"providers\": "
		    "[6]}", "expires is not a non-negative integer" },
		{ "{\"customer_asid\": 5, \"ta\": 1, \"providers\": [6]}",
		    "ta is not a string" },
	};
	char doc[2048], want[256];
	struct vrp_set *set;
	const char *log;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(doc, sizeof(doc), "{%s, \"aspas\": [{\"customer\": "
		    "\"AS9\", \"providers\": [\"AS10\"]}, %s]}", roa,
		    bad[i].rec);
		set = parse_str(doc, &log);
		assert_non_null(set);		/* the VRPs stay */
		assert_int_equal(set->n, 1);
		assert_int_equal(set->aspa_records, 2);
		assert_int_equal(set->aspa.n, 1);
		assert_int_equal(set->aspa.rejected, 1);
		snprintf(want, sizeof(want), "t: aspas record 2: %s",
		    bad[i].msg);
		if (strstr(log, want) == NULL)
			fail_msg("record %s: want \"%s\", log:\n%s", bad[i].rec,
			    want, log);
		vrp_set_free(set);
	}

	/* A whole section of the wrong type: said, VRPs kept. */
	snprintf(doc, sizeof(doc), "{%s, \"aspas\": {}}", roa);
	set = parse_str(doc, &log);
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 0);
	assert_non_null(strstr(log, "t: \"aspas\" is not an array: its ASPA "
	    "objects are not loaded"));
	vrp_set_free(set);
	snprintf(doc, sizeof(doc), "{%s, \"provider_authorizations\": "
	    "{\"ipv4\": [{\"customer_asid\": 1, \"providers\": [2]}], "
	    "\"ipv9\": [], \"ipv6\": [{\"customer_asid\": 1, \"providers\": "
	    "[\"x\"]}]}}", roa);
	set = parse_str(doc, &log);
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 1);
	assert_int_equal(set->aspa.rejected, 1);
	assert_non_null(strstr(log, "t: \"provider_authorizations.ipv9\": not "
	    "ipv4 or ipv6, ignored"));
	assert_non_null(strstr(log, "t: provider_authorizations.ipv6 record "
	    "1: provider 0 is not an AS number"));
	vrp_set_free(set);

	/* Twice the same array is malformed, like "roas" twice. */
	snprintf(doc, sizeof(doc), "{%s, \"aspas\": [], \"aspas\": []}", roa);
	assert_null(parse_str(doc, &log));
	assert_non_null(strstr(log, "\"aspas\" twice"));
}

/* More than VRP_LOG_RECORDS bad ones: the first logged, then a total. */
static void
test_log_limit(void **state)
{
	char *doc;
	struct vrp_set *set;
	const char *log, *s;
	size_t i, n = 0, len = 0, cap = 65536;

	(void)state;
	assert_non_null(doc = malloc(cap));
	len += (size_t)snprintf(doc, cap, "{%s, \"aspas\": [", roa);
	for (i = 0; i < 25; i++)
		len += (size_t)snprintf(doc + len, cap - len, "%s{\"customer\": "
		    "0, \"providers\": [1]}", i ? "," : "");
	snprintf(doc + len, cap - len, "]}");
	set = parse_str(doc, &log);
	assert_non_null(set);
	assert_int_equal(set->aspa.rejected, 25);
	for (s = log; (s = strstr(s, "customer AS0")) != NULL; s++)
		n++;
	assert_int_equal(n, VRP_LOG_RECORDS);
	assert_non_null(strstr(log, "t: 25 ASPA records rejected (the first "
	    "10 logged)"));
	vrp_set_free(set);
	free(doc);
}

/* ---- the real snapshot ---- */

/* The facts of the 100 real ASPAs, whether from the excerpt or the whole
 * file (docs/vrps.md; counted with Python from the JSON). */
static void
check_real_aspas(const struct vrp_set *set)
{
	const struct aspa_record *r;

	assert_int_equal(set->aspa_records, 100);
	assert_int_equal(set->aspa.n, 100);
	assert_int_equal(set->aspa.rejected, 0);
	assert_int_equal(set->aspa.npool, 545);
	assert_int_equal(aspa_list_customers(&set->aspa), 100);
	assert_int_equal(set->aspa.oldest_expiry, 1753024373);
	assert_int_equal(aspa_list_expired(&set->aspa, 1753024373), 0);
	assert_int_equal(aspa_list_expired(&set->aspa, 1753106401), 100);
	assert_non_null(r = rec_of(&set->aspa, 945));
	assert_int_equal(r->expires, 1753070425);
	assert_string_equal(prov_str(&set->aspa, r), "13213,150369");
	assert_int_equal(r->ta, ASPA_TA_NONE);
	assert_non_null(r = rec_of(&set->aspa, 198136));
	assert_string_equal(prov_str(&set->aspa, r), "0");
	assert_non_null(r = rec_of(&set->aspa, 52025));
	assert_int_equal(r->nproviders, 55);
	assert_int_equal(set->aspa.pool[r->first], 174);
	assert_int_equal(set->aspa.pool[r->first + 54], 400587);
	assert_non_null(r = rec_of(&set->aspa, 401519));
}

static void
test_real_excerpt(void **state)
{
	struct vrp_set *set;

	(void)state;
	set = load_quiet(VRPDIR "rpki-client-9-aspas.json");
	assert_non_null(set);
	assert_int_equal(set->n, 3);
	check_real_aspas(set);
	vrp_set_free(set);
}

static const char *
shared(const char *rel, char *buf, size_t size)
{
	const char *dir = getenv("SHARED");

	snprintf(buf, size, "%s/%s", dir != NULL ? dir : "../shared/data",
	    rel);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void
test_real_snapshots(void **state)
{
	struct vrp_set *set;
	char path[1024];

	(void)state;
	if (shared("vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_"
	    "20250720T093135Z.json.bz2", path, sizeof(path)) == NULL) {
		printf("SKIP-PART: test_real_snapshots: no %s\n", path);
		skip();
	}
	set = load_quiet(path);
	assert_non_null(set);
	assert_int_equal(set->n, 723521);
	check_real_aspas(set);
	vrp_set_free(set);

	/* The 2023 per-AFI layout: 6,647 customers, one record per AFI. */
	if (shared("vrps/rpki-client-8.4-ripe-prepdev-2023-05-04/json.gz",
	    path, sizeof(path)) == NULL) {
		printf("SKIP-PART: test_real_snapshots: no %s\n", path);
		skip();
	}
	set = load_quiet(path);
	assert_non_null(set);
	assert_int_equal(set->aspa.n, 2 * 6647);
	assert_int_equal(set->aspa.rejected, 0);
	assert_int_equal(aspa_list_customers(&set->aspa), 6647);
	assert_int_equal(set->aspa.r[0].customer, 28);
	assert_string_equal(prov_str(&set->aspa, &set->aspa.r[0]),
	    "41881,61036,204096");
	assert_int_equal(set->aspa.r[6647].customer, 28);
	assert_string_equal(prov_str(&set->aspa, &set->aspa.r[6647]),
	    "57485,60637,204096,210051");
	assert_int_equal(set->aspa.r[0].expires, 1683277596);
	vrp_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_add),
		cmocka_unit_test(test_rpki_client),
		cmocka_unit_test(test_routinator),
		cmocka_unit_test(test_old_layouts),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_log_limit),
		cmocka_unit_test(test_real_excerpt),
		cmocka_unit_test(test_real_snapshots),
	};

	log_init("rovmon");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
