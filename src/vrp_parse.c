/*
 * vrp_parse.c - VRP documents from memory or files: rpki-client,
 * Routinator, StayRTR and GoRTR JSON, a bare JSON array of VRP objects,
 * Routinator and rpki-client CSV, each optionally gzip or bzip2
 * compressed.  The format is told from the content, never the name.
 *
 * VRP files are treated like the wire (STYLE.md habit 8): every record is
 * type-checked, every value range-checked by vrp_set_add(), and a
 * document that is malformed JSON, or mostly bad, is refused whole so
 * that the caller keeps its previous set.
 *
 * Speed.  jansson builds the 75 MB rpki-client document (723k VRPs) as a
 * DOM in about 5 s, and still needs 1.7 s when asked for one array
 * element at a time.  So the JSON is walked here: the top-level
 * punctuation by hand, the members that are not "roas" by jansson, and
 * each "roas" element first by a small scanner that only accepts the
 * common shape -- an object whose members are plain (escape-free ASCII)
 * strings or integers, no member name twice.  Whatever it does not
 * accept is handed to jansson (JSON_DISABLE_EOF_CHECK, one element), so
 * the fast path never accepts a document jansson would refuse, and never
 * reads a value differently.  A JSON syntax error anywhere refuses the
 * document.
 */
#include <arpa/inet.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "vrp.h"

/* One record's members as found, before any check. */
enum ftype { F_NONE, F_INT, F_STR, F_OTHER };

struct field {
	enum ftype	 t;
	int64_t		 i;
	const char	*s;		/* not NUL-terminated; not owned */
	size_t		 len;
};

struct rec {
	struct field	 asn, prefix, maxlen, ta, expires;
};

struct parser {
	const char	*name;
	struct vrp_set	*set;
	const char	*doc;		/* start, for line numbers */
	size_t		 line;		/* CSV line of the record, or 0 */
	size_t		 warned;	/* host-bit warnings logged */
	bool		 have_roas;
	bool		 have_meta;
};

#define CSV_MAXCOLS	16
#define CSV_MAXLINE	1024
#define JSON_FLAGS	(JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | \
			    JSON_REJECT_DUPLICATES)

/* Copy at most 48 bytes of untrusted text for a message, unprintables
 * replaced; returns buf. */
static const char *
printable(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 4 < size && i < 48; i++)
		buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i < len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static void rec_bad(struct parser *, const char *, ...) ROVMON_PRINTF(2, 3);

/* Skip one bad record: counted always, logged the first few times. */
static void
rec_bad(struct parser *p, const char *fmt, ...)
{
	char msg[256], where[64];
	va_list ap;

	if (p->set->rejected++ >= VRP_LOG_RECORDS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line != 0)
		snprintf(where, sizeof(where), "record %zu (line %zu)",
		    p->set->records, p->line);
	else
		snprintf(where, sizeof(where), "record %zu", p->set->records);
	log_warnx("%s: %s: %s", p->name, where, msg);
}

/* Whole-document errors in the JSON, located by line. */
static void
json_fail(struct parser *p, const char *at, const char *what)
{
	const char *s;
	size_t line = 1;

	for (s = p->doc; s < at; s++)
		if (*s == '\n')
			line++;
	log_warnx("%s: line %zu: malformed JSON: %s", p->name, line, what);
}

/* "AS65000", "as65000" or "65000": 1..10 digits, at most 4294967295. */
static int
asn_parse(const char *s, size_t len, uint64_t *asn)
{
	size_t i;

	if (len >= 2 && strncasecmp(s, "AS", 2) == 0) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 10)
		return -1;
	*asn = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*asn = *asn * 10 + (uint64_t)(s[i] - '0');
	}
	return *asn > UINT32_MAX ? -1 : 0;
}

/* Copy a string field into buf as a C string; -1 if too long or NUL. */
static int
field_str(const struct field *f, char *buf, size_t size)
{
	if (f->len >= size || memchr(f->s, '\0', f->len) != NULL)
		return -1;
	memcpy(buf, f->s, f->len);
	buf[f->len] = '\0';
	return 0;
}

