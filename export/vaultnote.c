/* export/vaultnote.c: find, hash and replace the generated parts of a note
 * (marked region, owned frontmatter properties) without touching the rest. */
#include "export/vaultnote.h"
#include "kb/error.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325u
#define FNV_PRIME 0x100000001b3u

/* One property (or one line of the analyst's) in the frontmatter. */
struct chunk {
	size_t off, end; /* bytes [off, end) of the note, whole lines */
	char *key;       /* property key, or NULL for other lines */
	bool owned;      /* key is one attackkb owns */
};

/* Where the generated parts of a note are. */
struct parsed {
	bool has_fm;           /* "---" block at the very start */
	bool fm_crlf;          /* its opening line ends in "\r\n" */
	size_t fm_off, fm_end; /* the lines between the two "---" lines */
	size_t body_off;       /* first byte after the frontmatter */
	struct chunk *chunks;  /* frontmatter lines, grouped */
	size_t nchunks;
	bool region_crlf;  /* the begin marker line ends in "\r\n" */
	size_t begin_off;  /* begin marker line */
	size_t region_off; /* first byte after it */
	size_t region_end; /* first byte of the end marker line */
	size_t end_end;    /* first byte after the end marker line */
};

static uint64_t hash_update(uint64_t h, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
			continue;
		h = (h ^ (unsigned char)p[i]) * FNV_PRIME;
	}
	return h;
}

uint64_t vaultnote_hash(const void *data, size_t len)
{
	return hash_update(FNV_OFFSET, data, len);
}

/* End of the line starting at off (index after its '\n', or len). */
static size_t find_line_end(const char *t, size_t len, size_t off)
{
	const char *nl = memchr(t + off, '\n', len - off);

	return nl ? (size_t)(nl - t) + 1 : len;
}

/* Length of the line's content, without "\n" or "\r\n". */
static size_t count_content(const char *t, size_t off, size_t end)
{
	size_t n = end - off;

	if (n > 0 && t[off + n - 1] == '\n')
		n--;
	if (n > 0 && t[off + n - 1] == '\r')
		n--;
	return n;
}

static bool is_line(const char *t, size_t off, size_t end, const char *s)
{
	size_t n = count_content(t, off, end);

	return n == strlen(s) && memcmp(t + off, s, n) == 0;
}

/* Does the line start with prefix and end with "%%"? */
static bool is_marker(const char *t, size_t off, size_t end, const char *prefix)
{
	size_t n = count_content(t, off, end), p = strlen(prefix);

	return n >= p + 2 && memcmp(t + off, prefix, p) == 0 &&
	       memcmp(t + off + n - 2, "%%", 2) == 0;
}

static bool ends_crlf(const char *t, size_t end)
{
	return end >= 2 && t[end - 1] == '\n' && t[end - 2] == '\r';
}

static bool is_blank(const char *t, size_t off, size_t end)
{
	for (size_t i = off; i < end; i++)
		if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r' && t[i] != '\n')
			return false;
	return true;
}

/* A continuation line: indented, or a "- item" at the margin. */
static bool is_cont(const char *t, size_t off, size_t end)
{
	size_t n = count_content(t, off, end);

	if (n == 0)
		return false;
	if (t[off] == ' ' || t[off] == '\t')
		return true;
	return t[off] == '-' &&
	       (n == 1 || t[off + 1] == ' ' || t[off + 1] == '\t');
}

/* The key of a top-level "key: value" line (caller frees), or NULL. */
static char *extract_key(const char *t, size_t off, size_t end)
{
	size_t n = count_content(t, off, end), i;
	char c = n ? t[off] : ' ';

	if (c == ' ' || c == '\t' || c == '#' || c == '-' || c == '%')
		return NULL;
	if (c == '"' || c == '\'') {
		const char *q = memchr(t + off + 1, c, n - 1);

		if (!q || (size_t)(q - (t + off)) + 1 >= n || q[1] != ':')
			return NULL;
		return xstrndup(t + off + 1, (size_t)(q - (t + off)) - 1);
	}
	for (i = 0; i < n && t[off + i] != ':'; i++)
		;
	if (i == n || i == 0)
		return NULL;
	while (i > 0 && (t[off + i - 1] == ' ' || t[off + i - 1] == '\t'))
		i--;
	return i ? xstrndup(t + off, i) : NULL;
}

static bool is_owned(const char *key, const char *const *owned)
{
	for (; key && owned && *owned; owned++)
		if (strcmp(key, *owned) == 0)
			return true;
	return false;
}

static void add_chunk(struct parsed *p, size_t *cap, size_t off, size_t end,
		      char *key, const char *const *owned)
{
	if (p->nchunks == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p->chunks = xreallocarray(p->chunks, *cap, sizeof(*p->chunks));
	}
	p->chunks[p->nchunks++] = (struct chunk){
	    .off = off, .end = end, .key = key, .owned = is_owned(key, owned)};
}

