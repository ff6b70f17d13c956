/* tests/check_note.c: notes as records: the real seed notes, Obsidian's
 * property conventions, where the ATT&CK ID comes from, and errors. */
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/xalloc.h"
#include "parser/note.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

#define SEED_ROOT "fixtures/notes/seed-vault"
#define SEED_DIR                                                               \
	"CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/"           \
	"Attacking-Frameworks/MITRE ATT&CK/ICS-Attack/"

static note *seed(const char *rel)
{
	note *n = NULL;
	int rc = note_parse_file(&n, SEED_ROOT, rel);

	ck_assert_msg(rc == 0, "%s", kb_error_last());
	return n;
}

static note *parse(const char *path, const char *text)
{
	note *n = NULL;
	int rc = note_parse(&n, path, text, strlen(text));

	ck_assert_msg(rc == 0, "%s", kb_error_last());
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_mention(const note *n, size_t i, const char *id,
                          unsigned line, const char *section)
{
	ck_assert_str_eq(n->mentions[i].attack_id, id);
	ck_assert_uint_eq(n->mentions[i].line, line);
	ck_assert_str_eq(n->mentions[i].section, section);
}

START_TEST(test_note_seed_create_account)
{
	note *n = seed(SEED_DIR "techniques/Create Account.md");

	ck_assert_str_eq(n->path, SEED_DIR "techniques/Create Account.md");
	ck_assert_str_eq(n->title, "Create Account");
	ck_assert_str_eq(n->attack_id, "T1136");
	ck_assert_str_eq(n->kind, "technique");
	ck_assert_uint_eq(n->naliases, 1);
	ck_assert_str_eq(n->aliases[0], "T1136");
	ck_assert_uint_eq(n->ntags, 0);
	ck_assert_uint_eq(n->body_line, 4);
	ck_assert_str_eq(n->description,
	                 "Adversaries may create an account to maintain access "
	                 "to victim systems.(Citation: Symantec WastedLocker "
	                 "June 2020) With a sufficient level of access, "
	                 "creating such accounts may be used to establish "
	                 "secondary credentialed access that do not require "
	                 "persistent remote access tools to be deployed on "
	                 "the system.\n\n"
	                 "Accounts may be created on the local system or "
	                 "within a domain or cloud tenant. In cloud "
	                 "environments, adversaries may create accounts that "
	                 "only have access to specific services, which can "
	                 "reduce the chance of detection.");
	/* 8 wikilinks, 3 reference URLs; IDs from link texts and URLs. */
	ck_assert_uint_eq(n->nlinks, 11);
	ck_assert_ptr_null(n->links[0].attack_id); /* tactics/Persistence */
	ck_assert_str_eq(n->links[1].attack_id, "M1028");
	ck_assert_str_eq(n->links[4].attack_id, "M1032");
	ck_assert_str_eq(n->links[7].attack_id, "T1136.003");
	ck_assert_str_eq(n->links[8].attack_id, "T1136");
	ck_assert_ptr_null(n->links[9].attack_id);
	ck_assert_ptr_eq(n->links[4].md, &n->doc->links[4]);
	ck_assert_int_eq(n->links[4].resolution, NOTE_UNRESOLVED);
	ck_assert_ptr_null(n->links[4].target);
	ck_assert_uint_eq(n->nmentions, 2);
	check_mention(n, 0, "T1136", 5, "T1136");
	check_mention(n, 1, "TA0003", 13, "Tactic");
	ck_assert_uint_eq(n->ncitations, 1);
	ck_assert_str_eq(n->citations[0], "Symantec WastedLocker June 2020");
	ck_assert_uint_eq(n->nrefs, 3);
	ck_assert_str_eq(n->refs[0].name, "mitre-attack");
	ck_assert_str_eq(n->refs[0].url,
	                 "https://attack.mitre.org/techniques/T1136");
	ck_assert_uint_eq(n->refs[0].line, 50);
	ck_assert_str_eq(n->refs[2].name, "Symantec WastedLocker June 2020");
	note_free(n);
}
END_TEST

START_TEST(test_note_seed_others)
{
	note *n = seed(SEED_DIR "techniques/Local Account.md");

	ck_assert_str_eq(n->attack_id, "T1136.001");
	ck_assert_str_eq(n->kind, "subtechnique");
	ck_assert_uint_eq(n->nlinks, 8);
	/* [Network Device CLI](https://attack.mitre.org/techniques/T1059/008)
	 */
	ck_assert_int_eq(n->links[0].md->kind, MARKDOWN_LINK_URL);
	ck_assert_str_eq(n->links[0].attack_id, "T1059.008");
	ck_assert_str_eq(n->links[4].attack_id, "T1136.001");
	ck_assert_uint_eq(n->nmentions, 2);
	check_mention(n, 0, "T1136.001", 5, "T1136.001");
	check_mention(n, 1, "TA0003", 15, "Tactic");
	ck_assert_uint_eq(n->ncitations, 2);
	ck_assert_str_eq(n->citations[1],
	                 "Kubernetes Service Accounts Security");
	ck_assert_uint_eq(n->nrefs, 4);
	ck_assert_str_eq(n->refs[1].name, "cisco_username_cmd");
	note_free(n);

	n = seed(SEED_DIR "groups/APT1.md");
	ck_assert_str_eq(n->attack_id, "G0006");
	ck_assert_str_eq(n->kind, "group");
	ck_assert_uint_eq(n->naliases, 4);
	ck_assert_str_eq(n->aliases[0], "APT1");
	ck_assert_str_eq(n->aliases[3], "Comment Panda");
	/* 24 wikilinks, 26 [APT1](https://attack.mitre.org/groups/G0006)... */
	ck_assert_uint_eq(n->nlinks, 50);
	ck_assert_uint_eq(n->nmentions, 1);
	check_mention(n, 0, "G0006", 5, "G0006");
	ck_assert_uint_eq(n->ncitations, 3);
	ck_assert_str_eq(n->citations[2], "FireEye PLA");
	ck_assert_uint_eq(n->nrefs, 0);
	note_free(n);

	n = seed(SEED_DIR "mitigations/Operating System Configuration.md");
	ck_assert_str_eq(n->attack_id, "M1028");
	ck_assert_str_eq(n->kind, "mitigation");
	ck_assert_uint_eq(n->nlinks, 52);
	ck_assert_uint_eq(n->nmentions, 1);
	ck_assert_uint_eq(n->ncitations, 19);
	ck_assert_str_eq(n->citations[0],
	                 "Apple Developer Doco Hardened Runtime");
	ck_assert_str_eq(n->description,
	                 "Make configuration changes related to the operating "
	                 "system or a common feature of the operating system "
	                 "that result in system hardening against techniques.");
	note_free(n);

	n = seed(SEED_DIR "tactics/Persistence.md");
	ck_assert_str_eq(n->attack_id, "TA0003");
	ck_assert_str_eq(n->kind, "tactic");
	ck_assert_uint_eq(n->nlinks, 1);
	ck_assert_str_eq(n->links[0].attack_id, "TA0003");
	ck_assert_uint_eq(n->nrefs, 1);
	ck_assert_uint_eq(n->refs[0].line, 13);
	ck_assert(starts_with(n->description,
	                      "The adversary is trying to maintain their "
	                      "foothold.\n\nPersistence consists of"));
	note_free(n);
}
END_TEST

START_TEST(test_note_aliases_and_tags)
{
	note *n = parse("dir/My Note.md",
	                "---\n"
	                "Aliases: [T1136, \"Create, Account\", T1136]\n"
	                "alias: \"one, two ,, three\"\n"
	                "TAGS: \"#a, b  c\"\n"
	                "tag:\n"
	                "  - \"#d e\"\n"
	                "  - A\n"
	                "  - ~\n"
	                "other: [x]\n"
	                "---\n"
	                "# Title #B #a\n");
	static const char *const aliases[] = {"T1136", "Create, Account", "one",
	                                      "two", "three"};
	static const char *const tags[] = {"a", "b", "c", "d", "e"};

	ck_assert_str_eq(n->title, "My Note");
	ck_assert_uint_eq(n->naliases, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(n->aliases[i], aliases[i]);
	ck_assert_uint_eq(n->ntags, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(n->tags[i], tags[i]);
	/* No frontmatter ID, title or heading: the first alias that is one. */
	ck_assert_str_eq(n->attack_id, "T1136");
	ck_assert_str_eq(n->description, "");
	note_free(n);
}
END_TEST

START_TEST(test_note_id_sources)
{
	static const struct {
		const char *path, *text, *id;
	} cases[] = {
	    {"G0006.md", "---\nattack_id: T1136\nalias: S0002\n---\n## M1028\n",
	     "T1136"},
	    {"G0006.md", "---\nATTACK-ID: ' T1136 '\n---\n", "T1136"},
	    {"x.md", "---\nid: G0006\nalias: S0002\n---\n## M1028\n", "G0006"},
	    /* The order: aliases, a frontmatter URL, a callout's
	     * "ID:", a heading, the file name. */
	    {"G0006.md", "---\nid: 20240101\nalias: S0002\n---\n## M1028\n",
	     "S0002"},
	    {"G0006.md", "---\nid: 20240101\n---\n", "G0006"},
	    {"T1087.001.md", "## M1028\n", "M1028"},
	    {"T1087.001.md", "## Notes\n", "T1087.001"},
	    {"x.md", "---\nalias: M1028\n---\n## TA0003\n", "M1028"},
	    {"x.md", "---\nmitre-attack: https://attack.mitre.org/techniques/"
	     "T1059/008\n---\n## T1136\n", "T1059.008"},
	    {"x.md", "> [!info]\n> ID: T1003.001\n> Tactic: Credential Access"
	     "\n\n## T1136\n", "T1003.001"},
	    {"LSASS Memory - T1003.001.md", "text\n", "T1003.001"},
	    {"T1136-Create_Account.md", "text\n", "T1136"},
	    {"T1566- Phishing.md", "text\n", "T1566"},
	    {"Phishing T1566x.md", "text\n", NULL},
	    {"x.md", "---\nalias: M1028\n---\n# Notes\n## T1059\n", "M1028"},
	    {"x.md", "---\nattack_id: ~\nalias: [x, M1028]\n---\n", "M1028"},
	    {"x.md", "# T1059 notes\nT1136 and T1059.\n", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		note *n = parse(cases[i].path, cases[i].text);

		if (cases[i].id) {
			ck_assert_msg(n->attack_id != NULL, "case %zu", i);
			ck_assert_str_eq(n->attack_id, cases[i].id);
		} else {
			ck_assert_ptr_null(n->attack_id);
			ck_assert_ptr_null(n->kind);
		}
		note_free(n);
	}
}
END_TEST

START_TEST(test_note_description_citations_references)
{
	note *n = parse("a.md", "Intro\n\n# H\n\nBody\n");

	ck_assert_str_eq(n->description, "Intro");
	note_free(n);
	n = parse("a.md", "# H\n\nP1\n\n- item\n\nP2\n\n## H2\n\nP3\n");
	ck_assert_str_eq(n->description, "P1\n\nP2");
	note_free(n);
	/* Same words, other heading: identity, not text, decides. */
	n = parse("a.md", "# H\n\n# H\n\nP\n");
	ck_assert_str_eq(n->description, "");
	note_free(n);

	n = parse("a.md",
	          "(Citation: Foo (2019)) and (Citation: Bar)(Citation: Foo "
	          "(2019)) `(Citation: Code)` (Citation: unclosed\n"
	          "\n"
	          "## references\n"
	          "- a: b: https://x.org/1\n"
	          "- https://y.org\n"
	          "- not a ref\n"
	          "- name: http://z.org has space\n"
	          "\n"
	          "## Other\n"
	          "- c: https://w.org\n");
	ck_assert_uint_eq(n->ncitations, 2);
	ck_assert_str_eq(n->citations[0], "Foo (2019)");
	ck_assert_str_eq(n->citations[1], "Bar");
	ck_assert_uint_eq(n->nrefs, 2);
	ck_assert_str_eq(n->refs[0].name, "a: b");
	ck_assert_str_eq(n->refs[0].url, "https://x.org/1");
	ck_assert_uint_eq(n->refs[0].line, 4);
	ck_assert_str_eq(n->refs[1].name, "");
	ck_assert_str_eq(n->refs[1].url, "https://y.org");
	note_free(n);
}
END_TEST

START_TEST(test_note_parse_errors)
{
	static const struct {
		const char *text;
		int code;
		const char *msg;
	} bad[] = {
	    {"---\naliases: {a: 1}\n---\n", KB_EPARSE,
	     "n.md:2:10: 'aliases' must be a text or a list of texts"},
	    {"---\ntags:\n  - [x]\n---\n", KB_EPARSE,
	     "n.md:3:5: 'tags' must be a text or a list of texts"},
	    {"---\nattack_id: T99\n---\n", KB_EPARSE,
	     "n.md:2:12: 'attack_id' is not an ATT&CK ID"},
	    {"---\nattack-id: [T1136]\n---\n", KB_EPARSE,
	     "n.md:2:12: 'attack-id' is not an ATT&CK ID"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		note *n = (void *)1;

		ck_assert_int_eq(
		    note_parse(&n, "n.md", bad[i].text, strlen(bad[i].text)),
		    bad[i].code);
		ck_assert_ptr_null(n);
		ck_assert_str_eq(kb_error_last(), bad[i].msg);
	}
}
END_TEST

START_TEST(test_note_parse_file_errors)
{
	static const char *const outside[] = {"../x.md", "/etc/passwd", "",
	                                      "a/../../x.md", "a/"};
	note *n = (void *)1;

	ck_assert_int_eq(note_parse_file(&n, SEED_ROOT, "nope.md"),
	                 KB_ENOTFOUND);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(kb_error_last(),
	                 SEED_ROOT "/nope.md: No such file or directory");
	ck_assert_int_eq(note_parse_file(&n, SEED_ROOT, "CyberSecurity"),
	                 KB_EIO);
	ck_assert_str_eq(kb_error_last(),
	                 SEED_ROOT "/CyberSecurity: is a directory");
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		char *msg = xasprintf("%s: not a note path inside %s",
		                      outside[i], SEED_ROOT);

		ck_assert_int_eq(note_parse_file(&n, SEED_ROOT, outside[i]),
		                 KB_EUSAGE);
		ck_assert_str_eq(kb_error_last(), msg);
		free(msg);
	}
	/* Messages name the file as opened; the record keeps relpath. */
	{
		char *dir = test_tmpdir(),
		     *file = fsutil_path_join(dir, "b.md");
		char *msg = xasprintf("%s:2:5: mapping values are not allowed "
		                      "in this context",
		                      file);

		ck_assert_int_eq(
		    fsutil_write_atomic(file, "---\nx: a: b\n---\n", 16), 0);
		/* Broken YAML: read without it, with a warning. */
		ck_assert_int_eq(note_parse_file(&n, dir, "b.md"), 0);
		ck_assert_uint_eq(n->nwarnings, 1);
		ck_assert_str_eq(n->warnings[0], msg);
		ck_assert_str_eq(n->path, "b.md");
		note_free(n);
		free(msg);
		free(file);
		test_rmtree(dir);
		free(dir);
	}
}
END_TEST

START_TEST(test_note_file_size_limit)
{
	char *dir = test_tmpdir(), *file = fsutil_path_join(dir, "big.md");
	size_t n = KB_MAX_NOTE_FILE;
	char *text = malloc(n + 1), *msg;
	note *nt;

	memset(text, 'x', n + 1);
	text[n - 1] = '\n';
	ck_assert_int_eq(fsutil_write_atomic(file, text, n), 0);
	ck_assert_int_eq(note_parse_file(&nt, dir, "big.md"), 0);
	ck_assert_str_eq(nt->path, "big.md");
	ck_assert_uint_eq(strlen(nt->description), n - 1);
	note_free(nt);
	ck_assert_int_eq(fsutil_write_atomic(file, text, n + 1), 0);
	ck_assert_int_eq(note_parse_file(&nt, dir, "big.md"), KB_ELIMIT);
	msg = xasprintf("%s: file is 8388609 bytes, more than the limit of "
	                "8388608",
	                file);
	ck_assert_str_eq(kb_error_last(), msg);
	free(msg);
	free(text);
	free(file);
	test_rmtree(dir);
	free(dir);
	note_free(NULL);
}
END_TEST

Suite *note_suite(void)
{
	Suite *s = suite_create("note");
	TCase *tc = tcase_create("note");

	tcase_add_test(tc, test_note_seed_create_account);
	tcase_add_test(tc, test_note_seed_others);
	tcase_add_test(tc, test_note_aliases_and_tags);
	tcase_add_test(tc, test_note_id_sources);
	tcase_add_test(tc, test_note_description_citations_references);
	tcase_add_test(tc, test_note_parse_errors);
	tcase_add_test(tc, test_note_parse_file_errors);
	tcase_add_test(tc, test_note_file_size_limit);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
