/* parser/car.c: MITRE CAR analytics -> detection_rule. The ATT&CK mapping
 * of an analytic is its coverage list; the rest (implementations, d3fend
 * mappings, descriptions) is not read. */
#include "parser/car.h"
#include "parser/detection_impl.h"
#include "kb/error.h"
#include "kb/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first document that is not null, or NULL. */
static const yamldoc_node *first_doc(const yamldoc *doc, size_t *index)
{
	for (size_t i = 0; doc && i < doc->ndocs; i++) {
		if (!yamldoc_is_null(doc->docs[i])) {
			if (index)
				*index = i;
			return doc->docs[i];
		}
	}
	return NULL;
}

static bool is_car_id(const char *s)
{
	return s && strncmp(s, "CAR-", 4) == 0;
}

bool car_doc_is_analytic(const yamldoc *doc)
{
	const yamldoc_node *root = first_doc(doc, NULL);

	return root && root->kind == YAMLDOC_MAPPING &&
	       yamldoc_get(root, "coverage") &&
	       is_car_id(yamldoc_str(yamldoc_get(root, "id")));
}

bool car_looks_like_analytic(const char *buf, size_t len)
{
	char saved[2048];
	yamldoc *doc;
	bool yes;

	snprintf(saved, sizeof(saved), "%s", kb_error_last());
	yes = yamldoc_parse(&doc, "<buffer>", buf, len) == 0 &&
	      car_doc_is_analytic(doc);
	yamldoc_free(doc);
	kb_error_set(0, "%s", saved);
	return yes;
}

/* Rank of a CAR coverage value; 0 for one CAR does not define. */
static int coverage_rank(const char *s)
{
	static const char *const ranks[] = {"Low", "Moderate", "High"};

	for (int i = 0; i < 3; i++)
		if (strcasecmp(s, ranks[i]) == 0)
			return i + 1;
	return 0;
}

static void note_coverage(detection_set *set, detection_rule *r,
			  const yamldoc_node *n)
{
	const char *s = yamldoc_str(n);

	if (yamldoc_is_null(n))
		return;
	if (!s || n->kind != YAMLDOC_SCALAR) {
		detection_warn(set, r->source, n->line,
			       "coverage level is not a string; ignored");
		return;
	}
	if (!r->level || coverage_rank(s) > coverage_rank(r->level)) {
		free(r->level);
		r->level = xstrdup(s);
	}
}

/* A technique or subtechnique ID into the rule; false (with a warning)
 * if it is not one. */
static bool add_technique(detection_set *set, detection_rule *r,
			  const yamldoc_node *n, const char *what)
{
	char id[DETECTION_TECHNIQUE_SIZE];
	const char *s = yamldoc_str(n);

	if (!s || !detection_technique_normalise(id, s)) {
		char *q = s ? detection_quote(s, strlen(s), 40) : NULL;

		detection_warn(set, r->source, n ? n->line : 0,
			       "%s %s%s%s is not an ATT&CK technique ID; "
			       "skipped",
			       what, q ? "'" : "", q ? q : "(not a string)",
			       q ? "'" : "");
		free(q);
		return false;
	}
	detection_list_add(&r->techniques, &r->ntechniques, id);
	return true;
}

static void add_tactic(detection_set *set, detection_rule *r,
		       const yamldoc_node *n)
{
	const char *s = yamldoc_str(n), *name;
	char id[16];

	if (!s || strlen(s) >= sizeof(id) ||
	    !(name = detection_tactic_from_id(s))) {
		char *q = s ? detection_quote(s, strlen(s), 40) : NULL;

		detection_warn(set, r->source, n->line,
			       "tactic %s%s%s is not a known ATT&CK tactic ID; "
			       "skipped",
			       q ? "'" : "", q ? q : "(not a string)",
			       q ? "'" : "");
		free(q);
		return;
	}
	for (size_t i = 0; i <= strlen(s); i++)
		id[i] = (char)toupper((unsigned char)s[i]);
	detection_list_add(&r->tactic_ids, &r->ntactic_ids, id);
	detection_list_add(&r->tactics, &r->ntactics, name);
}

/* A list field: a sequence, or a single scalar taken as a list of one.
 * Anything else gets a warning and reads as empty. */
static size_t list_len(detection_set *set, const detection_rule *r,
		       const yamldoc_node *n, const char *key)
{
	if (yamldoc_is_null(n))
		return 0;
	if (n->kind == YAMLDOC_SEQUENCE)
		return n->nitems;
	if (n->kind == YAMLDOC_SCALAR)
		return 1;
	detection_warn(set, r->source, n->line, "%s is not a list; ignored",
		       key);
	return 0;
}

static const yamldoc_node *list_at(const yamldoc_node *n, size_t i)
{
	return n->kind == YAMLDOC_SEQUENCE ? n->items[i] : n;
}

