/*
 * bmp_passive.h - BMP connections seen on the mirror (issue 18): the
 * reassembled TCP flows to a BMP collector's port, router -> collector,
 * each handed to a bmp_stream (feed/bmp_stream.h) whose sessions share
 * one feed table (feed/feed_session.h) and the BGP sink.
 *
 * rovmon puts bmp_passive_reasm_ops with the collectors' ports into its
 * reassembly dispatcher (capture/reasm_dispatch.h); the direction whose
 * destination port is a collector's is the BMP stream (what the router
 * sends); the collector sends nothing in BMP (RFC 7854 3.2), its bytes
 * are counted and dropped.
 */
#ifndef ROVMON_BMP_PASSIVE_H
#define ROVMON_BMP_PASSIVE_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "capture/packet.h"
#include "capture/reasm.h"
#include "feed/bmp_stream.h"

#define BMP_PASSIVE_MAX_PORTS	8
/* --bmp-ports' default: GoBGP's documented collector port, pmacct's
 * bmp_daemon_port, OpenBMP's collector port (docs/deployment.md). */
#define BMP_DEFAULT_PORTS	{ 11019, 1790, 5000 }

struct bmp_passive;

/* The flows' consumer, arg = a struct bmp_passive. */
extern const struct reasm_ops bmp_passive_reasm_ops;

/* NULL when out of memory.  sink outlives it. */
struct bmp_passive *bmp_passive_new(const struct bgp_sink *sink,
		    const uint16_t *ports, size_t nports);
/* The streams' counters summed (closed streams and open ones), and the
 * connections seen and the collector's bytes dropped. */
void		 bmp_passive_stats(const struct bmp_passive *,
		    struct bmp_stream_stats *, uint64_t *connections,
		    uint64_t *collector_bytes);
/*
 * After reassembly finished (every stream closed): the sessions left end
 * as at a capture end (pkt may be NULL), everything is freed; says on
 * stderr what the streams refused or lost.  NULL ok.
 */
void		 bmp_passive_free(struct bmp_passive *, const struct packet *);

#endif /* ROVMON_BMP_PASSIVE_H */
