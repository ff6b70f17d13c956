/* tests/check_detection.c: Sigma, CAR and CSV/TSV detection parsing, the
 * folder walk, and the YAML limits. Expected values were read off the
 * fixture files by hand, not produced by the parser. */
#include "tests.h"
#include "parser/car.h"
#include "parser/detcsv.h"
#include "parser/detection.h"
#include "parser/sigma.h"
#include "kb/strmap.h"
#include "parser/yamldoc.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DET(name) FIXTURE("detections/" name)
#define SYN(name) DET("synthetic/" name)
/* A NULL-terminated list of expected strings. */
#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

static void assert_list(char **got, size_t n, const char *const *want,
			const char *what, const char *rule)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		ck_assert_msg(i < n, "%s of %s: missing %s", what, rule,
			      want[i]);
		ck_assert_msg(strcmp(got[i], want[i]) == 0,
			      "%s of %s: item %zu is %s, not %s", what, rule, i,
			      got[i], want[i]);
	}
	ck_assert_msg(i == n, "%s of %s: %zu items, not %zu", what, rule, n, i);
}

static void assert_str(const char *got, const char *want, const char *what)
{
	if (!want)
		ck_assert_msg(got == NULL, "%s is '%s', not NULL", what, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0,
			      "%s is '%s', not '%s'", what,
			      got ? got : "(null)", want);
}

static const detection_rule *find_rule(const detection_set *set,
				       const char *id)
{
	for (size_t i = 0; i < set->nrules; i++)
		if (set->rules[i].id && strcmp(set->rules[i].id, id) == 0)
			return &set->rules[i];
	ck_abort_msg("no rule %s", id);
	return NULL;
}

static void assert_warning(const detection_set *set, size_t i,
			   const char *file, unsigned line, const char *part)
{
	ck_assert_msg(i < set->nwarnings, "only %zu warnings", set->nwarnings);
	ck_assert_str_eq(set->warnings[i].file, file);
	ck_assert_msg(set->warnings[i].line == line,
		      "warning %zu is at line %u, not %u: %s", i,
		      set->warnings[i].line, line, set->warnings[i].message);
	ck_assert_msg(strstr(set->warnings[i].message, part),
		      "warning %zu lacks '%s': %s", i, part,
		      set->warnings[i].message);
	ck_assert_msg(strncmp(set->warnings[i].message, file, strlen(file)) ==
			      0,
		      "warning %zu does not start with the file: %s", i,
		      set->warnings[i].message);
}

/* ---- the eight real Sigma rules ---------------------------------------- */

static const struct sigma_expect {
	const char *file, *id, *title, *status, *level, *logsource;
	const char *const *techniques, *const *tactics;
} sigma_real[] = {
	{"av_password_dumper.yml", "78cc2dd2-7d20-4d32-93ff-057084c38b93",
	 "Antivirus - Password Dumper Signature", "stable", "critical",
	 "/antivirus/", L("T1003", "T1558", "T1003.001", "T1003.002"),
	 L("credential-access")},
	{"aws_ec2_startup_script_change.yml",
	 "1ab3c5ed-5baf-417b-bb6b-78ca33f6c3df",
	 "AWS EC2 Startup Shell Script Change", "test", "high",
	 "aws//cloudtrail", L("T1059.001", "T1059.003", "T1059.004"),
	 L("execution")},
	{"file_event_win_susp_system_interactive_powershell.yml",
	 "5b40a734-99b6-4b98-a1d0-1cea51a08ab2",
	 "Suspicious Interactive PowerShell as SYSTEM", "test", "high",
	 "windows/file_event/", L("T1059.001"), L("execution")},
	{"fortinet_fortigate_new_local_user_created.yml",
	 "ddbbe845-1d74-43a8-8231-2156d180234d",
	 "FortiGate - New Local User Created", "experimental", "medium",
	 "fortigate//event", L("T1136.001"), L("persistence")},
	{"gcp_access_policy_deleted.yml",
	 "32438676-1dba-4ac7-bf69-b86cba995e05",
	 "GCP Access Policy Deleted", "test", "medium", "gcp//gcp.audit",
	 L("T1098"), L("persistence", "privilege-escalation")},
	{"lnx_privileged_user_creation.yml",
	 "0ac15ec3-d24f-4246-aa2a-3077bb1cf90e",
	 "Privileged User Has Been Created", "test", "high", "linux//",
	 L("T1136.001", "T1098"), L("privilege-escalation", "persistence")},
	{"proc_creation_win_net_user_add.yml",
	 "cd219ff3-fa99-45d4-8380-a7d15116c6dc", "New User Created Via Net.EXE",
	 "test", "medium", "windows/process_creation/", L("T1136.001"),
	 L("persistence")},
	{"proc_creation_win_net_user_add_never_expire.yml",
	 "b9f0e6f5-09b4-4358-bae4-08408705bd5c",
	 "New User Created Via Net.EXE With Never Expire Option", "test",
	 "high", "windows/process_creation/", L("T1136.001"),
	 L("persistence")},
};

#define NSIGMA_REAL (sizeof(sigma_real) / sizeof(sigma_real[0]))

static void assert_sigma_real(const detection_rule *r,
			      const struct sigma_expect *e)
{
	char *path = xasprintf("%s/%s", DET("sigma"), e->file);

	ck_assert_str_eq(r->source, path);
	ck_assert_int_eq(r->format, DETECTION_SIGMA);
	ck_assert_uint_eq(r->line, 1);
	assert_str(r->id, e->id, "id");
	assert_str(r->title, e->title, "title");
	assert_str(r->status, e->status, "status");
	assert_str(r->level, e->level, "level");
	assert_str(r->logsource, e->logsource, "logsource");
	assert_list(r->techniques, r->ntechniques, e->techniques, "techniques",
		    e->file);
	assert_list(r->tactics, r->ntactics, e->tactics, "tactics", e->file);
	/* None of the eight carries group, software or other tags. */
	assert_list(r->groups, r->ngroups, NONE, "groups", e->file);
	assert_list(r->software, r->nsoftware, NONE, "software", e->file);
	assert_list(r->other_tags, r->nother, NONE, "other tags", e->file);
	assert_list(r->tactic_ids, r->ntactic_ids, NONE, "tactic ids", e->file);
	assert_list(r->platforms, r->nplatforms, NONE, "platforms", e->file);
	free(path);
}

