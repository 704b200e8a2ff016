/*
 * rtr_pdu.c - the RPKI-to-Router PDUs of versions 0 (RFC 6810), 1 (RFC
 * 8210) and 2 (draft-ietf-sidrops-8210bis), decoded through base/cursor.h
 * and encoded for the client's queries and the tests' server.
 *
 * Every PDU starts with the same 8 bytes (RFC 8210 section 5.1):
 *
 *    0          8          16         24        31
 *   .-------------------------------------------.
 *   | Protocol |   PDU    |  Session ID, zero,   |
 *   | Version  |   Type   |  Error Code or flags |
 *   +-------------------------------------------+
 *   |                 Length                    |  the whole PDU
 *   `-------------------------------------------'
 *
 * The decoder is a function of the bytes alone (no session state), so
 * the client and the passive audit, which may pick a stream up
 * mid-session, read it the same way.  Its order of work:
 *   1. the header: version 0-2, a known type that exists in that
 *      version, a length that is possible for the type and version and
 *      at most RTR_MAX_PDU_LEN.  A bad length is refused from the header
 *      alone, before waiting for bytes that would never make sense;
 *   2. RTR_DECODE_SHORT with *need = the whole PDU until it is there;
 *   3. the PDU carved with cursor_sub() (consume, then interpret) and its
 *      body read field by field; every field the RFCs call "zero" must
 *      be zero, and the body must use exactly the carved length.
 * A refusal names the field in *why ("IPv4 Prefix: max length 33 > 32"
 * style, but static: "max length over 32").  After RTR_DECODE_BAD the
 * framing of the stream is lost (RFC 8210 section 10: a router sends
 * Error Report 0 and drops the session), which the callers do.
 *
 * Not checked here, because they are session rules, not PDU rules: the
 * version staying the same within a session, serial order, the End of
 * Data timers' ranges (RFC 8210 section 6 gives them; caches are
 * configurable outside them and the tests use short ones), duplicate
 * announcements.  Flag bits other than bit 0 of Prefix and Router Key
 * PDUs are kept as sent and ignored (the RFCs reserve them without a
 * "must be zero").
 *
 * ASPA (type 11, version 2) has two layouts; docs/rtr.md says how they
 * are told apart, in short: a header whose byte 2 has bit 0 set is the
 * current layout's announcement; byte 2 and 3 zero with length 12 is
 * its withdrawal; byte 2 and 3 zero with length >= 16 is draft -10's
 * layout (flags, AFI flags, provider count in the body), accepted only
 * when its count matches the length exactly.
 */
#include <string.h>

#include "base/cursor.h"
#include "rpki/rtr_pdu.h"

/* Fixed lengths (RFC 8210 section 5). */
#define LEN_SERIAL	12	/* Serial Notify, Serial Query */
#define LEN_EMPTY	8	/* Reset Query, Cache Response, Cache Reset */
#define LEN_V4		20
#define LEN_V6		32
#define LEN_EOD_V0	12
#define LEN_EOD_V1	24
#define LEN_RKEY_MIN	32	/* header, SKI (20), ASN; SPKI follows */
#define LEN_ERR_MIN	16	/* header, two length fields */
#define LEN_ASPA	12	/* header, customer; providers follow */
#define LEN_ASPA_OLD	16	/* header, flags/AFI/count, customer */
#define SKI_LEN		20

struct hdr {
	uint8_t		version, type;
	uint8_t		b2, b3;		/* bytes 2 and 3 as two octets */
	uint16_t	h16;		/* and as one 16-bit field */
	uint32_t	length;
};

/*
 * Step 1: is the header's length possible for its type and version?
 * NULL if so, else the reason.
 */
