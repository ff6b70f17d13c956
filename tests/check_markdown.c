/* tests/check_markdown.c: Markdown bodies: blocks, Obsidian links, tags,
 * prose and plain text, on hand-written inputs and a real note. */
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "parser/frontmatter.h"
#include "parser/markdown.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

#define SEED_DIR                                                               \
	"fixtures/notes/seed-vault/CyberSecurity/Security+/"                   \
	"1-Threats-Attacks-Vulnerabilities/Attacking-Frameworks/"              \
	"MITRE ATT&CK/ICS-Attack/"

static markdown_doc *parse(const char *text, unsigned first_line)
{
	markdown_doc *doc = NULL;

	ck_assert_int_eq(
	    markdown_parse(&doc, "n.md", text, strlen(text), first_line), 0);
	return doc;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_link(const markdown_link *l, enum markdown_link_kind kind,
                       const char *target, const char *fragment,
                       const char *text, unsigned line)
{
	ck_assert_int_eq(l->kind, kind);
	ck_assert_str_eq(l->target, target);
	if (fragment)
		ck_assert_str_eq(l->fragment, fragment);
	else
		ck_assert_ptr_null(l->fragment);
	if (text)
		ck_assert_str_eq(l->text, text);
	else
		ck_assert_ptr_null(l->text);
	ck_assert_uint_eq(l->line, line);
}

static const char inline_text[] =
    "Intro [[Note A#Head|Shown]] and ![[Pic.png]] and [[#Local]] and "
    "[[]] and [[ | x]].\n"
    "Escaped \\[\\[no]] &#91;[no2]] `[[code]]` <code>[[html]]</code> "
    "[[a*b*c]] [[www.example.com]]\n"
    "Nested [[a [[b]] and unclosed [[c and "
    "[md *link*](https://attack.mitre.org/groups/G0006) "
    "![img](p.png \"t\")\n"
    "Tags: #tag #123 a#b #a/b-c_d \\#esc `#code` #tag2, (#paren) "
    "#\xc3\xbcn\xc3\xaf\n"
    "\n"
    "## Head [[Linked]] #htag\n"
    "\n"
    "Text\n";

START_TEST(test_markdown_links)
{
	markdown_doc *d = parse(inline_text, 10);
	const markdown_link *l = d->links;

	ck_assert_uint_eq(d->nlinks, 9);
	check_link(&l[0], MARKDOWN_LINK_WIKI, "Note A", "Head", "Shown", 10);
	check_link(&l[1], MARKDOWN_LINK_EMBED, "Pic.png", NULL, NULL, 10);
	check_link(&l[2], MARKDOWN_LINK_WIKI, "", "Local", NULL, 10);
	check_link(&l[3], MARKDOWN_LINK_WIKI, "a*b*c", NULL, NULL, 11);
	check_link(&l[4], MARKDOWN_LINK_WIKI, "www.example.com", NULL, NULL,
	           11);
	check_link(&l[5], MARKDOWN_LINK_WIKI, "b", NULL, NULL, 12);
	check_link(&l[6], MARKDOWN_LINK_URL,
	           "https://attack.mitre.org/groups/G0006", NULL, "md link",
	           12);
	check_link(&l[7], MARKDOWN_LINK_IMAGE, "p.png", NULL, "img", 12);
	check_link(&l[8], MARKDOWN_LINK_WIKI, "Linked", NULL, NULL, 15);
	for (size_t i = 0; i < 8; i++) {
		ck_assert_str_eq(l[i].section, "");
		ck_assert_int_eq(l[i].table, -1);
	}
	/* A heading's own links belong to its section. */
	ck_assert_str_eq(l[8].section, "Head Linked #htag");
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_tags)
{
	markdown_doc *d = parse(inline_text, 10);
	static const char *const names[] = {"tag", "a/b-c_d", "tag2",
	                                    "\xc3\xbcn\xc3\xaf", "htag"};
	static const unsigned lines[] = {13, 13, 13, 13, 15};

	ck_assert_uint_eq(d->ntags, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_str_eq(d->tags[i].name, names[i]);
		ck_assert_uint_eq(d->tags[i].line, lines[i]);
	}
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_plain_and_prose)
{
	markdown_doc *d = parse(inline_text, 10);

	ck_assert_uint_eq(d->nparas, 2);
	ck_assert_uint_eq(d->paras[0].line, 10);
	ck_assert_str_eq(d->paras[0].section, "");
	ck_assert_str_eq(d->paras[0].text,
	                 "Intro Shown and Pic.png and Local and [[]] and "
	                 "[[ | x]].\n"
	                 "Escaped [[no]] [[no2]] [[code]] [[html]] a*b*c "
	                 "www.example.com\n"
	                 "Nested [[a b and unclosed [[c and md link img\n"
	                 "Tags: #tag #123 a#b #a/b-c_d #esc #code #tag2, "
	                 "(#paren) #\xc3\xbcn\xc3\xaf");
	ck_assert_uint_eq(d->paras[1].line, 17);
	ck_assert_str_eq(d->paras[1].section, "Head Linked #htag");
	ck_assert_uint_eq(d->nheadings, 1);
	ck_assert_int_eq(d->headings[0].level, 2);
	ck_assert_uint_eq(d->headings[0].line, 15);

	/* Wikilinks leave a space; code and <code> leave nothing. */
	ck_assert_uint_eq(d->nprose, 6);
	ck_assert_str_eq(d->prose[0].text,
	                 "Intro   and   and   and [[]] and [[ | x]].");
	ck_assert_str_eq(d->prose[1].text, "Escaped [[no]] [[no2]] ");
	ck_assert_str_eq(d->prose[2].text,
	                 "Nested [[a   and unclosed [[c and md link img");
	ck_assert_str_eq(d->prose[3].text,
	                 "Tags: #tag #123 a#b #a/b-c_d #esc   #tag2, (#paren) "
	                 "#\xc3\xbcn\xc3\xaf");
	ck_assert_uint_eq(d->prose[3].line, 13);
	ck_assert_str_eq(d->prose[4].text, "Head   #htag");
	ck_assert_str_eq(d->prose[4].section, "Head Linked #htag");
	ck_assert_str_eq(d->prose[5].text, "Text");
	ck_assert_str_eq(d->text,
	                 "Intro Shown and Pic.png and Local and [[]] and "
	                 "[[ | x]].\n"
	                 "Escaped [[no]] [[no2]] [[code]] [[html]] a*b*c "
	                 "www.example.com\n"
	                 "Nested [[a b and unclosed [[c and md link img\n"
	                 "Tags: #tag #123 a#b #a/b-c_d #esc #code #tag2, "
	                 "(#paren) #\xc3\xbcn\xc3\xaf\n"
	                 "Head Linked #htag\n"
	                 "Text\n");
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_code_and_html_hold_nothing)
{
	markdown_doc *d = parse("```text\n[[not a link]] #notatag T9999\n```\n"
	                        "\n"
	                        "<div>\n[[no]] #no<br>x\n</div>\n"
	                        "\n"
	                        "    [[indented code]]\n"
	                        "\n"
	                        "Autolink <https://attack.mitre.org/techniques/"
	                        "T1136/001/> www.example.org/#frag\n",
	                        1);

	ck_assert_uint_eq(d->nlinks, 2);
	check_link(&d->links[0], MARKDOWN_LINK_URL,
	           "https://attack.mitre.org/techniques/T1136/001/", NULL,
	           "https://attack.mitre.org/techniques/T1136/001/", 11);
	check_link(&d->links[1], MARKDOWN_LINK_URL,
	           "http://www.example.org/#frag", NULL,
	           "www.example.org/#frag", 11);
	ck_assert_uint_eq(d->ntags, 0);
	/* An autolink's text is its URL: no prose. */
	ck_assert_uint_eq(d->nprose, 1);
	ck_assert_str_eq(d->prose[0].text, "Autolink  ");
	ck_assert_str_eq(d->text,
	                 "[[not a link]] #notatag T9999\n"
	                 "\n[[no]] #no\nx\n\n"
	                 "[[indented code]]\n"
	                 "Autolink https://attack.mitre.org/techniques/T1136/"
	                 "001/ www.example.org/#frag\n");
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_tables)
{
	markdown_doc *d = parse("# T\n"
	                        "\n"
	                        "| ID | Name |\n"
	                        "| --- | --- |\n"
	                        "| [[p/X\\|M1028]] | a \\| b |\n"
	                        "| only |\n"
	                        "| x | y | surplus |\n",
	                        5);
	const markdown_table *t = d->tables;

	ck_assert_uint_eq(d->ntables, 1);
	ck_assert_uint_eq(t->line, 7);
	ck_assert_str_eq(t->section, "T");
	ck_assert_uint_eq(t->ncols, 2);
	ck_assert_uint_eq(t->nrows, 4);
	ck_assert_str_eq(t->cells[0], "ID");
	ck_assert_str_eq(t->cells[1], "Name");
	ck_assert_str_eq(t->cells[2], "M1028");
	ck_assert_str_eq(t->cells[3], "a | b");
	ck_assert_str_eq(t->cells[4], "only");
	ck_assert_str_eq(t->cells[5], "");
	ck_assert_str_eq(t->cells[6], "x");
	ck_assert_str_eq(t->cells[7], "y");
	ck_assert_uint_eq(d->nlinks, 1);
	check_link(&d->links[0], MARKDOWN_LINK_WIKI, "p/X", NULL, "M1028", 9);
	ck_assert_int_eq(d->links[0].table, 0);
	ck_assert_uint_eq(d->links[0].row, 1);
	ck_assert_uint_eq(d->links[0].col, 0);
	ck_assert_uint_eq(d->nparas, 0);
	ck_assert_str_eq(d->text,
	                 "T\nID | Name\nM1028 | a | b\nonly | \nx | y\n");
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_items)
{
	markdown_doc *d = parse("- one\n"
	                        "  - two [[L]]\n"
	                        "- [ ] open\n"
	                        "- [x] done\n"
	                        "\n"
	                        "  second para\n"
	                        "\n"
	                        "> quoted [[Q]]\n",
	                        1);

	ck_assert_uint_eq(d->nitems, 4);
	ck_assert_str_eq(d->items[0].text, "one");
	ck_assert_uint_eq(d->items[0].depth, 1);
	ck_assert(!d->items[0].task);
	ck_assert_str_eq(d->items[1].text, "two L");
	ck_assert_uint_eq(d->items[1].depth, 2);
	ck_assert_uint_eq(d->items[1].line, 2);
	ck_assert_str_eq(d->items[2].text, "open");
	ck_assert(d->items[2].task);
	ck_assert(!d->items[2].checked);
	ck_assert_str_eq(d->items[3].text, "done\nsecond para");
	ck_assert(d->items[3].task);
	ck_assert(d->items[3].checked);
	ck_assert_uint_eq(d->items[3].line, 4);
	ck_assert_uint_eq(d->nparas, 0); /* list and quote paragraphs */
	ck_assert_uint_eq(d->nlinks, 2);
	check_link(&d->links[1], MARKDOWN_LINK_WIKI, "Q", NULL, NULL, 8);
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_lines_crlf_and_lazy)
{
	/* CRLF, a lazy continuation line, an escape on it, a code span and
	 * an HTML tag running over a line break. */
	markdown_doc *d = parse("> a [[x]]\r\n"
	                        "lazy \\[\\[no]] [[y]]\r\n"
	                        "\r\n"
	                        "p `code\r\nspan` [[z]]\r\n"
	                        "[[w]]\r\n"
	                        "q <span\r\nclass=\"x\"> [[v]]\r\n",
	                        3);

	ck_assert_uint_eq(d->nlinks, 5);
	check_link(&d->links[0], MARKDOWN_LINK_WIKI, "x", NULL, NULL, 3);
	check_link(&d->links[1], MARKDOWN_LINK_WIKI, "y", NULL, NULL, 4);
	check_link(&d->links[2], MARKDOWN_LINK_WIKI, "z", NULL, NULL, 7);
	check_link(&d->links[3], MARKDOWN_LINK_WIKI, "w", NULL, NULL, 8);
	check_link(&d->links[4], MARKDOWN_LINK_WIKI, "v", NULL, NULL, 10);
	markdown_doc_free(d);
}
END_TEST

START_TEST(test_markdown_real_note)
{
	char *text = test_slurp(SEED_DIR "techniques/Create Account.md", NULL);
	frontmatter_span sp;
	markdown_doc *d;
	const markdown_table *t;

	ck_assert_int_eq(frontmatter_split(&sp, "c.md", text, strlen(text)), 0);
	ck_assert_uint_eq(sp.body_line, 4);
	d = parse(text + sp.body_off, sp.body_line);
	ck_assert_uint_eq(d->nheadings, 7);
	ck_assert_str_eq(d->headings[0].text, "T1136");
	ck_assert_uint_eq(d->headings[0].line, 5);
	ck_assert_str_eq(d->headings[4].text, "Mitigations");
	ck_assert_int_eq(d->headings[4].level, 3);
	ck_assert_uint_eq(d->headings[4].line, 29);
	ck_assert_str_eq(d->headings[6].text, "References");
	ck_assert_uint_eq(d->nparas, 2);
	ck_assert_uint_eq(d->paras[1].line, 9);
	ck_assert_str_eq(d->paras[1].section, "T1136");
	ck_assert(starts_with(d->paras[0].text,
	                      "Adversaries may create an account to maintain "
	                      "access to victim systems.(Citation: Symantec "
	                      "WastedLocker June 2020) With"));
	/* 1 tactic, 10 platforms, 3 references. */
	ck_assert_uint_eq(d->nitems, 14);
	ck_assert_str_eq(d->items[1].text, "Windows");
	ck_assert_str_eq(d->items[1].section, "Platforms");
	ck_assert_str_eq(d->items[13].text,
	                 "Symantec WastedLocker June 2020: https://symantec-"
	                 "enterprise-blogs.security.com/blogs/threat-"
	                 "intelligence/wastedlocker-ransomware-us");
	ck_assert_uint_eq(d->ntables, 2);
	t = &d->tables[0];
	ck_assert_uint_eq(t->nrows, 5);
	ck_assert_uint_eq(t->ncols, 3);
	ck_assert_str_eq(t->section, "Mitigations");
	ck_assert_str_eq(t->cells[4 * 3 + 0], "M1032");
	ck_assert_str_eq(t->cells[4 * 3 + 1], "Multi-factor Authentication");
	ck_assert_str_eq(t->cells[4 * 3 + 2],
	                 "Use multi-factor authentication for user and "
	                 "privileged accounts.");
	ck_assert_uint_eq(d->tables[1].nrows, 4);
	ck_assert_str_eq(d->tables[1].cells[3 * 2], "T1136.003");
	/* 8 wikilinks and the 3 reference URLs. */
	ck_assert_uint_eq(d->nlinks, 11);
	check_link(&d->links[4], MARKDOWN_LINK_WIKI,
	           "CyberSecurity/Security+/1-Threats-Attacks-Vulnerabilities/"
	           "Attacking-Frameworks/MITRE ATT&CK/ICS-Attack/techniques/"
	           "Multi-Factor Authentication",
	           NULL, "M1032", 36);
	ck_assert_int_eq(d->links[4].table, 0);
	ck_assert_uint_eq(d->links[4].row, 4);
	ck_assert_str_eq(d->links[4].section, "Mitigations");
	check_link(&d->links[10], MARKDOWN_LINK_URL,
	           "https://symantec-enterprise-blogs.security.com/blogs/"
	           "threat-intelligence/wastedlocker-ransomware-us",
	           NULL,
	           "https://symantec-enterprise-blogs.security.com/blogs/"
	           "threat-intelligence/wastedlocker-ransomware-us",
	           52);
	ck_assert_uint_eq(d->ntags, 0);
	ck_assert(strstr(d->text,
	                 "\nID | Name | Description\nM1028 | Operating System "
	                 "Configuration | Protect domain controllers by "
	                 "ensuring proper security configuration for critical "
	                 "servers.\n") != NULL);
	markdown_doc_free(d);
	free(text);
}
END_TEST

START_TEST(test_markdown_size_limit)
{
	size_t n = KB_MAX_NOTE_FILE;
	char *text = malloc(n + 1);
	markdown_doc *d;

	/* Lines of "word word\n" up to the limit exactly. */
	for (size_t i = 0; i < n; i++)
		text[i] = i % 10 == 9 ? '\n' : i % 10 == 4 ? ' ' : 'w';
	text[n - 1] = '\n';
	text[n] = 'w';
	ck_assert_int_eq(markdown_parse(&d, "n.md", text, n, 1), 0);
	ck_assert_uint_eq(d->nparas, 1);
	ck_assert_uint_eq(strlen(d->text), n);
	markdown_doc_free(d);
	ck_assert_int_eq(markdown_parse(&d, "n.md", text, n + 1, 1), KB_ELIMIT);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:1: note body is 8388609 bytes, more than the "
	                 "limit of 8388608");
	free(text);
	markdown_doc_free(NULL);
}
END_TEST

