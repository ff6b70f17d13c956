/* parser/yamldoc.h: a small read-only YAML tree built from libyaml events,
 * with line numbers and the limits of kb/limits.h enforced while reading. */
#ifndef PARSER_YAMLDOC_H
#define PARSER_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	YAMLDOC_SCALAR,
	YAMLDOC_SEQUENCE,
	YAMLDOC_MAPPING,
} yamldoc_kind;

/* One node. An alias is not copied: it points at the anchored node, so a
 * node may be reachable from several parents (never from itself). */
typedef struct yamldoc_node {
	yamldoc_kind kind;
	unsigned line;     /* 1-based line where the node starts */
	unsigned col;      /* 1-based column */
	char *text;        /* scalar value, NUL-terminated; NULL otherwise */
	size_t len;        /* bytes in text (it may hold NULs) */
	bool plain;        /* scalar written without quotes */
	/* sequence: the items; mapping: key0, value0, key1, value1... */
	struct yamldoc_node **items;
	size_t nitems;     /* entries in items (2 per mapping pair) */
	size_t alloc;      /* internal: room in items */
	size_t weight;     /* internal: subtree size with aliases expanded */
} yamldoc_node;

/* A parsed stream: one root per `---` document. */
typedef struct yamldoc {
	yamldoc_node **docs;  /* ndocs document roots, in file order */
	size_t ndocs;
	yamldoc_node **nodes; /* internal: every node, for yamldoc_free() */
	size_t nnodes, nodes_alloc;
} yamldoc;

/* Parse len bytes of buf (a YAML stream that may hold several documents)
 * into *out; the caller frees it with yamldoc_free(). source names the
 * input in messages ("FILE:LINE:COL: problem"). An empty stream gives zero
 * documents. Returns 0; KB_EPARSE for a syntax error or an undefined alias;
 * KB_ELIMIT past KB_MAX_YAML_FILE bytes, KB_MAX_YAML_DEPTH nesting levels,
 * KB_MAX_YAML_EVENTS events, or KB_MAX_YAML_EVENTS nodes once aliases are
 * expanded (alias bombs). *out is NULL on error. */
int yamldoc_parse(yamldoc **out, const char *source, const char *buf,
		  size_t len);

/* Free a stream and all its nodes. Accepts NULL. */
void yamldoc_free(yamldoc *doc);

/* The value of the first key equal to key in a mapping; NULL when map is
 * NULL, not a mapping, or has no such key. Borrowed from the stream. */
const yamldoc_node *yamldoc_get(const yamldoc_node *map, const char *key);

/* True for a missing node or a plain scalar that YAML reads as null:
 * empty, "~", "null", "Null" or "NULL". */
bool yamldoc_is_null(const yamldoc_node *node);

/* The text of a scalar that is not null, else NULL. Borrowed. */
const char *yamldoc_str(const yamldoc_node *node);

#endif
