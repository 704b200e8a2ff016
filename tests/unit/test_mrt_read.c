/*
 * test_mrt_read.c - MRT records (RFC 6396, RFC 8050) built here byte by
 * byte, read by feed/mrt_read.c into feed sessions whose sink records
 * every route and session event: the decoded prefixes, path ids, ASes,
 * times, record numbers and session ends; truncated files; skipped
 * kinds; and base/zread.c on multi-member gzip and bzip2 and cut
 * streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <cmocka.h>
#include <zlib.h>

#include "base/stats.h"
#include "base/zread.h"
#include "feed/feed_session.h"
#include "feed/mrt.h"
#include "feed/mrt_read.h"
#include "builders.h"

#define MAXEV	64

struct ev {
	int		 kind;		/* 'r' route, 's' session */
	int		 event;
	char		 pfx[PREFIX_STRLEN];
	char		 src[IPADDR_STRLEN], dst[IPADDR_STRLEN];
	char		 nh[IPADDR_STRLEN];
	uint16_t	 afi;
	bool		 has_path_id;
	uint32_t	 path_id, origin_as, peer_as, nasn;
	uint64_t	 pkt_num;
	long		 ts_sec, ts_usec;
	const char	*reason;
};

static struct ev evs[MAXEV];
static int nev;

static void
fill_ctx(struct ev *e, const struct bgp_msg_ctx *ctx)
{
	ipaddr_fmt(&ctx->src_addr, e->src, sizeof(e->src));
	ipaddr_fmt(&ctx->dst_addr, e->dst, sizeof(e->dst));
	e->peer_as = ctx->peer_as;
	if (ctx->pkt != NULL) {
		e->pkt_num = ctx->pkt->num;
		e->ts_sec = (long)ctx->pkt->ts.tv_sec;
		e->ts_usec = (long)ctx->pkt->ts.tv_usec;
	}
}

static void
on_route(void *arg, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *a,
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
	fill_ctx(e, ctx);
	prefix_fmt(&r->prefix, e->pfx, sizeof(e->pfx));
	e->afi = r->afi;
	e->has_path_id = r->has_path_id;
	e->path_id = r->path_id;
	if (a != NULL && r->event == BGP_ROUTE_ANNOUNCE) {
		e->origin_as = a->origin_as;
		e->nasn = a->aspath.nasn;
		if (a->next_hop.family != 0)
			ipaddr_fmt(&a->next_hop, e->nh, sizeof(e->nh));
	}
}

static void
on_session(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct ev *e;

	(void)arg;
	if (nev >= MAXEV || si->event == BGP_SESS_MIDSTREAM)
		return;
	e = &evs[nev++];
	memset(e, 0, sizeof(*e));
	e->kind = 's';
	e->event = (int)si->event;
	fill_ctx(e, ctx);
	e->reason = si->reason;
}

static struct bgp_sink sink = { on_route, on_session, NULL, NULL };
static struct feed_table *table;
static struct mrt_read *reader;

static int
setup(void **state)
{
	(void)state;
	nev = 0;
	stats_reset();
	table = feed_table_new(&sink);
	reader = mrt_read_new(table, "t.mrt");
	return table != NULL && reader != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	mrt_read_free(reader);
	feed_table_free(table, NULL);
	return 0;
}

/* ---- building records ---- */

/* A whole BGP message: marker, length, type, body. */
static void
bgp_msg(struct buf *out, unsigned type, const struct buf *body)
{
	uint8_t ff[16];

	memset(ff, 0xff, sizeof(ff));
	b_bytes(out, ff, sizeof(ff));
	b_u16(out, 19 + (unsigned)body->n);
	b_u8(out, type);
	b_bytes(out, body->b, body->n);
}

/* One MRT record: the common header (RFC 6396 2) and body, appended. */
static void
mrt_rec(struct buf *out, uint32_t ts, unsigned type, unsigned sub,
    const struct buf *body)
{
	b_u32(out, ts);
	b_u16(out, type);
	b_u16(out, sub);
	b_u32(out, (uint32_t)body->n);
	b_bytes(out, body->b, body->n);
}

