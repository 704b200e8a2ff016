/*
 * rtr.c - the RTR client (rtr.h; docs/rtr.md): its URL, the connection,
 * the loop with the refresh, retry and expire timers, the session thread
 * and the status.  The protocol itself is rtr_session.c, the data and
 * each response applied to it rtr_data.c.
 *
 * Timers: the next Serial Query at the refresh interval after an End of
 * Data (or at once on a Serial Notify or a poke); after a failure the
 * next connection in 1 s doubling up to the retry interval; a query
 * unanswered for RESPONSE_TIMEOUT ends the connection; data not updated
 * for the expire interval is reported expired (one line, the status)
 * and still used.  Version 0 caches send no timers: RFC 8210 section 6's
 * defaults apply (3600, 600, 7200 s).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/thread.h"
#include "rpki/rtr.h"
#include "rpki/rtr_internal.h"
#include "rpki/rtr_pdu.h"

bool
rtr_is_url(const char *s)
{
	return strncasecmp(s, "rtr://", 6) == 0 ||
	    strncasecmp(s, "rtr+unix://", 11) == 0;
}

/* rtr://HOST:PORT, rtr://[V6]:PORT, rtr+unix:///path; 0 or -1 logged. */
static int
parse_url(struct rtr_client *c, const char *url)
{
	const char *h, *colon, *end;

	if (strncasecmp(url, "rtr+unix://", 11) == 0) {
		if (url[11] != '/' || strlen(url + 11) >=
		    sizeof(((struct sockaddr_un *)0)->sun_path)) {
			log_warnx("%s: expected rtr+unix:///path (an absolute "
			    "path of at most 107 bytes)", url);
			return -1;
		}
		return (c->path = strdup(url + 11)) == NULL ? -1 : 0;
	}
	h = url + 6;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL || end[1] != ':') {
			log_warnx("%s: expected rtr://[ADDRESS]:PORT", url);
			return -1;
		}
		colon = end + 1;
		h++;
	} else {
		if ((colon = strrchr(h, ':')) == NULL || strchr(h, '/')) {
			log_warnx("%s: expected rtr://HOST:PORT (an RTR "
			    "cache listens on 323, StayRTR on 8282)", url);
			return -1;
		}
		end = colon;
	}
	if (end == h || colon[1] == '\0' || strspn(colon + 1,
	    "0123456789") != strlen(colon + 1) || atoi(colon + 1) < 1 ||
	    atoi(colon + 1) > 65535) {
		log_warnx("%s: expected rtr://HOST:PORT with a port from 1 to "
		    "65535", url);
		return -1;
	}
	if ((c->host = strndup(h, (size_t)(end - h))) == NULL ||
	    (c->port = strdup(colon + 1)) == NULL)
		return -1;
	return 0;
}

struct rtr_client *
rtr_client_new(const char *url)
{
	struct rtr_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = c->wake[0] = c->wake[1] = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->version = RTR_CLIENT_VERSION;
	c->refresh = DEF_REFRESH;
	c->retry = DEF_RETRY;
	c->expire = DEF_EXPIRE;
	c->backoff = 1;
	if ((c->url = strdup(url)) == NULL || parse_url(c, url) == -1 ||
	    pipe2(c->wake, O_CLOEXEC) == -1) {
		rtr_client_free(c);
		return NULL;
	}
	c->st.version = c->version;
	c->st.refresh = c->refresh;
	c->st.retry = c->retry;
	c->st.expire = c->expire;
	return c;
}

static void
conn_close(struct rtr_client *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->blen = 0;
	c->state = RTR_ST_DOWN;
	pthread_mutex_lock(&c->lock);
	c->st.connected = false;
	pthread_mutex_unlock(&c->lock);
}

void
rtr_client_free(struct rtr_client *c)
{
	if (c == NULL)
		return;
	if (c->running) {
		if (write(c->wake[1], "s", 1) != 1)
			log_warn("%s: waking the RTR session", c->url);
		pthread_join(c->thread, NULL);
	}
	conn_close(c);
	if (c->wake[0] != -1) {
		close(c->wake[0]);
		close(c->wake[1]);
	}
	rtr_data_clear(&c->data);
	vrp_set_free(c->out);
	pthread_mutex_destroy(&c->lock);
	free(c->buf);
	free(c->url);
	free(c->host);
	free(c->port);
	free(c->path);
	free(c);
}

