/*
 * test_reasm.c - the reassembly engine against a recording fake next stage.
 *
 * Every delivered run is checked against the stream that was sent (the
 * oracle) at the position the recorder has reached, so a test that drops
 * segments still proves that nothing was invented or misplaced, and that
 * delivered bytes plus gap bytes account for every offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/addr.h"
#include "capture/packet.h"
#include "capture/reasm.h"
#include "base/stats.h"

#define MAXSESS		8
#define MAXGAPS		64

struct rsess {
	struct flow_endpoint a, b;
	int		 closed;
	enum reasm_close why;
	uint8_t		*buf[2];	/* delivered bytes */
	size_t		 len[2];
	uint64_t	 pos[2];	/* delivered + gap bytes */
	uint64_t	 gap[2][MAXGAPS];
	int		 ngap[2];
	const uint8_t	*orig[2];	/* oracle, if set */
	size_t		 origlen[2];
	const uint8_t	*last_ptr[2];
	uint64_t	 fnum[2][MAXGAPS];	/* frame of each data call */
	int64_t		 fus[2][MAXGAPS];	/* and its time (us) */
	int		 ncall[2];
	int		 bad;		/* a run disagreed with the oracle */
	int		 after_close;	/* callbacks after session_close */
};

struct rec {
	struct rsess	 s[MAXSESS];
	int		 n;
	const uint8_t	*orig[2];
	size_t		 origlen[2];
};

static void *
rec_open(void *arg, const struct flow_endpoint *a,
    const struct flow_endpoint *b, const struct packet *pkt)
{
	struct rec *r = arg;
	struct rsess *s;

	(void)pkt;
	assert_true(r->n < MAXSESS);
	s = &r->s[r->n++];
	memset(s, 0, sizeof(*s));
	s->a = *a;
	s->b = *b;
	s->orig[0] = r->orig[0];
	s->orig[1] = r->orig[1];
	s->origlen[0] = r->origlen[0];
	s->origlen[1] = r->origlen[1];
	return s;
}

static void
rec_data(void *sess, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct rsess *s = sess;

	assert_true(dir == 0 || dir == 1);
	assert_true(n > 0);
	if (s->closed)
		s->after_close++;
	if (s->orig[dir] != NULL && (s->pos[dir] + n > s->origlen[dir] ||
	    memcmp(s->orig[dir] + s->pos[dir], p, n) != 0))
		s->bad++;
	s->buf[dir] = realloc(s->buf[dir], s->len[dir] + n);
	assert_non_null(s->buf[dir]);
	memcpy(s->buf[dir] + s->len[dir], p, n);
	s->len[dir] += n;
	s->pos[dir] += n;
	s->last_ptr[dir] = p;
	if (s->ncall[dir] < MAXGAPS) {
		s->fnum[dir][s->ncall[dir]] = pkt != NULL ? pkt->num : 0;
		s->fus[dir][s->ncall[dir]] = pkt != NULL ?
		    (int64_t)pkt->ts.tv_sec * 1000000 + pkt->ts.tv_usec : -1;
	}
	s->ncall[dir]++;
}

static void
rec_gap(void *sess, int dir, uint64_t n, const struct packet *pkt)
{
	struct rsess *s = sess;

	(void)pkt;
	assert_true(n > 0);
	if (s->closed)
		s->after_close++;
	if (s->ngap[dir] < MAXGAPS)
		s->gap[dir][s->ngap[dir]] = n;
	s->ngap[dir]++;
	s->pos[dir] += n;
}

static void
rec_close(void *sess, enum reasm_close why, const struct packet *pkt)
{
	struct rsess *s = sess;

	(void)pkt;
	assert_int_equal(s->closed, 0);
	s->closed = 1;
	s->why = why;
}

static const struct reasm_ops rec_ops = {
	rec_open, rec_data, rec_gap, rec_close
};

static void
rec_free(struct rec *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		free(r->s[i].buf[0]);
		free(r->s[i].buf[1]);
	}
	r->n = 0;
}

/* The test harness: endpoints A (client) and B (server) and a clock. */
struct harness {
	struct reasm	*r;
	struct rec	 rec;
	struct ipaddr	 ip[2];
	uint16_t	 port[2];
	struct packet	 pkt;
	uint64_t	 frames;
};

static void
h_init(struct harness *h, const struct reasm_config *cfg)
{
	struct reasm_config def;

	memset(h, 0, sizeof(*h));
	stats_reset();
	if (cfg == NULL) {
		reasm_config_default(&def);
		cfg = &def;
	}
	h->r = reasm_new(cfg, &rec_ops, &h->rec);
	assert_non_null(h->r);
	assert_int_equal(ipaddr_parse("192.0.2.1", &h->ip[0]), 0);
	assert_int_equal(ipaddr_parse("192.0.2.2", &h->ip[1]), 0);
	h->port[0] = 40000;
	h->port[1] = 179;
}

static void
h_done(struct harness *h)
{
	int i;

	reasm_finish(h->r, NULL);
	assert_int_equal(reasm_mem(h->r), 0);
	assert_int_equal(reasm_flow_count(h->r), 0);
	for (i = 0; i < h->rec.n; i++) {
		assert_int_equal(h->rec.s[i].closed, 1);
		assert_int_equal(h->rec.s[i].bad, 0);
		assert_int_equal(h->rec.s[i].after_close, 0);
	}
	reasm_free(h->r);
	rec_free(&h->rec);
}

