/* kb/notedet.c: detection notes into a detection set. */
#include "kb/notedet.h"
#include "kb/detection.h"
#include "kb/error.h"
#include "kb/store_impl.h"
#include "kb/xalloc.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char detection_notes_sql[] =
    "SELECT n.path, n.title, l.target_attack_id FROM note n LEFT JOIN "
    "note_links l ON l.note_path = n.path AND l.kind IN ('wiki', 'embed', "
    "'url') AND l.target_attack_id GLOB 'T[0-9][0-9][0-9][0-9]*' WHERE "
    "lower(CASE json_type(n.frontmatter, '$.type') WHEN 'text' THEN "
    "json_extract(n.frontmatter, '$.type') END) = 'detection' OR EXISTS "
    "(SELECT 1 FROM note_tag t WHERE t.note_id = n.id AND (lower(t.tag) = "
    "'detection' OR lower(t.tag) LIKE 'detection/%')) ORDER BY n.path, "
    "l.line, l.target_attack_id";

struct rec {
	char *path, *title;
	char **ids;
	size_t nids;
};

static void recs_free(struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].path);
		free(r[i].title);
		for (size_t k = 0; k < r[i].nids; k++)
			free(r[i].ids[k]);
		free(r[i].ids);
	}
	free(r);
}

static int set_stored(kb_store *store, const char *name, bool *stored)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(store->db,
	                       "SELECT 1 FROM detection_set WHERE name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return kb_store_db_error(store, "detection sets");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	*stored = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

int kb_notedet_import(kb_store *store, const char *name, const char *source,
                      size_t *nrules)
{
	sqlite3_stmt *st;
	struct rec *recs = NULL;
	kb_note_detection *dets;
	size_t n = 0;
	bool stored = false;
	int rc, error = 0;

	if (nrules)
		*nrules = 0;
	if ((error = kb_detection_check_set_name(name)) < 0)
		return error;
	if (sqlite3_prepare_v2(store->db, detection_notes_sql, -1, &st,
	                       NULL) != SQLITE_OK)
		return kb_store_db_error(store, "detection notes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const char *id = (const char *)sqlite3_column_text(st, 2);
		struct rec *r;
		bool dup = false;

		if (!n || strcmp(recs[n - 1].path, path) != 0) {
			recs = xreallocarray(recs, n + 1, sizeof(*recs));
			r = &recs[n++];
			memset(r, 0, sizeof(*r));
			r->path = xstrdup(path);
			r->title = xstrdup(
			    (const char *)sqlite3_column_text(st, 1));
		}
		r = &recs[n - 1];
		for (size_t k = 0; id && k < r->nids && !dup; k++)
			dup = strcmp(r->ids[k], id) == 0;
		if (!id || dup)
			continue;
		r->ids = xreallocarray(r->ids, r->nids + 1, sizeof(char *));
		r->ids[r->nids++] = xstrdup(id);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		recs_free(recs, n);
		return kb_store_db_error(store, "detection notes");
	}
	if (n == 0 && ((error = set_stored(store, name, &stored)) < 0 ||
	               !stored)) {
		recs_free(recs, n);
		return error;
	}
	dets = xcalloc(n + 1, sizeof(*dets));
	for (size_t i = 0; i < n; i++) {
		dets[i].title = recs[i].title;
		dets[i].file = recs[i].path;
		dets[i].line = 1;
		dets[i].techniques = (const char *const *)recs[i].ids;
		dets[i].ntechniques = recs[i].nids;
	}
	error = kb_detection_import_notes(store, name, source, dets, n);
	if (error == 0 && nrules)
		*nrules = n;
	free(dets);
	recs_free(recs, n);
	return error;
}
