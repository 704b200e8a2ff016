/*
 * sink.h - where alerts go: a list of sinks built from text specs
 * (docs/alerts.md, "Sinks").
 *
 *   SPEC     = TARGET [ "," OPTION ]...
 *   TARGET   = "file:" PATH | "stdout" | "syslog" [ ":" FACILITY ]
 *            | "webhook:" URL | "smtp://" HOST [":" PORT] "?from=" ADDR
 *              "&to=" ADDR [ "&to=" ADDR ]...  (or smtps://)
 *            | "elasticsearch:" URL-OF-INDEX   ("es:" for short)
 *   OPTION   = "min_priority=" N   only alerts with priority <= N (Snort:
 *                                  1 is the most severe); all sinks
 *            | "fsync=1"           fdatasync after each line (file)
 *            | "queue=" N          queue length, default 1024 (network)
 *            | "rate=" N           at most N per minute, 0 = no limit
 *                                  (network; default 60 webhook, 10
 *                                  smtp, 0 elasticsearch)
 *            | "batch=" N          alerts per _bulk request, default 500
 *                                  (elasticsearch; sent at least every
 *                                  second)
 * Options are peeled off the end of the spec, so URLs may contain commas.
 *
 * Threads: sinks_emit/reopen/flush/close/free are called from one thread (the
 * packet path).  Network sinks own one worker thread each and take only
 * a copy of the encoded alert, never blocking the caller: a full queue
 * or a rate limit drops the alert and counts it.
 */
#ifndef ROVMON_SINK_H
#define ROVMON_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert.h"

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
	uint64_t	 send_errors;	/* failed or timed out, dropped */
	uint64_t	 requests;	/* HTTP/SMTP transactions tried */
};

/* Options common to all sinks, parsed by sinks_add(). */
struct sink_opts {
	unsigned	 min_priority;	/* 0 = the list's default */
	int		 fsync;
	unsigned	 queue;		/* 0 = default */
	int		 rate;		/* -1 = default */
	unsigned	 batch;		/* 0 = default */
};

struct sink {
	const struct sink_type *type;
	char		*spec;		/* as given, for messages */
	struct sink_opts opts;
	void		*priv;
	struct sink_counters c;		/* network sinks: updated by the
					 * worker under its lock; read with
					 * sinks_counters() */
	struct sink	*next;
};

struct sinks	*sinks_new(void);		/* NULL on ENOMEM */
/* Parse spec and open the sink; 0, or -1 with an error naming spec. */
int		 sinks_add(struct sinks *, const char *spec);
/* Sinks without min_priority= take this one (0 = all, the default). */
void		 sinks_set_min_priority(struct sinks *, unsigned);
size_t		 sinks_count(const struct sinks *);
/* Encode once, give to every sink whose priority filter passes. */
void		 sinks_emit(struct sinks *, const struct alert *);
/* Reopen files (logrotate).  Call from the main loop after SIGHUP set a
 * flag, never from the handler. */
void		 sinks_reopen(struct sinks *);
void		 sinks_flush(struct sinks *);
/* Write out what the file and stdout sinks have gathered, and nothing
 * else (network sinks keep batching).  Cheap when there is nothing. */
void		 sinks_drain(struct sinks *);
/* Flush, stop and join the workers (network queues are drained for at
 * most 10 s, not at all when the endpoint is failing), close the files.
 * The counters stay readable; later emits are ignored.  NULL ok. */
void		 sinks_close(struct sinks *);
/* sinks_close() if not done, then free.  NULL ok. */
void		 sinks_free(struct sinks *);
/* Counters of the i-th sink (in sinks_add order); -1 if no such sink.
 * *spec (may be NULL) gets the sink's spec. */
int		 sinks_counters(struct sinks *, size_t i,
		    struct sink_counters *, const char **spec);
/* {"sinks":[{"spec":"...","emitted":N,...},...]} on one line. */
void		 sinks_write_json(struct sinks *, FILE *);

/* The sink types (sink.c: file, stdout, syslog; sink_net.c: the rest). */
extern const struct sink_type sink_file, sink_stdout, sink_syslog;
extern const struct sink_type sink_webhook, sink_smtp, sink_es;

/* For network sinks: copy counters under the sink's lock. */
void		 sink_net_counters(struct sink *, struct sink_counters *);

#endif /* ROVMON_SINK_H */
