/*
 * sink_net_internal.h - what the network sinks' files share: the queue
 * and worker (sink_net.c), the HTTP transfers of the webhook and
 * Elasticsearch (sink_http.c) and mail (sink_smtp.c).  Not for other
 * modules: they see sink.h.
 *
 * Threads: a struct sink_net is shared by the packet thread (emit) and
 * its worker; which fields belong to whom is said at each.  The
 * transfers (sink_http.c, sink_smtp.c) run on the worker only and touch
 * its fields only.
 */
#ifndef ROVMON_SINK_NET_INTERNAL_H
#define ROVMON_SINK_NET_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/curl_lazy.h"
#include "alert/sink.h"

#define SINK_NET_RESP_MAX	(1 << 20) /* response bytes kept (ES items) */
#define SINK_SMTP_SUBJECT_MAX	200

enum sink_net_kind { SINK_NET_WEBHOOK, SINK_NET_SMTP, SINK_NET_ES };

/* How one try went: retry only what may work next time. */
enum sink_send_rc { SINK_SEND_OK, SINK_SEND_RETRY, SINK_SEND_REFUSED };

/* One queued alert: its JSON line, text and subject, in one allocation. */
struct sink_net_item {
	char		*json;
	size_t		 json_len;	/* with the '\n' */
	char		*text;
	char		*subject;
};

struct sink_net {
	struct sink	*s;
	enum sink_net_kind	 kind;
	char		*url;
	/* smtp */
	char		*from;
	struct curl_slist *rcpt;
	char		*to_hdr;
	/* the queue, under mu */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* to the worker: work, stop */
	pthread_cond_t	 room;		/* to emit (block=1): a slot is free */
	struct sink_net_item	**q;
	unsigned	 qcap, qhead, qlen;
	bool		 stop, flush_now, started;
	bool		 trouble;	/* retrying or down: err says why */
	bool		 is_down;	/* down, as emit sees it */
	char		 err[SINK_WHY_MAX];	/* last delivery error */
	time_t		 drain_until;	/* block=0: set by close */
	pthread_t	 thr;
	/* set at open */
	bool		 block;
	unsigned	 retry;		/* seconds */
	/* rate limit: packet thread only */
	unsigned	 rate;		/* per minute, 0 = none */
	time_t		 win;
	unsigned	 win_count;
	unsigned	 batch;
	/* worker only */
	struct sink_net_item	**items;	/* the batch being delivered */
	CURL		*curl;
	char		*resp;
	size_t		 resp_len;
	bool		 failing;	/* the last delivery lost alerts */
	bool		 down;		/* retries ran out: probing */
	struct timespec	 next_probe;	/* CLOCK_MONOTONIC */
	unsigned long	 msgid;
};

/* sink_http.c: the settings every transfer shares (timeouts, the
 * response kept in n->resp); why a transfer failed and whether to retry. */
void	sink_http_curl_reset(struct sink_net *);
enum sink_send_rc sink_http_curl_failed(struct sink_net *, CURLcode,
	    char *err, size_t errlen);
/* One alert to the webhook; err: why it failed. */
enum sink_send_rc sink_http_webhook(struct sink_net *,
	    struct sink_net_item *, char *err, size_t errlen);
/* A batch to Elasticsearch _bulk.  *failed: lost for good; *again: to
 * send again (moved to the front of items). */
enum sink_send_rc sink_http_es(struct sink_net *, struct sink_net_item **,
	    unsigned cnt, unsigned *failed, unsigned *again, char *err,
	    size_t errlen);
/* The _bulk URL of an index URL (trailing '/' dropped); NULL on ENOMEM.
 * The caller frees it. */
char	*sink_http_es_url(const char *index_url);

/* sink_smtp.c: parse smtp://HOST[:PORT]?from=&to=... into n's url, from,
 * rcpt and To: header (0, or -1 with the error logged). */
int	sink_smtp_parse(struct sink_net *, const char *arg);
/* The Subject: line of an alert (printable ASCII) into buf; its length. */
size_t	sink_smtp_subject(const struct alert *, char *buf, size_t len);
/* One alert as one mail; err: why it failed. */
enum sink_send_rc sink_smtp_send(struct sink_net *, struct sink_net_item *,
	    char *err, size_t errlen);

#endif /* ROVMON_SINK_NET_INTERNAL_H */
