/*
 * rtr_audit_report.c - what the passive RTR audit says (rtr_audit.c
 * rebuilds the routers' sets): each complete set compared with the
 * reference and the stored routes judged with it, the sensor events on
 * change (drift, synced, misjudged, stale), and the routers in the
 * statistics line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonbuf.h"
#include "base/log.h"
#include "base/stats.h"
#include "rpki/rtr_audit.h"
#include "rpki/rtr_audit_internal.h"

static void
subject(const struct router *r, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	snprintf(buf, len, "router %s", ipaddr_fmt(&r->addr, a, sizeof(a)));
}

void
rtr_audit_ev_start(struct sensor_event *ev, enum sensor_event_type t,
    const struct router *r, const struct timeval *ts, char *subj,
    size_t len)
{
	sensor_event_init(ev, t, ts);
	ev->addr = r->addr;
	ev->port = r->port;
	subject(r, subj, len);
	ev->subject = subj;
}

void
rtr_audit_raise(struct rtr_audit *au, const struct sensor_event *ev)
{
	if (au->cfg.event != NULL)
		au->cfg.event(au->cfg.event_arg, ev);
}

static int64_t
serial_lag(const struct router *r)
{
	/* RFC 1982 arithmetic: the cache's serial minus the router's */
	if (!r->has_notify || !r->has_eod)
		return 0;
	return (int32_t)(r->notify_serial - r->serial);
}

static int64_t
age(const struct router *r, const struct timeval *now)
{
	return r->has_eod ? (int64_t)(now->tv_sec - r->last_eod.tv_sec) : -1;
}

/* ---- comparison ---- */

static void
judge_routes(struct rtr_audit *au, struct router *r)
{
	struct rov_index *idx;

	memset(&r->mis, 0, sizeof(r->mis));
	if (au->cfg.misjudge == NULL ||
	    (r->diff.lacks == 0 && r->diff.extra == 0))
		return;
	if ((idx = rtr_vset_index(&r->vrps)) == NULL) {
		log_warnx("rtr audit: no memory to judge routes");
		return;
	}
	au->cfg.misjudge(au->cfg.misjudge_arg, idx, au->ref, &r->mis);
	rov_index_free(idx);
}

static void
report_drift(struct rtr_audit *au, struct router *r, const struct timeval *ts)
{
	const struct rtr_diff *d = &r->diff;
	const char *lex[RTR_AUDIT_EXAMPLES], *eex[RTR_AUDIT_EXAMPLES];
	struct sensor_event ev;
	char subj[64], text[256];
	size_t i;

	for (i = 0; i < d->nlacks_ex; i++)
		lex[i] = d->lacks_ex[i];
	for (i = 0; i < d->nextra_ex; i++)
		eex[i] = d->extra_ex[i];
	rtr_audit_ev_start(&ev, SEV_RTR_DRIFT, r, ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "lacks %zu VRPs, %zu extra; ASPA "
	    "customers: lacks %zu, extra %zu, differ %zu; serial %u, "
	    "lag %lld, last update %llds ago", d->lacks, d->extra,
	    d->aspa_lacks, d->aspa_extra, d->aspa_differ, r->serial,
	    (long long)serial_lag(r), (long long)age(r, ts));
	ev.text = text;
	sensor_event_uint(&ev, "lacks", d->lacks);
	sensor_event_strs(&ev, "lacks_examples", lex, d->nlacks_ex);
	sensor_event_uint(&ev, "extra", d->extra);
	sensor_event_strs(&ev, "extra_examples", eex, d->nextra_ex);
	sensor_event_uint(&ev, "aspa_lacks", d->aspa_lacks);
	sensor_event_uint(&ev, "aspa_extra", d->aspa_extra);
	sensor_event_uint(&ev, "aspa_differ", d->aspa_differ);
	sensor_event_uint(&ev, "vrps", r->vrps.n);
	sensor_event_uint(&ev, "serial", r->serial);
	sensor_event_int(&ev, "serial_lag", serial_lag(r));
	sensor_event_uint(&ev, "session_id", r->session_id);
	sensor_event_int(&ev, "last_update_age", age(r, ts));
	rtr_audit_raise(au, &ev);
}

