/* tests/check_pages.c: the pages of attackkb.cgi, called through
 * app_handle() on a store of the shipped ATT&CK v18.1 bundles: routing,
 * content, JSON, validators, refusals; and the Markdown renderer. The
 * numbers (85 hits for "create account", 3 sub-techniques of T1136, 14
 * enterprise tactics...) were read off the bundles independently. */
#include "tests.h"
#include "kb/store.h"
#include "kb/query.h"
#include "kb/search.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "web/app.h"
#include "web/render.h"
#include "web_fixture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *db; /* the shipped store */

static void shipped_setup(void)
{
	db = web_store();
}

static void shipped_teardown(void)
{
}

/* A whole response: its status, headers and body. */
typedef struct {
	char *raw;          /* everything app_handle() wrote */
	int status;         /* from "Status: N" */
	const char *body;   /* after the blank line */
} response;

static response request_h(const char *method, const char *path,
			  const char *qs, const char *inm, const char *ims)
{
	cgi_env env = {.request_method = method,
		       .path_info = path,
		       .query_string = qs,
		       .if_none_match = inm,
		       .if_modified_since = ims,
		       .db_path = db};
	strbuf out = STRBUF_INIT;
	response r;
	const char *end;

	app_handle(&out, &env);
	r.raw = strbuf_detach(&out);
	ck_assert_msg(sscanf(r.raw, "Status: %d ", &r.status) == 1,
		      "no status: %.60s", r.raw);
	end = strstr(r.raw, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	r.body = end + 4;
	return r;
}

static response get(const char *path, const char *qs)
{
	return request_h("GET", path, qs, NULL, NULL);
}

/* The value of header name (without the CRLF), or NULL. Caller frees. */
static char *header(const response *r, const char *name)
{
	char *needle = xasprintf("\r\n%s: ", name);
	const char *p = strstr(r->raw, needle);
	const char *end = strstr(r->raw, "\r\n\r\n");
	char *v = NULL;

	if (p && p < end) {
		p += strlen(needle);
		v = xstrndup(p, strcspn(p, "\r"));
	}
	free(needle);
	return v;
}

static void expect_header(const response *r, const char *name,
			  const char *want)
{
	char *v = header(r, name);

	ck_assert_msg(v != NULL, "no %s header", name);
	ck_assert_str_eq(v, want);
	free(v);
}

static void has(const response *r, const char *s)
{
	ck_assert_msg(strstr(r->body, s) != NULL, "body lacks: %s", s);
}

static void lacks(const response *r, const char *s)
{
	ck_assert_msg(strstr(r->body, s) == NULL, "body has: %s", s);
}

/* How often s occurs in the body. */
static size_t count(const response *r, const char *s)
{
	size_t n = 0;

	for (const char *p = strstr(r->body, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

static json_t *body_json(const response *r)
{
	json_error_t e;
	json_t *j = json_loads(r->body, 0, &e);

	ck_assert_msg(j != NULL, "not JSON: %s (%.80s)", e.text, r->body);
	return j;
}

START_TEST(test_home)
{
	response r = get("/", NULL);
	json_t *j, *rel;

	ck_assert_int_eq(r.status, 200);
	expect_header(&r, "Content-Type", "text/html; charset=utf-8");
	has(&r, "<form class=\"search big\"");
	has(&r, "<a href=\"/matrix/enterprise\">enterprise-attack</a>");
	has(&r, "<a href=\"/matrix/mobile\">mobile-attack</a>");
	has(&r, "<a href=\"/matrix/ics\">ics-attack</a>");
	has(&r, "<td>18.1</td>");
	lacks(&r, "data/attack/"); /* no server paths */
	free(r.raw);

	r = get("/", "format=json");
	ck_assert_int_eq(r.status, 200);
	expect_header(&r, "Content-Type", "application/json; charset=utf-8");
	j = body_json(&r);
	rel = json_object_get(j, "releases");
	ck_assert_int_eq(json_array_size(rel), 3);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(rel, 0), "version")),
			 "18.1");
	ck_assert(json_is_true(
		json_object_get(json_array_get(rel, 0), "current")));
	lacks(&r, "source");
	json_decref(j);
	free(r.raw);
}
END_TEST

START_TEST(test_search_create_account)
{
	response r = get("/search", "q=create+account");
	const char *t1136, *sub;

	ck_assert_int_eq(r.status, 200);
	has(&r, "1&ndash;20 of 85 results for <q>create account</q>.");
	/* T1136 first, its three sub-techniques right under it. */
	t1136 = strstr(r.body, "<ol class=\"hits\">\n<li><div "
			       "class=\"hit-head\"><span class=\"id\"><a "
			       "href=\"/object/T1136\">T1136</a>");
	ck_assert_ptr_nonnull(t1136);
	sub = strstr(t1136, "<li class=\"sub\">");
	ck_assert_ptr_nonnull(sub);
	ck_assert_ptr_nonnull(strstr(sub, "/object/T1136.001"));
	ck_assert(strstr(sub, "/object/T1136.001") <
		  strstr(sub, "/object/T1136.002"));
	ck_assert(strstr(sub, "/object/T1136.002") <
		  strstr(sub, "/object/T1136.003"));
	has(&r, "Adversaries may <mark>create</mark> a local <mark>account"
		"</mark>");
	/* 85 hits: 5 pages; the form keeps the text. */
	has(&r, "<span>Page 1 of 5</span>");
	has(&r, "<a rel=\"next\" href=\"/search?q=create%20account&amp;page=2"
		"\">");
	has(&r, "value=\"create account\"");
	free(r.raw);

	r = get("/search", "q=create+account&page=5");
	ck_assert_int_eq(r.status, 200);
	has(&r, "81&ndash;85 of 85 results");
	has(&r, "rel=\"prev\"");
	lacks(&r, "rel=\"next\"");
	free(r.raw);
	r = get("/search", "q=create+account&page=50");
	ck_assert_int_eq(r.status, 200);
	has(&r, "No results on page 50 of 85 results");
	free(r.raw);
}
END_TEST

START_TEST(test_search_ids_and_numbers)
{
	response r = get("/search", "q=T1136");
	char *loc;

	ck_assert_int_eq(r.status, 303);
	loc = header(&r, "Location");
	ck_assert_str_eq(loc, "/object/T1136");
	free(loc);
	free(r.raw);
	r = get("/search", "q=t1136.001");
	loc = header(&r, "Location");
	ck_assert_str_eq(loc, "/object/T1136.001");
	free(loc);
	free(r.raw);
	/* An ID nobody has is searched, not redirected to a 404. */
	r = get("/search", "q=T9999");
	ck_assert_int_eq(r.status, 200);
	has(&r, "No results for <q>T9999</q>");
	free(r.raw);
	/* A bare number: every object with that number, T1136 first. */
	r = get("/search", "q=1136");
	ck_assert_int_eq(r.status, 200);
	has(&r, "<ol class=\"hits\">\n<li><div class=\"hit-head\"><span "
		"class=\"id\"><a href=\"/object/T1136\">");
	free(r.raw);
	/* No text: the form alone. */
	r = get("/search", NULL);
	ck_assert_int_eq(r.status, 200);
	has(&r, "name=\"q\"");
	lacks(&r, "<ol class=\"hits\">");
	free(r.raw);
}
END_TEST

START_TEST(test_search_json)
{
	response r = get("/search", "q=create+account&format=json");
	json_t *j, *hits, *h1;

	ck_assert_int_eq(r.status, 200);
	expect_header(&r, "Content-Type", "application/json; charset=utf-8");
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "query")),
			 "create account");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), 85);
	hits = json_object_get(j, "hits");
	ck_assert_int_eq(json_array_size(hits), 20);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(hits, 0), "id")),
			 "T1136");
	h1 = json_array_get(hits, 1);
	ck_assert_str_eq(json_string_value(json_object_get(h1, "id")),
			 "T1136.001");
	ck_assert_str_eq(json_string_value(json_object_get(h1, "parent")),
			 "T1136");
	ck_assert_ptr_nonnull(strstr(
		json_string_value(json_object_get(h1, "snippet_html")),
		"<mark>create</mark>"));
	ck_assert_ptr_null(
		strchr(json_string_value(json_object_get(h1, "snippet")),
		       KB_MARK_OPEN));
	json_decref(j);
	free(r.raw);

	/* JSON never redirects: an ID is the first hit. */
	r = get("/search", "q=T1136&format=json");
	ck_assert_int_eq(r.status, 200);
	j = body_json(&r);
	h1 = json_array_get(json_object_get(j, "hits"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(h1, "match")),
			 "id");
	json_decref(j);
	free(r.raw);
}
END_TEST

