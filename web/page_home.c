/* web/page_home.c: "/": a search box, the releases the store holds and
 * a link to each domain's matrix. */
#include "export/format.h"
#include "kb/query.h"
#include "web/html.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* Columns of the named query "releases". */
enum { REL_DOMAIN, REL_VERSION, REL_STIX, REL_OBJECTS, REL_NEW, REL_AT,
       REL_SOURCE, REL_SEEN, REL_SHA256 };

static const char *cell(const kb_rows *rows, size_t r, size_t c)
{
	const char *v = kb_rows_get(rows, r, c);

	return v ? v : "";
}

static void put_search_form(strbuf *b, const page_ctx *ctx)
{
	strbuf_puts(b, "<form class=\"search big\" role=\"search\" "
		       "method=\"get\" action=\"");
	html_escape_attr(b, ctx->base);
	strbuf_puts(b, "/search\">\n"
		       "<input type=\"search\" name=\"q\" autofocus "
		       "aria-label=\"Search ATT&amp;CK\" "
		       "placeholder=\"create account, 1136, APT29, "
		       "&quot;scheduled task&quot;, mimi*\">\n"
		       "<button type=\"submit\">Search</button>\n"
		       "</form>\n"
		       "<p class=\"muted\">IDs (T1136.001, G0016) and bare "
		       "numbers (1136) find the object first; then names, "
		       "aliases, descriptions and procedure examples. "
		       "&quot;Quoted words&quot; are a phrase, a trailing * a "
		       "prefix.</p>\n");
}

static void put_releases(strbuf *b, const page_ctx *ctx)
{
	const kb_rows *rel = ctx->releases;

	strbuf_puts(b, "<h2>In this knowledge base</h2>\n");
	if (rel->nrows == 0) {
		strbuf_puts(b, "<p class=\"warn\">The store holds no release "
			       "yet: ingest one with <code>attackkb ingest"
			       "</code>.</p>\n");
		return;
	}
	strbuf_puts(b, "<div class=\"scroll\"><table class=\"releases\">\n"
		       "<thead><tr><th>Domain</th><th>ATT&amp;CK</th>"
		       "<th>STIX</th><th>Objects</th><th>Ingested</th>"
		       "<th>Shown</th><th>SHA-256</th></tr></thead>\n"
		       "<tbody>\n");
	for (size_t r = 0; r < rel->nrows; r++) {
		const char *domain = cell(rel, r, REL_DOMAIN);
		bool seen = strcmp(cell(rel, r, REL_SEEN), "current") == 0;

		strbuf_puts(b, "<tr><td>");
		if (seen) {
			strbuf_puts(b, "<a href=\"");
			html_escape_attr(b, ctx->base);
			strbuf_puts(b, "/matrix/");
			html_encode_url(b, page_domain_short(domain));
			strbuf_puts(b, "\">");
			html_escape_text(b, domain);
			strbuf_puts(b, "</a>");
		} else {
			html_escape_text(b, domain);
		}
		strbuf_puts(b, "</td><td>");
		html_escape_text(b, cell(rel, r, REL_VERSION));
		strbuf_puts(b, "</td><td>");
		html_escape_text(b, cell(rel, r, REL_STIX));
		strbuf_puts(b, "</td><td class=\"num\">");
		html_escape_text(b, cell(rel, r, REL_OBJECTS));
		strbuf_puts(b, "</td><td>");
		html_escape_text(b, cell(rel, r, REL_AT));
		strbuf_puts(b, seen ? "</td><td>yes" : "</td><td>");
		strbuf_puts(b, "</td><td><code title=\"");
		html_escape_attr(b, cell(rel, r, REL_SHA256));
		strbuf_puts(b, "\">");
		strbuf_put(b, cell(rel, r, REL_SHA256),
			   strnlen(cell(rel, r, REL_SHA256), 12));
		strbuf_puts(b, "…</code></td></tr>\n");
	}
	strbuf_puts(b, "</tbody></table></div>\n");
}

static void put_matrices(strbuf *b, const page_ctx *ctx)
{
	const kb_rows *rel = ctx->releases;
	bool any = false;

	for (size_t r = 0; r < rel->nrows; r++) {
		const char *domain = cell(rel, r, REL_DOMAIN);

		if (strcmp(cell(rel, r, REL_SEEN), "current") != 0 ||
		    !cgi_domain(domain))
			continue;
		if (!any)
			strbuf_puts(b, "<h2>Matrices</h2>\n"
				       "<ul class=\"matrices\">\n");
		any = true;
		strbuf_puts(b, "<li><a href=\"");
		html_escape_attr(b, ctx->base);
		strbuf_puts(b, "/matrix/");
		html_encode_url(b, page_domain_short(domain));
		strbuf_puts(b, "\">");
		html_escape_text(b, domain);
		strbuf_puts(b, "</a> <span class=\"muted\">ATT&amp;CK ");
		html_escape_text(b, cell(rel, r, REL_VERSION));
		strbuf_puts(b, "</span></li>\n");
	}
	if (any)
		strbuf_puts(b, "</ul>\n");
}

/* {"releases": [{"domain": ..., ...}, ...]}: the table above, without the
 * server's file paths. */
static void put_json(strbuf *b, const page_ctx *ctx)
{
	static const struct {
		const char *key;
		int col;
		bool number;
	} keys[] = {
		{"domain", REL_DOMAIN, false},
		{"version", REL_VERSION, false},
		{"stix", REL_STIX, false},
		{"objects", REL_OBJECTS, true},
		{"ingested_at", REL_AT, false},
		{"sha256", REL_SHA256, false},
	};
	const kb_rows *rel = ctx->releases;

	strbuf_puts(b, "{\"releases\":[");
	for (size_t r = 0; r < rel->nrows; r++) {
		strbuf_puts(b, r ? ",{" : "{");
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = cell(rel, r, keys[k].col);
			char *j;

			strbuf_printf(b, "\"%s\":", keys[k].key);
			if (keys[k].number && *v &&
			    strspn(v, "0123456789") == strlen(v)) {
				strbuf_puts(b, v);
			} else {
				j = format_json_string(v);
				strbuf_puts(b, j);
				free(j);
			}
			strbuf_putc(b, ',');
		}
		strbuf_printf(b, "\"current\":%s}",
			      strcmp(cell(rel, r, REL_SEEN), "current") == 0
				      ? "true"
				      : "false");
	}
	strbuf_puts(b, "]}\n");
}

int page_home(strbuf *out, const page_ctx *ctx)
{
	strbuf b = STRBUF_INIT;

	if (ctx->json) {
		put_json(&b, ctx);
		page_send(out, ctx, &b);
		strbuf_free(&b);
		return 0;
	}

	html_page_begin(&b, ctx->base, "ATT&CK knowledge base");
	strbuf_puts(&b, "<h1>ATT&amp;CK knowledge base</h1>\n");
	put_search_form(&b, ctx);
	put_matrices(&b, ctx);
	put_releases(&b, ctx);
	html_page_end(&b);
	page_send(out, ctx, &b);
	strbuf_free(&b);
	return 0;
}
