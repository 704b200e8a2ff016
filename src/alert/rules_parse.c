/*
 * rules_parse.c - one rule line: "ACTION bgp (option; ...)" parsed in
 * place and copied into a struct rule that owns its strings and lists;
 * the option parsers, and the loader's error message
 * "file:line:column: expected X, got Y".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert/alert.h"
#include "alert/rules_internal.h"
#include "base/sensor_event.h"

static const char *kind_names[] = {
	"announce", "withdraw", "revalidate", "resolved",
};

/* ---- errors ---- */

int
rules_lerr(struct loader *ld, const char *at, const char *fmt, ...)
{
	char msg[768];
	unsigned col = 1;
	va_list ap;

	if (ld->err[0] != '\0')
		return -1;		/* keep the first */
	if (at != NULL && ld->lbuf != NULL)
		col = (unsigned)(at - ld->lbuf) + 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ld->err, sizeof(ld->err), "%s:%u:%u: %s", ld->file,
	    ld->line, col, msg);
	return -1;
}

/* The token at p for "got ...": quoted, at most 32 bytes. */
const char *
rules_tok(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	if (*p == '\0')
		return "end of line";
	if (strchr(";:,()\"", *p) != NULL)
		n = 1;
	else
		while (p[n] != '\0' && !isspace((unsigned char)p[n]) &&
		    strchr(";:,()\"", p[n]) == NULL && n < 32)
			n++;
	snprintf(buf, len, "'%.*s'", (int)n, p);
	return buf;
}

/* ---- small parsers ---- */

char *
rules_skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* ASCII ranges rather than isalnum(): the rule language does not change
 * with the locale, and the analyzer can see that NUL ends a word. */
bool
rules_is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Next comma-separated item of *vp, trimmed and NUL-terminated in place;
 * NULL after the last. */