/* Send a segment from endpoint `from` (0 = A, 1 = B) at time t seconds. */
static void
h_seg(struct harness *h, int from, double t, uint8_t flags, uint32_t seq,
    uint32_t ack, const void *data, uint32_t len, uint32_t wire)
{
	struct tcp_segment seg;

	memset(&seg, 0, sizeof(seg));
	h->pkt.num = ++h->frames;
	h->pkt.ts.tv_sec = (time_t)t;
	h->pkt.ts.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6);
	seg.pkt = &h->pkt;
	seg.src = h->ip[from];
	seg.dst = h->ip[1 - from];
	seg.sport = h->port[from];
	seg.dport = h->port[1 - from];
	seg.seq = seq;
	seg.ack = ack;
	seg.flags = flags;
	seg.payload = data;
	seg.len = len;
	seg.wire_len = wire;
	reasm_segment(h->r, &seg);
}

/* Data segment with payload string, no ACK flag (so no ACK heuristic). */
static void
h_data(struct harness *h, int from, double t, uint32_t seq, const char *s)
{
	h_seg(h, from, t, TCPF_PSH, seq, 0, s, (uint32_t)strlen(s),
	    (uint32_t)strlen(s));
}

static struct rsess *
h_sess(struct harness *h, int i)
{
	assert_true(i < h->rec.n);
	return &h->rec.s[i];
}

static void
assert_stream(struct rsess *s, int dir, const char *want)
{
	assert_int_equal(s->len[dir], strlen(want));
	assert_memory_equal(s->buf[dir], want, strlen(want));
}

static void
test_in_order(void **state)
{
	struct harness h;
	struct rsess *s;
	static const char seg3[] = "ghi";

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1, 1000, "abc");
	h_data(&h, 0, 1, 1003, "def");
	h_seg(&h, 0, 1, TCPF_PSH, 1006, 0, seg3, 3, 3);
	s = h_sess(&h, 0);
	/* Zero copy: in-order bytes come straight from the payload. */
	assert_ptr_equal(s->last_ptr[0], seg3);
	assert_stream(s, 0, "abcdefghi");
	assert_true(ipaddr_eq(&s->a.addr, &h.ip[0]));
	assert_int_equal(s->a.port, 40000);
	assert_int_equal(stats.sessions, 1);
	assert_int_equal(stats.sessions_midstream, 1);
	assert_int_equal(stats.reasm_bytes, 9);
	assert_int_equal(stats.reasm_ooo, 0);
	h_done(&h);
	assert_int_equal(s->ngap[0], 0);
	assert_int_equal(s->why, REASM_CLOSE_END);
}

static void
test_syn_anchored(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_seg(&h, 0, 1, TCPF_SYN, 100, 0, NULL, 0, 0);
	h_seg(&h, 1, 1, TCPF_SYN | TCPF_ACK, 5000, 101, NULL, 0, 0);
	/* Client data reordered before the handshake's final ACK. */
	h_data(&h, 0, 1, 104, "lo");
	h_seg(&h, 0, 1, TCPF_ACK, 101, 5001, NULL, 0, 0);
	h_data(&h, 0, 1, 101, "hel");
	h_data(&h, 1, 1, 5001, "world");
	s = h_sess(&h, 0);
	assert_stream(s, 0, "hello");
	assert_stream(s, 1, "world");
	assert_int_equal(stats.sessions_midstream, 0);
	assert_int_equal(stats.reasm_ooo, 1);
	h_done(&h);
	assert_int_equal(s->ngap[0] + s->ngap[1], 0);
}

/* The capture began after the SYN: the SYN-ACK still anchors both. */
static void
test_synack_first(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_seg(&h, 1, 1, TCPF_SYN | TCPF_ACK, 5000, 101, NULL, 0, 0);
	/* The SYN itself, behind its SYN-ACK (a mirror's reordering): the
	 * same connection, not a new one replacing it. */
	h_seg(&h, 0, 1, TCPF_SYN, 100, 0, NULL, 0, 0);
	h_data(&h, 0, 1, 103, "llo");
	h_data(&h, 0, 1, 101, "he");
	s = h_sess(&h, 0);
	assert_int_equal(h.rec.n, 1);
	assert_int_equal(s->closed, 0);
	assert_true(ipaddr_eq(&s->a.addr, &h.ip[0]));	/* a = client */
	assert_stream(s, 0, "hello");
	/* A SYN with another ISN is a new connection. */
	h_seg(&h, 0, 2, TCPF_SYN, 7000, 0, NULL, 0, 0);
	assert_int_equal(h.rec.n, 2);
	assert_int_equal(s->why, REASM_CLOSE_REUSED);
	h_done(&h);
}

/* TCP Fast Open data on the SYN and data on the SYN-ACK. */
static void
test_syn_payload(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_seg(&h, 0, 1, TCPF_SYN, 100, 0, "tfo", 3, 3);
	h_seg(&h, 1, 1, TCPF_SYN | TCPF_ACK, 7000, 104, "srv", 3, 3);
	h_seg(&h, 0, 1, TCPF_SYN, 100, 0, "tfo", 3, 3);	/* SYN rexmit */
	h_data(&h, 0, 1, 104, "+more");
	h_data(&h, 1, 1, 7004, "+x");
	s = h_sess(&h, 0);
	assert_int_equal(h.rec.n, 1);
	assert_stream(s, 0, "tfo+more");
	assert_stream(s, 1, "srv+x");
	assert_int_equal(stats.reasm_retransmit, 1);
	h_done(&h);
}

