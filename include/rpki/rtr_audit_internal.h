/*
 * rtr_audit_internal.h - the seam between rtr_audit.c (sessions, PDUs,
 * routers, events) and rtr_audit_set.c (a router's VRP and ASPA sets
 * and their difference with the reference).
 */
#ifndef ROVMON_RTR_AUDIT_INTERNAL_H
#define ROVMON_RTR_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/sensor_event.h"
#include "rpki/rov.h"
#include "rpki/rtr_audit.h"

/* One VRP as a router holds it: (prefix, maxLength, ASN), no TA. */
struct rvrp {
	uint8_t		 used;
	uint8_t		 family;
	uint8_t		 len;
	uint8_t		 maxlen;
	uint32_t	 asn;
	uint8_t		 a[16];
};

/* Open addressing, linear probing, backward-shift deletion. */
struct vset {
	struct rvrp	*t;
	size_t		 cap, n;	/* cap a power of two or 0 */
};

/* One ASPA: customer (and, in the draft -10 layout, address family). */
struct raspa {
	uint8_t		 used;
	uint8_t		 afi;		/* 0 (8210bis) or afi_flags */
	uint32_t	 customer;
	uint32_t	 n;
	uint32_t	*prov;		/* sorted, owned */
};

struct aset {
	struct raspa	*t;
	size_t		 cap, n;
};

/* 1 added, 0 already there, -1 out of memory. */
int	 vset_add(struct vset *, const struct rvrp *);
bool	 vset_del(struct vset *, const struct rvrp *);	/* was there */
void	 vset_clear(struct vset *);
void	 vset_free(struct vset *);
int	 aset_put(struct aset *, uint32_t customer, uint8_t afi,
	    const uint32_t *prov, uint32_t n);	/* replaces; 0 or -1 */
bool	 aset_del(struct aset *, uint32_t customer, uint8_t afi);
void	 aset_clear(struct aset *);
void	 aset_free(struct aset *);
size_t	 aset_customers(const struct aset *);

/* "192.0.2.0/24-24 AS64500" */
void	 rvrp_fmt(const struct rvrp *, char *buf, size_t len);

/* The difference of a router's set with the reference. */
struct rtr_diff {
	size_t	 lacks, extra;		/* VRPs */
	size_t	 aspa_lacks, aspa_extra, aspa_differ;	/* customers */
	size_t	 nlacks_ex, nextra_ex;
	char	 lacks_ex[RTR_AUDIT_EXAMPLES][RTR_AUDIT_EXAMPLE_LEN];
	char	 extra_ex[RTR_AUDIT_EXAMPLES][RTR_AUDIT_EXAMPLE_LEN];
};

/* Compare; -1 out of memory.  aref NULL: ASPAs not compared. */
int	 rtr_diff_compute(const struct vset *, const struct aset *,
	    const struct rov_index *ref, const struct aspa_index *aref,
	    struct rtr_diff *);
/* A ROV index of the router's set (for judging routes); NULL on ENOMEM. */
struct rov_index *rtr_vset_index(const struct vset *);

/* ---- the audit's state (rtr_audit.c, rtr_audit_report.c) ---- */

enum rstate { RS_PARTIAL, RS_BUILDING, RS_COMPLETE };

struct asess;

struct router {
	struct router	*next;
	struct ipaddr	 addr;
	uint16_t	 port;		/* its last session's */
	struct ipaddr	 cache;
	uint16_t	 cache_port;
	struct vset	 vrps;
	struct aset	 aspas;
	enum rstate	 state;
	struct asess	*cur;		/* its latest session: the one it
					 * uses; older ones are ignored */
	bool		 building_full;	/* this Cache Response answers a
					 * Reset Query on a clean stream */
	bool		 reset_pending;	/* Reset Query seen, no reply yet */
	bool		 tainted;	/* a gap or bad PDU since the reply
					 * began: the set cannot complete */
	bool		 has_eod;
	uint8_t		 version;
	uint16_t	 session_id;
	uint32_t	 serial;
	uint32_t	 refresh, retry, expire;
	bool		 has_notify;
	uint32_t	 notify_serial;	/* the cache's latest, as seen */
	struct timeval	 last_eod;
	struct timeval	 last_seen;
	uint64_t	 pdus, errors, sessions;
	/* the last comparison, and what was last reported */
	bool		 compared;
	struct rtr_diff	 diff;
	struct rtr_misjudged mis;
	bool		 drift_reported;
	size_t		 rep_lacks, rep_extra, rep_alacks, rep_aextra,
			 rep_adiffer, rep_mis;
	bool		 stale_reported;
};

struct dirbuf {
	uint8_t		*p;
	size_t		 n, cap;
	bool		 synced;
	bool		 at_start;	/* nothing consumed yet */
};

struct asess {
	struct rtr_audit *au;
	struct router	*rt;
	int		 rdir;		/* the direction the router sends */
	struct dirbuf	 d[2];
	bool		 partial_reported;
};

struct rtr_audit {
	struct rtr_audit_config cfg;
	struct router	*routers;
	size_t		 nrouters;
	const struct rov_index *ref;
	const struct aspa_index *aref;
	struct timeval	 now;
};

/* rtr_audit_report.c, for rtr_audit.c */
void	 rtr_audit_ev_start(struct sensor_event *, enum sensor_event_type,
	    const struct router *, const struct timeval *, char *subj,
	    size_t len);
void	 rtr_audit_raise(struct rtr_audit *, const struct sensor_event *);
void	 rtr_audit_compare(struct rtr_audit *, struct router *,
	    const struct timeval *);

#endif /* ROVMON_RTR_AUDIT_INTERNAL_H */
