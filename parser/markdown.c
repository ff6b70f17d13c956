/* parser/markdown.c: walk cmark-gfm's tree of a note body and collect the
 * records of markdown.h. Wikilinks and #tags are found in "runs": the text
 * of consecutive inline nodes between code, line breaks and HTML tags. */
#include "parser/markdown.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Per-byte flags of a run. */
enum {
	F_ESC = 1,  /* from a backslash escape or an entity: not syntax */
	F_MARK = 2, /* emphasis delimiter put back from the source */
	F_URL = 4,  /* text of an autolink (the URL itself): not prose */
};

/* A [text](url) link or image whose text is being read. */
struct pending {
	enum markdown_link_kind kind; /* URL or IMAGE */
	char *url;                    /* owned until the link is added */
	unsigned line;                /* file line */
	strbuf text;                  /* its text so far */
	size_t seq, start;            /* run and offset where it began */
	size_t end_seq, end;          /* run and offset where it ended */
};

/* Where a link sits in the document, to sort links into reading order. */
struct link_key {
	size_t seq;    /* run number */
	size_t offset; /* offset in that run */
};

struct walker {
	const char *src;   /* the body */
	size_t len;        /* its length */
	unsigned line0;    /* file line of the body's line 1, minus 1 */
	size_t cur_line;   /* body line (1-based) at cur_off */
	size_t cur_off;    /* start offset of body line cur_line */
	size_t cur_end;    /* its end (before "\r\n"), SIZE_MAX if unknown */
	markdown_doc *doc; /* being filled */
	struct link_key *keys; /* one per doc->links entry */
	const char *section;   /* text of the last heading, or "" */

	/* The block whose inlines are being read. */
	strbuf plain;        /* its plain text */
	unsigned line;       /* file line being read */
	long table;          /* table index, -1 outside tables */
	size_t row, col;     /* cell being read */
	size_t first_link;   /* doc->links index when the block started */
	size_t first_prose;  /* doc->prose index when the block started */
	size_t block_seq;    /* blocks started so far */
	size_t prose_block;  /* block_seq of the prose being gathered */
	strbuf prose_text;   /* that prose */
	unsigned prose_line; /* and its line */
	bool prose_open;     /* prose_text holds a line not yet stored */
	bool html_code;      /* inside <code>...</code> */

	/* The run. */
	strbuf run;        /* its text */
	strbuf flags;      /* one F_* byte per run byte */
	unsigned run_line; /* file line of its first byte */
	size_t run_seq;    /* runs started so far */
	char before;       /* plain-text byte before the run ('\n' at start) */

	struct pending *open; /* links being read, innermost last */
	size_t nopen;
	struct pending *done; /* links ended inside the current run */
	size_t ndone;

	unsigned list_depth; /* lists entered */
	size_t *items;       /* doc->items indices of the open items */
	strbuf *item_text;   /* their texts so far */
	size_t nitems;       /* open items */
	strbuf row_text;     /* the table row, for doc->text */
	strbuf doc_text;     /* becomes doc->text */
};

static const char empty[] = "";

/* ---- small helpers ---------------------------------------------------- */

/* Make room for entry n of an array of n entries of size bytes, doubling
 * its size at each power of two, so that n appends cost O(n). */
static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

