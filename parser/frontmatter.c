/* parser/frontmatter.c: split a note into frontmatter and body, and turn
 * the frontmatter's YAML into a tree with libyaml's event parser (no
 * yaml_document_t, so that limits apply while parsing, not after). */
#include "parser/frontmatter.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* If text[off..len) is a line holding "---" and optional blanks, return the
 * offset just past its end of line; else return SIZE_MAX. */
static size_t match_fence(const char *text, size_t len, size_t off)
{
	size_t i = off;

	if (len - off < 3 || memcmp(text + off, "---", 3) != 0)
		return SIZE_MAX;
	for (i = off + 3; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		;
	if (i == len)
		return len;
	if (text[i] == '\n')
		return i + 1;
	if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
		return i + 2;
	return SIZE_MAX;
}

int frontmatter_split(frontmatter_span *out, const char *path, const char *text,
                      size_t len)
{
	size_t start = 0, off, next;
	unsigned line = 2;

	memset(out, 0, sizeof(*out));
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	out->body_off = start;
	out->body_line = 1;
	if ((off = match_fence(text, len, start)) == SIZE_MAX)
		return 0;
	out->yaml_off = off;
	out->yaml_line = 2;
	while (off < len) {
		const char *nl;

		if ((next = match_fence(text, len, off)) != SIZE_MAX) {
			out->present = true;
			out->yaml_len = off - out->yaml_off;
			out->body_off = next;
			out->body_line = line + 1;
			return 0;
		}
		nl = memchr(text + off, '\n', len - off);
		off = nl ? (size_t)(nl - text) + 1 : len;
		line++;
	}
	memset(out, 0, sizeof(*out));
	return kb_error_set(KB_EPARSE,
	                    "%s:1:1: frontmatter is not closed: no '---' line "
	                    "after the opening one",
	                    path);
}

/* A collection being filled, and the key waiting for its value. */
struct frame {
	frontmatter_value *node; /* LIST or MAP */
	char *key;               /* MAP: key read, value not yet */
	char *anchor;            /* &anchor of node, registered at its end */
	yaml_mark_t *marks;      /* MAP: where each key was written */
};

struct anchor {
	char *name;              /* without '&' */
	frontmatter_value *node; /* the anchored node */
	bool owned;              /* node is a key's, owned here */
};

struct builder {
	const char *path;        /* for messages */
	const char *yaml;        /* the text, for offsets in reader errors */
	unsigned first_line;     /* file line of yaml's first line */
	frontmatter_value *root; /* the top-level map, once started */
	struct frame stack[KB_MAX_YAML_DEPTH + 1]; /* open collections */
	size_t depth;                              /* entries used in stack */
	struct anchor *anchors;                    /* complete anchored nodes */
	size_t nanchors;                           /* entries in anchors */
	size_t nodes;  /* nodes made so far, copies included */
	int documents; /* DOCUMENT-START events seen */
};

__attribute__((format(printf, 4, 5))) static int
fail_at(struct builder *b, int code, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	kb_error_set(code, "%s:%u:%u: %s", b->path,
	             b->first_line + (unsigned)mark.line,
	             (unsigned)mark.column + 1, msg);
	free(msg);
	return code;
}

static frontmatter_value *new_node(enum frontmatter_type type, yaml_mark_t mark,
                                   struct builder *b)
{
	frontmatter_value *v = xcalloc(1, sizeof(*v));

	v->type = type;
	v->line = b->first_line + (unsigned)mark.line;
	v->col = (unsigned)mark.column + 1;
	return v;
}

void frontmatter_free(frontmatter_value *value)
{
	if (!value)
		return;
	for (size_t i = 0; i < value->n; i++) {
		if (value->keys)
			free(value->keys[i]);
		frontmatter_free(value->items[i]);
	}
	free(value->keys);
	free(value->items);
	free(value->text);
	free(value);
}

/* Nodes in v's tree, and its height (1 for a scalar). */
static size_t measure(const frontmatter_value *v, size_t *height)
{
	size_t n = 1, h = 0;

	for (size_t i = 0; i < v->n; i++) {
		size_t sub;

		n += measure(v->items[i], &sub);
		if (sub > h)
			h = sub;
	}
	*height = h + 1;
	return n;
}

static frontmatter_value *copy_tree(const frontmatter_value *v)
{
	frontmatter_value *c = xcalloc(1, sizeof(*c));

	*c = *v;
	c->text = v->text ? xstrdup(v->text) : NULL;
	c->keys = NULL;
	c->items = NULL;
	if (v->n) {
		c->items = xcalloc(v->n, sizeof(*c->items));
		if (v->keys)
			c->keys = xcalloc(v->n, sizeof(*c->keys));
		for (size_t i = 0; i < v->n; i++) {
			if (v->keys)
				c->keys[i] = xstrdup(v->keys[i]);
			c->items[i] = copy_tree(v->items[i]);
		}
	}
	return c;
}

/* Make room for entry n of an array of n entries of size bytes, doubling
 * its size at each power of two, so that n appends cost O(n). */
static void *grow(void *arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		arr = xreallocarray(arr, n ? 2 * n : 1, size);
	return arr;
}

static void append(frontmatter_value *coll, char *key, frontmatter_value *v)
{
	coll->items = grow(coll->items, coll->n, sizeof(*coll->items));
	if (coll->type == FRONTMATTER_MAP) {
		coll->keys = grow(coll->keys, coll->n, sizeof(*coll->keys));
		coll->keys[coll->n] = key;
	}
	coll->items[coll->n++] = v;
}

static int count_node(struct builder *b, size_t n, yaml_mark_t mark)
{
	if (b->nodes + n <= KB_MAX_YAML_EVENTS) {
		b->nodes += n;
		return 0;
	}
	return fail_at(b, KB_ELIMIT, mark,
	               "more than %u YAML nodes (aliases count as the nodes "
	               "they copy)",
	               (unsigned)KB_MAX_YAML_EVENTS);
}

static int nest_error(struct builder *b, yaml_mark_t mark)
{
	return fail_at(b, KB_ELIMIT, mark, "YAML nested deeper than %u levels",
	               (unsigned)KB_MAX_YAML_DEPTH);
}

/* YAML's core schema null: "", "~", "null", "Null", "NULL", plain. */
static bool is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    ev->data.scalar.tag)
		return false;
	return ev->data.scalar.length == 0 || strcmp(s, "~") == 0 ||
	       strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	       strcmp(s, "NULL") == 0;
}

