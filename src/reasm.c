/*
 * reasm.c - rovmon's TCP reassembly engine.
 *
 * Each flow has two halves, one per direction.  A half is anchored once:
 * at ISN+1 when its SYN (or SYN-ACK) was seen, else at the sequence number
 * of the first segment with payload.  From then on every byte has a 64-bit
 * stream offset, and `next` is the offset of the first byte not yet handed
 * on (delivered or skipped as a gap).  Raw sequence numbers are only ever
 * subtracted as int32_t (SEQ_DIFF) relative to the sequence number of
 * `next`, so wraparound at 2^32 needs no special case.
 *
 * Invariants of a half:
 *  - bytes are handed on exactly once, in offset order, never before the
 *    anchor; `next` only grows;
 *  - the out-of-order queue is sorted by offset, its pieces never overlap,
 *    and after every operation its first piece starts beyond `next` (a
 *    hole), because anything at `next` is delivered at once;
 *  - a half with a non-empty queue is on the reasm's pending list, which
 *    is ordered by the time the current hole appeared, so the gap timeout
 *    only ever looks at the list head.
 *
 * Overlap policy: the first copy wins.  Bytes already delivered, or
 * already queued, are never replaced by a later copy; a later copy only
 * fills holes.  Differences against queued bytes are counted
 * (reasm_overlap_diff); delivered bytes are not kept, so differences
 * there go unseen.
 *
 * Every hole is eventually skipped (reported with ops->gap) so that no
 * direction stalls: when it is older than gap_timeout, when the peer has
 * acknowledged past it and the reorder window ran out, when the half or
 * all halves hold too many queued bytes, and when the flow closes.  See
 * docs/reassembly.md.
 *
 * The reorder window: a mirror port copies the two directions through
 * different queues, so the peer's ACK is often captured before the data
 * it acknowledges.  An ACKed hole therefore is not skipped at once: it
 * waits until reorder_pkts more segments of the flow, reorder_bytes
 * queued in the half or reorder_ms of capture time have passed (the
 * "wait"), and only then becomes a gap.  Halves that wait are on the
 * reasm's waiting list, ordered by the start of the wait.
 *
 * Each queued piece remembers the frame it came in (number, time, wire
 * length), and bytes delivered from the queue are handed on with that
 * frame, not with the one that released them: an event is stamped with
 * the frame that carried its last byte, whatever order the capture
 * brought the frames in.
 *
 * Time is capture time; timeouts are checked on every segment against
 * the heads of four lists ordered by age (pending halves, open flows,
 * closed flows, flows that have carried no payload yet), so the check
 * is O(1) unless something expires.
 *
 * Flows without payload (a SYN, a handshake waiting for its OPEN) are
 * "embryonic", as in Suricata's "new" state: they time out after
 * embryonic_timeout rather than idle_timeout, and when the table is full
 * the oldest of them makes room (REASM_CLOSE_EVICTED).  Without that, a
 * SYN flood toward port 179 would fill the table with flows that never
 * carry a byte and lock real sessions out for the whole idle timeout.
 * Flows that have carried data are never evicted: the table's cap then
 * refuses new flows (reasm_flow_limit).
 */
#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "log.h"
#include "reasm.h"
#include "stats.h"

/* Wrap-safe sequence arithmetic (RFC 9293 section 3.4, RFC 1982). */
#define SEQ_DIFF(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)))

#define USEC		1000000LL
/* How long a closed flow absorbs late retransmissions and final ACKs
 * (roughly 2*MSL), so that they do not open a mid-stream session. */
#define CLOSED_LINGER	60

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

static void	half_skip(struct reasm *, struct half *);

void
reasm_config_default(struct reasm_config *c)
{
	c->idle_timeout = 600;
	c->gap_timeout = 2;
	c->flow_mem = 4 * 1024 * 1024;
	c->total_mem = 256 * 1024 * 1024;
	c->max_flows = 65536;
	c->embryonic_timeout = 30;
	c->reorder_pkts = 64;
	c->reorder_bytes = 1024 * 1024;
	c->reorder_ms = 500;
}

