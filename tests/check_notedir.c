/* tests/check_notedir.c: vaults: loading folders, Obsidian link resolution
 * helped by ATT&CK IDs, bad notes, limits. */
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "parser/notedir.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED                                                                   \
	"CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/"           \
	"Attacking-Frameworks/MITRE ATT&CK/ICS-Attack/"

static notedir *load(const char *root, bool keep_going)
{
	notedir_opts opts = NOTEDIR_OPTS_INIT;
	notedir *dir = NULL;
	int rc;

	opts.keep_going = keep_going;
	rc = notedir_load(&dir, root, &opts);
	ck_assert_msg(rc == 0, "%s", kb_error_last());
	return dir;
}

static const note *by_path(const notedir *dir, const char *path)
{
	for (size_t i = 0; i < notedir_count(dir); i++)
		if (strcmp(notedir_note(dir, i)->path, path) == 0)
			return notedir_note(dir, i);
	ck_abort_msg("no note %s", path);
	return NULL;
}

static void check_res(const note_link *l, enum note_resolution res,
                      const char *target)
{
	ck_assert_int_eq(l->resolution, res);
	if (target) {
		ck_assert_ptr_nonnull(l->target);
		ck_assert_str_eq(l->target->path, target);
	} else {
		ck_assert_ptr_null(l->target);
	}
}

START_TEST(test_notedir_seed_vault)
{
	notedir *dir = load("fixtures/notes/seed-vault", false);
	static const char *const paths[] = {
	    SEED "groups/APT1.md",
	    SEED "mitigations/Operating System Configuration.md",
	    SEED "tactics/Persistence.md",
	    SEED "techniques/Create Account.md",
	    SEED "techniques/Local Account.md",
	};
	size_t counts[5] = {0}, total = 0;
	const note *n;

	ck_assert_uint_eq(notedir_count(dir), 5);
	ck_assert_uint_eq(notedir_problem_count(dir), 0);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(notedir_note(dir, i)->path, paths[i]);
	ck_assert_ptr_null(notedir_note(dir, 5));
	for (size_t i = 0; i < 5; i++) {
		n = notedir_note(dir, i);
		for (size_t j = 0; j < n->nlinks; j++, total++)
			counts[n->links[j].resolution]++;
	}
	/* 122 links; 7 lead to one of the five notes (found with Python
	 * over the raw files): 5 as named, 2 to "Local Account" (T1136.001)
	 * with the text T1087.001, Account Discovery's Local Account. */
	ck_assert_uint_eq(total, 122);
	ck_assert_uint_eq(counts[NOTE_BY_PATH], 5);
	ck_assert_uint_eq(counts[NOTE_ID_MISMATCH], 2);
	ck_assert_uint_eq(counts[NOTE_UNRESOLVED], 115);

	n = by_path(dir, SEED "techniques/Create Account.md");
	check_res(&n->links[0], NOTE_BY_PATH, SEED "tactics/Persistence.md");
	check_res(&n->links[1], NOTE_BY_PATH,
	          SEED "mitigations/Operating System Configuration.md");
	check_res(&n->links[4], NOTE_UNRESOLVED, NULL); /* M1032 */
	check_res(&n->links[5], NOTE_BY_PATH,
	          SEED "techniques/Local Account.md");
	check_res(&n->links[8], NOTE_UNRESOLVED, NULL); /* a web URL */
	n = by_path(dir, SEED "groups/APT1.md");
	for (size_t j = 0; j < n->nlinks; j++) {
		if (n->links[j].resolution == NOTE_UNRESOLVED)
			continue;
		ck_assert_str_eq(n->links[j].attack_id, "T1087.001");
		check_res(&n->links[j], NOTE_ID_MISMATCH,
		          SEED "techniques/Local Account.md");
		ck_assert_str_eq(n->links[j].target->attack_id, "T1136.001");
	}
	notedir_free(dir);
}
END_TEST

#define EA "Enterprise-Attack/"

