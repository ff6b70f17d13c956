/* parser/sigma.h: Sigma rules (YAML) -> detection_rule records. */
#ifndef PARSER_SIGMA_H
#define PARSER_SIGMA_H

#include "parser/detection.h"
#include "parser/yamldoc.h"

#include <stdbool.h>
#include <stddef.h>

/* Parse the Sigma rule(s) in the YAML file at path into set (one rule per
 * `---` document). Reads at most KB_MAX_YAML_FILE bytes. Returns as
 * sigma_parse_buffer(), plus KB_ENOTFOUND or KB_EIO for reading. */
int sigma_parse_file(detection_set *set, const char *path);

/* Parse len bytes of buf, named source in messages. Each document that has
 * title, logsource and detection (after `action: global` defaults) is a
 * rule; its id, title, status, level, logsource and tags are kept:
 * attack.tNNNN[.NNN] -> techniques, attack.gNNNN -> groups,
 * attack.sNNNN -> software, attack.<tactic> in either spelling -> tactics,
 * any other tag -> other_tags verbatim (an unknown attack.* tag also gets a
 * warning). Namespaces and IDs are matched in any case; status and level
 * are kept as written. A rule's line is 1 when the file holds one
 * document, else the line of its document's first key.
 * Document-level problems add a warning, and a document whose tags are not
 * a list of strings is skipped; a rule without tags is kept, unmapped, with
 * a warning. `action: global` documents give defaults to the documents
 * after them (top-level keys, and logsource key by key); `action: reset`
 * clears them; `action: repeat` documents are skipped with a warning.
 * Returns 0 (possibly with warnings); on failure adds nothing and sets a
 * "FILE:LINE[:COL]:" message: KB_EPARSE (not YAML, empty, no document
 * that is a Sigma rule, a single document that is not a mapping),
 * KB_ELIMIT (see yamldoc_parse()). */
int sigma_parse_buffer(detection_set *set, const char *source,
		       const char *buf, size_t len);

/* As sigma_parse_buffer(), for a stream already parsed with
 * yamldoc_parse() (which the caller still owns). */
int sigma_parse_doc(detection_set *set, const char *source,
		    const yamldoc *doc);

/* True if some document of the stream is a mapping with title, logsource
 * and detection keys (after `action: global` defaults). */
bool sigma_doc_is_rule(const yamldoc *doc);

/* True if buf parses as YAML and sigma_doc_is_rule() holds. Leaves
 * kb_error_last() as it was. */
bool sigma_looks_like_rule(const char *buf, size_t len);

#endif
