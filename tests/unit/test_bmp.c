/*
 * test_bmp.c - BMP v3 (RFC 7854, RFC 8671, RFC 9069): every message type
 * and per-peer flag decoded to exact fields, every refusal's why, and a
 * BMP connection's bytes turned into feed sessions (bmp_stream.c): views,
 * directions, Peer Up's ports and OPENs, Peer Down, Termination, the
 * connection's end, resynchronisation from every cut point and after a
 * gap.  Messages are built by hand here from the RFC's layouts; the real
 * BGP session and UPDATE decoder are linked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "feed/bmp.h"
#include "feed/bmp_stream.h"
#include "feed/feed_session.h"
#include "builders.h"

/* ---- builders ---- */

static void
b_bgp(struct buf *out, unsigned type, const void *body, size_t n)
{
	static const uint8_t mk[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	b_bytes(out, mk, 16);
	b_u16(out, (unsigned)(19 + n));
	b_u8(out, type);
	b_bytes(out, body, n);
}

/* Per-peer header (RFC 7854 4.2). */
static void
b_peer(struct buf *b, unsigned ptype, unsigned flags, uint64_t rd,
    const char *addr, uint32_t as, uint32_t ts_sec, uint32_t ts_usec)
{
	struct ipaddr a;
	uint8_t z[16] = { 0 };

	b_u8(b, ptype);
	b_u8(b, flags);
	b_u32(b, (uint32_t)(rd >> 32));
	b_u32(b, (uint32_t)rd);
	assert_int_equal(ipaddr_parse(addr, &a), 0);
	if (a.family == ADDR_V6)
		b_bytes(b, a.a, 16);
	else {
		b_bytes(b, z, 12);
		b_bytes(b, a.a, 4);
	}
	b_u32(b, as);
	b_u32(b, 0x0a000001);	/* BGP ID 10.0.0.1 */
	b_u32(b, ts_sec);
	b_u32(b, ts_usec);
}

/* out += common header (version 3) + body. */
static void
b_bmp(struct buf *out, unsigned type, const struct buf *body)
{
	b_u8(out, 3);
	b_u32(out, (uint32_t)(6 + body->n));
	b_u8(out, type);
	b_bytes(out, body->b, body->n);
}

static void
b_tlv(struct buf *b, unsigned type, const void *v, size_t n)
{
	b_u16(b, type);
	b_u16(b, (unsigned)n);
	b_bytes(b, v, n);
}

/* An UPDATE announcing pfx with AS_PATH 65001 origin (4- or 2-octet). */
static void
b_rm_update(struct buf *out, const char *pfx, int as_width, uint32_t origin)
{
	struct buf at = { .n = 0 }, seg = { .n = 0 }, nlri = { .n = 0 },
	    body = { .n = 0 };

	b_origin(&at, 0);
	b_seg(&seg, 2, as_width, 2, (uint32_t)65001, origin);
	b_attr(&at, 0x40, 2, seg.b, seg.n);
	b_nexthop(&at, "192.0.2.1");
	b_pfx(&nlri, pfx, -1);
	b_update(&body, NULL, &at, &nlri);
	b_bgp(out, 2, body.b, body.n);
}

static void
b_open(struct buf *out, uint16_t as, uint32_t as4, uint8_t id)
{
	uint8_t caps[6] = { 65, 4, (uint8_t)(as4 >> 24), (uint8_t)(as4 >> 16),
	    (uint8_t)(as4 >> 8), (uint8_t)as4 };
	uint8_t body[64];
	size_t n = b_open_caps(body, as, id, caps, sizeof(caps));

	b_bgp(out, 1, body, n);
}

/* Route Monitoring of 192.0.2.9 AS 65001 with flags, announcing pfx. */
static void
m_rm(struct buf *out, unsigned ptype, unsigned flags, const char *peer,
    uint32_t as, const char *pfx, uint32_t ts)
{
	struct buf body = { .n = 0 };

	b_peer(&body, ptype, flags, 0, peer, as, ts, ts != 0 ? 250000 : 0);
	b_rm_update(&body, pfx, (flags & BMP_F_A) ? 2 : 4, 64500);
	b_bmp(out, BMP_ROUTE_MONITORING, &body);
}

static void
m_peer_up(struct buf *out, unsigned ptype, unsigned flags, const char *peer,
    uint32_t as, const char *local, uint16_t lport, uint16_t rport)
{
	struct buf body = { .n = 0 };
	struct ipaddr a;
	uint8_t z[12] = { 0 };

	b_peer(&body, ptype, flags, 0, peer, as, 0, 0);
	assert_int_equal(ipaddr_parse(local, &a), 0);
	if (a.family == ADDR_V6)
		b_bytes(&body, a.a, 16);
	else {
		b_bytes(&body, z, 12);
		b_bytes(&body, a.a, 4);
	}
	b_u16(&body, lport);
	b_u16(&body, rport);
	b_open(&body, 65000, 65000, 2);		/* sent: the router */
	b_open(&body, (uint16_t)as, as, 9);	/* received: the peer */
	b_tlv(&body, 0, "up", 2);
	b_bmp(out, BMP_PEER_UP, &body);
}

static void
m_peer_down_notif(struct buf *out, const char *peer, uint32_t as,
    unsigned reason, unsigned code, unsigned sub)
{
	struct buf body = { .n = 0 };
	uint8_t n[2] = { (uint8_t)code, (uint8_t)sub };

	b_peer(&body, 0, 0, 0, peer, as, 0, 0);
	b_u8(&body, reason);
	b_bgp(&body, 3, n, 2);
	b_bmp(out, BMP_PEER_DOWN, &body);
}

static void
m_init(struct buf *out)
{
	struct buf body = { .n = 0 };

	b_tlv(&body, 1, "GoBGP", 5);
	b_tlv(&body, 2, "r1", 2);
	b_bmp(out, BMP_INITIATION, &body);
}

static void
m_term(struct buf *out, unsigned reason)
{
	struct buf body = { .n = 0 };

	/* a string holding what looks like a whole Initiation message:
	 * a false boundary for resynchronisation to reject */
	b_tlv(&body, 0, "\x03\x00\x00\x00\x06\x04zz", 8);
	b_u16(&body, 1);
	b_u16(&body, 2);
	b_u16(&body, reason);
	b_bmp(out, BMP_TERMINATION, &body);
}

static void
m_stats(struct buf *out, const char *peer)
{
	struct buf body = { .n = 0 };

	b_peer(&body, 0, 0, 0, peer, 65001, 0, 0);
	b_u32(&body, 3);
	b_u16(&body, 0);	/* prefixes rejected by policy: 32 bit */
	b_u16(&body, 4);
	b_u32(&body, 7);
	b_u16(&body, 7);	/* routes in Adj-RIB-In: 64-bit gauge */
	b_u16(&body, 8);
	b_u32(&body, 1);
	b_u32(&body, 2);
	b_u16(&body, 9);	/* per AFI/SAFI */
	b_u16(&body, 11);
	b_u16(&body, 1);
	b_u8(&body, 1);
	b_u32(&body, 0);
	b_u32(&body, 42);
	b_bmp(out, BMP_STATISTICS, &body);
}

static void
m_mirror(struct buf *out, const char *peer, const char *pfx)
{
	struct buf body = { .n = 0 }, upd = { .n = 0 };
	uint8_t info[2] = { 0, 1 };

	b_peer(&body, 0, 0, 0, peer, 65001, 0, 0);
	b_rm_update(&upd, pfx, 4, 64501);
	b_tlv(&body, 0, upd.b, upd.n);
	b_tlv(&body, 1, info, 2);
	b_bmp(out, BMP_ROUTE_MIRRORING, &body);
}

/* ---- decoding ---- */

static const char *
decode(const struct buf *b, struct bmp_msg *m)
{
	return bmp_decode(b->b, b->n, m);
}

static void
test_peer_header_fields(void **state)
{
	struct buf b = { .n = 0 }, body = { .n = 0 };
	struct bmp_msg m;
	char s[IPADDR_STRLEN];

	(void)state;
	b_peer(&body, 1, BMP_F_V | BMP_F_L, 0x0001000200000003ULL,
	    "2001:db8::9", 4200000001u, 1700000000, 123456);
	b_rm_update(&body, "10.0.0.0/8", 4, 64500);
	b_bmp(&b, BMP_ROUTE_MONITORING, &body);
	assert_null(decode(&b, &m));
	assert_int_equal(m.version, 3);
	assert_int_equal(m.type, BMP_ROUTE_MONITORING);
	assert_int_equal(m.len, b.n);
	assert_true(m.has_peer);
	assert_int_equal(m.peer.type, BMP_PEER_RD);
	assert_int_equal(m.peer.flags, BMP_F_V | BMP_F_L);
	assert_true(m.peer.distinguisher == 0x0001000200000003ULL);
	assert_string_equal(ipaddr_fmt(&m.peer.addr, s, sizeof(s)),
	    "2001:db8::9");
	assert_int_equal(m.peer.as, 4200000001u);
	assert_int_equal(m.peer.bgp_id, 0x0a000001);
	assert_int_equal(m.peer.ts_sec, 1700000000);
	assert_int_equal(m.peer.ts_usec, 123456);
	assert_int_equal(m.bgp.len, b.n - 48);
	assert_ptr_equal(m.bgp.p, b.b + 48);
	assert_int_equal(bmp_peer_view(&m.peer), BGP_VIEW_ADJ_IN_POST);

	b.n = 0;
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	assert_null(decode(&b, &m));
	assert_string_equal(ipaddr_fmt(&m.peer.addr, s, sizeof(s)),
	    "192.0.2.9");
}

static void
test_views(void **state)
{
	struct bmp_peer p;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(bmp_peer_view(&p), BGP_VIEW_ADJ_IN_PRE);
	p.flags = BMP_F_L;
	assert_int_equal(bmp_peer_view(&p), BGP_VIEW_ADJ_IN_POST);
	p.flags = BMP_F_O;
	assert_int_equal(bmp_peer_view(&p), BGP_VIEW_ADJ_OUT_PRE);
	p.flags = BMP_F_O | BMP_F_L | BMP_F_A | BMP_F_V;
	assert_int_equal(bmp_peer_view(&p), BGP_VIEW_ADJ_OUT_POST);
	p.type = BMP_PEER_LOC_RIB;
	p.flags = BMP_F_LOC_F;
	assert_int_equal(bmp_peer_view(&p), BGP_VIEW_LOC_RIB);
	assert_string_equal(bgp_view_name(BGP_VIEW_ADJ_IN_PRE),
	    "adj-rib-in-pre");
}

static void
test_each_type(void **state)
{
	struct buf b = { .n = 0 };
	struct bmp_msg m;
	char s[IPADDR_STRLEN];

	(void)state;
	m_init(&b);
	assert_null(decode(&b, &m));
	assert_false(m.has_peer);
	assert_int_equal(m.sys_descr.len, 5);
	assert_memory_equal(m.sys_descr.p, "GoBGP", 5);
	assert_int_equal(m.sys_name.len, 2);
	assert_memory_equal(m.sys_name.p, "r1", 2);

	b.n = 0;
	m_term(&b, 3);
	assert_null(decode(&b, &m));
	assert_true(m.has_term_reason);
	assert_int_equal(m.term_reason, 3);

	b.n = 0;
	m_peer_up(&b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 40000);
	assert_null(decode(&b, &m));
	assert_string_equal(ipaddr_fmt(&m.local_addr, s, sizeof(s)),
	    "192.0.2.1");
	assert_int_equal(m.local_port, 179);
	assert_int_equal(m.remote_port, 40000);
	assert_int_equal(m.sent_open.len, 19 + 10 + 8);
	assert_int_equal(m.sent_open.p[19 + 1], 65000 >> 8);
	assert_int_equal(m.recv_open.len, 19 + 10 + 8);
	assert_int_equal(m.recv_open.p[19 + 2], 65001 & 0xff);
	assert_int_equal(m.tlvs.len, 6);

	b.n = 0;
	m_peer_up(&b, 0, BMP_F_V, "2001:db8::9", 65001, "2001:db8::1", 179,
	    1);
	assert_null(decode(&b, &m));
	assert_string_equal(ipaddr_fmt(&m.local_addr, s, sizeof(s)),
	    "2001:db8::1");

	b.n = 0;
	m_peer_down_notif(&b, "192.0.2.9", 65001, 3, 6, 2);
	assert_null(decode(&b, &m));
	assert_int_equal(m.down_reason, 3);
	assert_int_equal(m.notif_code, 6);
	assert_int_equal(m.notif_subcode, 2);
	assert_int_equal(m.notification.len, 21);

	b.n = 0;
	m_stats(&b, "192.0.2.9");
	assert_null(decode(&b, &m));
	assert_int_equal(m.nstats, 3);
	assert_int_equal(m.stat_type[0], 0);
	assert_true(m.stat_value[0] == 7);
	assert_int_equal(m.stat_type[1], 7);
	assert_true(m.stat_value[1] == 0x100000002ULL);
	assert_int_equal(m.stat_type[2], 9);
	assert_true(m.stat_value[2] == 42);

	b.n = 0;
	m_mirror(&b, "192.0.2.9", "10.9.0.0/16");
	assert_null(decode(&b, &m));
	assert_int_equal(m.mirror.len, b.n - 48);
}

static void
test_peer_down_reasons(void **state)
{
	struct buf b, body;
	struct bmp_msg m;
	unsigned r;

	(void)state;
	for (r = 1; r <= 6; r++) {
		uint8_t nb[2] = { 4, 0 };

		b.n = body.n = 0;
		b_peer(&body, r == 6 ? 3 : 0, 0, 0, "192.0.2.9", 65001, 0, 0);
		b_u8(&body, r);
		if (r == 1 || r == 3)
			b_bgp(&body, 3, nb, 2);
		if (r == 2)
			b_u16(&body, 24);
		if (r == 6)
			b_tlv(&body, 0, "vrf", 3);
		b_bmp(&b, BMP_PEER_DOWN, &body);
		if (decode(&b, &m) != NULL)
			fail_msg("reason %u: %s", r, m.why);
		assert_int_equal(m.down_reason, r);
		if (r == 2)
			assert_int_equal(m.fsm_event, 24);
		if (r == 1 || r == 3)
			assert_int_equal(m.notif_code, 4);
	}
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_u8(&body, 7);
	b_bmp(&b, BMP_PEER_DOWN, &body);
	assert_string_equal(decode(&b, &m), "BMP Peer Down: reason 7 unknown "
	    "(RFC 7854 4.9: 1-5, RFC 9069: 6)");
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_u8(&body, 2);
	b_u8(&body, 0);
	b_bmp(&b, BMP_PEER_DOWN, &body);
	assert_string_equal(decode(&b, &m),
	    "BMP Peer Down: FSM event code cut (reason 2)");
}

/* Header refusals: each names the field and the rule. */
static void
test_header_refusals(void **state)
{
	struct bmp_msg m;
	uint8_t h[6] = { 3, 0, 0, 0, 6, 4 };

	(void)state;
	assert_null(bmp_header(h, 6, &m));
	h[0] = 1;
	assert_string_equal(bmp_header(h, 6, &m), "BMP common header: "
	    "version 1 unsupported (BMP v3, RFC 7854, only)");
	h[0] = 2;
	assert_string_equal(bmp_header(h, 6, &m), "BMP common header: "
	    "version 2 unsupported (BMP v3, RFC 7854, only)");
	h[0] = 4;
	assert_string_equal(bmp_header(h, 6, &m),
	    "BMP common header: version 4, want 3");
	h[0] = 3;
	h[5] = 7;
	assert_string_equal(bmp_header(h, 6, &m), "BMP common header: "
	    "message type 7 unknown (RFC 7854 4.1: 0-6)");
	h[5] = 0;
	assert_string_equal(bmp_header(h, 6, &m), "BMP common header: "
	    "length 6 under the 67 octets of a Route Monitoring");
	h[1] = 0x10;
	assert_string_equal(bmp_header(h, 6, &m), "BMP common header: "
	    "length 268435462 over the 262144 octet cap");
	assert_string_equal(bmp_header(h, 3, &m),
	    "BMP common header: cut (3 of 6 octets)");
}

/* Body refusals, one per rule. */
static void
test_body_refusals(void **state)
{
	struct buf b, body, u;
	struct bmp_msg m;

	(void)state;
	/* peer type 4 */
	b.n = 0;
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	b.b[6] = 4;
	assert_string_equal(decode(&b, &m), "BMP per-peer header: peer type "
	    "4 unknown (RFC 7854 4.2: 0-2, RFC 9069: 3)");
	/* microseconds */
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 1, 1000000);
	b_rm_update(&body, "10.0.0.0/8", 4, 1);
	b_bmp(&b, 0, &body);
	assert_string_equal(decode(&b, &m), "BMP per-peer header: timestamp "
	    "microseconds 1000000 over 999999");
	/* BGP marker */
	b.n = 0;
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	b.b[50] = 0;
	assert_string_equal(decode(&b, &m),
	    "BMP Route Monitoring: BGP marker not all ones");
	/* not an UPDATE */
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_bgp(&body, 4, NULL, 0);
	b_bmp(&b, 0, &body);
	assert_string_equal(decode(&b, &m), "BMP Route Monitoring: BGP "
	    "message type 4 (KEEPALIVE), want UPDATE");
	/* trailing bytes after the UPDATE */
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_rm_update(&body, "10.0.0.0/8", 4, 1);
	b_u8(&body, 0);
	b_bmp(&b, 0, &body);
	assert_string_equal(decode(&b, &m), "BMP Route Monitoring: 1 octets "
	    "after the BGP UPDATE (one PDU a message, RFC 7854 4.6)");
	/* BGP length past the message */
	b.n = 0;
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	b.b[48 + 17] = (uint8_t)(b.b[48 + 17] + 1);
	assert_non_null(strstr(decode(&b, &m), "BMP Route Monitoring: BGP "
	    "length"));
	/* message length != bytes given */
	b.n = 0;
	m_init(&b);
	assert_string_equal(bmp_decode(b.b, b.n - 1, &m), "BMP common header: "
	    "length 21, message 20 octets");
	/* Initiation TLV cut */
	b.n = body.n = 0;
	b_u16(&body, 2);
	b_u16(&body, 10);
	b_bytes(&body, "r1", 2);
	b_bmp(&b, BMP_INITIATION, &body);
	assert_string_equal(decode(&b, &m), "BMP Initiation: TLV 1 cut (6 "
	    "octets left, a TLV needs 4 and its length)");
	/* Termination reason length */
	b.n = body.n = 0;
	b_tlv(&body, 1, "abc", 3);
	b_bmp(&b, BMP_TERMINATION, &body);
	assert_string_equal(decode(&b, &m),
	    "BMP Termination: reason TLV length 3, want 2");
	/* Statistics: a counter cut, bytes after the stated counters */
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_u32(&body, 2);
	b_u16(&body, 0);
	b_u16(&body, 4);
	b_u32(&body, 1);
	b_bmp(&b, BMP_STATISTICS, &body);
	assert_string_equal(decode(&b, &m), "BMP Statistics Report: counter 2 "
	    "of the 2 stated cut");
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_u32(&body, 0);
	b_u8(&body, 9);
	b_bmp(&b, BMP_STATISTICS, &body);
	assert_string_equal(decode(&b, &m), "BMP Statistics Report: 1 octets "
	    "after the 0 counters stated");
	/* Peer Up: received OPEN not an OPEN; a TLV cut */
	b.n = 0;
	m_peer_up(&b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 1);
	b.b[6 + 42 + 20 + 37 + 18] = 4;
	assert_string_equal(decode(&b, &m), "BMP Peer Up: received OPEN: BGP "
	    "message type 4 (KEEPALIVE), want OPEN");
	b.n = 0;
	m_peer_up(&b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 1);
	b.b[b.n - 3] = 9;
	assert_string_equal(decode(&b, &m), "BMP Peer Up: information: TLV 1 "
	    "cut (6 octets left, a TLV needs 4 and its length)");
	/* Peer Down NOTIFICATION cut */
	b.n = 0;
	m_peer_down_notif(&b, "192.0.2.9", 65001, 1, 6, 2);
	b.b[6 + 42 + 1 + 17] = 30;
	assert_string_equal(decode(&b, &m), "BMP Peer Down: NOTIFICATION: BGP "
	    "length 30 over the 21 octets left");
	/* Route Mirroring: BGP TLV with a shorter PDU; information length */
	b.n = body.n = u.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_bgp(&u, 4, NULL, 0);
	b_u8(&u, 0);
	b_tlv(&body, 0, u.b, u.n);
	b_bmp(&b, BMP_ROUTE_MIRRORING, &body);
	assert_string_equal(decode(&b, &m), "BMP Route Mirroring: BGP message "
	    "TLV length 20, its BGP length 19");
	b.n = body.n = 0;
	b_peer(&body, 0, 0, 0, "192.0.2.9", 65001, 0, 0);
	b_tlv(&body, 1, "x", 1);
	b_bmp(&b, BMP_ROUTE_MIRRORING, &body);
	assert_string_equal(decode(&b, &m), "BMP Route Mirroring: information "
	    "TLV length 1, want 2");
}

