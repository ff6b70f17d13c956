/* web/utf8.h: strict UTF-8 validation (RFC 3629) for request data and
 * HTML output. */
#ifndef WEB_UTF8_H
#define WEB_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1-4) of the well-formed UTF-8 sequence at the start of s, which
 * holds n > 0 bytes; 0 when it is not well formed: a stray continuation
 * byte, a truncated sequence, an overlong form (C0 AF), a surrogate
 * (ED A0 80 .. ED BF BF) or a code point above U+10FFFF. */
size_t utf8_seq_len(const char *s, size_t n);

/* True when all n bytes of s are well-formed UTF-8 (NUL bytes included). */
bool utf8_valid(const char *s, size_t n);

#endif
