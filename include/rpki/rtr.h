/*
 * rtr.h - rovmon as an RPKI-to-Router client: a VRP source named
 * rtr://HOST:PORT (TCP) or rtr+unix:///path (a local stream socket),
 * accepted wherever a VRP file or URL is (docs/rtr.md, "The client").
 *
 * One client speaks to one cache.  It negotiates the version down from 2
 * (RFC 8210 section 7: an Error Report "Unsupported Protocol Version"
 * names the cache's version), fetches everything with a Reset Query,
 * then follows with Serial Queries on the refresh timer and on each
 * Serial Notify, applies the announcements and withdrawals of each
 * response to its copy of the data, and hands a complete VRP set (with
 * the ASPAs of version 2) to its caller at every End of Data.  A broken
 * session keeps the last good data and reconnects on the retry timer;
 * data not refreshed within the expire interval is reported expired
 * (and still used, like a stale file).  SSH and TLS transports (RFC 8210
 * section 9) are not supported.
 *
 * Threads: rtr_client_sync() runs in the caller's thread; after
 * rtr_client_start() the session runs in a thread of its own (base/
 * thread.h), which calls the callback; rtr_client_status() and
 * rtr_client_poke() may be called from any thread.
 */
#ifndef ROVMON_RTR_H
#define ROVMON_RTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vrp_set;
struct rtr_client;

#define RTR_CLIENT_VERSION	2	/* the highest version asked for */
#define RTR_SYNC_TIMEOUT	60	/* seconds for a first full exchange */

/* The session as a person (or the stats line) sees it. */
struct rtr_status {
	bool		 connected;
	bool		 synced;	/* a session id and serial are held */
	bool		 expired;	/* no End of Data within expire */
	uint8_t		 version;	/* in use (or being tried) */
	uint16_t	 session_id;
	uint32_t	 serial;
	uint32_t	 refresh, retry, expire;	/* seconds, from the
					 * last End of Data (v0: defaults) */
	int64_t		 last_update;	/* last End of Data applied (Unix
					 * time), 0 never */
	uint64_t	 updates;	/* End of Data applied */
	uint64_t	 resets;	/* Reset Queries sent */
	uint64_t	 errors;	/* sessions ended by an error */
	uint64_t	 notifies;	/* Serial Notify received */
	size_t		 vrps, aspas;	/* in the current data */
	char		 last_error[160];	/* "" when none yet */
};

/* Called from the session thread with each new complete set, which the
 * callee owns. */
typedef void	 rtr_set_cb(void *arg, struct vrp_set *set);

/* rtr:// or rtr+unix:// (the scheme case-insensitive). */
bool		 rtr_is_url(const char *source);
/* NULL when the URL is unusable (logged in one line) or memory runs out.
 * Free with rtr_client_free(), which stops the thread. */
struct rtr_client *rtr_client_new(const char *url);
void		 rtr_client_free(struct rtr_client *);	/* NULL ok */
/*
 * Connect (when not connected) and run the session until the next End
 * of Data, for at most timeout seconds: 0 and *out the new set (the
 * caller's), or -1 with the reason logged.  The connection stays open
 * for rtr_client_start().
 */
int		 rtr_client_sync(struct rtr_client *, int timeout,
		    struct vrp_set **out);
/* Run the session in its own thread from now on; 0 or -1 (logged). */
int		 rtr_client_start(struct rtr_client *, rtr_set_cb *, void *arg);
/* The URL given to rtr_client_new() (the client's). */
const char	*rtr_client_url(const struct rtr_client *);
/* How many times the data expired so far (an atomic load: cheap enough
 * for the packet thread to ask between packets). */
unsigned	 rtr_client_expiries(struct rtr_client *);
/* Ask the session thread for a Serial Query now (SIGHUP). */
void		 rtr_client_poke(struct rtr_client *);
void		 rtr_client_status(struct rtr_client *, struct rtr_status *);
/* One full exchange: connect, Reset Query, End of Data, close (rovctl,
 * vrp_load()).  NULL on error (logged); the caller frees the set.  With
 * st, the session's state is copied there. */
struct vrp_set	*rtr_load(const char *url, struct rtr_status *st);

#endif /* ROVMON_RTR_H */
