/*
 * bmp_stream.c - a BMP connection's bytes -> feed sessions
 * (feed/bmp_stream.h): framing, resynchronisation, and what each message
 * means for the sessions of the monitored peers.
 *
 * Framing.  Bytes are appended to buf; buf[head..len) is not yet
 * consumed.  In sync, each message's common header gives its length and
 * a whole message is decoded (feed/bmp.h) and acted on.  Out of sync (at
 * the start, after a gap, after a header that cannot start a message),
 * a boundary is a position where
 *   - a common header may start a message (version 3, a known type, a
 *     length between the type's minimum and BMP_MSG_MAX),
 *   - the whole message decodes (for Route Monitoring and Peer Up this
 *     includes the BGP marker at its offset, and the per-peer header's
 *     peer type),
 *   - and the next common header may start a message too, or the
 *     stream ended right after it.
 * Also at the stream's first byte: the carrier may not have seen the
 * connection's start (a capture begun mid-connection), and waiting for
 * the next header delays only the first message.
 * Bytes before the boundary are skipped (counted).  A candidate waits
 * for its whole message and the next header (at most BMP_MSG_MAX + 6
 * bytes buffered).
 *
 * Peers.  Each (peer type, distinguisher, address, AS) of the connection
 * keeps what its Peer Up said (local address and ports, both OPENs,
 * copied) and which views have a session (a bit per enum bgp_view).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/stats.h"
#include "bgp/bgp_session.h"
#include "feed/bmp.h"
#include "feed/bmp_stream.h"
#include "feed/feed_session.h"

/*
 * A count of this stream (bmp_stream_stats(), the station's and the
 * passive path's reports) that is also the process's (the --stats line's
 * bmp_* counters, docs/deployment.md): a loss on any BMP connection is
 * in the statistics line, like the BGP reassembly's.
 */
#define ST_ADD(s, field, n) do {					\
	(s)->st.field += (uint64_t)(n);					\
	STAT_ADD(bmp_##field, (n));					\
} while (0)

/* A connection names at most this many peers (a route server's BMP
 * feed: thousands); more are refused, counted. */
#define BMP_PEERS_MAX		65536
/* Refusals logged per stream; the rest are counted only. */
#define BMP_LOG_MAX		20

struct bmp_peer_state {
	uint8_t		 ptype;
	uint64_t	 rd;
	struct ipaddr	 addr;
	uint32_t	 as;
	uint64_t	 hash;
	bool		 up;		/* a Peer Up was seen */
	struct ipaddr	 local_addr;
	uint16_t	 local_port, remote_port;
	uint8_t		*open[2];	/* [0] received, [1] sent; owned */
	size_t		 open_len[2];
	unsigned	 views;		/* 1 << enum bgp_view: has a session */
};

struct bmp_stream {
	struct feed_table	*table;
	uint64_t		 scope;
	struct ipaddr		 router;
	char			 name[80];
	struct bmp_stream_stats	 st;
	bool			 closed;
	bool			 synced;
	bool			 old_said;	/* v1/v2 reported */
	uint8_t			 first[3];	/* the stream's first bytes */
	size_t			 nfirst;
	uint64_t		 msgs_total;	/* messages decoded */
	unsigned		 logged;
	uint8_t			*buf;
	size_t			 head, len, cap;
	uint64_t		 off;	/* stream offset of buf[head] */
	struct bmp_peer_state	*peers;
	size_t			 npeers, peers_cap;
	uint32_t		*index;	/* 1 + peers[] slot; 0 empty */
	size_t			 nindex;	/* a power of two */
	char			 reason[160];
	struct bmp_msg		 m;
};

static void
refuse(struct bmp_stream *s, uint64_t off, const struct packet *pkt,
    const char *why)
{
	if (s->logged++ < BMP_LOG_MAX)
		log_warnx("%s: offset %llu (frame %llu): %s%s", s->name,
		    (unsigned long long)off,
		    (unsigned long long)(pkt != NULL ? pkt->num : 0), why,
		    s->logged == BMP_LOG_MAX ? " (further refusals of this "
		    "connection counted only)" : "");
}

struct bmp_stream *
bmp_stream_new(struct feed_table *t, uint64_t scope,
    const struct ipaddr *router)
{
	struct bmp_stream *s;
	char a[IPADDR_STRLEN] = "?";

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->table = t;
	s->scope = scope;
	if (router != NULL) {
		s->router = *router;
		ipaddr_fmt(router, a, sizeof(a));
	}
	snprintf(s->name, sizeof(s->name), "BMP from %s (connection %llu)",
	    a, (unsigned long long)scope);
	return s;
}