static void read_entry(detection_set *set, detection_rule *r,
		       const yamldoc_node *e)
{
	const yamldoc_node *tech, *subs, *tactics;
	char parent[DETECTION_TECHNIQUE_SIZE];
	size_t n;

	if (e->kind != YAMLDOC_MAPPING) {
		detection_warn(set, r->source, e->line,
			       "coverage entry is not a mapping; skipped");
		return;
	}
	tech = yamldoc_get(e, "technique");
	if (!tech) {
		detection_warn(set, r->source, e->line,
			       "coverage entry has no technique; skipped");
		return;
	}
	if (!add_technique(set, r, tech, "technique"))
		return;
	detection_technique_normalise(parent, tech->text);
	subs = yamldoc_get(e, "subtechniques");
	n = list_len(set, r, subs, "subtechniques");
	for (size_t i = 0; i < n; i++) {
		const yamldoc_node *item = list_at(subs, i);
		const char *s = item->text;

		if (!add_technique(set, r, item, "subtechnique"))
			continue;
		if (strncasecmp(s, parent, 5) != 0 || strlen(s) != 9)
			detection_warn(set, r->source, item->line,
				       "subtechnique %s is not one of %s; kept",
				       s, parent);
	}
	tactics = yamldoc_get(e, "tactics");
	n = list_len(set, r, tactics, "tactics");
	for (size_t i = 0; i < n; i++)
		add_tactic(set, r, list_at(tactics, i));
	note_coverage(set, r, yamldoc_get(e, "coverage"));
}

static void read_platforms(detection_set *set, detection_rule *r,
			   const yamldoc_node *n)
{
	size_t count = list_len(set, r, n, "platforms");

	for (size_t i = 0; i < count; i++) {
		const yamldoc_node *item = list_at(n, i);
		const char *s = yamldoc_str(item);

		if (s && item->kind == YAMLDOC_SCALAR)
			detection_list_add(&r->platforms, &r->nplatforms, s);
		else
			detection_warn(set, r->source, item->line,
				       "platform is not a string; ignored");
	}
}

int car_parse_doc(detection_set *set, const char *source, const yamldoc *doc)
{
	size_t index = 0;
	const yamldoc_node *root = first_doc(doc, &index), *cov;
	const char *id;
	detection_rule r = {0};

	if (!root)
		return kb_error_set(KB_EPARSE, "%s:1: empty file", source);
	if (root->kind != YAMLDOC_MAPPING)
		return kb_error_set(KB_EPARSE,
				    "%s:%u:%u: not a YAML mapping, so not a "
				    "CAR analytic",
				    source, root->line, root->col);
	id = yamldoc_str(yamldoc_get(root, "id"));
	if (!is_car_id(id))
		return kb_error_set(KB_EPARSE,
				    "%s:%u: not a CAR analytic: no id "
				    "starting \"CAR-\"",
				    source, root->line);
	cov = yamldoc_get(root, "coverage");
	if (cov && !yamldoc_is_null(cov) && cov->kind != YAMLDOC_SEQUENCE)
		return kb_error_set(KB_EPARSE,
				    "%s:%u: coverage of %s is not a list",
				    source, cov->line, id);
	r.format = DETECTION_CAR;
	r.source = xstrdup(source);
	r.line = 1;
	r.id = xstrdup(id);
	r.title = xstrdup(yamldoc_str(yamldoc_get(root, "title"))
				  ? yamldoc_str(yamldoc_get(root, "title"))
				  : id);
	read_platforms(set, &r, yamldoc_get(root, "platforms"));
	if (yamldoc_is_null(cov) || cov->nitems == 0)
		detection_warn(set, source, cov ? cov->line : root->line,
			       "%s has no coverage, so no ATT&CK mapping", id);
	for (size_t i = 0; cov && i < cov->nitems; i++)
		read_entry(set, &r, cov->items[i]);
	for (size_t i = index + 1; i < doc->ndocs; i++) {
		if (!yamldoc_is_null(doc->docs[i])) {
			detection_warn(set, source, doc->docs[i]->line,
				       "more than one YAML document; only the "
				       "first is read");
			break;
		}
	}
	detection_set_push(set, &r);
	return 0;
}

int car_parse_buffer(detection_set *set, const char *source, const char *buf,
		     size_t len)
{
	yamldoc *doc;
	int error;

	if ((error = yamldoc_parse(&doc, source, buf, len)) < 0)
		return error;
	error = car_parse_doc(set, source, doc);
	yamldoc_free(doc);
	return error;
}

int car_parse_file(detection_set *set, const char *path)
{
	yamldoc *doc;
	int error;

	if ((error = detection_load_yaml(&doc, path)) < 0)
		return error;
	error = car_parse_doc(set, path, doc);
	yamldoc_free(doc);
	return error;
}
