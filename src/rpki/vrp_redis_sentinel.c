/*
 * vrp_redis_sentinel.c - the master of a redis-sentinel:// URL.
 *
 * Debian's hiredis (0.14) knows nothing of Sentinel, so this file does
 * what the Sentinel client guidelines ask of a client
 * (https://redis.io/docs/reference/sentinel-clients/):
 *
 *  1. ask the sentinels in turn, from the one that answered last,
 *     SENTINEL get-master-addr-by-name NAME; an unreachable sentinel or
 *     one that does not know NAME is skipped;
 *  2. connect to the address it gave (AUTH and SELECT as the URL says);
 *  3. send ROLE and keep the connection only if it says "master": a
 *     sentinel's answer may be stale (it has not seen the failover yet)
 *     and a master may have been demoted to a replica since.  A refused
 *     address is not tried again for the next sentinel's identical
 *     answer.
 *
 * Every connect does this, so a lost connection (the master died, or
 * Sentinel's failover killed our clients when it demoted it) finds the
 * new master on the next connect; the watcher also repeats ROLE on its
 * open connection at each check (vrp_redis_watch.c).  Writers thus only
 * ever write to a server that said it was the master a moment before.
 *
 * Sentinel replies are wire data: type, count and each field checked
 * (an address must look like an IP address or a host name, the port a
 * decimal 1..65535) before use; tests/fuzz/fuzz_redis_reply.c feeds
 * them.  Owns vrp_redis_sentinel_open/_ask and vrp_redis_role_master.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

#define SENTINEL_TIMEOUT	2	/* seconds: connect and reply; a
					 * dead sentinel must not hold up
					 * asking the next one for long */

/* A host as Sentinel announces one: IPv4, IPv6 or a DNS name. */
static bool
host_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > VRP_REDIS_HOST_MAX || s[0] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && (s[i] == '\0' ||
		    strchr(".:-_", s[i]) == NULL))	/* strchr finds NUL */
			return false;
	return true;
}

int
vrp_redis_sentinel_ask(struct rconn *s, char *host, size_t hostlen,
    int *port)
{
	const char *argv[3] = { "SENTINEL", "get-master-addr-by-name",
	    s->r->url.master };
	const redisReply *h, *p;
	redisReply *rep;
	unsigned long long v;
	int rv = -1;

	if ((rep = vrp_redis_cmdv(s, 3, argv, NULL)) == NULL)
		return -1;
	if (rep->type == REDIS_REPLY_NIL) {
		vrp_redis_conn_err(s, "does not know a master named '%s'",
		    argv[2]);
		goto done;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    rep->element[1]->type != REDIS_REPLY_STRING) {
		vrp_redis_conn_err(s, "get-master-addr-by-name: want two "
		    "strings (host, port)");
		goto done;
	}
	h = rep->element[0];
	p = rep->element[1];
	if (!host_ok(h->str, h->len) || h->len >= hostlen) {
		vrp_redis_conn_err(s, "get-master-addr-by-name: the host is "
		    "not an address or host name");
		goto done;
	}
	if (vrp_redis_parse_num(p->str, p->len, 65535, &v) == -1 || v == 0) {
		vrp_redis_conn_err(s, "get-master-addr-by-name: port must "
		    "be 1..65535");
		goto done;
	}
	memcpy(host, h->str, h->len);
	host[h->len] = '\0';
	*port = (int)v;
	rv = 0;
 done:
	freeReplyObject(rep);
	return rv;
}

