/*
 * summary.c - what the summary module collects as the run goes, and what
 * it says at once: the sessions and their routes by RPKI state, the
 * INVALID announcements and NOTIFICATIONs kept for the report
 * (summary_report.c prints it), the -v session events, and the progress
 * line on a terminal.
 *
 * Sessions are found by their id (bgp_msg_ctx.session_id) in a small
 * open-addressing table that is never shrunk: a run keeps at most
 * SUMMARY_MAX_SESSIONS of them, later ones are counted in the totals
 * only.  Within a session the two speakers are told apart by address
 * and port, never by direction index: a route may arrive before any
 * session event says which endpoint the reassembly calls "a".
 */
#include <sys/ioctl.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "capture/capture.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "base/stats.h"
#include "rovmon/summary.h"
#include "rovmon/summary_internal.h"

/* ---- sessions -------------------------------------------------------- */

struct summary *
summary_new(const struct summary_config *cfg)
{
	struct summary *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = *cfg;
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	return s;
}

void
summary_free(struct summary *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < TABLE_SLOTS; i++)
		free(s->slot[i]);
	free(s);
}

/*
 * The session with this id, created (with src as speaker 0) when it is
 * new and there is room; NULL when the table is full.
 */
static struct session *
session_get(struct summary *s, const struct bgp_msg_ctx *ctx)
{
	struct session *ss;
	size_t h;

	if (s->last != NULL && s->last->id == ctx->session_id)
		return s->last;
	h = (size_t)(ctx->session_id * 0x9e3779b97f4a7c15ULL) &
	    (TABLE_SLOTS - 1);
	while (s->slot[h] != NULL) {
		if (s->slot[h]->id == ctx->session_id)
			return s->last = s->slot[h];
		h = (h + 1) & (TABLE_SLOTS - 1);
	}
	if (s->nsessions == SUMMARY_MAX_SESSIONS ||
	    (ss = calloc(1, sizeof(*ss))) == NULL)
		return NULL;
	ss->id = ctx->session_id;
	ss->sp[0].addr = ctx->src_addr;
	ss->sp[0].port = ctx->src_port;
	ss->sp[1].addr = ctx->dst_addr;
	ss->sp[1].port = ctx->dst_port;
	if (ctx->pkt != NULL)
		ss->first_seen = (int64_t)ctx->pkt->ts.tv_sec;
	s->slot[h] = ss;
	s->order[s->nsessions++] = ss;
	return s->last = ss;
}

/* Which speaker sent from addr/port: 0 or 1. */
static int
speaker_of(const struct session *ss, const struct ipaddr *a, uint16_t port)
{
	return ss->sp[0].port == port &&
	    memcmp(&ss->sp[0].addr, a, sizeof(*a)) == 0 ? 0 : 1;
}

/* Copy what the framer knows now; the view's speakers mapped by address. */
static void
session_view(struct session *ss, const struct bgp_session_view *v)
{
	struct speaker *sp;
	int i;

	for (i = 0; i < 2; i++) {
		sp = &ss->sp[speaker_of(ss, &v->addr[i], v->port[i])];
		memcpy(sp->msgs, v->msgs[i], sizeof(sp->msgs));
		sp->gaps = v->gaps[i];
		sp->gap_bytes = v->gap_bytes[i];
		sp->role = v->role[i];
		sp->role_cfg = v->role_cfg[i];
		if (v->open[i] != NULL) {
			sp->open_seen = true;
			sp->open = *v->open[i];	/* its why is static */
		}
	}
	ss->role_src = v->role_src;
	ss->role_mismatch = v->role_mismatch;
}

/*
 * "10.0.0.1:179 (AS65001) <-> 10.0.0.2:40312 (AS65002)", with each
 * speaker's RFC 9234 role when known: "(AS65001, customer)".
 */
