/*
 * control_answer.c - rovmon's answers on the control socket
 * (docs/control.md): the struct control_answerer that control_work()
 * calls on the packet thread, which owns everything read here (the RIB,
 * the validator, the report's sessions, the counters).
 *
 * Every answer is a series of frames, one JSON object a line, then the
 * final frame {"end":"ok",...}.  A step walks at most `budget' stored
 * routes and writes at most FRAMES_PER_STEP frames, so one step costs
 * the packet thread a bounded slice whatever the query; the walk pauses
 * when the client's ring has no room for the next frame.
 *
 *   show routes    the filtered walk (state/rib_query.h): a "route" frame
 *                  each, with the VRPs that decide it (rov_check() on the
 *                  index in use: the RIB is re-validated when it changes,
 *                  so they agree with the stored state)
 *   show summary   one "summary" frame; the route counts are the RIB's
 *                  tallies (rib_counts(), O(1): the numbers the metrics
 *                  and the stats' routes_* gauges read)
 *   show sessions  a "session" frame each (rovmon/summary.h), with the
 *                  routes each end has stored (rib_dirs(), O(sessions))
 *   stats          the statistics line as one "stats" frame
 *   reload         as SIGHUP; answered once done
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alerting.h"
#include "base/jsonbuf.h"
#include "base/stats.h"
#include "base/version.h"
#include "rovmon/control.h"
#include "rovmon/control_answer.h"
#include "rovmon/output.h"
#include "rovmon/rovmon_loop.h"
#include "rovmon/summary.h"
#include "rpki/validator.h"
#include "state/rib_query.h"
#include "state/route_json.h"

#define FRAMES_PER_STEP	64
#define SESS_SLOTS	4096	/* > 2 x SUMMARY_MAX_SESSIONS, power of 2 */

/* What the RIB holds per session direction (show sessions, rib_dirs()). */
struct sess_count {
	uint64_t	 id;		/* 0 = empty slot */
	struct rib_dir_info d[2];	/* by sender; routes 0: unused */
	bool		 used[2];
};

struct answer {
	struct rovmon	*rv;
	struct control_req req;
	struct rib_query *q;		/* the walk, NULL when done or none */
	int		 phase;		/* 0 walk, 1 frames, 2 end */
	uint64_t	 count;		/* frames of data sent */
	bool		 truncated;	/* limit reached */
	unsigned	 frames;	/* this step's frames */
	bool		 capped;	/* this step's frame quota is used */
	struct control_out *out;
	bool		 asked;		/* reload: SIGHUP's flag raised */
	/* show sessions */
	struct sess_count *sc;		/* SESS_SLOTS, or NULL */
	size_t		 next;		/* the next session to send */
	/* stats: the line, sent in as many pieces as the ring takes */
	char		*blob;
	size_t		 bloblen, blobpos;
	char		 buf[CONTROL_FRAME_MAX];
};

/* ---- frames ---------------------------------------------------------- */

/* Put the frame in a->buf (off bytes) if it fits the ring. */
static bool
emit(struct answer *a, size_t off)
{
	if (off > sizeof(a->buf) - 1)
		return true;	/* cannot happen: callers cut first */
	a->buf[off++] = '\n';
	if (!control_out_put(a->out, a->buf, off))
		return false;
	a->frames++;
	return true;
}

static void
put_end(struct answer *a, struct control_out *out)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "{\"end\":\"ok\",\"count\":%" PRIu64
	    ",\"truncated\":%s,\"visited\":%" PRIu64 "}\n", a->count,
	    a->truncated ? "true" : "false",
	    a->q != NULL ? rib_query_visited(a->q) : 0);
	(void)control_out_put(out, line, (size_t)n);
}

static void
put_str(char *b, size_t cap, size_t *off, const char *s)
{
	const char *p;

	jb_put(b, cap, off, "\"", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			jb_put(b, cap, off, "\\", 1);
		if ((unsigned char)*p >= 0x20)
			jb_put(b, cap, off, p, 1);
	}
	jb_put(b, cap, off, "\"", 1);
}

static void
put_kv(char *b, size_t cap, size_t *off, const char *k, uint64_t v)
{
	jb_put(b, cap, off, "\"", 1);
	jb_puts(b, cap, off, k);
	jb_put(b, cap, off, "\":", 2);
	jb_putu(b, cap, off, v);
}

