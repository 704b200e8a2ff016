/*
 * test_alert.c - exact alert JSON (announce-invalid, revalidate,
 * resolved), escaping, base64, the Snort timestamp, the file sink
 * (append, never truncate; reopen after rename), the spec parser; and
 * a driver for tests/e2e/90-sinks.sh, skipped unless ROVMON_SINK_TEST
 * is set.
 *
 * tsan: yes (the network sinks' workers, through the 90-sinks driver)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "alert/alert.h"
#include "state/route_json.h"
#include "alert/sink.h"
#include "base/stats.h"
#include "builders.h"

static const uint8_t update_msg[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x17, 0x02, 0x00, 0x00, 0x00, 0x00,
};

struct fixture {
	struct route_event	 ev;
	struct packet		 pkt;
	struct path_fix		 pf;
	struct vrp		 vrp;
};

/* AS_PATH [65001 4200000000 64500] announcing 192.0.2.0/24, INVALID (as)
 * by 192.0.2.0/23-23-AS64511, from packet 42. */
static void
fill(struct fixture *f)
{
	static const uint32_t path[] = { 65001, 4200000000u, 64500 };
	struct route_event *ev = &f->ev;

	memset(f, 0, sizeof(*f));
	f->pkt.num = 42;
	f->pkt.ts.tv_sec = 1714564800;		/* 2024-05-01T12:00:00Z */
	f->pkt.ts.tv_usec = 123456;
	f->pkt.wirelen = 89;
	b_path(&f->pf, path, 3, NULL, 0);
	prefix_parse("192.0.2.0/23", &f->vrp.prefix, NULL);
	f->vrp.maxlen = 23;
	f->vrp.asn = 64511;

	b_event(ev, RTEV_ANNOUNCE, "192.0.2.0/24", 64500);
	ev->ts = f->pkt.ts;
	ev->session_id = 7;
	ipaddr_parse("10.0.0.2", &ev->dst_addr);
	ev->src_port = 179;
	ev->dst_port = 40312;
	ev->aspath = &f->pf.path;
	ipaddr_parse("10.0.0.1", &ev->next_hop);
	ev->has_rpki = true;
	ev->rpki.state = ROV_INVALID;
	ev->rpki.reason = ROV_REASON_AS;
	ev->rpki.vrps[0] = &f->vrp;
	ev->rpki.nvrps = 1;
	ev->rpki.ncovering = 1;
	ev->vrp_generation = 3;
	ev->pkt = &f->pkt;
	ev->msg = update_msg;
	ev->msg_len = sizeof(update_msg);
}

/* A revalidation or resolution: no packet, no message, a previous state. */
static void
not_from_packet(struct fixture *f, enum route_event_kind kind,
    enum rov_state prev, uint32_t prev_origin)
{
	f->ev.kind = kind;
	f->ev.pkt = NULL;
	f->ev.msg = NULL;
	f->ev.msg_len = 0;
	f->ev.has_prev = true;
	f->ev.prev_state = prev;
	f->ev.prev_origin_as = prev_origin;
}

/*
 * The rules the tests' alerts point at, as a ruleset keeps them: made
 * once per set of fields (a loop of alerts reuses them), freed by the
 * group's teardown.
 */
#define RULES_MADE_MAX	64
static struct alert_rule *rules_made[RULES_MADE_MAX];
static unsigned nrules_made;

static bool
str_same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static const struct alert_rule *
mk_rule(uint32_t gid, uint32_t sid, uint32_t rev, uint32_t prio,
    const char *msg, const char *classtype, const char *class_desc,
    const char *action)
{
	struct alert_rule *r;
	unsigned i;

	for (i = 0; i < nrules_made; i++) {
		r = rules_made[i];
		if (r->gid == gid && r->sid == sid && r->rev == rev &&
		    r->priority == prio && str_same(r->msg, msg) &&
		    str_same(r->classtype, classtype) &&
		    str_same(r->class_desc, class_desc) &&
		    str_same(r->action, action))
			return r;
	}
	assert_true(nrules_made < RULES_MADE_MAX);
	r = alert_rule_new(gid, sid, rev, prio, msg, classtype, class_desc,
	    action);
	assert_non_null(r);
	rules_made[nrules_made++] = r;
	return r;
}

static int
free_rules(void **state)
{
	(void)state;
	while (nrules_made > 0)
		alert_rule_free(rules_made[--nrules_made]);
	return 0;
}

/* An alert of sid 1000001 with msg and priority prio. */
static void
mk_alert_p(struct alert *a, const struct fixture *f, const char *msg,
    uint32_t prio)
{
	alert_init(a, mk_rule(1, 1000001, 2, prio, msg, "rpki-invalid",
	    "RPKI invalid origin", "alert"), &f->ev, "sensor-1",
	    f->ev.pkt != NULL ? f->ev.pkt->num : 0);
}

static void
mk_alert(struct alert *a, const struct fixture *f, const char *msg)
{
	mk_alert_p(a, f, msg, 1);
}