static int
rec_asn(struct parser *p, const struct rec *r, uint64_t *asn)
{
	char tmp[64];

	switch (r->asn.t) {
	case F_NONE:
		rec_bad(p, "asn missing");
		return -1;
	case F_INT:
		if (r->asn.i < 0 || r->asn.i > (int64_t)UINT32_MAX) {
			rec_bad(p, "asn %lld out of range 0..4294967295",
			    (long long)r->asn.i);
			return -1;
		}
		*asn = (uint64_t)r->asn.i;
		return 0;
	case F_STR:
		if (asn_parse(r->asn.s, r->asn.len, asn) == -1) {
			rec_bad(p, "invalid asn \"%s\"", printable(r->asn.s,
			    r->asn.len, tmp, sizeof(tmp)));
			return -1;
		}
		return 0;
	default:
		rec_bad(p, "asn is neither an integer nor an \"ASn\" string");
		return -1;
	}
}

/* The optional members: trust anchor name and expiry. */
static int
rec_optional(struct parser *p, const struct rec *r, char *ta, size_t tasize,
    int64_t *expires)
{
	ta[0] = '\0';
	if (r->ta.t == F_STR) {
		if (field_str(&r->ta, ta, tasize) == -1) {
			rec_bad(p, "ta longer than %d bytes or with NUL",
			    VRP_TA_NAMELEN);
			return -1;
		}
	} else if (r->ta.t != F_NONE) {
		rec_bad(p, "ta is not a string");
		return -1;
	}
	*expires = 0;
	if (r->expires.t == F_INT) {
		if (r->expires.i < 0) {
			rec_bad(p, "expires %lld is negative",
			    (long long)r->expires.i);
			return -1;
		}
		*expires = r->expires.i;
	} else if (r->expires.t != F_NONE) {
		rec_bad(p, "expires is not an integer");
		return -1;
	}
	return 0;
}

/*
 * "192.0.2.0/24" or "2001:db8::/32", the grammar of prefix_parse() but
 * host bits left for vrp_set_add() to clear and count.
 */
static int
prefix_text(const char *s, struct prefix *p)
{
	char tmp[PREFIX_STRLEN];
	const char *slash;
	size_t n;
	unsigned len = 0;

	memset(p, 0, sizeof(*p));
	if ((slash = strchr(s, '/')) == NULL ||
	    (n = (size_t)(slash - s)) == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, p->a) == 1)
		p->family = ADDR_V4;
	else if (inet_pton(AF_INET6, tmp, p->a) == 1)
		p->family = ADDR_V6;
	else
		return -1;
	for (s = slash + 1; *s >= '0' && *s <= '9' && len <= 128; s++)
		len = len * 10 + (unsigned)(*s - '0');
	if (s == slash + 1 || *s != '\0' || len > addr_maxlen(p->family))
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

/* Check one record and add it to the set; bad ones are counted. */
static void
rec_add(struct parser *p, const struct rec *r)
{
	char tmp[64], ta[VRP_TA_NAMELEN + 1], pbuf[PREFIX_STRLEN];
	char nbuf[PREFIX_STRLEN];
	struct prefix pfx;
	const char *why;
	uint64_t asn;
	int64_t expires;
	size_t normalised;

	if (r->prefix.t == F_NONE) {
		rec_bad(p, "prefix missing");
		return;
	}
	if (r->prefix.t != F_STR) {
		rec_bad(p, "prefix is not a string");
		return;
	}
	if (field_str(&r->prefix, pbuf, sizeof(pbuf)) == -1 ||
	    prefix_text(pbuf, &pfx) == -1) {
		rec_bad(p, "invalid prefix \"%s\"", printable(r->prefix.s,
		    r->prefix.len, tmp, sizeof(tmp)));
		return;
	}
	if (r->maxlen.t == F_NONE) {
		rec_bad(p, "maxLength missing (%s)", pbuf);
		return;
	}
	if (r->maxlen.t != F_INT) {
		rec_bad(p, "maxLength is not an integer (%s)", pbuf);
		return;
	}
	if (r->maxlen.i < 0 || r->maxlen.i > 255) {
		rec_bad(p, "maxLength %lld out of range (%s)",
		    (long long)r->maxlen.i, pbuf);
		return;
	}
	if (rec_asn(p, r, &asn) == -1 ||
	    rec_optional(p, r, ta, sizeof(ta), &expires) == -1)
		return;
	normalised = p->set->normalised;
	if (vrp_set_add(p->set, &pfx, (unsigned)r->maxlen.i, asn, ta,
	    expires, &why) == -1) {
		rec_bad(p, "%s (%s maxLength %lld AS%llu)", why, pbuf,
		    (long long)r->maxlen.i, (unsigned long long)asn);
		return;
	}
	if (p->set->normalised != normalised &&
	    p->warned++ < VRP_LOG_RECORDS)
		log_warnx("%s: record %zu: prefix %s has host bits set, using %s",
		    p->name, p->set->records, pbuf, prefix_fmt(
		    &p->set->v[p->set->n - 1].prefix, nbuf, sizeof(nbuf)));
}