/* Group the lines [off, end) into properties and other lines. */
static void split_chunks(struct parsed *p, const char *t, size_t off,
			 size_t end, const char *const *owned)
{
	size_t cap = 0;

	while (off < end) {
		size_t e = find_line_end(t, end, off), start = off;
		char *key = extract_key(t, off, e);

		off = e;
		if (!key) {
			add_chunk(p, &cap, start, off, NULL, owned);
			continue;
		}
		while (off < end) {
			size_t look = off, le;

			/* Blank lines belong to the property only when a
			 * continuation line follows them (block scalars). */
			while (
			    look < end &&
			    is_blank(t, look, le = find_line_end(t, end, look)))
				look = le;
			if (look >= end ||
			    !is_cont(t, look, find_line_end(t, end, look)))
				break;
			off = find_line_end(t, end, look);
		}
		add_chunk(p, &cap, start, off, key, owned);
	}
}

static void free_parsed(struct parsed *p)
{
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i].key);
	free(p->chunks);
}

/* Find the frontmatter and its properties. */
static void parse_frontmatter(struct parsed *p, const char *t, size_t len,
			      const char *const *owned)
{
	size_t e = find_line_end(t, len, 0), off;

	if (!is_line(t, 0, e, "---") || e == len || t[e - 1] != '\n')
		return;
	for (off = e; off < len;) {
		size_t le = find_line_end(t, len, off);

		if (is_line(t, off, le, "---")) {
			p->has_fm = true;
			p->fm_crlf = ends_crlf(t, e);
			p->fm_off = e;
			p->fm_end = off;
			p->body_off = le;
			split_chunks(p, t, e, off, owned);
			return;
		}
		off = le;
	}
}

/* Parse a whole note. Returns 0 or KB_EPARSE (region markers). */
static int parse_note(struct parsed *p, const char *t, size_t len,
		      const char *const *owned)
{
	int nbegin = 0, nend = 0;

	memset(p, 0, sizeof(*p));
	parse_frontmatter(p, t, len, owned);
	for (size_t off = p->body_off; off < len;) {
		size_t le = find_line_end(t, len, off);

		if (is_marker(t, off, le, VAULTNOTE_BEGIN_PREFIX)) {
			if (nbegin++ == 0) {
				p->begin_off = off;
				p->region_off = le;
				p->region_crlf = ends_crlf(t, le);
			}
		} else if (is_marker(t, off, le, VAULTNOTE_END_PREFIX)) {
			if (nend++ == 0) {
				p->region_end = off;
				p->end_end = le;
			}
		}
		off = le;
	}
	if (nbegin == 0 && nend == 0)
		return kb_error_set(KB_EPARSE, "no attackkb region markers");
	if (nbegin != 1 || nend != 1)
		return kb_error_set(KB_EPARSE,
				    "%d begin and %d end attackkb markers, "
				    "expected one of each",
				    nbegin, nend);
	if (p->region_end < p->region_off)
		return kb_error_set(KB_EPARSE,
				    "attackkb end marker before the begin "
				    "marker");
	return 0;
}

