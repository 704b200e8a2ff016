/*
 * test_mrt_write.c - the records --write-mrt writes (src/feed/mrt_write.c)
 * for hand-built sessions, byte for byte: BGP4MP_ET (RFC 6396 3, 4.4)
 * MESSAGE and MESSAGE_AS4, the *_LOCAL subtypes, the ADDPATH ones of
 * RFC 8050, STATE_CHANGE_AS4 around a session, IPv6 endpoints; a new
 * session's records held until its key is known, in order; AS_TRANS in
 * the key of a session without 4-octet ASNs; nothing at the end of a
 * capture; a write error reported and in the result of close; SIGHUP's
 * reopen.  The session events that follow a session's first message
 * (OPEN, MIDSTREAM) name its endpoint 0, which becomes the peer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "feed/mrt_write.h"
#include "builders.h"

#define FF16	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

/* OPENs without capabilities: AS 65001 (0xfde9) and 65002, hold 90. */
static const uint8_t open_a[] = { FF16, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xe9,
    0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x00 };
static const uint8_t open_b[] = { FF16, 0x00, 0x1d, 0x01, 0x04, 0xfd, 0xea,
    0x00, 0x5a, 0x0a, 0x00, 0x00, 0x02, 0x00 };
/* OPENs with the 4-octet AS capability: AS 4200000001 (0xfa56ea01) and
 * 4200000002, My AS = AS_TRANS (0x5ba0). */
static const uint8_t open4_a[] = { FF16, 0x00, 0x25, 0x01, 0x04, 0x5b, 0xa0,
    0x00, 0x5a, 0x0a, 0x00, 0x00, 0x01, 0x08, 0x02, 0x06, 0x41, 0x04,
    0xfa, 0x56, 0xea, 0x01 };
static const uint8_t open4_b[] = { FF16, 0x00, 0x25, 0x01, 0x04, 0x5b, 0xa0,
    0x00, 0x5a, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x02, 0x06, 0x41, 0x04,
    0xfa, 0x56, 0xea, 0x02 };
/* 192.0.2.0/24 from AS 65001, 2-octet AS_PATH. */
static const uint8_t upd_a[] = { FF16, 0x00, 0x2d, 0x02, 0x00, 0x00, 0x00,
    0x12, 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x04, 0x02, 0x01, 0xfd, 0xe9,
    0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01, 0x18, 0xc0, 0x00, 0x02 };
/* End-of-RIB for IPv4 unicast (RFC 4724 2): no NLRI at all. */
static const uint8_t eor[] = { FF16, 0x00, 0x17, 0x02, 0x00, 0x00, 0x00,
    0x00 };
static const uint8_t keepalive[] = { FF16, 0x00, 0x13, 0x04 };
/* 2001:db8::/32 with path identifier 1 in MP_REACH_NLRI (IPv6 unicast),
 * 4-octet AS_PATH 4200000001. */
static const uint8_t upd6_ap[] = { FF16, 0x00, 0x45, 0x02, 0x00, 0x00,
    0x00, 0x2e, 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x01, 0xfa,
    0x56, 0xea, 0x01, 0x80, 0x0e, 0x1e, 0x00, 0x02, 0x01, 0x10, 0x20, 0x01,
    0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x20, 0x20, 0x01, 0x0d, 0xb8 };
/* 198.51.100.0/24, IPv4 NLRI field, 4-octet AS_PATH 4200000002. */
static const uint8_t upd4_b[] = { FF16, 0x00, 0x2f, 0x02, 0x00, 0x00, 0x00,
    0x14, 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x01, 0xfa, 0x56,
    0xea, 0x02, 0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x02, 0x18, 0xc6, 0x33,
    0x64 };

static char path[] = "/tmp/test_mrt_write.XXXXXX";

/* The session between a (src of dir 0) and b. */
struct sess {
	uint64_t	id;
	struct ipaddr	a, b;
	uint16_t	pa, pb;
};

