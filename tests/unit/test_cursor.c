/*
 * test_cursor.c - the bounds-checked reader: every getter either reads
 * the whole value and advances, or fails and leaves the cursor as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/cursor.h"

static const uint8_t bytes[] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04, 0x12,
	0x34, 0x56, 0x78, 0x9a,
};

static void
assert_at(const struct cursor *c, size_t off)
{
	assert_ptr_equal(cursor_ptr(c), bytes + off);
	assert_int_equal(cursor_left(c), sizeof(bytes) - off);
}

static void
test_getters(void **state)
{
	struct cursor c, sub;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	(void)state;
	cursor_init(&c, bytes, sizeof(bytes));
	assert_int_equal(cursor_get_u32(&c, &v32), 0);
	assert_int_equal(v32, 0xffffffff);
	assert_int_equal(cursor_get_u16(&c, &v16), 0);
	assert_int_equal(v16, 0x0013);
	assert_int_equal(cursor_get_u8(&c, &v8), 0);
	assert_int_equal(v8, 4);
	assert_int_equal(cursor_get_u24(&c, &v32), 0);
	assert_int_equal(v32, 0x123456);
	assert_at(&c, 10);
	/* Short: nothing read, nothing moved. */
	assert_int_equal(cursor_get_u32(&c, &v32), -1);
	assert_int_equal(cursor_get_u24(&c, &v32), -1);
	assert_int_equal(cursor_sub(&c, 3, &sub), -1);
	assert_int_equal(cursor_skip(&c, 3), -1);
	assert_at(&c, 10);
	assert_int_equal(cursor_sub(&c, 2, &sub), 0);
	assert_true(cursor_empty(&c));
	assert_int_equal(cursor_get_u16(&sub, &v16), 0);
	assert_int_equal(v16, 0x789a);
	/* NULL memory is an empty cursor. */
	cursor_init(&c, NULL, 5);
	assert_true(cursor_empty(&c));
	assert_int_equal(cursor_get_u8(&c, &v8), -1);
}

static void
test_arrays(void **state)
{
	/* volatile: a huge count the compiler cannot see through. */
	volatile size_t huge = SIZE_MAX / 2;
	struct cursor c;
	uint32_t v[8];

	(void)state;
	cursor_init(&c, bytes, sizeof(bytes));
	assert_int_equal(cursor_get_u32_array(&c, v, 2), 0);
	assert_int_equal(v[0], 0xffffffff);
	assert_int_equal(v[1], 0x00130412);
	assert_at(&c, 8);
	/* One value too many: nothing read, nothing moved. */
	memset(v, 0, sizeof(v));
	assert_int_equal(cursor_get_u32_array(&c, v, 2), -1);
	assert_int_equal(cursor_get_u16_array_u32(&c, v, 3), -1);
	assert_int_equal(cursor_get_u32_array(&c, v, huge), -1);
	assert_int_equal(cursor_get_u16_array_u32(&c, v, huge), -1);
	assert_int_equal(v[0], 0);
	assert_at(&c, 8);
	assert_int_equal(cursor_get_u16_array_u32(&c, v, 2), 0);
	assert_int_equal(v[0], 0x3456);
	assert_int_equal(v[1], 0x789a);
	assert_true(cursor_empty(&c));
	assert_int_equal(cursor_get_u32_array(&c, v, 0), 0);
	assert_int_equal(cursor_get_u16_array_u32(&c, v, 0), 0);
}

static void
test_peek_bytes(void **state)
{
	struct cursor c;
	uint8_t out[sizeof(bytes) + 1];

	(void)state;
	cursor_init(&c, bytes, sizeof(bytes));
	assert_int_equal(cursor_peek_bytes(&c, 8, out, 4), 0);
	assert_memory_equal(out, bytes + 8, 4);
	assert_at(&c, 0);
	assert_int_equal(cursor_peek_bytes(&c, 9, out, 4), -1);
	assert_int_equal(cursor_peek_bytes(&c, SIZE_MAX, out, 4), -1);
	assert_int_equal(cursor_peek_bytes(&c, 0, out, sizeof(bytes) + 1), -1);
	assert_int_equal(cursor_peek_bytes(&c, sizeof(bytes), out, 0), 0);
	assert_at(&c, 0);
}

static void
test_match(void **state)
{
	static const uint8_t ff[4] = { 0xff, 0xff, 0xff, 0xff };
	uint8_t tail[sizeof(bytes)];
	struct cursor c;

	(void)state;
	memset(tail, 0, sizeof(tail));
	memcpy(tail, bytes + 6, sizeof(bytes) - 6);
	cursor_init(&c, bytes, sizeof(bytes));
	assert_true(cursor_match(&c, ff, 4));
	assert_at(&c, 4);
	/* A difference, or too few bytes left: false, cursor unchanged. */
	assert_false(cursor_match(&c, ff, 1));
	assert_at(&c, 4);
	assert_true(cursor_match(&c, bytes + 4, 2));
	assert_at(&c, 6);
	assert_false(cursor_match(&c, tail, sizeof(bytes) - 5));
	assert_at(&c, 6);
	assert_true(cursor_match(&c, bytes + 6, sizeof(bytes) - 6));
	assert_true(cursor_empty(&c));
	assert_true(cursor_match(&c, ff, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_peek_bytes),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