START_TEST(test_sigma_real_rules_one_by_one)
{
	for (size_t i = 0; i < NSIGMA_REAL; i++) {
		detection_set set = DETECTION_SET_INIT;
		char *path =
			xasprintf("%s/%s", DET("sigma"), sigma_real[i].file);

		ck_assert_msg(sigma_parse_file(&set, path) == 0, "%s",
			      kb_error_last());
		ck_assert_uint_eq(set.nrules, 1);
		ck_assert_uint_eq(set.nwarnings, 0);
		assert_sigma_real(&set.rules[0], &sigma_real[i]);
		detection_set_free(&set);
		free(path);
	}
}
END_TEST

START_TEST(test_sigma_real_rules_scanned_in_order)
{
	detection_set set = DETECTION_SET_INIT;

	ck_assert_int_eq(detection_scan_dir(&set, DET("sigma")), 0);
	ck_assert_uint_eq(set.nrules, NSIGMA_REAL);
	ck_assert_uint_eq(set.nwarnings, 0);
	for (size_t i = 0; i < NSIGMA_REAL; i++)
		assert_sigma_real(&set.rules[i], &sigma_real[i]);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_looks_like_rule)
{
	static const struct {
		const char *path;
		bool sigma, car;
	} cases[] = {
		{DET("sigma/av_password_dumper.yml"), true, false},
		{DET("sigma/lnx_privileged_user_creation.yml"), true, false},
		{DET("car/CAR-2013-01-002.yaml"), false, true},
		{DET("car/CAR-2016-04-005.yaml"), false, true},
		{SYN("collection.yml"), true, false},
		{SYN("car_odd.yaml"), false, true},
		{SYN("not_a_rule.yml"), false, false},
		{SYN("not_mapping.yml"), false, false},
		{SYN("broken.yml"), false, false},
		{SYN("empty.yml"), false, false},
	};

	kb_error_set(KB_ERROR, "keep me");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *buf = test_slurp(cases[i].path, &len);

		ck_assert_msg(sigma_looks_like_rule(buf, len) == cases[i].sigma,
			      "%s", cases[i].path);
		ck_assert_msg(car_looks_like_analytic(buf, len) ==
				      cases[i].car,
			      "%s", cases[i].path);
		free(buf);
	}
	ck_assert_str_eq(kb_error_last(), "keep me");
	ck_assert(!sigma_looks_like_rule("title: x\nlogsource: {}\n", 23));
	ck_assert(sigma_looks_like_rule(
		"title: x\nlogsource: {}\ndetection: {}\n", 37));
}
END_TEST

/* ---- the two real CAR analytics ---------------------------------------- */

START_TEST(test_car_real_analytics)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;

	ck_assert_int_eq(detection_scan_dir(&set, DET("car")), 0);
	ck_assert_uint_eq(set.nrules, 2);
	ck_assert_uint_eq(set.nwarnings, 0);

	r = &set.rules[0];
	ck_assert_str_eq(r->source, DET("car/CAR-2013-01-002.yaml"));
	ck_assert_int_eq(r->format, DETECTION_CAR);
	ck_assert_uint_eq(r->line, 1);
	assert_str(r->id, "CAR-2013-01-002", "id");
	assert_str(r->title, "Autorun Differences", "title");
	assert_str(r->status, NULL, "status");
	assert_str(r->level, "Moderate", "level");
	assert_str(r->logsource, NULL, "logsource");
	assert_list(r->techniques, r->ntechniques,
		    L("T1543", "T1543.003", "T1053", "T1053.005", "T1547",
		      "T1547.001", "T1547.010", "T1547.004", "T1574",
		      "T1574.007", "T1574.008", "T1574.009", "T1574.010",
		      "T1574.011", "T1546", "T1546.001", "T1546.003",
		      "T1546.008", "T1546.010", "T1112", "T1037", "T1037.001"),
		    "techniques", r->id);
	assert_list(r->tactic_ids, r->ntactic_ids,
		    L("TA0003", "TA0004", "TA0002"), "tactic ids", r->id);
	assert_list(r->tactics, r->ntactics,
		    L("persistence", "privilege-escalation", "execution"),
		    "tactics", r->id);
	assert_list(r->platforms, r->nplatforms, L("Windows"), "platforms",
		    r->id);
	assert_list(r->groups, r->ngroups, NONE, "groups", r->id);
	assert_list(r->software, r->nsoftware, NONE, "software", r->id);
	assert_list(r->other_tags, r->nother, NONE, "other tags", r->id);

	r = &set.rules[1];
	ck_assert_str_eq(r->source, DET("car/CAR-2016-04-005.yaml"));
	assert_str(r->id, "CAR-2016-04-005", "id");
	assert_str(r->title, "Remote Desktop Logon", "title");
	assert_str(r->level, "Moderate", "level");
	assert_list(r->techniques, r->ntechniques, L("T1021", "T1021.001"),
		    "techniques", r->id);
	assert_list(r->tactic_ids, r->ntactic_ids, L("TA0008"), "tactic ids",
		    r->id);
	assert_list(r->tactics, r->ntactics, L("lateral-movement"), "tactics",
		    r->id);
	assert_list(r->platforms, r->nplatforms, L("Windows"), "platforms",
		    r->id);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_car_odd_entries_warned)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;
	const char *f = SYN("car_odd.yaml");

	ck_assert_int_eq(car_parse_file(&set, f), 0);
	ck_assert_uint_eq(set.nrules, 1);
	r = &set.rules[0];
	assert_str(r->id, "CAR-2099-01-001", "id");
	assert_str(r->level, "High", "level");
	/* T1053.0x3 and X1000 are dropped; T1059.004 is kept though it is
	 * not under T1053; t1070 is upper-cased. */
	assert_list(r->techniques, r->ntechniques,
		    L("T1053", "T1053.003", "T1059.004", "T1070"), "techniques",
		    r->id);
	assert_list(r->tactic_ids, r->ntactic_ids,
		    L("TA0002", "TA0003", "TA0005"), "tactic ids", r->id);
	assert_list(r->tactics, r->ntactics,
		    L("execution", "persistence", "defense-evasion"), "tactics",
		    r->id);
	assert_list(r->platforms, r->nplatforms, L("Linux"), "platforms",
		    r->id);
	ck_assert_uint_eq(set.nwarnings, 5);
	assert_warning(&set, 0, f, 13, "T1059.004 is not one of T1053");
	assert_warning(&set, 1, f, 14,
		       "'T1053.0x3' is not an ATT&CK technique");
	assert_warning(&set, 2, f, 10, "'TA9999' is not a known ATT&CK tactic");
	assert_warning(&set, 3, f, 16, "'X1000' is not an ATT&CK technique");
	assert_warning(&set, 4, f, 23, "coverage entry is not a mapping");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_car_refuses_bad_files)
{
	detection_set set = DETECTION_SET_INIT;
	static const char no_id[] = "title: x\ncoverage: []\n";
	static const char bad_cov[] = "id: CAR-1\ncoverage:\n  technique: T1\n";

	ck_assert_int_eq(car_parse_buffer(&set, "a.yaml", no_id,
					  sizeof(no_id) - 1),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "a.yaml:1: not a CAR analytic: no id starting "
			 "\"CAR-\"");
	ck_assert_int_eq(car_parse_buffer(&set, "b.yaml", bad_cov,
					  sizeof(bad_cov) - 1),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "b.yaml:3: coverage of CAR-1 is not a list");
	ck_assert_int_eq(car_parse_file(&set, SYN("empty.yml")), KB_EPARSE);
	ck_assert_int_eq(car_parse_file(&set, SYN("no_such.yaml")),
			 KB_ENOTFOUND);
	ck_assert_uint_eq(set.nrules, 0);
	ck_assert_uint_eq(set.nwarnings, 0);
	detection_set_free(&set);
}
END_TEST