/* One counter of a JSON object; put_kvs() writes a run of them. */
struct kv {
	const char	*k;
	uint64_t	 v;
};

#define NKV(a)	(sizeof(a) / sizeof((a)[0]))

/* "k":v,"k":v,... for the n pairs of kv, in their order. */
static void
put_kvs(char *b, size_t cap, size_t *off, const struct kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			jb_put(b, cap, off, ",", 1);
		put_kv(b, cap, off, kv[i].k, kv[i].v);
	}
}

static void
put_time(char *b, size_t cap, size_t *off, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[32];

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		jb_puts(b, cap, off, "null");
		return;
	}
	strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	jb_puts(b, cap, off, s);
}

/* ---- show routes ------------------------------------------------------ */

static size_t
route_frame(struct answer *a, const struct route_event *ev, bool alerted,
    bool with_path)
{
	struct validator *v = a->rv->validator;
	const struct rov_index *idx = v != NULL ? validator_index(v) : NULL;
	struct route_json_leak lk;
	struct rov_result res;
	size_t cap = sizeof(a->buf) - 1, off = 0;
	char *b = a->buf;

	jb_puts(b, cap, &off, "{\"route\":{");
	put_kv(b, cap, &off, "session", ev->session_id);
	route_json_endpoints(b, cap, &off, &ev->src_addr, ev->src_port,
	    &ev->dst_addr, ev->dst_port);
	jb_puts(b, cap, &off, ",\"peer_as\":");
	jb_putu_or_null(b, cap, &off, ev->peer_as != 0, ev->peer_as);
	route_json_prefix(b, cap, &off, &ev->prefix, ev->has_path_id,
	    ev->path_id);
	route_json_origin_path(b, cap, &off, ev->origin_kind, ev->origin_as,
	    with_path ? ev->aspath : NULL, &ev->next_hop, ROUTE_JSON_LOG);
	if (ev->has_rpki && idx != NULL) {
		rov_check(idx, &ev->prefix,
		    bgp_origin_known(ev->origin_kind), ev->origin_as,
		    &res);
		/* the stored state is the one that counts; the lookup adds
		 * the deciding VRPs (they agree: the RIB is re-validated
		 * whenever the index changes) */
		if (res.state != ev->rpki.state) {
			res = ev->rpki;
			res.nvrps = res.ncovering = 0;
		}
		route_json_rpki(b, cap, &off, &res, validator_generation(v),
		    ROUTE_JSON_LOG);
	} else
		jb_puts(b, cap, &off, ",\"rpki\":null");
	memset(&lk, 0, sizeof(lk));
	lk.role = ev->sender_role;
	lk.role_source = ev->role_source;
	lk.has_otc = ev->has_otc;
	lk.otc = ev->otc;
	lk.router_rpki = ev->router_rpki;
	lk.leak = ev->leak;
	lk.peer_as = ev->peer_as;
	lk.aspa = ev->has_aspa ? &ev->aspa : NULL;
	route_json_leak(b, cap, &off, &lk);
	jb_puts(b, cap, &off, alerted ? ",\"alerted\":true" :
	    ",\"alerted\":false");
	if (!with_path)
		jb_puts(b, cap, &off, ",\"as_path_cut\":true");
	jb_puts(b, cap, &off, "}}");
	return off;
}

static bool
on_route(void *arg, const struct route_event *ev, bool alerted)
{
	struct answer *a = arg;
	size_t off;

	if (a->req.limit > 0 && a->count >= a->req.limit) {
		a->truncated = true;
		return false;
	}
	if (a->frames >= FRAMES_PER_STEP) {
		a->capped = true;
		return false;
	}
	/* a path too long for a frame: the route without it */
	if ((off = route_frame(a, ev, alerted, true)) > sizeof(a->buf) - 1)
		off = route_frame(a, ev, alerted, false);
	if (!emit(a, off))
		return false;
	a->count++;
	return true;
}

/* ---- show summary ----------------------------------------------------- */

/* Sessions up, or read mid-stream, of those the report keeps. */
static size_t
sessions_up(const struct summary *sum)
{
	struct summary_session_info si;
	size_t i, up = 0;

	for (i = 0; summary_session_at(sum, i, &si); i++)
		if (strcmp(si.state, "up") == 0 ||
		    strcmp(si.state, "mid-stream") == 0)
			up++;
	return up;
}

