/*
 * rovmon_loop.c - rovmon's main loop (rovmon_loop.h): per packet,
 * decode and reassembly (which drives bgp_session and bgp_update through
 * the bgp_sink below); per route, validation, then the report, the route
 * log and alerting; between packets and on a quiet link, the signals'
 * work (SIGHUP reload, SIGUSR1 stats), --stats-interval, alerts drained
 * and a new VRP generation adopted.  rovmon.c sets the stages up and
 * tears them down.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "alert/alerting.h"
#include "feed/bmp_passive.h"
#include "rpki/rtr_audit.h"
#include "bgp/bgp_session.h"
#include "capture/capture.h"
#include "capture/decode.h"
#include "base/log.h"
#include "capture/reasm.h"
#include "feed/mrt_write.h"
#include "state/route_log.h"
#include "rovmon/metrics.h"
#include "rovmon/control.h"
#include "rovmon/output.h"
#include "rovmon/rovmon_loop.h"
#include "rovmon/bmp_station.h"
#include "rovmon/rovmon_state.h"
#include "rovmon/route_batch.h"
#include "base/stats.h"
#include "rovmon/summary.h"
#include "rpki/validator.h"
#include "rpki/vrp_redis.h"

/* The statistics' "rtr_audit" array: ~1.5 KiB a router. */
#define RTR_JSON_MAX	(1024 * 1024)

static struct capture *volatile running_cap;
static volatile sig_atomic_t got_hup, got_usr1;

/* SIGINT or SIGTERM: inputs without a capture (MRT) stop on it. */
static volatile sig_atomic_t got_stop;

static void
on_signal(int sig)
{
	if (sig == SIGHUP) {
		got_hup = 1;
		return;
	}
	if (sig == SIGUSR1) {
		got_usr1 = 1;
		return;
	}
	got_stop = 1;
	if (running_cap != NULL)
		capture_breakloop(running_cap);
}

bool
rovmon_loop_stop_requested(void)
{
	return got_stop != 0;
}

/*
 * --stats: one JSON object a line, appended, so that SIGUSR1 and
 * --stats-interval lines and the final one accumulate (Suricata's stats
 * events).  The file is opened at start, before -Z, and reopened on
 * SIGHUP for log rotation.
 */
int
rovmon_stats_open(struct rovmon *rv)
{
	FILE *fp;

	if (rv->opt.stats_file == NULL) {
		rv->stats_fp = stderr;
		return 0;
	}
	if (strcmp(rv->opt.stats_file, "-") == 0) {	/* as --routes - */
		rv->stats_fp = stdout;
		return 0;
	}
	if ((fp = fopen(rv->opt.stats_file, "a")) == NULL) {
		log_warn("%s: cannot write statistics", rv->opt.stats_file);
		return -1;
	}
	if (rv->stats_fp != NULL && rv->stats_fp != stderr &&
	    rv->stats_fp != stdout)
		fclose(rv->stats_fp);
	rv->stats_fp = fp;
	return 0;
}

/* The control thread's counts into the statistics (packet thread). */
static void
control_update_stats(const struct control *ctl)
{
	struct control_counts n;

	if (ctl == NULL)
		return;
	control_counts(ctl, &n);
	stats.control_clients = n.clients;
	stats.control_requests = n.requests;
	stats.control_bad_requests = n.bad;
	stats.control_refused = n.refused;
	stats.control_dropped = n.dropped;
}

void
rovmon_control_stop(struct rovmon *rv)
{
	control_update_stats(rv->control);
	control_close(rv->control);
	rv->control = NULL;
}

void
rovmon_loop_request_reload(void)
{
	got_hup = 1;
}

int
rovmon_stats_write(struct rovmon *rv)
{
	if (rv->stats_fp == NULL)
		return -1;
	rovmon_stats_json(rv, rv->stats_fp);
	if (fflush(rv->stats_fp) != 0 || ferror(rv->stats_fp)) {
		/* once: --stats-interval on a full disk is not a flood */
		if (rv->stats_lost++ == 0)
			log_warn("%s: cannot write statistics", rv->opt.stats_file ?
			    rv->opt.stats_file : "stderr");
		clearerr(rv->stats_fp);
		return -1;
	}
	return 0;
}

