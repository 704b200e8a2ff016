/*
 * sensor_event.c - building a sensor event (base/sensor_event.h): the
 * type names and the field appenders.  No state: any thread may build
 * one, but only the packet thread raises it.
 */
#include <string.h>

#include "base/sensor_event.h"

static const char *type_names[SEV_COUNT] = {
#define SENSOR_EVENT_NAME(e, s)	s,
	SENSOR_EVENT_TYPES(SENSOR_EVENT_NAME)
#undef SENSOR_EVENT_NAME
};

const char *
sensor_event_type_name(enum sensor_event_type t)
{
	return (unsigned)t < SEV_COUNT ? type_names[t] : NULL;
}

int
sensor_event_type_find(const char *s)
{
	int i;

	for (i = 0; i < SEV_COUNT; i++)
		if (strcmp(type_names[i], s) == 0)
			return i;
	return -1;
}

void
sensor_event_init(struct sensor_event *ev, enum sensor_event_type t,
    const struct timeval *ts)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = t;
	if (ts != NULL)
		ev->ts = *ts;
}

static struct sensor_field *
field(struct sensor_event *ev, const char *key, enum sensor_field_kind k)
{
	struct sensor_field *f;

	if (ev->nfields >= SENSOR_EVENT_MAX_FIELDS)
		return NULL;
	f = &ev->fields[ev->nfields++];
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->kind = k;
	return f;
}

void
sensor_event_uint(struct sensor_event *ev, const char *key, uint64_t v)
{
	struct sensor_field *f;

	if ((f = field(ev, key, SF_UINT)) != NULL)
		f->u = v;
}

void
sensor_event_int(struct sensor_event *ev, const char *key, int64_t v)
{
	struct sensor_field *f;

	if ((f = field(ev, key, SF_INT)) != NULL)
		f->i = v;
}

void
sensor_event_bool(struct sensor_event *ev, const char *key, bool v)
{
	struct sensor_field *f;

	if ((f = field(ev, key, SF_BOOL)) != NULL)
		f->u = v ? 1 : 0;
}

void
sensor_event_str(struct sensor_event *ev, const char *key, const char *s)
{
	struct sensor_field *f;

	if ((f = field(ev, key, SF_STR)) != NULL)
		f->s = s;
}

void
sensor_event_strs(struct sensor_event *ev, const char *key,
    const char * const *list, size_t n)
{
	struct sensor_field *f;

	if ((f = field(ev, key, SF_STRS)) != NULL) {
		f->list = list;
		f->n = n;
	}
}