static void
test_midstream_before_anchor(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1, 1000, "efgh");
	h_data(&h, 0, 1, 996, "abcd");		/* wholly before: ignored */
	h_data(&h, 0, 1, 998, "cdefghij");	/* straddles: tail kept */
	s = h_sess(&h, 0);
	assert_stream(s, 0, "efghij");
	assert_int_equal(stats.reasm_before_anchor, 2);
	assert_int_equal(stats.sessions_midstream, 1);
	h_done(&h);
	assert_int_equal(s->ngap[0], 0);
}

/* Every permutation of five segments (after the SYN) gives one stream. */
static int
next_perm(int *a, int n)
{
	int i = n - 2, j, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return 0;
	j = n - 1;
	while (a[j] <= a[i])
		j--;
	t = a[i], a[i] = a[j], a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return 1;
}

static void
test_permutations(void **state)
{
	static const char *part[] = { "BGP", "-mar", "ker-", "1", "234567" };
	static const uint32_t at[] = { 0, 3, 7, 11, 12 };
	struct harness h;
	int perm[5] = { 0, 1, 2, 3, 4 }, i, count = 0;

	(void)state;
	do {
		h_init(&h, NULL);
		h_seg(&h, 0, 1, TCPF_SYN, 0xfffffff0u, 0, NULL, 0, 0);
		for (i = 0; i < 5; i++)
			h_data(&h, 0, 1, 0xfffffff1u + at[perm[i]],
			    part[perm[i]]);
		assert_stream(h_sess(&h, 0), 0, "BGP-marker-1234567");
		assert_int_equal(reasm_mem(h.r), 0);
		h_done(&h);
		count++;
	} while (next_perm(perm, 5));
	assert_int_equal(count, 120);
}

static void
test_retransmit(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1, 1000, "abcd");
	h_data(&h, 0, 1, 1000, "abcd");		/* delivered already */
	h_data(&h, 0, 1, 1008, "ijkl");
	h_data(&h, 0, 1, 1008, "ijkl");		/* queued already */
	h_data(&h, 0, 1, 1009, "jk");		/* inside queued */
	assert_int_equal(stats.reasm_retransmit, 3);
	assert_int_equal(reasm_mem(h.r) > 0, 1);
	h_data(&h, 0, 1, 1004, "efgh");
	s = h_sess(&h, 0);
	assert_stream(s, 0, "abcdefghijkl");
	assert_int_equal(stats.reasm_overlap, 0);
	assert_int_equal(reasm_mem(h.r), 0);
	h_done(&h);
}

/* First copy wins: queued or delivered bytes are never replaced. */
static void
test_overlap(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1, 0, "0123456789");
	h_data(&h, 0, 1, 20, "KLMNOPQRST");	/* queued [20,30) */
	/* Overlaps delivered [5,10) (unseen) and fills [10,15). */
	h_data(&h, 0, 1, 5, "xxxxxABCDE");
	assert_int_equal(stats.reasm_overlap, 1);
	assert_int_equal(stats.reasm_overlap_diff, 0);
	/* Same bytes over queued [20,25): overlap, no difference. */
	h_data(&h, 0, 1, 18, "IJKLMNO");
	assert_int_equal(stats.reasm_overlap, 2);
	assert_int_equal(stats.reasm_overlap_diff, 0);
	/* Different bytes over queued [25,30): the queued copy wins. */
	h_data(&h, 0, 1, 15, "FGH?????????zzzzz");
	assert_int_equal(stats.reasm_overlap, 3);
	assert_int_equal(stats.reasm_overlap_diff, 1);
	s = h_sess(&h, 0);
	assert_stream(s, 0, "0123456789ABCDEFGHIJKLMNOPQRSTzz");
	h_done(&h);
	assert_int_equal(s->ngap[0], 0);
}

/* Queue a hole: deliver [0,4), queue [8,12), hole [4,8). */
static void
make_hole(struct harness *h, double t)
{
	h_data(h, 0, t, 1000, "aaaa");
	h_data(h, 0, t, 1008, "cccc");
	assert_int_equal(reasm_mem(h->r) > 0, 1);
}

static void
test_gap_timeout(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	make_hole(&h, 10);
	h_data(&h, 1, 11, 5000, "x");		/* too early */
	s = h_sess(&h, 0);
	assert_int_equal(s->ngap[0], 0);
	h_data(&h, 1, 12.5, 5001, "y");		/* 2.5 s later: skip */
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(s->gap[0][0], 4);
	assert_stream(s, 0, "aaaacccc");
	assert_int_equal(stats.reasm_gap_timeout, 1);
	assert_int_equal(stats.reasm_gaps, 1);
	assert_int_equal(stats.reasm_gap_bytes, 4);
	assert_int_equal(reasm_mem(h.r), 0);
	/* The late copy of the hole is now a retransmission. */
	h_data(&h, 0, 13, 1004, "bbbb");
	assert_stream(s, 0, "aaaacccc");
	h_done(&h);
}

