/* tests/check_notestore.c: Obsidian notes into the store, end to end
 * through the binary. The expected facts were read off the fixture notes
 * by hand and checked against the shipped v18.1 bundle with Python over
 * the raw JSON (revoked IDs, T1136's mitigations, the deprecated
 * mitigation that shares ID T1136). */
#include "tests.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED "fixtures/notes/seed-vault"
#define GEN "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/" \
            "Attacking-Frameworks/MITRE ATT&CK/ICS-Attack/"

static char *dir, *db, *bin;

static void setup(void)
{
	test_cli_setup(&dir, &db, &bin);
}

static void teardown(void)
{
	test_cli_teardown(dir, db);
}

static char *akb(int want, const char *fmt, const char *arg)
{
	char *out, *cmd = xasprintf(fmt, arg);
	int rc = test_run(&out, "%s --db %s %s 2>/dev/null", bin, db, cmd);

	ck_assert_msg(rc == want, "attackkb %s: exit %d, want %d", cmd, rc,
	              want);
	free(cmd);
	return out;
}

/* The CSV output with "\r\n" read as "\n". */
static char *unix_lines(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	return s;
}

/* attackkb sql "QUERY" --format csv equals want. */
static void sql_is(const char *query, const char *want)
{
	char *q = xasprintf("sql --format csv \"%s\"", query);
	char *out = unix_lines(akb(0, "%s", q));

	ck_assert_str_eq(out, want);
	free(out);
	free(q);
}

START_TEST(test_seed_vault_alone)
{
	free(akb(0, "ingest %s", SEED));
	sql_is("SELECT attack_id, name, parent_id FROM techniques WHERE "
	       "attack_id LIKE 'T1136%' ORDER BY 1",
	       "attack_id,name,parent_id\n"
	       "T1136,Create Account,\n"
	       "T1136.001,Local Account,T1136\n"
	       "T1136.002,Domain Account,T1136\n"
	       "T1136.003,Cloud Account,T1136\n");
	sql_is("SELECT tactic_id, tactic, shortname FROM technique_tactics "
	       "WHERE technique_id = 'T1136'",
	       "tactic_id,tactic,shortname\nTA0003,Persistence,persistence\n");
	sql_is("SELECT group_concat(platform, ';') AS p FROM platforms WHERE "
	       "object_id = 'T1136'",
	       "p\nWindows;Azure AD;Office 365;IaaS;"
	       "Linux;macOS;Google Workspace;Network;Containers;SaaS\n");
	sql_is("SELECT g.mitigation_id, m.name, g.description FROM mitigates "
	       "g JOIN mitigations m ON m.attack_id = g.mitigation_id WHERE "
	       "g.technique_id = 'T1136' ORDER BY 1",
	       "mitigation_id,name,description\n"
	       "M1026,Privileged Account Management,Limit the number of "
	       "accounts with permissions to create other accounts. Do not "
	       "allow domain administrator accounts to be used for day-to-day "
	       "operations that may expose them to potential adversaries on "
	       "unprivileged systems.\n"
	       "M1028,Operating System Configuration,Protect domain "
	       "controllers by ensuring proper security configuration for "
	       "critical servers.\n"
	       "M1030,Network Segmentation,Configure access controls and "
	       "firewalls to limit access to domain controllers and systems "
	       "used to create and manage accounts.\n"
	       "M1032,Multi-factor Authentication,Use multi-factor "
	       "authentication for user and privileged accounts.\n");
	sql_is("SELECT source_name, url FROM refs WHERE object_id = 'T1136' "
	       "ORDER BY ord",
	       "source_name,url\n"
	       "mitre-attack,https://attack.mitre.org/techniques/T1136\n"
	       "Microsoft User Creation Event,https://docs.microsoft.com/"
	       "en-us/windows/security/threat-protection/auditing/event-4720\n"
	       "Symantec WastedLocker June 2020,https://symantec-enterprise-"
	       "blogs.security.com/blogs/threat-intelligence/wastedlocker-"
	       "ransomware-us\n");
	/* The group note: 24 rows under "Techniques Used", one per line. */
	sql_is("SELECT count(*), count(DISTINCT technique_id) FROM uses WHERE "
	       "source_id = 'G0006'",
	       "count(*),count(DISTINCT technique_id)\n24,24\n");
	sql_is("SELECT group_concat(alias, ';') AS a FROM aliases WHERE "
	       "object_id = 'G0006'",
	       "a\nComment Crew;Comment Group;Comment "
	       "Panda\n");
	sql_is("SELECT attack_id, type, title FROM notes ORDER BY path",
	       "attack_id,type,title\nG0006,group,APT1\n"
	       "M1028,mitigation,Operating System Configuration\n"
	       "TA0003,tactic,Persistence\nT1136,technique,Create Account\n"
	       "T1136.001,subtechnique,Local Account\n");
	sql_is("SELECT target_attack_id, resolved, resolution FROM note_links "
	       "WHERE note_path LIKE '%Create Account.md' AND kind = 'wiki' "
	       "ORDER BY line",
	       "target_attack_id,resolved,resolution\nTA0003,1,path\n"
	       "M1028,1,path\nM1030,1,unresolved\nM1026,1,unresolved\n"
	       "M1032,1,unresolved\nT1136.001,1,path\nT1136.002,1,"
	       "unresolved\nT1136.003,1,unresolved\n");
	sql_is("SELECT attack_id, line FROM note_mentions WHERE note_path "
	       "LIKE '%Create Account.md' ORDER BY line",
	       "attack_id,line\nT1136,5\nTA0003,13\n");
}
END_TEST

