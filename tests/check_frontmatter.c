/* tests/check_frontmatter.c: finding the frontmatter block and parsing its
 * YAML: values, anchors, every error and every limit. */
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "parser/frontmatter.h"
#include "tests.h"

#include <stdlib.h>
#include <string.h>

static frontmatter_span split_ok(const char *text, size_t len)
{
	frontmatter_span sp;

	ck_assert_int_eq(frontmatter_split(&sp, "n.md", text, len), 0);
	return sp;
}

START_TEST(test_split_without_frontmatter)
{
	static const char *const texts[] = {"# Title\n", "----\na: 1\n----\n",
	                                    " ---\na: 1\n---\n", "--- x\n", ""};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		frontmatter_span sp = split_ok(texts[i], strlen(texts[i]));

		ck_assert(!sp.present);
		ck_assert_uint_eq(sp.body_off, 0);
		ck_assert_uint_eq(sp.body_line, 1);
	}
}
END_TEST

START_TEST(test_split_finds_block)
{
	const char *t = "---\nalias: T1\n---\nbody\n";
	frontmatter_span sp = split_ok(t, strlen(t));

	ck_assert(sp.present);
	ck_assert_uint_eq(sp.yaml_off, 4);
	ck_assert_uint_eq(sp.yaml_len, 10);
	ck_assert_uint_eq(sp.yaml_line, 2);
	ck_assert_uint_eq(sp.body_off, 18);
	ck_assert_uint_eq(sp.body_line, 4);

	/* Byte-order mark, CRLF, blanks after the fences. */
	t = "\xef\xbb\xbf---  \r\na: 1\r\n--- \t\r\nx";
	sp = split_ok(t, strlen(t));
	ck_assert(sp.present);
	ck_assert_uint_eq(sp.yaml_off, 10);
	ck_assert_uint_eq(sp.yaml_len, 6);
	ck_assert_uint_eq(sp.body_off, 23);
	ck_assert_uint_eq(sp.body_line, 4);

	/* Empty block; closing fence at the very end. */
	sp = split_ok("---\n---\n", 8);
	ck_assert(sp.present);
	ck_assert_uint_eq(sp.yaml_len, 0);
	ck_assert_uint_eq(sp.body_off, 8);
	ck_assert_uint_eq(sp.body_line, 3);
	sp = split_ok("---\na: 1\n---", 12);
	ck_assert(sp.present);
	ck_assert_uint_eq(sp.yaml_len, 5);
	ck_assert_uint_eq(sp.body_off, 12);
	ck_assert_uint_eq(sp.body_line, 4);

	/* A BOM-only text without fences keeps its body after the BOM. */
	sp = split_ok("\xef\xbb\xbfhi", 5);
	ck_assert(!sp.present);
	ck_assert_uint_eq(sp.body_off, 3);
}
END_TEST

START_TEST(test_split_unclosed_is_an_error)
{
	const char *t = "---\nalias: T1136\n\n## T1136\n";
	frontmatter_span sp;

	ck_assert_int_eq(frontmatter_split(&sp, "x.md", t, strlen(t)),
	                 KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
	                 "x.md:1:1: frontmatter is not closed: no '---' line "
	                 "after the opening one");
	ck_assert(!sp.present);
	ck_assert_int_eq(frontmatter_split(&sp, "y.md", "---", 3), KB_EPARSE);
	ck_assert_str_eq(kb_error_last(),
	                 "y.md:1:1: frontmatter is not closed: no '---' line "
	                 "after the opening one");
}
END_TEST

static frontmatter_value *parse_ok(const char *yaml)
{
	frontmatter_value *v = NULL;
	int rc = frontmatter_parse(&v, "n.md", yaml, strlen(yaml), 2);

	ck_assert_msg(rc == 0, "%s", kb_error_last());
	ck_assert_int_eq(v->type, FRONTMATTER_MAP);
	return v;
}

