/*
 * bgp_frame.c - framing of both byte streams of a BGP session into
 * messages, and resynchronisation on the marker after gaps.
 *
 * Framing (RFC 4271 4.1).  Each direction is cut into messages on its
 * own.  A whole message that lies inside the chunk reassembly delivered
 * is dispatched in place (no copy); only a message that straddles chunks
 * is copied into the direction's buffer, which therefore never holds
 * more than one partial message (<= 65535 bytes).  A header is plausible
 * when its marker is 16 x 0xff, its type is 1..5 and its length fits the
 * type's minimum and the maximum in force: 4096, or 65535 when both OPENs
 * advertised extended messages (RFC 8654; OPEN and KEEPALIVE stay at
 * 4096), or 65535 when that cannot be known because an OPEN was not
 * seen (counted in bgp_ext_unnegotiated).
 *
 * Resynchronisation.  A direction starts in resync (the capture may have
 * begun mid-session) and re-enters it after a gap and after an
 * implausible header.  Resync scans for a plausible header and, when the
 * bytes right after the candidate message are at hand, requires them to
 * be a plausible header too, so that a run of 0xff inside an attribute
 * is not taken for a marker.  Up to 18 bytes of not-yet-ruled-out tail
 * are kept across data() calls, since a marker can straddle them.  A
 * partial message pending at a gap is dropped, never glued to the bytes
 * after the gap.  Finding a marker at the very start of a stream is not
 * counted as a resync.
 *
 * Whole messages go to bgp_session_dispatch() (bgp_session.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_session.h"
#include "bgp/bgp_session_internal.h"
#include "base/cursor.h"
#include "base/log.h"
#include "base/stats.h"

#define RESYNC_TAIL	(BGP_HEADER_LEN - 1)

/* RFC 4271 4.2-4.5, RFC 2918 3: smallest legal length per type. */
static const uint16_t min_len[] = { 0, 29, 23, 21, 19, 23 };

static const uint8_t bgp_marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/*
 * RFC 4271 4.1 header: Marker (16 x 0xff), Length (2), Type (1), read
 * from the start of hdr (which is not advanced).  0 when plausible, with
 * *lenp and *typep set; -1 otherwise (also when hdr is short).
 */
static int
hdr_check(const struct bgp_session *s, const struct cursor *hdr,
    uint16_t *lenp, uint8_t *typep, bool *unnegotiated)
{
	struct cursor c = *hdr;
	uint16_t len, max;
	uint8_t type;

	if (!cursor_match(&c, bgp_marker, sizeof(bgp_marker)))
		return -1;
	if (cursor_get_u16(&c, &len) == -1 || cursor_get_u8(&c, &type) == -1)
		return -1;
	if (type < BGP_OPEN || type > BGP_ROUTE_REFRESH)
		return -1;
	*unnegotiated = false;
	max = BGP_MAX_LEN;
	/* RFC 8654 section 3: OPEN and KEEPALIVE stay within 4096. */
	if (type != BGP_OPEN && type != BGP_KEEPALIVE) {
		switch (s->ext) {
		case EXT_YES:
			max = BGP_MAX_LEN_EXT;
			break;
		case EXT_UNKNOWN:
			max = BGP_MAX_LEN_EXT;
			*unnegotiated = len > BGP_MAX_LEN;
			break;
		case EXT_NO:
			break;
		}
	}
	if (type == BGP_KEEPALIVE)
		max = BGP_HEADER_LEN;	/* RFC 4271 4.4: header only */
	if (len < min_len[type] || len > max)
		return -1;
	*lenp = len;
	*typep = type;
	return 0;
}

/*
 * The resync window: the kept tail (dr->buf) followed by the chunk.
 * Copy n bytes starting at window position pos into out; -1 if short.
 */
static int
window_get(const struct bgp_dir *dr, const struct cursor *c, size_t pos,
    uint8_t *out, size_t n)
{
	struct cursor t;
	size_t i;

	cursor_init(&t, dr->buf, dr->buflen);
	for (i = 0; i < n; i++, pos++) {
		if (pos < dr->buflen) {
			if (cursor_peek_u8(&t, pos, &out[i]) == -1)
				return -1;
		} else if (cursor_peek_u8(c, pos - dr->buflen, &out[i]) == -1)
			return -1;
	}
	return 0;
}

/* Is there a plausible header at window position pos (and after it)? */
static bool
resync_candidate(const struct bgp_session *s, const struct bgp_dir *dr,
    const struct cursor *c, size_t pos)
{
	uint8_t hdr[BGP_HEADER_LEN], type;
	struct cursor h;
	uint16_t len;
	bool unneg;

	cursor_init(&h, hdr, sizeof(hdr));
	if (window_get(dr, c, pos, hdr, sizeof(hdr)) == -1 ||
	    hdr_check(s, &h, &len, &type, &unneg) == -1)
		return false;
	/* Confirm with the next header when its bytes are at hand. */
	if (window_get(dr, c, pos + len, hdr, sizeof(hdr)) == -1)
		return true;
	return hdr_check(s, &h, &len, &type, &unneg) == 0;
}

