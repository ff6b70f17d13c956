/* tests/check_http.c: CGI response headers, validators and 304, HEAD,
 * redirects, error pages, and that no header can be split. */
#include "tests.h"
#include "kb/error.h"
#include "kb/strbuf.h"
#include "web/cgi.h"
#include "web/html.h"
#include "web/http.h"

#include <stdlib.h>
#include <string.h>

/* A parsed GET (or HEAD) request with the given validators. */
static cgi_request *request(const char *method, const char *inm,
			    const char *ims)
{
	cgi_env env = {.request_method = method,
		       .path_info = "/",
		       .if_none_match = inm,
		       .if_modified_since = ims};
	cgi_request *req;
	int status;

	ck_assert_int_eq(cgi_request_parse(&req, &status, &env), 0);
	return req;
}

/* Every header line must be "Name: printable ASCII" and end in CRLF. */
static void assert_headers_well_formed(const char *resp)
{
	const char *end = strstr(resp, "\r\n\r\n"), *p = resp, *eol;

	ck_assert_ptr_nonnull(end);
	while (p < end + 2) {
		eol = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(eol);
		for (const char *c = p; c < eol; c++)
			ck_assert_msg((unsigned char)*c >= 0x20 &&
					      (unsigned char)*c < 0x7f,
				      "control byte in a header line");
		ck_assert_ptr_nonnull(memchr(p, ':', (size_t)(eol - p)));
		p = eol + 2;
	}
}

static const char *body_of(const char *resp)
{
	const char *end = strstr(resp, "\r\n\r\n");

	ck_assert_ptr_nonnull(end);
	return end + 4;
}

START_TEST(test_respond_exact_headers)
{
	static const char want[] =
		"Status: 200 OK\r\n"
		"Content-Type: text/html; charset=utf-8\r\n"
		"Content-Length: 5\r\n"
		"Cache-Control: no-cache\r\n"
		"ETag: \"abc\"\r\n"
		"Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"Content-Security-Policy: default-src 'self'\r\n"
		"X-Content-Type-Options: nosniff\r\n"
		"Referrer-Policy: no-referrer\r\n"
		"\r\n"
		"hello";
	http_response r = HTTP_RESPONSE_INIT;
	cgi_request *req = request("GET", NULL, NULL);
	strbuf out = STRBUF_INIT;

	r.etag = "\"abc\"";
	r.last_modified = 784111777;
	ck_assert_int_eq(http_respond(&out, &r, req, "hello", 5), 0);
	ck_assert_str_eq(out.ptr, want);
	cgi_request_free(req);
	strbuf_free(&out);
}
END_TEST

START_TEST(test_respond_head_has_no_body)
{
	http_response r = HTTP_RESPONSE_INIT;
	cgi_request *req = request("HEAD", NULL, NULL);
	strbuf out = STRBUF_INIT;

	r.content_type = "text/css; charset=utf-8";
	ck_assert_int_eq(http_respond(&out, &r, req, "body{}", 6), 0);
	ck_assert_ptr_nonnull(strstr(out.ptr, "Content-Length: 6\r\n"));
	ck_assert_ptr_nonnull(
		strstr(out.ptr, "Content-Type: text/css; charset=utf-8\r\n"));
	ck_assert_str_eq(body_of(out.ptr), "");
	strbuf_clear(&out);
	http_error(&out, 404, "gone", true);
	ck_assert(strncmp(out.ptr, "Status: 404 Not Found\r\n", 23) == 0);
	ck_assert_str_eq(body_of(out.ptr), "");
	cgi_request_free(req);
	strbuf_free(&out);
}
END_TEST

START_TEST(test_conditional_304)
{
	static const char want[] =
		"Status: 304 Not Modified\r\n"
		"Cache-Control: no-cache\r\n"
		"ETag: \"v1\"\r\n"
		"Content-Security-Policy: default-src 'self'\r\n"
		"X-Content-Type-Options: nosniff\r\n"
		"Referrer-Policy: no-referrer\r\n"
		"\r\n";
	http_response r = HTTP_RESPONSE_INIT;
	cgi_request *req = request("GET", "\"v0\", W/\"v1\"", NULL);
	strbuf out = STRBUF_INIT;

	r.etag = "\"v1\"";
	ck_assert_int_eq(http_respond(&out, &r, req, "page", 4), 0);
	ck_assert_str_eq(out.ptr, want);
	cgi_request_free(req);

	/* no match: the page */
	req = request("GET", "\"v2\"", NULL);
	strbuf_clear(&out);
	http_respond(&out, &r, req, "page", 4);
	ck_assert(strncmp(out.ptr, "Status: 200 OK\r\n", 16) == 0);
	ck_assert_str_eq(body_of(out.ptr), "page");
	cgi_request_free(req);

	/* an error page never becomes 304 */
	req = request("GET", "*", NULL);
	strbuf_clear(&out);
	r.status = 404;
	http_respond(&out, &r, req, "nope", 4);
	ck_assert(strncmp(out.ptr, "Status: 404 Not Found\r\n", 23) == 0);
	cgi_request_free(req);
	strbuf_free(&out);
}
END_TEST