/* The RIB's tallies: the "routes" object of show summary. */
static void
put_route_counts(char *b, size_t cap, size_t *off, const struct rib_counts *rc)
{
	const struct kv rpki[] = {
		{ "stored", rc->routes },
		{ "valid", rc->rpki[ROV_VALID] },
		{ "invalid", rc->rpki[ROV_INVALID] },
		{ "not_found", rc->rpki[ROV_NOT_FOUND] },
	};
	const struct kv aspa[] = {
		{ "valid", rc->aspa[ASPA_VALID] },
		{ "invalid", rc->aspa[ASPA_INVALID] },
		{ "unknown", rc->aspa[ASPA_UNKNOWN] },
		{ "none", rc->aspa_none },
	};

	jb_put(b, cap, off, "{", 1);
	put_kvs(b, cap, off, rpki, NKV(rpki));
	jb_puts(b, cap, off, ",\"aspa\":{");
	put_kvs(b, cap, off, aspa, NKV(aspa));
	jb_put(b, cap, off, "},", 2);
	put_kv(b, cap, off, "leaks", rc->routes - rc->leak[BGP_LEAK_NONE]);
	jb_put(b, cap, off, "}", 1);
}

static size_t
summary_frame(struct answer *a)
{
	struct rovmon *rv = a->rv;
	const struct rib *rib = rv->alerting != NULL ?
	    alerting_rib(rv->alerting) : NULL;
	const struct kv sessions[] = {
		{ "seen", summary_session_count(rv->summary) },
		{ "up", sessions_up(rv->summary) },
		{ "with_routes", rib != NULL ? rib_sessions(rib) : 0 },
	};
	const struct kv drops[] = {
		{ "pcap_drop", stats.pcap_drop },
		{ "pcap_ifdrop", stats.pcap_ifdrop },
		{ "reasm_gaps", stats.reasm_gaps },
		{ "reasm_gap_bytes", stats.reasm_gap_bytes },
		{ "rib_nomem", stats.rib_nomem },
		{ "alert_queue_drops", stats.alert_queue_drops },
		{ "alert_write_errors", stats.alert_write_errors },
		{ "control_dropped", stats.control_dropped },
	};
	const struct kv totals[] = {
		{ "packets", stats.packets },
		{ "bgp_messages", stats.bgp_messages },
		{ "alerts", stats.alerts },
	};
	struct rib_counts rc;
	size_t cap = sizeof(a->buf) - 1, off = 0;
	int64_t now = (int64_t)time(NULL);
	char *b = a->buf;

	jb_puts(b, cap, &off, "{\"summary\":{\"version\":\"" ROVMON_VERSION
	    "\",\"sensor\":");
	/* the name alerts carry: --sensor, else the host name */
	if (rv->opt.sensor == NULL && rv->hostname[0] == '\0' &&
	    gethostname(rv->hostname, sizeof(rv->hostname) - 1) != 0)
		rv->hostname[0] = '\0';
	put_str(b, cap, &off, rv->opt.sensor != NULL ? rv->opt.sensor :
	    rv->hostname);
	jb_puts(b, cap, &off, ",\"now\":");
	put_time(b, cap, &off, now);
	jb_puts(b, cap, &off, ",\"sessions\":{");
	put_kvs(b, cap, &off, sessions, NKV(sessions));
	jb_puts(b, cap, &off, "},\"routes\":");
	if (rib == NULL)
		jb_puts(b, cap, &off, "null");
	else {
		rib_counts(rib, &rc);
		put_route_counts(b, cap, &off, &rc);
	}
	jb_puts(b, cap, &off, ",\"vrps\":");
	if (rv->validator == NULL || validator_index(rv->validator) == NULL)
		jb_puts(b, cap, &off, "null");
	else {
		jb_put(b, cap, &off, "{", 1);
		put_kv(b, cap, &off, "count", stats.vrp_count);
		jb_put(b, cap, &off, ",", 1);
		put_kv(b, cap, &off, "aspa", stats.aspa_count);
		jb_put(b, cap, &off, ",", 1);
		put_kv(b, cap, &off, "generation",
		    validator_generation(rv->validator));
		jb_puts(b, cap, &off, ",\"loaded\":");
		put_time(b, cap, &off, (int64_t)stats.vrp_loaded);
		jb_puts(b, cap, &off, ",\"age_s\":");
		jb_putu_or_null(b, cap, &off, stats.vrp_loaded > 0 &&
		    now >= (int64_t)stats.vrp_loaded,
		    (uint64_t)now - stats.vrp_loaded);
		jb_puts(b, cap, &off, ",\"generated\":");
		put_time(b, cap, &off, (int64_t)stats.vrp_generated);
		jb_put(b, cap, &off, "}", 1);
	}
	jb_puts(b, cap, &off, ",\"drops\":{");
	put_kvs(b, cap, &off, drops, NKV(drops));
	jb_puts(b, cap, &off, "},");
	put_kvs(b, cap, &off, totals, NKV(totals));
	jb_puts(b, cap, &off, "}}");
	return off;
}

