/*
 * sink_http.c - the HTTP side of the network sinks: one POST per alert to
 * a JSON webhook (chat: Slack and Mattermost take the same POST), and
 * Elasticsearch _bulk batches with their per-document answers; also the
 * libcurl settings and error reading every transfer shares (SMTP too).
 *
 * Runs on a sink's worker thread only (sink_net.c owns the queue, the
 * retries and the counters): each function makes one try and says how it
 * went (enum sink_send_rc).  Every transfer has a 5 s connect and a 10 s
 * total timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert/sink_net_internal.h"

#define NET_CONNECT_TIMEOUT	5	/* seconds */
#define NET_TOTAL_TIMEOUT	10	/* seconds */
/* after the index URL: only what es_items() reads comes back */
#define ES_BULK			"/_bulk?filter_path=errors,items.*.status"

static size_t
resp_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink_net *n = arg;
	size_t len = size * nmemb, keep = len;

	if (n->resp_len + keep > SINK_NET_RESP_MAX)
		keep = SINK_NET_RESP_MAX - n->resp_len;
	memcpy(n->resp + n->resp_len, p, keep);
	n->resp_len += keep;
	n->resp[n->resp_len] = '\0';
	return len;
}

void
sink_http_curl_reset(struct sink_net *n)
{
	curl_fn->easy_reset(n->curl);
	curl_fn->easy_setopt(n->curl, CURLOPT_NOSIGNAL, 1L);
	curl_fn->easy_setopt(n->curl, CURLOPT_CONNECTTIMEOUT,
	    (long)NET_CONNECT_TIMEOUT);
	curl_fn->easy_setopt(n->curl, CURLOPT_TIMEOUT, (long)NET_TOTAL_TIMEOUT);
	curl_fn->easy_setopt(n->curl, CURLOPT_WRITEFUNCTION, resp_cb);
	curl_fn->easy_setopt(n->curl, CURLOPT_WRITEDATA, n);
	curl_fn->easy_setopt(n->curl, CURLOPT_USERAGENT, "rovmon");
	n->resp_len = 0;
	n->resp[0] = '\0';
}

/*
 * What went wrong in a transfer, for a person: the system's word when
 * there is one ("Connection refused"), else libcurl's.  Which failures
 * are worth a retry: those of the network and the far end's load, not
 * a URL that can never work.
 */
enum sink_send_rc
sink_http_curl_failed(struct sink_net *n, CURLcode rc, char *err, size_t errlen)
{
	char buf[128];
	long oserr = 0;

	curl_fn->easy_getinfo(n->curl, CURLINFO_OS_ERRNO, &oserr);
	if (oserr != 0 && (rc == CURLE_COULDNT_CONNECT ||
	    rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR))
		snprintf(err, errlen, "%s", strerror_r((int)oserr, buf,
		    sizeof(buf)));
	else
		snprintf(err, errlen, "%s", curl_fn->easy_strerror(rc));
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_LOGIN_DENIED:
		return SINK_SEND_REFUSED;
	default:
		return SINK_SEND_RETRY;
	}
}

/* One HTTP POST: SINK_SEND_OK on a 2xx answer; else why in *err. */
static enum sink_send_rc
http_post(struct sink_net *n, const char *url, const char *ctype,
    const char *body, size_t len, char *err, size_t errlen)
{
	struct curl_slist *h = NULL;
	char hdr[64];
	long code = 0;
	CURLcode rc;

	sink_http_curl_reset(n);
	snprintf(hdr, sizeof(hdr), "Content-Type: %s", ctype);
	h = curl_fn->slist_append(h, hdr);
	h = curl_fn->slist_append(h, "Expect:");
	curl_fn->easy_setopt(n->curl, CURLOPT_URL, url);
	curl_fn->easy_setopt(n->curl, CURLOPT_HTTPHEADER, h);
	curl_fn->easy_setopt(n->curl, CURLOPT_POSTFIELDS, body);
	curl_fn->easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	rc = curl_fn->easy_perform(n->curl);
	curl_fn->slist_free_all(h);
	if (rc != CURLE_OK)
		return sink_http_curl_failed(n, rc, err, errlen);
	curl_fn->easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code <= 299)
		return SINK_SEND_OK;
	snprintf(err, errlen, "HTTP status %ld", code);
	/* busy or broken for now; any other answer will not change */
	return code == 408 || code == 429 || code >= 500 ? SINK_SEND_RETRY :
	    SINK_SEND_REFUSED;
}