static const char *
check_header(const struct hdr *h)
{
	uint32_t l = h->length;

	if (h->version > 2)
		return "version: not 0, 1 or 2";
	if (l < RTR_HEADER_LEN)
		return "length: shorter than the 8-byte header";
	if (l > RTR_MAX_PDU_LEN)
		return "length: over RTR_MAX_PDU_LEN";
	switch (h->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		return l == LEN_SERIAL ? NULL : "length: not 12";
	case RTR_RESET_QUERY:
	case RTR_CACHE_RESPONSE:
	case RTR_CACHE_RESET:
		return l == LEN_EMPTY ? NULL : "length: not 8";
	case RTR_IPV4_PREFIX:
		return l == LEN_V4 ? NULL : "length: not 20 (IPv4 Prefix)";
	case RTR_IPV6_PREFIX:
		return l == LEN_V6 ? NULL : "length: not 32 (IPv6 Prefix)";
	case RTR_END_OF_DATA:
		if (h->version == 0)
			return l == LEN_EOD_V0 ? NULL :
			    "length: not 12 (End of Data, version 0)";
		return l == LEN_EOD_V1 ? NULL :
		    "length: not 24 (End of Data, version 1+)";
	case RTR_ROUTER_KEY:
		if (h->version == 0)
			return "type: Router Key is not in version 0";
		return l >= LEN_RKEY_MIN ? NULL :
		    "length: under 32 (Router Key)";
	case RTR_ERROR_REPORT:
		return l >= LEN_ERR_MIN ? NULL :
		    "length: under 16 (Error Report)";
	case RTR_ASPA:
		if (h->version < 2)
			return "type: ASPA needs version 2";
		if (l < LEN_ASPA)
			return "length: under 12 (ASPA)";
		return l % 4 == 0 ? NULL :
		    "length: not a multiple of 4 (ASPA providers)";
	default:
		return "type: unknown PDU type";
	}
}

static const char *
need_zero16(const struct hdr *h)
{
	return h->h16 == 0 ? NULL : "zero: header bytes 2-3 not zero";
}

/* IPv4 or IPv6 Prefix (RFC 8210 sections 5.6, 5.7). */
static const char *
dec_prefix(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	uint8_t plen, zero;
	struct prefix masked;
	size_t alen;
	unsigned maxbits;
	const char *why;

	if ((why = need_zero16(h)) != NULL)
		return why;
	pdu->prefix.family = h->type == RTR_IPV4_PREFIX ? ADDR_V4 : ADDR_V6;
	alen = h->type == RTR_IPV4_PREFIX ? 4 : 16;
	maxbits = addr_maxlen(pdu->prefix.family);
	if (cursor_get_u8(c, &pdu->flags) == -1 ||
	    cursor_get_u8(c, &plen) == -1 ||
	    cursor_get_u8(c, &pdu->max_len) == -1 ||
	    cursor_get_u8(c, &zero) == -1 ||
	    cursor_get_bytes(c, pdu->prefix.a, alen) == -1 ||
	    cursor_get_u32(c, &pdu->asn) == -1)
		return "length: prefix body short";
	if (zero != 0)
		return "zero: prefix byte 11 not zero";
	if (plen > maxbits)
		return "prefix length: over 32/128";
	if (pdu->max_len > maxbits)
		return "max length: over 32/128";
	if (plen > pdu->max_len)
		return "prefix length: over max length";
	pdu->prefix.len = plen;
	masked = pdu->prefix;
	prefix_mask(&masked);
	if (!prefix_eq(&masked, &pdu->prefix))
		return "prefix: host bits set";
	return NULL;
}

/* Router Key (RFC 8210 section 5.10): flags, zero, SKI, ASN, SPKI. */
static const char *
dec_router_key(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	if (h->b3 != 0)
		return "zero: Router Key header byte 3 not zero";
	pdu->flags = h->b2;
	pdu->ski = cursor_ptr(c);
	if (cursor_skip(c, SKI_LEN) == -1 ||
	    cursor_get_u32(c, &pdu->asn) == -1)
		return "length: Router Key body short";
	pdu->spki = cursor_ptr(c);
	pdu->spki_len = (uint32_t)cursor_left(c);
	(void)cursor_skip(c, cursor_left(c));
	return NULL;
}

/*
 * Error Report (RFC 8210 section 5.11): two length-prefixed fields that
 * must fill the PDU exactly.
 */
static const char *
dec_error(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	struct cursor f;
	uint32_t n;

	pdu->error_code = h->h16;
	if (cursor_get_u32(c, &n) == -1)
		return "length: Error Report body short";
	if (cursor_sub(c, n, &f) == -1)
		return "encapsulated PDU length: past the PDU";
	pdu->err_pdu = n > 0 ? cursor_ptr(&f) : NULL;
	pdu->err_pdu_len = n;
	if (cursor_get_u32(c, &n) == -1)
		return "error text length: missing";
	if (cursor_sub(c, n, &f) == -1)
		return "error text length: past the PDU";
	pdu->err_text = n > 0 ? (const char *)cursor_ptr(&f) : NULL;
	pdu->err_text_len = n;
	return NULL;
}

