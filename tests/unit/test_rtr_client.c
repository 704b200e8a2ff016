/*
 * test_rtr_client.c - the RTR client's state machine (rtr.c,
 * rtr_session.c) against a fake cache on a private Unix socket
 * (rtr+unix://), and its data (rtr_data.c) directly: the Reset Query
 * exchange, the version negotiated down on Error Report 4, Serial
 * Queries applying announcements and withdrawals, Cache Reset, a
 * withdrawal of a VRP not held (Error Report 6 sent, the old data kept,
 * a Reset Query next), and the data's merge rules (order within a
 * response, ASPA replacement, draft -10's per-family ASPAs united).
 * The real cache (stayrtr) is tests/e2e/79-rtr-client.sh.
 *
 * tsan: yes (the fake cache runs in a thread)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/log.h"
#include "rpki/rtr.h"
#include "rpki/rtr_internal.h"
#include "rpki/rtr_pdu.h"
#include "rpki/vrp.h"

/* ---- the fake cache ------------------------------------------------ */

#define MAXPDU	16

/* One connection: the query it expects, what it answers, then whether
 * it closes. */
struct step {
	uint8_t		 want_type, want_version;
	struct rtr_pdu	 out[MAXPDU];
	int		 nout;
	int		 close;
	/* seen */
	struct rtr_pdu	 got;
	uint8_t		 got_raw[64];
	struct rtr_pdu	 err;		/* an Error Report the client sent */
	int		 got_err;
};

struct fake {
	int		 lfd;
	char		 path[108];
	struct step	*steps;
	int		 nsteps;
	int		 conn;		/* open connection, -1 none */
	atomic_int	 done;		/* steps finished */
};

/* Wait until the fake finished n steps (what it saw is then readable). */
static void
wait_steps(struct fake *f, int n)
{
	int i;

	for (i = 0; i < 5000 && atomic_load(&f->done) < n; i++)
		usleep(1000);
	assert_true(atomic_load(&f->done) >= n);
}

static int
read_pdu(int fd, uint8_t *buf, size_t cap, struct rtr_pdu *p)
{
	size_t len = 0, need = RTR_HEADER_LEN;
	const char *why;
	ssize_t n;

	for (;;) {
		if (len >= need) {
			enum rtr_decode d = rtr_pdu_decode(buf, len, p, &need,
			    &why);

			if (d == RTR_DECODE_OK)
				return 0;
			if (d == RTR_DECODE_BAD || need > cap)
				return -1;
		}
		if ((n = read(fd, buf + len, need - len)) <= 0)
			return -1;
		len += (size_t)n;
	}
}

static void
send_all(int fd, const struct rtr_pdu *p)
{
	uint8_t out[512];
	size_t n = rtr_pdu_encode(p, out, sizeof(out));

	assert_true(n > 0);
	assert_int_equal(write(fd, out, n), (ssize_t)n);
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	uint8_t buf[2][512];
	int i, k;

	for (i = 0; i < f->nsteps; i++) {
		struct step *s = &f->steps[i];

		if (f->conn == -1 &&
		    (f->conn = accept(f->lfd, NULL, NULL)) == -1)
			return NULL;
		if (read_pdu(f->conn, buf[0], sizeof(buf[0]), &s->got) == -1)
			return NULL;
		for (k = 0; k < s->nout; k++)
			send_all(f->conn, &s->out[k]);
		if (s->want_type != RTR_ERROR_REPORT && s->close == 2 &&
		    read_pdu(f->conn, buf[1], sizeof(buf[1]), &s->err) == 0)
			s->got_err = 1;	/* the client's Error Report */
		if (s->close) {
			close(f->conn);
			f->conn = -1;
		}
		atomic_fetch_add(&f->done, 1);
	}
	return NULL;
}

