/*
 * bmp.c - BMP v3 messages decoded (feed/bmp.h): RFC 7854, RFC 8671's O
 * flag, RFC 9069's Loc-RIB peer type and Peer Down reason 6.
 *
 * Only through base/cursor.h: each length-prefixed part (a BGP PDU, a
 * TLV, a counter) is carved into its own cursor before it is read.  A
 * refusal says which field and why, in m->why, and nothing of the
 * message is used: the caller (bmp_stream.c) logs it with its position.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/cursor.h"
#include "bgp/bgp.h"
#include "feed/bmp.h"

static const char *const type_names[] = {
	"Route Monitoring", "Statistics Report", "Peer Down Notification",
	"Peer Up Notification", "Initiation", "Termination",
	"Route Mirroring",
};

const char *
bmp_type_name(unsigned type)
{
	return type <= BMP_TYPE_MAX ? type_names[type] : "unknown";
}

/* The shortest message of each type: its fixed parts (Peer Up: two
 * OPENs of 29 octets, RFC 4271 4.2). */
static const uint32_t min_len[] = {
	BMP_HDR_LEN + BMP_PEER_HDR_LEN + BGP_HEADER_LEN,	/* RM */
	BMP_HDR_LEN + BMP_PEER_HDR_LEN + 4,			/* stats */
	BMP_HDR_LEN + BMP_PEER_HDR_LEN + 1,			/* down */
	BMP_HDR_LEN + BMP_PEER_HDR_LEN + 20 + 29 + 29,		/* up */
	BMP_HDR_LEN,						/* init */
	BMP_HDR_LEN,						/* term */
	BMP_HDR_LEN + BMP_PEER_HDR_LEN,				/* mirror */
};

#define WHY(m, ...) (snprintf((m)->why, sizeof((m)->why), __VA_ARGS__), \
	(const char *)(m)->why)

const char *
bmp_header(const uint8_t *p, size_t n, struct bmp_msg *m)
{
	struct cursor c;
	uint32_t len;
	uint8_t version, type;

	cursor_init(&c, p, n);
	if (cursor_get_u8(&c, &version) == -1)
		return WHY(m, "BMP common header: cut (%zu of 6 octets)", n);
	m->version = version;
	if (version == 1 || version == 2)
		return WHY(m, "BMP common header: version %u unsupported "
		    "(BMP v3, RFC 7854, only)", version);
	if (version != BMP_VERSION)
		return WHY(m, "BMP common header: version %u, want 3",
		    version);
	if (cursor_get_u32(&c, &len) == -1 || cursor_get_u8(&c, &type) == -1)
		return WHY(m, "BMP common header: cut (%zu of 6 octets)", n);
	m->len = len;
	m->type = type;
	if (type > BMP_TYPE_MAX)
		return WHY(m, "BMP common header: message type %u unknown "
		    "(RFC 7854 4.1: 0-6)", type);
	if (len < min_len[type])
		return WHY(m, "BMP common header: length %u under the %u "
		    "octets of a %s", len, min_len[type], type_names[type]);
	if (len > BMP_MSG_MAX)
		return WHY(m, "BMP common header: length %u over the %u "
		    "octet cap", len, BMP_MSG_MAX);
	return NULL;
}

/* RFC 7854 4.2 (RFC 9069 4.1 for type 3). */
static const char *
peer_header(struct cursor *c, struct bmp_msg *m)
{
	struct bmp_peer *pr = &m->peer;
	uint8_t a[16];
	uint32_t hi, lo;

	if (cursor_get_u8(c, &pr->type) == -1 ||
	    cursor_get_u8(c, &pr->flags) == -1 ||
	    cursor_get_u32(c, &hi) == -1 || cursor_get_u32(c, &lo) == -1 ||
	    cursor_get_bytes(c, a, 16) == -1 ||
	    cursor_get_u32(c, &pr->as) == -1 ||
	    cursor_get_u32(c, &pr->bgp_id) == -1 ||
	    cursor_get_u32(c, &pr->ts_sec) == -1 ||
	    cursor_get_u32(c, &pr->ts_usec) == -1)
		return WHY(m, "BMP per-peer header: cut");
	if (pr->type > BMP_PEER_LOC_RIB)
		return WHY(m, "BMP per-peer header: peer type %u unknown "
		    "(RFC 7854 4.2: 0-2, RFC 9069: 3)", pr->type);
	pr->distinguisher = (uint64_t)hi << 32 | lo;
	memset(&pr->addr, 0, sizeof(pr->addr));
	if (pr->type != BMP_PEER_LOC_RIB && (pr->flags & BMP_F_V)) {
		pr->addr.family = ADDR_V6;
		memcpy(pr->addr.a, a, 16);
	} else {
		/* IPv4 in the last 4 octets; Loc-RIB's is zero-filled
		 * (RFC 9069 4.1) and read as 0.0.0.0 */
		pr->addr.family = ADDR_V4;
		memcpy(pr->addr.a, a + 12, 4);
	}
	if (pr->ts_usec > 999999)
		return WHY(m, "BMP per-peer header: timestamp microseconds "
		    "%u over 999999", pr->ts_usec);
	m->has_peer = true;
	return NULL;
}