static int64_t
pkt_time(const struct packet *pkt)
{
	return (int64_t)pkt->ts.tv_sec * USEC + pkt->ts.tv_usec;
}

/*
 * Stream offset of `seq` relative to the anchor, computed from the
 * distance to the sequence number of `next`; negative means before the
 * anchor.  Valid while |seq - seq(next)| < 2^31, which TCP's window
 * guarantees for anything that can still matter.
 */
static int64_t
half_rel(const struct half *h, uint32_t seq)
{
	uint32_t nseq = h->base + (uint32_t)h->next;

	return (int64_t)h->next + SEQ_DIFF(seq, nseq);
}

/* `pkt` is the frame that carried the bytes (NULL: none known). */
static void
deliver(struct reasm *r, struct half *h, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	if (n == 0)
		return;
	r->ops.data(h->flow->sess, h->dir, p, n, pkt);
	STAT_ADD(reasm_bytes, n);
}

static void
frame_remember(struct frame_id *id, const struct packet *pkt)
{
	memset(id, 0, sizeof(*id));
	if (pkt == NULL)
		return;
	id->num = pkt->num;
	id->ts = pkt_time(pkt);
	id->wirelen = pkt->wirelen;
}

/*
 * The frame a piece came in, without its bytes, for the callbacks (the
 * link type is that of the frame being processed: one per capture).
 * NULL when none is known.
 */
static const struct packet *
frame_recall(const struct reasm *r, const struct frame_id *id,
    struct packet *pkt)
{
	if (id->num == 0)
		return NULL;
	memset(pkt, 0, sizeof(*pkt));
	pkt->num = id->num;
	pkt->ts.tv_sec = (time_t)(id->ts / USEC);
	pkt->ts.tv_usec = (suseconds_t)(id->ts % USEC);
	pkt->wirelen = id->wirelen;
	pkt->linktype = r->pkt != NULL ? r->pkt->linktype : 0;
	return pkt;
}

/* Habit 3: bytes the snaplen cut are not bytes lost by the network. */
static void
report_gap(struct reasm *r, struct half *h, uint64_t n, bool trunc)
{
	if (n == 0)
		return;
	r->ops.gap(h->flow->sess, h->dir, n, r->pkt);
	if (trunc) {
		STAT_INC(reasm_trunc_gaps);
		STAT_ADD(reasm_trunc_bytes, n);
	} else {
		STAT_INC(reasm_gaps);
		STAT_ADD(reasm_gap_bytes, n);
		h->gap_lo = h->next;
		h->gap_hi = h->next + n;
	}
}

static void
oseg_unlink(struct reasm *r, struct half *h, struct oseg *s)
{
	TAILQ_REMOVE(&h->q, s, entry);
	h->mem -= OSEG_COST(s->cap);
	r->mem -= OSEG_COST(s->cap);
}

/*
 * Keep the pending list in step with the queue: a half with queued data
 * is on it, and its hole_since restarts whenever `next` moved (the hole
 * now in front is a new one).
 */
static void
half_pending(struct reasm *r, struct half *h, uint64_t old_next)
{
	if (TAILQ_EMPTY(&h->q)) {
		if (h->pending) {
			TAILQ_REMOVE(&r->pending, h, pend);
			h->pending = false;
		}
		return;
	}
	if (h->pending && h->next == old_next)
		return;
	if (h->pending)
		TAILQ_REMOVE(&r->pending, h, pend);
	TAILQ_INSERT_TAIL(&r->pending, h, pend);
	h->pending = true;
	h->hole_since = r->now;
}

/*
 * Hand on every queued piece that starts at `next`, each with the frame
 * it came in.
 */