static void
test_gap_ack(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	/* The peer acks up to 1006 only: the hole is still open. */
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1006, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 0);
	/* The peer acks 1012: it got [4,8); the mirror delivered the ACK
	 * first (a SPAN port queues the directions apart).  Not a gap yet. */
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 0);
	assert_int_equal(stats.reasm_gap_acked, 0);
	/* The data comes within the reorder window: delivered in order. */
	h_data(&h, 0, 10.001, 1004, "bbbb");
	assert_int_equal(s->ngap[0], 0);
	assert_stream(s, 0, "aaaabbbbcccc");
	assert_int_equal(stats.reasm_reorder_recovered, 1);
	assert_int_equal(stats.reasm_gap_late, 0);
	/* An ack seen before the data beyond the hole also counts. */
	h_seg(&h, 1, 10.002, TCPF_ACK, 5000, 1020, NULL, 0, 0);
	h_data(&h, 0, 10.002, 1016, "eeee");
	assert_int_equal(s->ngap[0], 0);
	h_data(&h, 0, 10.003, 1012, "dddd");
	assert_stream(s, 0, "aaaabbbbccccddddeeee");
	assert_int_equal(stats.reasm_reorder_recovered, 2);
	assert_int_equal(stats.reasm_gaps, 0);
	assert_int_equal(reasm_mem(h.r), 0);
	h_done(&h);
}

/* An ACKed hole that never fills is a gap once the window ran out. */
static void
test_gap_ack_window(void **state)
{
	struct reasm_config cfg;
	struct harness h;
	struct rsess *s;
	int i;

	(void)state;
	/* In segments of the flow. */
	reasm_config_default(&cfg);
	cfg.reorder_pkts = 3;
	h_init(&h, &cfg);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	for (i = 0; i < 3; i++)
		h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(s->gap[0][0], 4);
	assert_stream(s, 0, "aaaacccc");
	assert_int_equal(stats.reasm_gap_acked, 1);
	assert_int_equal(stats.reasm_reorder_recovered, 0);
	assert_int_equal(reasm_mem(h.r), 0);
	/* The data after all: too late, a retransmission, counted. */
	h_data(&h, 0, 10, 1004, "bbbb");
	assert_stream(s, 0, "aaaacccc");
	assert_int_equal(stats.reasm_gap_late, 1);
	h_done(&h);

	/* In capture time, seen by a segment of another flow. */
	h_init(&h, NULL);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	h.port[0] = 40001;
	h_data(&h, 0, 10.4, 0, "x");
	assert_int_equal(s->ngap[0], 0);
	h_data(&h, 0, 10.5, 1, "y");		/* 500 ms after the ACK */
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(stats.reasm_gap_acked, 1);
	assert_int_equal(stats.reasm_gap_timeout, 0);
	h_done(&h);

	/* In bytes queued behind the hole. */
	reasm_config_default(&cfg);
	cfg.reorder_bytes = 100;
	h_init(&h, &cfg);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1100, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 0);
	h_data(&h, 0, 10, 1012, "dddddddddddddddddddddddddddddddddddd"
	    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(stats.reasm_gap_acked, 1);
	h_done(&h);

	/* reorder_ms 0: the old rule, skipped at once. */
	reasm_config_default(&cfg);
	cfg.reorder_ms = 0;
	h_init(&h, &cfg);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(stats.reasm_gap_acked, 1);
	h_done(&h);
}

/* A live sensor: the clock runs without packets (reasm_tick). */
static void
test_tick(void **state)
{
	struct harness h;
	struct rsess *s;
	struct timeval now;

	(void)state;
	h_init(&h, NULL);
	make_hole(&h, 10);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 10, TCPF_ACK, 5000, 1012, NULL, 0, 0);
	now.tv_sec = 10;
	now.tv_usec = 400000;
	reasm_tick(h.r, &now);
	assert_int_equal(s->ngap[0], 0);
	now.tv_usec = 500000;
	reasm_tick(h.r, &now);
	assert_int_equal(s->ngap[0], 1);
	assert_stream(s, 0, "aaaacccc");
	/* "cccc" is stamped with the frame it came in, not with none. */
	assert_int_equal(s->ncall[0], 2);
	assert_int_equal(s->fnum[0][1], 2);
	assert_int_equal(s->fus[0][1], 10000000);
	/* An unacked hole: gap_timeout, and the idle timeout, by the clock. */
	h_data(&h, 0, 10.5, 1020, "eeee");
	now.tv_sec = 12;
	now.tv_usec = 0;
	reasm_tick(h.r, &now);
	assert_int_equal(s->ngap[0], 1);
	now.tv_usec = 600000;
	reasm_tick(h.r, &now);
	assert_int_equal(s->ngap[0], 2);
	assert_int_equal(stats.reasm_gap_timeout, 1);
	assert_stream(s, 0, "aaaacccceeee");
	assert_int_equal(s->fnum[0][2], 4);
	now.tv_sec = 700;
	reasm_tick(h.r, &now);
	assert_int_equal(s->closed, 1);
	assert_int_equal(s->why, REASM_CLOSE_TIMEOUT);
	h_done(&h);
}

/*
 * Bytes queued behind a hole are handed on with the frame that carried
 * them, whichever frame released them: permuting the frames permutes
 * the stamps and nothing else.
 */
