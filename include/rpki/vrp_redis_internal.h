/*
 * vrp_redis_internal.h - the seam between the files of the Redis module:
 * vrp_redis.c (keys, connections, the handle), vrp_redis_url.c (URLs),
 * vrp_redis_read.c (the strict reader), vrp_redis_watch.c (the watcher
 * thread), vrp_redis_store.c (the writer) and vrp_redis_sentinel.c (the
 * master of a Sentinel URL).
 *
 * Private to the Redis module: nothing outside src/vrp_redis*.c includes
 * it; the public contract is vrp_redis.h.  Functions follow log.h (0/-1,
 * NULL on failure); on failure they leave the reason in the connection's
 * err.
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
 *
 * The ASPA objects of a generation, one string (NS vrp:gen:ID:aspa), the
 * records one after another, integers big-endian:
 *
 *    0            4              8               16     17      20
 *   +------------+--------------+---------------+------+-------+------
 *   | customer   | nproviders n | expires (i64) | ta   | 0 0 0 | n x
 *   | (u32)      | (u32)        |               | index|       | u32 ..
 *   +------------+--------------+---------------+------+-------+------
 *   ta index 255 = no trust anchor named (rpki-client's ASPAs).
 */
#ifndef ROVMON_VRP_REDIS_INTERNAL_H
#define ROVMON_VRP_REDIS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "base/log.h"
#include "rpki/aspa.h"
#include "rpki/vrp_redis.h"

#define REC_SIZE	32
#define CHUNK_MAX	(VRP_REDIS_CHUNK * 4)	/* cap on chunk_records */
#define NS_MAX		64
#define KEY_MAX		(NS_MAX + 64)
#define FORMAT_VERSION	"1"
#define ASPA_HDR_SIZE	20	/* packed ASPA record before its providers */
/* Cap on the ASPA string: every record at its list's limits. */
#define ASPA_BYTES_MAX	((size_t)ASPA_MAX_RECORDS * ASPA_HDR_SIZE + \
			    (size_t)ASPA_MAX_POOL * 4)

/* One connection and its last error; the watcher owns two of these.
 * r is not const: a Sentinel connect notes the master it verified. */
struct rconn {
	struct vrp_redis	*r;
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
	atomic_uint		 master_changes;	/* = st.master_changes,
					 * read without the lock */
	size_t			 sentinel_first;	/* Sentinel URL: the
					 * one that answered last is asked
					 * first (under lock) */
};

/* vrp_redis.c */
void	vrp_redis_conn_err(struct rconn *, const char *, ...)
	    ROVMON_PRINTF(2, 3);

/* Keys: NS name, NS vrp:gen:ID:suffix, NS vrp:gen:ID:data:N; buf holds
 * KEY_MAX bytes. */
void	vrp_redis_key_ns(const struct rconn *, char *buf, const char *name);
void	vrp_redis_key_gen(const struct rconn *, char *buf, uint64_t id,
	    const char *suffix);
void	vrp_redis_key_chunk(const struct rconn *, char *buf, uint64_t id,
	    size_t n);

/* Connections and commands.  A reply, or NULL with k->err set; error
 * replies count as failures; the caller frees a reply it gets.
 * conn_open connects as the URL says (a Sentinel URL: to the master the
 * sentinels name, verified); conn_connect connects k to one server,
 * TCP (host, port) or unix (path), then keepalive, AUTH and SELECT as
 * the URL says, "what" naming the server in errors. */
int	vrp_redis_conn_open(struct rconn *);
int	vrp_redis_conn_connect(struct rconn *, const char *host, int port,
	    const char *path, const char *what);
void	vrp_redis_conn_close(struct rconn *);
redisReply *vrp_redis_cmdv(struct rconn *, int argc, const char **argv,
	    const size_t *lens);
redisReply *vrp_redis_get_reply(struct rconn *, const char *what);
/* A STATUS or INTEGER reply is all we want: consume and free it. */
int	vrp_redis_expect_ok(struct rconn *, redisReply *);

/* Status bookkeeping under r->lock, shared by the reader and the watcher:
 * the last error (logged when it changed unless quiet) counts a retry; a
 * generation refused for its content is counted once, true the first
 * time. */
void	vrp_redis_note_error(struct vrp_redis *, const char *err,
	    bool quiet);
bool	vrp_redis_note_refused(struct vrp_redis *, uint64_t gen);

/* vrp_redis_sentinel.c */
#define VRP_REDIS_HOST_MAX	253	/* a DNS name's length */
/*
 * Connect k to the master the sentinels name, in turn from the one that
 * answered last, and keep it only if ROLE says master.  0, or -1 with
 * k->err naming what failed (the master of the first answer, else the
 * last sentinel).
 */
int	vrp_redis_sentinel_open(struct rconn *k);
/*
 * SENTINEL get-master-addr-by-name on the sentinel connection s: the
 * master's host (letters, digits, '.', ':', '-', '_'; at most
 * VRP_REDIS_HOST_MAX) and port (1..65535).  -1 with s->err on a nil
 * reply (master unknown), wrong types or counts, or a bad address.
 */
int	vrp_redis_sentinel_ask(struct rconn *s, char *host, size_t hostlen,
	    int *port);
/* ROLE on k: 0 when it says master, else -1 with k->err. */
int	vrp_redis_role_master(struct rconn *k);

/* vrp_redis_url.c: decimal digits only, no sign, within [0, max]. */
int	vrp_redis_parse_num(const char *s, size_t n, unsigned long long max,
	    unsigned long long *out);

/* vrp_redis_read.c */
/* The fields of a generation's meta hash that hold numbers. */
enum { M_VERSION, M_COMPLETE, M_COUNT, M_CHUNKS, M_CHUNKREC, M_RECSIZE,
    M_NTAS, M_GENERATED, M_LOADED, M_CHECKED, M_OLDEST, M_NUM,
    /* Optional: only generations with ASPA objects have them (both). */
    M_ASPA_COUNT = M_NUM, M_ASPA_BYTES, M_ALL };
extern const char *const vrp_redis_meta_names[M_ALL];

/*
 * What reading a generation came to: read, refused for what Redis holds
 * (a missing chunk, a wrong type or length, a bad record, an error
 * reply), or no reply at all (connection lost, protocol error), which
 * says nothing about the generation.
 */
enum vrp_redis_read {
	VRP_REDIS_READ_OK	= 0,
	VRP_REDIS_READ_REFUSED	= -1,
	VRP_REDIS_READ_LOST	= -2
};

/* NS vrp:current and NS vrp:previous; "no current generation" is -1. */
int	vrp_redis_read_ids(struct rconn *, uint64_t *cur, uint64_t *prev);
/* A generation's meta hash, checked strictly; -1 when it is missing,
 * inconsistent or not complete. */
int	vrp_redis_read_meta(struct rconn *, uint64_t id,
	    struct vrp_redis_meta *);
/*
 * The current generation, retried if a newer load replaced it meanwhile:
 * loaded into *out (out NULL: only the meta hash and the chunk lengths
 * are checked), m filled in, previous and bytes included.  0; or -1 with
 * k->err set and *refused the generation that Redis still names current
 * but whose content was refused: 0 when the failure was reaching Redis or
 * reading the pointer, which says nothing about any generation.
 */
int	vrp_redis_read_current(struct rconn *, struct vrp_redis_meta *m,
	    struct vrp_set **out, uint64_t *refused);

#endif /* ROVMON_VRP_REDIS_INTERNAL_H */
