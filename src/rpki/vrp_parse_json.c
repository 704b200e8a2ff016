/*
 * vrp_parse_json.c - VRP documents in JSON: rpki-client, Routinator,
 * StayRTR and GoRTR (an object with a "roas" array and "metadata"), or a
 * bare array of VRP objects.  Records go to vrp_rec_add().
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
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rpki/vrp_parse_internal.h"

#define JSON_FLAGS	(JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | \
			    JSON_REJECT_DUPLICATES)

/* Whole-document errors in the JSON, located by line. */
static void
json_fail(struct vrp_parser *p, const char *at, const char *what)
{
	const char *s;
	size_t line = 1;

	for (s = p->doc; s < at; s++)
		if (*s == '\n')
			line++;
	log_warnx("%s: line %zu: malformed JSON: %s", p->name, line, what);
}


const char *
vrp_json_ws(const char *s, const char *end)
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
fast_string(const char *s, const char *end, struct vrp_field *f)
{
	const char *q;

	for (q = s + 1; q < end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x80)
			return NULL;
	if (q >= end)
		return NULL;
	f->t = VRP_F_STR;
	f->s = s + 1;
	f->len = (size_t)(q - s - 1);
	return q + 1;
}

/* Fast path: -?(0|[1-9][0-9]*), at most 18 digits, no fraction. */
static const char *
fast_int(const char *s, const char *end, struct vrp_field *f)
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
	f->t = VRP_F_INT;
	f->i = neg ? -v : v;
	return s;
}

static struct vrp_field *
rec_member(struct vrp_rec *r, const struct vrp_field *key)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} names[] = {
		{ "asn", offsetof(struct vrp_rec, asn) },
		{ "prefix", offsetof(struct vrp_rec, prefix) },
		{ "maxLength", offsetof(struct vrp_rec, maxlen) },
		{ "ta", offsetof(struct vrp_rec, ta) },
		{ "expires", offsetof(struct vrp_rec, expires) },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == key->len &&
		    memcmp(names[i].name, key->s, key->len) == 0)
			return (struct vrp_field *)((char *)r + names[i].off);
	return NULL;
}

/*
 * The common record shape, {"k": "v" or int, ...}; s is at '{'.  NULL
 * means "not handled here": the caller asks jansson, which either reads
 * it or reports the syntax error.
 */
static const char *
fast_object(const char *s, const char *end, struct vrp_rec *r)
{
	struct vrp_field keys[8], val, *f;
	size_t nkeys = 0, i;

	memset(r, 0, sizeof(*r));
	s = vrp_json_ws(s + 1, end);
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
		s = vrp_json_ws(s, end);
		if (s >= end || *s != ':')
			return NULL;
		s = vrp_json_ws(s + 1, end);
		if (s < end && *s == '"')
			s = fast_string(s, end, &val);
		else
			s = fast_int(s, end, &val);
		if (s == NULL)
			return NULL;
		if ((f = rec_member(r, &keys[nkeys])) != NULL)
			*f = val;
		nkeys++;
		s = vrp_json_ws(s, end);
		if (s < end && *s == '}')
			return s + 1;
		if (s >= end || *s != ',')
			return NULL;
		s = vrp_json_ws(s + 1, end);
	}
}

/* One JSON value by jansson; *out (if not NULL) gets the new reference. */
static const char *
json_value(struct vrp_parser *p, const char *s, const char *end, json_t **out)
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
field_json(const json_t *j, struct vrp_field *f)
{
	memset(f, 0, sizeof(*f));
	if (j == NULL) {
		f->t = VRP_F_NONE;
	} else if (json_is_integer(j)) {
		f->t = VRP_F_INT;
		f->i = json_integer_value(j);
	} else if (json_is_string(j)) {
		f->t = VRP_F_STR;
		f->s = json_string_value(j);
		f->len = json_string_length(j);
	} else
		f->t = VRP_F_OTHER;
}