void
rovmon_stats_json(struct rovmon *rv, FILE *fp)
{
	struct stats_live live;
	struct stats_redis sr;
	char *rtr_json = NULL;
	char station_json[256];
	struct vrp_redis_status st;

	control_update_stats(rv->control);
	if (rv->cap != NULL)
		capture_stats(rv->cap);	/* live: the pcap_* counters now */
	if (rv->alerting != NULL)
		alerting_drain(rv->alerting);	/* so alert_lines adds up */
	output_sync(rv->output);	/* and route_events, alerts, ... */
	if (rv->alerting != NULL)
		alerting_update_stats(rv->alerting);
	if (rv->validator != NULL)
		validator_update_stats(rv->validator);	/* vrp_load_failed */
	memset(&live, 0, sizeof(live));
	live.now = (int64_t)time(NULL);
	if (rv->validator != NULL &&
	    validator_redis_status(rv->validator, &st)) {
		memset(&sr, 0, sizeof(sr));
		sr.connected = st.connected;
		snprintf(sr.last_error, sizeof(sr.last_error), "%s",
		    st.last_error);
		sr.generation = validator_generation(rv->validator);
		sr.last_contact = st.last_check;
		sr.retries = st.retries;
		if (st.sentinel) {
			sr.master = st.master;	/* lives until written */
			sr.master_changes = st.master_changes;
		}
		live.redis = &sr;
	}
	if (rv->rtr_audit != NULL) {
		rtr_json = malloc(RTR_JSON_MAX);
		if (rtr_json != NULL) {
			rtr_audit_json(rv->rtr_audit, live.now, rtr_json,
			    RTR_JSON_MAX);
			live.rtr_audit = rtr_json;
		}
	}
	if (rv->station != NULL) {
		bmp_station_json(rv->station, station_json,
		    sizeof(station_json));
		live.bmp_station = station_json;
	}
	stats_write_json(fp, &live);
	free(rtr_json);
}

/* --stats-interval, on capture time (-r) or wall time (-i). */
static void
stats_tick(struct rovmon *rv, const struct timeval *now)
{
	if (rv->opt.stats_interval <= 0)
		return;
	if (rv->next_stats == 0) {
		rv->next_stats = now->tv_sec + rv->opt.stats_interval;
		return;
	}
	if (now->tv_sec < rv->next_stats)
		return;
	rovmon_stats_write(rv);
	rv->next_stats += rv->opt.stats_interval;
	/* A long silence (or a jump in a file's time): one line, not many. */
	if (rv->next_stats <= now->tv_sec)
		rv->next_stats = now->tv_sec + rv->opt.stats_interval;
}

/*
 * Work that happens between packets (and on a quiet link, from the idle
 * hook): SIGHUP, and adopting a new VRP set, which re-validates every
 * stored route.
 */
static void routes_flush(struct rovmon *);

static void
between_packets(struct rovmon *rv, const struct timeval *now)
{
	/* what the idle hook's reasm_tick() delivered is judged first, as
	 * it was before anything below */
	routes_flush(rv);
	/* held sessions run out here (alerting_tick()): ask the RIB again */
	rv->sender_memo.valid = false;
	if (got_hup) {
		got_hup = 0;
		log_info("SIGHUP: reloading rules%s, reopening outputs",
		    rv->opt.vrps != NULL ? " and VRPs" : "");
		/* what was queued before goes to the old files */
		output_sync(rv->output);
		if (rv->alerting != NULL)
			alerting_reload(rv->alerting);
		if (rv->validator != NULL && rv->opt.vrps != NULL)
			validator_reload(rv->validator, rv->opt.vrps);
		if (rv->opt.stats_file != NULL)
			rovmon_stats_open(rv);	/* on failure the old file stays */
		route_log_reopen(rv->routes);	/* likewise */
		mrt_writer_reopen(rv->mrt);	/* likewise */
	}
	if (got_usr1) {
		got_usr1 = 0;
		rovmon_stats_write(rv);
	}
	stats_tick(rv, now);
	/* held sessions and stale routes run out on this clock too */
	if (rv->alerting != NULL)
		alerting_tick(rv->alerting, now);
	/* A link that never goes quiet still sees its alerts within ~1 s. */
	if (now->tv_sec != rv->drained && rv->alerting != NULL) {
		alerting_drain(rv->alerting);
		rv->drained = now->tv_sec;
	}
	if (rv->validator != NULL && validator_poll(rv->validator)) {
		if (rv->alerting != NULL)
			alerting_revalidate(rv->alerting,
			    validator_index(rv->validator),
			    validator_aspa_index(rv->validator),
			    validator_generation(rv->validator), now);
		/* the routers' sets against the new reference */
		if (rv->rtr_audit != NULL)
			rtr_audit_reference(rv->rtr_audit,
			    validator_index(rv->validator),
			    validator_aspa_index(rv->validator), now);
	}
	if (rv->rtr_audit != NULL)
		rtr_audit_tick(rv->rtr_audit, now);
	if (rv->metrics != NULL)
		rovmon_metrics_tick(rv);	/* once a second */
	rovmon_state_tick(rv, now);
	/* last: a reload asked on the socket has run when it is answered */
	control_work(rv->control, CONTROL_SLICE_ROUTES);
}