START_TEST(test_reingest_and_forget)
{
	char *vault = xasprintf("%s/vault", dir), *out;

	ck_assert_int_eq(test_run(&out, "cp -r %s %s", SEED, vault), 0);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest %s 2>&1", bin, db,
	                          vault),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "5 notes (5 new or changed, 0 "
	                                  "forgotten), 0 warnings"));
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest %s 2>&1", bin, db,
	                          vault),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "5 notes (0 new or changed, 0 "
	                                  "forgotten)"));
	free(out);
	ck_assert_int_eq(test_run(&out, "rm '%s/" GEN "groups/APT1.md' && "
	                                "echo '[[T1136.001]] and [[Create "
	                                "Account]], see T1059.' > '%s/Det.md'",
	                          vault, vault),
	                 0);
	free(out);
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest %s 2>&1", bin, db,
	                          vault),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "5 notes (1 new or changed, 1 "
	                                  "forgotten)"));
	free(out);
	sql_is("SELECT count(*) FROM uses", "count(*)\n0\n");
	sql_is("SELECT target_text, target_path IS NOT NULL, target_attack_id "
	       "FROM note_links WHERE note_path = 'Det.md' ORDER BY line, "
	       "target_text",
	       "target_text,target_path IS NOT NULL,target_attack_id\n"
	       "Create Account,1,T1136\nT1136.001,1,T1136.001\n");
	sql_is("SELECT attack_id FROM note_mentions WHERE note_path = "
	       "'Det.md'",
	       "attack_id\nT1059\n");
	free(vault);
}
END_TEST

START_TEST(test_strict_leaves_store)
{
	char *out;

	/* bad-vault: two notes with broken frontmatter, read with warnings. */
	ck_assert_int_eq(test_run(&out, "%s --db %s ingest --strict "
	                                "fixtures/notes/bad-vault 2>&1",
	                          bin, db),
	                 1);
	ck_assert_ptr_nonnull(strstr(out, "a-unclosed.md:1:1: frontmatter is "
	                                  "not closed"));
	ck_assert_ptr_nonnull(strstr(out, "--strict: 2 warnings"));
	free(out);
	/* The store did not exist: it still does not. */
	ck_assert_int_ne(access(db, F_OK), 0);
	free(akb(0, "ingest %s", "fixtures/notes/bad-vault"));
	sql_is("SELECT count(*) FROM notes", "count(*)\n4\n");
}
END_TEST

/* With the enterprise bundle: the STIX views keep their numbers, the
 * notes attach to the STIX objects, vault-check finds what the seed notes
 * really get wrong. */
