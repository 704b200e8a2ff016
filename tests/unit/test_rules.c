/*
 * test_rules.c - the rule language: every option, every error with its
 * exact file:line:column, matching, pass rules, event_filter, the shipped
 * rules, and a huge line rejected without being read whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "alert/rules.h"
#include "base/stats.h"
#include "builders.h"

static char tmpdir[64];
static char err[1024];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rovmon-test-rules-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Load text as "t.rules" with the built-in classifications. */
static struct ruleset *
load_text(const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s", write_file("t.rules", text));
	return rules_load_err(path, NULL, err, sizeof(err));
}

/* ---- events ---- */

static struct route_event
mkev(enum route_event_kind kind, int state, enum rov_reason reason,
    const char *pfx, uint32_t origin, long ts)
{
	struct route_event ev;

	b_event(&ev, kind, pfx, origin);
	ev.ts.tv_sec = ts;
	if (state >= 0) {
		ev.has_rpki = true;
		ev.rpki.state = (enum rov_state)state;
		ev.rpki.reason = reason;
	}
	return ev;
}

struct fired {
	char	 sids[512];
};

static void
fire(void *arg, const struct rule *r, const struct route_event *ev)
{
	struct fired *f = arg;
	size_t n = strlen(f->sids);

	(void)ev;
	snprintf(f->sids + n, sizeof(f->sids) - n, "%u,", rule_sid(r));
}

/* The sids that fire for ev, as "1,2,". */
static const char *
eval(struct ruleset *rs, const struct route_event *ev)
{
	static struct fired f;

	f.sids[0] = '\0';
	rules_eval(rs, ev, fire, &f);
	return f.sids;
}

static void
fire_event(void *arg, const struct rule *r, const struct sensor_event *ev)
{
	struct fired *f = arg;
	size_t n = strlen(f->sids);

	(void)ev;
	snprintf(f->sids + n, sizeof(f->sids) - n, "%u,", rule_sid(r));
}

/* The sids that fire for a sensor event of type t about addr at ts. */
static const char *
eval_event(struct ruleset *rs, enum sensor_event_type t, const char *addr,
    long ts)
{
	static struct fired f;
	struct sensor_event ev;
	struct timeval tv = { ts, 0 };

	sensor_event_init(&ev, t, &tv);
	if (addr != NULL)
		assert_int_equal(ipaddr_parse(addr, &ev.addr), 0);
	f.sids[0] = '\0';
	rules_eval_event(rs, &ev, fire_event, &f);
	return f.sids;
}

/* ---- parsing ---- */

static void
test_parse_options(void **state)
{
	struct ruleset *rs;
	const struct rule *r;

	(void)state;
	rs = load_text(
	    "# comment\n"
	    "\n"
	    "   # indented comment\n"
	    "alert bgp (msg:\"a \\\"quoted\\\" \\\\ msg; (x)\"; gid:3; "
	    "sid:7; rev:4; classtype:rpki-not-found; rpki:invalid,as,length; "
	    "event:announce,withdraw; prefix:10.0.0.0/8,orlonger; "
	    "prefix:2001:db8::/32; origin_as:AS64500,64501; "
	    "not_origin_as:1; peer_as:65001; peer_addr:10.0.0.0/24,::1; "
	    "afi:ipv4; event_filter:track by_prefix, type both, count 2, "
	    "seconds 30;)  # trailing comment\r\n"
	    "log bgp(sid:8;priority:2;classtype:policy;)\n"
	    "pass  bgp  ( sid : 9 ; )\n");
	assert_non_null(rs);
	assert_int_equal(rules_count(rs), 3);
	r = rules_rule(rs, 0);
	assert_string_equal(rule_msg(r), "a \"quoted\" \\ msg; (x)");
	assert_int_equal(rule_gid(r), 3);
	assert_int_equal(rule_sid(r), 7);
	assert_int_equal(rule_rev(r), 4);
	assert_string_equal(rule_classtype(r), "rpki-not-found");
	assert_string_equal(rule_class_desc(r),
	    "RPKI not found: no covering ROA");
	assert_int_equal(rule_priority(r), 3);
	assert_int_equal(rule_action(r), RULE_ALERT);
	assert_int_equal(rule_line(r), 4);
	r = rules_rule(rs, 1);
	assert_int_equal(rule_action(r), RULE_LOG);
	assert_int_equal(rule_priority(r), 2);	/* priority overrides */
	assert_int_equal(rule_gid(r), 1);
	assert_int_equal(rule_rev(r), 1);
	assert_string_equal(rule_msg(r), "");
	r = rules_rule(rs, 2);
	assert_int_equal(rule_action(r), RULE_PASS);
	assert_null(rule_classtype(r));
	assert_int_equal(rule_priority(r), RULES_DEFAULT_PRIORITY);
	assert_ptr_equal(rules_find(rs, 3, 7), rules_rule(rs, 0));
	assert_null(rules_find(rs, 1, 7));
	assert_null(rules_rule(rs, 3));
	assert_string_equal(rule_action_name(RULE_PASS), "pass");
	rules_free(rs);
	/* an empty file is a valid, empty ruleset */
	assert_non_null(rs = load_text("# nothing\n"));
	assert_int_equal(rules_count(rs), 0);
	rules_free(rs);
	rules_free(NULL);
}

