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

/* The number of decimal digits of v. */
static unsigned
ndigits(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/*
 * Counted first, then written from the end two digits at a time: no
 * temporary and no copy.  Most numbers (ASNs, ports, packet numbers) fit
 * 32 bits, whose digits are counted from the bit length (log10(2) ~
 * 1233/4096, then one compare) and divided in 32-bit arithmetic.
 */
char *
jw_u64_big(char *p, uint64_t v)
{
	static const uint32_t pow10[10] = { 1, 10, 100, 1000, 10000, 100000,
	    1000000, 10000000, 100000000, 1000000000 };
	char *end;

	if (v <= UINT32_MAX) {
		uint32_t x = (uint32_t)v;
		unsigned t = (unsigned)(32 - __builtin_clz(x | 1)) * 1233 >> 12;

		end = p + t + 1 - (x < pow10[t]);
		p = end;
		while (x >= 100) {
			p -= 2;
			memcpy(p, &digit_pairs[(x % 100) * 2], 2);
			x /= 100;
		}
		if (x >= 10)
			memcpy(p - 2, &digit_pairs[x * 2], 2);
		else
			p[-1] = (char)('0' + x);
		return end;
	}
	end = p + ndigits(v);
	p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, &digit_pairs[(v % 100) * 2], 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(p - 2, &digit_pairs[v * 2], 2);
	else
		p[-1] = (char)('0' + v);
	return end;
}

void
jb_putu(char *buf, size_t cap, size_t *off, uint64_t v)
{
	char t[JW_U64_MAX];
	size_t len;

	len = (size_t)(jw_u64(t, v) - t);
	jb_put(buf, cap, off, t, len);
}

void
jb_digits(char *t, unsigned v, int n)
{
	while (n >= 2) {
		n -= 2;
		memcpy(t + n, &digit_pairs[(v % 100) * 2], 2);
		v /= 100;
	}
	if (n == 1)
		t[0] = (char)('0' + v % 10);
}

/* The decimal text of each byte value and its length: an IPv4 address
 * is four copies of 4 bytes (the last 1-3 overwritten or left past the
 * end, inside the caller's room). */
static const struct {
	char	 t[4];
	uint8_t	 n;
} dec_byte[256] = {
	{ "0", 1 }, { "1", 1 }, { "2", 1 }, { "3", 1 }, { "4", 1 },
	{ "5", 1 }, { "6", 1 }, { "7", 1 }, { "8", 1 }, { "9", 1 },
	{ "10", 2 }, { "11", 2 }, { "12", 2 }, { "13", 2 }, { "14", 2 },
	{ "15", 2 }, { "16", 2 }, { "17", 2 }, { "18", 2 }, { "19", 2 },
	{ "20", 2 }, { "21", 2 }, { "22", 2 }, { "23", 2 }, { "24", 2 },
	{ "25", 2 }, { "26", 2 }, { "27", 2 }, { "28", 2 }, { "29", 2 },
	{ "30", 2 }, { "31", 2 }, { "32", 2 }, { "33", 2 }, { "34", 2 },
	{ "35", 2 }, { "36", 2 }, { "37", 2 }, { "38", 2 }, { "39", 2 },
	{ "40", 2 }, { "41", 2 }, { "42", 2 }, { "43", 2 }, { "44", 2 },
	{ "45", 2 }, { "46", 2 }, { "47", 2 }, { "48", 2 }, { "49", 2 },
	{ "50", 2 }, { "51", 2 }, { "52", 2 }, { "53", 2 }, { "54", 2 },
	{ "55", 2 }, { "56", 2 }, { "57", 2 }, { "58", 2 }, { "59", 2 },
	{ "60", 2 }, { "61", 2 }, { "62", 2 }, { "63", 2 }, { "64", 2 },
	{ "65", 2 }, { "66", 2 }, { "67", 2 }, { "68", 2 }, { "69", 2 },
	{ "70", 2 }, { "71", 2 }, { "72", 2 }, { "73", 2 }, { "74", 2 },
	{ "75", 2 }, { "76", 2 }, { "77", 2 }, { "78", 2 }, { "79", 2 },
	{ "80", 2 }, { "81", 2 }, { "82", 2 }, { "83", 2 }, { "84", 2 },
	{ "85", 2 }, { "86", 2 }, { "87", 2 }, { "88", 2 }, { "89", 2 },
	{ "90", 2 }, { "91", 2 }, { "92", 2 }, { "93", 2 }, { "94", 2 },
	{ "95", 2 }, { "96", 2 }, { "97", 2 }, { "98", 2 }, { "99", 2 },
	{ "100", 3 }, { "101", 3 }, { "102", 3 }, { "103", 3 }, { "104", 3 },
	{ "105", 3 }, { "106", 3 }, { "107", 3 }, { "108", 3 }, { "109", 3 },
	{ "110", 3 }, { "111", 3 }, { "112", 3 }, { "113", 3 }, { "114", 3 },
	{ "115", 3 }, { "116", 3 }, { "117", 3 }, { "118", 3 }, { "119", 3 },
	{ "120", 3 }, { "121", 3 }, { "122", 3 }, { "123", 3 }, { "124", 3 },
	{ "125", 3 }, { "126", 3 }, { "127", 3 }, { "128", 3 }, { "129", 3 },
	{ "130", 3 }, { "131", 3 }, { "132", 3 }, { "133", 3 }, { "134", 3 },
	{ "135", 3 }, { "136", 3 }, { "137", 3 }, { "138", 3 }, { "139", 3 },
	{ "140", 3 }, { "141", 3 }, { "142", 3 }, { "143", 3 }, { "144", 3 },
	{ "145", 3 }, { "146", 3 }, { "147", 3 }, { "148", 3 }, { "149", 3 },
	{ "150", 3 }, { "151", 3 }, { "152", 3 }, { "153", 3 }, { "154", 3 },
	{ "155", 3 }, { "156", 3 }, { "157", 3 }, { "158", 3 }, { "159", 3 },
	{ "160", 3 }, { "161", 3 }, { "162", 3 }, { "163", 3 }, { "164", 3 },
	{ "165", 3 }, { "166", 3 }, { "167", 3 }, { "168", 3 }, { "169", 3 },
	{ "170", 3 }, { "171", 3 }, { "172", 3 }, { "173", 3 }, { "174", 3 },
	{ "175", 3 }, { "176", 3 }, { "177", 3 }, { "178", 3 }, { "179", 3 },
	{ "180", 3 }, { "181", 3 }, { "182", 3 }, { "183", 3 }, { "184", 3 },
	{ "185", 3 }, { "186", 3 }, { "187", 3 }, { "188", 3 }, { "189", 3 },
	{ "190", 3 }, { "191", 3 }, { "192", 3 }, { "193", 3 }, { "194", 3 },
	{ "195", 3 }, { "196", 3 }, { "197", 3 }, { "198", 3 }, { "199", 3 },
	{ "200", 3 }, { "201", 3 }, { "202", 3 }, { "203", 3 }, { "204", 3 },
	{ "205", 3 }, { "206", 3 }, { "207", 3 }, { "208", 3 }, { "209", 3 },
	{ "210", 3 }, { "211", 3 }, { "212", 3 }, { "213", 3 }, { "214", 3 },
	{ "215", 3 }, { "216", 3 }, { "217", 3 }, { "218", 3 }, { "219", 3 },
	{ "220", 3 }, { "221", 3 }, { "222", 3 }, { "223", 3 }, { "224", 3 },
	{ "225", 3 }, { "226", 3 }, { "227", 3 }, { "228", 3 }, { "229", 3 },
	{ "230", 3 }, { "231", 3 }, { "232", 3 }, { "233", 3 }, { "234", 3 },
	{ "235", 3 }, { "236", 3 }, { "237", 3 }, { "238", 3 }, { "239", 3 },
	{ "240", 3 }, { "241", 3 }, { "242", 3 }, { "243", 3 }, { "244", 3 },
	{ "245", 3 }, { "246", 3 }, { "247", 3 }, { "248", 3 }, { "249", 3 },
	{ "250", 3 }, { "251", 3 }, { "252", 3 }, { "253", 3 }, { "254", 3 },
	{ "255", 3 }
};

/* a.b.c.d at t, in room for 16 bytes; returns the length (at most 15). */
static size_t
fmt_ip4(char *t, const uint8_t *a)
{
	char *p = t;

	memcpy(p, dec_byte[a[0]].t, 4);
	p += dec_byte[a[0]].n;
	*p++ = '.';
	memcpy(p, dec_byte[a[1]].t, 4);
	p += dec_byte[a[1]].n;
	*p++ = '.';
	memcpy(p, dec_byte[a[2]].t, 4);
	p += dec_byte[a[2]].n;
	*p++ = '.';
	memcpy(p, dec_byte[a[3]].t, 4);
	p += dec_byte[a[3]].n;
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

char *
jw_ipaddr(char *p, const struct ipaddr *ip)
{
	if (ip->family == 0) {
		*p = '?';
		return p + 1;
	}
	return p + (ip->family == ADDR_V6 ? fmt_ip6(p, ip->a) :
	    fmt_ip4(p, ip->a));
}

void
jb_put_ipaddr(char *buf, size_t cap, size_t *off, const struct ipaddr *ip)
{
	char t[JW_IPADDR_MAX];
	size_t len;

	len = (size_t)(jw_ipaddr(t, ip) - t);
	jb_put(buf, cap, off, t, len);
}

char *
jw_prefix(char *t, const struct prefix *pf)
{
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
	return t + n;
}

void
jb_put_prefix(char *buf, size_t cap, size_t *off, const struct prefix *pf)
{
	char t[JW_PREFIX_MAX];
	size_t len;

	len = (size_t)(jw_prefix(t, pf) - t);
	jb_put(buf, cap, off, t, len);
}

void
jb_put_utc(char *buf, size_t cap, size_t *off, const struct tm *tm,
    long usec, bool snort)
{
	char t[JW_UTC_MAX];
	size_t len;

	len = (size_t)(jw_utc(t, tm, usec, snort) - t);
	jb_put(buf, cap, off, t, len);
}

char *
jw_utc(char *t, const struct tm *tm, long usec, bool snort)
{
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
	return t + n;
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

char *
jw_name(char *p, const char *name)
{
	size_t n;

	if (name == NULL)
		return jw_lit(p, "null");
	n = strlen(name);
	*p = '"';
	memcpy(p + 1, name, n);
	p[n + 1] = '"';
	return p + n + 2;
}
