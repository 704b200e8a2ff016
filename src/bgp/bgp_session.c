/*
 * bgp_session.c - per-TCP-session BGP state on top of reassembled
 * streams: the session's life cycle, dispatch of each whole message by
 * type (OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH), the
 * message context and session events handed to the sink, and the
 * reasm_ops glue.  Framing and resync are in bgp_frame.c, negotiated and
 * inferred encodings in bgp_infer.c; the state they share is in
 * bgp_session_internal.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "bgp/bgp_session.h"
#include "bgp/bgp_session_internal.h"
#include "bgp/bgp_update.h"
#include "base/cursor.h"
#include "base/log.h"
#include "base/stats.h"

static uint64_t next_session_id = 1;
static uint64_t next_msg_seq = 1;	/* bgp_msg_ctx.msg_seq */

static char *
endpoint_fmt(const struct flow_endpoint *e, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	ipaddr_fmt(&e->addr, a, sizeof(a));
	snprintf(buf, len, e->addr.family == ADDR_V6 ? "[%s]:%u" : "%s:%u",
	    a, e->port);
	return buf;
}

char *
bgp_session_dir_name(const struct bgp_dir *dr, char *buf, size_t len)
{
	char s[IPADDR_STRLEN + 8], d[IPADDR_STRLEN + 8];

	snprintf(buf, len, "%s -> %s", endpoint_fmt(&dr->src, s, sizeof(s)),
	    endpoint_fmt(&dr->dst, d, sizeof(d)));
	return buf;
}

/* ---- dispatch ------------------------------------------------------- */

static void
ctx_fill(const struct bgp_session *s, int d, const uint8_t *msg,
    size_t len, const struct packet *pkt, struct bgp_msg_ctx *ctx)
{
	const struct bgp_dir *dr = &s->dir[d], *rv = &s->dir[!d];

	memset(ctx, 0, sizeof(*ctx));
	ctx->src_addr = dr->src.addr;
	ctx->dst_addr = dr->dst.addr;
	ctx->src_port = dr->src.port;
	ctx->dst_port = dr->dst.port;
	ctx->peer_as = dr->open.seen ? dr->open.as : dr->as_stated;
	ctx->local_as = rv->open.seen ? rv->open.as : rv->as_stated;
	/* Endpoint d sends in direction d (bgp_session_role.c). */
	ctx->sender_role = s->role[d];
	ctx->role_source = s->role[d] != BGP_ROLE_UNKNOWN ? s->role_src :
	    BGP_ROLE_SRC_NONE;
	ctx->pkt = pkt;
	ctx->msg = msg;
	ctx->msg_len = (uint32_t)len;
	ctx->session_id = s->id;
	ctx->view = (uint8_t)s->view;
}

/*
 * What depends only on the session and the OPENs seen, computed when
 * they change rather than for every message: the roles, each
 * direction's message context and the extended message state.
 */
static void
session_refresh(struct bgp_session *s)
{
	int d;

	bgp_session_roles(s);
	for (d = 0; d < 2; d++)
		ctx_fill(s, d, NULL, 0, NULL, &s->dir[d].ctx);
	s->ext = bgp_infer_ext_state(s);
}

/* Hand a session event to the sink, with the session's view. */
static void
notify(const struct bgp_session *s, int d, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *event)
{
	struct bgp_session_view v;
	struct bgp_session_info si = *event;
	int i;

	if (s->sink == NULL || s->sink->session == NULL)
		return;
	memset(&v, 0, sizeof(v));
	for (i = 0; i < 2; i++) {
		v.addr[i] = s->dir[i].src.addr;
		v.port[i] = s->dir[i].src.port;
		v.open[i] = s->dir[i].open.seen ? &s->dir[i].open : NULL;
		memcpy(v.msgs[i], s->dir[i].msgs, sizeof(v.msgs[i]));
		v.gaps[i] = s->dir[i].gaps;
		v.gap_bytes[i] = s->dir[i].gap_bytes;
		v.role[i] = s->role[i];
		v.role_cfg[i] = s->role_cfg[i];
	}
	v.role_src = s->role_src;
	v.role_mismatch = s->role_mismatch;
	v.dir = d;
	si.view = &v;
	s->sink->session(s->sink->arg, ctx, &si);
}

static void
emit(const struct bgp_session *s, int d, const struct bgp_msg_ctx *ctx,
    enum bgp_session_event ev, const char *reason)
{
	struct bgp_session_info si;

	memset(&si, 0, sizeof(si));
	si.event = ev;
	si.reason = reason;
	notify(s, d, ctx, &si);
}

