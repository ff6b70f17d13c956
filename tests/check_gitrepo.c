/* tests/check_gitrepo.c: releases read from git repositories built in the
 * test (tests/gitfixture.c): both layouts, tags, a bare clone, per-object
 * trees against bundle files, and every kind of bad input, through the
 * library and through the binary (one-line error, exit 1, store as it
 * was). */
#include "gitfixture.h"
#include "store_fixture.h"
#include "tests.h"
#include "kb/error.h"
#include "kb/ingest.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/gitrepo.h"
#include "parser/stix.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static struct gitfixture gf;

static void repos_setup(void)
{
	gitfixture_build(&gf);
}

static void repos_teardown(void)
{
	gitfixture_free(&gf);
}

/* "domain version ref layout path" per release, one a line. */
static char *listing(const char *path, const gitrepo_query *q)
{
	strbuf sb = STRBUF_INIT;
	gitrepo_release *v;
	gitrepo *r;
	size_t n;

	ck_assert_msg(gitrepo_open(&r, path) == 0, "%s", kb_error_last());
	ck_assert_msg(gitrepo_releases(&v, &n, r, q) == 0, "%s",
		      kb_error_last());
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s %s %s %s %s\n", v[i].domain,
			      v[i].version[0] ? v[i].version : "?", v[i].ref,
			      v[i].layout == GITREPO_BUNDLE ? "bundle"
							    : "objects",
			      v[i].path);
	gitrepo_releases_free(v, n);
	gitrepo_free(r);
	return strbuf_detach(&sb);
}

#define EXPECT_LISTING(path, q, want)                                        \
	do {                                                                 \
		char *got_ = listing(path, q);                               \
		ck_assert_str_eq(got_, want);                                \
		free(got_);                                                  \
	} while (0)

#define CTI_ALL                                                              \
	"enterprise-attack 6.3 ATT&CK-v6.3 bundle "                          \
	"enterprise-attack/enterprise-attack.json\n"                         \
	"pre-attack 6.3 ATT&CK-v6.3 bundle pre-attack/pre-attack.json\n"     \
	"enterprise-attack 9.0 ATT&CK-v9.0 bundle "                          \
	"enterprise-attack/enterprise-attack.json\n"                         \
	"enterprise-attack 10.0 ATT&CK-v10.0 bundle "                        \
	"enterprise-attack/enterprise-attack.json\n"

START_TEST(test_cti_releases)
{
	const char *ref90[] = {"ATT&CK-v9.0"}, *pre[] = {"pre"};
	gitrepo_query q = {.all = true};

	EXPECT_LISTING(gf.cti, &q, CTI_ALL);
	/* A bare clone holds the same. */
	EXPECT_LISTING(gf.bare, &q, CTI_ALL);
	/* By default: the newest of each domain at HEAD (named by its tag). */
	q.all = false;
	EXPECT_LISTING(gf.cti, &q,
		       "enterprise-attack 10.0 ATT&CK-v10.0 bundle "
		       "enterprise-attack/enterprise-attack.json\n");
	q.per_object = true;
	EXPECT_LISTING(gf.cti, &q,
		       "enterprise-attack 10.0 ATT&CK-v10.0 objects "
		       "enterprise-attack/\n");
	q.per_object = false;
	q.refs = ref90;
	q.nrefs = 1;
	EXPECT_LISTING(gf.cti, &q,
		       "enterprise-attack 9.0 ATT&CK-v9.0 bundle "
		       "enterprise-attack/enterprise-attack.json\n");
	/* One release by number: found at its tag; retired domains too. */
	q.nrefs = 0;
	q.version = "6.3";
	EXPECT_LISTING(gf.cti, &q,
		       "enterprise-attack 6.3 ATT&CK-v6.3 bundle "
		       "enterprise-attack/enterprise-attack.json\n"
		       "pre-attack 6.3 ATT&CK-v6.3 bundle "
		       "pre-attack/pre-attack.json\n");
	q.version = NULL;
	q.all = true;
	q.domains = pre;
	q.ndomains = 1;
	EXPECT_LISTING(gf.cti, &q,
		       "pre-attack 6.3 ATT&CK-v6.3 bundle "
		       "pre-attack/pre-attack.json\n");
}
END_TEST

