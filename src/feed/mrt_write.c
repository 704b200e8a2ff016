/*
 * mrt_write.c - rovmon --write-mrt (mrt_write.h): the captured sessions'
 * BGP messages as MRT BGP4MP_ET records (RFC 6396 3 and 4.4, RFC 8050 3).
 *
 * One record per message, in the order the sessions delivered them, each
 * with the time of the frame that completed the message:
 *
 *   MRT header: time (4) | type 17 (2) | subtype (2) | length (4) |
 *               microseconds (4, counted in length)
 *   BGP4MP:     peer AS (2 or 4) | local AS (2 or 4) | interface (2) |
 *               AFI (2) | peer IP (4 or 16) | local IP (4 or 16) |
 *               the BGP message, header included
 *               (STATE_CHANGE_AS4: old state (2) | new state (2) instead)
 *
 * The subtype states how the message is decoded, so that a reader needs
 * neither the OPENs nor inference: *_AS4 when the direction's AS_PATH
 * has 4-octet ASNs (and for the AS fields of the header), the RFC 8050
 * ADDPATH subtypes when the message's NLRI carry path identifiers, the
 * *_LOCAL ones for messages from the session's "local" end: the peer is
 * the session's endpoint 0, the sender of its direction 0 (named by the
 * OPEN or MIDSTREAM event that follows its first message), so that a
 * reader's direction 0 (peer -> local) is the capture's and session
 * events name the two ends in the same order; without such an event
 * (the OPEN did not parse) the first sender is the peer.  ADD-PATH is
 * negotiated per address family but an ADDPATH subtype covers the whole
 * message: an UPDATE is ADDPATH when the unicast families it carries
 * use ADD-PATH; one carrying IPv4 and IPv6 unicast NLRI of which only
 * one family uses it has no subtype (warned once, written as ADDPATH).
 *
 * The session key: a reader groups records into sessions by (peer
 * address, peer AS, local address, local AS), so every record of one
 * captured session must carry the same four.  The ASes are known only
 * from the OPENs, which come first: a new session's records are held
 * (and every record after them, to keep the order) until both OPENs
 * were seen, a message that is not an OPEN comes, the session ends, or
 * the held records pass HOLD_MAX bytes; the key then has the ASes known
 * (0 for an end whose OPEN was not seen, as the capture knows it).  A
 * 4-octet AS on a session that did not negotiate 4-octet ASNs is keyed
 * AS_TRANS, which the 2-octet header fields can carry.
 *
 * State changes (docs/design.md, issue 18 decisions): STATE_CHANGE_AS4
 * OpenConfirm -> Established before a session's first message,
 * Established -> Idle when it goes down (BGP_SESS_DOWN, at that time);
 * nothing at the end of a capture, so a re-read ends the same way.
 *
 * Output: records are encoded into one 1 MiB buffer written with
 * write(2) when full, on a quiet link and at the end: no system call per
 * message.  A failed write is warned once with the file name; its
 * records are counted lost (cut off the file again where it can be
 * truncated, so it holds whole records only) and the exit status says
 * so (mrt_writer_close()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cursor.h"
#include "base/hash.h"
#include "base/log.h"
#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "feed/mrt.h"
#include "feed/mrt_write.h"

#define OUT_CAP		((size_t)1 << 20)
/* Longest record: header, microseconds, AS4 fields over IPv6, the
 * longest (extended) message. */
#define REC_MAX		(MRT_HEADER_LEN + MRT_ET_LEN + 8 + 4 + 32 + \
			    BGP_MAX_LEN_EXT)
#define HOLD_MAX	((size_t)1 << 20)	/* held bytes before a
						 * session is keyed anyway */
#define NBUCKET		256			/* sessions' hash chains */

