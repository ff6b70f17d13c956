/* tests/tests.h: one Suite builder per module, plus shared helpers. */
#ifndef TESTS_H
#define TESTS_H

#include <check.h>
#include <stddef.h>

Suite *util_suite(void);
Suite *stix_suite(void);
Suite *attack_suite(void);
Suite *cli_suite(void);
Suite *detection_suite(void);
Suite *coverage_suite(void);
Suite *cgi_suite(void);
Suite *html_suite(void);
Suite *http_suite(void);
Suite *app_suite(void);
Suite *pages_suite(void);
Suite *serve_suite(void);
Suite *vaultfile_suite(void);
Suite *vaultnote_suite(void);
Suite *vault_suite(void);
Suite *attackid_suite(void);
Suite *frontmatter_suite(void);
Suite *markdown_suite(void);
Suite *note_suite(void);
Suite *notedir_suite(void);
Suite *notestore_suite(void);
Suite *formats_suite(void);
Suite *gitrepo_suite(void);
Suite *diff_suite(void);
Suite *obsidian_suite(void);
Suite *roundtrip_suite(void);
Suite *hostile_suite(void);

/* Fixture path relative to tests/ (the runner's working folder). */
#define FIXTURE(name) "fixtures/" name

/* For end-to-end tests of the binary: *bin from $ATTACKKB (set by make
 * check), a new temporary *dir and *db = dir/attack.db in it. The
 * teardown removes the folder and frees both strings. */
void test_cli_setup(char **dir, char **db, char **bin);
void test_cli_teardown(char *dir, char *db);

/* A fresh temporary folder under build/; the caller frees the string. */
char *test_tmpdir(void);
/* Remove a folder tree made by test_tmpdir(). */
void test_rmtree(const char *path);
/* Read a whole file; aborts the test on failure. The caller frees. */
char *test_slurp(const char *path, size_t *len);
/* Run a shell command, capture stdout (caller frees) and return the exit status. */
int test_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