int
vrp_redis_role_master(struct rconn *k)
{
	const char *argv[1] = { "ROLE" };
	const redisReply *e;
	redisReply *rep;
	size_t i;
	int rv = -1;

	if ((rep = vrp_redis_cmdv(k, 1, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
	    ((e = rep->element[0])->type != REDIS_REPLY_STRING &&
	    e->type != REDIS_REPLY_STATUS)) {
		vrp_redis_conn_err(k, "ROLE: unexpected reply");
		goto done;
	}
	if (e->len == 6 && memcmp(e->str, "master", 6) == 0) {
		rv = 0;
		goto done;
	}
	/* Name the role only when it is a plain word (it is untrusted). */
	for (i = 0; i < e->len && i < 16 && islower((unsigned char)e->str[i]);
	    i++)
		;
	if (i == e->len && i > 0)
		vrp_redis_conn_err(k, "ROLE says '%.*s', not master (a stale "
		    "sentinel answer or a demoted master)", (int)e->len,
		    e->str);
	else
		vrp_redis_conn_err(k, "ROLE: not master");
 done:
	freeReplyObject(rep);
	return rv;
}

/* "host:port", "[v6]:port" */
static void
fmt_addr(char *buf, size_t len, const char *host, int port)
{
	snprintf(buf, len, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d",
	    host, port);
}

/* Ask sentinel i; 0 with the master's address, -1 with why in err. */
static int
ask_one(struct vrp_redis *r, size_t i, char *host, size_t hostlen,
    int *port, char *err, size_t elen)
{
	const struct vrp_redis_hostport *h = &r->url.sentinel[i];
	struct timeval tv = { SENTINEL_TIMEOUT, 0 };
	struct rconn s = { r, NULL, "" };
	char saddr[VRP_REDIS_HOST_MAX + 16];
	int rv;

	fmt_addr(saddr, sizeof(saddr), h->host, h->port);
	s.c = redisConnectWithTimeout(h->host, h->port, tv);
	if (s.c == NULL || s.c->err) {
		snprintf(err, elen, "sentinel %.80s: connect: %.100s", saddr,
		    s.c != NULL ? s.c->errstr : "out of memory");
		vrp_redis_conn_close(&s);
		return -1;
	}
	if (redisSetTimeout(s.c, tv) != REDIS_OK)
		log_debug("sentinel %s: cannot set a command timeout", saddr);
	rv = vrp_redis_sentinel_ask(&s, host, hostlen, port);
	if (rv == -1)
		snprintf(err, elen, "sentinel %.80s: %.110s", saddr,
		    s.err);
	vrp_redis_conn_close(&s);
	return rv;
}

/* Remember the verified master and the sentinel to ask first next time;
 * log a new master once (the watcher's two connections both get here). */
static void
note_master(struct vrp_redis *r, size_t si, const char *addr)
{
	char was[sizeof(r->st.master)];
	bool changed;

	pthread_mutex_lock(&r->lock);
	r->sentinel_first = si;
	memcpy(was, r->st.master, sizeof(was));
	if ((changed = strcmp(was, addr) != 0)) {
		snprintf(r->st.master, sizeof(r->st.master), "%s", addr);
		if (was[0] != '\0') {
			memcpy(r->st.master_was, was, sizeof(was));
			r->st.master_changes++;
			atomic_store(&r->master_changes,
			    (unsigned)r->st.master_changes);
		}
	}
	pthread_mutex_unlock(&r->lock);
	if (changed && was[0] != '\0')
		log_warnx("%s: master is now %s (was %s): following the "
		    "failover", r->desc, addr, was);
	else if (changed)
		log_info("%s: master %s", r->desc, addr);
}

int
vrp_redis_sentinel_open(struct rconn *k)
{
	struct vrp_redis *r = k->r;
	size_t n = r->url.nsentinels, first, i, si;
	char host[VRP_REDIS_HOST_MAX + 1], addr[sizeof(r->st.master)];
	char refused[sizeof(addr)] = "", what[sizeof(addr) + 48];
	char serr[256] = "", merr[256] = "";
	int port;

	pthread_mutex_lock(&r->lock);
	first = r->sentinel_first;
	pthread_mutex_unlock(&r->lock);
	for (i = 0; i < n; i++) {
		si = (first + i) % n;
		if (ask_one(r, si, host, sizeof(host), &port, serr,
		    sizeof(serr)) == -1)
			continue;
		fmt_addr(addr, sizeof(addr), host, port);
		if (strcmp(addr, refused) == 0)
			continue;	/* the same stale answer again */
		snprintf(what, sizeof(what), "master %s (sentinel %zu)", addr,
		    si + 1);
		if (vrp_redis_conn_connect(k, host, port, NULL, what) == -1) {
			if (merr[0] == '\0')
				snprintf(merr, sizeof(merr), "%.190s", k->err);
			memcpy(refused, addr, sizeof(refused));
			continue;
		}
		if (vrp_redis_role_master(k) == -1) {
			if (merr[0] == '\0')
				snprintf(merr, sizeof(merr), "%.80s: %.110s",
				    what, k->err);
			vrp_redis_conn_close(k);
			memcpy(refused, addr, sizeof(refused));
			continue;
		}
		note_master(r, si, addr);
		return 0;
	}
	/* What went wrong with a master says more than a dead sentinel;
	 * the first such answer came from the sentinel asked first. */
	if (merr[0] != '\0')
		vrp_redis_conn_err(k, "%.60s: no master: %.190s", r->desc,
		    merr);
	else
		vrp_redis_conn_err(k, "%.60s: no master: no sentinel of %zu "
		    "named one (last: %.150s)", r->desc, n, serr);
	return -1;
}