/* Append a zeroed entry to arr (n entries) and point at it. */
#define PUSH(arr, n)                                                           \
	((arr) = grow((arr), (n), sizeof(*(arr))),                             \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* A copy of s[0..n) without leading and trailing white space. */
static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* Encode code point cp as UTF-8 into out (4 bytes); cmark turns invalid
 * numeric references into U+FFFD. Returns the length. */
static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* ---- source positions ------------------------------------------------- */

/* The body's line (1-based) as [*start, *end), end before "\r\n" or "\n".
 * Moves a cursor, so that reading lines in order costs one pass. Returns
 * false for a line the body does not have. */
static bool source_line(struct walker *w, size_t line, size_t *start,
                        size_t *end)
{
	const char *nl;

	if (line == 0)
		return false;
	while (w->cur_line > line) {
		/* Back up one line: find the '\n' ending the one before. */
		size_t i = w->cur_off - 1;

		while (i > 0 && w->src[i - 1] != '\n')
			i--;
		w->cur_off = i;
		w->cur_line--;
		w->cur_end = SIZE_MAX;
	}
	while (w->cur_line < line) {
		nl = memchr(w->src + w->cur_off, '\n', w->len - w->cur_off);
		if (!nl)
			return false;
		w->cur_off = (size_t)(nl - w->src) + 1;
		w->cur_line++;
		w->cur_end = SIZE_MAX;
	}
	if (w->cur_end == SIZE_MAX) {
		/* Once per line: long lines hold many text nodes. */
		nl = memchr(w->src + w->cur_off, '\n', w->len - w->cur_off);
		w->cur_end = nl ? (size_t)(nl - w->src) : w->len;
		if (w->cur_end > w->cur_off && w->src[w->cur_end - 1] == '\r')
			w->cur_end--;
	}
	*start = w->cur_off;
	*end = w->cur_end;
	return true;
}

/* Length of the character reference at s[0..n) ("&amp;", "&#91;",
 * "&#x5B;"), or 0; its decoding goes to out/outlen when it is numeric
 * (*outlen = 0 for a named one). */
static size_t char_ref(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i = 1;
	uint32_t cp = 0;

	*outlen = 0;
	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');

		for (i = hex ? 3 : 2; i < n && i < 12; i++) {
			int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
			        : hex && isxdigit((unsigned char)s[i])
			            ? tolower((unsigned char)s[i]) - 'a' + 10
			            : -1;

			if (d < 0)
				break;
			cp = cp * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == (hex ? 3u : 2u) || i >= n || s[i] != ';')
			return 0;
		*outlen = utf8_encode(cp, out);
		return i + 1;
	}
	while (i < n && i < 40 && isalnum((unsigned char)s[i]))
		i++;
	return i > 1 && i < n && s[i] == ';' ? i + 1 : 0;
}

/* Line up the literal lit[0..n) of a text node with the source at
 * src[i..end) and flag the literal bytes that came from escapes or
 * character references. Returns false when they do not line up. */
static bool align(const char *src, size_t i, size_t end, const char *lit,
                  size_t n, unsigned char *fl)
{
	size_t j = 0;

	while (j < n) {
		char dec[4];
		size_t reflen, declen;

		if (i >= end)
			return false;
		if (src[i] == '\\' && i + 1 < end &&
		    ispunct((unsigned char)src[i + 1]) &&
		    lit[j] == src[i + 1]) {
			fl[j++] = F_ESC;
			i += 2;
			continue;
		}
		reflen = char_ref(src + i, end - i, dec, &declen);
		if (reflen && declen && declen <= n - j &&
		    memcmp(lit + j, dec, declen) == 0) {
			memset(fl + j, F_ESC, declen);
			j += declen;
			i += reflen;
			continue;
		}
		/* "&amp;" is the one named reference that reads as '&'. */
		if (reflen && !declen &&
		    (lit[j] != '&' || strncasecmp(src + i, "&amp;", 5) == 0)) {
			size_t k = utf8_len((unsigned char)lit[j]);

			if (k > n - j)
				return false;
			memset(fl + j, F_ESC, k);
			j += k;
			i += reflen;
			continue;
		}
		if (src[i] != lit[j])
			return false;
		fl[j++] = 0;
		i++;
	}
	return true;
}

/* Flag escaped bytes of a text node's literal, which sits at fl[0..n) of
 * the run. cmark keeps no trace of "\[" once it is "[", so the literal is
 * lined up with the source line the node says it comes from. Lazy
 * continuation lines report a column shifted by the indent or quote marker
 * they lack, hence the tries on both sides. When nothing lines up, no byte
 * is flagged. */
static void flag_escapes(struct walker *w, cmark_node *node, const char *lit,
                         size_t n, unsigned char *fl)
{
	int line = cmark_node_get_start_line(node);
	int col = cmark_node_get_start_column(node);
	unsigned char *tmp;
	size_t start, end, at;

	if (!strpbrk(lit, "[]!#") || line <= 0 || col <= 0 ||
	    !source_line(w, (size_t)line, &start, &end))
		return;
	at = start + (size_t)col - 1;
	tmp = xmalloc(n);
	for (size_t k = 0; k < 33; k++) {
		/* at, at - 1, at + 1, at - 2, ... */
		size_t d = (k + 1) / 2, i;

		if (k % 2 && at < start + d)
			continue;
		i = k % 2 ? at - d : at + d;
		if (i >= end)
			continue;
		if (align(w->src, i, end, lit, n, tmp)) {
			memcpy(fl, tmp, n);
			break;
		}
	}
	free(tmp);
}

/* ---- adding records --------------------------------------------------- */

