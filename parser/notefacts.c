/* parser/notefacts.c: the parts of an Obsidian ATT&CK note cmark does not
 * model (comments, callout fields, footnotes) and what the note states:
 * its object's name, fields (tactic, platforms, permissions) and the table
 * rows that state relationships (mitigations, sub-techniques, techniques
 * used or addressed, procedure examples). Read from raw lines where cmark
 * loses the syntax, from the parsed tables and lists elsewhere. */
#include "parser/notefacts.h"
#include "kb/attackid.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

static char *trim_n(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

void notefacts_blank_comments(char *text, size_t len)
{
	size_t i = 0;

	while (i + 1 < len) {
		size_t j;

		if (text[i] != '%' || text[i + 1] != '%') {
			i++;
			continue;
		}
		/* An unclosed comment runs to the end, as in Obsidian. */
		for (j = i + 2; j + 1 < len; j++)
			if (text[j] == '%' && text[j + 1] == '%')
				break;
		j = j + 1 < len ? j + 2 : len;
		for (size_t k = i; k < j; k++)
			if (text[k] != '\n' && text[k] != '\r')
				text[k] = ' ';
		i = j;
	}
}

/* Lines of a text: start, length without the line end, file line. */
struct lines {
	const char *text;
	size_t len, off;
	unsigned line;
};

static bool next_line(struct lines *ls, const char **s, size_t *n)
{
	const char *nl;

	if (ls->off >= ls->len)
		return false;
	*s = ls->text + ls->off;
	nl = memchr(*s, '\n', ls->len - ls->off);
	*n = nl ? (size_t)(nl - *s) : ls->len - ls->off;
	ls->off += *n + (nl ? 1 : 0);
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	ls->line++;
	return true;
}

/* Skip blanks and blockquote markers; *quoted tells whether any. */
static const char *unquote(const char *s, size_t *n, bool *quoted)
{
	*quoted = false;
	for (;;) {
		while (*n && (*s == ' ' || *s == '\t')) {
			s++;
			(*n)--;
		}
		if (!*n || *s != '>')
			return s;
		*quoted = true;
		s++;
		(*n)--;
	}
}

/* "Key: value" on a line; the key compared ignoring case. Returns the
 * value (trimmed, caller frees) or NULL. */
static char *keyed(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	while (n && (*s == '*' || *s == '_')) { /* **ID:** bold keys */
		s++;
		n--;
	}
	if (n <= k || strncasecmp(s, key, k) != 0)
		return NULL;
	s += k;
	n -= k;
	while (n && (*s == '*' || *s == '_'))
		s++, n--;
	if (!n || *s != ':')
		return NULL;
	s++;
	n--;
	while (n && (*s == '*' || *s == '_' || *s == ' '))
		s++, n--;
	return trim_n(s, n);
}

char *notefacts_callout_id(const char *text, size_t len)
{
	struct lines ls = {text, len, 0, 0};
	const char *s;
	size_t n;
	bool quoted;

	while (next_line(&ls, &s, &n)) {
		char *v;

		s = unquote(s, &n, &quoted);
		if (!quoted || !(v = keyed(s, n, "ID")))
			continue;
		if (attackid_is(v))
			return v;
		free(v);
	}
	return NULL;
}

char *notefacts_title_id(const char *title)
{
	size_t len = strlen(title), pos = 0, at;
	char id[ATTACKID_MAX], last[ATTACKID_MAX] = "";
	size_t last_end = 0;

	while (attackid_scan(id, &at, &pos, title, len)) {
		if (at == 0)
			return xstrdup(id);
		memcpy(last, id, sizeof(id));
		last_end = pos;
	}
	/* A suffix: only blanks may follow it. */
	while (last_end && last_end < len && isspace((unsigned char)title[last_end]))
		last_end++;
	return last[0] && last_end == len ? xstrdup(last) : NULL;
}

/* A value with Obsidian markup undone: [[a|b]] -> b, [[path/a]] -> a,
 * emphasis and code marks dropped, "\|" -> "|". Caller frees. */
static char *plain(const char *s, size_t n)
{
	strbuf sb = STRBUF_INIT;
	char *out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') {
			const char *e = strstr(s + i + 2, "]]");
			const char *b = s + i + 2, *bar, *sl;

			if (!e || (size_t)(e - s) > n) {
				strbuf_put(&sb, s + i, n - i);
				break;
			}
			bar = memchr(b, '|', (size_t)(e - b));
			if (bar) {
				strbuf_put(&sb, bar + 1, (size_t)(e - bar - 1));
				if (sb.len && sb.ptr[sb.len - 1] == '\\')
					strbuf_truncate(&sb, sb.len - 1);
			} else {
				const char *end = e;

				if (bar && bar > b && bar[-1] == '\\')
					end = bar - 1;
				for (sl = b; (sl = memchr(b, '/', (size_t)(end - b)));)
					b = sl + 1;
				strbuf_put(&sb, b, (size_t)(end - b));
			}
			/* "[[x\|y]]": the escape belongs to the table. */
			i = (size_t)(e - s) + 1;
			continue;
		}
		if (s[i] == '*' || s[i] == '`' ||
		    (s[i] == '\\' && i + 1 < n && s[i + 1] == '|'))
			continue;
		strbuf_putc(&sb, s[i]);
	}
	out = trim_n(sb.ptr, sb.len);
	strbuf_free(&sb);
	return out;
}