/* ---- show sessions ---------------------------------------------------- */

static struct sess_count *
sc_find(struct sess_count *sc, uint64_t id, bool create)
{
	size_t h = (size_t)(id * 0x9e3779b97f4a7c15ULL) & (SESS_SLOTS - 1);
	size_t n;

	for (n = 0; n < SESS_SLOTS; n++, h = (h + 1) & (SESS_SLOTS - 1)) {
		if (sc[h].id == id)
			return &sc[h];
		if (sc[h].id == 0) {
			if (!create)
				return NULL;
			sc[h].id = id;
			return &sc[h];
		}
	}
	return NULL;
}

static void
on_dir(void *arg, const struct rib_dir_info *di)
{
	struct answer *a = arg;
	struct sess_count *c;
	int d;

	/* ids start at 1 (0 marks an empty slot) */
	if (di->session_id == 0 || (c = sc_find(a->sc, di->session_id,
	    true)) == NULL)
		return;
	d = c->used[0] ? 1 : 0;
	if (c->used[d])
		return;
	c->used[d] = true;
	c->d[d] = *di;
}

/* A speaker's counts: its messages (total of them all), announcements,
 * withdrawals and the routes the RIB holds of it (di). */
static void
put_speaker_counts(char *b, size_t cap, size_t *off,
    const struct summary_speaker_info *sp, uint64_t total,
    const struct rib_dir_info *di)
{
	const struct kv msgs[] = {
		{ "total", total },
		{ "open", sp->msgs[BGP_OPEN] },
		{ "update", sp->msgs[BGP_UPDATE] },
		{ "notification", sp->msgs[BGP_NOTIFICATION] },
		{ "keepalive", sp->msgs[BGP_KEEPALIVE] },
	};
	const struct kv announced[] = {
		{ "valid", sp->ann_valid },
		{ "invalid", sp->ann_invalid },
		{ "not_found", sp->ann_not_found },
		{ "unverified", sp->ann_unverified },
	};
	const struct kv routes[] = {
		{ "stored", di->routes },
		{ "valid", di->rpki[ROV_VALID] },
		{ "invalid", di->rpki[ROV_INVALID] },
		{ "not_found", di->rpki[ROV_NOT_FOUND] },
		{ "stale", di->stale },
	};

	jb_puts(b, cap, off, ",\"messages\":{");
	put_kvs(b, cap, off, msgs, NKV(msgs));
	jb_puts(b, cap, off, "},\"announced\":{");
	put_kvs(b, cap, off, announced, NKV(announced));
	jb_puts(b, cap, off, "},");
	put_kv(b, cap, off, "withdrawn", sp->withdrawn);
	jb_puts(b, cap, off, ",\"routes\":{");
	put_kvs(b, cap, off, routes, NKV(routes));
	jb_puts(b, cap, off, di->held ? ",\"held\":true}}" :
	    ",\"held\":false}}");
}

static void
speaker_json(struct answer *a, size_t cap, size_t *off,
    const struct summary_speaker_info *sp, const struct sess_count *c)
{
	/* a speaker the RIB holds no route of */
	static const struct rib_dir_info none;
	const struct rib_dir_info *di = &none;
	char *b = a->buf;
	uint64_t total = 0;
	unsigned t;
	int d;

	for (t = 0; t <= BGP_ROUTE_REFRESH; t++)
		total += sp->msgs[t];
	for (d = 0; c != NULL && d < 2; d++)
		if (c->used[d] && c->d[d].sport == sp->port &&
		    ipaddr_eq(&c->d[d].src, &sp->addr))
			di = &c->d[d];
	jb_puts(b, cap, off, "{\"addr\":");
	route_json_addr(b, cap, off, &sp->addr);
	jb_put(b, cap, off, ",", 1);
	put_kv(b, cap, off, "port", sp->port);
	jb_puts(b, cap, off, ",\"as\":");
	jb_putu_or_null(b, cap, off, sp->open_seen, sp->as);
	jb_puts(b, cap, off, ",\"role\":");
	if (strcmp(sp->role, "-") == 0)
		jb_puts(b, cap, off, "null");
	else
		put_str(b, cap, off, sp->role);
	jb_puts(b, cap, off, sp->open_seen ? ",\"open_seen\":true" :
	    ",\"open_seen\":false");
	jb_puts(b, cap, off, sp->inferred ? ",\"inferred\":true" :
	    ",\"inferred\":false");
	jb_puts(b, cap, off, ",\"capabilities\":");
	put_str(b, cap, off, sp->caps);
	put_speaker_counts(b, cap, off, sp, total, di);
}

