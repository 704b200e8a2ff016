/*
 * decode.h - link, IP and TCP decoding: one frame in, one TCP segment out.
 *
 * Link types: Ethernet (with any stack of 802.1Q / 802.1ad tags), Linux
 * cooked v1 (SLL) and v2 (SLL2), raw IP (DLT_RAW, LINKTYPE_IPV4/IPV6),
 * BSD loopback (DLT_NULL, DLT_LOOP), PPP (as tcpdump's tests use it).
 * Network: IPv4 (options skipped; fragments counted, see decode.c) and
 * IPv6 (extension header chain walked).  Transport: TCP only.
 *
 * All parsing goes through struct cursor; the segment's payload pointer
 * points into pkt->data and is valid only for the current callback.
 */
#ifndef ROVMON_DECODE_H
#define ROVMON_DECODE_H

#include "packet.h"

enum decode_result {
	DECODE_OK = 0,		/* *seg filled */
	DECODE_NOT_TCP,		/* IP but not TCP (or not IP at all) */
	DECODE_FRAGMENT,	/* an IP fragment; counted, not decoded */
	DECODE_TRUNCATED,	/* capture cut a header short */
	DECODE_MALFORMED,	/* header fields contradict the RFCs */
	DECODE_UNSUPPORTED,	/* link type or protocol we do not handle */
};

/* True if rovmon can decode this pcap link type. */
int			decode_link_supported(int linktype);
/* Decode one frame.  Counts into the global stats (stats.h). */
enum decode_result	decode_packet(const struct packet *pkt,
			    struct tcp_segment *seg);

#endif /* ROVMON_DECODE_H */
