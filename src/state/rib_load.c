/*
 * rib_load.c - a checkpoint's body back into a RIB (docs/state.md, "The
 * body"), read through the cursor only.  The body comes from a file that
 * passed its checksum, but a checksum is no proof of a sane writer (or
 * of a file crafted to pass it), so every field is checked as the wire
 * is: enums in range, prefixes with their host bits zero, AS paths
 * whose segment counts add up, counts bounded by the bytes that are
 * left before anything is allocated for them.  What rib_save() would
 * never write is refused too (a tuple written twice or never used,
 * tuples out of first-use order, sessions out of order, a route twice
 * in one direction), so what loads saves to the same bytes.
 *
 * Each refusal names the field and its offset in the body.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "bgp/bgp_role.h"
#include "state/rib_internal.h"
#include "state/rib_save.h"

/* The least a tuple and a route take, to bound counts before use. */
#define TUPLE_MIN	10
#define ROUTE_MIN	8
#define ASN_MAX		65536	/* an UPDATE carries fewer */

struct loader {
	struct rib	*rib;
	struct cursor	 c;
	const uint8_t	*base;
	struct rib_tuple **tup;		/* ntuple, one reference each */
	uint32_t	 ntuple;
	uint32_t	 used;		/* tuples named so far */
	uint32_t	*asns;		/* scratch for one path */
	struct bgp_as_segment *segs;
	char		*why;
	size_t		 whylen;
};

