/* tests/check_vaultfile.c: safe note file names and unique name sets. */
#include "export/vaultfile.h"
#include "kb/error.h"
#include "kb/xalloc.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Assert vaultfile_safe_name(id, name) is exactly want. */
static void check_name(const char *id, const char *name, const char *want)
{
	char *got = vaultfile_safe_name(id, name);

	ck_assert_msg(strcmp(got, want) == 0,
		      "safe_name(%s, %s) = \"%s\", "
		      "want \"%s\"",
		      id ? id : "NULL", name ? name : "NULL", got, want);
	free(got);
}

/* Is s valid UTF-8 (no overlongs, surrogates or > U+10FFFF)? */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80             ? 1
			: (*p & 0xe0) == 0xc0 ? 2
			: (*p & 0xf0) == 0xe0 ? 3
			: (*p & 0xf8) == 0xf0 ? 4
					      : 0;

		if (n == 0 || (n == 2 && *p < 0xc2))
			return 0;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* Is name valid on Windows, macOS and Linux and in wikilinks? */
static void check_portable(const char *name)
{
	size_t n = strlen(name);

	ck_assert_uint_le(n, VAULTFILE_NAME_MAX);
	ck_assert_msg(valid_utf8(name), "not UTF-8: %s", name);
	ck_assert_msg(name[0] != '.' && name[0] != ' ', "lead: %s", name);
	ck_assert(n > 3 && strcmp(name + n - 3, ".md") == 0);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		ck_assert_msg(*p >= 0x20 && *p != 0x7f, "control in %s", name);
		ck_assert_msg(!strchr("/\\:*?\"<>|#^[]", *p), "bad %c in %s",
			      *p, name);
	}
	ck_assert(name[n - 4] != '.' && name[n - 4] != ' ');
}

START_TEST(test_safe_name_plain)
{
	check_name("T1136", "Create Account", "T1136 Create Account.md");
	check_name("T1136.001", "Local Account", "T1136.001 Local Account.md");
	check_name("T1136", NULL, "T1136.md");
	check_name(NULL, "Cobalt Strike", "Cobalt Strike.md");
	check_name("", "", "unnamed.md");
	check_name(NULL, NULL, "unnamed.md");
	check_name("G0007", "APT28  (Fancy   Bear)",
		   "G0007 APT28 (Fancy Bear).md");
	check_name("T1546.004", ".bash_profile and .bashrc",
		   "T1546.004 .bash_profile and .bashrc.md");
}
END_TEST

START_TEST(test_safe_name_each_forbidden_char)
{
	const char *bad = "/\\:*?\"<>|#^[]";

	for (const char *c = bad; *c; c++) {
		char name[8], *got;

		snprintf(name, sizeof(name), "a%cb", *c);
		got = vaultfile_safe_name("T1", name);
		ck_assert_msg(strcmp(got, "T1 a-b.md") == 0, "%c -> %s", *c,
			      got);
		check_portable(got);
		free(got);
	}
	check_name("T1", "a/b", "T1 a-b.md");
	check_name("T1", "C:\\Windows\\*.exe", "T1 C--Windows--.exe.md");
	check_name("T1", "[[Link|alias]]#^block",
		   "T1 --Link-alias----block.md");
}
END_TEST

START_TEST(test_safe_name_control_and_invalid_bytes)
{
	check_name("T1",
		   "a\tb\nc\x01"
		   "d\x7f"
		   "e\x1f",
		   "T1 a b c d e.md");
	check_name("T1", "a\r\n\r\nb", "T1 a b.md");
	/* U+0085 (NEL, a C1 control) and U+00E9 (kept). */
	check_name("T1",
		   "a\xc2\x85"
		   "b\xc3\xa9",
		   "T1 a b\xc3\xa9.md");
	/* A stray byte, an overlong '/', a surrogate, a cut sequence. */
	check_name("T1",
		   "a\xff"
		   "b",
		   "T1 a-b.md");
	check_name("T1",
		   "a\xc0\xaf"
		   "b",
		   "T1 a--b.md");
	check_name("T1",
		   "a\xed\xa0\x80"
		   "b",
		   "T1 a---b.md");
	check_name("T1", "ab\xe2\x82", "T1 ab--.md");
}
END_TEST

START_TEST(test_safe_name_dots_and_spaces)
{
	check_name(NULL, "..", "unnamed.md");
	check_name("T1", "..", "T1.md");
	check_name(NULL, "../../etc/passwd", "-..-etc-passwd.md");
	check_name("T1", "../../etc/passwd", "T1 ..-..-etc-passwd.md");
	check_name(NULL, ".hidden", "hidden.md");
	check_name(NULL, " . .x", "x.md");
	check_name("T1", "name. . ", "T1 name.md");
	check_name("T1", "name...", "T1 name.md");
	check_name(NULL, "   ", "unnamed.md");
}
END_TEST

