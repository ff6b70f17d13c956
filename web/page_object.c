/* web/page_object.c: "/object/ID[?domain=]": one object as kb_describe()
 * sees it: fields, the description rendered from Markdown, every section
 * as a table with links, and one numbered reference list that citations
 * in the description and in the sections' text point into. A revoked ID
 * redirects (303) to its successor. */
#include "export/format.h"
#include "kb/attackid.h"
#include "kb/describe.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"
#include "web/html.h"
#include "web/page.h"
#include "web/render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The page's reference list: the object's own references in their order,
 * then those only its sections' text cites, in order of first citation. */
typedef struct {
	kb_rows *own;     /* borrowed: the "references" section */
	kb_rows *cited;   /* owned: references found by name, or NULL */
	strmap *numbers;  /* source name -> (void *)number (1..) */
	strmap *asked;    /* names cited but not in own -> (void *)1 */
	strbuf missing;   /* the same names as a JSON array */
	size_t nmissing;  /* how many */
} reflist;

/* Columns that hold an ATT&CK ID to link, and their headings. */
static const char *const id_cols[] = {"id", "strategy", "analytic",
				      "data_component", "parent"};
static const char *const headings[][2] = {
	{"id", "ID"},
	{"name", "Name"},
	{"description", "Description"},
	{"type", "Type"},
	{"strategy", "Strategy"},
	{"analytic", "Analytic"},
	{"platform", "Platform"},
	{"log_sources", "Log sources"},
	{"data_component", "Data component"},
	{"channel", "Channel"},
	{"field", "Field"},
	{"parent", "Parent"},
};

static bool is_id_col(const char *col)
{
	for (size_t i = 0; i < sizeof(id_cols) / sizeof(*id_cols); i++)
		if (strcmp(col, id_cols[i]) == 0)
			return true;
	return false;
}

static const char *heading(const char *col)
{
	for (size_t i = 0; i < sizeof(headings) / sizeof(*headings); i++)
		if (strcmp(col, headings[i][0]) == 0)
			return headings[i][1];
	return col;
}

static const kb_rows *section(const kb_doc *doc, const char *key)
{
	for (size_t i = 0; i < doc->nsections; i++)
		if (strcmp(doc->sections[i].key, key) == 0)
			return doc->sections[i].rows;
	return NULL;
}

static long column(const kb_rows *rows, const char *name)
{
	for (size_t c = 0; c < rows->ncols; c++)
		if (strcmp(rows->cols[c], name) == 0)
			return (long)c;
	return -1;
}

static int cite_number(void *data, const char *name)
{
	reflist *refs = data;

	return (int)(uintptr_t)strmap_get(refs->numbers, name);
}

/* render_each_citation() callback: remember names not numbered yet. */
static void note_citation(void *data, const char *name, size_t len)
{
	reflist *refs = data;
	char *n = xstrndup(name, len), *j;

	if (!strmap_get(refs->numbers, n) && !strmap_get(refs->asked, n)) {
		strmap_put(refs->asked, n, (void *)(uintptr_t)1);
		j = format_json_string(n);
		strbuf_puts(&refs->missing, refs->nmissing ? "," : "[");
		strbuf_puts(&refs->missing, j);
		free(j);
		refs->nmissing++;
	}
	free(n);
}

/* Has a reference found by name something to show? */
static bool cited_found(const reflist *refs, size_t r)
{
	return kb_rows_get(refs->cited, r, 1) || kb_rows_get(refs->cited, r, 2);
}

/* The references cited by name in the sections' text that the object's
 * own list lacks, in one query, in the order of the names. */
static const char cited_sql[] =
	"SELECT n.value AS source, (SELECT r.url FROM refs r WHERE "
	"r.source_name = n.value AND r.external_id = '' LIMIT 1) AS url, "
	"(SELECT r.description FROM refs r WHERE r.source_name = n.value AND "
	"r.external_id = '' LIMIT 1) AS description FROM json_each(?1) n "
	"ORDER BY n.key";

