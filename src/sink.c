/*
 * sink.c - the sink list, its spec parser, and the local sinks: NDJSON
 * file, stdout and syslog.  Network sinks are in sink_net.c.
 *
 * File sink invariants:
 *   - opened O_APPEND|O_CREAT, never truncated;
 *   - whole lines only: lines are gathered in a 64 KiB buffer and
 *     written with one write(2) per buffer (one per line cost a fifth of
 *     a full-table run), which O_APPEND places at the end as a unit, so
 *     lines from several writers never interleave (a short write, which
 *     only a full disk causes, is finished with further writes);
 *   - the buffer is written when full, when the capture goes quiet, at
 *     least once a second of packet time (rovmon.c), before a stats
 *     line (so its counters add up), on reopen and on close; with
 *     fsync=1 every line is written and made durable at once;
 *   - reopen (SIGHUP, logrotate) happens between two emits on the same
 *     thread: the line being written finishes on the old descriptor, the
 *     next goes to the new file, none is lost or written twice.  The new
 *     file is opened before the old descriptor is closed; if it cannot
 *     be opened, writing continues to the old one;
 *   - a failed write (ENOSPC, EIO) loses the lines that did not reach
 *     the file (a line cut in half is cut off again): they are counted,
 *     and (live) logged once when the sink starts failing and once when
 *     it recovers; capture goes on; the end of the run reports the loss
 *     (sinks_lost(); reading a file, that line is the only one);
 *   - no fsync by default (a crash of rovmon loses at most the lines
 *     gathered in the last second; a crash of the host may lose what the
 *     page cache held): fsync=1 makes each line durable (fdatasync) at
 *     once, at a cost per alert.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sink.h"
#include "stats.h"

static void	file_drain(struct sink *);

struct sinks {
	struct sink	*head, *tail;
	size_t		 n;
	unsigned	 min_priority;
	bool		 block;		/* default of block= */
	bool		 closed;	/* sinks_close() done */
	char		*buf;		/* ALERT_JSON_MAX, the encoded alert */
};

struct sinks *
sinks_new(void)
{
	struct sinks *ss;

	if ((ss = calloc(1, sizeof(*ss))) == NULL)
		return NULL;
	if ((ss->buf = malloc(ALERT_JSON_MAX)) == NULL) {
		free(ss);
		return NULL;
	}
	return ss;
}

void
sinks_set_min_priority(struct sinks *ss, unsigned n)
{
	ss->min_priority = n;
}

void
sinks_set_block(struct sinks *ss, bool block)
{
	ss->block = block;
}

size_t
sinks_count(const struct sinks *ss)
{
	return ss->n;
}

static bool
is_net(const struct sink *s)
{
	return s->type == &sink_webhook || s->type == &sink_smtp ||
	    s->type == &sink_es;
}

/* "123" -> 0..max; -1 otherwise. */
static long
parse_num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

/*
 * Peel ",key=value" options off the end of spec (cut in place).  Only
 * known keys are options, so a comma inside a URL stays in the URL.
 */
