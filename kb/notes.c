/* kb/notes.c: a vault's notes into the note tables, changed notes only,
 * and the graph the notes describe rebuilt as the pseudo-release of domain
 * "vault": objects and relationships of stix_type "x-attackkb-vault", which
 * the views show for the ATT&CK IDs no STIX release holds. */
#include "kb/notes.h"
#include "kb/attackid.h"
#include "kb/diff.h"
#include "kb/error.h"
#include "kb/ingest.h"
#include "kb/query.h"
#include "kb/store_impl.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum {
	ST_NOTE,
	ST_LINK,
	ST_MENTION,
	ST_TAG,
	ST_FACT,
	ST_REF,
	ST_WARNING,
	ST_DEL_LINKS,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
    "INSERT INTO note (path, title, name, attack_id, kind, description, "
    "url, aliases, frontmatter, body, sha256) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO note_link (note_id, ord, kind, target, fragment, text, "
    "line, attack_id, resolution, target_path, folder_kind) VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO note_mention (note_id, attack_id, line, section) VALUES "
    "(?1, ?2, ?3, ?4)",
    "INSERT INTO note_tag (note_id, tag) VALUES (?1, ?2)",
    "INSERT INTO note_fact (note_id, ord, relation, source_id, target_id, "
    "target_name, description, line, row_id) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9)",
    "INSERT INTO note_ref (note_id, ord, label, source_name, url, text, "
    "line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO note_warning (note_id, message) VALUES (?1, ?2)",
    "DELETE FROM note_link WHERE note_id = ?1",
};

/* A stored note: its id and hash, and whether this ingest saw it. */
struct known {
	int64_t id;
	bool seen;
	char sha256[65];
};

struct kb_notes {
	kb_store *store;              /* borrowed */
	unsigned flags;               /* KB_NOTES_* */
	sqlite3_stmt *st[ST__COUNT];  /* prepared at begin */
	strmap *known;                /* path -> struct known */
	struct known **all;           /* every struct known, to free */
	size_t nall;
	size_t notes, changed;
	bool keep_others;             /* kb_notes_keep_others() */
};

/* TEMP twins of the note tables, for vault-check. */
static const char temp_tables[] =
    "DROP TABLE IF EXISTS temp.note; DROP TABLE IF EXISTS temp.note_link;"
    "DROP TABLE IF EXISTS temp.note_mention; DROP TABLE IF EXISTS "
    "temp.note_tag; DROP TABLE IF EXISTS temp.note_fact; DROP TABLE IF "
    "EXISTS temp.note_ref; DROP TABLE IF EXISTS temp.note_warning;"
    "CREATE TEMP TABLE note (id INTEGER PRIMARY KEY, path TEXT NOT NULL "
    "UNIQUE, title TEXT NOT NULL, name TEXT, attack_id TEXT, kind TEXT, "
    "description TEXT, url TEXT, aliases TEXT, frontmatter TEXT NOT NULL, "
    "body TEXT NOT NULL, sha256 TEXT NOT NULL);"
    "CREATE INDEX temp.tnote_attack_id ON note (attack_id);"
    "CREATE TEMP TABLE note_link (note_id INTEGER NOT NULL, ord INTEGER NOT "
    "NULL, kind TEXT NOT NULL, target TEXT NOT NULL, fragment TEXT, text "
    "TEXT, line INTEGER NOT NULL, attack_id TEXT, resolution TEXT NOT NULL, "
    "target_path TEXT, folder_kind TEXT, PRIMARY KEY (note_id, ord)) "
    "WITHOUT ROWID;"
    "CREATE TEMP TABLE note_mention (note_id INTEGER NOT NULL, attack_id "
    "TEXT NOT NULL, line INTEGER NOT NULL, section TEXT);"
    "CREATE TEMP TABLE note_tag (note_id INTEGER NOT NULL, tag TEXT NOT "
    "NULL);"
    "CREATE TEMP TABLE note_fact (note_id INTEGER NOT NULL, ord INTEGER NOT "
    "NULL, relation TEXT NOT NULL, source_id TEXT, target_id TEXT, "
    "target_name TEXT, description TEXT, line INTEGER NOT NULL, row_id "
    "TEXT);"
    "CREATE INDEX temp.tnote_fact_note ON note_fact (note_id);"
    "CREATE TEMP TABLE note_ref (note_id INTEGER NOT NULL, ord INTEGER NOT "
    "NULL, label TEXT, source_name TEXT, url TEXT, text TEXT, line INTEGER "
    "NOT NULL);"
    "CREATE TEMP TABLE note_warning (note_id INTEGER NOT NULL, message TEXT "
    "NOT NULL);";

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int run(kb_notes *ns, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return kb_store_db_error(ns->store, "%s", what);
	return 0;
}

