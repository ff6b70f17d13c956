/* export/obsmd.c: ATT&CK's Markdown-with-some-HTML as Obsidian Markdown,
 * one pass over the text; YAML scalars and tag parts for the frontmatter. */
#include "export/obsmd.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Output that indents every line after the first (inside list items). */
struct out {
	strbuf *sb;
	int indent; /* spaces before each continuation line */
	bool bol;   /* the next byte starts a line (after the first) */
};

static void put(struct out *o, const char *s, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;

		if (o->bol && o->indent > 0 && s[0] != '\n')
			for (int i = 0; i < o->indent; i++)
				strbuf_putc(o->sb, ' ');
		strbuf_put(o->sb, s, k);
		o->bol = nl != NULL;
		s += k;
		n -= k;
	}
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Does s (n bytes) start with the ASCII word w, ignoring case? */
static bool starts_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && strncasecmp(s, w, k) == 0;
}

/* Find the ASCII word w in s[0..n) ignoring case; its offset, or n. */
static size_t find_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, w, k) == 0)
			return i;
	return n;
}

/* Append the text of a <code> element as a code span: the five common
 * HTML entities decoded, line breaks as spaces, a fence longer than any
 * backtick run inside. */
static void put_code(struct out *o, const char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&lt;", '<'},   {"&gt;", '>'},  {"&amp;", '&'},
		    {"&quot;", '"'}, {"&#39;", '\''}};
	strbuf code = STRBUF_INIT;
	size_t run = 0, longest = 0;
	bool pad;

	for (size_t i = 0; i < n;) {
		size_t e = 0;

		for (; e < sizeof(ents) / sizeof(ents[0]); e++)
			if (starts_ci(s + i, n - i, ents[e].ent))
				break;
		if (e < sizeof(ents) / sizeof(ents[0])) {
			strbuf_putc(&code, ents[e].c);
			i += strlen(ents[e].ent);
		} else if (s[i] == '\r') {
			i++;
		} else {
			strbuf_putc(&code, s[i] == '\n' ? ' ' : s[i]);
			i++;
		}
	}
	if (code.len == 0) {
		strbuf_free(&code);
		return;
	}
	for (size_t i = 0; i < code.len; i++) {
		run = code.ptr[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = code.ptr[0] == '`' || code.ptr[code.len - 1] == '`' ||
	      (code.ptr[0] == ' ' && code.ptr[code.len - 1] == ' ' &&
	       strspn(code.ptr, " ") < code.len);
	for (size_t i = 0; i <= longest; i++)
		put(o, "`", 1);
	if (pad)
		put(o, " ", 1);
	put(o, code.ptr, code.len);
	if (pad)
		put(o, " ", 1);
	for (size_t i = 0; i <= longest; i++)
		put(o, "`", 1);
	strbuf_free(&code);
}

/* Parse an attack.mitre.org URL into its section and ID ("techniques",
 * "T1136.001"). Returns false for any other URL. */
static bool parse_attack_url(const char *url, size_t n, char *section,
			     size_t ssize, char *id, size_t isize)
{
	static const char *const prefixes[] = {"https://attack.mitre.org/",
					       "http://attack.mitre.org/"};
	const char *p = NULL, *end = url + n, *slash;
	size_t k;

	for (size_t i = 0; i < 2 && !p; i++)
		if (starts_ci(url, n, prefixes[i]))
			p = url + strlen(prefixes[i]);
	if (!p || !(slash = memchr(p, '/', (size_t)(end - p))))
		return false;
	k = (size_t)(slash - p);
	if (k == 0 || k >= ssize)
		return false;
	memcpy(section, p, k);
	section[k] = '\0';
	p = slash + 1;
	for (k = 0; p + k < end && isalnum((unsigned char)p[k]); k++)
		;
	if (k == 0 || k + 5 >= isize)
		return false;
	for (size_t i = 0; i < k; i++)
		id[i] = (char)toupper((unsigned char)p[i]);
	id[k] = '\0';
	p += k;
	if (p + 4 <= end && p[0] == '/' && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	    (p + 4 == end || p[4] == '/')) {
		id[k] = '.';
		memcpy(id + k + 1, p + 1, 3);
		id[k + 4] = '\0';
		p += 4;
	}
	if (p < end && *p == '/')
		p++;
	return p == end;
}

static void convert(struct out *o, const char *s, size_t n,
		    const obsmd_resolver *r);

/* s[0] == '[': a Markdown link [TEXT](URL)? Returns the bytes consumed,
 * or 0 if it is none. */
static size_t do_link(struct out *o, const char *s, size_t n,
		      const obsmd_resolver *r)
{
	size_t i = 1, depth = 1, tend, uend;
	char section[32], id[32];
	const char *target = NULL;

	for (; i < n && depth > 0; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '[')
			depth++;
		else if (s[i] == ']')
			depth--;
		else if (s[i] == '\n' && i + 1 < n && s[i + 1] == '\n')
			return 0; /* links never span paragraphs */
	}
	if (depth > 0 || i >= n || s[i] != '(')
		return 0;
	tend = i - 1; /* the ']' */
	depth = 1;
	for (i++; i < n && depth > 0; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		else if (s[i] == '\n')
			return 0;
	}
	if (depth > 0)
		return 0;
	uend = i - 1; /* the ')' */
	if (r && r->link &&
	    parse_attack_url(s + tend + 2, uend - tend - 2, section,
			     sizeof(section), id, sizeof(id)))
		target = r->link(r->arg, section, id);
	if (target) {
		char *display = xstrndup(s + 1, tend - 1);
		strbuf link = STRBUF_INIT;

		obsmd_wikilink(&link, target, display, false);
		put(o, link.ptr, link.len);
		strbuf_free(&link);
		free(display);
	} else {
		put(o, "[", 1);
		convert(o, s + 1, tend - 1, r);
		put(o, s + tend, uend + 1 - tend);
	}
	return uend + 1;
}

