/* kb/query.h: run SQL against the store and get the rows back as text;
 * the named queries built from queries/NAME.sql. */
#ifndef KB_QUERY_H
#define KB_QUERY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kb_store kb_store;

enum kb_cell_type { KB_CELL_NULL, KB_CELL_INT, KB_CELL_REAL, KB_CELL_TEXT };

/* A result set, every cell as text (NULL for SQL NULL). */
typedef struct kb_rows {
	size_t ncols;          /* columns */
	size_t nrows;          /* rows */
	char **cols;           /* ncols column names */
	char **cells;          /* nrows * ncols values, row-major; NULL = SQL NULL */
	unsigned char *types;  /* nrows * ncols enum kb_cell_type */
} kb_rows;

/* Run sql (one statement) with args bound as text to ?1..?nargs and
 * collect every row. Caller frees *out with kb_rows_free().
 * Returns 0, KB_EDB (bad SQL, message names it) or KB_ELIMIT. */
int kb_rows_query(kb_rows **out, kb_store *store, const char *sql,
		  const char *const *args, size_t nargs);

/* As kb_rows_query(), but refuses any statement that could change the
 * store (the analysts' `attackkb sql`). Runs every statement in sql and
 * returns the rows of the last one that returned columns. */
int kb_rows_query_readonly(kb_rows **out, kb_store *store, const char *sql);

/* Cell (row, col); NULL for SQL NULL. Borrowed. */
const char *kb_rows_get(const kb_rows *rows, size_t row, size_t col);

void kb_rows_free(kb_rows *rows);

/* An empty result set with these columns, for callers that build rows
 * themselves (search hits). Free with kb_rows_free(). */
kb_rows *kb_rows_new(size_t ncols, const char *const *cols);

/* Append a row of ncols text cells (NULL for none); the cells are copied. */
void kb_rows_add(kb_rows *rows, const char *const *cells);

/* The named queries (queries/NAME.sql), terminated by a {NULL, NULL} row. */
struct kb_named_query {
	const char *name; /* file name without .sql */
	const char *sql;  /* the file: leading "--" comment lines, then SQL */
};
extern const struct kb_named_query kb_named_queries[];

/* Find a named query; NULL if none. */
const struct kb_named_query *kb_query_find(const char *name);

/* The query's description (its leading comment block, without "-- ").
 * The caller frees the result. */
char *kb_query_describe(const struct kb_named_query *q);

/* How many ?N parameters the query takes. */
int kb_query_nparams(const struct kb_named_query *q);

#endif
