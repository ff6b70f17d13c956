/* tests/check_diff.c: `attackkb diff` and `history`. The word diff; the
 * synthetic pair tests/fixtures/diff/enterprise-attack-9.0.json and -10.0
 * (every changelog section occurs), diffed as stored releases, bundle
 * files and REPO@REF alike; and the real pair ICS v17.1 -> v18.1.
 *
 * Every expected count was derived independently of attackkb, by
 * tests/diff_counts.py (plain Python over the raw bundles, implementing
 * mitreattack-python's diff_stix rules):
 *   python3 tests/diff_counts.py tests/fixtures/diff/enterprise-attack-9.0.json \
 *       tests/fixtures/diff/enterprise-attack-10.0.json
 *   python3 tests/diff_counts.py tests/data/ics-attack-17.1.json.gz \
 *       data/attack/ics-attack-18.1.json.gz
 * whose output is quoted in FIXTURE_COUNTS and ICS_COUNTS below. */
#include "gitfixture.h"
#include "tests.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/worddiff.h"
#include "kb/xalloc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */

static char *segs(const char *a, const char *b)
{
	strbuf sb = STRBUF_INIT;
	worddiff_seg *v;
	size_t n;

	worddiff(&v, &n, a, b);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%c[%.*s]", v[i].op, (int)v[i].len,
			      v[i].text);
	free(v);
	return strbuf_detach(&sb);
}

#define EXPECT_SEGS(a, b, want)                                              \
	do {                                                                 \
		char *got_ = segs(a, b);                                     \
		ck_assert_str_eq(got_, want);                                \
		free(got_);                                                  \
	} while (0)

START_TEST(test_worddiff)
{
	EXPECT_SEGS("same words", "same  words", "");
	EXPECT_SEGS("same\nwords", "same words\n", "");
	EXPECT_SEGS("a b c", "a x c", "=[a ]-[b ]+[x ]=[c]");
	EXPECT_SEGS("", "x y", "+[x y]");
	EXPECT_SEGS("x y", NULL, "-[x y]");
	EXPECT_SEGS("one two three four", "zero one two four five",
		    "+[zero ]=[one two ]-[three ]=[four ]+[five]");
	/* Adversaries may alpha ... (the fixture technique T1001) */
	EXPECT_SEGS("Adversaries may alpha the system to gain persistence.",
		    "Adversaries may alpha the whole system to gain "
		    "persistence and privileges.",
		    "=[Adversaries may alpha the ]+[whole ]=[system to gain ]"
		    "-[persistence.]+[persistence and privileges.]");
}
END_TEST

/* Longer than the table allows: one removal and one addition. */
START_TEST(test_worddiff_large)
{
	strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	worddiff_seg *v;
	size_t n;

	for (int i = 0; i < 3000; i++) {
		strbuf_printf(&a, "a%d ", i);
		strbuf_printf(&b, "b%d ", i);
	}
	worddiff(&v, &n, a.ptr, b.ptr);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[0].op, '-');
	ck_assert_uint_eq(v[0].len, a.len);
	ck_assert_int_eq(v[1].op, '+');
	free(v);
	strbuf_free(&a);
	strbuf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */

static struct gitfixture gf;
static char *bin, *db, *ics_db;

static char *run_ok(const char *fmt, const char *a, const char *b)
{
	char *out, *args = xasprintf(fmt, a, b);

	ck_assert_msg(test_run(&out, "%s --db %s %s 2>&1", bin, db, args) == 0,
		      "attackkb %s: %s", args, out);
	free(args);
	return out;
}

static void diff_setup(void)
{
	char *out;

	bin = getenv("ATTACKKB");
	ck_assert_msg(bin != NULL, "ATTACKKB is not set (make check)");
	gitfixture_build(&gf);
	db = xasprintf("%s/diff.db", gf.dir);
	ics_db = xasprintf("%s/ics.db", gf.dir);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest --git %s "
					"--all-releases 2>&1",
				  bin, db, gf.cti),
			 0);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest "
					"data/ics-attack-17.1.json.gz "
					"../data/attack/ics-attack-18.1.json.gz "
					"2>&1",
				  bin, ics_db),
			 0);
	free(out);
}

static void diff_teardown(void)
{
	gitfixture_free(&gf);
	free(db);
	free(ics_db);
}

