/*
 * sink_net.c - network sinks through libcurl: a JSON webhook (chat:
 * Slack and Mattermost take the same POST), mail (SMTP), and
 * Elasticsearch _bulk.
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
#include <unistd.h>


#include <jansson.h>

#include "curl_lazy.h"
#include "log.h"
#include "sink.h"

#define NET_QUEUE_DEFAULT	1024
#define NET_CONNECT_TIMEOUT	5	/* seconds */
#define NET_TOTAL_TIMEOUT	10	/* seconds */
#define NET_DRAIN_SECS		10	/* at close, block=0 */
#define NET_RETRY_DEFAULT	30	/* seconds of retries */
#define NET_BACKOFF_MS		500	/* first wait before a retry */
#define NET_BACKOFF_MAX_MS	8000
#define NET_PROBE_SECS		5	/* while down: one try this often */
#define ES_BATCH_DEFAULT	500
#define ES_FLUSH_MS		1000
/* after the index URL: only what es_items() reads comes back */
#define ES_BULK			"/_bulk?filter_path=errors,items.*.status"
#define RESP_MAX		(1 << 20) /* response bytes kept (ES items) */
#define SUBJECT_MAX		200

enum net_kind { NET_WEBHOOK, NET_SMTP, NET_ES };

/* How one try went: retry only what may work next time. */
enum send_rc { SEND_OK, SEND_RETRY, SEND_REFUSED };

/* One queued alert: its JSON line, text and subject, in one allocation. */
struct net_item {
	char		*json;
	size_t		 json_len;	/* with the '\n' */
	char		*text;
	char		*subject;
};

struct net_sink {
	struct sink	*s;
	enum net_kind	 kind;
	char		*url;
	/* smtp */
	char		*from;
	struct curl_slist *rcpt;
	char		*to_hdr;
	/* the queue, under mu */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* to the worker: work, stop */
	pthread_cond_t	 room;		/* to emit (block=1): a slot is free */
	struct net_item	**q;
	unsigned	 qcap, qhead, qlen;
	bool		 stop, flush_now, started;
	bool		 trouble;	/* retrying or down: err says why */
	bool		 is_down;	/* down, as emit sees it */
	char		 err[SINK_WHY_MAX];	/* last delivery error */
	time_t		 drain_until;	/* block=0: set by close */
	pthread_t	 thr;
	/* set at open */
	bool		 block;
	unsigned	 retry;		/* seconds */
	/* rate limit: packet thread only */
	unsigned	 rate;		/* per minute, 0 = none */
	time_t		 win;
	unsigned	 win_count;
	unsigned	 batch;
	/* worker only */
	struct net_item	**items;	/* the batch being delivered */
	CURL		*curl;
	char		*resp;
	size_t		 resp_len;
	bool		 failing;	/* the last delivery lost alerts */
	bool		 down;		/* retries ran out: probing */
	struct timespec	 next_probe;	/* CLOCK_MONOTONIC */
	unsigned long	 msgid;
};

static void	*net_worker(void *);

/* ---- queue -------------------------------------------------------- */

static struct net_item *
item_new(const struct sink_alert *sa, bool want_subject)
{
	struct net_item *it;
	char text[ALERT_TEXT_MAX], subject[SUBJECT_MAX];
	size_t tl, sl = 0;

	tl = (size_t)alert_format_text(sa->a, text, sizeof(text));
	if (want_subject) {
		const struct route_event *ev = sa->a->ev;
		char pfx[PREFIX_STRLEN];
		size_t i;

		char origin[16] = "none";

		if (ev->origin_kind == ORIGIN_AS_SEQ ||
		    ev->origin_kind == ORIGIN_AS_PEER)
			snprintf(origin, sizeof(origin), "AS%u", ev->origin_as);
		snprintf(subject, sizeof(subject),
		    "[rovmon] P%u %.80s %s origin %s %s %s", sa->a->priority,
		    sa->a->msg, prefix_fmt(&ev->prefix, pfx, sizeof(pfx)),
		    origin, route_event_kind_name(ev->kind),
		    ev->has_rpki ? rov_state_name(ev->rpki.state) : "");
		/* a header line: printable ASCII only */
		for (i = 0; subject[i] != '\0'; i++)
			if (subject[i] < 0x20 || subject[i] > 0x7e)
				subject[i] = '?';
		sl = i + 1;
	}
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
	struct net_sink *n = s->priv;
	struct net_item *it = NULL;
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
		it = item_new(sa, n->kind == NET_SMTP);
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
	struct net_sink *n = s->priv;

	pthread_mutex_lock(&n->mu);
	s->c.emitted++;
	s->c.filtered++;
	pthread_mutex_unlock(&n->mu);
}

