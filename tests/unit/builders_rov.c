/*
 * builders_rov.c - a ROV index from text lines (builders.h), its own
 * object so that only the tests that build one link the RPKI code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "builders.h"
#include "rpki/rov.h"
#include "rpki/vrp.h"

struct rov_index *
b_rov_index(const char *const *lines)
{
	struct vrp_set *set;
	struct rov_index *ri;
	struct prefix p;
	char ps[64];
	unsigned maxlen;
	unsigned long asn;
	const char *why;

	assert_non_null(set = vrp_set_new());
	for (; *lines != NULL; lines++) {
		assert_int_equal(sscanf(*lines, "%63s %u %lu", ps, &maxlen,
		    &asn), 3);
		p = b_prefix(ps);
		assert_int_equal(vrp_set_add(set, &p, maxlen, asn, "test", 0,
		    &why), 0);
	}
	vrp_set_finish(set);
	assert_non_null(ri = rov_index_build(set));
	return ri;
}
