/*
 * spsc.c - the bounded single-producer, single-consumer record ring
 * (spsc.h).
 *
 * Two positions count bytes since the start and never wrap (64 bits):
 * head, written by the producer (published at each commit), and tail,
 * written by the consumer (at each release).  The ring holds
 * head - tail <= cap bytes; a position's offset is pos & (cap - 1).
 * Each record starts with an 8-byte header (its length and kind); one
 * that would cross the end is preceded by a WRAP header filling the
 * rest, which the consumer skips.
 *
 * Sleeping: a side that must wait says so in a flag and what it waits
 * for, under the mutex, then re-checks and sleeps on its condition.  The
 * other side stores its position, then reads the flag (both sequentially
 * consistent): either it sees the flag and signals under the mutex, or
 * the sleeper's re-check sees the new position.  Neither side takes the
 * mutex while the other is awake.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/spsc.h"

#define SPSC_MIN_CAP	((size_t)64 * 1024)
#define HDR		8
#define KIND_DATA	0
#define KIND_WRAP	1

struct hdr {
	uint32_t	 len;		/* bytes reserved (data), or 0 */
	uint32_t	 kind;
};

struct spsc {
	uint8_t		*buf;
	size_t		 cap;		/* power of two */
	size_t		 batch;		/* bytes between two publications */
	_Alignas(64) _Atomic uint64_t head;	/* producer: published */
	uint64_t	 next;		/* producer: head after the commit */
	uint64_t	 committed;	/* producer: head not yet published */
	uint64_t	 ncommitted;	/* producer: records committed */
	_Alignas(64) _Atomic uint64_t tail;	/* consumer: published */
	uint64_t	 cur;		/* consumer: tail after the release */
	uint64_t	 released;	/* consumer: tail not yet published */
	_Alignas(64) pthread_mutex_t mu;
	pthread_cond_t	 room;		/* the producer sleeps on it */
	pthread_cond_t	 data;		/* the consumer sleeps on it */
	_Atomic int	 prod_waiting;
	_Atomic uint64_t prod_want;	/* the tail it waits for */
	_Atomic int	 cons_waiting;
	_Atomic int	 closed;
	_Atomic uint64_t full_waits, empty_waits, barriers, records;
};

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

struct spsc *
spsc_new(size_t cap)
{
	struct spsc *q;
	size_t c = SPSC_MIN_CAP;

	while (c < cap)
		c <<= 1;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((q->buf = malloc(c)) == NULL) {
		free(q);
		return NULL;
	}
	q->cap = c;
	q->batch = c / 64;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->room, NULL);
	pthread_cond_init(&q->data, NULL);
	return q;
}

void
spsc_free(struct spsc *q)
{
	if (q == NULL)
		return;
	pthread_cond_destroy(&q->data);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	free(q->buf);
	free(q);
}

/* A record may need twice its size (a WRAP before it): half the ring. */
size_t
spsc_max_record(const struct spsc *q)
{
	return q->cap / 2 - HDR;
}

/* Producer: sleep until the tail reaches want. */
static void
wait_tail(struct spsc *q, uint64_t want)
{
	pthread_mutex_lock(&q->mu);
	atomic_store(&q->prod_want, want);
	atomic_store(&q->prod_waiting, 1);
	while (atomic_load(&q->tail) < want)
		pthread_cond_wait(&q->room, &q->mu);
	atomic_store(&q->prod_waiting, 0);
	pthread_mutex_unlock(&q->mu);
}

void *
spsc_reserve(struct spsc *q, size_t n)
{
	uint64_t head = q->committed;
	size_t total = HDR + round8(n), off = (size_t)(head & (q->cap - 1));
	size_t skip = off + total > q->cap ? q->cap - off : 0;
	uint64_t end = head + skip + total, want;
	struct hdr h;

	if (atomic_load_explicit(&q->tail, memory_order_acquire) + q->cap <
	    end) {
		atomic_fetch_add_explicit(&q->full_waits, 1,
		    memory_order_relaxed);
		/* a quarter of the ring more than needed: fewer wake-ups */
		want = end - q->cap + q->cap / 4;
		if (want > head)
			want = head;
		if (want < end - q->cap)
			want = end - q->cap;
		spsc_publish(q);	/* the consumer may be waiting for it */
		wait_tail(q, want);
	}
	if (skip > 0) {
		h.len = 0;
		h.kind = KIND_WRAP;
		memcpy(q->buf + off, &h, sizeof(h));
		off = 0;
	}
	h.len = (uint32_t)n;
	h.kind = KIND_DATA;
	memcpy(q->buf + off, &h, sizeof(h));
	q->next = end;
	return q->buf + off + HDR;
}