/*
 * A BGP PDU at the start of c of type want (0: any): carved into *out,
 * its length from its own header.  what names it in the refusal.
 */
static const char *
bgp_pdu(struct cursor *c, unsigned want, struct bmp_bytes *out,
    const char *what, struct bmp_msg *m)
{
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct cursor pdu;
	uint16_t len;
	uint8_t type, mk[BGP_MARKER_LEN];

	if (cursor_peek_bytes(c, 0, mk, sizeof(mk)) == -1 ||
	    cursor_peek_u16(c, BGP_MARKER_LEN, &len) == -1 ||
	    cursor_peek_u8(c, BGP_MARKER_LEN + 2, &type) == -1)
		return WHY(m, "%s: BGP header cut (%zu octets left)", what,
		    cursor_left(c));
	if (memcmp(mk, marker, sizeof(mk)) != 0)
		return WHY(m, "%s: BGP marker not all ones", what);
	if (len < BGP_HEADER_LEN)
		return WHY(m, "%s: BGP length %u under 19", what, len);
	if (want != 0 && type != want)
		return WHY(m, "%s: BGP message type %u (%s), want %s", what,
		    type, bgp_msg_type_name(type), bgp_msg_type_name(want));
	if (cursor_sub(c, len, &pdu) == -1)
		return WHY(m, "%s: BGP length %u over the %zu octets left",
		    what, len, cursor_left(c));
	out->p = cursor_ptr(&pdu);
	out->len = len;
	return NULL;
}

int
bmp_tlv_next(struct bmp_bytes *area, uint16_t *type, struct bmp_bytes *value)
{
	struct cursor c, v;
	uint16_t len;

	cursor_init(&c, area->p, area->len);
	if (cursor_empty(&c))
		return 0;
	if (cursor_get_u16(&c, type) == -1 || cursor_get_u16(&c, &len) == -1 ||
	    cursor_sub(&c, len, &v) == -1)
		return -1;
	value->p = cursor_ptr(&v);
	value->len = len;
	area->p = cursor_ptr(&c);
	area->len = cursor_left(&c);
	return 1;
}

/* Walk a TLV area once: every TLV whole (what names the message). */
static const char *
tlv_check(const struct bmp_bytes *tlvs, const char *what, struct bmp_msg *m)
{
	struct bmp_bytes area = *tlvs, v;
	uint16_t type;
	unsigned i = 0;
	int r;

	while ((r = bmp_tlv_next(&area, &type, &v)) == 1)
		i++;
	if (r == -1)
		return WHY(m, "%s: TLV %u cut (%zu octets left, a TLV needs "
		    "4 and its length)", what, i + 1, area.len);
	return NULL;
}

/* Initiation (RFC 7854 4.3) and Termination (4.5). */
static const char *
init_term(struct cursor *c, struct bmp_msg *m)
{
	const char *what = m->type == BMP_INITIATION ? "BMP Initiation" :
	    "BMP Termination";
	struct bmp_bytes area, v;
	struct cursor rc;
	uint16_t type;
	const char *why;

	m->tlvs.p = cursor_ptr(c);
	m->tlvs.len = cursor_left(c);
	if ((why = tlv_check(&m->tlvs, what, m)) != NULL)
		return why;
	area = m->tlvs;
	while (bmp_tlv_next(&area, &type, &v) == 1) {
		if (m->type == BMP_INITIATION && type == 1)
			m->sys_descr = v;
		else if (m->type == BMP_INITIATION && type == 2)
			m->sys_name = v;
		else if (m->type == BMP_TERMINATION && type == 1) {
			cursor_init(&rc, v.p, v.len);
			if (v.len != 2 ||
			    cursor_get_u16(&rc, &m->term_reason) == -1)
				return WHY(m, "BMP Termination: reason TLV "
				    "length %zu, want 2", v.len);
			m->has_term_reason = true;
		}
	}
	return NULL;
}

