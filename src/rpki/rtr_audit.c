/*
 * rtr_audit.c - the passive RTR audit (rpki/rtr_audit.h, docs/rtr.md
 * "Audit"): the routers' RTR sessions seen on the mirror, decoded with
 * the one codec (rtr_pdu.c), each router's set rebuilt (rtr_audit_set.c)
 * and compared with the reference.
 *
 * Framing.  RTR has no marker: a PDU boundary is known only by counting
 * from the start of the stream.  A direction starts "unsynced" and stays
 * so until two PDUs in a row decode at one offset (or one PDU ends
 * exactly at the bytes received, at the stream's first byte); a stream
 * seen from its SYN syncs at offset 0 at once, one picked up mid-stream
 * scans forward.  A gap or a malformed PDU unsyncs it again.
 *
 * Completeness.  A router's set is "complete" only after a Cache
 * Response that answers a Reset Query the audit saw, on a synced stream
 * with no gap, ended with End of Data.  Anything else (picked up
 * mid-stream, a gap in the cache's direction, a malformed PDU, a Cache
 * Response to a Serial Query while partial) keeps or makes it "partial":
 * partial sets are reported in the statistics, never compared, because
 * their drift would be rovmon's blind spot, not the router's.
 *
 * Events (base/sensor_event.h), on change only, at End of Data, on a
 * new reference and on the clock: rtr-drift / rtr-synced when the
 * difference appears, changes, or disappears; rtr-misjudged when stored
 * routes are judged differently (the count changed); rtr-stale once per
 * silence; rtr-partial once per pickup; rtr-error per Error Report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonbuf.h"
#include "base/log.h"
#include "base/stats.h"
#include "rpki/rtr_audit.h"
#include "rpki/rtr_audit_internal.h"
#include "rpki/rtr_pdu.h"

#define BUF_MAX		(RTR_MAX_PDU_LEN + RTR_HEADER_LEN)
#define SCAN_KEEP	(64 * 1024)	/* unsynced: bytes kept to scan */

enum rstate { RS_PARTIAL, RS_BUILDING, RS_COMPLETE };

struct asess;

struct router {
	struct router	*next;
	struct ipaddr	 addr;
	uint16_t	 port;		/* its last session's */
	struct ipaddr	 cache;
	uint16_t	 cache_port;
	struct vset	 vrps;
	struct aset	 aspas;
	enum rstate	 state;
	struct asess	*cur;		/* its latest session: the one it
					 * uses; older ones are ignored */
	bool		 building_full;	/* this Cache Response answers a
					 * Reset Query on a clean stream */
	bool		 reset_pending;	/* Reset Query seen, no reply yet */
	bool		 tainted;	/* a gap or bad PDU since the reply
					 * began: the set cannot complete */
	bool		 has_eod;
	uint8_t		 version;
	uint16_t	 session_id;
	uint32_t	 serial;
	uint32_t	 refresh, retry, expire;
	bool		 has_notify;
	uint32_t	 notify_serial;	/* the cache's latest, as seen */
	struct timeval	 last_eod;
	struct timeval	 last_seen;
	uint64_t	 pdus, errors, sessions;
	/* the last comparison, and what was last reported */
	bool		 compared;
	struct rtr_diff	 diff;
	struct rtr_misjudged mis;
	bool		 drift_reported;
	size_t		 rep_lacks, rep_extra, rep_alacks, rep_aextra,
			 rep_adiffer, rep_mis;
	bool		 stale_reported;
};

struct dirbuf {
	uint8_t		*p;
	size_t		 n, cap;
	bool		 synced;
	bool		 at_start;	/* nothing consumed yet */
};

struct asess {
	struct rtr_audit *au;
	struct router	*rt;
	int		 rdir;		/* the direction the router sends */
	struct dirbuf	 d[2];
	bool		 partial_reported;
};

struct rtr_audit {
	struct rtr_audit_config cfg;
	struct router	*routers;
	size_t		 nrouters;
	const struct rov_index *ref;
	const struct aspa_index *aref;
	struct timeval	 now;
};

/* ---- routers ---- */

static bool
is_rtr_port(const struct rtr_audit *au, uint16_t port)
{
	size_t i;

	for (i = 0; i < au->cfg.nports; i++)
		if (au->cfg.ports[i] == port)
			return true;
	return false;
}

