/*
 * bgp_session.c - per-TCP-session BGP state on top of reassembled streams.
 *
 * Framing (RFC 4271 4.1).  Each direction is cut into messages on its
 * own.  A whole message that lies inside the chunk reassembly delivered
 * is dispatched in place (no copy); only a message that straddles chunks
 * is copied into the direction's buffer, which therefore never holds
 * more than one partial message (<= 65535 bytes).  A header is plausible
 * when its marker is 16 x 0xff, its type is 1..5 and its length fits the
 * type's minimum and the maximum in force: 4096, or 65535 when both OPENs
 * advertised extended messages (RFC 8654; OPEN and KEEPALIVE stay at
 * 4096), or 65535 when that cannot be known because an OPEN was not
 * seen (counted in bgp_ext_unnegotiated).
 *
 * Resynchronisation.  A direction starts in resync (the capture may have
 * begun mid-session) and re-enters it after a gap and after an
 * implausible header.  Resync scans for a plausible header and, when the
 * bytes right after the candidate message are at hand, requires them to
 * be a plausible header too, so that a run of 0xff inside an attribute
 * is not taken for a marker.  Up to 18 bytes of not-yet-ruled-out tail
 * are kept across data() calls, since a marker can straddle them.  A
 * partial message pending at a gap is dropped, never glued to the bytes
 * after the gap.  Finding a marker at the very start of a stream is not
 * counted as a resync.
 *
 * Capabilities (STYLE.md habit 4).  Each direction keeps its sender's
 * OPEN.  The decoding options of direction S->R are derived per bit:
 *   as4      both OPENs carry capability 65 (RFC 6793 section 3),
 *   addpath  S advertised send and R receive for the AFI/SAFI (RFC 7911
 *            section 4), per IPv4 and IPv6 unicast.
 * A bit is fixed when the OPENs decide it: both seen, or one seen that
 * rules it out (no capability 65; S cannot send / R cannot receive).
 * Unfixed bits are inferred, see infer_choose().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_open.h"
#include "bgp_session.h"
#include "bgp_update.h"
#include "cursor.h"
#include "log.h"
#include "stats.h"

/* Encoding bits of one direction; a "combo" is a value 0..7 of these. */
#define ENC_AS4		0x01
#define ENC_AP4		0x02	/* ADD-PATH IPv4 unicast */
#define ENC_AP6		0x04	/* ADD-PATH IPv6 unicast */
#define ENC_ALL		0x07
#define ENC_NBITS	3
#define ENC_DEFAULT	ENC_AS4	/* preference: as4 on, ADD-PATH off */

/* Decisive UPDATEs after which an inferred bit is no longer re-tried. */
#define INFER_STICKY	3

#define RESYNC_TAIL	(BGP_HEADER_LEN - 1)

struct bgp_infer {
	uint8_t		fixed;		/* bits decided by the OPENs */
	uint8_t		sticky;		/* bits confirmed INFER_STICKY times */
	uint8_t		value;		/* current combo (all bits) */
	uint8_t		confirm[ENC_NBITS];
	bool		counted;	/* stats.bgp_inferred done */
	uint32_t	used;		/* UPDATEs decoded under an inferred
					 * combo so far */
};

struct bgp_dir {
	struct bgp_open	 open;		/* what this direction's sender sent */
	struct flow_endpoint src, dst;
	bool		 resync;	/* hunting for a marker */
	bool		 resync_counted; /* stats.bgp_resyncs done for it */
	uint8_t		*buf;		/* partial message or resync tail */
	size_t		 buflen, bufcap;
	uint64_t	 off;		/* stream offset of the next byte */
	struct bgp_update_scratch *scratch;
	struct bgp_infer inf;
	struct bgp_msg_ctx ctx;		/* this direction's message context
					 * minus the message (ctx_refresh) */
	uint64_t	 msgs[BGP_ROUTE_REFRESH + 1];	/* by type */
	bool		 framed;	/* a message was cut from it */
	uint64_t	 gaps, gap_bytes;
};

