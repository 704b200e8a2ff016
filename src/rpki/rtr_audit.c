/*
 * rtr_audit.c - the passive RTR audit (rpki/rtr_audit.h, docs/rtr.md
 * "Audit"): the routers' RTR sessions seen on the mirror, decoded with
 * the one codec (rtr_pdu.c), each router's set rebuilt (rtr_audit_set.c);
 * rtr_audit_report.c compares it with the reference and reports.
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
	rtr_audit_ev_start(&ev, SEV_RTR_ERROR, s->rt, &ts, subj, sizeof(subj));
	snprintf(text, sizeof(text), "Error Report %u (%s) from the %s: %s",
	    pdu->error_code, rtr_error_name(pdu->error_code),
	    from_router ? "router" : "cache", msg);
	ev.text = text;
	ev.pkt_num = pkt != NULL ? pkt->num : 0;
	sensor_event_uint(&ev, "error_code", pdu->error_code);
	sensor_event_str(&ev, "error", rtr_error_name(pdu->error_code));
	sensor_event_str(&ev, "from", from_router ? "router" : "cache");
	sensor_event_str(&ev, "text", msg);
	rtr_audit_raise(s->au, &ev);
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
	rtr_audit_compare(s->au, r, &ts);
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
	rtr_audit_ev_start(&ev, SEV_RTR_PARTIAL, s->rt, &ts, subj, sizeof(subj));
	ev.text = "End of Data on a session rovmon did not see from its "
	    "Reset Query: the router's set is partial until the next full "
	    "exchange";
	ev.pkt_num = pkt != NULL ? pkt->num : 0;
	sensor_event_uint(&ev, "vrps", s->rt->vrps.n);
	rtr_audit_raise(s->au, &ev);
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