/* One element of the "roas" array (or of a bare array). */
static const char *
json_element(struct vrp_parser *p, const char *s, const char *end)
{
	const char *next;
	struct vrp_rec r;
	json_t *j;

	if (*s == '{' && (next = fast_object(s, end, &r)) != NULL) {
		vrp_rec_add(p, &r);
		return next;
	}
	if ((next = json_value(p, s, end, &j)) == NULL)
		return NULL;
	if (!json_is_object(j)) {
		vrp_rec_bad(p, "not a JSON object");
	} else {
		field_json(json_object_get(j, "asn"), &r.asn);
		field_json(json_object_get(j, "prefix"), &r.prefix);
		field_json(json_object_get(j, "maxLength"), &r.maxlen);
		field_json(json_object_get(j, "ta"), &r.ta);
		field_json(json_object_get(j, "expires"), &r.expires);
		vrp_rec_add(p, &r);
	}
	json_decref(j);
	return next;
}

/* The array of VRP objects; s is at '['. */
static const char *
json_roas(struct vrp_parser *p, const char *s, const char *end)
{
	s = vrp_json_ws(s + 1, end);
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
		s = vrp_json_ws(s, end);
		if (s < end && *s == ']')
			return s + 1;
		if (s >= end || *s != ',') {
			json_fail(p, s, s >= end ? "truncated in the VRP array" :
			    "expected ',' or ']' after a VRP");
			return NULL;
		}
		s = vrp_json_ws(s + 1, end);
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
json_meta(struct vrp_parser *p, const json_t *m)
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
json_member(struct vrp_parser *p, const char *s, const char *end)
{
	struct vrp_field key;
	json_t *j = NULL;
	char name[32] = "";
	const char *next;
	int rc;

	if ((next = fast_string(s, end, &key)) != NULL) {
		if (key.len < sizeof(name))
			vrp_field_str(&key, name, sizeof(name));
	} else {
		if ((next = json_value(p, s, end, &j)) == NULL)
			return NULL;
		if (json_string_length(j) < sizeof(name))
			snprintf(name, sizeof(name), "%s", json_string_value(j));
		json_decref(j);
		j = NULL;
	}
	s = vrp_json_ws(next, end);
	if (s >= end || *s != ':') {
		json_fail(p, s, "expected ':' after a member name");
		return NULL;
	}
	s = vrp_json_ws(s + 1, end);
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
	if (strcmp(name, "aspas") == 0 ||
	    strcmp(name, "provider_authorizations") == 0) {
		bool *seen = name[0] == 'a' ? &p->have_aspas : &p->have_pa;

		if (*seen) {
			json_fail(p, s, name[0] == 'a' ? "\"aspas\" twice" :
			    "\"provider_authorizations\" twice");
			return NULL;
		}
		*seen = true;
		if ((next = json_value(p, s, end, &j)) == NULL)
			return NULL;
		vrp_aspa_json(p, name, j);
		json_decref(j);
		return next;
	}
	return json_value(p, s, end, NULL);
}

/* A whole JSON document: an object with "roas", or a bare array. */
int
vrp_json_doc(struct vrp_parser *p, const char *s, const char *end)
{
	if (*s == '[') {
		snprintf(p->set->format, sizeof(p->set->format), "json");
		p->have_roas = true;
		if ((s = json_roas(p, s, end)) == NULL)
			return -1;
	} else {
		snprintf(p->set->format, sizeof(p->set->format), "json");
		s = vrp_json_ws(s + 1, end);
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
			s = vrp_json_ws(s, end);
			if (s < end && *s == '}') {
				s++;
				break;
			}
			if (s >= end || *s != ',') {
				json_fail(p, s, s >= end ? "truncated" :
				    "expected ',' or '}'");
				return -1;
			}
			s = vrp_json_ws(s + 1, end);
		}
	}
	if ((s = vrp_json_ws(s, end)) != end) {
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
