/* parser/note.c: frontmatter + Markdown body -> one note record, with the
 * Obsidian conventions (alias/aliases, tag/tags) and the ATT&CK reading
 * of what the note holds. */
#include "parser/note.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"
#include "kb/attackid.h"
#include "parser/notefacts.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Make room for entry n of an array of n entries of size bytes, doubling
 * its size at each power of two, so that n appends cost O(n). */
static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

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

/* A list of unique strings: an array plus a hash set over it (open
 * addressing), so that adding n strings costs O(n). */
struct uniq {
	char ***list;     /* the array being filled */
	size_t *n;        /* its length */
	bool nocase;      /* compare ignoring ASCII case */
	const char **set; /* slots, borrowing the array's strings */
	size_t cap;       /* slots, a power of two */
};

static uint64_t hash_str(const char *s, bool nocase)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)(nocase ? tolower((unsigned char)*s)
		                                : *s)) *
		    1099511628211u;
	return h;
}

static bool set_has_or_put(struct uniq *u, const char *s)
{
	size_t i;

	if (2 * (*u->n + 1) > u->cap) {
		const char **old = u->set;
		size_t cap = u->cap;

		u->cap = cap ? 2 * cap : 16;
		u->set = xcalloc(u->cap, sizeof(*u->set));
		for (size_t k = 0; k < cap; k++) {
			if (!old[k])
				continue;
			i = hash_str(old[k], u->nocase) & (u->cap - 1);
			while (u->set[i])
				i = (i + 1) & (u->cap - 1);
			u->set[i] = old[k];
		}
		free(old);
	}
	i = hash_str(s, u->nocase) & (u->cap - 1);
	for (; u->set[i]; i = (i + 1) & (u->cap - 1))
		if (u->nocase ? strcasecmp(u->set[i], s) == 0
		              : strcmp(u->set[i], s) == 0)
			return true;
	u->set[i] = s;
	return false;
}

/* Append s unless it is empty or already there. Takes s. */
static void add_unique(struct uniq *u, char *s)
{
	if (!*s || set_has_or_put(u, s)) {
		free(s);
		return;
	}
	*u->list = grow(*u->list, *u->n, sizeof(**u->list));
	(*u->list)[(*u->n)++] = s;
}

/* Split text at any byte of seps; add each trimmed piece (without a
 * leading '#' for tags). */
static void add_split(struct uniq *u, const char *text, const char *seps,
                      bool tags)
{
	while (*text) {
		size_t len = strcspn(text, seps);
		char *piece = trimmed(text, len);

		if (tags && piece[0] == '#')
			memmove(piece, piece + 1, strlen(piece));
		add_unique(u, piece);
		text += len;
		if (*text)
			text++;
	}
}

static int bad_list(const char *shown, const frontmatter_value *v,
                    const char *key)
{
	return kb_error_set(KB_EPARSE,
	                    "%s:%u:%u: '%s' must be a text or a list of texts",
	                    shown, v->line, v->col, key);
}

/* Collect Obsidian's string-list property from every key named one or
 * many (any case): a list of scalars, or one scalar split at seps. Nulls
 * are skipped; tags lose a leading '#'. */
static int read_list(struct uniq *u, const note *nt, const char *shown,
                     const char *one, const char *many, const char *seps)
{
	const frontmatter_value *fm = nt->frontmatter;
	bool tags = strcmp(one, "tag") == 0;

	for (size_t i = 0; i < fm->n; i++) {
		const frontmatter_value *v = fm->items[i];

		if (strcasecmp(fm->keys[i], one) != 0 &&
		    strcasecmp(fm->keys[i], many) != 0)
			continue;
		if (v->type == FRONTMATTER_NULL)
			continue;
		if (v->type == FRONTMATTER_MAP)
			return bad_list(shown, v, fm->keys[i]);
		if (v->type == FRONTMATTER_SCALAR) {
			add_split(u, v->text, seps, tags);
			continue;
		}
		for (size_t j = 0; j < v->n; j++) {
			const frontmatter_value *item = v->items[j];

			if (item->type == FRONTMATTER_NULL)
				continue;
			if (item->type != FRONTMATTER_SCALAR)
				return bad_list(shown, item, fm->keys[i]);
			/* A list item is one alias, commas and all; a tag
			 * item may still be "#a #b" in hand-written YAML. */
			if (tags)
				add_split(u, item->text, seps, true);
			else
				add_unique(
				    u, trimmed(item->text, strlen(item->text)));
		}
	}
	return 0;
}

