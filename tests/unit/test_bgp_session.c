/*
 * test_bgp_session.c - framing, resync, gaps, OPEN bookkeeping, negotiated
 * and inferred encodings, NOTIFICATION names.
 *
 * Byte streams are fed to a session whose sink records every event; the
 * real UPDATE decoder (src/bgp/bgp_update.c) is linked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgp/bgp_session.h"
#include "base/stats.h"
#include "builders.h"

#define MAXEV	64

struct ev {
	int		 kind;		/* 'r' route, 's' session */
	int		 event;		/* bgp_session_event / route_event */
	unsigned	 code, subcode, afi, safi;
	uint32_t	 msg_len, peer_as, local_as;
	uint16_t	 src_port;
	uint64_t	 pkt_num, msg_seq;
	bool		 has_path_id;
	uint32_t	 path_id, origin_as;
	uint8_t		 inferred, plen;
	const char	*reason;
};

static struct ev evs[MAXEV];
static int nev;
static int nmid;	/* BGP_SESS_MIDSTREAM events */

static void
rec_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *a,
    const struct bgp_route *r)
{
	struct ev *e;

	(void)arg;
	if (nev >= MAXEV)
		return;
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 'r';
	e->event = (int)r->event;
	e->afi = r->afi;
	e->msg_len = ctx->msg_len;
	e->msg_seq = ctx->msg_seq;
	e->peer_as = ctx->peer_as;
	e->src_port = ctx->src_port;
	e->has_path_id = r->has_path_id;
	e->path_id = r->path_id;
	e->plen = r->prefix.len;
	e->inferred = a->inferred;
	e->origin_as = r->event == BGP_ROUTE_ANNOUNCE ? a->origin_as : 0;
}

static void
rec_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct ev *e;

	(void)arg;
	/* counted apart (test_midstream_event): the tests here count the
	 * events of the session's life */
	if (si->event == BGP_SESS_MIDSTREAM) {
		nmid++;
		return;
	}
	if (nev >= MAXEV)
		return;
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 's';
	e->event = (int)si->event;
	e->code = si->code;
	e->subcode = si->subcode;
	e->afi = si->afi;
	e->safi = si->safi;
	e->msg_len = ctx->msg_len;
	e->msg_seq = ctx->msg_seq;
	e->peer_as = ctx->peer_as;
	e->local_as = ctx->local_as;
	e->src_port = ctx->src_port;
	e->pkt_num = ctx->pkt != NULL ? ctx->pkt->num : 0;
	e->reason = si->reason;
}

static const struct bgp_sink sink = { rec_route, rec_session, NULL, NULL };

static struct bgp_session *
new_session(void)
{
	struct flow_endpoint a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ipaddr_parse("192.0.2.1", &a.addr);
	ipaddr_parse("192.0.2.2", &b.addr);
	a.port = 40000;
	b.port = 179;
	nev = 0;
	nmid = 0;
	stats_reset();
	return bgp_session_new(&a, &b, &sink);
}

/* ---- message builders ---- */

static size_t
hdr(uint8_t *b, size_t len, uint8_t type)
{
	memset(b, 0xff, 16);
	b[16] = (uint8_t)(len >> 8);
	b[17] = (uint8_t)len;
	b[18] = type;
	return 19;
}

static size_t
keepalive(uint8_t *b)
{
	return hdr(b, 19, BGP_KEEPALIVE);
}

static size_t
notification(uint8_t *b, uint8_t code, uint8_t sub, size_t datalen,
    uint8_t fill)
{
	hdr(b, 21 + datalen, BGP_NOTIFICATION);
	b[19] = code;
	b[20] = sub;
	memset(b + 21, fill, datalen);
	return 21 + datalen;
}

/* OPEN with one capabilities parameter, router id 10.0.0.<as % 256>. */
static size_t
open_msg(uint8_t *b, uint16_t as, const uint8_t *caps, uint8_t clen)
{
	size_t n = 19 + b_open_caps(b + 19, as, (uint8_t)as, caps, clen);

	hdr(b, n, BGP_OPEN);
	return n;
}

static size_t
update(uint8_t *b, const uint8_t *body, size_t blen)
{
	memcpy(b + 19, body, blen);
	return hdr(b, 19 + blen, BGP_UPDATE) + blen;
}

