/* tests/check_html.c: exact escaped output for the text and attribute
 * contexts and for URL components; the page frame escapes what it is
 * given. */
#include "tests.h"
#include "kb/strbuf.h"
#include "web/html.h"

#include <stdlib.h>
#include <string.h>

typedef void (*escaper)(strbuf *, const char *);

static char *run(escaper f, const char *s)
{
	strbuf sb = STRBUF_INIT;

	f(&sb, s);
	return strbuf_detach(&sb);
}

#define ASSERT_ESC(f, in, want)                                               \
	do {                                                                  \
		char *got_ = run(f, in);                                      \
		ck_assert_str_eq(got_, want);                                 \
		free(got_);                                                   \
	} while (0)

START_TEST(test_escape_text_exact)
{
	ASSERT_ESC(html_escape_text, "", "");
	ASSERT_ESC(html_escape_text, "plain text 123", "plain text 123");
	ASSERT_ESC(html_escape_text, "<script>alert(1)</script>",
		   "&lt;script&gt;alert(1)&lt;/script&gt;");
	ASSERT_ESC(html_escape_text, "\"><img src=x onerror=alert(1)>",
		   "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	ASSERT_ESC(html_escape_text, "'; DROP TABLE object; --",
		   "&#39;; DROP TABLE object; --");
	ASSERT_ESC(html_escape_text, "AT&T &amp; co",
		   "AT&amp;T &amp;amp; co");
	ASSERT_ESC(html_escape_text, "a\tb\nc\rd", "a\tb\nc\rd");
	ASSERT_ESC(html_escape_text,
		   "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80",
		   "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	/* controls and broken UTF-8 become U+FFFD */
	ASSERT_ESC(html_escape_text, "a\x01" "b\x7f",
		   "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
	ASSERT_ESC(html_escape_text, "\xC0\xAF<",
		   "\xEF\xBF\xBD\xEF\xBF\xBD&lt;");
	ASSERT_ESC(html_escape_text, "x\xE2\x82", "x\xEF\xBF\xBD\xEF\xBF\xBD");
	ASSERT_ESC(html_escape_text, "` =", "` =");
}
END_TEST

START_TEST(test_escape_attr_exact)
{
	ASSERT_ESC(html_escape_attr, "T1136.001", "T1136.001");
	ASSERT_ESC(html_escape_attr, "\" onmouseover=\"alert(1)",
		   "&quot; onmouseover&#61;&quot;alert(1)");
	ASSERT_ESC(html_escape_attr, "' onmouseover='alert(1)",
		   "&#39; onmouseover&#61;&#39;alert(1)");
	ASSERT_ESC(html_escape_attr, "`x` <a> & b",
		   "&#96;x&#96; &lt;a&gt; &amp; b");
	ASSERT_ESC(html_escape_attr, "a\tb\nc\rd", "a&#9;b&#10;c&#13;d");
	ASSERT_ESC(html_escape_attr, "\x1b[31m", "\xEF\xBF\xBD[31m");
	ASSERT_ESC(html_escape_attr, "/search?q=a&b=c",
		   "/search?q&#61;a&amp;b&#61;c");
}
END_TEST

START_TEST(test_encode_url_exact)
{
	ASSERT_ESC(html_encode_url, "T1136.001", "T1136.001");
	ASSERT_ESC(html_encode_url, "AZaz09-._~", "AZaz09-._~");
	ASSERT_ESC(html_encode_url, "create account",
		   "create%20account");
	ASSERT_ESC(html_encode_url, "a+b&c=d/e?f#g%h",
		   "a%2Bb%26c%3Dd%2Fe%3Ff%23g%25h");
	ASSERT_ESC(html_encode_url, "\r\nSet-Cookie: x=1",
		   "%0D%0ASet-Cookie%3A%20x%3D1");
	ASSERT_ESC(html_encode_url, "<script>\"'`",
		   "%3Cscript%3E%22%27%60");
	ASSERT_ESC(html_encode_url, "caf\xC3\xA9", "caf%C3%A9");
	ASSERT_ESC(html_encode_url, "javascript:alert(1)",
		   "javascript%3Aalert%281%29");
}
END_TEST

START_TEST(test_encoders_never_leak_specials)
{
	/* Every byte value through each escaper: no output may hold a raw
	 * character that could end the context it was escaped for. */
	char in[256];
	char *t, *a, *u;

	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	t = run(html_escape_text, in);
	a = run(html_escape_attr, in);
	u = run(html_encode_url, in);
	ck_assert_ptr_null(strpbrk(t, "<>\"'"));
	ck_assert_ptr_null(strpbrk(a, "<>\"'`=\t\r\n"));
	ck_assert_ptr_null(strpbrk(u, "<>\"'` \t\r\n&=?#/:;+"));
	for (const char *p = u; *p; p++)
		ck_assert((unsigned char)*p < 0x80);
	free(t);
	free(a);
	free(u);
}
END_TEST

START_TEST(test_page_frame)
{
	strbuf sb = STRBUF_INIT;

	html_page_begin(&sb, "/kb\"><script>", "<b>T1136</b> & co");
	strbuf_puts(&sb, "<p>body</p>\n");
	html_page_end(&sb);
	ck_assert(strncmp(sb.ptr, "<!DOCTYPE html>\n<html lang=\"en\">", 32) ==
		  0);
	ck_assert_ptr_nonnull(strstr(
		sb.ptr, "<title>&lt;b&gt;T1136&lt;/b&gt; &amp; co - attackkb"
			"</title>"));
	ck_assert_ptr_nonnull(
		strstr(sb.ptr, "<link rel=\"stylesheet\" "
			       "href=\"/kb&quot;&gt;&lt;script&gt;/static/"
			       "style.css\">"));
	ck_assert_ptr_nonnull(strstr(sb.ptr, "<meta name=\"viewport\""));
	ck_assert_ptr_nonnull(strstr(sb.ptr, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_null(strstr(sb.ptr, "<script>"));
	ck_assert_ptr_null(strstr(sb.ptr, "<b>"));
	ck_assert_ptr_nonnull(strstr(sb.ptr, "</main>"));
	ck_assert(strcmp(sb.ptr + sb.len - 8, "</html>\n") == 0);
	strbuf_clear(&sb);
	html_page_begin(&sb, "", "Home");
	ck_assert_ptr_nonnull(
		strstr(sb.ptr, "href=\"/static/style.css\""));
	ck_assert_ptr_nonnull(strstr(sb.ptr, "action=\"/search\""));
	ck_assert_ptr_nonnull(strstr(sb.ptr, "href=\"/matrix/enterprise\""));
	/* No external request and no inline script or style: CSP allows
	 * 'self' only. */
	ck_assert_ptr_null(strstr(sb.ptr, "http"));
	ck_assert_ptr_null(strstr(sb.ptr, "<script"));
	ck_assert_ptr_null(strstr(sb.ptr, "style="));
	strbuf_free(&sb);
}
END_TEST

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_escape_text_exact);
	tcase_add_test(tc, test_escape_attr_exact);
	tcase_add_test(tc, test_encode_url_exact);
	tcase_add_test(tc, test_encoders_never_leak_specials);
	tcase_add_test(tc, test_page_frame);
	suite_add_tcase(s, tc);
	return s;
}