static void
fake_start(struct fake *f, pthread_t *t, struct step *steps, int n)
{
	struct sockaddr_un sun;

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/rovmon-test-rtr.%d",
	    (int)getpid());
	unlink(f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(f->lfd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, f->path, strlen(f->path));
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	assert_int_equal(listen(f->lfd, 4), 0);
	f->steps = steps;
	f->nsteps = n;
	f->conn = -1;
	atomic_init(&f->done, 0);
	assert_int_equal(pthread_create(t, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f, pthread_t t)
{
	pthread_join(t, NULL);
	if (f->conn != -1)
		close(f->conn);
	close(f->lfd);
	unlink(f->path);
}

/* ---- PDUs the fake sends --------------------------------------------- */

static struct rtr_pdu
pdu(uint8_t version, uint8_t type)
{
	struct rtr_pdu p;

	memset(&p, 0, sizeof(p));
	p.version = version;
	p.type = type;
	return p;
}

static struct rtr_pdu
response(uint8_t v, uint16_t sid)
{
	struct rtr_pdu p = pdu(v, RTR_CACHE_RESPONSE);

	p.session_id = sid;
	return p;
}

static struct rtr_pdu
eod(uint8_t v, uint16_t sid, uint32_t serial)
{
	struct rtr_pdu p = pdu(v, RTR_END_OF_DATA);

	p.session_id = sid;
	p.serial = serial;
	p.refresh = 11;
	p.retry = 7;
	p.expire = 613;
	return p;
}

static struct rtr_pdu
prefix(uint8_t v, const char *text, unsigned maxlen, uint32_t asn,
    bool announce)
{
	struct rtr_pdu p;
	bool hb;

	assert_int_equal(prefix_parse(text, &p.prefix, &hb), 0);
	{
		struct prefix keep = p.prefix;

		p = pdu(v, keep.family == ADDR_V4 ? RTR_IPV4_PREFIX :
		    RTR_IPV6_PREFIX);
		p.prefix = keep;
	}
	p.max_len = (uint8_t)maxlen;
	p.asn = asn;
	p.flags = announce ? RTR_FLAG_ANNOUNCE : 0;
	return p;
}

static const uint8_t provs[] = { 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea };

static struct rtr_pdu
aspa(uint32_t customer, uint32_t n, bool announce)
{
	struct rtr_pdu p = pdu(2, RTR_ASPA);

	p.asn = customer;
	p.flags = announce ? RTR_FLAG_ANNOUNCE : 0;
	p.nproviders = announce ? n : 0;
	p.providers = announce ? provs : NULL;
	return p;
}

static bool
has_vrp(const struct vrp_set *s, const char *text, unsigned maxlen,
    uint32_t asn)
{
	struct prefix p;
	bool hb;
	size_t i;

	assert_int_equal(prefix_parse(text, &p, &hb), 0);
	for (i = 0; i < s->n; i++)
		if (prefix_eq(&s->v[i].prefix, &p) && s->v[i].maxlen ==
		    maxlen && s->v[i].asn == asn)
			return true;
	return false;
}

/* ---- the session ----------------------------------------------------- */

/* Reset Query at version 2, two VRPs and an ASPA, timers from End of Data;
 * then a Serial Query whose response withdraws one VRP, announces
 * another, and replaces the ASPA; then a Serial Notify on the same
 * connection, a Cache Reset, and a Reset Query. */
static void
test_reset_serial_reset(void **state)
{
	struct step st[4];
	struct fake f;
	pthread_t t;
	struct rtr_client *c;
	struct vrp_set *s;
	struct rtr_status rs;
	char url[140];

	(void)state;
	memset(st, 0, sizeof(st));
	st[0].out[0] = response(2, 77);
	st[0].out[1] = prefix(2, "192.0.2.0/24", 24, 64500, true);
	st[0].out[2] = prefix(2, "2001:db8::/32", 48, 64501, true);
	st[0].out[3] = aspa(64500, 2, true);
	st[0].out[4] = eod(2, 77, 5);
	st[0].nout = 5;
	st[1].out[0] = response(2, 77);
	st[1].out[1] = prefix(2, "192.0.2.0/24", 24, 64500, false);
	st[1].out[2] = prefix(2, "198.51.100.0/24", 25, 64502, true);
	st[1].out[3] = aspa(64500, 1, true);
	st[1].out[4] = eod(2, 77, 6);
	st[1].nout = 5;
	st[2].out[0] = pdu(2, RTR_CACHE_RESET);
	st[2].nout = 1;
	st[3].out[0] = response(2, 78);
	st[3].out[1] = prefix(2, "203.0.113.0/24", 24, 64503, true);
	st[3].out[2] = eod(2, 78, 1);
	st[3].nout = 3;
	fake_start(&f, &t, st, 4);
	snprintf(url, sizeof(url), "rtr+unix://%s", f.path);
	assert_non_null(c = rtr_client_new(url));

	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 1);
	assert_int_equal(st[0].got.type, RTR_RESET_QUERY);
	assert_int_equal(st[0].got.version, 2);
	assert_int_equal(s->n, 2);
	assert_true(has_vrp(s, "192.0.2.0/24", 24, 64500));
	assert_true(has_vrp(s, "2001:db8::/32", 48, 64501));
	assert_int_equal(s->aspa.n, 1);
	assert_int_equal(s->aspa.r[0].customer, 64500);
	assert_int_equal(s->aspa.r[0].nproviders, 2);
	assert_string_equal(s->format, "rtr");
	vrp_set_free(s);
	rtr_client_status(c, &rs);
	assert_true(rs.connected && rs.synced && !rs.expired);
	assert_int_equal(rs.version, 2);
	assert_int_equal(rs.session_id, 77);
	assert_int_equal(rs.serial, 5);
	assert_int_equal(rs.refresh, 11);
	assert_int_equal(rs.retry, 7);
	assert_int_equal(rs.expire, 613);
	assert_int_equal(rs.updates, 1);
	assert_int_equal(rs.resets, 1);

	/* the next exchange: a Serial Query on the same connection */
	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 2);
	assert_int_equal(st[1].got.type, RTR_SERIAL_QUERY);
	assert_int_equal(st[1].got.session_id, 77);
	assert_int_equal(st[1].got.serial, 5);
	assert_int_equal(s->n, 2);
	assert_false(has_vrp(s, "192.0.2.0/24", 24, 64500));
	assert_true(has_vrp(s, "198.51.100.0/24", 25, 64502));
	assert_true(has_vrp(s, "2001:db8::/32", 48, 64501));
	assert_int_equal(s->aspa.n, 1);
	assert_int_equal(s->aspa.r[0].nproviders, 1);
	vrp_set_free(s);

	/* Cache Reset answers the Serial Query: the client asks again with a
	 * Reset Query, and the new session's data replaces everything. */
	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 4);
	assert_int_equal(st[2].got.type, RTR_SERIAL_QUERY);
	assert_int_equal(st[3].got.type, RTR_RESET_QUERY);
	assert_int_equal(s->n, 1);
	assert_true(has_vrp(s, "203.0.113.0/24", 24, 64503));
	assert_int_equal(s->aspa.n, 0);
	vrp_set_free(s);
	rtr_client_status(c, &rs);
	assert_int_equal(rs.session_id, 78);
	assert_int_equal(rs.resets, 2);
	rtr_client_free(c);
	fake_stop(&f, t);
}

