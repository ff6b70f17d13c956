/* kb/describe.c: one object with everything around it, as sections of
 * rows from the public views; what each type shows is the table below. */
#include "kb/describe.h"
#include "kb/attackid.h"
#include "kb/error.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What points at a technique, for four sections in one statement
 * (each statement over the relationships view costs 0.4 ms to prepare):
 * in each relationship's rows, groups, then software, then campaigns,
 * each by ID. */
static const char incoming_sql[] =
	"SELECT relationship, source_id AS id, source_type AS type, "
	"source_name AS name, description FROM relationships WHERE target_id "
	"= ?1 AND domain = ?2 AND relationship IN ('subtechnique-of', "
	"'mitigates', 'uses', 'detects') ORDER BY relationship, CASE "
	"source_type WHEN "
	"'group' THEN 0 WHEN 'software' THEN 1 ELSE 2 END, source_id";

/* An analytic's log sources on one line: "NAME (CHANNEL); ..." (read
 * from its properties: the analytic_log_sources view would also resolve
 * each data component, and costs ten times as much to prepare). */
#define LOG_SOURCES                                                          \
	"(SELECT group_concat(ls.v2 || coalesce(' (' || ls.v3 || ')', ''), "  \
	"'; ') FROM prop ls WHERE ls.object_id = a.object_id AND ls.field = " \
	"'x_mitre_log_source_references')"

