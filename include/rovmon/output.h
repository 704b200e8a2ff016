/*
 * output.h - the output stage (--threads 2 and more): a thread that
 * formats and writes the alerts and the route log, fed by the packet
 * thread through a bounded queue (base/spsc.h) of self-contained records.
 *
 *   packet thread: ... rules -> alert -> sinks_emit() ----divert--+
 *                  ... validation -> route_log_write() --divert--+--> queue
 *   output thread: queue -> sinks_emit_direct() (format, sinks)
 *                        -> route_log_write_direct() (format, write)
 *
 * A record is a deep copy of what the formatter reads: the alert with its
 * route event (AS path, the deciding VRPs' values, the packet's number,
 * time and length, the BGP message for "b64_data"), or its sensor event
 * with its strings; a route log line's context, attributes, route and
 * verdicts.  Nothing in it points at the packet thread's memory but the
 * alert's rule (its escaped text, alert/alert.h), which only a rules
 * reload frees, after output_sync(): a VRP reload, a RIB change or the
 * next packet cannot change a record while it waits.  Records leave the
 * queue in the order they entered, and only the output thread calls the
 * sinks and the route log, so every output file is byte for byte what
 * --threads 1 writes.
 *
 * What reads the outputs' state from the packet thread (the statistics'
 * alert and route counters, the sinks' counters, reopening files, the
 * end of the run) first calls output_sync(): the queue is empty and the
 * output thread idle, and what it did happened before the call returns.
 * The queue never drops: a full queue makes the packet thread wait
 * (counted; -v logs the counts at the end).
 */
#ifndef ROVMON_OUTPUT_H
#define ROVMON_OUTPUT_H

#include "alert/sink.h"
#include "bgp/bgp.h"
#include "state/route_event.h"
#include "state/route_log.h"

struct output;

/* The queue's size: 4 MiB, ~3,000 alerts of a full table.  Small enough
 * to stay in the last-level cache between the two cores (16 MiB cost the
 * packet thread ~10% more). */
#define OUTPUT_QUEUE_BYTES	((size_t)4 << 20)

/*
 * Start the thread and divert ss's emits and drains and rl's writes and
 * flushes to it (either may be NULL): the callers go on calling
 * sinks_emit() and route_log_write() and never choose.  NULL with an
 * error logged.  Packet thread, which is then the only producer.
 * Records are handed over in batches; a drain of the alerts
 * (sinks_drain(): at least once a second, and on a quiet link) and a
 * flush of the route log hand over everything before them at once, so a
 * line reaches its file when it would with --threads 1.
 */
struct output	*output_start(struct sinks *ss, struct route_log *rl);

/* Wait until every record is written out (see above).  NULL ok. */
void		 output_sync(struct output *);
/* output_sync(), stop and join the thread, give ss and rl back to their
 * callers (emits and writes are direct again) and free; -v logs the
 * queue's counts and each thread's CPU time.  NULL ok. */
void		 output_stop(struct output *);

#endif /* ROVMON_OUTPUT_H */
