/*
 * bgp_session.h - per-TCP-session BGP state: framing of both byte streams
 * into messages, resynchronisation on the marker after gaps, OPEN and
 * capability bookkeeping, inference when the OPENs were not seen.
 *
 * Fed by the reassembly engine (reasm.h ops), feeds a struct bgp_sink.
 */
#ifndef ROVMON_BGP_SESSION_H
#define ROVMON_BGP_SESSION_H

#include "bgp/bgp.h"
#include "capture/reasm.h"

struct bgp_session;

/* NULL on allocation failure; free with bgp_session_free(). */
struct bgp_session *bgp_session_new(const struct flow_endpoint *a,
	    const struct flow_endpoint *b, const struct bgp_sink *);
/* In-order bytes of direction dir (0 = a->b). */
void	bgp_session_data(struct bgp_session *, int dir, const uint8_t *,
	    size_t, const struct packet *);
/* nbytes were lost in direction dir: drop the partial message, resync. */
void	bgp_session_gap(struct bgp_session *, int dir, uint64_t nbytes,
	    const struct packet *);
/*
 * TCP session ended; emits BGP_SESS_DOWN (BGP_SESS_CAPTURE_END for
 * REASM_CLOSE_END).  A partial message pending in either direction is
 * dropped and counted in bgp_msg_cut_at_end, whatever the reason.  Does
 * not free.
 */
void	bgp_session_close(struct bgp_session *, enum reasm_close,
	    const struct packet *);
void	bgp_session_free(struct bgp_session *);	/* NULL ok */

/* The reasm_ops that glue reassembly to BGP sessions; arg = bgp_sink*. */
extern const struct reasm_ops bgp_session_reasm_ops;

#endif /* ROVMON_BGP_SESSION_H */
