/* kb/store_impl.h: what kb/ modules share about the store (not public). */
#ifndef KB_STORE_IMPL_H
#define KB_STORE_IMPL_H

#include "kb/store.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cached prepared statements, one slot per use site. */
enum kb_stmt_id {
	KB_STMT_OBJECT_FIND,
	KB_STMT_OBJECT_PUT,
	KB_STMT_MEMBER_PUT,
	KB_STMT_PROP_PUT,
	KB_STMT_REF_FIND,
	KB_STMT_REF_PUT,
	KB_STMT_CITE_PUT,
	KB_STMT_FTS_PUT,
	KB_STMT_SNIPPET,
	KB_STMT__COUNT
};

/* Statements kb_rows_query() keeps per store; past this it prepares and
 * finalizes each call, as with no cache. */
#define KB_QUERY_CACHE_MAX 128

struct kb_store {
	sqlite3 *db;                           /* the connection */
	char *path;                            /* as opened */
	bool writable;                         /* opened with KB_STORE_WRITE */
	char *build_path;                      /* KB_STORE_BUILD: the file a
						  new store is built in, until
						  kb_store_publish() */
	bool keep_build;                       /* it could not be published:
						  keep it */
	struct kb_fts_builder *fts;            /* its full-text index, built
						  on a thread (ftsbuild.h) */
	bool fts_merged;                       /* that index is in the store */
	sqlite3_stmt *stmts[KB_STMT__COUNT];   /* prepared once, reset after use */
	struct strmap *queries;                /* kb_rows_query(): SQL text ->
						  its prepared statement, kept
						  for the next call (a web
						  server asks the same ones) */
	sqlite3_stmt *query_stmts[KB_QUERY_CACHE_MAX]; /* the same, to
							  finalize */
	size_t nquery_stmts;                   /* used slots */
};

/* Prepare (once) and return the cached statement for id with text sql.
 * Returns 0 or KB_EDB. The statement is borrowed: reset it after use. */
int kb_store_stmt(sqlite3_stmt **out, kb_store *store, enum kb_stmt_id id,
		  const char *sql);

/* Set KB_EDB with "context: sqlite message". Returns KB_EDB. */
int kb_store_db_error(kb_store *store, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Drop the TEMP table or view name, whichever it is (nothing if there is
 * none). Returns 0 or KB_EDB. */
int kb_store_drop_temp(kb_store *store, const char *name);

/* Run SQL with no results. Returns 0 or KB_EDB. */
int kb_store_exec(kb_store *store, const char *sql);

/* The schema and view texts (kb/schema.sql, kb/views.sql, embedded). */
extern const char kb_schema_sql[];
extern const char kb_views_sql[];
extern const char kb_schema_id[]; /* a fingerprint of the two */

typedef struct kb_extref kb_extref;

/* The id of reference r (its hash set), adding it if the store lacks it.
 * Returns 0 or KB_EDB. */
int kb_reference_id(kb_store *store, const kb_extref *r, int64_t *id);

/* Redo the rows the public views show (current_member) for domain, and
 * for the vault pseudo-release. Returns 0 or KB_EDB. */
int kb_refresh_current(kb_store *store, const char *domain);

#endif
