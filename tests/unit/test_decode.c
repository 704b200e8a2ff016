/*
 * test_decode.c - link/IP/TCP decoding, frame by frame.
 *
 * Frames are built byte by byte (no structs, no libc network headers) so
 * that the test states the wire layout independently of the decoder.
 * Every decode goes through decode_checked(), which copies the frame into
 * a buffer of exactly caplen bytes (so ASan sees any over-read) and checks
 * that exactly one result counter moved, the one matching the result.
 * test_capture.c runs the decoder over the shared public captures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/addr.h"
#include "capture/decode.h"
#include "capture/packet.h"
#include "base/stats.h"
#include "builders.h"

#define LT_NULL		0
#define LT_EN10MB	1
#define LT_PPP		9
#define LT_RAW		12
#define LT_RAW14	14
#define LT_PPP_SERIAL	50
#define LT_RAW101	101
#define LT_C_HDLC	104
#define LT_FRELAY	107
#define LT_LOOP		108
#define LT_SLL		113
#define LT_JUNIPER	178
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_SLL2		276

/* A BGP KEEPALIVE (RFC 4271 4.4): marker, length 19, type 4. */
static const uint8_t keepalive[19] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04
};
static const uint8_t v4src[4] = { 192, 0, 2, 1 };
static const uint8_t v4dst[4] = { 198, 51, 100, 2 };
static const uint8_t v6src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0x01 };
static const uint8_t v6dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0x02 };

#define T_SPORT		50123
#define T_DPORT		179
#define T_SEQ		0x11223344u
#define T_ACK		0x55667788u
#define T_FLAGS		(TCPF_PSH | TCPF_ACK)
#define T_WIN		16384

static struct packet cur_pkt;
static uint8_t *cur_buf;

/* TCP header with optlen bytes of options (NOPs, then EOL), then pl. */
static void
tcp_append(struct buf *f, size_t optlen, const void *pl, size_t plen)
{
	size_t i;

	b_u16(f, T_SPORT);
	b_u16(f, T_DPORT);
	b_u32(f, T_SEQ);
	b_u32(f, T_ACK);
	b_u8(f, (unsigned)((20 + optlen) / 4) << 4);
	b_u8(f, T_FLAGS);
	b_u16(f, T_WIN);
	b_u16(f, 0xbeef);		/* checksum: not verified */
	b_u16(f, 0);
	for (i = 0; i < optlen; i++)
		b_u8(f, i + 1 < optlen ? 1 : 0);
	b_bytes(f, pl, plen);
}

/* IPv4 header with optlen bytes of options around an upper layer. */
static void
ipv4_append(struct buf *f, size_t optlen, unsigned proto, unsigned frag,
    const struct buf *l4)
{
	size_t i;

	b_u8(f, 0x40 | (unsigned)((20 + optlen) / 4));
	b_u8(f, 0xc0);
	b_u16(f, (unsigned)(20 + optlen + l4->n));
	b_u16(f, 0x1234);
	b_u16(f, frag);
	b_u8(f, 64);
	b_u8(f, proto);
	b_u16(f, 0);
	b_bytes(f, v4src, 4);
	b_bytes(f, v4dst, 4);
	for (i = 0; i < optlen; i++)
		b_u8(f, 1);			/* NOP */
	b_bytes(f, l4->b, l4->n);
}

static void
ipv6_append(struct buf *f, unsigned nh, const struct buf *rest)
{
	b_u32(f, 0x60000000);
	b_u16(f, (unsigned)rest->n);
	b_u8(f, nh);
	b_u8(f, 64);
	b_bytes(f, v6src, 16);
	b_bytes(f, v6dst, 16);
	b_bytes(f, rest->b, rest->n);
}

/* The standard IPv4/TCP packet carrying a KEEPALIVE. */
static void
v4_packet(struct buf *f, size_t ipopt, size_t tcpopt)
{
	struct buf l4 = { .n = 0 };

	tcp_append(&l4, tcpopt, keepalive, sizeof(keepalive));
	ipv4_append(f, ipopt, 6, 0x4000, &l4);
}

static void
v6_packet(struct buf *f)
{
	struct buf l4 = { .n = 0 };

	tcp_append(&l4, 12, keepalive, sizeof(keepalive));
	ipv6_append(f, 6, &l4);
}

static void
ether_hdr(struct buf *f, unsigned type)
{
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };

	b_bytes(f, mac, sizeof(mac));
	b_u16(f, type);
}