/* ---- synthetic Sigma files ---------------------------------------------- */

START_TEST(test_sigma_multi_document)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;

	ck_assert_int_eq(sigma_parse_file(&set, SYN("multi_doc.yml")), 0);
	/* Two rules; the trailing `---` makes an empty third document. */
	ck_assert_uint_eq(set.nrules, 2);
	ck_assert_uint_eq(set.nwarnings, 0);
	r = &set.rules[0];
	assert_str(r->id, "5f3a3c1e-0000-4000-8000-000000000001", "id");
	ck_assert_uint_eq(r->line, 1);
	assert_str(r->title, "Whoami Execution on Windows", "title");
	assert_str(r->level, "low", "level");
	assert_str(r->logsource, "windows/process_creation/", "logsource");
	assert_list(r->techniques, r->ntechniques, L("T1033"), "techniques",
		    r->id);
	assert_list(r->tactics, r->ntactics, L("discovery"), "tactics", r->id);
	assert_list(r->groups, r->ngroups, NONE, "groups", r->id);
	r = &set.rules[1];
	assert_str(r->id, "5f3a3c1e-0000-4000-8000-000000000002", "id");
	ck_assert_uint_eq(r->line, 17); /* its first key, after a comment */
	assert_str(r->status, NULL, "status");
	assert_str(r->level, "informational", "level");
	assert_str(r->logsource, "linux/process_creation/", "logsource");
	/* attack.t1033 twice: kept once. */
	assert_list(r->techniques, r->ntechniques, L("T1033"), "techniques",
		    r->id);
	assert_list(r->groups, r->ngroups, L("G0069"), "groups", r->id);
	assert_list(r->software, r->nsoftware, L("S0029"), "software", r->id);
	assert_list(r->other_tags, r->nother, L("car.2016-03-001"),
		    "other tags", r->id);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_mixed_documents_warned)
{
	detection_set set = DETECTION_SET_INIT;
	static const char text[] = "title: A\n"
				   "logsource: {product: p}\n"
				   "detection: {}\n"
				   "tags: [attack.t1001, '', ~]\n"
				   "---\n"
				   "- just a list\n"
				   "---\n"
				   "name: not a rule\n"
				   "---\n"
				   "action: frobnicate\n";

	ck_assert_int_eq(sigma_parse_buffer(&set, "m.yml", text,
					    sizeof(text) - 1),
			 0);
	ck_assert_uint_eq(set.nrules, 1);
	ck_assert_uint_eq(set.rules[0].line, 1);
	assert_str(set.rules[0].id, NULL, "id");
	assert_str(set.rules[0].logsource, "p//", "logsource");
	assert_list(set.rules[0].techniques, set.rules[0].ntechniques,
		    L("T1001"), "techniques", "A");
	ck_assert_uint_eq(set.nwarnings, 6);
	assert_warning(&set, 0, "m.yml", 1, "rule 'A' has no id");
	assert_warning(&set, 1, "m.yml", 4, "empty tag ignored");
	assert_warning(&set, 2, "m.yml", 4, "empty tag ignored");
	assert_warning(&set, 3, "m.yml", 6, "document is not a mapping");
	assert_warning(&set, 4, "m.yml", 8, "document has no title");
	assert_warning(&set, 5, "m.yml", 10, "unknown action");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_collection_actions)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;

	ck_assert_int_eq(sigma_parse_file(&set, SYN("collection.yml")), 0);
	ck_assert_uint_eq(set.nrules, 2);
	/* The global document lends title, status, level, tags and the
	 * logsource category; the rule adds the product. */
	r = &set.rules[0];
	assert_str(r->id, "0c6c5d35-0000-4000-8000-000000000011", "id");
	ck_assert_uint_eq(r->line, 11);
	assert_str(r->title, "Net Share Discovery", "title");
	assert_str(r->status, "test", "status");
	assert_str(r->level, "low", "level");
	assert_str(r->logsource, "windows/process_creation/", "logsource");
	assert_list(r->techniques, r->ntechniques, L("T1135"), "techniques",
		    r->id);
	assert_list(r->tactics, r->ntactics, L("discovery"), "tactics", r->id);
	/* After action: reset nothing is inherited. */
	r = &set.rules[1];
	assert_str(r->id, "0c6c5d35-0000-4000-8000-000000000012", "id");
	ck_assert_uint_eq(r->line, 26);
	assert_str(r->title, "DNS Tunnel Query", "title");
	assert_str(r->status, "experimental", "status");
	assert_str(r->level, NULL, "level");
	assert_str(r->logsource, "zeek//dns", "logsource");
	assert_list(r->techniques, r->ntechniques, L("T1071.004"),
		    "techniques", r->id);
	assert_list(r->tactics, r->ntactics, L("command-and-control"),
		    "tactics", r->id);
	ck_assert_uint_eq(set.nwarnings, 1);
	assert_warning(&set, 0, SYN("collection.yml"), 20,
		       "action: repeat is not supported");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_tactic_spellings)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;

	ck_assert_int_eq(sigma_parse_file(&set, SYN("tactic_spellings.yml")),
			 0);
	ck_assert_uint_eq(set.nrules, 1);
	ck_assert_uint_eq(set.nwarnings, 0);
	r = &set.rules[0];
	assert_list(r->tactics, r->ntactics,
		    L("initial-access", "privilege-escalation",
		      "command-and-control", "stealth", "defense-impairment",
		      "defense-evasion", "resource-development"),
		    "tactics", r->id);
	assert_list(r->techniques, r->ntechniques, L("T1078"), "techniques",
		    r->id);
	assert_list(r->other_tags, r->nother, NONE, "other tags", r->id);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_uppercase_tags)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;
	const char *f = SYN("uppercase_tags.yml");

	ck_assert_int_eq(sigma_parse_file(&set, f), 0);
	ck_assert_uint_eq(set.nrules, 1);
	r = &set.rules[0];
	assert_list(r->techniques, r->ntechniques, L("T1003.001", "T1003"),
		    "techniques", r->id);
	assert_list(r->tactics, r->ntactics, L("credential-access"), "tactics",
		    r->id);
	assert_list(r->groups, r->ngroups, L("G0007"), "groups", r->id);
	assert_list(r->software, r->nsoftware, L("S0002"), "software", r->id);
	/* Other namespaces verbatim; unknown attack.* tags too, warned. */
	assert_list(r->other_tags, r->nother,
		    L("CVE.2021-44228", "detection.threat-hunting",
		      "attack.ta0006", "attack.t10030", "tlp.clear"),
		    "other tags", r->id);
	/* status and level are kept as written. */
	assert_str(r->status, "Test", "status");
	assert_str(r->level, "HIGH", "level");
	ck_assert_uint_eq(set.nwarnings, 2);
	assert_warning(&set, 0, f, 19, "unknown ATT&CK tag 'attack.ta0006'");
	assert_warning(&set, 1, f, 20, "unknown ATT&CK tag 'attack.t10030'");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_bad_tags_skip_the_rule)
{
	detection_set set = DETECTION_SET_INIT;

	ck_assert_int_eq(sigma_parse_file(&set, SYN("tags_not_list.yml")), 0);
	ck_assert_int_eq(sigma_parse_file(&set, SYN("tags_bad_item.yml")), 0);
	ck_assert_uint_eq(set.nrules, 0);
	ck_assert_uint_eq(set.nwarnings, 2);
	assert_warning(&set, 0, SYN("tags_not_list.yml"), 9,
		       "tags is not a list; rule 'Tags As A String' skipped");
	assert_warning(&set, 1, SYN("tags_bad_item.yml"), 11,
		       "tag 2 is not a string");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_no_tags_kept_with_warning)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;

	ck_assert_int_eq(sigma_parse_file(&set, SYN("no_tags.yml")), 0);
	ck_assert_uint_eq(set.nrules, 1);
	r = &set.rules[0];
	assert_str(r->id, "4d9e6f00-0000-4000-8000-000000000051", "id");
	assert_str(r->logsource, "linux//auditd", "logsource");
	ck_assert_uint_eq(r->ntechniques + r->ntactics + r->nother, 0);
	ck_assert_uint_eq(set.nwarnings, 1);
	assert_warning(&set, 0, SYN("no_tags.yml"), 1, "has no tags");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_sigma_broken_yaml_names_the_line)
{
	detection_set set = DETECTION_SET_INIT;

	/* Line 9 is the wrongly indented "  level: high". */
	ck_assert_int_eq(sigma_parse_file(&set, SYN("broken.yml")), KB_EPARSE);
	ck_assert_msg(strncmp(kb_error_last(), SYN("broken.yml") ":9:3: ",
			      strlen(SYN("broken.yml") ":9:3: ")) == 0,
		      "%s", kb_error_last());
	ck_assert_int_eq(sigma_parse_file(&set, SYN("not_mapping.yml")),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 SYN("not_mapping.yml") ":1:1: not a YAML mapping, "
						"so not a Sigma rule");
	ck_assert_int_eq(sigma_parse_file(&set, SYN("not_a_rule.yml")),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 SYN("not_a_rule.yml") ":2: not a Sigma rule: no "
					       "document has title, logsource "
					       "and detection");
	ck_assert_int_eq(sigma_parse_file(&set, SYN("empty.yml")), KB_EPARSE);
	ck_assert_str_eq(kb_error_last(), SYN("empty.yml") ":1: empty file");
	ck_assert_int_eq(sigma_parse_file(&set, SYN("blank.yml")), KB_EPARSE);
	ck_assert_str_eq(kb_error_last(), SYN("blank.yml") ":1: empty file");
	/* A bad byte: the reader reports an offset, turned into a line. */
	ck_assert_int_eq(sigma_parse_buffer(&set, "u.yml",
					    "title: a\nid: \xff\n", 15),
			 KB_EPARSE);
	ck_assert_msg(strncmp(kb_error_last(), "u.yml:2:5: ", 11) == 0, "%s",
		      kb_error_last());
	ck_assert_int_eq(sigma_parse_buffer(&set, "v.yml", "a: *nope\n", 9),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(), "v.yml:1:4: undefined alias *nope");
	ck_assert_uint_eq(set.nrules, 0);
	ck_assert_uint_eq(set.nwarnings, 0);
	detection_set_free(&set);
}
END_TEST

