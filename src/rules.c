/*
 * rules.c - load, index and evaluate the Snort-flavoured rule language.
 *
 * Loading.  Files are read one line at a time into a bounded buffer
 * (RULES_MAX_LINE): a longer line is an error as soon as the limit is
 * crossed, so a 1 GB line costs 64 KiB, not 1 GB.  Each rule line is
 * parsed in place (values are NUL-terminated inside the line buffer) and
 * copied into a struct rule that owns its strings and lists.  The first
 * error stops the load and becomes the one message the caller sees:
 * "file:line:column: expected X, got Y", column of the offending token.
 * Nothing is kept from a failed load.
 *
 * Matching.  What a rule asks of the RPKI result is one 16-bit set of
 * (state, reason) pairs plus a bit for "no VRPs loaded", so rpki options
 * combine by union and matching is one AND.  After loading, the rules are
 * indexed by (event kind, RPKI state): 4 x 4 lists of rule pointers, pass
 * rules first, each part in file order.  rules_eval() walks one list.
 * Prefix, ASN and peer lists are scanned linearly: watch lists are short.
 *
 * event_filter.  Per rule, a table keyed by what is tracked (nothing,
 * the sending peer's address, or the prefix) of {window start, count},
 * times from ev->ts only, so replays of a capture are deterministic.
 * The table is capped (FILTER_MAX_TRACK); when full, expired windows are
 * dropped and, if it is still full, new keys share one overflow entry
 * (they are then limited together, never more often than configured).
 * A reload keeps this state for rules that did not change (see
 * rules_take_state()): otherwise each SIGHUP would let another `count'
 * alerts through per tracked key.  Every alert or log event a filter
 * holds back is counted, per rule and in stats.alert_event_filtered.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "rules.h"
#include "stats.h"

#define RULES_MAX_CLASSES	1024
#define FILTER_MAX_TRACK	65536	/* tracked keys per rule */
#define FILTER_MIN_TRACK	64

/* (state, reason) bits: 5 reasons per state; bit 15 = no RPKI data. */
#define RPKI_BIT(s, r)	(1u << ((unsigned)(s) * 5 + (unsigned)(r)))
#define RPKI_STATE(s)	(0x1fu << ((unsigned)(s) * 5))
#define RPKI_NONE_BIT	(1u << 15)
#define RPKI_ALL	0xffffu
#define NBUCKET		4		/* no RPKI, not-found, valid, invalid */
#define NKIND		4

#define KIND_BIT(k)	(1u << (k))
#define KINDS_DEFAULT	(KIND_BIT(RTEV_ANNOUNCE) | KIND_BIT(RTEV_REVALIDATE))

struct classification {
	char		*name;
	char		*desc;
	unsigned	 prio;
};

enum track { TRACK_RULE, TRACK_PEER, TRACK_PREFIX };
enum ftype { FT_LIMIT, FT_THRESHOLD, FT_BOTH };

struct filter_ent {
	uint8_t		 key[18];	/* family, length, address */
	bool		 used;
	int64_t		 start;		/* window start, usec */
	uint64_t	 count;
};

struct event_filter {
	enum track	 track;
	enum ftype	 type;
	uint32_t	 count;
	uint32_t	 seconds;
	struct filter_ent *tab;		/* NULL until needed */
	size_t		 cap, used;
	int64_t		 last_purge;	/* when the full table was swept */
	struct filter_ent overflow;	/* by_rule, or the table is full */
};

struct aslist {
	uint32_t	*v;
	unsigned	 n;
};

enum pfx_match { PFX_EXACT, PFX_ORLONGER, PFX_LONGER };

struct rprefix {
	struct prefix	 p;
	enum pfx_match	 how;
};

struct rule {
	enum rule_action action;
	uint32_t	 gid, sid, rev;
	unsigned	 priority;
	char		*msg;
	const struct classification *cls;
	const char	*file;		/* in ruleset->files */
	unsigned	 line, sidcol;
	/* matching */
	uint16_t	 rpki;		/* RPKI_BIT set */
	uint8_t		 kinds;		/* KIND_BIT set */
	uint8_t		 family;	/* 0 any */
	struct rprefix	*pfx;
	unsigned	 npfx;
	struct prefix	*peer_addr;
	unsigned	 npeer_addr;
	struct aslist	 origin, not_origin, peer_as;
	bool		 has_filter;
	struct event_filter ef;
	uint64_t	 matches;
	uint64_t	 suppressed;	/* held back by the event_filter */
};

struct ruleset {
	struct rule	*rules;
	unsigned	 n, cap;
	struct classification *cls;
	unsigned	 ncls;
	char		**files;
	unsigned	 nfiles;
	struct rule	**idx[NKIND][NBUCKET];
	unsigned	 nidx[NKIND][NBUCKET];
};

/* The parse position: which file, line and line buffer errors refer to. */
struct loader {
	struct ruleset	*rs;
	const char	*file;
	unsigned	 line;
	const char	*lbuf;
	const char	*inc_at;	/* the include's path, for errors */
	char		 err[1024];
};

static const char *kind_names[] = {
	"announce", "withdraw", "revalidate", "resolved",
};