/* Append text, turning "\n" into "\r\n" when crlf (unless already). */
static void put_eol(strbuf *sb, const char *s, size_t n, bool crlf)
{
	size_t start = 0;

	if (!crlf) {
		strbuf_put(sb, s, n);
		return;
	}
	/* Copy the runs between the "\n" needing a "\r" before them. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
			strbuf_put(sb, s + start, i - start);
			strbuf_putc(sb, '\r');
			start = i;
		}
	}
	strbuf_put(sb, s + start, n - start);
}

/* Append s and a final newline if it lacks one (nothing for ""). */
static void put_lines(strbuf *sb, const char *s, bool crlf)
{
	size_t n = s ? strlen(s) : 0;

	put_eol(sb, s ? s : "", n, crlf);
	if (n > 0 && s[n - 1] != '\n')
		put_eol(sb, "\n", 1, crlf);
}

int vaultnote_check(const char *frontmatter, const char *body,
		    const char *const *owned)
{
	struct parsed p = {0};
	size_t n = frontmatter ? strlen(frontmatter) : 0;
	int error = 0;

	if (body) {
		for (const char *l = body; l; l = strchr(l, '\n')) {
			l += *l == '\n';
			if (strncmp(l, "%% attackkb:", 12) == 0)
				return kb_error_set(KB_EUSAGE,
						    "generated body has a line "
						    "starting with "
						    "\"%%%% attackkb:\"");
		}
	}
	for (size_t off = 0; off < n;) {
		size_t e = find_line_end(frontmatter, n, off);

		if (is_line(frontmatter, off, e, "---") ||
		    is_line(frontmatter, off, e, "..."))
			return kb_error_set(KB_EUSAGE, "generated frontmatter "
						       "has a document marker "
						       "line");
		off = e;
	}
	split_chunks(&p, frontmatter ? frontmatter : "", 0, n, owned);
	for (size_t i = 0; i < p.nchunks && !error; i++) {
		const struct chunk *c = &p.chunks[i];

		if (!c->key)
			error = kb_error_set(
			    KB_EUSAGE,
			    "generated frontmatter: '%.*s' is "
			    "not a property",
			    (int)count_content(frontmatter, c->off, c->end),
			    frontmatter + c->off);
		else if (!c->owned)
			error = kb_error_set(KB_EUSAGE,
					     "generated frontmatter: key '%s' "
					     "is not in the owned list",
					     c->key);
		for (size_t j = 0; j < i && !error; j++)
			if (p.chunks[j].key &&
			    strcmp(p.chunks[j].key, c->key) == 0)
				error = kb_error_set(KB_EUSAGE,
						     "generated frontmatter: "
						     "key '%s' twice",
						     c->key);
	}
	free_parsed(&p);
	return error;
}

char *vaultnote_render(const char *frontmatter, const char *body)
{
	strbuf sb = STRBUF_INIT;

	if (frontmatter && *frontmatter) {
		strbuf_puts(&sb, "---\n");
		put_lines(&sb, frontmatter, false);
		strbuf_puts(&sb, "---\n");
	}
	strbuf_puts(&sb, VAULTNOTE_BEGIN "\n");
	put_lines(&sb, body, false);
	strbuf_puts(&sb, VAULTNOTE_END "\n");
	return strbuf_detach(&sb);
}

int vaultnote_hashes_of(vaultnote_hashes *out, const char *text, size_t len,
			const char *const *owned)
{
	struct parsed p;
	int error = parse_note(&p, text, len, owned);
	uint64_t h = FNV_OFFSET;

	if (error == 0) {
		for (size_t i = 0; i < p.nchunks; i++)
			if (p.chunks[i].owned)
				h = hash_update(h, text + p.chunks[i].off,
						p.chunks[i].end -
						    p.chunks[i].off);
		out->props = h;
		out->region = vaultnote_hash(text + p.region_off,
					     p.region_end - p.region_off);
	}
	free_parsed(&p);
	return error;
}

/* Append the generated property with key to sb (if any); mark it used. */
static void put_generated(strbuf *sb, const struct parsed *gen,
			  const char *gtext, bool *used, const char *key,
			  bool crlf)
{
	for (size_t i = 0; i < gen->nchunks; i++) {
		const struct chunk *g = &gen->chunks[i];

		if (!g->key || used[i])
			continue;
		if (!key || strcmp(g->key, key) == 0) {
			put_eol(sb, gtext + g->off, g->end - g->off, crlf);
			used[i] = true;
			if (key)
				return;
		}
	}
}

int vaultnote_splice(char **out, size_t *out_len, const char *text, size_t len,
		     const char *frontmatter, const char *body,
		     const char *const *owned)
{
	struct parsed p, gen = {0};
	strbuf sb = STRBUF_INIT, fm = STRBUF_INIT;
	bool *used = NULL;
	size_t last_owned = 0, nowned = 0;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = parse_note(&p, text, len, owned)) < 0)
		goto done;
	/* The generated properties, each ending in a newline. */
	put_lines(&fm, frontmatter, false);
	split_chunks(&gen, fm.ptr, 0, fm.len, owned);
	used = xcalloc(gen.nchunks + 1, sizeof(*used));
	for (size_t i = 0; i < p.nchunks; i++)
		if (p.chunks[i].owned)
			last_owned = i, nowned++;

	if (p.has_fm) {
		strbuf_put(&sb, text, p.fm_off);
		if (nowned == 0)
			put_generated(&sb, &gen, fm.ptr, used, NULL, p.fm_crlf);
		for (size_t i = 0; i < p.nchunks; i++) {
			const struct chunk *c = &p.chunks[i];

			if (!c->owned)
				strbuf_put(&sb, text + c->off, c->end - c->off);
			else
				put_generated(&sb, &gen, fm.ptr, used, c->key,
					      p.fm_crlf);
			if (c->owned && i == last_owned)
				put_generated(&sb, &gen, fm.ptr, used, NULL,
					      p.fm_crlf);
		}
		strbuf_put(&sb, text + p.fm_end, p.region_off - p.fm_end);
	} else {
		if (gen.nchunks > 0) {
			bool crlf = p.region_crlf;

			put_eol(&sb, "---\n", 4, crlf);
			put_eol(&sb, fm.ptr, fm.len, crlf);
			put_eol(&sb, "---\n", 4, crlf);
		}
		strbuf_put(&sb, text, p.region_off);
	}
	{
		strbuf b = STRBUF_INIT;

		put_lines(&b, body, false);
		put_eol(&sb, b.ptr, b.len, p.region_crlf);
		strbuf_free(&b);
	}
	strbuf_put(&sb, text + p.region_end, len - p.region_end);
	*out_len = sb.len;
	*out = strbuf_detach(&sb);
done:
	free(used);
	free_parsed(&gen);
	free_parsed(&p);
	strbuf_free(&fm);
	strbuf_free(&sb);
	return error;
}
