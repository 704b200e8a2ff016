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

/* Number new sessions from next on, if that is higher (ids are unique
 * per process; a restored checkpoint's sessions keep theirs). */
void	bgp_session_ids_from(uint64_t next);
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

/*
 * Producers that frame messages themselves and know more than a wire
 * capture does (feed/: MRT records, BMP messages; issue 18).
 */
/*
 * One whole message (marker and header included) of direction dir, as
 * bgp_session_data() would cut it: checked like a framed one, then
 * decoded and counted.  NULL when taken; otherwise why it was refused
 * (static text: bad marker, length, type), for the producer to log
 * with its own position (record number, offset), and nothing happened.
 */
const char *bgp_session_message(struct bgp_session *, int dir,
	    const uint8_t *msg, size_t len, const struct packet *);
/*
 * The encodings of direction dir stated by the producer (an MRT subtype,
 * BMP's A flag): the bits of mask (BGP_ENC_*) take their value from
 * value, whatever the OPENs say and without inference.  Bits outside
 * mask are left to the OPENs and inference as before.
 */
void	bgp_session_encoding(struct bgp_session *, int dir, unsigned mask,
	    unsigned value);
/*
 * The AS of endpoint i (dir[i]'s sender: 0 = a, 1 = b) where no OPEN
 * says (an MRT header's peer and local AS, BMP's per-peer header); 0 =
 * unknown.  An OPEN seen from that endpoint wins.
 */
void	bgp_session_set_as(struct bgp_session *, int i, uint32_t as);
/* Which view of a router the session's routes are (bgp.h); for every
 * message context from now on. */
void	bgp_session_set_view(struct bgp_session *, enum bgp_view);
/*
 * The BGP session went down, for a reason the producer read (an MRT
 * state change out of Established, a BMP Peer Down): BGP_SESS_DOWN with
 * reason (static or outliving the call) and the context of direction 0,
 * as bgp_session_close() emits for a TCP close.  Does not free.
 */
void	bgp_session_down(struct bgp_session *, const char *reason,
	    const struct packet *);

/*
 * Configured roles (rovmon --role ADDR=ROLE, for speakers that send no
 * Role capability): the speaker at addr has role towards the other end
 * of each of its sessions.  A second call for the same address replaces
 * the role.  Sessions created afterwards use it when their OPENs do not
 * say (RFC 9234 roles, docs/leaks.md); the OPENs win where both exist.
 * 0, or -1 when out of memory.  Set up before the capture starts: only
 * the packet thread reads the table.
 */
int	bgp_session_role_config(const struct ipaddr *addr, enum bgp_role role);
/* Forget every configured role. */
void	bgp_session_role_config_clear(void);

/* The reasm_ops that glue reassembly to BGP sessions; arg = bgp_sink*. */
extern const struct reasm_ops bgp_session_reasm_ops;

#endif /* ROVMON_BGP_SESSION_H */
