/* parser/sigma.c: Sigma rules -> detection_rule. Only the metadata that maps
 * a rule to ATT&CK is read; the detection logic itself is left alone. */
#include "parser/sigma.h"
#include "parser/detection_impl.h"
#include "kb/error.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What one `---` document of a Sigma file is. */
enum doc_kind {
	DOC_EMPTY,       /* null document, e.g. after a trailing `---` */
	DOC_NOT_MAPPING, /* a scalar or a list */
	DOC_GLOBAL,      /* action: global */
	DOC_RESET,       /* action: reset */
	DOC_REPEAT,      /* action: repeat */
	DOC_BAD_ACTION,  /* any other action */
	DOC_NOT_RULE,    /* a mapping without title, logsource or detection */
	DOC_RULE,
};

/* A document seen through the defaults of the `action: global` document
 * before it (if any). */
struct view {
	const yamldoc_node *doc;
	const yamldoc_node *global;
};

static const yamldoc_node *lookup(const struct view *v, const char *key)
{
	const yamldoc_node *n = yamldoc_get(v->doc, key);

	return n ? n : yamldoc_get(v->global, key);
}

static enum doc_kind classify_doc(const struct view *v)
{
	const yamldoc_node *action;
	const char *s;

	if (yamldoc_is_null(v->doc))
		return DOC_EMPTY;
	if (v->doc->kind != YAMLDOC_MAPPING)
		return DOC_NOT_MAPPING;
	if ((action = yamldoc_get(v->doc, "action"))) {
		s = yamldoc_str(action);
		if (s && strcmp(s, "global") == 0)
			return DOC_GLOBAL;
		if (s && strcmp(s, "reset") == 0)
			return DOC_RESET;
		if (s && strcmp(s, "repeat") == 0)
			return DOC_REPEAT;
		return DOC_BAD_ACTION;
	}
	if (lookup(v, "title") && lookup(v, "logsource") &&
	    lookup(v, "detection"))
		return DOC_RULE;
	return DOC_NOT_RULE;
}

/* Step v to document i of doc, keeping the global defaults up to date. */
static enum doc_kind view_doc(struct view *v, const yamldoc *doc, size_t i)
{
	enum doc_kind kind;

	v->doc = doc->docs[i];
	kind = classify_doc(v);
	if (kind == DOC_GLOBAL)
		v->global = v->doc;
	else if (kind == DOC_RESET)
		v->global = NULL;
	return kind;
}

bool sigma_doc_is_rule(const yamldoc *doc)
{
	struct view v = {0};

	for (size_t i = 0; doc && i < doc->ndocs; i++)
		if (view_doc(&v, doc, i) == DOC_RULE)
			return true;
	return false;
}

bool sigma_looks_like_rule(const char *buf, size_t len)
{
	char saved[2048];
	yamldoc *doc;
	bool yes;

	snprintf(saved, sizeof(saved), "%s", kb_error_last());
	yes = yamldoc_parse(&doc, "<buffer>", buf, len) == 0 &&
	      sigma_doc_is_rule(doc);
	yamldoc_free(doc);
	kb_error_set(0, "%s", saved);
	return yes;
}

