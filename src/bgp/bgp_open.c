/*
 * bgp_open.c - OPEN message and capability parsing.
 *
 * RFC 4271 section 4.2 (OPEN), RFC 5492 (capabilities), RFC 9072
 * (extended optional parameters length).  Every field is read through
 * struct cursor; each optional parameter and each capability is carved
 * into its own sub-cursor before it is interpreted, so a bad inner length
 * cannot make the walk read past the parameter or the message.
 *
 * On the first capability that contradicts its RFC the rest of the
 * optional parameters is skipped: what was parsed before stays recorded,
 * o->caps_ok is false and o->why names the rule.
 */
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "base/cursor.h"

static int
cap_fail(struct bgp_open *o, const char *why)
{
	o->caps_ok = false;
	o->why = why;
	return -1;
}

static void
afi_add(struct bgp_open *o, struct bgp_afi_safi *list, uint8_t *n,
    uint16_t afi, uint8_t safi, uint8_t flags)
{
	if (*n >= BGP_OPEN_MAX_AFI) {
		o->truncated_lists++;
		return;
	}
	list[*n].afi = afi;
	list[*n].safi = safi;
	list[*n].flags = flags;
	(*n)++;
}

/*
 * RFC 4760 section 8: AFI (2), Reserved (1), SAFI (1).
 */
static int
cap_mp(struct bgp_open *o, struct cursor *v)
{
	uint16_t afi;
	uint8_t res, safi;

	if (cursor_left(v) != 4 || cursor_get_u16(v, &afi) == -1 ||
	    cursor_get_u8(v, &res) == -1 || cursor_get_u8(v, &safi) == -1)
		return cap_fail(o, "RFC 4760 8: multiprotocol capability "
		    "length is not 4");
	o->cap_mp = true;
	afi_add(o, o->mp, &o->nmp, afi, safi, 0);
	return 0;
}

/*
 * RFC 7911 section 4: a list of AFI (2), SAFI (1), Send/Receive (1),
 * Send/Receive being 1 (receive), 2 (send) or 3 (both).
 */
static int
cap_addpath(struct bgp_open *o, struct cursor *v)
{
	uint16_t afi;
	uint8_t safi, sr;

	if (cursor_left(v) == 0 || cursor_left(v) % 4 != 0)
		return cap_fail(o, "RFC 7911 4: ADD-PATH capability length "
		    "is not a multiple of 4");
	while (!cursor_empty(v)) {
		if (cursor_get_u16(v, &afi) == -1 ||
		    cursor_get_u8(v, &safi) == -1 ||
		    cursor_get_u8(v, &sr) == -1)
			return cap_fail(o, "RFC 7911 4: short ADD-PATH tuple");
		if (sr < 1 || sr > 3)
			return cap_fail(o, "RFC 7911 4: ADD-PATH Send/Receive "
			    "is not 1, 2 or 3");
		afi_add(o, o->addpath, &o->naddpath, afi, safi, sr);
	}
	o->cap_addpath = true;
	return 0;
}

/*
 * RFC 4724 section 3: Restart Flags (4 bits), Restart Time (12 bits),
 * then AFI (2), SAFI (1), Flags for Address Family (1) per family.
 */
static int
cap_gr(struct bgp_open *o, struct cursor *v)
{
	uint16_t ft, afi;
	uint8_t safi, flags;

	if (cursor_get_u16(v, &ft) == -1 || cursor_left(v) % 4 != 0)
		return cap_fail(o, "RFC 4724 3: graceful restart capability "
		    "length is not 2 + 4n");
	o->gr_flags = (uint8_t)(ft >> 12);
	o->gr_time = ft & 0x0fff;
	while (!cursor_empty(v)) {
		if (cursor_get_u16(v, &afi) == -1 ||
		    cursor_get_u8(v, &safi) == -1 ||
		    cursor_get_u8(v, &flags) == -1)
			return cap_fail(o, "RFC 4724 3: short AFI tuple");
		afi_add(o, o->gr, &o->ngr, afi, safi, flags);
	}
	o->cap_gr = true;
	return 0;
}