static void
addr(struct buf *b, const char *text)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(text, &a), 0);
	b_bytes(b, a.a, a.family == ADDR_V4 ? 4 : 16);
}

/*
 * BGP4MP MESSAGE/STATE_CHANGE header (RFC 6396 4.4.1, 4.4.2): peer AS,
 * local AS (2 or 4 octets), interface index, AFI, peer and local address.
 */
static void
bgp4mp_hdr(struct buf *b, bool as4, uint32_t pas, uint32_t las,
    const char *peer, const char *local)
{
	if (as4) {
		b_u32(b, pas);
		b_u32(b, las);
	} else {
		b_u16(b, pas);
		b_u16(b, las);
	}
	b_u16(b, 0);
	b_u16(b, strchr(peer, ':') != NULL ? MRT_AFI_IPV6 : MRT_AFI_IPV4);
	addr(b, peer);
	addr(b, local);
}

/* An UPDATE announcing pfx (IPv4, path id if >= 0) with path w-octet
 * AS_PATH [65001 origin]. */
static void
update4(struct buf *msg, const char *pfx, long pathid, int w, uint32_t origin)
{
	struct buf at = { .n = 0 }, path = { .n = 0 }, nlri = { .n = 0 };
	struct buf u = { .n = 0 };

	b_origin(&at, 0);
	b_seg(&path, 2, w, 2, (uint32_t)65001, origin);
	b_attr(&at, 0x40, 2, path.b, path.n);
	b_nexthop(&at, "192.0.2.1");
	b_pfx(&nlri, pfx, pathid);
	b_update(&u, NULL, &at, &nlri);
	bgp_msg(msg, 2, &u);
}

/* Feed every record of file to the reader. */
static void
feed(const struct buf *file)
{
	struct mrt_record rec;
	const char *why = NULL;
	size_t off = 0;
	uint64_t num = 0;
	long n;

	while (off < file->n) {
		n = mrt_record_cut(file->b + off, file->n - off, ++num, &rec,
		    &why);
		assert_true(n > 0);
		mrt_read_record(reader, &rec);
		off += (size_t)n;
	}
}

/* ---- BGP4MP ---- */

static void
t_message_as4(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&body, true, 4200000001u, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.0.0.0/8", -1, 4, 4200000002u);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &body);
	feed(&f);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].event, BGP_ROUTE_ANNOUNCE);
	assert_string_equal(evs[0].pfx, "10.0.0.0/8");
	assert_int_equal(evs[0].origin_as, 4200000002u);
	assert_int_equal(evs[0].peer_as, 4200000001u);
	assert_string_equal(evs[0].src, "192.0.2.9");
	assert_string_equal(evs[0].dst, "192.0.2.10");
	assert_int_equal(evs[0].pkt_num, 1);
	assert_int_equal(evs[0].ts_sec, 1700000000);
	assert_int_equal(evs[0].ts_usec, 0);
	assert_int_equal(stats.mrt_records, 1);
}

/* MESSAGE (subtype 1) states 2-octet ASes: the path is read so. */
static void
t_message_as2(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&body, false, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.1.0.0/16", -1, 2, 64999);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE, &body);
	feed(&f);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].origin_as, 64999);
	assert_int_equal(evs[0].nasn, 2);
	assert_int_equal(evs[0].peer_as, 65001);
}

/* BGP4MP_ET: the microseconds before the message (RFC 6396 3). */
static void
t_et_usec(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 };

	(void)state;
	b_u32(&body, 123456);
	bgp4mp_hdr(&body, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.2.0.0/16", -1, 4, 65002);
	mrt_rec(&f, 1700000001, MRT_BGP4MP_ET, MRT_BGP4MP_MESSAGE_AS4, &body);
	feed(&f);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].ts_sec, 1700000001);
	assert_int_equal(evs[0].ts_usec, 123456);
	assert_string_equal(evs[0].pfx, "10.2.0.0/16");
}

