/*
 * vrp_redis.h - VRP sets shared through Redis, in complete generations.
 *
 * One loader (rovctl vrp load) writes each VRP set as a NEW generation
 * under its own keys, marks it complete, and only then switches the
 * current-generation pointer (one Lua script: refuses incomplete or older
 * generations), publishes the new id, and deletes generations older than
 * the previous one.  Readers (rovmon sensors, rovctl) follow the pointer
 * and therefore only ever see complete generations; a loader that fails
 * or is killed halfway leaves the current set untouched, and its partial
 * keys carry a TTL and are deleted by the next load.  The key layout is
 * in docs/redis.md.
 *
 * A generation holds the VRPs and the ASPA objects of one source (the
 * ASPA string, docs/redis.md); the same switch makes both current.
 *
 * Everything read from Redis is checked like wire data: reply types,
 * lengths, counts against the metadata, each VRP again through
 * vrp_set_add() and each ASPA record through aspa_list_add().  Redis is never queried per prefix: sensors load a whole
 * set off the packet path (the watcher thread) and swap in an index.
 *
 * Threads: a struct vrp_redis is used by one thread at a time, except
 * that the watcher thread (vrp_redis_watch_start) opens its own
 * connections, and vrp_redis_status() may be called from any thread.
 */
#ifndef ROVMON_VRP_REDIS_H
#define ROVMON_VRP_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpki/vrp.h"

#define VRP_REDIS_DEFAULT_URL	"redis://127.0.0.1:6379"
#define VRP_REDIS_DEFAULT_NS	"rovmon:"
#define VRP_REDIS_TIMEOUT	5	/* seconds: connect and each reply */
#define VRP_REDIS_CHUNK		32768	/* records per data chunk (1 MiB) */
#define VRP_REDIS_PARTIAL_TTL	86400	/* seconds an unfinished
					 * generation may linger */

#define VRP_REDIS_SENTINEL_PORT	26379
#define VRP_REDIS_SENTINELS_MAX	16
#define VRP_REDIS_MASTER_MAX	64	/* characters of a master's name */

struct vrp_redis_hostport {
	char	*host;
	int	 port;
};

/*
 * A parsed redis://, unix://, redis+unix:// or redis-sentinel:// URL.
 * With a Sentinel URL, host and path are NULL: the master's address is
 * asked from the sentinels at each connect (docs/redis.md, "Sentinel").
 */
struct vrp_redis_url {
	char	*host;		/* NULL for a unix socket or Sentinel */
	int	 port;
	char	*path;		/* unix socket path, or NULL */
	char	*user;		/* NULL = AUTH password only */
	char	*password;	/* NULL = no AUTH */
	int	 db;
	char	*master;	/* Sentinel's name of the master, or NULL
				 * (not a Sentinel URL) */
	struct vrp_redis_hostport sentinel[VRP_REDIS_SENTINELS_MAX];
	size_t	 nsentinels;
};

/*
 * Parse strictly; -1 with a message in err (the URL's password is never
 * copied into it).  Free with vrp_redis_url_clear().
 */
int		 vrp_redis_url_parse(const char *, struct vrp_redis_url *,
		    char *err, size_t errlen);
void		 vrp_redis_url_clear(struct vrp_redis_url *);

struct vrp_redis;

/* Parse the URL and namespace (NULL = VRP_REDIS_DEFAULT_NS); does not
 * connect yet.  NULL (and a logged reason) on a bad URL or namespace. */
struct vrp_redis *vrp_redis_open(const char *url, const char *ns);
void		 vrp_redis_close(struct vrp_redis *);	/* NULL ok; stops
							 * the watcher */
/* Connect (AUTH, SELECT) now; -1 when Redis is unreachable or refuses. */
int		 vrp_redis_connect(struct vrp_redis *);
/* The last error of this handle ("" when none). */
const char	*vrp_redis_error(const struct vrp_redis *);

/* What a generation's meta hash says (see docs/redis.md). */
struct vrp_redis_meta {
	uint64_t	 gen;
	uint64_t	 previous;	/* 0 = none */
	size_t		 count;
	size_t		 chunks;
	size_t		 chunk_records;
	char		 source[512];
	char		 format[16];
	char		 sha256[65];
	int64_t		 generated, loaded, checked, oldest_expiry;
	size_t		 bytes;		/* sum of the chunk lengths */
	size_t		 aspa_count;	/* ASPA records, 0 = none (and in
					 * generations written before them) */
	size_t		 aspa_bytes;	/* length of the ASPA string */
};

