/*
 * test_rtr_pdu.c - the RTR PDU codec (rpki/rtr_pdu.h): every PDU type of
 * every version with its exact bytes, decoded and encoded; both ASPA
 * layouts; what real stayrtr 0.5.1 sends at versions 0, 1 and 2 (the
 * bytes recorded from Debian's binary answering a Reset Query, as in
 * tests/fuzz/corpus/fuzz_rtr/); each malformed PDU refused with the
 * field it names; RTR_DECODE_SHORT with the right *need.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/rtr_pdu.h"

/* Hex (spaces ignored) into buf; the byte count. */
static size_t
unhex(const char *s, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		assert_true(n < cap);
		buf[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static struct rtr_pdu
decode_ok(const uint8_t *b, size_t n)
{
	struct rtr_pdu p;
	const char *why = "unset";
	size_t need = 99;

	assert_int_equal(rtr_pdu_decode(b, n, &p, &need, &why),
	    RTR_DECODE_OK);
	assert_null(why);
	assert_int_equal(need, 0);
	return p;
}

/*
 * Both ways: hex decodes to a PDU whose fields re-encode to exactly hex,
 * and the PDU `want` (built by hand) encodes to hex too.  The decoded PDU
 * is returned for the field checks.
 */
static struct rtr_pdu
both_ways(const char *hex, const struct rtr_pdu *want)
{
	static uint8_t b[512];
	uint8_t out[512];
	struct rtr_pdu p;
	size_t n;

	n = unhex(hex, b, sizeof(b));
	p = decode_ok(b, n);
	assert_int_equal(p.length, n);
	assert_int_equal(rtr_pdu_encode(&p, out, sizeof(out)), n);
	assert_memory_equal(out, b, n);
	if (want != NULL) {
		assert_int_equal(rtr_pdu_encode(want, out, sizeof(out)), n);
		assert_memory_equal(out, b, n);
		/* One byte of room too few: nothing written. */
		assert_int_equal(rtr_pdu_encode(want, out, n - 1), 0);
	}
	return p;
}

static void
test_serial_and_empty(void **state)
{
	struct rtr_pdu w, p;
	unsigned v;
	char hex[128];

	(void)state;
	for (v = 0; v <= 2; v++) {
		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_SERIAL_NOTIFY;
		w.session_id = 0xe521;
		w.serial = 0x01020304;
		snprintf(hex, sizeof(hex), "%02x00 e521 0000000c 01020304", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.version, v);
		assert_int_equal(p.type, RTR_SERIAL_NOTIFY);
		assert_int_equal(p.session_id, 0xe521);
		assert_int_equal(p.serial, 0x01020304);

		w.type = RTR_SERIAL_QUERY;
		w.serial = 0xfffffffe;
		snprintf(hex, sizeof(hex), "%02x01 e521 0000000c fffffffe", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.type, RTR_SERIAL_QUERY);
		assert_int_equal(p.serial, 0xfffffffe);

		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_RESET_QUERY;
		snprintf(hex, sizeof(hex), "%02x02 0000 00000008", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.type, RTR_RESET_QUERY);

		w.type = RTR_CACHE_RESET;
		snprintf(hex, sizeof(hex), "%02x08 0000 00000008", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.type, RTR_CACHE_RESET);

		w.type = RTR_CACHE_RESPONSE;
		w.session_id = 7;
		snprintf(hex, sizeof(hex), "%02x03 0007 00000008", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.type, RTR_CACHE_RESPONSE);
		assert_int_equal(p.session_id, 7);
	}
}

static void
test_prefixes(void **state)
{
	struct rtr_pdu w, p;
	unsigned v;
	char hex[160];

	(void)state;
	for (v = 0; v <= 2; v++) {
		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_IPV4_PREFIX;
		w.flags = RTR_FLAG_ANNOUNCE;
		w.prefix.family = ADDR_V4;
		w.prefix.len = 24;
		w.prefix.a[0] = 192;
		w.prefix.a[2] = 2;
		w.max_len = 28;
		w.asn = 64496;
		snprintf(hex, sizeof(hex),
		    "%02x04 0000 00000014 01 18 1c 00 c0000200 0000fbf0", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.flags, RTR_FLAG_ANNOUNCE);
		assert_int_equal(p.prefix.family, ADDR_V4);
		assert_int_equal(p.prefix.len, 24);
		assert_memory_equal(p.prefix.a, w.prefix.a, 16);
		assert_int_equal(p.max_len, 28);
		assert_int_equal(p.asn, 64496);

		/* A withdrawal of 0.0.0.0/0-32 by AS 4200000000. */
		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_IPV4_PREFIX;
		w.prefix.family = ADDR_V4;
		w.max_len = 32;
		w.asn = 4200000000u;
		snprintf(hex, sizeof(hex),
		    "%02x04 0000 00000014 00 00 20 00 00000000 fa56ea00", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.flags, 0);
		assert_int_equal(p.max_len, 32);
		assert_int_equal(p.asn, 4200000000u);

		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_IPV6_PREFIX;
		w.flags = RTR_FLAG_ANNOUNCE;
		w.prefix.family = ADDR_V6;
		w.prefix.len = 48;
		memcpy(w.prefix.a, "\x20\x01\x02\x00\x01\x36", 6);
		w.max_len = 128;
		w.asn = 9367;
		snprintf(hex, sizeof(hex), "%02x06 0000 00000020 01 30 80 00 "
		    "20010200013600000000000000000000 00002497", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.prefix.family, ADDR_V6);
		assert_int_equal(p.prefix.len, 48);
		assert_int_equal(p.max_len, 128);
		assert_memory_equal(p.prefix.a, w.prefix.a, 16);
		assert_int_equal(p.asn, 9367);
	}
}

static void
test_end_of_data(void **state)
{
	struct rtr_pdu w, p;
	unsigned v;
	char hex[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	w.type = RTR_END_OF_DATA;
	w.session_id = 0xe521;
	w.serial = 42;
	/* Version 0 has no timers: they are neither sent nor read. */
	w.refresh = 3600;
	p = both_ways("0007 e521 0000000c 0000002a", &w);
	assert_int_equal(p.serial, 42);
	assert_int_equal(p.session_id, 0xe521);
	assert_int_equal(p.refresh, 0);
	assert_int_equal(p.retry, 0);
	assert_int_equal(p.expire, 0);
	for (v = 1; v <= 2; v++) {
		w.version = (uint8_t)v;
		w.refresh = 3600;
		w.retry = 600;
		w.expire = 7200;
		snprintf(hex, sizeof(hex), "%02x07 e521 00000018 0000002a "
		    "00000e10 00000258 00001c20", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.serial, 42);
		assert_int_equal(p.refresh, 3600);
		assert_int_equal(p.retry, 600);
		assert_int_equal(p.expire, 7200);
	}
}

static const uint8_t ski[20] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20,
};

static void
test_router_key(void **state)
{
	static const uint8_t spki[5] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct rtr_pdu w, p;
	unsigned v;
	char hex[200];

	(void)state;
	for (v = 1; v <= 2; v++) {
		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_ROUTER_KEY;
		w.flags = RTR_FLAG_ANNOUNCE;
		w.ski = ski;
		w.asn = 64496;
		w.spki = spki;
		w.spki_len = sizeof(spki);
		snprintf(hex, sizeof(hex), "%02x09 0100 00000025 "
		    "0102030405060708090a0b0c0d0e0f1011121314 0000fbf0 "
		    "3003020100", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.flags, RTR_FLAG_ANNOUNCE);
		assert_memory_equal(p.ski, ski, 20);
		assert_int_equal(p.asn, 64496);
		assert_int_equal(p.spki_len, 5);
		assert_memory_equal(p.spki, spki, 5);
	}
}

static void
test_error_report(void **state)
{
	static const uint8_t enc[8] = { 2, 2, 0, 0, 0, 0, 0, 8 };
	struct rtr_pdu w, p;
	unsigned v;
	char hex[200];

	(void)state;
	for (v = 0; v <= 2; v++) {
		memset(&w, 0, sizeof(w));
		w.version = (uint8_t)v;
		w.type = RTR_ERROR_REPORT;
		w.error_code = RTR_ERR_UNSUPPORTED_VERSION;
		w.err_pdu = enc;
		w.err_pdu_len = sizeof(enc);
		w.err_text = "no v2";
		w.err_text_len = 5;
		snprintf(hex, sizeof(hex), "%02x0a 0004 0000001d 00000008 "
		    "0202000000000008 00000005 6e6f207632", v);
		p = both_ways(hex, &w);
		assert_int_equal(p.error_code, RTR_ERR_UNSUPPORTED_VERSION);
		assert_int_equal(p.err_pdu_len, 8);
		assert_memory_equal(p.err_pdu, enc, 8);
		assert_int_equal(p.err_text_len, 5);
		assert_memory_equal(p.err_text, "no v2", 5);
	}
	/* Both parts may be empty. */
	memset(&w, 0, sizeof(w));
	w.version = 1;
	w.type = RTR_ERROR_REPORT;
	w.error_code = RTR_ERR_NO_DATA;
	p = both_ways("010a 0002 00000010 00000000 00000000", &w);
	assert_int_equal(p.error_code, RTR_ERR_NO_DATA);
	assert_null(p.err_pdu);
	assert_null(p.err_text);
	assert_int_equal(p.err_pdu_len + p.err_text_len, 0);
}

/* The current draft's layout: flags in the header, 12 + 4N bytes. */
static void
test_aspa_current(void **state)
{
	static const uint8_t prov[8] = { 0, 0, 0x33, 0x9d, 0, 2, 0x4b, 0x61 };
	struct rtr_pdu w, p;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.version = 2;
	w.type = RTR_ASPA;
	w.flags = RTR_FLAG_ANNOUNCE;
	w.asn = 945;
	w.providers = prov;
	w.nproviders = 2;
	p = both_ways("020b 0100 00000014 000003b1 0000339d 00024b61", &w);
	assert_false(p.aspa_old_layout);
	assert_int_equal(p.flags, RTR_FLAG_ANNOUNCE);
	assert_int_equal(p.afi_flags, 0);
	assert_int_equal(p.asn, 945);
	assert_int_equal(p.nproviders, 2);
	assert_int_equal(rtr_pdu_provider(&p, 0), 13213);
	assert_int_equal(rtr_pdu_provider(&p, 1), 150369);
	assert_int_equal(rtr_pdu_provider(&p, 2), 0);

	/* The withdrawal names the customer only. */
	memset(&w, 0, sizeof(w));
	w.version = 2;
	w.type = RTR_ASPA;
	w.asn = 4200000000u;
	p = both_ways("020b 0000 0000000c fa56ea00", &w);
	assert_false(p.aspa_old_layout);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.asn, 4200000000u);
	assert_int_equal(p.nproviders, 0);
	assert_null(p.providers);

	/* AS0 as the one provider ("no provider"). */
	p = both_ways("020b 0100 00000010 00000201 00000000", NULL);
	assert_int_equal(p.nproviders, 1);
	assert_int_equal(rtr_pdu_provider(&p, 0), 0);
}

/* draft 8210bis-10's layout, as stayrtr 0.5.1 writes it. */
static void
test_aspa_draft10(void **state)
{
	static const uint8_t prov[4] = { 0, 0, 0xfb, 0xf4 };
	struct rtr_pdu w, p;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.version = 2;
	w.type = RTR_ASPA;
	w.aspa_old_layout = true;
	w.flags = RTR_FLAG_ANNOUNCE;
	w.afi_flags = RTR_ASPA_AFI_IPV6;
	w.asn = 4200000000u;
	w.providers = prov;
	w.nproviders = 1;
	p = both_ways("020b 0000 00000014 01 01 0001 fa56ea00 0000fbf4", &w);
	assert_true(p.aspa_old_layout);
	assert_int_equal(p.flags, RTR_FLAG_ANNOUNCE);
	assert_int_equal(p.afi_flags, RTR_ASPA_AFI_IPV6);
	assert_int_equal(p.asn, 4200000000u);
	assert_int_equal(p.nproviders, 1);
	assert_int_equal(rtr_pdu_provider(&p, 0), 64500);

	/* IPv4 (AFI flags 0), withdrawal, no providers: 16 bytes. */
	memset(&w, 0, sizeof(w));
	w.version = 2;
	w.type = RTR_ASPA;
	w.aspa_old_layout = true;
	w.asn = 970;
	p = both_ways("020b 0000 00000010 00 00 0000 000003ca", &w);
	assert_true(p.aspa_old_layout);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.afi_flags, 0);
	assert_int_equal(p.asn, 970);
	assert_int_equal(p.nproviders, 0);

	/* A withdrawal that repeats the providers, as the draft allowed. */
	p = both_ways("020b 0000 00000014 00 01 0001 000003ca 0000d65a", NULL);
	assert_true(p.aspa_old_layout);
	assert_int_equal(p.flags, 0);
	assert_int_equal(rtr_pdu_provider(&p, 0), 54874);
}

