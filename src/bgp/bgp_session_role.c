/*
 * bgp_session_role.c - the RFC 9234 roles of one session: each
 * endpoint's role towards the other, from the Role capabilities of the
 * two OPENs and, for speakers that send none, from --role.
 *
 * The rules, in order (docs/leaks.md says the same for operators):
 *   1. An endpoint whose OPEN carries Role capabilities with different
 *      values (4.2), or two OPENs whose roles are not a pair of Table 2
 *      (provider/customer, rs/rs-client, peer/peer): a Role Mismatch.  A
 *      router that follows RFC 9234 refuses the session with NOTIFICATION
 *      2/11; rovmon reports it (log line, bgp_role_mismatch) and leaves
 *      the roles unknown: the wire contradicts itself and outranks
 *      --role.
 *   2. Else a valid role in either OPEN decides both: the other end has
 *      its counterpart (4.2).  Source "open".  Where --role says
 *      otherwise for an endpoint, the OPENs win and the disagreement is
 *      reported once per session (log line, bgp_role_config_disagree).
 *   3. Else --role for either endpoint decides both the same way.
 *      Source "config".  Both configured and not counterparts: logged,
 *      roles unknown.
 *   4. Else unknown (a session picked up mid-stream without --role
 *      stays so).
 * A Role capability with a length other than 1 or an unassigned value
 * claims nothing (it is counted in bgp_role_malformed when its OPEN is
 * read).
 *
 * The configured roles are a small table set up before the capture
 * starts (bgp_session.h); it is read at session creation and after each
 * OPEN, never per message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "bgp/bgp_role.h"
#include "bgp/bgp_session.h"
#include "bgp/bgp_session_internal.h"
#include "base/log.h"
#include "base/stats.h"

/* ---- --role ADDR=ROLE ----------------------------------------------- */

struct role_cfg {
	struct ipaddr	addr;
	enum bgp_role	role;
};

static struct role_cfg *cfg;	/* owned; ncfg used of cfgcap */
static size_t ncfg, cfgcap;

int
bgp_session_role_config(const struct ipaddr *addr, enum bgp_role role)
{
	struct role_cfg *nc;
	size_t i;

	for (i = 0; i < ncfg; i++)
		if (ipaddr_eq(&cfg[i].addr, addr)) {
			cfg[i].role = role;
			return 0;
		}
	if (ncfg == cfgcap) {
		cfgcap = cfgcap == 0 ? 16 : cfgcap * 2;
		if ((nc = realloc(cfg, cfgcap * sizeof(*nc))) == NULL)
			return -1;
		cfg = nc;
	}
	cfg[ncfg].addr = *addr;
	cfg[ncfg].role = role;
	ncfg++;
	return 0;
}

void
bgp_session_role_config_clear(void)
{
	free(cfg);
	cfg = NULL;
	ncfg = cfgcap = 0;
}

/* Linear: a handful of entries, looked up once per session and OPEN. */
static enum bgp_role
config_role(const struct ipaddr *addr)
{
	size_t i;

	for (i = 0; i < ncfg; i++)
		if (ipaddr_eq(&cfg[i].addr, addr))
			return cfg[i].role;
	return BGP_ROLE_UNKNOWN;
}

/* ---- the session's roles -------------------------------------------- */

/* "192.0.2.1:179", "[2001:db8::1]:179" */
static char *
ep_fmt(const struct flow_endpoint *e, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	ipaddr_fmt(&e->addr, a, sizeof(a));
	snprintf(buf, len, e->addr.family == ADDR_V6 ? "[%s]:%u" : "%s:%u",
	    a, e->port);
	return buf;
}

/* What the OPEN of endpoint i claims: a role, or UNKNOWN. */
static enum bgp_role
wire_role(const struct bgp_session *s, int i)
{
	const struct bgp_open *o = &s->dir[i].open;

	if (!o->seen || !o->cap_role)
		return BGP_ROLE_UNKNOWN;
	return bgp_role_from_wire(o->role);
}

static bool
wire_mismatch(const struct bgp_session *s, const enum bgp_role w[2])
{
	return (s->dir[0].open.seen && s->dir[0].open.role_conflict) ||
	    (s->dir[1].open.seen && s->dir[1].open.role_conflict) ||
	    (w[0] != BGP_ROLE_UNKNOWN && w[1] != BGP_ROLE_UNKNOWN &&
	    bgp_role_counterpart(w[0]) != w[1]);
}

/* One side's role decides the other's (4.2, Table 2). */
static void
roles_from(enum bgp_role r0, enum bgp_role r1, enum bgp_role out[2])
{
	out[0] = r0 != BGP_ROLE_UNKNOWN ? r0 : bgp_role_counterpart(r1);
	out[1] = r1 != BGP_ROLE_UNKNOWN ? r1 : bgp_role_counterpart(r0);
}

static const char *
role_or(enum bgp_role r, const char *unknown)
{
	const char *t = bgp_role_text(r);

	return t != NULL ? t : unknown;
}

/* Both endpoints as "addr:port", only when a line is written. */
#define EP_LEN	(IPADDR_STRLEN + 8)
static void
ep_names(const struct bgp_session *s, char ep[2][EP_LEN])
{
	ep_fmt(&s->dir[0].src, ep[0], EP_LEN);
	ep_fmt(&s->dir[1].src, ep[1], EP_LEN);
}

