/*
 * alert.c - build an alert and encode it as JSON (Snort 3 alert_json
 * field names where they apply, plus a "bgp" object) or as one line of
 * text.  docs/alerts.md lists every field.
 *
 * Direct formatting into the caller's buffer, no jansson: alerts are on
 * the packet path and their field order must be stable for golden tests.
 * The route facts (time, addresses, prefix, origin, AS path, rpki) are
 * written by route_json.c in the alerts' dialect.
 *
 * An alert is about 1 KB and a table's burst makes hundreds of thousands,
 * so the line is bounded once (alert_max()) and written with jsonbuf.h's
 * unchecked writers, and what repeats is formatted once and kept per
 * thread: the session's addresses (session_of()).  The rule's run of
 * fields is the rule's own (struct alert_rule, escaped once when the
 * rules are loaded).  Nothing is written to shared memory, so the
 * encoders may run in any thread, on a copy of the alert.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "base/jsonbuf.h"
#include "base/log.h"
#include "bgp/bgp_role.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "state/route_json.h"

void
alert_init(struct alert *a, const struct alert_rule *rule,
    const struct route_event *ev, const char *sensor, uint64_t pkt_num)
{
	a->rule = rule;
	a->ev = ev;
	a->sev = NULL;
	a->sensor = sensor;
	a->pkt_num = pkt_num;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned min, cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c < 0xf0) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else {
		n = 4; cp = c & 0x07; min = 0x10000;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The JSON string of str at p, quoted and escaped, unchecked: at most
 * 6 bytes per byte of str (\u00XX, \ufffd) and the quotes.
 */
