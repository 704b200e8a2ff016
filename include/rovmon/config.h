/*
 * config.h - the configuration file: one "option value" per line, the
 * long option names of the command line, '#' comments, blank lines.
 *
 *   interface eth1
 *   vrps /etc/rovmon/vrps.json
 *   alert-sink syslog:daemon        # repeatable, like on the command line
 *   filter tcp port 179
 *
 * The file becomes argv-style arguments ("--name=value", or "--name" for
 * an option without an argument) that are parsed before the command
 * line, so every command-line option is available and the command line
 * overrides the file.  The value is the rest of the line with leading
 * and trailing white space removed; it may contain spaces (filters).
 */
#ifndef ROVMON_CONFIG_H
#define ROVMON_CONFIG_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* Longest accepted line, newline included; longer lines are an error. */
#define CONFIG_LINE_MAX	4096

/* argv-style arguments; owned, freed with config_args_free(). */
struct config_args {
	char	**argv;
	int	  argc;
};

/*
 * Read fp (named path in messages) against the option table opts (the
 * same table getopt_long() uses; names listed in deny, a NULL-terminated
 * list, are refused too).  Appends to args.  0 on success; -1 with
 * "path:line: message" in err (errlen bytes) on the first error.
 */
int	config_parse(FILE *fp, const char *path, const struct option *opts,
	    const char *const *deny, struct config_args *args, char *err,
	    size_t errlen);
/* As config_parse() on the file at path (opened here). */
int	config_load(const char *path, const struct option *opts,
	    const char *const *deny, struct config_args *args, char *err,
	    size_t errlen);
/* NULL-safe; leaves *args empty. */
void	config_args_free(struct config_args *args);

#endif /* ROVMON_CONFIG_H */