/* Non-blocking connect within CONNECT_TIMEOUT; the fd, or -1. */
static int
connect_addr(const struct sockaddr *sa, socklen_t len, int family)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	int fd, err = 0, fl;

	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	fl = fcntl(fd, F_GETFL);
	(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, CONNECT_TIMEOUT * 1000) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1 ||
		    err != 0) {
			errno = err;
			goto fail;
		}
	}
	(void)fcntl(fd, F_SETFL, fl);
	return fd;
 fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

static int
conn_open(struct rtr_client *c)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_un sun;
	int e;

	if (c->path != NULL) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, c->path, strlen(c->path));
		c->fd = connect_addr((struct sockaddr *)&sun, sizeof(sun),
		    AF_UNIX);
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if ((e = getaddrinfo(c->host, c->port, &hints, &res)) != 0) {
			rtr_fail(c, "%s: %s", c->host, gai_strerror(e));
			return -1;
		}
		for (ai = res; ai != NULL && c->fd == -1; ai = ai->ai_next)
			c->fd = connect_addr(ai->ai_addr, ai->ai_addrlen,
			    ai->ai_family);
		freeaddrinfo(res);
	}
	if (c->fd == -1) {
		rtr_fail(c, "connect: %s", strerror(errno));
		return -1;
	}
	c->state = RTR_ST_IDLE;
	c->blen = 0;
	pthread_mutex_lock(&c->lock);
	c->st.connected = true;
	pthread_mutex_unlock(&c->lock);
	log_debug("%s: connected", c->url);
	return 0;
}

/* A new set for whoever waits: the sync caller or the callback. */
static void
hand_out(struct rtr_client *c)
{
	struct vrp_set *s;

	if ((s = rtr_data_set(&c->data, c->url)) == NULL) {
		rtr_fail(c, "out of memory building the VRP set");
		return;
	}
	if (c->cb != NULL && c->running) {
		c->cb(c->cbarg, s);
		return;
	}
	vrp_set_free(c->out);
	c->out = s;
}

static void
check_expiry(struct rtr_client *c, time_t now)
{
	bool was;

	if (c->last_ok == 0 || now - c->last_ok <= (time_t)c->expire)
		return;
	pthread_mutex_lock(&c->lock);
	was = c->st.expired;
	c->st.expired = true;
	pthread_mutex_unlock(&c->lock);
	if (!was)
		atomic_fetch_add(&c->expiries, 1);
	if (!was)
		log_warnx("%s: data expired: no update for %u s (the expire "
		    "interval); still using the last %zu VRPs of serial %u",
		    c->url, c->expire, c->data.n, c->serial);
}

/* When the loop must next wake, in ms from now (-1: never). */
static int
next_wake(const struct rtr_client *c, time_t now)
{
	time_t t = 0;

	if (c->state == RTR_ST_DOWN)
		t = c->next_connect;
	else if (c->state == RTR_ST_IDLE)
		t = c->next_query;
	else
		t = c->sent_at + RESPONSE_TIMEOUT;
	if (c->last_ok != 0 && !c->st.expired &&
	    c->last_ok + (time_t)c->expire + 1 < t)
		t = c->last_ok + (time_t)c->expire + 1;
	return t <= now ? 0 : (int)(t - now) * 1000;
}

/* Read the wake pipe: true when a stop was asked for; a poke asks for
 * a query now. */
static bool
woken(struct rtr_client *c)
{
	char b[16];
	ssize_t n, i;
	bool stop = false;

	if ((n = read(c->wake[0], b, sizeof(b))) <= 0)
		return false;
	for (i = 0; i < n; i++) {
		if (b[i] == 's')
			stop = true;
		else
			c->poke = true;
	}
	return stop;
}

/* After a failure: the next attempt in 1, 2, 4 ... s up to retry. */
static void
schedule_retry(struct rtr_client *c, time_t now)
{
	c->next_connect = now + (time_t)c->backoff;
	c->backoff = c->backoff * 2 > c->retry ? c->retry : c->backoff * 2;
	if (c->backoff == 0)
		c->backoff = 1;
}

/*
 * The session loop.  once: return at the first End of Data (0), at the
 * first failure other than a version downgrade (-1) or at deadline (-1).
 * Otherwise run until woken through the pipe (0).
 */
