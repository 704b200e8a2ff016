/*
 * rovctl - the operator's tool for rovmon's VRP data: load VRP files or
 * URLs into Redis generations, look at what is loaded, validate a route
 * by hand, and watch generations change.  See usage() and docs/redis.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "log.h"
#include "rov.h"
#include "version.h"
#include "vrp_load.h"
#include "vrp_redis.h"

/*
 * Exit codes (also in usage(), rovctl(8) and docs/redis.md).  2 is a
 * usage error, as for rovmon, so that a mistyped prefix can never read as
 * an answer; "not found" is 5.
 */
#define EX_VALID	0	/* validate: valid; others: success */
#define EX_INVALID	1
#define EX_USAGE	2	/* usage: one line, usage_error() */
#define EX_ERROR	3	/* other error */
#define EX_UNAVAIL	4	/* VRP source or Redis unavailable/refused */
#define EX_NOTFOUND	5	/* validate: not found; show: no VRP */

struct opts {
	const char	*from, *redis, *ns, *vrps, *prefix, *asn;
	unsigned long	 interval, count, chunk;
	int		 json, quick;
};

static volatile sig_atomic_t stop;

static void
usage(FILE *f)
{
	fprintf(f,
"usage: rovctl vrp load --from FILE|URL [--redis URL] [--interval SECONDS]\n"
"       rovctl vrp status [--redis URL] [--quick] [--json]\n"
"       rovctl vrp show --prefix PREFIX | --asn ASN [--vrps FILE|URL |\n"
"                       --redis URL] [--json]\n"
"       rovctl vrp watch [--redis URL] [--count N]\n"
"       rovctl validate PREFIX ASN [--vrps FILE|URL | --redis URL] [--json]\n"
"status loads the current generation as a sensor does (every record\n"
"  checked); --quick reads only its meta hash and chunk lengths.\n"
"common: --namespace NS (default %s), -v (more log output)\n"
"Redis URLs: redis://[[user]:password@]host[:port][/db],\n"
"  unix:///path/to/socket[?db=N&password=P] (or redis+unix://).\n"
"Without --vrps or --redis: $ROVMON_REDIS, else %s\n"
"  (validate and show say which on stderr).\n"
"ASN: 13335, AS13335, asdot 1.10 (= 65546).  --version: the version.\n"
"exit codes: 0 valid / success, 1 invalid, 2 usage error, 3 other error,\n"
"  4 VRP source or Redis unavailable or refused (nothing loaded,\n"
"  unreachable, bad data; status: a generation a sensor would refuse),\n"
"  5 not found (validate) or no VRP matched (show).\n",
	    VRP_REDIS_DEFAULT_NS, VRP_REDIS_DEFAULT_URL);
}

/* A usage error: one line naming the culprit and where help is. */
static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rovctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try 'rovctl --help'\n", stderr);
	return EX_USAGE;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Decimal digits only, at most max: 0 or -1. */
static int
parse_uint(const char *s, const char *e, unsigned long long max,
    unsigned long long *v)
{
	*v = 0;
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (unsigned long long)(*s - '0');
		if (*v > max)
			return -1;
	}
	return 0;
}

/*
 * An AS number as bgpctl takes it: asplain (65546) or asdot (1.10 =
 * 1 * 65536 + 10, RFC 5396), with or without "AS" in front.  0, or
 * -1 with the reason in err.
 */
static int
parse_asn(const char *text, uint32_t *asn, char *err, size_t errlen)
{
	unsigned long long hi, lo;
	const char *s = text, *dot, *end;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	end = s + strlen(s);
	if ((dot = strchr(s, '.')) == NULL) {
		if (parse_uint(s, end, UINT32_MAX, &lo) == 0) {
			*asn = (uint32_t)lo;
			return 0;
		}
		if (parse_uint(s, end, ~0ULL / 10 - 9, &lo) == 0)
			snprintf(err, errlen, "%s: AS number out of range "
			    "(0 to 4294967295)", text);
		else
			snprintf(err, errlen, "%s: not an AS number (13335, "
			    "AS13335 or asdot 1.10)", text);
		return -1;
	}
	if (parse_uint(s, dot, ~0ULL / 10 - 9, &hi) == -1 ||
	    parse_uint(dot + 1, end, ~0ULL / 10 - 9, &lo) == -1) {
		snprintf(err, errlen, "%s: not an AS number (13335, AS13335 "
		    "or asdot 1.10)", text);
		return -1;
	}
	if (hi > 65535 || lo > 65535) {
		snprintf(err, errlen, "%s: asdot AS number out of range (each "
		    "half 0 to 65535)", text);
		return -1;
	}
	*asn = (uint32_t)(hi << 16 | lo);
	return 0;
}

