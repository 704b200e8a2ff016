/*
 * fuzz_control.c - the control socket's request parser (control_req.h):
 * control_req_parse() on any bytes, as the control thread calls it on
 * what a client sent (up to its first newline, at most CONTROL_REQ_MAX
 * bytes, but here any length and any bytes).
 *
 * Checks: a refusal has a one-line, printable, NUL-terminated reason; an
 * accepted request is consistent (a known verb, options only for show
 * routes, longer only with a prefix, the prefix without host bits, the
 * limit in range) and, written back in its canonical words, parses again
 * to the same request (a request means one thing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "fuzz_common.h"
#include "rovmon/control_req.h"

static void
canonical(const struct control_req *r, char *buf, size_t len)
{
	const struct rib_query_filter *f = &r->filter;
	char p[PREFIX_STRLEN], a[IPADDR_STRLEN];
	size_t off;

	snprintf(buf, len, "%s", control_verb_name(r->verb));
	if (r->verb != CONTROL_SHOW_ROUTES)
		return;
	off = strlen(buf);
	if (f->has_state)
		off += (size_t)snprintf(buf + off, len - off, " state %s",
		    rov_state_name(f->state));
	if (f->has_prefix)
		off += (size_t)snprintf(buf + off, len - off, " prefix %s%s",
		    prefix_fmt(&f->prefix, p, sizeof(p)),
		    f->longer ? " longer" : "");
	if (f->has_origin)
		off += (size_t)snprintf(buf + off, len - off, " origin %u",
		    f->origin);
	if (f->has_peer)
		off += (size_t)snprintf(buf + off, len - off, " peer %s",
		    ipaddr_fmt(&f->peer, a, sizeof(a)));
	if (r->limit > 0)
		snprintf(buf + off, len - off, " limit %llu",
		    (unsigned long long)r->limit);
}

static bool
same(const struct control_req *x, const struct control_req *y)
{
	const struct rib_query_filter *a = &x->filter, *b = &y->filter;

	return x->verb == y->verb && x->limit == y->limit &&
	    a->has_state == b->has_state && (!a->has_state ||
	    a->state == b->state) && a->has_prefix == b->has_prefix &&
	    (!a->has_prefix || prefix_eq(&a->prefix, &b->prefix)) &&
	    a->longer == b->longer && a->has_origin == b->has_origin &&
	    (!a->has_origin || a->origin == b->origin) &&
	    a->has_peer == b->has_peer && (!a->has_peer ||
	    ipaddr_eq(&a->peer, &b->peer));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct control_req r, r2;
	struct prefix m;
	char err[512], line[CONTROL_REQ_MAX * 2];
	size_t i, n;

	memset(err, 'x', sizeof(err));
	if (control_req_parse((const char *)data, size, &r, err,
	    sizeof(err)) == -1) {
		n = strnlen(err, sizeof(err));
		if (n == 0 || n == sizeof(err))
			abort();	/* no reason, or not terminated */
		for (i = 0; i < n; i++)
			if ((unsigned char)err[i] < 0x20 ||
			    (unsigned char)err[i] > 0x7e)
				abort();	/* one printable line */
		return 0;
	}
	if (size > CONTROL_REQ_MAX || r.verb > CONTROL_STATS)
		abort();
	if (r.verb != CONTROL_SHOW_ROUTES && (r.limit != 0 ||
	    r.filter.has_state || r.filter.has_prefix || r.filter.has_origin ||
	    r.filter.has_peer || r.filter.longer))
		abort();
	if (r.filter.longer && !r.filter.has_prefix)
		abort();
	if (r.limit > CONTROL_LIMIT_MAX)
		abort();
	if (r.filter.has_prefix) {
		m = r.filter.prefix;
		if (prefix_mask(&m))
			abort();	/* host bits were accepted */
	}
	canonical(&r, line, sizeof(line));
	if (control_req_parse(line, strlen(line), &r2, err, sizeof(err)) ==
	    -1 || !same(&r, &r2)) {
		fprintf(stderr, "canonical form '%s' does not parse back "
		    "(%s)\n", line, err);
		abort();
	}
	return 0;
}
