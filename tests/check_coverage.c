/* tests/check_coverage.c: detection sets in the store (import, replace,
 * ID resolution, selection, the notes hook), log-source matching,
 * Navigator layers checked against the v4.5 specification, and the
 * coverage commands end to end on the shipped Enterprise v18.1 bundle with
 * the real Sigma rules and CAR analytics of tests/fixtures/detections.
 *
 * Expected values were derived without attackkb:
 * - which techniques the rules detect, by hand from their files: the eight
 *   Sigma rules tag T1003, T1003.001, T1003.002, T1558 (av_password_dumper),
 *   T1059.001, T1059.003, T1059.004 (aws_ec2_startup_script_change,
 *   file_event_win_susp_system_interactive_powershell), T1136.001
 *   (fortinet_fortigate_new_local_user_created, lnx_privileged_user_creation,
 *   proc_creation_win_net_user_add, ..._never_expire) and T1098
 *   (gcp_access_policy_deleted, lnx_privileged_user_creation); the two CAR
 *   analytics cover the 22 IDs of CAR-2013-01-002's coverage and T1021,
 *   T1021.001 (CAR-2016-04-005);
 * - everything about ATT&CK with Python over the raw bundle
 *   (json.load(gzip.open('data/attack/enterprise-attack-18.1.json.gz'))):
 *   live = neither revoked nor x_mitre_deprecated; a technique's tactics are
 *   its kill_chain_phases' phase_name matched to x_mitre_shortname, in the
 *   x-mitre-matrix's tactic_refs order; sub-techniques have
 *   x_mitre_is_subtechnique; users of a technique are the distinct live
 *   intrusion-set / malware / tool / campaign sources of live `uses`
 *   relationships to it; mitigations the live course-of-action sources of
 *   live `mitigates` relationships; a mitigation's priority is how many of
 *   its techniques are not in the detected list; G0016's techniques are the
 *   targets of its live `uses` relationships. */
#include "tests.h"
#include "kb/strbuf.h"
#include "web/app.h"
#include "web/cgi.h"
#include "store_fixture.h"
#include "export/navigator.h"
#include "kb/coverage.h"
#include "kb/describe.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/detection.h"
#include "parser/detimport.h"
#include "parser/stix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(...) ((const char *const[]){__VA_ARGS__})
#define SPEC FIXTURE("navigator/layerformat-v4.5.md")
#define SYN(name) FIXTURE("detections/synthetic/" name)

/* ---- helpers ------------------------------------------------------------- */

static void ingest_mini(void)
{
	stix_result res;
	const char *mini = FIXTURE("stix/mini-enterprise-18.1.json");

	ck_assert_msg(stix_ingest_file(fx_store, mini, NULL, &res) == 0,
		      "%s", kb_error_last());
}

/* Import set name: rules given as "ID|TITLE|T1,T2", in one savepoint. */
static void import_rules(const char *name, const char *const *rules,
			 size_t n)
{
	kb_detset *ds;

	ck_assert_msg(kb_detset_begin(&ds, fx_store, name, "test") == 0, "%s",
		      kb_error_last());
	for (size_t i = 0; i < n; i++) {
		char *copy = xstrdup(rules[i]), *title = strchr(copy, '|');
		char *techs = strchr(title + 1, '|'), *save = NULL;
		const char *list[8];
		size_t nt = 0;
		kb_detection det = {.format = "csv",
				    .file = "rules.csv",
				    .line = (unsigned)i + 2};

		*title++ = '\0';
		*techs++ = '\0';
		for (char *t = strtok_r(techs, ",", &save); t && nt < 8;
		     t = strtok_r(NULL, ",", &save))
			list[nt++] = t;
		det.rule_id = *copy ? copy : NULL;
		det.title = title;
		det.techniques = list;
		det.ntechniques = nt;
		ck_assert_msg(kb_detset_add(ds, &det) == 0, "%s",
			      kb_error_last());
		free(copy);
	}
	ck_assert_msg(kb_detset_commit(ds, NULL) == 0, "%s", kb_error_last());
}

/* Run named query name with args; every row as "a|b|c\n". */
static char *named(const char *name, const char *const *args, size_t nargs)
{
	const struct kb_named_query *q = kb_query_find(name);
	strbuf sb = STRBUF_INIT;
	kb_rows *rows;

	ck_assert_msg(q != NULL, "no query %s", name);
	ck_assert_msg(kb_rows_query(&rows, fx_store, q->sql, args, nargs) == 0,
		      "%s: %s", name, kb_error_last());
	for (size_t r = 0; r < rows->nrows; r++) {
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = kb_rows_get(rows, r, c);

			strbuf_printf(&sb, "%s%s", c ? "|" : "", v ? v : "");
		}
		strbuf_putc(&sb, '\n');
	}
	kb_rows_free(rows);
	return strbuf_detach(&sb);
}

static void expect_named(const char *name, const char *const *args,
			 size_t nargs, const char *want)
{
	char *got = named(name, args, nargs);

	ck_assert_str_eq(got, want);
	free(got);
}

static void expect_column(const char *sql, const char *want)
{
	char *got = fx_column(sql);

	ck_assert_str_eq(got, want);
	free(got);
}

/* ---- the Navigator layer specification ----------------------------------- */

/* One property of one object of the specification. */
struct spec_prop {
	char *object; /* "Property Table", "Technique Object properties" */
	char *name;
	char *type;   /* "String", "Array of Technique objects", ... */
	bool required;
};

struct spec {
	struct spec_prop *props;
	size_t n;
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Read every property table of the specification: "## Title" then rows
 * "| Name | Type | Required? | ...". */
static void spec_load(struct spec *sp)
{
	char *text = test_slurp(SPEC, NULL), *save = NULL, *title = NULL;

	memset(sp, 0, sizeof(*sp));
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *cells[4], *p = line + 1, *bar;
		size_t nc = 0;

		if (strncmp(line, "## ", 3) == 0) {
			free(title);
			title = xstrdup(trim(line + 3));
			continue;
		}
		if (line[0] != '|' || !title || strcmp(title, "Example") == 0)
			continue;
		while (nc < 4 && (bar = strchr(p, '|')) != NULL) {
			*bar = '\0';
			cells[nc++] = trim(p);
			p = bar + 1;
		}
		if (nc < 3 || strcmp(cells[0], "Name") == 0 ||
		    cells[0][0] == ':')
			continue;
		sp->props = xreallocarray(sp->props, sp->n + 1,
					  sizeof(*sp->props));
		sp->props[sp->n].object = xstrdup(title);
		sp->props[sp->n].name = xstrdup(cells[0]);
		sp->props[sp->n].type = xstrdup(cells[1]);
		sp->props[sp->n].required =
			strncasecmp(cells[2], "yes", 3) == 0;
		sp->n++;
	}
	free(title);
	free(text);
}

static void spec_free(struct spec *sp)
{
	for (size_t i = 0; i < sp->n; i++) {
		free(sp->props[i].object);
		free(sp->props[i].name);
		free(sp->props[i].type);
	}
	free(sp->props);
}

/* Does v have the JSON type the specification names? */
static bool type_ok(const char *type, const json_t *v)
{
	if (strncasecmp(type, "Array", 5) == 0)
		return json_is_array(v);
	if (strcasecmp(type, "String") == 0)
		return json_is_string(v);
	if (strcasecmp(type, "Number") == 0)
		return json_is_number(v);
	if (strcasecmp(type, "Boolean") == 0)
		return json_is_boolean(v);
	if (strstr(type, "object"))
		return json_is_object(v);
	ck_abort_msg("the specification has a type '%s' this test does not "
		     "know",
		     type);
	return false;
}

