/*
 * mrt_read.c - MRT records (RFC 6396, RFC 8050) into feed sessions
 * (mrt_read.h).
 *
 * Every record is read through a cursor: its common header, then the
 * fields of its type, each length-prefixed one carved before it is
 * interpreted.  The BGP messages of BGP4MP records are handed to
 * bgp_session_message() where they lie; a RIB entry's UPDATE is built
 * in one scratch buffer (struct mrt_read.msg, 64 KiB, allocated once):
 * no allocation per record or entry.
 *
 * RIB entries to UPDATEs: the entry's attributes are copied as they
 * are, but for MP_REACH_NLRI, which a RIB entry holds abbreviated
 * (RFC 6396 4.3.4: next hop length and next hop only) and which is
 * rebuilt whole (AFI 2, SAFI 1, next hop, the entry's prefix), and
 * MP_UNREACH_NLRI, which a RIB has no use for.  An IPv4 entry's prefix
 * goes in the UPDATE's NLRI field.  An entry whose attributes do not
 * fit in a 65,535-octet message (bgpdump's 64k_stream_overflow file:
 * RIS writes what it received over a session that may carry larger
 * ones) loses its optional attributes, largest first, until it fits:
 * the route keeps its AS path, origin and next hop.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/log.h"
#include "base/stats.h"
#include "base/zread.h"
#include "bgp/bgp.h"
#include "bgp/bgp_attr.h"
#include "bgp/bgp_session.h"
#include "feed/feed_session.h"
#include "feed/mrt.h"
#include "feed/mrt_read.h"

/* The scratch UPDATE: one whole BGP message of the largest size. */
#define MSG_CAP		BGP_MAX_LEN_EXT

/* Past this many warnings, records are only counted (a hostile file). */
#define WARN_MAX	100

/* Kinds (type, subtype) skipped, each logged once. */
#define SKIP_KINDS_MAX	64

struct mrt_peer {
	struct ipaddr	 addr;
	uint32_t	 as;
};

struct mrt_read {
	struct feed_table *t;
	char		*name;
	struct mrt_peer	*peers;		/* the last PEER_INDEX_TABLE */
	size_t		 npeers;
	bool		 have_index;
	uint8_t		*msg;		/* MSG_CAP octets */
	uint32_t	 skipped[SKIP_KINDS_MAX];
	size_t		 nskipped;
	uint64_t	 warnings;
	/* The deprecated BGP type: each peer's last local end, since its
	 * state changes name the peer only (bgp_old_state()). */
	struct feed_key	*old_keys;
	size_t		 nold, oldcap;
};

static void rec_warn(struct mrt_read *, const struct mrt_record *,
		    const char *, ...) ROVMON_PRINTF(3, 4);

static void
rec_warn(struct mrt_read *r, const struct mrt_record *rec, const char *fmt,
    ...)
{
	char why[256];
	va_list ap;

	if (++r->warnings > WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("%s: record %llu: %s%s", r->name,
	    (unsigned long long)rec->pkt.num, why, r->warnings == WARN_MAX ?
	    " (further problems are only counted)" : "");
}

static void
malformed(struct mrt_read *r, const struct mrt_record *rec, const char *what)
{
	STAT_INC(mrt_malformed);
	rec_warn(r, rec, "type %u subtype %u: %s", rec->type, rec->subtype,
	    what);
}

/* A record of a kind not read: counted, logged once per kind. */
static void
skip_kind(struct mrt_read *r, const struct mrt_record *rec, const char *what)
{
	uint32_t kind = (uint32_t)rec->type << 16 | rec->subtype;
	size_t i;

	STAT_INC(mrt_skipped);
	for (i = 0; i < r->nskipped; i++)
		if (r->skipped[i] == kind)
			return;
	if (r->nskipped < SKIP_KINDS_MAX)
		r->skipped[r->nskipped++] = kind;
	log_warnx("%s: record %llu: MRT type %u subtype %u (%s) skipped; "
	    "records of this kind are counted only", r->name,
	    (unsigned long long)rec->pkt.num, rec->type, rec->subtype, what);
}

static void
refused(struct mrt_read *r, const struct mrt_record *rec, const char *why)
{
	STAT_INC(mrt_refused);
	rec_warn(r, rec, "BGP message refused: %s", why);
}

/* An address of afi (MRT_AFI_*) from c: 0, or -1 (short or other afi). */
static int
get_addr(struct cursor *c, uint16_t afi, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (afi == MRT_AFI_IPV4) {
		a->family = ADDR_V4;
		return cursor_get_bytes(c, a->a, 4);
	}
	if (afi == MRT_AFI_IPV6) {
		a->family = ADDR_V6;
		return cursor_get_bytes(c, a->a, 16);
	}
	return -1;
}

static int
get_as(struct cursor *c, bool as4, uint32_t *as)
{
	uint16_t as2;

	if (as4)
		return cursor_get_u32(c, as);
	if (cursor_get_u16(c, &as2) == -1)
		return -1;
	*as = as2;
	return 0;
}

/* ---- BGP4MP, BGP4MP_ET (RFC 6396 4.4, RFC 8050 3) ---------------------- */

static const char *
state_name(uint16_t st)
{
	static const char *const names[] = { NULL, "Idle", "Connect",
	    "Active", "OpenSent", "OpenConfirm", "Established" };

	return st < sizeof(names) / sizeof(names[0]) && names[st] != NULL ?
	    names[st] : NULL;
}

/*
 * The reason of a session ended by a state change: static text (the
 * session event may keep it), one per pair of known states.
 */
#define SR(o) { "MRT state change: " o " -> another state",		\
	"MRT state change: " o " -> Idle",				\
	"MRT state change: " o " -> Connect",				\
	"MRT state change: " o " -> Active",				\
	"MRT state change: " o " -> OpenSent",				\
	"MRT state change: " o " -> OpenConfirm",			\
	"MRT state change: " o " -> Established" }
