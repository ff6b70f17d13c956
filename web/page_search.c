/* web/page_search.c: "/search?q=TEXT[&domain=&type=&platform=&page=]":
 * kb_search's ranked hits, 20 a page, sub-techniques under their parent,
 * matched words in <mark>. A query naming one ID that exists goes
 * straight to the object (303). */
#include "export/format.h"
#include "kb/attackid.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/search.h"
#include "kb/xalloc.h"
#include "web/html.h"
#include "web/page.h"
#include "web/render.h"

#include <stdlib.h>
#include <string.h>

#define PER_PAGE 20
#define MAX_PAGE (KB_MAX_RESULTS / PER_PAGE)

/* The object types a search can be narrowed to, as kb_search names them. */
static const char *const types[] = {
	"technique", "subtechnique", "tactic", "mitigation", "group",
	"software", "campaign", "data_component", "detection_strategy",
	"analytic", "asset",
};

/* Suggestions for the platform box (any text is accepted). */
static const char *const platforms[] = {
	"Windows", "Linux", "macOS", "Android", "iOS", "ESXi",
	"Network Devices", "IaaS", "SaaS", "Office Suite", "Identity Provider",
	"Containers", "PRE", "Embedded",
};

/* The request's parameters, checked. */
typedef struct {
	const char *q;        /* "" when absent */
	const char *domain;   /* STIX domain or NULL */
	const char *type;     /* one of types[] or NULL */
	const char *platform; /* or NULL */
	size_t page;          /* 1.. */
} search_params;

/* Prefix searches are what an FTS5 index does slowest: "a* b* c* ..."
 * takes seconds. The web page accepts at most KB_MAX_WEB_PREFIXES of
 * them, each with KB_MIN_WEB_PREFIX bytes before the '*'. The terms are
 * read from kb_search_fts_query()'s text: "word" or "word"*, with '"'
 * inside doubled. */
static int check_prefixes(const char *q)
{
	char *fts = kb_search_fts_query(q);
	const char *p = fts;
	int prefixes = 0, error = 0;

	while (p && *p) {
		size_t len = 0;

		if (*p++ != '"')
			break;
		while (*p && !(p[0] == '"' && p[1] != '"')) {
			p += p[0] == '"' ? 2 : 1;
			len++;
		}
		if (*p)
			p++;
		if (*p == '*') {
			p++;
			if (++prefixes > KB_MAX_WEB_PREFIXES)
				error = kb_error_set(KB_ELIMIT,
						     "q: more than %d prefix* "
						     "words",
						     KB_MAX_WEB_PREFIXES);
			else if (len < KB_MIN_WEB_PREFIX)
				error = kb_error_set(KB_ELIMIT,
						     "q: a prefix* needs %d "
						     "letters before the *",
						     KB_MIN_WEB_PREFIX);
			if (error < 0)
				break;
		}
		while (*p == ' ')
			p++;
	}
	free(fts);
	return error;
}

static int get_params(search_params *sp, const page_ctx *ctx)
{
	const char *v;
	size_t k;

	sp->q = cgi_param(ctx->req, "q");
	if (!sp->q)
		sp->q = "";
	sp->domain = sp->type = sp->platform = NULL;
	sp->page = 1;
	if ((v = cgi_param(ctx->req, "domain")) && *v &&
	    !(sp->domain = cgi_domain(v)))
		return kb_error_set(KB_EUSAGE, "domain: enterprise, mobile or "
					       "ics");
	if ((v = cgi_param(ctx->req, "type")) && *v) {
		for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
			if (strcmp(v, types[k]) == 0)
				sp->type = types[k];
		if (!sp->type)
			return kb_error_set(KB_EUSAGE,
					    "type: not an object type");
	}
	if ((v = cgi_param(ctx->req, "platform")) && *v) {
		if (strlen(v) > KB_MAX_PLATFORM)
			return kb_error_set(KB_ELIMIT,
					    "platform: longer than %d bytes",
					    KB_MAX_PLATFORM);
		sp->platform = v;
	}
	if ((v = cgi_param(ctx->req, "page")) && *v) {
		if (strlen(v) > 2 || strspn(v, "0123456789") != strlen(v) ||
		    atoi(v) < 1 || atoi(v) > MAX_PAGE)
			return kb_error_set(KB_EUSAGE,
					    "page: a number from 1 to %d",
					    MAX_PAGE);
		sp->page = (size_t)atoi(v);
	}
	return check_prefixes(sp->q);
}