/* Check object o against the specification's table title: every required
 * property present, every property present of the listed type and listed
 * at all. Returns how many properties were checked. */
static size_t spec_check_object(const struct spec *sp, const char *title,
				const json_t *o, const char *where)
{
	const char *key;
	json_t *v;
	size_t checked = 0, listed = 0;

	ck_assert_msg(json_is_object(o), "%s is not an object", where);
	for (size_t i = 0; i < sp->n; i++) {
		const struct spec_prop *p = &sp->props[i];
		json_t *val;

		if (strcmp(p->object, title) != 0)
			continue;
		listed++;
		val = json_object_get(o, p->name);
		ck_assert_msg(val || !p->required,
			      "%s lacks the required property %s", where,
			      p->name);
		if (val) {
			ck_assert_msg(type_ok(p->type, val),
				      "%s.%s is not a %s", where, p->name,
				      p->type);
			checked++;
		}
	}
	ck_assert_msg(listed > 0, "the specification has no table '%s'", title);
	json_object_foreach((json_t *)o, key, v)
	{
		bool known = false;

		for (size_t i = 0; i < sp->n && !known; i++)
			known = strcmp(sp->props[i].object, title) == 0 &&
				strcmp(sp->props[i].name, key) == 0;
		ck_assert_msg(known, "%s has %s, which layer format 4.5 does "
				     "not define",
			      where, key);
	}
	return checked;
}

static void spec_check_list(const struct spec *sp, const char *title,
			    const json_t *a, const char *where)
{
	size_t i;
	json_t *v;

	if (!a)
		return;
	json_array_foreach(a, i, v)
	{
		/* Divider objects may stand among metadata and links. */
		if (json_object_get(v, "divider"))
			spec_check_object(sp, "Divider Object properties", v,
					  where);
		else
			spec_check_object(sp, title, v, where);
	}
}

/* Validate a whole layer against the specification and the constraints
 * its text states. Returns the parsed layer (caller json_decref()s). */
static json_t *spec_check_layer(const char *text)
{
	struct spec sp;
	json_error_t err;
	json_t *layer = json_loads(text, 0, &err), *t, *versions, *g;
	const char *domain;
	size_t i;

	ck_assert_msg(layer != NULL, "layer is not JSON: %d:%d: %s", err.line,
		      err.column, err.text);
	spec_load(&sp);
	ck_assert_uint_ge(sp.n, 40); /* the tables were read */
	spec_check_object(&sp, "Property Table", layer, "layer");
	versions = json_object_get(layer, "versions");
	ck_assert_ptr_nonnull(versions);
	spec_check_object(&sp, "Version Object Properties", versions,
			  "versions");
	ck_assert_str_eq(json_string_value(json_object_get(versions, "layer")),
			 "4.5");
	/* "Must be at least 4.9.0" */
	{
		int a = 0, b = 0, c = 0;

		ck_assert_int_eq(sscanf(json_string_value(json_object_get(
						versions, "navigator")),
					"%d.%d.%d", &a, &b, &c),
				 3);
		ck_assert(a > 4 || (a == 4 && b >= 9));
	}
	domain = json_string_value(json_object_get(layer, "domain"));
	ck_assert(strcmp(domain, "enterprise-attack") == 0 ||
		  strcmp(domain, "mobile-attack") == 0 ||
		  strcmp(domain, "ics-attack") == 0);
	g = json_object_get(layer, "gradient");
	ck_assert_ptr_nonnull(g);
	spec_check_object(&sp, "Gradient Object properties", g, "gradient");
	ck_assert_uint_ge(json_array_size(json_object_get(g, "colors")), 2);
	ck_assert(json_number_value(json_object_get(g, "maxValue")) >
		  json_number_value(json_object_get(g, "minValue")));
	if (json_object_get(layer, "layout"))
		spec_check_object(&sp, "Layout Object properties",
				  json_object_get(layer, "layout"), "layout");
	spec_check_list(&sp, "LegendItem Object properties",
			json_object_get(layer, "legendItems"), "legendItems");
	spec_check_list(&sp, "Metadata Object properties",
			json_object_get(layer, "metadata"), "metadata");
	spec_check_list(&sp, "Link Object properties",
			json_object_get(layer, "links"), "links");
	json_array_foreach(json_object_get(layer, "techniques"), i, t)
	{
		const char *id;
		size_t j;
		json_t *link;

		spec_check_object(&sp, "Technique Object properties", t,
				  "technique");
		id = json_string_value(json_object_get(t, "techniqueID"));
		/* "T####", sub-techniques "T####.###" */
		ck_assert_msg((strlen(id) == 5 || (strlen(id) == 9 &&
						   id[5] == '.')) &&
				      id[0] == 'T',
			      "techniqueID %s", id);
		spec_check_list(&sp, "Metadata Object properties",
				json_object_get(t, "metadata"), "metadata");
		spec_check_list(&sp, "Link Object properties",
				json_object_get(t, "links"), "links");
		json_array_foreach(json_object_get(t, "links"), j, link)
		{
			const char *url = json_string_value(
				json_object_get(link, "url"));

			/* "URLs must be prefixed with a protocol" */
			ck_assert(strncmp(url, "https://", 8) == 0);
		}
	}
	spec_free(&sp);
	return layer;
}

/* ---- detection sets in the store ----------------------------------------- */

START_TEST(test_import_resolves_ids)
{
	static const char *const args[] = {"sigma-like"};

	ingest_mini();
	import_rules("sigma-like",
		     L("r1|Net user|T1136.001",
		       "r2|Old tool removal|T1066,T1136.001",
		       "r3|Typo|T9999", "|No id|T1027"),
		     4);
	/* T1066 is revoked by T1027.005 in the fixture; T9999 exists in no
	 * release; a rule without id gets FILE:LINE. */
	expect_column("SELECT rule_id || ' ' || written || ' ' || "
		      "coalesce(technique_id, '-') || ' ' || resolution "
		      "FROM detection_techniques WHERE set_name = "
		      "'sigma-like' ORDER BY rule_id, written",
		      "r1 T1136.001 T1136.001 exact,"
		      "r2 T1066 T1027.005 revoked,"
		      "r2 T1136.001 T1136.001 exact,"
		      "r3 T9999 - unknown,"
		      "rules.csv:5 T1027 T1027 exact");
	expect_named("detection-issues", args, 1,
		     "sigma-like|rules.csv|3|r2|T1066|revoked|T1027.005|T1066 "
		     "is revoked in enterprise-attack 18.1: counted as its "
		     "successor T1027.005 Indicator Removal from Tools\n"
		     "sigma-like|rules.csv|4|r3|T9999|unknown||T9999 is no "
		     "technique of the stored releases (an ID of a newer "
		     "release, or a typo?): not counted\n");
	/* Counts per resolution, as ingest reports them. */
	{
		kb_detection_links links;

		ck_assert_int_eq(kb_detection_count_links(&links, fx_store,
							  "sigma-like"),
				 0);
		ck_assert_uint_eq(links.exact, 3);
		ck_assert_uint_eq(links.revoked, 1);
		ck_assert_uint_eq(links.deprecated, 0);
		ck_assert_uint_eq(links.unknown, 1);
	}
	/* With rollup rows: T1136.001 also counts for T1136. */
	expect_column("SELECT technique_id || '<' || coalesce(via, '') FROM "
		      "technique_detections WHERE set_name = 'sigma-like' "
		      "ORDER BY 1",
		      "T1027.005<,T1027<,T1027<T1027.005,T1136.001<,"
		      "T1136.001<,T1136<T1136.001,T1136<T1136.001");
}
END_TEST

