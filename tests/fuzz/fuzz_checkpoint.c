/*
 * fuzz_checkpoint.c - the checkpoint of --state-dir (docs/state.md):
 * checkpoint_parse() (header, checksums) and rib_load() (the body, every
 * field through the cursor), as rovmon reads DIR/checkpoint at start.
 *
 * Input: byte 0 chooses: even, the rest is a whole file (header + body,
 * as on disk), parsed and, when its checksums hold, its body loaded;
 * odd, the rest is a body loaded directly (a fuzzer seldom forges a
 * CRC-32, so this reaches the body's parser).  Seeds: checkpoints of
 * real captures (roles, OTC, ADD-PATH, IPv6, RFC 8097), both forms.
 * Checked (abort on failure, so libFuzzer reports it):
 *   - a refusal says why, and leaves nothing behind (the RIB is freed);
 *   - a body that loads saves to exactly the same bytes (the encoding is
 *     canonical: what is not rib_save()'s output is refused); the RIB's
 *     counts add up (routes by state, the blob's counts);
 *   - the loaded RIB stays consistent under use: revalidated against
 *     the fixed VRP index, then every session taken down, after which it
 *     is empty;
 *   - a body wrapped in a header parses back to the same body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "rpki/rov.h"
#include "rpki/vrp.h"
#include "state/checkpoint.h"
#include "state/rib.h"
#include "state/rib_save.h"
#include "fuzz_common.h"

static struct rov_index *idx;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const lines[] = {
		"192.0.2.0/24-24 AS64500",
		"10.0.0.0/8-24 AS65001",
		"2001:db8::/32-48 AS64500",
		"198.51.100.0/24-24 AS0",
	};
	struct vrp_set *set;
	struct prefix p;
	const char *why;
	char pfx[64];
	unsigned maxlen, as;
	bool hb;
	size_t i;

	(void)argc;
	(void)argv;
	fz_init();
	if ((set = vrp_set_new()) == NULL)
		abort();
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (sscanf(lines[i], "%63[^-]-%u AS%u", pfx, &maxlen, &as) != 3 ||
		    prefix_parse(pfx, &p, &hb) == -1 ||
		    vrp_set_add(set, &p, maxlen, as, "fuzz", 0, &why) == -1)
			abort();
	if ((idx = rov_index_build(set)) == NULL)
		abort();
	return 0;
}

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_checkpoint: %s\n", what);
	abort();
}

/* The RIB in use: revalidated, every session down, then empty. */
static void
exercise(struct rib *rib)
{
	struct timeval now = { 1700000000, 0 };
	uint64_t id;
	size_t left;

	rib_revalidate(rib, idx, NULL, 2, &now, NULL, NULL);
	if (rib_count_by_state(rib, ROV_VALID) +
	    rib_count_by_state(rib, ROV_INVALID) +
	    rib_count_by_state(rib, ROV_NOT_FOUND) != rib_count(rib))
		fail("counts by state do not add up after revalidation");
	left = rib_count(rib);
	while (rib_sessions(rib) > 0) {
		id = rib_session_id_max(rib);
		left -= rib_session_down(rib, id, &now, NULL, NULL);
	}
	if (left != 0 || rib_count(rib) != 0)
		fail("routes left after every session went down");
}

static void
load_body(const uint8_t *p, size_t len)
{
	struct rib *rib;
	struct rib_blob b;
	struct checkpoint_view v;
	struct timeval when = { 1700000000, 1 };
	uint8_t *file;
	char why[256] = "";

	if ((rib = rib_new()) == NULL)
		return;
	if (rib_load(rib, p, len, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			fail("refused without a reason");
		rib_free(rib);
		return;
	}
	if (rib_count_by_state(rib, ROV_VALID) +
	    rib_count_by_state(rib, ROV_INVALID) +
	    rib_count_by_state(rib, ROV_NOT_FOUND) != rib_count(rib))
		fail("counts by state do not add up");
	if (rib_save(rib, &b) == -1)
		fail("rib_save failed");
	if (b.len != len || memcmp(b.p, p, len) != 0)
		fail("a loaded body does not save to the same bytes");
	if (b.routes != rib_count(rib) || b.sessions != rib_sessions(rib) ||
	    b.tuples != rib_paths(rib))
		fail("the blob's counts differ from the RIB's");
	/* wrapped in a header, the body parses back */
	if ((file = malloc(CHECKPOINT_HDR_LEN + len + 1)) == NULL)
		fail("malloc");
	checkpoint_header(file, p, len, &when);
	if (len > 0)
		memcpy(file + CHECKPOINT_HDR_LEN, p, len);
	if (checkpoint_parse(file, CHECKPOINT_HDR_LEN + len, &v, why,
	    sizeof(why)) == -1 || v.body_len != len ||
	    memcmp(v.body, p, len) != 0 || v.written.tv_usec != 1)
		fail("a wrapped body does not parse back");
	free(file);
	rib_blob_free(&b);
	exercise(rib);
	rib_free(rib);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checkpoint_view v;
	char why[256] = "";

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		load_body(data + 1, size - 1);
		return 0;
	}
	if (checkpoint_parse(data + 1, size - 1, &v, why, sizeof(why)) == -1) {
		if (why[0] == '\0')
			fail("file refused without a reason");
		return 0;
	}
	if (v.body < data + 1 + CHECKPOINT_HDR_LEN ||
	    v.body + v.body_len != data + size)
		fail("the body is not the rest of the file");
	load_body(v.body, v.body_len);
	return 0;
}
