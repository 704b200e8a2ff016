/*
 * rules_internal.h - what the files of the rule module share, and nobody
 * else sees: struct rule and struct ruleset, the event_filter state, the
 * loader's parse position, and the calls between rules_parse.c (one rule
 * line), rules_leak.c (the route-leak options), rules_load.c (files,
 * sids), rules_class.c (classifications), rules_filter.c (event_filter)
 * and rules.c (index, evaluation).
 */
#ifndef ROVMON_RULES_INTERNAL_H
#define ROVMON_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "alert/rules.h"

#define RULES_MAX_CLASSES	1024
#define FILTER_MAX_TRACK	65536	/* tracked keys per rule */
#define FILTER_MIN_TRACK	64

/* (state, reason) bits: 5 reasons per state; bit 15 = no RPKI data. */
#define RPKI_BIT(s, r)	(1u << ((unsigned)(s) * 5 + (unsigned)(r)))
#define RPKI_STATE(s)	(0x1fu << ((unsigned)(s) * 5))
#define RPKI_NONE_BIT	(1u << 15)
#define RPKI_ALL	0xffffu
#define NBUCKET		4		/* no RPKI, not-found, valid, invalid */
#define NKIND		4

/*
 * Route-leak conditions (rules_leak.c), each a set matched by one AND:
 * ASPA: bit 0 no verdict, then (state, procedure) pairs; the leak: one
 * bit per enum bgp_leak (bit 0 none); the sender's role: one bit per
 * enum bgp_role (bit 0 unknown).
 */
#define ASPA_NONE_BIT	0x01u
#define ASPA_BIT(s, p)	(1u << (1 + (unsigned)(s) + 3 * (unsigned)(p)))
#define ASPA_STATE(s)	(ASPA_BIT(s, 0) | ASPA_BIT(s, 1))
#define ASPA_ALL	0x7fu
#define LEAK_BIT(l)	(1u << (unsigned)(l))
#define LEAK_ANY	0x0eu		/* every rule, not none */
#define LEAK_ALL	0x0fu
#define ROLE_BIT(r)	(1u << (unsigned)(r))
#define ROLE_ALL	0x3fu
/* The second level of the index: ASPA (none, valid, invalid, unknown)
 * x leak (none, some): an ASPA or leak rule is walked only for events it
 * can match, as an rpki rule. */
#define NLBUCKET	8

enum otc_match { OTC_ANY = 0, OTC_PRESENT, OTC_ABSENT, OTC_VALUE };

/*
 * The router's RFC 8097 stamp (rules_router.c): one bit per enum
 * bgp_router_rpki (bit 0 absent), 0 for any; and how it compares with
 * rovmon's own ROV verdict.
 */
#define RRPKI_BIT(s)	(1u << (unsigned)(s))
enum rrpki_cmp { RRPKI_CMP_ANY = 0, RRPKI_CMP_AGREE, RRPKI_CMP_DISAGREE };

#define KIND_BIT(k)	(1u << (k))
#define KINDS_DEFAULT	(KIND_BIT(RTEV_ANNOUNCE) | KIND_BIT(RTEV_REVALIDATE))

struct classification {
	char		*name;
	char		*desc;
	unsigned	 prio;
};

enum track { TRACK_RULE, TRACK_PEER, TRACK_PREFIX };
enum ftype { FT_LIMIT, FT_THRESHOLD, FT_BOTH };

struct filter_ent {
	uint8_t		 key[18];	/* family, length, address */
	bool		 used;
	int64_t		 start;		/* window start, usec */
	uint64_t	 count;
};

struct event_filter {
	enum track	 track;
	enum ftype	 type;
	uint32_t	 count;
	uint32_t	 seconds;
	struct filter_ent *tab;		/* NULL until needed */
	size_t		 cap, used;
	int64_t		 last_purge;	/* when the full table was swept */
	struct filter_ent overflow;	/* by_rule, or the table is full */
};

struct aslist {
	uint32_t	*v;
	unsigned	 n;
};

enum pfx_match { PFX_EXACT, PFX_ORLONGER, PFX_LONGER };

struct rprefix {
	struct prefix	 p;
	enum pfx_match	 how;
};

