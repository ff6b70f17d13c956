/* tests/check_attackid.c: ATT&CK ID syntax, scanning and URLs. */
#include "kb/attackid.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

START_TEST(test_attackid_match_every_prefix)
{
	/* One real ID of each kind, from the v18.1 bundles. */
	static const struct {
		const char *id, *kind;
	} ids[] = {
	    {"T1136", "technique"},       {"T1136.001", "subtechnique"},
	    {"TA0003", "tactic"},         {"M1028", "mitigation"},
	    {"G0006", "group"},           {"S0002", "software"},
	    {"C0004", "campaign"},        {"DS0011", "data_source"},
	    {"DC0047", "data_component"}, {"DET0026", "detection_strategy"},
	    {"AN0074", "analytic"},       {"A0011", "asset"},
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ck_assert_uint_eq(attackid_match(ids[i].id, strlen(ids[i].id)),
		                  strlen(ids[i].id));
		ck_assert(attackid_is(ids[i].id));
		ck_assert_str_eq(attackid_kind(ids[i].id), ids[i].kind);
	}
}
END_TEST

START_TEST(test_attackid_rejects_near_misses)
{
	static const char *const bad[] = {
	    "T113",  "T11366", "t1136",  "T1136.01", "T1136.0011", "TA003",
	    "X1136", "DET001", "M1028a", "",         "T 1136",     "AN74",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!attackid_is(bad[i]), "%s", bad[i]);
		ck_assert_ptr_null(attackid_kind(bad[i]));
	}
	/* The prefix alone decides: "T1136." is T1136 and a full stop. */
	ck_assert_uint_eq(attackid_match("T1136.", 6), 5);
	ck_assert_uint_eq(attackid_match("T1136.x", 7), 5);
	ck_assert_uint_eq(attackid_match("T1136.0011", 10), 0);
	ck_assert(attackid_is("  T1136.001\t"));
}
END_TEST

START_TEST(test_attackid_scan_finds_standalone_ids)
{
	const char *text = "(TA0003) and T1136.001, not XT1136 or T1136a; "
	                   "M1028.G0006 then éT1234 S0002";
	size_t pos = 0, at, n = strlen(text);
	char id[ATTACKID_MAX];
	const char *want[] = {"TA0003", "T1136.001", "M1028", "G0006", "S0002"};
	size_t wat[] = {1, 13, 46, 52, 71}, k = 0;

	while (attackid_scan(id, &at, &pos, text, n)) {
		ck_assert_uint_lt(k, 5);
		ck_assert_str_eq(id, want[k]);
		ck_assert_uint_eq(at, wat[k]);
		k++;
	}
	ck_assert_uint_eq(k, 5);
	ck_assert_uint_eq(pos, n);
}
END_TEST

START_TEST(test_attackid_from_url)
{
	static const struct {
		const char *url, *id;
	} urls[] = {
	    {"https://attack.mitre.org/techniques/T1136", "T1136"},
	    {"https://attack.mitre.org/techniques/T1059/008", "T1059.008"},
	    {"https://attack.mitre.org/techniques/T1136/001/", "T1136.001"},
	    {"http://attack.mitre.org/groups/G0006", "G0006"},
	    {"https://www.attack.mitre.org/tactics/TA0003", "TA0003"},
	    {"https://attack.mitre.org/mitigations/T1122", "T1122"},
	    {"https://attack.mitre.org/detectionstrategies/DET0026#AN0074",
	     "AN0074"},
	    {"https://attack.mitre.org/versions/v17/software/S0002/", "S0002"},
	    {"https://attack.mitre.org/datacomponents/DC0047", "DC0047"},
	    {"https://attack.mitre.org/assets/A0011", "A0011"},
	    {"https://attack.mitre.org/campaigns/C0004?x=1", "C0004"},
	};
	static const char *const none[] = {
	    "https://attack.mitre.org/matrices/enterprise",
	    "https://attack.mitre.org/techniques/",
	    "https://example.org/techniques/T1136",
	    "https://attack.mitre.org.evil/techniques/T1136",
	    "ftp://attack.mitre.org/techniques/T1136",
	    "https://attack.mitre.org/resources/T1136",
	    "attack.mitre.org/techniques/T1136",
	};

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		char *id = attackid_from_url(urls[i].url);

		ck_assert_msg(id != NULL, "%s", urls[i].url);
		ck_assert_str_eq(id, urls[i].id);
		free(id);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ck_assert_msg(attackid_from_url(none[i]) == NULL, "%s",
		              none[i]);
}
END_TEST

START_TEST(test_user_input_any_case)
{
	char id[ATTACKID_MAX];

	ck_assert_int_eq(kb_is_attack_id("t1136.001", id), 1);
	ck_assert_str_eq(id, "T1136.001");
	ck_assert_int_eq(kb_is_attack_id("det0583", id), 1);
	ck_assert_str_eq(id, "DET0583");
	ck_assert_int_eq(kb_is_attack_id("Ta0003", NULL), 1);
	ck_assert_int_eq(kb_is_attack_id("T1136.01", NULL), 0);
	ck_assert_int_eq(kb_is_attack_id("T1136 ", NULL), 0);
	ck_assert_int_eq(kb_is_attack_id("T11360", NULL), 0);
	ck_assert_int_eq(kb_is_attack_id("1136", NULL), 0);
	ck_assert_int_eq(kb_is_attack_id("", NULL), 0);
	ck_assert_int_eq(kb_is_attack_id("T1136.0011234567", NULL), 0);
}
END_TEST

Suite *attackid_suite(void)
{
	Suite *s = suite_create("attackid");
	TCase *tc = tcase_create("attackid");

	tcase_add_test(tc, test_user_input_any_case);
	tcase_add_test(tc, test_attackid_match_every_prefix);
	tcase_add_test(tc, test_attackid_rejects_near_misses);
	tcase_add_test(tc, test_attackid_scan_finds_standalone_ids);
	tcase_add_test(tc, test_attackid_from_url);
	suite_add_tcase(s, tc);
	return s;
}