/* The query string of this search at another page: URL-encoded, with
 * '&' as "&amp;" for an attribute. */
static void put_query(strbuf *sb, const search_params *sp, size_t page)
{
	strbuf_puts(sb, "?q=");
	html_encode_url(sb, sp->q);
	if (sp->domain) {
		strbuf_puts(sb, "&amp;domain=");
		html_encode_url(sb, page_domain_short(sp->domain));
	}
	if (sp->type) {
		strbuf_puts(sb, "&amp;type=");
		html_encode_url(sb, sp->type);
	}
	if (sp->platform) {
		strbuf_puts(sb, "&amp;platform=");
		html_encode_url(sb, sp->platform);
	}
	if (page > 1)
		strbuf_printf(sb, "&amp;page=%zu", page);
}

/* The snippet as HTML: text escaped, KB_MARK_* as <mark>, balanced. */
static void put_snippet(strbuf *sb, const char *snippet)
{
	char *plain = render_plain_snippet(snippet), *p = plain, *run;
	bool open = false;

	while (*p) {
		size_t n = strcspn(p, "\x02\x03");

		run = xstrndup(p, n);
		html_escape_text(sb, run);
		free(run);
		p += n;
		if (*p == KB_MARK_OPEN && !open) {
			strbuf_puts(sb, "<mark>");
			open = true;
		} else if (*p == KB_MARK_CLOSE && open) {
			strbuf_puts(sb, "</mark>");
			open = false;
		}
		if (*p)
			p++;
	}
	if (open)
		strbuf_puts(sb, "</mark>");
	free(plain);
}

static void put_option(strbuf *sb, const char *value, const char *label,
		       const char *selected)
{
	strbuf_puts(sb, "<option value=\"");
	html_escape_attr(sb, value);
	strbuf_puts(sb, "\"");
	if (selected && strcmp(selected, value) == 0)
		strbuf_puts(sb, " selected");
	strbuf_puts(sb, ">");
	html_escape_text(sb, label);
	strbuf_puts(sb, "</option>");
}

static void put_form(strbuf *b, const page_ctx *ctx, const search_params *sp)
{
	static const char *const domains[] = {"enterprise-attack",
					      "mobile-attack", "ics-attack"};

	strbuf_puts(b, "<form class=\"search filters\" role=\"search\" "
		       "method=\"get\" action=\"");
	html_escape_attr(b, ctx->base);
	strbuf_puts(b, "/search\">\n<input type=\"search\" name=\"q\" "
		       "aria-label=\"Search text\" value=\"");
	html_escape_attr(b, sp->q);
	strbuf_puts(b, "\">\n<select name=\"domain\" aria-label=\"Domain\">");
	put_option(b, "", "any domain", NULL);
	for (size_t i = 0; i < 3; i++)
		put_option(b, page_domain_short(domains[i]),
			   page_domain_short(domains[i]),
			   sp->domain ? page_domain_short(sp->domain) : NULL);
	strbuf_puts(b, "</select>\n<select name=\"type\" "
		       "aria-label=\"Type\">");
	put_option(b, "", "any type", NULL);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		put_option(b, types[i], page_type_label(types[i]), sp->type);
	strbuf_puts(b, "</select>\n<input name=\"platform\" list=\"platforms\" "
		       "aria-label=\"Platform\" placeholder=\"any platform\" "
		       "value=\"");
	html_escape_attr(b, sp->platform ? sp->platform : "");
	strbuf_puts(b, "\">\n<datalist id=\"platforms\">");
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		put_option(b, platforms[i], platforms[i], NULL);
	strbuf_puts(b, "</datalist>\n<button type=\"submit\">Search</button>\n"
		       "</form>\n");
}

/* Hits found by ID, or listed under their parent, show the start of the
 * description: the first SNIPPET_CHARS characters. */
#define SNIPPET_CHARS 160