/* ---- YAML limits -------------------------------------------------------- */

/* "billion laughs": 9 levels of 10 aliases each, 10^9 nodes expanded. */
static char *make_alias_bomb(void)
{
	strbuf sb = STRBUF_INIT;
	char prev = 'a';

	strbuf_puts(&sb, "title: bomb\nlogsource: {}\ndetection: {}\n"
			 "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, "
			 "lol]\n");
	for (char c = 'b'; c <= 'i'; c++, prev++) {
		strbuf_printf(&sb, "%c: &%c [", c, c);
		for (int i = 0; i < 10; i++)
			strbuf_printf(&sb, "%s*%c", i ? ", " : "", prev);
		strbuf_puts(&sb, "]\n");
	}
	strbuf_puts(&sb, "tags: *i\n");
	return strbuf_detach(&sb);
}

START_TEST(test_yaml_alias_bomb_refused_quickly)
{
	detection_set set = DETECTION_SET_INIT;
	char *bomb = make_alias_bomb();
	clock_t t0 = clock();

	ck_assert_int_eq(sigma_parse_buffer(&set, "bomb.yml", bomb,
					    strlen(bomb)),
			 KB_ELIMIT);
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0,
		      "took too long");
	ck_assert_msg(strstr(kb_error_last(), "bomb.yml:") == kb_error_last() &&
			      strstr(kb_error_last(), "aliases expand"),
		      "%s", kb_error_last());
	ck_assert_uint_eq(set.nrules, 0);
	free(bomb);
}
END_TEST

