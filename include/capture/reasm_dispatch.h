/*
 * reasm_dispatch.h - one reassembly engine, two consumers: flows with an
 * endpoint on one of a few ports (the RTR ports, for --rtr-audit) go to
 * one struct reasm_ops, every other flow to the default one (BGP).
 *
 * capture/ does not know the consumers (they are above it); rovmon/
 * fills a struct reasm_dispatch with both tables and their args and
 * hands reasm_dispatch_ops with it to reasm_new().  Without ports every
 * flow goes to the default consumer: BGP behaves exactly as without the
 * dispatcher, the per-flow cost is one small allocation.
 */
#ifndef ROVMON_REASM_DISPATCH_H
#define ROVMON_REASM_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "capture/reasm.h"

#define REASM_DISPATCH_MAX_PORTS	16

struct reasm_dispatch {
	const struct reasm_ops	*dflt;	/* every other flow */
	void			*dflt_arg;
	const struct reasm_ops	*alt;	/* flows on ports[] */
	void			*alt_arg;
	uint16_t		 ports[REASM_DISPATCH_MAX_PORTS];
	size_t			 nports;
};

/* The ops to give reasm_new() with arg = the struct reasm_dispatch, which
 * must outlive the engine. */
extern const struct reasm_ops reasm_dispatch_ops;

#endif /* ROVMON_REASM_DISPATCH_H */
