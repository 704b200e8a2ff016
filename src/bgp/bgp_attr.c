/*
 * bgp_attr.c - path attributes, one descriptor per type code.
 *
 * The walk (attr_walk) only frames: flags, type, length, carve the
 * value, advance.  What a type code means is in attr_table: the expected
 * Optional/Transitive bits, the length rule, the RFC 7606 action when
 * either is wrong, and a parser for the value.  Codes without an entry
 * are skipped by length when their Optional bit is set; with it clear
 * they are unrecognised well-known attributes (attr_one).  As in BIRD's
 * attrs.c, adding an attribute is adding a row.
 *
 * RFC 7606 actions are recorded with bgp_attr_fail(); the strongest one
 * wins (section 3(h)) and the caller (bgp_update.c) carries it out.
 */
#include <string.h>

#include "bgp/bgp_attr.h"

/* How a descriptor constrains the value length. */
enum attr_len {
	LEN_ANY,		/* parser decides */
	LEN_FIXED,		/* exactly len octets */
	LEN_MULT,		/* a non-zero multiple of len octets */
	LEN_AGGR,		/* 6 (2-octet session) or 8 (4-octet) */
};

struct attr_desc {
	const char	*name;		/* NULL: unknown, skipped */
	uint8_t		 flags;		/* expected OPTIONAL|TRANSITIVE */
	enum attr_len	 lenkind;
	uint16_t	 len;
	enum bgp_update_result badflags; /* action on wrong O/T flags */
	enum bgp_update_result badlen;	/* action on a bad length */
	const char	*why_flags;
	const char	*why_len;
	/* Interpret v (exactly the value); may call bgp_attr_fail(). */
	void		(*parse)(struct bgp_attr_parse *, struct cursor *v);
};

#define WK	(ATTR_F_TRANSITIVE)			/* well-known */
#define OPT_T	(ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE)	/* optional trans. */
#define OPT_NT	(ATTR_F_OPTIONAL)			/* optional non-tr. */

static void	parse_origin(struct bgp_attr_parse *, struct cursor *);
static void	parse_aspath(struct bgp_attr_parse *, struct cursor *);
static void	parse_nexthop(struct bgp_attr_parse *, struct cursor *);
static void	parse_med(struct bgp_attr_parse *, struct cursor *);
static void	parse_localpref(struct bgp_attr_parse *, struct cursor *);
static void	parse_atomic(struct bgp_attr_parse *, struct cursor *);
static void	parse_aggregator(struct bgp_attr_parse *, struct cursor *);
static void	parse_communities(struct bgp_attr_parse *, struct cursor *);
static void	parse_ext_communities(struct bgp_attr_parse *,
		    struct cursor *);
static void	parse_mp_reach(struct bgp_attr_parse *, struct cursor *);
static void	parse_mp_unreach(struct bgp_attr_parse *, struct cursor *);
static void	parse_as4path(struct bgp_attr_parse *, struct cursor *);
static void	parse_as4aggregator(struct bgp_attr_parse *, struct cursor *);
static void	parse_large_communities(struct bgp_attr_parse *,
		    struct cursor *);
static void	parse_bgpsec_path(struct bgp_attr_parse *, struct cursor *);
static void	parse_otc(struct bgp_attr_parse *, struct cursor *);

#define TAW	BGP_UPD_TREAT_AS_WITHDRAW
#define DISC	BGP_UPD_ATTR_DISCARD
#define RESET	BGP_UPD_SESSION_RESET

/*
 * RFC 7606 3(c): "If the value of either the Optional or Transitive bits
 * in the Attribute Flags is in conflict with their specified values,
 * then the attribute MUST be treated as malformed and the
 * 'treat-as-withdraw' approach used, unless the specification for the
 * attribute mandates different handling" - RFC 6793 6 does for AS4_*.
 */
#define FLAGS_WHY	"RFC 7606 3(c): attribute flags conflict with type"

