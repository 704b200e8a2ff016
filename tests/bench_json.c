/*
 * bench_json.c - the route-event hot path: direct formatting (jsonbuf.h,
 * route_log_write) against jansson building and dumping the same line.
 *
 *	bench_json ROUTELOG [N]
 *
 * Reads up to N (default 200,000) announce lines of a route log (rovmon
 * --routes; e.g. the full-table capture's) back into the structs the
 * decoder hands to route_log_write(), then, best of 5 rounds each (of
 * 1,000,000 / N when that is more):
 *   direct    route_log_write() to /dev/null (format + stdio);
 *   jansson   json_object_set_new() of every field in the same order,
 *             json_dumpb() into a buffer, fwrite to /dev/null, json_decref;
 *   alert     alert_init() and alert_format_json() of the same events (the
 *             alert encoder, direct too) as a default rule fires them,
 *             with b64_data of an UPDATE that carries the route alone (a
 *             stand-in of the route's size: the route log has no bytes).
 * The jansson line is checked byte for byte against the direct one first,
 * so both produce the same text.  Prints ns per event (the thread's CPU
 * time) and MB/s.  With N small (5,000) the events stay in the caches, as
 * a route just decoded is; at 200,000 the route log's figure also holds
 * the misses of reading the benchmark's own events.
 * Built and run by make bench (tests/bench.py, on the route log of the
 * full table's first 20,000 frames).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/addr.h"
#include "alert/alert.h"
#include "bgp/bgp.h"
#include "base/jsonbuf.h"
#include "base/log.h"
#include "capture/packet.h"
#include "state/route_event.h"
#include "state/route_json.h"
#include "state/route_log.h"
#include "rpki/rov.h"
#include "rpki/vrp.h"

#define MAXASN	64
#define ROUNDS	5

/* One announcement, as the decoder and validator hand it over. */
struct ev {
	struct packet		 pkt;
	struct bgp_msg_ctx	 ctx;
	struct bgp_attrs	 at;
	struct bgp_as_segment	 seg;
	uint32_t		 asns[MAXASN];
	struct bgp_route	 r;
	struct rov_result	 res;
	struct vrp		 vrps[ROV_MAX_DECIDING];
	uint64_t		 gen;
	uint8_t			 upd[19 + 4 + 3 + 4 + 4 * MAXASN + 7 + 17];
	uint32_t		 updlen;
};

/*
 * A BGP UPDATE (RFC 4271 section 4.3) carrying e's route alone: ORIGIN,
 * AS_PATH (one AS_SEQUENCE), NEXT_HOP (IPv4's, whatever the family) and
 * the NLRI, so that b64_data has a real message's length.
 */
static void
make_update(struct ev *e)
{
	uint8_t *p = e->upd;
	uint32_t i, n = e->at.aspath.nasn, pfxlen = e->r.prefix.len;

	memset(p, 0xff, 16);
	p += 18;
	*p++ = 2;				/* UPDATE */
	*p++ = 0; *p++ = 0;			/* no withdrawn routes */
	p += 2;					/* attributes' length */
	*p++ = 0x40; *p++ = 1; *p++ = 1; *p++ = 0;	/* ORIGIN IGP */
	*p++ = 0x40; *p++ = 2; *p++ = (uint8_t)(2 + 4 * n);
	*p++ = 2; *p++ = (uint8_t)n;
	for (i = 0; i < n; i++) {
		*p++ = (uint8_t)(e->asns[i] >> 24);
		*p++ = (uint8_t)(e->asns[i] >> 16);
		*p++ = (uint8_t)(e->asns[i] >> 8);
		*p++ = (uint8_t)e->asns[i];
	}
	*p++ = 0x40; *p++ = 3; *p++ = 4;
	memcpy(p, e->at.next_hop.a, 4);
	p += 4;
	e->upd[21] = 0;
	e->upd[22] = (uint8_t)(p - e->upd - 23);
	*p++ = (uint8_t)pfxlen;
	memcpy(p, e->r.prefix.a, (pfxlen + 7) / 8);
	p += (pfxlen + 7) / 8;
	e->updlen = (uint32_t)(p - e->upd);
	e->upd[16] = (uint8_t)(e->updlen >> 8);
	e->upd[17] = (uint8_t)e->updlen;
}