static void
feed(struct bgp_session *s, int dir, const uint8_t *p, size_t n)
{
	struct packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.num = 7;
	bgp_session_data(s, dir, p, n, &pkt);
}

/* ---- framing ---- */

static size_t
sample_stream(uint8_t *b)
{
	static const uint8_t caps[] = { 65, 4, 0, 0, 0xfd, 0xe9, 2, 0 };
	static const uint8_t eor[] = { 0, 0, 0, 0 };
	size_t n = 0;

	n += open_msg(b + n, 23456, caps, sizeof(caps));
	n += keepalive(b + n);
	n += notification(b + n, 6, 2, 3, 0xff);
	n += keepalive(b + n);
	n += update(b + n, eor, sizeof(eor));
	return n;
}

static void
check_sample_events(void)
{
	assert_int_equal(nev, 3);
	assert_int_equal(evs[0].kind, 's');
	assert_int_equal(evs[0].event, BGP_SESS_OPEN);
	assert_int_equal(evs[0].peer_as, 65001);
	assert_int_equal(evs[1].event, BGP_SESS_NOTIFICATION);
	assert_int_equal(evs[1].code, 6);
	assert_int_equal(evs[1].subcode, 2);
	assert_int_equal(evs[1].msg_len, 24);
	assert_string_equal(evs[1].reason, "Cease: Administrative Shutdown");
	assert_int_equal(evs[2].event, BGP_SESS_EOR);
	assert_int_equal(evs[2].afi, 1);
	assert_int_equal(evs[2].safi, 1);
	assert_int_equal(evs[2].peer_as, 65001);
	assert_int_equal(evs[2].pkt_num, 7);
	assert_int_equal(stats.bgp_messages, 5);
	assert_int_equal(stats.bgp_keepalive, 2);
	assert_int_equal(stats.bgp_resyncs, 0);
	assert_int_equal(stats.bgp_resync_skipped, 0);
}

static void
test_one_call(void **state)
{
	uint8_t b[256];
	size_t n = sample_stream(b);
	struct bgp_session *s = new_session();

	(void)state;
	feed(s, 0, b, n);
	check_sample_events();
	bgp_session_close(s, REASM_CLOSE_FIN, NULL);
	assert_int_equal(evs[3].event, BGP_SESS_DOWN);
	assert_string_equal(evs[3].reason, "TCP FIN");
	/* The end of a capture is not the end of the session. */
	bgp_session_close(s, REASM_CLOSE_END, NULL);
	assert_int_equal(evs[4].event, BGP_SESS_CAPTURE_END);
	bgp_session_free(s);
}

/* Two calls split at every byte; and one byte per call. */
static void
test_every_split(void **state)
{
	uint8_t b[256];
	size_t n = sample_stream(b), k, i;
	struct bgp_session *s;

	(void)state;
	for (k = 0; k <= n; k++) {
		s = new_session();
		feed(s, 0, b, k);
		feed(s, 0, b + k, n - k);
		check_sample_events();
		bgp_session_free(s);
	}
	s = new_session();
	for (i = 0; i < n; i++)
		feed(s, 0, b + i, 1);
	check_sample_events();
	bgp_session_free(s);
}

/* Garbage (with 0xff runs) before the first marker. */
static void
test_midstream_garbage(void **state)
{
	uint8_t b[512];
	size_t g = 40, n, k;
	struct bgp_session *s;

	(void)state;
	for (k = 0; k < g; k++)
		b[k] = (k % 7 == 0 || k > 30) ? 0xff : (uint8_t)k;
	n = g + sample_stream(b + g);
	for (k = 0; k <= n; k += 5) {
		s = new_session();
		feed(s, 0, b, k);
		feed(s, 0, b + k, n - k);
		assert_int_equal(stats.bgp_resyncs, 1);
		assert_int_equal(stats.bgp_resync_skipped, g);
		assert_int_equal(nev, 3);
		assert_int_equal(evs[0].event, BGP_SESS_OPEN);
		assert_int_equal(evs[2].event, BGP_SESS_EOR);
		bgp_session_free(s);
	}
}

/* A gap inside a NOTIFICATION: the partial is dropped, never glued. */
/*
 * A direction whose first message is not an OPEN is picked up
 * mid-stream: one BGP_SESS_MIDSTREAM event for it, at that message (a
 * KEEPALIVE will do: a session resumed after rovmon's restart must be
 * known alive before its next UPDATE); none for a direction that began
 * with its OPEN.
 */
