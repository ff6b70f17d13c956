/* kb/ingest.c: one release's objects into the store, in one transaction:
 * object versions stored once, membership per release, shared references,
 * the full-text index, and the validation findings at the end. */
#include "kb/ingest.h"
#include "kb/coverage.h"
#include "kb/error.h"
#include "kb/ftsbuild.h"
#include "kb/store_impl.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* reference hash -> id, open addressing; 0 marks an empty slot. */
struct idmap {
	uint64_t *keys;  /* hashes (a hash of 0 is stored as 1) */
	int64_t *ids;    /* reference.id */
	size_t cap, len; /* slots (a power of two), used */
};

static int64_t *idmap_slot(struct idmap *m, uint64_t key)
{
	size_t i;

	key = key ? key : 1;
	if (2 * (m->len + 1) > m->cap) {
		struct idmap old = *m;

		m->cap = old.cap ? 2 * old.cap : 16384;
		m->keys = xcalloc(m->cap, sizeof(uint64_t));
		m->ids = xcalloc(m->cap, sizeof(int64_t));
		m->len = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i])
				*idmap_slot(m, old.keys[i]) = old.ids[i];
		free(old.keys);
		free(old.ids);
	}
	for (i = key & (m->cap - 1); m->keys[i] && m->keys[i] != key;
	     i = (i + 1) & (m->cap - 1))
		;
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->len++;
	}
	return &m->ids[i];
}

static void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->ids);
}

uint64_t kb_extref_hash(const kb_extref *r)
{
	const char *parts[4] = {r->source_name, r->url, r->description,
				r->external_id};
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < 4; i++) {
		for (const char *p = parts[i] ? parts[i] : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ 0x1f) * 1099511628211ull;
	}
	return h;
}

struct kb_ingest {
	kb_store *store;       /* borrowed */
	int64_t release_id;    /* provisional release row */
	size_t objects;        /* objects seen */
	size_t new_objects;    /* versions inserted */
	struct idmap refs;     /* reference hash -> reference.id */
};

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int step_done(kb_store *store, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = kb_store_db_error(store, "%s", what);
	sqlite3_reset(st);
	return error;
}

