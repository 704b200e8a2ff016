/*
 * rib_save.h - the RIB's sessions and routes as bytes and back: the body
 * of a checkpoint (docs/state.md).  rib_save.c writes it, rib_load.c
 * reads it through the cursor; the file around it (header, checksum,
 * atomic write, refusal) is state/checkpoint.h's.
 *
 * The encoding is canonical: saving a RIB, loading the bytes into an
 * empty RIB and saving that gives the same bytes (sessions in ascending
 * id, each direction's routes in their table order, the tuples in the
 * order of their first use), and a body that is not what rib_save()
 * would write for some RIB is refused.
 */
#ifndef ROVMON_RIB_SAVE_H
#define ROVMON_RIB_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "state/rib.h"

/* A serialized RIB (p: a mapping of cap bytes).  Owned by the caller:
 * rib_blob_free(). */
struct rib_blob {
	uint8_t		*p;
	size_t		 len, cap;
	size_t		 sessions, routes, tuples;	/* what it holds */
};

/* Serialize every session, direction, route and tuple of rib into *out
 * (zeroed first).  0, or -1 on allocation failure (*out freed). */
int	rib_save(const struct rib *, struct rib_blob *out);
void	rib_blob_free(struct rib_blob *);	/* NULL ok; zeroes it */
/*
 * Repeated snapshots: a saver keeps its scratch memory (a buffer and a
 * map, as large as the RIB's routes and tuples) between them, and
 * rib_save_with() writes over out's memory when out has some (a blob
 * given back by the writer), so that a snapshot touches no new page:
 * on a full table the page faults would cost more than the work.
 * out: a blob, zeroed or from an earlier save.  0, or -1 (out freed).
 */
struct rib_saver;
struct rib_saver *rib_saver_new(void);		/* NULL: no memory */
void	rib_saver_free(struct rib_saver *);	/* NULL ok */
int	rib_save_with(struct rib_saver *, const struct rib *,
	    struct rib_blob *out);

/* The largest session id rib holds, 0 none: new sessions are numbered
 * above it (bgp_session_ids_from()), never onto a restored one. */
uint64_t rib_session_id_max(const struct rib *);

/*
 * Load a body into rib, which must be empty (rib_new()).  0, or -1 with
 * why (at most whylen bytes) naming what is wrong and its offset in the
 * body; rib then holds part of it and must be freed.  Counters of the
 * routes by state are rebuilt; nothing is counted in stats.
 */
int	rib_load(struct rib *, const uint8_t *body, size_t len, char *why,
	    size_t whylen);

/*
 * After a restart every restored session is down as far as rovmon knows:
 * hold each that is not held already (rib_hold(), since now, until
 * `until'), so that its flow resumes it (same 4-tuple), a new session
 * between its speakers adopts it, or it expires (session-gone).  One
 * over RIB_HOLD_MAX is taken down at once (cb for each route, as
 * rib_session_down()).  Returns the sessions held.
 */
size_t	rib_hold_restored(struct rib *, int64_t now, int64_t until,
	    const struct timeval *ts, rib_event_cb *cb, void *arg);

/*
 * What the RIB stored of ctx's sender in ctx's session (found by id and
 * the sender's address and port): its AS, the receiver's, its RFC 9234
 * role and where that came from.  A session resumed after rovmon's
 * restart is read mid-stream, its OPENs not seen again: these are what
 * its OPENs said before (rovmon_loop.c judges its routes with them).
 * false: the RIB has no such direction (*out zeroed).
 */
struct rib_sender {
	uint32_t	 peer_as, local_as;	/* 0: unknown */
	uint8_t		 role;		/* enum bgp_role */
	uint8_t		 role_source;	/* enum bgp_role_source */
};
bool	rib_sender(const struct rib *, const struct bgp_msg_ctx *ctx,
	    struct rib_sender *out);

#endif /* ROVMON_RIB_SAVE_H */
