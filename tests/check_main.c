/* tests/check_main.c: one runner over every suite; exit 0 only if all pass.
 * Select with CK_RUN_SUITE=name / CK_RUN_CASE=name; CK_FORK=no for gdb. */
#include "tests.h"

#include <stdlib.h>

int main(void)
{
	Suite *(*suites[])(void) = {
		util_suite,
		stix_suite,
		attack_suite,
		cli_suite,
		detection_suite,
		coverage_suite,
		cgi_suite,
		html_suite,
		http_suite,
		app_suite,
		pages_suite,
		serve_suite,
		vaultfile_suite,
		vaultnote_suite,
		vault_suite,
		attackid_suite,
		frontmatter_suite,
		markdown_suite,
		note_suite,
		notedir_suite,
		notestore_suite,
		formats_suite,
		gitrepo_suite,
		diff_suite,
		obsidian_suite,
		roundtrip_suite,
		hostile_suite,
	};
	SRunner *sr = srunner_create(NULL);
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
