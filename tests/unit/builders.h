/*
 * builders.h - what the unit tests build their inputs with, written once:
 * wire bytes (BGP OPEN and UPDATE bodies, attributes, prefixes, frames),
 * decoded route facts (an AS path, a route event), ROV indexes (from text
 * lines, random VRP sets, the shared real snapshots), and a capture of
 * stderr.
 *
 * The builders state the wire layout byte by byte, independently of the
 * code under test, and assert through cmocka: a builder that cannot build
 * (a buffer full, a prefix that does not parse) fails the calling test.
 * They are linked into the unit tests from an archive, one object per
 * group (builders.c, builders_update.c, builders_rov.c), so a test links
 * only the groups it uses and what they call.
 */
#ifndef ROVMON_TEST_BUILDERS_H
#define ROVMON_TEST_BUILDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_update.h"
#include "state/route_event.h"

struct rov_index;

/* ---- bytes ---- */

/* An append-only byte buffer: a frame, a BGP body or one field of it. */
struct buf {
	uint8_t		b[8192];
	size_t		n;
};

void	b_bytes(struct buf *, const void *, size_t); /* n bytes (0: none) */
void	b_u8(struct buf *, unsigned);	/* one octet, the low 8 bits */
void	b_u16(struct buf *, unsigned);	/* 16 bits, network order */
void	b_u32(struct buf *, uint32_t);	/* 32 bits, network order */

/* ---- BGP OPEN (RFC 4271 4.2, RFC 5492) ---- */

/* OPEN body: version 4, My AS as, hold 90, id 10.0.0.<id>, plen params. */
size_t	b_open_body(uint8_t *, uint16_t as, uint8_t id, const uint8_t *params,
	    uint8_t plen);
/* OPEN body as b_open_body() with one Capabilities parameter (type 2). */
size_t	b_open_caps(uint8_t *, uint16_t as, uint8_t id, const uint8_t *caps,
	    uint8_t clen);

/* ---- BGP UPDATE bodies (RFC 4271 4.3, RFC 4760) ---- */

/* One path attribute; a 2-octet length when flags has 0x10 (extended). */
void	b_attr(struct buf *, unsigned flags, unsigned code, const void *,
	    size_t);
/* A prefix from text ("10.0.0.0/8"), after a path id when pathid >= 0. */
void	b_pfx(struct buf *, const char *, long pathid);
/* out = withdrawn length, wd, attribute length, at, nlri (NULL: empty). */
void	b_update(struct buf *out, const struct buf *wd, const struct buf *at,
	    const struct buf *nlri);
/* u = UPDATE withdrawing 10.7.0.0/16, announcing 10.0.0.0/8 and
 * 10.1.0.0/16 with attributes at (NULL: b_std_attrs()). */
void	b_std_update(struct buf *u, const struct buf *at);
/* AS_PATH segment: type t, n ASNs (uint32_t varargs) of width w (2 or 4). */
void	b_seg(struct buf *, unsigned t, int w, int n, ...);
/* ORIGIN attribute (0 IGP, 1 EGP, 2 INCOMPLETE). */
void	b_origin(struct buf *, unsigned);
/* NEXT_HOP attribute from an IPv4 address in text. */
void	b_nexthop(struct buf *, const char *);
/* ORIGIN IGP, AS_PATH seq 65001 65002 (4-octet), NEXT_HOP 192.0.2.1. */
void	b_std_attrs(struct buf *);
/* MP_REACH_NLRI: AFI/SAFI, next hop (+ link-local when nh_ll), nlri. */
void	b_mp_reach(struct buf *, unsigned afi, unsigned safi, const char *nh,
	    const char *nh_ll, const struct buf *nlri);
/* MP_UNREACH_NLRI: AFI/SAFI, then nlri (NULL: none, an End-of-RIB). */
void	b_mp_unreach(struct buf *, unsigned afi, unsigned safi,
	    const struct buf *nlri);

/* ---- decoded route facts ---- */

/* An AS path as the decoder hands it on, with its own storage. */
struct path_fix {
	struct bgp_as_segment	 seg[2];
	uint32_t		 asns[16];
	struct bgp_aspath	 path;
};