static char *
pair_fmt(const struct session *ss, char *buf, size_t len)
{
	char a[EP_STRLEN], b[EP_STRLEN], x[16], y[16], r[2][32];
	int k;

	for (k = 0; k < 2; k++) {
		r[k][0] = '\0';
		if (ss->sp[k].role != BGP_ROLE_UNKNOWN)
			snprintf(r[k], sizeof(r[k]), ", %s",
			    summary_role_fmt(ss, k, r[k] + 2,
			    sizeof(r[k]) - 2));
	}
	snprintf(buf, len, "%s (%s%s) <-> %s (%s%s)",
	    summary_ep_fmt(&ss->sp[0].addr, ss->sp[0].port, a, sizeof(a)),
	    summary_asn_fmt(&ss->sp[0], x, sizeof(x)), r[0],
	    summary_ep_fmt(&ss->sp[1].addr, ss->sp[1].port, b, sizeof(b)),
	    summary_asn_fmt(&ss->sp[1], y, sizeof(y)), r[1]);
	return buf;
}

static void
log_open(const struct session *ss, int from)
{
	const struct speaker *sp = &ss->sp[from];
	char a[EP_STRLEN], b[EP_STRLEN], id[IPADDR_STRLEN], caps[512];
	struct ipaddr rid;

	memset(&rid, 0, sizeof(rid));
	rid.family = ADDR_V4;
	rid.a[0] = (uint8_t)(sp->open.router_id >> 24);
	rid.a[1] = (uint8_t)(sp->open.router_id >> 16);
	rid.a[2] = (uint8_t)(sp->open.router_id >> 8);
	rid.a[3] = (uint8_t)sp->open.router_id;
	summary_caps_fmt(&sp->open, caps, sizeof(caps));
	log_info("bgp: %s -> %s: OPEN AS%" PRIu32 ", hold time %u, "
	    "BGP identifier %s, capabilities: %s",
	    summary_ep_fmt(&sp->addr, sp->port, a, sizeof(a)),
	    summary_ep_fmt(&ss->sp[!from].addr, ss->sp[!from].port, b,
	    sizeof(b)),
	    sp->open.as, sp->open.hold_time, ipaddr_fmt(&rid, id, sizeof(id)),
	    caps);
}

static void
on_notification(struct summary *s, struct session *ss, int from,
    const struct bgp_msg_ctx *ctx, const struct bgp_session_info *si)
{
	struct notif *n;
	char a[EP_STRLEN], b[EP_STRLEN];
	/* RFC 4271 4.5: header, code, subcode, then the data. */
	uint32_t datalen = ctx->msg_len > BGP_HEADER_LEN + 2 ?
	    ctx->msg_len - BGP_HEADER_LEN - 2 : 0;

	summary_ep_fmt(&ss->sp[from].addr, ss->sp[from].port, a, sizeof(a));
	summary_ep_fmt(&ss->sp[!from].addr, ss->sp[!from].port, b, sizeof(b));
	log_info("bgp: %s -> %s: NOTIFICATION %u/%u %s, %" PRIu32
	    " bytes of data", a, b, si->code, si->subcode,
	    bgp_notification_name(si->code, si->subcode), datalen);
	ss->notified = true;
	ss->notif_from = from;
	ss->code = si->code;
	ss->subcode = si->subcode;
	s->notif_total++;
	if (s->nnotif == SUMMARY_MAX_NOTIF)
		return;
	n = &s->notif[s->nnotif++];
	n->session = ss->id;
	snprintf(n->from, sizeof(n->from), "%s", a);
	snprintf(n->to, sizeof(n->to), "%s", b);
	n->code = si->code;
	n->subcode = si->subcode;
	n->datalen = datalen;
}