static const struct {
	const char	*text;
	const char	*want;
} errors[] = {
	{ "alert bgp (foo:1; sid:1;)\n",
	    "1:12: expected a known option, got 'foo'" },
	{ "alert bgp (msg:\"x\";)\n",
	    "1:20: expected a sid option, got ')'" },
	{ "# x\nalert bgp (sid:5;)\nalert bgp (rev:2; sid:5;)\n",
	    "3:23: expected a sid unique in gid 1, got 5 again (first at " },
	{ "alert bgp (prefix:10.0.0.0/33; sid:1;)\n",
	    "1:19: expected a prefix, got '10.0.0.0/33'" },
	{ "alert bgp (prefix:10.0.0.1/8; sid:1;)\n",
	    "1:19: expected a prefix without host bits, got '10.0.0.1/8'" },
	{ "alert bgp (prefix:10.0.0.0/8,shorter; sid:1;)\n",
	    "1:30: expected 'orlonger' or 'longer', got 'shorter'" },
	{ "alert bgp (rpki:bogus; sid:1;)\n",
	    "1:17: expected RPKI state valid, invalid, not-found or any, "
	    "got 'bogus'" },
	{ "alert bgp (rpki:invalid, maxlen; sid:1;)\n",
	    "1:26: expected RPKI reason as, length, as0 or as_set, "
	    "got 'maxlen'" },
	{ "alert bgp (rpki:valid,as; sid:1;)\n",
	    "1:23: expected a reason only after 'invalid', got 'as'" },
	{ "alert bgp (msg:\"abc; sid:1;)\n",
	    "1:16: expected '\"' to end msg, got end of line" },
	{ "alert bgp (msg:\"a\\n\"; sid:1;)\n",
	    "1:18: expected escape \\\" or \\\\, got '\\n'" },
	{ "alert bgp (msg:x; sid:1;)\n",
	    "1:16: expected '\"' to start msg, got 'x'" },
	{ "alert bgp (sid:1)\n",
	    "1:17: expected ';', got ')'" },
	{ "alert bgp (sid:1;\n",
	    "1:18: expected ')', got end of line" },
	{ "alert bgp (sid:1; rev:1;) x\n",
	    "1:27: expected end of line after ')', got 'x'" },
	{ "alert bgp (sid 1;)\n",
	    "1:16: expected ':' after sid, got '1'" },
	{ "alert bgp (sid:;)\n",
	    "1:16: expected a value for sid, got ';'" },
	{ "alert bgp (sid:0;)\n",
	    "1:16: expected sid between 1 and 4294967295, got '0'" },
	{ "alert bgp (sid:4294967296;)\n",
	    "1:16: expected sid between 1 and 4294967295, got '4294967296'" },
	{ "alert bgp (sid:1; priority:256;)\n",
	    "1:28: expected priority between 1 and 255, got '256'" },
	{ "alert bgp (sid:1; sid:2;)\n",
	    "1:19: expected one sid option, got a second" },
	{ "alert bgp (sid:1; classtype:nope;)\n",
	    "1:29: expected a classtype from the classification file, "
	    "got 'nope'" },
	{ "alert bgp (sid:1; event:announce,update;)\n",
	    "1:34: expected event announce, withdraw, revalidate, resolved "
	    "or a sensor event (rtr-drift, ...), got 'update'" },
	{ "alert bgp (sid:1; afi:ipv5;)\n",
	    "1:23: expected afi ipv4 or ipv6, got 'ipv5'" },
	{ "alert bgp (sid:1; origin_as:64500,x;)\n",
	    "1:35: expected an AS number, got 'x'" },
	{ "alert bgp (sid:1; peer_addr:10.0.0.300;)\n",
	    "1:29: expected a prefix, got '10.0.0.300'" },
	{ "alert bgp (sid:1; event_filter:track by_rule, type limit, "
	    "count 5;)\n",
	    "1:32: expected event_filter with track, type, count and "
	    "seconds, got no seconds" },
	{ "alert bgp (sid:1; event_filter:track by_rule, type often, "
	    "count 5, seconds 1;)\n",
	    "1:52: expected limit, threshold or both, got 'often'" },
	{ "alert bgp (sid:1; event_filter:track by_rule, track by_peer;)\n",
	    "1:47: expected event_filter track, type, count or seconds once "
	    "each, got 'track'" },
	{ "alert bgp (sid:1; event_filter:track by_rule, type limit, "
	    "count 0, seconds 1;)\n",
	    "1:65: expected count between 1 and 4294967295, got '0'" },
	{ "drop bgp (sid:1;)\n",
	    "1:1: expected 'alert', 'log', 'pass' or 'include', got 'drop'" },
	{ "alert tcp (sid:1;)\n",
	    "1:7: expected protocol 'bgp', got 'tcp'" },
	{ "alert bgp sid:1;\n",
	    "1:11: expected '(', got 'sid'" },
	{ "alert bgp (;)\n",
	    "1:12: expected an option name, got ';'" },
	{ "alert bgp (sid:1; aspa:bogus;)\n",
	    "1:24: expected ASPA state valid, invalid, unknown, none or any, "
	    "or a procedure upstream or downstream, got 'bogus'" },
	{ "alert bgp (sid:1; leak:otc;)\n",
	    "1:24: expected leak any, none, otc-from-customer, "
	    "otc-from-rs-client or otc-from-peer, got 'otc'" },
	{ "alert bgp (sid:1; peer_role:boss;)\n",
	    "1:29: expected role provider, customer, peer, rs, rs-client or "
	    "unknown, got 'boss'" },
	{ "alert bgp (sid:1; otc:present,64500;)\n",
	    "1:31: expected one of present, absent or OTC values, got "
	    "'64500' too" },
	{ "alert bgp (sid:1; router_rpki:stale;)\n",
	    "1:31: expected router RPKI state valid, not-found, invalid, "
	    "absent or present, or agree or disagree, got 'stale'" },
	{ "alert bgp (sid:1; router_rpki:agree,disagree;)\n",
	    "1:37: expected agree or disagree, got both" },
	{ "alert bgp (sid:1; otc:0;)\n",
	    "1:23: expected OTC value between 1 and 4294967295, got '0'" },
	{ "alert bgp (sid:1; aspa:invalid; aspa:valid;)\n",
	    "1:33: expected one aspa option, got a second" },
	{ "\n\ninclude   nonexistent.rules\n",
	    "3:11: expected a readable file, got '" },
};