static const char *
update_result_name(enum bgp_update_result r)
{
	switch (r) {
	case BGP_UPD_OK:
		return "ok";
	case BGP_UPD_TREAT_AS_WITHDRAW:
		return "treat-as-withdraw";
	case BGP_UPD_ATTR_DISCARD:
		return "attribute discard";
	case BGP_UPD_SESSION_RESET:
		return "session reset";
	}
	return "unknown";
}

static void
on_update(struct bgp_session *s, int d, struct bgp_msg_ctx *ctx,
    const struct cursor *body, uint64_t off)
{
	struct bgp_dir *dr = &s->dir[d];
	struct bgp_decode_opts opts;
	struct bgp_session_info si;
	enum bgp_update_result r;
	const char *why = NULL;
	char name[2 * IPADDR_STRLEN + 24];

	if (dr->scratch == NULL &&
	    (dr->scratch = bgp_update_scratch_new()) == NULL) {
		log_warnx("bgp: no memory for UPDATE scratch; UPDATE skipped");
		return;
	}
	bgp_infer_update_opts(s, d, cursor_ptr(body), cursor_left(body),
	    ctx->peer_as, &opts);
	if (s->sink != NULL && s->sink->message != NULL)
		s->sink->message(s->sink->arg, ctx, (opts.as4 ? ENC_AS4 : 0) |
		    (opts.addpath_v4u ? ENC_AP4 : 0) |
		    (opts.addpath_v6u ? ENC_AP6 : 0));
	r = bgp_update_decode(cursor_ptr(body), cursor_left(body), &opts,
	    dr->scratch, ctx, s->sink, &why);
	if (r != BGP_UPD_OK)
		log_info("bgp: %s offset %llu: UPDATE malformed (%s): %s",
		    bgp_session_dir_name(dr, name, sizeof(name)),
		    (unsigned long long)off,
		    update_result_name(r), why != NULL ? why : "?");
	memset(&si, 0, sizeof(si));
	/* RFC 4724 section 2; the UPDATE module counts stats.bgp_eor. */
	if (bgp_update_is_eor(cursor_ptr(body), cursor_left(body), &si.afi,
	    &si.safi)) {
		si.event = BGP_SESS_EOR;
		si.reason = "End-of-RIB";
		notify(s, d, ctx, &si);
	}
}

static void
on_open(struct bgp_session *s, int d, struct bgp_msg_ctx *ctx,
    const struct cursor *body, uint64_t off)
{
	struct bgp_dir *dr = &s->dir[d];
	struct bgp_open o;
	char name[2 * IPADDR_STRLEN + 24];

	if (bgp_open_parse(cursor_ptr(body), cursor_left(body), &o) == -1) {
		STAT_INC(bgp_open_malformed);
		log_info("bgp: %s offset %llu: OPEN ignored: %s",
		    bgp_session_dir_name(dr, name, sizeof(name)),
		    (unsigned long long)off,
		    o.why);
		return;
	}
	if (!o.caps_ok) {
		STAT_INC(bgp_open_malformed);
		log_info("bgp: %s offset %llu: OPEN capabilities unknown: %s",
		    bgp_session_dir_name(dr, name, sizeof(name)),
		    (unsigned long long)off,
		    o.why);
	}
	dr->open = o;
	bgp_session_role_open(s, d);
	bgp_infer_negotiate(s, 0);
	bgp_infer_negotiate(s, 1);
	session_refresh(s);
	ctx->peer_as = o.as;
	ctx->local_as = s->dir[d].ctx.local_as;
	ctx->sender_role = s->dir[d].ctx.sender_role;
	ctx->role_source = s->dir[d].ctx.role_source;
	emit(s, d, ctx, BGP_SESS_OPEN, o.caps_ok ? NULL : o.why);
}

/* RFC 4271 4.5: Error code (1), Error subcode (1), Data (variable). */
static void
on_notification(struct bgp_session *s, int d, struct bgp_msg_ctx *ctx,
    struct cursor *body)
{
	struct bgp_session_info si;
	struct cursor text;
	uint8_t code, sub, tlen, ch;
	char msg[256], name[2 * IPADDR_STRLEN + 24];
	size_t n = 0;

