/*
 * test_vrp.c - VRP model and parsers: every format, every rejection
 * reason and its message, normalisation, AS0, duplicates, whole-file
 * rejection, compression, sort order, staleness; and the real
 * rpki-client snapshots when the shared data is present ($SHARED).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "rpki/vrp_load.h"
#include "builders.h"

#define VRPDIR	"tests/vrps/"

/* ---- helpers ---- */

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

static const struct vrp *
find(const struct vrp_set *set, const char *prefix, unsigned maxlen,
    uint32_t asn)
{
	struct vrp key;
	bool hb;

	memset(&key, 0, sizeof(key));
	assert_int_equal(prefix_parse(prefix, &key.prefix, &hb), 0);
	key.maxlen = (uint8_t)maxlen;
	key.asn = asn;
	return bsearch(&key, set->v, set->n, sizeof(key),
	    (int (*)(const void *, const void *))vrp_cmp);
}

static const char *
ta_of(const struct vrp_set *set, const struct vrp *v)
{
	assert_true(v->ta < set->nta);
	return set->ta[v->ta];
}

static void
assert_sorted(const struct vrp_set *set)
{
	size_t i;

	for (i = 1; i < set->n; i++)
		assert_true(vrp_cmp(&set->v[i - 1], &set->v[i]) < 0);
}

/* ---- formats ---- */

static void
test_gortr(void **state)
{
	struct vrp_set *set;
	const struct vrp *v;

	(void)state;
	set = load_quiet(VRPDIR "gortr.rpki.json");
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	assert_string_equal(set->format, "json");
	assert_int_equal(set->generated, 1577865600);
	assert_non_null(v = find(set, "10.0.0.0/25", 26, 65000));
	assert_string_equal(ta_of(set, v), "Test ROA");
	assert_int_equal(v->expires, 0);
	assert_non_null(find(set, "10.1.0.0/25", 26, 65001));
	assert_int_equal(set->oldest_expiry, 0);
	vrp_set_free(set);
}

static void
test_stayrtr_mixed_asn(void **state)
{
	struct vrp_set *set;
	const struct vrp *v;

	(void)state;
	set = load_quiet(VRPDIR "stayrtr-smalltest.rpki.json");
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	assert_int_equal(set->nv4, 1);
	assert_int_equal(set->nv6, 1);
	assert_string_equal(set->format, "rpki-client");
	assert_int_equal(set->generated, 1627412162);	/* 2021-07-27T18:56:02Z */
	assert_non_null(v = find(set, "1.0.0.0/24", 24, 13335));
	assert_int_equal(v->expires, 1627568318);
	assert_non_null(find(set, "2001:200:136::/48", 48, 9367));
	assert_int_equal(set->oldest_expiry, 1627568318);
	vrp_set_free(set);
}

static void
test_stayrtr_old_layout(void **state)
{
	struct vrp_set *set;

	(void)state;
	set = load_quiet(VRPDIR "stayrtr-test.rpki.json");
	assert_non_null(set);
	assert_int_equal(set->n, 19);
	assert_int_equal(set->nta, 5);
	assert_int_equal(set->rejected, 0);
	assert_sorted(set);
	vrp_set_free(set);
}

static void
test_routinator(void **state)
{
	static const char *files[] = {
		VRPDIR "routinator-111.json", VRPDIR "routinator-111.jsonext",
		VRPDIR "routinator-111.csv", VRPDIR "routinator-111.csvext",
	};
	struct vrp_set *set;
	const struct vrp *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		set = load_quiet(files[i]);
		assert_non_null(set);
		assert_int_equal(set->records, 2);
		assert_int_equal(set->n, 1);
		assert_int_equal(set->duplicates, 1);
		assert_non_null(v = find(set, "12.34.56.0/24", 24, 1234));
		assert_string_equal(set->format, i < 2 ? "json" : "csv");
		vrp_set_free(set);
	}
	/* SLURM is not a VRP list. */
	assert_null(load_quiet(VRPDIR "routinator-111.slurm"));
}