static void
resync_skipped(struct bgp_dir *dr, size_t n)
{
	if (n == 0)
		return;
	if (!dr->resync_counted) {
		dr->resync_counted = true;
		STAT_INC(bgp_resyncs);
	}
	STAT_ADD(bgp_resync_skipped, n);
}

static void
resync_enter(struct bgp_dir *dr)
{
	dr->resync = true;
	dr->resync_counted = true;
	STAT_INC(bgp_resyncs);
}

/*
 * Scan the window (tail + chunk) for a plausible header.  Returns 0 when
 * found: the direction is in sync, the bytes of the candidate that were
 * in the tail are in dr->buf and c points past what was consumed.
 * Returns -1 when the chunk was consumed without a find; the last bytes
 * that may still begin a header are kept as the new tail.
 */
static int
resync_scan(struct bgp_session *s, struct bgp_dir *dr, struct cursor *c)
{
	size_t total = dr->buflen + cursor_left(c), pos, keep;
	uint8_t b;

	for (pos = 0; pos + BGP_HEADER_LEN <= total; pos++) {
		if (window_get(dr, c, pos, &b, 1) == -1 || b != 0xff)
			continue;
		if (!resync_candidate(s, dr, c, pos))
			continue;
		resync_skipped(dr, pos);
		if (pos < dr->buflen) {
			memmove(dr->buf, dr->buf + pos, dr->buflen - pos);
			dr->buflen -= pos;
		} else {
			cursor_skip(c, pos - dr->buflen);
			dr->buflen = 0;
		}
		dr->off += pos;
		dr->resync = false;
		return 0;
	}
	/* Keep what could still start a header: from a 0xff, < 19 bytes. */
	keep = total < RESYNC_TAIL ? total : RESYNC_TAIL;
	while (keep > 0 && (window_get(dr, c, total - keep, &b, 1) == -1 ||
	    b != 0xff))
		keep--;
	resync_skipped(dr, total - keep);
	dr->off += total - keep;
	if (keep > 0) {
		uint8_t tail[RESYNC_TAIL];

		window_get(dr, c, total - keep, tail, keep);
		memcpy(dr->buf, tail, keep);
	}
	dr->buflen = keep;
	cursor_skip(c, cursor_left(c));
	return -1;
}

static int
buf_reserve(struct bgp_dir *dr, size_t n)
{
	uint8_t *nb;
	size_t cap;

	if (dr->bufcap >= n)
		return 0;
	cap = dr->bufcap == 0 ? 256 : dr->bufcap;
	while (cap < n)
		cap *= 2;
	if (cap > BGP_MAX_LEN_EXT)
		cap = BGP_MAX_LEN_EXT;
	if ((nb = realloc(dr->buf, cap)) == NULL)
		return -1;
	dr->buf = nb;
	dr->bufcap = cap;
	return 0;
}

/* Append up to want bytes from c to the buffer; false if out of memory. */
static bool
buf_fill(struct bgp_dir *dr, struct cursor *c, size_t upto)
{
	size_t n = upto - dr->buflen;

	if (n > cursor_left(c))
		n = cursor_left(c);
	if (buf_reserve(dr, dr->buflen + n) == -1)
		return false;
	cursor_get_bytes(c, dr->buf + dr->buflen, n);
	dr->buflen += n;
	return true;
}

static void
bad_header(struct bgp_dir *dr, const uint8_t hdr[BGP_HEADER_LEN])
{
	struct cursor c;
	char name[2 * IPADDR_STRLEN + 24];
	uint8_t type = 0;

	cursor_init(&c, hdr, BGP_HEADER_LEN);
	cursor_skip(&c, BGP_HEADER_LEN - 1);
	cursor_get_u8(&c, &type);
	STAT_INC(bgp_bad_header);
	if (type == 0 || type > BGP_ROUTE_REFRESH)
		STAT_INC(bgp_unknown_type);
	log_debug("bgp: %s offset %llu: implausible header, resyncing",
	    bgp_session_dir_name(dr, name, sizeof(name)),
	    (unsigned long long)dr->off);
	resync_enter(dr);
}

/*
 * Continue a message begun in an earlier chunk.  The header's plausibility
 * is checked once all 19 bytes are buffered.  -1 only when out of memory.
 */
static int
feed_buffered(struct bgp_session *s, int d, struct cursor *c,
    const struct packet *pkt)
{
	struct bgp_dir *dr = &s->dir[d];
	uint8_t hdr[BGP_HEADER_LEN], type;
	struct cursor h;
	uint16_t len;
	bool unneg;

	if (dr->buflen < BGP_HEADER_LEN) {
		if (!buf_fill(dr, c, BGP_HEADER_LEN))
			return -1;
		if (dr->buflen < BGP_HEADER_LEN)
			return 0;
	}
	memcpy(hdr, dr->buf, BGP_HEADER_LEN);
	cursor_init(&h, hdr, sizeof(hdr));
	if (hdr_check(s, &h, &len, &type, &unneg) == -1) {
		bad_header(dr, hdr);
		/* Rescan from the header's second byte. */
		memmove(dr->buf, dr->buf + 1, BGP_HEADER_LEN - 1);
		dr->buflen = BGP_HEADER_LEN - 1;
		resync_skipped(dr, 1);
		dr->off++;
		return 0;
	}
	if (!buf_fill(dr, c, len))
		return -1;
	if (dr->buflen < len)
		return 0;
	if (unneg)
		STAT_INC(bgp_ext_unnegotiated);
	dr->buflen = 0;
	bgp_session_dispatch(s, d, dr->buf, len, pkt, dr->off);
	dr->off += len;
	return 0;
}

