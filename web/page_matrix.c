/* web/page_matrix.c: "/matrix/DOMAIN": each live matrix of the domain as
 * a table, one column per tactic in the matrix's tactic_refs order, each
 * technique a link with its sub-techniques folded under it (<details>, no
 * script needed). */
#include "export/format.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"
#include "web/html.h"
#include "web/page.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The tactics of each live matrix, in matrix order. */
static const char tactics_sql[] =
	"SELECT m.object_id AS matrix_id, m.name AS matrix, t.attack_id, "
	"t.name FROM attack_objects m JOIN prop p ON p.object_id = "
	"m.object_id AND p.field = 'tactic_refs' JOIN tactics t ON t.stix_id "
	"= p.value AND t.domain = m.domain WHERE m.type = 'matrix' AND "
	"m.domain = ?1 AND m.revoked = 0 AND m.deprecated = 0 ORDER BY "
	"m.object_id, p.ord";

/* Live techniques (not sub-techniques) under each tactic, by name. */
static const char techniques_sql[] =
	"SELECT tt.tactic_id, tt.technique_id, o.name FROM technique_tactics "
	"tt JOIN attack_objects o ON o.attack_id = tt.technique_id AND "
	"o.domain = tt.domain AND o.type = 'technique' AND o.revoked = 0 AND "
	"o.deprecated = 0 WHERE tt.domain = ?1 ORDER BY tt.tactic_id, o.name "
	"COLLATE NOCASE, tt.technique_id";

/* Live sub-techniques by ID: each parent's are contiguous. */
static const char subs_sql[] =
	"SELECT attack_id, name FROM attack_objects WHERE type = "
	"'subtechnique' AND domain = ?1 AND revoked = 0 AND deprecated = 0 "
	"ORDER BY attack_id";

typedef struct {
	kb_rows *tactics, *techniques, *subs;
	strmap *first_sub;  /* parent ID -> 1 + first row in subs */
	strmap *first_tech; /* tactic ID -> 1 + first row in techniques */
} matrix_data;

static size_t index_of(const strmap *m, const char *key)
{
	return (size_t)(uintptr_t)strmap_get(m, key);
}

static int load(matrix_data *md, const page_ctx *ctx)
{
	const char *args[1] = {ctx->arg};
	int error;

	if ((error = kb_rows_query(&md->tactics, ctx->store, tactics_sql, args,
				   1)) < 0 ||
	    (error = kb_rows_query(&md->techniques, ctx->store,
				   techniques_sql, args, 1)) < 0 ||
	    (error = kb_rows_query(&md->subs, ctx->store, subs_sql, args,
				   1)) < 0)
		return error;
	md->first_sub = strmap_new();
	md->first_tech = strmap_new();
	for (size_t r = md->subs->nrows; r-- > 0;) {
		const char *id = kb_rows_get(md->subs, r, 0);
		char *parent = xstrndup(id, strcspn(id, "."));

		strmap_put(md->first_sub, parent, (void *)(uintptr_t)(r + 1));
		free(parent);
	}
	for (size_t r = md->techniques->nrows; r-- > 0;)
		strmap_put(md->first_tech, kb_rows_get(md->techniques, r, 0),
			   (void *)(uintptr_t)(r + 1));
	return 0;
}

static void data_free(matrix_data *md)
{
	kb_rows_free(md->tactics);
	kb_rows_free(md->techniques);
	kb_rows_free(md->subs);
	strmap_free(md->first_sub);
	strmap_free(md->first_tech);
}

/* Rows [*from, *to) of techniques under tactic. */
static void tactic_range(const matrix_data *md, const char *tactic,
			 size_t *from, size_t *to)
{
	size_t r = index_of(md->first_tech, tactic);

	*from = *to = 0;
	if (!r)
		return;
	*from = *to = r - 1;
	while (*to < md->techniques->nrows &&
	       strcmp(kb_rows_get(md->techniques, *to, 0), tactic) == 0)
		(*to)++;
}

/* Rows [*from, *to) of subs under technique id. */
static void sub_range(const matrix_data *md, const char *id, size_t *from,
		      size_t *to)
{
	size_t r = index_of(md->first_sub, id), n = strlen(id);

	*from = *to = 0;
	if (!r)
		return;
	*from = *to = r - 1;
	while (*to < md->subs->nrows &&
	       strncmp(kb_rows_get(md->subs, *to, 0), id, n) == 0 &&
	       kb_rows_get(md->subs, *to, 0)[n] == '.')
		(*to)++;
}

static void put_cell(strbuf *b, const page_ctx *ctx, const matrix_data *md,
		     size_t tech_row)
{
	const char *id = kb_rows_get(md->techniques, tech_row, 1);
	const char *name = kb_rows_get(md->techniques, tech_row, 2);
	size_t from, to;

	page_link_object(b, ctx, id, name ? name : id, ctx->arg);
	sub_range(md, id, &from, &to);
	if (from == to)
		return;
	strbuf_printf(b, "\n<details><summary>%zu sub-technique%s</summary>"
			 "<ul>",
		      to - from, to - from == 1 ? "" : "s");
	for (size_t s = from; s < to; s++) {
		strbuf_puts(b, "<li>");
		page_link_object(b, ctx, kb_rows_get(md->subs, s, 0),
				 kb_rows_get(md->subs, s, 1), ctx->arg);
		strbuf_puts(b, "</li>");
	}
	strbuf_puts(b, "</ul></details>");
}

