/*
 * sink.h - where alerts go: a list of sinks built from text specs
 * (docs/alerts.md, "Sinks").
 *
 *   SPEC     = TARGET [ "," OPTION ]...
 *   TARGET   = "file:" PATH | "stdout" | "syslog" [ ":" FACILITY ]
 *            | "webhook:" URL            (any JSON receiver)
 *            | "slack:" URL | "mattermost:" URL   (chat: the same POST)
 *            | "smtp://" HOST [":" PORT] "?from=" ADDR
 *              "&to=" ADDR [ "&to=" ADDR ]...  (or smtps://)
 *            | "elasticsearch:" URL-OF-INDEX   ("es:" for short)
 *   OPTION   = "min_priority=" N|all  only alerts with priority <= N
 *                                  (Snort: 1 is the most severe); all
 *                                  sinks.  Default: 2 for chat and mail,
 *                                  all for the others; the spec beats
 *                                  --alert-min-priority, which beats the
 *                                  default (flood control is per sink)
 *            | "fsync=1"           fdatasync after each line (file)
 *            | "queue=" N          queue length, default 1024 (network)
 *            | "rate=" N           at most N per minute, 0 = no limit
 *                                  (network; default 60 chat, 10 smtp,
 *                                  0 webhook and elasticsearch)
 *            | "batch=" N          alerts per _bulk request, default 500
 *                                  (elasticsearch; sent at least every
 *                                  second)
 *            | "retry=" SECS       how long a failed delivery is retried,
 *                                  with backoff (network; default 30,
 *                                  0 = never)
 *            | "block=" 0|1        1: a full queue makes emit wait for
 *                                  room; 0: it drops (network; default
 *                                  sinks_set_block())
 * Options are peeled off the end of the spec, so URLs may contain commas.
 *
 * Threads: sinks_emit/reopen/flush/close/free are called from one thread (the
 * packet path; with --threads 2 the output stage does the encoding and
 * the writes, sinks_divert()).  Network sinks own one worker thread each
 * and take a copy of the encoded alert.  Reading a file (block=1), a full queue
 * makes emit wait for the worker: while the endpoint answers nothing is
 * dropped, the capture just reads slower (a sink that is down, below,
 * is not waited for).  Live (block=0), emit never waits: a full queue drops
 * the alert and counts it, since a stalled packet thread would make the
 * kernel drop packets instead.  In both, the worker retries a failed
 * delivery with backoff for up to retry= seconds, then gives up: the
 * alerts are lost (counted), and the sink is "down": alerts are dropped
 * without a try, but one delivery every 5 s (NET_PROBE_SECS) probes
 * the endpoint, and the first that succeeds ends the outage.  The rate
 * limit (rate=) and min_priority are choices, not losses.
 */
#ifndef ROVMON_SINK_H
#define ROVMON_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert/alert.h"

struct sinks;
struct sink;

/* What one alert looks like to a sink: the struct and its JSON line. */
struct sink_alert {
	const struct alert *a;
	const char	*json;		/* NDJSON line, '\n' included */
	size_t		 json_len;
};

/* One sink type.  open() parses arg (the text after "name:", or the
 * whole URL for smtp) and sets s->priv; -1 with an error logged. */
struct sink_type {
	const char	*name;
	int		(*open)(struct sink *, const char *arg);
	void		(*emit)(struct sink *, const struct sink_alert *);
	void		(*flush)(struct sink *);
	void		(*close)(struct sink *);	/* flush, free priv */
	void		(*reopen)(struct sink *);	/* NULL: nothing */
};

/* Per-sink outcome counters (the stats.h "alert" section sums them). */
struct sink_counters {
	uint64_t	 emitted;	/* alerts offered to this sink */
	uint64_t	 filtered;	/* above its min_priority */
	uint64_t	 written;	/* lines written / messages logged */
	uint64_t	 write_errors;
	uint64_t	 queued;
	uint64_t	 queue_drops;
	uint64_t	 rate_drops;
	uint64_t	 sent;		/* delivered (2xx, 250) */
	uint64_t	 send_errors;	/* failed for good: after the retries,
					 * refused, or the endpoint down */
	uint64_t	 requests;	/* HTTP/SMTP transactions tried */
	/* gauges, network sinks only (sinks_counters(); 0 for the
	 * others): alerts in the queue now, and its length (queue=) */
	uint64_t	 queue_len;
	uint64_t	 queue_cap;
};

/* Options common to all sinks, parsed by sinks_add(). */
struct sink_opts {
	unsigned	 min_priority;	/* 0 = the list's default; UINT_MAX all */
	int		 fsync;
	unsigned	 queue;		/* 0 = default */
	int		 rate;		/* -1 = default */
	unsigned	 batch;		/* 0 = default */
	int		 retry;		/* seconds; -1 = default */
	int		 block;		/* -1 = the list's (sinks_set_block) */
};

/* Why a sink lost alerts (the last error), for sinks_lost(). */
#define SINK_WHY_MAX	128

