/*
 * fuzz_rules.c - the rule language (rules.h): rules_load_err() on a rule
 * file, its classification file and one included file, then every rule
 * matched (rules_eval) against a fixed set of route events, and each
 * firing turned into an alert and encoded (alert.h) as the alerting
 * stage does.
 *
 * Input: the rule file; a line "#@classification" starts the text of
 * classification.config beside it, a line "#@include" the text of
 * inc.rules beside it (so "include inc.rules" reaches it).  Without the
 * first marker there is no classification.config and the built-in
 * classes apply.  The files live in a private directory under /dev/shm
 * (or $TMPDIR), removed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/rules.h"
#include "fuzz_common.h"

#define MARK_CLASS	"\n#@classification\n"
#define MARK_INCLUDE	"\n#@include\n"

static char dir[256], p_rules[300], p_class[300], p_inc[300];
static char *jbuf;
static struct route_event events[8];
static uint32_t path_asns[] = { 65001, 3257, 2914, 64500 };
static struct bgp_as_segment path_seg[] = { { AS_SEQUENCE, 4, 0 } };
static struct bgp_aspath aspath = { path_seg, 1, path_asns, 4 };
static const uint8_t some_msg[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 23, 2, 0, 0, 0, 0 };

static void
cleanup(void)
{
	unlink(p_rules);
	unlink(p_class);
	unlink(p_inc);
	rmdir(dir);
}

static void
put_prefix(struct prefix *p, const char *s)
{
	bool hb;

	if (prefix_parse(s, p, &hb) == -1)
		abort();
}

static void
make_events(void)
{
	static const char *pfx[8] = { "192.0.2.0/24", "10.1.0.0/16",
	    "2001:db8::/32", "2001:db8:1::/48", "0.0.0.0/0", "198.51.100.0/25",
	    "::/0", "203.0.113.128/25" };
	static const enum route_event_kind kind[8] = { RTEV_ANNOUNCE,
	    RTEV_ANNOUNCE, RTEV_ANNOUNCE, RTEV_WITHDRAW, RTEV_REVALIDATE,
	    RTEV_RESOLVED, RTEV_ANNOUNCE, RTEV_ANNOUNCE };
	static const enum rov_state st[8] = { ROV_INVALID, ROV_VALID,
	    ROV_NOT_FOUND, ROV_NOT_FOUND, ROV_INVALID, ROV_VALID, ROV_INVALID,
	    ROV_INVALID };
	static const enum rov_reason why[8] = { ROV_REASON_AS, 0, 0, 0,
	    ROV_REASON_LENGTH, 0, ROV_REASON_AS0, ROV_REASON_AS_SET };
	unsigned i;

	for (i = 0; i < 8; i++) {
		struct route_event *e = &events[i];

		memset(e, 0, sizeof(*e));
		e->kind = kind[i];
		e->resolve_why = kind[i] == RTEV_RESOLVED ? RESOLVE_VALID :
		    RESOLVE_NONE;
		e->ts.tv_sec = 1700000000;
		e->session_id = 1 + i % 3;
		put_prefix(&e->prefix, pfx[i]);
		e->src_addr.family = e->dst_addr.family = e->prefix.family;
		e->src_addr.a[0] = e->dst_addr.a[0] =
		    e->prefix.family == ADDR_V4 ? 10 : 0x20;
		e->src_addr.a[e->prefix.family == ADDR_V4 ? 3 : 15] =
		    (uint8_t)(1 + i % 2);
		e->src_port = i % 2 ? 179 : 40000;
		e->dst_port = i % 2 ? 40000 : 179;
		e->peer_as = i % 4 == 3 ? 0 : 65001 + i % 2;
		e->has_path_id = i == 2;
		e->path_id = 7;
		e->origin_kind = i == 7 ? ORIGIN_AS_SET : ORIGIN_AS_SEQ;
		e->origin_as = i == 7 ? 0 : 64500 + i;
		e->aspath = kind[i] == RTEV_WITHDRAW ? NULL : &aspath;
		e->next_hop = e->src_addr;
		e->has_rpki = i != 1;
		e->rpki.state = st[i];
		e->rpki.reason = why[i];
		e->vrp_generation = 3;
		e->has_prev = i % 2 == 0;
		e->prev_state = ROV_VALID;
		e->prev_origin_as = 64499;
		e->msg = i % 3 == 0 ? some_msg : NULL;
		e->msg_len = e->msg != NULL ? sizeof(some_msg) : 0;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";

	(void)argc;
	(void)argv;
	fz_init();
	snprintf(dir, sizeof(dir), "%s/rovmon-fuzz-rules.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(p_rules, sizeof(p_rules), "%s/t.rules", dir);
	snprintf(p_class, sizeof(p_class), "%s/classification.config", dir);
	snprintf(p_inc, sizeof(p_inc), "%s/inc.rules", dir);
	atexit(cleanup);
	if ((jbuf = malloc(ALERT_JSON_MAX)) == NULL)
		abort();
	make_events();
	return 0;
}

static void
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    (n > 0 && fwrite(p, 1, n, fp) != n) || fclose(fp) != 0) {
		perror(path);
		abort();
	}
}

static const uint8_t *
find(const uint8_t *p, size_t n, const char *mark)
{
	return memmem(p, n, mark, strlen(mark));
}

static void
on_fire(void *arg, const struct rule *r, const struct route_event *ev)
{
	struct alert a;
	char text[ALERT_TEXT_MAX];

	(void)arg;
	alert_init(&a, rule_alert(r), ev, "fuzz", 1);
	if (alert_format_json(&a, jbuf, ALERT_JSON_MAX) < 0) {
		fprintf(stderr, "fuzz_rules: ALERT_JSON_MAX too small\n");
		abort();
	}
	(void)alert_format_text(&a, text, sizeof(text));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cls, *inc, *end = data + size, *rend, *cend, *iend;
	struct ruleset *rs;
	const struct rule *r;
	char err[512];
	unsigned i, j, k;

	/* Sections in input order: the earlier marker first, the other
	 * one searched for only after it (markers may share a newline).
	 * cls and inc end up at the first byte of their sections. */
	rend = cend = iend = end;
	cls = find(data, size, MARK_CLASS);
	inc = find(data, size, MARK_INCLUDE);
	if (cls != NULL && (inc == NULL || cls < inc)) {
		rend = cls;
		cls += strlen(MARK_CLASS);
		if ((inc = find(cls, (size_t)(end - cls), MARK_INCLUDE)) != NULL) {
			cend = inc;
			inc += strlen(MARK_INCLUDE);
		}
	} else if (inc != NULL) {
		rend = inc;
		inc += strlen(MARK_INCLUDE);
		if ((cls = find(inc, (size_t)(end - inc), MARK_CLASS)) != NULL) {
			iend = cls;
			cls += strlen(MARK_CLASS);
		}
	}
	write_file(p_rules, data, (size_t)(rend - data));
	if (cls != NULL)
		write_file(p_class, cls, (size_t)(cend - cls));
	else
		unlink(p_class);
	if (inc != NULL)
		write_file(p_inc, inc, (size_t)(iend - inc));
	else
		unlink(p_inc);

	if ((rs = rules_load_err(p_rules, NULL, err, sizeof(err))) == NULL) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		if (getenv("FUZZ_DEBUG") != NULL)
			fprintf(stderr, "fuzz_rules: %s\n", err);
		return 0;
	}
	for (i = 0; (r = rules_rule(rs, i)) != NULL; i++) {
		(void)rule_file(r);
		(void)rule_line(r);
		if (rules_find(rs, rule_gid(r), rule_sid(r)) == NULL) {
			fprintf(stderr, "fuzz_rules: rule %u not found by its "
			    "gid:sid\n", i);
			abort();
		}
	}
	if (i != rules_count(rs))
		abort();
	/* Each event a few times, a minute apart: event_filter state. */
	for (k = 0; k < 3; k++)
		for (j = 0; j < 8; j++) {
			events[j].ts.tv_sec = 1700000000 + 60 * k;
			(void)rules_eval(rs, &events[j], on_fire, NULL);
		}
	for (i = 0; (r = rules_rule(rs, i)) != NULL; i++)
		(void)rule_matches(r);
	rules_free(rs);
	return 0;
}
