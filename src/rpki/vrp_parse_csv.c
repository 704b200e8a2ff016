/*
 * vrp_parse_csv.c - VRP documents in CSV: Routinator's "csv" and
 * "csvext", rpki-client -c ("ASN,IP Prefix,Max Length,Trust
 * Anchor[,Expires]"), columns found by their header names, or the
 * default order when there is no header line.  Records go to
 * vrp_rec_add().
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rpki/vrp_parse_internal.h"

#define CSV_MAXCOLS	16
#define CSV_MAXLINE	1024


enum csv_col { COL_IGNORE, COL_ASN, COL_PREFIX, COL_MAXLEN, COL_TA,
	COL_EXPIRES };

struct csv {
	enum csv_col	 col[CSV_MAXCOLS];
	size_t		 ncols;
};

/* Split a line at commas; returns the field count, or CSV_MAXCOLS + 1. */
static size_t
csv_split(const char *s, size_t len, struct vrp_field *f)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (n == CSV_MAXCOLS)
			return CSV_MAXCOLS + 1;
		f[n].t = i > start ? VRP_F_STR : VRP_F_NONE;
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
csv_header(struct csv *c, const struct vrp_field *f, size_t n)
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

/* A field that must be an unsigned decimal: VRP_F_INT, or VRP_F_OTHER. */
static void
csv_int(struct vrp_field *f)
{
	size_t i;
	int64_t v = 0;

	if (f->t != VRP_F_STR)
		return;
	for (i = 0; i < f->len; i++) {
		if (i == 18 || f->s[i] < '0' || f->s[i] > '9') {
			f->t = VRP_F_OTHER;
			return;
		}
		v = v * 10 + (f->s[i] - '0');
	}
	f->t = VRP_F_INT;
	f->i = v;
}

static void
csv_record(struct vrp_parser *p, const struct csv *c, const char *s, size_t len)
{
	struct vrp_field f[CSV_MAXCOLS];
	struct vrp_rec r;
	size_t n, i;

	if (len > CSV_MAXLINE) {
		vrp_rec_bad(p, "line longer than %d bytes", CSV_MAXLINE);
		return;
	}
	if ((n = csv_split(s, len, f)) != c->ncols) {
		vrp_rec_bad(p, "%s%zu fields, expected %zu", n > CSV_MAXCOLS ?
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
	vrp_rec_add(p, &r);
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

int
vrp_csv_doc(struct vrp_parser *p, const char *s, const char *end)
{
	static const enum csv_col dflt[] = { COL_ASN, COL_PREFIX, COL_MAXLEN,
	    COL_TA, COL_EXPIRES };
	struct vrp_field f[CSV_MAXCOLS];
	struct csv c;
	const char *l;
	size_t len = 0, n = 0, i, lineno = 1;
	uint64_t asn;

	/* vrp_parse() has refused an empty document: l is never NULL */
	if ((l = csv_line(&s, end, &len)) != NULL && len <= CSV_MAXLINE)
		n = csv_split(l, len, f);
	if (n >= 3 && n <= CSV_MAXCOLS && csv_header(&c, f, n) == 0) {
		/* header line */
	} else if ((n == 4 || n == 5) && f[0].t == VRP_F_STR &&
	    vrp_asn_parse(f[0].s, f[0].len, &asn) == 0 && f[1].t == VRP_F_STR &&
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
