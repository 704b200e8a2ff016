/*
 * validator.c - the current ROV index, its source, and route judging.
 *
 * Threads: the packet thread owns `cur` and is the only one that reads or
 * frees it.  The Redis watcher thread (or the SIGHUP reloader) builds a
 * complete pair of indexes from one set -- the ROV index and, when the
 * set holds ASPA objects, the ASPA index -- and publishes the pair in
 * `pending` with one atomic exchange (freeing any older pending pair that
 * the packet thread never adopted); validator_poll() takes it with
 * another exchange.  So the VRPs and the ASPAs of one generation are
 * always adopted together.  No lock is held on the packet path.
 *
 * Every new set refused (a --vrps load or SIGHUP reload that fails, a
 * Redis generation refused for what it holds, an index that cannot be
 * built) is counted in `failed`, from whichever thread saw it; the
 * packet thread copies it into stats.vrp_load_failed, since the stats
 * counters are plain integers only it may write.  The old set stays.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "base/log.h"
#include "base/sensor_event.h"
#include "base/stats.h"
#include "base/thread.h"
#include "rpki/aspa.h"
#include "rpki/rtr.h"
#include "rpki/validator.h"
#include "rpki/vrp_load.h"
#include "rpki/vrp_redis.h"

/* What one set gives: its ROV index (which owns the set) and its ASPA
 * index (NULL when the set had no ASPA objects). */
struct vdata {
	struct rov_index	*rov;
	struct aspa_index	*aspa;
};

struct validator {
	struct vdata		*cur;		/* packet thread only */
	uint64_t		 gen;		/* generation of cur */
	_Atomic(struct vdata *)	 pending;	/* from the watcher */
	_Atomic uint64_t	 pending_gen;
	_Atomic uint64_t	 local_loads;	/* --vrps loads so far */
	_Atomic uint64_t	 failed;	/* new sets refused, any thread */
	struct vrp_redis	*redis;
	struct rtr_client	*rtr;		/* --vrps rtr://... */
	unsigned		 rtr_expiries;	/* expiries raised as events */
	unsigned		 redis_failovers;	/* master changes
					 * raised as events */
	sensor_event_fn		 event_fn;	/* NULL: none raised */
	void			*event_arg;
	/* a reload of a file/URL in its own thread (SIGHUP) */
	pthread_t		 reloader;
	bool			 reloader_started;
	atomic_bool		 reloading;
	char			*reload_source;	/* owned */
};

struct validator *
validator_new(void)
{
	struct validator *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	atomic_init(&v->pending, NULL);
	atomic_init(&v->pending_gen, 0);
	atomic_init(&v->local_loads, 0);
	atomic_init(&v->failed, 0);
	return v;
}

static void
vdata_free(struct vdata *d)
{
	if (d == NULL)
		return;
	rov_index_free(d->rov);
	aspa_index_free(d->aspa);
	free(d);
}

/*
 * Both indexes from one set (the ROV index takes the set).  NULL, the set
 * freed and the reason logged with `what`, when memory runs out.
 */
static struct vdata *
vdata_build(struct vrp_set *set, const char *what)
{
	struct vdata *d;

	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (set->aspa.n > 0 && (d->aspa = aspa_index_build(&set->aspa)) ==
	    NULL) || (d->rov = rov_index_build(set)) == NULL) {
		log_warnx("%s: out of memory building the ROV and ASPA "
		    "indexes", what);
		if (d != NULL)
			aspa_index_free(d->aspa);
		free(d);
		vrp_set_free(set);
		return NULL;
	}
	return d;
}

void
validator_free(struct validator *v)
{
	if (v == NULL)
		return;
	if (v->redis != NULL) {
		vrp_redis_watch_stop(v->redis);
		vrp_redis_close(v->redis);
	}
	rtr_client_free(v->rtr);	/* stops its thread */
	if (v->reloader_started)
		pthread_join(v->reloader, NULL);
	free(v->reload_source);
	vdata_free(atomic_exchange(&v->pending, NULL));
	vdata_free(v->cur);
	free(v);
}

/* The ASPA objects of the set in use that have expired by now (used
 * still, like expired VRPs). */