static int
parse_opts(char *spec, struct sink_opts *o, const char *orig)
{
	static const char *keys[] = { "min_priority", "fsync", "queue",
	    "rate", "batch", "retry", "block" };
	char *comma, *opt, *eq;
	size_t i;
	long v;

	memset(o, 0, sizeof(*o));
	o->rate = -1;
	o->retry = -1;
	o->block = -1;
	while ((comma = strrchr(spec, ',')) != NULL) {
		opt = comma + 1;
		if ((eq = strchr(opt, '=')) == NULL)
			break;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strlen(keys[i]) == (size_t)(eq - opt) &&
			    strncmp(opt, keys[i], (size_t)(eq - opt)) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			break;
		if (i == 0 && strcmp(eq + 1, "all") == 0) {
			o->min_priority = UINT_MAX;
			*comma = '\0';
			continue;
		}
		if ((v = parse_num(eq + 1, 1000000)) < 0) {
			log_warnx("alert sink \"%s\": bad value in option %s",
			    orig, opt);
			return -1;
		}
		switch (i) {
		case 0:
			if (v < 1) {
				log_warnx("alert sink \"%s\": min_priority "
				    "must be >= 1 or all", orig);
				return -1;
			}
			o->min_priority = (unsigned)v;
			break;
		case 1:
			o->fsync = v != 0;
			break;
		case 2:
			o->queue = (unsigned)v;
			break;
		case 3:
			o->rate = (int)v;
			break;
		case 4:
			o->batch = (unsigned)v;
			break;
		case 5:
			o->retry = (int)v;
			break;
		default:
			if (v > 1) {
				log_warnx("alert sink \"%s\": block is 0 or 1",
				    orig);
				return -1;
			}
			o->block = (int)v;
			break;
		}
		*comma = '\0';
	}
	return 0;
}

/*
 * Targets: the type, whether the argument is the whole target, and the
 * flood control a sink of it gets unless told otherwise.  People read
 * chat and mail: they take priorities 1-2 and a few a minute, so that
 * a capture full of NOT_FOUND routes (priority 3) does not bury them.
 * Files, stdout, syslog, a JSON webhook and Elasticsearch are records
 * and take everything.
 */
static const struct target {
	const char		*prefix;
	const struct sink_type	*type;
	bool			 whole;
	unsigned		 min_priority;	/* 0 = all */
	int			 rate;		/* per minute, 0 = no limit */
} targets[] = {
	{ "file:", &sink_file, false, 0, 0 },
	{ "syslog:", &sink_syslog, false, 0, 0 },
	{ "webhook:", &sink_webhook, false, 0, 0 },
	{ "slack:", &sink_webhook, false, 2, 60 },
	{ "mattermost:", &sink_webhook, false, 2, 60 },
	{ "elasticsearch:", &sink_es, false, 0, 0 },
	{ "es:", &sink_es, false, 0, 0 },
	{ "smtp://", &sink_smtp, true, 2, 10 },
	{ "smtps://", &sink_smtp, true, 2, 10 },
};
static const struct target target_stdout = { "stdout", &sink_stdout, true,
    0, 0 };
static const struct target target_syslog = { "syslog", &sink_syslog, true,
    0, 0 };

/* The target of t (a spec without options) and its argument. */
static const struct target *
lookup(const char *t, const char **arg)
{
	size_t i, n;

	if (strcmp(t, "stdout") == 0 || strcmp(t, "-") == 0) {
		*arg = "";
		return &target_stdout;
	}
	if (strcmp(t, "syslog") == 0) {
		*arg = "";
		return &target_syslog;
	}
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		n = strlen(targets[i].prefix);
		if (strncmp(t, targets[i].prefix, n) == 0) {
			*arg = targets[i].whole ? t : t + n;
			return &targets[i];
		}
	}
	return NULL;
}

int
sinks_add(struct sinks *ss, const char *spec)
{
	const struct target *tg;
	struct sink *s;
	const char *arg;
	char *t = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->spec = strdup(spec)) == NULL || (t = strdup(spec)) == NULL) {
		log_warn("alert sink \"%s\"", spec);
		goto fail;
	}
	if (parse_opts(t, &s->opts, spec) == -1)
		goto fail;
	if ((tg = lookup(t, &arg)) == NULL) {
		log_warnx("alert sink \"%s\": unknown type (file:PATH, stdout, "
		    "syslog[:FACILITY], webhook:URL, slack:URL, mattermost:URL, "
		    "smtp://HOST?from=&to=, elasticsearch:URL)", spec);
		goto fail;
	}
	s->type = tg->type;
	s->def_min_priority = tg->min_priority;
	if (!is_net(s) && (s->opts.queue != 0 || s->opts.batch != 0 ||
	    s->opts.rate >= 0 || s->opts.retry >= 0 || s->opts.block >= 0)) {
		log_warnx("alert sink \"%s\": queue, rate, batch, retry and "
		    "block apply to network sinks only", spec);
		goto fail;
	}
	if (s->opts.rate < 0)
		s->opts.rate = tg->rate;
	if (s->opts.block < 0)
		s->opts.block = ss->block;
	if (s->opts.fsync && s->type != &sink_file) {
		log_warnx("alert sink \"%s\": fsync applies to file sinks only",
		    spec);
		goto fail;
	}
	if (s->type->open(s, arg) == -1)
		goto fail;
	free(t);
	if (ss->tail != NULL)
		ss->tail->next = s;
	else
		ss->head = s;
	ss->tail = s;
	ss->n++;
	return 0;
