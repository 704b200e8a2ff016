/*
 * rules.h - the Snort-flavoured rule language: route events -> alerts.
 *
 *   alert bgp (msg:"RPKI INVALID"; rpki:invalid,as; sid:1000001; rev:1;
 *       classtype:rpki-invalid;)
 *
 * A ruleset is loaded whole or not at all: any error in any rule file
 * or the classification file makes rules_load() return NULL with one
 * "file:line:column: expected X, got Y" message (the caller keeps its
 * old ruleset on reload; at start-up that is fatal).  The grammar, every
 * option, the classification file and event_filter semantics are in
 * docs/rules.md.
 *
 * rules_eval() runs per route event: the rules are pre-indexed by event
 * kind, RPKI state and ASPA state x leak, pass rules first.  It keeps event_filter state,
 * so one ruleset must not be evaluated by two threads at once.
 */
#ifndef ROVMON_RULES_H
#define ROVMON_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "base/sensor_event.h"
#include "state/route_event.h"

#define RULES_MAX_LINE		65535	/* bytes per line, without '\n' */
#define RULES_MAX_RULES		100000	/* rules per ruleset */
#define RULES_MAX_DEPTH		8	/* include nesting */
#define RULES_DEFAULT_PRIORITY	3	/* no classtype and no priority */

enum rule_action {
	RULE_ALERT,		/* fire: an alert for the sinks */
	RULE_LOG,		/* fire: record it, do not notify */
	RULE_PASS,		/* never fires: later rules are suppressed */
};

struct alert_rule;
struct rule;
struct ruleset;

typedef void	(*rules_fire_fn)(void *arg, const struct rule *,
		    const struct route_event *);

/*
 * Load path (and the files it includes).  classification_path NULL means
 * "classification.config" in the directory of path, or the built-in
 * defaults (those of rules/classification.config) when that file does
 * not exist.  NULL on any error, logged with log_warnx().  The caller
 * frees the result with rules_free().
 */
struct ruleset	*rules_load(const char *path, const char *classification_path);
/* The same, but the error goes to err (always NUL-terminated when
 * errlen > 0) instead of the log. */
struct ruleset	*rules_load_err(const char *path,
		    const char *classification_path, char *err, size_t errlen);
void		 rules_free(struct ruleset *);		/* NULL ok */
/*
 * Reload: move the event_filter state of each rule of from into the rule
 * of to with the same gid:sid:rev and the same event_filter (track, type,
 * count, seconds), so a reload lets no more alerts through than running
 * on would.  Other rules of to start afresh.  Call it before evaluating
 * to; from loses the moved state and is only fit for rules_free().
 * Returns the number of rules that kept their state, -1 on ENOMEM (then
 * nothing moved).
 */
int		 rules_take_state(struct ruleset *to, struct ruleset *from);
unsigned	 rules_count(const struct ruleset *);
/* The i-th rule in file order (includes in place); NULL past the end. */
const struct rule *rules_rule(const struct ruleset *, unsigned i);
const struct rule *rules_find(const struct ruleset *, uint32_t gid,
		    uint32_t sid);

/*
 * Match ev against the rules: if a pass rule matches (the first in file
 * order wins) nothing fires; otherwise fire() is called for every
 * matching alert and log rule, in file order, whose event_filter lets
 * the event through; the ones it holds back are counted
 * (rule_suppressed(), stats.alert_event_filtered).  Returns the number
 * of fire() calls.
 */
unsigned	 rules_eval(struct ruleset *, const struct route_event *,
		    rules_fire_fn fire, void *arg);
/*
 * The same; *held (may be NULL) gets the number of alert and log rules
 * that match but were held back because the event brings no news of
 * the verdict they ask about (docs/rules.md, "Once per route"), and,
 * when none fired, of those for the other kind of change (announce,
 * revalidate) that match the route's verdicts: while any does, a route
 * that alerted is not resolved.
 */
unsigned	 rules_eval_held(struct ruleset *, const struct route_event *,
		    rules_fire_fn fire, void *arg, unsigned *held);

/*
 * A sensor event (base/sensor_event.h) against the rules that name its
 * type (`event:rtr-drift;`), in file order, pass rules first as for
 * route events; peer_addr matches ev->addr; event_filter applies (time
 * ev->ts).  Returns the number of fire() calls.
 */
typedef void	(*rules_fire_event_fn)(void *arg, const struct rule *,
		    const struct sensor_event *);
unsigned	 rules_eval_event(struct ruleset *, const struct sensor_event *,
		    rules_fire_event_fn fire, void *arg);

/* A rule's fields; strings live as long as the ruleset. */
enum rule_action rule_action(const struct rule *);
const char	*rule_action_name(enum rule_action);	/* "alert", ... */
uint32_t	 rule_gid(const struct rule *);
uint32_t	 rule_sid(const struct rule *);
uint32_t	 rule_rev(const struct rule *);
const char	*rule_msg(const struct rule *);		/* "" if none */
const char	*rule_classtype(const struct rule *);	/* NULL if none */
const char	*rule_class_desc(const struct rule *);	/* NULL if none */
unsigned	 rule_priority(const struct rule *);
/* The rule as its alerts show it (alert/alert.h), built at load: an
 * alert points at it, so the ruleset must outlive its alerts. */
const struct alert_rule *rule_alert(const struct rule *);
const char	*rule_file(const struct rule *);
unsigned	 rule_line(const struct rule *);
/* Events that matched (before the event_filter), pass rules included. */
uint64_t	 rule_matches(const struct rule *);
/* Events of an alert or log rule its event_filter held back (each also
 * counted in stats.alert_event_filtered); always 0 for pass rules. */
uint64_t	 rule_suppressed(const struct rule *);

#endif /* ROVMON_RULES_H */