static void
test_errors(void **state)
{
	char full[1024];
	unsigned i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		assert_null(load_text(errors[i].text));
		snprintf(full, sizeof(full), "%s/t.rules:%s", tmpdir,
		    errors[i].want);
		if (strncmp(err, full, strlen(full)) != 0) {
			print_error("case %u:\n got  %s\n want %s\n", i, err,
			    full);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* the message goes to the log from rules_load() */
	assert_null(rules_load(write_file("t.rules", "alert\n"), NULL));
	/* a missing top-level file */
	snprintf(full, sizeof(full), "%s/none.rules", tmpdir);
	assert_null(rules_load_err(full, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "none.rules: expected a readable file, "
	    "got No such file"));
}

static void
test_include(void **state)
{
	struct ruleset *rs;
	char inc[300];

	(void)state;
	write_file("b.rules", "alert bgp (sid:2;)\n");
	rs = load_text("alert bgp (sid:1;)\ninclude b.rules\n"
	    "alert bgp (sid:3;)\n");
	assert_non_null(rs);
	assert_int_equal(rules_count(rs), 3);
	assert_int_equal(rule_sid(rules_rule(rs, 1)), 2);
	assert_non_null(strstr(rule_file(rules_rule(rs, 1)), "/b.rules"));
	assert_int_equal(rule_line(rules_rule(rs, 2)), 3);
	rules_free(rs);
	/* an error in an included file names that file; duplicates across
	 * files are found */
	write_file("c.rules", "\nalert bgp (sid:x;)\n");
	assert_null(load_text("include c.rules\n"));
	snprintf(inc, sizeof(inc), "%s/c.rules:2:16: expected sid between",
	    tmpdir);
	assert_int_equal(strncmp(err, inc, strlen(inc)), 0);
	assert_null(load_text("alert bgp (sid:2;)\ninclude b.rules\n"));
	snprintf(inc, sizeof(inc), "%s/b.rules:1:16: expected a sid unique "
	    "in gid 1, got 2 again (first at %s/t.rules:1)", tmpdir, tmpdir);
	assert_string_equal(err, inc);
	/* same sid, other gid: fine */
	assert_non_null(rs = load_text("alert bgp (sid:2;)\n"
	    "alert bgp (gid:2; sid:2;)\n"));
	rules_free(rs);
	/* an include loop stops at the depth cap */
	write_file("loop.rules", "include loop.rules\n");
	assert_null(load_text("include loop.rules\n"));
	assert_non_null(strstr(err, "loop.rules:1:9: expected include depth "
	    "below 8, got deeper"));
}

static void
test_classification(void **state)
{
	struct ruleset *rs;
	char path[256], cpath[256], want[512];

	(void)state;
	snprintf(path, sizeof(path), "%s", write_file("t.rules",
	    "alert bgp (sid:1; classtype:mine;)\n"));
	snprintf(cpath, sizeof(cpath), "%s", write_file("my.config",
	    "# c\nconfig classification: mine, My own class ,7\n"));
	rs = rules_load_err(path, cpath, err, sizeof(err));
	assert_non_null(rs);
	assert_string_equal(rule_class_desc(rules_rule(rs, 0)), "My own class");
	assert_int_equal(rule_priority(rules_rule(rs, 0)), 7);
	rules_free(rs);
	/* the built-in classes are not there when a file is given */
	write_file("t.rules", "alert bgp (sid:1; classtype:policy;)\n");
	assert_null(rules_load_err(path, cpath, err, sizeof(err)));
	/* classification.config beside the rules file is used by default */
	write_file("classification.config",
	    "config classification: policy,Local policy,9\n");
	assert_non_null(rs = rules_load_err(path, NULL, err, sizeof(err)));
	assert_int_equal(rule_priority(rules_rule(rs, 0)), 9);
	rules_free(rs);
	/* errors */
	write_file("classification.config", "config classification: a,b\n");
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/classification.config:1:27: "
	    "expected ',' and a priority, got end of line", tmpdir);
	assert_string_equal(err, want);
	write_file("classification.config", "config classification: a,b,1\n"
	    "config classification: a,c,2\n");
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/classification.config:2:24: "
	    "expected a new classification name, got 'a' again", tmpdir);
	assert_string_equal(err, want);
	write_file("classification.config", "classification: a,b,1\n");
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/classification.config:1:1: "
	    "expected 'config', got 'classification'", tmpdir);
	assert_string_equal(err, want);
	unlink(write_file("classification.config", ""));
}

/* ---- matching ---- */

static void
test_match(void **state)
{
	struct ruleset *rs;
	struct route_event ev;

	(void)state;
	rs = load_text(
	    "alert bgp (rpki:invalid,as; sid:1;)\n"
	    "alert bgp (rpki:invalid; sid:2;)\n"
	    "alert bgp (rpki:not-found; rpki:valid; sid:3;)\n"
	    "alert bgp (rpki:any; event:withdraw,resolved; sid:4;)\n"
	    "alert bgp (prefix:192.0.2.0/24; sid:5;)\n"
	    "alert bgp (prefix:192.0.2.0/24,orlonger; prefix:2001:db8::/32,"
	    "orlonger; sid:6;)\n"
	    "alert bgp (prefix:192.0.2.0/24,longer; sid:7;)\n"
	    "alert bgp (origin_as:64500,64501; sid:8;)\n"
	    "alert bgp (prefix:192.0.2.0/24,orlonger; not_origin_as:64500; "
	    "sid:9;)\n"
	    "alert bgp (peer_as:65002; sid:10;)\n"
	    "alert bgp (peer_addr:10.0.0.0/30; afi:ipv6; sid:11;)\n"
	    "log bgp (event:revalidate; rpki:invalid,length,as0; sid:12;)\n"
	    "alert bgp (peer_addr:10.0.0.1; afi:ipv4; event:announce; "
	    "sid:13;)\n");
	assert_non_null(rs);

	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "198.51.100.0/24",
	    64500, 0);
	assert_string_equal(eval(rs, &ev), "1,2,8,13,");
	ev.rpki.reason = ROV_REASON_LENGTH;
	ev.origin_as = 1;
	assert_string_equal(eval(rs, &ev), "2,13,");
	ev.kind = RTEV_REVALIDATE;
	assert_string_equal(eval(rs, &ev), "2,12,");
	ev.rpki.reason = ROV_REASON_AS_SET;
	assert_string_equal(eval(rs, &ev), "2,");
	ev.kind = RTEV_WITHDRAW;
	assert_string_equal(eval(rs, &ev), "4,");
	ev.kind = RTEV_RESOLVED;
	ev.has_rpki = false;		/* rpki:any matches no VRPs too */
	assert_string_equal(eval(rs, &ev), "4,");

	/* no VRPs loaded: only rules without an rpki option (or any) */
	ev = mkev(RTEV_ANNOUNCE, -1, 0, "192.0.2.0/24", 64500, 0);
	assert_string_equal(eval(rs, &ev), "5,6,8,13,");
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "192.0.2.0/24", 64500, 0);
	assert_string_equal(eval(rs, &ev), "3,5,6,8,13,");
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "192.0.2.128/25", 64501, 0);
	assert_string_equal(eval(rs, &ev), "3,6,7,8,9,13,");
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "192.0.0.0/16", 64501, 0);
	assert_string_equal(eval(rs, &ev), "3,8,13,");
	/* an AS_SET origin is "not 64500" but is no origin_as either */
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "192.0.2.0/24", 64500, 0);
	ev.origin_kind = ORIGIN_AS_SET;
	assert_string_equal(eval(rs, &ev), "3,5,6,9,13,");
	/* v6, peer address and AS */
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "2001:db8:1::/48", 7, 0);
	ev.peer_as = 65002;
	assert_string_equal(eval(rs, &ev), "3,6,10,11,");
	assert_int_equal(ipaddr_parse("10.0.0.4", &ev.src_addr), 0);
	assert_string_equal(eval(rs, &ev), "3,6,10,");
	assert_int_equal(rule_matches(rules_find(rs, 1, 6)), 6);
	rules_free(rs);
}