static void
half_drain(struct reasm *r, struct half *h)
{
	struct oseg *s;
	struct packet fr;
	uint64_t skip, end;

	while ((s = TAILQ_FIRST(&h->q)) != NULL && s->off <= h->next) {
		oseg_unlink(r, h, s);
		end = s->off + s->len;
		if (end > h->next) {
			/* Pieces never overlap, so skip is 0; be safe. */
			skip = h->next - s->off;
			if (skip < s->cap)
				deliver(r, h, s->data + skip, s->cap - skip,
				    frame_recall(r, &s->from, &fr));
			report_gap(r, h, s->len - (skip > s->cap ? skip :
			    s->cap), true);
			h->next = end;
		}
		free(s);
	}
}

static void
wait_stop(struct reasm *r, struct half *h)
{
	if (h->waiting) {
		TAILQ_REMOVE(&r->waiting, h, wait);
		h->waiting = false;
	}
}

/* Give up on the hole in front of the queue and go on behind it. */
static void
half_skip(struct reasm *r, struct half *h)
{
	struct oseg *s = TAILQ_FIRST(&h->q);
	uint64_t old = h->next;

	if (s == NULL)
		return;
	if (s->off > h->next) {
		report_gap(r, h, s->off - h->next, false);
		h->next = s->off;
	}
	half_drain(r, h);
	half_pending(r, h, old);
	/* The hole a window was for is a gap now, whatever skipped it. */
	if (h->waiting && h->next >= h->wait_off)
		wait_stop(r, h);
}

static void
half_flush(struct reasm *r, struct half *h)
{
	while (!TAILQ_EMPTY(&h->q))
		half_skip(r, h);
}

static bool
wait_expired(const struct reasm *r, const struct half *h)
{
	return h->flow->npkts - h->wait_pkts > r->cfg.reorder_pkts ||
	    h->mem > r->cfg.reorder_bytes ||
	    r->now - h->wait_since >= (int64_t)r->cfg.reorder_ms * 1000;
}

/*
 * The peer acknowledged everything before `acked`, so a hole that ends
 * there was received by the peer.  Either the capture missed it (it will
 * never fill) or the mirror delivered the ACK before the data (it fills
 * soon): give it the reorder window, then skip it rather than wait for
 * gap_timeout.  A wait ends as "recovered" when `next` passed the hole
 * by data, as a gap (reasm_gap_acked) when the window ran out.
 */
static void
half_ack_check(struct reasm *r, struct half *h)
{
	struct oseg *s;

	for (;;) {
		if (h->waiting && h->next >= h->wait_off) {
			STAT_INC(reasm_reorder_recovered);
			wait_stop(r, h);
		}
		s = TAILQ_FIRST(&h->q);
		if (!h->acked_valid || s == NULL || h->acked < s->off) {
			wait_stop(r, h);	/* not expected; be safe */
			return;
		}
		if (!h->waiting) {
			h->waiting = true;
			h->wait_off = s->off;
			h->wait_pkts = h->flow->npkts;
			h->wait_since = r->now;
			TAILQ_INSERT_TAIL(&r->waiting, h, wait);
		}
		if (!wait_expired(r, h))
			return;
		STAT_INC(reasm_gap_acked);
		half_skip(r, h);
	}
}

static void
half_ack(struct reasm *r, struct half *h, uint32_t ack)
{
	int64_t rel;

	if (!h->anchored)
		return;
	rel = half_rel(h, ack);
	if (rel < 0)
		return;
	if (!h->acked_valid || (uint64_t)rel > h->acked) {
		h->acked = (uint64_t)rel;
		h->acked_valid = true;
	}
	half_ack_check(r, h);
}

/* Skip holes while this half, or everything, holds too much. */
static void
half_limits(struct reasm *r, struct half *h)
{
	struct half *v;

	while (h->mem > r->cfg.flow_mem && !TAILQ_EMPTY(&h->q)) {
		STAT_INC(reasm_flow_mem_limit);
		half_skip(r, h);
	}
	while (r->mem > r->cfg.total_mem) {
		/* The half that grew pays first, then the oldest hole. */
		v = !TAILQ_EMPTY(&h->q) ? h : TAILQ_FIRST(&r->pending);
		if (v == NULL)
			break;
		STAT_INC(reasm_total_mem_limit);
		half_skip(r, v);
	}
}

