/*
 * bgp_infer.c - the encodings of each direction of a BGP session: what
 * the OPENs negotiated, and inference when they were not seen.
 *
 * Capabilities (STYLE.md habit 4).  Each direction keeps its sender's
 * OPEN.  The decoding options of direction S->R are derived per bit:
 *   as4      both OPENs carry capability 65 (RFC 6793 section 3),
 *   addpath  S advertised send and R receive for the AFI/SAFI (RFC 7911
 *            section 4), per IPv4 and IPv6 unicast.
 * A bit is fixed when the OPENs decide it: both seen, or one seen that
 * rules it out (no capability 65; S cannot send / R cannot receive).
 * Unfixed bits are inferred, see infer_choose().  The extended message
 * state (RFC 8654) is derived here too.
 */
#include <stdint.h>
#include <string.h>

#include "bgp/bgp.h"
#include "bgp/bgp_open.h"
#include "bgp/bgp_session_internal.h"
#include "bgp/bgp_update.h"
#include "base/stats.h"

/* Decisive UPDATEs after which an inferred bit is no longer re-tried. */
#define INFER_STICKY	3

static bool
open_known(const struct bgp_open *o)
{
	return o->seen && o->caps_ok;
}

/* ---- negotiated state ---------------------------------------------- */

/* RFC 8654 section 3: both speakers must advertise the capability. */
enum ext_state
bgp_infer_ext_state(const struct bgp_session *s)
{
	const struct bgp_open *a = &s->dir[0].open, *b = &s->dir[1].open;

	if ((open_known(a) && !a->cap_extmsg) ||
	    (open_known(b) && !b->cap_extmsg))
		return EXT_NO;
	if (open_known(a) && open_known(b))
		return EXT_YES;
	return EXT_UNKNOWN;
}

/*
 * One bit of direction S->R from the OPENs: *fixed is set when the OPENs
 * that were seen decide it; the return value is then the bit's value.
 */
static bool
nego_bit(const struct bgp_open *snd, const struct bgp_open *rcv,
    bool s_has, bool r_has, bool *fixed)
{
	*fixed = true;
	if ((open_known(snd) && !s_has) || (open_known(rcv) && !r_has))
		return false;
	if (open_known(snd) && open_known(rcv))
		return true;
	*fixed = false;
	return false;
}

/* Recompute the fixed bits of direction d after an OPEN; restart inference. */
void
bgp_infer_negotiate(struct bgp_session *s, int d)
{
	const struct bgp_open *snd = &s->dir[d].open, *rcv = &s->dir[!d].open;
	struct bgp_infer *inf = &s->dir[d].inf;
	uint8_t fixed = 0, value = 0;
	bool f;

	if (nego_bit(snd, rcv, snd->cap_as4, rcv->cap_as4, &f))
		value |= ENC_AS4;
	fixed |= f ? ENC_AS4 : 0;
	if (nego_bit(snd, rcv,
	    bgp_open_addpath(snd, AFI_IPV4, SAFI_UNICAST) & BGP_ADDPATH_SEND,
	    bgp_open_addpath(rcv, AFI_IPV4, SAFI_UNICAST) & BGP_ADDPATH_RECV,
	    &f))
		value |= ENC_AP4;
	fixed |= f ? ENC_AP4 : 0;
	if (nego_bit(snd, rcv,
	    bgp_open_addpath(snd, AFI_IPV6, SAFI_UNICAST) & BGP_ADDPATH_SEND,
	    bgp_open_addpath(rcv, AFI_IPV6, SAFI_UNICAST) & BGP_ADDPATH_RECV,
	    &f))
		value |= ENC_AP6;
	fixed |= f ? ENC_AP6 : 0;
	/* What a producer stated (an MRT subtype, BMP's A flag) wins. */
	fixed |= inf->stated;
	value = (uint8_t)((value & ~inf->stated) | inf->stated_value);

	inf->fixed = fixed;
	inf->sticky = 0;
	memset(inf->confirm, 0, sizeof(inf->confirm));
	inf->value = (uint8_t)(value | (ENC_DEFAULT & ~fixed));
}

void
bgp_infer_state(struct bgp_session *s, int d, uint8_t mask, uint8_t value)
{
	struct bgp_infer *inf = &s->dir[d].inf;

	mask &= ENC_ALL;
	value &= mask;
	/* Inputs state it with every message (an MRT record's subtype):
	 * negotiating again is only for a change. */
	if (inf->stated == mask && inf->stated_value == value)
		return;
	inf->stated = mask;
	inf->stated_value = value;
	bgp_infer_negotiate(s, d);
}

/* ---- inference ------------------------------------------------------ */

static void
enc_opts(uint8_t enc, uint32_t peer_as, struct bgp_decode_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->as4 = (enc & ENC_AS4) != 0;
	o->addpath_v4u = (enc & ENC_AP4) != 0;
	o->addpath_v6u = (enc & ENC_AP6) != 0;
	o->peer_as = peer_as;
}

static unsigned
popcount3(uint8_t x)
{
	return (x & 1) + ((x >> 1) & 1) + ((x >> 2) & 1);
}

/* Lower is better: as4 on first, then ADD-PATH off (IPv4, then IPv6). */
static unsigned
enc_rank(uint8_t x)
{
	return ((x & ENC_AS4) ? 0 : 4) + ((x & ENC_AP4) ? 2 : 0) +
	    ((x & ENC_AP6) ? 1 : 0);
}

