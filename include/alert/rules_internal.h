/*
 * rules_internal.h - what the files of the rule module share, and nobody
 * else sees: struct rule and struct ruleset, the event_filter state, the
 * loader's parse position, and the calls between rules_parse.c (one rule
 * line), rules_load.c (files, sids), rules_class.c (classifications),
 * rules_filter.c (event_filter) and rules.c (index, evaluation).
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
	const char	*file;		/* in ruleset->files */
	unsigned	 line, sidcol;
	/* matching */
	uint16_t	 rpki;		/* RPKI_BIT set */
	uint8_t		 kinds;		/* KIND_BIT set */
	uint8_t		 family;	/* 0 any */
	struct rprefix	*pfx;
	unsigned	 npfx;
	struct prefix	*peer_addr;
	unsigned	 npeer_addr;
	struct aslist	 origin, not_origin, peer_as;
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
	struct rule	**idx[NKIND][NBUCKET];
	unsigned	 nidx[NKIND][NBUCKET];
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