/* What a segment contributed, for the retransmit/overlap counters. */
struct ins_result {
	uint64_t	added;		/* new bytes (delivered or queued) */
	uint64_t	overlap;	/* bytes already seen */
	bool		diff;		/* some of those differed */
};

/*
 * Queue [poff, pend) of a segment whose captured bytes p[0..cap) start at
 * offset `off`, before `before` (NULL = at the tail).
 */
static void
queue_piece(struct reasm *r, struct half *h, struct oseg *before,
    uint64_t poff, uint64_t pend, uint64_t off, const uint8_t *p,
    uint32_t cap, struct ins_result *res)
{
	struct oseg *s;
	uint64_t n = pend - poff, capend = off + cap, c = 0;

	if (capend > poff)
		c = capend - poff < n ? capend - poff : n;
	if ((s = malloc(OSEG_COST(c))) == NULL) {
		/* The piece becomes a hole, skipped like any other. */
		STAT_INC(reasm_nomem);
		return;
	}
	s->off = poff;
	s->len = (uint32_t)n;
	s->cap = (uint32_t)c;
	frame_remember(&s->from, r->pkt);
	if (c > 0)
		memcpy(s->data, p + (poff - off), c);
	if (before != NULL)
		TAILQ_INSERT_BEFORE(before, s, entry);
	else
		TAILQ_INSERT_TAIL(&h->q, s, entry);
	h->mem += OSEG_COST(c);
	r->mem += OSEG_COST(c);
	res->added += n;
}

/* Compare the captured bytes of [lo, hi) in the segment and in piece s. */
static bool
overlap_differs(const struct oseg *s, uint64_t lo, uint64_t hi, uint64_t off,
    const uint8_t *p, uint32_t cap)
{
	if (hi > off + cap)
		hi = off + cap;
	if (hi > s->off + s->cap)
		hi = s->off + s->cap;
	if (lo >= hi)
		return false;
	return memcmp(p + (lo - off), s->data + (lo - s->off), hi - lo) != 0;
}

/*
 * Queue the part [from, end) of a segment, filling only the holes between
 * queued pieces: queued bytes win (first copy wins).
 */
static void
queue_insert(struct reasm *r, struct half *h, uint64_t from, uint64_t off,
    uint64_t end, const uint8_t *p, uint32_t cap, struct ins_result *res)
{
	struct oseg *s;
	uint64_t cur = from, oend;

	/* Most out-of-order arrivals extend the tail. */
	s = TAILQ_LAST(&h->q, oseg_list);
	if (s == NULL || s->off + s->len <= cur)
		s = NULL;
	else {
		s = TAILQ_FIRST(&h->q);
		while (s != NULL && s->off + s->len <= cur)
			s = TAILQ_NEXT(s, entry);
	}
	while (cur < end) {
		if (s == NULL || s->off >= end) {
			queue_piece(r, h, s, cur, end, off, p, cap, res);
			break;
		}
		if (s->off > cur) {
			queue_piece(r, h, s, cur, s->off, off, p, cap, res);
			cur = s->off;
		}
		oend = end < s->off + s->len ? end : s->off + s->len;
		res->overlap += oend - cur;
		if (overlap_differs(s, cur, oend, off, p, cap))
			res->diff = true;
		cur = oend;
		s = TAILQ_NEXT(s, entry);
	}
}

/*
 * In-order part of a segment that starts at `next`: hand its bytes on
 * straight from the packet (the zero-copy path every in-order segment
 * takes), up to the first queued piece.  Returns where it stopped.
 */