fail:
	if (s != NULL)
		free(s->spec);
	free(s);
	free(t);
	return -1;
}

void
sinks_emit(struct sinks *ss, const struct alert *a)
{
	struct sink_alert sa;
	struct sink *s;
	unsigned min;
	int n = 0;

	if (ss->closed)
		return;
	STAT_INC(alerts);
	sa.a = a;
	sa.json = NULL;
	sa.json_len = 0;
	for (s = ss->head; s != NULL; s = s->next) {
		min = s->opts.min_priority != 0 ? s->opts.min_priority :
		    ss->min_priority != 0 ? ss->min_priority :
		    s->def_min_priority;
		if (!is_net(s))
			s->c.emitted++;
		if (min != 0 && a->priority > min) {
			if (!is_net(s))
				s->c.filtered++;
			else
				sink_net_filtered(s);
			STAT_INC(alert_filtered);
			continue;
		}
		if (sa.json == NULL && s->type != &sink_syslog) {
			/* ALERT_JSON_MAX always fits; -1 would be a bug */
			if ((n = alert_format_json(a, ss->buf,
			    ALERT_JSON_MAX)) < 0)
				continue;
			sa.json = ss->buf;
			sa.json_len = (size_t)n;
		}
		s->type->emit(s, &sa);
	}
}

void
sinks_reopen(struct sinks *ss)
{
	struct sink *s;

	if (ss->closed)
		return;
	for (s = ss->head; s != NULL; s = s->next)
		if (s->type->reopen != NULL)
			s->type->reopen(s);
}

void
sinks_flush(struct sinks *ss)
{
	struct sink *s;

	if (ss->closed)
		return;
	for (s = ss->head; s != NULL; s = s->next)
		s->type->flush(s);
}

void
sinks_drain(struct sinks *ss)
{
	struct sink *s;

	if (ss->closed)
		return;
	for (s = ss->head; s != NULL; s = s->next)
		if (s->type == &sink_file || s->type == &sink_stdout)
			file_drain(s);
}

void
sinks_close(struct sinks *ss)
{
	struct sink *s;

	if (ss == NULL || ss->closed)
		return;
	for (s = ss->head; s != NULL; s = s->next)
		if (is_net(s)) {
			s->type->flush(s);
			sink_net_stop(s);	/* all drain at once */
		}
	for (s = ss->head; s != NULL; s = s->next)
		s->type->close(s);	/* sets s->priv = NULL */
	ss->closed = true;
	sinks_update_stats(ss);	/* the workers are joined: s->c is final */
}

void
sinks_free(struct sinks *ss)
{
	struct sink *s, *next;

	if (ss == NULL)
		return;
	sinks_close(ss);
	for (s = ss->head; s != NULL; s = next) {
		next = s->next;
		free(s->spec);
		free(s);
	}
	free(ss->buf);
	free(ss);
}

static uint64_t
sink_lost(const struct sink *s)
{
	return s->c.write_errors + s->c.queue_drops + s->c.send_errors;
}

