/*
 * bgp_aspath.c - AS paths: decode, inflate, merge AS4_PATH, derive origin.
 *
 * Invariants of a struct bgp_aspath_buf after a successful call:
 *   - segments are contiguous and in order: seg[0].start == 0 and
 *     seg[i + 1].start == seg[i].start + seg[i].count;
 *   - nasn == sum of seg[i].count, every count >= 1;
 *   - every ASN is 4 octets wide (2-octet paths were inflated once).
 * Arrays only grow (doubling), so a buffer reused per UPDATE stops
 * allocating once it has seen the longest path of the session.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_aspath.h"

#define ASPATH_MIN_ASNS	64
#define ASPATH_MIN_SEGS	16

void
bgp_aspath_buf_free(struct bgp_aspath_buf *b)
{
	if (b == NULL)
		return;
	free(b->asns);
	free(b->seg);
	memset(b, 0, sizeof(*b));
}

/* Make room for nasn ASNs and nseg segments in total. */
static int
aspath_reserve(struct bgp_aspath_buf *b, uint32_t nasn, uint32_t nseg)
{
	uint32_t cap;
	void *p;

	if (nasn > b->asn_cap) {
		cap = b->asn_cap > 0 ? b->asn_cap : ASPATH_MIN_ASNS;
		while (cap < nasn)
			cap *= 2;
		if ((p = realloc(b->asns, (size_t)cap * sizeof(*b->asns))) ==
		    NULL)
			return ASPATH_NOMEM;
		b->asns = p;
		b->asn_cap = cap;
	}
	if (nseg > b->seg_cap) {
		cap = b->seg_cap > 0 ? b->seg_cap : ASPATH_MIN_SEGS;
		while (cap < nseg)
			cap *= 2;
		if ((p = realloc(b->seg, (size_t)cap * sizeof(*b->seg))) ==
		    NULL)
			return ASPATH_NOMEM;
		b->seg = p;
		b->seg_cap = cap;
	}
	return ASPATH_OK;
}

static bool
seg_type_ok(uint8_t type)
{
	return type >= AS_SET && type <= AS_CONFED_SET;
}

static bool
seg_is_confed(uint8_t type)
{
	return type == AS_CONFED_SEQUENCE || type == AS_CONFED_SET;
}

/*
 * RFC 7606 7.2: an AS_PATH is malformed on an unknown segment type, a
 * segment overrunning the attribute, a trailing octet too short for a
 * segment header, or a segment with a zero count.
 */
int
bgp_aspath_decode(struct bgp_aspath_buf *b, const struct cursor *attr,
    bool as4, bool drop_confed, const char **why)
{
	struct cursor c = *attr, seg;
	size_t asize = as4 ? 4 : 2;
	uint8_t type, count;
	int rv;

	b->nasn = b->nseg = 0;
	/* Each ASN takes >= 2 octets: this bounds both arrays. */
	if (cursor_left(&c) / 2 > b->asn_cap ||
	    cursor_left(&c) / 2 > b->seg_cap) {
		if ((rv = aspath_reserve(b, (uint32_t)(cursor_left(&c) / 2),
		    (uint32_t)(cursor_left(&c) / 2))) != ASPATH_OK)
			return rv;
	}
	while (!cursor_empty(&c)) {
		if (cursor_get_u8(&c, &type) == -1 ||
		    cursor_get_u8(&c, &count) == -1) {
			if (why != NULL)
				*why = "RFC 7606 7.2: AS_PATH ends inside a "
				    "segment header";
			return ASPATH_MALFORMED;
		}
		if (!seg_type_ok(type)) {
			if (why != NULL)
				*why = "RFC 7606 7.2: unknown AS_PATH segment "
				    "type";
			return ASPATH_MALFORMED;
		}
		if (count == 0) {
			if (why != NULL)
				*why = "RFC 7606 7.2: AS_PATH segment with "
				    "zero length";
			return ASPATH_MALFORMED;
		}
		if (cursor_sub(&c, asize * count, &seg) == -1) {
			if (why != NULL)
				*why = "RFC 7606 7.2: AS_PATH segment overruns "
				    "the attribute";
			return ASPATH_MALFORMED;
		}
		/* RFC 6793 6: confed segments in AS4_PATH are discarded. */
		if (drop_confed && seg_is_confed(type))
			continue;
		b->seg[b->nseg].type = type;
		b->seg[b->nseg].count = count;
		b->seg[b->nseg].start = b->nasn;
		b->nseg++;
		/* seg holds exactly count ASNs: these cannot fail. */
		if (as4)
			(void)cursor_get_u32_array(&seg, b->asns + b->nasn, count);
		else
			(void)cursor_get_u16_array_u32(&seg, b->asns + b->nasn,
			    count);
		b->nasn += count;
	}
	return ASPATH_OK;
}

int
bgp_aspath_check(const struct cursor *attr, bool as4, bool *has_as0)
{
	struct cursor c = *attr, seg;
	size_t asize = as4 ? 4 : 2;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t type, count;

	if (has_as0 != NULL)
		*has_as0 = false;
	while (!cursor_empty(&c)) {
		if (cursor_get_u8(&c, &type) == -1 ||
		    cursor_get_u8(&c, &count) == -1 ||
		    !seg_type_ok(type) || count == 0 ||
		    cursor_sub(&c, asize * count, &seg) == -1)
			return -1;
		if (has_as0 == NULL)
			continue;
		while (!cursor_empty(&seg)) {
			if (as4)
				(void)cursor_get_u32(&seg, &v32);
			else {
				(void)cursor_get_u16(&seg, &v16);
				v32 = v16;
			}
			if (v32 == 0)
				*has_as0 = true;
		}
	}
	return 0;
}

