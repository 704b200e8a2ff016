/*
 * summary.c - the end-of-run report, the progress line, -v events.
 *
 * Sessions are found by their id (bgp_msg_ctx.session_id) in a small
 * open-addressing table that is never shrunk: a run keeps at most
 * SUMMARY_MAX_SESSIONS of them, later ones are counted in the totals
 * only.  Within a session the two speakers are told apart by address
 * and port, never by direction index: a route may arrive before any
 * session event says which endpoint the reassembly calls "a".
 *
 * Everything printed is aligned with one small table helper (tbl_*): the
 * cells of a table are formatted first, then each column is padded to
 * its widest cell, as bgpctl and birdc align theirs.  The last column is
 * never padded, so no line ends in blanks.
 */
#include <sys/ioctl.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "bgp.h"
#include "bgp_open.h"
#include "capture.h"
#include "log.h"
#include "rov.h"
#include "stats.h"
#include "summary.h"
#include "vrp.h"

#define TABLE_SLOTS	2048	/* > 2 x SUMMARY_MAX_SESSIONS, power of 2 */
#define PATH_TEXT	72	/* AS path shown, then "..." */
#define VRPS_SHOWN	2	/* deciding VRPs shown per INVALID route */
#define EP_STRLEN	(IPADDR_STRLEN + 8)	/* "[v6]:port" */

enum { ST_VALID, ST_INVALID, ST_NOT_FOUND, ST_UNVERIFIED, ST_N };

/* One speaker of a session. */
struct speaker {
	struct ipaddr	 addr;
	uint16_t	 port;
	bool		 open_seen;
	struct bgp_open	 open;		/* a copy: the view's is borrowed */
	uint64_t	 msgs[BGP_ROUTE_REFRESH + 1];
	uint64_t	 gaps, gap_bytes;
	uint8_t		 inferred;	/* BGP_INFER_* of its UPDATEs */
	uint64_t	 ann[ST_N];	/* its announcements, by state */
	uint64_t	 wd;		/* its withdrawals */
};

struct session {
	uint64_t	 id;
	struct speaker	 sp[2];
	bool		 up_logged;	/* "session up" said (-v) */
	bool		 ended;		/* DOWN or CAPTURE_END seen */
	bool		 at_end;	/* it was CAPTURE_END */
	const char	*why;		/* static: how it ended */
	bool		 notified;	/* a NOTIFICATION ended it */
	int		 notif_from;	/* speaker index */
	uint8_t		 code, subcode;
};

struct notif {
	uint64_t	 session;
	char		 from[EP_STRLEN], to[EP_STRLEN];
	uint8_t		 code, subcode;
	uint32_t	 datalen;
};

struct invalid {
	uint64_t	 session;
	char		 from[EP_STRLEN];
	struct prefix	 prefix;
	enum bgp_origin_kind origin_kind;
	uint32_t	 origin_as;
	char		 path[PATH_TEXT + 4];
	enum rov_reason	 reason;
	struct vrp	 vrps[VRPS_SHOWN];
	unsigned	 nvrps, ncovering;
};

struct summary {
	struct summary_config cfg;
	struct session	*slot[TABLE_SLOTS];	/* owned */
	struct session	*order[SUMMARY_MAX_SESSIONS];	/* first seen */
	size_t		 nsessions;
	struct session	*last;		/* lookup cache */
	uint64_t	 unverified;	/* announcements not judged, all
					 * sessions (stats has the rest) */
	struct invalid	 inv[SUMMARY_MAX_INVALID];
	size_t		 ninv;
	struct notif	 notif[SUMMARY_MAX_NOTIF];
	size_t		 nnotif;
	uint64_t	 notif_total;
	/* progress */
	uint32_t	 calls;
	struct timespec	 start, drawn;
	size_t		 shown;		/* columns of the line on screen */
};

/* ---- small formatting helpers ---------------------------------------- */

static char *
ep_fmt(const struct ipaddr *a, uint16_t port, char *buf, size_t len)
{
	char s[IPADDR_STRLEN];

	ipaddr_fmt(a, s, sizeof(s));
	snprintf(buf, len, a->family == ADDR_V6 ? "[%s]:%u" : "%s:%u", s,
	    port);
	return buf;
}