uint64_t
sinks_lost(struct sinks *ss, char *why, size_t len)
{
	const struct sink *s;
	uint64_t n, total = 0;
	size_t nlost = 0, off = 0;
	int k;

	if (why != NULL && len > 0)
		*why = '\0';
	if (ss == NULL)
		return 0;
	sinks_close(ss);	/* the workers are joined: s->c is final */
	for (s = ss->head; s != NULL; s = s->next)
		if (sink_lost(s) > 0)
			nlost++;
	for (s = ss->head; s != NULL && why != NULL && len > 0; s = s->next) {
		if ((n = sink_lost(s)) == 0)
			continue;
		if (nlost == 1)
			k = snprintf(why + off, len - off, "%s (%s)", s->spec,
			    s->why[0] != '\0' ? s->why : "lost");
		else
			k = snprintf(why + off, len - off, "%s%llu to %s (%s)",
			    off > 0 ? ", " : "", (unsigned long long)n, s->spec,
			    s->why[0] != '\0' ? s->why : "lost");
		if (k < 0 || (size_t)k >= len - off)
			break;		/* cut short; the count stays right */
		off += (size_t)k;
	}
	for (s = ss->head; s != NULL; s = s->next)
		total += sink_lost(s);
	return total;
}

int
sinks_counters(struct sinks *ss, size_t i, struct sink_counters *c,
    const char **spec)
{
	struct sink *s;

	for (s = ss->head; s != NULL && i > 0; s = s->next)
		i--;
	if (s == NULL)
		return -1;
	if (is_net(s) && s->priv != NULL)
		sink_net_counters(s, c);
	else
		*c = s->c;
	if (spec != NULL)
		*spec = s->spec;
	return 0;
}

/*
 * The delta since the last fold, counter by counter: the workers only
 * ever add, and s->folded is what this thread added before.  The file,
 * stdout and syslog sinks count into stats.h directly (they run on this
 * thread).
 */
void
sinks_update_stats(struct sinks *ss)
{
	struct sink_counters c;
	struct sink *s;

	for (s = ss->head; s != NULL; s = s->next) {
		if (!is_net(s))
			continue;
		if (s->priv != NULL)
			sink_net_counters(s, &c);	/* under its lock */
		else
			c = s->c;	/* closed: the worker is joined */
		STAT_ADD(alert_queued, c.queued - s->folded.queued);
		STAT_ADD(alert_queue_drops,
		    c.queue_drops - s->folded.queue_drops);
		STAT_ADD(alert_rate_drops, c.rate_drops - s->folded.rate_drops);
		STAT_ADD(alert_sent, c.sent - s->folded.sent);
		STAT_ADD(alert_send_errors,
		    c.send_errors - s->folded.send_errors);
		s->folded = c;
	}
}

void
sinks_write_json(struct sinks *ss, FILE *fp)
{
	struct sink_counters c;
	const char *spec;
	char *buf;
	size_t i, off;

	if ((buf = malloc(8192)) == NULL)
		return;
	fputs("{\"sinks\":[", fp);
	for (i = 0; sinks_counters(ss, i, &c, &spec) == 0; i++) {
		off = 0;
		alert_put_jstr(buf, 4096, &off, spec);
		fprintf(fp, "%s{\"spec\":%.*s,\"emitted\":%llu,\"filtered\":%llu,"
		    "\"written\":%llu,\"write_errors\":%llu,\"queued\":%llu,"
		    "\"queue_drops\":%llu,\"rate_drops\":%llu,\"sent\":%llu,"
		    "\"send_errors\":%llu,\"requests\":%llu}", i > 0 ? "," : "",
		    (int)(off > 4096 ? 4096 : off), buf,
		    (unsigned long long)c.emitted,
		    (unsigned long long)c.filtered,
		    (unsigned long long)c.written,
		    (unsigned long long)c.write_errors,
		    (unsigned long long)c.queued,
		    (unsigned long long)c.queue_drops,
		    (unsigned long long)c.rate_drops,
		    (unsigned long long)c.sent,
		    (unsigned long long)c.send_errors,
		    (unsigned long long)c.requests);
	}
	fputs("]}\n", fp);
	free(buf);
}