static char *
jstr_w(char *p, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	*p++ = '"';
	while (*s != '\0') {
		if (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') {
			n = 1;
			while (s[n] >= 0x20 && s[n] < 0x80 && s[n] != '"' &&
			    s[n] != '\\')
				n++;
			p = jw_put(p, (const char *)s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			p = jw_lit(p, "\\\"");
			break;
		case '\\':
			p = jw_lit(p, "\\\\");
			break;
		case '\n':
			p = jw_lit(p, "\\n");
			break;
		case '\r':
			p = jw_lit(p, "\\r");
			break;
		case '\t':
			p = jw_lit(p, "\\t");
			break;
		default:
			if (*s < 0x20) {
				p = jw_lit(p, "\\u00");
				*p++ = hex[*s >> 4];
				*p++ = hex[*s & 0xf];
			} else if ((n = utf8_len(s)) > 0) {
				p = jw_put(p, (const char *)s, n);
				s += n;
				continue;
			} else
				p = jw_lit(p, "\\ufffd");
			break;
		}
		s++;
	}
	*p++ = '"';
	return p;
}

void
alert_put_jstr(char *buf, size_t cap, size_t *off, const char *str)
{
	size_t max = 6 * strlen(str) + 2, len;
	char tmp[512], *t = tmp;

	if (*off <= cap && max <= cap - *off) {
		*off = (size_t)(jstr_w(buf + *off, str) - buf);
		return;
	}
	/* the text that fits, cut as jb_put() cuts (with no memory for
	 * it, cut where it stands) */
	if (max > sizeof(tmp) && (t = malloc(max)) == NULL) {
		*off = cap + 1;
		return;
	}
	len = (size_t)(jstr_w(t, str) - t);
	jb_put(buf, cap, off, t, len);
	if (t != tmp)
		free(t);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n bytes of p in base64 (RFC 4648, padded) at o: (n + 2) / 3 * 4. */
static char *
base64_w(char *o, const uint8_t *p, size_t n)
{
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		o[0] = b64[v >> 18];
		o[1] = b64[(v >> 12) & 0x3f];
		o[2] = b64[(v >> 6) & 0x3f];
		o[3] = b64[v & 0x3f];
		o += 4;
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		o[0] = b64[v >> 18];
		o[1] = b64[(v >> 12) & 0x3f];
		o[2] = i + 1 < n ? b64[(v >> 6) & 0x3f] : '=';
		o[3] = '=';
		o += 4;
	}
	return o;
}

void
alert_put_base64(char *buf, size_t cap, size_t *off, const uint8_t *p,
    size_t n)
{
	char t[64];
	size_t i, k, len;

	/* straight into buf while the whole encoding fits */
	if (*off <= cap && (n + 2) / 3 * 4 <= cap - *off) {
		*off = (size_t)(base64_w(buf + *off, p, n) - buf);
		return;
	}
	/* else 48 bytes (a multiple of 3) at a time, cut as jb_put() cuts */
	for (i = 0; i < n; i += k) {
		k = n - i < 48 ? n - i : 48;
		len = (size_t)(base64_w(t, p + i, k) - t);
		jb_put(buf, cap, off, t, len);
	}
}

const char *
alert_dir(uint16_t sport, uint16_t dport)
{
	if (dport == 179 && sport != 179)
		return "C2S";
	if (sport == 179 && dport != 179)
		return "S2C";
	return "UNK";
}

static const char *
resolve_name(enum route_resolve_why w)
{
	switch (w) {
	case RESOLVE_WITHDRAWN:
		return "withdrawn";
	case RESOLVE_VALID:
		return "valid";
	case RESOLVE_SESSION_DOWN:
		return "session-down";
	case RESOLVE_STALE:
		return "stale";
	case RESOLVE_SESSION_GONE:
		return "session-gone";
	default:
		return NULL;
	}
}

/* The route-leak fields (route_json_leak()), then the ASPA state and
 * leak the route had before this event, as prev_state for ROV. */
static char *
put_leak(char *p, const struct route_event *ev)
{
	struct route_json_leak l;

	l.role = ev->sender_role;
	l.role_source = ev->role_source;
	l.has_otc = ev->has_otc;
	l.otc = ev->otc;
	l.router_rpki = ev->router_rpki;
	l.leak = ev->leak;
	l.peer_as = ev->peer_as;
	l.aspa = ev->has_aspa ? &ev->aspa : NULL;
	p = rjw_leak(p, &l);
	p = jw_lit(p, ",\"prev_aspa_state\":");
	p = jw_name(p, ev->has_prev && ev->has_prev_aspa ?
	    aspa_state_name(ev->prev_aspa_state) : NULL);
	p = jw_lit(p, ",\"prev_leak\":");
	return jw_name(p, ev->has_prev ? bgp_leak_name(ev->prev_leak) : NULL);
}

/*
 * The session's text, the same for every alert of a table's burst: the
 * endpoints (,"src_addr":..,"dst_port":N) and the two addresses quoted,
 * kept per thread for the last session seen.
 */
struct session_text {
	bool		 valid;
	struct ipaddr	 src, dst;
	uint16_t	 sport, dport;
	size_t		 elen, srclen, dstlen;
	char		 endpoints[ROUTE_JSON_ENDPOINTS_MAX];
	char		 src_q[ROUTE_JSON_ADDR_MAX], dst_q[ROUTE_JSON_ADDR_MAX];
};

static _Thread_local struct session_text session_text;

static const struct session_text *
session_of(const struct route_event *ev)
{
	struct session_text *c = &session_text;

	if (!c->valid || c->sport != ev->src_port ||
	    c->dport != ev->dst_port ||
	    memcmp(&c->src, &ev->src_addr, sizeof(c->src)) != 0 ||
	    memcmp(&c->dst, &ev->dst_addr, sizeof(c->dst)) != 0) {
		c->elen = (size_t)(rjw_endpoints(c->endpoints, &ev->src_addr,
		    ev->src_port, &ev->dst_addr, ev->dst_port) - c->endpoints);
		c->srclen = (size_t)(rjw_addr(c->src_q, &ev->src_addr) -
		    c->src_q);
		c->dstlen = (size_t)(rjw_addr(c->dst_q, &ev->dst_addr) -
		    c->dst_q);
		c->src = ev->src_addr;
		c->dst = ev->dst_addr;
		c->sport = ev->src_port;
		c->dport = ev->dst_port;
		c->valid = true;
	}
	return c;
}

/* "bgp":{...}: the route event, its facts in the alerts' dialect. */
static char *
put_bgp(char *p, const struct route_event *ev)
{
	const struct session_text *st = session_of(ev);
	const char *why = resolve_name(ev->resolve_why);

	p = jw_lit(p, ",\"bgp\":{\"event\":");
	p = jw_name(p, route_event_kind_name(ev->kind));
	if (ev->kind == RTEV_RESOLVED && why != NULL) {
		p = jw_lit(p, ",\"resolve_reason\":");
		p = jw_name(p, why);
	}
	p = jw_lit(p, ",\"peer\":{\"addr\":");
	p = jw_put(p, st->src_q, st->srclen);
	p = jw_lit(p, ",\"as\":");
	if (ev->peer_as != 0)
		p = jw_u64(p, ev->peer_as);
	else
		p = jw_lit(p, "null");
	p = jw_lit(p, "},\"local\":{\"addr\":");
	p = jw_put(p, st->dst_q, st->dstlen);
	*p++ = '}';
	if (ev->view != BGP_VIEW_WIRE)
		p = rjw_view(p, ev->view);
	p = rjw_prefix(p, &ev->prefix, ev->has_path_id, ev->path_id);
	p = rjw_origin_path(p, ev->origin_kind, ev->origin_as, ev->aspath,
	    &ev->next_hop, ROUTE_JSON_ALERT);
	p = jw_lit(p, ",\"prev_state\":");
	p = jw_name(p, ev->has_prev ? rov_state_name(ev->prev_state) : NULL);
	p = jw_lit(p, ",\"prev_origin_as\":");
	if (ev->has_prev && ev->prev_origin_as != 0)
		p = jw_u64(p, ev->prev_origin_as);
	else
		p = jw_lit(p, "null");
	if (ev->has_rpki)
		p = rjw_rpki(p, &ev->rpki, ev->vrp_generation,
		    ROUTE_JSON_ALERT);
	p = put_leak(p, ev);
	*p++ = '}';
	return p;
}

/*
 * The rule's run of fields, ,"rule":"G:S:R" to "action":"..", escaped:
 * at most 6 bytes per byte of the four strings, and the rest.
 */
#define RULE_TEXT_MAX	(6 * (ALERT_MSG_MAX + ALERT_CLASS_MAX + \
	ALERT_CLASSDESC_MAX + ALERT_ACTION_MAX) + 200)

