/*
 * bmp_station.c - rovmon --bmp-listen: routers connect and send BMP
 * (bmp_station.h says what it guarantees).
 *
 * One thread, one poll(2) loop: the listening socket, every connection
 * and the control socket's wake-up fd.  Each read is a "record" of the
 * feed inputs' loop (rovmon_loop_record(): signals, VRP swaps, --stats,
 * the control socket run before it; rovmon_loop_record_done() judges
 * its routes after), so SIGHUP and a new VRP generation are handled
 * between reads exactly as -i handles them between frames, and when
 * nothing arrives for a poll timeout the idle work of -i runs
 * (rovmon_loop_idle()).  Connections are served in a fixed order, one
 * read each per round, so a router that sends a full table cannot hold
 * off another's Peer Down for longer than one round.
 *
 * Every connection is a stream of its own (scope = its accept count, so
 * the same router connecting twice gets new sessions), and its sessions
 * all live in one feed table shared by the connections; the table is
 * freed at the end, after every stream was closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/log.h"
#include "feed/bmp_stream.h"
#include "feed/feed_session.h"
#include "rovmon/bmp_station.h"
#include "rovmon/control.h"
#include "rovmon/metrics.h"
#include "rovmon/rovmon_loop.h"

/* The poll timeout: how soon idle work runs on a quiet station (as the
 * capture's read timeout does for -i). */
#define STATION_POLL_MS	100

struct station_conn {
	int		 fd;		/* -1: a free slot */
	struct bmp_stream *stream;
	struct ipaddr	 addr;
	uint16_t	 port;
	time_t		 accepted;	/* monotonic seconds */
	bool		 spoke;		/* a BMP message was decoded */
};