static void
report_misjudged(struct rtr_audit *au, struct router *r,
    const struct timeval *ts)
{
	const char *ex[RTR_AUDIT_EXAMPLES];
	struct sensor_event ev;
	char subj[64], text[256];
	size_t i;

	for (i = 0; i < r->mis.nexamples; i++)
		ex[i] = r->mis.examples[i];
	rtr_audit_ev_start(&ev, SEV_RTR_MISJUDGED, r, ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "%zu stored routes judged unlike the "
	    "reference, %zu INVALID ones accepted, %zu VALID ones rejected "
	    "(router lacks %zu VRPs, %zu extra)", r->mis.routes,
	    r->mis.invalid_accepted, r->mis.valid_rejected, r->diff.lacks,
	    r->diff.extra);
	ev.text = text;
	sensor_event_uint(&ev, "routes", r->mis.routes);
	sensor_event_uint(&ev, "invalid_accepted", r->mis.invalid_accepted);
	sensor_event_uint(&ev, "valid_rejected", r->mis.valid_rejected);
	sensor_event_strs(&ev, "examples", ex, r->mis.nexamples);
	sensor_event_uint(&ev, "lacks", r->diff.lacks);
	sensor_event_uint(&ev, "extra", r->diff.extra);
	sensor_event_uint(&ev, "serial", r->serial);
	sensor_event_int(&ev, "last_update_age", age(r, ts));
	rtr_audit_raise(au, &ev);
}

static void
report_synced(struct rtr_audit *au, struct router *r, const struct timeval *ts)
{
	struct sensor_event ev;
	char subj[64], text[128];

	rtr_audit_ev_start(&ev, SEV_RTR_SYNCED, r, ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "%zu VRPs, %zu ASPA customers, serial %u",
	    r->vrps.n, aset_customers(&r->aspas), r->serial);
	ev.text = text;
	sensor_event_uint(&ev, "vrps", r->vrps.n);
	sensor_event_uint(&ev, "aspas", aset_customers(&r->aspas));
	sensor_event_uint(&ev, "serial", r->serial);
	rtr_audit_raise(au, &ev);
}

/* Compare a complete router with the reference; raise what changed. */
void
rtr_audit_compare(struct rtr_audit *au, struct router *r,
    const struct timeval *ts)
{
	const struct rtr_diff *d = &r->diff;
	bool drift;

	if (r->state != RS_COMPLETE || au->ref == NULL)
		return;
	if (rtr_diff_compute(&r->vrps, &r->aspas, au->ref, au->aref,
	    &r->diff) == -1) {
		log_warnx("rtr audit: no memory to compare");
		return;
	}
	r->compared = true;
	judge_routes(au, r);
	drift = d->lacks || d->extra || d->aspa_lacks || d->aspa_extra ||
	    d->aspa_differ;
	if (drift && (!r->drift_reported || d->lacks != r->rep_lacks ||
	    d->extra != r->rep_extra || d->aspa_lacks != r->rep_alacks ||
	    d->aspa_extra != r->rep_aextra ||
	    d->aspa_differ != r->rep_adiffer)) {
		STAT_INC(rtr_audit_drift);
		report_drift(au, r, ts);
	} else if (!drift && r->drift_reported)
		report_synced(au, r, ts);
	if (r->mis.routes > 0 && r->mis.routes != r->rep_mis)
		report_misjudged(au, r, ts);
	r->drift_reported = drift;
	r->rep_lacks = d->lacks;
	r->rep_extra = d->extra;
	r->rep_alacks = d->aspa_lacks;
	r->rep_aextra = d->aspa_extra;
	r->rep_adiffer = d->aspa_differ;
	r->rep_mis = r->mis.routes;
}

void
rtr_audit_reference(struct rtr_audit *au, const struct rov_index *ref,
    const struct aspa_index *aref, const struct timeval *now)
{
	struct router *r;

	au->ref = ref;
	au->aref = aref;
	for (r = au->routers; r != NULL; r = r->next)
		rtr_audit_compare(au, r, now);
}

void
rtr_audit_tick(struct rtr_audit *au, const struct timeval *now)
{
	struct sensor_event ev;
	struct router *r;
	char subj[64], text[160];
	uint32_t lim;

	au->now = *now;
	for (r = au->routers; r != NULL; r = r->next) {
		if (!r->has_eod || r->stale_reported)
			continue;
		lim = au->cfg.stale_secs;
		if (lim == 0)
			lim = r->version >= 1 && r->refresh > 0 ?
			    2 * r->refresh : 7200;
		if (now->tv_sec - r->last_eod.tv_sec <= (time_t)lim)
			continue;
		r->stale_reported = true;
		STAT_INC(rtr_audit_stale);
		rtr_audit_ev_start(&ev, SEV_RTR_STALE, r, now, subj, sizeof(subj));
		snprintf(text, sizeof(text), "no End of Data for %llds "
		    "(limit %us), serial %u, lag %lld",
		    (long long)age(r, now), lim, r->serial,
		    (long long)serial_lag(r));
		ev.text = text;
		sensor_event_int(&ev, "last_update_age", age(r, now));
		sensor_event_uint(&ev, "limit", lim);
		sensor_event_uint(&ev, "serial", r->serial);
		sensor_event_int(&ev, "serial_lag", serial_lag(r));
		rtr_audit_raise(au, &ev);
	}
}

/* ---- statistics ---- */