static void add_link(struct walker *w, enum markdown_link_kind kind,
                     char *target, char *fragment, char *text, unsigned line,
                     size_t seq, size_t offset)
{
	size_t n = w->doc->nlinks;
	markdown_link *l = PUSH(w->doc->links, w->doc->nlinks);

	l->kind = kind;
	l->target = target;
	l->fragment = fragment;
	l->text = text;
	l->line = line;
	l->section = w->section;
	l->table = w->table;
	l->row = w->table >= 0 ? w->row : 0;
	l->col = w->table >= 0 ? w->col : 0;
	w->keys = grow(w->keys, n, sizeof(*w->keys));
	w->keys[n].seq = seq;
	w->keys[n].offset = offset;
}

static void add_pending_link(struct walker *w, struct pending *p)
{
	add_link(w, p->kind, p->url, NULL, strbuf_detach(&p->text), p->line,
	         p->seq, p->start);
	p->url = NULL;
}

/* Store the prose line being gathered, if it holds anything. */
static void finish_prose(struct walker *w)
{
	markdown_prose *p;

	if (!w->prose_open)
		return;
	w->prose_open = false;
	p = PUSH(w->doc->prose, w->doc->nprose);
	p->line = w->prose_line;
	p->section = w->section;
	p->text = strbuf_detach(&w->prose_text);
}

static void add_prose(struct walker *w, const char *text, unsigned line)
{
	if (is_blank(text))
		return;
	/* Text on both sides of a code span is one line of prose. */
	if (w->prose_open && w->prose_block == w->block_seq &&
	    w->prose_line == line) {
		strbuf_putc(&w->prose_text, ' ');
		strbuf_puts(&w->prose_text, text);
		return;
	}
	finish_prose(w);
	w->prose_open = true;
	w->prose_line = line;
	w->prose_block = w->block_seq;
	strbuf_puts(&w->prose_text, text);
}

static bool is_tag_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '/' || c >= 0x80;
}

/* Find #tags in run[s..e): '#' after white space, a delimiter or the start
 * of the block, then tag characters, not all of them digits. */
static void scan_tags(struct walker *w, size_t s, size_t e)
{
	const char *b = w->run.ptr;
	const unsigned char *f = (const unsigned char *)w->flags.ptr;

	for (size_t i = s; i < e; i++) {
		char prev = i > 0 ? b[i - 1] : w->before;
		bool digits = true;
		size_t j;

		if (b[i] != '#' || (f[i] & (F_ESC | F_MARK | F_URL)))
			continue;
		if (!(i > 0 && (f[i - 1] & F_MARK)) &&
		    !isspace((unsigned char)prev))
			continue;
		for (j = i + 1; j < e && !(f[j] & F_MARK) &&
		                is_tag_char((unsigned char)b[j]);
		     j++)
			digits = digits && isdigit((unsigned char)b[j]);
		if (j == i + 1 || digits)
			continue;
		markdown_tag *t = PUSH(w->doc->tags, w->doc->ntags);

		t->name = xstrndup(b + i + 1, j - i - 1);
		t->line = w->run_line;
		i = j - 1;
	}
}

/* Copy run[s..e) into the plain text and prose, without delimiters. */
static void emit_text(struct walker *w, strbuf *prose, size_t s, size_t e)
{
	const unsigned char *f = (const unsigned char *)w->flags.ptr;

	scan_tags(w, s, e);
	for (size_t i = s; i < e; i++) {
		if (f[i] & F_MARK)
			continue;
		strbuf_putc(&w->plain, w->run.ptr[i]);
		if (!(f[i] & F_URL))
			strbuf_putc(prose, w->run.ptr[i]);
	}
}

/* The wikilink inner text inner[0..n) ("target#fragment|text"): add the
 * link and its plain text. Returns false when it is no link ("[[]]",
 * "[[ | x]]"). */
static bool emit_wikilink(struct walker *w, bool embed, const char *inner,
                          size_t n, size_t offset)
{
	const char *bar = memchr(inner, '|', n);
	size_t tn = bar ? (size_t)(bar - inner) : n;
	const char *hash = memchr(inner, '#', tn);
	char *target, *fragment = NULL, *text = NULL;

	target = trimmed(inner, hash ? (size_t)(hash - inner) : tn);
	if (hash)
		fragment = trimmed(hash + 1, tn - (size_t)(hash - inner) - 1);
	if (!*target && (!fragment || !*fragment)) {
		free(target);
		free(fragment);
		return false;
	}
	if (bar) {
		text = trimmed(bar + 1, n - tn - 1);
		if (!*text) {
			free(text);
			text = NULL;
		}
	}
	if (text)
		strbuf_puts(&w->plain, text);
	else if (*target && fragment && *fragment)
		strbuf_printf(&w->plain, "%s > %s", target, fragment);
	else
		strbuf_puts(&w->plain, *target ? target : fragment);
	add_link(w, embed ? MARKDOWN_LINK_EMBED : MARKDOWN_LINK_WIKI, target,
	         fragment, text, w->run_line, w->run_seq, offset);
	return true;
}