static int reflist_build(reflist *refs, const page_ctx *ctx,
			 const kb_doc *doc)
{
	const char *args[1];
	size_t next;
	int error;

	refs->numbers = strmap_new();
	refs->asked = strmap_new();
	refs->own = (kb_rows *)section(doc, "references");
	for (size_t r = 0; refs->own && r < refs->own->nrows; r++) {
		const char *name = kb_rows_get(refs->own, r, 0);

		if (name && !strmap_get(refs->numbers, name))
			strmap_put(refs->numbers, name,
				   (void *)(uintptr_t)(r + 1));
	}
	if (doc->description)
		render_each_citation(doc->description, note_citation, refs);
	for (size_t i = 0; i < doc->nsections; i++) {
		const kb_rows *rows = doc->sections[i].rows;
		long c = column(rows, "description");

		for (size_t r = 0; c >= 0 && r < rows->nrows; r++)
			if (kb_rows_get(rows, r, (size_t)c))
				render_each_citation(
					kb_rows_get(rows, r, (size_t)c),
					note_citation, refs);
	}
	if (!refs->nmissing)
		return 0;
	strbuf_putc(&refs->missing, ']');
	args[0] = refs->missing.ptr;
	if ((error = kb_rows_query(&refs->cited, ctx->store, cited_sql, args,
				   1)) < 0)
		return error;
	/* Numbered after the object's own references. */
	next = refs->own ? refs->own->nrows : 0;
	for (size_t r = 0; r < refs->cited->nrows; r++)
		if (cited_found(refs, r))
			strmap_put(refs->numbers,
				   kb_rows_get(refs->cited, r, 0),
				   (void *)(uintptr_t)++next);
	return 0;
}

static void reflist_free(reflist *refs)
{
	strmap_free(refs->numbers);
	strmap_free(refs->asked);
	kb_rows_free(refs->cited);
	strbuf_free(&refs->missing);
}

static void put_markdown(strbuf *b, const page_ctx *ctx, reflist *refs,
			 const char *md)
{
	render_opts opts = {ctx->base, cite_number, refs};

	render_markdown(b, md, &opts);
}

/* "T1136 Create Account" (an ID, a space, a name) as a link. */
static void put_id_name_link(strbuf *b, const page_ctx *ctx,
			     const char *value, const char *domain)
{
	const char *sp = strchr(value, ' ');
	char id[CGI_ID_MAX];
	char *head = xstrndup(value, sp ? (size_t)(sp - value) : strlen(value));

	if (strlen(head) < sizeof(id) && kb_is_attack_id(head, id))
		page_link_object(b, ctx, id, value, domain);
	else
		html_escape_text(b, value);
	free(head);
}

static bool is_web_url(const char *url)
{
	return url && (strncmp(url, "https://", 8) == 0 ||
		       strncmp(url, "http://", 7) == 0);
}

static void put_external_link(strbuf *b, const char *url, const char *text)
{
	if (!is_web_url(url)) {
		html_escape_text(b, text);
		return;
	}
	strbuf_puts(b, "<a class=\"ext\" href=\"");
	html_escape_attr(b, url);
	strbuf_puts(b, "\">");
	html_escape_text(b, text);
	strbuf_puts(b, "</a>");
}

static void put_field(strbuf *b, const char *label)
{
	strbuf_puts(b, "<dt>");
	html_escape_text(b, label);
	strbuf_puts(b, "</dt><dd>");
}

/* The tactics of a technique, as links. */
static int put_tactics(strbuf *b, const page_ctx *ctx, const kb_doc *doc)
{
	static const char sql[] =
		"SELECT tactic_id, tactic FROM technique_tactics WHERE "
		"technique_id = ?1 AND domain = ?2 ORDER BY tactic_id";
	const char *args[2] = {doc->attack_id, doc->domain};
	kb_rows *rows;
	int error;

	if ((error = kb_rows_query(&rows, ctx->store, sql, args, 2)) < 0)
		return error;
	if (rows->nrows) {
		put_field(b, rows->nrows > 1 ? "Tactics" : "Tactic");
		for (size_t r = 0; r < rows->nrows; r++) {
			if (r)
				strbuf_puts(b, ", ");
			page_link_object(b, ctx, kb_rows_get(rows, r, 0),
					 kb_rows_get(rows, r, 1), doc->domain);
		}
		strbuf_puts(b, "</dd>\n");
	}
	kb_rows_free(rows);
	return 0;
}

