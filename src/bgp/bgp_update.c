/*
 * bgp_update.c - one UPDATE body into routes (RFC 4271 4.3, RFC 4760,
 * RFC 7911, RFC 4724 End-of-RIB), with RFC 7606 error handling.
 *
 * Two passes over the same bytes, both through cursors:
 *   1. check: split the body, check every prefix field parses exactly
 *      (RFC 7606 3(j), 5.3), parse the attributes (bgp_attr.c) and the
 *      MP_REACH/MP_UNREACH headers.  Nothing is emitted yet, because a
 *      session reset must emit nothing.
 *   2. emit: walk the prefix fields again and hand each route straight
 *      to the sink, withdrawals first.  No allocation per prefix; the
 *      only allocations are AS path buffers that grow to the longest
 *      path seen and are then reused.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_attr.h"
#include "bgp/bgp_update.h"
#include "base/stats.h"

struct bgp_update_scratch {
	struct bgp_aspath_buf	path;	/* AS_PATH, then the merged path */
	struct bgp_aspath_buf	as4;	/* AS4_PATH */
	struct bgp_attrs	attrs;
};

/* The three fields of an UPDATE body. */
struct update_parts {
	struct cursor	withdrawn, attrs, nlri;
};

/* An MP_REACH_NLRI or MP_UNREACH_NLRI of an AFI/SAFI we decode. */
struct mp_nlri {
	bool		present;
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		family;
	bool		addpath;
	struct cursor	nlri;
	struct ipaddr	nh, nh_ll;	/* MP_REACH only */
};

enum mp_status {
	MP_OK,
	MP_UNSUPPORTED,		/* AFI/SAFI not decoded: skipped */
	MP_BAD,			/* session reset (RFC 7606 7.11, 5.3) */
};

/* Withdrawn Routes Length + Total Path Attribute Length + MP_UNREACH_NLRI
 * with an extended length (4) and AFI/SAFI (3): RFC 4724 section 2. */
#define EOR_MAX_LEN	(2 + 2 + 4 + 3)

/* Prefix counters for the inference probe; NULL when decoding. */
struct nlri_count {
	uint32_t	n, odd;
};

struct bgp_update_scratch *
bgp_update_scratch_new(void)
{
	return calloc(1, sizeof(struct bgp_update_scratch));
}

void
bgp_update_scratch_free(struct bgp_update_scratch *sc)
{
	if (sc == NULL)
		return;
	bgp_aspath_buf_free(&sc->path);
	bgp_aspath_buf_free(&sc->as4);
	free(sc);
}

/*
 * RFC 4271 4.3 and 6.3: Withdrawn Routes Length or Total Path Attribute
 * Length running past the message leaves the NLRI impossible to locate,
 * so RFC 7606 3(j) keeps the session reset.
 */
static int
update_split(const uint8_t *body, size_t len, struct update_parts *u,
    const char **why)
{
	struct cursor c;
	uint16_t n;

	cursor_init(&c, body, len);
	if (cursor_get_u16(&c, &n) == -1 ||
	    cursor_sub(&c, n, &u->withdrawn) == -1) {
		*why = "RFC 4271 6.3: Withdrawn Routes Length overruns the "
		    "message";
		return -1;
	}
	if (cursor_get_u16(&c, &n) == -1 ||
	    cursor_sub(&c, n, &u->attrs) == -1) {
		*why = "RFC 4271 6.3: Total Path Attribute Length overruns "
		    "the message";
		return -1;
	}
	u->nlri = c;
	return 0;
}

/*
 * Does the prefix of length plen whose nb octets start at c look like a
 * misread path id (bgp_update.h, inference)?  A /0, or host bits set
 * past the length in its last octet.
 */
static bool
prefix_odd(const struct cursor *c, uint8_t plen, size_t nb)
{
	uint8_t last;

	if (plen == 0)
		return true;
	return plen % 8 != 0 && cursor_peek_u8(c, nb - 1, &last) == 0 &&
	    (last & (0xffu >> (plen % 8))) != 0;
}

/*
 * RFC 7606 5.3: a prefix field is syntactically incorrect if a length
 * exceeds the family's maximum or the prefixes do not exactly fill it.
 * Each entry (RFC 4271 4.3, RFC 7911 3):
 *   [ Path Identifier (4), with ADD-PATH ] Length (1) Prefix (ceil(len/8))
 */
static int
nlri_check(const struct cursor *field, uint8_t family, bool addpath,
    struct nlri_count *cnt)
{
	struct cursor c = *field;
	unsigned max = addr_maxlen(family);
	uint8_t plen;
	size_t nb;