static const struct attr_desc attr_table[256] = {
	[ATTR_ORIGIN] = { "ORIGIN", WK, LEN_FIXED, 1, TAW, TAW,
	    FLAGS_WHY, "RFC 7606 7.1: ORIGIN length is not 1",
	    parse_origin },
	/* AS_PATH length rules are the segment rules of RFC 7606 7.2. */
	[ATTR_AS_PATH] = { "AS_PATH", WK, LEN_ANY, 0, TAW, TAW,
	    FLAGS_WHY, NULL, parse_aspath },
	[ATTR_NEXT_HOP] = { "NEXT_HOP", WK, LEN_FIXED, 4, TAW, TAW,
	    FLAGS_WHY, "RFC 7606 7.3: NEXT_HOP length is not 4",
	    parse_nexthop },
	[ATTR_MED] = { "MULTI_EXIT_DISC", OPT_NT, LEN_FIXED, 4, TAW, TAW,
	    FLAGS_WHY, "RFC 7606 7.4: MULTI_EXIT_DISC length is not 4",
	    parse_med },
	[ATTR_LOCAL_PREF] = { "LOCAL_PREF", WK, LEN_FIXED, 4, TAW, TAW,
	    FLAGS_WHY, "RFC 7606 7.5: LOCAL_PREF length is not 4",
	    parse_localpref },
	/* RFC 7606 7.6 and 7.7: a bad length means attribute discard. */
	[ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE", WK, LEN_FIXED, 0,
	    TAW, DISC, FLAGS_WHY,
	    "RFC 7606 7.6: ATOMIC_AGGREGATE length is not 0",
	    parse_atomic },
	[ATTR_AGGREGATOR] = { "AGGREGATOR", OPT_T, LEN_AGGR, 0, TAW, DISC,
	    FLAGS_WHY, "RFC 7606 7.7: AGGREGATOR length is not 6 or 8",
	    parse_aggregator },
	[ATTR_COMMUNITIES] = { "COMMUNITIES", OPT_T, LEN_MULT, 4, TAW, TAW,
	    FLAGS_WHY, "RFC 7606 7.8: COMMUNITIES length is not a non-zero "
	    "multiple of 4", parse_communities },
	[ATTR_ORIGINATOR_ID] = { "ORIGINATOR_ID", OPT_NT, LEN_FIXED, 4,
	    TAW, TAW, FLAGS_WHY,
	    "RFC 7606 7.9: ORIGINATOR_ID length is not 4", NULL },
	[ATTR_CLUSTER_LIST] = { "CLUSTER_LIST", OPT_NT, LEN_MULT, 4,
	    TAW, TAW, FLAGS_WHY, "RFC 7606 7.10: CLUSTER_LIST length is not "
	    "a non-zero multiple of 4", NULL },
	/* Contents checked by bgp_update.c, RFC 7606 7.11. */
	[ATTR_MP_REACH_NLRI] = { "MP_REACH_NLRI", OPT_NT, LEN_ANY, 0,
	    TAW, TAW, FLAGS_WHY, NULL, parse_mp_reach },
	[ATTR_MP_UNREACH_NLRI] = { "MP_UNREACH_NLRI", OPT_NT, LEN_ANY, 0,
	    TAW, TAW, FLAGS_WHY, NULL, parse_mp_unreach },
	[ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES", OPT_T, LEN_MULT, 8,
	    TAW, TAW, FLAGS_WHY, "RFC 7606 7.14: EXTENDED_COMMUNITIES length "
	    "is not a non-zero multiple of 8", parse_ext_communities },
	/* RFC 6793 6: malformed AS4_* attributes: attribute discard. */
	[ATTR_AS4_PATH] = { "AS4_PATH", OPT_T, LEN_ANY, 0, DISC, DISC,
	    "RFC 6793 6: AS4_PATH flags wrong", NULL, parse_as4path },
	[ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR", OPT_T, LEN_FIXED, 8,
	    DISC, DISC, "RFC 6793 6: AS4_AGGREGATOR flags wrong",
	    "RFC 6793 6: AS4_AGGREGATOR length is not 8",
	    parse_as4aggregator },
	[ATTR_LARGE_COMMUNITIES] = { "LARGE_COMMUNITY", OPT_T, LEN_MULT, 12,
	    TAW, TAW, FLAGS_WHY, "RFC 8092 6: LARGE_COMMUNITY length is not "
	    "a non-zero multiple of 12", parse_large_communities },
	/* RFC 8205 3: carries the AS path of a BGPsec UPDATE. */
	[ATTR_BGPSEC_PATH] = { "BGPsec_PATH", OPT_NT, LEN_ANY, 0, TAW, TAW,
	    FLAGS_WHY, NULL, parse_bgpsec_path },
	/*
	 * RFC 9234 5: optional transitive, 4 octets; "if the length is not
	 * 4, the OTC Attribute is malformed" and the UPDATE is handled as
	 * treat-as-withdraw.  Wrong flags: RFC 7606 3(c), as for the rest.
	 */
	[ATTR_OTC] = { "OTC", OPT_T, LEN_FIXED, 4, TAW, TAW, FLAGS_WHY,
	    "RFC 9234 5: OTC length is not 4", parse_otc },
};

