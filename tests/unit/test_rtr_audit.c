/*
 * test_rtr_audit.c - the passive RTR audit (rpki/rtr_audit.h) on sessions
 * built with the codec's encoder: a full exchange fed byte by byte is
 * complete and compared exactly (lacks, extra, examples, events); a
 * session picked up mid-PDU syncs but stays partial; a gap in a reply
 * keeps it partial; withdrawals and duplicates; the serial lag.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sensor_event.h"
#include "capture/packet.h"
#include "rpki/rov.h"
#include "rpki/rtr_audit.h"
#include "rpki/rtr_pdu.h"
#include "rpki/vrp.h"

static uint8_t buf[4096];
static size_t blen;
static char json[65536];
static char events[4096];

/* Append p, encoded, to buf. */
static void
pdu_put(const struct rtr_pdu *p)
{
	size_t n;

	n = rtr_pdu_encode(p, buf + blen, sizeof(buf) - blen);
	assert_true(n > 0);
	blen += n;
}

static void
pdu_add(uint8_t type, uint32_t serial, const char *pfx, unsigned maxlen,
    uint32_t asn, bool announce)
{
	struct rtr_pdu p;

	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.type = type;
	p.session_id = 7;
	p.serial = serial;
	p.refresh = 3600;
	p.retry = 600;
	p.expire = 7200;
	if (pfx != NULL) {
		assert_int_equal(prefix_parse(pfx, &p.prefix, NULL), 0);
		p.max_len = (uint8_t)maxlen;
		p.asn = asn;
		p.flags = announce ? RTR_FLAG_ANNOUNCE : 0;
	}
	pdu_put(&p);
}

static void
on_event(void *arg, const struct sensor_event *ev)
{
	size_t n = strlen(events), i;

	(void)arg;
	n += (size_t)snprintf(events + n, sizeof(events) - n, "%s",
	    sensor_event_type_name(ev->type));
	for (i = 0; i < ev->nfields && n < sizeof(events); i++)
		if (ev->fields[i].kind == SF_UINT)
			n += (size_t)snprintf(events + n, sizeof(events) - n,
			    " %s=%llu", ev->fields[i].key,
			    (unsigned long long)ev->fields[i].u);
	if (n < sizeof(events))
		snprintf(events + n, sizeof(events) - n, ";");
}

static struct rov_index *
reference(void)
{
	struct vrp_set *set = vrp_set_new();
	struct prefix p;

	assert_non_null(set);
	assert_int_equal(prefix_parse("192.0.2.0/24", &p, NULL), 0);
	assert_int_equal(vrp_set_add(set, &p, 24, 65001, "t", 0, NULL), 0);
	assert_int_equal(prefix_parse("10.0.0.0/8", &p, NULL), 0);
	assert_int_equal(vrp_set_add(set, &p, 16, 65002, "t", 0, NULL), 0);
	return rov_index_build(set);
}

struct lab {
	struct rtr_audit *au;
	struct rov_index *ref;
	void		*s;
	struct packet	 pkt;
};

static void
lab_open(struct lab *l)
{
	struct rtr_audit_config cfg;
	struct flow_endpoint a, b;

	memset(l, 0, sizeof(*l));
	memset(&cfg, 0, sizeof(cfg));
	cfg.ports[cfg.nports++] = 323;
	cfg.event = on_event;
	assert_non_null(l->au = rtr_audit_new(&cfg));
	assert_non_null(l->ref = reference());
	l->pkt.ts.tv_sec = 1700000000;
	rtr_audit_reference(l->au, l->ref, NULL, &l->pkt.ts);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(ipaddr_parse("10.0.0.2", &a.addr), 0);
	assert_int_equal(ipaddr_parse("10.0.0.1", &b.addr), 0);
	a.port = 40000;
	b.port = 323;
	l->s = rtr_audit_reasm_ops.session_open(l->au, &a, &b, &l->pkt);
	assert_non_null(l->s);
	events[0] = '\0';
}

/* Feed buf[from..blen) in direction dir, step bytes at a time. */
static void
feed(struct lab *l, int dir, size_t from, size_t step)
{
	size_t off, n;

	for (off = from; off < blen; off += n) {
		n = blen - off < step ? blen - off : step;
		rtr_audit_reasm_ops.data(l->s, dir, buf + off, n, &l->pkt);
	}
	blen = 0;
}

static const char *
stats(struct lab *l)
{
	assert_true(rtr_audit_json(l->au, l->pkt.ts.tv_sec, json,
	    sizeof(json)) > 0);
	return json;
}

/* The router's Reset Query (fed), then the cache's answer up to its End
 * of Data: a Cache Response and the reference's two VRPs, in buf. */