static int put_fields(strbuf *b, const page_ctx *ctx, const kb_doc *doc)
{
	static const char *const plain[][2] = {
		{"aliases", "Also known as"}, {"platforms", "Platforms"},
		{"version", "Version"},       {"created", "Created"},
		{"modified", "Modified"},
	};
	const char *v;
	int error;

	strbuf_puts(b, "<dl class=\"fields\">\n");
	put_field(b, "Type");
	html_escape_text(b, page_type_label(doc->type));
	strbuf_puts(b, "</dd>\n");
	put_field(b, "Domain");
	html_escape_text(b, doc->domain);
	if ((v = kb_doc_field(doc, "domains")) && strchr(v, ',')) {
		/* Also in other domains: link each. */
		char *list = xstrdup(v), *save = NULL;
		bool first = true;

		strbuf_puts(b, " <span class=\"muted\">(also in ");
		for (char *d = strtok_r(list, ", ", &save); d;
		     d = strtok_r(NULL, ", ", &save)) {
			if (strcmp(d, doc->domain) == 0 || !cgi_domain(d))
				continue;
			if (!first)
				strbuf_puts(b, ", ");
			first = false;
			strbuf_puts(b, "<a href=\"");
			html_escape_attr(b, ctx->base);
			strbuf_puts(b, "/object/");
			html_encode_url(b, doc->attack_id);
			strbuf_puts(b, "?domain=");
			html_encode_url(b, page_domain_short(d));
			strbuf_puts(b, "\">");
			html_escape_text(b, d);
			strbuf_puts(b, "</a>");
		}
		strbuf_puts(b, ")</span>");
		free(list);
	}
	strbuf_puts(b, "</dd>\n");
	if ((v = kb_doc_field(doc, "parent"))) {
		put_field(b, "Sub-technique of");
		put_id_name_link(b, ctx, v, doc->domain);
		strbuf_puts(b, "</dd>\n");
	}
	if (kb_doc_field(doc, "tactics") &&
	    (error = put_tactics(b, ctx, doc)) < 0)
		return error;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!(v = kb_doc_field(doc, plain[i][0])))
			continue;
		put_field(b, plain[i][1]);
		html_escape_text(b, v);
		strbuf_puts(b, "</dd>\n");
	}
	if ((v = kb_doc_field(doc, "url")) && is_web_url(v)) {
		put_field(b, "ATT&CK page");
		put_external_link(b, v, v);
		strbuf_puts(b, "</dd>\n");
	}
	strbuf_puts(b, "</dl>\n");
	return 0;
}

static void put_cell(strbuf *b, const page_ctx *ctx, reflist *refs,
		     const kb_doc *doc, const char *col, const char *v)
{
	char id[CGI_ID_MAX];

	if (!v || !*v)
		return;
	if (is_id_col(col) && strlen(v) < sizeof(id) &&
	    kb_is_attack_id(v, id)) {
		strbuf_puts(b, "<span class=\"id\">");
		page_link_object(b, ctx, id, id, doc->domain);
		strbuf_puts(b, "</span>");
	} else if (strcmp(col, "description") == 0) {
		put_markdown(b, ctx, refs, v);
	} else if (strcmp(col, "type") == 0) {
		html_escape_text(b, page_type_label(v));
	} else {
		html_escape_text(b, v);
	}
}