enum ext_state { EXT_NO, EXT_YES, EXT_UNKNOWN };

struct bgp_session {
	struct bgp_dir	 dir[2];
	const struct bgp_sink *sink;
	uint64_t	 id;
	enum ext_state	 ext;		/* ext_state(), kept per OPEN */
};

static uint64_t next_session_id = 1;

static bool
open_known(const struct bgp_open *o)
{
	return o->seen && o->caps_ok;
}

static char *
endpoint_fmt(const struct flow_endpoint *e, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	ipaddr_fmt(&e->addr, a, sizeof(a));
	snprintf(buf, len, e->addr.family == ADDR_V6 ? "[%s]:%u" : "%s:%u",
	    a, e->port);
	return buf;
}

/* "192.0.2.1:179 -> 192.0.2.2:40312" into buf (caller's, never static). */
static char *
dir_name(const struct bgp_dir *dr, char *buf, size_t len)
{
	char s[IPADDR_STRLEN + 8], d[IPADDR_STRLEN + 8];

	snprintf(buf, len, "%s -> %s", endpoint_fmt(&dr->src, s, sizeof(s)),
	    endpoint_fmt(&dr->dst, d, sizeof(d)));
	return buf;
}

/* ---- negotiated state ---------------------------------------------- */

/* RFC 8654 section 3: both speakers must advertise the capability. */
static enum ext_state
ext_state(const struct bgp_session *s)
{
	const struct bgp_open *a = &s->dir[0].open, *b = &s->dir[1].open;

	if ((open_known(a) && !a->cap_extmsg) ||
	    (open_known(b) && !b->cap_extmsg))
		return EXT_NO;
	if (open_known(a) && open_known(b))
		return EXT_YES;
	return EXT_UNKNOWN;
}

/*
 * One bit of direction S->R from the OPENs: *fixed is set when the OPENs
 * that were seen decide it; the return value is then the bit's value.
 */
static bool
nego_bit(const struct bgp_open *snd, const struct bgp_open *rcv,
    bool s_has, bool r_has, bool *fixed)
{
	*fixed = true;
	if ((open_known(snd) && !s_has) || (open_known(rcv) && !r_has))
		return false;
	if (open_known(snd) && open_known(rcv))
		return true;
	*fixed = false;
	return false;
}

/* Recompute the fixed bits of direction d after an OPEN; restart inference. */
static void
negotiate_dir(struct bgp_session *s, int d)
{
	const struct bgp_open *snd = &s->dir[d].open, *rcv = &s->dir[!d].open;
	struct bgp_infer *inf = &s->dir[d].inf;
	uint8_t fixed = 0, value = 0;
	bool f;

	if (nego_bit(snd, rcv, snd->cap_as4, rcv->cap_as4, &f))
		value |= ENC_AS4;
	fixed |= f ? ENC_AS4 : 0;
	if (nego_bit(snd, rcv,
	    bgp_open_addpath(snd, AFI_IPV4, SAFI_UNICAST) & BGP_ADDPATH_SEND,
	    bgp_open_addpath(rcv, AFI_IPV4, SAFI_UNICAST) & BGP_ADDPATH_RECV,
	    &f))
		value |= ENC_AP4;
	fixed |= f ? ENC_AP4 : 0;
	if (nego_bit(snd, rcv,
	    bgp_open_addpath(snd, AFI_IPV6, SAFI_UNICAST) & BGP_ADDPATH_SEND,
	    bgp_open_addpath(rcv, AFI_IPV6, SAFI_UNICAST) & BGP_ADDPATH_RECV,
	    &f))
		value |= ENC_AP6;
	fixed |= f ? ENC_AP6 : 0;

	inf->fixed = fixed;
	inf->sticky = 0;
	memset(inf->confirm, 0, sizeof(inf->confirm));
	inf->value = (uint8_t)(value | (ENC_DEFAULT & ~fixed));
}