struct bmp_station {
	int		 lfd;
	char		 spec[128];
	struct feed_table *table;
	uint64_t	 nconn_total;	/* connections ever: each one's scope */
	struct station_conn conn[BMP_STATION_MAX_CONN];
	size_t		 nconn;		/* slots in use */
	struct packet	 last;		/* the last read, for the end */
	struct bmp_station_stats st;
	uint8_t		 buf[BMP_STATION_READ];
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* A peer address as the sessions keep it: an IPv4 router reaching a
 * dual-stack socket (:PORT) is ::ffff:a.b.c.d, and is IPv4. */
static void
peer_addr(const struct sockaddr_storage *ss, struct ipaddr *a, uint16_t *port)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = ADDR_V4;
		memcpy(a->a, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else {
		if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0) {
			a->family = ADDR_V4;
			memcpy(a->a, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = ADDR_V6;
			memcpy(a->a, s6->sin6_addr.s6_addr, 16);
		}
		*port = ntohs(s6->sin6_port);
	}
}

static const char *
conn_name(const struct station_conn *c, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	ipaddr_fmt(&c->addr, a, sizeof(a));
	snprintf(buf, len, c->addr.family == ADDR_V6 ? "[%s]:%u" : "%s:%u",
	    a, (unsigned)c->port);
	return buf;
}

struct bmp_station *
bmp_station_open(const char *spec)
{
	struct bmp_station *b;
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[128];
	int on = 1, off = 0;

	if (metrics_parse_addr(spec, &ss, &sl, err, sizeof(err)) == -1) {
		log_warnx("--bmp-listen %s: %s", spec, err);
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_warn("--bmp-listen");
		return NULL;
	}
	snprintf(b->spec, sizeof(b->spec), "%s", spec);
	if ((b->lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("--bmp-listen %s: socket", spec);
		free(b);
		return NULL;
	}
	/* a restarted station rebinds at once (TIME_WAIT of the old one) */
	(void)setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* ":PORT" is every address of both families */
	if (ss.ss_family == AF_INET6 && spec[0] == ':')
		(void)setsockopt(b->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(b->lfd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(b->lfd, 16) == -1) {
		log_warn("--bmp-listen %s", spec);
		close(b->lfd);
		free(b);
		return NULL;
	}
	for (size_t i = 0; i < BMP_STATION_MAX_CONN; i++)
		b->conn[i].fd = -1;
	return b;
}

void
bmp_station_describe(const struct bmp_station *b, char *buf, size_t len)
{
	snprintf(buf, len, "listening for BMP on %s", b->spec);
}

const struct bmp_station_stats *
bmp_station_stats(const struct bmp_station *b)
{
	return &b->st;
}

void
bmp_station_json(const struct bmp_station *b, char *buf, size_t len)
{
	const struct bmp_station_stats *st = &b->st;

	snprintf(buf, len, "{\"listen\":\"%s\",\"open\":%zu,"
	    "\"accepted\":%llu,\"refused\":%llu,\"closed\":%llu,"
	    "\"errors\":%llu,\"silent\":%llu,\"reads\":%llu,"
	    "\"bytes\":%llu}", b->spec, b->nconn,
	    (unsigned long long)st->accepted, (unsigned long long)st->refused,
	    (unsigned long long)st->closed, (unsigned long long)st->errors,
	    (unsigned long long)st->silent, (unsigned long long)st->reads,
	    (unsigned long long)st->bytes);
}

/* The end of a connection: its stream closed (its sessions end as at a
 * capture's end), the slot freed. */
static void
conn_close(struct bmp_station *b, struct station_conn *c, const char *why)
{
	char name[IPADDR_STRLEN + 10];

	log_info("BMP station: %s: %s", conn_name(c, name, sizeof(name)),
	    why);
	bmp_stream_close(c->stream, why, &b->last);
	bmp_stream_free(c->stream);
	close(c->fd);
	c->fd = -1;
	c->stream = NULL;
	b->nconn--;
}

static void
accept_all(struct bmp_station *b)
{
	struct sockaddr_storage ss;
	struct station_conn *c = NULL, over;
	char name[IPADDR_STRLEN + 10];
	socklen_t sl;
	size_t i;
	int fd;

	for (;;) {
		sl = sizeof(ss);
		memset(&ss, 0, sizeof(ss));	/* the analyzer cannot see accept4 fill it */
		fd = accept4(b->lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			/* EMFILE and the like: the connection waits in the
			 * backlog and is tried again on the next round */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("--bmp-listen %s: accept", b->spec);
			return;
		}
		if (b->nconn == BMP_STATION_MAX_CONN) {
			memset(&over, 0, sizeof(over));
			peer_addr(&ss, &over.addr, &over.port);
			log_warnx("BMP station: %s refused: already %d "
			    "connections", conn_name(&over, name, sizeof(name)),
			    BMP_STATION_MAX_CONN);
			b->st.refused++;
			close(fd);
			continue;
		}
		for (i = 0; i < BMP_STATION_MAX_CONN; i++)
			if (b->conn[i].fd == -1) {
				c = &b->conn[i];
				break;
			}
		memset(c, 0, sizeof(*c));
		peer_addr(&ss, &c->addr, &c->port);
		c->stream = bmp_stream_new(b->table, ++b->nconn_total, &c->addr);
		if (c->stream == NULL) {
			log_warn("BMP station: %s", conn_name(c, name,
			    sizeof(name)));
			close(fd);
			c->fd = -1;
			continue;
		}
		c->fd = fd;
		c->accepted = mono_now();
		b->nconn++;
		b->st.accepted++;
		log_info("BMP station: %s connected (%zu of at most %d)",
		    conn_name(c, name, sizeof(name)), b->nconn,
		    BMP_STATION_MAX_CONN);
	}
}

/* Did the stream decode a message yet? */
static bool
stream_spoke(const struct bmp_stream *s)
{
	const struct bmp_stream_stats *st = bmp_stream_stats(s);
	size_t i;

	for (i = 0; i < sizeof(st->msgs) / sizeof(st->msgs[0]); i++)
		if (st->msgs[i] > 0)
			return true;
	return false;
}

/* One read from c, its bytes to its stream as one record. */
static void
conn_read(struct bmp_station *b, struct rovmon *rv, struct station_conn *c)
{
	struct packet pkt;
	ssize_t n;
	char why[160];

	n = read(c->fd, b->buf, sizeof(b->buf));
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		if (n == 0) {
			b->st.closed++;
			conn_close(b, c, "router closed the connection");
		} else {
			b->st.errors++;
			snprintf(why, sizeof(why), "read: %s", strerror(errno));
			conn_close(b, c, why);
		}
		return;
	}
	memset(&pkt, 0, sizeof(pkt));
	gettimeofday(&pkt.ts, NULL);
	pkt.num = ++b->st.reads;
	b->st.bytes += (uint64_t)n;
	b->last = pkt;
	rovmon_loop_record(rv, &pkt);
	bmp_stream_data(c->stream, b->buf, (size_t)n, &pkt);
	rovmon_loop_record_done(rv);
	if (!c->spoke)
		c->spoke = stream_spoke(c->stream);
}

/* Connections that hold a slot without a message. */
static void
expire_silent(struct bmp_station *b)
{
	time_t now = mono_now();
	char why[64];
	size_t i;

	for (i = 0; i < BMP_STATION_MAX_CONN; i++) {
		struct station_conn *c = &b->conn[i];

		if (c->fd == -1 || c->spoke ||
		    now - c->accepted < BMP_STATION_FIRST_SECS)
			continue;
		b->st.silent++;
		snprintf(why, sizeof(why), "no BMP message within %d s of "
		    "connecting", BMP_STATION_FIRST_SECS);
		conn_close(b, c, why);
	}
}

int
bmp_station_run(struct bmp_station *b, struct rovmon *rv)
{
	struct pollfd pfd[BMP_STATION_MAX_CONN + 2];
	struct station_conn *who[BMP_STATION_MAX_CONN + 2];
	int wfd = rv->control != NULL ? control_wakeup_fd(rv->control) : -1;
	int status = 0, n;
	nfds_t np, i;
	uint64_t v;

	if ((b->table = feed_table_new(&rv->sink)) == NULL)
		fatal("feed_table_new");
	rv->station = b;	/* its counts in the --stats lines */
	rovmon_loop_begin(rv);
	while (!rovmon_loop_stop_requested()) {
		np = 0;
		pfd[np].fd = b->lfd;
		pfd[np].events = POLLIN;
		who[np++] = NULL;
		if (wfd != -1) {
			pfd[np].fd = wfd;
			pfd[np].events = POLLIN;
			who[np++] = NULL;
		}
		for (size_t k = 0; k < BMP_STATION_MAX_CONN; k++)
			if (b->conn[k].fd != -1) {
				pfd[np].fd = b->conn[k].fd;
				pfd[np].events = POLLIN;
				who[np++] = &b->conn[k];
			}
		n = poll(pfd, np, STATION_POLL_MS);
		if (n == -1 && errno != EINTR) {
			log_warn("--bmp-listen %s: poll", b->spec);
			status = 1;
			break;
		}
		if (n <= 0) {		/* quiet, or a signal */
			rovmon_loop_idle(rv);
			expire_silent(b);
			continue;
		}
		if (wfd != -1 && (pfd[1].revents & POLLIN))
			(void)!read(wfd, &v, sizeof(v));
		for (i = 0; i < np; i++)
			if (who[i] != NULL && who[i]->fd == pfd[i].fd &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(b, rv, who[i]);
		if (pfd[0].revents & POLLIN)
			accept_all(b);
		expire_silent(b);
	}
	for (size_t k = 0; k < BMP_STATION_MAX_CONN; k++)
		if (b->conn[k].fd != -1)
			conn_close(b, &b->conn[k], "rovmon stopping");
	feed_table_free(b->table, b->last.num != 0 ? &b->last : NULL);
	b->table = NULL;
	rovmon_loop_end(rv);
	close(b->lfd);	/* routers are refused from here on */
	b->lfd = -1;
	log_info("BMP station: %llu connections (%llu refused, %llu closed "
	    "by the router, %llu errors, %llu silent), %llu reads, %llu bytes",
	    (unsigned long long)b->st.accepted,
	    (unsigned long long)b->st.refused,
	    (unsigned long long)b->st.closed,
	    (unsigned long long)b->st.errors,
	    (unsigned long long)b->st.silent,
	    (unsigned long long)b->st.reads, (unsigned long long)b->st.bytes);
	return status;
}

void
bmp_station_free(struct bmp_station *b)
{
	if (b == NULL)
		return;
	if (b->lfd != -1)
		close(b->lfd);
	free(b);
}