/*
 * Store the head; wake a sleeping consumer when asked to, or once a
 * quarter of the ring waits for it: a consumer faster than the producer
 * then sleeps and wakes a few times per ring, not once per batch.
 * A forced call wakes a sleeping consumer even when the head was already
 * published: a batch publication that woke no one (less than a quarter
 * waiting) leaves the consumer asleep with records to read, and the
 * barrier or the wait for room that forces this call would otherwise
 * wait for it forever.
 */
static void
publish(struct spsc *q, bool force)
{
	if (atomic_load_explicit(&q->head, memory_order_relaxed) !=
	    q->committed) {
		atomic_store_explicit(&q->records, q->ncommitted,
		    memory_order_relaxed);
		atomic_store(&q->head, q->committed);
	} else if (!force)
		return;
	if (atomic_load(&q->cons_waiting) && (force || q->committed -
	    atomic_load_explicit(&q->tail, memory_order_relaxed) >=
	    q->cap / 4)) {
		pthread_mutex_lock(&q->mu);
		pthread_cond_signal(&q->data);
		pthread_mutex_unlock(&q->mu);
	}
}

void
spsc_commit(struct spsc *q)
{
	q->committed = q->next;
	q->ncommitted++;
	if (q->committed - atomic_load_explicit(&q->head,
	    memory_order_relaxed) >= q->batch)
		publish(q, false);
}

void
spsc_publish(struct spsc *q)
{
	publish(q, true);
}

void
spsc_barrier(struct spsc *q)
{
	uint64_t head = q->committed;

	atomic_fetch_add_explicit(&q->barriers, 1, memory_order_relaxed);
	spsc_publish(q);
	if (atomic_load_explicit(&q->tail, memory_order_acquire) < head)
		wait_tail(q, head);
}

void
spsc_close(struct spsc *q)
{
	spsc_publish(q);
	pthread_mutex_lock(&q->mu);
	atomic_store(&q->closed, 1);
	pthread_cond_signal(&q->data);
	pthread_mutex_unlock(&q->mu);
}

/* Consumer: make the released records' room the producer's. */
static void
publish_tail(struct spsc *q)
{
	atomic_store(&q->tail, q->released);
	if (atomic_load(&q->prod_waiting) &&
	    q->released >= atomic_load(&q->prod_want)) {
		pthread_mutex_lock(&q->mu);
		pthread_cond_signal(&q->room);
		pthread_mutex_unlock(&q->mu);
	}
}

void *
spsc_peek(struct spsc *q, size_t *n)
{
	uint64_t tail = q->released;
	struct hdr h;
	size_t off;

	if (atomic_load_explicit(&q->head, memory_order_acquire) == tail) {
		/* all done: a barrier or a full ring may wait for that */
		if (atomic_load_explicit(&q->tail, memory_order_relaxed) !=
		    tail)
			publish_tail(q);
		atomic_fetch_add_explicit(&q->empty_waits, 1,
		    memory_order_relaxed);
		pthread_mutex_lock(&q->mu);
		atomic_store(&q->cons_waiting, 1);
		while (atomic_load(&q->head) == tail &&
		    !atomic_load(&q->closed))
			pthread_cond_wait(&q->data, &q->mu);
		atomic_store(&q->cons_waiting, 0);
		pthread_mutex_unlock(&q->mu);
		if (atomic_load_explicit(&q->head, memory_order_acquire) ==
		    tail)
			return NULL;	/* closed, and nothing left */
	}
	off = (size_t)(tail & (q->cap - 1));
	memcpy(&h, q->buf + off, sizeof(h));
	if (h.kind == KIND_WRAP) {
		tail += q->cap - off;
		off = 0;
		memcpy(&h, q->buf, sizeof(h));
	}
	q->cur = tail + HDR + round8(h.len);
	*n = h.len;
	return q->buf + off + HDR;
}

void
spsc_release(struct spsc *q)
{
	q->released = q->cur;
	if (q->released - atomic_load_explicit(&q->tail,
	    memory_order_relaxed) >= q->batch ||
	    atomic_load_explicit(&q->prod_waiting, memory_order_relaxed))
		publish_tail(q);
}

void
spsc_counts(struct spsc *q, struct spsc_counts *c)
{
	uint64_t t = atomic_load(&q->tail);
	uint64_t h = atomic_load(&q->head);

	memset(c, 0, sizeof(*c));
	c->full_waits = atomic_load_explicit(
	    &q->full_waits, memory_order_relaxed);
	c->empty_waits = atomic_load_explicit(
	    &q->empty_waits, memory_order_relaxed);
	c->barriers = atomic_load_explicit(&q->barriers,
	    memory_order_relaxed);
	c->records = atomic_load_explicit(&q->records,
	    memory_order_relaxed);
	c->used = h >= t ? (size_t)(h - t) : 0;
	c->cap = q->cap;
}