/* ---- JSON ---- */

static const char *
json_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' ||
	    *s == '\r'))
		s++;
	return s;
}

/*
 * Fast path: a string without escapes, control characters or non-ASCII
 * bytes (jansson checks UTF-8; those go to it).  s is at the quote.
 */
static const char *
fast_string(const char *s, const char *end, struct field *f)
{
	const char *q;

	for (q = s + 1; q < end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x80)
			return NULL;
	if (q >= end)
		return NULL;
	f->t = F_STR;
	f->s = s + 1;
	f->len = (size_t)(q - s - 1);
	return q + 1;
}

/* Fast path: -?(0|[1-9][0-9]*), at most 18 digits, no fraction. */
static const char *
fast_int(const char *s, const char *end, struct field *f)
{
	bool neg = false;
	int64_t v = 0;
	int nd = 0;

	if (s < end && *s == '-') {
		neg = true;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return NULL;
	if (*s == '0') {
		s++;
	} else {
		for (; s < end && *s >= '0' && *s <= '9'; s++) {
			if (++nd > 18)
				return NULL;
			v = v * 10 + (*s - '0');
		}
	}
	if (s >= end || *s == '.' || *s == 'e' || *s == 'E' ||
	    (*s >= '0' && *s <= '9'))
		return NULL;
	f->t = F_INT;
	f->i = neg ? -v : v;
	return s;
}

static struct field *
rec_member(struct rec *r, const struct field *key)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} names[] = {
		{ "asn", offsetof(struct rec, asn) },
		{ "prefix", offsetof(struct rec, prefix) },
		{ "maxLength", offsetof(struct rec, maxlen) },
		{ "ta", offsetof(struct rec, ta) },
		{ "expires", offsetof(struct rec, expires) },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == key->len &&
		    memcmp(names[i].name, key->s, key->len) == 0)
			return (struct field *)((char *)r + names[i].off);
	return NULL;
}

/*
 * The common record shape, {"k": "v" or int, ...}; s is at '{'.  NULL
 * means "not handled here": the caller asks jansson, which either reads
 * it or reports the syntax error.
 */
static const char *
fast_object(const char *s, const char *end, struct rec *r)
{
	struct field keys[8], val, *f;
	size_t nkeys = 0, i;

	memset(r, 0, sizeof(*r));
	s = json_ws(s + 1, end);
	if (s < end && *s == '}')
		return s + 1;
	for (;;) {
		if (s >= end || *s != '"' || nkeys == 8 ||
		    (s = fast_string(s, end, &keys[nkeys])) == NULL)
			return NULL;
		for (i = 0; i < nkeys; i++)
			if (keys[i].len == keys[nkeys].len && memcmp(keys[i].s,
			    keys[nkeys].s, keys[i].len) == 0)
				return NULL;	/* jansson says duplicate */
		s = json_ws(s, end);
		if (s >= end || *s != ':')
			return NULL;
		s = json_ws(s + 1, end);
		if (s < end && *s == '"')
			s = fast_string(s, end, &val);
		else
			s = fast_int(s, end, &val);
		if (s == NULL)
			return NULL;
		if ((f = rec_member(r, &keys[nkeys])) != NULL)
			*f = val;
		nkeys++;
		s = json_ws(s, end);
		if (s < end && *s == '}')
			return s + 1;
		if (s >= end || *s != ',')
			return NULL;
		s = json_ws(s + 1, end);
	}
}