/* {"text":"...","alert":{...}} - Slack shows text, others get both. */
enum sink_send_rc
sink_http_webhook(struct sink_net *n, struct sink_net_item *it, char *err,
    size_t errlen)
{
	size_t cap = it->json_len + 6 * strlen(it->text) + 64, off = 0;
	enum sink_send_rc rc;
	char *body;

	if ((body = malloc(cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SINK_SEND_RETRY;
	}
	memcpy(body, "{\"text\":", 8);
	off = 8;
	alert_put_jstr(body, cap, &off, it->text);
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(body + off, ",\"alert\":", 9);
	off += 9;
	/* a length-counted body, not a C string; no '\n' */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(body + off, it->json, it->json_len - 1);
	off += it->json_len - 1;
	body[off++] = '}';
	rc = http_post(n, n->url, "application/json", body, off, err, errlen);
	free(body);
	return rc;
}

/*
 * The _bulk answer, item by item (the URL's filter_path keeps it to
 * {"errors":B,"items":[{"index":{"status":N[,"error":{...}]}},...]},
 * ~25 bytes an item).  A document refused for what it is (4xx: a
 * mapping conflict) is lost: sent again it would be refused again.  A
 * document rejected for load (429, 5xx: a full write queue) is worth
 * another try: those are moved to the front of items[], their number in
 * *again.  *failed: refused for good.  -1 if the answer cannot be read
 * (then every document counts as failed: none is known to be in).
 */
static int
es_items(struct sink_net *n, struct sink_net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc, *arr, *it, *op, *st;
	const char *key;
	unsigned i;
	json_int_t code;
	int rc = -1;

	*failed = *again = 0;
	if ((doc = json_loadb(n->resp, n->resp_len, 0, &jerr)) == NULL ||
	    !json_is_boolean(json_object_get(doc, "errors")))
		goto done;
	rc = 0;
	if (!json_is_true(json_object_get(doc, "errors")))
		goto done;
	arr = json_object_get(doc, "items");
	if (!json_is_array(arr) || json_array_size(arr) != cnt) {
		rc = -1;
		goto done;
	}
	for (i = 0; i < cnt; i++) {
		it = json_array_get(arr, i);
		code = 0;
		json_object_foreach(it, key, op) {
			if (json_is_integer(st = json_object_get(op, "status")))
				code = json_integer_value(st);
			else if (json_object_get(op, "error") != NULL)
				code = 400;
		}
		if (code >= 200 && code <= 299)
			continue;
		if (code == 429 || code >= 500) {
			struct sink_net_item *t = items[*again];

			/* keep the retryable ones first, in order */
			items[*again] = items[i];
			items[i] = t;
			(*again)++;
		} else
			(*failed)++;
	}
	if (*failed > 0)
		snprintf(err, errlen, "%u of %u documents refused", *failed,
		    cnt);
	else if (*again > 0)
		snprintf(err, errlen, "%u of %u documents rejected, busy",
		    *again, cnt);
done:
	if (rc == -1)
		snprintf(err, errlen, "not an Elasticsearch _bulk answer%s",
		    n->resp_len >= SINK_NET_RESP_MAX ? " (too long)" : "");
	json_decref(doc);
	return rc;
}

/* Elasticsearch _bulk: {"index":{}} and the alert, per line.  *failed:
 * lost for good; *again: to send again (moved to the front). */
enum sink_send_rc
sink_http_es(struct sink_net *n, struct sink_net_item **items, unsigned cnt,
    unsigned *failed, unsigned *again, char *err, size_t errlen)
{
	static const char action[] = "{\"index\":{}}\n";
	size_t len = 0, off = 0;
	enum sink_send_rc rc;
	char *body;
	unsigned i;

	*failed = 0;
	*again = cnt;
	if (cnt == 0) {
		*again = 0;
		return SINK_SEND_OK;
	}
	for (i = 0; i < cnt; i++)
		len += sizeof(action) - 1 + items[i]->json_len;
	if ((body = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SINK_SEND_RETRY;
	}
	for (i = 0; i < cnt; i++) {
		memcpy(body + off, action, sizeof(action) - 1);
		off += sizeof(action) - 1;
		memcpy(body + off, items[i]->json, items[i]->json_len);
		off += items[i]->json_len;
	}
	body[off] = '\0';
	rc = http_post(n, n->url, "application/x-ndjson", body, off, err,
	    errlen);
	free(body);
	if (rc == SINK_SEND_REFUSED) {
		*again = 0;
		*failed = cnt;
	}
	if (rc != SINK_SEND_OK)
		return rc;
	if (es_items(n, items, cnt, failed, again, err, errlen) == -1) {
		*again = 0;
		*failed = cnt;
		return SINK_SEND_REFUSED;
	}
	if (*again > 0)
		return SINK_SEND_RETRY;
	return *failed > 0 ? SINK_SEND_REFUSED : SINK_SEND_OK;
}

char *
sink_http_es_url(const char *index_url)
{
	size_t l = strlen(index_url);
	char *url;

	while (l > 0 && index_url[l - 1] == '/')
		l--;
	if ((url = malloc(l + sizeof(ES_BULK))) == NULL)
		return NULL;
	snprintf(url, l + sizeof(ES_BULK), "%.*s%s", (int)l, index_url,
	    ES_BULK);
	return url;
}
