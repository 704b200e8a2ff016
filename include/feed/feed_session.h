/*
 * feed_session.h - the BGP sessions of inputs that are not TCP streams
 * (issue 18): an MRT archive's peers, a BMP feed's monitored peers and
 * views.  Each is a struct bgp_session (bgp_session.h) found by a key,
 * fed whole messages with bgp_session_message(), so its routes and
 * session events reach the same struct bgp_sink as a captured session's.
 *
 * Direction 0 of every session is peer -> local (what a collector
 * received: MRT's BGP4MP_MESSAGE, BMP's Adj-RIB-In), direction 1 local
 * -> peer (MRT's *_LOCAL subtypes, BMP's Adj-RIB-Out).
 */
#ifndef ROVMON_FEED_SESSION_H
#define ROVMON_FEED_SESSION_H

#include <stdint.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "capture/packet.h"

struct bgp_session;
struct feed_table;

#define FEED_PEER_TO_LOCAL	0
#define FEED_LOCAL_TO_PEER	1

/*
 * What tells one session from another.  MRT (RFC 6396) names a session
 * by its peer and local address and AS and has no ports (0); BMP adds
 * the ports of Peer Up and, in scope, what else separates sessions of
 * one router: the BMP connection, the peer distinguisher and the view.
 * Unused fields are zero.
 */
struct feed_key {
	struct ipaddr	peer_addr, local_addr;
	uint16_t	peer_port, local_port;
	uint32_t	peer_as, local_as;
	uint64_t	scope;
	enum bgp_view	view;
};

/* NULL when out of memory.  sink outlives the table. */
struct feed_table *feed_table_new(const struct bgp_sink *sink);
/*
 * The session of key; created when there is none (its endpoints the
 * key's addresses and ports, the ASes stated with bgp_session_set_as(),
 * the view set).  NULL when out of memory (logged once per call).
 */
struct bgp_session *feed_session(struct feed_table *,
		    const struct feed_key *);
/* The session of key, or NULL: no session is created. */
struct bgp_session *feed_session_find(struct feed_table *,
		    const struct feed_key *);
/*
 * The session of key went down (bgp_session_down() with reason) and is
 * forgotten: the next message of that key starts a new session.  No-op
 * when there is none.
 */
void		 feed_session_down(struct feed_table *,
		    const struct feed_key *, const char *reason,
		    const struct packet *);
/*
 * The input stopped reporting the session of key (a BMP connection's
 * Termination or close): BGP_SESS_CAPTURE_END, as feed_table_free()
 * gives (its routes stand: nothing says the BGP session went down), and
 * it is forgotten.  No-op when there is none.
 */
void		 feed_session_end(struct feed_table *,
		    const struct feed_key *, const struct packet *);
/* How many sessions are up. */
size_t		 feed_table_count(const struct feed_table *);
/*
 * The input ended: each session still up gets BGP_SESS_CAPTURE_END (its
 * routes stand, as at the end of a capture) with pkt (may be NULL),
 * then everything is freed.  NULL ok.
 */
void		 feed_table_free(struct feed_table *, const struct packet *);

#endif /* ROVMON_FEED_SESSION_H */
