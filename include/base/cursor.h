/*
 * cursor.h - the one bounds-checked reader for untrusted bytes.
 *
 * Every byte that comes from a capture, a VRP file or Redis is read through
 * a struct cursor.  A getter either reads the whole value and advances, or
 * returns -1 and leaves the cursor untouched: it never reads past the end.
 * Length-prefixed fields are carved with cursor_sub(), which advances the
 * outer cursor past the field *before* the field is interpreted (the
 * "consume, then interpret" habit of OpenBGPD's ibuf API), so a bad inner
 * length can never desynchronise the outer walk.
 *
 * Multi-byte integers are big-endian (network order).  No other code in
 * rovmon indexes packet memory or calls ntohs() on it.
 *
 * The functions are static inline: they are on the hot path of every
 * packet and every prefix.
 */
#ifndef ROVMON_CURSOR_H
#define ROVMON_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*p;	/* next unread byte; not owned */
	size_t		 len;	/* bytes left */
};

static inline void
cursor_init(struct cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
}

static inline size_t
cursor_left(const struct cursor *c)
{
	return c->len;
}

static inline bool
cursor_empty(const struct cursor *c)
{
	return c->len == 0;
}

/* Pointer to the unread bytes, for hashing/copying whole remainders. */
static inline const uint8_t *
cursor_ptr(const struct cursor *c)
{
	return c->p;
}

static inline int
cursor_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

/* Carve the next n bytes into *sub and advance past them. */
static inline int
cursor_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->len < n)
		return -1;
	sub->p = c->p;
	sub->len = n;
	c->p += n;
	c->len -= n;
	return 0;
}

static inline int
cursor_get_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p += 1;
	c->len -= 1;
	return 0;
}

static inline int
cursor_get_u16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)((uint16_t)c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline int
cursor_get_u24(struct cursor *c, uint32_t *v)
{
	if (c->len < 3)
		return -1;
	*v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->len -= 3;
	return 0;
}

static inline int
cursor_get_u32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->len -= 4;
	return 0;
}

/* Little-endian 32-bit, for BSD loopback/NULL link headers only. */
static inline int
cursor_get_u32le(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	    (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->len -= 4;
	return 0;
}

static inline int
cursor_get_bytes(struct cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	if (n > 0)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

/* Peek without advancing; off is relative to the unread position. */
static inline int
cursor_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (c->len <= off)
		return -1;
	*v = c->p[off];
	return 0;
}

static inline int
cursor_peek_u16(const struct cursor *c, size_t off, uint16_t *v)
{
	if (c->len < 2 || c->len - 2 < off)
		return -1;
	*v = (uint16_t)((uint16_t)c->p[off] << 8 | c->p[off + 1]);
	return 0;
}

/*
 * n big-endian 32-bit values into v[0..n), or -1 (nothing read) if fewer
 * than 4n bytes are left: one bounds check for a run of values, such as
 * the ASNs of an AS_PATH segment.
 */
static inline int
cursor_get_u32_array(struct cursor *c, uint32_t *v, size_t n)
{
	const uint8_t *p = c->p;
	size_t i;

	if (n > c->len / 4)
		return -1;
	for (i = 0; i < n; i++, p += 4)
		v[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	c->p = p;
	c->len -= 4 * n;
	return 0;
}

/* The same for n big-endian 16-bit values, widened to 32 bits. */
static inline int
cursor_get_u16_array_u32(struct cursor *c, uint32_t *v, size_t n)
{
	const uint8_t *p = c->p;
	size_t i;

	if (n > c->len / 2)
		return -1;
	for (i = 0; i < n; i++, p += 2)
		v[i] = (uint32_t)p[0] << 8 | p[1];
	c->p = p;
	c->len -= 2 * n;
	return 0;
}

/* Copy n bytes at offset off without advancing; -1 (nothing read) if short. */
static inline int
cursor_peek_bytes(const struct cursor *c, size_t off, void *dst, size_t n)
{
	if (c->len < n || c->len - n < off)
		return -1;
	if (n > 0)
		memcpy(dst, c->p + off, n);
	return 0;
}

/*
 * True, and advance past them, if the next n bytes equal want[0..n);
 * false, reading nothing, if they differ or fewer than n are left.  For
 * fixed patterns such as the BGP marker: one memcmp, not n getters.
 */
static inline bool
cursor_match(struct cursor *c, const void *want, size_t n)
{
	if (c->len < n || (n > 0 && memcmp(c->p, want, n) != 0))
		return false;
	c->p += n;
	c->len -= n;
	return true;
}

#endif /* ROVMON_CURSOR_H */
