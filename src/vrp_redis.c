/*
 * vrp_redis.c - VRP sets in Redis generations: URLs, connections, the
 * writer, the strict reader and the watcher thread.  See vrp_redis.h for
 * the contract and docs/redis.md for the key layout.
 *
 * Invariants:
 *  - NS vrp:current only ever names a generation whose meta hash says
 *    complete=1 and whose chunks all exist without a TTL: the switch
 *    script checks both and PERSISTs them in the same atomic step.
 *  - Generation ids only grow (INCR NS vrp:seq); the switch refuses to
 *    move the pointer backwards, so of two racing loaders the newer wins
 *    and garbage collection never deletes a generation newer than the
 *    current one or the previous one (the grace generation for readers
 *    that are still reading it).
 *  - Every reply is type-checked before use; only top-level replies are
 *    freed (hiredis owns the elements).
 *
 * One data record, 32 bytes, integers big-endian:
 *
 *    0      1      2        3          4            8             16
 *   +------+------+--------+----------+------------+-------------+----------+
 *   |family| len  | maxlen | ta index | asn (u32)  | expires(i64)| addr (16)|
 *   +------+------+--------+----------+------------+-------------+----------+
 *   family 4 or 6; IPv4 addresses use addr[0..3] and the rest is zero.
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

#define REC_SIZE	32
#define CHUNK_MAX	(VRP_REDIS_CHUNK * 4)	/* cap on chunk_records */
#define NS_MAX		64
#define KEY_MAX		(NS_MAX + 64)
#define WRITE_WINDOW	8	/* chunks in flight while writing */
#define LOAD_TRIES	3
#define BACKOFF_MAX	60
#define RECHECK		60	/* seconds between safety-net checks */
#define FORMAT_VERSION	"1"

/* One connection and its last error; the watcher owns two of these. */
struct rconn {
	const struct vrp_redis	*r;
	redisContext		*c;
	char			 err[256];
};

struct vrp_redis {
	struct vrp_redis_url	 url;
	char			 ns[NS_MAX + 1];
	char			 desc[160];	/* URL without password */
	struct rconn		 main;
	/* watcher */
	pthread_t		 thread;
	bool			 running;
	int			 wake[2];
	vrp_redis_cb		*cb;
	void			*cbarg;
	pthread_mutex_t		 lock;		/* guards the fields below */
	struct vrp_redis_status	 st;
	char			 last_sha[65];
};

static void	cerr(struct rconn *, const char *, ...) ROVMON_PRINTF(2, 3);

static void
cerr(struct rconn *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->err, sizeof(k->err), fmt, ap);
	va_end(ap);
}

/* Keys: NS name, NS vrp:gen:ID:suffix, NS vrp:gen:ID:data:N. */
static void
key_ns(const struct rconn *k, char *buf, const char *name)
{
	snprintf(buf, KEY_MAX, "%s%s", k->r->ns, name);
}

static void
key_gen(const struct rconn *k, char *buf, uint64_t id, const char *suffix)
{
	snprintf(buf, KEY_MAX, "%svrp:gen:%llu:%s", k->r->ns,
	    (unsigned long long)id, suffix);
}

static void
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
static int
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

static void
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

static redisReply *
cmdv(struct rconn *k, int argc, const char **argv, const size_t *lens)
{
	return reply_take(k, redisCommandArgv(k->c, argc, argv, lens),
	    argv[0]);
}

static redisReply *
get_reply(struct rconn *k, const char *what)
{
	void *rep = NULL;

	if (redisGetReply(k->c, &rep) != REDIS_OK)
		rep = NULL;
	return reply_take(k, rep, what);
}

/* A STATUS or INTEGER reply is all we want: consume and free it. */
static int
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

static int
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

