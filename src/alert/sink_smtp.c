/*
 * sink_smtp.c - the mail sink's side of the network sinks: its URL
 * (smtp://HOST[:PORT]?from=ADDR&to=ADDR..., or smtps://), the Subject:
 * line of an alert, and one RFC 5322 message per alert sent through
 * libcurl's SMTP.
 *
 * sink_smtp_send() runs on the sink's worker thread only (sink_net.c owns
 * the queue and the retries); the subject is built on the packet path
 * when the alert is queued.  RFC 5321 4.2.1: a 4yz answer is worth a
 * retry, a 5yz one is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "alert/sink_net_internal.h"

/* smtp://host:port?from=a@b&to=c@d&to=e@f -> url, from, rcpt, To: */
int
sink_smtp_parse(struct sink_net *n, const char *arg)
{
	const char *q = strchr(arg, '?');
	char *query, *tok, *save = NULL, addr[320];
	size_t tolen = 0;

	if (q == NULL)
		goto usage;
	if ((n->url = strndup(arg, (size_t)(q - arg))) == NULL ||
	    (query = strdup(q + 1)) == NULL)
		return -1;
	for (tok = strtok_r(query, "&", &save); tok != NULL;
	    tok = strtok_r(NULL, "&", &save)) {
		if (strncmp(tok, "from=", 5) == 0 && tok[5] != '\0') {
			free(n->from);
			n->from = strdup(tok + 5);
		} else if (strncmp(tok, "to=", 3) == 0 && tok[3] != '\0') {
			snprintf(addr, sizeof(addr), "<%s>", tok + 3);
			n->rcpt = curl_fn->slist_append(n->rcpt, addr);
			n->to_hdr = realloc(n->to_hdr, tolen + strlen(tok) + 3);
			if (n->to_hdr == NULL)
				break;
			tolen += (size_t)sprintf(n->to_hdr + tolen, "%s%s",
			    tolen > 0 ? ", " : "", tok + 3);
		} else {
			log_warnx("alert sink \"%s\": unknown parameter \"%s\"",
			    n->s->spec, tok);
			free(query);
			return -1;
		}
	}
	free(query);
	if (n->from != NULL && n->rcpt != NULL && n->to_hdr != NULL &&
	    strpbrk(n->from, "\r\n<>") == NULL &&
	    strpbrk(n->to_hdr, "\r\n<>") == NULL)
		return 0;
usage:
	log_warnx("alert sink \"%s\": needs smtp://HOST[:PORT]?from=ADDR"
	    "&to=ADDR[&to=ADDR...]", n->s->spec);
	return -1;
}

size_t
sink_smtp_subject(const struct alert *a, char *subject, size_t len)
{
	const struct route_event *ev = a->ev;
	const struct alert_rule *r = a->rule;
	char pfx[PREFIX_STRLEN], origin[16] = "none";
	size_t i;

	if (a->sev != NULL)	/* a sensor event: its type and subject */
		snprintf(subject, len, "[rovmon] P%u %.80s %s %s", r->priority,
		    r->msg, sensor_event_type_name(a->sev->type),
		    a->sev->subject != NULL ? a->sev->subject : "");
	else {
		if (bgp_origin_known(ev->origin_kind))
			snprintf(origin, sizeof(origin), "AS%u",
			    ev->origin_as);
		snprintf(subject, len,
		    "[rovmon] P%u %.80s %s origin %s %s %s", r->priority,
		    r->msg, prefix_fmt(&ev->prefix, pfx, sizeof(pfx)), origin,
		    route_event_kind_name(ev->kind),
		    ev->has_rpki ? rov_state_name(ev->rpki.state) : "");
	}
	/* a header line: printable ASCII only */
	for (i = 0; subject[i] != '\0'; i++)
		if (subject[i] < 0x20 || subject[i] > 0x7e)
			subject[i] = '?';
	return i;
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/*
 * An RFC 5322 message: short headers, a text/plain body in base64 (the
 * JSON line may exceed the 998-octet line limit, and base64 keeps the
 * body clear of dots and bare CRs), wrapped at 76 columns.
 */
static char *
mail_build(struct sink_net *n, const struct sink_net_item *it, size_t *lenp)
{
	char date[64], *body, *b64, *msg;
	size_t blen, boff = 0, cap, off, i, b64cap;
	time_t now = time(NULL);
	struct tm tm;
	int hl;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	blen = strlen(it->text) + 2 + it->json_len;
	b64cap = (blen + 2) / 3 * 4 + 1;
	cap = 1024 + strlen(n->to_hdr) + b64cap + b64cap / 76 * 2 + 4;
	body = malloc(blen + 1);
	b64 = malloc(b64cap);
	msg = malloc(cap);
	if (body == NULL || b64 == NULL || msg == NULL) {
		free(body);
		free(b64);
		free(msg);
		return NULL;
	}
	snprintf(body, blen + 1, "%s\n\n%s", it->text, it->json);
	alert_put_base64(b64, b64cap, &boff, (const uint8_t *)body,
	    strlen(body));
	hl = snprintf(msg, cap, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n"
	    "Subject: %s\r\nMessage-ID: <%lld.%ld.%lu@rovmon>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", date, n->from,
	    n->to_hdr, it->subject, (long long)now, (long)getpid(),
	    ++n->msgid);
	off = hl > 0 ? (size_t)hl : 0;
	for (i = 0; i < boff; i += 76) {
		size_t k = boff - i < 76 ? boff - i : 76;

		memcpy(msg + off, b64 + i, k);
		off += k;
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
		memcpy(msg + off, "\r\n", 2);
		off += 2;
	}
	free(body);
	free(b64);
	*lenp = off;
	return msg;
}

enum sink_send_rc
sink_smtp_send(struct sink_net *n, struct sink_net_item *it, char *err, size_t errlen)
{
	struct upload u;
	char *msg;
	size_t len;
	long code = 0;
	CURLcode rc;

	if ((msg = mail_build(n, it, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SINK_SEND_RETRY;
	}
	u.p = msg;
	u.left = len;
	sink_http_curl_reset(n);
	curl_fn->easy_setopt(n->curl, CURLOPT_URL, n->url);
	curl_fn->easy_setopt(n->curl, CURLOPT_MAIL_FROM, n->from);
	curl_fn->easy_setopt(n->curl, CURLOPT_MAIL_RCPT, n->rcpt);
	curl_fn->easy_setopt(n->curl, CURLOPT_READFUNCTION, read_cb);
	curl_fn->easy_setopt(n->curl, CURLOPT_READDATA, &u);
	curl_fn->easy_setopt(n->curl, CURLOPT_UPLOAD, 1L);
	curl_fn->easy_setopt(n->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)len);
	rc = curl_fn->easy_perform(n->curl);
	free(msg);
	if (rc == CURLE_OK)
		return SINK_SEND_OK;
	/* RFC 5321 4.2.1: 4yz is transient, 5yz permanent */
	curl_fn->easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 500 && code <= 599) {
		snprintf(err, errlen, "SMTP %ld: %s", code,
		    curl_fn->easy_strerror(rc));
		return SINK_SEND_REFUSED;
	}
	return sink_http_curl_failed(n, rc, err, errlen);
}
