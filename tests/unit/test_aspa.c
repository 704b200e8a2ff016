/*
 * test_aspa.c - the ASPA hop index and path verification: every example
 * of the verification examples that draft-ietf-sidrops-aspa-verification
 * (-27/-28 section 6.1, [aspa-examples]) points to, with the verdict and
 * the deciding hop; the neighbour-AS check and its route-server
 * exemption; AS_SET and confederation segments; prepends; edge cases;
 * and a property test against an oracle that computes the four ramp
 * bounds of section 5.4 literally on random paths and provider sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpki/aspa.h"

/*
 * A list built by hand (the fields are public), so these tests need
 * nothing of aspa_list.c.  Each string is "CUSTOMER P1 P2 ...".
 */
static void
mklist(struct aspa_list *l, const char *const *recs)
{
	size_t n = 0, np = 0, i;

	memset(l, 0, sizeof(*l));
	for (i = 0; recs[i] != NULL; i++)
		n++;
	l->r = calloc(n + 1, sizeof(*l->r));
	l->pool = calloc(64 * (n + 1), sizeof(*l->pool));
	assert_non_null(l->r);
	assert_non_null(l->pool);
	for (i = 0; i < n; i++) {
		char *end;
		const char *s = recs[i];
		struct aspa_record *r = &l->r[i];

		r->customer = (uint32_t)strtoul(s, &end, 10);
		r->first = (uint32_t)np;
		for (s = end; *s != '\0'; s = end) {
			unsigned long p = strtoul(s, &end, 10);

			if (end == s)
				break;
			l->pool[np++] = (uint32_t)p;
			r->nproviders++;
		}
	}
	l->n = n;
	l->npool = np;
}

static void
freelist(struct aspa_list *l)
{
	free(l->r);
	free(l->pool);
}

static struct aspa_index *
mkindex(const char *const *recs)
{
	struct aspa_list l;
	struct aspa_index *ix;

	mklist(&l, recs);
	ix = aspa_index_build(&l);
	freelist(&l);	/* the index keeps no pointer into the list */
	assert_non_null(ix);
	return ix;
}

/* A path in AS_PATH order, "64500 64501 {64502,64503}", "(1 2)" a
 * confederation sequence, "[1 2]" a confederation set. */
struct tpath {
	struct bgp_as_segment seg[16];
	uint32_t	asns[1024];
	struct bgp_aspath p;
};

static void
mkpath(struct tpath *t, const char *s)
{
	uint8_t type = AS_SEQUENCE;
	bool open = false;

	memset(t, 0, sizeof(*t));
	t->p.seg = t->seg;
	t->p.asns = t->asns;
	while (*s != '\0') {
		struct bgp_as_segment *g;
		char *end;

		if (*s == ' ' || *s == ',') {
			s++;
			continue;
		}
		if (*s == '{' || *s == '(' || *s == '[') {
			type = *s == '{' ? AS_SET : *s == '(' ?
			    AS_CONFED_SEQUENCE : AS_CONFED_SET;
			open = false;
			s++;
			continue;
		}
		if (*s == '}' || *s == ')' || *s == ']') {
			type = AS_SEQUENCE;
			open = false;
			s++;
			continue;
		}
		g = &t->seg[t->p.nseg - (t->p.nseg > 0 ? 1 : 0)];
		if (!open || t->p.nseg == 0 || g->type != type) {
			g = &t->seg[t->p.nseg++];
			g->type = type;
			g->start = t->p.nasn;
			g->count = 0;
			open = true;
		}
		assert_true(t->p.nasn < 1024);
		t->asns[t->p.nasn++] = (uint32_t)strtoul(s, &end, 10);
		g->count++;
		assert_true(end != s);
		s = end;
	}
}

/* The topology of the examples: A=65000 ... G=65060; E and F hold no
 * ASPA, G an AS0 ASPA. */
#define A 65000
#define B 65010
#define C 65020
#define D 65030
#define E 65040
#define F 65050
#define G 65060

static const char *const example_aspas[] = {
	"65000 65020 65030",	/* A: C, D */
	"65010 65040",		/* B: E */
	"65020 65050",		/* C: F */
	"65030 65050 65060",	/* D: F, G */
	"65060 0",		/* G: AS0 */
	NULL
};

