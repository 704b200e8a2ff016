/*
 * route_json.h - the JSON vocabulary of route facts, one writer for each:
 * time stamps, addresses, the prefix (with its ADD-PATH id), the origin
 * and AS path, the "rpki" object, the route-leak fields (RFC 9234 role,
 * OTC and leak, ASPA), and the text form of a verdict.  The
 * route log (route_log.c) and the alert encoders (alert.c, JSON and
 * text) are built from these, so a fact reads the same wherever it is
 * written.
 *
 * Two documented dialects differ in two places only, both chosen by
 * enum route_json_dialect:
 *   - confederation segments of the AS path: the route log writes
 *     objects {"confed_seq":[..]} / {"confed_set":[..]}
 *     (docs/route-log.md); alerts write nested arrays, so that
 *     Elasticsearch can map as_path as `long` (docs/alerts.md);
 *   - where "generation" stands in the rpki object: second in the route
 *     log, last in alerts.
 *
 * Every writer appends to buf at *off, never past cap, and marks a cut
 * as jsonbuf.h says (*off = cap + 1).  Thread-safe: the time cache is
 * per thread.
 */
#ifndef ROVMON_ROUTE_JSON_H
#define ROVMON_ROUTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "base/addr.h"
#include "base/jsonbuf.h"
#include "bgp/bgp.h"
#include "bgp/bgp_role.h"
#include "rpki/aspa.h"
#include "rpki/rov.h"

enum route_json_dialect {
	ROUTE_JSON_LOG,		/* docs/route-log.md */
	ROUTE_JSON_ALERT,	/* docs/alerts.md */
};

enum route_json_ts_form {
	ROUTE_JSON_TS_ISO,	/* 2024-05-01T12:00:00.123456Z */
	ROUTE_JSON_TS_SNORT,	/* 24/05/01-12:00:00.123456 (UTC) */
};

/* A UTC time with microseconds, unquoted.  gmtime_r runs once per
 * second per thread (consecutive events nearly always share it). */
void	route_json_ts(char *buf, size_t cap, size_t *off,
	    const struct timeval *, enum route_json_ts_form);
/* "192.0.2.1" quoted, or null for an address not known (family 0). */
void	route_json_addr(char *buf, size_t cap, size_t *off,
	    const struct ipaddr *);
/* ,"src_addr":"..","src_port":N,"dst_addr":"..","dst_port":N: the TCP
 * session that carried the route. */
void	route_json_endpoints(char *buf, size_t cap, size_t *off,
	    const struct ipaddr *src, uint16_t sport,
	    const struct ipaddr *dst, uint16_t dport);
/* ,"prefix":"192.0.2.0/24" and ,"path_id":N when ADD-PATH applies. */
void	route_json_prefix(char *buf, size_t cap, size_t *off,
	    const struct prefix *, bool has_path_id, uint32_t path_id);
/*
 * ,"origin_as":N|null,"origin_kind":"seq",
 * "as_path":[..] (null when aspath is NULL),"next_hop":"..."|null
 */
void	route_json_origin_path(char *buf, size_t cap, size_t *off,
	    enum bgp_origin_kind, uint32_t origin_as,
	    const struct bgp_aspath *aspath, const struct ipaddr *next_hop,
	    enum route_json_dialect);
/* The AS path alone: an array of ASNs, sets and confederations nested. */
void	route_json_aspath(char *buf, size_t cap, size_t *off,
	    const struct bgp_aspath *, enum route_json_dialect);
/*
 * ,"rpki":{"state":..,"reason":..,"generation":N,"vrps":[..],"covering":N}
 * (the route log's order; alerts put "generation" last).
 */
void	route_json_rpki(char *buf, size_t cap, size_t *off,
	    const struct rov_result *, uint64_t generation,
	    enum route_json_dialect);

