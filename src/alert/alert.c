/*
 * alert.c - build an alert and encode it as JSON (Snort 3 alert_json
 * field names where they apply, plus a "bgp" object) or as one line of
 * text.  docs/alerts.md lists every field.
 *
 * Direct formatting into the caller's buffer, no jansson: alerts are on
 * the packet path and their field order must be stable for golden tests.
 * The route facts (time, addresses, prefix, origin, AS path, rpki) are
 * written by route_json.c in the alerts' dialect.  Nothing here keeps
 * shared state, so the encoders may run in any thread.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alert/alert.h"
#include "base/jsonbuf.h"
#include "base/log.h"
#include "bgp/bgp_role.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"
#include "state/route_json.h"

static void
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void
alert_init(struct alert *a, uint32_t gid, uint32_t sid, uint32_t rev,
    uint32_t priority, const char *msg, const char *classtype,
    const char *class_desc, const char *action, const struct route_event *ev,
    const char *sensor, uint64_t pkt_num)
{
	memset(a, 0, sizeof(*a));
	a->gid = gid;
	a->sid = sid;
	a->rev = rev;
	a->priority = priority;
	copy_str(a->msg, sizeof(a->msg), msg);
	copy_str(a->classtype, sizeof(a->classtype), classtype);
	copy_str(a->class_desc, sizeof(a->class_desc), class_desc);
	copy_str(a->action, sizeof(a->action), action);
	a->ev = ev;
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

void
alert_put_jstr(char *buf, size_t cap, size_t *off, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	char esc[6] = { '\\', 'u', '0', '0' };	/* \u00XX, not a C string */
	size_t n;

	jb_put(buf, cap, off, "\"", 1);
	while (*s != '\0') {
		if (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') {
			n = 1;
			while (s[n] >= 0x20 && s[n] < 0x80 && s[n] != '"' &&
			    s[n] != '\\')
				n++;
			jb_put(buf, cap, off, (const char *)s, n);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			jb_puts(buf, cap, off, "\\\"");
			break;
		case '\\':
			jb_puts(buf, cap, off, "\\\\");
			break;
		case '\n':
			jb_puts(buf, cap, off, "\\n");
			break;
		case '\r':
			jb_puts(buf, cap, off, "\\r");
			break;
		case '\t':
			jb_puts(buf, cap, off, "\\t");
			break;
		default:
			if (*s < 0x20) {
				esc[4] = hex[*s >> 4];
				esc[5] = hex[*s & 0xf];
				jb_put(buf, cap, off, esc, 6);
			} else if ((n = utf8_len(s)) > 0) {
				jb_put(buf, cap, off, (const char *)s, n);
				s += n;
				continue;
			} else
				jb_puts(buf, cap, off, "\\ufffd");
			break;
		}
		s++;
	}
	jb_put(buf, cap, off, "\"", 1);
}

void
alert_put_base64(char *buf, size_t cap, size_t *off, const uint8_t *p,
    size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4], *o;
	uint32_t v;
	size_t i;

	/* straight into buf while the whole encoding fits */
	if (*off <= cap && (n + 2) / 3 * 4 <= cap - *off) {
		o = buf + *off;
		for (i = 0; i + 3 <= n; i += 3) {
			v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			    p[i + 2];
			*o++ = b64[v >> 18];
			*o++ = b64[(v >> 12) & 0x3f];
			*o++ = b64[(v >> 6) & 0x3f];
			*o++ = b64[v & 0x3f];
		}
		*off = (size_t)(o - buf);
	} else
		for (i = 0; i + 3 <= n; i += 3) {
			v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
			    p[i + 2];
			q[0] = b64[v >> 18];
			q[1] = b64[(v >> 12) & 0x3f];
			q[2] = b64[(v >> 6) & 0x3f];
			q[3] = b64[v & 0x3f];
			jb_put(buf, cap, off, q, 4);
		}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 0x3f];
		q[2] = i + 1 < n ? b64[(v >> 6) & 0x3f] : '=';
		q[3] = '=';
		jb_put(buf, cap, off, q, 4);
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
static void
put_leak(char *buf, size_t cap, size_t *off, const struct route_event *ev)
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
	route_json_leak(buf, cap, off, &l);
	jb_puts(buf, cap, off, ",\"prev_aspa_state\":");
	jb_put_name(buf, cap, off, ev->has_prev && ev->has_prev_aspa ?
	    aspa_state_name(ev->prev_aspa_state) : NULL);
	jb_puts(buf, cap, off, ",\"prev_leak\":");
	jb_put_name(buf, cap, off, ev->has_prev ?
	    bgp_leak_name(ev->prev_leak) : NULL);
}