static const char *
fmt(const struct alert *a)
{
	static char buf[ALERT_JSON_MAX];
	int n;

	n = alert_format_json(a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_int_equal(buf[n - 1], '\n');
	return buf;
}

#define ENVELOPE(ts_snort, ts_iso, pkt_num, pkt_len)			\
	"{\"timestamp\":\"" ts_snort "\",\"@timestamp\":\"" ts_iso	\
	"\",\"pkt_num\":" pkt_num ",\"proto\":\"TCP\",\"pkt_len\":"	\
	pkt_len ",\"dir\":\"S2C\",\"src_addr\":\"10.0.0.1\","		\
	"\"src_port\":179,\"dst_addr\":\"10.0.0.2\",\"dst_port\":40312,"	\
	"\"service\":\"bgp\",\"rule\":\"1:1000001:2\",\"gid\":1,"	\
	"\"sid\":1000001,\"rev\":2,\"msg\":\"RPKI invalid\","		\
	"\"class\":\"RPKI invalid origin\",\"classtype\":"		\
	"\"rpki-invalid\",\"priority\":1,\"action\":\"alert\""

/* The route-leak fields of a route with no role, OTC or ASPA data. */
#define NO_LEAK								\
	",\"peer_role\":null,\"role_source\":null,\"otc\":null,"		\
	"\"router_rpki_state\":null,"					\
	"\"aspa\":null,\"leak\":null,\"prev_aspa_state\":null,"		\
	"\"prev_leak\":null"

#define RPKI_INVALID							\
	"\"rpki\":{\"state\":\"invalid\",\"reason\":\"as\",\"vrps\":"	\
	"[{\"prefix\":\"192.0.2.0/23\",\"max_length\":23,\"asn\":64511}],"	\
	"\"covering\":1,\"generation\":3}"

static void
test_announce_invalid(void **state)
{
	struct fixture f;
	struct alert a;

	(void)state;
	fill(&f);
	mk_alert(&a, &f, "RPKI invalid");
	assert_string_equal(fmt(&a),
	    ENVELOPE("24/05/01-12:00:00.123456", "2024-05-01T12:00:00.123456Z",
	    "42", "89")
	    ",\"b64_data\":\"/////////////////////wAXAgAAAAA=\""
	    ",\"sensor\":\"sensor-1\",\"bgp\":{\"event\":\"announce\","
	    "\"peer\":{\"addr\":\"10.0.0.1\",\"as\":65001},"
	    "\"local\":{\"addr\":\"10.0.0.2\"},\"prefix\":\"192.0.2.0/24\","
	    "\"origin_as\":64500,\"origin_kind\":\"seq\","
	    "\"as_path\":[65001,4200000000,64500],\"next_hop\":\"10.0.0.1\","
	    "\"prev_state\":null,\"prev_origin_as\":null," RPKI_INVALID
	    NO_LEAK "}}\n");
}

/* A sensor event's alert: the envelope, then "event" with its fields. */
static void
test_sensor_event(void **state)
{
	static const char *const ex[] = { "192.0.2.0/24-24 AS64500",
	    "198.51.100.0/24-24 \"q\"" };
	struct sensor_event ev;
	struct timeval ts = { 1714564800, 123456 };
	struct alert a;
	char text[ALERT_TEXT_MAX];

	(void)state;
	sensor_event_init(&ev, SEV_RTR_DRIFT, &ts);
	assert_int_equal(ipaddr_parse("10.0.0.2", &ev.addr), 0);
	ev.port = 323;
	ev.subject = "router 10.0.0.2";
	ev.text = "lacks 2 VRPs, 0 extra\n";
	ev.pkt_num = 7;
	sensor_event_uint(&ev, "lacks", 2);
	sensor_event_strs(&ev, "lacks_examples", ex, 2);
	sensor_event_int(&ev, "serial_lag", -1);
	sensor_event_bool(&ev, "partial", false);
	sensor_event_str(&ev, "session_id", NULL);
	alert_init_event(&a, mk_rule(1, 1000102, 1, 2, "drift",
	    "rtr-router-drift", "Router view", "alert"), &ev, "s1");
	assert_string_equal(fmt(&a),
	    "{\"timestamp\":\"24/05/01-12:00:00.123456\",\"@timestamp\":"
	    "\"2024-05-01T12:00:00.123456Z\",\"pkt_num\":7,\"service\":"
	    "\"rovmon\",\"rule\":\"1:1000102:1\",\"gid\":1,\"sid\":1000102,"
	    "\"rev\":1,\"msg\":\"drift\",\"class\":\"Router view\","
	    "\"classtype\":\"rtr-router-drift\",\"priority\":2,\"action\":"
	    "\"alert\",\"sensor\":\"s1\",\"event\":{\"type\":\"rtr-drift\","
	    "\"subject\":\"router 10.0.0.2\",\"addr\":\"10.0.0.2\",\"port\":"
	    "323,\"lacks\":2,\"lacks_examples\":[\"192.0.2.0/24-24 AS64500\","
	    "\"198.51.100.0/24-24 \\\"q\\\"\"],\"serial_lag\":-1,"
	    "\"partial\":false,\"session_id\":null}}\n");
	alert_format_text(&a, text, sizeof(text));
	assert_string_equal(text, "[1:1000102:1] drift [Classification: "
	    "Router view] [Priority: 2] rtr-drift router 10.0.0.2: lacks 2 "
	    "VRPs, 0 extra ");
	/* fields past the cap are dropped, never written out of bounds */
	for (int i = 0; i < 40; i++)
		sensor_event_uint(&ev, "n", (uint64_t)i);
	assert_int_equal(ev.nfields, SENSOR_EVENT_MAX_FIELDS);
}

static void
test_revalidate(void **state)
{
	struct fixture f;
	struct alert a;

	(void)state;
	fill(&f);
	not_from_packet(&f, RTEV_REVALIDATE, ROV_VALID, 64500);
	f.ev.ts.tv_sec = 1714564861;
	f.ev.ts.tv_usec = 5;
	f.ev.has_path_id = true;
	f.ev.path_id = 9;
	/* an AS_SET at the end */
	b_path(&f.pf, (const uint32_t[]){ 65001, 4200000000u }, 2,
	    (const uint32_t[]){ 64500, 64501 }, 2);
	f.ev.origin_kind = ORIGIN_AS_SET;
	f.ev.rpki.reason = ROV_REASON_AS_SET;
	mk_alert(&a, &f, "RPKI invalid");
	assert_string_equal(fmt(&a),
	    ENVELOPE("24/05/01-12:01:01.000005", "2024-05-01T12:01:01.000005Z",
	    "0", "0")
	    ",\"sensor\":\"sensor-1\",\"bgp\":{\"event\":\"revalidate\","
	    "\"peer\":{\"addr\":\"10.0.0.1\",\"as\":65001},"
	    "\"local\":{\"addr\":\"10.0.0.2\"},\"prefix\":\"192.0.2.0/24\","
	    "\"path_id\":9,\"origin_as\":null,\"origin_kind\":\"set\","
	    "\"as_path\":[65001,4200000000,[64500,64501]],"
	    "\"next_hop\":\"10.0.0.1\",\"prev_state\":\"valid\","
	    "\"prev_origin_as\":64500,\"rpki\":{\"state\":\"invalid\","
	    "\"reason\":\"as_set\",\"vrps\":[{\"prefix\":\"192.0.2.0/23\","
	    "\"max_length\":23,\"asn\":64511}],\"covering\":1,"
	    "\"generation\":3}" NO_LEAK "}}\n");
}

static void
test_resolved(void **state)
{
	struct fixture f;
	struct alert a;

	(void)state;
	fill(&f);
	not_from_packet(&f, RTEV_RESOLVED, ROV_INVALID, 64500);
	f.ev.resolve_why = RESOLVE_SESSION_DOWN;
	f.ev.aspath = NULL;
	f.ev.next_hop.family = 0;
	f.ev.has_rpki = false;
	f.ev.peer_as = 0;
	f.ev.src_port = 40312;
	f.ev.dst_port = 179;
	mk_alert(&a, &f, "RPKI invalid");
	a.sensor = NULL;
	assert_string_equal(fmt(&a),
	    "{\"timestamp\":\"24/05/01-12:00:00.123456\",\"@timestamp\":"
	    "\"2024-05-01T12:00:00.123456Z\",\"pkt_num\":0,\"proto\":\"TCP\","
	    "\"pkt_len\":0,\"dir\":\"C2S\",\"src_addr\":\"10.0.0.1\","
	    "\"src_port\":40312,\"dst_addr\":\"10.0.0.2\",\"dst_port\":179,"
	    "\"service\":\"bgp\",\"rule\":\"1:1000001:2\",\"gid\":1,"
	    "\"sid\":1000001,\"rev\":2,\"msg\":\"RPKI invalid\","
	    "\"class\":\"RPKI invalid origin\",\"classtype\":\"rpki-invalid\","
	    "\"priority\":1,\"action\":\"alert\",\"bgp\":{\"event\":"
	    "\"resolved\",\"resolve_reason\":\"session-down\","
	    "\"peer\":{\"addr\":\"10.0.0.1\",\"as\":null},"
	    "\"local\":{\"addr\":\"10.0.0.2\"},\"prefix\":\"192.0.2.0/24\","
	    "\"origin_as\":64500,\"origin_kind\":\"seq\",\"as_path\":null,"
	    "\"next_hop\":null,\"prev_state\":\"invalid\","
	    "\"prev_origin_as\":64500,\"peer_role\":null,"
	    "\"role_source\":null,\"otc\":null,"
	    "\"router_rpki_state\":null,\"aspa\":null,"
	    "\"leak\":null,\"prev_aspa_state\":null,\"prev_leak\":null}}\n");
	/* a session flap's reasons (docs/alerts.md "Session flaps") */
	f.ev.resolve_why = RESOLVE_STALE;
	mk_alert(&a, &f, "RPKI invalid");
	a.sensor = NULL;
	assert_non_null(strstr(fmt(&a),
	    "\"event\":\"resolved\",\"resolve_reason\":\"stale\","));
	f.ev.resolve_why = RESOLVE_SESSION_GONE;
	mk_alert(&a, &f, "RPKI invalid");
	a.sensor = NULL;
	assert_non_null(strstr(fmt(&a),
	    "\"event\":\"resolved\",\"resolve_reason\":\"session-gone\","));
}

static void
test_escape(void **state)
{
	char buf[256];
	size_t off = 0;

	(void)state;
	alert_put_jstr(buf, sizeof(buf), &off,
	    "a\"b\\c\n\t\x01\x7f caf\xc3\xa9 \xff\xc3 \xed\xa0\x80 </x>");
	buf[off] = '\0';
	assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\x7f caf\xc3\xa9 "
	    "\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd </x>\"");

	/* msg from a hostile rule file stays one valid JSON line */
	{
		struct fixture f;
		struct alert a;
		const char *j;

		fill(&f);
		mk_alert(&a, &f, "x\"},\"sid\":1,\n{\"y");
		j = fmt(&a);
		assert_non_null(strstr(j,
		    "\"msg\":\"x\\\"},\\\"sid\\\":1,\\n{\\\"y\""));
		assert_ptr_equal(strchr(j, '\n'), j + strlen(j) - 1);
	}
}