/* ---- streams ---- */

#define MAXEV	256

struct ev {
	int		 kind;		/* 'r' route, 's' session */
	int		 event;
	uint8_t		 view;
	char		 src[IPADDR_STRLEN], dst[IPADDR_STRLEN];
	uint16_t	 sport, dport;
	uint32_t	 peer_as, origin_as;
	uint8_t		 plen;
	long		 ts_sec, ts_usec;
	uint64_t	 pkt_num;
	char		 reason[128];
};

static struct ev evs[MAXEV];
static int nev;

static void
rec_ctx(struct ev *e, const struct bgp_msg_ctx *ctx)
{
	e->view = ctx->view;
	ipaddr_fmt(&ctx->src_addr, e->src, sizeof(e->src));
	ipaddr_fmt(&ctx->dst_addr, e->dst, sizeof(e->dst));
	e->sport = ctx->src_port;
	e->dport = ctx->dst_port;
	e->peer_as = ctx->peer_as;
	if (ctx->pkt != NULL) {
		e->ts_sec = (long)ctx->pkt->ts.tv_sec;
		e->ts_usec = (long)ctx->pkt->ts.tv_usec;
		e->pkt_num = ctx->pkt->num;
	}
}

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
	e->plen = r->prefix.len;
	e->origin_as = r->event == BGP_ROUTE_ANNOUNCE ? a->origin_as : 0;
	rec_ctx(e, ctx);
}

