/* kb/search.c: search = exact ATT&CK IDs, then FTS5 matches in names,
 * aliases, descriptions and procedure text (each a tier, ranked by bm25
 * within it), then every technique's sub-techniques moved under it. */
#include "kb/search.h"
#include "kb/attackid.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/store_impl.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has_word_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* One FTS5 string: "text" with inner quotes doubled, * for a prefix. */
static void put_fts_string(strbuf *sb, const char *s, size_t n, bool prefix)
{
	if (sb->len)
		strbuf_putc(sb, ' ');
	strbuf_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			strbuf_putc(sb, '"');
		strbuf_putc(sb, s[i]);
	}
	strbuf_putc(sb, '"');
	if (prefix)
		strbuf_putc(sb, '*');
}

char *kb_search_fts_query(const char *text)
{
	strbuf sb = STRBUF_INIT;
	const char *p = text;

	while (*p) {
		const char *start;
		size_t n;
		bool prefix = false;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			start = ++p;
			while (*p && *p != '"')
				p++;
			n = (size_t)(p - start);
			if (*p == '"')
				p++;
			if (*p == '*') {
				prefix = true;
				p++;
			}
		} else {
			start = p;
			while (*p && !isspace((unsigned char)*p) && *p != '"')
				p++;
			n = (size_t)(p - start);
			if (n > 1 && start[n - 1] == '*') {
				prefix = true;
				n--;
			}
		}
		if (has_word_char(start, n))
			put_fts_string(&sb, start, n, prefix);
	}
	if (!sb.len) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/* The statements read the tables, not the view cur: each object o of the
 * shown releases is an object row joined with its current_member row oc
 * (cur would cost preparing twenty columns per object).
 * Filters shared by every statement: ?2 domain, ?3 type, ?4 platform. */
#define FILTERS                                                              \
	" AND (?2 IS NULL OR oc.domain = ?2) AND (?3 IS NULL OR o.kind = ?3 "  \
	"OR (?3 = 'technique' AND o.kind = 'subtechnique')) AND (?4 IS NULL "  \
	"OR EXISTS (SELECT 1 FROM prop p WHERE p.object_id = o.id AND "        \
	"p.field = 'x_mitre_platforms' AND p.value = ?4 COLLATE NOCASE))"

/* Objects whose ATT&CK ID is one of ?1 (a comma-separated list). */
static const char exact_sql[] =
	"SELECT o.attack_id, o.name, o.kind, oc.domain, CASE WHEN o.revoked "
	"THEN 'revoked' WHEN o.deprecated THEN 'deprecated' ELSE "
	"substr(o.description, 1, 160) END FROM current_member oc JOIN object "
	"o ON o.id = oc.object_id WHERE o.attack_id IN (SELECT value FROM "
	"json_each('[' || ?1 || ']')) AND o.kind IS NOT NULL" FILTERS
	" ORDER BY o.revoked, o.deprecated, instr(?1, '\"' || o.attack_id || "
	"'\"'), oc.domain = 'enterprise-attack' DESC, oc.domain";

/* Full-text matches, one row per object: relationship text counts for
 * the relationship's target (the technique a procedure uses). Within a
 * tier an exact name comes first, and the detection objects (analytics,
 * strategies, data components) after the rest. The last column is the
 * indexed row that matched best (for its snippet). */
