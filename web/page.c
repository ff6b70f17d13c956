/* web/page.c: what the pages share: sending a page with its validators,
 * redirects, links to objects, labels. */
#include "web/page.h"
#include "kb/error.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

void page_send(strbuf *out, const page_ctx *ctx, const strbuf *body)
{
	http_response r = HTTP_RESPONSE_INIT;

	r.content_type = ctx->json ? "application/json; charset=utf-8"
				   : "text/html; charset=utf-8";
	r.etag = ctx->etag;
	r.last_modified = ctx->last_modified;
	if (http_respond(out, &r, ctx->req, body->ptr, body->len) < 0)
		fprintf(stderr, "attackkb.cgi: %s\n", kb_error_last());
	else if (ctx->keep)
		strbuf_put(ctx->keep, body->ptr, body->len);
}

void page_redirect(strbuf *out, const page_ctx *ctx, const char *path)
{
	strbuf loc = STRBUF_INIT;

	strbuf_puts(&loc, ctx->base);
	strbuf_puts(&loc, path);
	if (http_redirect(out, loc.ptr, ctx->req->head) < 0)
		fprintf(stderr, "attackkb.cgi: %s\n", kb_error_last());
	strbuf_free(&loc);
}

void page_link_object(strbuf *sb, const page_ctx *ctx, const char *id,
		      const char *text, const char *domain)
{
	strbuf_puts(sb, "<a href=\"");
	html_escape_attr(sb, ctx->base);
	strbuf_puts(sb, "/object/");
	html_encode_url(sb, id);
	if (domain && strcmp(domain, "enterprise-attack") != 0) {
		strbuf_puts(sb, "?domain=");
		html_encode_url(sb, page_domain_short(domain));
	}
	strbuf_puts(sb, "\">");
	html_escape_text(sb, text);
	strbuf_puts(sb, "</a>");
}

const char *page_domain_short(const char *domain)
{
	static const char *const names[][2] = {
		{"enterprise-attack", "enterprise"},
		{"mobile-attack", "mobile"},
		{"ics-attack", "ics"},
		{"pre-attack", "pre"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(domain, names[i][0]) == 0)
			return names[i][1];
	return domain;
}

const char *page_type_label(const char *type)
{
	static const char *const names[][2] = {
		{"subtechnique", "sub-technique"},
		{"data_source", "data source"},
		{"data_component", "data component"},
		{"detection_strategy", "detection strategy"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(type, names[i][0]) == 0)
			return names[i][1];
	return type;
}
