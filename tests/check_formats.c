/* tests/check_formats.c: the note formats of issue 3 (2 to 5), each vault
 * ingested alone into an empty store, and odd input, end to end through
 * the binary. The facts are those the fixtures state (names, IDs,
 * tactics, platforms and relationship texts as in ATT&CK v18.1, read with
 * jq from data/attack/enterprise-attack-18.1.json.gz). */
#include "tests.h"
#include "kb/fsutil.h"
#include "kb/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FMT "fixtures/notes/formats/"

static char *dir, *db, *bin;

static void setup(void)
{
	test_cli_setup(&dir, &db, &bin);
}

static void teardown(void)
{
	test_cli_teardown(dir, db);
}

/* attackkb --db DB ARGS, stderr with stdout; its exit status is want. */
static char *akb(int want, const char *args)
{
	char *out;
	int rc = test_run(&out, "%s --db %s %s 2>&1", bin, db, args);

	ck_assert_msg(rc == want, "attackkb %s: exit %d, want %d:\n%s", args,
	              rc, want, out);
	return out;
}

static void ingest(const char *vault, const char *summary)
{
	char *args = xasprintf("ingest '%s'", vault), *out = akb(0, args);

	ck_assert_msg(strstr(out, summary) != NULL, "%s\nlacks %s", out,
	              summary);
	free(out);
	free(args);
}