static const char *
state_name(enum rstate s)
{
	switch (s) {
	case RS_COMPLETE:
		return "complete";
	case RS_BUILDING:
		return "building";
	case RS_PARTIAL:
	default:
		return "partial";
	}
}

static void
put_examples(char *buf, size_t cap, size_t *off, const char *key,
    const char (*ex)[RTR_AUDIT_EXAMPLE_LEN], size_t n)
{
	size_t i;

	jb_puts(buf, cap, off, ",\"");
	jb_puts(buf, cap, off, key);
	jb_puts(buf, cap, off, "\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			jb_put(buf, cap, off, ",", 1);
		/* examples are our own text: prefix, digits, "AS" */
		jb_put(buf, cap, off, "\"", 1);
		jb_puts(buf, cap, off, ex[i]);
		jb_put(buf, cap, off, "\"", 1);
	}
	jb_put(buf, cap, off, "]", 1);
}

static void
put_num(char *buf, size_t cap, size_t *off, const char *key, int64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), ",\"%s\":%lld", key, (long long)v);
	jb_puts(buf, cap, off, t);
}

static void
put_router(const struct router *r, int64_t now, char *buf, size_t cap,
    size_t *off)
{
	struct timeval tv = { (time_t)now, 0 };

	jb_puts(buf, cap, off, "{\"router\":\"");
	jb_put_ipaddr(buf, cap, off, &r->addr);
	jb_puts(buf, cap, off, "\",\"cache\":\"");
	jb_put_ipaddr(buf, cap, off, &r->cache);
	jb_puts(buf, cap, off, "\"");
	put_num(buf, cap, off, "cache_port", r->cache_port);
	jb_puts(buf, cap, off, ",\"state\":\"");
	jb_puts(buf, cap, off, state_name(r->state));
	jb_puts(buf, cap, off, "\"");
	put_num(buf, cap, off, "version", r->version);
	put_num(buf, cap, off, "session_id", r->session_id);
	put_num(buf, cap, off, "serial", r->has_eod ? (int64_t)r->serial : -1);
	put_num(buf, cap, off, "serial_lag", serial_lag(r));
	put_num(buf, cap, off, "refresh", r->refresh);
	put_num(buf, cap, off, "retry", r->retry);
	put_num(buf, cap, off, "expire", r->expire);
	put_num(buf, cap, off, "last_update", r->has_eod ?
	    (int64_t)r->last_eod.tv_sec : 0);
	put_num(buf, cap, off, "last_update_age", age(r, &tv));
	put_num(buf, cap, off, "vrps", (int64_t)r->vrps.n);
	put_num(buf, cap, off, "aspas", (int64_t)aset_customers(&r->aspas));
	put_num(buf, cap, off, "sessions", (int64_t)r->sessions);
	put_num(buf, cap, off, "pdus", (int64_t)r->pdus);
	put_num(buf, cap, off, "errors", (int64_t)r->errors);
	jb_puts(buf, cap, off, ",\"compared\":");
	jb_puts(buf, cap, off, r->compared ? "true" : "false");
	put_num(buf, cap, off, "lacks", (int64_t)r->diff.lacks);
	put_num(buf, cap, off, "extra", (int64_t)r->diff.extra);
	put_examples(buf, cap, off, "lacks_examples", r->diff.lacks_ex,
	    r->diff.nlacks_ex);
	put_examples(buf, cap, off, "extra_examples", r->diff.extra_ex,
	    r->diff.nextra_ex);
	put_num(buf, cap, off, "aspa_lacks", (int64_t)r->diff.aspa_lacks);
	put_num(buf, cap, off, "aspa_extra", (int64_t)r->diff.aspa_extra);
	put_num(buf, cap, off, "aspa_differ", (int64_t)r->diff.aspa_differ);
	put_num(buf, cap, off, "misjudged", (int64_t)r->mis.routes);
	put_num(buf, cap, off, "invalid_accepted",
	    (int64_t)r->mis.invalid_accepted);
	put_num(buf, cap, off, "valid_rejected",
	    (int64_t)r->mis.valid_rejected);
	put_examples(buf, cap, off, "misjudged_examples", r->mis.examples,
	    r->mis.nexamples);
	jb_put(buf, cap, off, "}", 1);
}

size_t
rtr_audit_json(const struct rtr_audit *au, int64_t now, char *buf,
    size_t cap)
{
	const struct router *r;
	size_t off = 0;

	if (cap < 3)
		return 0;
	jb_put(buf, cap - 1, &off, "[", 1);
	for (r = au->routers; r != NULL; r = r->next) {
		if (r != au->routers)
			jb_put(buf, cap - 1, &off, ",", 1);
		put_router(r, now, buf, cap - 1, &off);
	}
	jb_put(buf, cap - 1, &off, "]", 1);
	if (off > cap - 1) {
		memcpy(buf, "[]", 3);
		return 0;
	}
	buf[off] = '\0';
	return off;
}