/* One JSON value by jansson; *out (if not NULL) gets the new reference. */
static const char *
json_value(struct parser *p, const char *s, const char *end, json_t **out)
{
	json_error_t err;
	json_t *j;

	if ((j = json_loadb(s, (size_t)(end - s), JSON_FLAGS, &err)) == NULL) {
		json_fail(p, s + (err.position > 0 ? err.position : 0),
		    err.text);
		return NULL;
	}
	if (err.position <= 0 || err.position > end - s) {
		json_decref(j);
		json_fail(p, s, "parser position lost");
		return NULL;
	}
	if (out != NULL)
		*out = j;
	else
		json_decref(j);
	return s + err.position;
}

static void
field_json(const json_t *j, struct field *f)
{
	memset(f, 0, sizeof(*f));
	if (j == NULL) {
		f->t = F_NONE;
	} else if (json_is_integer(j)) {
		f->t = F_INT;
		f->i = json_integer_value(j);
	} else if (json_is_string(j)) {
		f->t = F_STR;
		f->s = json_string_value(j);
		f->len = json_string_length(j);
	} else
		f->t = F_OTHER;
}

/* One element of the "roas" array (or of a bare array). */
static const char *
json_element(struct parser *p, const char *s, const char *end)
{
	const char *next;
	struct rec r;
	json_t *j;

	if (*s == '{' && (next = fast_object(s, end, &r)) != NULL) {
		rec_add(p, &r);
		return next;
	}
	if ((next = json_value(p, s, end, &j)) == NULL)
		return NULL;
	if (!json_is_object(j)) {
		rec_bad(p, "not a JSON object");
	} else {
		field_json(json_object_get(j, "asn"), &r.asn);
		field_json(json_object_get(j, "prefix"), &r.prefix);
		field_json(json_object_get(j, "maxLength"), &r.maxlen);
		field_json(json_object_get(j, "ta"), &r.ta);
		field_json(json_object_get(j, "expires"), &r.expires);
		rec_add(p, &r);
	}
	json_decref(j);
	return next;
}

/* The array of VRP objects; s is at '['. */
static const char *
json_roas(struct parser *p, const char *s, const char *end)
{
	s = json_ws(s + 1, end);
	if (s < end && *s == ']')
		return s + 1;
	for (;;) {
		if (s >= end) {
			json_fail(p, s, "truncated in the VRP array");
			return NULL;
		}
		if (p->set->records >= VRP_MAX_COUNT) {
			log_warnx("%s: more than %u VRP records", p->name,
			    VRP_MAX_COUNT);
			return NULL;
		}
		p->set->records++;
		if ((s = json_element(p, s, end)) == NULL)
			return NULL;
		s = json_ws(s, end);
		if (s < end && *s == ']')
			return s + 1;
		if (s >= end || *s != ',') {
			json_fail(p, s, s >= end ? "truncated in the VRP array" :
			    "expected ',' or ']' after a VRP");
			return NULL;
		}
		s = json_ws(s + 1, end);
	}
}