START_TEST(test_stixdata_releases)
{
	gitrepo_query q = {0};

	/* One commit holds every release: the newest of each domain. */
	EXPECT_LISTING(gf.stixdata, &q,
		       "enterprise-attack 10.0 HEAD bundle "
		       "enterprise-attack/enterprise-attack-10.0.json\n"
		       "ics-attack 18.1 HEAD bundle "
		       "ics-attack/ics-attack-18.1.json\n");
	q.all = true;
	EXPECT_LISTING(gf.stixdata, &q,
		       "enterprise-attack 9.0 HEAD bundle "
		       "enterprise-attack/enterprise-attack-9.0.json\n"
		       "enterprise-attack 10.0 HEAD bundle "
		       "enterprise-attack/enterprise-attack-10.0.json\n"
		       "ics-attack 18.1 HEAD bundle "
		       "ics-attack/ics-attack-18.1.json\n");
	q.all = false;
	q.version = "9.0";
	EXPECT_LISTING(gf.stixdata, &q,
		       "enterprise-attack 9.0 HEAD bundle "
		       "enterprise-attack/enterprise-attack-9.0.json\n");
	/* Per-object trees without a tag: ICS's x-mitre-collection tells
	 * its release, nothing tells the enterprise one's. */
	q.version = NULL;
	EXPECT_LISTING(gf.objonly, &q,
		       "enterprise-attack ? HEAD objects enterprise-attack/\n"
		       "ics-attack 18.1 HEAD objects ics-attack/\n");
}
END_TEST

static void ingest_all(const char *path, const gitrepo_query *q,
		       size_t want)
{
	gitrepo_release *v;
	gitrepo *r;
	size_t n;

	ck_assert_int_eq(gitrepo_open(&r, path), 0);
	ck_assert_int_eq(gitrepo_releases(&v, &n, r, q), 0);
	ck_assert_uint_eq(n, want);
	ck_assert_int_eq(kb_store_begin(fx_store), 0);
	for (size_t i = 0; i < n; i++) {
		stix_result res;

		ck_assert_msg(gitrepo_ingest(fx_store, r, &v[i], NULL, &res) ==
				      0,
			      "%s", kb_error_last());
		ck_assert(!res.already);
	}
	ck_assert_int_eq(kb_store_commit(fx_store), 0);
	gitrepo_releases_free(v, n);
	gitrepo_free(r);
}

START_TEST(test_ingest_every_release)
{
	gitrepo_query q = {.all = true};
	char *s;

	ingest_all(gf.cti, &q, 4);
	s = fx_column("SELECT domain || ' ' || version || ' ' || objects "
		      "FROM release ORDER BY id");
	ck_assert_str_eq(s, "enterprise-attack 6.3 10,pre-attack 6.3 5,"
			    "enterprise-attack 9.0 31,"
			    "enterprise-attack 10.0 39");
	free(s);
	s = fx_column("SELECT source FROM release WHERE version = '9.0'");
	ck_assert(strstr(s, "/cti@ATT&CK-v9.0:enterprise-attack/"
			    "enterprise-attack.json"));
	free(s);
	/* The old release has no sub-techniques; nothing was found wrong. */
	ck_assert_int_eq(fx_count("SELECT count(*) FROM finding"), 0);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM attack_objects "
				  "WHERE domain = 'pre-attack'"),
			 3);
}
END_TEST

/* A per-object tree is the same release as the bundle file beside it. */
START_TEST(test_per_object_tree)
{
	const char *ref[] = {"ATT&CK-v9.0"};
	gitrepo_query q = {.refs = ref, .nrefs = 1, .per_object = true};
	gitrepo_release *v;
	gitrepo *r;
	stix_result res;
	size_t n;
	long objects;

	ingest_all(gf.cti, &q, 1);
	objects = fx_count("SELECT count(*) FROM object");
	ck_assert_int_eq(objects, 31);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release WHERE source "
				  "LIKE '%@ATT&CK-v9.0:enterprise-attack/'"),
			 1);
	/* The bundle file of the same release: already stored. */
	q.per_object = false;
	ck_assert_int_eq(gitrepo_open(&r, gf.cti), 0);
	ck_assert_int_eq(gitrepo_releases(&v, &n, r, &q), 0);
	ck_assert_int_eq(gitrepo_ingest(fx_store, r, &v[0], NULL, &res), 0);
	ck_assert(res.already);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object"), objects);
	gitrepo_releases_free(v, n);
	gitrepo_free(r);
}
END_TEST