static uint64_t
half_fast(struct reasm *r, struct half *h, uint64_t end, const uint8_t *p,
    uint32_t cap, struct ins_result *res)
{
	struct oseg *s = TAILQ_FIRST(&h->q);
	uint64_t limit = end, n, c;

	if (s != NULL && s->off < limit)
		limit = s->off;
	n = limit - h->next;
	c = cap < n ? cap : n;
	deliver(r, h, p, c, r->pkt);
	report_gap(r, h, n - c, true);
	h->next = limit;
	res->added += n;
	return limit;
}

/* Payload bytes of one segment: p[0..cap) captured of `wire` on the wire. */
static void
half_data(struct reasm *r, struct half *h, uint32_t seq, const uint8_t *p,
    uint32_t cap, uint32_t wire)
{
	struct ins_result res = { 0, 0, false };
	uint64_t old = h->next, off, end, from, k;
	int64_t rel = half_rel(h, seq);
	bool ooo;

	if (rel < 0) {
		/* Never deliver before the anchor, never re-anchor. */
		STAT_INC(reasm_before_anchor);
		if (rel + (int64_t)wire <= 0)
			return;
		k = (uint64_t)-rel;
		p += k < cap ? k : cap;
		cap -= k < cap ? (uint32_t)k : cap;
		wire -= (uint32_t)k;
		rel = 0;
	}
	off = (uint64_t)rel;
	end = off + wire;
	/* Data for a hole already given up: the window was too short. */
	if (off < h->gap_hi && end > h->gap_lo)
		STAT_INC(reasm_gap_late);
	if (end <= h->next) {
		STAT_INC(reasm_retransmit);
		return;
	}
	if (off < h->next) {
		/* Already delivered bytes win; they are not kept to compare. */
		k = h->next - off;
		res.overlap += k;
		p += k < cap ? k : cap;
		cap -= k < cap ? (uint32_t)k : cap;
		off = h->next;
	}
	from = off;
	if (!(ooo = off > h->next))
		from = half_fast(r, h, end, p, cap, &res);
	queue_insert(r, h, from, off, end, p, cap, &res);
	if (res.added == 0)
		STAT_INC(reasm_retransmit);
	else {
		if (ooo)
			STAT_INC(reasm_ooo);
		if (res.overlap > 0)
			STAT_INC(reasm_overlap);
	}
	if (res.diff)
		STAT_INC(reasm_overlap_diff);
	half_drain(r, h);
	half_pending(r, h, old);
	half_ack_check(r, h);
	half_limits(r, h);
}

static void
half_init(struct rflow *f, int dir)
{
	struct half *h = &f->h[dir];

	memset(h, 0, sizeof(*h));
	h->flow = f;
	h->dir = dir;
	TAILQ_INIT(&h->q);
}

static void
half_free(struct reasm *r, struct half *h)
{
	struct oseg *s, *next;

	for (s = TAILQ_FIRST(&h->q); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		oseg_unlink(r, h, s);
		free(s);
	}
	if (h->pending) {
		TAILQ_REMOVE(&r->pending, h, pend);
		h->pending = false;
	}
	wait_stop(r, h);
}

/* The flow carried payload or is going: off the embryonic list. */
static void
embryo_end(struct reasm *r, struct rflow *f)
{
	if (f->embryonic) {
		TAILQ_REMOVE(&r->embryonic, f, emb);
		f->embryonic = false;
	}
}

/* Remove a flow from the table and its list and free it: no callbacks. */
static void
flow_destroy(struct reasm *r, struct rflow *f)
{
	half_free(r, &f->h[0]);
	half_free(r, &f->h[1]);
	embryo_end(r, f);
	flow_table_remove(&r->tab, &f->node);
	if (f->closed)
		TAILQ_REMOVE(&r->closed, f, lru);
	else {
		TAILQ_REMOVE(&r->active, f, lru);
		r->nactive--;
	}
	free(f);
}

/*
 * Hand on what is queued (skipping holes), tell the next stage, and
 * either keep the flow as a closed tombstone (FIN, RST: late segments of
 * this connection are still coming) or free it.
 */
