/* summary: the --hosts inventory parser: names, serials and MACs in any order, bad lines. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/hosts.h"

static struct hosts h;
static char err[HOSTS_ERR_MAX];

static bool parse(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	bool ok = hosts_parse(&h, f, err);
	fclose(f);
	return ok;
}

static void test_guide_table(void **state)
{
	(void)state;
	assert_true(parse("# name serial mac\n"
	                  "running-lion 38c128c0 DC:A6:32:79:26:DF\n"
	                  "\n"
	                  "   quiet-owl\tdc-a6-32-00-00-02   0badcafe   # trailing comment\n"
	                  "mac-only b8:27:eb:12:34:56\n"
	                  "serial-only 1234abcd\r\n"));
	assert_int_equal(h.n, 4);
	assert_string_equal(h.e[0].name, "running-lion");
	assert_true(h.e[0].has_serial && h.e[0].has_mac);
	assert_int_equal(h.e[0].serial, 0x38c128c0);
	static const uint8_t lion[6] = {0xdc, 0xa6, 0x32, 0x79, 0x26, 0xdf};
	assert_memory_equal(h.e[0].mac, lion, 6);
	assert_int_equal(h.e[0].line, 2);
	assert_string_equal(h.e[1].name, "quiet-owl");
	assert_int_equal(h.e[1].serial, 0x0badcafe);
	assert_int_equal(h.e[1].mac[5], 2);
	assert_int_equal(h.e[1].line, 4);
	assert_false(h.e[2].has_serial);
	assert_false(h.e[3].has_mac);
	assert_int_equal(h.e[3].serial, 0x1234abcd);

	/* Lookup: MAC first, then serial. */
	assert_ptr_equal(hosts_find(&h, lion, false, 0), &h.e[0]);
	static const uint8_t other[6] = {1, 2, 3, 4, 5, 6};
	assert_ptr_equal(hosts_find(&h, other, true, 0x1234abcd), &h.e[3]);
	assert_null(hosts_find(&h, other, true, 0x99999999));
	assert_null(hosts_find(NULL, lion, true, 0x38c128c0));
}

static void test_bad_lines_have_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"ok 38c128c0\nlonely\n", "line 2: a name needs a serial or a MAC"},
	    {"x 38c128c0 zz:a6:32:79:26:df\n", "line 1: not a serial"},
	    {"38c128c0 dc:a6:32:79:26:df\n", "line 1: the line must start with a name"},
	    {"a 38c128c0 11111111\n", "line 1: two serials"},
	    {"# c\n\nb dc:a6:32:79:26:df dc:a6:32:79:26:de\n", "line 3: two MAC"},
	    {"a 38c128c\n", "line 1: not a serial"},
	    {"a dc:a6:32:79:26\n", "line 1: not a serial"},
	    {"a dc:a6-32:79:26:df\n", "line 1: not a serial"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_false(parse(cases[i].text));
		assert_non_null(strstr(err, cases[i].want));
	}
}

static void test_mac_forms(void **state)
{
	(void)state;
	uint8_t m[6];
	assert_true(hosts_parse_mac("DC:A6:32:79:26:DF", m));
	assert_int_equal(m[0], 0xdc);
	assert_true(hosts_parse_mac("dc-a6-32-79-26-df", m));
	assert_int_equal(m[5], 0xdf);
	assert_false(hosts_parse_mac("dc:a6:32:79:26:dfx", m));
	assert_false(hosts_parse_mac("", m));
	assert_false(hosts_parse_mac("dc:a6:32:79:26:d", m));
	assert_false(hosts_parse_mac("dca6:32:79:26:df:0", m));
}

static void test_serial_forms(void **state)
{
	(void)state;
	uint32_t v = 0;
	assert_true(hosts_parse_serial("38c128c0", &v));
	assert_int_equal(v, 0x38c128c0u);
	assert_true(hosts_parse_serial("E1FFDA08", &v));
	assert_int_equal(v, 0xe1ffda08u);
	assert_false(hosts_parse_serial("38c128c", &v));
	assert_false(hosts_parse_serial("38c128c00", &v));
	assert_false(hosts_parse_serial("38c128cg", &v));
	assert_false(hosts_parse_serial("", &v));
	assert_int_equal(v, 0xe1ffda08u); /* untouched when malformed */
}

static void test_load_missing_file(void **state)
{
	(void)state;
	assert_false(hosts_load(&h, "/nonexistent/hosts.txt", err));
	assert_non_null(strstr(err, "/nonexistent/hosts.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_guide_table),       cmocka_unit_test(test_bad_lines_have_numbers),
	    cmocka_unit_test(test_mac_forms),         cmocka_unit_test(test_serial_forms),
	    cmocka_unit_test(test_load_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
