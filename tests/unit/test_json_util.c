/* summary: JSON helpers: the streamed report equals the whole document, strings stay UTF-8. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nbt/report_json.h"

/* An element with the shapes the report uses: nesting, empty containers, escaped text. */
static json_object *item(int k)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "n", json_object_new_int(k));
	json_object_object_add(o, "text", json_object_new_string("line\none \"quoted\" /path"));
	json_object *a = json_object_new_array();
	for (int i = 0; i < k; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "i", json_object_new_int(i));
		json_object_object_add(e, "empty", json_object_new_array());
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "list", a);
	json_object_object_add(o, "none", NULL);
	json_object_object_add(o, "obj", json_object_new_object());
	return o;
}

static json_object *head(void)
{
	json_object *h = json_object_new_object();
	json_object_object_add(h, "schema", json_object_new_string("x/1"));
	json_object *c = json_object_new_object();
	json_object_object_add(c, "packets", json_object_new_int(3));
	json_object_object_add(h, "capture", c);
	return h;
}

static json_object *tail(void)
{
	json_object *t = json_object_new_object();
	json_object_object_add(t, "findings", json_object_new_array());
	json_object_object_add(t, "errors", json_object_new_array());
	return t;
}

/* The text rjson_write makes of the whole document, and the text of the streamed one. */
static void both(int nitems, char **whole, char **streamed)
{
	size_t len;
	FILE *f = open_memstream(whole, &len);
	assert_non_null(f);
	json_object *doc = head();
	json_object *arr = json_object_new_array();
	for (int i = 0; i < nitems; i++)
		json_object_array_add(arr, item(i));
	json_object_object_add(doc, "clients", arr);
	json_object *t = tail();
	json_object_object_foreach(t, key, val)
	    json_object_object_add(doc, key, json_object_get(val));
	json_object_put(t);
	rjson_write(f, doc, true);
	json_object_put(doc);
	fclose(f);

	f = open_memstream(streamed, &len);
	assert_non_null(f);
	struct rjson_stream s;
	rjson_stream_open(&s, f, head(), "clients");
	for (int i = 0; i < nitems; i++)
		rjson_stream_item(&s, item(i));
	rjson_stream_close(&s, tail());
	fclose(f);
}

static void test_stream_equals_whole(void **state)
{
	(void)state;
	for (int n = 0; n <= 3; n++) {
		char *whole = NULL, *streamed = NULL;
		both(n, &whole, &streamed);
		assert_non_null(strstr(whole, "\"clients\""));
		assert_string_equal(streamed, whole);
		json_object *back = json_tokener_parse(streamed);
		assert_non_null(back);
		assert_int_equal(json_object_array_length(json_object_object_get(back, "clients")),
		                 n);
		json_object_put(back);
		free(whole);
		free(streamed);
	}
}

static void test_str_is_utf8(void **state)
{
	(void)state;
	/* valid UTF-8 kept; a lone 0xff and an overlong form become U+00FF and U+00C0 U+0080 */
	json_object *o = rjson_str("caf\xc3\xa9 \xff \xc0\x80");
	assert_string_equal(json_object_get_string(o), "caf\xc3\xa9 \xc3\xbf \xc3\x80\xc2\x80");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_equals_whole),
	    cmocka_unit_test(test_str_is_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
