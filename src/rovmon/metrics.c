/*
 * metrics.c - the packet thread's side of --metrics (metrics.h): once a
 * second, from the loop between packets or when the link is quiet, a
 * snapshot of the counters, the RIB's tallies, the senders and the
 * sinks, rendered to text and published to the HTTP thread.
 *
 * Cost a second: the refreshes the statistics line does too (pcap_stats,
 * the validator's and the sinks' counters), rib_counts() O(1),
 * rib_dirs() O(sessions), the fold O(senders log senders) and the
 * rendering O(series).  Nothing walks the routes (rib_count.c): the same
 * with 10 routes or a million (test_metrics measures it with 1M).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alerting.h"
#include "alert/sink.h"
#include "base/log.h"
#include "base/stats.h"
#include "capture/capture.h"
#include "capture/reasm.h"
#include "rovmon/metrics.h"
#include "rovmon/output.h"
#include "rovmon/rovmon_loop.h"
#include "rpki/rtr.h"
#include "rpki/validator.h"

struct rovmon_metrics {
	struct metrics_server *srv;
	time_t		 last;		/* monotonic second of the last one */
	int64_t		 start;		/* Unix time */
	size_t		 max_sess;	/* --metrics-sessions */
	struct metrics_session *sess;	/* nsess of cap: this second's */
	size_t		 nsess, cap;
	struct metrics_sink *sinks;	/* nsinks */
	size_t		 nsinks;
	struct metrics_snapshot ms;
	double		 cost;		/* seconds the last snapshot took */
};

static void
add_dir(void *arg, const struct rib_dir_info *di)
{
	struct rovmon_metrics *m = arg;
	struct metrics_session *s;

	if (m->nsess == m->cap)	/* sized before the walk: cannot happen */
		return;
	s = &m->sess[m->nsess++];
	memset(s, 0, sizeof(*s));
	s->peer = di->src;
	s->local = di->dst;
	s->peer_as = di->peer_as;
	s->routes = di->routes;
	s->rpki[0] = di->rpki[0];
	s->rpki[1] = di->rpki[1];
	s->rpki[2] = di->rpki[2];
}

/* The senders, folded to the bound. */
static void
snap_rib(struct rovmon_metrics *m, const struct rib *rib)
{
	struct metrics_snapshot *ms = &m->ms;
	struct metrics_session *ns;
	size_t want = 2 * rib_sessions(rib);

	rib_counts(rib, &ms->rib);
	ms->has_rib = true;
	ms->held_sessions = rib_held_sessions(rib);
	ms->held_routes = rib_held_routes(rib);
	ms->stale_routes = rib_stale_routes(rib);
	if (want > m->cap) {
		if ((ns = realloc(m->sess, want * sizeof(*ns))) != NULL) {
			m->sess = ns;
			m->cap = want;
		}
	}
	m->nsess = 0;
	/* out of memory: the senders that did not fit are in no series;
	 * rovmon_routes still counts their routes */
	rib_dirs(rib, add_dir, m);
	ms->nsess = metrics_fold_sessions(m->sess, m->nsess, m->max_sess,
	    &ms->other, &ms->nother);
	ms->sess = m->sess;
}

static void
snap_sinks(struct rovmon_metrics *m, struct sinks *ss)
{
	struct metrics_sink *k;
	size_t i, n = sinks_count(ss);

	if (n > m->nsinks) {
		if ((k = realloc(m->sinks, n * sizeof(*k))) == NULL)
			return;
		m->sinks = k;
		m->nsinks = n;
	}
	for (i = 0; i < n; i++) {
		k = &m->sinks[i];
		memset(k, 0, sizeof(*k));
		if (sinks_counters(ss, i, &k->c, NULL) == -1)
			break;
		k->type = sinks_type(ss, i);
		k->network = k->c.queue_cap > 0;
	}
	m->ms.sinks = m->sinks;
	m->ms.nsinks = i;
}

static void
snapshot(struct rovmon *rv)
{
	struct rovmon_metrics *m = rv->metrics;
	struct metrics_snapshot *ms = &m->ms;
	struct timespec t0, t1;
	char *text;
	size_t len;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* what a statistics line refreshes (rovmon_stats_write()) */
	if (rv->cap != NULL)
		capture_stats(rv->cap);
	if (rv->validator != NULL)
		validator_update_stats(rv->validator);
	/* the output stage's counts and sinks: it waits for at most a
	 * queue's worth of lines (OUTPUT_QUEUE_BYTES), once a second */
	output_sync(rv->output);
	if (rv->alerting != NULL)
		alerting_update_stats(rv->alerting);
	memset(ms, 0, sizeof(*ms));
	ms->st = stats;
	ms->now = (int64_t)time(NULL);
	ms->start = m->start;
	ms->snapshot_seconds = m->cost;	/* the previous one's */
	ms->rtr = rv->opt.vrps != NULL && rtr_is_url(rv->opt.vrps);
	ms->tcp_sessions = rv->reasm != NULL ? reasm_flow_count(rv->reasm) : 0;
	if (rv->alerting != NULL) {
		snap_rib(m, alerting_rib(rv->alerting));
		snap_sinks(m, alerting_sinks(rv->alerting));
	}
	if ((text = metrics_render(ms, &len)) == NULL) {
		log_warnx("metrics: out of memory; the last snapshot stays");
		return;
	}
	metrics_server_publish(m->srv, text, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	m->cost = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

int
rovmon_metrics_start(struct rovmon *rv)
{
	struct rovmon_metrics *m;
	struct timespec ts;

	if (rv->opt.metrics == NULL)
		return 0;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_warn("--metrics");
		return -1;
	}
	m->start = (int64_t)time(NULL);
	m->max_sess = rv->opt.metrics_sessions >= 0 ?
	    (size_t)rv->opt.metrics_sessions : METRICS_SESSIONS_DEFAULT;
	if ((m->srv = metrics_server_start(rv->opt.metrics)) == NULL) {
		free(m);
		return -1;
	}
	rv->metrics = m;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	m->last = ts.tv_sec;
	snapshot(rv);
	log_info("metrics: serving http://%s/metrics", rv->opt.metrics);
	return 0;
}

void
rovmon_metrics_tick(struct rovmon *rv)
{
	struct timespec ts;

	/* the coarse clock: a few ns, called between every two packets */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (ts.tv_sec == rv->metrics->last)
		return;
	rv->metrics->last = ts.tv_sec;
	snapshot(rv);
}

void
rovmon_metrics_stop(struct rovmon *rv)
{
	struct rovmon_metrics *m = rv->metrics;

	if (m == NULL)
		return;
	metrics_server_stop(m->srv);
	free(m->sess);
	free(m->sinks);
	free(m);
	rv->metrics = NULL;
}
