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
