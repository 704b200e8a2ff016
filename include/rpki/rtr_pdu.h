/*
 * rtr_pdu.h - the RPKI-to-Router protocol's PDUs, one codec for every
 * version rovmon meets: 0 (RFC 6810), 1 (RFC 8210) and 2
 * (draft-ietf-sidrops-8210bis; docs/rtr.md names the revision and the
 * older ASPA layout Debian's stayrtr 0.5.1 sends, which is decoded too).
 *
 * The same decoder serves the RTR client (rtr.c: rovmon fetching VRPs and
 * ASPAs from a cache) and the passive audit (rtr_audit.c: a router's RTR
 * session decoded off the mirror), which is why rovmon has its own codec
 * rather than rtrlib's (Debian's librtr speaks v0/v1 only and cannot
 * decode a captured session).  Parsing goes through base/cursor.h.
 */
#ifndef ROVMON_RTR_PDU_H
#define ROVMON_RTR_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"

#define RTR_HEADER_LEN		8
#define RTR_MAX_PDU_LEN		(1u << 20)	/* larger is refused: an
					 * ASPA with 262k providers, or a
					 * Router Key, never needs more */

enum rtr_pdu_type {
	RTR_SERIAL_NOTIFY = 0,
	RTR_SERIAL_QUERY = 1,
	RTR_RESET_QUERY = 2,
	RTR_CACHE_RESPONSE = 3,
	RTR_IPV4_PREFIX = 4,
	RTR_IPV6_PREFIX = 6,
	RTR_END_OF_DATA = 7,
	RTR_CACHE_RESET = 8,
	RTR_ROUTER_KEY = 9,
	RTR_ERROR_REPORT = 10,
	RTR_ASPA = 11,
};

/* Error Report codes (RFC 8210 section 12, 8210bis). */
enum rtr_error {
	RTR_ERR_CORRUPT = 0,
	RTR_ERR_INTERNAL = 1,
	RTR_ERR_NO_DATA = 2,
	RTR_ERR_INVALID_REQUEST = 3,
	RTR_ERR_UNSUPPORTED_VERSION = 4,
	RTR_ERR_UNSUPPORTED_TYPE = 5,
	RTR_ERR_WITHDRAW_UNKNOWN = 6,
	RTR_ERR_DUPLICATE_ANNOUNCE = 7,
	RTR_ERR_UNEXPECTED_VERSION = 8,
	RTR_ERR_ASPA_PROVIDER_LIST = 9,
};

#define RTR_FLAG_ANNOUNCE	0x01	/* prefix, router key, ASPA */
#define RTR_ASPA_AFI_IPV6	0x01	/* afi_flags of the draft -10 ASPA
					 * layout: set IPv6, clear IPv4 */

/*
 * One decoded PDU.  Variable parts point into the buffer given to
 * rtr_pdu_decode() (valid while it is): providers as network-order
 * 4-byte ASNs (use rtr_pdu_provider()), Router Key SKI and SPKI, the
 * Error Report's encapsulated PDU and text.
 */
struct rtr_pdu {
	uint8_t		 version;
	uint8_t		 type;		/* enum rtr_pdu_type */
	uint16_t	 session_id;	/* Serial Notify/Query, Cache
					 * Response, End of Data */
	uint32_t	 length;	/* the whole PDU, header included */
	uint32_t	 serial;	/* Serial Notify/Query, End of Data */
	/* End of Data, version >= 1 (0 in version 0) */
	uint32_t	 refresh, retry, expire;
	/* IPv4/IPv6 Prefix */
	uint8_t		 flags;		/* RTR_FLAG_ANNOUNCE; ASPA too */
	struct prefix	 prefix;
	uint8_t		 max_len;
	uint32_t	 asn;		/* prefix origin; Router Key ASN;
					 * ASPA customer */
	/* ASPA */
	uint32_t	 nproviders;
	const uint8_t	*providers;
	bool		 aspa_old_layout;	/* decoded with the layout of
					 * 8210bis-10 (AFI flags, count) */
	uint8_t		 afi_flags;	/* that layout only: an ASPA is per
					 * customer and address family
					 * (RTR_ASPA_AFI_IPV6); 0 otherwise */
	/* Router Key */
	const uint8_t	*ski;		/* 20 bytes */
	const uint8_t	*spki;
	uint32_t	 spki_len;
	/* Error Report */
	uint16_t	 error_code;	/* enum rtr_error */
	const uint8_t	*err_pdu;
	uint32_t	 err_pdu_len;
	const char	*err_text;	/* not NUL-terminated */
	uint32_t	 err_text_len;
};

enum rtr_decode {
	RTR_DECODE_OK = 0,
	RTR_DECODE_SHORT,	/* need more bytes: *need says how many in
				 * all (header, or the whole PDU) */
	RTR_DECODE_BAD,		/* malformed: *why says which field; the
				 * stream cannot be trusted after it */
};

/*
 * Decode the PDU at the start of buf[0..len).  On RTR_DECODE_OK, *pdu is
 * filled and pdu->length bytes were used.  why is a static string.
 */
enum rtr_decode rtr_pdu_decode(const uint8_t *buf, size_t len,
	    struct rtr_pdu *pdu, size_t *need, const char **why);

/* The i-th ASPA provider ASN (i < pdu->nproviders). */
uint32_t rtr_pdu_provider(const struct rtr_pdu *, uint32_t i);

/*
 * Encoders for what a client sends (Reset Query, Serial Query) and, for
 * tests and error replies, every PDU: write into out[0..cap), return the
 * length written, or 0 if cap is too small.
 */
size_t	 rtr_pdu_encode(const struct rtr_pdu *, uint8_t *out, size_t cap);

const char *rtr_pdu_type_name(unsigned type);	/* "Serial Notify", ...;
					 * "unknown" */
const char *rtr_error_name(unsigned code);

#endif /* ROVMON_RTR_PDU_H */
