/*
 * rovctl_gen.c - rovctl's commands on Redis generations (rovctl.h,
 * docs/redis.md): vrp load (once or every --interval), vrp status (the
 * current generation checked as a sensor would, or --quick from its meta
 * hash) and vrp watch (one line per generation a sensor would adopt).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "base/addr.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "rpki/rtr.h"
#include "rovctl/rovctl.h"
#include "rpki/vrp.h"
#include "rpki/vrp_load.h"
#include "rpki/vrp_redis.h"

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
status_refused(const struct rovctl_opts *o, const struct vrp_redis_meta *m,
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
		rovctl_json_out(json_pack("{s:o, s:b, s:s}", "generation",
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
	if (j == NULL)
		return NULL;
	/* ASPA objects of the same generation; 0 when it has none. */
	json_object_set_new(j, "aspas", json_integer((json_int_t)
	    m->aspa_count));
	if (set == NULL)
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
	json_object_set_new(j, "aspa_customers",
	    json_integer((json_int_t)aspa_list_customers(&set->aspa)));
	json_object_set_new(j, "aspa_expired", json_integer((json_int_t)
	    aspa_list_expired(&set->aspa, now)));
	json_object_set_new(j, "aspa_oldest_expiry", json_integer(
	    (json_int_t)set->aspa.oldest_expiry));
	return j;
}

/* vrp status --from rtr://...: one full exchange, the session's state. */
static int
status_rtr(const struct rovctl_opts *o)
{
	struct rtr_status st;
	struct vrp_set *set;
	char t[32];

	memset(&st, 0, sizeof(st));
	if ((set = rtr_load(o->from, &st)) == NULL) {
		if (o->json)
			rovctl_json_out(json_pack("{s:s, s:b, s:s}", "source",
			    o->from, "ok", 0, "error", st.last_error));
		return EX_UNAVAIL;
	}
	if (o->json)
		rovctl_json_out(json_pack("{s:s, s:b, s:i, s:i, s:I, s:i, "
		    "s:i, s:i, s:I, s:I, s:I}", "source", o->from, "ok", 1,
		    "version", st.version, "session_id", st.session_id,
		    "serial", (json_int_t)st.serial, "refresh", st.refresh,
		    "retry", st.retry, "expire", st.expire, "last_update",
		    (json_int_t)st.last_update, "vrps", (json_int_t)set->n,
		    "aspas", (json_int_t)set->aspa.n));
	else {
		printf("source         %s\n", o->from);
		printf("rtr version    %u\n", st.version);
		printf("session id     %u\nserial         %u\n", st.session_id,
		    st.serial);
		printf("timers         refresh %u s, retry %u s, expire %u s\n",
		    st.refresh, st.retry, st.expire);
		printf("last update    %s\n", rovctl_fmt_time(st.last_update,
		    t, sizeof(t)));
		printf("vrps           %zu: %zu IPv4, %zu IPv6\n", set->n,
		    set->nv4, set->nv6);
		printf("aspas          %zu\n", set->aspa.n);
	}
	vrp_set_free(set);
	return 0;
}

/*
 * By default the generation is loaded exactly as a sensor loads it, so
 * that "fine" here means every sensor adopts it; --quick reads only the
 * meta hash and the chunk lengths (what a sensor refuses for a corrupt
 * record or trust-anchor list passes).
 */