static int
refuse(struct loader *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
refuse(struct loader *l, const char *fmt, ...)
{
	va_list ap;
	char what[160];

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(l->why, l->whylen, "%s at body offset %zu", what,
	    (size_t)(cursor_ptr(&l->c) - l->base));
	return -1;
}

#define NEED(l, expr, what)						\
	do {								\
		if ((expr) == -1)					\
			return refuse((l), "truncated: %s", (what));	\
	} while (0)

/* ---- tuples ---------------------------------------------------------- */

static bool
seg_type_ok(uint8_t t)
{
	return t >= AS_SET && t <= AS_CONFED_SET;
}

static int
load_path(struct loader *l, uint16_t nseg, struct bgp_aspath *path,
    struct bgp_as_segment *one)
{
	uint8_t type;
	uint16_t count;
	uint32_t i, nasn = 0;

	path->seg = nseg <= 1 ? one : l->segs;
	path->nseg = nseg;
	for (i = 0; i < nseg; i++) {
		NEED(l, cursor_get_u8(&l->c, &type), "segment type");
		NEED(l, cursor_get_u16(&l->c, &count), "segment length");
		if (!seg_type_ok(type))
			return refuse(l, "segment type %u", type);
		if (nseg > 1 && count == 0)
			return refuse(l, "empty segment in a path of %u",
			    nseg);
		if (nasn + count > ASN_MAX)
			return refuse(l, "AS path longer than %u", ASN_MAX);
		((struct bgp_as_segment *)(uintptr_t)path->seg)[i] =
		    (struct bgp_as_segment){ type, count, nasn };
		nasn += count;
	}
	if (cursor_left(&l->c) / 4 < nasn)
		return refuse(l, "truncated: %u ASNs", nasn);
	NEED(l, cursor_get_u32_array(&l->c, l->asns, nasn), "ASNs");
	path->asns = l->asns;
	path->nasn = nasn;
	return 0;
}

static int
load_tuple(struct loader *l, uint32_t num)
{
	struct rib_tuple_key k;
	struct bgp_aspath path;
	struct bgp_as_segment one = { 0, 0, 0 };
	uint8_t kind, nhfam, flags, rr, nh[16];
	uint16_t nseg;

	memset(&k, 0, sizeof(k));
	NEED(l, cursor_get_u8(&l->c, &kind), "tuple");
	NEED(l, cursor_get_u8(&l->c, &nhfam), "tuple");
	NEED(l, cursor_get_u8(&l->c, &flags), "tuple");
	NEED(l, cursor_get_u8(&l->c, &rr), "tuple");
	NEED(l, cursor_get_u32(&l->c, &k.origin_as), "tuple");
	NEED(l, cursor_get_u16(&l->c, &nseg), "tuple");
	if (kind > ORIGIN_AS_CONFED)
		return refuse(l, "tuple %u: origin kind %u", num, kind);
	if (k.origin_as != 0 && !bgp_origin_known(kind))
		return refuse(l, "tuple %u: origin AS with kind %u", num,
		    kind);
	if (nhfam != 0 && nhfam != ADDR_V4 && nhfam != ADDR_V6)
		return refuse(l, "tuple %u: next hop family %u", num, nhfam);
	if (flags > 1)
		return refuse(l, "tuple %u: flags 0x%02x", num, flags);
	if (rr > BGP_RRPKI_INVALID)
		return refuse(l, "tuple %u: router RPKI state %u", num, rr);
	if (load_path(l, nseg, &path, &one) == -1)
		return -1;
	NEED(l, cursor_get_bytes(&l->c, nh, rib_nh_len(nhfam)), "next hop");
	k.has_otc = flags & 1;
	if (k.has_otc)
		NEED(l, cursor_get_u32(&l->c, &k.otc), "OTC");
	k.kind = kind;
	k.nhfam = nhfam;
	k.nh = nh;
	k.router_rpki = rr;
	k.path = &path;
	/* rib_tuple_key_make() computes the hash from attributes; the
	 * same fields through a bgp_attrs give the same hash */
	{
		struct bgp_attrs at;

		memset(&at, 0, sizeof(at));
		at.aspath = path;
		at.origin_kind = kind;
		at.origin_as = k.origin_as;
		at.next_hop.family = nhfam;
		memcpy(at.next_hop.a, nh, rib_nh_len(nhfam));
		at.has_otc = k.has_otc;
		at.otc = k.otc;
		at.router_rpki = rr;
		rib_tuple_key_make(&k, &at);
		if ((l->tup[num] = rib_tuple_get(l->rib, &k)) == NULL)
			return refuse(l, "out of memory");
	}
	if (l->tup[num]->refcnt > 1)
		return refuse(l, "tuple %u repeats an earlier one", num);
	return 0;
}

/* ---- sessions and routes ------------------------------------------- */

static int
load_route(struct loader *l, struct rib_dir *d)
{
	struct rib_table *t = &d->t;
	struct bgp_route r;
	struct rib_key k;
	struct rib_route *rt;
	uint8_t b0, b1, b2, len, plen;
	uint32_t num, pos, pid;

	memset(&r, 0, sizeof(r));
	NEED(l, cursor_get_u8(&l->c, &b0), "route");
	NEED(l, cursor_get_u8(&l->c, &b1), "route");
	NEED(l, cursor_get_u8(&l->c, &b2), "route");
	NEED(l, cursor_get_u8(&l->c, &len), "route");
	if (b2 > 1)
		return refuse(l, "route flags 0x%02x", b2);
	r.prefix.family = b1 & 0x80 ? ADDR_V6 : ADDR_V4;
	r.prefix.len = len;
	if (len > addr_maxlen(r.prefix.family))
		return refuse(l, "prefix length %u", len);
	if ((b0 & 3) > ROV_INVALID || (b0 >> 2 & 7) > ROV_REASON_AS_SET)
		return refuse(l, "RPKI state %u reason %u", b0 & 3,
		    b0 >> 2 & 7);
	if ((b0 >> 5 & 1) == 0 && (b0 & 0x1f) != 0)
		return refuse(l, "RPKI state %u reason %u without a verdict",
		    b0 & 3, b0 >> 2 & 7);
	if ((b1 & 3) > ASPA_UNKNOWN + 1u || (b1 >> 2 & 7) > ASPA_REASON_EMPTY ||
	    ((b1 & 3) == RIB_ASPA_NONE && (b1 >> 2 & 7) != 0))
		return refuse(l, "ASPA state %u reason %u", b1 & 3,
		    b1 >> 2 & 7);
	r.has_path_id = b0 >> 7;
	if (r.has_path_id)
		NEED(l, cursor_get_u32(&l->c, &r.path_id), "path id");
	plen = (uint8_t)((len + 7u) / 8);
	NEED(l, cursor_get_bytes(&l->c, r.prefix.a, plen), "prefix");
	if (len % 8 != 0 && (r.prefix.a[plen - 1] & (0xffu >> (len % 8))))
		return refuse(l, "host bits set in a /%u", len);
	NEED(l, cursor_get_u32(&l->c, &num), "tuple number");
	if (num > l->used || num >= l->ntuple)
		return refuse(l, "tuple %u of %u (%u used so far)", num,
		    l->ntuple, l->used);
	if ((pid = rib_pfx_get(l->rib, &r.prefix,
	    rib_pfx_hash(&r.prefix))) == 0)
		return refuse(l, "out of memory");
	rib_key_make(&k, pid, &r);
	if (rib_tab_find(t, &k, &pos) != NULL) {
		rib_pfx_put(l->rib, pid);
		return refuse(l, "route repeated in its direction");
	}
	if ((rt = rib_tab_insert(l->rib, t, &k, pos)) == NULL) {
		rib_pfx_put(l->rib, pid);
		return refuse(l, "out of memory");
	}
	if (num == l->used)
		l->used++;
	rt->tuple = l->tup[num]->id;
	l->tup[num]->refcnt++;
	rt->state = b0 & 3;
	rt->reason = b0 >> 2 & 7;
	rt->has_rpki = b0 >> 5 & 1;
	rt->alerted = b0 >> 6 & 1;
	rt->aspa = b1 & 3;
	rt->aspa_reason = b1 >> 2 & 7;
	rt->leak = b1 >> 5 & 3;
	rt->stale = b2 & 1;
	if (rt->stale) {
		d->nstale++;
		l->rib->nstale++;
	}
	rib_tally(l->rib, d, rt, 1);
	l->rib->nroutes++;
	return 0;
}

static int
load_addr(struct loader *l, uint8_t family, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	NEED(l, cursor_get_bytes(&l->c, a->a, family == ADDR_V4 ? 4 : 16),
	    "address");
	return 0;
}

static int
load_dir(struct loader *l, struct rib_dir *d, int k, bool prev_used)
{
	uint8_t used, family;
	uint32_t n, i;

	NEED(l, cursor_get_u8(&l->c, &used), "direction");
	if (used > 1 || (used && !prev_used))
		return refuse(l, "direction %d: used %u", k, used);
	if (!used)
		return 0;
	d->used = true;
	NEED(l, cursor_get_u8(&l->c, &family), "direction");
	if (family != ADDR_V4 && family != ADDR_V6)
		return refuse(l, "direction %d: address family %u", k, family);
	if (load_addr(l, family, &d->src) == -1 ||
	    load_addr(l, family, &d->dst) == -1)
		return -1;
	NEED(l, cursor_get_u16(&l->c, &d->sport), "direction");
	NEED(l, cursor_get_u16(&l->c, &d->dport), "direction");
	NEED(l, cursor_get_u32(&l->c, &d->peer_as), "direction");
	NEED(l, cursor_get_u32(&l->c, &d->local_as), "direction");
	NEED(l, cursor_get_u8(&l->c, &d->role), "direction");
	NEED(l, cursor_get_u8(&l->c, &d->role_source), "direction");
	NEED(l, cursor_get_u32(&l->c, &n), "direction");
	if (d->role > BGP_ROLE_PEER || d->role_source > BGP_ROLE_SRC_CONFIG)
		return refuse(l, "direction %d: role %u source %u", k,
		    d->role, d->role_source);
	if (cursor_left(&l->c) / ROUTE_MIN < n)
		return refuse(l, "truncated: %u routes", n);
	for (i = 0; i < n; i++)
		if (load_route(l, d) == -1)
			return -1;
	return 0;
}

static int
load_sessions(struct loader *l)
{
	struct rib_sess *s;
	uint64_t id, last = 0, since, deadline;
	uint32_t n, i, hi, lo;
	uint8_t held;

	NEED(l, cursor_get_u32(&l->c, &n), "session count");
	if (cursor_left(&l->c) / 27 < n)
		return refuse(l, "truncated: %u sessions", n);
	for (i = 0; i < n; i++) {
		NEED(l, cursor_get_u32(&l->c, &hi), "session id");
		NEED(l, cursor_get_u32(&l->c, &lo), "session id");
		id = (uint64_t)hi << 32 | lo;
		NEED(l, cursor_get_u8(&l->c, &held), "session");
		NEED(l, cursor_get_u32(&l->c, &hi), "session");
		NEED(l, cursor_get_u32(&l->c, &lo), "session");
		since = (uint64_t)hi << 32 | lo;
		NEED(l, cursor_get_u32(&l->c, &hi), "session");
		NEED(l, cursor_get_u32(&l->c, &lo), "session");
		deadline = (uint64_t)hi << 32 | lo;
		/* held: since a deadline (rib_hold() gives 1 at the least);
		 * not held: no since, a deadline only for stale routes */
		if (held > 1 || (held && deadline == 0) || (!held && since != 0) ||
		    since > INT64_MAX || deadline > INT64_MAX)
			return refuse(l, "session %llu: held %u since %llu "
			    "deadline %llu", (unsigned long long)id, held,
			    (unsigned long long)since,
			    (unsigned long long)deadline);
		/* ids count from 1; new sessions are numbered above the
		 * largest restored one, which must leave room */
		if (id == 0 || id > INT64_MAX)
			return refuse(l, "session id %llu",
			    (unsigned long long)id);
		if (i > 0 && id <= last)
			return refuse(l, "session %llu after %llu",
			    (unsigned long long)id, (unsigned long long)last);
		last = id;
		if ((s = rib_sess_make(l->rib, id)) == NULL)
			return refuse(l, "out of memory");
		s->held = held;
		s->since = (int64_t)since;
		s->deadline = (int64_t)deadline;
		if (held)
			l->rib->nheld++;
		if (deadline != 0 && (l->rib->hold_next == 0 ||
		    (int64_t)deadline < l->rib->hold_next))
			l->rib->hold_next = (int64_t)deadline;
		if (load_dir(l, &s->dir[0], 0, true) == -1 ||
		    load_dir(l, &s->dir[1], 1, s->dir[0].used) == -1)
			return -1;
	}
	return 0;
}

int
rib_load(struct rib *rib, const uint8_t *body, size_t len, char *why,
    size_t whylen)
{
	struct loader l;
	uint32_t i;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	l.rib = rib;
	l.base = body;
	l.why = why;
	l.whylen = whylen;
	cursor_init(&l.c, body, len);
	if (rib->nsess != 0 || rib->ntuple != 0) {
		refuse(&l, "the RIB is not empty");
		return -1;
	}
	if (cursor_get_u32(&l.c, &l.ntuple) == -1) {
		refuse(&l, "truncated: tuple count");
		return -1;
	}
	if (cursor_left(&l.c) / TUPLE_MIN < l.ntuple) {
		refuse(&l, "truncated: %u tuples", l.ntuple);
		return -1;
	}
	if ((l.tup = calloc(l.ntuple + 1u, sizeof(*l.tup))) == NULL ||
	    (l.asns = malloc(ASN_MAX * sizeof(*l.asns))) == NULL ||
	    (l.segs = malloc(ASN_MAX * sizeof(*l.segs))) == NULL) {
		refuse(&l, "out of memory");
		goto done;
	}
	for (i = 0; i < l.ntuple; i++)
		if (load_tuple(&l, i) == -1)
			goto done;
	if (load_sessions(&l) == -1)
		goto done;
	if (rib->nheld > RIB_HOLD_MAX) {
		refuse(&l, "%zu sessions held, at most %d", rib->nheld,
		    RIB_HOLD_MAX);
		goto done;
	}
	if (l.used != l.ntuple) {
		refuse(&l, "tuple %u never used", l.used);
		goto done;
	}
	if (!cursor_empty(&l.c)) {
		refuse(&l, "%zu bytes after the last session",
		    cursor_left(&l.c));
		goto done;
	}
	rc = 0;
 done:
	/* the routes hold their own references now */
	for (i = 0; l.tup != NULL && i < l.ntuple; i++)
		rib_tuple_put(rib, l.tup[i]);
	free(l.tup);
	free(l.asns);
	free(l.segs);
	return rc;
}

size_t
rib_hold_restored(struct rib *rib, int64_t now, int64_t until,
    const struct timeval *ts, rib_event_cb *cb, void *arg)
{
	uint64_t *ids;
	size_t i, n = 0, held = 0;

	if ((ids = calloc(rib->nsess + 1, sizeof(*ids))) == NULL)
		return 0;
	for (i = 0; i <= rib->smask; i++)
		if (rib->sess[i] != NULL && !rib->sess[i]->held)
			ids[n++] = rib->sess[i]->id;
	/* rib_session_down() moves sessions in the table: ids first */
	for (i = 0; i < n; i++)
		if (rib_hold(rib, ids[i], now, until, NULL) >= 0)
			held++;
		else
			rib_session_down(rib, ids[i], ts, cb, arg);
	free(ids);
	return held;
}

bool
rib_sender(const struct rib *rib, const struct bgp_msg_ctx *ctx,
    struct rib_sender *out)
{
	const struct rib_sess *s;
	const struct rib_dir *d;
	int k;

	memset(out, 0, sizeof(*out));
	if ((s = rib_sess_find(rib, ctx->session_id)) == NULL)
		return false;
	for (k = 0; k < 2; k++) {
		d = &s->dir[k];
		if (!d->used || d->sport != ctx->src_port ||
		    !ipaddr_eq(&d->src, &ctx->src_addr))
			continue;
		out->peer_as = d->peer_as;
		out->local_as = d->local_as;
		out->role = d->role;
		out->role_source = d->role_source;
		return true;
	}
	return false;
}
