/* kb/detection.c: detection sets: import and replace a set of rules in one
 * savepoint, the notes hook, and choosing the sets the coverage queries
 * read (a TEMP table shadowing the view selected_sets). */
#include "kb/detection.h"
#include "kb/coverage.h"
#include "kb/error.h"
#include "kb/store_impl.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	ST_RULE,
	ST_TECHNIQUE,
	ST_TAG,
	ST__COUNT,
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_RULE] = "INSERT INTO detection (set_id, rule_id, format, title, "
		    "status, level, logsource, file, line) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_TECHNIQUE] = "INSERT OR IGNORE INTO detection_technique "
			 "(detection_id, written) VALUES (?1, ?2)",
	[ST_TAG] = "INSERT OR IGNORE INTO detection_tag (detection_id, kind, "
		   "value) VALUES (?1, ?2, ?3)",
};

struct kb_detset {
	kb_store *store;
	int64_t set_id;
	size_t rules;
	sqlite3_stmt *st[ST__COUNT];
};

/* The set's previous import goes, children first (no cascades: the store
 * does not turn foreign keys on). */
static const char delete_set[] =
	"DELETE FROM detection_technique WHERE detection_id IN "
	"(SELECT d.id FROM detection d JOIN detection_set s ON s.id = d.set_id "
	"WHERE s.name = ?1);"
	"DELETE FROM detection_tag WHERE detection_id IN "
	"(SELECT d.id FROM detection d JOIN detection_set s ON s.id = d.set_id "
	"WHERE s.name = ?1);"
	"DELETE FROM detection WHERE set_id IN "
	"(SELECT id FROM detection_set WHERE name = ?1);"
	"DELETE FROM detection_set WHERE name = ?1;";

int kb_detection_check_set_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return kb_error_set(KB_EUSAGE, "a detection set needs a name");
	if (n > KB_DETECTION_MAX_SET_NAME)
		return kb_error_set(KB_EUSAGE,
				    "detection set name longer than %d bytes",
				    KB_DETECTION_MAX_SET_NAME);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return kb_error_set(KB_EUSAGE,
					    "detection set name with a control "
					    "character");
	if (strcmp(name, KB_DETECTION_ATTACK_SET) == 0)
		return kb_error_set(KB_EUSAGE,
				    "the set name 'attack' is ATT&CK's own "
				    "detection strategies; choose another");
	return 0;
}

/* Run the statements of sql in turn with name bound to ?1. */
static int exec_with_name(kb_store *store, const char *sql, const char *name)
{
	const char *tail = sql;
	int error = 0;

	while (!error && tail && *tail) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(store->db, tail, -1, &st, &tail) !=
		    SQLITE_OK)
			return kb_store_db_error(store, "detection set %s",
						 name);
		if (!st)
			break;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			error = kb_store_db_error(store, "detection set %s",
						  name);
		sqlite3_finalize(st);
	}
	return error;
}

static void detset_free(kb_detset *ds)
{
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(ds->st[i]);
	free(ds);
}

int kb_detset_begin(kb_detset **out, kb_store *store, const char *name,
		    const char *source)
{
	kb_detset *ds;
	sqlite3_stmt *st = NULL;
	int error;

	*out = NULL;
	if ((error = kb_detection_check_set_name(name)) < 0)
		return error;
	if ((error = kb_store_exec(store, "SAVEPOINT kb_detset")) < 0)
		return error;
	ds = xcalloc(1, sizeof(*ds));
	ds->store = store;
	if ((error = exec_with_name(store, delete_set, name)) < 0)
		goto fail;
	/* imported_at and the counts are filled by kb_detset_commit(). */
	if (sqlite3_prepare_v2(store->db,
			       "INSERT INTO detection_set (name, source, "
			       "imported_at, files, rules, skipped, warnings) "
			       "VALUES (?1, ?2, '', 0, 0, 0, 0)",
			       -1, &st, NULL) != SQLITE_OK) {
		error = kb_store_db_error(store, "detection set %s", name);
		goto fail;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, source ? source : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error = kb_store_db_error(store, "detection set %s", name);
		goto fail;
	}
	ds->set_id = sqlite3_last_insert_rowid(store->db);
	for (int i = 0; i < ST__COUNT; i++)
		if (sqlite3_prepare_v2(store->db, stmt_sql[i], -1, &ds->st[i],
				       NULL) != SQLITE_OK) {
			error = kb_store_db_error(store, "detection set %s",
						  name);
			goto fail;
		}
	sqlite3_finalize(st);
	*out = ds;
	return 0;
fail:
	sqlite3_finalize(st);
	kb_detset_abort(ds);
	return error;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(kb_detset *ds, sqlite3_stmt *st, const char *what,
		     const char *rule)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(ds->store, "%s of rule %s", what,
					 rule);
	return 0;
}