/* *_LOCAL: what the local end sent, same session key, other direction. */
static void
t_local(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 }, b2 = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&body, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.3.0.0/16", -1, 4, 65002);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4_LOCAL,
	    &body);
	bgp4mp_hdr(&b2, false, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&b2, "10.4.0.0/16", -1, 2, 65003);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_LOCAL, &b2);
	feed(&f);
	assert_int_equal(nev, 2);
	assert_string_equal(evs[0].src, "192.0.2.10");
	assert_string_equal(evs[0].dst, "192.0.2.9");
	assert_int_equal(evs[0].origin_as, 65002);
	assert_string_equal(evs[1].src, "192.0.2.10");
	assert_int_equal(evs[1].origin_as, 65003);
	assert_int_equal(evs[1].pkt_num, 2);
	/* the same key (addresses and ASes): one session */
	assert_int_equal(feed_table_count(table), 1);
}

/* RFC 8050 ADDPATH subtypes: path ids in IPv4 NLRI and MP_REACH_NLRI. */
static void
t_addpath(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 }, b6 = { .n = 0 };
	struct buf at = { .n = 0 }, path = { .n = 0 }, nlri = { .n = 0 };
	struct buf u = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&body, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.5.0.0/16", 7, 4, 65002);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4_ADDPATH,
	    &body);
	b_origin(&at, 0);
	b_seg(&path, 2, 4, 2, (uint32_t)65001, (uint32_t)65006);
	b_attr(&at, 0x40, 2, path.b, path.n);
	b_pfx(&nlri, "2001:db8:5::/48", 9);
	b_mp_reach(&at, 2, 1, "2001:db8::1", NULL, &nlri);
	b_update(&u, NULL, &at, NULL);
	bgp4mp_hdr(&b6, true, 65001, 65000, "2001:db8::9", "2001:db8::10");
	bgp_msg(&b6, 2, &u);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4_ADDPATH,
	    &b6);
	feed(&f);
	assert_int_equal(nev, 2);
	assert_true(evs[0].has_path_id);
	assert_int_equal(evs[0].path_id, 7);
	assert_string_equal(evs[0].pfx, "10.5.0.0/16");
	assert_true(evs[1].has_path_id);
	assert_int_equal(evs[1].path_id, 9);
	assert_string_equal(evs[1].pfx, "2001:db8:5::/48");
	assert_int_equal(evs[1].afi, 2);
	assert_string_equal(evs[1].nh, "2001:db8::1");
}

/* STATE_CHANGE out of Established ends the key's session; OpenSent ->
 * OpenConfirm on the way up and into Established do not. */
static void
t_state_change(void **state)
{
	struct buf f = { .n = 0 }, b1 = { .n = 0 }, b2 = { .n = 0 };
	struct buf b3 = { .n = 0 }, b4 = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&b1, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	b_u16(&b1, MRT_STATE_OPENSENT);
	b_u16(&b1, MRT_STATE_OPENCONFIRM);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_STATE_CHANGE_AS4, &b1);
	bgp4mp_hdr(&b2, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&b2, "10.6.0.0/16", -1, 4, 65002);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &b2);
	bgp4mp_hdr(&b3, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	b_u16(&b3, MRT_STATE_OPENCONFIRM);
	b_u16(&b3, MRT_STATE_ESTABLISHED);
	mrt_rec(&f, 1700000001, MRT_BGP4MP, MRT_BGP4MP_STATE_CHANGE_AS4, &b3);
	bgp4mp_hdr(&b4, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	b_u16(&b4, MRT_STATE_ESTABLISHED);
	b_u16(&b4, MRT_STATE_IDLE);
	mrt_rec(&f, 1700000002, MRT_BGP4MP, MRT_BGP4MP_STATE_CHANGE_AS4, &b4);
	feed(&f);
	assert_int_equal(nev, 2);
	assert_int_equal(evs[0].kind, 'r');
	assert_int_equal(evs[1].kind, 's');
	assert_int_equal(evs[1].event, BGP_SESS_DOWN);
	assert_string_equal(evs[1].reason,
	    "MRT state change: Established -> Idle");
	assert_int_equal(evs[1].pkt_num, 4);
	assert_int_equal(feed_table_count(table), 0);
	assert_int_equal(stats.mrt_state_changes, 3);
}

/* A BGP message whose header is bad: refused, counted, the next read. */
static void
t_refused(void **state)
{
	struct buf f = { .n = 0 }, b1 = { .n = 0 }, b2 = { .n = 0 };

	(void)state;
	bgp4mp_hdr(&b1, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&b1, "10.7.0.0/16", -1, 4, 65002);
	b1.b[20] = 0;		/* the marker's first octet, after the
				 * 20 octets of the BGP4MP_AS4 header */
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &b1);
	bgp4mp_hdr(&b2, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&b2, "10.8.0.0/16", -1, 4, 65002);
	mrt_rec(&f, 1700000000, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &b2);
	stderr_capture_start();
	feed(&f);
	assert_non_null(strstr(stderr_capture_end(), "t.mrt: record 1: BGP "
	    "message refused"));
	assert_int_equal(stats.mrt_refused, 1);
	assert_int_equal(nev, 1);
	assert_string_equal(evs[0].pfx, "10.8.0.0/16");
	assert_int_equal(evs[0].pkt_num, 2);
}