struct vcase {
	const char	*path;
	enum bgp_role	 role;		/* the sender's */
	enum aspa_state	 state;
	enum aspa_reason reason;
	uint32_t	 hop_c, hop_p;
};

static void
run_cases(const struct aspa_index *ix, const struct vcase *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct tpath t;
		struct aspa_result r;

		mkpath(&t, v[i].path);
		memset(&r, 0xa5, sizeof(r));
		assert_true(aspa_verify(ix, &t.p, t.p.nasn > 0 ? t.asns[0] :
		    0, v[i].role, &r));
		if (r.state != v[i].state || r.reason != v[i].reason ||
		    r.hop_customer != v[i].hop_c ||
		    r.hop_provider != v[i].hop_p)
			fail_msg("case %zu \"%s\": got %s/%d hop %u->%u, want "
			    "%s/%d hop %u->%u", i, v[i].path,
			    aspa_state_name(r.state), (int)r.reason,
			    r.hop_customer, r.hop_provider,
			    aspa_state_name(v[i].state), (int)v[i].reason,
			    v[i].hop_c, v[i].hop_p);
		assert_int_equal(r.procedure, v[i].role == BGP_ROLE_PROVIDER ?
		    ASPA_DOWNSTREAM : ASPA_UPSTREAM);
	}
}

/* The upstream examples (received from a customer or lateral peer):
 * the path as the receiving AS (named in the comment) gets it. */