void
summary_session(struct summary *s, const struct bgp_msg_ctx *ctx,
    const struct bgp_session_info *si)
{
	struct session *ss;
	char pair[4 * EP_STRLEN], f[32];
	int from;

	if (s == NULL || (ss = session_get(s, ctx)) == NULL)
		return;
	from = speaker_of(ss, &ctx->src_addr, ctx->src_port);
	if (si->view != NULL)
		session_view(ss, si->view);
	switch (si->event) {
	case BGP_SESS_OPEN:
		if (ss->sp[from].open_seen)
			log_open(ss, from);
		if (ss->sp[0].open_seen && ss->sp[1].open_seen &&
		    !ss->up_logged) {
			ss->up_logged = true;
			if (ctx->pkt != NULL)
				ss->up_since = (int64_t)ctx->pkt->ts.tv_sec;
			log_info("session up: %s", pair_fmt(ss, pair,
			    sizeof(pair)));
		}
		break;
	case BGP_SESS_NOTIFICATION:
		on_notification(s, ss, from, ctx, si);
		break;
	case BGP_SESS_EOR:
		log_debug("bgp: %s -> %s: End-of-RIB %s",
		    summary_ep_fmt(&ctx->src_addr, ctx->src_port, pair,
		    EP_STRLEN),
		    summary_ep_fmt(&ctx->dst_addr, ctx->dst_port,
		    pair + EP_STRLEN, EP_STRLEN),
		    summary_family_name(si->afi, si->safi, f, sizeof(f)));
		break;
	case BGP_SESS_MIDSTREAM:
		break;		/* logged by bgp_session.c */
	case BGP_SESS_DOWN:
	case BGP_SESS_CAPTURE_END:
		ss->ended = true;
		ss->at_end = si->event == BGP_SESS_CAPTURE_END;
		ss->why = si->reason;
		if (summary_msgs_total(&ss->sp[0]) +
		    summary_msgs_total(&ss->sp[1]) == 0)
			break;	/* TCP only: no BGP session to speak of */
		if (ss->at_end)
			log_debug("session %s: up when the capture ended",
			    pair_fmt(ss, pair, sizeof(pair)));
		else
			log_info("session down: %s: %s%s", pair_fmt(ss, pair,
			    sizeof(pair)), si->reason != NULL ? si->reason :
			    "closed", ss->notified ? " after a NOTIFICATION" :
			    "");
		break;
	}
}

void
summary_route(struct summary *s, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct rov_result *res)
{
	struct session *ss;
	struct speaker *sp;
	struct invalid *iv;
	unsigned i;
	int st;

	if (s == NULL || !s->cfg.report)
		return;
	st = res == NULL ? ST_UNVERIFIED : res->state == ROV_VALID ? ST_VALID :
	    res->state == ROV_INVALID ? ST_INVALID : ST_NOT_FOUND;
	if (r->event == BGP_ROUTE_ANNOUNCE && st == ST_UNVERIFIED)
		s->unverified++;
	if ((ss = session_get(s, ctx)) == NULL)
		return;
	sp = &ss->sp[speaker_of(ss, &ctx->src_addr, ctx->src_port)];
	if (r->event != BGP_ROUTE_ANNOUNCE) {
		sp->wd++;
		return;
	}
	sp->ann[st]++;
	sp->inferred |= at->inferred;
	if (st != ST_INVALID || s->ninv == SUMMARY_MAX_INVALID)
		return;
	iv = &s->inv[s->ninv++];
	iv->session = ss->id;
	summary_ep_fmt(&ctx->src_addr, ctx->src_port, iv->from,
	    sizeof(iv->from));
	iv->prefix = r->prefix;
	iv->origin_kind = at->origin_kind;
	iv->origin_as = at->origin_as;
	summary_aspath_fmt(&at->aspath, iv->path, sizeof(iv->path));
	iv->reason = res->reason;
	iv->ncovering = res->ncovering;
	for (i = 0; i < res->nvrps && i < VRPS_SHOWN; i++)
		iv->vrps[i] = *res->vrps[i];
	iv->nvrps = i;
}

/* ---- the control socket's view ----------------------------------- */

size_t
summary_session_count(const struct summary *s)
{
	return s != NULL ? s->nsessions : 0;
}

