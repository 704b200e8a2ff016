/*
 * sink_net.c - the machinery of the network sinks (a JSON webhook, mail,
 * Elasticsearch _bulk): the bounded queue, the worker thread, retries
 * and outages, open and close.  The transfers themselves are in
 * sink_http.c (webhook, Elasticsearch) and sink_smtp.c (mail); what the
 * three files share is in sink_net_internal.h.
 *
 * Each sink is a bounded queue and one worker thread that owns its CURL
 * handle; every transfer has a 5 s connect and a 10 s total timeout.
 * The packet path (emit) copies the encoded alert into the queue.  When
 * the queue is full:
 *   - block=1 (reading a file): emit waits until the worker makes room.
 *     Nothing is dropped; a slow endpoint slows the reading down.
 *   - block=0 (live): the alert is dropped and counted (queue_drops):
 *     a packet thread that waited would make the kernel drop packets.
 * The per-minute rate limit (rate=) drops and counts (rate_drops) in both
 * modes: it is flood control the user asked for, not a loss.
 *
 * A failed delivery (no connection, timeout, HTTP 408/429/5xx, SMTP 4xx)
 * is retried with backoff (NET_BACKOFF_MS doubling up to
 * NET_BACKOFF_MAX_MS) for at most retry= seconds, plus the transfer in
 * progress.  A refusal (other HTTP 4xx, SMTP 5xx, documents that
 * Elasticsearch refuses) is not retried.  Retries may deliver an alert
 * twice (the endpoint took it but the answer was lost): at least once.
 * When the retries run out the sink is down: its alerts are dropped
 * without a try, except one delivery every NET_PROBE_SECS that probes the
 * endpoint; the first probe that succeeds ends the outage.  So a dead
 * endpoint costs one retry period, not one per alert.  Every alert that
 * fails for good is counted (send_errors), and the reason is kept for
 * the end-of-run line (sinks_lost()).  Live (block=0), going down,
 * refusals and recovery are logged as they happen; reading a file, the
 * end-of-run line is the one report.
 *
 * On close (stop), the worker drains the queue: with block=1 all of it;
 * with block=0 for at most NET_DRAIN_SECS (a retry wait is cut short
 * then), so closing takes at most one transfer timeout plus
 * NET_DRAIN_SECS.  A sink that is down at close drops the rest (counted
 * in queue_drops).
 *
 * Counters: per sink (s->c), under the queue lock, written by emit and the
 * worker.  Nothing here writes the process totals in stats.h: the packet
 * thread adds these counters to them (sinks_update_stats()), so that the
 * statistics have one writer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "alert/sink_net_internal.h"
#include "base/thread.h"

#define NET_QUEUE_DEFAULT	1024
#define NET_DRAIN_SECS		10	/* at close, block=0 */
#define NET_RETRY_DEFAULT	30	/* seconds of retries */
#define NET_BACKOFF_MS		500	/* first wait before a retry */
#define NET_BACKOFF_MAX_MS	8000
#define NET_PROBE_SECS		5	/* while down: one try this often */
#define ES_BATCH_DEFAULT	500
#define ES_FLUSH_MS		1000

static void	*net_worker(void *);

/* ---- queue -------------------------------------------------------- */

static struct sink_net_item *
item_new(const struct sink_alert *sa, bool want_subject)
{
	struct sink_net_item *it;
	char text[ALERT_TEXT_MAX], subject[SINK_SMTP_SUBJECT_MAX];
	size_t tl, sl = 0;

	tl = (size_t)alert_format_text(sa->a, text, sizeof(text));
	if (want_subject)
		sl = sink_smtp_subject(sa->a, subject, sizeof(subject)) + 1;
	if ((it = malloc(sizeof(*it) + sa->json_len + 1 + tl + 1 + sl)) ==
	    NULL)
		return NULL;
	it->json = (char *)(it + 1);
	memcpy(it->json, sa->json, sa->json_len);
	it->json[sa->json_len] = '\0';
	it->json_len = sa->json_len;
	it->text = it->json + sa->json_len + 1;
	memcpy(it->text, text, tl);
	it->text[tl] = '\0';
	it->subject = NULL;
	if (want_subject) {
		it->subject = it->text + tl + 1;
		memcpy(it->subject, subject, sl);
	}
	return it;
}

/* Packet path: rate limit, copy, then enqueue; when the queue is full,
 * wait for room (block=1) or drop (block=0). */
