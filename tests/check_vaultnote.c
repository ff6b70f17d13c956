/* tests/check_vaultnote.c: generated regions and owned properties of a
 * note are found, hashed and replaced; every other byte is kept. */
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/xalloc.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

static const char *const owned[] = {"aliases", "tags", "attack_id", "url",
				    NULL};

#define BEGIN VAULTNOTE_BEGIN "\n"
#define END VAULTNOTE_END "\n"

/* Splice fm/body into text and assert the result is exactly want. */
static void check_splice(const char *text, const char *fm, const char *body,
			 const char *want)
{
	char *out;
	size_t len;

	ck_assert_int_eq(
	    vaultnote_splice(&out, &len, text, strlen(text), fm, body, owned),
	    0);
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_str_eq(out, want);
	free(out);
}

static vaultnote_hashes hashes(const char *text)
{
	vaultnote_hashes h;

	ck_assert_int_eq(vaultnote_hashes_of(&h, text, strlen(text), owned), 0);
	return h;
}

START_TEST(test_render_layout)
{
	char *t = vaultnote_render("attack_id: T1136\ntags:\n  - a\n",
				   "# Create Account\n\nText.");

	ck_assert_str_eq(t, "---\nattack_id: T1136\ntags:\n  - a\n---\n" BEGIN
			    "# Create Account\n\nText.\n" END);
	free(t);
	t = vaultnote_render(NULL, NULL);
	ck_assert_str_eq(t, BEGIN END);
	free(t);
	t = vaultnote_render("", "x");
	ck_assert_str_eq(t, BEGIN "x\n" END);
	free(t);
}
END_TEST

START_TEST(test_splice_keeps_analyst_bytes)
{
	/* The analyst added a property between two generated ones, a
	 * comment, a block scalar with a blank line, text above and below
	 * the region (no final newline), and a trailing space. */
	const char *text = "---\n"
			   "attack_id: T1136\n"
			   "status: reviewed \n"
			   "tags:\n"
			   "  - old\n"
			   "# my comment\n"
			   "summary: |\n"
			   "  line one\n"
			   "\n"
			   "  line two\n"
			   "\n"
			   "url: https://old\n"
			   "---\n"
			   "## My notes above\n"
			   "\n" BEGIN "old body\n" END "\n"
			   "## My notes below\n"
			   "no final newline";
	const char *want = "---\n"
			   "attack_id: T1136\n"
			   "status: reviewed \n"
			   "tags:\n"
			   "  - new\n"
			   "  - more\n"
			   "# my comment\n"
			   "summary: |\n"
			   "  line one\n"
			   "\n"
			   "  line two\n"
			   "\n"
			   "aliases:\n"
			   "- Create Account\n"
			   "---\n"
			   "## My notes above\n"
			   "\n" BEGIN "new body\nline 2\n" END "\n"
			   "## My notes below\n"
			   "no final newline";
	vaultnote_hashes a, b;

	/* url is dropped (no longer generated), aliases is new: it goes
	 * after the last owned property's place. */
	check_splice(text,
		     "attack_id: T1136\ntags:\n  - new\n  - more\n"
		     "aliases:\n- Create Account\n",
		     "new body\nline 2\n", want);
	/* Analyst lines do not count in the hashes. */
	a = hashes(text);
	b = hashes("---\nattack_id: T1136\ntags:\n  - old\nurl: "
		   "https://old\n---\n" BEGIN "old body\n" END);
	ck_assert_uint_eq(a.props, b.props);
	ck_assert_uint_eq(a.region, b.region);
	ck_assert_uint_eq(a.region, vaultnote_hash("old body\n", 9));
}
END_TEST

START_TEST(test_splice_rendered_equals_render)
{
	const char *fm1 = "attack_id: T1\ntags:\n  - x\n", *fm2 = "tags: [y]\n";
	char *t1 = vaultnote_render(fm1, "one\n"),
	     *t2 = vaultnote_render(fm2, "two");

	check_splice(t1, fm2, "two", t2);
	check_splice(t2, fm2, "two", t2);
	/* No frontmatter yet: one is created. */
	check_splice(BEGIN "x\n" END, "tags: [y]", "x",
		     "---\ntags: [y]\n---\n" BEGIN "x\n" END);
	/* No generated properties left: the block stays, emptied. */
	check_splice(t1, NULL, "one\n", "---\n---\n" BEGIN "one\n" END);
	free(t1);
	free(t2);
}
END_TEST

START_TEST(test_crlf_note)
{
	const char *text = "---\r\ntags: [a]\r\nmine: 1\r\n---\r\n"
			   "top\r\n" VAULTNOTE_BEGIN "\r\nold\r\n" VAULTNOTE_END
			   "\r\nbottom\r\n";
	const char *want =
	    "---\r\ntags:\r\n  - b\r\nmine: 1\r\n---\r\n"
	    "top\r\n" VAULTNOTE_BEGIN "\r\nnew\r\n\r\nx\r\n" VAULTNOTE_END
	    "\r\nbottom\r\n";
	vaultnote_hashes a = hashes(text),
			 b = hashes("---\ntags: [a]\n---\n" BEGIN "old\n" END);

	/* Line endings alone are not an edit. */
	ck_assert_uint_eq(a.region, b.region);
	ck_assert_uint_eq(a.props, b.props);
	check_splice(text, "tags:\n  - b\n", "new\n\nx\n", want);
}
END_TEST

