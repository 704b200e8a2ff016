/*
 * rules_class.c - classifications: "config classification:" lines of
 * classification.config (beside the rules, or the file given), or the
 * built-in set when there is none.  A rule's classtype names one.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules_internal.h"

static const struct classification builtin_classes[] = {
	{ "rpki-invalid", "RPKI invalid route origin", 1 },
	{ "rpki-invalid-length", "RPKI invalid: more specific than "
	    "maxLength allows", 1 },
	{ "rpki-invalid-as-set", "RPKI invalid: AS_SET or unknown origin", 2 },
	{ "rpki-not-found", "RPKI not found: no covering ROA", 3 },
	{ "rpki-resolved", "RPKI alert resolved", 4 },
	{ "aspa-invalid", "ASPA invalid AS path", 1 },
	{ "route-leak", "Route leak (RFC 9234 OTC)", 1 },
	{ "rpki-router-disagree",
	    "Router's RFC 8097 validation state differs from rovmon's", 2 },
	{ "hijack-watch", "Watched prefix announced unexpectedly", 1 },
	{ "policy", "Routing policy violation", 2 },
	{ "rtr-router-drift", "Router's RPKI (RTR) view differs from the "
	    "reference", 2 },
	{ "rtr-cache", "RPKI cache or RTR session problem", 2 },
	{ "sensor-state", "Sensor state (--state-dir checkpoint) not kept "
	    "or not restored", 2 },
	{ "bgp-session", "BGP session reset (its routes held as stale)", 3 },
	{ "vrp-source", "VRP source changed under the sensor (Redis "
	    "failover)", 3 },
};

/* "config classification: NAME,Description,PRIORITY" */
static int
parse_class_line(struct loader *ld, char *s, int depth)
{
	struct ruleset *rs = ld->rs;
	struct classification *c;
	char *p = rules_skip_ws(s), *name, *desc, *prio, *e, b[48];
	uint32_t pr;
	unsigned i;

	(void)depth;
	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "config", 6) != 0 || !isspace((unsigned char)p[6]))
		return rules_lerr(ld, p, "expected 'config', got %s",
		    rules_tok(p, b, sizeof(b)));
	p = rules_skip_ws(p + 6);
	if (strncmp(p, "classification", 14) != 0 || rules_is_word(p[14]))
		return rules_lerr(ld, p, "expected 'classification', got %s",
		    rules_tok(p, b, sizeof(b)));
	p = rules_skip_ws(p + 14);
	if (*p != ':')
		return rules_lerr(ld, p, "expected ':', got %s",
		    rules_tok(p, b, sizeof(b)));
	name = rules_skip_ws(p + 1);
	for (e = name; rules_is_word(*e); e++)
		;
	if (e == name)
		return rules_lerr(ld, e,
		    "expected a classification name, got %s",
		    rules_tok(e, b, sizeof(b)));
	p = rules_skip_ws(e);
	if (*p != ',')
		return rules_lerr(ld, p, "expected ',', got %s",
		    rules_tok(p, b, sizeof(b)));
	*e = '\0';
	desc = p + 1;
	if ((e = strrchr(desc, ',')) == NULL)
		return rules_lerr(ld, desc + strlen(desc), "expected ',' and a "
		    "priority, got end of line");
	*e = '\0';
	prio = e + 1;
	p = desc;
	desc = rules_next_item(&p);
	p = prio;
	prio = rules_next_item(&p);
	if (*desc == '\0')
		return rules_lerr(ld, desc, "expected a description, got ','");
	if (rules_num_opt(ld, prio, "priority", 1, 255, &pr) == -1)
		return -1;
	for (i = 0; i < rs->ncls; i++)
		if (strcmp(rs->cls[i].name, name) == 0)
			return rules_lerr(ld, name,
			    "expected a new classification "
			    "name, got '%s' again", name);
	if (rs->ncls == RULES_MAX_CLASSES)
		return rules_lerr(ld, name,
		    "expected at most %d classifications, "
		    "got more", RULES_MAX_CLASSES);
	if ((c = reallocarray(rs->cls, rs->ncls + 1, sizeof(*c))) == NULL)
		return rules_lerr(ld, name, "expected memory, got ENOMEM");
	rs->cls = c;
	c += rs->ncls;
	c->name = strdup(name);
	c->desc = strdup(desc);
	c->prio = pr;
	rs->ncls++;
	if (c->name == NULL || c->desc == NULL)
		return rules_lerr(ld, name, "expected memory, got ENOMEM");
	return 0;
}

int
rules_load_classes(struct loader *ld, const char *rules_path, const char *cpath)
{
	const char *slash = strrchr(rules_path, '/');
	struct classification *c;
	char *def = NULL;
	FILE *fp;
	unsigned i, n = sizeof(builtin_classes) / sizeof(builtin_classes[0]);
	int rc;

	if (cpath == NULL) {
		if (asprintf(&def, "%.*sclassification.config",
		    slash == NULL ? 0 : (int)(slash - rules_path + 1),
		    rules_path) == -1)
			return rules_lerr(ld, NULL,
			    "expected memory, got ENOMEM");
		if ((fp = fopen(def, "r")) != NULL) {
			fclose(fp);
			rc = rules_read_file(ld, def, 0, parse_class_line);
			free(def);
			return rc;
		}
		free(def);
		if ((ld->rs->cls = calloc(n, sizeof(*c))) == NULL)
			return rules_lerr(ld, NULL,
			    "expected memory, got ENOMEM");
		for (i = 0; i < n; i++, ld->rs->ncls++) {
			c = &ld->rs->cls[i];
			c->name = strdup(builtin_classes[i].name);
			c->desc = strdup(builtin_classes[i].desc);
			c->prio = builtin_classes[i].prio;
			if (c->name == NULL || c->desc == NULL)
				return rules_lerr(ld, NULL,
				    "expected memory, got "
				    "ENOMEM");
		}
		return 0;
	}
	return rules_read_file(ld, cpath, 0, parse_class_line);
}