static void
rec_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct ev *e;

	(void)arg;
	if (si->event == BGP_SESS_MIDSTREAM || nev >= MAXEV)
		return;
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 's';
	e->event = (int)si->event;
	if (si->reason != NULL)
		snprintf(e->reason, sizeof(e->reason), "%s", si->reason);
	rec_ctx(e, ctx);
}

static const struct bgp_sink sink = { rec_route, rec_session, NULL, NULL };

static int
count(int kind, int event)
{
	int i, n = 0;

	for (i = 0; i < nev; i++)
		if (evs[i].kind == kind && evs[i].event == event)
			n++;
	return n;
}

static const struct ev *
find(int kind, int event, unsigned view)
{
	int i;

	for (i = 0; i < nev; i++)
		if (evs[i].kind == kind && evs[i].event == event &&
		    evs[i].view == view)
			return &evs[i];
	return NULL;
}

/*
 * A small connection: Initiation, Peer Up, RM pre-policy (ts 0), RM
 * post-policy, RM Adj-RIB-Out, RM Loc-RIB, Statistics, Route Mirroring,
 * Peer Down (remote NOTIFICATION 6/2), Termination.  starts[] gets each
 * message's offset.
 */
static size_t
b_conn(struct buf *b, size_t *starts, unsigned *types)
{
	size_t k = 0;

#define MARK(t) (starts[k] = b->n, types[k++] = (t))
	MARK(BMP_INITIATION);
	m_init(b);
	MARK(BMP_PEER_UP);
	m_peer_up(b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 40000);
	MARK(BMP_ROUTE_MONITORING);
	m_rm(b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	MARK(BMP_ROUTE_MONITORING);
	m_rm(b, 0, BMP_F_L | BMP_F_A, "192.0.2.9", 65001, "10.1.0.0/16",
	    1700000000);
	MARK(BMP_ROUTE_MONITORING);
	m_rm(b, 0, BMP_F_O, "192.0.2.9", 65001, "10.2.0.0/16", 0);
	MARK(BMP_ROUTE_MONITORING);
	m_rm(b, 3, 0, "0.0.0.0", 65000, "10.3.0.0/16", 0);
	MARK(BMP_STATISTICS);
	m_stats(b, "192.0.2.9");
	MARK(BMP_ROUTE_MIRRORING);
	m_mirror(b, "192.0.2.9", "10.4.0.0/16");
	MARK(BMP_PEER_DOWN);
	m_peer_down_notif(b, "192.0.2.9", 65001, 3, 6, 2);
	MARK(BMP_TERMINATION);
	m_term(b, 0);
#undef MARK
	return k;
}

static struct packet
pkt_at(uint64_t num)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	p.num = num;
	p.ts.tv_sec = 1000;
	return p;
}