/* What each type of object shows. ?1 is its ATT&CK ID, ?2 its domain. */
static const struct section_spec {
	const char *types; /* space-separated kinds, with spaces around */
	const char *title, *key, *sql;
	const char *query; /* instead of sql: a named query (queries/) */
	/* If set, the section's statement runs only if this one (?1 ID, ?2
	 * domain) returns a row: a cheap test that spares preparing an
	 * expensive statement over the views (rules-for: 4 M instructions)
	 * when it can find nothing. The section is then empty, with these
	 * columns (space-separated). */
	const char *when, *columns;
	/* Instead of sql: the rows of incoming_sql of this relationship
	 * whose source is of one of these kinds (space-separated, with
	 * spaces around; NULL: any), with the columns above. With sql as
	 * well: sql's rows, ?1 being those rows' [id, name] pairs as a JSON
	 * array (?2 the domain). */
	const char *incoming, *sources;
} sections[] = {
	{" technique ", "Sub-techniques", "subtechniques", .columns = "id name",
	 .incoming = "subtechnique-of"},
	{" technique subtechnique ", "Mitigations", "mitigations",
	 .columns = "id name description", .incoming = "mitigates",
	 .sources = " mitigation "},
	{" technique subtechnique ", "Procedure examples", "procedures",
	 .columns = "id type name description", .incoming = "uses",
	 .sources = " group software campaign "},
	{" technique subtechnique ", "Detection strategies", "detection",
	 "SELECT json_extract(d.value, '$[0]') AS strategy, "
	 "json_extract(d.value, '$[1]') AS name, a.attack_id AS analytic, "
	 "a.platform, " LOG_SOURCES " AS log_sources FROM json_each(?1) d "
	 "JOIN analytics a ON a.detection_strategy_id = json_extract(d.value, "
	 "'$[0]') AND a.domain = ?2 ORDER BY strategy, analytic",
	 .columns = "id name", .incoming = "detects",
	 .sources = " detection_strategy "},
	{" technique subtechnique ", "Team detections", "team_detections",
	 NULL, "rules-for", "SELECT 1 FROM detection_set LIMIT 1",
	 "set rule title via written resolution file line"},
	{" technique subtechnique ", "Targeted assets", "assets",
	 "SELECT target_id AS id, target_name AS name FROM relationships "
	 "WHERE relationship = 'targets' AND source_id = ?1 AND domain = ?2 "
	 "ORDER BY id",
	 NULL, "SELECT 1 FROM current_member c JOIN object o ON o.id = "
	 "c.object_id WHERE o.kind = 'asset' AND c.domain = ?2 LIMIT 1",
	 "id name"},
	{" tactic ", "Techniques", "techniques",
	 "SELECT tt.technique_id AS id, t.name, t.parent_id AS parent FROM "
	 "technique_tactics tt JOIN techniques t ON t.attack_id = "
	 "tt.technique_id AND t.domain = tt.domain WHERE tt.tactic_id = ?1 "
	 "AND tt.domain = ?2 ORDER BY id"},
	{" mitigation ", "Techniques addressed", "techniques",
	 "SELECT target_id AS id, target_name AS name, description FROM "
	 "relationships WHERE relationship = 'mitigates' AND source_id = ?1 "
	 "AND domain = ?2 ORDER BY id"},
	{" group campaign software ", "Techniques used", "techniques",
	 "SELECT target_id AS id, target_name AS name, description FROM "
	 "relationships WHERE relationship = 'uses' AND source_id = ?1 AND "
	 "domain = ?2 AND target_type IN ('technique', 'subtechnique') ORDER "
	 "BY id"},
	{" group campaign ", "Software used", "software",
	 "SELECT target_id AS id, target_name AS name, description FROM "
	 "relationships WHERE relationship = 'uses' AND source_id = ?1 AND "
	 "domain = ?2 AND target_type = 'software' ORDER BY id"},
	{" software ", "Used by", "used_by",
	 "SELECT source_id AS id, source_type AS type, source_name AS name, "
	 "description FROM relationships WHERE relationship = 'uses' AND "
	 "target_id = ?1 AND domain = ?2 ORDER BY type, id"},
	{" group ", "Campaigns", "campaigns",
	 "SELECT source_id AS id, source_name AS name, description FROM "
	 "relationships WHERE relationship = 'attributed-to' AND target_id = "
	 "?1 AND domain = ?2 ORDER BY id"},
	{" campaign ", "Attributed to", "attributed_to",
	 "SELECT target_id AS id, target_name AS name, description FROM "
	 "relationships WHERE relationship = 'attributed-to' AND source_id = "
	 "?1 AND domain = ?2 ORDER BY id"},
	{" detection_strategy ", "Detects", "detects",
	 "SELECT target_id AS id, target_name AS name FROM relationships "
	 "WHERE relationship = 'detects' AND source_id = ?1 AND domain = ?2 "
	 "ORDER BY id"},
	{" detection_strategy ", "Analytics", "analytics",
	 "SELECT a.attack_id AS id, a.platform, a.description, " LOG_SOURCES
	 " AS log_sources FROM analytics a WHERE a.detection_strategy_id = ?1 "
	 "AND a.domain = ?2 ORDER BY id"},
	{" analytic ", "Detection strategy", "strategy",
	 "SELECT a.detection_strategy_id AS id, s.name FROM analytics a JOIN "
	 "attack_objects s ON s.attack_id = a.detection_strategy_id AND "
	 "s.domain = a.domain WHERE a.attack_id = ?1 AND a.domain = ?2"},
	{" analytic ", "Log sources", "log_sources",
	 "SELECT data_component_id AS data_component, name, channel FROM "
	 "analytic_log_sources WHERE analytic_id = ?1 AND domain = ?2"},
	{" analytic ", "Mutable elements", "mutable_elements",
	 "SELECT p.value AS field, p.v2 AS description FROM attack_objects o "
	 "JOIN prop p ON p.object_id = o.object_id AND p.field = "
	 "'x_mitre_mutable_elements' WHERE o.attack_id = ?1 AND o.domain = ?2 "
	 "ORDER BY p.ord"},
	{" data_component ", "Log sources", "log_sources",
	 "SELECT p.value AS name, p.v2 AS channel FROM attack_objects o JOIN "
	 "prop p ON p.object_id = o.object_id AND p.field = "
	 "'x_mitre_log_sources' WHERE o.attack_id = ?1 AND o.domain = ?2 "
	 "ORDER BY p.ord"},
	{" data_component ", "Analytics using it", "analytics",
	 "SELECT a.attack_id AS id, ls.v2 AS name, ls.v3 AS channel FROM "
	 "live dc JOIN prop ls ON ls.value = dc.stix_id AND ls.field = "
	 "'x_mitre_log_source_references' JOIN live a ON a.id = ls.object_id "
	 "AND a.domain = dc.domain WHERE dc.attack_id = ?1 AND dc.domain = ?2 "
	 "AND dc.kind = 'data_component' ORDER BY id"},
	{" asset ", "Targeted by", "targeted_by",
	 "SELECT source_id AS id, source_name AS name FROM relationships "
	 "WHERE relationship = 'targets' AND target_id = ?1 AND domain = ?2 "
	 "ORDER BY id"},
	{" technique subtechnique tactic mitigation group software campaign "
	 "data_source data_component detection_strategy analytic asset ",
	 "Analyst notes", "notes",
	 "SELECT path AS note, 'describes it' AS how FROM note WHERE attack_id "
	 "= ?1 AND ?2 IS NOT NULL UNION SELECT n.path, 'links to it' FROM "
	 "note_link l JOIN note n ON n.id = l.note_id WHERE l.attack_id = ?1 "
	 "AND coalesce(n.attack_id, '') <> ?1 UNION SELECT n.path, 'mentions "
	 "it' FROM note_mention m JOIN note n ON n.id = m.note_id WHERE "
	 "m.attack_id = ?1 AND coalesce(n.attack_id, '') <> ?1 AND NOT EXISTS "
	 "(SELECT 1 FROM note_link l WHERE l.note_id = n.id AND l.attack_id = "
	 "?1) ORDER BY 1, 2",
	 NULL, "SELECT 1 FROM note LIMIT 1", "note how"},
	{" technique subtechnique tactic mitigation group software campaign "
	 "data_source data_component detection_strategy analytic asset ",
	 "References", "references",
	 "SELECT source_name AS source, url, description FROM refs WHERE "
	 "object_id = ?1 AND domain = ?2 AND external_id = '' ORDER BY ord"},
};