/* A captured session: its key, and how far it is. */
struct msess {
	struct msess	*next;		/* hash chain */
	uint64_t	 id;		/* bgp_msg_ctx.session_id */
	struct ipaddr	 addr[2];	/* 0 peer, 1 local (see the top) */
	uint16_t	 peer_port;	/* tells equal addresses apart */
	bool		 oriented;	/* peer = the session's endpoint 0 */
	bool		 want_key;	/* its first message was no OPEN */
	uint32_t	 ctx_as[2];	/* what the context said at first */
	uint32_t	 open_as[2];
	bool		 open_seen[2], open_as4[2];
	uint32_t	 as[2];		/* the key, once keyed */
	bool		 keyed;
	/* the BGP4MP fields after the microseconds, from the key: with
	 * 4-octet ASes (pre4) and 2-octet ones (pre2), prelen4/2 octets */
	uint8_t		 pre4[8 + 4 + 32], pre2[4 + 4 + 32];
	uint8_t		 prelen4, prelen2;
	bool		 wide_as;	/* an AS of the key needs 4 octets */
	bool		 gone;		/* ended: out of the table, freed
					 * once nothing of it is held */
	size_t		 nheld;
};

/* A record not written yet (its session not keyed, or one before it). */
struct held {
	struct held	*next;
	struct msess	*s;
	struct timeval	 ts;
	bool		 state;		/* a state change, else a message */
	bool		 local, as4, addpath;
	uint16_t	 old_state, new_state;
	uint32_t	 len;
	uint8_t		 msg[];
};

struct mrt_writer {
	char		*path;		/* owned; "-" for standard output */
	int		 fd;
	bool		 is_stdout;
	uint8_t		*out;		/* OUT_CAP; outlen used */
	size_t		 outlen;
	uint64_t	 outrecs;	/* records in out */
	uint64_t	 written, lost;
	bool		 werr_told;	/* the first failure was warned */
	bool		 reopen_failed;
	bool		 mixed_told, trans_told, twin_told;
	uint64_t	 views_skipped;	/* messages of BMP RIB views */
	struct msess	*bucket[NBUCKET];
	struct msess	*last;		/* the last session found */
	struct held	*head, **tail;
	size_t		 held_bytes;
	struct timeval	 last_ts;	/* for a context without a frame */
};

/* ---- output ---------------------------------------------------------- */

static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* Write the buffer; on failure count its records lost, cut the file
 * back to whole records where it can be, warn once. */
static void
out_flush(struct mrt_writer *w)
{
	size_t done = 0;
	ssize_t n;
	off_t before;
	int err;

	if (w->outlen == 0)
		return;
	before = w->is_stdout ? -1 : lseek(w->fd, 0, SEEK_END);
	while (done < w->outlen) {
		n = write(w->fd, w->out + done, w->outlen - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n == 0 ? EIO : errno;
			if (done > 0 && before != -1)
				(void)ftruncate(w->fd, before);
			if (!w->werr_told) {
				errno = err;
				log_warn("%s: cannot write MRT records",
				    w->path);
				w->werr_told = true;
			}
			w->lost += w->outrecs;
			w->outlen = 0;
			w->outrecs = 0;
			return;
		}
		done += (size_t)n;
	}
	w->written += w->outrecs;
	w->outlen = 0;
	w->outrecs = 0;
}

static uint8_t *
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint16_t
message_subtype(bool local, bool as4, bool addpath)
{
	static const uint16_t sub[2][2][2] = {	/* [addpath][as4][local] */
		{ { MRT_BGP4MP_MESSAGE, MRT_BGP4MP_MESSAGE_LOCAL },
		  { MRT_BGP4MP_MESSAGE_AS4, MRT_BGP4MP_MESSAGE_AS4_LOCAL } },
		{ { MRT_BGP4MP_MESSAGE_ADDPATH,
		    MRT_BGP4MP_MESSAGE_LOCAL_ADDPATH },
		  { MRT_BGP4MP_MESSAGE_AS4_ADDPATH,
		    MRT_BGP4MP_MESSAGE_AS4_LOCAL_ADDPATH } },
	};

	return sub[addpath][as4][local];
}