START_TEST(test_parse_values)
{
	frontmatter_value *v = parse_ok("title: Create Account\n"
	                                "aliases: [T1136, \"Create Account\"]\n"
	                                "tags:\n"
	                                "  - a\n"
	                                "  - b\n"
	                                "empty:\n"
	                                "tilde: ~\n"
	                                "quoted: \"null\"\n"
	                                "block: |\n"
	                                "  line1\n"
	                                "  line2\n"
	                                "nested: {k: [1, {x: y}]}\n"
	                                "anchor: &base {p: 1}\n"
	                                "copy: *base\n");
	const frontmatter_value *x;

	ck_assert_uint_eq(v->n, 10);
	ck_assert_str_eq(v->keys[0], "title");
	ck_assert_int_eq(v->items[0]->type, FRONTMATTER_SCALAR);
	ck_assert_str_eq(v->items[0]->text, "Create Account");
	ck_assert(!v->items[0]->quoted);
	ck_assert_uint_eq(v->items[0]->line, 2);
	ck_assert_uint_eq(v->items[0]->col, 8);

	x = frontmatter_get(v, "aliases", false);
	ck_assert_int_eq(x->type, FRONTMATTER_LIST);
	ck_assert_uint_eq(x->n, 2);
	ck_assert_str_eq(x->items[1]->text, "Create Account");
	ck_assert(x->items[1]->quoted);
	ck_assert_ptr_null(x->keys);

	x = frontmatter_get(v, "TAGS", true);
	ck_assert_uint_eq(x->n, 2);
	ck_assert_uint_eq(x->items[1]->line, 6);
	ck_assert_ptr_null(frontmatter_get(v, "TAGS", false));
	ck_assert_ptr_null(frontmatter_get(v, "missing", true));
	ck_assert_ptr_null(frontmatter_get(x, "a", true)); /* not a map */

	ck_assert_int_eq(frontmatter_get(v, "empty", false)->type,
	                 FRONTMATTER_NULL);
	ck_assert_ptr_null(frontmatter_get(v, "empty", false)->text);
	ck_assert_int_eq(frontmatter_get(v, "tilde", false)->type,
	                 FRONTMATTER_NULL);
	x = frontmatter_get(v, "quoted", false);
	ck_assert_int_eq(x->type, FRONTMATTER_SCALAR);
	ck_assert_str_eq(x->text, "null");
	ck_assert_str_eq(frontmatter_get(v, "block", false)->text,
	                 "line1\nline2\n");
	ck_assert(frontmatter_get(v, "block", false)->quoted);

	x = frontmatter_get(v, "nested", false);
	ck_assert_int_eq(x->type, FRONTMATTER_MAP);
	x = frontmatter_get(x, "k", false);
	ck_assert_uint_eq(x->n, 2);
	ck_assert_str_eq(x->items[0]->text, "1");
	ck_assert_str_eq(frontmatter_get(x->items[1], "x", false)->text, "y");

	/* The alias is a copy, not the same node. */
	x = frontmatter_get(v, "copy", false);
	ck_assert_int_eq(x->type, FRONTMATTER_MAP);
	ck_assert_ptr_ne(x, frontmatter_get(v, "anchor", false));
	ck_assert_str_eq(frontmatter_get(x, "p", false)->text, "1");
	frontmatter_free(v);
}
END_TEST

START_TEST(test_parse_empty_documents)
{
	static const char *const yamls[] = {"", "# only a comment\n", "~\n",
	                                    "\n\n"};

	for (size_t i = 0; i < sizeof(yamls) / sizeof(yamls[0]); i++) {
		frontmatter_value *v = parse_ok(yamls[i]);

		ck_assert_uint_eq(v->n, 0);
		frontmatter_free(v);
	}
	frontmatter_free(NULL);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
	    {"aliases:\n\t- x\n",
	     "n.md:3:1: found character that cannot start any token "
	     "(while scanning for the next token at line 3)"},
	    {"a: 1\nb: [1, 2\n",
	     "n.md:4:1: did not find expected ',' or ']' (while parsing a "
	     "flow sequence at line 3)"},
	    {"a: b: c\n",
	     "n.md:2:5: mapping values are not allowed in this context"},
	    {"- a\n- b\n", "n.md:2:1: frontmatter is not a mapping"},
	    {"plain\n", "n.md:2:1: frontmatter is not a mapping"},
	    {"a: 1\nb: 2\na: 3\n", "n.md:4:1: duplicate key 'a'"},
	    {"x: {k: 1, k: 2}\n", "n.md:2:11: duplicate key 'k'"},
	    {"? [x]\n: 1\n", "n.md:2:3: key is not a scalar"},
	    {"k: &a [1]\n*a : 2\n", "n.md:3:1: key is not a scalar"},
	    {"a: *nope\n", "n.md:2:4: unknown alias '*nope'"},
	    {"k: &a [1, *a]\n", "n.md:2:11: unknown alias '*a'"},
	    {"a: 1\n--- b: 2\n", "n.md:3:1: more than one YAML document"},
	    {"a: \"x\\0y\"\n", "n.md:2:4: scalar holds a NUL character"},
	    {"a: \xff\n", "n.md:2:4: invalid leading UTF-8 octet"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		frontmatter_value *v = (void *)1;
		int rc = frontmatter_parse(&v, "n.md", bad[i].yaml,
		                           strlen(bad[i].yaml), 2);

		ck_assert_msg(rc == KB_EPARSE, "%s: %d", bad[i].yaml, rc);
		ck_assert_ptr_null(v);
		ck_assert_str_eq(kb_error_last(), bad[i].msg);
	}
}
END_TEST

START_TEST(test_parse_size_limit)
{
	size_t n = KB_MAX_YAML_FILE;
	char *yaml = malloc(n + 2);
	frontmatter_value *v;

	/* "a: xxxx...x\n" exactly at the limit parses. */
	memcpy(yaml, "a: ", 3);
	memset(yaml + 3, 'x', n - 4);
	yaml[n - 1] = '\n';
	yaml[n] = '\n';
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", yaml, n, 2), 0);
	ck_assert_uint_eq(strlen(frontmatter_get(v, "a", false)->text), n - 4);
	frontmatter_free(v);
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", yaml, n + 1, 2),
	                 KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:2:1: frontmatter is 4194305 bytes, more than "
	                 "the limit of 4194304");
	free(yaml);
}
END_TEST

