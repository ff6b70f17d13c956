/* kb/limits.h: every limit attackkb enforces on outside input, in one place.
 * docs/security.md explains each; tests exercise each at and just past it. */
#ifndef KB_LIMITS_H
#define KB_LIMITS_H

#define KB_MAX_INPUT_FILE (512u << 20)   /* bytes of one STIX bundle (after gunzip) */
#define KB_MAX_JSON_DEPTH 64             /* nesting of JSON arrays/objects in a bundle */
#define KB_MAX_STRING (16u << 20)        /* bytes of one JSON string value */
#define KB_MAX_OBJECT (64u << 20)        /* bytes of one STIX object's JSON text */
#define KB_MAX_LIST_ITEMS 100000         /* items in one list field (refs, aliases...) */
#define KB_MAX_NOTE_FILE (8u << 20)      /* bytes of one Markdown note */
#define KB_MAX_MANIFEST_FILE (64u << 20) /* bytes of a vault's .attackkb/manifest or journal */
#define KB_MAX_NOTE_PIPES 1000          /* '|' on one line of a note (cmark-gfm's table parser is quadratic in columns) */
#define KB_MAX_VAULT_NOTES 100000        /* notes in one Obsidian vault */
#define KB_MAX_VAULT_DEPTH 32            /* folders nested in a vault (below its root) */
#define KB_MAX_YAML_FILE (4u << 20)      /* bytes of one Sigma/CAR/frontmatter YAML */
#define KB_MAX_YAML_DEPTH 64             /* nesting in YAML documents */
#define KB_MAX_YAML_EVENTS 1000000       /* events in one YAML document (alias bombs) */
#define KB_MAX_CSV_FILE (16u << 20)      /* bytes of one detection CSV/TSV */
#define KB_MAX_DIR_DEPTH 32              /* folders deep detection_scan_dir goes */
#define KB_MAX_QUERY_TEXT 1024           /* bytes of a search query */
#define KB_MAX_RESULTS 1000              /* rows one search returns */
#define KB_MAX_QUERY_STRING 8192         /* bytes of a CGI QUERY_STRING (414 past it) */
#define KB_MAX_PATH_INFO 1024            /* bytes of a CGI PATH_INFO (414 past it) */
#define KB_MAX_PARAMS 32                 /* name=value pairs in one query string (400) */
#define KB_MAX_LOG_SOURCE_FILE (1u << 20) /* bytes of a feasible --log-sources list */
#define KB_MAX_LOG_SOURCE_LINES 10000    /* lines of such a list */
#define KB_MAX_PLATFORM 64               /* bytes of the web search's platform= (400) */
#define KB_MAX_WEB_PREFIXES 4            /* prefix* words in one web search (400) */
#define KB_MIN_WEB_PREFIX 2              /* bytes before a web search's * (400) */

#endif
