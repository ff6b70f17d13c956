/* parser/detection_impl.h: helpers the detection parsers share (not public). */
#ifndef PARSER_DETECTION_IMPL_H
#define PARSER_DETECTION_IMPL_H

#include "parser/detection.h"
#include "parser/yamldoc.h"

/* Read the YAML file at path (at most KB_MAX_YAML_FILE bytes) and parse it
 * with yamldoc_parse(); the caller frees *out. Returns 0, KB_ENOTFOUND,
 * KB_EIO, or as yamldoc_parse() (KB_ELIMIT messages start "FILE:1:"). */
int detection_load_yaml(yamldoc **out, const char *path);

/* Append a copy of s to the list unless it is there already.
 * Returns true when it was added. */
bool detection_list_add(char ***list, size_t *n, const char *s);

/* Append a warning "file:line: <fmt...>" (line 0: "file: <fmt...>"). */
void detection_warn(detection_set *set, const char *file, unsigned line,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append the error in kb_error_last() as a warning, taking its line from
 * the "FILE:LINE:" prefix when there is one. */
void detection_warn_error(detection_set *set, const char *file);

/* Move *rule into set; *rule is left zeroed. */
void detection_set_push(detection_set *set, detection_rule *rule);

/* Drop rules and warnings added after the counts were nrules and
 * nwarnings (a parser that fails adds nothing). */
void detection_set_truncate(detection_set *set, size_t nrules,
			    size_t nwarnings);

/* Free the strings and lists of a rule and zero it. Accepts NULL. */
void detection_rule_clear(detection_rule *rule);

/* A copy of at most max bytes of s for a message, with newlines, tabs and
 * other control bytes written as \n, \t, \xHH, and "..." when cut.
 * The caller frees it. */
char *detection_quote(const char *s, size_t len, size_t max);

#endif