	while (!cursor_empty(&c)) {
		if (addpath && cursor_skip(&c, 4) == -1)
			return -1;
		if (cursor_get_u8(&c, &plen) == -1 || plen > max)
			return -1;
		nb = (plen + 7u) / 8u;
		if (cnt != NULL) {
			cnt->n++;
			if (prefix_odd(&c, plen, nb))
				cnt->odd++;
		}
		if (cursor_skip(&c, nb) == -1)
			return -1;
	}
	return 0;
}

/* One prefix; bits past the length are cleared, as routers do. */
static int
nlri_get(struct cursor *c, bool addpath, struct bgp_route *r)
{
	unsigned max = addr_maxlen(r->prefix.family);
	uint8_t plen;
	size_t nb;

	if (addpath && cursor_get_u32(c, &r->path_id) == -1)
		return -1;
	if (cursor_get_u8(c, &plen) == -1 || plen > max)
		return -1;
	nb = (plen + 7u) / 8u;
	memset(r->prefix.a, 0, sizeof(r->prefix.a));
	if (cursor_get_bytes(c, r->prefix.a, nb) == -1)
		return -1;
	if (plen % 8 != 0)
		r->prefix.a[nb - 1] &= (uint8_t)(0xff00u >> (plen % 8));
	r->prefix.len = plen;
	return 0;
}

struct emitter {
	const struct bgp_msg_ctx	*ctx;
	const struct bgp_sink		*sink;
	const struct bgp_attrs		*attrs;
};

/*
 * Field already passed nlri_check(): emit every prefix in it.  taw marks
 * announcements turned into withdrawals by RFC 7606.
 */
static void
nlri_emit_all(const struct emitter *e, const struct cursor *field,
    uint16_t afi, uint8_t safi, bool addpath, enum bgp_route_event ev,
    bool taw)
{
	struct cursor c = *field;
	struct bgp_route r;
	uint64_t n = 0;

	memset(&r, 0, sizeof(r));
	r.event = ev;
	r.afi = afi;
	r.safi = safi;
	r.has_path_id = addpath;
	r.treat_as_withdraw = taw;
	r.prefix.family = afi == AFI_IPV6 ? ADDR_V6 : ADDR_V4;
	while (!cursor_empty(&c) && nlri_get(&c, addpath, &r) == 0) {
		if (e->sink != NULL && e->sink->route != NULL)
			e->sink->route(e->sink->arg, e->ctx, e->attrs, &r);
		n++;
	}
	if (ev == BGP_ROUTE_ANNOUNCE)
		STAT_ADD(bgp_announce, n);
	else
		STAT_ADD(bgp_withdraw, n);
}

/* Three of the four fields of a typical UPDATE are empty: no call then. */
static inline void
nlri_emit(const struct emitter *e, const struct cursor *field,
    uint16_t afi, uint8_t safi, bool addpath, enum bgp_route_event ev,
    bool taw)
{
	if (!cursor_empty(field))
		nlri_emit_all(e, field, afi, safi, addpath, ev, taw);
}

/* AFI 1/2 with SAFI 1; multicast and the rest are counted unsupported. */
static bool
mp_family(uint16_t afi, uint8_t safi, const struct bgp_decode_opts *o,
    struct mp_nlri *mp)
{
	if (safi != SAFI_UNICAST || (afi != AFI_IPV4 && afi != AFI_IPV6))
		return false;
	mp->afi = afi;
	mp->safi = safi;
	mp->family = afi == AFI_IPV6 ? ADDR_V6 : ADDR_V4;
	mp->addpath = afi == AFI_IPV6 ? o->addpath_v6u : o->addpath_v4u;
	return true;
}

/*
 * RFC 4760 section 4, MP_UNREACH_NLRI:
 *   +---------------------------------------------------------+
 *   | Address Family Identifier (2 octets)                    |
 *   | Subsequent Address Family Identifier (1 octet)          |
 *   | Withdrawn Routes (variable)                             |
 *   +---------------------------------------------------------+
 */
static enum mp_status
mp_unreach_parse(const struct cursor *attr, const struct bgp_decode_opts *o,
    struct mp_nlri *mp, struct nlri_count *cnt, const char **why)
{
	struct cursor v = *attr;
	uint16_t afi;
	uint8_t safi;

