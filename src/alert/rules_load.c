/*
 * rules_load.c - rule files: lines, includes, the loaded set's unique
 * sids; rules_load() and rules_free().
 *
 * Loading.  Files are read one line at a time into a bounded buffer
 * (RULES_MAX_LINE): a longer line is an error as soon as the limit is
 * crossed, so a 1 GB line costs 64 KiB, not 1 GB.  Each rule line is
 * parsed in place (values are NUL-terminated inside the line buffer) and
 * copied into a struct rule that owns its strings and lists.  The first
 * error stops the load and becomes the one message the caller sees:
 * "file:line:column: expected X, got Y", column of the offending token.
 * Nothing is kept from a failed load.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rules_internal.h"

/* ---- files ---- */

/* What read_line() found; the failures are negative. */
enum line_read {
	LINE_READ_ERROR = -3,		/* ferror() */
	LINE_NUL = -2,			/* a NUL byte: the column is strlen + 1 */
	LINE_TOO_LONG = -1,		/* past RULES_MAX_LINE */
	LINE_EOF = 0,
	LINE_OK = 1,
};

/* One line into buf (RULES_MAX_LINE + 1 bytes), without its '\n' (and a
 * '\r' before it).  Never reads past the cap. */
static enum line_read
read_line(FILE *fp, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (c == '\0') {
			buf[n] = '\0';		/* the column is strlen + 1 */
			return LINE_NUL;
		}
		if (n == RULES_MAX_LINE)
			return LINE_TOO_LONG;
		buf[n++] = (char)c;
	}
	if (c == EOF && (ferror(fp) || n == 0))
		return ferror(fp) ? LINE_READ_ERROR : LINE_EOF;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return LINE_OK;
}

static int	load_file(struct loader *, const char *, int);

/* "include PATH", relative to the including file's directory. */
static int
parse_include(struct loader *ld, char *p, int depth)
{
	const char *slash = strrchr(ld->file, '/');
	char *e, *path;
	int rc;

	p = rules_skip_ws(p);
	for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (*p == '\0')
		return rules_lerr(ld, p, "expected a file name after include, "
		    "got end of line");
	if (depth + 1 >= RULES_MAX_DEPTH)
		return rules_lerr(ld, p, "expected include depth below %d, got "
		    "deeper", RULES_MAX_DEPTH);
	if (*p == '/' || slash == NULL)
		path = strdup(p);
	else if (asprintf(&path, "%.*s/%s", (int)(slash - ld->file),
	    ld->file, p) == -1)
		path = NULL;
	if (path == NULL)
		return rules_lerr(ld, p, "expected memory, got ENOMEM");
	ld->inc_at = p;
	rc = load_file(ld, path, depth + 1);
	free(path);
	return rc;
}

static int
parse_line(struct loader *ld, char *s, int depth)
{
	static const char *actions[] = { "alert", "log", "pass" };
	char *p = rules_skip_ws(s), *w = p, b[48];
	unsigned a;
	size_t n;

	if (*p == '\0' || *p == '#')
		return 0;
	while (rules_is_word(*p))
		p++;
	n = (size_t)(p - w);
	if (n == 7 && strncmp(w, "include", 7) == 0)
		return parse_include(ld, p, depth);
	for (a = 0; a < 3; a++)
		if (strlen(actions[a]) == n && strncmp(w, actions[a], n) == 0)
			return rules_parse_rule(ld, (enum rule_action)a, p);
	return rules_lerr(ld, w,
	    "expected 'alert', 'log', 'pass' or 'include', "
	    "got %s", rules_tok(w, b, sizeof(b)));
}

/* Open path for the loader; errors refer to the include line, if any. */
static FILE *
open_file(struct loader *ld, const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "r")) != NULL)
		return fp;
	if (ld->file == NULL)
		snprintf(ld->err, sizeof(ld->err), "%s: expected a readable "
		    "file, got %s", path, strerror(errno));
	else
		rules_lerr(ld, ld->inc_at,
		    "expected a readable file, got '%s': %s",
		    path, strerror(errno));
	return NULL;
}

/* Read path line by line, calling fn on each; ld->file/line/lbuf are
 * restored afterwards so an include's caller reports its own position. */