/*
 * ASPA, the current layout (8210bis): header flags in byte 2, zero in
 * byte 3, customer ASN, then N providers to the end.  A withdrawal names
 * the customer only.
 */
static const char *
dec_aspa_new(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	if (h->b3 != 0)
		return "zero: ASPA header byte 3 not zero";
	if ((h->b2 & ~RTR_FLAG_ANNOUNCE) != 0)
		return "flags: ASPA reserved flag bits set";
	pdu->flags = h->b2;
	if (cursor_get_u32(c, &pdu->asn) == -1)
		return "length: ASPA body short";
	pdu->nproviders = (uint32_t)(cursor_left(c) / 4);
	if (pdu->flags & RTR_FLAG_ANNOUNCE) {
		if (pdu->nproviders == 0)
			return "providers: ASPA announcement without any";
	} else if (pdu->nproviders != 0)
		return "providers: ASPA withdrawal with providers";
	pdu->providers = pdu->nproviders > 0 ? cursor_ptr(c) : NULL;
	(void)cursor_skip(c, cursor_left(c));
	return NULL;
}

/*
 * ASPA as in draft-ietf-sidrops-8210bis-10 (what stayrtr 0.5.1 sends at
 * version 2): zero header bytes 2-3, then flags, AFI flags (bit 0: IPv6),
 * a 16-bit provider count, the customer and count providers.
 */
static const char *
dec_aspa_old(struct cursor *c, struct rtr_pdu *pdu)
{
	uint16_t count;

	if (cursor_get_u8(c, &pdu->flags) == -1 ||
	    cursor_get_u8(c, &pdu->afi_flags) == -1 ||
	    cursor_get_u16(c, &count) == -1 ||
	    cursor_get_u32(c, &pdu->asn) == -1)
		return "length: ASPA (draft -10 layout) body short";
	if ((pdu->flags & ~RTR_FLAG_ANNOUNCE) != 0)
		return "flags: ASPA (draft -10 layout) reserved bits set";
	if ((pdu->afi_flags & ~RTR_ASPA_AFI_IPV6) != 0)
		return "AFI flags: ASPA (draft -10 layout) reserved bits set";
	if ((size_t)count != cursor_left(c) / 4)
		return "provider count: does not match the ASPA length";
	pdu->nproviders = count;
	pdu->providers = count > 0 ? cursor_ptr(c) : NULL;
	pdu->aspa_old_layout = true;
	(void)cursor_skip(c, cursor_left(c));
	return NULL;
}

static const char *
dec_aspa(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	/* The layouts differ only when the header's bytes 2-3 are zero
	 * and the PDU is longer than a current-layout withdrawal. */
	if (h->h16 == 0 && h->length >= LEN_ASPA_OLD)
		return dec_aspa_old(c, pdu);
	return dec_aspa_new(h, c, pdu);
}

static const char *
dec_body(const struct hdr *h, struct cursor *c, struct rtr_pdu *pdu)
{
	switch (h->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		pdu->session_id = h->h16;
		return cursor_get_u32(c, &pdu->serial) == -1 ?
		    "length: serial missing" : NULL;
	case RTR_CACHE_RESPONSE:
		pdu->session_id = h->h16;
		return NULL;
	case RTR_RESET_QUERY:
	case RTR_CACHE_RESET:
		return need_zero16(h);
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		return dec_prefix(h, c, pdu);
	case RTR_END_OF_DATA:
		pdu->session_id = h->h16;
		if (cursor_get_u32(c, &pdu->serial) == -1)
			return "length: serial missing";
		if (h->version == 0)
			return NULL;
		if (cursor_get_u32(c, &pdu->refresh) == -1 ||
		    cursor_get_u32(c, &pdu->retry) == -1 ||
		    cursor_get_u32(c, &pdu->expire) == -1)
			return "length: End of Data timers missing";
		return NULL;
	case RTR_ROUTER_KEY:
		return dec_router_key(h, c, pdu);
	case RTR_ERROR_REPORT:
		return dec_error(h, c, pdu);
	case RTR_ASPA:
		return dec_aspa(h, c, pdu);
	default:
		return "type: unknown PDU type";
	}
}