static void
test_pass(void **state)
{
	struct ruleset *rs;
	struct route_event ev;

	(void)state;
	rs = load_text(
	    "alert bgp (rpki:invalid; sid:1;)\n"
	    "log bgp (rpki:invalid; sid:2;)\n"
	    "pass bgp (prefix:10.0.0.0/8,orlonger; origin_as:64500; sid:3;)\n"
	    "pass bgp (prefix:10.1.0.0/16,orlonger; sid:4;)\n");
	assert_non_null(rs);
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "10.1.2.0/24",
	    64500, 0);
	assert_string_equal(eval(rs, &ev), "");
	assert_int_equal(rule_matches(rules_find(rs, 1, 3)), 1);
	assert_int_equal(rule_matches(rules_find(rs, 1, 4)), 0);
	ev.origin_as = 64501;
	assert_string_equal(eval(rs, &ev), "");
	assert_int_equal(rule_matches(rules_find(rs, 1, 4)), 1);
	assert_int_equal(rule_matches(rules_find(rs, 1, 1)), 0);
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "10.2.0.0/16",
	    64501, 0);
	assert_string_equal(eval(rs, &ev), "1,2,");
	assert_int_equal(rules_eval(rs, &ev, fire, &(struct fired){ "" }), 2);
	rules_free(rs);
}

/* ---- event_filter ---- */

static void
run_filter(const char *filter, const long *ts, const char *want)
{
	struct ruleset *rs;
	struct route_event ev;
	char text[256], got[64] = "";
	unsigned i;

	snprintf(text, sizeof(text), "alert bgp (event_filter:%s; sid:1;)\n",
	    filter);
	assert_non_null(rs = load_text(text));
	for (i = 0; ts[i] >= 0; i++) {
		ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1,
		    ts[i]);
		strcat(got, *eval(rs, &ev) != '\0' ? "1" : "0");
	}
	assert_string_equal(got, want);
	rules_free(rs);
}

static void
test_event_filter(void **state)
{
	static const long ts[] = { 100, 101, 102, 103, 104, 105, 106, 109,
	    110, 111, 112, 200, -1 };
	struct ruleset *rs;
	struct route_event ev;
	unsigned i;
	char got[32] = "";

	(void)state;
	/* limit: the first 2 per 10 s window (window from the first event) */
	run_filter("track by_rule, type limit, count 2, seconds 10", ts,
	    "110000001101");
	/* threshold: every 3rd, the count reset when a window ends */
	run_filter("track by_rule, type threshold, count 3, seconds 10", ts,
	    "001001000010");
	/* both: once per window, at the 3rd */
	run_filter("type both, seconds 10, count 3, track by_rule", ts,
	    "001000000010");
	/* by_peer and by_prefix keep separate counts */
	rs = load_text("alert bgp (event_filter:track by_peer, type limit, "
	    "count 1, seconds 60; sid:1;)\n"
	    "alert bgp (event_filter:track by_prefix, type limit, "
	    "count 1, seconds 60; sid:2;)\n");
	assert_non_null(rs);
	for (i = 0; i < 4; i++) {
		ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, i & 1 ?
		    "10.0.0.0/8" : "11.0.0.0/8", 1, 5);
		assert_int_equal(ipaddr_parse(i & 2 ? "10.0.0.1" : "10.0.0.2",
		    &ev.src_addr), 0);
		strcat(got, eval(rs, &ev));
		strcat(got, "|");
	}
	assert_string_equal(got, "1,2,|2,|1,||");
	/* many tracked keys: the table grows to its cap (3/4 of 65536
	 * slots), then new keys share one overflow entry until a sweep a
	 * second (of capture time) later drops expired windows */
	for (i = 0; i < 49150 + 2; i++) {
		ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1, 6);
		ev.prefix.len = 32;
		ev.prefix.a[1] = (uint8_t)(i >> 16);
		ev.prefix.a[2] = (uint8_t)(i >> 8);
		ev.prefix.a[3] = (uint8_t)i;
		if (i <= 49150)	/* 2 keys above + own entry, or overflow first */
			assert_non_null(strstr(eval(rs, &ev), "2,"));
		else
			assert_null(strstr(eval(rs, &ev), "2,"));
	}
	ev.ts.tv_sec = 7;		/* within a second: no sweep yet */
	ev.prefix.a[3]++;
	assert_null(strstr(eval(rs, &ev), "2,"));
	ev.ts.tv_sec = 66;		/* windows ended: swept, own entry */
	assert_non_null(strstr(eval(rs, &ev), "2,"));
	assert_null(strstr(eval(rs, &ev), "2,"));
	ev.prefix.a[3] = ev.prefix.a[2] = ev.prefix.a[1] = 0;
	assert_non_null(strstr(eval(rs, &ev), "2,"));
	rules_free(rs);
}

/*
 * Every event an event_filter holds back from an alert or log rule is
 * counted, per rule and in stats.alert_event_filtered, whatever the
 * filter's type and tracking: a rate-limited rule must say how much it
 * hid.  A pass rule's filter only decides whether it suppresses: no
 * alert is held back by it, nothing is counted.
 */
static void
test_event_filter_counted(void **state)
{
	struct ruleset *rs;
	struct route_event ev;
	unsigned i, fired = 0;

	(void)state;
	stats_reset();
	rs = load_text(
	    "alert bgp (rpki:not-found; event_filter:track by_peer, "
	    "type limit, count 2, seconds 60; sid:1;)\n"
	    "alert bgp (rpki:not-found; event_filter:track by_prefix, "
	    "type threshold, count 3, seconds 60; sid:2;)\n"
	    "alert bgp (rpki:not-found; event_filter:track by_rule, "
	    "type both, count 2, seconds 60; sid:3;)\n"
	    "log bgp (rpki:not-found; event_filter:track by_rule, "
	    "type limit, count 1, seconds 60; sid:4;)\n"
	    "pass bgp (rpki:valid; event_filter:track by_rule, type limit, "
	    "count 1, seconds 60; sid:5;)\n"
	    "alert bgp (rpki:valid; sid:6;)\n");
	assert_non_null(rs);
	/* 10 NOT_FOUND events, one prefix, two peers taking turns */
	for (i = 0; i < 10; i++) {
		ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1,
		    100 + i);
		assert_int_equal(ipaddr_parse(i & 1 ? "10.0.0.2" : "10.0.0.1",
		    &ev.src_addr), 0);
		fired += rules_eval(rs, &ev, fire, &(struct fired){ "" });
	}
	/* sid 1: 2 of each peer's 5; sid 2: the 3rd, 6th, 9th; sid 3: the
	 * 2nd only; sid 4: the 1st only */
	assert_int_equal(fired, 4 + 3 + 1 + 1);
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 1)), 6);
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 2)), 7);
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 3)), 9);
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 4)), 9);
	assert_int_equal(stats.alert_event_filtered, 6 + 7 + 9 + 9);
	for (i = 1; i <= 4; i++)
		assert_int_equal(rule_matches(rules_find(rs, 1, i)), 10);
	/* the pass rule suppresses the first VALID event; its filter holds
	 * back the next two, so sid 6 fires for them: nothing counted */
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "10.0.0.0/8", 1, 120);
	assert_string_equal(eval(rs, &ev), "");
	assert_string_equal(eval(rs, &ev), "6,");
	assert_string_equal(eval(rs, &ev), "6,");
	assert_int_equal(rule_matches(rules_find(rs, 1, 5)), 3);
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 5)), 0);
	assert_int_equal(stats.alert_event_filtered, 31);
	rules_free(rs);
}