	memset(mp, 0, sizeof(*mp));
	if (cursor_get_u16(&v, &afi) == -1 || cursor_get_u8(&v, &safi) == -1) {
		*why = "RFC 7606 7.11: MP_UNREACH_NLRI too short for AFI/SAFI";
		return MP_BAD;
	}
	if (!mp_family(afi, safi, o, mp))
		return MP_UNSUPPORTED;
	if (nlri_check(&v, mp->family, mp->addpath, cnt) == -1) {
		*why = "RFC 7606 5.3: MP_UNREACH_NLRI withdrawn routes do not "
		    "parse exactly";
		return MP_BAD;
	}
	mp->nlri = v;
	mp->present = true;
	return MP_OK;
}

/*
 * Next hop lengths: IPv4 4 (RFC 4760), IPv6 16 or 32 with the link-local
 * address second (RFC 2545 3), IPv6 next hops for IPv4 NLRI (RFC 8950).
 */
static int
mp_nexthop(struct cursor *nh, struct mp_nlri *mp)
{
	size_t len = cursor_left(nh);

	if (mp->afi == AFI_IPV4 && len == 4) {
		mp->nh.family = ADDR_V4;
		return cursor_get_bytes(nh, mp->nh.a, 4);
	}
	if (len != 16 && len != 32)
		return -1;
	mp->nh.family = ADDR_V6;
	(void)cursor_get_bytes(nh, mp->nh.a, 16);
	if (len == 32) {
		mp->nh_ll.family = ADDR_V6;
		(void)cursor_get_bytes(nh, mp->nh_ll.a, 16);
	}
	return 0;
}

/*
 * RFC 4760 section 3, MP_REACH_NLRI:
 *   +---------------------------------------------------------+
 *   | Address Family Identifier (2 octets)                    |
 *   | Subsequent Address Family Identifier (1 octet)          |
 *   | Length of Next Hop Network Address (1 octet)            |
 *   | Network Address of Next Hop (variable)                  |
 *   | Reserved (1 octet)                                      |
 *   | Network Layer Reachability Information (variable)       |
 *   +---------------------------------------------------------+
 */
static enum mp_status
mp_reach_parse(const struct cursor *attr, const struct bgp_decode_opts *o,
    struct mp_nlri *mp, struct nlri_count *cnt, const char **why)
{
	struct cursor v = *attr, nh;
	uint16_t afi;
	uint8_t safi, nhlen;

	memset(mp, 0, sizeof(*mp));
	if (cursor_get_u16(&v, &afi) == -1 || cursor_get_u8(&v, &safi) == -1 ||
	    cursor_get_u8(&v, &nhlen) == -1 ||
	    cursor_sub(&v, nhlen, &nh) == -1 || cursor_skip(&v, 1) == -1) {
		*why = "RFC 7606 7.11: MP_REACH_NLRI too short for its next "
		    "hop";
		return MP_BAD;
	}
	if (!mp_family(afi, safi, o, mp))
		return MP_UNSUPPORTED;
	/*
	 * RFC 7606 7.11: a next hop length inconsistent with the AFI/SAFI
	 * means the NLRI cannot be reliably located: session reset.
	 */
	if (mp_nexthop(&nh, mp) == -1) {
		*why = "RFC 7606 7.11: MP_REACH_NLRI next hop length "
		    "inconsistent with AFI/SAFI";
		return MP_BAD;
	}
	if (nlri_check(&v, mp->family, mp->addpath, cnt) == -1) {
		*why = "RFC 7606 5.3: MP_REACH_NLRI NLRI does not parse "
		    "exactly";
		return MP_BAD;
	}
	mp->nlri = v;
	mp->present = true;
	return MP_OK;
}

bool
bgp_update_is_eor(const uint8_t *body, size_t len, uint16_t *afi,
    uint8_t *safi)
{
	struct update_parts u;
	struct cursor v;
	const char *why;
	uint16_t a = AFI_IPV4;
	uint8_t s = SAFI_UNICAST, flags, code;

	/*
	 * The cheap test first, since every UPDATE is asked: an EoR is the
	 * two empty length fields, plus at most an MP_UNREACH_NLRI of 3
	 * octets with its 3- or 4-octet header.  Anything longer is not one.
	 */
	if (len > EOR_MAX_LEN)
		return false;
	if (update_split(body, len, &u, &why) == -1 ||
	    !cursor_empty(&u.withdrawn) || !cursor_empty(&u.nlri))
		return false;
	/* RFC 4724 2: an MP EOR carries only an empty MP_UNREACH_NLRI. */
	if (!cursor_empty(&u.attrs)) {
		if (bgp_attr_next(&u.attrs, &flags, &code, &v) == -1 ||
		    code != ATTR_MP_UNREACH_NLRI || cursor_left(&v) != 3 ||
		    !cursor_empty(&u.attrs))
			return false;
		(void)cursor_get_u16(&v, &a);
		(void)cursor_get_u8(&v, &s);
	}
	if (afi != NULL)
		*afi = a;
	if (safi != NULL)
		*safi = s;
	return true;
}

