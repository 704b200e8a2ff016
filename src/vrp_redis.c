/*
 * vrp_redis.c - VRP sets in Redis generations: URLs, connections, the
 * strict reader and the watcher thread; the writer is vrp_redis_store.c.
 * See vrp_redis.h for the contract, vrp_redis_internal.h for the
 * invariants and the record layout, and docs/redis.md for the key layout.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "vrp_redis.h"
#include "vrp_redis_internal.h"

#define READ_WINDOW	32	/* chunk reads in flight (read_chunks) */
#define LOAD_TRIES	3
#define BACKOFF_MAX	60
#define RECHECK		60	/* seconds between safety-net checks */

void
cerr(struct rconn *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, ap);
	va_end(ap);
}

/* Keys: NS name, NS vrp:gen:ID:suffix, NS vrp:gen:ID:data:N. */
void
key_ns(const struct rconn *k, char *buf, const char *name)
{
	snprintf(buf, KEY_MAX, "%s%s", k->r->ns, name);
}

void
key_gen(const struct rconn *k, char *buf, uint64_t id, const char *suffix)
{
	snprintf(buf, KEY_MAX, "%svrp:gen:%llu:%s", k->r->ns,
	    (unsigned long long)id, suffix);
}

void
key_chunk(const struct rconn *k, char *buf, uint64_t id, size_t n)
{
	snprintf(buf, KEY_MAX, "%svrp:gen:%llu:data:%zu", k->r->ns,
	    (unsigned long long)id, n);
}

/* ------------------------------------------------------------------ */
/* URLs */

