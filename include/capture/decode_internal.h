/*
 * decode_internal.h - the seam between decode_link.c and decode.c.
 *
 * Private to the decoder: nothing outside src/decode*.c includes it.
 * decode_link() strips the link layer (and any VLAN tags, MPLS labels,
 * PPPoE or PPP framing under it) and says which network protocol
 * follows; decode.c takes it from there.
 */
#ifndef ROVMON_DECODE_INTERNAL_H
#define ROVMON_DECODE_INTERNAL_H

#include "base/cursor.h"
#include "capture/decode.h"

enum decode_net {
	NET_IPV4,		/* the link layer said IPv4 */
	NET_IPV6,		/* the link layer said IPv6 */
	NET_ANY,		/* raw IP: the version nibble decides */
};

/*
 * Walk the link-layer header(s) of a frame of pcap link type linktype.
 * On DECODE_OK, *c starts at the network header and *net says which one.
 * Running out of bytes gives DECODE_TRUNCATED; decode_packet() turns that
 * into DECODE_MALFORMED when the capture did not cut the frame.
 * Counts nothing except decode_vlan (decode_packet() counts the result).
 */
enum decode_result	decode_link(int linktype, struct cursor *c,
			    enum decode_net *net);

#endif /* ROVMON_DECODE_INTERNAL_H */