START_TEST(test_notedir_mixed_vault)
{
	notedir *dir = load("fixtures/notes/mixed-vault", false);
	static const char *const paths[] = {
	    "Analyst/Daily/2024-01-01.md",
	    "Analyst/T1087.001.md",
	    EA "data-sources/Module.md",
	    EA "mitigations/Multi-factor Authentication.md",
	    EA "techniques/Create Account.md",
	    EA "techniques/Local Account.md",
	    EA "techniques/Multi-Factor Authentication.md",
	    "ICS-Attack/data-sources/Module.md",
	};
	const note *n;

	/* .obsidian/ and readme.txt are not notes. */
	ck_assert_uint_eq(notedir_count(dir), 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_str_eq(notedir_note(dir, i)->path, paths[i]);

	n = by_path(dir, "Analyst/Daily/2024-01-01.md");
	ck_assert_uint_eq(n->nlinks, 11);
	check_res(&n->links[0], NOTE_BY_PATH,
	          EA "techniques/Create Account.md");
	check_res(&n->links[1], NOTE_BY_PATH, "Analyst/T1087.001.md");
	ck_assert_str_eq(n->links[1].attack_id, "T1087.001");
	check_res(&n->links[2], NOTE_BY_PATH, "Analyst/Daily/2024-01-01.md");
	ck_assert_int_eq(n->links[3].md->kind, MARKDOWN_LINK_EMBED);
	ck_assert_str_eq(n->links[3].md->fragment, "Mitigations");
	check_res(&n->links[3], NOTE_BY_PATH,
	          EA "techniques/Create Account.md");
	ck_assert_int_eq(n->links[4].md->kind, MARKDOWN_LINK_URL);
	check_res(&n->links[4], NOTE_BY_PATH,
	          EA "techniques/Create Account.md");
	check_res(&n->links[5], NOTE_BY_ID, EA "techniques/Create Account.md");
	check_res(&n->links[6], NOTE_BY_NAME, EA "techniques/Local Account.md");
	check_res(&n->links[7], NOTE_BY_PATH,
	          "ICS-Attack/data-sources/Module.md");
	check_res(&n->links[8], NOTE_BY_ID, EA "data-sources/Module.md");
	check_res(&n->links[9], NOTE_UNRESOLVED, NULL);
	ck_assert_str_eq(n->links[9].attack_id, "T1136.001");
	ck_assert_int_eq(n->links[10].md->kind, MARKDOWN_LINK_IMAGE);
	check_res(&n->links[10], NOTE_UNRESOLVED, NULL);
	ck_assert_ptr_null(n->attack_id);
	ck_assert_uint_eq(n->ntags, 4);
	ck_assert_str_eq(n->tags[0], "daily");
	ck_assert_str_eq(n->tags[1], "triage");
	ck_assert_str_eq(n->tags[2], "todo");
	ck_assert_str_eq(n->tags[3], "done");
	ck_assert_uint_eq(n->nmentions, 1);
	ck_assert_str_eq(n->mentions[0].attack_id, "TA0003");
	ck_assert_uint_eq(n->mentions[0].line, 11);
	ck_assert_uint_eq(n->doc->nitems, 2);
	ck_assert_str_eq(n->doc->items[0].text,
	                 "Is [[not a link]] escaped? #todo");

	n = by_path(dir, EA "techniques/Create Account.md");
	ck_assert_uint_eq(n->naliases, 2);
	ck_assert_uint_eq(n->ntags, 2);
	ck_assert_str_eq(n->tags[1], "persistence");
	/* Path to no note, then a path to the technique of the same name:
	 * both go to the mitigation the ID names. */
	check_res(&n->links[0], NOTE_BY_ID,
	          EA "mitigations/Multi-factor Authentication.md");
	check_res(&n->links[1], NOTE_BY_ID,
	          EA "mitigations/Multi-factor Authentication.md");
	check_res(&n->links[2], NOTE_BY_PATH, EA "techniques/Local Account.md");

	n = by_path(dir, "Analyst/T1087.001.md");
	ck_assert_str_eq(n->attack_id, "T1087.001");
	ck_assert_uint_eq(n->nmentions, 1);
	ck_assert_str_eq(n->mentions[0].attack_id, "T1136.001");
	check_res(&n->links[0], NOTE_BY_PATH,
	          EA "techniques/Create Account.md");

	n = by_path(dir, EA "techniques/Local Account.md");
	check_res(&n->links[0], NOTE_UNRESOLVED, NULL);
	notedir_free(dir);
}
END_TEST

START_TEST(test_notedir_find)
{
	notedir *dir = load("fixtures/notes/mixed-vault", false);
	static const struct {
		const char *link, *from, *found;
	} cases[] = {
	    {"create account", NULL, EA "techniques/Create Account.md"},
	    {"enterprise-attack/TECHNIQUES/create account.md", NULL,
	     EA "techniques/Create Account.md"},
	    {"/Analyst/T1087.001", NULL, "Analyst/T1087.001.md"},
	    {"Module", "ICS-Attack/x.md", "ICS-Attack/data-sources/Module.md"},
	    {"Module", EA "data-sources/x.md", EA "data-sources/Module.md"},
	    {"data-sources/Module", EA "x.md", EA "data-sources/Module.md"},
	    {"../T1087.001", "Analyst/Daily/x.md", "Analyst/T1087.001.md"},
	    {"./2024-01-01", "Analyst/Daily/x.md",
	     "Analyst/Daily/2024-01-01.md"},
	    {"./Module", "Analyst/x.md", NULL},
	    {"../../../x", "a.md", NULL},
	    {"", "a.md", NULL},
	    {"odule", NULL, NULL},
	    {"ata-sources/Module", NULL, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const note *n = notedir_find(dir, cases[i].link, cases[i].from);

		if (!cases[i].found) {
			ck_assert_msg(n == NULL, "%s", cases[i].link);
			continue;
		}
		ck_assert_msg(n != NULL, "%s", cases[i].link);
		ck_assert_str_eq(n->path, cases[i].found);
	}
	notedir_free(dir);
}
END_TEST

static note *mk(const char *path, const char *text)
{
	note *n;

	ck_assert_int_eq(note_parse(&n, path, text, strlen(text)), 0);
	return n;
}

START_TEST(test_notedir_add_and_resolve)
{
	notedir *dir = notedir_new();
	const note *src;

	ck_assert_int_eq(
	    notedir_add(dir, mk("z.md", "[[a]] [[A]] [[b|T1136]]")), 0);
	ck_assert_int_eq(notedir_add(dir, mk("a.md", "x")), 0);
	ck_assert_int_eq(notedir_add(dir, mk("A.md", "x")), 0);
	ck_assert_int_eq(notedir_add(dir, mk("a.md", "again")), KB_EEXISTS);
	ck_assert_str_eq(kb_error_last(), "a.md: note added twice");
	ck_assert_ptr_null(notedir_find(dir, "a", NULL)); /* not resolved */
	notedir_resolve(dir);
	ck_assert_str_eq(notedir_note(dir, 0)->path, "A.md");
	src = notedir_note(dir, 2);
	ck_assert_str_eq(src->path, "z.md");
	/* Same name but for case: the spelling of the link wins. */
	check_res(&src->links[0], NOTE_BY_PATH, "a.md");
	check_res(&src->links[1], NOTE_BY_PATH, "A.md");
	check_res(&src->links[2], NOTE_UNRESOLVED, NULL);
	/* A later note about T1136 is found by a second resolve. */
	ck_assert_int_eq(notedir_add(dir, mk("sub/T1136.md", "x")), 0);
	notedir_resolve(dir);
	src = notedir_note(dir, 3);
	ck_assert_str_eq(src->path, "z.md");
	check_res(&src->links[2], NOTE_BY_ID, "sub/T1136.md");
	ck_assert_uint_eq(notedir_problem_count(dir), 0);
	ck_assert_ptr_null(notedir_problem_get(dir, 0));
	notedir_free(dir);
	notedir_free(NULL);
}
END_TEST

START_TEST(test_notedir_bad_notes)
{
	notedir *dir = (void *)1;
	const notedir_problem *p;

	/* Broken or unclosed frontmatter: the notes are read, each with a
	 * warning. */
	ck_assert_int_eq(notedir_load(&dir, "fixtures/notes/bad-vault", NULL),
	                 0);
	ck_assert_uint_eq(notedir_count(dir), 4);
	ck_assert_uint_eq(notedir_problem_count(dir), 0);
	ck_assert_str_eq(notedir_note(dir, 0)->path, "a-unclosed.md");
	ck_assert_uint_eq(notedir_note(dir, 0)->nwarnings, 1);
	ck_assert_str_eq(notedir_note(dir, 0)->warnings[0],
	                 "fixtures/notes/bad-vault/a-unclosed.md:1:1: "
	                 "frontmatter is not closed: no '---' line after the "
	                 "opening one");
	ck_assert_str_eq(notedir_note(dir, 1)->path, "b-good.md");
	ck_assert_uint_eq(notedir_note(dir, 1)->nwarnings, 0);
	p = NULL;
	ck_assert_str_eq(notedir_note(dir, 2)->path, "c-tabs.md");
	ck_assert_uint_eq(notedir_note(dir, 2)->nwarnings, 1);
	ck_assert_str_eq(notedir_note(dir, 2)->warnings[0],
	                 "fixtures/notes/bad-vault/c-tabs.md:3:1: found "
	                 "character that cannot start any token (while "
	                 "scanning for the next token at line 3)");
	ck_assert_str_eq(notedir_note(dir, 3)->path, "sub/d-good.md");
	check_res(&notedir_note(dir, 3)->links[0], NOTE_BY_PATH, "b-good.md");
	(void)p;
	notedir_free(dir);
}
END_TEST

START_TEST(test_notedir_root_errors)
{
	notedir *dir = (void *)1;

	ck_assert_int_eq(notedir_load(&dir, "fixtures/notes/nope", NULL),
	                 KB_ENOTFOUND);
	ck_assert_ptr_null(dir);
	ck_assert_str_eq(kb_error_last(),
	                 "fixtures/notes/nope: No such file or directory");
	ck_assert_int_eq(notedir_load(&dir, "fixtures/notes/README.md", NULL),
	                 KB_EIO);
	ck_assert_str_eq(kb_error_last(),
	                 "fixtures/notes/README.md: not a folder");
}
END_TEST

START_TEST(test_notedir_skips_links_and_hidden)
{
	char *root = test_tmpdir(), *p;
	notedir *dir;

	p = fsutil_path_join(root, "real.md");
	ck_assert_int_eq(fsutil_write_atomic(p, "x", 1), 0);
	free(p);
	p = fsutil_path_join(root, "link.md");
	ck_assert_int_eq(symlink("real.md", p), 0);
	free(p);
	p = fsutil_path_join(root, "loop");
	ck_assert_int_eq(symlink(".", p), 0);
	free(p);
	p = fsutil_path_join(root, ".trash");
	ck_assert_int_eq(fsutil_mkdir_p(p), 0);
	free(p);
	p = fsutil_path_join(root, ".trash/old.md");
	ck_assert_int_eq(fsutil_write_atomic(p, "x", 1), 0);
	free(p);
	p = fsutil_path_join(root, "dir.md");
	ck_assert_int_eq(fsutil_mkdir_p(p), 0);
	free(p);
	dir = load(root, false);
	ck_assert_uint_eq(notedir_count(dir), 1);
	ck_assert_str_eq(notedir_note(dir, 0)->path, "real.md");
	notedir_free(dir);
	test_rmtree(root);
	free(root);
}
END_TEST

/* root/a/a/.../a (depth folders) holding deep.md; returns the last folder. */
static char *make_deep(const char *root, unsigned depth)
{
	strbuf sb = STRBUF_INIT;
	char *file;

	strbuf_puts(&sb, root);
	for (unsigned i = 0; i < depth; i++)
		strbuf_puts(&sb, "/a");
	ck_assert_int_eq(fsutil_mkdir_p(sb.ptr), 0);
	file = fsutil_path_join(sb.ptr, "deep.md");
	ck_assert_int_eq(fsutil_write_atomic(file, "# Deep\n", 7), 0);
	free(file);
	return strbuf_detach(&sb);
}

START_TEST(test_notedir_depth_limit)
{
	char *root = test_tmpdir(), *last, *msg;
	notedir *dir;

	free(make_deep(root, KB_MAX_VAULT_DEPTH));
	dir = load(root, false);
	ck_assert_uint_eq(notedir_count(dir), 1);
	ck_assert_uint_eq(strlen(notedir_note(dir, 0)->path),
	                  2 * KB_MAX_VAULT_DEPTH + 7);
	notedir_free(dir);
	last = make_deep(root, KB_MAX_VAULT_DEPTH + 1);
	ck_assert_int_eq(notedir_load(&dir, root, NULL), KB_ELIMIT);
	msg = xasprintf("%s: folders nested deeper than 32 levels", last);
	ck_assert_str_eq(kb_error_last(), msg);
	free(msg);
	free(last);
	test_rmtree(root);
	free(root);
}
END_TEST

START_TEST(test_notedir_note_limit)
{
	notedir *dir = notedir_new();
	char path[32];

	for (unsigned i = 0; i < KB_MAX_VAULT_NOTES; i++) {
		snprintf(path, sizeof(path), "n%u.md", i);
		ck_assert_int_eq(notedir_add(dir, mk(path, "x")), 0);
	}
	ck_assert_uint_eq(notedir_count(dir), KB_MAX_VAULT_NOTES);
	ck_assert_int_eq(notedir_add(dir, mk("extra.md", "x")), KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(),
	                 "extra.md: more than 100000 notes in the vault");
	notedir_resolve(dir);
	ck_assert_str_eq(notedir_note(dir, 0)->path, "n0.md");
	ck_assert_str_eq(notedir_note(dir, 1)->path, "n1.md");
	ck_assert_str_eq(notedir_note(dir, 2)->path, "n10.md");
	notedir_free(dir);
}
END_TEST

Suite *notedir_suite(void)
{
	Suite *s = suite_create("notedir");
	TCase *tc = tcase_create("notedir");

	tcase_add_test(tc, test_notedir_seed_vault);
	tcase_add_test(tc, test_notedir_mixed_vault);
	tcase_add_test(tc, test_notedir_find);
	tcase_add_test(tc, test_notedir_add_and_resolve);
	tcase_add_test(tc, test_notedir_bad_notes);
	tcase_add_test(tc, test_notedir_root_errors);
	tcase_add_test(tc, test_notedir_skips_links_and_hidden);
	tcase_add_test(tc, test_notedir_depth_limit);
	tcase_add_test(tc, test_notedir_note_limit);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