enum rtr_decode
rtr_pdu_decode(const uint8_t *buf, size_t len, struct rtr_pdu *pdu,
    size_t *need, const char **why)
{
	struct cursor c, body;
	struct hdr h;
	const char *dummy, *w;
	size_t dneed;

	if (why == NULL)
		why = &dummy;
	if (need == NULL)
		need = &dneed;
	*why = NULL;
	*need = 0;
	memset(pdu, 0, sizeof(*pdu));
	cursor_init(&c, buf, len);
	if (cursor_left(&c) < RTR_HEADER_LEN) {
		*need = RTR_HEADER_LEN;
		*why = "header: fewer than 8 bytes";
		return RTR_DECODE_SHORT;
	}
	(void)cursor_peek_u8(&c, 0, &h.version);
	(void)cursor_peek_u8(&c, 1, &h.type);
	(void)cursor_peek_u8(&c, 2, &h.b2);
	(void)cursor_peek_u8(&c, 3, &h.b3);
	(void)cursor_peek_u16(&c, 2, &h.h16);
	{
		struct cursor lc = c;

		(void)cursor_skip(&lc, 4);
		(void)cursor_get_u32(&lc, &h.length);
	}
	if ((w = check_header(&h)) != NULL) {
		*why = w;
		return RTR_DECODE_BAD;
	}
	if (cursor_sub(&c, h.length, &body) == -1) {
		*need = h.length;
		*why = "length: PDU not complete";
		return RTR_DECODE_SHORT;
	}
	(void)cursor_skip(&body, RTR_HEADER_LEN);
	pdu->version = h.version;
	pdu->type = h.type;
	pdu->length = h.length;
	if ((w = dec_body(&h, &body, pdu)) == NULL && !cursor_empty(&body))
		w = "length: bytes left after the PDU's fields";
	if (w != NULL) {
		*why = w;
		return RTR_DECODE_BAD;
	}
	return RTR_DECODE_OK;
}

uint32_t
rtr_pdu_provider(const struct rtr_pdu *pdu, uint32_t i)
{
	struct cursor c;
	uint32_t v = 0;

	if (i >= pdu->nproviders)
		return 0;
	cursor_init(&c, pdu->providers, (size_t)pdu->nproviders * 4);
	if (cursor_skip(&c, (size_t)i * 4) == -1 ||
	    cursor_get_u32(&c, &v) == -1)
		return 0;
	return v;
}

/* Encoding: a writer with the same never-past-the-end rule. */
struct wbuf {
	uint8_t	*p;
	size_t	 cap, len;
	bool	 over;
};

static void
put(struct wbuf *w, const void *src, size_t n)
{
	if (w->over || w->cap - w->len < n) {
		w->over = true;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
put8(struct wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 2);
}

static void
put32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 4);
}

/* The header with the length the body will have; 0 if impossible. */
static uint64_t
enc_length(const struct rtr_pdu *pdu)
{
	switch (pdu->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		return LEN_SERIAL;
	case RTR_RESET_QUERY:
	case RTR_CACHE_RESPONSE:
	case RTR_CACHE_RESET:
		return LEN_EMPTY;
	case RTR_IPV4_PREFIX:
		return LEN_V4;
	case RTR_IPV6_PREFIX:
		return LEN_V6;
	case RTR_END_OF_DATA:
		return pdu->version == 0 ? LEN_EOD_V0 : LEN_EOD_V1;
	case RTR_ROUTER_KEY:
		return (uint64_t)LEN_RKEY_MIN + pdu->spki_len;
	case RTR_ERROR_REPORT:
		return (uint64_t)LEN_ERR_MIN + pdu->err_pdu_len +
		    pdu->err_text_len;
	case RTR_ASPA:
		return (pdu->aspa_old_layout ? LEN_ASPA_OLD : LEN_ASPA) +
		    (uint64_t)pdu->nproviders * 4;
	default:
		return 0;
	}
}