static struct sess
mk_sess(uint64_t id, const char *a, uint16_t pa, const char *b, uint16_t pb)
{
	struct sess s;

	memset(&s, 0, sizeof(s));
	s.id = id;
	assert_int_equal(ipaddr_parse(a, &s.a), 0);
	assert_int_equal(ipaddr_parse(b, &s.b), 0);
	s.pa = pa;
	s.pb = pb;
	return s;
}

static void
ctx_of(struct bgp_msg_ctx *ctx, struct packet *pkt, const struct sess *s,
    int from_b, long usec)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts.tv_sec = 1700000000;	/* 0x6553f100 */
	pkt->ts.tv_usec = usec;
	ctx->pkt = pkt;
	ctx->session_id = s->id;
	ctx->src_addr = from_b ? s->b : s->a;
	ctx->dst_addr = from_b ? s->a : s->b;
	ctx->src_port = from_b ? s->pb : s->pa;
	ctx->dst_port = from_b ? s->pa : s->pb;
}

static void
msg(struct mrt_writer *w, const struct sess *s, int from_b, long usec,
    const uint8_t *m, size_t len, unsigned enc)
{
	struct bgp_msg_ctx ctx;
	struct packet pkt;

	ctx_of(&ctx, &pkt, s, from_b, usec);
	ctx.msg = m;
	ctx.msg_len = (uint32_t)len;
	mrt_writer_message(w, &ctx, enc);
}

static void
event(struct mrt_writer *w, const struct sess *s, long usec,
    enum bgp_session_event ev)
{
	struct bgp_msg_ctx ctx;
	struct bgp_session_info si;
	struct packet pkt;

	struct bgp_session_view v;

	ctx_of(&ctx, &pkt, s, 0, usec);
	memset(&si, 0, sizeof(si));
	si.event = ev;
	/* endpoint 0 is a, as the reassembly's direction 0 */
	memset(&v, 0, sizeof(v));
	v.addr[0] = s->a;
	v.addr[1] = s->b;
	v.port[0] = s->pa;
	v.port[1] = s->pb;
	si.view = &v;
	mrt_writer_session(w, &ctx, &si);
}

static uint8_t *
slurp(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	uint8_t *b = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(b);
	*len = fread(b, 1, 1 << 20, fp);
	fclose(fp);
	return b;
}

/*
 * An expected record, built from literal field values: header with
 * usec, peer and local AS (4 octets for the AS4 subtypes and state
 * changes), interface 0, AFI, the addresses, then tail (the message, or
 * old and new state).
 */
static void
rec(struct buf *b, uint16_t subtype, uint32_t usec, uint32_t pas,
    uint32_t las, const char *peer, const char *local, const uint8_t *tail,
    size_t tlen)
{
	struct ipaddr p, l;
	int as4 = subtype == 4 || subtype == 5 || subtype == 7 ||
	    subtype == 9 || subtype == 11;
	size_t alen;

	assert_int_equal(ipaddr_parse(peer, &p), 0);
	assert_int_equal(ipaddr_parse(local, &l), 0);
	alen = p.family == ADDR_V6 ? 16 : 4;
	b_u32(b, 1700000000);
	b_u16(b, 17);
	b_u16(b, subtype);
	b_u32(b, (uint32_t)(4 + (as4 ? 8 : 4) + 4 + 2 * alen + tlen));
	b_u32(b, usec);
	if (as4) {
		b_u32(b, pas);
		b_u32(b, las);
	} else {
		b_u16(b, pas);
		b_u16(b, las);
	}
	b_u16(b, 0);
	b_u16(b, alen == 16 ? 2 : 1);
	b_bytes(b, p.a, alen);
	b_bytes(b, l.a, alen);
	b_bytes(b, tail, tlen);
}

static const uint8_t up[] = { 0x00, 0x05, 0x00, 0x06 };	/* -> Established */
static const uint8_t down[] = { 0x00, 0x06, 0x00, 0x01 };	/* -> Idle */