static void
reset_to_reference(struct lab *l)
{
	pdu_add(RTR_RESET_QUERY, 0, NULL, 0, 0, false);
	feed(l, 0, 0, 8);
	pdu_add(RTR_CACHE_RESPONSE, 0, NULL, 0, 0, false);
	pdu_add(RTR_IPV4_PREFIX, 0, "192.0.2.0/24", 24, 65001, true);
	pdu_add(RTR_IPV4_PREFIX, 0, "10.0.0.0/8", 16, 65002, true);
}

static void
lab_close(struct lab *l)
{
	rtr_audit_reasm_ops.session_close(l->s, REASM_CLOSE_END, &l->pkt);
	rtr_audit_free(l->au);
	rov_index_free(l->ref);
}

static void
test_full_exchange(void **state)
{
	struct lab l;

	(void)state;
	lab_open(&l);
	pdu_add(RTR_RESET_QUERY, 0, NULL, 0, 0, false);
	feed(&l, 0, 0, 8);
	pdu_add(RTR_CACHE_RESPONSE, 0, NULL, 0, 0, false);
	pdu_add(RTR_IPV4_PREFIX, 0, "192.0.2.0/24", 24, 65001, true);
	pdu_add(RTR_IPV4_PREFIX, 0, "198.51.100.0/24", 24, 65009, true);
	pdu_add(RTR_IPV4_PREFIX, 0, "198.51.100.0/24", 24, 65009, true);
	pdu_add(RTR_END_OF_DATA, 5, NULL, 0, 0, false);
	feed(&l, 1, 0, 1);	/* byte by byte */
	assert_non_null(strstr(stats(&l), "\"state\":\"complete\""));
	assert_non_null(strstr(json, "\"vrps\":2,"));
	assert_non_null(strstr(json, "\"serial\":5,"));
	assert_non_null(strstr(json, "\"lacks\":1,\"extra\":1,"
	    "\"lacks_examples\":[\"10.0.0.0/8-16 AS65002\"],"
	    "\"extra_examples\":[\"198.51.100.0/24-24 AS65009\"]"));
	assert_string_equal(events, "rtr-drift lacks=1 extra=1 aspa_lacks=0 "
	    "aspa_extra=0 aspa_differ=0 vrps=2 serial=5 session_id=7;");
	/* the cache moves on: notify, a serial query's answer fixes it */
	events[0] = '\0';
	pdu_add(RTR_SERIAL_NOTIFY, 6, NULL, 0, 0, false);
	feed(&l, 1, 0, 5);
	assert_non_null(strstr(stats(&l), "\"serial_lag\":1,"));
	pdu_add(RTR_SERIAL_QUERY, 5, NULL, 0, 0, false);
	feed(&l, 0, 0, 64);
	pdu_add(RTR_CACHE_RESPONSE, 0, NULL, 0, 0, false);
	pdu_add(RTR_IPV4_PREFIX, 0, "198.51.100.0/24", 24, 65009, false);
	pdu_add(RTR_IPV4_PREFIX, 0, "10.0.0.0/8", 16, 65002, true);
	pdu_add(RTR_END_OF_DATA, 6, NULL, 0, 0, false);
	feed(&l, 1, 0, 7);
	assert_non_null(strstr(stats(&l), "\"state\":\"complete\""));
	assert_non_null(strstr(json, "\"serial_lag\":0,"));
	assert_non_null(strstr(json, "\"lacks\":0,\"extra\":0,"));
	assert_string_equal(events, "rtr-synced vrps=2 aspas=0 serial=6;");
	lab_close(&l);
}

static void
test_midstream_partial(void **state)
{
	struct lab l;

	(void)state;
	lab_open(&l);
	/* the capture starts 5 bytes into a Prefix PDU */
	pdu_add(RTR_IPV4_PREFIX, 0, "192.0.2.0/24", 24, 65001, true);
	pdu_add(RTR_IPV4_PREFIX, 0, "10.0.0.0/8", 16, 65002, true);
	pdu_add(RTR_IPV4_PREFIX, 0, "203.0.113.0/24", 24, 65003, true);
	pdu_add(RTR_END_OF_DATA, 9, NULL, 0, 0, false);
	feed(&l, 1, 5, 3);
	assert_non_null(strstr(stats(&l), "\"state\":\"partial\""));
	assert_non_null(strstr(json, "\"vrps\":2,"));	/* the first is cut */
	assert_non_null(strstr(json, "\"compared\":false"));
	assert_string_equal(events, "rtr-partial vrps=2;");
	/* the next full exchange completes it, with a gap-free reply */
	events[0] = '\0';
	reset_to_reference(&l);
	pdu_add(RTR_END_OF_DATA, 10, NULL, 0, 0, false);
	feed(&l, 1, 0, 100);
	assert_non_null(strstr(stats(&l), "\"state\":\"complete\""));
	assert_non_null(strstr(json, "\"lacks\":0,\"extra\":0,"));
	assert_string_equal(events, "");
	/* a gap inside the next reset's reply: partial again */
	pdu_add(RTR_RESET_QUERY, 0, NULL, 0, 0, false);
	feed(&l, 0, 0, 8);
	pdu_add(RTR_CACHE_RESPONSE, 0, NULL, 0, 0, false);
	pdu_add(RTR_IPV4_PREFIX, 0, "192.0.2.0/24", 24, 65001, true);
	feed(&l, 1, 0, 100);
	rtr_audit_reasm_ops.gap(l.s, 1, 20, &l.pkt);
	pdu_add(RTR_IPV4_PREFIX, 0, "10.0.0.0/8", 16, 65002, true);
	pdu_add(RTR_END_OF_DATA, 11, NULL, 0, 0, false);
	feed(&l, 1, 0, 100);
	assert_non_null(strstr(stats(&l), "\"state\":\"partial\""));
	lab_close(&l);
}