/* Every hit of a filtered search, as JSON, has the wanted member. */
static void expect_all_hits(const char *qs, const char *key,
			    const char *want)
{
	response r = get("/search", qs);
	json_t *j, *hits;
	size_t i;

	ck_assert_int_eq(r.status, 200);
	j = body_json(&r);
	hits = json_object_get(j, "hits");
	ck_assert_msg(json_array_size(hits) > 0, "%s: no hits", qs);
	for (i = 0; i < json_array_size(hits); i++)
		ck_assert_str_eq(json_string_value(json_object_get(
					 json_array_get(hits, i), key)),
				 want);
	json_decref(j);
	free(r.raw);
}

START_TEST(test_search_filters)
{
	expect_all_hits("q=account&domain=mobile&format=json", "domain",
			"mobile-attack");
	expect_all_hits("q=account&domain=ICS&format=json", "domain",
			"ics-attack");
	expect_all_hits("q=apt&type=group&format=json", "type", "group");
	expect_all_hits("q=cobalt&type=software&platform=linux&format=json",
			"type", "software");
}
END_TEST

/* Parameters a page refuses: exact status, message, nothing reflected
 * unescaped. */
static const struct {
	const char *path, *qs;
	int status;
} refusals[] = {
	{"/search", "q=x&domain=mars", 400},
	{"/search", "q=x&domain=%3Cscript%3E", 400},
	{"/search", "q=x&type=%3Cscript%3E", 400},
	{"/search", "q=x&page=0", 400},
	{"/search", "q=x&page=51", 400},
	{"/search", "q=x&page=1e3", 400},
	{"/search", "q=x&page=-1", 400},
	{"/search", "q=x&format=xml", 400},
	{"/search", "q=x&platform=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaa", 400},
	{"/search", "q=a*", 400},
	{"/search", "q=co*+re*+de*+in*+pr*", 400},
	{"/search", "q=%22a%22*", 400},
	{"/search", "q=mimi*", 200},
	{"/search", "q=co*+re*+de*+in*+process", 200},
	{"/object/T1136", "domain=%3Cimg+src%3Dx%3E", 400},
	{"/object/T1136", "format=%3Cscript%3E", 400},
	{"/object/T9999", NULL, 404},
	{"/object/T9999", "format=json", 404},
	{"/object/T1136.999", NULL, 404},
	{"/object/X1136", NULL, 404},
	{"/object/T1136/extra", NULL, 404},
	{"/matrix/pre", NULL, 404},
	{"/matrix/<script>", NULL, 404},
	{"/object/%3Cscript%3E", NULL, 400}, /* PATH_INFO comes decoded */
};