/* "a: " then depth flow sequences. */
static char *nested(int depth)
{
	strbuf sb = STRBUF_INIT;

	strbuf_puts(&sb, "a: ");
	for (int i = 0; i < depth; i++)
		strbuf_putc(&sb, '[');
	for (int i = 0; i < depth; i++)
		strbuf_putc(&sb, ']');
	strbuf_putc(&sb, '\n');
	return strbuf_detach(&sb);
}

/* "d: &d [[[1]]]", then "e: " and depth sequences around "*d". */
static char *alias_nested(int depth)
{
	strbuf sb = STRBUF_INIT;

	strbuf_puts(&sb, "d: &d [[[1]]]\ne: ");
	for (int i = 0; i < depth; i++)
		strbuf_putc(&sb, '[');
	strbuf_puts(&sb, "*d");
	for (int i = 0; i < depth; i++)
		strbuf_putc(&sb, ']');
	strbuf_putc(&sb, '\n');
	return strbuf_detach(&sb);
}

START_TEST(test_parse_depth_limit)
{
	/* The top-level map is level 1: 63 sequences reach the limit. */
	char *ok = nested(KB_MAX_YAML_DEPTH - 1),
	     *bad = nested(KB_MAX_YAML_DEPTH);
	frontmatter_value *v;

	ck_assert_int_eq(frontmatter_parse(&v, "n.md", ok, strlen(ok), 2), 0);
	frontmatter_free(v);
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", bad, strlen(bad), 2),
	                 KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:2:67: YAML nested deeper than 64 levels");
	free(ok);
	free(bad);

	/* An alias pasted deep counts its own height: *d brings 3 lists. */
	ok = alias_nested(KB_MAX_YAML_DEPTH - 4);
	bad = alias_nested(KB_MAX_YAML_DEPTH - 3);
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", ok, strlen(ok), 2), 0);
	frontmatter_free(v);
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", bad, strlen(bad), 2),
	                 KB_ELIMIT);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:3:65: YAML nested deeper than 64 levels");
	free(ok);
	free(bad);
}
END_TEST

START_TEST(test_parse_node_limit)
{
	strbuf sb = STRBUF_INIT;
	frontmatter_value *v;

	/* Root 1; "a" 1 + list 1 + 997; "b" 1 + list 1 + 1001 copies of
	 * 998 nodes: 1000000 exactly. */
	strbuf_puts(&sb, "a: &a [");
	for (int i = 0; i < 997; i++)
		strbuf_puts(&sb, i ? ", x" : "x");
	strbuf_puts(&sb, "]\nb: [");
	for (int i = 0; i < 1001; i++)
		strbuf_puts(&sb, i ? ", *a" : "*a");
	strbuf_puts(&sb, "]\n");
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", sb.ptr, sb.len, 2), 0);
	ck_assert_uint_eq(frontmatter_get(v, "b", false)->n, 1001);
	ck_assert_uint_eq(frontmatter_get(v, "b", false)->items[1000]->n, 997);
	frontmatter_free(v);
	strbuf_puts(&sb, "c: y\n");
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", sb.ptr, sb.len, 2),
	                 KB_ELIMIT);
	ck_assert_str_eq(
	    kb_error_last(),
	    "n.md:4:1: more than 1000000 YAML nodes (aliases count "
	    "as the nodes they copy)");
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_parse_billion_laughs)
{
	const char *yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	                   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	                   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	                   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	                   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	                   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	                   "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	frontmatter_value *v;

	/* Each copy of e is 111111 nodes; 123463 are made before f's first
	 * one, so its eighth copy passes a million. */
	ck_assert_int_eq(frontmatter_parse(&v, "n.md", yaml, strlen(yaml), 2),
	                 KB_ELIMIT);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(kb_error_last(),
	                 "n.md:7:36: more than 1000000 YAML nodes (aliases "
	                 "count as the nodes they copy)");
}
END_TEST

Suite *frontmatter_suite(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("split");
	TCase *tp = tcase_create("parse");

	tcase_add_test(tc, test_split_without_frontmatter);
	tcase_add_test(tc, test_split_finds_block);
	tcase_add_test(tc, test_split_unclosed_is_an_error);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, test_parse_values);
	tcase_add_test(tp, test_parse_empty_documents);
	tcase_add_test(tp, test_parse_errors);
	tcase_add_test(tp, test_parse_size_limit);
	tcase_add_test(tp, test_parse_depth_limit);
	tcase_add_test(tp, test_parse_node_limit);
	tcase_add_test(tp, test_parse_billion_laughs);
	suite_add_tcase(s, tp);
	return s;
}