static const struct classification builtin_classes[] = {
	{ "rpki-invalid", "RPKI invalid route origin", 1 },
	{ "rpki-invalid-length", "RPKI invalid: more specific than "
	    "maxLength allows", 1 },
	{ "rpki-invalid-as-set", "RPKI invalid: AS_SET or unknown origin", 2 },
	{ "rpki-not-found", "RPKI not found: no covering ROA", 3 },
	{ "rpki-resolved", "RPKI alert resolved", 4 },
	{ "hijack-watch", "Watched prefix announced unexpectedly", 1 },
	{ "policy", "Routing policy violation", 2 },
};

/* ---- errors ---- */

static int
lerr(struct loader *ld, const char *at, const char *fmt, ...)
    ROVMON_PRINTF(3, 4);

static int
lerr(struct loader *ld, const char *at, const char *fmt, ...)
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
static const char *
tok(const char *p, char *buf, size_t len)
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

static char *
skip_ws(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* ASCII ranges rather than isalnum(): the rule language does not change
 * with the locale, and the analyzer can see that NUL ends a word. */
static bool
is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Next comma-separated item of *vp, trimmed and NUL-terminated in place;
 * NULL after the last. */
static char *
next_item(char **vp)
{
	char *s = *vp, *e, *comma;

	if (s == NULL)
		return NULL;
	s = skip_ws(s);
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

static int
num_opt(struct loader *ld, char *v, const char *name, uint32_t min,
    uint32_t max, uint32_t *out)
{
	if (parse_u32(v, min, max, out) == -1)
		return lerr(ld, v, "expected %s between %u and %u, got '%.40s'",
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
	char *it = next_item(&v);
	unsigned s, rs, mask = 0;

	if (strcmp(it, "any") == 0) {
		if (v != NULL)
			return lerr(ld, v, "expected no reason after 'any', "
			    "got '%.40s'", next_item(&v));
		r->rpki = RPKI_ALL;
		return 0;
	}
	for (s = 0; s < 3 && strcmp(it, states[s]) != 0; s++)
		;
	if (s == 3)
		return lerr(ld, it, "expected RPKI state valid, invalid, "
		    "not-found or any, got '%.40s'", it);
	while ((it = next_item(&v)) != NULL) {
		if (s != ROV_INVALID)
			return lerr(ld, it, "expected a reason only after "
			    "'invalid', got '%.40s'", it);
		for (rs = 1; rs < 5 && strcmp(it, reasons[rs]) != 0; rs++)
			;
		if (rs == 5)
			return lerr(ld, it, "expected RPKI reason as, length, "
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

	r->kinds = 0;
	while ((it = next_item(&v)) != NULL) {
		for (k = 0; k < NKIND && strcmp(it, kind_names[k]) != 0; k++)
			;
		if (k == NKIND)
			return lerr(ld, it, "expected event announce, withdraw, "
			    "revalidate or resolved, got '%.40s'", it);
		r->kinds |= (uint8_t)KIND_BIT(k);
	}
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
		return lerr(ld, it, "expected a prefix, got '%.60s'", it);
	if (host)
		return lerr(ld, it, "expected a prefix without host bits, "
		    "got '%.60s'", it);
	return 0;
}

static int
opt_prefix(struct loader *ld, struct rule *r, char *v)
{
	struct rprefix rp, *np;
	char *it = next_item(&v);

	memset(&rp, 0, sizeof(rp));
	if (strchr(it, '/') == NULL)
		return lerr(ld, it, "expected a prefix, got '%.60s'", it);
	if (get_prefix(ld, it, &rp.p) == -1)
		return -1;
	if ((it = next_item(&v)) != NULL) {
		if (strcmp(it, "orlonger") == 0)
			rp.how = PFX_ORLONGER;
		else if (strcmp(it, "longer") == 0)
			rp.how = PFX_LONGER;
		else
			return lerr(ld, it, "expected 'orlonger' or 'longer', "
			    "got '%.40s'", it);
	}
	if (v != NULL)
		return lerr(ld, v, "expected ';' after the prefix, got ','");
	if ((np = reallocarray(r->pfx, r->npfx + 1, sizeof(*np))) == NULL)
		return lerr(ld, it, "expected memory, got ENOMEM");
	r->pfx = np;
	r->pfx[r->npfx++] = rp;
	return 0;
}

static int
opt_peer_addr(struct loader *ld, struct rule *r, char *v)
{
	struct prefix p, *np;
	char *it;

	while ((it = next_item(&v)) != NULL) {
		if (get_prefix(ld, it, &p) == -1)
			return -1;
		np = reallocarray(r->peer_addr, r->npeer_addr + 1, sizeof(p));
		if (np == NULL)
			return lerr(ld, it, "expected memory, got ENOMEM");
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

	while ((it = next_item(&v)) != NULL) {
		n = it;
		if (strncasecmp(n, "as", 2) == 0)
			n += 2;
		if (parse_u32(n, 0, UINT32_MAX, &as) == -1)
			return lerr(ld, it, "expected an AS number, got '%.40s'",
			    it);
		if ((nv = reallocarray(l->v, l->n + 1, sizeof(*nv))) == NULL)
			return lerr(ld, it, "expected memory, got ENOMEM");
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
		return lerr(ld, v, "expected afi ipv4 or ipv6, got '%.40s'", v);
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
	return lerr(ld, v, "expected a classtype from the classification "
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

	while ((it = next_item(&v)) != NULL) {
		val = it;
		while (*val != '\0' && !isspace((unsigned char)*val))
			val++;
		if (*val != '\0')
			*val++ = '\0';
		val = skip_ws(val);
		for (k = 0; k < 4 && strcmp(it, keys[k]) != 0; k++)
			;
		if (k == 4 || (seen & (1u << k)))
			return lerr(ld, it, "expected event_filter track, type, "
			    "count or seconds once each, got '%.40s'", it);
		seen |= 1u << k;
		if (k == 0 || k == 1) {
			const char **names = k == 0 ? tracks : types;

			for (i = 0; i < 3 && strcmp(val, names[i]) != 0; i++)
				;
			if (i == 3)
				return lerr(ld, val, "expected %s, got '%.40s'",
				    k == 0 ? "by_rule, by_peer or by_prefix" :
				    "limit, threshold or both", val);
			if (k == 0)
				ef->track = (enum track)i;
			else
				ef->type = (enum ftype)i;
		} else if (num_opt(ld, val, keys[k], 1, k == 2 ? UINT32_MAX :
		    86400 * 365, k == 2 ? &ef->count : &ef->seconds) == -1)
			return -1;
	}
	if (seen != 0xf)
		return lerr(ld, start, "expected event_filter with track, type, "
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
		return lerr(ld, p, "expected '\"' to start msg, got %s",
		    tok(p, b, sizeof(b)));
	if ((out = r->msg = malloc(strlen(p))) == NULL)
		return lerr(ld, p, "expected memory, got ENOMEM");
	for (q = p + 1; *q != '"'; q++) {
		if (*q == '\0')
			return lerr(ld, p, "expected '\"' to end msg, got end "
			    "of line");
		if (*q == '\\') {
			q++;
			if (*q != '"' && *q != '\\')
				return lerr(ld, q - 1, "expected escape \\\" "
				    "or \\\\, got %s", tok(q - 1, b, sizeof(b)));
		}
		*out++ = *q;
	}
	*out = '\0';
	q = skip_ws(q + 1);
	if (*q != ';')
		return lerr(ld, q, "expected ';', got %s", tok(q, b, sizeof(b)));
	*pp = q + 1;
	return 0;
}

enum opt_id {
	O_MSG, O_GID, O_SID, O_REV, O_CLASSTYPE, O_PRIORITY, O_RPKI, O_EVENT,
	O_PREFIX, O_ORIGIN, O_NOT_ORIGIN, O_PEER_AS, O_PEER_ADDR, O_AFI,
	O_EVENT_FILTER, O_COUNT
};

static const char *opt_names[O_COUNT] = {
	"msg", "gid", "sid", "rev", "classtype", "priority", "rpki", "event",
	"prefix", "origin_as", "not_origin_as", "peer_as", "peer_addr", "afi",
	"event_filter",
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
		return num_opt(ld, v, "gid", 1, UINT32_MAX, &r->gid);
	case O_SID:
		r->sidcol = (unsigned)(v - ld->lbuf) + 1;
		return num_opt(ld, v, "sid", 1, UINT32_MAX, &r->sid);
	case O_REV:
		return num_opt(ld, v, "rev", 1, UINT32_MAX, &r->rev);
	case O_PRIORITY:
		if (num_opt(ld, v, "priority", 1, 255, &prio) == -1)
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
	default:
		return lerr(ld, v, "expected a known option, got a bug");
	}
}

/* One "name:value;" at *pp; value ends at ';' (msg: a quoted string). */
static int
parse_opt(struct loader *ld, struct rule *r, char **pp, unsigned *seen)
{
	char *p = *pp, *name = p, *v, *e, b[48];
	unsigned o;
	size_t n;

	while (is_word(*p))
		p++;
	if ((n = (size_t)(p - name)) == 0)
		return lerr(ld, p, "expected an option name, got %s",
		    tok(p, b, sizeof(b)));
	for (o = 0; o < O_COUNT && (strlen(opt_names[o]) != n ||
	    strncmp(opt_names[o], name, n) != 0); o++)
		;
	if (o == O_COUNT)
		return lerr(ld, name, "expected a known option, got '%.*s'",
		    (int)(n > 40 ? 40 : n), name);
	if ((*seen & (1u << o)) && !(OPT_REPEATABLE & (1u << o)))
		return lerr(ld, name, "expected one %s option, got a second",
		    opt_names[o]);
	if (o == O_RPKI && !(*seen & (1u << o)))
		r->rpki = 0;	/* the first replaces the default "any" */
	*seen |= 1u << o;
	p = skip_ws(p);
	if (*p != ':')
		return lerr(ld, p, "expected ':' after %s, got %s",
		    opt_names[o], tok(p, b, sizeof(b)));
	p = skip_ws(p + 1);
	if (o == O_MSG) {
		*pp = p;
		return opt_msg(ld, r, pp);
	}
	v = p;
	while (*p != '\0' && *p != ';' && *p != ')')
		p++;
	if (*p != ';')
		return lerr(ld, p, "expected ';', got %s", tok(p, b, sizeof(b)));
	for (e = p; e > v && isspace((unsigned char)e[-1]); e--)
		;
	if (e == v)
		return lerr(ld, v, "expected a value for %s, got ';'",
		    opt_names[o]);
	*e = '\0';
	*pp = p + 1;
	return apply_opt(ld, r, (enum opt_id)o, v);
}

static void
rule_clear(struct rule *r)
{
	free(r->msg);
	free(r->pfx);
	free(r->peer_addr);
	free(r->origin.v);
	free(r->not_origin.v);
	free(r->peer_as.v);
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
		return lerr(ld, NULL, "expected at most %u rules, got more",
		    RULES_MAX_RULES);
	if (rs->n == rs->cap) {
		ncap = rs->cap == 0 ? 64 : rs->cap * 2;
		if ((nr = reallocarray(rs->rules, ncap, sizeof(*nr))) == NULL)
			return lerr(ld, NULL, "expected memory, got ENOMEM");
		rs->rules = nr;
		rs->cap = ncap;
	}
	rs->rules[rs->n++] = *r;
	return 0;
}

/* "ACTION bgp (options)" with p just past ACTION. */
static int
parse_rule(struct loader *ld, enum rule_action action, char *p)
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
	r.kinds = KINDS_DEFAULT;
	r.file = ld->file;
	r.line = ld->line;
	p = skip_ws(p);
	if (strncmp(p, "bgp", 3) != 0 || is_word(p[3])) {
		lerr(ld, p, "expected protocol 'bgp', got %s",
		    tok(p, b, sizeof(b)));
		goto fail;
	}
	p = skip_ws(p + 3);
	if (*p != '(') {
		lerr(ld, p, "expected '(', got %s", tok(p, b, sizeof(b)));
		goto fail;
	}
	for (p = skip_ws(p + 1); *p != ')'; p = skip_ws(p)) {
		if (*p == '\0') {
			lerr(ld, p, "expected ')', got end of line");
			goto fail;
		}
		if (parse_opt(ld, &r, &p, &seen) == -1)
			goto fail;
	}
	close = p;
	p = skip_ws(p + 1);
	if (*p != '\0' && *p != '#') {
		lerr(ld, p, "expected end of line after ')', got %s",
		    tok(p, b, sizeof(b)));
		goto fail;
	}
	if (!(seen & (1u << O_SID))) {
		lerr(ld, close, "expected a sid option, got ')'");
		goto fail;
	}
	if (!(seen & (1u << O_PRIORITY)))
		r.priority = r.cls != NULL ? r.cls->prio :
		    RULES_DEFAULT_PRIORITY;
	if (r.msg == NULL && (r.msg = strdup("")) == NULL) {
		lerr(ld, NULL, "expected memory, got ENOMEM");
		goto fail;
	}
	if (add_rule(ld, &r) == 0)
		return 0;
 fail:
	rule_clear(&r);
	return -1;
}

/* ---- files ---- */

/* One line into buf (RULES_MAX_LINE + 1 bytes): 1 a line, 0 end of file,
 * -1 too long, -2 NUL byte, -3 read error.  Never reads past the cap. */
static int
read_line(FILE *fp, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0') {
			buf[n] = '\0';		/* the column is strlen + 1 */
			return -2;
		}
		if (n == RULES_MAX_LINE)
			return -1;
		buf[n++] = (char)c;
	}
	if (c == EOF && (ferror(fp) || n == 0))
		return ferror(fp) ? -3 : 0;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 1;
}

static int	load_file(struct loader *, const char *, int);

/* "include PATH", relative to the including file's directory. */
static int
parse_include(struct loader *ld, char *p, int depth)
{
	const char *slash = strrchr(ld->file, '/');
	char *e, *path;
	int rc;

	p = skip_ws(p);
	for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (*p == '\0')
		return lerr(ld, p, "expected a file name after include, "
		    "got end of line");
	if (depth + 1 >= RULES_MAX_DEPTH)
		return lerr(ld, p, "expected include depth below %d, got "
		    "deeper", RULES_MAX_DEPTH);
	if (*p == '/' || slash == NULL)
		path = strdup(p);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - ld->file),
	    ld->file, p) == -1)
		path = NULL;
	if (path == NULL)
		return lerr(ld, p, "expected memory, got ENOMEM");
	ld->inc_at = p;
	rc = load_file(ld, path, depth + 1);
	free(path);
	return rc;
}

static int
parse_line(struct loader *ld, char *s, int depth)
{
	static const char *actions[] = { "alert", "log", "pass" };
	char *p = skip_ws(s), *w = p, b[48];
	unsigned a;
	size_t n;

	if (*p == '\0' || *p == '#')
		return 0;
	while (is_word(*p))
		p++;
	n = (size_t)(p - w);
	if (n == 7 && strncmp(w, "include", 7) == 0)
		return parse_include(ld, p, depth);
	for (a = 0; a < 3; a++)
		if (strlen(actions[a]) == n && strncmp(w, actions[a], n) == 0)
			return parse_rule(ld, (enum rule_action)a, p);
	return lerr(ld, w, "expected 'alert', 'log', 'pass' or 'include', "
	    "got %s", tok(w, b, sizeof(b)));
}

/* Open path for the loader; errors refer to the include line, if any. */
static FILE *
open_file(struct loader *ld, const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "r")) != NULL)
		return fp;
	if (ld->file == NULL)
		snprintf(ld->err, sizeof(ld->err), "%s: expected a readable "
		    "file, got %s", path, strerror(errno));
	else
		lerr(ld, ld->inc_at, "expected a readable file, got '%s': %s",
		    path, strerror(errno));
	return NULL;
}