/* ---- file and stdout ---------------------------------------------- */

#define FILE_SINK_BUF	(64 * 1024)

struct file_sink {
	char		*path;		/* NULL for stdout */
	int		 fd;
	bool		 failing;	/* last write failed (logged once) */
	char		*buf;		/* whole lines not yet written */
	size_t		 len;
};

static int
file_open_fd(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

static int
file_open(struct sink *s, const char *arg)
{
	struct file_sink *f;

	if (*arg == '\0') {
		log_warnx("alert sink \"%s\": file: needs a path", s->spec);
		return -1;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->path = strdup(arg)) == NULL ||
	    (f->buf = malloc(FILE_SINK_BUF)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		if (f != NULL)
			free(f->path);
		free(f);
		return -1;
	}
	if ((f->fd = file_open_fd(arg)) == -1) {
		log_warn("alert sink \"%s\": %s", s->spec, arg);
		free(f->buf);
		free(f->path);
		free(f);
		return -1;
	}
	s->priv = f;
	return 0;
}

static int
stdout_open(struct sink *s, const char *arg)
{
	struct file_sink *f;

	(void)arg;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->buf = malloc(FILE_SINK_BUF)) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		free(f);
		return -1;
	}
	f->fd = STDOUT_FILENO;
	s->priv = f;
	return 0;
}

/* Write all of p; 0, or -1 with errno set and *done the bytes written. */
static int
write_all(int fd, const char *p, size_t n, size_t *done)
{
	ssize_t w;

	*done = 0;
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		*done += (size_t)w;
	}
	return 0;
}

/*
 * A line cut short (ENOSPC half way) would glue the next alert onto its
 * fragment: cut the fragment off again, so every line in the file stays
 * one whole JSON object.  The file is O_APPEND and this sink its only
 * writer, so the fragment is the file's tail.
 */
static void
drop_fragment(int fd, size_t frag)
{
	off_t end;
	int saved = errno;

	if (frag > 0 && (end = lseek(fd, 0, SEEK_END)) != -1 &&
	    end >= (off_t)frag)
		(void)ftruncate(fd, end - (off_t)frag);
	errno = saved;
}