/* ---- TABLE_DUMP_V2 ---- */

/* PEER_INDEX_TABLE (RFC 6396 4.3.1): peer 0 IPv4 AS4, peer 1 IPv6 AS2. */
static void
peer_index(struct buf *f)
{
	struct buf b = { .n = 0 };

	b_u32(&b, 0x0a000001);		/* collector BGP ID */
	b_u16(&b, 4);
	b_bytes(&b, "view", 4);
	b_u16(&b, 2);
	b_u8(&b, 0x02);			/* IPv4, AS4 */
	b_u32(&b, 1);
	addr(&b, "198.51.100.1");
	b_u32(&b, 4200000001u);
	b_u8(&b, 0x01);			/* IPv6, 2-octet AS */
	b_u32(&b, 2);
	addr(&b, "2001:db8::1");
	b_u16(&b, 65010);
	mrt_rec(f, 1600000000, MRT_TABLE_DUMP_V2, MRT_TD2_PEER_INDEX_TABLE,
	    &b);
}

/* One RIB entry: peer index, originated time, [path id], attributes. */
static void
rib_entry(struct buf *b, unsigned idx, uint32_t ts, long pathid,
    const struct buf *at)
{
	b_u16(b, idx);
	b_u32(b, ts);
	if (pathid >= 0)
		b_u32(b, (uint32_t)pathid);
	b_u16(b, (unsigned)at->n);
	b_bytes(b, at->b, at->n);
}

/* Attributes of a RIB entry: AS4 path [peer_as origin], and for IPv6
 * the abbreviated MP_REACH_NLRI (RFC 6396 4.3.4), else NEXT_HOP. */
static void
rib_attrs(struct buf *at, uint32_t peer_as, uint32_t origin, bool v6)
{
	struct buf path = { .n = 0 }, mp = { .n = 0 };

	b_origin(at, 0);
	b_seg(&path, 2, 4, 2, peer_as, origin);
	b_attr(at, 0x40, 2, path.b, path.n);
	if (v6) {
		b_u8(&mp, 16);
		addr(&mp, "2001:db8::1");
		b_attr(at, 0x80, 14, mp.b, mp.n);
	} else
		b_nexthop(at, "198.51.100.1");
}

static void
t_tdv2_ipv4(void **state)
{
	struct buf f = { .n = 0 }, b = { .n = 0 }, at = { .n = 0 };

	(void)state;
	peer_index(&f);
	rib_attrs(&at, 4200000001u, 64500, false);
	b_u32(&b, 0);			/* sequence */
	b_u8(&b, 24);
	b_u8(&b, 192); b_u8(&b, 0); b_u8(&b, 2);
	b_u16(&b, 2);
	rib_entry(&b, 0, 1500000000, -1, &at);
	rib_entry(&b, 5, 1500000001, -1, &at);	/* no such peer */
	mrt_rec(&f, 1600000000, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_UNICAST,
	    &b);
	stderr_capture_start();
	feed(&f);
	assert_non_null(strstr(stderr_capture_end(), "t.mrt: record 2: "));
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].event, BGP_ROUTE_ANNOUNCE);
	assert_string_equal(evs[0].pfx, "192.0.2.0/24");
	assert_int_equal(evs[0].origin_as, 64500);
	assert_int_equal(evs[0].peer_as, 4200000001u);
	assert_string_equal(evs[0].src, "198.51.100.1");
	assert_string_equal(evs[0].dst, "0.0.0.0");
	assert_string_equal(evs[0].nh, "198.51.100.1");
	assert_int_equal(evs[0].ts_sec, 1500000000);
	assert_int_equal(evs[0].pkt_num, 2);
	assert_int_equal(stats.mrt_rib_entries, 2);
	assert_int_equal(stats.mrt_malformed, 1);
}

