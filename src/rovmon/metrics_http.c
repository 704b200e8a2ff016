/*
 * metrics_http.c - /metrics over HTTP with Debian's libmicrohttpd: no
 * HTTP parsing of ours.  GET and HEAD of /metrics get the last text the
 * packet thread published (keep-alive: prometheus reuses its
 * connection); any other path 404, any other method 405 (with Allow), a
 * GET announcing a body 400; what libmicrohttpd refuses itself (a bad
 * request line, headers over the memory limit) it answers (400, 431).
 *
 * One internal polling thread (epoll or poll) serves every connection
 * with non-blocking sockets: a slow client delays nobody, and the limits
 * below bound what clients can take.  The packet thread touches this
 * file only to publish (a pointer swap under the mutex); a scrape
 * copies the text under the same mutex, a few tens of KiB.
 *
 * Limits (docs/metrics.md, docs/hostile-input.md):
 *   METRICS_CONN_MAX connections in all, METRICS_CONN_PER_IP from one
 *   address (more are refused at accept); a connection idle for
 *   METRICS_TIMEOUT seconds, or as slow, is closed; request line and
 *   headers get METRICS_CONN_MEM bytes; bodies are never read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/log.h"
#include "rovmon/metrics.h"

#define METRICS_CONN_MAX	32
#define METRICS_CONN_PER_IP	8
#define METRICS_TIMEOUT		10	/* seconds */
#define METRICS_CONN_MEM	(16 * 1024)
#define METRICS_BACKLOG		16

#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CT_TEXT		"text/plain; charset=utf-8"

struct metrics_server {
	struct MHD_Daemon *d;
	int		 fd;		/* the listening socket: ours until
					 * the daemon starts, then its */
	pthread_mutex_t	 mu;		/* text, len, scrapes */
	char		*text;		/* NULL: nothing published yet */
	size_t		 len;
	uint64_t	 scrapes;
	/* fixed answers, made once (libmicrohttpd refcounts them) */
	struct MHD_Response *r400, *r404, *r405, *r503;
};

int
metrics_parse_addr(const char *spec, struct sockaddr_storage *ss,
    socklen_t *sslen, char *err, size_t errlen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = spec;
	unsigned long port;
	size_t hl;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if ((colon = strrchr(spec, ':')) == NULL) {
		snprintf(err, errlen, "not ADDR:PORT");
		return -1;
	}
	hl = (size_t)(colon - spec);
	if (hl > 0 && spec[0] == '[') {
		if (spec[hl - 1] != ']') {
			snprintf(err, errlen, "an IPv6 address goes in brackets: "
			    "[ADDR]:PORT");
			return -1;
		}
		h = spec + 1;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		snprintf(err, errlen, "not an IP address");
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port > 65535) {
		snprintf(err, errlen, "not a port from 0 to 65535: '%s'",
		    colon + 1);
		return -1;
	}
	if (hl == 0) {
		/* every address: IPv6 and, dual-stack, IPv4 */
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*s6);
	} else if (h != spec && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*s6);
	} else if (h == spec && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*s4);
	} else {
		snprintf(err, errlen, "not an IPv4 address or a bracketed IPv6 "
		    "address: '%s'", host);
		return -1;
	}
	return 0;
}

static int
listen_on(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[128];
	int fd, on = 1, off = 0;

	if (metrics_parse_addr(spec, &ss, &sl, err, sizeof(err)) == -1) {
		log_warnx("--metrics %s: %s", spec, err);
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("--metrics %s: socket", spec);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)	/* ":PORT" serves IPv4 too */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
		    sizeof(off));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, METRICS_BACKLOG) == -1) {
		log_warn("--metrics %s", spec);
		close(fd);
		return -1;
	}
	return fd;
}

/* libmicrohttpd's complaints (a client's bad request, mostly): -vv. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("metrics: %s", buf);
}

/* A GET or HEAD that announces a body (Content-Length other than 0,
 * Transfer-Encoding): refused, so no client makes the thread read one. */