/* ---- inference ------------------------------------------------------ */

static void
combo_opts(uint8_t combo, uint32_t peer_as, struct bgp_decode_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->as4 = (combo & ENC_AS4) != 0;
	o->addpath_v4u = (combo & ENC_AP4) != 0;
	o->addpath_v6u = (combo & ENC_AP6) != 0;
	o->peer_as = peer_as;
}

static unsigned
popcount3(uint8_t x)
{
	return (x & 1) + ((x >> 1) & 1) + ((x >> 2) & 1);
}

/* Lower is better: as4 on first, then ADD-PATH off (IPv4, then IPv6). */
static unsigned
combo_rank(uint8_t x)
{
	return ((x & ENC_AS4) ? 0 : 4) + ((x & ENC_AP4) ? 2 : 0) +
	    ((x & ENC_AP6) ? 1 : 0);
}

/*
 * How suspicious a parse is, lower is better (bgp_update.h's advice):
 * AS 0 in the path (RFC 7607: never valid, so the width is wrong), then
 * an AS4_PATH read with 4-octet AS_PATH (RFC 6793 4.2.2: only a NEW
 * speaker talking to an OLD one sends it), then prefixes that look like
 * a misread path id (length 0 or host bits set).
 */
static uint64_t
probe_suspicion(uint8_t combo, const struct bgp_update_probe *pr)
{
	uint64_t v = pr->odd_prefixes;

	if (pr->aspath_has_as0)
		v |= (uint64_t)1 << 34;
	if ((combo & ENC_AS4) && pr->has_as4path)
		v |= (uint64_t)1 << 33;
	return v;
}

/*
 * Inference for a direction whose OPENs did not fix every bit.
 *
 * Every combo that agrees with the fixed and sticky bits is probed with
 * bgp_update_probe().  If none parses, the current combo is kept (the
 * decoder will report the UPDATE as malformed).  Among those that parse,
 * only the least suspicious (probe_suspicion()) are candidates.  If the
 * current combo is a candidate it is kept; otherwise the candidate
 * closest to it (fewest bits changed) wins, ties going to the preference
 * as4 on, ADD-PATH off.  So the first UPDATEs of a direction start from
 * that preference and later ones keep the previous choice while it
 * still parses.
 *
 * Encodings are per session (RFC 7911 section 4, RFC 6793), not per
 * message: once a combo has decoded an UPDATE, leaving it takes a clean
 * parse (suspicion 0).  An UPDATE that only parses with suspicious
 * results under another combo (e.g. 3c 00 00 00 00 read as path id +
 * 0.0.0.0/0 instead of an illegal /60) is malformed, not evidence.
 *
 * Stickiness counts exact parses only, never the heuristics: a bit on
 * which all parsing combos agree was decided by this UPDATE, and after
 * INFER_STICKY such UPDATEs with the same value the bit becomes sticky
 * and is no longer probed.  Bits the UPDATE cannot tell (e.g. IPv6
 * ADD-PATH in an IPv4-only UPDATE) keep their value.
 */
