/* parser/detcsv.c: hand-kept detection lists, one "detection, technique"
 * pair per row, in CSV (RFC 4180 quoting) or TSV; bad rows are reported and
 * skipped so that one typo does not lose the rest of the file. */
#include "parser/detcsv.h"
#include "parser/detection_impl.h"
#include "kb/strmap.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ROW_QUOTE_MAX 200 /* bytes of a bad row quoted in its warning */

enum column { COL_DETECTION, COL_TECHNIQUE, COL_PLATFORM, COL_STATUS, COL__N };

static const char *const column_names[COL__N] = {"detection", "technique",
						 "platform", "status"};

struct reader {
	const char *source; /* for messages */
	const char *buf;    /* the whole input */
	size_t len;
	size_t pos;         /* next byte to read */
	unsigned line;      /* line of buf[pos] */
	char sep;           /* ',' or '\t' */
	bool quoting;       /* CSV: "..." fields */
};

struct row {
	strbuf *fields;     /* nfields values, unquoted and trimmed */
	size_t nfields, alloc;
	unsigned line;      /* where the row starts */
	size_t start, end;  /* its raw bytes, without the final line end */
	const char *problem; /* why it could not be read, or NULL */
};

static strbuf *next_field(struct row *row)
{
	if (row->nfields == row->alloc) {
		row->alloc = row->alloc ? row->alloc * 2 : 8;
		row->fields = xreallocarray(row->fields, row->alloc,
					    sizeof(*row->fields));
		for (size_t i = row->nfields; i < row->alloc; i++)
			strbuf_init(&row->fields[i]);
	}
	strbuf_clear(&row->fields[row->nfields]);
	return &row->fields[row->nfields++];
}

static void free_row(struct row *row)
{
	for (size_t i = 0; i < row->alloc; i++)
		strbuf_free(&row->fields[i]);
	free(row->fields);
}

static void trim_field(strbuf *sb)
{
	size_t a = 0, b = sb->len;

	while (a < b && (sb->ptr[a] == ' ' || sb->ptr[a] == '\t'))
		a++;
	while (b > a && (sb->ptr[b - 1] == ' ' || sb->ptr[b - 1] == '\t'))
		b--;
	memmove(sb->ptr, sb->ptr + a, b - a);
	strbuf_truncate(sb, b - a);
}

/* True at the end of a line ("\n", "\r\n") or of the input. */
static bool at_line_end(const struct reader *rd, size_t pos)
{
	return pos >= rd->len || rd->buf[pos] == '\n' ||
	       (rd->buf[pos] == '\r' &&
		(pos + 1 >= rd->len || rd->buf[pos + 1] == '\n'));
}

/* Step over the line end at rd->pos (if any). */
static void skip_line_end(struct reader *rd)
{
	if (rd->pos < rd->len && rd->buf[rd->pos] == '\r')
		rd->pos++;
	if (rd->pos < rd->len && rd->buf[rd->pos] == '\n') {
		rd->pos++;
		rd->line++;
	}
}

/* Skip blank lines; false at the end of the input. */
static bool skip_blank_lines(struct reader *rd)
{
	while (rd->pos < rd->len && at_line_end(rd, rd->pos))
		skip_line_end(rd);
	return rd->pos < rd->len;
}

/* Read a quoted field, rd->pos just after the opening quote. */
static bool read_quoted(struct reader *rd, strbuf *f, struct row *row)
{
	for (;;) {
		char c;

		if (rd->pos >= rd->len) {
			row->problem = "unterminated quoted field";
			return false;
		}
		c = rd->buf[rd->pos++];
		if (c == '"') {
			if (rd->pos < rd->len && rd->buf[rd->pos] == '"') {
				strbuf_putc(f, '"');
				rd->pos++;
				continue;
			}
			break;
		}
		if (c == '\n')
			rd->line++;
		strbuf_putc(f, c);
	}
	while (rd->pos < rd->len && rd->buf[rd->pos] == ' ')
		rd->pos++;
	if (!at_line_end(rd, rd->pos) && rd->buf[rd->pos] != rd->sep) {
		row->problem = "text after a closing quote";
		return false;
	}
	return true;
}