static void
t_tdv2_ipv6(void **state)
{
	struct buf f = { .n = 0 }, b = { .n = 0 }, at = { .n = 0 };

	(void)state;
	peer_index(&f);
	rib_attrs(&at, 65010, 64501, true);
	b_u32(&b, 0);
	b_u8(&b, 32);
	b_u8(&b, 0x20); b_u8(&b, 0x01); b_u8(&b, 0x0d); b_u8(&b, 0xb8);
	b_u16(&b, 1);
	rib_entry(&b, 1, 1500000002, -1, &at);
	mrt_rec(&f, 1600000000, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_IPV6_UNICAST,
	    &b);
	feed(&f);
	assert_int_equal(nev, 1);
	assert_string_equal(evs[0].pfx, "2001:db8::/32");
	assert_int_equal(evs[0].afi, 2);
	assert_string_equal(evs[0].nh, "2001:db8::1");
	assert_int_equal(evs[0].origin_as, 64501);
	assert_int_equal(evs[0].peer_as, 65010);
	assert_string_equal(evs[0].dst, "::");
	assert_int_equal(evs[0].ts_sec, 1500000002);
	assert_false(evs[0].has_path_id);
}

static void
t_tdv2_addpath(void **state)
{
	struct buf f = { .n = 0 }, b = { .n = 0 }, b6 = { .n = 0 };
	struct buf at = { .n = 0 }, at6 = { .n = 0 };

	(void)state;
	peer_index(&f);
	rib_attrs(&at, 4200000001u, 64500, false);
	b_u32(&b, 0);
	b_u8(&b, 16);
	b_u8(&b, 10); b_u8(&b, 9);
	b_u16(&b, 2);
	rib_entry(&b, 0, 1500000000, 42, &at);
	rib_entry(&b, 0, 1500000003, 43, &at);
	mrt_rec(&f, 1600000000, MRT_TABLE_DUMP_V2,
	    MRT_TD2_RIB_IPV4_UNICAST_ADDPATH, &b);
	rib_attrs(&at6, 65010, 64501, true);
	b_u32(&b6, 1);
	b_u8(&b6, 48);
	b_u8(&b6, 0x20); b_u8(&b6, 0x01); b_u8(&b6, 0x0d); b_u8(&b6, 0xb8);
	b_u8(&b6, 0); b_u8(&b6, 7);
	b_u16(&b6, 1);
	rib_entry(&b6, 1, 1500000004, 44, &at6);
	mrt_rec(&f, 1600000000, MRT_TABLE_DUMP_V2,
	    MRT_TD2_RIB_IPV6_UNICAST_ADDPATH, &b6);
	feed(&f);
	assert_int_equal(nev, 3);
	assert_string_equal(evs[0].pfx, "10.9.0.0/16");
	assert_true(evs[0].has_path_id);
	assert_int_equal(evs[0].path_id, 42);
	assert_int_equal(evs[1].path_id, 43);
	assert_int_equal(evs[1].ts_sec, 1500000003);
	assert_string_equal(evs[2].pfx, "2001:db8:7::/48");
	assert_int_equal(evs[2].path_id, 44);
	assert_int_equal(evs[2].pkt_num, 3);
}

/* RIB entries before any PEER_INDEX_TABLE: malformed, nothing read. */
static void
t_tdv2_no_index(void **state)
{
	struct buf f = { .n = 0 }, b = { .n = 0 }, at = { .n = 0 };

	(void)state;
	rib_attrs(&at, 1, 2, false);
	b_u32(&b, 0);
	b_u8(&b, 8);
	b_u8(&b, 10);
	b_u16(&b, 1);
	rib_entry(&b, 0, 1, -1, &at);
	mrt_rec(&f, 1600000000, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_UNICAST,
	    &b);
	stderr_capture_start();
	feed(&f);
	(void)stderr_capture_end();
	assert_int_equal(nev, 0);
	assert_int_equal(stats.mrt_malformed, 1);
}