static char *
rule_w(char *p, const struct alert_rule *r)
{
	p = jw_lit(p, ",\"rule\":\"");
	p = jw_u64(p, r->gid);
	*p++ = ':';
	p = jw_u64(p, r->sid);
	*p++ = ':';
	p = jw_u64(p, r->rev);
	p = jw_lit(p, "\",\"gid\":");
	p = jw_u64(p, r->gid);
	p = jw_lit(p, ",\"sid\":");
	p = jw_u64(p, r->sid);
	p = jw_lit(p, ",\"rev\":");
	p = jw_u64(p, r->rev);
	p = jw_lit(p, ",\"msg\":");
	p = jstr_w(p, r->msg);
	p = jw_lit(p, ",\"class\":");
	p = jstr_w(p, r->class_desc[0] != '\0' ? r->class_desc :
	    r->classtype[0] != '\0' ? r->classtype : "none");
	p = jw_lit(p, ",\"classtype\":");
	p = jstr_w(p, r->classtype);
	p = jw_lit(p, ",\"priority\":");
	p = jw_u64(p, r->priority);
	p = jw_lit(p, ",\"action\":");
	return jstr_w(p, r->action[0] != '\0' ? r->action : "alert");
}

/*
 * The rule's part of every alert it fires, made once: the strings as an
 * alert shows them, cut to the ALERT_*_MAX sizes (a cut inside a UTF-8
 * sequence shows as U+FFFD), and their JSON text, escaped.  Written on
 * the stack at their largest, then kept in one allocation of their size.
 */
