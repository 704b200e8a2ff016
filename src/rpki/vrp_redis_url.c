/*
 * vrp_redis_url.c - Redis URLs (redis://, rediss:// refused, unix://,
 * redis-sentinel://):
 * parsing with percent-decoding and strict numbers, and freeing what the
 * parse allocated.  Owns vrp_redis_url_parse/_clear and
 * vrp_redis_parse_num; the connections that use a URL are in vrp_redis.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "rpki/vrp_redis.h"
#include "rpki/vrp_redis_internal.h"

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
vrp_redis_parse_num(const char *s, size_t n, unsigned long long max,
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
			if (vrp_redis_parse_num(eq + 1, n, 1000000, &v) == -1) {
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

/*
 * host[:port] or [v6addr][:port] between s and end: *host allocated,
 * *port set when given.  what names the part in errors ("" for the one
 * host of a redis:// URL, "sentinel 2: " in a sentinel list).
 */
static int
url_hostport(const char *s, const char *end, char **host, int *port,
    const char *what, char *err, size_t elen)
{
	const char *hend, *p;
	unsigned long long v;

	if (*s == '[') {
		if ((hend = memchr(s, ']', (size_t)(end - s))) == NULL) {
			snprintf(err, elen, "%sunterminated '[' in host", what);
			return -1;
		}
		*host = strndup(s + 1, (size_t)(hend - s - 1));
		p = hend + 1;
	} else {
		hend = memchr(s, ':', (size_t)(end - s));
		p = hend != NULL ? hend : end;
		*host = strndup(s, (size_t)(p - s));
	}
	if (*host == NULL || (*host)[0] == '\0') {
		snprintf(err, elen, "%smissing host", what);
		return -1;
	}
	if (*p == ':') {
		if (vrp_redis_parse_num(p + 1, (size_t)(end - p - 1), 65535,
		    &v) == -1 || v == 0) {
			snprintf(err, elen, "%sport must be 1..65535", what);
			return -1;
		}
		*port = (int)v;
	} else if (p != end) {
		snprintf(err, elen, "%sjunk after host", what);
		return -1;
	}
	return 0;
}

static int
url_tcp(const char *s, struct vrp_redis_url *u, char *err, size_t elen)
{
	const char *end = s + strcspn(s, "/?");
	unsigned long long v;

	if (*(s + strcspn(s, "?")) != '\0') {
		snprintf(err, elen, "redis:// URLs take no query; use /DB");
		return -1;
	}
	if (url_userinfo(&s, end, u, err, elen) == -1 ||
	    url_hostport(s, end, &u->host, &u->port, "", err, elen) == -1)
		return -1;
	if (*end == '/' && end[1] != '\0') {
		if (vrp_redis_parse_num(end + 1, strlen(end + 1), 1000000,
		    &v) == -1) {
			snprintf(err, elen, "db (the path) must be a number");
			return -1;
		}
		u->db = (int)v;
	}
	return 0;
}

/*
 * redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/NAME[/db]
 * The hosts are Sentinels (default port 26379); NAME is the master's
 * name in their configuration; user, password and db are the master's.
 */
static int
url_sentinel(const char *s, struct vrp_redis_url *u, char *err, size_t elen)
{
	const char *end = s + strcspn(s, "/?"), *comma, *name, *nend;
	struct vrp_redis_hostport *h;
	char what[32];
	unsigned long long v;
	size_t i;

	if (*(s + strcspn(s, "?")) != '\0') {
		snprintf(err, elen, "redis-sentinel:// URLs take no query; "
		    "use /MASTERNAME/DB");
		return -1;
	}
	if (url_userinfo(&s, end, u, err, elen) == -1)
		return -1;
	for (;;) {
		comma = memchr(s, ',', (size_t)(end - s));
		if (u->nsentinels == VRP_REDIS_SENTINELS_MAX) {
			snprintf(err, elen, "more than %d sentinels",
			    VRP_REDIS_SENTINELS_MAX);
			return -1;
		}
		h = &u->sentinel[u->nsentinels++];
		h->port = VRP_REDIS_SENTINEL_PORT;
		snprintf(what, sizeof(what), "sentinel %zu: ", u->nsentinels);
		if (url_hostport(s, comma != NULL ? comma : end, &h->host,
		    &h->port, what, err, elen) == -1)
			return -1;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	if (*end != '/' || end[1] == '\0' || end[1] == '/') {
		snprintf(err, elen, "missing /MASTERNAME after the sentinels");
		return -1;
	}
	name = end + 1;
	nend = name + strcspn(name, "/");
	for (i = 0; name + i < nend; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    strchr("._:-", name[i]) == NULL) {
			snprintf(err, elen, "master name: character %zu must "
			    "be a letter, digit, '.', '_', ':' or '-'", i + 1);
			return -1;
		}
	if (i > VRP_REDIS_MASTER_MAX) {
		snprintf(err, elen, "master name longer than %d characters",
		    VRP_REDIS_MASTER_MAX);
		return -1;
	}
	if ((u->master = strndup(name, i)) == NULL) {
		snprintf(err, elen, "out of memory");
		return -1;
	}
	if (*nend == '/' && nend[1] != '\0') {
		if (vrp_redis_parse_num(nend + 1, strlen(nend + 1), 1000000,
		    &v) == -1) {
			snprintf(err, elen, "db (after the master name) must "
			    "be a number");
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
	} else if (strncmp(s, "redis-sentinel://", 17) == 0)
		rv = url_sentinel(s + 17, u, err, elen);
	else if (strncmp(s, "rediss://", 9) == 0)
		snprintf(err, elen, "TLS (rediss://) is not supported");
	else
		snprintf(err, elen, "expected redis://, unix://, "
		    "redis+unix:// or redis-sentinel://");
 done:
	if (rv == -1)
		vrp_redis_url_clear(u);
	return rv;
}

void
vrp_redis_url_clear(struct vrp_redis_url *u)
{
	size_t i;

	for (i = 0; i < u->nsentinels; i++)
		free(u->sentinel[i].host);
	free(u->master);
	free(u->host);
	free(u->path);
	free(u->user);
	if (u->password != NULL)
		explicit_bzero(u->password, strlen(u->password));
	free(u->password);
	memset(u, 0, sizeof(*u));
}
