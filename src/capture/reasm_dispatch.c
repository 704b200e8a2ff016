/*
 * reasm_dispatch.c - route each flow to the consumer of its ports
 * (capture/reasm_dispatch.h): a flow with either endpoint on one of the
 * alternative ports goes to the alternative ops (the RTR audit), every
 * other one to the default (BGP).  Decided once, at session_open; the
 * flow's later callbacks go to the same consumer through a small record.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"
#include "capture/reasm_dispatch.h"

struct dflow {
	const struct reasm_ops	*ops;
	void			*sess;
};

static bool
alt_port(const struct reasm_dispatch *d, uint16_t port)
{
	size_t i;

	for (i = 0; i < d->nports; i++)
		if (d->ports[i] == port)
			return true;
	return false;
}

static void *
d_open(void *arg, const struct flow_endpoint *a, const struct flow_endpoint *b,
    const struct packet *pkt)
{
	struct reasm_dispatch *d = arg;
	struct dflow *f;
	bool alt = d->alt != NULL &&
	    (alt_port(d, a->port) || alt_port(d, b->port));

	if ((f = malloc(sizeof(*f))) == NULL) {
		log_warn("reasm_dispatch");
		return NULL;
	}
	f->ops = alt ? d->alt : d->dflt;
	f->sess = f->ops->session_open(alt ? d->alt_arg : d->dflt_arg, a, b,
	    pkt);
	return f;
}

static void
d_data(void *sess, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct dflow *f = sess;

	if (f != NULL)
		f->ops->data(f->sess, dir, p, n, pkt);
}

static void
d_gap(void *sess, int dir, uint64_t nbytes, const struct packet *pkt)
{
	struct dflow *f = sess;

	if (f != NULL)
		f->ops->gap(f->sess, dir, nbytes, pkt);
}

static void
d_close(void *sess, enum reasm_close why, const struct packet *pkt)
{
	struct dflow *f = sess;

	if (f == NULL)
		return;
	f->ops->session_close(f->sess, why, pkt);
	free(f);
}

const struct reasm_ops reasm_dispatch_ops = {
	d_open, d_data, d_gap, d_close,
};
