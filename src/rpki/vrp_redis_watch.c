/*
 * vrp_redis_watch.c - the Redis watcher thread: its own subscription and
 * command connections, SUBSCRIBE to the updates channel, a safety-net
 * check every RECHECK seconds, backoff while Redis is down, and the
 * hand-over of each new generation to the callback.  Owns
 * vrp_redis_watch_start/_stop and vrp_redis_status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "base/thread.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

#define BACKOFF_MAX	60
#define BACKOFF_SENTINEL 5	/* Sentinel URL: asking the sentinels is
				 * cheap, and a failover must be followed
				 * soon after it happened */
#define RECHECK		60	/* seconds between safety-net checks */
#define DEMOTED		(-2)	/* check(): not the master any more */

/* Sleep up to ms; true when a stop was requested meanwhile. */
static bool
nap(struct vrp_redis *r, int ms)
{
	struct pollfd pfd = { r->wake[0], POLLIN, 0 };

	return poll(&pfd, 1, ms) > 0;
}

static int
sub_open(struct rconn *k)
{
	char ch[KEY_MAX];
	const char *argv[2] = { "SUBSCRIBE", ch };
	redisReply *rep;

	vrp_redis_key_ns(k, ch, "vrp:updates");
	if (vrp_redis_conn_open(k) == -1 ||
	    (rep = vrp_redis_cmdv(k, 2, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(rep->element[0]->str, "subscribe") != 0) {
		vrp_redis_conn_err(k, "SUBSCRIBE %s: unexpected reply", ch);
		freeReplyObject(rep);
		vrp_redis_conn_close(k);
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

/*
 * Wait for a published message, a stop request or ms to pass.  1 when
 * a message arrived, 0 on timeout, -1 when the subscription was lost,
 * -2 on stop.
 */
static int
sub_wait(struct vrp_redis *r, struct rconn *k, int ms)
{
	struct pollfd pfd[2] = { { k->c->fd, POLLIN, 0 },
	    { r->wake[0], POLLIN, 0 } };
	void *v;
	redisReply *rep;
	int got = 0;

	for (;;) {
		v = NULL;
		if (redisGetReplyFromReader(k->c, &v) != REDIS_OK) {
			vrp_redis_conn_err(k, "subscription: %s", k->c->errstr);
			vrp_redis_conn_close(k);
			return -1;
		}
		if ((rep = v) == NULL)
			break;
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 3 &&
		    rep->element[0]->type == REDIS_REPLY_STRING &&
		    strcmp(rep->element[0]->str, "message") == 0)
			got = 1;
		freeReplyObject(rep);
	}
	if (got)
		return 1;
	if (poll(pfd, 2, ms) <= 0)
		return 0;
	if (pfd[1].revents != 0)
		return -2;
	if (redisBufferRead(k->c) != REDIS_OK) {
		vrp_redis_conn_err(k, "%s: subscription lost: %s", r->desc,
		    k->c->errstr[0] ? k->c->errstr : "connection closed");
		vrp_redis_conn_close(k);
		return -1;
	}
	return sub_wait(r, k, 0) == 1 ? 1 : 0;
}

/*
 * Compare Redis's current generation with ours; load and hand over.
 * With a Sentinel URL an open connection is asked ROLE first: a master
 * demoted while we stayed connected gives DEMOTED (a new connection was
 * verified when it was opened).
 */
static int
check(struct vrp_redis *r, struct rconn *k)
{
	struct vrp_redis_meta m;
	struct vrp_set *set = NULL;
	uint64_t cur, prev, refused = 0;
	bool same;

	k->err[0] = '\0';
	if (r->url.master != NULL && k->c != NULL &&
	    vrp_redis_role_master(k) == -1) {
		if (k->c == NULL)
			goto fail;	/* lost, not demoted */
		vrp_redis_conn_close(k);
		return DEMOTED;
	}
	if (vrp_redis_read_ids(k, &cur, &prev) == -1)
		goto fail;
	if (vrp_redis_read_meta(k, cur, &m) == 0) {
		pthread_mutex_lock(&r->lock);
		same = r->st.generation == cur &&
		    strcmp(r->last_sha, m.sha256) == 0;
		r->st.last_check = time(NULL);
		pthread_mutex_unlock(&r->lock);
		if (same)
			return 0;
	} else if (k->c == NULL)
		goto fail;	/* Redis went away: no verdict on the data */
	/* A bad meta hash too: vrp_redis_read_current() tells a refused
	 * generation from one replaced while it was being read. */
	if (vrp_redis_read_current(k, &m, &set, &refused) == -1)
		goto fail;
	pthread_mutex_lock(&r->lock);
	r->st.generation = m.gen;
	r->st.count = set->n;
	r->st.last_load = time(NULL);
	r->st.last_error[0] = '\0';
	r->st.retries = 0;
	memcpy(r->last_sha, m.sha256, sizeof(r->last_sha));
	pthread_mutex_unlock(&r->lock);
	log_info("%s: loaded generation %llu (%zu VRPs)", r->desc,
	    (unsigned long long)m.gen, set->n);
	r->cb(r->cbarg, set, m.gen);	/* the callback owns set */
	return 0;
 fail:
	vrp_redis_note_error(r, k->err, false);
	if (refused != 0 && vrp_redis_note_refused(r, refused))
		r->cb(r->cbarg, NULL, refused);
	return -1;
}

static void
set_connected(struct vrp_redis *r, bool up)
{
	pthread_mutex_lock(&r->lock);
	r->st.connected = up;
	if (up)
		r->st.retries = 0;
	pthread_mutex_unlock(&r->lock);
}

static void *
watch_main(void *arg)
{
	struct vrp_redis *r = arg;
	struct rconn sub = { r, NULL, "" }, cmd = { r, NULL, "" };
	unsigned backoff = 1, cbackoff = 1;
	unsigned bmax = r->url.master != NULL ? BACKOFF_SENTINEL : BACKOFF_MAX;
	time_t next = 0, now;
	bool down = false;
	sigset_t ss;
	int rv;

	/* A write to a dead Redis must fail with EPIPE, not kill us. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	for (;;) {
		if (sub.c == NULL) {
			vrp_redis_conn_close(&cmd);
			if (sub_open(&sub) == -1) {
				if (!down)
					log_warnx("%s (down; retrying every "
					    "1..%u s)", sub.err, bmax);
				down = true;
				set_connected(r, false);
				vrp_redis_note_error(r, sub.err, true);
				if (nap(r, (int)backoff * 1000))
					break;
				backoff = backoff * 2 > bmax ? bmax :
				    backoff * 2;
				continue;
			}
			if (down)
				log_warnx("%s: up again", r->desc);
			down = false;
			backoff = 1;
			next = 0;	/* check at once after a reconnect */
			set_connected(r, true);
		}
		if ((now = time(NULL)) >= next) {
			if ((rv = check(r, &cmd)) == DEMOTED) {
				/* Both connections go; the next connect
				 * asks the sentinels again. */
				log_warnx("%s: %s (reconnecting)", r->desc,
				    cmd.err);
				vrp_redis_note_error(r, cmd.err, true);
				vrp_redis_conn_close(&sub);
				set_connected(r, false);
				down = true;
				continue;
			}
			if (rv == 0) {
				cbackoff = 1;
				next = now + RECHECK;
			} else {
				next = now + cbackoff;
				cbackoff = cbackoff * 2 > BACKOFF_MAX ?
				    BACKOFF_MAX : cbackoff * 2;
			}
		}
		now = time(NULL);
		rv = sub_wait(r, &sub, next > now ? (int)(next - now) * 1000 :
		    0);
		if (rv == -2)
			break;
		if (rv == 1)
			next = 0;
		else if (rv == -1) {
			log_warnx("%s (down; retrying every 1..%u s)", sub.err,
			    bmax);
			down = true;
			set_connected(r, false);
			vrp_redis_note_error(r, sub.err, true);
			if (nap(r, 1000))
				break;
		}
	}
	vrp_redis_conn_close(&sub);
	vrp_redis_conn_close(&cmd);
	return NULL;
}

int
vrp_redis_watch_start(struct vrp_redis *r, vrp_redis_cb *cb, void *arg)
{
	int e;

	if (r->running)
		return 0;
	if (pipe2(r->wake, O_CLOEXEC) == -1) {
		log_warn("watcher pipe");
		return -1;
	}
	r->cb = cb;
	r->cbarg = arg;
	if ((e = thread_start(&r->thread, watch_main, r)) != 0) {
		errno = e;
		log_warn("watcher thread");
		close(r->wake[0]);
		close(r->wake[1]);
		r->wake[0] = r->wake[1] = -1;
		return -1;
	}
	r->running = true;
	return 0;
}

void
vrp_redis_watch_stop(struct vrp_redis *r)
{
	if (r == NULL || !r->running)
		return;
	if (write(r->wake[1], "x", 1) != 1)
		log_warn("waking the watcher");
	pthread_join(r->thread, NULL);
	close(r->wake[0]);
	close(r->wake[1]);
	r->wake[0] = r->wake[1] = -1;
	r->running = false;
}

unsigned
vrp_redis_master_changes(struct vrp_redis *r)
{
	return atomic_load_explicit(&r->master_changes, memory_order_relaxed);
}

void
vrp_redis_status(struct vrp_redis *r, struct vrp_redis_status *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->st;
	pthread_mutex_unlock(&r->lock);
}
