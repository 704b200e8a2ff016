/*
 * bgp_role.c - BGP roles and the Only-to-Customer rules of RFC 9234.
 *
 * A role is what one end of an eBGP session is towards the other
 * (section 4.1): the wire values 0..4 are provider, RS, RS-client,
 * customer and peer; rovmon keeps them as enum bgp_role, where zero is
 * "unknown".  Section 4.2 (Table 2) allows exactly five pairs, and each
 * role has exactly one counterpart, so one side's role decides the
 * other's.
 *
 * Section 5's ingress procedure, applied by the receiver of a route to
 * the role its sender has towards it:
 *   1. OTC present, sender is a customer or an RS-client: a leak.
 *   2. OTC present, sender is a peer, OTC != the peer's AS: a leak.
 *   3. OTC absent, sender is a provider, a peer or an RS: the receiver
 *      adds OTC = the sender's AS.
 * Nothing else is a leak at ingress: OTC from a provider or an RS is
 * legitimate (it marks a route that may go only down to customers), and
 * a route without OTC is never a leak.
 *
 * The egress procedure (add OTC = own AS towards customers, peers and
 * RS-clients; never send a route with OTC to providers, peers or RSes)
 * needs no function of its own: a route the monitored router sends is
 * judged at the other end's ingress, and a broken egress duty shows up
 * there (docs/leaks.md works through each case).
 *
 * All functions are pure: no state, no allocation.
 */
#include <stddef.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_role.h"

/* Indexed by enum bgp_role. */
static const char *const role_text[] = {
	[BGP_ROLE_UNKNOWN] = NULL,
	[BGP_ROLE_PROVIDER] = "provider",
	[BGP_ROLE_RS] = "rs",
	[BGP_ROLE_RS_CLIENT] = "rs-client",
	[BGP_ROLE_CUSTOMER] = "customer",
	[BGP_ROLE_PEER] = "peer",
};

#define NROLES	(sizeof(role_text) / sizeof(role_text[0]))

/* RFC 9234 section 4.1, Table 1: value -> role. */
enum bgp_role
bgp_role_from_wire(uint8_t value)
{
	switch (value) {
	case 0:
		return BGP_ROLE_PROVIDER;
	case 1:
		return BGP_ROLE_RS;
	case 2:
		return BGP_ROLE_RS_CLIENT;
	case 3:
		return BGP_ROLE_CUSTOMER;
	case 4:
		return BGP_ROLE_PEER;
	default:
		return BGP_ROLE_UNKNOWN;	/* unassigned (5..255) */
	}
}

/* RFC 9234 section 4.2, Table 2: the allowed pairs of local and remote
 * roles. */
enum bgp_role
bgp_role_counterpart(enum bgp_role r)
{
	switch (r) {
	case BGP_ROLE_PROVIDER:
		return BGP_ROLE_CUSTOMER;
	case BGP_ROLE_CUSTOMER:
		return BGP_ROLE_PROVIDER;
	case BGP_ROLE_RS:
		return BGP_ROLE_RS_CLIENT;
	case BGP_ROLE_RS_CLIENT:
		return BGP_ROLE_RS;
	case BGP_ROLE_PEER:
		return BGP_ROLE_PEER;
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return BGP_ROLE_UNKNOWN;
}

const char *
bgp_role_text(enum bgp_role r)
{
	if ((size_t)r < NROLES)
		return role_text[r];
	return NULL;
}

enum bgp_role
bgp_role_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return BGP_ROLE_UNKNOWN;
	for (i = 1; i < NROLES; i++)
		if (strcmp(s, role_text[i]) == 0)
			return (enum bgp_role)i;
	return BGP_ROLE_UNKNOWN;
}

const char *
bgp_role_source_name(enum bgp_role_source src)
{
	switch (src) {
	case BGP_ROLE_SRC_OPEN:
		return "open";
	case BGP_ROLE_SRC_CONFIG:
		return "config";
	case BGP_ROLE_SRC_NONE:
		break;
	}
	return NULL;
}

/*
 * RFC 9234 section 5, ingress rules 1 and 2.  An AS of 0 is reserved
 * (RFC 7607) and means the sender's AS is unknown (no OPEN seen): rule 2
 * cannot be judged then, and claiming a leak would be a guess.
 */
enum bgp_leak
bgp_otc_check(enum bgp_role sender_role, bool has_otc, uint32_t otc,
    uint32_t sender_as)
{
	if (!has_otc)
		return BGP_LEAK_NONE;
	switch (sender_role) {
	case BGP_ROLE_CUSTOMER:
		return BGP_LEAK_OTC_FROM_CUSTOMER;
	case BGP_ROLE_RS_CLIENT:
		return BGP_LEAK_OTC_FROM_RS_CLIENT;
	case BGP_ROLE_PEER:
		if (sender_as != 0 && otc != sender_as)
			return BGP_LEAK_OTC_FROM_PEER;
		return BGP_LEAK_NONE;
	case BGP_ROLE_PROVIDER:
	case BGP_ROLE_RS:
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return BGP_LEAK_NONE;
}

const char *
bgp_leak_name(enum bgp_leak leak)
{
	switch (leak) {
	case BGP_LEAK_OTC_FROM_CUSTOMER:
		return "otc-from-customer";
	case BGP_LEAK_OTC_FROM_RS_CLIENT:
		return "otc-from-rs-client";
	case BGP_LEAK_OTC_FROM_PEER:
		return "otc-from-peer";
	case BGP_LEAK_NONE:
		break;
	}
	return NULL;
}

/* RFC 9234 section 5, ingress rule 3.  An unknown sender AS (0) gives 0:
 * the OTC to add is not known. */
uint32_t
bgp_otc_ingress(enum bgp_role sender_role, bool has_otc, uint32_t otc,
    uint32_t sender_as)
{
	if (has_otc)
		return otc;
	switch (sender_role) {
	case BGP_ROLE_PROVIDER:
	case BGP_ROLE_PEER:
	case BGP_ROLE_RS:
		return sender_as;
	case BGP_ROLE_CUSTOMER:
	case BGP_ROLE_RS_CLIENT:
	case BGP_ROLE_UNKNOWN:
		break;
	}
	return 0;
}
