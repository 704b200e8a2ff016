/* paths.c - the default rules file (paths.h states the rule). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rovmon/paths.h"

/*
 * The parent of the executable's directory (absolute, without symbolic
 * links: build/rovmon gives the source tree) into dir (len bytes).  0, or
 * -1 when neither /proc/self/exe nor argv0 (a path, not a bare name
 * looked up in $PATH) tells.
 */
static int
exe_parent(const char *argv0, char *dir, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX], *slash;
	ssize_t n;
	int i;

	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (realpath(link, real) == NULL)
			snprintf(real, sizeof(real), "%s", link);
	} else if (argv0 == NULL || strchr(argv0, '/') == NULL ||
	    realpath(argv0, real) == NULL)
		return -1;
	/* Drop the file name, then its directory. */
	for (i = 0; i < 2; i++) {
		if ((slash = strrchr(real, '/')) == NULL)
			return -1;
		*slash = '\0';
	}
	if ((size_t)snprintf(dir, len, "%s", real) >= len)
		return -1;
	return 0;
}

int
paths_default_rules(const char *sysconfdir, const char *argv0, char *buf,
    size_t len, char *err, size_t errlen)
{
	char installed[PATH_MAX], tree[PATH_MAX], dir[PATH_MAX];
	char real[PATH_MAX];

	snprintf(installed, sizeof(installed), "%s/%s", sysconfdir,
	    PATHS_RULES_NAME);
	if (access(installed, F_OK) == 0 &&
	    (size_t)snprintf(buf, len, "%s", installed) < len)
		return 0;
	tree[0] = '\0';
	if (exe_parent(argv0, dir, sizeof(dir)) == 0 &&
	    (size_t)snprintf(tree, sizeof(tree), "%s/rules/%s", dir,
	    PATHS_RULES_NAME) < sizeof(tree)) {
		if (realpath(tree, real) != NULL &&
		    (size_t)snprintf(buf, len, "%s", real) < len)
			return 0;
	}
	snprintf(err, errlen, "no default rules file (tried %s%s%s); give "
	    "--rules FILE", installed, tree[0] != '\0' ? ", " : "", tree);
	return -1;
}