static void
test_csv_rpki_client(void **state)
{
	const char *doc =
	    "ASN,IP Prefix,Max Length,Trust Anchor,Expires\r\n"
	    "AS13335,1.0.0.0/24,24,apnic,1753453058\r\n"
	    "13335,2606:4700::/32,48,arin,1753453000\r\n"
	    "\r\n"
	    "AS0,192.0.2.0/24,32,ripe,1753453099\r\n";
	struct vrp_set *set;
	const char *log;
	const struct vrp *v;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_string_equal(set->format, "csv");
	assert_int_equal(set->n, 3);
	assert_non_null(v = find(set, "2606:4700::/32", 48, 13335));
	assert_string_equal(ta_of(set, v), "arin");
	assert_int_equal(v->expires, 1753453000);
	assert_non_null(find(set, "192.0.2.0/24", 32, 0));
	assert_int_equal(set->oldest_expiry, 1753453000);
	vrp_set_free(set);

	/* Without a header line. */
	assert_non_null(set = parse_str("AS65000,10.0.0.0/8,8,x\n"
	    "AS65001,10.1.0.0/16,24,x\n", &log));
	assert_int_equal(set->n, 2);
	vrp_set_free(set);
}

static void
test_bare_array_and_fallback(void **state)
{
	/* Escapes, non-ASCII and nested members go through jansson. */
	const char *doc = "[ {\"asn\": \"AS65000\", \"prefix\": "
	    "\"10.0.0.0\\/8\", \"maxLength\": 8, \"ta\": \"rip\xc3\xa9\"},\n"
	    "{\"prefix\": \"10.1.0.0/16\", \"maxLength\": 16, \"asn\": 1,"
	    " \"source\": [{\"type\": \"roa\", \"x\": null}], \"f\": 1.5},"
	    "{\"asn\":\"65002\",\"prefix\":\"10.2.0.0/16\",\"maxLength\":16}]";
	struct vrp_set *set;
	const char *log;
	const struct vrp *v;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->n, 3);
	assert_non_null(v = find(set, "10.0.0.0/8", 8, 65000));
	assert_string_equal(ta_of(set, v), "rip\xc3\xa9");
	assert_non_null(find(set, "10.1.0.0/16", 16, 1));
	assert_non_null(find(set, "10.2.0.0/16", 16, 65002));
	vrp_set_free(set);
}

static void
test_metadata_roas_integer(void **state)
{
	const char *doc = "{\"metadata\": {\"buildtime\": "
	    "\"2025-07-20T09:31:33Z\", \"roas\": 314021, \"aspas\": 100},"
	    "\"roas\": [{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", "
	    "\"maxLength\": 24, \"ta\": \"x\", \"expires\": 5}],"
	    "\"aspas\": [{\"customer_asid\": 1, \"providers\": [2]}]}";
	struct vrp_set *set;
	const char *log;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->n, 1);
	assert_int_equal(set->generated, 1753003893);
	vrp_set_free(set);
	/* Only the metadata integer: not a VRP document. */
	assert_null(parse_str("{\"metadata\": {\"roas\": 3}}", &log));
	assert_non_null(strstr(log, "t: not a VRP document"));
	assert_null(parse_str("{\"roas\": 3}", &log));
	assert_non_null(strstr(log, "\"roas\" is not an array"));
}

/* ---- per-record checks ---- */

#define GOOD	"{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}"
#define GOOD2	"{\"asn\": 2, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}"
#define GOOD3	"{\"asn\": 3, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}"

