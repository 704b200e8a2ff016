/*
 * reasm.c - rovmon's TCP reassembly engine: flows and segment intake.
 *
 * Each flow has two halves, one per direction; what happens to the bytes
 * of a half (offsets, the out-of-order queue, overlap policy, gaps, the
 * reorder window, memory limits) is in reasm_half.c with its invariants.
 * This file finds or creates the flow of each segment, anchors its
 * halves (SYN, SYN-ACK, first payload), feeds payload and ACKs to them,
 * and closes flows on FIN, RST, timeouts and eviction.  See
 * docs/reassembly.md.
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

#include "capture/flow.h"
#include "base/log.h"
#include "capture/reasm.h"
#include "capture/reasm_internal.h"
#include "base/stats.h"

/* How long a closed flow absorbs late retransmissions and final ACKs
 * (roughly 2*MSL), so that they do not open a mid-stream session. */
#define CLOSED_LINGER	60

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
	reasm_half_free(r, &f->h[0]);
	reasm_half_free(r, &f->h[1]);
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
	reasm_half_flush(r, &f->h[0]);
	reasm_half_flush(r, &f->h[1]);
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
		reasm_half_skip(r, h);
	}
	/* Each pass skips a hole or finds the head's window still open. */
	while ((h = TAILQ_FIRST(&r->waiting)) != NULL &&
	    reasm_half_wait_expired(r, h))
		reasm_half_ack_check(r, h);
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
	reasm_half_init(f, 0);
	reasm_half_init(f, 1);
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
		reasm_half_data(r, h, seq, seg->payload,
		    seg->len < seg->wire_len ? seg->len : seg->wire_len,
		    seg->wire_len);
	if (seg->flags & TCPF_RST) {
		flow_close(r, f, REASM_CLOSE_RST);
		return;
	}
	if (seg->flags & TCPF_ACK)
		reasm_half_ack(r, &f->h[1 - dir], seg->ack);
	/* One more segment of the flow: reorder windows measured in them. */
	reasm_half_ack_check(r, &f->h[0]);
	reasm_half_ack_check(r, &f->h[1]);
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
	int64_t t = seg->pkt != NULL ? reasm_pkt_time(seg->pkt) : r->now;

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
	if (last != NULL && reasm_pkt_time(last) > r->now)
		r->now = reasm_pkt_time(last);
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

const char *
reasm_close_name(enum reasm_close why)
{
	switch (why) {
	case REASM_CLOSE_FIN:
		return "TCP FIN";
	case REASM_CLOSE_RST:
		return "TCP RST";
	case REASM_CLOSE_TIMEOUT:
		return "idle timeout";
	case REASM_CLOSE_EVICTED:
		return "evicted (flow table full)";
	case REASM_CLOSE_END:
		return "end of capture";
	case REASM_CLOSE_REUSED:
		return "replaced by a new SYN";
	}
	return "unknown";
}