static bool is_pair(const struct walker *w, size_t i, char c)
{
	const unsigned char *f = (const unsigned char *)w->flags.ptr;

	return i + 1 < w->run.len && w->run.ptr[i] == c &&
	       w->run.ptr[i + 1] == c && !(f[i] & (F_ESC | F_MARK)) &&
	       !(f[i + 1] & (F_ESC | F_MARK));
}

static int cmp_pending(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* End the run: find its wikilinks, tags and prose. */
static void flush_run(struct walker *w)
{
	const unsigned char *f = (const unsigned char *)w->flags.ptr;
	strbuf prose = STRBUF_INIT;
	size_t *spans = NULL, nspans = 0; /* wikilink [start, end) pairs */
	size_t i = 0, copied = 0;

	while (i < w->run.len) {
		size_t j, s = i;
		bool embed;

		if (!is_pair(w, i, '[')) {
			i++;
			continue;
		}
		for (j = i + 2; j < w->run.len; j++)
			if (is_pair(w, j, ']') || is_pair(w, j, '['))
				break;
		if (j >= w->run.len || w->run.ptr[j] == '[') {
			i = j; /* unclosed, or "[[a [[b]]": try the later one */
			continue;
		}
		embed = s > 0 && w->run.ptr[s - 1] == '!' &&
		        !(f[s - 1] & (F_ESC | F_MARK));
		if (embed)
			s--;
		emit_text(w, &prose, copied, s);
		if (!emit_wikilink(w, embed, w->run.ptr + i + 2, j - i - 2,
		                   s)) {
			emit_text(w, &prose, s, j + 2);
		} else {
			strbuf_putc(&prose, ' ');
			spans = grow(spans, nspans, sizeof(*spans));
			spans[nspans++] = s;
			spans = grow(spans, nspans, sizeof(*spans));
			spans[nspans++] = j + 2;
		}
		copied = i = j + 2;
	}
	emit_text(w, &prose, copied, w->run.len);
	/* An autolinked "www.x.org" inside [[...]] is the wikilink's. Links
	 * and spans both go left to right (spans never overlap). */
	if (w->ndone > 1)
		qsort(w->done, w->ndone, sizeof(*w->done), cmp_pending);
	for (size_t k = 0, s = 0; k < w->ndone; k++) {
		struct pending *p = &w->done[k];

		while (s < nspans && spans[s + 1] <= p->start)
			s += 2;
		if (!(s < nspans && spans[s] <= p->start &&
		      p->end <= spans[s + 1]))
			add_pending_link(w, p);
		free(p->url);
		strbuf_free(&p->text);
	}
	w->ndone = 0;
	add_prose(w, prose.ptr, w->run_line);
	strbuf_free(&prose);
	free(spans);
	strbuf_clear(&w->run);
	strbuf_clear(&w->flags);
	w->run_seq++;
}

/* ---- inline nodes ----------------------------------------------------- */

static void put_link_text(struct walker *w, const char *s)
{
	for (size_t i = 0; i < w->nopen; i++)
		strbuf_puts(&w->open[i].text, s);
}

/* Append bytes to the run; the first byte fixes its line and context. */
static void put_run(struct walker *w, const char *s, size_t n, int flag)
{
	if (w->run.len == 0) {
		w->run_line = w->line;
		w->before =
		    w->plain.len ? w->plain.ptr[w->plain.len - 1] : '\n';
	}
	strbuf_put(&w->run, s, n);
	for (size_t i = 0; i < n; i++)
		strbuf_putc(&w->flags, flag);
}

static void on_text(struct walker *w, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	size_t n = strlen(lit), base;
	int line = cmark_node_get_start_line(node);

	if (line > 0 && w->line0 + (unsigned)line > w->line)
		w->line = w->line0 + (unsigned)line;
	put_link_text(w, lit);
	if (w->html_code) {
		strbuf_put(&w->plain, lit, n);
		return;
	}
	base = w->run.len;
	put_run(w, lit, n, 0);
	flag_escapes(w, node, lit, n, (unsigned char *)w->flags.ptr + base);
}

static void on_code(struct walker *w, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	int start = cmark_node_get_start_line(node);
	int end = cmark_node_get_end_line(node);

	flush_run(w);
	strbuf_puts(&w->plain, lit);
	put_link_text(w, lit);
	/* A code span may run over a line break that it turned into ' '. */
	if (start > 0 && end > start)
		w->line += (unsigned)(end - start);
}

static void on_break(struct walker *w)
{
	flush_run(w);
	strbuf_putc(&w->plain, '\n');
	put_link_text(w, " ");
	w->line++;
}

/* The tag name of an HTML tag literal ("<br />" -> "br"), lower-cased,
 * with closing set for "</...>". */
static void tag_name(const char *lit, char *name, size_t size, bool *closing)
{
	size_t n = 0;

	*closing = false;
	if (*lit == '<')
		lit++;
	if (*lit == '/') {
		*closing = true;
		lit++;
	}
	while (isalnum((unsigned char)*lit) && n + 1 < size)
		name[n++] = (char)tolower((unsigned char)*lit++);
	name[n] = '\0';
}

static void on_html_inline(struct walker *w, cmark_node *node)
{
	int start = cmark_node_get_start_line(node);
	int end = cmark_node_get_end_line(node);
	char name[16];
	bool closing;

	tag_name(cmark_node_get_literal(node), name, sizeof(name), &closing);
	/* A tag may run over line breaks ("<span\nclass=x>"): a run holds
	 * one line. */
	if (start > 0 && end > start) {
		flush_run(w);
		w->line += (unsigned)(end - start);
	}
	if (strcmp(name, "code") == 0) {
		flush_run(w);
		w->html_code = !closing;
	} else if (strcmp(name, "br") == 0) {
		flush_run(w);
		strbuf_putc(&w->plain, '\n');
		put_link_text(w, " ");
	}
}

/* Put an emphasis or strikethrough delimiter back into the run, from the
 * source, so that [[a*b*c]] keeps its target. */
static void on_delimiter(struct walker *w, cmark_node *node, bool strong)
{
	int line = cmark_node_get_start_line(node);
	int col = cmark_node_get_start_column(node);
	size_t start, end, i, n = 0;

	if (w->html_code || line <= 0 || col <= 0 ||
	    !source_line(w, (size_t)line, &start, &end))
		return;
	i = start + (size_t)col - 1;
	if (i >= end || !strchr("*_~", w->src[i]))
		return;
	if (w->src[i] == '~')
		while (n < 2 && i + n < end && w->src[i + n] == '~')
			n++;
	else
		n = strong ? 2 : 1;
	put_run(w, w->src + i, n, F_MARK);
}

static void on_link_enter(struct walker *w, cmark_node *node, bool image)
{
	struct pending *p = PUSH(w->open, w->nopen);

	p->kind = image ? MARKDOWN_LINK_IMAGE : MARKDOWN_LINK_URL;
	p->url = xstrdup(cmark_node_get_url(node));
	p->line = w->line;
	strbuf_init(&p->text);
	p->seq = w->run_seq;
	p->start = w->run.len;
}

/* An autolink shows its own URL: <https://x>, <a@b.org>, www.x.org. */
static bool is_autolink(const char *url, const char *text)
{
	return strcmp(url, text) == 0 ||
	       (strncmp(url, "http://", 7) == 0 &&
	        strcmp(url + 7, text) == 0) ||
	       (strncmp(url, "mailto:", 7) == 0 && strcmp(url + 7, text) == 0);
}

static void on_link_exit(struct walker *w)
{
	struct pending p = w->open[--w->nopen];

	p.end_seq = w->run_seq;
	p.end = w->run.len;
	if (p.end_seq == p.seq && p.kind == MARKDOWN_LINK_URL &&
	    is_autolink(p.url, p.text.ptr))
		for (size_t i = p.start; i < p.end; i++)
			w->flags.ptr[i] |= F_URL;
	if (p.end_seq == p.seq) {
		/* Wait for the run: it may turn out to be inside [[...]]. */
		*PUSH(w->done, w->ndone) = p;
		return;
	}
	add_pending_link(w, &p);
	strbuf_free(&p.text);
}

/* ---- blocks ----------------------------------------------------------- */

static void start_block(struct walker *w, cmark_node *node)
{
	strbuf_clear(&w->plain);
	w->line = w->line0 + (unsigned)cmark_node_get_start_line(node);
	w->first_link = w->doc->nlinks;
	w->first_prose = w->doc->nprose;
	w->html_code = false;
	w->block_seq++;
}

/* End the inline block; returns its plain text (borrowed from w). */
static const char *end_block(struct walker *w)
{
	flush_run(w);
	/* Links cut short by the block's end (never in valid cmark trees). */
	while (w->nopen)
		on_link_exit(w);
	flush_run(w);
	finish_prose(w);
	return w->plain.ptr;
}

static void on_heading_exit(struct walker *w, cmark_node *node)
{
	markdown_heading *h;
	const char *text = end_block(w);

	h = PUSH(w->doc->headings, w->doc->nheadings);
	h->level = cmark_node_get_heading_level(node);
	h->line = w->line0 + (unsigned)cmark_node_get_start_line(node);
	h->text = xstrdup(text);
	/* What the heading itself holds belongs to its own section. */
	w->section = h->text;
	for (size_t i = w->first_link; i < w->doc->nlinks; i++)
		w->doc->links[i].section = h->text;
	for (size_t i = w->first_prose; i < w->doc->nprose; i++)
		w->doc->prose[i].section = h->text;
	strbuf_puts(&w->doc_text, text);
	strbuf_putc(&w->doc_text, '\n');
}

static void on_paragraph_exit(struct walker *w, cmark_node *node)
{
	cmark_node *parent = cmark_node_parent(node);
	const char *text = end_block(w);

	if (cmark_node_get_type(parent) == CMARK_NODE_DOCUMENT) {
		markdown_para *p = PUSH(w->doc->paras, w->doc->nparas);

		p->line = w->line0 + (unsigned)cmark_node_get_start_line(node);
		p->section = w->section;
		p->text = xstrdup(text);
	} else if (cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
	           w->nitems) {
		strbuf *it = &w->item_text[w->nitems - 1];

		if (it->len)
			strbuf_putc(it, '\n');
		strbuf_puts(it, text);
	}
	strbuf_puts(&w->doc_text, text);
	strbuf_putc(&w->doc_text, '\n');
}

static void on_item_enter(struct walker *w, cmark_node *node)
{
	markdown_item *it = PUSH(w->doc->items, w->doc->nitems);

	it->line = w->line0 + (unsigned)cmark_node_get_start_line(node);
	it->section = w->section;
	it->depth = w->list_depth;
	it->task = strcmp(cmark_node_get_type_string(node), "tasklist") == 0;
	it->checked =
	    it->task && cmark_gfm_extensions_get_tasklist_item_checked(node);
	w->items = grow(w->items, w->nitems, sizeof(*w->items));
	w->item_text = grow(w->item_text, w->nitems, sizeof(*w->item_text));
	w->items[w->nitems] = w->doc->nitems - 1;
	strbuf_init(&w->item_text[w->nitems]);
	w->nitems++;
}

static void on_item_exit(struct walker *w)
{
	w->nitems--;
	w->doc->items[w->items[w->nitems]].text =
	    strbuf_detach(&w->item_text[w->nitems]);
}

static void on_table_enter(struct walker *w, cmark_node *node)
{
	markdown_table *t = PUSH(w->doc->tables, w->doc->ntables);

	t->line = w->line0 + (unsigned)cmark_node_get_start_line(node);
	t->section = w->section;
	t->ncols = cmark_gfm_extensions_get_table_columns(node);
	w->table = (long)w->doc->ntables - 1;
}

static void on_row_enter(struct walker *w)
{
	markdown_table *t = &w->doc->tables[w->table];

	w->row = t->nrows++;
	w->col = 0;
	if (t->ncols == 0)
		t->ncols = 1; /* never from cmark-gfm; keeps the maths simple */
	t->cells = grow(t->cells, w->row, t->ncols * sizeof(*t->cells));
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[w->row * t->ncols + i] = NULL;
	strbuf_clear(&w->row_text);
}

static void on_row_exit(struct walker *w)
{
	markdown_table *t = &w->doc->tables[w->table];

	for (size_t i = 0; i < t->ncols; i++) {
		char **cell = &t->cells[w->row * t->ncols + i];

		if (!*cell)
			*cell = xstrdup("");
		if (i)
			strbuf_puts(&w->row_text, " | ");
		strbuf_puts(&w->row_text, *cell);
	}
	strbuf_puts(&w->doc_text, w->row_text.ptr);
	strbuf_putc(&w->doc_text, '\n');
}

static void on_cell_exit(struct walker *w)
{
	markdown_table *t = &w->doc->tables[w->table];
	const char *text = end_block(w);

	/* cmark-gfm pads short rows and drops surplus cells, but be sure. */
	if (w->col < t->ncols && !t->cells[w->row * t->ncols + w->col])
		t->cells[w->row * t->ncols + w->col] = xstrdup(text);
	w->col++;
}

/* Raw HTML block: its text without tags, <br> as a line break. */
static void on_html_block(struct walker *w, cmark_node *node)
{
	const char *s = cmark_node_get_literal(node);

	while (*s) {
		const char *gt;
		char name[16];
		bool closing;

		if (*s != '<' || !(gt = strchr(s, '>'))) {
			strbuf_putc(&w->doc_text, *s++);
			continue;
		}
		tag_name(s, name, sizeof(name), &closing);
		if (strcmp(name, "br") == 0)
			strbuf_putc(&w->doc_text, '\n');
		s = gt + 1;
	}
	if (w->doc_text.len && w->doc_text.ptr[w->doc_text.len - 1] != '\n')
		strbuf_putc(&w->doc_text, '\n');
}

static void on_code_block(struct walker *w, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);

	strbuf_puts(&w->doc_text, lit);
	if (w->doc_text.len && w->doc_text.ptr[w->doc_text.len - 1] != '\n')
		strbuf_putc(&w->doc_text, '\n');
}