static char *
asn_fmt(const struct speaker *sp, char *buf, size_t len)
{
	if (sp->open_seen)
		snprintf(buf, len, "AS%" PRIu32, sp->open.as);
	else
		snprintf(buf, len, "AS?");
	return buf;
}

/* "1,234,567": counts a person reads at a glance. */
static char *
num_fmt(uint64_t v, char *buf, size_t len)
{
	char d[24];
	size_t n, i, o = 0;

	n = (size_t)snprintf(d, sizeof(d), "%" PRIu64, v);
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Bounded append; the text is cut (never overflows) when buf is full. */
static void
app(char *buf, size_t len, const char *fmt, ...) ROVMON_PRINTF(3, 4);

static void
app(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

static const char *
family_name(uint16_t afi, uint8_t safi, char *buf, size_t len)
{
	static const struct { uint16_t afi; uint8_t safi; const char *n; }
	    names[] = {
		{ 1, 1, "ipv4-unicast" }, { 2, 1, "ipv6-unicast" },
		{ 1, 2, "ipv4-multicast" }, { 2, 2, "ipv6-multicast" },
		{ 1, 4, "ipv4-labeled" }, { 2, 4, "ipv6-labeled" },
		{ 1, 128, "ipv4-vpn" }, { 2, 128, "ipv6-vpn" },
		{ 1, 133, "ipv4-flowspec" }, { 2, 133, "ipv6-flowspec" },
		{ 25, 70, "l2vpn-evpn" }, { 16388, 71, "bgp-ls" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].afi == afi && names[i].safi == safi)
			return names[i].n;
	snprintf(buf, len, "afi%u/safi%u", afi, safi);
	return buf;
}

/* Capabilities bgp_open.c does not interpret (IANA registry names). */
static const char *
cap_name(uint8_t code, char *buf, size_t len)
{
	switch (code) {
	case 5:
		return "extended-nexthop";		/* RFC 8950 */
	case 7:
		return "bgpsec";			/* RFC 8205 */
	case 8:
		return "multiple-labels";		/* RFC 8277 */
	case 71:
		return "long-lived-graceful-restart";	/* RFC 9494 */
	case 75:
		return "software-version";
	default:
		snprintf(buf, len, "capability-%u", code);
		return buf;
	}
}

/* What one OPEN advertised, in bgpctl's words where it has them. */
static void
caps_fmt(const struct bgp_open *o, char *buf, size_t len)
{
	char f[32];
	uint8_t i;

	buf[0] = '\0';
	if (o->cap_as4)
		app(buf, len, " as4");
	for (i = 0; i < o->nmp; i++)
		app(buf, len, " %s", family_name(o->mp[i].afi, o->mp[i].safi,
		    f, sizeof(f)));
	for (i = 0; i < o->naddpath; i++)
		app(buf, len, " add-path(%s %s)", family_name(o->addpath[i].afi,
		    o->addpath[i].safi, f, sizeof(f)),
		    o->addpath[i].flags == 3 ? "send/receive" :
		    o->addpath[i].flags == BGP_ADDPATH_SEND ? "send" :
		    o->addpath[i].flags == BGP_ADDPATH_RECV ? "receive" : "none");
	if (o->cap_role)
		app(buf, len, " role(%s)", bgp_role_name(o->role));
	if (o->cap_extmsg)
		app(buf, len, " extended-message");
	if (o->cap_rr || o->cap_rr_old)
		app(buf, len, " route-refresh");
	if (o->cap_err)
		app(buf, len, " enhanced-route-refresh");
	if (o->cap_gr)
		app(buf, len, " graceful-restart");
	if (o->cap_fqdn)
		app(buf, len, " hostname(%s)", o->fqdn_host);
	for (i = 0; i < o->nunknown; i++)
		app(buf, len, " %s", cap_name(o->unknown[i], f, sizeof(f)));
	if (!o->caps_ok)
		app(buf, len, " (incomplete: %s)", o->why != NULL ? o->why : "?");
	if (buf[0] == '\0')
		snprintf(buf, len, " none");
	memmove(buf, buf + 1, strlen(buf));	/* the leading blank */
}

static void
aspath_fmt(const struct bgp_aspath *p, char *buf, size_t len)
{
	char tmp[PATH_TEXT * 2];
	uint32_t i, j;
	size_t n;

	tmp[0] = '\0';
	for (i = 0; i < p->nseg; i++) {
		const struct bgp_as_segment *s = &p->seg[i];
		const char *sep = s->type == AS_SEQUENCE ||
		    s->type == AS_CONFED_SEQUENCE ? " " : ",";

		if (s->count == 0)
			continue;
		if (tmp[0] != '\0')
			app(tmp, sizeof(tmp), " ");
		/* bgpctl's and BIRD's forms: {set}, (confed seq), [confed set] */
		app(tmp, sizeof(tmp), "%s", s->type == AS_SET ? "{" :
		    s->type == AS_CONFED_SEQUENCE ? "(" :
		    s->type == AS_CONFED_SET ? "[" : "");
		for (j = 0; j < s->count && s->start + j < p->nasn; j++)
			app(tmp, sizeof(tmp), "%s%" PRIu32, j > 0 ? sep : "",
			    p->asns[s->start + j]);
		app(tmp, sizeof(tmp), "%s", s->type == AS_SET ? "}" :
		    s->type == AS_CONFED_SEQUENCE ? ")" :
		    s->type == AS_CONFED_SET ? "]" : "");
	}
	if (tmp[0] == '\0')
		snprintf(tmp, sizeof(tmp), "(empty)");
	if (strlen(tmp) > PATH_TEXT)
		memcpy(tmp + PATH_TEXT - 3, "...", 4);
	n = strlen(tmp) < len ? strlen(tmp) : len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

/* ---- tables ---------------------------------------------------------- */

#define TBL_MAXCOL	8

struct tbl {
	unsigned	 ncol;
	const char	*align;		/* 'l' or 'r' per column */
	char		**cell;		/* row-major, owned; a note row has
					 * its text in column 1 and NULLs */
	size_t		 n, cap;
};

static void
tbl_init(struct tbl *t, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncol = (unsigned)strlen(align);
	t->align = align;
}

static void
tbl_push(struct tbl *t, char *s)
{
	char **nc;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		if ((nc = realloc(t->cell, t->cap * sizeof(*nc))) == NULL)
			fatal("realloc");
		t->cell = nc;
	}
	t->cell[t->n++] = s;
}

static void
tbl_cell(struct tbl *t, const char *fmt, ...) ROVMON_PRINTF(2, 3);

static void
tbl_cell(struct tbl *t, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	tbl_push(t, s);
}

/* The row's first cell: the session number, or blank on its 2nd row. */
static void
tbl_id(struct tbl *t, uint64_t id, bool first)
{
	if (first)
		tbl_cell(t, "%" PRIu64, id);
	else
		tbl_cell(t, "%s", "");
}

/* A row with text from column 1 on, not counted in the widths. */
static void
tbl_note(struct tbl *t, const char *text)
{
	unsigned c;

	tbl_cell(t, "%s", "");
	tbl_cell(t, "%s", text);
	for (c = 2; c < t->ncol; c++)
		tbl_push(t, NULL);
}

static bool
tbl_is_note(const struct tbl *t, size_t i)
{
	if (t->ncol < 3)
		return false;
	return t->cell[i - i % t->ncol + 2] == NULL;
}

static void
tbl_print(struct tbl *t, FILE *fp, const char *indent)
{
	size_t w[TBL_MAXCOL] = { 0 }, i, l;
	unsigned c, end;

	for (i = 0; i < t->n; i++)
		if (!tbl_is_note(t, i) && (l = strlen(t->cell[i])) >
		    w[i % t->ncol])
			w[i % t->ncol] = l;
	for (i = 0; i + t->ncol <= t->n; i += t->ncol) {
		fputs(indent, fp);
		if (tbl_is_note(t, i + 1)) {
			fprintf(fp, "%*s  %s\n", (int)w[0], "",
			    t->cell[i + 1]);
			continue;
		}
		/* Empty cells at the end of a row are not printed. */
		for (end = t->ncol; end > 1 && t->cell[i + end - 1][0] == '\0';
		    end--)
			;
		for (c = 0; c < end; c++) {
			const char *s = t->cell[i + c];
			bool last = c + 1 == end;

			if (t->align[c] == 'r')
				fprintf(fp, "%*s", (int)w[c], s);
			else if (last)
				fputs(s, fp);
			else
				fprintf(fp, "%-*s", (int)w[c], s);
			fputs(last ? "\n" : "  ", fp);
		}
	}
	for (i = 0; i < t->n; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->n = t->cap = 0;
}

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

static uint64_t
msgs_total(const struct speaker *sp)
{
	uint64_t n = 0;
	unsigned t;

	for (t = 0; t <= BGP_ROUTE_REFRESH; t++)
		n += sp->msgs[t];
	return n;
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
		if (v->open[i] != NULL) {
			sp->open_seen = true;
			sp->open = *v->open[i];	/* its why is static */
		}
	}
}

/* "10.0.0.1:179 (AS65001) <-> 10.0.0.2:40312 (AS65002)" */
static char *
pair_fmt(const struct session *ss, char *buf, size_t len)
{
	char a[EP_STRLEN], b[EP_STRLEN], x[16], y[16];

	snprintf(buf, len, "%s (%s) <-> %s (%s)",
	    ep_fmt(&ss->sp[0].addr, ss->sp[0].port, a, sizeof(a)),
	    asn_fmt(&ss->sp[0], x, sizeof(x)),
	    ep_fmt(&ss->sp[1].addr, ss->sp[1].port, b, sizeof(b)),
	    asn_fmt(&ss->sp[1], y, sizeof(y)));
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
	caps_fmt(&sp->open, caps, sizeof(caps));
	log_info("bgp: %s -> %s: OPEN AS%" PRIu32 ", hold time %u, "
	    "BGP identifier %s, capabilities: %s",
	    ep_fmt(&sp->addr, sp->port, a, sizeof(a)),
	    ep_fmt(&ss->sp[!from].addr, ss->sp[!from].port, b, sizeof(b)),
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

	ep_fmt(&ss->sp[from].addr, ss->sp[from].port, a, sizeof(a));
	ep_fmt(&ss->sp[!from].addr, ss->sp[!from].port, b, sizeof(b));
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
			log_info("session up: %s", pair_fmt(ss, pair,
			    sizeof(pair)));
		}
		break;
	case BGP_SESS_NOTIFICATION:
		on_notification(s, ss, from, ctx, si);
		break;
	case BGP_SESS_EOR:
		log_debug("bgp: %s -> %s: End-of-RIB %s",
		    ep_fmt(&ctx->src_addr, ctx->src_port, pair, EP_STRLEN),
		    ep_fmt(&ctx->dst_addr, ctx->dst_port, pair + EP_STRLEN,
		    EP_STRLEN), family_name(si->afi, si->safi, f, sizeof(f)));
		break;
	case BGP_SESS_DOWN:
	case BGP_SESS_CAPTURE_END:
		ss->ended = true;
		ss->at_end = si->event == BGP_SESS_CAPTURE_END;
		ss->why = si->reason;
		if (msgs_total(&ss->sp[0]) + msgs_total(&ss->sp[1]) == 0)
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
	ep_fmt(&ctx->src_addr, ctx->src_port, iv->from, sizeof(iv->from));
	iv->prefix = r->prefix;
	iv->origin_kind = at->origin_kind;
	iv->origin_as = at->origin_as;
	aspath_fmt(&at->aspath, iv->path, sizeof(iv->path));
	iv->reason = res->reason;
	iv->ncovering = res->ncovering;
	for (i = 0; i < res->nvrps && i < VRPS_SHOWN; i++)
		iv->vrps[i] = *res->vrps[i];
	iv->nvrps = i;
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
		app(line, sizeof(line), "%.0f%% of %.1f MB, ", pos > size ?
		    100.0 : 100.0 * (double)pos / (double)size, (double)size / 1e6);
	app(line, sizeof(line), "%s packets, %s routes, %.1f MB/s",
	    num_fmt(stats.packets, p, sizeof(p)),
	    num_fmt(stats.bgp_announce + stats.bgp_withdraw, r, sizeof(r)),
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

/* ---- the report ------------------------------------------------------ */

static bool
session_listed(const struct session *ss)
{
	const struct speaker *a = &ss->sp[0], *b = &ss->sp[1];

	return msgs_total(a) + msgs_total(b) + a->wd + b->wd +
	    a->ann[ST_VALID] + a->ann[ST_INVALID] + a->ann[ST_NOT_FOUND] +
	    a->ann[ST_UNVERIFIED] + b->ann[ST_VALID] + b->ann[ST_INVALID] +
	    b->ann[ST_NOT_FOUND] + b->ann[ST_UNVERIFIED] > 0;
}

/* Nothing from this speaker: no message counted, no route seen. */
static bool
silent(const struct speaker *sp)
{
	unsigned j;

	for (j = 0; j < ST_N; j++)
		if (sp->ann[j] != 0)
			return false;
	return msgs_total(sp) == 0 && sp->wd == 0;
}

static const char *
opens_fmt(const struct session *ss, char *buf, size_t len)
{
	const struct speaker *a = &ss->sp[0], *b = &ss->sp[1];
	char x[EP_STRLEN];
	uint8_t inf = a->inferred | b->inferred;
	const struct speaker *mute = silent(a) ? a : silent(b) ? b : NULL;

	if (a->open_seen && b->open_seen)
		snprintf(buf, len, "OPENs seen");
	else if (a->open_seen || b->open_seen)
		snprintf(buf, len, "only the OPEN of %s seen",
		    a->open_seen ? ep_fmt(&a->addr, a->port, x, sizeof(x)) :
		    ep_fmt(&b->addr, b->port, x, sizeof(x)));
	else
		snprintf(buf, len, "picked up mid-stream: no OPEN seen");
	if (inf != 0)
		app(buf, len, " (encodings inferred:%s%s%s%s)",
		    inf & BGP_INFER_AS4 ? " as4" : "",
		    inf & BGP_INFER_AS2 ? " as2" : "",
		    inf & BGP_INFER_ADDPATH ? " add-path" : "",
		    inf & BGP_INFER_NOADDPATH ? " no-add-path" : "");
	/* A mirror of one direction only, or a capture filter that let
	 * half the session through. */
	if (mute != NULL)
		app(buf, len, ", no message from %s", ep_fmt(&mute->addr,
		    mute->port, x, sizeof(x)));
	return buf;
}

static const char *
state_fmt(const struct session *ss, char *buf, size_t len)
{
	char x[EP_STRLEN];

	if (ss->notified)
		snprintf(buf, len, "closed by NOTIFICATION %u/%u (%s) from %s",
		    ss->code, ss->subcode, bgp_notification_name(ss->code,
		    ss->subcode), ep_fmt(&ss->sp[ss->notif_from].addr,
		    ss->sp[ss->notif_from].port, x, sizeof(x)));
	else if (!ss->ended || ss->at_end)
		snprintf(buf, len, "up when the capture ended");
	else
		snprintf(buf, len, "closed: %s", ss->why != NULL ? ss->why :
		    "?");
	return buf;
}

static void
print_sessions(const struct summary *s, FILE *fp,
    const struct rovmon_stats *st, size_t listed)
{
	struct tbl t;
	char a[EP_STRLEN], as[16], caps[512], o[160], z[160], line[330];
	size_t i;
	int k;

	fprintf(fp, "BGP sessions: %zu", listed);
	if (st->sessions > s->nsessions && s->nsessions ==
	    SUMMARY_MAX_SESSIONS)
		fprintf(fp, " listed, of %" PRIu64 " TCP sessions",
		    st->sessions);
	fputs("\n", fp);
	if (listed == 0)
		return;
	tbl_init(&t, "rlll");
	tbl_cell(&t, "#");
	tbl_cell(&t, "speaker");
	tbl_cell(&t, "AS");
	tbl_cell(&t, "capabilities (from its OPEN)");
	for (i = 0; i < s->nsessions; i++) {
		const struct session *ss = s->order[i];

		if (!session_listed(ss))
			continue;
		for (k = 0; k < 2; k++) {
			const struct speaker *sp = &ss->sp[k];

			if (sp->open_seen)
				caps_fmt(&sp->open, caps, sizeof(caps));
			else
				snprintf(caps, sizeof(caps), "unknown (no OPEN "
				    "seen)");
			tbl_id(&t, ss->id, k == 0);
			tbl_cell(&t, "%s", ep_fmt(&sp->addr, sp->port, a,
			    sizeof(a)));
			tbl_cell(&t, "%s", asn_fmt(sp, as, sizeof(as)));
			tbl_cell(&t, "%s", caps);
		}
		snprintf(line, sizeof(line), "%s; %s", opens_fmt(ss, o,
		    sizeof(o)), state_fmt(ss, z, sizeof(z)));
		tbl_note(&t, line);
	}
	tbl_print(&t, fp, "  ");
}

static void
print_messages(const struct summary *s, FILE *fp)
{
	struct tbl t;
	char a[EP_STRLEN], n[6][32];
	size_t i;
	unsigned k, ty;

	fputs("\nMessages by sender\n", fp);
	tbl_init(&t, "rlrrrrrr");
	tbl_cell(&t, "#");
	tbl_cell(&t, "speaker");
	for (ty = BGP_OPEN; ty <= BGP_ROUTE_REFRESH; ty++)
		tbl_cell(&t, "%s", bgp_msg_type_name(ty));
	tbl_cell(&t, "gaps");
	for (i = 0; i < s->nsessions; i++) {
		const struct session *ss = s->order[i];

		if (!session_listed(ss))
			continue;
		for (k = 0; k < 2; k++) {
			const struct speaker *sp = &ss->sp[k];

			tbl_id(&t, ss->id, k == 0);
			tbl_cell(&t, "%s", ep_fmt(&sp->addr, sp->port, a,
			    sizeof(a)));
			for (ty = BGP_OPEN; ty <= BGP_ROUTE_REFRESH; ty++)
				tbl_cell(&t, "%s", num_fmt(sp->msgs[ty], n[ty],
				    sizeof(n[ty])));
			tbl_cell(&t, "%s", num_fmt(sp->gaps, n[0],
			    sizeof(n[0])));
		}
	}
	tbl_print(&t, fp, "  ");
}

static void
print_routes(const struct summary *s, FILE *fp,
    const struct rovmon_stats *st, const struct summary_run *run)
{
	struct tbl t;
	char a[EP_STRLEN], n[5][32];
	size_t i;
	unsigned k, j;

	fputs("\nAnnouncements by RPKI state, by sender\n", fp);
	tbl_init(&t, "rlrrrrr");
	tbl_cell(&t, "#");
	tbl_cell(&t, "speaker");
	tbl_cell(&t, "valid");
	tbl_cell(&t, "invalid");
	tbl_cell(&t, "not-found");
	tbl_cell(&t, "unverified");
	tbl_cell(&t, "withdrawn");
	for (i = 0; i < s->nsessions; i++) {
		const struct session *ss = s->order[i];

		if (!session_listed(ss))
			continue;
		for (k = 0; k < 2; k++) {
			const struct speaker *sp = &ss->sp[k];

			tbl_id(&t, ss->id, k == 0);
			tbl_cell(&t, "%s", ep_fmt(&sp->addr, sp->port, a,
			    sizeof(a)));
			for (j = 0; j < ST_N; j++)
				tbl_cell(&t, "%s", num_fmt(sp->ann[j], n[j],
				    sizeof(n[j])));
			tbl_cell(&t, "%s", num_fmt(sp->wd, n[4],
			    sizeof(n[4])));
		}
	}
	/* Totals from the counters every stage keeps: they include the
	 * sessions past SUMMARY_MAX_SESSIONS. */
	tbl_cell(&t, "%s", "");
	tbl_cell(&t, "total");
	tbl_cell(&t, "%s", num_fmt(st->rpki_valid, n[0], sizeof(n[0])));
	tbl_cell(&t, "%s", num_fmt(st->rpki_invalid, n[1], sizeof(n[1])));
	tbl_cell(&t, "%s", num_fmt(st->rpki_not_found, n[2], sizeof(n[2])));
	tbl_cell(&t, "%s", num_fmt(s->unverified, n[3], sizeof(n[3])));
	tbl_cell(&t, "%s", num_fmt(st->bgp_withdraw, n[4], sizeof(n[4])));
	tbl_print(&t, fp, "  ");
	if (!run->validating)
		fputs("  (no VRPs given: --vrps FILE or --redis URL validates "
		    "each announcement)\n", fp);
}

static void
print_invalid(const struct summary *s, FILE *fp,
    const struct rovmon_stats *st)
{
	struct tbl t;
	char p[PREFIX_STRLEN], v[256], n[32];
	size_t i;
	unsigned j;

	if (st->rpki_invalid == 0)
		return;
	fprintf(fp, "\nINVALID announcements");
	if (st->rpki_invalid > s->ninv)
		fprintf(fp, " (the first %zu of %s)", s->ninv,
		    num_fmt(st->rpki_invalid, n, sizeof(n)));
	fputs("\n", fp);
	tbl_init(&t, "rllllll");
	tbl_cell(&t, "#");
	tbl_cell(&t, "prefix");
	tbl_cell(&t, "origin");
	tbl_cell(&t, "reason");
	tbl_cell(&t, "from");
	tbl_cell(&t, "AS path");
	tbl_cell(&t, "VRPs that decided (prefix-maxLength AS)");
	for (i = 0; i < s->ninv; i++) {
		const struct invalid *iv = &s->inv[i];

		v[0] = '\0';
		for (j = 0; j < iv->nvrps; j++)
			app(v, sizeof(v), "%s%s-%u AS%" PRIu32, j > 0 ? ", " :
			    "", prefix_fmt(&iv->vrps[j].prefix, p, sizeof(p)),
			    iv->vrps[j].maxlen, iv->vrps[j].asn);
		if (iv->ncovering > iv->nvrps)
			app(v, sizeof(v), " and %u more", iv->ncovering -
			    iv->nvrps);
		tbl_cell(&t, "%" PRIu64, iv->session);
		tbl_cell(&t, "%s", prefix_fmt(&iv->prefix, p, sizeof(p)));
		if (iv->origin_kind == ORIGIN_AS_SEQ ||
		    iv->origin_kind == ORIGIN_AS_PEER)
			tbl_cell(&t, "AS%" PRIu32, iv->origin_as);
		else
			tbl_cell(&t, "none (%s)",
			    bgp_origin_kind_name(iv->origin_kind));
		tbl_cell(&t, "%s", rov_reason_name(iv->reason) != NULL ?
		    rov_reason_name(iv->reason) : "-");
		tbl_cell(&t, "%s", iv->from);
		tbl_cell(&t, "%s", iv->path);
		tbl_cell(&t, "%s", v[0] != '\0' ? v : "-");
	}
	tbl_print(&t, fp, "  ");
	if (st->rpki_invalid > s->ninv)
		fprintf(fp, "  and %s more (--routes FILE logs every one)\n",
		    num_fmt(st->rpki_invalid - s->ninv, n, sizeof(n)));
}

static void
print_notifications(const struct summary *s, FILE *fp)
{
	struct tbl t;
	size_t i;

	if (s->notif_total == 0)
		return;
	fprintf(fp, "\nNOTIFICATIONs: %" PRIu64 "\n", s->notif_total);
	tbl_init(&t, "rlllr");
	tbl_cell(&t, "#");
	tbl_cell(&t, "from");
	tbl_cell(&t, "to");
	tbl_cell(&t, "code/subcode");
	tbl_cell(&t, "data");
	for (i = 0; i < s->nnotif; i++) {
		const struct notif *n = &s->notif[i];

		tbl_cell(&t, "%" PRIu64, n->session);
		tbl_cell(&t, "%s", n->from);
		tbl_cell(&t, "%s", n->to);
		tbl_cell(&t, "%u/%u %s", n->code, n->subcode,
		    bgp_notification_name(n->code, n->subcode));
		tbl_cell(&t, "%" PRIu32 " bytes", n->datalen);
	}
	tbl_print(&t, fp, "  ");
	if (s->notif_total > s->nnotif)
		fprintf(fp, "  and %" PRIu64 " more\n", s->notif_total -
		    s->nnotif);
}

/* The four kinds of failure (STYLE.md habit 3), and the capture's own. */
static void
print_health(FILE *fp, const struct rovmon_stats *st,
    const struct summary_run *run)
{
	struct tbl t;
	char a[32], b[32];

	fputs("\nCapture and streams\n", fp);
	tbl_init(&t, "lrl");
	tbl_cell(&t, "packets read");
	tbl_cell(&t, "%s", num_fmt(st->packets, a, sizeof(a)));
	tbl_cell(&t, "%s bytes", num_fmt(st->bytes, b, sizeof(b)));
	tbl_cell(&t, "TCP sessions");
	tbl_cell(&t, "%s", num_fmt(st->sessions, a, sizeof(a)));
	tbl_cell(&t, "%s picked up without a SYN",
	    num_fmt(st->sessions_midstream, b, sizeof(b)));
	tbl_cell(&t, "BGP messages");
	tbl_cell(&t, "%s", num_fmt(st->bgp_messages, a, sizeof(a)));
	tbl_cell(&t, "%s UPDATEs malformed", num_fmt(st->bgp_malformed, b,
	    sizeof(b)));
	tbl_cell(&t, "reassembly gaps");
	tbl_cell(&t, "%s", num_fmt(st->reasm_gaps, a, sizeof(a)));
	tbl_cell(&t, "%s bytes lost", num_fmt(st->reasm_gap_bytes, b,
	    sizeof(b)));
	tbl_cell(&t, "resyncs");
	tbl_cell(&t, "%s", num_fmt(st->bgp_resyncs, a, sizeof(a)));
	tbl_cell(&t, "%s bytes skipped to find a marker",
	    num_fmt(st->bgp_resync_skipped, b, sizeof(b)));
	tbl_cell(&t, "frames cut by snapshot length");
	tbl_cell(&t, "%s", num_fmt(st->decode_payload_truncated +
	    st->decode_truncated, a, sizeof(a)));
	tbl_cell(&t, "%s payload bytes lost",
	    num_fmt(st->reasm_trunc_bytes, b, sizeof(b)));
	tbl_cell(&t, "messages cut short");
	tbl_cell(&t, "%s", num_fmt(st->bgp_msg_cut_at_end +
	    st->bgp_msg_across_gap, a, sizeof(a)));
	tbl_cell(&t, "by a gap or the end of the capture");
	if (run->live) {
		tbl_cell(&t, "pcap drops");
		tbl_cell(&t, "%s", num_fmt(st->pcap_drop, a, sizeof(a)));
		tbl_cell(&t, "%s by the interface",
		    num_fmt(st->pcap_ifdrop, b, sizeof(b)));
	}
	tbl_print(&t, fp, "  ");
}

int
summary_print(const struct summary *s, FILE *fp,
    const struct rovmon_stats *st, const struct summary_run *run)
{
	size_t i, listed = 0;
	char a[32];

	for (i = 0; i < s->nsessions; i++)
		if (session_listed(s->order[i]))
			listed++;
	if (run->source != NULL)
		fprintf(fp, "%s: ", run->source);
	fprintf(fp, "%s packets", num_fmt(st->packets, a, sizeof(a)));
	if (run->seconds >= 0)
		fprintf(fp, " in %.2f s", run->seconds);
	fprintf(fp, ", %s route announcements", num_fmt(st->bgp_announce, a,
	    sizeof(a)));
	fprintf(fp, ", %s withdrawals\n\n", num_fmt(st->bgp_withdraw, a,
	    sizeof(a)));
	print_sessions(s, fp, st, listed);
	if (listed > 0) {
		print_messages(s, fp);
		print_routes(s, fp, st, run);
	}
	print_notifications(s, fp);
	print_invalid(s, fp, st);
	print_health(fp, st, run);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}