/*
 * Read the current generation's metadata and check that all of its
 * chunks are present with the right lengths.  0, or -1 with the error
 * logged (no current generation, unreachable, inconsistent).  Quick, but
 * blind to what the chunks hold: a generation every sensor refuses (a
 * corrupt record, a broken trust-anchor list) passes.
 */
int		 vrp_redis_current_meta(struct vrp_redis *,
		    struct vrp_redis_meta *);
/*
 * What `rovctl vrp status` checks: the current generation's metadata and,
 * when out is not NULL, the generation loaded exactly as a sensor loads
 * it (vrp_redis_load_current: the trust-anchor list, every chunk, every
 * record through vrp_set_add(), the distinct count, every ASPA record)
 * into *out, which the caller frees.  With out NULL, vrp_redis_current_meta()'s checks only.
 * 0; or -1, not logged, the reason in vrp_redis_error() and m->gen the
 * generation refused for what it holds (0 when Redis could not be read
 * or names no generation).
 */
int		 vrp_redis_check_current(struct vrp_redis *,
		    struct vrp_redis_meta *, struct vrp_set **out);

/*
 * Load the current generation into a new set (the caller owns *out and
 * frees it with vrp_set_free or hands it to rov_index_build).  Retries
 * when a newer load replaced the generation while it was being read.
 * -1 with the error logged and *out untouched on any problem; a
 * generation refused for what it holds is counted in
 * vrp_redis_status()'s refused.
 */
int		 vrp_redis_load_current(struct vrp_redis *,
		    struct vrp_set **out, uint64_t *gen);

/*
 * Writer: store `set` as a new generation and make it current.  When the
 * current generation already has the same content (SHA-256 over the
 * packed records and trust anchors) nothing is written; only its
 * "checked" time is updated.  chunk_records 0 = VRP_REDIS_CHUNK.
 */
enum vrp_redis_store {
	VRP_REDIS_STORE_FAILED		= -1,	/* current one untouched */
	VRP_REDIS_STORE_UNCHANGED	= 0,	/* *gen = current */
	VRP_REDIS_STORE_NEW		= 1	/* made current, *gen set */
};
enum vrp_redis_store vrp_redis_store(struct vrp_redis *, const struct vrp_set *,
		    size_t chunk_records, uint64_t *gen);

/*
 * Background watcher: its own pthread and connections.  It SUBSCRIBEs to
 * the updates channel and, on each message, on every (re)connect and
 * every 60 s, compares the current generation with the one it loaded
 * last; a new one is loaded and handed to on_new(arg, set, gen) from the
 * watcher thread; the callback owns `set`.  A new generation refused for
 * what it holds (not for Redis being unreachable) is reported once as
 * on_new(arg, NULL, gen), with the reason in vrp_redis_status()'s
 * last_error, however often it is retried.  While Redis is down it
 * retries with exponential backoff (1 s .. 60 s) and logs once per state
 * change.  The last generation given by vrp_redis_load_current on the
 * same handle counts as loaded.  0, or -1 if the thread cannot start.
 */
typedef void	 vrp_redis_cb(void *arg, struct vrp_set *set, uint64_t gen);
int		 vrp_redis_watch_start(struct vrp_redis *, vrp_redis_cb *,
		    void *arg);
void		 vrp_redis_watch_stop(struct vrp_redis *);	/* joins */

struct vrp_redis_status {
	bool		 connected;	/* watcher's subscription is up */
	char		 last_error[256];	/* "" when none */
	uint64_t	 generation;	/* last generation loaded, 0 none */
	size_t		 count;		/* its VRPs */
	int64_t		 last_load;	/* Unix time of that load, 0 never */
	int64_t		 last_check;	/* last comparison with Redis */
	unsigned	 retries;	/* failed attempts since last success */
	uint64_t	 refused;	/* generations refused for their
					 * content, each counted once */
	uint64_t	 refused_gen;	/* the last one, 0 none */
	bool		 sentinel;	/* the URL is a Sentinel URL */
	char		 master[80];	/* Sentinel URL: "host:port" of the
					 * last verified master, "" before
					 * one or without Sentinel */
	uint64_t	 master_changes;	/* times a different master
					 * was verified after the first */
	char		 master_was[80];	/* the master before the
					 * last change, "" none */
};

/* A consistent snapshot; safe from any thread. */
void		 vrp_redis_status(struct vrp_redis *, struct vrp_redis_status *);
/* Its master_changes alone, without the lock: cheap enough to poll
 * between packets. */
unsigned	 vrp_redis_master_changes(struct vrp_redis *);

#endif /* ROVMON_VRP_REDIS_H */
