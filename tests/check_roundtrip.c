/* tests/check_roundtrip.c: where the features meet. The Obsidian round
 * trip (export the shipped Enterprise store, ingest the vault into an
 * empty store, compare the two through the public views). */
#include "export/obsidian.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/store.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/noteingest.h"
#include "parser/stix.h"
#include "tests.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTERPRISE "../data/attack/enterprise-attack-18.1.json.gz"

/* ---- The round trip --------------------------------------------------- */

static char *rdir, *src_db, *dst_db, *vault_dir;

static void roundtrip_setup(void)
{
	stix_opts so = STIX_OPTS_INIT;
	stix_result sr;
	obsidian_opts oo = {0};
	obsidian_result r;
	noteingest_result nr;
	kb_store *st;

	rdir = test_tmpdir();
	src_db = fsutil_path_join(rdir, "src.db");
	dst_db = fsutil_path_join(rdir, "dst.db");
	vault_dir = fsutil_path_join(rdir, "vault");
	ck_assert_int_eq(kb_store_open(&st, src_db,
	                               KB_STORE_WRITE | KB_STORE_CREATE),
	                 0);
	ck_assert_msg(stix_ingest_file(st, ENTERPRISE, &so, &sr) == 0, "%s",
	              kb_error_last());
	ck_assert_msg(obsidian_export(st, vault_dir, &oo, &r) == 0, "%s",
	              kb_error_last());
	obsidian_result_free(&r);
	kb_store_close(st);
	ck_assert_int_eq(kb_store_open(&st, dst_db,
	                               KB_STORE_WRITE | KB_STORE_CREATE),
	                 0);
	ck_assert_msg(noteingest_vault(st, vault_dir, NULL, &nr) == 0, "%s",
	              kb_error_last());
	ck_assert_msg(nr.nwarnings == 0, "%zu warnings, first: %s",
	              nr.nwarnings, nr.nwarnings ? nr.warnings[0] : "");
	noteingest_result_free(&nr);
	kb_store_close(st);
}

static void roundtrip_teardown(void)
{
	test_rmtree(rdir);
	free(rdir);
	free(src_db);
	free(dst_db);
	free(vault_dir);
}

/* The store it came from attached as "s", the store ingested from the
 * vault as "m". */
static sqlite3 *open_pair(void)
{
	sqlite3 *db;
	char *sql = xasprintf("ATTACH 'file:%s?mode=ro' AS s; ATTACH "
	                      "'file:%s?mode=ro' AS m",
	                      src_db, dst_db);

	ck_assert_int_eq(sqlite3_open_v2(":memory:", &db,
	                                 SQLITE_OPEN_READWRITE |
	                                     SQLITE_OPEN_URI,
	                                 NULL),
	                 SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(db));
	free(sql);
	return db;
}

/* Rows of `sel` (a SELECT whose tables are written "X.view") in store a
 * but not in store b, as text (at most 10 rows shown); *n their number. */
static char *except(sqlite3 *db, const char *sel, const char *a,
                    const char *b, long *n)
{
	strbuf q = STRBUF_INIT, out = STRBUF_INIT;
	sqlite3_stmt *st;
	char *sa, *sb;

	sa = xstrdup(sel);
	sb = xstrdup(sel);
	for (char *p = sa; (p = strstr(p, "X.")); p++)
		*p = a[0];
	for (char *p = sb; (p = strstr(p, "X.")); p++)
		*p = b[0];
	strbuf_printf(&q, "%s EXCEPT %s", sa, sb);
	ck_assert_msg(sqlite3_prepare_v2(db, q.ptr, -1, &st, NULL) ==
	                  SQLITE_OK,
	              "%s: %s", q.ptr, sqlite3_errmsg(db));
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (++*n > 10)
			continue;
		strbuf_puts(&out, "\n   ");
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);

			strbuf_printf(&out, " %s", t ? (const char *)t : "NULL");
		}
	}
	sqlite3_finalize(st);
	strbuf_free(&q);
	free(sa);
	free(sb);
	return strbuf_detach(&out);
}

/* Assert that sel gives the same set of rows in both stores, and at
 * least `min` rows; report the rows missing and extra. */