static void
aspa_expired_stats(const struct validator *v)
{
	stats.aspa_expired = v->cur != NULL && v->cur->aspa != NULL ?
	    aspa_list_expired(&rov_index_set(v->cur->rov)->aspa,
	    (int64_t)time(NULL)) : 0;
}

static void
set_stats(const struct validator *v)
{
	const struct vrp_set *s = rov_index_set(v->cur->rov);
	bool aspa = v->cur->aspa != NULL;

	stats.vrp_count = s->n;
	stats.vrp_generation = v->gen;
	stats.vrp_loaded = (uint64_t)s->loaded;
	stats.vrp_generated = s->generated > 0 ? (uint64_t)s->generated : 0;
	stats.vrp_swaps++;
	stats.aspa_count = aspa ? s->aspa.n : 0;
	stats.aspa_customers = aspa ? aspa_index_customers(v->cur->aspa) : 0;
	stats.aspa_loaded = aspa ? (uint64_t)s->loaded : 0;
	aspa_expired_stats(v);
}

/*
 * Stale VRPs are used, never dropped (docs/vrps.md); a set read from Redis
 * gets the same one-line warning that vrp_load() gives a file.
 */
static void
warn_stale(const struct vrp_set *s)
{
	vrp_set_warn_stale(s, (int64_t)time(NULL));
}

/* Any thread: a new set was refused and the old one stays. */
static void
refused(struct validator *v)
{
	atomic_fetch_add(&v->failed, 1);
}

static void
adopt(struct validator *v, struct vdata *d, uint64_t gen)
{
	vdata_free(v->cur);
	v->cur = d;
	v->gen = gen;
	set_stats(v);
}

/* "N VRPs" and, when there are some, ", M ASPA objects", for log lines. */
static const char *
counts(const struct vdata *d, char *buf, size_t len)
{
	const struct vrp_set *s = rov_index_set(d->rov);

	if (d->aspa != NULL)
		snprintf(buf, len, "%zu VRPs and %zu ASPA objects", s->n,
		    s->aspa.n);
	else
		snprintf(buf, len, "%zu VRPs", s->n);
	return buf;
}

int
validator_load(struct validator *v, const char *source)
{
	struct vrp_set *set;
	struct vdata *d;
	char n[80];

	if ((set = vrp_load(source)) == NULL) {
		refused(v);
		return -1;	/* vrp_load() has said why */
	}
	if ((d = vdata_build(set, source)) == NULL) {
		refused(v);
		return -1;
	}
	log_info("%s: %s loaded", source, counts(d, n, sizeof(n)));
	adopt(v, d, atomic_fetch_add(&v->local_loads, 1) + 1);
	return 0;
}

/* Publish a pair of indexes for the packet thread (the file comment). */
static void
publish(struct validator *v, struct vdata *d, uint64_t gen)
{
	atomic_store(&v->pending_gen, gen);
	vdata_free(atomic_exchange(&v->pending, d));
}

static void *
reload_main(void *arg)
{
	struct validator *v = arg;
	struct vrp_set *set;
	struct vdata *d;
	char n[80];

	/* Counted before the log line: whoever reads the line and then the
	 * statistics finds the failure in both. */
	if ((set = vrp_load(v->reload_source)) == NULL) {
		refused(v);
		log_warnx("%s: reload failed; keeping the current VRP set",
		    v->reload_source);
	} else if ((d = vdata_build(set, v->reload_source)) == NULL) {
		refused(v);
		log_warnx("%s: keeping the current VRP set", v->reload_source);
	} else {
		log_info("%s: %s reloaded", v->reload_source, counts(d, n,
		    sizeof(n)));
		publish(v, d, atomic_fetch_add(&v->local_loads, 1) + 1);
	}
	atomic_store(&v->reloading, false);
	return NULL;
}