static void add_warning(note *nt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(note *nt, const char *fmt, ...)
{
	strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	nt->warnings = grow(nt->warnings, nt->nwarnings, sizeof(char *));
	nt->warnings[nt->nwarnings++] = strbuf_detach(&sb);
	strbuf_free(&sb);
}

static note_fact *add_fact(note *nt, const char *relation, const char *src,
                           const char *tgt, char *name, char *desc,
                           unsigned line)
{
	note_fact *f;

	nt->facts = grow(nt->facts, nt->nfacts, sizeof(*nt->facts));
	f = &nt->facts[nt->nfacts++];
	f->relation = relation;
	f->source_id = src ? xstrdup(src) : NULL;
	f->target_id = tgt ? xstrdup(tgt) : NULL;
	f->target_name = name;
	f->description = desc;
	f->line = line;
	f->link = 0;
	return f;
}

/* Has a field fact of this relation and (case-insensitive) value? */
static bool has_field(const note *nt, const char *relation, const char *name,
                      bool any)
{
	for (size_t i = 0; i < nt->nfacts; i++)
		if (nt->facts[i].relation == relation &&
		    (any || strcasecmp(nt->facts[i].target_name, name) == 0))
			return true;
	return false;
}

static const char REL_MITIGATES[] = "mitigates";
static const char REL_SUBTECHNIQUE[] = "subtechnique-of";
static const char REL_USES[] = "uses";
static const char FIELD_TACTIC[] = "tactic";
static const char FIELD_PLATFORM[] = "platform";
static const char FIELD_PERMISSION[] = "permission";

/* One field value: "Persistence (TA0003)", "[[.../Persistence]]", "Linux".
 * Tactics keep their ID apart and lose folders. */
static void add_field(note *nt, const char *field, const char *s, size_t n,
                      unsigned line)
{
	char *v = plain(s, n), id[ATTACKID_MAX] = "";
	size_t pos = 0, at;

	if (field == FIELD_TACTIC &&
	    attackid_scan(id, &at, &pos, v, strlen(v))) {
		char *rest = xstrdup(v);
		size_t len = strlen(id);

		/* "Persistence (TA0003)": drop the ID and its brackets. */
		memmove(rest + at, rest + at + len, strlen(rest + at + len) + 1);
		for (char *p = rest; *p; p++)
			if (*p == '(' || *p == ')')
				*p = ' ';
		free(v);
		v = trim_n(rest, strlen(rest));
		free(rest);
		if (strncmp(id, "TA", 2) != 0)
			id[0] = '\0';
	}
	if (field == FIELD_TACTIC && strrchr(v, '/')) {
		char *b = xstrdup(strrchr(v, '/') + 1);

		free(v);
		v = b;
	}
	if ((!*v && !id[0]) || has_field(nt, field, v, false)) {
		free(v);
		return;
	}
	add_fact(nt, field, nt->attack_id, id[0] ? id : NULL, v, NULL, line);
}

/* Values separated by commas, or by " - " (one list item holding several
 * values, as one generator writes permissions). */
static void add_fields(note *nt, const char *field, const char *s,
                       unsigned line)
{
	while (*s) {
		const char *comma = strchr(s, ','), *dash = strstr(s, " - ");
		const char *end = s + strlen(s);

		if (comma && comma < end)
			end = comma;
		if (dash && dash < end)
			end = dash;
		add_field(nt, field, s, (size_t)(end - s), line);
		s = *end == ',' ? end + 1 : *end ? end + 3 : end;
	}
}

static const char *field_of(const char *key)
{
	static const struct {
		const char *key, *field;
	} keys[] = {
	    {"tactic", FIELD_TACTIC},           {"tactics", FIELD_TACTIC},
	    {"platform", FIELD_PLATFORM},       {"platforms", FIELD_PLATFORM},
	    {"permissions required", FIELD_PERMISSION},
	    {"permissions_required", FIELD_PERMISSION},
	    {"permissions-required", FIELD_PERMISSION},
	    {"permission required", FIELD_PERMISSION},
	};
	char *k = trim_n(key, strlen(key));

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(k, keys[i].key) == 0) {
			free(k);
			return keys[i].field;
		}
	free(k);
	return NULL;
}