static bool cut_short(const kb_hit *h)
{
	size_t chars = 0;

	if (strcmp(h->match, "id") != 0 && strcmp(h->match, "parent") != 0)
		return false;
	for (const char *p = h->snippet; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	return chars >= SNIPPET_CHARS;
}

static void put_hit(strbuf *b, const page_ctx *ctx, const kb_hit *h)
{
	strbuf_puts(b, h->parent ? "<li class=\"sub\">" : "<li>");
	strbuf_puts(b, "<div class=\"hit-head\"><span class=\"id\">");
	page_link_object(b, ctx, h->attack_id, h->attack_id, h->domain);
	strbuf_puts(b, "</span> ");
	page_link_object(b, ctx, h->attack_id,
			 *h->name ? h->name : h->attack_id, h->domain);
	strbuf_puts(b, " <span class=\"tag\">");
	html_escape_text(b, page_type_label(h->type));
	strbuf_puts(b, "</span> <span class=\"tag\">");
	html_escape_text(b, page_domain_short(h->domain));
	strbuf_puts(b, "</span>");
	if (strcmp(h->match, "parent") != 0 && strcmp(h->match, "id") != 0) {
		strbuf_puts(b, " <span class=\"muted\">matched in ");
		html_escape_text(b, h->match);
		strbuf_puts(b, "</span>");
	}
	strbuf_puts(b, "</div>\n");
	/* A match in the name shows in the name already. */
	if (*h->snippet && strcmp(h->match, "name") != 0) {
		strbuf_puts(b, "<p class=\"snippet\">");
		put_snippet(b, h->snippet);
		if (cut_short(h))
			strbuf_puts(b, "…");
		strbuf_puts(b, "</p>");
	}
	strbuf_puts(b, "</li>\n");
}

static void put_pager(strbuf *b, const page_ctx *ctx,
		      const search_params *sp, const kb_hits *hits)
{
	size_t pages = (hits->total + PER_PAGE - 1) / PER_PAGE;

	if (pages <= 1)
		return;
	strbuf_puts(b, "<nav class=\"pager\" aria-label=\"Pages\">");
	if (sp->page > 1) {
		strbuf_puts(b, "<a rel=\"prev\" href=\"");
		html_escape_attr(b, ctx->base);
		strbuf_puts(b, "/search");
		put_query(b, sp, sp->page - 1);
		strbuf_puts(b, "\">&larr; Previous</a> ");
	}
	strbuf_printf(b, "<span>Page %zu of %zu</span>", sp->page, pages);
	if (sp->page < pages) {
		strbuf_puts(b, " <a rel=\"next\" href=\"");
		html_escape_attr(b, ctx->base);
		strbuf_puts(b, "/search");
		put_query(b, sp, sp->page + 1);
		strbuf_puts(b, "\">Next &rarr;</a>");
	}
	strbuf_puts(b, "</nav>\n");
}

static void put_html(strbuf *b, const page_ctx *ctx, const search_params *sp,
		     const kb_hits *hits)
{
	size_t first = (sp->page - 1) * PER_PAGE + 1;

	html_page_begin(b, ctx->base, *sp->q ? sp->q : "Search");
	strbuf_puts(b, "<h1>Search</h1>\n");
	put_form(b, ctx, sp);
	if (!hits) {
		strbuf_puts(b, "<p class=\"muted\">Type an ID (T1136.001), a "
			       "number (1136), a name or any words.</p>\n");
		html_page_end(b);
		return;
	}
	strbuf_puts(b, "<p class=\"count\">");
	if (hits->total == 0)
		strbuf_puts(b, "No results");
	else if (hits->n == 0)
		strbuf_printf(b, "No results on page %zu of %zu results",
			      sp->page, hits->total);
	else
		strbuf_printf(b, "%zu&ndash;%zu of %s%zu result%s", first,
			      first + hits->n - 1,
			      hits->total >= KB_MAX_RESULTS ? "the first " : "",
			      hits->total, hits->total == 1 ? "" : "s");
	strbuf_puts(b, " for <q>");
	html_escape_text(b, sp->q);
	strbuf_puts(b, "</q>.</p>\n");
	if (hits->n) {
		strbuf_puts(b, "<ol class=\"hits\">\n");
		for (size_t i = 0; i < hits->n; i++)
			put_hit(b, ctx, &hits->hits[i]);
		strbuf_puts(b, "</ol>\n");
	}
	put_pager(b, ctx, sp, hits);
	html_page_end(b);
}

static void put_json_member(strbuf *b, const char *key, const char *value,
			    bool comma)
{
	char *j = format_json_string(value);

	strbuf_printf(b, "%s\"%s\":%s", comma ? "," : "", key, j);
	free(j);
}

/* Marks removed: the plain snippet. Caller frees. */
static char *plain_snippet(const char *snippet)
{
	char *s = render_plain_snippet(snippet);
	size_t o = 0;

	for (size_t i = 0; s[i]; i++)
		if (s[i] != KB_MARK_OPEN && s[i] != KB_MARK_CLOSE)
			s[o++] = s[i];
	s[o] = '\0';
	return s;
}

/* {"query", "domain", "type", "platform", "page", "per_page", "total",
 *  "hits": [{"id", "name", "type", "domain", "match", "parent",
 *            "snippet", "snippet_html"}]} */
static void put_json(strbuf *b, const search_params *sp, const kb_hits *hits)
{
	strbuf_putc(b, '{');
	put_json_member(b, "query", sp->q, false);
	put_json_member(b, "domain", sp->domain, true);
	put_json_member(b, "type", sp->type, true);
	put_json_member(b, "platform", sp->platform, true);
	strbuf_printf(b, ",\"page\":%zu,\"per_page\":%d,\"total\":%zu,"
			 "\"hits\":[",
		      sp->page, PER_PAGE, hits ? hits->total : 0);
	for (size_t i = 0; hits && i < hits->n; i++) {
		const kb_hit *h = &hits->hits[i];
		strbuf html = STRBUF_INIT;
		char *plain = plain_snippet(h->snippet);

		put_snippet(&html, h->snippet);
		strbuf_puts(b, i ? ",{" : "{");
		put_json_member(b, "id", h->attack_id, false);
		put_json_member(b, "name", h->name, true);
		put_json_member(b, "type", h->type, true);
		put_json_member(b, "domain", h->domain, true);
		put_json_member(b, "match", h->match, true);
		put_json_member(b, "parent", h->parent, true);
		put_json_member(b, "snippet", plain, true);
		put_json_member(b, "snippet_html", html.ptr, true);
		strbuf_putc(b, '}');
		strbuf_free(&html);
		free(plain);
	}
	strbuf_puts(b, "]}\n");
}

int page_search(strbuf *out, const page_ctx *ctx)
{
	kb_search_opts opts = KB_SEARCH_OPTS_INIT;
	search_params sp;
	kb_hits *hits = NULL;
	strbuf b = STRBUF_INIT;
	char id[CGI_ID_MAX];
	int error;

	if ((error = get_params(&sp, ctx)) < 0)
		return error;
	if (*sp.q) {
		opts.domain = sp.domain;
		opts.type = sp.type;
		opts.platform = sp.platform;
		opts.offset = (sp.page - 1) * PER_PAGE;
		opts.limit = PER_PAGE;
		if ((error = kb_search(&hits, ctx->store, sp.q, &opts)) < 0)
			return error;
	}
	if (!ctx->json && hits && hits->n && sp.page == 1 &&
	    strlen(sp.q) < sizeof(id) && kb_is_attack_id(sp.q, id) &&
	    strcmp(hits->hits[0].match, "id") == 0 &&
	    strcmp(hits->hits[0].attack_id, id) == 0) {
		strbuf loc = STRBUF_INIT;

		strbuf_puts(&loc, "/object/");
		html_encode_url(&loc, id);
		if (sp.domain) {
			strbuf_puts(&loc, "?domain=");
			html_encode_url(&loc, page_domain_short(sp.domain));
		}
		page_redirect(out, ctx, loc.ptr);
		strbuf_free(&loc);
		kb_hits_free(hits);
		return 0;
	}
	if (ctx->json)
		put_json(&b, &sp, hits);
	else
		put_html(&b, ctx, &sp, hits);
	page_send(out, ctx, &b);
	strbuf_free(&b);
	kb_hits_free(hits);
	return 0;
}