/* Decode with a buffer of exactly caplen bytes; check the counters. */
static enum decode_result
decode_checked(int lt, const struct buf *f, size_t caplen, size_t wirelen,
    struct tcp_segment *seg)
{
	struct rovmon_stats b = stats;
	enum decode_result r;
	uint64_t moved[6];
	int i, total = 0;

	free(cur_buf);
	cur_buf = malloc(caplen > 0 ? caplen : 1);
	assert_non_null(cur_buf);
	memcpy(cur_buf, f->b, caplen);
	memset(&cur_pkt, 0, sizeof(cur_pkt));
	cur_pkt.num = 1;
	cur_pkt.linktype = lt;
	cur_pkt.data = cur_buf;
	cur_pkt.caplen = (uint32_t)caplen;
	cur_pkt.wirelen = (uint32_t)wirelen;
	r = decode_packet(&cur_pkt, seg);

	moved[DECODE_OK] = stats.decode_tcp - b.decode_tcp;
	moved[DECODE_NOT_TCP] = stats.decode_not_tcp - b.decode_not_tcp;
	moved[DECODE_FRAGMENT] = stats.decode_fragments - b.decode_fragments;
	moved[DECODE_TRUNCATED] = stats.decode_truncated - b.decode_truncated;
	moved[DECODE_MALFORMED] = stats.decode_malformed - b.decode_malformed;
	moved[DECODE_UNSUPPORTED] =
	    stats.decode_unsupported - b.decode_unsupported;
	for (i = 0; i < 6; i++)
		total += (int)moved[i];
	assert_int_equal(total, 1);
	assert_int_equal(moved[r], 1);
	assert_ptr_equal(seg->pkt, &cur_pkt);
	if (r == DECODE_OK) {
		assert_true(seg->len <= seg->wire_len);
		assert_true(seg->payload >= cur_buf);
		assert_true(seg->payload + seg->len <= cur_buf + caplen);
	}
	return r;
}

static enum decode_result
decode_full(int lt, const struct buf *f, struct tcp_segment *seg)
{
	return decode_checked(lt, f, f->n, f->n, seg);
}

static void
assert_tcp_fields(const struct tcp_segment *seg)
{
	assert_int_equal(seg->sport, T_SPORT);
	assert_int_equal(seg->dport, T_DPORT);
	assert_int_equal(seg->seq, T_SEQ);
	assert_int_equal(seg->ack, T_ACK);
	assert_int_equal(seg->flags, T_FLAGS);
	assert_int_equal(seg->window, T_WIN);
	assert_int_equal(seg->len, sizeof(keepalive));
	assert_int_equal(seg->wire_len, sizeof(keepalive));
	assert_memory_equal(seg->payload, keepalive, sizeof(keepalive));
}

static void
assert_v4_seg(const struct tcp_segment *seg)
{
	assert_int_equal(seg->src.family, ADDR_V4);
	assert_int_equal(seg->dst.family, ADDR_V4);
	assert_memory_equal(seg->src.a, v4src, 4);
	assert_memory_equal(seg->dst.a, v4dst, 4);
	assert_tcp_fields(seg);
}

static void
assert_v6_seg(const struct tcp_segment *seg)
{
	assert_int_equal(seg->src.family, ADDR_V6);
	assert_int_equal(seg->dst.family, ADDR_V6);
	assert_memory_equal(seg->src.a, v6src, 16);
	assert_memory_equal(seg->dst.a, v6dst, 16);
	assert_tcp_fields(seg);
}

/*
 * Cut the frame at every length from full to 0.  With the capture
 * marking the cut (wirelen = full), OK exactly when the TCP header is all
 * there, else TRUNCATED; with a frame that is really that short
 * (wirelen = caplen), MALFORMED.
 */
static void
check_cuts(int lt, const struct buf *f, size_t hdrs)
{
	struct tcp_segment seg;
	size_t cut, plen = f->n - hdrs;
	enum decode_result r;
	uint64_t pt;

	for (cut = f->n + 1; cut-- > 0;) {
		pt = stats.decode_payload_truncated;
		r = decode_checked(lt, f, cut, f->n, &seg);
		if (cut >= hdrs) {
			assert_int_equal(r, DECODE_OK);
			assert_int_equal(seg.len, cut - hdrs);
			assert_int_equal(seg.wire_len, plen);
			assert_int_equal(stats.decode_payload_truncated - pt,
			    cut < f->n ? 1 : 0);
			assert_memory_equal(seg.payload, f->b + hdrs, seg.len);
		} else
			assert_int_equal(r, DECODE_TRUNCATED);
		if (cut < f->n)
			assert_int_equal(decode_checked(lt, f, cut, cut, &seg),
			    DECODE_MALFORMED);
	}
}