	if (cursor_get_u8(body, &code) == -1 ||
	    cursor_get_u8(body, &sub) == -1)
		return;		/* the header check keeps this from happening */
	memset(&si, 0, sizeof(si));
	si.event = BGP_SESS_NOTIFICATION;
	si.code = code;
	si.subcode = sub;
	si.reason = bgp_notification_name(code, sub);
	bgp_session_role_notification(code, sub);
	/* RFC 9003 section 2: Shutdown Communication after Cease 2 and 4. */
	if (code == 6 && (sub == 2 || sub == 4) &&
	    cursor_get_u8(body, &tlen) == 0 &&
	    cursor_sub(body, tlen, &text) == 0) {
		while (cursor_get_u8(&text, &ch) == 0 && n < sizeof(msg) - 1)
			msg[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		msg[n] = '\0';
		log_info("bgp: %s: %s: \"%s\"",
		    bgp_session_dir_name(&s->dir[d], name, sizeof(name)),
		    si.reason, msg);
	}
	notify(s, d, ctx, &si);
}

/* RFC 2918 section 3, RFC 7313 section 3: AFI (2), subtype (1), SAFI (1). */
static void
on_route_refresh(struct bgp_session *s, int d, struct cursor *body)
{
	uint16_t afi;
	uint8_t subtype, safi;
	char name[2 * IPADDR_STRLEN + 24];

	if (cursor_get_u16(body, &afi) == -1 ||
	    cursor_get_u8(body, &subtype) == -1 ||
	    cursor_get_u8(body, &safi) == -1)
		return;
	log_debug("bgp: %s: ROUTE-REFRESH afi %u safi %u subtype %u%s",
	    bgp_session_dir_name(&s->dir[d], name, sizeof(name)), afi, safi,
	    subtype, subtype == 1 ? " (BoRR)" : subtype == 2 ? " (EoRR)" : "");
}

/*
 * Per-session message counts (the totals are in stats), and the moment a
 * direction is picked up mid-stream: its first message is not an OPEN.
 */
static void
count_message(struct bgp_session *s, int d, uint8_t type,
    const struct bgp_msg_ctx *ctx)
{
	struct bgp_dir *dr = &s->dir[d];
	char name[2 * IPADDR_STRLEN + 24];

	if (!dr->framed && type != BGP_OPEN && !dr->open.seen) {
		log_info("bgp: %s: picked up mid-stream at offset %llu: first "
		    "message %s, no OPEN seen", bgp_session_dir_name(dr, name,
		    sizeof(name)), (unsigned long long)dr->off,
		    bgp_msg_type_name(type));
		emit(s, d, ctx, BGP_SESS_MIDSTREAM, "picked up mid-stream");
	}
	dr->framed = true;
	if (type <= BGP_ROUTE_REFRESH)
		dr->msgs[type]++;
}

/* One whole, plausible message at stream offset off. */
void
bgp_session_dispatch(struct bgp_session *s, int d, const uint8_t *msg,
    size_t len, const struct packet *pkt, uint64_t off)
{
	struct bgp_msg_ctx ctx;
	struct cursor c;
	uint8_t type;

	cursor_init(&c, msg, len);
	if (cursor_skip(&c, BGP_MARKER_LEN + 2) == -1 ||
	    cursor_get_u8(&c, &type) == -1)
		return;
	ctx = s->dir[d].ctx;
	ctx.pkt = pkt;
	ctx.msg = msg;
	ctx.msg_len = (uint32_t)len;
	ctx.msg_seq = next_msg_seq++;
	STAT_INC(bgp_messages);
	/* An UPDATE is reported once its encodings are chosen (on_update). */
	if (type != BGP_UPDATE && s->sink != NULL && s->sink->message != NULL)
		s->sink->message(s->sink->arg, &ctx, s->dir[d].inf.value);
	count_message(s, d, type, &ctx);
	switch (type) {
	case BGP_OPEN:
		STAT_INC(bgp_open);
		on_open(s, d, &ctx, &c, off);
		break;
	case BGP_UPDATE:
		STAT_INC(bgp_update);
		on_update(s, d, &ctx, &c, off);
		break;
	case BGP_NOTIFICATION:
		STAT_INC(bgp_notification);
		on_notification(s, d, &ctx, &c);
		break;
	case BGP_KEEPALIVE:
		STAT_INC(bgp_keepalive);
		break;
	case BGP_ROUTE_REFRESH:
		STAT_INC(bgp_route_refresh);
		on_route_refresh(s, d, &c);
		break;
	default:
		STAT_INC(bgp_unknown_type);	/* not reached: see hdr_check */
		break;
	}
}

/* ---- life cycle ----------------------------------------------------- */

void
bgp_session_ids_from(uint64_t next)
{
	if (next > next_session_id)
		next_session_id = next;
}

struct bgp_session *
bgp_session_new(const struct flow_endpoint *a, const struct flow_endpoint *b,
    const struct bgp_sink *sink)
{
	struct bgp_session *s;
	int d;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->sink = sink;
	s->id = next_session_id++;
	s->dir[0].src = *a;
	s->dir[0].dst = *b;
	s->dir[1].src = *b;
	s->dir[1].dst = *a;
	for (d = 0; d < 2; d++) {
		s->dir[d].resync = true;	/* may start mid-session */
		bgp_infer_negotiate(s, d);
	}
	session_refresh(s);
	return s;
}

/*
 * A message begun but not complete when the stream ends was never
 * decoded (docs/hostile-input.md, G2): count it in bgp_msg_cut_at_end,
 * as a gap counts bgp_msg_across_gap.  That includes REASM_CLOSE_END: a
 * capture that stops inside a message (a file cut by rotation or a
 * crash, a capture stopped while a long UPDATE was in flight) has lost
 * its routes just as surely as a reset session, and an operator who
 * compares route counts needs to see why.  A plausible header whose body
 * never comes (length 4097 mid-stream) is caught here too: the messages
 * it swallowed are in its partial body.  The bytes kept while resyncing
 * are no message and are not counted.
 */
static void
close_partial(struct bgp_dir *dr, enum reasm_close why)
{
	struct cursor c;
	uint16_t want = 0;
	char name[2 * IPADDR_STRLEN + 24];

	if (dr->resync || dr->buflen == 0)
		return;
	STAT_INC(bgp_msg_cut_at_end);
	/* The header is only known to be plausible once it is whole. */
	cursor_init(&c, dr->buf, dr->buflen);
	if (cursor_skip(&c, BGP_MARKER_LEN) == 0)
		(void)cursor_get_u16(&c, &want);
	if (dr->buflen >= BGP_HEADER_LEN)
		log_info("bgp: %s offset %llu: message cut short by %s: %zu "
		    "of its %u bytes", bgp_session_dir_name(dr, name,
		    sizeof(name)), (unsigned long long)dr->off,
		    reasm_close_name(why), dr->buflen, want);
	else
		log_info("bgp: %s offset %llu: message cut short by %s: %zu "
		    "bytes of its header", bgp_session_dir_name(dr, name,
		    sizeof(name)), (unsigned long long)dr->off,
		    reasm_close_name(why), dr->buflen);
	dr->off += dr->buflen;
	dr->buflen = 0;
}

void
bgp_session_close(struct bgp_session *s, enum reasm_close why,
    const struct packet *pkt)
{
	struct bgp_msg_ctx ctx;
	int d;

	if (s == NULL)
		return;
	for (d = 0; d < 2; d++)
		close_partial(&s->dir[d], why);
	ctx_fill(s, 0, NULL, 0, pkt, &ctx);
	/* The end of a capture file says nothing about the session. */
	emit(s, 0, &ctx, why == REASM_CLOSE_END ? BGP_SESS_CAPTURE_END :
	    BGP_SESS_DOWN, reasm_close_name(why));
}

void
bgp_session_down(struct bgp_session *s, const char *reason,
    const struct packet *pkt)
{
	struct bgp_msg_ctx ctx;

	if (s == NULL)
		return;
	ctx_fill(s, 0, NULL, 0, pkt, &ctx);
	emit(s, 0, &ctx, BGP_SESS_DOWN, reason);
}

void
bgp_session_encoding(struct bgp_session *s, int dir, unsigned mask,
    unsigned value)
{
	if (s == NULL || (dir != 0 && dir != 1))
		return;
	bgp_infer_state(s, dir, (uint8_t)mask, (uint8_t)value);
}

void
bgp_session_set_as(struct bgp_session *s, int i, uint32_t as)
{
	if (s == NULL || (i != 0 && i != 1))
		return;
	s->dir[i].as_stated = as;
	session_refresh(s);
}

void
bgp_session_set_view(struct bgp_session *s, enum bgp_view view)
{
	if (s == NULL)
		return;
	s->view = view;
	session_refresh(s);
}

void
bgp_session_free(struct bgp_session *s)
{
	int d;

	if (s == NULL)
		return;
	for (d = 0; d < 2; d++) {
		free(s->dir[d].buf);
		bgp_update_scratch_free(s->dir[d].scratch);
	}
	free(s);
}

/* ---- reasm glue ----------------------------------------------------- */

static void *
ops_open(void *arg, const struct flow_endpoint *a,
    const struct flow_endpoint *b, const struct packet *pkt)
{
	(void)pkt;
	return bgp_session_new(a, b, (const struct bgp_sink *)arg);
}

static void
ops_data(void *sess, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	bgp_session_data(sess, dir, p, n, pkt);
}

static void
ops_gap(void *sess, int dir, uint64_t nbytes, const struct packet *pkt)
{
	bgp_session_gap(sess, dir, nbytes, pkt);
}

static void
ops_close(void *sess, enum reasm_close why, const struct packet *pkt)
{
	bgp_session_close(sess, why, pkt);
	bgp_session_free(sess);
}

const struct reasm_ops bgp_session_reasm_ops = {
	.session_open = ops_open,
	.data = ops_data,
	.gap = ops_gap,
	.session_close = ops_close,
};