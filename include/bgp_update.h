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

#include "bgp.h"

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
 * static string naming the RFC rule that failed, for logs.
 */
enum bgp_update_result bgp_update_decode(const uint8_t *body, size_t len,
	    const struct bgp_decode_opts *, struct bgp_update_scratch *,
	    const struct bgp_msg_ctx *, const struct bgp_sink *,
	    const char **why);

/*
 * Dry run for inference: true if body parses exactly (every length field
 * consistent, every prefix length legal, nothing left over) under opts.
 * Emits nothing.
 */
bool	bgp_update_parses(const uint8_t *body, size_t len,
	    const struct bgp_decode_opts *, struct bgp_update_scratch *);

#endif /* ROVMON_BGP_UPDATE_H */