/*
 * How suspicious a parse is, lower is better (bgp_update.h's advice):
 * AS 0 in the path (RFC 7607: never valid, so the width is wrong), then
 * an AS4_PATH read with 4-octet AS_PATH (RFC 6793 4.2.2: only a NEW
 * speaker talking to an OLD one sends it), then prefixes that look like
 * a misread path id (length 0 or host bits set).
 */
static uint64_t
probe_suspicion(uint8_t enc, const struct bgp_update_probe *pr)
{
	uint64_t v = pr->odd_prefixes;

	if (pr->aspath_has_as0)
		v |= (uint64_t)1 << 34;
	if ((enc & ENC_AS4) && pr->has_as4path)
		v |= (uint64_t)1 << 33;
	return v;
}

/*
 * Inference for a direction whose OPENs did not fix every bit.
 *
 * Every encoding mask that agrees with the fixed and sticky bits is probed with
 * bgp_update_probe().  If none parses, the current mask is kept (the
 * decoder will report the UPDATE as malformed).  Among those that parse,
 * only the least suspicious (probe_suspicion()) are candidates.  If the
 * current mask is a candidate it is kept; otherwise the candidate
 * closest to it (fewest bits changed) wins, ties going to the preference
 * as4 on, ADD-PATH off.  So the first UPDATEs of a direction start from
 * that preference and later ones keep the previous choice while it
 * still parses.
 *
 * Encodings are per session (RFC 7911 section 4, RFC 6793), not per
 * message: once a mask has decoded an UPDATE, leaving it takes a clean
 * parse (suspicion 0).  An UPDATE that only parses with suspicious
 * results under another mask (e.g. 3c 00 00 00 00 read as path id +
 * 0.0.0.0/0 instead of an illegal /60) is malformed, not evidence.
 *
 * Stickiness counts exact parses only, never the heuristics: a bit on
 * which all parsing masks agree was decided by this UPDATE, and after
 * INFER_STICKY such UPDATEs with the same value the bit becomes sticky
 * and is no longer probed.  Bits the UPDATE cannot tell (e.g. IPv6
 * ADD-PATH in an IPv4-only UPDATE) keep their value.
 */
static uint8_t
infer_choose(struct bgp_dir *dr, const uint8_t *body, size_t len,
    uint32_t peer_as)
{
	struct bgp_infer *inf = &dr->inf;
	struct bgp_decode_opts o;
	struct bgp_update_probe pr;
	uint64_t susp[ENC_ALL + 1], low = UINT64_MAX;
	uint8_t hold = inf->fixed | inf->sticky, set = 0, cand = 0;
	uint8_t x, best, b, i;

	for (x = 0; x <= ENC_ALL; x++) {
		if (((x ^ inf->value) & hold) != 0)
			continue;
		enc_opts(x, peer_as, &o);
		memset(&pr, 0, sizeof(pr));
		if (!bgp_update_probe(body, len, &o, &pr) || !pr.parses)
			continue;
		set |= (uint8_t)(1u << x);
		susp[x] = probe_suspicion(x, &pr);
		if (susp[x] < low)
			low = susp[x];
	}
	if (set == 0)
		return inf->value;
	if (inf->used > 0 && (set & (1u << inf->value)) == 0 && low != 0)
		return inf->value;
	for (x = 0; x <= ENC_ALL; x++)
		if ((set & (1u << x)) && susp[x] == low)
			cand |= (uint8_t)(1u << x);
	if ((cand & (1u << inf->value)) == 0) {
		best = 0xff;
		for (x = 0; x <= ENC_ALL; x++) {
			if ((cand & (1u << x)) == 0)
				continue;
			if (best == 0xff ||
			    popcount3(x ^ inf->value) * 8 + enc_rank(x) <
			    popcount3(best ^ inf->value) * 8 + enc_rank(best))
				best = x;
		}
		for (i = 0; i < ENC_NBITS; i++)
			if (((best ^ inf->value) >> i) & 1)
				inf->confirm[i] = 0;
		inf->value = best;
	}
	for (i = 0; i < ENC_NBITS; i++) {
		b = (uint8_t)(1u << i);
		if ((hold & b) != 0)
			continue;
		for (x = 0; x <= ENC_ALL; x++)
			if ((set & (1u << x)) && ((x ^ inf->value) & b))
				break;
		if (x <= ENC_ALL)
			continue;	/* both values parse: not decided */
		if (++inf->confirm[i] >= INFER_STICKY)
			inf->sticky |= b;
	}
	return inf->value;
}

/* Decoding options for one UPDATE of direction d. */
void
bgp_infer_update_opts(struct bgp_session *s, int d, const uint8_t *body,
    size_t len, uint32_t peer_as, struct bgp_decode_opts *o)
{
	struct bgp_dir *dr = &s->dir[d];
	struct bgp_infer *inf = &dr->inf;
	uint8_t enc, guessed = ENC_ALL & ~inf->fixed;

	/* Probe only while some guessed bit is not yet sticky. */
	enc = inf->value;
	if ((guessed & ~inf->sticky) != 0) {
		enc = infer_choose(dr, body, len, peer_as);
		inf->used++;
	}
	enc_opts(enc, peer_as, o);
	if (guessed & ENC_AS4)
		o->inferred |= (enc & ENC_AS4) ? BGP_INFER_AS4 :
		    BGP_INFER_AS2;
	/* One flag for both families: "on" if any guessed one is on. */
	if (guessed & (ENC_AP4 | ENC_AP6))
		o->inferred |= (enc & guessed & (ENC_AP4 | ENC_AP6)) ?
		    BGP_INFER_ADDPATH : BGP_INFER_NOADDPATH;
	if (o->inferred != 0 && !inf->counted) {
		inf->counted = true;
		STAT_INC(bgp_inferred);
	}
}