/* "2025-07-20T09:31:33Z" (rpki-client buildtime); -1 if not that. */
static int64_t
iso_time(const char *s)
{
	struct tm tm;
	char *e;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 20 || (e = strptime(s, "%Y-%m-%dT%H:%M:%SZ",
	    &tm)) == NULL || *e != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

/* metadata: rpki-client buildtime, GoRTR/Routinator generated. */
static int
json_meta(struct parser *p, const json_t *m)
{
	const json_t *bt, *gen;
	int64_t t;

	if (!json_is_object(m)) {
		log_warnx("%s: \"metadata\" is not an object", p->name);
		return -1;
	}
	bt = json_object_get(m, "buildtime");
	gen = json_object_get(m, "generated");
	if (json_is_string(bt)) {
		snprintf(p->set->format, sizeof(p->set->format), "rpki-client");
		if ((t = iso_time(json_string_value(bt))) == -1)
			log_warnx("%s: metadata.buildtime is not "
			    "YYYY-MM-DDTHH:MM:SSZ, ignored", p->name);
		else
			p->set->generated = t;
	} else if (json_is_integer(gen) && json_integer_value(gen) >= 0) {
		p->set->generated = json_integer_value(gen);
	} else if (bt != NULL || gen != NULL)
		log_warnx("%s: metadata build time of the wrong type, ignored",
		    p->name);
	return 0;
}

/* One member of the top-level object; s is at the name's quote. */
static const char *
json_member(struct parser *p, const char *s, const char *end)
{
	struct field key;
	json_t *j = NULL;
	char name[16] = "";
	const char *next;
	int rc;

	if ((next = fast_string(s, end, &key)) != NULL) {
		if (key.len < sizeof(name))
			field_str(&key, name, sizeof(name));
	} else {
		if ((next = json_value(p, s, end, &j)) == NULL)
			return NULL;
		if (json_string_length(j) < sizeof(name))
			snprintf(name, sizeof(name), "%s", json_string_value(j));
		json_decref(j);
		j = NULL;
	}
	s = json_ws(next, end);
	if (s >= end || *s != ':') {
		json_fail(p, s, "expected ':' after a member name");
		return NULL;
	}
	s = json_ws(s + 1, end);
	if (strcmp(name, "roas") == 0) {
		if (p->have_roas || s >= end || *s != '[') {
			json_fail(p, s, p->have_roas ? "\"roas\" twice" :
			    "\"roas\" is not an array");
			return NULL;
		}
		p->have_roas = true;
		return json_roas(p, s, end);
	}
	if (strcmp(name, "metadata") == 0) {
		if (p->have_meta) {
			json_fail(p, s, "\"metadata\" twice");
			return NULL;
		}
		p->have_meta = true;
		if ((next = json_value(p, s, end, &j)) == NULL)
			return NULL;
		rc = json_meta(p, j);
		json_decref(j);
		return rc == 0 ? next : NULL;
	}
	return json_value(p, s, end, NULL);
}

/* A whole JSON document: an object with "roas", or a bare array. */
static int
json_doc(struct parser *p, const char *s, const char *end)
{
	if (*s == '[') {
		snprintf(p->set->format, sizeof(p->set->format), "json");
		p->have_roas = true;
		if ((s = json_roas(p, s, end)) == NULL)
			return -1;
	} else {
		snprintf(p->set->format, sizeof(p->set->format), "json");
		s = json_ws(s + 1, end);
		if (s < end && *s == '}')
			s++;
		else for (;;) {
			if (s >= end || *s != '"') {
				json_fail(p, s, s >= end ? "truncated" :
				    "expected a member name");
				return -1;
			}
			if ((s = json_member(p, s, end)) == NULL)
				return -1;
			s = json_ws(s, end);
			if (s < end && *s == '}') {
				s++;
				break;
			}
			if (s >= end || *s != ',') {
				json_fail(p, s, s >= end ? "truncated" :
				    "expected ',' or '}'");
				return -1;
			}
			s = json_ws(s + 1, end);
		}
	}
	if ((s = json_ws(s, end)) != end) {
		json_fail(p, s, "data after the end of the document");
		return -1;
	}
	if (!p->have_roas) {
		log_warnx("%s: not a VRP document: JSON without a \"roas\" "
		    "array", p->name);
		return -1;
	}
	return 0;
}

/* ---- CSV ---- */

enum csv_col { COL_IGNORE, COL_ASN, COL_PREFIX, COL_MAXLEN, COL_TA,
	COL_EXPIRES };

struct csv {
	enum csv_col	 col[CSV_MAXCOLS];
	size_t		 ncols;
};

/* Split a line at commas; returns the field count, or CSV_MAXCOLS + 1. */
static size_t
csv_split(const char *s, size_t len, struct field *f)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (n == CSV_MAXCOLS)
			return CSV_MAXCOLS + 1;
		f[n].t = i > start ? F_STR : F_NONE;
		f[n].s = s + start;
		f[n].len = i - start;
		n++;
		start = i + 1;
	}
	return n;
}

