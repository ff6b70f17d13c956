/* export/format.h: result sets and object descriptions as an aligned text
 * table, JSON, CSV or Markdown (attackkb --format). */
#ifndef EXPORT_FORMAT_H
#define EXPORT_FORMAT_H

#include <stdio.h>

typedef struct kb_rows kb_rows;
typedef struct kb_doc kb_doc;

enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV, FORMAT_MD };

/* "table", "json", "csv", "md" -> enum format; -1 for anything else. */
int format_parse(const char *name);

/* The width tables should fit: the terminal's when out is one, else 0
 * (no limit). $COLUMNS overrides. */
int format_width(FILE *out);

/* Print rows. width 0 means no limit (table only: wider cells are cut
 * with an ellipsis). JSON is an array of objects, numbers as numbers. */
void format_rows(FILE *out, const kb_rows *rows, enum format fmt, int width);

/* Print one object description. */
void format_doc(FILE *out, const kb_doc *doc, enum format fmt, int width);

/* The description as JSON text (for the web page). Caller frees. */
char *format_doc_json(const kb_doc *doc);
/* Rows as a JSON array text. Caller frees. */
char *format_rows_json(const kb_rows *rows);
/* s as one JSON string, quotes included ("a\"b"), or "null" when s is NULL,
 * for callers that compose JSON text (the web page's search results).
 * Caller frees. */
char *format_json_string(const char *s);

#endif