/* True when the next node read is a key of the innermost map. */
static bool wants_key(const struct builder *b)
{
	const struct frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;

	return f && f->node->type == FRONTMATTER_MAP && !f->key;
}

/* Use text as the next key of the innermost map. Takes text. Duplicates
 * are found when the map ends (a sort, not a quadratic scan). */
static void take_key(struct builder *b, char *text, yaml_mark_t mark)
{
	struct frame *f = &b->stack[b->depth - 1];

	f->marks = grow(f->marks, f->node->n, sizeof(*f->marks));
	f->marks[f->node->n] = mark;
	f->key = text;
}

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const frontmatter_value *map = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(map->keys[i], map->keys[j]);

	return c ? c : (i > j) - (i < j);
}

/* Report the first key (in document order) that repeats an earlier one. */
static int check_keys(struct builder *b, const struct frame *f)
{
	const frontmatter_value *map = f->node;
	size_t *order, dup = SIZE_MAX;
	int error = 0;

	if (map->n < 2)
		return 0;
	order = xcalloc(map->n, sizeof(*order));
	for (size_t i = 0; i < map->n; i++)
		order[i] = i;
	qsort_r(order, map->n, sizeof(*order), cmp_keys, (void *)map);
	for (size_t i = 1; i < map->n; i++)
		if (strcmp(map->keys[order[i - 1]], map->keys[order[i]]) == 0 &&
		    order[i] < dup)
			dup = order[i];
	if (dup != SIZE_MAX)
		error = fail_at(b, KB_EPARSE, f->marks[dup],
		                "duplicate key '%s'", map->keys[dup]);
	free(order);
	return error;
}

/* Place value v in the innermost collection, or make it the root. Takes v,
 * even on failure. */
