/*
 * sink_syslog.c - the syslog sink: the alert's text form, one message
 * each, at a level from its priority (Snort's 1 is the most severe) and
 * the sink's facility.  Packet thread only.
 */
#include <stdlib.h>
#include <strings.h>
#include <syslog.h>

#include "base/log.h"
#include "alert/sink.h"
#include "base/stats.h"

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
	syslog(y->facility | syslog_level(sa->a->rule->priority), "%s", text);
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