/* The ID the note is about; see note.h for the order of the sources. */
static int find_note_id(note *nt, const char *shown, const char *text,
                        size_t len)
{
	static const char *const keys[] = {"attack_id", "attack-id"};
	const frontmatter_value *v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!(v = frontmatter_get(nt->frontmatter, keys[i], true)) ||
		    v->type == FRONTMATTER_NULL)
			continue;
		if (v->type != FRONTMATTER_SCALAR || !attackid_is(v->text))
			return kb_error_set(KB_EPARSE,
			                    "%s:%u:%u: '%s' is not an ATT&CK "
			                    "ID",
			                    shown, v->line, v->col, keys[i]);
		nt->attack_id = trimmed(v->text, strlen(v->text));
		return 0;
	}
	v = frontmatter_get(nt->frontmatter, "id", true);
	if (v && v->type == FRONTMATTER_SCALAR && attackid_is(v->text)) {
		nt->attack_id = trimmed(v->text, strlen(v->text));
		return 0;
	}
	for (size_t i = 0; i < nt->naliases; i++)
		if (attackid_is(nt->aliases[i])) {
			nt->attack_id = xstrdup(nt->aliases[i]);
			return 0;
		}
	if (nt->url && (nt->attack_id = attackid_from_url(nt->url)))
		return 0;
	if ((nt->attack_id = notefacts_callout_id(text, len)))
		return 0;
	for (size_t i = 0; i < nt->doc->nheadings; i++)
		if (attackid_is(nt->doc->headings[i].text)) {
			nt->attack_id = trimmed(nt->doc->headings[i].text,
			                        strlen(nt->doc->headings[i].text));
			return 0;
		}
	nt->attack_id = notefacts_title_id(nt->title);
	return 0;
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t utf8_invalid(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2
		           : (c & 0xf0) == 0xe0                  ? 3
		           : (c & 0xf8) == 0xf0 && c <= 0xf4     ? 4
		                                                 : 0;
		uint32_t cp;

		if (!n || i + n > len)
			return i;
		cp = n == 1 ? c : c & (0x7f >> n);
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return i;
		i += n;
	}
	return len;
}

/* The text with every invalid byte replaced by U+FFFD. Caller frees. */
static char *utf8_repaired(const char *text, size_t len, size_t *outlen)
{
	strbuf sb = STRBUF_INIT;
	size_t i = 0, ok;

	while (i < len) {
		ok = utf8_invalid(text + i, len - i);
		strbuf_put(&sb, text + i, ok);
		i += ok;
		if (i < len) {
			strbuf_puts(&sb, "\xef\xbf\xbd");
			i++;
		}
	}
	*outlen = sb.len;
	return strbuf_detach(&sb);
}

