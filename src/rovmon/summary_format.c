/*
 * summary_format.c - the text formatters of the summary module
 * (summary_internal.h): endpoints, ASNs, counts with thousands
 * separators, address families, capabilities, AS paths.  Shared by the
 * -v session lines (summary.c) and the report (summary_report.c).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/bgp_role.h"
#include "rovmon/summary_internal.h"


char *
summary_ep_fmt(const struct ipaddr *a, uint16_t port, char *buf, size_t len)
{
	char s[IPADDR_STRLEN];

	ipaddr_fmt(a, s, sizeof(s));
	snprintf(buf, len, a->family == ADDR_V6 ? "[%s]:%u" : "%s:%u", s,
	    port);
	return buf;
}

char *
summary_asn_fmt(const struct speaker *sp, char *buf, size_t len)
{
	if (sp->open_seen)
		snprintf(buf, len, "AS%" PRIu32, sp->open.as);
	else
		snprintf(buf, len, "AS?");
	return buf;
}

char *
summary_role_fmt(const struct session *ss, int k, char *buf, size_t len)
{
	const char *t = bgp_role_text(ss->sp[k].role);

	if (t == NULL)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%s", t, ss->role_src ==
		    BGP_ROLE_SRC_CONFIG ? " (config)" : "");
	return buf;
}

/* "1,234,567": counts a person reads at a glance. */
char *
summary_num_fmt(uint64_t v, char *buf, size_t len)
{
	char d[24];
	size_t n, i, o = 0;

	n = (size_t)snprintf(d, sizeof(d), "%" PRIu64, v);
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Bounded append; the text is cut (never overflows) when buf is full. */
void
summary_app(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

const char *
summary_family_name(uint16_t afi, uint8_t safi, char *buf, size_t len)
{
	static const struct { uint16_t afi; uint8_t safi; const char *n; }
	    names[] = {
		{ 1, 1, "ipv4-unicast" }, { 2, 1, "ipv6-unicast" },
		{ 1, 2, "ipv4-multicast" }, { 2, 2, "ipv6-multicast" },
		{ 1, 4, "ipv4-labeled" }, { 2, 4, "ipv6-labeled" },
		{ 1, 128, "ipv4-vpn" }, { 2, 128, "ipv6-vpn" },
		{ 1, 133, "ipv4-flowspec" }, { 2, 133, "ipv6-flowspec" },
		{ 25, 70, "l2vpn-evpn" }, { 16388, 71, "bgp-ls" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].afi == afi && names[i].safi == safi)
			return names[i].n;
	snprintf(buf, len, "afi%u/safi%u", afi, safi);
	return buf;
}

/* Capabilities bgp_open.c does not interpret (IANA registry names). */
static const char *
cap_name(uint8_t code, char *buf, size_t len)
{
	switch (code) {
	case 5:
		return "extended-nexthop";		/* RFC 8950 */
	case 7:
		return "bgpsec";			/* RFC 8205 */
	case 8:
		return "multiple-labels";		/* RFC 8277 */
	case 71:
		return "long-lived-graceful-restart";	/* RFC 9494 */
	case 75:
		return "software-version";
	default:
		snprintf(buf, len, "capability-%u", code);
		return buf;
	}
}

/* What one OPEN advertised, in bgpctl's words where it has them. */
void
summary_caps_fmt(const struct bgp_open *o, char *buf, size_t len)
{
	char f[32];
	uint8_t i;

	buf[0] = '\0';
	if (o->cap_as4)
		summary_app(buf, len, " as4");
	for (i = 0; i < o->nmp; i++)
		summary_app(buf, len, " %s", summary_family_name(o->mp[i].afi,
		    o->mp[i].safi, f, sizeof(f)));
	for (i = 0; i < o->naddpath; i++)
		summary_app(buf, len, " add-path(%s %s)",
		    summary_family_name(o->addpath[i].afi, o->addpath[i].safi,
		    f, sizeof(f)),
		    o->addpath[i].flags == 3 ? "send/receive" :
		    o->addpath[i].flags == BGP_ADDPATH_SEND ? "send" :
		    o->addpath[i].flags == BGP_ADDPATH_RECV ? "receive" : "none");
	if (o->cap_role && o->role_conflict)
		summary_app(buf, len, " role(conflicting)");
	else if (o->cap_role)
		summary_app(buf, len, " role(%s)", bgp_role_name(o->role));
	if (o->cap_extmsg)
		summary_app(buf, len, " extended-message");
	if (o->cap_rr || o->cap_rr_old)
		summary_app(buf, len, " route-refresh");
	if (o->cap_err)
		summary_app(buf, len, " enhanced-route-refresh");
	if (o->cap_gr)
		summary_app(buf, len, " graceful-restart");
	if (o->cap_fqdn)
		summary_app(buf, len, " hostname(%s)", o->fqdn_host);
	for (i = 0; i < o->nunknown; i++)
		summary_app(buf, len, " %s", cap_name(o->unknown[i], f,
		    sizeof(f)));
	if (!o->caps_ok)
		summary_app(buf, len, " (incomplete: %s)",
		    o->why != NULL ? o->why : "?");
	if (buf[0] == '\0')
		snprintf(buf, len, " none");
	memmove(buf, buf + 1, strlen(buf));	/* the leading blank */
}

void
summary_aspath_fmt(const struct bgp_aspath *p, char *buf, size_t len)
{
	char tmp[PATH_TEXT * 2];
	uint32_t i, j;
	size_t n;

	tmp[0] = '\0';
	for (i = 0; i < p->nseg; i++) {
		const struct bgp_as_segment *s = &p->seg[i];
		const char *sep = s->type == AS_SEQUENCE ||
		    s->type == AS_CONFED_SEQUENCE ? " " : ",";

		if (s->count == 0)
			continue;
		if (tmp[0] != '\0')
			summary_app(tmp, sizeof(tmp), " ");
		/* bgpctl's and BIRD's forms: {set}, (confed seq), [confed set] */
		summary_app(tmp, sizeof(tmp), "%s", s->type == AS_SET ? "{" :
		    s->type == AS_CONFED_SEQUENCE ? "(" :
		    s->type == AS_CONFED_SET ? "[" : "");
		for (j = 0; j < s->count && s->start + j < p->nasn; j++)
			summary_app(tmp, sizeof(tmp), "%s%" PRIu32,
			    j > 0 ? sep : "", p->asns[s->start + j]);
		summary_app(tmp, sizeof(tmp), "%s", s->type == AS_SET ? "}" :
		    s->type == AS_CONFED_SEQUENCE ? ")" :
		    s->type == AS_CONFED_SET ? "]" : "");
	}
	if (tmp[0] == '\0')
		snprintf(tmp, sizeof(tmp), "(empty)");
	if (strlen(tmp) > PATH_TEXT)
		memcpy(tmp + PATH_TEXT - 3, "...", 4);
	n = strlen(tmp) < len ? strlen(tmp) : len - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
}