static void read_frontmatter_fields(note *nt)
{
	const frontmatter_value *fm = nt->frontmatter;

	for (size_t i = 0; i < fm->n; i++) {
		const frontmatter_value *v = fm->items[i];
		const char *field = field_of(fm->keys[i]);

		if (!field)
			continue;
		if (v->type == FRONTMATTER_SCALAR)
			add_fields(nt, field, v->text, v->line);
		else if (v->type == FRONTMATTER_LIST)
			for (size_t j = 0; j < v->n; j++)
				if (v->items[j]->type == FRONTMATTER_SCALAR)
					add_fields(nt, field, v->items[j]->text,
					           v->items[j]->line);
	}
}

/* The first attack.mitre.org URL among the frontmatter's texts. */
static char *frontmatter_url(const frontmatter_value *v)
{
	char *id, *url;

	if (v->type == FRONTMATTER_SCALAR) {
		if (!(id = attackid_from_url(v->text)))
			return NULL;
		free(id);
		return trim_n(v->text, strlen(v->text));
	}
	for (size_t i = 0; i < v->n; i++)
		if ((url = frontmatter_url(v->items[i])))
			return url;
	return NULL;
}

static bool is_url_at(const char *p)
{
	return strncasecmp(p, "https://", 8) == 0 ||
	       strncasecmp(p, "http://", 7) == 0;
}

/* A footnote's reference: "[Name](url)", or "Name. ... url", or "url". */
static void footnote_ref(note *nt, const note_footnote *fn)
{
	const char *t = fn->text, *u = NULL;
	note_reference *r;
	size_t ulen;
	char *name;

	for (const char *p = t; *p; p++)
		if ((p == t || !isalnum((unsigned char)p[-1])) && is_url_at(p)) {
			u = p;
			break;
		}
	if (!u)
		return;
	ulen = strcspn(u, " \t)>]\"'");
	while (ulen && strchr(".,;", u[ulen - 1]))
		ulen--;
	if (t[0] == '[' && u > t + 1 && u[-1] == '(' && u[-2] == ']')
		name = trim_n(t + 1, (size_t)(u - 2 - t - 1));
	else if (fn->label[strspn(fn->label, "0123456789")]) {
		/* "[^TechNet_Credential_Guard]": named after its source. */
		name = xstrdup(fn->label);
		for (char *p = name; *p; p++)
			if (*p == '_')
				*p = ' ';
	} else {
		size_t n = (size_t)(u - t);

		while (n && strchr(" \t:-<(", t[n - 1]))
			n--;
		name = n ? trim_n(t, n) : xstrdup(fn->label);
	}
	nt->refs = grow(nt->refs, nt->nrefs, sizeof(*nt->refs));
	r = &nt->refs[nt->nrefs++];
	r->name = name;
	r->url = xstrndup(u, ulen);
	r->line = fn->line;
	r->label = xstrdup(fn->label);
}