/* tests/diff_counts.py over the fixture pair. */
static const char FIXTURE_COUNTS[] =
	"techniques 1 1 1 1 1 1 1 1\n"
	"software 1 0 0 0 1 0 0 0\n"
	"groups 0 0 1 0 0 0 0 1\n"
	"campaigns 1 0 0 0 0 0 0 0\n"
	"mitigations 1 0 0 0 0 0 0 0\n"
	"datasources 0 0 0 0 0 0 1 0\n"
	"datacomponents 0 1 0 0 0 0 0 0\n"
	"detectionstrategies 1 0 1 0 0 0 0 0\n"
	"analytics 2 0 0 0 1 0 0 0\n"
	"detects-added 1\n"
	"detects-removed 0\n"
	"mitigates-added 1\n"
	"mitigates-removed 1\n"
	"tactics-gained 1\n"
	"tactics-lost 1\n"
	"uses-added 2\n"
	"uses-removed 1\n";

/* tests/diff_counts.py over ICS v17.1 and v18.1. */
static const char ICS_COUNTS[] =
	"techniques 0 0 0 0 2 0 0 0\n"
	"software 0 0 1 0 0 0 0 0\n"
	"groups 0 1 1 0 0 0 0 0\n"
	"assets 4 6 0 0 0 0 0 0\n"
	"datasources 0 0 0 0 0 0 17 0\n"
	"datacomponents 0 36 0 0 0 0 0 0\n"
	"detectionstrategies 83 0 0 0 0 0 0 0\n"
	"analytics 82 0 0 0 0 0 0 0\n"
	"detects-added 83\n"
	"detects-removed 238\n"
	"mitigates-added 0\n"
	"mitigates-removed 0\n"
	"tactics-gained 0\n"
	"tactics-lost 0\n"
	"uses-added 0\n"
	"uses-removed 0\n";

static size_t group_len(json_t *t, const char *key, const char *sub)
{
	return json_array_size(json_object_get(json_object_get(t, key), sub));
}

/* The JSON of a one-domain diff in diff_counts.py's words. */
static char *counts_of(const char *json_text)
{
	static const char *const sections[] = {
		"additions", "major_version_changes", "minor_version_changes",
		"other_version_changes", "patches", "revocations",
		"deprecations", "deletions"};
	static const char *const rels[][3] = {
		{"detections", "added", "detects-added"},
		{"detections", "removed", "detects-removed"},
		{"mitigations", "added", "mitigates-added"},
		{"mitigations", "removed", "mitigates-removed"},
		{"tactics", "gained", "tactics-gained"},
		{"tactics", "lost", "tactics-lost"},
		{"procedures", "added", "uses-added"},
		{"procedures", "removed", "uses-removed"}};
	json_t *root = json_loads(json_text, 0, NULL), *dom, *summary, *t;
	strbuf sb = STRBUF_INIT;
	const char *type;
	json_t *counts;
	size_t i;

	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(json_array_size(json_object_get(root, "domains")), 1);
	dom = json_array_get(json_object_get(root, "domains"), 0);
	summary = json_object_get(dom, "summary");
	json_object_foreach(summary, type, counts)
	{
		strbuf line = STRBUF_INIT;
		bool any = false;

		strbuf_puts(&line, type);
		for (size_t c = 0; c < 8; c++) {
			json_int_t n = json_integer_value(
				json_object_get(counts, sections[c]));

			any |= n != 0;
			strbuf_printf(&line, " %lld", (long long)n);
		}
		if (any)
			strbuf_printf(&sb, "%s\n", line.ptr);
		strbuf_free(&line);
	}
	for (size_t r = 0; r < 8; r++) {
		size_t n = 0;

		json_array_foreach(json_object_get(dom, "techniques"), i, t)
			n += group_len(t, rels[r][0], rels[r][1]);
		strbuf_printf(&sb, "%s %zu\n", rels[r][2], n);
	}
	json_decref(root);
	return strbuf_detach(&sb);
}

