/* kb/worddiff.h: a word diff of two texts (descriptions between releases).
 * Words are runs of non-space bytes; whitespace differences alone are no
 * change. */
#ifndef KB_WORDDIFF_H
#define KB_WORDDIFF_H

#include <stddef.h>

/* One run of words: op '=' (in both), '-' (only in a) or '+' (only in b).
 * text points into a ('-') or b ('=', '+') and covers the words with the
 * whitespace after each, so the '=' and '-' runs in order spell a, and
 * the '=' and '+' runs spell b (apart from leading whitespace). */
typedef struct worddiff_seg {
	char op;
	const char *text;
	size_t len;
} worddiff_seg;

/* The runs turning a into b, in order; *out is NULL and *n 0 when the
 * words are equal. Caller frees *out (not the texts it points into).
 * Differences in the middle of more than WORDDIFF_MAX_CELLS word pairs
 * are reported as one removal and one addition. */
void worddiff(worddiff_seg **out, size_t *n, const char *a, const char *b);

#define WORDDIFF_MAX_CELLS (4u << 20)

#endif