/* Read path line by line, calling fn on each; ld->file/line/lbuf are
 * restored afterwards so an include's caller reports its own position. */
static int
read_file(struct loader *ld, const char *path, int depth,
    int (*fn)(struct loader *, char *, int))
{
	const char *ofile = ld->file, *olbuf = ld->lbuf;
	unsigned oline = ld->line;
	char *buf = NULL, **nf;
	FILE *fp = NULL;
	int rc = -1, r;

	if ((fp = open_file(ld, path)) == NULL)
		goto done;
	nf = reallocarray(ld->rs->files, ld->rs->nfiles + 1, sizeof(*nf));
	if (nf == NULL || (buf = malloc(RULES_MAX_LINE + 1)) == NULL) {
		if (nf != NULL)
			ld->rs->files = nf;
		lerr(ld, NULL, "expected memory, got ENOMEM");
		goto done;
	}
	ld->rs->files = nf;
	if ((nf[ld->rs->nfiles] = strdup(path)) == NULL)
		goto done;
	ld->file = nf[ld->rs->nfiles++];
	ld->line = 0;
	ld->lbuf = buf;
	buf[0] = '\0';
	while ((r = read_line(fp, buf)) != 0) {
		ld->line++;
		if (r == -1)
			lerr(ld, buf + RULES_MAX_LINE, "expected a line of at "
			    "most %d bytes, got a longer line", RULES_MAX_LINE);
		else if (r == -2)
			lerr(ld, buf + strlen(buf), "expected text, got a NUL "
			    "byte");
		else if (r == -3)
			lerr(ld, NULL, "expected to read the file, got %s",
			    strerror(errno));
		if (r < 0 || fn(ld, buf, depth) == -1)
			goto done;
	}
	rc = 0;
 done:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	ld->file = ofile;
	ld->line = oline;
	ld->lbuf = olbuf;
	return rc;
}

