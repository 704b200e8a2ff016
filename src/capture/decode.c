/*
 * decode.c - IPv4, IPv6 and TCP: from the network header to a segment.
 *
 * decode_link() (decode_link.c) finds the network header; this file walks
 * IP and TCP and fills a struct tcp_segment.  Invariants:
 *
 *  - Every byte is read through struct cursor.  The IP datagram is carved
 *    to its own length (RFC 791 Total Length, RFC 8200 Payload Length)
 *    before anything inside it is read, so Ethernet padding and trailers
 *    never become payload, and nothing reads past the capture.
 *  - seg->len counts captured payload bytes, seg->wire_len the payload
 *    the IP header says was sent.  They differ only when snaplen cut the
 *    frame (decode_payload_truncated); reassembly treats the rest as a gap.
 *  - Each call ends in exactly one enum decode_result and bumps exactly
 *    one matching counter (decode_packet() does the counting, once).
 *    "Ran out of bytes" is decode_truncated when the capture cut the
 *    frame (caplen < wirelen) and decode_malformed when it did not: then
 *    the frame itself was shorter than its headers say.
 *
 * IP fragments are counted and not reassembled: BGP speakers send with DF
 * set (path MTU discovery, RFC 1191 / RFC 8201), so fragmented BGP is
 * rare and a reassembler would be another memory cap to defend.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/addr.h"
#include "base/cursor.h"
#include "capture/decode.h"
#include "capture/decode_internal.h"
#include "capture/packet.h"
#include "base/stats.h"

#define IPPROTO_NUM_HOPOPTS	0	/* RFC 8200 section 4.3 */
#define IPPROTO_NUM_TCP		6
#define IPPROTO_NUM_ROUTING	43	/* RFC 8200 section 4.4 */
#define IPPROTO_NUM_FRAGMENT	44	/* RFC 8200 section 4.5 */
#define IPPROTO_NUM_AH		51	/* RFC 4302 section 2 */
#define IPPROTO_NUM_NONE	59	/* RFC 8200 section 4.7 */
#define IPPROTO_NUM_DSTOPTS	60	/* RFC 8200 section 4.6 */

#define IPV4_HDR_MIN		20
#define IPV6_HDR_LEN		40
#define TCP_HDR_MIN		20
/* RFC 8200 section 4.1 recommends at most one of each, plus AH. */
#define IPV6_MAX_EXT_HDRS	8

/*
 * RFC 9293 section 3.1:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * |                        Sequence Number                        |
 * |                    Acknowledgment Number                      |
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |           Checksum            |         Urgent Pointer        |
 * |                           [Options]                           |
 *
 * c holds the captured part of the IP payload, wire the IP payload length
 * the IP header claims (>= cursor_left(c)).
 */
static enum decode_result
decode_tcp(struct cursor *c, uint32_t wire, struct tcp_segment *seg)
{
	struct cursor th;
	uint8_t off, flags;
	uint16_t sum, urp;
	size_t hlen;

	if (wire < TCP_HDR_MIN)
		return DECODE_MALFORMED;
	if (cursor_peek_u8(c, 12, &off) == -1)
		return DECODE_TRUNCATED;
	hlen = (size_t)(off >> 4) * 4;
	if (hlen < TCP_HDR_MIN || hlen > wire)
		return DECODE_MALFORMED;	/* RFC 9293 3.1 Data Offset */
	if (cursor_sub(c, hlen, &th) == -1)
		return DECODE_TRUNCATED;

	/* th holds hlen >= 20 bytes: these reads cannot fail. */
	if (cursor_get_u16(&th, &seg->sport) == -1 ||
	    cursor_get_u16(&th, &seg->dport) == -1 ||
	    cursor_get_u32(&th, &seg->seq) == -1 ||
	    cursor_get_u32(&th, &seg->ack) == -1 ||
	    cursor_get_u8(&th, &off) == -1 ||
	    cursor_get_u8(&th, &flags) == -1 ||
	    cursor_get_u16(&th, &seg->window) == -1 ||
	    cursor_get_u16(&th, &sum) == -1 ||
	    cursor_get_u16(&th, &urp) == -1)
		return DECODE_TRUNCATED;
	/* Options (the rest of th) are skipped: nothing downstream uses them. */
	seg->flags = flags;
	seg->payload = cursor_ptr(c);
	seg->wire_len = wire - (uint32_t)hlen;
	seg->len = (uint32_t)cursor_left(c);
	if (seg->len > seg->wire_len)
		seg->len = seg->wire_len;	/* cannot happen: c was carved */
	if (seg->len < seg->wire_len)
		STAT_INC(decode_payload_truncated);
	return DECODE_OK;
}

/*
 * Carve the datagram's claimed length out of the frame.  More claimed
 * than captured is fine when snaplen cut the frame; otherwise the length
 * field lies.  A claimed length of 0 is what TCP segmentation offload
 * leaves in packets captured on the sending host (and what RFC 2675
 * jumbograms carry in IPv6): then the frame's own length is all we have.
 */
