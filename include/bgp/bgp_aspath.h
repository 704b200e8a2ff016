/*
 * bgp_aspath.h - AS_PATH / AS4_PATH decoding into the one 4-octet
 * representation (struct bgp_aspath in bgp.h), the RFC 6793 section
 * 4.2.3 merge, and origin derivation (RFC 6811 section 2).
 *
 * Path segment wire format (RFC 4271 4.3, RFC 5065 3, RFC 6793 3):
 *
 *   +--------------+--------------+---------------------------+
 *   | type (1)     | count (1)    | count x ASN (2 or 4 each) |
 *   +--------------+--------------+---------------------------+
 *
 * Storage lives in a struct bgp_aspath_buf owned by the UPDATE decoder's
 * scratch: arrays grow on demand and are reused, so steady-state decoding
 * does not allocate.
 */
#ifndef ROVMON_BGP_ASPATH_H
#define ROVMON_BGP_ASPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "base/cursor.h"

struct bgp_aspath_buf {
	uint32_t		*asns;
	uint32_t		 nasn, asn_cap;
	struct bgp_as_segment	*seg;
	uint32_t		 nseg, seg_cap;
};

/* Return values of bgp_aspath_decode(). */
#define ASPATH_OK		0
#define ASPATH_MALFORMED	(-1)	/* RFC 7606 7.2 syntax error */
#define ASPATH_NOMEM		(-2)	/* buffer growth failed */

/* Free the arrays and zero *b; b may be NULL. */
void	bgp_aspath_buf_free(struct bgp_aspath_buf *b);

/*
 * Decode the value of an AS_PATH (as4 = false: 2-octet ASNs, inflated)
 * or AS4_PATH (as4 = true) attribute into b, replacing its contents.
 * drop_confed discards AS_CONFED_* segments (RFC 6793 section 6, for
 * AS4_PATH).  *why (may be NULL) names the rule on ASPATH_MALFORMED.
 */
int	bgp_aspath_decode(struct bgp_aspath_buf *b, const struct cursor *attr,
	    bool as4, bool drop_confed, const char **why);

/*
 * Syntax check only, no storage: 0 if the segments exactly fill attr
 * (types 1..4, counts >= 1), else -1.  *has_as0 (may be NULL) is set
 * when some ASN is 0 (RFC 7607), a hint that the ASN width is wrong.
 */
int	bgp_aspath_check(const struct cursor *attr, bool as4, bool *has_as0);

/*
 * Number of ASNs for RFC 6793 4.2.3 (and RFC 4271 9.1.2.2 a): an AS_SET
 * counts 1, confederation segments count 0 (RFC 5065 5.3).
 */
uint32_t bgp_aspath_length(const struct bgp_aspath_buf *b);

/*
 * RFC 6793 4.2.3: merge the AS4_PATH as4 into the inflated AS_PATH path,
 * in place.  If path has fewer ASNs than as4, as4 is ignored.  Returns
 * ASPATH_OK or ASPATH_NOMEM (path unchanged).
 */
int	bgp_aspath_merge_as4(struct bgp_aspath_buf *path,
	    const struct bgp_aspath_buf *as4);

/* A read-only view of b, valid until b is next modified. */
void	bgp_aspath_view(const struct bgp_aspath_buf *b, struct bgp_aspath *v);

/*
 * RFC 6811 section 2: the origin AS of path.  peer_as (0 unknown) is
 * used for an empty path.  Callers with no AS_PATH attribute at all use
 * ORIGIN_AS_NONE directly.
 */
void	bgp_aspath_origin(const struct bgp_aspath *path, uint32_t peer_as,
	    enum bgp_origin_kind *kind, uint32_t *origin_as);

#endif /* ROVMON_BGP_ASPATH_H */