uint32_t
bgp_aspath_length(const struct bgp_aspath_buf *b)
{
	uint32_t i, n = 0;

	for (i = 0; i < b->nseg; i++) {
		if (b->seg[i].type == AS_SEQUENCE)
			n += b->seg[i].count;
		else if (b->seg[i].type == AS_SET)
			n += 1;
	}
	return n;
}

/*
 * RFC 6793 4.2.3: "the AS path information SHALL be constructed by
 * taking as many AS numbers and path segments as necessary from the
 * leading part of the AS_PATH attribute, and then prepending them to the
 * AS4_PATH attribute so that the AS path information has a number of AS
 * numbers identical to that of the AS_PATH attribute.  Note that a valid
 * AS_CONFED_SEQUENCE or AS_CONFED_SET path segment SHALL be prepended if
 * it is either the leading path segment or is adjacent to a path segment
 * that is prepended."
 */
int
bgp_aspath_merge_as4(struct bgp_aspath_buf *path,
    const struct bgp_aspath_buf *as4)
{
	uint32_t n2, n4, need, i, nseg = 0, nasn = 0, take;
	bool prev_kept = false;
	struct bgp_as_segment *s;
	int rv;

	n2 = bgp_aspath_length(path);
	n4 = bgp_aspath_length(as4);
	if (n2 < n4)
		return ASPATH_OK;	/* "AS4_PATH SHALL be ignored" */
	if ((rv = aspath_reserve(path, path->nasn + as4->nasn,
	    path->nseg + as4->nseg)) != ASPATH_OK)
		return rv;
	need = n2 - n4;
	/* Keep the leading part, compacting as segments are cut short. */
	for (i = 0; i < path->nseg; i++) {
		s = &path->seg[i];
		take = s->count;
		if (seg_is_confed(s->type)) {
			if (i != 0 && !prev_kept)
				break;
		} else if (need == 0) {
			break;
		} else if (s->type == AS_SET) {
			need--;
		} else {
			if (take > need)
				take = need;
			need -= take;
		}
		memmove(path->asns + nasn, path->asns + s->start,
		    (size_t)take * sizeof(*path->asns));
		path->seg[nseg].type = s->type;
		path->seg[nseg].count = (uint16_t)take;
		path->seg[nseg].start = nasn;
		nseg++;
		nasn += take;
		prev_kept = true;
	}
	path->nseg = nseg;
	path->nasn = nasn;
	for (i = 0; i < as4->nseg; i++) {
		const struct bgp_as_segment *a = &as4->seg[i];

		memcpy(path->asns + path->nasn, as4->asns + a->start,
		    (size_t)a->count * sizeof(*path->asns));
		s = path->nseg > 0 ? &path->seg[path->nseg - 1] : NULL;
		/* Join the seam of two sequences into one segment. */
		if (i == 0 && s != NULL && s->type == AS_SEQUENCE &&
		    a->type == AS_SEQUENCE &&
		    (uint32_t)s->count + a->count <= UINT16_MAX) {
			s->count = (uint16_t)(s->count + a->count);
		} else {
			s = &path->seg[path->nseg++];
			s->type = a->type;
			s->count = a->count;
			s->start = path->nasn;
		}
		path->nasn += a->count;
	}
	return ASPATH_OK;
}

void
bgp_aspath_view(const struct bgp_aspath_buf *b, struct bgp_aspath *v)
{
	v->seg = b->seg;
	v->nseg = b->nseg;
	v->asns = b->asns;
	v->nasn = b->nasn;
}

/*
 * RFC 6811 section 2: the origin AS is "the AS of the rightmost AS in
 * the final segment of the AS_PATH attribute in the route if that
 * segment is of type AS_SEQUENCE, or the BGP speaker's own AS number if
 * that segment is of type AS_CONFED_SEQUENCE or AS_CONFED_SET or if the
 * AS_PATH is empty"; any other final segment (AS_SET) gives NONE.  A
 * monitor is not the receiving speaker: an empty path names the sender's
 * AS, and a path ending in a confederation segment gives "none" too
 * (we do not know the confederation identifier).
 */
void
bgp_aspath_origin(const struct bgp_aspath *path, uint32_t peer_as,
    enum bgp_origin_kind *kind, uint32_t *origin_as)
{
	const struct bgp_as_segment *last;

	*origin_as = 0;
	if (path->nseg == 0) {
		if (peer_as != 0) {
			*kind = ORIGIN_AS_PEER;
			*origin_as = peer_as;
		} else
			*kind = ORIGIN_AS_NONE;
		return;
	}
	last = &path->seg[path->nseg - 1];
	if (last->type == AS_SEQUENCE) {
		*kind = ORIGIN_AS_SEQ;
		*origin_as = path->asns[last->start + last->count - 1];
	} else if (last->type == AS_SET)
		*kind = ORIGIN_AS_SET;
	else
		*kind = ORIGIN_AS_CONFED;
}
