/* tests/check_stix.c: STIX ingest on fixtures cut from real ATT&CK data,
 * and every kind of bad input leaving the store as it was. */
#include "tests.h"
#include "store_fixture.h"
#include "kb/error.h"
#include "kb/ingest.h"
#include "kb/sha256.h"
#include "parser/bundle.h"
#include "parser/stix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINI FIXTURE("stix/mini-enterprise-18.1.json")
#define MINI_ICS FIXTURE("stix/mini-ics.json")

static void ingest_ok(const char *path, stix_result *res)
{
	ck_assert_msg(stix_ingest_file(fx_store, path, NULL, res) == 0, "%s",
		      kb_error_last());
}

START_TEST(test_mini_enterprise_objects_and_views)
{
	stix_result res;
	char *s;

	ingest_ok(MINI, &res);
	ck_assert_str_eq(res.domain, "enterprise-attack");
	ck_assert_str_eq(res.version, "18.1"); /* from the file name */
	ck_assert_int_eq(res.objects, 25);
	ck_assert_int_eq(res.new_objects, 25);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object"), 25);
	/* Sub-techniques, parents, tactics through the public views. */
	s = fx_column("SELECT attack_id || ':' || coalesce(parent_id, '-') "
		      "FROM techniques ORDER BY attack_id");
	ck_assert_str_eq(s, "T1027:-,T1027.005:T1027,T1136:-,T1136.001:T1136");
	free(s);
	s = fx_column("SELECT technique_id || '>' || tactic_id FROM "
		      "technique_tactics WHERE technique_id LIKE 'T1136%' ORDER "
		      "BY 1");
	ck_assert_str_eq(s, "T1136.001>TA0003,T1136>TA0003");
	free(s);
	s = fx_column("SELECT mitigation_id || '>' || technique_id FROM "
		      "mitigates ORDER BY 1");
	ck_assert_str_eq(s, "M1032>T1136,M1032>T1136.001"); /* not the deprecated */
	free(s);
	s = fx_column("SELECT source_id || '>' || technique_id FROM uses ORDER "
		      "BY 1");
	ck_assert_str_eq(s, "G0119>T1136,G0119>T1136.001");
	free(s);
	s = fx_column("SELECT detection_strategy_id || '>' || technique_id "
		      "FROM detects");
	ck_assert_str_eq(s, "DET0583>T1136");
	free(s);
	s = fx_column("SELECT attack_id || '/' || detection_strategy_id || '/' "
		      "|| platform FROM analytics");
	ck_assert_str_eq(s, "AN1604/DET0583/Windows");
	free(s);
	s = fx_column("SELECT data_component_id || ' ' || name || ' ' || "
		      "channel FROM analytic_log_sources ORDER BY 1");
	ck_assert_str_eq(s, "DC0014 WinEventLog:Security EventCode=4720,"
			    "DC0032 WinEventLog:Sysmon EventCode=1");
	free(s);
	/* The revoked technique follows its chain to the successor. */
	s = fx_column("SELECT attack_id || '>' || successor_id FROM "
		      "successors");
	ck_assert_str_eq(s, "T1066>T1027.005");
	free(s);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM attack_objects WHERE "
				  "revoked"),
			 1);
	/* The original JSON text is stored byte for byte. */
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object WHERE "
				  "json_valid(json) AND json_extract(json, "
				  "'$.id') = stix_id"),
			 25);
	/* References are shared records. */
	ck_assert_int_eq(fx_count("SELECT count(*) FROM refs WHERE object_id "
				  "= 'T1136' AND external_id = ''"),
			 2);
}
END_TEST

START_TEST(test_stix21_collection_gives_version)
{
	stix_result res;

	ingest_ok(MINI_ICS, &res);
	ck_assert_str_eq(res.domain, "ics-attack");
	ck_assert_str_eq(res.version, "18.1"); /* x-mitre-collection */
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release WHERE "
				  "spec_version = '2.1'"),
			 1);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM mitigates WHERE "
				  "mitigation_id = 'M0800' AND technique_id = "
				  "'T0800'"),
			 1);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM attack_objects WHERE "
				  "type = 'asset'"),
			 1);
}
END_TEST

