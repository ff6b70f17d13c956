/* kb/worddiff.c: longest common subsequence over words, after trimming the
 * common head and tail (descriptions change in a few places). */
#include "kb/worddiff.h"
#include "kb/xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct word {
	const char *p; /* first byte */
	size_t len;    /* bytes of the word */
	size_t span;   /* bytes of the word and the whitespace after it */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static struct word *split(const char *s, size_t *n)
{
	struct word *w = NULL;
	size_t cap = 0;

	*n = 0;
	while (*s && is_space(*s))
		s++;
	while (*s) {
		const char *start = s;

		while (*s && !is_space(*s))
			s++;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			w = xreallocarray(w, cap, sizeof(*w));
		}
		w[*n].p = start;
		w[*n].len = (size_t)(s - start);
		while (*s && is_space(*s))
			s++;
		w[*n].span = (size_t)(s - start);
		(*n)++;
	}
	return w;
}

static bool same(const struct word *x, const struct word *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

struct out {
	worddiff_seg *v;
	size_t n, cap;
};

/* Append word w as op, merging with the previous run when it continues it
 * (the words of one text are contiguous). */
static void emit(struct out *o, char op, const struct word *w)
{
	worddiff_seg *last = o->n ? &o->v[o->n - 1] : NULL;

	if (last && last->op == op && last->text + last->len == w->p) {
		last->len += w->span;
		return;
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	o->v[o->n++] = (worddiff_seg){op, w->p, w->span};
}

void worddiff(worddiff_seg **out, size_t *n, const char *a, const char *b)
{
	size_t na, nb, head = 0, tail = 0, ma, mb;
	struct word *wa = split(a ? a : "", &na);
	struct word *wb = split(b ? b : "", &nb);
	struct out o = {0};

	while (head < na && head < nb && same(&wa[head], &wb[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       same(&wa[na - 1 - tail], &wb[nb - 1 - tail]))
		tail++;
	ma = na - head - tail;
	mb = nb - head - tail;
	*out = NULL;
	*n = 0;
	if (!ma && !mb) {
		free(wa);
		free(wb);
		return;
	}
	for (size_t i = 0; i < head; i++)
		emit(&o, '=', &wb[i]);
	if (ma && mb && (ma + 1) * (mb + 1) <= WORDDIFF_MAX_CELLS) {
		/* L[i][j]: LCS length of wa[head+i..] and wb[head+j..]. */
		size_t cols = mb + 1;
		uint32_t *L = xcalloc((ma + 1) * cols, sizeof(uint32_t));
		size_t i = 0, j = 0;

		for (size_t x = ma; x-- > 0;)
			for (size_t y = mb; y-- > 0;) {
				uint32_t *c = &L[x * cols + y];

				if (same(&wa[head + x], &wb[head + y]))
					*c = L[(x + 1) * cols + y + 1] + 1;
				else
					*c = L[(x + 1) * cols + y] >
							     L[x * cols + y + 1]
						     ? L[(x + 1) * cols + y]
						     : L[x * cols + y + 1];
			}
		while (i < ma && j < mb) {
			if (same(&wa[head + i], &wb[head + j])) {
				emit(&o, '=', &wb[head + j]);
				i++;
				j++;
			} else if (L[(i + 1) * cols + j] >=
				   L[i * cols + j + 1]) {
				emit(&o, '-', &wa[head + i++]);
			} else {
				emit(&o, '+', &wb[head + j++]);
			}
		}
		while (i < ma)
			emit(&o, '-', &wa[head + i++]);
		while (j < mb)
			emit(&o, '+', &wb[head + j++]);
		free(L);
	} else {
		for (size_t i = 0; i < ma; i++)
			emit(&o, '-', &wa[head + i]);
		for (size_t j = 0; j < mb; j++)
			emit(&o, '+', &wb[head + j]);
	}
	for (size_t i = nb - tail; i < nb; i++)
		emit(&o, '=', &wb[i]);
	free(wa);
	free(wb);
	*out = o.v;
	*n = o.n;
}