/*
 * Cut the message that starts at c, in place; buffer it if it is partial.
 * -1 only when out of memory.
 */
static int
feed_chunk(struct bgp_session *s, int d, struct cursor *c,
    const struct packet *pkt)
{
	struct bgp_dir *dr = &s->dir[d];
	struct cursor msg;
	uint8_t hdr[BGP_HEADER_LEN], type;
	uint16_t len;
	bool unneg;

	if (cursor_left(c) < BGP_HEADER_LEN)
		return buf_fill(dr, c, BGP_HEADER_LEN) ? 0 : -1;
	/* Checked where it lies: the header is only copied if it is bad. */
	if (hdr_check(s, c, &len, &type, &unneg) == -1) {
		(void)cursor_peek_bytes(c, 0, hdr, sizeof(hdr));
		bad_header(dr, hdr);
		cursor_skip(c, 1);
		resync_skipped(dr, 1);
		dr->off++;
		return 0;
	}
	/* A partial message is the only case that copies. */
	if (cursor_sub(c, len, &msg) == -1)
		return buf_fill(dr, c, len) ? 0 : -1;
	if (unneg)
		STAT_INC(bgp_ext_unnegotiated);
	bgp_session_dispatch(s, d, cursor_ptr(&msg), len, pkt, dr->off);
	dr->off += len;
	return 0;
}

void
bgp_session_data(struct bgp_session *s, int dir, const uint8_t *p, size_t n,
    const struct packet *pkt)
{
	struct bgp_dir *dr;
	struct cursor c;
	int rv;

	if (s == NULL || (dir != 0 && dir != 1))
		return;
	dr = &s->dir[dir];
	cursor_init(&c, p, n);
	while (!cursor_empty(&c)) {
		if (dr->resync) {
			if ((rv = buf_reserve(dr, BGP_HEADER_LEN)) == 0 &&
			    resync_scan(s, dr, &c) == -1)
				return;
		} else if (dr->buflen > 0)
			rv = feed_buffered(s, dir, &c, pkt);
		else
			rv = feed_chunk(s, dir, &c, pkt);
		if (rv == -1) {
			/* Out of memory: lose this chunk as if it were a gap. */
			log_warnx("bgp: no memory for a message buffer");
			resync_skipped(dr, dr->buflen + cursor_left(&c));
			dr->off += dr->buflen + cursor_left(&c);
			dr->buflen = 0;
			resync_enter(dr);
			return;
		}
	}
}

void
bgp_session_gap(struct bgp_session *s, int dir, uint64_t nbytes,
    const struct packet *pkt)
{
	struct bgp_dir *dr;
	char name[2 * IPADDR_STRLEN + 24];

	(void)pkt;
	if (s == NULL || (dir != 0 && dir != 1))
		return;
	dr = &s->dir[dir];
	dr->gaps++;
	dr->gap_bytes += nbytes;
	log_info("bgp: %s offset %llu: %llu bytes lost in reassembly, "
	    "resyncing", bgp_session_dir_name(dr, name, sizeof(name)),
	    (unsigned long long)dr->off + dr->buflen,
	    (unsigned long long)nbytes);
	if (dr->resync)
		resync_skipped(dr, dr->buflen);
	else if (dr->buflen > 0)
		STAT_INC(bgp_msg_across_gap);
	dr->off += dr->buflen + nbytes;
	dr->buflen = 0;
	resync_enter(dr);
}

/*
 * A whole message from a producer that frames messages itself (MRT
 * records, BMP messages): the same header check as a framed one, no
 * buffering and no resynchronisation (the producer's framing is the
 * boundary), then the same dispatch.
 */
const char *
bgp_session_message(struct bgp_session *s, int dir, const uint8_t *msg,
    size_t len, const struct packet *pkt)
{
	struct bgp_dir *dr;
	struct cursor c;
	uint16_t mlen;
	uint8_t type;
	bool unneg;

	if (s == NULL || (dir != 0 && dir != 1))
		return "no session";
	dr = &s->dir[dir];
	cursor_init(&c, msg, len);
	if (len < BGP_HEADER_LEN)
		return "shorter than a BGP header";
	if (hdr_check(s, &c, &mlen, &type, &unneg) == -1)
		return "not a plausible BGP header (marker, length or type)";
	if (mlen != len)
		return "BGP length differs from the record's";
	if (unneg)
		STAT_INC(bgp_ext_unnegotiated);
	dr->resync = false;
	bgp_session_dispatch(s, dir, msg, len, pkt, dr->off);
	dr->off += len;
	return NULL;
}