static void
count_result(enum bgp_update_result r)
{
	if (r == BGP_UPD_OK)
		return;
	STAT_INC(bgp_malformed);
	switch (r) {
	case BGP_UPD_TREAT_AS_WITHDRAW:
		STAT_INC(bgp_treat_as_withdraw);
		break;
	case BGP_UPD_ATTR_DISCARD:
		STAT_INC(bgp_attr_discard);
		break;
	case BGP_UPD_SESSION_RESET:
		STAT_INC(bgp_session_reset);
		break;
	case BGP_UPD_OK:
		break;
	}
}

/* Interpret the MP attributes the attribute walk located. */
static void
update_mp(struct bgp_attr_parse *st, const struct bgp_decode_opts *o,
    struct mp_nlri *reach, struct mp_nlri *unreach)
{
	const char *w = NULL;

	memset(reach, 0, sizeof(*reach));
	memset(unreach, 0, sizeof(*unreach));
	if (st->has_mp_unreach) {
		switch (mp_unreach_parse(&st->mp_unreach, o, unreach, NULL,
		    &w)) {
		case MP_BAD:
			bgp_attr_fail(st, BGP_UPD_SESSION_RESET, w);
			break;
		case MP_UNSUPPORTED:
			STAT_INC(bgp_unsupported_afi);
			break;
		case MP_OK:
			break;
		}
	}
	if (st->has_mp_reach) {
		switch (mp_reach_parse(&st->mp_reach, o, reach, NULL, &w)) {
		case MP_BAD:
			bgp_attr_fail(st, BGP_UPD_SESSION_RESET, w);
			break;
		case MP_UNSUPPORTED:
			STAT_INC(bgp_unsupported_afi);
			break;
		case MP_OK:
			break;
		}
	}
}

/*
 * RFC 7606 3(d): "If any of the well-known mandatory attributes are not
 * present in an UPDATE message, then 'treat-as-withdraw' MUST be used."
 * NEXT_HOP is only mandatory with IPv4 NLRI in the NLRI field (RFC 4760
 * made it effectively discretionary otherwise).
 */
static void
update_mandatory(struct bgp_attr_parse *st, bool nlri4, bool nlri_mp)
{
	uint32_t p = st->attrs->present;

	if (!nlri4 && !nlri_mp)
		return;
	if (!(p & (1u << ATTR_ORIGIN)))
		bgp_attr_fail(st, BGP_UPD_TREAT_AS_WITHDRAW,
		    "RFC 7606 3(d): ORIGIN missing");
	if (!(p & (1u << ATTR_AS_PATH)))
		bgp_attr_fail(st, BGP_UPD_TREAT_AS_WITHDRAW,
		    "RFC 7606 3(d): AS_PATH missing");
	if (nlri4 && !(p & (1u << ATTR_NEXT_HOP)))
		bgp_attr_fail(st, BGP_UPD_TREAT_AS_WITHDRAW,
		    "RFC 7606 3(d): NEXT_HOP missing with IPv4 NLRI");
}

/*
 * Emission order: IPv4 withdrawn, MP_UNREACH, IPv4 NLRI, MP_REACH.  With
 * treat-as-withdraw (RFC 7606 2) the announced prefixes are withdrawn.
 */
static void
update_emit(const struct update_parts *u, struct bgp_attr_parse *st,
    const struct mp_nlri *reach, const struct mp_nlri *unreach,
    const struct bgp_decode_opts *o, const struct emitter *e)
{
	struct bgp_attrs *a = st->attrs;
	bool taw = st->result == BGP_UPD_TREAT_AS_WITHDRAW;
	enum bgp_route_event ev = taw ? BGP_ROUTE_WITHDRAW : BGP_ROUTE_ANNOUNCE;
	struct ipaddr nh4 = a->next_hop;

	nlri_emit(e, &u->withdrawn, AFI_IPV4, SAFI_UNICAST, o->addpath_v4u,
	    BGP_ROUTE_WITHDRAW, false);
	if (unreach->present)
		nlri_emit(e, &unreach->nlri, unreach->afi, unreach->safi,
		    unreach->addpath, BGP_ROUTE_WITHDRAW, false);
	nlri_emit(e, &u->nlri, AFI_IPV4, SAFI_UNICAST, o->addpath_v4u, ev,
	    taw);
	if (reach->present) {
		a->next_hop = reach->nh;
		a->next_hop_ll = reach->nh_ll;
		nlri_emit(e, &reach->nlri, reach->afi, reach->safi,
		    reach->addpath, ev, taw);
		a->next_hop = nh4;
		memset(&a->next_hop_ll, 0, sizeof(a->next_hop_ll));
	}
}