static void
net_emit(struct sink *s, const struct sink_alert *sa)
{
	struct sink_net *n = s->priv;
	struct sink_net_item *it = NULL;
	time_t now = time(NULL);
	bool rate_drop = false;

	if (n->rate != 0) {
		if (now / 60 != n->win) {
			n->win = now / 60;
			n->win_count = 0;
		}
		if (n->win_count >= n->rate)
			rate_drop = true;
		else
			n->win_count++;
	}
	if (!rate_drop)
		it = item_new(sa, n->kind == SINK_NET_SMTP);
	pthread_mutex_lock(&n->mu);
	s->c.emitted++;
	/* The worker always makes room: it delivers, or gives up.  A sink
	 * that is down loses its alerts anyway: waiting for its probes
	 * would only slow the capture down. */
	while (n->block && !n->is_down && it != NULL && n->qlen == n->qcap)
		pthread_cond_wait(&n->room, &n->mu);
	if (rate_drop) {
		s->c.rate_drops++;
	} else if (it == NULL || n->qlen == n->qcap) {
		s->c.queue_drops++;
		/* the endpoint's trouble is why the queue is full */
		snprintf(s->why, sizeof(s->why), "%s", it == NULL ?
		    "out of memory" : n->trouble ? n->err : "queue full");
		free(it);
	} else {
		n->q[(n->qhead + n->qlen) % n->qcap] = it;
		n->qlen++;
		s->c.queued++;
		pthread_cond_signal(&n->cv);
	}
	pthread_mutex_unlock(&n->mu);
}

void
sink_net_filtered(struct sink *s)
{
	struct sink_net *n = s->priv;

	pthread_mutex_lock(&n->mu);
	s->c.emitted++;
	s->c.filtered++;
	pthread_mutex_unlock(&n->mu);
}

static void
net_flush(struct sink *s)
{
	struct sink_net *n = s->priv;

	pthread_mutex_lock(&n->mu);
	n->flush_now = true;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

void
sink_net_counters(struct sink *s, struct sink_counters *c)
{
	struct sink_net *n = s->priv;

	pthread_mutex_lock(&n->mu);
	*c = s->c;
	c->queue_len = n->qlen;
	c->queue_cap = n->qcap;
	pthread_mutex_unlock(&n->mu);
}

/* ---- worker ------------------------------------------------------- */

static void
deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Closing a live sink, and its drain time is up: stop trying.  Called
 * with mu held. */
static bool
give_up_now(const struct sink_net *n)
{
	return n->stop && !n->block && time(NULL) >= n->drain_until;
}

/* Wait ms before a retry; false if the sink is closing and out of time.
 * err: why the last try failed, for the alerts emit drops meanwhile. */
static bool
backoff_wait(struct sink_net *n, long ms, const char *err)
{
	struct timespec dl;
	bool ok;

	deadline_in(&dl, ms);
	pthread_mutex_lock(&n->mu);
	n->trouble = true;
	snprintf(n->err, sizeof(n->err), "%s", err);
	while (!give_up_now(n) &&
	    pthread_cond_timedwait(&n->cv, &n->mu, &dl) != ETIMEDOUT)
		;
	ok = !give_up_now(n);
	pthread_mutex_unlock(&n->mu);
	return ok;
}

/* One try of one delivery: an alert, or a batch for Elasticsearch.
 * *failed: lost for good; *again: worth another try, first in items[]. */
static enum sink_send_rc
send_once(struct sink_net *n, struct sink_net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	enum sink_send_rc rc;

	if (n->kind == SINK_NET_ES)
		return sink_http_es(n, items, cnt, failed, again, err, errlen);
	rc = n->kind == SINK_NET_SMTP ? sink_smtp_send(n, items[0], err, errlen) :
	    sink_http_webhook(n, items[0], err, errlen);
	*failed = rc == SINK_SEND_REFUSED ? 1 : 0;
	*again = rc == SINK_SEND_RETRY ? 1 : 0;
	return rc;
}

/*
 * Try a delivery until it works, is refused, or the retry time is used
 * up (then the sink is down).  While down, only a probe every
 * NET_PROBE_SECS is tried, once.  Returns how many of cnt were lost.
 */
static unsigned
send_retrying(struct sink_net *n, struct sink_net_item **items, unsigned cnt,
    uint64_t *reqs, char *err, size_t errlen)
{
	struct timespec t0;
	unsigned failed, again, lost = 0, tries = 0;
	long backoff = NET_BACKOFF_MS;

	if (n->down && ms_since(&n->next_probe) < 0)
		return cnt;	/* err keeps the outage's reason */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		tries++;
		(*reqs)++;
		(void)send_once(n, items, cnt, &failed, &again, err, errlen);
		lost += failed;
		if (again == 0)
			break;
		cnt = again;	/* only those, moved to the front */
		if (n->down || ms_since(&t0) + backoff >
		    (long)n->retry * 1000 || !backoff_wait(n, backoff, err)) {
			if (!n->down && !n->block)
				log_warnx("alert sink \"%s\": delivery failed "
				    "(%s), %u tries in %ld s; alerts are lost "
				    "until it answers again", n->s->spec, err,
				    tries, (ms_since(&t0) + 500) / 1000);
			n->down = true;
			clock_gettime(CLOCK_MONOTONIC, &n->next_probe);
			n->next_probe.tv_sec += NET_PROBE_SECS;
			return lost + cnt;
		}
		backoff = backoff * 2 > NET_BACKOFF_MAX_MS ?
		    NET_BACKOFF_MAX_MS : backoff * 2;
	}
	if (n->down) {
		/* any answer means the endpoint is back */
		if (!n->block)
			log_warnx("alert sink \"%s\": delivering again",
			    n->s->spec);
		n->down = false;
		n->failing = false;
	}
	if (lost > 0 && !n->failing && !n->block)
		log_warnx("alert sink \"%s\": delivery refused (%s); such "
		    "alerts are lost", n->s->spec, err);
	return lost;
}