/* Walk a stream, each PDU decoded into pdus[] and re-encoded to its
 * exact bytes; the number of PDUs. */
static size_t
walk(const char *hex, struct rtr_pdu *pdus, size_t max)
{
	static uint8_t b[1024];
	uint8_t out[256];
	size_t n, off = 0, k = 0;

	n = unhex(hex, b, sizeof(b));
	while (off < n) {
		assert_true(k < max);
		pdus[k] = decode_ok(b + off, n - off);
		assert_int_equal(rtr_pdu_encode(&pdus[k], out, sizeof(out)),
		    pdus[k].length);
		assert_memory_equal(out, b + off, pdus[k].length);
		off += pdus[k].length;
		k++;
	}
	assert_int_equal(off, n);
	return k;
}

/* Recorded from stayrtr 0.5.1 (-protocol 2, the default) answering a
 * version 2 Reset Query; see tests/fuzz/corpus/fuzz_rtr/. */
static const char stayrtr_v2[] =
    "0203e52100000008"
    "0206000000000020013030002001020001360000000000000000000000002497"
    "020400000000001401181c00c00002000000fbf0"
    "0204000000000014011818000100000000003417"
    "020b00000000001801000002000003b10000339d00024b61"
    "020b00000000001401000001000003ca0000d65a"
    "020b00000000001801010002000003b10000339d00024b61"
    "020b00000000001401010001fa56ea000000fbf4"
    "020b000000000014010100010000020100000000"
    "0207e521000000180000000000000e100000025800001c20";