/* attackkb_kind(ID): attackid_kind() for SQL. */
static void sql_kind(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *id = sqlite3_value_text(argv[0]);
	const char *kind = id ? attackid_kind((const char *)id) : NULL;

	(void)argc;
	if (kind)
		sqlite3_result_text(ctx, kind, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

static int load_known(kb_notes *ns)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(ns->store->db,
	                       "SELECT path, id, sha256 FROM note", -1, &st,
	                       NULL) != SQLITE_OK)
		return kb_store_db_error(ns->store, "read notes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct known *k = xcalloc(1, sizeof(*k));
		const char *sha = (const char *)sqlite3_column_text(st, 2);

		k->id = sqlite3_column_int64(st, 1);
		snprintf(k->sha256, sizeof(k->sha256), "%s", sha ? sha : "");
		strmap_put(ns->known, (const char *)sqlite3_column_text(st, 0),
		           k);
		if ((ns->nall & (ns->nall - 1)) == 0)
			ns->all = xreallocarray(
			    ns->all, ns->nall ? 2 * ns->nall : 1, sizeof(*ns->all));
		ns->all[ns->nall++] = k;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(ns->store, "read notes");
	return 0;
}

static void free_ns(kb_notes *ns)
{
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(ns->st[i]);
	for (size_t i = 0; i < ns->nall; i++)
		free(ns->all[i]);
	free(ns->all);
	strmap_free(ns->known);
	free(ns);
}

int kb_notes_begin(kb_notes **out, kb_store *store, unsigned flags)
{
	kb_notes *ns;
	int error;

	*out = NULL;
	if (sqlite3_create_function(store->db, "attackkb_kind", 1,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_kind, NULL, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "register attackkb_kind");
	if (flags & KB_NOTES_TEMP)
		error = kb_store_exec(store, temp_tables);
	else
		error = kb_store_exec(store, "SAVEPOINT kb_notes");
	if (error < 0)
		return error;
	ns = xcalloc(1, sizeof(*ns));
	ns->store = store;
	ns->flags = flags;
	ns->known = strmap_new();
	for (int i = 0; i < ST__COUNT; i++)
		if (sqlite3_prepare_v2(store->db, stmt_sql[i], -1, &ns->st[i],
		                       NULL) != SQLITE_OK) {
			error = kb_store_db_error(store, "prepare");
			goto fail;
		}
	if (!(flags & KB_NOTES_TEMP) && (error = load_known(ns)) < 0)
		goto fail;
	*out = ns;
	return 0;
fail:
	kb_notes_abort(ns);
	return error;
}

size_t kb_notes_stored(const kb_notes *ns)
{
	return ns->nall;
}

void kb_notes_keep_others(kb_notes *ns)
{
	ns->keep_others = true;
}

const char *kb_notes_hash(kb_notes *ns, const char *path)
{
	struct known *k = strmap_get(ns->known, path);

	return k ? k->sha256 : NULL;
}

static int delete_note(kb_notes *ns, int64_t id)
{
	static const char *const tables[] = {
	    "note_link", "note_mention", "note_tag", "note_fact",
	    "note_ref",  "note_warning", "note"};
	char sql[80];

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		sqlite3_stmt *st;
		int rc;

		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = ?",
		         tables[i], i + 1 < sizeof(tables) / sizeof(tables[0])
		                        ? "note_id"
		                        : "id");
		if (sqlite3_prepare_v2(ns->store->db, sql, -1, &st, NULL) !=
		    SQLITE_OK)
			return kb_store_db_error(ns->store, "forget note");
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return kb_store_db_error(ns->store, "forget note");
	}
	return 0;
}

/* The type a link path's last folder names ("A/techniques/B" ->
 * technique), or NULL. Static. */
static const char *folder_kind(const char *target)
{
	static const struct {
		const char *folder, *kind;
	} folders[] = {
	    {"techniques", "technique"}, {"mitigations", "mitigation"},
	    {"tactics", "tactic"},       {"groups", "group"},
	    {"software", "software"},    {"campaigns", "campaign"},
	    {"data-sources", "data_source"}, {"datasources", "data_source"},
	};
	const char *last, *prev;
	size_t n;

	if (!target || !(last = strrchr(target, '/')))
		return NULL;
	for (prev = last; prev > target && prev[-1] != '/'; prev--)
		;
	n = (size_t)(last - prev);
	for (size_t i = 0; i < sizeof(folders) / sizeof(folders[0]); i++)
		if (strlen(folders[i].folder) == n &&
		    strncasecmp(prev, folders[i].folder, n) == 0)
			return folders[i].kind;
	return NULL;
}