START_TEST(test_fixture_sections)
{
	char *md = run_ok("diff %s %s", "9.0", "10.0"), *js;

	ck_assert_msg(
		strstr(md, "# Enterprise ATT&CK 9.0 → 10.0\n\n"
			   "| type | additions | major | minor | other | "
			   "patches | revocations | deprecations | deletions "
			   "|\n| --- | ---: | ---: | ---: | ---: | ---: | ---: "
			   "| ---: | ---: |\n"
			   "| Techniques | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 |\n"
			   "| Software | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 0 |\n"
			   "| Groups | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |\n"
			   "| Campaigns | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
			   "| Mitigations | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
			   "| Data Sources | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 |\n"
			   "| Data Components | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 "
			   "|\n| Detection Strategies | 1 | 0 | 1 | 0 | 0 | 0 | "
			   "0 | 0 |\n| Analytics | 2 | 0 | 0 | 0 | 1 | 0 | 0 | "
			   "0 |\n"),
		"%s", md);
	/* Each technique section, and what they say. */
	ck_assert(strstr(md, "### Additions\n\n- T1008 Hotel (v1.0)\n"));
	ck_assert(strstr(md, "### Major version changes\n\n- T1001 Alpha "
			     "(v1.2 → v2.0)\n"));
	ck_assert(strstr(md, "- T1002 Bravo Renamed (v1.0 → v1.1)\n"));
	ck_assert(strstr(md, "- T1003 Charlie (v1.0 → v1.2)\n"));
	ck_assert(strstr(md, "### Patches\n\n- T1003.001 Charlie Sub (v1.0)\n"));
	/* Revoked by T1005, itself revoked by T1003.001: the final one. */
	ck_assert(strstr(md, "### Revocations\n\n- T1004 Delta (revoked by "
			     "T1003.001 Charlie Sub)\n"));
	ck_assert(strstr(md, "### Deprecations\n\n- T1006 Foxtrot\n"));
	ck_assert(strstr(md, "### Deletions\n\n- T1007 Golf\n"));
	/* Revoked in both, or revoked without a revoked-by: no section. */
	ck_assert(!strstr(md, "Echo") && !strstr(md, "India"));
	ck_assert(strstr(md,
			 "#### T1001 Alpha\n\n- section: Major version changes\n"
			 "- tactics gained: Privilege Escalation\n"
			 "- mitigations added: M1002 Mitigation Two\n"
			 "- procedure examples added: G0001 Group One\n"
			 "- detections added: DET0001 Strategy One\n"
			 "- analytics added: AN0003 Analytic Three\n"
			 "- description: Adversaries may alpha the {+whole+} "
			 "system to gain [-persistence.-] {+persistence and "
			 "privileges.+}\n"));
	ck_assert(strstr(md, "#### T1002 Bravo Renamed\n\n- section: Minor "
			     "version changes\n- renamed from: Bravo\n- tactics "
			     "lost: Privilege Escalation\n- mitigations "
			     "removed: M1001 Mitigation One\n"));
	ck_assert(strstr(md, "#### T1003.001 Charlie Sub\n\n- section: "
			     "Patches\n- ID was: T1002.001\n- moved: T1002 "
			     "Bravo → T1003 Charlie\n"));
	ck_assert(strstr(md, "#### T1010 Juliet\n\n"
			     "- procedure examples added: S0001 Tool One\n"
			     "- procedure examples removed: G0002 Group Two\n"
			     "- analytics added: AN0002 Analytic Two\n"
			     "- analytics changed: AN0001 Analytic One\n"));
	free(md);
	js = run_ok("diff -f json %s %s", "9.0", "10.0");
	md = counts_of(js);
	ck_assert_str_eq(md, FIXTURE_COUNTS);
	free(md);
	free(js);
}
END_TEST

/* Stored releases, bundle files, REPO@TAG, REPO@release: one diff. */
START_TEST(test_fixture_sources)
{
	char *stored = run_ok("diff %s %s", "9.0", "10.0"), *out, *a, *b;

	out = run_ok("diff %s %s", DIFF_FIXTURE("enterprise-attack-9.0.json"),
		     DIFF_FIXTURE("enterprise-attack-10.0.json"));
	ck_assert_str_eq(out, stored);
	free(out);
	a = xasprintf("%s@ATT&CK-v9.0", gf.cti);
	b = xasprintf("%s@ATT&CK-v10.0", gf.bare);
	out = run_ok("diff '%s' '%s'", a, b);
	ck_assert_str_eq(out, stored);
	free(out);
	free(a);
	free(b);
	a = xasprintf("%s@9.0", gf.stixdata);
	b = xasprintf("%s@10.0", gf.stixdata);
	out = run_ok("diff --domain enterprise %s %s", a, b);
	ck_assert_str_eq(out, stored);
	free(out);
	free(a);
	free(b);
	free(stored);
}
END_TEST

