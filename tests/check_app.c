/* tests/check_app.c: whole responses of attackkb.cgi for hostile requests
 * (exact status, no payload echoed unescaped, well-formed headers), then
 * the same through lighttpd and curl with tests/web-server.sh. */
#include "tests.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "web/app.h"
#include "web/assets.h"
#include "web_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *tmp;         /* a folder holding an empty "store" */
static char *db_path;     /* tmp/attack.db */
static const char *shipped; /* the store of the shipped bundles */

/* Unchecked: runs in the runner's process, so the store is built once. */
static void shipped_setup(void)
{
	shipped = web_store();
}

static void shipped_teardown(void)
{
}

static void store_setup(void)
{
	FILE *f;

	tmp = test_tmpdir();
	db_path = xasprintf("%s/attack.db", tmp);
	f = fopen(db_path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

static void store_teardown(void)
{
	test_rmtree(tmp);
	free(tmp);
	free(db_path);
}

/* Run one request through app_handle(). The caller frees the result. */
static char *serve(const char *method, const char *path, const char *qs,
		   const char *db)
{
	cgi_env env = {.request_method = method,
		       .path_info = path,
		       .query_string = qs,
		       .db_path = db};
	strbuf out = STRBUF_INIT;

	app_handle(&out, &env);
	return strbuf_detach(&out);
}

static int status_of(const char *resp)
{
	int status = 0;

	ck_assert_msg(sscanf(resp, "Status: %d ", &status) == 1,
		      "no Status line in: %.80s", resp);
	return status;
}

/* Headers: "Name: printable ASCII" lines, CRLF, then a blank line. */
static void assert_headers_well_formed(const char *resp)
{
	const char *end = strstr(resp, "\r\n\r\n"), *p = resp, *eol;

	ck_assert_ptr_nonnull(end);
	for (; p < end + 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		for (const char *c = p; c < eol; c++)
			ck_assert((unsigned char)*c >= 0x20 &&
				  (unsigned char)*c < 0x7f);
		ck_assert_ptr_nonnull(memchr(p, ':', (size_t)(eol - p)));
	}
	ck_assert_ptr_nonnull(strstr(resp, "\r\nX-Content-Type-Options: "
					   "nosniff\r\n"));
	ck_assert_ptr_nonnull(strstr(resp, "\r\nContent-Security-Policy: "
					   "default-src 'self'\r\n"));
	ck_assert_ptr_nonnull(strstr(resp, "\r\nReferrer-Policy: "
					   "no-referrer\r\n"));
}

/* Hostile requests and the exact status each gets from the whole CGI. */
static const struct {
	const char *method, *path, *qs;
	int status;
} cases[] = {
	{"GET", "/", NULL, 200},
	{"HEAD", "/", NULL, 200},
	{"GET", "/static/style.css", NULL, 200},
	{"GET", "/search", "q=%3Cscript%3Ealert(1)%3C/script%3E", 200},
	{"GET", "/search", "q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", 200},
	{"GET", "/search", "q=%27%3B+DROP+TABLE+object%3B+--", 200},
	{"GET", "/search", "q='; DROP TABLE object; --", 200},
	{"GET", "/search", "q=%27+onmouseover%3D%27alert(1)", 200},
	{"GET", "/search", "q=x%0D%0ASet-Cookie:%20evil=1", 200},
	{"GET", "/search", "q=t1136.001", 303},
	{"GET", "/object/t1136", NULL, 200},
	{"GET", "/matrix/ics", NULL, 200},
	{"GET", "/coverage/enterprise", NULL, 200},
	{"GET", "/search", "q=%00", 400},
	{"GET", "/search", "q=%ZZ", 400},
	{"GET", "/search", "q=%C0%AF", 400},
	{"GET", "/search", "q=%ED%A0%80", 400},
	{"GET", "/object/../../etc/passwd", NULL, 400},
	{"GET", "/object/..%2F..%2Fetc%2Fpasswd", NULL, 400},
	{"GET", "/static/..\\..\\attack.db", NULL, 400},
	{"GET", "/object/<script>alert(1)</script>", NULL, 404},
	{"GET", "/object/T1136%00", NULL, 400},
	{"GET", "/etc/passwd", NULL, 404},
	{"GET", "/nope", NULL, 404},
	{"HEAD", "/nope", NULL, 404},
	{"POST", "/search", "q=x", 405},
	{"PUT", "/", NULL, 405},
	{"DELETE", "/object/T1136", NULL, 405},
	{"OPTIONS", "/", NULL, 405},
	{"TRACE", "/", NULL, 405},
	{"PROPFIND", "/", NULL, 405},
	{"<script>", "/", NULL, 405},
};

/* Payloads whose raw form must never appear in an output: each would
 * open a tag or end a quoted attribute or an SQL string. */
static const char *const payloads[] = {
	"<script>", "<img", "'; DROP TABLE", "' onmouseover",
};

/* No header may come from the request: nothing is a cookie. */
static void assert_no_injected_header(const char *resp)
{
	const char *end = strstr(resp, "\r\n\r\n");

	ck_assert_ptr_nonnull(end);
	for (const char *p = strstr(resp, "Set-Cookie"); p;
	     p = strstr(p + 1, "Set-Cookie"))
		ck_assert_msg(p > end, "Set-Cookie among the headers");
}

START_TEST(test_hostile_table)
{
	char *resp = serve(cases[_i].method, cases[_i].path, cases[_i].qs,
			   shipped);

	ck_assert_msg(status_of(resp) == cases[_i].status,
		      "case %d (%s %s?%s): got %d, want %d", _i,
		      cases[_i].method, cases[_i].path,
		      cases[_i].qs ? cases[_i].qs : "", status_of(resp),
		      cases[_i].status);
	assert_headers_well_formed(resp);
	for (size_t k = 0; k < sizeof(payloads) / sizeof(payloads[0]); k++)
		ck_assert_msg(!strstr(resp, payloads[k]),
			      "case %d: payload %s echoed raw", _i,
			      payloads[k]);
	assert_no_injected_header(resp);
	if (strcmp(cases[_i].method, "HEAD") == 0)
		ck_assert_str_eq(strstr(resp, "\r\n\r\n"), "\r\n\r\n");
	if (cases[_i].status == 405)
		ck_assert_ptr_nonnull(strstr(resp, "\r\nAllow: GET, HEAD\r\n"));
	free(resp);
}
END_TEST

START_TEST(test_escaped_echo)
{
	char *resp = serve("GET", "/search",
			   "q=%22%3E%3Cscript%3Ealert(%27x%27)%3C/script%3E",
			   shipped);

	ck_assert_ptr_nonnull(strstr(resp, "<q>&quot;&gt;&lt;script&gt;alert("
					   "&#39;x&#39;)&lt;/script&gt;</q>"));
	ck_assert_ptr_nonnull(strstr(resp, "value=\"&quot;&gt;&lt;script&gt;"
					   "alert(&#39;x&#39;)&lt;/script&gt;"
					   "\""));
	free(resp);
}
END_TEST

START_TEST(test_long_requests)
{
	char *qs = malloc((1u << 20) + 1), *resp;

	ck_assert_ptr_nonnull(qs);
	memset(qs, 'a', 1u << 20);
	qs[1u << 20] = '\0';
	memcpy(qs, "q=", 2);
	resp = serve("GET", "/search", qs, db_path);
	ck_assert_int_eq(status_of(resp), 414);
	ck_assert_ptr_null(strstr(resp, "aaaa"));
	free(resp);
	qs[1024] = '\0';
	qs[0] = '/';
	resp = serve("GET", qs, NULL, db_path);
	ck_assert_int_eq(status_of(resp), 404); /* 1024 bytes: allowed */
	free(resp);
	qs[1024] = 'a';
	qs[1025] = '\0';
	resp = serve("GET", qs, NULL, db_path);
	ck_assert_int_eq(status_of(resp), 414);
	free(resp);
	free(qs);
}
END_TEST

START_TEST(test_store_missing_503)
{
	char *resp = serve("GET", "/object/T1136", NULL, NULL);

	ck_assert_int_eq(status_of(resp), 503);
	ck_assert_ptr_nonnull(strstr(resp, "\r\nRetry-After: 10\r\n"));
	free(resp);
	resp = serve("GET", "/", NULL, "/nonexistent/attack.db");
	ck_assert_int_eq(status_of(resp), 503);
	free(resp);
	/* An empty file is not a store either. */
	resp = serve("GET", "/search", "q=x", db_path);
	ck_assert_int_eq(status_of(resp), 503);
	ck_assert_ptr_nonnull(strstr(resp, "not available"));
	free(resp);
	/* The stylesheet and refusals need no store. */
	resp = serve("GET", "/static/style.css", NULL, NULL);
	ck_assert_int_eq(status_of(resp), 200);
	free(resp);
	resp = serve("GET", "/nope", NULL, NULL);
	ck_assert_int_eq(status_of(resp), 404);
	free(resp);
}
END_TEST

START_TEST(test_style_served_and_cached)
{
	char *resp = serve("GET", "/static/style.css", NULL, NULL), *etag;
	const char *p, *body;
	cgi_env env = {.request_method = "GET",
		       .path_info = "/static/style.css"};
	strbuf out = STRBUF_INIT;

	ck_assert_ptr_nonnull(
		strstr(resp, "\r\nContent-Type: text/css; charset=utf-8\r\n"));
	ck_assert_ptr_nonnull(
		strstr(resp, "\r\nCache-Control: public, max-age=3600\r\n"));
	body = strstr(resp, "\r\n\r\n") + 4;
	ck_assert_str_eq(body, assets_style_css);
	ck_assert_ptr_null(strstr(body, "http:"));
	ck_assert_ptr_null(strstr(body, "https:"));
	ck_assert_ptr_null(strstr(body, "@import"));
	p = strstr(resp, "\r\nETag: ");
	ck_assert_ptr_nonnull(p);
	etag = xstrndup(p + 8, strcspn(p + 8, "\r"));
	env.if_none_match = etag;
	app_handle(&out, &env);
	ck_assert(strncmp(out.ptr, "Status: 304 Not Modified\r\n", 26) == 0);
	ck_assert_str_eq(strstr(out.ptr, "\r\n\r\n"), "\r\n\r\n");
	strbuf_free(&out);
	free(etag);
	free(resp);
}
END_TEST

START_TEST(test_style_matches_source)
{
	char *src = test_slurp("../web/style.css", NULL);

	ck_assert_str_eq(assets_style_css, src);
	free(src);
}
END_TEST

/* Through lighttpd and curl. */
static int port;         /* 0 when the harness could not run */
static char *state_dir;  /* tests/web-server.sh STATE_DIR */
static char *skip_why;   /* why the end-to-end tests are skipped */

static void server_setup(void)
{
	const char *attackkb = getenv("ATTACKKB");
	char *out = NULL, *cgi;

	store_setup();
	/* make check installs curl (scripts/deps.sh web): never skip. */
	ck_assert_msg(test_run(NULL, "command -v curl >/dev/null 2>&1") == 0,
		      "curl is not installed (scripts/deps.sh web)");
	ck_assert_msg(attackkb != NULL, "ATTACKKB is not set (make check)");
	cgi = xasprintf("%s.cgi", attackkb);
	ck_assert_msg(access(cgi, X_OK) == 0, "no %s", cgi);
	state_dir = xasprintf("%s/web", tmp);
	ck_assert_int_eq(test_run(&out,
				  "CGI='%s' ATTACKKB_DB='%s' sh web-server.sh "
				  "start '%s'",
				  cgi, web_store(), state_dir),
			 0);
	port = atoi(out);
	ck_assert_int_gt(port, 0);
	free(out);
	free(cgi);
}

static void server_teardown(void)
{
	if (state_dir)
		test_run(NULL, "sh web-server.sh stop '%s'", state_dir);
	free(state_dir);
	state_dir = NULL;
	store_teardown();
}

/* curl -i: returns the HTTP status; *out gets headers and body. */
static int fetch(char **out, const char *opts, const char *url)
{
	char *resp;
	int status = 0;

	ck_assert_int_eq(test_run(&resp,
				  "curl -s -i --noproxy '*' --max-time 10 %s "
				  "'http://127.0.0.1:%d%s'",
				  opts, port, url),
			 0);
	ck_assert_msg(sscanf(resp, "HTTP/1.1 %d", &status) == 1,
		      "no status line from lighttpd");
	if (out)
		*out = resp;
	else
		free(resp);
	return status;
}

#define SKIP_IF_NO_SERVER()                                                   \
	do {                                                                  \
		if (skip_why) {                                               \
			fprintf(stderr, "SKIP %s: %s\n", __func__, skip_why); \
			return;                                               \
		}                                                             \
	} while (0)

START_TEST(test_lighttpd_routes)
{
	char *resp;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(fetch(&resp, "", "/static/style.css"), 200);
	ck_assert_ptr_nonnull(strstr(resp, "Content-Type: text/css"));
	ck_assert_ptr_nonnull(strstr(resp, assets_style_css));
	free(resp);
	ck_assert_int_eq(fetch(&resp, "", "/"), 200);
	ck_assert_ptr_nonnull(strstr(resp, "href=\"/static/style.css\""));
	free(resp);
	ck_assert_int_eq(fetch(NULL, "", "/object/t1136.001"), 200);
	ck_assert_int_eq(fetch(&resp, "", "/search?q=T1136"), 303);
	ck_assert_ptr_nonnull(strstr(resp, "\r\nLocation: /object/T1136\r\n"));
	free(resp);
	ck_assert_int_eq(fetch(NULL, "", "/nope"), 404);
	ck_assert_int_eq(fetch(NULL, "", "/attackkb.cgi"), 404);
	ck_assert_int_eq(fetch(&resp, "-I", "/static/style.css"), 200);
	ck_assert_ptr_null(strstr(resp, "--fg"));
	free(resp);
}
END_TEST

START_TEST(test_lighttpd_refusals)
{
	char *resp, *big = xmalloc(9001), *url;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(fetch(&resp, "-X POST -d q=x", "/search"), 405);
	ck_assert_ptr_nonnull(strstr(resp, "\r\nAllow: GET, HEAD\r\n"));
	free(resp);
	ck_assert_int_eq(fetch(NULL, "-X PUT -d x", "/"), 405);
	ck_assert_int_eq(fetch(NULL, "-X DELETE", "/object/T1136"), 405);
	/* lighttpd (url-normalize-required, url-ctrls-reject) answers some
	 * of these itself, before the CGI: it re-encodes a bad escape as
	 * %25 (so "%ZZ" becomes a literal search) and refuses encoded
	 * control bytes and overlong forms with its own 400. The CGI's own
	 * answers to the raw forms are tested in the "handle" case. */
	ck_assert_int_eq(fetch(&resp, "", "/search?q=%ZZ"), 200);
	ck_assert_ptr_nonnull(strstr(resp, "<q>%ZZ</q>"));
	free(resp);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=%00"), 400);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=%C0%AF"), 400);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=%ED%A0%80"), 400);
	memset(big, 'a', 9000);
	big[9000] = '\0';
	url = xasprintf("/search?q=%s", big);
	ck_assert_int_eq(fetch(NULL, "", url), 414);
	free(url);
	free(big);
	/* lighttpd removes dot segments itself: no file is ever reached. */
	ck_assert_int_eq(fetch(&resp, "--path-as-is",
			       "/object/../../etc/passwd"),
			 404);
	ck_assert_ptr_null(strstr(resp, "root:"));
	free(resp);
	ck_assert_int_eq(fetch(&resp, "--path-as-is",
			       "/object/%2e%2e/%2e%2e/etc/passwd"),
			 404);
	ck_assert_ptr_null(strstr(resp, "root:"));
	free(resp);
}
END_TEST

