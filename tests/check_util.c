/* tests/check_util.c: strbuf, error slot, fsutil. */
#include "tests.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One JSON string writer serves describe, the canvas and frontmatter. */
START_TEST(test_strbuf_json_string)
{
	strbuf sb = STRBUF_INIT;

	strbuf_put_json_string(&sb, "say \"hi\" \\ a\tb\nc\x01 é");
	strbuf_putc(&sb, ' ');
	strbuf_put_json_string(&sb, NULL);
	ck_assert_str_eq(sb.ptr,
			 "\"say \\\"hi\\\" \\\\ a\\tb\\nc\\u0001 é\" \"\"");
	strbuf_free(&sb);
}
END_TEST

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

START_TEST(test_strmap_put_get_grow)
{
	strmap *m = strmap_new();
	static int vals[1000];
	char key[32];

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_ptr_null(strmap_put(m, key, &vals[i]));
	}
	ck_assert_uint_eq(strmap_count(m), 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_ptr_eq(strmap_get(m, key), &vals[i]);
	}
	ck_assert_ptr_null(strmap_get(m, "k1000"));
	ck_assert_ptr_eq(strmap_put(m, "k7", &vals[0]), &vals[7]);
	ck_assert_uint_eq(strmap_count(m), 1000);
	strmap_free(m);
	strmap_free(NULL);
}
END_TEST

/* Number of entries in dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

START_TEST(test_fsutil_write_atomic_ex)
{
	char *dir = test_tmpdir(), *file = fsutil_path_join(dir, "n.md"), *buf;
	char longname[256];
	struct stat st;
	size_t len;

	ck_assert_int_eq(fsutil_write_atomic_ex(file, "a", 1, FSUTIL_NOREPLACE,
						0),
			 0);
	ck_assert_int_eq(fsutil_write_atomic_ex(file, "b", 1,
						FSUTIL_NOREPLACE | FSUTIL_SYNC,
						0),
			 KB_EEXISTS);
	buf = test_slurp(file, &len);
	ck_assert_str_eq(buf, "a");
	free(buf);
	ck_assert_int_eq(fsutil_write_atomic_ex(file, "c", 1, FSUTIL_SYNC,
						0600),
			 0);
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	buf = test_slurp(file, &len);
	ck_assert_str_eq(buf, "c");
	free(buf);
	free(file);
	/* A 255-byte name still works: the temporary name is short. */
	memset(longname, 'x', 255);
	longname[255] = '\0';
	file = fsutil_path_join(dir, longname);
	ck_assert_int_eq(fsutil_write_atomic(file, "d", 1), 0);
	free(file);
	/* A missing folder: KB_EIO, and nothing left behind. */
	file = fsutil_path_join(dir, "no/such.md");
	ck_assert_int_eq(fsutil_write_atomic(file, "e", 1), KB_EIO);
	ck_assert(strstr(kb_error_last(), "no/such.md") != NULL);
	free(file);
	ck_assert_int_eq(count_prefixed(dir, ".attackkb-tmp-"), 0);
	ck_assert_int_eq(fsutil_sync_dir(dir), 0);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Every limit on outside input is documented in docs/security.md. */
START_TEST(test_every_limit_documented)
{
	char *limits = test_slurp("../kb/limits.h", NULL);
	char *doc = test_slurp("../docs/security.md", NULL);
	int n = 0;

	for (char *p = limits; (p = strstr(p, "#define KB_MAX_")) != NULL;
	     p++) {
		char name[64], want[70];

		if (sscanf(p, "#define %63s", name) != 1)
			continue;
		snprintf(want, sizeof(want), "`%s`", name);
		ck_assert_msg(strstr(doc, want) != NULL,
			      "%s is not in docs/security.md", name);
		n++;
	}
	ck_assert_int_ge(n, 10);
	free(limits);
	free(doc);
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_strbuf_grows_and_detaches);
	tcase_add_test(tc, test_strbuf_json_string);
	tcase_add_test(tc, test_error_prefix_keeps_message);
	tcase_add_test(tc, test_fsutil_roundtrip_and_limits);
	tcase_add_test(tc, test_every_limit_documented);
	tcase_add_test(tc, test_strmap_put_get_grow);
	tcase_add_test(tc, test_fsutil_write_atomic_ex);
	suite_add_tcase(s, tc);
	return s;
}