static const char *const callout_keys[] = {
    "Tactics", "Tactic", "Platforms", "Platform", "Permissions Required", NULL};

/* Footnote definitions and callout fields, from the raw lines. */
static void read_lines(note *nt, const char *text, size_t len)
{
	struct lines ls = {text, len, 0, 0};
	const char *s;
	size_t n;
	bool quoted;

	while (next_line(&ls, &s, &n)) {
		const char *e;

		s = unquote(s, &n, &quoted);
		if (n > 4 && s[0] == '[' && s[1] == '^' &&
		    (e = memchr(s, ']', n)) && (size_t)(e - s) + 1 < n &&
		    e[1] == ':' && e > s + 2) {
			note_footnote *fn;

			nt->footnotes = grow(nt->footnotes, nt->nfootnotes,
			                     sizeof(*nt->footnotes));
			fn = &nt->footnotes[nt->nfootnotes++];
			fn->label = xstrndup(s + 2, (size_t)(e - s - 2));
			fn->text = trim_n(e + 2, n - (size_t)(e + 2 - s));
			fn->line = ls.line;
			continue;
		}
		if (!quoted)
			continue;
		for (const char *const *k = callout_keys; *k; k++) {
			char *v = keyed(s, n, *k);

			if (v) {
				add_fields(nt, field_of(*k), v, ls.line);
				free(v);
				break;
			}
		}
	}
}

static bool section_is(const char *section, const char *name)
{
	char *t = trim_n(section, strlen(section));
	bool eq = strcasecmp(t, name) == 0;

	free(t);
	return eq;
}

/* Items of the "Tactic", "Platforms", "Permissions Required" sections. */
static void read_section_fields(note *nt)
{
	const markdown_doc *d = nt->doc;

	for (size_t i = 0; i < d->nitems; i++) {
		const markdown_item *it = &d->items[i];
		const char *field = field_of(it->section);

		if (field && it->depth == 1 && it->text)
			add_field(nt, field, it->text, strlen(it->text),
			          it->line);
	}
}

static char *title_case(const char *slug, bool platform)
{
	static const struct {
		const char *slug, *name;
	} known[] = {
	    {"windows", "Windows"},     {"linux", "Linux"},
	    {"macos", "macOS"},         {"network", "Network"},
	    {"containers", "Containers"}, {"iaas", "IaaS"},
	    {"saas", "SaaS"},           {"office-365", "Office 365"},
	    {"azure-ad", "Azure AD"},   {"google-workspace", "Google Workspace"},
	    {"identity-provider", "Identity Provider"}, {"pre", "PRE"},
	    {"esxi", "ESXi"},           {"network-devices", "Network Devices"},
	};
	strbuf sb = STRBUF_INIT;
	bool start = true;
	char *out;

	if (platform)
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcasecmp(slug, known[i].slug) == 0)
				return xstrdup(known[i].name);
	for (const char *p = slug; *p; p++) {
		char c = *p == '-' || *p == '_' ? ' ' : *p;

		if (start && strncmp(p, "and-", 4) == 0 && sb.len)
			c = 'a';
		else if (start)
			c = (char)toupper((unsigned char)c);
		strbuf_putc(&sb, c);
		start = c == ' ';
	}
	out = strbuf_detach(&sb);
	strbuf_free(&sb);
	return out;
}

/* Tags "attack/tactic/persistence" and "platform/windows", when nothing
 * else names the note's tactics or platforms. */
static void read_tag_fields(note *nt)
{
	bool tactics = has_field(nt, FIELD_TACTIC, NULL, true);
	bool platforms = has_field(nt, FIELD_PLATFORM, NULL, true);

	for (size_t i = 0; i < nt->ntags; i++) {
		const char *t = nt->tags[i], *slash = strrchr(t, '/');
		char *v;

		if (!slash || !slash[1])
			continue;
		if (!tactics && (strncasecmp(t, "attack/tactic/", 14) == 0 ||
		                 strncasecmp(t, "tactic/", 7) == 0)) {
			v = title_case(slash + 1, false);
			add_field(nt, FIELD_TACTIC, v, strlen(v), 0);
			free(v);
		} else if (!platforms &&
		           (strncasecmp(t, "platform/", 9) == 0 ||
		            strncasecmp(t, "attack/platform/", 16) == 0)) {
			v = title_case(slash + 1, true);
			add_field(nt, FIELD_PLATFORM, v, strlen(v), 0);
			free(v);
		}
	}
}

