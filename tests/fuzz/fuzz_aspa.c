/*
 * fuzz_aspa.c - AS paths as text (bgp_aspath_text_parse, what `rovctl
 * validate-path` reads) and ASPA verification on them (aspa_index_build,
 * aspa_verify), checked against a literal reading of the draft.
 *
 * Input: the path's text up to the first newline; after it, ASPA
 * records, each "u8 customer, u8 n, n x u8 provider" (ASNs 0..255, so
 * that a path like "3 2 1" meets them; customer 0 and empty records are
 * kept, as a hand-built list could have them, and must be ignored).
 * Checked (abort on failure, so libFuzzer reports it):
 *   - a parsed path printed by bgp_aspath_text_fmt() parses back to the
 *     same segments and ASNs;
 *   - for every role and for the neighbour AS being the first AS, 0 and
 *     another, aspa_verify() gives the verdict, reason and deciding hop
 *     that the oracle below computes from section 5.4's definitions on
 *     the compressed path as an array (docs/aspa.md's decisions for
 *     empty paths, the neighbour check, sets and the hop named).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/bgp_aspath_text.h"
#include "rpki/aspa.h"
#include "fuzz_common.h"

static struct bgp_aspath_text t1, t2;
static struct aspa_record rec[128];
static uint32_t pool[128 * 255];
static uint32_t cp[ASPATH_TEXT_MAX_ASN + 1];
static char text[ASPATH_TEXT_MAX_ASN * 11 + 2 * ASPATH_TEXT_MAX_SEG + 1];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_aspa: %s\n", what);
	abort();
}

/* The provider sets as a 256 x 256 bit matrix; has[c]: c has an ASPA. */
static uint8_t has[256];
static uint8_t prov[256][32];

static enum aspa_hop
oracle_hop(uint32_t c, uint32_t p)
{
	if (c > 255 || c == 0 || !has[c])
		return ASPA_HOP_NO_ATTESTATION;
	return p != 0 && p < 256 && (prov[c][p / 8] >> (p % 8) & 1) ?
	    ASPA_HOP_PROVIDER : ASPA_HOP_NOT_PROVIDER;
}

static void
oracle(const struct bgp_aspath *p, uint32_t neighbor, enum bgp_role role,
    struct aspa_result *want)
{
	uint32_t i, n = 0, maxu, minu, maxd, mind, first = 0;
	bool seq = true, any = false, down = role == BGP_ROLE_PROVIDER;

	memset(want, 0, sizeof(*want));
	want->procedure = down ? ASPA_DOWNSTREAM : ASPA_UPSTREAM;
	for (i = 0; i < p->nseg; i++) {
		if (p->seg[i].count == 0)
			continue;
		if (!any)
			first = p->seg[i].type == AS_SEQUENCE ?
			    p->asns[p->seg[i].start] : neighbor;
		any = true;
		if (p->seg[i].type != AS_SEQUENCE)
			seq = false;
	}
	if (!any) {
		want->state = ASPA_INVALID;
		want->reason = ASPA_REASON_EMPTY;
		return;
	}
	if (neighbor != 0 && role != BGP_ROLE_RS && first != neighbor) {
		want->state = ASPA_INVALID;
		want->reason = ASPA_REASON_NEIGHBOR;
		return;
	}
	if (!seq) {
		want->state = ASPA_INVALID;
		want->reason = ASPA_REASON_AS_SET;
		return;
	}
	for (i = p->nasn; i > 0; i--)	/* origin first, duplicates out */
		if (n == 0 || cp[n] != p->asns[i - 1])
			cp[++n] = p->asns[i - 1];
	maxu = minu = maxd = mind = n;
	for (i = n - 1; i >= 1; i--) {
		enum aspa_hop h = oracle_hop(cp[i], cp[i + 1]);

		if (h == ASPA_HOP_NOT_PROVIDER)
			maxu = i;
		if (h != ASPA_HOP_PROVIDER)
			minu = i;
	}
	for (i = 2; i <= n; i++) {
		enum aspa_hop h = oracle_hop(cp[i], cp[i - 1]);

		if (h == ASPA_HOP_NOT_PROVIDER)
			maxd = n - i + 1;
		if (h != ASPA_HOP_PROVIDER)
			mind = n - i + 1;
	}
	if (!down)
		maxd = mind = 0;
	if (maxu + maxd < n) {
		want->state = ASPA_INVALID;
		want->reason = ASPA_REASON_HOP;
		want->hop_customer = cp[maxu];
		want->hop_provider = cp[maxu + 1];
	} else if (minu + mind < n) {
		want->state = ASPA_UNKNOWN;
		if (minu < n &&
		    oracle_hop(cp[minu], cp[minu + 1]) ==
		    ASPA_HOP_NO_ATTESTATION) {
			want->hop_customer = cp[minu];
			want->hop_provider = cp[minu + 1];
		} else {
			want->hop_customer = cp[n - mind + 1];
			want->hop_provider = cp[n - mind];
		}
	} else
		want->state = ASPA_VALID;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bgp_role roles[] = { BGP_ROLE_PROVIDER,
	    BGP_ROLE_CUSTOMER, BGP_ROLE_PEER, BGP_ROLE_RS,
	    BGP_ROLE_RS_CLIENT };
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl != NULL ? (size_t)(nl - data) : size, i, k, r;
	struct aspa_list l;
	struct aspa_index *ix;
	char err[256];