static bool is_id4(const char *s, char letter)
{
	if (tolower((unsigned char)s[0]) != letter || strlen(s) != 5)
		return false;
	for (int i = 1; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Sort one tag into the rule's lists. */
static void add_tag(detection_set *set, detection_rule *r, const char *tag,
		    unsigned line)
{
	char id[DETECTION_TECHNIQUE_SIZE];
	const char *rest, *tactic;

	if (strncasecmp(tag, "attack.", 7) != 0) {
		detection_list_add(&r->other_tags, &r->nother, tag);
		return;
	}
	rest = tag + 7;
	if (detection_technique_normalise(id, rest)) {
		detection_list_add(&r->techniques, &r->ntechniques, id);
	} else if (is_id4(rest, 'g') || is_id4(rest, 's')) {
		snprintf(id, sizeof(id), "%c%s",
			 toupper((unsigned char)rest[0]), rest + 1);
		if (id[0] == 'G')
			detection_list_add(&r->groups, &r->ngroups, id);
		else
			detection_list_add(&r->software, &r->nsoftware, id);
	} else if ((tactic = detection_tactic_normalise(rest))) {
		detection_list_add(&r->tactics, &r->ntactics, tactic);
	} else {
		detection_warn(set, r->source, line,
			       "unknown ATT&CK tag '%s'; kept as another tag",
			       tag);
		detection_list_add(&r->other_tags, &r->nother, tag);
	}
}

/* Read tags into r. Returns false if the rule must be skipped. */
static bool read_tags(detection_set *set, detection_rule *r,
		      const yamldoc_node *tags, unsigned rule_line)
{
	if (yamldoc_is_null(tags) ||
	    (tags->kind == YAMLDOC_SEQUENCE && tags->nitems == 0)) {
		detection_warn(set, r->source, tags ? tags->line : rule_line,
			       "rule '%s' has no tags, so no ATT&CK mapping",
			       r->title ? r->title : "?");
		return true;
	}
	if (tags->kind != YAMLDOC_SEQUENCE) {
		detection_warn(set, r->source, tags->line,
			       "tags is not a list; rule '%s' skipped",
			       r->title ? r->title : "?");
		return false;
	}
	for (size_t i = 0; i < tags->nitems; i++) {
		const yamldoc_node *item = tags->items[i];

		if (item->kind != YAMLDOC_SCALAR) {
			detection_warn(set, r->source, item->line,
				       "tag %zu is not a string; rule '%s' "
				       "skipped",
				       i + 1, r->title ? r->title : "?");
			return false;
		}
		if (!yamldoc_str(item) || item->text[0] == '\0') {
			detection_warn(set, r->source, item->line,
				       "empty tag ignored");
			continue;
		}
		add_tag(set, r, item->text, item->line);
	}
	return true;
}

/* Copy an optional string field; anything but a scalar gets a warning. */
static char *read_string(detection_set *set, const char *source,
			 const yamldoc_node *n, const char *key)
{
	if (yamldoc_is_null(n))
		return NULL;
	if (n->kind != YAMLDOC_SCALAR) {
		detection_warn(set, source, n->line,
			       "%s is not a string; ignored", key);
		return NULL;
	}
	return xstrdup(n->text);
}

/* "product/category/service", each part from the rule's logsource or else
 * from the global document's. */
static char *read_logsource(detection_set *set, const char *source,
			    const struct view *v)
{
	static const char *const parts[] = {"product", "category", "service"};
	const yamldoc_node *ls = yamldoc_get(v->doc, "logsource");
	const yamldoc_node *gls = yamldoc_get(v->global, "logsource");
	strbuf sb = STRBUF_INIT;

	for (int i = 0; i < 2; i++) {
		const yamldoc_node *n = i == 0 ? ls : gls;

		if (n && n->kind != YAMLDOC_MAPPING && !yamldoc_is_null(n)) {
			detection_warn(set, source, n->line,
				       "logsource is not a mapping; ignored");
			if (i == 0)
				ls = NULL;
			else
				gls = NULL;
		}
	}
	if (!ls && !gls)
		return NULL;
	for (int i = 0; i < 3; i++) {
		const yamldoc_node *n = yamldoc_get(ls, parts[i]);
		const char *s;

		if (!n)
			n = yamldoc_get(gls, parts[i]);
		if (i > 0)
			strbuf_putc(&sb, '/');
		if (yamldoc_is_null(n))
			continue;
		if ((s = yamldoc_str(n)))
			strbuf_puts(&sb, s);
		else
			detection_warn(set, source, n->line,
				       "logsource %s is not a string; ignored",
				       parts[i]);
	}
	return strbuf_detach(&sb);
}

static void parse_rule(detection_set *set, const char *source,
		       const struct view *v, unsigned line)
{
	detection_rule r = {0};
	const yamldoc_node *id = lookup(v, "id");

	r.format = DETECTION_SIGMA;
	r.source = xstrdup(source);
	r.line = line;
	r.title = read_string(set, source, lookup(v, "title"), "title");
	if (yamldoc_is_null(id))
		detection_warn(set, source, line, "rule '%s' has no id",
			       r.title ? r.title : "?");
	else
		r.id = read_string(set, source, id, "id");
	r.status = read_string(set, source, lookup(v, "status"), "status");
	r.level = read_string(set, source, lookup(v, "level"), "level");
	r.logsource = read_logsource(set, source, v);
	if (read_tags(set, &r, lookup(v, "tags"), line))
		detection_set_push(set, &r);
	detection_rule_clear(&r);
}

static int refuse_doc(const char *source, const yamldoc *doc)
{
	size_t nonempty = 0;
	const yamldoc_node *first = NULL;

	for (size_t i = 0; i < doc->ndocs; i++) {
		if (!yamldoc_is_null(doc->docs[i])) {
			nonempty++;
			if (!first)
				first = doc->docs[i];
		}
	}
	if (!first)
		return kb_error_set(KB_EPARSE, "%s:1: empty file", source);
	if (nonempty == 1 && first->kind != YAMLDOC_MAPPING)
		return kb_error_set(KB_EPARSE,
				    "%s:%u:%u: not a YAML mapping, so not a "
				    "Sigma rule",
				    source, first->line, first->col);
	return kb_error_set(KB_EPARSE,
			    "%s:%u: not a Sigma rule: no document has title, "
			    "logsource and detection",
			    source, first->line);
}

int sigma_parse_doc(detection_set *set, const char *source,
		    const yamldoc *doc)
{
	struct view v = {0};
	size_t nonempty = 0;

	if (!sigma_doc_is_rule(doc))
		return refuse_doc(source, doc);
	for (size_t i = 0; i < doc->ndocs; i++)
		nonempty += !yamldoc_is_null(doc->docs[i]);
	for (size_t i = 0; i < doc->ndocs; i++) {
		const yamldoc_node *root = doc->docs[i];

		switch (view_doc(&v, doc, i)) {
		case DOC_EMPTY:
		case DOC_GLOBAL:
		case DOC_RESET:
			break;
		case DOC_REPEAT:
			detection_warn(set, source, root->line,
				       "action: repeat is not supported; "
				       "document skipped");
			break;
		case DOC_BAD_ACTION:
			detection_warn(set, source, root->line,
				       "unknown action; document skipped");
			break;
		case DOC_NOT_MAPPING:
			detection_warn(set, source, root->line,
				       "document is not a mapping; skipped");
			break;
		case DOC_NOT_RULE:
			detection_warn(set, source, root->line,
				       "document has no title, logsource and "
				       "detection; skipped");
			break;
		case DOC_RULE:
			parse_rule(set, source, &v,
				   nonempty == 1 ? 1 : root->line);
			break;
		}
	}
	return 0;
}

int sigma_parse_buffer(detection_set *set, const char *source,
		       const char *buf, size_t len)
{
	yamldoc *doc;
	int error;

	if ((error = yamldoc_parse(&doc, source, buf, len)) < 0)
		return error;
	error = sigma_parse_doc(set, source, doc);
	yamldoc_free(doc);
	return error;
}

int sigma_parse_file(detection_set *set, const char *path)
{
	yamldoc *doc;
	int error;

	if ((error = detection_load_yaml(&doc, path)) < 0)
		return error;
	error = sigma_parse_doc(set, path, doc);
	yamldoc_free(doc);
	return error;
}