static bool type_is(cmark_node *node, const char *name)
{
	return strcmp(cmark_node_get_type_string(node), name) == 0;
}

static void visit(struct walker *w, cmark_node *node, cmark_event_type ev)
{
	bool enter = ev == CMARK_EVENT_ENTER;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_HEADING:
		if (enter)
			start_block(w, node);
		else
			on_heading_exit(w, node);
		return;
	case CMARK_NODE_PARAGRAPH:
		if (enter)
			start_block(w, node);
		else
			on_paragraph_exit(w, node);
		return;
	case CMARK_NODE_LIST:
		w->list_depth += enter ? 1 : -1;
		return;
	case CMARK_NODE_ITEM:
		if (enter)
			on_item_enter(w, node);
		else
			on_item_exit(w);
		return;
	case CMARK_NODE_CODE_BLOCK:
		on_code_block(w, node);
		return;
	case CMARK_NODE_HTML_BLOCK:
		on_html_block(w, node);
		return;
	case CMARK_NODE_TEXT:
		on_text(w, node);
		return;
	case CMARK_NODE_CODE:
		on_code(w, node);
		return;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		on_break(w);
		return;
	case CMARK_NODE_HTML_INLINE:
		on_html_inline(w, node);
		return;
	case CMARK_NODE_EMPH:
	case CMARK_NODE_STRONG:
		on_delimiter(w, node,
		             cmark_node_get_type(node) == CMARK_NODE_STRONG);
		return;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		if (enter)
			on_link_enter(w, node,
			              cmark_node_get_type(node) ==
			                  CMARK_NODE_IMAGE);
		else
			on_link_exit(w);
		return;
	default:
		break;
	}
	/* Extension nodes have types known only at run time. */
	if (type_is(node, "table")) {
		if (enter)
			on_table_enter(w, node);
		else
			w->table = -1;
	} else if (type_is(node, "table_header") ||
	           type_is(node, "table_row")) {
		if (enter)
			on_row_enter(w);
		else
			on_row_exit(w);
	} else if (type_is(node, "table_cell")) {
		if (enter)
			start_block(w, node);
		else
			on_cell_exit(w);
	} else if (type_is(node, "strikethrough")) {
		on_delimiter(w, node, false);
	}
}

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const struct link_key *keys = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (keys[i].seq != keys[j].seq)
		return keys[i].seq < keys[j].seq ? -1 : 1;
	if (keys[i].offset != keys[j].offset)
		return keys[i].offset < keys[j].offset ? -1 : 1;
	return (i > j) - (i < j);
}