static void
test_rejections(void **state)
{
	static const struct {
		const char	*rec;
		const char	*msg;
	} cases[] = {
		{ "{\"asn\": 1, \"maxLength\": 24}", "prefix missing" },
		{ "{\"asn\": 1, \"prefix\": 5, \"maxLength\": 24}",
		    "prefix is not a string" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0\", \"maxLength\": 24}",
		    "invalid prefix \"192.0.2.0\"" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/33\", \"maxLength\": 33}",
		    "invalid prefix \"192.0.2.0/33\"" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\"}",
		    "maxLength missing (192.0.2.0/24)" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": \"24\"}",
		    "maxLength is not an integer" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24.0}",
		    "maxLength is not an integer" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 23}",
		    "maxLength shorter than the prefix length (192.0.2.0/24 "
		    "maxLength 23 AS1)" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 33}",
		    "maxLength longer than 32" },
		{ "{\"asn\": 1, \"prefix\": \"2001:db8::/32\", \"maxLength\": 129}",
		    "maxLength longer than 128" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": -1}",
		    "maxLength -1 out of range" },
		{ "{\"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}",
		    "asn missing" },
		{ "{\"asn\": 4294967296, \"prefix\": \"192.0.2.0/24\", "
		    "\"maxLength\": 24}", "asn 4294967296 out of range" },
		{ "{\"asn\": -1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}",
		    "asn -1 out of range" },
		{ "{\"asn\": \"AS4294967296\", \"prefix\": \"192.0.2.0/24\", "
		    "\"maxLength\": 24}", "invalid asn \"AS4294967296\"" },
		{ "{\"asn\": \"ASx\", \"prefix\": \"192.0.2.0/24\", "
		    "\"maxLength\": 24}", "invalid asn \"ASx\"" },
		{ "{\"asn\": 1.5, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24}",
		    "asn is neither an integer nor an \"ASn\" string" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, "
		    "\"ta\": 7}", "ta is not a string" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, "
		    "\"expires\": \"soon\"}", "expires is not an integer" },
		{ "{\"asn\": 1, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, "
		    "\"expires\": -5}", "expires -5 is negative" },
		{ "[1, 2]", "not a JSON object" },
		{ "\"AS1,192.0.2.0/24,24\"", "not a JSON object" },
	};
	struct vrp_set *set;
	char doc[1024], want[256];
	const char *log;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"roas\": [" GOOD ", %s, " GOOD2
		    ", " GOOD3 "]}", cases[i].rec);
		set = parse_str(doc, &log);
		if (set == NULL)
			fail_msg("case %zu refused whole: %s", i, log);
		assert_int_equal(set->rejected, 1);
		assert_int_equal(set->records, 4);
		assert_int_equal(set->n, 3);
		snprintf(want, sizeof(want), "t: record 2: %s", cases[i].msg);
		if (strstr(log, want) == NULL)
			fail_msg("case %zu: want \"%s\" in \"%s\"", i, want, log);
		vrp_set_free(set);
	}
}

static void
test_csv_rejections(void **state)
{
	const char *doc = "ASN,IP Prefix,Max Length,Trust Anchor\n"
	    "AS1,192.0.2.0/24,24,x\nAS2,192.0.2.0/24,24\n"
	    "AS3,192.0.2.0/24,24,x\nAS4,192.0.2.0/24,x,x\n"
	    "AS5,192.0.2.0/24,24,x\n";
	struct vrp_set *set;
	const char *log;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->n, 3);
	assert_int_equal(set->rejected, 2);
	assert_non_null(strstr(log, "t: record 2 (line 3): 3 fields, "
	    "expected 4"));
	assert_non_null(strstr(log, "t: record 4 (line 5): maxLength is not "
	    "an integer"));
	vrp_set_free(set);
}

static void
test_log_limit(void **state)
{
	char *doc;
	struct vrp_set *set;
	const char *log, *s;
	size_t i, len = 0, lines = 0;

	(void)state;
	/* 15 bad of 40: 10 logged plus a summary. */
	doc = malloc(8192);
	assert_non_null(doc);
	len += (size_t)snprintf(doc + len, 8192 - len, "[");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, 8192 - len,
		    "%s{\"asn\": %zu, \"prefix\": \"10.0.0.0/8\", "
		    "\"maxLength\": %d}", i ? "," : "", i, i < 15 ? 7 : 8);
	snprintf(doc + len, 8192 - len, "]");
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->rejected, 15);
	assert_int_equal(set->n, 25);
	for (s = log; (s = strstr(s, "maxLength shorter")) != NULL; s++)
		lines++;
	assert_int_equal(lines, VRP_LOG_RECORDS);
	assert_non_null(strstr(log, "t: 15 records rejected (the first 10 "
	    "logged)"));
	vrp_set_free(set);
	free(doc);
}

