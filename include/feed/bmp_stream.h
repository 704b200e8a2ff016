/*
 * bmp_stream.h - one BMP connection (RFC 7854) from a monitored router to
 * a collector, as a byte stream, turned into feed sessions (feed_session.h).
 *
 * Whoever carries the bytes (the passive path: a reassembled TCP flow
 * router -> collector; the station, --bmp-listen: an accepted socket)
 * hands them to bmp_stream_data() in order, as they come: the stream
 * frames BMP messages (a partial one is kept until the rest arrives),
 * decodes each (feed/bmp.h) and feeds the BGP messages inside to the
 * sessions of the monitored peers:
 *
 *   - each (peer distinguisher, peer address, peer AS, RIB view) of this
 *     connection is one feed session: scope = the stream's scope with the
 *     distinguisher folded in; addresses and ports from Peer Up (peer =
 *     the monitored peer, local = the router's end of that BGP session);
 *   - Adj-RIB-In views (pre-/post-policy) feed direction 0 (peer -> local),
 *     Adj-RIB-Out views (RFC 8671) direction 1 (local -> peer); Loc-RIB
 *     (RFC 9069, peer type 3) is the router's own table: its session's
 *     peer is the router itself (the per-peer header's address and AS, 0
 *     and the router's own AS on the wire) and it is fed in direction 0;
 *   - Peer Up's received OPEN goes to direction 0 and its sent OPEN to
 *     direction 1 of every view of that peer (replayed into a view seen
 *     later), so AS4, ADD-PATH and roles are negotiated as on the wire;
 *     the per-peer header's A flag states the AS_PATH width;
 *   - Route Mirroring's BGP messages feed the wire view (BGP_VIEW_WIRE);
 *   - Peer Down ends every view of that peer (feed_session_down(), the
 *     same BGP_SESS_DOWN as a TCP close), reason e.g. "BMP Peer Down:
 *     remote closed with NOTIFICATION 6/2";
 *   - Termination, bmp_stream_close() and a gap the stream cannot
 *     resynchronise after end every session of the connection as a
 *     capture end does (BGP_SESS_CAPTURE_END, routes stand): the collector
 *     no longer knows their state, it has not seen them go down.
 *
 * Route events: ts = the per-peer header's timestamp when non-zero, else
 * pkt->ts; pkt_num = pkt->num (the frame number on the passive path; the
 * station chooses, e.g. its message count).
 *
 * A stream may start mid-connection (a capture started late) and may
 * lose bytes (bmp_stream_gap()): it then looks for a message boundary
 * (version 3, a known type, a plausible length, confirmed by the next
 * header and, for Route Monitoring and Peer Up, by the BGP marker where
 * it belongs) and skips the bytes before it (counted).
 */
#ifndef ROVMON_BMP_STREAM_H
#define ROVMON_BMP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "capture/packet.h"

struct bmp_stream;
struct feed_table;

/* What a stream saw (summed over streams by the caller if it likes). */
struct bmp_stream_stats {
	uint64_t	msgs[8];	/* decoded messages by BMP type 0-6 */
	uint64_t	refused;	/* messages refused (logged with why) */
	uint64_t	old_version;	/* BMP v1/v2 messages refused */
	uint64_t	bgp_refused;	/* BGP messages inside refused by
					 * bgp_session_message() */
	uint64_t	resyncs;	/* boundaries found after a loss */
	uint64_t	skipped;	/* bytes skipped looking for one */
	uint64_t	gap_bytes;	/* bytes the carrier lost */
	uint64_t	cut_at_end;	/* bytes of a message the connection's
					 * end cut */
	uint64_t	stat_counters;	/* Statistics Report counters kept */
	uint64_t	peer_ups, peer_downs;
};

/*
 * A stream for the BMP connection of router (its address, for messages
 * and the Loc-RIB session), whose sessions go to table (which outlives
 * it).  scope tells this connection's sessions from every other's (the
 * passive path: a flow counter; the station: a connection counter); it
 * must differ per connection.  NULL when out of memory.
 */
struct bmp_stream *bmp_stream_new(struct feed_table *, uint64_t scope,
		    const struct ipaddr *router);
/* The next n bytes of the connection; pkt (not NULL) the frame or
 * receive event that brought them (ts, num). */
void		 bmp_stream_data(struct bmp_stream *, const uint8_t *, size_t n,
		    const struct packet *pkt);
/* nbytes of the connection were lost (0: an unknown number): the stream
 * resynchronises on the next message boundary. */
void		 bmp_stream_gap(struct bmp_stream *, uint64_t nbytes,
		    const struct packet *pkt);
/*
 * The connection ended (reason e.g. "TCP FIN", for the log line): every
 * session still up ends as at a capture end (see above); a partial
 * message left is counted as truncated.  The stream stays valid (no more
 * data expected) until bmp_stream_free().
 */
void		 bmp_stream_close(struct bmp_stream *, const char *reason,
		    const struct packet *pkt);
const struct bmp_stream_stats *bmp_stream_stats(const struct bmp_stream *);
/* Frees the stream (closing it first if it was not). NULL ok. */
void		 bmp_stream_free(struct bmp_stream *);

#endif /* ROVMON_BMP_STREAM_H */