static enum decode_result
carve_datagram(struct cursor *c, uint32_t *claimed, bool snapped,
    struct cursor *dg)
{
	size_t left = cursor_left(c);

	if (*claimed == 0)
		*claimed = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
	if (*claimed > left) {
		if (!snapped)
			return DECODE_MALFORMED;
		return cursor_sub(c, left, dg) == -1 ? DECODE_TRUNCATED :
		    DECODE_OK;
	}
	return cursor_sub(c, *claimed, dg) == -1 ? DECODE_TRUNCATED :
	    DECODE_OK;
}

/*
 * RFC 791 section 3.1:
 * |Version|  IHL  |Type of Service|          Total Length         |
 * |         Identification        |Flags|      Fragment Offset    |
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * |                       Source Address                          |
 * |                    Destination Address                        |
 * |                    Options                    |    Padding    |
 */
static enum decode_result
decode_ipv4(struct cursor *c, bool snapped, struct tcp_segment *seg)
{
	struct cursor dg, hdr;
	enum decode_result r;
	uint32_t total;
	uint16_t tl, frag;
	uint8_t vihl, proto;
	size_t hlen;

	if (cursor_peek_u8(c, 0, &vihl) == -1)
		return DECODE_TRUNCATED;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (vihl >> 4 != 4 || hlen < IPV4_HDR_MIN)
		return DECODE_MALFORMED;	/* RFC 791 3.1 Version, IHL */
	if (cursor_peek_u16(c, 2, &tl) == -1)
		return DECODE_TRUNCATED;
	total = tl;
	if (total != 0 && total < hlen)
		return DECODE_MALFORMED;	/* RFC 791 3.1 Total Length */
	if (cursor_left(c) < hlen)
		return DECODE_TRUNCATED;
	if ((r = carve_datagram(c, &total, snapped, &dg)) != DECODE_OK)
		return r;
	if (total < hlen)
		return DECODE_MALFORMED;	/* TSO guess left too little */
	if (cursor_sub(&dg, hlen, &hdr) == -1)
		return DECODE_TRUNCATED;
	STAT_INC(decode_ipv4);

	/* hdr holds hlen >= 20 bytes; options past 20 are skipped. */
	seg->src.family = seg->dst.family = ADDR_V4;
	if (cursor_skip(&hdr, 6) == -1 ||
	    cursor_get_u16(&hdr, &frag) == -1 ||
	    cursor_skip(&hdr, 1) == -1 ||
	    cursor_get_u8(&hdr, &proto) == -1 ||
	    cursor_skip(&hdr, 2) == -1 ||
	    cursor_get_bytes(&hdr, seg->src.a, 4) == -1 ||
	    cursor_get_bytes(&hdr, seg->dst.a, 4) == -1)
		return DECODE_TRUNCATED;
	/* RFC 791 3.1: MF is flag bit 2, the offset the low 13 bits. */
	if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0)
		return DECODE_FRAGMENT;
	if (proto != IPPROTO_NUM_TCP)
		return DECODE_NOT_TCP;
	return decode_tcp(&dg, total - (uint32_t)hlen, seg);
}

/*
 * One IPv6 extension header, RFC 8200 section 4.  On DECODE_OK *nh is the
 * next header and *wire has shrunk by the header's length.
 *   Hop-by-Hop, Routing, Destination Options: Next (1) | Hdr Ext Len (1):
 *     8-octet units, not counting the first 8 (RFC 8200 4.3, 4.4, 4.6)
 *   AH: Next (1) | Payload Len (1): 4-octet units minus 2 (RFC 4302 2.2)
 *   Fragment: Next (1) | Reserved (1) | Offset (13) | Res (2) | M (1) |
 *     Identification (4) (RFC 8200 4.5)
 */
static enum decode_result
decode_ipv6_ext(struct cursor *pl, uint8_t *nh, uint32_t *wire)
{
	uint8_t next, len;
	uint16_t offm;
	size_t hlen;

	if (*wire < 2)
		return DECODE_MALFORMED;
	if (cursor_peek_u8(pl, 0, &next) == -1 ||
	    cursor_peek_u8(pl, 1, &len) == -1)
		return DECODE_TRUNCATED;
	if (*nh == IPPROTO_NUM_AH)
		hlen = ((size_t)len + 2) * 4;
	else if (*nh == IPPROTO_NUM_FRAGMENT)
		hlen = 8;
	else
		hlen = ((size_t)len + 1) * 8;
	if (hlen > *wire)
		return DECODE_MALFORMED;	/* header past Payload Length */
	if (*nh == IPPROTO_NUM_FRAGMENT) {
		if (cursor_peek_u16(pl, 2, &offm) == -1)
			return DECODE_TRUNCATED;
		/*
		 * An "atomic fragment" (offset 0, M clear) is a whole
		 * datagram: RFC 6946 section 4 says to process it as one.
		 */
		if ((offm & 0xfff9) != 0)
			return DECODE_FRAGMENT;
	}
	if (cursor_skip(pl, hlen) == -1)
		return DECODE_TRUNCATED;
	*wire -= (uint32_t)hlen;
	*nh = next;
	return DECODE_OK;
}

