/* export/diffout.c: printing a release diff (Markdown, JSON with jansson)
 * and writing Navigator layers. */
#include "export/diffout.h"
#include "export/navigator.h"
#include "kb/diff.h"
#include "kb/error.h"
#include "kb/fsutil.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* MITRE's layer colours (mitreattack-python's diff_stix), and one for
 * techniques whose relationships alone changed. */
static const char *const cat_colors[KB_DIFF_NCATS] = {
	"#a1d99b", "#fcf3a2", "#c7c4e0", "#B5E5CF",
	"#B99095", "#ff9000", "#ff6363", "#ff00e1",
};
#define RELATED_COLOR "#9ecae1"

static const char *const cat_short[KB_DIFF_NCATS] = {
	"additions", "major", "minor", "other", "patches",
	"revocations", "deprecations", "deletions",
};

static const char *domain_title(const char *domain)
{
	if (strcmp(domain, "enterprise-attack") == 0)
		return "Enterprise";
	if (strcmp(domain, "mobile-attack") == 0)
		return "Mobile";
	if (strcmp(domain, "ics-attack") == 0)
		return "ICS";
	if (strcmp(domain, "pre-attack") == 0)
		return "PRE-ATT&CK";
	return domain;
}

/* Text on one line: every whitespace run as one space; trailing
 * whitespace dropped when trim. */
static void put_flat_trim(FILE *out, const char *s, size_t len, bool trim)
{
	bool space = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			space = true;
			continue;
		}
		if (space)
			fputc(' ', out);
		space = false;
		fputc(c, out);
	}
	if (space && !trim)
		fputc(' ', out);
}

static void put_flat(FILE *out, const char *s, size_t len)
{
	put_flat_trim(out, s, len, false);
}

/* The byte offset after the first n words of s (len bytes), or len. */
static size_t words_prefix(const char *s, size_t len, size_t n)
{
	size_t i = 0;

	while (i < len && n) {
		while (i < len && s[i] != ' ' && s[i] != '\n')
			i++;
		while (i < len && (s[i] == ' ' || s[i] == '\n'))
			i++;
		n--;
	}
	return i;
}

static size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	bool in = false;

	for (size_t i = 0; i < len; i++) {
		bool sp = s[i] == ' ' || s[i] == '\n' || s[i] == '\t' ||
			  s[i] == '\r';

		if (!sp && !in)
			n++;
		in = !sp;
	}
	return n;
}

#define CONTEXT 8 /* words kept around a change */

/* The word diff as git's word-diff shows it, [-old-]{+new+}, with long
 * unchanged stretches cut to their ends. */
static void put_worddiff(FILE *out, const worddiff_seg *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const worddiff_seg *s = &v[i];
		size_t words;

		if (s->op == '-' || s->op == '+') {
			fputs(s->op == '-' ? "[-" : "{+", out);
			put_flat_trim(out, s->text, s->len, true);
			fputs(s->op == '-' ? "-]" : "+}", out);
			if (i + 1 < n)
				fputc(' ', out);
			continue;
		}
		words = count_words(s->text, s->len);
		if (words <= 2 * CONTEXT + 2) {
			put_flat_trim(out, s->text, s->len, i + 1 == n);
			continue;
		}
		if (i > 0)
			put_flat(out, s->text,
				 words_prefix(s->text, s->len, CONTEXT));
		fputs("… ", out);
		if (i + 1 < n) {
			size_t skip = words_prefix(s->text, s->len,
						   words - CONTEXT);

			put_flat_trim(out, s->text + skip, s->len - skip,
				      i + 1 == n);
		}
	}
}

static void md_item(FILE *out, int cat, const kb_diff_item *it)
{
	fprintf(out, "- %s%s%s", it->attack_id ? it->attack_id : "",
		it->attack_id ? " " : "", it->name);
	switch (cat) {
	case KB_DIFF_ADDITIONS:
		if (it->new_version)
			fprintf(out, " (v%s)", it->new_version);
		break;
	case KB_DIFF_MAJOR:
	case KB_DIFF_MINOR:
	case KB_DIFF_OTHER:
		fprintf(out, " (v%s → v%s)",
			it->old_version ? it->old_version : "0.0",
			it->new_version ? it->new_version : "0.0");
		break;
	case KB_DIFF_PATCHES:
		if (it->new_version)
			fprintf(out, " (v%s)", it->new_version);
		break;
	case KB_DIFF_REVOCATIONS:
		if (it->successor_id)
			fprintf(out, " (revoked by %s %s)", it->successor_id,
				it->successor_name ? it->successor_name : "");
		break;
	default:
		break;
	}
	fputc('\n', out);
}

