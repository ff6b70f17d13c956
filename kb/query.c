/* kb/query.c: result sets as text, the read-only guard, named queries. */
#include "kb/query.h"
#include "kb/error.h"
#include "kb/store_impl.h"
#include "kb/strbuf.h"
#include "kb/strmap.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define KB_MAX_ROWS 5000000 /* rows one result set may hold */

static void rows_set_columns(kb_rows *rows, sqlite3_stmt *st)
{
	rows->ncols = (size_t)sqlite3_column_count(st);
	rows->cols = xcalloc(rows->ncols, sizeof(char *));
	for (size_t c = 0; c < rows->ncols; c++)
		rows->cols[c] = xstrdup(sqlite3_column_name(st, (int)c));
}

/* Step st to the end, appending each row to rows. */
static int rows_collect(kb_rows *rows, kb_store *store, sqlite3_stmt *st)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			if (cap > KB_MAX_ROWS)
				return kb_error_set(KB_ELIMIT,
						    "more than %d rows",
						    KB_MAX_ROWS);
			rows->cells = xreallocarray(
				rows->cells, cap * rows->ncols + 1,
				sizeof(char *));
			rows->types = xreallocarray(rows->types,
						    cap * rows->ncols + 1, 1);
		}
		for (size_t c = 0; c < rows->ncols; c++) {
			size_t i = rows->nrows * rows->ncols + c;
			int t = sqlite3_column_type(st, (int)c);
			const unsigned char *v = sqlite3_column_text(st, (int)c);

			rows->types[i] = t == SQLITE_NULL      ? KB_CELL_NULL
					 : t == SQLITE_INTEGER ? KB_CELL_INT
					 : t == SQLITE_FLOAT   ? KB_CELL_REAL
							       : KB_CELL_TEXT;
			rows->cells[i] =
				t == SQLITE_NULL || !v
					? NULL
					: xstrndup((const char *)v,
						   (size_t)sqlite3_column_bytes(
							   st, (int)c));
		}
		rows->nrows++;
	}
	if (rc != SQLITE_DONE)
		return kb_store_db_error(store, "query");
	return 0;
}

int kb_rows_query(kb_rows **out, kb_store *store, const char *sql,
		  const char *const *args, size_t nargs)
{
	kb_rows *rows = xcalloc(1, sizeof(*rows));
	sqlite3_stmt *st = NULL;
	int error;

	bool cached = false;

	*out = NULL;
	if (!store->queries)
		store->queries = strmap_new();
	st = strmap_get(store->queries, sql);
	if (st) {
		cached = true;
	} else if (sqlite3_prepare_v3(store->db, sql, -1,
				      SQLITE_PREPARE_PERSISTENT, &st,
				      NULL) != SQLITE_OK) {
		error = kb_error_set(KB_EDB, "%s", sqlite3_errmsg(store->db));
		goto done;
	} else if (store->nquery_stmts < KB_QUERY_CACHE_MAX) {
		strmap_put(store->queries, sql, st);
		store->query_stmts[store->nquery_stmts++] = st;
		cached = true;
	}
	for (size_t i = 0; i < nargs; i++)
		sqlite3_bind_text(st, (int)i + 1, args[i], -1, SQLITE_STATIC);
	rows_set_columns(rows, st);
	if ((error = rows_collect(rows, store, st)) < 0)
		goto done;
	*out = rows;
	rows = NULL;
done:
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	kb_rows_free(rows);
	return error;
}

