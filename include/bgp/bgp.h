/*
 * bgp.h - BGP-4 constants and the decoded forms every later stage uses.
 *
 * RFC 4271 (BGP-4), 4760 (multiprotocol), 6793 (4-octet AS), 7911
 * (ADD-PATH), 8654 (extended messages), 7606 (revised error handling).
 */
#ifndef ROVMON_BGP_H
#define ROVMON_BGP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"
#include "capture/packet.h"

#define BGP_MARKER_LEN		16
#define BGP_HEADER_LEN		19
#define BGP_MAX_LEN		4096
#define BGP_MAX_LEN_EXT		65535

enum bgp_msg_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,
};

#define AFI_IPV4	1
#define AFI_IPV6	2
#define SAFI_UNICAST	1
#define SAFI_MULTICAST	2

/* AS_PATH segment types, RFC 4271 4.3 and RFC 5065. */
#define AS_SET			1
#define AS_SEQUENCE		2
#define AS_CONFED_SEQUENCE	3
#define AS_CONFED_SET		4

#define AS_TRANS	23456	/* RFC 6793 */

/*
 * One AS path, always with 4-octet ASNs ("inflated" once at decode time,
 * AS4_PATH already merged per RFC 6793 4.2.3).  Segment i covers
 * asns[seg[i].start .. seg[i].start + seg[i].count - 1].
 * Storage belongs to the decoder's per-message scratch.
 */
struct bgp_as_segment {
	uint8_t		type;	/* AS_SET, AS_SEQUENCE, ... */
	uint16_t	count;
	uint32_t	start;
};

struct bgp_aspath {
	const struct bgp_as_segment *seg;
	uint32_t	nseg;
	const uint32_t	*asns;
	uint32_t	nasn;
};

/* How the origin AS was derived (RFC 6811 section 2). */
enum bgp_origin_kind {
	ORIGIN_AS_NONE = 0,	/* no AS_PATH attribute, or empty path with
				 * the sender's AS unknown */
	ORIGIN_AS_SEQ,		/* last AS of the final AS_SEQUENCE */
	ORIGIN_AS_PEER,		/* empty AS_PATH: the sending peer's AS */
	ORIGIN_AS_SET,		/* path ends in an AS_SET: "none", never
				 * VALID */
	ORIGIN_AS_CONFED,	/* path ends in a confederation segment: the
				 * confederation's AS, which a monitor cannot
				 * know from the wire; treated as none */
};

/*
 * RFC 6811 section 2: a route has an origin AS to validate only when it
 * comes from the final AS_SEQUENCE or, for an empty path, the sender;
 * every other kind validates as "none" (never VALID).  kind is an enum
 * bgp_origin_kind (unsigned: the RIB keeps it in a narrow field).
 */
static inline bool
bgp_origin_known(unsigned kind)
{
	return kind == ORIGIN_AS_SEQ || kind == ORIGIN_AS_PEER;
}

/*
 * BGP roles, RFC 9234 section 4.1, as rovmon holds them: the role of one
 * end towards the other (a provider is BGP_ROLE_PROVIDER towards its
 * customer).  Not the wire values (provider 0 ... peer 4, bgp_role.h
 * converts): zero is "unknown", so that a zeroed struct claims no role.
 */
enum bgp_role {
	BGP_ROLE_UNKNOWN = 0,	/* neither the OPENs nor --role tell */
	BGP_ROLE_PROVIDER,
	BGP_ROLE_RS,
	BGP_ROLE_RS_CLIENT,
	BGP_ROLE_CUSTOMER,
	BGP_ROLE_PEER,
};

/* Where a session's roles came from. */
enum bgp_role_source {
	BGP_ROLE_SRC_NONE = 0,	/* unknown */
	BGP_ROLE_SRC_OPEN,	/* the Role capability of an OPEN */
	BGP_ROLE_SRC_CONFIG,	/* --role ADDR=ROLE */
};

/*
 * The encodings of one direction of a session (what bgp_session.h's
 * producers state, what bgp_sink.message reports).
 */
#define BGP_ENC_AS4		0x01	/* 4-octet AS_PATH (RFC 6793) */
#define BGP_ENC_ADDPATH_V4	0x02	/* ADD-PATH on IPv4 unicast */
#define BGP_ENC_ADDPATH_V6	0x04	/* ADD-PATH on IPv6 unicast */
#define BGP_ENC_ALL		0x07