/*
 * One record into the buffer: a state change (msg NULL) or a message of
 * session s, keyed: the header, then the fields of the key prepared by
 * sess_key(), then the message or the two states.
 */
static void
record_put(struct mrt_writer *w, const struct msess *s,
    const struct timeval *ts, bool state, bool local, bool as4,
    bool addpath, uint16_t old_state, uint16_t new_state,
    const uint8_t *msg, size_t len)
{
	bool wide = as4 || state;
	size_t plen = wide ? s->prelen4 : s->prelen2;
	size_t body = MRT_ET_LEN + plen + (state ? 4 : len);
	uint8_t *p;

	if (!wide && s->wide_as && !w->trans_told) {
		log_warnx("%s: a 4-octet AS of a session written as AS_TRANS "
		    "in a 2-octet record: a reader may take the records for "
		    "two sessions", w->path);
		w->trans_told = true;
	}
	if (w->outlen + MRT_HEADER_LEN + body > OUT_CAP)
		out_flush(w);
	p = w->out + w->outlen;
	p = put32(p, (uint32_t)ts->tv_sec);
	p = put16(p, MRT_BGP4MP_ET);
	p = put16(p, state ? MRT_BGP4MP_STATE_CHANGE_AS4 :
	    message_subtype(local, as4, addpath));
	p = put32(p, (uint32_t)body);
	p = put32(p, (uint32_t)ts->tv_usec);
	memcpy(p, wide ? s->pre4 : s->pre2, plen);
	p += plen;
	if (state) {
		p = put16(p, old_state);
		p = put16(p, new_state);
	} else {
		memcpy(p, msg, len);
		p += len;
	}
	w->outlen = (size_t)(p - w->out);
	w->outrecs++;
}

/*
 * The key's fields as the records carry them (RFC 6396 4.4.2, 4.4.3):
 * peer AS, local AS (4 or 2 octets: a larger AS is AS_TRANS in the
 * 2-octet form, RFC 6793 4.2.3, which the key avoids, see the top),
 * interface index (not known: 0), AFI, peer and local address.
 */
static void
key_fields(struct msess *s)
{
	size_t alen = s->addr[0].family == ADDR_V6 ? 16 : 4;
	uint8_t *p4 = s->pre4, *p2 = s->pre2;
	int i;

	for (i = 0; i < 2; i++) {
		p4 = put32(p4, s->as[i]);
		p2 = put16(p2, s->as[i] > 0xffff ? AS_TRANS : s->as[i]);
		s->wide_as |= s->as[i] > 0xffff;
	}
	p4 = put16(p4, 0);
	p4 = put16(p4, alen == 16 ? MRT_AFI_IPV6 : MRT_AFI_IPV4);
	memcpy(p4, s->addr[0].a, alen);
	memcpy(p4 + alen, s->addr[1].a, alen);
	p4 += 2 * alen;
	memcpy(p2, s->pre4 + 8, (size_t)(p4 - s->pre4) - 8);
	s->prelen4 = (uint8_t)(p4 - s->pre4);
	s->prelen2 = (uint8_t)(s->prelen4 - 4);
}

/* ---- sessions -------------------------------------------------------- */

static size_t
bucket_of(uint64_t id)
{
	return (size_t)(hash_fmix64(id) & (NBUCKET - 1));
}

static struct msess *
sess_find(struct mrt_writer *w, uint64_t id)
{
	struct msess *s;

	if (w->last != NULL && w->last->id == id)
		return w->last;
	for (s = w->bucket[bucket_of(id)]; s != NULL; s = s->next)
		if (s->id == id)
			return w->last = s;
	return NULL;
}