static size_t
session_frame(struct answer *a, const struct summary_session_info *si)
{
	size_t cap = sizeof(a->buf) - 1, off = 0;
	const struct sess_count *c = sc_find(a->sc, si->id, false);
	char *b = a->buf;

	jb_puts(b, cap, &off, "{\"session\":{");
	put_kv(b, cap, &off, "id", si->id);
	jb_puts(b, cap, &off, ",\"state\":");
	put_str(b, cap, &off, si->state);
	jb_puts(b, cap, &off, si->midstream ? ",\"midstream\":true" :
	    ",\"midstream\":false");
	jb_puts(b, cap, &off, ",\"first_seen\":");
	put_time(b, cap, &off, si->first_seen);
	jb_puts(b, cap, &off, ",\"up_since\":");
	put_time(b, cap, &off, si->up_since);
	jb_puts(b, cap, &off, ",\"ended\":");
	if (si->why != NULL)
		put_str(b, cap, &off, si->why);
	else
		jb_puts(b, cap, &off, "null");
	jb_puts(b, cap, &off, ",\"notification\":");
	if (si->notified) {
		jb_put(b, cap, &off, "{", 1);
		put_kv(b, cap, &off, "code", si->code);
		jb_put(b, cap, &off, ",", 1);
		put_kv(b, cap, &off, "subcode", si->subcode);
		jb_puts(b, cap, &off, ",\"from\":");
		route_json_addr(b, cap, &off, &si->sp[si->notif_from ? 1 :
		    0].addr);
		jb_put(b, cap, &off, "}", 1);
	} else
		jb_puts(b, cap, &off, "null");
	jb_puts(b, cap, &off, ",\"speakers\":[");
	speaker_json(a, cap, &off, &si->sp[0], c);
	jb_put(b, cap, &off, ",", 1);
	speaker_json(a, cap, &off, &si->sp[1], c);
	jb_puts(b, cap, &off, "]}}");
	return off;
}

/* ---- stats ------------------------------------------------------------- */

static int
stats_blob(struct answer *a)
{
	FILE *fp;
	char *s = NULL;
	size_t n = 0;

	if ((fp = open_memstream(&s, &n)) == NULL)
		return -1;
	fputs("{\"stats\":", fp);
	rovmon_stats_json(a->rv, fp);
	if (fclose(fp) != 0) {
		free(s);
		return -1;
	}
	/* stats_write_json() ends the object with a newline */
	while (n > 0 && s[n - 1] == '\n')
		n--;
	a->blob = s;
	a->bloblen = n;
	return 0;
}

/* The blob's bytes as the ring takes them, then "}\n". */
static bool
blob_step(struct answer *a, struct control_out *out)
{
	size_t room, k;

	while (a->blobpos < a->bloblen) {
		if ((room = control_out_room(out)) == 0)
			return false;
		k = a->bloblen - a->blobpos;
		if (k > room)
			k = room;
		(void)control_out_put(out, a->blob + a->blobpos, k);
		a->blobpos += k;
	}
	if (!control_out_put(out, "}\n", 2))
		return false;
	a->count = 1;
	return true;
}

/* ---- the answerer ------------------------------------------------------ */