/* Error Report 4 at version 1, connection closed: the client comes back
 * at version 1 and stays there. */
static void
test_version_down(void **state)
{
	struct step st[2];
	struct fake f;
	pthread_t t;
	struct rtr_client *c;
	struct vrp_set *s;
	struct rtr_status rs;
	char url[140];

	(void)state;
	memset(st, 0, sizeof(st));
	st[0].out[0] = pdu(1, RTR_ERROR_REPORT);
	st[0].out[0].error_code = RTR_ERR_UNSUPPORTED_VERSION;
	st[0].nout = 1;
	st[0].close = 1;
	st[1].out[0] = response(1, 9);
	st[1].out[1] = prefix(1, "203.0.113.0/24", 24, 64496, true);
	st[1].out[2] = eod(1, 9, 1);
	st[1].nout = 3;
	fake_start(&f, &t, st, 2);
	snprintf(url, sizeof(url), "rtr+unix://%s", f.path);
	assert_non_null(c = rtr_client_new(url));
	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 2);
	assert_int_equal(st[0].got.version, 2);
	assert_int_equal(st[1].got.version, 1);
	assert_int_equal(st[1].got.type, RTR_RESET_QUERY);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->aspa.n, 0);
	vrp_set_free(s);
	rtr_client_status(c, &rs);
	assert_int_equal(rs.version, 1);
	assert_int_equal(rs.serial, 1);
	rtr_client_free(c);
	fake_stop(&f, t);
}