static void
test_ethernet(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;
	uint64_t vlan = stats.decode_vlan, v4 = stats.decode_ipv4;

	(void)state;
	ether_hdr(&f, 0x0800);
	v4_packet(&f, 0, 12);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	assert_int_equal(stats.decode_vlan, vlan);
	assert_int_equal(stats.decode_ipv4, v4 + 1);
	check_cuts(LT_EN10MB, &f, 14 + 20 + 32);
}

static void
test_ethernet_v6(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;
	uint64_t v6 = stats.decode_ipv6;

	(void)state;
	ether_hdr(&f, 0x86dd);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	assert_int_equal(stats.decode_ipv6, v6 + 1);
	check_cuts(LT_EN10MB, &f, 14 + 40 + 32);
}

static void
test_vlan(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;
	uint64_t vlan = stats.decode_vlan;

	(void)state;
	ether_hdr(&f, 0x8100);
	b_u16(&f, 0x2064);		/* PCP 1, VID 100 */
	b_u16(&f, 0x0800);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	assert_int_equal(stats.decode_vlan, vlan + 1);
	check_cuts(LT_EN10MB, &f, 18 + 20 + 20);
}

static void
test_qinq(void **state)
{
	static const unsigned outer[] = { 0x88a8, 0x9100, 0x8100 };
	struct buf f;
	struct tcp_segment seg;
	uint64_t vlan;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		f.n = 0;
		ether_hdr(&f, outer[i]);
		b_u16(&f, 10);
		b_u16(&f, 0x8100);
		b_u16(&f, 20);
		b_u16(&f, 0x86dd);
		v6_packet(&f);
		vlan = stats.decode_vlan;
		assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
		assert_v6_seg(&seg);
		assert_int_equal(stats.decode_vlan, vlan + 1);
	}
	check_cuts(LT_EN10MB, &f, 22 + 40 + 32);
}

static void
test_vlan_bomb(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;
	int i;

	(void)state;
	ether_hdr(&f, 0x8100);
	for (i = 0; i < 100; i++) {
		b_u16(&f, i);
		b_u16(&f, 0x8100);
	}
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_UNSUPPORTED);
}

static void
test_ethernet_padding(void **state)
{
	struct buf f = { .n = 0 }, l4 = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	/* A bare ACK: 14 + 20 + 20 = 54 bytes, padded to 60 (IEEE 802.3). */
	ether_hdr(&f, 0x0800);
	tcp_append(&l4, 0, NULL, 0);
	ipv4_append(&f, 0, 6, 0x4000, &l4);
	while (f.n < 60)
		b_u8(&f, 0xaa);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_int_equal(seg.len, 0);
	assert_int_equal(seg.wire_len, 0);
	assert_int_equal(seg.seq, T_SEQ);
	/* And an FCS-like trailer after a real payload. */
	f.n = 0;
	ether_hdr(&f, 0x0800);
	v4_packet(&f, 0, 0);
	b_u32(&f, 0xdeadbeef);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
}

static void
test_snap(void **state)
{
	struct buf f = { .n = 0 }, ip = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	v4_packet(&ip, 0, 0);
	ether_hdr(&f, (unsigned)(8 + ip.n));	/* 802.3 length */
	b_u8(&f, 0xaa);
	b_u8(&f, 0xaa);
	b_u8(&f, 0x03);
	b_u8(&f, 0);
	b_u16(&f, 0);
	b_u16(&f, 0x0800);
	b_bytes(&f, ip.b, ip.n);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	/* Spanning tree (LLC 0x42) is not IP. */
	f.n = 0;
	ether_hdr(&f, 38);
	b_u8(&f, 0x42);
	b_u8(&f, 0x42);
	b_u8(&f, 0x03);
	b_u32(&f, 0);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_NOT_TCP);
}