static void
enc_body(const struct rtr_pdu *pdu, struct wbuf *w)
{
	static const uint8_t zeros[SKI_LEN];

	switch (pdu->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		put32(w, pdu->serial);
		break;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		put8(w, pdu->flags);
		put8(w, pdu->prefix.len);
		put8(w, pdu->max_len);
		put8(w, 0);
		put(w, pdu->prefix.a, pdu->type == RTR_IPV4_PREFIX ? 4 : 16);
		put32(w, pdu->asn);
		break;
	case RTR_END_OF_DATA:
		put32(w, pdu->serial);
		if (pdu->version > 0) {
			put32(w, pdu->refresh);
			put32(w, pdu->retry);
			put32(w, pdu->expire);
		}
		break;
	case RTR_ROUTER_KEY:
		put(w, pdu->ski != NULL ? pdu->ski : zeros, SKI_LEN);
		put32(w, pdu->asn);
		put(w, pdu->spki, pdu->spki_len);
		break;
	case RTR_ERROR_REPORT:
		put32(w, pdu->err_pdu_len);
		put(w, pdu->err_pdu, pdu->err_pdu_len);
		put32(w, pdu->err_text_len);
		put(w, pdu->err_text, pdu->err_text_len);
		break;
	case RTR_ASPA:
		if (pdu->aspa_old_layout) {
			put8(w, pdu->flags);
			put8(w, pdu->afi_flags);
			put16(w, (uint16_t)pdu->nproviders);
		}
		put32(w, pdu->asn);
		put(w, pdu->providers, (size_t)pdu->nproviders * 4);
		break;
	default:
		break;
	}
}

/* Bytes 2-3 of the header. */
static uint16_t
enc_h16(const struct rtr_pdu *pdu)
{
	switch (pdu->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
	case RTR_CACHE_RESPONSE:
	case RTR_END_OF_DATA:
		return pdu->session_id;
	case RTR_ERROR_REPORT:
		return pdu->error_code;
	case RTR_ROUTER_KEY:
		return (uint16_t)(pdu->flags << 8);
	case RTR_ASPA:
		return pdu->aspa_old_layout ? 0 : (uint16_t)(pdu->flags << 8);
	default:
		return 0;
	}
}

size_t
rtr_pdu_encode(const struct rtr_pdu *pdu, uint8_t *out, size_t cap)
{
	struct wbuf w = { out, cap, 0, false };
	uint64_t len;

	len = enc_length(pdu);
	if (len == 0 || len > RTR_MAX_PDU_LEN || len > cap ||
	    (pdu->type == RTR_ASPA && pdu->aspa_old_layout &&
	    pdu->nproviders > UINT16_MAX))
		return 0;
	put8(&w, pdu->version);
	put8(&w, pdu->type);
	put16(&w, enc_h16(pdu));
	put32(&w, (uint32_t)len);
	enc_body(pdu, &w);
	if (w.over || w.len != len)
		return 0;
	return w.len;
}

const char *
rtr_pdu_type_name(unsigned type)
{
	static const char *const names[] = {
		[RTR_SERIAL_NOTIFY] = "Serial Notify",
		[RTR_SERIAL_QUERY] = "Serial Query",
		[RTR_RESET_QUERY] = "Reset Query",
		[RTR_CACHE_RESPONSE] = "Cache Response",
		[RTR_IPV4_PREFIX] = "IPv4 Prefix",
		[RTR_IPV6_PREFIX] = "IPv6 Prefix",
		[RTR_END_OF_DATA] = "End of Data",
		[RTR_CACHE_RESET] = "Cache Reset",
		[RTR_ROUTER_KEY] = "Router Key",
		[RTR_ERROR_REPORT] = "Error Report",
		[RTR_ASPA] = "ASPA",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type] != NULL)
		return names[type];
	return "unknown";
}

const char *
rtr_error_name(unsigned code)
{
	static const char *const names[] = {
		[RTR_ERR_CORRUPT] = "Corrupt Data",
		[RTR_ERR_INTERNAL] = "Internal Error",
		[RTR_ERR_NO_DATA] = "No Data Available",
		[RTR_ERR_INVALID_REQUEST] = "Invalid Request",
		[RTR_ERR_UNSUPPORTED_VERSION] =
		    "Unsupported Protocol Version",
		[RTR_ERR_UNSUPPORTED_TYPE] = "Unsupported PDU Type",
		[RTR_ERR_WITHDRAW_UNKNOWN] = "Withdrawal of Unknown Record",
		[RTR_ERR_DUPLICATE_ANNOUNCE] =
		    "Duplicate Announcement Received",
		[RTR_ERR_UNEXPECTED_VERSION] =
		    "Unexpected Protocol Version",
		[RTR_ERR_ASPA_PROVIDER_LIST] = "ASPA Provider List Error",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code] != NULL)
		return names[code];
	return "unknown";
}
