/* tests/check_serve.c: the pages through a real lighttpd on a free
 * loopback port (tests/web-server.sh), as CGI and as FastCGI (spawn-fcgi,
 * mod_fastcgi): curl for statuses, headers, content and hostile requests;
 * headless Chromium for the rendered DOM and screenshots; wrk for 20
 * concurrent clients with no failed request. make check installs curl,
 * chromium, wrk and spawn-fcgi (scripts/deps.sh web): nothing is skipped. */
#include "tests.h"
#include "kb/xalloc.h"
#include "web_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;        /* the server's port */
static char *state_dir; /* tests/web-server.sh STATE_DIR */
static char *shots;     /* where screenshots go: beside the binaries */

static void need(const char *tool)
{
	ck_assert_msg(test_run(NULL, "command -v %s >/dev/null 2>&1", tool) ==
			      0,
		      "%s is not installed (scripts/deps.sh web)", tool);
}

static void start(const char *mode)
{
	char *out = NULL;
	const char *cgi = web_binary(".cgi");

	need("curl");
	need("lighttpd");
	if (strcmp(mode, "fcgi") == 0) {
		need("spawn-fcgi");
		web_binary(".fcgi");
	}
	state_dir = test_tmpdir();
	ck_assert_int_eq(test_run(&out,
				  "MODE=%s CGI='%s' ATTACKKB_DB='%s' sh "
				  "web-server.sh start '%s/web'",
				  mode, cgi, web_store(), state_dir),
			 0);
	port = atoi(out);
	ck_assert_int_gt(port, 0);
	free(out);
	shots = xasprintf("%.*s/screenshots",
			  (int)(strrchr(cgi, '/') - cgi), cgi);
	ck_assert_int_eq(test_run(NULL, "mkdir -p '%s'", shots), 0);
}

static void cgi_setup(void)
{
	start("cgi");
}

static void fcgi_setup(void)
{
	start("fcgi");
}

static void server_teardown(void)
{
	if (state_dir) {
		test_run(NULL, "sh web-server.sh stop '%s/web'", state_dir);
		test_rmtree(state_dir);
	}
	free(state_dir);
	state_dir = NULL;
	free(shots);
	shots = NULL;
}

/* curl -i with opts: the HTTP status; *out gets headers and body. */
static int fetch(char **out, const char *opts, const char *url)
{
	char *resp;
	int status = 0;

	ck_assert_int_eq(test_run(&resp,
				  "curl -s -i --noproxy '*' --max-time 20 %s "
				  "'http://127.0.0.1:%d%s'",
				  opts, port, url),
			 0);
	ck_assert_msg(sscanf(resp, "HTTP/1.1 %d", &status) == 1,
		      "no status line for %s", url);
	if (out)
		*out = resp;
	else
		free(resp);
	return status;
}

static void has(const char *resp, const char *s)
{
	ck_assert_msg(strstr(resp, s) != NULL, "response lacks: %s", s);
}

/* The value of a response header (case as lighttpd sends it). */
static char *header(const char *resp, const char *name)
{
	char *needle = xasprintf("\r\n%s: ", name);
	const char *p = strstr(resp, needle);
	char *v = NULL;

	if (p) {
		p += strlen(needle);
		v = xstrndup(p, strcspn(p, "\r"));
	}
	free(needle);
	return v;
}

/* GET /search?q=<q> over a plain socket (no command line holds 1 MB):
 * the status of the answer. */