/* Copy a length-prefixed name, keeping printable ASCII only. */
static int
fqdn_name(struct cursor *v, char *dst)
{
	struct cursor name;
	uint8_t len, ch;
	size_t n = 0;

	if (cursor_get_u8(v, &len) == -1 || cursor_sub(v, len, &name) == -1)
		return -1;
	while (cursor_get_u8(&name, &ch) == 0) {
		if (n < BGP_FQDN_MAX)
			dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	dst[n] = '\0';
	return 0;
}

/*
 * draft-walton-bgp-hostname section 3: Hostname Length (1), Hostname,
 * Domain Name Length (1), Domain Name.
 */
static int
cap_fqdn(struct bgp_open *o, struct cursor *v)
{
	if (fqdn_name(v, o->fqdn_host) == -1 ||
	    fqdn_name(v, o->fqdn_domain) == -1 || !cursor_empty(v))
		return cap_fail(o, "draft-walton-bgp-hostname 3: FQDN "
		    "capability lengths inconsistent");
	o->cap_fqdn = true;
	return 0;
}

/* A capability that must have an empty value (RFC 2918, 8654, 7313). */
static int
cap_empty(struct bgp_open *o, struct cursor *v, bool *flag)
{
	if (!cursor_empty(v))
		return cap_fail(o, "RFC 5492: capability value must be empty");
	*flag = true;
	return 0;
}

/*
 * RFC 9234 4.1: one octet.  Another length is the speaker's error, not
 * a reason to distrust the other capabilities: recorded as BGP_ROLE_BAD.
 * 4.2: identical copies count as one; copies that differ are a Role
 * Mismatch (role_conflict), and the first value is kept.
 */
static int
cap_role(struct bgp_open *o, struct cursor *v)
{
	uint8_t r;

	if (cursor_left(v) != 1 || cursor_get_u8(v, &r) == -1)
		r = BGP_ROLE_BAD;
	if (o->cap_role) {
		if (r != o->role)
			o->role_conflict = true;
		return 0;
	}
	o->cap_role = true;
	o->role = r;
	return 0;
}

static int
cap_one(struct bgp_open *o, uint8_t code, struct cursor *v)
{
	o->ncaps++;
	switch (code) {
	case BGP_CAP_MP:
		return cap_mp(o, v);
	case BGP_CAP_RR:
		return cap_empty(o, v, &o->cap_rr);
	case BGP_CAP_RR_OLD:
		return cap_empty(o, v, &o->cap_rr_old);
	case BGP_CAP_EXTMSG:
		return cap_empty(o, v, &o->cap_extmsg);
	case BGP_CAP_ERR:
		return cap_empty(o, v, &o->cap_err);
	case BGP_CAP_GR:
		return cap_gr(o, v);
	case BGP_CAP_AS4:
		/* RFC 6793 section 3: the 4-octet AS, value length 4. */
		if (cursor_left(v) != 4 || cursor_get_u32(v, &o->as4) == -1)
			return cap_fail(o, "RFC 6793 3: 4-octet AS capability "
			    "length is not 4");
		o->cap_as4 = true;
		return 0;
	case BGP_CAP_ADDPATH:
		return cap_addpath(o, v);
	case BGP_CAP_FQDN:
		return cap_fqdn(o, v);
	case BGP_CAP_ROLE:
		return cap_role(o, v);
	default:
		if (o->nunknown < BGP_OPEN_MAX_UNKNOWN)
			o->unknown[o->nunknown++] = code;
		else
			o->truncated_lists++;
		return 0;
	}
}

/*
 * RFC 5492 section 4: the Capabilities optional parameter (type 2) holds
 * one or more (code (1), length (1), value) triples.
 */
static int
caps_parse(struct bgp_open *o, struct cursor *param)
{
	struct cursor v;
	uint8_t code, len;

	while (!cursor_empty(param)) {
		if (cursor_get_u8(param, &code) == -1 ||
		    cursor_get_u8(param, &len) == -1)
			return cap_fail(o, "RFC 5492 4: truncated capability "
			    "header");
		if (cursor_sub(param, len, &v) == -1)
			return cap_fail(o, "RFC 5492 4: capability length "
			    "beyond its optional parameter");
		if (cap_one(o, code, &v) == -1)
			return -1;
	}
	return 0;
}

/*
 * RFC 4271 4.2 optional parameters: type (1), length (1), value; or,
 * with RFC 9072, type (1), length (2), value.
 */
static int
params_parse(struct bgp_open *o, struct cursor *params, bool ext)
{
	struct cursor v;
	uint8_t type, len8;
	uint16_t len;

	while (!cursor_empty(params)) {
		if (cursor_get_u8(params, &type) == -1)
			return cap_fail(o, "RFC 4271 4.2: truncated "
			    "optional parameter");
		if (ext) {
			if (cursor_get_u16(params, &len) == -1)
				return cap_fail(o, "RFC 9072 2: truncated "
				    "extended parameter length");
		} else {
			if (cursor_get_u8(params, &len8) == -1)
				return cap_fail(o, "RFC 4271 4.2: truncated "
				    "optional parameter length");
			len = len8;
		}
		if (cursor_sub(params, len, &v) == -1)
			return cap_fail(o, "RFC 4271 4.2: optional parameter "
			    "length beyond Optional Parameters Length");
		/* Type 1 (authentication) is deprecated; others unknown. */
		if (type == 2 && caps_parse(o, &v) == -1)
			return -1;
	}
	return 0;
}

/*
 *  0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+
 *  |    Version    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     My Autonomous System      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Hold Time           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         BGP Identifier                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Opt Parm Len  |  (RFC 9072: 255, then type 255, then 2-octet len)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             Optional Parameters (variable)                    |
 */
int
bgp_open_parse(const uint8_t *body, size_t len, struct bgp_open *o)
{
	struct cursor c, params;
	uint8_t optlen8, t;
	uint16_t optlen;
	bool ext = false;

	memset(o, 0, sizeof(*o));
	cursor_init(&c, body, len);
	if (cursor_get_u8(&c, &o->version) == -1 ||
	    cursor_get_u16(&c, &o->my_as) == -1 ||
	    cursor_get_u16(&c, &o->hold_time) == -1 ||
	    cursor_get_u32(&c, &o->router_id) == -1 ||
	    cursor_get_u8(&c, &optlen8) == -1) {
		o->why = "RFC 4271 4.2: OPEN shorter than its fixed fields";
		return -1;
	}
	o->seen = true;
	o->caps_ok = true;
	o->as = o->my_as;
	optlen = optlen8;
	/* RFC 9072 section 2: Non-Ext OP Len 255 and Non-Ext OP Type 255. */
	if (optlen8 == 255 && cursor_peek_u8(&c, 0, &t) == 0 && t == 255) {
		ext = true;
		o->ext_opt_len = true;
		if (cursor_skip(&c, 1) == -1 ||
		    cursor_get_u16(&c, &optlen) == -1) {
			cap_fail(o, "RFC 9072 2: truncated Extended Optional "
			    "Parameters Length");
			return 0;
		}
	}
	if (cursor_sub(&c, optlen, &params) == -1) {
		cap_fail(o, "RFC 4271 4.2: Optional Parameters Length "
		    "beyond the message");
		return 0;
	}
	if (params_parse(o, &params, ext) == 0 && !cursor_empty(&c))
		o->why = "RFC 4271 4.2: bytes after the optional parameters";
	/* RFC 6793 section 4.1: the capability carries the real AS. */
	if (o->cap_as4)
		o->as = o->as4;
	return 0;
}

uint8_t
bgp_open_addpath(const struct bgp_open *o, uint16_t afi, uint8_t safi)
{
	uint8_t i;

	for (i = 0; i < o->naddpath; i++)
		if (o->addpath[i].afi == afi && o->addpath[i].safi == safi)
			return o->addpath[i].flags;
	return 0;
}

const char *
bgp_role_name(uint8_t role)
{
	static const char *const names[] = {
		"provider", "rs", "rs-client", "customer", "peer",
	};

	if (role < sizeof(names) / sizeof(names[0]))
		return names[role];
	return role == BGP_ROLE_BAD ? "malformed" : "unknown";
}