/*
 * SIGHUP (docs/hostile-input.md G4): reloading the same rules must not
 * reset event_filter counts, or every reload lets another `count' alerts
 * through per tracked key.  A rule whose sid, rev or event_filter changed
 * starts afresh.  alerting_reload() does load, rules_take_state(), free.
 */
#define RELOAD_RULES(r1, s2, c4)					\
	"alert bgp (event_filter:track by_rule, type limit, count 2, "	\
	"seconds 60; sid:1; rev:" r1 ";)\n"				\
	"alert bgp (event_filter:track by_rule, type limit, count 2, "	\
	"seconds 60; sid:" s2 ";)\n"					\
	"alert bgp (event_filter:track by_prefix, type limit, count 1, "	\
	"seconds 60; sid:3;)\n"						\
	"alert bgp (event_filter:track by_rule, type limit, count " c4	\
	", seconds 60; sid:4;)\n"

static struct ruleset *
reload(struct ruleset *old, const char *text, int want_kept)
{
	struct ruleset *rs;

	assert_non_null(rs = load_text(text));
	assert_int_equal(rules_take_state(rs, old), want_kept);
	rules_free(old);
	return rs;
}

static void
test_reload_keeps_filter(void **state)
{
	struct ruleset *rs;
	struct route_event ev;
	unsigned i;

	(void)state;
	assert_non_null(rs = load_text(RELOAD_RULES("1", "2", "2")));
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1, 100);
	assert_string_equal(eval(rs, &ev), "1,2,3,4,");
	assert_string_equal(eval(rs, &ev), "1,2,4,");
	assert_string_equal(eval(rs, &ev), "");	/* every limit reached */

	/* the same file again, twice: nothing more in the same window */
	for (i = 0; i < 2; i++) {
		rs = reload(rs, RELOAD_RULES("1", "2", "2"), 4);
		ev.ts.tv_sec = 110;
		assert_string_equal(eval(rs, &ev), "");
	}
	/* the by_prefix table came along too: a new prefix has its own */
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "11.0.0.0/8", 1, 111);
	assert_string_equal(eval(rs, &ev), "3,");
	ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1, 112);

	/* sid 1 rev 2, sid 2 now 5, sid 4 count 3: fresh; sid 3 kept */
	rs = reload(rs, RELOAD_RULES("2", "5", "3"), 1);
	assert_string_equal(eval(rs, &ev), "1,5,4,");
	assert_string_equal(eval(rs, &ev), "1,5,4,");
	assert_string_equal(eval(rs, &ev), "4,");

	/* the carried window still ends 60 s after it began, at 160 */
	rs = reload(rs, RELOAD_RULES("2", "5", "3"), 4);
	ev.ts.tv_sec = 159;
	assert_string_equal(eval(rs, &ev), "");
	ev.ts.tv_sec = 160;
	assert_string_equal(eval(rs, &ev), "3,");
	ev.ts.tv_sec = 172;
	assert_string_equal(eval(rs, &ev), "1,5,4,");

	/* no counterpart at all, or nothing to take from: nothing moves */
	rs = reload(rs, "alert bgp (sid:9;)\n", 0);
	assert_int_equal(rules_take_state(rs, NULL), 0);
	rules_free(rs);
}

/* ---- the shipped rules ---- */

/* A route-leak event: ROV valid, the given ASPA verdict (state < 0:
 * none) and leak, from a sender with role. */
static struct route_event
mkleak(enum route_event_kind kind, int aspa, enum aspa_procedure proc,
    enum bgp_leak leak, enum bgp_role role)
{
	struct route_event ev;

	ev = mkev(kind, ROV_VALID, 0, "10.0.0.0/8", 1, 0);
	if (aspa >= 0) {
		ev.has_aspa = true;
		ev.aspa.state = (enum aspa_state)aspa;
		ev.aspa.procedure = proc;
	}
	ev.leak = leak;
	ev.sender_role = role;
	return ev;
}