static void md_list(FILE *out, const char *what, const kb_diff_list *l)
{
	if (!l->n)
		return;
	fprintf(out, "- %s: ", what);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "%s%s", i ? "; " : "", l->v[i]);
	fputc('\n', out);
}

static void md_technique(FILE *out, const kb_diff_technique *t)
{
	fprintf(out, "#### %s %s\n\n", t->attack_id ? t->attack_id : "",
		t->name ? t->name : t->stix_id);
	if (t->cat >= 0)
		fprintf(out, "- section: %s\n", kb_diff_cat_titles[t->cat]);
	if (t->old_name)
		fprintf(out, "- renamed from: %s\n", t->old_name);
	if (t->old_id)
		fprintf(out, "- ID was: %s\n", t->old_id);
	if (t->moved)
		fprintf(out, "- moved: %s → %s\n",
			t->old_parent ? t->old_parent : "(a technique)",
			t->new_parent ? t->new_parent : "(a technique)");
	md_list(out, "tactics gained", &t->tactics_gained);
	md_list(out, "tactics lost", &t->tactics_lost);
	md_list(out, "mitigations added", &t->mitigations_added);
	md_list(out, "mitigations removed", &t->mitigations_removed);
	md_list(out, "procedure examples added", &t->procedures_added);
	md_list(out, "procedure examples removed", &t->procedures_removed);
	md_list(out, "detections added", &t->detections_added);
	md_list(out, "detections removed", &t->detections_removed);
	md_list(out, "analytics added", &t->analytics_added);
	md_list(out, "analytics removed", &t->analytics_removed);
	md_list(out, "analytics changed", &t->analytics_changed);
	if (t->ndescription) {
		fputs("- description: ", out);
		put_worddiff(out, t->description, t->ndescription);
		fputc('\n', out);
	}
	fputc('\n', out);
}

static size_t type_total(const kb_diff_domain *d, int t)
{
	size_t n = 0;

	for (int c = 0; c < KB_DIFF_NCATS; c++)
		n += d->nitems[t][c];
	return n;
}

void diffout_md(FILE *out, const kb_diff *diff)
{
	for (size_t i = 0; i < diff->ndomains; i++) {
		const kb_diff_domain *d = &diff->domains[i];

		fprintf(out, "# %s ATT&CK %s → %s\n\n",
			domain_title(d->domain), d->old_version,
			d->new_version);
		fputs("| type |", out);
		for (int c = 0; c < KB_DIFF_NCATS; c++)
			fprintf(out, " %s |", cat_short[c]);
		fputs("\n| --- |", out);
		for (int c = 0; c < KB_DIFF_NCATS; c++)
			fputs(" ---: |", out);
		fputc('\n', out);
		for (int t = 0; t < KB_DIFF_NTYPES; t++) {
			if (!type_total(d, t))
				continue;
			fprintf(out, "| %s |", kb_diff_type_titles[t]);
			for (int c = 0; c < KB_DIFF_NCATS; c++)
				fprintf(out, " %zu |", d->nitems[t][c]);
			fputc('\n', out);
		}
		fputc('\n', out);
		for (int t = 0; t < KB_DIFF_NTYPES; t++) {
			if (!type_total(d, t))
				continue;
			fprintf(out, "## %s\n\n", kb_diff_type_titles[t]);
			for (int c = 0; c < KB_DIFF_NCATS; c++) {
				if (!d->nitems[t][c])
					continue;
				fprintf(out, "### %s\n\n",
					kb_diff_cat_titles[c]);
				for (size_t k = 0; k < d->nitems[t][c]; k++)
					md_item(out, c, &d->items[t][c][k]);
				fputc('\n', out);
			}
		}
		if (d->ntechniques) {
			fputs("## Technique details\n\n", out);
			for (size_t k = 0; k < d->ntechniques; k++)
				md_technique(out, &d->techniques[k]);
		}
	}
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void set_list(json_t *o, const char *key, const char *sub,
		     const kb_diff_list *l)
{
	json_t *group, *arr;

	if (!l->n)
		return;
	if (!(group = json_object_get(o, key))) {
		group = json_object();
		json_object_set_new(o, key, group);
	}
	arr = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, json_string(l->v[i]));
	json_object_set_new(group, sub, arr);
}