START_TEST(test_yaml_aliases_share_nodes)
{
	static const char text[] = "a: &x [1, 2]\nb: *x\nc: &y {k: v}\n"
				   "d: [*y, *y]\n";
	yamldoc *doc;
	const yamldoc_node *root, *a, *b, *d;

	ck_assert_int_eq(yamldoc_parse(&doc, "t", text, sizeof(text) - 1), 0);
	ck_assert_uint_eq(doc->ndocs, 1);
	root = doc->docs[0];
	a = yamldoc_get(root, "a");
	b = yamldoc_get(root, "b");
	d = yamldoc_get(root, "d");
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(a->nitems, 2);
	ck_assert_str_eq(yamldoc_str(a->items[1]), "2");
	ck_assert_str_eq(yamldoc_str(yamldoc_get(d->items[1], "k")), "v");
	ck_assert_uint_eq(d->line, 4);
	ck_assert_uint_eq(d->col, 4);
	ck_assert_ptr_null(yamldoc_get(root, "missing"));
	ck_assert_ptr_null(yamldoc_get(a, "a"));
	yamldoc_free(doc);
	/* An alias inside its own anchor would make a cycle: refused. */
	ck_assert_int_eq(yamldoc_parse(&doc, "t", "a: &x [1, *x]\n", 14),
			 KB_EPARSE);
	ck_assert_ptr_null(doc);
}
END_TEST

static char *nested(const char *open, const char *close, int levels)
{
	strbuf sb = STRBUF_INIT;

	for (int i = 0; i < levels; i++)
		strbuf_puts(&sb, open);
	strbuf_puts(&sb, "x");
	for (int i = 0; i < levels; i++)
		strbuf_puts(&sb, close);
	strbuf_putc(&sb, '\n');
	return strbuf_detach(&sb);
}

START_TEST(test_yaml_nesting_limit)
{
	yamldoc *doc;
	char *s;

	/* Exactly KB_MAX_YAML_DEPTH levels: accepted. */
	s = nested("[", "]", KB_MAX_YAML_DEPTH);
	ck_assert_int_eq(yamldoc_parse(&doc, "d.yml", s, strlen(s)), 0);
	yamldoc_free(doc);
	free(s);
	/* One more: refused at the bracket that opens it. */
	s = nested("[", "]", KB_MAX_YAML_DEPTH + 1);
	ck_assert_int_eq(yamldoc_parse(&doc, "d.yml", s, strlen(s)),
			 KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(), "d.yml:1:65: nesting deeper than 64 "
					  "levels (KB_MAX_YAML_DEPTH)");
	free(s);
	/* 10,000 levels, in flow and block style. */
	s = nested("[", "]", 10000);
	ck_assert_int_eq(yamldoc_parse(&doc, "d.yml", s, strlen(s)),
			 KB_ELIMIT);
	free(s);
	s = nested("{a: ", "}", 10000);
	ck_assert_int_eq(yamldoc_parse(&doc, "d.yml", s, strlen(s)),
			 KB_ELIMIT);
	free(s);
	s = nested("- ", "", 10000);
	ck_assert_int_eq(yamldoc_parse(&doc, "d.yml", s, strlen(s)),
			 KB_ELIMIT);
	ck_assert_msg(strncmp(kb_error_last(), "d.yml:1:", 8) == 0, "%s",
		      kb_error_last());
	free(s);
}
END_TEST

START_TEST(test_yaml_event_limit)
{
	strbuf sb = STRBUF_INIT;
	yamldoc *doc;

	/* One flow list of KB_MAX_YAML_EVENTS scalars: with the stream,
	 * document and sequence events that is past the limit. */
	strbuf_putc(&sb, '[');
	for (int i = 0; i < KB_MAX_YAML_EVENTS; i++)
		strbuf_puts(&sb, "1,");
	strbuf_puts(&sb, "1]\n");
	ck_assert_int_eq(yamldoc_parse(&doc, "e.yml", sb.ptr, sb.len),
			 KB_ELIMIT);
	ck_assert_msg(strstr(kb_error_last(), "KB_MAX_YAML_EVENTS"), "%s",
		      kb_error_last());
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_yaml_file_size_limit)
{
	detection_set set = DETECTION_SET_INIT;
	char *dir = test_tmpdir(), *path = fsutil_path_join(dir, "big.yml");
	char *rule = test_slurp(DET("sigma/aws_ec2_startup_script_change.yml"),
				NULL);
	strbuf sb = STRBUF_INIT;

	/* A real rule padded with comments to exactly the limit: accepted. */
	strbuf_puts(&sb, rule);
	while (sb.len + 80 < KB_MAX_YAML_FILE)
		strbuf_printf(&sb, "#%78s\n", "");
	while (sb.len + 1 < KB_MAX_YAML_FILE)
		strbuf_putc(&sb, '#');
	strbuf_putc(&sb, '\n');
	ck_assert_uint_eq(sb.len, KB_MAX_YAML_FILE);
	ck_assert_int_eq(fsutil_write_atomic(path, sb.ptr, sb.len), 0);
	ck_assert_int_eq(sigma_parse_file(&set, path), 0);
	ck_assert_uint_eq(set.nrules, 1);
	/* One byte more: refused before parsing, file and buffer alike. */
	strbuf_putc(&sb, '\n');
	ck_assert_int_eq(fsutil_write_atomic(path, sb.ptr, sb.len), 0);
	ck_assert_int_eq(sigma_parse_file(&set, path), KB_ELIMIT);
	ck_assert_msg(strncmp(kb_error_last(), path, strlen(path)) == 0 &&
			      strstr(kb_error_last(), ":1: "),
		      "%s", kb_error_last());
	ck_assert_int_eq(detection_parse_file(&set, path), KB_ELIMIT);
	ck_assert_int_eq(sigma_parse_buffer(&set, "b.yml", sb.ptr, sb.len),
			 KB_ELIMIT);
	ck_assert_uint_eq(set.nrules, 1);
	strbuf_free(&sb);
	free(rule);
	free(path);
	test_rmtree(dir);
	free(dir);
	detection_set_free(&set);
}
END_TEST