static void
net_flush(struct sink *s)
{
	struct net_sink *n = s->priv;

	pthread_mutex_lock(&n->mu);
	n->flush_now = true;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

void
sink_net_counters(struct sink *s, struct sink_counters *c)
{
	struct net_sink *n = s->priv;

	pthread_mutex_lock(&n->mu);
	*c = s->c;
	pthread_mutex_unlock(&n->mu);
}

/* ---- transfers (worker thread) ------------------------------------ */

static size_t
resp_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_sink *n = arg;
	size_t len = size * nmemb, keep = len;

	if (n->resp_len + keep > RESP_MAX)
		keep = RESP_MAX - n->resp_len;
	memcpy(n->resp + n->resp_len, p, keep);
	n->resp_len += keep;
	n->resp[n->resp_len] = '\0';
	return len;
}

static void
curl_common(struct net_sink *n)
{
	curl_fn->easy_reset(n->curl);
	curl_fn->easy_setopt(n->curl, CURLOPT_NOSIGNAL, 1L);
	curl_fn->easy_setopt(n->curl, CURLOPT_CONNECTTIMEOUT,
	    (long)NET_CONNECT_TIMEOUT);
	curl_fn->easy_setopt(n->curl, CURLOPT_TIMEOUT, (long)NET_TOTAL_TIMEOUT);
	curl_fn->easy_setopt(n->curl, CURLOPT_WRITEFUNCTION, resp_cb);
	curl_fn->easy_setopt(n->curl, CURLOPT_WRITEDATA, n);
	curl_fn->easy_setopt(n->curl, CURLOPT_USERAGENT, "rovmon");
	n->resp_len = 0;
	n->resp[0] = '\0';
}

/*
 * What went wrong in a transfer, for a person: the system's word when
 * there is one ("Connection refused"), else libcurl's.  Which failures
 * are worth a retry: those of the network and the far end's load, not
 * a URL that can never work.
 */
static enum send_rc
curl_failed(struct net_sink *n, CURLcode rc, char *err, size_t errlen)
{
	char buf[128];
	long oserr = 0;

	curl_fn->easy_getinfo(n->curl, CURLINFO_OS_ERRNO, &oserr);
	if (oserr != 0 && (rc == CURLE_COULDNT_CONNECT ||
	    rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR))
		snprintf(err, errlen, "%s", strerror_r((int)oserr, buf,
		    sizeof(buf)));
	else
		snprintf(err, errlen, "%s", curl_fn->easy_strerror(rc));
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_LOGIN_DENIED:
		return SEND_REFUSED;
	default:
		return SEND_RETRY;
	}
}

/* One HTTP POST: SEND_OK on a 2xx answer; else why in *err. */
static enum send_rc
http_post(struct net_sink *n, const char *url, const char *ctype,
    const char *body, size_t len, char *err, size_t errlen)
{
	struct curl_slist *h = NULL;
	char hdr[64];
	long code = 0;
	CURLcode rc;

	curl_common(n);
	snprintf(hdr, sizeof(hdr), "Content-Type: %s", ctype);
	h = curl_fn->slist_append(h, hdr);
	h = curl_fn->slist_append(h, "Expect:");
	curl_fn->easy_setopt(n->curl, CURLOPT_URL, url);
	curl_fn->easy_setopt(n->curl, CURLOPT_HTTPHEADER, h);
	curl_fn->easy_setopt(n->curl, CURLOPT_POSTFIELDS, body);
	curl_fn->easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	rc = curl_fn->easy_perform(n->curl);
	curl_fn->slist_free_all(h);
	if (rc != CURLE_OK)
		return curl_failed(n, rc, err, errlen);
	curl_fn->easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code <= 299)
		return SEND_OK;
	snprintf(err, errlen, "HTTP status %ld", code);
	/* busy or broken for now; any other answer will not change */
	return code == 408 || code == 429 || code >= 500 ? SEND_RETRY :
	    SEND_REFUSED;
}

