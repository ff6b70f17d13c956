/* web/app.c: request -> route -> store -> validators -> page. The store
 * is opened read-only (per request, or kept by a FastCGI server); the
 * entity tag comes from the program, the store's file and releases and the
 * request, so a repeat view is answered 304 before any page query runs,
 * and a FastCGI server can send a page it built before as it is. */
#include "web/app.h"
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/store.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Part of every entity tag: pages change when the program does. */
#define APP_BUILD KB_VERSION " " __DATE__ " " __TIME__

/* A page kept by a FastCGI server: the body sent for one entity tag. */
typedef struct {
	char *key;   /* what the entity tag hashes (set_validators) */
	char *body;  /* the 200 response's body */
	size_t len;  /* its length */
	bool json;   /* its type: application/json, else text/html */
} kept_page;

struct app_cache {
	kb_store *store;  /* open read-only, or NULL */
	char *path;       /* the path it was opened from */
	dev_t dev;        /* the file it was opened on: a store replaced */
	ino_t ino;        /* by rename() is reopened */
	size_t max_bytes; /* bodies kept at most; 0 keeps none */
	size_t bytes;     /* bodies kept now */
	kept_page *pages; /* kept pages */
	size_t npages;
	strmap *index;    /* key -> 1 + index in pages */
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
	error = kb_store_open(out, path,
			      KB_STORE_READONLY | KB_STORE_SHORT_WAIT);
	if (error < 0)
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

/* What the page's bytes depend on, hashed into its entity tag: the
 * program; the store's path, file (device, inode, size and time of the
 * database and its WAL: any write changes one) and releases (SHA-256 and
 * which are shown); the page's path and parameters. Last-Modified: the
 * newest of the files' times and the releases' ingest times. */
static void set_validators(page_ctx *ctx, strbuf *key, const char *db_path)
{
	const kb_rows *rel = ctx->releases;
	char *wal = xasprintf("%s-wal", db_path);
	const char *files[2] = {db_path, wal};
	struct stat st;
	time_t t;

	strbuf_printf(key, "%s\n%s\n", APP_BUILD, db_path);
	ctx->last_modified = 0;
	for (size_t i = 0; i < 2; i++) {
		if (stat(files[i], &st) < 0)
			continue;
		strbuf_printf(key, "%ju %ju %jd %jd.%09ld\n",
			      (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
			      (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
			      st.st_mtim.tv_nsec);
		if (st.st_mtim.tv_sec > ctx->last_modified)
			ctx->last_modified = st.st_mtim.tv_sec;
	}
	free(wal);
	for (size_t r = 0; r < rel->nrows; r++) {
		const char *sha = kb_rows_get(rel, r, REL_SHA256);
		const char *seen = kb_rows_get(rel, r, REL_SEEN);

		strbuf_printf(key, "%s %s\n", sha ? sha : "",
			      seen ? seen : "");
		t = parse_iso(kb_rows_get(rel, r, REL_AT));
		if (t > ctx->last_modified)
			ctx->last_modified = t;
	}
	strbuf_printf(key, "%s\n%s\n", ctx->req->script_name, ctx->req->path);
	for (size_t i = 0; i < ctx->req->nparams; i++) {
		strbuf_puts(key, ctx->req->params[i].name);
		strbuf_putc(key, '=');
		strbuf_puts(key, ctx->req->params[i].value);
		strbuf_putc(key, '\n');
	}
	http_etag(ctx->etag, key->ptr, key->len);
}

static void cache_clear(app_cache *cache)
{
	for (size_t i = 0; i < cache->npages; i++) {
		free(cache->pages[i].key);
		free(cache->pages[i].body);
	}
	free(cache->pages);
	cache->pages = NULL;
	cache->npages = 0;
	cache->bytes = 0;
	strmap_free(cache->index);
	cache->index = strmap_new();
}

static const kept_page *cache_get(const app_cache *cache, const char *key)
{
	size_t at;

	if (!cache || !cache->max_bytes)
		return NULL;
	at = (size_t)(uintptr_t)strmap_get(cache->index, key);
	return at ? &cache->pages[at - 1] : NULL;
}

/* Keep a page; when the bodies would pass max_bytes, start afresh (the
 * pages asked most come back first). */
static void cache_put(app_cache *cache, const char *key, const strbuf *body,
		      bool json)
{
	kept_page *p;

	if (!cache || !cache->max_bytes || body->len > cache->max_bytes / 4 ||
	    strmap_get(cache->index, key))
		return;
	if (cache->bytes + body->len > cache->max_bytes)
		cache_clear(cache);
	cache->pages = xreallocarray(cache->pages, cache->npages + 1,
				     sizeof(kept_page));
	p = &cache->pages[cache->npages++];
	p->key = xstrdup(key);
	p->body = xmalloc(body->len + 1);
	memcpy(p->body, body->ptr, body->len + 1);
	p->len = body->len;
	p->json = json;
	cache->bytes += body->len;
	strmap_put(cache->index, key, (void *)(uintptr_t)cache->npages);
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
	case CGI_ROUTE_COVERAGE:
		return page_coverage(out, ctx);
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
	const kept_page *kept;
	page_ctx ctx = {0};
	kb_store *store = NULL;
	kb_rows *rel = NULL;
	strbuf key = STRBUF_INIT, body = STRBUF_INIT;
	bool owned = false;
	int error;

	ctx.json = format && strcmp(format, "json") == 0;
	if (format && *format && !ctx.json && strcmp(format, "html") != 0) {
		http_error(out, 400, "format: html or json", req->head);
		return;
	}
	/* One read transaction: one snapshot, one lock, for the page. */
	if (open_store(&store, &owned, db_path, cache) < 0 ||
	    kb_store_begin_read(store) < 0 ||
	    kb_rows_query(&rel, store, releases->sql, NULL, 0) < 0) {
		send_unavailable(out, req, ctx.json);
		goto done;
	}
	ctx.req = req;
	ctx.store = store;
	ctx.base = req->script_name;
	ctx.arg = route->arg;
	ctx.releases = rel;
	set_validators(&ctx, &key, db_path);
	if (http_is_fresh(req, ctx.etag, ctx.last_modified)) {
		page_send(out, &ctx, &body); /* 304, no body */
		goto done;
	}
	if ((kept = cache_get(cache, key.ptr)) != NULL) {
		strbuf copy = {kept->body, kept->len, 0};

		ctx.json = kept->json;
		page_send(out, &ctx, &copy);
		goto done;
	}
	if (cache && cache->max_bytes)
		ctx.keep = &body;
	kb_error_clear();
	error = run_page(out, &ctx, route);
	if (error == KB_ENOTFOUND)
		send_error(out, 404, kb_error_last(), req->head, ctx.json);
	else if (error == KB_EUSAGE || error == KB_ELIMIT ||
		 error == KB_EPARSE)
		send_error(out, 400, kb_error_last(), req->head, ctx.json);
	else if (error < 0)
		send_unavailable(out, req, ctx.json);
	else if (body.len)
		cache_put(cache, key.ptr, &body, ctx.json);
done:
	if (store)
		kb_store_rollback(store); /* ends the read transaction */
	kb_rows_free(rel);
	if (owned)
		kb_store_close(store);
	strbuf_free(&key);
	strbuf_free(&body);
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

app_cache *app_cache_new(size_t max_bytes)
{
	app_cache *cache = xcalloc(1, sizeof(app_cache));

	cache->max_bytes = max_bytes;
	cache->index = strmap_new();
	return cache;
}

void app_cache_free(app_cache *cache)
{
	if (!cache)
		return;
	cache_clear(cache);
	strmap_free(cache->index);
	kb_store_close(cache->store);
	free(cache->path);
	free(cache);
}