/* s starts with "(Citation:": a citation resolved to a footnote? Returns
 * the bytes consumed, or 0. */
static size_t do_cite(struct out *o, const char *s, size_t n,
		      const obsmd_resolver *r)
{
	size_t start = strlen("(Citation:"), end;

	while (start < n && s[start] == ' ')
		start++;
	for (end = start; end < n && s[end] != '\n'; end++) {
		size_t len = end - start;
		int num;
		char buf[24];

		if (s[end] != ')')
			continue;
		while (len > 0 && s[start + len - 1] == ' ')
			len--;
		if (len == 0 || (num = r->cite(r->arg, s + start, len)) <= 0)
			continue;
		snprintf(buf, sizeof(buf), "[^%d]", num);
		puts_(o, buf);
		return end + 1;
	}
	return 0;
}

/* s[0] == '<': an HTML tag ATT&CK uses? Returns the bytes consumed, or 0
 * (then '<' is escaped). */
static size_t do_tag(struct out *o, const char *s, size_t n)
{
	static const struct {
		const char *tag, *md;
	} simple[] = {{"<b>", "**"},  {"</b>", "**"},  {"<strong>", "**"},
		      {"</strong>", "**"}, {"<i>", "*"}, {"</i>", "*"},
		      {"<em>", "*"},  {"</em>", "*"}};
	size_t i;

	if (starts_ci(s, n, "<code>")) {
		size_t end = find_ci(s + 6, n - 6, "</code>");

		if (end == n - 6)
			return 0;
		put_code(o, s + 6, end);
		return 6 + end + 7;
	}
	if (starts_ci(s, n, "<br")) {
		for (i = 3; i < n && (s[i] == ' ' || s[i] == '/'); i++)
			;
		if (i < n && s[i] == '>') {
			put(o, "\n", 1);
			return i + 1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
		if (starts_ci(s, n, simple[i].tag)) {
			puts_(o, simple[i].md);
			return strlen(simple[i].tag);
		}
	if (starts_ci(s, n, "<http://") || starts_ci(s, n, "<https://")) {
		for (i = 1; i < n && s[i] != '>' &&
			    !isspace((unsigned char)s[i]);
		     i++)
			;
		if (i < n && s[i] == '>') {
			put(o, s, i + 1);
			return i + 1;
		}
	}
	return 0;
}

/* A fenced code block starting at s (at a line start)? Copied as it is;
 * returns the bytes consumed, or 0. */
static size_t do_fence(struct out *o, const char *s, size_t n)
{
	size_t i = 0, run = 0, end;
	char f;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	f = s[i];
	while (i + run < n && s[i + run] == f)
		run++;
	if (run < 3)
		return 0;
	/* The closing fence: a line of at least run fence characters. */
	for (end = i + run; end < n;) {
		const char *nl = memchr(s + end, '\n', n - end);
		size_t line = nl ? (size_t)(nl - s) + 1 : n, k = 0;

		end = line;
		while (end + k < n && s[end + k] == ' ' && k < 3)
			k++;
		if (end + k < n && s[end + k] == f) {
			size_t m = 0;

			while (end + k + m < n && s[end + k + m] == f)
				m++;
			if (m >= run) {
				const char *nl2 =
				    memchr(s + end, '\n', n - end);

				end = nl2 ? (size_t)(nl2 - s) : n;
				break;
			}
		}
	}
	for (size_t k = 0; k < end; k++)
		if (s[k] != '\r')
			put(o, s + k, 1);
	return end;
}

static void convert(struct out *o, const char *s, size_t n,
		    const obsmd_resolver *r)
{
	bool bol = true;
	size_t i = 0, k;

	while (i < n) {
		char c = s[i];

		if (c == '\r') {
			i++;
			continue;
		}
		if (bol && (k = do_fence(o, s + i, n - i)) > 0) {
			i += k;
			bol = false;
			continue;
		}
		bol = false;
		switch (c) {
		case '\n':
			put(o, "\n", 1);
			bol = true;
			i++;
			break;
		case '\\':
			put(o, s + i, i + 1 < n && s[i + 1] != '\n' ? 2 : 1);
			i += i + 1 < n && s[i + 1] != '\n' ? 2 : 1;
			break;
		case '`': {
			size_t run = 0, j;

			while (i + run < n && s[i + run] == '`')
				run++;
			/* The closing run of exactly the same length. */
			for (j = i + run; j < n;) {
				size_t m = 0;

				if (s[j] != '`') {
					j++;
					continue;
				}
				while (j + m < n && s[j + m] == '`')
					m++;
				if (m == run)
					break;
				j += m;
			}
			k = j < n ? j + run - i : run;
			for (size_t x = 0; x < k; x++)
				if (s[i + x] != '\r')
					put(o, s + i + x, 1);
			i += k;
			break;
		}
		case '<':
			if ((k = do_tag(o, s + i, n - i)) > 0) {
				i += k;
			} else {
				put(o, "\\<", 2);
				i++;
			}
			break;
		case '[':
			if ((k = do_link(o, s + i, n - i, r)) > 0) {
				i += k;
			} else {
				if (i + 1 < n &&
				    (s[i + 1] == '[' || s[i + 1] == '^'))
					put(o, "\\[", 2);
				else
					put(o, "[", 1);
				i++;
			}
			break;
		case '(':
			if (r && r->cite &&
			    starts_ci(s + i, n - i, "(Citation:") &&
			    (k = do_cite(o, s + i, n - i, r)) > 0) {
				i += k;
			} else {
				put(o, "(", 1);
				i++;
			}
			break;
		case '%':
			if (i + 1 < n && s[i + 1] == '%') {
				put(o, "%&#37;", 6);
				i += 2;
			} else {
				put(o, "%", 1);
				i++;
			}
			break;
		case '$':
			put(o, "\\$", 2);
			i++;
			break;
		case '#':
			if ((i == 0 || isspace((unsigned char)s[i - 1])) &&
			    i + 1 < n && !isspace((unsigned char)s[i + 1]) &&
			    s[i + 1] != '#')
				put(o, "\\#", 2);
			else
				put(o, "#", 1);
			i++;
			break;
		default:
			/* Copy a run of ordinary bytes at once. */
			k = strcspn(s + i, "\r\n\\`<[(%$#");
			if (k == 0)
				k = 1;
			if (k > n - i)
				k = n - i;
			put(o, s + i, k);
			i += k;
		}
	}
}

void obsmd_text(strbuf *out, const char *text, const obsmd_resolver *r)
{
	obsmd_text_indented(out, text, r, 0);
}

void obsmd_text_indented(strbuf *out, const char *text,
			 const obsmd_resolver *r, int indent)
{
	struct out o = {out, indent, false};

	if (text)
		convert(&o, text, strlen(text), r);
}

void obsmd_wikilink(strbuf *out, const char *target, const char *display,
		    bool in_table)
{
	strbuf d = STRBUF_INIT;

	for (const char *p = display ? display : ""; *p; p++) {
		char c = *p;

		if (c == '|' || c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c == '[' || c == ']' || c == '#' || c == '^' || c == '`')
			continue;
		if (c == ' ' && (d.len == 0 || d.ptr[d.len - 1] == ' '))
			continue;
		strbuf_putc(&d, c);
	}
	while (d.len > 0 && d.ptr[d.len - 1] == ' ')
		strbuf_truncate(&d, d.len - 1);
	strbuf_printf(out, "[[%s", target);
	if (d.len > 0 && strcmp(d.ptr, target) != 0)
		strbuf_printf(out, "%s%s", in_table ? "\\|" : "|", d.ptr);
	strbuf_puts(out, "]]");
	strbuf_free(&d);
}

/* Would YAML read s, written plainly, as something other than the string
 * s (or not parse it)? */
static bool yaml_needs_quotes(const char *s)
{
	static const char *const special[] = {
	    "true", "false", "yes", "no",   "on",   "off",  "y",
	    "n",    "null",  "~",   ".inf", "-.inf", "+.inf", ".nan"};
	size_t n = strlen(s);

	if (n == 0 || isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[n - 1]) ||
	    strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[n - 1] == ':' ||
	    strstr(s, ": ") || strstr(s, " #"))
		return true;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcasecmp(s, special[i]) == 0)
			return true;
	/* Numbers, dates and times all start with a digit (or a sign or a
	 * dot before one). */
	return isdigit((unsigned char)s[0]) ||
	       ((s[0] == '+' || s[0] == '.') &&
		(isdigit((unsigned char)s[1]) || s[1] == '.'));
}

void obsmd_yaml_scalar(strbuf *out, const char *s)
{
	if (!yaml_needs_quotes(s)) {
		strbuf_puts(out, s);
		return;
	}
	strbuf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			strbuf_puts(out, "\\n");
		else if (*p == '\t')
			strbuf_puts(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_printf(out, "\\x%02x", *p);
		else
			strbuf_putc(out, (char)*p);
	}
	strbuf_putc(out, '"');
}

void obsmd_tag(strbuf *out, const char *s)
{
	size_t start = out->len;
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '_' || *p >= 0x80) {
			if (dash && out->len > start)
				strbuf_putc(out, '-');
			dash = false;
			strbuf_putc(out, (char)tolower(*p));
		} else {
			dash = true; /* '-' and anything else */
		}
	}
	if (out->len == start)
		strbuf_puts(out, "unknown");
}