static void
test_sll(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	b_u16(&f, 0);			/* to us */
	b_u16(&f, 1);			/* ARPHRD_ETHER */
	b_u16(&f, 6);
	b_u32(&f, 0x00010203);
	b_u32(&f, 0x04050000);
	b_u16(&f, 0x0800);
	v4_packet(&f, 0, 12);
	assert_int_equal(decode_full(LT_SLL, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_SLL, &f, 16 + 20 + 32);
}

static void
test_sll2(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	b_u16(&f, 0x86dd);
	b_u16(&f, 0);
	b_u32(&f, 3);			/* ifindex */
	b_u16(&f, 1);
	b_u8(&f, 4);			/* outgoing */
	b_u8(&f, 6);
	b_u32(&f, 0x00010203);
	b_u32(&f, 0x04050000);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_SLL2, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	check_cuts(LT_SLL2, &f, 20 + 40 + 32);
}

static void
test_raw(void **state)
{
	static const int v4lt[] = { LT_RAW, LT_RAW14, LT_RAW101, LT_IPV4 };
	struct buf f4 = { .n = 0 }, f6 = { .n = 0 };
	struct tcp_segment seg;
	size_t i;

	(void)state;
	v4_packet(&f4, 0, 0);
	v6_packet(&f6);
	for (i = 0; i < 4; i++) {
		assert_int_equal(decode_full(v4lt[i], &f4, &seg), DECODE_OK);
		assert_v4_seg(&seg);
	}
	assert_int_equal(decode_full(LT_RAW, &f6, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	assert_int_equal(decode_full(LT_IPV6, &f6, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	/* The link type says IPv6, the packet says 4. */
	assert_int_equal(decode_full(LT_IPV6, &f4, &seg), DECODE_MALFORMED);
	assert_int_equal(decode_full(LT_IPV4, &f6, &seg), DECODE_MALFORMED);
	check_cuts(LT_RAW, &f4, 40);
	check_cuts(LT_IPV6, &f6, 72);
}

static void
test_null_loop(void **state)
{
	static const uint32_t v6af[] = { 24, 28, 30 };
	struct buf f;
	struct tcp_segment seg;
	size_t i;

	(void)state;
	/* DLT_NULL, little-endian host. */
	f.n = 0;
	b_u32(&f, 0x02000000);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_NULL, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_NULL, &f, 44);
	/* DLT_NULL, big-endian host. */
	f.n = 0;
	b_u32(&f, 2);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_NULL, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	for (i = 0; i < 3; i++) {
		f.n = 0;
		b_u32(&f, v6af[i] << 24);
		v6_packet(&f);
		assert_int_equal(decode_full(LT_NULL, &f, &seg), DECODE_OK);
		assert_v6_seg(&seg);
		f.n = 0;
		b_u32(&f, v6af[i]);
		v6_packet(&f);
		assert_int_equal(decode_full(LT_NULL, &f, &seg), DECODE_OK);
		assert_v6_seg(&seg);
		/* DLT_LOOP: network order only. */
		assert_int_equal(decode_full(LT_LOOP, &f, &seg), DECODE_OK);
		assert_v6_seg(&seg);
	}
	f.n = 0;
	b_u32(&f, 2);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_LOOP, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_LOOP, &f, 44);
	f.n = 0;
	b_u32(&f, 7);			/* AF_ something else */
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_NULL, &f, &seg), DECODE_NOT_TCP);
}

static void
test_ppp(void **state)
{
	struct buf f;
	struct tcp_segment seg;

	(void)state;
	/* HDLC-like framing, as in tcpdump's bgp_vpn_attrset.pcap. */
	f.n = 0;
	b_u16(&f, 0xff03);
	b_u16(&f, 0x0021);
	v4_packet(&f, 0, 12);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	assert_int_equal(decode_full(LT_PPP_SERIAL, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_PPP, &f, 4 + 20 + 32);
	/* Address/control and protocol compressed (RFC 1661 6.5, 6.6). */
	f.n = 0;
	b_u8(&f, 0x21);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	f.n = 0;
	b_u16(&f, 0x0057);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	/* LCP is not IP. */
	f.n = 0;
	b_u16(&f, 0xff03);
	b_u16(&f, 0xc021);
	b_u32(&f, 0x01010004);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_NOT_TCP);
	/* Address 0xff needs control 0x03. */
	f.n = 0;
	b_u16(&f, 0xff13);
	b_u16(&f, 0x0021);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_MALFORMED);
}