static const char *const state_reason[7][7] = {
	SR("another state"), SR("Idle"), SR("Connect"), SR("Active"),
	SR("OpenSent"), SR("OpenConfirm"), SR("Established"),
};
#undef SR

static void
bgp4mp_state(struct mrt_read *r, const struct mrt_record *rec,
    struct cursor *c, const struct feed_key *key)
{
	uint16_t old, new;

	if (cursor_get_u16(c, &old) == -1 || cursor_get_u16(c, &new) == -1) {
		malformed(r, rec, "state change cut short");
		return;
	}
	STAT_INC(mrt_state_changes);
	/*
	 * The session ends when it leaves Established or falls back to
	 * Idle, Connect or Active.  OpenSent -> OpenConfirm on the way up
	 * (BIRD, Quagga write them) is no end: it would forget the OPEN
	 * just read.
	 */
	if (new == MRT_STATE_ESTABLISHED ||
	    (old != MRT_STATE_ESTABLISHED && (new == MRT_STATE_OPENSENT ||
	    new == MRT_STATE_OPENCONFIRM)))
		return;
	feed_session_down(r->t, key, state_reason[state_name(old) != NULL ?
	    old : 0][state_name(new) != NULL ? new : 0], &rec->pkt);
}

static void
bgp4mp(struct mrt_read *r, const struct mrt_record *rec)
{
	struct feed_key key;
	struct bgp_session *s;
	struct cursor c;
	bool as4 = false, local = false, addpath = false, state = false;
	uint16_t ifindex, afi;
	const char *why;
	int dir;

	switch (rec->subtype) {
	case MRT_BGP4MP_STATE_CHANGE:
		state = true;
		break;
	case MRT_BGP4MP_STATE_CHANGE_AS4:
		state = as4 = true;
		break;
	case MRT_BGP4MP_MESSAGE:
		break;
	case MRT_BGP4MP_MESSAGE_AS4:
		as4 = true;
		break;
	case MRT_BGP4MP_MESSAGE_LOCAL:
		local = true;
		break;
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL:
		as4 = local = true;
		break;
	case MRT_BGP4MP_MESSAGE_ADDPATH:
		addpath = true;
		break;
	case MRT_BGP4MP_MESSAGE_AS4_ADDPATH:
		as4 = addpath = true;
		break;
	case MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH:
		local = addpath = true;
		break;
	case MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH:
		as4 = local = addpath = true;
		break;
	default:	/* 2 ENTRY, 3 SNAPSHOT (deprecated), others */
		skip_kind(r, rec, "a BGP4MP subtype not read");
		return;
	}
	/* the addresses and ASes are set below (mrt_record_cut() says
	 * why not by a memset) */
	key.peer_port = key.local_port = 0;
	key.scope = 0;
	key.view = BGP_VIEW_WIRE;
	cursor_init(&c, rec->body, rec->len);
	if (get_as(&c, as4, &key.peer_as) == -1 ||
	    get_as(&c, as4, &key.local_as) == -1 ||
	    cursor_get_u16(&c, &ifindex) == -1 ||
	    cursor_get_u16(&c, &afi) == -1) {
		malformed(r, rec, "header cut short");
		return;
	}
	if (afi != MRT_AFI_IPV4 && afi != MRT_AFI_IPV6) {
		malformed(r, rec, afi == 0 ? "address family 0" :
		    "address family not IPv4 or IPv6");
		return;
	}
	if (get_addr(&c, afi, &key.peer_addr) == -1 ||
	    get_addr(&c, afi, &key.local_addr) == -1) {
		malformed(r, rec, "addresses cut short");
		return;
	}
	if (state) {
		bgp4mp_state(r, rec, &c, &key);
		return;
	}
	if ((s = feed_session(r->t, &key)) == NULL)
		return;			/* no memory: logged */
	dir = local ? FEED_LOCAL_TO_PEER : FEED_PEER_TO_LOCAL;
	bgp_session_encoding(s, dir, BGP_ENC_ALL,
	    (as4 ? BGP_ENC_AS4 : 0u) |
	    (addpath ? BGP_ENC_ADDPATH_V4 | BGP_ENC_ADDPATH_V6 : 0u));
	if ((why = bgp_session_message(s, dir, cursor_ptr(&c),
	    cursor_left(&c), &rec->pkt)) != NULL)
		refused(r, rec, why);
}

