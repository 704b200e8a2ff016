/* addr.c - address and prefix helpers shared by every stage. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"

static size_t
addr_bytes(uint8_t family)
{
	return family == ADDR_V6 ? 16 : 4;
}

bool
ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return x->family == y->family &&
	    memcmp(x->a, y->a, addr_bytes(x->family)) == 0;
}

int
ipaddr_cmp(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, addr_bytes(x->family));
}

char *
ipaddr_fmt(const struct ipaddr *ip, char *buf, size_t len)
{
	int af = ip->family == ADDR_V6 ? AF_INET6 : AF_INET;

	if (ip->family == 0 || inet_ntop(af, ip->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int
ipaddr_parse(const char *s, struct ipaddr *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->a) == 1) {
		ip->family = ADDR_V4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->a) == 1) {
		ip->family = ADDR_V6;
		return 0;
	}
	return -1;
}

bool
prefix_mask(struct prefix *p)
{
	unsigned max = addr_maxlen(p->family), i;
	bool had = false;
	uint8_t m;

	if (p->len > max)
		p->len = (uint8_t)max;
	i = p->len / 8;
	/* a byte at a time: bit by bit was half the load time of a full
	 * VRP table (723k prefixes) */
	if (p->len % 8 != 0) {
		m = (uint8_t)(0xffu << (8 - p->len % 8));
		had = (p->a[i] & ~m) != 0;
		p->a[i] &= m;
		i++;
	}
	/* bytes past the family's length are cleared, not counted */
	for (; i < sizeof(p->a); i++) {
		if (i < max / 8)
			had |= p->a[i] != 0;
		p->a[i] = 0;
	}
	return had;
}

bool
prefix_eq(const struct prefix *x, const struct prefix *y)
{
	return x->family == y->family && x->len == y->len &&
	    memcmp(x->a, y->a, addr_bytes(x->family)) == 0;
}

char *
prefix_fmt(const struct prefix *p, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];
	int af = p->family == ADDR_V6 ? AF_INET6 : AF_INET;

	if (inet_ntop(af, p->a, a, sizeof(a)) == NULL)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

/* Why a prefix did not parse (prefix_parse_strict() words each). */
enum prefix_err { PFX_OK, PFX_NO_SLASH, PFX_ADDRESS, PFX_LENGTH_SYNTAX,
    PFX_LENGTH_RANGE };

static enum prefix_err
parse_prefix(const char *s, struct prefix *p, bool *host_bits)
{
	char tmp[PREFIX_STRLEN];
	const char *slash;
	char *end;
	long l;
	size_t n;

	memset(p, 0, sizeof(*p));
	*host_bits = false;
	slash = strchr(s, '/');
	if (slash == NULL)
		return PFX_NO_SLASH;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(tmp))
		return PFX_ADDRESS;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, p->a) == 1)
		p->family = ADDR_V4;
	else if (inet_pton(AF_INET6, tmp, p->a) == 1)
		p->family = ADDR_V6;
	else
		return PFX_ADDRESS;
	if (slash[1] < '0' || slash[1] > '9')
		return PFX_LENGTH_SYNTAX;
	l = strtol(slash + 1, &end, 10);
	if (*end != '\0')
		return PFX_LENGTH_SYNTAX;
	if (l < 0 || l > (long)addr_maxlen(p->family))
		return PFX_LENGTH_RANGE;
	p->len = (uint8_t)l;
	*host_bits = prefix_mask(p);
	return PFX_OK;
}

int
prefix_parse(const char *s, struct prefix *p, bool *host_bits)
{
	bool host;

	if (parse_prefix(s, p, &host) != PFX_OK)
		return -1;
	if (host_bits != NULL)
		*host_bits = host;
	return 0;
}

int
prefix_parse_strict(const char *s, struct prefix *p, char *err,
    size_t errlen)
{
	char masked[PREFIX_STRLEN];
	bool host;

	switch (parse_prefix(s, p, &host)) {
	case PFX_OK:
		if (!host)
			return 0;
		snprintf(err, errlen, "%s: host bits set (did you mean %s?)",
		    s, prefix_fmt(p, masked, sizeof(masked)));
		break;
	case PFX_NO_SLASH:
		snprintf(err, errlen, "%s: not a prefix: no /LENGTH (as in "
		    "192.0.2.0/24 or 2001:db8::/32)", s);
		break;
	case PFX_ADDRESS:
		snprintf(err, errlen, "%s: not a prefix: no IPv4 or IPv6 "
		    "address before the '/'", s);
		break;
	case PFX_LENGTH_SYNTAX:
		snprintf(err, errlen, "%s: not a prefix: the length after "
		    "the '/' is not a number", s);
		break;
	case PFX_LENGTH_RANGE:
		snprintf(err, errlen, "%s: bad length: an %s prefix is /0 to "
		    "/%u", s, p->family == ADDR_V4 ? "IPv4" : "IPv6",
		    addr_maxlen(p->family));
		break;
	}
	return -1;
}

bool
prefix_covers(const struct prefix *outer, const struct prefix *inner)
{
	unsigned full, rem;

	if (outer->family != inner->family || outer->len > inner->len)
		return false;
	full = outer->len / 8;
	rem = outer->len % 8;
	if (memcmp(outer->a, inner->a, full) != 0)
		return false;
	if (rem != 0) {
		uint8_t m = (uint8_t)(0xffu << (8 - rem));
		if ((outer->a[full] & m) != (inner->a[full] & m))
			return false;
	}
	return true;
}