/*
 * The route-leak fields, together and in this order, the same in both
 * dialects (docs/route-log.md, "Route leaks"):
 *   ,"peer_role":"customer"|null,"role_source":"open"|"config"|null,
 *   "otc":N|null,
 *   "router_rpki_state":"valid"|"not-found"|"invalid"|null,
 *   "aspa":{"state":"invalid","procedure":"upstream","reason":"hop"|null,
 *           "hop":{"customer":N,"provider":N}|null}|null,
 *   "leak":{"rule":"otc-from-customer","rfc":"9234 section 5",
 *           "otc":N,"peer_as":N|null}|null
 * aspa NULL writes "aspa":null (no ASPA data, or the role unknown);
 * peer_as is the sender's AS, 0 unknown; router_rpki_state is the RFC 8097
 * state the router stamped on the route (null: none).
 */
struct route_json_leak {
	enum bgp_role		 role;
	enum bgp_role_source	 role_source;
	bool			 has_otc;
	uint32_t		 otc;
	uint8_t			 router_rpki;	/* enum bgp_router_rpki */
	enum bgp_leak		 leak;
	uint32_t		 peer_as;
	const struct aspa_result *aspa;
};
void	route_json_leak(char *buf, size_t cap, size_t *off,
	    const struct route_json_leak *);

/*
 * The same writers unchecked (jsonbuf.h, "Unchecked writers"), for the
 * route log and the alert encoder, which bound a whole line once: each
 * writes at p, returns the end, and writes at most its ROUTE_JSON_*_MAX
 * (ROUTE_JSON_ORIGIN_MAX plus route_json_aspath_max() of the path for
 * rjw_origin_path()).  The functions above are these, checked.
 */
#define ROUTE_JSON_TS_MAX	JW_UTC_MAX
#define ROUTE_JSON_ADDR_MAX	(JW_IPADDR_MAX + 2)
#define ROUTE_JSON_ENDPOINTS_MAX (4 * 12 + 2 * ROUTE_JSON_ADDR_MAX + 2 * 5)
#define ROUTE_JSON_PREFIX_MAX	(11 + JW_PREFIX_MAX + 1 + 11 + 10)
#define ROUTE_JSON_ORIGIN_MAX	(13 + 10 + 16 + JW_NAME_MAX + 13 + 4 + 12 + \
				 ROUTE_JSON_ADDR_MAX)
#define ROUTE_JSON_RPKI_MAX	1024	/* 947 with 8 IPv6 VRPs */
#define ROUTE_JSON_LEAK_MAX	512	/* 475 */
size_t	route_json_aspath_max(const struct bgp_aspath *);
char	*rjw_ts(char *p, const struct timeval *, enum route_json_ts_form);
char	*rjw_addr(char *p, const struct ipaddr *);
/*
 * ,"view":"adj-rib-in-pre": the BMP view (enum bgp_view) a route was
 * reported in; nothing for the wire (BGP_VIEW_WIRE), so a capture's lines
 * are as before.  At most ROUTE_JSON_VIEW_MAX bytes.
 */
#define ROUTE_JSON_VIEW_MAX	32
char	*rjw_view(char *p, unsigned view);
char	*rjw_endpoints(char *p, const struct ipaddr *src, uint16_t sport,
	    const struct ipaddr *dst, uint16_t dport);
char	*rjw_prefix(char *p, const struct prefix *, bool has_path_id,
	    uint32_t path_id);
char	*rjw_origin_path(char *p, enum bgp_origin_kind, uint32_t origin_as,
	    const struct bgp_aspath *aspath, const struct ipaddr *next_hop,
	    enum route_json_dialect);
char	*rjw_aspath(char *p, const struct bgp_aspath *,
	    enum route_json_dialect);
char	*rjw_rpki(char *p, const struct rov_result *, uint64_t generation,
	    enum route_json_dialect);
char	*rjw_leak(char *p, const struct route_json_leak *);

/*
 * The deciding VRPs in words, for a person (alert text): " (no covering
 * ROA)" for NOT_FOUND; else " (VRP 192.0.2.0/23 max_length 23 AS64511)",
 * " (VRPs A, B and 3 more)" when more cover it than are listed; "" when
 * there are none.  NUL-terminated, cut to cap - 1.  ROUTE_JSON_VRPS_TEXT
 * always holds it whole.
 */
#define ROUTE_JSON_VRPS_TEXT	768
void	route_json_vrps_text(const struct rov_result *, char *buf,
	    size_t cap);

#endif /* ROVMON_ROUTE_JSON_H */