START_TEST(test_lighttpd_no_injection)
{
	char *resp;

	SKIP_IF_NO_SERVER();
	ck_assert_int_eq(fetch(&resp, "",
			       "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
			 200);
	ck_assert_ptr_null(strstr(resp, "<script>alert"));
	ck_assert_ptr_nonnull(strstr(resp, "&lt;script&gt;alert(1)"));
	free(resp);
	ck_assert_int_eq(fetch(&resp, "",
			       "/search?q=x%0D%0ASet-Cookie:%20evil=1"),
			 400);
	assert_no_injected_header(resp);
	free(resp);
}
END_TEST

Suite *app_suite(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("handle");
	TCase *te = tcase_create("lighttpd");

	tcase_add_unchecked_fixture(tc, shipped_setup, shipped_teardown);
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_hostile_table, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_escaped_echo);
	tcase_add_test(tc, test_long_requests);
	tcase_add_test(tc, test_store_missing_503);
	tcase_add_test(tc, test_style_served_and_cached);
	tcase_add_test(tc, test_style_matches_source);
	suite_add_tcase(s, tc);

	/* One server for the case, started in the runner's process. */
	tcase_add_unchecked_fixture(te, server_setup, server_teardown);
	tcase_set_timeout(te, 60);
	tcase_add_test(te, test_lighttpd_routes);
	tcase_add_test(te, test_lighttpd_refusals);
	tcase_add_test(te, test_lighttpd_no_injection);
	suite_add_tcase(s, te);
	return s;
}