void
rovmon_loop_idle(struct rovmon *rv)
{
	struct timeval now;

	/* A quiet link: make what was logged visible to tail -f, Filebeat. */
	route_log_flush(rv->routes);
	mrt_writer_flush(rv->mrt);
	if (rv->alerting != NULL)
		alerting_drain(rv->alerting);
	gettimeofday(&now, NULL);
	/* Holes and timeouts expire on a quiet link too (live only). */
	if (rv->reasm != NULL && rv->opt.read_file == NULL)
		reasm_tick(rv->reasm, &now);
	between_packets(rv, &now);
}

static void
on_idle(void *arg)
{
	rovmon_loop_idle(arg);
}

static void
on_packet(void *arg, const struct packet *pkt)
{
	struct rovmon *rv = arg;
	struct tcp_segment seg;

	/* A new VRP generation is adopted between packets, never inside. */
	rovmon_loop_record(rv, pkt);
	summary_progress(rv->summary, rv->cap);
	if (decode_packet(pkt, &seg) != DECODE_OK)
		return;
	reasm_segment(rv->reasm, &seg);
	/* A batch never outlives its packet: the work between packets (a
	 * new VRP generation, SIGHUP, --stats lines, the control socket,
	 * checkpoints) sees every route of this one done, as before. */
	routes_flush(rv);
}

static bool
memo_same(const struct aspa_memo *m, const struct bgp_aspath *p)
{
	/* an empty path may have NULL arrays: compare only what there is */
	return m->nseg == p->nseg && m->nasn == p->nasn &&
	    (p->nseg == 0 ||
	    memcmp(m->seg, p->seg, p->nseg * sizeof(*p->seg)) == 0) &&
	    (p->nasn == 0 ||
	    memcmp(m->asns, p->asns, p->nasn * sizeof(*p->asns)) == 0);
}

/*
 * validator_aspa(), or the last verdict when path, sender AS and role
 * and the ASPA set are the same (struct aspa_memo), counted alike.
 */
static bool
judge_aspa(struct rovmon *rv, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, struct aspa_result *res)
{
	struct aspa_memo *m = &rv->aspa_memo;
	const struct bgp_aspath *p = &at->aspath;
	uint64_t gen = validator_generation(rv->validator);

	if (m->valid && m->gen == gen && m->neighbor == ctx->peer_as &&
	    m->role == ctx->sender_role && memo_same(m, p)) {
		if (!m->has)
			return false;
		*res = m->res;
		validator_aspa_count(res);
		return true;
	}
	m->has = validator_aspa(rv->validator, p, ctx->peer_as,
	    ctx->sender_role, &m->res);
	m->valid = p->nseg <= ASPA_MEMO_SEG && p->nasn <= ASPA_MEMO_ASN;
	if (m->valid) {
		m->gen = gen;
		m->neighbor = ctx->peer_as;
		m->role = ctx->sender_role;
		m->nseg = p->nseg;
		m->nasn = p->nasn;
		if (p->nseg > 0)
			memcpy(m->seg, p->seg, p->nseg * sizeof(*p->seg));
		if (p->nasn > 0)
			memcpy(m->asns, p->asns, p->nasn * sizeof(*p->asns));
	}
	if (m->has)
		*res = m->res;
	return m->has;
}

/* The same session direction as the memo's: the rest of ctx that
 * alerting_sender() reads (local AS, role and its source) is fixed per
 * direction between session events (bgp_session.c refreshes it only at
 * the session's creation and at an OPEN), and those forget the memo. */
static bool
sender_memo_hit(const struct sender_memo *m, const struct bgp_msg_ctx *ctx)
{
	return m->valid && m->session_id == ctx->session_id &&
	    m->src_port == ctx->src_port &&
	    ipaddr_eq(&m->src_addr, &ctx->src_addr);
}

