/* parser/yamldoc.c: walk libyaml's events into a yamldoc tree; depth, event
 * count and alias expansion are bounded as the events arrive. */
#include "parser/yamldoc.h"
#include "kb/strmap.h"
#include "kb/error.h"
#include "kb/limits.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* One collection still open, with the anchor it registers when it closes
 * (an alias inside its own anchored node is thus undefined: no cycles). */
struct open_node {
	yamldoc_node *node;
	char *anchor;
};

struct builder {
	const char *source;          /* for messages */
	const char *buf;             /* the input, to place reader errors */
	size_t len;
	yamldoc *doc;                /* being filled */
	struct open_node *stack;     /* open collections, innermost last */
	size_t depth;
	yamldoc_node *root;          /* of the current document */
	strmap *anchors;             /* anchor name -> node, per document */
	size_t events;               /* in the current document */
};

static yamldoc_node *new_node(struct builder *b, yamldoc_kind kind,
			      const yaml_mark_t *mark)
{
	yamldoc *doc = b->doc;
	yamldoc_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	n->weight = 1;
	if (doc->nnodes == doc->nodes_alloc) {
		doc->nodes_alloc = doc->nodes_alloc ? doc->nodes_alloc * 2 : 64;
		doc->nodes = xreallocarray(doc->nodes, doc->nodes_alloc,
					   sizeof(*doc->nodes));
	}
	doc->nodes[doc->nnodes++] = n;
	return n;
}

/* Attach child (new, or the target of an alias) to the innermost open
 * collection or make it the document root. The weight check is what stops
 * a "billion laughs" stream: each alias adds the size of what it names. */
static int attach_node(struct builder *b, yamldoc_node *child,
		       const yaml_mark_t *mark)
{
	yamldoc_node *parent;

	if (b->depth == 0) {
		b->root = child;
		return 0;
	}
	parent = b->stack[b->depth - 1].node;
	if (parent->weight + child->weight > KB_MAX_YAML_EVENTS)
		return kb_error_set(KB_ELIMIT,
				    "%s:%zu:%zu: aliases expand to more than "
				    "%d nodes (KB_MAX_YAML_EVENTS)",
				    b->source, mark->line + 1, mark->column + 1,
				    KB_MAX_YAML_EVENTS);
	parent->weight += child->weight;
	if (parent->nitems == parent->alloc) {
		parent->alloc = parent->alloc ? parent->alloc * 2 : 8;
		parent->items = xreallocarray(parent->items, parent->alloc,
					      sizeof(*parent->items));
	}
	parent->items[parent->nitems++] = child;
	return 0;
}

static int open_collection(struct builder *b, yamldoc_kind kind,
			   const yaml_event_t *ev, const yaml_char_t *anchor)
{
	yamldoc_node *n;

	if (b->depth >= KB_MAX_YAML_DEPTH)
		return kb_error_set(KB_ELIMIT,
				    "%s:%zu:%zu: nesting deeper than %d "
				    "levels (KB_MAX_YAML_DEPTH)",
				    b->source, ev->start_mark.line + 1,
				    ev->start_mark.column + 1,
				    KB_MAX_YAML_DEPTH);
	n = new_node(b, kind, &ev->start_mark);
	b->stack[b->depth].node = n;
	b->stack[b->depth].anchor =
		anchor ? xstrdup((const char *)anchor) : NULL;
	b->depth++;
	return 0;
}

static int close_collection(struct builder *b, const yaml_event_t *ev)
{
	struct open_node top = b->stack[--b->depth];
	int error;

	if (top.anchor) {
		strmap_put(b->anchors, top.anchor, top.node);
		free(top.anchor);
	}
	error = attach_node(b, top.node, &ev->start_mark);
	return error;
}

static int add_scalar(struct builder *b, const yaml_event_t *ev)
{
	yamldoc_node *n = new_node(b, YAMLDOC_SCALAR, &ev->start_mark);

	n->len = ev->data.scalar.length;
	n->text = xmalloc(n->len + 1);
	memcpy(n->text, ev->data.scalar.value, n->len);
	n->text[n->len] = '\0';
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (ev->data.scalar.anchor)
		strmap_put(b->anchors, (const char *)ev->data.scalar.anchor, n);
	return attach_node(b, n, &ev->start_mark);
}

static int add_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	yamldoc_node *target = strmap_get(b->anchors, name);

	if (!target)
		return kb_error_set(KB_EPARSE,
				    "%s:%zu:%zu: undefined alias *%s",
				    b->source, ev->start_mark.line + 1,
				    ev->start_mark.column + 1, name);
	return attach_node(b, target, &ev->start_mark);
}

static void end_document(struct builder *b)
{
	yamldoc *doc = b->doc;

	doc->docs = xreallocarray(doc->docs, doc->ndocs + 1,
				  sizeof(*doc->docs));
	doc->docs[doc->ndocs++] = b->root;
	b->root = NULL;
	strmap_free(b->anchors);
	b->anchors = strmap_new();
	b->events = 0;
}

