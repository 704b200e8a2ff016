/*
 * bmp_passive.c - BMP connections on the mirror (feed/bmp_passive.h): the
 * reasm_ops that turn a reassembled router -> collector flow into a
 * bmp_stream, and the streams' shared feed table.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "capture/flow.h"
#include "feed/bmp_passive.h"
#include "feed/feed_session.h"

struct bmp_passive {
	struct feed_table	*table;
	uint16_t		 ports[BMP_PASSIVE_MAX_PORTS];
	size_t			 nports;
	uint64_t		 connections;	/* also the streams' scopes */
	uint64_t		 collector_bytes;
	struct bmp_stream_stats	 closed;	/* of streams freed */
};

struct bmp_flow {
	struct bmp_passive	*bp;
	struct bmp_stream	*s;
	int			 dir;	/* the router's direction */
};

struct bmp_passive *
bmp_passive_new(const struct bgp_sink *sink, const uint16_t *ports,
    size_t nports)
{
	struct bmp_passive *bp;

	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		return NULL;
	if ((bp->table = feed_table_new(sink)) == NULL) {
		free(bp);
		return NULL;
	}
	if (nports > BMP_PASSIVE_MAX_PORTS)
		nports = BMP_PASSIVE_MAX_PORTS;
	memcpy(bp->ports, ports, nports * sizeof(*ports));
	bp->nports = nports;
	return bp;
}

static bool
collector_port(const struct bmp_passive *bp, uint16_t port)
{
	size_t i;

	for (i = 0; i < bp->nports; i++)
		if (bp->ports[i] == port)
			return true;
	return false;
}

static void *
p_open(void *arg, const struct flow_endpoint *a, const struct flow_endpoint *b,
    const struct packet *pkt)
{
	struct bmp_passive *bp = arg;
	struct bmp_flow *f;

	(void)pkt;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("bmp");
		return NULL;
	}
	f->bp = bp;
	/* the router sends to the collector's port: a -> b when b is on
	 * it, else b -> a */
	f->dir = collector_port(bp, b->port) ? 0 : 1;
	if ((f->s = bmp_stream_new(bp->table, ++bp->connections,
	    f->dir == 0 ? &a->addr : &b->addr)) == NULL) {
		log_warn("bmp");
		free(f);
		return NULL;
	}
	return f;
}

static void
p_data(void *sess, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct bmp_flow *f = sess;

	if (f == NULL)
		return;
	if (dir != f->dir)
		f->bp->collector_bytes += n;
	else
		bmp_stream_data(f->s, p, n, pkt);
}

static void
p_gap(void *sess, int dir, uint64_t nbytes, const struct packet *pkt)
{
	struct bmp_flow *f = sess;

	if (f != NULL && dir == f->dir)
		bmp_stream_gap(f->s, nbytes, pkt);
}

static void
add_stats(struct bmp_stream_stats *to, const struct bmp_stream_stats *from)
{
	size_t i;

	for (i = 0; i < sizeof(to->msgs) / sizeof(to->msgs[0]); i++)
		to->msgs[i] += from->msgs[i];
	to->refused += from->refused;
	to->old_version += from->old_version;
	to->bgp_refused += from->bgp_refused;
	to->resyncs += from->resyncs;
	to->skipped += from->skipped;
	to->gap_bytes += from->gap_bytes;
	to->cut_at_end += from->cut_at_end;
	to->stat_counters += from->stat_counters;
	to->peer_ups += from->peer_ups;
	to->peer_downs += from->peer_downs;
}

static void
p_close(void *sess, enum reasm_close why, const struct packet *pkt)
{
	struct bmp_flow *f = sess;

	if (f == NULL)
		return;
	bmp_stream_close(f->s, reasm_close_name(why), pkt);
	add_stats(&f->bp->closed, bmp_stream_stats(f->s));
	bmp_stream_free(f->s);
	free(f);
}

const struct reasm_ops bmp_passive_reasm_ops = {
	p_open, p_data, p_gap, p_close,
};

void
bmp_passive_stats(const struct bmp_passive *bp, struct bmp_stream_stats *st,
    uint64_t *connections, uint64_t *collector_bytes)
{
	*st = bp->closed;
	*connections = bp->connections;
	*collector_bytes = bp->collector_bytes;
}

void
bmp_passive_free(struct bmp_passive *bp, const struct packet *pkt)
{
	const struct bmp_stream_stats *st;

	if (bp == NULL)
		return;
	st = &bp->closed;
	if (st->refused != 0 || st->bgp_refused != 0 || st->skipped != 0 ||
	    st->gap_bytes != 0 || st->cut_at_end != 0)
		log_warnx("BMP: %llu connections: %llu messages refused, %llu "
		    "BGP messages in them refused, %llu bytes skipped to "
		    "resynchronise, %llu lost in gaps, %llu cut at the end",
		    (unsigned long long)bp->connections,
		    (unsigned long long)st->refused,
		    (unsigned long long)st->bgp_refused,
		    (unsigned long long)st->skipped,
		    (unsigned long long)st->gap_bytes,
		    (unsigned long long)st->cut_at_end);
	feed_table_free(bp->table, pkt);
	free(bp);
}
