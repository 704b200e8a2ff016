/*
 * reasm_dispatch.c - route each flow to the consumer of its ports
 * (capture/reasm_dispatch.h): a flow with either endpoint on one of a
 * consumer's ports goes to that consumer (the RTR audit, passive BMP),
 * every other one to the default (BGP).  Decided once, at session_open;
 * the flow's later callbacks go to the same consumer through a small
 * record.
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
has_port(const struct reasm_consumer *c, uint16_t port)
{
	size_t i;

	for (i = 0; i < c->nports; i++)
		if (c->ports[i] == port)
			return true;
	return false;
}

static bool
takes(const struct reasm_consumer *c, const struct flow_endpoint *a,
    const struct flow_endpoint *b)
{
	if (c->ops == NULL)
		return false;
	if (c->yield_port != 0 &&
	    (a->port == c->yield_port || b->port == c->yield_port))
		return false;
	return has_port(c, a->port) || has_port(c, b->port);
}

static void *
d_open(void *arg, const struct flow_endpoint *a, const struct flow_endpoint *b,
    const struct packet *pkt)
{
	struct reasm_dispatch *d = arg;
	struct dflow *f;
	void *carg = d->dflt_arg;
	size_t i;

	if ((f = malloc(sizeof(*f))) == NULL) {
		log_warn("reasm_dispatch");
		return NULL;
	}
	f->ops = d->dflt;
	for (i = 0; i < d->nalt; i++)
		if (takes(&d->alt[i], a, b)) {
			f->ops = d->alt[i].ops;
			carg = d->alt[i].arg;
			break;
		}
	f->sess = f->ops->session_open(carg, a, b, pkt);
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