int
validator_reload(struct validator *v, const char *source)
{
	if (v->rtr != NULL) {
		/* An RTR cache is asked, not reloaded: a Serial Query now. */
		rtr_client_poke(v->rtr);
		return 0;
	}
	if (atomic_exchange(&v->reloading, true)) {
		log_warnx("%s: a reload is already running", source);
		return -1;
	}
	if (v->reloader_started)
		pthread_join(v->reloader, NULL);
	v->reloader_started = false;
	free(v->reload_source);
	if ((v->reload_source = strdup(source)) == NULL ||
	    thread_start(&v->reloader, reload_main, v) != 0) {
		refused(v);	/* asked for, never tried: the old set stays */
		log_warn("%s: cannot start the reload", source);
		atomic_store(&v->reloading, false);
		return -1;
	}
	v->reloader_started = true;
	return 0;
}

/*
 * Watcher thread: build the index off the packet path, then publish.  A
 * NULL set is a generation the watcher refused (logged there, once).
 */
static void
on_new_generation(void *arg, struct vrp_set *set, uint64_t gen)
{
	struct validator *v = arg;
	struct vdata *d;
	char what[64], n[80];

	if (set == NULL) {
		refused(v);
		return;
	}
	warn_stale(set);
	snprintf(what, sizeof(what), "redis generation %llu",
	    (unsigned long long)gen);
	if ((d = vdata_build(set, what)) == NULL) {
		refused(v);
		log_warnx("%s: keeping the current set", what);
		return;
	}
	/* Counted before publishing: the packet thread may free d. */
	counts(d, n, sizeof(n));
	publish(v, d, gen);
	log_info("%s: %s ready", what, n);
}

enum validator_redis
validator_redis(struct validator *v, const char *url, const char *ns,
    bool required)
{
	struct vrp_redis_status st;
	struct vrp_set *set = NULL;
	uint64_t gen = 0;
	enum validator_redis rc = VALIDATOR_REDIS_OK;

	if ((v->redis = vrp_redis_open(url, ns)) == NULL)
		return VALIDATOR_REDIS_BAD_URL;
	if (vrp_redis_load_current(v->redis, &set, &gen) == 0) {
		struct vdata *d;

		warn_stale(set);
		if ((d = vdata_build(set, url)) == NULL) {
			refused(v);
			rc = VALIDATOR_REDIS_NO_SET;
		} else
			adopt(v, d, gen);
	} else {
		/* A generation refused for its content (not Redis down);
		 * the watcher will not count it again. */
		vrp_redis_status(v->redis, &st);
		atomic_fetch_add(&v->failed, st.refused);
		rc = VALIDATOR_REDIS_NO_SET;
	}
	if (rc == VALIDATOR_REDIS_NO_SET && required)
		return rc;
	if (vrp_redis_watch_start(v->redis, on_new_generation, v) == -1) {
		log_warnx("%s: cannot start the Redis watcher", url);
		return VALIDATOR_REDIS_NO_SET;
	}
	return rc;
}

/*
 * RTR session thread: each End of Data's complete set, built into
 * indexes off the packet path and published like a reload.
 */
static void
on_rtr_set(void *arg, struct vrp_set *set)
{
	struct validator *v = arg;
	struct vdata *d;

	if ((d = vdata_build(set, "RTR")) == NULL) {
		refused(v);
		log_warnx("RTR: keeping the current set");
		return;
	}
	publish(v, d, atomic_fetch_add(&v->local_loads, 1) + 1);
}

enum validator_redis
validator_rtr(struct validator *v, const char *url, bool required)
{
	struct vrp_set *set = NULL;
	struct vdata *d;
	char n[80];
	enum validator_redis rc = VALIDATOR_REDIS_OK;

	if ((v->rtr = rtr_client_new(url)) == NULL)
		return VALIDATOR_REDIS_BAD_URL;
	if (rtr_client_sync(v->rtr, RTR_SYNC_TIMEOUT, &set) == -1)
		rc = VALIDATOR_REDIS_NO_SET;
	else if ((d = vdata_build(set, url)) == NULL) {
		refused(v);
		rc = VALIDATOR_REDIS_NO_SET;
	} else {
		log_info("%s: %s loaded", url, counts(d, n, sizeof(n)));
		adopt(v, d, atomic_fetch_add(&v->local_loads, 1) + 1);
	}
	if (rc == VALIDATOR_REDIS_NO_SET && required)
		return rc;
	if (rtr_client_start(v->rtr, on_rtr_set, v) == -1)
		return VALIDATOR_REDIS_NO_SET;
	return rc;
}