/* ---- CSV and TSV -------------------------------------------------------- */

START_TEST(test_csv_quoting_merging_and_bad_rows)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;
	const char *f = SYN("detections.csv");

	ck_assert_int_eq(detcsv_parse_file(&set, f), 0);
	ck_assert_uint_eq(set.nrules, 6);
	r = &set.rules[0];
	ck_assert_int_eq(r->format, DETECTION_CSV);
	assert_str(r->id, "Net user add", "id");
	assert_str(r->title, "Net user add", "title");
	ck_assert_uint_eq(r->line, 2);
	assert_list(r->techniques, r->ntechniques, L("T1136.001", "T1098"),
		    "techniques", r->id);
	assert_list(r->platforms, r->nplatforms, L("Windows", "Linux"),
		    "platforms", r->id);
	assert_str(r->status, "production", "status");
	r = &set.rules[1];
	assert_str(r->id, "Suspicious \"net\" usage, quoted", "id");
	ck_assert_uint_eq(r->line, 3);
	assert_list(r->techniques, r->ntechniques, L("T1087.001"),
		    "techniques", r->id);
	assert_str(r->status, "testing", "status");
	r = &set.rules[2];
	assert_str(r->id, "Multi\nline name", "id");
	ck_assert_uint_eq(r->line, 5);
	assert_list(r->techniques, r->ntechniques, L("T1059"), "techniques",
		    r->id);
	assert_str(r->status, NULL, "status");
	r = &set.rules[3];
	assert_str(r->id, "Good after junk", "id");
	ck_assert_uint_eq(r->line, 13);
	r = &set.rules[4];
	assert_str(r->id, "After unterminated", "id");
	ck_assert_uint_eq(r->line, 15);
	assert_list(r->techniques, r->ntechniques, L("T1021"), "techniques",
		    r->id);
	r = &set.rules[5];
	assert_str(r->id, "Last row no newline", "id");
	ck_assert_uint_eq(r->line, 16);
	assert_list(r->techniques, r->ntechniques, L("T1078"), "techniques",
		    r->id);
	assert_list(r->platforms, r->nplatforms, NONE, "platforms", r->id);

	ck_assert_uint_eq(set.nwarnings, 6);
	assert_warning(&set, 0, f, 8,
		       "5 fields where the header has 4; row skipped: Too "
		       "many fields,T1003,Windows,x,extra");
	assert_warning(&set, 1, f, 9,
		       "not an ATT&CK technique ID; row skipped: Wrong "
		       "technique,TA0001,Windows,");
	assert_warning(&set, 2, f, 10, "empty detection name");
	assert_warning(&set, 3, f, 11,
		       "status 'testing' differs from 'production'");
	assert_warning(&set, 4, f, 12,
		       "text after a closing quote; row skipped: \"Quote then "
		       "junk\"x,T1003,Windows,");
	assert_warning(&set, 5, f, 14,
		       "unterminated quoted field; row skipped: "
		       "\"Unterminated,T1003,Windows,");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_tsv_with_crlf_and_extra_column)
{
	detection_set set = DETECTION_SET_INIT;
	const detection_rule *r;
	const char *f = SYN("detections.tsv");

	ck_assert_int_eq(detection_parse_file(&set, f), 0);
	ck_assert_uint_eq(set.nrules, 2);
	r = &set.rules[0];
	/* No quoting in TSV: the quotes are part of the name. */
	assert_str(r->id, "Kerberoasting \"quoted\"", "id");
	ck_assert_uint_eq(r->line, 2);
	assert_list(r->techniques, r->ntechniques, L("T1558.003", "T1558"),
		    "techniques", r->id);
	assert_str(r->status, "production", "status");
	r = &set.rules[1];
	assert_str(r->id, "DCSync", "id");
	ck_assert_uint_eq(r->line, 6);
	assert_list(r->techniques, r->ntechniques, L("T1003.006"),
		    "techniques", r->id);
	ck_assert_uint_eq(set.nwarnings, 2);
	assert_warning(&set, 0, f, 1, "unknown column 'Owner' ignored");
	assert_warning(&set, 1, f, 5,
		       "2 fields where the header has 4; row skipped: Only "
		       "two fields\\tT1003");
	detection_set_free(&set);
}
END_TEST

START_TEST(test_csv_bad_header_adds_nothing)
{
	detection_set set = DETECTION_SET_INIT;
	static const char no_tech[] = "detection,platform\nx,Windows\n";
	static const char twice[] = "detection,technique,Technique\n";
	static const char quote[] = "\"detection,technique\nx,T1003\n";
	static const char bom[] = "\xef\xbb\xbf\r\nDetection , TECHNIQUE\r\n"
				  "x , t1003.001 \r\n \"y\" , T1003\r\n";

	ck_assert_int_eq(detcsv_parse_file(&set, SYN("detections.tsv")), 0);
	ck_assert_uint_eq(set.nrules, 2);
	ck_assert_int_eq(detcsv_parse_buffer(&set, "h.csv", no_tech,
					     sizeof(no_tech) - 1),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "h.csv:1: the header must name the columns detection "
			 "and technique: detection,platform");
	ck_assert_int_eq(detcsv_parse_buffer(&set, "h.csv", twice,
					     sizeof(twice) - 1),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "h.csv:1: column 'technique' named twice in the "
			 "header");
	ck_assert_int_eq(detcsv_parse_buffer(&set, "h.csv", quote,
					     sizeof(quote) - 1),
			 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 "h.csv:1: header: unterminated quoted field");
	ck_assert_int_eq(detcsv_parse_file(&set, SYN("empty.csv")), KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
			 SYN("empty.csv") ":1: empty file, no header row");
	ck_assert_int_eq(detcsv_parse_buffer(&set, "h.csv", "\n\r\n", 3),
			 KB_EPARSE);
	/* Still only the two TSV rules and their two warnings. */
	ck_assert_uint_eq(set.nrules, 2);
	ck_assert_uint_eq(set.nwarnings, 2);
	/* A BOM, a blank first line, CRLF and spaces around fields. */
	ck_assert_int_eq(detcsv_parse_buffer(&set, "b.csv", bom,
					     sizeof(bom) - 1),
			 0);
	ck_assert_uint_eq(set.nrules, 4);
	ck_assert_uint_eq(set.nwarnings, 2);
	assert_str(set.rules[2].id, "x", "id");
	ck_assert_uint_eq(set.rules[2].line, 3);
	assert_list(set.rules[2].techniques, set.rules[2].ntechniques,
		    L("T1003.001"), "techniques", "x");
	assert_str(set.rules[3].id, "y", "id");
	ck_assert_uint_eq(set.rules[3].line, 4);
	/* A header alone is a valid, empty list. */
	ck_assert_int_eq(detcsv_parse_buffer(&set, "h.csv",
					     "detection,technique\n", 20),
			 0);
	ck_assert_uint_eq(set.nrules, 4);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_csv_size_limit)
{
	detection_set set = DETECTION_SET_INIT;
	char *big = xmalloc(KB_MAX_CSV_FILE + 1);

	memset(big, '\n', KB_MAX_CSV_FILE + 1);
	ck_assert_int_eq(detcsv_parse_buffer(&set, "big.csv", big,
					     KB_MAX_CSV_FILE + 1),
			 KB_ELIMIT);
	ck_assert_msg(strncmp(kb_error_last(), "big.csv:1: ", 11) == 0, "%s",
		      kb_error_last());
	/* At the limit it is read (and found empty). */
	ck_assert_int_eq(detcsv_parse_buffer(&set, "big.csv", big,
					     KB_MAX_CSV_FILE),
			 KB_EPARSE);
	free(big);
}
END_TEST