/*
 * ctx of a sender read mid-stream, or known: ctx with what the RIB stored
 * of its sender (alerting_sender()), asked once a packet and session
 * direction (struct sender_memo).
 */
static const struct bgp_msg_ctx *
sender_known(struct rovmon *rv, const struct bgp_msg_ctx *ctx,
    struct bgp_msg_ctx *known)
{
	struct sender_memo *m = &rv->sender_memo;

	if (sender_memo_hit(m, ctx)) {
		if (!m->changed)
			return ctx;
		*known = *ctx;
		known->peer_as = m->to_peer_as;
		known->local_as = m->to_local_as;
		known->sender_role = m->to_role;
		known->role_source = m->to_role_source;
		return known;
	}
	*known = *ctx;
	m->changed = alerting_sender(rv->alerting, known);
	m->session_id = ctx->session_id;
	m->src_addr = ctx->src_addr;
	m->src_port = ctx->src_port;
	m->to_peer_as = known->peer_as;
	m->to_local_as = known->local_as;
	m->to_role = known->sender_role;
	m->to_role_source = known->role_source;
	m->valid = true;
	return m->changed ? known : ctx;
}

/*
 * One route's work once its ROV verdict is known (res NULL: not judged,
 * a withdrawal or no VRPs yet): the RFC 9234 OTC check at the receiver,
 * ASPA with the sender's AS as the neighbour's, then the report, the
 * route log and alerting.  A sender whose AS is not known gets no ASPA
 * verdict: the neighbour check would fail for want of it, not for the
 * path.
 */
static void
route_work(struct rovmon *rv, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct rov_result *res)
{
	struct route_verdict v;
	struct bgp_msg_ctx known;

	/* a session resumed after a restart (--state-dir), read mid-stream:
	 * its sender as its OPENs said before the restart */
	if (ctx->peer_as == 0 && rv->state != NULL && rv->alerting != NULL)
		ctx = sender_known(rv, ctx, &known);
	route_verdict_init(&v, ctx, r->event == BGP_ROUTE_ANNOUNCE ? at : NULL);
	if (res != NULL && at != NULL) {	/* judged: an announcement */
		v.rpki = res;
		v.generation = validator_generation(rv->validator);
		if (ctx->peer_as != 0)
			v.has_aspa = judge_aspa(rv, ctx, at, &v.aspa);
	}
	summary_route(rv->summary, ctx, at, r, v.rpki);
	/* through the output stage with --threads 2 (output_start()) */
	if (rv->routes != NULL)
		route_log_write(rv->routes, ctx, at, r, &v);
	if (rv->alerting != NULL) {
		alerting_route(rv->alerting, ctx, at, r, &v);
		if (rv->unbuffered)
			alerting_drain(rv->alerting);
	}
}

/* A route judged and done at once (no batch, or an UPDATE too large for
 * one). */
static void
route_one(struct rovmon *rv, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r)
{
	struct rov_result res;
	bool judged = r->event == BGP_ROUTE_ANNOUNCE && at != NULL &&
	    rv->validator != NULL && validator_check(rv->validator, at, r, &res);

	route_work(rv, ctx, at, r, judged ? &res : NULL);
}

/*
 * The routes kept so far: their ROV lookups together (the misses of
 * ~2-4 dependent loads a route overlap, rov_check_batch()), then each
 * route's work in the order the decoder gave them.  Nothing between the
 * lookups and the work can change the VRP generation: it changes only
 * between packets, and a batch is flushed before that.
 */
static void
routes_flush(struct rovmon *rv)
{
	struct route_batch *b = rv->batch;
	struct route_batch_entry *e;
	bool judged;
	size_t i;

	if (b == NULL || b->n == 0)
		return;
	/* the RIB's first lines for each announcement, asked now, come
	 * while the ROV lookups run; the stored paths they name, asked
	 * after them, while the first routes' work runs */
	if (rv->alerting != NULL)
		for (i = 0; i < b->nrov; i++)
			b->rib_hint[i] = alerting_prefetch(rv->alerting,
			    b->rov_at[i], b->rov_pfx[i]);
	judged = rv->validator != NULL && b->nrov > 0 &&
	    validator_check_batch(rv->validator, b->rov_at, b->rov_pfx,
	    b->nrov, b->rov_res);
	if (rv->alerting != NULL)
		for (i = 0; i < b->nrov; i++)
			alerting_prefetch_tuple(rv->alerting, b->rib_hint[i]);
	for (i = 0; i < b->n; i++) {
		e = &b->ent[i];
		route_work(rv, &e->ctx, e->has_at ? &e->at : NULL, &e->r,
		    judged && e->rov >= 0 ? &b->rov_res[e->rov] : NULL);
	}
	route_batch_clear(b);
}

