/*
 * test_metrics_http.c - the HTTP side of --metrics (metrics_http.c) on
 * 127.0.0.1 with a port of the kernel's choosing: 503 before the first
 * snapshot; 200 with the text last published while another thread
 * publishes new ones as fast as it can (each answer one whole snapshot,
 * never a mix); 404, 405 with Allow, a GET with a body 400; two scrapes
 * over one kept-alive connection; the scrape count.  With prometheus and
 * hostile clients: tests/e2e/93-metrics.sh.
 *
 * tsan: yes (a publisher thread against libmicrohttpd's thread)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rovmon/metrics.h"

static int port;

/* Send req, read until the server closes; the answer, malloc'd. */
static char *
ask(const char *req, size_t len)
{
	struct sockaddr_in sin;
	struct timeval tv = { 10, 0 };
	char *out = NULL;
	size_t n = 0;
	ssize_t r;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, req, len), (ssize_t)len);
	for (;;) {
		assert_non_null(out = realloc(out, n + 65537));
		if ((r = read(fd, out + n, 65536)) <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	close(fd);
	return out;
}

static char *
ask_s(const char *req)
{
	return ask(req, strlen(req));
}

static const char *
body_of(const char *resp)
{
	const char *p = strstr(resp, "\r\n\r\n");

	assert_non_null(p);
	return p + 4;
}

struct pub {
	struct metrics_server *m;
	int n;
};

/* Snapshots "a N\nb N\n": an answer mixing two would show two Ns. */
static void *
publisher(void *arg)
{
	struct pub *p = arg;
	char *t;
	int i;

	for (i = 1; i <= p->n; i++) {
		assert_true(asprintf(&t, "a %d\nb %d\n", i, i) > 0);
		metrics_server_publish(p->m, t, strlen(t));
	}
	return NULL;
}

static void
test_server(void **state)
{
	struct metrics_server *m;
	struct pub p;
	pthread_t th;
	char *r;
	int i, a, b, ok = 0;

	(void)state;
	assert_non_null(m = metrics_server_start("127.0.0.1:0"));
	assert_true((port = metrics_server_port(m)) > 0);
	r = ask_s("GET /metrics HTTP/1.0\r\n\r\n");
	assert_int_equal(strncmp(r, "HTTP/1.", 7), 0);
	assert_non_null(strstr(r, " 503 "));
	free(r);
	metrics_server_publish(m, strdup("a 0\nb 0\n"), 8);
	p.m = m;
	p.n = 20000;
	assert_int_equal(pthread_create(&th, NULL, publisher, &p), 0);
	for (i = 0; i < 200; i++) {
		r = ask_s("GET /metrics HTTP/1.0\r\n\r\n");
		assert_non_null(strstr(r, " 200 OK\r\n"));
		assert_non_null(strstr(r, "Content-Type: text/plain; "
		    "version=0.0.4; charset=utf-8\r\n"));
		assert_int_equal(sscanf(body_of(r), "a %d\nb %d\n", &a, &b), 2);
		assert_int_equal(a, b);
		ok++;
		free(r);
	}
	pthread_join(th, NULL);
	/* the last one published */
	r = ask_s("GET /metrics HTTP/1.0\r\n\r\n");
	assert_string_equal(body_of(r), "a 20000\nb 20000\n");
	free(r);
	ok++;
	/* a query string is not part of the path */
	r = ask_s("GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, " 200 OK\r\n"));
	free(r);
	ok++;
	r = ask_s("GET / HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, " 404 "));
	free(r);
	r = ask_s("GET /metricsx HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, " 404 "));
	free(r);
	r = ask_s("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "\r\nhello");
	assert_non_null(strstr(r, " 405 "));
	assert_non_null(strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	free(r);
	r = ask_s("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "\r\nhello");
	assert_non_null(strstr(r, " 400 "));
	free(r);
	/* HEAD: the headers, no body */
	r = ask_s("HEAD /metrics HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, " 200 OK\r\n"));
	assert_string_equal(body_of(r), "");
	free(r);
	ok++;
	/* two scrapes on one connection (keep-alive), the second closing */
	r = ask_s("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_non_null(strstr(strstr(r, " 200 OK\r\n") + 1, " 200 OK\r\n"));
	free(r);
	ok += 2;
	assert_int_equal(metrics_server_scrapes(m), (uint64_t)ok);
	metrics_server_stop(m);
	metrics_server_stop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
