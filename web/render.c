/* web/render.c: Markdown to safe HTML with cmark-gfm (tables on). The
 * text is rewritten before parsing (<code> to code spans) and the tree
 * after it (raw HTML to text, ATT&CK links, citations), then rendered
 * without CMARK_OPT_UNSAFE, so cmark itself also drops raw HTML and
 * javascript: links should anything slip through. */
#include "web/render.h"
#include "kb/attackid.h"
#include "kb/describe.h"
#include "kb/xalloc.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CITATION "(Citation: "

/* Formatting tags dropped with their text kept. */
static const char *const dropped_tags[] = {"b", "i", "u", "em", "strong",
					   "sup", "sub", "span", "small",
					   "mark", "s", "ins", "del"};

/* Append the code span for n bytes of s: a fence longer than any run of
 * backticks inside, spaces when the text starts or ends with one. */
static void put_code_span(strbuf *sb, const char *s, size_t n)
{
	size_t run = 0, longest = 0;
	bool pad;

	for (size_t i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = n && (s[0] == '`' || s[n - 1] == '`');
	for (size_t i = 0; i <= longest; i++)
		strbuf_putc(sb, '`');
	if (pad)
		strbuf_putc(sb, ' ');
	strbuf_put(sb, s, n);
	if (pad)
		strbuf_putc(sb, ' ');
	for (size_t i = 0; i <= longest; i++)
		strbuf_putc(sb, '`');
}

/* <code>x</code> (any case) -> `x`. An unclosed <code> stays, and later
 * shows as text. Caller frees. */
static char *code_tags_to_spans(const char *md)
{
	strbuf sb = STRBUF_INIT;
	const char *p = md, *open, *close;

	while ((open = strcasestr(p, "<code>")) != NULL) {
		close = strcasestr(open + 6, "</code>");
		if (!close)
			break;
		strbuf_put(&sb, p, (size_t)(open - p));
		/* A code span cannot hold a blank line: keep such text. A
		 * link inside (<code>[at](https://...)</code>) stays a link,
		 * without the code. */
		if (strstr(open + 6, "\n\n") &&
		    strstr(open + 6, "\n\n") < close) {
			strbuf_put(&sb, open, (size_t)(close + 7 - open));
		} else if (strstr(open + 6, "](") &&
			   strstr(open + 6, "](") < close) {
			strbuf_put(&sb, open + 6, (size_t)(close - open - 6));
		} else {
			put_code_span(&sb, open + 6,
				      (size_t)(close - open - 6));
		}
		p = close + 7;
	}
	strbuf_puts(&sb, p);
	return strbuf_detach(&sb);
}

/* The tag name of raw HTML "<name ...>" or "</name>", lower-cased into
 * out; false when html is not one tag. */
static bool tag_name(char out[16], const char *html, bool *closing)
{
	size_t i = 1, n = 0;

	if (html[0] != '<')
		return false;
	*closing = html[1] == '/';
	if (*closing)
		i++;
	while (isalnum((unsigned char)html[i]) && n < 15)
		out[n++] = (char)tolower((unsigned char)html[i++]);
	out[n] = '\0';
	return n > 0 && strchr(html + i, '<') == NULL;
}

static bool is_dropped_tag(const char *name)
{
	for (size_t i = 0; i < sizeof(dropped_tags) / sizeof(*dropped_tags);
	     i++)
		if (strcmp(name, dropped_tags[i]) == 0)
			return true;
	return false;
}

/* Put new before node, then free node. */
static void replace_node(cmark_node *node, cmark_node *with)
{
	if (with)
		cmark_node_insert_before(node, with);
	cmark_node_unlink(node);
	cmark_node_free(node);
}

static cmark_node *text_node(const char *s, size_t n)
{
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	char *lit = xstrndup(s, n);

	cmark_node_set_literal(t, lit);
	free(lit);
	return t;
}

/* Raw inline HTML: formatting tags go, <br> breaks, the rest is text. */
static void neuter_inline_html(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	char name[16];
	bool closing;

	if (!lit)
		lit = "";
	if (tag_name(name, lit, &closing)) {
		if (strcmp(name, "br") == 0) {
			replace_node(node,
				     cmark_node_new(CMARK_NODE_LINEBREAK));
			return;
		}
		if (is_dropped_tag(name)) {
			replace_node(node, NULL);
			return;
		}
	}
	replace_node(node, text_node(lit, strlen(lit)));
}

/* Raw HTML block: a paragraph of its text. */
static void neuter_html_block(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	size_t n = lit ? strlen(lit) : 0;

	while (n && (lit[n - 1] == '\n' || lit[n - 1] == ' '))
		n--;
	cmark_node_append_child(para, text_node(lit ? lit : "", n));
	replace_node(node, para);
}

/* The path of an attack.mitre.org URL (after "attack.mitre.org/"), or
 * NULL for any other URL. */
static const char *attack_path(const char *url)
{
	const char *p;

	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return NULL;
	if (strncasecmp(p, "www.", 4) == 0)
		p += 4;
	if (strncasecmp(p, "attack.mitre.org/", 17) != 0)
		return NULL;
	return p + 17;
}

bool render_attack_url(char id[16], const char *url)
{
	char *found = attackid_from_url(url); /* the one URL reader */

	id[0] = '\0';
	if (!found)
		return false;
	snprintf(id, 16, "%s", found);
	free(found);
	return true;
}

/* https://attack.mitre.org/matrices/enterprise[/...] -> "enterprise". */
static const char *attack_matrix(const char *url)
{
	static const char *const domains[] = {"enterprise", "mobile", "ics"};
	const char *p = attack_path(url);

	if (!p || strncmp(p, "matrices/", 9) != 0)
		return NULL;
	p += 9;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(domains[i]);

		if (strncmp(p, domains[i], n) == 0 &&
		    (p[n] == '\0' || strchr("/?#", p[n])))
			return domains[i];
	}
	return NULL;
}

