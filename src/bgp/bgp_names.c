/*
 * bgp_names.c - names of BGP message types and NOTIFICATION codes.
 *
 * Codes and subcodes from RFC 4271 section 4.5 and 6.1-6.6, RFC 5492
 * (Unsupported Capability), RFC 6608 (FSM error subcodes), RFC 4486 and
 * RFC 8538 / RFC 9384 (Cease subcodes; RFC 8203 and RFC 9003 put a
 * shutdown communication after subcodes 2 and 4), RFC 7313 (ROUTE-REFRESH
 * message error), RFC 9234 (Role Mismatch).  RFC 8654 adds no code: an
 * oversized message is still Message Header Error / Bad Message Length.
 *
 * Every name is a static string; codes and subcodes nobody assigned give
 * "unknown" (or "<code name>: unknown" for an unassigned subcode).
 */
#include <stddef.h>

#include "bgp/bgp.h"

struct notif_code {
	const char	*name;		/* subcode 0: unspecific */
	const char	*unknown;	/* unassigned subcode */
	const char *const *sub;		/* sub[i] names subcode i, i >= 1 */
	unsigned	 nsub;
};

/* RFC 4271 6.1 */
static const char *const hdr_err[] = {
	NULL,
	"Message Header Error: Connection Not Synchronized",
	"Message Header Error: Bad Message Length",
	"Message Header Error: Bad Message Type",
};

/* RFC 4271 6.2, RFC 5492 section 5, RFC 9234 section 4.2 */
static const char *const open_err[] = {
	NULL,
	"OPEN Message Error: Unsupported Version Number",
	"OPEN Message Error: Bad Peer AS",
	"OPEN Message Error: Bad BGP Identifier",
	"OPEN Message Error: Unsupported Optional Parameter",
	"OPEN Message Error: Authentication Failure (deprecated)",
	"OPEN Message Error: Unacceptable Hold Time",
	"OPEN Message Error: Unsupported Capability",
	"OPEN Message Error: deprecated subcode 8",
	"OPEN Message Error: deprecated subcode 9",
	"OPEN Message Error: deprecated subcode 10",
	"OPEN Message Error: Role Mismatch",
};

/* RFC 4271 6.3 */
static const char *const update_err[] = {
	NULL,
	"UPDATE Message Error: Malformed Attribute List",
	"UPDATE Message Error: Unrecognized Well-known Attribute",
	"UPDATE Message Error: Missing Well-known Attribute",
	"UPDATE Message Error: Attribute Flags Error",
	"UPDATE Message Error: Attribute Length Error",
	"UPDATE Message Error: Invalid ORIGIN Attribute",
	"UPDATE Message Error: AS Routing Loop (deprecated)",
	"UPDATE Message Error: Invalid NEXT_HOP Attribute",
	"UPDATE Message Error: Optional Attribute Error",
	"UPDATE Message Error: Invalid Network Field",
	"UPDATE Message Error: Malformed AS_PATH",
};

/* RFC 6608 section 4 */
static const char *const fsm_err[] = {
	NULL,
	"Finite State Machine Error: Unexpected Message in OpenSent State",
	"Finite State Machine Error: Unexpected Message in OpenConfirm State",
	"Finite State Machine Error: Unexpected Message in Established State",
};

/* RFC 4486 section 4, RFC 8538 section 3 (9), RFC 9384 (10) */
static const char *const cease[] = {
	NULL,
	"Cease: Maximum Number of Prefixes Reached",
	"Cease: Administrative Shutdown",
	"Cease: Peer De-configured",
	"Cease: Administrative Reset",
	"Cease: Connection Rejected",
	"Cease: Other Configuration Change",
	"Cease: Connection Collision Resolution",
	"Cease: Out of Resources",
	"Cease: Hard Reset",
	"Cease: BFD Down",
};

/* RFC 7313 section 5 */
static const char *const rr_err[] = {
	NULL,
	"ROUTE-REFRESH Message Error: Invalid Message Length",
};

#define NSUB(a)	(unsigned)(sizeof(a) / sizeof((a)[0]))

/* Indexed by error code (RFC 4271 4.5); entry 0 is unassigned. */
static const struct notif_code codes[] = {
	{ NULL, NULL, NULL, 0 },
	{ "Message Header Error", "Message Header Error: unknown",
	    hdr_err, NSUB(hdr_err) },
	{ "OPEN Message Error", "OPEN Message Error: unknown",
	    open_err, NSUB(open_err) },
	{ "UPDATE Message Error", "UPDATE Message Error: unknown",
	    update_err, NSUB(update_err) },
	{ "Hold Timer Expired", "Hold Timer Expired: unknown", NULL, 0 },
	{ "Finite State Machine Error", "Finite State Machine Error: unknown",
	    fsm_err, NSUB(fsm_err) },
	{ "Cease", "Cease: unknown", cease, NSUB(cease) },
	{ "ROUTE-REFRESH Message Error",
	    "ROUTE-REFRESH Message Error: unknown", rr_err, NSUB(rr_err) },
};

const char *
bgp_notification_name(unsigned code, unsigned subcode)
{
	const struct notif_code *c;

	if (code == 0 || code >= NSUB(codes))
		return "unknown";
	c = &codes[code];
	if (subcode == 0)
		return c->name;
	if (subcode < c->nsub && c->sub[subcode] != NULL)
		return c->sub[subcode];
	return c->unknown;
}

/* RFC 4271 section 4.1, RFC 2918 section 3 (ROUTE-REFRESH). */
const char *
bgp_msg_type_name(unsigned type)
{
	switch (type) {
	case BGP_OPEN:
		return "OPEN";
	case BGP_UPDATE:
		return "UPDATE";
	case BGP_NOTIFICATION:
		return "NOTIFICATION";
	case BGP_KEEPALIVE:
		return "KEEPALIVE";
	case BGP_ROUTE_REFRESH:
		return "ROUTE-REFRESH";
	default:
		return "unknown";
	}
}

/* RFC 8097 state names, as the route log, alerts and rules spell them. */
const char *
bgp_router_rpki_name(enum bgp_router_rpki s)
{
	switch (s) {
	case BGP_RRPKI_VALID:
		return "valid";
	case BGP_RRPKI_NOT_FOUND:
		return "not-found";
	case BGP_RRPKI_INVALID:
		return "invalid";
	default:
		return NULL;
	}
}

/* How the origin AS was derived, as the route log and alerts name it. */
const char *
bgp_origin_kind_name(enum bgp_origin_kind k)
{
	switch (k) {
	case ORIGIN_AS_SEQ:
		return "seq";
	case ORIGIN_AS_PEER:
		return "peer";
	case ORIGIN_AS_SET:
		return "set";
	case ORIGIN_AS_CONFED:
		return "confed";
	default:
		return "none";
	}
}

const char *
bgp_view_name(enum bgp_view v)
{
	switch (v) {
	case BGP_VIEW_WIRE:
		return NULL;
	case BGP_VIEW_ADJ_IN_PRE:
		return "adj-rib-in-pre";
	case BGP_VIEW_ADJ_IN_POST:
		return "adj-rib-in-post";
	case BGP_VIEW_ADJ_OUT_PRE:
		return "adj-rib-out-pre";
	case BGP_VIEW_ADJ_OUT_POST:
		return "adj-rib-out-post";
	case BGP_VIEW_LOC_RIB:
		return "loc-rib";
	}
	return NULL;
}
