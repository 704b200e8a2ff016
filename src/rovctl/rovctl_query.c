/*
 * rovctl_query.c - rovctl's answers from a VRP set (rovctl.h): validate
 * PREFIX ASN and vrp show --prefix/--asn, from --vrps FILE|URL or the
 * current generation in Redis (saying which on stderr when neither was
 * given), and the AS number forms they take (asplain, asdot, "AS").
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "base/addr.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "rovctl/rovctl.h"
#include "rpki/vrp.h"
#include "rpki/vrp_load.h"
#include "rpki/vrp_redis.h"

/* Decimal digits only, at most max: 0 or -1. */
static int
parse_uint(const char *s, const char *e, unsigned long long max,
    unsigned long long *v)
{
	*v = 0;
	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		*v = *v * 10 + (unsigned long long)(*s - '0');
		if (*v > max)
			return -1;
	}
	return 0;
}

/*
 * An AS number as bgpctl takes it: asplain (65546) or asdot (1.10 =
 * 1 * 65536 + 10, RFC 5396), with or without "AS" in front.  0, or
 * -1 with the reason in err.
 */
int
rovctl_parse_asn(const char *text, uint32_t *asn, char *err, size_t errlen)
{
	unsigned long long hi, lo;
	const char *s = text, *dot, *end;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	end = s + strlen(s);
	if ((dot = strchr(s, '.')) == NULL) {
		if (parse_uint(s, end, UINT32_MAX, &lo) == 0) {
			*asn = (uint32_t)lo;
			return 0;
		}
		if (parse_uint(s, end, ~0ULL / 10 - 9, &lo) == 0)
			snprintf(err, errlen, "%s: AS number out of range "
			    "(0 to 4294967295)", text);
		else
			snprintf(err, errlen, "%s: not an AS number (13335, "
			    "AS13335 or asdot 1.10)", text);
		return -1;
	}
	if (parse_uint(s, dot, ~0ULL / 10 - 9, &hi) == -1 ||
	    parse_uint(dot + 1, end, ~0ULL / 10 - 9, &lo) == -1) {
		snprintf(err, errlen, "%s: not an AS number (13335, AS13335 "
		    "or asdot 1.10)", text);
		return -1;
	}
	if (hi > 65535 || lo > 65535) {
		snprintf(err, errlen, "%s: asdot AS number out of range (each "
		    "half 0 to 65535)", text);
		return -1;
	}
	*asn = (uint32_t)(hi << 16 | lo);
	return 0;
}

/*
 * validate and show print an answer: when no --vrps or --redis was given,
 * say on stderr which VRPs it came from (the URL without its password).
 */
static void
say_default_source(const struct rovctl_opts *o, const char *file)
{
	const char *env = getenv("ROVMON_REDIS");
	bool from_env = env != NULL && *env != '\0';
	struct vrp_redis_url u;
	char err[256], where[600];

	if (file != NULL || o->redis != NULL)
		return;
	if (vrp_redis_url_parse(rovctl_redis_url(o), &u, err,
	    sizeof(err)) == -1)
		return;		/* vrp_redis_open() will say why */
	if (u.path != NULL)
		snprintf(where, sizeof(where), "unix://%s", u.path);
	else
		snprintf(where, sizeof(where), "redis://%s:%d", u.host, u.port);
	vrp_redis_url_clear(&u);
	log_warnx("no --vrps or --redis: using the VRPs in Redis at %s%s",
	    where, from_env ? " ($ROVMON_REDIS)" : " (the default; "
	    "$ROVMON_REDIS is not set)");
}

int
rovctl_get_set(const struct rovctl_opts *o, const char *file,
    struct vrp_set **set, uint64_t *gen)
{
	struct vrp_redis *r;
	int rv;

	*gen = 0;
	if (file != NULL) {
		if (o->redis != NULL) {
			rovctl_usage_error("--vrps and --redis: choose one "
			    "source of VRPs");
			return EX_USAGE;
		}
		*set = vrp_load(file);
		return *set != NULL ? 0 : EX_UNAVAIL;
	}
	say_default_source(o, file);
	if ((r = vrp_redis_open(rovctl_redis_url(o), o->ns)) == NULL)
		return EX_ERROR;
	rv = vrp_redis_load_current(r, set, gen) == 0 ? 0 : EX_UNAVAIL;
	vrp_redis_close(r);
	return rv;
}

/*
 * Field names as in the route log and the alerts (docs/route-log.md,
 * docs/alerts.md: max_length, origin_as), not rpki-client's maxLength:
 * one spelling per field across rovmon's outputs.
 */
static json_t *
vrp_json(const struct vrp_set *set, const struct vrp *v)
{
	char p[PREFIX_STRLEN];

	return json_pack("{s:s, s:i, s:I, s:s, s:I}", "prefix",
	    prefix_fmt(&v->prefix, p, sizeof(p)), "max_length", v->maxlen,
	    "asn", (json_int_t)v->asn, "ta",
	    v->ta < set->nta ? set->ta[v->ta] : "?", "expires",
	    (json_int_t)v->expires);
}