static void
test_base64(void **state)
{
	static const struct { const char *in, *out; } v[] = {	/* RFC 4648 */
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char buf[32];
	size_t i, off;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		off = 0;
		alert_put_base64(buf, sizeof(buf), &off,
		    (const uint8_t *)v[i].in, strlen(v[i].in));
		buf[off] = '\0';
		assert_string_equal(buf, v[i].out);
	}
}

/*
 * The rule's fields are escaped once, when the rule is made
 * (alert_rule_new()): each rule writes its own text (one with the same
 * gid:sid:rev but another msg, class or priority, another sid), the
 * same bytes every time, and a msg cut at 255 bytes inside a UTF-8
 * sequence ends in U+FFFD.
 */
static void
test_rule_text(void **state)
{
	static const char hostile[] = "x\"\\\n\x01\xff caf\xc3\xa9";
	char first[ALERT_JSON_MAX], cut[ALERT_MSG_MAX + 2];
	struct fixture f;
	struct alert a;

	(void)state;
	fill(&f);
	mk_alert(&a, &f, "m1");
	assert_non_null(strstr(fmt(&a), ",\"msg\":\"m1\",\"class\":"
	    "\"RPKI invalid origin\",\"classtype\":\"rpki-invalid\","
	    "\"priority\":1,\"action\":\"alert\","));
	mk_alert(&a, &f, "m2");
	assert_non_null(strstr(fmt(&a), ",\"msg\":\"m2\","));
	alert_init(&a, mk_rule(1, 1000001, 2, 1, "m2", "other", "", "log"),
	    &f.ev, NULL, 42);
	assert_non_null(strstr(fmt(&a), ",\"msg\":\"m2\",\"class\":"
	    "\"other\",\"classtype\":\"other\",\"priority\":1,"
	    "\"action\":\"log\","));
	alert_init(&a, mk_rule(1, 1000001, 2, 2, "m2", "other", "", "log"),
	    &f.ev, NULL, 42);
	assert_non_null(strstr(fmt(&a), "\"priority\":2,"));
	/* another rule */
	alert_init(&a, mk_rule(1, 1000009, 1, 1, "m2", "other", "", "log"),
	    &f.ev, NULL, 42);
	assert_non_null(strstr(fmt(&a), "\"rule\":\"1:1000009:1\","
	    "\"gid\":1,\"sid\":1000009,\"rev\":1,\"msg\":\"m2\","));
	/* escaped once: the same bytes every time */
	mk_alert(&a, &f, hostile);
	strcpy(first, fmt(&a));
	assert_non_null(strstr(first, "\"msg\":\"x\\\"\\\\\\n\\u0001"
	    "\\ufffd caf\xc3\xa9\","));
	assert_string_equal(fmt(&a), first);
	/* 254 bytes and a 2-byte sequence: the cut keeps its first byte */
	memset(cut, 'a', ALERT_MSG_MAX - 2);
	memcpy(cut + ALERT_MSG_MAX - 2, "\xc3\xa9", 3);
	mk_alert(&a, &f, cut);
	assert_int_equal(strlen(a.rule->msg), ALERT_MSG_MAX - 1);
	assert_non_null(strstr(fmt(&a), "aaa\\ufffd\",\"class\":"));
}

