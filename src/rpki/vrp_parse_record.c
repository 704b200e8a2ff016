/*
 * vrp_parse_record.c - one VRP record, whatever the format it came in:
 * its members type-checked (asn, prefix, maxLength, ta, expires), its
 * values range-checked by vrp_set_add(), bad records counted and the
 * first VRP_LOG_RECORDS logged with where they are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rpki/vrp_parse_internal.h"

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

void
vrp_rec_bad(struct vrp_parser *p, const char *fmt, ...)
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

int
vrp_asn_parse(const char *s, size_t len, uint64_t *asn)
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

int
vrp_field_str(const struct vrp_field *f, char *buf, size_t size)
{
	if (f->len >= size || memchr(f->s, '\0', f->len) != NULL)
		return -1;
	memcpy(buf, f->s, f->len);
	buf[f->len] = '\0';
	return 0;
}

static int
rec_asn(struct vrp_parser *p, const struct vrp_rec *r, uint64_t *asn)
{
	char tmp[64];

	switch (r->asn.t) {
	case VRP_F_NONE:
		vrp_rec_bad(p, "asn missing");
		return -1;
	case VRP_F_INT:
		if (r->asn.i < 0 || r->asn.i > (int64_t)UINT32_MAX) {
			vrp_rec_bad(p, "asn %lld out of range 0..4294967295",
			    (long long)r->asn.i);
			return -1;
		}
		*asn = (uint64_t)r->asn.i;
		return 0;
	case VRP_F_STR:
		if (vrp_asn_parse(r->asn.s, r->asn.len, asn) == -1) {
			vrp_rec_bad(p, "invalid asn \"%s\"", printable(r->asn.s,
			    r->asn.len, tmp, sizeof(tmp)));
			return -1;
		}
		return 0;
	default:
		vrp_rec_bad(p,
		    "asn is neither an integer nor an \"ASn\" string");
		return -1;
	}
}

/* The optional members: trust anchor name and expiry. */
static int
rec_optional(struct vrp_parser *p, const struct vrp_rec *r, char *ta,
    size_t tasize, int64_t *expires)
{
	ta[0] = '\0';
	if (r->ta.t == VRP_F_STR) {
		if (vrp_field_str(&r->ta, ta, tasize) == -1) {
			vrp_rec_bad(p, "ta longer than %d bytes or with NUL",
			    VRP_TA_NAMELEN);
			return -1;
		}
	} else if (r->ta.t != VRP_F_NONE) {
		vrp_rec_bad(p, "ta is not a string");
		return -1;
	}
	*expires = 0;
	if (r->expires.t == VRP_F_INT) {
		if (r->expires.i < 0) {
			vrp_rec_bad(p, "expires %lld is negative",
			    (long long)r->expires.i);
			return -1;
		}
		*expires = r->expires.i;
	} else if (r->expires.t != VRP_F_NONE) {
		vrp_rec_bad(p, "expires is not an integer");
		return -1;
	}
	return 0;
}

void
vrp_rec_add(struct vrp_parser *p, const struct vrp_rec *r)
{
	char tmp[64], ta[VRP_TA_NAMELEN + 1], pbuf[PREFIX_STRLEN];
	char nbuf[PREFIX_STRLEN];
	struct prefix pfx;
	const char *why;
	uint64_t asn;
	int64_t expires;
	bool host_bits;

	if (r->prefix.t == VRP_F_NONE) {
		vrp_rec_bad(p, "prefix missing");
		return;
	}
	if (r->prefix.t != VRP_F_STR) {
		vrp_rec_bad(p, "prefix is not a string");
		return;
	}
	if (vrp_field_str(&r->prefix, pbuf, sizeof(pbuf)) == -1 ||
	    prefix_parse(pbuf, &pfx, &host_bits) == -1) {
		vrp_rec_bad(p, "invalid prefix \"%s\"", printable(r->prefix.s,
		    r->prefix.len, tmp, sizeof(tmp)));
		return;
	}
	if (r->maxlen.t == VRP_F_NONE) {
		vrp_rec_bad(p, "maxLength missing (%s)", pbuf);
		return;
	}
	if (r->maxlen.t != VRP_F_INT) {
		vrp_rec_bad(p, "maxLength is not an integer (%s)", pbuf);
		return;
	}
	if (r->maxlen.i < 0 || r->maxlen.i > 255) {
		vrp_rec_bad(p, "maxLength %lld out of range (%s)",
		    (long long)r->maxlen.i, pbuf);
		return;
	}
	if (rec_asn(p, r, &asn) == -1 ||
	    rec_optional(p, r, ta, sizeof(ta), &expires) == -1)
		return;
	if (vrp_set_add(p->set, &pfx, (unsigned)r->maxlen.i, asn, ta,
	    expires, &why) == -1) {
		vrp_rec_bad(p, "%s (%s maxLength %lld AS%llu)", why, pbuf,
		    (long long)r->maxlen.i, (unsigned long long)asn);
		return;
	}
	/* prefix_parse() has cleared them: the count is kept here */
	if (!host_bits)
		return;
	p->set->normalised++;
	if (p->warned++ < VRP_LOG_RECORDS)
		log_warnx("%s: record %zu: prefix %s has host bits set, using %s",
		    p->name, p->set->records, pbuf, prefix_fmt(
		    &p->set->v[p->set->n - 1].prefix, nbuf, sizeof(nbuf)));
}