static void
vrp_line(FILE *f, const struct vrp_set *set, const struct vrp *v)
{
	char p[PREFIX_STRLEN], t[32];

	fprintf(f, "%s-%u AS%u %s expires %s", prefix_fmt(&v->prefix, p,
	    sizeof(p)), v->maxlen, v->asn, v->ta < set->nta ? set->ta[v->ta] :
	    "?", rovctl_fmt_time(v->expires, t, sizeof(t)));
}

int
rovctl_cmd_validate(const struct rovctl_opts *o, int argc, char **argv)
{
	struct rov_result res;
	struct rov_index *idx;
	struct vrp_set *set;
	const struct vrp_set *s;
	struct prefix p;
	char ps[PREFIX_STRLEN];
	const char *reason;
	uint32_t asn;
	uint64_t gen;
	json_t *j, *a;
	char err[256];
	unsigned i;
	int rv;

	if (argc != 2)
		return rovctl_usage_error("validate needs PREFIX and ASN, "
		    "got %d argument%s", argc, argc == 1 ? "" : "s");
	if (prefix_parse_strict(argv[0], &p, err, sizeof(err)) == -1 ||
	    rovctl_parse_asn(argv[1], &asn, err, sizeof(err)) == -1)
		return rovctl_usage_error("%s", err);
	if ((rv = rovctl_get_set(o, o->vrps, &set, &gen)) != 0)
		return rv;
	if ((idx = rov_index_build(set)) == NULL) {
		log_warnx("building the ROV index failed");
		vrp_set_free(set);
		return EX_ERROR;
	}
	s = rov_index_set(idx);
	rov_check(idx, &p, true, asn, &res);
	reason = rov_reason_name(res.reason);
	prefix_fmt(&p, ps, sizeof(ps));
	if (o->json) {
		a = json_array();
		for (i = 0; i < res.nvrps; i++)
			json_array_append_new(a, vrp_json(s, res.vrps[i]));
		j = json_pack("{s:s, s:I, s:s, s:s?, s:I, s:o, s:{s:s?, s:I}}",
		    "prefix", ps, "origin_as", (json_int_t)asn, "state",
		    rov_state_name(res.state), "reason", reason, "covering",
		    (json_int_t)res.ncovering, "vrps", a, "data", "source",
		    s->source, "generation", (json_int_t)gen);
		rovctl_json_out(j);
	} else {
		printf("%s AS%u: %s", ps, asn, rov_state_name(res.state));
		if (reason != NULL)
			printf(" (%s)", reason);
		printf("; %u covering VRP%s", res.ncovering,
		    res.ncovering == 1 ? "" : "s");
		for (i = 0; i < res.nvrps; i++) {
			fputs(i == 0 ? ": " : ", ", stdout);
			vrp_line(stdout, s, res.vrps[i]);
		}
		if (res.nvrps < res.ncovering && res.state != ROV_VALID)
			printf(", ...");
		putchar('\n');
	}
	rv = res.state == ROV_VALID ? EX_VALID : res.state == ROV_INVALID ?
	    EX_INVALID : EX_NOTFOUND;
	rov_index_free(idx);
	return rv;
}

int
rovctl_cmd_show(const struct rovctl_opts *o)
{
	struct vrp_set *set;
	struct prefix p;
	const struct vrp *v;
	uint32_t asn = 0;
	uint64_t gen;
	json_t *a = NULL;
	size_t i, n = 0;
	char err[256], ps[PREFIX_STRLEN];
	int rv;

	if ((o->prefix == NULL) == (o->asn == NULL))
		return rovctl_usage_error("vrp show needs one of --prefix "
		    "PREFIX and --asn ASN");
	if (o->prefix != NULL &&
	    prefix_parse_strict(o->prefix, &p, err, sizeof(err)) == -1)
		return rovctl_usage_error("%s", err);
	if (o->asn != NULL && rovctl_parse_asn(o->asn, &asn, err, sizeof(err)) == -1)
		return rovctl_usage_error("%s", err);
	if ((rv = rovctl_get_set(o, o->vrps, &set, &gen)) != 0)
		return rv;
	if (o->json && (a = json_array()) == NULL)
		goto done;
	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		if (o->prefix != NULL ? !prefix_covers(&v->prefix, &p) &&
		    !prefix_covers(&p, &v->prefix) : v->asn != asn)
			continue;
		n++;
		if (a != NULL)
			json_array_append_new(a, vrp_json(set, v));
		else {
			vrp_line(stdout, set, v);
			putchar('\n');
		}
	}
	if (a != NULL)
		rovctl_json_out(a);
	else if (n == 0 && o->prefix != NULL)	/* an answer, not silence */
		printf("no VRP covers %s or lies within it\n",
		    prefix_fmt(&p, ps, sizeof(ps)));
	else if (n == 0)
		printf("no VRP for AS%u\n", asn);
 done:
	vrp_set_free(set);
	return n > 0 ? 0 : EX_NOTFOUND;
}
