/*
 * route_json.c - the JSON (and text) vocabulary of route facts, shared
 * by the route log and the alert encoders (route_json.h).
 *
 * Formatted directly with jsonbuf.h, not jansson or snprintf: these run
 * once per route on the packet path, and field order must be stable for
 * the golden tests.  The only state is the per-thread time cache.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/jsonbuf.h"
#include "base/log.h"
#include "state/route_json.h"

/*
 * The last second seen by this thread, broken down and as ISO 8601 text
 * ("YYYY-MM-DDTHH:MM:SS.000000Z", whose microseconds are patched per
 * call): gmtime_r takes glibc's time zone lock, and a table's burst of
 * events shares one second.
 */
struct ts_cache {
	bool		 valid;
	time_t		 sec;
	struct tm	 tm;
	size_t		 isolen;
	char		 iso[32];
};

static _Thread_local struct ts_cache ts_cache;

static struct ts_cache *
ts_second(time_t sec)
{
	struct ts_cache *c = &ts_cache;
	size_t n = 0;

	if (!c->valid || c->sec != sec) {
		if (gmtime_r(&sec, &c->tm) == NULL)
			memset(&c->tm, 0, sizeof(c->tm));
		jb_put_utc(c->iso, sizeof(c->iso), &n, &c->tm, 0, false);
		c->isolen = n;
		c->sec = sec;
		c->valid = true;
	}
	return c;
}

void
route_json_ts(char *buf, size_t cap, size_t *off, const struct timeval *tv,
    enum route_json_ts_form form)
{
	struct ts_cache *c = ts_second(tv->tv_sec);

	if (form == ROUTE_JSON_TS_SNORT) {
		jb_put_utc(buf, cap, off, &c->tm, (long)tv->tv_usec, true);
		return;
	}
	/* the microseconds are the 7 characters before the 'Z' */
	jb_digits(c->iso + c->isolen - 7,
	    (unsigned)((long)tv->tv_usec % 1000000), 6);
	jb_put(buf, cap, off, c->iso, c->isolen);
}

void
route_json_addr(char *buf, size_t cap, size_t *off, const struct ipaddr *a)
{
	if (a->family == 0) {
		jb_puts(buf, cap, off, "null");
		return;
	}
	jb_put(buf, cap, off, "\"", 1);
	jb_put_ipaddr(buf, cap, off, a);
	jb_put(buf, cap, off, "\"", 1);
}

void
route_json_endpoints(char *buf, size_t cap, size_t *off,
    const struct ipaddr *src, uint16_t sport, const struct ipaddr *dst,
    uint16_t dport)
{
	jb_puts(buf, cap, off, ",\"src_addr\":");
	route_json_addr(buf, cap, off, src);
	jb_puts(buf, cap, off, ",\"src_port\":");
	jb_putu(buf, cap, off, sport);
	jb_puts(buf, cap, off, ",\"dst_addr\":");
	route_json_addr(buf, cap, off, dst);
	jb_puts(buf, cap, off, ",\"dst_port\":");
	jb_putu(buf, cap, off, dport);
}

void
route_json_prefix(char *buf, size_t cap, size_t *off, const struct prefix *p,
    bool has_path_id, uint32_t path_id)
{
	jb_puts(buf, cap, off, ",\"prefix\":\"");
	jb_put_prefix(buf, cap, off, p);
	jb_put(buf, cap, off, "\"", 1);
	if (has_path_id) {
		jb_puts(buf, cap, off, ",\"path_id\":");
		jb_putu(buf, cap, off, path_id);
	}
}

bool
route_json_has_origin(enum bgp_origin_kind kind)
{
	return kind == ORIGIN_AS_SEQ || kind == ORIGIN_AS_PEER;
}

static void
put_asns(char *buf, size_t cap, size_t *off, const uint32_t *a, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			jb_put(buf, cap, off, ",", 1);
		jb_putu(buf, cap, off, a[i]);
	}
}