static int attach(struct builder *b, frontmatter_value *v, yaml_mark_t mark)
{
	struct frame *f;

	if (b->depth == 0) {
		if (v->type == FRONTMATTER_MAP) {
			b->root = v;
			return 0;
		}
		if (v->type == FRONTMATTER_NULL) {
			frontmatter_free(v);
			return 0;
		}
		frontmatter_free(v);
		return fail_at(b, KB_EPARSE, mark,
		               "frontmatter is not a mapping");
	}
	f = &b->stack[b->depth - 1];
	append(f->node, f->key, v);
	f->key = NULL;
	return 0;
}

static void add_anchor(struct builder *b, const char *name,
                       frontmatter_value *node, bool owned)
{
	b->anchors = grow(b->anchors, b->nanchors, sizeof(*b->anchors));
	b->anchors[b->nanchors].name = xstrdup(name);
	b->anchors[b->nanchors].node = node;
	b->anchors[b->nanchors++].owned = owned;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *anchor = (const char *)ev->data.scalar.anchor;
	frontmatter_value *v;
	int error;

	if ((error = count_node(b, 1, ev->start_mark)) < 0)
		return error;
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
		return fail_at(b, KB_EPARSE, ev->start_mark,
		               "scalar holds a NUL character");
	v = new_node(is_null(ev) ? FRONTMATTER_NULL : FRONTMATTER_SCALAR,
	             ev->start_mark, b);
	if (wants_key(b)) {
		/* Keys keep their text even when it reads as null. */
		if (anchor) {
			v->type = FRONTMATTER_SCALAR;
			v->text = xstrdup((const char *)ev->data.scalar.value);
			add_anchor(b, anchor, v, true);
		} else {
			frontmatter_free(v);
		}
		take_key(b, xstrdup((const char *)ev->data.scalar.value),
		         ev->start_mark);
		return 0;
	}
	if (v->type == FRONTMATTER_SCALAR) {
		v->text = xstrdup((const char *)ev->data.scalar.value);
		v->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	}
	if (anchor && b->depth > 0)
		add_anchor(b, anchor, v, false);
	return attach(b, v, ev->start_mark);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const frontmatter_value *src = NULL;
	size_t n, height;
	int error;

	for (size_t i = b->nanchors; i-- > 0 && !src;)
		if (strcmp(b->anchors[i].name, name) == 0)
			src = b->anchors[i].node;
	if (!src)
		return fail_at(b, KB_EPARSE, ev->start_mark,
		               "unknown alias '*%s'", name);
	if (wants_key(b)) {
		if (src->type != FRONTMATTER_SCALAR)
			return fail_at(b, KB_EPARSE, ev->start_mark,
			               "key is not a scalar");
		take_key(b, xstrdup(src->text), ev->start_mark);
		return 0;
	}
	n = measure(src, &height);
	if (b->depth + height - 1 > KB_MAX_YAML_DEPTH)
		return nest_error(b, ev->start_mark);
	if ((error = count_node(b, n, ev->start_mark)) < 0)
		return error;
	return attach(b, copy_tree(src), ev->start_mark);
}

static int on_start(struct builder *b, const yaml_event_t *ev)
{
	bool map = ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
	                                : ev->data.sequence_start.anchor;
	frontmatter_value *v;
	int error;

	if ((error = count_node(b, 1, ev->start_mark)) < 0)
		return error;
	if (wants_key(b))
		return fail_at(b, KB_EPARSE, ev->start_mark,
		               "key is not a scalar");
	if (b->depth == KB_MAX_YAML_DEPTH)
		return nest_error(b, ev->start_mark);
	v = new_node(map ? FRONTMATTER_MAP : FRONTMATTER_LIST, ev->start_mark,
	             b);
	if ((error = attach(b, v, ev->start_mark)) < 0)
		return error;
	b->stack[b->depth].node = v;
	b->stack[b->depth].key = NULL;
	b->stack[b->depth].marks = NULL;
	b->stack[b->depth].anchor =
	    anchor ? xstrdup((const char *)anchor) : NULL;
	b->depth++;
	return 0;
}

static int on_end(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	int error = 0;

	if (f->node->type == FRONTMATTER_MAP)
		error = check_keys(b, f);
	/* Anchors name complete nodes only: "&a [*a]" is an unknown alias. */
	if (f->anchor) {
		add_anchor(b, f->anchor, f->node, false);
		free(f->anchor);
	}
	free(f->key);
	free(f->marks);
	return error;
}

