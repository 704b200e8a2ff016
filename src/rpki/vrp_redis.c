/*
 * vrp_redis.c - the Redis handle of VRP generations: keys, connections
 * and commands (every reply checked), opening and closing a handle, and
 * the status bookkeeping the reader and the watcher share.  URLs are in
 * vrp_redis_url.c, a Sentinel URL's master in vrp_redis_sentinel.c, the
 * reader in vrp_redis_read.c, the watcher thread in vrp_redis_watch.c,
 * the writer in vrp_redis_store.c.  See vrp_redis.h
 * for the contract, vrp_redis_internal.h for the invariants and the
 * record layout, and docs/redis.md for the key layout.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

void
vrp_redis_conn_err(struct rconn *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, ap);
	va_end(ap);
}

/* Keys: NS name, NS vrp:gen:ID:suffix, NS vrp:gen:ID:data:N. */
void
vrp_redis_key_ns(const struct rconn *k, char *buf, const char *name)
{
	snprintf(buf, KEY_MAX, "%s%s", k->r->ns, name);
}

void
vrp_redis_key_gen(const struct rconn *k, char *buf, uint64_t id,
    const char *suffix)
{
	snprintf(buf, KEY_MAX, "%svrp:gen:%llu:%s", k->r->ns,
	    (unsigned long long)id, suffix);
}

void
vrp_redis_key_chunk(const struct rconn *k, char *buf, uint64_t id, size_t n)
{
	snprintf(buf, KEY_MAX, "%svrp:gen:%llu:data:%zu", k->r->ns,
	    (unsigned long long)id, n);
}

/* ------------------------------------------------------------------ */
/* Connections and commands */

void
vrp_redis_conn_close(struct rconn *k)
{
	if (k->c != NULL)
		redisFree(k->c);
	k->c = NULL;
}