static uint8_t
infer_choose(struct bgp_dir *dr, const uint8_t *body, size_t len,
    uint32_t peer_as)
{
	struct bgp_infer *inf = &dr->inf;
	struct bgp_decode_opts o;
	struct bgp_update_probe pr;
	uint64_t susp[ENC_ALL + 1], low = UINT64_MAX;
	uint8_t hold = inf->fixed | inf->sticky, set = 0, cand = 0;
	uint8_t x, best, b, i;

	for (x = 0; x <= ENC_ALL; x++) {
		if (((x ^ inf->value) & hold) != 0)
			continue;
		combo_opts(x, peer_as, &o);
		memset(&pr, 0, sizeof(pr));
		if (!bgp_update_probe(body, len, &o, &pr) || !pr.parses)
			continue;
		set |= (uint8_t)(1u << x);
		susp[x] = probe_suspicion(x, &pr);
		if (susp[x] < low)
			low = susp[x];
	}
	if (set == 0)
		return inf->value;
	if (inf->used > 0 && (set & (1u << inf->value)) == 0 && low != 0)
		return inf->value;
	for (x = 0; x <= ENC_ALL; x++)
		if ((set & (1u << x)) && susp[x] == low)
			cand |= (uint8_t)(1u << x);
	if ((cand & (1u << inf->value)) == 0) {
		best = 0xff;
		for (x = 0; x <= ENC_ALL; x++) {
			if ((cand & (1u << x)) == 0)
				continue;
			if (best == 0xff ||
			    popcount3(x ^ inf->value) * 8 + combo_rank(x) <
			    popcount3(best ^ inf->value) * 8 + combo_rank(best))
				best = x;
		}
		for (i = 0; i < ENC_NBITS; i++)
			if (((best ^ inf->value) >> i) & 1)
				inf->confirm[i] = 0;
		inf->value = best;
	}
	for (i = 0; i < ENC_NBITS; i++) {
		b = (uint8_t)(1u << i);
		if ((hold & b) != 0)
			continue;
		for (x = 0; x <= ENC_ALL; x++)
			if ((set & (1u << x)) && ((x ^ inf->value) & b))
				break;
		if (x <= ENC_ALL)
			continue;	/* both values parse: not decided */
		if (++inf->confirm[i] >= INFER_STICKY)
			inf->sticky |= b;
	}
	return inf->value;
}

/* Decoding options for one UPDATE of direction d. */
static void
update_opts(struct bgp_session *s, int d, const uint8_t *body, size_t len,
    uint32_t peer_as, struct bgp_decode_opts *o)
{
	struct bgp_dir *dr = &s->dir[d];
	struct bgp_infer *inf = &dr->inf;
	uint8_t combo, guessed = ENC_ALL & ~inf->fixed;

	/* Probe only while some guessed bit is not yet sticky. */
	combo = inf->value;
	if ((guessed & ~inf->sticky) != 0) {
		combo = infer_choose(dr, body, len, peer_as);
		inf->used++;
	}
	combo_opts(combo, peer_as, o);
	if (guessed & ENC_AS4)
		o->inferred |= (combo & ENC_AS4) ? BGP_INFER_AS4 :
		    BGP_INFER_AS2;
	/* One flag for both families: "on" if any guessed one is on. */
	if (guessed & (ENC_AP4 | ENC_AP6))
		o->inferred |= (combo & guessed & (ENC_AP4 | ENC_AP6)) ?
		    BGP_INFER_ADDPATH : BGP_INFER_NOADDPATH;
	if (o->inferred != 0 && !inf->counted) {
		inf->counted = true;
		STAT_INC(bgp_inferred);
	}
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
	ctx->peer_as = dr->open.seen ? dr->open.as : 0;
	ctx->local_as = rv->open.seen ? rv->open.as : 0;
	ctx->pkt = pkt;
	ctx->msg = msg;
	ctx->msg_len = (uint32_t)len;
	ctx->session_id = s->id;
}

/*
 * What depends only on the session and the OPENs seen, computed when
 * they change rather than for every message: each direction's message
 * context and the extended message state.
 */
