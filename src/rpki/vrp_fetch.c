/*
 * vrp_fetch.c - getting VRP documents: files, and HTTP(S) with libcurl;
 * each is handed to vrp_parse() (which decompresses gzip and bzip2).
 *
 * HTTP behaviour (docs/vrps.md): connect timeout 10 s, a total timeout
 * (60 s unless set), at most 5 redirects and only to http/https, gzip
 * and deflate content-encoding accepted, TLS peer and host verification
 * always on, conditional GET with If-None-Match / If-Modified-Since (304
 * gives VRP_FETCH_UNCHANGED), status 200 only, the body capped at
 * VRP_MAX_BYTES after content decoding.  Any failure is one log line
 * naming the URL and VRP_FETCH_ERROR: the caller keeps its previous set,
 * and the conditional state is only updated by a response that parsed.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/curl_lazy.h"
#include "base/log.h"
#include "rpki/rtr.h"
#include "rpki/vrp_load.h"

/* Whole file into memory, at most VRP_MAX_BYTES; the caller frees. */
static uint8_t *
read_file(const char *path, size_t *lenp)
{
	struct stat st;
	uint8_t *buf = NULL, *nb;
	size_t cap, len = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		log_warn("%s", path);
		goto fail;
	}
	cap = S_ISREG(st.st_mode) && st.st_size > 0 ?
	    (size_t)st.st_size + 1 : 65536;
	if (cap > VRP_MAX_BYTES + 1)
		cap = VRP_MAX_BYTES + 1;
	if ((buf = malloc(cap)) == NULL) {
		log_warn("%s", path);
		goto fail;
	}
	vrp_mem_hint(buf, cap);
	for (;;) {
		if (len == cap) {
			if (len > VRP_MAX_BYTES) {
				log_warnx("%s: larger than %zu bytes", path,
				    VRP_MAX_BYTES);
				goto fail;
			}
			cap *= 2;
			if (cap > VRP_MAX_BYTES + 1)
				cap = VRP_MAX_BYTES + 1;
			if ((nb = realloc(buf, cap)) == NULL) {
				log_warn("%s", path);
				goto fail;
			}
			buf = nb;
			vrp_mem_hint(buf + len, cap - len);
		}
		if ((r = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s", path);
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	if (fd != -1)
		close(fd);
	free(buf);
	return NULL;
}

struct vrp_set *
vrp_load_file(const char *path)
{
	struct vrp_set *set;
	uint8_t *buf;
	size_t len;

	if ((buf = read_file(path, &len)) == NULL)
		return NULL;
	set = vrp_parse(path, buf, len);
	free(buf);
	vrp_set_warn_stale(set, (int64_t)time(NULL));
	return set;
}

/* ---- HTTP ---- */

struct body {
	uint8_t		*buf;
	size_t		 len, cap;
	bool		 overflow;
};

struct validators {
	char		*etag;
	char		*last_modified;
};

static size_t
body_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb, ncap;
	uint8_t *nb;

	if (n > VRP_MAX_BYTES - b->len) {
		b->overflow = true;
		return 0;		/* curl aborts the transfer */
	}
	if (b->len + n > b->cap) {
		ncap = b->cap == 0 ? 1024 * 1024 : b->cap;
		while (ncap < b->len + n)
			ncap *= 2;
		if (ncap > VRP_MAX_BYTES)
			ncap = VRP_MAX_BYTES;
		if ((nb = realloc(b->buf, ncap)) == NULL)
			return 0;
		b->buf = nb;
		b->cap = ncap;
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	return n;
}

/* The value of "Name: value\r\n" if the line is that header, as a new
 * string; NULL otherwise or when it has control characters. */
static char *
header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name), i;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	line += nl + 1;
	len -= nl + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
	    line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || len > 256)
		return NULL;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return NULL;
	return strndup(line, len);
}

static size_t
header_cb(char *line, size_t size, size_t nmemb, void *arg)
{
	struct validators *v = arg;
	size_t n = size * nmemb;
	char *s;

	/* A new status line: a redirect hop or a 100; keep the last. */
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		free(v->etag);
		free(v->last_modified);
		v->etag = v->last_modified = NULL;
	} else if ((s = header_value(line, n, "ETag")) != NULL) {
		free(v->etag);
		v->etag = s;
	} else if ((s = header_value(line, n, "Last-Modified")) != NULL) {
		free(v->last_modified);
		v->last_modified = s;
	}
	return n;
}

static struct curl_slist *
conditional(const struct vrp_fetch *st)
{
	struct curl_slist *l = NULL, *n;
	char h[300];

	if (st == NULL)
		return NULL;
	if (st->etag != NULL) {
		snprintf(h, sizeof(h), "If-None-Match: %s", st->etag);
		if ((n = curl_fn->slist_append(l, h)) != NULL)
			l = n;
	}
	if (st->last_modified != NULL) {
		snprintf(h, sizeof(h), "If-Modified-Since: %s",
		    st->last_modified);
		if ((n = curl_fn->slist_append(l, h)) != NULL)
			l = n;
	}
	return l;
}