START_TEST(test_refusals)
{
	response r = get(refusals[_i].path, refusals[_i].qs);

	ck_assert_msg(r.status == refusals[_i].status, "%s?%s: %d, want %d",
		      refusals[_i].path, refusals[_i].qs ? refusals[_i].qs : "",
		      r.status, refusals[_i].status);
	ck_assert_ptr_null(strstr(r.raw, "<script>"));
	ck_assert_ptr_null(strstr(r.raw, "<img"));
	free(r.raw);
}
END_TEST

/* Text that is FTS5 syntax, SQL or markup is searched as plain words:
 * never an error, never reflected as markup, and the store is intact. */
static const char *const hostile_q[] = {
	"%27%3B+DROP+TABLE+object%3B+--",
	"%22%29+OR+1%3D1+--",
	"NEAR%28create+account%29",
	"create+OR+account",
	"%7Bname%7D+%3A+account",
	"%22unbalanced",
	"%2A",
	"-account",
	"%5Eaccount",
	"a%2Bb",
	"%3Cscript%3Ealert%281%29%3C%2Fscript%3E",
	"%E2%80%AE%E2%80%8B", /* bidi override, zero width space */
	"%F0%9F%98%80",       /* an emoji */
};

START_TEST(test_hostile_search)
{
	char *qs = xasprintf("q=%s", hostile_q[_i]), *qj;
	response r = get("/search", qs);

	ck_assert_msg(r.status == 200, "q=%s: %d", hostile_q[_i], r.status);
	ck_assert_ptr_null(strstr(r.body, "<script>"));
	free(r.raw);
	qj = xasprintf("%s&format=json", qs);
	r = get("/search", qj);
	ck_assert_int_eq(r.status, 200);
	json_decref(body_json(&r));
	free(r.raw);
	r = get("/object/T1136", NULL);
	ck_assert_int_eq(r.status, 200);
	free(r.raw);
	free(qj);
	free(qs);
}
END_TEST

