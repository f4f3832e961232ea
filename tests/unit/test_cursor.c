/* summary: unit tests for the bounds-checked cursor: edges, sticky errors, TRUNC vs INVALID, XDR
 * (RFC 4506). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nbt/cursor.h"

static const uint8_t bytes8[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

static void test_zero_length(void **state)
{
	(void)state;
	struct cur c;
	cur_init(&c, bytes8, 8, 8);
	assert_non_null(cur_take(&c, 0));
	assert_int_equal(c.off, 0);
	cur_skip(&c, 0);
	struct cur s = cur_sub(&c, 0);
	assert_true(cur_ok(&c));
	assert_true(cur_ok(&s));
	assert_int_equal(s.wire, 0);
	assert_int_equal(cur_left(&s), 0);
	assert_int_equal(cur_u8(&s), 0); /* reading from an empty view is INVALID */
	assert_int_equal(s.err, CUR_INVALID);
	assert_true(cur_ok(&c)); /* the child failing leaves the parent alone */
	uint8_t dst = 0xaa;
	assert_true(cur_copy(&c, &dst, 0));
	assert_int_equal(dst, 0xaa);
	assert_int_equal(c.off, 0);

	/* an empty buffer, NULL pointer: valid but nothing to read */
	cur_init(&c, NULL, 0, 0);
	assert_true(cur_ok(&c));
	assert_int_equal(cur_wire_left(&c), 0);
	assert_null(cur_take(&c, 1));
	assert_int_equal(c.err, CUR_INVALID);

	/* a NULL pointer with a non-zero length is refused */
	cur_init(&c, NULL, 4, 4);
	assert_false(cur_ok(&c));
}

static void test_size_max(void **state)
{
	(void)state;
	struct cur c;

	cur_init(&c, bytes8, 8, 8);
	cur_u8(&c);
	assert_null(cur_take(&c, SIZE_MAX));
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(c.off, 1);

	cur_init(&c, bytes8, 8, 8);
	cur_u8(&c);
	cur_skip(&c, SIZE_MAX);
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(c.off, 1);

	cur_init(&c, bytes8, 8, 8);
	cur_u8(&c);
	struct cur s = cur_sub(&c, SIZE_MAX);
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(s.err, CUR_INVALID);
	assert_int_equal(cur_u8(&s), 0);
	assert_int_equal(c.off, 1);

	/* n + pad would wrap: must be refused before any arithmetic overflows */
	for (size_t k = 0; k < 4; k++) {
		cur_init(&c, bytes8, 8, 8);
		struct span sp = cur_xdr_fixed(&c, SIZE_MAX - k);
		assert_null(sp.p);
		assert_int_equal(sp.len, 0);
		assert_int_equal(c.err, CUR_INVALID);
		assert_int_equal(c.off, 0);
	}

	cur_init(&c, bytes8, 8, 8);
	cur_trim(&c, SIZE_MAX);
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(c.wire, 8);
}

static void test_sticky(void **state)
{
	(void)state;
	struct cur c;
	cur_init(&c, bytes8, 8, 8);
	assert_int_equal(cur_be16(&c), 0x0102);
	assert_int_equal(cur_be64(&c), 0); /* only 6 left */
	assert_int_equal(c.err, CUR_INVALID);
	const char *why = c.why;
	assert_non_null(why);
	size_t off = c.off;
	assert_int_equal(off, 2); /* a failed read does not move */

	assert_int_equal(cur_u8(&c), 0);
	assert_int_equal(cur_be16(&c), 0);
	assert_int_equal(cur_be32(&c), 0);
	assert_int_equal(cur_le16(&c), 0);
	assert_int_equal(cur_le32(&c), 0);
	assert_int_equal(cur_xdr_u32(&c), 0);
	assert_false(cur_xdr_bool(&c));
	assert_null(cur_take(&c, 1));
	assert_null(cur_take(&c, 0));
	cur_skip(&c, 1);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_wire_left(&c), 0);
	assert_int_equal(cur_peek(&c, 0), -1);
	struct cur s = cur_sub(&c, 1);
	assert_false(cur_ok(&s));
	assert_int_equal(c.off, off);

	/* a later failure of a different kind does not replace the first */
	cur_fail(&c, CUR_TRUNC, "second");
	assert_int_equal(c.err, CUR_INVALID);
	assert_ptr_equal(c.why, why);

	/* cur_fail with CUR_OK still fails (as INVALID) */
	cur_init(&c, bytes8, 8, 8);
	cur_fail(&c, CUR_OK, "bogus");
	assert_int_equal(c.err, CUR_INVALID);
	assert_string_equal(c.why, "bogus");
}