/* One section as a table; the name column links like the ID column. */
static void put_section(strbuf *b, const page_ctx *ctx, reflist *refs,
			const kb_doc *doc, const kb_section *sec)
{
	const kb_rows *rows = sec->rows;
	long idc = column(rows, "id") >= 0 ? column(rows, "id")
					    : column(rows, "strategy");

	strbuf_puts(b, "<section id=\"");
	html_escape_attr(b, sec->key);
	strbuf_puts(b, "\">\n<h2>");
	html_escape_text(b, sec->title);
	strbuf_printf(b, " <span class=\"muted\">%zu</span></h2>\n",
		      rows->nrows);
	strbuf_puts(b, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t c = 0; c < rows->ncols; c++) {
		strbuf_puts(b, "<th>");
		html_escape_text(b, heading(rows->cols[c]));
		strbuf_puts(b, "</th>");
	}
	strbuf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < rows->nrows; r++) {
		strbuf_puts(b, "<tr>");
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *col = rows->cols[c];
			const char *v = kb_rows_get(rows, r, c);

			strbuf_puts(b, strcmp(col, "description") == 0
					       ? "<td class=\"md\">"
					       : "<td>");
			if (idc >= 0 && strcmp(col, "name") == 0 && v &&
			    kb_rows_get(rows, r, (size_t)idc))
				page_link_object(
					b, ctx,
					kb_rows_get(rows, r, (size_t)idc), v,
					doc->domain);
			else
				put_cell(b, ctx, refs, doc, col, v);
			strbuf_puts(b, "</td>");
		}
		strbuf_puts(b, "</tr>\n");
	}
	strbuf_puts(b, "</tbody></table></div>\n</section>\n");
}

/* One reference: its text (ATT&CK writes some as Markdown, some only as
 * "(Citation: NAME)": plain text, the name when nothing is left), then
 * its URL. */
static void put_ref(strbuf *b, size_t number, const char *name,
		    const char *url, const char *description)
{
	char *text = render_plain_snippet(description ? description : "");

	strbuf_printf(b, "<li id=\"ref-%zu\">", number);
	html_escape_text(b, *text ? text : name ? name : "");
	strbuf_puts(b, " ");
	free(text);
	if (is_web_url(url))
		put_external_link(b, url, url);
	strbuf_puts(b, "</li>\n");
}

static void put_references(strbuf *b, const reflist *refs)
{
	size_t n = refs->own ? refs->own->nrows : 0;

	for (size_t r = 0; refs->cited && r < refs->cited->nrows; r++)
		n += cited_found(refs, r);
	if (!n)
		return;
	strbuf_printf(b, "<section id=\"references\">\n<h2>References "
			 "<span class=\"muted\">%zu</span></h2>\n<ol "
			 "class=\"refs\">\n",
		      n);
	n = 0;
	for (size_t r = 0; refs->own && r < refs->own->nrows; r++)
		put_ref(b, ++n, kb_rows_get(refs->own, r, 0),
			kb_rows_get(refs->own, r, 1),
			kb_rows_get(refs->own, r, 2));
	for (size_t r = 0; refs->cited && r < refs->cited->nrows; r++)
		if (cited_found(refs, r))
			put_ref(b, ++n, kb_rows_get(refs->cited, r, 0),
				kb_rows_get(refs->cited, r, 1),
				kb_rows_get(refs->cited, r, 2));
	strbuf_puts(b, "</ol>\n</section>\n");
}

