/*
 * route_log.c - JSON-lines route events (docs/route-log.md).
 *
 * A file's lines are formatted straight into the log's 1 MiB output
 * buffer, which goes out with write(2) when less than a line's worst case
 * is left (and on flush, reopen, close): one copy of the text, not two as
 * through stdio, and every write(2) holds whole lines, so a line is never
 * interleaved or half-written by this process.  Standard output ("-")
 * keeps stdio, shared with anything else printed there: each line is
 * formatted into one static buffer and written with a single fwrite.
 * The AS path can be long (an attribute of 64 KiB holds 16k ASNs), so
 * room for the worst case is kept rather than truncating silently.
 * The session's part of a line (addresses, ports, peer AS) is formatted
 * once and reused while it does not change, and route_json.h caches the
 * time up to the second: a table's burst shares them.  The route facts
 * (time, prefix, origin, AS path, rpki, the route-leak fields) are
 * written by route_json.c, in the route log's dialect.
 *
 * Rotation (SIGHUP, route_log_reopen): the file is opened O_APPEND and
 * never truncated.  Reopening happens between two events on the packet
 * thread: the new file is opened first, then everything buffered is
 * flushed to the old one and it is closed, so each line lands in exactly
 * one of the two files.  When the new file cannot be opened, writing goes
 * on to the old one and the failure is logged once (until a reopen works).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonbuf.h"
#include "base/log.h"
#include "state/route_json.h"
#include "state/route_log.h"
#include "base/stats.h"

/* 16k ASNs * 11 chars + everything else. */
#define LINE_CAP	(200 * 1024)
#define OUT_CAP		((size_t)1 << 20)	/* >= LINE_CAP */
#define SESS_TEXT	256	/* the session's part of a line, at most */

struct route_log {
	FILE		*fp;		/* stdout, or NULL */
	int		 fd;		/* a file, or -1 */
	char		*out;		/* file: OUT_CAP, outlen used */
	size_t		 outlen;
	const char	*path;		/* not owned (argv) */
	int		 werr;		/* a write failed */
	bool		 reopen_failed;	/* warned; warn again only after
					 * a reopen has worked */
	/* the session's text: ,"src_addr":...,"peer_as":N, for key */
	struct {
		struct ipaddr	 src, dst;
		uint16_t	 sport, dport;
		uint32_t	 peer_as;
		uint8_t		 view;
	}		 skey;
	bool		 svalid;
	size_t		 slen;
	char		 stext[SESS_TEXT];
	struct route_log_divert divert;	/* write NULL: none */
};

/*
 * The file for appending, created 0640 (less the umask) like the alert
 * files: O_APPEND so that every write lands at the end whatever else
 * appends, never O_TRUNC.  -1 with errno set.
 */
static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* Write out what is buffered for the file; a failure drops it and is
 * remembered (route_log_close() reports it). */
static void
out_flush(struct route_log *rl)
{
	size_t done = 0;
	ssize_t n;

	while (done < rl->outlen) {
		n = write(rl->fd, rl->out + done, rl->outlen - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			rl->werr = 1;
			break;
		}
		done += (size_t)n;
	}
	rl->outlen = 0;
}

struct route_log *
route_log_open(const char *path)
{
	struct route_log *rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL) {
		log_warn("route log");
		return NULL;
	}
	rl->path = path;
	rl->fd = -1;
	if (strcmp(path, "-") == 0) {
		rl->fp = stdout;
		setvbuf(rl->fp, NULL, _IOFBF, 1 << 20);
		return rl;
	}
	if ((rl->out = malloc(OUT_CAP)) == NULL ||
	    (rl->fd = open_append(path)) == -1) {
		log_warn("%s: cannot open route log", path);
		free(rl->out);
		free(rl);
		return NULL;
	}
	return rl;
}

int
route_log_reopen(struct route_log *rl)
{
	int fd;

	if (rl == NULL || rl->fd == -1)
		return 0;
	if ((fd = open_append(rl->path)) == -1) {
		if (!rl->reopen_failed)
			log_warn("%s: cannot reopen the route log; still "
			    "writing to the old file", rl->path);
		rl->reopen_failed = true;
		return -1;
	}
	/* What is buffered belongs to the old file. */
	out_flush(rl);
	if (close(rl->fd) != 0)
		rl->werr = 1;
	rl->fd = fd;
	if (rl->reopen_failed)
		log_warnx("%s: route log reopened", rl->path);
	rl->reopen_failed = false;
	STAT_INC(route_reopens);
	return 0;
}