START_TEST(test_safe_name_windows_devices)
{
	check_name(NULL, "CON", "CON_.md");
	check_name(NULL, "con.md", "con_.md.md");
	check_name(NULL, "LPT1", "LPT1_.md");
	check_name("", "nul.tar.gz", "nul_.tar.gz.md");
	check_name(NULL, "Aux", "Aux_.md");
	check_name(NULL, "com9", "com9_.md");
	check_name(NULL, "COM\xc2\xb9", "COM\xc2\xb9_.md");
	check_name(NULL, "CONIN$", "CONIN$_.md");
	check_name("PRN", NULL, "PRN_.md");
	check_name(NULL, "CON .txt", "CON _.txt.md");
	/* Not devices. */
	check_name(NULL, "CONSOLE", "CONSOLE.md");
	check_name(NULL, "COM10", "COM10.md");
	check_name(NULL, "LPT0", "LPT0.md");
	check_name("T1", "CON", "T1 CON.md");
}
END_TEST

START_TEST(test_safe_name_cut_utf8)
{
	char name[400], *got;
	size_t n = 0;

	/* 150 x U+00E9 (2 bytes): 300 bytes. */
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "\xc3\xa9");
	ck_assert_uint_eq(strlen(name), 300);
	got = vaultfile_safe_name("T1136", name);
	check_portable(got);
	/* Stem budget 239 = "T1136 " (6) + 233, cut down to 232 (116 chars). */
	ck_assert_uint_eq(strlen(got), 6 + 232 + 3);
	ck_assert(strncmp(got, "T1136 \xc3\xa9", 8) == 0);
	ck_assert_str_eq(got + strlen(got) - 5, "\xc3\xa9.md");
	free(got);

	/* 100 x U+20AC (3 bytes) behind an ID: 239 - 6 = 233 = 77*3 + 2. */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n,
				      "\xe2\x82\xac");
	got = vaultfile_safe_name("T1136", name);
	check_portable(got);
	ck_assert_uint_eq(strlen(got), 6 + 77 * 3 + 3);
	free(got);

	/* 300 x 'a' with a suffix: still fits, suffix and extension kept. */
	memset(name, 'a', 300);
	name[300] = '\0';
	got = vaultfile_safe_name_suffix("T1", name, " (12)");
	check_portable(got);
	ck_assert_uint_eq(strlen(got), VAULTFILE_SAFE_MAX);
	ck_assert_str_eq(got + strlen(got) - 8, " (12).md");
	free(got);

	/* A cut that leaves a trailing space or dot trims it. */
	memset(name, 'a', 300);
	name[234] = ' ';
	name[235] = '.';
	got = vaultfile_safe_name("T1", name);
	check_portable(got);
	ck_assert_uint_eq(strlen(got), 3 + 234 + 3);
	free(got);
}
END_TEST

START_TEST(test_conflict_names)
{
	char name[300], *safe, *c;

	c = vaultfile_conflict_name("T1 A.md");
	ck_assert_str_eq(c, "T1 A.attackkb-new.md");
	ck_assert(vaultfile_is_conflict_name(c));
	ck_assert(vaultfile_is_conflict_name("x.ATTACKKB-NEW.MD"));
	ck_assert(!vaultfile_is_conflict_name("T1 A.md"));
	free(c);
	/* The longest safe name still has a valid conflict name. */
	memset(name, 'x', 299);
	name[299] = '\0';
	safe = vaultfile_safe_name("T1", name);
	c = vaultfile_conflict_name(safe);
	ck_assert_uint_eq(strlen(c), VAULTFILE_NAME_MAX);
	free(c);
	free(safe);
	/* A name that looks like a conflict file is changed. */
	check_name(NULL, "x.attackkb-new", "x-attackkb-new.md");
	check_name("T1", "X.AttackKB-New", "T1 X-AttackKB-New.md");
}
END_TEST

