/*
 * spsc.h - a bounded single-producer, single-consumer queue of
 * variable-length records in one ring of bytes (the output stage's,
 * rovmon/output.h).
 *
 *   producer: spsc_reserve(n) -> fill the n bytes -> spsc_commit()
 *   consumer: spsc_peek() -> use the record -> spsc_release()
 *
 * A record is contiguous (one that would cross the end of the ring
 * starts again at its beginning), 8-byte aligned, and stays where it was
 * written until the consumer releases it: the producer may store
 * pointers into its own record.  The queue never drops: a producer that
 * finds no room waits (counted, spsc_waits()), and waits until a quarter
 * of the ring is free, so that a consumer that is the slower side wakes
 * it a few times per ring rather than once per record.  A consumer
 * waits when the ring is empty; the producer signals it only when it
 * sleeps, so a busy pair exchanges no system calls.  Both sides publish
 * their position in batches (spsc_publish(); the consumer every cap/64
 * bytes released, when the producer waits, and before it sleeps): a
 * position stored per record cost a fenced store and a cache line
 * crossing cores per record.
 *
 * spsc_barrier() (producer) returns once every committed record is
 * released: what the consumer did with them happened before it returns
 * (the positions are published with release and read with acquire).
 *
 * One producer thread and one consumer thread; spsc_new/free by either
 * while the other does not use it.
 */
#ifndef ROVMON_SPSC_H
#define ROVMON_SPSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spsc;

/* A ring of cap bytes (rounded up to a power of two, at least 64 KiB);
 * NULL on ENOMEM.  Records up to spsc_max_record() bytes fit. */
struct spsc	*spsc_new(size_t cap);
void		 spsc_free(struct spsc *);	/* NULL ok */
size_t		 spsc_max_record(const struct spsc *);

/* Producer: n bytes (1..spsc_max_record()), 8-byte aligned, waiting for
 * room; spsc_commit() ends the record.  One reservation at a time. */
void		*spsc_reserve(struct spsc *, size_t n);
void		 spsc_commit(struct spsc *);
/* Producer: make the committed records visible to the consumer now, and
 * wake it.  Commits publish by themselves once cap/64 bytes are pending
 * (a store and a fence per batch, not per record), waking a sleeping
 * consumer only once a quarter of the ring waits; spsc_barrier(),
 * spsc_close() and a wait for room publish too.  The producer calls it
 * where a record must not wait (rovmon: a drain, a quiet link). */
void		 spsc_publish(struct spsc *);
/* Producer: wait until every committed record is released. */
void		 spsc_barrier(struct spsc *);
/* Producer: no more records; the consumer's spsc_peek() returns NULL
 * once the ring is empty. */
void		 spsc_close(struct spsc *);

/* Consumer: the oldest record and its length (as reserved), waiting for
 * one; NULL when the queue is closed and empty. */
void		*spsc_peek(struct spsc *, size_t *n);
void		 spsc_release(struct spsc *);

/* Counters (any thread; a live reading): the producer's waits for room,
 * the consumer's waits for a record, bytes in the ring now. */
struct spsc_counts {
	uint64_t	 full_waits;
	uint64_t	 empty_waits;
	uint64_t	 barriers;
	uint64_t	 records;
	size_t		 used;
	size_t		 cap;
};
void		 spsc_counts(struct spsc *, struct spsc_counts *);

#endif /* ROVMON_SPSC_H */