/* A withdrawal of a VRP not held: Error Report 6 to the cache, the sync
 * fails, the data stays; the next connection asks with a Reset Query. */
static void
test_withdraw_unknown(void **state)
{
	struct step st[3];
	struct fake f;
	pthread_t t;
	struct rtr_client *c;
	struct vrp_set *s;
	struct rtr_status rs;
	char url[140];

	(void)state;
	memset(st, 0, sizeof(st));
	st[0].out[0] = response(1, 3);
	st[0].out[1] = prefix(1, "192.0.2.0/24", 24, 64500, true);
	st[0].out[2] = eod(1, 3, 1);
	st[0].nout = 3;
	st[1].out[0] = response(1, 3);
	st[1].out[1] = prefix(1, "198.51.100.0/24", 24, 64500, false);
	st[1].out[2] = eod(1, 3, 2);
	st[1].nout = 3;
	st[1].close = 2;	/* read the client's Error Report, close */
	st[2].out[0] = response(1, 3);
	st[2].out[1] = prefix(1, "192.0.2.0/24", 24, 64500, true);
	st[2].out[2] = prefix(1, "198.51.100.0/24", 24, 64500, true);
	st[2].out[3] = eod(1, 3, 2);
	st[2].nout = 4;
	fake_start(&f, &t, st, 3);
	snprintf(url, sizeof(url), "rtr+unix://%s", f.path);
	assert_non_null(c = rtr_client_new(url));
	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 1);
	vrp_set_free(s);
	assert_int_equal(rtr_client_sync(c, 10, &s), -1);
	wait_steps(&f, 2);
	assert_null(s);
	assert_int_equal(st[1].got.type, RTR_SERIAL_QUERY);
	assert_true(st[1].got_err);
	assert_int_equal(st[1].err.type, RTR_ERROR_REPORT);
	assert_int_equal(st[1].err.error_code, RTR_ERR_WITHDRAW_UNKNOWN);
	rtr_client_status(c, &rs);
	assert_int_equal(rs.serial, 1);		/* the last good data */
	assert_int_equal(rs.vrps, 1);
	assert_int_equal(rs.errors, 1);
	assert_non_null(strstr(rs.last_error, "198.51.100.0/24"));
	assert_int_equal(rtr_client_sync(c, 10, &s), 0);
	wait_steps(&f, 3);
	assert_int_equal(st[2].got.type, RTR_RESET_QUERY);
	assert_int_equal(s->n, 2);
	vrp_set_free(s);
	rtr_client_free(c);
	fake_stop(&f, t);
}

static void
test_urls(void **state)
{
	struct rtr_client *c;

	(void)state;
	assert_true(rtr_is_url("rtr://h:323"));
	assert_true(rtr_is_url("RTR+UNIX:///run/x"));
	assert_false(rtr_is_url("https://h/x"));
	assert_null(rtr_client_new("rtr://nohost"));
	assert_null(rtr_client_new("rtr://h:0"));
	assert_null(rtr_client_new("rtr://h:65536"));
	assert_null(rtr_client_new("rtr://h:32x"));
	assert_null(rtr_client_new("rtr+unix://relative"));
	assert_non_null(c = rtr_client_new("rtr://[2001:db8::1]:8282"));
	rtr_client_free(c);
	assert_non_null(c = rtr_client_new("rtr://cache.example:323"));
	rtr_client_free(c);
}

/* ---- the data ---------------------------------------------------------- */

static int
add(struct rtr_data *d, struct rtr_pdu p)
{
	const char *why;

	return rtr_data_add(d, &p, &why);
}

