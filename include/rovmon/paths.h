/*
 * paths.h - where rovmon finds the files it is not told about.
 *
 * The default rules file (when --rules is not given) is the first of:
 *
 *   1. SYSCONFDIR/rovmon.rules, the directory `make install` puts the
 *      rules in, fixed at build time (Makefile SYSCONFDIR, default
 *      /etc/rovmon);
 *   2. rules/rovmon.rules beside the directory of the executable, i.e.
 *      ../rules/rovmon.rules from build/rovmon in a source tree.
 *
 * The executable is found through /proc/self/exe (argv[0] when /proc is
 * not mounted), never through the working directory: the answer is the
 * same from any directory and after -D has changed it to /.  rovmon(8)
 * FILES states this rule.
 */
#ifndef ROVMON_PATHS_H
#define ROVMON_PATHS_H

#include <stddef.h>

/* The rules file's name in SYSCONFDIR and in the source tree's rules/. */
#define PATHS_RULES_NAME	"rovmon.rules"

/*
 * Find the default rules file by the rule above.  0 with the absolute
 * path of the first candidate that exists in buf (len bytes); -1 with
 * "no default rules file (tried A, B)" in err (errlen bytes) when none
 * does.  argv0 may be NULL.
 */
int	paths_default_rules(const char *sysconfdir, const char *argv0,
	    char *buf, size_t len, char *err, size_t errlen);

#endif /* ROVMON_PATHS_H */