static json_t *json_technique(const kb_diff_technique *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", jstr(t->attack_id));
	json_object_set_new(o, "name", jstr(t->name));
	json_object_set_new(o, "stix_id", jstr(t->stix_id));
	json_object_set_new(o, "section",
			    t->cat >= 0 ? json_string(kb_diff_cat_keys[t->cat])
					: json_null());
	if (t->old_name)
		json_object_set_new(o, "renamed_from",
				    json_string(t->old_name));
	if (t->old_id)
		json_object_set_new(o, "old_id", json_string(t->old_id));
	if (t->moved)
		json_object_set_new(o, "moved",
				    json_pack("{s:o,s:o}", "from",
					      jstr(t->old_parent), "to",
					      jstr(t->new_parent)));
	set_list(o, "tactics", "gained", &t->tactics_gained);
	set_list(o, "tactics", "lost", &t->tactics_lost);
	set_list(o, "mitigations", "added", &t->mitigations_added);
	set_list(o, "mitigations", "removed", &t->mitigations_removed);
	set_list(o, "procedures", "added", &t->procedures_added);
	set_list(o, "procedures", "removed", &t->procedures_removed);
	set_list(o, "detections", "added", &t->detections_added);
	set_list(o, "detections", "removed", &t->detections_removed);
	set_list(o, "analytics", "added", &t->analytics_added);
	set_list(o, "analytics", "removed", &t->analytics_removed);
	set_list(o, "analytics", "changed", &t->analytics_changed);
	if (t->ndescription) {
		json_t *arr = json_array();

		for (size_t i = 0; i < t->ndescription; i++) {
			char op[2] = {t->description[i].op, '\0'};

			json_array_append_new(
				arr, json_pack("[s,s%]", op,
					       t->description[i].text,
					       t->description[i].len));
		}
		json_object_set_new(o, "description", arr);
	}
	return o;
}

static json_t *json_item(const kb_diff_item *it)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", jstr(it->attack_id));
	json_object_set_new(o, "name", jstr(it->name));
	json_object_set_new(o, "stix_id", json_string(it->stix_id));
	json_object_set_new(o, "old_version", jstr(it->old_version));
	json_object_set_new(o, "new_version", jstr(it->new_version));
	if (it->successor_id)
		json_object_set_new(o, "revoked_by",
				    json_pack("{s:s,s:o}", "id",
					      it->successor_id, "name",
					      jstr(it->successor_name)));
	return o;
}

void diffout_json(FILE *out, const kb_diff *diff)
{
	json_t *root = json_object(), *domains = json_array();

	for (size_t i = 0; i < diff->ndomains; i++) {
		const kb_diff_domain *d = &diff->domains[i];
		json_t *dom = json_object(), *summary = json_object();
		json_t *changes = json_object(), *techs = json_array();

		json_object_set_new(dom, "domain", json_string(d->domain));
		json_object_set_new(dom, "old", json_string(d->old_version));
		json_object_set_new(dom, "new", json_string(d->new_version));
		for (int t = 0; t < KB_DIFF_NTYPES; t++) {
			json_t *counts = json_object(), *lists = json_object();

			for (int c = 0; c < KB_DIFF_NCATS; c++) {
				const kb_diff_item *v = d->items[t][c];
				size_t n = d->nitems[t][c];
				json_t *arr = json_array();

				json_object_set_new(
					counts, kb_diff_cat_keys[c],
					json_integer((json_int_t)n));
				for (size_t k = 0; k < n; k++)
					json_array_append_new(arr,
							      json_item(&v[k]));
				json_object_set_new(lists, kb_diff_cat_keys[c],
						    arr);
			}
			json_object_set_new(summary, kb_diff_type_keys[t],
					    counts);
			json_object_set_new(changes, kb_diff_type_keys[t],
					    lists);
		}
		for (size_t k = 0; k < d->ntechniques; k++) {
			const kb_diff_technique *t = &d->techniques[k];

			json_array_append_new(techs, json_technique(t));
		}
		json_object_set_new(dom, "summary", summary);
		json_object_set_new(dom, "changes", changes);
		json_object_set_new(dom, "techniques", techs);
		json_array_append_new(domains, dom);
	}
	json_object_set_new(root, "domains", domains);
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
}