/*
 * An entry whose attributes do not fit in one 65,535-octet message: the
 * largest optional attribute (COMMUNITIES here) is left out, the route
 * is announced with its path.
 */
static void
t_tdv2_oversized(void **state)
{
	static uint8_t big[80000];
	struct buf f = { .n = 0 }, at = { .n = 0 }, head = { .n = 0 };
	struct mrt_record rec;
	const char *why = NULL;
	size_t n = 0, comm = 65500, alen;
	long got;

	(void)state;
	peer_index(&f);
	rib_attrs(&at, 4200000001u, 64500, false);
	alen = at.n + 4 + comm;
	/* the record, by hand: the builders' buffers are 8 KiB */
	b_u32(&head, 1600000000);
	b_u16(&head, MRT_TABLE_DUMP_V2);
	b_u16(&head, MRT_TD2_RIB_IPV4_UNICAST);
	b_u32(&head, (uint32_t)(4 + 1 + 1 + 2 + 2 + 4 + 2 + alen));
	b_u32(&head, 0);
	b_u8(&head, 8);
	b_u8(&head, 10);
	b_u16(&head, 1);
	b_u16(&head, 0);
	b_u32(&head, 1500000000);
	b_u16(&head, (unsigned)alen);
	b_bytes(&head, at.b, at.n);
	b_u8(&head, 0xd0);		/* optional transitive extended */
	b_u8(&head, 8);			/* COMMUNITIES */
	b_u16(&head, (unsigned)comm);
	memcpy(big, head.b, head.n);
	n = head.n;
	memset(big + n, 0x01, comm);
	n += comm;
	feed(&f);
	got = mrt_record_cut(big, n, 2, &rec, &why);
	assert_int_equal(got, (long)n);
	mrt_read_record(reader, &rec);
	assert_int_equal(nev, 1);
	assert_string_equal(evs[0].pfx, "10.0.0.0/8");
	assert_int_equal(evs[0].origin_as, 64500);
	assert_int_equal(stats.mrt_attr_dropped, 1);
}

/* ---- TABLE_DUMP (RFC 6396 4.2) ---- */

static void
td1_entry(struct buf *f, bool v6, const char *pfx, unsigned plen,
    const char *peer, unsigned as, uint32_t ts, const struct buf *at)
{
	struct buf b = { .n = 0 };

	b_u16(&b, 0);			/* view */
	b_u16(&b, 1);			/* sequence */
	addr(&b, pfx);
	b_u8(&b, plen);
	b_u8(&b, 1);			/* status */
	b_u32(&b, ts);
	addr(&b, peer);
	b_u16(&b, as);
	b_u16(&b, (unsigned)at->n);
	b_bytes(&b, at->b, at->n);
	mrt_rec(f, 1000000000, MRT_TABLE_DUMP, v6 ? MRT_TD_AFI_IPV6 :
	    MRT_TD_AFI_IPV4, &b);
}

static void
t_table_dump(void **state)
{
	struct buf f = { .n = 0 }, at = { .n = 0 }, at6 = { .n = 0 };
	struct buf path = { .n = 0 }, nlri = { .n = 0 };

	(void)state;
	b_origin(&at, 0);
	b_seg(&path, 2, 2, 2, (uint32_t)1853, (uint32_t)3333);
	b_attr(&at, 0x40, 2, path.b, path.n);
	b_nexthop(&at, "193.203.0.1");
	td1_entry(&f, false, "193.0.0.0", 21, "193.203.0.1", 1853, 1027000000,
	    &at);
	/* IPv6 with a full MP_REACH_NLRI, as Zebra wrote it */
	b_origin(&at6, 0);
	b_attr(&at6, 0x40, 2, path.b, path.n);
	b_mp_reach(&at6, 2, 1, "2001:db8::2", NULL, &nlri);
	td1_entry(&f, true, "2001:db8::", 32, "2001:db8::2", 1853, 1027000001,
	    &at6);
	feed(&f);
	assert_int_equal(nev, 2);
	assert_string_equal(evs[0].pfx, "193.0.0.0/21");
	assert_int_equal(evs[0].origin_as, 3333);
	assert_int_equal(evs[0].peer_as, 1853);
	assert_int_equal(evs[0].ts_sec, 1027000000);
	assert_int_equal(evs[0].pkt_num, 1);
	assert_string_equal(evs[1].pfx, "2001:db8::/32");
	assert_string_equal(evs[1].nh, "2001:db8::2");
	assert_int_equal(evs[1].origin_as, 3333);
	assert_int_equal(evs[1].pkt_num, 2);
}