static void
test_midstream_event(void **state)
{
	static const uint8_t caps[] = { 65, 4, 0, 0, 0xfd, 0xe9 };
	uint8_t b[512];
	size_t n;
	struct bgp_session *s = new_session();

	(void)state;
	n = keepalive(b);
	n += keepalive(b + n);
	feed(s, 0, b, n);
	assert_int_equal(nmid, 1);
	assert_int_equal(nev, 0);
	n = open_msg(b, 65002, caps, sizeof(caps));
	n += keepalive(b + n);
	feed(s, 1, b, n);
	assert_int_equal(nmid, 1);	/* direction 1 began with its OPEN */
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].event, BGP_SESS_OPEN);
	bgp_session_free(s);
}

static void
test_gap_mid_message(void **state)
{
	uint8_t b[512];
	size_t n = 0, cut, na;
	struct bgp_session *s = new_session();

	(void)state;
	n += keepalive(b);
	na = notification(b + n, 6, 4, 30, 0x41);
	cut = n + 15;
	n += na;
	n += notification(b + n, 4, 0, 0, 0);
	feed(s, 0, b, cut);
	bgp_session_gap(s, 0, 10, NULL);
	feed(s, 0, b + cut + 10, n - cut - 10);
	assert_int_equal(stats.bgp_msg_across_gap, 1);
	assert_int_equal(stats.bgp_resyncs, 1);
	assert_int_equal(stats.bgp_keepalive, 1);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].event, BGP_SESS_NOTIFICATION);
	assert_int_equal(evs[0].code, 4);
	assert_string_equal(evs[0].reason, "Hold Timer Expired");
	bgp_session_free(s);
}

/*
 * A message cut short by the end of the stream (G2): counted in
 * bgp_msg_cut_at_end whatever the close reason, the end of the capture
 * included; once per message, never for a resync tail.
 */
static void
test_cut_at_end(void **state)
{
	static const enum reasm_close whys[] = { REASM_CLOSE_FIN,
	    REASM_CLOSE_RST, REASM_CLOSE_TIMEOUT, REASM_CLOSE_EVICTED,
	    REASM_CLOSE_END, REASM_CLOSE_REUSED };
	static const uint8_t junk[] = { 1, 2, 3, 0xff, 0xff };
	uint8_t b[512];
	size_t n, i;
	struct bgp_session *s;

	(void)state;
	/* In sync, 30 of a NOTIFICATION's 51 bytes pending at close. */
	n = keepalive(b);
	n += notification(b + n, 6, 4, 30, 0x41);
	for (i = 0; i < sizeof(whys) / sizeof(whys[0]); i++) {
		s = new_session();
		feed(s, 0, b, 19 + 30);
		bgp_session_close(s, whys[i], NULL);
		assert_int_equal(stats.bgp_msg_cut_at_end, 1);
		assert_int_equal(stats.bgp_keepalive, 1);
		assert_int_equal(stats.bgp_notification, 0);
		assert_int_equal(nev, 1);
		assert_int_equal(evs[0].event, whys[i] == REASM_CLOSE_END ?
		    BGP_SESS_CAPTURE_END : BGP_SESS_DOWN);
		/* A second close does not count the same bytes again. */
		bgp_session_close(s, REASM_CLOSE_END, NULL);
		assert_int_equal(stats.bgp_msg_cut_at_end, 1);
		bgp_session_free(s);
	}

	/* Part of a header only; and one message pending each way. */
	s = new_session();
	feed(s, 0, b, 19 + 10);
	feed(s, 1, b, 19 + 20);
	bgp_session_close(s, REASM_CLOSE_END, NULL);
	assert_int_equal(stats.bgp_msg_cut_at_end, 2);
	assert_int_equal(stats.bgp_keepalive, 2);
	bgp_session_free(s);

	/* Whole messages only: nothing cut. */
	s = new_session();
	feed(s, 0, b, n);
	bgp_session_close(s, REASM_CLOSE_FIN, NULL);
	assert_int_equal(stats.bgp_msg_cut_at_end, 0);
	assert_int_equal(stats.bgp_notification, 1);
	bgp_session_free(s);

	/* Resyncing, 0xff tail kept: no message, not counted. */
	s = new_session();
	feed(s, 0, junk, sizeof(junk));
	bgp_session_close(s, REASM_CLOSE_END, NULL);
	assert_int_equal(stats.bgp_msg_cut_at_end, 0);
	assert_int_equal(stats.bgp_resync_skipped, 3);
	bgp_session_free(s);

	/* Cut by a gap first: counted there (across_gap), not again. */
	s = new_session();
	feed(s, 0, b, 19 + 30);
	bgp_session_gap(s, 0, 5, NULL);
	bgp_session_close(s, REASM_CLOSE_FIN, NULL);
	assert_int_equal(stats.bgp_msg_across_gap, 1);
	assert_int_equal(stats.bgp_msg_cut_at_end, 0);
	bgp_session_free(s);

	/*
	 * OPENs not seen: a header claiming 4097 whose body never comes
	 * swallows the KEEPALIVE after it; the close says so.
	 */
	s = new_session();
	n = hdr(b, 4097, BGP_UPDATE);
	n += keepalive(b + n);
	feed(s, 0, b, n);
	bgp_session_close(s, REASM_CLOSE_RST, NULL);
	assert_int_equal(stats.bgp_keepalive, 0);
	assert_int_equal(stats.bgp_msg_cut_at_end, 1);
	bgp_session_free(s);
}