START_TEST(test_layer)
{
	char *path = xasprintf("%s/layer.json", gf.dir), *out, *text;
	json_t *layer, *t;
	strbuf ids = STRBUF_INIT;
	size_t i;

	free(run_ok("diff --layer %s %s 9.0 10.0", path, ""));
	text = test_slurp(path, NULL);
	layer = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(layer);
	ck_assert_str_eq(json_string_value(json_object_get(layer, "domain")),
			 "enterprise-attack");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(layer, "versions"), "layer")),
			 "4.5");
	json_array_foreach(json_object_get(layer, "techniques"), i, t)
		strbuf_printf(&ids, "%s=%s ",
			      json_string_value(
				      json_object_get(t, "techniqueID")),
			      json_string_value(json_object_get(t, "comment")));
	/* Revoked and deprecated techniques are not coloured (MITRE's
	 * layers leave them out); T1010 only changed around it. */
	ck_assert_str_eq(ids.ptr,
			 "T1008=additions T1001=major_version_changes "
			 "T1002=minor_version_changes "
			 "T1003=other_version_changes T1003.001=patches "
			 "T1007=deletions T1010=related changes (tactics, "
			 "mitigations, procedure examples or detections) ");
	ck_assert_uint_eq(json_array_size(json_object_get(layer, "legendItems")),
			  7);
	json_decref(layer);
	strbuf_free(&ids);
	free(text);
	/* Errors: one line, exit 1 or 2. */
	ck_assert_int_eq(test_run(&out, "%s --db %s diff 9.0 8.0 2>&1", bin, db),
			 1);
	ck_assert_msg(strstr(out, "attackkb: diff: ") &&
			      strstr(out, ": no release 8.0 is stored"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s diff 9.0 2>&1", bin, db),
			 2);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s diff -f csv 9.0 10.0 2>&1",
				  bin, db),
			 2);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s diff nowhere 10.0 2>&1",
				  bin, db),
			 1);
	ck_assert_msg(strstr(out, "nowhere: neither a stored release"), "%s",
		      out);
	free(out);
	free(path);
}
END_TEST

START_TEST(test_history)
{
	char *out;

	out = run_ok("history -f csv %s%s", "T1003.001", "");
	ck_assert_str_eq(out, "domain,release,id,type,name,version,modified,"
			      "status\r\n"
			      "enterprise-attack,9.0,T1002.001,subtechnique,"
			      "Charlie Sub,1.0,2020-01-01T00:00:00.000Z,\r\n"
			      "enterprise-attack,10.0,T1003.001,subtechnique,"
			      "Charlie Sub,1.0,2022-06-01T00:00:00.000Z,\r\n");
	free(out);
	out = run_ok("history -f csv %s%s", "t1004", "");
	ck_assert_str_eq(out, "domain,release,id,type,name,version,modified,"
			      "status\r\n"
			      "enterprise-attack,9.0,T1004,technique,Delta,1.0,"
			      "2020-01-01T00:00:00.000Z,\r\n"
			      "enterprise-attack,10.0,T1004,technique,Delta,"
			      "1.0,2022-06-01T00:00:00.000Z,revoked by "
			      "T1003.001\r\n");
	free(out);
	out = run_ok("history -f csv %s%s", GF_ALPHA, "");
	ck_assert(strstr(out, "\r\nenterprise-attack,6.3,T1001,technique,"
			      "Alpha,1.0,") &&
		  strstr(out, "\r\nenterprise-attack,10.0,T1001,technique,"
			      "Alpha,2.0,"));
	free(out);
	out = run_ok("history -f csv %s%s", "T1006", "");
	ck_assert(strstr(out, ",10.0,T1006,technique,Foxtrot,1.0,"
			      "2022-06-01T00:00:00.000Z,deprecated\r\n"));
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s history T9999 2>&1", bin,
				  db),
			 1);
	ck_assert_str_eq(out, "attackkb: history: T9999: no stored release "
			      "holds it (see attackkb search)\n");
	free(out);
}
END_TEST