static void
session_refresh(struct bgp_session *s)
{
	int d;

	for (d = 0; d < 2; d++)
		ctx_fill(s, d, NULL, 0, NULL, &s->dir[d].ctx);
	s->ext = ext_state(s);
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
	}
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
	update_opts(s, d, cursor_ptr(body), cursor_left(body), ctx->peer_as,
	    &opts);
	r = bgp_update_decode(cursor_ptr(body), cursor_left(body), &opts,
	    dr->scratch, ctx, s->sink, &why);
	if (r != BGP_UPD_OK)
		log_info("bgp: %s offset %llu: UPDATE malformed (%s): %s",
		    dir_name(dr, name, sizeof(name)), (unsigned long long)off,
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
		    dir_name(dr, name, sizeof(name)), (unsigned long long)off,
		    o.why);
		return;
	}
	if (!o.caps_ok) {
		STAT_INC(bgp_open_malformed);
		log_info("bgp: %s offset %llu: OPEN capabilities unknown: %s",
		    dir_name(dr, name, sizeof(name)), (unsigned long long)off,
		    o.why);
	}
	dr->open = o;
	negotiate_dir(s, 0);
	negotiate_dir(s, 1);
	session_refresh(s);
	ctx->peer_as = o.as;
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
	/* RFC 9003 section 2: Shutdown Communication after Cease 2 and 4. */
	if (code == 6 && (sub == 2 || sub == 4) &&
	    cursor_get_u8(body, &tlen) == 0 &&
	    cursor_sub(body, tlen, &text) == 0) {
		while (cursor_get_u8(&text, &ch) == 0 && n < sizeof(msg) - 1)
			msg[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		msg[n] = '\0';
		log_info("bgp: %s: %s: \"%s\"",
		    dir_name(&s->dir[d], name, sizeof(name)), si.reason, msg);
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
	    dir_name(&s->dir[d], name, sizeof(name)), afi, safi, subtype,
	    subtype == 1 ? " (BoRR)" : subtype == 2 ? " (EoRR)" : "");
}

/*
 * Per-session message counts (the totals are in stats), and the moment a
 * direction is picked up mid-stream: its first message is not an OPEN.
 */
static void
count_message(struct bgp_session *s, int d, uint8_t type)
{
	struct bgp_dir *dr = &s->dir[d];
	char name[2 * IPADDR_STRLEN + 24];

	if (!dr->framed && type != BGP_OPEN && !dr->open.seen)
		log_info("bgp: %s: picked up mid-stream at offset %llu: first "
		    "message %s, no OPEN seen", dir_name(dr, name,
		    sizeof(name)), (unsigned long long)dr->off,
		    bgp_msg_type_name(type));
	dr->framed = true;
	if (type <= BGP_ROUTE_REFRESH)
		dr->msgs[type]++;
}

/* One whole, plausible message at stream offset off. */
static void
dispatch(struct bgp_session *s, int d, const uint8_t *msg, size_t len,
    const struct packet *pkt, uint64_t off)
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
	STAT_INC(bgp_messages);
	count_message(s, d, type);
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

/* ---- framing -------------------------------------------------------- */

/* RFC 4271 4.2-4.5, RFC 2918 3: smallest legal length per type. */
static const uint16_t min_len[] = { 0, 29, 23, 21, 19, 23 };

static const uint8_t bgp_marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/*
 * RFC 4271 4.1 header: Marker (16 x 0xff), Length (2), Type (1), read
 * from the start of hdr (which is not advanced).  0 when plausible, with
 * *lenp and *typep set; -1 otherwise (also when hdr is short).
 */
static int
hdr_check(const struct bgp_session *s, const struct cursor *hdr,
    uint16_t *lenp, uint8_t *typep, bool *unnegotiated)
{
	struct cursor c = *hdr;
	uint16_t len, max;
	uint8_t type;

	if (!cursor_match(&c, bgp_marker, sizeof(bgp_marker)))
		return -1;
	if (cursor_get_u16(&c, &len) == -1 || cursor_get_u8(&c, &type) == -1)
		return -1;
	if (type < BGP_OPEN || type > BGP_ROUTE_REFRESH)
		return -1;
	*unnegotiated = false;
	max = BGP_MAX_LEN;
	/* RFC 8654 section 3: OPEN and KEEPALIVE stay within 4096. */
	if (type != BGP_OPEN && type != BGP_KEEPALIVE) {
		switch (s->ext) {
		case EXT_YES:
			max = BGP_MAX_LEN_EXT;
			break;
		case EXT_UNKNOWN:
			max = BGP_MAX_LEN_EXT;
			*unnegotiated = len > BGP_MAX_LEN;
			break;
		case EXT_NO:
			break;
		}
	}
	if (type == BGP_KEEPALIVE)
		max = BGP_HEADER_LEN;	/* RFC 4271 4.4: header only */
	if (len < min_len[type] || len > max)
		return -1;
	*lenp = len;
	*typep = type;
	return 0;
}