/* Statistics Report (RFC 7854 4.8). */
static const char *
stats(struct cursor *c, struct bmp_msg *m)
{
	struct cursor v;
	uint32_t i, u32;
	uint16_t type, len;

	if (cursor_get_u32(c, &m->nstats) == -1)
		return WHY(m, "BMP Statistics Report: stats count cut");
	for (i = 0; i < m->nstats; i++) {
		if (cursor_get_u16(c, &type) == -1 ||
		    cursor_get_u16(c, &len) == -1 ||
		    cursor_sub(c, len, &v) == -1)
			return WHY(m, "BMP Statistics Report: counter %u of "
			    "the %u stated cut", i + 1, m->nstats);
		if (i >= BMP_STATS_KEPT)
			continue;
		m->stat_type[i] = type;
		m->stat_value[i] = 0;
		if (len == 4 && cursor_get_u32(&v, &u32) == 0)
			m->stat_value[i] = u32;
		else if (len == 8 || len == 11) {
			/* a gauge; per AFI/SAFI (11): AFI 2, SAFI 1 first */
			uint32_t hi, lo;

			if (len == 11)
				(void)cursor_skip(&v, 3);
			if (cursor_get_u32(&v, &hi) == 0 &&
			    cursor_get_u32(&v, &lo) == 0)
				m->stat_value[i] = (uint64_t)hi << 32 | lo;
		}
	}
	if (!cursor_empty(c))
		return WHY(m, "BMP Statistics Report: %zu octets after the "
		    "%u counters stated", cursor_left(c), m->nstats);
	return NULL;
}

/* Peer Down (RFC 7854 4.9, RFC 9069 5.5 for reason 6). */
static const char *
peer_down(struct cursor *c, struct bmp_msg *m)
{
	struct cursor nc;
	uint8_t code, sub;
	const char *why;

	if (cursor_get_u8(c, &m->down_reason) == -1)
		return WHY(m, "BMP Peer Down: reason cut");
	switch (m->down_reason) {
	case BMP_DOWN_LOCAL_NOTIF:
	case BMP_DOWN_REMOTE_NOTIF:
		if ((why = bgp_pdu(c, BGP_NOTIFICATION, &m->notification,
		    "BMP Peer Down: NOTIFICATION", m)) != NULL)
			return why;
		cursor_init(&nc, m->notification.p, m->notification.len);
		if (cursor_peek_u8(&nc, BGP_HEADER_LEN, &code) == -1 ||
		    cursor_peek_u8(&nc, BGP_HEADER_LEN + 1, &sub) == -1)
			return WHY(m, "BMP Peer Down: NOTIFICATION length "
			    "%zu under 21", m->notification.len);
		m->notif_code = code;
		m->notif_subcode = sub;
		break;
	case BMP_DOWN_LOCAL_FSM:
		if (cursor_get_u16(c, &m->fsm_event) == -1)
			return WHY(m, "BMP Peer Down: FSM event code cut "
			    "(reason 2)");
		break;
	case BMP_DOWN_REMOTE_NODATA:
	case BMP_DOWN_DECONFIGURED:
		break;
	case BMP_DOWN_LOCAL_TLV:
		m->tlvs.p = cursor_ptr(c);
		m->tlvs.len = cursor_left(c);
		return tlv_check(&m->tlvs, "BMP Peer Down", m);
	default:
		return WHY(m, "BMP Peer Down: reason %u unknown (RFC 7854 "
		    "4.9: 1-5, RFC 9069: 6)", m->down_reason);
	}
	return NULL;
}