/* The same server answering version 1 and version 0 Reset Queries. */
static const char stayrtr_v1[] =
    "0103e52100000008"
    "0106000000000020013030002001020001360000000000000000000000002497"
    "010400000000001401181c00c00002000000fbf0"
    "0104000000000014011818000100000000003417"
    "0107e521000000180000000000000e100000025800001c20";
static const char stayrtr_v0[] =
    "0003e52100000008"
    "0006000000000020013030002001020001360000000000000000000000002497"
    "000400000000001401181c00c00002000000fbf0"
    "0004000000000014011818000100000000003417"
    "0007e5210000000c00000000";

static void
test_stayrtr(void **state)
{
	struct rtr_pdu p[16];
	size_t n, i;

	(void)state;
	n = walk(stayrtr_v2, p, 16);
	assert_int_equal(n, 10);
	assert_int_equal(p[0].type, RTR_CACHE_RESPONSE);
	assert_int_equal(p[0].session_id, 0xe521);
	assert_int_equal(p[1].type, RTR_IPV6_PREFIX);
	assert_int_equal(p[2].type, RTR_IPV4_PREFIX);
	assert_int_equal(p[3].asn, 13335);
	for (i = 4; i <= 8; i++) {
		assert_int_equal(p[i].type, RTR_ASPA);
		assert_true(p[i].aspa_old_layout);
		assert_int_equal(p[i].flags, RTR_FLAG_ANNOUNCE);
	}
	assert_int_equal(p[4].asn, 945);
	assert_int_equal(p[4].afi_flags, 0);
	assert_int_equal(p[4].nproviders, 2);
	assert_int_equal(rtr_pdu_provider(&p[4], 1), 150369);
	assert_int_equal(p[5].asn, 970);
	assert_int_equal(rtr_pdu_provider(&p[5], 0), 54874);
	assert_int_equal(p[6].asn, 945);
	assert_int_equal(p[6].afi_flags, RTR_ASPA_AFI_IPV6);
	assert_int_equal(p[7].asn, 4200000000u);
	assert_int_equal(p[8].asn, 513);
	assert_int_equal(rtr_pdu_provider(&p[8], 0), 0);
	assert_int_equal(p[9].type, RTR_END_OF_DATA);
	assert_int_equal(p[9].serial, 0);
	assert_int_equal(p[9].refresh, 3600);
	assert_int_equal(p[9].retry, 600);
	assert_int_equal(p[9].expire, 7200);

	n = walk(stayrtr_v1, p, 16);
	assert_int_equal(n, 5);
	assert_int_equal(p[4].type, RTR_END_OF_DATA);
	assert_int_equal(p[4].expire, 7200);
	n = walk(stayrtr_v0, p, 16);
	assert_int_equal(n, 5);
	assert_int_equal(p[4].version, 0);
	assert_int_equal(p[4].length, 12);
}

