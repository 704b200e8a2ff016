/*
 * output.c - the output stage thread (output.h): records built by the
 * packet thread, formatted and written by this one.
 *
 * A record is one reservation in the queue: a fixed part (the structs
 * the formatter takes, copied) followed by what they point at (the
 * deciding VRPs, the AS path's segments and ASNs, a sensor event's
 * strings), and the pointers of the fixed part are set to those copies.
 * The queue keeps a record in place until it is released, so the
 * pointers hold while the output thread uses it.
 *
 * The BGP message an alert quotes ("b64_data") is the same for every
 * alert of one UPDATE (a speaker that packs many prefixes per UPDATE,
 * as route servers do; the full table of make bench has 1.20 a
 * message, where this saves little): the packet thread remembers the
 * number of the last message whose bytes it queued (the decoder's
 * msg_seq, one number per message) and sends the bytes again only for
 * another; the output thread keeps its own copy of the last bytes it
 * received.  Numbers and bytes, never pointers: the output cannot
 * depend on where the decoder kept a message.
 *
 * An alert's record points at its rule's text (struct alert_rule), which
 * is not copied: the ruleset that owns it is freed only by a reload,
 * which empties the queue first (output_sync() in between_packets()).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/spsc.h"
#include "base/thread.h"
#include "rovmon/output.h"

/* A BGP message's length is a 16-bit field (RFC 4271 4.1, RFC 8654). */
#define MSG_KEEP_MAX	65535

enum rec_kind {
	REC_ALERT,		/* an alert of a route event */
	REC_EVENT,		/* an alert of a sensor event */
	REC_ROUTE,		/* a route log line */
	REC_DRAIN,		/* sinks_drain() */
	REC_ROUTES_FLUSH,	/* route_log_flush() */
};

struct rec_alert {
	uint32_t		 kind;
	uint32_t		 msg_new;	/* the message's bytes follow */
	struct alert		 a;
	struct route_event	 ev;
	struct packet		 pkt;
	struct bgp_aspath	 path;
};

struct rec_event {
	uint32_t		 kind;
	struct alert		 a;
	struct sensor_event	 sev;
};

struct rec_route {
	uint32_t		 kind;
	bool			 has_at, has_v;
	struct bgp_msg_ctx	 ctx;
	struct packet		 pkt;
	struct bgp_attrs	 at;
	struct bgp_route	 r;
	struct route_verdict	 v;
	struct rov_result	 rpki;
};

struct output {
	struct spsc	*q;
	struct sinks	*sinks;
	struct route_log *routes;
	pthread_t	 thread;
	bool		 drain_due;	/* an alert queued since the last drain */
	bool		 flush_due;	/* a route line since the last flush */
	/* packet thread: the msg_seq of the last message whose bytes were
	 * queued and are kept by the output thread; 0 none */
	uint64_t	 pmsg_seq;
	/* output thread: the last message received */
	uint8_t		*cmsg;		/* MSG_KEEP_MAX */
	double		 cpu;		/* the output thread's, at its end */
};

static size_t
r8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Carving a record's variable part. */
struct bump {
	uint8_t		*p;
};

static void *
bump(struct bump *b, size_t n)
{
	void *r = b->p;

	b->p += r8(n);
	return r;
}

static double
thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the packet thread's side -------------------------------------- */

static unsigned
nvrps(const struct rov_result *r)
{
	return r->nvrps < ROV_MAX_DECIDING ? r->nvrps : ROV_MAX_DECIDING;
}

static size_t
path_bytes(const struct bgp_aspath *p)
{
	if (p == NULL)
		return 0;
	return r8(p->nseg * sizeof(*p->seg)) + r8(p->nasn * sizeof(*p->asns));
}