static void
test_stream_sessions(void **state)
{
	static struct buf b;
	size_t starts[16];
	unsigned types[16];
	struct feed_table *t = feed_table_new(&sink);
	struct ipaddr router;
	struct bmp_stream *s;
	struct packet p = pkt_at(7);
	const struct bmp_stream_stats *st;
	const struct ev *e;

	(void)state;
	nev = 0;
	b.n = 0;
	b_conn(&b, starts, types);
	assert_int_equal(ipaddr_parse("198.51.100.1", &router), 0);
	assert_non_null(s = bmp_stream_new(t, 1, &router));
	/* up to the Peer Down: routes of every view, sessions up */
	bmp_stream_data(s, b.b, starts[8], &p);
	assert_int_equal(count('r', BGP_ROUTE_ANNOUNCE), 5);
	assert_int_equal(feed_table_count(t), 5);

	e = find('r', BGP_ROUTE_ANNOUNCE, BGP_VIEW_ADJ_IN_PRE);
	assert_non_null(e);
	assert_string_equal(e->src, "192.0.2.9");	/* peer -> local */
	assert_string_equal(e->dst, "192.0.2.1");
	assert_int_equal(e->sport, 40000);
	assert_int_equal(e->dport, 179);
	assert_int_equal(e->peer_as, 65001);
	assert_int_equal(e->plen, 8);
	assert_int_equal(e->origin_as, 64500);
	assert_int_equal(e->ts_sec, 1000);	/* timestamp 0: the frame's */
	assert_int_equal(e->pkt_num, 7);

	/* A flag: a 2-octet path read as one */
	e = find('r', BGP_ROUTE_ANNOUNCE, BGP_VIEW_ADJ_IN_POST);
	assert_non_null(e);
	assert_int_equal(e->origin_as, 64500);
	assert_int_equal(e->ts_sec, 1700000000);	/* the header's */
	assert_int_equal(e->ts_usec, 250000);

	/* Adj-RIB-Out: local -> peer, the sender the router (AS 65000,
	 * from the sent OPEN) */
	e = find('r', BGP_ROUTE_ANNOUNCE, BGP_VIEW_ADJ_OUT_PRE);
	assert_non_null(e);
	assert_string_equal(e->src, "192.0.2.1");
	assert_string_equal(e->dst, "192.0.2.9");
	assert_int_equal(e->sport, 179);
	assert_int_equal(e->peer_as, 65000);

	/* Loc-RIB: the router's own table */
	e = find('r', BGP_ROUTE_ANNOUNCE, BGP_VIEW_LOC_RIB);
	assert_non_null(e);
	assert_string_equal(e->src, "198.51.100.1");
	assert_int_equal(e->peer_as, 65000);

	/* Route Mirroring: the wire */
	e = find('r', BGP_ROUTE_ANNOUNCE, BGP_VIEW_WIRE);
	assert_non_null(e);
	assert_int_equal(e->origin_as, 64501);
	assert_string_equal(e->src, "192.0.2.9");

	/* the replayed OPENs: both directions of each of the 4 peer views */
	assert_int_equal(count('s', BGP_SESS_OPEN), 8);

	/* Peer Down: every view of the peer down with the reason, after
	 * the NOTIFICATION; Loc-RIB (the router's) stays */
	bmp_stream_data(s, b.b + starts[8], starts[9] - starts[8], &p);
	assert_int_equal(count('s', BGP_SESS_NOTIFICATION), 4);
	assert_int_equal(count('s', BGP_SESS_DOWN), 4);
	e = find('s', BGP_SESS_DOWN, BGP_VIEW_ADJ_IN_PRE);
	assert_non_null(e);
	assert_string_equal(e->reason,
	    "BMP Peer Down: remote closed with NOTIFICATION 6/2");
	assert_int_equal(feed_table_count(t), 1);

	/* Termination: Loc-RIB ends as at a capture end */
	bmp_stream_data(s, b.b + starts[9], b.n - starts[9], &p);
	assert_int_equal(count('s', BGP_SESS_CAPTURE_END), 1);
	assert_int_equal(count('s', BGP_SESS_DOWN), 4);
	assert_int_equal(feed_table_count(t), 0);

	st = bmp_stream_stats(s);
	assert_true(st->msgs[BMP_ROUTE_MONITORING] == 4);
	assert_true(st->msgs[BMP_ROUTE_MIRRORING] == 1);
	assert_true(st->stat_counters == 3);
	assert_true(st->peer_ups == 1 && st->peer_downs == 1);
	assert_true(st->refused == 0 && st->skipped == 0 &&
	    st->bgp_refused == 0);
	bmp_stream_free(s);
	feed_table_free(t, NULL);
}