static const char fts_sql[] =
	"WITH m (id, tier, score) AS ("
	" SELECT rowid, 1, bm25(search, 10.0, 5.0, 1.0) FROM search WHERE "
	"  search MATCH '{name} : (' || ?1 || ')'"
	" UNION ALL SELECT rowid, 2, bm25(search, 10.0, 5.0, 1.0) FROM search "
	"  WHERE search MATCH '{aliases} : (' || ?1 || ')'"
	" UNION ALL SELECT rowid, 3, bm25(search, 10.0, 5.0, 1.0) FROM search "
	"  WHERE search MATCH '{description} : (' || ?1 || ')'), "
	"h (id, domain, tier, score, fts) AS ("
	" SELECT CASE WHEN r.rel_type IS NULL THEN r.id ELSE (SELECT t.id "
	"  FROM object t JOIN current_member tc ON tc.object_id = t.id WHERE "
	"  t.stix_id = r.target_ref AND tc.domain = rc.domain) END, "
	"  rc.domain, m.tier + (r.rel_type IS NOT NULL), m.score, m.id "
	" FROM m JOIN object r ON r.id = m.id JOIN current_member rc ON "
	" rc.object_id = r.id WHERE r.revoked = 0 AND r.deprecated = 0) "
	"SELECT o.attack_id, o.name, o.kind, oc.domain, NULL, "
	" min(h.tier * 1000000.0 + h.score) AS key, h.tier, h.fts "
	"FROM h JOIN object o ON o.id = h.id JOIN current_member oc ON "
	"oc.object_id = o.id AND oc.domain = h.domain "
	"WHERE o.kind IS NOT NULL AND o.revoked = 0 AND o.deprecated = 0" FILTERS
	" GROUP BY o.id, oc.domain ORDER BY key + CASE WHEN o.name = ?5 "
	"COLLATE NOCASE THEN -500000 ELSE 0 END + CASE WHEN o.kind IN "
	"('analytic', 'detection_strategy', 'data_component', 'data_source') "
	"THEN 1000 ELSE 0 END LIMIT 1000";

/* The text around the match in the indexed rows of ?2, a JSON object
 * {"ROWID": COLUMN, ...}: in the column where each row matched. Computed
 * only for the hits on the page (snippets are the costly part), in one
 * statement: each evaluation of the MATCH reads the terms' whole lists.
 * The query is not limited to a column: a row's matches in its column are
 * the same either way. (The + keeps the rowids a filter: as a constraint
 * SQLite would run the MATCH once for each of them.) */
static const char snippet_sql[] =
	"SELECT rowid, snippet(search, json_extract(?2, '$.\"' || rowid || "
	"'\"'), char(2), char(3), '…', 24) FROM search WHERE search MATCH ?1 "
	"AND +rowid IN (SELECT CAST(key AS INTEGER) FROM json_each(?2))";

/* Live sub-techniques of the techniques in ?1 (a JSON array body of
 * IDs), found through the attack_id index: T1136 -> T1136.001... (CROSS
 * JOIN and +kind keep SQLite from scanning every sub-technique instead.) */
static const char subs_sql[] =
	"SELECT o.attack_id, o.name, o.kind, oc.domain, substr(o.description, "
	"1, 160), j.value FROM json_each('[' || ?1 || ']') j CROSS JOIN object "
	"o ON o.attack_id > j.value || '.' AND o.attack_id < j.value || '/' "
	"JOIN current_member oc ON oc.object_id = o.id WHERE +o.kind = "
	"'subtechnique' AND o.revoked = 0 AND o.deprecated = 0" FILTERS
	" ORDER BY o.attack_id";

struct hitlist {
	kb_hit *v;   /* hits in final order */
	size_t n, cap;
	strmap *seen; /* "ID domain" -> 1 + index in v */
};

static char *hit_key(const char *id, const char *domain)
{
	return xasprintf("%s %s", id, domain);
}

/* Append a hit unless the object is listed already; returns it or NULL. */
static kb_hit *hit_add(struct hitlist *l, const char *const cells[5],
		       const char *match, const char *parent)
{
	char *key = hit_key(cells[0], cells[3]);
	kb_hit *h;

	if (strmap_get(l->seen, key)) {
		free(key);
		return NULL;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(kb_hit));
	}
	h = &l->v[l->n++];
	h->attack_id = xstrdup(cells[0]);
	h->name = xstrdup(cells[1] ? cells[1] : "");
	h->type = xstrdup(cells[2]);
	h->domain = xstrdup(cells[3]);
	h->snippet = xstrdup(cells[4] ? cells[4] : "");
	h->match = xstrdup(match);
	h->parent = parent ? xstrdup(parent) : NULL;
	h->fts_row = 0;
	h->fts_col = 0;
	strmap_put(l->seen, key, (void *)(uintptr_t)l->n);
	free(key);
	return h;
}

/* Add a copy of hit s (keeping where it matched). */
static kb_hit *hit_copy(struct hitlist *l, const kb_hit *s, const char *parent)
{
	const char *cells[5] = {s->attack_id, s->name, s->type, s->domain,
				s->snippet};
	kb_hit *h = hit_add(l, cells, s->match, parent);

	if (h) {
		h->fts_row = s->fts_row;
		h->fts_col = s->fts_col;
	}
	return h;
}

