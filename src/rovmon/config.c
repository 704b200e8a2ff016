/*
 * config.c - the configuration file, turned into command-line arguments.
 *
 * Why argv and not a struct: rovmon's options are parsed in one place
 * (rovmon_options.c); turning "name value" lines into "--name=value" gives the
 * file every option the command line has, with the same checks and the
 * same messages, and lets the command line, parsed after it, override it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rovmon/config.h"

static bool
denied(const char *name, const char *const *deny)
{
	for (; deny != NULL && *deny != NULL; deny++)
		if (strcmp(name, *deny) == 0)
			return true;
	return false;
}

static const struct option *
find_option(const struct option *opts, const char *name)
{
	for (; opts->name != NULL; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

static int
push(struct config_args *args, char *s)
{
	char **nv;

	if (s == NULL)
		return -1;
	if ((nv = realloc(args->argv, (size_t)(args->argc + 2) *
	    sizeof(*nv))) == NULL) {
		free(s);
		return -1;
	}
	args->argv = nv;
	args->argv[args->argc++] = s;
	args->argv[args->argc] = NULL;
	return 0;
}

/* Strip leading and trailing white space in place; returns the start. */
static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One line: 0 done (or blank), -1 with err set. */
static int
parse_line(char *line, const char *where, const struct option *opts,
    const char *const *deny, struct config_args *args, char *err,
    size_t errlen)
{
	const struct option *o;
	char *name, *value, *hash, *arg;
	size_t n;

	/* '#' starts a comment anywhere: BPF and paths have no use for it. */
	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	name = trim(line);
	if (*name == '\0')
		return 0;
	n = strcspn(name, " \t");
	value = name + n;
	if (*value != '\0')
		*value++ = '\0';
	value = trim(value);
	if ((o = find_option(opts, name)) == NULL || denied(name, deny)) {
		snprintf(err, errlen, "%s: unknown option '%s'", where, name);
		return -1;
	}
	if (o->has_arg == required_argument && *value == '\0') {
		snprintf(err, errlen, "%s: option '%s' needs a value", where,
		    name);
		return -1;
	}
	if (o->has_arg == no_argument && *value != '\0') {
		snprintf(err, errlen, "%s: option '%s' takes no value", where,
		    name);
		return -1;
	}
	if ((*value == '\0' ? asprintf(&arg, "--%s", name) :
	    asprintf(&arg, "--%s=%s", name, value)) == -1)
		arg = NULL;
	if (push(args, arg) == -1) {
		snprintf(err, errlen, "%s: %s", where, strerror(ENOMEM));
		return -1;
	}
	return 0;
}

int
config_parse(FILE *fp, const char *path, const struct option *opts,
    const char *const *deny, struct config_args *args, char *err,
    size_t errlen)
{
	char line[CONFIG_LINE_MAX], where[512];
	unsigned long lineno = 0;
	size_t n;

	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			/* Refused at once: the rest of the line is not read. */
			snprintf(err, errlen, "%s: line longer than %d bytes",
			    where, CONFIG_LINE_MAX - 2);
			return -1;
		}
		if (parse_line(line, where, opts, deny, args, err, errlen) == -1)
			return -1;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
config_load(const char *path, const struct option *opts,
    const char *const *deny, struct config_args *args, char *err,
    size_t errlen)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = config_parse(fp, path, opts, deny, args, err, errlen);
	fclose(fp);
	return rc;
}

void
config_args_free(struct config_args *args)
{
	int i;

	if (args == NULL)
		return;
	for (i = 0; i < args->argc; i++)
		free(args->argv[i]);
	free(args->argv);
	args->argv = NULL;
	args->argc = 0;
}