static void
flow_close(struct reasm *r, struct rflow *f, enum reasm_close why)
{
	half_flush(r, &f->h[0]);
	half_flush(r, &f->h[1]);
	embryo_end(r, f);
	r->ops.session_close(f->sess, why, r->pkt);
	STAT_INC(sessions_closed);
	if (why == REASM_CLOSE_TIMEOUT)
		STAT_INC(sessions_timeout);
	else if (why == REASM_CLOSE_EVICTED)
		STAT_INC(sessions_evicted);
	if (why != REASM_CLOSE_FIN && why != REASM_CLOSE_RST) {
		flow_destroy(r, f);
		return;
	}
	TAILQ_REMOVE(&r->active, f, lru);
	r->nactive--;
	f->closed = true;
	f->last_seen = r->now;
	TAILQ_INSERT_TAIL(&r->closed, f, lru);
}

/* Capture-time timeouts; each loop only looks at the oldest entry. */
static void
reasm_sweep(struct reasm *r)
{
	struct half *h;
	struct rflow *f;
	int64_t gap = (int64_t)r->cfg.gap_timeout * USEC;
	int64_t idle = (int64_t)r->cfg.idle_timeout * USEC;
	int64_t linger = CLOSED_LINGER * USEC;
	int64_t embryo = (int64_t)r->cfg.embryonic_timeout * USEC;

	if (idle < linger)
		linger = idle;
	while ((h = TAILQ_FIRST(&r->pending)) != NULL &&
	    h->hole_since + gap <= r->now) {
		STAT_INC(reasm_gap_timeout);
		half_skip(r, h);
	}
	/* Each pass skips a hole or finds the head's window still open. */
	while ((h = TAILQ_FIRST(&r->waiting)) != NULL && wait_expired(r, h))
		half_ack_check(r, h);
	while ((f = TAILQ_FIRST(&r->active)) != NULL &&
	    f->last_seen + idle <= r->now)
		flow_close(r, f, REASM_CLOSE_TIMEOUT);
	while (embryo > 0 && (f = TAILQ_FIRST(&r->embryonic)) != NULL &&
	    f->last_seen + embryo <= r->now)
		flow_close(r, f, REASM_CLOSE_TIMEOUT);
	while ((f = TAILQ_FIRST(&r->closed)) != NULL &&
	    f->last_seen + linger <= r->now)
		flow_destroy(r, f);
}

static int
flow_dir(const struct rflow *f, const struct tcp_segment *seg)
{
	return ipaddr_eq(&seg->src, &f->ep[0].addr) &&
	    seg->sport == f->ep[0].port ? 0 : 1;
}

/*
 * A new flow.  Direction 0 is the client: the SYN sender, the receiver
 * of a SYN-ACK, or else whoever sent the first payload we saw.
 */
static struct rflow *
flow_create(struct reasm *r, const struct flow_key *k, uint64_t hash,
    const struct tcp_segment *seg)
{
	struct rflow *f;
	bool synack = (seg->flags & (TCPF_SYN | TCPF_ACK)) ==
	    (TCPF_SYN | TCPF_ACK);
	int a = synack ? 1 : 0;

	if (r->tab.count >= r->cfg.max_flows) {
		/*
		 * Tombstones are only a courtesy: recycle the oldest.  Then
		 * the oldest flow that never carried a byte (a SYN flood's).
		 */
		if ((f = TAILQ_FIRST(&r->closed)) != NULL)
			flow_destroy(r, f);
		else if ((f = TAILQ_FIRST(&r->embryonic)) != NULL)
			flow_close(r, f, REASM_CLOSE_EVICTED);
		else {
			STAT_INC(reasm_flow_limit);
			return NULL;
		}
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("reasm: flow");
		STAT_INC(reasm_nomem);
		return NULL;
	}
	f->node.key = *k;
	f->node.hash = hash;
	f->ep[a].addr = seg->src;
	f->ep[a].port = seg->sport;
	f->ep[1 - a].addr = seg->dst;
	f->ep[1 - a].port = seg->dport;
	half_init(f, 0);
	half_init(f, 1);
	f->last_seen = r->now;
	flow_table_insert(&r->tab, &f->node);
	TAILQ_INSERT_TAIL(&r->active, f, lru);
	r->nactive++;
	f->embryonic = true;
	TAILQ_INSERT_TAIL(&r->embryonic, f, emb);
	STAT_INC(sessions);
	if ((seg->flags & TCPF_SYN) == 0)
		STAT_INC(sessions_midstream);
	f->sess = r->ops.session_open(r->arg, &f->ep[0], &f->ep[1], r->pkt);
	return f;
}