/* The object's own fields; lists joined by ", ". */
static const char field_sql[] =
	"SELECT o.attack_id, o.name, o.type, o.domain, o.description, "
	"o.version, o.created, o.modified, o.url, o.revoked, o.deprecated, "
	"(SELECT group_concat(p.value, ', ') FROM prop p WHERE p.object_id = "
	"o.object_id AND p.field IN ('aliases', 'x_mitre_aliases') AND p.value "
	"<> o.name) AS aliases, "
	"NULL AS tactics, "
	"(SELECT group_concat(p.value, ', ') FROM prop p WHERE p.object_id = "
	"o.object_id AND p.field = 'x_mitre_platforms') AS platforms, "
	"NULL AS parent, "
	"NULL AS revoked_by, "
	"(SELECT group_concat(d.domain, ', ') FROM attack_objects d WHERE "
	"d.attack_id = o.attack_id AND d.type = o.type) AS domains "
	"FROM attack_objects o WHERE o.attack_id = ?1 AND o.domain = ?2 AND "
	"o.type = ?3 LIMIT 1";

/* Fields of some kinds only, each a statement of its own (?1 ID, ?2
 * domain), so that other kinds do not pay for preparing it. */
static const struct {
	const char *types, *key, *sql;
} kind_fields[] = {
	{" technique subtechnique ", "tactics",
	 "SELECT group_concat(tactic, ', ') FROM technique_tactics WHERE "
	 "technique_id = ?1 AND domain = ?2"},
	{" subtechnique ", "parent",
	 "SELECT target_id || ' ' || target_name FROM relationships WHERE "
	 "relationship = 'subtechnique-of' AND source_id = ?1 AND domain = "
	 "?2"},
};

/* The successors view's chains, followed from one ID only (the view
 * follows every chain of the release: 6 ms). Depth 0 is each object with
 * the ID; a chain that does not end within 32 steps (a cycle) gives no
 * row, as in the view. (Correlated subqueries rather than joins: a join
 * on the chain makes SQLite build Bloom filters over whole tables.) */