int
rules_read_file(struct loader *ld, const char *path, int depth,
    int (*fn)(struct loader *, char *, int))
{
	const char *ofile = ld->file, *olbuf = ld->lbuf;
	unsigned oline = ld->line;
	char *buf = NULL, **nf;
	FILE *fp = NULL;
	enum line_read r;
	int rc = -1;

	if ((fp = open_file(ld, path)) == NULL)
		goto done;
	nf = reallocarray(ld->rs->files, ld->rs->nfiles + 1, sizeof(*nf));
	if (nf == NULL || (buf = malloc(RULES_MAX_LINE + 1)) == NULL) {
		if (nf != NULL)
			ld->rs->files = nf;
		rules_lerr(ld, NULL, "expected memory, got ENOMEM");
		goto done;
	}
	ld->rs->files = nf;
	if ((nf[ld->rs->nfiles] = strdup(path)) == NULL)
		goto done;
	ld->file = nf[ld->rs->nfiles++];
	ld->line = 0;
	ld->lbuf = buf;
	buf[0] = '\0';
	while ((r = read_line(fp, buf)) != LINE_EOF) {
		ld->line++;
		switch (r) {
		case LINE_TOO_LONG:
			rules_lerr(ld, buf + RULES_MAX_LINE, "expected a line "
			    "of at most %d bytes, got a longer line",
			    RULES_MAX_LINE);
			goto done;
		case LINE_NUL:
			rules_lerr(ld, buf + strlen(buf), "expected text, got "
			    "a NUL byte");
			goto done;
		case LINE_READ_ERROR:
			rules_lerr(ld, NULL, "expected to read the file, got "
			    "%s", strerror(errno));
			goto done;
		case LINE_OK:
		case LINE_EOF:
		default:
			break;
		}
		if (fn(ld, buf, depth) == -1)
			goto done;
	}
	rc = 0;
 done:
	if (fp != NULL)
		fclose(fp);
	free(buf);
	ld->file = ofile;
	ld->line = oline;
	ld->lbuf = olbuf;
	return rc;
}

static int
load_file(struct loader *ld, const char *path, int depth)
{
	return rules_read_file(ld, path, depth, parse_line);
}

/* ---- after loading: unique sids ---- */

int
rules_sid_cmp(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int
check_sids(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	struct rule **v;
	unsigned i;
	int rc = 0;

	if (rs->n == 0)
		return 0;
	if ((v = calloc(rs->n, sizeof(*v))) == NULL)
		return rules_lerr(ld, NULL, "expected memory, got ENOMEM");
	for (i = 0; i < rs->n; i++)
		v[i] = &rs->rules[i];
	qsort(v, rs->n, sizeof(*v), rules_sid_cmp);
	for (i = 1; i < rs->n; i++)
		if (v[i]->gid == v[i - 1]->gid && v[i]->sid == v[i - 1]->sid) {
			snprintf(ld->err, sizeof(ld->err), "%s:%u:%u: expected "
			    "a sid unique in gid %u, got %u again (first at "
			    "%s:%u)", v[i]->file, v[i]->line, v[i]->sidcol,
			    v[i]->gid, v[i]->sid, v[i - 1]->file,
			    v[i - 1]->line);
			rc = -1;
			break;
		}
	free(v);
	return rc;
}

struct ruleset *
rules_load_err(const char *path, const char *cpath, char *err,
    size_t errlen)
{
	struct loader ld;

	memset(&ld, 0, sizeof(ld));
	if (errlen > 0)
		err[0] = '\0';
	if ((ld.rs = calloc(1, sizeof(*ld.rs))) == NULL) {
		snprintf(err, errlen, "%s: expected memory, got ENOMEM", path);
		return NULL;
	}
	if (rules_load_classes(&ld, path, cpath) == -1 ||
	    load_file(&ld, path, 0) == -1 || check_sids(&ld) == -1)
		goto fail;
	if (rules_build_index(ld.rs) == -1) {
		snprintf(ld.err, sizeof(ld.err), "%s: expected memory for "
		    "the rule index, got ENOMEM", path);
		goto fail;
	}
	return ld.rs;
 fail:
	if (ld.err[0] == '\0')
		snprintf(ld.err, sizeof(ld.err), "%s: expected memory, got "
		    "ENOMEM", path);
	snprintf(err, errlen, "%s", ld.err);
	rules_free(ld.rs);
	return NULL;
}

struct ruleset *
rules_load(const char *path, const char *cpath)
{
	struct ruleset *rs;
	char err[1024];

	if ((rs = rules_load_err(path, cpath, err, sizeof(err))) == NULL)
		log_warnx("%s", err);
	return rs;
}

void
rules_free(struct ruleset *rs)
{
	unsigned i, k, b, lb;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rules_clear_rule(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->ncls; i++) {
		free(rs->cls[i].name);
		free(rs->cls[i].desc);
	}
	free(rs->cls);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	for (k = 0; k < NKIND; k++)
		for (b = 0; b < NBUCKET; b++)
			for (lb = 0; lb < NLBUCKET; lb++)
				free(rs->idx[k][b][lb]);
	free(rs);
}
