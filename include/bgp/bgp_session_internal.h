/*
 * bgp_session_internal.h - the seam between the four files of a BGP
 * session: bgp_session.c (life cycle, dispatch of whole messages, session
 * events), bgp_frame.c (framing and resynchronisation of each byte
 * stream), bgp_infer.c (the encodings of each direction, negotiated
 * from the OPENs or inferred) and bgp_session_role.c (the RFC 9234 roles
 * of both ends).  Private to them: the public contract is bgp_session.h.
 */
#ifndef ROVMON_BGP_SESSION_INTERNAL_H
#define ROVMON_BGP_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "bgp/bgp_session.h"
#include "bgp/bgp_update.h"

/*
 * Encoding bits of one direction; an encoding mask (enc) is a value 0..7
 * of these.
 */
#define ENC_AS4		0x01
#define ENC_AP4		0x02	/* ADD-PATH IPv4 unicast */
#define ENC_AP6		0x04	/* ADD-PATH IPv6 unicast */
#define ENC_ALL		0x07
#define ENC_NBITS	3
#define ENC_DEFAULT	ENC_AS4	/* preference: as4 on, ADD-PATH off */
/* The public bits (bgp.h) are these, so stated values need no mapping. */
_Static_assert(ENC_AS4 == BGP_ENC_AS4 && ENC_AP4 == BGP_ENC_ADDPATH_V4 &&
    ENC_AP6 == BGP_ENC_ADDPATH_V6 && ENC_ALL == BGP_ENC_ALL,
    "encoding bits");

struct bgp_infer {
	uint8_t		fixed;		/* bits decided by the OPENs */
	uint8_t		sticky;		/* bits confirmed INFER_STICKY times */
	uint8_t		value;		/* current encoding mask (all bits) */
	uint8_t		confirm[ENC_NBITS];
	uint8_t		stated;		/* bits a producer stated
					 * (bgp_session_encoding()) */
	uint8_t		stated_value;
	bool		counted;	/* stats.bgp_inferred done */
	uint32_t	used;		/* UPDATEs decoded under an inferred
					 * encoding mask so far */
};

struct bgp_dir {
	struct bgp_open	 open;		/* what this direction's sender sent */
	uint32_t	 as_stated;	/* the sender's AS where no OPEN says
					 * (bgp_session_set_as()), 0 unknown */
	struct flow_endpoint src, dst;
	bool		 resync;	/* hunting for a marker */
	bool		 resync_counted; /* stats.bgp_resyncs done for it */
	uint8_t		*buf;		/* partial message or resync tail */
	size_t		 buflen, bufcap;
	uint64_t	 off;		/* stream offset of the next byte */
	struct bgp_update_scratch *scratch;
	struct bgp_infer inf;
	struct bgp_msg_ctx ctx;		/* this direction's message context
					 * minus the message (ctx_refresh) */
	uint64_t	 msgs[BGP_ROUTE_REFRESH + 1];	/* by type */
	bool		 framed;	/* a message was cut from it */
	uint64_t	 gaps, gap_bytes;
};

enum ext_state { EXT_NO, EXT_YES, EXT_UNKNOWN };

struct bgp_session {
	struct bgp_dir	 dir[2];
	const struct bgp_sink *sink;
	uint64_t	 id;
	enum ext_state	 ext;		/* ext_state(), kept per OPEN */
	enum bgp_view	 view;		/* bgp_session_set_view() */
	/* RFC 9234 roles of endpoint i (dir[i].src) towards the other,
	 * kept by bgp_session_role.c; what it has logged and counted. */
	enum bgp_role	 role[2];
	enum bgp_role_source role_src;
	enum bgp_role	 role_cfg[2];	/* --role for endpoint i */
	bool		 role_mismatch;
	bool		 role_mismatch_told, role_disagree_told;
	bool		 role_cfg_conflict_told;
};

/* bgp_session.c */
/* "192.0.2.1:179 -> 192.0.2.2:40312" into buf (caller's, never static). */
char	*bgp_session_dir_name(const struct bgp_dir *, char *buf,
	    size_t len);
/* One whole, plausible message of direction d at stream offset off. */
void	 bgp_session_dispatch(struct bgp_session *, int d,
	    const uint8_t *msg, size_t len, const struct packet *,
	    uint64_t off);

/* bgp_session_role.c */
/* Settle the roles of s from its OPENs and --role (at creation and after
 * each OPEN); logs and counts what is new (mismatch, disagreement). */
void	 bgp_session_roles(struct bgp_session *);
/* The OPEN of direction d was just parsed: a malformed Role capability
 * is logged and counted. */
void	 bgp_session_role_open(const struct bgp_session *, int d);
/* A NOTIFICATION's code and subcode: 2/11 is counted. */
void	 bgp_session_role_notification(uint8_t code, uint8_t subcode);

/* bgp_infer.c */
/* RFC 8654 section 3: both speakers must advertise the capability. */
enum ext_state bgp_infer_ext_state(const struct bgp_session *);
/* Recompute the fixed bits of direction d after an OPEN; restart
 * inference. */
void	 bgp_infer_negotiate(struct bgp_session *, int d);
/* The encodings a producer stated for direction d (mask bits, value);
 * recomputes the fixed bits. */
void	 bgp_infer_state(struct bgp_session *, int d, uint8_t mask,
	    uint8_t value);
/* Decoding options for one UPDATE (body, len) of direction d. */
void	 bgp_infer_update_opts(struct bgp_session *, int d,
	    const uint8_t *body, size_t len, uint32_t peer_as,
	    struct bgp_decode_opts *);

#endif /* ROVMON_BGP_SESSION_INTERNAL_H */