/* After a bad row, go on at the line after the one it started on: with an
 * unterminated quote that is the best guess at where the next row is. */
static void recover(struct reader *rd, struct row *row)
{
	const char *nl = memchr(rd->buf + row->start, '\n',
				rd->len - row->start);

	row->end = nl ? (size_t)(nl - rd->buf) : rd->len;
	if (row->end > row->start && rd->buf[row->end - 1] == '\r')
		row->end--;
	rd->pos = nl ? (size_t)(nl - rd->buf) + 1 : rd->len;
	rd->line = row->line + 1;
}

/* Read one row at rd->pos (not on a blank line). On a problem, row->problem
 * says what and the reader is past the row's first line. */
static void read_row(struct reader *rd, struct row *row)
{
	row->nfields = 0;
	row->problem = NULL;
	row->line = rd->line;
	row->start = rd->pos;
	for (;;) {
		strbuf *f = next_field(row);

		if (rd->quoting) {
			size_t p = rd->pos;

			while (p < rd->len && rd->buf[p] == ' ')
				p++;
			if (p < rd->len && rd->buf[p] == '"') {
				rd->pos = p + 1;
				if (!read_quoted(rd, f, row)) {
					recover(rd, row);
					return;
				}
			}
		}
		while (!at_line_end(rd, rd->pos) && rd->buf[rd->pos] != rd->sep)
			strbuf_putc(f, rd->buf[rd->pos++]);
		trim_field(f);
		if (at_line_end(rd, rd->pos))
			break;
		rd->pos++; /* the separator */
	}
	row->end = rd->pos;
	skip_line_end(rd);
}

static void warn_row(detection_set *set, const struct reader *rd,
		     const struct row *row, const char *what)
{
	char *q = detection_quote(rd->buf + row->start, row->end - row->start,
				  ROW_QUOTE_MAX);

	detection_warn(set, rd->source, row->line, "%s; row skipped: %s", what,
		       q);
	free(q);
}

/* Map header names to columns; cols[c] is the field index or -1. */
static int read_header(detection_set *set, const struct reader *rd,
		       const struct row *row, int cols[COL__N])
{
	for (int c = 0; c < COL__N; c++)
		cols[c] = -1;
	for (size_t i = 0; i < row->nfields; i++) {
		const char *name = row->fields[i].ptr;
		int c;

		for (c = 0; c < COL__N; c++)
			if (strcasecmp(name, column_names[c]) == 0)
				break;
		if (c == COL__N) {
			char *q = detection_quote(name, strlen(name), 40);

			detection_warn(set, rd->source, row->line,
				       "unknown column '%s' ignored", q);
			free(q);
		} else if (cols[c] >= 0) {
			return kb_error_set(KB_EPARSE,
					    "%s:%u: column '%s' named twice "
					    "in the header",
					    rd->source, row->line,
					    column_names[c]);
		} else {
			cols[c] = (int)i;
		}
	}
	if (cols[COL_DETECTION] < 0 || cols[COL_TECHNIQUE] < 0) {
		char *q = detection_quote(rd->buf + row->start,
					  row->end - row->start, ROW_QUOTE_MAX);
		int error = kb_error_set(KB_EPARSE,
					 "%s:%u: the header must name the "
					 "columns detection and technique: %s",
					 rd->source, row->line, q);

		free(q);
		return error;
	}
	return 0;
}

static const char *field(const struct row *row, const int cols[COL__N],
			 enum column c)
{
	return cols[c] >= 0 ? row->fields[cols[c]].ptr : "";
}

/* Turn a good row into a rule, or merge it into the rule of the same name
 * met before (by_name: name -> index in set->rules + 1). */