START_TEST(test_is_fresh_rules)
{
	cgi_request *req;

	req = request("GET", "*", NULL);
	ck_assert(http_is_fresh(req, "\"x\"", 0));
	ck_assert(!http_is_fresh(req, NULL, 0));
	cgi_request_free(req);

	req = request("GET", "W/\"x\"", NULL);
	ck_assert(http_is_fresh(req, "\"x\"", 0));
	ck_assert(http_is_fresh(req, "W/\"x\"", 0));
	ck_assert(!http_is_fresh(req, "\"xx\"", 0));
	cgi_request_free(req);

	req = request("GET", "\"a\",\"b\" , \"c\"", NULL);
	ck_assert(http_is_fresh(req, "\"c\"", 0));
	ck_assert(http_is_fresh(req, "\"b\"", 0));
	ck_assert(!http_is_fresh(req, "\"d\"", 0));
	cgi_request_free(req);

	req = request("GET", "garbage \"x\"", NULL);
	ck_assert(!http_is_fresh(req, "\"x\"", 0));
	cgi_request_free(req);

	/* If-Modified-Since, used only without If-None-Match */
	req = request("GET", NULL, "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert(http_is_fresh(req, "\"x\"", 784111777));
	ck_assert(http_is_fresh(req, NULL, 784111776));
	ck_assert(!http_is_fresh(req, NULL, 784111778));
	ck_assert(!http_is_fresh(req, NULL, 0));
	cgi_request_free(req);

	req = request("GET", "\"y\"", "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert(!http_is_fresh(req, "\"x\"", 784111777));
	cgi_request_free(req);

	req = request("GET", NULL, "Sunday, 06-Nov-94 08:49:37 GMT");
	ck_assert(!http_is_fresh(req, NULL, 784111777));
	cgi_request_free(req);
}
END_TEST

START_TEST(test_dates_and_etags)
{
	char date[HTTP_DATE_MAX], etag[HTTP_ETAG_MAX];
	time_t t;

	http_date(date, 784111777);
	ck_assert_str_eq(date, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date(date, 0);
	ck_assert_str_eq(date, "Thu, 01 Jan 1970 00:00:00 GMT");
	ck_assert_int_eq(http_date_parse(&t, "Sun, 06 Nov 1994 08:49:37 GMT"),
			 0);
	ck_assert_int_eq(t, 784111777);
	ck_assert_int_eq(http_date_parse(&t, "Sun, 06 Nov 1994 08:49:37 UTC"),
			 KB_EPARSE);
	ck_assert_int_eq(http_date_parse(&t, "Sun, 06 Foo 1994 08:49:37 GMT"),
			 KB_EPARSE);
	ck_assert_int_eq(http_date_parse(&t, "Sun Nov  6 08:49:37 1994"),
			 KB_EPARSE);
	ck_assert_int_eq(http_date_parse(&t, ""), KB_EPARSE);
	http_etag(etag, "", 0);
	ck_assert_str_eq(etag, "\"cbf29ce484222325\"");
	http_etag(etag, "a", 1);
	ck_assert_str_eq(etag, "\"af63dc4c8601ec8c\"");
}
END_TEST

START_TEST(test_redirect_303)
{
	static const char want[] = "Status: 303 See Other\r\n"
				   "Content-Type: text/plain; charset=utf-8\r\n"
				   "Content-Length: 10\r\n"
				   "Cache-Control: no-cache\r\n"
				   "Location: /object/T1136\r\n"
				   "Content-Security-Policy: default-src "
				   "'self'\r\n"
				   "X-Content-Type-Options: nosniff\r\n"
				   "Referrer-Policy: no-referrer\r\n"
				   "\r\n"
				   "See Other\n";
	strbuf out = STRBUF_INIT;

	ck_assert_int_eq(http_redirect(&out, "/object/T1136", false), 0);
	ck_assert_str_eq(out.ptr, want);
	strbuf_clear(&out);
	ck_assert_int_eq(
		http_redirect(&out, "https://attack.mitre.org/x", true), 0);
	ck_assert_str_eq(body_of(out.ptr), "");
	strbuf_free(&out);
}
END_TEST

/* A decoded parameter echoed into a header: CR LF from %0d%0a must never
 * start a new header line. */
START_TEST(test_header_injection_impossible)
{
	static const char *const bad[] = {
		"/search?q=x\r\nSet-Cookie: evil=1",
		"/x\nSet-Cookie: evil=1",
		"/x\rSet-Cookie: evil=1",
		"/x\x01",
		"/caf\xC3\xA9",
		"//evil.example/",
		"/\\evil.example/",
		"javascript:alert(1)",
		"evil.example",
		"/a b",
		"",
	};
	cgi_env env = {.request_method = "GET",
		       .path_info = "/search",
		       .query_string = "q=x%0D%0ASet-Cookie:%20evil=1"};
	http_response r = HTTP_RESPONSE_INIT;
	strbuf out = STRBUF_INIT;
	cgi_request *req;
	int status;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_clear(&out);
		ck_assert_int_eq(http_redirect(&out, bad[i], false), KB_EPARSE);
		ck_assert(strncmp(out.ptr, "Status: 500 ", 12) == 0);
		ck_assert_ptr_null(strstr(out.ptr, "Set-Cookie"));
		ck_assert_ptr_null(strstr(out.ptr, "Location"));
		assert_headers_well_formed(out.ptr);
	}

	/* The real path: a %0d%0a parameter decoded by the parser. */
	ck_assert_int_eq(cgi_request_parse(&req, &status, &env), 0);
	r.etag = cgi_param(req, "q"); /* echoed into ETag */
	strbuf_clear(&out);
	ck_assert_int_eq(http_respond(&out, &r, req, "x", 1), KB_EPARSE);
	ck_assert_ptr_null(strstr(out.ptr, "Set-Cookie"));
	assert_headers_well_formed(out.ptr);
	r.etag = NULL;
	r.content_type = cgi_param(req, "q"); /* echoed into Content-Type */
	strbuf_clear(&out);
	ck_assert_int_eq(http_respond(&out, &r, req, "x", 1), KB_EPARSE);
	ck_assert_ptr_null(strstr(out.ptr, "Set-Cookie"));
	r.content_type = NULL;
	r.cache_control = "no-cache\r\nSet-Cookie: a=b";
	strbuf_clear(&out);
	ck_assert_int_eq(http_respond(&out, &r, req, "x", 1), KB_EPARSE);
	ck_assert_ptr_null(strstr(out.ptr, "Set-Cookie"));
	r.cache_control = NULL;
	r.etag = "\"a\"b\"";
	strbuf_clear(&out);
	ck_assert_int_eq(http_respond(&out, &r, req, "x", 1), KB_EPARSE);

	/* The right way: encode, then redirect. */
	{
		strbuf loc = STRBUF_INIT;

		strbuf_puts(&loc, "/search?q=");
		html_encode_url(&loc, cgi_param(req, "q"));
		strbuf_clear(&out);
		ck_assert_int_eq(http_redirect(&out, loc.ptr, false), 0);
		ck_assert_ptr_nonnull(strstr(
			out.ptr, "\r\nLocation: /search?q=x%0D%0ASet-Cookie%3A"
				 "%20evil%3D1\r\n"));
		ck_assert_ptr_null(strstr(out.ptr, "\r\nSet-Cookie"));
		assert_headers_well_formed(out.ptr);
		strbuf_free(&loc);
	}
	cgi_request_free(req);
	strbuf_free(&out);
}
END_TEST