START_TEST(test_release_from_collection_or_option)
{
	gitrepo_query q = {0};
	stix_opts so = STIX_OPTS_INIT;
	gitrepo_release *v;
	gitrepo *r;
	stix_result res;
	size_t n;

	ck_assert_int_eq(gitrepo_open(&r, gf.objonly), 0);
	ck_assert_int_eq(gitrepo_releases(&v, &n, r, &q), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(gitrepo_ingest(fx_store, r, &v[0], NULL, &res),
			 KB_EPARSE);
	ck_assert_msg(strstr(kb_error_last(), "/objonly@HEAD:"
					      "enterprise-attack/: cannot tell "
					      "which ATT&CK release"),
		      "%s", kb_error_last());
	so.release = "10.0";
	ck_assert_int_eq(gitrepo_ingest(fx_store, r, &v[0], &so, &res), 0);
	ck_assert_str_eq(res.version, "10.0");
	ck_assert_int_eq(gitrepo_ingest(fx_store, r, &v[1], NULL, &res), 0);
	ck_assert_str_eq(res.domain, "ics-attack");
	ck_assert_str_eq(res.version, "18.1");
	gitrepo_releases_free(v, n);
	gitrepo_free(r);
}
END_TEST

START_TEST(test_library_errors)
{
	const char *nosuch[] = {"no-such-tag"};
	gitrepo_query q = {.refs = nosuch, .nrefs = 1};
	gitrepo_release *v;
	gitrepo *r;
	size_t n;

	ck_assert_int_eq(gitrepo_open(&r, gf.notrepo), KB_ENOTFOUND);
	ck_assert(strstr(kb_error_last(), "/notrepo: not a git repository"));
	ck_assert_int_eq(gitrepo_open(&r, gf.cti), 0);
	ck_assert_int_eq(gitrepo_releases(&v, &n, r, &q), KB_ENOTFOUND);
	ck_assert(strstr(kb_error_last(),
			 "/cti@no-such-tag: no such ref, tag or commit"));
	q.nrefs = 0;
	q.domains = nosuch;
	q.ndomains = 1;
	ck_assert_int_eq(gitrepo_releases(&v, &n, r, &q), KB_EUSAGE);
	gitrepo_free(r);
	ck_assert_str_eq(gitrepo_domain_name("ics"), "ics-attack");
	ck_assert_str_eq(gitrepo_domain_name("pre-attack"), "pre-attack");
	ck_assert_ptr_null(gitrepo_domain_name("attack"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Through the binary: one line, exit 1, the store as it was.          */

static char *bin, *db;

static void cli_setup(void)
{
	char *out;

	bin = getenv("ATTACKKB");
	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	db = xasprintf("%s/cli.db", gf.dir);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest --git %s "
					"--ref 'ATT&CK-v6.3' 2>&1",
				  bin, db, gf.cti),
			 0);
	free(out);
}

static void cli_teardown(void)
{
	free(db);
}

static char *stored(void)
{
	char *out;

	ck_assert_int_eq(test_run(&out, "%s --db %s releases -f csv", bin, db),
			 0);
	return out;
}

/* Run ingest with args; it must fail with one line holding each of the
 * NULL-terminated wants, and leave the store as it was. */
static void fails(const char *args, ...)
{
	char *before = stored(), *after, *err, *nl;
	const char *want;
	va_list ap;

	ck_assert_int_eq(test_run(&err, "%s --db %s ingest %s 2>&1 >/dev/null",
				  bin, db, args),
			 1);
	nl = strchr(err, '\n');
	ck_assert_msg(nl && nl[1] == '\0', "not one line: %s", err);
	va_start(ap, args);
	while ((want = va_arg(ap, const char *)))
		ck_assert_msg(strstr(err, want), "'%s' not in: %s", want, err);
	va_end(ap);
	after = stored();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	free(err);
}

START_TEST(test_cli_bad_input)
{
	char *args;

	args = xasprintf("--git %s", gf.notrepo);
	fails(args, "attackkb: ingest: ", "/notrepo: not a git repository",
	      NULL);
	free(args);
	args = xasprintf("--git %s --ref nosuch", gf.cti);
	fails(args, "/cti@nosuch: no such ref, tag or commit", NULL);
	free(args);
	args = xasprintf("--git %s", gf.nodata);
	fails(args, "/nodata@HEAD: no ATT&CK data", NULL);
	free(args);
	args = xasprintf("--git %s --all-releases", gf.shallow);
	fails(args, "/shallow@ATT&CK-v6.3: its commit ", " is missing",
	      "(the clone is shallow: ", NULL);
	free(args);
	args = xasprintf("--git %s", gf.corrupt);
	fails(args,
	      "/corrupt@ATT&CK-v9.0:enterprise-attack/enterprise-attack.json: "
	      "cannot read the file: ",
	      NULL);
	free(args);
	args = xasprintf("--git %s --ref 'ATT&CK-v11.0'", gf.broken);
	fails(args,
	      "/broken@ATT&CK-v11.0:enterprise-attack/attack-pattern/" GF_ALPHA
	      ".json:",
	      "unexpected end of file", NULL);
	free(args);
	/* A well-formed file whose object is wrong: the object's own file,
	 * line and column. */
	args = xasprintf("--git %s", gf.broken);
	fails(args,
	      "/broken@ATT&CK-v12.0:enterprise-attack/attack-pattern/" GF_ALPHA
	      ".json:6:9: object " GF_ALPHA ": \"name\" must be a string",
	      NULL);
	free(args);
	/* Two releases in one command: the second fails, neither stays. */
	args = xasprintf("--git %s --ref 'ATT&CK-v9.0' --ref 'ATT&CK-v11.0'",
			 gf.broken);
	fails(args, "no such ref", NULL);
	free(args);
}
END_TEST

START_TEST(test_cli_ingest_and_list)
{
	char *out;

	/* A shallow clone still reads what it has. */
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest --git %s --ref "
					"'ATT&CK-v10.0' 2>&1",
				  bin, db, gf.shallow),
			 0);
	ck_assert_msg(strstr(out, "/shallow@ATT&CK-v10.0:enterprise-attack/"
				  "enterprise-attack.json: enterprise-attack "
				  "10.0: 39 objects"),
		      "%s", out);
	free(out);
	/* Every release, oldest first, with a progress line each; those
	 * stored already are said to be. */
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest --git %s "
					"--all-releases 2>&1",
				  bin, db, gf.bare),
			 0);
	ck_assert_msg(strstr(out, "[1/4] enterprise-attack 6.3\n") &&
			      strstr(out, "[4/4] enterprise-attack 10.0\n") &&
			      strstr(out, "enterprise-attack 6.3 is already "
					  "stored") &&
			      strstr(out, "/cti.git@ATT&CK-v9.0:"
					  "enterprise-attack/enterprise-attack."
					  "json: enterprise-attack 9.0: 31 "
					  "objects"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s releases -f csv --git %s", bin,
				  gf.stixdata),
			 0);
	ck_assert_msg(strncmp(out, "domain,version,ref,layout,path,commit\r\n"
				   "enterprise-attack,9.0,HEAD,bundle,"
				   "enterprise-attack/enterprise-attack-9.0."
				   "json,",
			      107) == 0,
		      "%s", out);
	free(out);
}
END_TEST

Suite *gitrepo_suite(void)
{
	Suite *s = suite_create("gitrepo");
	TCase *lib = tcase_create("library");
	TCase *cli = tcase_create("command line");

	tcase_set_timeout(lib, 60);
	tcase_add_unchecked_fixture(lib, repos_setup, repos_teardown);
	tcase_add_checked_fixture(lib, fx_store_setup, fx_store_teardown);
	tcase_add_test(lib, test_cti_releases);
	tcase_add_test(lib, test_stixdata_releases);
	tcase_add_test(lib, test_ingest_every_release);
	tcase_add_test(lib, test_per_object_tree);
	tcase_add_test(lib, test_release_from_collection_or_option);
	tcase_add_test(lib, test_library_errors);
	suite_add_tcase(s, lib);
	tcase_set_timeout(cli, 60);
	tcase_add_unchecked_fixture(cli, repos_setup, repos_teardown);
	tcase_add_checked_fixture(cli, cli_setup, cli_teardown);
	tcase_add_test(cli, test_cli_bad_input);
	tcase_add_test(cli, test_cli_ingest_and_list);
	suite_add_tcase(s, cli);
	return s;
}