/* path = AS_SEQUENCE seq[0..nseq), then AS_SET set[0..nset) if nset > 0. */
void	b_path(struct path_fix *, const uint32_t *seq, unsigned nseq,
	    const uint32_t *set, unsigned nset);
/* A zeroed event: kind, prefix, origin (seq), peer AS 65001 at 10.0.0.1. */
void	b_event(struct route_event *, enum route_event_kind, const char *pfx,
	    uint32_t origin);
/* A prefix from text (asserted to parse). */
struct prefix b_prefix(const char *);

/* ---- UPDATE decoding under a recording sink (builders_update.c) ---- */

#define UPDATE_MAXREC	64

/* What the sink saw of one route: the fields the tests check. */
struct rec {
	enum bgp_route_event ev;
	char		pfx[PREFIX_STRLEN];
	uint16_t	afi;
	uint8_t		safi;
	bool		has_path_id;
	uint32_t	path_id;
	bool		taw;
	enum bgp_origin_kind kind;
	uint32_t	origin_as;
	char		nh[IPADDR_STRLEN], nh_ll[IPADDR_STRLEN];
	uint32_t	ncomm, nlarge, nasn, nseg;
	uint32_t	asns[16];
	uint8_t		segtype[8];
	uint8_t		origin;
	uint32_t	med, aggregator_as;
	bool		atomic;
	bool		has_otc;	/* RFC 9234 OTC */
	uint32_t	otc;
	uint8_t		router_rpki;	/* RFC 8097 stamp */
};

extern struct rec recs[UPDATE_MAXREC];	/* the routes of the last decode */
extern int nrec;			/* how many */

int	update_setup(void **);		/* scratch, counters and recs reset */
int	update_teardown(void **);	/* frees the scratch */
/* Decode body u with opts into recs; *why the rule broken, if any. */
enum bgp_update_result update_decode(const struct buf *u,
	    const struct bgp_decode_opts *, const char **why);
/* A cmocka test run between update_setup() and update_teardown(). */
#define UPDATE_TEST(f) \
	cmocka_unit_test_setup_teardown(f, update_setup, update_teardown)

/* ---- RPKI (builders_rov.c) ---- */

/* An index of "prefix maxlen asn" lines (NULL-terminated), TA "test". */
struct rov_index *b_rov_index(const char *const *lines);

/*
 * Random VRP sets, shared by test_rov.c (against an oracle) and
 * test_rov_batch.c (batched against one at a time).  One xorshift64
 * generator: b_rng_seed() makes a run repeatable.
 */
void	 b_rng_seed(uint64_t);
uint64_t b_rng(void);
unsigned b_rnd(unsigned n);		/* 0 .. n - 1 */
/* Set bits [from, len) of p at random, length len, masked. */
void	 b_randomise(struct prefix *, unsigned from, unsigned len);
/* ASNs the sets and routes draw from: AS0, small, 4-octet, the last. */
extern const uint32_t b_asn_pool[];
#define B_NPOOL	9

/* A few roots per family ([0] IPv4 up to /16, [1] IPv6 in 2000::/3 up
 * to /40) that the prefixes nest under. */
#define B_MAXROOTS	6
struct b_roots {
	struct prefix	 p[2][B_MAXROOTS];
	unsigned	 n;
};
void	 b_random_roots(struct b_roots *, unsigned n);
/* A prefix of family fam: 1 in 10 anywhere, else under a root, with a
 * bias to short extensions (more nesting). */
struct prefix b_random_prefix(uint8_t fam, const struct b_roots *);
/*
 * nvrps VRPs (a third IPv6) under the roots, origins from b_asn_pool,
 * maxLength anywhere up to the family's length but 1 in 3 short (the
 * "length" cases); with `dense`, 200 IPv4 VRPs more inside one random
 * /18 (a bucket past the index's binary search: its tree answers).
 */
struct rov_index *b_random_rov_index(const struct b_roots *,
	    unsigned nvrps, bool dense);
/* The VRPs of file in $SHARED/vrps/rpki-client-9.x-2025-07-20/ (default
 * ../shared/data); NULL when it is not there (fails when it does not
 * load). */
struct vrp_set *b_real_vrps(const char *file);

/* ---- stderr ---- */

void	 stderr_capture_start(void);	/* send stderr to a temporary file */
const char *stderr_capture_end(void);	/* restore it; what was written */

#endif
