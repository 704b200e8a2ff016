/*
 * bgp_aspath_text.c - AS paths as text (bgp_aspath_text.h): the parser
 * of `rovctl validate-path` and its formatter.
 *
 * The text is operator input, or a file of paths someone else made: the
 * parser reads exactly len bytes, never past them, refuses rather than
 * guesses (an unclosed bracket, a stray one, a set in a set, an empty
 * set, a number that is not an ASN) and is capped (ASPATH_TEXT_MAX_ASN
 * ASNs, ASPATH_TEXT_MAX_SEG segments, 65535 ASNs per segment).
 */
#include <stdio.h>
#include <string.h>

#include "bgp/bgp_aspath_text.h"

#define WORD_SHOWN	40	/* of a bad word, in the message */

/* Digits only, at most max; false on none, another character or more. */
static bool
digits(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	size_t i;

	*v = 0;
	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
		if (*v > max)
			return false;
	}
	return true;
}

int
bgp_asn_text_parse(const char *s, size_t len, uint32_t *asn, char *err,
    size_t errlen)
{
	const char *w = s, *dot;
	size_t wl = len;
	uint64_t hi, lo;
	int shown = (int)(len < WORD_SHOWN ? len : WORD_SHOWN);

	if (len >= 2 && (s[0] == 'A' || s[0] == 'a') &&
	    (s[1] == 'S' || s[1] == 's')) {
		w += 2;
		wl -= 2;
	}
	if ((dot = memchr(w, '.', wl)) == NULL) {
		if (digits(w, wl, UINT32_MAX, &lo)) {
			*asn = (uint32_t)lo;
			return 0;
		}
		if (digits(w, wl, UINT64_MAX / 10 - 9, &lo))
			snprintf(err, errlen, "%.*s: AS number out of range "
			    "(0 to 4294967295)", shown, s);
		else
			snprintf(err, errlen, "%.*s: not an AS number (13335, "
			    "AS13335 or asdot 1.10)", shown, s);
		return -1;
	}
	if (!digits(w, (size_t)(dot - w), UINT64_MAX / 10 - 9, &hi) ||
	    !digits(dot + 1, wl - (size_t)(dot - w) - 1, UINT64_MAX / 10 - 9,
	    &lo)) {
		snprintf(err, errlen, "%.*s: not an AS number (13335, AS13335 "
		    "or asdot 1.10)", shown, s);
		return -1;
	}
	if (hi > 65535 || lo > 65535) {
		snprintf(err, errlen, "%.*s: asdot AS number out of range "
		    "(each half 0 to 65535)", shown, s);
		return -1;
	}
	*asn = (uint32_t)(hi << 16 | lo);
	return 0;
}

/* Append one ASN to the open segment of type, or open one. */
static int
add_asn(struct bgp_aspath_text *t, uint32_t asn, uint8_t type, bool *open,
    char *err, size_t errlen)
{
	struct bgp_aspath *p = &t->path;
	struct bgp_as_segment *g;

	if (p->nasn == ASPATH_TEXT_MAX_ASN) {
		snprintf(err, errlen, "more than %d AS numbers",
		    ASPATH_TEXT_MAX_ASN);
		return -1;
	}
	if (!*open) {
		if (p->nseg == ASPATH_TEXT_MAX_SEG) {
			snprintf(err, errlen, "more than %d segments",
			    ASPATH_TEXT_MAX_SEG);
			return -1;
		}
		g = &t->seg[p->nseg++];
		g->type = type;
		g->start = p->nasn;
		g->count = 0;
		*open = true;
	}
	g = &t->seg[p->nseg - 1];
	if (g->count == UINT16_MAX) {
		snprintf(err, errlen, "a segment of more than %u AS numbers",
		    UINT16_MAX);
		return -1;
	}
	t->asns[p->nasn++] = asn;
	g->count++;
	return 0;
}

int
bgp_aspath_text_parse(struct bgp_aspath_text *t, const char *s, size_t len,
    char *err, size_t errlen)
{
	static const char delim[] = " \t,{}()[]";
	uint8_t type = AS_SEQUENCE;
	char close = '\0';
	bool open = false;
	size_t i = 0;

	memset(&t->path, 0, sizeof(t->path));
	t->path.seg = t->seg;
	t->path.asns = t->asns;
	while (i < len && s[i] != '\0') {
		char c = s[i];
		size_t n;
		uint32_t asn;

		if (c == ' ' || c == '\t' || c == ',') {
			i++;
			continue;
		}
		if (c == '{' || c == '(' || c == '[') {
			if (close != '\0') {
				snprintf(err, errlen, "'%c' inside a set or "
				    "confederation segment", c);
				return -1;
			}
			type = c == '{' ? AS_SET : c == '(' ?
			    AS_CONFED_SEQUENCE : AS_CONFED_SET;
			close = c == '{' ? '}' : c == '(' ? ')' : ']';
			open = false;
			i++;
			continue;
		}
		if (c == '}' || c == ')' || c == ']') {
			if (c != close) {
				snprintf(err, errlen, "'%c' without its opening "
				    "bracket", c);
				return -1;
			}
			if (!open) {
				snprintf(err, errlen, "an empty segment");
				return -1;
			}
			type = AS_SEQUENCE;
			close = '\0';
			open = false;
			i++;
			continue;
		}
		for (n = 0; i + n < len && s[i + n] != '\0' &&
		    strchr(delim, s[i + n]) == NULL; n++)
			;
		if (bgp_asn_text_parse(s + i, n, &asn, err, errlen) == -1 ||
		    add_asn(t, asn, type, &open, err, errlen) == -1)
			return -1;
		i += n;
	}
	if (close != '\0') {
		snprintf(err, errlen, "'%c' missing", close);
		return -1;
	}
	return 0;
}

size_t
bgp_aspath_text_fmt(const struct bgp_aspath *p, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i, k;

#define PUT(...) do {							\
	int w_ = snprintf(off < len ? buf + off : NULL,			\
	    off < len ? len - off : 0, __VA_ARGS__);			\
	off += w_ > 0 ? (size_t)w_ : 0;					\
} while (0)
	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < p->nseg; i++) {
		const struct bgp_as_segment *g = &p->seg[i];
		const char *o = "", *c = "", *sep = " ";

		if (g->type == AS_SET)
			o = "{", c = "}", sep = ",";
		else if (g->type == AS_CONFED_SEQUENCE)
			o = "(", c = ")";
		else if (g->type == AS_CONFED_SET)
			o = "[", c = "]", sep = ",";
		PUT("%s%s", i > 0 ? " " : "", o);
		for (k = 0; k < g->count; k++)
			PUT("%s%u", k > 0 ? sep : "", p->asns[g->start + k]);
		PUT("%s", c);
	}
#undef PUT
	return off;
}