/* ---- kinds not read ---- */

static void
t_unknown_types(void **state)
{
	struct buf f = { .n = 0 }, b = { .n = 0 };
	const char *err;

	(void)state;
	b_u32(&b, 0);
	mrt_rec(&f, 1, 48, 1, &b);		/* OSPFv3 */
	mrt_rec(&f, 1, 48, 1, &b);
	mrt_rec(&f, 1, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_GENERIC, &b);
	mrt_rec(&f, 1, MRT_TABLE_DUMP_V2, MRT_TD2_RIB_IPV4_MULTICAST, &b);
	mrt_rec(&f, 1, MRT_BGP4MP, 2, &b);	/* BGP4MP_ENTRY */
	stderr_capture_start();
	feed(&f);
	err = stderr_capture_end();
	assert_int_equal(stats.mrt_skipped, 5);
	assert_int_equal(stats.mrt_records, 5);
	assert_int_equal(nev, 0);
	/* one line per kind, naming the first record of it */
	assert_non_null(strstr(err, "record 1: MRT type 48 subtype 1"));
	assert_null(strstr(err, "record 2:"));
	assert_non_null(strstr(err, "record 3: MRT type 13 subtype 6"));
	assert_non_null(strstr(err, "record 5: MRT type 16 subtype 2"));
}

/* ---- files: truncation and compression ---- */

static char tmpl[64];