static int
ans_begin(void *arg, const struct control_req *req, void **state, char *err,
    size_t errlen)
{
	struct rovmon *rv = arg;
	struct rib *rib = rv->alerting != NULL ? alerting_rib_walk(rv->alerting) :
	    NULL;
	struct answer *a;

	if (req->verb == CONTROL_SHOW_ROUTES && rib == NULL) {
		snprintf(err, errlen, "show routes: this rovmon keeps no "
		    "routes (it runs without alerting)");
		return -1;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL)
		goto nomem;
	a->rv = rv;
	a->req = *req;
	switch (req->verb) {
	case CONTROL_SHOW_ROUTES:
		if ((a->q = rib_query_new(rib, &req->filter)) == NULL)
			goto nomem;
		break;
	case CONTROL_SHOW_SESSIONS:
		/* O(sessions): the RIB's tallies per direction, no walk */
		if ((a->sc = calloc(SESS_SLOTS, sizeof(*a->sc))) == NULL)
			goto nomem;
		if (rib != NULL)
			rib_dirs(rib, on_dir, a);
		break;
	case CONTROL_SHOW_SUMMARY:
		break;
	case CONTROL_STATS:
		if (stats_blob(a) == -1)
			goto nomem;
		break;
	case CONTROL_RELOAD:
		rovmon_loop_request_reload();	/* done between packets */
		break;
	}
	*state = a;
	return 0;
 nomem:
	if (a != NULL) {
		rib_query_free(a->q);
		free(a->sc);
		free(a);
	}
	snprintf(err, errlen, "%s: out of memory, or too many answers at "
	    "once", control_verb_name(req->verb));
	return -1;
}

/* Phase 0: the walk, if any.  MORE/PAUSED while it lasts, DONE after. */
static enum control_step
walk_step(struct answer *a, size_t budget)
{
	enum rib_query_status st;

	if (a->q == NULL)
		return CONTROL_STEP_DONE;
	st = rib_query_step(a->q, budget, on_route, a);
	if (st == RIB_QUERY_DONE)
		return CONTROL_STEP_DONE;
	if (st == RIB_QUERY_PAUSED && !a->capped)
		return CONTROL_STEP_PAUSED;
	return CONTROL_STEP_MORE;
}

static enum control_step
ans_step(void *arg, void *state, struct control_out *out, size_t budget)
{
	struct answer *a = state;
	struct summary_session_info si;
	enum control_step r;

	(void)arg;
	a->out = out;
	a->frames = 0;
	a->capped = false;
	if (a->phase == 0 && a->req.verb == CONTROL_RELOAD && !a->asked) {
		/* begin() raised the flag; between_packets() acts on it
		 * before its next control_work(): answer then */
		a->asked = true;
		return CONTROL_STEP_MORE;
	}
	if (a->phase == 0) {
		r = walk_step(a, budget);
		if (a->truncated)	/* limit reached, and there is more */
			r = CONTROL_STEP_DONE;
		if (r != CONTROL_STEP_DONE)
			return r;
		a->phase = 1;
	}
	if (a->phase == 1) {
		switch (a->req.verb) {
		case CONTROL_SHOW_SUMMARY:
			/* its "alerts" and write errors, which the output
			 * stage counts: caught up first */
			output_sync(a->rv->output);
			if (!emit(a, summary_frame(a)))
				return CONTROL_STEP_PAUSED;
			a->count = 1;
			break;
		case CONTROL_SHOW_SESSIONS:
			while (summary_session_at(a->rv->summary, a->next,
			    &si)) {
				if (a->frames >= FRAMES_PER_STEP)
					return CONTROL_STEP_MORE;
				if (!emit(a, session_frame(a, &si)))
					return CONTROL_STEP_PAUSED;
				a->next++;
				a->count++;
			}
			break;
		case CONTROL_STATS:
			if (!blob_step(a, out))
				return CONTROL_STEP_PAUSED;
			break;
		case CONTROL_RELOAD:
			/* between_packets() ran the reload before this step */
			if (!control_out_put(out, "{\"reload\":\"done\"}\n", 18))
				return CONTROL_STEP_PAUSED;
			a->count = 1;
			break;
		case CONTROL_SHOW_ROUTES:
			break;
		}
		a->phase = 2;
	}
	if (control_out_room(out) < 256)
		return CONTROL_STEP_PAUSED;
	put_end(a, out);
	return CONTROL_STEP_DONE;
}

static void
ans_end(void *arg, void *state)
{
	struct answer *a = state;

	(void)arg;
	rib_query_free(a->q);
	free(a->sc);
	free(a->blob);
	free(a);
}

void
control_answerer_init(struct control_answerer *ca, struct rovmon *rv)
{
	ca->begin = ans_begin;
	ca->step = ans_step;
	ca->end = ans_end;
	ca->arg = rv;
}
