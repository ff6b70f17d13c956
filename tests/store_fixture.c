/* tests/store_fixture.c: per-test store in /tmp. */
#include "store_fixture.h"
#include "tests.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>

kb_store *fx_store;
char *fx_dir;
char *fx_path;

void fx_store_setup(void)
{
	fx_dir = test_tmpdir();
	fx_path = fsutil_path_join(fx_dir, "test.db");
	ck_assert_msg(kb_store_open(&fx_store, fx_path,
				    KB_STORE_WRITE | KB_STORE_CREATE) == 0,
		      "%s", kb_error_last());
}

void fx_store_teardown(void)
{
	kb_store_close(fx_store);
	fx_store = NULL;
	test_rmtree(fx_dir);
	free(fx_dir);
	free(fx_path);
}

void fx_store_reopen(void)
{
	kb_store_close(fx_store);
	ck_assert_msg(kb_store_open(&fx_store, fx_path, KB_STORE_WRITE) == 0,
		      "%s", kb_error_last());
}

long fx_count(const char *sql)
{
	kb_rows *rows;
	long n = -1;

	ck_assert_msg(kb_rows_query(&rows, fx_store, sql, NULL, 0) == 0,
		      "%s: %s", sql, kb_error_last());
	if (rows->nrows && kb_rows_get(rows, 0, 0))
		n = atol(kb_rows_get(rows, 0, 0));
	kb_rows_free(rows);
	return n;
}

char *fx_column(const char *sql)
{
	strbuf sb = STRBUF_INIT;
	kb_rows *rows;

	ck_assert_msg(kb_rows_query(&rows, fx_store, sql, NULL, 0) == 0,
		      "%s: %s", sql, kb_error_last());
	for (size_t r = 0; r < rows->nrows; r++) {
		const char *v = kb_rows_get(rows, r, 0);

		strbuf_printf(&sb, "%s%s", r ? "," : "", v ? v : "NULL");
	}
	kb_rows_free(rows);
	return strbuf_detach(&sb);
}

char *fx_write(const char *name, const char *text)
{
	char *path = fsutil_path_join(fx_dir, name);

	ck_assert_int_eq(fsutil_write_atomic(path, text, strlen(text)), 0);
	return path;
}