struct sink {
	const struct sink_type *type;
	char		*spec;		/* as given, for messages */
	struct sink_opts opts;
	unsigned	 def_min_priority; /* of the type: 2 chat/mail, 0 */
	char		 why[SINK_WHY_MAX]; /* last loss; network: under the
					 * sink's lock */
	void		*priv;
	struct sink_counters c;		/* network sinks: updated by the
					 * worker under its lock; read with
					 * sinks_counters() */
	struct sink_counters folded;	/* network sinks: the part of c
					 * already added to stats.h's totals
					 * (packet thread only) */
	struct sink	*next;
};

struct sinks	*sinks_new(void);		/* NULL on ENOMEM */
/* Parse spec and open the sink; 0, or -1 with an error naming spec. */
int		 sinks_add(struct sinks *, const char *spec);
/* Sinks without min_priority= take this one instead of their type's
 * default (0 = the type's default). */
void		 sinks_set_min_priority(struct sinks *, unsigned);
/* Before sinks_add: network sinks without block= wait for room in their
 * queue (true: reading a file) or drop (false, the default: live).
 * With true, sinks do not log losses as they start and stop: the run
 * ends with sinks_lost()'s one line. */
void		 sinks_set_block(struct sinks *, bool);
size_t		 sinks_count(const struct sinks *);
/* Encode once, give to every sink whose priority filter passes. */
void		 sinks_emit(struct sinks *, const struct alert *);
/*
 * With more than one thread (rovmon/output.h): sinks_emit() and
 * sinks_drain() hand the alert (or the drain) to d's functions instead,
 * which queue a copy for another thread; that thread calls the _direct
 * forms, which are what sinks_emit() and sinks_drain() do without a
 * divert.  The other calls stay direct: their caller makes sure that
 * thread is idle first.  d NULL: no divert.
 */
struct sinks_divert {
	void	(*emit)(void *arg, const struct alert *);
	void	(*drain)(void *arg);
	void	*arg;
};
void		 sinks_divert(struct sinks *, const struct sinks_divert *d);
void		 sinks_emit_direct(struct sinks *, const struct alert *);
void		 sinks_drain_direct(struct sinks *);
/* Reopen files (logrotate).  Call from the main loop after SIGHUP set a
 * flag, never from the handler. */
void		 sinks_reopen(struct sinks *);
void		 sinks_flush(struct sinks *);
/* Write out what the file and stdout sinks have gathered, and nothing
 * else (network sinks keep batching).  Cheap when there is nothing. */
void		 sinks_drain(struct sinks *);
/* Flush, stop and join the workers, close the files.  Network queues
 * are drained: with block=1 all of it (each delivery bounded by its
 * retry= time), with block=0 for at most NET_DRAIN_SECS; not at all
 * while the endpoint is down (what is left is lost).  The counters stay
 * readable; later emits are ignored.  NULL ok. */
void		 sinks_close(struct sinks *);
/* sinks_close() if not done; then the alerts lost for good, summed over
 * the sinks (write_errors + queue_drops + send_errors; not rate_drops or
 * filtered, which are choices), and in why (may be NULL) where: "SPEC
 * (reason)" for one sink, "N to SPEC (reason), ..." for several. */
uint64_t	 sinks_lost(struct sinks *, char *why, size_t len);
/* sinks_close() if not done, then free.  NULL ok. */
void		 sinks_free(struct sinks *);
/* Counters of the i-th sink (in sinks_add order); -1 if no such sink.
 * *spec (may be NULL) gets the sink's spec. */
int		 sinks_counters(struct sinks *, size_t i,
		    struct sink_counters *, const char **spec);
/* The i-th sink's type name ("file", "stdout", "syslog", "webhook",
 * "smtp", "elasticsearch"), NULL if no such sink: unlike its spec, it
 * carries no URL or credentials (a metrics label, docs/metrics.md). */
const char	*sinks_type(const struct sinks *, size_t i);
/* {"sinks":[{"spec":"...","emitted":N,...},...]} on one line. */
void		 sinks_write_json(struct sinks *, FILE *);
/* Packet thread: add to the statistics' alert totals (stats.h) what the
 * network sinks counted since the last call, so that only the packet
 * thread writes them.  Called before each statistics line; sinks_close()
 * calls it once the workers are joined, so the totals end up final. */
void		 sinks_update_stats(struct sinks *);

/* The sink types (sink_file.c: file, stdout; sink_syslog.c; sink_net.c:
 * the rest). */
extern const struct sink_type sink_file, sink_stdout, sink_syslog;
extern const struct sink_type sink_webhook, sink_smtp, sink_es;

/* For the list (sink.c): write out what a file or stdout sink has
 * gathered. */
void		 sink_file_drain(struct sink *);
/* For network sinks: copy counters under the sink's lock. */
void		 sink_net_counters(struct sink *, struct sink_counters *);
/* For network sinks: count an alert above the sink's min_priority. */
void		 sink_net_filtered(struct sink *);
/* For network sinks: start closing (drain, then stop), without waiting,
 * so that several sinks drain at the same time. */
void		 sink_net_stop(struct sink *);

#endif /* ROVMON_SINK_H */
