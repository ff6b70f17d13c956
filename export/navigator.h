/* export/navigator.h: ATT&CK Navigator layers (layer format 4.5, the
 * JSON the Navigator at mitre-attack.github.io/attack-navigator loads).
 * tests/fixtures/navigator/layerformat-v4.5.md is the specification. */
#ifndef EXPORT_NAVIGATOR_H
#define EXPORT_NAVIGATOR_H

#include <stdbool.h>
#include <stddef.h>

#define NAVIGATOR_LAYER_VERSION "4.5"
#define NAVIGATOR_VERSION "5.1.0" /* the Navigator the layer is made for */

/* A name and value shown in a technique's or the layer's tooltip. */
typedef struct navigator_meta {
	const char *name;
	const char *value;
} navigator_meta;

/* One legend entry: a label and its colour ("#rrggbb"). */
typedef struct navigator_legend {
	const char *label;
	const char *color;
} navigator_legend;

/* One technique annotation. Strings are borrowed. */
typedef struct navigator_technique {
	const char *technique_id; /* T1136 or T1136.001 */
	const char *tactic;       /* shortname (persistence), or NULL: every
				     tactic of the technique */
	double score;
	bool scored;              /* false: no score (left uncoloured) */
	const char *comment;      /* or NULL */
	const char *url;          /* its attack.mitre.org page, or NULL */
	const navigator_meta *metadata;
	size_t nmetadata;
	const char *color;        /* "#rrggbb" overriding the gradient, or
				     NULL (attackkb diff colours by section) */
} navigator_technique;

/* A whole layer. Strings and arrays are borrowed. */
typedef struct navigator_layer {
	const char *name;
	const char *description;     /* or NULL */
	const char *domain;          /* enterprise-attack, mobile-attack,
					ics-attack */
	const char *attack_version;  /* "18" */
	const navigator_technique *techniques;
	size_t ntechniques;
	const char *const *colors;   /* gradient, at least two */
	size_t ncolors;
	double min_score, max_score; /* max > min */
	const navigator_legend *legend;
	size_t nlegend;
	const navigator_meta *metadata;
	size_t nmetadata;
} navigator_layer;

/* The layer as JSON text (indented, ending in a newline). Caller frees.
 * Returns NULL, with KB_EUSAGE in kb_error_last(), when the layer breaks
 * the format: no name, an unknown domain, fewer than two colours, max not
 * above min, or a technique without an ID. */
char *navigator_layer_json(const navigator_layer *layer);

/* Write the layer to path (atomically). Returns 0, KB_EUSAGE (as
 * navigator_layer_json()) or KB_EIO. */
int navigator_layer_write(const char *path, const navigator_layer *layer);

#endif