/*
 * The same stayrtr after its JSON changed (one ROA gone, one new, the
 * IPv4 ASPA of AS945 reduced to one provider, its IPv6 ASPA gone): the
 * Serial Notify, then its answer to a Serial Query.  Note the order it
 * uses for a changed ASPA: the new record's announcement first, then the
 * withdrawal of the old record with the old providers repeated
 * (docs/rtr.md: a consumer matches a draft -10 withdrawal on the
 * providers too).
 */
static const char stayrtr_v2_serial[] =
    "0200f44f0000000c00000002"
    "0203f44f00000008"
    "02060000000000200120280020010db80000000000000000000000000000fbff"
    "020b00000000001401000001000003b10000339d"
    "0204000000000014001818000100000000003417"
    "020b00000000001800000002000003b10000339d00024b61"
    "020b00000000001800010002000003b10000339d00024b61"
    "0207f44f000000180000000200000e100000025800001c20";

static void
test_stayrtr_serial(void **state)
{
	struct rtr_pdu p[16];

	(void)state;
	assert_int_equal(walk(stayrtr_v2_serial, p, 16), 8);
	assert_int_equal(p[0].type, RTR_SERIAL_NOTIFY);
	assert_int_equal(p[0].session_id, 0xf44f);
	assert_int_equal(p[0].serial, 2);
	assert_int_equal(p[2].type, RTR_IPV6_PREFIX);
	assert_int_equal(p[2].prefix.len, 32);
	assert_int_equal(p[2].max_len, 40);
	assert_int_equal(p[2].asn, 64511);
	assert_int_equal(p[3].type, RTR_ASPA);
	assert_int_equal(p[3].flags, RTR_FLAG_ANNOUNCE);
	assert_int_equal(p[3].nproviders, 1);
	assert_int_equal(p[4].type, RTR_IPV4_PREFIX);
	assert_int_equal(p[4].flags, 0);
	assert_int_equal(p[4].asn, 13335);
	assert_true(p[5].aspa_old_layout);
	assert_int_equal(p[5].flags, 0);
	assert_int_equal(p[5].afi_flags, 0);
	assert_int_equal(p[5].asn, 945);
	assert_int_equal(p[5].nproviders, 2);
	assert_int_equal(p[6].afi_flags, RTR_ASPA_AFI_IPV6);
	assert_int_equal(p[6].flags, 0);
	assert_int_equal(p[7].serial, 2);
}