/* Append a technique coloured for its section. */
static void add_technique(navigator_technique **v, size_t *n, const char *id,
			  const char *color, const char *comment)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (navigator_technique){
		.technique_id = id, .color = color, .comment = comment};
}

char *diffout_layer_json(const kb_diff_domain *d)
{
	static const char *const gradient[] = {"#ffffff", "#66b1ff"};
	navigator_technique *techs = NULL;
	navigator_legend legend[KB_DIFF_NCATS + 1];
	size_t ntechs = 0, nlegend = 0;
	char name[128], desc[256], attack[16];
	navigator_layer layer;
	char *text;

	/* MITRE colours every section but revocations and deprecations
	 * (the Navigator shows neither). */
	for (int c = 0; c < KB_DIFF_NCATS; c++) {
		if (c == KB_DIFF_REVOCATIONS || c == KB_DIFF_DEPRECATIONS)
			continue;
		for (size_t k = 0; k < d->nitems[KB_DIFF_TECHNIQUES][c]; k++) {
			const kb_diff_item *it =
				&d->items[KB_DIFF_TECHNIQUES][c][k];

			if (it->attack_id)
				add_technique(&techs, &ntechs, it->attack_id,
					      cat_colors[c],
					      kb_diff_cat_keys[c]);
		}
		legend[nlegend++] = (navigator_legend){kb_diff_cat_titles[c],
						       cat_colors[c]};
	}
	for (size_t k = 0; k < d->ntechniques; k++) {
		const kb_diff_technique *t = &d->techniques[k];

		if (t->cat < 0 && t->attack_id)
			add_technique(&techs, &ntechs, t->attack_id,
				      RELATED_COLOR,
				      "related changes (tactics, mitigations, "
				      "procedure examples or detections)");
	}
	legend[nlegend++] =
		(navigator_legend){"Related changes only", RELATED_COLOR};
	snprintf(name, sizeof(name), "%s ATT&CK %s → %s",
		 domain_title(d->domain), d->old_version, d->new_version);
	snprintf(desc, sizeof(desc),
		 "What changed in %s from ATT&CK %s to %s (attackkb diff)",
		 d->domain, d->old_version, d->new_version);
	snprintf(attack, sizeof(attack), "%.*s",
		 (int)strcspn(d->new_version, "."), d->new_version);
	layer = (navigator_layer){
		.name = name,
		.description = desc,
		.domain = d->domain,
		.attack_version = attack,
		.techniques = techs,
		.ntechniques = ntechs,
		.colors = gradient,
		.ncolors = 2,
		.min_score = 0,
		.max_score = 1,
		.legend = legend,
		.nlegend = nlegend,
	};
	text = navigator_layer_json(&layer);
	free(techs);
	return text;
}

int diffout_layers(const char *path, const kb_diff *diff)
{
	int error = 0;

	for (size_t i = 0; i < diff->ndomains && !error; i++) {
		char *text = diffout_layer_json(&diff->domains[i]);
		size_t n = strlen(path);
		char *file;

		if (!text)
			return KB_EUSAGE;

		if (diff->ndomains == 1)
			file = xstrdup(path);
		else if (n > 5 && strcmp(path + n - 5, ".json") == 0)
			file = xasprintf("%.*s-%s.json", (int)(n - 5), path,
					 diff->domains[i].domain);
		else
			file = xasprintf("%s-%s.json", path,
					 diff->domains[i].domain);
		error = fsutil_write_atomic(file, text, strlen(text));
		free(file);
		free(text);
	}
	return error;
}