/* ---- RIB entries to UPDATEs ------------------------------------------ */

/* One route of a RIB: what build_update() makes an UPDATE of. */
struct rib_route {
	uint8_t		 family;	/* ADDR_V4, ADDR_V6 */
	uint8_t		 plen;
	const uint8_t	*pfx;		/* (plen + 7) / 8 octets */
	bool		 addpath;
	uint32_t	 path_id;
	struct cursor	 attrs;		/* the entry's attributes */
};

/* One attribute as found: where its bytes lie, whole and value. */
struct attr_span {
	uint8_t		 flags, type;
	const uint8_t	*raw;
	size_t		 rawlen;
	struct cursor	 val;
};

static int
attr_next(struct cursor *c, struct attr_span *a)
{
	const uint8_t *start = cursor_ptr(c);
	size_t before = cursor_left(c);

	if (bgp_attr_next(c, &a->flags, &a->type, &a->val) == -1)
		return -1;
	a->raw = start;
	a->rawlen = before - cursor_left(c);
	return 0;
}

/*
 * The next hop of an MP_REACH_NLRI as a RIB entry holds it: abbreviated
 * (length, next hop: RFC 6396 4.3.4) or, as some writers keep it, whole
 * (AFI, SAFI, length, next hop, ...).  -1 if neither fits.
 */
static int
mp_nexthop(const struct cursor *val, struct cursor *nh)
{
	struct cursor c = *val;
	uint8_t nhlen;

	if (cursor_peek_u8(&c, 0, &nhlen) == 0 &&
	    (size_t)nhlen + 1 == cursor_left(&c)) {
		(void)cursor_skip(&c, 1);
		return cursor_sub(&c, nhlen, nh);
	}
	if (cursor_skip(&c, 3) == -1 || cursor_get_u8(&c, &nhlen) == -1)
		return -1;
	return cursor_sub(&c, nhlen, nh);
}

/* Is attribute type one to drop first when the message is too large? */
static bool
droppable(const struct attr_span *a)
{
	return (a->flags & ATTR_F_OPTIONAL) != 0 &&
	    a->type != ATTR_MP_REACH_NLRI && a->type != ATTR_AGGREGATOR &&
	    a->type != ATTR_AS4_PATH && a->type != ATTR_AS4_AGGREGATOR &&
	    a->type != ATTR_OTC;
}

/*
 * The size limit of droppable attributes so that the message fits,
 * over octets too many: every droppable attribute of that size or more
 * is left out, largest first; SIZE_MAX when all fit, 0 when even
 * dropping them all is not enough.
 */
static size_t
drop_limit(const struct cursor *attrs, size_t over)
{
	struct attr_span a, big;
	struct cursor c;
	size_t limit = SIZE_MAX;

	while (over > 0) {
		big.rawlen = 0;
		c = *attrs;
		while (attr_next(&c, &a) == 0)
			if (droppable(&a) && a.rawlen < limit &&
			    a.rawlen > big.rawlen)
				big = a;
		if (big.rawlen == 0)
			return 0;
		limit = big.rawlen;
		over = big.rawlen >= over ? 0 : over - big.rawlen;
	}
	return limit;
}

/*
 * The UPDATE of one RIB route into r->msg: its length, or 0 with *why.
 *
 *   marker (16) | length (2) | type 2 | withdrawn length 0 (2) |
 *   attributes length (2) | attributes | NLRI (IPv4)
 *
 * IPv6: the attributes end with MP_REACH_NLRI (optional, extended
 * length): AFI 2 | SAFI 1 | next hop length | next hop | reserved 0 |
 * NLRI.  NLRI: [path id (4)] | prefix length | prefix octets.
 */