struct bad {
	const char	*hex;
	const char	*why;
};

static const struct bad bad[] = {
	/* header */
	{ "0302 0000 00000008", "version: not 0, 1 or 2" },
	{ "ff02 0000 00000008", "version: not 0, 1 or 2" },
	{ "0105 0000 00000008", "type: unknown PDU type" },
	{ "010c 0000 00000008", "type: unknown PDU type" },
	{ "01ff 0000 00000008", "type: unknown PDU type" },
	{ "0102 0000 00000007", "length: shorter than the 8-byte header" },
	{ "0102 0000 00000000", "length: shorter than the 8-byte header" },
	{ "010a 0000 00100001", "length: over RTR_MAX_PDU_LEN" },
	{ "010a 0000 ffffffff", "length: over RTR_MAX_PDU_LEN" },
	{ "0009 0100 00000020", "type: Router Key is not in version 0" },
	{ "010b 0100 00000010", "type: ASPA needs version 2" },
	{ "000b 0100 00000010", "type: ASPA needs version 2" },
	/* lengths per type and version */
	{ "0100 0001 00000008", "length: not 12" },
	{ "0101 0001 00000010 00000001 00000000", "length: not 12" },
	{ "0102 0000 0000000c 00000000", "length: not 8" },
	{ "0103 0001 0000000c 00000000", "length: not 8" },
	{ "0108 0000 00000009 00", "length: not 8" },
	{ "0104 0000 00000018 01181800 01000000 00003417 00000000",
	    "length: not 20 (IPv4 Prefix)" },
	{ "0106 0000 00000014 01181800 01000000 00003417",
	    "length: not 32 (IPv6 Prefix)" },
	{ "0007 0001 00000018 00000001 00000e10 00000258 00001c20",
	    "length: not 12 (End of Data, version 0)" },
	{ "0107 0001 0000000c 00000001",
	    "length: not 24 (End of Data, version 1+)" },
	{ "0207 0001 0000000c 00000001",
	    "length: not 24 (End of Data, version 1+)" },
	{ "0109 0100 0000001f", "length: under 32 (Router Key)" },
	{ "010a 0000 0000000c 00000000", "length: under 16 (Error Report)" },
	{ "020b 0100 00000008", "length: under 12 (ASPA)" },
	{ "020b 0100 0000000e 000003b1 0000",
	    "length: not a multiple of 4 (ASPA providers)" },
	/* zero fields */
	{ "0102 0001 00000008", "zero: header bytes 2-3 not zero" },
	{ "0108 8000 00000008", "zero: header bytes 2-3 not zero" },
	{ "0104 0001 00000014 01181800 01000000 00003417",
	    "zero: header bytes 2-3 not zero" },
	{ "0104 0000 00000014 01181801 01000000 00003417",
	    "zero: prefix byte 11 not zero" },
	{ "0109 0101 00000020 0102030405060708090a0b0c0d0e0f1011121314 "
	    "0000fbf0", "zero: Router Key header byte 3 not zero" },
	{ "020b 0101 00000010 000003b1 0000339d",
	    "zero: ASPA header byte 3 not zero" },
	/* prefix lengths and host bits */
	{ "0104 0000 00000014 01211800 01000000 00003417",
	    "prefix length: over 32/128" },
	{ "0104 0000 00000014 01182100 01000000 00003417",
	    "max length: over 32/128" },
	{ "0104 0000 00000014 01181700 01000000 00003417",
	    "prefix length: over max length" },
	{ "0104 0000 00000014 01181800 01000001 00003417",
	    "prefix: host bits set" },
	{ "0104 0000 00000014 01000000 80000000 00003417",
	    "prefix: host bits set" },
	{ "0106 0000 00000020 01818000 20010200000000000000000000000000 "
	    "00002497", "prefix length: over 32/128" },
	{ "0106 0000 00000020 01308100 20010200000000000000000000000000 "
	    "00002497", "max length: over 32/128" },
	{ "0106 0000 00000020 01303000 20010200013600000000000000000001 "
	    "00002497", "prefix: host bits set" },
	/* Error Report's inner lengths */
	{ "010a 0000 00000010 00000005 00000000",
	    "encapsulated PDU length: past the PDU" },
	{ "010a 0000 00000010 ffffffff 00000000",
	    "encapsulated PDU length: past the PDU" },
	{ "010a 0000 00000010 00000004 00000000",
	    "error text length: missing" },
	{ "010a 0000 00000010 00000000 00000001",
	    "error text length: past the PDU" },
	{ "010a 0000 00000014 00000000 00000000 41424344",
	    "length: bytes left after the PDU's fields" },
	/* ASPA, current layout */
	{ "020b 0100 0000000c 000003b1",
	    "providers: ASPA announcement without any" },
	{ "020b 0300 00000010 000003b1 0000339d",
	    "flags: ASPA reserved flag bits set" },
	{ "020b 0200 0000000c 000003b1",
	    "flags: ASPA reserved flag bits set" },
	/* ASPA, draft -10 layout: count vs length, huge counts, flags */
	{ "020b 0000 00000014 01 00 0002 000003b1 0000339d",
	    "provider count: does not match the ASPA length" },
	{ "020b 0000 00000014 01 00 0000 000003b1 0000339d",
	    "provider count: does not match the ASPA length" },
	{ "020b 0000 00000014 01 00 ffff 000003b1 0000339d",
	    "provider count: does not match the ASPA length" },
	{ "020b 0000 00000014 03 00 0001 000003b1 0000339d",
	    "flags: ASPA (draft -10 layout) reserved bits set" },
	{ "020b 0000 00000014 01 02 0001 000003b1 0000339d",
	    "AFI flags: ASPA (draft -10 layout) reserved bits set" },
};