static int
severity(enum bgp_update_result r)
{
	switch (r) {
	case BGP_UPD_OK:
		return 0;
	case BGP_UPD_ATTR_DISCARD:
		return 1;
	case BGP_UPD_TREAT_AS_WITHDRAW:
		return 2;
	case BGP_UPD_SESSION_RESET:
		return 3;
	}
	return 3;
}

void
bgp_attr_fail(struct bgp_attr_parse *st, enum bgp_update_result r,
    const char *why)
{
	if (severity(r) > severity(st->result)) {
		st->result = r;
		st->why = why;
	}
}

static void
mark_present(struct bgp_attr_parse *st, uint8_t code)
{
	if (code < 32)
		st->attrs->present |= 1u << code;
}

/* RFC 4271 5.1.1; RFC 7606 7.1: an undefined value is malformed. */
static void
parse_origin(struct bgp_attr_parse *st, struct cursor *v)
{
	uint8_t o = 0;

	(void)cursor_get_u8(v, &o);
	if (o > 2) {
		bgp_attr_fail(st, TAW, "RFC 7606 7.1: undefined ORIGIN value");
		return;
	}
	st->attrs->origin = o;
	mark_present(st, ATTR_ORIGIN);
}

/* Decoded here, merged with AS4_PATH once the walk is over. */
static void
parse_aspath(struct bgp_attr_parse *st, struct cursor *v)
{
	const char *why = NULL;
	int rv;

	rv = bgp_aspath_decode(st->path, v, st->as4, false, &why);
	if (rv == ASPATH_NOMEM) {
		bgp_attr_fail(st, TAW, "out of memory decoding AS_PATH");
		return;
	}
	if (rv != ASPATH_OK) {
		bgp_attr_fail(st, TAW, why);	/* RFC 7606 7.2 */
		return;
	}
	mark_present(st, ATTR_AS_PATH);
}

static void
parse_nexthop(struct bgp_attr_parse *st, struct cursor *v)
{
	st->attrs->next_hop.family = ADDR_V4;
	(void)cursor_get_bytes(v, st->attrs->next_hop.a, 4);
	mark_present(st, ATTR_NEXT_HOP);
}

static void
parse_med(struct bgp_attr_parse *st, struct cursor *v)
{
	(void)cursor_get_u32(v, &st->attrs->med);
	st->attrs->has_med = true;
	mark_present(st, ATTR_MED);
}

static void
parse_localpref(struct bgp_attr_parse *st, struct cursor *v)
{
	(void)cursor_get_u32(v, &st->attrs->local_pref);
	st->attrs->has_local_pref = true;
	mark_present(st, ATTR_LOCAL_PREF);
}

static void
parse_atomic(struct bgp_attr_parse *st, struct cursor *v)
{
	(void)v;
	st->attrs->atomic_aggregate = true;
	mark_present(st, ATTR_ATOMIC_AGGREGATE);
}

/* RFC 4271 5.1.7, RFC 6793 4.1: the AS is 2 or 4 octets per session. */
static void
parse_aggregator(struct bgp_attr_parse *st, struct cursor *v)
{
	uint16_t as16 = 0;

	if (st->as4)
		(void)cursor_get_u32(v, &st->attrs->aggregator_as);
	else {
		(void)cursor_get_u16(v, &as16);
		st->attrs->aggregator_as = as16;
	}
	st->attrs->aggregator_addr.family = ADDR_V4;
	(void)cursor_get_bytes(v, st->attrs->aggregator_addr.a, 4);
	st->has_aggregator = true;
	mark_present(st, ATTR_AGGREGATOR);
}

static void
parse_communities(struct bgp_attr_parse *st, struct cursor *v)
{
	st->attrs->communities = cursor_ptr(v);
	st->attrs->ncommunities = (uint32_t)(cursor_left(v) / 4);
	mark_present(st, ATTR_COMMUNITIES);
}

