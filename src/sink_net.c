/* sink_net.c - network sinks (webhook, SMTP, Elasticsearch): not yet. */
#include <string.h>

#include "log.h"
#include "sink.h"

static int
net_open(struct sink *s, const char *arg)
{
	(void)arg;
	log_warnx("alert sink \"%s\": network sinks are not built yet",
	    s->spec);
	return -1;
}

static void
net_emit(struct sink *s, const struct sink_alert *sa)
{
	(void)s;
	(void)sa;
}

static void
net_nop(struct sink *s)
{
	(void)s;
}

void
sink_net_counters(struct sink *s, struct sink_counters *c)
{
	*c = s->c;
}

const struct sink_type sink_webhook = {
	"webhook", net_open, net_emit, net_nop, net_nop, NULL
};
const struct sink_type sink_smtp = {
	"smtp", net_open, net_emit, net_nop, net_nop, NULL
};
const struct sink_type sink_es = {
	"elasticsearch", net_open, net_emit, net_nop, net_nop, NULL
};
