/*
 * control_req.h - the requests of the control socket (docs/control.md):
 * one line of words, at most CONTROL_REQ_MAX bytes with its newline,
 *
 *   show summary
 *   show sessions
 *   show routes [state invalid|valid|not-found] [prefix P] [longer]
 *               [origin AS] [peer ADDR] [limit N]
 *   reload
 *   stats
 *
 * parsed strictly (every word known, each option once, numbers in range,
 * a prefix without host bits); a refusal names the word and the rule.
 * The parser is pure (no state, any thread): the control thread runs it
 * on bytes from the socket, the fuzz target fuzz_control on anything.
 */
#ifndef ROVMON_CONTROL_REQ_H
#define ROVMON_CONTROL_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "state/rib_query.h"

#define CONTROL_REQ_MAX		1024	/* bytes, the newline included */
#define CONTROL_LIMIT_MAX	100000000ULL

enum control_verb {
	CONTROL_SHOW_SUMMARY,
	CONTROL_SHOW_SESSIONS,
	CONTROL_SHOW_ROUTES,
	CONTROL_RELOAD,
	CONTROL_STATS,
};

struct control_req {
	enum control_verb	 verb;
	struct rib_query_filter	 filter;	/* show routes */
	uint64_t		 limit;		/* show routes; 0 = all */
};

/*
 * Parse the n bytes of line (its newline, if any, at the end; NUL bytes
 * are refused).  0, or -1 with one line in err (NUL-terminated, no
 * newline) saying what is wrong.
 */
int		 control_req_parse(const char *line, size_t n,
		    struct control_req *req, char *err, size_t errlen);
/* "show routes", ...: the verb's words. */
const char	*control_verb_name(enum control_verb);

#endif /* ROVMON_CONTROL_REQ_H */
