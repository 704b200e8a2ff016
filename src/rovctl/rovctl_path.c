/*
 * rovctl_path.c - rovctl validate-path: ASPA verification of AS paths
 * given on the command line or read from standard input, one per line
 * (docs/aspa.md, rovctl(8)).
 *
 * A path is written as bgpdump and `show ip bgp` print it, most recent AS
 * first (bgp_aspath_text.h: "64500 64501 {64502,64503}").  In standard
 * input a line may start with "role=ROLE" and "neighbor=ASN" words that
 * override --role and --neighbor for that line; blank lines and lines
 * starting with '#' are skipped.  Each judged path prints one line:
 *
 *	STATE PROCEDURE REASON HOP: PATH (from ROLE ASN)
 *
 * REASON and HOP are "-" when none ("hop" reasons name the "not
 * provider+" hop, unknown ones the unattested hop, as ASCUST->ASPROV);
 * a line that cannot be read prints "error - - -: WHY (LINE)".
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/log.h"
#include "bgp/bgp_aspath_text.h"
#include "bgp/bgp_role.h"
#include "rovctl/rovctl.h"
#include "rpki/aspa.h"
#include "rpki/vrp.h"

/* One case: the path and who sent it. */
struct pcase {
	enum bgp_role	 role;
	uint32_t	 neighbor;
	bool		 have_neighbor;
};

/* The path printed back: up to 4096 ASNs of 10 digits and a separator. */
#define PATH_TEXT_LEN	(ASPATH_TEXT_MAX_ASN * 11 + 2 * ASPATH_TEXT_MAX_SEG + 1)

/* role= and neighbor= words at the start of a line; *rest is the path. */
static int
parse_overrides(char *line, struct pcase *c, char **rest, char *err,
    size_t errlen)
{
	char *s = line;

	for (;;) {
		size_t n;
		char save;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (strncmp(s, "role=", 5) != 0 &&
		    strncmp(s, "neighbor=", 9) != 0)
			break;
		save = s[n];
		s[n] = '\0';
		if (s[0] == 'r') {
			if ((c->role = bgp_role_parse(s + 5)) ==
			    BGP_ROLE_UNKNOWN) {
				snprintf(err, errlen, "%s: not a role "
				    "(customer, peer, provider, rs, "
				    "rs-client)", s);
				return -1;
			}
		} else {
			if (bgp_asn_text_parse(s + 9, strlen(s + 9),
			    &c->neighbor, err, errlen) == -1)
				return -1;
			c->have_neighbor = true;
		}
		s[n] = save;
		s += n;
	}
	*rest = s;
	return 0;
}

static void
print_result(const struct pcase *c, const struct bgp_aspath *p,
    const struct aspa_result *r, int json, char *ptext)
{
	const char *reason = aspa_reason_name(r->reason);
	bool hop = r->state == ASPA_UNKNOWN || r->reason == ASPA_REASON_HOP;

	bgp_aspath_text_fmt(p, ptext, PATH_TEXT_LEN);
	if (json) {
		rovctl_json_out(json_pack("{s:s, s:s, s:I, s:s, s:s, s:s?, "
		    "s:o}", "path", ptext, "role", bgp_role_text(c->role),
		    "neighbor_as", (json_int_t)c->neighbor, "state",
		    aspa_state_name(r->state), "procedure",
		    aspa_procedure_name(r->procedure), "reason", reason,
		    "hop", hop ? json_pack("{s:I, s:I}", "customer",
		    (json_int_t)r->hop_customer, "provider",
		    (json_int_t)r->hop_provider) : json_null()));
		return;
	}
	printf("%s %s %s ", aspa_state_name(r->state),
	    aspa_procedure_name(r->procedure), reason != NULL ? reason : "-");
	if (hop)
		printf("AS%u->AS%u: ", r->hop_customer, r->hop_provider);
	else
		fputs("-: ", stdout);
	printf("%s (from %s AS%u)\n", ptext, bgp_role_text(c->role),
	    c->neighbor);
}

static int
exit_code(const struct aspa_result *r)
{
	return r->state == ASPA_VALID ? EX_VALID : r->state == ASPA_INVALID ?
	    EX_INVALID : EX_NOTFOUND;
}

/* Judge one case; the exit code of the verdict, or EX_USAGE (said). */
static int
judge(const struct aspa_index *ix, char *line, const struct pcase *dflt,
    int json, bool batch, struct bgp_aspath_text *t, char *ptext)
{
	struct pcase c = *dflt;
	struct aspa_result r;
	char err[256], *rest;
	uint32_t i;

	if (parse_overrides(line, &c, &rest, err, sizeof(err)) == -1 ||
	    bgp_aspath_text_parse(t, rest, strlen(rest), err,
	    sizeof(err)) == -1)
		goto bad;
	if (c.role == BGP_ROLE_UNKNOWN) {
		snprintf(err, sizeof(err), "no role: --role or role= "
		    "(customer, peer, provider, rs, rs-client)");
		goto bad;
	}
	if (!c.have_neighbor) {
		/* the first AS of the path; 0 (no check) for an empty one */
		c.neighbor = 0;
		for (i = 0; i < t->path.nseg; i++)
			if (t->seg[i].count > 0) {
				c.neighbor = t->asns[t->seg[i].start];
				break;
			}
	}
	if (!aspa_verify(ix, &t->path, c.neighbor, c.role, &r)) {
		snprintf(err, sizeof(err), "no procedure for the role");
		goto bad;
	}
	print_result(&c, &t->path, &r, json, ptext);
	return exit_code(&r);
bad:
	if (!batch)
		return rovctl_usage_error("%s", err);
	line[strcspn(line, "\n")] = '\0';
	if (json)
		rovctl_json_out(json_pack("{s:s, s:s, s:s}", "line", line,
		    "state", "error", "error", err));
	else
		printf("error - - -: %s (%s)\n", err, line);
	return EX_USAGE;
}