START_TEST(test_reingest_is_noop_and_versions_shared)
{
	stix_result res;

	ingest_ok(MINI, &res);
	ingest_ok(MINI, &res);
	ck_assert(res.already);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 1);
	/* Another release with the same objects costs only membership. */
	{
		stix_opts o = STIX_OPTS_INIT;
		char *text = test_slurp(MINI, NULL), *p;

		o.release = "18.0";
		p = strstr(text, "bundle--mini");
		memcpy(p, "bundle--MINI", 12); /* other bytes, same objects */
		ck_assert_int_eq(stix_ingest_buffer(fx_store, "x.json", text,
						    strlen(text), &o, &res),
				 0);
		free(text);
	}
	ck_assert_str_eq(res.version, "18.0");
	ck_assert_int_eq(res.new_objects, 0);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object"), 25);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM member"), 50);
	/* The views show the newest release: 18.1. */
	ck_assert_int_eq(fx_count("SELECT count(DISTINCT release_id) FROM cur"),
			 1);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM cur c JOIN release r "
				  "ON r.id = c.release_id WHERE r.version = "
				  "'18.1'"),
			 25);
	ck_assert_int_eq(kb_store_select_release(fx_store, "18.0"), 0);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM cur c JOIN release r "
				  "ON r.id = c.release_id WHERE r.version = "
				  "'18.0'"),
			 25);
	ck_assert_int_eq(kb_store_select_release(fx_store, "9.9"),
			 KB_ENOTFOUND);
}
END_TEST

/* A bad bundle: the given error code, a message containing want, and the
 * store exactly as it was (one release with 25 objects). */
static void check_bad(const char *text, int code, const char *want)
{
	stix_result res;
	char *path = fx_write("bad-attack-18.1.json", text);
	int error;

	ingest_ok(MINI, &res);
	error = stix_ingest_file(fx_store, path, NULL, &res);
	ck_assert_msg(error == code, "got %d (%s), want %d", error,
		      kb_error_last(), code);
	ck_assert_msg(strstr(kb_error_last(), want) != NULL,
		      "message '%s' lacks '%s'", kb_error_last(), want);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 1);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM object"), 25);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM member"), 25);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM search_docsize"), 19);
	free(path);
}

START_TEST(test_bad_not_json)
{
	check_bad("hello", KB_EPARSE,
		  "bad-attack-18.1.json:1:1: expected '{': a STIX bundle is a "
		  "JSON object");
}
END_TEST

START_TEST(test_bad_truncated)
{
	check_bad("{\"type\": \"bundle\", \"objects\": [\n  {\"type\": "
		  "\"attack-pattern\",\n  \"id\": \"x\"",
		  KB_EPARSE, ":3:12: unexpected end of file, expected");
}
END_TEST

START_TEST(test_bad_objects_not_array)
{
	check_bad("{\"type\": \"bundle\",\n \"objects\": {}}", KB_EPARSE,
		  ":2:13: expected '[': \"objects\" must be an array");
}
END_TEST

START_TEST(test_bad_name_not_string)
{
	check_bad("{\"type\": \"bundle\", \"objects\": [\n"
		  "{\"type\": \"attack-pattern\", \"id\": \"attack-pattern--1\","
		  " \"name\": 7}]}",
		  KB_EPARSE,
		  ":2:1: object attack-pattern--1: \"name\" must be a string");
}
END_TEST

START_TEST(test_bad_invalid_utf8)
{
	check_bad("{\"type\": \"bundle\", \"objects\": [\n"
		  "{\"type\": \"attack-pattern\", \"id\": \"a\", \"name\": "
		  "\"x\xff\"}]}",
		  KB_EPARSE, "(byte offset 80)");
}
END_TEST

START_TEST(test_bad_duplicate_key)
{
	check_bad("{\"type\": \"bundle\", \"objects\": [\n"
		  "{\"type\": \"attack-pattern\", \"id\": \"a\", \"id\": \"b\"}]}",
		  KB_EPARSE, "duplicate object key");
}
END_TEST

START_TEST(test_bad_deep_nesting)
{
	size_t n = 100000, i;
	char *text = malloc(2 * n + 64), *p = text;

	p += sprintf(p, "{\"type\": \"bundle\", \"objects\": [{\"a\": ");
	for (i = 0; i < n; i++)
		*p++ = '[';
	for (i = 0; i < n; i++)
		*p++ = ']';
	strcpy(p, "}]}");
	check_bad(text, KB_ELIMIT, "nesting no deeper than");
	free(text);
}
END_TEST

START_TEST(test_bad_no_version)
{
	stix_result res;
	char *text = test_slurp(MINI, NULL);
	char *path = fx_write("mini.json", text); /* no -X.Y in the name */

	ck_assert_int_eq(stix_ingest_file(fx_store, path, NULL, &res),
			 KB_EPARSE);
	ck_assert(strstr(kb_error_last(), "give --release X.Y") != NULL);
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 0);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_bad_gzip)
{
	stix_result res;
	char *path = fx_write("x-attack-18.1.json.gz", "\x1f\x8b\x08garbage");

	ck_assert_int_eq(stix_ingest_file(fx_store, path, NULL, &res),
			 KB_EPARSE);
	ck_assert_msg(strstr(kb_error_last(), "x-attack-18.1.json.gz: "),
		      "%s", kb_error_last());
	ck_assert_int_eq(fx_count("SELECT count(*) FROM release"), 0);
	free(path);
}
END_TEST