char *
rules_next_item(char **vp)
{
	char *s = *vp, *e, *comma;

	if (s == NULL)
		return NULL;
	s = rules_skip_ws(s);
	if ((comma = strchr(s, ',')) != NULL) {
		*comma = '\0';
		*vp = comma + 1;
	} else
		*vp = NULL;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
rules_num_opt(struct loader *ld, char *v, const char *name, uint32_t min,
    uint32_t max, uint32_t *out)
{
	if (parse_u32(v, min, max, out) == -1)
		return rules_lerr(ld, v,
		    "expected %s between %u and %u, got '%.40s'",
		    name, min, max, v);
	return 0;
}

/* ---- options ---- */

static int
opt_rpki(struct loader *ld, struct rule *r, char *v)
{
	static const char *states[] = { "not-found", "valid", "invalid" };
	static const char *reasons[] = { NULL, "as", "length", "as0",
	    "as_set" };
	char *it = rules_next_item(&v);
	unsigned s, rs, mask = 0;

	if (strcmp(it, "any") == 0) {
		if (v != NULL)
			return rules_lerr(ld, v,
			    "expected no reason after 'any', "
			    "got '%.40s'", rules_next_item(&v));
		r->rpki = RPKI_ALL;
		return 0;
	}
	for (s = 0; s < 3 && strcmp(it, states[s]) != 0; s++)
		;
	if (s == 3)
		return rules_lerr(ld, it, "expected RPKI state valid, invalid, "
		    "not-found or any, got '%.40s'", it);
	while ((it = rules_next_item(&v)) != NULL) {
		if (s != ROV_INVALID)
			return rules_lerr(ld, it,
			    "expected a reason only after "
			    "'invalid', got '%.40s'", it);
		for (rs = 1; rs < 5 && strcmp(it, reasons[rs]) != 0; rs++)
			;
		if (rs == 5)
			return rules_lerr(ld, it,
			    "expected RPKI reason as, length, "
			    "as0 or as_set, got '%.40s'", it);
		mask |= RPKI_BIT(s, rs);
	}
	if (mask == 0)
		mask = RPKI_STATE(s);
	r->rpki |= (uint16_t)mask;
	return 0;
}

static int
opt_event(struct loader *ld, struct rule *r, char *v)
{
	char *it;
	unsigned k;

	int t;

	r->kinds = 0;
	while ((it = rules_next_item(&v)) != NULL) {
		for (k = 0; k < NKIND && strcmp(it, kind_names[k]) != 0; k++)
			;
		if (k < NKIND) {
			r->kinds |= (uint8_t)KIND_BIT(k);
			continue;
		}
		/* a sensor event (base/sensor_event.h): rtr-drift, ... */
		if ((t = sensor_event_type_find(it)) == -1)
			return rules_lerr(ld, it,
			    "expected event announce, withdraw, "
			    "revalidate, resolved or a sensor event "
			    "(rtr-drift, ...), got '%.40s'", it);
		r->sensor_types |= 1u << (unsigned)t;
	}
	if (r->kinds != 0 && r->sensor_types != 0)
		return rules_lerr(ld, v, "expected route events or sensor "
		    "events in one rule, got both");
	return 0;
}

static int
get_prefix(struct loader *ld, char *it, struct prefix *p)
{
	bool host = false;
	struct ipaddr a;

	if (strchr(it, '/') == NULL && ipaddr_parse(it, &a) == 0) {
		p->family = a.family;
		p->len = (uint8_t)addr_maxlen(a.family);
		memcpy(p->a, a.a, sizeof(p->a));
		return 0;
	}
	if (prefix_parse(it, p, &host) == -1)
		return rules_lerr(ld, it, "expected a prefix, got '%.60s'", it);
	if (host)
		return rules_lerr(ld, it,
		    "expected a prefix without host bits, "
		    "got '%.60s'", it);
	return 0;
}

static int
opt_prefix(struct loader *ld, struct rule *r, char *v)
{
	struct rprefix rp, *np;
	char *it = rules_next_item(&v);

	memset(&rp, 0, sizeof(rp));
	if (strchr(it, '/') == NULL)
		return rules_lerr(ld, it, "expected a prefix, got '%.60s'", it);
	if (get_prefix(ld, it, &rp.p) == -1)
		return -1;
	if ((it = rules_next_item(&v)) != NULL) {
		if (strcmp(it, "orlonger") == 0)
			rp.how = PFX_ORLONGER;
		else if (strcmp(it, "longer") == 0)
			rp.how = PFX_LONGER;
		else
			return rules_lerr(ld, it,
			    "expected 'orlonger' or 'longer', "
			    "got '%.40s'", it);
	}
	if (v != NULL)
		return rules_lerr(ld, v,
		    "expected ';' after the prefix, got ','");
	if ((np = reallocarray(r->pfx, r->npfx + 1, sizeof(*np))) == NULL)
		return rules_lerr(ld, it, "expected memory, got ENOMEM");
	r->pfx = np;
	r->pfx[r->npfx++] = rp;
	return 0;
}

static int
opt_peer_addr(struct loader *ld, struct rule *r, char *v)
{
	struct prefix p, *np;
	char *it;

	while ((it = rules_next_item(&v)) != NULL) {
		if (get_prefix(ld, it, &p) == -1)
			return -1;
		np = reallocarray(r->peer_addr, r->npeer_addr + 1, sizeof(p));
		if (np == NULL)
			return rules_lerr(ld, it,
			    "expected memory, got ENOMEM");
		r->peer_addr = np;
		r->peer_addr[r->npeer_addr++] = p;
	}
	return 0;
}

static int
opt_aslist(struct loader *ld, struct aslist *l, char *v)
{
	uint32_t as, *nv;
	char *it, *n;

	while ((it = rules_next_item(&v)) != NULL) {
		n = it;
		if (strncasecmp(n, "as", 2) == 0)
			n += 2;
		if (parse_u32(n, 0, UINT32_MAX, &as) == -1)
			return rules_lerr(ld, it,
			    "expected an AS number, got '%.40s'",
			    it);
		if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL)
			return rules_lerr(ld, it,
			    "expected memory, got ENOMEM");
		l->v = nv;
		l->v[l->n++] = as;
	}
	return 0;
}

static int
opt_afi(struct loader *ld, struct rule *r, char *v)
{
	if (strcmp(v, "ipv4") == 0)
		r->family = ADDR_V4;
	else if (strcmp(v, "ipv6") == 0)
		r->family = ADDR_V6;
	else
		return rules_lerr(ld, v,
		    "expected afi ipv4 or ipv6, got '%.40s'", v);
	return 0;
}

static int
opt_classtype(struct loader *ld, struct rule *r, char *v)
{
	unsigned i;

	for (i = 0; i < ld->rs->ncls; i++)
		if (strcmp(ld->rs->cls[i].name, v) == 0) {
			r->cls = &ld->rs->cls[i];
			return 0;
		}
	return rules_lerr(ld, v, "expected a classtype from the classification "
	    "file, got '%.40s'", v);
}