static size_t
build_update(struct mrt_read *r, const struct rib_route *rt,
    const char **why)
{
	uint8_t *m = r->msg;
	struct attr_span a;
	struct cursor c, nh = { NULL, 0 };
	size_t off, pbytes = ((size_t)rt->plen + 7) / 8, nlri_len, mp_len = 0;
	size_t kept = 0, need, limit = SIZE_MAX, attr_start, alen;
	static const uint8_t unspecified[16];
	bool have_nh = false;

	nlri_len = (rt->addpath ? 4 : 0) + 1 + pbytes;
	/* first pass: check the attributes, find the next hop, measure */
	c = rt->attrs;
	while (!cursor_empty(&c)) {
		if (attr_next(&c, &a) == -1) {
			*why = "attributes cut short";
			return 0;
		}
		if (a.type == ATTR_MP_REACH_NLRI) {
			if (rt->family == ADDR_V6 && !have_nh &&
			    mp_nexthop(&a.val, &nh) == 0)
				have_nh = true;
		} else if (a.type != ATTR_MP_UNREACH_NLRI)
			kept += a.rawlen;
	}
	if (rt->family == ADDR_V6 && !have_nh) {
		/* no next hop stated (RFC 8050 lab dumps): the unspecified
		 * address, which a 0-octet next hop would not decode as */
		cursor_init(&nh, unspecified, sizeof(unspecified));
	}
	if (rt->family == ADDR_V6)
		mp_len = 2 + 1 + 1 + cursor_left(&nh) + 1 + nlri_len;
	need = BGP_HEADER_LEN + 4 + kept + (rt->family == ADDR_V6 ?
	    4 + mp_len : nlri_len);
	if (need > MSG_CAP &&
	    (limit = drop_limit(&rt->attrs, need - MSG_CAP)) == 0) {
		*why = "attributes larger than a BGP message";
		return 0;
	}
	memset(m, 0xff, 16);
	m[18] = BGP_UPDATE;
	m[19] = m[20] = 0;		/* no withdrawn routes */
	off = attr_start = BGP_HEADER_LEN + 4;
	c = rt->attrs;
	while (attr_next(&c, &a) == 0) {
		if (a.type == ATTR_MP_REACH_NLRI ||
		    a.type == ATTR_MP_UNREACH_NLRI)
			continue;
		if (droppable(&a) && a.rawlen >= limit) {
			STAT_INC(mrt_attr_dropped);
			continue;
		}
		memcpy(m + off, a.raw, a.rawlen);
		off += a.rawlen;
	}
	if (rt->family == ADDR_V6) {
		m[off++] = ATTR_F_OPTIONAL | ATTR_F_EXTLEN;
		m[off++] = ATTR_MP_REACH_NLRI;
		m[off++] = (uint8_t)(mp_len >> 8);
		m[off++] = (uint8_t)mp_len;
		m[off++] = 0;
		m[off++] = MRT_AFI_IPV6;
		m[off++] = 1;		/* SAFI unicast */
		m[off++] = (uint8_t)cursor_left(&nh);
		memcpy(m + off, cursor_ptr(&nh), cursor_left(&nh));
		off += cursor_left(&nh);
		m[off++] = 0;		/* reserved */
	}
	/* IPv4: the NLRI field follows the attributes */
	alen = off - attr_start + (rt->family == ADDR_V6 ? nlri_len : 0);
	m[attr_start - 2] = (uint8_t)(alen >> 8);
	m[attr_start - 1] = (uint8_t)alen;
	if (rt->addpath) {
		m[off++] = (uint8_t)(rt->path_id >> 24);
		m[off++] = (uint8_t)(rt->path_id >> 16);
		m[off++] = (uint8_t)(rt->path_id >> 8);
		m[off++] = (uint8_t)rt->path_id;
	}
	m[off++] = rt->plen;
	memcpy(m + off, rt->pfx, pbytes);
	off += pbytes;
	m[16] = (uint8_t)(off >> 8);
	m[17] = (uint8_t)off;
	return off;
}

/*
 * One RIB route of peer (its session keyed as the shared decisions say:
 * the peer, the unspecified local address of its family, local AS 0) at
 * time ts, with the AS encoding of the record type.
 */
static void
rib_route(struct mrt_read *r, const struct mrt_record *rec,
    const struct mrt_peer *peer, uint32_t ts, bool as4,
    const struct rib_route *rt)
{
	struct feed_key key;
	struct bgp_session *s;
	struct packet pkt;
	const char *why = "cannot be made a BGP message";
	size_t len;

	STAT_INC(mrt_rib_entries);
	memset(&key, 0, sizeof(key));
	key.peer_addr = peer->addr;
	key.peer_as = peer->as;
	key.local_addr.family = peer->addr.family;
	if ((len = build_update(r, rt, &why)) == 0) {
		malformed(r, rec, why);
		return;
	}
	if ((s = feed_session(r->t, &key)) == NULL)
		return;
	bgp_session_encoding(s, FEED_PEER_TO_LOCAL, BGP_ENC_ALL,
	    (as4 ? BGP_ENC_AS4 : 0u) | (rt->addpath ?
	    BGP_ENC_ADDPATH_V4 | BGP_ENC_ADDPATH_V6 : 0u));
	pkt = rec->pkt;
	pkt.ts.tv_sec = (time_t)ts;
	pkt.ts.tv_usec = 0;
	if ((why = bgp_session_message(s, FEED_PEER_TO_LOCAL, r->msg, len,
	    &pkt)) != NULL)
		refused(r, rec, why);
}