/* {"text":"...","alert":{...}} - Slack shows text, others get both. */
static enum send_rc
send_webhook(struct net_sink *n, struct net_item *it, char *err,
    size_t errlen)
{
	size_t cap = it->json_len + 6 * strlen(it->text) + 64, off = 0;
	enum send_rc rc;
	char *body;

	if ((body = malloc(cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SEND_RETRY;
	}
	memcpy(body, "{\"text\":", 8);
	off = 8;
	alert_put_jstr(body, cap, &off, it->text);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(body + off, ",\"alert\":", 9);
	off += 9;
	/* a length-counted body, not a C string; no '\n' */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(body + off, it->json, it->json_len - 1);
	off += it->json_len - 1;
	body[off++] = '}';
	rc = http_post(n, n->url, "application/json", body, off, err, errlen);
	free(body);
	return rc;
}

/*
 * The _bulk answer, item by item (the URL's filter_path keeps it to
 * {"errors":B,"items":[{"index":{"status":N[,"error":{...}]}},...]},
 * ~25 bytes an item).  A document refused for what it is (4xx: a
 * mapping conflict) is lost: sent again it would be refused again.  A
 * document rejected for load (429, 5xx: a full write queue) is worth
 * another try: those are moved to the front of items[], their number in
 * *again.  *failed: refused for good.  -1 if the answer cannot be read
 * (then every document counts as failed: none is known to be in).
 */
static int
es_items(struct net_sink *n, struct net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc, *arr, *it, *op, *st;
	const char *key;
	unsigned i;
	json_int_t code;
	int rc = -1;

	*failed = *again = 0;
	if ((doc = json_loadb(n->resp, n->resp_len, 0, &jerr)) == NULL ||
	    !json_is_boolean(json_object_get(doc, "errors")))
		goto done;
	rc = 0;
	if (!json_is_true(json_object_get(doc, "errors")))
		goto done;
	arr = json_object_get(doc, "items");
	if (!json_is_array(arr) || json_array_size(arr) != cnt) {
		rc = -1;
		goto done;
	}
	for (i = 0; i < cnt; i++) {
		it = json_array_get(arr, i);
		code = 0;
		json_object_foreach(it, key, op) {
			if (json_is_integer(st = json_object_get(op, "status")))
				code = json_integer_value(st);
			else if (json_object_get(op, "error") != NULL)
				code = 400;
		}
		if (code >= 200 && code <= 299)
			continue;
		if (code == 429 || code >= 500) {
			struct net_item *t = items[*again];

			/* keep the retryable ones first, in order */
			items[*again] = items[i];
			items[i] = t;
			(*again)++;
		} else
			(*failed)++;
	}
	if (*failed > 0)
		snprintf(err, errlen, "%u of %u documents refused", *failed,
		    cnt);
	else if (*again > 0)
		snprintf(err, errlen, "%u of %u documents rejected, busy",
		    *again, cnt);
done:
	if (rc == -1)
		snprintf(err, errlen, "not an Elasticsearch _bulk answer%s",
		    n->resp_len >= RESP_MAX ? " (too long)" : "");
	json_decref(doc);
	return rc;
}

/* Elasticsearch _bulk: {"index":{}} and the alert, per line.  *failed:
 * lost for good; *again: to send again (moved to the front). */
static enum send_rc
send_es(struct net_sink *n, struct net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	static const char action[] = "{\"index\":{}}\n";
	size_t len = 0, off = 0;
	enum send_rc rc;
	char *body;
	unsigned i;

	*failed = 0;
	*again = cnt;
	if (cnt == 0) {
		*again = 0;
		return SEND_OK;
	}
	for (i = 0; i < cnt; i++)
		len += sizeof(action) - 1 + items[i]->json_len;
	if ((body = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SEND_RETRY;
	}
	for (i = 0; i < cnt; i++) {
		memcpy(body + off, action, sizeof(action) - 1);
		off += sizeof(action) - 1;
		memcpy(body + off, items[i]->json, items[i]->json_len);
		off += items[i]->json_len;
	}
	body[off] = '\0';
	rc = http_post(n, n->url, "application/x-ndjson", body, off, err,
	    errlen);
	free(body);
	if (rc == SEND_REFUSED) {
		*again = 0;
		*failed = cnt;
	}
	if (rc != SEND_OK)
		return rc;
	if (es_items(n, items, cnt, failed, again, err, errlen) == -1) {
		*again = 0;
		*failed = cnt;
		return SEND_REFUSED;
	}
	if (*again > 0)
		return SEND_RETRY;
	return *failed > 0 ? SEND_REFUSED : SEND_OK;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/*
 * An RFC 5322 message: short headers, a text/plain body in base64 (the
 * JSON line may exceed the 998-octet line limit, and base64 keeps the
 * body clear of dots and bare CRs), wrapped at 76 columns.
 */
static char *
mail_build(struct net_sink *n, const struct net_item *it, size_t *lenp)
{
	char date[64], *body, *b64, *msg;
	size_t blen, boff = 0, cap, off, i, b64cap;
	time_t now = time(NULL);
	struct tm tm;
	int hl;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	blen = strlen(it->text) + 2 + it->json_len;
	b64cap = (blen + 2) / 3 * 4 + 1;
	cap = 1024 + strlen(n->to_hdr) + b64cap + b64cap / 76 * 2 + 4;
	body = malloc(blen + 1);
	b64 = malloc(b64cap);
	msg = malloc(cap);
	if (body == NULL || b64 == NULL || msg == NULL) {
		free(body);
		free(b64);
		free(msg);
		return NULL;
	}
	snprintf(body, blen + 1, "%s\n\n%s", it->text, it->json);
	alert_put_base64(b64, b64cap, &boff, (const uint8_t *)body,
	    strlen(body));
	hl = snprintf(msg, cap, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n"
	    "Subject: %s\r\nMessage-ID: <%lld.%ld.%lu@rovmon>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", date, n->from,
	    n->to_hdr, it->subject, (long long)now, (long)getpid(),
	    ++n->msgid);
	off = hl > 0 ? (size_t)hl : 0;
	for (i = 0; i < boff; i += 76) {
		size_t k = boff - i < 76 ? boff - i : 76;

		memcpy(msg + off, b64 + i, k);
		off += k;
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
		memcpy(msg + off, "\r\n", 2);
		off += 2;
	}
	free(body);
	free(b64);
	*lenp = off;
	return msg;
}

static enum send_rc
send_smtp(struct net_sink *n, struct net_item *it, char *err, size_t errlen)
{
	struct upload u;
	char *msg;
	size_t len;
	long code = 0;
	CURLcode rc;

	if ((msg = mail_build(n, it, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SEND_RETRY;
	}
	u.p = msg;
	u.left = len;
	curl_common(n);
	curl_fn->easy_setopt(n->curl, CURLOPT_URL, n->url);
	curl_fn->easy_setopt(n->curl, CURLOPT_MAIL_FROM, n->from);
	curl_fn->easy_setopt(n->curl, CURLOPT_MAIL_RCPT, n->rcpt);
	curl_fn->easy_setopt(n->curl, CURLOPT_READFUNCTION, read_cb);
	curl_fn->easy_setopt(n->curl, CURLOPT_READDATA, &u);
	curl_fn->easy_setopt(n->curl, CURLOPT_UPLOAD, 1L);
	curl_fn->easy_setopt(n->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)len);
	rc = curl_fn->easy_perform(n->curl);
	free(msg);
	if (rc == CURLE_OK)
		return SEND_OK;
	/* RFC 5321 4.2.1: 4yz is transient, 5yz permanent */
	curl_fn->easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 500 && code <= 599) {
		snprintf(err, errlen, "SMTP %ld: %s", code,
		    curl_fn->easy_strerror(rc));
		return SEND_REFUSED;
	}
	return curl_failed(n, rc, err, errlen);
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
give_up_now(const struct net_sink *n)
{
	return n->stop && !n->block && time(NULL) >= n->drain_until;
}

/* Wait ms before a retry; false if the sink is closing and out of time.
 * err: why the last try failed, for the alerts emit drops meanwhile. */
static bool
backoff_wait(struct net_sink *n, long ms, const char *err)
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
static enum send_rc
send_once(struct net_sink *n, struct net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	enum send_rc rc;

	if (n->kind == NET_ES)
		return send_es(n, items, cnt, failed, again, err, errlen);
	rc = n->kind == NET_SMTP ? send_smtp(n, items[0], err, errlen) :
	    send_webhook(n, items[0], err, errlen);
	*failed = rc == SEND_REFUSED ? 1 : 0;
	*again = rc == SEND_RETRY ? 1 : 0;
	return rc;
}

/*
 * Try a delivery until it works, is refused, or the retry time is used
 * up (then the sink is down).  While down, only a probe every
 * NET_PROBE_SECS is tried, once.  Returns how many of cnt were lost.
 */
static unsigned
send_retrying(struct net_sink *n, struct net_item **items, unsigned cnt,
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
deliver(struct net_sink *n, struct net_item **items, unsigned cnt)
{
	char err[SINK_WHY_MAX] = "";
	unsigned i, failed = 0;
	uint64_t reqs = 0;

	if (n->kind == NET_ES)
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
drop_queue(struct net_sink *n)
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
	struct net_sink *n = arg;
	struct timespec dl;
	unsigned cnt, max = n->kind == NET_ES ? n->batch : 1;

	pthread_mutex_lock(&n->mu);
	for (;;) {
		while (n->qlen == 0 && !n->stop)
			pthread_cond_wait(&n->cv, &n->mu);
		if (n->qlen == 0)
			break;
		/* batch: wait up to a second for more, unless the queue is
		 * full (emit may be waiting for room) */
		if (n->kind == NET_ES && n->qlen < max && n->qlen < n->qcap &&
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

/* smtp://host:port?from=a@b&to=c@d&to=e@f -> url, from, rcpt, To: */
static int
smtp_parse(struct net_sink *n, const char *arg)
{
	const char *q = strchr(arg, '?');
	char *query, *tok, *save = NULL, addr[320];
	size_t tolen = 0;

	if (q == NULL)
		goto usage;
	if ((n->url = strndup(arg, (size_t)(q - arg))) == NULL ||
	    (query = strdup(q + 1)) == NULL)
		return -1;
	for (tok = strtok_r(query, "&", &save); tok != NULL;
	    tok = strtok_r(NULL, "&", &save)) {
		if (strncmp(tok, "from=", 5) == 0 && tok[5] != '\0') {
			free(n->from);
			n->from = strdup(tok + 5);
		} else if (strncmp(tok, "to=", 3) == 0 && tok[3] != '\0') {
			snprintf(addr, sizeof(addr), "<%s>", tok + 3);
			n->rcpt = curl_fn->slist_append(n->rcpt, addr);
			n->to_hdr = realloc(n->to_hdr, tolen + strlen(tok) + 3);
			if (n->to_hdr == NULL)
				break;
			tolen += (size_t)sprintf(n->to_hdr + tolen, "%s%s",
			    tolen > 0 ? ", " : "", tok + 3);
		} else {
			log_warnx("alert sink \"%s\": unknown parameter \"%s\"",
			    n->s->spec, tok);
			free(query);
			return -1;
		}
	}
	free(query);
	if (n->from != NULL && n->rcpt != NULL && n->to_hdr != NULL &&
	    strpbrk(n->from, "\r\n<>") == NULL &&
	    strpbrk(n->to_hdr, "\r\n<>") == NULL)
		return 0;
usage:
	log_warnx("alert sink \"%s\": needs smtp://HOST[:PORT]?from=ADDR"
	    "&to=ADDR[&to=ADDR...]", n->s->spec);
	return -1;
}

static void
net_free(struct net_sink *n)
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
net_open(struct sink *s, const char *arg, enum net_kind kind)
{
	struct net_sink *n;
	const char *why;
	size_t l;

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
	    strncmp(arg, "https://", 8) != 0 && kind != NET_SMTP) {
		log_warnx("alert sink \"%s\": needs an http:// or https:// URL",
		    s->spec);
		goto fail;
	}
	if (kind == NET_SMTP) {
		if (smtp_parse(n, arg) == -1)
			goto fail;
	} else if (kind == NET_ES) {
		/* URL of the index; post to its _bulk endpoint */
		l = strlen(arg);
		while (l > 0 && arg[l - 1] == '/')
			l--;
		if ((n->url = malloc(l + sizeof(ES_BULK))) == NULL)
			goto fail;
		snprintf(n->url, l + sizeof(ES_BULK), "%.*s%s", (int)l, arg,
		    ES_BULK);
	} else if ((n->url = strdup(arg)) == NULL)
		goto fail;
	if ((n->q = calloc(n->qcap, sizeof(*n->q))) == NULL ||
	    (n->items = calloc(kind == NET_ES ? n->batch : 1,
	    sizeof(*n->items))) == NULL ||
	    (n->resp = malloc(RESP_MAX + 1)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		goto fail;
	}
	if ((n->curl = curl_fn->easy_init()) == NULL) {
		log_warnx("alert sink \"%s\": curl_easy_init failed", s->spec);
		goto fail;
	}
	s->priv = n;
	if ((errno = pthread_create(&n->thr, NULL, net_worker, n)) != 0) {
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
	struct net_sink *n = s->priv;

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
	struct net_sink *n = s->priv;

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
	return net_open(s, arg, NET_WEBHOOK);
}

static int
smtp_open(struct sink *s, const char *arg)
{
	return net_open(s, arg, NET_SMTP);
}

static int
es_open(struct sink *s, const char *arg)
{
	return net_open(s, arg, NET_ES);
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
