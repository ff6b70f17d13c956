/* tests/check_cgi.c: CGI request parsing (methods, limits, strict decoding,
 * PATH_INFO normalisation), routing, ATT&CK IDs, UTF-8 validation. */
#include "tests.h"
#include "kb/attackid.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "web/cgi.h"
#include "web/utf8.h"

#include <stdlib.h>
#include <string.h>

/* Parse one request; returns the status and keeps the request (or NULL). */
static int parse(cgi_request **req, const char *method, const char *path,
		 const char *qs)
{
	cgi_env env = {.request_method = method,
		       .path_info = path,
		       .query_string = qs};
	int status = -1, error = cgi_request_parse(req, &status, &env);

	ck_assert_int_eq(error < 0, status != 200);
	ck_assert_int_eq(*req == NULL, status != 200);
	return status;
}

static int status_of(const char *method, const char *path, const char *qs)
{
	cgi_request *req;
	int status = parse(&req, method, path, qs);

	cgi_request_free(req);
	return status;
}

/* Hostile and borderline requests with the exact status each must get. */
static const struct {
	const char *method, *path, *qs;
	int status;
} cases[] = {
	{"GET", "/", "", 200},
	{"HEAD", "/", NULL, 200},
	{"GET", NULL, NULL, 200},
	{"POST", "/", "", 405},
	{"PUT", "/", "", 405},
	{"DELETE", "/", "", 405},
	{"OPTIONS", "/", "", 405},
	{"TRACE", "/", "", 405},
	{"CONNECT", "/", "", 405},
	{"PATCH", "/", "", 405},
	{"get", "/", "", 405},
	{"GET ", "/", "", 405},
	{"", "/", "", 405},
	{NULL, "/", "", 405},
	/* bad escapes */
	{"GET", "/search", "q=%ZZ", 400},
	{"GET", "/search", "q=%4", 400},
	{"GET", "/search", "q=%", 400},
	{"GET", "/search", "q=%G1", 400},
	{"GET", "/search", "q=%%41", 400},
	{"GET", "/search", "%Z=1", 400},
	/* NUL */
	{"GET", "/search", "q=%00", 400},
	{"GET", "/search", "q=a%00b", 400},
	{"GET", "/search", "%00=x", 400},
	/* not UTF-8 once decoded */
	{"GET", "/search", "q=%C0%AF", 400},          /* overlong '/' */
	{"GET", "/search", "q=%C0%80", 400},          /* overlong NUL */
	{"GET", "/search", "q=%E0%80%AF", 400},       /* overlong, 3 bytes */
	{"GET", "/search", "q=%F0%80%80%AF", 400},    /* overlong, 4 bytes */
	{"GET", "/search", "q=%ED%A0%80", 400},       /* surrogate D800 */
	{"GET", "/search", "q=%ED%BF%BF", 400},       /* surrogate DFFF */
	{"GET", "/search", "q=%F4%90%80%80", 400},    /* above U+10FFFF */
	{"GET", "/search", "q=%FF", 400},
	{"GET", "/search", "q=%80", 400},             /* stray continuation */
	{"GET", "/search", "q=%C3", 400},             /* truncated */
	{"GET", "/search", "q=%E2%82", 400},          /* truncated */
	{"GET", "/search", "q=\xC3\xA9\xC3", 400},     /* raw, truncated */
	{"GET", "/search", "%C0%AF=1", 400},          /* in a name */
	/* raw control bytes */
	{"GET", "/search", "q=a\tb", 400},
	{"GET", "/search", "q=a\r\nSet-Cookie:x", 400},
	{"GET", "/search", "q=\x7f", 400},
	/* fine */
	{"GET", "/search", "q=%C3%A9", 200},
	{"GET", "/search", "q=%F0%9F%98%80", 200},
	{"GET", "/search", "q=%EF%BF%BD", 200},
	{"GET", "/search", "q=caf\xC3\xA9", 200},
	{"GET", "/search", "q=%0D%0ASet-Cookie:%20x=1", 200}, /* data */
	{"GET", "/search", "q=%3Cscript%3Ealert(1)%3C/script%3E", 200},
	{"GET", "/search", "q='; DROP TABLE object; --", 200},
	{"GET", "/search", "q=%27%3B+DROP+TABLE+object%3B+--", 200},
	/* PATH_INFO */
	{"GET", "/object/../../etc/passwd", NULL, 400},
	{"GET", "/..", NULL, 400},
	{"GET", "/../", NULL, 400},
	{"GET", "/a/./b", NULL, 400},
	{"GET", "/.", NULL, 400},
	{"GET", "/object/..\\..\\etc\\passwd", NULL, 400},
	{"GET", "/a\\b", NULL, 400},
	{"GET", "/object/%2e%2e/%2e%2e/etc/passwd", NULL, 400},
	{"GET", "/a%00b", NULL, 400},
	{"GET", "/a\x01", NULL, 400},
	{"GET", "/a\r\nb", NULL, 400},
	{"GET", "/\xC0\xAF", NULL, 400},
	{"GET", "/\xED\xA0\x80", NULL, 400},
	{"GET", "relative", NULL, 400},
	{"GET", "/a/.b/..c/...", NULL, 200},
	{"GET", "/caf\xC3\xA9", NULL, 200},
};