int kb_ingest_known(char **domain_version, kb_store *store,
		    const char *sha256)
{
	sqlite3_stmt *st;
	int rc;

	*domain_version = NULL;
	if (sqlite3_prepare_v2(store->db,
			       "SELECT domain || ' ' || version FROM release "
			       "WHERE sha256 = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "release lookup");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*domain_version =
			xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : kb_store_db_error(store, "release lookup");
}

int kb_ingest_begin(kb_ingest **out, kb_store *store)
{
	kb_ingest *ing;
	int error;

	*out = NULL;
	/* A savepoint: its own transaction, or nested in the caller's (an
	 * ingest of several files commits or rolls back as one). */
	if ((error = kb_store_exec(store, "SAVEPOINT kb_ingest")) < 0)
		return error;
	if ((error = kb_fts_savepoint(store, KB_FTS_SAVEPOINT)) < 0) {
		kb_store_exec(store, "ROLLBACK TO kb_ingest; "
				     "RELEASE kb_ingest");
		return error;
	}
	/* A provisional row gives membership a release id; the domain and
	 * version are only known once the whole bundle has been read. */
	if ((error = kb_store_exec(store,
				   "INSERT INTO release (domain, version, "
				   "major, minor, source, sha256, "
				   "ingested_at, objects, new_objects) "
				   "VALUES ('', '(pending)', 0, 0, '', '', "
				   "'', 0, 0)")) < 0) {
		kb_store_exec(store, "ROLLBACK TO kb_ingest; "
				     "RELEASE kb_ingest");
		kb_fts_savepoint(store, KB_FTS_ROLLBACK);
		return error;
	}
	ing = xcalloc(1, sizeof(*ing));
	ing->store = store;
	ing->release_id = sqlite3_last_insert_rowid(store->db);
	*out = ing;
	return 0;
}

static int find_object(kb_ingest *ing, const kb_stix_object *o, int64_t *id)
{
	sqlite3_stmt *st;
	int rc, error;

	if ((error = kb_store_stmt(&st, ing->store, KB_STMT_OBJECT_FIND,
				   "SELECT id FROM object WHERE stix_id = ?1 "
				   "AND modified = ?2")) < 0)
		return error;
	sqlite3_bind_text(st, 1, o->stix_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, nz(o->modified), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kb_store_db_error(ing->store, "find %s", o->stix_id);
	return 0;
}

static int put_props(kb_ingest *ing, int64_t id, const kb_stix_object *o)
{
	sqlite3_stmt *st;
	int error, ord = 0;
	const char *field = NULL;

	if ((error = kb_store_stmt(&st, ing->store, KB_STMT_PROP_PUT,
				   "INSERT INTO prop (object_id, field, ord, "
				   "value, v2, v3) VALUES (?,?,?,?,?,?)")) < 0)
		return error;
	for (size_t i = 0; i < o->nprops; i++) {
		const kb_prop *p = &o->props[i];

		ord = field && strcmp(field, p->field) == 0 ? ord + 1 : 0;
		field = p->field;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, p->field, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, ord);
		bind_opt(st, 4, p->value);
		bind_opt(st, 5, p->v2);
		bind_opt(st, 6, p->v3);
		if ((error = step_done(ing->store, st, "store list item")) < 0)
			return error;
	}
	return 0;
}

int kb_reference_id(kb_store *store, const kb_extref *r, int64_t *id)
{
	sqlite3_stmt *st;
	int rc, error;

	/* INDEXED BY: the planner otherwise picks reference_source, and
	 * "mitre-attack" alone names thousands of references. */
	if ((error = kb_store_stmt(&st, store, KB_STMT_REF_FIND,
				   "SELECT id FROM reference INDEXED BY "
				   "reference_hash WHERE hash = ?1 AND "
				   "source_name = ?2 AND url = ?3 AND "
				   "description = ?4 AND external_id = ?5")) <
	    0)
		return error;
	sqlite3_bind_int64(st, 1, (int64_t)r->hash);
	sqlite3_bind_text(st, 2, nz(r->source_name), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, nz(r->url), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, nz(r->description), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, nz(r->external_id), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kb_store_db_error(store, "find reference");
	if (*id)
		return 0;
	if ((error = kb_store_stmt(&st, store, KB_STMT_REF_PUT,
				   "INSERT INTO reference (hash, source_name, "
				   "url, description, external_id) VALUES (?1, "
				   "?2, ?3, ?4, ?5)")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, (int64_t)r->hash);
	sqlite3_bind_text(st, 2, nz(r->source_name), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, nz(r->url), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, nz(r->description), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, nz(r->external_id), -1, SQLITE_STATIC);
	if ((error = step_done(store, st, "store reference")) < 0)
		return error;
	*id = sqlite3_last_insert_rowid(store->db);
	return 0;
}

/* The reference's id: from this ingest's map, else kb_reference_id().
 * Within one ingest the map trusts the 64-bit hash: two distinct
 * references colliding would be merged, odds about 3e-12 for ATT&CK's
 * 10,000 references. */
static int put_reference(kb_ingest *ing, const kb_extref *r, int64_t *id)
{
	int64_t *slot = idmap_slot(&ing->refs, r->hash);
	int error;

	if ((*id = *slot) != 0)
		return 0;
	if ((error = kb_reference_id(ing->store, r, id)) < 0)
		return error;
	*slot = *id;
	return 0;
}

static int put_refs(kb_ingest *ing, int64_t id, const kb_stix_object *o)
{
	sqlite3_stmt *st;
	int error;

	if ((error = kb_store_stmt(&st, ing->store, KB_STMT_CITE_PUT,
				   "INSERT OR IGNORE INTO cites (object_id, "
				   "ord, reference_id) VALUES (?,?,?)")) < 0)
		return error;
	for (size_t i = 0; i < o->nrefs; i++) {
		int64_t ref;

		if ((error = put_reference(ing, &o->refs[i], &ref)) < 0)
			return error;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, ref);
		if ((error = step_done(ing->store, st, "store citation")) < 0)
			return error;
	}
	return 0;
}

/* Names, aliases and descriptions of ATT&CK objects, and the text of
 * procedure examples and mitigations, are searchable. */
static bool searchable(const kb_stix_object *o)
{
	return o->kind || (o->rel_type && o->description &&
			   (strcmp(o->rel_type, "uses") == 0 ||
			    strcmp(o->rel_type, "mitigates") == 0));
}

static int put_object(kb_ingest *ing, const kb_stix_object *o, int64_t *id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = kb_store_stmt(
		     &st, ing->store, KB_STMT_OBJECT_PUT,
		     "INSERT INTO object (stix_id, modified, stix_type, kind, "
		     "attack_id, name, description, aliases, url, version, "
		     "created, revoked, deprecated, shortname, rel_type, "
		     "source_ref, target_ref, json) VALUES (?1, ?2, ?3, ?4, "
		     "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
		     "?17, ?18) ON CONFLICT (stix_id, modified) DO NOTHING")) <
	    0)
		return error;
	sqlite3_bind_text(st, 1, o->stix_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, nz(o->modified), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->stix_type, -1, SQLITE_STATIC);
	bind_opt(st, 4, o->kind);
	bind_opt(st, 5, o->attack_id);
	bind_opt(st, 6, o->name);
	bind_opt(st, 7, o->description);
	bind_opt(st, 8, o->aliases);
	bind_opt(st, 9, o->url);
	bind_opt(st, 10, o->version);
	bind_opt(st, 11, o->created);
	sqlite3_bind_int(st, 12, o->revoked);
	sqlite3_bind_int(st, 13, o->deprecated);
	bind_opt(st, 14, o->shortname);
	bind_opt(st, 15, o->rel_type);
	bind_opt(st, 16, o->source_ref);
	bind_opt(st, 17, o->target_ref);
	sqlite3_bind_text(st, 18, o->json, (int)o->json_len, SQLITE_STATIC);
	if ((error = step_done(ing->store, st, "store object")) < 0) {
		kb_error_prefix("%s", o->stix_id);
		return error;
	}
	if (sqlite3_changes(ing->store->db) == 0) {
		*id = 0; /* this version is stored already */
		return 0;
	}
	*id = sqlite3_last_insert_rowid(ing->store->db);
	ing->new_objects++;
	if ((error = put_props(ing, *id, o)) < 0 ||
	    (error = put_refs(ing, *id, o)) < 0)
		return error;
	if (!searchable(o))
		return 0;
	return kb_fts_index(ing->store, *id, o->name, o->aliases,
			    o->description);
}

int kb_ingest_object(kb_ingest *ing, const kb_stix_object *o)
{
	sqlite3_stmt *st;
	int64_t id;
	int error;

	ing->objects++;
	/* Insert, and look the version up only when it was there before:
	 * one statement per object on a first ingest. */
	if ((error = put_object(ing, o, &id)) < 0 ||
	    (!id && (error = find_object(ing, o, &id)) < 0))
		return error;
	if ((error = kb_store_stmt(&st, ing->store, KB_STMT_MEMBER_PUT,
				   "INSERT OR IGNORE INTO member (release_id, "
				   "object_id) VALUES (?, ?)")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, ing->release_id);
	sqlite3_bind_int64(st, 2, id);
	return step_done(ing->store, st, "store membership");
}

/* The validation checks of `attackkb check`, run over one release. */
static const char *const checks[] = {
	/* Relationships whose source or target is not in the release. */
	"INSERT INTO finding SELECT ?1, CASE r.rel_type WHEN 'revoked-by' "
	"THEN 'revoked-by-missing' ELSE 'missing-end' END, r.stix_id, NULL, "
	"r.rel_type || ' relationship: ' || CASE WHEN NOT EXISTS (SELECT 1 "
	"FROM object s JOIN member ms ON ms.object_id = s.id AND "
	"ms.release_id = ?1 WHERE s.stix_id = r.source_ref) THEN 'source ' "
	"|| r.source_ref ELSE 'target ' || r.target_ref END || ' is not in "
	"the release' FROM member m JOIN object r ON r.id = m.object_id "
	"WHERE m.release_id = ?1 AND r.rel_type IS NOT NULL AND (NOT EXISTS "
	"(SELECT 1 FROM object s JOIN member ms ON ms.object_id = s.id AND "
	"ms.release_id = ?1 WHERE s.stix_id = r.source_ref) OR NOT EXISTS "
	"(SELECT 1 FROM object s JOIN member ms ON ms.object_id = s.id AND "
	"ms.release_id = ?1 WHERE s.stix_id = r.target_ref))",
	/* Object references (analytic refs, log source components, tactic
	 * refs, data source refs) that point outside the release. */
	"INSERT INTO finding SELECT ?1, 'dangling-ref', o.stix_id, "
	"o.attack_id, p.field || ' names ' || p.value || ', which is not in "
	"the release' FROM member m JOIN object o ON o.id = m.object_id JOIN "
	"prop p ON p.object_id = o.id AND p.field IN "
	"('x_mitre_analytic_refs', 'x_mitre_log_source_references', "
	"'tactic_refs', 'x_mitre_data_source_ref') WHERE m.release_id = ?1 "
	"AND p.value <> '' AND NOT EXISTS (SELECT 1 FROM object s JOIN member "
	"ms ON ms.object_id = s.id AND ms.release_id = ?1 WHERE s.stix_id = "
	"p.value)",
	/* Two live objects of one type with the same ATT&CK ID. */
	"INSERT INTO finding SELECT ?1, 'duplicate-id', min(o.stix_id), "
	"o.attack_id, count(*) || ' live ' || o.kind || ' objects have ID ' "
	"|| o.attack_id FROM member m JOIN object o ON o.id = m.object_id "
	"WHERE m.release_id = ?1 AND o.attack_id IS NOT NULL AND o.revoked = "
	"0 AND o.deprecated = 0 GROUP BY o.kind, o.attack_id HAVING count(*) "
	"> 1",
	/* Analytics naming a log source their data component does not list. */
	"INSERT INTO finding SELECT ?1, 'unlisted-log-source', a.stix_id, "
	"a.attack_id, 'log source ' || ls.v2 || ' / ' || coalesce(ls.v3, '') "
	"|| ' is not listed by data component ' || coalesce(dc.attack_id, "
	"dc.stix_id) FROM member m JOIN object a ON a.id = m.object_id JOIN "
	"prop ls ON ls.object_id = a.id AND ls.field = "
	"'x_mitre_log_source_references' JOIN object dc ON dc.stix_id = "
	"ls.value JOIN member md ON md.object_id = dc.id AND md.release_id = "
	"?1 WHERE m.release_id = ?1 AND NOT EXISTS (SELECT 1 FROM prop l "
	"WHERE l.object_id = dc.id AND l.field = 'x_mitre_log_sources' AND "
	"l.value = ls.v2 AND l.v2 IS ls.v3)",
};

static int run_checks(kb_ingest *ing, size_t *count)
{
	sqlite3 *db = ing->store->db;

	*count = 0;
	/* Fresh planner statistics first: without them SQLite cannot know
	 * that a release holds thousands of objects, and the checks (and the
	 * views) would scan a release per row. A bounded ANALYZE is cheap. */
	if (kb_store_exec(ing->store, "PRAGMA analysis_limit = 2000; "
				      "ANALYZE") < 0)
		return KB_EDB;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(db, checks[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return kb_store_db_error(ing->store, "check %zu", i);
		sqlite3_bind_int64(st, 1, ing->release_id);
		rc = sqlite3_step(st);
		*count += (size_t)sqlite3_changes(db);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return kb_store_db_error(ing->store, "check %zu", i);
	}
	return 0;
}

/* The public views show the newest release of each domain: after an
 * ingest, redo the rows of its domain (the others cannot change), then the
 * vault pseudo-release's (kb/notes.c), which shows only objects whose
 * ATT&CK ID no STIX release has, and relationships between those: STIX is
 * authoritative, so any STIX ingest can hide or reveal vault rows. */
int kb_refresh_current(kb_store *store, const char *domain)
{
	static const char *const sql[] = {
		"DELETE FROM current_member WHERE domain = ?1 OR domain = "
		"'vault'",
		"INSERT INTO current_member (object_id, domain, release_id) "
		"SELECT m.object_id, r.domain, r.release_id FROM "
		"current_release r JOIN member m ON m.release_id = "
		"r.release_id WHERE r.domain = ?1 OR r.domain = 'vault'",
		"DELETE FROM current_member WHERE domain = 'vault' AND object_id "
		"IN (SELECT v.id FROM object v WHERE v.stix_type = "
		"'x-attackkb-vault' AND v.attack_id IN (SELECT o.attack_id FROM "
		"current_member c JOIN object o ON o.id = c.object_id WHERE "
		"c.domain <> 'vault' AND o.attack_id IS NOT NULL))",
		"DELETE FROM current_member WHERE domain = 'vault' AND object_id "
		"IN (SELECT r.id FROM object r WHERE r.stix_type = "
		"'x-attackkb-vault' AND r.rel_type IS NOT NULL AND NOT (EXISTS "
		"(SELECT 1 FROM object s JOIN current_member c ON c.object_id = "
		"s.id AND c.domain = 'vault' WHERE s.stix_id = r.source_ref) AND "
		"EXISTS (SELECT 1 FROM object t JOIN current_member c ON "
		"c.object_id = t.id AND c.domain = 'vault' WHERE t.stix_id = "
		"r.target_ref)))",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st;
		int rc;

		if (sqlite3_prepare_v2(store->db, sql[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return kb_store_db_error(store, "refresh views");
		if (sqlite3_bind_parameter_count(st) > 0)
			sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return kb_store_db_error(store, "refresh views");
	}
	return 0;
}

static int version_part(const char *v, int which)
{
	const char *dot = strchr(v, '.');

	if (which == 0)
		return atoi(v);
	return dot ? atoi(dot + 1) : 0;
}

static int finish_release(kb_ingest *ing, const kb_release_info *info)
{
	sqlite3_stmt *st;
	char now[32];
	time_t t = time(NULL);
	int rc;

	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (sqlite3_prepare_v2(ing->store->db,
			       "UPDATE release SET domain = ?2, version = ?3, "
			       "major = ?4, minor = ?5, spec_version = ?6, "
			       "source = ?7, sha256 = ?8, ingested_at = ?9, "
			       "objects = ?10, new_objects = ?11, "
			       "unknown_types = ?12, unknown_fields = ?13 "
			       "WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(ing->store, "record release");
	sqlite3_bind_int64(st, 1, ing->release_id);
	sqlite3_bind_text(st, 2, info->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, info->version, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, version_part(info->version, 0));
	sqlite3_bind_int(st, 5, version_part(info->version, 1));
	bind_opt(st, 6, info->spec_version);
	sqlite3_bind_text(st, 7, nz(info->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, nz(info->sha256), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, (int64_t)ing->objects);
	sqlite3_bind_int64(st, 11, (int64_t)ing->new_objects);
	sqlite3_bind_int64(st, 12, (int64_t)info->unknown_types);
	sqlite3_bind_int64(st, 13, (int64_t)info->unknown_fields);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return kb_error_set(KB_EEXISTS,
				    "%s %s is already stored (from other "
				    "content; nothing changed)",
				    info->domain, info->version);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(ing->store, "record release");
	return 0;
}

int kb_ingest_commit(kb_ingest *ing, const kb_release_info *info,
		     kb_ingest_stats *stats)
{
	size_t findings = 0;
	int error;

	if ((error = finish_release(ing, info)) < 0 ||
	    (error = kb_refresh_current(ing->store, info->domain)) < 0 ||
	    (error = run_checks(ing, &findings)) < 0 ||
	    (error = kb_coverage_refresh_summary(ing->store)) < 0 ||
	    (error = kb_store_exec(ing->store, "RELEASE kb_ingest")) < 0) {
		kb_ingest_abort(ing);
		return error;
	}
	kb_fts_savepoint(ing->store, KB_FTS_RELEASE);
	if (stats) {
		stats->objects = ing->objects;
		stats->new_objects = ing->new_objects;
		stats->findings = findings;
	}
	idmap_free(&ing->refs);
	free(ing);
	return 0;
}

void kb_ingest_abort(kb_ingest *ing)
{
	if (!ing)
		return;
	kb_store_exec(ing->store, "ROLLBACK TO kb_ingest; RELEASE kb_ingest");
	kb_fts_savepoint(ing->store, KB_FTS_ROLLBACK);
	idmap_free(&ing->refs);
	free(ing);
}