void
route_log_divert(struct route_log *rl, const struct route_log_divert *d)
{
	if (d != NULL)
		rl->divert = *d;
	else
		memset(&rl->divert, 0, sizeof(rl->divert));
}

void
route_log_flush(struct route_log *rl)
{
	if (rl != NULL && rl->divert.flush != NULL)
		rl->divert.flush(rl->divert.arg);
	else
		route_log_flush_direct(rl);
}

void
route_log_flush_direct(struct route_log *rl)
{
	if (rl == NULL)
		return;
	if (rl->fd != -1)
		out_flush(rl);
	else if (fflush(rl->fp) != 0)
		rl->werr = 1;
}

int
route_log_close(struct route_log *rl)
{
	int rc = 0;

	if (rl == NULL)
		return 0;
	if (rl->fd != -1) {
		out_flush(rl);
		if (close(rl->fd) != 0)
			rl->werr = 1;
	} else if (fflush(rl->fp) != 0 || ferror(rl->fp))
		rl->werr = 1;
	if (rl->werr) {
		log_warnx("%s: write error on route log", rl->path);
		rc = -1;
	}
	free(rl->out);
	free(rl);
	return rc;
}

/*
 * ,"src_addr":"..","src_port":N,"dst_addr":"..","dst_port":N,"peer_as":N
 * (,"view":".." for a BMP view)
 * from the text kept for the last session seen, made again when the
 * session's fields differ.  At most SESS_TEXT bytes.
 */
static char *
put_session(struct route_log *rl, char *p, const struct bgp_msg_ctx *ctx)
{
	size_t n = 0, c = sizeof(rl->stext);

	if (!rl->svalid || rl->skey.sport != ctx->src_port ||
	    rl->skey.dport != ctx->dst_port ||
	    rl->skey.peer_as != ctx->peer_as || rl->skey.view != ctx->view ||
	    memcmp(&rl->skey.src, &ctx->src_addr, sizeof(ctx->src_addr)) != 0 ||
	    memcmp(&rl->skey.dst, &ctx->dst_addr, sizeof(ctx->dst_addr)) != 0) {
		route_json_endpoints(rl->stext, c, &n, &ctx->src_addr,
		    ctx->src_port, &ctx->dst_addr, ctx->dst_port);
		jb_puts(rl->stext, c, &n, ",\"peer_as\":");
		if (ctx->peer_as != 0)
			jb_putu(rl->stext, c, &n, ctx->peer_as);
		else
			jb_puts(rl->stext, c, &n, "null");
		if (ctx->view != BGP_VIEW_WIRE && n + ROUTE_JSON_VIEW_MAX <= c)
			n = (size_t)(rjw_view(rl->stext + n, ctx->view) -
			    rl->stext);
		/* 2 addresses of 45 characters and a view at most: it
		 * always fits */
		rl->slen = n <= c ? n : c;
		rl->skey.src = ctx->src_addr;
		rl->skey.dst = ctx->dst_addr;
		rl->skey.sport = ctx->src_port;
		rl->skey.dport = ctx->dst_port;
		rl->skey.peer_as = ctx->peer_as;
		rl->skey.view = ctx->view;
		rl->svalid = true;
	}
	return jw_put(p, rl->stext, rl->slen);
}

/* ,"inferred":["as4","as2","addpath","no-addpath"] at most */
static char *
put_inferred(char *p, uint8_t inf)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ BGP_INFER_AS4, "\"as4\"" }, { BGP_INFER_AS2, "\"as2\"" },
		{ BGP_INFER_ADDPATH, "\"addpath\"" },
		{ BGP_INFER_NOADDPATH, "\"no-addpath\"" },
	};
	bool first = true;
	size_t i;

	if (inf == 0)
		return p;
	p = jw_lit(p, ",\"inferred\":[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((inf & names[i].bit) == 0)
			continue;
		if (!first)
			*p++ = ',';
		p = jw_put(p, names[i].name, strlen(names[i].name));
		first = false;
	}
	*p++ = ']';
	return p;
}

void
route_log_route(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r)
{
	struct route_verdict v;

	route_verdict_init(&v, ctx, r->event == BGP_ROUTE_ANNOUNCE ? at : NULL);
	route_log_write(arg, ctx, at, r, &v);
}