/* Translate libyaml's error into KB_EPARSE "FILE:LINE:COL: problem". */
static int set_syntax_error(const struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	size_t line = 1, col = 1;

	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark. */
		size_t end = p->problem_offset < b->len ? p->problem_offset
							: b->len;

		for (size_t i = 0; i < end; i++) {
			col++;
			if (b->buf[i] == '\n') {
				line++;
				col = 1;
			}
		}
		return kb_error_set(KB_EPARSE, "%s:%zu:%zu: %s", b->source,
				    line, col, problem);
	}
	if (p->error == YAML_MEMORY_ERROR)
		return kb_error_set(KB_ERROR, "%s: libyaml out of memory",
				    b->source);
	line = p->problem_mark.line + 1;
	col = p->problem_mark.column + 1;
	if (p->context)
		return kb_error_set(KB_EPARSE,
				    "%s:%zu:%zu: %s (%s at line %zu)",
				    b->source, line, col, problem, p->context,
				    p->context_mark.line + 1);
	return kb_error_set(KB_EPARSE, "%s:%zu:%zu: %s", b->source, line, col,
			    problem);
}

/* Handle one event; *done is set at the end of the stream. */
static int handle_event(struct builder *b, const yaml_event_t *ev, bool *done)
{
	if (++b->events > KB_MAX_YAML_EVENTS)
		return kb_error_set(KB_ELIMIT,
				    "%s:%zu:%zu: more than %d YAML events in "
				    "one document (KB_MAX_YAML_EVENTS)",
				    b->source, ev->start_mark.line + 1,
				    ev->start_mark.column + 1,
				    KB_MAX_YAML_EVENTS);
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		end_document(b);
		return 0;
	case YAML_MAPPING_START_EVENT:
		return open_collection(b, YAMLDOC_MAPPING, ev,
				       ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(b, YAMLDOC_SEQUENCE, ev,
				       ev->data.sequence_start.anchor);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return close_collection(b, ev);
	case YAML_SCALAR_EVENT:
		return add_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return add_alias(b, ev);
	default: /* stream and document start, no-event */
		return 0;
	}
}

int yamldoc_parse(yamldoc **out, const char *source, const char *buf,
		  size_t len)
{
	struct builder b = {.source = source, .buf = buf, .len = len};
	yaml_parser_t parser;
	bool done = false;
	int error = 0;

	*out = NULL;
	if (len > KB_MAX_YAML_FILE)
		return kb_error_set(KB_ELIMIT,
				    "%s:1: %zu bytes, more than the limit of "
				    "%u (KB_MAX_YAML_FILE)",
				    source, len, KB_MAX_YAML_FILE);
	if (!yaml_parser_initialize(&parser))
		return kb_error_set(KB_ERROR, "%s: libyaml out of memory",
				    source);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	b.doc = xcalloc(1, sizeof(*b.doc));
	b.stack = xcalloc(KB_MAX_YAML_DEPTH, sizeof(*b.stack));
	b.anchors = strmap_new();
	while (!done) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			error = set_syntax_error(&b, &parser);
			goto done;
		}
		error = handle_event(&b, &ev, &done);
		yaml_event_delete(&ev);
		if (error < 0)
			goto done;
	}
	*out = b.doc;
	b.doc = NULL;
done:
	while (b.depth > 0)
		free(b.stack[--b.depth].anchor);
	free(b.stack);
	strmap_free(b.anchors);
	yamldoc_free(b.doc);
	yaml_parser_delete(&parser);
	return error;
}

void yamldoc_free(yamldoc *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nnodes; i++) {
		free(doc->nodes[i]->text);
		free(doc->nodes[i]->items);
		free(doc->nodes[i]);
	}
	free(doc->nodes);
	free(doc->docs);
	free(doc);
}

const yamldoc_node *yamldoc_get(const yamldoc_node *map, const char *key)
{
	if (!map || map->kind != YAMLDOC_MAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < map->nitems; i += 2) {
		const yamldoc_node *k = map->items[i];

		if (k->kind == YAMLDOC_SCALAR && strcmp(k->text, key) == 0)
			return map->items[i + 1];
	}
	return NULL;
}

bool yamldoc_is_null(const yamldoc_node *node)
{
	if (!node)
		return true;
	if (node->kind != YAMLDOC_SCALAR || !node->plain)
		return false;
	return node->len == 0 || strcmp(node->text, "~") == 0 ||
	       strcmp(node->text, "null") == 0 ||
	       strcmp(node->text, "Null") == 0 ||
	       strcmp(node->text, "NULL") == 0;
}

const char *yamldoc_str(const yamldoc_node *node)
{
	if (!node || node->kind != YAMLDOC_SCALAR || yamldoc_is_null(node))
		return NULL;
	return node->text;
}
