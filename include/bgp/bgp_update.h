/*
 * bgp_update.h - UPDATE message decoding (RFC 4271 4.3, 4760, 6793, 7911).
 *
 * The session layer owns framing and capability state; this module turns
 * one UPDATE body (the bytes after the 19-byte header) into routes.
 *
 *   +-----------------------------------------------------+
 *   |   Withdrawn Routes Length (2 octets)                |
 *   |   Withdrawn Routes (variable)                       |
 *   |   Total Path Attribute Length (2 octets)            |
 *   |   Path Attributes (variable)                        |
 *   |   Network Layer Reachability Information (variable) |
 *   +-----------------------------------------------------+
 */
#ifndef ROVMON_BGP_UPDATE_H
#define ROVMON_BGP_UPDATE_H

#include <stddef.h>

#include "bgp/bgp.h"

/* How this direction encodes things (from the OPENs, or inferred). */
struct bgp_decode_opts {
	bool	as4;			/* AS_PATH carries 4-octet ASNs */
	bool	addpath_v4u;		/* ADD-PATH on IPv4 unicast */
	bool	addpath_v6u;		/* ADD-PATH on IPv6 unicast */
	uint32_t peer_as;		/* sender's AS, 0 unknown (empty path) */
	uint8_t	inferred;		/* BGP_INFER_* copied into attrs */
};

/* RFC 7606-style outcome of decoding one UPDATE. */
enum bgp_update_result {
	BGP_UPD_OK = 0,
	BGP_UPD_TREAT_AS_WITHDRAW,	/* attrs malformed: NLRI withdrawn
					 * (routes emitted as withdraws) */
	BGP_UPD_ATTR_DISCARD,		/* a non-essential attr dropped */
	BGP_UPD_SESSION_RESET,		/* NLRI/withdrawn unparseable: a
					 * router would reset; nothing emitted */
};

struct bgp_update_scratch;	/* per-direction reusable buffers */

struct bgp_update_scratch *bgp_update_scratch_new(void);
void	bgp_update_scratch_free(struct bgp_update_scratch *);	/* NULL ok */

/*
 * Decode body[0..len) and call sink->route for each withdrawn and
 * announced route (withdrawals first, then MP_UNREACH, then announces,
 * then MP_REACH).  Never reads outside body.  `why` (may be NULL) gets a
 * static string naming the RFC rule that failed, for logs (NULL on OK).
 *
 * For an announcement attrs is fully populated, next_hop being NEXT_HOP
 * for IPv4 NLRI and the MP_REACH next hop for MP routes.  Withdrawals get
 * the same struct; its path fields mean nothing for them.  attrs and the
 * route are valid only during the callback (communities point into body).
 *
 * Results (RFC 7606; the strongest action wins, section 3(h)):
 *   BGP_UPD_OK                 all routes emitted.
 *   BGP_UPD_ATTR_DISCARD       a non-essential attribute was dropped (or a
 *                              duplicate); routes emitted normally.
 *   BGP_UPD_TREAT_AS_WITHDRAW  every prefix of the UPDATE is emitted as a
 *                              withdrawal (announced ones included).
 *   BGP_UPD_SESSION_RESET      the NLRI/withdrawn routes cannot be parsed
 *                              exactly: nothing is emitted.
 * Every non-OK result counts stats.bgp_malformed plus its own counter.
 * An attribute of unrecognised type code with the Optional bit clear (RFC
 * 4271 6.3, "Unrecognized Well-known Attribute") is treat-as-withdraw;
 * such an UPDATE, when it ends as treat-as-withdraw (not reset), also
 * counts stats.bgp_unknown_wellknown.
 *
 * End-of-RIB (RFC 4724 section 2): an UPDATE with nothing in it (IPv4
 * unicast) or with only an empty MP_UNREACH_NLRI (that AFI/SAFI) emits
 * no route, counts stats.bgp_eor and returns BGP_UPD_OK.  The session
 * layer learns of it with bgp_update_is_eor() and emits BGP_SESS_EOR;
 * this module never calls sink->session.
 */
enum bgp_update_result bgp_update_decode(const uint8_t *body, size_t len,
	    const struct bgp_decode_opts *, struct bgp_update_scratch *,
	    const struct bgp_msg_ctx *, const struct bgp_sink *,
	    const char **why);

/*
 * True if body is an End-of-RIB marker (RFC 4724 section 2); *afi, *safi
 * (may be NULL) get the address family (AFI_IPV4/SAFI_UNICAST for the
 * empty UPDATE).  Reads at most the attribute headers; no side effects.
 */
bool	bgp_update_is_eor(const uint8_t *body, size_t len, uint16_t *afi,
	    uint8_t *safi);

/*
 * What a dry run over one UPDATE found (bgp_update_probe()).
 */
struct bgp_update_probe {
	bool		parses;		/* == bgp_update_parses() */
	bool		has_aspath;	/* an AS_PATH attribute is present */
	bool		aspath_has_as0;	/* it holds AS 0 under opts->as4 */
	bool		has_as4path;	/* an AS4_PATH attribute is present */
	uint32_t	nprefix;	/* prefixes (v4, and MP of AFI 1/2
					 * SAFI 1), when parses */
	uint32_t	odd_prefixes;	/* of those: host bits set past the
					 * length, or length 0 */
};

/*
 * Dry run for inference: true if body parses exactly (every length field
 * consistent, every prefix length legal, nothing left over) under opts.
 * Emits nothing, counts nothing, allocates nothing.
 *
 * What is checked: the withdrawn and attribute lengths; every attribute
 * header fits the attribute block exactly (extended length honoured); the
 * AS_PATH segments exactly fill the attribute with ASNs 4 octets wide if
 * opts->as4, else 2 (types 1..4, counts >= 1); the IPv4 withdrawn routes
 * and NLRI, and the NLRI of MP_REACH/MP_UNREACH for AFI 1/2 SAFI 1 (with
 * a path id when ADD-PATH is on for that AFI; MP_REACH next hop length
 * legal) parse exactly.  Other AFI/SAFI are not looked into.
 *
 * How the session layer should infer (when the OPENs were not seen):
 *  - AS width: probe with as4 true and false.  If exactly one parses,
 *    decide.  If both parse (an UPDATE without AS_PATH, an empty one, or
 *    a 4-octet path whose bytes happen to read as 2-octet segments):
 *    prefer the width whose probe has !aspath_has_as0 (RFC 7607: AS 0
 *    never appears in a path, so AS 0 means the width is wrong); if still
 *    tied, an AS4_PATH attribute (has_as4path) means 2-octet, as only a
 *    NEW speaker talking to an OLD one sends it (RFC 6793 4.2.2); if still
 *    tied, stay undecided, decode this UPDATE as 4-octet (today's norm)
 *    and probe the next one.
 *  - ADD-PATH: probe with the flag on and off likewise.  If both parse,
 *    prefer the setting with fewer odd_prefixes (a misread path id shows
 *    up as /0 prefixes or host bits set); if tied, stay undecided and
 *    decode with ADD-PATH off.
 * Only decisions from unambiguous probes should be marked BGP_INFER_*.
 */
bool	bgp_update_probe(const uint8_t *body, size_t len,
	    const struct bgp_decode_opts *, struct bgp_update_probe *out);
/* bgp_update_probe(), keeping only whether the UPDATE parses. */
bool	bgp_update_parses(const uint8_t *body, size_t len,
	    const struct bgp_decode_opts *);

#endif /* ROVMON_BGP_UPDATE_H */
