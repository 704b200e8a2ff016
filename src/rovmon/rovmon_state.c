/*
 * rovmon_state.c - --state-dir wired into the running rovmon
 * (rovmon_state.h, docs/state.md).
 *
 * Start: lock DIR, read DIR/checkpoint, load it into alerting's RIB;
 * sessions are then numbered above the restored ones, and the restored
 * routes are judged with the VRPs of this start (a route whose verdict
 * changed while rovmon was down alerts or resolves now; an unchanged one
 * says nothing).  A file that is refused (another format or version,
 * truncated, a checksum or a field that does not hold) is renamed aside
 * and rovmon starts empty; both outcomes are one line on stderr or
 * syslog, a statistic and a sensor event.
 *
 * Running: every --checkpoint-interval the packet thread serializes the
 * RIB (rib_save(), the snapshot: its time is checkpoint_snapshot_us) and
 * hands the bytes to the writer thread (checkpoint.c), which checksums,
 * writes, fsyncs and renames; its outcome is picked up here between
 * packets.  A write still running when the next is due makes that one
 * skipped, not queued.  End: the last checkpoint is written before
 * exit, synchronously.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "alert/alerting.h"
#include "base/log.h"
#include "base/sensor_event.h"
#include "base/stats.h"
#include "bgp/bgp_session.h"
#include "rovmon/rovmon_loop.h"
#include "rovmon/rovmon_state.h"
#include "rpki/validator.h"
#include "state/checkpoint.h"
#include "state/rib.h"
#include "state/rib_save.h"

/*
 * How long a restored session is held for its flow or its speakers to
 * come back: the flap handling's default hold (--stale-time, docs/alerts.md
 * "Session flaps"), from the start.
 */
#define RESTORE_HOLD	120

struct rovmon_state {
	int		 lock_fd;
	struct checkpoint_writer *writer;
	struct rib_saver *saver;	/* the snapshots' scratch */
	struct rib_blob	 spare;		/* the last body, written over */
	time_t		 next;		/* the next checkpoint is due */
	bool		 failing;	/* the last write failed: said once */
	char		 path[4200];	/* DIR/checkpoint, for messages */
};

static void
raise_event(struct rovmon *rv, struct sensor_event *ev)
{
	if (rv->alerting != NULL)
		alerting_event(rv->alerting, ev);
}

static void
wall(struct timeval *tv)
{
	gettimeofday(tv, NULL);
}

/* The checkpoint was refused: set it aside, say so, start empty. */
static void
refused(struct rovmon *rv, const char *why)
{
	struct rovmon_state *st = rv->state;
	struct sensor_event ev;
	struct timeval now;
	char aside[4300], text[8800];

	wall(&now);
	if (checkpoint_set_aside(rv->opt.state_dir, &now, aside,
	    sizeof(aside)) == -1) {
		log_warn("%s: refused (%s), and cannot be set aside; starting "
		    "empty, it will be replaced by the next checkpoint",
		    st->path, why);
		snprintf(aside, sizeof(aside), "(not set aside)");
	} else
		log_warnx("%s: refused (%s); kept as %s; starting empty",
		    st->path, why, aside);
	stats.restore_refused = 1;
	snprintf(text, sizeof(text), "checkpoint %s refused: %s", st->path,
	    why);
	sensor_event_init(&ev, SEV_CHECKPOINT_REFUSED, &now);
	ev.subject = st->path;
	ev.text = text;
	sensor_event_str(&ev, "file", st->path);
	sensor_event_str(&ev, "reason", why);
	sensor_event_str(&ev, "kept_as", aside);
	raise_event(rv, &ev);
}