static uint64_t
count_lines(const char *p, size_t n)
{
	uint64_t c = 0;
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* Write p (whole lines) to the sink's descriptor, and count them. */
static void
file_write_lines(struct sink *s, const char *p, size_t n)
{
	struct file_sink *f = s->priv;
	uint64_t kept, nlines = count_lines(p, n);
	size_t done, whole;

	if (write_all(f->fd, p, n, &done) == -1) {
		snprintf(s->why, sizeof(s->why), "%s", strerror(errno));
		/* The lines that made it stay; a line cut short goes. */
		whole = done;
		while (whole > 0 && p[whole - 1] != '\n')
			whole--;
		if (f->path != NULL)	/* our file, not stdout */
			drop_fragment(f->fd, done - whole);
		kept = count_lines(p, whole);
		s->c.written += kept;
		STAT_ADD(alert_lines, kept);
		s->c.write_errors += nlines - kept;
		STAT_ADD(alert_write_errors, nlines - kept);
		/* a run that reads a file says it once, at the end */
		if (!f->failing && s->opts.block != 1)
			log_warn("alert sink \"%s\": write failed, alerts are "
			    "lost until it recovers", s->spec);
		f->failing = true;
		return;
	}
	if (f->failing) {
		if (s->opts.block != 1)
			log_warnx("alert sink \"%s\": writing again (%llu "
			    "lines lost)", s->spec,
			    (unsigned long long)s->c.write_errors);
		f->failing = false;
	}
	if (s->opts.fsync)
		(void)fdatasync(f->fd);
	s->c.written += nlines;
	STAT_ADD(alert_lines, nlines);
}

/* Write out the buffered lines. */
static void
file_drain(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (f == NULL || f->len == 0)
		return;
	file_write_lines(s, f->buf, f->len);
	f->len = 0;
}

static void
file_emit(struct sink *s, const struct sink_alert *sa)
{
	struct file_sink *f = s->priv;

	if (s->opts.fsync || sa->json_len > FILE_SINK_BUF) {
		file_drain(s);
		file_write_lines(s, sa->json, sa->json_len);
		return;
	}
	if (FILE_SINK_BUF - f->len < sa->json_len)
		file_drain(s);
	memcpy(f->buf + f->len, sa->json, sa->json_len);
	f->len += sa->json_len;
}

static void
file_flush(struct sink *s)
{
	struct file_sink *f = s->priv;

	file_drain(s);
	if (s->opts.fsync && f->path != NULL)
		(void)fdatasync(f->fd);
}

static void
file_close(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (f == NULL)
		return;
	file_flush(s);
	if (f->path != NULL)
		close(f->fd);
	free(f->buf);
	free(f->path);
	free(f);
	s->priv = NULL;
}

static void
file_reopen(struct sink *s)
{
	struct file_sink *f = s->priv;
	int fd;

	if ((fd = file_open_fd(f->path)) == -1) {
		log_warn("alert sink \"%s\": reopen failed, still writing to "
		    "the old file", s->spec);
		return;
	}
	/* What was gathered before the reopen belongs to the old file. */
	file_flush(s);
	close(f->fd);
	f->fd = fd;
	STAT_INC(alert_reopens);
}

const struct sink_type sink_file = {
	"file", file_open, file_emit, file_flush, file_close, file_reopen
};

const struct sink_type sink_stdout = {
	"stdout", stdout_open, file_emit, file_flush, file_close, NULL
};

/* ---- syslog ------------------------------------------------------- */

struct syslog_sink {
	int		 facility;
};

static const struct {
	const char	*name;
	int		 facility;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ "user", LOG_USER },
};

static int
syslog_open(struct sink *s, const char *arg)
{
	struct syslog_sink *y;
	size_t i;
	int fac = LOG_DAEMON;

	if (*arg != '\0') {
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (strcasecmp(arg, facilities[i].name) == 0)
				break;
		if (i == sizeof(facilities) / sizeof(facilities[0])) {
			log_warnx("alert sink \"%s\": unknown syslog facility "
			    "\"%s\" (daemon, user, local0..local7, ...)",
			    s->spec, arg);
			return -1;
		}
		fac = facilities[i].facility;
	}
	if ((y = calloc(1, sizeof(*y))) == NULL) {
		log_warn("alert sink \"%s\"", s->spec);
		return -1;
	}
	y->facility = fac;
	/* the facility goes with each message: several sinks may differ */
	openlog("rovmon", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	s->priv = y;
	return 0;
}

/* Snort priority 1 is the most severe. */
static int
syslog_level(uint32_t priority)
{
	switch (priority) {
	case 0:
	case 1:
		return LOG_ALERT;
	case 2:
		return LOG_CRIT;
	case 3:
		return LOG_ERR;
	case 4:
		return LOG_WARNING;
	case 5:
		return LOG_NOTICE;
	default:
		return LOG_INFO;
	}
}

static void
syslog_emit(struct sink *s, const struct sink_alert *sa)
{
	struct syslog_sink *y = s->priv;
	char text[ALERT_TEXT_MAX];

	alert_format_text(sa->a, text, sizeof(text));
	syslog(y->facility | syslog_level(sa->a->priority), "%s", text);
	s->c.written++;
	STAT_INC(alert_syslog);
}

static void
syslog_flush(struct sink *s)
{
	(void)s;
}

static void
syslog_close(struct sink *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct sink_type sink_syslog = {
	"syslog", syslog_open, syslog_emit, syslog_flush, syslog_close, NULL
};