/* ---- normalisation and the string map ---------------------------------- */

START_TEST(test_normalise_ids)
{
	char out[DETECTION_TECHNIQUE_SIZE];

	ck_assert(detection_technique_normalise(out, "t1136.001"));
	ck_assert_str_eq(out, "T1136.001");
	ck_assert(detection_technique_normalise(out, "T1136"));
	ck_assert_str_eq(out, "T1136");
	ck_assert(!detection_technique_normalise(out, "T113"));
	ck_assert(!detection_technique_normalise(out, "T11360"));
	ck_assert(!detection_technique_normalise(out, "T1136.01"));
	ck_assert(!detection_technique_normalise(out, "T1136-001"));
	ck_assert(!detection_technique_normalise(out, "T1136.0011"));
	ck_assert(!detection_technique_normalise(out, "TA0001"));
	ck_assert(!detection_technique_normalise(out, ""));
	ck_assert_str_eq(detection_tactic_normalise("Initial_Access"),
			 "initial-access");
	ck_assert_str_eq(detection_tactic_normalise("command_and_control"),
			 "command-and-control");
	ck_assert_str_eq(detection_tactic_normalise("STEALTH"), "stealth");
	ck_assert_str_eq(detection_tactic_normalise("defense_impairment"),
			 "defense-impairment");
	ck_assert_str_eq(
		detection_tactic_normalise("inhibit-response-function"),
		"inhibit-response-function");
	ck_assert_ptr_null(detection_tactic_normalise("initial access"));
	ck_assert_ptr_null(detection_tactic_normalise("t1136"));
	ck_assert_ptr_null(detection_tactic_normalise(
		"a-very-long-name-that-is-no-tactic-at-all"));
	ck_assert_str_eq(detection_tactic_from_id("TA0003"), "persistence");
	ck_assert_str_eq(detection_tactic_from_id("ta0043"), "reconnaissance");
	ck_assert_str_eq(detection_tactic_from_id("TA0106"),
			 "impair-process-control");
	ck_assert_ptr_null(detection_tactic_from_id("TA0012"));
}
END_TEST

START_TEST(test_strmap_grows)
{
	strmap *m = strmap_new();
	char key[32];

	for (uintptr_t i = 1; i <= 5000; i++) {
		snprintf(key, sizeof(key), "k%lu", (unsigned long)i);
		strmap_put(m, key, (void *)i);
	}
	strmap_put(m, "k7", (void *)(uintptr_t)70);
	ck_assert_uint_eq(strmap_count(m), 5000);
	ck_assert_uint_eq((uintptr_t)strmap_get(m, "k4999"), 4999);
	ck_assert_uint_eq((uintptr_t)strmap_get(m, "k7"), 70);
	ck_assert_ptr_null(strmap_get(m, "k0"));
	strmap_free(m);
	strmap_free(NULL);
}
END_TEST

/* ---- walking folders ---------------------------------------------------- */

START_TEST(test_scan_all_fixtures)
{
	detection_set set = DETECTION_SET_INIT;
	size_t sigma = 0, car = 0, csv = 0;

	ck_assert_int_eq(detection_scan_dir(&set, DET("")), 0);
	/* car/ (2) < sigma/ (8) < synthetic/: car_odd 1, collection 2,
	 * detections.csv 6, detections.tsv 2, multi_doc 2, no_tags 1,
	 * tactic_spellings 1, uppercase_tags 1. */
	ck_assert_uint_eq(set.nrules, 26);
	for (size_t i = 0; i < set.nrules; i++) {
		sigma += set.rules[i].format == DETECTION_SIGMA;
		car += set.rules[i].format == DETECTION_CAR;
		csv += set.rules[i].format == DETECTION_CSV;
	}
	ck_assert_uint_eq(sigma, 8 + 2 + 2 + 1 + 1 + 1);
	ck_assert_uint_eq(car, 3);
	ck_assert_uint_eq(csv, 8);
	assert_str(set.rules[0].id, "CAR-2013-01-002", "first id");
	assert_str(set.rules[2].id, sigma_real[0].id, "third id");
	assert_str(set.rules[25].id, "2b7f4c00-0000-4000-8000-000000000031",
		   "last id");
	/* Files skipped: blank, broken, empty.csv, empty.yml, not_a_rule,
	 * not_mapping (one warning each) plus the warnings of the files
	 * read: car_odd 5, collection 1, csv 6, tsv 2, no_tags 1,
	 * tags_bad_item 1, tags_not_list 1, uppercase 2. */
	ck_assert_uint_eq(set.nwarnings, 6 + 5 + 1 + 6 + 2 + 1 + 1 + 1 + 2);
	assert_warning(&set, 0, SYN("blank.yml"), 1, "empty file");
	assert_warning(&set, 1, SYN("broken.yml"), 9, "did not find expected");
	find_rule(&set, "Net user add");
	detection_set_free(&set);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = fsutil_path_join(dir, name);

	ck_assert_int_eq(fsutil_write_atomic(path, text, strlen(text)), 0);
	free(path);
}

