/*
 * jsonbuf.h - bounded appends for building JSON text in a caller's buffer.
 *
 * Why not snprintf or jansson: the route log and the alert encoder run once
 * per route on the packet path, so they format directly, in a fixed field
 * order the golden tests rely on (tests/bench_json.c measures the
 * difference).  Every helper appends to buf at *off and never writes at or
 * past buf[cap].  Output that does not fit is cut, and the overflow is
 * marked: *off becomes cap + 1 and stays there, so a caller formats a whole
 * record and checks once (*off <= cap) at the end.  A caller that writes
 * into buf itself after the helpers must first clamp *off.
 * No state is kept: the helpers may run in any thread.
 */
#ifndef ROVMON_JSONBUF_H
#define ROVMON_JSONBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/addr.h"

/* The slow path of jb_put(): copy what fits and mark the overflow. */
void	jb_cut(char *buf, size_t cap, size_t *off, const char *s, size_t n);

/* n bytes of s.  Inline: most calls append a literal, whose length the
 * compiler then knows. */
static inline void
jb_put(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (*off <= cap && n <= cap - *off) {
		memcpy(buf + *off, s, n);
		*off += n;
	} else
		jb_cut(buf, cap, off, s, n);
}

/* A NUL-terminated string, copied as is (no quoting or escaping). */
static inline void
jb_puts(char *buf, size_t cap, size_t *off, const char *s)
{
	jb_put(buf, cap, off, s, strlen(s));
}

/* v in decimal. */
void	jb_putu(char *buf, size_t cap, size_t *off, uint64_t v);
/* v in decimal when have, else null. */
void	jb_putu_or_null(char *buf, size_t cap, size_t *off, bool have,
	    uint64_t v);
/* A name (a static string that needs no escaping: a state, role or rule
 * name) quoted, or null for NULL. */
void	jb_put_name(char *buf, size_t cap, size_t *off, const char *name);
/* The n low decimal digits of v, zero-padded, into t[0..n-1]; unbounded:
 * the caller sizes t. */
void	jb_digits(char *t, unsigned v, int n);

/*
 * An address as inet_ntop(3) writes it (RFC 5952 compression, the IPv4
 * forms "::a.b.c.d" and "::ffff:a.b.c.d"), and "?" for family 0, as
 * ipaddr_fmt() does; a prefix as prefix_fmt() does: the address, "/",
 * the length.  Unquoted.  The same text, without snprintf.
 */
void	jb_put_ipaddr(char *buf, size_t cap, size_t *off, const struct ipaddr *);
void	jb_put_prefix(char *buf, size_t cap, size_t *off, const struct prefix *);

/*
 * A UTC time with microseconds: ISO 8601 "YYYY-MM-DDTHH:MM:SS.uuuuuuZ",
 * or with snort true Snort's "YY/MM/DD-HH:MM:SS.uuuuuu".  The caller
 * breaks the time down (gmtime_r), so it can cache that per second.
 */
void	jb_put_utc(char *buf, size_t cap, size_t *off, const struct tm *,
	    long usec, bool snort);

/*
 * Unchecked writers, for a caller that bounds a whole record once and
 * writes it only where that bound fits (the route log's line and the
 * alert: one check per line instead of one per field; the bounded
 * helpers above are built on these).  Each writes at p and returns the
 * end.  The _MAX constants bound what each writes (the address writers
 * may use all of theirs as scratch); JW_NAME_MAX bounds
 * every static name (states, roles, rules: test_route_json checks them).
 */
#define JW_U64_MAX	20	/* 18446744073709551615 */
#define JW_IPADDR_MAX	45	/* INET6_ADDRSTRLEN - 1 */
#define JW_PREFIX_MAX	49	/* the address, "/128" */
#define JW_UTC_MAX	27
#define JW_NAME_MAX	32	/* a name's length, without quotes */

static inline char *
jw_put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* A string literal, whose length the compiler knows. */
#define jw_lit(p, lit)	jw_put((p), "" lit, sizeof(lit) - 1)

char	*jw_u64_big(char *p, uint64_t v);	/* v >= 10 */

/* v in decimal; one digit inline (families, states, counts often are) */
static inline char *
jw_u64(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	return jw_u64_big(p, v);
}
/* inet_ntop's text as jb_put_ipaddr() writes it ("?" for family 0) */
char	*jw_ipaddr(char *p, const struct ipaddr *);
char	*jw_prefix(char *p, const struct prefix *);
char	*jw_utc(char *p, const struct tm *, long usec, bool snort);
/* A name quoted, or null for NULL (jb_put_name()). */
char	*jw_name(char *p, const char *name);

#endif /* ROVMON_JSONBUF_H */