static unsigned line_of(const char *text, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static void warn(note *nt, char *msg)
{
	if ((nt->nwarnings & (nt->nwarnings - 1)) == 0)
		nt->warnings = xreallocarray(
		    nt->warnings, nt->nwarnings ? 2 * nt->nwarnings : 1,
		    sizeof(char *));
	nt->warnings[nt->nwarnings++] = msg;
}

static void find_description(note *nt)
{
	const markdown_doc *d = nt->doc;
	const char *first = "";
	strbuf sb = STRBUF_INIT;
	bool any = false;

	/* Section pointers are the heading texts: compare by identity, as
	 * two headings may have the same words. A "Description" heading
	 * names the section; else the text before any heading, else the
	 * text under the first heading. */
	for (size_t i = 0; i < d->nheadings; i++)
		if (strcasecmp(d->headings[i].text, "Description") == 0) {
			first = d->headings[i].text;
			any = true;
			break;
		}
	for (size_t i = 0; i < d->nparas && !any; i++)
		any = any || d->paras[i].section[0] == '\0';
	if (!any && d->nheadings)
		first = d->headings[0].text;
	for (size_t i = 0; i < d->nparas; i++) {
		if (first[0] ? d->paras[i].section != first
		             : d->paras[i].section[0] != '\0')
			continue;
		if (sb.len)
			strbuf_puts(&sb, "\n\n");
		strbuf_puts(&sb, d->paras[i].text);
	}
	nt->description = strbuf_detach(&sb);
	strbuf_free(&sb);
}

/* The file name of a link target without folders and ".md". */
static char *target_name(const char *target)
{
	const char *slash = strrchr(target, '/');
	const char *name = slash ? slash + 1 : target;
	size_t n = strlen(name);

	if (n >= 3 && strcasecmp(name + n - 3, ".md") == 0)
		n -= 3;
	return xstrndup(name, n);
}

static void read_links(note *nt)
{
	const markdown_doc *d = nt->doc;

	nt->nlinks = d->nlinks;
	nt->links = xcalloc(d->nlinks ? d->nlinks : 1, sizeof(*nt->links));
	for (size_t i = 0; i < d->nlinks; i++) {
		const markdown_link *md = &d->links[i];
		note_link *l = &nt->links[i];
		char *name;

		l->md = md;
		switch (md->kind) {
		case MARKDOWN_LINK_WIKI:
		case MARKDOWN_LINK_EMBED:
			name = target_name(md->target);
			if (md->text && attackid_is(md->text))
				l->attack_id =
				    trimmed(md->text, strlen(md->text));
			else if (attackid_is(name))
				l->attack_id = xstrdup(name);
			else /* "T1566.001 - Spearphishing Attachment" */
				l->attack_id = notefacts_title_id(name);
			free(name);
			break;
		case MARKDOWN_LINK_URL:
			l->attack_id = attackid_from_url(md->target);
			break;
		case MARKDOWN_LINK_IMAGE:
			break;
		}
	}
}

static void read_mentions(note *nt)
{
	const markdown_doc *d = nt->doc;

	for (size_t i = 0; i < d->nprose; i++) {
		const char *text = d->prose[i].text;
		size_t len = strlen(text), pos = 0, at;
		char id[ATTACKID_MAX];

		while (attackid_scan(id, &at, &pos, text, len)) {
			note_mention *m;

			nt->mentions = grow(nt->mentions, nt->nmentions,
			                    sizeof(*nt->mentions));
			m = &nt->mentions[nt->nmentions++];
			memset(m, 0, sizeof(*m));
			memcpy(m->attack_id, id, strlen(id) + 1);
			m->line = d->prose[i].line;
			m->section = d->prose[i].section;
		}
	}
}

/* "(Citation: NAME)" markers, as ATT&CK descriptions carry them. NAME ends
 * at the ')' that balances the opening one. */
static void read_citations(note *nt)
{
	static const char marker[] = "(Citation:";
	const markdown_doc *d = nt->doc;
	struct uniq u = {&nt->citations, &nt->ncitations, false, NULL, 0};

	for (size_t i = 0; i < d->nprose; i++) {
		const char *p = d->prose[i].text;

		while ((p = strstr(p, marker))) {
			const char *s = p + sizeof(marker) - 1, *e = s;
			int depth = 1;

			for (; *e; e++) {
				if (*e == '(')
					depth++;
				else if (*e == ')' && --depth == 0)
					break;
			}
			if (!*e)
				break;
			add_unique(&u, trimmed(s, (size_t)(e - s)));
			p = e + 1;
		}
	}
	free(u.set);
}

static bool is_url(const char *s)
{
	return (strncasecmp(s, "https://", 8) == 0 && s[8]) ||
	       (strncasecmp(s, "http://", 7) == 0 && s[7]);
}

/* Items "NAME: URL" or "URL" of every section titled "References". */
static void read_references(note *nt)
{
	const markdown_doc *d = nt->doc;

	for (size_t i = 0; i < d->nitems; i++) {
		const char *text = d->items[i].text, *url = NULL, *p;
		char *section =
		    trimmed(d->items[i].section, strlen(d->items[i].section));
		bool refs = strcasecmp(section, "References") == 0;
		note_reference *r;

		free(section);
		if (!refs || !text || strchr(text, '\n'))
			continue;
		if (is_url(text))
			url = text;
		/* The last ": http" splits: names may hold ": " too. */
		for (p = text; (p = strstr(p, ": ")); p++)
			if (is_url(p + 2) && !strchr(p + 2, ' '))
				url = p + 2;
		if (!url || strchr(url, ' '))
			continue;
		nt->refs = grow(nt->refs, nt->nrefs, sizeof(*nt->refs));
		r = &nt->refs[nt->nrefs++];
		r->name = url == text ? xstrdup("")
		                      : trimmed(text, (size_t)(url - 2 - text));
		r->url = xstrdup(url);
		r->line = d->items[i].line;
		r->label = NULL;
	}
}

/* Parse with messages naming shown and the record naming path. */
static int parse(note **out, const char *shown, const char *path,
                 const char *input, size_t len)
{
	frontmatter_span span;
	note *nt = xcalloc(1, sizeof(*nt));
	struct uniq aliases = {&nt->aliases, &nt->naliases, false, NULL, 0};
	struct uniq tags = {&nt->tags, &nt->ntags, true, NULL, 0};
	size_t bad = utf8_invalid(input, len);
	char *text;
	int error;

	*out = NULL;
	nt->path = xstrdup(path);
	nt->title = target_name(path);
	/* Invalid bytes become U+FFFD (the store holds UTF-8 text); the
	 * comments are blanked in this copy, lines kept. */
	if (bad < len) {
		strbuf w = STRBUF_INIT;

		strbuf_printf(&w, "%s:%u: invalid UTF-8, read as U+FFFD", shown,
		              line_of(input, bad));
		warn(nt, strbuf_detach(&w));
		text = utf8_repaired(input, len, &len);
	} else {
		text = xstrndup(input, len);
	}
	notefacts_blank_comments(text, len);
	if ((error = frontmatter_split(&span, shown, text, len)) < 0) {
		/* An unclosed frontmatter: all of it is the body. */
		warn(nt, xstrdup(kb_error_last()));
		kb_error_clear();
		memset(&span, 0, sizeof(span));
		span.body_line = 1;
		error = 0;
	}
	error = frontmatter_parse(&nt->frontmatter, shown,
	                          span.present ? text + span.yaml_off : "",
	                          span.yaml_len, span.yaml_line);
	if (error == KB_EPARSE) {
		/* Broken YAML: the note is read without its frontmatter. */
		warn(nt, xstrdup(kb_error_last()));
		kb_error_clear();
		error = frontmatter_parse(&nt->frontmatter, shown, "", 0, 1);
	}
	if (error < 0)
		goto done;
	nt->body_line = span.body_line;
	if ((error = markdown_parse(&nt->doc, shown, text + span.body_off,
	                            len - span.body_off, span.body_line)) < 0)
		goto done;
	if ((error = read_list(&aliases, nt, shown, "alias", "aliases", ",")) <
	        0 ||
	    (error = read_list(&tags, nt, shown, "tag", "tags", ", \t\n")) < 0)
		goto done;
	for (size_t i = 0; i < nt->doc->ntags; i++)
		add_unique(&tags, xstrdup(nt->doc->tags[i].name));
	notefacts_read_url(nt);
	if ((error = find_note_id(nt, shown, text + span.body_off,
	                          len - span.body_off)) < 0)
		goto done;
	nt->kind = nt->attack_id ? attackid_kind(nt->attack_id) : NULL;
	find_description(nt);
	read_links(nt);
	read_mentions(nt);
	read_citations(nt);
	read_references(nt);
	notefacts_read(nt, shown, text, len);
	*out = nt;
	nt = NULL;
done:
	free(text);
	free(aliases.set);
	free(tags.set);
	note_free(nt);
	return error;
}

int note_parse_shown(note **out, const char *shown, const char *path,
                     const char *text, size_t len)
{
	return parse(out, shown, path, text, len);
}

int note_parse(note **out, const char *path, const char *text, size_t len)
{
	return parse(out, path, path, text, len);
}

/* A relative path that stays inside its root: no leading '/', no ".."
 * segment, no empty name. */
static bool is_inside(const char *relpath)
{
	const char *p = relpath;

	if (!*p || *p == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return relpath[strlen(relpath) - 1] != '/';
}

int note_parse_file(note **out, const char *root, const char *relpath)
{
	char *full, *text = NULL;
	size_t len;
	int error;

	*out = NULL;
	if (!is_inside(relpath))
		return kb_error_set(KB_EUSAGE, "%s: not a note path inside %s",
		                    relpath, root);
	full = fsutil_path_join(root, relpath);
	if ((error = fsutil_read_file(&text, &len, full, KB_MAX_NOTE_FILE)) ==
	    0)
		error = parse(out, full, relpath, text, len);
	free(text);
	free(full);
	return error;
}

void note_free(note *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->naliases; i++)
		free(n->aliases[i]);
	for (size_t i = 0; i < n->ntags; i++)
		free(n->tags[i]);
	for (size_t i = 0; i < n->nlinks; i++)
		free(n->links[i].attack_id);
	for (size_t i = 0; i < n->ncitations; i++)
		free(n->citations[i]);
	for (size_t i = 0; i < n->nrefs; i++) {
		free(n->refs[i].name);
		free(n->refs[i].url);
		free(n->refs[i].label);
	}
	notefacts_free(n);
	free(n->aliases);
	free(n->tags);
	free(n->links);
	free(n->mentions);
	free(n->citations);
	free(n->refs);
	free(n->attack_id);
	free(n->description);
	markdown_doc_free(n->doc);
	frontmatter_free(n->frontmatter);
	free(n->title);
	free(n->path);
	free(n);
}