static struct router *
router_get(struct rtr_audit *au, const struct flow_endpoint *rtr,
    const struct flow_endpoint *cache)
{
	struct router *r;

	for (r = au->routers; r != NULL; r = r->next)
		if (ipaddr_eq(&r->addr, &rtr->addr))
			break;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL) {
			log_warn("rtr audit");
			return NULL;
		}
		r->addr = rtr->addr;
		r->next = au->routers;
		au->routers = r;
		au->nrouters++;
	}
	r->port = rtr->port;
	r->cache = cache->addr;
	r->cache_port = cache->port;
	r->sessions++;
	return r;
}

static void
subject(const struct router *r, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	snprintf(buf, len, "router %s", ipaddr_fmt(&r->addr, a, sizeof(a)));
}

static void
ev_start(struct sensor_event *ev, enum sensor_event_type t,
    const struct router *r, const struct timeval *ts, char *subj,
    size_t len)
{
	sensor_event_init(ev, t, ts);
	ev->addr = r->addr;
	ev->port = r->port;
	subject(r, subj, len);
	ev->subject = subj;
}

static void
raise_ev(struct rtr_audit *au, const struct sensor_event *ev)
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
	ev_start(&ev, SEV_RTR_DRIFT, r, ts, subj, sizeof(subj));
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
	raise_ev(au, &ev);
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
	ev_start(&ev, SEV_RTR_MISJUDGED, r, ts, subj, sizeof(subj));
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
	raise_ev(au, &ev);
}

static void
report_synced(struct rtr_audit *au, struct router *r, const struct timeval *ts)
{
	struct sensor_event ev;
	char subj[64], text[128];

	ev_start(&ev, SEV_RTR_SYNCED, r, ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "%zu VRPs, %zu ASPA customers, serial %u",
	    r->vrps.n, aset_customers(&r->aspas), r->serial);
	ev.text = text;
	sensor_event_uint(&ev, "vrps", r->vrps.n);
	sensor_event_uint(&ev, "aspas", aset_customers(&r->aspas));
	sensor_event_uint(&ev, "serial", r->serial);
	raise_ev(au, &ev);
}

/* Compare a complete router with the reference; raise what changed. */
static void
compare(struct rtr_audit *au, struct router *r, const struct timeval *ts)
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
		compare(au, r, now);
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
		ev_start(&ev, SEV_RTR_STALE, r, now, subj, sizeof(subj));
		snprintf(text, sizeof(text), "no End of Data for %llds "
		    "(limit %us), serial %u, lag %lld",
		    (long long)age(r, now), lim, r->serial,
		    (long long)serial_lag(r));
		ev.text = text;
		sensor_event_int(&ev, "last_update_age", age(r, now));
		sensor_event_uint(&ev, "limit", lim);
		sensor_event_uint(&ev, "serial", r->serial);
		sensor_event_int(&ev, "serial_lag", serial_lag(r));
		raise_ev(au, &ev);
	}
}

/* ---- PDUs ---- */

static void	report_partial(struct asess *, const struct packet *);

static void
make_partial(struct asess *s)
{
	struct router *r = s->rt;

	if (r->cur != s)
		return;
	if (r->state == RS_BUILDING)
		r->tainted = true;
	if (r->state == RS_COMPLETE) {
		r->state = RS_PARTIAL;
		STAT_INC(rtr_audit_partial);
	}
}

static void
on_error_report(struct asess *s, const struct rtr_pdu *pdu,
    const struct packet *pkt, bool from_router)
{
	struct sensor_event ev;
	char subj[64], text[160], msg[96];
	struct timeval ts = { 0, 0 };
	size_t n = pdu->err_text_len < sizeof(msg) - 1 ? pdu->err_text_len :
	    sizeof(msg) - 1, i;

	for (i = 0; i < n; i++)
		msg[i] = pdu->err_text[i] >= 0x20 && pdu->err_text[i] < 0x7f ?
		    pdu->err_text[i] : '?';
	msg[n] = '\0';
	if (pkt != NULL)
		ts = pkt->ts;
	s->rt->errors++;
	ev_start(&ev, SEV_RTR_ERROR, s->rt, &ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "Error Report %u (%s) from the %s: %s",
	    pdu->error_code, rtr_error_name(pdu->error_code),
	    from_router ? "router" : "cache", msg);
	ev.text = text;
	ev.pkt_num = pkt != NULL ? pkt->num : 0;
	sensor_event_uint(&ev, "error_code", pdu->error_code);
	sensor_event_str(&ev, "error", rtr_error_name(pdu->error_code));
	sensor_event_str(&ev, "from", from_router ? "router" : "cache");
	sensor_event_str(&ev, "text", msg);
	raise_ev(s->au, &ev);
}