int
rovctl_cmd_status(const struct rovctl_opts *o)
{
	struct vrp_redis_meta m;
	struct vrp_redis_status rst;
	struct vrp_redis *r;
	struct vrp_set *set = NULL;
	char t[3][32], age[3][32];
	int64_t now = time(NULL);
	size_t expired = 0;
	unsigned i;
	int rv = EX_UNAVAIL;

	if (o->from != NULL && rtr_is_url(o->from))
		return status_rtr(o);
	if ((r = vrp_redis_open(rovctl_redis_url(o), o->ns)) == NULL)
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
	if (set != NULL && set->aspa.oldest_expiry > 0 &&
	    set->aspa.oldest_expiry < now)
		log_warnx("warning: stale data: the oldest ASPA object expired "
		    "%s ago", fmt_age(now - set->aspa.oldest_expiry, age[0],
		    sizeof(age[0])));
	printable(m.source);
	printable(m.format);
	vrp_redis_status(r, &rst);	/* a Sentinel URL's master */
	if (o->json) {
		json_t *j = status_json(&m, set, expired, now);

		if (j != NULL && rst.sentinel)
			json_object_set_new(j, "master",
			    json_string(rst.master));
		rovctl_json_out(j);
		goto done;
	}
	if (rst.sentinel)
		printf("master         %s (from the sentinels)\n", rst.master);
	printf("generation     %llu (previous %llu)\n",
	    (unsigned long long)m.gen, (unsigned long long)m.previous);
	printf("vrps           %zu (%zu bytes in %zu chunks)", m.count,
	    m.bytes, m.chunks);
	if (set != NULL)
		printf(": %zu IPv4, %zu IPv6, %zu expired", set->nv4, set->nv6,
		    expired);
	putchar('\n');
	printf("aspas          %zu (%zu bytes)", m.aspa_count, m.aspa_bytes);
	if (set != NULL)
		printf(": %zu customers, %zu expired",
		    aspa_list_customers(&set->aspa),
		    aspa_list_expired(&set->aspa, now));
	putchar('\n');
	if (set != NULL) {
		printf("trust anchors  %u", set->nta);
		for (i = 0; i < set->nta; i++)
			printf("%s%s", i == 0 ? ": " : ", ", set->ta[i]);
		putchar('\n');
	}
	printf("source         %s\nformat         %s\n", m.source, m.format);
	printf("generated      %s\n", rovctl_fmt_time(m.generated, t[0],
	    sizeof(t[0])));
	printf("loaded         %s (age %s)\n", rovctl_fmt_time(m.loaded, t[1],
	    sizeof(t[1])), fmt_age(now - m.loaded, age[1], sizeof(age[1])));
	printf("checked        %s (age %s)\n", rovctl_fmt_time(m.checked, t[2],
	    sizeof(t[2])), fmt_age(now - m.checked, age[2], sizeof(age[2])));
	printf("oldest expiry  %s%s\n", rovctl_fmt_time(m.oldest_expiry, t[0],
	    sizeof(t[0])), m.oldest_expiry > 0 && m.oldest_expiry < now ?
	    " (STALE: already expired)" : "");
	if (set != NULL && set->aspa.n > 0)
		printf("oldest ASPA    %s%s\n", rovctl_fmt_time(
		    set->aspa.oldest_expiry, t[0], sizeof(t[0])),
		    set->aspa.oldest_expiry > 0 &&
		    set->aspa.oldest_expiry < now ?
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
load_once(const struct rovctl_opts *o, struct vrp_redis *r, struct vrp_fetch *f)
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
		    "rejected), %zu ASPA objects (%zu rejected)\n",
		    (unsigned long long)gen, set->n, o->from, set->rejected,
		    set->aspa.n, set->aspa.rejected);
	else if (rv == VRP_REDIS_STORE_UNCHANGED)
		printf("unchanged: generation %llu has the same %zu VRPs and "
		    "%zu ASPA objects\n", (unsigned long long)gen, set->n,
		    set->aspa.n);
	fflush(stdout);
	vrp_set_free(set);
	return rv == VRP_REDIS_STORE_FAILED ? EX_UNAVAIL : 0;
}

int
rovctl_cmd_load(const struct rovctl_opts *o)
{
	struct vrp_fetch f;
	struct vrp_redis *r;
	struct timespec ts;
	int rv;

	if (o->from == NULL)
		return rovctl_usage_error("vrp load needs --from FILE|URL");
	if (o->chunk > VRP_REDIS_CHUNK * 4)
		return rovctl_usage_error("--chunk-records: at most %d",
		    VRP_REDIS_CHUNK * 4);
	if ((r = vrp_redis_open(rovctl_redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	memset(&f, 0, sizeof(f));
	f.timeout = 60;
	for (;;) {
		rv = load_once(o, r, &f);
		if (o->interval == 0 || rovctl_stop)
			break;
		/* Failures are logged; keep the current set and retry. */
		ts.tv_sec = (time_t)o->interval;
		ts.tv_nsec = 0;
		while (!rovctl_stop && nanosleep(&ts, &ts) == -1 &&
		    errno == EINTR)
			;
		if (rovctl_stop)
			break;
	}
	vrp_fetch_clear(&f);
	vrp_redis_close(r);
	return rv;
}

static unsigned long watch_seen;

struct watch {
	const struct rovctl_opts	*o;
	struct vrp_redis	*r;
};

/* Watcher thread: one line per generation loaded or refused. */
static void
on_new(void *arg, struct vrp_set *set, uint64_t gen)
{
	const struct watch *w = arg;
	const struct rovctl_opts *o = w->o;
	struct vrp_redis_status st;
	char t[32];

	if (set == NULL) {
		vrp_redis_status(w->r, &st);
		printf("generation %llu: refused: %s\n",
		    (unsigned long long)gen, st.last_error);
		fflush(stdout);
		return;
	}
	printf("generation %llu: %zu VRPs, %zu ASPA objects, source %s, "
	    "loaded %s\n", (unsigned long long)gen, set->n, set->aspa.n,
	    set->source != NULL ? set->source : "?",
	    rovctl_fmt_time(set->loaded, t, sizeof(t)));
	fflush(stdout);
	vrp_set_free(set);
	if (o->count != 0 && ++watch_seen >= o->count)
		rovctl_stop = 1;
}

int
rovctl_cmd_watch(const struct rovctl_opts *o)
{
	struct vrp_redis *r;
	struct watch w;
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	if ((r = vrp_redis_open(rovctl_redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	w.o = o;
	w.r = r;
	if (vrp_redis_watch_start(r, on_new, &w) == -1) {
		vrp_redis_close(r);
		return EX_ERROR;
	}
	while (!rovctl_stop)
		nanosleep(&ts, NULL);
	vrp_redis_close(r);	/* stops and joins the watcher */
	return 0;
}