static void
assert_file(const struct buf *want)
{
	size_t len, i;
	uint8_t *got = slurp(path, &len);

	for (i = 0; i < len && i < want->n; i++)
		if (got[i] != want->b[i])
			break;
	if (i < len || i < want->n)
		fail_msg("byte %zu differs (file %zu bytes, expected %zu)", i,
		    len, want->n);
	free(got);
}

static struct mrt_writer *
fresh(void)
{
	struct mrt_writer *w;

	unlink(path);
	w = mrt_writer_open(path);
	assert_non_null(w);
	return w;
}

/* The first record written out literally; the rest with rec(). */
static void
test_ipv4_2octet(void **state)
{
	static const uint8_t first[] = {
	    0x65, 0x53, 0xf1, 0x00, 0x00, 0x11, 0x00, 0x05,	/* STATE_CHANGE_AS4 */
	    0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x01,	/* 28 octets, 1 us */
	    0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xea,	/* AS65001, AS65002 */
	    0x00, 0x00, 0x00, 0x01,				/* if 0, AFI 1 */
	    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,	/* peer, local */
	    0x00, 0x05, 0x00, 0x06 };				/* 5 -> 6 */
	struct sess s = mk_sess(1, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct mrt_writer *w = fresh();
	struct buf want;

	(void)state;
	msg(w, &s, 0, 1, open_a, sizeof(open_a), 0);
	event(w, &s, 1, BGP_SESS_OPEN);
	msg(w, &s, 1, 2, open_b, sizeof(open_b), 0);
	event(w, &s, 2, BGP_SESS_OPEN);
	msg(w, &s, 0, 3, keepalive, sizeof(keepalive), 0);
	msg(w, &s, 0, 4, upd_a, sizeof(upd_a), 0);
	msg(w, &s, 1, 5, eor, sizeof(eor), 0);
	event(w, &s, 6, BGP_SESS_DOWN);
	assert_int_equal(mrt_writer_close(w), 0);

	memset(&want, 0, sizeof(want));
	b_bytes(&want, first, sizeof(first));
	rec(&want, 1, 1, 65001, 65002, "10.0.0.1", "10.0.0.2", open_a,
	    sizeof(open_a));
	rec(&want, 6, 2, 65001, 65002, "10.0.0.1", "10.0.0.2", open_b,
	    sizeof(open_b));
	rec(&want, 1, 3, 65001, 65002, "10.0.0.1", "10.0.0.2", keepalive,
	    sizeof(keepalive));
	rec(&want, 1, 4, 65001, 65002, "10.0.0.1", "10.0.0.2", upd_a,
	    sizeof(upd_a));
	rec(&want, 6, 5, 65001, 65002, "10.0.0.1", "10.0.0.2", eor,
	    sizeof(eor));
	rec(&want, 5, 6, 65001, 65002, "10.0.0.1", "10.0.0.2", down,
	    sizeof(down));
	assert_file(&want);
}

/*
 * IPv6 endpoints, 4-octet ASNs, ADD-PATH on IPv6 unicast only: the IPv6
 * UPDATEs get the ADDPATH subtypes, the IPv4 one not; the session's
 * local end (b: the receiver of the first message) the LOCAL ones.
 */
static void
test_ipv6_as4_addpath(void **state)
{
	struct sess s = mk_sess(2, "2001:db8::1", 179, "2001:db8::2", 50000);
	struct mrt_writer *w = fresh();
	unsigned enc = BGP_ENC_AS4 | BGP_ENC_ADDPATH_V6;
	struct buf want;

	(void)state;
	msg(w, &s, 0, 10, open4_a, sizeof(open4_a), BGP_ENC_AS4);
	event(w, &s, 10, BGP_SESS_OPEN);
	msg(w, &s, 1, 11, open4_b, sizeof(open4_b), BGP_ENC_AS4);
	msg(w, &s, 0, 12, upd6_ap, sizeof(upd6_ap), enc);
	msg(w, &s, 1, 13, upd6_ap, sizeof(upd6_ap), enc);
	msg(w, &s, 1, 14, upd4_b, sizeof(upd4_b), enc);
	msg(w, &s, 1, 15, eor, sizeof(eor), enc);	/* no NLRI: as the
							 * direction */
	event(w, &s, 16, BGP_SESS_CAPTURE_END);		/* writes nothing */
	assert_int_equal(mrt_writer_close(w), 0);

	memset(&want, 0, sizeof(want));
	rec(&want, 5, 10, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", up, sizeof(up));
	rec(&want, 4, 10, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", open4_a, sizeof(open4_a));
	rec(&want, 7, 11, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", open4_b, sizeof(open4_b));
	rec(&want, 9, 12, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", upd6_ap, sizeof(upd6_ap));
	rec(&want, 11, 13, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", upd6_ap, sizeof(upd6_ap));
	rec(&want, 7, 14, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", upd4_b, sizeof(upd4_b));
	rec(&want, 11, 15, 4200000001u, 4200000002u, "2001:db8::1",
	    "2001:db8::2", eor, sizeof(eor));
	assert_file(&want);
}

/*
 * Held records keep the order: x's first OPEN waits for x's key while y
 * (picked up mid-stream: keyed at its MIDSTREAM event, ASes unknown = 0)
 * goes on; x's second OPEN releases all.  y's first message came from
 * its b, but its endpoint 0 is a: a is the peer, b's messages LOCAL.
 */
static void
test_hold_order(void **state)
{
	struct sess x = mk_sess(3, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct sess y = mk_sess(4, "10.0.1.1", 179, "10.0.1.2", 40001);
	struct mrt_writer *w = fresh();
	struct buf want;

	(void)state;
	msg(w, &x, 0, 20, open_a, sizeof(open_a), 0);
	event(w, &x, 20, BGP_SESS_OPEN);
	msg(w, &y, 1, 21, upd_a, sizeof(upd_a), 0);
	event(w, &y, 21, BGP_SESS_MIDSTREAM);
	msg(w, &y, 0, 22, keepalive, sizeof(keepalive), 0);
	event(w, &y, 22, BGP_SESS_MIDSTREAM);
	msg(w, &x, 1, 23, open_b, sizeof(open_b), 0);
	event(w, &y, 24, BGP_SESS_DOWN);
	assert_int_equal(mrt_writer_close(w), 0);

	memset(&want, 0, sizeof(want));
	rec(&want, 5, 20, 65001, 65002, "10.0.0.1", "10.0.0.2", up,
	    sizeof(up));
	rec(&want, 1, 20, 65001, 65002, "10.0.0.1", "10.0.0.2", open_a,
	    sizeof(open_a));
	rec(&want, 5, 21, 0, 0, "10.0.1.1", "10.0.1.2", up, sizeof(up));
	rec(&want, 6, 21, 0, 0, "10.0.1.1", "10.0.1.2", upd_a,
	    sizeof(upd_a));
	rec(&want, 1, 22, 0, 0, "10.0.1.1", "10.0.1.2", keepalive,
	    sizeof(keepalive));
	rec(&want, 6, 23, 65001, 65002, "10.0.0.1", "10.0.0.2", open_b,
	    sizeof(open_b));
	rec(&want, 5, 24, 0, 0, "10.0.1.1", "10.0.1.2", down, sizeof(down));
	assert_file(&want);
}

/*
 * One end offers 4-octet ASNs, the other not: the session is 2-octet,
 * so the 4-octet AS is keyed AS_TRANS in every record (the STATE_CHANGE_AS4
 * ones too), as the 2-octet records can carry it.  A session that ends
 * with only its first OPEN seen is keyed with that one AS.
 */
static void
test_as_trans(void **state)
{
	struct sess s = mk_sess(5, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct sess t = mk_sess(6, "10.0.0.3", 179, "10.0.0.4", 40000);
	struct mrt_writer *w = fresh();
	struct buf want;

	(void)state;
	msg(w, &s, 0, 30, open4_a, sizeof(open4_a), 0);
	event(w, &s, 30, BGP_SESS_OPEN);
	msg(w, &s, 1, 31, open_b, sizeof(open_b), 0);
	msg(w, &t, 0, 32, open_a, sizeof(open_a), 0);
	event(w, &t, 32, BGP_SESS_OPEN);
	event(w, &t, 33, BGP_SESS_DOWN);
	assert_int_equal(mrt_writer_close(w), 0);

	memset(&want, 0, sizeof(want));
	rec(&want, 5, 30, 23456, 65002, "10.0.0.1", "10.0.0.2", up,
	    sizeof(up));
	rec(&want, 1, 30, 23456, 65002, "10.0.0.1", "10.0.0.2", open4_a,
	    sizeof(open4_a));
	rec(&want, 6, 31, 23456, 65002, "10.0.0.1", "10.0.0.2", open_b,
	    sizeof(open_b));
	rec(&want, 5, 32, 65001, 0, "10.0.0.3", "10.0.0.4", up, sizeof(up));
	rec(&want, 1, 32, 65001, 0, "10.0.0.3", "10.0.0.4", open_a,
	    sizeof(open_a));
	rec(&want, 5, 33, 65001, 0, "10.0.0.3", "10.0.0.4", down,
	    sizeof(down));
	assert_file(&want);
}

/* A session whose only records are held is written at close. */
static void
test_close_writes_held(void **state)
{
	struct sess s = mk_sess(7, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct mrt_writer *w = fresh();
	struct buf want;

	(void)state;
	msg(w, &s, 0, 40, open_a, sizeof(open_a), 0);
	assert_int_equal(mrt_writer_close(w), 0);
	memset(&want, 0, sizeof(want));
	rec(&want, 5, 40, 65001, 0, "10.0.0.1", "10.0.0.2", up, sizeof(up));
	rec(&want, 1, 40, 65001, 0, "10.0.0.1", "10.0.0.2", open_a,
	    sizeof(open_a));
	assert_file(&want);
}

/*
 * A session whose first message is no OPEN and no event follows (the
 * tap's caller gives none): its next message keys it, with the first
 * sender as the peer.  One that ends at the capture's end writes no
 * state change.
 */
static void
test_no_event(void **state)
{
	struct sess s = mk_sess(10, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct mrt_writer *w = fresh();
	struct buf want;

	(void)state;
	msg(w, &s, 1, 60, keepalive, sizeof(keepalive), 0);
	msg(w, &s, 0, 61, keepalive, sizeof(keepalive), 0);
	event(w, &s, 62, BGP_SESS_CAPTURE_END);
	assert_int_equal(mrt_writer_close(w), 0);
	memset(&want, 0, sizeof(want));
	rec(&want, 5, 60, 0, 0, "10.0.0.2", "10.0.0.1", up, sizeof(up));
	rec(&want, 1, 60, 0, 0, "10.0.0.2", "10.0.0.1", keepalive,
	    sizeof(keepalive));
	rec(&want, 6, 61, 0, 0, "10.0.0.2", "10.0.0.1", keepalive,
	    sizeof(keepalive));
	assert_file(&want);
}

/*
 * A BMP feed's RIB views are not written (only the wire view, which
 * Route Mirroring is); two sessions of one key open at once are warned.
 */
static void
test_views_and_twins(void **state)
{
	struct sess s = mk_sess(11, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct sess t = mk_sess(12, "10.0.0.1", 179, "10.0.0.2", 40001);
	struct mrt_writer *w = fresh();
	struct bgp_msg_ctx ctx;
	struct packet pkt;
	struct buf want;
	const char *err;

	(void)state;
	ctx_of(&ctx, &pkt, &s, 0, 70);
	ctx.msg = keepalive;
	ctx.msg_len = sizeof(keepalive);
	ctx.view = BGP_VIEW_ADJ_IN_POST;
	mrt_writer_message(w, &ctx, 0);
	stderr_capture_start();
	msg(w, &s, 0, 71, keepalive, sizeof(keepalive), 0);
	event(w, &s, 71, BGP_SESS_MIDSTREAM);
	msg(w, &t, 0, 72, keepalive, sizeof(keepalive), 0);
	event(w, &t, 72, BGP_SESS_MIDSTREAM);
	err = stderr_capture_end();
	assert_non_null(strstr(err, "two sessions between the same speakers"));
	assert_int_equal(mrt_writer_close(w), 0);
	memset(&want, 0, sizeof(want));
	rec(&want, 5, 71, 0, 0, "10.0.0.1", "10.0.0.2", up, sizeof(up));
	rec(&want, 1, 71, 0, 0, "10.0.0.1", "10.0.0.2", keepalive,
	    sizeof(keepalive));
	rec(&want, 5, 72, 0, 0, "10.0.0.1", "10.0.0.2", up, sizeof(up));
	rec(&want, 1, 72, 0, 0, "10.0.0.1", "10.0.0.2", keepalive,
	    sizeof(keepalive));
	assert_file(&want);
}

/* A full disk: warned once with the file name, close says -1. */
static void
test_write_error(void **state)
{
	struct sess s = mk_sess(8, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct mrt_writer *w;
	const char *err;
	int i;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	w = mrt_writer_open("/dev/full");
	assert_non_null(w);
	stderr_capture_start();
	for (i = 0; i < 40000; i++)	/* ~2.6 MB: flushes on the way */
		msg(w, &s, 0, i % 1000000, upd_a, sizeof(upd_a), 0);
	mrt_writer_flush(w);
	assert_int_equal(mrt_writer_close(w), -1);
	err = stderr_capture_end();
	assert_non_null(strstr(err, "/dev/full: cannot write MRT records"));
	/* once, then the count at close */
	assert_null(strstr(strstr(err, "cannot write MRT records") + 1,
	    "cannot write MRT records"));
	assert_non_null(strstr(err, "40001 MRT records not written"));
}

/* SIGHUP: what was buffered goes to the old file, the rest to the new. */
static void
test_reopen(void **state)
{
	struct sess s = mk_sess(9, "10.0.0.1", 179, "10.0.0.2", 40000);
	struct mrt_writer *w = fresh();
	char old[sizeof(path) + 8];
	uint8_t *b;
	size_t len;
	struct buf want;

	(void)state;
	msg(w, &s, 0, 50, keepalive, sizeof(keepalive), 0);
	event(w, &s, 50, BGP_SESS_MIDSTREAM);
	snprintf(old, sizeof(old), "%s.1", path);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(mrt_writer_reopen(w), 0);
	msg(w, &s, 0, 51, keepalive, sizeof(keepalive), 0);
	assert_int_equal(mrt_writer_close(w), 0);
	memset(&want, 0, sizeof(want));
	rec(&want, 1, 51, 0, 0, "10.0.0.1", "10.0.0.2", keepalive,
	    sizeof(keepalive));
	assert_file(&want);
	b = slurp(old, &len);
	/* the state change and the first KEEPALIVE */
	assert_int_equal(len, 12 + 28 + 12 + 4 + 4 + 4 + 8 + 19);
	assert_int_equal(b[7], 5);
	assert_int_equal(b[12 + 28 + 7], 1);
	free(b);
	unlink(old);
}

static int
setup(void **state)
{
	int fd;

	(void)state;
	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_2octet),
		cmocka_unit_test(test_ipv6_as4_addpath),
		cmocka_unit_test(test_hold_order),
		cmocka_unit_test(test_as_trans),
		cmocka_unit_test(test_close_writes_held),
		cmocka_unit_test(test_no_event),
		cmocka_unit_test(test_views_and_twins),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_reopen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