static int
curl_setup(CURL *c, const char *url, const struct vrp_fetch *st,
    struct body *b, struct validators *v, char *errbuf)
{
	long timeout = st != NULL && st->timeout > 0 ? st->timeout :
	    VRP_FETCH_TIMEOUT;

	if (curl_fn->easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_fn->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_fn->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
	    "http,https") != CURLE_OK)
		return -1;
	curl_fn->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_fn->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_fn->easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    (long)VRP_CONNECT_TIMEOUT);
	curl_fn->easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_fn->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_fn->easy_setopt(c, CURLOPT_MAXREDIRS, (long)VRP_MAX_REDIRS);
	curl_fn->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_fn->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_fn->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_fn->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)VRP_MAX_BYTES);
	curl_fn->easy_setopt(c, CURLOPT_USERAGENT, "rovmon");
	curl_fn->easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_fn->easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_fn->easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_fn->easy_setopt(c, CURLOPT_HEADERDATA, v);
	return 0;
}

/* The transfer and the status; VRP_FETCH_NEW means "a 200 body". */
static enum vrp_fetch_result
fetch(const char *url, const struct vrp_fetch *st, struct body *b,
    struct validators *v)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs;
	enum vrp_fetch_result res = VRP_FETCH_ERROR;
	CURLcode rc;
	CURL *c;
	long status = 0;

	if ((c = curl_fn->easy_init()) == NULL) {
		log_warnx("%s: curl_easy_init failed", url);
		return VRP_FETCH_ERROR;
	}
	hdrs = conditional(st);
	if (curl_setup(c, url, st, b, v, errbuf) == -1 ||
	    curl_fn->easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK) {
		log_warnx("%s: not a usable http(s) URL", url);
		goto done;
	}
	rc = curl_fn->easy_perform(c);
	curl_fn->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (b->overflow || rc == CURLE_FILESIZE_EXCEEDED)
		log_warnx("%s: body larger than %zu bytes", url,
		    VRP_MAX_BYTES);
	else if (rc != CURLE_OK)
		log_warnx("%s: %s", url, errbuf[0] != '\0' ? errbuf :
		    curl_fn->easy_strerror(rc));
	else if (status == 304 && hdrs != NULL)
		res = VRP_FETCH_UNCHANGED;
	else if (status != 200)
		log_warnx("%s: HTTP status %ld", url, status);
	else
		res = VRP_FETCH_NEW;
done:
	curl_fn->slist_free_all(hdrs);
	curl_fn->easy_cleanup(c);
	return res;
}

enum vrp_fetch_result
vrp_fetch_url(const char *url, struct vrp_fetch *st, struct vrp_set **out)
{
	struct validators v = { NULL, NULL };
	struct body b = { NULL, 0, 0, false };
	enum vrp_fetch_result res;
	const char *why;

	*out = NULL;
	if (curl_load(&why) == -1) {
		log_warnx("%s: %s", url, why);
		return VRP_FETCH_ERROR;
	}
	res = fetch(url, st, &b, &v);
	if (res == VRP_FETCH_NEW) {
		if ((*out = vrp_parse(url, b.buf, b.len)) == NULL) {
			res = VRP_FETCH_ERROR;
		} else if (st != NULL) {
			vrp_fetch_clear(st);
			st->etag = v.etag;
			st->last_modified = v.last_modified;
			v.etag = v.last_modified = NULL;
		}
		vrp_set_warn_stale(*out, (int64_t)time(NULL));
	}
	free(v.etag);
	free(v.last_modified);
	free(b.buf);
	return res;
}

void
vrp_fetch_clear(struct vrp_fetch *st)
{
	if (st == NULL)
		return;
	free(st->etag);
	free(st->last_modified);
	st->etag = st->last_modified = NULL;
}

bool
vrp_is_url(const char *source)
{
	return strncasecmp(source, "http://", 7) == 0 ||
	    strncasecmp(source, "https://", 8) == 0;
}

/*
 * The length of the scheme of "scheme://..." (RFC 3986 3.1: a letter,
 * then letters, digits, '+', '-', '.'), or 0: such a source is a URL,
 * never a file name, even when rovmon cannot fetch it (ftp://).
 */
static size_t
url_scheme_len(const char *source)
{
	size_t n;

	if (!isalpha((unsigned char)source[0]))
		return 0;
	n = strspn(source, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return strncmp(source + n, "://", 3) == 0 ? n : 0;
}

struct vrp_set *
vrp_load(const char *source)
{
	struct vrp_set *set;
	size_t n;

	if (rtr_is_url(source))
		return rtr_load(source, NULL);	/* one full RTR exchange */
	if (!vrp_is_url(source) && (n = url_scheme_len(source)) > 0) {
		log_warnx("%s: unsupported URL scheme '%.*s' (http://, "
		    "https://, rtr:// and rtr+unix:// are fetched; a file is "
		    "named by its path)",
		    source, (int)n, source);
		return NULL;
	}
	if (!vrp_is_url(source))
		return vrp_load_file(source);
	vrp_fetch_url(source, NULL, &set);
	return set;
}
