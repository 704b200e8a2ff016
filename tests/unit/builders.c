/*
 * builders.c - the unit tests' byte, BGP message and route fact builders,
 * and the stderr capture (builders.h says what each one builds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "builders.h"

/* ---- bytes ---- */

void
b_bytes(struct buf *b, const void *p, size_t n)
{
	assert_true(n <= sizeof(b->b) - b->n);
	if (n == 0)
		return;		/* p may be NULL: memcpy would not allow it */
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

void
b_u8(struct buf *b, unsigned v)
{
	uint8_t x = (uint8_t)v;

	b_bytes(b, &x, 1);
}

void
b_u16(struct buf *b, unsigned v)
{
	b_u8(b, v >> 8);
	b_u8(b, v);
}

void
b_u32(struct buf *b, uint32_t v)
{
	b_u16(b, v >> 16);
	b_u16(b, v & 0xffff);
}

/* ---- BGP OPEN ---- */

size_t
b_open_body(uint8_t *b, uint16_t as, uint8_t id, const uint8_t *params,
    uint8_t plen)
{
	size_t n = 0;

	b[n++] = 4;
	b[n++] = (uint8_t)(as >> 8);
	b[n++] = (uint8_t)as;
	b[n++] = 0;
	b[n++] = 90;
	b[n++] = 10;
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = id;
	b[n++] = plen;
	if (plen > 0)
		memcpy(b + n, params, plen);
	return n + plen;
}

size_t
b_open_caps(uint8_t *b, uint16_t as, uint8_t id, const uint8_t *caps,
    uint8_t clen)
{
	uint8_t p[258];

	p[0] = 2;
	p[1] = clen;
	memcpy(p + 2, caps, clen);
	return b_open_body(b, as, id, p, (uint8_t)(clen + 2));
}

/* ---- BGP UPDATE bodies ---- */

void
b_attr(struct buf *b, unsigned flags, unsigned code, const void *v, size_t n)
{
	b_u8(b, flags);
	b_u8(b, code);
	if (flags & 0x10)
		b_u16(b, (unsigned)n);
	else
		b_u8(b, (unsigned)n);
	b_bytes(b, v, n);
}

void
b_pfx(struct buf *b, const char *s, long pathid)
{
	struct prefix p = b_prefix(s);

	if (pathid >= 0)
		b_u32(b, (uint32_t)pathid);
	b_u8(b, p.len);
	b_bytes(b, p.a, (p.len + 7u) / 8u);
}

void
b_update(struct buf *out, const struct buf *wd, const struct buf *at,
    const struct buf *nlri)
{
	out->n = 0;
	b_u16(out, (unsigned)(wd ? wd->n : 0));
	if (wd)
		b_bytes(out, wd->b, wd->n);
	b_u16(out, (unsigned)(at ? at->n : 0));
	if (at)
		b_bytes(out, at->b, at->n);
	if (nlri)
		b_bytes(out, nlri->b, nlri->n);
}

void
b_std_update(struct buf *u, const struct buf *at)
{
	struct buf a = { .n = 0 }, n = { .n = 0 }, w = { .n = 0 };

	if (at == NULL) {
		b_std_attrs(&a);
		at = &a;
	}
	b_pfx(&w, "10.7.0.0/16", -1);
	b_pfx(&n, "10.0.0.0/8", -1);
	b_pfx(&n, "10.1.0.0/16", -1);
	b_update(u, &w, at, &n);
}

void
b_seg(struct buf *v, unsigned t, int w, int n, ...)
{
	va_list ap;
	int i;

	b_u8(v, t);
	b_u8(v, (unsigned)n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		uint32_t as = va_arg(ap, uint32_t);

		if (w == 4)
			b_u32(v, as);
		else
			b_u16(v, as);
	}
	va_end(ap);
}

void
b_origin(struct buf *a, unsigned o)
{
	uint8_t v = (uint8_t)o;

	b_attr(a, 0x40, 1, &v, 1);
}

void
b_nexthop(struct buf *a, const char *ip)
{
	struct ipaddr x;

	assert_int_equal(ipaddr_parse(ip, &x), 0);
	b_attr(a, 0x40, 3, x.a, 4);
}

void
b_std_attrs(struct buf *a)
{
	struct buf p = { .n = 0 };

	b_origin(a, 0);
	b_seg(&p, AS_SEQUENCE, 4, 2, 65001u, 65002u);
	b_attr(a, 0x40, 2, p.b, p.n);
	b_nexthop(a, "192.0.2.1");
}

void
b_mp_reach(struct buf *a, unsigned afi, unsigned safi, const char *nh,
    const char *nh_ll, const struct buf *nlri)
{
	struct buf v = { .n = 0 };
	struct ipaddr x, y;

	b_u16(&v, afi);
	b_u8(&v, safi);
	assert_int_equal(ipaddr_parse(nh, &x), 0);
	if (nh_ll != NULL)
		assert_int_equal(ipaddr_parse(nh_ll, &y), 0);
	if (x.family == ADDR_V4) {
		b_u8(&v, 4);
		b_bytes(&v, x.a, 4);
	} else {
		b_u8(&v, nh_ll ? 32 : 16);
		b_bytes(&v, x.a, 16);
		if (nh_ll)
			b_bytes(&v, y.a, 16);
	}
	b_u8(&v, 0);		/* reserved (SNPA count) */
	b_bytes(&v, nlri->b, nlri->n);
	b_attr(a, 0x90, 14, v.b, v.n);
}

void
b_mp_unreach(struct buf *a, unsigned afi, unsigned safi,
    const struct buf *nlri)
{
	struct buf v = { .n = 0 };

	b_u16(&v, afi);
	b_u8(&v, safi);
	if (nlri)
		b_bytes(&v, nlri->b, nlri->n);
	b_attr(a, 0x90, 15, v.b, v.n);
}

/* ---- decoded route facts ---- */

void
b_path(struct path_fix *p, const uint32_t *seq, unsigned nseq,
    const uint32_t *set, unsigned nset)
{
	assert_true(nseq + nset <= sizeof(p->asns) / sizeof(p->asns[0]));
	memset(p, 0, sizeof(*p));
	memcpy(p->asns, seq, nseq * sizeof(*seq));
	p->seg[0] = (struct bgp_as_segment){ AS_SEQUENCE, (uint16_t)nseq, 0 };
	p->path.nseg = 1;
	if (nset > 0) {
		memcpy(p->asns + nseq, set, nset * sizeof(*set));
		p->seg[1] = (struct bgp_as_segment){ AS_SET, (uint16_t)nset,
		    nseq };
		p->path.nseg = 2;
	}
	p->path.seg = p->seg;
	p->path.asns = p->asns;
	p->path.nasn = nseq + nset;
}

void
b_event(struct route_event *ev, enum route_event_kind kind, const char *pfx,
    uint32_t origin)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->prefix = b_prefix(pfx);
	ev->origin_kind = ORIGIN_AS_SEQ;
	ev->origin_as = origin;
	ev->peer_as = 65001;
	assert_int_equal(ipaddr_parse("10.0.0.1", &ev->src_addr), 0);
}

struct prefix
b_prefix(const char *s)
{
	struct prefix p;

	assert_int_equal(prefix_parse(s, &p, NULL), 0);
	return p;
}

/* ---- stderr ---- */

static FILE	*cap_file;
static int	 cap_saved = -1;
static char	 cap_buf[65536];

void
stderr_capture_start(void)
{
	fflush(stderr);
	assert_non_null(cap_file = tmpfile());
	assert_true((cap_saved = dup(2)) != -1);
	assert_true(dup2(fileno(cap_file), 2) != -1);
}

const char *
stderr_capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	cap_saved = -1;
	rewind(cap_file);
	n = fread(cap_buf, 1, sizeof(cap_buf) - 1, cap_file);
	cap_buf[n] = '\0';
	fclose(cap_file);
	cap_file = NULL;
	return cap_buf;
}