/* attackkb sql "QUERY" --format csv equals want ("\r\n" read as "\n"). */
static void sql_is(const char *query, const char *want)
{
	char *q = xasprintf("sql --format csv \"%s\"", query), *out, *w;
	int rc = test_run(&out, "%s --db %s %s 2>/dev/null", bin, db, q);

	ck_assert_int_eq(rc, 0);
	w = out;
	for (char *p = out; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	ck_assert_str_eq(out, want);
	free(out);
	free(q);
}

/* Format 2: the generator's current form. */
START_TEST(test_format2_generator)
{
	ingest(FMT "gen2", "3 notes (3 new or changed, 0 forgotten), 0 "
	                   "warnings");
	sql_is("SELECT path, attack_id, type, name, url FROM notes ORDER BY "
	       "path",
	       "path,attack_id,type,name,url\n"
	       "tactics/Persistence.md,TA0003,tactic,Persistence,"
	       "https://attack.mitre.org/tactics/TA0003\n"
	       "tactics/Privilege Escalation.md,TA0004,tactic,Privilege "
	       "Escalation,https://attack.mitre.org/tactics/TA0004\n"
	       "techniques/Windows Service.md,T1543.003,subtechnique,Windows "
	       "Service,https://attack.mitre.org/techniques/T1543/003\n");
	sql_is("SELECT attack_id, name, parent_id FROM techniques",
	       "attack_id,name,parent_id\nT1543.003,Windows Service,\n");
	sql_is("SELECT tactic_id, tactic, shortname FROM technique_tactics "
	       "WHERE technique_id = 'T1543.003' ORDER BY 1",
	       "tactic_id,tactic,shortname\nTA0003,Persistence,persistence\n"
	       "TA0004,Privilege Escalation,privilege-escalation\n");
	sql_is("SELECT object_id, platform FROM platforms",
	       "object_id,platform\nT1543.003,Windows\n");
	/* "- Administrator - SYSTEM": one item, two values. */
	sql_is("SELECT p.value FROM prop p JOIN attack_objects o ON "
	       "o.object_id = p.object_id WHERE o.attack_id = 'T1543.003' AND "
	       "p.field = 'x_mitre_permissions_required' ORDER BY p.ord",
	       "value\nAdministrator\nSYSTEM\n");
	sql_is("SELECT g.mitigation_id, m.name, g.technique_id, g.description "
	       "FROM mitigates g JOIN mitigations m ON m.attack_id = "
	       "g.mitigation_id ORDER BY 1",
	       "mitigation_id,name,technique_id,description\n"
	       "M1028,Operating System Configuration,T1543.003,Ensure that "
	       "Driver Signature Enforcement is enabled to restrict unsigned "
	       "drivers from being installed.\n"
	       "M1047,Audit,T1543.003,Use auditing tools capable of detecting "
	       "privilege and service abuse opportunities on systems within an "
	       "enterprise and correct them.\n");
	/* Procedure Examples; the footnote mark "[^13]" is not text. */
	sql_is("SELECT source_id, source_type, source_name, technique_id, "
	       "description FROM uses",
	       "source_id,source_type,source_name,technique_id,description\n"
	       "G0082,group,APT38,T1543.003,APT38 has installed a new Windows "
	       "service to establish persistence.\n");
	sql_is("SELECT object_id, source_name, url FROM refs ORDER BY ord",
	       "object_id,source_name,url\n"
	       "T1543.003,Microsoft Windows Event Forwarding FEB 2018,"
	       "https://docs.microsoft.com/windows/security/threat-protection/"
	       "use-windows-event-forwarding-to-assist-in-intrusion-detection\n"
	       "T1543.003,CISA AA20-239A BeagleBoyz August 2020,"
	       "https://us-cert.cisa.gov/ncas/alerts/aa20-239a\n");
	sql_is("SELECT label, line FROM note_refs ORDER BY ord",
	       "label,line\n12,33\n13,34\n");
	/* Short links [[Name\\|ID]]: resolved by the ID they show (no notes
	 * for them in this vault). */
	sql_is("SELECT target_text, target_attack_id, resolved, line FROM "
	       "note_links WHERE kind = 'wiki' ORDER BY line, target_attack_id "
	       "IS NULL",
	       "target_text,target_attack_id,resolved,line\n"
	       "Create or Modify System Process,T1543,0,16\n"
	       "APT38,G0082,1,22\nAPT38,,0,22\n"
	       "Audit,M1047,1,28\nAudit,,0,28\n"
	       "Operating System Configuration,M1028,1,29\n"
	       "Operating System Configuration,,0,29\n");
	sql_is("SELECT count(*) FROM note_mentions", "count(*)\n0\n");
}
END_TEST

/* Format 3: ID-prefixed names, vault-relative links, tags, a references
 * callout. */
START_TEST(test_format3_prefixed_tags)
{
	ingest(FMT "gen3", "3 notes (3 new or changed, 0 forgotten), 0 "
	                   "warnings");
	sql_is("SELECT path, title, attack_id, type, name FROM notes ORDER BY "
	       "path",
	       "path,title,attack_id,type,name\n"
	       "kb/mitre/attack/tactics/TA0003-Persistence.md,"
	       "TA0003-Persistence,TA0003,tactic,Persistence\n"
	       "kb/mitre/attack/techniques/T1136-Create_Account.md,"
	       "T1136-Create_Account,T1136,technique,Create Account\n"
	       "kb/mitre/attack/techniques/T1136.001-Local_Account.md,"
	       "T1136.001-Local_Account,T1136.001,subtechnique,Local "
	       "Account\n");
	sql_is("SELECT attack_id, name, parent_id FROM techniques ORDER BY 1",
	       "attack_id,name,parent_id\nT1136,Create Account,\n"
	       "T1136.001,Local Account,T1136\n"
	       "T1136.002,Domain Account,T1136\n"
	       "T1136.003,Cloud Account,T1136\n");
	/* Tactics from "attack/tactic/persistence". */
	sql_is("SELECT technique_id, tactic_id, tactic FROM technique_tactics "
	       "ORDER BY 1",
	       "technique_id,tactic_id,tactic\nT1136,TA0003,Persistence\n"
	       "T1136.001,TA0003,Persistence\n");
	/* Platforms from "platform/..." tags, in the tags' order. */
	sql_is("SELECT object_id, group_concat(platform, ';') AS p FROM "
	       "platforms GROUP BY 1 ORDER BY 1",
	       "object_id,p\n"
	       "T1136,Windows;IaaS;Linux;macOS;Network Devices;Containers;"
	       "SaaS;Office Suite;Identity Provider;ESXi\n"
	       "T1136.001,Linux;macOS;Windows;Network Devices;Containers;"
	       "ESXi\n");
	sql_is("SELECT g.mitigation_id, m.name, g.technique_id, g.description "
	       "FROM mitigates g JOIN mitigations m ON m.attack_id = "
	       "g.mitigation_id ORDER BY 1",
	       "mitigation_id,name,technique_id,description\n"
	       "M1030,Network Segmentation,T1136,Configure access controls "
	       "and firewalls to limit access to domain controllers and "
	       "systems used to create and manage accounts.\n"
	       "M1032,Multi-factor Authentication,T1136,Use multi-factor "
	       "authentication for user and privileged accounts.\n");
	/* Footnotes inside "> [!info]- References". */
	sql_is("SELECT object_id, source_name, url FROM refs ORDER BY 1, ord",
	       "object_id,source_name,url\n"
	       "T1136,Microsoft User Creation Event,https://docs.microsoft.com/"
	       "en-us/windows/security/threat-protection/auditing/event-4720\n"
	       "T1136,Symantec WastedLocker June 2020,https://symantec-"
	       "enterprise-blogs.security.com/blogs/threat-intelligence/"
	       "wastedlocker-ransomware-us\n"
	       "T1136.001,Kubernetes Service Accounts Security,"
	       "https://kubernetes.io/docs/concepts/security/"
	       "service-accounts/\n");
	/* Vault-relative links: to the notes there are, else by their ID. */
	sql_is("SELECT substr(note_path, 28) AS n, target_path, "
	       "target_attack_id, resolved, resolution, line FROM note_links "
	       "WHERE kind = 'wiki' ORDER BY note_path, line",
	       "n,target_path,target_attack_id,resolved,resolution,line\n"
	       "T1136-Create_Account.md,kb/mitre/attack/tactics/"
	       "TA0003-Persistence.md,TA0003,1,path,22\n"
	       "T1136-Create_Account.md,kb/mitre/attack/techniques/"
	       "T1136.001-Local_Account.md,T1136.001,1,path,28\n"
	       "T1136-Create_Account.md,,T1136.002,1,unresolved,29\n"
	       "T1136-Create_Account.md,,T1136.003,1,unresolved,30\n"
	       "T1136-Create_Account.md,,M1032,1,unresolved,36\n"
	       "T1136-Create_Account.md,,M1030,1,unresolved,37\n"
	       "T1136.001-Local_Account.md,kb/mitre/attack/techniques/"
	       "T1136-Create_Account.md,T1136,1,path,16\n");
	/* IDs in text; not the one in code ("net user /add"). */
	sql_is("SELECT substr(note_path, 28) AS n, attack_id, line, section "
	       "FROM note_mentions ORDER BY 1, 3, 2",
	       "n,attack_id,line,section\n"
	       "T1136.001-Local_Account.md,T1098,18,Description\n"
	       "T1136.001-Local_Account.md,T1136.001,18,Description\n");
}
END_TEST

/* Format 4: "Name - ID" file names, "> [!info]" callouts, spaces around
 * the link's pipe, footnotes named after their source. */
START_TEST(test_format4_callouts)
{
	ingest(FMT "gen4", "3 notes (3 new or changed, 0 forgotten), 0 "
	                   "warnings");
	sql_is("SELECT path, attack_id, type, name FROM notes ORDER BY path",
	       "path,attack_id,type,name\n"
	       "Tactics/Credential Access - TA0006.md,TA0006,tactic,"
	       "Credential Access\n"
	       "Techniques/LSASS Memory - T1003.001.md,T1003.001,"
	       "subtechnique,LSASS Memory\n"
	       "Techniques/OS Credential Dumping - T1003.md,T1003,technique,"
	       "OS Credential Dumping\n");
	sql_is("SELECT attack_id, name, parent_id FROM techniques ORDER BY 1",
	       "attack_id,name,parent_id\nT1003,OS Credential Dumping,\n"
	       "T1003.001,LSASS Memory,T1003\n");
	sql_is("SELECT technique_id, tactic_id, tactic, shortname FROM "
	       "technique_tactics ORDER BY 1",
	       "technique_id,tactic_id,tactic,shortname\n"
	       "T1003,TA0006,Credential Access,credential-access\n"
	       "T1003.001,TA0006,Credential Access,credential-access\n");
	sql_is("SELECT object_id, group_concat(platform, ';') AS p FROM "
	       "platforms GROUP BY 1 ORDER BY 1",
	       "object_id,p\nT1003,Linux;macOS;Windows\nT1003.001,Windows\n");
	sql_is("SELECT g.mitigation_id, m.name, g.technique_id, g.description "
	       "FROM mitigates g JOIN mitigations m ON m.attack_id = "
	       "g.mitigation_id ORDER BY 1",
	       "mitigation_id,name,technique_id,description\n"
	       "M1025,Privileged Process Integrity,T1003.001,\"On Windows 8.1 "
	       "and Windows Server 2012 R2, enable Protected Process Light for "
	       "LSA.\"\n"
	       "M1043,Credential Access Protection,T1003.001,\"With Windows "
	       "10, Microsoft implemented new protections called Credential "
	       "Guard to protect the LSA secrets that can be used to obtain "
	       "credentials through forms of credential dumping.\"\n");
	/* The footnote's label names the source, as STIX's source_name. */
	sql_is("SELECT r.object_id, r.source_name, r.url, n.label FROM refs r "
	       "JOIN note_refs n ON n.url = r.url ORDER BY r.ord",
	       "object_id,source_name,url,label\n"
	       "T1003.001,Deep Instinct LSASS,https://www.deepinstinct.com/"
	       "blog/lsass-memory-dumps-are-stealthier-than-ever-before-part-2,"
	       "Deep_Instinct_LSASS\n"
	       "T1003.001,TechNet Credential Guard,https://technet.microsoft."
	       "com/en-us/itpro/windows/keep-secure/credential-guard,"
	       "TechNet_Credential_Guard\n"
	       "T1003.001,Microsoft LSA,https://technet.microsoft.com/en-us/"
	       "library/dn408187.aspx,Microsoft_LSA\n");
	/* [[X - T1003 \\| T1003]]: the target without its trailing blank. */
	sql_is("SELECT substr(note_path, 12) AS n, target_text, target_path, "
	       "target_attack_id, resolved, resolution, line FROM note_links "
	       "WHERE kind = 'wiki' ORDER BY note_path, line",
	       "n,target_text,target_path,target_attack_id,resolved,"
	       "resolution,line\n"
	       "LSASS Memory - T1003.001.md,OS Credential Dumping - T1003,"
	       "Techniques/OS Credential Dumping - T1003.md,T1003,1,path,5\n"
	       "LSASS Memory - T1003.001.md,Credential Access - TA0006,"
	       "Tactics/Credential Access - TA0006.md,TA0006,1,path,6\n"
	       "LSASS Memory - T1003.001.md,Credential Access Protection - "
	       "M1043,,M1043,1,unresolved,16\n"
	       "LSASS Memory - T1003.001.md,Privileged Process Integrity - "
	       "M1025,,M1025,1,unresolved,17\n"
	       "OS Credential Dumping - T1003.md,Credential Access - TA0006,"
	       "Tactics/Credential Access - TA0006.md,TA0006,1,path,5\n"
	       "OS Credential Dumping - T1003.md,LSASS Memory - T1003.001,"
	       "Techniques/LSASS Memory - T1003.001.md,T1003.001,1,path,12\n");
}
END_TEST

/* Format 5: hand-made notes. */
START_TEST(test_format5_hand_made)
{
	ingest(FMT "gen5", "4 notes (4 new or changed, 0 forgotten), 0 "
	                   "warnings");
	/* IDs and names from the file names, whatever their spacing; the
	 * typo ("Spearphising") is the vault's name for T1566.001. */
	sql_is("SELECT substr(path, 16) AS p, attack_id, type, name FROM "
	       "notes ORDER BY path",
	       "p,attack_id,type,name\n"
	       "T1566 - Phishing.md,T1566,technique,Phishing\n"
	       "T1566.001 - Spearphising Attachment.md,T1566.001,"
	       "subtechnique,Spearphising Attachment\n"
	       "T1566.002 -  Spearphishing Link.md,T1566.002,subtechnique,"
	       "Spearphishing Link\n"
	       "T1566.003-Spearphishing via Service.md,T1566.003,"
	       "subtechnique,Spearphishing via Service\n");
	sql_is("SELECT attack_id, name, parent_id FROM techniques ORDER BY 1",
	       "attack_id,name,parent_id\nT1566,Phishing,\n"
	       "T1566.001,Spearphising Attachment,T1566\n"
	       "T1566.002,Spearphishing Link,T1566\n"
	       "T1566.003,Spearphishing via Service,T1566\n");
	sql_is("SELECT (SELECT count(*) FROM technique_tactics), (SELECT "
	       "count(*) FROM platforms), (SELECT count(*) FROM mitigates), "
	       "(SELECT count(*) FROM refs) AS n",
	       "(SELECT count(*) FROM technique_tactics),(SELECT count(*) FROM "
	       "platforms),(SELECT count(*) FROM mitigates),n\n0,0,0,0\n");
	/* The bare list: the link with the right name finds the file with
	 * the typo by its ID. */
	sql_is("SELECT substr(note_path, 16) AS n, target_text, "
	       "substr(target_path, 16) AS t, target_attack_id, resolution, "
	       "line FROM note_links ORDER BY note_path, line",
	       "n,target_text,t,target_attack_id,resolution,line\n"
	       "T1566 - Phishing.md,T1566.001 - Spearphishing Attachment,"
	       "T1566.001 - Spearphising Attachment.md,T1566.001,id,6\n"
	       "T1566 - Phishing.md,T1566.002 -  Spearphishing Link,"
	       "T1566.002 -  Spearphishing Link.md,T1566.002,path,7\n"
	       "T1566 - Phishing.md,T1566.003-Spearphishing via Service,"
	       "T1566.003-Spearphishing via Service.md,T1566.003,path,8\n"
	       "T1566.001 - Spearphising Attachment.md,T1566 - Phishing,"
	       "T1566 - Phishing.md,T1566,path,1\n"
	       "T1566.002 -  Spearphishing Link.md,T1566 - Phishing,"
	       "T1566 - Phishing.md,T1566,path,1\n");
	sql_is("SELECT substr(note_path, 16) AS n, attack_id, line FROM "
	       "note_mentions ORDER BY note_path, line, attack_id",
	       "n,attack_id,line\n"
	       "T1566 - Phishing.md,T1204.002,3\n"
	       "T1566 - Phishing.md,T1566.001,3\n"
	       "T1566 - Phishing.md,T1566.002,3\n"
	       "T1566.001 - Spearphising Attachment.md,M1017,3\n"
	       "T1566.001 - Spearphising Attachment.md,M1049,3\n"
	       "T1566.003-Spearphishing via Service.md,T1566.003,1\n");
}
END_TEST

/* Odd input: fixtures/notes/formats/odd copied to a temporary vault, with
 * a file over the 8 MB limit, a symlink loop and (when not root) a file
 * nobody may read added. */
static char *odd_vault(bool *unreadable)
{
	char *vault = xasprintf("%s/odd", dir), *out, *p;
	size_t big = 9000000;
	char *text = xmalloc(big);

	ck_assert_int_eq(test_run(&out, "cp -r " FMT "odd '%s'", vault), 0);
	free(out);
	memset(text, 'x', big);
	p = fsutil_path_join(vault, "Big.md");
	ck_assert_int_eq(fsutil_write_atomic(p, text, big), 0);
	free(p);
	free(text);
	p = fsutil_path_join(vault, "empty/loop");
	ck_assert_int_eq(symlink("..", p), 0);
	free(p);
	*unreadable = geteuid() != 0;
	if (*unreadable) {
		p = fsutil_path_join(vault, "Secret.md");
		ck_assert_int_eq(fsutil_write_atomic(p, "# T1003\n", 8), 0);
		ck_assert_int_eq(chmod(p, 0), 0);
		free(p);
	}
	return vault;
}

static void has_line(const char *out, const char *vault, const char *rest)
{
	char *want = xasprintf("%s/%s\n", vault, rest);

	ck_assert_msg(strstr(out, want) != NULL, "%s\nlacks %s", out, want);
	free(want);
}

START_TEST(test_odd_input)
{
	bool unreadable;
	char *vault = odd_vault(&unreadable), *args, *out, *want;

	args = xasprintf("ingest '%s'", vault);
	out = akb(0, args);
	/* Refused or skipped, with FILE[:LINE]: warnings; the rest read. */
	has_line(out, vault, "Big.md: file is 9000000 bytes, more than the "
	                     "limit of 8388608 (skipped)");
	has_line(out, vault, "pipe/PowerShell.md:13: table row has 4 cells, "
	                     "its header 3: an unescaped '|' in a cell? The "
	                     "text after it is lost");
	has_line(out, vault, "utf8/Command and Scripting Interpreter.md:7: "
	                     "invalid UTF-8, read as U+FFFD");
	if (unreadable)
		has_line(out, vault, "Secret.md: Permission denied (skipped)");
	want = xasprintf("%s: 10 notes (10 new or changed, 0 forgotten), %d "
	                 "warnings;",
	                 vault, unreadable ? 4 : 3);
	ck_assert_msg(strstr(out, want) != NULL, "%s\nlacks %s", out, want);
	free(want);
	free(out);
	free(args);
	/* BOM: the frontmatter is read. CRLF: the table rows keep their
	 * lines. Invalid UTF-8: U+FFFD. Raw HTML: <br /> a line break,
	 * <code> its text; "### Bash" ends the description. '／' in a file
	 * name: '/' in the name. The empty file: a note without ID. */
	sql_is("SELECT path, attack_id, type, name, description FROM notes "
	       "ORDER BY path",
	       "path,attack_id,type,name,description\n"
	       "Enterprise-Attack/mitigations/Antivirus\xef\xbc\x8f"
	       "Antimalware.md,M1049,mitigation,Antivirus/Antimalware,Use "
	       "signatures or heuristics to detect malicious software.\n"
	       "ICS-Attack/mitigations/Antivirus\xef\xbc\x8f"
	       "Antimalware.md,M1049,mitigation,Antivirus/Antimalware,Use "
	       "signatures or heuristics to detect malicious software.\n"
	       "Mobile-Attack/mitigations/Antivirus\xef\xbc\x8f"
	       "Antimalware.md,M1049,mitigation,Antivirus/Antimalware,Use "
	       "signatures or heuristics to detect malicious software.\n"
	       "bom/Create Account.md,T1136,technique,Create Account,"
	       "Adversaries may create an account to maintain access to victim "
	       "systems.\n"
	       "crlf/Local Account.md,T1136.001,subtechnique,Local Account,"
	       "Adversaries may create a local account to maintain access to "
	       "victim systems.\n"
	       "empty/Untitled.md,,,Untitled,\n"
	       "html/Unix Shell.md,T1059.004,subtechnique,Unix Shell,"
	       "\"Adversaries may abuse Unix shell commands and scripts for "
	       "execution.\nUnix shells can control every aspect of a system, "
	       "such as sh on Linux, see T1059.006.\"\n"
	       "pipe/PowerShell.md,T1059.001,subtechnique,PowerShell,"
	       "Adversaries may abuse PowerShell commands and scripts for "
	       "execution.\n"
	       "revoked/PowerShell.md,T1086,technique,PowerShell,Adversaries "
	       "may abuse PowerShell commands and scripts for execution.\n"
	       "utf8/Command and Scripting Interpreter.md,T1059,technique,"
	       "Command and Scripting Interpreter,\"Adversaries may abuse "
	       "command and script interpreters to execute commands, scripts, "
	       "or binaries (copied from a Latin-1 page: caf\xef\xbf\xbd).\n\n"
	       "See also T1059.001.\"\n");
	/* The row with the stray '|' keeps the text before it. */
	sql_is("SELECT g.mitigation_id, m.name, g.technique_id, g.description "
	       "FROM mitigates g JOIN mitigations m ON m.attack_id = "
	       "g.mitigation_id ORDER BY 1",
	       "mitigation_id,name,technique_id,description\n"
	       "M1026,Privileged Account Management,T1136.001,Limit the usage "
	       "of local administrator accounts to be used for day-to-day "
	       "operations that may expose them to potential adversaries.\n"
	       "M1032,Multi-factor Authentication,T1136.001,Use multi-factor "
	       "authentication for user and privileged accounts.\n"
	       "M1038,Execution Prevention,T1059.004,Use application control "
	       "where appropriate.\n"
	       "M1042,Disable or Remove Feature or Program,T1059.001,It may be "
	       "possible to remove PowerShell\n"
	       "M1045,Code Signing,T1059.001,Set PowerShell execution policy "
	       "to execute only signed scripts.\n");
	/* CRLF lines count as one; <code> holds no mention. */
	sql_is("SELECT note_path, attack_id, line FROM note_mentions WHERE "
	       "note_path LIKE 'crlf/%' OR note_path LIKE 'html/%' ORDER BY 1, "
	       "3",
	       "note_path,attack_id,line\n"
	       "crlf/Local Account.md,T1136.001,5\n"
	       "crlf/Local Account.md,M1032,13\n"
	       "crlf/Local Account.md,M1026,14\n"
	       "html/Unix Shell.md,T1059.004,5\n"
	       "html/Unix Shell.md,T1059.006,7\n"
	       "html/Unix Shell.md,M1038,17\n");
	/* The three copies of M1049: one object, from the first by path. */
	sql_is("SELECT a.attack_id, a.name, json_extract(o.json, '$.note') AS n "
	       "FROM attack_objects a JOIN object o ON o.id = a.object_id "
	       "WHERE a.attack_id = 'M1049'",
	       "attack_id,name,n\nM1049,Antivirus/Antimalware,"
	       "Enterprise-Attack/mitigations/Antivirus\xef\xbc\x8f"
	       "Antimalware.md\n");
	free(vault);
}
END_TEST

/* With the enterprise release: the revoked ID and the duplicates. */
START_TEST(test_odd_input_vault_check)
{
	bool unreadable;
	char *vault = odd_vault(&unreadable), *args, *out;

	free(akb(0, "ingest ../data/attack/enterprise-attack-18.1.json.gz"));
	args = xasprintf("vault-check --format csv '%s' 2>/dev/null", vault);
	out = akb(0, args);
	ck_assert_msg(
	    strstr(out, "\nrevoked/PowerShell.md,,revoked,T1086,T1086 is "
	                "revoked by T1059.001 PowerShell\r\n") != NULL,
	    "%s", out);
	ck_assert_msg(
	    strstr(out, "\nICS-Attack/mitigations/Antivirus\xef\xbc\x8f"
	                "Antimalware.md,,duplicate,M1049,\"also described by "
	                "Enterprise-Attack/mitigations/Antivirus\xef\xbc\x8f"
	                "Antimalware.md, Mobile-Attack/mitigations/"
	                "Antivirus\xef\xbc\x8f" "Antimalware.md\"\r\n") != NULL,
	    "%s", out);
	/* '／' read as '/': the name is the release's. */
	ck_assert_ptr_null(strstr(out, "renamed,M1049"));
	free(out);
	free(args);
	free(vault);
}
END_TEST

Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *tc = tcase_create("formats");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_format2_generator);
	tcase_add_test(tc, test_format3_prefixed_tags);
	tcase_add_test(tc, test_format4_callouts);
	tcase_add_test(tc, test_format5_hand_made);
	tcase_add_test(tc, test_odd_input);
	tcase_add_test(tc, test_odd_input_vault_check);
	suite_add_tcase(s, tc);
	return s;
}