/* SYN and SYN-ACK anchor their half at ISN+1 (RFC 9293 section 3.4). */
static void
flow_syn(struct rflow *f, const struct tcp_segment *seg, int dir)
{
	struct half *h = &f->h[dir], *peer = &f->h[1 - dir];

	if (!h->anchored) {
		h->anchored = true;
		h->base = seg->seq + 1;
		f->isn_valid[dir] = true;
		f->isn[dir] = seg->seq;
	} else if (!f->isn_valid[dir] && h->base == seg->seq + 1) {
		/* The SYN after the SYN-ACK that anchored this half. */
		f->isn_valid[dir] = true;
		f->isn[dir] = seg->seq;
	}
	/* A SYN-ACK's ack is the client's ISN+1: an exact anchor for the
	 * client half when the capture began after the SYN. */
	if ((seg->flags & TCPF_ACK) && !peer->anchored) {
		peer->anchored = true;
		peer->base = seg->ack;
	}
}

static void
flow_input(struct reasm *r, struct rflow *f, const struct tcp_segment *seg)
{
	int dir = flow_dir(f, seg);
	struct half *h = &f->h[dir];
	uint32_t seq = seg->seq;

	f->last_seen = r->now;
	f->npkts++;
	TAILQ_REMOVE(&r->active, f, lru);
	TAILQ_INSERT_TAIL(&r->active, f, lru);
	if (f->embryonic) {
		TAILQ_REMOVE(&r->embryonic, f, emb);
		if (seg->wire_len > 0)
			f->embryonic = false;
		else
			TAILQ_INSERT_TAIL(&r->embryonic, f, emb);
	}
	if (seg->flags & TCPF_SYN) {
		flow_syn(f, seg, dir);
		seq++;		/* SYN payload (TFO) starts after the SYN */
	}
	if (!h->anchored && seg->wire_len > 0) {
		h->anchored = true;
		h->base = seq;
	}
	if (seg->wire_len > 0 && (seg->flags & TCPF_RST) == 0)
		half_data(r, h, seq, seg->payload, seg->len < seg->wire_len ?
		    seg->len : seg->wire_len, seg->wire_len);
	if (seg->flags & TCPF_RST) {
		flow_close(r, f, REASM_CLOSE_RST);
		return;
	}
	if (seg->flags & TCPF_ACK)
		half_ack(r, &f->h[1 - dir], seg->ack);
	/* One more segment of the flow: reorder windows measured in them. */
	half_ack_check(r, &f->h[0]);
	half_ack_check(r, &f->h[1]);
	if (seg->flags & TCPF_FIN)
		h->fin = true;
	if (f->h[0].fin && f->h[1].fin)
		flow_close(r, f, REASM_CLOSE_FIN);
}

/*
 * Find the flow a segment belongs to, replacing a closed or superseded
 * one when the segment is a new SYN; NULL when the segment is ignored.
 */