static int put_links(kb_notes *ns, int64_t id, const kb_note_link *links,
                     size_t n)
{
	sqlite3_stmt *st = ns->st[ST_LINK];
	int error;

	for (size_t i = 0; i < n; i++) {
		const kb_note_link *l = &links[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_opt(st, 3, l->kind);
		bind_opt(st, 4, l->target ? l->target : "");
		bind_opt(st, 5, l->fragment);
		bind_opt(st, 6, l->text);
		sqlite3_bind_int(st, 7, (int)l->line);
		bind_opt(st, 8, l->attack_id);
		bind_opt(st, 9, l->resolution);
		bind_opt(st, 10, l->target_path);
		bind_opt(st, 11, folder_kind(l->target));
		if ((error = run(ns, st, "store note link")) < 0)
			return error;
	}
	return 0;
}

int kb_notes_put(kb_notes *ns, const kb_note *n)
{
	struct known *k = strmap_get(ns->known, n->path);
	sqlite3_stmt *st;
	int64_t id;
	int error;

	ns->notes++;
	ns->changed++;
	if (k) {
		k->seen = true;
		if ((error = delete_note(ns, k->id)) < 0)
			return error;
	}
	st = ns->st[ST_NOTE];
	bind_opt(st, 1, n->path);
	bind_opt(st, 2, n->title);
	bind_opt(st, 3, n->name);
	bind_opt(st, 4, n->attack_id);
	bind_opt(st, 5, n->kind);
	bind_opt(st, 6, n->description);
	bind_opt(st, 7, n->url);
	bind_opt(st, 8, n->aliases);
	bind_opt(st, 9, n->frontmatter_json ? n->frontmatter_json : "{}");
	bind_opt(st, 10, n->body ? n->body : "");
	bind_opt(st, 11, n->sha256 ? n->sha256 : "");
	if ((error = run(ns, st, "store note")) < 0) {
		kb_error_prefix("%s", n->path);
		return error;
	}
	id = sqlite3_last_insert_rowid(ns->store->db);
	if ((error = put_links(ns, id, n->links, n->nlinks)) < 0)
		return error;
	st = ns->st[ST_MENTION];
	for (size_t i = 0; i < n->nmentions; i++) {
		sqlite3_bind_int64(st, 1, id);
		bind_opt(st, 2, n->mentions[i].attack_id);
		sqlite3_bind_int(st, 3, (int)n->mentions[i].line);
		bind_opt(st, 4, n->mentions[i].section);
		if ((error = run(ns, st, "store mention")) < 0)
			return error;
	}
	st = ns->st[ST_TAG];
	for (size_t i = 0; i < n->ntags; i++) {
		sqlite3_bind_int64(st, 1, id);
		bind_opt(st, 2, n->tags[i]);
		if ((error = run(ns, st, "store tag")) < 0)
			return error;
	}
	st = ns->st[ST_FACT];
	for (size_t i = 0; i < n->nfacts; i++) {
		const kb_note_fact *f = &n->facts[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_opt(st, 3, f->relation);
		bind_opt(st, 4, f->source_id);
		bind_opt(st, 5, f->target_id);
		bind_opt(st, 6, f->target_name);
		bind_opt(st, 7, f->description);
		sqlite3_bind_int(st, 8, (int)f->line);
		bind_opt(st, 9, f->row_id);
		if ((error = run(ns, st, "store note fact")) < 0)
			return error;
	}
	st = ns->st[ST_REF];
	for (size_t i = 0; i < n->nrefs; i++) {
		const kb_note_ref *r = &n->refs[i];

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		bind_opt(st, 3, r->label);
		bind_opt(st, 4, r->source_name);
		bind_opt(st, 5, r->url);
		bind_opt(st, 6, r->text);
		sqlite3_bind_int(st, 7, (int)r->line);
		if ((error = run(ns, st, "store note reference")) < 0)
			return error;
	}
	st = ns->st[ST_WARNING];
	for (size_t i = 0; i < n->nwarnings; i++) {
		sqlite3_bind_int64(st, 1, id);
		bind_opt(st, 2, n->warnings[i]);
		if ((error = run(ns, st, "store note warning")) < 0)
			return error;
	}
	return 0;
}

int kb_notes_keep(kb_notes *ns, const char *path, const kb_note_link *links,
                  size_t nlinks)
{
	struct known *k = strmap_get(ns->known, path);
	int error;

	if (!k)
		return kb_error_set(KB_ENOTFOUND, "%s: no such stored note",
		                    path);
	k->seen = true;
	ns->notes++;
	if (!links)
		return 0;
	sqlite3_bind_int64(ns->st[ST_DEL_LINKS], 1, k->id);
	if ((error = run(ns, ns->st[ST_DEL_LINKS], "replace links")) < 0)
		return error;
	return put_links(ns, k->id, links, nlinks);
}

/* The vault pseudo-release, rebuilt from the note tables. */
static const char rebuild_sql[] =
    "DELETE FROM member WHERE release_id IN (SELECT id FROM release WHERE "
    "domain = 'vault');"
    "DELETE FROM current_member WHERE domain = 'vault';"
    "DELETE FROM prop WHERE object_id IN (SELECT id FROM object WHERE "
    "stix_type = 'x-attackkb-vault');"
    "DELETE FROM cites WHERE object_id IN (SELECT id FROM object WHERE "
    "stix_type = 'x-attackkb-vault');"
    "DELETE FROM object WHERE stix_type = 'x-attackkb-vault';"
    "DELETE FROM release WHERE domain = 'vault';"
    "CREATE TEMP TABLE IF NOT EXISTS vault_obj (attack_id TEXT PRIMARY "
    "KEY, name TEXT, description TEXT, url TEXT, aliases TEXT, note_id "
    "INTEGER, revoked INTEGER NOT NULL DEFAULT 0, deprecated INTEGER NOT "
    "NULL DEFAULT 0);"
    "DELETE FROM temp.vault_obj;"
    /* Objects: each note's (for an ID: the note not marked revoked or
     * deprecated in its frontmatter, whose attack_type agrees with the
     * ID, first by path; attackkb's vault has notes of old mitigations
     * with technique IDs), then the ends and tactics its rows and fields
     * name, with the row's name. */
    "INSERT OR IGNORE INTO temp.vault_obj SELECT attack_id, "
    "coalesce(name, title), nullif(description, ''), coalesce(url, (SELECT "
    "r.url FROM main.note_ref r WHERE r.note_id = note.id AND "
    "r.source_name = 'mitre-attack' ORDER BY r.ord LIMIT 1)), aliases, id, "
    "lower(coalesce(json_extract(frontmatter, '$.revoked'), '')) IN "
    "('true', 'yes', '1') AS rv, lower(coalesce(json_extract(frontmatter, "
    "'$.deprecated'), '')) IN ('true', 'yes', '1') AS dp FROM main.note "
    "WHERE attack_id IS NOT NULL ORDER BY rv + dp, coalesce("
    "json_extract(frontmatter, '$.attack_type') NOT IN (kind, "
    "replace(kind, 'sub', '')), 0), path;"
    "INSERT OR IGNORE INTO temp.vault_obj (attack_id, name) SELECT "
    "f.row_id, f.target_name FROM main.note_fact f JOIN main.note n ON n.id "
    "= f.note_id WHERE f.row_id IS NOT NULL ORDER BY n.path, f.ord;"
    "INSERT OR IGNORE INTO temp.vault_obj (attack_id) SELECT x FROM (SELECT "
    "f.source_id AS x, n.path, f.ord FROM main.note_fact f JOIN main.note n "
    "ON n.id = f.note_id WHERE f.relation IN ('mitigates', "
    "'subtechnique-of', 'uses', 'attributed-to') UNION ALL SELECT "
    "f.target_id, n.path, f.ord FROM main.note_fact f JOIN main.note n ON "
    "n.id = f.note_id WHERE f.relation IN ('mitigates', 'subtechnique-of', "
    "'uses', 'attributed-to')) WHERE x IS NOT "
    "NULL ORDER BY path, ord;"
    "INSERT INTO release (domain, version, major, minor, source, sha256, "
    "ingested_at, objects, new_objects) SELECT 'vault', '0.0', 0, 0, ?1, "
    "'vault:' || ?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0, 0 WHERE "
    "EXISTS (SELECT 1 FROM main.note);"
    "INSERT INTO object (stix_id, modified, stix_type, kind, attack_id, "
    "name, description, aliases, url, shortname, revoked, deprecated, "
    "json) SELECT "
    "'x-attackkb-vault--' || v.attack_id, 'vault', 'x-attackkb-vault', "
    "attackkb_kind(v.attack_id), v.attack_id, v.name, v.description, "
    "v.aliases, v.url, CASE attackkb_kind(v.attack_id) WHEN 'tactic' THEN "
    "lower(replace(v.name, ' ', '-')) END, v.revoked, v.deprecated, "
    "json_object('note', (SELECT "
    "path FROM main.note WHERE id = v.note_id)) FROM temp.vault_obj v WHERE "
    "EXISTS (SELECT 1 FROM main.note);"
    /* Relationships: rows of the notes, the first one (by path) of each
     * (relation, source, target) giving the text; a sub-technique is also
     * one of its parent when the vault has the parent. */
    "INSERT OR IGNORE INTO object (stix_id, modified, stix_type, "
    "description, rel_type, source_ref, target_ref, json) SELECT "
    "'x-attackkb-vault--' || f.relation || '--' || f.source_id || '--' || "
    "f.target_id, 'vault', 'x-attackkb-vault', f.description, f.relation, "
    "'x-attackkb-vault--' || f.source_id, 'x-attackkb-vault--' || "
    "f.target_id, json_object('note', n.path, 'line', f.line) FROM "
    "main.note_fact f JOIN main.note n ON n.id = f.note_id WHERE "
    "f.relation IN ('mitigates', 'subtechnique-of', 'uses', "
    "'attributed-to') AND "
    "f.source_id IS NOT NULL AND f.target_id IS NOT NULL ORDER BY n.path, "
    "f.ord;"
    "INSERT OR IGNORE INTO object (stix_id, modified, stix_type, rel_type, "
    "source_ref, target_ref, json) SELECT 'x-attackkb-vault--subtechnique-"
    "of--' || v.attack_id || '--' || p.attack_id, 'vault', "
    "'x-attackkb-vault', 'subtechnique-of', 'x-attackkb-vault--' || "
    "v.attack_id, 'x-attackkb-vault--' || p.attack_id, '{}' FROM "
    "temp.vault_obj v JOIN temp.vault_obj p ON p.attack_id = "
    "substr(v.attack_id, 1, instr(v.attack_id, '.') - 1) WHERE "
    "instr(v.attack_id, '.') > 0 AND v.attack_id LIKE 'T%';"
    /* Fields of the note describing each object. */
    "INSERT INTO prop (object_id, field, ord, value, v2) SELECT o.id, "
    "CASE f.relation WHEN 'platform' THEN 'x_mitre_platforms' WHEN "
    "'permission' THEN 'x_mitre_permissions_required' ELSE "
    "'kill_chain_phases' END, row_number() OVER (PARTITION BY o.id, "
    "f.relation ORDER BY f.ord) - 1, CASE f.relation WHEN 'tactic' THEN "
    "lower(replace(coalesce((SELECT t.name FROM temp.vault_obj t WHERE "
    "t.attack_id = f.target_id), f.target_name), ' ', '-')) ELSE "
    "f.target_name END, CASE f.relation WHEN 'tactic' THEN 'mitre-attack' "
    "END FROM temp.vault_obj v JOIN main.object o ON o.stix_id = "
    "'x-attackkb-vault--' || v.attack_id AND o.modified = 'vault' JOIN "
    "main.note_fact f ON f.note_id = v.note_id AND f.relation IN "
    "('platform', 'permission', 'tactic') AND f.source_id = v.attack_id;"
    "INSERT INTO prop (object_id, field, ord, value) SELECT o.id, "
    "'aliases', 0, o.name FROM main.object o WHERE o.stix_type = "
    "'x-attackkb-vault' AND o.aliases IS NOT NULL AND o.kind IN ('group', "
    "'software', 'campaign');"
    "INSERT INTO member (release_id, object_id) SELECT r.id, o.id FROM "
    "release r JOIN object o ON o.stix_type = 'x-attackkb-vault' WHERE "
    "r.domain = 'vault';"
    "UPDATE release SET objects = (SELECT count(*) FROM member m WHERE "
    "m.release_id = release.id), new_objects = (SELECT count(*) FROM "
    "member m WHERE m.release_id = release.id) WHERE domain = 'vault';";

/* Aliases other than the name, one prop row each (as STIX lists them). */
static const char alias_props_sql[] =
    "SELECT o.id, o.aliases FROM object o WHERE o.stix_type = "
    "'x-attackkb-vault' AND o.aliases IS NOT NULL";

/* The references of the note describing each object, as cites. */
static const char refs_sql[] =
    "SELECT o.id, r.source_name, r.url, o.attack_id FROM temp.vault_obj v "
    "JOIN main.object o ON o.stix_id = 'x-attackkb-vault--' || v.attack_id "
    "AND o.modified = 'vault' JOIN main.note_ref r ON r.note_id = v.note_id "
    "WHERE r.url IS NOT NULL ORDER BY o.id, r.ord";

static int put_cites(kb_notes *ns)
{
	sqlite3_stmt *st, *ins;
	int64_t last = 0;
	int ord = 0, rc, error = 0;

	if (sqlite3_prepare_v2(ns->store->db, refs_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return kb_store_db_error(ns->store, "note references");
	if (sqlite3_prepare_v2(ns->store->db,
	                       "INSERT OR IGNORE INTO cites (object_id, ord, "
	                       "reference_id) VALUES (?, ?, ?)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kb_store_db_error(ns->store, "note references");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kb_extref r = {0};
		int64_t obj = sqlite3_column_int64(st, 0), ref;
		const char *name = (const char *)sqlite3_column_text(st, 1);

		r.source_name = name ? name : "";
		r.url = (const char *)sqlite3_column_text(st, 2);
		/* As in STIX, the ATT&CK page's reference carries the ID. */
		if (strcmp(r.source_name, "mitre-attack") == 0)
			r.external_id = (const char *)sqlite3_column_text(st, 3);
		r.hash = kb_extref_hash(&r);
		if ((error = kb_reference_id(ns->store, &r, &ref)) < 0)
			break;
		ord = obj == last ? ord + 1 : 0;
		last = obj;
		sqlite3_bind_int64(ins, 1, obj);
		sqlite3_bind_int(ins, 2, ord);
		sqlite3_bind_int64(ins, 3, ref);
		rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE) {
			error = kb_store_db_error(ns->store, "store citation");
			break;
		}
	}
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = kb_store_db_error(ns->store, "note references");
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return error;
}

static int put_alias_props(kb_notes *ns)
{
	sqlite3_stmt *st, *ins;
	int rc, error = 0;

	if (sqlite3_prepare_v2(ns->store->db, alias_props_sql, -1, &st,
	                       NULL) != SQLITE_OK)
		return kb_store_db_error(ns->store, "aliases");
	if (sqlite3_prepare_v2(ns->store->db,
	                       "INSERT INTO prop (object_id, field, ord, "
	                       "value) VALUES (?, 'aliases', ?, ?)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return kb_store_db_error(ns->store, "aliases");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t obj = sqlite3_column_int64(st, 0);
		const char *p = (const char *)sqlite3_column_text(st, 1);
		int ord = 1; /* 0 is the name, as in STIX */

		while (p && *p) {
			size_t n = strcspn(p, ",");
			const char *s = p;

			while (n && *s == ' ')
				s++, n--;
			sqlite3_bind_int64(ins, 1, obj);
			sqlite3_bind_int(ins, 2, ord++);
			sqlite3_bind_text(ins, 3, s, (int)n, SQLITE_TRANSIENT);
			rc = sqlite3_step(ins);
			sqlite3_reset(ins);
			if (rc != SQLITE_DONE) {
				error = kb_store_db_error(ns->store, "aliases");
				break;
			}
			p = s + n;
			if (*p == ',')
				p++;
		}
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return error;
}

static int rebuild(kb_notes *ns, const char *source)
{
	sqlite3 *db = ns->store->db;
	const char *sql = rebuild_sql, *tail;
	int error;

	/* One statement at a time: ?1 is the source in two of them. */
	while (*sql) {
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK)
			return kb_store_db_error(ns->store, "vault graph");
		if (!st)
			break;
		if (sqlite3_bind_parameter_count(st))
			sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return kb_store_db_error(ns->store, "vault graph");
		sql = tail;
	}
	if ((error = put_alias_props(ns)) < 0 || (error = put_cites(ns)) < 0)
		return error;
	return kb_refresh_current(ns->store, "vault");
}

static size_t count(kb_notes *ns, const char *sql)
{
	sqlite3_stmt *st;
	size_t n = 0;

	if (sqlite3_prepare_v2(ns->store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int kb_notes_commit(kb_notes *ns, const char *source, kb_notes_stats *stats)
{
	size_t removed = 0;
	int error = 0;

	for (size_t i = 0; i < ns->nall && !error; i++)
		if (!ns->all[i]->seen && !ns->keep_others) {
			removed++;
			error = delete_note(ns, ns->all[i]->id);
		}
	if (!error && !(ns->flags & KB_NOTES_TEMP) &&
	    (ns->changed || removed ||
	     count(ns, "SELECT count(*) FROM release WHERE domain = 'vault'") ==
	         0))
		error = rebuild(ns, source ? source : "");
	if (!error && stats) {
		memset(stats, 0, sizeof(*stats));
		stats->notes = ns->notes;
		stats->changed = ns->changed;
		stats->removed = removed;
		if (!(ns->flags & KB_NOTES_TEMP)) {
			stats->objects = count(
			    ns, "SELECT count(*) FROM object WHERE stix_type = "
			        "'x-attackkb-vault'");
			stats->relationships = count(
			    ns, "SELECT count(*) FROM object WHERE stix_type = "
			        "'x-attackkb-vault' AND rel_type IS NOT NULL");
			stats->shadowed =
			    stats->objects -
			    count(ns, "SELECT count(*) FROM current_member WHERE "
			              "domain = 'vault'");
		}
	}
	if (!error && !(ns->flags & KB_NOTES_TEMP))
		error = kb_store_exec(ns->store, "RELEASE kb_notes");
	if (error) {
		kb_notes_abort(ns);
		return error;
	}
	free_ns(ns);
	return 0;
}

void kb_notes_abort(kb_notes *ns)
{
	if (!ns)
		return;
	if (!(ns->flags & KB_NOTES_TEMP))
		kb_store_exec(ns->store,
		              "ROLLBACK TO kb_notes; RELEASE kb_notes");
	free_ns(ns);
}

/* vault-check: the problems of the notes (TEMP tables after an ingest
 * with KB_NOTES_TEMP, else the stored ones) against the selected STIX
 * releases. */
static const char check_sql[] =
    "WITH obj AS (SELECT o.attack_id, o.kind, o.name, o.revoked, "
    "o.deprecated, c.domain FROM current_member c JOIN object o ON o.id = "
    "c.object_id WHERE c.domain <> 'vault' AND o.attack_id IS NOT NULL), "
    "p (note, line, problem, id, detail) AS ("
    /* Notes for revoked IDs, with the successor. */
    "SELECT DISTINCT n.path, NULL, 'revoked', n.attack_id, n.attack_id || "
    "' is revoked by ' || s.successor_id || ' ' || s.successor_name FROM "
    "note n JOIN successors s ON s.attack_id = n.attack_id "
    "UNION ALL SELECT DISTINCT n.path, NULL, 'deprecated', n.attack_id, "
    "n.attack_id || ' ' || o.name || ' is deprecated' FROM note n JOIN obj "
    "o ON o.attack_id = n.attack_id WHERE o.deprecated AND NOT o.revoked "
    "AND o.kind = coalesce(attackkb_kind(n.attack_id), o.kind) "
    "UNION ALL SELECT n.path, NULL, 'unknown-id', n.attack_id, 'no object "
    "has ID ' || n.attack_id || ' in the release' FROM note n WHERE "
    "n.attack_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM obj o WHERE "
    "o.attack_id = n.attack_id) "
    /* Renamed: the note's name is not the release's. */
    "UNION ALL SELECT DISTINCT n.path, NULL, 'renamed', n.attack_id, 'the "
    "note calls ' || n.attack_id || ' \"' || n.name || '\", the release "
    "\"' || o.name || '\"' FROM note n JOIN obj o ON o.attack_id = "
    "n.attack_id AND o.revoked = 0 AND o.deprecated = 0 WHERE n.name IS "
    "NOT NULL AND lower(n.name) <> lower(o.name) AND o.kind = "
    "coalesce(attackkb_kind(n.attack_id), o.kind) "
    /* Mitigations and sub-techniques the note lists, the release not. */
    "UNION ALL SELECT n.path, f.line, CASE f.relation WHEN 'mitigates' "
    "THEN 'mitigation-not-in-release' ELSE 'subtechnique-not-in-release' "
    "END, n.attack_id, f.source_id || ' ' || coalesce(f.target_name, '') "
    "|| ': listed by the note, not by the release' FROM note n JOIN "
    "note_fact f ON f.note_id = n.id AND f.relation IN ('mitigates', "
    "'subtechnique-of') AND f.target_id = n.attack_id WHERE EXISTS "
    "(SELECT 1 FROM obj o WHERE o.attack_id = n.attack_id AND o.revoked = "
    "0) AND NOT EXISTS (SELECT 1 FROM relationships r WHERE r.relationship "
    "= f.relation AND r.source_id = f.source_id AND r.target_id = "
    "f.target_id AND r.domain <> 'vault') "
    /* ... and those the release has and the note's table lacks. */
    "UNION ALL SELECT DISTINCT n.path, NULL, CASE r.relationship WHEN "
    "'mitigates' THEN 'mitigation-missing' ELSE 'subtechnique-missing' END, "
    "n.attack_id, r.source_id || ' ' || r.source_name || ': listed by the "
    "release, not by the note' FROM note n JOIN relationships r ON "
    "r.target_id = n.attack_id AND r.relationship IN ('mitigates', "
    "'subtechnique-of') AND r.domain <> 'vault' WHERE EXISTS (SELECT 1 FROM "
    "note_fact f WHERE f.note_id = n.id AND f.relation = r.relationship AND "
    "f.target_id = n.attack_id) AND NOT EXISTS (SELECT 1 FROM note_fact f "
    "WHERE f.note_id = n.id AND f.relation = r.relationship AND f.source_id "
    "= r.source_id) "
    /* Links whose path's folder or target note says another type or ID
     * than their text. */
    "UNION ALL SELECT n.path, l.line, 'link-type', l.attack_id, '[[' || "
    "l.target || '|' || l.attack_id || ']]: ' || l.attack_id || ' is a ' "
    "|| attackkb_kind(l.attack_id) || ', the link''s folder says ' || "
    "l.folder_kind FROM note n JOIN note_link l ON l.note_id = n.id WHERE "
    "l.attack_id IS NOT NULL AND l.folder_kind IS NOT NULL AND "
    "replace(attackkb_kind(l.attack_id), 'subtechnique', 'technique') <> "
    "l.folder_kind "
    "UNION ALL SELECT n.path, l.line, 'link-id', l.attack_id, '[[' || "
    "l.target || ']] names ' || l.attack_id || ' but leads to ' || "
    "l.target_path || ' about ' || t.attack_id FROM note n JOIN note_link l "
    "ON l.note_id = n.id JOIN note t ON t.path = l.target_path WHERE "
    "l.attack_id IS NOT NULL AND t.attack_id IS NOT NULL AND t.attack_id "
    "<> l.attack_id "
    /* Links to revoked objects, with the successor. */
    "UNION ALL SELECT DISTINCT n.path, l.line, 'link-revoked', l.attack_id, "
    "l.attack_id || ' is revoked by ' || s.successor_id || ' ' || "
    "s.successor_name FROM note n JOIN note_link l ON l.note_id = n.id JOIN "
    "successors s ON s.attack_id = l.attack_id WHERE l.kind IN ('wiki', "
    "'embed') "
    /* Techniques changed since the vault's release (fill_changes()). */
    "UNION ALL SELECT n.path, NULL, 'changed', n.attack_id, c.detail FROM "
    "note n JOIN temp.note_change c ON c.attack_id = n.attack_id "
    /* Several notes for one ID. */
    "UNION ALL SELECT n.path, NULL, 'duplicate', n.attack_id, "
    "'also described by ' || (SELECT group_concat(d.path, ', ') FROM note "
    "d WHERE d.attack_id = n.attack_id AND d.id <> n.id) FROM note n WHERE "
    "n.attack_id IS NOT NULL AND EXISTS (SELECT 1 FROM note d WHERE "
    "d.attack_id = n.attack_id AND d.id <> n.id) "
    /* Links that lead to no note and name no ATT&CK object. */
    "UNION ALL SELECT n.path, l.line, 'unresolved-link', l.attack_id, '[[' "
    "|| l.target || ']] leads to no note' || CASE WHEN l.attack_id IS NULL "
    "THEN '' ELSE ' and ' || l.attack_id || ' is in no release' END FROM "
    "note n JOIN note_link l ON l.note_id = n.id WHERE l.kind IN ('wiki', "
    "'embed') AND l.resolution = 'unresolved' AND l.target <> '' AND "
    "(l.attack_id IS NULL OR NOT EXISTS (SELECT 1 FROM obj o WHERE "
    "o.attack_id = l.attack_id))) "
    "SELECT note, line, problem, id, detail FROM p ORDER BY note, "
    "coalesce(line, 0), problem, id, detail";

/* "; mitigations added M0801, M0802": the labels' ATT&CK IDs (the whole
 * label when it starts with none), at most five. */
static void put_list(strbuf *b, const char *what, const kb_diff_list *l)
{
	enum { MAX = 5 };

	if (l->n == 0)
		return;
	strbuf_printf(b, "; %s", what);
	for (size_t i = 0; i < l->n && i < MAX; i++) {
		const char *s = l->v[i];
		size_t n = attackid_match(s, strlen(s));

		if (n == 0 || (s[n] != ' ' && s[n] != '\0'))
			n = strlen(s);
		strbuf_printf(b, "%s %.*s", i ? "," : "", (int)n, s);
	}
	if (l->n > MAX)
		strbuf_printf(b, " (+%zu more)", l->n - MAX);
}

/* What the diff d says about one technique: its section (item, when it
 * is in one) and its related changes (t, when it has any). */
static char *change_text(const kb_diff_domain *d, int cat,
                         const kb_diff_item *it, const kb_diff_technique *t)
{
	static const char *const what[KB_DIFF_NCATS] = {
		"added",        "major version change", "minor version change",
		"version change", "patched without a version change",
		"revoked",      "deprecated",           "deleted"};
	strbuf b = STRBUF_INIT;
	const char *sep = "";

	strbuf_printf(&b, "changed since %s: ", d->old_version);
	if (cat >= 0) {
		strbuf_puts(&b, what[cat]);
		if (it && (cat == KB_DIFF_MAJOR || cat == KB_DIFF_MINOR ||
		           cat == KB_DIFF_OTHER))
			strbuf_printf(&b, " (%s -> %s)",
			              it->old_version ? it->old_version : "none",
			              it->new_version ? it->new_version : "none");
		if (it && it->successor_id)
			strbuf_printf(&b, " by %s", it->successor_id);
		sep = "; ";
	}
	if (t) {
		size_t start = b.len;

		if (t->old_name)
			strbuf_printf(&b, "; renamed from \"%s\"", t->old_name);
		if (t->moved)
			strbuf_printf(&b, "; moved from %s to %s",
			              t->old_parent ? t->old_parent : "none",
			              t->new_parent ? t->new_parent : "none");
		put_list(&b, "tactics gained", &t->tactics_gained);
		put_list(&b, "tactics lost", &t->tactics_lost);
		put_list(&b, "mitigations added", &t->mitigations_added);
		put_list(&b, "mitigations removed", &t->mitigations_removed);
		put_list(&b, "procedures added", &t->procedures_added);
		put_list(&b, "procedures removed", &t->procedures_removed);
		put_list(&b, "detections added", &t->detections_added);
		put_list(&b, "detections removed", &t->detections_removed);
		put_list(&b, "analytics added", &t->analytics_added);
		put_list(&b, "analytics removed", &t->analytics_removed);
		put_list(&b, "analytics changed", &t->analytics_changed);
		if (t->ndescription)
			strbuf_puts(&b, "; description changed");
		/* No section: drop the first "; ". */
		if (!*sep && b.len > start) {
			memmove(b.ptr + start, b.ptr + start + 2,
			        b.len - start - 1);
			b.len -= 2;
		}
	}
	return strbuf_detach(&b);
}

static int insert_change(kb_store *store, sqlite3_stmt *st, const char *id,
                         char *text)
{
	int error = 0;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = kb_store_db_error(store, "insert note_change %s", id);
	sqlite3_reset(st);
	free(text);
	return error;
}

/* The changes of one domain's techniques: those with related changes
 * (and their section, if any), then those in a section only. */
static int domain_changes(kb_store *store, sqlite3_stmt *st,
                          const kb_diff_domain *d)
{
	strmap *seen = strmap_new();
	int error = 0;

	for (size_t j = 0; j < d->ntechniques && error == 0; j++) {
		const kb_diff_technique *t = &d->techniques[j];
		const kb_diff_item *it = NULL;

		for (size_t m = 0; t->cat >= 0 &&
		                   m < d->nitems[KB_DIFF_TECHNIQUES][t->cat];
		     m++) {
			const kb_diff_item *v =
			    &d->items[KB_DIFF_TECHNIQUES][t->cat][m];

			if (strcmp(v->stix_id, t->stix_id) == 0)
				it = v;
		}
		strmap_put(seen, t->stix_id, (void *)1);
		if (t->attack_id)
			error = insert_change(store, st, t->attack_id,
			                      change_text(d, t->cat, it, t));
	}
	for (int c = 0; c < KB_DIFF_NCATS && error == 0; c++) {
		for (size_t m = 0;
		     m < d->nitems[KB_DIFF_TECHNIQUES][c] && error == 0; m++) {
			const kb_diff_item *v = &d->items[KB_DIFF_TECHNIQUES][c][m];

			if (v->attack_id && !strmap_get(seen, v->stix_id))
				error = insert_change(
				    store, st, v->attack_id,
				    change_text(d, c, v, NULL));
		}
	}
	strmap_free(seen);
	return error;
}

/* TEMP note_change(attack_id, detail): one row per technique the diffs
 * list. Returns 0 or KB_EDB. */
static int fill_changes(kb_store *store, const kb_diff *const *diffs,
                        size_t ndiffs)
{
	sqlite3_stmt *st = NULL;
	int error;

	if ((error = kb_store_exec(store,
	                           "CREATE TEMP TABLE IF NOT EXISTS "
	                           "note_change (attack_id TEXT, detail TEXT);"
	                           "DELETE FROM temp.note_change;")) < 0)
		return error;
	if (ndiffs == 0)
		return 0;
	if (sqlite3_prepare_v2(store->db,
	                       "INSERT INTO temp.note_change VALUES (?1, ?2)",
	                       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "insert note_change");
	for (size_t k = 0; k < ndiffs && error == 0; k++)
		for (size_t i = 0; i < diffs[k]->ndomains && error == 0; i++)
			error = domain_changes(store, st,
			                       &diffs[k]->domains[i]);
	sqlite3_finalize(st);
	return error;
}

int kb_notes_check(kb_rows **out, kb_store *store, const kb_diff *const *diffs,
                   size_t ndiffs)
{
	int error;

	if (sqlite3_create_function(store->db, "attackkb_kind", 1,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_kind, NULL, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "register attackkb_kind");
	if ((error = fill_changes(store, diffs, ndiffs)) < 0)
		return error;
	return kb_rows_query(out, store, check_sql, NULL, 0);
}