START_TEST(test_valid_name)
{
	static const char *const good[] = {"Techniques", "T1 A.md", "a.b",
					   "\xc3\xa9t\xc3\xa9", "CONSOLE"};
	static const char *const bad[] = {"",
					  ".",
					  "..",
					  ".x",
					  " x",
					  "x.",
					  "x ",
					  "a/b",
					  "a:b",
					  "a#b",
					  "a\tb",
					  "a\xc2\x85"
					  "b",
					  "a\xff",
					  "CON",
					  "con.md",
					  "LPT1.x"};
	char longname[257];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(vaultfile_valid_name(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!vaultfile_valid_name(bad[i]), "%s", bad[i]);
	memset(longname, 'x', 256);
	longname[256] = '\0';
	ck_assert(!vaultfile_valid_name(longname));
	longname[255] = '\0';
	ck_assert(vaultfile_valid_name(longname));
}
END_TEST

/* Fill a set with clashing objects, in the order given by perm. */
static vaultfile_names *make_set(const int *perm)
{
	static const char *const obj[][3] = {
	    {"attack-pattern--1", "T1", "Create Account"},
	    {"attack-pattern--2", "T1", "create account"},
	    {"attack-pattern--3", "T1", "a/b"},
	    {"attack-pattern--4", "T1", "a:b"},
	    {"attack-pattern--5", "T1", "Create Account (2)"},
	    {"attack-pattern--6", "T2", "Other"},
	    {"attack-pattern--7", NULL, "CON"},
	    {"attack-pattern--8", NULL, "con"},
	};
	vaultfile_names *set = vaultfile_names_new();

	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(vaultfile_names_add(set, obj[perm[i]][0],
						     obj[perm[i]][1],
						     obj[perm[i]][2]),
				 0);
	vaultfile_names_resolve(set);
	return set;
}

START_TEST(test_names_unique_and_order_independent)
{
	static const int fwd[] = {0, 1, 2, 3, 4, 5, 6, 7};
	static const int rev[] = {7, 6, 5, 4, 3, 2, 1, 0};
	vaultfile_names *a = make_set(fwd), *b = make_set(rev);
	static const char *const want[][2] = {
	    {"attack-pattern--1", "T1 Create Account.md"},
	    {"attack-pattern--2", "T1 create account (3).md"},
	    {"attack-pattern--3", "T1 a-b.md"},
	    {"attack-pattern--4", "T1 a-b (2).md"},
	    {"attack-pattern--5", "T1 Create Account (2).md"},
	    {"attack-pattern--6", "T2 Other.md"},
	    {"attack-pattern--7", "CON_.md"},
	    {"attack-pattern--8", "con_ (2).md"},
	};

	for (int i = 0; i < 8; i++) {
		const char *got = vaultfile_names_get(a, want[i][0]);

		ck_assert_msg(got && strcmp(got, want[i][1]) == 0,
			      "%s -> %s, want %s", want[i][0], got, want[i][1]);
		ck_assert_str_eq(vaultfile_names_get(b, want[i][0]), got);
		check_portable(got);
		for (int j = 0; j < i; j++) {
			char *x = vaultfile_fold(got);
			char *y =
			    vaultfile_fold(vaultfile_names_get(a, want[j][0]));

			ck_assert_str_ne(x, y);
			free(x);
			free(y);
		}
	}
	ck_assert_str_eq(vaultfile_names_link(a, "attack-pattern--1"),
			 "T1 Create Account");
	ck_assert_ptr_null(vaultfile_names_get(a, "attack-pattern--9"));
	ck_assert_int_eq(vaultfile_names_add(a, "late", "T9", "x"), KB_EUSAGE);
	vaultfile_names_free(a);
	vaultfile_names_free(b);
}
END_TEST

START_TEST(test_names_rejects_bad_keys)
{
	vaultfile_names *set = vaultfile_names_new();

	ck_assert_int_eq(vaultfile_names_add(set, "k", "T1", "a"), 0);
	ck_assert_int_eq(vaultfile_names_add(set, "k", "T2", "b"), KB_EUSAGE);
	ck_assert_int_eq(vaultfile_names_add(set, "", "T2", "b"), KB_EUSAGE);
	ck_assert_int_eq(vaultfile_names_add(set, NULL, "T2", "b"), KB_EUSAGE);
	ck_assert_ptr_null(vaultfile_names_get(set, "k"));
	vaultfile_names_resolve(set);
	ck_assert_str_eq(vaultfile_names_get(set, "k"), "T1 a.md");
	vaultfile_names_free(set);
	vaultfile_names_free(NULL);
}
END_TEST

Suite *vaultfile_suite(void)
{
	Suite *s = suite_create("vaultfile");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_safe_name_plain);
	tcase_add_test(tc, test_safe_name_each_forbidden_char);
	tcase_add_test(tc, test_safe_name_control_and_invalid_bytes);
	tcase_add_test(tc, test_safe_name_dots_and_spaces);
	tcase_add_test(tc, test_safe_name_windows_devices);
	tcase_add_test(tc, test_safe_name_cut_utf8);
	tcase_add_test(tc, test_conflict_names);
	tcase_add_test(tc, test_valid_name);
	tcase_add_test(tc, test_names_unique_and_order_independent);
	tcase_add_test(tc, test_names_rejects_bad_keys);
	suite_add_tcase(s, tc);
	return s;
}