int kb_detset_add(kb_detset *ds, const kb_detection *det)
{
	char fallback[64];
	const char *id = det->rule_id, *file = det->file ? det->file : "";
	sqlite3_stmt *st = ds->st[ST_RULE];
	int64_t rule;
	int error;

	if (!id || !*id) {
		/* The path may be long: keep its end, which names the file. */
		size_t n = strlen(file);

		snprintf(fallback, sizeof(fallback), "%s%s:%u",
			 n > 40 ? "..." : "", n > 40 ? file + n - 40 : file,
			 det->line);
		id = fallback;
	}
	sqlite3_bind_int64(st, 1, ds->set_id);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, det->format ? det->format : "unknown", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 4, det->title && *det->title ? det->title : id,
			  -1, SQLITE_STATIC);
	bind_opt(st, 5, det->status);
	bind_opt(st, 6, det->level);
	bind_opt(st, 7, det->logsource);
	sqlite3_bind_text(st, 8, file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, det->line);
	if ((error = step_done(ds, st, "store", id)) < 0)
		return error;
	rule = sqlite3_last_insert_rowid(ds->store->db);
	st = ds->st[ST_TECHNIQUE];
	for (size_t i = 0; i < det->ntechniques; i++) {
		sqlite3_bind_int64(st, 1, rule);
		sqlite3_bind_text(st, 2, det->techniques[i], -1,
				  SQLITE_STATIC);
		if ((error = step_done(ds, st, "techniques", id)) < 0)
			return error;
	}
	st = ds->st[ST_TAG];
	for (size_t i = 0; i < det->ntags; i++) {
		sqlite3_bind_int64(st, 1, rule);
		sqlite3_bind_text(st, 2, det->tags[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, det->tags[i].value, -1,
				  SQLITE_STATIC);
		if ((error = step_done(ds, st, "tags", id)) < 0)
			return error;
	}
	ds->rules++;
	return 0;
}

size_t kb_detset_rules(const kb_detset *ds)
{
	return ds->rules;
}

int kb_detset_commit(kb_detset *ds, const kb_detset_counts *counts)
{
	kb_store *store = ds->store;
	sqlite3_stmt *st = NULL;
	char now[32];
	time_t t = time(NULL);
	int error = 0;

	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (sqlite3_prepare_v2(store->db,
			       "UPDATE detection_set SET imported_at = ?2, "
			       "files = ?3, rules = ?4, skipped = ?5, "
			       "warnings = ?6 WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		error = kb_store_db_error(store, "record detection set");
		goto done;
	}
	sqlite3_bind_int64(st, 1, ds->set_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, counts ? (int64_t)counts->files : 0);
	sqlite3_bind_int64(st, 4, (int64_t)ds->rules);
	sqlite3_bind_int64(st, 5, counts ? (int64_t)counts->skipped : 0);
	sqlite3_bind_int64(st, 6, counts ? (int64_t)counts->warnings : 0);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error = kb_store_db_error(store, "record detection set");
		goto done;
	}
	/* Stores whose releases predate release_technique get it now. */
	if ((error = kb_coverage_refresh_summary(store)) < 0)
		goto done;
	error = kb_store_exec(store, "RELEASE kb_detset");
done:
	sqlite3_finalize(st);
	if (error < 0) {
		kb_detset_abort(ds);
		return error;
	}
	detset_free(ds);
	return 0;
}