/* Loaded: the gap, the ids, the routes judged with today's VRPs. */
static void
restored(struct rovmon *rv, const struct checkpoint_view *v)
{
	struct rovmon_state *st = rv->state;
	const struct rib *rib = alerting_rib(rv->alerting);
	struct sensor_event ev;
	struct timeval now;
	int64_t gap;
	char text[8800];

	wall(&now);
	gap = (int64_t)now.tv_sec - (int64_t)v->written.tv_sec;
	if (gap < 0)
		gap = 0;	/* a clock stepped back: no gap to speak of */
	stats.restored_sessions = rib_sessions(rib);
	stats.restored_routes = rib_count(rib);
	stats.restore_gap_from = (uint64_t)v->written.tv_sec;
	stats.restore_gap = (uint64_t)gap;
	bgp_session_ids_from(rib_session_id_max(rib) + 1);
	log_warnx("%s: restored %zu sessions, %zu routes; taken %lld s "
	    "before this start: changes in that gap were not seen",
	    st->path, rib_sessions(rib), rib_count(rib), (long long)gap);
	snprintf(text, sizeof(text), "restored %zu routes of %zu sessions "
	    "from %s; %lld s not seen", rib_count(rib), rib_sessions(rib),
	    st->path, (long long)gap);
	sensor_event_init(&ev, SEV_CHECKPOINT_RESTORED, &now);
	ev.subject = st->path;
	ev.text = text;
	sensor_event_str(&ev, "file", st->path);
	sensor_event_uint(&ev, "sessions", rib_sessions(rib));
	sensor_event_uint(&ev, "routes", rib_count(rib));
	sensor_event_int(&ev, "taken", (int64_t)v->written.tv_sec);
	sensor_event_int(&ev, "gap_seconds", gap);
	raise_event(rv, &ev);
	/* the VRPs may have changed while rovmon was down */
	if (rv->validator != NULL && validator_index(rv->validator) != NULL)
		alerting_revalidate(rv->alerting,
		    validator_index(rv->validator),
		    validator_aspa_index(rv->validator),
		    validator_generation(rv->validator), &now);
}

int
rovmon_state_start(struct rovmon *rv)
{
	struct rovmon_state *st;
	struct checkpoint_view v;
	struct timeval now;
	struct passwd *pw;
	uint8_t *data = NULL;
	size_t len;
	char why[512];
	int rc = 0;

	if (rv->opt.state_dir == NULL || rv->alerting == NULL)
		return 0;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		log_warn("--state-dir");
		return -1;
	}
	rv->state = st;
	snprintf(st->path, sizeof(st->path), "%s/%s", rv->opt.state_dir,
	    CHECKPOINT_NAME);
	if ((st->lock_fd = checkpoint_lock(rv->opt.state_dir, why,
	    sizeof(why))) == -1) {
		log_warnx("--state-dir %s: %s", rv->opt.state_dir, why);
		return -1;
	}
	/* -Z: the checkpoints are written after privileges are dropped,
	 * into DIR (a new file renamed over the old one) */
	if (rv->opt.user != NULL && (pw = getpwnam(rv->opt.user)) != NULL &&
	    chown(rv->opt.state_dir, pw->pw_uid, pw->pw_gid) == -1)
		log_warn("--state-dir %s: cannot give it to %s",
		    rv->opt.state_dir, rv->opt.user);
	if ((st->writer = checkpoint_writer_new(rv->opt.state_dir)) == NULL ||
	    (st->saver = rib_saver_new()) == NULL) {
		log_warn("--state-dir");
		return -1;
	}
	switch (checkpoint_read(rv->opt.state_dir, &data, &len, &v, why,
	    sizeof(why))) {
	case CHECKPOINT_READ_ABSENT:
		log_info("%s: none yet; starting empty", st->path);
		break;
	case CHECKPOINT_READ_ERROR:
		log_warnx("%s: cannot be read: %s", st->path, why);
		rc = -1;
		break;
	case CHECKPOINT_READ_REFUSED:
		refused(rv, why);
		break;
	case CHECKPOINT_READ_OK:
		wall(&now);
		/* --stale-time, as for a flap; with 0 (a flap resolves at
		 * once) still the default: a restart is no flap */
		if (alerting_restore(rv->alerting, v.body, v.body_len, &now,
		    rv->opt.stale_time > 0 ? rv->opt.stale_time : RESTORE_HOLD,
		    why, sizeof(why)) == -1)
			refused(rv, why);
		else
			restored(rv, &v);
		break;
	}
	free(data);
	return rc;
}