static int
pct_decode(const char *s, size_t n, char **out)
{
	char *d;
	size_t i, j = 0;
	unsigned v;

	if ((d = malloc(n + 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			d[j++] = s[i];
			continue;
		}
		if (n - i < 3 || !isxdigit((unsigned char)s[i + 1]) ||
		    !isxdigit((unsigned char)s[i + 2]) ||
		    sscanf(s + i + 1, "%2x", &v) != 1 || v == 0) {
			free(d);
			return -1;
		}
		d[j++] = (char)v;
		i += 2;
	}
	d[j] = '\0';
	*out = d;
	return 0;
}

/* Decimal digits only, no sign, within [min, max]. */
int
parse_num(const char *s, size_t n, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (unsigned)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
url_query(const char *q, struct vrp_redis_url *u, char *err, size_t elen)
{
	unsigned long long v;
	const char *amp, *eq;
	size_t n;

	for (; *q != '\0'; q = *amp ? amp + 1 : amp) {
		amp = q + strcspn(q, "&");
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq == NULL) {
			snprintf(err, elen, "query parameter without '='");
			return -1;
		}
		n = (size_t)(amp - eq - 1);
		if (eq - q == 2 && strncmp(q, "db", 2) == 0) {
			if (parse_num(eq + 1, n, 1000000, &v) == -1) {
				snprintf(err, elen, "db is not a number");
				return -1;
			}
			u->db = (int)v;
		} else if (eq - q == 8 && strncmp(q, "password", 8) == 0) {
			free(u->password);
			u->password = NULL;
			if (pct_decode(eq + 1, n, &u->password) == -1) {
				snprintf(err, elen, "bad %%-escape in password");
				return -1;
			}
		} else if (eq - q == 4 && strncmp(q, "user", 4) == 0) {
			free(u->user);
			u->user = NULL;
			if (pct_decode(eq + 1, n, &u->user) == -1) {
				snprintf(err, elen, "bad %%-escape in user");
				return -1;
			}
		} else {
			snprintf(err, elen, "unknown query parameter '%.*s'",
			    (int)(eq - q), q);
			return -1;
		}
	}
	return 0;
}

/* [user]:password@ in front of the host, if present. */
static int
url_userinfo(const char **sp, const char *end, struct vrp_redis_url *u,
    char *err, size_t elen)
{
	const char *s = *sp, *at, *colon;

	at = memchr(s, '@', (size_t)(end - s));
	if (at == NULL)
		return 0;
	colon = memchr(s, ':', (size_t)(at - s));
	if (colon == NULL) {
		snprintf(err, elen, "user info needs ':password' before '@'");
		return -1;
	}
	if (colon > s && pct_decode(s, (size_t)(colon - s), &u->user) == -1) {
		snprintf(err, elen, "bad %%-escape in user");
		return -1;
	}
	if (pct_decode(colon + 1, (size_t)(at - colon - 1), &u->password) ==
	    -1) {
		snprintf(err, elen, "bad %%-escape in password");
		return -1;
	}
	*sp = at + 1;
	return 0;
}

static int
url_tcp(const char *s, struct vrp_redis_url *u, char *err, size_t elen)
{
	const char *end = s + strcspn(s, "/?"), *hend, *p;
	unsigned long long v;

	if (*(s + strcspn(s, "?")) != '\0') {
		snprintf(err, elen, "redis:// URLs take no query; use /DB");
		return -1;
	}
	if (url_userinfo(&s, end, u, err, elen) == -1)
		return -1;
	if (*s == '[') {
		if ((hend = memchr(s, ']', (size_t)(end - s))) == NULL) {
			snprintf(err, elen, "unterminated '[' in host");
			return -1;
		}
		u->host = strndup(s + 1, (size_t)(hend - s - 1));
		p = hend + 1;
	} else {
		hend = memchr(s, ':', (size_t)(end - s));
		p = hend != NULL ? hend : end;
		u->host = strndup(s, (size_t)(p - s));
	}
	if (u->host == NULL || u->host[0] == '\0') {
		snprintf(err, elen, "missing host");
		return -1;
	}
	if (*p == ':') {
		if (parse_num(p + 1, (size_t)(end - p - 1), 65535, &v) == -1 ||
		    v == 0) {
			snprintf(err, elen, "port must be 1..65535");
			return -1;
		}
		u->port = (int)v;
	} else if (p != end) {
		snprintf(err, elen, "junk after host");
		return -1;
	}
	if (*end == '/' && end[1] != '\0') {
		if (parse_num(end + 1, strlen(end + 1), 1000000, &v) == -1) {
			snprintf(err, elen, "db (the path) must be a number");
			return -1;
		}
		u->db = (int)v;
	}
	return 0;
}

int
vrp_redis_url_parse(const char *s, struct vrp_redis_url *u, char *err,
    size_t elen)
{
	const char *q;
	int rv = -1;

	memset(u, 0, sizeof(*u));
	u->port = 6379;
	if (strncmp(s, "redis://", 8) == 0)
		rv = url_tcp(s + 8, u, err, elen);
	else if (strncmp(s, "unix://", 7) == 0 ||
	    strncmp(s, "redis+unix://", 13) == 0) {
		s += s[0] == 'u' ? 7 : 13;
		if (url_userinfo(&s, s + strcspn(s, "/"), u, err, elen) == -1)
			goto done;
		q = s + strcspn(s, "?");
		if (*s != '/' || q == s + 1) {
			snprintf(err, elen, "unix URLs need an absolute path "
			    "(unix:///path/to/socket)");
			goto done;
		}
		if ((u->path = strndup(s, (size_t)(q - s))) == NULL)
			goto done;
		rv = *q == '?' ? url_query(q + 1, u, err, elen) : 0;
	} else if (strncmp(s, "rediss://", 9) == 0)
		snprintf(err, elen, "TLS (rediss://) is not supported");
	else
		snprintf(err, elen, "expected redis://, unix:// or "
		    "redis+unix://");
 done:
	if (rv == -1)
		vrp_redis_url_clear(u);
	return rv;
}

void
vrp_redis_url_clear(struct vrp_redis_url *u)
{
	free(u->host);
	free(u->path);
	free(u->user);
	if (u->password != NULL)
		explicit_bzero(u->password, strlen(u->password));
	free(u->password);
	memset(u, 0, sizeof(*u));
}

/* ------------------------------------------------------------------ */
/* Connections and commands */

void
conn_close(struct rconn *k)
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
		cerr(k, "%s: %s", what, k->c->errstr[0] ? k->c->errstr :
		    "connection lost");
		conn_close(k);	/* a failed context cannot be reused */
		return NULL;
	}
	if (rep->type == REDIS_REPLY_ERROR) {
		cerr(k, "%s: %.*s", what, (int)rep->len, rep->str);
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

redisReply *
cmdv(struct rconn *k, int argc, const char **argv, const size_t *lens)
{
	return reply_take(k, redisCommandArgv(k->c, argc, argv, lens),
	    argv[0]);
}

redisReply *
get_reply(struct rconn *k, const char *what)
{
	void *rep = NULL;

	if (redisGetReply(k->c, &rep) != REDIS_OK)
		rep = NULL;
	return reply_take(k, rep, what);
}

/* A STATUS or INTEGER reply is all we want: consume and free it. */
int
expect_ok(struct rconn *k, redisReply *rep)
{
	if (rep == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_STATUS &&
	    rep->type != REDIS_REPLY_INTEGER) {
		cerr(k, "unexpected reply type %d", rep->type);
		freeReplyObject(rep);
		return -1;
	}
	freeReplyObject(rep);
	return 0;
}

int
conn_open(struct rconn *k)
{
	const struct vrp_redis_url *u = &k->r->url;
	struct timeval tv = { VRP_REDIS_TIMEOUT, 0 };
	const char *argv[3];
	char db[16];

	if (k->c != NULL)
		return 0;
	k->c = u->path != NULL ? redisConnectUnixWithTimeout(u->path, tv) :
	    redisConnectWithTimeout(u->host, u->port, tv);
	if (k->c == NULL || k->c->err) {
		cerr(k, "%s: connect: %s", k->r->desc,
		    k->c != NULL ? k->c->errstr : "out of memory");
		conn_close(k);
		return -1;
	}
	if (redisSetTimeout(k->c, tv) != REDIS_OK)
		log_debug("%s: cannot set a command timeout", k->r->desc);
	/* Keepalive finds a vanished peer (TCP only; on a unix socket
	 * hiredis would flag the context as failed). */
	if (u->path == NULL && redisEnableKeepAlive(k->c) != REDIS_OK) {
		cerr(k, "%s: keepalive: %s", k->r->desc, k->c->errstr);
		conn_close(k);
		return -1;
	}
	if (u->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = u->user != NULL ? u->user : u->password;
		argv[2] = u->password;
		if (expect_ok(k, cmdv(k, u->user != NULL ? 3 : 2, argv, NULL))
		    == -1)
			goto fail;
	}
	if (u->db != 0) {
		snprintf(db, sizeof(db), "%d", u->db);
		argv[0] = "SELECT";
		argv[1] = db;
		if (expect_ok(k, cmdv(k, 2, argv, NULL)) == -1)
			goto fail;
	}
	return 0;
 fail:
	{
		char tmp[sizeof(k->err)];

		snprintf(tmp, sizeof(tmp), "%.100s: %.150s", k->r->desc, k->err);
		memcpy(k->err, tmp, sizeof(tmp));
	}
	conn_close(k);
	return -1;
}

static void
describe(struct vrp_redis *r)
{
	const struct vrp_redis_url *u = &r->url;

	if (u->path != NULL)
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
	conn_close(&r->main);
	vrp_redis_url_clear(&r->url);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void note_error(struct vrp_redis *, const char *, bool);

int
vrp_redis_connect(struct vrp_redis *r)
{
	if (conn_open(&r->main) == -1) {
		/* Kept for the stats line: the watcher retries later. */
		note_error(r, r->main.err, false);
		return -1;
	}
	return 0;
}

const char *
vrp_redis_error(const struct vrp_redis *r)
{
	return r->main.err;
}


/* ------------------------------------------------------------------ */
/* Records */

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Check one record as strictly as a VRP file line and add it. */
static int
unpack(struct rconn *k, const uint8_t *p, struct vrp_set *set,
    char *const *tas, size_t ntas, size_t idx)
{
	struct prefix pfx;
	const char *why = "?";
	size_t i;

	memset(&pfx, 0, sizeof(pfx));
	pfx.family = p[0];
	pfx.len = p[1];
	if (pfx.family != ADDR_V4 && pfx.family != ADDR_V6)
		why = "address family not 4 or 6";
	else if (pfx.len > addr_maxlen(pfx.family))
		why = "prefix length too long";
	else if (p[3] >= ntas)
		why = "trust anchor index out of range";
	else {
		for (i = pfx.family == ADDR_V4 ? 4 : 16; i < 16; i++)
			if (p[16 + i] != 0)
				break;
		memcpy(pfx.a, p + 16, 16);
		if (i < 16)
			why = "IPv4 record with bytes past the address";
		else if (prefix_mask(&pfx))
			why = "host bits set past the prefix length";
		else if (vrp_set_add(set, &pfx, p[2], get_be(p + 4, 4),
		    tas[p[3]], (int64_t)get_be(p + 8, 8), &why) == 0)
			return 0;
	}
	cerr(k, "record %zu: %s", idx, why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reader */

/* NS vrp:current and NS vrp:previous; "no current generation" is -1. */
int
read_ids(struct rconn *k, uint64_t *cur, uint64_t *prev)
{
	char kc[KEY_MAX], kp[KEY_MAX];
	const char *argv[3] = { "MGET", kc, kp };
	unsigned long long v[2] = { 0, 0 };
	redisReply *rep;
	size_t i;
	int rv = -1;

	key_ns(k, kc, "vrp:current");
	key_ns(k, kp, "vrp:previous");
	if (conn_open(k) == -1 || (rep = cmdv(k, 3, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
		cerr(k, "MGET: unexpected reply");
		goto done;
	}
	for (i = 0; i < 2; i++) {
		const redisReply *e = rep->element[i];

		if (e->type == REDIS_REPLY_NIL)
			continue;
		if (e->type != REDIS_REPLY_STRING ||
		    parse_num(e->str, e->len, UINT64_MAX, &v[i]) == -1) {
			cerr(k, "%s is not a generation number", argv[i + 1]);
			goto done;
		}
	}
	if (v[0] == 0)
		cerr(k, "%s: no current generation (nothing loaded yet)",
		    k->r->desc);
	else {
		*cur = v[0];
		*prev = v[1];
		rv = 0;
	}
 done:
	freeReplyObject(rep);
	return rv;
}

const char *const meta_names[M_NUM] = { "version", "complete",
    "count", "chunks", "chunk_records", "record_size", "ntas", "generated",
    "loaded", "checked", "oldest_expiry" };

static int
meta_field(struct rconn *k, const redisReply *n, const redisReply *v,
    unsigned long long *num, unsigned *seen, struct vrp_redis_meta *m)
{
	size_t i;

	for (i = 0; i < M_NUM; i++)
		if (n->len == strlen(meta_names[i]) &&
		    memcmp(n->str, meta_names[i], n->len) == 0) {
			if (parse_num(v->str, v->len, INT64_MAX, &num[i]) == 0) {
				*seen |= 1u << i;
				return 0;
			}
			cerr(k, "meta %s: not a number", meta_names[i]);
			return -1;
		}
	if (n->len == 6 && memcmp(n->str, "source", 6) == 0) {
		if (v->len >= sizeof(m->source))
			goto bad;
		memcpy(m->source, v->str, v->len);
	} else if (n->len == 6 && memcmp(n->str, "format", 6) == 0) {
		if (v->len >= sizeof(m->format))
			goto bad;
		memcpy(m->format, v->str, v->len);
	} else if (n->len == 6 && memcmp(n->str, "sha256", 6) == 0) {
		if (v->len != 64 || strspn(v->str, "0123456789abcdef") != 64)
			goto bad;
		memcpy(m->sha256, v->str, 64);
	}
	return 0;		/* unknown fields: newer writers may add some */
 bad:
	cerr(k, "meta %.*s: bad value", (int)n->len, n->str);
	return -1;
}

int
read_meta(struct rconn *k, uint64_t id, struct vrp_redis_meta *m)
{
	unsigned long long num[M_NUM];
	char key[KEY_MAX];
	const char *argv[2] = { "HGETALL", key };
	redisReply *rep;
	unsigned seen = 0;
	size_t i;
	int rv = -1;

	memset(m, 0, sizeof(*m));
	key_gen(k, key, id, "meta");
	if (conn_open(k) == -1 || (rep = cmdv(k, 2, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements % 2 != 0) {
		cerr(k, "%s: not a hash", key);
		goto done;
	}
	for (i = 0; i < rep->elements; i += 2) {
		if (rep->element[i]->type != REDIS_REPLY_STRING ||
		    rep->element[i + 1]->type != REDIS_REPLY_STRING) {
			cerr(k, "%s: non-string field", key);
			goto done;
		}
		if (meta_field(k, rep->element[i], rep->element[i + 1], num,
		    &seen, m) == -1)
			goto done;
	}
	if (rep->elements == 0)
		cerr(k, "%s: missing", key);
	else if (seen != (1u << M_NUM) - 1 || m->sha256[0] == '\0')
		cerr(k, "%s: fields missing", key);
	else if (num[M_VERSION] != 1 || num[M_RECSIZE] != REC_SIZE)
		cerr(k, "%s: unknown version or record size", key);
	else if (num[M_COMPLETE] != 1)
		cerr(k, "generation %llu is not complete",
		    (unsigned long long)id);
	else if (num[M_CHUNKREC] == 0 || num[M_CHUNKREC] > CHUNK_MAX ||
	    num[M_COUNT] > VRP_MAX_COUNT || num[M_NTAS] > VRP_TA_MAX ||
	    num[M_CHUNKS] != (num[M_COUNT] + num[M_CHUNKREC] - 1) /
	    num[M_CHUNKREC])
		cerr(k, "%s: count, chunks or chunk_records out of range "
		    "or inconsistent", key);
	else {
		m->gen = id;
		m->count = num[M_COUNT];
		m->chunks = num[M_CHUNKS];
		m->chunk_records = num[M_CHUNKREC];
		m->generated = (int64_t)num[M_GENERATED];
		m->loaded = (int64_t)num[M_LOADED];
		m->checked = (int64_t)num[M_CHECKED];
		m->oldest_expiry = (int64_t)num[M_OLDEST];
		m->bytes = (size_t)num[M_NTAS];	/* ntas until chunks read */
		rv = 0;
	}
 done:
	freeReplyObject(rep);
	return rv;
}

/*
 * Fetch every chunk (GET, decoded into set) or just check their lengths
 * (STRLEN, set NULL), pipelined.  0; -1 when what Redis holds is refused
 * (a missing chunk, a wrong type or length, a bad record, an error
 * reply); -2 when no reply came (connection lost, protocol error), which
 * says nothing about the generation.  On failure the connection is
 * closed since replies may still be pending on it.
 */
static int
read_chunks(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set *set, char *const *tas, size_t ntas)
{
	char key[KEY_MAX];
	redisReply *rep = NULL;
	size_t i, j, want, sent = 0;
	int rv;

	/*
	 * Pipelined, but at most READ_WINDOW requests ahead of the replies:
	 * a generation's meta may claim millions of tiny chunks, and queuing
	 * them all first would grow hiredis's output buffer without bound
	 * (found by fuzz_redis_reply, tests/fuzz/README.md).
	 */
	for (i = 0; i < m->chunks; i++) {
		for (; sent < m->chunks && sent < i + READ_WINDOW; sent++) {
			key_chunk(k, key, m->gen, sent);
			if (redisAppendCommand(k->c, set ? "GET %s" :
			    "STRLEN %s", key) != REDIS_OK) {
				cerr(k, "out of memory");
				goto fail;
			}
		}
		want = m->count - i * m->chunk_records;
		if (want > m->chunk_records)
			want = m->chunk_records;
		if ((rep = get_reply(k, "chunk")) == NULL)
			goto fail;
		if ((set != NULL && rep->type == REDIS_REPLY_NIL) ||
		    (set == NULL && rep->type == REDIS_REPLY_INTEGER &&
		    rep->integer == 0)) {
			cerr(k, "generation %llu: chunk %zu missing (replaced "
			    "while reading?)", (unsigned long long)m->gen, i);
			goto fail;
		}
		if ((set != NULL && (rep->type != REDIS_REPLY_STRING ||
		    rep->len != want * REC_SIZE)) || (set == NULL &&
		    (rep->type != REDIS_REPLY_INTEGER ||
		    (size_t)rep->integer != want * REC_SIZE))) {
			cerr(k, "generation %llu: chunk %zu: wrong type or "
			    "length (want %zu records of %d bytes)",
			    (unsigned long long)m->gen, i, want, REC_SIZE);
			goto fail;
		}
		for (j = 0; set != NULL && j < want; j++)
			if (unpack(k, (const uint8_t *)rep->str + j * REC_SIZE,
			    set, tas, ntas, i * m->chunk_records + j) == -1)
				goto fail;
		freeReplyObject(rep);
	}
	return 0;
 fail:
	freeReplyObject(rep);
	/* reply_take() closes the context when no reply came at all. */
	rv = k->c == NULL ? -2 : -1;
	conn_close(k);
	return rv;
}

/*
 * The generation m describes: its trust-anchor list, then every chunk and
 * record.  0 and *out (the caller frees it); -1 when what Redis holds is
 * refused (or memory ran out), -2 when the connection failed; k->err says
 * why.
 */
static int
load_gen(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set **out)
{
	char key[KEY_MAX], *tas[VRP_TA_MAX];
	const char *argv[4] = { "LRANGE", key, "0", "-1" };
	struct vrp_set *set = NULL;
	redisReply *rep;
	size_t i;
	int rv = -1;

	key_gen(k, key, m->gen, "tas");
	if ((rep = cmdv(k, 4, argv, NULL)) == NULL)
		return k->c == NULL ? -2 : -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != m->bytes) {
		cerr(k, "%s: not a list of %zu names", key, m->bytes);
		goto done;
	}
	for (i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i];

		if (e->type != REDIS_REPLY_STRING || e->len == 0 ||
		    e->len > 255 || strlen(e->str) != e->len) {
			cerr(k, "%s: element %zu is not a name", key, i);
			goto done;
		}
		tas[i] = e->str;
	}
	if ((set = vrp_set_new()) == NULL)
		goto fail;
	if ((rv = read_chunks(k, m, set, tas, rep->elements)) != 0)
		goto fail;
	rv = -1;
	vrp_set_finish(set);
	if (set->n != m->count) {
		cerr(k, "generation %llu: %zu distinct VRPs, meta says %zu",
		    (unsigned long long)m->gen, set->n, m->count);
		goto fail;
	}
	if ((set->source = strdup(m->source)) == NULL)
		goto fail;
	memcpy(set->format, m->format, sizeof(set->format));
	set->generated = m->generated;
	set->loaded = m->loaded;
	set->oldest_expiry = m->oldest_expiry;
	*out = set;
	rv = 0;
	goto done;
 fail:
	if (k->err[0] == '\0')
		cerr(k, "out of memory");
	vrp_set_free(set);
 done:
	freeReplyObject(rep);
	return rv;
}

/*
 * The current generation, retried if a newer load replaced it meanwhile:
 * loaded into *out (out NULL: only the meta hash and the chunk lengths
 * are checked), m filled in, previous and bytes included.  0; or -1 with
 * k->err set and *refused the generation that Redis still names current
 * but whose content was refused: 0 when the failure was reaching Redis or
 * reading the pointer, which says nothing about any generation.
 */
static int
read_current(struct rconn *k, struct vrp_redis_meta *m,
    struct vrp_set **out, uint64_t *refused)
{
	uint64_t cur, prev, now;
	int i, rv;

	*refused = 0;
	for (i = 0; i < LOAD_TRIES; i++) {
		k->err[0] = '\0';
		if (read_ids(k, &cur, &prev) == -1)
			return -1;
		/* read_meta() leaves the context open unless no reply came. */
		if ((rv = read_meta(k, cur, m)) == -1 && k->c == NULL)
			rv = -2;
		if (rv == 0)
			rv = out != NULL ? load_gen(k, m, out) :
			    read_chunks(k, m, NULL, NULL, 0);
		if (rv == 0) {
			m->previous = prev;
			m->bytes = m->count * REC_SIZE;
			return 0;
		}
		/* Still current: the generation itself is at fault. */
		if (read_ids(k, &now, &prev) == -1)
			return -1;
		if (now == cur) {
			if (rv == -1)
				*refused = cur;
			return -1;
		}
		log_debug("generation %llu replaced while reading; retrying",
		    (unsigned long long)cur);
	}
	return -1;
}

/*
 * Count a generation refused for its content once, however often the
 * watcher retries it; true the first time.
 */
static bool
note_refused(struct vrp_redis *r, uint64_t gen)
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

int
vrp_redis_load_current(struct vrp_redis *r, struct vrp_set **out,
    uint64_t *gen)
{
	struct vrp_redis_meta m;
	struct vrp_set *set = NULL;
	uint64_t refused;

	if (read_current(&r->main, &m, &set, &refused) == -1) {
		/* Kept for the stats line: the watcher retries later. */
		note_error(r, r->main.err, false);
		if (refused != 0)
			note_refused(r, refused);
		return -1;
	}
	pthread_mutex_lock(&r->lock);
	r->st.last_error[0] = '\0';
	r->st.generation = m.gen;
	r->st.count = set->n;
	r->st.last_load = r->st.last_check = time(NULL);
	memcpy(r->last_sha, m.sha256, sizeof(r->last_sha));
	pthread_mutex_unlock(&r->lock);
	*out = set;
	*gen = m.gen;
	return 0;
}

int
vrp_redis_current_meta(struct vrp_redis *r, struct vrp_redis_meta *m)
{
	if (vrp_redis_check_current(r, m, NULL) == -1) {
		log_warnx("%s", r->main.err);
		return -1;
	}
	return 0;
}

int
vrp_redis_check_current(struct vrp_redis *r, struct vrp_redis_meta *m,
    struct vrp_set **out)
{
	struct vrp_set *set = NULL;
	uint64_t refused;

	memset(m, 0, sizeof(*m));
	if (read_current(&r->main, m, out != NULL ? &set : NULL,
	    &refused) == -1) {
		m->gen = refused;
		return -1;
	}
	if (out != NULL)
		*out = set;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Watcher thread */

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

	key_ns(k, ch, "vrp:updates");
	if (conn_open(k) == -1 || (rep = cmdv(k, 2, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(rep->element[0]->str, "subscribe") != 0) {
		cerr(k, "SUBSCRIBE %s: unexpected reply", ch);
		freeReplyObject(rep);
		conn_close(k);
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
			cerr(k, "subscription: %s", k->c->errstr);
			conn_close(k);
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
		cerr(k, "%s: subscription lost: %s", r->desc,
		    k->c->errstr[0] ? k->c->errstr : "connection closed");
		conn_close(k);
		return -1;
	}
	return sub_wait(r, k, 0) == 1 ? 1 : 0;
}

static void
note_error(struct vrp_redis *r, const char *err, bool quiet)
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

/* Compare Redis's current generation with ours; load and hand over. */
static int
check(struct vrp_redis *r, struct rconn *k)
{
	struct vrp_redis_meta m;
	struct vrp_set *set = NULL;
	uint64_t cur, prev, refused = 0;
	bool same;

	k->err[0] = '\0';
	if (read_ids(k, &cur, &prev) == -1)
		goto fail;
	if (read_meta(k, cur, &m) == 0) {
		pthread_mutex_lock(&r->lock);
		same = r->st.generation == cur &&
		    strcmp(r->last_sha, m.sha256) == 0;
		r->st.last_check = time(NULL);
		pthread_mutex_unlock(&r->lock);
		if (same)
			return 0;
	} else if (k->c == NULL)
		goto fail;	/* Redis went away: no verdict on the data */
	/* A bad meta hash too: read_current() tells a refused generation
	 * from one replaced while it was being read. */
	if (read_current(k, &m, &set, &refused) == -1)
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
	note_error(r, k->err, false);
	if (refused != 0 && note_refused(r, refused))
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
			conn_close(&cmd);
			if (sub_open(&sub) == -1) {
				if (!down)
					log_warnx("%s (down; retrying every "
					    "1..%d s)", sub.err, BACKOFF_MAX);
				down = true;
				set_connected(r, false);
				note_error(r, sub.err, true);
				if (nap(r, (int)backoff * 1000))
					break;
				backoff = backoff * 2 > BACKOFF_MAX ?
				    BACKOFF_MAX : backoff * 2;
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
			if (check(r, &cmd) == 0) {
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
			log_warnx("%s (down; retrying every 1..%d s)", sub.err,
			    BACKOFF_MAX);
			down = true;
			set_connected(r, false);
			note_error(r, sub.err, true);
			if (nap(r, 1000))
				break;
		}
	}
	conn_close(&sub);
	conn_close(&cmd);
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
	if ((e = pthread_create(&r->thread, NULL, watch_main, r)) != 0) {
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

void
vrp_redis_status(struct vrp_redis *r, struct vrp_redis_status *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->st;
	pthread_mutex_unlock(&r->lock);
}
