/*
 * addr.h - IP addresses and prefixes as rovmon keeps them.
 *
 * Both families share one representation so that flows, routes and VRPs
 * can be stored and compared without per-family code paths.  Bits past
 * the prefix length are always zero (prefix_mask() enforces it).
 */
#ifndef ROVMON_ADDR_H
#define ROVMON_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_V4		4
#define ADDR_V6		6

struct ipaddr {
	uint8_t		family;		/* ADDR_V4 or ADDR_V6; 0 = unset */
	uint8_t		a[16];		/* network order; v4 uses a[0..3] */
};

struct prefix {
	uint8_t		family;		/* ADDR_V4 or ADDR_V6 */
	uint8_t		len;		/* 0..32 or 0..128 */
	uint8_t		a[16];		/* network order, host bits zero */
};

/* Text buffers large enough for any address / prefix. */
#define IPADDR_STRLEN	46
#define PREFIX_STRLEN	50

static inline unsigned
addr_maxlen(uint8_t family)
{
	return family == ADDR_V6 ? 128 : 32;
}

bool	ipaddr_eq(const struct ipaddr *, const struct ipaddr *);
int	ipaddr_cmp(const struct ipaddr *, const struct ipaddr *);
/* Write canonical text (inet_ntop) into buf; returns buf. */
char	*ipaddr_fmt(const struct ipaddr *, char *buf, size_t len);
/* Parse "192.0.2.1" or "2001:db8::1"; 0 or -1. */
int	ipaddr_parse(const char *, struct ipaddr *);

/* Clear the bits past p->len; returns true if any were set. */
bool	prefix_mask(struct prefix *);
bool	prefix_eq(const struct prefix *, const struct prefix *);
char	*prefix_fmt(const struct prefix *, char *buf, size_t len);
/* Parse "192.0.2.0/24"; host bits are cleared and *host_bits is set
 * when they were present (callers decide whether to warn).  0 or -1. */
int	prefix_parse(const char *, struct prefix *, bool *host_bits);
/* As prefix_parse(), but host bits set are an error too: -1 with one
 * line for a person in err (errlen bytes) that says which mistake it is
 * (no length, not an address, a bad length, host bits set with the
 * masked prefix), starting with the text s.  For typed input (rovctl). */
int	prefix_parse_strict(const char *s, struct prefix *p, char *err,
	    size_t errlen);
/* True if outer covers inner (same family, outer->len <= inner->len,
 * and inner's first outer->len bits equal outer's). */
bool	prefix_covers(const struct prefix *outer, const struct prefix *inner);

#endif /* ROVMON_ADDR_H */