/* Snippets for the hits of the page that came from the full-text index. */
static int fill_snippets(kb_store *store, kb_hits *res, const char *q)
{
	strbuf rows = STRBUF_INIT;
	sqlite3_stmt *st;
	int rc, error;

	for (size_t i = 0; i < res->n; i++)
		if (res->hits[i].fts_row)
			strbuf_printf(&rows, "%s\"%lld\": %d",
				      rows.len ? ", " : "{",
				      res->hits[i].fts_row, res->hits[i].fts_col);
	if (!rows.len)
		return 0;
	strbuf_puts(&rows, "}");
	if ((error = kb_store_stmt(&st, store, KB_STMT_SNIPPET,
				   snippet_sql)) < 0) {
		strbuf_free(&rows);
		return error;
	}
	sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, rows.ptr, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long row = sqlite3_column_int64(st, 0);
		const char *text = (const char *)sqlite3_column_text(st, 1);

		for (size_t i = 0; text && i < res->n; i++) {
			kb_hit *h = &res->hits[i];

			if (h->fts_row != row)
				continue;
			free(h->snippet);
			h->snippet = xstrdup(text);
		}
	}
	sqlite3_reset(st);
	strbuf_free(&rows);
	return rc == SQLITE_DONE ? 0 : kb_store_db_error(store, "snippet");
}

static void hit_free(kb_hit *h)
{
	free(h->attack_id);
	free(h->name);
	free(h->type);
	free(h->domain);
	free(h->match);
	free(h->snippet);
	free(h->parent);
}

/* The IDs a query names exactly: "t1136" -> "T1136"; a bare number
 * "1136" -> every type's ID with that number. As a JSON array body. */
static char *exact_ids(const char *text)
{
	static const char *const prefixes[] = {"T", "TA", "M", "G", "S", "C",
					       "DS", "DC", "DET", "AN", "A"};
	char id[ATTACKID_MAX];
	size_t n = strlen(text);
	strbuf sb = STRBUF_INIT;

	if (kb_is_attack_id(text, id)) {
		strbuf_printf(&sb, "\"%s\"", id);
	} else if ((n == 4 && strspn(text, "0123456789") == 4) ||
		   (n == 8 && strspn(text, "0123456789") == 4 &&
		    text[4] == '.' && strspn(text + 5, "0123456789") == 3)) {
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes);
		     i++) {
			if (n == 8 && i > 0)
				break; /* only techniques have .NNN */
			strbuf_printf(&sb, "%s\"%s%s\"", i ? "," : "",
				      prefixes[i], text);
		}
	}
	if (!sb.len) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static const char *const tier_names[] = {"id", "name", "alias",
					 "description", "procedure"};

