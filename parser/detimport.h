/* parser/detimport.h: detection rules read by the detection parsers
 * (Sigma, CAR, CSV/TSV) stored as one detection set (kb/detection.h). */
#ifndef PARSER_DETIMPORT_H
#define PARSER_DETIMPORT_H

#include "parser/detection.h"

#include <stddef.h>

typedef struct kb_store kb_store;

/* What one import did. */
typedef struct detimport_result {
	size_t files;    /* files read, parsed or not */
	size_t rules;    /* rules stored */
	size_t skipped;  /* files and rules skipped (each warned) */
	size_t unmapped; /* of the skipped, rules with no ATT&CK tag at all */
} detimport_result;

/* Read each path (a folder: detection_scan_dir(); a file:
 * detection_parse_file()) into set. A file that fails to parse becomes a
 * warning "FILE:LINE: ..." in set and is skipped; the rest is read.
 * Returns 0, or KB_ENOTFOUND / KB_EIO when a path cannot be read at all
 * (a missing folder or file: probably a typo, so the caller stops). */
int detimport_read(detection_set *set, const char *const *paths,
		   size_t npaths);

/* Store the rules of set as the detection set name (replacing its
 * previous import), in one savepoint. source names what was read. Rules
 * that name no ATT&CK technique, tactic, group or software are skipped:
 * counted in res->skipped and, when they have other tags (which the
 * parser does not warn about), given a warning appended to set. A rule id
 * met twice gets a warning (both rules are kept). Returns 0, KB_EUSAGE
 * (bad set name), KB_ENOTFOUND (no rule to store: the set is left as it
 * was, since an empty import is most likely a wrong path) or KB_EDB. */
int detimport_store(kb_store *store, const char *name, const char *source,
		    detection_set *set, detimport_result *res);

#endif