static const char successor_sql[] =
	"WITH RECURSIVE chain (stix_id, depth) AS ("
	" SELECT stix_id, 0 FROM cur WHERE attack_id = ?1 AND domain = ?2"
	" UNION"
	" SELECT (SELECT r.target_ref FROM cur r WHERE r.source_ref = "
	"  c.stix_id AND r.rel_type = 'revoked-by' AND r.domain = ?2), "
	"  c.depth + 1 FROM chain c WHERE c.stix_id IS NOT NULL AND "
	"  c.depth < 32), "
	"last (stix_id) AS ("
	" SELECT stix_id FROM chain c WHERE depth > 0 AND stix_id IS NOT NULL"
	" AND NOT EXISTS (SELECT 1 FROM cur n WHERE n.source_ref = c.stix_id"
	" AND n.rel_type = 'revoked-by' AND n.domain = ?2) ORDER BY depth "
	" LIMIT 1) "
	"SELECT s.attack_id, s.name FROM last l, cur s WHERE s.stix_id = "
	"l.stix_id AND s.domain = ?2";

/* Objects an ID or name could mean, enterprise first. Old releases gave
 * mitigations technique IDs (T1066 is also a deprecated mitigation): a
 * T-ID means the technique, even a revoked one. */
static const char find_id_sql[] =
	"SELECT attack_id, domain, name, type FROM attack_objects WHERE "
	"attack_id = ?1 AND (?2 IS NULL OR domain = ?2) ORDER BY "
	"(attack_id GLOB 'T[0-9]*') <> (type IN ('technique', 'subtechnique')), "
	"revoked, deprecated, "
	"domain = 'enterprise-attack' DESC, domain";
static const char find_name_sql[] =
	"SELECT DISTINCT attack_id, domain, name, type FROM attack_objects "
	"WHERE name = ?1 COLLATE NOCASE AND (?2 IS NULL OR domain = ?2) "
	"ORDER BY revoked, domain = 'enterprise-attack' DESC, domain, "
	"attack_id";

int kb_successor(kb_rows **out, kb_store *store, const char *attack_id,
		 const char *domain)
{
	const char *args[2] = {attack_id, domain};

	return kb_rows_query(out, store, successor_sql, args, 2);
}

/* Whether " a b c " lists word. */
static bool has_word(const char *list, const char *word)
{
	char needle[40];

	snprintf(needle, sizeof(needle), " %s ", word);
	return strstr(list, needle) != NULL;
}

static void add_field(kb_doc *doc, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	doc->fields = xreallocarray(doc->fields, doc->nfields + 1,
				    sizeof(kb_field));
	doc->fields[doc->nfields++] = (kb_field){key, xstrdup(value)};
}

/* Add field key from kind_fields if the doc's kind has it there. */
static int add_kind_field(kb_doc *doc, kb_store *store, const char *key,
			  const char *const *args)
{
	for (size_t i = 0; i < sizeof(kind_fields) / sizeof(*kind_fields);
	     i++) {
		kb_rows *rows;
		int error;

		if (strcmp(kind_fields[i].key, key) != 0 ||
		    !has_word(kind_fields[i].types, doc->type))
			continue;
		if ((error = kb_rows_query(&rows, store, kind_fields[i].sql,
					   args, 2)) < 0)
			return error;
		if (rows->nrows)
			add_field(doc, key, kb_rows_get(rows, 0, 0));
		kb_rows_free(rows);
	}
	return 0;
}

static int find(kb_rows **out, kb_store *store, const char *query,
		const char *domain)
{
	char id[ATTACKID_MAX];
	const char *args[2] = {query, domain};
	int error;

	if (kb_is_attack_id(query, id)) {
		args[0] = id;
		return kb_rows_query(out, store, find_id_sql, args, 2);
	}
	if ((error = kb_rows_query(out, store, find_name_sql, args, 2)) < 0)
		return error;
	return 0;
}

static int ambiguous(const kb_rows *rows, const char *query)
{
	strbuf sb = STRBUF_INIT;

	for (size_t r = 0; r < rows->nrows && r < 20; r++)
		strbuf_printf(&sb, "%s%s %s (%s, %s)", r ? "; " : "",
			      kb_rows_get(rows, r, 0), kb_rows_get(rows, r, 2),
			      kb_rows_get(rows, r, 3), kb_rows_get(rows, r, 1));
	kb_error_set(KB_EUSAGE, "'%s' names %zu objects: %s; use the ID",
		     query, rows->nrows, sb.ptr);
	strbuf_free(&sb);
	return KB_EUSAGE;
}

