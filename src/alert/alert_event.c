/*
 * alert_event.c - the alert of a sensor event (base/sensor_event.h): not
 * one route but the sensor's view of something larger, a router whose
 * RTR set drifted from the reference, rovmon's own RTR data expired.
 *
 * The JSON keeps the route alerts' envelope (time stamps, the rule's
 * gid:sid:rev, msg, class, priority, action, sensor) so that one consumer
 * reads both; the "bgp" object is replaced by an "event" object:
 *   "event":{"type":"rtr-drift","subject":"router 10.0.0.2",
 *            "addr":"10.0.0.2","port":323, FIELDS...}
 * with the producer's fields in its order (docs/alerts.md).
 */
#include <stdio.h>
#include <string.h>

#include "alert/alert.h"
#include "base/jsonbuf.h"
#include "state/route_json.h"

void
alert_init_event(struct alert *a, const struct alert_rule *rule,
    const struct sensor_event *sev, const char *sensor)
{
	alert_init(a, rule, NULL, sensor, sev->pkt_num);
	a->sev = sev;
}

static void
put_field(char *buf, size_t cap, size_t *off, const struct sensor_field *f)
{
	char num[24];
	size_t i;

	jb_put(buf, cap, off, ",", 1);
	alert_put_jstr(buf, cap, off, f->key);
	jb_put(buf, cap, off, ":", 1);
	switch (f->kind) {
	case SF_UINT:
		jb_putu(buf, cap, off, f->u);
		break;
	case SF_INT:
		snprintf(num, sizeof(num), "%lld", (long long)f->i);
		jb_puts(buf, cap, off, num);
		break;
	case SF_BOOL:
		jb_puts(buf, cap, off, f->u != 0 ? "true" : "false");
		break;
	case SF_STR:
		if (f->s == NULL)
			jb_puts(buf, cap, off, "null");
		else
			alert_put_jstr(buf, cap, off, f->s);
		break;
	case SF_STRS:
	default:
		jb_put(buf, cap, off, "[", 1);
		for (i = 0; i < f->n; i++) {
			if (i > 0)
				jb_put(buf, cap, off, ",", 1);
			alert_put_jstr(buf, cap, off, f->list[i]);
		}
		jb_put(buf, cap, off, "]", 1);
		break;
	}
}

int
alert_event_json(const struct alert *a, char *buf, size_t cap)
{
	const struct sensor_event *ev = a->sev;
	size_t off = 0, lim, i;

	if (cap < 3)
		return -1;
	lim = cap - 2;		/* room for "\n" and NUL */
	jb_puts(buf, lim, &off, "{\"timestamp\":\"");
	route_json_ts(buf, lim, &off, &ev->ts, ROUTE_JSON_TS_SNORT);
	jb_puts(buf, lim, &off, "\",\"@timestamp\":\"");
	route_json_ts(buf, lim, &off, &ev->ts, ROUTE_JSON_TS_ISO);
	jb_puts(buf, lim, &off, "\",\"pkt_num\":");
	jb_putu(buf, lim, &off, a->pkt_num);
	jb_puts(buf, lim, &off, ",\"service\":\"rovmon\"");
	alert_put_rule(buf, lim, &off, a);
	if (a->sensor != NULL) {
		jb_puts(buf, lim, &off, ",\"sensor\":");
		alert_put_jstr(buf, lim, &off, a->sensor);
	}
	jb_puts(buf, lim, &off, ",\"event\":{\"type\":");
	alert_put_jstr(buf, lim, &off, sensor_event_type_name(ev->type));
	if (ev->subject != NULL) {
		jb_puts(buf, lim, &off, ",\"subject\":");
		alert_put_jstr(buf, lim, &off, ev->subject);
	}
	if (ev->addr.family != 0) {
		jb_puts(buf, lim, &off, ",\"addr\":\"");
		jb_put_ipaddr(buf, lim, &off, &ev->addr);
		jb_puts(buf, lim, &off, "\",\"port\":");
		jb_putu(buf, lim, &off, ev->port);
	}
	for (i = 0; i < ev->nfields; i++)
		put_field(buf, lim, &off, &ev->fields[i]);
	jb_puts(buf, lim, &off, "}}");
	if (off > lim)
		return -1;
	buf[off++] = '\n';
	buf[off] = '\0';
	return (int)off;
}

/*
 * [1:1000101:1] msg [Classification: ...] [Priority: 2] rtr-drift
 * router 10.0.0.2: TEXT   (the producer's one line, or the type alone)
 */
int
alert_event_text(const struct alert *a, char *buf, size_t cap)
{
	const struct sensor_event *ev = a->sev;
	const struct alert_rule *rule = a->rule;
	char msg[ALERT_MSG_MAX];
	size_t i;
	int n;

	if (cap == 0)
		return 0;
	for (i = 0; rule->msg[i] != '\0'; i++)
		msg[i] = (unsigned char)rule->msg[i] < 0x20 ? ' ' :
		    rule->msg[i];
	msg[i] = '\0';
	n = snprintf(buf, cap, "[%u:%u:%u] %s [Classification: %s] "
	    "[Priority: %u] %s%s%s%s%s", rule->gid, rule->sid, rule->rev, msg,
	    rule->class_desc[0] != '\0' ? rule->class_desc :
	    rule->classtype[0] != '\0' ? rule->classtype : "none",
	    rule->priority,
	    sensor_event_type_name(ev->type),
	    ev->subject != NULL ? " " : "",
	    ev->subject != NULL ? ev->subject : "",
	    ev->text != NULL ? ": " : "", ev->text != NULL ? ev->text : "");
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	/* one line, whatever the producer wrote */
	for (i = 0; i < (size_t)n && i < cap - 1; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = ' ';
	return (size_t)n >= cap ? (int)cap - 1 : n;
}
