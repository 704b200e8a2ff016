/*
 * control_req.c - the control socket's request parser (control_req.h,
 * docs/control.md).  The bytes come from whoever may connect to the
 * socket: they are read through a cursor (include/base/cursor.h, never
 * as a C string), only printable ASCII words separated by blanks are
 * accepted and copied out, and each refusal says which word broke which
 * rule.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "base/cursor.h"
#include "rovmon/control_req.h"

#define MAX_WORDS	16
#define WORD_MAX	64	/* the longest word accepted: an IPv6 prefix */

struct words {
	char	 w[MAX_WORDS][WORD_MAX];
	size_t	 n;
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Drop c's last byte if it is b. */
static void
drop_last(struct cursor *c, uint8_t b)
{
	struct cursor head;
	uint8_t last;

	if (cursor_peek_u8(c, cursor_left(c) - 1, &last) == 0 && last == b &&
	    cursor_sub(c, cursor_left(c) - 1, &head) == 0)
		*c = head;
}

/* Split into words; -1 (err said) on a byte or length not allowed. */
static int
split(const char *line, size_t n, struct words *ws, char *err, size_t errlen)
{
	struct cursor c;
	size_t off, len = 0;
	uint8_t b;
	bool end;

	ws->n = 0;
	if (n > CONTROL_REQ_MAX)
		return fail(err, errlen, "request longer than %d bytes",
		    CONTROL_REQ_MAX);
	cursor_init(&c, line, n);
	/* one line: a newline may end it, and a CR before that */
	drop_last(&c, '\n');
	drop_last(&c, '\r');
	for (off = 0;; off++) {
		/* the end ends the last word as a blank does */
		end = cursor_get_u8(&c, &b) == -1;
		if (end || b == ' ' || b == '\t') {
			if (len > 0) {
				ws->w[ws->n][len] = '\0';
				ws->n++;
				len = 0;
			}
			if (end)
				break;
			continue;
		}
		if (b < 0x21 || b > 0x7e)
			return fail(err, errlen, "byte 0x%02x at offset %zu: "
			    "a request is one line of printable ASCII words",
			    b, off);
		if (ws->n == MAX_WORDS)
			return fail(err, errlen, "more than %d words",
			    MAX_WORDS);
		if (len == WORD_MAX - 1)
			return fail(err, errlen, "word %zu longer than %d "
			    "bytes", ws->n + 1, WORD_MAX - 1);
		ws->w[ws->n][len++] = (char)b;
	}
	if (ws->n == 0)
		return fail(err, errlen, "empty request (show summary|"
		    "sessions|routes, reload, stats)");
	return 0;
}

/* A decimal number from 0 to max, digits only. */
static int
number(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = x;
	return 0;
}

/* The value after option word i; -1 (err said) when there is none. */
static int
value(const struct words *ws, size_t i, char *err, size_t errlen)
{
	if (i + 1 >= ws->n)
		return fail(err, errlen, "%s: needs a value", ws->w[i]);
	return 0;
}

static int
parse_routes(const struct words *ws, struct control_req *req, char *err,
    size_t errlen)
{
	struct rib_query_filter *f = &req->filter;
	bool host_bits, seen_limit = false;
	const char *k, *v;
	uint64_t x;
	size_t i;

	for (i = 2; i < ws->n; i++) {
		k = ws->w[i];
		if (strcmp(k, "longer") == 0) {
			if (f->longer)
				return fail(err, errlen, "longer: given twice");
			f->longer = true;
			continue;
		}
		if (strcmp(k, "state") != 0 && strcmp(k, "prefix") != 0 &&
		    strcmp(k, "origin") != 0 && strcmp(k, "peer") != 0 &&
		    strcmp(k, "limit") != 0)
			return fail(err, errlen, "%s: unknown word (state, "
			    "prefix, longer, origin, peer, limit)", k);
		if (value(ws, i, err, errlen) == -1)
			return -1;
		v = ws->w[++i];
		if (strcmp(k, "state") == 0) {
			if (f->has_state)
				return fail(err, errlen, "state: given twice");
			f->has_state = true;
			if (strcmp(v, "invalid") == 0)
				f->state = ROV_INVALID;
			else if (strcmp(v, "valid") == 0)
				f->state = ROV_VALID;
			else if (strcmp(v, "not-found") == 0)
				f->state = ROV_NOT_FOUND;
			else
				return fail(err, errlen, "state %s: not "
				    "invalid, valid or not-found", v);
		} else if (strcmp(k, "prefix") == 0) {
			if (f->has_prefix)
				return fail(err, errlen, "prefix: given twice");
			if (prefix_parse(v, &f->prefix, &host_bits) == -1)
				return fail(err, errlen, "prefix %s: not a "
				    "prefix (192.0.2.0/24, 2001:db8::/32)", v);
			if (host_bits)
				return fail(err, errlen, "prefix %s: host bits "
				    "set", v);
			f->has_prefix = true;
		} else if (strcmp(k, "origin") == 0) {
			if (f->has_origin)
				return fail(err, errlen, "origin: given twice");
			if (strncmp(v, "AS", 2) == 0 || strncmp(v, "as", 2) == 0)
				v += 2;
			if (number(v, UINT32_MAX, &x) == -1)
				return fail(err, errlen, "origin %s: not an AS "
				    "number from 0 to 4294967295", ws->w[i]);
			f->has_origin = true;
			f->origin = (uint32_t)x;
		} else if (strcmp(k, "peer") == 0) {
			if (f->has_peer)
				return fail(err, errlen, "peer: given twice");
			if (ipaddr_parse(v, &f->peer) == -1)
				return fail(err, errlen, "peer %s: not an IPv4 "
				    "or IPv6 address", v);
			f->has_peer = true;
		} else {
			if (seen_limit)
				return fail(err, errlen, "limit: given twice");
			if (number(v, CONTROL_LIMIT_MAX, &x) == -1 || x == 0)
				return fail(err, errlen, "limit %s: not a "
				    "number from 1 to %llu", v,
				    CONTROL_LIMIT_MAX);
			seen_limit = true;
			req->limit = x;
		}
	}
	if (f->longer && !f->has_prefix)
		return fail(err, errlen, "longer: needs a prefix");
	return 0;
}

int
control_req_parse(const char *line, size_t n, struct control_req *req,
    char *err, size_t errlen)
{
	struct words ws;
	const char *w0, *w1;

	memset(req, 0, sizeof(*req));
	if (split(line, n, &ws, err, errlen) == -1)
		return -1;
	w0 = ws.w[0];
	w1 = ws.n > 1 ? ws.w[1] : NULL;
	if (strcmp(w0, "reload") == 0 || strcmp(w0, "stats") == 0) {
		if (ws.n > 1)
			return fail(err, errlen, "%s: takes no words (got "
			    "'%s')", w0, w1);
		req->verb = strcmp(w0, "reload") == 0 ? CONTROL_RELOAD :
		    CONTROL_STATS;
		return 0;
	}
	if (strcmp(w0, "show") != 0)
		return fail(err, errlen, "%s: unknown command (show summary|"
		    "sessions|routes, reload, stats)", w0);
	if (w1 == NULL)
		return fail(err, errlen, "show: needs summary, sessions or "
		    "routes");
	if (strcmp(w1, "routes") == 0) {
		req->verb = CONTROL_SHOW_ROUTES;
		return parse_routes(&ws, req, err, errlen);
	}
	if (strcmp(w1, "summary") == 0)
		req->verb = CONTROL_SHOW_SUMMARY;
	else if (strcmp(w1, "sessions") == 0)
		req->verb = CONTROL_SHOW_SESSIONS;
	else
		return fail(err, errlen, "show %s: unknown (summary, sessions, "
		    "routes)", w1);
	if (ws.n > 2)
		return fail(err, errlen, "show %s: takes no words (got '%s')",
		    w1, ws.w[2]);
	return 0;
}

const char *
control_verb_name(enum control_verb v)
{
	switch (v) {
	case CONTROL_SHOW_SUMMARY:	return "show summary";
	case CONTROL_SHOW_SESSIONS:	return "show sessions";
	case CONTROL_SHOW_ROUTES:	return "show routes";
	case CONTROL_RELOAD:		return "reload";
	case CONTROL_STATS:		return "stats";
	}
	return "?";
}