static void test_trunc_vs_invalid(void **state)
{
	(void)state;
	struct cur c;
	/* 4 bytes captured of 8 on the wire */
	cur_init(&c, bytes8, 4, 8);
	assert_int_equal(cur_be32(&c), 0x01020304);
	assert_int_equal(cur_wire_left(&c), 4);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c), 0);
	assert_int_equal(c.err, CUR_TRUNC);
	assert_int_equal(c.off, 4);

	cur_init(&c, bytes8, 4, 8);
	cur_skip(&c, 2);
	assert_null(cur_take(&c, 7)); /* past the wire: a lying length */
	assert_int_equal(c.err, CUR_INVALID);

	cur_init(&c, bytes8, 4, 8);
	cur_skip(&c, 6); /* skipping uncaptured bytes that exist on the wire is fine */
	assert_true(cur_ok(&c));
	assert_int_equal(cur_wire_left(&c), 2);
	assert_int_equal(cur_le16(&c), 0);
	assert_int_equal(c.err, CUR_TRUNC);

	/* wire smaller than cap is raised to cap */
	cur_init(&c, bytes8, 8, 2);
	assert_int_equal(c.wire, 8);
}

static void test_sub_partial(void **state)
{
	(void)state;
	struct cur c;
	cur_init(&c, bytes8, 5, 8);
	cur_skip(&c, 2);
	struct cur s = cur_sub(&c, 5); /* bytes 2..6: 3 captured */
	assert_true(cur_ok(&c));
	assert_int_equal(c.off, 7);
	assert_int_equal(s.wire, 5);
	assert_int_equal(s.cap, 3);
	assert_int_equal(cur_u8(&s), 0x03);
	assert_int_equal(cur_be16(&s), 0x0405);
	assert_int_equal(cur_u8(&s), 0);
	assert_int_equal(s.err, CUR_TRUNC);

	/* a sub entirely past the captured part */
	cur_init(&c, bytes8, 2, 8);
	cur_skip(&c, 4);
	s = cur_sub(&c, 3);
	assert_true(cur_ok(&s));
	assert_int_equal(s.cap, 0);
	assert_int_equal(s.wire, 3);
	assert_int_equal(cur_u8(&s), 0);
	assert_int_equal(s.err, CUR_TRUNC);

	/* the child's reads stay inside its window even though the parent has more */
	cur_init(&c, bytes8, 8, 8);
	s = cur_sub(&c, 2);
	assert_int_equal(cur_be16(&s), 0x0102);
	assert_int_equal(cur_u8(&s), 0);
	assert_int_equal(s.err, CUR_INVALID);
	assert_int_equal(cur_u8(&c), 0x03);

	/* cur_rest takes everything, parent consumed */
	cur_init(&c, bytes8, 6, 8);
	cur_skip(&c, 3);
	s = cur_rest(&c);
	assert_int_equal(s.wire, 5);
	assert_int_equal(s.cap, 3);
	assert_int_equal(cur_wire_left(&c), 0);
	assert_true(cur_ok(&c));
}

static void test_trim(void **state)
{
	(void)state;
	struct cur c;
	cur_init(&c, bytes8, 8, 8);
	cur_skip(&c, 2);
	cur_trim(&c, 3); /* e.g. IP total length drops Ethernet padding */
	assert_true(cur_ok(&c));
	assert_int_equal(c.wire, 5);
	assert_int_equal(c.cap, 5);
	assert_int_equal(cur_left(&c), 3);
	assert_int_equal(cur_be16(&c), 0x0304);
	assert_int_equal(cur_be16(&c), 0);
	assert_int_equal(c.err, CUR_INVALID);

	/* trimming longer than what is left lies */
	cur_init(&c, bytes8, 8, 8);
	cur_skip(&c, 6);
	cur_trim(&c, 3);
	assert_int_equal(c.err, CUR_INVALID);

	/* trimming a partly captured cursor keeps cap <= wire and the TRUNC boundary */
	cur_init(&c, bytes8, 3, 8);
	cur_trim(&c, 6);
	assert_int_equal(c.wire, 6);
	assert_int_equal(c.cap, 3);
	cur_skip(&c, 3);
	assert_int_equal(cur_u8(&c), 0);
	assert_int_equal(c.err, CUR_TRUNC);

	cur_init(&c, bytes8, 8, 8);
	cur_trim(&c, 0);
	assert_int_equal(cur_wire_left(&c), 0);
	assert_true(cur_ok(&c));
}

