/* tests/helpers.c: temporary folders, file slurping, running commands. */
#include "tests.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *test_tmpdir(void)
{
	char tmpl[] = "/tmp/attackkb-test-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

void test_rmtree(const char *path)
{
	char *cmd;

	if (!path || strncmp(path, "/tmp/attackkb-test-", 19) != 0)
		return;
	cmd = xasprintf("rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	free(cmd);
}

char *test_slurp(const char *path, size_t *len)
{
	char *buf;
	size_t n;

	ck_assert_msg(fsutil_read_file(&buf, &n, path, 1u << 30) == 0,
		      "cannot read %s", path);
	if (len)
		*len = n;
	return buf;
}

int test_run(char **out, const char *fmt, ...)
{
	strbuf cmd = STRBUF_INIT, res = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	va_list ap;
	FILE *p;
	int status;

	va_start(ap, fmt);
	strbuf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd.ptr, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		strbuf_put(&res, chunk, n);
	status = pclose(p);
	strbuf_free(&cmd);
	if (out)
		*out = strbuf_detach(&res);
	strbuf_free(&res);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void test_cli_setup(char **dir, char **db, char **bin)
{
	*bin = getenv("ATTACKKB");
	ck_assert_msg(*bin != NULL, "ATTACKKB is not set (make check)");
	*dir = test_tmpdir();
	*db = xasprintf("%s/attack.db", *dir);
}

void test_cli_teardown(char *dir, char *db)
{
	test_rmtree(dir);
	free(dir);
	free(db);
}