/*
 * The resync window: the kept tail (dr->buf) followed by the chunk.
 * Copy n bytes starting at window position pos into out; -1 if short.
 */
static int
window_get(const struct bgp_dir *dr, const struct cursor *c, size_t pos,
    uint8_t *out, size_t n)
{
	struct cursor t;
	size_t i;

	cursor_init(&t, dr->buf, dr->buflen);
	for (i = 0; i < n; i++, pos++) {
		if (pos < dr->buflen) {
			if (cursor_peek_u8(&t, pos, &out[i]) == -1)
				return -1;
		} else if (cursor_peek_u8(c, pos - dr->buflen, &out[i]) == -1)
			return -1;
	}
	return 0;
}

/* Is there a plausible header at window position pos (and after it)? */
static bool
resync_candidate(const struct bgp_session *s, const struct bgp_dir *dr,
    const struct cursor *c, size_t pos)
{
	uint8_t hdr[BGP_HEADER_LEN], type;
	struct cursor h;
	uint16_t len;
	bool unneg;

	cursor_init(&h, hdr, sizeof(hdr));
	if (window_get(dr, c, pos, hdr, sizeof(hdr)) == -1 ||
	    hdr_check(s, &h, &len, &type, &unneg) == -1)
		return false;
	/* Confirm with the next header when its bytes are at hand. */
	if (window_get(dr, c, pos + len, hdr, sizeof(hdr)) == -1)
		return true;
	return hdr_check(s, &h, &len, &type, &unneg) == 0;
}

static void
resync_skipped(struct bgp_dir *dr, size_t n)
{
	if (n == 0)
		return;
	if (!dr->resync_counted) {
		dr->resync_counted = true;
		STAT_INC(bgp_resyncs);
	}
	STAT_ADD(bgp_resync_skipped, n);
}

static void
resync_enter(struct bgp_dir *dr)
{
	dr->resync = true;
	dr->resync_counted = true;
	STAT_INC(bgp_resyncs);
}

/*
 * Scan the window (tail + chunk) for a plausible header.  Returns 0 when
 * found: the direction is in sync, the bytes of the candidate that were
 * in the tail are in dr->buf and c points past what was consumed.
 * Returns -1 when the chunk was consumed without a find; the last bytes
 * that may still begin a header are kept as the new tail.
 */
static int
resync_scan(struct bgp_session *s, struct bgp_dir *dr, struct cursor *c)
{
	size_t total = dr->buflen + cursor_left(c), pos, keep;
	uint8_t b;

	for (pos = 0; pos + BGP_HEADER_LEN <= total; pos++) {
		if (window_get(dr, c, pos, &b, 1) == -1 || b != 0xff)
			continue;
		if (!resync_candidate(s, dr, c, pos))
			continue;
		resync_skipped(dr, pos);
		if (pos < dr->buflen) {
			memmove(dr->buf, dr->buf + pos, dr->buflen - pos);
			dr->buflen -= pos;
		} else {
			cursor_skip(c, pos - dr->buflen);
			dr->buflen = 0;
		}
		dr->off += pos;
		dr->resync = false;
		return 0;
	}
	/* Keep what could still start a header: from a 0xff, < 19 bytes. */
	keep = total < RESYNC_TAIL ? total : RESYNC_TAIL;
	while (keep > 0 && (window_get(dr, c, total - keep, &b, 1) == -1 ||
	    b != 0xff))
		keep--;
	resync_skipped(dr, total - keep);
	dr->off += total - keep;
	if (keep > 0) {
		uint8_t tail[RESYNC_TAIL];

		window_get(dr, c, total - keep, tail, keep);
		memcpy(dr->buf, tail, keep);
	}
	dr->buflen = keep;
	cursor_skip(c, cursor_left(c));
	return -1;
}