static int put_html(strbuf *b, const page_ctx *ctx, const kb_doc *doc)
{
	reflist refs = {0};
	const char *v;
	char *title;
	int error;

	strbuf_init(&refs.missing);
	if ((error = reflist_build(&refs, ctx, doc)) < 0)
		goto done;
	title = xasprintf("%s %s", doc->attack_id, doc->name);
	html_page_begin(b, ctx->base, title);
	free(title);
	strbuf_puts(b, "<article class=\"object\">\n<h1>");
	html_escape_text(b, doc->name);
	strbuf_puts(b, " <span class=\"id\">");
	html_escape_text(b, doc->attack_id);
	strbuf_puts(b, "</span></h1>\n");
	if ((v = kb_doc_field(doc, "revoked"))) {
		strbuf_puts(b, "<p class=\"warn\">Revoked");
		if ((v = kb_doc_field(doc, "revoked_by"))) {
			strbuf_puts(b, " by ");
			put_id_name_link(b, ctx, v, doc->domain);
		}
		strbuf_puts(b, ".</p>\n");
	}
	if (kb_doc_field(doc, "deprecated"))
		strbuf_puts(b, "<p class=\"warn\">Deprecated: ATT&amp;CK no "
			       "longer maintains this object.</p>\n");
	if ((error = put_fields(b, ctx, doc)) < 0)
		goto done;
	if (doc->description && *doc->description) {
		strbuf_puts(b, "<div class=\"description md\">\n");
		put_markdown(b, ctx, &refs, doc->description);
		strbuf_puts(b, "</div>\n");
	}
	for (size_t i = 0; i < doc->nsections; i++)
		if (strcmp(doc->sections[i].key, "references") != 0 &&
		    doc->sections[i].rows->nrows)
			put_section(b, ctx, &refs, doc, &doc->sections[i]);
	put_references(b, &refs);
	strbuf_puts(b, "</article>\n");
	html_page_end(b);
done:
	reflist_free(&refs);
	return error;
}

/* Where a revoked ID leads: the end of its revoked-by chain, as a new
 * string in *out, or NULL. Old technique IDs were also given to
 * mitigations, now deprecated, which kb_describe() may find first: their
 * ID leads to the technique's successor too. */
static int successor(char **out, const page_ctx *ctx, const kb_doc *doc)
{
	char id[CGI_ID_MAX];
	kb_rows *rows;
	int error;

	*out = NULL;
	if ((error = kb_successor(&rows, ctx->store, doc->attack_id,
				  doc->domain)) < 0)
		return error;
	if (rows->nrows && kb_rows_get(rows, 0, 0) &&
	    strlen(kb_rows_get(rows, 0, 0)) < sizeof(id) &&
	    kb_is_attack_id(kb_rows_get(rows, 0, 0), id))
		*out = xstrdup(id);
	kb_rows_free(rows);
	return 0;
}

int page_object(strbuf *out, const page_ctx *ctx)
{
	const char *domain = NULL, *v;
	kb_doc *doc = NULL;
	char *succ = NULL;
	strbuf b = STRBUF_INIT;
	int error;

	if ((v = cgi_param(ctx->req, "domain")) && *v &&
	    !(domain = cgi_domain(v)))
		return kb_error_set(KB_EUSAGE, "domain: enterprise, mobile or "
					       "ics");
	if ((error = kb_describe(&doc, ctx->store, ctx->arg, domain)) < 0)
		return error;
	if ((kb_doc_field(doc, "revoked") || kb_doc_field(doc, "deprecated")) &&
	    (error = successor(&succ, ctx, doc)) < 0)
		goto done;
	if (succ) {
		strbuf loc = STRBUF_INIT;

		strbuf_puts(&loc, "/object/");
		html_encode_url(&loc, succ);
		if (strcmp(doc->domain, "enterprise-attack") != 0) {
			strbuf_puts(&loc, "?domain=");
			html_encode_url(&loc, page_domain_short(doc->domain));
		}
		if (ctx->json)
			strbuf_puts(&loc, strchr(loc.ptr, '?')
						  ? "&format=json"
						  : "?format=json");
		page_redirect(out, ctx, loc.ptr);
		strbuf_free(&loc);
		goto done;
	}
	if (ctx->json) {
		char *j = format_doc_json(doc);

		strbuf_puts(&b, j ? j : "{}");
		strbuf_putc(&b, '\n');
		free(j);
	} else if ((error = put_html(&b, ctx, doc)) < 0) {
		goto done;
	}
	page_send(out, ctx, &b);
done:
	strbuf_free(&b);
	kb_doc_free(doc);
	free(succ);
	return error;
}