/*
 * validate-path [PATH... | -] --role ROLE [--neighbor ASN]
 *     [--from FILE|URL | --vrps FILE|URL | --redis URL] [--json]
 * One path: exit 0 valid, 1 invalid, 5 unknown.  Standard input: 0 when
 * every line was judged, 2 when a line could not be read (it printed an
 * "error" line), whatever the verdicts.
 */
int
rovctl_cmd_validate_path(const struct rovctl_opts *o, int argc, char **argv)
{
	struct pcase dflt;
	struct vrp_set *set = NULL;
	struct aspa_index *ix = NULL;
	struct bgp_aspath_text *t = NULL;
	char *ptext = NULL;
	const char *file = o->from != NULL ? o->from : o->vrps;
	char *line = NULL;
	size_t cap = 0, len = 0;
	ssize_t got;
	uint64_t gen;
	char err[256];
	int i, rv;
	bool batch = argc == 0 || (argc == 1 && strcmp(argv[0], "-") == 0);

	memset(&dflt, 0, sizeof(dflt));
	if (o->role != NULL &&
	    (dflt.role = bgp_role_parse(o->role)) == BGP_ROLE_UNKNOWN)
		return rovctl_usage_error("--role %s: not a role (customer, "
		    "peer, provider, rs, rs-client)", o->role);
	if (o->neighbor != NULL) {
		if (bgp_asn_text_parse(o->neighbor, strlen(o->neighbor),
		    &dflt.neighbor, err, sizeof(err)) == -1)
			return rovctl_usage_error("--neighbor: %s", err);
		dflt.have_neighbor = true;
	}
	if (o->from != NULL && o->vrps != NULL)
		return rovctl_usage_error("--from and --vrps: choose one");
	if (!batch) {
		if (dflt.role == BGP_ROLE_UNKNOWN)
			return rovctl_usage_error("validate-path needs --role "
			    "(customer, peer, provider, rs, rs-client)");
		/* the path's words, as typed or as one quoted argument */
		for (i = 0; i < argc; i++)
			len += strlen(argv[i]) + 1;
		if ((line = malloc(len + 1)) == NULL) {
			log_warn("malloc");
			return EX_ERROR;
		}
		for (len = 0, i = 0; i < argc; i++) {
			size_t wl = strlen(argv[i]);

			memcpy(line + len, argv[i], wl);
			len += wl;
			line[len++] = ' ';
		}
		line[len] = '\0';
	}
	if ((t = malloc(sizeof(*t))) == NULL ||
	    (ptext = malloc(PATH_TEXT_LEN)) == NULL) {
		log_warn("malloc");
		rv = EX_ERROR;
		goto out;
	}
	if ((rv = rovctl_get_set(o, file, &set, &gen)) != 0)
		goto out;
	if ((ix = aspa_index_build(&set->aspa)) == NULL) {
		log_warnx("building the ASPA index failed");
		rv = EX_ERROR;
		goto out;
	}
	if (aspa_index_customers(ix) == 0)
		log_warnx("no ASPA objects in %s: every hop is unattested",
		    file != NULL ? file : "the Redis generation");
	if (!batch) {
		rv = judge(ix, line, &dflt, o->json, false, t, ptext);
		goto out;
	}
	rv = EX_VALID;
	while ((got = getline(&line, &cap, stdin)) != -1) {
		char *s = line + strspn(line, " \t");

		if (strlen(line) != (size_t)got) {
			/* the text would end at the NUL: say so instead */
			if (o->json)
				rovctl_json_out(json_pack("{s:s, s:s}",
				    "state", "error", "error",
				    "a NUL byte in the line"));
			else
				printf("error - - -: a NUL byte in the "
				    "line\n");
			rv = EX_USAGE;
			continue;
		}
		if (*s == '\0' || *s == '\n' || *s == '#')
			continue;
		s[strcspn(s, "\r\n")] = '\0';
		if (judge(ix, s, &dflt, o->json, true, t, ptext) ==
		    EX_USAGE)
			rv = EX_USAGE;
	}
	if (ferror(stdin)) {
		log_warn("standard input");
		rv = EX_ERROR;
	}
out:
	fflush(stdout);
	aspa_index_free(ix);
	vrp_set_free(set);
	free(line);
	free(t);
	free(ptext);
	return rv;
}