/* This thread's CPU time: on a shared machine, time spent waiting for
 * a core is not the formatter's. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
parse_state(const char *s, enum rov_state *st)
{
	if (strcmp(s, "valid") == 0)
		*st = ROV_VALID;
	else if (strcmp(s, "invalid") == 0)
		*st = ROV_INVALID;
	else
		*st = ROV_NOT_FOUND;
	return 0;
}

static enum rov_reason
parse_reason(const json_t *j)
{
	const char *s = json_string_value(j);

	if (s == NULL)
		return ROV_REASON_NONE;
	if (strcmp(s, "as") == 0)
		return ROV_REASON_AS;
	if (strcmp(s, "length") == 0)
		return ROV_REASON_LENGTH;
	if (strcmp(s, "as0") == 0)
		return ROV_REASON_AS0;
	return ROV_REASON_AS_SET;
}

/* 2026-11-23T13:44:54.229916Z -> timeval */
static void
parse_ts(const char *s, struct timeval *tv)
{
	struct tm tm;
	unsigned long us = 0;

	memset(&tm, 0, sizeof(tm));
	sscanf(s, "%d-%d-%dT%d:%d:%d.%lu", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &us);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tv->tv_sec = timegm(&tm);
	tv->tv_usec = (suseconds_t)us;
}

/* A plain announce line (one AS_SEQUENCE, no path id) into e; -1 to skip. */
static int
load_one(const char *line, struct ev *e)
{
	json_t *j, *path, *rpki, *vrps, *v;
	json_error_t err;
	size_t i;
	int rc = -1;

	if ((j = json_loads(line, 0, &err)) == NULL)
		return -1;
	memset(e, 0, sizeof(*e));
	path = json_object_get(j, "as_path");
	rpki = json_object_get(j, "rpki");
	if (strcmp(json_string_value(json_object_get(j, "event")),
	    "announce") != 0 || !json_is_array(path) ||
	    json_array_size(path) > MAXASN || !json_is_object(rpki) ||
	    json_object_get(j, "path_id") != NULL ||
	    json_object_get(j, "inferred") != NULL)
		goto done;
	for (i = 0; i < json_array_size(path); i++) {
		if (!json_is_integer(json_array_get(path, i)))
			goto done;	/* AS_SET: not in this benchmark */
		e->asns[i] = (uint32_t)json_integer_value(json_array_get(path,
		    i));
	}
	parse_ts(json_string_value(json_object_get(j, "ts")), &e->pkt.ts);
	e->pkt.num = (uint64_t)json_integer_value(json_object_get(j,
	    "pkt_num"));
	e->ctx.pkt = &e->pkt;
	ipaddr_parse(json_string_value(json_object_get(j, "src_addr")),
	    &e->ctx.src_addr);
	ipaddr_parse(json_string_value(json_object_get(j, "dst_addr")),
	    &e->ctx.dst_addr);
	e->ctx.src_port = (uint16_t)json_integer_value(json_object_get(j,
	    "src_port"));
	e->ctx.dst_port = (uint16_t)json_integer_value(json_object_get(j,
	    "dst_port"));
	e->ctx.peer_as = (uint32_t)json_integer_value(json_object_get(j,
	    "peer_as"));
	e->r.event = BGP_ROUTE_ANNOUNCE;
	e->r.afi = (uint16_t)json_integer_value(json_object_get(j, "afi"));
	e->r.safi = (uint8_t)json_integer_value(json_object_get(j, "safi"));
	if (prefix_parse(json_string_value(json_object_get(j, "prefix")),
	    &e->r.prefix, NULL) != 0)
		goto done;
	e->seg.type = AS_SEQUENCE;
	e->seg.count = (uint16_t)json_array_size(path);
	e->at.aspath.seg = &e->seg;
	e->at.aspath.nseg = json_array_size(path) > 0 ? 1 : 0;
	e->at.aspath.asns = e->asns;
	e->at.aspath.nasn = (uint32_t)json_array_size(path);
	e->at.origin_kind = json_is_integer(json_object_get(j, "origin_as")) ?
	    ORIGIN_AS_SEQ : ORIGIN_AS_NONE;
	e->at.origin_as = (uint32_t)json_integer_value(json_object_get(j,
	    "origin_as"));
	if (json_is_string(json_object_get(j, "next_hop")))
		ipaddr_parse(json_string_value(json_object_get(j, "next_hop")),
		    &e->at.next_hop);
	parse_state(json_string_value(json_object_get(rpki, "state")),
	    &e->res.state);
	e->res.reason = parse_reason(json_object_get(rpki, "reason"));
	e->gen = (uint64_t)json_integer_value(json_object_get(rpki,
	    "generation"));
	e->res.ncovering = (unsigned)json_integer_value(json_object_get(rpki,
	    "covering"));
	vrps = json_object_get(rpki, "vrps");
	for (i = 0; i < json_array_size(vrps) && i < ROV_MAX_DECIDING; i++) {
		v = json_array_get(vrps, i);
		prefix_parse(json_string_value(json_object_get(v, "prefix")),
		    &e->vrps[i].prefix, NULL);
		e->vrps[i].maxlen = (uint8_t)json_integer_value(
		    json_object_get(v, "max_length"));
		e->vrps[i].asn = (uint32_t)json_integer_value(
		    json_object_get(v, "asn"));
		e->res.vrps[i] = &e->vrps[i];
	}
	e->res.nvrps = (unsigned)i;
	make_update(e);
	rc = 0;
done:
	json_decref(j);
	return rc;
}