static void
test_chdlc(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	b_u16(&f, 0x0f00);
	b_u16(&f, 0x0800);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_C_HDLC, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	assert_int_equal(decode_full(LT_PPP_SERIAL, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_C_HDLC, &f, 44);
}

static void
test_mpls(void **state)
{
	struct buf f;
	struct tcp_segment seg;

	(void)state;
	/* Two labels over Ethernet, bottom of stack on the second. */
	f.n = 0;
	ether_hdr(&f, 0x8847);
	b_u32(&f, 16000u << 12 | 0x40);
	b_u32(&f, 18u << 12 | 0x100 | 0x40);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_EN10MB, &f, 22 + 40);
	/* One label over PPP (tcpdump's lspping-fec-ldp.pcap). */
	f.n = 0;
	b_u16(&f, 0xff03);
	b_u16(&f, 0x0281);
	b_u32(&f, 100656u << 12 | 0x100 | 0x40);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_PPP, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	/* A pseudowire control word (first nibble 0) is not IP to us. */
	f.n = 0;
	b_u16(&f, 0x0f00);
	b_u16(&f, 0x8847);
	b_u32(&f, 20u << 12 | 0x100 | 0x40);
	b_u32(&f, 0);
	ether_hdr(&f, 0x0800);
	assert_int_equal(decode_full(LT_C_HDLC, &f, &seg),
	    DECODE_UNSUPPORTED);
}

static void
test_frelay(void **state)
{
	struct buf f;
	struct tcp_segment seg;

	(void)state;
	/* Cisco encapsulation (PacketLife's bgp_med.pcapng.cap). */
	f.n = 0;
	b_u16(&f, 0x1861);
	b_u16(&f, 0x0800);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_FRELAY, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_FRELAY, &f, 44);
	/* RFC 2427: UI, NLPID 0xcc. */
	f.n = 0;
	b_u16(&f, 0x1861);
	b_u8(&f, 0x03);
	b_u8(&f, 0xcc);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_FRELAY, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	/* RFC 2427: UI, pad, SNAP, IPv6. */
	f.n = 0;
	b_u16(&f, 0x1861);
	b_u16(&f, 0x0300);
	b_u8(&f, 0x80);
	b_u16(&f, 0);
	b_u8(&f, 0);
	b_u16(&f, 0x86dd);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_FRELAY, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	/* An address that never ends. */
	f.n = 0;
	b_u32(&f, 0x18601860);
	b_u32(&f, 0x18601860);
	assert_int_equal(decode_full(LT_FRELAY, &f, &seg), DECODE_MALFORMED);
}

static void
test_juniper(void **state)
{
	struct buf f;
	struct tcp_segment seg;

	(void)state;
	/* As in tcpdump's bgp-aigp.pcap: magic, flags 0x80, 16 ext bytes. */
	f.n = 0;
	b_u16(&f, 0x4d47);
	b_u8(&f, 0x43);
	b_u8(&f, 0x80);
	b_u16(&f, 16);
	b_u32(&f, 0x03010106);
	b_u32(&f, 0x010e0102);
	b_u32(&f, 0x8c000404);
	b_u32(&f, 0x4c010000);
	ether_hdr(&f, 0x0800);
	v4_packet(&f, 0, 12);
	assert_int_equal(decode_full(LT_JUNIPER, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_JUNIPER, &f, 22 + 14 + 52);
	/* No L2 header: a 4-byte cookie, then IP. */
	f.n = 0;
	b_u32(&f, 0x4d474301);
	b_u32(&f, 0x00000002);
	v6_packet(&f);
	assert_int_equal(decode_full(LT_JUNIPER, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	/* Bad magic. */
	f.n = 0;
	b_u32(&f, 0x4d474400);
	ether_hdr(&f, 0x0800);
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(LT_JUNIPER, &f, &seg), DECODE_MALFORMED);
}

static void
test_ipv4_options(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	ether_hdr(&f, 0x0800);
	v4_packet(&f, 40, 40);		/* IHL 15, data offset 15 */
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	check_cuts(LT_EN10MB, &f, 14 + 60 + 60);
}

static void
test_ipv4_bad(void **state)
{
	struct buf f, l4 = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	tcp_append(&l4, 0, keepalive, sizeof(keepalive));
	/* IHL 4 */
	f.n = 0;
	ipv4_append(&f, 0, 6, 0, &l4);
	f.b[0] = 0x44;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	/* Total length 19 < IHL*4 */
	f.b[0] = 0x45;
	f.b[2] = 0;
	f.b[3] = 19;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	/* Total length longer than an uncut frame. */
	f.b[2] = 0x10;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	/* Total length 0: TCP segmentation offload, use the frame. */
	f.b[2] = 0;
	f.b[3] = 0;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_OK);
	assert_v4_seg(&seg);
	/* Version 5 under EtherType IPv4. */
	f.n = 0;
	ether_hdr(&f, 0x0800);
	ipv4_append(&f, 0, 6, 0, &l4);
	f.b[14] = 0x55;
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_MALFORMED);
	/* Raw link, version 7. */
	assert_int_equal(decode_checked(LT_RAW, &f, 0, 0, &seg),
	    DECODE_MALFORMED);
	f.b[0] = 0x70;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	/* UDP */
	f.n = 0;
	ipv4_append(&f, 0, 17, 0, &l4);
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_NOT_TCP);
	/* ARP */
	f.n = 0;
	ether_hdr(&f, 0x0806);
	b_u32(&f, 0x00010800);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_NOT_TCP);
}