void
route_json_aspath(char *buf, size_t cap, size_t *off,
    const struct bgp_aspath *p, enum route_json_dialect d)
{
	uint32_t i;
	const char *open, *close, *sep = "";

	jb_put(buf, cap, off, "[", 1);
	for (i = 0; i < p->nseg; i++) {
		const struct bgp_as_segment *s = &p->seg[i];

		if (s->count == 0)
			continue;
		jb_puts(buf, cap, off, sep);
		sep = ",";
		switch (s->type) {
		case AS_SEQUENCE:
			open = close = "";
			break;
		case AS_SET:
			open = "[";
			close = "]";
			break;
		case AS_CONFED_SEQUENCE:
			open = d == ROUTE_JSON_LOG ? "{\"confed_seq\":[" : "[";
			close = d == ROUTE_JSON_LOG ? "]}" : "]";
			break;
		default:	/* AS_CONFED_SET */
			open = d == ROUTE_JSON_LOG ? "{\"confed_set\":[" : "[";
			close = d == ROUTE_JSON_LOG ? "]}" : "]";
			break;
		}
		jb_puts(buf, cap, off, open);
		put_asns(buf, cap, off, p->asns + s->start, s->count);
		jb_puts(buf, cap, off, close);
	}
	jb_put(buf, cap, off, "]", 1);
}

void
route_json_origin_path(char *buf, size_t cap, size_t *off,
    enum bgp_origin_kind kind, uint32_t origin_as,
    const struct bgp_aspath *aspath, const struct ipaddr *next_hop,
    enum route_json_dialect d)
{
	jb_puts(buf, cap, off, ",\"origin_as\":");
	if (route_json_has_origin(kind))
		jb_putu(buf, cap, off, origin_as);
	else
		jb_puts(buf, cap, off, "null");
	jb_puts(buf, cap, off, ",\"origin_kind\":\"");
	jb_puts(buf, cap, off, bgp_origin_kind_name(kind));
	jb_puts(buf, cap, off, "\",\"as_path\":");
	if (aspath != NULL)
		route_json_aspath(buf, cap, off, aspath, d);
	else
		jb_puts(buf, cap, off, "null");
	jb_puts(buf, cap, off, ",\"next_hop\":");
	route_json_addr(buf, cap, off, next_hop);
}

/* "vrps":[{"prefix":"192.0.2.0/24","max_length":24,"asn":64500}],"covering":1 */
static void
put_vrps(char *buf, size_t cap, size_t *off, const struct rov_result *res)
{
	unsigned i;

	jb_puts(buf, cap, off, "\"vrps\":[");
	for (i = 0; i < res->nvrps && i < ROV_MAX_DECIDING; i++) {
		const struct vrp *v = res->vrps[i];

		jb_puts(buf, cap, off, i > 0 ? ",{\"prefix\":\"" :
		    "{\"prefix\":\"");
		jb_put_prefix(buf, cap, off, &v->prefix);
		jb_puts(buf, cap, off, "\",\"max_length\":");
		jb_putu(buf, cap, off, v->maxlen);
		jb_puts(buf, cap, off, ",\"asn\":");
		jb_putu(buf, cap, off, v->asn);
		jb_put(buf, cap, off, "}", 1);
	}
	jb_puts(buf, cap, off, "],\"covering\":");
	jb_putu(buf, cap, off, res->ncovering);
}

void
route_json_rpki(char *buf, size_t cap, size_t *off,
    const struct rov_result *res, uint64_t gen, enum route_json_dialect d)
{
	const char *reason = rov_reason_name(res->reason);

	/* "reason" is null for VALID and NOT_FOUND */
	jb_puts(buf, cap, off, ",\"rpki\":{\"state\":\"");
	jb_puts(buf, cap, off, rov_state_name(res->state));
	jb_puts(buf, cap, off, "\",\"reason\":");
	if (reason != NULL) {
		jb_put(buf, cap, off, "\"", 1);
		jb_puts(buf, cap, off, reason);
		jb_put(buf, cap, off, "\"", 1);
	} else
		jb_puts(buf, cap, off, "null");
	if (d == ROUTE_JSON_LOG) {
		jb_puts(buf, cap, off, ",\"generation\":");
		jb_putu(buf, cap, off, gen);
	}
	jb_put(buf, cap, off, ",", 1);
	put_vrps(buf, cap, off, res);
	if (d == ROUTE_JSON_ALERT) {
		jb_puts(buf, cap, off, ",\"generation\":");
		jb_putu(buf, cap, off, gen);
	}
	jb_put(buf, cap, off, "}", 1);
}