static int
load_file(struct loader *ld, const char *path, int depth)
{
	return read_file(ld, path, depth, parse_line);
}

/* "config classification: NAME,Description,PRIORITY" */
static int
parse_class_line(struct loader *ld, char *s, int depth)
{
	struct ruleset *rs = ld->rs;
	struct classification *c;
	char *p = skip_ws(s), *name, *desc, *prio, *e, b[48];
	uint32_t pr;
	unsigned i;

	(void)depth;
	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "config", 6) != 0 || !isspace((unsigned char)p[6]))
		return lerr(ld, p, "expected 'config', got %s",
		    tok(p, b, sizeof(b)));
	p = skip_ws(p + 6);
	if (strncmp(p, "classification", 14) != 0 || is_word(p[14]))
		return lerr(ld, p, "expected 'classification', got %s",
		    tok(p, b, sizeof(b)));
	p = skip_ws(p + 14);
	if (*p != ':')
		return lerr(ld, p, "expected ':', got %s", tok(p, b, sizeof(b)));
	name = skip_ws(p + 1);
	for (e = name; is_word(*e); e++)
		;
	if (e == name)
		return lerr(ld, e, "expected a classification name, got %s",
		    tok(e, b, sizeof(b)));
	p = skip_ws(e);
	if (*p != ',')
		return lerr(ld, p, "expected ',', got %s", tok(p, b, sizeof(b)));
	*e = '\0';
	desc = p + 1;
	if ((e = strrchr(desc, ',')) == NULL)
		return lerr(ld, desc + strlen(desc), "expected ',' and a "
		    "priority, got end of line");
	*e = '\0';
	prio = e + 1;
	p = desc;
	desc = next_item(&p);
	p = prio;
	prio = next_item(&p);
	if (*desc == '\0')
		return lerr(ld, desc, "expected a description, got ','");
	if (num_opt(ld, prio, "priority", 1, 255, &pr) == -1)
		return -1;
	for (i = 0; i < rs->ncls; i++)
		if (strcmp(rs->cls[i].name, name) == 0)
			return lerr(ld, name, "expected a new classification "
			    "name, got '%s' again", name);
	if (rs->ncls == RULES_MAX_CLASSES)
		return lerr(ld, name, "expected at most %d classifications, "
		    "got more", RULES_MAX_CLASSES);
	if ((c = reallocarray(rs->cls, rs->ncls + 1, sizeof(*c))) == NULL)
		return lerr(ld, name, "expected memory, got ENOMEM");
	rs->cls = c;
	c += rs->ncls;
	c->name = strdup(name);
	c->desc = strdup(desc);
	c->prio = pr;
	rs->ncls++;
	if (c->name == NULL || c->desc == NULL)
		return lerr(ld, name, "expected memory, got ENOMEM");
	return 0;
}