START_TEST(test_resolution_follows_the_store)
{
	ingest_mini();
	/* Rules imported before any release resolve once it is there: the
	 * resolution is a view, not stored. */
	fx_store_teardown();
	fx_store_setup();
	import_rules("early", L("a|A|T1136,T1066"), 1);
	expect_column("SELECT written || ' ' || resolution FROM "
		      "detection_techniques WHERE set_name = 'early' "
		      "ORDER BY 1",
		      "T1066 unknown,T1136 unknown");
	ingest_mini();
	expect_column("SELECT written || ' ' || resolution || ' ' || "
		      "technique_id FROM detection_techniques WHERE set_name "
		      "= 'early' ORDER BY 1",
		      "T1066 revoked T1027.005,T1136 exact T1136");
}
END_TEST

START_TEST(test_reimport_replaces_and_abort_keeps)
{
	kb_detset *ds;
	kb_detection det = {.rule_id = "z", .title = "Z", .format = "csv",
			    .file = "f", .line = 1};

	ingest_mini();
	import_rules("team", L("a|A|T1136", "b|B|T1027"), 2);
	import_rules("other", L("c|C|T1136"), 1);
	import_rules("team", L("d|D|T1027.005"), 1);
	expect_column("SELECT set_name || ':' || rule_id FROM detections "
		      "WHERE set_name <> 'attack' ORDER BY 1",
		      "other:c,team:d");
	expect_column("SELECT count(*) FROM detection_technique", "2");
	/* An aborted import leaves the set as it was. */
	ck_assert_int_eq(kb_detset_begin(&ds, fx_store, "team", "x"), 0);
	ck_assert_int_eq(kb_detset_add(ds, &det), 0);
	kb_detset_abort(ds);
	expect_column("SELECT set_name || ':' || rule_id FROM detections "
		      "WHERE set_name = 'team'",
		      "team:d");
	expect_column("SELECT name || ' ' || rules FROM detection_sets ORDER "
		      "BY name",
		      "attack 1,other 1,team 1");
}
END_TEST

START_TEST(test_set_names)
{
	kb_detset *ds;

	ck_assert_int_eq(kb_detset_begin(&ds, fx_store, "attack", "x"),
			 KB_EUSAGE);
	ck_assert(strstr(kb_error_last(), "ATT&CK's own"));
	ck_assert_int_eq(kb_detection_check_set_name(""), KB_EUSAGE);
	ck_assert_int_eq(kb_detection_check_set_name("a\tb"), KB_EUSAGE);
	{
		char longname[KB_DETECTION_MAX_SET_NAME + 2];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ck_assert_int_eq(kb_detection_check_set_name(longname),
				 KB_EUSAGE);
		longname[KB_DETECTION_MAX_SET_NAME] = '\0';
		ck_assert_int_eq(kb_detection_check_set_name(longname), 0);
	}
	ck_assert_int_eq(kb_detection_check_set_name("my rules"), 0);
}
END_TEST

START_TEST(test_select_sets)
{
	static const char *const cov[] = {"enterprise", "0"};
	const char *pick[] = {"b"};
	const char *attack[] = {"attack"};
	const char *unknown[] = {"nope"};

	ingest_mini();
	import_rules("a", L("x|X|T1136.001"), 1);
	import_rules("b", L("y|Y|T1027"), 1);
	/* Default: every set but attack. */
	expect_column("SELECT name FROM selected_sets ORDER BY 1", "a,b");
	expect_named("coverage", cov, 2,
		     "TA0003|Persistence|0|1|1|1|50.0|T1136.001\n");
	ck_assert_int_eq(kb_detection_select_sets(fx_store, pick, 1), 0);
	expect_column("SELECT name FROM selected_sets", "b");
	expect_named("coverage", cov, 2, "TA0003|Persistence|0|1|0|1|0.0|\n");
	/* ATT&CK's own detection strategies: DET0583 detects T1136. */
	ck_assert_msg(kb_detection_select_sets(fx_store, attack, 1) == 0, "%s",
		      kb_error_last());
	expect_named("coverage", cov, 2,
		     "TA0003|Persistence|1|1|0|1|50.0|T1136\n");
	ck_assert_int_eq(kb_detection_select_sets(fx_store, unknown, 1),
			 KB_ENOTFOUND);
	ck_assert_str_eq(kb_error_last(), "no detection set 'nope' (the store "
					  "has: attack, a, b)");
	ck_assert_int_eq(kb_detection_select_sets(fx_store, NULL, 0), 0);
	expect_column("SELECT name FROM selected_sets ORDER BY 1", "a,b");
}
END_TEST

START_TEST(test_notes_hook)
{
	const char *const t1[] = {"T1136.001", "T1066"};
	const kb_note_detection notes[] = {
		{"Local admin creation", "detections/Local admin.md", 1, t1, 2},
		{"Empty", "detections/Empty.md", 0, NULL, 0},
	};

	ingest_mini();
	ck_assert_int_eq(kb_detection_import_notes(fx_store, "vault", "vault",
						   notes, 2),
			 0);
	expect_column("SELECT rule_id || '|' || title || '|' || format || '|' "
		      "|| line FROM detections WHERE set_name = 'vault' "
		      "ORDER BY 1",
		      "detections/Empty.md|Empty|note|1,"
		      "detections/Local admin.md|Local admin creation|note|1");
	expect_column("SELECT technique_id FROM detection_techniques WHERE "
		      "set_name = 'vault' ORDER BY 1",
		      "T1027.005,T1136.001");
	ck_assert_int_eq(kb_detection_import_notes(fx_store, "attack", "v",
						   notes, 1),
			 KB_EUSAGE);
}
END_TEST

START_TEST(test_technique_summary_and_matrix)
{
	kb_rows *rows;

	ingest_mini();
	/* G0119 uses T1136 and T1136.001; M1032 mitigates both. */
	expect_column("SELECT technique_id || ' ' || users || ' ' || "
		      "mitigation_ids FROM technique_summary ORDER BY 1",
		      "T1027 0 [],T1027.005 0 [],T1136 1 [\"M1032\"],"
		      "T1136.001 1 [\"M1032\"]");
	expect_column("SELECT analytic_id || ' ' || platform || ' ' || "
		      "technique_id || ' ' || name || ' ' || channel FROM "
		      "analytic_techniques ORDER BY name",
		      "AN1604 Windows T1136 WinEventLog:Security "
		      "EventCode=4720,AN1604 Windows T1136 WinEventLog:Sysmon "
		      "EventCode=1");
	import_rules("a", L("x|Net user add|T1136.001"), 1);
	ck_assert_int_eq(kb_detection_select_sets(fx_store, NULL, 0), 0);
	ck_assert_int_eq(kb_coverage_matrix(&rows, fx_store, "Enterprise",
					    true),
			 0);
	ck_assert_uint_eq(rows->nrows, 2);
	ck_assert_str_eq(kb_rows_get(rows, 0, 3), "T1136");
	ck_assert_str_eq(kb_rows_get(rows, 0, 6), "1"); /* via T1136.001 */
	ck_assert_str_eq(kb_rows_get(rows, 1, 7), "Net user add");
	kb_rows_free(rows);
	ck_assert_int_eq(kb_coverage_matrix(&rows, fx_store, "pre", false), 0);
	ck_assert_uint_eq(rows->nrows, 0);
	kb_rows_free(rows);
	ck_assert_int_eq(kb_coverage_matrix(&rows, fx_store, "nope", false),
			 KB_EUSAGE);
}
END_TEST