/* "track by_peer, type limit, count 100, seconds 60", all four. */
static int
opt_event_filter(struct loader *ld, struct rule *r, char *v)
{
	static const char *keys[] = { "track", "type", "count", "seconds" };
	static const char *tracks[] = { "by_rule", "by_peer", "by_prefix" };
	static const char *types[] = { "limit", "threshold", "both" };
	struct event_filter *ef = &r->ef;
	char *start = v, *it, *val;
	unsigned k, i, seen = 0;

	while ((it = rules_next_item(&v)) != NULL) {
		val = it;
		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
		if (*val != '\0')
			*val++ = '\0';
		val = rules_skip_ws(val);
		for (k = 0; k < 4 && strcmp(it, keys[k]) != 0; k++)
			;
		if (k == 4 || (seen & (1u << k)))
			return rules_lerr(ld, it,
			    "expected event_filter track, type, "
			    "count or seconds once each, got '%.40s'", it);
		seen |= 1u << k;
		if (k == 0 || k == 1) {
			const char **names = k == 0 ? tracks : types;

			for (i = 0; i < 3 && strcmp(val, names[i]) != 0; i++)
				;
			if (i == 3)
				return rules_lerr(ld, val,
				    "expected %s, got '%.40s'",
				    k == 0 ? "by_rule, by_peer or by_prefix" :
				    "limit, threshold or both", val);
			if (k == 0)
				ef->track = (enum track)i;
			else
				ef->type = (enum ftype)i;
		} else if (rules_num_opt(ld, val, keys[k], 1,
		    k == 2 ? UINT32_MAX : 86400 * 365,
		    k == 2 ? &ef->count : &ef->seconds) == -1)
			return -1;
	}
	if (seen != 0xf)
		return rules_lerr(ld, start,
		    "expected event_filter with track, type, "
		    "count and seconds, got %s", seen & 1 ? (seen & 2 ?
		    (seen & 4 ? "no seconds" : "no count") : "no type") :
		    "no track");
	r->has_filter = true;
	return 0;
}

/* The quoted msg at *pp: \" and \\ are the only escapes. */
static int
opt_msg(struct loader *ld, struct rule *r, char **pp)
{
	char *p = *pp, *q, *out, b[48];

	if (*p != '"')
		return rules_lerr(ld, p, "expected '\"' to start msg, got %s",
		    rules_tok(p, b, sizeof(b)));
	if ((out = r->msg = malloc(strlen(p))) == NULL)
		return rules_lerr(ld, p, "expected memory, got ENOMEM");
	for (q = p + 1; *q != '"'; q++) {
		if (*q == '\0')
			return rules_lerr(ld, p,
			    "expected '\"' to end msg, got end "
			    "of line");
		if (*q == '\\') {
			q++;
			if (*q != '"' && *q != '\\')
				return rules_lerr(ld, q - 1,
				    "expected escape \\\" or \\\\, got %s",
				    rules_tok(q - 1, b, sizeof(b)));
		}
		*out++ = *q;
	}
	*out = '\0';
	q = rules_skip_ws(q + 1);
	if (*q != ';')
		return rules_lerr(ld, q, "expected ';', got %s",
		    rules_tok(q, b, sizeof(b)));
	*pp = q + 1;
	return 0;
}

enum opt_id {
	O_MSG, O_GID, O_SID, O_REV, O_CLASSTYPE, O_PRIORITY, O_RPKI, O_EVENT,
	O_PREFIX, O_ORIGIN, O_NOT_ORIGIN, O_PEER_AS, O_PEER_ADDR, O_AFI,
	O_EVENT_FILTER, O_ASPA, O_LEAK, O_PEER_ROLE, O_OTC, O_ROUTER_RPKI,
	O_COUNT
};

static const char *opt_names[O_COUNT] = {
	"msg", "gid", "sid", "rev", "classtype", "priority", "rpki", "event",
	"prefix", "origin_as", "not_origin_as", "peer_as", "peer_addr", "afi",
	"event_filter", "aspa", "leak", "peer_role", "otc", "router_rpki",
};

/* Options that may appear more than once (their values accumulate). */
#define OPT_REPEATABLE	((1u << O_PREFIX) | (1u << O_RPKI) | \
    (1u << O_ORIGIN) | (1u << O_NOT_ORIGIN) | (1u << O_PEER_AS) | \
    (1u << O_PEER_ADDR))