/* --- peers ------------------------------------------------------- */

static uint64_t
peer_hash(const struct bmp_peer *p)
{
	uint64_t w0, w1, h;

	memcpy(&w0, p->addr.a, 8);
	memcpy(&w1, p->addr.a + 8, 8);
	h = hash_word64(p->type, p->distinguisher);
	h = hash_word64(h, w0);
	h = hash_word64(h, w1);
	h = hash_word64(h, (uint64_t)p->as << 8 | p->addr.family);
	return hash_fmix64(h);
}

static bool
peer_is(const struct bmp_peer_state *ps, const struct bmp_peer *p)
{
	return ps->ptype == p->type && ps->rd == p->distinguisher &&
	    ps->as == p->as && ipaddr_eq(&ps->addr, &p->addr);
}

static int
index_grow(struct bmp_stream *s)
{
	size_t n = s->nindex != 0 ? s->nindex * 2 : 64, i, j;
	uint32_t *ix;

	if ((ix = calloc(n, sizeof(*ix))) == NULL)
		return -1;
	for (i = 0; i < s->npeers; i++) {
		for (j = s->peers[i].hash & (n - 1); ix[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		ix[j] = (uint32_t)i + 1;
	}
	free(s->index);
	s->index = ix;
	s->nindex = n;
	return 0;
}

/* The state of the peer of p; created when new.  NULL: too many peers
 * or no memory (counted as refused by the caller). */
static struct bmp_peer_state *
peer_get(struct bmp_stream *s, const struct bmp_peer *p)
{
	struct bmp_peer_state *ps;
	uint64_t h = peer_hash(p);
	size_t j;

	if (s->nindex != 0)
		for (j = h & (s->nindex - 1); s->index[j] != 0;
		    j = (j + 1) & (s->nindex - 1)) {
			ps = &s->peers[s->index[j] - 1];
			if (ps->hash == h && peer_is(ps, p))
				return ps;
		}
	if (s->npeers >= BMP_PEERS_MAX)
		return NULL;
	if (s->npeers == s->peers_cap) {
		size_t n = s->peers_cap != 0 ? s->peers_cap * 2 : 16;
		void *np = realloc(s->peers, n * sizeof(*s->peers));

		if (np == NULL)
			return NULL;
		s->peers = np;
		s->peers_cap = n;
	}
	if ((s->npeers + 1) * 2 > s->nindex && index_grow(s) == -1)
		return NULL;
	ps = &s->peers[s->npeers];
	memset(ps, 0, sizeof(*ps));
	ps->ptype = p->type;
	ps->rd = p->distinguisher;
	ps->addr = p->addr;
	ps->as = p->as;
	ps->hash = h;
	for (j = h & (s->nindex - 1); s->index[j] != 0;
	    j = (j + 1) & (s->nindex - 1))
		;
	s->index[j] = (uint32_t)++s->npeers;
	return ps;
}

/*
 * The feed key of a peer's view.  Scope: the connection's, with the peer
 * type and distinguisher folded in (two VRFs may hold the same peer
 * address).  Loc-RIB (RFC 9069) is the router's own table: the
 * session's peer is the router (its address as the carrier knows it,
 * the per-peer header's AS, the router's own), local the unspecified
 * address.  Without a Peer Up (a stream picked up mid-connection) the
 * ports are 0 and the local address unspecified.
 */
static void
peer_key(const struct bmp_stream *s, const struct bmp_peer_state *ps,
    enum bgp_view view, struct feed_key *k)
{
	memset(k, 0, sizeof(*k));
	k->scope = s->scope;
	if (ps->ptype != 0 || ps->rd != 0)
		k->scope = hash_fmix64(hash_word64(hash_word64(s->scope,
		    ps->rd), ps->ptype));
	k->view = view;
	k->peer_as = ps->as;
	if (ps->ptype == BMP_PEER_LOC_RIB && s->router.family != 0)
		k->peer_addr = s->router;
	else
		k->peer_addr = ps->addr;
	k->local_addr.family = k->peer_addr.family;
	if (ps->up && ps->ptype != BMP_PEER_LOC_RIB) {
		k->local_addr = ps->local_addr;
		k->peer_port = ps->remote_port;
		k->local_port = ps->local_port;
	}
}

static void
copy_pkt(struct packet *out, const struct packet *pkt,
    const struct bmp_peer *p)
{
	if (pkt != NULL)
		*out = *pkt;
	else
		memset(out, 0, sizeof(*out));
	if (p != NULL && (p->ts_sec != 0 || p->ts_usec != 0)) {
		out->ts.tv_sec = (time_t)p->ts_sec;
		out->ts.tv_usec = (suseconds_t)p->ts_usec;
	}
}

/* The session of a peer's view; created, with the Peer Up's OPENs
 * replayed, when new.  NULL when out of memory. */
static struct bgp_session *
view_session(struct bmp_stream *s, struct bmp_peer_state *ps,
    enum bgp_view view, const struct packet *pkt, uint64_t off)
{
	struct bgp_session *sess;
	struct feed_key k;
	const char *why;
	int dir;

	peer_key(s, ps, view, &k);
	if ((ps->views & 1u << view) &&
	    (sess = feed_session_find(s->table, &k)) != NULL)
		return sess;
	if ((sess = feed_session(s->table, &k)) == NULL)
		return NULL;
	ps->views |= 1u << view;
	/* received OPEN: peer -> local (0); sent OPEN: local -> peer (1) */
	for (dir = 0; dir < 2; dir++)
		if (ps->open[dir] != NULL && (why = bgp_session_message(sess,
		    dir, ps->open[dir], ps->open_len[dir], pkt)) != NULL) {
			ST_ADD(s, bgp_refused, 1);
			refuse(s, off, pkt, why);
		}
	return sess;
}

/* End every session of a peer: down (Peer Down) with s->reason, or,
 * reason NULL, as at a capture end. */
static void
peer_end(struct bmp_stream *s, struct bmp_peer_state *ps, const char *reason,
    const struct packet *pkt)
{
	struct feed_key k;
	unsigned v;

	for (v = 0; v <= BGP_VIEW_LOC_RIB; v++) {
		if (!(ps->views & 1u << v))
			continue;
		peer_key(s, ps, (enum bgp_view)v, &k);
		if (reason != NULL)
			feed_session_down(s->table, &k, reason, pkt);
		else
			feed_session_end(s->table, &k, pkt);
	}
	ps->views = 0;
}

static void
all_end(struct bmp_stream *s, const struct packet *pkt)
{
	size_t i;

	for (i = 0; i < s->npeers; i++)
		peer_end(s, &s->peers[i], NULL, pkt);
}

/* --- messages ---------------------------------------------------- */

static void
route_monitoring(struct bmp_stream *s, struct bmp_peer_state *ps,
    const struct bmp_msg *m, const struct packet *pkt, uint64_t off)
{
	enum bgp_view view = bmp_peer_view(&m->peer);
	int dir = view == BGP_VIEW_ADJ_OUT_PRE ||
	    view == BGP_VIEW_ADJ_OUT_POST ? FEED_LOCAL_TO_PEER :
	    FEED_PEER_TO_LOCAL;
	struct bgp_session *sess;
	struct packet p;
	const char *why;
	bool as2;

	copy_pkt(&p, pkt, &m->peer);
	if ((sess = view_session(s, ps, view, &p, off)) == NULL) {
		ST_ADD(s, refused, 1);
		return;
	}
	/* the A flag: the router's AS_PATH width in this message (RFC 7854
	 * 4.2); Loc-RIB has no A flag: 4-octet (RFC 9069 4.2) */
	as2 = m->peer.type != BMP_PEER_LOC_RIB && (m->peer.flags & BMP_F_A);
	bgp_session_encoding(sess, dir, BGP_ENC_AS4, as2 ? 0 : BGP_ENC_AS4);
	if ((why = bgp_session_message(sess, dir, m->bgp.p, m->bgp.len,
	    &p)) != NULL) {
		ST_ADD(s, bgp_refused, 1);
		refuse(s, off, pkt, why);
	}
}

static void
mirroring(struct bmp_stream *s, struct bmp_peer_state *ps,
    const struct bmp_msg *m, const struct packet *pkt, uint64_t off)
{
	struct bmp_bytes area = m->mirror, v;
	struct bgp_session *sess = NULL;
	struct packet p;
	const char *why;
	uint16_t type;

	copy_pkt(&p, pkt, &m->peer);
	while (bmp_tlv_next(&area, &type, &v) == 1) {
		if (type != 0)
			continue;	/* information: errored PDU, lost */
		if (sess == NULL && (sess = view_session(s, ps, BGP_VIEW_WIRE,
		    &p, off)) == NULL) {
			ST_ADD(s, refused, 1);
			return;
		}
		/* mirrored messages are those received from the peer */
		if ((why = bgp_session_message(sess, FEED_PEER_TO_LOCAL, v.p,
		    v.len, &p)) != NULL) {
			ST_ADD(s, bgp_refused, 1);
			refuse(s, off, pkt, why);
		}
	}
}

static void
peer_up(struct bmp_stream *s, struct bmp_peer_state *ps,
    const struct bmp_msg *m, const struct packet *pkt)
{
	const struct bmp_bytes *o[2] = { &m->recv_open, &m->sent_open };
	struct packet p;
	int i;

	copy_pkt(&p, pkt, &m->peer);
	ST_ADD(s, peer_ups, 1);
	/* a Peer Up starts a new BGP session: one still up here ended
	 * unseen (its Peer Down lost, or the stream began mid-session) */
	if (ps->views != 0) {
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Up: a new "
		    "session of a peer still up (its Peer Down not seen)");
		peer_end(s, ps, s->reason, &p);
	}
	ps->up = true;
	ps->local_addr = m->local_addr;
	ps->local_port = m->local_port;
	ps->remote_port = m->remote_port;
	for (i = 0; i < 2; i++) {
		free(ps->open[i]);
		ps->open[i] = NULL;
		ps->open_len[i] = 0;
		if ((ps->open[i] = malloc(o[i]->len)) != NULL) {
			memcpy(ps->open[i], o[i]->p, o[i]->len);
			ps->open_len[i] = o[i]->len;
		}
	}
}

static void
peer_down(struct bmp_stream *s, struct bmp_peer_state *ps,
    const struct bmp_msg *m, const struct packet *pkt, uint64_t off)
{
	struct packet p;
	struct bgp_session *sess;
	struct feed_key k;
	const char *why;
	unsigned v;
	int dir;

	copy_pkt(&p, pkt, &m->peer);
	ST_ADD(s, peer_downs, 1);
	switch (m->down_reason) {
	case BMP_DOWN_LOCAL_NOTIF:
	case BMP_DOWN_REMOTE_NOTIF:
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Down: %s "
		    "closed with NOTIFICATION %u/%u",
		    m->down_reason == BMP_DOWN_LOCAL_NOTIF ? "local system" :
		    "remote", m->notif_code, m->notif_subcode);
		/* the NOTIFICATION itself, as on the wire: its sender's
		 * direction in every view */
		dir = m->down_reason == BMP_DOWN_LOCAL_NOTIF ?
		    FEED_LOCAL_TO_PEER : FEED_PEER_TO_LOCAL;
		for (v = 0; v <= BGP_VIEW_LOC_RIB; v++) {
			if (!(ps->views & 1u << v))
				continue;
			peer_key(s, ps, (enum bgp_view)v, &k);
			if ((sess = feed_session_find(s->table, &k)) != NULL &&
			    (why = bgp_session_message(sess, dir,
			    m->notification.p, m->notification.len,
			    &p)) != NULL) {
				ST_ADD(s, bgp_refused, 1);
				refuse(s, off, pkt, why);
			}
		}
		break;
	case BMP_DOWN_LOCAL_FSM:
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Down: local "
		    "system closed, FSM event %u", m->fsm_event);
		break;
	case BMP_DOWN_REMOTE_NODATA:
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Down: remote "
		    "closed without a NOTIFICATION");
		break;
	case BMP_DOWN_DECONFIGURED:
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Down: peer "
		    "de-configured");
		break;
	default:
		snprintf(s->reason, sizeof(s->reason), "BMP Peer Down: local "
		    "system closed (Loc-RIB, RFC 9069)");
		break;
	}
	peer_end(s, ps, s->reason, &p);
	ps->up = false;
	free(ps->open[0]);
	free(ps->open[1]);
	ps->open[0] = ps->open[1] = NULL;
	ps->open_len[0] = ps->open_len[1] = 0;
}