START_TEST(test_find_actor)
{
	char *id, *name;

	ingest_mini();
	ck_assert_int_eq(kb_coverage_find_actor(&id, &name, fx_store,
						"indrik spider"),
			 0);
	ck_assert_str_eq(id, "G0119");
	ck_assert_str_eq(name, "Indrik Spider");
	free(id);
	free(name);
	ck_assert_int_eq(kb_coverage_find_actor(&id, &name, fx_store, "g0119"),
			 0);
	free(id);
	free(name);
	ck_assert_int_eq(kb_coverage_find_actor(&id, &name, fx_store, "G9999"),
			 KB_ENOTFOUND);
	ck_assert_ptr_null(id);
}
END_TEST

/* ---- log sources --------------------------------------------------------- */

START_TEST(test_log_source_matching)
{
	static const char list[] =
		"\xef\xbb\xbf# what we collect\n"
		"WinEventLog:Security EventCode=4720\n" /* exact */
		"  wineventlog : sysmon   eventid = 1, 3 \n" /* lenient */
		"\n"
		"WinEventLog:Sysmon EventCode=2\n"  /* a channel of none */
		"Made Up Log\n"                     /* a name of none */
		"WinEventLog:Sysmon\n";             /* every channel: exact */
	kb_rows *unmatched;

	ingest_mini();
	ck_assert_int_eq(kb_coverage_match_log_sources(&unmatched, fx_store,
						       "sources.txt", list,
						       sizeof(list) - 1),
			 0);
	expect_column("SELECT line || ' ' || name || ' ' || channel || ' ' || "
		      "match FROM collected_log_sources ORDER BY line",
		      "2 WinEventLog:Security EventCode=4720 exact,"
		      "3 WinEventLog:Sysmon EventCode=1 lenient,"
		      "7 WinEventLog:Sysmon EventCode=1 exact");
	ck_assert_uint_eq(unmatched->nrows, 2);
	ck_assert_str_eq(kb_rows_get(unmatched, 0, 0), "5");
	ck_assert_str_eq(kb_rows_get(unmatched, 0, 1),
			 "WinEventLog:Sysmon EventCode=2");
	ck_assert_str_eq(kb_rows_get(unmatched, 0, 2),
			 "WinEventLog:Sysmon is read by analytics, but on no "
			 "channel like 'eventcode=2'");
	ck_assert_str_eq(kb_rows_get(unmatched, 1, 0), "6");
	ck_assert_str_eq(kb_rows_get(unmatched, 1, 2),
			 "no analytic reads a log source of that name");
	kb_rows_free(unmatched);
	{
		static const char *const dom[] = {"enterprise"};

		expect_named("feasible", dom, 1,
			     "Windows|T1136|Create Account|1|exact|AN1604 "
			     "(WinEventLog:Security EventCode=4720; "
			     "WinEventLog:Sysmon EventCode=1)\n");
		expect_named("feasible-by-platform", dom, 1,
			     "Windows|1|1|1|4\n");
	}
	/* A second list replaces the first. */
	ck_assert_int_eq(kb_coverage_match_log_sources(
				 &unmatched, fx_store, "b.txt",
				 "WinEventLog:Security", 20),
			 0);
	kb_rows_free(unmatched);
	expect_column("SELECT channel FROM collected_log_sources",
		      "EventCode=4720");
}
END_TEST

START_TEST(test_log_source_limit)
{
	strbuf sb = STRBUF_INIT;
	kb_rows *unmatched = NULL;

	ingest_mini();
	for (int i = 0; i <= KB_MAX_LOG_SOURCE_LINES; i++)
		strbuf_puts(&sb, "#\n");
	ck_assert_int_eq(kb_coverage_match_log_sources(&unmatched, fx_store,
						       "big.txt", sb.ptr,
						       sb.len),
			 KB_ELIMIT);
	ck_assert_ptr_null(unmatched);
	ck_assert(strstr(kb_error_last(), "big.txt:10001: more than"));
	strbuf_free(&sb);
}
END_TEST

/* ---- reading rule files into a set --------------------------------------- */

START_TEST(test_detimport_bad_input)
{
	detection_set set = DETECTION_SET_INIT;
	detimport_result res;
	char *big = fsutil_path_join(fx_dir, "huge.yml");
	char *other = fx_write("other_tags.yml",
			       "title: Only CVE\nid: 1\nlogsource: {product: "
			       "x}\ndetection: {}\ntags: [cve.2021-44228]\n");
	char *csv = fx_write("rows.csv", "detection,technique\n"
					 "Good,T1136.001\n"
					 "Bad,TA0003\n"
					 "Also good,t1027\n");
	const char *paths[] = {SYN("broken.yml"),
			       SYN("no_tags.yml"),
			       SYN("tags_not_list.yml"),
			       SYN("tags_bad_item.yml"),
			       FIXTURE("detections/sigma/"
				       "proc_creation_win_net_user_add.yml"),
			       big, other, csv};
	FILE *f = fopen(big, "w");

	ingest_mini();
	/* A rule file past KB_MAX_YAML_FILE. */
	ck_assert_ptr_nonnull(f);
	fputs("title: x\n", f);
	for (size_t n = 0; n <= KB_MAX_YAML_FILE / 64; n++)
		fprintf(f, "# %061zu\n", n);
	fclose(f);
	ck_assert_int_eq(detimport_read(&set, paths, 8), 0);
	ck_assert_int_eq(detimport_store(fx_store, "team", "test", &set, &res),
			 0);
	/* Stored: the net user rule and the two good CSV rows. Skipped:
	 * broken.yml, tags_not_list.yml, tags_bad_item.yml (no rule left),
	 * huge.yml; no_tags.yml and other_tags.yml (no ATT&CK tag). */
	ck_assert_uint_eq(res.rules, 3);
	ck_assert_uint_eq(res.files, 8);
	ck_assert_uint_eq(res.skipped, 6);
	ck_assert_uint_eq(res.unmapped, 2);
	{
		strbuf all = STRBUF_INIT;
		char *want_big =
			xasprintf("%s:1: more than 4194304 bytes", big);
		char *want_other = xasprintf(
			"%s:1: rule 'Only CVE' has no ATT&CK tag", other);
		char *want_csv = xasprintf("%s:3: not an ATT&CK technique ID; "
					   "row skipped: Bad,TA0003",
					   csv);

		for (size_t i = 0; i < set.nwarnings; i++)
			strbuf_printf(&all, "%s\n", set.warnings[i].message);
		ck_assert_msg(strstr(all.ptr, want_big), "%s", all.ptr);
		ck_assert_msg(strstr(all.ptr, want_other), "%s", all.ptr);
		ck_assert_msg(strstr(all.ptr, want_csv), "%s", all.ptr);
		ck_assert(strstr(all.ptr, "broken.yml:9:3: "));
		ck_assert(strstr(all.ptr, "no_tags.yml:1: rule 'Rule Without "
					  "Tags' has no tags"));
		ck_assert(strstr(all.ptr, "tags_not_list.yml:9: tags is not a "
					  "list"));
		ck_assert(strstr(all.ptr, "tags_bad_item.yml:11: tag 2 is not "
					  "a string"));
		strbuf_free(&all);
		free(want_big);
		free(want_other);
		free(want_csv);
	}
	expect_column("SELECT files || ' ' || rules || ' ' || skipped || ' ' "
		      "|| (warnings > 0) FROM detection_sets WHERE name = "
		      "'team'",
		      "8 3 6 1");
	expect_column("SELECT rule_id FROM detections WHERE set_name = 'team' "
		      "ORDER BY 1",
		      "Also good,Good,cd219ff3-fa99-45d4-8380-a7d15116c6dc");
	detection_set_free(&set);
	/* Nothing with an ATT&CK tag: the set is left as it was. */
	{
		const char *none[] = {
			FIXTURE("detections/synthetic/no_tags.yml")};

		ck_assert_int_eq(detimport_read(&set, none, 1), 0);
		ck_assert_int_eq(detimport_store(fx_store, "team", "x", &set,
						 &res),
				 KB_ENOTFOUND);
		detection_set_free(&set);
		expect_column("SELECT rules FROM detection_sets WHERE name = "
			      "'team'",
			      "3");
	}
	/* A path that does not exist stops the import. */
	{
		const char *missing[] = {"/nonexistent/rules"};

		ck_assert_int_eq(detimport_read(&set, missing, 1),
				 KB_ENOTFOUND);
		detection_set_free(&set);
	}
	free(big);
	free(other);
	free(csv);
}
END_TEST