/*
 * A fake header inside a payload: starting mid-message, resync must not
 * take the 0xff run for a marker because the bytes after the candidate
 * are no header.
 */
static void
test_fake_marker(void **state)
{
	uint8_t b[512];
	size_t n = 0, start;
	struct bgp_session *s = new_session();

	(void)state;
	n = notification(b, 6, 0, 60, 0x20);
	keepalive(b + 25);		/* fake KEEPALIVE inside the data */
	start = 10;
	n += notification(b + n, 6, 3, 0, 0);
	feed(s, 0, b + start, n - start);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].subcode, 3);
	assert_int_equal(stats.bgp_keepalive, 0);
	assert_int_equal(stats.bgp_resync_skipped, 81 - start);
	bgp_session_free(s);

	/* In sync, the same payload is never scanned. */
	s = new_session();
	feed(s, 0, b, n);
	assert_int_equal(nev, 2);
	assert_int_equal(stats.bgp_keepalive, 0);
	bgp_session_free(s);
}

static void
test_bad_lengths(void **state)
{
	uint8_t b[128];
	size_t n;
	struct bgp_session *s = new_session();

	(void)state;
	/* Length 18, then a good KEEPALIVE: resync finds it. */
	n = hdr(b, 18, BGP_KEEPALIVE);
	n += keepalive(b + n);
	feed(s, 0, b, n);
	assert_int_equal(stats.bgp_keepalive, 1);
	assert_int_equal(stats.bgp_resync_skipped, 19);
	/* KEEPALIVE of 20 bytes and unknown type 6 are implausible. */
	n = hdr(b, 20, BGP_KEEPALIVE);
	b[n++] = 0;
	n += hdr(b + n, 19, 6);
	n += keepalive(b + n);
	feed(s, 0, b, n);
	assert_int_equal(stats.bgp_keepalive, 2);
	assert_true(stats.bgp_bad_header >= 1);
	bgp_session_free(s);
}

/* Long NOTIFICATIONs under the three extended-message states. */
static size_t
long_stream(uint8_t *b, size_t len)
{
	size_t n = notification(b, 6, 0, len - 21, 0x00);

	return n + keepalive(b + n);
}

static void
test_ext_lengths(void **state)
{
	static const uint8_t ext[] = { 6, 0 };
	static const uint8_t noext[] = { 2, 0 };
	uint8_t *b = malloc(70000), ob[64];
	size_t n, on;
	struct bgp_session *s;

	(void)state;
	assert_non_null(b);
	/* OPENs not seen: 4097 and 65535 accepted, counted. */
	s = new_session();
	n = long_stream(b, 4097);
	feed(s, 0, b, n);
	n = long_stream(b, 65535);
	feed(s, 0, b, n);
	assert_int_equal(stats.bgp_notification, 2);
	assert_int_equal(stats.bgp_ext_unnegotiated, 2);
	assert_int_equal(evs[1].msg_len, 65535);
	bgp_session_free(s);

	/* Both OPENs without the capability: 4097 is a bad header. */
	s = new_session();
	on = open_msg(ob, 65001, noext, sizeof(noext));
	feed(s, 0, ob, on);
	feed(s, 1, ob, on);
	n = long_stream(b, 4097);
	feed(s, 0, b, n);
	assert_int_equal(stats.bgp_notification, 0);
	assert_int_equal(stats.bgp_keepalive, 1);
	assert_true(stats.bgp_bad_header >= 1);
	n = long_stream(b, 4096);
	feed(s, 0, b, n);
	assert_int_equal(stats.bgp_notification, 1);
	bgp_session_free(s);

	/* Both advertised extended messages: 65535 fine, uncounted. */
	s = new_session();
	on = open_msg(ob, 65001, ext, sizeof(ext));
	feed(s, 0, ob, on);
	feed(s, 1, ob, on);
	n = long_stream(b, 65535);
	feed(s, 0, b, 30000);
	feed(s, 0, b + 30000, n - 30000);
	assert_int_equal(stats.bgp_notification, 1);
	assert_int_equal(stats.bgp_ext_unnegotiated, 0);
	assert_int_equal(stats.bgp_bad_header, 0);
	bgp_session_free(s);
	free(b);
}