/* One whole message p[0..n) at stream offset off: decoded, acted on. */
static void
message(struct bmp_stream *s, const uint8_t *p, size_t n, uint64_t off,
    const struct packet *pkt)
{
	struct bmp_msg *m = &s->m;
	struct bmp_peer_state *ps;
	const char *why;

	if ((why = bmp_decode(p, n, m)) != NULL) {
		ST_ADD(s, refused, 1);
		refuse(s, off, pkt, why);
		return;
	}
	s->st.msgs[m->type]++;
	STAT_INC(bmp_messages);
	s->msgs_total++;
	switch (m->type) {
	case BMP_INITIATION:
		return;		/* sysName, sysDescr: in m only */
	case BMP_TERMINATION:
		/* the router stops reporting: the sessions' state is no
		 * longer known (not down: feed_session.h) */
		all_end(s, pkt);
		return;
	default:
		break;
	}
	if (!m->has_peer || (ps = peer_get(s, &m->peer)) == NULL) {
		ST_ADD(s, refused, 1);
		refuse(s, off, pkt, "BMP per-peer header: a peer over the "
		    "connection's cap or no memory");
		return;
	}
	switch (m->type) {
	case BMP_ROUTE_MONITORING:
		route_monitoring(s, ps, m, pkt, off);
		break;
	case BMP_STATISTICS:
		s->st.stat_counters += m->nstats;
		break;
	case BMP_PEER_DOWN:
		peer_down(s, ps, m, pkt, off);
		break;
	case BMP_PEER_UP:
		peer_up(s, ps, m, pkt);
		break;
	default:
		mirroring(s, ps, m, pkt, off);
		break;
	}
}