START_TEST(test_detimport_tags_and_duplicates)
{
	detection_set set = DETECTION_SET_INIT;
	detimport_result res;
	const char *paths[] = {FIXTURE("detections/synthetic/multi_doc.yml"),
			       FIXTURE("detections/car/CAR-2016-04-005.yaml")};
	char *dup = fx_write("dup.yml",
			     "title: Again\nid: 5f3a3c1e-0000-4000-8000-"
			     "000000000001\nlogsource: {product: windows}\n"
			     "detection: {}\ntags: [attack.t1033]\n");
	const char *more[] = {dup};

	ingest_mini();
	ck_assert_int_eq(detimport_read(&set, paths, 2), 0);
	ck_assert_int_eq(detimport_read(&set, more, 1), 0);
	ck_assert_int_eq(detimport_store(fx_store, "s", "t", &set, &res), 0);
	ck_assert_uint_eq(res.rules, 4);
	{
		char *want = xasprintf("%s:1: rule id 5f3a3c1e-0000-4000-8000-"
				       "000000000001 is also the id of %s:1; "
				       "both are kept",
				       dup, paths[0]);

		ck_assert_str_eq(set.warnings[set.nwarnings - 1].message,
				 want);
		free(want);
	}
	/* multi_doc.yml's second rule carries group, software, another
	 * namespace; CAR gives TA IDs, tactics and platforms. */
	expect_column("SELECT kind || '=' || value FROM detection_tags WHERE "
		      "rule_id = '5f3a3c1e-0000-4000-8000-000000000002' "
		      "ORDER BY 1",
		      "group=G0069,software=S0029,tactic=discovery,"
		      "tag=car.2016-03-001");
	expect_column("SELECT kind || '=' || value FROM detection_tags WHERE "
		      "rule_id = 'CAR-2016-04-005' ORDER BY 1",
		      "platform=Windows,tactic=lateral-movement,"
		      "tactic_id=TA0008");
	expect_column("SELECT format || ' ' || level FROM detections WHERE "
		      "rule_id = 'CAR-2016-04-005'",
		      "car Moderate");
	detection_set_free(&set);
	free(dup);
}
END_TEST

/* ---- Navigator layers ---------------------------------------------------- */

START_TEST(test_navigator_spec_is_read)
{
	struct spec sp;
	size_t required = 0;

	spec_load(&sp);
	for (size_t i = 0; i < sp.n; i++)
		if (sp.props[i].required)
			required++;
	/* name, domain; navigator, layer; techniqueID; colors, minValue,
	 * maxValue; label, color (legend); name, value (metadata); label,
	 * url (links); divider. */
	ck_assert_uint_eq(required, 15);
	spec_free(&sp);
}
END_TEST

START_TEST(test_navigator_layer_valid)
{
	static const char *const colors[] = {"#ff6666", "#8ec843"};
	static const navigator_legend legend[] = {{"none", "#ff6666"},
						  {"most", "#8ec843"}};
	static const navigator_meta tmeta[] = {{"rules", "2"}};
	static const navigator_meta lmeta[] = {{"sets", "sigma"}};
	const navigator_technique techs[] = {
		{"T1136", "persistence", 2, true, "Detected by: a; b",
		 "https://attack.mitre.org/techniques/T1136", tmeta, 1},
		{"T1136.001", NULL, 0.5, true, NULL, NULL, NULL, 0},
		{"T1027", "defense-evasion", 0, false, NULL, NULL, NULL, 0},
	};
	navigator_layer l = {
		.name = "attackkb coverage",
		.description = "test",
		.domain = "enterprise-attack",
		.attack_version = "18",
		.techniques = techs,
		.ntechniques = 3,
		.colors = colors,
		.ncolors = 2,
		.min_score = 0,
		.max_score = 2,
		.legend = legend,
		.nlegend = 2,
		.metadata = lmeta,
		.nmetadata = 1,
	};
	char *text = navigator_layer_json(&l), *path;
	json_t *layer, *t;

	ck_assert_ptr_nonnull(text);
	layer = spec_check_layer(text);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(layer, "versions"), "attack")),
			 "18");
	t = json_array_get(json_object_get(layer, "techniques"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(t, "score")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(t, "tactic")),
			 "persistence");
	ck_assert_str_eq(json_string_value(json_object_get(t, "comment")),
			 "Detected by: a; b");
	t = json_array_get(json_object_get(layer, "techniques"), 1);
	ck_assert(json_real_value(json_object_get(t, "score")) == 0.5);
	ck_assert_ptr_null(json_object_get(t, "tactic"));
	t = json_array_get(json_object_get(layer, "techniques"), 2);
	ck_assert_ptr_null(json_object_get(t, "score"));
	json_decref(layer);
	path = fsutil_path_join(fx_dir, "layer.json");
	ck_assert_int_eq(navigator_layer_write(path, &l), 0);
	free(text);
	text = test_slurp(path, NULL);
	json_decref(spec_check_layer(text));
	free(text);
	free(path);
}
END_TEST

START_TEST(test_navigator_layer_refused)
{
	static const char *const colors[] = {"#ff6666", "#8ec843"};
	navigator_layer l = {.name = "x",
			     .domain = "enterprise-attack",
			     .colors = colors,
			     .ncolors = 2,
			     .max_score = 1};
	navigator_technique nameless = {0};

	l.domain = "pre-attack";
	ck_assert_ptr_null(navigator_layer_json(&l));
	ck_assert(strstr(kb_error_last(), "domain"));
	l.domain = "ics-attack";
	l.ncolors = 1;
	ck_assert_ptr_null(navigator_layer_json(&l));
	l.ncolors = 2;
	l.max_score = 0;
	ck_assert_ptr_null(navigator_layer_json(&l));
	l.max_score = 1;
	l.techniques = &nameless;
	l.ntechniques = 1;
	ck_assert_ptr_null(navigator_layer_json(&l));
	l.ntechniques = 0;
	l.name = "";
	ck_assert_int_eq(navigator_layer_write("/tmp/never", &l), KB_EUSAGE);
}
END_TEST

/* ---- end to end on the shipped Enterprise bundle ------------------------- */

#define ENTERPRISE "../data/attack/enterprise-attack-18.1.json.gz"
#define RULES FIXTURE("detections/sigma") " " FIXTURE("detections/car")

static char *e2e_dir, *e2e_db, *e2e_bin;

static void shipped_setup(void)
{
	char *out;

	e2e_bin = getenv("ATTACKKB");
	ck_assert_msg(e2e_bin != NULL, "ATTACKKB is not set (make check)");
	e2e_dir = test_tmpdir();
	e2e_db = xasprintf("%s/attack.db", e2e_dir);
	ck_assert_int_eq(test_run(&out, "%s -q --db %s ingest " ENTERPRISE
					" " RULES " 2>&1",
				  e2e_bin, e2e_db),
			 0);
	free(out);
}

