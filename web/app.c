/* web/app.c: request -> route -> response. The pages that read the store
 * are placeholders here: page_placeholder() marks where they plug in. */
#include "web/app.h"
#include "kb/error.h"
#include "kb/xalloc.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/http.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* A search for a bare ATT&CK ID goes straight to the object. */
static bool redirect_id(strbuf *out, const cgi_request *req, const char *q)
{
	char id[CGI_ID_MAX];
	strbuf loc = STRBUF_INIT;

	if (!q || !cgi_attack_id(id, q))
		return false;
	strbuf_puts(&loc, req->script_name);
	strbuf_puts(&loc, "/object/");
	html_encode_url(&loc, id);
	if (http_redirect(out, loc.ptr, req->head) < 0)
		fprintf(stderr, "attackkb.cgi: %s\n", kb_error_last());
	strbuf_free(&loc);
	return true;
}

/* Stand-in for the pages that query the store: a frame, the route and the
 * (escaped) search terms. To be replaced by the store-backed pages. */
static void page_placeholder(strbuf *out, const cgi_request *req,
			     const cgi_route_match *route)
{
	static const char *const titles[] = {
		[CGI_ROUTE_HOME] = "ATT&CK knowledge base",
		[CGI_ROUTE_SEARCH] = "Search",
		[CGI_ROUTE_OBJECT] = "Object",
		[CGI_ROUTE_MATRIX] = "Matrix",
		[CGI_ROUTE_COVERAGE] = "Coverage",
	};
	const char *q = cgi_param(req, "q");
	http_response r = HTTP_RESPONSE_INIT;
	strbuf body = STRBUF_INIT;

	html_page_begin(&body, req->script_name, titles[route->kind]);
	strbuf_puts(&body, "<h1>");
	html_escape_text(&body, titles[route->kind]);
	if (route->arg[0]) {
		strbuf_puts(&body, " <span class=\"id\">");
		html_escape_text(&body, route->arg);
		strbuf_puts(&body, "</span>");
	}
	strbuf_puts(&body, "</h1>\n");
	if (route->kind == CGI_ROUTE_SEARCH && q) {
		strbuf_puts(&body, "<p>Results for <q>");
		html_escape_text(&body, q);
		strbuf_puts(&body, "</q>.</p>\n<form method=\"get\" action=\"");
		html_escape_attr(&body, req->script_name);
		strbuf_puts(&body, "/search\"><input name=\"q\" value=\"");
		html_escape_attr(&body, q);
		strbuf_puts(&body, "\"></form>\n");
	}
	strbuf_puts(&body, "<p class=\"muted\">This page is not written "
			   "yet.</p>\n");
	html_page_end(&body);
	http_respond(out, &r, req, body.ptr, body.len);
	strbuf_free(&body);
}

static void serve_page(strbuf *out, const cgi_request *req,
		       const cgi_route_match *route, const char *db_path)
{
	if (route->kind == CGI_ROUTE_SEARCH &&
	    redirect_id(out, req, cgi_param(req, "q")))
		return;
	if (!db_path || !*db_path || access(db_path, R_OK) != 0) {
		fprintf(stderr, "attackkb.cgi: no readable store at "
				"ATTACKKB_DB\n");
		http_unavailable(out,
				 "The knowledge base is not available. Build "
				 "it with `attackkb ingest` and point "
				 "ATTACKKB_DB at it.",
				 req->head);
		return;
	}
	page_placeholder(out, req, route);
}

void app_handle(strbuf *out, const cgi_env *env)
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
		serve_page(out, req, &route, env->db_path);
done:
	cgi_request_free(req);
}