static void
test_leak_options(void **state)
{
	struct ruleset *rs;
	struct route_event ev;

	(void)state;
	rs = load_text(
	    "alert bgp (sid:1; aspa:invalid;)\n"
	    "alert bgp (sid:2; aspa:invalid,downstream;)\n"
	    "alert bgp (sid:3; aspa:unknown,valid;)\n"
	    "alert bgp (sid:4; aspa:none;)\n"
	    "alert bgp (sid:5; leak:any;)\n"
	    "alert bgp (sid:6; leak:otc-from-peer;)\n"
	    "alert bgp (sid:7; peer_role:customer,rs-client;)\n"
	    "alert bgp (sid:8; peer_role:unknown;)\n"
	    "alert bgp (sid:9; otc:present;)\n"
	    "alert bgp (sid:10; otc:absent; leak:none; aspa:any;)\n"
	    "alert bgp (sid:11; otc:64500,64501;)\n"
	    "alert bgp (sid:12; aspa:upstream;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	/* no verdict, no leak, no role, no OTC */
	ev = mkleak(RTEV_ANNOUNCE, -1, ASPA_UPSTREAM, BGP_LEAK_NONE,
	    BGP_ROLE_UNKNOWN);
	assert_string_equal(eval(rs, &ev), "4,8,10,");
	ev = mkleak(RTEV_ANNOUNCE, ASPA_INVALID, ASPA_UPSTREAM, BGP_LEAK_NONE,
	    BGP_ROLE_CUSTOMER);
	assert_string_equal(eval(rs, &ev), "1,7,10,12,");
	ev = mkleak(RTEV_ANNOUNCE, ASPA_INVALID, ASPA_DOWNSTREAM,
	    BGP_LEAK_NONE, BGP_ROLE_PROVIDER);
	assert_string_equal(eval(rs, &ev), "1,2,10,");
	ev = mkleak(RTEV_ANNOUNCE, ASPA_UNKNOWN, ASPA_UPSTREAM, BGP_LEAK_NONE,
	    BGP_ROLE_RS_CLIENT);
	assert_string_equal(eval(rs, &ev), "3,7,10,12,");
	/* a leak from a peer, with its OTC */
	ev = mkleak(RTEV_ANNOUNCE, ASPA_VALID, ASPA_UPSTREAM,
	    BGP_LEAK_OTC_FROM_PEER, BGP_ROLE_PEER);
	ev.has_otc = true;
	ev.otc = 64501;
	assert_string_equal(eval(rs, &ev), "3,5,6,9,11,12,");
	ev.otc = 64502;
	ev.leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	ev.sender_role = BGP_ROLE_CUSTOMER;
	assert_string_equal(eval(rs, &ev), "3,5,7,9,12,");
	rules_free(rs);
}

/* RFC 8097: router_rpki: states, present/absent, agree/disagree. */
static void
test_router_rpki(void **state)
{
	struct ruleset *rs;
	struct route_event ev;
	int st;

	(void)state;
	rs = load_text(
	    "alert bgp (sid:1; router_rpki:disagree;)\n"
	    "alert bgp (sid:2; router_rpki:agree;)\n"
	    "alert bgp (sid:3; router_rpki:absent;)\n"
	    "alert bgp (sid:4; router_rpki:present;)\n"
	    "alert bgp (sid:5; router_rpki:invalid,not-found;)\n"
	    "alert bgp (sid:6; router_rpki:valid,disagree;)\n"
	    "alert bgp (sid:7; router_rpki:valid; rpki:invalid;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	/* no stamp: neither agree nor disagree */
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "10.0.0.0/8", 1, 0);
	assert_string_equal(eval(rs, &ev), "3,");
	/* every stamp against every verdict */
	for (st = ROV_NOT_FOUND; st <= ROV_INVALID; st++) {
		ev = mkev(RTEV_ANNOUNCE, st, st == ROV_INVALID ?
		    ROV_REASON_AS : ROV_REASON_NONE, "10.0.0.0/8", 1, 0);
		ev.router_rpki = BGP_RRPKI_VALID;
		assert_string_equal(eval(rs, &ev), st == ROV_VALID ? "2,4," :
		    st == ROV_INVALID ? "1,4,6,7," : "1,4,6,");
		ev.router_rpki = BGP_RRPKI_NOT_FOUND;
		assert_string_equal(eval(rs, &ev), st == ROV_NOT_FOUND ?
		    "2,4,5," : "1,4,5,");
		ev.router_rpki = BGP_RRPKI_INVALID;
		assert_string_equal(eval(rs, &ev), st == ROV_INVALID ?
		    "2,4,5," : "1,4,5,");
	}
	/* a stamp but no VRP set loaded: no comparison */
	ev = mkev(RTEV_ANNOUNCE, -1, 0, "10.0.0.0/8", 1, 0);
	ev.router_rpki = BGP_RRPKI_INVALID;
	assert_string_equal(eval(rs, &ev), "4,5,");
	rules_free(rs);
}

/*
 * Once per route: a rule asking about a verdict fires only on news of
 * it; the rules it holds back are counted for resolution.
 */
static void
test_leak_news(void **state)
{
	struct ruleset *rs;
	struct route_event ev;
	struct fired f;
	unsigned held;

	(void)state;
	rs = load_text(
	    "alert bgp (sid:1; rpki:not-found; event:announce,revalidate;)\n"
	    "alert bgp (sid:2; aspa:invalid; event:announce,revalidate;)\n"
	    "alert bgp (sid:3; leak:any;)\n"
	    "alert bgp (sid:4; prefix:10.0.0.0/8;)\n"
	    "alert bgp (sid:5; rpki:not-found; aspa:invalid;)\n"
	    "alert bgp (sid:6; event:resolved; rpki:not-found;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	ev = mkev(RTEV_REVALIDATE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1, 0);
	ev.has_aspa = true;
	ev.aspa.state = ASPA_INVALID;
	ev.leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	/* news of everything (a new route) */
	assert_string_equal(eval(rs, &ev), "1,2,3,4,5,");
	/* the ASPA verdict changed, nothing else: 1 and 3 held */
	ev.unchanged = RTEV_VERDICT_RPKI | RTEV_VERDICT_LEAK;
	f.sids[0] = '\0';
	assert_int_equal(rules_eval_held(rs, &ev, fire, &f, &held), 3);
	assert_string_equal(f.sids, "2,4,5,");
	assert_int_equal(held, 2);
	/* only the leak changed (an announcement) */
	ev.kind = RTEV_ANNOUNCE;
	ev.unchanged = RTEV_VERDICT_RPKI | RTEV_VERDICT_ASPA;
	f.sids[0] = '\0';
	assert_int_equal(rules_eval_held(rs, &ev, fire, &f, &held), 2);
	assert_string_equal(f.sids, "3,4,");
	assert_int_equal(held, 3);
	/* a revalidation that changes an announce-only rule's route: held */
	rules_free(rs);
	rs = load_text("alert bgp (sid:1; event:announce; leak:any;)\n"
	    "alert bgp (sid:2; event:revalidate; aspa:invalid;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	ev.kind = RTEV_REVALIDATE;
	ev.aspa.state = ASPA_VALID;
	ev.unchanged = RTEV_VERDICT_RPKI | RTEV_VERDICT_LEAK;
	assert_int_equal(rules_eval_held(rs, &ev, fire, &f, &held), 0);
	assert_int_equal(held, 1);
	ev.leak = BGP_LEAK_NONE;
	assert_int_equal(rules_eval_held(rs, &ev, fire, &f, &held), 0);
	assert_int_equal(held, 0);
	ev.leak = BGP_LEAK_OTC_FROM_CUSTOMER;
	/* resolved, withdraw: news does not apply */
	rules_free(rs);
	rs = load_text("alert bgp (sid:6; event:resolved; rpki:not-found;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	ev.kind = RTEV_RESOLVED;
	assert_string_equal(eval(rs, &ev), "6,");
	rules_free(rs);
}

static void
test_default_rules(void **state)
{
	static const struct {
		uint32_t	 sid;
		unsigned	 prio;
		const char	*cls;
	} want[] = {
		{ 1000001, 1, "rpki-invalid" },
		{ 1000002, 1, "rpki-invalid-length" },
		{ 1000003, 1, "rpki-invalid" },
		{ 1000004, 2, "rpki-invalid-as-set" },
		{ 1000005, 3, "rpki-not-found" },
		{ 1000006, 1, "rpki-invalid" },
		{ 1000007, 4, "rpki-resolved" },
		{ 1000008, 1, "aspa-invalid" },
		{ 1000009, 1, "route-leak" },
		{ 1000010, 1, "route-leak" },
		{ 1000011, 1, "route-leak" },
		{ 1000020, 2, "rpki-router-disagree" },
		{ 1000101, 1, "rtr-router-drift" },
		{ 1000102, 2, "rtr-router-drift" },
		{ 1000103, 2, "rtr-cache" },
		{ 1000104, 4, "rtr-router-drift" },
		{ 1000105, 3, "rtr-cache" },
		{ 1000106, 1, "rtr-cache" },
		{ 1000107, 4, "rtr-cache" },
		{ 1000108, 3, "bgp-session" },
		{ 1000109, 4, "bgp-session" },
		{ 1000110, 2, "bgp-session" },
		{ 1000112, 1, "sensor-state" },
		{ 1000113, 4, "sensor-state" },
		{ 1000114, 2, "sensor-state" },
		{ 1000116, 3, "vrp-source" },
	};
	struct ruleset *rs;
	struct route_event ev;
	const struct rule *r;
	char line[1024];
	FILE *fp;
	unsigned i, n;

	(void)state;
	rs = rules_load_err("rules/rovmon.rules", NULL, err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	assert_int_equal(rules_count(rs), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(r = rules_find(rs, 1, want[i].sid));
		assert_int_equal(rule_priority(r), want[i].prio);
		assert_string_equal(rule_classtype(r), want[i].cls);
		assert_int_equal(rule_action(r), RULE_ALERT);
	}
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "10.0.0.0/8", 1, 0);
	assert_string_equal(eval(rs, &ev), "1000001,");
	ev.rpki.reason = ROV_REASON_LENGTH;
	assert_string_equal(eval(rs, &ev), "1000002,");
	ev.rpki.reason = ROV_REASON_AS0;
	assert_string_equal(eval(rs, &ev), "1000003,");
	ev.rpki.reason = ROV_REASON_AS_SET;
	assert_string_equal(eval(rs, &ev), "1000004,");
	ev.kind = RTEV_REVALIDATE;
	assert_string_equal(eval(rs, &ev), "1000006,");
	ev.kind = RTEV_RESOLVED;
	assert_string_equal(eval(rs, &ev), "1000007,");
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "10.0.0.0/8", 1, 0);
	assert_string_equal(eval(rs, &ev), "");
	/* NOT_FOUND: every event alerts, no event_filter (flood control is
	 * the sinks'); the RIB makes it once per route per session */
	stats_reset();
	for (n = 0, i = 0; i < 1000; i++) {
		ev = mkev(RTEV_ANNOUNCE, ROV_NOT_FOUND, 0, "10.0.0.0/8", 1,
		    1000 + i / 100);
		n += strcmp(eval(rs, &ev), "1000005,") == 0;
	}
	assert_int_equal(n, 1000);
	ev.kind = RTEV_REVALIDATE;
	assert_string_equal(eval(rs, &ev), "1000005,");
	ev.kind = RTEV_WITHDRAW;
	assert_string_equal(eval(rs, &ev), "");
	ev.kind = RTEV_RESOLVED;
	assert_string_equal(eval(rs, &ev), "1000007,");
	assert_int_equal(rule_suppressed(rules_find(rs, 1, 1000005)), 0);
	assert_int_equal(stats.alert_event_filtered, 0);
	/* ASPA invalid on announce and revalidate; unknown is not alerted */
	ev = mkleak(RTEV_ANNOUNCE, ASPA_INVALID, ASPA_UPSTREAM, BGP_LEAK_NONE,
	    BGP_ROLE_CUSTOMER);
	assert_string_equal(eval(rs, &ev), "1000008,");
	ev.kind = RTEV_REVALIDATE;
	assert_string_equal(eval(rs, &ev), "1000008,");
	ev.aspa.state = ASPA_UNKNOWN;
	assert_string_equal(eval(rs, &ev), "");
	/* a NOT_FOUND route turning ASPA invalid: the ASPA alert only */
	ev = mkleak(RTEV_REVALIDATE, ASPA_INVALID, ASPA_DOWNSTREAM,
	    BGP_LEAK_NONE, BGP_ROLE_PROVIDER);
	ev.rpki.state = ROV_NOT_FOUND;
	ev.unchanged = RTEV_VERDICT_RPKI | RTEV_VERDICT_LEAK;
	assert_string_equal(eval(rs, &ev), "1000008,");
	/* every OTC leak, by its rule */
	ev = mkleak(RTEV_ANNOUNCE, -1, 0, BGP_LEAK_OTC_FROM_CUSTOMER,
	    BGP_ROLE_CUSTOMER);
	assert_string_equal(eval(rs, &ev), "1000009,");
	ev.leak = BGP_LEAK_OTC_FROM_RS_CLIENT;
	assert_string_equal(eval(rs, &ev), "1000010,");
	ev.leak = BGP_LEAK_OTC_FROM_PEER;
	assert_string_equal(eval(rs, &ev), "1000011,");
	ev.kind = RTEV_RESOLVED;
	assert_string_equal(eval(rs, &ev), "1000007,");
	/* sensor events: one rule each; no route rule fires for them */
	assert_string_equal(eval_event(rs, SEV_RTR_MISJUDGED, NULL, 0),
	    "1000101,");
	assert_string_equal(eval_event(rs, SEV_RTR_DRIFT, NULL, 0),
	    "1000102,");
	assert_string_equal(eval_event(rs, SEV_RTR_EXPIRED, NULL, 0),
	    "1000106,");
	assert_string_equal(eval_event(rs, SEV_RTR_PARTIAL, NULL, 0),
	    "1000107,");
	/* RFC 8097: the router's stamp against rovmon's verdict */
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "10.0.0.0/8", 1, 0);
	ev.router_rpki = BGP_RRPKI_VALID;
	assert_string_equal(eval(rs, &ev), "");
	ev.router_rpki = BGP_RRPKI_INVALID;
	assert_string_equal(eval(rs, &ev), "1000020,");
	ev.kind = RTEV_REVALIDATE;
	assert_string_equal(eval(rs, &ev), "1000020,");
	ev.unchanged = RTEV_VERDICT_RPKI;	/* no news: once per route */
	assert_string_equal(eval(rs, &ev), "");
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "10.0.0.0/8", 1,
	    0);
	ev.router_rpki = BGP_RRPKI_VALID;
	assert_string_equal(eval(rs, &ev), "1000001,1000020,");
	ev.router_rpki = BGP_RRPKI_INVALID;
	assert_string_equal(eval(rs, &ev), "1000001,");
	/* none of the shipped rules is rate-limited */
	assert_non_null(fp = fopen("rules/rovmon.rules", "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		if (line[0] != '#')
			assert_null(strstr(line, "event_filter"));
	fclose(fp);
	rules_free(rs);

	rs = rules_load_err("rules/watchlist.rules.example",
	    "rules/classification.config", err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	assert_int_equal(rules_count(rs), 4);
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "192.0.2.0/24",
	    64666, 0);
	assert_string_equal(eval(rs, &ev), "1001001,");
	ev = mkev(RTEV_ANNOUNCE, ROV_VALID, 0, "192.0.2.128/25", 64500, 0);
	assert_string_equal(eval(rs, &ev), "");
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "192.0.2.128/25",
	    64666, 0);
	assert_string_equal(eval(rs, &ev), "1001001,1001003,");
	rules_free(rs);
}

/* event:TYPE of a sensor event: matching, peer_addr, pass, event_filter,
 * and the options a sensor event refuses. */
static void
test_sensor_events(void **state)
{
	struct ruleset *rs;
	struct route_event ev;

	(void)state;
	rs = load_text(
	    "alert bgp (msg:\"d\"; event:rtr-drift,rtr-stale; sid:1;)\n"
	    "alert bgp (msg:\"x\"; event:rtr-expired; sid:2;)\n"
	    "alert bgp (event:rtr-drift; peer_addr:10.0.0.0/8; sid:3;)\n"
	    "pass bgp (event:rtr-stale; peer_addr:192.0.2.9; sid:4;)\n"
	    "alert bgp (event:rtr-error; sid:5; event_filter:track by_peer, "
	    "type limit, count 1, seconds 60;)\n"
	    "alert bgp (rpki:invalid; sid:6;)\n");
	if (rs == NULL)
		fail_msg("%s", err);
	assert_string_equal(eval_event(rs, SEV_RTR_DRIFT, "192.0.2.1", 0),
	    "1,");
	assert_string_equal(eval_event(rs, SEV_RTR_DRIFT, "10.1.2.3", 0),
	    "1,3,");
	assert_string_equal(eval_event(rs, SEV_RTR_STALE, "192.0.2.1", 0),
	    "1,");
	assert_string_equal(eval_event(rs, SEV_RTR_STALE, "192.0.2.9", 0), "");
	assert_string_equal(eval_event(rs, SEV_RTR_EXPIRED, NULL, 0), "2,");
	assert_string_equal(eval_event(rs, SEV_RTR_SYNCED, NULL, 0), "");
	/* one per peer per minute */
	assert_string_equal(eval_event(rs, SEV_RTR_ERROR, "10.0.0.1", 0), "5,");
	assert_string_equal(eval_event(rs, SEV_RTR_ERROR, "10.0.0.1", 30), "");
	assert_string_equal(eval_event(rs, SEV_RTR_ERROR, "10.0.0.2", 30),
	    "5,");
	assert_string_equal(eval_event(rs, SEV_RTR_ERROR, "10.0.0.1", 61),
	    "5,");
	/* a sensor-event rule never matches a route */
	ev = mkev(RTEV_ANNOUNCE, ROV_INVALID, ROV_REASON_AS, "10.0.0.0/8", 1, 0);
	assert_string_equal(eval(rs, &ev), "6,");
	rules_free(rs);

	assert_null(load_text("alert bgp (event:rtr-nope; sid:1;)\n"));
	assert_non_null(strstr(err, "or a sensor event"));
	assert_null(load_text("alert bgp (event:announce,rtr-drift; sid:1;)\n"));
	assert_non_null(strstr(err, "got both"));
	assert_null(load_text("alert bgp (event:rtr-drift; rpki:invalid; "
	    "sid:1;)\n"));
	assert_non_null(strstr(err, "got a route option"));
	assert_null(load_text("alert bgp (event:rtr-drift; sid:1; "
	    "event_filter:track by_prefix, type limit, count 1, seconds 1;)\n"));
	assert_non_null(strstr(err, "by_prefix"));
}

/* ---- hostile input ---- */

static void
test_huge_line(void **state)
{
	char path[256], want[512];
	FILE *fp;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/huge.rules", tmpdir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("# ok\n", fp);
	for (i = 0; i < 10 * 1024 * 1024; i++)
		putc('a', fp);
	putc('\n', fp);
	fclose(fp);
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2:65536: expected a line of at most "
	    "65535 bytes, got a longer line", path);
	assert_string_equal(err, want);
	/* exactly the maximum is fine (a comment) */
	assert_non_null(fp = fopen(path, "w"));
	putc('#', fp);
	for (i = 1; i < RULES_MAX_LINE; i++)
		putc('a', fp);
	fclose(fp);
	rules_free(rules_load_err(path, NULL, err, sizeof(err)));
	assert_string_equal(err, "");
	/* NUL bytes */
	assert_non_null(fp = fopen(path, "w"));
	fwrite("alert\0", 1, 6, fp);
	fclose(fp);
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:1:6: expected text, got a NUL byte",
	    path);
	assert_string_equal(err, want);
}