static int
apply_opt(struct loader *ld, struct rule *r, enum opt_id o, char *v)
{
	uint32_t prio;

	switch (o) {
	case O_GID:
		return rules_num_opt(ld, v, "gid", 1, UINT32_MAX, &r->gid);
	case O_SID:
		r->sidcol = (unsigned)(v - ld->lbuf) + 1;
		return rules_num_opt(ld, v, "sid", 1, UINT32_MAX, &r->sid);
	case O_REV:
		return rules_num_opt(ld, v, "rev", 1, UINT32_MAX, &r->rev);
	case O_PRIORITY:
		if (rules_num_opt(ld, v, "priority", 1, 255, &prio) == -1)
			return -1;
		r->priority = prio;
		return 0;
	case O_CLASSTYPE:
		return opt_classtype(ld, r, v);
	case O_RPKI:
		return opt_rpki(ld, r, v);
	case O_EVENT:
		return opt_event(ld, r, v);
	case O_PREFIX:
		return opt_prefix(ld, r, v);
	case O_ORIGIN:
		return opt_aslist(ld, &r->origin, v);
	case O_NOT_ORIGIN:
		return opt_aslist(ld, &r->not_origin, v);
	case O_PEER_AS:
		return opt_aslist(ld, &r->peer_as, v);
	case O_PEER_ADDR:
		return opt_peer_addr(ld, r, v);
	case O_AFI:
		return opt_afi(ld, r, v);
	case O_EVENT_FILTER:
		return opt_event_filter(ld, r, v);
	case O_ASPA:
		return rules_opt_aspa(ld, r, v);
	case O_LEAK:
		return rules_opt_leak(ld, r, v);
	case O_PEER_ROLE:
		return rules_opt_role(ld, r, v);
	case O_OTC:
		return rules_opt_otc(ld, r, v);
	case O_ROUTER_RPKI:
		return rules_opt_router_rpki(ld, r, v);
	default:
		return rules_lerr(ld, v, "expected a known option, got a bug");
	}
}

/* One "name:value;" at *pp; value ends at ';' (msg: a quoted string). */
static int
parse_opt(struct loader *ld, struct rule *r, char **pp, unsigned *seen)
{
	char *p = *pp, *name = p, *v, *e, b[48];
	unsigned o;
	size_t n;

	while (rules_is_word(*p))
		p++;
	if ((n = (size_t)(p - name)) == 0)
		return rules_lerr(ld, p, "expected an option name, got %s",
		    rules_tok(p, b, sizeof(b)));
	for (o = 0; o < O_COUNT && (strlen(opt_names[o]) != n ||
	    strncmp(opt_names[o], name, n) != 0); o++)
		;
	if (o == O_COUNT)
		return rules_lerr(ld, name,
		    "expected a known option, got '%.*s'",
		    (int)(n > 40 ? 40 : n), name);
	if ((*seen & (1u << o)) && !(OPT_REPEATABLE & (1u << o)))
		return rules_lerr(ld, name,
		    "expected one %s option, got a second",
		    opt_names[o]);
	if (o == O_RPKI && !(*seen & (1u << o)))
		r->rpki = 0;	/* the first replaces the default "any" */
	*seen |= 1u << o;
	p = rules_skip_ws(p);
	if (*p != ':')
		return rules_lerr(ld, p, "expected ':' after %s, got %s",
		    opt_names[o], rules_tok(p, b, sizeof(b)));
	p = rules_skip_ws(p + 1);
	if (o == O_MSG) {
		*pp = p;
		return opt_msg(ld, r, pp);
	}
	v = p;
	while (*p != '\0' && *p != ';' && *p != ')')
		p++;
	if (*p != ';')
		return rules_lerr(ld, p, "expected ';', got %s",
		    rules_tok(p, b, sizeof(b)));
	for (e = p; e > v && isspace((unsigned char)e[-1]); e--)
		;
	if (e == v)
		return rules_lerr(ld, v, "expected a value for %s, got ';'",
		    opt_names[o]);
	*e = '\0';
	*pp = p + 1;
	return apply_opt(ld, r, (enum opt_id)o, v);
}

void
rules_clear_rule(struct rule *r)
{
	free(r->msg);
	alert_rule_free(r->alert);
	free(r->pfx);
	free(r->peer_addr);
	free(r->origin.v);
	free(r->not_origin.v);
	free(r->peer_as.v);
	free(r->otc.v);
	free(r->ef.tab);
	memset(r, 0, sizeof(*r));
}

static int
add_rule(struct loader *ld, struct rule *r)
{
	struct ruleset *rs = ld->rs;
	struct rule *nr;
	unsigned ncap;

	if (rs->n == RULES_MAX_RULES)
		return rules_lerr(ld, NULL,
		    "expected at most %u rules, got more",
		    RULES_MAX_RULES);
	if (rs->n == rs->cap) {
		ncap = rs->cap == 0 ? 64 : rs->cap * 2;
		if ((nr = reallocarray(rs->rules, ncap, sizeof(*nr))) == NULL)
			return rules_lerr(ld, NULL,
			    "expected memory, got ENOMEM");
		rs->rules = nr;
		rs->cap = ncap;
	}
	rs->rules[rs->n++] = *r;
	return 0;
}

