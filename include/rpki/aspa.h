/*
 * aspa.h - ASPA objects (Autonomous System Provider Authorization,
 * draft-ietf-sidrops-aspa-profile) and AS path verification with them
 * (draft-ietf-sidrops-aspa-verification; the revision implemented, and
 * the two points decided where revisions differ, are in docs/aspa.md).
 *
 *   loaded records (struct aspa_list, part of a struct vrp_set)
 *     -> aspa_index_build() -> O(1) hop lookups -> aspa_verify()
 *
 * The list is what a VRP source held (vrp_parse_json.c, vrp_redis_read.c
 * fill it); the index is immutable once built and may be read by any
 * thread; it owns no reference to the list.
 */
#ifndef ROVMON_ASPA_H
#define ROVMON_ASPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"

#define ASPA_MAX_PROVIDERS	16384	/* per record; more is refused */
#define ASPA_MAX_RECORDS	(1024 * 1024)	/* per list (a source) */
#define ASPA_MAX_POOL		(16u * 1024 * 1024) /* providers of all
					 * records of a list */
#define ASPA_TA_NONE		0xff	/* record without a trust anchor
					 * (rpki-client names none) */

/* One ASPA object as loaded.  providers points into the list's pool. */
struct aspa_record {
	uint32_t	 customer;
	uint32_t	 nproviders;
	uint32_t	 first;		/* index of the first provider in
					 * the list's pool */
	int64_t		 expires;	/* 0 unknown */
	uint8_t		 ta;		/* trust anchor index into the
					 * owning vrp_set's ta[], or
					 * ASPA_TA_NONE */
};

/* The records of one source; owns its arrays. */
struct aspa_list {
	struct aspa_record *r;
	size_t		 n, cap;
	uint32_t	*pool;		/* provider ASNs of all records */
	size_t		 npool, cappool;
	int64_t		 oldest_expiry;	/* min(expires), 0 unknown */
	size_t		 rejected;	/* bad records skipped */
};

/* Append one record (providers copied); -1 and *why set when refused
 * (customer AS 0, no providers, too many, expires < 0, list full). */
int	 aspa_list_add(struct aspa_list *, uint32_t customer,
	    const uint32_t *providers, size_t nproviders, int64_t expires,
	    uint8_t ta, const char **why);
void	 aspa_list_free(struct aspa_list *);	/* the arrays; NULL ok */
/* Expired records (expires != 0 && expires < now): used, reported. */
size_t	 aspa_list_expired(const struct aspa_list *, int64_t now);
/* Distinct customer ASNs in the list (aspa_list.c); NULL ok. */
size_t	 aspa_list_customers(const struct aspa_list *);

struct aspa_index;

/*
 * Build the lookup index: a customer with several records (different
 * trust anchors) gets the union of their provider sets.  NULL on
 * allocation failure.  An empty list gives a valid, empty index.
 */
struct aspa_index *aspa_index_build(const struct aspa_list *);
void	 aspa_index_free(struct aspa_index *);	/* NULL ok */
size_t	 aspa_index_customers(const struct aspa_index *);
/* The sorted union of customer's providers; NULL and *n = 0 if none. */
const uint32_t *aspa_index_providers(const struct aspa_index *,
	    uint32_t customer, size_t *n);

/* The hop function of the verification draft: is provider in the
 * provider set of customer? */
enum aspa_hop {
	ASPA_HOP_NO_ATTESTATION,	/* customer has no ASPA */
	ASPA_HOP_PROVIDER,		/* provider+ */
	ASPA_HOP_NOT_PROVIDER,		/* not provider+ */
};
enum aspa_hop aspa_index_hop(const struct aspa_index *, uint32_t customer,
	    uint32_t provider);

enum aspa_state {
	ASPA_VALID,
	ASPA_INVALID,
	ASPA_UNKNOWN,
};

enum aspa_procedure {
	ASPA_UPSTREAM,		/* received from a customer, lateral peer,
				 * RS (at the RS-client) or RS-client (at
				 * the RS) */
	ASPA_DOWNSTREAM,	/* received from a provider */
};

/* Why the verdict is what it is: the first that applies, in the draft's
 * order (empty, neighbor, as_set, then the hops). */
enum aspa_reason {
	ASPA_REASON_NONE,	/* valid, or unknown for lack of ASPAs */
	ASPA_REASON_AS_SET,	/* the path has an AS_SET (or a
				 * confederation segment): invalid */
	ASPA_REASON_NEIGHBOR,	/* the most recent AS is not the
				 * neighbour's AS (outside the RS cases) */
	ASPA_REASON_HOP,	/* a hop is "not provider+" where the
				 * procedure allows none (upstream), or
				 * the up-ramp and down-ramp do not meet
				 * (downstream) */
	ASPA_REASON_EMPTY,	/* empty path: invalid (step 1) */
};

struct aspa_result {
	enum aspa_state	 state;
	enum aspa_procedure procedure;
	enum aspa_reason reason;
	/* The hop that decided an invalid (or, for unknown, the first
	 * hop without attestation): customer -> provider ASNs, both 0
	 * when no hop decided. */
	uint32_t	 hop_customer, hop_provider;
};

/*
 * Verify path as received by a speaker from a neighbour whose AS is
 * neighbor_as and whose role relative to the receiver is sender_role
 * (the procedure follows from it).  Prepends are collapsed
 * here.  false (and *res untouched) when sender_role is
 * BGP_ROLE_UNKNOWN: no procedure applies.  neighbor_as 0 means the
 * neighbour's AS is not known: the neighbour-AS check is skipped.  An
 * empty path is invalid (ASPA_REASON_EMPTY), as the draft's step 1 says.
 * No allocation; ix may be NULL (no ASPA: every hop unattested).
 */
bool	 aspa_verify(const struct aspa_index *, const struct bgp_aspath *,
	    uint32_t neighbor_as, enum bgp_role sender_role,
	    struct aspa_result *res);

/*
 * The same for many at once, identical to one call each but faster on a
 * large index: the lookups of a group go through their cache misses
 * together (aspa.c, "batched lookups").  Never allocate; ix may be NULL.
 *   aspa_index_hop_batch: out[k] = aspa_index_hop(ix, customer[k],
 *	provider[k]) for k < n.
 *   aspa_verify_batch: applies[k] = aspa_verify(ix, path[k],
 *	neighbor_as[k], sender_role[k], &res[k]) for k < n (res[k]
 *	untouched where applies[k] is false).  Uses ~41 KiB of stack.
 */
void	 aspa_index_hop_batch(const struct aspa_index *,
	    const uint32_t *customer, const uint32_t *provider, size_t n,
	    enum aspa_hop *out);
void	 aspa_verify_batch(const struct aspa_index *,
	    const struct bgp_aspath *const *path, size_t n,
	    const uint32_t *neighbor_as, const enum bgp_role *sender_role,
	    struct aspa_result *res, bool *applies);

const char *aspa_state_name(enum aspa_state);	/* "valid", ... */
const char *aspa_procedure_name(enum aspa_procedure); /* "upstream", ... */
const char *aspa_reason_name(enum aspa_reason);	/* NULL for NONE; "as_set",
					 * "neighbor", "hop", "empty" */

#endif /* ROVMON_ASPA_H */
