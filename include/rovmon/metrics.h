/*
 * metrics.h - the Prometheus endpoint (`--metrics ADDR:PORT`,
 * docs/metrics.md): /metrics in the text exposition format 0.0.4.
 *
 *   packet thread, once a second:  counters, RIB tallies, sinks
 *       -> struct metrics_snapshot (metrics.c)
 *       -> text (metrics_render.c)
 *       -> published under a mutex (metrics_http.c)
 *   libmicrohttpd's thread, per scrape: a copy of the latest text
 *
 * The HTTP thread never reads `stats`, the RIB or the sinks (the packet
 * thread owns them, docs/design.md "Who runs what"): it only copies the
 * last published text.  The packet thread's cost is one snapshot a
 * second, O(sessions + sinks), never O(routes) (rib_count.c).
 */
#ifndef ROVMON_METRICS_H
#define ROVMON_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/addr.h"
#include "base/stats.h"
#include "alert/sink.h"
#include "state/rib.h"

/* --metrics-sessions: senders shown one by one; the rest are summed
 * under peer="other". */
#define METRICS_SESSIONS_DEFAULT	64
#define METRICS_SESSIONS_MAX		4096

/* One sender's Adj-RIB-In (a direction of a session), or several with
 * the same labels summed. */
struct metrics_session {
	struct ipaddr	 peer;		/* the sender */
	struct ipaddr	 local;		/* the receiver */
	uint32_t	 peer_as;	/* 0: unknown */
	uint64_t	 routes;
	uint64_t	 rpki[3];	/* by enum rov_state */
};

struct metrics_sink {
	const char	*type;		/* "file", "webhook", ... (static) */
	bool		 network;	/* has a queue */
	struct sink_counters c;
};

/* What one scrape shows; filled by the packet thread (metrics.c). */
struct metrics_snapshot {
	struct rovmon_stats st;		/* a copy of `stats` */
	int64_t		 now;		/* Unix time of the snapshot */
	int64_t		 start;		/* when rovmon started */
	double		 snapshot_seconds;	/* the packet thread's time
					 * for the previous snapshot */
	bool		 rtr;		/* the VRP source is an RTR cache */
	bool		 has_rib;	/* routes are stored (alert sinks) */
	struct rib_counts rib;
	uint64_t	 held_sessions;	/* rib_held_sessions() */
	uint64_t	 held_routes;	/* rib_held_routes() */
	uint64_t	 stale_routes;	/* rib_stale_routes() */
	uint64_t	 tcp_sessions;	/* flows tracked now */
	const struct metrics_session *sess;	/* nsess, sorted */
	size_t		 nsess;
	struct metrics_session other;	/* the senders beyond the bound */
	size_t		 nother;	/* how many */
	const struct metrics_sink *sinks;	/* nsinks, in --alert-sink order */
	size_t		 nsinks;
};

/*
 * The exposition text of ms: malloc'd, NUL-terminated, its length in
 * *len; NULL when out of memory.  Pure: any thread, no global state.
 */
char	*metrics_render(const struct metrics_snapshot *ms, size_t *len);

/*
 * Merge the senders with the same labels (peer, local, peer_as), keep
 * the `max` with the most routes (ties: by labels), sorted by labels,
 * and sum the others into *other (its count in *nother).  Sorts s[]
 * in place; returns how many of s[] are kept (at its start).
 */
size_t	metrics_fold_sessions(struct metrics_session *s, size_t n, size_t max,
	    struct metrics_session *other, size_t *nother);

/*
 * ADDR:PORT: an IPv4 address, a bracketed IPv6 address, or nothing
 * (":PORT", every address); PORT 0-65535.  0, or -1 with why in err.
 */
int	metrics_parse_addr(const char *spec, struct sockaddr_storage *ss,
	    socklen_t *sslen, char *err, size_t errlen);

/* metrics_http.c: the libmicrohttpd daemon. */
struct metrics_server;
/*
 * Bind spec and start serving (a thread with signals blocked).  NULL
 * with the error logged.  Until the first metrics_server_publish(),
 * /metrics answers 503.
 */
struct metrics_server *metrics_server_start(const char *spec);
/* Replace the text served; takes text (malloc'd, len bytes). */
void	metrics_server_publish(struct metrics_server *, char *text, size_t len);
/* The port it listens on (port 0 asked for any), -1 on error. */
int	metrics_server_port(const struct metrics_server *);
/* Scrapes answered with 200 (for the tests). */
uint64_t metrics_server_scrapes(struct metrics_server *);
void	metrics_server_stop(struct metrics_server *);	/* NULL ok */

/* metrics.c: the packet thread's side, on struct rovmon. */
struct rovmon;
/* --metrics: start the server and publish a first snapshot; 0 or -1. */
int	rovmon_metrics_start(struct rovmon *rv);
/* From the loop between packets and when idle: a snapshot when a
 * second has passed (monotonic clock). */
void	rovmon_metrics_tick(struct rovmon *rv);
void	rovmon_metrics_stop(struct rovmon *rv);	/* none started: ok */

#endif /* ROVMON_METRICS_H */
