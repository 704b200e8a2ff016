/*
 * reasm_half.c - one direction ("half") of a reassembled TCP flow.
 *
 * A half is anchored once: at ISN+1 when its SYN (or SYN-ACK) was seen,
 * else at the sequence number of the first segment with payload (reasm.c
 * sets the anchor).  From then on every byte has a 64-bit stream offset,
 * and `next` is the offset of the first byte not yet handed on
 * (delivered or skipped as a gap).  Raw sequence numbers are only ever
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
 */
#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/reasm.h"
#include "capture/reasm_internal.h"
#include "base/stats.h"

/* Wrap-safe sequence arithmetic (RFC 9293 section 3.4, RFC 1982). */
#define SEQ_DIFF(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)))

int64_t
reasm_pkt_time(const struct packet *pkt)
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
	id->ts = reasm_pkt_time(pkt);
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

	/*
	 * oseg_unlink() takes s off the head of the queue, so the next pass
	 * reads another piece.  clang's analyzer cannot follow TAILQ_REMOVE
	 * through tqe_prev when it starts from reasm_half_data() with an
	 * unknown queue, and reports a use after free here.
	 */
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
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
void
reasm_half_skip(struct reasm *r, struct half *h)
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

void
reasm_half_flush(struct reasm *r, struct half *h)
{
	while (!TAILQ_EMPTY(&h->q))
		reasm_half_skip(r, h);
}

bool
reasm_half_wait_expired(const struct reasm *r, const struct half *h)
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
void
reasm_half_ack_check(struct reasm *r, struct half *h)
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
		if (!reasm_half_wait_expired(r, h))
			return;
		STAT_INC(reasm_gap_acked);
		reasm_half_skip(r, h);
	}
}

void
reasm_half_ack(struct reasm *r, struct half *h, uint32_t ack)
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
	reasm_half_ack_check(r, h);
}

/* Skip holes while this half, or everything, holds too much. */
static void
half_limits(struct reasm *r, struct half *h)
{
	struct half *v;

	while (h->mem > r->cfg.flow_mem && !TAILQ_EMPTY(&h->q)) {
		STAT_INC(reasm_flow_mem_limit);
		reasm_half_skip(r, h);
	}
	while (r->mem > r->cfg.total_mem) {
		/* The half that grew pays first, then the oldest hole. */
		v = !TAILQ_EMPTY(&h->q) ? h : TAILQ_FIRST(&r->pending);
		if (v == NULL)
			break;
		STAT_INC(reasm_total_mem_limit);
		reasm_half_skip(r, v);
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
void
reasm_half_data(struct reasm *r, struct half *h, uint32_t seq,
    const uint8_t *p, uint32_t cap, uint32_t wire)
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
	reasm_half_ack_check(r, h);
	half_limits(r, h);
}

void
reasm_half_init(struct rflow *f, int dir)
{
	struct half *h = &f->h[dir];

	memset(h, 0, sizeof(*h));
	h->flow = f;
	h->dir = dir;
	TAILQ_INIT(&h->q);
}

void
reasm_half_free(struct reasm *r, struct half *h)
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