/* Deny everything that writes, attaches or loads, whatever the SQL. */
static int deny_writes(void *ud, int action, const char *a, const char *b,
		       const char *db, const char *trigger)
{
	(void)ud, (void)a, (void)b, (void)db, (void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		/* Read-only pragmas like table_info are allowed; query_only
		 * and the read-only open stop the rest from writing. */
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

int kb_rows_query_readonly(kb_rows **out, kb_store *store, const char *sql)
{
	kb_rows *rows = NULL;
	const char *tail = sql;
	int error = 0;

	*out = NULL;
	if ((error = kb_store_exec(store, "PRAGMA query_only = 1")) < 0)
		return error;
	sqlite3_set_authorizer(store->db, deny_writes, NULL);
	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		kb_rows *r;

		if (sqlite3_prepare_v2(store->db, tail, -1, &st, &tail) !=
		    SQLITE_OK) {
			error = kb_error_set(
				KB_EDB, "%s%s", sqlite3_errmsg(store->db),
				sqlite3_errcode(store->db) == SQLITE_AUTH
					? " (the store is read-only here)"
					: "");
			break;
		}
		if (!st) /* whitespace or a comment */
			continue;
		if (!sqlite3_stmt_readonly(st)) {
			sqlite3_finalize(st);
			error = kb_error_set(KB_EDB,
					     "only statements that read are "
					     "allowed: the store is read-only "
					     "here");
			break;
		}
		r = xcalloc(1, sizeof(*r));
		rows_set_columns(r, st);
		error = rows_collect(r, store, st);
		sqlite3_finalize(st);
		if (error < 0) {
			kb_rows_free(r);
			break;
		}
		if (r->ncols > 0) {
			kb_rows_free(rows);
			rows = r;
		} else {
			kb_rows_free(r);
		}
	}
	sqlite3_set_authorizer(store->db, NULL, NULL);
	if (error < 0) {
		kb_rows_free(rows);
		return error;
	}
	*out = rows ? rows : xcalloc(1, sizeof(kb_rows));
	return 0;
}

const char *kb_rows_get(const kb_rows *rows, size_t row, size_t col)
{
	return rows->cells[row * rows->ncols + col];
}

void kb_rows_free(kb_rows *rows)
{
	if (!rows)
		return;
	for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
		free(rows->cells[i]);
	for (size_t c = 0; c < rows->ncols; c++)
		free(rows->cols[c]);
	free(rows->cells);
	free(rows->types);
	free(rows->cols);
	free(rows);
}

kb_rows *kb_rows_new(size_t ncols, const char *const *cols)
{
	kb_rows *rows = xcalloc(1, sizeof(*rows));

	rows->ncols = ncols;
	rows->cols = xcalloc(ncols, sizeof(char *));
	for (size_t c = 0; c < ncols; c++)
		rows->cols[c] = xstrdup(cols[c]);
	return rows;
}

void kb_rows_add(kb_rows *rows, const char *const *cells)
{
	size_t n = (rows->nrows + 1) * rows->ncols;

	rows->cells = xreallocarray(rows->cells, n, sizeof(char *));
	rows->types = xreallocarray(rows->types, n, 1);
	for (size_t c = 0; c < rows->ncols; c++) {
		size_t i = rows->nrows * rows->ncols + c;

		rows->cells[i] = cells[c] ? xstrdup(cells[c]) : NULL;
		rows->types[i] = cells[c] ? KB_CELL_TEXT : KB_CELL_NULL;
	}
	rows->nrows++;
}

const struct kb_named_query *kb_query_find(const char *name)
{
	for (const struct kb_named_query *q = kb_named_queries; q->name; q++)
		if (strcmp(q->name, name) == 0)
			return q;
	return NULL;
}

char *kb_query_describe(const struct kb_named_query *q)
{
	strbuf sb = STRBUF_INIT;
	const char *p = q->sql;

	while (strncmp(p, "--", 2) == 0) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		p += 2;
		n -= 2;
		if (n && *p == ' ')
			p++, n--;
		strbuf_put(&sb, p, n);
		strbuf_putc(&sb, '\n');
		p += n;
		if (*p == '\n')
			p++;
	}
	return strbuf_detach(&sb);
}

int kb_query_nparams(const struct kb_named_query *q)
{
	int max = 0;

	for (const char *p = q->sql; (p = strchr(p, '?')) != NULL; p++)
		if (p[1] >= '1' && p[1] <= '9' && p[1] - '0' > max)
			max = p[1] - '0';
	return max;
}
