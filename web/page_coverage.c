/* web/page_coverage.c: "/coverage/DOMAIN": the team's detection coverage
 * as a heat map over the matrix (tactic columns from the data), each
 * technique coloured by how many rules of the selected sets detect it.
 * ?set=NAME picks one set (default: every set but attack); ?rollup=1
 * counts a technique as covered by its sub-techniques' rules. */
#include "export/format.h"
#include "kb/coverage.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "web/html.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* Columns of kb_coverage_matrix(). */
enum { COV_TACTIC_ID, COV_TACTIC, COV_SHORTNAME, COV_TECHNIQUE, COV_NAME,
       COV_PARENT, COV_RULES, COV_TITLES };

static const char *cell(const kb_rows *rows, size_t r, size_t c)
{
	const char *v = kb_rows_get(rows, r, c);

	return v ? v : "";
}

/* The heat class of a rule count: 0 (a gap), 1, 2 (two or more). */
static int heat(const char *rules)
{
	int n = atoi(rules);

	return n <= 0 ? 0 : n == 1 ? 1 : 2;
}

/* " (sub-techniques 1/3 detected)" for a technique that has any. */
static void put_subs(strbuf *b, const kb_rows *rows, size_t from, size_t to,
		     const char *id)
{
	size_t covered = 0, total = 0;

	for (size_t r = from; r < to; r++) {
		if (strcmp(cell(rows, r, COV_PARENT), id) != 0)
			continue;
		total++;
		covered += atoi(cell(rows, r, COV_RULES)) > 0;
	}
	if (total)
		strbuf_printf(b, " <small>(sub-techniques %zu/%zu)</small>",
			      covered, total);
}

/* One tactic's techniques (not sub-techniques): rows [from, to). */
static void put_column(strbuf *b, const page_ctx *ctx, const kb_rows *rows,
		       size_t from, size_t to)
{
	size_t covered = 0, total = 0;

	for (size_t r = from; r < to; r++) {
		if (*cell(rows, r, COV_PARENT))
			continue;
		total++;
		covered += atoi(cell(rows, r, COV_RULES)) > 0;
	}
	strbuf_puts(b, "<td><ul class=\"heat\">\n");
	for (size_t r = from; r < to; r++) {
		const char *titles = cell(rows, r, COV_TITLES);

		if (*cell(rows, r, COV_PARENT))
			continue;
		strbuf_printf(b, "<li class=\"heat-%d\" title=\"",
			      heat(cell(rows, r, COV_RULES)));
		html_escape_attr(b, *titles ? titles : "no rule");
		strbuf_puts(b, "\">");
		page_link_object(b, ctx, cell(rows, r, COV_TECHNIQUE),
				 cell(rows, r, COV_NAME), NULL);
		put_subs(b, rows, from, to, cell(rows, r, COV_TECHNIQUE));
		strbuf_puts(b, " <span class=\"count\">");
		html_escape_text(b, cell(rows, r, COV_RULES));
		strbuf_puts(b, "</span></li>\n");
	}
	strbuf_printf(b, "</ul><p class=\"muted\">%zu of %zu detected</p></td>\n",
		      covered, total);
}

static void put_html(strbuf *b, const page_ctx *ctx, const kb_rows *rows,
		     const char *set, bool rollup)
{
	size_t r = 0;

	html_page_begin(b, ctx->base, "Detection coverage");
	strbuf_puts(b, "<section class=\"matrix\">\n<h1>Detection coverage: ");
	html_escape_text(b, ctx->arg);
	strbuf_puts(b, "</h1>\n<p class=\"muted\">Rules of ");
	if (set) {
		strbuf_puts(b, "the set <code>");
		html_escape_text(b, set);
		strbuf_puts(b, "</code>");
	} else {
		strbuf_puts(b, "every imported set but ATT&amp;CK's own");
	}
	strbuf_puts(b, rollup ? ", a technique also covered by its "
				"sub-techniques' rules"
			      : "");
	strbuf_puts(b, ". <span class=\"heat-0\">no rule</span> "
		       "<span class=\"heat-1\">one rule</span> "
		       "<span class=\"heat-2\">two or more</span></p>\n"
		       "<div class=\"scroll\"><table class=\"matrix\">\n"
		       "<thead><tr>");
	for (size_t i = 0; i < rows->nrows; i++)
		if (i == 0 || strcmp(cell(rows, i, COV_TACTIC_ID),
				     cell(rows, i - 1, COV_TACTIC_ID)) != 0) {
			strbuf_puts(b, "<th>");
			page_link_object(b, ctx, cell(rows, i, COV_TACTIC_ID),
					 cell(rows, i, COV_TACTIC), NULL);
			strbuf_puts(b, "</th>");
		}
	strbuf_puts(b, "</tr></thead>\n<tbody><tr>\n");
	while (r < rows->nrows) {
		size_t to = r;

		while (to < rows->nrows &&
		       strcmp(cell(rows, to, COV_TACTIC_ID),
			      cell(rows, r, COV_TACTIC_ID)) == 0)
			to++;
		put_column(b, ctx, rows, r, to);
		r = to;
	}
	strbuf_puts(b, "</tr></tbody></table></div>\n</section>\n");
	html_page_end(b);
}

int page_coverage(strbuf *out, const page_ctx *ctx)
{
	const char *set = cgi_param(ctx->req, "set");
	const char *rollup = cgi_param(ctx->req, "rollup");
	bool roll = rollup && strcmp(rollup, "1") == 0;
	strbuf b = STRBUF_INIT;
	kb_rows *rows = NULL;
	int error;

	if (set && !*set)
		set = NULL;
	if ((error = kb_detection_select_sets(ctx->store, set ? &set : NULL,
					      set ? 1 : 0)) < 0)
		return error == KB_ENOTFOUND ? KB_ENOTFOUND : error;
	if ((error = kb_coverage_matrix(&rows, ctx->store, ctx->arg, roll)) <
	    0)
		return error;
	if (ctx->json) {
		char *json = format_rows_json(rows);

		strbuf_puts(&b, json);
		strbuf_putc(&b, '\n');
		free(json);
	} else {
		put_html(&b, ctx, rows, set, roll);
	}
	page_send(out, ctx, &b);
	strbuf_free(&b);
	kb_rows_free(rows);
	return 0;
}