/*
 * RFC 4360 2 / RFC 8097 2: of the 8-octet extended communities only the
 * BGP Prefix Origin Validation State one is read:
 *
 *   +--------+---------+-----------------------+---------------+
 *   | 0x43   | 0x00    | reserved (5 octets)   | state (1)     |
 *   | type   | subtype | ignored on receipt    | 0 valid,      |
 *   |        |         |                       | 1 not found,  |
 *   |        |         |                       | 2 invalid     |
 *   +--------+---------+-----------------------+---------------+
 *
 * A state above 2 is no state RFC 8097 defines: that community is
 * ignored (counted nowhere; it cannot make the UPDATE malformed, as the
 * RFC defines no error for it).  Several with differing states: the least
 * favourable (the largest enum value) counts.  The length was checked to
 * be a multiple of 8 by the table, so the loop cannot end mid-value.
 */
#define EXTCOMM_OVS_TYPE	0x43	/* non-transitive opaque */
#define EXTCOMM_OVS_SUBTYPE	0x00

static void
parse_ext_communities(struct bgp_attr_parse *st, struct cursor *v)
{
	struct cursor one;
	uint8_t type, sub, state;

	while (cursor_sub(v, 8, &one) == 0) {
		if (cursor_get_u8(&one, &type) == -1 ||
		    cursor_get_u8(&one, &sub) == -1 ||
		    cursor_skip(&one, 5) == -1 ||
		    cursor_get_u8(&one, &state) == -1)
			break;
		if (type != EXTCOMM_OVS_TYPE || sub != EXTCOMM_OVS_SUBTYPE ||
		    state > 2)
			continue;
		if (state + 1u > st->attrs->router_rpki)
			st->attrs->router_rpki = (uint8_t)(state + 1u);
	}
}

static void
parse_mp_reach(struct bgp_attr_parse *st, struct cursor *v)
{
	st->mp_reach = *v;
	st->has_mp_reach = true;
	mark_present(st, ATTR_MP_REACH_NLRI);
}

static void
parse_mp_unreach(struct bgp_attr_parse *st, struct cursor *v)
{
	st->mp_unreach = *v;
	st->has_mp_unreach = true;
	mark_present(st, ATTR_MP_UNREACH_NLRI);
}

/*
 * RFC 6793 section 6: a malformed AS4_PATH is handled as attribute
 * discard (AS_PATH alone is used) and its confederation segments are
 * dropped.
 */
static void
parse_as4path(struct bgp_attr_parse *st, struct cursor *v)
{
	if (bgp_aspath_decode(st->as4path, v, true, true, NULL) !=
	    ASPATH_OK) {
		bgp_attr_fail(st, DISC, "RFC 6793 6: malformed AS4_PATH");
		return;
	}
	st->has_as4path = true;
	mark_present(st, ATTR_AS4_PATH);
}

static void
parse_as4aggregator(struct bgp_attr_parse *st, struct cursor *v)
{
	(void)cursor_get_u32(v, &st->as4agg_as);
	st->as4agg_addr.family = ADDR_V4;
	(void)cursor_get_bytes(v, st->as4agg_addr.a, 4);
	st->has_as4agg = true;
	mark_present(st, ATTR_AS4_AGGREGATOR);
}

static void
parse_large_communities(struct bgp_attr_parse *st, struct cursor *v)
{
	st->attrs->large_communities = cursor_ptr(v);
	st->attrs->nlarge_communities = (uint32_t)(cursor_left(v) / 12);
}

/* RFC 9234 5: the AS number that set the OTC (only-to-customer). */
static void
parse_otc(struct bgp_attr_parse *st, struct cursor *v)
{
	(void)cursor_get_u32(v, &st->attrs->otc);
	st->attrs->has_otc = true;
}

static bool
len_ok(const struct bgp_attr_parse *st, const struct attr_desc *d,
    size_t len)
{
	switch (d->lenkind) {
	case LEN_ANY:
		return true;
	case LEN_FIXED:
		return len == d->len;
	case LEN_MULT:
		return len > 0 && len % d->len == 0;
	case LEN_AGGR:
		return len == (st->as4 ? 8u : 6u);
	}
	return false;
}

static bool
seen_test_and_set(struct bgp_attr_parse *st, uint8_t code)
{
	uint32_t bit = 1u << (code % 32);
	bool was = (st->seen[code / 32] & bit) != 0;

	st->seen[code / 32] |= bit;
	return was;
}