static void same_set(sqlite3 *db, const char *what, const char *sel,
                     long min)
{
	long missing, extra, total = 0;
	char *m = except(db, sel, "s", "m", &missing);
	char *e = except(db, sel, "m", "s", &extra);
	char *count = xasprintf("SELECT count(*) FROM (%s)", sel);
	sqlite3_stmt *st;

	for (char *p = count; (p = strstr(p, "X.")); p++)
		*p = 's';
	ck_assert_int_eq(sqlite3_prepare_v2(db, count, -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ck_assert_msg(missing == 0 && extra == 0,
	              "%s: %ld rows of the STIX store missing after the round "
	              "trip:%s\n  %ld rows extra:%s",
	              what, missing, m, extra, e);
	ck_assert_msg(total >= min, "%s: only %ld rows", what, total);
	free(m);
	free(e);
	free(count);
}

START_TEST(test_roundtrip_objects)
{
	static const struct {
		const char *type;
		long min;
	} types[] = {{"technique", 200},  {"subtechnique", 450},
	             {"tactic", 14},      {"mitigation", 40},
	             {"group", 170},      {"software", 780},
	             {"campaign", 50}};
	sqlite3 *db = open_pair();

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *sel = xasprintf(
		    "SELECT attack_id, name FROM X.attack_objects WHERE type "
		    "= '%s' AND revoked = 0 AND deprecated = 0",
		    types[i].type);

		same_set(db, types[i].type, sel, types[i].min);
		free(sel);
	}
	/* Revoked and deprecated objects come back as such. */
	same_set(db, "revoked and deprecated IDs",
	         "SELECT attack_id, type, revoked, deprecated FROM "
	         "X.attack_objects WHERE (revoked OR deprecated) AND type IN "
	         "('technique', 'subtechnique', 'group', 'software', "
	         "'campaign') AND attack_id NOT IN (SELECT attack_id FROM "
	         "X.attack_objects WHERE revoked = 0 AND deprecated = 0)",
	         100);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_roundtrip_fields_and_relationships)
{
	sqlite3 *db = open_pair();

	same_set(db, "(technique, tactic)",
	         "SELECT technique_id, tactic_id FROM X.technique_tactics",
	         800);
	same_set(db, "(technique, platform)",
	         "SELECT t.attack_id, p.platform FROM X.techniques t JOIN "
	         "X.platforms p ON p.object_id = t.attack_id",
	         1800);
	same_set(db, "(mitigation, technique)",
	         "SELECT mitigation_id, technique_id FROM X.mitigates", 1400);
	same_set(db, "(sub-technique, parent)",
	         "SELECT attack_id, parent_id FROM X.techniques WHERE "
	         "parent_id IS NOT NULL",
	         450);
	same_set(db, "(user, technique)",
	         "SELECT source_id, source_type, technique_id FROM X.uses",
	         16000);
	same_set(db, "every relationship of those kinds",
	         "SELECT relationship, source_id, target_id FROM "
	         "X.relationships WHERE relationship IN ('uses', 'mitigates', "
	         "'subtechnique-of', 'attributed-to')",
	         19000);
	/* The texts that come back unchanged: those without citations,
	 * links, code, HTML or blanks at either end (see the README on the
	 * round trip). */
	same_set(db, "plain mitigation texts",
	         "SELECT r.mitigation_id, r.technique_id, r.description FROM "
	         "X.mitigates r JOIN s.mitigates o USING (mitigation_id, "
	         "technique_id) WHERE NOT (o.description LIKE '% ' OR "
	         "o.description LIKE ' %' OR o.description LIKE "
	         "'%(Citation:%' OR o.description LIKE '%](http%' OR "
	         "o.description LIKE '%<%' OR o.description LIKE '%`%')",
	         100);
	sqlite3_close(db);
}
END_TEST


/* ---- Notes as detections (issue 7) ------------------------------------ */

/* Two detection notes (frontmatter "type: detection", a "detection" tag)
 * of tests/fixtures/notes/detect-vault become the set detect-vault (or
 * --set NAME); the other notes (no type, "type: idea" with a tag
 * "detection-ideas") do not. The coverage queries count them. */
START_TEST(test_detection_notes)
{
	const char *bin = getenv("ATTACKKB");
	char *db = fsutil_path_join(rdir, "det.db"), *out = NULL;

	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	ck_assert_int_eq(test_run(&out, "cp '%s' '%s'", src_db, db), 0);
	free(out);
	ck_assert_int_eq(test_run(&out,
	                          "%s -q --db '%s' ingest "
	                          "fixtures/notes/detect-vault 2>&1",
	                          bin, db),
	                 0);
	free(out);
	ck_assert_int_eq(
	    test_run(&out,
	             "%s --db '%s' sql --format csv \"SELECT set_name, "
	             "rule_id, title, technique_id, resolution FROM "
	             "detection_techniques WHERE set_name <> 'attack' ORDER "
	             "BY 2, 4\"",
	             bin, db),
	    0);
	ck_assert_str_eq(
	    out, "set_name,rule_id,title,technique_id,resolution\r\n"
	         "detect-vault,Detections/New local admin account.md,New "
	         "local admin account,T1098,exact\r\n"
	         "detect-vault,Detections/New local admin account.md,New "
	         "local admin account,T1136.001,exact\r\n"
	         "detect-vault,Detections/Spearphishing attachment "
	         "sandbox.md,Spearphishing attachment sandbox,T1566,exact\r\n"
	         "detect-vault,Detections/Spearphishing attachment "
	         "sandbox.md,Spearphishing attachment "
	         "sandbox,T1566.001,exact\r\n");
	free(out);
	/* Counted by the coverage queries: Initial Access has T1566. */
	ck_assert_int_eq(test_run(&out,
	                          "%s --db '%s' coverage --format csv | grep "
	                          "'^TA0001,'",
	                          bin, db),
	                 0);
	ck_assert_str_eq(out,
	                 "TA0001,Initial Access,1,11,1,11,9.1,"
	                 "\"T1566, T1566.001\"\r\n");
	free(out);
	/* --set NAME names the set. */
	ck_assert_int_eq(test_run(&out,
	                          "%s -q --db '%s' ingest --set team "
	                          "fixtures/notes/detect-vault 2>&1 && %s --db "
	                          "'%s' sql --format csv \"SELECT name, rules "
	                          "FROM detection_sets WHERE name <> 'attack' "
	                          "ORDER BY 1\"",
	                          bin, db, bin, db),
	                 0);
	ck_assert_str_eq(out, "name,rules\r\ndetect-vault,2\r\nteam,2\r\n");
	free(out);
	free(db);
}
END_TEST

Suite *roundtrip_suite(void)
{
	Suite *s = suite_create("roundtrip");
	TCase *rt = tcase_create("obsidian round trip");

	tcase_set_timeout(rt, 180);
	tcase_add_unchecked_fixture(rt, roundtrip_setup, roundtrip_teardown);
	tcase_add_test(rt, test_roundtrip_objects);
	tcase_add_test(rt, test_roundtrip_fields_and_relationships);
	tcase_add_test(rt, test_detection_notes);
	suite_add_tcase(s, rt);
	return s;
}
