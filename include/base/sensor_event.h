/*
 * sensor_event.h - an event of the sensor itself, not of one route: a
 * router's RTR view drifting from the reference, an RTR cache whose data
 * expired.  Rules match it by its type (`event:rtr-drift;`), and it
 * becomes an alert like a route event (docs/alerts.md, "Sensor events").
 *
 *   producer (rpki/rtr_audit.c, rpki/rtr.c) -> callback -> rovmon/
 *       -> alerting_event() (alert/alerting.h) -> rules -> alert -> sinks
 *
 * It lives in base/ so that any stage can build one without including
 * alert/ (which is above it): a producer takes a sensor_event_fn in its
 * configuration and rovmon/ wires it to alerting_event().  Packet thread
 * only: a helper thread keeps what it has to say and raises it when the
 * packet thread polls it.
 *
 * The event points at strings it does not own; they live for the call.
 */
#ifndef ROVMON_SENSOR_EVENT_H
#define ROVMON_SENSOR_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "base/addr.h"

/*
 * The event types a rule may name (docs/rules.md).  A new type: add a
 * line here (bit = its position), a default rule and a docs row.
 */
#define SENSOR_EVENT_TYPES(X)						\
	X(RTR_DRIFT,	"rtr-drift")	/* a router's VRP/ASPA set differs
					 * from the reference */	\
	X(RTR_SYNCED,	"rtr-synced")	/* it equals the reference again */ \
	X(RTR_MISJUDGED, "rtr-misjudged") /* stored routes the router
					 * judges unlike the reference */ \
	X(RTR_STALE,	"rtr-stale")	/* no End of Data for too long */ \
	X(RTR_PARTIAL,	"rtr-partial")	/* session picked up mid-stream */ \
	X(RTR_ERROR,	"rtr-error")	/* an Error Report on the wire */ \
	X(RTR_EXPIRED,	"rtr-expired")	/* rovmon's own RTR data expired
					 * (RTR client) */		\
	X(CHECKPOINT_REFUSED, "checkpoint-refused") /* --state-dir: the
					 * checkpoint was refused at start,
					 * set aside; started empty */	\
	X(CHECKPOINT_RESTORED, "checkpoint-restored") /* restored from a
					 * checkpoint: the gap since it */ \
	X(CHECKPOINT_FAILED, "checkpoint-failed") /* a checkpoint could
					 * not be written */		\
	X(REDIS_FAILOVER, "redis-failover") /* --redis with Sentinel: the
					 * VRP store's master changed */ \
	X(SESSION_DOWN,	"session-down")	/* a BGP session with stored
					 * routes went down: held */	\
	X(SESSION_UP,	"session-up")	/* a new session between the same
					 * speakers adopted them */	\
	X(SESSION_GONE,	"session-gone")	/* a held session never came
					 * back: its routes resolved */

enum sensor_event_type {
#define SENSOR_EVENT_ENUM(e, s)	SEV_##e,
	SENSOR_EVENT_TYPES(SENSOR_EVENT_ENUM)
#undef SENSOR_EVENT_ENUM
	SEV_COUNT
};

/* "rtr-drift", ...; NULL past the end. */
const char	*sensor_event_type_name(enum sensor_event_type);
/* The type named s, or -1. */
int		 sensor_event_type_find(const char *s);

#define SENSOR_EVENT_MAX_FIELDS	16

enum sensor_field_kind {
	SF_UINT,	/* u */
	SF_INT,		/* i (a lag may be negative) */
	SF_STR,		/* s */
	SF_STRS,	/* list[0..n): a JSON array of strings */
	SF_BOOL,	/* u != 0 */
};

struct sensor_field {
	const char		*key;	/* a JSON key, [a-z0-9_] */
	enum sensor_field_kind	 kind;
	uint64_t		 u;
	int64_t			 i;
	const char		*s;
	const char * const	*list;
	size_t			 n;
};

struct sensor_event {
	enum sensor_event_type	 type;
	struct timeval		 ts;	/* packet time, or wall time */
	/* whom it is about: a router (the RTR client seen on the mirror)
	 * or a cache; family 0 when no address applies */
	struct ipaddr		 addr;
	uint16_t		 port;
	const char		*subject;	/* "router 192.0.2.1",
					 * "rtr://cache:323"; NULL ok */
	const char		*text;	/* one line for text sinks (syslog,
					 * mail subject); NULL: the type */
	uint64_t		 pkt_num;	/* 0 when no packet caused it */
	struct sensor_field	 fields[SENSOR_EVENT_MAX_FIELDS];
	size_t			 nfields;
};

/* A raiser of events: rovmon/ passes alerting_event() with its alerting. */
typedef void	(*sensor_event_fn)(void *arg, const struct sensor_event *);

/* Zero ev and set its type and time. */
void	sensor_event_init(struct sensor_event *, enum sensor_event_type,
	    const struct timeval *ts);
/* Append a field (in output order); silently dropped past
 * SENSOR_EVENT_MAX_FIELDS (a programming error the unit test catches). */
void	sensor_event_uint(struct sensor_event *, const char *key, uint64_t);
void	sensor_event_int(struct sensor_event *, const char *key, int64_t);
void	sensor_event_bool(struct sensor_event *, const char *key, bool);
void	sensor_event_str(struct sensor_event *, const char *key,
	    const char *);
void	sensor_event_strs(struct sensor_event *, const char *key,
	    const char * const *list, size_t n);

#endif /* ROVMON_SENSOR_EVENT_H */