enum bgp_update_result
bgp_update_decode(const uint8_t *body, size_t len,
    const struct bgp_decode_opts *o, struct bgp_update_scratch *sc,
    const struct bgp_msg_ctx *ctx, const struct bgp_sink *sink,
    const char **why)
{
	struct update_parts u;
	struct bgp_attr_parse st;
	struct mp_nlri reach, unreach;
	struct emitter e = { ctx, sink, &sc->attrs };
	const char *w = NULL;
	enum bgp_update_result r = BGP_UPD_SESSION_RESET;

	if (update_split(body, len, &u, &w) == -1)
		goto done;
	if (bgp_update_is_eor(body, len, NULL, NULL)) {
		STAT_INC(bgp_eor);
		r = BGP_UPD_OK;
		goto done;
	}
	if (nlri_check(&u.withdrawn, ADDR_V4, o->addpath_v4u, NULL) == -1) {
		w = "RFC 7606 5.3: withdrawn routes do not parse exactly";
		goto done;
	}
	if (nlri_check(&u.nlri, ADDR_V4, o->addpath_v4u, NULL) == -1) {
		w = "RFC 7606 5.3: NLRI does not parse exactly";
		goto done;
	}
	/* bgp_attr_parse() resets all but these. */
	st.as4 = o->as4;
	st.peer_as = o->peer_as;
	st.path = &sc->path;
	st.as4path = &sc->as4;
	st.attrs = &sc->attrs;
	bgp_attr_parse(&st, &u.attrs);
	sc->attrs.inferred = o->inferred;
	reach.present = unreach.present = false;
	if (st.result != BGP_UPD_SESSION_RESET)
		update_mp(&st, o, &reach, &unreach);
	if (st.result != BGP_UPD_SESSION_RESET) {
		update_mandatory(&st, !cursor_empty(&u.nlri),
		    reach.present && !cursor_empty(&reach.nlri));
		update_emit(&u, &st, &reach, &unreach, o, &e);
	}
	r = st.result;
	w = st.why;
	/* Counted only when the UPDATE was withdrawn, not when reset. */
	if (r == BGP_UPD_TREAT_AS_WITHDRAW && st.unknown_wellknown)
		STAT_INC(bgp_unknown_wellknown);
done:
	count_result(r);
	if (why != NULL)
		*why = r == BGP_UPD_OK ? NULL : w;
	return r;
}

bool
bgp_update_probe(const uint8_t *body, size_t len,
    const struct bgp_decode_opts *o, struct bgp_update_probe *out)
{
	struct update_parts u;
	struct cursor reach, unreach;
	struct mp_nlri mp;
	struct nlri_count cnt = { 0, 0 };
	bool has_reach, has_unreach;
	const char *w;

	memset(out, 0, sizeof(*out));
	if (update_split(body, len, &u, &w) == -1 ||
	    nlri_check(&u.withdrawn, ADDR_V4, o->addpath_v4u, &cnt) == -1 ||
	    nlri_check(&u.nlri, ADDR_V4, o->addpath_v4u, &cnt) == -1 ||
	    bgp_attr_check(&u.attrs, o->as4, &reach, &has_reach, &unreach,
	    &has_unreach, &out->has_aspath, &out->aspath_has_as0,
	    &out->has_as4path) == -1)
		return false;
	if (has_unreach &&
	    mp_unreach_parse(&unreach, o, &mp, &cnt, &w) == MP_BAD)
		return false;
	if (has_reach && mp_reach_parse(&reach, o, &mp, &cnt, &w) == MP_BAD)
		return false;
	out->nprefix = cnt.n;
	out->odd_prefixes = cnt.odd;
	out->parses = true;
	return true;
}

bool
bgp_update_parses(const uint8_t *body, size_t len,
    const struct bgp_decode_opts *o)
{
	struct bgp_update_probe p;

	return bgp_update_probe(body, len, o, &p);
}