START_TEST(test_error_pages)
{
	strbuf out = STRBUF_INIT;

	http_error(&out, 405, "only GET and HEAD", false);
	ck_assert(strncmp(out.ptr, "Status: 405 Method Not Allowed\r\n", 32) ==
		  0);
	ck_assert_ptr_nonnull(strstr(out.ptr, "\r\nAllow: GET, HEAD\r\n"));
	ck_assert_ptr_nonnull(
		strstr(out.ptr, "\r\nCache-Control: no-store\r\n"));
	ck_assert_ptr_nonnull(
		strstr(out.ptr, "<h1>405 Method Not Allowed</h1>\n"
				"<p>only GET and HEAD</p>"));
	assert_headers_well_formed(out.ptr);

	strbuf_clear(&out);
	http_error(&out, 400, "<script>alert('x')</script>\r\nX-A: b", false);
	ck_assert_ptr_null(strstr(out.ptr, "<script>"));
	ck_assert(strstr(out.ptr, "\r\nX-A") > strstr(out.ptr, "\r\n\r\n"));
	ck_assert_ptr_nonnull(strstr(
		out.ptr, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
	assert_headers_well_formed(out.ptr);

	strbuf_clear(&out);
	http_unavailable(&out, "store locked", false);
	ck_assert(strncmp(out.ptr, "Status: 503 Service Unavailable\r\n", 33) ==
		  0);
	ck_assert_ptr_nonnull(strstr(out.ptr, "\r\nRetry-After: 10\r\n"));
	ck_assert_ptr_nonnull(strstr(out.ptr, "<p>store locked</p>"));

	strbuf_clear(&out);
	http_error(&out, 414, NULL, false);
	ck_assert(strncmp(out.ptr, "Status: 414 URI Too Long\r\n", 26) == 0);
	ck_assert_str_eq(http_status_text(299), "Unknown");
	strbuf_free(&out);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("respond");

	tcase_add_test(tc, test_respond_exact_headers);
	tcase_add_test(tc, test_respond_head_has_no_body);
	tcase_add_test(tc, test_conditional_304);
	tcase_add_test(tc, test_is_fresh_rules);
	tcase_add_test(tc, test_dates_and_etags);
	tcase_add_test(tc, test_redirect_303);
	tcase_add_test(tc, test_header_injection_impossible);
	tcase_add_test(tc, test_error_pages);
	suite_add_tcase(s, tc);
	return s;
}