static struct msess *
sess_new(struct mrt_writer *w, const struct bgp_msg_ctx *ctx)
{
	struct msess *s;
	size_t b = bucket_of(ctx->session_id);

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->id = ctx->session_id;
	s->addr[0] = ctx->src_addr;
	s->addr[1] = ctx->dst_addr;
	s->peer_port = ctx->src_port;
	s->ctx_as[0] = ctx->peer_as;
	s->ctx_as[1] = ctx->local_as;
	s->next = w->bucket[b];
	w->bucket[b] = s;
	return w->last = s;
}

/* Out of the table; freed now or when its last held record is written. */
static void
sess_end(struct mrt_writer *w, struct msess *s)
{
	struct msess **pp = &w->bucket[bucket_of(s->id)];

	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
	if (w->last == s)
		w->last = NULL;
	s->gone = true;
	if (s->nheld == 0)
		free(s);
}

/*
 * Another session of the same key still open: a reader takes their
 * records for one session's (two TCP connections between the same two
 * speakers at once: a connection collision, or a new connection seen
 * before the old one's end).  Warned once.
 */
static void
sess_twin(struct mrt_writer *w, const struct msess *s)
{
	const struct msess *o;
	size_t i;

	for (i = 0; i < NBUCKET && !w->twin_told; i++)
		for (o = w->bucket[i]; o != NULL; o = o->next)
			if (o != s && o->keyed && o->as[0] == s->as[0] &&
			    o->as[1] == s->as[1] &&
			    ipaddr_eq(&o->addr[0], &s->addr[0]) &&
			    ipaddr_eq(&o->addr[1], &s->addr[1])) {
				log_warnx("%s: two sessions between the same "
				    "speakers at once: a reader of the MRT "
				    "file takes them for one", w->path);
				w->twin_told = true;
				break;
			}
}

/* The key from what is known now (see the top). */
static void
sess_key(struct mrt_writer *w, struct msess *s)
{
	bool as4 = s->open_seen[0] && s->open_seen[1] && s->open_as4[0] &&
	    s->open_as4[1];
	int i;

	if (s->keyed)
		return;
	for (i = 0; i < 2; i++) {
		s->as[i] = s->open_seen[i] ? s->open_as[i] : s->ctx_as[i];
		if (s->open_seen[0] && s->open_seen[1] && !as4 &&
		    s->as[i] > 0xffff)
			s->as[i] = AS_TRANS;
	}
	key_fields(s);
	s->keyed = true;
	if (!w->twin_told)
		sess_twin(w, s);
}

/* An OPEN of end i, held: its AS and whether it offers 4-octet ASNs. */
static void
sess_open(struct msess *s, int i, const uint8_t *msg, size_t len)
{
	struct bgp_open o;

	if (len < BGP_HEADER_LEN || bgp_open_parse(msg + BGP_HEADER_LEN,
	    len - BGP_HEADER_LEN, &o) == -1)
		return;		/* the session ignores it too */
	s->open_seen[i] = true;
	s->open_as[i] = o.as;
	s->open_as4[i] = o.caps_ok && o.cap_as4;
}

/* ---- held records ---------------------------------------------------- */

static void
swap_as(uint32_t v[2])
{
	uint32_t t = v[0];

	v[0] = v[1];
	v[1] = t;
}

static void
swap_bool(bool v[2])
{
	bool t = v[0];

	v[0] = v[1];
	v[1] = t;
}

/*
 * The session's first event (OPEN or MIDSTREAM, right after its first
 * message) names its endpoint 0: that end becomes the peer, so that a
 * reader's direction 0 (peer -> local) is the capture's and the session
 * events of a re-read name the ends in the same order.  Until then the
 * records are held with the first sender as the peer: turned round here.
 */
static void
sess_orient(struct mrt_writer *w, struct msess *s,
    const struct bgp_session_view *v)
{
	struct ipaddr t;
	struct held *h;

	s->oriented = true;
	if (s->keyed || (ipaddr_eq(&v->addr[0], &s->addr[0]) &&
	    v->port[0] == s->peer_port))
		return;
	t = s->addr[0];
	s->addr[0] = s->addr[1];
	s->addr[1] = t;
	s->peer_port = v->port[0];
	swap_as(s->ctx_as);
	swap_as(s->open_as);
	swap_bool(s->open_seen);
	swap_bool(s->open_as4);
	for (h = w->head; h != NULL; h = h->next)
		if (h->s == s && !h->state)
			h->local = !h->local;
}