/* The connection's end: sessions end as at a capture end; a cut message
 * counted. */
static void
test_stream_close(void **state)
{
	static struct buf b, rm;
	struct feed_table *t = feed_table_new(&sink);
	struct bmp_stream *s;
	struct packet p = pkt_at(3);

	(void)state;
	nev = 0;
	b.n = 0;
	rm.n = 0;
	m_rm(&rm, 0, 0, "192.0.2.9", 65001, "10.1.0.0/16", 0);
	m_init(&b);
	m_peer_up(&b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 40000);
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.1.0.0/16", 0);
	assert_non_null(s = bmp_stream_new(t, 2, NULL));
	bmp_stream_data(s, b.b, b.n - 5, &p);
	assert_int_equal(count('r', BGP_ROUTE_ANNOUNCE), 1);
	bmp_stream_close(s, "TCP FIN", &p);
	assert_int_equal(count('s', BGP_SESS_CAPTURE_END), 1);
	assert_int_equal(count('s', BGP_SESS_DOWN), 0);
	/* the second RM less its last 5 bytes */
	assert_true(bmp_stream_stats(s)->cut_at_end == rm.n - 5);
	bmp_stream_free(s);
	feed_table_free(t, NULL);
}

/*
 * Mid-stream starts: from every cut point of the connection, in chunks
 * of 1 to 7 bytes, every message that starts at or after the cut is
 * decoded and nothing before it; bytes skipped = the cut's distance to
 * the next message.
 */