static void
test_tcp_bad(void **state)
{
	struct buf f = { .n = 0 }, l4 = { .n = 0 };
	struct tcp_segment seg;
	unsigned doff;

	(void)state;
	tcp_append(&l4, 0, NULL, 0);
	ipv4_append(&f, 0, 6, 0, &l4);
	for (doff = 0; doff < 5; doff++) {
		f.b[20 + 12] = (uint8_t)(doff << 4);
		assert_int_equal(decode_full(LT_RAW, &f, &seg),
		    DECODE_MALFORMED);
	}
	/* Data offset 6 in a 20-byte segment: past the IP length. */
	f.b[20 + 12] = 6 << 4;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	/* IP says 10 bytes of TCP. */
	f.b[20 + 12] = 5 << 4;
	f.b[3] = 30;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_MALFORMED);
	f.b[3] = 40;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_OK);
	assert_int_equal(seg.len, 0);
}

static void
test_ipv4_fragment(void **state)
{
	struct buf f, l4 = { .n = 0 };
	struct tcp_segment seg;
	uint64_t fr;

	(void)state;
	tcp_append(&l4, 0, keepalive, sizeof(keepalive));
	f.n = 0;
	ipv4_append(&f, 0, 6, 0x2000, &l4);	/* MF, offset 0 */
	fr = stats.decode_fragments;
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_FRAGMENT);
	assert_int_equal(stats.decode_fragments, fr + 1);
	f.n = 0;
	ipv4_append(&f, 0, 6, 0x0005, &l4);	/* last fragment */
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_FRAGMENT);
	/* DF only is a whole datagram. */
	f.n = 0;
	ipv4_append(&f, 0, 6, 0x4000, &l4);
	assert_int_equal(decode_full(LT_RAW, &f, &seg), DECODE_OK);
}

/* Hop-by-hop (8 bytes) and destination options (16 bytes) before TCP. */
static void
test_ipv6_ext(void **state)
{
	struct buf f = { .n = 0 }, rest = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	b_u8(&rest, 60);		/* next: destination options */
	b_u8(&rest, 0);
	b_u8(&rest, 1);			/* PadN, 4 bytes */
	b_u8(&rest, 4);
	b_u32(&rest, 0);
	b_u8(&rest, 6);			/* next: TCP */
	b_u8(&rest, 1);			/* 16 bytes */
	b_u8(&rest, 1);
	b_u8(&rest, 12);
	b_u32(&rest, 0);
	b_u32(&rest, 0);
	b_u32(&rest, 0);
	tcp_append(&rest, 12, keepalive, sizeof(keepalive));
	ether_hdr(&f, 0x86dd);
	ipv6_append(&f, 0, &rest);
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	check_cuts(LT_EN10MB, &f, 14 + 40 + 24 + 32);
	/* Hop-by-hop anywhere but first (RFC 8200 4.1). */
	f.b[14 + 6] = 60;
	f.b[14 + 40] = 0;
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_MALFORMED);
	/* A header longer than the payload length. */
	f.b[14 + 6] = 0;
	f.b[14 + 40] = 60;
	f.b[14 + 41] = 200;
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_MALFORMED);
	/* No next header. */
	f.b[14 + 6] = 59;
	assert_int_equal(decode_full(LT_EN10MB, &f, &seg), DECODE_NOT_TCP);
}