/* Routinator "ASN,IP Prefix,Max Length,Trust Anchor", rpki-client adds
 * ",Expires"; Routinator csvext columns are found by name too. */
static int
csv_header(struct csv *c, const struct field *f, size_t n)
{
	static const struct {
		const char	*name;
		enum csv_col	 col;
	} names[] = {
		{ "ASN", COL_ASN }, { "IP Prefix", COL_PREFIX },
		{ "Max Length", COL_MAXLEN }, { "Trust Anchor", COL_TA },
		{ "Expires", COL_EXPIRES },
	};
	unsigned seen = 0;
	size_t i, k;

	c->ncols = n;
	for (i = 0; i < n; i++) {
		c->col[i] = COL_IGNORE;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			if (f[i].len == strlen(names[k].name) &&
			    strncasecmp(f[i].s, names[k].name, f[i].len) == 0) {
				if (seen & (1u << names[k].col))
					return -1;
				seen |= 1u << names[k].col;
				c->col[i] = names[k].col;
			}
		}
	}
	if ((seen & (1u << COL_ASN | 1u << COL_PREFIX | 1u << COL_MAXLEN)) !=
	    (1u << COL_ASN | 1u << COL_PREFIX | 1u << COL_MAXLEN))
		return -1;
	return 0;
}

/* A field that must be an unsigned decimal: F_INT, or F_OTHER. */
static void
csv_int(struct field *f)
{
	size_t i;
	int64_t v = 0;

	if (f->t != F_STR)
		return;
	for (i = 0; i < f->len; i++) {
		if (i == 18 || f->s[i] < '0' || f->s[i] > '9') {
			f->t = F_OTHER;
			return;
		}
		v = v * 10 + (f->s[i] - '0');
	}
	f->t = F_INT;
	f->i = v;
}

static void
csv_record(struct parser *p, const struct csv *c, const char *s, size_t len)
{
	struct field f[CSV_MAXCOLS];
	struct rec r;
	size_t n, i;

	if (len > CSV_MAXLINE) {
		rec_bad(p, "line longer than %d bytes", CSV_MAXLINE);
		return;
	}
	if ((n = csv_split(s, len, f)) != c->ncols) {
		rec_bad(p, "%s%zu fields, expected %zu", n > CSV_MAXCOLS ?
		    "more than " : "", n > CSV_MAXCOLS ? CSV_MAXCOLS : n,
		    c->ncols);
		return;
	}
	memset(&r, 0, sizeof(r));
	for (i = 0; i < n; i++) {
		switch (c->col[i]) {
		case COL_ASN:
			r.asn = f[i];
			break;
		case COL_PREFIX:
			r.prefix = f[i];
			break;
		case COL_MAXLEN:
			r.maxlen = f[i];
			csv_int(&r.maxlen);
			break;
		case COL_TA:
			r.ta = f[i];
			break;
		case COL_EXPIRES:
			r.expires = f[i];
			csv_int(&r.expires);
			break;
		case COL_IGNORE:
			break;
		}
	}
	rec_add(p, &r);
}