static struct rflow *
flow_lookup(struct reasm *r, const struct tcp_segment *seg)
{
	struct flow_key k;
	struct flow_node *n;
	struct rflow *f = NULL;
	uint64_t hash;
	bool syn_only = (seg->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;
	bool same;
	int dir;

	hash = flow_key_make(&k, &seg->src, seg->sport, &seg->dst, seg->dport);
	if ((n = flow_table_find(&r->tab, &k, hash)) != NULL)
		f = FLOW_OF(n);
	if (f != NULL && (seg->flags & TCPF_SYN)) {
		/*
		 * A SYN (or, on a closed flow, a SYN-ACK) whose ISN differs
		 * from the one recorded starts a new connection.
		 */
		dir = flow_dir(f, seg);
		/*
		 * A mirror can deliver the SYN-ACK before the SYN: then the
		 * SYN-ACK's ack anchored this half at the SYN's ISN+1.
		 */
		if (f->isn_valid[dir])
			same = f->isn[dir] == seg->seq;
		else
			same = f->h[dir].anchored &&
			    f->h[dir].base == seg->seq + 1;
		if (!same && f->closed) {
			flow_destroy(r, f);
			f = NULL;
		} else if (!same && syn_only && f->h[dir].anchored) {
			flow_close(r, f, REASM_CLOSE_REUSED);
			f = NULL;
		}
	}
	if (f != NULL)
		return f->closed ? NULL : f;
	/* Pure ACKs, FINs and RSTs of unknown flows carry nothing. */
	if ((seg->flags & TCPF_RST) ||
	    ((seg->flags & TCPF_SYN) == 0 && seg->wire_len == 0))
		return NULL;
	return flow_create(r, &k, hash, seg);
}

struct reasm *
reasm_new(const struct reasm_config *cfg, const struct reasm_ops *ops,
    void *arg)
{
	struct reasm *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (cfg != NULL)
		r->cfg = *cfg;
	else
		reasm_config_default(&r->cfg);
	r->ops = *ops;
	r->arg = arg;
	if (flow_table_init(&r->tab) == -1) {
		free(r);
		return NULL;
	}
	TAILQ_INIT(&r->active);
	TAILQ_INIT(&r->closed);
	TAILQ_INIT(&r->embryonic);
	TAILQ_INIT(&r->pending);
	TAILQ_INIT(&r->waiting);
	return r;
}

void
reasm_segment(struct reasm *r, const struct tcp_segment *seg)
{
	struct rflow *f;
	int64_t t = seg->pkt != NULL ? pkt_time(seg->pkt) : r->now;

	r->pkt = seg->pkt;
	if (t > r->now)		/* captures can step backwards */
		r->now = t;
	reasm_sweep(r);
	if ((f = flow_lookup(r, seg)) != NULL)
		flow_input(r, f, seg);
	r->pkt = NULL;
}

void
reasm_tick(struct reasm *r, const struct timeval *now)
{
	int64_t t = (int64_t)now->tv_sec * USEC + now->tv_usec;

	if (t > r->now)
		r->now = t;
	r->pkt = NULL;
	reasm_sweep(r);
}

void
reasm_finish(struct reasm *r, const struct packet *last)
{
	struct rflow *f;

	r->pkt = last;
	if (last != NULL && pkt_time(last) > r->now)
		r->now = pkt_time(last);
	/* Oldest first: a deterministic order, never hash order. */
	while ((f = TAILQ_FIRST(&r->active)) != NULL)
		flow_close(r, f, REASM_CLOSE_END);
	while ((f = TAILQ_FIRST(&r->closed)) != NULL)
		flow_destroy(r, f);
	r->pkt = NULL;
}

void
reasm_free(struct reasm *r)
{
	struct rflow *f;

	if (r == NULL)
		return;
	while ((f = TAILQ_FIRST(&r->active)) != NULL)
		flow_destroy(r, f);
	while ((f = TAILQ_FIRST(&r->closed)) != NULL)
		flow_destroy(r, f);
	flow_table_destroy(&r->tab);
	free(r);
}

size_t
reasm_flow_count(const struct reasm *r)
{
	return r->nactive;
}

size_t
reasm_mem(const struct reasm *r)
{
	return r->mem;
}