/* The route-leak fields of an announcement (route_json_leak()). */
static char *
put_leak(char *p, const struct bgp_msg_ctx *ctx, const struct bgp_attrs *at,
    const struct route_verdict *v)
{
	struct route_json_leak l;

	l.role = ctx->sender_role;
	l.role_source = ctx->role_source;
	l.has_otc = at->has_otc;
	l.otc = at->otc;
	l.router_rpki = at->router_rpki;
	l.leak = v != NULL ? v->leak : BGP_LEAK_NONE;
	l.peer_as = ctx->peer_as;
	l.aspa = v != NULL && v->has_aspa ? &v->aspa : NULL;
	return rjw_leak(p, &l);
}

/*
 * The most a line's text takes (without "}\n"): its fixed fields (time,
 * packet, session, afi/safi, prefix, origin, rpki, the route-leak fields,
 * inferred, treat_as_withdraw) and the AS path's share.
 */
#define LINE_FIXED_MAX	(27 + ROUTE_JSON_TS_MAX + 12 + JW_U64_MAX + \
	SESS_TEXT + 7 + 5 + 8 + 3 + ROUTE_JSON_PREFIX_MAX + \
	ROUTE_JSON_ORIGIN_MAX + ROUTE_JSON_RPKI_MAX + ROUTE_JSON_LEAK_MAX + \
	60 + 25)

/* The line's text at p, at most LINE_FIXED_MAX plus the path's bound. */
static char *
put_line(struct route_log *rl, char *p, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v)
{
	struct timeval tv = { 0, 0 };
	bool ann = r->event == BGP_ROUTE_ANNOUNCE;

	if (ctx->pkt != NULL)
		tv = ctx->pkt->ts;
	p = ann ? jw_lit(p, "{\"event\":\"announce\",\"ts\":\"") :
	    jw_lit(p, "{\"event\":\"withdraw\",\"ts\":\"");
	p = rjw_ts(p, &tv, ROUTE_JSON_TS_ISO);
	p = jw_lit(p, "\",\"pkt_num\":");
	p = jw_u64(p, ctx->pkt != NULL ? ctx->pkt->num : 0);
	p = put_session(rl, p, ctx);
	p = jw_lit(p, ",\"afi\":");
	p = jw_u64(p, r->afi);
	p = jw_lit(p, ",\"safi\":");
	p = jw_u64(p, r->safi);
	p = rjw_prefix(p, &r->prefix, r->has_path_id, r->path_id);
	if (ann) {
		p = rjw_origin_path(p, at->origin_kind, at->origin_as,
		    &at->aspath, &at->next_hop, ROUTE_JSON_LOG);
		if (v != NULL && v->rpki != NULL)
			p = rjw_rpki(p, v->rpki, v->generation,
			    ROUTE_JSON_LOG);
		p = put_leak(p, ctx, at, v);
	}
	if (at != NULL)
		p = put_inferred(p, at->inferred);
	if (r->treat_as_withdraw)
		p = jw_lit(p, ",\"treat_as_withdraw\":true");
	return p;
}

void
route_log_write(struct route_log *rl, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v)
{
	if (rl->divert.write != NULL)
		rl->divert.write(rl->divert.arg, ctx, at, r, v);
	else
		route_log_write_direct(rl, ctx, at, r, v);
}

void
route_log_write_direct(struct route_log *rl, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v)
{
	static char sbuf[LINE_CAP];
	char *buf, *t;
	size_t off = 0, cap = LINE_CAP - 2, max, len;

	/* a file's line goes straight into the output buffer */
	if (rl->fd != -1) {
		if (OUT_CAP - rl->outlen < LINE_CAP)
			out_flush(rl);
		buf = rl->out + rl->outlen;
	} else
		buf = sbuf;
	max = LINE_FIXED_MAX + (r->event == BGP_ROUTE_ANNOUNCE ?
	    route_json_aspath_max(&at->aspath) : 0);
	if (max <= cap)
		off = (size_t)(put_line(rl, buf, ctx, at, r, v) - buf);
	else if ((t = malloc(max)) != NULL) {
		/* a path too long for the bound: cut the line at cap, as
		 * jsonbuf.h cuts, keeping the text that fits */
		len = (size_t)(put_line(rl, t, ctx, at, r, v) - t);
		jb_put(buf, cap, &off, t, len);
		free(t);
	} else {
		log_warn("%s: route log line", rl->path);
		return;
	}
	/*
	 * A cut line leaves off = cap + 1 (jsonbuf.h): keep the cut text and
	 * clamp, so the two bytes below land in the room kept past cap.
	 */
	if (off > cap)
		off = cap;
	buf[off++] = '}';
	buf[off++] = '\n';
	if (rl->fd != -1)
		rl->outlen += off;
	else if (fwrite(buf, 1, off, rl->fp) != off)
		rl->werr = 1;
	STAT_INC(route_events);
}