static void test_xdr_opaque(void **state)
{
	(void)state;
	/* length 5, "hello", 3 pad bytes, then a u32 */
	static const uint8_t buf[] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 42};
	struct cur c;
	cur_init(&c, buf, sizeof(buf), sizeof(buf));
	struct span sp = cur_xdr_opaque(&c, 16);
	assert_true(cur_ok(&c));
	assert_int_equal(sp.len, 5);
	assert_memory_equal(sp.p, "hello", 5);
	assert_int_equal(c.off, 12); /* padded to a 4-byte unit */
	assert_int_equal(cur_xdr_u32(&c), 42);

	/* a declared length above the caller's limit */
	cur_init(&c, buf, sizeof(buf), sizeof(buf));
	sp = cur_xdr_opaque(&c, 4);
	assert_null(sp.p);
	assert_int_equal(c.err, CUR_INVALID);

	/* limit equal to the length is fine */
	cur_init(&c, buf, sizeof(buf), sizeof(buf));
	sp = cur_xdr_opaque(&c, 5);
	assert_true(cur_ok(&c));
	assert_int_equal(sp.len, 5);

	/* the padding itself missing from the wire */
	cur_init(&c, buf, 10, 10);
	sp = cur_xdr_opaque(&c, 16);
	assert_null(sp.p);
	assert_int_equal(c.err, CUR_INVALID);

	/* the padding missing from the capture only: the data is whole, pad is skipped */
	cur_init(&c, buf, 10, sizeof(buf));
	sp = cur_xdr_opaque(&c, 16);
	assert_true(cur_ok(&c));
	assert_int_equal(sp.len, 5);
	assert_int_equal(c.off, 12);
	assert_int_equal(cur_xdr_u32(&c), 0);
	assert_int_equal(c.err, CUR_TRUNC);

	/* the data itself cut by the capture */
	cur_init(&c, buf, 7, sizeof(buf));
	sp = cur_xdr_opaque(&c, 16);
	assert_null(sp.p);
	assert_int_equal(c.err, CUR_TRUNC);

	/* length 0xffffffff with max SIZE_MAX */
	static const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4};
	cur_init(&c, huge, sizeof(huge), sizeof(huge));
	sp = cur_xdr_opaque(&c, SIZE_MAX);
	assert_null(sp.p);
	assert_int_equal(c.err, CUR_INVALID);

	/* fixed opaque: 3 bytes + 1 pad; zero-length fixed takes nothing */
	cur_init(&c, bytes8, 8, 8);
	sp = cur_xdr_fixed(&c, 0);
	assert_true(cur_ok(&c));
	assert_int_equal(sp.len, 0);
	assert_int_equal(c.off, 0);
	sp = cur_xdr_fixed(&c, 3);
	assert_int_equal(sp.len, 3);
	assert_int_equal(c.off, 4);
	assert_int_equal(cur_be32(&c), 0x05060708);

	/* XDR bool: only 0 and 1 */
	static const uint8_t bools[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2};
	cur_init(&c, bools, sizeof(bools), sizeof(bools));
	assert_true(cur_xdr_bool(&c));
	assert_false(cur_xdr_bool(&c));
	assert_true(cur_ok(&c));
	cur_xdr_bool(&c);
	assert_int_equal(c.err, CUR_INVALID);
}

static void test_endianness(void **state)
{
	(void)state;
	struct cur c;
	cur_init(&c, bytes8, 8, 8);
	assert_int_equal(cur_le16(&c), 0x0201);
	assert_int_equal(cur_le32(&c), 0x06050403);
	assert_int_equal(cur_be16(&c), 0x0708);
	assert_true(cur_ok(&c));

	cur_init(&c, bytes8, 8, 8);
	assert_true(cur_be64(&c) == 0x0102030405060708ULL);
	cur_init(&c, bytes8, 8, 8);
	assert_true(cur_xdr_u64(&c) == 0x0102030405060708ULL);

	static const uint8_t hi[] = {0xff, 0xfe, 0x80, 0x00};
	cur_init(&c, hi, 4, 4);
	assert_int_equal(cur_be32(&c), 0xfffe8000u);
	cur_init(&c, hi, 4, 4);
	assert_int_equal(cur_le32(&c), 0x0080feffu);

	/* peek does not move or fail */
	cur_init(&c, bytes8, 3, 8);
	assert_int_equal(cur_peek(&c, 2), 3);
	assert_int_equal(cur_peek(&c, 3), -1);
	assert_int_equal(cur_peek(&c, SIZE_MAX), -1);
	assert_int_equal(c.off, 0);
	assert_true(cur_ok(&c));

	/* find looks at captured bytes only, from the position, and does not move */
	size_t at = 99;
	assert_true(cur_find(&c, 3, &at));
	assert_int_equal(at, 2);
	assert_false(cur_find(&c, 4, &at)); /* on the wire, not captured */
	cur_skip(&c, 1);
	assert_true(cur_find(&c, 2, &at));
	assert_int_equal(at, 0);
	assert_false(cur_find(&c, 1, &at)); /* behind the position */
	assert_int_equal(c.off, 1);
	cur_fail(&c, CUR_INVALID, "test");
	assert_false(cur_find(&c, 2, &at));

	/* copy */
	uint8_t dst[4] = {0};
	cur_init(&c, bytes8, 8, 8);
	assert_true(cur_copy(&c, dst, 4));
	assert_memory_equal(dst, bytes8, 4);
	assert_false(cur_copy(&c, dst, 5));
	assert_int_equal(c.off, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zero_length), cmocka_unit_test(test_size_max),
	    cmocka_unit_test(test_sticky),      cmocka_unit_test(test_trunc_vs_invalid),
	    cmocka_unit_test(test_sub_partial), cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_xdr_opaque),  cmocka_unit_test(test_endianness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
