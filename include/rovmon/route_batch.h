/*
 * route_batch.h - routes kept past their bgp_sink callback, so that the
 * ROV lookups of many routes run together (rov_check_batch()) before
 * each route's work runs in the order the decoder gave them
 * (rovmon_loop.c; src/rovmon/route_batch.c says what is copied).
 *
 * A full table comes ~1.06 prefixes to an UPDATE, so a batch spans
 * UPDATEs: what an entry points to (the message's bytes, the AS path,
 * the communities, the frame) is copied once per UPDATE (ctx->msg_seq)
 * into the batch's arena; the context, attributes and route themselves
 * are copied per route, as the decoder changes some attributes between
 * the routes of one UPDATE (the MP_REACH next hop).
 */
#ifndef ROVMON_ROUTE_BATCH_H
#define ROVMON_ROUTE_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "rpki/rov.h"

#define ROUTE_BATCH_MAX		64	/* routes */
#define ROUTE_BATCH_ARENA	(256 * 1024)	/* bytes for the copies */

struct route_batch_entry {
	struct bgp_msg_ctx ctx;		/* pointers into the arena */
	struct bgp_attrs at;		/* likewise */
	struct bgp_route r;
	bool		 has_at;
	int		 rov;		/* index into the lookups: -1 for a
					 * withdrawal (nothing to look up) */
};

/*
 * The lookups are kept as the arrays rov_check_batch() and
 * validator_check_batch() take: announcements only, in order.
 */
struct route_batch {
	size_t		 n;		/* entries */
	struct route_batch_entry ent[ROUTE_BATCH_MAX];
	size_t		 nrov;
	const struct bgp_attrs *rov_at[ROUTE_BATCH_MAX];
	const struct prefix *rov_pfx[ROUTE_BATCH_MAX];
	struct rov_result rov_res[ROUTE_BATCH_MAX];
	uint32_t	 rib_hint[ROUTE_BATCH_MAX];	/* alerting_prefetch() */
	/* the UPDATE whose pointed-to data was copied last */
	uint64_t	 seq;		/* its ctx.msg_seq (0: none) */
	const struct packet *pkt;	/* its frame, copied */
	const uint8_t	*msg;		/* its bytes, copied */
	const struct bgp_as_segment *seg;
	const uint32_t	*asns;
	const uint8_t	*comm, *lcomm;
	size_t		 used;		/* bytes of arena */
	uint8_t		*arena;		/* ROUTE_BATCH_ARENA bytes */
};

/* NULL on allocation failure; route_batch_free(NULL) does nothing. */
struct route_batch *route_batch_new(void);
void		 route_batch_free(struct route_batch *);

/*
 * Keep a copy of one route as the sink got it (at may be NULL).  False,
 * and nothing kept, when the batch is full or its arena cannot hold the
 * UPDATE's data: the caller runs the batch, route_batch_clear()s it and
 * adds again; false on an empty batch means the UPDATE is larger than
 * any batch (an extended message with a huge path): the caller handles
 * that route alone.
 */
bool		 route_batch_add(struct route_batch *,
		    const struct bgp_msg_ctx *, const struct bgp_attrs *,
		    const struct bgp_route *);
void		 route_batch_clear(struct route_batch *);

#endif /* ROVMON_ROUTE_BATCH_H */
