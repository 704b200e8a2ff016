/*
 * alert.h - one alert: the rule that fired, next to the route event that
 * fired it, and its encodings (docs/alerts.md).
 *
 *   rib -> rules -> alert (built once) -> sinks (each encodes it)
 *
 * The rule's part of every alert it fires (numbers, strings, and their
 * JSON text escaped) is built once, when the rules are loaded (struct
 * alert_rule); an alert only points at it and at the route event, which
 * is valid for the duration of the callback that builds the alert: the
 * sinks encode it synchronously (network sinks queue the encoded text,
 * never the struct).  The output stage (rovmon/output.h) queues copies
 * of alerts that still point at their rule: a rules reload frees the old
 * rules only after that queue is empty (alerting_reload()).
 */
#ifndef ROVMON_ALERT_H
#define ROVMON_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "base/sensor_event.h"
#include "state/route_event.h"

#define ALERT_MSG_MAX		256	/* rule msg, cut to 255 bytes */
#define ALERT_CLASS_MAX		64	/* classtype name */
#define ALERT_CLASSDESC_MAX	128	/* classtype description */
#define ALERT_ACTION_MAX	16	/* "alert", "log", ... */

/*
 * Enough for any alert: a 65535-byte UPDATE as base64 (87,380), an AS
 * path of 16,384 4-octet ASNs (11 bytes each with the comma, 180,224),
 * the escaped msg (6 bytes per byte at worst) and the rest.
 */
#define ALERT_JSON_MAX		(384 * 1024)
/* alert_format_text(): a 255-byte msg, a 127-byte class, the route and
 * ~610 bytes of deciding VRPs (8 IPv6 ones) fit whole */
#define ALERT_TEXT_MAX		2048

/*
 * A rule as its alerts show it: the numbers, the four strings cut to the
 * ALERT_*_MAX sizes (less the NUL; never NULL: "" for none), and the
 * JSON run of fields ,"rule":"G:S:R",... "action":"..", escaped once
 * here instead of per alert.  One allocation, freed by alert_rule_free().
 */
struct alert_rule {
	uint32_t	 gid, sid, rev;
	uint32_t	 priority;	/* 1 = most severe (Snort) */
	const char	*msg;
	const char	*classtype;
	const char	*class_desc;
	const char	*action;
	const char	*json;		/* not NUL-terminated */
	size_t		 json_len;
};

/* NULL strings are taken as ""; NULL on ENOMEM. */
struct alert_rule *alert_rule_new(uint32_t gid, uint32_t sid, uint32_t rev,
	    uint32_t priority, const char *msg, const char *classtype,
	    const char *class_desc, const char *action);
void	alert_rule_free(struct alert_rule *);		/* NULL ok */

struct alert {
	/* not owned: the rule lives as long as its ruleset, which outlives
	 * every alert of it, queued ones included (see above) */
	const struct alert_rule *rule;
	/* not owned: valid while the alert is being emitted; one of the
	 * two is set: a route event, or a sensor event (alert_event.c) */
	const struct route_event *ev;
	const struct sensor_event *sev;
	const char	*sensor;	/* NULL = omitted */
	uint64_t	 pkt_num;	/* 0 when no packet caused it */
};

/* Fill an alert: pointers only, nothing copied. */
void	alert_init(struct alert *, const struct alert_rule *,
	    const struct route_event *, const char *sensor, uint64_t pkt_num);

/*
 * One JSON object with a trailing '\n' (the NDJSON line) and a NUL after
 * it.  Returns the length without the NUL, or -1 if cap is too small
 * (ALERT_JSON_MAX is always enough).  Thread-safe.
 */
int	alert_format_json(const struct alert *, char *buf, size_t cap);

/*
 * A compact one-line summary without a newline, for syslog, chat and
 * mail:  [1:1000001:1] msg [Classification: ...] [Priority: 1]
 *        announce 192.0.2.0/24 origin AS64500 rpki invalid/as
 *        (VRP 192.0.2.0/23 max_length 23 AS64511) peer 10.0.0.1 AS65001
 * naming the deciding VRPs (up to 8, "and N more"), or "(no covering
 * ROA)" for NOT_FOUND; then " aspa invalid/hop" when the route has an
 * ASPA verdict and " leak otc-from-customer" when it breaks an RFC 9234
 * rule (nothing when neither applies).  Returns the length (cut to cap - 1, never -1);
 * ALERT_TEXT_MAX always holds it whole.
 */
int	alert_format_text(const struct alert *, char *buf, size_t cap);

/*
 * The alert of a sensor event (base/sensor_event.h): alert_init() with
 * ev NULL, then sev set; alert_format_json() and alert_format_text()
 * encode it (alert_event.c) with the rule's fields and an "event" object
 * in place of "bgp" (docs/alerts.md, "Sensor events").
 */
void	alert_init_event(struct alert *, const struct alert_rule *,
	    const struct sensor_event *, const char *sensor);
int	alert_event_json(const struct alert *, char *buf, size_t cap);
int	alert_event_text(const struct alert *, char *buf, size_t cap);

/*
 * Building blocks shared with the sinks.  Each appends to buf at *off,
 * never past cap; when it does not fit, *off becomes cap + 1 (the
 * caller checks *off <= cap).
 */
void	alert_put_jstr(char *buf, size_t cap, size_t *off, const char *s);
				/* a quoted JSON string, escaped; invalid
				 * UTF-8 bytes become U+FFFD */
void	alert_put_base64(char *buf, size_t cap, size_t *off,
	    const uint8_t *p, size_t n);

/* The rule's part of the envelope: ,"rule":"G:S:R","gid":...,"action":..
 * (the rule's json). */
void	alert_put_rule(char *buf, size_t cap, size_t *off, const struct alert *);

/* "C2S" (towards port 179), "S2C" (from it), "UNK" (neither or both). */
const char *alert_dir(uint16_t src_port, uint16_t dst_port);

#endif /* ROVMON_ALERT_H */