int kb_search(kb_hits **out, kb_store *store, const char *text,
	      const kb_search_opts *opts)
{
	static const kb_search_opts defaults = KB_SEARCH_OPTS_INIT;
	struct hitlist l = {0};
	kb_rows *exact = NULL, *fts = NULL, *subs = NULL;
	char *trimmed = NULL, *ids = NULL, *q = NULL;
	const char *args[5];
	kb_hits *res = NULL;
	size_t limit;
	int error = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (strlen(text) > KB_MAX_QUERY_TEXT)
		return kb_error_set(KB_ELIMIT,
				    "search text longer than %d bytes",
				    KB_MAX_QUERY_TEXT);
	/* A search ranks at most KB_MAX_RESULTS hits: a larger --limit
	 * (or ?limit=) must not size an allocation. */
	limit = opts->limit ? opts->limit : 20;
	if (limit > KB_MAX_RESULTS)
		limit = KB_MAX_RESULTS;
	trimmed = xstrdup(text + strspn(text, " \t\r\n"));
	for (size_t n = strlen(trimmed);
	     n && isspace((unsigned char)trimmed[n - 1]); n--)
		trimmed[n - 1] = '\0';
	l.seen = strmap_new();
	args[1] = opts->domain;
	args[2] = opts->type;
	args[3] = opts->platform;
	if ((ids = exact_ids(trimmed)) != NULL) {
		args[0] = ids;
		if ((error = kb_rows_query(&exact, store, exact_sql, args, 4)) <
		    0)
			goto done;
	}
	if ((q = kb_search_fts_query(trimmed)) != NULL) {
		args[0] = q;
		args[4] = trimmed;
		if ((error = kb_rows_query(&fts, store, fts_sql, args, 5)) < 0)
			goto done;
	}
	for (size_t r = 0; exact && r < exact->nrows; r++)
		hit_add(&l, (const char *const *)&exact->cells[r * 5], "id",
			NULL);
	for (size_t r = 0; fts && r < fts->nrows; r++) {
		int tier = atoi(kb_rows_get(fts, r, 6));
		kb_hit *h = hit_add(
			&l, (const char *const *)&fts->cells[r * fts->ncols],
			tier_names[tier < 5 ? tier : 4], NULL);

		if (h) {
			h->fts_row = atoll(kb_rows_get(fts, r, 7));
			h->fts_col = tier >= 3 ? 2 : tier - 1;
		}
	}
	/* Move sub-techniques under their parent, in ID order, keeping
	 * their own match if they had one. */
	{
		strbuf parents = STRBUF_INIT;

		for (size_t i = 0; i < l.n; i++)
			if (strcmp(l.v[i].type, "technique") == 0)
				strbuf_printf(&parents, "%s\"%s\"",
					      parents.len ? "," : "",
					      l.v[i].attack_id);
		args[0] = parents.ptr;
		error = kb_rows_query(&subs, store, subs_sql, args, 4);
		strbuf_free(&parents);
		if (error < 0)
			goto done;
	}
	{
		struct hitlist ordered = {0};

		ordered.seen = strmap_new();
		for (size_t i = 0; i < l.n; i++) {
			const kb_hit *h = &l.v[i];

			if (!hit_copy(&ordered, h, NULL))
				continue;
			if (strcmp(h->type, "technique") != 0)
				continue;
			for (size_t r = 0; r < subs->nrows; r++) {
				const char *const *c =
					(const char *const *)&subs->cells
						[r * subs->ncols];
				uintptr_t at;
				char *key;

				if (strcmp(c[5], h->attack_id) != 0 ||
				    strcmp(c[3], h->domain) != 0)
					continue;
				key = hit_key(c[0], c[3]);
				at = (uintptr_t)strmap_get(l.seen, key);
				free(key);
				if (at) {
					hit_copy(&ordered, &l.v[at - 1],
						 h->attack_id);
				} else {
					hit_add(&ordered, c, "parent",
						h->attack_id);
				}
			}
		}
		for (size_t i = 0; i < l.n; i++)
			hit_free(&l.v[i]);
		free(l.v);
		strmap_free(l.seen);
		l = ordered;
	}
	res = xcalloc(1, sizeof(*res));
	/* Exact IDs and sub-techniques come on top of the FTS rows: cut
	 * the ranked list at KB_MAX_RESULTS. */
	res->total = l.n < KB_MAX_RESULTS ? l.n : KB_MAX_RESULTS;
	res->fts = q;
	q = NULL;
	for (size_t i = 0; i < l.n; i++) {
		if (i >= opts->offset && i < res->total && res->n < limit) {
			if (!res->hits)
				res->hits = xcalloc(limit, sizeof(kb_hit));
			res->hits[res->n++] = l.v[i];
		} else {
			hit_free(&l.v[i]);
		}
	}
	if (res->fts && (error = fill_snippets(store, res, res->fts)) < 0) {
		kb_hits_free(res);
		goto done;
	}
	*out = res;
done:
	if (!*out)
		for (size_t i = 0; i < l.n; i++)
			hit_free(&l.v[i]);
	free(l.v);
	strmap_free(l.seen);
	kb_rows_free(exact);
	kb_rows_free(fts);
	kb_rows_free(subs);
	free(trimmed);
	free(ids);
	free(q);
	return error;
}

void kb_hits_free(kb_hits *hits)
{
	if (!hits)
		return;
	for (size_t i = 0; i < hits->n; i++)
		hit_free(&hits->hits[i]);
	free(hits->hits);
	free(hits->fts);
	free(hits);
}