static void shipped_teardown(void)
{
	test_rmtree(e2e_dir);
	free(e2e_dir);
	free(e2e_db);
}

/* Run attackkb with args on the shipped store; return stdout (caller
 * frees) and check the exit status. */
static char *akb(int want, const char *args)
{
	char *out;
	int rc = test_run(&out, "%s -q --db %s %s 2>/dev/null", e2e_bin,
			  e2e_db, args);

	ck_assert_msg(rc == want, "attackkb %s: exit %d, want %d", args, rc,
		      want);
	return out;
}

/* The same, returning stderr instead. */
static char *akb_err(int want, const char *args)
{
	char *out;
	int rc = test_run(&out, "%s --db %s %s 2>&1 >/dev/null", e2e_bin,
			  e2e_db, args);

	ck_assert_msg(rc == want, "attackkb %s: exit %d, want %d", args, rc,
		      want);
	return out;
}

static void expect(const char *args, const char *want)
{
	char *out = akb(0, args);

	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(test_e2e_sets_imported)
{
	expect("query -f csv detection-sets | cut -d, -f1-7",
	       "name,rules,files,skipped,warnings,exact,issues\n"
	       "car,2,2,0,0,24,0\n"
	       "sigma,8,8,0,0,14,0\n"
	       "attack,691,,0,0,691,0\n");
}
END_TEST

START_TEST(test_e2e_coverage_per_tactic)
{
	/* Python: see the file's comment. */
	expect("coverage -f csv",
	       "id,tactic,techniques_detected,techniques,"
	       "subtechniques_detected,subtechniques,percent,detected\r\n"
	       "TA0043,Reconnaissance,0,11,0,34,0.0,\r\n"
	       "TA0042,Resource Development,0,8,0,39,0.0,\r\n"
	       "TA0001,Initial Access,0,11,0,11,0.0,\r\n"
	       "TA0002,Execution,1,17,4,29,10.9,\"T1053, T1053.005, "
	       "T1059.001, T1059.003, T1059.004\"\r\n"
	       "TA0003,Persistence,8,23,16,103,19.0,\"T1037, T1037.001, "
	       "T1053, T1053.005, T1098, T1112, T1136.001, T1543, "
	       "T1543.003, T1546, T1546.001, T1546.003, T1546.008, "
	       "T1546.010, T1547, T1547.001, T1547.004, T1547.010, T1574, "
	       "T1574.007, T1574.008, T1574.009, T1574.010, T1574.011\"\r\n"
	       "TA0004,Privilege Escalation,7,14,15,95,20.2,\"T1037, "
	       "T1037.001, T1053, T1053.005, T1098, T1543, T1543.003, T1546, "
	       "T1546.001, T1546.003, T1546.008, T1546.010, T1547, "
	       "T1547.001, T1547.004, T1547.010, T1574, T1574.007, "
	       "T1574.008, T1574.009, T1574.010, T1574.011\"\r\n"
	       "TA0005,Defense Evasion,2,47,5,168,3.3,\"T1112, T1574, "
	       "T1574.007, T1574.008, T1574.009, T1574.010, T1574.011\"\r\n"
	       "TA0006,Credential Access,2,17,2,50,6.0,\"T1003, T1003.001, "
	       "T1003.002, T1558\"\r\n"
	       "TA0007,Discovery,0,34,0,15,0.0,\r\n"
	       "TA0008,Lateral Movement,1,9,1,14,8.7,\"T1021, T1021.001\"\r\n"
	       "TA0009,Collection,0,17,0,24,0.0,\r\n"
	       "TA0011,Command and Control,0,18,0,27,0.0,\r\n"
	       "TA0010,Exfiltration,0,9,0,10,0.0,\r\n"
	       "TA0040,Impact,0,15,0,18,0.0,\r\n");
	/* --rollup: T1059 (Execution) and T1136 (Persistence) count through
	 * their sub-techniques. */
	expect("coverage -f csv --rollup | cut -d, -f1-4 | sed -n 5,6p",
	       "TA0002,Execution,2,17\nTA0003,Persistence,9,23\n");
	/* One set only. */
	expect("coverage -f csv --set sigma | cut -d, -f1-6 | sed -n 5,6p",
	       "TA0002,Execution,0,17,3,29\nTA0003,Persistence,1,23,1,103\n");
}
END_TEST

START_TEST(test_e2e_t1136_001)
{
	expect("coverage -f csv --by technique | grep '^T1136,\\|^T1136.001,'",
	       "T1136,Create Account,persistence,no,0,\r\n"
	       "T1136.001,Local Account,persistence,yes,4,FortiGate - New "
	       "Local User Created; New User Created Via Net.EXE; New User "
	       "Created Via Net.EXE With Never Expire Option; Privileged "
	       "User Has Been Created\r\n");
	expect("coverage -f csv --by technique --rollup | grep '^T1136,'",
	       "T1136,Create Account,persistence,via sub-techniques,4,"
	       "FortiGate - New Local User Created; New User Created Via "
	       "Net.EXE; New User Created Via Net.EXE With Never Expire "
	       "Option; Privileged User Has Been Created\r\n");
	expect("query -f csv rules-for T1136.001 | cut -d, -f1,2,5,6",
	       "set,rule,written,resolution\n"
	       "sigma,ddbbe845-1d74-43a8-8231-2156d180234d,T1136.001,exact\n"
	       "sigma,cd219ff3-fa99-45d4-8380-a7d15116c6dc,T1136.001,exact\n"
	       "sigma,b9f0e6f5-09b4-4358-bae4-08408705bd5c,T1136.001,exact\n"
	       "sigma,0ac15ec3-d24f-4246-aa2a-3077bb1cf90e,T1136.001,exact\n");
}
END_TEST

START_TEST(test_e2e_gaps_and_priorities)
{
	char *out;

	/* 691 live techniques and sub-techniques, 33 detected. */
	expect("gaps -f csv | wc -l", "659\n");
	expect("gaps -f csv | head -6",
	       "id,name,users,groups,software,campaigns,mitigations\r\n"
	       "T1105,Ingress Tool Transfer,498,85,385,28,M1031 Network "
	       "Intrusion Prevention; M1037 Filter Network Traffic\r\n"
	       "T1071.001,Web Protocols,406,56,329,21,M1031 Network "
	       "Intrusion Prevention; M1037 Filter Network Traffic\r\n"
	       "T1082,System Information Discovery,403,55,336,12,\r\n"
	       "T1083,File and Directory Discovery,355,50,295,10,\r\n"
	       "T1140,Deobfuscate/Decode Files or Information,325,38,274,13,"
	       "\r\n");
	expect("mitigation-priorities -f csv | cut -d, -f1-3 | head -5",
	       "id,name,undetected\n"
	       "M1018,User Account Management,109\n"
	       "M1026,Privileged Account Management,99\n"
	       "M1047,Audit,97\n"
	       "M1056,Pre-compromise,84\n");
	expect("mitigation-priorities -f csv --group 'cozy bear' | cut -d, "
	       "-f1-3 | head -4",
	       "id,name,undetected\n"
	       "M1026,Privileged Account Management,14\n"
	       "M1032,Multi-factor Authentication,14\n"
	       "M1018,User Account Management,13\n");
	out = akb(0, "mitigation-priorities -f csv --by technique");
	ck_assert(strncmp(out, "id,name,priority,mitigations,best_first\r\n",
			  40) == 0);
	ck_assert(strstr(out, "\r\nT1072,Software Deployment Tools,109,10,"
			      "M1018 User Account Management (closes 109); "
			      "M1026 Privileged Account Management (closes "
			      "99); M1017 "));
	free(out);
	expect("detected-not-mitigated -f csv | cut -d, -f1,3",
	       "id,rules\nT1546.001,1\nT1547,1\nT1547.001,1\nT1547.010,1\n");
	expect("mitigated-not-detected -f csv | wc -l", "554\n");
}
END_TEST

START_TEST(test_e2e_group_exposure)
{
	/* G0016 APT29 uses 66 techniques: 6 detected and mitigated, 1
	 * detected only, 54 mitigated only, 5 neither (Python). */
	expect("group-exposure -f csv APT29 | grep -c ',\"detected, "
	       "mitigated\",'",
	       "6\n");
	expect("group-exposure -f csv APT29 | grep -c ',detected,'", "1\n");
	expect("group-exposure -f csv APT29 | grep -c ',mitigated,'", "54\n");
	expect("group-exposure -f csv APT29 | grep -c ',neither,'", "5\n");
	expect("group-exposure -f csv G0016 | grep -c '^T'", "66\n");
	free(akb(1, "group-exposure 'No Such Group'"));
	free(akb(2, "group-exposure"));
}
END_TEST

START_TEST(test_e2e_ids_not_exact)
{
	char *csv = xasprintf("%s/odd.csv", e2e_dir), *out, *args;
	FILE *f = fopen(csv, "w");

	ck_assert_ptr_nonnull(f);
	fputs("detection,technique\nold,T1066\nchain,T1150\n"
	      "deprecated,T1064\ntypo,T9999\n",
	      f);
	fclose(f);
	args = xasprintf("ingest %s", csv);
	out = akb_err(0, args);
	free(args);
	ck_assert_msg(strstr(out, "set 'odd': 4 rules from 1 files (0 "
				  "skipped, 0 warnings); technique IDs: 0 "
				  "exact, 2 revoked, 1 deprecated, 1 unknown"),
		      "%s", out);
	free(out);
	out = akb(0, "query -f csv detection-issues odd");
	ck_assert_msg(strstr(out, "T1066,revoked,T1027.005,T1066 is revoked "
				  "in enterprise-attack 18.1: counted as its "
				  "successor T1027.005 Indicator Removal from "
				  "Tools"),
		      "%s", out);
	/* T1150 -> T1647 through two revoked-by links. */
	ck_assert(strstr(out, "T1150,revoked,T1647,"));
	ck_assert(strstr(out, "T1064,deprecated,,T1064 (Scripting) is "
			      "deprecated in enterprise-attack 18.1: not "
			      "counted"));
	ck_assert(strstr(out, "T9999,unknown,,"));
	free(out);
	expect("coverage -f csv --set odd --by technique | grep "
	       "'^T1027.005,\\|^T1647,'",
	       "T1027.005,Indicator Removal from Tools,defense-evasion,yes,1,"
	       "old\r\n"
	       "T1647,Plist File Modification,defense-evasion,yes,1,chain\r\n");
	free(csv);
}
END_TEST

START_TEST(test_e2e_bad_input_through_ingest)
{
	char *dir = xasprintf("%s/rules", e2e_dir), *out, *args;

	ck_assert_int_eq(test_run(NULL,
				  "mkdir -p %s && cp %s/sigma/"
				  "proc_creation_win_net_user_add.yml "
				  "%s/synthetic/broken.yml "
				  "%s/synthetic/no_tags.yml %s/synthetic/"
				  "tags_not_list.yml %s && printf "
				  "'detection,technique\\nok,T1136\\nbad row,"
				  "X1\\n' > %s/list.csv",
				  dir, FIXTURE("detections"),
				  FIXTURE("detections"), FIXTURE("detections"),
				  FIXTURE("detections"), dir, dir),
			 0);
	args = xasprintf("ingest --set team %s", dir);
	out = akb_err(0, args);
	ck_assert_msg(strstr(out, "broken.yml:9:3: "), "%s", out);
	ck_assert(strstr(out, "no_tags.yml:1: rule 'Rule Without Tags' has no "
			      "tags"));
	ck_assert(strstr(out, "tags_not_list.yml:9: tags is not a list"));
	ck_assert(strstr(out, "list.csv:3: not an ATT&CK technique ID; row "
			      "skipped: bad row,X1"));
	ck_assert_msg(strstr(out, "set 'team': 2 rules from 5 files (3 "
				  "skipped, 4 warnings)"),
		      "%s", out);
	free(out);
	free(args);
	/* 'attack' is ATT&CK's; an import with nothing mapped changes
	 * nothing and fails. */
	free(akb(2, "ingest --set attack " FIXTURE("detections/sigma")));
	out = akb_err(1, "ingest --set team " FIXTURE(
				 "detections/synthetic/no_tags.yml"));
	ck_assert_msg(strstr(out, "no detection rule with an ATT&CK tag found; "
				  "set 'team' left as it was"),
		      "%s", out);
	free(out);
	expect("query -f csv detection-sets | grep '^team,' | cut -d, -f1-3",
	       "team,2,5\n");
	free(akb(1, "ingest /nonexistent/rules.yml"));
	free(dir);
}
END_TEST

START_TEST(test_e2e_layer)
{
	char *path = xasprintf("%s/coverage.json", e2e_dir), *args, *text;
	json_t *layer, *t;
	size_t i, annotated = 0;
	bool seen = false;

	args = xasprintf("coverage --set sigma --set car --layer %s", path);
	free(akb(0, args));
	text = test_slurp(path, NULL);
	layer = spec_check_layer(text);
	ck_assert_str_eq(json_string_value(json_object_get(layer, "domain")),
			 "enterprise-attack");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(layer, "versions"), "attack")),
			 "18");
	json_array_foreach(json_object_get(layer, "techniques"), i, t)
	{
		const char *id =
			json_string_value(json_object_get(t, "techniqueID"));

		annotated++;
		if (strcmp(id, "T1136.001") != 0)
			continue;
		seen = true;
		json_t *link = json_array_get(json_object_get(t, "links"), 0);

		ck_assert_str_eq(
			json_string_value(json_object_get(t, "tactic")),
			"persistence");
		ck_assert_int_eq(
			json_integer_value(json_object_get(t, "score")), 4);
		ck_assert_str_eq(
			json_string_value(json_object_get(t, "comment")),
			"Detected by: FortiGate - New Local User Created; New "
			"User Created Via Net.EXE; New User Created Via "
			"Net.EXE With Never Expire Option; Privileged User "
			"Has Been Created");
		ck_assert_str_eq(
			json_string_value(json_object_get(link, "url")),
			"https://attack.mitre.org/techniques/T1136/001");
	}
	ck_assert(seen);
	/* One annotation per technique and tactic (Python: 887). */
	ck_assert_uint_eq(annotated, 887);
	json_decref(layer);
	free(text);
	free(args);
	/* Every command's layer is valid. */
	{
		static const char *const cmds[] = {
			"gaps", "mitigation-priorities --group G0016",
			"detected-not-mitigated", "mitigated-not-detected",
			"group-exposure APT29"};

		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			args = xasprintf("%s --layer %s", cmds[c], path);
			free(akb(0, args));
			text = test_slurp(path, NULL);
			json_decref(spec_check_layer(text));
			free(text);
			free(args);
		}
	}
	free(path);
}
END_TEST