/* --- framing ----------------------------------------------------- */

enum cand { CAND_NO, CAND_YES, CAND_WAIT };

/* May a message start at buf[i] (see the top of the file)? */
static enum cand
candidate(struct bmp_stream *s, size_t i, bool final)
{
	const uint8_t *p = s->buf + i;
	size_t left = s->len - i;
	struct bmp_msg *m = &s->m;
	struct cursor c;
	uint32_t len;
	uint8_t b;

	if (left < BMP_HDR_LEN)
		return final ? CAND_NO : CAND_WAIT;
	if (bmp_header(p, left, m) != NULL)
		return CAND_NO;
	len = m->len;
	/* early rejections, before waiting for the whole message: the
	 * peer type, and the BGP marker of RM (48) and Peer Up (68) */
	cursor_init(&c, p, left);
	if (m->type != BMP_INITIATION && m->type != BMP_TERMINATION &&
	    cursor_peek_u8(&c, BMP_HDR_LEN, &b) == 0 && b > BMP_PEER_LOC_RIB)
		return CAND_NO;
	if (m->type == BMP_ROUTE_MONITORING || m->type == BMP_PEER_UP) {
		size_t mk = BMP_HDR_LEN + BMP_PEER_HDR_LEN +
		    (m->type == BMP_PEER_UP ? 20 : 0), j;

		/* as much of the marker as has arrived */
		for (j = mk; j < mk + BGP_MARKER_LEN &&
		    cursor_peek_u8(&c, j, &b) == 0; j++)
			if (b != 0xff)
				return CAND_NO;
	}
	if (left < len)
		return final ? CAND_NO : CAND_WAIT;
	if (bmp_decode(p, len, m) != NULL)
		return CAND_NO;
	if (left == len)
		return final ? CAND_YES : CAND_WAIT;
	if (left < (size_t)len + BMP_HDR_LEN)
		return final ? CAND_NO : CAND_WAIT;
	return bmp_header(p + len, left - len, m) == NULL ? CAND_YES : CAND_NO;
}