static void
held_write(struct mrt_writer *w, struct held *h)
{
	record_put(w, h->s, &h->ts, h->state, h->local, h->as4, h->addpath,
	    h->old_state, h->new_state, h->msg, h->len);
}

/* Write the held records from the first, while their sessions are
 * keyed; then key the oldest while too much is held. */
static void
drain(struct mrt_writer *w)
{
	struct held *h;

	for (;;) {
		while ((h = w->head) != NULL && h->s->keyed) {
			held_write(w, h);
			w->head = h->next;
			w->held_bytes -= sizeof(*h) + h->len;
			if (--h->s->nheld == 0 && h->s->gone)
				free(h->s);
			free(h);
		}
		if (h == NULL) {
			w->tail = &w->head;
			return;
		}
		if (w->held_bytes <= HOLD_MAX)
			return;
		sess_key(w, h->s);
	}
}

/*
 * One record of session s: written now when nothing waits before it,
 * else held.  A record that cannot be held (no memory) is lost and
 * counted.
 */
static void
record(struct mrt_writer *w, struct msess *s, const struct timeval *ts,
    bool state, bool local, bool as4, bool addpath, uint16_t old_state,
    uint16_t new_state, const uint8_t *msg, size_t len)
{
	struct held *h;

	if (s->keyed && w->head == NULL) {
		record_put(w, s, ts, state, local, as4, addpath, old_state,
		    new_state, msg, len);
		return;
	}
	if ((h = malloc(sizeof(*h) + len)) == NULL) {
		if (!w->werr_told) {
			log_warn("%s: cannot hold an MRT record", w->path);
			w->werr_told = true;
		}
		w->lost++;
		return;
	}
	h->next = NULL;
	h->s = s;
	h->ts = *ts;
	h->state = state;
	h->local = local;
	h->as4 = as4;
	h->addpath = addpath;
	h->old_state = old_state;
	h->new_state = new_state;
	h->len = (uint32_t)len;
	if (len > 0)
		memcpy(h->msg, msg, len);
	*w->tail = h;
	w->tail = &h->next;
	w->held_bytes += sizeof(*h) + len;
	s->nheld++;
}

/* ---- ADD-PATH of one UPDATE ------------------------------------------ */

/*
 * The unicast families an UPDATE carries NLRI of (BGP_ENC_ADDPATH_V4 /
 * _V6 bits): the IPv4 Withdrawn Routes and NLRI fields (RFC 4271 4.3),
 * MP_REACH_NLRI and MP_UNREACH_NLRI by AFI/SAFI (RFC 4760 3, 4).  The
 * session checked the header; what does not parse is not counted.
 */
static unsigned
update_families(const uint8_t *msg, size_t len)
{
	struct cursor c, attrs, val;
	uint16_t wlen, alen, afi, vlen;
	uint8_t flags, code, safi, l8;
	unsigned fam = 0;

	cursor_init(&c, msg, len);
	if (cursor_skip(&c, BGP_HEADER_LEN) == -1 ||
	    cursor_get_u16(&c, &wlen) == -1 || cursor_skip(&c, wlen) == -1 ||
	    cursor_get_u16(&c, &alen) == -1 || cursor_sub(&c, alen, &attrs) == -1)
		return 0;
	if (wlen > 0 || !cursor_empty(&c))
		fam |= BGP_ENC_ADDPATH_V4;
	while (cursor_get_u8(&attrs, &flags) == 0 &&
	    cursor_get_u8(&attrs, &code) == 0) {
		if (flags & 0x10) {	/* Extended Length */
			if (cursor_get_u16(&attrs, &vlen) == -1)
				break;
		} else {
			if (cursor_get_u8(&attrs, &l8) == -1)
				break;
			vlen = l8;
		}
		if (cursor_sub(&attrs, vlen, &val) == -1)
			break;
		if ((code == 14 || code == 15) &&
		    cursor_get_u16(&val, &afi) == 0 &&
		    cursor_get_u8(&val, &safi) == 0 && safi == SAFI_UNICAST)
			fam |= afi == AFI_IPV4 ? BGP_ENC_ADDPATH_V4 :
			    afi == AFI_IPV6 ? BGP_ENC_ADDPATH_V6 : 0;
	}
	return fam;
}