/* An empty result set with the columns named in "a b c". */
static kb_rows *empty_rows(const char *columns)
{
	char *names = xstrdup(columns), *save = NULL;
	const char *cols[16];
	size_t n = 0;
	kb_rows *rows;

	for (char *c = strtok_r(names, " ", &save); c && n < 16;
	     c = strtok_r(NULL, " ", &save))
		cols[n++] = c;
	rows = kb_rows_new(n, cols);
	free(names);
	return rows;
}

/* The rows of in (incoming_sql's) that sec takes, with its columns. */
static kb_rows *pick_incoming(const kb_rows *in,
			      const struct section_spec *sec)
{
	kb_rows *rows = empty_rows(sec->columns);
	size_t at[16];
	const char *cells[16];

	for (size_t c = 0; c < rows->ncols; c++)
		for (at[c] = 0; strcmp(in->cols[at[c]], rows->cols[c]) != 0;)
			at[c]++;
	for (size_t r = 0; r < in->nrows; r++) {
		if (strcmp(kb_rows_get(in, r, 0), sec->incoming) != 0 ||
		    (sec->sources &&
		     !has_word(sec->sources, kb_rows_get(in, r, 2))))
			continue;
		for (size_t c = 0; c < rows->ncols; c++)
			cells[c] = kb_rows_get(in, r, at[c]);
		kb_rows_add(rows, cells);
	}
	return rows;
}

/* Run sql with ?1 the rows (id, name) as a JSON array of pairs, ?2 the
 * domain. */
static int rows_over(kb_rows **out, kb_store *store, const char *sql,
		     const kb_rows *rows, const char *domain)
{
	strbuf json = STRBUF_INIT;
	const char *args[2] = {NULL, domain};
	int error;

	strbuf_putc(&json, '[');
	for (size_t r = 0; r < rows->nrows; r++) {
		strbuf_puts(&json, r ? ",[" : "[");
		strbuf_put_json_string(&json, kb_rows_get(rows, r, 0));
		strbuf_putc(&json, ',');
		strbuf_put_json_string(&json, kb_rows_get(rows, r, 1));
		strbuf_putc(&json, ']');
	}
	strbuf_putc(&json, ']');
	args[0] = json.ptr;
	error = kb_rows_query(out, store, sql, args, 2);
	strbuf_free(&json);
	return error;
}

static int section_rows(kb_rows **out, kb_store *store,
			const struct section_spec *sec, const char *const *args,
			kb_rows **incoming)
{
	int error;

	if (sec->incoming) {
		kb_rows *picked;

		if (!*incoming &&
		    (error = kb_rows_query(incoming, store, incoming_sql, args,
					   2)) < 0)
			return error;
		picked = pick_incoming(*incoming, sec);
		if (!sec->sql) {
			*out = picked;
			return 0;
		}
		error = rows_over(out, store, sec->sql, picked, args[1]);
		kb_rows_free(picked);
		return error;
	}
	if (sec->when) {
		kb_rows *any = NULL;
		size_t n;

		error = kb_rows_query(&any, store, sec->when, args, 2);
		n = error < 0 ? 0 : any->nrows;

		kb_rows_free(any);
		if (error < 0)
			return error;
		if (n == 0) {
			*out = empty_rows(sec->columns);
			return 0;
		}
	}
	if (sec->sql)
		return kb_rows_query(out, store, sec->sql, args, 2);
	return kb_rows_query(out, store, kb_query_find(sec->query)->sql, args,
			     1);
}

