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

#endif /* ROVMON_RTR_AUDIT_INTERNAL_H */