/* One matrix: tactics rows [from, to) of md->tactics. */
static void put_table(strbuf *b, const page_ctx *ctx, const matrix_data *md,
		      size_t from, size_t to)
{
	size_t depth = 0, a, z, techniques = 0;

	for (size_t t = from; t < to; t++) {
		tactic_range(md, kb_rows_get(md->tactics, t, 2), &a, &z);
		if (z - a > depth)
			depth = z - a;
		techniques += z - a;
	}
	strbuf_puts(b, "<section class=\"matrix\">\n<h2>");
	html_escape_text(b, kb_rows_get(md->tactics, from, 1));
	strbuf_printf(b, "</h2>\n<p class=\"muted\">%zu tactics; a technique "
			 "under several tactics shows in each column "
			 "(%zu cells).</p>\n",
		      to - from, techniques);
	strbuf_puts(b, "<div class=\"scroll\"><table class=\"matrix\">\n"
		       "<thead><tr>");
	for (size_t t = from; t < to; t++) {
		const char *tid = kb_rows_get(md->tactics, t, 2);

		tactic_range(md, tid, &a, &z);
		strbuf_puts(b, "<th scope=\"col\">");
		page_link_object(b, ctx, tid, kb_rows_get(md->tactics, t, 3),
				 ctx->arg);
		strbuf_printf(b, "<br><span class=\"muted\">%zu technique%s"
				 "</span></th>",
			      z - a, z - a == 1 ? "" : "s");
	}
	strbuf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < depth; i++) {
		strbuf_puts(b, "<tr>");
		for (size_t t = from; t < to; t++) {
			tactic_range(md, kb_rows_get(md->tactics, t, 2), &a,
				     &z);
			strbuf_puts(b, "<td>");
			if (a + i < z)
				put_cell(b, ctx, md, a + i);
			strbuf_puts(b, "</td>");
		}
		strbuf_puts(b, "</tr>\n");
	}
	strbuf_puts(b, "</tbody></table></div>\n</section>\n");
}

static void put_html(strbuf *b, const page_ctx *ctx, const matrix_data *md)
{
	char *title = xasprintf("%s matrix", page_domain_short(ctx->arg));
	size_t from = 0;

	html_page_begin(b, ctx->base, title);
	free(title);
	strbuf_puts(b, "<h1>");
	html_escape_text(b, ctx->arg);
	strbuf_puts(b, " matrix</h1>\n");
	if (md->tactics->nrows == 0)
		strbuf_puts(b, "<p class=\"warn\">This store holds no matrix "
			       "for this domain.</p>\n");
	while (from < md->tactics->nrows) {
		size_t to = from;

		while (to < md->tactics->nrows &&
		       strcmp(kb_rows_get(md->tactics, to, 0),
			      kb_rows_get(md->tactics, from, 0)) == 0)
			to++;
		put_table(b, ctx, md, from, to);
		from = to;
	}
	html_page_end(b);
}

static void put_json_string(strbuf *b, const char *s)
{
	char *j = format_json_string(s);

	strbuf_puts(b, j);
	free(j);
}

/* {"domain": D, "matrices": [{"name": N, "tactics": [{"id", "name",
 *  "techniques": [{"id", "name", "subtechniques": [{"id", "name"}]}]}]}]} */
static void put_json(strbuf *b, const page_ctx *ctx, const matrix_data *md)
{
	size_t a, z, sa, sz;

	strbuf_puts(b, "{\"domain\":");
	put_json_string(b, ctx->arg);
	strbuf_puts(b, ",\"matrices\":[");
	for (size_t t = 0; t < md->tactics->nrows; t++) {
		bool first_of_matrix =
			t == 0 || strcmp(kb_rows_get(md->tactics, t, 0),
					 kb_rows_get(md->tactics, t - 1, 0));

		if (first_of_matrix) {
			strbuf_puts(b, t ? "]},{\"name\":" : "{\"name\":");
			put_json_string(b, kb_rows_get(md->tactics, t, 1));
			strbuf_puts(b, ",\"tactics\":[");
		} else {
			strbuf_putc(b, ',');
		}
		strbuf_puts(b, "{\"id\":");
		put_json_string(b, kb_rows_get(md->tactics, t, 2));
		strbuf_puts(b, ",\"name\":");
		put_json_string(b, kb_rows_get(md->tactics, t, 3));
		strbuf_puts(b, ",\"techniques\":[");
		tactic_range(md, kb_rows_get(md->tactics, t, 2), &a, &z);
		for (size_t r = a; r < z; r++) {
			const char *id = kb_rows_get(md->techniques, r, 1);

			strbuf_puts(b, r > a ? ",{\"id\":" : "{\"id\":");
			put_json_string(b, id);
			strbuf_puts(b, ",\"name\":");
			put_json_string(b, kb_rows_get(md->techniques, r, 2));
			strbuf_puts(b, ",\"subtechniques\":[");
			sub_range(md, id, &sa, &sz);
			for (size_t s = sa; s < sz; s++) {
				strbuf_puts(b, s > sa ? ",{\"id\":"
						      : "{\"id\":");
				put_json_string(b, kb_rows_get(md->subs, s, 0));
				strbuf_puts(b, ",\"name\":");
				put_json_string(b, kb_rows_get(md->subs, s, 1));
				strbuf_putc(b, '}');
			}
			strbuf_puts(b, "]}");
		}
		strbuf_puts(b, "]}");
	}
	strbuf_puts(b, md->tactics->nrows ? "]}]}\n" : "]}\n");
}

int page_matrix(strbuf *out, const page_ctx *ctx)
{
	matrix_data md = {0};
	strbuf b = STRBUF_INIT;
	int error;

	if ((error = load(&md, ctx)) < 0)
		goto done;
	if (ctx->json)
		put_json(&b, ctx, &md);
	else
		put_html(&b, ctx, &md);
	page_send(out, ctx, &b);
done:
	strbuf_free(&b);
	data_free(&md);
	return error;
}
