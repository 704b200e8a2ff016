/*
 * jsonbuf.c - bounded appends for building JSON text (include/base/jsonbuf.h).
 *
 * Shared by the route log and the alert encoder: both format directly on
 * the per-route hot path.  The invariant: nothing is written at or past
 * buf[cap]; a cut marks *off = cap + 1, and every later append then
 * writes nothing.
 */
#include <string.h>

#include "base/jsonbuf.h"

void
jb_cut(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (*off <= cap && n <= cap - *off) {
		memcpy(buf + *off, s, n);
		*off += n;
		return;
	}
	/* cut, and mark the overflow: *off > cap from now on */
	if (*off < cap)
		memcpy(buf + *off, s, cap - *off);
	*off = cap + 1;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* v in decimal, right-aligned to end at t + 20; returns the start. */
static char *
fmt_u64(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 100) {
		p -= 2;
		memcpy(p, &digit_pairs[(v % 100) * 2], 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, &digit_pairs[v * 2], 2);
	} else
		*--p = (char)('0' + v);
	return p;
}

void
jb_putu(char *buf, size_t cap, size_t *off, uint64_t v)
{
	char tmp[24], *p;

	p = fmt_u64(tmp + sizeof(tmp), v);
	jb_put(buf, cap, off, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
jb_digits(char *t, unsigned v, int n)
{
	while (n-- > 0) {
		t[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* a.b.c.d at t; returns the length. */
static size_t
fmt_ip4(char *t, const uint8_t *a)
{
	char *p = t;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i > 0)
			*p++ = '.';
		if (v >= 100) {
			*p++ = (char)('0' + v / 100);
			v %= 100;
			memcpy(p, &digit_pairs[v * 2], 2);
			p += 2;
		} else if (v >= 10) {
			memcpy(p, &digit_pairs[v * 2], 2);
			p += 2;
		} else
			*p++ = (char)('0' + v);
	}
	return (size_t)(p - t);
}

/*
 * IPv6 the way glibc's inet_ntop (BIND's inet_ntop6) writes it: the
 * first longest run of two or more zero words becomes "::", words in
 * lowercase hex without leading zeros, and the last 32 bits as a.b.c.d
 * after "::" (a run of 6 zero words at the start) or "::ffff:" (5 zero
 * words then ffff).  Returns the length.
 */
static size_t
fmt_ip6(char *t, const uint8_t *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8], i;
	int best = -1, blen = 0, cur = -1, clen = 0;
	char *p = t;

	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur == -1) {
				cur = (int)i;
				clen = 1;
			} else
				clen++;
		} else if (cur != -1) {
			if (best == -1 || clen > blen) {
				best = cur;
				blen = clen;
			}
			cur = -1;
		}
	}
	if (cur != -1 && (best == -1 || clen > blen)) {
		best = cur;
		blen = clen;
	}
	if (best != -1 && blen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best != -1 && (int)i >= best && (int)i < best + blen) {
			if ((int)i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 && (blen == 6 ||
		    (blen == 5 && w[5] == 0xffff))) {
			p += fmt_ip4(p, a + 12);
			return (size_t)(p - t);
		}
		if (w[i] >= 0x1000)
			*p++ = hex[w[i] >> 12];
		if (w[i] >= 0x100)
			*p++ = hex[(w[i] >> 8) & 0xf];
		if (w[i] >= 0x10)
			*p++ = hex[(w[i] >> 4) & 0xf];
		*p++ = hex[w[i] & 0xf];
	}
	if (best != -1 && best + blen == 8)
		*p++ = ':';
	return (size_t)(p - t);
}

void
jb_put_ipaddr(char *buf, size_t cap, size_t *off, const struct ipaddr *ip)
{
	char t[48];

	if (ip->family == 0) {
		jb_put(buf, cap, off, "?", 1);
		return;
	}
	jb_put(buf, cap, off, t, ip->family == ADDR_V6 ? fmt_ip6(t, ip->a) :
	    fmt_ip4(t, ip->a));
}

void
jb_put_prefix(char *buf, size_t cap, size_t *off, const struct prefix *pf)
{
	char t[56];
	size_t n;

	n = pf->family == ADDR_V6 ? fmt_ip6(t, pf->a) : fmt_ip4(t, pf->a);
	t[n++] = '/';
	if (pf->len >= 100) {
		t[n++] = (char)('0' + pf->len / 100);
		memcpy(t + n, &digit_pairs[(pf->len % 100) * 2], 2);
		n += 2;
	} else if (pf->len >= 10) {
		memcpy(t + n, &digit_pairs[pf->len * 2], 2);
		n += 2;
	} else
		t[n++] = (char)('0' + pf->len);
	jb_put(buf, cap, off, t, n);
}

void
jb_put_utc(char *buf, size_t cap, size_t *off, const struct tm *tm,
    long usec, bool snort)
{
	char t[27];
	size_t n;

	if (snort) {
		jb_digits(t, (unsigned)(tm->tm_year + 1900) % 100, 2);
		t[2] = '/';
		jb_digits(t + 3, (unsigned)tm->tm_mon + 1, 2);
		t[5] = '/';
		jb_digits(t + 6, (unsigned)tm->tm_mday, 2);
		t[8] = '-';
		n = 9;
	} else {
		jb_digits(t, (unsigned)(tm->tm_year + 1900) % 10000, 4);
		t[4] = '-';
		jb_digits(t + 5, (unsigned)tm->tm_mon + 1, 2);
		t[7] = '-';
		jb_digits(t + 8, (unsigned)tm->tm_mday, 2);
		t[10] = 'T';
		n = 11;
	}
	jb_digits(t + n, (unsigned)tm->tm_hour, 2);
	t[n + 2] = ':';
	jb_digits(t + n + 3, (unsigned)tm->tm_min, 2);
	t[n + 5] = ':';
	jb_digits(t + n + 6, (unsigned)tm->tm_sec, 2);
	t[n + 8] = '.';
	jb_digits(t + n + 9, (unsigned)(usec % 1000000), 6);
	n += 15;
	if (!snort)
		t[n++] = 'Z';
	jb_put(buf, cap, off, t, n);
}

void
jb_putu_or_null(char *buf, size_t cap, size_t *off, bool have, uint64_t v)
{
	if (have)
		jb_putu(buf, cap, off, v);
	else
		jb_puts(buf, cap, off, "null");
}

void
jb_put_name(char *buf, size_t cap, size_t *off, const char *name)
{
	if (name == NULL) {
		jb_puts(buf, cap, off, "null");
		return;
	}
	jb_put(buf, cap, off, "\"", 1);
	jb_puts(buf, cap, off, name);
	jb_put(buf, cap, off, "\"", 1);
}
