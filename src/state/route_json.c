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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/jsonbuf.h"
#include "base/log.h"
#include "state/route_json.h"

/*
 * The last second seen by this thread, broken down and as text in both
 * forms ("YYYY-MM-DDTHH:MM:SS.000000Z" and "YY/MM/DD-HH:MM:SS.000000",
 * whose microseconds are patched per call): gmtime_r takes glibc's time
 * zone lock, and a table's burst of events shares one second.
 */
struct ts_cache {
	bool		 valid;
	time_t		 sec;
	size_t		 isolen, snortlen;
	char		 iso[JW_UTC_MAX];
	char		 snort[JW_UTC_MAX];
};

static _Thread_local struct ts_cache ts_cache;

static struct ts_cache *
ts_second(time_t sec)
{
	struct ts_cache *c = &ts_cache;
	struct tm tm;

	if (!c->valid || c->sec != sec) {
		if (gmtime_r(&sec, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		c->isolen = (size_t)(jw_utc(c->iso, &tm, 0, false) - c->iso);
		c->snortlen = (size_t)(jw_utc(c->snort, &tm, 0, true) -
		    c->snort);
		c->sec = sec;
		c->valid = true;
	}
	return c;
}

char *
rjw_ts(char *p, const struct timeval *tv, enum route_json_ts_form form)
{
	struct ts_cache *c = ts_second(tv->tv_sec);
	unsigned usec = (unsigned)((long)tv->tv_usec % 1000000);

	/* the microseconds end the Snort form and precede the ISO 'Z' */
	if (form == ROUTE_JSON_TS_SNORT) {
		memcpy(p, c->snort, c->snortlen);
		p += c->snortlen;
		jb_digits(p - 6, usec, 6);
		return p;
	}
	memcpy(p, c->iso, c->isolen);
	p += c->isolen;
	jb_digits(p - 7, usec, 6);
	return p;
}

void
route_json_ts(char *buf, size_t cap, size_t *off, const struct timeval *tv,
    enum route_json_ts_form form)
{
	char t[ROUTE_JSON_TS_MAX];
	size_t len;

	len = (size_t)(rjw_ts(t, tv, form) - t);
	jb_put(buf, cap, off, t, len);
}

char *
rjw_addr(char *p, const struct ipaddr *a)
{
	if (a->family == 0)
		return jw_lit(p, "null");
	*p++ = '"';
	p = jw_ipaddr(p, a);
	*p++ = '"';
	return p;
}

void
route_json_addr(char *buf, size_t cap, size_t *off, const struct ipaddr *a)
{
	char t[ROUTE_JSON_ADDR_MAX];
	size_t len;

	len = (size_t)(rjw_addr(t, a) - t);
	jb_put(buf, cap, off, t, len);
}

char *
rjw_view(char *p, unsigned view)
{
	const char *name = bgp_view_name((enum bgp_view)view);

	if (name == NULL)
		return p;
	p = jw_lit(p, ",\"view\":\"");
	p = jw_put(p, name, strlen(name));
	*p++ = '"';
	return p;
}

char *
rjw_endpoints(char *p, const struct ipaddr *src, uint16_t sport,
    const struct ipaddr *dst, uint16_t dport)
{
	p = jw_lit(p, ",\"src_addr\":");
	p = rjw_addr(p, src);
	p = jw_lit(p, ",\"src_port\":");
	p = jw_u64(p, sport);
	p = jw_lit(p, ",\"dst_addr\":");
	p = rjw_addr(p, dst);
	p = jw_lit(p, ",\"dst_port\":");
	return jw_u64(p, dport);
}

void
route_json_endpoints(char *buf, size_t cap, size_t *off,
    const struct ipaddr *src, uint16_t sport, const struct ipaddr *dst,
    uint16_t dport)
{
	char t[ROUTE_JSON_ENDPOINTS_MAX];
	size_t len;

	len = (size_t)(rjw_endpoints(t, src, sport, dst, dport) - t);
	jb_put(buf, cap, off, t, len);
}

char *
rjw_prefix(char *p, const struct prefix *pf, bool has_path_id,
    uint32_t path_id)
{
	p = jw_lit(p, ",\"prefix\":\"");
	p = jw_prefix(p, pf);
	*p++ = '"';
	if (has_path_id) {
		p = jw_lit(p, ",\"path_id\":");
		p = jw_u64(p, path_id);
	}
	return p;
}

void
route_json_prefix(char *buf, size_t cap, size_t *off, const struct prefix *pf,
    bool has_path_id, uint32_t path_id)
{
	char t[ROUTE_JSON_PREFIX_MAX];
	size_t len;

	len = (size_t)(rjw_prefix(t, pf, has_path_id, path_id) - t);
	jb_put(buf, cap, off, t, len);
}

/* Every segment's brackets (at most {"confed_seq":[ and ]}) and comma,
 * every ASN's 10 digits and comma. */
size_t
route_json_aspath_max(const struct bgp_aspath *p)
{
	size_t n = 2;
	uint32_t i;

	for (i = 0; i < p->nseg; i++)
		n += 1 + 15 + 2 + (size_t)p->seg[i].count * 11;
	return n;
}

char *
rjw_aspath(char *p, const struct bgp_aspath *path, enum route_json_dialect d)
{
	bool log = d == ROUTE_JSON_LOG, first = true;
	const char *open, *close;
	size_t olen, clen;
	uint32_t i, k;

	*p++ = '[';
	for (i = 0; i < path->nseg; i++) {
		const struct bgp_as_segment *s = &path->seg[i];
		const uint32_t *a = path->asns + s->start;

		if (s->count == 0)
			continue;
		if (!first)
			*p++ = ',';
		first = false;
		switch (s->type) {
		case AS_SEQUENCE:
			open = close = "";
			break;
		case AS_SET:
			open = "[";
			close = "]";
			break;
		case AS_CONFED_SEQUENCE:
			open = log ? "{\"confed_seq\":[" : "[";
			close = log ? "]}" : "]";
			break;
		default:	/* AS_CONFED_SET */
			open = log ? "{\"confed_set\":[" : "[";
			close = log ? "]}" : "]";
			break;
		}
		olen = strlen(open);
		clen = strlen(close);
		p = jw_put(p, open, olen);
		p = jw_u64(p, a[0]);
		for (k = 1; k < s->count; k++) {
			*p++ = ',';
			p = jw_u64(p, a[k]);
		}
		p = jw_put(p, close, clen);
	}
	*p++ = ']';
	return p;
}

/*
 * The checked form of a writer whose bound is the AS path's: straight
 * into buf when the bound fits, else through a scratch buffer cut as
 * jb_put() cuts (with no memory for it, cut where it stands).
 */
void
route_json_aspath(char *buf, size_t cap, size_t *off,
    const struct bgp_aspath *path, enum route_json_dialect d)
{
	size_t max = route_json_aspath_max(path), len;
	char *t;

	if (*off <= cap && max <= cap - *off) {
		*off = (size_t)(rjw_aspath(buf + *off, path, d) - buf);
		return;
	}
	if ((t = malloc(max)) == NULL) {
		*off = cap + 1;
		return;
	}
	len = (size_t)(rjw_aspath(t, path, d) - t);
	jb_put(buf, cap, off, t, len);
	free(t);
}

char *
rjw_origin_path(char *p, enum bgp_origin_kind kind, uint32_t origin_as,
    const struct bgp_aspath *aspath, const struct ipaddr *next_hop,
    enum route_json_dialect d)
{
	p = jw_lit(p, ",\"origin_as\":");
	if (bgp_origin_known(kind))
		p = jw_u64(p, origin_as);
	else
		p = jw_lit(p, "null");
	p = jw_lit(p, ",\"origin_kind\":");
	p = jw_name(p, bgp_origin_kind_name(kind));
	p = jw_lit(p, ",\"as_path\":");
	if (aspath != NULL)
		p = rjw_aspath(p, aspath, d);
	else
		p = jw_lit(p, "null");
	p = jw_lit(p, ",\"next_hop\":");
	return rjw_addr(p, next_hop);
}

void
route_json_origin_path(char *buf, size_t cap, size_t *off,
    enum bgp_origin_kind kind, uint32_t origin_as,
    const struct bgp_aspath *aspath, const struct ipaddr *next_hop,
    enum route_json_dialect d)
{
	size_t max = ROUTE_JSON_ORIGIN_MAX +
	    (aspath != NULL ? route_json_aspath_max(aspath) : 0);
	size_t len;
	char *t;

	if (*off <= cap && max <= cap - *off) {
		*off = (size_t)(rjw_origin_path(buf + *off, kind, origin_as,
		    aspath, next_hop, d) - buf);
		return;
	}
	if ((t = malloc(max)) == NULL) {
		*off = cap + 1;
		return;
	}
	len = (size_t)(rjw_origin_path(t, kind, origin_as, aspath,
	    next_hop, d) - t);
	jb_put(buf, cap, off, t, len);
	free(t);
}

/* "vrps":[{"prefix":"192.0.2.0/24","max_length":24,"asn":64500}],"covering":1 */
static char *
put_vrps(char *p, const struct rov_result *res)
{
	unsigned i;

	p = jw_lit(p, "\"vrps\":[");
	for (i = 0; i < res->nvrps && i < ROV_MAX_DECIDING; i++) {
		const struct vrp *v = res->vrps[i];

		if (i > 0)
			*p++ = ',';
		p = jw_lit(p, "{\"prefix\":\"");
		p = jw_prefix(p, &v->prefix);
		p = jw_lit(p, "\",\"max_length\":");
		p = jw_u64(p, v->maxlen);
		p = jw_lit(p, ",\"asn\":");
		p = jw_u64(p, v->asn);
		*p++ = '}';
	}
	p = jw_lit(p, "],\"covering\":");
	return jw_u64(p, res->ncovering);
}

char *
rjw_rpki(char *p, const struct rov_result *res, uint64_t gen,
    enum route_json_dialect d)
{
	/* "reason" is null for VALID and NOT_FOUND */
	p = jw_lit(p, ",\"rpki\":{\"state\":");
	p = jw_name(p, rov_state_name(res->state));
	p = jw_lit(p, ",\"reason\":");
	p = jw_name(p, rov_reason_name(res->reason));
	if (d == ROUTE_JSON_LOG) {
		p = jw_lit(p, ",\"generation\":");
		p = jw_u64(p, gen);
	}
	*p++ = ',';
	p = put_vrps(p, res);
	if (d == ROUTE_JSON_ALERT) {
		p = jw_lit(p, ",\"generation\":");
		p = jw_u64(p, gen);
	}
	*p++ = '}';
	return p;
}

void
route_json_rpki(char *buf, size_t cap, size_t *off,
    const struct rov_result *res, uint64_t gen, enum route_json_dialect d)
{
	char t[ROUTE_JSON_RPKI_MAX];
	size_t len;

	len = (size_t)(rjw_rpki(t, res, gen, d) - t);
	jb_put(buf, cap, off, t, len);
}

static char *
put_aspa(char *p, const struct aspa_result *a)
{
	p = jw_lit(p, ",\"aspa\":");
	if (a == NULL)
		return jw_lit(p, "null");
	p = jw_lit(p, "{\"state\":");
	p = jw_name(p, aspa_state_name(a->state));
	p = jw_lit(p, ",\"procedure\":");
	p = jw_name(p, aspa_procedure_name(a->procedure));
	p = jw_lit(p, ",\"reason\":");
	p = jw_name(p, aspa_reason_name(a->reason));
	p = jw_lit(p, ",\"hop\":");
	if (a->hop_customer == 0 && a->hop_provider == 0)
		p = jw_lit(p, "null");
	else {
		p = jw_lit(p, "{\"customer\":");
		p = jw_u64(p, a->hop_customer);
		p = jw_lit(p, ",\"provider\":");
		p = jw_u64(p, a->hop_provider);
		*p++ = '}';
	}
	*p++ = '}';
	return p;
}

char *
rjw_leak(char *p, const struct route_json_leak *l)
{
	p = jw_lit(p, ",\"peer_role\":");
	p = jw_name(p, bgp_role_text(l->role));
	p = jw_lit(p, ",\"role_source\":");
	p = jw_name(p, bgp_role_source_name(l->role_source));
	p = jw_lit(p, ",\"otc\":");
	if (l->has_otc)
		p = jw_u64(p, l->otc);
	else
		p = jw_lit(p, "null");
	p = jw_lit(p, ",\"router_rpki_state\":");
	p = jw_name(p,
	    bgp_router_rpki_name((enum bgp_router_rpki)l->router_rpki));
	p = put_aspa(p, l->aspa);
	p = jw_lit(p, ",\"leak\":");
	if (l->leak == BGP_LEAK_NONE)
		return jw_lit(p, "null");
	/* every rule of enum bgp_leak is one of RFC 9234 section 5 */
	p = jw_lit(p, "{\"rule\":");
	p = jw_name(p, bgp_leak_name(l->leak));
	p = jw_lit(p, ",\"rfc\":\"9234 section 5\",\"otc\":");
	p = jw_u64(p, l->otc);
	p = jw_lit(p, ",\"peer_as\":");
	if (l->peer_as != 0)
		p = jw_u64(p, l->peer_as);
	else
		p = jw_lit(p, "null");
	*p++ = '}';
	return p;
}

void
route_json_leak(char *buf, size_t cap, size_t *off,
    const struct route_json_leak *l)
{
	char t[ROUTE_JSON_LEAK_MAX];
	size_t len;

	len = (size_t)(rjw_leak(t, l) - t);
	jb_put(buf, cap, off, t, len);
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
