/*
 * fuzz_bgp_msg.c - the BGP decoders without the packet path: one UPDATE
 * body (bgp_update.h), one OPEN body (bgp_open.h), or byte streams into
 * a BGP session (bgp_session.h: framing, resync, capabilities,
 * inference).
 *
 * Input: byte 0 = flags, the rest is the message or stream.
 *   bits 3-4  mode
 *     0  UPDATE body (the bytes after the 19-byte header):
 *        bgp_update_is_eor, bgp_update_probe (both AS widths),
 *        bgp_update_parses, bgp_update_decode under the options of
 *        bits 0-2, 6; routes validated and logged (route_log.c)
 *     1  OPEN body: bgp_open_parse, bgp_open_addpath
 *     2  a stream of messages a->b, after OPENs in both directions
 *        that negotiate bits 0-2 and 5; byte 1 = chunk size for
 *        bgp_session_data (0: all at once)
 *     3  records, no OPENs sent by the harness (inference):
 *        u8 op, u16 len, then len bytes (data) or nothing (gap);
 *        op bit 0 = direction, bit 1 = a gap of len bytes
 *   bit 0  4-octet AS (as4)
 *   bit 1  ADD-PATH IPv4 unicast
 *   bit 2  ADD-PATH IPv6 unicast
 *   bit 5  extended messages (RFC 8654) in the OPENs of mode 2
 *   bit 6  mode 0: peer AS known (65001); modes 2, 3: IPv6 endpoints,
 *          the first with a configured role (--role fd00::1=customer)
 *   bit 7  modes 2, 3: alerting stage on
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_open.h"
#include "bgp/bgp_session.h"
#include "bgp/bgp_update.h"
#include "fuzz_common.h"

#define F_AS4		0x01
#define F_AP4		0x02
#define F_AP6		0x04
#define F_MODE(f)	(((f) >> 3) & 3)
#define F_EXT		0x20
#define F_PEER		0x40
#define F_ALERT		0x80

static struct bgp_update_scratch *scratch;

static void	endpoints(struct flow_endpoint *, struct flow_endpoint *, bool);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct flow_endpoint a, b;

	(void)argc;
	(void)argv;
	fz_init();
	if ((scratch = bgp_update_scratch_new()) == NULL)
		abort();
	/* RFC 9234 roles from --role as well as from the OPENs. */
	endpoints(&a, &b, true);
	if (bgp_session_role_config(&a.addr, BGP_ROLE_CUSTOMER) == -1)
		abort();
	return 0;
}

static void
endpoints(struct flow_endpoint *a, struct flow_endpoint *b, bool v6)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->addr.family = b->addr.family = v6 ? ADDR_V6 : ADDR_V4;
	if (v6) {
		a->addr.a[0] = b->addr.a[0] = 0xfd;
		a->addr.a[15] = 1;
		b->addr.a[15] = 2;
	} else {
		a->addr.a[0] = b->addr.a[0] = 10;
		a->addr.a[3] = 1;
		b->addr.a[3] = 2;
	}
	a->port = 40000;
	b->port = 179;
}

static void
mode_update(uint8_t flags, const uint8_t *body, size_t len)
{
	struct bgp_decode_opts o;
	struct bgp_update_probe pr;
	struct bgp_msg_ctx ctx;
	struct bgp_sink sink;
	struct fz_out out;
	struct packet pkt;
	const char *why;
	uint8_t *msg;
	uint16_t afi;
	uint8_t safi;

	/* The whole message on the heap, exactly sized: the route log and
	 * alerts may quote it. */
	if ((msg = malloc(BGP_HEADER_LEN + len)) == NULL)
		abort();
	memset(msg, 0xff, BGP_MARKER_LEN);
	msg[16] = (uint8_t)((BGP_HEADER_LEN + len) >> 8);
	msg[17] = (uint8_t)(BGP_HEADER_LEN + len);
	msg[18] = BGP_UPDATE;
	if (len > 0)
		memcpy(msg + BGP_HEADER_LEN, body, len);
	body = msg + BGP_HEADER_LEN;

	memset(&o, 0, sizeof(o));
	o.as4 = (flags & F_AS4) != 0;
	o.addpath_v4u = (flags & F_AP4) != 0;
	o.addpath_v6u = (flags & F_AP6) != 0;
	o.peer_as = (flags & F_PEER) ? 65001 : 0;

	(void)bgp_update_is_eor(body, len, &afi, &safi);
	(void)bgp_update_probe(body, len, &o, &pr);
	o.as4 = !o.as4;
	(void)bgp_update_probe(body, len, &o, &pr);
	o.as4 = !o.as4;
	(void)bgp_update_parses(body, len, &o);

	memset(&pkt, 0, sizeof(pkt));
	pkt.num = 1;
	pkt.ts.tv_sec = 1700000000;
	pkt.linktype = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.src_addr.family = ctx.dst_addr.family = ADDR_V4;
	ctx.src_addr.a[0] = ctx.dst_addr.a[0] = 10;
	ctx.src_addr.a[3] = 1;
	ctx.dst_addr.a[3] = 2;
	ctx.src_port = 179;
	ctx.dst_port = 40000;
	ctx.peer_as = o.peer_as;
	ctx.local_as = 65002;
	ctx.pkt = &pkt;
	ctx.msg = msg;
	ctx.msg_len = (uint32_t)(BGP_HEADER_LEN + len);
	ctx.session_id = 1;
	fz_out_begin(&out, false);
	fz_sink_init(&sink, &out);
	(void)bgp_update_decode(body, len, &o, scratch, &ctx, &sink, &why);
	fz_out_end(&out, &pkt.ts);
	free(msg);
}