static void
put_aspa(char *buf, size_t cap, size_t *off, const struct aspa_result *a)
{
	jb_puts(buf, cap, off, ",\"aspa\":");
	if (a == NULL) {
		jb_puts(buf, cap, off, "null");
		return;
	}
	jb_puts(buf, cap, off, "{\"state\":");
	jb_put_name(buf, cap, off, aspa_state_name(a->state));
	jb_puts(buf, cap, off, ",\"procedure\":");
	jb_put_name(buf, cap, off, aspa_procedure_name(a->procedure));
	jb_puts(buf, cap, off, ",\"reason\":");
	jb_put_name(buf, cap, off, aspa_reason_name(a->reason));
	jb_puts(buf, cap, off, ",\"hop\":");
	if (a->hop_customer == 0 && a->hop_provider == 0)
		jb_puts(buf, cap, off, "null");
	else {
		jb_puts(buf, cap, off, "{\"customer\":");
		jb_putu(buf, cap, off, a->hop_customer);
		jb_puts(buf, cap, off, ",\"provider\":");
		jb_putu(buf, cap, off, a->hop_provider);
		jb_put(buf, cap, off, "}", 1);
	}
	jb_put(buf, cap, off, "}", 1);
}

void
route_json_leak(char *buf, size_t cap, size_t *off,
    const struct route_json_leak *l)
{
	jb_puts(buf, cap, off, ",\"peer_role\":");
	jb_put_name(buf, cap, off, bgp_role_text(l->role));
	jb_puts(buf, cap, off, ",\"role_source\":");
	jb_put_name(buf, cap, off, bgp_role_source_name(l->role_source));
	jb_puts(buf, cap, off, ",\"otc\":");
	if (l->has_otc)
		jb_putu(buf, cap, off, l->otc);
	else
		jb_puts(buf, cap, off, "null");
	jb_puts(buf, cap, off, ",\"router_rpki_state\":");
	jb_put_name(buf, cap, off,
	    bgp_router_rpki_name((enum bgp_router_rpki)l->router_rpki));
	put_aspa(buf, cap, off, l->aspa);
	jb_puts(buf, cap, off, ",\"leak\":");
	if (l->leak == BGP_LEAK_NONE) {
		jb_puts(buf, cap, off, "null");
		return;
	}
	/* every rule of enum bgp_leak is one of RFC 9234 section 5 */
	jb_puts(buf, cap, off, "{\"rule\":");
	jb_put_name(buf, cap, off, bgp_leak_name(l->leak));
	jb_puts(buf, cap, off, ",\"rfc\":\"9234 section 5\",\"otc\":");
	jb_putu(buf, cap, off, l->otc);
	jb_puts(buf, cap, off, ",\"peer_as\":");
	if (l->peer_as != 0)
		jb_putu(buf, cap, off, l->peer_as);
	else
		jb_puts(buf, cap, off, "null");
	jb_put(buf, cap, off, "}", 1);
}

/* printf at *off, never past cap; *off stays at most cap - 1. */
static void
text_put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
    ROVMON_PRINTF(4, 5);

static void
text_put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + (size_t)n < cap ? *off + (size_t)n : cap - 1;
}

/*
 * For INVALID the VRPs that conflict with the route, for VALID the
 * one(s) that match.  max_length is the JSON field's name, one
 * spelling.  At most ~610 bytes: 8 VRPs of 73 ("ffff:..:ffff/128
 * max_length 128 AS4294967295" and the comma) and the count of the rest.
 */
void
route_json_vrps_text(const struct rov_result *r, char *buf, size_t cap)
{
	char pfx[PREFIX_STRLEN];
	size_t off = 0;
	unsigned i, n;

	if (cap == 0)
		return;
	buf[0] = '\0';
	if (r->state == ROV_NOT_FOUND) {
		text_put(buf, cap, &off, " (no covering ROA)");
		return;
	}
	n = r->nvrps < ROV_MAX_DECIDING ? r->nvrps : ROV_MAX_DECIDING;
	if (n == 0)
		return;
	text_put(buf, cap, &off, " (VRP%s", n > 1 ? "s" : "");
	for (i = 0; i < n; i++)
		text_put(buf, cap, &off, "%s %s max_length %u AS%u",
		    i > 0 ? "," : "", prefix_fmt(&r->vrps[i]->prefix, pfx,
		    sizeof(pfx)), r->vrps[i]->maxlen, r->vrps[i]->asn);
	if (r->ncovering > n)
		text_put(buf, cap, &off, " and %u more", r->ncovering - n);
	text_put(buf, cap, &off, ")");
}