static void
apply_prefix(struct router *r, const struct rtr_pdu *pdu)
{
	struct rvrp v;
	struct prefix p = pdu->prefix;

	(void)prefix_mask(&p);
	memset(&v, 0, sizeof(v));
	v.family = p.family;
	v.len = p.len;
	v.maxlen = pdu->max_len;
	v.asn = pdu->asn;
	memcpy(v.a, p.a, 16);
	if (pdu->flags & RTR_FLAG_ANNOUNCE) {
		if (vset_add(&r->vrps, &v) == -1)
			log_warnx("rtr audit: no memory for a VRP");
	} else
		(void)vset_del(&r->vrps, &v);
}

static void
apply_aspa(struct router *r, const struct rtr_pdu *pdu)
{
	uint32_t *prov = NULL, i;

	if (!(pdu->flags & RTR_FLAG_ANNOUNCE)) {
		(void)aset_del(&r->aspas, pdu->asn, pdu->afi_flags);
		return;
	}
	if (pdu->nproviders > 0 &&
	    (prov = calloc(pdu->nproviders, sizeof(*prov))) == NULL) {
		log_warnx("rtr audit: no memory for an ASPA");
		return;
	}
	for (i = 0; i < pdu->nproviders; i++)
		prov[i] = rtr_pdu_provider(pdu, i);
	if (aset_put(&r->aspas, pdu->asn, pdu->afi_flags, prov,
	    pdu->nproviders) == -1)
		log_warnx("rtr audit: no memory for an ASPA");
	free(prov);
}

static void
end_of_data(struct asess *s, const struct rtr_pdu *pdu,
    const struct packet *pkt)
{
	struct router *r = s->rt;
	struct timeval ts = pkt != NULL ? pkt->ts : s->au->now;

	r->has_eod = true;
	r->serial = pdu->serial;
	r->session_id = pdu->session_id;
	if (pdu->version >= 1) {
		r->refresh = pdu->refresh;
		r->retry = pdu->retry;
		r->expire = pdu->expire;
	}
	/* a serial past the last notify is the cache's latest too */
	if (!r->has_notify || (int32_t)(pdu->serial - r->notify_serial) > 0) {
		r->has_notify = true;
		r->notify_serial = pdu->serial;
	}
	r->last_eod = ts;
	r->stale_reported = false;
	if (r->state == RS_BUILDING) {
		if (r->building_full && !r->tainted) {
			r->state = RS_COMPLETE;
			STAT_INC(rtr_audit_complete);
		} else
			r->state = RS_PARTIAL;
	}
	if (r->state == RS_PARTIAL)
		report_partial(s, pkt);
	compare(s->au, r, &ts);
}

static void
from_cache(struct asess *s, const struct rtr_pdu *pdu,
    const struct packet *pkt)
{
	struct router *r = s->rt;

	switch (pdu->type) {
	case RTR_CACHE_RESPONSE:
		r->version = pdu->version;
		r->session_id = pdu->session_id;
		if (r->reset_pending && s->d[1 - s->rdir].synced) {
			/* a full set follows: the router replaces its own */
			vset_clear(&r->vrps);
			aset_clear(&r->aspas);
			r->building_full = true;
			r->tainted = false;
		} else
			r->building_full = r->state == RS_COMPLETE;
		r->reset_pending = false;
		r->state = RS_BUILDING;
		break;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		apply_prefix(r, pdu);
		break;
	case RTR_ASPA:
		apply_aspa(r, pdu);
		break;
	case RTR_END_OF_DATA:
		end_of_data(s, pdu, pkt);
		break;
	case RTR_SERIAL_NOTIFY:
		r->has_notify = true;
		r->notify_serial = pdu->serial;
		break;
	case RTR_ERROR_REPORT:
		on_error_report(s, pdu, pkt, false);
		break;
	default:		/* Cache Reset, Router Key: nothing to keep */
		break;
	}
}

