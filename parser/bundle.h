/* parser/bundle.h: the bundle object splitter. One cheap pass over a STIX
 * bundle finds the byte range of every element of "objects", checking the
 * JSON structure around them, so that each object can be parsed on its own
 * (on several threads) and its original text stored without re-serialising. */
#ifndef PARSER_BUNDLE_H
#define PARSER_BUNDLE_H

#include <stddef.h>

typedef struct bundle_span {
	size_t off;    /* byte offset of the object's '{' */
	size_t len;    /* bytes up to and including its '}' */
	unsigned line; /* 1-based line of the '{' */
	unsigned col;  /* 1-based byte column of the '{' */
} bundle_span;

typedef struct bundle {
	bundle_span *objs;  /* elements of "objects", in order */
	size_t nobjs;
	char *type;         /* top-level "type" ("bundle"), or NULL */
	char *id;           /* top-level "id", or NULL */
	char *spec_version; /* top-level "spec_version" (STIX 2.0), or NULL */
} bundle;

/* Split buf (len bytes, NUL-terminated) into *out. path names the input in
 * messages: "path:LINE:COL: expected ...". Returns 0, KB_EPARSE or
 * KB_ELIMIT (nesting deeper than KB_MAX_JSON_DEPTH, a string longer than
 * KB_MAX_STRING). Free with bundle_free() whatever the result. */
int bundle_split(bundle *out, const char *path, const char *buf, size_t len);

void bundle_free(bundle *b);

/* Line and column (1-based) of byte offset off in buf. */
void bundle_position(const char *buf, size_t off, unsigned *line,
		     unsigned *col);

#endif
