/*
 * bgp_aspath_text.h - AS paths written as text, the way bgpdump -m and a
 * router's "show ip bgp" print them, most recent AS first:
 *
 *	64500 64501 {64502,64503} (64510 64511) [64512]
 *
 * ASNs separated by blanks (or commas), asplain, asdot (1.10 = 65546) or
 * "AS"-prefixed; "{..}" an AS_SET, "(..)" an AS_CONFED_SEQUENCE, "[..]"
 * an AS_CONFED_SET.  Read by `rovctl validate-path` (docs/aspa.md) and
 * the ASPA tests; the result is the one representation of bgp.h.
 */
#ifndef ROVMON_BGP_ASPATH_TEXT_H
#define ROVMON_BGP_ASPATH_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"

#define ASPATH_TEXT_MAX_ASN	4096	/* a 64 KiB UPDATE holds < 16384 */
#define ASPATH_TEXT_MAX_SEG	1024

/* A parsed path and its storage (about 22 KiB: not for the stack of a
 * helper thread); path points into the arrays. */
struct bgp_aspath_text {
	struct bgp_as_segment seg[ASPATH_TEXT_MAX_SEG];
	uint32_t	 asns[ASPATH_TEXT_MAX_ASN];
	struct bgp_aspath path;
};

/*
 * Parse len bytes of s (a NUL ends it early).  0, or -1 and one line in
 * err naming what is wrong (an ASN that is not one, out of range, a
 * bracket not closed or not opened, a set inside a set, an empty set,
 * too many ASNs or segments).  An empty text is an empty path (0
 * segments).  Consecutive words of one kind form one segment; a
 * sequence longer than 65535 ASNs is refused (a segment's count is 16
 * bits here, 8 on the wire).
 */
int	bgp_aspath_text_parse(struct bgp_aspath_text *, const char *s,
	    size_t len, char *err, size_t errlen);

/* One AS number as above: asplain, asdot or "AS"-prefixed, len bytes of
 * s.  0, or -1 and the reason in err. */
int	bgp_asn_text_parse(const char *s, size_t len, uint32_t *asn, char *err,
	    size_t errlen);

/* Write path back in that syntax (ASNs in asplain) into buf, always
 * NUL-terminated when len > 0; the length it needed, as snprintf. */
size_t	bgp_aspath_text_fmt(const struct bgp_aspath *path, char *buf,
	    size_t len);

#endif /* ROVMON_BGP_ASPATH_TEXT_H */