bool
validator_rtr_status(const struct validator *v, struct rtr_status *st)
{
	if (v->rtr == NULL)
		return false;
	rtr_client_status(v->rtr, st);
	return true;
}

/* The RTR session's state into the statistics (packet thread). */
static void
rtr_stats(const struct validator *v)
{
	struct rtr_status st;

	if (!validator_rtr_status(v, &st))
		return;
	stats.vrp_rtr_connected = st.connected;
	stats.vrp_rtr_version = st.version;
	stats.vrp_rtr_session_id = st.session_id;
	stats.vrp_rtr_serial = st.serial;
	stats.vrp_rtr_refresh = st.refresh;
	stats.vrp_rtr_retry = st.retry;
	stats.vrp_rtr_expire = st.expire;
	stats.vrp_rtr_last_update = st.last_update > 0 ?
	    (uint64_t)st.last_update : 0;
	stats.vrp_rtr_updates = st.updates;
	stats.vrp_rtr_resets = st.resets;
	stats.vrp_rtr_notifies = st.notifies;
	stats.vrp_rtr_errors = st.errors;
	stats.vrp_rtr_expired = st.expired;
}

static void
copy_failed(const struct validator *v)
{
	/* Relaxed: a count, ordered with nothing else. */
	stats.vrp_load_failed = atomic_load_explicit(&v->failed,
	    memory_order_relaxed);
}

void
validator_update_stats(const struct validator *v)
{
	copy_failed(v);
	/* Once per statistics line, not per packet: a scan of the records. */
	aspa_expired_stats(v);
	rtr_stats(v);
}

void
validator_set_events(struct validator *v, sensor_event_fn fn, void *arg)
{
	v->event_fn = fn;
	v->event_arg = arg;
}

/*
 * Packet thread: the RTR data expired (rtr.c said so in its log): one
 * rtr-expired sensor event per expiry (docs/rtr.md, "The client").
 */
static void
rtr_expiry_event(struct validator *v)
{
	struct sensor_event ev;
	struct rtr_status st;
	struct timeval now;
	char text[160];
	unsigned n = rtr_client_expiries(v->rtr);

	if (n == v->rtr_expiries)
		return;
	v->rtr_expiries = n;
	if (v->event_fn == NULL)
		return;
	rtr_client_status(v->rtr, &st);
	gettimeofday(&now, NULL);
	sensor_event_init(&ev, SEV_RTR_EXPIRED, &now);
	ev.subject = rtr_client_url(v->rtr);
	snprintf(text, sizeof(text), "no update for %u s (the expire "
	    "interval); still using serial %u", st.expire, st.serial);
	ev.text = text;
	sensor_event_bool(&ev, "connected", st.connected);
	sensor_event_uint(&ev, "version", st.version);
	sensor_event_uint(&ev, "session_id", st.session_id);
	sensor_event_uint(&ev, "serial", st.serial);
	sensor_event_uint(&ev, "expire", st.expire);
	sensor_event_int(&ev, "last_update", st.last_update);
	sensor_event_uint(&ev, "vrps", st.vrps);
	sensor_event_uint(&ev, "aspas", st.aspas);
	sensor_event_str(&ev, "last_error", st.last_error);
	v->event_fn(v->event_arg, &ev);
}

/*
 * Packet thread: the Redis watcher followed a Sentinel failover to a new
 * master (docs/redis.md, "Sentinel"): one redis-failover sensor event per
 * change.  The count is read without a lock; the rest only on a change.
 */
