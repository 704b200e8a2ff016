/*
 * decode.h - link, IP and TCP decoding: one frame in, one TCP segment out.
 *
 * Link types: Ethernet (any stack of 802.1Q / 802.1ad / 0x9100 tags, up
 * to 8; 802.3 + SNAP), Linux cooked v1 (SLL) and v2 (SLL2), raw IP
 * (DLT_RAW 12/14, LINKTYPE_RAW 101, LINKTYPE_IPV4/IPV6), BSD loopback
 * (DLT_NULL either byte order, DLT_LOOP), PPP (DLT_PPP, DLT_PPP_SERIAL),
 * Cisco HDLC, Frame Relay (RFC 2427 and Cisco), Juniper Ethernet.  Under
 * any of them: MPLS label stacks (up to 16) and PPPoE sessions.
 * Network: IPv4 (options skipped) and IPv6 (up to 8 extension headers).
 * IP fragments are counted and returned as DECODE_FRAGMENT, not
 * reassembled; IPv6 atomic fragments (RFC 6946) are decoded.
 * Transport: TCP only; options skipped.
 *
 * Results: each call returns one enum decode_result and bumps exactly one
 * of stats.decode_tcp / _not_tcp / _fragments / _truncated / _malformed /
 * _unsupported.  DECODE_TRUNCATED means snaplen cut a header
 * (caplen < wirelen); a frame that was captured whole but is shorter than
 * its headers claim is DECODE_MALFORMED.  A payload cut by snaplen is
 * still DECODE_OK with seg->len < seg->wire_len.
 *
 * All parsing goes through struct cursor; the segment's payload pointer
 * points into pkt->data and is valid only for the current callback.
 * On any result but DECODE_OK, *seg is zeroed except seg->pkt.
 */
#ifndef ROVMON_DECODE_H
#define ROVMON_DECODE_H

#include "capture/packet.h"

enum decode_result {
	DECODE_OK = 0,		/* *seg filled */
	DECODE_NOT_TCP,		/* IP but not TCP (or not IP at all) */
	DECODE_FRAGMENT,	/* an IP fragment; counted, not decoded */
	DECODE_TRUNCATED,	/* capture cut a header short */
	DECODE_MALFORMED,	/* header fields contradict the RFCs */
	DECODE_UNSUPPORTED,	/* link type or protocol we do not handle */
};

/* True (1) if rovmon can decode this pcap link type (DLT_ value). */
int			decode_link_supported(int linktype);
/* Decode one frame.  Counts into the global stats (stats.h). */
enum decode_result	decode_packet(const struct packet *pkt,
			    struct tcp_segment *seg);

#endif /* ROVMON_DECODE_H */