int
vrp_redis_connect(struct vrp_redis *r)
{
	if (conn_open(&r->main) == -1) {
		log_warnx("%s", r->main.err);
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
/* SHA-256 (FIPS 180-4) of the canonical content; small and local so the
 * build needs no crypto library for one digest per load. */

struct sha256 {
	uint32_t	h[8];
	uint8_t		buf[64];
	uint64_t	len;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
sha_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] + (ROR(w[i - 15], 7) ^
		    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ROR(v[4], 6) ^ ROR(v[4], 11) ^ ROR(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		t2 = (ROR(v[0], 2) ^ ROR(v[0], 13) ^ ROR(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void
sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
}

static void
sha_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t have = s->len % 64, take;

	s->len += n;
	while (n > 0) {
		take = 64 - have < n ? 64 - have : n;
		memcpy(s->buf + have, p, take);
		p += take;
		n -= take;
		if ((have += take) == 64) {
			sha_block(s, s->buf);
			have = 0;
		}
	}
}

static void
sha_final(struct sha256 *s, char hex[65])
{
	uint8_t pad[72] = { 0x80 };
	uint64_t bits = s->len * 8;
	size_t padlen = 64 - (s->len + 8) % 64;
	int i;

	if (padlen == 0)
		padlen = 64;
	for (i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	sha_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x",
		    (unsigned)(s->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* ------------------------------------------------------------------ */
/* Records */

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void
pack(const struct vrp *v, uint8_t *p)
{
	memset(p, 0, REC_SIZE);
	p[0] = v->prefix.family;
	p[1] = v->prefix.len;
	p[2] = v->maxlen;
	p[3] = v->ta;
	put_be(p + 4, v->asn, 4);
	put_be(p + 8, (uint64_t)v->expires, 8);
	memcpy(p + 16, v->prefix.a, v->prefix.family == ADDR_V6 ? 16 : 4);
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

static void
content_hash(const struct vrp_set *set, char hex[65])
{
	struct sha256 s;
	uint8_t rec[REC_SIZE];
	size_t i;

	sha_init(&s);
	for (i = 0; i < set->nta; i++)
		sha_update(&s, set->ta[i], strlen(set->ta[i]) + 1);
	for (i = 0; i < set->n; i++) {
		pack(&set->v[i], rec);
		sha_update(&s, rec, REC_SIZE);
	}
	sha_final(&s, hex);
}

/* ------------------------------------------------------------------ */
/* Reader */

/* NS vrp:current and NS vrp:previous; "no current generation" is -1. */
static int
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

enum { M_VERSION, M_COMPLETE, M_COUNT, M_CHUNKS, M_CHUNKREC, M_RECSIZE,
    M_NTAS, M_GENERATED, M_LOADED, M_CHECKED, M_OLDEST, M_NUM };
static const char *const meta_names[M_NUM] = { "version", "complete",
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

static int
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
 * (STRLEN, set NULL), pipelined.  On failure the connection is closed
 * since replies may still be pending on it.
 */
static int
read_chunks(struct rconn *k, const struct vrp_redis_meta *m,
    struct vrp_set *set, char *const *tas, size_t ntas)
{
	char key[KEY_MAX];
	redisReply *rep = NULL;
	size_t i, j, want;

	for (i = 0; i < m->chunks; i++) {
		key_chunk(k, key, m->gen, i);
		if (redisAppendCommand(k->c, set ? "GET %s" : "STRLEN %s",
		    key) != REDIS_OK) {
			cerr(k, "out of memory");
			goto fail;
		}
	}
	for (i = 0; i < m->chunks; i++) {
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
	conn_close(k);
	return -1;
}

static struct vrp_set *
load_gen(struct rconn *k, const struct vrp_redis_meta *m)
{
	char key[KEY_MAX], *tas[VRP_TA_MAX];
	const char *argv[4] = { "LRANGE", key, "0", "-1" };
	struct vrp_set *set = NULL;
	redisReply *rep;
	size_t i;

	key_gen(k, key, m->gen, "tas");
	if ((rep = cmdv(k, 4, argv, NULL)) == NULL)
		return NULL;
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
	if ((set = vrp_set_new()) == NULL ||
	    read_chunks(k, m, set, tas, rep->elements) == -1)
		goto fail;
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
	goto done;
 fail:
	if (k->err[0] == '\0')
		cerr(k, "out of memory");
	vrp_set_free(set);
	set = NULL;
 done:
	freeReplyObject(rep);
	return set;
}

/* The current generation, retried if a newer load replaced it meanwhile. */
static struct vrp_set *
load_current(struct rconn *k, struct vrp_redis_meta *m)
{
	struct vrp_set *set;
	uint64_t cur, prev, now;
	int i;

	for (i = 0; i < LOAD_TRIES; i++) {
		k->err[0] = '\0';
		if (read_ids(k, &cur, &prev) == -1)
			return NULL;
		if (read_meta(k, cur, m) == 0 && (set = load_gen(k, m)) != NULL)
			return set;
		if (read_ids(k, &now, &prev) == -1 || now == cur)
			return NULL;
		log_debug("generation %llu replaced while reading; retrying",
		    (unsigned long long)cur);
	}
	return NULL;
}

int
vrp_redis_load_current(struct vrp_redis *r, struct vrp_set **out,
    uint64_t *gen)
{
	struct vrp_redis_meta m;
	struct vrp_set *set;

	if ((set = load_current(&r->main, &m)) == NULL) {
		log_warnx("%s", r->main.err);
		return -1;
	}
	pthread_mutex_lock(&r->lock);
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
	struct rconn *k = &r->main;
	uint64_t cur, prev, now;
	int i;

	for (i = 0; i < LOAD_TRIES; i++) {
		if (read_ids(k, &cur, &prev) == -1)
			break;
		if (read_meta(k, cur, m) == 0 &&
		    read_chunks(k, m, NULL, NULL, 0) == 0) {
			m->previous = prev;
			m->bytes = m->count * REC_SIZE;
			return 0;
		}
		if (read_ids(k, &now, &prev) == -1 || now == cur)
			break;
	}
	log_warnx("%s", k->err);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Writer */

/*
 * Make generation ARGV[1] current if it is complete and newer than the
 * current one; PERSIST its keys (written with a TTL so that a killed
 * loader's leftovers expire), remember the old one as previous, publish.
 * KEYS: current, previous, the new meta.  ARGV: id, channel, key prefix.
 */
static const char switch_lua[] =
"local m = redis.call('HMGET', KEYS[3], 'complete', 'chunks')\n"
"if m[1] ~= '1' then return redis.error_reply("
"'generation ' .. ARGV[1] .. ' is not complete') end\n"
"local cur = redis.call('GET', KEYS[1])\n"
"if cur and tonumber(cur) >= tonumber(ARGV[1]) then return "
"redis.error_reply('generation ' .. cur .. ' is current and newer') end\n"
"for i = 0, tonumber(m[2]) - 1 do\n"
"  local d = ARGV[3] .. 'data:' .. i\n"
"  if redis.call('EXISTS', d) == 0 then return redis.error_reply("
"'generation ' .. ARGV[1] .. ': chunk ' .. i .. ' missing') end\n"
"  redis.call('PERSIST', d)\n"
"end\n"
"redis.call('PERSIST', KEYS[3])\n"
"redis.call('PERSIST', ARGV[3] .. 'tas')\n"
"redis.call('SET', KEYS[1], ARGV[1])\n"
"if cur then redis.call('SET', KEYS[2], cur) end\n"
"redis.call('PUBLISH', ARGV[2], ARGV[1])\n"
"return tonumber(cur or '0')\n";

static int
write_meta(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr, const char *sha)
{
	char key[KEY_MAX], num[M_NUM][24], ttl[16];
	const char *argv[2 + 2 * (M_NUM + 3)];
	unsigned long long v[M_NUM];
	int i, argc = 2;

	v[M_VERSION] = 1;
	v[M_COMPLETE] = 0;		/* set to 1 after the last chunk */
	v[M_COUNT] = set->n;
	v[M_CHUNKS] = (set->n + cr - 1) / cr;
	v[M_CHUNKREC] = cr;
	v[M_RECSIZE] = REC_SIZE;
	v[M_NTAS] = set->nta;
	v[M_GENERATED] = set->generated > 0 ? (uint64_t)set->generated : 0;
	v[M_LOADED] = set->loaded > 0 ? (uint64_t)set->loaded :
	    (uint64_t)time(NULL);
	v[M_CHECKED] = v[M_LOADED];
	v[M_OLDEST] = set->oldest_expiry > 0 ?
	    (uint64_t)set->oldest_expiry : 0;
	key_gen(k, key, id, "meta");
	argv[0] = "HSET";
	argv[1] = key;
	for (i = 0; i < M_NUM; i++) {
		snprintf(num[i], sizeof(num[i]), "%llu", v[i]);
		argv[argc++] = meta_names[i];
		argv[argc++] = num[i];
	}
	argv[argc++] = "source";
	argv[argc++] = set->source != NULL ? set->source : "";
	argv[argc++] = "format";
	argv[argc++] = set->format;
	argv[argc++] = "sha256";
	argv[argc++] = sha;
	if (strlen(argv[argc - 5]) >= sizeof(((struct vrp_redis_meta *)0)->
	    source)) {
		cerr(k, "source name longer than %d bytes", 511);
		return -1;
	}
	snprintf(ttl, sizeof(ttl), "%d", VRP_REDIS_PARTIAL_TTL);
	if (expect_ok(k, cmdv(k, argc, argv, NULL)) == -1)
		return -1;
	argv[0] = "EXPIRE";
	argv[2] = ttl;
	return expect_ok(k, cmdv(k, 3, argv, NULL));
}

static int
write_chunks(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr)
{
	char key[KEY_MAX], ttl[16];
	const char *argv[5] = { "SET", key, NULL, "EX", ttl };
	size_t lens[5] = { 3, 0, 0, 2, 0 };
	size_t chunks = (set->n + cr - 1) / cr, i, j, n, inflight = 0;
	uint8_t *buf;
	int rv = -1;

	if ((buf = malloc(cr * REC_SIZE)) == NULL) {
		cerr(k, "out of memory");
		return -1;
	}
	lens[4] = (size_t)snprintf(ttl, sizeof(ttl), "%d",
	    VRP_REDIS_PARTIAL_TTL);
	argv[2] = (const char *)buf;
	for (i = 0; i < chunks; i++) {
		n = set->n - i * cr < cr ? set->n - i * cr : cr;
		for (j = 0; j < n; j++)
			pack(&set->v[i * cr + j], buf + j * REC_SIZE);
		key_chunk(k, key, id, i);
		lens[1] = strlen(key);
		lens[2] = n * REC_SIZE;
		if (redisAppendCommandArgv(k->c, 5, argv, lens) != REDIS_OK) {
			cerr(k, "out of memory");
			goto done;
		}
		/* A window of chunks in flight: pipelined, bounded memory. */
		if (++inflight == WRITE_WINDOW || i + 1 == chunks)
			for (; inflight > 0; inflight--)
				if (expect_ok(k, get_reply(k, "SET")) == -1)
					goto done;
	}
	rv = 0;
 done:
	if (rv == -1)
		conn_close(k);	/* replies may be pending */
	free(buf);
	return rv;
}

static int
write_tas(struct rconn *k, uint64_t id, const struct vrp_set *set)
{
	char key[KEY_MAX], ttl[16];
	const char *argv[2 + VRP_TA_MAX];
	unsigned i;

	if (set->nta == 0)
		return 0;
	key_gen(k, key, id, "tas");
	argv[0] = "RPUSH";
	argv[1] = key;
	for (i = 0; i < set->nta && i < VRP_TA_MAX; i++)
		argv[2 + i] = set->ta[i];
	if (expect_ok(k, cmdv(k, 2 + (int)i, argv, NULL)) == -1)
		return -1;
	snprintf(ttl, sizeof(ttl), "%d", VRP_REDIS_PARTIAL_TTL);
	argv[0] = "EXPIRE";
	argv[2] = ttl;
	return expect_ok(k, cmdv(k, 3, argv, NULL));
}

static int
del_key(struct rconn *k, const char *key)
{
	const char *argv[2] = { "DEL", key };

	return expect_ok(k, cmdv(k, 2, argv, NULL));
}

/* Delete one generation: the keys its meta names, else whatever SCAN
 * finds under its prefix (a loader died before or without meta). */
static int
drop_gen(struct rconn *k, uint64_t id)
{
	char key[KEY_MAX], pat[KEY_MAX], cursor[24] = "0";
	const char *argv[6] = { "SCAN", cursor, "MATCH", pat, "COUNT", "1000" };
	redisReply *rep;
	size_t i;

	key_gen(k, pat, id, "*");
	do {
		if ((rep = cmdv(k, 6, argv, NULL)) == NULL)
			return -1;
		if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
		    rep->element[0]->type != REDIS_REPLY_STRING ||
		    rep->element[0]->len >= sizeof(cursor) ||
		    rep->element[1]->type != REDIS_REPLY_ARRAY) {
			cerr(k, "SCAN: unexpected reply");
			freeReplyObject(rep);
			return -1;
		}
		memcpy(cursor, rep->element[0]->str, rep->element[0]->len);
		cursor[rep->element[0]->len] = '\0';
		for (i = 0; i < rep->element[1]->elements; i++)
			if (rep->element[1]->element[i]->type ==
			    REDIS_REPLY_STRING && del_key(k,
			    rep->element[1]->element[i]->str) == -1) {
				freeReplyObject(rep);
				return -1;
			}
		freeReplyObject(rep);
	} while (strcmp(cursor, "0") != 0);
	key_ns(k, key, "vrp:gens");
	argv[0] = "SREM";
	argv[1] = key;
	snprintf(cursor, sizeof(cursor), "%llu", (unsigned long long)id);
	argv[2] = cursor;
	return expect_ok(k, cmdv(k, 3, argv, NULL));
}

/* Keep the current and previous generations and any newer one (another
 * loader may be writing it); delete the rest. */
static void
gc(struct rconn *k, uint64_t cur, uint64_t prev)
{
	char key[KEY_MAX];
	const char *argv[2] = { "SMEMBERS", key };
	unsigned long long id;
	redisReply *rep;
	size_t i;

	key_ns(k, key, "vrp:gens");
	if ((rep = cmdv(k, 2, argv, NULL)) == NULL)
		goto fail;
	for (i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements; i++)
		if (rep->element[i]->type == REDIS_REPLY_STRING &&
		    parse_num(rep->element[i]->str, rep->element[i]->len,
		    UINT64_MAX, &id) == 0 && id < cur && id != prev &&
		    drop_gen(k, id) == -1) {
			freeReplyObject(rep);
			goto fail;
		}
	freeReplyObject(rep);
	return;
 fail:
	log_warnx("cleaning old generations: %s (retried next load)", k->err);
}

static int
write_gen(struct rconn *k, uint64_t id, const struct vrp_set *set,
    size_t cr, const char *sha)
{
	char key[KEY_MAX], ids[24];
	const char *argv[4] = { "SADD", key, ids, NULL };

	key_ns(k, key, "vrp:gens");
	snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
	if (expect_ok(k, cmdv(k, 3, argv, NULL)) == -1 ||
	    write_meta(k, id, set, cr, sha) == -1 ||
	    write_chunks(k, id, set, cr) == -1 ||
	    write_tas(k, id, set) == -1)
		return -1;
	/* Last: only now is the generation complete. */
	key_gen(k, key, id, "meta");
	argv[0] = "HSET";
	argv[2] = "complete";
	argv[3] = "1";
	return expect_ok(k, cmdv(k, 4, argv, NULL));
}

static int
switch_gen(struct rconn *k, uint64_t id, uint64_t *prev)
{
	char kc[KEY_MAX], kp[KEY_MAX], km[KEY_MAX], ch[KEY_MAX], pre[KEY_MAX];
	char ids[24];
	const char *argv[9] = { "EVAL", switch_lua, "3", kc, kp, km, ids, ch,
	    pre };
	redisReply *rep;

	key_ns(k, kc, "vrp:current");
	key_ns(k, kp, "vrp:previous");
	key_gen(k, km, id, "meta");
	key_ns(k, ch, "vrp:updates");
	key_gen(k, pre, id, "");
	snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
	if ((rep = cmdv(k, 9, argv, NULL)) == NULL)
		return -1;
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer < 0) {
		cerr(k, "switch: unexpected reply");
		freeReplyObject(rep);
		return -1;
	}
	*prev = (uint64_t)rep->integer;
	freeReplyObject(rep);
	return 0;
}

int
vrp_redis_store(struct vrp_redis *r, const struct vrp_set *set,
    size_t cr, uint64_t *gen)
{
	struct rconn *k = &r->main;
	struct vrp_redis_meta m;
	char sha[65], key[KEY_MAX], now[24];
	const char *argv[4] = { "HSET", key, "checked", now };
	const char *argv1[2] = { "INCR", key };
	uint64_t cur, prev;
	redisReply *rep;

	k->err[0] = '\0';
	if (cr == 0)
		cr = VRP_REDIS_CHUNK;
	if (set->n == 0 || set->n > VRP_MAX_COUNT || cr > CHUNK_MAX) {
		cerr(k, "refusing to store %zu VRPs in chunks of %zu", set->n,
		    cr);
		goto fail;
	}
	content_hash(set, sha);
	if (read_ids(k, &cur, &prev) == 0 && read_meta(k, cur, &m) == 0 &&
	    strcmp(m.sha256, sha) == 0) {
		key_gen(k, key, cur, "meta");
		snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
		if (expect_ok(k, cmdv(k, 4, argv, NULL)) == -1)
			goto fail;
		*gen = cur;
		return 0;
	}
	if (conn_open(k) == -1)
		goto fail;
	key_ns(k, key, "vrp:seq");
	if ((rep = cmdv(k, 2, argv1, NULL)) == NULL)
		goto fail;
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer <= 0) {
		cerr(k, "INCR %s: unexpected reply", key);
		freeReplyObject(rep);
		goto fail;
	}
	*gen = (uint64_t)rep->integer;
	freeReplyObject(rep);
	if (write_gen(k, *gen, set, cr, sha) == -1 ||
	    switch_gen(k, *gen, &prev) == -1)
		goto fail;
	gc(k, *gen, prev);
	return 1;
 fail:
	log_warnx("%s: storing VRPs: %s", r->desc, k->err);
	return -1;
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
	struct vrp_set *set;
	uint64_t cur, prev;
	bool same;

	k->err[0] = '\0';
	if (read_ids(k, &cur, &prev) == -1 || read_meta(k, cur, &m) == -1)
		goto fail;
	pthread_mutex_lock(&r->lock);
	same = r->st.generation == cur && strcmp(r->last_sha, m.sha256) == 0;
	r->st.last_check = time(NULL);
	pthread_mutex_unlock(&r->lock);
	if (same)
		return 0;
	if ((set = load_current(k, &m)) == NULL)
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
