/*
 * sink.c - the sink list: the spec parser (targets, options and their
 * defaults), emitting one alert to every sink whose priority filter
 * passes (encoded once), flush/drain/reopen/close over the list, the
 * counters and their JSON, the losses reported at the end, and the
 * network sinks' totals added to the statistics on this thread.
 *
 * The sinks themselves: sink_file.c (file, stdout), sink_syslog.c,
 * sink_net.c (webhook, SMTP, Elasticsearch: queue and worker, with
 * sink_http.c and sink_smtp.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "alert/sink.h"
#include "base/stats.h"

struct sinks {
	struct sink	*head, *tail;
	size_t		 n;
	unsigned	 min_priority;
	bool		 block;		/* default of block= */
	bool		 closed;	/* sinks_close() done */
	char		*buf;		/* ALERT_JSON_MAX, the encoded alert */
	struct sinks_divert divert;	/* emit NULL: none */
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
sinks_divert(struct sinks *ss, const struct sinks_divert *d)
{
	if (d != NULL)
		ss->divert = *d;
	else
		memset(&ss->divert, 0, sizeof(ss->divert));
}

void
sinks_emit(struct sinks *ss, const struct alert *a)
{
	if (ss->divert.emit != NULL)
		ss->divert.emit(ss->divert.arg, a);
	else
		sinks_emit_direct(ss, a);
}

void
sinks_emit_direct(struct sinks *ss, const struct alert *a)
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
		if (min != 0 && a->rule->priority > min) {
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
	if (ss->divert.drain != NULL)
		ss->divert.drain(ss->divert.arg);
	else
		sinks_drain_direct(ss);
}

void
sinks_drain_direct(struct sinks *ss)
{
	struct sink *s;

	if (ss->closed)
		return;
	for (s = ss->head; s != NULL; s = s->next)
		if (s->type == &sink_file || s->type == &sink_stdout)
			sink_file_drain(s);
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

const char *
sinks_type(const struct sinks *ss, size_t i)
{
	const struct sink *s;

	for (s = ss->head; s != NULL && i > 0; s = s->next)
		i--;
	return s != NULL ? s->type->name : NULL;
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
