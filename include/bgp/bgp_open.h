/*
 * bgp_open.h - OPEN message and capability parsing (RFC 4271 4.2,
 * RFC 5492, RFC 9072).
 *
 * One struct bgp_open per direction of a session records what the sender
 * of that direction said about itself.  The struct owns no memory: all
 * values are copied out of the packet, with fixed caps on list lengths
 * (entries past a cap are counted in `truncated_lists`, not stored).
 *
 * "Capabilities are state, including unknown" (STYLE.md habit 4): when
 * `seen` is false nothing is known; when `caps_ok` is false the fixed
 * fields are known but the capability list is incomplete, and the
 * session layer treats the capabilities as unknown.
 */
#ifndef ROVMON_BGP_OPEN_H
#define ROVMON_BGP_OPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capability codes (IANA "Capability Codes" registry). */
#define BGP_CAP_MP		1	/* RFC 4760 */
#define BGP_CAP_RR		2	/* RFC 2918 */
#define BGP_CAP_EXTMSG		6	/* RFC 8654 */
#define BGP_CAP_ROLE		9	/* RFC 9234 */
#define BGP_CAP_GR		64	/* RFC 4724 */
#define BGP_CAP_AS4		65	/* RFC 6793 */
#define BGP_CAP_ADDPATH		69	/* RFC 7911 */
#define BGP_CAP_ERR		70	/* RFC 7313 */
#define BGP_CAP_FQDN		73	/* draft-walton-bgp-hostname */
#define BGP_CAP_RR_OLD		128	/* pre-standard Cisco route refresh */

/* RFC 9234 section 4.1: Provider, RS, RS-Client, Customer, Peer. */
#define BGP_ROLE_BAD		0xff

/* ADD-PATH Send/Receive field, RFC 7911 section 4. */
#define BGP_ADDPATH_RECV	1
#define BGP_ADDPATH_SEND	2

#define BGP_OPEN_MAX_AFI	16	/* per list: MP, ADD-PATH, GR */
#define BGP_OPEN_MAX_UNKNOWN	16
#define BGP_FQDN_MAX		64	/* stored bytes of each name */

struct bgp_afi_safi {
	uint16_t	afi;
	uint8_t		safi;
	uint8_t		flags;	/* ADD-PATH: send/receive; GR: AFI flags */
};

struct bgp_open {
	bool		seen;		/* fixed fields parsed */
	bool		caps_ok;	/* optional parameters parsed fully */
	const char	*why;		/* static: rule that failed, or NULL */

	/* Fixed part, RFC 4271 4.2. */
	uint8_t		version;
	uint16_t	my_as;		/* the 2-octet field as sent */
	uint32_t	as;		/* 4-octet AS when cap 65, else my_as */
	uint16_t	hold_time;
	uint32_t	router_id;	/* BGP Identifier, host order */
	bool		ext_opt_len;	/* RFC 9072 encoding used */

	/* Capabilities, RFC 5492. */
	uint32_t	ncaps;		/* capabilities seen (any code) */
	bool		cap_mp, cap_rr, cap_rr_old, cap_as4, cap_addpath;
	bool		cap_extmsg, cap_gr, cap_err, cap_fqdn;
	uint32_t	as4;		/* RFC 6793: the real AS */
	struct bgp_afi_safi mp[BGP_OPEN_MAX_AFI];
	uint8_t		nmp;
	struct bgp_afi_safi addpath[BGP_OPEN_MAX_AFI];	/* flags: 1/2/3 */
	uint8_t		naddpath;
	uint8_t		gr_flags;	/* RFC 4724 3: R (and N) bits */
	uint16_t	gr_time;	/* restart time, seconds */
	struct bgp_afi_safi gr[BGP_OPEN_MAX_AFI];	/* flags: F bit... */
	uint8_t		ngr;
	bool		cap_role;	/* RFC 9234 BGP Role */
	uint8_t		role;		/* its value; BGP_ROLE_BAD if the
					 * length was not 1; the first one
					 * when there were several */
	bool		role_conflict;	/* several Role capabilities with
					 * different values (RFC 9234 4.2:
					 * a Role Mismatch) */
	char		fqdn_host[BGP_FQDN_MAX + 1];	/* printable only */
	char		fqdn_domain[BGP_FQDN_MAX + 1];
	uint8_t		unknown[BGP_OPEN_MAX_UNKNOWN];	/* other codes */
	uint8_t		nunknown;
	uint32_t	truncated_lists;	/* entries past a cap */
};

/*
 * Parse an OPEN body (the bytes after the 19-byte header) into *o, which
 * is overwritten.  Returns 0 when the fixed fields were read (o->seen;
 * check o->caps_ok for the optional parameters), -1 when the body is too
 * short for them (o->seen false).  Never reads outside body[0..len).
 */
int	bgp_open_parse(const uint8_t *body, size_t len, struct bgp_open *o);

/* ADD-PATH Send/Receive bits (BGP_ADDPATH_*) o advertised for afi/safi. */
/* "provider", "rs", "rs-client", "customer", "peer", "malformed" or
 * "unknown" (values 5..254, unassigned). */
const char *bgp_role_name(uint8_t role);

uint8_t	bgp_open_addpath(const struct bgp_open *o, uint16_t afi,
	    uint8_t safi);

#endif /* ROVMON_BGP_OPEN_H */