/* A cut keeps exactly the text that fits, at every cap (jsonbuf.h). */
static void
test_cuts(void **state)
{
	static const char str[] = "a\"b\x01\xc3\xa9\xff plain text";
	uint8_t bytes[100];
	char full[512], buf[512];
	size_t flen, cap, off, i;

	(void)state;
	off = 0;
	alert_put_jstr(full, sizeof(full), &off, str);
	flen = off;
	for (cap = 0; cap < flen + 2; cap++) {
		memset(buf, 'x', sizeof(buf));
		off = 0;
		alert_put_jstr(buf, cap, &off, str);
		assert_int_equal(off, cap < flen ? cap + 1 : flen);
		assert_memory_equal(buf, full, cap < flen ? cap : flen);
		assert_int_equal(buf[cap < flen ? cap : flen], 'x');
	}
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 37);
	off = 0;
	alert_put_base64(full, sizeof(full), &off, bytes, sizeof(bytes));
	flen = off;
	assert_int_equal(flen, 136);
	for (cap = 0; cap < flen + 2; cap++) {
		memset(buf, 'x', sizeof(buf));
		off = 0;
		alert_put_base64(buf, cap, &off, bytes, sizeof(bytes));
		assert_int_equal(off, cap < flen ? cap + 1 : flen);
		assert_memory_equal(buf, full, cap < flen ? cap : flen);
		assert_int_equal(buf[cap < flen ? cap : flen], 'x');
	}
}

static void
test_timestamps(void **state)
{
	struct timeval tv = { 1714564800, 123456 };
	char buf[64];
	size_t off = 0;

	(void)state;
	route_json_ts(buf, sizeof(buf), &off, &tv, ROUTE_JSON_TS_SNORT);
	buf[off] = '\0';
	assert_string_equal(buf, "24/05/01-12:00:00.123456");
	off = 0;
	tv.tv_sec = 946684799;		/* 1999-12-31T23:59:59Z */
	tv.tv_usec = 7;
	route_json_ts(buf, sizeof(buf), &off, &tv, ROUTE_JSON_TS_SNORT);
	route_json_ts(buf, sizeof(buf), &off, &tv, ROUTE_JSON_TS_ISO);
	buf[off] = '\0';
	assert_string_equal(buf,
	    "99/12/31-23:59:59.0000071999-12-31T23:59:59.000007Z");
	assert_string_equal(alert_dir(179, 179), "UNK");
	assert_string_equal(alert_dir(1000, 2000), "UNK");
}

static void
test_too_small_and_huge_path(void **state)
{
	static uint32_t asns[16384];
	static char buf[ALERT_JSON_MAX];
	static uint8_t msg[65535];
	struct bgp_as_segment seg = { AS_SEQUENCE, 16384, 0 };
	struct bgp_aspath p = { &seg, 1, asns, 16384 };
	struct fixture f;
	struct alert a;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < 16384; i++)
		asns[i] = 4294967295u;
	fill(&f);
	f.ev.aspath = &p;
	f.ev.msg = msg;
	f.ev.msg_len = sizeof(msg);
	memset(msg, 0xff, sizeof(msg));
	mk_alert(&a, &f, "long");
	n = alert_format_json(&a, buf, sizeof(buf));
	assert_true(n > 16384 * 11);
	assert_int_equal(alert_format_json(&a, buf, (size_t)n), -1);
	assert_int_equal(alert_format_json(&a, buf, (size_t)n + 1), n);
	n = alert_format_text(&a, buf, 32);
	assert_int_equal(n, 31);
}