/*
 * RFC 8200 section 3:
 * |Version| Traffic Class |           Flow Label                  |
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * |                   Source Address (16)                         |
 * |                Destination Address (16)                       |
 */
static enum decode_result
decode_ipv6(struct cursor *c, bool snapped, struct tcp_segment *seg)
{
	struct cursor pl;
	enum decode_result r;
	uint32_t vtf, wire;
	uint16_t plen;
	uint8_t nh, hlim;
	int n;

	if (cursor_peek_u8(c, 0, &nh) == -1)
		return DECODE_TRUNCATED;
	if (nh >> 4 != 6)
		return DECODE_MALFORMED;	/* RFC 8200 3 Version */
	if (cursor_left(c) < IPV6_HDR_LEN)
		return DECODE_TRUNCATED;
	seg->src.family = seg->dst.family = ADDR_V6;
	if (cursor_get_u32(c, &vtf) == -1 ||
	    cursor_get_u16(c, &plen) == -1 ||
	    cursor_get_u8(c, &nh) == -1 ||
	    cursor_get_u8(c, &hlim) == -1 ||
	    cursor_get_bytes(c, seg->src.a, 16) == -1 ||
	    cursor_get_bytes(c, seg->dst.a, 16) == -1)
		return DECODE_TRUNCATED;
	wire = plen;
	if ((r = carve_datagram(c, &wire, snapped, &pl)) != DECODE_OK)
		return r;
	STAT_INC(decode_ipv6);

	for (n = 0;; n++) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			return decode_tcp(&pl, wire, seg);
		case IPPROTO_NUM_HOPOPTS:
			/* RFC 8200 4.1: only right after the IPv6 header. */
			if (n != 0)
				return DECODE_MALFORMED;
			break;
		case IPPROTO_NUM_ROUTING:
		case IPPROTO_NUM_FRAGMENT:
		case IPPROTO_NUM_AH:
		case IPPROTO_NUM_DSTOPTS:
			break;
		case IPPROTO_NUM_NONE:
		default:
			return DECODE_NOT_TCP;
		}
		if (n == IPV6_MAX_EXT_HDRS)
			return DECODE_UNSUPPORTED;
		if ((r = decode_ipv6_ext(&pl, &nh, &wire)) != DECODE_OK)
			return r;
	}
}

static enum decode_result
decode_net(enum decode_net net, struct cursor *c, bool snapped,
    struct tcp_segment *seg)
{
	uint8_t b;

	if (net == NET_ANY) {
		if (cursor_peek_u8(c, 0, &b) == -1)
			return DECODE_TRUNCATED;
		if (b >> 4 == 4)
			net = NET_IPV4;
		else if (b >> 4 == 6)
			net = NET_IPV6;
		else
			return DECODE_MALFORMED;	/* not IP at all */
	}
	if (net == NET_IPV4)
		return decode_ipv4(c, snapped, seg);
	return decode_ipv6(c, snapped, seg);
}

static void
decode_count(enum decode_result r)
{
	switch (r) {
	case DECODE_OK:
		STAT_INC(decode_tcp);
		break;
	case DECODE_NOT_TCP:
		STAT_INC(decode_not_tcp);
		break;
	case DECODE_FRAGMENT:
		STAT_INC(decode_fragments);
		break;
	case DECODE_TRUNCATED:
		STAT_INC(decode_truncated);
		break;
	case DECODE_MALFORMED:
		STAT_INC(decode_malformed);
		break;
	case DECODE_UNSUPPORTED:
		STAT_INC(decode_unsupported);
		break;
	}
}

enum decode_result
decode_packet(const struct packet *pkt, struct tcp_segment *seg)
{
	/* A copy of static zeros is cheaper than memset()'s "rep stos". */
	static const struct tcp_segment seg_zero;
	struct cursor c;
	enum decode_net net = NET_ANY;
	enum decode_result r;
	bool snapped = pkt->caplen < pkt->wirelen;

	*seg = seg_zero;
	seg->pkt = pkt;
	cursor_init(&c, pkt->data, pkt->caplen);
	r = decode_link(pkt->linktype, &c, &net);
	if (r == DECODE_OK)
		r = decode_net(net, &c, snapped, seg);
	if (r == DECODE_TRUNCATED && !snapped)
		r = DECODE_MALFORMED;	/* the frame is shorter than it says */
	if (r != DECODE_OK) {
		/* Never hand half-filled fields to anyone. */
		*seg = seg_zero;
		seg->pkt = pkt;
	}
	decode_count(r);
	return r;
}