/*
 * RFC 8205 3: BGPsec_PATH replaces AS_PATH on a BGPsec session.
 *
 *   Secure_Path:  Length (2, includes itself), then 6-octet segments
 *                 pCount (1) | Flags (1) | AS Number (4)
 *   Signature_Block (one or two): Length (2, includes itself),
 *                 Algorithm Suite (1), Signature Segments:
 *                 SKI (20) | Signature Length (2) | Signature
 *
 * The segments list the most recent AS first, as AS_PATH does; pCount
 * repeats an AS (prepending) and 0 marks a transparent route server,
 * which adds no AS (RFC 8205 4.2).  Any framing error is malformed:
 * treat-as-withdraw (RFC 8205 5.2).  The AS path is rebuilt as one
 * 4-octet AS_SEQUENCE wire image and decoded like AS_PATH, so the rest
 * of rovmon sees a single representation.
 */
#define BGPSEC_MAX_ASNS	1020	/* 4 AS_SEQUENCE segments of 255 */

static int
bgpsec_sigblocks_ok(struct cursor *v)
{
	struct cursor blk, sig;
	uint16_t blen, slen;
	uint8_t suite;
	int n = 0;

	while (!cursor_empty(v)) {
		if (cursor_get_u16(v, &blen) == -1 || blen < 3 ||
		    cursor_sub(v, blen - 2, &blk) == -1 ||
		    cursor_get_u8(&blk, &suite) == -1)
			return -1;
		while (!cursor_empty(&blk)) {
			if (cursor_skip(&blk, 20) == -1 ||
			    cursor_get_u16(&blk, &slen) == -1 ||
			    cursor_sub(&blk, slen, &sig) == -1)
				return -1;
		}
		n++;
	}
	return n >= 1 && n <= 2 ? 0 : -1;
}

static void
parse_bgpsec_path(struct bgp_attr_parse *st, struct cursor *v)
{
	static const char *bad = "RFC 8205 5.2: BGPsec_PATH malformed";
	uint8_t wire[BGPSEC_MAX_ASNS * 4 + 2 * 4];
	struct cursor sp, img;
	uint16_t splen;
	uint32_t as = 0, nasn = 0;
	uint8_t pcount, flags = 0;
	size_t w = 0, seghdr = 0;
	const char *why = NULL;

	if (cursor_get_u16(v, &splen) == -1 || splen < 2 + 6 ||
	    (splen - 2) % 6 != 0 || cursor_sub(v, splen - 2, &sp) == -1 ||
	    bgpsec_sigblocks_ok(v) == -1) {
		bgp_attr_fail(st, TAW, bad);
		return;
	}
	while (cursor_get_u8(&sp, &pcount) == 0) {
		(void)cursor_get_u8(&sp, &flags);
		(void)cursor_get_u32(&sp, &as);
		for (; pcount > 0; pcount--, nasn++) {
			if (nasn == BGPSEC_MAX_ASNS) {
				bgp_attr_fail(st, TAW, "BGPsec_PATH longer "
				    "than rovmon's limit of 1020 ASNs");
				return;
			}
			if (nasn % 255 == 0) {
				seghdr = w;
				wire[w++] = AS_SEQUENCE;
				wire[w++] = 0;
			}
			wire[seghdr + 1]++;
			wire[w++] = (uint8_t)(as >> 24);
			wire[w++] = (uint8_t)(as >> 16);
			wire[w++] = (uint8_t)(as >> 8);
			wire[w++] = (uint8_t)as;
		}
	}
	st->has_bgpsec = true;
	/* AS_PATH, when also present, wins (RFC 8205 4.4 forbids both). */
	if (st->attrs->present & (1u << ATTR_AS_PATH))
		return;
	cursor_init(&img, wire, w);
	if (bgp_aspath_decode(st->path, &img, true, false, &why) != ASPATH_OK)
		bgp_attr_fail(st, TAW, why != NULL ? why : bad);
}