START_TEST(test_seed_vault_on_enterprise)
{
	static const char counts[] =
	    "SELECT (SELECT count(*) FROM techniques), (SELECT count(*) FROM "
	    "mitigates), (SELECT count(*) FROM uses), (SELECT count(*) FROM "
	    "relationships), (SELECT count(*) FROM refs), (SELECT count(*) FROM "
	    "technique_tactics), (SELECT count(*) FROM attack_objects)";
	char *before, *after, *q = xasprintf("sql --format csv \"%s\"", counts);
	char *out;

	free(akb(0, "ingest %s", "../data/attack/enterprise-attack-18.1.json.gz"));
	before = akb(0, "%s", q);
	free(akb(0, "ingest %s", SEED));
	after = akb(0, "%s", q);
	ck_assert_str_eq(after, before);
	sql_is("SELECT domain FROM techniques WHERE attack_id = 'T1136'",
	       "domain\nenterprise-attack\n");
	sql_is("SELECT claim, source_id, target_id, stix FROM note_claims "
	       "WHERE attack_id = 'T1136' AND claim = 'mitigates' ORDER BY 2",
	       "claim,source_id,target_id,stix\n"
	       "mitigates,M1026,T1136,same\nmitigates,M1028,T1136,same\n"
	       "mitigates,M1030,T1136,same\nmitigates,M1032,T1136,same\n");
	out = akb(0, "show %s", "T1136");
	ck_assert_ptr_nonnull(strstr(out, "Analyst notes"));
	free(out);
	/* The web object page lists them too (issue 6). */
	ck_assert_int_eq(test_run(&out, "ATTACKKB_DB=%s REQUEST_METHOD=GET "
					"PATH_INFO=/object/T1136 %s.cgi",
				  db, bin),
			 0);
	ck_assert_ptr_nonnull(strstr(out, "<h2>Analyst notes <span "
					  "class=\"muted\">2</span></h2>"));
	ck_assert_ptr_nonnull(strstr(out, "/techniques/Create Account.md</td>"
					  "<td>describes it</td>"));
	free(out);
	out = unix_lines(akb(0, "vault-check --format csv %s", SEED));
	ck_assert_str_eq(
	    out,
	    "note,line,problem,id,detail\n"
	    GEN "groups/APT1.md,30,link-id,T1087.001,[[" GEN "techniques/"
	    "Local Account]] names T1087.001 but leads to " GEN "techniques/"
	    "Local Account.md about T1136.001\n"
	    GEN "mitigations/Operating System Configuration.md,16,link-id,"
	    "T1087.001,[[" GEN "techniques/Local Account]] names T1087.001 "
	    "but leads to " GEN "techniques/Local Account.md about "
	    "T1136.001\n"
	    GEN "mitigations/Operating System Configuration.md,53,"
	    "link-revoked,T1130,T1130 is revoked by T1553.004 Install Root "
	    "Certificate\n"
	    GEN "mitigations/Operating System Configuration.md,54,"
	    "link-revoked,T1147,T1147 is revoked by T1564.002 Hidden Users\n"
	    GEN "mitigations/Operating System Configuration.md,55,"
	    "link-revoked,T1076,T1076 is revoked by T1021.001 Remote Desktop "
	    "Protocol\n"
	    GEN "mitigations/Operating System Configuration.md,56,"
	    "link-revoked,T1015,T1015 is revoked by T1546.008 Accessibility "
	    "Features\n"
	    GEN "mitigations/Operating System Configuration.md,57,"
	    "link-revoked,T1139,T1139 is revoked by T1552.003 Shell History\n"
	    GEN "mitigations/Operating System Configuration.md,58,"
	    "link-revoked,T1166,T1166 is revoked by T1548.001 Setuid and "
	    "Setgid\n"
	    GEN "mitigations/Operating System Configuration.md,59,"
	    "link-revoked,T1206,T1206 is revoked by T1548.003 Sudo and Sudo "
	    "Caching\n"
	    GEN "mitigations/Operating System Configuration.md,60,"
	    "link-revoked,T1174,T1174 is revoked by T1556.002 Password "
	    "Filter DLL\n"
	    GEN "mitigations/Operating System Configuration.md,61,"
	    "link-revoked,T1148,T1148 is revoked by T1562.003 Impair Command "
	    "History Logging\n"
	    GEN "techniques/Create Account.md,36,link-type,M1032,\"[[" GEN
	    "techniques/Multi-Factor Authentication|M1032]]: M1032 is a "
	    "mitigation, the link's folder says technique\"\n"
	    GEN "techniques/Local Account.md,31,link-type,M1032,\"[[" GEN
	    "techniques/Multi-Factor Authentication|M1032]]: M1032 is a "
	    "mitigation, the link's folder says technique\"\n");
	free(out);
	free(before);
	free(after);
	free(q);
}
END_TEST

Suite *notestore_suite(void)
{
	Suite *s = suite_create("notestore");
	TCase *tc = tcase_create("notestore");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_seed_vault_alone);
	tcase_add_test(tc, test_reingest_and_forget);
	tcase_add_test(tc, test_strict_leaves_store);
	tcase_add_test(tc, test_seed_vault_on_enterprise);
	suite_add_tcase(s, tc);
	return s;
}