/* A table of n columns: header, delimiter and one row, after a line. */
static char *wide_table(size_t n)
{
	strbuf sb = STRBUF_INIT;

	strbuf_puts(&sb, "text\n\n");
	for (int row = 0; row < 3; row++) {
		for (size_t i = 0; i < n; i++)
			strbuf_puts(&sb, row == 1 ? "-|" : "a|");
		strbuf_putc(&sb, '\n');
	}
	return strbuf_detach(&sb);
}

START_TEST(test_markdown_pipe_limit)
{
	char *ok = wide_table(KB_MAX_NOTE_PIPES), *bad;
	markdown_doc *d;

	ck_assert_int_eq(markdown_parse(&d, "n.md", ok, strlen(ok), 1), 0);
	ck_assert_uint_eq(d->ntables, 1);
	ck_assert_uint_eq(d->tables[0].ncols, KB_MAX_NOTE_PIPES);
	ck_assert_uint_eq(d->tables[0].nrows, 2);
	markdown_doc_free(d);
	bad = wide_table(KB_MAX_NOTE_PIPES + 1);
	ck_assert_int_eq(markdown_parse(&d, "n.md", bad, strlen(bad), 7),
	                 KB_ELIMIT);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:9: more than 1000 '|' on one line (table "
	                 "columns)");
	free(ok);
	free(bad);
}
END_TEST

Suite *markdown_suite(void)
{
	Suite *s = suite_create("markdown");
	TCase *tc = tcase_create("markdown");

	tcase_add_test(tc, test_markdown_links);
	tcase_add_test(tc, test_markdown_tags);
	tcase_add_test(tc, test_markdown_plain_and_prose);
	tcase_add_test(tc, test_markdown_code_and_html_hold_nothing);
	tcase_add_test(tc, test_markdown_tables);
	tcase_add_test(tc, test_markdown_items);
	tcase_add_test(tc, test_markdown_lines_crlf_and_lazy);
	tcase_add_test(tc, test_markdown_real_note);
	tcase_add_test(tc, test_markdown_size_limit);
	tcase_add_test(tc, test_markdown_pipe_limit);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