static int raw_get_status(const char *q)
{
	struct sockaddr_in sa = {0};
	char *req = xasprintf("GET /search?q=%s HTTP/1.1\r\nHost: 127.0.0.1"
			      "\r\nConnection: close\r\n\r\n",
			      q);
	size_t len = strlen(req), off = 0;
	char head[64] = "";
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;

	ck_assert_int_ge(fd, 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* The server may answer and close before reading it all. */
	while (off < len &&
	       (n = send(fd, req + off, len - off, MSG_NOSIGNAL)) > 0)
		off += (size_t)n;
	n = recv(fd, head, sizeof(head) - 1, 0);
	if (n > 0)
		head[n] = '\0';
	close(fd);
	free(req);
	ck_assert_msg(sscanf(head, "HTTP/1.%*d %d", &status) == 1,
		      "no answer to a 1 MB request");
	return status;
}

/* What both servers must answer alike. */
static void check_pages(void)
{
	char *resp, *etag, *opt;

	ck_assert_int_eq(fetch(&resp, "", "/"), 200);
	has(resp, "Content-Type: text/html; charset=utf-8\r\n");
	has(resp, "Content-Security-Policy: default-src 'self'\r\n");
	has(resp, "X-Content-Type-Options: nosniff\r\n");
	has(resp, "<a href=\"/matrix/enterprise\">enterprise-attack</a>");
	free(resp);

	ck_assert_int_eq(fetch(&resp, "", "/search?q=create+account"), 200);
	has(resp, "1&ndash;20 of 85 results for <q>create account</q>.");
	has(resp, "<li class=\"sub\">");
	has(resp, "<mark>create</mark>");
	free(resp);

	ck_assert_int_eq(fetch(&resp, "", "/search?q=create%20account&format="
					  "json"),
			 200);
	has(resp, "Content-Type: application/json; charset=utf-8\r\n");
	has(resp, "\"total\":85,");
	free(resp);

	ck_assert_int_eq(fetch(&resp, "", "/object/T1136"), 200);
	has(resp, "<h1>Create Account <span class=\"id\">T1136</span></h1>");
	has(resp, "<a href=\"/object/T1136.001\">Local Account</a>");
	etag = header(resp, "ETag");
	ck_assert_ptr_nonnull(etag);
	free(resp);
	/* A repeat view with the tag: 304, nothing else. */
	opt = xasprintf("-H 'If-None-Match: %s'", etag);
	ck_assert_int_eq(fetch(&resp, opt, "/object/T1136"), 304);
	ck_assert_ptr_null(strstr(resp, "<h1>"));
	free(resp);
	free(opt);
	free(etag);

	ck_assert_int_eq(fetch(&resp, "", "/object/T1136.001?format=json"),
			 200);
	has(resp, "\"id\":\"T1136.001\"");
	free(resp);
	ck_assert_int_eq(fetch(&resp, "", "/object/T1143"), 303);
	has(resp, "\r\nLocation: /object/T1564.003\r\n");
	free(resp);
	ck_assert_int_eq(fetch(&resp, "", "/search?q=T1136"), 303);
	has(resp, "\r\nLocation: /object/T1136\r\n");
	free(resp);
	ck_assert_int_eq(fetch(&resp, "", "/matrix/ics"), 200);
	has(resp, "<th scope=\"col\"><a href=\"/object/TA0108?domain=ics\">");
	free(resp);
	ck_assert_int_eq(fetch(NULL, "", "/object/T9999"), 404);
	ck_assert_int_eq(fetch(NULL, "", "/nope"), 404);
	ck_assert_int_eq(fetch(&resp, "-I", "/object/T1136"), 200);
	ck_assert_ptr_null(strstr(resp, "<h1>"));
	free(resp);
}

/* Hostile requests: exact status, nothing reflected unescaped. */
static void check_hostile(void)
{
	char *resp, *big, *url;
	time_t t0;

	ck_assert_int_eq(fetch(&resp, "",
			       "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
			 200);
	ck_assert_ptr_null(strstr(resp, "<script>"));
	has(resp, "&lt;script&gt;alert(1)&lt;/script&gt;");
	free(resp);
	ck_assert_int_eq(fetch(&resp, "",
			       "/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3D"
			       "alert(1)%3E"),
			 200);
	ck_assert_ptr_null(strstr(resp, "<img"));
	free(resp);
	ck_assert_int_eq(fetch(&resp, "",
			       "/search?q=%27%3B%20DROP%20TABLE%20object%3B%20"
			       "--"),
			 200);
	ck_assert_ptr_null(strstr(resp, "'; DROP TABLE"));
	free(resp);
	/* The store is intact. */
	ck_assert_int_eq(fetch(NULL, "", "/object/T1136"), 200);
	/* lighttpd itself refuses encoded NUL and overlong UTF-8 (400);
	 * a bad escape it re-encodes, so the CGI searches for "%ZZ". */
	ck_assert_int_eq(fetch(NULL, "", "/search?q=%00"), 400);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=%C0%AF"), 400);
	ck_assert_int_eq(fetch(&resp, "", "/search?q=%ZZ"), 200);
	has(resp, "<q>%ZZ</q>");
	free(resp);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=x&page=abc"), 400);
	ck_assert_int_eq(fetch(NULL, "", "/search?q=x&domain=mars"), 400);
	ck_assert_int_eq(fetch(&resp, "-X POST -d q=x", "/search"), 405);
	has(resp, "\r\nAllow: GET, HEAD\r\n");
	free(resp);
	ck_assert_int_eq(fetch(NULL, "-X DELETE", "/object/T1136"), 405);
	ck_assert_int_eq(fetch(NULL, "-X OPTIONS", "/"), 405);
	/* A 1 MB query string: refused, quickly. lighttpd refuses a request
	 * line over server.max-request-field-size (32 KiB in our config)
	 * itself, with 431; longer than KB_MAX_QUERY_STRING (8 KiB) but
	 * within that, the CGI answers 414. */
	big = xmalloc((1u << 20) + 1);
	memset(big, 'a', 1u << 20);
	big[1u << 20] = '\0';
	t0 = time(NULL);
	ck_assert_int_eq(raw_get_status(big), 431);
	ck_assert_int_le(time(NULL) - t0, 2);
	url = xasprintf("/search?q=%.9000s", big);
	ck_assert_int_eq(fetch(NULL, "", url), 414);
	free(url);
	free(big);
	/* Path traversal reaches no file. */
	ck_assert_int_eq(fetch(&resp, "--path-as-is",
			       "/object/../../../etc/passwd"),
			 404);
	ck_assert_ptr_null(strstr(resp, "root:"));
	free(resp);
	ck_assert_int_eq(fetch(&resp, "--path-as-is",
			       "/static/%2e%2e/%2e%2e/etc/passwd"),
			 404);
	ck_assert_ptr_null(strstr(resp, "root:"));
	free(resp);
}

START_TEST(test_cgi_pages)
{
	check_pages();
}
END_TEST

START_TEST(test_cgi_hostile)
{
	check_hostile();
}
END_TEST

START_TEST(test_fcgi_pages)
{
	check_pages();
}
END_TEST

START_TEST(test_fcgi_hostile)
{
	check_hostile();
}
END_TEST

/* Headless Chromium: the DOM it renders, and a screenshot. */
static char *chromium(const char *what, const char *url, const char *size)
{
	char *out = NULL, *profile = test_tmpdir();
	int rc;

	need("chromium");
	rc = test_run(&out,
		      "chromium --headless --no-sandbox --disable-gpu "
		      "--disable-background-networking "
		      "--disable-component-update --disable-sync "
		      "--no-first-run --user-data-dir='%s' %s "
		      "'http://127.0.0.1:%d%s' 2>/dev/null",
		      profile, what, port, url);
	test_rmtree(profile);
	free(profile);
	(void)size;
	ck_assert_msg(rc == 0, "chromium %s %s: exit %d", what, url, rc);
	return out;
}

static void screenshot(const char *name, const char *url, const char *size)
{
	char *what = xasprintf("--hide-scrollbars --window-size=%s "
			       "--screenshot='%s/%s'",
			       size, shots, name);
	char *path = xasprintf("%s/%s", shots, name);
	size_t len;
	char *png;

	free(chromium(what, url, size));
	png = test_slurp(path, &len);
	ck_assert_uint_gt(len, 10000);
	ck_assert(memcmp(png, "\x89PNG", 4) == 0);
	free(png);
	free(path);
	free(what);
}

START_TEST(test_browser_search)
{
	char *dom = chromium("--dump-dom", "/search?q=create+account", NULL);

	/* The browser built the page we meant: title, the hit list with
	 * T1136 first and its sub-techniques nested, marks, the pager. */
	has(dom, "<title>create account - attackkb</title>");
	has(dom, "<ol class=\"hits\">");
	has(dom, "<a href=\"/object/T1136\">Create Account</a>");
	has(dom, "<li class=\"sub\">");
	has(dom, "<mark>create</mark>");
	has(dom, "Page 1 of 5");
	ck_assert_ptr_null(strstr(dom, "<script"));
	free(dom);
	screenshot("search-create-account.png", "/search?q=create+account",
		   "1280,1600");
	screenshot("search-phone.png", "/search?q=create+account", "412,900");
}
END_TEST

START_TEST(test_browser_object)
{
	char *dom = chromium("--dump-dom", "/object/T1136", NULL);

	has(dom, "<h1>Create Account <span class=\"id\">T1136</span></h1>");
	has(dom, "<section id=\"mitigations\">");
	has(dom, "<section id=\"references\">");
	has(dom, "<a href=\"#ref-2\" title=\"Symantec WastedLocker June "
		 "2020\">[2]</a>");
	has(dom, "<code>wmic.exe</code>");
	free(dom);
	screenshot("object-T1136.png", "/object/T1136", "1280,2000");
	screenshot("matrix-enterprise.png", "/matrix/enterprise", "1600,1200");
}
END_TEST

/* wrk: 20 connections for a few seconds; every request answered. */
static void load(const char *url, int seconds)
{
	char *out = NULL;
	long requests = 0;
	const char *p;

	need("wrk");
	ck_assert_int_eq(test_run(&out,
				  "wrk -t2 -c20 -d%ds 'http://127.0.0.1:%d%s' "
				  "2>&1",
				  seconds, port, url),
			 0);
	p = strstr(out, " requests in ");
	ck_assert_msg(p != NULL, "wrk said: %s", out);
	while (p > out && p[-1] != '\n' && p[-1] != ' ')
		p--;
	requests = atol(p);
	fprintf(stderr, "load %s: %ld requests in %d s\n", url, requests,
		seconds);
	ck_assert_int_gt(requests, 20);
	ck_assert_msg(!strstr(out, "Non-2xx or 3xx responses"), "wrk: %s",
		      out);
	ck_assert_msg(!strstr(out, "Socket errors"), "wrk: %s", out);
	free(out);
}

START_TEST(test_cgi_load)
{
	load("/object/T1136", 3);
}
END_TEST

START_TEST(test_fcgi_load)
{
	load("/search?q=create+account", 3);
	load("/object/T1136", 2);
}
END_TEST

Suite *serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("cgi");
	TCase *tf = tcase_create("fastcgi");

	/* One server per case, started in the runner's process. */
	tcase_add_unchecked_fixture(tc, cgi_setup, server_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cgi_pages);
	tcase_add_test(tc, test_cgi_hostile);
	tcase_add_test(tc, test_browser_search);
	tcase_add_test(tc, test_browser_object);
	tcase_add_test(tc, test_cgi_load);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(tf, fcgi_setup, server_teardown);
	tcase_set_timeout(tf, 120);
	tcase_add_test(tf, test_fcgi_pages);
	tcase_add_test(tf, test_fcgi_hostile);
	tcase_add_test(tf, test_fcgi_load);
	suite_add_tcase(s, tf);
	return s;
}
