/*
 * test_spsc.c - the output stage's queue (base/spsc.h): a producer and a
 * consumer thread pass 200,000 records of varying length (8 bytes to
 * 24 KiB, so records wrap around the 64 KiB ring's end) through it; the
 * consumer checks each one's length, sequence number and every byte, so a
 * record lost, repeated, reordered, torn or overwritten fails.  A slow
 * consumer makes the producer wait for room (counted); barriers in the
 * middle return only once everything committed was consumed (the
 * consumer's count, read without a lock, must equal the producer's);
 * closing ends the consumer after the last record.
 *
 * tsan: yes (the two threads share the ring through atomics only)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "base/spsc.h"

#define NREC		200000
#define BIG		(24 * 1024)

struct run {
	struct spsc	*q;
	uint64_t	 consumed;	/* consumer only; read after barriers */
	uint64_t	 bad;
	int		 slow;		/* consumer sleeps now and then */
};

/* The length of record i: mostly small, now and then up to BIG. */
static size_t
rec_len(uint64_t i)
{
	uint64_t h = i * 0x9e3779b97f4a7c15ULL;

	if (h % 97 == 0)
		return (size_t)(h >> 40) % BIG + 8;
	return (size_t)(h >> 40) % 600 + 8;
}

static uint8_t
rec_byte(uint64_t i, size_t k)
{
	return (uint8_t)(i * 31 + k * 7);
}

static void *
consumer(void *arg)
{
	struct run *r = arg;
	struct timespec ts = { 0, 20000 };
	uint8_t *p;
	uint64_t seq;
	size_t n, k;

	while ((p = spsc_peek(r->q, &n)) != NULL) {
		memcpy(&seq, p, sizeof(seq));
		if (seq != r->consumed || n != rec_len(seq))
			r->bad++;
		else
			for (k = sizeof(seq); k < n; k++)
				if (p[k] != rec_byte(seq, k)) {
					r->bad++;
					break;
				}
		r->consumed++;
		spsc_release(r->q);
		if (r->slow && r->consumed % 5000 == 0)
			nanosleep(&ts, NULL);
	}
	return NULL;
}

static void
produce(struct run *r, uint64_t from, uint64_t to)
{
	uint64_t i;
	uint8_t *p;
	size_t n, k;

	for (i = from; i < to; i++) {
		n = rec_len(i);
		p = spsc_reserve(r->q, n);
		assert_true(((uintptr_t)p & 7) == 0);
		memcpy(p, &i, sizeof(i));
		for (k = sizeof(i); k < n; k++)
			p[k] = rec_byte(i, k);
		spsc_commit(r->q);
	}
}

static void
run_pair(int slow)
{
	struct spsc_counts c;
	struct run r;
	pthread_t t;

	memset(&r, 0, sizeof(r));
	r.slow = slow;
	assert_non_null(r.q = spsc_new(1));	/* the 64 KiB minimum */
	assert_true(spsc_max_record(r.q) >= BIG + 8);
	assert_int_equal(pthread_create(&t, NULL, consumer, &r), 0);
	produce(&r, 0, NREC / 2);
	spsc_barrier(r.q);
	/* the barrier orders the consumer's writes before this read */
	assert_int_equal(r.consumed, NREC / 2);
	produce(&r, NREC / 2, NREC);
	spsc_barrier(r.q);
	assert_int_equal(r.consumed, NREC);
	spsc_barrier(r.q);	/* an empty queue: returns at once */
	produce(&r, NREC, NREC + 10);
	spsc_close(r.q);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.consumed, NREC + 10);
	assert_int_equal(r.bad, 0);
	spsc_counts(r.q, &c);
	assert_int_equal(c.records, NREC + 10);
	assert_int_equal(c.used, 0);
	assert_int_equal(c.barriers, 3);
	/* 200,000 records of ~300 bytes through 64 KiB: it filled */
	if (slow)
		assert_true(c.full_waits > 0);
	spsc_free(r.q);
}

static void
test_pair_fast(void **state)
{
	(void)state;
	run_pair(0);
}

static void
test_pair_slow_consumer(void **state)
{
	(void)state;
	run_pair(1);
}

/* One thread: a record that does not fit before the end wraps; closing
 * an empty queue ends the consumer at once. */
static void
test_wrap_alone(void **state)
{
	struct spsc *q;
	uint8_t *p;
	size_t n, i, big;

	(void)state;
	assert_non_null(q = spsc_new(1));
	big = spsc_max_record(q);
	for (i = 0; i < 10; i++) {
		p = spsc_reserve(q, big - i * 8);
		memset(p, (int)i, big - i * 8);
		spsc_commit(q);
		spsc_publish(q);	/* a big one is published anyway */
		assert_non_null(p = spsc_peek(q, &n));
		assert_int_equal(n, big - i * 8);
		assert_int_equal(p[0], i);
		assert_int_equal(p[n - 1], i);
		spsc_release(q);
	}
	spsc_close(q);
	assert_null(spsc_peek(q, &n));
	spsc_free(q);
	spsc_free(NULL);
}

/*
 * The lost wake-up seen in 98-faults under TSan (a SIGHUP's barrier
 * waited forever): the consumer sleeps on an empty ring; the producer
 * commits a batch's worth (published, but less than a quarter of the ring:
 * no wake-up by design), then a barrier.  The barrier must wake the
 * consumer although the head was already published.  A hang here is the
 * bug: alarm() ends the test.
 */
static void
test_barrier_after_quiet_batch(void **state)
{
	struct spsc_counts c;
	struct timespec ts = { 0, 1000000 };
	struct run r;
	pthread_t t;
	uint64_t n;
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_non_null(r.q = spsc_new(1));	/* 64 KiB: batch 1 KiB */
	assert_int_equal(pthread_create(&t, NULL, consumer, &r), 0);
	for (i = 0; i < 5000; i++) {		/* until it sleeps */
		spsc_counts(r.q, &c);
		if (c.empty_waits > 0)
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(c.empty_waits > 0);
	nanosleep(&ts, NULL);	/* into its cond_wait */
	alarm(20);
	/* one record at a time until a commit publishes (past the 1 KiB
	 * batch, under the 16 KiB quarter: no wake-up), so that the head
	 * the barrier would publish is already out */
	for (n = 0; n < 100; n++) {
		produce(&r, n, n + 1);
		spsc_counts(r.q, &c);
		if (c.records == n + 1)
			break;
	}
	assert_true(n > 0 && n < 100);
	assert_true(c.used < 16 * 1024);
	spsc_barrier(r.q);
	alarm(0);
	assert_int_equal(r.consumed, n + 1);
	spsc_close(r.q);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.bad, 0);
	spsc_free(r.q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_alone),
		cmocka_unit_test(test_pair_fast),
		cmocka_unit_test(test_pair_slow_consumer),
		cmocka_unit_test(test_barrier_after_quiet_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