struct alert_rule *
alert_rule_new(uint32_t gid, uint32_t sid, uint32_t rev, uint32_t priority,
    const char *msg, const char *classtype, const char *class_desc,
    const char *action)
{
	static const size_t cap[4] = { ALERT_MSG_MAX, ALERT_CLASS_MAX,
	    ALERT_CLASSDESC_MAX, ALERT_ACTION_MAX };
	const char *src[4] = { msg, classtype, class_desc, action };
	char strs[4][ALERT_CLASSDESC_MAX > ALERT_MSG_MAX ?
	    ALERT_CLASSDESC_MAX : ALERT_MSG_MAX];
	char text[RULE_TEXT_MAX], *p;
	const char **dst[4];
	struct alert_rule t, *r;
	size_t len[4], total = 0, i;

	for (i = 0; i < 4; i++) {
		len[i] = src[i] != NULL ? strnlen(src[i], cap[i] - 1) : 0;
		if (len[i] > 0)
			memcpy(strs[i], src[i], len[i]);
		strs[i][len[i]] = '\0';
		total += len[i] + 1;
	}
	memset(&t, 0, sizeof(t));
	t.gid = gid;
	t.sid = sid;
	t.rev = rev;
	t.priority = priority;
	t.msg = strs[0];
	t.classtype = strs[1];
	t.class_desc = strs[2];
	t.action = strs[3];
	t.json_len = (size_t)(rule_w(text, &t) - text);
	if ((r = malloc(sizeof(*r) + total + t.json_len)) == NULL)
		return NULL;
	*r = t;
	p = (char *)(r + 1);
	dst[0] = &r->msg;
	dst[1] = &r->classtype;
	dst[2] = &r->class_desc;
	dst[3] = &r->action;
	for (i = 0; i < 4; i++) {
		memcpy(p, strs[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
	memcpy(p, text, t.json_len);
	r->json = p;
	return r;
}

void
alert_rule_free(struct alert_rule *r)
{
	free(r);
}

void
alert_put_rule(char *buf, size_t cap, size_t *off, const struct alert *a)
{
	jb_put(buf, cap, off, a->rule->json, a->rule->json_len);
}

/* The Snort 3 alert_json envelope, up to and including "action". */
static char *
put_envelope(char *p, const struct alert *a)
{
	const struct route_event *ev = a->ev;
	const struct session_text *st;

	p = jw_lit(p, "{\"timestamp\":\"");
	p = rjw_ts(p, &ev->ts, ROUTE_JSON_TS_SNORT);
	p = jw_lit(p, "\",\"@timestamp\":\"");
	p = rjw_ts(p, &ev->ts, ROUTE_JSON_TS_ISO);
	p = jw_lit(p, "\",\"pkt_num\":");
	p = jw_u64(p, a->pkt_num);
	p = jw_lit(p, ",\"proto\":\"TCP\",\"pkt_len\":");
	p = jw_u64(p, ev->pkt != NULL ? ev->pkt->wirelen : 0);
	p = jw_lit(p, ",\"dir\":\"");
	p = jw_put(p, alert_dir(ev->src_port, ev->dst_port), 3);
	*p++ = '"';
	st = session_of(ev);
	p = jw_put(p, st->endpoints, st->elen);
	p = jw_lit(p, ",\"service\":\"bgp\"");
	return jw_put(p, a->rule->json, a->rule->json_len);
}

/* The UPDATE's bytes go along with announcements, withdrawals and
 * resolutions. */
static bool
has_b64(const struct route_event *ev)
{
	return ev->msg != NULL && ev->msg_len > 0 &&
	    (ev->kind == RTEV_ANNOUNCE || ev->kind == RTEV_WITHDRAW ||
	    ev->kind == RTEV_RESOLVED);
}

/* The whole line without its '\n', at p. */
static char *
put_alert(char *p, const struct alert *a)
{
	const struct route_event *ev = a->ev;

	p = put_envelope(p, a);
	if (has_b64(ev)) {
		p = jw_lit(p, ",\"b64_data\":\"");
		p = base64_w(p, ev->msg, ev->msg_len);
		*p++ = '"';
	}
	if (a->sensor != NULL) {
		p = jw_lit(p, ",\"sensor\":");
		p = jstr_w(p, a->sensor);
	}
	p = put_bgp(p, ev);
	*p++ = '}';
	return p;
}

/*
 * The most put_alert() writes: the envelope's fixed fields (~330 bytes),
 * the "bgp" object's fixed fields (~2,330 with the rpki and route-leak
 * objects at their largest and a BMP view), the rule's text, the UPDATE
 * in base64, the sensor's name escaped and the AS path.
 */
#define ALERT_FIXED_MAX	4096

static size_t
alert_max(const struct alert *a)
{
	const struct route_event *ev = a->ev;
	size_t n = ALERT_FIXED_MAX + a->rule->json_len;

	if (has_b64(ev))
		n += ((size_t)ev->msg_len + 2) / 3 * 4;
	if (a->sensor != NULL)
		n += 6 * strlen(a->sensor);
	if (ev->aspath != NULL)
		n += route_json_aspath_max(ev->aspath);
	return n;
}

int
alert_format_json(const struct alert *a, char *buf, size_t cap)
{
	size_t off = 0, lim, max, len;
	char *t;

	if (a->sev != NULL)
		return alert_event_json(a, buf, cap);
	if (cap < 3)
		return -1;
	lim = cap - 2;		/* room for "\n" and NUL */
	max = alert_max(a);
	if (max <= lim)
		off = (size_t)(put_alert(buf, a) - buf);
	else {
		/* the bound is above cap, the text may not be: write it
		 * aside, and cut it as jsonbuf.h cuts */
		if ((t = malloc(max)) == NULL)
			return -1;
		len = (size_t)(put_alert(t, a) - t);
		jb_put(buf, lim, &off, t, len);
		free(t);
	}
	if (off > lim)
		return -1;
	buf[off++] = '\n';
	buf[off] = '\0';
	return (int)off;
}

/*
 * The text line's tail for route leaks, only when there is something to
 * say: " aspa invalid/hop" (the ASPA verdict, its reason), " leak
 * otc-from-customer" (the RFC 9234 rule broken).  n is the length so far
 * (snprintf's, maybe past cap); returns the final length, cut to cap - 1.
 */
static int
text_leak(const struct route_event *ev, char *buf, size_t cap, size_t n)
{
	const char *reason;
	int k;

	if (n < cap && ev->has_aspa) {
		reason = aspa_reason_name(ev->aspa.reason);
		k = snprintf(buf + n, cap - n, " aspa %s%s%s",
		    aspa_state_name(ev->aspa.state), reason != NULL ? "/" : "",
		    reason != NULL ? reason : "");
		n += k > 0 ? (size_t)k : 0;
	}
	if (n < cap && ev->leak != BGP_LEAK_NONE) {
		k = snprintf(buf + n, cap - n, " leak %s",
		    bgp_leak_name(ev->leak));
		n += k > 0 ? (size_t)k : 0;
	}
	/* the router's own verdict (RFC 8097), beside rovmon's "rpki" */
	if (n < cap && ev->router_rpki != BGP_RRPKI_NONE &&
	    bgp_router_rpki_name((enum bgp_router_rpki)ev->router_rpki) !=
	    NULL) {
		k = snprintf(buf + n, cap - n, " router_rpki %s",
		    bgp_router_rpki_name((enum bgp_router_rpki)ev->router_rpki));
		n += k > 0 ? (size_t)k : 0;
	}
	return n >= cap ? (int)cap - 1 : (int)n;
}

static int
route_text(const struct alert *a, char *buf, size_t cap)
{
	const struct route_event *ev = a->ev;
	const struct alert_rule *rule = a->rule;
	const char *reason = NULL, *why = resolve_name(ev->resolve_why);
	char pfx[PREFIX_STRLEN], peer[IPADDR_STRLEN], origin[16] = "none";
	char msg[ALERT_MSG_MAX], verdict[ROUTE_JSON_VRPS_TEXT] = "";
	size_t i;
	int n;

	if (cap == 0)
		return 0;
	/* one line: control characters from the rule file become spaces */
	for (i = 0; rule->msg[i] != '\0'; i++)
		msg[i] = (unsigned char)rule->msg[i] < 0x20 ? ' ' :
		    rule->msg[i];
	msg[i] = '\0';
	if (bgp_origin_known(ev->origin_kind))
		snprintf(origin, sizeof(origin), "AS%u", ev->origin_as);
	else if (ev->origin_kind == ORIGIN_AS_SET)
		snprintf(origin, sizeof(origin), "AS_SET");
	if (ev->has_rpki)
		reason = rov_reason_name(ev->rpki.reason);
	if (ev->has_rpki)
		route_json_vrps_text(&ev->rpki, verdict, sizeof(verdict));
	n = snprintf(buf, cap, "[%u:%u:%u] %s [Classification: %s] "
	    "[Priority: %u] %s%s%s %s origin %s rpki %s%s%s%s peer %s AS%u",
	    rule->gid, rule->sid, rule->rev, msg,
	    rule->class_desc[0] != '\0' ? rule->class_desc :
	    rule->classtype[0] != '\0' ? rule->classtype : "none",
	    rule->priority, route_event_kind_name(ev->kind),
	    ev->kind == RTEV_RESOLVED && why != NULL ? "/" : "",
	    ev->kind == RTEV_RESOLVED && why != NULL ? why : "",
	    prefix_fmt(&ev->prefix, pfx, sizeof(pfx)), origin,
	    ev->has_rpki ? rov_state_name(ev->rpki.state) : "unknown",
	    reason != NULL ? "/" : "", reason != NULL ? reason : "", verdict,
	    ev->src_addr.family != 0 ?
	    ipaddr_fmt(&ev->src_addr, peer, sizeof(peer)) : "-", ev->peer_as);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return text_leak(ev, buf, cap, (size_t)n);
}

int
alert_format_text(const struct alert *a, char *buf, size_t cap)
{
	if (a->sev != NULL)
		return alert_event_text(a, buf, cap);
	return route_text(a, buf, cap);
}