/* Links that end in a later run than they start in are added before the
 * wikilinks of their first run: put everything in reading order. */
static void sort_links(struct walker *w)
{
	size_t n = w->doc->nlinks, *order;
	markdown_link *sorted;

	if (n < 2)
		return;
	order = xcalloc(n, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_keys, w->keys);
	sorted = xcalloc(n, sizeof(*sorted));
	for (size_t i = 0; i < n; i++)
		sorted[i] = w->doc->links[order[i]];
	free(w->doc->links);
	w->doc->links = sorted;
	free(order);
}

static cmark_parser *new_parser(void)
{
	static const char *const names[] = {"table", "autolink", "tasklist",
	                                    "strikethrough"};
	cmark_parser *parser;

	cmark_gfm_core_extensions_ensure_registered();
	/* SOURCEPOS: without it cmark-gfm does not count the line breaks
	 * inside code spans and raw HTML, and line numbers drift. */
	parser =
	    cmark_parser_new(CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SOURCEPOS);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cmark_syntax_extension *ext =
		    cmark_find_syntax_extension(names[i]);

		/* Registered by the call above: a failure is a broken build. */
		if (!ext)
			abort();
		cmark_parser_attach_syntax_extension(parser, ext);
	}
	return parser;
}

/* Refuse a line with more '|' than KB_MAX_NOTE_PIPES: cmark-gfm 0.29
 * takes time quadratic in a table's columns (50000 take seconds, a
 * million take hours). */