/*
 * A type code without a row.  RFC 4271 5: an unrecognised optional
 * attribute is quietly ignored (passed on if transitive, which is no
 * concern of a monitor): skipped by length.  RFC 4271 6.3: one with the
 * Optional bit clear is an UPDATE error, "Unrecognized Well-known
 * Attribute".  RFC 7606 names no action for it; BIRD treats the UPDATE
 * as withdraw, FRR resets the session.  Either way the receiver ends up
 * without those routes, so we withdraw them (treat-as-withdraw) and keep
 * decoding the session, as for the other RFC 7606 cases.
 *
 * Only ORIGIN, AS_PATH, NEXT_HOP, LOCAL_PREF and ATOMIC_AGGREGATE are
 * well-known (IANA "BGP Path Attributes"); every other assigned code is
 * optional by its RFC.  All five have rows, so a legitimate well-known
 * attribute never gets here.  An assigned optional code sent with the
 * Optional bit clear does, which is right: RFC 7606 3(c) would treat
 * its flag conflict as withdraw as well.
 */
static void
attr_unknown(struct bgp_attr_parse *st, uint8_t flags)
{
	if (flags & ATTR_F_OPTIONAL)
		return;
	st->unknown_wellknown = true;
	bgp_attr_fail(st, TAW,
	    "RFC 4271 6.3: unrecognized well-known attribute");
}

/* One attribute, already carved into v: the RFC 7606 checks, then parse. */
static void
attr_one(struct bgp_attr_parse *st, uint8_t flags, uint8_t code,
    struct cursor *v)
{
	const struct attr_desc *d = &attr_table[code];

	if (seen_test_and_set(st, code)) {
		if (code == ATTR_MP_REACH_NLRI || code == ATTR_MP_UNREACH_NLRI)
			bgp_attr_fail(st, RESET, "RFC 7606 3(g): MP_REACH_NLRI "
			    "or MP_UNREACH_NLRI appears more than once");
		else
			bgp_attr_fail(st, DISC, "RFC 7606 3(g): duplicate "
			    "attribute, all but the first discarded");
		return;
	}
	if (d->name == NULL) {
		attr_unknown(st, flags);
		return;
	}
	/*
	 * RFC 6793 6: a NEW speaker discards AS4_PATH/AS4_AGGREGATOR
	 * received from a NEW speaker, i.e. on a 4-octet session.
	 */
	if (st->as4 && (code == ATTR_AS4_PATH || code == ATTR_AS4_AGGREGATOR))
		return;
	if ((flags & (ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE)) != d->flags) {
		bgp_attr_fail(st, d->badflags, d->why_flags);
		/*
		 * The MP attributes still have to be parsed: treat-as-withdraw
		 * needs their NLRI (RFC 7606 3(j)).
		 */
		if (code != ATTR_MP_REACH_NLRI && code != ATTR_MP_UNREACH_NLRI)
			return;
	}
	if (!len_ok(st, d, cursor_left(v))) {
		bgp_attr_fail(st, d->badlen, d->why_len);
		return;
	}
	if (d->parse != NULL)
		d->parse(st, v);	/* marks the attribute present if valid */
	else
		mark_present(st, code);
}

/*
 * RFC 6793 4.2.3: with a 2-octet peer, an AGGREGATOR whose AS is not
 * AS_TRANS means AS4_AGGREGATOR and AS4_PATH are ignored; otherwise the
 * AS4_AGGREGATOR replaces AGGREGATOR and AS4_PATH is merged into
 * AS_PATH.  Then the origin is derived once (RFC 6811 section 2).
 */
static void
attr_resolve_path(struct bgp_attr_parse *st)
{
	struct bgp_attrs *a = st->attrs;
	bool use_as4 = true;

	if (st->has_aggregator && a->aggregator_as != AS_TRANS)
		use_as4 = false;
	if (use_as4 && st->has_aggregator && st->has_as4agg) {
		a->aggregator_as = st->as4agg_as;
		a->aggregator_addr = st->as4agg_addr;
	}
	if (!(a->present & (1u << ATTR_AS_PATH)) && st->has_bgpsec)
		mark_present(st, ATTR_AS_PATH);	/* decoded from BGPsec_PATH */
	if (!(a->present & (1u << ATTR_AS_PATH))) {
		st->path->nasn = st->path->nseg = 0;
		bgp_aspath_view(st->path, &a->aspath);
		a->origin_kind = ORIGIN_AS_NONE;
		a->origin_as = 0;
		return;
	}
	if (use_as4 && st->has_as4path &&
	    bgp_aspath_merge_as4(st->path, st->as4path) != ASPATH_OK)
		bgp_attr_fail(st, DISC, "out of memory merging AS4_PATH");
	bgp_aspath_view(st->path, &a->aspath);
	bgp_aspath_origin(&a->aspath, st->peer_as, &a->origin_kind,
	    &a->origin_as);
}