static void
test_resync_every_cut(void **state)
{
	static struct buf b;
	size_t starts[16], k, cut, i, n, first;
	unsigned types[16], want[8], ty;
	struct packet p = pkt_at(1);

	(void)state;
	b.n = 0;
	k = b_conn(&b, starts, types);
	for (cut = 0; cut < b.n; cut++) {
		struct feed_table *t = feed_table_new(&sink);
		struct bmp_stream *s = bmp_stream_new(t, 9, NULL);
		const struct bmp_stream_stats *st;

		nev = 0;
		memset(want, 0, sizeof(want));
		for (first = 0; first < k && starts[first] < cut; first++)
			;
		for (i = first; i < k; i++)
			want[types[i]]++;
		for (i = cut, n = 1; i < b.n; i += n, n = n % 7 + 1)
			bmp_stream_data(s, b.b + i, i + n > b.n ? b.n - i : n,
			    &p);
		bmp_stream_close(s, "end", &p);
		st = bmp_stream_stats(s);
		for (ty = 0; ty <= BMP_TYPE_MAX; ty++)
			if (st->msgs[ty] != want[ty])
				fail_msg("cut %zu: %s %llu, want %u", cut,
				    bmp_type_name(ty),
				    (unsigned long long)st->msgs[ty],
				    want[ty]);
		if (st->skipped != (first < k ? starts[first] : b.n) - cut)
			fail_msg("cut %zu: skipped %llu, want %zu", cut,
			    (unsigned long long)st->skipped,
			    (first < k ? starts[first] : b.n) - cut);
		if (st->refused != 0)
			fail_msg("cut %zu: %llu refused (%02x %02x %02x, "
			    "stream %zu)", cut,
			    (unsigned long long)st->refused, b.b[cut],
			    b.b[cut + 1], b.b[cut + 2], b.n);
		bmp_stream_free(s);
		feed_table_free(t, NULL);
	}
}