/* Inferred encodings, when the OPENs were not seen. */
#define BGP_INFER_AS4		0x01	/* 4-octet AS_PATH inferred */
#define BGP_INFER_AS2		0x02	/* 2-octet AS_PATH inferred */
#define BGP_INFER_ADDPATH	0x04	/* ADD-PATH inferred on */
#define BGP_INFER_NOADDPATH	0x08	/* ADD-PATH inferred off */

/*
 * The path attributes of one UPDATE, as far as rovmon uses them.  Valid
 * for the duration of one route callback; copy to keep.
 */
struct bgp_attrs {
	uint32_t	present;	/* bit (1 << type code) for codes < 32 */
	uint8_t		origin;		/* ORIGIN attribute: 0 IGP, 1 EGP, 2 ? */
	struct bgp_aspath aspath;
	enum bgp_origin_kind origin_kind;
	uint32_t	origin_as;	/* valid for ORIGIN_AS_SEQ / _PEER */
	struct ipaddr	next_hop;	/* NEXT_HOP, or MP_REACH's next hop
					 * for MP routes (family 0 if none) */
	struct ipaddr	next_hop_ll;	/* IPv6 link-local next hop, if any */
	uint32_t	med, local_pref;
	bool		has_med, has_local_pref;
	bool		atomic_aggregate;
	uint32_t	aggregator_as;
	struct ipaddr	aggregator_addr;
	const uint8_t	*communities;	/* raw 4-byte values; ncommunities */
	uint32_t	ncommunities;
	const uint8_t	*large_communities;	/* raw 12-byte values */
	uint32_t	nlarge_communities;
	bool		has_otc;	/* Only-to-Customer, RFC 9234 5 */
	uint32_t	otc;
	uint8_t		router_rpki;	/* enum bgp_router_rpki, RFC 8097 */
	uint8_t		inferred;	/* BGP_INFER_* */
};

/*
 * The origin validation state a router stamped on a route (RFC 8097
 * extended community 0x43/0x00): wire value + 1, NONE without one.  With
 * several differing stamps the least favourable counts (invalid over
 * not-found over valid, the largest value): docs/route-log.md.
 */
enum bgp_router_rpki {
	BGP_RRPKI_NONE = 0,
	BGP_RRPKI_VALID,	/* wire 0 */
	BGP_RRPKI_NOT_FOUND,	/* wire 1 */
	BGP_RRPKI_INVALID,	/* wire 2 */
};

/* "valid", "not-found", "invalid"; NULL for NONE. */
const char	*bgp_router_rpki_name(enum bgp_router_rpki);

enum bgp_route_event {
	BGP_ROUTE_ANNOUNCE,
	BGP_ROUTE_WITHDRAW,
};

struct bgp_route {
	enum bgp_route_event event;
	struct prefix	prefix;
	uint16_t	afi;
	uint8_t		safi;
	bool		has_path_id;
	uint32_t	path_id;
	bool		treat_as_withdraw;	/* RFC 7606 turned an announce
						 * into this withdraw */
};

/*
 * Which of a router's views a route was seen in (issue 18).  A session on
 * the wire and an MRT archive of one show what a speaker sent
 * (BGP_VIEW_WIRE); a BMP feed (RFC 7854) says which of the monitored
 * router's RIBs a route monitoring message reports: Adj-RIB-In before or
 * after its import policy, Adj-RIB-Out (RFC 8671) before or after its
 * export policy, or its Loc-RIB (RFC 9069).  The route log and alerts
 * name it ("view") unless it is the wire.
 */
enum bgp_view {
	BGP_VIEW_WIRE = 0,
	BGP_VIEW_ADJ_IN_PRE,
	BGP_VIEW_ADJ_IN_POST,
	BGP_VIEW_ADJ_OUT_PRE,
	BGP_VIEW_ADJ_OUT_POST,
	BGP_VIEW_LOC_RIB,
};

/* "adj-rib-in-pre", ..., "loc-rib"; NULL for BGP_VIEW_WIRE. */
const char	*bgp_view_name(enum bgp_view);

/*
 * Where an UPDATE came from: the direction it travelled (src = sender)
 * and the frame that completed it.  peer_as is the sender's AS (0 when
 * unknown); local_as the receiver's.
 */