int kb_describe(kb_doc **out, kb_store *store, const char *query,
		const char *domain)
{
	static const char *const keys[] = {
		"id", "name", "type", "domain", NULL, "version", "created",
		"modified", "url", NULL, NULL, "aliases", "tactics",
		"platforms", "parent", "revoked_by", "domains"};
	kb_rows *found = NULL, *f = NULL, *incoming = NULL;
	kb_doc *doc = NULL;
	const char *args[3];
	int error;

	*out = NULL;
	if ((error = find(&found, store, query, domain)) < 0)
		goto done;
	if (found->nrows == 0) {
		error = kb_error_set(KB_ENOTFOUND,
				     "no object with ID or name '%s'%s%s",
				     query, domain ? " in " : "",
				     domain ? domain : "");
		goto done;
	}
	if (strcmp(kb_rows_get(found, 0, 0), query) != 0 &&
	    !kb_is_attack_id(query, NULL) && found->nrows > 1 &&
	    strcmp(kb_rows_get(found, 0, 0), kb_rows_get(found, 1, 0)) != 0) {
		error = ambiguous(found, query);
		goto done;
	}
	args[0] = kb_rows_get(found, 0, 0);
	args[1] = kb_rows_get(found, 0, 1);
	args[2] = kb_rows_get(found, 0, 3);
	if ((error = kb_rows_query(&f, store, field_sql, args, 3)) < 0)
		goto done;
	if (f->nrows == 0) {
		error = kb_error_set(KB_ENOTFOUND, "no object '%s'", query);
		goto done;
	}
	doc = xcalloc(1, sizeof(*doc));
	doc->attack_id = xstrdup(args[0]);
	doc->domain = xstrdup(args[1]);
	doc->name = xstrdup(kb_rows_get(f, 0, 1) ? kb_rows_get(f, 0, 1) : "");
	doc->type = xstrdup(kb_rows_get(f, 0, 2));
	if (kb_rows_get(f, 0, 4))
		doc->description = xstrdup(kb_rows_get(f, 0, 4));
	for (size_t c = 0; c < f->ncols && c < sizeof(keys) / sizeof(*keys);
	     c++) {
		if (!keys[c])
			continue;
		if ((error = add_kind_field(doc, store, keys[c], args)) < 0)
			goto done;
		add_field(doc, keys[c], kb_rows_get(f, 0, c));
	}
	if (strcmp(kb_rows_get(f, 0, 9), "0") != 0) {
		kb_rows *succ;

		add_field(doc, "revoked", "yes");
		if ((error = kb_successor(&succ, store, args[0], args[1])) < 0)
			goto done;
		if (succ->nrows) {
			const char *name = kb_rows_get(succ, 0, 1);
			char *s = xasprintf("%s %s", kb_rows_get(succ, 0, 0),
					    name ? name : "");

			add_field(doc, "revoked_by", s);
			free(s);
		}
		kb_rows_free(succ);
	}
	if (strcmp(kb_rows_get(f, 0, 10), "0") != 0)
		add_field(doc, "deprecated", "yes");
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		kb_rows *rows;

		if (!has_word(sections[i].types, doc->type))
			continue;
		if ((error = section_rows(&rows, store, &sections[i], args,
					  &incoming)) < 0)
			goto done;
		doc->sections = xreallocarray(doc->sections,
					      doc->nsections + 1,
					      sizeof(kb_section));
		doc->sections[doc->nsections++] = (kb_section){
			sections[i].title, sections[i].key, rows};
	}
	*out = doc;
	doc = NULL;
done:
	kb_rows_free(found);
	kb_rows_free(f);
	kb_rows_free(incoming);
	kb_doc_free(doc);
	return error;
}

const char *kb_doc_field(const kb_doc *doc, const char *key)
{
	for (size_t i = 0; i < doc->nfields; i++)
		if (strcmp(doc->fields[i].key, key) == 0)
			return doc->fields[i].value;
	return NULL;
}

void kb_doc_free(kb_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nfields; i++)
		free(doc->fields[i].value);
	for (size_t i = 0; i < doc->nsections; i++)
		kb_rows_free(doc->sections[i].rows);
	free(doc->fields);
	free(doc->sections);
	free(doc->attack_id);
	free(doc->name);
	free(doc->type);
	free(doc->domain);
	free(doc->description);
	free(doc);
}