static void
test_stale(void **state)
{
	struct lab l;

	(void)state;
	lab_open(&l);
	reset_to_reference(&l);
	pdu_add(RTR_END_OF_DATA, 1, NULL, 0, 0, false);
	feed(&l, 1, 0, 100);
	assert_string_equal(events, "");
	l.pkt.ts.tv_sec += 7200;	/* twice the refresh: not yet */
	rtr_audit_tick(l.au, &l.pkt.ts);
	assert_string_equal(events, "");
	l.pkt.ts.tv_sec += 1;
	rtr_audit_tick(l.au, &l.pkt.ts);
	rtr_audit_tick(l.au, &l.pkt.ts);	/* once */
	assert_string_equal(events, "rtr-stale limit=7200 serial=1;");
	lab_close(&l);
}

/* ASPAs at version 2 (8210bis layout): against a reference list, a
 * customer lacking, one extra, one with other providers; a withdrawal. */
static void
test_aspa(void **state)
{
	static const uint32_t p1[] = { 65010, 65011 }, p2[] = { 65020 };
	struct vrp_set *set;
	struct aspa_index *aidx;
	struct lab l;
	struct rtr_pdu p;
	uint8_t prov[8];

	(void)state;
	lab_open(&l);
	assert_non_null(set = vrp_set_new());
	assert_int_equal(aspa_list_add(&set->aspa, 65001, p1, 2, 0,
	    ASPA_TA_NONE, NULL), 0);
	assert_int_equal(aspa_list_add(&set->aspa, 65002, p2, 1, 0,
	    ASPA_TA_NONE, NULL), 0);
	assert_non_null(aidx = aspa_index_build(&set->aspa));
	/* the audit holds the reference until told of the next one */
	rtr_audit_reference(l.au, NULL, NULL, &l.pkt.ts);
	rov_index_free(l.ref);
	assert_non_null(l.ref = rov_index_build(set));
	rtr_audit_reference(l.au, l.ref, aidx, &l.pkt.ts);
	reset_to_reference(&l);
	/* 65001 with one provider of two; 65003, unknown to the reference */
	memset(&p, 0, sizeof(p));
	p.version = 2;
	p.type = RTR_ASPA;
	p.flags = RTR_FLAG_ANNOUNCE;
	p.asn = 65001;
	p.nproviders = 1;
	memcpy(prov, (const uint8_t[]){ 0, 0, 0xfe, 0x12 }, 4);	/* 65042 */
	p.providers = prov;
	pdu_put(&p);
	p.asn = 65003;
	pdu_put(&p);
	pdu_add(RTR_END_OF_DATA, 1, NULL, 0, 0, false);
	feed(&l, 1, 0, 9);
	assert_non_null(strstr(stats(&l), "\"aspas\":2,"));
	assert_non_null(strstr(json, "\"aspa_lacks\":1,\"aspa_extra\":1,"
	    "\"aspa_differ\":1,"));
	/* withdraw 65001 (no providers): it now lacks two */
	memset(&p, 0, sizeof(p));
	p.version = 2;
	p.type = RTR_ASPA;
	p.asn = 65001;
	pdu_add(RTR_CACHE_RESPONSE, 0, NULL, 0, 0, false);
	pdu_put(&p);
	pdu_add(RTR_END_OF_DATA, 2, NULL, 0, 0, false);
	feed(&l, 1, 0, 100);
	assert_non_null(strstr(stats(&l), "\"aspas\":1,"));
	assert_non_null(strstr(json, "\"aspa_lacks\":2,\"aspa_extra\":1,"
	    "\"aspa_differ\":0,"));
	lab_close(&l);
	aspa_index_free(aidx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_exchange),
		cmocka_unit_test(test_midstream_partial),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_aspa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
