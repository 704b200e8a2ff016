/*
 * reasm_dispatch.h - one reassembly engine, several consumers: flows with
 * an endpoint on one of a consumer's ports go to that consumer's struct
 * reasm_ops (the RTR ports for --rtr-audit, the BMP collectors' ports for
 * --bmp-ports), every other flow to the default one (BGP).
 *
 * capture/ does not know the consumers (they are above it); rovmon/
 * fills a struct reasm_dispatch with the tables and their args and hands
 * reasm_dispatch_ops with it to reasm_new().  The consumers are tried in
 * order, the first whose ports match takes the flow; a consumer may give
 * way to one port (BMP: a flow with an endpoint on 179 stays BGP's, as a
 * BGP speaker's ephemeral port may be a collector's port).  Without
 * consumers every flow goes to the default: BGP behaves exactly as
 * without the dispatcher, the per-flow cost is one small allocation.
 */
#ifndef ROVMON_REASM_DISPATCH_H
#define ROVMON_REASM_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "capture/reasm.h"

#define REASM_DISPATCH_MAX_PORTS	16
#define REASM_DISPATCH_MAX_CONSUMERS	4

struct reasm_consumer {
	const struct reasm_ops	*ops;
	void			*arg;
	uint16_t		 ports[REASM_DISPATCH_MAX_PORTS];
	size_t			 nports;
	uint16_t		 yield_port;	/* a flow with an endpoint on
						 * it is not this consumer's
						 * (0: none) */
};

struct reasm_dispatch {
	const struct reasm_ops	*dflt;	/* every other flow */
	void			*dflt_arg;
	struct reasm_consumer	 alt[REASM_DISPATCH_MAX_CONSUMERS];
	size_t			 nalt;
};

/* The ops to give reasm_new() with arg = the struct reasm_dispatch, which
 * must outlive the engine. */
extern const struct reasm_ops reasm_dispatch_ops;

#endif /* ROVMON_REASM_DISPATCH_H */