/* Copy the AS path's arrays into the record; dst points at them. */
static void
path_copy(struct bump *b, struct bgp_aspath *dst, const struct bgp_aspath *src)
{
	struct bgp_as_segment *seg;
	uint32_t *asns;

	*dst = *src;
	seg = bump(b, src->nseg * sizeof(*src->seg));
	asns = bump(b, src->nasn * sizeof(*src->asns));
	if (src->nseg > 0)
		memcpy(seg, src->seg, src->nseg * sizeof(*src->seg));
	if (src->nasn > 0)
		memcpy(asns, src->asns, src->nasn * sizeof(*src->asns));
	dst->seg = src->nseg > 0 ? seg : NULL;
	dst->asns = src->nasn > 0 ? asns : NULL;
}

/* The deciding VRPs' values: a reload may free the set they are in. */
static void
vrps_copy(struct bump *b, struct rov_result *r)
{
	struct vrp *v;
	unsigned i, n = nvrps(r);

	v = bump(b, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = *r->vrps[i];
		r->vrps[i] = &v[i];
	}
	for (; i < ROV_MAX_DECIDING; i++)
		r->vrps[i] = NULL;
}

/* The packet fields a formatter reads (number, time, length). */
static void
pkt_copy(struct packet *dst, const struct packet *src)
{
	*dst = *src;
	dst->data = NULL;
	dst->caplen = 0;
}

/* The output thread holds ev's message already: the last sent. */
static bool
msg_sent(const struct output *o, const struct route_event *ev)
{
	return ev->msg_seq != 0 && ev->msg_seq == o->pmsg_seq;
}

/* A record too large for the queue (cannot happen: a 64 KiB message and
 * AS path take far less than half the queue): done here, in order. */
static bool
too_big(struct output *o, size_t n)
{
	if (n <= spsc_max_record(o->q))
		return false;
	output_sync(o);
	return true;
}

static void
put_route_alert(struct output *o, const struct alert *a)
{
	const struct route_event *ev = a->ev;
	struct rec_alert *rec;
	struct bump b;
	uint8_t *m;
	bool msg_new = false;
	size_t n = sizeof(*rec);

	if (ev->has_rpki)
		n += r8(nvrps(&ev->rpki) * sizeof(struct vrp));
	n += path_bytes(ev->aspath);
	if (ev->msg != NULL && ev->msg_len > 0 && !msg_sent(o, ev)) {
		msg_new = true;
		n += r8(ev->msg_len);
	}
	if (too_big(o, n)) {
		sinks_emit_direct(o->sinks, a);
		return;
	}
	rec = spsc_reserve(o->q, n);
	b.p = (uint8_t *)(rec + 1);
	rec->kind = REC_ALERT;
	rec->msg_new = msg_new;
	rec->a = *a;
	rec->a.ev = &rec->ev;
	rec->ev = *ev;
	if (ev->pkt != NULL) {
		pkt_copy(&rec->pkt, ev->pkt);
		rec->ev.pkt = &rec->pkt;
	}
	if (ev->has_rpki)
		vrps_copy(&b, &rec->ev.rpki);
	if (ev->aspath != NULL) {
		path_copy(&b, &rec->path, ev->aspath);
		rec->ev.aspath = &rec->path;
	}
	if (msg_new) {
		m = bump(&b, ev->msg_len);
		memcpy(m, ev->msg, ev->msg_len);
		rec->ev.msg = m;
		/* take_msg() keeps what fits */
		o->pmsg_seq = ev->msg_len <= MSG_KEEP_MAX ? ev->msg_seq : 0;
	}
	spsc_commit(o->q);
}

static size_t
str_bytes(const char *s)
{
	return s != NULL ? r8(strlen(s) + 1) : 0;
}

static const char *
str_copy(struct bump *b, const char *s)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	d = bump(b, n);
	memcpy(d, s, n);
	return d;
}