/* A gap: the message it hit is lost, the stream resynchronises on the
 * next boundary; old versions are refused and counted. */
static void
test_gap_and_old_version(void **state)
{
	static struct buf b;
	size_t starts[16];
	unsigned types[16];
	struct feed_table *t = feed_table_new(&sink);
	struct bmp_stream *s = bmp_stream_new(t, 4, NULL);
	struct packet p = pkt_at(1);
	const struct bmp_stream_stats *st;
	uint8_t v1[6] = { 1, 0, 0, 0, 0, 0 };

	(void)state;
	nev = 0;
	b.n = 0;
	b_conn(&b, starts, types);
	/* up to the middle of the first RM; gap of its rest + 10 bytes */
	bmp_stream_data(s, b.b, starts[2] + 30, &p);
	bmp_stream_gap(s, starts[3] - starts[2] - 30 + 10, &p);
	bmp_stream_data(s, b.b + starts[3] + 10, b.n - starts[3] - 10, &p);
	st = bmp_stream_stats(s);
	/* the post-policy RM was hit by the gap too; from the
	 * Adj-RIB-Out RM on everything */
	assert_true(st->msgs[BMP_ROUTE_MONITORING] == 2);
	assert_true(st->msgs[BMP_TERMINATION] == 1);
	assert_true(st->resyncs == 1);
	assert_true(st->gap_bytes == starts[3] - starts[2] - 30 + 10);
	bmp_stream_free(s);
	feed_table_free(t, NULL);

	/* a v1 header in sync: refused, counted, then hunting */
	t = feed_table_new(&sink);
	s = bmp_stream_new(t, 5, NULL);
	b.n = 0;
	m_init(&b);
	m_init(&b);
	b_bytes(&b, v1, sizeof(v1));
	m_init(&b);
	m_term(&b, 0);
	bmp_stream_data(s, b.b, b.n, &p);
	bmp_stream_close(s, "end", &p);
	st = bmp_stream_stats(s);
	assert_true(st->old_version == 1);
	assert_true(st->refused == 1);
	assert_true(st->msgs[BMP_INITIATION] == 3);
	assert_true(st->msgs[BMP_TERMINATION] == 1);
	assert_true(st->skipped == 6);
	bmp_stream_free(s);
	feed_table_free(t, NULL);

	/* a v1/v2 router: its stream refused, counted */
	t = feed_table_new(&sink);
	s = bmp_stream_new(t, 6, NULL);
	b.n = 0;
	while (b.n < 5000) {
		/* v2 Route Monitoring: version, type, peer type, ... */
		b_u8(&b, 2);
		b_u8(&b, 0);
		b_u8(&b, 0);
		b_bytes(&b, "\x11\x22\x33\x44\x55\x66\x77", 7);
	}
	bmp_stream_data(s, b.b, b.n, &p);
	bmp_stream_close(s, "end", &p);
	st = bmp_stream_stats(s);
	assert_true(st->old_version == 1);
	assert_true(st->refused == 1);
	bmp_stream_free(s);
	feed_table_free(t, NULL);
}