/* Peer Up (RFC 7854 4.10). */
static const char *
peer_up(struct cursor *c, struct bmp_msg *m)
{
	uint8_t a[16];
	const char *why;

	if (cursor_get_bytes(c, a, 16) == -1 ||
	    cursor_get_u16(c, &m->local_port) == -1 ||
	    cursor_get_u16(c, &m->remote_port) == -1)
		return WHY(m, "BMP Peer Up: local address and ports cut");
	memset(&m->local_addr, 0, sizeof(m->local_addr));
	/* the local address is of the peer address's family (V flag) */
	if (m->peer.addr.family == ADDR_V6) {
		m->local_addr.family = ADDR_V6;
		memcpy(m->local_addr.a, a, 16);
	} else {
		m->local_addr.family = ADDR_V4;
		memcpy(m->local_addr.a, a + 12, 4);
	}
	if ((why = bgp_pdu(c, BGP_OPEN, &m->sent_open,
	    "BMP Peer Up: sent OPEN", m)) != NULL ||
	    (why = bgp_pdu(c, BGP_OPEN, &m->recv_open,
	    "BMP Peer Up: received OPEN", m)) != NULL)
		return why;
	m->tlvs.p = cursor_ptr(c);
	m->tlvs.len = cursor_left(c);
	return tlv_check(&m->tlvs, "BMP Peer Up: information", m);
}

/* Route Mirroring (RFC 7854 4.7): TLVs 0 (a BGP PDU, whole) and 1
 * (information: a 2-octet code). */
static const char *
mirroring(struct cursor *c, struct bmp_msg *m)
{
	struct bmp_bytes area, v, pdu;
	struct cursor vc;
	uint16_t type;
	const char *why;

	m->mirror.p = cursor_ptr(c);
	m->mirror.len = cursor_left(c);
	if ((why = tlv_check(&m->mirror, "BMP Route Mirroring", m)) != NULL)
		return why;
	area = m->mirror;
	while (bmp_tlv_next(&area, &type, &v) == 1) {
		cursor_init(&vc, v.p, v.len);
		if (type == 0) {
			if ((why = bgp_pdu(&vc, 0, &pdu,
			    "BMP Route Mirroring: BGP message TLV", m)) != NULL)
				return why;
			if (!cursor_empty(&vc))
				return WHY(m, "BMP Route Mirroring: BGP "
				    "message TLV length %zu, its BGP length "
				    "%zu", v.len, pdu.len);
		} else if (type == 1 && v.len != 2)
			return WHY(m, "BMP Route Mirroring: information TLV "
			    "length %zu, want 2", v.len);
	}
	return NULL;
}

const char *
bmp_decode(const uint8_t *p, size_t n, struct bmp_msg *m)
{
	struct cursor c;
	const char *why;

	memset(m, 0, offsetof(struct bmp_msg, why));
	m->why[0] = '\0';
	if ((why = bmp_header(p, n, m)) != NULL)
		return why;
	if (m->len != n)
		return WHY(m, "BMP common header: length %u, message %zu "
		    "octets", m->len, n);
	cursor_init(&c, p, n);
	(void)cursor_skip(&c, BMP_HDR_LEN);
	if (m->type != BMP_INITIATION && m->type != BMP_TERMINATION &&
	    (why = peer_header(&c, m)) != NULL)
		return why;
	switch (m->type) {
	case BMP_ROUTE_MONITORING:
		if ((why = bgp_pdu(&c, BGP_UPDATE, &m->bgp,
		    "BMP Route Monitoring", m)) != NULL)
			return why;
		if (!cursor_empty(&c))
			return WHY(m, "BMP Route Monitoring: %zu octets after "
			    "the BGP UPDATE (one PDU a message, RFC 7854 4.6)",
			    cursor_left(&c));
		return NULL;
	case BMP_STATISTICS:
		return stats(&c, m);
	case BMP_PEER_DOWN:
		return peer_down(&c, m);
	case BMP_PEER_UP:
		return peer_up(&c, m);
	case BMP_ROUTE_MIRRORING:
		return mirroring(&c, m);
	default:
		return init_term(&c, m);
	}
}

enum bgp_view
bmp_peer_view(const struct bmp_peer *pr)
{
	bool post = (pr->flags & BMP_F_L) != 0;

	if (pr->type == BMP_PEER_LOC_RIB)
		return BGP_VIEW_LOC_RIB;
	if (pr->flags & BMP_F_O)
		return post ? BGP_VIEW_ADJ_OUT_POST : BGP_VIEW_ADJ_OUT_PRE;
	return post ? BGP_VIEW_ADJ_IN_POST : BGP_VIEW_ADJ_IN_PRE;
}