static void
test_malformed(void **state)
{
	uint8_t b[256];
	struct rtr_pdu p;
	const char *why;
	size_t i, n, need;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = unhex(bad[i].hex, b, sizeof(b));
		why = NULL;
		need = 99;
		if (rtr_pdu_decode(b, n, &p, &need, &why) != RTR_DECODE_BAD)
			fail_msg("%s: not refused", bad[i].hex);
		if (why == NULL || strcmp(why, bad[i].why) != 0)
			fail_msg("%s: why \"%s\", want \"%s\"", bad[i].hex,
			    why != NULL ? why : "(null)", bad[i].why);
		assert_int_equal(need, 0);
	}
}

/* A huge draft -10 count in a PDU that claims a huge length: refused by
 * the length cap from the header alone, without waiting for the bytes. */
static void
test_huge(void **state)
{
	uint8_t b[64];
	struct rtr_pdu p;
	const char *why;
	size_t n, need;

	(void)state;
	n = unhex("020b 0000 00400010 01 00 ffff 000003b1", b, sizeof(b));
	assert_int_equal(rtr_pdu_decode(b, n, &p, &need, &why),
	    RTR_DECODE_BAD);
	assert_string_equal(why, "length: over RTR_MAX_PDU_LEN");
	/* Exactly the cap is possible: SHORT, needing all of it. */
	n = unhex("020b 0100 00100000 000003b1", b, sizeof(b));
	assert_int_equal(rtr_pdu_decode(b, n, &p, &need, &why),
	    RTR_DECODE_SHORT);
	assert_int_equal(need, RTR_MAX_PDU_LEN);
}

