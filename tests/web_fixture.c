/* tests/web_fixture.c: the shipped store for the web tests, built once. */
#include "web_fixture.h"
#include "tests.h"
#include "kb/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA "../data/attack/"

static char *dir, *path;
static pid_t owner; /* the process that built it removes it */

static void remove_store(void)
{
	if (getpid() == owner)
		test_rmtree(dir);
}

const char *web_store(void)
{
	const char *bin = getenv("ATTACKKB");
	char *out = NULL;
	int rc;

	if (path)
		return path;
	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	dir = test_tmpdir();
	path = xasprintf("%s/attack.db", dir);
	rc = test_run(&out,
		      "%s -q --db %s ingest " DATA
		      "enterprise-attack-18.1.json.gz " DATA
		      "mobile-attack-18.1.json.gz " DATA
		      "ics-attack-18.1.json.gz 2>&1",
		      bin, path);
	ck_assert_msg(rc == 0, "ingest failed: %s", out);
	free(out);
	owner = getpid();
	atexit(remove_store);
	return path;
}

const char *web_binary(const char *suffix)
{
	static char buf[2][4096];
	const char *bin = getenv("ATTACKKB");
	char *b = buf[strcmp(suffix, ".cgi") != 0];

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	snprintf(b, sizeof(buf[0]), "%s%s", bin, suffix);
	ck_assert_msg(access(b, X_OK) == 0, "no %s (make all)", b);
	return b;
}