static void
test_host_bits_as0_duplicates(void **state)
{
	const char *doc = "{\"roas\": ["
	    "{\"asn\": \"AS0\", \"prefix\": \"192.0.2.77/24\", "
	    "\"maxLength\": 24, \"ta\": \"a\", \"expires\": 100},"
	    "{\"asn\": 0, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, "
	    "\"ta\": \"b\", \"expires\": 300},"
	    "{\"asn\": 0, \"prefix\": \"192.0.2.0/24\", \"maxLength\": 24, "
	    "\"ta\": \"c\", \"expires\": 200},"
	    "{\"asn\": 4294967295, \"prefix\": \"2001:db8:ffff::/33\", "
	    "\"maxLength\": 128}]}";
	struct vrp_set *set;
	const struct vrp *v;
	const char *log;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->normalised, 2);
	assert_non_null(strstr(log, "t: record 1: prefix 192.0.2.77/24 has "
	    "host bits set, using 192.0.2.0/24"));
	assert_non_null(strstr(log, "using 2001:db8:8000::/33"));
	assert_int_equal(set->n, 2);
	assert_int_equal(set->duplicates, 2);
	assert_non_null(v = find(set, "192.0.2.0/24", 24, 0));
	assert_int_equal(v->expires, 300);	/* the latest one kept */
	assert_string_equal(ta_of(set, v), "b");
	assert_non_null(find(set, "2001:db8:8000::/33", 128, 4294967295u));
	assert_int_equal(set->oldest_expiry, 300);
	vrp_set_free(set);
}

/* ---- whole-file rejection ---- */

static void
test_whole_file(void **state)
{
	static const struct {
		const char	*doc;
		const char	*msg;
	} cases[] = {
		{ "", "t: empty" },
		{ " \n\t ", "t: empty" },
		{ "hello world\n", "t: not a VRP file" },
		{ "<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n",
		    "t: not a VRP file" },
		{ "{\"slurmVersion\": 1}", "t: not a VRP document" },
		{ "{\"roas\": []}", "t: no VRP records" },
		{ "[]", "t: no VRP records" },
		{ "{\"roas\": [" GOOD ", {\"asn\": 1}, {\"asn\": 2}]}",
		    "t: 2 of 3 records bad, refusing the file" },
		{ "{\"roas\": [{\"asn\": 1}]}", "t: no valid VRP record" },
		{ "{\"roas\": [" GOOD ", " GOOD2, "t: line 1: malformed JSON" },
		{ "{\"roas\": [" GOOD ", {\"asn\": 1, \"pre", "malformed JSON" },
		{ "{\"roas\": [" GOOD "]", "malformed JSON: truncated" },
		{ "{\"roas\": [" GOOD "]} x", "data after the end" },
		{ "{\"roas\": [" GOOD "],\n\"roas\": [" GOOD "]}",
		    "t: line 2: malformed JSON: \"roas\" twice" },
		{ "{\"roas\": [" GOOD ",]}", "malformed JSON" },
		{ "{\"roas\": [{\"asn\": 1, \"asn\": 2, \"prefix\": "
		    "\"10.0.0.0/8\", \"maxLength\": 8}]}", "duplicate" },
		{ "{\"roas\": [{\"asn\": 01, \"prefix\": \"10.0.0.0/8\", "
		    "\"maxLength\": 8}]}", "malformed JSON" },
		{ "{\"metadata\": 5, \"roas\": [" GOOD "]}",
		    "\"metadata\" is not an object" },
		{ "ASN,Foo,Bar\nAS1,2,3\n", "t: not a VRP file" },
	};
	const char *log;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_str(cases[i].doc, &log) != NULL)
			fail_msg("case %zu accepted", i);
		if (strstr(log, cases[i].msg) == NULL)
			fail_msg("case %zu: want \"%s\" in \"%s\"", i,
			    cases[i].msg, log);
	}
}