static int
load_classes(struct loader *ld, const char *rules_path, const char *cpath)
{
	const char *slash = strrchr(rules_path, '/');
	struct classification *c;
	char *def = NULL;
	FILE *fp;
	unsigned i, n = sizeof(builtin_classes) / sizeof(builtin_classes[0]);
	int rc;

	if (cpath == NULL) {
		if (asprintf(&def, "%.*sclassification.config",
		    slash == NULL ? 0 : (int)(slash - rules_path + 1),
		    rules_path) == -1)
			return lerr(ld, NULL, "expected memory, got ENOMEM");
		if ((fp = fopen(def, "r")) != NULL) {
			fclose(fp);
			rc = read_file(ld, def, 0, parse_class_line);
			free(def);
			return rc;
		}
		free(def);
		if ((ld->rs->cls = calloc(n, sizeof(*c))) == NULL)
			return lerr(ld, NULL, "expected memory, got ENOMEM");
		for (i = 0; i < n; i++, ld->rs->ncls++) {
			c = &ld->rs->cls[i];
			c->name = strdup(builtin_classes[i].name);
			c->desc = strdup(builtin_classes[i].desc);
			c->prio = builtin_classes[i].prio;
			if (c->name == NULL || c->desc == NULL)
				return lerr(ld, NULL, "expected memory, got "
				    "ENOMEM");
		}
		return 0;
	}
	return read_file(ld, cpath, 0, parse_class_line);
}