static long column(const markdown_table *t, const char *const *names)
{
	for (size_t c = 0; c < t->ncols; c++)
		for (const char *const *n = names; *n; n++)
			if (section_is(t->cells[c], *n))
				return (long)c;
	return -1;
}

/* Cells of a raw table row: '|' not escaped and not in code. */
static size_t raw_cells(const char *s, size_t n)
{
	size_t cells = 1;
	bool code = false;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n && *s == '|')
		s++, n--;
	if (n && s[n - 1] == '|' && (n < 2 || s[n - 2] != '\\'))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '`')
			code = !code;
		else if (s[i] == '|' && !code)
			cells++;
	}
	return cells;
}

/* The text of file line `line`, or NULL. */
static const char *line_at(const char *text, size_t len, unsigned line,
                           size_t *n)
{
	struct lines ls = {text, len, 0, 0};
	const char *s;

	while (next_line(&ls, &s, n))
		if (ls.line == line)
			return s;
	return NULL;
}

static char *row_id(const note *nt, const char *cell)
{
	size_t pos = 0, at;
	char id[ATTACKID_MAX];
	char *c = trim_n(cell, strlen(cell));

	/* ".001" under a technique, as the ATT&CK site writes them. */
	if (c[0] == '.' && strlen(c) == 4 && isdigit((unsigned char)c[1]) &&
	    nt->attack_id && nt->attack_id[0] == 'T' &&
	    !strchr(nt->attack_id, '.')) {
		char *full = xmalloc(strlen(nt->attack_id) + 5);

		sprintf(full, "%s%s", nt->attack_id, c);
		free(c);
		return full;
	}
	if (!attackid_scan(id, &at, &pos, c, strlen(c))) {
		free(c);
		return NULL;
	}
	free(c);
	return xstrdup(id);
}

/* A table cell's text without footnote references ("...persistence.[^13]"):
 * relationship texts carry no citation marks. */