static void
test_frame_stamps(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1.0, 1000, "aaaa");	/* frame 1 */
	h_data(&h, 0, 1.5, 1008, "cccc");	/* frame 2, queued */
	h_data(&h, 0, 1.75, 1012, "dddd");	/* frame 3, queued */
	h_data(&h, 0, 1.25, 1004, "bbbb");	/* frame 4, late: releases */
	s = h_sess(&h, 0);
	assert_stream(s, 0, "aaaabbbbccccdddd");
	assert_int_equal(s->ncall[0], 4);
	assert_int_equal(s->fnum[0][0], 1);
	assert_int_equal(s->fnum[0][1], 4);
	assert_int_equal(s->fnum[0][2], 2);
	assert_int_equal(s->fnum[0][3], 3);
	assert_int_equal(s->fus[0][1], 1250000);
	assert_int_equal(s->fus[0][2], 1500000);
	assert_int_equal(s->fus[0][3], 1750000);
	/* Released by a timeout (frame 7) and by the end of capture. */
	h_data(&h, 0, 2.0, 1020, "ffff");	/* frame 5 */
	h.port[0] = 40001;
	h_data(&h, 0, 3.5, 0, "x");		/* frame 6 */
	h_data(&h, 0, 4.5, 1, "y");		/* frame 7: 2.5 s later */
	assert_stream(s, 0, "aaaabbbbccccddddffff");
	assert_int_equal(s->fnum[0][4], 5);
	assert_int_equal(s->fus[0][4], 2000000);
	h.port[0] = 40000;
	h_data(&h, 0, 5.0, 1040, "hhhh");	/* frame 8 */
	reasm_finish(h.r, NULL);
	assert_int_equal(s->fnum[0][5], 8);
	assert_int_equal(s->fus[0][5], 5000000);
	h_done(&h);
}

static void
test_gap_end(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	make_hole(&h, 10);
	h_data(&h, 0, 10, 1020, "dd");
	s = h_sess(&h, 0);
	reasm_finish(h.r, NULL);
	assert_int_equal(s->ngap[0], 2);
	assert_int_equal(s->gap[0][0], 4);
	assert_int_equal(s->gap[0][1], 8);
	assert_stream(s, 0, "aaaaccccdd");
	assert_int_equal(s->why, REASM_CLOSE_END);
	h_done(&h);
}

static void
test_flow_mem(void **state)
{
	struct reasm_config cfg;
	struct harness h;
	struct rsess *s;
	char big[101];

	(void)state;
	reasm_config_default(&cfg);
	cfg.flow_mem = 190;		/* one 100-byte piece plus overhead */
	h_init(&h, &cfg);
	memset(big, 'q', 100);
	big[100] = '\0';
	h_data(&h, 0, 1, 0, "0123456789");
	h_data(&h, 0, 1, 20, big);		/* queued [20,120) */
	s = h_sess(&h, 0);
	assert_int_equal(s->ngap[0], 0);
	h_data(&h, 0, 1, 130, big);		/* queued [130,230): too much */
	assert_int_equal(stats.reasm_flow_mem_limit, 1);
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(s->gap[0][0], 10);
	assert_int_equal(s->len[0], 110);
	h_data(&h, 0, 1, 120, "rrrrrrrrrr");	/* fills the second hole */
	assert_int_equal(s->len[0], 220);
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(reasm_mem(h.r), 0);
	h_done(&h);
}

static void
test_total_mem(void **state)
{
	struct reasm_config cfg;
	struct harness h;
	struct rsess *s0, *s1;
	char big[101];

	(void)state;
	reasm_config_default(&cfg);
	cfg.total_mem = 190;		/* one 100-byte piece plus overhead */
	h_init(&h, &cfg);
	memset(big, 'q', 100);
	big[100] = '\0';
	h_data(&h, 0, 1, 0, "0123456789");
	h_data(&h, 0, 1, 20, big);		/* flow 1 queues 100 */
	h.port[0] = 40001;			/* a second flow */
	h_data(&h, 0, 2, 0, "0123456789");
	s0 = h_sess(&h, 0);
	s1 = h_sess(&h, 1);
	assert_int_equal(s0->ngap[0] + s1->ngap[0], 0);
	h_data(&h, 0, 2, 20, big);		/* flow 2 queues 100 */
	assert_int_equal(stats.reasm_total_mem_limit, 1);
	/* The half that grew pays. */
	assert_int_equal(s1->ngap[0], 1);
	assert_int_equal(s1->gap[0][0], 10);
	assert_int_equal(s0->ngap[0], 0);
	h_data(&h, 0, 2, 200, big);		/* past the cap again */
	assert_int_equal(stats.reasm_total_mem_limit, 2);
	assert_int_equal(s1->ngap[0], 2);
	assert_int_equal(s1->gap[0][1], 80);
	assert_int_equal(s0->ngap[0], 0);
	h_done(&h);
}

static void
test_wraparound(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	/* Mid-stream, anchored 6 bytes before 2^32. */
	h_data(&h, 0, 1, 0xfffffffau, "abcdef");
	h_data(&h, 0, 1, 0x00000004u, "klm");		/* after a hole */
	h_data(&h, 0, 1, 0x00000000u, "ghij");
	h_data(&h, 0, 1, 0xfffffff0u, "old");		/* before anchor */
	s = h_sess(&h, 0);
	assert_stream(s, 0, "abcdefghijklm");
	assert_int_equal(stats.reasm_before_anchor, 1);
	/* The peer acks across the wrap: nothing to skip, no confusion. */
	h_seg(&h, 1, 1, TCPF_ACK, 1, 0x00000007u, NULL, 0, 0);
	h_data(&h, 0, 1, 0x00000007u, "no");
	assert_stream(s, 0, "abcdefghijklmno");
	h_done(&h);
	assert_int_equal(s->ngap[0], 0);
}