/* Whether the message is written with an ADDPATH subtype. */
static bool
message_addpath(struct mrt_writer *w, const uint8_t *msg, size_t len,
    unsigned enc)
{
	unsigned ap = enc & (BGP_ENC_ADDPATH_V4 | BGP_ENC_ADDPATH_V6), fam;

	if (ap == 0 || len < BGP_HEADER_LEN || msg[18] != BGP_UPDATE)
		return false;
	fam = update_families(msg, len);
	if (fam == 0)		/* no NLRI (End-of-RIB): as the direction */
		return true;
	if ((fam & ap) == 0)
		return false;
	if ((fam & ~ap) != 0 && !w->mixed_told) {
		log_warnx("%s: an UPDATE carries IPv4 and IPv6 unicast NLRI "
		    "with ADD-PATH on one family only: no MRT subtype says so "
		    "(RFC 8050); written as ADD-PATH", w->path);
		w->mixed_told = true;
	}
	return true;
}

/* ---- the sink's callbacks -------------------------------------------- */

static const struct timeval *
ctx_ts(struct mrt_writer *w, const struct bgp_msg_ctx *ctx)
{
	if (ctx->pkt != NULL)
		w->last_ts = ctx->pkt->ts;
	return &w->last_ts;
}

void
mrt_writer_message(struct mrt_writer *w, const struct bgp_msg_ctx *ctx,
    unsigned enc)
{
	const struct timeval *ts = ctx_ts(w, ctx);
	struct msess *s;
	bool local, first = false;
	uint8_t type;

	if (w == NULL || ctx->msg == NULL || ctx->msg_len < BGP_HEADER_LEN)
		return;
	/* a BMP feed's RIB views: not what a speaker sent on a session
	 * (MRT's BGP4MP has no field for the view, and a monitored peer's
	 * key would be its wire session's) */
	if (ctx->view != BGP_VIEW_WIRE) {
		w->views_skipped++;
		return;
	}
	type = ctx->msg[18];
	if ((s = sess_find(w, ctx->session_id)) == NULL) {
		if ((s = sess_new(w, ctx)) == NULL) {
			log_warn("%s: no memory for an MRT session", w->path);
			w->lost++;
			return;
		}
		first = true;
	}
	local = !(ipaddr_eq(&ctx->src_addr, &s->addr[0]) &&
	    ctx->src_port == s->peer_port);
	/* the first message's session event orients the session, then it
	 * is keyed (mrt_writer_session()); a later one keys it anyway */
	if (!s->keyed) {
		if (type == BGP_OPEN)
			sess_open(s, local, ctx->msg, ctx->msg_len);
		else if (first)
			s->want_key = true;
		else
			sess_key(w, s);
	}
	if (first)
		record(w, s, ts, true, false, false, false,
		    MRT_STATE_OPENCONFIRM, MRT_STATE_ESTABLISHED, NULL, 0);
	record(w, s, ts, false, local, (enc & BGP_ENC_AS4) != 0,
	    message_addpath(w, ctx->msg, ctx->msg_len, enc),
	    0, 0, ctx->msg, ctx->msg_len);
	if (!s->keyed && s->open_seen[0] && s->open_seen[1])
		sess_key(w, s);
	if (w->head != NULL)
		drain(w);
}

