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