static void
test_snaplen(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_seg(&h, 0, 1, TCPF_PSH, 1000, 0, "abcd", 4, 10);	/* cut */
	s = h_sess(&h, 0);
	assert_stream(s, 0, "abcd");
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(s->gap[0][0], 6);
	assert_int_equal(stats.reasm_trunc_gaps, 1);
	assert_int_equal(stats.reasm_trunc_bytes, 6);
	assert_int_equal(stats.reasm_gaps, 0);
	/* Out of order and cut: delivered, then the cut part as a gap. */
	h_seg(&h, 0, 1, TCPF_PSH, 1020, 0, "xyz", 3, 10);
	h_data(&h, 0, 1, 1030, "tail");
	h_data(&h, 0, 1, 1010, "0123456789");
	assert_stream(s, 0, "abcd0123456789xyztail");
	assert_int_equal(s->ngap[0], 2);
	assert_int_equal(s->gap[0][1], 7);
	assert_int_equal(stats.reasm_trunc_bytes, 13);
	h_done(&h);
}

static void
test_rst(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	make_hole(&h, 1);
	s = h_sess(&h, 0);
	h_seg(&h, 1, 2, TCPF_RST, 5000, 0, NULL, 0, 0);
	assert_int_equal(s->closed, 1);
	assert_int_equal(s->why, REASM_CLOSE_RST);
	assert_stream(s, 0, "aaaacccc");
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(reasm_flow_count(h.r), 0);
	/* Stragglers of the dead connection open nothing. */
	h_data(&h, 0, 3, 1012, "late");
	h_seg(&h, 1, 3, TCPF_ACK, 5000, 1016, NULL, 0, 0);
	assert_int_equal(h.rec.n, 1);
	assert_int_equal(stats.sessions_closed, 1);
	h_done(&h);
}

static void
test_fin(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_seg(&h, 0, 1, TCPF_SYN, 100, 0, NULL, 0, 0);
	h_seg(&h, 1, 1, TCPF_SYN | TCPF_ACK, 900, 101, NULL, 0, 0);
	h_seg(&h, 0, 1, TCPF_ACK | TCPF_PSH, 101, 901, "open", 4, 4);
	h_seg(&h, 0, 2, TCPF_ACK | TCPF_FIN, 105, 901, "bye", 3, 3);
	s = h_sess(&h, 0);
	assert_int_equal(s->closed, 0);
	h_seg(&h, 1, 2, TCPF_ACK | TCPF_FIN, 901, 109, NULL, 0, 0);
	assert_int_equal(s->closed, 1);
	assert_int_equal(s->why, REASM_CLOSE_FIN);
	assert_stream(s, 0, "openbye");
	h_seg(&h, 0, 2, TCPF_ACK, 109, 902, NULL, 0, 0);	/* last ACK */
	assert_int_equal(h.rec.n, 1);
	/* Same ports, new ISN: a new session, its own anchor. */
	h_seg(&h, 0, 5, TCPF_SYN, 7777, 0, NULL, 0, 0);
	h_data(&h, 0, 5, 7778, "again");
	assert_int_equal(h.rec.n, 2);
	assert_stream(h_sess(&h, 1), 0, "again");
	assert_int_equal(stats.sessions, 2);
	assert_int_equal(stats.sessions_midstream, 0);
	h_done(&h);
}

/* A new SYN on a live flow: the old session ends, a new one starts. */
static void
test_reused(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 0, 1, 1000, "old");
	h_data(&h, 0, 1, 1010, "queued");
	h_seg(&h, 0, 2, TCPF_SYN, 50, 0, NULL, 0, 0);
	s = h_sess(&h, 0);
	assert_int_equal(s->closed, 1);
	assert_int_equal(s->why, REASM_CLOSE_REUSED);
	assert_stream(s, 0, "oldqueued");	/* flushed with a gap */
	assert_int_equal(s->ngap[0], 1);
	assert_int_equal(h.rec.n, 2);
	h_data(&h, 0, 2, 51, "new");
	assert_stream(h_sess(&h, 1), 0, "new");
	h_done(&h);
}

static void
test_idle_timeout(void **state)
{
	struct reasm_config cfg;
	struct harness h;
	struct rsess *s;

	(void)state;
	reasm_config_default(&cfg);
	cfg.idle_timeout = 60;
	h_init(&h, &cfg);
	h_data(&h, 0, 100, 1000, "abc");
	h.port[0] = 40001;
	h_data(&h, 0, 150, 1000, "xyz");
	s = h_sess(&h, 0);
	assert_int_equal(s->closed, 0);
	h_data(&h, 0, 161, 1003, "!");	/* first flow idle 61 s */
	assert_int_equal(s->closed, 1);
	assert_int_equal(s->why, REASM_CLOSE_TIMEOUT);
	assert_int_equal(h_sess(&h, 1)->closed, 0);
	assert_int_equal(stats.sessions_timeout, 1);
	assert_int_equal(reasm_flow_count(h.r), 1);
	/* It talks again: a new mid-stream session. */
	h.port[0] = 40000;
	h_data(&h, 0, 162, 1003, "def");
	assert_int_equal(h.rec.n, 3);
	assert_stream(h_sess(&h, 2), 0, "def");
	h_done(&h);
}