static void
mode_open(const uint8_t *body, size_t len)
{
	struct bgp_open op;
	uint8_t *copy;

	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	if (len > 0)
		memcpy(copy, body, len);
	(void)bgp_open_parse(copy, len, &op);
	(void)bgp_open_addpath(&op, AFI_IPV4, SAFI_UNICAST);
	(void)bgp_open_addpath(&op, AFI_IPV6, SAFI_UNICAST);
	free(copy);
}

/* An OPEN from `as` with the capabilities the flags ask for. */
static size_t
build_open(uint8_t *m, uint8_t flags, uint32_t as, uint8_t id)
{
	uint8_t caps[64];
	size_t nc = 0, len;
	uint8_t sr = BGP_ADDPATH_SEND | BGP_ADDPATH_RECV;

	/* MP IPv4 and IPv6 unicast, RFC 4760 */
	memcpy(caps + nc, "\x01\x04\x00\x01\x00\x01\x01\x04\x00\x02\x00\x01",
	    12);
	nc += 12;
	if (flags & F_AS4) {
		caps[nc++] = BGP_CAP_AS4;
		caps[nc++] = 4;
		caps[nc++] = (uint8_t)(as >> 24);
		caps[nc++] = (uint8_t)(as >> 16);
		caps[nc++] = (uint8_t)(as >> 8);
		caps[nc++] = (uint8_t)as;
	}
	if (flags & (F_AP4 | F_AP6)) {
		caps[nc++] = BGP_CAP_ADDPATH;
		caps[nc++] = (uint8_t)(4 * (((flags & F_AP4) != 0) +
		    ((flags & F_AP6) != 0)));
		if (flags & F_AP4) {
			memcpy(caps + nc, "\x00\x01\x01", 3);
			caps[nc + 3] = sr;
			nc += 4;
		}
		if (flags & F_AP6) {
			memcpy(caps + nc, "\x00\x02\x01", 3);
			caps[nc + 3] = sr;
			nc += 4;
		}
	}
	if (flags & F_EXT) {
		caps[nc++] = BGP_CAP_EXTMSG;
		caps[nc++] = 0;
	}
	len = BGP_HEADER_LEN + 10 + 2 + nc;
	memset(m, 0xff, BGP_MARKER_LEN);
	m[16] = (uint8_t)(len >> 8);
	m[17] = (uint8_t)len;
	m[18] = BGP_OPEN;
	m[19] = 4;
	m[20] = as > 0xffff ? (AS_TRANS >> 8) : (uint8_t)(as >> 8);
	m[21] = as > 0xffff ? (AS_TRANS & 0xff) : (uint8_t)as;
	m[22] = 0;
	m[23] = 90;
	m[24] = 10;
	m[25] = 0;
	m[26] = 0;
	m[27] = id;
	m[28] = (uint8_t)(2 + nc);
	m[29] = 2;		/* Capabilities, RFC 5492 */
	m[30] = (uint8_t)nc;
	memcpy(m + 31, caps, nc);
	return len;
}

/* Feed bytes to a session from an exact-size heap copy. */
static void
feed(struct bgp_session *s, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	uint8_t *copy;

	if ((copy = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	if (n > 0)
		memcpy(copy, p, n);
	bgp_session_data(s, dir, copy, n, pkt);
	free(copy);
}

static void
mode_stream(uint8_t flags, struct fz_in *in, bool opens)
{
	struct flow_endpoint a, b;
	struct fz_out out;
	struct bgp_sink sink;
	struct bgp_session *s;
	struct packet pkt;
	uint8_t m[128], op;
	const uint8_t *p;
	size_t n, got, chunk;
	uint16_t len;

	memset(&pkt, 0, sizeof(pkt));
	pkt.num = 1;
	pkt.ts.tv_sec = 1700000000;
	pkt.linktype = 1;
	endpoints(&a, &b, (flags & F_PEER) != 0);
	fz_out_begin(&out, (flags & F_ALERT) != 0);
	fz_sink_init(&sink, &out);
	if ((s = bgp_session_new(&a, &b, &sink)) == NULL)
		abort();
	if (opens) {
		n = build_open(m, flags, 4200000001u, 1);
		feed(s, 0, m, n, &pkt);
		n = build_open(m, flags, 65002, 2);
		feed(s, 1, m, n, &pkt);
		chunk = fz_u8(in);
		while (in->len > 0) {
			p = fz_take(in, chunk ? chunk : in->len, &got);
			pkt.num++;
			feed(s, 0, p, got, &pkt);
		}
	} else {
		while (in->len > 0) {
			op = fz_u8(in);
			len = fz_u16(in);
			pkt.num++;
			pkt.ts.tv_sec += op >> 4;
			if (op & 2) {
				bgp_session_gap(s, op & 1, len, &pkt);
				continue;
			}
			p = fz_take(in, len, &got);
			feed(s, op & 1, p, got, &pkt);
		}
	}
	bgp_session_close(s, (flags & 1) ? REASM_CLOSE_RST : REASM_CLOSE_END,
	    &pkt);
	bgp_session_free(s);
	fz_out_end(&out, &pkt.ts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = fz_u8(&in);
	switch (F_MODE(flags)) {
	case 0:
		mode_update(flags, in.p, in.len);
		break;
	case 1:
		mode_open(in.p, in.len);
		break;
	case 2:
		mode_stream(flags, &in, true);
		break;
	default:
		mode_stream(flags, &in, false);
		break;
	}
	return 0;
}