/* ---- TABLE_DUMP_V2 (RFC 6396 4.3, RFC 8050 4) -------------------------- */

/*
 *   collector BGP ID (4) | view name length (2) | view name |
 *   peer count (2) | peer entries:
 *     peer type (1: bit 0 IPv6, bit 1 AS4) | BGP ID (4) | address | AS
 */
static void
peer_index(struct mrt_read *r, const struct mrt_record *rec)
{
	struct cursor c;
	struct mrt_peer *np;
	uint16_t vlen, count, i;
	uint32_t id;
	uint8_t type;

	cursor_init(&c, rec->body, rec->len);
	if (cursor_get_u32(&c, &id) == -1 || cursor_get_u16(&c, &vlen) == -1 ||
	    cursor_skip(&c, vlen) == -1 || cursor_get_u16(&c, &count) == -1) {
		malformed(r, rec, "peer index table header cut short");
		return;
	}
	if ((np = realloc(r->peers, ((size_t)count + 1) * sizeof(*np))) ==
	    NULL) {
		log_warnx("%s: record %llu: no memory for the peer index table",
		    r->name, (unsigned long long)rec->pkt.num);
		return;
	}
	r->peers = np;
	r->npeers = 0;
	r->have_index = true;
	for (i = 0; i < count; i++) {
		if (cursor_get_u8(&c, &type) == -1 ||
		    cursor_get_u32(&c, &id) == -1 ||
		    get_addr(&c, (type & 1) ? MRT_AFI_IPV6 : MRT_AFI_IPV4,
		    &np[i].addr) == -1 ||
		    get_as(&c, (type & 2) != 0, &np[i].as) == -1) {
			malformed(r, rec, "peer entry cut short");
			break;
		}
		r->npeers++;
	}
}

/*
 *   sequence number (4) | prefix length (1) | prefix | entry count (2) |
 *   entries: peer index (2) | originated time (4) | [path id (4)] |
 *            attribute length (2) | attributes
 */
static void
rib_afi(struct mrt_read *r, const struct mrt_record *rec, uint8_t family,
    bool addpath)
{
	struct rib_route rt;
	struct cursor c, pfx;
	uint32_t seq, ts;
	uint16_t count, i, idx, alen;
	uint8_t plen;

	cursor_init(&c, rec->body, rec->len);
	if (cursor_get_u32(&c, &seq) == -1 || cursor_get_u8(&c, &plen) == -1 ||
	    plen > (family == ADDR_V4 ? 32 : 128) ||
	    cursor_sub(&c, ((size_t)plen + 7) / 8, &pfx) == -1 ||
	    cursor_get_u16(&c, &count) == -1) {
		malformed(r, rec, "RIB header cut short or prefix too long");
		return;
	}
	if (!r->have_index) {
		malformed(r, rec, "RIB entries before any PEER_INDEX_TABLE");
		return;
	}
	memset(&rt, 0, sizeof(rt));
	rt.family = family;
	rt.plen = plen;
	rt.pfx = cursor_ptr(&pfx);
	rt.addpath = addpath;
	for (i = 0; i < count; i++) {
		if (cursor_get_u16(&c, &idx) == -1 ||
		    cursor_get_u32(&c, &ts) == -1 ||
		    (addpath && cursor_get_u32(&c, &rt.path_id) == -1) ||
		    cursor_get_u16(&c, &alen) == -1 ||
		    cursor_sub(&c, alen, &rt.attrs) == -1) {
			malformed(r, rec, "RIB entry cut short");
			return;
		}
		if (idx >= r->npeers) {
			STAT_INC(mrt_rib_entries);
			malformed(r, rec, "RIB entry of a peer not in the index");
			continue;
		}
		rib_route(r, rec, &r->peers[idx], ts, true, &rt);
	}
}