/* A writer that would send 10 MB of one line through a FIFO: the loader
 * must give up after the line cap, so the writer sees EPIPE early. */
struct writer {
	const char	*path;
	size_t		 written;
};

static void *
write_fifo(void *arg)
{
	struct writer *w = arg;
	char buf[4096];
	ssize_t n;
	int fd;

	memset(buf, 'x', sizeof(buf));
	if ((fd = open(w->path, O_WRONLY)) == -1)
		return NULL;
	while (w->written < 10 * 1024 * 1024 &&
	    (n = write(fd, buf, sizeof(buf))) > 0)
		w->written += (size_t)n;
	close(fd);
	return NULL;
}

static void
test_huge_line_not_read_whole(void **state)
{
	struct writer w;
	pthread_t t;
	char path[256];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	snprintf(path, sizeof(path), "%s/fifo.rules", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	w.path = path;
	w.written = 0;
	assert_int_equal(pthread_create(&t, NULL, write_fifo, &w), 0);
	assert_null(rules_load_err(path, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, ":1:65536: expected a line of at most"));
	pthread_join(t, NULL);
	/* the cap plus what the pipe and stdio buffer */
	assert_true(w.written < 1024 * 1024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_filter_counted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_filter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leak_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leak_news, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leak_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_leak_news, setup, teardown),
		cmocka_unit_test_setup_teardown(test_router_rpki, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sensor_events, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_huge_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line_not_read_whole, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