static void
from_router(struct asess *s, const struct rtr_pdu *pdu,
    const struct packet *pkt)
{
	switch (pdu->type) {
	case RTR_RESET_QUERY:
		s->rt->reset_pending = true;
		s->rt->version = pdu->version;
		break;
	case RTR_ERROR_REPORT:
		on_error_report(s, pdu, pkt, true);
		break;
	default:		/* Serial Query: the reply says the rest */
		break;
	}
}

/* ---- framing ---- */

static void
dir_drop(struct dirbuf *b, size_t n)
{
	memmove(b->p, b->p + n, b->n - n);
	b->n -= n;
	b->at_start = false;
}

/* What a stream opens with: a query from the router; a reply, notify,
 * reset or error from the cache. */
static bool
opening_pdu(const struct rtr_pdu *p, bool router)
{
	if (router)
		return p->type == RTR_RESET_QUERY ||
		    p->type == RTR_SERIAL_QUERY || p->type == RTR_ERROR_REPORT;
	return p->type == RTR_CACHE_RESPONSE || p->type == RTR_CACHE_RESET ||
	    p->type == RTR_SERIAL_NOTIFY || p->type == RTR_ERROR_REPORT;
}

enum sync { SYNC_NONE, SYNC_START, SYNC_MID };

/*
 * Unsynced: find an offset where a PDU and the next one decode, or, at
 * the very first bytes of the direction, one PDU a stream opens with.
 * SYNC_START when the stream was read from its first byte on.
 */
static enum sync
dir_resync(struct dirbuf *b, bool router)
{
	struct rtr_pdu p1, p2;
	const char *why;
	size_t off, need;

	for (off = 0; off + RTR_HEADER_LEN <= b->n; off++) {
		if (rtr_pdu_decode(b->p + off, b->n - off, &p1, &need, &why) !=
		    RTR_DECODE_OK)
			continue;
		if (off == 0 && b->at_start && opening_pdu(&p1, router))
			goto found;
		if (off + p1.length + RTR_HEADER_LEN > b->n)
			continue;	/* wait for the next one */
		if (rtr_pdu_decode(b->p + off + p1.length,
		    b->n - off - p1.length, &p2, &need, &why) == RTR_DECODE_BAD)
			continue;
		if (p2.version != p1.version)
			continue;
		goto found;
	}
	/* keep the tail for the next segment */
	if (b->n > SCAN_KEEP)
		dir_drop(b, b->n - SCAN_KEEP);
	return SYNC_NONE;
found:
	if (off == 0 && b->at_start) {
		b->synced = true;
		return SYNC_START;
	}
	if (off > 0)
		dir_drop(b, off);
	b->synced = true;
	STAT_INC(rtr_audit_resyncs);
	return SYNC_MID;
}

/* End of Data while the set is partial (the session was picked up
 * mid-stream, or a gap or bad PDU hid part of it): say so, once a
 * session. */
static void
report_partial(struct asess *s, const struct packet *pkt)
{
	struct sensor_event ev;
	struct timeval ts = pkt != NULL ? pkt->ts : s->au->now;
	char subj[64];

	if (s->partial_reported)
		return;
	s->partial_reported = true;
	ev_start(&ev, SEV_RTR_PARTIAL, s->rt, &ts, subj, sizeof(subj));
	ev.text = "End of Data on a session rovmon did not see from its "
	    "Reset Query: the router's set is partial until the next full "
	    "exchange";
	ev.pkt_num = pkt != NULL ? pkt->num : 0;
	sensor_event_uint(&ev, "vrps", s->rt->vrps.n);
	raise_ev(s->au, &ev);
}

static void
dir_feed(struct asess *s, int dir, const struct packet *pkt)
{
	struct dirbuf *b = &s->d[dir];
	struct rtr_pdu pdu;
	const char *why;
	size_t off = 0, need;
	enum rtr_decode rc;

	enum sync sy;

	if (!b->synced) {
		if ((sy = dir_resync(b, dir == s->rdir)) == SYNC_NONE)
			return;
		if (sy == SYNC_MID && dir != s->rdir)
			make_partial(s);
	}
	for (;;) {
		rc = rtr_pdu_decode(b->p + off, b->n - off, &pdu, &need, &why);
		if (rc == RTR_DECODE_SHORT)
			break;
		if (rc == RTR_DECODE_BAD) {
			STAT_INC(rtr_audit_malformed);
			log_info("rtr audit: malformed PDU (%s): resync", why);
			b->synced = false;
			make_partial(s);
			break;
		}
		STAT_INC(rtr_audit_pdus);
		s->rt->pdus++;
		if (pkt != NULL)
			s->rt->last_seen = pkt->ts;
		if (s->rt->cur != s)
			;	/* a session the router replaced */
		else if (dir == s->rdir)
			from_router(s, &pdu, pkt);
		else
			from_cache(s, &pdu, pkt);
		off += pdu.length;
	}
	if (off > 0)
		dir_drop(b, off);
}