/* ---- negotiated state ---- */

/* Withdrawal of 192.0.2.0/24, with path id 5 when addpath. */
static size_t
withdraw_update(uint8_t *b, bool addpath)
{
	struct buf w = { .n = 0 }, u;

	b_pfx(&w, "192.0.2.0/24", addpath ? 5 : -1);
	b_update(&u, &w, NULL, NULL);
	return update(b, u.b, u.n);
}

static void
test_addpath_per_direction(void **state)
{
	/* a: v4 send+receive; b: v4 receive only, AS4 both. */
	static const uint8_t ca[] = { 65, 4, 0, 0, 0xfd, 0xe9,
	    69, 4, 0, 1, 1, 3 };
	static const uint8_t cb[] = { 65, 4, 0, 0, 0xfd, 0xea,
	    69, 4, 0, 1, 1, 1 };
	uint8_t b[128];
	size_t n;
	struct bgp_session *s = new_session();

	(void)state;
	feed(s, 0, b, open_msg(b, 23456, ca, sizeof(ca)));
	feed(s, 1, b, open_msg(b, 23456, cb, sizeof(cb)));
	nev = 0;
	/* a->b: a sends, b receives: ADD-PATH on. */
	n = withdraw_update(b, true);
	feed(s, 0, b, n);
	assert_int_equal(nev, 1);
	assert_true(evs[0].has_path_id);
	assert_int_equal(evs[0].path_id, 5);
	assert_int_equal(evs[0].plen, 24);
	assert_int_equal(evs[0].peer_as, 65001);
	assert_int_equal(evs[0].inferred, 0);
	/* b->a: b cannot send: off. */
	n = withdraw_update(b, false);
	feed(s, 1, b, n);
	assert_int_equal(nev, 2);
	assert_false(evs[1].has_path_id);
	assert_int_equal(evs[1].peer_as, 65002);
	assert_int_equal(evs[1].src_port, 179);
	assert_int_equal(stats.bgp_inferred, 0);
	bgp_session_free(s);
}

/*
 * Announcement of 192.0.2.0/24 (path id 1 when addpath) with AS_PATH
 * [65001 X] (X 4-octet 4200000000 or 2-octet 65002), ORIGIN IGP,
 * NEXT_HOP 192.0.2.1.
 */
static size_t
announce_update(uint8_t *b, bool as4, bool addpath)
{
	struct buf a = { .n = 0 }, p = { .n = 0 }, n = { .n = 0 }, u;

	b_origin(&a, 0);
	if (as4)
		b_seg(&p, AS_SEQUENCE, 4, 2, 65001u, 4200000000u);
	else
		b_seg(&p, AS_SEQUENCE, 2, 2, 65001u, 65002u);
	b_attr(&a, 0x40, 2, p.b, p.n);
	b_nexthop(&a, "192.0.2.1");
	b_pfx(&n, "192.0.2.0/24", addpath ? 1 : -1);
	b_update(&u, NULL, &a, &n);
	return update(b, u.b, u.n);
}

/*
 * Each message dispatched gets the next number (msg_seq): every route of
 * one UPDATE shares it; the same bytes sent again are another message,
 * with another number; numbers never repeat across directions and
 * sessions.  The output stage sends an UPDATE's bytes once per number.
 */