static int check_pipes(const char *path, const char *text, size_t len,
                       unsigned first_line)
{
	unsigned line = first_line, pipes = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line++;
			pipes = 0;
		} else if (text[i] == '|' && ++pipes > KB_MAX_NOTE_PIPES) {
			return kb_error_set(
			    KB_ELIMIT,
			    "%s:%u: more than %u '|' on one line "
			    "(table columns)",
			    path, line, (unsigned)KB_MAX_NOTE_PIPES);
		}
	}
	return 0;
}

int markdown_parse(markdown_doc **out, const char *path, const char *text,
                   size_t len, unsigned first_line)
{
	struct walker w = {.src = text,
	                   .len = len,
	                   .cur_line = 1,
	                   .cur_end = SIZE_MAX,
	                   .line0 = first_line - 1,
	                   .section = empty,
	                   .table = -1};
	cmark_parser *parser;
	cmark_node *root;
	cmark_iter *iter;
	cmark_event_type ev;
	int error;

	*out = NULL;
	if (len > KB_MAX_NOTE_FILE)
		return kb_error_set(KB_ELIMIT,
		                    "%s:%u: note body is %zu bytes, more than "
		                    "the limit of %u",
		                    path, first_line, len,
		                    (unsigned)KB_MAX_NOTE_FILE);
	if ((error = check_pipes(path, text, len, first_line)) < 0)
		return error;
	w.doc = xcalloc(1, sizeof(*w.doc));
	strbuf_init(&w.plain);
	strbuf_init(&w.run);
	strbuf_init(&w.flags);
	strbuf_init(&w.row_text);
	strbuf_init(&w.doc_text);
	strbuf_init(&w.prose_text);
	parser = new_parser();
	cmark_parser_feed(parser, text, len);
	root = cmark_parser_finish(parser);
	iter = cmark_iter_new(root);
	while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE)
		visit(&w, cmark_iter_get_node(iter), ev);
	cmark_iter_free(iter);
	cmark_node_free(root);
	cmark_parser_free(parser);
	sort_links(&w);
	w.doc->text = strbuf_detach(&w.doc_text);
	*out = w.doc;
	strbuf_free(&w.plain);
	strbuf_free(&w.run);
	strbuf_free(&w.flags);
	strbuf_free(&w.row_text);
	strbuf_free(&w.prose_text);
	free(w.keys);
	free(w.open);
	free(w.done);
	free(w.items);
	free(w.item_text);
	return 0;
}

void markdown_doc_free(markdown_doc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nheadings; i++)
		free(doc->headings[i].text);
	for (size_t i = 0; i < doc->nparas; i++)
		free(doc->paras[i].text);
	for (size_t i = 0; i < doc->nitems; i++)
		free(doc->items[i].text);
	for (size_t i = 0; i < doc->ntables; i++) {
		for (size_t j = 0;
		     j < doc->tables[i].nrows * doc->tables[i].ncols; j++)
			free(doc->tables[i].cells[j]);
		free(doc->tables[i].cells);
	}
	for (size_t i = 0; i < doc->nlinks; i++) {
		free(doc->links[i].target);
		free(doc->links[i].fragment);
		free(doc->links[i].text);
	}
	for (size_t i = 0; i < doc->nprose; i++)
		free(doc->prose[i].text);
	for (size_t i = 0; i < doc->ntags; i++)
		free(doc->tags[i].name);
	free(doc->headings);
	free(doc->paras);
	free(doc->items);
	free(doc->tables);
	free(doc->links);
	free(doc->prose);
	free(doc->tags);
	free(doc->text);
	free(doc);
}