struct rule {
	enum rule_action action;
	uint32_t	 gid, sid, rev;
	unsigned	 priority;
	char		*msg;
	const struct classification *cls;
	struct alert_rule *alert;	/* what its alerts show, owned */
	const char	*file;		/* in ruleset->files */
	unsigned	 line, sidcol;
	/* matching */
	uint16_t	 rpki;		/* RPKI_BIT set */
	uint8_t		 kinds;		/* KIND_BIT set */
	uint32_t	 sensor_types;	/* 1 << enum sensor_event_type: a
					 * sensor-event rule (kinds 0) */
	uint8_t		 family;	/* 0 any */
	struct rprefix	*pfx;
	unsigned	 npfx;
	struct prefix	*peer_addr;
	unsigned	 npeer_addr;
	struct aslist	 origin, not_origin, peer_as;
	uint8_t		 aspa;		/* ASPA_* set */
	uint8_t		 leak;		/* LEAK_BIT set */
	uint8_t		 role;		/* ROLE_BIT set */
	enum otc_match	 otc_how;
	struct aslist	 otc;		/* OTC_VALUE: the values */
	uint8_t		 router_rpki;	/* RRPKI_BIT set, 0 any */
	enum rrpki_cmp	 router_cmp;
	uint8_t		 asks;		/* RTEV_VERDICT_* the rule asks
					 * about: it needs news of one */
	bool		 has_filter;
	struct event_filter ef;
	uint64_t	 matches;
	uint64_t	 suppressed;	/* held back by the event_filter */
};

struct ruleset {
	struct rule	*rules;
	unsigned	 n, cap;
	struct classification *cls;
	unsigned	 ncls;
	char		**files;
	unsigned	 nfiles;
	struct rule	**idx[NKIND][NBUCKET][NLBUCKET];
	unsigned	 nidx[NKIND][NBUCKET][NLBUCKET];
};

/* The parse position: which file, line and line buffer errors refer to. */
struct loader {
	struct ruleset	*rs;
	const char	*file;
	unsigned	 line;
	const char	*lbuf;
	const char	*inc_at;	/* the include's path, for errors */
	char		 err[1024];
};

/* rules_parse.c: errors and one rule line. */
int	 rules_lerr(struct loader *, const char *, const char *, ...)
	    ROVMON_PRINTF(3, 4);
const char *rules_tok(const char *, char *, size_t);
char	*rules_skip_ws(char *);
bool	 rules_is_word(int);
char	*rules_next_item(char **);
int	 rules_num_opt(struct loader *, char *, const char *, uint32_t,
	    uint32_t, uint32_t *);
int	 rules_parse_rule(struct loader *, enum rule_action, char *);
void	 rules_clear_rule(struct rule *);

/* rules_leak.c: the aspa, leak, peer_role and otc options, and matching
 * them. */
int	 rules_opt_aspa(struct loader *, struct rule *, char *);
int	 rules_opt_leak(struct loader *, struct rule *, char *);
int	 rules_opt_role(struct loader *, struct rule *, char *);
int	 rules_opt_otc(struct loader *, struct rule *, char *);
bool	 rules_leak_match(const struct rule *, const struct route_event *);
unsigned rules_leak_bucket(const struct route_event *);
bool	 rules_leak_in_bucket(const struct rule *, unsigned);

/* rules_router.c: the router_rpki option (RFC 8097) and matching it. */
int	 rules_opt_router_rpki(struct loader *, struct rule *, char *);
bool	 rules_router_match(const struct rule *, const struct route_event *);

/* rules_load.c: files and includes, one line at a time. */
int	 rules_read_file(struct loader *, const char *, int,
	    int (*)(struct loader *, char *, int));
int	 rules_sid_cmp(const void *, const void *);

/* rules_class.c: classification.config, or the built-in classes. */
int	 rules_load_classes(struct loader *, const char *, const char *);

/* rules.c: the (event kind, RPKI state) index. */
int	 rules_build_index(struct ruleset *);

/* rules_filter.c: whether a rule's event_filter lets this event through. */
bool	 rules_filter_allow(struct event_filter *, const struct route_event *);

#endif /* ROVMON_RULES_INTERNAL_H */
