/* parser/detcsv.h: detection lists in CSV or TSV -> detection_rule records. */
#ifndef PARSER_DETCSV_H
#define PARSER_DETCSV_H

#include "parser/detection.h"

#include <stddef.h>

/* Parse the CSV/TSV file at path into set. Reads at most KB_MAX_CSV_FILE
 * bytes. Returns as detcsv_parse_buffer(), plus KB_ENOTFOUND or KB_EIO. */
int detcsv_parse_file(detection_set *set, const char *path);

/* Parse len bytes of buf, named source in messages. The first non-empty
 * line is a header naming the columns, in any order and case: detection
 * and technique (required), platform and status (optional); other columns
 * are ignored with a warning. A tab in the header line makes the file TSV
 * (fields taken literally), otherwise it is CSV with RFC 4180 quoting
 * ("a ""b""", separators and newlines inside quotes). CRLF or LF line
 * ends, a UTF-8 BOM and blank lines are accepted; fields are trimmed of
 * spaces (spaces around quotes are allowed). Each row is one detection
 * with one technique (upper-cased); rows with the same detection name are
 * merged into one rule (line = its first row, status = the first one
 * given, a conflicting one warned about). A bad row (wrong column count,
 * empty detection, technique that is not an ATT&CK technique ID,
 * unterminated quote, text after a closing quote) is skipped with a
 * warning "FILE:LINE: what; row skipped: ROW" and the rest is read; after
 * a quoting error reading resumes at the line after the row's first.
 * Returns 0 (possibly with warnings); on failure adds nothing and sets a
 * "FILE:LINE:" message: KB_EPARSE (empty file, bad header), KB_ELIMIT
 * (more than KB_MAX_CSV_FILE bytes). */
int detcsv_parse_buffer(detection_set *set, const char *source,
			const char *buf, size_t len);

#endif