static void
table_dump_v2(struct mrt_read *r, const struct mrt_record *rec)
{
	switch (rec->subtype) {
	case MRT_TD2_PEER_INDEX_TABLE:
		peer_index(r, rec);
		break;
	case MRT_TD2_RIB_IPV4_UNICAST:
		rib_afi(r, rec, ADDR_V4, false);
		break;
	case MRT_TD2_RIB_IPV6_UNICAST:
		rib_afi(r, rec, ADDR_V6, false);
		break;
	case MRT_TD2_RIB_IPV4_UNICAST_ADDPATH:
		rib_afi(r, rec, ADDR_V4, true);
		break;
	case MRT_TD2_RIB_IPV6_UNICAST_ADDPATH:
		rib_afi(r, rec, ADDR_V6, true);
		break;
	case MRT_TD2_RIB_IPV4_MULTICAST:
	case MRT_TD2_RIB_IPV6_MULTICAST:
	case MRT_TD2_RIB_IPV4_MULTICAST_ADDPATH:
	case MRT_TD2_RIB_IPV6_MULTICAST_ADDPATH:
		skip_kind(r, rec, "multicast RIB: rovmon validates unicast");
		break;
	case MRT_TD2_RIB_GENERIC:
	case MRT_TD2_RIB_GENERIC_ADDPATH:
		skip_kind(r, rec, "RIB_GENERIC: other address families");
		break;
	default:
		skip_kind(r, rec, "a TABLE_DUMP_V2 subtype not read");
		break;
	}
}

/* ---- TABLE_DUMP (RFC 6396 4.2) ------------------------------------------ */

/*
 *   view (2) | sequence (2) | prefix (4/16) | prefix length (1) |
 *   status (1) | originated time (4) | peer address (4/16) | peer AS (2) |
 *   attribute length (2) | attributes
 */
static void
table_dump(struct mrt_read *r, const struct mrt_record *rec)
{
	struct rib_route rt;
	struct mrt_peer peer;
	struct cursor c;
	uint8_t pfx[16], status;
	uint16_t view, seq, as2, alen;
	uint32_t ts;

	if (rec->subtype != MRT_TD_AFI_IPV4 && rec->subtype != MRT_TD_AFI_IPV6) {
		skip_kind(r, rec, "a TABLE_DUMP address family not read");
		return;
	}
	memset(&rt, 0, sizeof(rt));
	rt.family = rec->subtype == MRT_TD_AFI_IPV4 ? ADDR_V4 : ADDR_V6;
	cursor_init(&c, rec->body, rec->len);
	if (cursor_get_u16(&c, &view) == -1 || cursor_get_u16(&c, &seq) == -1 ||
	    cursor_get_bytes(&c, pfx, rt.family == ADDR_V4 ? 4 : 16) == -1 ||
	    cursor_get_u8(&c, &rt.plen) == -1 ||
	    cursor_get_u8(&c, &status) == -1 ||
	    cursor_get_u32(&c, &ts) == -1 ||
	    get_addr(&c, rec->subtype, &peer.addr) == -1 ||
	    cursor_get_u16(&c, &as2) == -1 || cursor_get_u16(&c, &alen) == -1 ||
	    cursor_sub(&c, alen, &rt.attrs) == -1) {
		malformed(r, rec, "entry cut short");
		return;
	}
	if (rt.plen > (rt.family == ADDR_V4 ? 32 : 128)) {
		malformed(r, rec, "prefix length too long");
		return;
	}
	peer.as = as2;
	rt.pfx = pfx;
	rib_route(r, rec, &peer, ts, false, &rt);
}

/* ---- the deprecated BGP type of 1999-2000 ----------------------------- */

/*
 * RFC 6396 Appendix B deprecates type 5 (BGP), which RIPE RIS wrote until
 * 2000 (the shared rrc00 1999-2000 files; bgpdump reads it).  As those
 * files hold it:
 *   UPDATE (1), OPEN (5), NOTIFY (6), KEEPALIVE (7):
 *     peer AS (2) | peer IP (4) | local AS (2) | local IP (4) |
 *     the BGP message without its 19-octet header
 *   STATE_CHANGE (3): peer AS (2) | peer IP (4) | old (2) | new (2)
 * IPv4 and 2-octet ASes only (IPv6 had types 9 and 10 of its own).  The
 * message gets its header back in the scratch buffer and is fed as a
 * BGP4MP_MESSAGE would be: peer -> local, 2-octet AS_PATH.
 */
static const uint8_t bgp_old_type[] = {
	[MRT_BGP_OLD_UPDATE] = BGP_UPDATE,
	[MRT_BGP_OLD_OPEN] = BGP_OPEN,
	[MRT_BGP_OLD_NOTIFY] = BGP_NOTIFICATION,
	[MRT_BGP_OLD_KEEPALIVE] = BGP_KEEPALIVE,
};