START_TEST(test_parse_status_table)
{
	ck_assert_msg(status_of(cases[_i].method, cases[_i].path,
				cases[_i].qs) == cases[_i].status,
		      "case %d: %s %s ? %s: expected %d", _i,
		      cases[_i].method ? cases[_i].method : "(null)",
		      cases[_i].path ? cases[_i].path : "(null)",
		      cases[_i].qs ? cases[_i].qs : "(null)",
		      cases[_i].status);
}
END_TEST

START_TEST(test_parse_reason_is_plain)
{
	cgi_request *req;

	ck_assert_int_eq(parse(&req, "GET", "/", "q=%3Cscript%3E%ZZ"), 400);
	ck_assert_str_eq(kb_error_last(),
			 "query string: invalid percent-escape at byte 14");
	ck_assert_int_eq(parse(&req, "BREW", "/<script>", ""), 405);
	ck_assert_ptr_null(strchr(kb_error_last(), '<'));
	ck_assert_int_eq(parse(&req, "GET", "/<script>/..", ""), 400);
	ck_assert_ptr_null(strstr(kb_error_last(), "script"));
}
END_TEST

/* A string of n copies of c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

START_TEST(test_parse_length_limits)
{
	char *qs = repeat('a', KB_MAX_QUERY_STRING);
	char *big = repeat('b', 1u << 20);
	char *path = repeat('p', KB_MAX_PATH_INFO);
	cgi_request *req;

	qs[0] = 'q';
	qs[1] = '=';
	ck_assert_int_eq(parse(&req, "GET", "/search", qs), 200);
	ck_assert_uint_eq(strlen(cgi_param(req, "q")),
			  KB_MAX_QUERY_STRING - 2);
	cgi_request_free(req);
	qs = realloc(qs, KB_MAX_QUERY_STRING + 2);
	strcat(qs, "a");
	ck_assert_int_eq(parse(&req, "GET", "/search", qs), 414);
	ck_assert_int_eq(parse(&req, "GET", "/search", big), 414);
	ck_assert_int_eq(parse(&req, "HEAD", "/search", big), 414);
	ck_assert_int_eq(parse(&req, "POST", "/search", big), 405);

	path[0] = '/';
	ck_assert_int_eq(parse(&req, "GET", path, NULL), 200);
	cgi_request_free(req);
	path = realloc(path, KB_MAX_PATH_INFO + 2);
	strcat(path, "p");
	ck_assert_int_eq(parse(&req, "GET", path, NULL), 414);
	big[0] = '/';
	ck_assert_int_eq(parse(&req, "GET", big, NULL), 414);
	free(qs);
	free(big);
	free(path);
}
END_TEST

START_TEST(test_parse_param_limit)
{
	strbuf qs = STRBUF_INIT;
	cgi_request *req;

	for (int i = 0; i < KB_MAX_PARAMS; i++)
		strbuf_printf(&qs, "%sp%d=%d", i ? "&" : "", i, i);
	ck_assert_int_eq(parse(&req, "GET", "/", qs.ptr), 200);
	ck_assert_uint_eq(req->nparams, KB_MAX_PARAMS);
	ck_assert_str_eq(cgi_param(req, "p31"), "31");
	cgi_request_free(req);
	strbuf_puts(&qs, "&&&"); /* empty pairs do not count */
	ck_assert_int_eq(parse(&req, "GET", "/", qs.ptr), 200);
	cgi_request_free(req);
	strbuf_puts(&qs, "x");
	ck_assert_int_eq(parse(&req, "GET", "/", qs.ptr), 400);
	ck_assert_str_eq(kb_error_last(),
			 "query string: more than 32 parameters");
	strbuf_free(&qs);
}
END_TEST