	if (bgp_aspath_text_parse(&t1, (const char *)data, tlen, err,
	    sizeof(err)) == -1) {
		if (err[0] == '\0')
			fail("refused without a reason");
		return 0;
	}
	/* round trip */
	if (bgp_aspath_text_fmt(&t1.path, text, sizeof(text)) >= sizeof(text))
		fail("formatted path truncated");
	if (bgp_aspath_text_parse(&t2, text, strlen(text), err,
	    sizeof(err)) == -1 || t1.path.nseg != t2.path.nseg ||
	    t1.path.nasn != t2.path.nasn ||
	    memcmp(t1.asns, t2.asns, t1.path.nasn * sizeof(uint32_t)) != 0)
		fail("printed path does not parse back to itself");
	for (i = 0; i < t1.path.nseg; i++)
		if (t1.seg[i].type != t2.seg[i].type ||
		    t1.seg[i].count != t2.seg[i].count ||
		    t1.seg[i].start != t2.seg[i].start)
			fail("printed path's segments differ");
	/* the ASPA records after the newline */
	memset(&l, 0, sizeof(l));
	memset(has, 0, sizeof(has));
	memset(prov, 0, sizeof(prov));
	l.r = rec;
	l.pool = pool;
	for (i = nl != NULL ? tlen + 1 : size; i + 2 <= size && l.n < 128; ) {
		struct aspa_record *a = &rec[l.n++];
		size_t n = data[i + 1];

		memset(a, 0, sizeof(*a));
		a->customer = data[i];
		a->first = (uint32_t)l.npool;
		i += 2;
		for (k = 0; k < n && i < size; k++, i++) {
			pool[l.npool++] = data[i];
			a->nproviders++;
			if (a->customer != 0)
				prov[a->customer][data[i] / 8] |=
				    (uint8_t)(1 << (data[i] % 8));
		}
		/* aspa_list_add refuses customer 0 and empty records; a
		 * hand-built list has them: they must not count */
		if (a->customer != 0 && a->nproviders > 0)
			has[a->customer] = 1;
	}
	if ((ix = aspa_index_build(&l)) == NULL)
		return 0;
	for (r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
		uint32_t nbs[3] = { 0, 7, 0 };

		nbs[0] = t1.path.nasn > 0 ? t1.asns[0] : 0;
		for (k = 0; k < 3; k++) {
			struct aspa_result got, want;

			if (!aspa_verify(ix, &t1.path, nbs[k], roles[r], &got))
				fail("no verdict for a known role");
			oracle(&t1.path, nbs[k], roles[r], &want);
			if (got.state != want.state ||
			    got.reason != want.reason ||
			    got.procedure != want.procedure ||
			    got.hop_customer != want.hop_customer ||
			    got.hop_provider != want.hop_provider)
				fail("verdict differs from the oracle");
		}
	}
	aspa_index_free(ix);
	return 0;
}
