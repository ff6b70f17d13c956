/* parser/car.h: MITRE CAR analytics (YAML) -> detection_rule records. */
#ifndef PARSER_CAR_H
#define PARSER_CAR_H

#include "parser/detection.h"
#include "parser/yamldoc.h"

#include <stdbool.h>
#include <stddef.h>

/* Parse the CAR analytic in the YAML file at path into set (one rule).
 * Reads at most KB_MAX_YAML_FILE bytes. Returns as car_parse_buffer(), plus
 * KB_ENOTFOUND or KB_EIO for reading. */
int car_parse_file(detection_set *set, const char *path);

/* Parse len bytes of buf, named source in messages, as one CAR analytic:
 * id, title, platforms and coverage. techniques = each coverage entry's
 * technique followed by its subtechniques; tactic_ids = the TA IDs as given
 * (upper-cased); tactics = their shortnames (detection_tactic_from_id());
 * level = the highest coverage value (Low < Moderate < High; an unknown
 * value is kept only if no known one is given); title falls back to the
 * id when missing; line is 1.
 * A bad entry, technique, subtechnique or tactic ID is skipped with a
 * warning. Returns 0 (possibly with warnings); on failure adds nothing and
 * sets a "FILE:LINE[:COL]:" message: KB_EPARSE (not YAML, empty, not a
 * mapping, no id starting "CAR-", coverage present but not a list),
 * KB_ELIMIT (see yamldoc_parse()). */
int car_parse_buffer(detection_set *set, const char *source, const char *buf,
		     size_t len);

/* As car_parse_buffer(), for a stream already parsed with yamldoc_parse()
 * (which the caller still owns). Only the first document is read; more
 * documents add a warning. */
int car_parse_doc(detection_set *set, const char *source, const yamldoc *doc);

/* True if the first document is a mapping with a coverage key and an id
 * starting "CAR-". */
bool car_doc_is_analytic(const yamldoc *doc);

/* True if buf parses as YAML and car_doc_is_analytic() holds. Leaves
 * kb_error_last() as it was. */
bool car_looks_like_analytic(const char *buf, size_t len);

#endif