START_TEST(test_param_decoding)
{
	cgi_request *req;

	ck_assert_int_eq(parse(&req, "GET", "/search",
			       "q=a+b%20c%2Bd&q=second&flag&&e=%e2%82%ac&"
			       "k=a=b&=anon&x%5By%5D=%3Cb%3E"),
			 200);
	ck_assert_str_eq(cgi_param(req, "q"), "a b c+d");
	ck_assert_str_eq(cgi_param(req, "flag"), "");
	ck_assert_str_eq(cgi_param(req, "e"), "\xE2\x82\xAC");
	ck_assert_str_eq(cgi_param(req, "k"), "a=b");
	ck_assert_str_eq(cgi_param(req, ""), "anon");
	ck_assert_str_eq(cgi_param(req, "x[y]"), "<b>");
	ck_assert_ptr_null(cgi_param(req, "missing"));
	ck_assert_ptr_null(cgi_param(req, "Q"));
	ck_assert_uint_eq(req->nparams, 7);
	ck_assert_str_eq(req->params[1].value, "second");
	ck_assert(!req->head);
	cgi_request_free(req);

	ck_assert_int_eq(parse(&req, "HEAD", "/", "q=%0D%0A"), 200);
	ck_assert_str_eq(cgi_param(req, "q"), "\r\n");
	ck_assert(req->head);
	cgi_request_free(req);
	cgi_request_free(NULL);
}
END_TEST

START_TEST(test_path_normalised)
{
	static const char *const pairs[][2] = {
		{NULL, "/"},
		{"", "/"},
		{"/", "/"},
		{"//", "/"},
		{"/search/", "/search"},
		{"//object//T1136/", "/object/T1136"},
		{"/a/.b/..c", "/a/.b/..c"},
	};
	cgi_request *req;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		ck_assert_int_eq(parse(&req, "GET", pairs[i][0], NULL), 200);
		ck_assert_str_eq(req->path, pairs[i][1]);
		cgi_request_free(req);
	}
}
END_TEST

