/*
 * summary_report.c - the end-of-run report (summary.h summary_print(),
 * format in rovmon(8) REPORT): sessions, messages, routes by RPKI state,
 * the INVALID announcements, NOTIFICATIONs and the health of the run,
 * from what summary.c collected and the totals of struct rovmon_stats.
 *
 * Everything printed is aligned with one small table helper (tbl_*): the
 * cells of a table are formatted first, then each column is padded to
 * its widest cell, as bgpctl and birdc align theirs.  The last column is
 * never padded, so no line ends in blanks.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_role.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "base/stats.h"
#include "rovmon/summary.h"
#include "rovmon/summary_internal.h"
#include "rpki/vrp.h"

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

/*
 * A header row: the cells given, up to a (const char *)NULL (typed: a
 * bare NULL may be an int in varargs); align as tbl_init().
 */
static void
tbl_head(struct tbl *t, const char *align, ...) __attribute__((sentinel));

static void
tbl_head(struct tbl *t, const char *align, ...)
{
	const char *name;
	va_list ap;

	tbl_init(t, align);
	va_start(ap, align);
	while ((name = va_arg(ap, const char *)) != NULL)
		tbl_cell(t, "%s", name);
	va_end(ap);
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

/* A cell with a count, "1,234,567". */
static void
tbl_num(struct tbl *t, uint64_t v)
{
	char n[32];

	tbl_cell(t, "%s", summary_num_fmt(v, n, sizeof(n)));
}

/* A speaker's first two cells: the session (tbl_id()), the endpoint. */
static void
tbl_speaker(struct tbl *t, const struct session *ss, int k)
{
	const struct speaker *sp = &ss->sp[k];
	char a[EP_STRLEN];

	tbl_id(t, ss->id, k == 0);
	tbl_cell(t, "%s", summary_ep_fmt(&sp->addr, sp->port, a, sizeof(a)));
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

/* ---- the report ------------------------------------------------------ */

static bool
session_listed(const struct session *ss)
{
	const struct speaker *a = &ss->sp[0], *b = &ss->sp[1];

	return summary_msgs_total(a) + summary_msgs_total(b) + a->wd + b->wd +
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
	return summary_msgs_total(sp) == 0 && sp->wd == 0;
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
		    a->open_seen ?
		    summary_ep_fmt(&a->addr, a->port, x, sizeof(x)) :
		    summary_ep_fmt(&b->addr, b->port, x, sizeof(x)));
	else
		snprintf(buf, len, "picked up mid-stream: no OPEN seen");
	if (inf != 0)
		summary_app(buf, len, " (encodings inferred:%s%s%s%s)",
		    inf & BGP_INFER_AS4 ? " as4" : "",
		    inf & BGP_INFER_AS2 ? " as2" : "",
		    inf & BGP_INFER_ADDPATH ? " add-path" : "",
		    inf & BGP_INFER_NOADDPATH ? " no-add-path" : "");
	/* A mirror of one direction only, or a capture filter that let
	 * half the session through. */
	if (mute != NULL)
		summary_app(buf, len, ", no message from %s",
		    summary_ep_fmt(&mute->addr, mute->port, x, sizeof(x)));
	return buf;
}

/*
 * What the report adds about roles beyond the role column: a Role
 * Mismatch, roles taken from --role, --role overridden by the OPENs.
 * Empty when there is nothing to add.
 */
static const char *
roles_note(const struct session *ss, char *buf, size_t len)
{
	char x[EP_STRLEN];
	int k;

	buf[0] = '\0';
	if (ss->role_mismatch) {
		snprintf(buf, len, "; Role Mismatch: the roles of the OPENs are "
		    "no pair (RFC 9234 4.2)");
		return buf;
	}
	if (ss->role_src == BGP_ROLE_SRC_CONFIG) {
		snprintf(buf, len, "; roles from --role");
		return buf;
	}
	for (k = 0; k < 2; k++) {
		const struct speaker *sp = &ss->sp[k];

		if (sp->role_cfg == BGP_ROLE_UNKNOWN ||
		    sp->role_cfg == sp->role)
			continue;
		summary_app(buf, len, "; --role %s=%s overridden by the OPENs",
		    ipaddr_fmt(&sp->addr, x, sizeof(x)),
		    bgp_role_text(sp->role_cfg));
	}
	return buf;
}

static const char *
state_fmt(const struct session *ss, char *buf, size_t len)
{
	char x[EP_STRLEN];

	if (ss->notified)
		snprintf(buf, len, "closed by NOTIFICATION %u/%u (%s) from %s",
		    ss->code, ss->subcode, bgp_notification_name(ss->code,
		    ss->subcode), summary_ep_fmt(&ss->sp[ss->notif_from].addr,
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
	char as[16], caps[512], o[160], z[160], rn[200], role[32];
	char line[530];
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
	tbl_head(&t, "rllll", "#", "speaker", "AS", "role",
	    "capabilities (from its OPEN)", (const char *)NULL);
	for (i = 0; i < s->nsessions; i++) {
		const struct session *ss = s->order[i];

		if (!session_listed(ss))
			continue;
		for (k = 0; k < 2; k++) {
			const struct speaker *sp = &ss->sp[k];

			if (sp->open_seen)
				summary_caps_fmt(&sp->open, caps, sizeof(caps));
			else
				snprintf(caps, sizeof(caps), "unknown (no OPEN "
				    "seen)");
			tbl_speaker(&t, ss, k);
			tbl_cell(&t, "%s", summary_asn_fmt(sp, as, sizeof(as)));
			tbl_cell(&t, "%s", summary_role_fmt(ss, k, role,
			    sizeof(role)));
			tbl_cell(&t, "%s", caps);
		}
		snprintf(line, sizeof(line), "%s%s; %s", opens_fmt(ss, o,
		    sizeof(o)), roles_note(ss, rn, sizeof(rn)),
		    state_fmt(ss, z, sizeof(z)));
		tbl_note(&t, line);
	}
	tbl_print(&t, fp, "  ");
}

static void
print_messages(const struct summary *s, FILE *fp)
{
	struct tbl t;
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

			tbl_speaker(&t, ss, k);
			for (ty = BGP_OPEN; ty <= BGP_ROUTE_REFRESH; ty++)
				tbl_num(&t, sp->msgs[ty]);
			tbl_num(&t, sp->gaps);
		}
	}
	tbl_print(&t, fp, "  ");
}

static void
print_routes(const struct summary *s, FILE *fp,
    const struct rovmon_stats *st, const struct summary_run *run)
{
	struct tbl t;
	size_t i;
	unsigned k, j;

	fputs("\nAnnouncements by RPKI state, by sender\n", fp);
	tbl_head(&t, "rlrrrrr", "#", "speaker", "valid", "invalid",
	    "not-found", "unverified", "withdrawn", (const char *)NULL);
	for (i = 0; i < s->nsessions; i++) {
		const struct session *ss = s->order[i];

		if (!session_listed(ss))
			continue;
		for (k = 0; k < 2; k++) {
			const struct speaker *sp = &ss->sp[k];

			tbl_speaker(&t, ss, k);
			for (j = 0; j < ST_N; j++)
				tbl_num(&t, sp->ann[j]);
			tbl_num(&t, sp->wd);
		}
	}
	/* Totals from the counters every stage keeps: they include the
	 * sessions past SUMMARY_MAX_SESSIONS. */
	tbl_cell(&t, "%s", "");
	tbl_cell(&t, "total");
	tbl_num(&t, st->rpki_valid);
	tbl_num(&t, st->rpki_invalid);
	tbl_num(&t, st->rpki_not_found);
	tbl_num(&t, s->unverified);
	tbl_num(&t, st->bgp_withdraw);
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
		    summary_num_fmt(st->rpki_invalid, n, sizeof(n)));
	fputs("\n", fp);
	tbl_head(&t, "rllllll", "#", "prefix", "origin", "reason", "from",
	    "AS path", "VRPs that decided (prefix-maxLength AS)",
	    (const char *)NULL);
	for (i = 0; i < s->ninv; i++) {
		const struct invalid *iv = &s->inv[i];

		v[0] = '\0';
		for (j = 0; j < iv->nvrps; j++)
			summary_app(v, sizeof(v), "%s%s-%u AS%" PRIu32,
			    j > 0 ? ", " : "",
			    prefix_fmt(&iv->vrps[j].prefix, p, sizeof(p)),
			    iv->vrps[j].maxlen, iv->vrps[j].asn);
		if (iv->ncovering > iv->nvrps)
			summary_app(v, sizeof(v), " and %u more",
			    iv->ncovering - iv->nvrps);
		tbl_cell(&t, "%" PRIu64, iv->session);
		tbl_cell(&t, "%s", prefix_fmt(&iv->prefix, p, sizeof(p)));
		if (bgp_origin_known(iv->origin_kind))
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
		    summary_num_fmt(st->rpki_invalid - s->ninv, n, sizeof(n)));
}

