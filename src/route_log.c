/*
 * route_log.c - JSON-lines route events (docs/route-log.md).
 *
 * Each line is formatted into one stack buffer and written with a single
 * fwrite, so a line is never interleaved or half-written by this process.
 * The AS path can be long (an attribute of 64 KiB holds 16k ASNs), so the
 * buffer is sized for the worst case rather than truncating silently.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "route_log.h"
#include "stats.h"

struct route_log {
	FILE		*fp;
	const char	*path;		/* not owned (argv) */
	int		 werr;		/* a write failed */
};

/* 16k ASNs * 11 chars + everything else. */
#define LINE_CAP	(200 * 1024)

static void
put(char *buf, size_t cap, size_t *off, const char *s, size_t n)
{
	if (*off >= cap)
		return;
	if (n > cap - *off)
		n = cap - *off;
	memcpy(buf + *off, s, n);
	*off += n;
}

static void
puts_(char *buf, size_t cap, size_t *off, const char *s)
{
	put(buf, cap, off, s, strlen(s));
}

static void
putu(char *buf, size_t cap, size_t *off, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(buf, cap, off, tmp + i, sizeof(tmp) - i);
}

static void
put_digits(char *t, unsigned v, int n)
{
	while (n-- > 0) {
		t[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * ISO 8601 UTC with microseconds.  gmtime_r is only called when the second
 * changes: consecutive events nearly always share it.  The cache makes this
 * function not thread-safe, like the rest of the packet path.
 */
void
json_put_ts(char *buf, size_t cap, size_t *off, const struct timeval *tv)
{
	static time_t cached = (time_t)-1;
	static char date[19];		/* YYYY-MM-DDTHH:MM:SS */
	char usec[8];
	struct tm tm;

	if (tv->tv_sec != cached) {
		time_t sec = tv->tv_sec;

		if (gmtime_r(&sec, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		put_digits(date, (unsigned)(tm.tm_year + 1900) % 10000, 4);
		date[4] = '-';
		put_digits(date + 5, (unsigned)tm.tm_mon + 1, 2);
		date[7] = '-';
		put_digits(date + 8, (unsigned)tm.tm_mday, 2);
		date[10] = 'T';
		put_digits(date + 11, (unsigned)tm.tm_hour, 2);
		date[13] = ':';
		put_digits(date + 14, (unsigned)tm.tm_min, 2);
		date[16] = ':';
		put_digits(date + 17, (unsigned)tm.tm_sec, 2);
		cached = tv->tv_sec;
	}
	put(buf, cap, off, date, sizeof(date));
	usec[0] = '.';
	put_digits(usec + 1, (unsigned)tv->tv_usec % 1000000, 6);
	usec[7] = 'Z';
	put(buf, cap, off, usec, sizeof(usec));
}

static void
put_asns(char *buf, size_t cap, size_t *off, const uint32_t *a, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			put(buf, cap, off, ",", 1);
		putu(buf, cap, off, a[i]);
	}
}

void
json_put_aspath(char *buf, size_t cap, size_t *off, const struct bgp_aspath *p)
{
	uint32_t i;
	bool first = true;

	put(buf, cap, off, "[", 1);
	for (i = 0; i < p->nseg; i++) {
		const struct bgp_as_segment *s = &p->seg[i];
		const uint32_t *a = p->asns + s->start;

		if (s->count == 0)
			continue;
		if (!first)
			put(buf, cap, off, ",", 1);
		first = false;
		switch (s->type) {
		case AS_SEQUENCE:
			put_asns(buf, cap, off, a, s->count);
			break;
		case AS_SET:
			put(buf, cap, off, "[", 1);
			put_asns(buf, cap, off, a, s->count);
			put(buf, cap, off, "]", 1);
			break;
		case AS_CONFED_SEQUENCE:
			puts_(buf, cap, off, "{\"confed_seq\":[");
			put_asns(buf, cap, off, a, s->count);
			puts_(buf, cap, off, "]}");
			break;
		default:
			puts_(buf, cap, off, "{\"confed_set\":[");
			put_asns(buf, cap, off, a, s->count);
			puts_(buf, cap, off, "]}");
			break;
		}
	}
	put(buf, cap, off, "]", 1);
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
	if (strcmp(path, "-") == 0)
		rl->fp = stdout;
	else if ((rl->fp = fopen(path, "a")) == NULL) {
		log_warn("%s: cannot open route log", path);
		free(rl);
		return NULL;
	}
	/* A large stdio buffer: one write(2) per ~1 MiB of events. */
	setvbuf(rl->fp, NULL, _IOFBF, 1 << 20);
	return rl;
}

void
route_log_flush(struct route_log *rl)
{
	if (rl != NULL && fflush(rl->fp) != 0)
		rl->werr = 1;
}

int
route_log_close(struct route_log *rl)
{
	int rc = 0;

	if (rl == NULL)
		return 0;
	if (fflush(rl->fp) != 0 || ferror(rl->fp) || rl->werr) {
		log_warnx("%s: write error on route log", rl->path);
		rc = -1;
	}
	if (rl->fp != stdout)
		fclose(rl->fp);
	free(rl);
	return rc;
}

static const char *
origin_kind_name(enum bgp_origin_kind k)
{
	switch (k) {
	case ORIGIN_AS_SEQ:
		return "seq";
	case ORIGIN_AS_PEER:
		return "peer";
	case ORIGIN_AS_SET:
		return "set";
	case ORIGIN_AS_CONFED:
		return "confed";
	default:
		return "none";
	}
}

static void
put_addr(char *buf, size_t cap, size_t *off, const struct ipaddr *a)
{
	char t[IPADDR_STRLEN];

	put(buf, cap, off, "\"", 1);
	puts_(buf, cap, off, ipaddr_fmt(a, t, sizeof(t)));
	put(buf, cap, off, "\"", 1);
}

static void
put_inferred(char *buf, size_t cap, size_t *off, uint8_t inf)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ BGP_INFER_AS4, "as4" }, { BGP_INFER_AS2, "as2" },
		{ BGP_INFER_ADDPATH, "addpath" },
		{ BGP_INFER_NOADDPATH, "no-addpath" },
	};
	const char *sep = "";
	size_t i;

	if (inf == 0)
		return;
	puts_(buf, cap, off, ",\"inferred\":[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((inf & names[i].bit) == 0)
			continue;
		puts_(buf, cap, off, sep);
		put(buf, cap, off, "\"", 1);
		puts_(buf, cap, off, names[i].name);
		put(buf, cap, off, "\"", 1);
		sep = ",";
	}
	put(buf, cap, off, "]", 1);
}

static void
put_announce(char *buf, size_t cap, size_t *off, const struct bgp_attrs *at)
{
	puts_(buf, cap, off, ",\"origin_as\":");
	if (at->origin_kind == ORIGIN_AS_SEQ || at->origin_kind == ORIGIN_AS_PEER)
		putu(buf, cap, off, at->origin_as);
	else
		puts_(buf, cap, off, "null");
	puts_(buf, cap, off, ",\"origin_kind\":\"");
	puts_(buf, cap, off, origin_kind_name(at->origin_kind));
	puts_(buf, cap, off, "\",\"as_path\":");
	json_put_aspath(buf, cap, off, &at->aspath);
	puts_(buf, cap, off, ",\"next_hop\":");
	if (at->next_hop.family != 0)
		put_addr(buf, cap, off, &at->next_hop);
	else
		puts_(buf, cap, off, "null");
}

/*
 * "rpki":{"state":"invalid","reason":"as","generation":3,"vrps":[{"prefix":
 * "192.0.2.0/24","max_length":24,"asn":64500}],"covering":1}
 */
static void
put_rpki(char *buf, size_t cap, size_t *off, const struct rov_result *res,
    uint64_t gen)
{
	const char *reason = rov_reason_name(res->reason);
	char pfx[PREFIX_STRLEN];
	unsigned i;

	puts_(buf, cap, off, ",\"rpki\":{\"state\":\"");
	puts_(buf, cap, off, rov_state_name(res->state));
	puts_(buf, cap, off, "\",\"reason\":");
	if (reason != NULL) {
		put(buf, cap, off, "\"", 1);
		puts_(buf, cap, off, reason);
		put(buf, cap, off, "\"", 1);
	} else
		puts_(buf, cap, off, "null");
	puts_(buf, cap, off, ",\"generation\":");
	putu(buf, cap, off, gen);
	puts_(buf, cap, off, ",\"vrps\":[");
	for (i = 0; i < res->nvrps; i++) {
		const struct vrp *v = res->vrps[i];

		puts_(buf, cap, off, i > 0 ? ",{\"prefix\":\"" :
		    "{\"prefix\":\"");
		puts_(buf, cap, off, prefix_fmt(&v->prefix, pfx, sizeof(pfx)));
		puts_(buf, cap, off, "\",\"max_length\":");
		putu(buf, cap, off, v->maxlen);
		puts_(buf, cap, off, ",\"asn\":");
		putu(buf, cap, off, v->asn);
		put(buf, cap, off, "}", 1);
	}
	puts_(buf, cap, off, "],\"covering\":");
	putu(buf, cap, off, res->ncovering);
	put(buf, cap, off, "}", 1);
}

void
route_log_route(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r)
{
	route_log_write(arg, ctx, at, r, NULL, 0);
}

void
route_log_write(struct route_log *rl, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct rov_result *rpki, uint64_t gen)
{
	static char buf[LINE_CAP];
	size_t off = 0, cap = sizeof(buf) - 2;
	char pfx[PREFIX_STRLEN];
	struct timeval tv = { 0, 0 };
	bool ann = r->event == BGP_ROUTE_ANNOUNCE;

	if (ctx->pkt != NULL)
		tv = ctx->pkt->ts;
	puts_(buf, cap, &off, ann ? "{\"event\":\"announce\",\"ts\":\"" :
	    "{\"event\":\"withdraw\",\"ts\":\"");
	json_put_ts(buf, cap, &off, &tv);
	puts_(buf, cap, &off, "\",\"pkt_num\":");
	putu(buf, cap, &off, ctx->pkt != NULL ? ctx->pkt->num : 0);
	puts_(buf, cap, &off, ",\"src_addr\":");
	put_addr(buf, cap, &off, &ctx->src_addr);
	puts_(buf, cap, &off, ",\"src_port\":");
	putu(buf, cap, &off, ctx->src_port);
	puts_(buf, cap, &off, ",\"dst_addr\":");
	put_addr(buf, cap, &off, &ctx->dst_addr);
	puts_(buf, cap, &off, ",\"dst_port\":");
	putu(buf, cap, &off, ctx->dst_port);
	puts_(buf, cap, &off, ",\"peer_as\":");
	if (ctx->peer_as != 0)
		putu(buf, cap, &off, ctx->peer_as);
	else
		puts_(buf, cap, &off, "null");
	puts_(buf, cap, &off, ",\"afi\":");
	putu(buf, cap, &off, r->afi);
	puts_(buf, cap, &off, ",\"safi\":");
	putu(buf, cap, &off, r->safi);
	puts_(buf, cap, &off, ",\"prefix\":\"");
	puts_(buf, cap, &off, prefix_fmt(&r->prefix, pfx, sizeof(pfx)));
	put(buf, cap, &off, "\"", 1);
	if (r->has_path_id) {
		puts_(buf, cap, &off, ",\"path_id\":");
		putu(buf, cap, &off, r->path_id);
	}
	if (ann) {
		put_announce(buf, cap, &off, at);
		if (rpki != NULL)
			put_rpki(buf, cap, &off, rpki, gen);
	}
	if (at != NULL)
		put_inferred(buf, cap, &off, at->inferred);
	if (r->treat_as_withdraw)
		puts_(buf, cap, &off, ",\"treat_as_withdraw\":true");
	buf[off++] = '}';
	buf[off++] = '\n';
	if (fwrite(buf, 1, off, rl->fp) != off)
		rl->werr = 1;
	STAT_INC(route_events);
}