/*
 * The text form (syslog, webhook "text", mail body) names what decided
 * the verdict: the VRPs that conflict with an INVALID route (prefix,
 * max_length, AS), the ones a VALID route matches, "no covering ROA" for
 * NOT_FOUND.
 */
static const char *
text(const struct alert *a)
{
	static char buf[ALERT_TEXT_MAX];
	int n;

	n = alert_format_text(a, buf, sizeof(buf));
	assert_int_equal((size_t)n, strlen(buf));
	return buf;
}

#define TEXT_HEAD(sid, msg, cls, prio)					\
	"[1:" sid ":2] " msg " [Classification: " cls "] [Priority: "	\
	prio "] "

/* A route leak and an ASPA invalid path: the JSON fields and the text
 * line's tail. */
static void
test_leak_alert(void **state)
{
	struct fixture f;
	struct alert a;

	(void)state;
	fill(&f);
	f.ev.kind = RTEV_REVALIDATE;
	f.ev.pkt = NULL;
	f.ev.msg = NULL;
	f.ev.rpki.state = ROV_VALID;
	f.ev.rpki.reason = ROV_REASON_NONE;
	f.ev.has_prev = true;
	f.ev.prev_state = ROV_VALID;
	f.ev.prev_origin_as = 64500;
	f.ev.sender_role = BGP_ROLE_CUSTOMER;
	f.ev.role_source = BGP_ROLE_SRC_CONFIG;
	f.ev.has_otc = true;
	f.ev.otc = 64999;
	f.ev.router_rpki = BGP_RRPKI_INVALID;
	f.ev.leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	f.ev.prev_leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	f.ev.has_aspa = true;
	f.ev.aspa.state = ASPA_INVALID;
	f.ev.aspa.procedure = ASPA_UPSTREAM;
	f.ev.aspa.reason = ASPA_REASON_HOP;
	f.ev.aspa.hop_customer = 64500;
	f.ev.aspa.hop_provider = 4200000000u;
	f.ev.has_prev_aspa = true;
	f.ev.prev_aspa_state = ASPA_VALID;
	alert_init(&a, mk_rule(1, 1000008, 1, 1, "ASPA INVALID",
	    "aspa-invalid", "ASPA invalid AS path", "alert"), &f.ev, NULL, 0);
	assert_non_null(strstr(fmt(&a), ",\"rpki\":{\"state\":\"valid\","
	    "\"reason\":null,\"vrps\":[{\"prefix\":\"192.0.2.0/23\","
	    "\"max_length\":23,\"asn\":64511}],\"covering\":1,"
	    "\"generation\":3},\"peer_role\":\"customer\",\"role_source\":"
	    "\"config\",\"otc\":64999,\"router_rpki_state\":\"invalid\","
	    "\"aspa\":{\"state\":\"invalid\","
	    "\"procedure\":\"upstream\",\"reason\":\"hop\",\"hop\":"
	    "{\"customer\":64500,\"provider\":4200000000}},\"leak\":"
	    "{\"rule\":\"otc-from-customer\",\"rfc\":\"9234 section 5\","
	    "\"otc\":64999,\"peer_as\":65001},\"prev_aspa_state\":\"valid\","
	    "\"prev_leak\":\"otc-from-customer\"}}\n"));
	assert_string_equal(text(&a),
	    "[1:1000008:1] ASPA INVALID [Classification: ASPA invalid AS path] "
	    "[Priority: 1] revalidate 192.0.2.0/24 origin AS64500 rpki valid "
	    "(VRP 192.0.2.0/23 max_length 23 AS64511) peer 10.0.0.1 AS65001 "
	    "aspa invalid/hop leak otc-from-customer router_rpki invalid");
	/* a cut text line stays cut at cap - 1 */
	{
		char small[40];

		assert_int_equal(alert_format_text(&a, small, sizeof(small)),
		    39);
		assert_int_equal(strlen(small), 39);
	}
}