static void link_to(const char *target, const char *dir, const char *name)
{
	char *path = fsutil_path_join(dir, name);

	ck_assert_msg(symlink(target, path) == 0, "symlink %s", path);
	free(path);
}

START_TEST(test_scan_skips_dots_and_survives_loops)
{
	detection_set set = DETECTION_SET_INIT;
	char *dir = test_tmpdir(), *sub = fsutil_path_join(dir, "b/c");
	char *hidden = fsutil_path_join(dir, ".git");
	char *real = realpath(DET("sigma/gcp_access_policy_deleted.yml"), NULL);
	const char *rule = "title: T\nid: r1\nlogsource: {product: x}\n"
			   "detection: {}\ntags: [attack.t1001]\n";

	ck_assert_ptr_nonnull(real);
	ck_assert_int_eq(fsutil_mkdir_p(sub), 0);
	ck_assert_int_eq(fsutil_mkdir_p(hidden), 0);
	write_file(dir, "a.YML", rule);
	write_file(dir, ".hidden.yml", rule);
	write_file(hidden, "x.yml", rule);
	write_file(dir, "notes.md", "# not a rule\n");
	write_file(sub, "r.yaml", rule);
	link_to(real, sub, "linked.yml");
	link_to("..", sub, "up");           /* b/c/up -> b: a loop */
	link_to(".", dir, "self");          /* a loop at the top */
	link_to("nowhere.yml", dir, "dangling.yml");
	ck_assert_int_eq(detection_scan_dir(&set, dir), 0);
	/* a.YML, b/c/linked.yml, b/c/r.yaml; nothing from dot names. */
	ck_assert_uint_eq(set.nrules, 3);
	ck_assert_uint_eq(set.rules[0].format, DETECTION_SIGMA);
	assert_str(set.rules[0].id, "r1", "id");
	assert_str(set.rules[1].id, "32438676-1dba-4ac7-bf69-b86cba995e05",
		   "id");
	assert_str(set.rules[2].id, "r1", "id");
	/* Warnings: b/c/up and self were walked already; the dangling link
	 * cannot be read. */
	ck_assert_uint_eq(set.nwarnings, 3);
	ck_assert(strstr(set.warnings[0].message, "/b/c/up: folder already"));
	ck_assert(strstr(set.warnings[1].message, "/dangling.yml: "));
	ck_assert(strstr(set.warnings[2].message, "/self: folder already"));
	free(real);
	free(hidden);
	free(sub);
	test_rmtree(dir);
	free(dir);
	detection_set_free(&set);
}
END_TEST

START_TEST(test_scan_depth_limit_and_errors)
{
	detection_set set = DETECTION_SET_INIT;
	char *dir = test_tmpdir();
	strbuf deep = STRBUF_INIT;

	strbuf_puts(&deep, dir);
	for (int i = 0; i <= KB_MAX_DIR_DEPTH; i++)
		strbuf_puts(&deep, "/d");
	ck_assert_int_eq(fsutil_mkdir_p(deep.ptr), 0);
	write_file(deep.ptr, "r.yml",
		   "title: T\nlogsource: {}\ndetection: {}\ntags: []\n");
	ck_assert_int_eq(detection_scan_dir(&set, dir), 0);
	ck_assert_uint_eq(set.nrules, 0);
	ck_assert_uint_eq(set.nwarnings, 1);
	ck_assert(strstr(set.warnings[0].message, "deeper than 32 levels"));
	ck_assert_int_eq(detection_scan_dir(&set, "/nonexistent/rules"),
			 KB_ENOTFOUND);
	ck_assert_int_eq(detection_scan_dir(&set, SYN("empty.yml")), KB_EIO);
	ck_assert_uint_eq(set.nwarnings, 1);
	strbuf_free(&deep);
	test_rmtree(dir);
	free(dir);
	detection_set_free(&set);
}
END_TEST

Suite *detection_suite(void)
{
	Suite *s = suite_create("detection");
	TCase *real = tcase_create("real");
	TCase *synth = tcase_create("synthetic");
	TCase *limits = tcase_create("limits");
	TCase *csv = tcase_create("csv");
	TCase *scan = tcase_create("scan");

	tcase_add_test(real, test_sigma_real_rules_one_by_one);
	tcase_add_test(real, test_sigma_real_rules_scanned_in_order);
	tcase_add_test(real, test_sigma_looks_like_rule);
	tcase_add_test(real, test_car_real_analytics);
	suite_add_tcase(s, real);

	tcase_add_test(synth, test_sigma_multi_document);
	tcase_add_test(synth, test_sigma_mixed_documents_warned);
	tcase_add_test(synth, test_sigma_collection_actions);
	tcase_add_test(synth, test_sigma_tactic_spellings);
	tcase_add_test(synth, test_sigma_uppercase_tags);
	tcase_add_test(synth, test_sigma_bad_tags_skip_the_rule);
	tcase_add_test(synth, test_sigma_no_tags_kept_with_warning);
	tcase_add_test(synth, test_sigma_broken_yaml_names_the_line);
	tcase_add_test(synth, test_car_odd_entries_warned);
	tcase_add_test(synth, test_car_refuses_bad_files);
	tcase_add_test(synth, test_normalise_ids);
	tcase_add_test(synth, test_strmap_grows);
	suite_add_tcase(s, synth);

	/* Building multi-megabyte inputs is slow under the sanitizers. */
	tcase_set_timeout(limits, 60);
	tcase_add_test(limits, test_yaml_alias_bomb_refused_quickly);
	tcase_add_test(limits, test_yaml_aliases_share_nodes);
	tcase_add_test(limits, test_yaml_nesting_limit);
	tcase_add_test(limits, test_yaml_event_limit);
	tcase_add_test(limits, test_yaml_file_size_limit);
	tcase_add_test(limits, test_csv_size_limit);
	suite_add_tcase(s, limits);

	tcase_add_test(csv, test_csv_quoting_merging_and_bad_rows);
	tcase_add_test(csv, test_tsv_with_crlf_and_extra_column);
	tcase_add_test(csv, test_csv_bad_header_adds_nothing);
	suite_add_tcase(s, csv);

	tcase_add_test(scan, test_scan_all_fixtures);
	tcase_add_test(scan, test_scan_skips_dots_and_survives_loops);
	tcase_add_test(scan, test_scan_depth_limit_and_errors);
	suite_add_tcase(s, scan);
	return s;
}