/* "ACTION bgp (options)" with p just past ACTION. */
int
rules_parse_rule(struct loader *ld, enum rule_action action, char *p)
{
	struct rule r;
	unsigned seen = 0;
	char b[48];
	const char *close;

	memset(&r, 0, sizeof(r));
	r.action = action;
	r.gid = 1;
	r.rev = 1;
	r.rpki = RPKI_ALL;
	r.aspa = ASPA_ALL;
	r.leak = LEAK_ALL;
	r.role = ROLE_ALL;
	r.kinds = KINDS_DEFAULT;
	r.file = ld->file;
	r.line = ld->line;
	p = rules_skip_ws(p);
	if (strncmp(p, "bgp", 3) != 0 || rules_is_word(p[3])) {
		rules_lerr(ld, p, "expected protocol 'bgp', got %s",
		    rules_tok(p, b, sizeof(b)));
		goto fail;
	}
	p = rules_skip_ws(p + 3);
	if (*p != '(') {
		rules_lerr(ld, p, "expected '(', got %s",
		    rules_tok(p, b, sizeof(b)));
		goto fail;
	}
	for (p = rules_skip_ws(p + 1); *p != ')'; p = rules_skip_ws(p)) {
		if (*p == '\0') {
			rules_lerr(ld, p, "expected ')', got end of line");
			goto fail;
		}
		if (parse_opt(ld, &r, &p, &seen) == -1)
			goto fail;
	}
	close = p;
	p = rules_skip_ws(p + 1);
	if (*p != '\0' && *p != '#') {
		rules_lerr(ld, p, "expected end of line after ')', got %s",
		    rules_tok(p, b, sizeof(b)));
		goto fail;
	}
	if (!(seen & (1u << O_SID))) {
		rules_lerr(ld, close, "expected a sid option, got ')'");
		goto fail;
	}
	/* a sensor event has no route: only peer_addr (its address) and
	 * event_filter (by_rule, by_peer) apply to it */
	if (r.sensor_types != 0 && (seen & ((1u << O_RPKI) |
	    (1u << O_PREFIX) | (1u << O_ORIGIN) | (1u << O_NOT_ORIGIN) |
	    (1u << O_PEER_AS) | (1u << O_AFI) | (1u << O_ASPA) |
	    (1u << O_LEAK) | (1u << O_PEER_ROLE) | (1u << O_OTC)))) {
		rules_lerr(ld, close, "expected only msg, sid, rev, gid, "
		    "classtype, priority, peer_addr and event_filter with a "
		    "sensor event, got a route option");
		goto fail;
	}
	if (r.sensor_types != 0 && r.has_filter &&
	    r.ef.track == TRACK_PREFIX) {
		rules_lerr(ld, close, "expected event_filter track by_rule "
		    "or by_peer with a sensor event, got by_prefix");
		goto fail;
	}
	/* the verdicts it asks about: it fires on news of one of them */
	r.asks = (uint8_t)((r.rpki != RPKI_ALL ||
	    r.router_rpki != 0 || r.router_cmp != RRPKI_CMP_ANY ?
	    RTEV_VERDICT_RPKI : 0) |
	    (r.aspa != ASPA_ALL ? RTEV_VERDICT_ASPA : 0) |
	    (r.leak != LEAK_ALL ? RTEV_VERDICT_LEAK : 0));
	if (!(seen & (1u << O_PRIORITY)))
		r.priority = r.cls != NULL ? r.cls->prio :
		    RULES_DEFAULT_PRIORITY;
	if (r.msg == NULL && (r.msg = strdup("")) == NULL) {
		rules_lerr(ld, NULL, "expected memory, got ENOMEM");
		goto fail;
	}
	/* its alerts' text, escaped once here rather than per alert */
	if ((r.alert = alert_rule_new(r.gid, r.sid, r.rev, r.priority, r.msg,
	    rule_classtype(&r), rule_class_desc(&r),
	    rule_action_name(r.action))) == NULL) {
		rules_lerr(ld, NULL, "expected memory, got ENOMEM");
		goto fail;
	}
	if (add_rule(ld, &r) == 0)
		return 0;
 fail:
	rules_clear_rule(&r);
	return -1;
}