static void
print_notifications(const struct summary *s, FILE *fp)
{
	struct tbl t;
	size_t i;

	if (s->notif_total == 0)
		return;
	fprintf(fp, "\nNOTIFICATIONs: %" PRIu64 "\n", s->notif_total);
	tbl_head(&t, "rlllr", "#", "from", "to", "code/subcode", "data",
	    (const char *)NULL);
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
	char b[32];

	fputs("\nCapture and streams\n", fp);
	tbl_init(&t, "lrl");
	tbl_cell(&t, "packets read");
	tbl_num(&t, st->packets);
	tbl_cell(&t, "%s bytes", summary_num_fmt(st->bytes, b, sizeof(b)));
	tbl_cell(&t, "TCP sessions");
	tbl_num(&t, st->sessions);
	tbl_cell(&t, "%s picked up without a SYN",
	    summary_num_fmt(st->sessions_midstream, b, sizeof(b)));
	tbl_cell(&t, "BGP messages");
	tbl_num(&t, st->bgp_messages);
	tbl_cell(&t, "%s UPDATEs malformed",
	    summary_num_fmt(st->bgp_malformed, b, sizeof(b)));
	tbl_cell(&t, "reassembly gaps");
	tbl_num(&t, st->reasm_gaps);
	tbl_cell(&t, "%s bytes lost", summary_num_fmt(st->reasm_gap_bytes, b,
	    sizeof(b)));
	tbl_cell(&t, "resyncs");
	tbl_num(&t, st->bgp_resyncs);
	tbl_cell(&t, "%s bytes skipped to find a marker",
	    summary_num_fmt(st->bgp_resync_skipped, b, sizeof(b)));
	tbl_cell(&t, "frames cut by snapshot length");
	tbl_num(&t, st->decode_payload_truncated +
	    st->decode_truncated);
	tbl_cell(&t, "%s payload bytes lost",
	    summary_num_fmt(st->reasm_trunc_bytes, b, sizeof(b)));
	tbl_cell(&t, "messages cut short");
	tbl_num(&t, st->bgp_msg_cut_at_end +
	    st->bgp_msg_across_gap);
	tbl_cell(&t, "by a gap or the end of the capture");
	if (run->live) {
		tbl_cell(&t, "pcap drops");
		tbl_num(&t, st->pcap_drop);
		tbl_cell(&t, "%s by the interface",
		    summary_num_fmt(st->pcap_ifdrop, b, sizeof(b)));
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
	fprintf(fp, "%s packets", summary_num_fmt(st->packets, a, sizeof(a)));
	if (run->seconds >= 0)
		fprintf(fp, " in %.2f s", run->seconds);
	fprintf(fp, ", %s route announcements",
	    summary_num_fmt(st->bgp_announce, a, sizeof(a)));
	fprintf(fp, ", %s withdrawals\n\n", summary_num_fmt(st->bgp_withdraw, a,
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