static json_t *
jaddr(const struct ipaddr *a)
{
	char t[IPADDR_STRLEN];

	return json_string(ipaddr_fmt(a, t, sizeof(t)));
}

/* The same line as route_log_write(), through jansson. */
static json_t *
jansson_event(const struct ev *e)
{
	static const char *const states[] = { "not-found", "valid", "invalid" };
	json_t *o, *path, *rpki, *vrps, *v;
	char ts[40], pfx[PREFIX_STRLEN];
	size_t off = 0;
	const char *reason;
	uint32_t i;

	o = json_object();
	json_object_set_new(o, "event", json_string("announce"));
	route_json_ts(ts, sizeof(ts) - 1, &off, &e->pkt.ts,
	    ROUTE_JSON_TS_ISO);
	ts[off] = '\0';
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "pkt_num", json_integer((json_int_t)e->pkt.num));
	json_object_set_new(o, "src_addr", jaddr(&e->ctx.src_addr));
	json_object_set_new(o, "src_port", json_integer(e->ctx.src_port));
	json_object_set_new(o, "dst_addr", jaddr(&e->ctx.dst_addr));
	json_object_set_new(o, "dst_port", json_integer(e->ctx.dst_port));
	json_object_set_new(o, "peer_as", e->ctx.peer_as != 0 ?
	    json_integer(e->ctx.peer_as) : json_null());
	json_object_set_new(o, "afi", json_integer(e->r.afi));
	json_object_set_new(o, "safi", json_integer(e->r.safi));
	json_object_set_new(o, "prefix", json_string(prefix_fmt(&e->r.prefix,
	    pfx, sizeof(pfx))));
	json_object_set_new(o, "origin_as", e->at.origin_kind ==
	    ORIGIN_AS_SEQ ? json_integer(e->at.origin_as) : json_null());
	json_object_set_new(o, "origin_kind",
	    json_string(bgp_origin_kind_name(e->at.origin_kind)));
	path = json_array();
	for (i = 0; i < e->at.aspath.nasn; i++)
		json_array_append_new(path, json_integer(e->asns[i]));
	json_object_set_new(o, "as_path", path);
	json_object_set_new(o, "next_hop", e->at.next_hop.family != 0 ?
	    jaddr(&e->at.next_hop) : json_null());
	rpki = json_object();
	json_object_set_new(rpki, "state", json_string(states[e->res.state]));
	reason = rov_reason_name(e->res.reason);
	json_object_set_new(rpki, "reason", reason != NULL ?
	    json_string(reason) : json_null());
	json_object_set_new(rpki, "generation", json_integer((json_int_t)e->gen));
	vrps = json_array();
	for (i = 0; i < e->res.nvrps; i++) {
		v = json_object();
		json_object_set_new(v, "prefix", json_string(prefix_fmt(
		    &e->res.vrps[i]->prefix, pfx, sizeof(pfx))));
		json_object_set_new(v, "max_length",
		    json_integer(e->res.vrps[i]->maxlen));
		json_object_set_new(v, "asn", json_integer(e->res.vrps[i]->asn));
		json_array_append_new(vrps, v);
	}
	json_object_set_new(rpki, "vrps", vrps);
	json_object_set_new(rpki, "covering", json_integer(e->res.ncovering));
	json_object_set_new(o, "rpki", rpki);
	/* the route-leak fields: no role, no OTC, no ASPA data here */
	json_object_set_new(o, "peer_role", json_null());
	json_object_set_new(o, "role_source", json_null());
	json_object_set_new(o, "otc", json_null());
	json_object_set_new(o, "router_rpki_state", json_null());
	json_object_set_new(o, "aspa", json_null());
	json_object_set_new(o, "leak", json_null());
	return o;
}