static void rewrite_link(cmark_node *link, const render_opts *opts)
{
	const char *url = cmark_node_get_url(link), *domain;
	char id[16];
	char *local = NULL;

	if (!url)
		return;
	if (render_attack_url(id, url))
		local = xasprintf("%s/object/%s", opts->base, id);
	else if ((domain = attack_matrix(url)))
		local = xasprintf("%s/matrix/%s", opts->base, domain);
	if (local) {
		cmark_node_set_url(link, local);
		free(local);
	}
}

/* Length of the NAME of a citation starting at p (just after
 * "(Citation: "), balanced parentheses allowed, or 0 when unclosed. */
static size_t citation_len(const char *p)
{
	int depth = 0;

	for (size_t i = 0; p[i] && p[i] != '\n'; i++) {
		if (p[i] == '(')
			depth++;
		else if (p[i] == ')' && depth-- == 0)
			return i;
	}
	return 0;
}

void render_each_citation(const char *md,
			  void (*fn)(void *data, const char *name, size_t len),
			  void *data)
{
	const char *p = md;
	size_t n;

	while ((p = strstr(p, CITATION)) != NULL) {
		p += strlen(CITATION);
		if ((n = citation_len(p)) > 0) {
			fn(data, p, n);
			p += n;
		}
	}
}

/* Length of a piece of a <code> or </code> tag that a snippet's cut left
 * at the start of s ("code>", "de>"), or 0. */
static size_t cut_tag_head(const char *s)
{
	static const char *const tags[] = {"</code>", "<code>"};

	for (size_t t = 0; t < 2; t++)
		for (size_t k = 1; k + 2 < strlen(tags[t]); k++)
			if (strncasecmp(s, tags[t] + k, strlen(tags[t] + k)) ==
			    0)
				return strlen(tags[t] + k);
	return 0;
}

/* Drop a piece of a tag ("<co", "</cod") that a cut left at the end of
 * sb, before a final ellipsis if there is one. */
static void drop_cut_tag_tail(strbuf *sb)
{
	static const char *const tags[] = {"</code>", "<code>"};
	static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
	size_t end = sb->len, e = strlen(ellipsis);
	bool dots = end >= e && memcmp(sb->ptr + end - e, ellipsis, e) == 0;

	if (dots)
		end -= e;
	for (size_t t = 0; t < 2; t++)
		for (size_t k = strlen(tags[t]) - 1; k >= 2; k--)
			if (end >= k &&
			    strncasecmp(sb->ptr + end - k, tags[t], k) == 0) {
				memmove(sb->ptr + end - k, sb->ptr + end,
					sb->len - end);
				strbuf_truncate(sb, sb->len - k);
				return;
			}
}