/*
 * Did the stream begin as a BMP v1 or v2 message (draft-ietf-grow-bmp):
 * version 1 or 2, a type of theirs (0-4), a peer type (0-2)?  A first
 * byte of 1 or 2 alone is common in a stream picked up mid-connection.
 */
static bool
old_version_start(const struct bmp_stream *s)
{
	return s->nfirst == sizeof(s->first) && s->st.gap_bytes == 0 &&
	    (s->first[0] == 1 || s->first[0] == 2) && s->first[1] <= 4 &&
	    s->first[2] <= 2;
}

/* Out of sync: skip to the next boundary.  false: wait for more. */
static bool
hunt(struct bmp_stream *s, const struct packet *pkt, bool final)
{
	size_t i;
	enum cand c = CAND_NO;

	/*
	 * A v1/v2 router (their headers have no length: no framing): said
	 * once, when the stream began as a v1/v2 message does and no
	 * message was found in its first 4 KiB (a v1/v2 router sends
	 * far more; a stream picked up mid-connection is in sync long
	 * before).
	 */
	if (!s->old_said && old_version_start(s) && s->msgs_total == 0 &&
	    s->st.skipped >= 4096) {
		s->old_said = true;
		ST_ADD(s, old_version, 1);
		ST_ADD(s, refused, 1);
		refuse(s, 0, pkt, s->first[0] == 1 ?
		    "BMP common header: version 1 unsupported (BMP v3, "
		    "RFC 7854, only)" : "BMP common header: version 2 "
		    "unsupported (BMP v3, RFC 7854, only)");
	}
	for (i = s->head; i < s->len; i++)
		if ((c = candidate(s, i, final)) != CAND_NO)
			break;
	ST_ADD(s, skipped, i - s->head);
	s->off += i - s->head;
	s->head = i;
	if (c != CAND_YES)
		return false;
	s->synced = true;
	if (s->off != 0 || s->st.gap_bytes != 0)
		ST_ADD(s, resyncs, 1);
	return true;
}