START_TEST(test_env_fields)
{
	char *long_etag = repeat('e', 2000);
	cgi_env env = {.request_method = "GET",
		       .script_name = "/cgi-bin/attackkb.cgi/",
		       .if_none_match = "\"abc\"",
		       .if_modified_since = "Sun, 06 Nov 1994 08:49:37 GMT"};
	cgi_request *req;
	int status;

	ck_assert_int_eq(cgi_request_parse(&req, &status, &env), 0);
	ck_assert_int_eq(status, 200);
	ck_assert_str_eq(req->script_name, "/cgi-bin/attackkb.cgi");
	ck_assert_str_eq(req->if_none_match, "\"abc\"");
	ck_assert_str_eq(req->if_modified_since,
			 "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert_uint_eq(req->nparams, 0);
	cgi_request_free(req);

	env.script_name = NULL;
	env.if_none_match = long_etag; /* ignored, not refused */
	env.if_modified_since = "x\r\nSet-Cookie: a=b";
	ck_assert_int_eq(cgi_request_parse(&req, &status, &env), 0);
	ck_assert_str_eq(req->script_name, "");
	ck_assert_ptr_null(req->if_none_match);
	ck_assert_ptr_null(req->if_modified_since);
	cgi_request_free(req);
	free(long_etag);
}
END_TEST

START_TEST(test_env_from_getenv)
{
	cgi_env env;

	setenv("REQUEST_METHOD", "HEAD", 1);
	setenv("PATH_INFO", "/object/t1136", 1);
	setenv("QUERY_STRING", "a=1", 1);
	setenv("ATTACKKB_DB", "/tmp/x.db", 1);
	unsetenv("HTTP_IF_NONE_MATCH");
	cgi_env_from_getenv(&env);
	ck_assert_str_eq(env.request_method, "HEAD");
	ck_assert_str_eq(env.path_info, "/object/t1136");
	ck_assert_str_eq(env.query_string, "a=1");
	ck_assert_str_eq(env.db_path, "/tmp/x.db");
	ck_assert_ptr_null(env.if_none_match);
}
END_TEST

/* Paths and where they lead; NULL arg means 404. */
static const struct {
	const char *path;
	int kind;
	const char *arg;
} routes[] = {
	{"/", CGI_ROUTE_HOME, ""},
	{"/search", CGI_ROUTE_SEARCH, ""},
	{"/static/style.css", CGI_ROUTE_STYLE, ""},
	{"/object/T1136", CGI_ROUTE_OBJECT, "T1136"},
	{"/object/t1136.001", CGI_ROUTE_OBJECT, "T1136.001"},
	{"/object/ta0003", CGI_ROUTE_OBJECT, "TA0003"},
	{"/object/m1028", CGI_ROUTE_OBJECT, "M1028"},
	{"/object/g0016", CGI_ROUTE_OBJECT, "G0016"},
	{"/object/S0002", CGI_ROUTE_OBJECT, "S0002"},
	{"/object/c0001", CGI_ROUTE_OBJECT, "C0001"},
	{"/object/Ds0009", CGI_ROUTE_OBJECT, "DS0009"},
	{"/object/dC0032", CGI_ROUTE_OBJECT, "DC0032"},
	{"/object/det0001", CGI_ROUTE_OBJECT, "DET0001"},
	{"/object/an0110", CGI_ROUTE_OBJECT, "AN0110"},
	{"/object/a0001", CGI_ROUTE_OBJECT, "A0001"},
	{"/matrix/enterprise", CGI_ROUTE_MATRIX, "enterprise-attack"},
	{"/matrix/Enterprise-Attack", CGI_ROUTE_MATRIX, "enterprise-attack"},
	{"/matrix/mobile", CGI_ROUTE_MATRIX, "mobile-attack"},
	{"/matrix/ICS-attack", CGI_ROUTE_MATRIX, "ics-attack"},
	{"/coverage/ics", CGI_ROUTE_COVERAGE, "ics-attack"},
	{"/coverage/mobile-attack", CGI_ROUTE_COVERAGE, "mobile-attack"},
	{"/object/T113", 0, NULL},
	{"/object/T11366", 0, NULL},
	{"/object/T1136.01", 0, NULL},
	{"/object/T1136.0011", 0, NULL},
	{"/object/T1136.", 0, NULL},
	{"/object/M1028.001", 0, NULL},
	{"/object/X1234", 0, NULL},
	{"/object/TAB0001", 0, NULL},
	{"/object/DETX0001", 0, NULL},
	{"/object/1136", 0, NULL},
	{"/object/T1136 ", 0, NULL},
	{"/object/T１１３６", 0, NULL}, /* full-width digits */
	{"/object", 0, NULL},
	{"/object/T1136/x", 0, NULL},
	{"/object/<script>alert(1)</script>", 0, NULL},
	{"/object/'; DROP TABLE object; --", 0, NULL},
	{"/matrix", 0, NULL},
	{"/matrix/pre", 0, NULL},
	{"/matrix/enterprise-attackx", 0, NULL},
	{"/matrix/enterprise/x", 0, NULL},
	{"/coverage/", 0, NULL},
	{"/static/other.css", 0, NULL},
	{"/static/style.css/x", 0, NULL},
	{"/Search", 0, NULL},
	{"/etc/passwd", 0, NULL},
	{"/searchx", 0, NULL},
};

START_TEST(test_route_table)
{
	cgi_route_match m;
	int error = cgi_route(&m, routes[_i].path);

	if (!routes[_i].arg) {
		ck_assert_msg(error == KB_ENOTFOUND, "%s should be 404",
			      routes[_i].path);
		ck_assert_str_eq(m.arg, "");
		return;
	}
	ck_assert_msg(error == 0, "%s should route", routes[_i].path);
	ck_assert_int_eq(m.kind, routes[_i].kind);
	ck_assert_str_eq(m.arg, routes[_i].arg);
}
END_TEST

START_TEST(test_attack_id_and_domain)
{
	char id[CGI_ID_MAX];

	/* The web uses kb_is_attack_id(), as `attackkb show` does. */
	ck_assert(kb_is_attack_id("t1136.001", id));
	ck_assert_str_eq(id, "T1136.001");
	ck_assert(kb_is_attack_id("det0001", id));
	ck_assert_str_eq(id, "DET0001");
	ck_assert(!kb_is_attack_id("", id));
	ck_assert(!kb_is_attack_id("T", id));
	ck_assert(!kb_is_attack_id("T1136x", id));
	ck_assert(!kb_is_attack_id("T11361", id));
	ck_assert(!kb_is_attack_id("TA0003.001", id));
	ck_assert(!kb_is_attack_id("X0001", id));
	ck_assert_str_eq(cgi_domain("ENTERPRISE"), "enterprise-attack");
	ck_assert_ptr_null(cgi_domain("enterprise-"));
	ck_assert_ptr_null(cgi_domain(""));
}
END_TEST

START_TEST(test_utf8_boundaries)
{
	static const char *const good[] = {
		"\x7F", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
		"\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
		"\xF4\x8F\xBF\xBF",
	};
	static const char *const bad[] = {
		"\xC0\x80", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80",
		"\xED\xBF\xBF", "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80",
		"\xF5\x80\x80\x80", "\xFF", "\x80", "\xE2\x82", "\xC3\x28",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_msg(utf8_valid(good[i], strlen(good[i])), "good %zu",
			      i);
		ck_assert_uint_eq(utf8_seq_len(good[i], strlen(good[i])),
				  strlen(good[i]));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!utf8_valid(bad[i], strlen(bad[i])), "bad %zu",
			      i);
	ck_assert(utf8_valid("", 0));
	ck_assert(utf8_valid("a\0b", 3));
	ck_assert_uint_eq(utf8_seq_len("abc", 0), 0);
}
END_TEST

Suite *cgi_suite(void)
{
	Suite *s = suite_create("cgi");
	TCase *tc = tcase_create("parse");
	TCase *tr = tcase_create("route");

	tcase_add_loop_test(tc, test_parse_status_table, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_parse_reason_is_plain);
	tcase_add_test(tc, test_parse_length_limits);
	tcase_add_test(tc, test_parse_param_limit);
	tcase_add_test(tc, test_param_decoding);
	tcase_add_test(tc, test_path_normalised);
	tcase_add_test(tc, test_env_fields);
	tcase_add_test(tc, test_env_from_getenv);
	tcase_add_test(tc, test_utf8_boundaries);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tr, test_route_table, 0,
			    sizeof(routes) / sizeof(routes[0]));
	tcase_add_test(tr, test_attack_id_and_domain);
	suite_add_tcase(s, tr);
	return s;
}
