/* kb/search.h: ranked full-text search over the selected releases:
 * exact IDs first, bare numbers, names before aliases before descriptions
 * and procedure text, sub-techniques under their parent. */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stddef.h>

typedef struct kb_store kb_store;

/* Snippets mark matched words with these two bytes; renderers replace
 * them (bold on a terminal, <mark> on the web page). */
#define KB_MARK_OPEN '\x02'
#define KB_MARK_CLOSE '\x03'

typedef struct kb_hit {
	char *attack_id; /* T1136 */
	char *name;
	char *type;      /* technique, subtechnique, group, ... */
	char *domain;    /* enterprise-attack */
	char *match;     /* id, name, alias, description, procedure, parent */
	char *snippet;   /* text around the match, with KB_MARK_* bytes */
	char *parent;    /* sub-techniques listed under a parent: its ID */
	long long fts_row; /* internal: the indexed row that matched, or 0 */
	int fts_col;       /* internal: its column (0 name, 1 aliases, 2 text) */
} kb_hit;

typedef struct kb_hits {
	kb_hit *hits;   /* the requested page */
	size_t n;
	size_t total;   /* hits over all pages (at most KB_MAX_RESULTS) */
	char *fts;      /* the FTS5 query the text became (for tests, debug) */
} kb_hits;

typedef struct kb_search_opts {
	const char *domain;   /* enterprise-attack, ... or NULL */
	const char *type;     /* technique, group, ... or NULL */
	const char *platform; /* Windows, ... or NULL */
	size_t offset, limit; /* the page; limit 0 = 20 */
} kb_search_opts;

#define KB_SEARCH_OPTS_INIT {NULL, NULL, NULL, 0, 20}

/* Search. The text is an analyst's, never FTS syntax: "quoted words" are
 * a phrase, a trailing * a prefix, everything else plain words.
 * Returns 0 (possibly with no hits), KB_ELIMIT (text longer than
 * KB_MAX_QUERY_TEXT) or KB_EDB. Caller frees *out with kb_hits_free. */
int kb_search(kb_hits **out, kb_store *store, const char *text,
	      const kb_search_opts *opts);

/* The FTS5 query for text (caller frees), or NULL when the text has no
 * word to search for. Exposed for tests and fuzzing. */
char *kb_search_fts_query(const char *text);

void kb_hits_free(kb_hits *hits);

#endif