/* A reply, or NULL with k->err set; error replies count as failures. */
static redisReply *
reply_take(struct rconn *k, redisReply *rep, const char *what)
{
	if (rep == NULL) {
		vrp_redis_conn_err(k, "%s: %s", what, k->c->errstr[0] ?
		    k->c->errstr : "connection lost");
		/* A failed context cannot be reused. */
		vrp_redis_conn_close(k);
		return NULL;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		vrp_redis_conn_err(k, "%s: %.*s", what, (int)rep->len,
		    rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

redisReply *
vrp_redis_cmdv(struct rconn *k, int argc, const char **argv, const size_t *lens)
{
	return reply_take(k, redisCommandArgv(k->c, argc, argv, lens),
	    argv[0]);
}

redisReply *
vrp_redis_get_reply(struct rconn *k, const char *what)
{
	void *rep = NULL;

	if (redisGetReply(k->c, &rep) != REDIS_OK)
		rep = NULL;
	return reply_take(k, rep, what);
}

/* A STATUS or INTEGER reply is all we want: consume and free it. */
int
vrp_redis_expect_ok(struct rconn *k, redisReply *rep)
{
	if (rep == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_STATUS &&
	    rep->type != REDIS_REPLY_INTEGER) {
		vrp_redis_conn_err(k, "unexpected reply type %d", rep->type);
		freeReplyObject(rep);
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

int
vrp_redis_conn_connect(struct rconn *k, const char *host, int port,
    const char *path, const char *what)
{
	const struct vrp_redis_url *u = &k->r->url;
	struct timeval tv = { VRP_REDIS_TIMEOUT, 0 };
	const char *argv[3];
	char db[16];

	k->c = path != NULL ? redisConnectUnixWithTimeout(path, tv) :
	    redisConnectWithTimeout(host, port, tv);
	if (k->c == NULL || k->c->err) {
		vrp_redis_conn_err(k, "%s: connect: %s", what,
		    k->c != NULL ? k->c->errstr : "out of memory");
		vrp_redis_conn_close(k);
		return -1;
	}
	if (redisSetTimeout(k->c, tv) != REDIS_OK)
		log_debug("%s: cannot set a command timeout", what);
	/* Keepalive finds a vanished peer (TCP only; on a unix socket
	 * hiredis would flag the context as failed). */
	if (path == NULL && redisEnableKeepAlive(k->c) != REDIS_OK) {
		vrp_redis_conn_err(k, "%s: keepalive: %s", what,
		    k->c->errstr);
		vrp_redis_conn_close(k);
		return -1;
	}
	if (u->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = u->user != NULL ? u->user : u->password;
		argv[2] = u->password;
		if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k,
		    u->user != NULL ? 3 : 2, argv, NULL)) == -1)
			goto fail;
	}
	if (u->db != 0) {
		snprintf(db, sizeof(db), "%d", u->db);
		argv[0] = "SELECT";
		argv[1] = db;
		if (vrp_redis_expect_ok(k, vrp_redis_cmdv(k, 2, argv, NULL))
		    == -1)
			goto fail;
	}
	return 0;
 fail:
	{
		char tmp[sizeof(k->err)];

		snprintf(tmp, sizeof(tmp), "%.100s: %.150s", what, k->err);
		memcpy(k->err, tmp, sizeof(tmp));
	}
	vrp_redis_conn_close(k);
	return -1;
}

int
vrp_redis_conn_open(struct rconn *k)
{
	const struct vrp_redis_url *u = &k->r->url;

	if (k->c != NULL)
		return 0;
	if (u->master != NULL)
		return vrp_redis_sentinel_open(k);
	return vrp_redis_conn_connect(k, u->host, u->port, u->path,
	    k->r->desc);
}

static void
describe(struct vrp_redis *r)
{
	const struct vrp_redis_url *u = &r->url;

	if (u->master != NULL)
		snprintf(r->desc, sizeof(r->desc), "redis sentinel %s db %d",
		    u->master, u->db);
	else if (u->path != NULL)
		snprintf(r->desc, sizeof(r->desc), "redis unix:%s db %d",
		    u->path, u->db);
	else
		snprintf(r->desc, sizeof(r->desc), "redis %s:%d db %d",
		    u->host, u->port, u->db);
}

struct vrp_redis *
vrp_redis_open(const char *url, const char *ns)
{
	struct vrp_redis *r;
	char err[160];
	size_t i;

	if (ns == NULL)
		ns = VRP_REDIS_DEFAULT_NS;
	if (strlen(ns) > NS_MAX) {
		log_warnx("namespace longer than %d characters", NS_MAX);
		return NULL;
	}
	for (i = 0; ns[i] != '\0'; i++)
		if (ns[i] <= ' ' || ns[i] > '~' || ns[i] == '*' ||
		    ns[i] == '?' || ns[i] == '[' || ns[i] == '\\') {
			log_warnx("namespace: character %zu must be printable "
			    "ASCII and not a space or glob character", i + 1);
			return NULL;
		}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("vrp_redis_open");
		return NULL;
	}
	if (vrp_redis_url_parse(url, &r->url, err, sizeof(err)) == -1) {
		log_warnx("bad Redis URL: %s", err);
		free(r);
		return NULL;
	}
	memcpy(r->ns, ns, strlen(ns) + 1);
	describe(r);
	r->st.sentinel = r->url.master != NULL;
	atomic_init(&r->master_changes, 0);
	r->main.r = r;
	r->wake[0] = r->wake[1] = -1;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

void
vrp_redis_close(struct vrp_redis *r)
{
	if (r == NULL)
		return;
	vrp_redis_watch_stop(r);
	vrp_redis_conn_close(&r->main);
	vrp_redis_url_clear(&r->url);
	pthread_mutex_destroy(&r->lock);
	free(r);
}


int
vrp_redis_connect(struct vrp_redis *r)
{
	if (vrp_redis_conn_open(&r->main) == -1) {
		/* Kept for the stats line: the watcher retries later. */
		vrp_redis_note_error(r, r->main.err, false);
		return -1;
	}
	return 0;
}

const char *
vrp_redis_error(const struct vrp_redis *r)
{
	return r->main.err;
}

void
vrp_redis_note_error(struct vrp_redis *r, const char *err, bool quiet)
{
	bool changed;

	pthread_mutex_lock(&r->lock);
	changed = strcmp(r->st.last_error, err) != 0;
	snprintf(r->st.last_error, sizeof(r->st.last_error), "%s", err);
	r->st.retries++;
	pthread_mutex_unlock(&r->lock);
	if (changed && !quiet)
		log_warnx("%s", err);
}

/*
 * Count a generation refused for its content once, however often the
 * watcher retries it; true the first time.
 */
bool
vrp_redis_note_refused(struct vrp_redis *r, uint64_t gen)
{
	bool first;

	pthread_mutex_lock(&r->lock);
	if ((first = r->st.refused_gen != gen)) {
		r->st.refused_gen = gen;
		r->st.refused++;
	}
	pthread_mutex_unlock(&r->lock);
	return first;
}