static void
tell_mismatch(struct bgp_session *s)
{
	const struct bgp_open *o0 = &s->dir[0].open, *o1 = &s->dir[1].open;
	char ep[2][EP_LEN];

	if (s->role_mismatch_told)
		return;
	s->role_mismatch_told = true;
	STAT_INC(bgp_role_mismatch);
	ep_names(s, ep);
	if (o0->role_conflict || o1->role_conflict)
		log_info("bgp: %s <-> %s: Role Mismatch (RFC 9234 4.2): %s "
		    "sent Role capabilities with different values; roles "
		    "unknown", ep[0], ep[1], o0->role_conflict ? ep[0] : ep[1]);
	else
		log_info("bgp: %s <-> %s: Role Mismatch (RFC 9234 4.2): %s "
		    "says it is %s, %s says it is %s; roles unknown", ep[0],
		    ep[1], ep[0], bgp_role_name(o0->role), ep[1],
		    bgp_role_name(o1->role));
}

static void
tell_disagree(struct bgp_session *s)
{
	char ep[2][EP_LEN], a[IPADDR_STRLEN];
	int i;

	if (s->role_disagree_told)
		return;
	for (i = 0; i < 2; i++) {
		if (s->role_cfg[i] == BGP_ROLE_UNKNOWN ||
		    s->role_cfg[i] == s->role[i])
			continue;
		s->role_disagree_told = true;
		STAT_INC(bgp_role_config_disagree);
		ep_names(s, ep);
		log_info("bgp: %s <-> %s: --role %s=%s disagrees with the "
		    "OPENs, which make it %s; the OPENs win", ep[0], ep[1],
		    ipaddr_fmt(&s->dir[i].src.addr, a, sizeof(a)),
		    bgp_role_text(s->role_cfg[i]),
		    role_or(s->role[i], "unknown"));
		return;
	}
}

static void
tell_cfg_conflict(struct bgp_session *s)
{
	char ep[2][EP_LEN], a0[IPADDR_STRLEN], a1[IPADDR_STRLEN];

	if (s->role_cfg_conflict_told)
		return;
	s->role_cfg_conflict_told = true;
	ep_names(s, ep);
	log_info("bgp: %s <-> %s: --role %s=%s and --role %s=%s are no pair "
	    "(RFC 9234 4.2): not used for this session, whose roles stay "
	    "unknown unless its OPENs tell", ep[0], ep[1],
	    ipaddr_fmt(&s->dir[0].src.addr, a0, sizeof(a0)),
	    bgp_role_text(s->role_cfg[0]),
	    ipaddr_fmt(&s->dir[1].src.addr, a1, sizeof(a1)),
	    bgp_role_text(s->role_cfg[1]));
}

void
bgp_session_roles(struct bgp_session *s)
{
	enum bgp_role w[2];
	int i;

	for (i = 0; i < 2; i++) {
		w[i] = wire_role(s, i);
		s->role_cfg[i] = config_role(&s->dir[i].src.addr);
	}
	s->role[0] = s->role[1] = BGP_ROLE_UNKNOWN;
	s->role_src = BGP_ROLE_SRC_NONE;
	s->role_mismatch = wire_mismatch(s, w);
	if (s->role_mismatch) {
		tell_mismatch(s);
	} else if (w[0] != BGP_ROLE_UNKNOWN || w[1] != BGP_ROLE_UNKNOWN) {
		roles_from(w[0], w[1], s->role);
		s->role_src = BGP_ROLE_SRC_OPEN;
		tell_disagree(s);
	} else if (s->role_cfg[0] != BGP_ROLE_UNKNOWN &&
	    s->role_cfg[1] != BGP_ROLE_UNKNOWN &&
	    bgp_role_counterpart(s->role_cfg[0]) != s->role_cfg[1]) {
		tell_cfg_conflict(s);
	} else if (s->role_cfg[0] != BGP_ROLE_UNKNOWN ||
	    s->role_cfg[1] != BGP_ROLE_UNKNOWN) {
		roles_from(s->role_cfg[0], s->role_cfg[1], s->role);
		s->role_src = BGP_ROLE_SRC_CONFIG;
	}
}

void
bgp_session_role_open(const struct bgp_session *s, int d)
{
	const struct bgp_open *o = &s->dir[d].open;
	char name[2 * IPADDR_STRLEN + 24];

	if (!o->cap_role || bgp_role_from_wire(o->role) != BGP_ROLE_UNKNOWN)
		return;
	STAT_INC(bgp_role_malformed);
	if (o->role == BGP_ROLE_BAD)
		log_info("bgp: %s: OPEN Role capability length is not 1 "
		    "(RFC 9234 4.1): no role taken from it",
		    bgp_session_dir_name(&s->dir[d], name, sizeof(name)));
	else
		log_info("bgp: %s: OPEN Role capability has the unassigned "
		    "value %u (RFC 9234 4.1): no role taken from it",
		    bgp_session_dir_name(&s->dir[d], name, sizeof(name)),
		    o->role);
}

void
bgp_session_role_notification(uint8_t code, uint8_t subcode)
{
	/* RFC 9234 4.2: OPEN Message Error (2), Role Mismatch (11).  The
	 * NOTIFICATION itself is logged and listed by the report; what the
	 * OPENs said is in their lines. */
	if (code == 2 && subcode == 11)
		STAT_INC(bgp_role_mismatch_notification);
}