/*
 * The framing itself, inline so that the walks below keep flags, code
 * and the value cursor in registers.
 */
static inline int
attr_frame(struct cursor *c, uint8_t *flags, uint8_t *code,
    struct cursor *v)
{
	uint16_t fc, len16;
	uint8_t len8;

	*code = 0;
	if (cursor_get_u16(c, &fc) == -1)	/* flags and type code */
		return -1;
	*flags = (uint8_t)(fc >> 8);
	*code = (uint8_t)fc;
	if (*flags & ATTR_F_EXTLEN) {
		if (cursor_get_u16(c, &len16) == -1)
			return -1;
	} else {
		if (cursor_get_u8(c, &len8) == -1)
			return -1;
		len16 = len8;
	}
	return cursor_sub(c, len16, v);
}

int
bgp_attr_next(struct cursor *c, uint8_t *flags, uint8_t *code,
    struct cursor *v)
{
	return attr_frame(c, flags, code, v);
}

void
bgp_attr_parse(struct bgp_attr_parse *st, const struct cursor *blk)
{
	/*
	 * Reset by copying static zeros: memset() of structs this size is
	 * a "rep stos", whose start-up cost showed in profiles since it
	 * runs for every UPDATE.  Everything but the in fields is reset.
	 */
	static const struct bgp_attr_parse st_zero;
	static const struct bgp_attrs attrs_zero;
	struct bgp_aspath_buf *path = st->path, *as4path = st->as4path;
	struct bgp_attrs *attrs = st->attrs;
	uint32_t peer_as = st->peer_as;
	bool as4 = st->as4;
	struct cursor c = *blk, v;
	uint8_t flags, code;

	*st = st_zero;
	st->as4 = as4;
	st->peer_as = peer_as;
	st->path = path;
	st->as4path = as4path;
	st->attrs = attrs;
	*attrs = attrs_zero;
	st->result = BGP_UPD_OK;
	st->why = NULL;
	st->path->nasn = st->path->nseg = 0;

	while (!cursor_empty(&c)) {
		if (attr_frame(&c, &flags, &code, &v) == -1) {
			/*
			 * RFC 7606 4: an attribute overrunning the Total
			 * Attribute Length, or too few octets left for a
			 * header: treat-as-withdraw, NLRI located by the total
			 * length.  If the attribute was MP_REACH/MP_UNREACH
			 * its NLRI cannot be located: session reset (3(j)).
			 */
			if (code == ATTR_MP_REACH_NLRI ||
			    code == ATTR_MP_UNREACH_NLRI)
				bgp_attr_fail(st, RESET, "RFC 7606 3(j): "
				    "MP_REACH/MP_UNREACH overruns the "
				    "attributes");
			else
				bgp_attr_fail(st, TAW, "RFC 7606 4: attribute "
				    "length overruns Total Attribute Length");
			break;
		}
		attr_one(st, flags, code, &v);
	}
	attr_resolve_path(st);
}

int
bgp_attr_check(const struct cursor *blk, bool as4,
    struct cursor *mp_reach, bool *has_mp_reach,
    struct cursor *mp_unreach, bool *has_mp_unreach,
    bool *has_aspath, bool *has_as0, bool *has_as4path)
{
	struct cursor c = *blk, v;
	uint8_t flags, code;
	bool as0;

	*has_mp_reach = *has_mp_unreach = false;
	*has_aspath = *has_as0 = *has_as4path = false;
	while (!cursor_empty(&c)) {
		if (attr_frame(&c, &flags, &code, &v) == -1)
			return -1;
		switch (code) {
		case ATTR_AS_PATH:
			if (bgp_aspath_check(&v, as4, &as0) == -1)
				return -1;
			*has_aspath = true;
			*has_as0 = *has_as0 || as0;
			break;
		case ATTR_AS4_PATH:
			*has_as4path = true;
			break;
		case ATTR_MP_REACH_NLRI:
			*mp_reach = v;
			*has_mp_reach = true;
			break;
		case ATTR_MP_UNREACH_NLRI:
			*mp_unreach = v;
			*has_mp_unreach = true;
			break;
		}
	}
	return 0;
}
