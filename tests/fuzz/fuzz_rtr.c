/*
 * fuzz_rtr.c - the RTR PDU codec (rpki/rtr_pdu.h) on a stream of PDUs,
 * as the RTR client and the passive audit read a TCP stream: decode at
 * the front, move past pdu.length on RTR_DECODE_OK, stop at the first
 * SHORT or BAD.
 *
 * Input: the bytes of the stream (seeds: what real stayrtr 0.5.1 sent
 * at versions 0, 1 and 2, tests/fuzz/corpus/fuzz_rtr/).
 * Checked (abort on failure, so libFuzzer reports it):
 *   - OK: 8 <= length <= what was left and <= RTR_MAX_PDU_LEN; every
 *     pointer into the PDU lies inside it; re-encoding the decoded PDU
 *     gives exactly its bytes (the decoder keeps every bit it accepts),
 *     and the encoding decodes again; rtr_pdu_provider() returns the
 *     providers' bytes; the names are non-NULL;
 *   - SHORT: *need is 8 when fewer than 8 bytes were left, else the
 *     header's length, which is more than what was left;
 *   - BAD: *why is set, *need is 0;
 *   - every proper prefix of an accepted PDU is SHORT with *need as
 *     above, or refused from the header alone (the header is the same),
 *     never OK: a PDU is never decoded from fewer bytes than it has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "rpki/rtr_pdu.h"
#include "fuzz_common.h"

static uint8_t out[1 << 16];

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
	fprintf(stderr, "fuzz_rtr: %s\n", what);
	abort();
}

static void
inside(const struct rtr_pdu *p, const uint8_t *base, const void *ptr,
    size_t n)
{
	const uint8_t *q = ptr;

	(void)p;
	if (n == 0)
		return;
	if (q == NULL || q < base || q + n > base + p->length)
		fail("a pointer outside the PDU");
}

static void
check_ok(const uint8_t *b, size_t left, const struct rtr_pdu *p)
{
	struct rtr_pdu again;
	struct cursor c;
	uint32_t i, v;
	size_t n, need;
	const char *why;

	if (p->length < RTR_HEADER_LEN || p->length > left ||
	    p->length > RTR_MAX_PDU_LEN)
		fail("OK with an impossible length");
	inside(p, b, p->providers, (size_t)p->nproviders * 4);
	inside(p, b, p->ski, p->ski != NULL ? 20 : 0);
	inside(p, b, p->spki, p->spki_len);
	inside(p, b, p->err_pdu, p->err_pdu_len);
	inside(p, b, p->err_text, p->err_text_len);
	cursor_init(&c, p->providers, (size_t)p->nproviders * 4);
	for (i = 0; i < p->nproviders; i++)
		if (cursor_get_u32(&c, &v) == -1 ||
		    rtr_pdu_provider(p, i) != v)
			fail("rtr_pdu_provider() differs from the bytes");
	if (rtr_pdu_type_name(p->type) == NULL ||
	    rtr_error_name(p->error_code) == NULL)
		fail("a NULL name");
	if (p->length <= sizeof(out)) {
		n = rtr_pdu_encode(p, out, sizeof(out));
		if (n != p->length || memcmp(out, b, n) != 0)
			fail("re-encoding differs from the decoded bytes");
		if (rtr_pdu_decode(out, n, &again, &need, &why) !=
		    RTR_DECODE_OK || again.length != n)
			fail("the re-encoded PDU does not decode");
	}
}

/* Prefixes of an accepted PDU: never OK (a few lengths, not all: the
 * PDU may be 1 MiB). */
static void
check_prefixes(const uint8_t *b, const struct rtr_pdu *p)
{
	const size_t cuts[] = { 0, 1, 7, 8, 9, 12, 16, 20, 31 };
	struct rtr_pdu q;
	size_t i, k, need;
	const char *why;
	enum rtr_decode r;

	for (i = 0; i <= sizeof(cuts) / sizeof(cuts[0]); i++) {
		k = i < sizeof(cuts) / sizeof(cuts[0]) ? cuts[i] :
		    p->length - 1;
		if (k >= p->length)
			continue;
		r = rtr_pdu_decode(b, k, &q, &need, &why);
		if (r == RTR_DECODE_OK)
			fail("a PDU decoded from fewer bytes than its length");
		if (r == RTR_DECODE_SHORT &&
		    need != (k < RTR_HEADER_LEN ? RTR_HEADER_LEN : p->length))
			fail("SHORT with a wrong need on a prefix");
		if (r == RTR_DECODE_BAD)
			fail("a prefix of an accepted PDU refused");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rtr_pdu p;
	size_t off = 0, need;
	const char *why;
	enum rtr_decode r;

	for (;;) {
		r = rtr_pdu_decode(data + off, size - off, &p, &need, &why);
		if (r == RTR_DECODE_OK) {
			check_ok(data + off, size - off, &p);
			check_prefixes(data + off, &p);
			off += p.length;
			continue;
		}
		if (r == RTR_DECODE_SHORT) {
			if (size - off < RTR_HEADER_LEN ?
			    need != RTR_HEADER_LEN :
			    need <= size - off || need > RTR_MAX_PDU_LEN)
				fail("SHORT with a wrong need");
		} else if (why == NULL || need != 0)
			fail("BAD without a reason, or with a need");
		break;
	}
	return 0;
}