START_TEST(test_search_too_long)
{
	/* 1025 bytes of text: past KB_MAX_QUERY_TEXT, under the query
	 * string limit: the page refuses it with 400. */
	char *qs = xmalloc(2 + 1025 + 1);

	memcpy(qs, "q=", 2);
	memset(qs + 2, 'a', 1025);
	qs[2 + 1025] = '\0';
	response r = get("/search", qs);
	ck_assert_int_eq(r.status, 400);
	has(&r, "longer than 1024 bytes");
	free(r.raw);
	free(qs);
}
END_TEST

START_TEST(test_object_technique)
{
	response r = get("/object/T1136", NULL);
	const char *refs;

	ck_assert_int_eq(r.status, 200);
	expect_header(&r, "Content-Security-Policy", "default-src 'self'");
	expect_header(&r, "X-Content-Type-Options", "nosniff");
	has(&r, "<title>T1136 Create Account - attackkb</title>");
	has(&r, "<h1>Create Account <span class=\"id\">T1136</span></h1>");
	has(&r, "<dt>Tactic</dt><dd><a href=\"/object/TA0003\">Persistence"
		"</a></dd>");
	has(&r, "<h2>Sub-techniques <span class=\"muted\">3</span></h2>");
	has(&r, "<h2>Mitigations <span class=\"muted\">4</span></h2>");
	has(&r, "<a href=\"/object/M1032\">Multi-factor Authentication</a>");
	/* The relationship's own text, rendered. */
	has(&r, "Use multi-factor authentication for user and privileged "
		"accounts.");
	has(&r, "<h2>Procedure examples <span class=\"muted\">5</span></h2>");
	/* ATT&CK's links point at this site; code spans stay code. */
	has(&r, "<a href=\"/object/G0119\">Indrik Spider</a> used <code>"
		"wmic.exe</code>");
	lacks(&r, "href=\"https://attack.mitre.org/groups");
	has(&r, "<h2>Detection strategies <span class=\"muted\">5</span>");
	has(&r, "<a href=\"/object/AN1604\">AN1604</a>");
	/* Citations link into one reference list. */
	has(&r, "victim systems.<a href=\"#ref-2\" title=\"Symantec "
		"WastedLocker June 2020\">[2]</a>");
	refs = strstr(r.body, "<ol class=\"refs\">");
	ck_assert_ptr_nonnull(refs);
	ck_assert_ptr_nonnull(strstr(refs, "<li id=\"ref-2\">Symantec Threat "
					   "Intelligence. (2020, June 25)."));
	/* The CISA advisory is cited by a procedure only: it is listed. */
	ck_assert_ptr_nonnull(strstr(refs, "<li id=\"ref-3\">CISA."));
	has(&r, "title=\"CISA Scattered Spider Advisory November 2023\">[3]");
	lacks(&r, "(Citation:");
	free(r.raw);
}
END_TEST

START_TEST(test_object_code_and_html)
{
	/* T1113's description has <code>CopyFromScreen</code>. */
	response r = get("/object/T1113", NULL);

	ck_assert_int_eq(r.status, 200);
	has(&r, "<code>CopyFromScreen</code>");
	lacks(&r, "&lt;code&gt;");
	lacks(&r, "raw HTML omitted");
	free(r.raw);
}
END_TEST

START_TEST(test_object_kinds)
{
	static const struct {
		const char *path, *qs, *h1, *section;
	} pages[] = {
		{"/object/T1136.001", NULL, "Local Account",
		 "<dt>Sub-technique of</dt><dd><a href=\"/object/T1136\">"
		 "T1136 Create Account</a>"},
		{"/object/M1028", NULL, "Operating System Configuration",
		 "<h2>Techniques addressed"},
		{"/object/G0016", NULL, "APT29", "<h2>Techniques used"},
		{"/object/S0002", NULL, "Mimikatz", "<h2>Used by"},
		{"/object/TA0003", NULL, "Persistence", "<h2>Techniques"},
		{"/object/C0024", NULL, "SolarWinds Compromise",
		 "<h2>Attributed to"},
		{"/object/DET0001", NULL, NULL, "<h2>Analytics"},
		{"/object/AN0001", NULL, NULL, "<h2>Log sources"},
		{"/object/A0001", "domain=ics", "Workstation",
		 "<h2>Targeted by"},
		{"/object/DC0001", "domain=ics", NULL,
		 "<dt>Domain</dt><dd>ics-attack"},
	};

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		response r = get(pages[i].path, pages[i].qs);

		ck_assert_msg(r.status == 200, "%s: %d", pages[i].path,
			      r.status);
		if (pages[i].h1) {
			char *h1 = xasprintf("<h1>%s <span", pages[i].h1);

			has(&r, h1);
			free(h1);
		}
		has(&r, pages[i].section);
		free(r.raw);
	}
}
END_TEST