static const char *
tmpfile_with(const void *p, size_t n)
{
	FILE *fp;
	int fd;

	strcpy(tmpl, "/tmp/test_mrt_read.XXXXXX");
	assert_true((fd = mkstemp(tmpl)) != -1);
	assert_non_null(fp = fdopen(fd, "wb"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	fclose(fp);
	return tmpl;
}

/* Two records and half of a third: two read, then one line, -1. */
static void
t_truncated(void **state)
{
	struct buf f = { .n = 0 }, body = { .n = 0 };
	struct mrt_record rec;
	struct mrt_file *mf;
	const char *path, *err;

	(void)state;
	bgp4mp_hdr(&body, true, 65001, 65000, "192.0.2.9", "192.0.2.10");
	update4(&body, "10.0.0.0/8", -1, 4, 65002);
	mrt_rec(&f, 1, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &body);
	mrt_rec(&f, 2, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &body);
	mrt_rec(&f, 3, MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4, &body);
	path = tmpfile_with(f.b, f.n - body.n / 2);
	assert_non_null(mf = mrt_file_new(zread_open(path), "cut.mrt"));
	assert_int_equal(mrt_file_next(mf, &rec), 1);
	assert_int_equal(rec.pkt.num, 1);
	assert_int_equal(mrt_file_next(mf, &rec), 1);
	assert_int_equal(rec.pkt.ts.tv_sec, 2);
	stderr_capture_start();
	assert_int_equal(mrt_file_next(mf, &rec), -1);
	err = stderr_capture_end();
	assert_non_null(strstr(err, "cut.mrt: record 3: truncated"));
	assert_int_equal(mrt_file_next(mf, &rec), 0);
	mrt_file_free(mf);
	unlink(path);
	/* whole: three records, then the end, nothing said */
	path = tmpfile_with(f.b, f.n);
	assert_non_null(mf = mrt_file_new(zread_open(path), "whole.mrt"));
	assert_int_equal(mrt_file_next(mf, &rec), 1);
	assert_int_equal(mrt_file_next(mf, &rec), 1);
	assert_int_equal(mrt_file_next(mf, &rec), 1);
	assert_int_equal(mrt_file_next(mf, &rec), 0);
	assert_int_equal(mrt_file_records(mf), 3);
	mrt_file_free(mf);
	unlink(path);
}

/* gzip of p as one member (RFC 1952) into out; its length. */
static size_t
gz(const void *p, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;
	size_t len;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

/* All of a zread's data into out; its length.  *err its error. */
static size_t
drain(const char *path, uint8_t *out, size_t cap, const char **err,
    enum zread_kind *kind)
{
	static char saved[160];
	struct zread *z;
	size_t n = 0;
	ssize_t got;

	assert_non_null(z = zread_open(path));
	*kind = zread_kind(z);
	while ((got = zread_read(z, out + n, cap - n > 7 ? 7 : cap - n)) > 0)
		n += (size_t)got;
	*err = NULL;
	if (zread_error(z) != NULL) {
		snprintf(saved, sizeof(saved), "%s", zread_error(z));
		*err = saved;
	}
	zread_close(z);
	return n;
}

static void
t_zread(void **state)
{
	static uint8_t plain[20000], packed[40000], out[40000];
	const char *path, *err;
	enum zread_kind kind;
	unsigned int blen;
	size_t i, n1, n2;

	(void)state;
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7 + i / 100);
	/* gzip, two members (as pigz and cat write them) */
	n1 = gz(plain, 12000, packed, sizeof(packed));
	n2 = gz(plain + 12000, 8000, packed + n1, sizeof(packed) - n1);
	path = tmpfile_with(packed, n1 + n2);
	assert_int_equal(drain(path, out, sizeof(out), &err, &kind),
	    sizeof(plain));
	assert_int_equal(kind, ZREAD_GZIP);
	assert_null(err);
	assert_memory_equal(out, plain, sizeof(plain));
	unlink(path);
	/* cut inside the second member: the first whole, then the error */
	path = tmpfile_with(packed, n1 + n2 / 2);
	assert_true(drain(path, out, sizeof(out), &err, &kind) >= 12000);
	assert_non_null(err);
	assert_non_null(strstr(err, "gzip stream truncated"));
	assert_memory_equal(out, plain, 12000);
	unlink(path);
	/* trailing bytes that are no member */
	memcpy(packed + n1, "junk", 4);
	path = tmpfile_with(packed, n1 + 4);
	assert_int_equal(drain(path, out, sizeof(out), &err, &kind), 12000);
	assert_non_null(err);
	assert_non_null(strstr(err, "trailing bytes"));
	unlink(path);
	/* bzip2, two streams */
	blen = sizeof(packed);
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)packed, &blen,
	    (char *)plain, 5000, 9, 0, 0), BZ_OK);
	n1 = blen;
	blen = (unsigned)(sizeof(packed) - n1);
	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)packed + n1, &blen,
	    (char *)plain + 5000, 15000, 9, 0, 0), BZ_OK);
	n2 = blen;
	path = tmpfile_with(packed, n1 + n2);
	assert_int_equal(drain(path, out, sizeof(out), &err, &kind),
	    sizeof(plain));
	assert_int_equal(kind, ZREAD_BZIP2);
	assert_null(err);
	assert_memory_equal(out, plain, sizeof(plain));
	unlink(path);
	path = tmpfile_with(packed, n1 + n2 - 10);
	(void)drain(path, out, sizeof(out), &err, &kind);
	assert_non_null(err);
	assert_non_null(strstr(err, "bzip2 stream truncated"));
	unlink(path);
	/* plain: passed through */
	path = tmpfile_with(plain, sizeof(plain));
	assert_int_equal(drain(path, out, sizeof(out), &err, &kind),
	    sizeof(plain));
	assert_int_equal(kind, ZREAD_PLAIN);
	assert_null(err);
	assert_memory_equal(out, plain, sizeof(plain));
	unlink(path);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_message_as4),
		T(t_message_as2),
		T(t_et_usec),
		T(t_local),
		T(t_addpath),
		T(t_state_change),
		T(t_refused),
		T(t_tdv2_ipv4),
		T(t_tdv2_ipv6),
		T(t_tdv2_addpath),
		T(t_tdv2_no_index),
		T(t_tdv2_oversized),
		T(t_table_dump),
		T(t_unknown_types),
		T(t_truncated),
		cmocka_unit_test(t_zread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
