/* web/app.c: request -> route -> store -> validators -> page. The store
 * is opened read-only (per request, or kept by a FastCGI server); the
 * entity tag comes from the store's releases and the request, so a repeat
 * view is answered 304 before any page query runs. */
#include "web/app.h"
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/xalloc.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Part of every entity tag: pages change when the program does. */
#define APP_BUILD KB_VERSION " " __DATE__ " " __TIME__

struct app_cache {
	kb_store *store; /* open read-only, or NULL */
	char *path;      /* the path it was opened from */
	dev_t dev;       /* the file it was opened on: a store replaced */
	ino_t ino;       /* by rename() is reopened */
};

/* Columns of the named query "releases" the validators use. */
enum { REL_AT = 5, REL_SEEN = 7, REL_SHA256 = 8 };

static void serve_style(strbuf *out, const cgi_request *req)
{
	http_response r = HTTP_RESPONSE_INIT;
	size_t len = strlen(assets_style_css);
	char etag[HTTP_ETAG_MAX];

	http_etag(etag, assets_style_css, len);
	r.content_type = "text/css; charset=utf-8";
	r.cache_control = "public, max-age=3600";
	r.etag = etag;
	http_respond(out, &r, req, assets_style_css, len);
}

/* Stand-in for the coverage page, which the detections feature writes. */
static void page_placeholder(strbuf *out, const cgi_request *req,
			     const cgi_route_match *route)
{
	http_response r = HTTP_RESPONSE_INIT;
	strbuf body = STRBUF_INIT;

	html_page_begin(&body, req->script_name, "Coverage");
	strbuf_puts(&body, "<h1>Coverage <span class=\"id\">");
	html_escape_text(&body, route->arg);
	strbuf_puts(&body, "</span></h1>\n<p class=\"muted\">This page is not "
			   "written yet.</p>\n");
	html_page_end(&body);
	http_respond(out, &r, req, body.ptr, body.len);
	strbuf_free(&body);
}

/* An error as JSON for ?format=json requests: {"status": N, "error": M}. */
static void json_error(strbuf *out, int status, const char *message,
		       bool head)
{
	http_response r = HTTP_RESPONSE_INIT;
	cgi_request as_sent = {.head = head}; /* only HEAD matters here */
	strbuf body = STRBUF_INIT;
	char *text = format_json_string(message);

	strbuf_printf(&body, "{\"status\":%d,\"error\":%s}\n", status, text);
	free(text);
	r.status = status;
	r.content_type = "application/json; charset=utf-8";
	r.cache_control = "no-store";
	r.retry_after = status == 503 ? 10 : 0;
	http_respond(out, &r, &as_sent, body.ptr, body.len);
	strbuf_free(&body);
}

static void send_error(strbuf *out, int status, const char *message,
		       bool head, bool json)
{
	if (json && status != 405)
		json_error(out, status, message, head);
	else
		http_error(out, status, message, head);
}

static void send_unavailable(strbuf *out, const cgi_request *req, bool json)
{
	fprintf(stderr, "attackkb.cgi: store unavailable: %s\n",
		kb_error_last());
	send_error(out, 503,
		   "The knowledge base is not available right now (missing, "
		   "locked or being rebuilt). Try again shortly; an operator "
		   "builds it with `attackkb ingest` and points ATTACKKB_DB "
		   "at it.",
		   req->head, json);
}

/* The store for this request: the cached one when the file is the same,
 * else a fresh read-only open. *owned says whether the caller closes it. */
static int open_store(kb_store **out, bool *owned, const char *path,
		      app_cache *cache)
{
	struct stat st;
	int error;

	*out = NULL;
	*owned = cache == NULL;
	if (!path || !*path)
		return kb_error_set(KB_ENOTFOUND, "ATTACKKB_DB is not set");
	if (stat(path, &st) < 0)
		return kb_error_errno(KB_ENOTFOUND, "%s", path);
	if (cache && cache->store &&
	    (strcmp(cache->path, path) != 0 || cache->dev != st.st_dev ||
	     cache->ino != st.st_ino)) {
		kb_store_close(cache->store);
		cache->store = NULL;
	}
	if (cache && cache->store) {
		*out = cache->store;
		return 0;
	}
	if ((error = kb_store_open(out, path,
				   KB_STORE_READONLY | KB_STORE_SHORT_WAIT)) <
	    0)
		return error;
	if (cache) {
		cache->store = *out;
		free(cache->path);
		cache->path = xstrdup(path);
		cache->dev = st.st_dev;
		cache->ino = st.st_ino;
	}
	return 0;
}