static int
buf_reserve(struct bgp_dir *dr, size_t n)
{
	uint8_t *nb;
	size_t cap;

	if (dr->bufcap >= n)
		return 0;
	cap = dr->bufcap == 0 ? 256 : dr->bufcap;
	while (cap < n)
		cap *= 2;
	if (cap > BGP_MAX_LEN_EXT)
		cap = BGP_MAX_LEN_EXT;
	if ((nb = realloc(dr->buf, cap)) == NULL)
		return -1;
	dr->buf = nb;
	dr->bufcap = cap;
	return 0;
}

/* Append up to want bytes from c to the buffer; false if out of memory. */
static bool
buf_fill(struct bgp_dir *dr, struct cursor *c, size_t upto)
{
	size_t n = upto - dr->buflen;

	if (n > cursor_left(c))
		n = cursor_left(c);
	if (buf_reserve(dr, dr->buflen + n) == -1)
		return false;
	cursor_get_bytes(c, dr->buf + dr->buflen, n);
	dr->buflen += n;
	return true;
}

static void
bad_header(struct bgp_dir *dr, const uint8_t hdr[BGP_HEADER_LEN])
{
	struct cursor c;
	char name[2 * IPADDR_STRLEN + 24];
	uint8_t type = 0;

	cursor_init(&c, hdr, BGP_HEADER_LEN);
	cursor_skip(&c, BGP_HEADER_LEN - 1);
	cursor_get_u8(&c, &type);
	STAT_INC(bgp_bad_header);
	if (type == 0 || type > BGP_ROUTE_REFRESH)
		STAT_INC(bgp_unknown_type);
	log_debug("bgp: %s offset %llu: implausible header, resyncing",
	    dir_name(dr, name, sizeof(name)), (unsigned long long)dr->off);
	resync_enter(dr);
}

/*
 * Continue a message begun in an earlier chunk.  The header's plausibility
 * is checked once all 19 bytes are buffered.  -1 only when out of memory.
 */
static int
feed_buffered(struct bgp_session *s, int d, struct cursor *c,
    const struct packet *pkt)
{
	struct bgp_dir *dr = &s->dir[d];
	uint8_t hdr[BGP_HEADER_LEN], type;
	struct cursor h;
	uint16_t len;
	bool unneg;

	if (dr->buflen < BGP_HEADER_LEN) {
		if (!buf_fill(dr, c, BGP_HEADER_LEN))
			return -1;
		if (dr->buflen < BGP_HEADER_LEN)
			return 0;
	}
	memcpy(hdr, dr->buf, BGP_HEADER_LEN);
	cursor_init(&h, hdr, sizeof(hdr));
	if (hdr_check(s, &h, &len, &type, &unneg) == -1) {
		bad_header(dr, hdr);
		/* Rescan from the header's second byte. */
		memmove(dr->buf, dr->buf + 1, BGP_HEADER_LEN - 1);
		dr->buflen = BGP_HEADER_LEN - 1;
		resync_skipped(dr, 1);
		dr->off++;
		return 0;
	}
	if (!buf_fill(dr, c, len))
		return -1;
	if (dr->buflen < len)
		return 0;
	if (unneg)
		STAT_INC(bgp_ext_unnegotiated);
	dr->buflen = 0;
	dispatch(s, d, dr->buf, len, pkt, dr->off);
	dr->off += len;
	return 0;
}

/*
 * Cut the message that starts at c, in place; buffer it if it is partial.
 * -1 only when out of memory.
 */
