/* tests/check_cli.c: the command table's invariants. */
#include "tests.h"
#include "cli/command.h"

#include <string.h>

START_TEST(test_table_sorted_unique_complete)
{
	for (size_t i = 0; kb_commands[i]; i++) {
		const struct kb_command *c = kb_commands[i];

		ck_assert_ptr_nonnull(c->name);
		ck_assert_ptr_nonnull(c->usage);
		ck_assert_ptr_nonnull(c->summary);
		ck_assert_ptr_nonnull(c->run);
		if (kb_commands[i + 1])
			ck_assert_msg(strcmp(c->name, kb_commands[i + 1]->name) <
					      0,
				      "%s before %s", c->name,
				      kb_commands[i + 1]->name);
	}
}
END_TEST

START_TEST(test_find_by_prefix)
{
	ck_assert_str_eq(kb_command_find("show")->name, "show");
	ck_assert_str_eq(kb_command_find("sh")->name, "show");
	ck_assert_ptr_null(kb_command_find("s")); /* search, show, sql, ... */
	ck_assert_ptr_null(kb_command_find("nosuch"));
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_table_sorted_unique_complete);
	tcase_add_test(tc, test_find_by_prefix);
	suite_add_tcase(s, tc);
	return s;
}
