/*
 * bmp.h - one BMP v3 message (RFC 7854; RFC 8671 Adj-RIB-Out; RFC 9069
 * Loc-RIB) decoded, every byte through base/cursor.h.  The framing of a
 * byte stream into messages and what the messages mean for BGP sessions
 * are feed/bmp_stream.h's.
 *
 * Common header (RFC 7854 4.1), every message:
 *
 *   0       1               5       6
 *   +-------+---------------+-------+
 *   |version| message length| type |   length counts the header too
 *   +-------+---------------+-------+
 *
 * Per-peer header (4.2), 42 octets, after the common header of every type
 * but Initiation and Termination:
 *
 *   peer type (1) | flags (1) | peer distinguisher (8) | peer address (16)
 *   | peer AS (4) | peer BGP ID (4) | timestamp seconds (4) | microseconds (4)
 */
#ifndef ROVMON_BMP_H
#define ROVMON_BMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "bgp/bgp.h"

#define BMP_VERSION		3
#define BMP_HDR_LEN		6
#define BMP_PEER_HDR_LEN	42
/*
 * The longest message taken: a Peer Up with two extended (RFC 8654)
 * OPENs is under 132 KiB; a longer length is refused (and, while
 * resynchronising, not a candidate boundary).
 */
#define BMP_MSG_MAX		(256u * 1024u)

enum bmp_type {
	BMP_ROUTE_MONITORING = 0,
	BMP_STATISTICS = 1,
	BMP_PEER_DOWN = 2,
	BMP_PEER_UP = 3,
	BMP_INITIATION = 4,
	BMP_TERMINATION = 5,
	BMP_ROUTE_MIRRORING = 6,
};
#define BMP_TYPE_MAX		6

/* Peer types (RFC 7854 4.2, RFC 9069 4.1). */
enum bmp_peer_type {
	BMP_PEER_GLOBAL = 0,
	BMP_PEER_RD = 1,		/* RD instance peer */
	BMP_PEER_LOCAL = 2,		/* local instance peer */
	BMP_PEER_LOC_RIB = 3,		/* the router's own Loc-RIB */
};

/* Per-peer flags of peer types 0-2 (RFC 7854 4.2, RFC 8671 4). */
#define BMP_F_V		0x80	/* peer address IPv6 */
#define BMP_F_L		0x40	/* post-policy */
#define BMP_F_A		0x20	/* 2-octet AS_PATH (legacy) */
#define BMP_F_O		0x10	/* Adj-RIB-Out */
/* Of peer type 3 (RFC 9069 4.2). */
#define BMP_F_LOC_F	0x80	/* Loc-RIB filtered */

/* Peer Down reasons (RFC 7854 4.9, RFC 9069 5.5). */
#define BMP_DOWN_LOCAL_NOTIF	1	/* BGP NOTIFICATION follows */
#define BMP_DOWN_LOCAL_FSM	2	/* 2-octet FSM event code follows */
#define BMP_DOWN_REMOTE_NOTIF	3	/* BGP NOTIFICATION follows */
#define BMP_DOWN_REMOTE_NODATA	4
#define BMP_DOWN_DECONFIGURED	5
#define BMP_DOWN_LOCAL_TLV	6	/* RFC 9069: TLVs follow */

struct bmp_peer {
	uint8_t		type;		/* enum bmp_peer_type */
	uint8_t		flags;
	uint64_t	distinguisher;
	struct ipaddr	addr;		/* V flag: IPv6, else IPv4 */
	uint32_t	as;
	uint32_t	bgp_id;
	uint32_t	ts_sec, ts_usec;
};

/* A piece of the message (points into the decoded bytes). */
struct bmp_bytes {
	const uint8_t	*p;
	size_t		 len;
};

#define BMP_STATS_KEPT	32

struct bmp_msg {
	uint8_t		version, type;
	uint32_t	len;
	bool		has_peer;
	struct bmp_peer	peer;
	/* Route Monitoring: the BGP UPDATE (header included). */
	struct bmp_bytes bgp;
	/* Peer Up */
	struct ipaddr	local_addr;
	uint16_t	local_port, remote_port;
	struct bmp_bytes sent_open, recv_open;
	/* Peer Down */
	uint8_t		down_reason;
	uint16_t	fsm_event;
	struct bmp_bytes notification;	/* reasons 1 and 3 */
	uint8_t		notif_code, notif_subcode;
	/* Statistics Report: the count stated and the first
	 * BMP_STATS_KEPT counters (type, value; 8-octet gauges whole,
	 * per-AFI/SAFI gauges their value) */
	uint32_t	nstats;
	uint16_t	stat_type[BMP_STATS_KEPT];
	uint64_t	stat_value[BMP_STATS_KEPT];
	/* Initiation, Termination, Peer Up, Peer Down (6): the TLVs;
	 * Initiation's sysName/sysDescr and Termination's reason read */
	struct bmp_bytes tlvs;
	struct bmp_bytes sys_name, sys_descr;
	bool		has_term_reason;
	uint16_t	term_reason;
	/* Route Mirroring: the TLVs (BGP messages, information) */
	struct bmp_bytes mirror;
	char		why[160];	/* a refusal's reason */
};

/*
 * The common header of p (at least BMP_HDR_LEN bytes): its version, type
 * and length.  NULL when it may start a message (version 3, a known
 * type, a length between the type's minimum and BMP_MSG_MAX), else why
 * not, in m->why.
 */
const char	*bmp_header(const uint8_t *p, size_t n, struct bmp_msg *m);
/*
 * Decode the whole message p[0..n) (n = its header's length).  NULL when
 * taken (m's pointers into p), else why not, naming the field (in
 * m->why).
 */
const char	*bmp_decode(const uint8_t *p, size_t n, struct bmp_msg *m);
/*
 * The next TLV of a TLV area (Initiation, Termination, Peer Up
 * information, Route Mirroring): 1 with *type and *value, 0 at the end,
 * -1 when the area is cut (why in m->why).  *area advances.
 */
int		 bmp_tlv_next(struct bmp_bytes *area, uint16_t *type,
		    struct bmp_bytes *value);

const char	*bmp_type_name(unsigned type);
/* The RIB view a per-peer header reports: Loc-RIB for peer type 3,
 * else Adj-RIB-In or -Out (O flag), pre- or post-policy (L flag). */
enum bgp_view	 bmp_peer_view(const struct bmp_peer *);

#endif /* ROVMON_BMP_H */