START_TEST(test_e2e_feasible)
{
	char *list = xasprintf("%s/sources.txt", e2e_dir), *out, *args;
	FILE *f = fopen(list, "w");

	ck_assert_ptr_nonnull(f);
	fputs("# collected\nWinEventLog:Security EventCode=4720\n"
	      "Made Up Log\n",
	      f);
	fclose(f);
	/* Python: the analytics reading WinEventLog:Security with channel
	 * "EventCode=4720" are AN1077 (T1036.010), AN1604 (T1136), AN1235
	 * (T1136.001), AN0006 (T1136.002), AN1001 (T1564.002), on Windows. */
	args = xasprintf("feasible -f csv --log-sources %s", list);
	out = akb(0, args);
	ck_assert_msg(strstr(out, "Windows,T1136,Create Account,1,exact,AN1604 "
				  "(WinEventLog:Security EventCode=4720)"),
		      "%s", out);
	free(out);
	out = akb_err(0, args);
	ck_assert_msg(strstr(out, "sources.txt:3: unmatched: 'Made Up Log': "
				  "no analytic reads a log source of that "
				  "name"),
		      "%s", out);
	free(out);
	free(args);
	args = xasprintf("feasible --log-sources %s --set x", list);
	free(akb(2, args));
	free(args);
	free(akb(2, "feasible"));
	free(list);
}
END_TEST