static void
test_msg_seq(void **state)
{
	static const uint8_t caps[] = { 65, 4, 0, 0, 0xfd, 0xe9 };
	struct buf a = { .n = 0 }, p = { .n = 0 }, n = { .n = 0 }, u;
	uint8_t b[256];
	size_t len;
	uint64_t first;
	struct bgp_session *s = new_session(), *s2;

	(void)state;
	feed(s, 0, b, open_msg(b, 23456, caps, sizeof(caps)));
	feed(s, 1, b, open_msg(b, 23456, caps, sizeof(caps)));
	nev = 0;
	b_origin(&a, 0);
	b_seg(&p, AS_SEQUENCE, 4, 1, 65001u);
	b_attr(&a, 0x40, 2, p.b, p.n);
	b_nexthop(&a, "192.0.2.1");
	b_pfx(&n, "192.0.2.0/24", -1);
	b_pfx(&n, "198.51.100.0/24", -1);
	b_update(&u, NULL, &a, &n);
	len = update(b, u.b, u.n);
	len += keepalive(b + len);
	memcpy(b + len, b, len - 19);	/* the UPDATE again */
	len += len - 19;
	feed(s, 0, b, len);
	assert_int_equal(nev, 4);
	first = evs[0].msg_seq;
	assert_true(first > 0);
	assert_true(evs[1].msg_seq == first);
	assert_true(evs[2].msg_seq == first + 2);	/* the KEEPALIVE */
	assert_true(evs[3].msg_seq == first + 2);
	feed(s, 1, b, len);
	assert_int_equal(nev, 8);
	assert_true(evs[4].msg_seq == first + 3);
	assert_true(evs[7].msg_seq == first + 5);
	s2 = new_session();
	feed(s2, 0, b, len);
	assert_true(nev > 0);
	assert_true(evs[0].msg_seq == first + 6);
	bgp_session_free(s2);
	bgp_session_free(s);
}

static void
test_infer_as4(void **state)
{
	uint8_t b[128];
	size_t n = announce_update(b, true, false);
	struct bgp_session *s = new_session();
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		feed(s, 0, b, n);
	assert_int_equal(nev, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(evs[i].event, BGP_ROUTE_ANNOUNCE);
		assert_int_equal(evs[i].origin_as, 4200000000u);
		assert_false(evs[i].has_path_id);
		assert_int_equal(evs[i].inferred,
		    BGP_INFER_AS4 | BGP_INFER_NOADDPATH);
		assert_int_equal(evs[i].peer_as, 0);
	}
	assert_int_equal(stats.bgp_inferred, 1);
	bgp_session_free(s);
}

static void
test_infer_as2_addpath(void **state)
{
	uint8_t b[128];
	size_t n = announce_update(b, false, true);
	struct bgp_session *s = new_session();
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		feed(s, 1, b, n);
	assert_int_equal(nev, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(evs[i].origin_as, 65002);
		assert_true(evs[i].has_path_id);
		assert_int_equal(evs[i].path_id, 1);
		assert_int_equal(evs[i].inferred,
		    BGP_INFER_AS2 | BGP_INFER_ADDPATH);
	}
	/* The other direction infers on its own. */
	n = announce_update(b, true, false);
	feed(s, 0, b, n);
	assert_int_equal(evs[4].origin_as, 4200000000u);
	assert_false(evs[4].has_path_id);
	assert_int_equal(stats.bgp_inferred, 2);
	bgp_session_free(s);
}

/*
 * Only b's OPEN seen: no capability 65, ADD-PATH send+receive for IPv4.
 * as4 is known off both ways (not inferred); IPv6 ADD-PATH is known off
 * b->a (b cannot send) and a->b (b cannot receive); IPv4 ADD-PATH
 * depends on a's unseen OPEN both ways, so it is inferred.
 */
static void
test_one_open_seen(void **state)
{
	static const uint8_t caps[] = { 2, 0, 69, 4, 0, 1, 1, 3 };
	uint8_t b[128];
	size_t n;
	struct bgp_session *s = new_session();

	(void)state;
	feed(s, 1, b, open_msg(b, 65002, caps, sizeof(caps)));
	nev = 0;
	n = announce_update(b, false, false);
	feed(s, 0, b, n);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].origin_as, 65002);
	assert_int_equal(evs[0].peer_as, 0);
	assert_int_equal(evs[0].inferred, BGP_INFER_NOADDPATH);
	n = announce_update(b, false, true);
	feed(s, 1, b, n);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[1].peer_as, 65002);
	assert_true(evs[1].has_path_id);
	assert_int_equal(evs[1].inferred, BGP_INFER_ADDPATH);
	assert_int_equal(stats.bgp_inferred, 2);
	bgp_session_free(s);
}