static void
test_short(void **state)
{
	uint8_t b[64];
	struct rtr_pdu p;
	const char *why;
	size_t n, k, need;

	(void)state;
	n = unhex("020b 0100 00000014 000003b1 0000339d 00024b61", b,
	    sizeof(b));
	/* Fewer than 8 bytes: the header is needed. */
	for (k = 0; k < RTR_HEADER_LEN; k++) {
		need = 0;
		assert_int_equal(rtr_pdu_decode(b, k, &p, &need, &why),
		    RTR_DECODE_SHORT);
		assert_int_equal(need, RTR_HEADER_LEN);
	}
	/* A header: the whole PDU. */
	for (k = RTR_HEADER_LEN; k < n; k++) {
		need = 0;
		assert_int_equal(rtr_pdu_decode(b, k, &p, &need, &why),
		    RTR_DECODE_SHORT);
		assert_int_equal(need, n);
	}
	assert_int_equal(rtr_pdu_decode(b, n, &p, &need, &why),
	    RTR_DECODE_OK);
	/* A bad header is refused as soon as it is complete. */
	n = unhex("0106 0000 00000014", b, sizeof(b));
	assert_int_equal(rtr_pdu_decode(b, n, &p, &need, &why),
	    RTR_DECODE_BAD);
	assert_string_equal(why, "length: not 32 (IPv6 Prefix)");
	/* NULL buffer, NULL need/why. */
	assert_int_equal(rtr_pdu_decode(NULL, 0, &p, NULL, NULL),
	    RTR_DECODE_SHORT);
}

static void
test_encode_refuses(void **state)
{
	uint8_t out[64];
	struct rtr_pdu w;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.type = 5;
	assert_int_equal(rtr_pdu_encode(&w, out, sizeof(out)), 0);
	w.type = RTR_ASPA;
	w.version = 2;
	w.aspa_old_layout = true;
	w.nproviders = 70000;	/* over the 16-bit count */
	assert_int_equal(rtr_pdu_encode(&w, out, sizeof(out)), 0);
	w.type = RTR_RESET_QUERY;
	assert_int_equal(rtr_pdu_encode(&w, out, 7), 0);
	assert_int_equal(rtr_pdu_encode(&w, out, 8), 8);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(rtr_pdu_type_name(RTR_SERIAL_NOTIFY),
	    "Serial Notify");
	assert_string_equal(rtr_pdu_type_name(RTR_ASPA), "ASPA");
	assert_string_equal(rtr_pdu_type_name(RTR_ERROR_REPORT),
	    "Error Report");
	assert_string_equal(rtr_pdu_type_name(5), "unknown");
	assert_string_equal(rtr_pdu_type_name(12), "unknown");
	assert_string_equal(rtr_pdu_type_name(~0u), "unknown");
	assert_string_equal(rtr_error_name(RTR_ERR_UNSUPPORTED_VERSION),
	    "Unsupported Protocol Version");
	assert_string_equal(rtr_error_name(RTR_ERR_ASPA_PROVIDER_LIST),
	    "ASPA Provider List Error");
	assert_string_equal(rtr_error_name(10), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_and_empty),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_end_of_data),
		cmocka_unit_test(test_router_key),
		cmocka_unit_test(test_error_report),
		cmocka_unit_test(test_aspa_current),
		cmocka_unit_test(test_aspa_draft10),
		cmocka_unit_test(test_stayrtr),
		cmocka_unit_test(test_stayrtr_serial),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_huge),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