static void
test_data_rules(void **state)
{
	struct rtr_data d;
	struct rtr_pdu a;
	struct vrp_set *s;
	char why[160];
	static const uint8_t v6prov[] = { 0, 0, 0xfd, 0xea, 0, 0, 0xfd, 0xeb };

	(void)state;
	memset(&d, 0, sizeof(d));
	/* announce, withdraw, announce again in one response: held */
	rtr_data_begin(&d, true);
	assert_int_equal(add(&d, prefix(1, "192.0.2.0/24", 24, 1, true)), 0);
	assert_int_equal(add(&d, prefix(1, "192.0.2.0/24", 24, 1, false)), 0);
	assert_int_equal(add(&d, prefix(1, "192.0.2.0/24", 24, 1, true)), 0);
	assert_int_equal(add(&d, prefix(1, "10.0.0.0/8", 8, 2, true)), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	assert_int_equal(d.n, 2);
	/* a duplicate announcement: 7, the data unchanged */
	rtr_data_begin(&d, false);
	assert_int_equal(add(&d, prefix(1, "10.0.0.0/8", 8, 3, true)), 0);
	assert_int_equal(add(&d, prefix(1, "10.0.0.0/8", 8, 2, true)), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)),
	    RTR_ERR_DUPLICATE_ANNOUNCE);
	assert_non_null(strstr(why, "10.0.0.0/8-8 AS2"));
	assert_int_equal(d.n, 2);
	/* maxLength below the length: corrupt, refused at once */
	rtr_data_begin(&d, false);
	assert_int_equal(add(&d, prefix(1, "10.0.0.0/8", 7, 3, true)),
	    RTR_ERR_CORRUPT);
	/* ASPA: draft -10's IPv4 and IPv6 records of one customer become
	 * one with the union; a withdrawal of one family keeps the other */
	rtr_data_begin(&d, false);
	a = aspa(64500, 2, true);
	a.aspa_old_layout = true;
	assert_int_equal(add(&d, a), 0);
	a.afi_flags = RTR_ASPA_AFI_IPV6;
	a.providers = v6prov;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	assert_int_equal(d.na, 2);
	assert_non_null(s = rtr_data_set(&d, "rtr://x:1"));
	assert_int_equal(s->aspa.n, 1);
	assert_int_equal(s->aspa.r[0].nproviders, 3);	/* 65001-65003 */
	assert_int_equal(s->n, 2);
	assert_string_equal(s->ta[s->v[0].ta], "rtr");
	vrp_set_free(s);
	rtr_data_begin(&d, false);
	a = aspa(64500, 0, false);
	a.aspa_old_layout = true;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	assert_int_equal(d.na, 1);
	assert_int_equal(d.a[0].afi, 1);
	/* stayrtr 0.5.1 changes a record by announcing the new one and then
	 * withdrawing the old one by its providers (docs/rtr.md): the new
	 * one stays; a withdrawal naming the new one's providers removes it */
	rtr_data_begin(&d, false);
	a = aspa(64600, 1, true);
	a.aspa_old_layout = true;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	rtr_data_begin(&d, false);
	a = aspa(64600, 2, true);		/* new: 65001, 65002 */
	a.aspa_old_layout = true;
	assert_int_equal(add(&d, a), 0);
	a = aspa(64600, 1, true);		/* old: 65001, withdrawn */
	a.aspa_old_layout = true;
	a.flags = 0;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	assert_int_equal(d.na, 2);		/* 64500 (IPv6), 64600 */
	assert_int_equal(d.a[1].customer, 64600);
	assert_int_equal(d.a[1].n, 2);
	rtr_data_begin(&d, false);
	a = aspa(64600, 2, true);
	a.aspa_old_layout = true;
	a.flags = 0;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)), 0);
	assert_int_equal(d.na, 1);
	rtr_data_begin(&d, false);
	a = aspa(64500, 0, false);		/* its IPv4 record is gone */
	a.aspa_old_layout = true;
	assert_int_equal(add(&d, a), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)),
	    RTR_ERR_WITHDRAW_UNKNOWN);
	/* withdrawal of an ASPA not held: 6 */
	rtr_data_begin(&d, false);
	assert_int_equal(add(&d, aspa(64999, 0, false)), 0);
	assert_int_equal(rtr_data_commit(&d, why, sizeof(why)),
	    RTR_ERR_WITHDRAW_UNKNOWN);
	assert_int_equal(d.na, 1);
	rtr_data_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_data_rules),
		cmocka_unit_test(test_reset_serial_reset),
		cmocka_unit_test(test_version_down),
		cmocka_unit_test(test_withdraw_unknown),
	};

	log_init("test_rtr_client");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