char *render_plain_snippet(const char *md)
{
	strbuf sb = STRBUF_INIT;
	const char *p = md, *q;
	size_t n;

	/* A snippet cut inside a tag ("…code>x") or inside a citation
	 * followed by another ("…Report 2020)(Citation: "). */
	if (strncmp(p, "\xE2\x80\xA6", 3) == 0) {
		const char *close = strchr(p + 3, ')');

		strbuf_puts(&sb, "\xE2\x80\xA6");
		p += 3;
		if (cut_tag_head(p))
			p += cut_tag_head(p);
		else if (close && !memchr(p, '(', (size_t)(close - p)) &&
			 strncmp(close + 1, CITATION, strlen(CITATION)) == 0)
			p = close + 1;
	}

	while (*p) {
		if (strncmp(p, CITATION, strlen(CITATION)) == 0) {
			n = citation_len(p + strlen(CITATION));
			if (n == 0)
				break; /* cut short: drop the rest */
			p += strlen(CITATION) + n + 1;
			/* "text (Citation: X)." -> "text." */
			while (sb.len && sb.ptr[sb.len - 1] == ' ')
				strbuf_truncate(&sb, sb.len - 1);
			if (*p && *p != ' ' && *p != '.' && *p != ',' &&
			    *p != '(' && *p != '\n')
				strbuf_putc(&sb, ' ');
			continue;
		}
		if (*p == ']' && p[1] == '(') {
			/* End of a link's text: skip its (URL). */
			q = strchr(p + 2, ')');
			if (!q)
				break;
			p = q + 1;
			continue;
		}
		if (*p == '[' && (q = strstr(p, "](")) != NULL &&
		    !memchr(p + 1, '[', (size_t)(q - p - 1)) &&
		    !memchr(p, '\n', (size_t)(q - p))) {
			p++; /* start of a link's text */
			continue;
		}
		if (strncasecmp(p, "<code>", 6) == 0) {
			p += 6;
			continue;
		}
		if (strncasecmp(p, "</code>", 7) == 0) {
			p += 7;
			continue;
		}
		strbuf_putc(&sb, *p++);
	}
	drop_cut_tag_tail(&sb);
	while (sb.len &&
	       (sb.ptr[sb.len - 1] == ' ' || sb.ptr[sb.len - 1] == '\n'))
		strbuf_truncate(&sb, sb.len - 1);
	return strbuf_detach(&sb);
}

/* Split a text node at each known citation into text, link, text. */
static void link_citations(cmark_node *text, const render_opts *opts)
{
	const char *lit = cmark_node_get_literal(text), *p, *start;
	bool changed = false;
	size_t n;

	if (!opts->cite || !lit || !strstr(lit, CITATION))
		return;
	p = start = lit;
	while ((p = strstr(p, CITATION)) != NULL) {
		const char *name_at = p + strlen(CITATION);
		char *name, label[24];
		cmark_node *link;
		int num;

		if ((n = citation_len(name_at)) == 0)
			break;
		name = xstrndup(name_at, n);
		num = opts->cite(opts->cite_data, name);
		if (num > 0) {
			if (p > start)
				cmark_node_insert_before(
					text,
					text_node(start, (size_t)(p - start)));
			link = cmark_node_new(CMARK_NODE_LINK);
			snprintf(label, sizeof(label), "#ref-%d", num);
			cmark_node_set_url(link, label);
			cmark_node_set_title(link, name);
			snprintf(label, sizeof(label), "[%d]", num);
			cmark_node_append_child(
				link, text_node(label, strlen(label)));
			cmark_node_insert_before(text, link);
			start = name_at + n + 1;
			changed = true;
		}
		free(name);
		p = name_at + n + 1;
	}
	if (!changed)
		return;
	if (*start)
		cmark_node_insert_before(text, text_node(start, strlen(start)));
	cmark_node_unlink(text);
	cmark_node_free(text);
}

/* Rewrite the tree below node (children first saved, as the visit may
 * replace the node it is on). */
static void rewrite(cmark_node *node, const render_opts *opts)
{
	cmark_node *child = cmark_node_first_child(node), *next;

	while (child) {
		next = cmark_node_next(child);
		switch (cmark_node_get_type(child)) {
		case CMARK_NODE_HTML_INLINE:
			neuter_inline_html(child);
			break;
		case CMARK_NODE_HTML_BLOCK:
			neuter_html_block(child);
			break;
		case CMARK_NODE_TEXT:
			link_citations(child, opts);
			break;
		case CMARK_NODE_LINK:
			rewrite_link(child, opts);
			rewrite(child, opts);
			break;
		default:
			rewrite(child, opts);
			break;
		}
		child = next;
	}
}

void render_markdown(strbuf *sb, const char *md, const render_opts *opts)
{
	static const render_opts none = {"", NULL, NULL};
	cmark_syntax_extension *table;
	cmark_parser *parser;
	cmark_node *root;
	char *src, *html;

	if (!opts)
		opts = &none;
	cmark_gfm_core_extensions_ensure_registered();
	parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	if ((table = cmark_find_syntax_extension("table")) != NULL)
		cmark_parser_attach_syntax_extension(parser, table);
	src = code_tags_to_spans(md);
	cmark_parser_feed(parser, src, strlen(src));
	root = cmark_parser_finish(parser);
	/* One text node per run of text, so a citation is never split. */
	cmark_consolidate_text_nodes(root);
	rewrite(root, opts);
	html = cmark_render_html(root, CMARK_OPT_DEFAULT,
				 cmark_parser_get_syntax_extensions(parser));
	strbuf_puts(sb, html);
	free(html);
	cmark_node_free(root);
	cmark_parser_free(parser);
	free(src);
}
