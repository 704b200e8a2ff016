/*
 * packet.h - one captured frame and the TCP segment decoded from it.
 *
 * A struct packet lives only for one pcap callback: nothing downstream may
 * keep its data pointer.  Long-lived state copies what it needs.
 */
#ifndef ROVMON_PACKET_H
#define ROVMON_PACKET_H

#include <stdint.h>
#include <sys/time.h>

#include "base/addr.h"

struct packet {
	uint64_t	 num;		/* 1-based frame number in the capture */
	struct timeval	 ts;		/* capture timestamp */
	int		 linktype;	/* pcap DLT_* */
	const uint8_t	*data;		/* captured bytes; not owned */
	uint32_t	 caplen;	/* bytes captured */
	uint32_t	 wirelen;	/* bytes on the wire */
};

/* TCP flags, RFC 9293 section 3.1. */
#define TCPF_FIN	0x01
#define TCPF_SYN	0x02
#define TCPF_RST	0x04
#define TCPF_PSH	0x08
#define TCPF_ACK	0x10

struct tcp_segment {
	const struct packet *pkt;	/* the frame it came in */
	struct ipaddr	 src, dst;
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	uint8_t		 flags;		/* TCPF_* */
	uint16_t	 window;
	const uint8_t	*payload;	/* captured payload; not owned */
	uint32_t	 len;		/* captured payload bytes */
	uint32_t	 wire_len;	/* payload bytes per the IP length;
					 * > len when snaplen cut the frame */
};

#endif /* ROVMON_PACKET_H */