static void add_row(detection_set *set, const struct reader *rd,
		    const struct row *row, const int cols[COL__N],
		    size_t ncols, strmap *by_name)
{
	const char *name = field(row, cols, COL_DETECTION);
	const char *status = field(row, cols, COL_STATUS);
	const char *platform = field(row, cols, COL_PLATFORM);
	char tech[DETECTION_TECHNIQUE_SIZE];
	detection_rule fresh = {0}, *r;
	uintptr_t index;
	char what[96];

	if (row->nfields != ncols) {
		snprintf(what, sizeof(what),
			 "%zu fields where the header has %zu", row->nfields,
			 ncols);
		warn_row(set, rd, row, what);
		return;
	}
	if (name[0] == '\0') {
		warn_row(set, rd, row, "empty detection name");
		return;
	}
	if (!detection_technique_normalise(tech,
					   field(row, cols, COL_TECHNIQUE))) {
		warn_row(set, rd, row, "not an ATT&CK technique ID");
		return;
	}
	index = (uintptr_t)strmap_get(by_name, name);
	if (index) {
		r = &set->rules[index - 1];
	} else {
		r = &fresh;
		r->format = DETECTION_CSV;
		r->source = xstrdup(rd->source);
		r->line = row->line;
		r->id = xstrdup(name);
		r->title = xstrdup(name);
	}
	detection_list_add(&r->techniques, &r->ntechniques, tech);
	if (platform[0])
		detection_list_add(&r->platforms, &r->nplatforms, platform);
	if (status[0] && !r->status)
		r->status = xstrdup(status);
	else if (status[0] && strcmp(status, r->status) != 0)
		detection_warn(set, rd->source, row->line,
			       "status '%s' differs from '%s' given for "
			       "'%s' at line %u; the first is kept",
			       status, r->status, name, r->line);
	if (!index) {
		strmap_put(by_name, name, (void *)(uintptr_t)(set->nrules + 1));
		detection_set_push(set, &fresh);
	}
}

int detcsv_parse_buffer(detection_set *set, const char *source,
			const char *buf, size_t len)
{
	struct reader rd = {
		.source = source, .buf = buf, .len = len, .line = 1};
	struct row row = {0};
	size_t nrules = set->nrules, nwarnings = set->nwarnings, ncols;
	strmap *by_name = NULL;
	int cols[COL__N], error = 0;
	const char *nl;

	if (len > KB_MAX_CSV_FILE)
		return kb_error_set(KB_ELIMIT,
				    "%s:1: %zu bytes, more than the limit of "
				    "%u (KB_MAX_CSV_FILE)",
				    source, len, KB_MAX_CSV_FILE);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		rd.pos = 3;
	if (!skip_blank_lines(&rd))
		return kb_error_set(KB_EPARSE,
				    "%s:1: empty file, no header row", source);
	/* A tab anywhere in the header line makes the file TSV. */
	nl = memchr(buf + rd.pos, '\n', len - rd.pos);
	rd.sep = memchr(buf + rd.pos, '\t', (nl ? (size_t)(nl - buf) : len) -
						    rd.pos)
			 ? '\t'
			 : ',';
	rd.quoting = rd.sep == ',';
	read_row(&rd, &row);
	if (row.problem) {
		error = kb_error_set(KB_EPARSE, "%s:%u: header: %s", source,
				     row.line, row.problem);
		goto done;
	}
	if ((error = read_header(set, &rd, &row, cols)) < 0)
		goto done;
	ncols = row.nfields;
	by_name = strmap_new();
	while (skip_blank_lines(&rd)) {
		read_row(&rd, &row);
		if (row.problem)
			warn_row(set, &rd, &row, row.problem);
		else
			add_row(set, &rd, &row, cols, ncols, by_name);
	}
done:
	if (error < 0)
		detection_set_truncate(set, nrules, nwarnings);
	strmap_free(by_name);
	free_row(&row);
	return error;
}

int detcsv_parse_file(detection_set *set, const char *path)
{
	char *buf;
	size_t len;
	int error = fsutil_read_file(&buf, &len, path, KB_MAX_CSV_FILE);

	if (error == KB_ELIMIT)
		return kb_error_set(KB_ELIMIT,
				    "%s:1: more than %u bytes "
				    "(KB_MAX_CSV_FILE)",
				    path, KB_MAX_CSV_FILE);
	if (error < 0)
		return error;
	error = detcsv_parse_buffer(set, path, buf, len);
	free(buf);
	return error;
}
