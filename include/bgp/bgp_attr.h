/*
 * bgp_attr.h - table-driven path attribute parsing (RFC 4271 4.3 / 5,
 * RFC 7606 sections 3, 4 and 7).
 *
 * Path attribute wire format (RFC 4271 4.3):
 *
 *   +---------+---------+------------------+----------------------+
 *   | flags   | type    | length (1, or 2  | value (length bytes) |
 *   | (1)     | code (1)| if flags & 0x10) |                      |
 *   +---------+---------+------------------+----------------------+
 *
 * One descriptor per type code states the expected Optional/Transitive
 * flags, the length rule and the parser (see attr_table in bgp_attr.c).
 * Each attribute is carved into its own sub-cursor and the outer cursor
 * moves past it before it is interpreted.  MP_REACH_NLRI/MP_UNREACH_NLRI
 * are only located here (their contents belong to bgp_update.c).
 */
#ifndef ROVMON_BGP_ATTR_H
#define ROVMON_BGP_ATTR_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "bgp/bgp_aspath.h"
#include "bgp/bgp_update.h"
#include "base/cursor.h"

/* Path attribute type codes (IANA "BGP Path Attributes"). */
#define ATTR_ORIGIN		1
#define ATTR_AS_PATH		2
#define ATTR_NEXT_HOP		3
#define ATTR_MED		4
#define ATTR_LOCAL_PREF		5
#define ATTR_ATOMIC_AGGREGATE	6
#define ATTR_AGGREGATOR		7
#define ATTR_COMMUNITIES	8
#define ATTR_ORIGINATOR_ID	9
#define ATTR_CLUSTER_LIST	10
#define ATTR_MP_REACH_NLRI	14
#define ATTR_MP_UNREACH_NLRI	15
#define ATTR_EXT_COMMUNITIES	16
#define ATTR_AS4_PATH		17
#define ATTR_AS4_AGGREGATOR	18
#define ATTR_LARGE_COMMUNITIES	32
#define ATTR_BGPSEC_PATH	33
#define ATTR_OTC		35	/* RFC 9234 Only-to-Customer */

/* Attribute flags, RFC 4271 4.3. */
#define ATTR_F_OPTIONAL		0x80
#define ATTR_F_TRANSITIVE	0x40
#define ATTR_F_PARTIAL		0x20
#define ATTR_F_EXTLEN		0x10

/* Per-UPDATE attribute parse state; all but the in fields are reset by
 * bgp_attr_parse(). */
struct bgp_attr_parse {
	/* in */
	bool			 as4;		/* 4-octet AS_PATH/AGGREGATOR */
	uint32_t		 peer_as;	/* for an empty AS_PATH */
	struct bgp_aspath_buf	*path;		/* scratch: AS_PATH / result */
	struct bgp_aspath_buf	*as4path;	/* scratch: AS4_PATH */
	struct bgp_attrs	*attrs;		/* filled in */
	/* out: the MP attributes, carved but not interpreted */
	struct cursor		 mp_reach, mp_unreach;
	bool			 has_mp_reach, has_mp_unreach;
	/* out: the worst RFC 7606 action so far and the rule behind it */
	enum bgp_update_result	 result;
	const char		*why;
	/* out: an attribute with no row and the Optional bit clear (RFC
	 * 4271 6.3) was seen; result is at least treat-as-withdraw */
	bool			 unknown_wellknown;
	/* private to bgp_attr.c */
	uint32_t		 seen[8];	/* type codes seen, bitmap */
	bool			 has_as4path;
	bool			 has_bgpsec;	/* valid BGPsec_PATH in path */
	bool			 has_aggregator, has_as4agg;
	uint32_t		 as4agg_as;
	struct ipaddr		 as4agg_addr;
};

/*
 * Frame the next attribute of blk: read its header and carve its value
 * into *value, advancing blk past it.  0, or -1 when the rest of blk is
 * too short for a header or the value (RFC 7606 section 4), with *code
 * set to the type code if it could be read (else 0).
 */
int	bgp_attr_next(struct cursor *blk, uint8_t *flags, uint8_t *code,
	    struct cursor *value);

/*
 * Walk the Path Attributes field blk: fill st->attrs, resolve the AS
 * path (AS4_PATH merge, origin) and record RFC 7606 actions in
 * st->result/st->why.  The in fields of st must be set; the rest is
 * reset here.  Never reads outside blk.
 */
void	bgp_attr_parse(struct bgp_attr_parse *st, const struct cursor *blk);

/* Record action r for rule why, keeping the strongest (RFC 7606 3(h)). */
void	bgp_attr_fail(struct bgp_attr_parse *st, enum bgp_update_result r,
	    const char *why);

/*
 * Dry run for inference: 0 if every attribute header and length in blk
 * is consistent and AS_PATH (if any) exactly fills its attribute with
 * ASNs of the given width; else -1.  The MP attributes' values are
 * returned for the caller to check (has_* false if absent); *has_as0 and
 * *has_as4path describe AS_PATH/AS4_PATH.  No storage, no side effects.
 */
int	bgp_attr_check(const struct cursor *blk, bool as4,
	    struct cursor *mp_reach, bool *has_mp_reach,
	    struct cursor *mp_unreach, bool *has_mp_unreach,
	    bool *has_aspath, bool *has_as0, bool *has_as4path);

#endif /* ROVMON_BGP_ATTR_H */