/* route_log_write() of one event, judged by ROV only. */
static void
log_one(struct route_log *rl, const struct ev *e)
{
	struct route_verdict v;

	route_verdict_init(&v, &e->ctx, &e->at);
	v.rpki = &e->res;
	v.generation = e->gen;
	route_log_write(rl, &e->ctx, &e->at, &e->r, &v);
}

#define JFLAGS	(JSON_COMPACT | JSON_PRESERVE_ORDER)

int
main(int argc, char *argv[])
{
	static char line[1 << 16], jbuf[1 << 16], abuf[ALERT_JSON_MAX];
	struct route_log *rl;
	struct route_event rev;
	struct alert_rule *rule;
	struct alert al;
	struct ev *ev;
	FILE *fp, *null;
	size_t n = 0, max = 200000, i, len, bytes = 0, abytes = 0;
	double t0, t, best[3] = { 1e9, 1e9, 1e9 };
	unsigned round, rounds;
	int ilen;
	json_t *o;

	log_init("bench_json");
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_json ROUTELOG [N]\n");
		return 2;
	}
	if (argc == 3)
		max = strtoul(argv[2], NULL, 10);
	if ((ev = calloc(max, sizeof(*ev))) == NULL ||
	    (fp = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while (n < max && fgets(line, sizeof(line), fp) != NULL)
		if (load_one(line, &ev[n]) == 0)
			n++;
	fclose(fp);
	if (n == 0)
		return 1;

	/* both give the same text: check on the first events */
	for (i = 0; i < n && i < 1000; i++) {
		char tmp[] = "/tmp/bench_json.XXXXXX";
		int fd = mkstemp(tmp);
		FILE *f;

		close(fd);
		rl = route_log_open(tmp);
		log_one(rl, &ev[i]);
		route_log_close(rl);
		f = fopen(tmp, "r");
		len = fread(line, 1, sizeof(line) - 1, f);
		line[len] = '\0';
		fclose(f);
		unlink(tmp);
		o = jansson_event(&ev[i]);
		len = json_dumpb(o, jbuf, sizeof(jbuf) - 2, JFLAGS);
		json_decref(o);
		jbuf[len++] = '\n';
		jbuf[len] = '\0';
		if (strcmp(line, jbuf) != 0) {
			fprintf(stderr, "bench_json: texts differ:\n%s%s", line,
			    jbuf);
			return 1;
		}
		bytes += len;
	}
	bytes = bytes / i;	/* average line */

	/* the rule, as a ruleset makes it when loaded */
	rule = alert_rule_new(1, 1000001, 1, 1, "RPKI INVALID: origin AS not "
	    "authorised", "rpki-invalid", "RPKI invalid", "alert");
	if (rule == NULL)
		return 1;
	/* about a million events a formatter, best round kept */
	rounds = n * ROUNDS >= 1000000 ? ROUNDS : (unsigned)(1000000 / n);
	null = fopen("/dev/null", "w");
	setvbuf(null, NULL, _IOFBF, 1 << 20);
	rl = route_log_open("/dev/null");
	for (round = 0; round < rounds; round++) {
		t0 = now();
		for (i = 0; i < n; i++)
			log_one(rl, &ev[i]);
		route_log_flush(rl);
		if ((t = now() - t0) < best[0])
			best[0] = t;
	}
	/* each formatter its rounds in a row: one does not evict the
	 * other's data from the caches */
	for (round = 0; round < rounds; round++) {
		t0 = now();
		for (i = 0; i < n; i++) {
			o = jansson_event(&ev[i]);
			len = json_dumpb(o, jbuf, sizeof(jbuf) - 1, JFLAGS);
			jbuf[len++] = '\n';
			fwrite(jbuf, 1, len, null);
			json_decref(o);
		}
		fflush(null);
		if ((t = now() - t0) < best[1])
			best[1] = t;
	}
	for (round = 0; round < rounds; round++) {
		t0 = now();
		for (i = 0; i < n; i++) {
			memset(&rev, 0, sizeof(rev));
			rev.kind = RTEV_ANNOUNCE;
			rev.ts = ev[i].pkt.ts;
			rev.session_id = 1;
			rev.src_addr = ev[i].ctx.src_addr;
			rev.dst_addr = ev[i].ctx.dst_addr;
			rev.src_port = ev[i].ctx.src_port;
			rev.dst_port = ev[i].ctx.dst_port;
			rev.peer_as = ev[i].ctx.peer_as;
			rev.prefix = ev[i].r.prefix;
			rev.origin_kind = ev[i].at.origin_kind;
			rev.origin_as = ev[i].at.origin_as;
			rev.aspath = &ev[i].at.aspath;
			rev.next_hop = ev[i].at.next_hop;
			rev.has_rpki = true;
			rev.rpki = ev[i].res;
			rev.vrp_generation = ev[i].gen;
			rev.pkt = &ev[i].pkt;
			rev.msg = ev[i].upd;
			rev.msg_len = ev[i].updlen;
			alert_init(&al, rule, &rev, "sensor", ev[i].pkt.num);
			if ((ilen = alert_format_json(&al, abuf,
			    sizeof(abuf))) < 0)
				return 1;
			if (round == 0)
				abytes += (size_t)ilen;
		}
		if ((t = now() - t0) < best[2])
			best[2] = t;
	}
	route_log_close(rl);
	alert_rule_free(rule);
	printf("%zu route events, %zu bytes per line\n", n, bytes);
	printf("direct (route_log_write):  %6.0f ns/event  %7.1f MB/s\n",
	    best[0] / n * 1e9, n * bytes / best[0] / 1e6);
	printf("jansson (build + dump):    %6.0f ns/event  %7.1f MB/s  "
	    "(%.1fx direct)\n", best[1] / n * 1e9, n * bytes / best[1] / 1e6,
	    best[1] / best[0]);
	printf("alert_format_json:         %6.0f ns/event  %7.1f MB/s  "
	    "(%zu bytes per alert, alert_init included)\n",
	    best[2] / n * 1e9, abytes / best[2] / 1e6, abytes / n);
	return 0;
}