START_TEST(test_e2e_contract)
{
	free(akb(1, "coverage --set nosuchset"));
	free(akb(2, "coverage --by color"));
	free(akb(2, "gaps --domain pre"));
	free(akb(2, "gaps extra"));
	free(akb(0, "coverage --help"));
	/* ATT&CK's own strategies: every live technique has one (Python). */
	expect("coverage -f csv --set attack | cut -d, -f1,3,4 | sed -n 2p",
	       "TA0043,11,11\n");
	/* Only the Enterprise bundle is in this store. */
	free(akb(1, "coverage --domain mobile"));
}
END_TEST

/* The web heat map (issue 7) on the same store: app_handle() as the CGI
 * runs it. Counts from the rule files (see the header comment). */
static char *web_get(int *status, const char *path, const char *qs)
{
	cgi_env env = {.request_method = "GET",
		       .path_info = path,
		       .query_string = qs,
		       .db_path = e2e_db};
	strbuf out = STRBUF_INIT;

	app_handle(&out, &env);
	ck_assert_int_eq(sscanf(out.ptr, "Status: %d ", status), 1);
	return strbuf_detach(&out);
}

START_TEST(test_web_heat_map)
{
	int status;
	char *page = web_get(&status, "/coverage/enterprise", NULL);

	ck_assert_int_eq(status, 200);
	/* T1098: two rules; T1003: one; T1105: none; T1136: its
	 * sub-technique T1136.001 has four, itself none. */
	ck_assert(strstr(page, "<li class=\"heat-2\" title=\"GCP Access Policy "
			       "Deleted; Privileged User Has Been Created\"><a "
			       "href=\"/object/T1098\">Account Manipulation</a>"));
	ck_assert(strstr(page, "<a href=\"/object/T1003\">OS Credential "
			       "Dumping</a>"));
	ck_assert(strstr(page, "<li class=\"heat-0\" title=\"no rule\"><a "
			       "href=\"/object/T1136\">Create Account</a> "
			       "<small>(sub-techniques 1/3)</small>"));
	free(page);
	page = web_get(&status, "/coverage/enterprise", "format=json");
	ck_assert_int_eq(status, 200);
	ck_assert(strstr(page, "\"technique_id\":\"T1136.001\",\"name\":\"Local "
			       "Account\",\"parent_id\":\"T1136\",\"rules\":4,"));
	free(page);
	page = web_get(&status, "/coverage/enterprise", "set=nosuch");
	ck_assert_int_eq(status, 404);
	free(page);
	/* The object page lists the team's rules for the technique. */
	page = web_get(&status, "/object/T1136.001", NULL);
	ck_assert_int_eq(status, 200);
	ck_assert(strstr(page, "<section id=\"team_detections\">"));
	ck_assert(strstr(page, "New User Created Via Net.EXE With Never Expire "
			       "Option"));
	free(page);
	/* describe skips the team's rules when no set is imported and then
	 * names the section's columns itself: the same as the query's. */
	{
		kb_store *store;
		kb_doc *doc;
		const kb_rows *rows = NULL;
		strbuf cols = STRBUF_INIT;

		ck_assert_int_eq(kb_store_open(&store, e2e_db, 0), 0);
		ck_assert_int_eq(kb_describe(&doc, store, "T1136.001", NULL),
				 0);
		for (size_t i = 0; i < doc->nsections; i++)
			if (strcmp(doc->sections[i].key, "team_detections") ==
			    0)
				rows = doc->sections[i].rows;
		ck_assert_ptr_nonnull(rows);
		ck_assert_uint_eq(rows->nrows, 4);
		for (size_t c = 0; c < rows->ncols; c++)
			strbuf_printf(&cols, "%s%s", c ? " " : "",
				      rows->cols[c]);
		ck_assert_str_eq(cols.ptr, "set rule title via written "
					   "resolution file line");
		strbuf_free(&cols);
		kb_doc_free(doc);
		kb_store_close(store);
	}
	page = web_get(&status, "/coverage/enterprise", "rollup=1");
	ck_assert(strstr(page, "<li class=\"heat-2\" title=\"FortiGate - New "
			       "Local User Created; New User Created Via "
			       "Net.EXE; New User Created Via Net.EXE With Never "
			       "Expire Option; Privileged User Has Been "
			       "Created\"><a href=\"/object/T1136\">"));
	free(page);
}
END_TEST

Suite *coverage_suite(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("store");
	TCase *e2e = tcase_create("shipped enterprise");

	tcase_add_checked_fixture(tc, fx_store_setup, fx_store_teardown);
	tcase_add_test(tc, test_import_resolves_ids);
	tcase_add_test(tc, test_resolution_follows_the_store);
	tcase_add_test(tc, test_reimport_replaces_and_abort_keeps);
	tcase_add_test(tc, test_set_names);
	tcase_add_test(tc, test_select_sets);
	tcase_add_test(tc, test_notes_hook);
	tcase_add_test(tc, test_technique_summary_and_matrix);
	tcase_add_test(tc, test_find_actor);
	tcase_add_test(tc, test_log_source_matching);
	tcase_add_test(tc, test_log_source_limit);
	tcase_add_test(tc, test_detimport_bad_input);
	tcase_add_test(tc, test_detimport_tags_and_duplicates);
	tcase_add_test(tc, test_navigator_spec_is_read);
	tcase_add_test(tc, test_navigator_layer_valid);
	tcase_add_test(tc, test_navigator_layer_refused);
	suite_add_tcase(s, tc);

	tcase_set_timeout(e2e, 120);
	tcase_add_unchecked_fixture(e2e, shipped_setup, shipped_teardown);
	tcase_add_test(e2e, test_web_heat_map);
	tcase_add_test(e2e, test_e2e_sets_imported);
	tcase_add_test(e2e, test_e2e_coverage_per_tactic);
	tcase_add_test(e2e, test_e2e_t1136_001);
	tcase_add_test(e2e, test_e2e_gaps_and_priorities);
	tcase_add_test(e2e, test_e2e_group_exposure);
	tcase_add_test(e2e, test_e2e_ids_not_exact);
	tcase_add_test(e2e, test_e2e_bad_input_through_ingest);
	tcase_add_test(e2e, test_e2e_layer);
	tcase_add_test(e2e, test_e2e_feasible);
	tcase_add_test(e2e, test_e2e_contract);
	suite_add_tcase(s, e2e);
	return s;
}