static char *without_footnote_refs(const char *cell)
{
	char *out = trim_n(cell, strlen(cell)), *w = out;

	for (const char *p = out; *p;) {
		const char *e;

		if (p[0] == '[' && p[1] == '^' && (e = strchr(p + 2, ']')) &&
		    e > p + 2 && !memchr(p + 2, ' ', (size_t)(e - p - 2))) {
			p = e + 1;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	return out;
}

/* '／' (U+FF0F), which generators put in file names for '/', back to
 * '/' in place. */
static void fullwidth_slashes(char *s)
{
	char *w = s;

	for (char *p = s; *p;) {
		if (strncmp(p, "\xef\xbc\x8f", 3) == 0) {
			*w++ = '/';
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
}

static void read_tables(note *nt, const char *shown, const char *text,
                        size_t len)
{
	static const char *const id_cols[] = {"ID", NULL};
	static const char *const name_cols[] = {"Name", "Technique", NULL};
	static const char *const desc_cols[] = {"Description", "Use", "Uses",
	                                        NULL};
	const markdown_doc *d = nt->doc;

	for (size_t t = 0; t < d->ntables; t++) {
		const markdown_table *tb = &d->tables[t];
		const char *rel = NULL;
		bool row_is_source = true;
		long idc, namec, descc;

		if (section_is(tb->section, "Mitigations"))
			rel = REL_MITIGATES;
		else if (section_is(tb->section, "Sub-techniques") ||
		         section_is(tb->section, "Subtechniques"))
			rel = REL_SUBTECHNIQUE;
		else if (section_is(tb->section, "Procedure Examples"))
			rel = REL_USES;
		else if (section_is(tb->section, "Techniques Used"))
			rel = REL_USES, row_is_source = false;
		else if (section_is(tb->section,
		                    "Techniques Addressed by Mitigation"))
			rel = REL_MITIGATES, row_is_source = false;
		if (!rel || tb->nrows < 2)
			continue;
		idc = column(tb, id_cols);
		if (idc < 0)
			idc = 0;
		namec = column(tb, name_cols);
		if (namec < 0 && tb->ncols > 1)
			namec = idc + 1 < (long)tb->ncols ? idc + 1 : -1;
		descc = column(tb, desc_cols);
		if (descc < 0 && tb->ncols > 2)
			descc = (long)tb->ncols - 1;
		for (size_t r = 1; r < tb->nrows; r++) {
			const char *const *row =
			    (const char *const *)tb->cells + r * tb->ncols;
			unsigned line = tb->line + 1 + (unsigned)r;
			char *id = row_id(nt, row[idc]);
			size_t n, cells;
			const char *raw = line_at(text, len, line, &n);

			if (raw && (cells = raw_cells(raw, n)) > tb->ncols)
				add_warning(nt,
				            "%s:%u: table row has %zu cells, its "
				            "header %zu: an unescaped '|' in a "
				            "cell? The text after it is lost",
				            shown, line, cells, tb->ncols);
			if (!id)
				continue;
			if (namec >= 0)
				fullwidth_slashes(tb->cells[r * tb->ncols + (size_t)namec]);
			add_fact(nt, rel, row_is_source ? id : nt->attack_id,
			         row_is_source ? nt->attack_id : id,
			         namec >= 0 ? trim_n(row[namec],
			                             strlen(row[namec]))
			                    : NULL,
			         descc >= 0 && row[descc][0]
			             ? without_footnote_refs(row[descc])
			             : NULL,
			         line);
			free(id);
		}
	}
}

/* ---- Relationship lists (attackkb's own vault) ----------------------- */

static const char REL_ATTRIBUTED[] = "attributed-to";

/* The headings of levels 2 and 3 above file line `line` (NULL if none; a
 * level-2 heading clears the level-3 one). */
static void headings_above(const markdown_doc *d, unsigned line,
                           const char **h2, const char **h3)
{
	*h2 = *h3 = NULL;
	for (size_t i = 0; i < d->nheadings && d->headings[i].line < line;
	     i++) {
		if (d->headings[i].level <= 2) {
			*h2 = d->headings[i].level == 2 ? d->headings[i].text
			                                : NULL;
			*h3 = NULL;
		} else if (d->headings[i].level == 3) {
			*h3 = d->headings[i].text;
		}
	}
}

/* What a list of links under h2 (and h3) in a note of kind `kind` states:
 * the relation, whether the listed object is its source, and the kinds
 * the listed object may have (bits of list_kinds[]). */
static const char *const list_kinds[] = {"technique", "subtechnique",
                                         "mitigation", "group",
                                         "software", "campaign", NULL};
enum { LK_T = 3, LK_M = 4, LK_G = 8, LK_S = 16, LK_C = 32, LK_SUB = 2 };

static const char *list_relation(const char *kind, const char *h2,
                                 const char *h3, bool *row_is_source,
                                 unsigned *kinds)
{
	bool tech = kind && (strcmp(kind, "technique") == 0 ||
	                     strcmp(kind, "subtechnique") == 0);

	*row_is_source = true;
	if (!kind || !h2)
		return NULL;
	if (tech && section_is(h2, "Sub-techniques"))
		return *kinds = LK_SUB, REL_SUBTECHNIQUE;
	if (tech && section_is(h2, "Mitigations"))
		return *kinds = LK_M, REL_MITIGATES;
	if (tech && section_is(h2, "Procedure examples") && h3) {
		*kinds = section_is(h3, "Groups")     ? LK_G
		         : section_is(h3, "Software") ? LK_S
		         : section_is(h3, "Campaigns") ? LK_C
		                                       : 0;
		return *kinds ? REL_USES : NULL;
	}
	if (tech)
		return NULL;
	*row_is_source = false;
	if (strcmp(kind, "mitigation") == 0 &&
	    section_is(h2, "Techniques addressed"))
		return *kinds = LK_T, REL_MITIGATES;
	if (strcmp(kind, "mitigation") == 0)
		return NULL;
	if (section_is(h2, "Techniques used"))
		return *kinds = LK_T, REL_USES;
	if (strcmp(kind, "software") != 0 && section_is(h2, "Software used"))
		return *kinds = LK_S, REL_USES;
	if (strcmp(kind, "campaign") == 0 && section_is(h2, "Attributed to"))
		return *kinds = LK_G, REL_ATTRIBUTED;
	*row_is_source = true;
	if (strcmp(kind, "software") == 0 && section_is(h2, "Used by"))
		return *kinds = LK_G | LK_C, REL_USES;
	if (strcmp(kind, "group") == 0 && section_is(h2, "Campaigns"))
		return *kinds = LK_C, REL_ATTRIBUTED;
	return NULL;
}

static bool kind_in(const char *kind, unsigned kinds)
{
	for (size_t i = 0; kind && list_kinds[i]; i++)
		if (strcmp(kind, list_kinds[i]) == 0)
			return kinds >> i & 1;
	return false;
}

/* The text of a list item "- [[ID Name]]: TEXT" after the link, with its
 * continuation lines (indented, or blank between indented ones) joined
 * by '\n' without their indent; NULL when the item does not start with
 * a wikilink, "" when nothing follows it. */
static char *item_rest(const char *text, size_t len, unsigned line)
{
	struct lines ls = {text, len, 0, 0};
	const char *s, *e;
	size_t n;
	strbuf sb = STRBUF_INIT;
	char *out;
	size_t keep;

	while (next_line(&ls, &s, &n) && ls.line < line)
		;
	if (ls.line != line)
		return NULL;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n < 6 || !strchr("-*+", *s) || s[1] != ' ')
		return NULL;
	s += 2, n -= 2;
	if (n < 4 || strncmp(s, "[[", 2) != 0 ||
	    !(e = memmem(s, n, "]]", 2)))
		return NULL;
	n -= (size_t)(e + 2 - s);
	s = e + 2;
	if (n && *s == ':')
		s++, n--;
	while (n && *s == ' ')
		s++, n--;
	strbuf_put(&sb, s, n);
	keep = sb.len;
	while (next_line(&ls, &s, &n)) {
		if (n == 0) {
			strbuf_putc(&sb, '\n');
			continue;
		}
		if (n < 2 || s[0] != ' ' || s[1] != ' ')
			break;
		strbuf_putc(&sb, '\n');
		strbuf_put(&sb, s + 2, n - 2);
		keep = sb.len;
	}
	out = trim_n(sb.ptr, keep);
	strbuf_free(&sb);
	return out;
}

/* Bullet lists of wikilinks stating relationships, as attackkb's vault
 * writes them: "## Mitigations" then "- [[M1026 Name]]: how", ... */
static void read_lists(note *nt, const char *text, size_t len)
{
	const markdown_doc *d = nt->doc;
	size_t l = 0;
	char *id = NULL;

	if (!nt->attack_id)
		return;
	for (size_t i = 0; i < d->nitems; i++) {
		const markdown_item *it = &d->items[i];
		const char *h2, *h3, *rel, *kind;
		const note_link *link = NULL;
		bool row_src;
		unsigned kinds = 0;
		char *rest, *name;

		if (it->depth != 1)
			continue;
		headings_above(d, it->line, &h2, &h3);
		if (!(rel = list_relation(nt->kind, h2, h3, &row_src, &kinds)))
			continue;
		while (l < nt->nlinks && nt->links[l].md->line < it->line)
			l++;
		if (l < nt->nlinks && nt->links[l].md->line == it->line &&
		    nt->links[l].md->kind == MARKDOWN_LINK_WIKI)
			link = &nt->links[l];
		if (!link)
			continue;
		free(id);
		if (link->attack_id) {
			id = xstrdup(link->attack_id);
		} else {
			const char *b = strrchr(link->md->target, '/');

			id = notefacts_title_id(b ? b + 1 : link->md->target);
		}
		if (!id || !(kind = attackid_kind(id)) || !kind_in(kind, kinds))
			continue;
		if (!(rest = item_rest(text, len, it->line)))
			continue;
		name = plain(link->md->text ? link->md->text
		                            : link->md->target,
		             strlen(link->md->text ? link->md->text
		                                   : link->md->target));
		if (strncmp(name, id, strlen(id)) == 0 &&
		    name[strlen(id)] == ' ')
			memmove(name, name + strlen(id) + 1,
			        strlen(name + strlen(id)));
		add_fact(nt, rel, row_src ? id : nt->attack_id,
		         row_src ? nt->attack_id : id, name,
		         *rest ? rest : NULL, it->line)
		    ->link = (size_t)(link - nt->links) + 1;
		if (!*rest)
			free(rest);
	}
	free(id);
}

/* The name: frontmatter "name", else the title without its ID. */
static void read_name(note *nt)
{
	const frontmatter_value *v =
	    frontmatter_get(nt->frontmatter, "name", true);
	char *id, *t;
	size_t n;
	strbuf sb = STRBUF_INIT;

	if (v && v->type == FRONTMATTER_SCALAR && v->text[0]) {
		nt->name = trim_n(v->text, strlen(v->text));
		return;
	}
	/* Aliases "ID", "NAME" and "ID NAME" (attackkb's vault): NAME, as
	 * the file name may have lost characters ('/', ':'). */
	for (size_t i = 0; nt->attack_id && i < nt->naliases; i++) {
		size_t il = strlen(nt->attack_id);

		if (strncmp(nt->aliases[i], nt->attack_id, il) != 0 ||
		    nt->aliases[i][il] != ' ' || !nt->aliases[i][il + 1])
			continue;
		for (size_t j = 0; j < nt->naliases; j++)
			if (strcmp(nt->aliases[j], nt->aliases[i] + il + 1) ==
			    0) {
				nt->name = xstrdup(nt->aliases[j]);
				return;
			}
	}
	t = xstrdup(nt->title);
	if ((id = notefacts_title_id(t))) {
		size_t il = strlen(id);

		if (strncmp(t, id, il) == 0)
			memmove(t, t + il, strlen(t + il) + 1);
		else if ((n = strlen(t)) >= il)
			t[n - il] = '\0'; /* suffix (blanks were checked) */
		free(id);
	}
	/* Separators left at either end, '_' as ' ', runs of blanks. */
	for (const char *p = t; *p; p++) {
		if (strncmp(p, "\xef\xbc\x8f", 3) == 0) { /* fullwidth '/' */
			strbuf_putc(&sb, '/');
			p += 2;
			continue;
		}
		char c = *p == '_' ? ' ' : *p;

		if (c == ' ' && (!sb.len || sb.ptr[sb.len - 1] == ' '))
			continue;
		strbuf_putc(&sb, c);
	}
	free(t);
	n = sb.len;
	while (n && strchr(" -", sb.ptr[n - 1]))
		n--;
	t = sb.ptr;
	while (n && strchr(" -", *t))
		t++, n--;
	nt->name = n ? xstrndup(t, n) : NULL;
	strbuf_free(&sb);
	/* A title that is only an ID: a first heading that is not one. */
	if (!nt->name)
		for (size_t i = 0; i < nt->doc->nheadings; i++)
			if (nt->doc->headings[i].level == 1 &&
			    !attackid_is(nt->doc->headings[i].text)) {
				nt->name = xstrdup(nt->doc->headings[i].text);
				break;
			}
}

void notefacts_read_url(note *nt)
{
	nt->url = frontmatter_url(nt->frontmatter);
}

void notefacts_read(note *nt, const char *shown, const char *text,
                    size_t len)
{
	read_name(nt);
	read_frontmatter_fields(nt);
	read_lines(nt, text, len);
	read_section_fields(nt);
	read_tag_fields(nt);
	read_tables(nt, shown, text, len);
	read_lists(nt, text, len);
	for (size_t i = 0; i < nt->nfootnotes; i++)
		footnote_ref(nt, &nt->footnotes[i]);
}

void notefacts_free(note *nt)
{
	for (size_t i = 0; i < nt->nfootnotes; i++) {
		free(nt->footnotes[i].label);
		free(nt->footnotes[i].text);
	}
	for (size_t i = 0; i < nt->nfacts; i++) {
		free(nt->facts[i].source_id);
		free(nt->facts[i].target_id);
		free(nt->facts[i].target_name);
		free(nt->facts[i].description);
	}
	for (size_t i = 0; i < nt->nwarnings; i++)
		free(nt->warnings[i]);
	free(nt->footnotes);
	free(nt->facts);
	free(nt->warnings);
	free(nt->name);
	free(nt->url);
}