static void
test_notification_names(void **state)
{
	(void)state;
	assert_string_equal(bgp_notification_name(1, 2),
	    "Message Header Error: Bad Message Length");
	assert_string_equal(bgp_notification_name(2, 7),
	    "OPEN Message Error: Unsupported Capability");
	assert_string_equal(bgp_notification_name(3, 11),
	    "UPDATE Message Error: Malformed AS_PATH");
	assert_string_equal(bgp_notification_name(6, 0), "Cease");
	assert_string_equal(bgp_notification_name(6, 9), "Cease: Hard Reset");
	assert_string_equal(bgp_notification_name(6, 99), "Cease: unknown");
	assert_string_equal(bgp_notification_name(7, 1),
	    "ROUTE-REFRESH Message Error: Invalid Message Length");
	assert_string_equal(bgp_notification_name(0, 0), "unknown");
	assert_string_equal(bgp_notification_name(8, 1), "unknown");
	assert_string_equal(bgp_notification_name(255, 255), "unknown");
	assert_string_equal(bgp_msg_type_name(5), "ROUTE-REFRESH");
	assert_string_equal(bgp_msg_type_name(0), "unknown");
	assert_string_equal(bgp_msg_type_name(6), "unknown");
}

static void
test_route_refresh_and_reasm_ops(void **state)
{
	uint8_t b[64];
	size_t n;
	struct flow_endpoint a, c;
	void *sess;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	nev = 0;
	stats_reset();
	sess = bgp_session_reasm_ops.session_open((void *)(uintptr_t)&sink,
	    &a, &c, NULL);
	assert_non_null(sess);
	n = hdr(b, 23, BGP_ROUTE_REFRESH);
	b[n++] = 0; b[n++] = 2; b[n++] = 1; b[n++] = 1;	/* v6, BoRR */
	bgp_session_reasm_ops.data(sess, 1, b, n, NULL);
	bgp_session_reasm_ops.gap(sess, 1, 100, NULL);
	bgp_session_reasm_ops.session_close(sess, REASM_CLOSE_RST, NULL);
	assert_int_equal(stats.bgp_route_refresh, 1);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].event, BGP_SESS_DOWN);
	bgp_session_free(NULL);
}

/* Random streams in random chunks with random gaps: no crash (ASan). */
static void
test_random_noise(void **state)
{
	uint8_t *b = malloc(20000);
	size_t n, off, k;
	unsigned seed = 12345, r;
	int round;
	struct bgp_session *s;

	(void)state;
	assert_non_null(b);
	for (round = 0; round < 50; round++) {
		s = new_session();
		n = 0;
		while (n < 19000) {
			r = (seed = seed * 1103515245 + 12345) >> 16;
			if (r % 3 == 0)
				n += sample_stream(b + n);
			else if (r % 3 == 1)
				n += announce_update(b + n, r & 4, r & 8);
			else {
				for (k = 0; k < r % 40; k++)
					b[n++] = (uint8_t)(r >> (k % 8));
			}
		}
		for (off = 0; off < n; off += k) {
			r = (seed = seed * 1103515245 + 12345) >> 16;
			k = r % 700 + 1;
			if (k > n - off)
				k = n - off;
			if (r % 17 == 0)
				bgp_session_gap(s, (int)(r & 1), k, NULL);
			else
				feed(s, (int)(r & 1), b + off, k);
		}
		bgp_session_close(s, REASM_CLOSE_END, NULL);
		bgp_session_free(s);
	}
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_call),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_midstream_garbage),
		cmocka_unit_test(test_midstream_event),
		cmocka_unit_test(test_gap_mid_message),
		cmocka_unit_test(test_cut_at_end),
		cmocka_unit_test(test_fake_marker),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_ext_lengths),
		cmocka_unit_test(test_addpath_per_direction),
		cmocka_unit_test(test_infer_as4),
		cmocka_unit_test(test_infer_as2_addpath),
		cmocka_unit_test(test_one_open_seen),
		cmocka_unit_test(test_notification_names),
		cmocka_unit_test(test_msg_seq),
		cmocka_unit_test(test_route_refresh_and_reasm_ops),
		cmocka_unit_test(test_random_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