/* "2025-04-25T14:41:40Z" (or with fractions) -> time_t; 0 if not that. */
static time_t parse_iso(const char *s)
{
	struct tm tm = {0};

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
			 &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* The entity tag of this page at this store's content: the program, the
 * store's path and releases (their SHA-256 and which are shown), the
 * page's path and parameters. Last-Modified: the newest ingest. */
static void set_validators(page_ctx *ctx, const char *db_path)
{
	const kb_rows *rel = ctx->releases;
	strbuf key = STRBUF_INIT;
	time_t t;

	strbuf_printf(&key, "%s\n%s\n", APP_BUILD, db_path);
	ctx->last_modified = 0;
	for (size_t r = 0; r < rel->nrows; r++) {
		const char *sha = kb_rows_get(rel, r, REL_SHA256);
		const char *seen = kb_rows_get(rel, r, REL_SEEN);

		strbuf_printf(&key, "%s %s\n", sha ? sha : "",
			      seen ? seen : "");
		t = parse_iso(kb_rows_get(rel, r, REL_AT));
		if (t > ctx->last_modified)
			ctx->last_modified = t;
	}
	strbuf_printf(&key, "%s\n%s\n", ctx->req->script_name, ctx->req->path);
	for (size_t i = 0; i < ctx->req->nparams; i++) {
		strbuf_puts(&key, ctx->req->params[i].name);
		strbuf_putc(&key, '=');
		strbuf_puts(&key, ctx->req->params[i].value);
		strbuf_putc(&key, '\n');
	}
	http_etag(ctx->etag, key.ptr, key.len);
	strbuf_free(&key);
}

static int run_page(strbuf *out, const page_ctx *ctx,
		    const cgi_route_match *route)
{
	switch (route->kind) {
	case CGI_ROUTE_HOME:
		return page_home(out, ctx);
	case CGI_ROUTE_SEARCH:
		return page_search(out, ctx);
	case CGI_ROUTE_OBJECT:
		return page_object(out, ctx);
	case CGI_ROUTE_MATRIX:
		return page_matrix(out, ctx);
	default:
		page_placeholder(out, ctx->req, route);
		return 0;
	}
}

static void serve_page(strbuf *out, const cgi_request *req,
		       const cgi_route_match *route, const char *db_path,
		       app_cache *cache)
{
	const struct kb_named_query *releases = kb_query_find("releases");
	const char *format = cgi_param(req, "format");
	page_ctx ctx = {0};
	kb_store *store = NULL;
	kb_rows *rel = NULL;
	bool owned = false;
	int error;

	ctx.json = format && strcmp(format, "json") == 0;
	if (format && *format && !ctx.json && strcmp(format, "html") != 0) {
		http_error(out, 400, "format: html or json", req->head);
		return;
	}
	if (open_store(&store, &owned, db_path, cache) < 0 ||
	    kb_rows_query(&rel, store, releases->sql, NULL, 0) < 0) {
		send_unavailable(out, req, ctx.json);
		goto done;
	}
	ctx.req = req;
	ctx.store = store;
	ctx.base = req->script_name;
	ctx.arg = route->arg;
	ctx.releases = rel;
	set_validators(&ctx, db_path);
	if (http_is_fresh(req, ctx.etag, ctx.last_modified)) {
		strbuf none = STRBUF_INIT;

		page_send(out, &ctx, &none); /* 304 */
		goto done;
	}
	kb_error_clear();
	error = run_page(out, &ctx, route);
	if (error == KB_ENOTFOUND)
		send_error(out, 404, kb_error_last(), req->head, ctx.json);
	else if (error == KB_EUSAGE || error == KB_ELIMIT ||
		 error == KB_EPARSE)
		send_error(out, 400, kb_error_last(), req->head, ctx.json);
	else if (error < 0)
		send_unavailable(out, req, ctx.json);
done:
	kb_rows_free(rel);
	if (owned)
		kb_store_close(store);
}

void app_handle_cached(strbuf *out, const cgi_env *env, app_cache *cache)
{
	const char *m = env->request_method;
	bool head = m && strcmp(m, "HEAD") == 0;
	cgi_request *req = NULL;
	cgi_route_match route;
	int status;

	if (cgi_request_parse(&req, &status, env) < 0) {
		http_error(out, status, kb_error_last(), head);
		goto done;
	}
	if (cgi_route(&route, req->path) < 0) {
		http_error(out, 404, "There is no such page.", req->head);
		goto done;
	}
	if (route.kind == CGI_ROUTE_STYLE)
		serve_style(out, req);
	else
		serve_page(out, req, &route, env->db_path, cache);
done:
	cgi_request_free(req);
}

void app_handle(strbuf *out, const cgi_env *env)
{
	app_handle_cached(out, env, NULL);
}

app_cache *app_cache_new(void)
{
	return xcalloc(1, sizeof(app_cache));
}

void app_cache_free(app_cache *cache)
{
	if (!cache)
		return;
	kb_store_close(cache->store);
	free(cache->path);
	free(cache);
}