static void
test_compressed(void **state)
{
	struct vrp_set *set;
	FILE *f;
	uint8_t buf[512];
	const char *log;
	size_t n;

	(void)state;
	set = load_quiet(VRPDIR "stayrtr-smalltest.rpki.json.gz");
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	vrp_set_free(set);
	set = load_quiet(VRPDIR "stayrtr-smalltest.rpki.json.bz2");
	assert_non_null(set);
	assert_int_equal(set->n, 2);
	vrp_set_free(set);

	/* Truncated compressed data is refused, not half-read. */
	assert_non_null(f = fopen(VRPDIR "stayrtr-smalltest.rpki.json.gz",
	    "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	stderr_capture_start();
	assert_null(vrp_parse("t.gz", buf, n - 10));
	log = stderr_capture_end();
	assert_non_null(strstr(log, "t.gz: truncated gzip data"));
	assert_non_null(f = fopen(VRPDIR "stayrtr-smalltest.rpki.json.bz2",
	    "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	stderr_capture_start();
	assert_null(vrp_parse("t.bz2", buf, n - 10));
	log = stderr_capture_end();
	assert_non_null(strstr(log, "t.bz2: truncated bzip2 data"));
	buf[20] ^= 0x55;
	stderr_capture_start();
	assert_null(vrp_parse("t.bz2", buf, n));
	(void)stderr_capture_end();
	assert_null(load_quiet(VRPDIR "does-not-exist.json"));
}

/* ---- model ---- */

static void
test_sort_order(void **state)
{
	const char *doc = "[{\"asn\": 5, \"prefix\": \"2001:db8::/32\", "
	    "\"maxLength\": 48},"
	    "{\"asn\": 9, \"prefix\": \"10.0.0.0/24\", \"maxLength\": 24},"
	    "{\"asn\": 2, \"prefix\": \"10.0.0.0/22\", \"maxLength\": 24},"
	    "{\"asn\": 1, \"prefix\": \"10.0.0.0/22\", \"maxLength\": 24},"
	    "{\"asn\": 7, \"prefix\": \"10.0.0.0/22\", \"maxLength\": 22},"
	    "{\"asn\": 3, \"prefix\": \"9.255.0.0/16\", \"maxLength\": 16}]";
	static const char *want[] = { "9.255.0.0/16 16 3", "10.0.0.0/22 22 7",
	    "10.0.0.0/22 24 1", "10.0.0.0/22 24 2", "10.0.0.0/24 24 9",
	    "2001:db8::/32 48 5" };
	struct vrp_set *set;
	char p[PREFIX_STRLEN], got[80];
	const char *log;
	size_t i;

	(void)state;
	assert_non_null(set = parse_str(doc, &log));
	assert_int_equal(set->n, 6);
	for (i = 0; i < set->n; i++) {
		snprintf(got, sizeof(got), "%s %u %u", prefix_fmt(
		    &set->v[i].prefix, p, sizeof(p)), set->v[i].maxlen,
		    set->v[i].asn);
		assert_string_equal(got, want[i]);
	}
	vrp_set_free(set);
}

static void
test_random_sort(void **state)
{
	struct vrp_set *set;
	struct prefix p;
	const char *why;
	size_t i;

	(void)state;
	srandom(4);
	assert_non_null(set = vrp_set_new());
	for (i = 0; i < 20000; i++) {
		memset(&p, 0, sizeof(p));
		p.family = ADDR_V4;
		p.len = (uint8_t)(8 + random() % 17);
		p.a[0] = (uint8_t)(random() % 4);
		p.a[1] = (uint8_t)random();
		assert_int_equal(vrp_set_add(set, &p, p.len + random() % 3,
		    (uint64_t)(random() % 50), "x", 0, &why), 0);
	}
	vrp_set_finish(set);
	assert_sorted(set);
	assert_int_equal(set->n + set->duplicates, 20000);
	vrp_set_free(set);
}

static void
test_set_add_checks(void **state)
{
	struct vrp_set *set;
	struct prefix p;
	const char *why;
	char ta[80];
	unsigned i;

	(void)state;
	assert_non_null(set = vrp_set_new());
	assert_int_equal(prefix_parse("10.0.0.0/8", &p, NULL), 0);
	assert_int_equal(vrp_set_add(set, &p, 8, 4294967296ull, "", 0, &why),
	    -1);
	assert_string_equal(why, "ASN out of range 0..4294967295");
	memset(ta, 'x', sizeof(ta) - 1);
	ta[sizeof(ta) - 1] = '\0';
	assert_int_equal(vrp_set_add(set, &p, 8, 1, ta, 0, &why), -1);
	assert_string_equal(why, "trust anchor name too long");
	for (i = 0; i < VRP_TA_MAX; i++) {
		snprintf(ta, sizeof(ta), "ta%u", i);
		assert_int_equal(vrp_set_add(set, &p, 8, i, ta, 0, &why), 0);
	}
	assert_int_equal(vrp_set_add(set, &p, 8, 1, "one more", 0, &why), -1);
	assert_string_equal(why, "too many trust anchors");
	assert_int_equal(vrp_set_add(set, &p, 8, 1, "ta3", 0, &why), 0);
	vrp_set_free(set);
	vrp_set_free(NULL);
}

static void
test_stale(void **state)
{
	struct vrp_set *set;
	const char *log;

	(void)state;
	set = load_quiet(VRPDIR "stayrtr-smalltest.rpki.json");
	assert_non_null(set);
	assert_int_equal(vrp_set_expired(set, 1627568318), 0);
	assert_int_equal(vrp_set_expired(set, 1627568319), 1);
	assert_int_equal(vrp_set_expired(set, 1900000000), 2);
	stderr_capture_start();
	vrp_set_warn_stale(set, 1627568000);
	vrp_set_warn_stale(set, 1900000000);
	log = stderr_capture_end();
	assert_string_equal(log, "rovmon: " VRPDIR "stayrtr-smalltest.rpki."
	    "json: VRP set is stale: 2 of 2 VRPs expired, oldest expiry "
	    "2021-07-29T14:18:38Z\n");
	vrp_set_free(set);
	assert_true(vrp_is_url("https://example.net/vrps.json"));
	assert_true(vrp_is_url("HTTP://example.net/"));
	assert_false(vrp_is_url("/var/db/rpki-client/json"));
}

/* ---- the real snapshots ---- */

static const char *
shared(const char *rel, char *buf, size_t size)
{
	const char *dir = getenv("SHARED");

	snprintf(buf, size, "%s/%s", dir != NULL ? dir : "../shared/data",
	    rel);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void
test_full_snapshot(void **state)
{
	static const char *names[] = { "ripe", "arin", "apnic", "lacnic",
	    "afrinic" };
	static const size_t counts[] = { 300988, 203995, 153201, 39011, 26326 };
	struct vrp_set *a, *b, *c;
	char path[1024];
	size_t per[VRP_TA_MAX], i, k, as0 = 0;
	struct tm tm;

	(void)state;
	if (shared("vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_"
	    "20250720T093135Z.json.bz2", path, sizeof(path)) == NULL) {
		/* tests/run.sh counts this line as a skipped part. */
		printf("SKIP-PART: test_full_snapshot: no %s\n", path);
		skip();
	}
	a = load_quiet(path);
	assert_non_null(a);
	assert_int_equal(a->n, 723521);
	assert_int_equal(a->nv4, 580366);
	assert_int_equal(a->nv6, 143155);
	assert_int_equal(a->rejected, 0);
	assert_int_equal(a->normalised, 0);
	assert_string_equal(a->format, "rpki-client");
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 125; tm.tm_mon = 6; tm.tm_mday = 20;
	tm.tm_hour = 9; tm.tm_min = 31; tm.tm_sec = 33;
	assert_int_equal(a->generated, (int64_t)timegm(&tm));
	assert_int_equal(a->oldest_expiry, 1753008369);
	assert_int_equal(vrp_set_expired(a, 1753008369), 0);
	assert_int_equal(vrp_set_expired(a, 1753590509), a->n);
	assert_sorted(a);
	memset(per, 0, sizeof(per));
	for (i = 0; i < a->n; i++) {
		per[a->v[i].ta]++;
		if (a->v[i].asn == 0)
			as0++;
	}
	assert_int_equal(as0, 2419);
	for (k = 0; k < 5; k++)
		for (i = 0; i < a->nta; i++)
			if (strcmp(a->ta[i], names[k]) == 0)
				assert_int_equal(per[i], counts[k]);
	assert_non_null(find(a, "82.21.153.0/24", 24, 3320));
	assert_null(find(a, "82.21.153.0/24", 24, 834));
	assert_non_null(find(a, "199.36.120.0/24", 24, 400098));

	/* 30 minutes later: AS3320 -> AS834. */
	assert_non_null(shared("vrps/rpki-client-9.x-2025-07-20/rpkiclient_"
	    "summary_20250720T100145Z.json.bz2", path, sizeof(path)));
	b = load_quiet(path);
	assert_non_null(b);
	assert_int_equal(b->n, 723524);
	assert_null(find(b, "82.21.153.0/24", 24, 3320));
	assert_non_null(find(b, "82.21.153.0/24", 24, 834));
	assert_null(find(b, "199.36.120.0/24", 24, 400098));
	assert_non_null(find(b, "2605:9cc0:d00::/40", 48, 16509));
	vrp_set_free(b);

	/* The CSV rendering of the first gives the very same set. */
	assert_non_null(shared("vrps/rpki-client-9.x-2025-07-20/derived_"
	    "rpki-client-csv_20250720T093135Z.csv.bz2", path, sizeof(path)));
	c = load_quiet(path);
	assert_non_null(c);
	assert_string_equal(c->format, "csv");
	assert_int_equal(c->n, a->n);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(vrp_cmp(&a->v[i], &c->v[i]), 0);
		assert_int_equal(a->v[i].expires, c->v[i].expires);
		assert_string_equal(ta_of(a, &a->v[i]), ta_of(c, &c->v[i]));
	}
	vrp_set_free(c);
	vrp_set_free(a);
}

static void
test_old_layout_snapshot(void **state)
{
	struct vrp_set *set;
	char path[1024];

	(void)state;
	if (shared("vrps/rpki-client-8.4-ripe-prepdev-2023-05-04/json.gz",
	    path, sizeof(path)) == NULL) {
		printf("SKIP-PART: test_old_layout_snapshot: no %s\n", path);
		skip();
	}
	set = load_quiet(path);
	assert_non_null(set);
	assert_int_equal(set->n, 424223);
	assert_int_equal(set->nv6, 100620);
	assert_int_equal(set->nta, 1);
	assert_string_equal(set->ta[0], "ripe-prepdev-https");
	vrp_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gortr),
		cmocka_unit_test(test_stayrtr_mixed_asn),
		cmocka_unit_test(test_stayrtr_old_layout),
		cmocka_unit_test(test_routinator),
		cmocka_unit_test(test_csv_rpki_client),
		cmocka_unit_test(test_bare_array_and_fallback),
		cmocka_unit_test(test_metadata_roas_integer),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_csv_rejections),
		cmocka_unit_test(test_log_limit),
		cmocka_unit_test(test_host_bits_as0_duplicates),
		cmocka_unit_test(test_whole_file),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_random_sort),
		cmocka_unit_test(test_set_add_checks),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_full_snapshot),
		cmocka_unit_test(test_old_layout_snapshot),
	};

	log_init("rovmon");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
