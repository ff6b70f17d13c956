/* export/navigator.c: ATT&CK Navigator layer files (format 4.5) built
 * with jansson. */
#include "export/navigator.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static bool known_domain(const char *d)
{
	return d && (strcmp(d, "enterprise-attack") == 0 ||
		     strcmp(d, "mobile-attack") == 0 ||
		     strcmp(d, "ics-attack") == 0);
}

static json_t *meta_array(const navigator_meta *m, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "name",
						   m[i].name ? m[i].name : "",
						   "value",
						   m[i].value ? m[i].value
							      : ""));
	return a;
}

static json_t *technique_json(const navigator_technique *t)
{
	json_t *o = json_object(), *links = json_array();

	json_object_set_new(o, "techniqueID", json_string(t->technique_id));
	if (t->tactic)
		json_object_set_new(o, "tactic", json_string(t->tactic));
	/* Optional fields at their defaults (color "", enabled, no
	 * metadata) are left out: a layer of every technique stays small. */
	if (t->scored)
		json_object_set_new(o, "score", json_real(t->score));
	if (t->comment && *t->comment)
		json_object_set_new(o, "comment", json_string(t->comment));
	if (t->color && *t->color)
		json_object_set_new(o, "color", json_string(t->color));
	if (t->nmetadata)
		json_object_set_new(o, "metadata",
				    meta_array(t->metadata, t->nmetadata));
	if (t->url) {
		json_array_append_new(links,
				      json_pack("{s:s, s:s}", "label",
						"attack.mitre.org", "url",
						t->url));
		json_object_set_new(o, "links", links);
	} else {
		json_decref(links);
	}
	return o;
}

/* Scores are counts: write 3, not 3.0, when they are whole. */
static void integral_scores(json_t *techniques)
{
	size_t i;
	json_t *t;

	json_array_foreach(techniques, i, t)
	{
		json_t *s = json_object_get(t, "score");
		double v = s ? json_real_value(s) : 0;

		if (s && v == (double)(json_int_t)v)
			json_object_set_new(t, "score",
					    json_integer((json_int_t)v));
	}
}

static json_t *number(double v)
{
	return v == (double)(json_int_t)v ? json_integer((json_int_t)v)
					  : json_real(v);
}

char *navigator_layer_json(const navigator_layer *l)
{
	json_t *root, *techniques, *colors, *legend;
	char *text, *out;

	if (!l->name || !*l->name) {
		kb_error_set(KB_EUSAGE, "a Navigator layer needs a name");
		return NULL;
	}
	if (!known_domain(l->domain)) {
		kb_error_set(KB_EUSAGE,
			     "a Navigator layer's domain is enterprise-attack, "
			     "mobile-attack or ics-attack, not '%s'",
			     l->domain ? l->domain : "");
		return NULL;
	}
	if (l->ncolors < 2 || !(l->max_score > l->min_score)) {
		kb_error_set(KB_EUSAGE,
			     "a Navigator gradient needs two colours and "
			     "maxValue above minValue");
		return NULL;
	}
	for (size_t i = 0; i < l->ntechniques; i++)
		if (!l->techniques[i].technique_id ||
		    !*l->techniques[i].technique_id) {
			kb_error_set(KB_EUSAGE,
				     "a Navigator technique needs an ID");
			return NULL;
		}
	root = json_object();
	json_object_set_new(root, "name", json_string(l->name));
	json_object_set_new(
		root, "versions",
		json_pack("{s:s, s:s, s:s}", "attack",
			  l->attack_version ? l->attack_version : "",
			  "navigator", NAVIGATOR_VERSION, "layer",
			  NAVIGATOR_LAYER_VERSION));
	if (!l->attack_version)
		json_object_del(json_object_get(root, "versions"), "attack");
	json_object_set_new(root, "domain", json_string(l->domain));
	json_object_set_new(root, "description",
			    json_string(l->description ? l->description : ""));
	json_object_set_new(root, "sorting", json_integer(3));
	json_object_set_new(
		root, "layout",
		json_pack("{s:s, s:b, s:b, s:b, s:b, s:s, s:s}", "layout",
			  "side", "showID", 1, "showName", 1,
			  "showAggregateScores", 0, "countUnscored", 0,
			  "aggregateFunction", "average",
			  "expandedSubtechniques", "annotated"));
	json_object_set_new(root, "hideDisabled", json_false());
	techniques = json_array();
	for (size_t i = 0; i < l->ntechniques; i++)
		json_array_append_new(techniques,
				      technique_json(&l->techniques[i]));
	integral_scores(techniques);
	json_object_set_new(root, "techniques", techniques);
	colors = json_array();
	for (size_t i = 0; i < l->ncolors; i++)
		json_array_append_new(colors, json_string(l->colors[i]));
	json_object_set_new(root, "gradient",
			    json_pack("{s:o, s:o, s:o}", "colors", colors,
				      "minValue", number(l->min_score),
				      "maxValue", number(l->max_score)));
	legend = json_array();
	for (size_t i = 0; i < l->nlegend; i++)
		json_array_append_new(legend,
				      json_pack("{s:s, s:s}", "label",
						l->legend[i].label, "color",
						l->legend[i].color));
	json_object_set_new(root, "legendItems", legend);
	json_object_set_new(root, "showTacticRowBackground", json_false());
	json_object_set_new(root, "tacticRowBackground",
			    json_string("#dddddd"));
	json_object_set_new(root, "selectTechniquesAcrossTactics", json_true());
	json_object_set_new(root, "selectSubtechniquesWithParent",
			    json_false());
	json_object_set_new(root, "selectVisibleTechniques", json_false());
	json_object_set_new(root, "metadata",
			    meta_array(l->metadata, l->nmetadata));
	json_object_set_new(root, "links",
			    json_pack("[{s:s, s:s}]", "label", "MITRE ATT&CK",
				      "url", "https://attack.mitre.org/"));
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
					JSON_REAL_PRECISION(6));
	json_decref(root);
	if (!text) {
		kb_error_set(KB_ERROR, "cannot write the layer as JSON");
		return NULL;
	}
	out = xasprintf("%s\n", text);
	free(text);
	return out;
}

int navigator_layer_write(const char *path, const navigator_layer *layer)
{
	char *text = navigator_layer_json(layer);
	int error;

	if (!text)
		return KB_EUSAGE;
	error = fsutil_write_atomic(path, text, strlen(text));
	free(text);
	return error;
}