void kb_detset_abort(kb_detset *ds)
{
	if (!ds)
		return;
	kb_store_exec(ds->store, "ROLLBACK TO kb_detset; RELEASE kb_detset");
	detset_free(ds);
}

int kb_detection_import_notes(kb_store *store, const char *name,
			      const char *source,
			      const kb_note_detection *notes, size_t n)
{
	kb_detset_counts counts = {.files = n};
	kb_detset *ds;
	int error;

	if ((error = kb_detset_begin(&ds, store, name, source)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		kb_detection det = {
			.title = notes[i].title,
			.format = "note",
			.file = notes[i].file,
			.line = notes[i].line ? notes[i].line : 1,
			.techniques = notes[i].techniques,
			.ntechniques = notes[i].ntechniques,
		};

		/* A note has no rule id: its path is one. */
		det.rule_id = notes[i].file;
		if ((error = kb_detset_add(ds, &det)) < 0) {
			kb_detset_abort(ds);
			return error;
		}
	}
	return kb_detset_commit(ds, &counts);
}

int kb_detection_count_links(kb_detection_links *out, kb_store *store,
			     const char *name)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(store->db,
			       "SELECT resolution, count(*) FROM "
			       "detection_techniques WHERE set_name = ?1 "
			       "GROUP BY 1",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "detection set %s", name);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *how = (const char *)sqlite3_column_text(st, 0);
		size_t n = (size_t)sqlite3_column_int64(st, 1);

		if (strcmp(how, "exact") == 0)
			out->exact = n;
		else if (strcmp(how, "revoked") == 0)
			out->revoked = n;
		else if (strcmp(how, "deprecated") == 0)
			out->deprecated = n;
		else
			out->unknown += n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return kb_store_db_error(store, "detection set %s", name);
	return 0;
}

/* The stored set names, for a message. Caller frees. */
static char *list_sets(kb_store *store)
{
	strbuf sb = STRBUF_INIT;
	sqlite3_stmt *st;

	strbuf_puts(&sb, KB_DETECTION_ATTACK_SET);
	if (sqlite3_prepare_v2(store->db,
			       "SELECT name FROM detection_set ORDER BY name",
			       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			strbuf_printf(&sb, ", %s",
				      (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return strbuf_detach(&sb);
}

static int set_exists(kb_store *store, const char *name, int *found)
{
	sqlite3_stmt *st;
	int rc;

	*found = strcmp(name, KB_DETECTION_ATTACK_SET) == 0;
	if (*found)
		return 0;
	if (sqlite3_prepare_v2(store->db,
			       "SELECT 1 FROM main.detection_set "
			       "WHERE name = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "detection sets");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return kb_store_db_error(store, "detection sets");
	return 0;
}

int kb_detection_select_sets(kb_store *store, const char *const *sets,
			     size_t nsets)
{
	sqlite3_stmt *st = NULL;
	int error, found;

	for (size_t i = 0; i < nsets; i++) {
		if ((error = set_exists(store, sets[i], &found)) < 0)
			return error;
		if (!found) {
			char *known = list_sets(store);

			error = kb_error_set(KB_ENOTFOUND,
					     "no detection set '%s' (the store "
					     "has: %s)",
					     sets[i], known);
			free(known);
			return error;
		}
	}
	/* --release re-creates every view in TEMP, this one too; it reads
	 * no release, so dropping it leaves the main one, the same. */
	if ((error = kb_store_drop_temp(store, "selected_sets")) < 0)
		return error;
	if (nsets == 0)
		return 0;
	if ((error = kb_store_exec(store,
				   "CREATE TEMP TABLE selected_sets "
				   "(name TEXT PRIMARY KEY)")) < 0)
		return error;
	if (sqlite3_prepare_v2(store->db,
			       "INSERT OR IGNORE INTO temp.selected_sets "
			       "VALUES (?1)",
			       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "select detection sets");
	for (size_t i = 0; i < nsets && !error; i++) {
		sqlite3_bind_text(st, 1, sets[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			error = kb_store_db_error(store, "select set %s",
						  sets[i]);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return error;
}