static void
test_text(void **state)
{
	static struct vrp v6[ROV_MAX_DECIDING];
	char longmsg[300];
	struct fixture f;
	struct vrp v2;
	struct alert a;
	unsigned i;
	size_t n;

	(void)state;
	fill(&f);
	mk_alert(&a, &f, "RPKI invalid");
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000001", "RPKI invalid", "RPKI invalid origin", "1")
	    "announce 192.0.2.0/24 origin AS64500 rpki invalid/as "
	    "(VRP 192.0.2.0/23 max_length 23 AS64511) peer 10.0.0.1 AS65001");

	/* two listed of five covering */
	prefix_parse("192.0.0.0/22", &v2.prefix, NULL);
	v2.maxlen = 24;
	v2.asn = 64512;
	f.ev.rpki.vrps[1] = &v2;
	f.ev.rpki.nvrps = 2;
	f.ev.rpki.ncovering = 5;
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000001", "RPKI invalid", "RPKI invalid origin", "1")
	    "announce 192.0.2.0/24 origin AS64500 rpki invalid/as "
	    "(VRPs 192.0.2.0/23 max_length 23 AS64511, 192.0.0.0/22 "
	    "max_length 24 AS64512 and 3 more) peer 10.0.0.1 AS65001");

	/* longer than maxLength: the VRP of the route's own AS */
	fill(&f);
	f.vrp.maxlen = 23;
	f.vrp.asn = 64500;
	f.ev.rpki.reason = ROV_REASON_LENGTH;
	alert_init(&a, mk_rule(1, 1000002, 2, 1, "RPKI INVALID: prefix "
	    "longer than ROA maxLength", "rpki-invalid-length", NULL, "alert"),
	    &f.ev, NULL, 42);
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000002", "RPKI INVALID: prefix longer than ROA "
	    "maxLength", "rpki-invalid-length", "1")
	    "announce 192.0.2.0/24 origin AS64500 rpki invalid/length "
	    "(VRP 192.0.2.0/23 max_length 23 AS64500) peer 10.0.0.1 AS65001");

	/* NOT_FOUND: no VRP to name */
	fill(&f);
	f.ev.rpki.state = ROV_NOT_FOUND;
	f.ev.rpki.reason = ROV_REASON_NONE;
	f.ev.rpki.nvrps = f.ev.rpki.ncovering = 0;
	alert_init(&a, mk_rule(1, 1000005, 2, 3, "RPKI NOT FOUND: no "
	    "covering ROA", "rpki-not-found", "RPKI not found: no covering ROA",
	    "alert"), &f.ev, NULL, 42);
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000005", "RPKI NOT FOUND: no covering ROA",
	    "RPKI not found: no covering ROA", "3")
	    "announce 192.0.2.0/24 origin AS64500 rpki not-found "
	    "(no covering ROA) peer 10.0.0.1 AS65001");

	/* VALID (a resolution): the VRP that now matches */
	fill(&f);
	f.vrp.asn = 64500;
	f.vrp.maxlen = 24;
	f.ev.kind = RTEV_RESOLVED;
	f.ev.resolve_why = RESOLVE_VALID;
	f.ev.rpki.state = ROV_VALID;
	f.ev.rpki.reason = ROV_REASON_NONE;
	alert_init(&a, mk_rule(1, 1000007, 2, 4, "RPKI alert resolved",
	    "rpki-resolved", "RPKI alert resolved", "alert"), &f.ev, NULL, 42);
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000007", "RPKI alert resolved", "RPKI alert resolved",
	    "4")
	    "resolved/valid 192.0.2.0/24 origin AS64500 rpki valid "
	    "(VRP 192.0.2.0/23 max_length 24 AS64500) peer 10.0.0.1 AS65001");

	/* a withdrawn INVALID route: its stored verdict, no VRPs kept;
	 * an AS_SET origin */
	f.ev.resolve_why = RESOLVE_WITHDRAWN;
	f.ev.rpki.state = ROV_INVALID;
	f.ev.rpki.reason = ROV_REASON_AS_SET;
	f.ev.rpki.nvrps = f.ev.rpki.ncovering = 0;
	f.ev.origin_kind = ORIGIN_AS_SET;
	f.ev.origin_as = 0;
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000007", "RPKI alert resolved", "RPKI alert resolved",
	    "4")
	    "resolved/withdrawn 192.0.2.0/24 origin AS_SET rpki invalid/as_set "
	    "peer 10.0.0.1 AS65001");

	/* no VRP set loaded */
	f.ev.has_rpki = false;
	assert_string_equal(text(&a),
	    TEXT_HEAD("1000007", "RPKI alert resolved", "RPKI alert resolved",
	    "4")
	    "resolved/withdrawn 192.0.2.0/24 origin AS_SET rpki unknown "
	    "peer 10.0.0.1 AS65001");

	/* the most an event lists: eight long IPv6 VRPs, a 255-byte msg:
	 * still one whole line */
	fill(&f);
	for (i = 0; i < ROV_MAX_DECIDING; i++) {
		prefix_parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ff00/120",
		    &v6[i].prefix, NULL);
		v6[i].maxlen = 128;
		v6[i].asn = 4294967295u;
		f.ev.rpki.vrps[i] = &v6[i];
	}
	f.ev.rpki.nvrps = ROV_MAX_DECIDING;
	f.ev.rpki.ncovering = 4000000000u;
	/* a longer msg is cut to 255 bytes when the rule is made */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	alert_init(&a, mk_rule(1, 1000007, 2, 4, longmsg, "rpki-resolved",
	    "RPKI alert resolved", "alert"), &f.ev, NULL, 42);
	assert_int_equal(strlen(a.rule->msg), ALERT_MSG_MAX - 1);
	n = strlen(text(&a));
	assert_int_equal(n, 998);	/* whole: ends with the peer */
	assert_string_equal(text(&a) + n - 55, "AS4294967295 and "
	    "3999999992 more) peer 10.0.0.1 AS65001");
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static size_t
count_lines(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
test_file_sink(void **state)
{
	char dir[] = "/tmp/rovmon-test-alert-XXXXXX", path[64], rot[64];
	char spec[96], *got, *got2, *p;
	struct sink_counters c;
	struct fixture f;
	struct alert a;
	struct sinks *ss;
	FILE *fp;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(rot, sizeof(rot), "%s/alerts.json.1", dir);
	/* an existing file is appended to, never truncated */
	assert_non_null(fp = fopen(path, "w"));
	fputs("{\"old\":1}\n", fp);
	fclose(fp);
	snprintf(spec, sizeof(spec), "file:%s,min_priority=2", path);
	assert_non_null(ss = sinks_new());
	assert_int_equal(sinks_add(ss, spec), 0);
	fill(&f);
	for (i = 0; i < 10; i++) {
		f.pkt.num = (uint64_t)i + 1;
		/* the 10th is filtered */
		mk_alert_p(&a, &f, "RPKI invalid", i == 9 ? 3 : 1);
		if (i == 5) {
			/* logrotate: rename, then SIGHUP -> reopen */
			assert_int_equal(rename(path, rot), 0);
			sinks_reopen(ss);
		}
		sinks_emit(ss, &a);
	}
	/* lines 6-9 are gathered, not yet written: none in the file yet */
	assert_int_equal(sinks_counters(ss, 0, &c, NULL), 0);
	assert_int_equal(c.written, 5);
	got2 = slurp(path);
	assert_int_equal(count_lines(got2, "\n"), 0);
	free(got2);
	sinks_drain(ss);
	assert_int_equal(sinks_counters(ss, 0, &c, NULL), 0);
	assert_int_equal(c.written, 9);
	assert_int_equal(c.filtered, 1);
	assert_int_equal(sinks_counters(ss, 1, &c, NULL), -1);
	sinks_free(ss);

	got = slurp(rot);
	got2 = slurp(path);
	assert_true(strncmp(got, "{\"old\":1}\n", 10) == 0);
	assert_int_equal(count_lines(got, "\n"), 6);
	assert_int_equal(count_lines(got2, "\n"), 4);
	for (i = 1; i <= 9; i++) {
		char needle[32];

		snprintf(needle, sizeof(needle), "\"pkt_num\":%d,", i);
		p = i <= 5 ? got : got2;
		assert_int_equal(count_lines(p, needle), 1);
		assert_int_equal(count_lines(i <= 5 ? got2 : got, needle), 0);
	}
	free(got);
	free(got2);
	unlink(path);
	unlink(rot);
	rmdir(dir);
}

static void
test_specs(void **state)
{
	struct sinks *ss;

	(void)state;
	assert_non_null(ss = sinks_new());
	assert_int_equal(sinks_add(ss, "nosuch:thing"), -1);
	assert_int_equal(sinks_add(ss, "file:"), -1);
	assert_int_equal(sinks_add(ss, "file:/nonexistent/dir/x"), -1);
	assert_int_equal(sinks_add(ss, "stdout,min_priority=0"), -1);
	assert_int_equal(sinks_add(ss, "stdout,min_priority=x"), -1);
	assert_int_equal(sinks_add(ss, "stdout,fsync=1"), -1);
	assert_int_equal(sinks_add(ss, "syslog:nosuch"), -1);
	assert_int_equal(sinks_add(ss, "syslog:local3,min_priority=1"), 0);
	assert_int_equal(sinks_add(ss, "stdout,min_priority=1"), 0);
	/* network options on a local sink are a mistake, not ignored */
	assert_int_equal(sinks_add(ss, "stdout,queue=5"), -1);
	assert_int_equal(sinks_add(ss, "stdout,retry=5"), -1);
	assert_int_equal(sinks_add(ss, "stdout,rate=5"), -1);
	assert_int_equal(sinks_add(ss, "stdout,block=1"), -1);
	assert_int_equal(sinks_add(ss, "webhook:http://127.0.0.1:9/,block=2"),
	    -1);
	assert_int_equal(sinks_add(ss, "stdout,min_priority=all"), 0);
	assert_int_equal(sinks_count(ss), 3);
	sinks_free(ss);
	sinks_free(NULL);
}

/*
 * Flood control per sink: mail and chat take priorities 1-2 unless told
 * otherwise, a file takes everything; the spec beats
 * --alert-min-priority, which beats the default.  Four priority-3
 * alerts each; a network sink that takes them queues them (and fails
 * to deliver them to the closed port 9 at close: not looked at here).
 */
static void
test_sink_min_priority_defaults(void **state)
{
	static const struct {
		const char	*spec;
		unsigned	 list_min;	/* --alert-min-priority */
		uint64_t	 filtered;	/* of 4 priority-3 alerts */
	} t[] = {
		{ "stdout", 0, 0 },
		{ "webhook:http://127.0.0.1:9/x,retry=0", 0, 0 },
		{ "slack:http://127.0.0.1:9/x,retry=0", 0, 4 },
		{ "mattermost:http://127.0.0.1:9/x,retry=0", 0, 4 },
		{ "smtp://127.0.0.1:9?from=a@b&to=c@d,retry=0", 0, 4 },
		{ "webhook:http://127.0.0.1:9/x,retry=0,min_priority=2", 0, 4 },
		{ "stdout", 2, 4 },
		{ "smtp://127.0.0.1:9?from=a@b&to=c@d,retry=0", 3, 0 },
		{ "slack:http://127.0.0.1:9/x,retry=0,min_priority=all", 1, 0 },
		{ "stdout,min_priority=3", 1, 0 },
	};
	struct sink_counters c;
	struct fixture f;
	struct alert a;
	struct sinks *ss;
	size_t i;
	int k;

	(void)state;
	fill(&f);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(ss = sinks_new());
		sinks_set_min_priority(ss, t[i].list_min);
		assert_int_equal(sinks_add(ss, t[i].spec), 0);
		for (k = 0; k < 4; k++) {
			mk_alert_p(&a, &f, "RPKI not found", 3);
			sinks_emit(ss, &a);
		}
		assert_int_equal(sinks_counters(ss, 0, &c, NULL), 0);
		assert_int_equal(c.emitted, 4);
		assert_int_equal(c.filtered, t[i].filtered);
		assert_int_equal(c.rate_drops, 0);
		sinks_free(ss);
	}
}