static int
run(struct rtr_client *c, bool once, time_t deadline)
{
	struct pollfd pfd[2];
	enum rtr_step s;
	time_t now;
	int ms;

	for (;;) {
		now = time(NULL);
		if (once && now >= deadline) {
			rtr_fail(c, "no End of Data in time");
			return -1;
		}
		check_expiry(c, now);
		if (c->state == RTR_ST_DOWN && now >= c->next_connect) {
			if (conn_open(c) == -1 || rtr_send_query(c) == -1) {
				conn_close(c);
				if (once)
					return -1;
				schedule_retry(c, now);
			}
		} else if (c->state == RTR_ST_IDLE && (now >= c->next_query ||
		    c->poke)) {
			c->poke = false;
			if (rtr_send_query(c) == -1) {
				conn_close(c);
				schedule_retry(c, now);
			}
		} else if ((c->state == RTR_ST_WAIT || c->state == RTR_ST_DATA) &&
		    now >= c->sent_at + RESPONSE_TIMEOUT) {
			rtr_fail(c, "no answer within %d s", RESPONSE_TIMEOUT);
			conn_close(c);
			schedule_retry(c, now);
		}
		ms = next_wake(c, now);
		if (once && (ms < 0 || ms > (deadline - now) * 1000))
			ms = (int)(deadline - now) * 1000;
		pfd[0].fd = c->wake[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = c->fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, c->fd != -1 ? 2 : 1, ms) == -1 && errno != EINTR)
			return -1;
		if ((pfd[0].revents & POLLIN) && woken(c) && !once)
			return 0;
		if (c->fd == -1 || pfd[1].revents == 0)
			continue;
		s = rtr_receive(c);
		if (s == RTR_STEP_EOD) {
			/* A refresh that changed nothing hands out nothing:
			 * no index rebuilt, no routes re-validated. */
			if (once || c->changed)
				hand_out(c);
			if (once)
				return c->out != NULL ? 0 : -1;
		} else if (s == RTR_STEP_CLOSE) {
			conn_close(c);
			if (once)
				return -1;
			schedule_retry(c, time(NULL));
		} else if (s == RTR_STEP_AGAIN) {
			/* a lower version: ask again at once */
			conn_close(c);
			c->next_connect = 0;
		}
	}
}

int
rtr_client_sync(struct rtr_client *c, int timeout, struct vrp_set **out)
{
	int rc;

	*out = NULL;
	if (c->state == RTR_ST_IDLE && c->have)
		c->next_query = 0;
	rc = run(c, true, time(NULL) + timeout);
	if (rc == 0) {
		*out = c->out;
		c->out = NULL;
	}
	return rc;
}

static void *
session_main(void *arg)
{
	struct rtr_client *c = arg;

	(void)run(c, false, 0);
	return NULL;
}

int
rtr_client_start(struct rtr_client *c, rtr_set_cb *cb, void *arg)
{
	int e;

	if (c->running)
		return 0;
	c->cb = cb;
	c->cbarg = arg;
	if (c->state == RTR_ST_DOWN)
		c->next_connect = 0;
	c->running = true;	/* before: the thread reads it */
	if ((e = thread_start(&c->thread, session_main, c)) != 0) {
		c->running = false;
		errno = e;
		log_warn("%s: RTR session thread", c->url);
		return -1;
	}
	return 0;
}

const char *
rtr_client_url(const struct rtr_client *c)
{
	return c->url;
}

unsigned
rtr_client_expiries(struct rtr_client *c)
{
	return atomic_load_explicit(&c->expiries, memory_order_relaxed);
}

void
rtr_client_poke(struct rtr_client *c)
{
	if (c->running && write(c->wake[1], "p", 1) != 1)
		log_warn("%s: waking the RTR session", c->url);
}

void
rtr_client_status(struct rtr_client *c, struct rtr_status *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->st;
	pthread_mutex_unlock(&c->lock);
}

struct vrp_set *
rtr_load(const char *url, struct rtr_status *st)
{
	struct rtr_client *c;
	struct vrp_set *set = NULL;

	if ((c = rtr_client_new(url)) == NULL)
		return NULL;
	if (rtr_client_sync(c, RTR_SYNC_TIMEOUT, &set) == 0)
		log_info("%s: %zu VRPs (%zu IPv4, %zu IPv6), %zu ASPA "
		    "objects, serial %u, version %u", url, set->n, set->nv4,
		    set->nv6, set->aspa.n, c->serial, c->version);
	if (st != NULL)
		rtr_client_status(c, st);
	rtr_client_free(c);
	return set;
}
