/*
 * rtr_internal.h - the seam between the RTR client's files: rtr.c (URL,
 * connection, timers, the loop and its thread), rtr_session.c (the
 * PDUs sent and the state machine over those received) and rtr_data.c
 * (the client's copy of the cache's data and each response applied).
 */
#ifndef ROVMON_RTR_INTERNAL_H
#define ROVMON_RTR_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rpki/rtr.h"
#include "rpki/rtr_pdu.h"
#include "rpki/vrp.h"

/* One ASPA as the cache last announced it; providers owned.  Caches of
 * draft 8210bis-10 (stayrtr 0.5.1) send one per customer and address
 * family: kept apart here, their union is what the ASPA index uses. */
struct rtr_aspa {
	uint32_t	 customer;
	uint8_t		 afi;		/* 1: draft -10's IPv6 record */
	uint32_t	 n;
	uint32_t	*prov;
};

/* One announcement or withdrawal of the response being received, in
 * the order it came (seq). */
struct rtr_op {
	struct vrp	 v;		/* ta 0, expires 0 */
	uint32_t	 seq;
	bool		 announce;
};

struct rtr_aop {
	struct rtr_aspa	 a;		/* providers owned until applied */
	uint32_t	 seq;
	bool		 announce;
};

/*
 * The data: VRPs sorted by vrp_cmp() without duplicates, ASPAs sorted
 * by (customer, afi), one each.  A response's operations are collected
 * and applied at its End of Data, all or nothing.
 */
struct rtr_data {
	struct vrp	*v;
	size_t		 n, cap;
	struct rtr_aspa	*a;
	size_t		 na;
	/* the response being received */
	bool		 reset;		/* replaces everything */
	struct rtr_op	*ops;
	size_t		 nops, capops;
	struct rtr_aop	*aops;
	size_t		 naops, capaops;
	uint32_t	 seq;
};

/* Start collecting a response (reset: a Reset Query's, which replaces
 * the data); drops anything collected before. */
void	 rtr_data_begin(struct rtr_data *, bool reset);
/*
 * Collect one IPv4/IPv6 Prefix or ASPA PDU: 0, -1 when memory runs out,
 * or an enum rtr_error (RTR_ERR_CORRUPT) for a prefix that is no VRP
 * (maxLength out of range), with *why set.
 */
int	 rtr_data_add(struct rtr_data *, const struct rtr_pdu *,
	    const char **why);
/*
 * Apply what was collected (RFC 8210 section 5.6, 8210bis 5.12): 0;
 * RTR_ERR_DUPLICATE_ANNOUNCE or RTR_ERR_WITHDRAW_UNKNOWN with the VRP
 * or ASPA named in why; -1 out of memory.  On failure the data is as
 * before.  An ASPA announced for a customer held replaces its providers.
 */
int	 rtr_data_commit(struct rtr_data *, char *why, size_t whylen);
/* A complete vrp_set of the data (trust anchor "rtr", no expiry), source
 * copied; NULL on memory failure.  The caller frees it. */
struct vrp_set *rtr_data_set(const struct rtr_data *, const char *source);
/* Forget everything (data and response); the struct stays usable. */
void	 rtr_data_clear(struct rtr_data *);

/* Version 0 has no timers in End of Data: RFC 8210 section 6 defaults. */
#define DEF_REFRESH	3600
#define DEF_RETRY	600
#define DEF_EXPIRE	7200
#define CONNECT_TIMEOUT	10	/* seconds */
#define RESPONSE_TIMEOUT 60	/* a query unanswered this long: retry */

enum rtr_state { RTR_ST_DOWN, RTR_ST_IDLE, RTR_ST_WAIT, RTR_ST_DATA };

/* What handling one PDU asks of the loop. */
enum rtr_step { RTR_STEP_OK, RTR_STEP_EOD, RTR_STEP_CLOSE, RTR_STEP_AGAIN };

struct rtr_client {
	char		*url;		/* owned */
	char		*host, *port;	/* owned; rtr:// */
	char		*path;		/* owned; rtr+unix:// */
	int		 fd;
	uint8_t		*buf;
	size_t		 blen, bcap;
	enum rtr_state	 state;
	uint8_t		 version;	/* the version spoken or tried */
	bool		 version_set;	/* a PDU was accepted at it */
	bool		 have;		/* session id and serial held */
	bool		 reset_sent;	/* the query outstanding was a reset */
	bool		 changed;	/* the last End of Data changed the
					 * data (a reset, or any record) */
	uint16_t	 session_id;
	uint32_t	 serial;
	uint32_t	 refresh, retry, expire;
	time_t		 next_query, next_connect, sent_at, last_ok;
	unsigned	 backoff;
	struct rtr_data	 data;
	struct vrp_set	*out;		/* rtr_client_sync()'s result */
	/* the thread */
	pthread_t	 thread;
	bool		 running;
	int		 wake[2];	/* "s" stop, "p" poke */
	bool		 poke;		/* the session thread's */
	rtr_set_cb	*cb;
	void		*cbarg;
	_Atomic unsigned expiries;	/* rtr_client_expiries() */
	pthread_mutex_t	 lock;		/* st */
	struct rtr_status st;
};


/* rtr_session.c.  The session ended in error: one line naming the URL,
 * counted, kept as the status's last error. */
void	 rtr_fail(struct rtr_client *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Reset Query when nothing is held, else Serial Query; 0 or -1. */
int	 rtr_send_query(struct rtr_client *);
/* Read what the socket has and handle every whole PDU in it. */
enum rtr_step rtr_receive(struct rtr_client *);

#endif /* ROVMON_RTR_INTERNAL_H */