/* ---- reasm ops ---- */

static void *
a_open(void *arg, const struct flow_endpoint *a, const struct flow_endpoint *b,
    const struct packet *pkt)
{
	struct rtr_audit *au = arg;
	struct asess *s;
	bool b_cache = is_rtr_port(au, b->port);

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("rtr audit");
		return NULL;
	}
	s->au = au;
	/* the cache listens on the RTR port; the router is the other end */
	s->rdir = b_cache ? 0 : 1;
	if ((s->rt = router_get(au, b_cache ? a : b, b_cache ? b : a)) ==
	    NULL) {
		free(s);
		return NULL;
	}
	s->d[0].at_start = s->d[1].at_start = true;
	/* a router that opens a new session drops its old one (BIRD may
	 * overlap them for a moment): the newest speaks for it */
	if (s->rt->cur != NULL && s->rt->state == RS_BUILDING)
		s->rt->state = RS_PARTIAL;
	s->rt->cur = s;
	s->rt->reset_pending = false;
	STAT_INC(rtr_audit_sessions);
	(void)pkt;
	return s;
}

static void
a_data(void *sess, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct asess *s = sess;
	struct dirbuf *b;
	uint8_t *np;
	size_t ncap;

	if (s == NULL || (dir != 0 && dir != 1))
		return;
	b = &s->d[dir];
	if (p == NULL || n == 0)
		return;
	if (b->n + n > BUF_MAX) {
		/* a PDU can never be this long: the stream is lost */
		STAT_INC(rtr_audit_malformed);
		b->n = 0;
		b->synced = false;
		b->at_start = false;
		make_partial(s);
		if (n > BUF_MAX)
			return;
	}
	if (b->n + n > b->cap) {
		ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap < b->n + n)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			log_warn("rtr audit");
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	dir_feed(s, dir, pkt);
}

static void
a_gap(void *sess, int dir, uint64_t nbytes, const struct packet *pkt)
{
	struct asess *s = sess;

	(void)nbytes;
	(void)pkt;
	if (s == NULL || (dir != 0 && dir != 1))
		return;
	STAT_INC(rtr_audit_gaps);
	s->d[dir].n = 0;
	s->d[dir].synced = false;
	s->d[dir].at_start = false;
	if (dir != s->rdir)
		make_partial(s);
}

static void
a_close(void *sess, enum reasm_close why, const struct packet *pkt)
{
	struct asess *s = sess;

	(void)why;
	(void)pkt;
	if (s == NULL)
		return;
	/* a reply cut by the close never completes */
	if (s->rt->cur == s) {
		if (s->rt->state == RS_BUILDING)
			s->rt->state = RS_PARTIAL;
		s->rt->cur = NULL;
	}
	free(s->d[0].p);
	free(s->d[1].p);
	free(s);
}

const struct reasm_ops rtr_audit_reasm_ops = {
	a_open, a_data, a_gap, a_close,
};

/* ---- life ---- */

struct rtr_audit *
rtr_audit_new(const struct rtr_audit_config *cfg)
{
	struct rtr_audit *au;

	if ((au = calloc(1, sizeof(*au))) == NULL)
		return NULL;
	au->cfg = *cfg;
	return au;
}

void
rtr_audit_free(struct rtr_audit *au)
{
	struct router *r, *n;

	if (au == NULL)
		return;
	for (r = au->routers; r != NULL; r = n) {
		n = r->next;
		vset_free(&r->vrps);
		aset_free(&r->aspas);
		free(r);
	}
	free(au);
}

size_t
rtr_audit_routers(const struct rtr_audit *au)
{
	return au != NULL ? au->nrouters : 0;
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
