/*
 * rovctl_control.c - the verbs that ask a running rovmon over its control
 * socket (docs/control.md): show summary, show sessions, show routes,
 * reload, stats.  One request a connection; the replies are JSON lines
 * (frames) ending with an "end" frame, printed as text tables for a
 * person or, with --json, as JSON lines for scripts (the frames' objects
 * without the envelope).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/addr.h"
#include "rovctl/rovctl.h"
#include "rovmon/control.h"

#define LINE_MAX_BYTES	(16u << 20)	/* a stats line with --rtr-audit */

/* --control, else $ROVMON_CONTROL, else the daemon's default. */
static const char *
control_path(const struct rovctl_opts *o)
{
	const char *env = getenv("ROVMON_CONTROL");

	if (o->control != NULL)
		return o->control;
	return env != NULL && *env != '\0' ? env : CONTROL_DEFAULT_PATH;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "rovctl: %s: path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "rovctl: %s: cannot connect: %s (is rovmon "
		    "running with --control?)\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Append to the request line; false when it would not fit. */
static bool
req_add(char *req, size_t cap, const char *w1, const char *w2)
{
	size_t n = strlen(req);
	int k;

	k = snprintf(req + n, cap - n, "%s%s%s%s", n > 0 ? " " : "", w1,
	    w2 != NULL ? " " : "", w2 != NULL ? w2 : "");
	return k >= 0 && (size_t)k < cap - n;
}

/* The request for `show routes' from the options; 0 or EX_USAGE. */
static int
routes_request(const struct rovctl_opts *o, char *req, size_t cap)
{
	struct prefix p;
	struct ipaddr a;
	uint32_t asn;
	char err[256], num[24];

	snprintf(req, cap, "show routes");
	if (o->state != NULL) {
		if (strcmp(o->state, "invalid") != 0 &&
		    strcmp(o->state, "valid") != 0 &&
		    strcmp(o->state, "not-found") != 0)
			return rovctl_usage_error("--state %s: not invalid, "
			    "valid or not-found", o->state);
		req_add(req, cap, "state", o->state);
	}
	if (o->prefix != NULL) {
		if (prefix_parse_strict(o->prefix, &p, err, sizeof(err)) == -1)
			return rovctl_usage_error("--prefix %s", err);
		if (!req_add(req, cap, "prefix", o->prefix))
			return rovctl_usage_error("--prefix: too long");
	}
	if (o->longer) {
		if (o->prefix == NULL)
			return rovctl_usage_error("--longer needs --prefix");
		req_add(req, cap, "longer", NULL);
	}
	if (o->origin != NULL) {
		if (rovctl_parse_asn(o->origin, &asn, err, sizeof(err)) == -1)
			return rovctl_usage_error("--origin %s", err);
		snprintf(num, sizeof(num), "%" PRIu32, asn);
		req_add(req, cap, "origin", num);
	}
	if (o->peer != NULL) {
		if (ipaddr_parse(o->peer, &a) == -1)
			return rovctl_usage_error("--peer %s: not an IPv4 or "
			    "IPv6 address", o->peer);
		if (!req_add(req, cap, "peer", o->peer))
			return rovctl_usage_error("--peer: too long");
	}
	if (o->limit_set) {
		if (o->limit == 0)
			return rovctl_usage_error("--limit: not a number from "
			    "1 to 100000000: 0");
		snprintf(num, sizeof(num), "%lu", o->limit);
		req_add(req, cap, "limit", num);
	}
	return 0;
}

/* ---- text output ------------------------------------------------------ */

static uint64_t
num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

static const char *
str(json_t *o, const char *k, const char *dflt)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

static void
text_summary(json_t *s)
{
	json_t *ss = json_object_get(s, "sessions");
	json_t *r = json_object_get(s, "routes");
	json_t *v = json_object_get(s, "vrps");
	json_t *d = json_object_get(s, "drops");
	json_t *aspa;

	printf("sensor        %s (rovmon %s), %s\n", str(s, "sensor", "?"),
	    str(s, "version", "?"), str(s, "now", "?"));
	printf("sessions      %" PRIu64 " seen, %" PRIu64 " up, %" PRIu64
	    " with routes\n", num(ss, "seen"), num(ss, "up"),
	    num(ss, "with_routes"));
	if (json_is_object(r)) {
		aspa = json_object_get(r, "aspa");
		printf("routes        %" PRIu64 " stored: %" PRIu64 " valid, %"
		    PRIu64 " invalid, %" PRIu64 " not-found\n",
		    num(r, "stored"), num(r, "valid"), num(r, "invalid"),
		    num(r, "not_found"));
		printf("ASPA, leaks   %" PRIu64 " valid, %" PRIu64 " invalid, %"
		    PRIu64 " unknown, %" PRIu64 " without a verdict; %" PRIu64
		    " leaks\n", num(aspa, "valid"), num(aspa, "invalid"),
		    num(aspa, "unknown"), num(aspa, "none"), num(r, "leaks"));
	} else
		printf("routes        not kept (no alerting, no --control)\n");
	if (json_is_object(v))
		printf("VRPs          %" PRIu64 " (generation %" PRIu64
		    ", loaded %s, %" PRIu64 " s ago), %" PRIu64 " ASPA\n",
		    num(v, "count"), num(v, "generation"),
		    str(v, "loaded", "?"), num(v, "age_s"), num(v, "aspa"));
	else
		printf("VRPs          none loaded\n");
	printf("drops         pcap %" PRIu64 ", interface %" PRIu64
	    ", reassembly gaps %" PRIu64 " (%" PRIu64 " bytes), RIB out of "
	    "memory %" PRIu64 ", alert queues %" PRIu64 ", control clients %"
	    PRIu64 "\n", num(d, "pcap_drop"), num(d, "pcap_ifdrop"),
	    num(d, "reasm_gaps"), num(d, "reasm_gap_bytes"),
	    num(d, "rib_nomem"), num(d, "alert_queue_drops"),
	    num(d, "control_dropped"));
	printf("traffic       %" PRIu64 " packets, %" PRIu64 " BGP messages, %"
	    PRIu64 " alerts\n", num(s, "packets"), num(s, "bgp_messages"),
	    num(s, "alerts"));
}

static void
text_session(json_t *s, bool first)
{
	json_t *sp = json_object_get(s, "speakers"), *k, *m, *r;
	char ep[80], as[16];
	size_t i;

	if (first)
		printf("%-5s %-28s %-12s %-10s %-11s %-20s %8s %8s %8s %9s\n",
		    "id", "speaker", "AS", "role", "state", "up since",
		    "msgs", "valid", "invalid", "not-found");
	for (i = 0; i < 2; i++) {
		k = json_array_get(sp, i);
		m = json_object_get(k, "messages");
		r = json_object_get(k, "routes");
		snprintf(ep, sizeof(ep), strchr(str(k, "addr", "?"), ':') ?
		    "[%s]:%" PRIu64 : "%s:%" PRIu64, str(k, "addr", "?"),
		    num(k, "port"));
		if (json_is_integer(json_object_get(k, "as")))
			snprintf(as, sizeof(as), "AS%" PRIu64, num(k, "as"));
		else
			snprintf(as, sizeof(as), "AS?");
		if (i == 0)
			printf("%-5" PRIu64 " %-28s %-12s %-10s %-11s %-20s %8"
			    PRIu64 " %8" PRIu64 " %8" PRIu64 " %9" PRIu64 "\n",
			    num(s, "id"), ep, as, str(k, "role", "-"),
			    str(s, "state", "?"), str(s, "up_since", "-"),
			    num(m, "total"), num(r, "valid"),
			    num(r, "invalid"), num(r, "not_found"));
		else
			printf("%-5s %-28s %-12s %-10s %-11s %-20s %8" PRIu64
			    " %8" PRIu64 " %8" PRIu64 " %9" PRIu64 "\n", "",
			    ep, as, str(k, "role", "-"), "", "",
			    num(m, "total"), num(r, "valid"),
			    num(r, "invalid"), num(r, "not_found"));
	}
}

/* "64500 64501 {64502,64503}" from the as_path array. */
static void
path_text(json_t *p, char *buf, size_t len)
{
	size_t i, j, off = 0;
	json_t *e, *x;

	buf[0] = '\0';
	json_array_foreach(p, i, e) {
		if (off + 24 >= len) {
			snprintf(buf + off, len - off, " ...");
			return;
		}
		if (json_is_integer(e))
			off += (size_t)snprintf(buf + off, len - off, "%s%"
			    PRIu64, i > 0 ? " " : "",
			    (uint64_t)json_integer_value(e));
		else if (json_is_array(e)) {
			off += (size_t)snprintf(buf + off, len - off, "%s{",
			    i > 0 ? " " : "");
			json_array_foreach(e, j, x)
				if (off + 16 < len)
					off += (size_t)snprintf(buf + off,
					    len - off, "%s%" PRIu64,
					    j > 0 ? "," : "",
					    (uint64_t)json_integer_value(x));
			if (off + 2 < len)
				off += (size_t)snprintf(buf + off, len - off,
				    "}");
		} else if (off + 4 < len)
			off += (size_t)snprintf(buf + off, len - off, "%s?",
			    i > 0 ? " " : "");
	}
}

static void
text_route(json_t *r, bool first)
{
	json_t *rpki = json_object_get(r, "rpki"), *vrps, *v;
	char path[96], origin[16], vt[160];
	size_t i, off = 0;

	if (first)
		printf("%-20s %-12s %-10s %-7s %-18s %-40s %s\n", "prefix",
		    "origin", "state", "reason", "from", "AS path",
		    "VRPs that decided");
	path_text(json_object_get(r, "as_path"), path, sizeof(path));
	if (json_is_integer(json_object_get(r, "origin_as")))
		snprintf(origin, sizeof(origin), "AS%" PRIu64,
		    num(r, "origin_as"));
	else
		snprintf(origin, sizeof(origin), "(%s)",
		    str(r, "origin_kind", "none"));
	vt[0] = '\0';
	vrps = json_object_get(rpki, "vrps");
	json_array_foreach(vrps, i, v) {
		if (i == 2) {
			snprintf(vt + off, sizeof(vt) - off, " and %" PRIu64
			    " more", num(rpki, "covering") - 2);
			break;
		}
		off += (size_t)snprintf(vt + off, sizeof(vt) - off,
		    "%s%s-%" PRIu64 " AS%" PRIu64, i > 0 ? ", " : "",
		    str(v, "prefix", "?"), num(v, "max_length"),
		    num(v, "asn"));
		if (off >= sizeof(vt))
			break;
	}
	printf("%-20s %-12s %-10s %-7s %-18s %-40s %s\n",
	    str(r, "prefix", "?"), origin, json_is_object(rpki) ?
	    str(rpki, "state", "?") : "unjudged",
	    json_is_object(rpki) ? str(rpki, "reason", "-") : "-",
	    str(r, "src_addr", "?"), path, vt);
}

/* ---- the exchange ---------------------------------------------------- */

/* One frame: printed; 1 the end frame (ok), 0 more, or an exit code. */
static int
frame(const struct rovctl_opts *o, const char *path, json_t *j, bool *first)
{
	const char *kinds[] = { "route", "session", "summary", "stats",
	    "reload" };
	json_t *end = json_object_get(j, "end"), *x;
	size_t i;

	if (json_is_string(end)) {
		if (strcmp(json_string_value(end), "ok") == 0)
			return 1;
		fprintf(stderr, "rovctl: %s: %s\n", path,
		    str(j, "error", "error (no reason given)"));
		return EX_ERROR;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((x = json_object_get(j, kinds[i])) != NULL)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		fprintf(stderr, "rovctl: %s: unexpected frame\n", path);
		return EX_ERROR;
	}
	if (o->json || i == 3) {	/* stats are JSON for both */
		json_dumpf(x, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (i == 0)
		text_route(x, *first);
	else if (i == 1)
		text_session(x, *first);
	else if (i == 2)
		text_summary(x);
	else
		printf("reload %s\n", json_string_value(x) != NULL ?
		    json_string_value(x) : "?");
	*first = false;
	return 0;
}

/*
 * --json: a data frame's object printed as rovmon wrote it, without
 * parsing it again (a full table is a million frames; jansson's round
 * trip would cost rovctl 5 s of the 6 that `show routes --json' took).
 * The frame is {"KIND":OBJECT} on one line: OBJECT is the text between
 * the first ':' and the final '}'.  false for anything else (the end
 * frame, or a line that does not look like a data frame: parsed then).
 */
static bool
json_inner(const char *line, size_t n)
{
	static const char *const kinds[] = { "{\"route\":{",
	    "{\"session\":{", "{\"summary\":{", "{\"stats\":{" };
	size_t i, k;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		k = strlen(kinds[i]);
		if (n > k + 1 && memcmp(line, kinds[i], k) == 0 &&
		    line[n - 1] == '}' && line[n - 2] == '}') {
			fwrite(line + k - 1, 1, n - k, stdout);
			fputc('\n', stdout);
			return true;
		}
	}
	return false;
}

static int
exchange(const struct rovctl_opts *o, const char *req)
{
	const char *path = control_path(o);
	char *buf = NULL, *nbuf, *nl;
	size_t len = 0, cap = 0, start;
	ssize_t n;
	json_t *j;
	json_error_t je;
	bool first = true;
	int fd, rc = EX_ERROR, r;
	char line[CONTROL_REQ_MAX + 2];

	snprintf(line, sizeof(line), "%s\n", req);
	if ((fd = connect_to(path)) == -1)
		return EX_UNAVAIL;
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "rovctl: %s: %s\n", path, strerror(errno));
		goto done;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= LINE_MAX_BYTES) {
				fprintf(stderr, "rovctl: %s: a frame longer "
				    "than %u bytes\n", path, LINE_MAX_BYTES);
				goto done;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "rovctl: out of memory\n");
				goto done;
			}
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, cap - len)) < 0) {
			if (errno == EINTR && !rovctl_stop)
				continue;
			fprintf(stderr, "rovctl: %s: %s\n", path,
			    strerror(errno));
			goto done;
		}
		if (n == 0) {
			fprintf(stderr, "rovctl: %s: the answer was cut short "
			    "(no end frame)\n", path);
			goto done;
		}
		len += (size_t)n;
		start = 0;
		while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
			if (o->json && json_inner(buf + start,
			    (size_t)(nl - buf) - start)) {
				start = (size_t)(nl - buf) + 1;
				continue;
			}
			j = json_loadb(buf + start, (size_t)(nl - buf) - start,
			    0, &je);
			start = (size_t)(nl - buf) + 1;
			if (!json_is_object(j)) {
				fprintf(stderr, "rovctl: %s: a frame that is "
				    "not a JSON object: %s\n", path, je.text);
				json_decref(j);
				goto done;
			}
			r = frame(o, path, j, &first);
			json_decref(j);
			if (r != 0) {
				rc = r == 1 ? 0 : r;
				goto done;
			}
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
 done:
	free(buf);
	close(fd);
	if (fflush(stdout) != 0 && rc == 0)
		rc = EX_ERROR;
	return rc;
}

int
rovctl_cmd_control(const struct rovctl_opts *o, const char *cmd,
    const char *sub)
{
	char req[CONTROL_REQ_MAX];
	int rc;

	if (strcmp(cmd, "reload") == 0 || strcmp(cmd, "stats") == 0)
		return exchange(o, cmd);
	if (sub == NULL)
		return rovctl_usage_error("show: needs summary, sessions or "
		    "routes");
	if (strcmp(sub, "routes") == 0) {
		if ((rc = routes_request(o, req, sizeof(req))) != 0)
			return rc;
		return exchange(o, req);
	}
	if (strcmp(sub, "summary") != 0 && strcmp(sub, "sessions") != 0)
		return rovctl_usage_error("show %s: unknown (summary, sessions, "
		    "routes)", sub);
	snprintf(req, sizeof(req), "show %s", sub);
	return exchange(o, req);
}