/* "bgp":{...}: the route event, its facts in the alerts' dialect. */
static void
put_bgp(char *buf, size_t cap, size_t *off, const struct route_event *ev)
{
	const char *why = resolve_name(ev->resolve_why);

	jb_puts(buf, cap, off, ",\"bgp\":{\"event\":\"");
	jb_puts(buf, cap, off, route_event_kind_name(ev->kind));
	jb_put(buf, cap, off, "\"", 1);
	if (ev->kind == RTEV_RESOLVED && why != NULL) {
		jb_puts(buf, cap, off, ",\"resolve_reason\":\"");
		jb_puts(buf, cap, off, why);
		jb_put(buf, cap, off, "\"", 1);
	}
	jb_puts(buf, cap, off, ",\"peer\":{\"addr\":");
	route_json_addr(buf, cap, off, &ev->src_addr);
	jb_puts(buf, cap, off, ",\"as\":");
	jb_putu_or_null(buf, cap, off, ev->peer_as != 0, ev->peer_as);
	jb_puts(buf, cap, off, "},\"local\":{\"addr\":");
	route_json_addr(buf, cap, off, &ev->dst_addr);
	jb_put(buf, cap, off, "}", 1);
	route_json_prefix(buf, cap, off, &ev->prefix, ev->has_path_id,
	    ev->path_id);
	route_json_origin_path(buf, cap, off, ev->origin_kind, ev->origin_as,
	    ev->aspath, &ev->next_hop, ROUTE_JSON_ALERT);
	jb_puts(buf, cap, off, ",\"prev_state\":");
	if (ev->has_prev) {
		jb_put(buf, cap, off, "\"", 1);
		jb_puts(buf, cap, off, rov_state_name(ev->prev_state));
		jb_put(buf, cap, off, "\"", 1);
	} else
		jb_puts(buf, cap, off, "null");
	jb_puts(buf, cap, off, ",\"prev_origin_as\":");
	jb_putu_or_null(buf, cap, off, ev->has_prev && ev->prev_origin_as != 0,
	    ev->prev_origin_as);
	if (ev->has_rpki)
		route_json_rpki(buf, cap, off, &ev->rpki, ev->vrp_generation,
		    ROUTE_JSON_ALERT);
	put_leak(buf, cap, off, ev);
	jb_put(buf, cap, off, "}", 1);
}

/* The Snort 3 alert_json envelope, up to and including "action". */
static void
put_envelope(char *buf, size_t cap, size_t *off, const struct alert *a)
{
	const struct route_event *ev = a->ev;

	jb_puts(buf, cap, off, "{\"timestamp\":\"");
	route_json_ts(buf, cap, off, &ev->ts, ROUTE_JSON_TS_SNORT);
	jb_puts(buf, cap, off, "\",\"@timestamp\":\"");
	route_json_ts(buf, cap, off, &ev->ts, ROUTE_JSON_TS_ISO);
	jb_puts(buf, cap, off, "\",\"pkt_num\":");
	jb_putu(buf, cap, off, a->pkt_num);
	jb_puts(buf, cap, off, ",\"proto\":\"TCP\",\"pkt_len\":");
	jb_putu(buf, cap, off, ev->pkt != NULL ? ev->pkt->wirelen : 0);
	jb_puts(buf, cap, off, ",\"dir\":\"");
	jb_puts(buf, cap, off, alert_dir(ev->src_port, ev->dst_port));
	jb_put(buf, cap, off, "\"", 1);
	route_json_endpoints(buf, cap, off, &ev->src_addr, ev->src_port,
	    &ev->dst_addr, ev->dst_port);
	jb_puts(buf, cap, off, ",\"service\":\"bgp\"");
	alert_put_rule(buf, cap, off, a);
}