static void
put_event_alert(struct output *o, const struct alert *a)
{
	const struct sensor_event *sev = a->sev;
	const struct sensor_field *f;
	struct rec_event *rec;
	struct bump b;
	const char **list;
	size_t i, j, n = sizeof(*rec);

	n += str_bytes(sev->subject) + str_bytes(sev->text);
	for (i = 0; i < sev->nfields; i++) {
		f = &sev->fields[i];
		n += str_bytes(f->key) + str_bytes(f->s);
		if (f->list != NULL) {
			n += r8(f->n * sizeof(*f->list));
			for (j = 0; j < f->n; j++)
				n += str_bytes(f->list[j]);
		}
	}
	if (too_big(o, n)) {
		sinks_emit_direct(o->sinks, a);
		return;
	}
	rec = spsc_reserve(o->q, n);
	b.p = (uint8_t *)(rec + 1);
	rec->kind = REC_EVENT;
	rec->a = *a;
	rec->a.sev = &rec->sev;
	rec->sev = *sev;
	rec->sev.subject = str_copy(&b, sev->subject);
	rec->sev.text = str_copy(&b, sev->text);
	for (i = 0; i < sev->nfields; i++) {
		f = &sev->fields[i];
		rec->sev.fields[i].key = str_copy(&b, f->key);
		rec->sev.fields[i].s = str_copy(&b, f->s);
		if (f->list == NULL)
			continue;
		list = bump(&b, f->n * sizeof(*list));
		for (j = 0; j < f->n; j++)
			list[j] = str_copy(&b, f->list[j]);
		rec->sev.fields[i].list = list;
	}
	spsc_commit(o->q);
}

/* sinks_divert.emit */
static void
divert_emit(void *arg, const struct alert *a)
{
	struct output *o = arg;

	o->drain_due = true;
	if (a->sev != NULL)
		put_event_alert(o, a);
	else
		put_route_alert(o, a);
}

static void
put_command(struct output *o, enum rec_kind k)
{
	uint32_t *rec = spsc_reserve(o->q, sizeof(*rec));

	*rec = k;
	spsc_commit(o->q);
	spsc_publish(o->q);
}

/* sinks_divert.drain: only when something was queued since the last
 * (the packet thread drains between every two packets when idle). */
static void
divert_drain(void *arg)
{
	struct output *o = arg;

	if (!o->drain_due)
		return;
	o->drain_due = false;
	put_command(o, REC_DRAIN);
}

/* route_log_divert.write */
static void
divert_route(void *arg, const struct bgp_msg_ctx *ctx,
    const struct bgp_attrs *at, const struct bgp_route *r,
    const struct route_verdict *v)
{
	struct output *o = arg;
	struct rec_route *rec;
	struct bump b;
	size_t n = sizeof(*rec);

	if (at != NULL)
		n += path_bytes(&at->aspath);
	if (v != NULL && v->rpki != NULL)
		n += r8(nvrps(v->rpki) * sizeof(struct vrp));
	if (too_big(o, n)) {
		route_log_write_direct(o->routes, ctx, at, r, v);
		return;
	}
	o->flush_due = true;
	rec = spsc_reserve(o->q, n);
	b.p = (uint8_t *)(rec + 1);
	rec->kind = REC_ROUTE;
	rec->ctx = *ctx;
	rec->ctx.msg = NULL;	/* not in the route log */
	rec->ctx.msg_len = 0;
	if (ctx->pkt != NULL) {
		pkt_copy(&rec->pkt, ctx->pkt);
		rec->ctx.pkt = &rec->pkt;
	}
	rec->has_at = at != NULL;
	if (at != NULL) {
		rec->at = *at;
		/* not in the route log */
		rec->at.communities = rec->at.large_communities = NULL;
		rec->at.ncommunities = rec->at.nlarge_communities = 0;
		path_copy(&b, &rec->at.aspath, &at->aspath);
	}
	rec->r = *r;
	rec->has_v = v != NULL;
	if (v != NULL) {
		rec->v = *v;
		if (v->rpki != NULL) {
			rec->rpki = *v->rpki;
			vrps_copy(&b, &rec->rpki);
			rec->v.rpki = &rec->rpki;
		}
	}
	spsc_commit(o->q);
}

/* route_log_divert.flush: only when a line was queued since the last (a
 * quiet link asks often). */
