/*
 * reasm_internal.h - the seam between reasm.c (flows: segment intake,
 * anchoring, the flow table, timeouts, eviction) and reasm_half.c (one
 * direction's byte stream: offsets, the out-of-order queue, gaps, the
 * reorder window, memory limits).  Private to those two files: the public
 * contract is reasm.h.
 */
#ifndef ROVMON_REASM_INTERNAL_H
#define ROVMON_REASM_INTERNAL_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/flow.h"
#include "capture/reasm.h"

#define USEC		1000000LL

/*
 * The identity of the frame a queued piece came in: what the next stages
 * read of a struct packet besides its bytes.  Compact, as it is paid per
 * queued piece.  num 0: no frame known.
 */
struct frame_id {
	uint64_t	 num;		/* 1-based frame number */
	int64_t		 ts;		/* capture time (us) */
	uint32_t	 wirelen;
};

/* One queued out-of-order piece. */
struct oseg {
	TAILQ_ENTRY(oseg) entry;
	uint64_t	 off;		/* stream offset of the first byte */
	uint32_t	 len;		/* sequence space covered */
	uint32_t	 cap;		/* bytes in data[]; the rest was cut
					 * by the snaplen and is a gap */
	struct frame_id	 from;		/* the frame that carried it */
	uint8_t		 data[];
};
TAILQ_HEAD(oseg_list, oseg);

struct rflow;

struct half {
	struct rflow	*flow;
	int		 dir;
	bool		 anchored;
	bool		 pending;	/* on reasm->pending */
	bool		 acked_valid;
	bool		 fin;
	uint32_t	 base;		/* sequence number of offset 0 */
	uint64_t	 next;		/* next offset to hand on */
	uint64_t	 acked;		/* highest offset the peer acked */
	uint64_t	 gap_lo, gap_hi; /* the last hole given up */
	int64_t		 hole_since;	/* capture time (us) of the hole */
	size_t		 mem;		/* queued bytes incl. overhead */
	struct oseg_list q;
	TAILQ_ENTRY(half) pend;
	/* Reorder window of an ACKed hole (on reasm->waiting). */
	bool		 waiting;
	uint64_t	 wait_off;	/* the hole ends here */
	uint64_t	 wait_pkts;	/* flow's segment count at the start */
	int64_t		 wait_since;	/* capture time (us) at the start */
	TAILQ_ENTRY(half) wait;
};

struct rflow {
	struct flow_node node;
	TAILQ_ENTRY(rflow) lru;		/* on reasm->active or ->closed */
	TAILQ_ENTRY(rflow) emb;		/* on reasm->embryonic, if embryonic */
	struct flow_endpoint ep[2];	/* a, b */
	void		*sess;
	int64_t		 last_seen;	/* or the close time when closed */
	uint64_t	 npkts;		/* segments seen, both directions */
	bool		 closed;
	bool		 embryonic;	/* no payload seen yet */
	bool		 isn_valid[2];
	uint32_t	 isn[2];
	struct half	 h[2];
};
TAILQ_HEAD(rflow_list, rflow);

struct reasm {
	struct reasm_config cfg;
	struct reasm_ops ops;
	void		*arg;
	struct flow_table tab;		/* open and closed flows */
	struct rflow_list active;	/* by last_seen */
	struct rflow_list closed;	/* by close time */
	struct rflow_list embryonic;	/* open, no payload yet; by last_seen */
	TAILQ_HEAD(, half) pending;	/* by hole_since */
	TAILQ_HEAD(, half) waiting;	/* ACKed holes, by wait_since */
	size_t		 nactive;
	size_t		 mem;
	int64_t		 now;		/* latest capture time seen (us) */
	const struct packet *pkt;	/* frame being processed, or NULL */
};

#define FLOW_OF(n)	((struct rflow *)(void *)((char *)(n) - \
			    offsetof(struct rflow, node)))
#define OSEG_COST(c)	(sizeof(struct oseg) + (c))

/* reasm_half.c */
/* Capture time of a frame in microseconds. */
int64_t	reasm_pkt_time(const struct packet *);
void	reasm_half_init(struct rflow *, int dir);
/* Free the queue and take the half off the pending and waiting lists. */
void	reasm_half_free(struct reasm *, struct half *);
/* Payload bytes of one segment: p[0..cap) captured of `wire` on the
 * wire, at sequence number seq. */
void	reasm_half_data(struct reasm *, struct half *, uint32_t seq,
	    const uint8_t *p, uint32_t cap, uint32_t wire);
/* The peer acknowledged up to ack (raw sequence number). */
void	reasm_half_ack(struct reasm *, struct half *, uint32_t ack);
/* Start, end or expire the reorder window of an ACKed hole. */
void	reasm_half_ack_check(struct reasm *, struct half *);
/* Has the reorder window of a waiting half run out? */
bool	reasm_half_wait_expired(const struct reasm *, const struct half *);
/* Give up on the hole in front of the queue and go on behind it. */
void	reasm_half_skip(struct reasm *, struct half *);
/* Hand on everything queued, skipping every hole. */
void	reasm_half_flush(struct reasm *, struct half *);

#endif /* ROVMON_REASM_INTERNAL_H */
