/* parser/frontmatter.h: the YAML block at the top of an Obsidian note
 * ("---" line, YAML, "---" line), found and parsed with libyaml into a
 * small tree of maps, lists and scalars. */
#ifndef PARSER_FRONTMATTER_H
#define PARSER_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

/* Where the frontmatter and the Markdown body lie in a note's text. */
typedef struct frontmatter_span {
	bool present;       /* the text opens with a frontmatter block */
	size_t yaml_off;    /* offset of the YAML between the fences */
	size_t yaml_len;    /* its length (0 for "---\n---\n") */
	unsigned yaml_line; /* file line of the YAML's first line */
	size_t body_off;    /* offset where the Markdown body starts */
	unsigned body_line; /* file line of the body's first line */
} frontmatter_span;

/* Find the frontmatter: the text (after an optional UTF-8 byte-order mark)
 * must start with a line "---" and the block ends at the next line that is
 * "---"; spaces and tabs may follow either fence, lines may end in CRLF.
 * A text that does not start with "---" has no frontmatter: the body is all
 * of it. Returns 0, or KB_EPARSE ("path:1:1: frontmatter is not closed...")
 * when the opening fence has no closing one. */
int frontmatter_split(frontmatter_span *out, const char *path, const char *text,
                      size_t len);

enum frontmatter_type {
	FRONTMATTER_NULL,   /* "", "~", "null" (plain), or nothing */
	FRONTMATTER_SCALAR, /* any other scalar, kept as its text */
	FRONTMATTER_LIST,   /* a YAML sequence */
	FRONTMATTER_MAP,    /* a YAML mapping with scalar keys */
};

typedef struct frontmatter_value frontmatter_value;
struct frontmatter_value {
	enum frontmatter_type type; /* what this node is */
	char *text;                 /* SCALAR: the value; NULL otherwise */
	bool quoted;                /* SCALAR: quoted or a block scalar */
	size_t n;                   /* LIST, MAP: number of entries */
	char **keys;                /* MAP: n keys, in document order */
	frontmatter_value **items;  /* LIST, MAP: n values */
	unsigned line;              /* file line where the node starts */
	unsigned col;               /* and its column (1-based) */
};

/* Parse the YAML text yaml[0..len) of a frontmatter block whose first line
 * is line first_line of the file path (for messages). The result is always
 * a FRONTMATTER_MAP (empty when the YAML holds only comments or nothing);
 * the caller frees it with frontmatter_free(). Aliases (*a) are expanded
 * into copies; "<<" merge keys are ordinary keys.
 * Returns 0; KB_EPARSE ("path:LINE:COL: ...") for YAML errors, a document
 * that is not a mapping, a key that is not a scalar, a duplicate key, an
 * unknown alias or a second document; KB_ELIMIT when the text is longer
 * than KB_MAX_YAML_FILE, nests deeper than KB_MAX_YAML_DEPTH, or makes
 * more than KB_MAX_YAML_EVENTS nodes (aliases count as the nodes they
 * copy). */
int frontmatter_parse(frontmatter_value **out, const char *path,
                      const char *yaml, size_t len, unsigned first_line);

/* The value of key in map; NULL when map is not a map or has no such key.
 * With nocase, keys are compared ignoring ASCII case and the first match
 * wins. Borrowed from map. */
const frontmatter_value *frontmatter_get(const frontmatter_value *map,
                                         const char *key, bool nocase);

/* The tree as JSON text: maps as objects (keys in order), lists as arrays,
 * scalars as strings, nulls as null; "{}" for NULL. The caller frees. */
char *frontmatter_to_json(const frontmatter_value *value);

/* Free a tree returned by frontmatter_parse(). Accepts NULL. */
void frontmatter_free(frontmatter_value *value);

#endif