static int yaml_error(struct builder *b, const yaml_parser_t *parser,
                      size_t len)
{
	yaml_mark_t mark = parser->problem_mark;
	const char *problem = parser->problem ? parser->problem : "bad YAML";
	char *msg;
	int error;

	if (parser->error == YAML_READER_ERROR) {
		/* Reader errors carry an offset, not a mark. */
		size_t off =
		    parser->problem_offset < len ? parser->problem_offset : len;

		mark.line = 0;
		mark.column = 0;
		for (size_t i = 0; i < off; i++) {
			if (b->yaml[i] == '\n') {
				mark.line++;
				mark.column = 0;
			} else {
				mark.column++;
			}
		}
	}
	if (parser->context)
		msg = xasprintf("%s (%s at line %u)", problem, parser->context,
		                b->first_line +
		                    (unsigned)parser->context_mark.line);
	else
		msg = xstrdup(problem);
	error = fail_at(b, KB_EPARSE, mark, "%s", msg);
	free(msg);
	return error;
}

int frontmatter_parse(frontmatter_value **out, const char *path,
                      const char *yaml, size_t len, unsigned first_line)
{
	struct builder b = {
	    .path = path, .yaml = yaml, .first_line = first_line};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int error = 0;

	*out = NULL;
	if (len > KB_MAX_YAML_FILE)
		return kb_error_set(KB_ELIMIT,
		                    "%s:%u:1: frontmatter is %zu bytes, more "
		                    "than the limit of %u",
		                    path, first_line, len,
		                    (unsigned)KB_MAX_YAML_FILE);
	if (!yaml_parser_initialize(&parser))
		return kb_error_set(KB_ERROR, "%s: cannot start libyaml", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	while (!done && !error) {
		if (!yaml_parser_parse(&parser, &ev)) {
			error = yaml_error(&b, &parser, len);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++b.documents > 1)
				error = fail_at(&b, KB_EPARSE, ev.start_mark,
				                "more than one YAML document");
			break;
		case YAML_SCALAR_EVENT:
			error = on_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			error = on_alias(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			error = on_start(&b, &ev);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			error = on_end(&b);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	while (b.depth > 0) {
		free(b.stack[b.depth - 1].anchor);
		free(b.stack[b.depth - 1].key);
		free(b.stack[b.depth - 1].marks);
		b.depth--;
	}
	for (size_t i = 0; i < b.nanchors; i++) {
		free(b.anchors[i].name);
		if (b.anchors[i].owned)
			frontmatter_free(b.anchors[i].node);
	}
	free(b.anchors);
	if (error) {
		frontmatter_free(b.root);
		return error;
	}
	if (!b.root) {
		yaml_mark_t start = {0, 0, 0};

		b.root = new_node(FRONTMATTER_MAP, start, &b);
	}
	*out = b.root;
	return 0;
}

const frontmatter_value *frontmatter_get(const frontmatter_value *map,
                                         const char *key, bool nocase)
{
	if (!map || map->type != FRONTMATTER_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		if (nocase ? strcasecmp(map->keys[i], key) == 0
		           : strcmp(map->keys[i], key) == 0)
			return map->items[i];
	}
	return NULL;
}

static void json_value(strbuf *sb, const frontmatter_value *v)
{
	switch (v->type) {
	case FRONTMATTER_NULL:
		strbuf_puts(sb, "null");
		break;
	case FRONTMATTER_SCALAR:
		strbuf_put_json_string(sb, v->text);
		break;
	case FRONTMATTER_LIST:
		strbuf_putc(sb, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				strbuf_putc(sb, ',');
			json_value(sb, v->items[i]);
		}
		strbuf_putc(sb, ']');
		break;
	case FRONTMATTER_MAP:
		strbuf_putc(sb, '{');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				strbuf_putc(sb, ',');
			strbuf_put_json_string(sb, v->keys[i]);
			strbuf_putc(sb, ':');
			json_value(sb, v->items[i]);
		}
		strbuf_putc(sb, '}');
		break;
	}
}

char *frontmatter_to_json(const frontmatter_value *value)
{
	strbuf sb = STRBUF_INIT;
	char *out;

	if (value)
		json_value(&sb, value);
	else
		strbuf_puts(&sb, "{}");
	out = strbuf_detach(&sb);
	strbuf_free(&sb);
	return out;
}