/* Deliver a batch and count the outcome; called without the lock. */
static void
deliver(struct sink_net *n, struct sink_net_item **items, unsigned cnt)
{
	char err[SINK_WHY_MAX] = "";
	unsigned i, failed = 0;
	uint64_t reqs = 0;

	if (n->kind == SINK_NET_ES)
		failed = send_retrying(n, items, cnt, &reqs, err, sizeof(err));
	else
		for (i = 0; i < cnt; i++)
			failed += send_retrying(n, items + i, 1, &reqs, err,
			    sizeof(err));
	for (i = 0; i < cnt; i++)
		free(items[i]);
	if (failed == 0 && n->failing && !n->block)
		log_warnx("alert sink \"%s\": delivering again", n->s->spec);
	n->failing = failed > 0;
	pthread_mutex_lock(&n->mu);
	n->trouble = n->down;
	if (n->is_down != n->down) {
		n->is_down = n->down;
		pthread_cond_broadcast(&n->room);
	}
	if (err[0] != '\0')
		snprintf(n->err, sizeof(n->err), "%s", err);
	if (failed > 0)
		snprintf(n->s->why, sizeof(n->s->why), "%s", n->err);
	n->s->c.requests += reqs;
	n->s->c.sent += cnt - failed;
	n->s->c.send_errors += failed;
	pthread_mutex_unlock(&n->mu);
}

/* Closing: drop what is queued (counted, with the reason).  mu held. */
static void
drop_queue(struct sink_net *n)
{
	if (n->qlen == 0)
		return;
	n->s->c.queue_drops += n->qlen;
	if (n->down)
		snprintf(n->s->why, sizeof(n->s->why), "%s", n->err);
	else
		snprintf(n->s->why, sizeof(n->s->why), "not delivered "
		    "within %d s of the end", NET_DRAIN_SECS);
	while (n->qlen > 0) {
		free(n->q[n->qhead]);
		n->qhead = (n->qhead + 1) % n->qcap;
		n->qlen--;
	}
	pthread_cond_broadcast(&n->room);
}

