/*
 * bgp_role.h - BGP roles and route leaks, RFC 9234: the roles of a
 * session from both OPENs and the configuration, and the
 * Only-to-Customer (OTC) rules of section 5 applied to a route at the
 * receiving end of one direction.
 *
 * rovmon sees both directions of a session, so the same ingress check
 * judges what the monitored router receives and what it sends: a route
 * the router sends to its provider with an OTC is caught at the
 * provider's ingress ("otc-from-customer"), i.e. the router failed its
 * egress duty.
 */
#ifndef ROVMON_BGP_ROLE_H
#define ROVMON_BGP_ROLE_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp/bgp.h"

/* The Role capability's value (0..4) as an enum bgp_role; unassigned
 * values give BGP_ROLE_UNKNOWN. */
enum bgp_role bgp_role_from_wire(uint8_t value);
/* The role the other end must have: provider <-> customer, rs <->
 * rs-client, peer <-> peer; BGP_ROLE_UNKNOWN for unknown. */
enum bgp_role bgp_role_counterpart(enum bgp_role);
/* "provider", "rs", "rs-client", "customer", "peer"; NULL for unknown. */
const char *bgp_role_text(enum bgp_role);
/* Parse one of those names (for --role); BGP_ROLE_UNKNOWN if none. */
enum bgp_role bgp_role_parse(const char *);
const char *bgp_role_source_name(enum bgp_role_source); /* "open", "config",
					 * NULL for NONE */

/* Which RFC 9234 section 5 rule a route breaks, if any. */
enum bgp_leak {
	BGP_LEAK_NONE = 0,
	BGP_LEAK_OTC_FROM_CUSTOMER,	/* OTC on a route from a customer */
	BGP_LEAK_OTC_FROM_RS_CLIENT,	/* OTC on a route from an RS-client */
	BGP_LEAK_OTC_FROM_PEER,		/* OTC from a peer, not the peer's AS */
};

/*
 * The ingress check at the receiver of a route whose sender has role
 * sender_role and AS sender_as.  BGP_LEAK_NONE when the
 * role is unknown.
 */
enum bgp_leak bgp_otc_check(enum bgp_role sender_role, bool has_otc,
	    uint32_t otc, uint32_t sender_as);
/* "otc-from-customer", "otc-from-rs-client", "otc-from-peer"; NULL
 * for NONE. */
const char *bgp_leak_name(enum bgp_leak);
/*
 * The OTC the receiver attaches on ingress (section 5, first rule):
 * the sender's AS for a route without OTC from a provider, peer or RS;
 * otherwise the route's own OTC, or 0 (none).
 */
uint32_t bgp_otc_ingress(enum bgp_role sender_role, bool has_otc, uint32_t otc,
	    uint32_t sender_as);

#endif /* ROVMON_BGP_ROLE_H */