static void
test_flow_limit(void **state)
{
	struct reasm_config cfg;
	struct harness h;

	(void)state;
	reasm_config_default(&cfg);
	cfg.max_flows = 2;
	h_init(&h, &cfg);
	h_data(&h, 0, 1, 1, "a");
	h.port[0] = 40001;
	h_data(&h, 0, 1, 1, "b");
	h.port[0] = 40002;
	h_data(&h, 0, 1, 1, "c");
	h_data(&h, 0, 1, 2, "d");
	assert_int_equal(h.rec.n, 2);
	assert_int_equal(stats.reasm_flow_limit, 2);
	assert_int_equal(reasm_flow_count(h.r), 2);
	/* A closed flow's tombstone gives way to a new flow. */
	h.port[0] = 40000;
	h_seg(&h, 1, 2, TCPF_RST, 1, 0, NULL, 0, 0);
	h.port[0] = 40002;
	h_data(&h, 0, 2, 3, "e");
	assert_int_equal(h.rec.n, 3);
	h_done(&h);
}

/* SYN from port `port` (a flow with no payload). */
static void
h_syn(struct harness *h, uint16_t port, double t)
{
	uint16_t keep = h->port[0];

	h->port[0] = port;
	h_seg(h, 0, t, TCPF_SYN, 5000, 0, NULL, 0, 0);
	h->port[0] = keep;
}

/* G3: flows that never carried a byte give way to new flows. */
static void
test_syn_flood(void **state)
{
	struct reasm_config cfg;
	struct harness h;

	(void)state;
	reasm_config_default(&cfg);
	cfg.max_flows = 4;
	h_init(&h, &cfg);
	h_data(&h, 0, 1, 1, "a");			/* s0: data */
	h_syn(&h, 50001, 1);				/* s1 */
	h_syn(&h, 50002, 1.5);				/* s2 */
	h_syn(&h, 50003, 1.5);				/* s3: table full */
	h_syn(&h, 50002, 1.7);	/* a SYN retransmission: s2 is younger now */
	assert_int_equal(h.rec.n, 4);
	h.port[0] = 40001;
	h_data(&h, 0, 2, 1, "b");			/* s4 evicts s1 */
	assert_int_equal(h.rec.n, 5);
	assert_int_equal(h_sess(&h, 1)->closed, 1);
	assert_int_equal(h_sess(&h, 1)->why, REASM_CLOSE_EVICTED);
	assert_stream(h_sess(&h, 4), 0, "b");
	h_syn(&h, 50004, 2);				/* s5 evicts s3 */
	assert_int_equal(h_sess(&h, 3)->why, REASM_CLOSE_EVICTED);
	assert_int_equal(h_sess(&h, 2)->closed, 0);
	/* The handshake of s5 completes and its OPEN comes: not evictable. */
	h.port[0] = 50004;
	h_seg(&h, 1, 2.1, TCPF_SYN | TCPF_ACK, 9000, 5001, NULL, 0, 0);
	h_seg(&h, 0, 2.2, TCPF_ACK | TCPF_PSH, 5001, 9001, "open", 4, 4);
	h.port[0] = 40002;
	h_data(&h, 0, 3, 1, "c");			/* s6 evicts s2 */
	assert_int_equal(h_sess(&h, 2)->why, REASM_CLOSE_EVICTED);
	assert_int_equal(stats.sessions_evicted, 3);
	/* Every flow has carried data now: a new one is refused. */
	h.port[0] = 40003;
	h_data(&h, 0, 4, 1, "d");
	assert_int_equal(h.rec.n, 7);
	assert_int_equal(stats.reasm_flow_limit, 1);
	assert_int_equal(h_sess(&h, 0)->closed, 0);
	assert_int_equal(h_sess(&h, 5)->closed, 0);
	assert_stream(h_sess(&h, 5), 0, "open");
	assert_int_equal(reasm_flow_count(h.r), 4);
	h_done(&h);
}

/* Flows without payload time out after embryonic_timeout, not 600 s. */
static void
test_embryonic_timeout(void **state)
{
	struct reasm_config cfg;
	struct harness h;

	(void)state;
	reasm_config_default(&cfg);
	cfg.embryonic_timeout = 30;
	h_init(&h, &cfg);
	h_syn(&h, 50001, 10);				/* s0 */
	h_data(&h, 0, 10, 1, "a");			/* s1 */
	h_syn(&h, 50002, 20);				/* s2 */
	h.port[0] = 50002;				/* s2 talks at 25 s */
	h_seg(&h, 0, 25, TCPF_PSH, 5001, 0, "x", 1, 1);
	h.port[0] = 40000;
	h_data(&h, 0, 39, 2, "b");
	assert_int_equal(h_sess(&h, 0)->closed, 0);
	h_data(&h, 0, 40, 3, "c");			/* s0 is 30 s old */
	assert_int_equal(h_sess(&h, 0)->closed, 1);
	assert_int_equal(h_sess(&h, 0)->why, REASM_CLOSE_TIMEOUT);
	h_data(&h, 0, 100, 4, "d");			/* s2 has data: stays */
	assert_int_equal(h_sess(&h, 2)->closed, 0);
	assert_int_equal(stats.sessions_timeout, 1);
	assert_int_equal(reasm_flow_count(h.r), 2);
	h_done(&h);
}

static void
test_interleaved(void **state)
{
	struct harness h;
	struct rsess *s;

	(void)state;
	h_init(&h, NULL);
	h_data(&h, 1, 1, 500, "S1");		/* server talks first */
	h_data(&h, 0, 1, 9000, "C1");
	h_data(&h, 1, 1, 504, "S3");
	h_data(&h, 0, 1, 9002, "C2");
	h_data(&h, 1, 1, 502, "S2");
	s = h_sess(&h, 0);
	/* Direction 0 is whoever sent the first payload. */
	assert_true(ipaddr_eq(&s->a.addr, &h.ip[1]));
	assert_stream(s, 0, "S1S2S3");
	assert_stream(s, 1, "C1C2");
	h_done(&h);
}