START_TEST(test_missing_file)
{
	stix_result res;

	ck_assert_int_eq(stix_ingest_file(fx_store, "/nonexistent/a.json",
					  NULL, &res),
			 KB_ENOTFOUND);
	ck_assert_str_eq(kb_error_last(),
			 "/nonexistent/a.json: No such file or directory");
}
END_TEST

START_TEST(test_splitter_spans)
{
	const char *text = "\xEF\xBB\xBF{\"spec_version\": \"2.0\", \"type\": "
			   "\"bundle\",\n \"objects\": [ {\"a\": \"}\\\"\"},\n"
			   "  {} ], \"id\": \"bundle--1\"}\n";
	bundle b;

	ck_assert_int_eq(bundle_split(&b, "t", text, strlen(text)), 0);
	ck_assert_int_eq(b.nobjs, 2);
	ck_assert_int_eq(b.objs[0].line, 2);
	ck_assert_int_eq(b.objs[0].col, 15);
	ck_assert_int_eq(b.objs[0].len, 12);
	ck_assert_int_eq(b.objs[1].line, 3);
	ck_assert_int_eq(b.objs[1].col, 3);
	ck_assert_str_eq(b.spec_version, "2.0");
	ck_assert_str_eq(b.id, "bundle--1");
	bundle_free(&b);
	/* Found by fuzzing: a repeated top-level key leaked the first value
	 * (make asan catches it). The last one counts. */
	ck_assert_int_eq(bundle_split(&b, "t",
				      "{\"type\": \"x\", \"type\": \"bundle\", "
				      "\"objects\": []}",
				      46),
			 0);
	ck_assert_str_eq(b.type, "bundle");
	bundle_free(&b);
	ck_assert_int_eq(bundle_split(&b, "t", "{\"type\": \"bundle\"}", 18),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "t: not a STIX bundle (no \"objects\" array)");
	bundle_free(&b);
}
END_TEST

/* FIPS 180-2 vectors, with the SHA instructions (_i = 1) and without. */
START_TEST(test_sha256_vectors)
{
	sha256_ctx c;
	char hex[65];
	char *million = malloc(1000000);

	sha256_hardware(_i);
	sha256_init(&c);
	sha256_update(&c, "abc", 3);
	sha256_final_hex(&c, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9"
			      "cb410ff61f20015ad");
	sha256_init(&c);
	sha256_final_hex(&c, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934"
			      "ca495991b7852b855");
	memset(million, 'a', 1000000);
	sha256_init(&c);
	sha256_update(&c, million, 333333);
	sha256_update(&c, million, 666667);
	sha256_final_hex(&c, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200"
			      "e046d39ccc7112cd0");
	free(million);
	sha256_hardware(1);
}
END_TEST

Suite *stix_suite(void)
{
	Suite *s = suite_create("stix");
	TCase *tc = tcase_create("ingest");
	TCase *bad = tcase_create("bad input");
	TCase *unit = tcase_create("units");

	tcase_add_checked_fixture(tc, fx_store_setup, fx_store_teardown);
	tcase_add_test(tc, test_mini_enterprise_objects_and_views);
	tcase_add_test(tc, test_stix21_collection_gives_version);
	tcase_add_test(tc, test_reingest_is_noop_and_versions_shared);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(bad, fx_store_setup, fx_store_teardown);
	tcase_add_test(bad, test_bad_not_json);
	tcase_add_test(bad, test_bad_truncated);
	tcase_add_test(bad, test_bad_objects_not_array);
	tcase_add_test(bad, test_bad_name_not_string);
	tcase_add_test(bad, test_bad_invalid_utf8);
	tcase_add_test(bad, test_bad_duplicate_key);
	tcase_add_test(bad, test_bad_deep_nesting);
	tcase_add_test(bad, test_bad_no_version);
	tcase_add_test(bad, test_missing_file);
	tcase_add_test(bad, test_bad_gzip);
	suite_add_tcase(s, bad);
	tcase_add_test(unit, test_splitter_spans);
	tcase_add_loop_test(unit, test_sha256_vectors, 0, 2);
	suite_add_tcase(s, unit);
	return s;
}