static void
divert_routes_flush(void *arg)
{
	struct output *o = arg;

	if (!o->flush_due)
		return;
	o->flush_due = false;
	put_command(o, REC_ROUTES_FLUSH);
}

void
output_sync(struct output *o)
{
	if (o != NULL)
		spsc_barrier(o->q);
}

/* ---- the output thread ------------------------------------------------ */

/* The message of an alert: new bytes (in the record) kept, or the last
 * ones. */
static void
take_msg(struct output *o, struct rec_alert *rec)
{
	if (rec->ev.msg == NULL || rec->ev.msg_len == 0)
		return;
	if (!rec->msg_new)
		rec->ev.msg = o->cmsg;
	else if (rec->ev.msg_len <= MSG_KEEP_MAX) {
		memcpy(o->cmsg, rec->ev.msg, rec->ev.msg_len);
		rec->ev.msg = o->cmsg;
	}	/* else the record's own bytes; the next one sends its own */
}

static void *
output_main(void *arg)
{
	struct output *o = arg;
	struct rec_route *rr;
	uint32_t *rec;
	size_t n;

	while ((rec = spsc_peek(o->q, &n)) != NULL) {
		switch (*rec) {
		case REC_ALERT:
			take_msg(o, (struct rec_alert *)rec);
			sinks_emit_direct(o->sinks,
			    &((struct rec_alert *)rec)->a);
			break;
		case REC_EVENT:
			sinks_emit_direct(o->sinks,
			    &((struct rec_event *)rec)->a);
			break;
		case REC_ROUTE:
			rr = (struct rec_route *)rec;
			route_log_write_direct(o->routes, &rr->ctx,
			    rr->has_at ? &rr->at : NULL, &rr->r,
			    rr->has_v ? &rr->v : NULL);
			break;
		case REC_DRAIN:
			sinks_drain_direct(o->sinks);
			break;
		case REC_ROUTES_FLUSH:
			route_log_flush_direct(o->routes);
			break;
		}
		spsc_release(o->q);
	}
	o->cpu = thread_cpu();
	return NULL;
}

struct output *
output_start(struct sinks *ss, struct route_log *rl)
{
	struct route_log_divert rd;
	struct sinks_divert d;
	struct output *o;
	int e;

	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->cmsg = malloc(MSG_KEEP_MAX)) == NULL ||
	    (o->q = spsc_new(OUTPUT_QUEUE_BYTES)) == NULL) {
		log_warn("output stage");
		if (o != NULL)
			free(o->cmsg);
		free(o);
		return NULL;
	}
	o->sinks = ss;
	o->routes = rl;
	if ((e = thread_start(&o->thread, output_main, o)) != 0) {
		log_warnx("output stage: cannot start its thread: %s",
		    strerror(e));
		spsc_free(o->q);
		free(o->cmsg);
		free(o);
		return NULL;
	}
	if (ss != NULL) {
		d.emit = divert_emit;
		d.drain = divert_drain;
		d.arg = o;
		sinks_divert(ss, &d);
	}
	if (rl != NULL) {
		rd.write = divert_route;
		rd.flush = divert_routes_flush;
		rd.arg = o;
		route_log_divert(rl, &rd);
	}
	return o;
}

void
output_stop(struct output *o)
{
	struct spsc_counts c;

	if (o == NULL)
		return;
	spsc_close(o->q);
	pthread_join(o->thread, NULL);
	if (o->sinks != NULL)
		sinks_divert(o->sinks, NULL);
	if (o->routes != NULL)
		route_log_divert(o->routes, NULL);
	spsc_counts(o->q, &c);
	log_info("output stage: %llu records; the packet thread waited for "
	    "room %llu times, the output thread for records %llu times; "
	    "%llu barriers; CPU seconds: packet thread %.2f, output thread "
	    "%.2f", (unsigned long long)c.records,
	    (unsigned long long)c.full_waits, (unsigned long long)c.empty_waits,
	    (unsigned long long)c.barriers, thread_cpu(), o->cpu);
	spsc_free(o->q);
	free(o->cmsg);
	free(o);
}