static void
process(struct bmp_stream *s, const struct packet *pkt, bool final)
{
	struct bmp_msg *m = &s->m;
	const char *why;
	size_t left;

	for (;;) {
		left = s->len - s->head;
		if (!s->synced) {
			if (!hunt(s, pkt, final))
				break;
			continue;
		}
		if (left < BMP_HDR_LEN)
			break;
		if ((why = bmp_header(s->buf + s->head, left, m)) != NULL) {
			if (m->version == 1 || m->version == 2)
				ST_ADD(s, old_version, 1);
			ST_ADD(s, refused, 1);
			refuse(s, s->off, pkt, why);
			s->synced = false;
			/* not this header's first byte again */
			s->head++;
			s->off++;
			ST_ADD(s, skipped, 1);
			continue;
		}
		if (left < m->len)
			break;
		left = m->len;
		message(s, s->buf + s->head, left, s->off, pkt);
		s->head += left;
		s->off += left;
	}
	/* compact once per call, not per message */
	if (s->head == s->len)
		s->head = s->len = 0;
	else if (s->head > s->cap / 2) {
		memmove(s->buf, s->buf + s->head, s->len - s->head);
		s->len -= s->head;
		s->head = 0;
	}
}

void
bmp_stream_data(struct bmp_stream *s, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	size_t need, i;

	if (s == NULL || s->closed || n == 0)
		return;
	need = s->len + n;
	if (need > s->cap) {
		size_t cap = s->cap != 0 ? s->cap : 65536;
		uint8_t *nb;

		if (s->head > 0) {
			memmove(s->buf, s->buf + s->head, s->len - s->head);
			s->len -= s->head;
			s->head = 0;
			need = s->len + n;
		}
		while (cap < need)
			cap *= 2;
		if (cap > s->cap) {
			if ((nb = realloc(s->buf, cap)) == NULL) {
				/* out of memory: as a gap of these bytes */
				log_warnx("%s: no memory for %zu bytes",
				    s->name, n);
				bmp_stream_gap(s, n, pkt);
				return;
			}
			s->buf = nb;
			s->cap = cap;
		}
	}
	for (i = 0; s->nfirst < sizeof(s->first) && i < n; i++)
		s->first[s->nfirst++] = p[i];
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	process(s, pkt, false);
}

void
bmp_stream_gap(struct bmp_stream *s, uint64_t nbytes,
    const struct packet *pkt)
{
	(void)pkt;
	if (s == NULL || s->closed)
		return;
	/* a partial message is lost with the gap */
	ST_ADD(s, skipped, s->len - s->head);
	ST_ADD(s, gap_bytes, nbytes != 0 ? nbytes : 1);
	s->off += (s->len - s->head) + nbytes;
	s->head = s->len = 0;
	s->synced = false;
}

void
bmp_stream_close(struct bmp_stream *s, const char *reason,
    const struct packet *pkt)
{
	if (s == NULL || s->closed)
		return;
	process(s, pkt, true);
	if (s->len > s->head) {
		ST_ADD(s, cut_at_end, s->len - s->head);
		log_warnx("%s: %zu bytes of a message cut at the connection's "
		    "end (%s)", s->name, s->len - s->head,
		    reason != NULL ? reason : "closed");
	}
	s->head = s->len = 0;
	all_end(s, pkt);
	s->closed = true;
}

const struct bmp_stream_stats *
bmp_stream_stats(const struct bmp_stream *s)
{
	return &s->st;
}

void
bmp_stream_free(struct bmp_stream *s)
{
	size_t i;

	if (s == NULL)
		return;
	bmp_stream_close(s, "freed", NULL);
	for (i = 0; i < s->npeers; i++) {
		free(s->peers[i].open[0]);
		free(s->peers[i].open[1]);
	}
	free(s->peers);
	free(s->index);
	free(s->buf);
	free(s);
}