static const char *
redis_url(const struct opts *o)
{
	const char *env = getenv("ROVMON_REDIS");

	if (o->redis != NULL)
		return o->redis;
	return env != NULL && *env != '\0' ? env : VRP_REDIS_DEFAULT_URL;
}

/*
 * validate and show print an answer: when no --vrps or --redis was given,
 * say on stderr which VRPs it came from (the URL without its password).
 */
static void
say_default_source(const struct opts *o)
{
	const char *env = getenv("ROVMON_REDIS");
	bool from_env = env != NULL && *env != '\0';
	struct vrp_redis_url u;
	char err[256], where[600];

	if (o->vrps != NULL || o->redis != NULL)
		return;
	if (vrp_redis_url_parse(redis_url(o), &u, err, sizeof(err)) == -1)
		return;		/* vrp_redis_open() will say why */
	if (u.path != NULL)
		snprintf(where, sizeof(where), "unix://%s", u.path);
	else
		snprintf(where, sizeof(where), "redis://%s:%d", u.host, u.port);
	vrp_redis_url_clear(&u);
	log_warnx("no --vrps or --redis: using the VRPs in Redis at %s%s",
	    where, from_env ? " ($ROVMON_REDIS)" : " (the default; "
	    "$ROVMON_REDIS is not set)");
}

static const char *
fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, len, "unknown");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *
fmt_age(int64_t secs, char *buf, size_t len)
{
	const char *sign = secs < 0 ? "-" : "";

	if (secs < 0)
		secs = -secs;
	if (secs >= 86400)
		snprintf(buf, len, "%s%lldd%lldh", sign, (long long)secs / 86400,
		    (long long)secs % 86400 / 3600);
	else if (secs >= 3600)
		snprintf(buf, len, "%s%lldh%lldm", sign, (long long)secs / 3600,
		    (long long)secs % 3600 / 60);
	else
		snprintf(buf, len, "%s%lldm%llds", sign, (long long)secs / 60,
		    (long long)secs % 60);
	return buf;
}