START_TEST(test_object_revoked)
{
	/* T1143 was revoked by T1564.003 (its ID also names a deprecated
	 * mitigation, which must not win). */
	response r = get("/object/T1143", NULL);
	char *loc;

	ck_assert_int_eq(r.status, 303);
	loc = header(&r, "Location");
	ck_assert_str_eq(loc, "/object/T1564.003");
	free(loc);
	free(r.raw);
	r = get("/object/t1109", "format=json");
	ck_assert_int_eq(r.status, 303);
	loc = header(&r, "Location");
	ck_assert_str_eq(loc, "/object/T1542.002?format=json");
	free(loc);
	free(r.raw);
}
END_TEST

START_TEST(test_object_json)
{
	response r = get("/object/T1136", "format=json");
	json_t *j, *secs;

	ck_assert_int_eq(r.status, 200);
	expect_header(&r, "Content-Type", "application/json; charset=utf-8");
	j = body_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "id")), "T1136");
	ck_assert_str_eq(json_string_value(json_object_get(j, "tactics")),
			 "Persistence");
	secs = json_object_get(j, "sections");
	ck_assert_int_eq(json_array_size(json_object_get(secs, "mitigations")),
			 4);
	ck_assert_int_eq(
		json_array_size(json_object_get(secs, "subtechniques")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(secs, "procedures")),
			 5);
	json_decref(j);
	free(r.raw);
	/* Errors of JSON requests are JSON too. */
	r = get("/object/T9999", "format=json");
	ck_assert_int_eq(r.status, 404);
	expect_header(&r, "Content-Type", "application/json; charset=utf-8");
	j = body_json(&r);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "status")),
			 404);
	json_decref(j);
	free(r.raw);
}
END_TEST

START_TEST(test_matrix)
{
	static const char *const enterprise[] = {
		"TA0043", "TA0042", "TA0001", "TA0002", "TA0003",
		"TA0004", "TA0005", "TA0006", "TA0007", "TA0008",
		"TA0009", "TA0011", "TA0010", "TA0040",
	};
	response r = get("/matrix/enterprise", NULL);
	const char *p = r.body, *cell;
	json_t *j, *tactics;

	ck_assert_int_eq(r.status, 200);
	has(&r, "<h2>Enterprise ATT&amp;CK</h2>");
	ck_assert_uint_eq(count(&r, "<th scope=\"col\">"), 14);
	/* Columns in the matrix's tactic_refs order. */
	for (size_t i = 0; i < 14; i++) {
		char *th = xasprintf("<th scope=\"col\"><a "
				     "href=\"/object/%s\">",
				     enterprise[i]);

		p = strstr(p, th);
		ck_assert_msg(p != NULL, "tactic %s out of order",
			      enterprise[i]);
		free(th);
	}
	cell = strstr(r.body, "<a href=\"/object/T1136\">Create Account</a>");
	ck_assert_ptr_nonnull(cell);
	ck_assert(strncmp(cell + strlen("<a href=\"/object/T1136\">Create "
					"Account</a>"),
			  "\n<details><summary>3 sub-techniques</summary>",
			  44) == 0);
	free(r.raw);

	r = get("/matrix/mobile", NULL);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(count(&r, "<th scope=\"col\">"), 12);
	has(&r, "href=\"/object/T1398?domain=mobile\"");
	free(r.raw);

	r = get("/matrix/ICS", "format=json");
	ck_assert_int_eq(r.status, 200);
	j = body_json(&r);
	tactics = json_object_get(
		json_array_get(json_object_get(j, "matrices"), 0), "tactics");
	ck_assert_int_eq(json_array_size(tactics), 12);
	json_decref(j);
	free(r.raw);
}
END_TEST