/* ---- after loading: unique sids, the index ---- */

static int
sid_cmp(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
check_sids(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	struct rule **v;
	unsigned i;
	int rc = 0;

	if (rs->n == 0)
		return 0;
	if ((v = calloc(rs->n, sizeof(*v))) == NULL)
		return lerr(ld, NULL, "expected memory, got ENOMEM");
	for (i = 0; i < rs->n; i++)
		v[i] = &rs->rules[i];
	qsort(v, rs->n, sizeof(*v), sid_cmp);
	for (i = 1; i < rs->n; i++)
		if (v[i]->gid == v[i - 1]->gid && v[i]->sid == v[i - 1]->sid) {
			snprintf(ld->err, sizeof(ld->err), "%s:%u:%u: expected "
			    "a sid unique in gid %u, got %u again (first at "
			    "%s:%u)", v[i]->file, v[i]->line, v[i]->sidcol,
			    v[i]->gid, v[i]->sid, v[i - 1]->file,
			    v[i - 1]->line);
			rc = -1;
			break;
		}
	free(v);
	return rc;
}

static bool
rule_in_bucket(const struct rule *r, unsigned k, unsigned b)
{
	if (!(r->kinds & KIND_BIT(k)))
		return false;
	if (b == 0)
		return (r->rpki & RPKI_NONE_BIT) != 0;
	return (r->rpki & RPKI_STATE(b - 1)) != 0;
}

static int
build_index(struct ruleset *rs)
{
	unsigned k, b, i, pass, n;

	for (k = 0; k < NKIND; k++)
		for (b = 0; b < NBUCKET; b++) {
			for (n = 0, i = 0; i < rs->n; i++)
				n += rule_in_bucket(&rs->rules[i], k, b);
			if (n == 0)
				continue;
			if ((rs->idx[k][b] = calloc(n, sizeof(void *))) == NULL)
				return -1;
			for (pass = 0; pass < 2; pass++)
				for (i = 0; i < rs->n; i++)
					if (rule_in_bucket(&rs->rules[i], k,
					    b) && (rs->rules[i].action ==
					    RULE_PASS) == (pass == 0))
						rs->idx[k][b][rs->nidx[k][b]++]
						    = &rs->rules[i];
		}
	return 0;
}

struct ruleset *
rules_load_err(const char *path, const char *cpath, char *err,
    size_t errlen)
{
	struct loader ld;

	memset(&ld, 0, sizeof(ld));
	if (errlen > 0)
		err[0] = '\0';
	if ((ld.rs = calloc(1, sizeof(*ld.rs))) == NULL) {
		snprintf(err, errlen, "%s: expected memory, got ENOMEM", path);
		return NULL;
	}
	if (load_classes(&ld, path, cpath) == -1 ||
	    load_file(&ld, path, 0) == -1 || check_sids(&ld) == -1)
		goto fail;
	if (build_index(ld.rs) == -1) {
		snprintf(ld.err, sizeof(ld.err), "%s: expected memory for "
		    "the rule index, got ENOMEM", path);
		goto fail;
	}
	return ld.rs;
 fail:
	if (ld.err[0] == '\0')
		snprintf(ld.err, sizeof(ld.err), "%s: expected memory, got "
		    "ENOMEM", path);
	snprintf(err, errlen, "%s", ld.err);
	rules_free(ld.rs);
	return NULL;
}

struct ruleset *
rules_load(const char *path, const char *cpath)
{
	struct ruleset *rs;
	char err[1024];

	if ((rs = rules_load_err(path, cpath, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return rs;
}

void
rules_free(struct ruleset *rs)
{
	unsigned i, k, b;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_clear(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->ncls; i++) {
		free(rs->cls[i].name);
		free(rs->cls[i].desc);
	}
	free(rs->cls);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	for (k = 0; k < NKIND; k++)
		for (b = 0; b < NBUCKET; b++)
			free(rs->idx[k][b]);
	free(rs);
}

/* ---- evaluation ---- */

static bool
as_in(const struct aslist *l, uint32_t as)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == as)
			return true;
	return false;
}

static bool
pfx_match(const struct rprefix *rp, const struct prefix *p)
{
	switch (rp->how) {
	case PFX_ORLONGER:
		return prefix_covers(&rp->p, p);
	case PFX_LONGER:
		return p->len > rp->p.len && prefix_covers(&rp->p, p);
	case PFX_EXACT:
	default:
		return prefix_eq(&rp->p, p);
	}
}

static bool
rule_match(const struct rule *r, const struct route_event *ev)
{
	bool has_origin = ev->origin_kind == ORIGIN_AS_SEQ ||
	    ev->origin_kind == ORIGIN_AS_PEER;
	struct prefix src;
	unsigned i;

	if (ev->has_rpki) {
		if (!(r->rpki & RPKI_BIT(ev->rpki.state, ev->rpki.reason)))
			return false;
	} else if (!(r->rpki & RPKI_NONE_BIT))
		return false;
	if (r->family != 0 && r->family != ev->prefix.family)
		return false;
	if (r->peer_as.n > 0 && !as_in(&r->peer_as, ev->peer_as))
		return false;
	if (r->origin.n > 0 && (!has_origin || !as_in(&r->origin,
	    ev->origin_as)))
		return false;
	if (r->not_origin.n > 0 && has_origin && as_in(&r->not_origin,
	    ev->origin_as))
		return false;
	if (r->npeer_addr > 0) {
		src.family = ev->src_addr.family;
		src.len = (uint8_t)addr_maxlen(src.family);
		memcpy(src.a, ev->src_addr.a, sizeof(src.a));
		for (i = 0; i < r->npeer_addr; i++)
			if (prefix_covers(&r->peer_addr[i], &src))
				break;
		if (i == r->npeer_addr)
			return false;
	}
	if (r->npfx > 0) {
		for (i = 0; i < r->npfx; i++)
			if (pfx_match(&r->pfx[i], &ev->prefix))
				break;
		if (i == r->npfx)
			return false;
	}
	return true;
}

static uint32_t
key_hash(const uint8_t *k)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < 18; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static struct filter_ent *
tab_slot(struct filter_ent *tab, size_t cap, const uint8_t *key)
{
	size_t i = key_hash(key) & (cap - 1);

	while (tab[i].used && memcmp(tab[i].key, key, 18) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Rehash into cap slots, dropping windows that ended before now. */
static int
tab_rehash(struct event_filter *ef, size_t cap, int64_t now)
{
	struct filter_ent *nt, *e;
	int64_t win = (int64_t)ef->seconds * 1000000;
	size_t i;

	if ((nt = calloc(cap, sizeof(*nt))) == NULL)
		return -1;
	ef->used = 0;
	/* the first call has no table yet (tab NULL, cap 0) */
	for (i = 0; ef->tab != NULL && i < ef->cap; i++) {
		if (!ef->tab[i].used || now - ef->tab[i].start >= win)
			continue;
		e = tab_slot(nt, cap, ef->tab[i].key);
		*e = ef->tab[i];
		ef->used++;
	}
	free(ef->tab);
	ef->tab = nt;
	ef->cap = cap;
	return 0;
}

static struct filter_ent *
filter_entry(struct event_filter *ef, const struct route_event *ev,
    int64_t now)
{
	struct filter_ent *e;
	uint8_t key[18];

	memset(key, 0, sizeof(key));
	if (ef->track == TRACK_RULE)
		return &ef->overflow;
	if (ef->track == TRACK_PEER) {
		key[0] = ev->src_addr.family;
		memcpy(key + 2, ev->src_addr.a, 16);
	} else {
		key[0] = ev->prefix.family;
		key[1] = ev->prefix.len;
		memcpy(key + 2, ev->prefix.a, 16);
	}
	if (ef->tab == NULL && tab_rehash(ef, FILTER_MIN_TRACK, now) == -1)
		return &ef->overflow;
	e = tab_slot(ef->tab, ef->cap, key);
	if (e->used)
		return e;
	if ((ef->used + 1) * 4 > ef->cap * 3) {
		/* at the cap, sweep at most once a second of capture time */
		if (ef->cap >= FILTER_MAX_TRACK && now - ef->last_purge <
		    1000000 && now >= ef->last_purge)
			return &ef->overflow;
		ef->last_purge = now;
		if (tab_rehash(ef, ef->cap < FILTER_MAX_TRACK ? ef->cap * 2 :
		    ef->cap, now) == -1 || (ef->used + 1) * 4 > ef->cap * 3)
			return &ef->overflow;
		e = tab_slot(ef->tab, ef->cap, key);
	}
	memcpy(e->key, key, sizeof(key));
	e->used = true;
	e->count = 0;
	e->start = now;
	ef->used++;
	return e;
}

/* Snort semantics: limit = the first count per window; threshold =
 * every count-th; both = once per window, at the count-th. */
static bool
filter_allow(struct event_filter *ef, const struct route_event *ev)
{
	int64_t now = (int64_t)ev->ts.tv_sec * 1000000 + ev->ts.tv_usec;
	int64_t win = (int64_t)ef->seconds * 1000000;
	struct filter_ent *e = filter_entry(ef, ev, now);

	if (!e->used || now - e->start >= win) {
		e->used = true;
		e->start = now;
		e->count = 0;
	}
	e->count++;
	switch (ef->type) {
	case FT_LIMIT:
		return e->count <= ef->count;
	case FT_THRESHOLD:
		if (e->count < ef->count)
			return false;
		e->count = 0;
		return true;
	case FT_BOTH:
	default:
		return e->count == ef->count;
	}
}

unsigned
rules_eval(struct ruleset *rs, const struct route_event *ev,
    rules_fire_fn fire, void *arg)
{
	struct rule **v, *r;
	unsigned i, n, b, fired = 0;

	if ((unsigned)ev->kind >= NKIND)
		return 0;
	b = ev->has_rpki ? (unsigned)ev->rpki.state + 1 : 0;
	if (b >= NBUCKET)
		return 0;
	v = rs->idx[ev->kind][b];
	n = rs->nidx[ev->kind][b];
	for (i = 0; i < n; i++) {
		r = v[i];
		if (!rule_match(r, ev))
			continue;
		r->matches++;
		if (r->has_filter && !filter_allow(&r->ef, ev)) {
			/* an alert that would have been: count it, or a
			 * rate-limited rule hides how much it held back */
			if (r->action != RULE_PASS) {
				r->suppressed++;
				STAT_INC(alert_event_filtered);
			}
			continue;
		}
		if (r->action == RULE_PASS)
			return 0;
		fire(arg, r, ev);
		fired++;
	}
	return fired;
}

/* ---- reload ---- */

/* The same rule, filtered the same way: its counts still mean the same. */
static bool
filter_same(const struct rule *x, const struct rule *y)
{
	return x->has_filter && y->has_filter && x->gid == y->gid &&
	    x->sid == y->sid && x->rev == y->rev &&
	    x->ef.track == y->ef.track && x->ef.type == y->ef.type &&
	    x->ef.count == y->ef.count && x->ef.seconds == y->ef.seconds;
}

/* The rules of rs in (gid, sid) order; NULL on ENOMEM.  Caller frees. */
static struct rule **
by_sid(struct ruleset *rs)
{
	struct rule **v;
	unsigned i;

	if ((v = calloc(rs->n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < rs->n; i++)
		v[i] = &rs->rules[i];
	qsort(v, rs->n, sizeof(*v), sid_cmp);
	return v;
}

/*
 * Both sets are walked in (gid, sid) order, so a reload of 100,000 rules
 * costs two sorts, not n * n lookups.  sids are unique in a loaded set,
 * so each rule meets at most one counterpart.
 */
int
rules_take_state(struct ruleset *to, struct ruleset *from)
{
	struct rule **a = NULL, **b = NULL;
	unsigned i = 0, j = 0;
	int n = 0;

	if (to == NULL || from == NULL || to->n == 0 || from->n == 0)
		return 0;
	if ((a = by_sid(to)) == NULL || (b = by_sid(from)) == NULL) {
		free(a);
		return -1;
	}
	while (i < to->n && j < from->n) {
		if (a[i]->gid != b[j]->gid || a[i]->sid != b[j]->sid) {
			if (a[i]->gid < b[j]->gid || (a[i]->gid == b[j]->gid &&
			    a[i]->sid < b[j]->sid))
				i++;
			else
				j++;
			continue;
		}
		if (filter_same(a[i], b[j])) {
			/* the parameters are equal: the whole struct moves */
			free(a[i]->ef.tab);
			a[i]->ef = b[j]->ef;
			b[j]->ef.tab = NULL;
			b[j]->ef.cap = b[j]->ef.used = 0;
			n++;
		}
		i++;
		j++;
	}
	free(a);
	free(b);
	return n;
}

/* ---- accessors ---- */

unsigned
rules_count(const struct ruleset *rs)
{
	return rs == NULL ? 0 : rs->n;
}

const struct rule *
rules_rule(const struct ruleset *rs, unsigned i)
{
	return i < rs->n ? &rs->rules[i] : NULL;
}

const struct rule *
rules_find(const struct ruleset *rs, uint32_t gid, uint32_t sid)
{
	unsigned i;

	for (i = 0; i < rs->n; i++)
		if (rs->rules[i].gid == gid && rs->rules[i].sid == sid)
			return &rs->rules[i];
	return NULL;
}

const char *
rule_action_name(enum rule_action a)
{
	switch (a) {
	case RULE_LOG:
		return "log";
	case RULE_PASS:
		return "pass";
	case RULE_ALERT:
	default:
		return "alert";
	}
}

enum rule_action rule_action(const struct rule *r) { return r->action; }
uint32_t rule_gid(const struct rule *r) { return r->gid; }
uint32_t rule_sid(const struct rule *r) { return r->sid; }
uint32_t rule_rev(const struct rule *r) { return r->rev; }
const char *rule_msg(const struct rule *r) { return r->msg; }
unsigned rule_priority(const struct rule *r) { return r->priority; }
const char *rule_file(const struct rule *r) { return r->file; }
unsigned rule_line(const struct rule *r) { return r->line; }
uint64_t rule_matches(const struct rule *r) { return r->matches; }
uint64_t rule_suppressed(const struct rule *r) { return r->suppressed; }

const char *
rule_classtype(const struct rule *r)
{
	return r->cls != NULL ? r->cls->name : NULL;
}

const char *
rule_class_desc(const struct rule *r)
{
	return r->cls != NULL ? r->cls->desc : NULL;
}