/* The VRP set from --vrps or Redis; *gen 0 for a file. */
static int
get_set(const struct opts *o, struct vrp_set **set, uint64_t *gen)
{
	struct vrp_redis *r;
	int rv;

	*gen = 0;
	if (o->vrps != NULL) {
		if (o->redis != NULL)
			return usage_error("--vrps and --redis: choose one "
			    "source of VRPs");
		*set = vrp_load(o->vrps);
		return *set != NULL ? 0 : EX_UNAVAIL;
	}
	say_default_source(o);
	if ((r = vrp_redis_open(redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	rv = vrp_redis_load_current(r, set, gen) == 0 ? 0 : EX_UNAVAIL;
	vrp_redis_close(r);
	return rv;
}

/*
 * Field names as in the route log and the alerts (docs/route-log.md,
 * docs/alerts.md: max_length, origin_as), not rpki-client's maxLength:
 * one spelling per field across rovmon's outputs.
 */
static json_t *
vrp_json(const struct vrp_set *set, const struct vrp *v)
{
	char p[PREFIX_STRLEN];

	return json_pack("{s:s, s:i, s:I, s:s, s:I}", "prefix",
	    prefix_fmt(&v->prefix, p, sizeof(p)), "max_length", v->maxlen,
	    "asn", (json_int_t)v->asn, "ta",
	    v->ta < set->nta ? set->ta[v->ta] : "?", "expires",
	    (json_int_t)v->expires);
}

static void
vrp_line(FILE *f, const struct vrp_set *set, const struct vrp *v)
{
	char p[PREFIX_STRLEN], t[32];

	fprintf(f, "%s-%u AS%u %s expires %s", prefix_fmt(&v->prefix, p,
	    sizeof(p)), v->maxlen, v->asn, v->ta < set->nta ? set->ta[v->ta] :
	    "?", fmt_time(v->expires, t, sizeof(t)));
}

static void
json_out(json_t *j)
{
	if (j == NULL) {
		log_warnx("building JSON output failed");
		return;
	}
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

static int
cmd_validate(const struct opts *o, int argc, char **argv)
{
	struct rov_result res;
	struct rov_index *idx;
	struct vrp_set *set;
	const struct vrp_set *s;
	struct prefix p;
	char ps[PREFIX_STRLEN];
	const char *reason;
	uint32_t asn;
	uint64_t gen;
	json_t *j, *a;
	char err[256];
	unsigned i;
	int rv;

	if (argc != 2)
		return usage_error("validate needs PREFIX and ASN, got %d "
		    "argument%s", argc, argc == 1 ? "" : "s");
	if (prefix_parse_strict(argv[0], &p, err, sizeof(err)) == -1 ||
	    parse_asn(argv[1], &asn, err, sizeof(err)) == -1)
		return usage_error("%s", err);
	if ((rv = get_set(o, &set, &gen)) != 0)
		return rv;
	if ((idx = rov_index_build(set)) == NULL) {
		log_warnx("building the ROV index failed");
		vrp_set_free(set);
		return EX_ERROR;
	}
	s = rov_index_set(idx);
	rov_check(idx, &p, true, asn, &res);
	reason = rov_reason_name(res.reason);
	prefix_fmt(&p, ps, sizeof(ps));
	if (o->json) {
		a = json_array();
		for (i = 0; i < res.nvrps; i++)
			json_array_append_new(a, vrp_json(s, res.vrps[i]));
		j = json_pack("{s:s, s:I, s:s, s:s?, s:I, s:o, s:{s:s?, s:I}}",
		    "prefix", ps, "origin_as", (json_int_t)asn, "state",
		    rov_state_name(res.state), "reason", reason, "covering",
		    (json_int_t)res.ncovering, "vrps", a, "data", "source",
		    s->source, "generation", (json_int_t)gen);
		json_out(j);
	} else {
		printf("%s AS%u: %s", ps, asn, rov_state_name(res.state));
		if (reason != NULL)
			printf(" (%s)", reason);
		printf("; %u covering VRP%s", res.ncovering,
		    res.ncovering == 1 ? "" : "s");
		for (i = 0; i < res.nvrps; i++) {
			fputs(i == 0 ? ": " : ", ", stdout);
			vrp_line(stdout, s, res.vrps[i]);
		}
		if (res.nvrps < res.ncovering && res.state != ROV_VALID)
			printf(", ...");
		putchar('\n');
	}
	rv = res.state == ROV_VALID ? EX_VALID : res.state == ROV_INVALID ?
	    EX_INVALID : EX_NOTFOUND;
	rov_index_free(idx);
	return rv;
}

static int
cmd_show(const struct opts *o)
{
	struct vrp_set *set;
	struct prefix p;
	const struct vrp *v;
	uint32_t asn = 0;
	uint64_t gen;
	json_t *a = NULL;
	size_t i, n = 0;
	char err[256], ps[PREFIX_STRLEN];
	int rv;

	if ((o->prefix == NULL) == (o->asn == NULL))
		return usage_error("vrp show needs one of --prefix PREFIX and "
		    "--asn ASN");
	if (o->prefix != NULL &&
	    prefix_parse_strict(o->prefix, &p, err, sizeof(err)) == -1)
		return usage_error("%s", err);
	if (o->asn != NULL && parse_asn(o->asn, &asn, err, sizeof(err)) == -1)
		return usage_error("%s", err);
	if ((rv = get_set(o, &set, &gen)) != 0)
		return rv;
	if (o->json && (a = json_array()) == NULL)
		goto done;
	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		if (o->prefix != NULL ? !prefix_covers(&v->prefix, &p) &&
		    !prefix_covers(&p, &v->prefix) : v->asn != asn)
			continue;
		n++;
		if (a != NULL)
			json_array_append_new(a, vrp_json(set, v));
		else {
			vrp_line(stdout, set, v);
			putchar('\n');
		}
	}
	if (a != NULL)
		json_out(a);
	else if (n == 0 && o->prefix != NULL)	/* an answer, not silence */
		printf("no VRP covers %s or lies within it\n",
		    prefix_fmt(&p, ps, sizeof(ps)));
	else if (n == 0)
		printf("no VRP for AS%u\n", asn);
 done:
	vrp_set_free(set);
	return n > 0 ? 0 : EX_NOTFOUND;
}

/*
 * Text from Redis (a meta field's name or value in an error, the source)
 * as printable ASCII: jansson refuses invalid UTF-8, and the whole JSON
 * answer would be lost for one hostile byte.
 */
static void
printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/*
 * The current generation cannot be used: say why, naming the generation
 * when there is one (a sensor would refuse it and keep its previous set).
 */
static void
status_refused(const struct opts *o, const struct vrp_redis_meta *m,
    const char *err)
{
	char why[256];

	snprintf(why, sizeof(why), "%s", err);
	printable(why);
	if (m->gen != 0)
		log_warnx("generation %llu refused (a sensor would keep its "
		    "previous set): %s", (unsigned long long)m->gen, why);
	else
		log_warnx("%s", why);
	if (o->json)
		json_out(json_pack("{s:o, s:b, s:s}", "generation",
		    m->gen != 0 ? json_integer((json_int_t)m->gen) :
		    json_null(), "ok", 0, "error", why));
}

static json_t *
status_json(const struct vrp_redis_meta *m, const struct vrp_set *set,
    size_t expired, int64_t now)
{
	json_t *j, *tas;
	unsigned i;

	j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:s, "
	    "s:b, s:b, s:s}", "generation", (json_int_t)m->gen, "previous",
	    (json_int_t)m->previous, "count", (json_int_t)m->count, "source",
	    m->source, "format", m->format, "generated",
	    (json_int_t)m->generated, "loaded", (json_int_t)m->loaded,
	    "checked", (json_int_t)m->checked, "oldest_expiry",
	    (json_int_t)m->oldest_expiry, "sha256", m->sha256, "stale",
	    m->oldest_expiry > 0 && m->oldest_expiry < now, "ok", 1, "check",
	    set != NULL ? "full" : "quick");
	if (j == NULL || set == NULL)
		return j;
	if ((tas = json_array()) == NULL) {
		json_decref(j);
		return NULL;
	}
	for (i = 0; i < set->nta; i++)
		json_array_append_new(tas, json_string(set->ta[i]));
	json_object_set_new(j, "ipv4", json_integer((json_int_t)set->nv4));
	json_object_set_new(j, "ipv6", json_integer((json_int_t)set->nv6));
	json_object_set_new(j, "expired", json_integer((json_int_t)expired));
	json_object_set_new(j, "trust_anchors", tas);
	return j;
}

/*
 * By default the generation is loaded exactly as a sensor loads it, so
 * that "fine" here means every sensor adopts it; --quick reads only the
 * meta hash and the chunk lengths (what a sensor refuses for a corrupt
 * record or trust-anchor list passes).
 */
static int
cmd_status(const struct opts *o)
{
	struct vrp_redis_meta m;
	struct vrp_redis *r;
	struct vrp_set *set = NULL;
	char t[3][32], age[3][32];
	int64_t now = time(NULL);
	size_t expired = 0;
	unsigned i;
	int rv = EX_UNAVAIL;

	if ((r = vrp_redis_open(redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	if (vrp_redis_check_current(r, &m, o->quick ? NULL : &set) == -1) {
		status_refused(o, &m, vrp_redis_error(r));
		goto done;
	}
	rv = 0;
	if (set != NULL)
		expired = vrp_set_expired(set, now);
	if (m.oldest_expiry > 0 && m.oldest_expiry < now)
		log_warnx("warning: stale data: the oldest VRP expired %s ago "
		    "(is the validator or the loader stuck?)",
		    fmt_age(now - m.oldest_expiry, age[0], sizeof(age[0])));
	printable(m.source);
	printable(m.format);
	if (o->json) {
		json_out(status_json(&m, set, expired, now));
		goto done;
	}
	printf("generation     %llu (previous %llu)\n",
	    (unsigned long long)m.gen, (unsigned long long)m.previous);
	printf("vrps           %zu (%zu bytes in %zu chunks)", m.count,
	    m.bytes, m.chunks);
	if (set != NULL)
		printf(": %zu IPv4, %zu IPv6, %zu expired", set->nv4, set->nv6,
		    expired);
	putchar('\n');
	if (set != NULL) {
		printf("trust anchors  %u", set->nta);
		for (i = 0; i < set->nta; i++)
			printf("%s%s", i == 0 ? ": " : ", ", set->ta[i]);
		putchar('\n');
	}
	printf("source         %s\nformat         %s\n", m.source, m.format);
	printf("generated      %s\n", fmt_time(m.generated, t[0],
	    sizeof(t[0])));
	printf("loaded         %s (age %s)\n", fmt_time(m.loaded, t[1],
	    sizeof(t[1])), fmt_age(now - m.loaded, age[1], sizeof(age[1])));
	printf("checked        %s (age %s)\n", fmt_time(m.checked, t[2],
	    sizeof(t[2])), fmt_age(now - m.checked, age[2], sizeof(age[2])));
	printf("oldest expiry  %s%s\n", fmt_time(m.oldest_expiry, t[0],
	    sizeof(t[0])), m.oldest_expiry > 0 && m.oldest_expiry < now ?
	    " (STALE: already expired)" : "");
	printf("sha256         %s\n", m.sha256);
	printf("verified       %s\n", set != NULL ? "every record, as a "
	    "sensor loads it: sensors adopt this generation" :
	    "meta hash and chunk lengths only (--quick)");
 done:
	vrp_set_free(set);
	vrp_redis_close(r);
	return rv;
}

/* One load: 0 stored or unchanged, EX_UNAVAIL otherwise. */
static int
load_once(const struct opts *o, struct vrp_redis *r, struct vrp_fetch *f)
{
	struct vrp_set *set = NULL;
	uint64_t gen;
	int rv;

	if (vrp_is_url(o->from)) {
		switch (vrp_fetch_url(o->from, f, &set)) {
		case VRP_FETCH_NEW:
			break;
		case VRP_FETCH_UNCHANGED:
			printf("unchanged: %s not modified\n", o->from);
			return 0;
		default:
			return EX_UNAVAIL;
		}
	} else if ((set = vrp_load(o->from)) == NULL)
		return EX_UNAVAIL;
	rv = vrp_redis_store(r, set, o->chunk, &gen);
	if (rv == VRP_REDIS_STORE_NEW)
		printf("generation %llu: %zu VRPs from %s (%zu records "
		    "rejected)\n", (unsigned long long)gen, set->n, o->from,
		    set->rejected);
	else if (rv == VRP_REDIS_STORE_UNCHANGED)
		printf("unchanged: generation %llu has the same %zu VRPs\n",
		    (unsigned long long)gen, set->n);
	fflush(stdout);
	vrp_set_free(set);
	return rv == VRP_REDIS_STORE_FAILED ? EX_UNAVAIL : 0;
}

static int
cmd_load(const struct opts *o)
{
	struct vrp_fetch f;
	struct vrp_redis *r;
	struct timespec ts;
	int rv;

	if (o->from == NULL)
		return usage_error("vrp load needs --from FILE|URL");
	if (o->chunk > VRP_REDIS_CHUNK * 4)
		return usage_error("--chunk-records: at most %d",
		    VRP_REDIS_CHUNK * 4);
	if ((r = vrp_redis_open(redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	memset(&f, 0, sizeof(f));
	f.timeout = 60;
	for (;;) {
		rv = load_once(o, r, &f);
		if (o->interval == 0 || stop)
			break;
		/* Failures are logged; keep the current set and retry. */
		ts.tv_sec = (time_t)o->interval;
		ts.tv_nsec = 0;
		while (!stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		if (stop)
			break;
	}
	vrp_fetch_clear(&f);
	vrp_redis_close(r);
	return rv;
}

static unsigned long watch_seen;

struct watch {
	const struct opts	*o;
	struct vrp_redis	*r;
};

/* Watcher thread: one line per generation loaded or refused. */
static void
on_new(void *arg, struct vrp_set *set, uint64_t gen)
{
	const struct watch *w = arg;
	const struct opts *o = w->o;
	struct vrp_redis_status st;
	char t[32];

	if (set == NULL) {
		vrp_redis_status(w->r, &st);
		printf("generation %llu: refused: %s\n",
		    (unsigned long long)gen, st.last_error);
		fflush(stdout);
		return;
	}
	printf("generation %llu: %zu VRPs, source %s, loaded %s\n",
	    (unsigned long long)gen, set->n, set->source != NULL ?
	    set->source : "?", fmt_time(set->loaded, t, sizeof(t)));
	fflush(stdout);
	vrp_set_free(set);
	if (o->count != 0 && ++watch_seen >= o->count)
		stop = 1;
}

static int
cmd_watch(const struct opts *o)
{
	struct vrp_redis *r;
	struct watch w;
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	if ((r = vrp_redis_open(redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	w.o = o;
	w.r = r;
	if (vrp_redis_watch_start(r, on_new, &w) == -1) {
		vrp_redis_close(r);
		return EX_ERROR;
	}
	while (!stop)
		nanosleep(&ts, NULL);
	vrp_redis_close(r);	/* stops and joins the watcher */
	return 0;
}

/* The option getopt_long() refused (opterr is 0), for usage_error(). */
static int
bad_option(char **argv, int ch, const struct option *lo)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	int n = (int)strcspn(arg, "=");

	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		for (; optopt != 0 && lo->name != NULL; lo++)
			if (lo->val == optopt)
				break;
		if (ch == ':')
			return usage_error("%.*s: needs a value", n, arg);
		return usage_error(optopt == 0 ? "%.*s: unknown option" :
		    "%.*s: takes no value", n, arg);
	}
	if (ch == ':')
		return usage_error("-%c: needs a value", optopt);
	if (optopt > 0x20 && optopt < 0x7f)
		return usage_error("-%c: unknown option", optopt);
	return usage_error("%s: unknown option", arg);
}

/* 0, or EX_USAGE (said); --help and --version exit here. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "redis", required_argument, NULL, 'r' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "vrps", required_argument, NULL, 'R' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "asn", required_argument, NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "chunk-records", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quick", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long *num;
	char *end;
	int ch, idx;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:vhV", lo, &idx)) != -1) {
		num = NULL;
		switch (ch) {
		case 'f': o->from = optarg; break;
		case 'r': o->redis = optarg; break;
		case 'n': o->ns = optarg; break;
		case 'R': o->vrps = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'a': o->asn = optarg; break;
		case 'i': num = &o->interval; break;
		case 'c': num = &o->count; break;
		case 'C': num = &o->chunk; break;
		case 'j': o->json = 1; break;
		case 'q': o->quick = 1; break;
		case 'v': log_verbose++; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("rovctl %s\n", ROVMON_VERSION); exit(0);
		default: return bad_option(argv, ch, lo);
		}
		if (num != NULL) {
			errno = 0;
			*num = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] < '0' ||
			    optarg[0] > '9' || *num > 100000000)
				return usage_error("--%s: not a number from 0 "
				    "to 100000000: %s", lo[idx].name, optarg);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char cmds[] = "vrp load|status|show|watch, validate";
	struct opts o;
	struct sigaction sa;
	const char *cmd, *sub = NULL;
	int first, n, rv;
	char *pos[2];

	log_init("rovctl");
	memset(&o, 0, sizeof(o));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a dead Redis gives EPIPE */
	if (argc < 2)
		return usage_error("no command (%s)", cmds);
	cmd = argv[1];
	first = 2;
	if (cmd[0] == '-') {	/* rovctl --help, --version, -v ... */
		first = 1;
		cmd = "";
	} else if (strcmp(cmd, "vrp") == 0 && argc > 2 && argv[2][0] != '-')
		sub = argv[first++];
	/* Options and (for validate) two positionals, in any order. */
	optind = first;
	n = 0;
	while (optind < argc) {
		if ((rv = parse_opts(argc, argv, &o)) != 0)
			return rv;
		if (optind < argc) {
			if (n == 2 || strcmp(cmd, "validate") != 0)
				return usage_error("%s: unexpected argument",
				    argv[optind]);
			pos[n++] = argv[optind++];
		}
	}
	if (strcmp(cmd, "validate") == 0)
		return cmd_validate(&o, n, pos);
	if (strcmp(cmd, "vrp") != 0)
		return usage_error(*cmd == '\0' ? "no command (%s)" :
		    "%s: unknown command (%s)", *cmd == '\0' ? cmds : cmd,
		    cmds);
	if (sub == NULL)
		return usage_error("vrp: needs load, status, show or watch");
	if (strcmp(sub, "load") == 0)
		return cmd_load(&o);
	if (strcmp(sub, "status") == 0)
		return cmd_status(&o);
	if (strcmp(sub, "show") == 0)
		return cmd_show(&o);
	if (strcmp(sub, "watch") == 0)
		return cmd_watch(&o);
	return usage_error("vrp %s: unknown command (%s)", sub, cmds);
}
