/*
 * jsonbuf.c - bounded appends for building JSON text (include/jsonbuf.h).
 *
 * Shared by the route log and the alert encoder: both format directly on
 * the per-route hot path.  The invariant: nothing is written at or past
 * buf[cap]; a cut marks *off = cap + 1, and every later append then
 * writes nothing.
 */
#include <string.h>

#include "jsonbuf.h"

void
jb_put(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (*off > cap || n > cap - *off) {
		/* cut, and mark the overflow: *off > cap from now on */
		if (*off < cap)
			memcpy(buf + *off, s, cap - *off);
		*off = cap + 1;
		return;
	}
	memcpy(buf + *off, s, n);
	*off += n;
}

void
jb_puts(char *buf, size_t cap, size_t *off, const char *s)
{
	jb_put(buf, cap, off, s, strlen(s));
}

void
jb_putu(char *buf, size_t cap, size_t *off, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jb_put(buf, cap, off, tmp + i, sizeof(tmp) - i);
}

void
jb_digits(char *t, unsigned v, int n)
{
	while (n-- > 0) {
		t[n] = (char)('0' + v % 10);
		v /= 10;
	}
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
