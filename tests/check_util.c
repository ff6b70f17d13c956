/* tests/check_util.c: strbuf, error slot, fsutil. */
#include "tests.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_strbuf_grows_and_detaches)
{
	strbuf sb = STRBUF_INIT;
	char *s;

	ck_assert_str_eq(sb.ptr, "");
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&sb, "%d,", i);
	ck_assert_int_eq(sb.len, 3890);
	ck_assert(strncmp(sb.ptr, "0,1,2,", 6) == 0);
	strbuf_truncate(&sb, 4);
	ck_assert_str_eq(sb.ptr, "0,1,");
	s = strbuf_detach(&sb);
	ck_assert_str_eq(s, "0,1,");
	ck_assert_str_eq(sb.ptr, "");
	free(s);
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_error_prefix_keeps_message)
{
	ck_assert_int_eq(kb_error_set(KB_EPARSE, "x.json:3:4: %s", "bad"),
			 KB_EPARSE);
	kb_error_prefix("ingest");
	ck_assert_str_eq(kb_error_last(), "ingest: x.json:3:4: bad");
	kb_error_clear();
	ck_assert_str_eq(kb_error_last(), "");
}
END_TEST

START_TEST(test_fsutil_roundtrip_and_limits)
{
	char *dir = test_tmpdir(), *sub = fsutil_path_join(dir, "a/b/c");
	char *file = fsutil_path_join(sub, "f.txt"), *buf;
	size_t len;

	ck_assert_int_eq(fsutil_mkdir_p(sub), 0);
	ck_assert_int_eq(fsutil_write_atomic(file, "hello", 5), 0);
	ck_assert_int_eq(fsutil_read_file(&buf, &len, file, 5), 0);
	ck_assert_str_eq(buf, "hello");
	free(buf);
	ck_assert_int_eq(fsutil_read_file(&buf, &len, file, 4), KB_ELIMIT);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(fsutil_read_file(&buf, &len, "/nonexistent/x", 9),
			 KB_ENOTFOUND);
	ck_assert(strstr(kb_error_last(), "/nonexistent/x") != NULL);
	free(file);
	free(sub);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_strbuf_grows_and_detaches);
	tcase_add_test(tc, test_error_prefix_keeps_message);
	tcase_add_test(tc, test_fsutil_roundtrip_and_limits);
	suite_add_tcase(s, tc);
	return s;
}