/*
 * bgp_sink.route: keep the route for the batch (routes_flush()).  The
 * batch is run when it is full, before every session event (on_session:
 * an End-of-RIB, a NOTIFICATION or a close changes what the RIB makes
 * of the routes after it), at the end of every packet (on_packet) and
 * before the work between packets (between_packets()), so every route
 * is done where it was before, relative to everything that can see it.
 * Only log lines (stderr) of later UPDATEs of the same packet, a
 * malformed one's, can come before an earlier route's alert now.  RTR
 * flows (--rtr-audit) that the same reassembly call feeds write no
 * route or alert.
 */
static void
on_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *at,
    const struct bgp_route *r)
{
	struct rovmon *rv = arg;
	struct route_batch *b = rv->batch;

	if (b == NULL) {
		route_one(rv, ctx, at, r);
		return;
	}
	if (!route_batch_add(b, ctx, at, r)) {
		routes_flush(rv);
		if (!route_batch_add(b, ctx, at, r)) {
			route_one(rv, ctx, at, r);
			return;
		}
	}
	if (b->n == ROUTE_BATCH_MAX)
		routes_flush(rv);
}

/*
 * bgp_sink.session: a session that went down is held (or, with
 * --stale-time 0, resolves its alerts); an OPEN may adopt a held
 * session; an End-of-RIB sweeps stale routes (alerting_session()).  A
 * NOTIFICATION ends the BGP session at once (RFC 4271 6), before TCP
 * closes; the TCP close that follows then finds it held already.
 */
static void
on_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct rovmon *rv = arg;

	if (rv->mrt != NULL)	/* --write-mrt: a close is a state change */
		mrt_writer_session(rv->mrt, ctx, si);
	routes_flush(rv);	/* the routes before the event first */
	rv->sender_memo.valid = false;	/* the RIB's sessions may change */
	summary_session(rv->summary, ctx, si);
	/* a connection seen before rovmon's restart whose first message
	 * since is its end (NOTIFICATION, FIN, the end of a file) ends or
	 * keeps the restored session, as it would have without the restart */
	if (rv->alerting != NULL && si->event != BGP_SESS_OPEN)
		alerting_resume(rv->alerting, ctx);
	if (rv->alerting != NULL && si->event != BGP_SESS_CAPTURE_END) {
		alerting_session(rv->alerting, ctx, si);
		if (rv->unbuffered)
			alerting_drain(rv->alerting);
	}
}

/* bgp_sink.message (--write-mrt only): the message as an MRT record. */
static void
on_message(void *arg, const struct bgp_msg_ctx *ctx, unsigned enc)
{
	struct rovmon *rv = arg;

	/* a BMP view's messages are not the wire's: a BGP4MP record has no
	 * view, and the view shares the wire session's key (its addresses
	 * and ASes), so the archive would merge them on reading */
	if (ctx->view != BGP_VIEW_WIRE)
		return;
	mrt_writer_message(rv->mrt, ctx, enc);
}

void
rovmon_loop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * HUP and USR1 only raise a flag: restart the read they interrupt,
	 * or a logrotate SIGHUP would end `tcpdump -w - | rovmon -r -`
	 * with EINTR.  INT and TERM interrupt on purpose.
	 */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	/* hiredis may write to a socket Redis has closed: an error, not death. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

void
rovmon_loop_sink(struct rovmon *rv)
{
	rv->sink.route = on_route;
	rv->sink.session = on_session;
	rv->sink.arg = rv;
	/* --write-mrt: every message archived as it comes; without it the
	 * sessions see no tap at all */
	if (rv->mrt != NULL)
		rv->sink.message = on_message;
}

void
rovmon_loop_begin(struct rovmon *rv)
{
	/* without VRPs there is no lookup to batch: the copies would only
	 * cost (decode only, --routes alone) */
	if (rv->validator != NULL && (rv->batch = route_batch_new()) == NULL)
		fatal("route_batch_new");
}