/* Remember k as its peer's session (for the peer's state changes). */
static void
bgp_old_remember(struct mrt_read *r, const struct feed_key *k)
{
	struct feed_key *nk;
	size_t i;

	for (i = 0; i < r->nold; i++)
		if (ipaddr_eq(&r->old_keys[i].peer_addr, &k->peer_addr) &&
		    r->old_keys[i].peer_as == k->peer_as) {
			r->old_keys[i] = *k;
			return;
		}
	if (r->nold == r->oldcap) {
		if ((nk = reallocarray(r->old_keys, r->oldcap * 2 + 8,
		    sizeof(*nk))) == NULL)
			return;	/* its state changes then end nothing */
		r->old_keys = nk;
		r->oldcap = r->oldcap * 2 + 8;
	}
	r->old_keys[r->nold++] = *k;
}

static void
bgp_old_state(struct mrt_read *r, const struct mrt_record *rec,
    struct cursor *c, const struct feed_key *peer)
{
	size_t i;

	for (i = 0; i < r->nold; i++)
		if (ipaddr_eq(&r->old_keys[i].peer_addr, &peer->peer_addr) &&
		    r->old_keys[i].peer_as == peer->peer_as)
			break;
	if (i == r->nold) {	/* no session yet: count the change only */
		bgp4mp_state(r, rec, c, peer);
		return;
	}
	bgp4mp_state(r, rec, c, &r->old_keys[i]);
}

static void
bgp_old(struct mrt_read *r, const struct mrt_record *rec)
{
	struct feed_key key;
	struct bgp_session *s;
	struct cursor c;
	uint16_t as2;
	size_t n;
	const char *why;

	if (rec->subtype != MRT_BGP_OLD_STATE_CHANGE &&
	    (rec->subtype >= sizeof(bgp_old_type) ||
	    bgp_old_type[rec->subtype] == 0)) {
		skip_kind(r, rec, "a subtype of the deprecated BGP type not "
		    "read");
		return;
	}
	memset(&key, 0, sizeof(key));
	cursor_init(&c, rec->body, rec->len);
	if (cursor_get_u16(&c, &as2) == -1 ||
	    get_addr(&c, MRT_AFI_IPV4, &key.peer_addr) == -1) {
		malformed(r, rec, "peer cut short");
		return;
	}
	key.peer_as = as2;
	if (rec->subtype == MRT_BGP_OLD_STATE_CHANGE) {
		bgp_old_state(r, rec, &c, &key);
		return;
	}
	if (cursor_get_u16(&c, &as2) == -1 ||
	    get_addr(&c, MRT_AFI_IPV4, &key.local_addr) == -1) {
		malformed(r, rec, "local end cut short");
		return;
	}
	key.local_as = as2;
	n = cursor_left(&c);
	if (n > MSG_CAP - BGP_HEADER_LEN) {
		malformed(r, rec, "message longer than a BGP message");
		return;
	}
	memset(r->msg, 0xff, BGP_MARKER_LEN);
	r->msg[BGP_MARKER_LEN] = (uint8_t)((n + BGP_HEADER_LEN) >> 8);
	r->msg[BGP_MARKER_LEN + 1] = (uint8_t)(n + BGP_HEADER_LEN);
	r->msg[BGP_MARKER_LEN + 2] = bgp_old_type[rec->subtype];
	if (cursor_get_bytes(&c, r->msg + BGP_HEADER_LEN, n) == -1)
		return;		/* n is what is left: not reached */
	if ((s = feed_session(r->t, &key)) == NULL)
		return;			/* no memory: logged */
	bgp_old_remember(r, &key);
	bgp_session_encoding(s, FEED_PEER_TO_LOCAL, BGP_ENC_ALL, 0);
	if ((why = bgp_session_message(s, FEED_PEER_TO_LOCAL, r->msg,
	    n + BGP_HEADER_LEN, &rec->pkt)) != NULL)
		refused(r, rec, why);
}

/* ---- records --------------------------------------------------------- */

static bool
is_et(uint16_t type)
{
	/* BGP4MP_ET, ISIS_ET, OSPFv3_ET: microseconds first */
	return type == MRT_BGP4MP_ET || type == 33 || type == 49;
}

long
mrt_record_cut(const uint8_t *buf, size_t len, uint64_t num,
    struct mrt_record *rec, const char **why)
{
	struct cursor c;
	uint32_t ts, mlen, usec = 0;