START_TEST(test_validators)
{
	response r = get("/object/T1136", NULL), again, other;
	char *etag = header(&r, "ETag"), *lm = header(&r, "Last-Modified");
	char *etag2;

	ck_assert_ptr_nonnull(etag);
	ck_assert_ptr_nonnull(lm);
	expect_header(&r, "Cache-Control", "no-cache");
	/* The same page again: the same tag; with it, 304 and no body. */
	again = get("/object/T1136", NULL);
	etag2 = header(&again, "ETag");
	ck_assert_str_eq(etag, etag2);
	free(etag2);
	free(again.raw);
	again = request_h("GET", "/object/T1136", NULL, etag, NULL);
	ck_assert_int_eq(again.status, 304);
	ck_assert_str_eq(again.body, "");
	free(again.raw);
	again = request_h("GET", "/object/T1136", NULL, NULL, lm);
	ck_assert_int_eq(again.status, 304);
	free(again.raw);
	again = request_h("GET", "/object/T1136", NULL, "\"other\"", NULL);
	ck_assert_int_eq(again.status, 200);
	free(again.raw);
	/* Another page, or the same as JSON: another tag. */
	other = get("/object/T1136", "format=json");
	etag2 = header(&other, "ETag");
	ck_assert_str_ne(etag, etag2);
	free(etag2);
	free(other.raw);
	/* HEAD: the headers of GET, no body. */
	again = request_h("HEAD", "/object/T1136", NULL, NULL, NULL);
	ck_assert_int_eq(again.status, 200);
	ck_assert_str_eq(again.body, "");
	etag2 = header(&again, "Content-Length");
	ck_assert_uint_eq(strtoul(etag2, NULL, 10), strlen(r.body));
	free(etag2);
	free(again.raw);
	free(etag);
	free(lm);
	free(r.raw);
}
END_TEST

START_TEST(test_locked_store_503)
{
	/* A copy of the store in rollback-journal mode, held by an exclusive
	 * transaction: readers cannot get in; the page gives up quickly. */
	char *dir = test_tmpdir(), *copy = xasprintf("%s/locked.db", dir);
	const char *saved = db;
	kb_store *holder;
	kb_rows *rows;
	response r;
	time_t t0;

	ck_assert_int_eq(test_run(NULL, "cp '%s' '%s'", db, copy), 0);
	ck_assert_int_eq(kb_store_open(&holder, copy, KB_STORE_WRITE), 0);
	ck_assert_int_eq(kb_rows_query(&rows, holder,
				       "PRAGMA journal_mode = DELETE", NULL,
				       0),
			 0);
	kb_rows_free(rows);
	ck_assert_int_eq(
		kb_rows_query(&rows, holder, "BEGIN EXCLUSIVE", NULL, 0), 0);
	kb_rows_free(rows);
	db = copy;
	t0 = time(NULL);
	r = get("/object/T1136", NULL);
	ck_assert_int_eq(r.status, 503);
	expect_header(&r, "Retry-After", "10");
	has(&r, "not available right now");
	ck_assert_int_le(time(NULL) - t0, 3);
	free(r.raw);
	r = get("/search", "q=account&format=json");
	ck_assert_int_eq(r.status, 503);
	expect_header(&r, "Content-Type", "application/json; charset=utf-8");
	free(r.raw);
	kb_store_rollback(holder);
	/* Released: served again. */
	r = get("/object/T1136", NULL);
	ck_assert_int_eq(r.status, 200);
	free(r.raw);
	db = saved;
	kb_store_close(holder);
	test_rmtree(dir);
	free(copy);
	free(dir);
}
END_TEST

START_TEST(test_fastcgi_cache)
{
	/* A kept store and kept pages give the same bytes as a fresh run. */
	app_cache *cache = app_cache_new(1u << 20);
	cgi_env env = {.request_method = "GET",
		       .path_info = "/object/T1136",
		       .db_path = db};
	strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;

	app_handle(&a, &env);
	app_handle_cached(&b, &env, cache);
	app_handle_cached(&c, &env, cache); /* from the page cache */
	ck_assert_str_eq(a.ptr, b.ptr);
	ck_assert_str_eq(a.ptr, c.ptr);
	strbuf_clear(&c);
	env.path_info = "/search";
	env.query_string = "q=create+account";
	app_handle_cached(&c, &env, cache);
	ck_assert_ptr_nonnull(strstr(c.ptr, "of 85 results"));
	strbuf_free(&a);
	strbuf_free(&b);
	strbuf_free(&c);
	app_cache_free(cache);
}
END_TEST

