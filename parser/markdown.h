/* parser/markdown.h: the body of an Obsidian note, parsed with cmark-gfm
 * (tables, autolinks, task lists, strikethrough) into plain records:
 * headings, paragraphs, list items, tables, links, #tags and prose.
 * Obsidian syntax cmark does not know ([[wikilinks]], ![[embeds]], #tags)
 * is found in the text cmark leaves, never inside code. */
#ifndef PARSER_MARKDOWN_H
#define PARSER_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

enum markdown_link_kind {
	MARKDOWN_LINK_WIKI,  /* [[target#fragment|text]] */
	MARKDOWN_LINK_EMBED, /* ![[target#fragment|text]] */
	MARKDOWN_LINK_URL,   /* [text](url), <url>, or a bare www./http URL */
	MARKDOWN_LINK_IMAGE, /* ![text](url) */
};

typedef struct markdown_link {
	enum markdown_link_kind kind; /* see above */
	char *target;   /* WIKI, EMBED: note name or path as written, trimmed
	                 * ("" for [[#heading]]); URL, IMAGE: the URL */
	char *fragment; /* WIKI, EMBED: after the first '#' ("^id" for a
	                 * block), trimmed; NULL when there is no '#' */
	char *text;     /* WIKI, EMBED: after the first '|', trimmed, NULL if
	                 * absent or empty; URL, IMAGE: the link text */
	unsigned line;  /* file line */
	const char *section; /* text of the heading above ("" before the first
	                      * heading); borrowed from the document */
	long table; /* index in markdown_doc.tables, -1 outside tables */
	size_t row; /* with table: row (0 is the header row) */
	size_t col; /* with table: column */
} markdown_link;

typedef struct markdown_heading {
	int level;     /* 1..6 */
	unsigned line; /* file line */
	char *text;    /* plain text */
} markdown_heading;

/* A paragraph directly under the document (not in a list, quote or table). */
typedef struct markdown_para {
	unsigned line;       /* file line of its first line */
	const char *section; /* heading text above it, "" if none; borrowed */
	char *text;          /* plain text, source lines joined by '\n' */
} markdown_para;

typedef struct markdown_item {
	unsigned line;       /* file line */
	const char *section; /* heading text above it; borrowed */
	unsigned depth;      /* 1 for a top-level list, 2 inside it, ... */
	bool task;           /* "- [ ]" or "- [x]" */
	bool checked;        /* with task: "[x]" */
	char *text;          /* plain text of its own paragraphs (not of
	                      * nested lists), joined by '\n' */
} markdown_item;

typedef struct markdown_table {
	unsigned line;       /* file line of the header row */
	const char *section; /* heading text above it; borrowed */
	size_t ncols;        /* columns, as the delimiter row says */
	size_t nrows;        /* rows, the header row included */
	char **cells;        /* nrows * ncols plain texts, row-major; short
	                      * rows are padded with "" */
} markdown_table;

/* Running text outside code, links' targets and [[wikilinks]], one record
 * per source line of a heading, paragraph or table cell: where notes name
 * ATT&CK IDs, citations and the like in prose. */
typedef struct markdown_prose {
	unsigned line;       /* file line */
	const char *section; /* heading text above it; borrowed */
	char *text;          /* the text; a wikilink leaves one space */
} markdown_prose;

typedef struct markdown_tag {
	char *name;    /* without '#', as written ("topic/sub") */
	unsigned line; /* file line */
} markdown_tag;

typedef struct markdown_doc {
	markdown_heading *headings; /* in document order */
	size_t nheadings;
	markdown_para *paras;
	size_t nparas;
	markdown_item *items;
	size_t nitems;
	markdown_table *tables;
	size_t ntables;
	markdown_link *links; /* wikilinks, embeds and URL links, in order */
	size_t nlinks;
	markdown_prose *prose;
	size_t nprose;
	markdown_tag *tags; /* every #tag occurrence, in order */
	size_t ntags;
	char *text; /* the whole body as plain text: each heading, paragraph,
	             * table row (cells joined by " | ") and code block
	             * followed by '\n' */
} markdown_doc;

/* Parse text[0..len), the Markdown body of the note path (for messages),
 * whose first line is line first_line of the file. Plain text is what a
 * reader sees: markup dropped, a wikilink shown as its text (else its
 * target, "target > fragment" with a fragment), HTML tags dropped, <br> as
 * '\n', entities decoded. Text inside `code`, <code>...</code> and code
 * blocks is kept in the plain text but holds no links, tags or prose.
 * The caller frees *out with markdown_doc_free().
 * Returns 0, or KB_ELIMIT when len exceeds KB_MAX_NOTE_FILE or a line holds
 * more than KB_MAX_NOTE_PIPES '|' ("path:LINE: ..."). */
int markdown_parse(markdown_doc **out, const char *path, const char *text,
                   size_t len, unsigned first_line);

void markdown_doc_free(markdown_doc *doc);

#endif