void
rovmon_loop_record(struct rovmon *rv, const struct packet *pkt)
{
	rv->last = *pkt;
	rv->last.data = NULL;
	rv->last.caplen = 0;
	between_packets(rv, &pkt->ts);
}

/*
 * The work between packets runs on the file's clock: everything in it
 * that depends on time compares seconds (--stats-interval, held sessions
 * running out, the alert drain, checkpoints), so running it when the
 * second changes does what running it before every record would.  What
 * does not depend on the file's time (signals, a VRP swap, the control
 * socket) waits at most FILE_RECORD_SLICE records.  The routes of the
 * records in between share the batch, which is flushed when full, by
 * every session event and by that work, so they are judged in the same
 * order: with one or two prefixes to a record (an MRT full table), a
 * batch per record had its ROV lookups one at a time (mrtcheck18:
 * decode + validate 1.21 -> 0.61 s).
 */
#define FILE_RECORD_SLICE	256

void
rovmon_loop_file_record(struct rovmon *rv, const struct packet *pkt)
{
	if (rv->file_left > 0 && pkt->ts.tv_sec == rv->file_sec) {
		rv->file_left--;
		/* what the end of the input reads of the last record (the
		 * rest was set by rovmon_loop_record()) */
		rv->last.num = pkt->num;
		/* field by field: the reader stored them so, and one 16-octet
		 * load of both stalls on forwarding from two 8-octet stores */
		rv->last.ts.tv_sec = pkt->ts.tv_sec;
		rv->last.ts.tv_usec = pkt->ts.tv_usec;
		return;
	}
	rv->file_left = FILE_RECORD_SLICE - 1;
	rv->file_sec = pkt->ts.tv_sec;
	rovmon_loop_record(rv, pkt);
}

void
rovmon_loop_record_done(struct rovmon *rv)
{
	routes_flush(rv);
}

void
rovmon_loop_end(struct rovmon *rv)
{
	routes_flush(rv);	/* every close flushed; nothing should be left */
	route_batch_free(rv->batch);
	rv->batch = NULL;
	/*
	 * The end of a file is the end of time: a session still held never
	 * came back within it (docs/alerts.md, "Session flaps").  A live
	 * sensor that stops keeps them held: the sessions may well come
	 * back while it restarts (--state-dir saves them).
	 */
	if (rv->alerting != NULL && rv->opt.read_file != NULL)
		alerting_finish(rv->alerting, rv->last.num != 0 ?
		    &rv->last.ts : NULL);
}

int
rovmon_loop_run(struct rovmon *rv)
{
	struct reasm_config rc;
	int rc_loop;

	reasm_config_default(&rc);
	rovmon_loop_begin(rv);
	if (rv->dispatch.nalt != 0) {
		/* RTR flows to the audit, BMP flows to their streams, every
		 * other one to BGP as before (rovmon.c filled the ports) */
		rv->dispatch.dflt = &bgp_session_reasm_ops;
		rv->dispatch.dflt_arg = &rv->sink;
		rv->reasm = reasm_new(&rc, &reasm_dispatch_ops, &rv->dispatch);
	} else
		rv->reasm = reasm_new(&rc, &bgp_session_reasm_ops, &rv->sink);
	if (rv->rtr_audit != NULL) {
		if (rv->validator != NULL) {
			struct timeval now;

			gettimeofday(&now, NULL);
			rtr_audit_reference(rv->rtr_audit,
			    validator_index(rv->validator),
			    validator_aspa_index(rv->validator), &now);
		}
	}
	if (rv->reasm == NULL)
		fatal("reasm_new");
	running_cap = rv->cap;
	capture_set_idle(rv->cap, on_idle, rv);
	if (rv->control != NULL)
		capture_set_wakeup(rv->cap, control_wakeup_fd(rv->control));
	rc_loop = capture_loop(rv->cap, rv->opt.count, on_packet, rv);
	running_cap = NULL;
	summary_progress_done(rv->summary);
	capture_stats(rv->cap);
	reasm_finish(rv->reasm, rv->last.num != 0 ? &rv->last : NULL);
	reasm_free(rv->reasm);
	/* every BMP stream closed with its flow: their sessions ended */
	bmp_passive_free(rv->bmp, rv->last.num != 0 ? &rv->last : NULL);
	rv->bmp = NULL;
	rovmon_loop_end(rv);
	return rc_loop;
}