/* A seventh of the objects of the shipped store, of every type: each
 * page renders (200, or 303 for a revoked ID), with no raw HTML left, no
 * Markdown link unrendered and no <code> shown as text. */
START_TEST(test_many_objects)
{
	static const char *const never[] = {"raw HTML omitted", "&lt;code&gt;",
					    "](http", "Status: 5"};
	kb_store *store;
	kb_rows *ids;
	size_t pages = 0;

	ck_assert_int_eq(kb_store_open(&store, db, KB_STORE_READONLY), 0);
	ck_assert_int_eq(kb_rows_query(&ids, store,
				       "SELECT DISTINCT attack_id, domain FROM "
				       "attack_objects WHERE type <> 'matrix' "
				       "ORDER BY 1, 2",
				       NULL, 0),
			 0);
	for (size_t r = 0; r < ids->nrows; r += 7) {
		const char *domain = kb_rows_get(ids, r, 1);
		char *path = xasprintf("/object/%s", kb_rows_get(ids, r, 0));
		char *qs = xasprintf("domain=%.*s", (int)strcspn(domain, "-"),
				     domain);
		response resp = get(path, qs);

		ck_assert_msg(resp.status == 200 || resp.status == 303,
			      "%s?%s: %d", path, qs, resp.status);
		for (size_t k = 0; k < sizeof(never) / sizeof(*never); k++)
			ck_assert_msg(!strstr(resp.raw, never[k]),
				      "%s?%s: has %s", path, qs, never[k]);
		pages++;
		free(resp.raw);
		free(path);
		free(qs);
	}
	ck_assert_uint_gt(pages, 700);
	kb_rows_free(ids);
	kb_store_close(store);
}
END_TEST

/* The renderer on its own. */
static int cite_foo(void *data, const char *name)
{
	(void)data;
	if (strcmp(name, "Foo 2020") == 0)
		return 1;
	if (strcmp(name, "BlackEnergy (Group)") == 0)
		return 7;
	return 0;
}

static char *md(const char *text, const char *base)
{
	render_opts opts = {base, cite_foo, NULL};
	strbuf sb = STRBUF_INIT;

	render_markdown(&sb, text, &opts);
	return strbuf_detach(&sb);
}

static void expect_md(const char *text, const char *want)
{
	char *got = md(text, "");

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_render_markdown)
{
	char *got;

	expect_md("Run <code>C:\\Windows\\</code> now.",
		  "<p>Run <code>C:\\Windows\\</code> now.</p>\n");
	expect_md("<code>a`b</code> and <CODE>x</CODE>",
		  "<p><code>a`b</code> and <code>x</code></p>\n");
	expect_md("<code>[at](https://attack.mitre.org/software/S0110)</code>",
		  "<p><a href=\"/object/S0110\">at</a></p>\n");
	expect_md("x <script>alert(1)</script> y",
		  "<p>x &lt;script&gt;alert(1)&lt;/script&gt; y</p>\n");
	expect_md("a <img src=x onerror=alert(1)> b",
		  "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n");
	expect_md("<u>Protocol</u> and /proc/<pid>/mem<br>next",
		  "<p>Protocol and /proc/&lt;pid&gt;/mem<br />\nnext</p>\n");
	expect_md("<div onclick=x>\nblock\n</div>",
		  "<p>&lt;div onclick=x&gt;\nblock\n&lt;/div&gt;</p>\n");
	expect_md("[x](javascript:alert(1)) [y](data:text/html,hi)",
		  "<p><a href=\"\">x</a> <a href=\"\">y</a></p>\n");
	expect_md("[Valid Accounts](https://attack.mitre.org/techniques/"
		  "T1078) and [Local](https://attack.mitre.org/techniques/"
		  "T1078/003/) by "
		  "[APT29](http://attack.mitre.org/groups/G0016)",
		  "<p><a href=\"/object/T1078\">Valid Accounts</a> and <a "
		  "href=\"/object/T1078.003\">Local</a> by <a "
		  "href=\"/object/G0016\">APT29</a></p>\n");
	expect_md("[m](https://attack.mitre.org/matrices/ics/) "
		  "[e](https://example.com/attack.mitre.org/techniques/T1078)",
		  "<p><a href=\"/matrix/ics\">m</a> <a "
		  "href=\"https://example.com/attack.mitre.org/techniques/"
		  "T1078\">e</a></p>\n");
	expect_md("Said so.(Citation: Foo 2020)(Citation: Unknown) and "
		  "(Citation: BlackEnergy (Group)).",
		  "<p>Said so.<a href=\"#ref-1\" title=\"Foo 2020\">[1]</a>"
		  "(Citation: Unknown) and <a href=\"#ref-7\" "
		  "title=\"BlackEnergy (Group)\">[7]</a>.</p>\n");
	expect_md("| a | b |\n|---|---|\n| 1 | 2 |",
		  "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n"
		  "</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n"
		  "</tbody>\n</table>\n");
	/* Links to this site carry the script's path. */
	got = md("[T](https://attack.mitre.org/techniques/T1136)",
		 "/cgi-bin/attackkb.cgi");
	ck_assert_str_eq(got, "<p><a href=\"/cgi-bin/attackkb.cgi/object/"
			      "T1136\">T</a></p>\n");
	free(got);
}
END_TEST