static bool
has_body(struct MHD_Connection *c)
{
	const char *cl;

	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	return (cl != NULL && strcmp(cl, "0") != 0) ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct metrics_server *m = cls;
	struct MHD_Response *r;
	enum MHD_Result rc;

	(void)version;
	(void)upload_data;
	/* Another method is answered on the first call, with the headers:
	 * its body is never read, libmicrohttpd closes the connection
	 * after the answer. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    m->r405);
	/* GET and HEAD: answered on the second call, once the request is
	 * whole (a body, if any, skipped), so the connection can stay open
	 * for the next scrape (HTTP/1.1 keep-alive). */
	if (*req_cls == NULL) {
		if (has_body(c))	/* refused before it is read */
			return MHD_queue_response(c, MHD_HTTP_BAD_REQUEST,
			    m->r400);
		*req_cls = m;
		return MHD_YES;
	}
	*upload_data_size = 0;
	if (strcmp(url, "/metrics") != 0)
		return MHD_queue_response(c, MHD_HTTP_NOT_FOUND, m->r404);
	pthread_mutex_lock(&m->mu);
	if (m->text == NULL) {
		pthread_mutex_unlock(&m->mu);
		return MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    m->r503);
	}
	r = MHD_create_response_from_buffer(m->len, m->text,
	    MHD_RESPMEM_MUST_COPY);
	m->scrapes++;
	pthread_mutex_unlock(&m->mu);
	if (r == NULL)
		return MHD_NO;	/* out of memory: the connection is closed */
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    CT_METRICS);
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static struct MHD_Response *
fixed(const char *text, bool allow)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CT_TEXT);
	if (allow)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	return r;
}

struct metrics_server *
metrics_server_start(const char *spec)
{
	struct metrics_server *m;
	sigset_t all, old;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		log_warn("--metrics");
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	m->r400 = fixed("bad request: a GET or HEAD has no body\n", false);
	m->r404 = fixed("not found: the metrics are at /metrics\n", false);
	m->r405 = fixed("method not allowed: GET or HEAD\n", true);
	m->r503 = fixed("no metrics yet\n", false);
	if (m->r400 == NULL || m->r404 == NULL || m->r405 == NULL ||
	    m->r503 == NULL) {
		log_warnx("--metrics: out of memory");
		goto fail;
	}
	if ((m->fd = listen_on(spec)) == -1)
		goto fail;
	/* The daemon's thread inherits this mask: signals stay with the
	 * packet thread (base/thread.h says why). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	m->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, answer, m,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)m->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEM,
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (m->d == NULL) {
		log_warnx("--metrics %s: libmicrohttpd did not start", spec);
		close(m->fd);
		m->fd = -1;
		goto fail;
	}
	return m;
 fail:
	if (m->r400 != NULL)
		MHD_destroy_response(m->r400);
	if (m->r404 != NULL)
		MHD_destroy_response(m->r404);
	if (m->r405 != NULL)
		MHD_destroy_response(m->r405);
	if (m->r503 != NULL)
		MHD_destroy_response(m->r503);
	pthread_mutex_destroy(&m->mu);
	free(m);
	return NULL;
}

void
metrics_server_publish(struct metrics_server *m, char *text, size_t len)
{
	char *old;

	pthread_mutex_lock(&m->mu);
	old = m->text;
	m->text = text;
	m->len = len;
	pthread_mutex_unlock(&m->mu);
	free(old);
}

int
metrics_server_port(const struct metrics_server *m)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(m->fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	return ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
}

uint64_t
metrics_server_scrapes(struct metrics_server *m)
{
	uint64_t n;

	pthread_mutex_lock(&m->mu);
	n = m->scrapes;
	pthread_mutex_unlock(&m->mu);
	return n;
}

void
metrics_server_stop(struct metrics_server *m)
{
	if (m == NULL)
		return;
	MHD_stop_daemon(m->d);	/* joins its thread, closes m->fd */
	MHD_destroy_response(m->r400);
	MHD_destroy_response(m->r404);
	MHD_destroy_response(m->r405);
	MHD_destroy_response(m->r503);
	pthread_mutex_destroy(&m->mu);
	free(m->text);
	free(m);
}
