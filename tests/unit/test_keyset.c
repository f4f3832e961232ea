/* summary: the bounded key set: distinct counts through growth, the cap, keys near the edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nbt/keyset.h"

/* MAC-like keys of one vendor (only the low bytes differ), each added three times. */
static void test_counts_distinct_through_growth(void **state)
{
	(void)state;
	struct keyset s;
	keyset_init(&s, 100000);
	uint32_t added = 0;
	for (int round = 0; round < 3; round++)
		for (uint64_t i = 0; i < 5000; i++)
			added += keyset_add(&s, 0xdca632000000ull | i);
	assert_int_equal(added, 5000);
	assert_int_equal(s.n, 5000);
	assert_false(s.full);
	assert_true(s.size >= 2 * s.n); /* never more than half full */
	keyset_free(&s);
	assert_int_equal(s.n, 0);
	assert_true(keyset_add(&s, 1)); /* usable again after free */
	keyset_free(&s);
}

static void test_cap_gives_lower_bound(void **state)
{
	(void)state;
	struct keyset s;
	keyset_init(&s, 10);
	for (uint64_t i = 0; i < 10; i++)
		assert_true(keyset_add(&s, i * 7919));
	assert_false(s.full);
	assert_false(keyset_add(&s, 3 * 7919)); /* known key: not new, the set is not "full" yet */
	assert_false(s.full);
	assert_false(keyset_add(&s, 123456789)); /* an 11th key is refused */
	assert_true(s.full);
	assert_int_equal(s.n, 10);
	keyset_free(&s);
}

static void test_edge_keys(void **state)
{
	(void)state;
	struct keyset s;
	keyset_init(&s, 4);
	assert_true(keyset_add(&s, 0));
	assert_false(keyset_add(&s, 0));
	assert_true(keyset_add(&s, UINT64_MAX - 1));
	assert_false(keyset_add(&s, UINT64_MAX)); /* the one key the set cannot hold */
	assert_int_equal(s.n, 2);
	keyset_free(&s);
	struct keyset none = {0}; /* zero-initialised: cap 0 */
	assert_false(keyset_add(&none, 5));
	assert_true(none.full);
	keyset_free(&none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_distinct_through_growth),
	    cmocka_unit_test(test_cap_gives_lower_bound),
	    cmocka_unit_test(test_edge_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