START_TEST(test_broken_markers)
{
	vaultnote_hashes h;
	char *out = (char *)"x";
	size_t len = 1;
	const char *none = "just text\n";
	const char *twice = BEGIN "a\n" END BEGIN "b\n" END;
	const char *reversed = END "a\n" BEGIN;
	const char *no_end = BEGIN "a\n";

	ck_assert_int_eq(vaultnote_hashes_of(&h, none, strlen(none), owned),
			 KB_EPARSE);
	ck_assert(strstr(kb_error_last(), "no attackkb region") != NULL);
	ck_assert_int_eq(vaultnote_hashes_of(&h, twice, strlen(twice), owned),
			 KB_EPARSE);
	ck_assert_int_eq(
	    vaultnote_hashes_of(&h, reversed, strlen(reversed), owned),
	    KB_EPARSE);
	ck_assert_int_eq(vaultnote_hashes_of(&h, no_end, strlen(no_end), owned),
			 KB_EPARSE);
	ck_assert_int_eq(vaultnote_splice(&out, &len, twice, strlen(twice),
					  NULL, "b", owned),
			 KB_EPARSE);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	/* Markers are found by prefix and "%%", so their wording may change;
	 * markers inside the frontmatter do not count. */
	{
		const char *odd = "---\n%% attackkb:begin %%\n---\n"
				  "%% attackkb:begin v0 %%\nx\n"
				  "%% attackkb:end, v0 %%\n";

		ck_assert_int_eq(
		    vaultnote_hashes_of(&h, odd, strlen(odd), owned), 0);
		ck_assert_uint_eq(h.region, vaultnote_hash("x\n", 2));
	}
}
END_TEST

START_TEST(test_binary_and_odd_text)
{
	/* A NUL byte in the analyst's part is kept. */
	const char text[] = "a\0b\n" BEGIN "x\n" END "c\0d";
	size_t n = sizeof(text) - 1, len;
	char *out;

	ck_assert_int_eq(
	    vaultnote_splice(&out, &len, text, n, NULL, "y\n", owned), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_mem_eq(out, "a\0b\n" BEGIN "y\n" END "c\0d", n);
	free(out);
	/* An unclosed "---" is not frontmatter. */
	check_splice("---\ntags: a\n" BEGIN "x\n" END, "tags: b", "x",
		     "---\ntags: b\n---\n---\ntags: a\n" BEGIN "x\n" END);
}
END_TEST

START_TEST(test_check_generated)
{
	ck_assert_int_eq(vaultnote_check("tags: [a]\nurl: x\n", "body", owned),
			 0);
	ck_assert_int_eq(vaultnote_check(NULL, NULL, NULL), 0);
	ck_assert_int_eq(vaultnote_check("mine: 1\n", "", owned), KB_EUSAGE);
	ck_assert(strstr(kb_error_last(), "'mine'") != NULL);
	ck_assert_int_eq(vaultnote_check("tags: a\ntags: b\n", "", owned),
			 KB_EUSAGE);
	ck_assert_int_eq(vaultnote_check("# comment\n", "", owned), KB_EUSAGE);
	ck_assert_int_eq(vaultnote_check("tags: a\n---\n", "", owned),
			 KB_EUSAGE);
	ck_assert_int_eq(vaultnote_check("tags: a\n...\n", "", owned),
			 KB_EUSAGE);
	ck_assert_int_eq(vaultnote_check("", "a\n%% attackkb:end %%\n", owned),
			 KB_EUSAGE);
	ck_assert_int_eq(vaultnote_check("", "%% attackkb:begin %%", owned),
			 KB_EUSAGE);
	/* Mentioning a marker inside a line is fine. */
	ck_assert_int_eq(vaultnote_check("", "see %% attackkb:end %%", owned),
			 0);
}
END_TEST

START_TEST(test_hash_is_fnv1a)
{
	/* Published FNV-1a 64 test vectors. */
	ck_assert_uint_eq(vaultnote_hash("", 0), 0xcbf29ce484222325u);
	ck_assert_uint_eq(vaultnote_hash("a", 1), 0xaf63dc4c8601ec8cu);
	ck_assert_uint_eq(vaultnote_hash("foobar", 6), 0x85944171f73967e8u);
	ck_assert_uint_eq(vaultnote_hash("a\r\nb", 4),
			  vaultnote_hash("a\nb", 3));
	ck_assert_uint_ne(vaultnote_hash("a\rb", 3), vaultnote_hash("ab", 2));
}
END_TEST

Suite *vaultnote_suite(void)
{
	Suite *s = suite_create("vaultnote");
	TCase *tc = tcase_create("regions");

	tcase_add_test(tc, test_render_layout);
	tcase_add_test(tc, test_splice_keeps_analyst_bytes);
	tcase_add_test(tc, test_splice_rendered_equals_render);
	tcase_add_test(tc, test_crlf_note);
	tcase_add_test(tc, test_broken_markers);
	tcase_add_test(tc, test_binary_and_odd_text);
	tcase_add_test(tc, test_check_generated);
	tcase_add_test(tc, test_hash_is_fnv1a);
	suite_add_tcase(s, tc);
	return s;
}