static void
redis_failover_event(struct validator *v)
{
	struct sensor_event ev;
	struct vrp_redis_status st;
	struct timeval now;
	char text[256], subject[96];
	unsigned n = vrp_redis_master_changes(v->redis);

	if (n == v->redis_failovers)
		return;
	v->redis_failovers = n;
	if (v->event_fn == NULL)
		return;
	vrp_redis_status(v->redis, &st);
	gettimeofday(&now, NULL);
	sensor_event_init(&ev, SEV_REDIS_FAILOVER, &now);
	snprintf(subject, sizeof(subject), "redis master %s", st.master);
	ev.subject = subject;
	snprintf(text, sizeof(text), "the VRP store failed over: master "
	    "now %s (was %s); generation %llu kept until the next one",
	    st.master, st.master_was, (unsigned long long)v->gen);
	ev.text = text;
	sensor_event_str(&ev, "master", st.master);
	sensor_event_str(&ev, "previous_master", st.master_was);
	sensor_event_uint(&ev, "master_changes", st.master_changes);
	sensor_event_uint(&ev, "generation", v->gen);
	v->event_fn(v->event_arg, &ev);
}

bool
validator_poll(struct validator *v)
{
	struct vdata *d;

	copy_failed(v);
	if (v->rtr != NULL)
		rtr_expiry_event(v);
	if (v->redis != NULL)
		redis_failover_event(v);
	if (atomic_load_explicit(&v->pending, memory_order_relaxed) == NULL)
		return false;
	if ((d = atomic_exchange(&v->pending, NULL)) == NULL)
		return false;
	adopt(v, d, atomic_load(&v->pending_gen));
	return true;
}

bool
validator_ready(const struct validator *v)
{
	return v->cur != NULL;
}

static void
count_state(enum rov_state st)
{
	switch (st) {
	case ROV_VALID:
		STAT_INC(rpki_valid);
		break;
	case ROV_INVALID:
		STAT_INC(rpki_invalid);
		break;
	default:
		STAT_INC(rpki_not_found);
		break;
	}
}

bool
validator_check(const struct validator *v, const struct bgp_attrs *at,
    const struct bgp_route *r, struct rov_result *res)
{
	bool has_origin;

	if (v->cur == NULL)
		return false;
	has_origin = bgp_origin_known(at->origin_kind);
	rov_check(v->cur->rov, &r->prefix, has_origin, at->origin_as, res);
	count_state(res->state);
	return true;
}

/* Chunks of the route batch's size (rovmon/route_batch.h) on the stack. */
#define CHECK_CHUNK	64

bool
validator_check_batch(const struct validator *v,
    const struct bgp_attrs *const *at, const struct prefix *const *p,
    size_t n, struct rov_result *out)
{
	bool has_origin[CHECK_CHUNK];
	uint32_t origin[CHECK_CHUNK];
	size_t i, k, m;

	if (v->cur == NULL)
		return false;
	for (i = 0; i < n; i += m) {
		m = n - i < CHECK_CHUNK ? n - i : CHECK_CHUNK;
		for (k = 0; k < m; k++) {
			has_origin[k] = bgp_origin_known(at[i + k]->origin_kind);
			origin[k] = at[i + k]->origin_as;
		}
		rov_check_batch(v->cur->rov, p + i, m, has_origin, origin,
		    out + i);
		for (k = 0; k < m; k++)
			count_state(out[i + k].state);
	}
	return true;
}

uint64_t
validator_generation(const struct validator *v)
{
	return v->gen;
}

const struct rov_index *
validator_index(const struct validator *v)
{
	return v->cur != NULL ? v->cur->rov : NULL;
}

const struct aspa_index *
validator_aspa_index(const struct validator *v)
{
	return v->cur != NULL ? v->cur->aspa : NULL;
}

bool
validator_aspa(const struct validator *v, const struct bgp_aspath *path,
    uint32_t neighbor_as, enum bgp_role sender_role, struct aspa_result *res)
{
	if (v->cur == NULL || v->cur->aspa == NULL ||
	    !aspa_verify(v->cur->aspa, path, neighbor_as, sender_role, res))
		return false;
	validator_aspa_count(res);
	return true;
}

void
validator_aspa_count(const struct aspa_result *res)
{
	switch (res->state) {
	case ASPA_VALID:
		STAT_INC(aspa_valid);
		break;
	case ASPA_INVALID:
		STAT_INC(aspa_invalid);
		break;
	default:
		STAT_INC(aspa_unknown);
		break;
	}
}

bool
validator_redis_status(const struct validator *v, struct vrp_redis_status *st)
{
	if (v->redis == NULL)
		return false;
	vrp_redis_status(v->redis, st);
	return true;
}