/* The real pair, as files and as stored releases. */
START_TEST(test_ics_17_1_to_18_1)
{
	char *out, *counts, *stored;

	out = run_ok("diff -f json %s %s", "data/ics-attack-17.1.json.gz",
		     "../data/attack/ics-attack-18.1.json.gz");
	counts = counts_of(out);
	ck_assert_str_eq(counts, ICS_COUNTS);
	free(counts);
	ck_assert_int_eq(test_run(&stored, "%s --db %s diff -f json --domain "
					   "ics 17.1 18.1",
				  bin, ics_db),
			 0);
	ck_assert_str_eq(stored, out);
	free(stored);
	free(out);
	/* The two patched techniques, by name. */
	out = run_ok("diff %s %s", "data/ics-attack-17.1.json.gz",
		     "../data/attack/ics-attack-18.1.json.gz");
	ck_assert_msg(strstr(out, "## Techniques\n\n### Patches\n\n- "), "%s",
		      out);
	free(out);
}
END_TEST

/* The ATT&CK IDs of the techniques a one-domain diff's JSON lists: in a
 * section or with related changes. */
static strmap *diff_techniques(const char *json_text, size_t *n)
{
	json_t *root = json_loads(json_text, 0, NULL), *dom, *t, *lists, *l;
	strmap *ids = strmap_new();
	const char *cat;
	size_t i;

	ck_assert_ptr_nonnull(root);
	*n = 0;
	dom = json_array_get(json_object_get(root, "domains"), 0);
	json_array_foreach(json_object_get(dom, "techniques"), i, t)
		*n += !strmap_put(ids,
				  json_string_value(json_object_get(t, "id")),
				  (void *)1);
	lists = json_object_get(json_object_get(dom, "changes"), "techniques");
	json_object_foreach(lists, cat, l)
	{
		json_array_foreach(l, i, t)
			*n += !strmap_put(
				ids, json_string_value(json_object_get(t, "id")),
				(void *)1);
	}
	json_decref(root);
	return ids;
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* vault-check of a vault exported from ICS 17.1, once the store also
 * holds 18.1: the notes of exactly the techniques `attackkb diff` lists.
 * By hand (tests/diff_counts.py's rules over the raw bundles): all 83
 * techniques live in both releases changed their detections (detection
 * strategies replace data components in 18.1), two of them also patched
 * (T0852, T0882); the 12 revoked or deprecated ones are in no section. */
START_TEST(test_vault_check_since)
{
	char *vdb = xasprintf("%s/vc.db", gf.dir);
	char *vault = xasprintf("%s/vc-vault", gf.dir);
	char *rec = xasprintf("%s/.attackkb/release", vault);
	char *out, *dj, *text;
	json_t *rows, *row;
	strmap *want, *got = strmap_new();
	size_t i, nchanged = 0, nwant = 0, nother = 0;

	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest "
					"data/ics-attack-17.1.json.gz 2>&1",
				  bin, vdb),
			 0);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s --release 17.1 export "
					"obsidian %s 2>&1",
				  bin, vdb, vault),
			 0);
	free(out);
	text = test_slurp(rec, NULL);
	ck_assert_str_eq(text, "# attackkb obsidian export: the releases of "
			       "this vault\nrelease ics-attack 17.1\n");
	free(text);
	/* The vault's own release only: nothing changed. */
	ck_assert_int_eq(test_run(&out, "%s --db %s vault-check %s 2>&1", bin,
				  vdb, vault),
			 0);
	ck_assert_msg(!strstr(out, "changed since"), "%s", out);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest "
					"../data/attack/ics-attack-18.1.json.gz "
					"2>&1",
				  bin, vdb),
			 0);
	free(out);

	ck_assert_int_eq(test_run(&dj, "%s --db %s diff -f json --domain ics "
				       "17.1 18.1",
				  bin, vdb),
			 0);
	want = diff_techniques(dj, &nwant);
	free(dj);
	ck_assert_int_eq(test_run(&out, "%s --db %s vault-check -f json %s "
					"2>/dev/null",
				  bin, vdb, vault),
			 0);
	rows = json_loads(out, 0, NULL);
	ck_assert_msg(rows != NULL, "%s", out);
	json_array_foreach(rows, i, row)
	{
		const char *id = json_string_value(json_object_get(row, "id"));
		const char *detail =
			json_string_value(json_object_get(row, "detail"));

		if (strcmp(json_string_value(json_object_get(row, "problem")),
			   "changed") != 0) {
			nother++;
			continue;
		}
		nchanged++;
		ck_assert_msg(strmap_get(want, id), "%s not in the diff", id);
		ck_assert_ptr_null(strmap_put(got, id, (void *)1));
		ck_assert_msg(strncmp(detail, "changed since 17.1: ", 20) == 0,
			      "%s", detail);
		if (strcmp(id, "T0882") == 0)
			ck_assert_str_eq(detail,
					 "changed since 17.1: patched without "
					 "a version change; detections added "
					 "DET0732; analytics added AN1865");
		if (strcmp(id, "T0852") == 0)
			ck_assert_msg(strncmp(detail + 20,
					      "patched without a version "
					      "change; detections added ",
					      51) == 0,
				      "%s", detail);
	}
	json_decref(rows);
	free(out);
	/* Every flagged ID is in the diff, once: the same sets when the
	 * numbers agree. */
	ck_assert_uint_eq(nwant, 83);
	ck_assert_uint_eq(nchanged, 83);
	ck_assert_uint_gt(nother, 0);

	/* --release 17.1: the vault's own release again. Its notes are
	 * checked against 17.1, where 20 objects are deprecated (jq over
	 * the bundle); against 18.1 37 are, the data sources among them. */
	ck_assert_int_eq(test_run(&out, "%s --db %s --release 17.1 vault-check "
					"-f csv %s 2>&1",
				  bin, vdb, vault),
			 0);
	ck_assert_msg(!strstr(out, "changed since"), "%s", out);
	ck_assert_uint_eq(count_of(out, ",deprecated,"), 20);
	ck_assert_msg(!strstr(out, ",deprecated,DS0001,"), "%s", out);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s vault-check -f csv %s "
					"2>&1",
				  bin, vdb, vault),
			 0);
	ck_assert_uint_eq(count_of(out, ",deprecated,"), 37);
	ck_assert_ptr_nonnull(strstr(out, ",deprecated,DS0001,"));
	free(out);
	/* Before a command that writes, --release is refused: after ingest
	 * it is a STIX 2.0 bundle's version. */
	ck_assert_int_eq(test_run(&out, "%s --db %s --release 17.1 ingest "
					"data/ics-attack-17.1.json.gz 2>&1",
				  bin, vdb),
			 2);
	ck_assert_ptr_nonnull(strstr(out, "attackkb ingest --release X.Y"));
	free(out);

	/* A release the store does not hold: said once, the rest checked. */
	{
		FILE *f = fopen(rec, "w");

		ck_assert_ptr_nonnull(f);
		fputs("release ics-attack 16.0\n", f);
		fclose(f);
	}
	ck_assert_int_eq(test_run(&out, "%s --db %s vault-check %s 2>&1", bin,
				  vdb, vault),
			 0);
	ck_assert_uint_eq(count_of(out, "was generated from ics-attack 16.0, "
					"which the store does not hold"),
			  1);
	ck_assert_msg(!strstr(out, "changed since") && strstr(out, "deprecated"),
		      "%s", out);
	free(out);

	/* No record: said once, the rest checked. */
	ck_assert_int_eq(unlink(rec), 0);
	ck_assert_int_eq(test_run(&out, "%s --db %s vault-check %s 2>&1", bin,
				  vdb, vault),
			 0);
	ck_assert_uint_eq(count_of(out, "no record of the release"), 1);
	ck_assert_msg(!strstr(out, "changed since") && strstr(out, "deprecated"),
		      "%s", out);
	free(out);

	/* A re-export that changes nothing else writes the record again. */
	ck_assert_int_eq(test_run(&out, "%s -q --db %s --release 17.1 export "
					"obsidian %s 2>&1",
				  bin, vdb, vault),
			 0);
	free(out);
	text = test_slurp(rec, NULL);
	ck_assert_msg(strstr(text, "\nrelease ics-attack 17.1\n"), "%s", text);
	free(text);

	strmap_free(want);
	strmap_free(got);
	free(rec);
	free(vault);
	free(vdb);
}
END_TEST

Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *wd = tcase_create("worddiff");
	TCase *tc = tcase_create("releases");

	tcase_add_test(wd, test_worddiff);
	tcase_add_test(wd, test_worddiff_large);
	suite_add_tcase(s, wd);
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, diff_setup, diff_teardown);
	tcase_add_test(tc, test_fixture_sections);
	tcase_add_test(tc, test_fixture_sources);
	tcase_add_test(tc, test_layer);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_ics_17_1_to_18_1);
	tcase_add_test(tc, test_vault_check_since);
	suite_add_tcase(s, tc);
	return s;
}