/*
 * Property test.  A random stream per direction is cut into random
 * segments, some re-cut as retransmissions with other boundaries,
 * shuffled with bounded displacement and optionally dropped.  Without
 * drops the delivered stream must equal the original with no gaps; with
 * drops every run must match the original at its offset (checked by the
 * recorder) and data + gaps must account for every offset reached.
 */
struct pseg {
	int		dir;
	uint32_t	off, len;
	unsigned	key;
};

static int
pseg_cmp(const void *a, const void *b)
{
	const struct pseg *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static int property_gaps;	/* gaps seen over all dropping runs */

static void
property_run(unsigned seed, int drop_pct)
{
	struct harness h;
	struct rsess *s;
	struct pseg *segs;
	uint8_t *stream[2];
	uint32_t isn[2], total[2], off;
	size_t n = 0, max = 4096, i;
	int d, k;

	srand(seed);
	h_init(&h, NULL);
	segs = calloc(max, sizeof(*segs));
	assert_non_null(segs);
	for (d = 0; d < 2; d++) {
		total[d] = 1 + (uint32_t)(rand() % 6000);
		stream[d] = malloc(total[d]);
		assert_non_null(stream[d]);
		for (i = 0; i < total[d]; i++)
			stream[d][i] = (uint8_t)rand();
		h.rec.orig[d] = stream[d];
		h.rec.origlen[d] = total[d];
		isn[d] = (uint32_t)rand() * 2654435761u;
		if (seed % 3 == 0)
			isn[d] = 0xffffffffu - (uint32_t)(rand() % 3000);
		for (off = 0; off < total[d] && n < max - 2; ) {
			segs[n].dir = d;
			segs[n].off = off;
			segs[n].len = 1 + (uint32_t)(rand() % 300);
			if (segs[n].len > total[d] - off)
				segs[n].len = total[d] - off;
			/* Displacement bounded to about 8 segments. */
			segs[n].key = (unsigned)n * 16 + (unsigned)(rand() % 128);
			off += segs[n].len;
			n++;
			if (rand() % 5 == 0) {	/* retransmission, re-cut */
				segs[n] = segs[n - 1];
				k = rand() % 50;
				segs[n].off = segs[n].off > (uint32_t)k ?
				    segs[n].off - (uint32_t)k : 0;
				segs[n].len += (uint32_t)k;
				if (segs[n].off + segs[n].len > total[d])
					segs[n].len = total[d] - segs[n].off;
				segs[n].key += (unsigned)(rand() % 200);
				n++;
			}
		}
	}
	qsort(segs, n, sizeof(*segs), pseg_cmp);
	h_seg(&h, 0, 1, TCPF_SYN, isn[0], 0, NULL, 0, 0);
	h_seg(&h, 1, 1, TCPF_SYN | TCPF_ACK, isn[1], isn[0] + 1, NULL, 0, 0);
	for (i = 0; i < n; i++) {
		if (drop_pct > 0 && rand() % 100 < drop_pct)
			continue;
		d = segs[i].dir;
		h_seg(&h, d, 1 + (double)i / 1000, TCPF_PSH,
		    isn[d] + 1 + segs[i].off, 0, stream[d] + segs[i].off,
		    segs[i].len, segs[i].len);
	}
	s = h_sess(&h, 0);
	reasm_finish(h.r, NULL);
	for (d = 0; d < 2; d++) {
		assert_int_equal(s->bad, 0);
		assert_true(s->pos[d] <= total[d]);
		if (drop_pct == 0) {
			assert_int_equal(s->ngap[d], 0);
			assert_int_equal(s->len[d], total[d]);
			assert_memory_equal(s->buf[d], stream[d], total[d]);
		} else {
			uint64_t g = 0;

			property_gaps += s->ngap[d];
			for (k = 0; k < s->ngap[d] && k < MAXGAPS; k++)
				g += s->gap[d][k];
			if (s->ngap[d] <= MAXGAPS)
				assert_int_equal(g + s->len[d], s->pos[d]);
		}
		free(stream[d]);
	}
	free(segs);
	h_done(&h);
}

static void
test_property(void **state)
{
	unsigned seed;

	(void)state;
	for (seed = 1; seed <= 200; seed++)
		property_run(seed, 0);
	for (seed = 1000; seed <= 1200; seed++)
		property_run(seed, 10);
	assert_true(property_gaps > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_syn_anchored),
		cmocka_unit_test(test_synack_first),
		cmocka_unit_test(test_syn_payload),
		cmocka_unit_test(test_midstream_before_anchor),
		cmocka_unit_test(test_permutations),
		cmocka_unit_test(test_retransmit),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_gap_timeout),
		cmocka_unit_test(test_gap_ack),
		cmocka_unit_test(test_gap_ack_window),
		cmocka_unit_test(test_tick),
		cmocka_unit_test(test_frame_stamps),
		cmocka_unit_test(test_gap_end),
		cmocka_unit_test(test_flow_mem),
		cmocka_unit_test(test_total_mem),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_snaplen),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_fin),
		cmocka_unit_test(test_reused),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_flow_limit),
		cmocka_unit_test(test_syn_flood),
		cmocka_unit_test(test_embryonic_timeout),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