static void *
net_worker(void *arg)
{
	struct sink_net *n = arg;
	struct timespec dl;
	unsigned cnt, max = n->kind == SINK_NET_ES ? n->batch : 1;

	pthread_mutex_lock(&n->mu);
	for (;;) {
		while (n->qlen == 0 && !n->stop)
			pthread_cond_wait(&n->cv, &n->mu);
		if (n->qlen == 0)
			break;
		/* batch: wait up to a second for more, unless the queue is
		 * full (emit may be waiting for room) */
		if (n->kind == SINK_NET_ES && n->qlen < max && n->qlen < n->qcap &&
		    !n->stop && !n->flush_now) {
			deadline_in(&dl, ES_FLUSH_MS);
			while (n->qlen < max && n->qlen < n->qcap && !n->stop &&
			    !n->flush_now && pthread_cond_timedwait(&n->cv,
			    &n->mu, &dl) != ETIMEDOUT)
				;
		}
		n->flush_now = false;
		if (n->stop && (n->down || give_up_now(n))) {
			/* closing with the endpoint down or the time up:
			 * drop the rest rather than wait for each timeout */
			drop_queue(n);
			break;
		}
		for (cnt = 0; cnt < max && n->qlen > 0; cnt++) {
			n->items[cnt] = n->q[n->qhead];
			n->qhead = (n->qhead + 1) % n->qcap;
			n->qlen--;
		}
		pthread_cond_broadcast(&n->room);
		pthread_mutex_unlock(&n->mu);
		deliver(n, n->items, cnt);
		pthread_mutex_lock(&n->mu);
	}
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

/* ---- open / close ------------------------------------------------- */

static void
net_free(struct sink_net *n)
{
	unsigned i;

	if (n == NULL)
		return;
	for (i = 0; i < n->qlen; i++)
		free(n->q[(n->qhead + i) % n->qcap]);
	if (n->curl != NULL)
		curl_fn->easy_cleanup(n->curl);
	if (n->rcpt != NULL)
		curl_fn->slist_free_all(n->rcpt);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	pthread_cond_destroy(&n->room);
	free(n->q);
	free(n->items);
	free(n->resp);
	free(n->url);
	free(n->from);
	free(n->to_hdr);
	free(n);
}

static int
net_open(struct sink *s, const char *arg, enum sink_net_kind kind)
{
	struct sink_net *n;
	const char *why;

	/* curl_global_init() inside: here, at startup, before any worker */
	if (curl_load(&why) == -1) {
		log_warnx("alert sink \"%s\": %s", s->spec, why);
		return -1;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return -1;
	n->s = s;
	n->kind = kind;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	pthread_cond_init(&n->room, NULL);
	n->qcap = s->opts.queue != 0 ? s->opts.queue : NET_QUEUE_DEFAULT;
	/* sinks_add() set the type's rate when the spec had none */
	n->rate = s->opts.rate >= 0 ? (unsigned)s->opts.rate : 0;
	n->batch = s->opts.batch != 0 ? s->opts.batch : ES_BATCH_DEFAULT;
	n->retry = s->opts.retry >= 0 ? (unsigned)s->opts.retry :
	    NET_RETRY_DEFAULT;
	n->block = s->opts.block == 1;
	if (strncmp(arg, "http://", 7) != 0 &&
	    strncmp(arg, "https://", 8) != 0 && kind != SINK_NET_SMTP) {
		log_warnx("alert sink \"%s\": needs an http:// or https:// URL",
		    s->spec);
		goto fail;
	}
	if (kind == SINK_NET_SMTP) {
		if (sink_smtp_parse(n, arg) == -1)
			goto fail;
	} else if (kind == SINK_NET_ES) {
		/* URL of the index; post to its _bulk endpoint */
		if ((n->url = sink_http_es_url(arg)) == NULL)
			goto fail;
	} else if ((n->url = strdup(arg)) == NULL)
		goto fail;
	if ((n->q = calloc(n->qcap, sizeof(*n->q))) == NULL ||
	    (n->items = calloc(kind == SINK_NET_ES ? n->batch : 1,
	    sizeof(*n->items))) == NULL ||
	    (n->resp = malloc(SINK_NET_RESP_MAX + 1)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		goto fail;
	}
	if ((n->curl = curl_fn->easy_init()) == NULL) {
		log_warnx("alert sink \"%s\": curl_easy_init failed", s->spec);
		goto fail;
	}
	s->priv = n;
	if ((errno = thread_start(&n->thr, net_worker, n)) != 0) {
		log_warn("alert sink \"%s\": pthread_create", s->spec);
		s->priv = NULL;
		goto fail;
	}
	n->started = true;
	return 0;
fail:
	net_free(n);
	return -1;
}

void
sink_net_stop(struct sink *s)
{
	struct sink_net *n = s->priv;

	if (n == NULL)
		return;
	pthread_mutex_lock(&n->mu);
	if (!n->stop) {
		n->stop = true;
		n->drain_until = time(NULL) + NET_DRAIN_SECS;
	}
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

static void
net_close(struct sink *s)
{
	struct sink_net *n = s->priv;

	if (n == NULL)
		return;
	sink_net_stop(s);
	if (n->started)
		pthread_join(n->thr, NULL);
	net_free(n);
	s->priv = NULL;
}

static int
webhook_open(struct sink *s, const char *arg)
{
	return net_open(s, arg, SINK_NET_WEBHOOK);
}

static int
smtp_open(struct sink *s, const char *arg)
{
	return net_open(s, arg, SINK_NET_SMTP);
}

static int
es_open(struct sink *s, const char *arg)
{
	return net_open(s, arg, SINK_NET_ES);
}

const struct sink_type sink_webhook = {
	"webhook", webhook_open, net_emit, net_flush, net_close, NULL
};
const struct sink_type sink_smtp = {
	"smtp", smtp_open, net_emit, net_flush, net_close, NULL
};
const struct sink_type sink_es = {
	"elasticsearch", es_open, net_emit, net_flush, net_close, NULL
};