/* Next line without its "\n" or "\r\n"; NULL at the end. */
static const char *
csv_line(const char **sp, const char *end, size_t *len)
{
	const char *s = *sp, *nl;

	if (s >= end)
		return NULL;
	if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
		nl = end;
	*sp = nl < end ? nl + 1 : end;
	*len = (size_t)(nl - s);
	if (*len > 0 && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

static int
csv_doc(struct parser *p, const char *s, const char *end)
{
	static const enum csv_col dflt[] = { COL_ASN, COL_PREFIX, COL_MAXLEN,
	    COL_TA, COL_EXPIRES };
	struct field f[CSV_MAXCOLS];
	struct csv c;
	const char *l;
	size_t len, n, i, lineno = 1;
	uint64_t asn;

	l = csv_line(&s, end, &len);
	n = len <= CSV_MAXLINE ? csv_split(l, len, f) : 0;
	if (n >= 3 && n <= CSV_MAXCOLS && csv_header(&c, f, n) == 0) {
		/* header line */
	} else if ((n == 4 || n == 5) && f[0].t == F_STR &&
	    asn_parse(f[0].s, f[0].len, &asn) == 0 && f[1].t == F_STR &&
	    memchr(f[1].s, '/', f[1].len) != NULL) {
		c.ncols = n;	/* no header: ASN,prefix,maxlen,ta[,expires] */
		for (i = 0; i < n; i++)
			c.col[i] = dflt[i];
		s = l;
		lineno = 0;
	} else {
		log_warnx("%s: not a VRP file: neither JSON nor CSV with an "
		    "\"ASN,IP Prefix,Max Length,...\" header", p->name);
		return -1;
	}
	snprintf(p->set->format, sizeof(p->set->format), "csv");
	while ((l = csv_line(&s, end, &len)) != NULL) {
		lineno++;
		if (len == 0)
			continue;
		if (p->set->records >= VRP_MAX_COUNT) {
			log_warnx("%s: more than %u VRP records", p->name,
			    VRP_MAX_COUNT);
			return -1;
		}
		p->set->records++;
		p->line = lineno;
		csv_record(p, &c, l, len);
	}
	p->line = 0;
	return 0;
}

/* ---- the document ---- */

static int
parse_doc(struct parser *p, const char *s, const char *end)
{
	/* A UTF-8 byte order mark, as some tools put before CSV. */
	if (end - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s = json_ws(s, end);
	if (s == end) {
		log_warnx("%s: empty", p->name);
		return -1;
	}
	/* One allocation for a typical file: rpki-client JSON spends ~100
	 * bytes per VRP, CSV ~44; a wrong guess only costs a realloc. */
	if (*s == '{' || *s == '[') {
		(void)vrp_set_reserve(p->set, (size_t)(end - s) / 96);
		return json_doc(p, s, end);
	}
	(void)vrp_set_reserve(p->set, (size_t)(end - s) / 40);
	return csv_doc(p, s, end);
}

/* The whole-document verdict after the records are in. */
static int
parse_verdict(struct parser *p)
{
	struct vrp_set *set = p->set;

	if (set->records == 0) {
		log_warnx("%s: no VRP records", p->name);
		return -1;
	}
	if (set->rejected > VRP_LOG_RECORDS)
		log_warnx("%s: %zu records rejected (the first %d logged)",
		    p->name, set->rejected, VRP_LOG_RECORDS);
	if (set->n == 0) {
		log_warnx("%s: no valid VRP record (%zu rejected)", p->name,
		    set->rejected);
		return -1;
	}
	if (set->rejected > set->records / 2) {
		log_warnx("%s: %zu of %zu records bad, refusing the file",
		    p->name, set->rejected, set->records);
		return -1;
	}
	if (set->normalised > VRP_LOG_RECORDS)
		log_warnx("%s: %zu prefixes had host bits set (the first %d "
		    "logged)", p->name, set->normalised, VRP_LOG_RECORDS);
	return 0;
}

struct vrp_set *
vrp_parse(const char *name, const uint8_t *buf, size_t len)
{
	struct parser p;
	uint8_t *dec = NULL;
	size_t declen;
	int rc;

	memset(&p, 0, sizeof(p));
	p.name = name;
	if ((rc = vrp_decompress(name, buf, len, &dec, &declen)) == -1)
		return NULL;
	if (rc == 1) {
		buf = dec;
		len = declen;
	}
	if ((p.set = vrp_set_new()) == NULL ||
	    (p.set->source = strdup(name)) == NULL) {
		log_warn("%s", name);
		vrp_set_free(p.set);
		free(dec);
		return NULL;
	}
	p.doc = (const char *)buf;
	rc = parse_doc(&p, p.doc, p.doc + len);
	free(dec);
	if (rc == -1 || parse_verdict(&p) == -1) {
		vrp_set_free(p.set);
		return NULL;
	}
	vrp_set_finish(p.set);
	p.set->loaded = (int64_t)time(NULL);
	log_info("%s: %zu VRPs (%zu IPv4, %zu IPv6), format %s, %zu "
	    "rejected, %zu duplicates", name, p.set->n, p.set->nv4,
	    p.set->nv6, p.set->format, p.set->rejected, p.set->duplicates);
	return p.set;
}