static void
speaker_info(const struct session *ss, int k, struct summary_speaker_info *o)
{
	const struct speaker *sp = &ss->sp[k];

	o->addr = sp->addr;
	o->port = sp->port;
	o->open_seen = sp->open_seen;
	o->as = sp->open_seen ? sp->open.as : 0;
	o->inferred = sp->inferred != 0;
	summary_role_fmt(ss, k, o->role, sizeof(o->role));
	o->caps[0] = '\0';
	if (sp->open_seen)
		summary_caps_fmt(&sp->open, o->caps, sizeof(o->caps));
	memcpy(o->msgs, sp->msgs, sizeof(o->msgs));
	o->ann_valid = sp->ann[ST_VALID];
	o->ann_invalid = sp->ann[ST_INVALID];
	o->ann_not_found = sp->ann[ST_NOT_FOUND];
	o->ann_unverified = sp->ann[ST_UNVERIFIED];
	o->withdrawn = sp->wd;
}

bool
summary_session_at(const struct summary *s, size_t i,
    struct summary_session_info *o)
{
	const struct session *ss;
	bool both;

	if (s == NULL || i >= s->nsessions)
		return false;
	ss = s->order[i];
	memset(o, 0, sizeof(*o));
	o->id = ss->id;
	both = ss->sp[0].open_seen && ss->sp[1].open_seen;
	o->midstream = !ss->sp[0].open_seen && !ss->sp[1].open_seen;
	o->state = ss->ended ? (ss->at_end ? "capture-end" : "down") :
	    both ? "up" : o->midstream ? "mid-stream" : "opening";
	o->first_seen = ss->first_seen;
	/* picked up mid-stream: up at least since it was first seen */
	o->up_since = both ? ss->up_since : o->midstream ? ss->first_seen : 0;
	o->why = ss->why;
	o->notified = ss->notified;
	o->notif_from = ss->notif_from;
	o->code = ss->code;
	o->subcode = ss->subcode;
	speaker_info(ss, 0, &o->sp[0]);
	speaker_info(ss, 1, &o->sp[1]);
	return true;
}

/* ---- progress -------------------------------------------------------- */

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
summary_progress(struct summary *s, const struct capture *cap)
{
	struct timespec now;
	struct winsize ws;
	uint64_t pos, size;
	char line[256], p[32], r[32];
	double el;
	size_t cols = 79, n;

	if (s == NULL || !s->cfg.progress || (++s->calls & 1023) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((el = since(&s->start, &now)) < 1.0 ||
	    (s->shown > 0 && since(&s->drawn, &now) < 0.25))
		return;
	s->drawn = now;
	line[0] = '\0';
	if (capture_position(cap, &pos, &size) == 0 && size > 0)
		summary_app(line, sizeof(line), "%.0f%% of %.1f MB, ",
		    pos > size ? 100.0 : 100.0 * (double)pos / (double)size,
		    (double)size / 1e6);
	summary_app(line, sizeof(line), "%s packets, %s routes, %.1f MB/s",
	    summary_num_fmt(stats.packets, p, sizeof(p)),
	    summary_num_fmt(stats.bgp_announce + stats.bgp_withdraw, r,
	    sizeof(r)),
	    (double)stats.bytes / 1e6 / el);
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		cols = (size_t)ws.ws_col - 1;
	if ((n = strlen(line)) > cols)
		line[n = cols] = '\0';
	/* Pad over a longer previous line rather than rely on \033[K. */
	fprintf(stderr, "\r%s%*s", line, s->shown > n ? (int)(s->shown - n) :
	    0, "");
	fflush(stderr);
	s->shown = n;
}

void
summary_progress_done(struct summary *s)
{
	if (s == NULL || s->shown == 0)
		return;
	fprintf(stderr, "\r%*s\r", (int)s->shown, "");
	fflush(stderr);
	s->shown = 0;
}