static int
feed_chunk(struct bgp_session *s, int d, struct cursor *c,
    const struct packet *pkt)
{
	struct bgp_dir *dr = &s->dir[d];
	struct cursor msg;
	uint8_t hdr[BGP_HEADER_LEN], type;
	uint16_t len;
	bool unneg;

	if (cursor_left(c) < BGP_HEADER_LEN)
		return buf_fill(dr, c, BGP_HEADER_LEN) ? 0 : -1;
	/* Checked where it lies: the header is only copied if it is bad. */
	if (hdr_check(s, c, &len, &type, &unneg) == -1) {
		(void)cursor_peek_bytes(c, 0, hdr, sizeof(hdr));
		bad_header(dr, hdr);
		cursor_skip(c, 1);
		resync_skipped(dr, 1);
		dr->off++;
		return 0;
	}
	/* A partial message is the only case that copies. */
	if (cursor_sub(c, len, &msg) == -1)
		return buf_fill(dr, c, len) ? 0 : -1;
	if (unneg)
		STAT_INC(bgp_ext_unnegotiated);
	dispatch(s, d, cursor_ptr(&msg), len, pkt, dr->off);
	dr->off += len;
	return 0;
}

void
bgp_session_data(struct bgp_session *s, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct bgp_dir *dr;
	struct cursor c;
	int rv;

	if (s == NULL || (dir != 0 && dir != 1))
		return;
	dr = &s->dir[dir];
	cursor_init(&c, p, n);
	while (!cursor_empty(&c)) {
		if (dr->resync) {
			if ((rv = buf_reserve(dr, BGP_HEADER_LEN)) == 0 &&
			    resync_scan(s, dr, &c) == -1)
				return;
		} else if (dr->buflen > 0)
			rv = feed_buffered(s, dir, &c, pkt);
		else
			rv = feed_chunk(s, dir, &c, pkt);
		if (rv == -1) {
			/* Out of memory: lose this chunk as if it were a gap. */
			log_warnx("bgp: no memory for a message buffer");
			resync_skipped(dr, dr->buflen + cursor_left(&c));
			dr->off += dr->buflen + cursor_left(&c);
			dr->buflen = 0;
			resync_enter(dr);
			return;
		}
	}
}

void
bgp_session_gap(struct bgp_session *s, int dir, uint64_t nbytes,
    const struct packet *pkt)
{
	struct bgp_dir *dr;
	char name[2 * IPADDR_STRLEN + 24];

	(void)pkt;
	if (s == NULL || (dir != 0 && dir != 1))
		return;
	dr = &s->dir[dir];
	dr->gaps++;
	dr->gap_bytes += nbytes;
	log_info("bgp: %s offset %llu: %llu bytes lost in reassembly, "
	    "resyncing", dir_name(dr, name, sizeof(name)),
	    (unsigned long long)dr->off + dr->buflen,
	    (unsigned long long)nbytes);
	if (dr->resync)
		resync_skipped(dr, dr->buflen);
	else if (dr->buflen > 0)
		STAT_INC(bgp_msg_across_gap);
	dr->off += dr->buflen + nbytes;
	dr->buflen = 0;
	resync_enter(dr);
}

/* ---- life cycle ----------------------------------------------------- */

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
		negotiate_dir(s, d);
	}
	session_refresh(s);
	return s;
}

static const char *
close_name(enum reasm_close why)
{
	switch (why) {
	case REASM_CLOSE_FIN:
		return "TCP FIN";
	case REASM_CLOSE_RST:
		return "TCP RST";
	case REASM_CLOSE_TIMEOUT:
		return "idle timeout";
	case REASM_CLOSE_EVICTED:
		return "evicted (flow table full)";
	case REASM_CLOSE_END:
		return "end of capture";
	case REASM_CLOSE_REUSED:
		return "replaced by a new SYN";
	}
	return "unknown";
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
		    "of its %u bytes", dir_name(dr, name, sizeof(name)),
		    (unsigned long long)dr->off, close_name(why), dr->buflen,
		    want);
	else
		log_info("bgp: %s offset %llu: message cut short by %s: %zu "
		    "bytes of its header", dir_name(dr, name, sizeof(name)),
		    (unsigned long long)dr->off, close_name(why), dr->buflen);
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
	    BGP_SESS_DOWN, close_name(why));
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
