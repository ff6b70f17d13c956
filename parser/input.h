/* parser/input.h: reading an input file whole, gunzipping .gz (zlib). */
#ifndef PARSER_INPUT_H
#define PARSER_INPUT_H

#include <stddef.h>

/* Read path into *out (NUL-terminated; caller frees), inflating gzip
 * content whatever the file name. Refuses more than max bytes after
 * inflating. Returns 0, KB_ENOTFOUND, KB_EIO, KB_EPARSE (corrupt gzip) or
 * KB_ELIMIT. */
int input_read(char **out, size_t *len, const char *path, size_t max);

#endif