	/* Every field is set below, not by a memset: once per record, a
	 * memset of the record and one of the session key were a third of
	 * the reader's own time (rep stos). */
	cursor_init(&c, buf, len);
	if (cursor_get_u32(&c, &ts) == -1 ||
	    cursor_get_u16(&c, &rec->type) == -1 ||
	    cursor_get_u16(&c, &rec->subtype) == -1 ||
	    cursor_get_u32(&c, &mlen) == -1)
		return 0;
	if (mlen > MRT_READ_MAX) {
		*why = "record length larger than any real record (16 MiB)";
		return -1;
	}
	if (cursor_left(&c) < mlen)
		return 0;
	rec->body = cursor_ptr(&c);
	rec->len = mlen;
	/* An _ET record too short for its microseconds: its body fails. */
	if (is_et(rec->type) && mlen >= MRT_ET_LEN) {
		(void)cursor_get_u32(&c, &usec);
		rec->body += MRT_ET_LEN;
		rec->len -= MRT_ET_LEN;
	}
	rec->pkt.num = num;
	rec->pkt.linktype = 0;
	rec->pkt.data = NULL;
	rec->pkt.caplen = rec->pkt.wirelen = 0;
	rec->pkt.ts.tv_sec = (time_t)ts;
	rec->pkt.ts.tv_usec = usec > 999999 ? 999999 : (suseconds_t)usec;
	return (long)(MRT_HEADER_LEN + (size_t)mlen);
}

struct mrt_read *
mrt_read_new(struct feed_table *t, const char *name)
{
	struct mrt_read *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->t = t;
	if ((r->name = strdup(name)) == NULL ||
	    (r->msg = malloc(MSG_CAP)) == NULL) {
		mrt_read_free(r);
		return NULL;
	}
	return r;
}

void
mrt_read_free(struct mrt_read *r)
{
	if (r == NULL)
		return;
	free(r->peers);
	free(r->old_keys);
	free(r->msg);
	free(r->name);
	free(r);
}

void
mrt_read_record(struct mrt_read *r, const struct mrt_record *rec)
{
	STAT_INC(mrt_records);
	switch (rec->type) {
	case MRT_BGP4MP:
	case MRT_BGP4MP_ET:
		bgp4mp(r, rec);
		break;
	case MRT_TABLE_DUMP_V2:
		table_dump_v2(r, rec);
		break;
	case MRT_TABLE_DUMP:
		table_dump(r, rec);
		break;
	case MRT_BGP_OLD:
		bgp_old(r, rec);
		break;
	default:
		skip_kind(r, rec, "not a BGP type");
		break;
	}
}

/* ---- files ----------------------------------------------------------- */

struct mrt_file {
	struct zread	*z;
	char		*name;
	uint64_t	 num;
	bool		 done;
};

struct mrt_file *
mrt_file_new(struct zread *z, const char *name)
{
	struct mrt_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->name = strdup(name)) == NULL) {
		free(f);
		zread_close(z);
		return NULL;
	}
	f->z = z;
	return f;
}

void
mrt_file_free(struct mrt_file *f)
{
	if (f == NULL)
		return;
	zread_close(f->z);
	free(f->name);
	free(f);
}

uint64_t
mrt_file_records(const struct mrt_file *f)
{
	return f->num;
}

/* The end of the data: clean, or what the stream says was lost. */
static int
file_end(struct mrt_file *f, ssize_t got)
{
	const char *zerr = zread_error(f->z);

	f->done = true;
	if (got == 0 && zerr == NULL)
		return 0;
	if (got == 0)
		log_warnx("%s: after record %llu: %s", f->name,
		    (unsigned long long)f->num, zerr);
	else
		log_warnx("%s: record %llu: truncated: %zd of its bytes, the "
		    "file ends%s%s", f->name, (unsigned long long)f->num + 1,
		    got, zerr != NULL ? ": " : "", zerr != NULL ? zerr : "");
	return -1;
}

int
mrt_file_next(struct mrt_file *f, struct mrt_record *rec)
{
	const uint8_t *p;
	const char *why = NULL;
	struct cursor c;
	uint32_t mlen = 0;
	ssize_t got;
	long n;

	if (f->done)
		return 0;
	if ((got = zread_fill(f->z, MRT_HEADER_LEN, &p)) < MRT_HEADER_LEN) {
		if (got == -1)
			goto nomem;
		return file_end(f, got);
	}
	cursor_init(&c, p, MRT_HEADER_LEN);
	(void)cursor_skip(&c, 8);
	(void)cursor_get_u32(&c, &mlen);
	if (mlen <= MRT_READ_MAX &&
	    (got = zread_fill(f->z, MRT_HEADER_LEN + (size_t)mlen, &p)) <
	    (ssize_t)(MRT_HEADER_LEN + mlen)) {
		if (got == -1)
			goto nomem;
		return file_end(f, got);
	}
	if ((n = mrt_record_cut(p, (size_t)got, f->num + 1, rec, &why)) <= 0) {
		f->done = true;
		log_warnx("%s: record %llu: %s", f->name,
		    (unsigned long long)f->num + 1, why != NULL ? why :
		    "cannot be cut");
		return -1;
	}
	zread_consume(f->z, (size_t)n);
	f->num++;
	return 1;
nomem:
	f->done = true;
	log_warnx("%s: record %llu: no memory to read it", f->name,
	    (unsigned long long)f->num + 1);
	return -1;
}