static void
test_ipv6_fragment(void **state)
{
	struct buf f, rest;
	struct tcp_segment seg;
	uint64_t fr;

	(void)state;
	/* First fragment: offset 0, M set. */
	rest.n = 0;
	b_u8(&rest, 6);
	b_u8(&rest, 0);
	b_u16(&rest, 0x0001);
	b_u32(&rest, 0xcafe);
	tcp_append(&rest, 12, keepalive, sizeof(keepalive));
	f.n = 0;
	ipv6_append(&f, 44, &rest);
	fr = stats.decode_fragments;
	assert_int_equal(decode_full(LT_IPV6, &f, &seg), DECODE_FRAGMENT);
	assert_int_equal(stats.decode_fragments, fr + 1);
	/* Later fragment: offset 185 (1480 bytes). */
	f.b[40 + 2] = 0x05;
	f.b[40 + 3] = 0xc8;
	assert_int_equal(decode_full(LT_IPV6, &f, &seg), DECODE_FRAGMENT);
	/* Atomic fragment (RFC 6946): a whole datagram. */
	f.b[40 + 2] = 0;
	f.b[40 + 3] = 0;
	assert_int_equal(decode_full(LT_IPV6, &f, &seg), DECODE_OK);
	assert_v6_seg(&seg);
	assert_int_equal(stats.decode_fragments, fr + 2);
}

static void
test_ipv6_chain_bomb(void **state)
{
	struct buf f = { .n = 0 }, rest = { .n = 0 };
	struct tcp_segment seg;
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		b_u8(&rest, 60);
		b_u8(&rest, 0);
		b_u16(&rest, 0x0104);
		b_u32(&rest, 0);
	}
	f.n = 0;
	ipv6_append(&f, 60, &rest);
	assert_int_equal(decode_full(LT_IPV6, &f, &seg), DECODE_UNSUPPORTED);
}

static void
test_unsupported_link(void **state)
{
	struct buf f = { .n = 0 };
	struct tcp_segment seg;

	(void)state;
	v4_packet(&f, 0, 0);
	assert_int_equal(decode_full(127, &f, &seg), DECODE_UNSUPPORTED);
	assert_false(decode_link_supported(127));
	assert_false(decode_link_supported(-1));
	assert_true(decode_link_supported(LT_EN10MB));
	assert_true(decode_link_supported(LT_SLL2));
	assert_true(decode_link_supported(LT_PPP));
}

/* Mutated valid frames of every link type: no crash, counters exact. */
static void
test_mutations(void **state)
{
	static const int lts[] = { LT_EN10MB, LT_SLL, LT_SLL2, LT_RAW,
	    LT_NULL, LT_LOOP, LT_PPP, LT_PPP_SERIAL, LT_C_HDLC, LT_FRELAY,
	    LT_JUNIPER, LT_IPV4, LT_IPV6 };
	struct buf base = { .n = 0 }, f;
	struct tcp_segment seg;
	unsigned seed = 179;
	size_t i, k, nmut;

	(void)state;
	ether_hdr(&base, 0x8100);
	b_u16(&base, 5);
	b_u16(&base, 0x86dd);
	v6_packet(&base);
	for (i = 0; i < 30000; i++) {
		f = base;
		nmut = 1 + (size_t)rand_r(&seed) % 6;
		for (k = 0; k < nmut; k++)
			f.b[(size_t)rand_r(&seed) % f.n] =
			    (uint8_t)rand_r(&seed);
		/* Half of them: random bytes at the front, too. */
		if (i & 1)
			for (k = 0; k < 24; k++)
				f.b[k] = (uint8_t)rand_r(&seed);
		(void)decode_checked(lts[i % (sizeof(lts) / sizeof(lts[0]))],
		    &f, (size_t)rand_r(&seed) % (f.n + 1), f.n, &seg);
	}
}

static int
teardown_group(void **state)
{
	(void)state;
	free(cur_buf);
	cur_buf = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_ethernet_v6),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_qinq),
		cmocka_unit_test(test_vlan_bomb),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_snap),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_ppp),
		cmocka_unit_test(test_chdlc),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_frelay),
		cmocka_unit_test(test_juniper),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_bad),
		cmocka_unit_test(test_tcp_bad),
		cmocka_unit_test(test_ipv4_fragment),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv6_fragment),
		cmocka_unit_test(test_ipv6_chain_bomb),
		cmocka_unit_test(test_unsupported_link),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_group);
}