void
mrt_writer_session(struct mrt_writer *w, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	const struct timeval *ts;
	struct msess *s;

	/* none: no message of it was written, there is nothing to end */
	if (w == NULL || (s = sess_find(w, ctx->session_id)) == NULL)
		return;
	if (!s->oriented && si->view != NULL)
		sess_orient(w, s, si->view);
	if (si->event != BGP_SESS_DOWN && si->event != BGP_SESS_CAPTURE_END) {
		if (!s->keyed && s->want_key)
			sess_key(w, s);
		if (w->head != NULL)
			drain(w);
		return;
	}
	ts = ctx_ts(w, ctx);
	sess_key(w, s);
	if (si->event == BGP_SESS_DOWN)
		record(w, s, ts, true, false, false, false,
		    MRT_STATE_ESTABLISHED, MRT_STATE_IDLE, NULL, 0);
	sess_end(w, s);
	if (w->head != NULL)
		drain(w);
}

/* ---- life cycle ------------------------------------------------------ */

struct mrt_writer *
mrt_writer_open(const char *path)
{
	struct mrt_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->path = strdup(path)) == NULL ||
	    (w->out = malloc(OUT_CAP)) == NULL) {
		log_warn("%s: cannot set up the MRT output", path);
		goto fail;
	}
	_Static_assert(REC_MAX <= OUT_CAP, "a record fits the buffer");
	w->tail = &w->head;
	w->is_stdout = strcmp(path, "-") == 0;
	if (w->is_stdout)
		w->fd = STDOUT_FILENO;
	else if ((w->fd = open_append(path)) == -1) {
		log_warn("%s: cannot write MRT records", path);
		goto fail;
	}
	return w;
fail:
	if (w != NULL) {
		free(w->out);
		free(w->path);
	}
	free(w);
	return NULL;
}

void
mrt_writer_flush(struct mrt_writer *w)
{
	if (w != NULL)
		out_flush(w);
}

int
mrt_writer_reopen(struct mrt_writer *w)
{
	int fd;

	if (w == NULL || w->is_stdout)
		return 0;
	if ((fd = open_append(w->path)) == -1) {
		if (!w->reopen_failed)
			log_warn("%s: cannot reopen the MRT file; still "
			    "writing to the old one", w->path);
		w->reopen_failed = true;
		return -1;
	}
	out_flush(w);		/* what is buffered belongs to the old file */
	if (close(w->fd) != 0 && !w->werr_told) {
		log_warn("%s: closing the old MRT file", w->path);
		w->werr_told = true;
		w->lost++;	/* not a record, but the file may miss some */
	}
	w->fd = fd;
	if (w->reopen_failed)
		log_warnx("%s: MRT file reopened", w->path);
	w->reopen_failed = false;
	return 0;
}

int
mrt_writer_close(struct mrt_writer *w)
{
	struct held *h;
	struct msess *s, *next;
	size_t i;
	int rc = 0;

	if (w == NULL)
		return 0;
	/* the sessions still open are keyed with what is known */
	for (h = w->head; h != NULL; h = h->next)
		sess_key(w, h->s);
	drain(w);
	out_flush(w);
	if (!w->is_stdout && close(w->fd) != 0) {
		log_warn("%s: closing the MRT file", w->path);
		rc = -1;
	}
	if (w->views_skipped > 0)
		log_info("%s: %llu messages of BMP RIB views not written (MRT "
		    "BGP4MP has no view)", w->path,
		    (unsigned long long)w->views_skipped);
	if (w->lost > 0) {
		log_warnx("%s: %llu MRT record%s not written (%llu written)",
		    w->path, (unsigned long long)w->lost,
		    w->lost == 1 ? "" : "s", (unsigned long long)w->written);
		rc = -1;
	}
	for (i = 0; i < NBUCKET; i++)
		for (s = w->bucket[i]; s != NULL; s = next) {
			next = s->next;
			free(s);
		}
	free(w->out);
	free(w->path);
	free(w);
	return rc;
}
