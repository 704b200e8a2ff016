/*
 * rtr_session.c - the RTR client's side of the protocol (rtr.h; the
 * loop, connection and timers are rtr.c): the queries and Error Reports
 * it sends, and the state machine over what the cache sends.
 *
 * Connected and idle -> query sent (Reset Query when no session id and
 * serial are held, else Serial Query, RFC 8210 5.3/5.4) -> Cache
 * Response -> prefixes and ASPAs collected (rtr_data.c) -> End of Data:
 * the response applied all or nothing, the timers taken from it (v1+),
 * a complete set handed out by the loop -> idle until the refresh timer,
 * a Serial Notify or a poke.  Cache Reset answers a Serial Query with
 * "start over": Reset Query.  Any error ends the connection (with an
 * Error Report when the cache was at fault; 6 and 7 for a withdrawal of
 * what is not held and a duplicate announcement, RFC 8210 5.6) and
 * forgets the session, so the next query is a Reset Query; the data held
 * stays in use until it is replaced.
 *
 * Version (RFC 8210 section 7): the first query goes at version 2; an
 * Error Report "Unsupported Protocol Version" (or any first answer) at
 * a lower version moves the session to the cache's version, asking
 * again on a new connection when it was an Error Report; an Error Report
 * 4 at our own version moves one version down.  Once a PDU was accepted
 * at a version, another version is an error (8, Unexpected Protocol
 * Version).
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "rpki/rtr_internal.h"

/* The session ended in error: one line, counted, kept for the status. */
void
rtr_fail(struct rtr_client *c, const char *fmt, ...)
{
	char msg[sizeof(c->st.last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", c->url, msg);
	pthread_mutex_lock(&c->lock);
	snprintf(c->st.last_error, sizeof(c->st.last_error), "%s", msg);
	c->st.errors++;
	pthread_mutex_unlock(&c->lock);
}

static int
send_pdu(struct rtr_client *c, const struct rtr_pdu *p)
{
	uint8_t out[1024];
	size_t n, off = 0;
	ssize_t w;

	if ((n = rtr_pdu_encode(p, out, sizeof(out))) == 0) {
		rtr_fail(c, "cannot encode a %s", rtr_pdu_type_name(p->type));
		return -1;
	}
	while (off < n) {
		w = send(c->fd, out + off, n - off, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			rtr_fail(c, "send: %s", strerror(errno));
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/* Reset Query when nothing is held, else Serial Query (RFC 8210 5.3/5.4). */
int
rtr_send_query(struct rtr_client *c)
{
	struct rtr_pdu q;

	memset(&q, 0, sizeof(q));
	q.version = c->version;
	q.type = c->have ? RTR_SERIAL_QUERY : RTR_RESET_QUERY;
	q.session_id = c->session_id;
	q.serial = c->serial;
	if (send_pdu(c, &q) == -1)
		return -1;
	c->reset_sent = !c->have;
	c->state = RTR_ST_WAIT;
	c->sent_at = time(NULL);
	if (c->reset_sent) {
		pthread_mutex_lock(&c->lock);
		c->st.resets++;
		pthread_mutex_unlock(&c->lock);
	}
	return 0;
}

/* Tell the cache what was wrong with its PDU (raw: its bytes). */
static void
send_error(struct rtr_client *c, unsigned code, const uint8_t *raw,
    size_t rawlen, const char *text)
{
	struct rtr_pdu e;

	memset(&e, 0, sizeof(e));
	e.version = c->version;
	e.type = RTR_ERROR_REPORT;
	e.error_code = (uint16_t)code;
	e.err_pdu = raw;
	e.err_pdu_len = raw != NULL && rawlen <= 512 ? (uint32_t)rawlen : 0;
	e.err_text = text;
	e.err_text_len = text != NULL ? (uint32_t)strlen(text) : 0;
	(void)send_pdu(c, &e);
}

/* Forget the session: the next query is a Reset Query.  The data held
 * stays in use until that query's End of Data replaces it. */
static void
forget(struct rtr_client *c)
{
	c->have = false;
}

static void
status_from_eod(struct rtr_client *c)
{
	pthread_mutex_lock(&c->lock);
	c->st.synced = true;
	c->st.expired = false;
	c->st.version = c->version;
	c->st.session_id = c->session_id;
	c->st.serial = c->serial;
	c->st.refresh = c->refresh;
	c->st.retry = c->retry;
	c->st.expire = c->expire;
	c->st.last_update = (int64_t)c->last_ok;
	c->st.updates++;
	c->st.vrps = c->data.n;
	c->st.aspas = c->data.na;
	c->st.last_error[0] = '\0';
	pthread_mutex_unlock(&c->lock);
}

static enum rtr_step
on_eod(struct rtr_client *c, const struct rtr_pdu *p, const uint8_t *raw)
{
	char why[160];
	int rc;

	if (p->session_id != c->session_id) {
		send_error(c, RTR_ERR_CORRUPT, raw, p->length,
		    "End of Data of another session");
		rtr_fail(c, "End of Data for session %u, not %u", p->session_id,
		    c->session_id);
		forget(c);
		return RTR_STEP_CLOSE;
	}
	c->changed = c->data.reset || c->data.nops > 0 || c->data.naops > 0;
	if ((rc = rtr_data_commit(&c->data, why, sizeof(why))) != 0) {
		if (rc == -1) {
			rtr_fail(c, "out of memory applying serial %u", p->serial);
			forget(c);
			return RTR_STEP_CLOSE;
		}
		/* RFC 8210 5.6: report, then start over with a reset. */
		send_error(c, (unsigned)rc, NULL, 0, why);
		rtr_fail(c, "serial %u: %s (Error Report %s; resetting)",
		    p->serial, why, rtr_error_name((unsigned)rc));
		forget(c);
		return RTR_STEP_CLOSE;
	}
	c->serial = p->serial;
	c->have = true;
	if (c->version >= 1) {
		c->refresh = p->refresh;
		c->retry = p->retry;
		c->expire = p->expire;
	}
	c->state = RTR_ST_IDLE;
	c->last_ok = time(NULL);
	c->next_query = c->last_ok + (time_t)c->refresh;
	c->backoff = 1;
	status_from_eod(c);
	log_info("%s: serial %u, session %u, version %u: %zu VRPs, %zu "
	    "ASPAs", c->url, c->serial, c->session_id, c->version,
	    c->data.n, c->data.na);
	return RTR_STEP_EOD;
}

/*
 * Version handling before the PDU is looked at (RFC 8210 section 7).
 * RTR_STEP_OK to go on, or what to do instead.
 */
static enum rtr_step
check_version(struct rtr_client *c, const struct rtr_pdu *p,
    const uint8_t *raw)
{
	if (p->version == c->version) {
		c->version_set = true;
		return RTR_STEP_OK;
	}
	if (!c->version_set && p->version < c->version) {
		/* The cache speaks an older version: take it, and ask again
		 * at it (an Error Report 4, or its answer at its version). */
		log_info("%s: the cache speaks version %u, not %u", c->url,
		    p->version, c->version);
		c->version = p->version;
		pthread_mutex_lock(&c->lock);
		c->st.version = c->version;
		pthread_mutex_unlock(&c->lock);
		if (p->type == RTR_ERROR_REPORT)
			return RTR_STEP_AGAIN;
		c->version_set = true;
		return RTR_STEP_OK;
	}
	send_error(c, RTR_ERR_UNEXPECTED_VERSION, raw, p->length, NULL);
	rtr_fail(c, "a %s at version %u in a version %u session",
	    rtr_pdu_type_name(p->type), p->version, c->version);
	return RTR_STEP_CLOSE;
}

static enum rtr_step
on_error_report(struct rtr_client *c, const struct rtr_pdu *p)
{
	int n = p->err_text_len > 100 ? 100 : (int)p->err_text_len;
	int i;
	char text[101];

	for (i = 0; i < n; i++)	/* the cache's text, printable */
		text[i] = p->err_text[i] >= 0x20 && p->err_text[i] < 0x7f ?
		    p->err_text[i] : '?';
	text[n] = '\0';
	if (p->error_code == RTR_ERR_UNSUPPORTED_VERSION &&
	    !c->version_set && c->version > 0) {
		c->version--;	/* it named no lower version: try one */
		log_info("%s: Unsupported Protocol Version; trying version "
		    "%u", c->url, c->version);
		return RTR_STEP_AGAIN;
	}
	rtr_fail(c, "Error Report from the cache: %s%s%s",
	    rtr_error_name(p->error_code), n > 0 ? ": " : "", text);
	return RTR_STEP_CLOSE;
}

/* One PDU from the cache (the file comment: the state machine). */
static enum rtr_step
handle(struct rtr_client *c, const struct rtr_pdu *p, const uint8_t *raw)
{
	enum rtr_step s;
	const char *why;
	int rc;

	if ((s = check_version(c, p, raw)) != RTR_STEP_OK)
		return s;
	switch (p->type) {
	case RTR_SERIAL_NOTIFY:
		pthread_mutex_lock(&c->lock);
		c->st.notifies++;
		pthread_mutex_unlock(&c->lock);
		if (c->state == RTR_ST_IDLE && (!c->have ||
		    p->serial != c->serial))
			c->next_query = 0;	/* now */
		return RTR_STEP_OK;
	case RTR_CACHE_RESPONSE:
		if (c->state != RTR_ST_WAIT)
			break;
		if (!c->reset_sent && p->session_id != c->session_id) {
			rtr_fail(c, "Cache Response for session %u, not %u",
			    p->session_id, c->session_id);
			forget(c);
			return RTR_STEP_CLOSE;
		}
		c->session_id = p->session_id;
		rtr_data_begin(&c->data, c->reset_sent);
		c->state = RTR_ST_DATA;
		return RTR_STEP_OK;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
	case RTR_ASPA:
		if (c->state != RTR_ST_DATA)
			break;
		if ((rc = rtr_data_add(&c->data, p, &why)) == -1) {
			rtr_fail(c, "out of memory");
			return RTR_STEP_CLOSE;
		}
		if (rc != 0) {
			send_error(c, (unsigned)rc, raw, p->length, why);
			rtr_fail(c, "%s: %s", rtr_pdu_type_name(p->type), why);
			forget(c);
			return RTR_STEP_CLOSE;
		}
		return RTR_STEP_OK;
	case RTR_ROUTER_KEY:
		/* BGPsec router keys: not used by rovmon. */
		return c->state == RTR_ST_DATA ? RTR_STEP_OK : RTR_STEP_CLOSE;
	case RTR_END_OF_DATA:
		if (c->state != RTR_ST_DATA)
			break;
		return on_eod(c, p, raw);
	case RTR_CACHE_RESET:
		if (c->state != RTR_ST_WAIT)
			break;
		log_info("%s: Cache Reset: asking for everything", c->url);
		forget(c);
		return rtr_send_query(c) == 0 ? RTR_STEP_OK : RTR_STEP_CLOSE;
	case RTR_ERROR_REPORT:
		return on_error_report(c, p);
	default:
		break;
	}
	send_error(c, RTR_ERR_CORRUPT, raw, p->length, "unexpected PDU");
	rtr_fail(c, "unexpected %s", rtr_pdu_type_name(p->type));
	forget(c);
	return RTR_STEP_CLOSE;
}

/* Read what the socket has and handle every whole PDU in it. */
enum rtr_step
rtr_receive(struct rtr_client *c)
{
	struct rtr_pdu p;
	enum rtr_decode d;
	enum rtr_step s = RTR_STEP_OK, r;
	const char *why;
	size_t need = RTR_HEADER_LEN, off = 0;
	ssize_t n;

	if (c->bcap - c->blen < 65536) {
		uint8_t *nb = realloc(c->buf, c->bcap + 65536);

		if (nb == NULL) {
			rtr_fail(c, "out of memory");
			return RTR_STEP_CLOSE;
		}
		c->buf = nb;
		c->bcap += 65536;
	}
	if ((n = recv(c->fd, c->buf + c->blen, c->bcap - c->blen, 0)) <= 0) {
		if (n == -1 && errno == EINTR)
			return RTR_STEP_OK;
		rtr_fail(c, "%s", n == 0 ? "the cache closed the connection" :
		    strerror(errno));
		return RTR_STEP_CLOSE;
	}
	c->blen += (size_t)n;
	while (off < c->blen) {
		d = rtr_pdu_decode(c->buf + off, c->blen - off, &p, &need,
		    &why);
		if (d == RTR_DECODE_SHORT)
			break;
		if (d == RTR_DECODE_BAD) {
			send_error(c, RTR_ERR_CORRUPT, c->buf + off,
			    c->blen - off > 64 ? 64 : c->blen - off, why);
			rtr_fail(c, "bad PDU: %s", why);
			forget(c);
			return RTR_STEP_CLOSE;
		}
		r = handle(c, &p, c->buf + off);
		off += p.length;
		if (r == RTR_STEP_CLOSE || r == RTR_STEP_AGAIN)
			return r;
		if (r == RTR_STEP_EOD)
			s = RTR_STEP_EOD;
	}
	memmove(c->buf, c->buf + off, c->blen - off);
	c->blen -= off;
	/* Room for the PDU being received, whatever its size (capped by
	 * the decoder at RTR_MAX_PDU_LEN). */
	if (need > c->bcap) {
		uint8_t *nb = realloc(c->buf, need);

		if (nb == NULL) {
			rtr_fail(c, "out of memory");
			return RTR_STEP_CLOSE;
		}
		c->buf = nb;
		c->bcap = need;
	}
	return s;
}