static void
test_examples_upstream(void **state)
{
	static const struct vcase v[] = {
		/* 1, at G: F C A: max_up = min_up = 3 = N */
		{ "65050 65020 65000", BGP_ROLE_CUSTOMER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* 2, at G: D C A: C -> D not provider+, max_up 2 */
		{ "65030 65020 65000", BGP_ROLE_CUSTOMER, ASPA_INVALID,
		    ASPA_REASON_HOP, C, D },
		/* 3, at G: D F C A: F has no ASPA, min_up 3 < max_up 4 */
		{ "65030 65050 65020 65000", BGP_ROLE_PEER, ASPA_UNKNOWN,
		    ASPA_REASON_NONE, F, D },
		/* 4, at C: D E B: E has no ASPA */
		{ "65030 65040 65010", BGP_ROLE_PEER, ASPA_UNKNOWN,
		    ASPA_REASON_NONE, E, D },
		/* 5, at C: A D E B: D -> A not provider+, max_up 3 < 4 */
		{ "65000 65030 65040 65010", BGP_ROLE_CUSTOMER, ASPA_INVALID,
		    ASPA_REASON_HOP, D, A },
		/* 6, at C: A D G E B: G's AS0 ASPA, G -> D */
		{ "65000 65030 65060 65040 65010", BGP_ROLE_CUSTOMER,
		    ASPA_INVALID, ASPA_REASON_HOP, G, D },
		/* 7, at D: A C F: C -> A not provider+ (F -> C unattested
		 * before it) */
		{ "65000 65020 65050", BGP_ROLE_PEER, ASPA_INVALID,
		    ASPA_REASON_HOP, C, A },
		/* 8, at D: A C F G: G -> F, max_up 1 */
		{ "65000 65020 65050 65060", BGP_ROLE_PEER, ASPA_INVALID,
		    ASPA_REASON_HOP, G, F },
		/* 9, at D: E B */
		{ "65040 65010", BGP_ROLE_PEER, ASPA_VALID, ASPA_REASON_NONE,
		    0, 0 },
	};
	struct aspa_index *ix = mkindex(example_aspas);

	(void)state;
	run_cases(ix, v, sizeof(v) / sizeof(v[0]));
	aspa_index_free(ix);
}

/* The downstream examples (received from a provider). */
static void
test_examples_downstream(void **state)
{
	static const struct vcase v[] = {
		/* 1, at B: E G F C A: up 4/3, down 2/1, N 5 */
		{ "65040 65060 65050 65020 65000", BGP_ROLE_PROVIDER,
		    ASPA_UNKNOWN, ASPA_REASON_NONE, F, G },
		/* 2, at B: E G D A: up 3/3, down 2/1, N 4 */
		{ "65040 65060 65030 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* 3, at B: E D C A: up 2/2, down 2/1: the up-ramp ends at a
		 * "not provider+", the down-ramp's unattested E -> D */
		{ "65040 65030 65020 65000", BGP_ROLE_PROVIDER, ASPA_UNKNOWN,
		    ASPA_REASON_NONE, E, D },
		/* 4, at B: E G D C A: up 2, down 2, N 5 */
		{ "65040 65060 65030 65020 65000", BGP_ROLE_PROVIDER,
		    ASPA_INVALID, ASPA_REASON_HOP, C, D },
		/* 5, at A: C F D G: up 1/1, down 4/2: F -> D unattested */
		{ "65020 65050 65030 65060", BGP_ROLE_PROVIDER, ASPA_UNKNOWN,
		    ASPA_REASON_NONE, F, D },
		/* 6, at A: D G E B: up 3/2, down 2/2 */
		{ "65030 65060 65040 65010", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* 7, at A: C D G E B: up 3/2, down 1/1, N 5 */
		{ "65020 65030 65060 65040 65010", BGP_ROLE_PROVIDER,
		    ASPA_INVALID, ASPA_REASON_HOP, G, D },
		/* 8, at D: F C A */
		{ "65050 65020 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* 9, at B: E A, a forged origin by the provider: valid
		 * (undetectable, section 7.3) */
		{ "65040 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* 10, at B: E C A, a forged path segment: valid */
		{ "65040 65020 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
	};
	struct aspa_index *ix = mkindex(example_aspas);

	(void)state;
	run_cases(ix, v, sizeof(v) / sizeof(v[0]));
	aspa_index_free(ix);
}

/* The same paths received the other way: every role picks its
 * procedure (RS and RS-client are upstream, only a provider is
 * downstream), and a path valid downstream can be a leak upstream. */
static void
test_roles(void **state)
{
	static const struct vcase v[] = {
		/* downstream example 2 (valid) received from a customer:
		 * G -> E is not provider+, so the path is a leak */
		{ "65040 65060 65030 65000", BGP_ROLE_CUSTOMER, ASPA_INVALID,
		    ASPA_REASON_HOP, G, E },
		{ "65040 65060 65030 65000", BGP_ROLE_PEER, ASPA_INVALID,
		    ASPA_REASON_HOP, G, E },
		{ "65040 65060 65030 65000", BGP_ROLE_RS, ASPA_INVALID,
		    ASPA_REASON_HOP, G, E },
		{ "65040 65060 65030 65000", BGP_ROLE_RS_CLIENT,
		    ASPA_INVALID, ASPA_REASON_HOP, G, E },
		{ "65040 65060 65030 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		/* upstream example 1 (valid) is valid downstream too */
		{ "65050 65020 65000", BGP_ROLE_PROVIDER, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
		{ "65050 65020 65000", BGP_ROLE_RS, ASPA_VALID,
		    ASPA_REASON_NONE, 0, 0 },
	};
	struct aspa_index *ix = mkindex(example_aspas);
	struct tpath t;
	struct aspa_result r;

	(void)state;
	run_cases(ix, v, sizeof(v) / sizeof(v[0]));
	/* no role: no procedure, result untouched */
	mkpath(&t, "65050 65020 65000");
	memset(&r, 0x5a, sizeof(r));
	assert_false(aspa_verify(ix, &t.p, F, BGP_ROLE_UNKNOWN, &r));
	assert_int_equal(r.hop_customer, 0x5a5a5a5a);
	aspa_index_free(ix);
}

/* Step 2: the neighbour-AS check and the route-server exemption. */
static void
test_neighbor(void **state)
{
	struct aspa_index *ix = mkindex(example_aspas);
	struct tpath t;
	struct aspa_result r;

	(void)state;
	mkpath(&t, "65050 65020 65000");	/* valid, neighbour F */
	/* not the neighbour's AS: invalid, for every role but RS */
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_int_equal(r.reason, ASPA_REASON_NEIGHBOR);
	assert_int_equal(r.hop_customer, 0);
	assert_int_equal(r.hop_provider, 0);
	assert_string_equal(aspa_reason_name(r.reason), "neighbor");
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_PROVIDER, &r));
	assert_int_equal(r.reason, ASPA_REASON_NEIGHBOR);
	assert_int_equal(r.procedure, ASPA_DOWNSTREAM);
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_PEER, &r));
	assert_int_equal(r.reason, ASPA_REASON_NEIGHBOR);
	/* an RS receiving from an RS-client checks */
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_RS_CLIENT, &r));
	assert_int_equal(r.reason, ASPA_REASON_NEIGHBOR);
	/* an RS-client receiving from a transparent RS does not */
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_RS, &r));
	assert_int_equal(r.state, ASPA_VALID);
	/* unknown neighbour AS (0): no check */
	assert_true(aspa_verify(ix, &t.p, 0, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_VALID);
	/* a non-transparent RS prepends itself; a client that lists it
	 * as provider+ (here: C lists F) is valid through it */
	mkpath(&t, "65050 65020");
	assert_true(aspa_verify(ix, &t.p, F, BGP_ROLE_RS, &r));
	assert_int_equal(r.state, ASPA_VALID);
	/* the neighbour check comes before the AS_SET check (step 2 then
	 * step 3) */
	mkpath(&t, "65050 {65020,65000}");
	assert_true(aspa_verify(ix, &t.p, 64999, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.reason, ASPA_REASON_NEIGHBOR);
	aspa_index_free(ix);
}

/* Step 3: AS_SET and confederation segments. */
static void
test_as_set(void **state)
{
	static const char *const sets[] = {
		"65050 65020 {65000}",
		"65050 {65020,65030} 65000",
		"{65050,65020}",
		"65050 (65020 65021) 65000",
		"65050 [65020] 65000",
		NULL
	};
	struct aspa_index *ix = mkindex(example_aspas);
	struct tpath t;
	struct aspa_result r;
	size_t i;

	(void)state;
	for (i = 0; sets[i] != NULL; i++) {
		mkpath(&t, sets[i]);
		assert_true(aspa_verify(ix, &t.p, F, BGP_ROLE_CUSTOMER, &r));
		assert_int_equal(r.state, ASPA_INVALID);
		assert_int_equal(r.reason, ASPA_REASON_AS_SET);
		assert_int_equal(r.hop_customer, 0);
		assert_true(aspa_verify(ix, &t.p, F, BGP_ROLE_PROVIDER, &r));
		assert_int_equal(r.reason, ASPA_REASON_AS_SET);
	}
	/* an AS_SET even with no ASPA anywhere */
	aspa_index_free(ix);
	ix = mkindex((const char *const[]){ NULL });
	mkpath(&t, "1 2 {3}");
	assert_true(aspa_verify(ix, &t.p, 1, BGP_ROLE_PEER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_string_equal(aspa_reason_name(r.reason), "as_set");
	aspa_index_free(ix);
}

static void
test_edges(void **state)
{
	struct aspa_index *ix = mkindex(example_aspas);
	struct tpath t;
	struct aspa_result r;
	struct bgp_as_segment emptyseg = { AS_SEQUENCE, 0, 0 };
	struct bgp_aspath p;

	(void)state;
	/* empty path: step 1, invalid */
	mkpath(&t, "");
	assert_true(aspa_verify(ix, &t.p, F, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_int_equal(r.reason, ASPA_REASON_EMPTY);
	assert_string_equal(aspa_reason_name(r.reason), "empty");
	assert_true(aspa_verify(ix, &t.p, F, BGP_ROLE_PROVIDER, &r));
	assert_int_equal(r.reason, ASPA_REASON_EMPTY);
	/* a segment of zero ASNs is empty too */
	memset(&p, 0, sizeof(p));
	p.seg = &emptyseg;
	p.nseg = 1;
	p.asns = t.asns;
	assert_true(aspa_verify(ix, &p, F, BGP_ROLE_PEER, &r));
	assert_int_equal(r.reason, ASPA_REASON_EMPTY);
	/* single AS: nothing to attest, valid both ways */
	mkpath(&t, "65040");
	assert_true(aspa_verify(ix, &t.p, E, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_VALID);
	assert_true(aspa_verify(ix, &t.p, E, BGP_ROLE_PROVIDER, &r));
	assert_int_equal(r.state, ASPA_VALID);
	/* all prepends collapse to one AS */
	mkpath(&t, "65000 65000 65000 65000");
	assert_true(aspa_verify(ix, &t.p, A, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_VALID);
	/* prepends everywhere, also across segment boundaries: upstream
	 * example 2 with its ASes repeated */
	mkpath(&t, "65030 65030 65020 65020 65020 65000 65000");
	assert_true(aspa_verify(ix, &t.p, D, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_int_equal(r.hop_customer, C);
	assert_int_equal(r.hop_provider, D);
	{
		/* 65020 65020 | 65020 65000 as two sequences */
		struct bgp_as_segment s2[2] = {
			{ AS_SEQUENCE, 2, 0 }, { AS_SEQUENCE, 2, 2 } };
		uint32_t a2[4] = { F, C, C, A };

		p.seg = s2;
		p.nseg = 2;
		p.asns = a2;
		p.nasn = 4;
		assert_true(aspa_verify(ix, &p, F, BGP_ROLE_CUSTOMER, &r));
		assert_int_equal(r.state, ASPA_VALID);
	}
	/* a loop is not collapsed: A C A is A -> C (provider+), then
	 * C -> A (not provider+) */
	mkpath(&t, "65000 65020 65000");
	assert_true(aspa_verify(ix, &t.p, A, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_int_equal(r.hop_customer, C);
	assert_int_equal(r.hop_provider, A);
	/* AS 0 in the path never authorises: G's AS0 ASPA does not make
	 * AS 0 its provider; a customer 0 has no attestation */
	mkpath(&t, "0 65060");
	assert_true(aspa_verify(ix, &t.p, 0, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_INVALID);
	assert_int_equal(r.hop_customer, G);
	assert_int_equal(r.hop_provider, 0);
	mkpath(&t, "65020 0");
	assert_true(aspa_verify(ix, &t.p, C, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_UNKNOWN);
	assert_int_equal(r.hop_customer, 0);
	assert_int_equal(r.hop_provider, C);
	/* NULL index: no ASPA at all, every hop unattested */
	mkpath(&t, "65050 65020 65000");
	assert_true(aspa_verify(NULL, &t.p, F, BGP_ROLE_CUSTOMER, &r));
	assert_int_equal(r.state, ASPA_UNKNOWN);
	assert_int_equal(r.hop_customer, A);
	assert_int_equal(r.hop_provider, C);
	assert_true(aspa_verify(NULL, &t.p, F, BGP_ROLE_PROVIDER, &r));
	assert_int_equal(r.state, ASPA_UNKNOWN);
	aspa_index_free(ix);
}

static void
test_index(void **state)
{
	static const char *const recs[] = {
		"64500 3 1 2",
		"64500 2 5",		/* a second TA's record: union */
		"64501 0",		/* AS0 ASPA */
		"0 1",			/* customer 0: skipped */
		"64502 1 1 1",		/* duplicates */
		"64509",		/* no providers: ignored */
		NULL
	};
	struct aspa_index *ix = mkindex(recs);
	const uint32_t *p;
	size_t n;

	(void)state;
	assert_int_equal(aspa_index_customers(ix), 3);
	p = aspa_index_providers(ix, 64500, &n);
	assert_int_equal(n, 4);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2], 3);
	assert_int_equal(p[3], 5);
	p = aspa_index_providers(ix, 64501, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], 0);
	p = aspa_index_providers(ix, 64502, &n);
	assert_int_equal(n, 1);
	assert_null(aspa_index_providers(ix, 64503, &n));
	assert_int_equal(n, 0);
	assert_null(aspa_index_providers(ix, 0, &n));
	assert_int_equal(aspa_index_hop(ix, 64500, 5), ASPA_HOP_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64500, 1), ASPA_HOP_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64500, 4),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64500, 6),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64500, 0),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64501, 0),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64501, 1),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_index_hop(ix, 64503, 1),
	    ASPA_HOP_NO_ATTESTATION);
	assert_int_equal(aspa_index_hop(ix, 0, 1), ASPA_HOP_NO_ATTESTATION);
	assert_int_equal(aspa_index_hop(ix, 64509, 1),
	    ASPA_HOP_NO_ATTESTATION);
	aspa_index_free(ix);
	aspa_index_free(NULL);
	/* empty and NULL lists give valid, empty indexes */
	ix = aspa_index_build(NULL);
	assert_non_null(ix);
	assert_int_equal(aspa_index_customers(ix), 0);
	assert_int_equal(aspa_index_hop(ix, 1, 2), ASPA_HOP_NO_ATTESTATION);
	aspa_index_free(ix);
	assert_int_equal(aspa_index_customers(NULL), 0);
	assert_int_equal(aspa_index_hop(NULL, 1, 2),
	    ASPA_HOP_NO_ATTESTATION);
}

/* Many customers and long provider sets (the binary-search path). */
static void
test_index_big(void **state)
{
	struct aspa_list l;
	struct aspa_index *ix;
	uint32_t c, k;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.r = calloc(5000, sizeof(*l.r));
	l.pool = calloc(5000 * 40, sizeof(*l.pool));
	assert_non_null(l.r);
	assert_non_null(l.pool);
	/* customer c (1..5000) has providers c+1, c+3, ... (c % 40 of
	 * them), written in descending order */
	for (c = 1; c <= 5000; c++) {
		struct aspa_record *r = &l.r[l.n++];

		r->customer = c;
		r->first = (uint32_t)l.npool;
		r->nproviders = c % 40;
		for (k = r->nproviders; k > 0; k--)
			l.pool[l.npool++] = c + 2 * k - 1;
	}
	ix = aspa_index_build(&l);
	freelist(&l);
	assert_non_null(ix);
	/* the 125 customers with no provider (c % 40 == 0) are ignored */
	assert_int_equal(aspa_index_customers(ix), 4875);
	for (c = 1; c <= 5000; c++) {
		uint32_t np = c % 40;

		if (np == 0) {
			assert_int_equal(aspa_index_hop(ix, c, c + 1),
			    ASPA_HOP_NO_ATTESTATION);
			continue;
		}

		for (k = 1; k <= np; k++) {
			assert_int_equal(aspa_index_hop(ix, c, c + 2 * k - 1),
			    ASPA_HOP_PROVIDER);
			assert_int_equal(aspa_index_hop(ix, c, c + 2 * k),
			    ASPA_HOP_NOT_PROVIDER);
		}
		assert_int_equal(aspa_index_hop(ix, c, c),
		    ASPA_HOP_NOT_PROVIDER);
		assert_int_equal(aspa_index_hop(ix, c, c + 2 * np + 1),
		    ASPA_HOP_NOT_PROVIDER);
	}
	assert_int_equal(aspa_index_hop(ix, 5001, 1),
	    ASPA_HOP_NO_ATTESTATION);
	aspa_index_free(ix);
}

/*
 * The oracle: section 5.4 taken literally on an array (no early exit,
 * the definitions' min/max over all indices), random paths over a
 * small AS universe with random provider sets.
 */
static enum aspa_hop
oracle_hop(const uint32_t *prov, const uint8_t *has, uint32_t x, uint32_t y)
{
	if (!has[x])
		return ASPA_HOP_NO_ATTESTATION;
	return y != 0 && (prov[x] >> y & 1) ? ASPA_HOP_PROVIDER :
	    ASPA_HOP_NOT_PROVIDER;
}

static void
test_oracle(void **state)
{
	uint32_t prov[12];	/* bit y: y provides for x */
	uint8_t has[12];
	struct aspa_list l;
	unsigned iter, seed = 12345;
	size_t counts[3] = { 0, 0, 0 };

	(void)state;
	memset(&l, 0, sizeof(l));
	for (iter = 0; iter < 20000; iter++) {
		struct aspa_index *ix;
		struct tpath t;
		struct aspa_result r;
		uint32_t cp[700], n = 0, raw, i, maxu, minu, maxd, mind;
		uint32_t x, y;
		enum aspa_state want;
		char buf[4096];
		size_t off = 0;
		bool down;

#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
		if (iter % 50 == 0) {
			memset(&l, 0, sizeof(l));
			l.r = calloc(12, sizeof(*l.r));
			l.pool = calloc(12 * 12, sizeof(*l.pool));
			for (x = 1; x < 12; x++) {
				has[x] = RND() % 4 != 0;
				prov[x] = 0;
				if (!has[x])
					continue;
				l.r[l.n].customer = x;
				l.r[l.n].first = (uint32_t)l.npool;
				for (y = 0; y < 12; y++)
					if (y != x && RND() % 3 == 0) {
						prov[x] |= 1u << y;
						l.pool[l.npool++] = y;
						l.r[l.n].nproviders++;
					}
				/* an empty record is ignored: no ASPA */
				if (prov[x] == 0)
					has[x] = 0;
				l.n++;
			}
		}
		ix = aspa_index_build(&l);
		assert_non_null(ix);
		/* a path of 1..8 ASNs (with repeats), AS(N) first; one in
		 * 64 of 250..650, past the copy the downstream procedure
		 * makes of paths up to 256 ASNs */
		raw = iter % 64 == 63 ? 250 + RND() % 400 : 1 + RND() % 8;
		for (i = 0; i < raw; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%u ", 1 + RND() % 11);
		mkpath(&t, buf);
		/* the compressed path, origin first: cp[1] .. cp[n] */
		for (i = raw; i > 0; i--)
			if (n == 0 || cp[n] != t.asns[i - 1])
				cp[++n] = t.asns[i - 1];
		maxu = minu = maxd = mind = n;
		for (i = n - 1; i >= 1; i--) {
			enum aspa_hop h = oracle_hop(prov, has, cp[i],
			    cp[i + 1]);

			if (h == ASPA_HOP_NOT_PROVIDER)
				maxu = i;
			if (h != ASPA_HOP_PROVIDER)
				minu = i;
		}
		for (i = 2; i <= n; i++) {
			enum aspa_hop h = oracle_hop(prov, has, cp[i],
			    cp[i - 1]);

			if (h == ASPA_HOP_NOT_PROVIDER)
				maxd = n - i + 1;
			if (h != ASPA_HOP_PROVIDER)
				mind = n - i + 1;
		}
		down = RND() % 2 == 0;
		if (!down)
			maxd = mind = 0;
		want = maxu + maxd < n ? ASPA_INVALID : minu + mind < n ?
		    ASPA_UNKNOWN : ASPA_VALID;
		assert_true(aspa_verify(ix, &t.p, t.asns[0], down ?
		    BGP_ROLE_PROVIDER : BGP_ROLE_CUSTOMER, &r));
		if (r.state != want)
			fail_msg("path \"%s\" %s: got %s want %s", buf,
			    down ? "downstream" : "upstream",
			    aspa_state_name(r.state), aspa_state_name(want));
		if (want == ASPA_INVALID) {
			/* the up-ramp's first "not provider+" hop */
			assert_int_equal(r.hop_customer, cp[maxu]);
			assert_int_equal(r.hop_provider, cp[maxu + 1]);
		}
		counts[want]++;
		aspa_index_free(ix);
		if (iter % 50 == 49)
			freelist(&l);
	}
	/* all three outcomes well represented */
	assert_true(counts[ASPA_VALID] > 2000);
	assert_true(counts[ASPA_INVALID] > 2000);
	assert_true(counts[ASPA_UNKNOWN] > 2000);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(aspa_state_name(ASPA_VALID), "valid");
	assert_string_equal(aspa_state_name(ASPA_INVALID), "invalid");
	assert_string_equal(aspa_state_name(ASPA_UNKNOWN), "unknown");
	assert_string_equal(aspa_procedure_name(ASPA_UPSTREAM), "upstream");
	assert_string_equal(aspa_procedure_name(ASPA_DOWNSTREAM),
	    "downstream");
	assert_null(aspa_reason_name(ASPA_REASON_NONE));
	assert_string_equal(aspa_reason_name(ASPA_REASON_HOP), "hop");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_upstream),
		cmocka_unit_test(test_examples_downstream),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_neighbor),
		cmocka_unit_test(test_as_set),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_index_big),
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
