/* export/format.c: the four output formats. Text widths count UTF-8
 * characters, not bytes; JSON goes through jansson. */
#include "export/format.h"
#include "kb/describe.h"
#include "kb/query.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int format_parse(const char *name)
{
	static const char *const names[] = {"table", "json", "csv", "md"};

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "markdown") == 0)
		return FORMAT_MD;
	return -1;
}

int format_width(FILE *out)
{
	const char *cols = getenv("COLUMNS");
	struct winsize ws;

	if (cols && atoi(cols) > 0)
		return atoi(cols);
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Characters in s (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Put s with newlines and tabs as spaces, cut to width characters (with
 * an ellipsis) and padded to pad characters. */
static void put_cell(FILE *out, const char *s, size_t width, size_t pad)
{
	size_t n = 0, w = text_width(s);
	bool cut = w > width;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xC0) != 0x80) {
			if (cut && n + 1 >= width)
				break;
			n++;
		}
		fputc(c == '\n' || c == '\t' || c == '\r' ? ' ' : c, out);
	}
	if (cut) {
		fputs("…", out);
		n++;
	}
	for (; n < pad; n++)
		fputc(' ', out);
}

static void print_table(FILE *out, const kb_rows *rows, int width)
{
	size_t *w = xcalloc(rows->ncols + 1, sizeof(size_t)), total = 0;

	for (size_t c = 0; c < rows->ncols; c++) {
		w[c] = text_width(rows->cols[c]);
		for (size_t r = 0; r < rows->nrows; r++) {
			const char *v = kb_rows_get(rows, r, c);
			size_t n = v ? text_width(v) : 0;

			if (n > w[c])
				w[c] = n;
		}
		total += w[c] + 2;
	}
	/* Narrow the widest column until the table fits the terminal. */
	while (width > 0 && total > (size_t)width + 2) {
		size_t widest = 0;

		for (size_t c = 1; c < rows->ncols; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= 8)
			break;
		w[widest]--;
		total--;
	}
	for (size_t c = 0; c < rows->ncols; c++) {
		put_cell(out, rows->cols[c], w[c],
			 c + 1 < rows->ncols ? w[c] + 2 : 0);
	}
	fputc('\n', out);
	for (size_t c = 0; c < rows->ncols; c++) {
		for (size_t i = 0; i < w[c]; i++)
			fputs("─", out);
		fputs(c + 1 < rows->ncols ? "  " : "\n", out);
	}
	for (size_t r = 0; r < rows->nrows; r++) {
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = kb_rows_get(rows, r, c);

			put_cell(out, v ? v : "", w[c],
				 c + 1 < rows->ncols ? w[c] + 2 : 0);
		}
		fputc('\n', out);
	}
	free(w);
}

static void put_csv(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void print_csv(FILE *out, const kb_rows *rows)
{
	for (size_t c = 0; c < rows->ncols; c++) {
		if (c)
			fputc(',', out);
		put_csv(out, rows->cols[c]);
	}
	fputs("\r\n", out);
	for (size_t r = 0; r < rows->nrows; r++) {
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = kb_rows_get(rows, r, c);

			if (c)
				fputc(',', out);
			put_csv(out, v ? v : "");
		}
		fputs("\r\n", out);
	}
}

/* A Markdown table cell: pipes escaped, line breaks as <br>. */
static void put_md(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputs("<br>", out);
		else if (*s != '\r')
			fputc(*s, out);
	}
}

static void print_md(FILE *out, const kb_rows *rows)
{
	fputc('|', out);
	for (size_t c = 0; c < rows->ncols; c++) {
		fputc(' ', out);
		put_md(out, rows->cols[c]);
		fputs(" |", out);
	}
	fputs("\n|", out);
	for (size_t c = 0; c < rows->ncols; c++)
		fputs(" --- |", out);
	fputc('\n', out);
	for (size_t r = 0; r < rows->nrows; r++) {
		fputc('|', out);
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = kb_rows_get(rows, r, c);

			fputc(' ', out);
			put_md(out, v ? v : "");
			fputs(" |", out);
		}
		fputc('\n', out);
	}
}