struct bgp_msg_ctx {
	struct ipaddr	src_addr, dst_addr;
	uint16_t	src_port, dst_port;
	uint32_t	peer_as, local_as;
	/* The sender's role towards the receiver ("customer" when the
	 * sender is the receiver's customer), and where it came from. */
	enum bgp_role	sender_role;
	enum bgp_role_source role_source;
	const struct packet *pkt;	/* may be NULL at end of capture */
	const uint8_t	*msg;		/* the whole message, header included */
	uint32_t	msg_len;
	uint64_t	session_id;	/* unique per TCP session */
	/* The message's number in the run, from 1 (0: not from a session):
	 * routes with the same msg_seq come from one UPDATE, so a consumer
	 * that keeps them past the callback copies its bytes once
	 * (rovmon/route_batch.c, and the output stage's alert records,
	 * rovmon/output.c, through route_event.msg_seq). */
	uint64_t	msg_seq;
	uint8_t		view;		/* enum bgp_view: WIRE but for BMP */
};

/* Session-level events, for route state and logs. */
enum bgp_session_event {
	BGP_SESS_OPEN,		/* an OPEN was seen in this direction */
	BGP_SESS_NOTIFICATION,	/* a NOTIFICATION was seen */
	BGP_SESS_EOR,		/* End-of-RIB marker (RFC 4724) */
	BGP_SESS_DOWN,		/* TCP closed / reset / timed out */
	BGP_SESS_CAPTURE_END,	/* the capture ended with the session up:
				 * not a session event, its routes stand */
	BGP_SESS_MIDSTREAM,	/* a direction's first message is not an
				 * OPEN: picked up mid-stream (a session
				 * that went on across rovmon's restart
				 * resumes its restored state here, even
				 * on a KEEPALIVE) */
};

struct bgp_open;

/*
 * The whole session as the framer sees it, handed with each session
 * event so that reports need no state of their own per message.  Valid
 * for the callback only.  Endpoint 0 is the reassembly's direction 0
 * (a -> b); dir is the direction of the event's message (0 for DOWN
 * and CAPTURE_END).
 */
struct bgp_session_view {
	struct ipaddr	addr[2];
	uint16_t	port[2];
	const struct bgp_open *open[2];	/* what endpoint i sent; NULL
					 * until its OPEN was seen */
	uint64_t	msgs[2][BGP_ROUTE_REFRESH + 1];	/* sent by endpoint
					 * i, by type (RFC 4271 4.1) */
	uint64_t	gaps[2], gap_bytes[2];	/* lost in reassembly */
	/* RFC 9234 roles (bgp_session_role.c): endpoint i's role towards
	 * the other and where both came from (UNKNOWN and NONE when not
	 * known); what --role says of endpoint i (UNKNOWN: nothing); the
	 * Role capabilities of the OPENs do not correspond (4.2). */
	enum bgp_role	role[2];
	enum bgp_role_source role_src;
	enum bgp_role	role_cfg[2];
	bool		role_mismatch;
	int		dir;
};

struct bgp_session_info {
	enum bgp_session_event event;
	uint16_t	afi;		/* for EOR */
	uint8_t		safi;
	uint8_t		code, subcode;	/* for NOTIFICATION */
	const char	*reason;	/* human text (static), may be NULL */
	const struct bgp_session_view *view;	/* NULL if the producer
					 * keeps no session (tests) */
};

/*
 * The consumer of decoded BGP (rovmon_loop.c in rovmon): each route goes
 * to validation, then the report, the route log and alerting (the RIB);
 * each session event to the report and alerting.
 */
struct bgp_sink {
	void	(*route)(void *arg, const struct bgp_msg_ctx *,
		    const struct bgp_attrs *, const struct bgp_route *);
	void	(*session)(void *arg, const struct bgp_msg_ctx *,
		    const struct bgp_session_info *);
	void	*arg;
	/*
	 * Optional (NULL: none): every whole message of every session,
	 * header included (ctx->msg, ctx->msg_len), before it is decoded
	 * and before the session events it causes, with the encodings
	 * (BGP_ENC_*) it is decoded with: --write-mrt archives them.
	 */
	void	(*message)(void *arg, const struct bgp_msg_ctx *,
		    unsigned enc);
};

const char	*bgp_msg_type_name(unsigned type);
const char	*bgp_notification_name(unsigned code, unsigned subcode);
/* "seq", "peer", "set", "confed" or "none" */
const char	*bgp_origin_kind_name(enum bgp_origin_kind);

#endif /* ROVMON_BGP_H */