/* A file sink that cannot write: the loss is counted and described. */
static void
test_sinks_lost(void **state)
{
	struct fixture f;
	struct alert a;
	struct sinks *ss;
	char why[256];
	int k;

	(void)state;
	if (access("/dev/full", W_OK) != 0) {
		skip();
		return;
	}
	fill(&f);
	assert_non_null(ss = sinks_new());
	assert_int_equal(sinks_add(ss, "file:/dev/full"), 0);
	assert_int_equal(sinks_add(ss, "stdout,min_priority=1"), 0);
	for (k = 0; k < 3; k++) {
		/* priority 2: stdout filters it, it is not lost there */
		mk_alert_p(&a, &f, "RPKI invalid", 2);
		sinks_emit(ss, &a);
	}
	assert_int_equal(sinks_lost(ss, why, sizeof(why)), 3);
	assert_string_equal(why, "file:/dev/full (No space left on device)");
	/* twice: the same answer, the sinks stay closed */
	assert_int_equal(sinks_lost(ss, why, 8), 3);
	assert_string_equal(why, "file:/d");
	sinks_free(ss);

	assert_non_null(ss = sinks_new());
	assert_int_equal(sinks_add(ss, "file:/dev/full"), 0);
	assert_int_equal(sinks_add(ss, "file:/dev/full,min_priority=1"), 0);
	for (k = 0; k < 2; k++) {
		mk_alert_p(&a, &f, "RPKI invalid", 1);
		sinks_emit(ss, &a);
	}
	assert_int_equal(sinks_lost(ss, why, sizeof(why)), 4);
	assert_string_equal(why, "2 to file:/dev/full (No space left on "
	    "device), 2 to file:/dev/full,min_priority=1 (No space left on "
	    "device)");
	sinks_free(ss);
	assert_int_equal(sinks_lost(NULL, why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/*
 * The statistics' network totals are the sums of the sinks' counters:
 * the workers count per sink, sinks_close() adds them in on this thread.
 */
static void
check_net_totals(struct sinks *ss)
{
	struct sink_counters c, sum;
	size_t i;

	memset(&sum, 0, sizeof(sum));
	for (i = 0; sinks_counters(ss, i, &c, NULL) == 0; i++) {
		sum.queued += c.queued;
		sum.queue_drops += c.queue_drops;
		sum.rate_drops += c.rate_drops;
		sum.sent += c.sent;
		sum.send_errors += c.send_errors;
	}
	assert_int_equal(stats.alert_queued, sum.queued);
	assert_int_equal(stats.alert_queue_drops, sum.queue_drops);
	assert_int_equal(stats.alert_rate_drops, sum.rate_drops);
	assert_int_equal(stats.alert_sent, sum.sent);
	assert_int_equal(stats.alert_send_errors, sum.send_errors);
	/* a second fold adds nothing */
	sinks_update_stats(ss);
	assert_int_equal(stats.alert_sent, sum.sent);
}

/*
 * Driver for tests/e2e/90-sinks.sh: ROVMON_SINK_TEST=N emits N alerts to
 * the sinks named in ROVMON_SINK_SPECS (separated by spaces), prints how
 * long the emits took and every sink's counters as JSON to
 * ROVMON_SINK_OUT.  Skipped when unset.
 */
static void
test_sink_driver(void **state)
{
	const char *n_env = getenv("ROVMON_SINK_TEST");
	const char *specs = getenv("ROVMON_SINK_SPECS");
	const char *out = getenv("ROVMON_SINK_OUT");
	const char *pause = getenv("ROVMON_SINK_PAUSE");
	struct timespec t0, t1, t2;
	struct fixture f;
	struct alert a;
	struct sinks *ss;
	char *copy, *tok, *save = NULL;
	long i, n;
	FILE *fp;

	(void)state;
	if (n_env == NULL || specs == NULL || out == NULL) {
		/* Not a part left out: tests/run.sh does not count it. */
		printf("SKIP-ELSEWHERE: test_sink_driver: run by "
		    "tests/e2e/90-sinks.sh\n");
		skip();
		return;
	}
	n = atol(n_env);
	stats_reset();
	assert_non_null(ss = sinks_new());
	assert_non_null(copy = strdup(specs));
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		assert_int_equal(sinks_add(ss, tok), 0);
	free(copy);
	fill(&f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		f.pkt.num = (uint64_t)i + 1;
		f.ev.ts.tv_sec = time(NULL);
		f.ev.kind = i % 3 == 0 ? RTEV_ANNOUNCE : i % 3 == 1 ?
		    RTEV_REVALIDATE : RTEV_RESOLVED;
		f.ev.resolve_why = f.ev.kind == RTEV_RESOLVED ?
		    RESOLVE_WITHDRAWN : RESOLVE_NONE;
		mk_alert_p(&a, &f, i % 2 ? "RPKI invalid \"quoted\" "
		    "caf\xc3\xa9" : "RPKI invalid", 1 + (uint32_t)(i % 3));
		sinks_emit(ss, &a);
		if (pause != NULL && i == n / 2) {
			/* the script kills the endpoints now; the pause is
			 * not counted in emit_ms */
			fprintf(stderr, "driver: paused\n");
			usleep((useconds_t)atol(pause) * 1000);
			t0.tv_sec += atol(pause) / 1000;
			t0.tv_nsec += (atol(pause) % 1000) * 1000000;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sinks_flush(ss);
	sinks_close(ss);	/* drains the queues, joins the workers */
	clock_gettime(CLOCK_MONOTONIC, &t2);
	check_net_totals(ss);
	assert_non_null(fp = fopen(out, "w"));
	fprintf(fp, "{\"emit_ms\":%.3f,\"free_ms\":%.3f,\"counters\":",
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
	    (double)(t2.tv_sec - t1.tv_sec) * 1e3 +
	    (double)(t2.tv_nsec - t1.tv_nsec) / 1e6);
	sinks_write_json(ss, fp);	/* {"sinks":[...]}\n */
	fputs("}\n", fp);
	fclose(fp);
	sinks_free(ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_announce_invalid),
		cmocka_unit_test(test_revalidate),
		cmocka_unit_test(test_resolved),
		cmocka_unit_test(test_leak_alert),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_rule_text),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_too_small_and_huge_path),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_file_sink),
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_sink_min_priority_defaults),
		cmocka_unit_test(test_sinks_lost),
		cmocka_unit_test(test_sink_driver),
		cmocka_unit_test(test_sensor_event),
	};

	return cmocka_run_group_tests(tests, NULL, free_rules);
}