/* The snapshot: the RIB serialized on the packet thread. */
static int
snapshot(struct rovmon *rv, struct rib_blob *b)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	*b = rv->state->spare;
	memset(&rv->state->spare, 0, sizeof(rv->state->spare));
	if (rib_save_with(rv->state->saver, alerting_rib(rv->alerting), b) ==
	    -1) {
		log_warnx("%s: no memory for a checkpoint", rv->state->path);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stats.checkpoint_snapshot_us = (uint64_t)((t1.tv_sec - t0.tv_sec) *
	    1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	return 0;
}

/* A write's outcome into the statistics; a failure said once a streak. */
static void
written(struct rovmon *rv, struct checkpoint_done *d)
{
	struct rovmon_state *st = rv->state;
	struct sensor_event ev;
	struct timeval now;
	char text[8800];

	/* the body's memory serves the next snapshot */
	rib_blob_free(&st->spare);
	st->spare = d->body;
	if (d->rc == 0) {
		stats.checkpoints++;
		stats.checkpoint_last = (uint64_t)d->when.tv_sec;
		stats.checkpoint_bytes = d->bytes;
		stats.checkpoint_write_ms = (uint64_t)(d->seconds * 1000);
		if (st->failing)
			log_warnx("%s: written again", st->path);
		st->failing = false;
		return;
	}
	stats.checkpoint_failed++;
	if (st->failing)
		return;
	st->failing = true;
	log_warnx("%s: checkpoint not written (%s); the last one stays",
	    st->path, d->why);
	wall(&now);
	snprintf(text, sizeof(text), "checkpoint %s not written: %s",
	    st->path, d->why);
	sensor_event_init(&ev, SEV_CHECKPOINT_FAILED, &now);
	ev.subject = st->path;
	ev.text = text;
	sensor_event_str(&ev, "file", st->path);
	sensor_event_str(&ev, "reason", d->why);
	raise_event(rv, &ev);
}

void
rovmon_state_tick(struct rovmon *rv, const struct timeval *now)
{
	struct rovmon_state *st = rv->state;
	struct checkpoint_done d;
	struct rib_blob b;
	struct timeval taken;

	if (st == NULL)
		return;
	if (checkpoint_writer_poll(st->writer, &d))
		written(rv, &d);
	if (rv->opt.checkpoint_interval <= 0)
		return;
	if (st->next == 0) {
		st->next = now->tv_sec + rv->opt.checkpoint_interval;
		return;
	}
	if (now->tv_sec < st->next)
		return;
	st->next = now->tv_sec + rv->opt.checkpoint_interval;
	if (checkpoint_writer_busy(st->writer)) {
		stats.checkpoint_skipped++;
		return;
	}
	if (snapshot(rv, &b) == -1)
		return;
	wall(&taken);
	if (!checkpoint_writer_start(st->writer, &b, &taken)) {
		log_warnx("%s: cannot start the checkpoint writer",
		    st->path);
		rib_blob_free(&b);
	}
}

int
rovmon_state_finish(struct rovmon *rv)
{
	struct rovmon_state *st = rv->state;
	struct checkpoint_done d;
	struct rib_blob b;
	int rc = -1;

	if (st == NULL)
		return 0;
	checkpoint_writer_wait(st->writer);
	if (checkpoint_writer_poll(st->writer, &d))
		written(rv, &d);
	if (rv->alerting != NULL && snapshot(rv, &b) == 0) {
		size_t nsess = b.sessions, nroutes = b.routes;

		memset(&d, 0, sizeof(d));
		wall(&d.when);
		/* the thread's path, waited for: we are leaving */
		if (checkpoint_writer_start(st->writer, &b, &d.when)) {
			checkpoint_writer_wait(st->writer);
			if (checkpoint_writer_poll(st->writer, &d)) {
				written(rv, &d);
				rc = d.rc;
			}
		} else
			rib_blob_free(&b);
		if (rc == 0)
			log_info("%s: %zu sessions, %zu routes, %zu bytes "
			    "(snapshot %.1f ms, write %.1f ms)", st->path,
			    nsess, nroutes, d.bytes,
			    (double)stats.checkpoint_snapshot_us / 1000,
			    d.seconds * 1000);
	}
	checkpoint_writer_free(st->writer);
	rib_saver_free(st->saver);
	rib_blob_free(&st->spare);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st);
	rv->state = NULL;
	return rc;
}