/* A Peer Up for a peer whose sessions are up: they went down unseen. */
static void
test_peer_up_again(void **state)
{
	static struct buf b;
	struct feed_table *t = feed_table_new(&sink);
	struct bmp_stream *s = bmp_stream_new(t, 6, NULL);
	struct packet p = pkt_at(1);
	const struct ev *e;

	(void)state;
	nev = 0;
	b.n = 0;
	m_init(&b);
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	m_peer_up(&b, 0, 0, "192.0.2.9", 65001, "192.0.2.1", 179, 40000);
	m_rm(&b, 0, 0, "192.0.2.9", 65001, "10.0.0.0/8", 0);
	bmp_stream_data(s, b.b, b.n, &p);
	/* the first route's session had no Peer Up: ports 0 */
	assert_int_equal(evs[0].kind, 'r');
	assert_int_equal(evs[0].sport, 0);
	e = find('s', BGP_SESS_DOWN, BGP_VIEW_ADJ_IN_PRE);
	assert_non_null(e);
	assert_string_equal(e->reason, "BMP Peer Up: a new session of a peer "
	    "still up (its Peer Down not seen)");
	assert_int_equal(count('r', BGP_ROUTE_ANNOUNCE), 2);
	assert_int_equal(evs[nev - 1].sport, 40000);
	bmp_stream_free(s);
	feed_table_free(t, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_header_fields),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_each_type),
		cmocka_unit_test(test_peer_down_reasons),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_body_refusals),
		cmocka_unit_test(test_stream_sessions),
		cmocka_unit_test(test_stream_close),
		cmocka_unit_test(test_resync_every_cut),
		cmocka_unit_test(test_gap_and_old_version),
		cmocka_unit_test(test_peer_up_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
