/*
 * summary_internal.h - what the three files of the summary module share
 * (summary.c collects, summary_report.c prints, summary_format.c formats):
 * the per-session records, the INVALID and NOTIFICATION lists, struct
 * summary itself, and the text formatters both the -v lines and the
 * report use.  Not for other modules: they use summary.h.
 */
#ifndef ROVMON_SUMMARY_INTERNAL_H
#define ROVMON_SUMMARY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "base/log.h"
#include "rpki/rov.h"
#include "rovmon/summary.h"
#include "rpki/vrp.h"

#define TABLE_SLOTS	2048	/* > 2 x SUMMARY_MAX_SESSIONS, power of 2 */
#define PATH_TEXT	72	/* AS path shown, then "..." */
#define VRPS_SHOWN	2	/* deciding VRPs shown per INVALID route */
#define EP_STRLEN	(IPADDR_STRLEN + 8)	/* "[v6]:port" */

enum { ST_VALID, ST_INVALID, ST_NOT_FOUND, ST_UNVERIFIED, ST_N };

/* One speaker of a session. */
struct speaker {
	struct ipaddr	 addr;
	uint16_t	 port;
	bool		 open_seen;
	struct bgp_open	 open;		/* a copy: the view's is borrowed */
	uint64_t	 msgs[BGP_ROUTE_REFRESH + 1];
	uint64_t	 gaps, gap_bytes;
	uint8_t		 inferred;	/* BGP_INFER_* of its UPDATEs */
	uint64_t	 ann[ST_N];	/* its announcements, by state */
	uint64_t	 wd;		/* its withdrawals */
	enum bgp_role	 role;		/* towards the other (RFC 9234) */
	enum bgp_role	 role_cfg;	/* what --role says of it */
};

struct session {
	uint64_t	 id;
	struct speaker	 sp[2];
	bool		 up_logged;	/* "session up" said (-v) */
	bool		 ended;		/* DOWN or CAPTURE_END seen */
	bool		 at_end;	/* it was CAPTURE_END */
	const char	*why;		/* static: how it ended */
	bool		 notified;	/* a NOTIFICATION ended it */
	int		 notif_from;	/* speaker index */
	uint8_t		 code, subcode;
	enum bgp_role_source role_src;	/* where both roles came from */
	bool		 role_mismatch;	/* the OPENs' roles disagree */
	int64_t		 first_seen;	/* packet time (s) of its first event
					 * or route; 0 unknown */
	int64_t		 up_since;	/* both OPENs seen at (s); 0 not */
};

struct notif {
	uint64_t	 session;
	char		 from[EP_STRLEN], to[EP_STRLEN];
	uint8_t		 code, subcode;
	uint32_t	 datalen;
};

struct invalid {
	uint64_t	 session;
	char		 from[EP_STRLEN];
	struct prefix	 prefix;
	enum bgp_origin_kind origin_kind;
	uint32_t	 origin_as;
	char		 path[PATH_TEXT + 4];
	enum rov_reason	 reason;
	struct vrp	 vrps[VRPS_SHOWN];
	unsigned	 nvrps, ncovering;
};

struct summary {
	struct summary_config cfg;
	struct session	*slot[TABLE_SLOTS];	/* owned */
	struct session	*order[SUMMARY_MAX_SESSIONS];	/* first seen */
	size_t		 nsessions;
	struct session	*last;		/* lookup cache */
	uint64_t	 unverified;	/* announcements not judged, all
					 * sessions (stats has the rest) */
	struct invalid	 inv[SUMMARY_MAX_INVALID];
	size_t		 ninv;
	struct notif	 notif[SUMMARY_MAX_NOTIF];
	size_t		 nnotif;
	uint64_t	 notif_total;
	/* progress */
	uint32_t	 calls;
	struct timespec	 start, drawn;
	size_t		 shown;		/* columns of the line on screen */
};

/* Messages of every type this speaker sent. */
static inline uint64_t
summary_msgs_total(const struct speaker *sp)
{
	uint64_t n = 0;
	unsigned t;

	for (t = 0; t <= BGP_ROUTE_REFRESH; t++)
		n += sp->msgs[t];
	return n;
}

/*
 * Text formatters (summary_format.c).  Each writes into buf, never past
 * len, cutting what does not fit; those returning char * return buf.
 */
/* "192.0.2.1:179", "[2001:db8::1]:179" */
char		*summary_ep_fmt(const struct ipaddr *, uint16_t port, char *buf,
		    size_t len);
/* "customer", "customer (config)", or "-" when unknown */
char		*summary_role_fmt(const struct session *, int k, char *buf,
		    size_t len);
/* "AS65001", or "AS?" when its OPEN was not seen */
char		*summary_asn_fmt(const struct speaker *, char *buf, size_t len);
/* "1,234,567": counts a person reads at a glance. */
char		*summary_num_fmt(uint64_t v, char *buf, size_t len);
/* Bounded append; the text is cut (never overflows) when buf is full. */
void		 summary_app(char *buf, size_t len, const char *fmt, ...)
		    ROVMON_PRINTF(3, 4);
/* "ipv4-unicast", ...; else "afiN/safiM" written into buf. */
const char	*summary_family_name(uint16_t afi, uint8_t safi, char *buf,
		    size_t len);
/* What one OPEN advertised, in bgpctl's words where it has them. */
void		 summary_caps_fmt(const struct bgp_open *, char *buf,
		    size_t len);
/* bgpctl's and BIRD's form, cut at PATH_TEXT with "...". */
void		 summary_aspath_fmt(const struct bgp_aspath *, char *buf,
		    size_t len);

#endif /* ROVMON_SUMMARY_INTERNAL_H */