START_TEST(test_render_helpers)
{
	char id[16], *s;

	ck_assert(render_attack_url(id, "https://attack.mitre.org/techniques/"
					"T1136/001"));
	ck_assert_str_eq(id, "T1136.001");
	/* The anchor names the component the text points at
	 * (kb/attackid.c reads every attack.mitre.org URL). */
	ck_assert(render_attack_url(id, "https://attack.mitre.org/"
					"datasources/DS0009/#DC0001"));
	ck_assert_str_eq(id, "DC0001");
	ck_assert(!render_attack_url(id, "https://attack.mitre.org/resources"));
	ck_assert(!render_attack_url(id, "https://evil.example/"
					 "attack.mitre.org/groups/G0016"));
	ck_assert(!render_attack_url(id, "javascript:attack.mitre.org/G0016"));
	s = render_plain_snippet("Uses [Valid Accounts](https://attack.mitre."
				 "org/techniques/T1078) to \x02log\x03 in "
				 "(Citation: Foo 2020). More <code>x</code> "
				 "and (Citation: Cut");
	ck_assert_str_eq(s, "Uses Valid Accounts to \x02log\x03 in. More x "
			    "and");
	free(s);
	s = render_plain_snippet("\xE2\x80\xA6" "code>gcloud</code> then "
				 "<co\xE2\x80\xA6");
	ck_assert_str_eq(s, "\xE2\x80\xA6" "gcloud then \xE2\x80\xA6");
	free(s);
	s = render_plain_snippet("\xE2\x80\xA6" "an AWS account)(Citation: "
				 "Varonis) Adversaries may");
	ck_assert_str_eq(s, "\xE2\x80\xA6" " Adversaries may");
	free(s);
}
END_TEST

Suite *pages_suite(void)
{
	Suite *s = suite_create("pages");
	TCase *tc = tcase_create("shipped");
	TCase *tr = tcase_create("render");

	tcase_add_unchecked_fixture(tc, shipped_setup, shipped_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_home);
	tcase_add_test(tc, test_search_create_account);
	tcase_add_test(tc, test_search_ids_and_numbers);
	tcase_add_test(tc, test_search_json);
	tcase_add_test(tc, test_search_filters);
	tcase_add_loop_test(tc, test_refusals, 0,
			    sizeof(refusals) / sizeof(refusals[0]));
	tcase_add_loop_test(tc, test_hostile_search, 0,
			    sizeof(hostile_q) / sizeof(hostile_q[0]));
	tcase_add_test(tc, test_search_too_long);
	tcase_add_test(tc, test_object_technique);
	tcase_add_test(tc, test_object_code_and_html);
	tcase_add_test(tc, test_object_kinds);
	tcase_add_test(tc, test_object_revoked);
	tcase_add_test(tc, test_object_json);
	tcase_add_test(tc, test_matrix);
	tcase_add_test(tc, test_validators);
	tcase_add_test(tc, test_locked_store_503);
	tcase_add_test(tc, test_fastcgi_cache);
	tcase_add_test(tc, test_many_objects);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, test_render_markdown);
	tcase_add_test(tr, test_render_helpers);
	suite_add_tcase(s, tr);
	return s;
}