void
alert_put_rule(char *buf, size_t cap, size_t *off, const struct alert *a)
{
	jb_puts(buf, cap, off, ",\"rule\":\"");
	jb_putu(buf, cap, off, a->gid);
	jb_put(buf, cap, off, ":", 1);
	jb_putu(buf, cap, off, a->sid);
	jb_put(buf, cap, off, ":", 1);
	jb_putu(buf, cap, off, a->rev);
	jb_puts(buf, cap, off, "\",\"gid\":");
	jb_putu(buf, cap, off, a->gid);
	jb_puts(buf, cap, off, ",\"sid\":");
	jb_putu(buf, cap, off, a->sid);
	jb_puts(buf, cap, off, ",\"rev\":");
	jb_putu(buf, cap, off, a->rev);
	jb_puts(buf, cap, off, ",\"msg\":");
	alert_put_jstr(buf, cap, off, a->msg);
	jb_puts(buf, cap, off, ",\"class\":");
	alert_put_jstr(buf, cap, off, a->class_desc[0] != '\0' ?
	    a->class_desc : a->classtype[0] != '\0' ? a->classtype : "none");
	jb_puts(buf, cap, off, ",\"classtype\":");
	alert_put_jstr(buf, cap, off, a->classtype);
	jb_puts(buf, cap, off, ",\"priority\":");
	jb_putu(buf, cap, off, a->priority);
	jb_puts(buf, cap, off, ",\"action\":");
	alert_put_jstr(buf, cap, off, a->action[0] != '\0' ? a->action :
	    "alert");
}

int
alert_format_json(const struct alert *a, char *buf, size_t cap)
{
	const struct route_event *ev = a->ev;
	size_t off = 0, lim;

	if (a->sev != NULL)
		return alert_event_json(a, buf, cap);
	if (cap < 3)
		return -1;
	lim = cap - 2;		/* room for "\n" and NUL */
	put_envelope(buf, lim, &off, a);
	if (ev->msg != NULL && ev->msg_len > 0 &&
	    (ev->kind == RTEV_ANNOUNCE || ev->kind == RTEV_WITHDRAW ||
	    ev->kind == RTEV_RESOLVED)) {
		jb_puts(buf, lim, &off, ",\"b64_data\":\"");
		alert_put_base64(buf, lim, &off, ev->msg, ev->msg_len);
		jb_put(buf, lim, &off, "\"", 1);
	}
	if (a->sensor != NULL) {
		jb_puts(buf, lim, &off, ",\"sensor\":");
		alert_put_jstr(buf, lim, &off, a->sensor);
	}
	put_bgp(buf, lim, &off, ev);
	jb_put(buf, lim, &off, "}", 1);
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
	const char *reason = NULL, *why = resolve_name(ev->resolve_why);
	char pfx[PREFIX_STRLEN], peer[IPADDR_STRLEN], origin[16] = "none";
	char msg[ALERT_MSG_MAX], verdict[ROUTE_JSON_VRPS_TEXT] = "";
	size_t i;
	int n;

	if (cap == 0)
		return 0;
	/* one line: control characters from the rule file become spaces */
	for (i = 0; a->msg[i] != '\0'; i++)
		msg[i] = (unsigned char)a->msg[i] < 0x20 ? ' ' : a->msg[i];
	msg[i] = '\0';
	if (route_json_has_origin(ev->origin_kind))
		snprintf(origin, sizeof(origin), "AS%u", ev->origin_as);
	else if (ev->origin_kind == ORIGIN_AS_SET)
		snprintf(origin, sizeof(origin), "AS_SET");
	if (ev->has_rpki)
		reason = rov_reason_name(ev->rpki.reason);
	if (ev->has_rpki)
		route_json_vrps_text(&ev->rpki, verdict, sizeof(verdict));
	n = snprintf(buf, cap, "[%u:%u:%u] %s [Classification: %s] "
	    "[Priority: %u] %s%s%s %s origin %s rpki %s%s%s%s peer %s AS%u",
	    a->gid, a->sid, a->rev, msg,
	    a->class_desc[0] != '\0' ? a->class_desc :
	    a->classtype[0] != '\0' ? a->classtype : "none", a->priority,
	    route_event_kind_name(ev->kind),
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