static json_t *rows_json(const kb_rows *rows)
{
	json_t *arr = json_array();

	for (size_t r = 0; r < rows->nrows; r++) {
		json_t *o = json_object();

		for (size_t c = 0; c < rows->ncols; c++) {
			const char *v = kb_rows_get(rows, r, c);
			size_t i = r * rows->ncols + c;
			json_t *j;

			if (!v)
				j = json_null();
			else if (rows->types[i] == KB_CELL_INT)
				j = json_integer(strtoll(v, NULL, 10));
			else if (rows->types[i] == KB_CELL_REAL)
				j = json_real(strtod(v, NULL));
			else
				j = json_stringn_nocheck(v, strlen(v));
			json_object_set_new(o, rows->cols[c], j);
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static void print_json(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(j);
}

char *format_rows_json(const kb_rows *rows)
{
	json_t *j = rows_json(rows);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	return s;
}

char *format_json_string(const char *s)
{
	json_t *j = s ? json_stringn_nocheck(s, strlen(s)) : json_null();
	char *text = json_dumps(j, JSON_ENCODE_ANY);

	json_decref(j);
	/* jansson refuses to dump text that is not UTF-8: say nothing. */
	return text ? text : xstrdup("\"\"");
}

void format_rows(FILE *out, const kb_rows *rows, enum format fmt, int width)
{
	switch (fmt) {
	case FORMAT_TABLE:
		print_table(out, rows, width);
		break;
	case FORMAT_JSON:
		print_json(out, rows_json(rows));
		break;
	case FORMAT_CSV:
		print_csv(out, rows);
		break;
	case FORMAT_MD:
		print_md(out, rows);
		break;
	}
}

static json_t *doc_json(const kb_doc *doc)
{
	json_t *o = json_object(), *secs = json_object();

	for (size_t i = 0; i < doc->nfields; i++)
		json_object_set_new(o, doc->fields[i].key,
				    json_string_nocheck(doc->fields[i].value));
	json_object_set_new(o, "description",
			    doc->description
				    ? json_string_nocheck(doc->description)
				    : json_null());
	for (size_t i = 0; i < doc->nsections; i++)
		json_object_set_new(secs, doc->sections[i].key,
				    rows_json(doc->sections[i].rows));
	json_object_set_new(o, "sections", secs);
	return o;
}

char *format_doc_json(const kb_doc *doc)
{
	json_t *j = doc_json(doc);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(j);
	return s;
}

/* Print text wrapped at width (0: as is), paragraphs kept. */
static void put_wrapped(FILE *out, const char *s, int width)
{
	size_t col = 0;

	if (width <= 0) {
		fprintf(out, "%s\n", s);
		return;
	}
	while (*s) {
		size_t word = strcspn(s, " \n");
		size_t w = 0;

		for (size_t i = 0; i < word; i++)
			w += ((unsigned char)s[i] & 0xC0) != 0x80;
		if (col && col + 1 + w > (size_t)width) {
			fputc('\n', out);
			col = 0;
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, word, out);
		col += w;
		s += word;
		if (*s == '\n') {
			fputc('\n', out);
			col = 0;
		}
		if (*s)
			s++;
	}
	if (col)
		fputc('\n', out);
}

void format_doc(FILE *out, const kb_doc *doc, enum format fmt, int width)
{
	switch (fmt) {
	case FORMAT_JSON:
		print_json(out, doc_json(doc));
		return;
	case FORMAT_MD:
		fprintf(out, "# %s %s\n\n", doc->attack_id, doc->name);
		for (size_t i = 0; i < doc->nfields; i++)
			fprintf(out, "- **%s**: %s\n", doc->fields[i].key,
				doc->fields[i].value);
		if (doc->description)
			fprintf(out, "\n%s\n", doc->description);
		for (size_t i = 0; i < doc->nsections; i++) {
			if (!doc->sections[i].rows->nrows)
				continue;
			fprintf(out, "\n## %s\n\n", doc->sections[i].title);
			print_md(out, doc->sections[i].rows);
		}
		return;
	case FORMAT_CSV:
		fputs("field,value\r\n", out);
		for (size_t i = 0; i < doc->nfields; i++) {
			put_csv(out, doc->fields[i].key);
			fputc(',', out);
			put_csv(out, doc->fields[i].value);
			fputs("\r\n", out);
		}
		for (size_t i = 0; i < doc->nsections; i++) {
			fprintf(out, "\r\n# %s\r\n", doc->sections[i].title);
			print_csv(out, doc->sections[i].rows);
		}
		return;
	case FORMAT_TABLE:
		break;
	}
	fprintf(out, "%s  %s\n", doc->attack_id, doc->name);
	for (size_t i = 2; i < doc->nfields; i++)
		fprintf(out, "  %-10s %s\n", doc->fields[i].key,
			doc->fields[i].value);
	if (doc->description) {
		fputc('\n', out);
		put_wrapped(out, doc->description, width > 0 ? width : 100);
	}
	for (size_t i = 0; i < doc->nsections; i++) {
		const kb_rows *rows = doc->sections[i].rows;

		if (!rows->nrows)
			continue;
		fprintf(out, "\n%s (%zu)\n", doc->sections[i].title,
			rows->nrows);
		print_table(out, rows, width);
	}
}
